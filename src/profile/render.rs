//! Renders a handlebars template with the scan's values. HTML escaping is off and values are
//! inserted verbatim: a value is never parsed as template syntax. Unknown fields render as their
//! own literal `{{field}}` so `doctor` finds them; extra variables without a value are null. A
//! field the template writes as a code span of its own is written for an agent to read: `none`
//! out of the span, a list of directories one span each ([`in_code_span`]).

use crate::profile::code_span::{Wrap, code_span, wrapped_placeholders};
use crate::profile::mustache::{Prepared, VALUE_HELPER, literal, prepare, text_variable};
use crate::report::{Field, Placeholder, Report, State};
use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{Map, Value};
use std::rc::Rc;

/// The bundled backend-architect template.
pub const DEFAULT_TEMPLATE: &str = crate::profile::templates::BUNDLED[0].1;

/// The variables a template can use: the 11 fields, the report's extra variables, and each
/// alias of one of them (`templates/aliases.toml`) with the same value.
pub fn variables(report: &Report) -> Map<String, Value> {
    let mut vars = Map::new();
    // Extra variables without a value are null: `{{#if orm}}` is false, and `{{orm}}` is left
    // as it is for `doctor`.
    for (name, value) in &report.variables {
        vars.insert(name.clone(), value.clone().map_or(Value::Null, Value::String));
    }
    for (name, field) in &report.fields {
        vars.insert(name.to_string(), Value::String(field_text(name.as_str(), field)));
    }
    for (name, field) in &report.extras {
        vars.insert(name.to_string(), Value::String(field_text(name.as_str(), field)));
    }
    for (alias, name) in crate::report::aliases::all() {
        // A value archprompt.toml's `[values]` gives the alias itself is the alias's.
        if report.variables.get(alias).is_some_and(Option::is_some) {
            continue;
        }
        let value = match report.field_for(name) {
            Some(field) => Value::String(field_text(alias, field)),
            None => vars.get(name).cloned().unwrap_or(Value::Null),
        };
        vars.insert(alias.to_string(), value);
    }
    vars
}

/// A field's text where the template names it `placeholder`: its value, or the placeholder
/// itself while the value is unknown.
fn field_text(placeholder: &str, field: &Field) -> String {
    match (&field.state, &field.value) {
        (State::Unknown, _) | (_, None) => format!("{{{{{placeholder}}}}}"),
        (_, Some(value)) => value.clone(),
    }
}

/// The placeholders a rendered text still holds, each once, in order: `ours`, names archprompt
/// fills (a field, a variable or an alias of one) that this scan found no value for, and
/// `foreign`, names it does not fill at all (`{{prd_path}}`): the template's own, left for its
/// reader (`doctor` lists both; `[values]` in archprompt.toml can fill either).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Left {
    pub ours: Vec<String>,
    pub foreign: Vec<String>,
}

pub fn left_in(report: &Report, text: &str) -> Left {
    let mut left = Left::default();
    for name in crate::profile::syntax::variables(text) {
        let canonical = crate::report::aliases::canonical(&name);
        // A found value may itself hold braces (`-d {{x}}`): only a name without a value is left.
        let state = match report.field_for(&name) {
            Some(field) => Some(field.state == State::Unknown),
            None => report.variables.get(canonical).map(Option::is_none),
        };
        match state {
            Some(true) => left.ours.push(name),
            Some(false) => {}
            None => left.foreign.push(name),
        }
    }
    left
}

/// The text that replaces a field's placeholder (written `placeholder`, the field's name or an
/// alias) and the code span `wrap` the template wrote around it. A value to type stays in the
/// span; each directory of a list gets a span of its own (`` `src`, `tests` ``, safe whatever
/// backticks a name holds); an absent field's `none` is prose, out of any span, so no one takes
/// it for a command. An unknown field keeps its placeholder in the template's span.
pub fn in_code_span(placeholder: &str, field: Option<&Field>, wrap: &Wrap) -> String {
    let value = field
        .filter(|f| f.state != State::Unknown)
        .and_then(|f| Some((f, f.value.as_ref()?)));
    match value {
        None => wrap.around(&format!("{{{{{placeholder}}}}}")),
        Some((f, value)) if f.state == State::Absent => value.clone(),
        Some((Field { items: Some(items), .. }, _))
            if Placeholder::parse(placeholder).is_some_and(Placeholder::is_directories) =>
        {
            items.iter().map(|item| code_span(item)).collect::<Vec<_>>().join(", ")
        }
        Some((_, value)) => wrap.around(value),
    }
}

/// `template` filled from `report`. Only `{{name}}` placeholders are archprompt's: one it has
/// no value for stays as written, and any other `{{…}}` (a workflow's `${{ secrets.X }}`, Vue's
/// `{{ user.email }}`) is text (see [`crate::profile::mustache`]).
pub fn render(template: &str, report: &Report) -> Result<String> {
    let compiled = compiled(template)?;
    let mut vars = variables(report);
    for (i, (written, wrap)) in compiled.spans.iter().enumerate() {
        let text = in_code_span(written, report.field_for(written), wrap);
        vars.insert(span_variable(i), Value::String(text));
    }
    for (i, text) in compiled.texts.iter().enumerate() {
        vars.insert(text_variable(i), Value::String(text.clone()));
    }
    compiled
        .hb
        .render("agent", &Value::Object(vars))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot render template")
}

/// A template compiled, with the fields it writes as code spans of their own, in order (the
/// placeholder as written, the span): the i-th is rendered from the variable
/// [`span_variable`]`(i)`.
struct Compiled {
    hb: Handlebars<'static>,
    spans: Vec<(String, Wrap)>,
    /// The template's own text handlebars must not read ([`crate::profile::mustache::prepare`]).
    texts: Vec<String>,
}

/// The variable holding the i-th code span's text. The `-` keeps it apart from any variable a
/// template can name as `{{name}}`.
fn span_variable(i: usize) -> String {
    format!("archprompt-code-span-{i}")
}

/// The registry with `template` compiled, once per thread and template: parsing dominates a
/// render, and bulk `init` and `doctor` render the same few templates for every repository.
fn compiled(template: &str) -> Result<Rc<Compiled>> {
    thread_local! {
        static COMPILED: std::cell::RefCell<Vec<(String, Rc<Compiled>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(hit) = COMPILED.with_borrow(|c| c.iter().find(|(t, _)| t == template).map(|(_, hit)| hit.clone())) {
        return Ok(hit);
    }
    let mut hb = Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    // Not strict: a block over a name archprompt lacks (`{{#each prd_paths}}`) renders nothing,
    // as over a name without a value.
    for (name, context) in [
        (YAML_PLAIN, YamlContext::Plain),
        (YAML_DOUBLE, YamlContext::DoubleQuoted),
        (YAML_SINGLE, YamlContext::SingleQuoted),
    ] {
        hb.register_helper(name, Box::new(ValueHelper(Some(context))));
    }
    hb.register_helper(VALUE_HELPER, Box::new(ValueHelper(None)));
    let (source, spans) = code_spans_as_variables(template);
    let Prepared { source, texts } = placeholders_as_helpers(&source);
    hb.register_template_string("agent", source)
        .context("invalid template")?;
    let compiled = Rc::new(Compiled { hb, spans, texts });
    COMPILED.with_borrow_mut(|c| {
        // A handful of templates per run; a run over many repository templates keeps the last few.
        if c.len() >= 8 {
            c.remove(0);
        }
        c.push((template.to_string(), compiled.clone()));
    });
    Ok(compiled)
}

/// The template with each field it writes as a code span of its own (`` `{{source_dirs}}` ``)
/// replaced, backticks and all, by its [`span_variable`], and those fields in order. `@root`,
/// so the span renders the same inside an `{{#each}}` or `{{#with}}` block.
fn code_spans_as_variables(template: &str) -> (String, Vec<(String, Wrap)>) {
    let mut source = String::with_capacity(template.len());
    let mut spans = Vec::new();
    let mut copied = 0;
    for wrapped in wrapped_placeholders(template) {
        if Placeholder::parse(&wrapped.name).is_none() {
            continue;
        }
        source.push_str(&template[copied..wrapped.range.start]);
        source.push_str(&format!("{{{{@root.[{}]}}}}", span_variable(spans.len())));
        spans.push((wrapped.name, wrapped.wrap));
        copied = wrapped.range.end;
    }
    source.push_str(&template[copied..]);
    (source, spans)
}

const YAML_PLAIN: &str = "archprompt-yaml-plain";
const YAML_DOUBLE: &str = "archprompt-yaml-double";
const YAML_SINGLE: &str = "archprompt-yaml-single";

/// Where in a YAML front matter a value lands: as the whole scalar (`description: {{x}}`), or
/// inside quotes the template wrote (`description: "{{x}}"`).
#[derive(Clone, Copy)]
enum YamlContext {
    Plain,
    DoubleQuoted,
    SingleQuoted,
}

/// The template with each placeholder routed through a helper given the name and the
/// placeholder as written ([`ValueHelper`]); in the front matter (the block between the first
/// two `---` lines) a helper that escapes the value for where it lands, so a value with a
/// newline, a quote or a `: ` cannot end the front matter or change its keys. Every other `{{`
/// that is not handlebars' own syntax is text ([`crate::profile::mustache::prepare`]).
fn placeholders_as_helpers(template: &str) -> Prepared {
    let front = match crate::profile::syntax::split_front_matter(template) {
        (Some(front), _) => {
            let start = template.find('\n').map_or(0, |n| n + 1);
            start..start + front.len()
        }
        (None, _) => 0..0,
    };
    prepare(template, |at, name, written| {
        let args = format!("{} {}", literal(name), literal(written));
        if !front.contains(&at) {
            // `{{~name~}}` trims no whitespace: a placeholder left as written must come out
            // with the text around it byte for byte.
            return format!("{{{{{VALUE_HELPER} {args}}}}}");
        }
        let line = &template[template[..at].rfind('\n').map_or(0, |n| n + 1)..at];
        let helper = match yaml_context(line) {
            YamlContext::DoubleQuoted => YAML_DOUBLE,
            YamlContext::SingleQuoted => YAML_SINGLE,
            YamlContext::Plain => YAML_PLAIN,
        };
        format!("{{{{{helper} {args}}}}}")
    })
}
/// The context at the end of `line`, a front matter line up to a placeholder: inside a quoted
/// scalar the line opened (`prompt: "Read {{x}}`), else plain. A quote opens a scalar only where
/// a value starts: at the line's start, after `: `, after a `- ` entry, after a tag (`!!str `),
/// and after `[`, `{` or `,` in a flow collection; elsewhere (`foo-'bar`) it is a character of a
/// plain scalar.
fn yaml_context(line: &str) -> YamlContext {
    let mut context = YamlContext::Plain;
    let mut value_starts = true;
    let mut flow_depth = 0usize;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match context {
            YamlContext::Plain => {
                let spaced = chars.peek().is_none_or(|n| n.is_whitespace());
                match c {
                    '"' | '\'' if value_starts => {
                        context = if c == '"' {
                            YamlContext::DoubleQuoted
                        } else {
                            YamlContext::SingleQuoted
                        };
                    }
                    _ if c.is_whitespace() => {}
                    '!' if value_starts => while chars.next_if(|n| !n.is_whitespace()).is_some() {},
                    ':' | '-' if spaced && (c == ':' || value_starts) => value_starts = true,
                    '[' | '{' if value_starts => flow_depth += 1,
                    ',' if flow_depth > 0 => value_starts = true,
                    ']' | '}' if flow_depth > 0 => {
                        flow_depth -= 1;
                        value_starts = false;
                    }
                    _ => value_starts = false,
                }
            }
            YamlContext::DoubleQuoted if c == '\\' => {
                chars.next();
            }
            YamlContext::DoubleQuoted if c == '"' => {
                context = YamlContext::Plain;
                value_starts = false;
            }
            YamlContext::SingleQuoted if c == '\'' && chars.peek() == Some(&'\'') => {
                chars.next();
            }
            YamlContext::SingleQuoted if c == '\'' => {
                context = YamlContext::Plain;
                value_starts = false;
            }
            _ => {}
        }
    }
    context
}

/// Writes a placeholder's value: `{{HELPER "name" "as written"}}` writes the variable `name`
/// of the root context, or the placeholder as written when archprompt has no value for it. With
/// a YAML context (in the front matter) the text is escaped for where it lands.
struct ValueHelper(Option<YamlContext>);

impl handlebars::HelperDef for ValueHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &handlebars::Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        context: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        let text_of = |i: usize| helper.param(i).and_then(|p| p.value().as_str()).unwrap_or_default();
        let (name, written) = (text_of(0), text_of(1));
        let value = match context.data().get(name) {
            Some(Value::String(text)) => text.clone(),
            // Without a value the placeholder stays byte for byte, in the front matter too.
            Some(Value::Null) | None => {
                out.write(written)?;
                return Ok(());
            }
            Some(other) => other.to_string(),
        };
        match self.0 {
            Some(yaml) => out.write(&yaml_escape(&value, yaml))?,
            None => out.write(&value)?,
        }
        Ok(())
    }
}

/// `value` as YAML text for its context: a plain scalar stays as it is when YAML would read it
/// back as the same string, else it becomes a double-quoted scalar (JSON's string syntax is valid
/// YAML); inside quotes it is escaped for those quotes.
fn yaml_escape(value: &str, context: YamlContext) -> String {
    let quoted = || serde_json::to_string(value).expect("strings serialize");
    match context {
        YamlContext::Plain if crate::profile::syntax::is_plain_safe(value) => value.to_string(),
        YamlContext::Plain => quoted(),
        YamlContext::DoubleQuoted => {
            let text = quoted();
            text[1..text.len() - 1].to_string()
        }
        // Single quotes escape only themselves; a line break would fold, so it becomes a space.
        YamlContext::SingleQuoted => value.replace('\'', "''").replace(['\r', '\n'], " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FieldName;

    /// A report with no database or migrations, directories found and no idea of the dev command.
    fn report() -> Report {
        let mut report = Report::unknown(".", "not looked for");
        let fields = &mut report.fields;
        fields.insert(FieldName::TestCommand, Field::found("npm test", vec![]));
        fields.insert(
            FieldName::MigrationCommand,
            Field::absent_because("package.json", "no migrations"),
        );
        fields.insert(
            FieldName::DatabaseSystem,
            Field::absent_because("package.json", "no database"),
        );
        fields.insert(
            FieldName::DbMigrationsDirs,
            Field::absent_because("package.json", "no migrations"),
        );
        fields.insert(
            FieldName::SourceDirs,
            Field::found_list(vec!["src".into(), "lib".into()], vec![]),
        );
        fields.insert(FieldName::TestDirs, Field::found_list(vec!["te`st".into()], vec![]));
        report
    }

    #[test]
    fn none_in_a_code_span_is_written_as_a_word() {
        let page = render(
            "- **Run Migrations:** `{{migration_command}}`\n  - `{{db_migrations_dirs}}` – Database migrations\n- **Database:** {{database_system}}\n",
            &report(),
        )
        .unwrap();
        assert_eq!(
            page,
            "- **Run Migrations:** none\n  - none – Database migrations\n- **Database:** none\n"
        );
    }

    #[test]
    fn a_list_of_directories_in_a_code_span_is_one_span_per_directory() {
        let page = render(
            "  - `{{source_dirs}}` – Server code\n  - `{{test_dirs}}` – Tests\n",
            &report(),
        )
        .unwrap();
        assert_eq!(page, "  - `src`, `lib` – Server code\n  - ``te`st`` – Tests\n");
        // Out of a code span the list stays the report's text, as a custom template wrote it.
        let page = render(
            "Code lives in {{source_dirs}}; not `{{source_dirs}} and more`.\n",
            &report(),
        )
        .unwrap();
        assert_eq!(page, "Code lives in src, lib; not `src, lib and more`.\n");
    }

    #[test]
    fn other_values_and_unknown_fields_keep_the_templates_span() {
        // Inside a block that changes the context too.
        let template = "Run `{{test_command}}`, then `` {{ dev_command }} ``.\n{{#with tech_stack}}`{{migration_command}}`{{/with}}\n";
        let page = render(template, &report()).unwrap();
        assert_eq!(page, "Run `npm test`, then `` {{dev_command}} ``.\nnone\n");
        // In a fenced block backticks are characters: the value goes in as it is.
        let page = render("```\n`{{migration_command}}`\n```\n", &report()).unwrap();
        assert_eq!(page, "```\n`none`\n```\n");
    }

    #[test]
    fn front_matter_values_are_escaped_for_where_they_land() {
        let template = "---\nname: {{a}}\ndescription: \"{{b}}\"\nnote: '{{c}}'\nplain: {{d}}\n---\nBody {{a}}\n";
        let rewritten = placeholders_as_helpers(template).source;
        assert!(
            rewritten.ends_with("---\nBody {{archprompt-value \"a\" \"{{a}}\"}}\n"),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("description: \"{{archprompt-yaml-double \"b\""),
            "{rewritten}"
        );
        assert!(
            rewritten.contains("note: '{{archprompt-yaml-single \"c\""),
            "{rewritten}"
        );
        assert_eq!(yaml_escape("Express", YamlContext::Plain), "Express");
        assert_eq!(
            yaml_escape("a: b\nkey: evil", YamlContext::Plain),
            "\"a: b\\nkey: evil\""
        );
        assert_eq!(
            yaml_escape("say \"hi\"\n", YamlContext::DoubleQuoted),
            "say \\\"hi\\\"\\n"
        );
        assert_eq!(yaml_escape("it's\nthere", YamlContext::SingleQuoted), "it''s there");
        assert_eq!(yaml_escape("true", YamlContext::Plain), "\"true\"");
        assert_eq!(yaml_escape("3.10", YamlContext::Plain), "\"3.10\"");
        assert_eq!(yaml_escape("{{db_command}}", YamlContext::Plain), "\"{{db_command}}\"");
    }

    #[test]
    fn a_placeholder_inside_a_quoted_scalar_is_escaped_for_those_quotes() {
        assert!(matches!(yaml_context("prompt: \"Read "), YamlContext::DoubleQuoted));
        assert!(matches!(yaml_context("  - \"a \\\" b "), YamlContext::DoubleQuoted));
        assert!(matches!(yaml_context("note: 'it''s "), YamlContext::SingleQuoted));
        assert!(matches!(yaml_context("say: \"done\" and "), YamlContext::Plain));
        assert!(matches!(yaml_context("say: it's \"quoted "), YamlContext::Plain));
        assert!(matches!(yaml_context("name: foo-'bar "), YamlContext::Plain));
        assert!(matches!(yaml_context("tags: [a, 'b "), YamlContext::SingleQuoted));
        assert!(matches!(yaml_context("note: !!str \"x "), YamlContext::DoubleQuoted));
        assert!(matches!(yaml_context("  - 'entry "), YamlContext::SingleQuoted));
        assert!(matches!(yaml_context("é ü: \"— "), YamlContext::DoubleQuoted));
        let mut report = report();
        report
            .fields
            .insert(FieldName::DevCommand, Field::found("npm run \"dev\"", vec![]));
        let page = render("---\nprompt: \"Run {{dev_command}} now\"\n---\n", &report).unwrap();
        assert_eq!(page, "---\nprompt: \"Run npm run \\\"dev\\\" now\"\n---\n");
    }

    #[test]
    fn a_name_archprompt_has_no_value_for_stays_as_written() {
        // In the front matter too, byte for byte.
        let page = render(
            "---\nprompt: \"Read {{prd_path}} now\"\nnote: {{orm}}\n---\nBody {{ prd_path }} {{orm}} {{#if orm}}has{{else}}no{{/if}} ORM\n",
            &report(),
        )
        .unwrap();
        assert_eq!(
            page,
            "---\nprompt: \"Read {{prd_path}} now\"\nnote: {{orm}}\n---\nBody {{ prd_path }} {{orm}} no ORM\n"
        );
        // A block over a name archprompt lacks is skipped, as over a value it lacks.
        assert_eq!(render("{{#if prd_path}}x{{/if}}.", &report()).unwrap(), ".");
    }

    #[test]
    fn braces_of_other_languages_come_out_byte_for_byte() {
        let template = "Run `{{test_command}}`.\n```yaml\ntoken: ${{ secrets.TOKEN }}\n```\n<p>{{ user.email }} {{ (saving$ | async) ? 'Saving...' : 'Save' }}</p>\n<Ctx value={{ state, dispatch }}>{{unclosed\n";
        let page = render(template, &report()).unwrap();
        assert_eq!(page, template.replace("{{test_command}}", "npm test"));
    }

    #[test]
    fn braces_backslashes_and_raw_blocks_are_text() {
        let page = render(
            "C:\\{{test_command}} {{/* Go */}} {{#items}}{{/items}} {{> partial}} {{{{raw}}}}{{test_command}}{{{{/raw}}}}\n",
            &report(),
        )
        .unwrap();
        assert_eq!(
            page,
            "C:\\npm test {{/* Go */}} {{#items}}{{/items}} {{> partial}} {{test_command}}\n"
        );
        // A block over a name archprompt lacks renders nothing.
        assert_eq!(render("{{#each prd_paths}}x{{/each}}.", &report()).unwrap(), ".");
    }

    #[test]
    fn a_value_set_for_an_alias_itself_is_the_aliass() {
        let mut report = report();
        report.variables.insert("orm_system".into(), Some("Pinned".into()));
        report.variables.insert("orm".into(), Some("Prisma".into()));
        assert_eq!(render("{{orm_system}} {{orm}}", &report).unwrap(), "Pinned Prisma");
    }

    #[test]
    fn an_alias_fills_like_its_field_and_stays_as_written_while_unknown() {
        let mut report = report();
        report.variables.insert("orm".into(), Some("Prisma".into()));
        let page = render(
            "- ORM: {{orm_system}}\n- Tests: `{{test_runner}}`\n- Migrate: `{{db_migrate_command}}`\n- Console: `{{db_console_command}}`\n- Code: `{{src_dirs}}`\n",
            &report,
        )
        .unwrap();
        assert_eq!(
            page,
            "- ORM: Prisma\n- Tests: `{{test_runner}}`\n- Migrate: none\n- Console: `{{db_console_command}}`\n- Code: `src`, `lib`\n"
        );
    }
}
