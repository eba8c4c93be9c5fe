//! Renders a handlebars template with the scan's values. HTML escaping is off and values are
//! inserted verbatim: a value is never parsed as template syntax. Unknown fields render as their
//! own literal `{{field}}` so `doctor` finds them; extra variables without a value are null. A
//! field the template writes as a code span of its own is written for an agent to read: `none`
//! out of the span, a list of directories one span each ([`in_code_span`]).

use crate::profile::code_span::{Wrap, code_span, wrapped_placeholders};
use crate::report::{Field, FieldName, Report, State};
use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{Map, Value};
use std::rc::Rc;

/// The bundled backend-architect template.
pub const DEFAULT_TEMPLATE: &str = crate::profile::templates::BUNDLED[0].1;

/// The variables a template can use: the 11 fields plus the report's extra variables.
pub fn variables(report: &Report) -> Map<String, Value> {
    let mut vars = Map::new();
    // Extra variables without a value are null: `{{#if orm}}` is false and `{{orm}}` is empty.
    for (name, value) in &report.variables {
        vars.insert(name.clone(), value.clone().map_or(Value::Null, Value::String));
    }
    for (name, field) in &report.fields {
        let text = match (&field.state, &field.value) {
            (State::Unknown, _) | (_, None) => format!("{{{{{name}}}}}"),
            (_, Some(value)) => value.clone(),
        };
        vars.insert(name.to_string(), Value::String(text));
    }
    vars
}

/// The text that replaces a field's placeholder and the code span `wrap` the template wrote
/// around it. A value to type stays in the span; each directory of a list gets a span of its
/// own (`` `src`, `tests` ``, safe whatever backticks a name holds); an absent field's `none` is
/// prose, out of any span, so no one takes it for a command. An unknown field keeps its
/// placeholder in the template's span.
pub fn in_code_span(name: FieldName, field: Option<&Field>, wrap: &Wrap) -> String {
    let value = field
        .filter(|f| f.state != State::Unknown)
        .and_then(|f| Some((f, f.value.as_ref()?)));
    match value {
        None => wrap.around(&format!("{{{{{name}}}}}")),
        Some((f, value)) if f.state == State::Absent => value.clone(),
        Some((Field { items: Some(items), .. }, _)) if name.is_directories() => {
            items.iter().map(|item| code_span(item)).collect::<Vec<_>>().join(", ")
        }
        Some((_, value)) => wrap.around(value),
    }
}

pub fn render(template: &str, report: &Report) -> Result<String> {
    let compiled = compiled(template)?;
    let mut vars = variables(report);
    for (i, (name, wrap)) in compiled.spans.iter().enumerate() {
        let text = in_code_span(*name, report.fields.get(name), wrap);
        vars.insert(span_variable(i), Value::String(text));
    }
    compiled
        .hb
        .render("agent", &Value::Object(vars))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot render template")
}

/// A template compiled, with the fields it writes as code spans of their own, in order: the
/// i-th is rendered from the variable [`span_variable`]`(i)`.
struct Compiled {
    hb: Handlebars<'static>,
    spans: Vec<(FieldName, Wrap)>,
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
    hb.set_strict_mode(true);
    for (name, context) in [
        (YAML_PLAIN, YamlContext::Plain),
        (YAML_DOUBLE, YamlContext::DoubleQuoted),
        (YAML_SINGLE, YamlContext::SingleQuoted),
    ] {
        hb.register_helper(name, Box::new(YamlHelper(context)));
    }
    let (source, spans) = code_spans_as_variables(template);
    hb.register_template_string("agent", yaml_safe_front_matter(&source))
        .context("invalid template")?;
    let compiled = Rc::new(Compiled { hb, spans });
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
fn code_spans_as_variables(template: &str) -> (String, Vec<(FieldName, Wrap)>) {
    let mut source = String::with_capacity(template.len());
    let mut spans = Vec::new();
    let mut copied = 0;
    for wrapped in wrapped_placeholders(template) {
        let Some(name) = FieldName::parse(&wrapped.name) else {
            continue;
        };
        source.push_str(&template[copied..wrapped.range.start]);
        source.push_str(&format!("{{{{@root.[{}]}}}}", span_variable(spans.len())));
        spans.push((name, wrapped.wrap));
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

/// The template with each `{{name}}` of its front matter (the block between the first two `---`
/// lines) routed through a helper that escapes the value for where it lands, so a value with a
/// newline, a quote or a `: ` cannot end the front matter or change its keys.
fn yaml_safe_front_matter(template: &str) -> String {
    let (Some(front), body) = crate::profile::syntax::split_front_matter(template) else {
        return template.to_string();
    };
    // The opening line, the block and the closing line stay as the template wrote them.
    let opening = &template[..template.len() - body.len()];
    let front_start = opening.find('\n').map_or(0, |n| n + 1);
    let (head, tail) = (&opening[..front_start], &opening[front_start + front.len()..]);
    let front = crate::profile::syntax::PLACEHOLDER.replace_all(front, |caps: &regex::Captures| {
        let at = caps.get(0).map_or(0, |m| m.start());
        let line = &front[front[..at].rfind('\n').map_or(0, |n| n + 1)..at];
        let helper = match yaml_context(line) {
            YamlContext::DoubleQuoted => YAML_DOUBLE,
            YamlContext::SingleQuoted => YAML_SINGLE,
            YamlContext::Plain => YAML_PLAIN,
        };
        format!("{{{{{helper} {}}}}}", &caps[1])
    });
    format!("{head}{front}{tail}{body}")
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

struct YamlHelper(YamlContext);

impl handlebars::HelperDef for YamlHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &handlebars::Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc handlebars::Context,
        _: &mut handlebars::RenderContext<'reg, 'rc>,
        out: &mut dyn handlebars::Output,
    ) -> handlebars::HelperResult {
        // Strict, as in the body: a name the report does not have is an error, never "".
        let param = helper.param(0);
        if let Some(missing) = param.filter(|p| p.is_value_missing()) {
            let name = missing.relative_path().cloned().unwrap_or_default();
            return Err(handlebars::RenderErrorReason::MissingVariable(Some(name)).into());
        }
        let value = match param.map(|p| p.value()) {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out.write(&yaml_escape(&value, self.0))?;
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
        let rewritten = yaml_safe_front_matter(template);
        assert!(
            rewritten.ends_with("---\nBody {{a}}\n"),
            "the body is untouched: {rewritten}"
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
    fn a_name_the_report_lacks_is_an_error_in_the_front_matter_too() {
        let err = render("---\nprompt: \"Read {{prd_path}} now\"\n---\nBody\n", &report()).unwrap_err();
        assert!(format!("{err:#}").contains("prd_path"), "{err:#}");
    }
}
