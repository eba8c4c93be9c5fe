//! Renders a handlebars template with the scan's values. HTML escaping is off and values are
//! inserted verbatim: a value is never parsed as template syntax. Unknown fields render as their
//! own literal `{{field}}` so `doctor` finds them; extra variables without a value are null.

use crate::report::{Report, State};
use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{Map, Value};

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

pub fn render(template: &str, report: &Report) -> Result<String> {
    let hb = compiled(template)?;
    hb.render("agent", &Value::Object(variables(report)))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot render template")
}

/// The registry with `template` compiled, once per thread and template: parsing dominates a
/// render, and bulk `init` and `doctor` render the same few templates for every repository.
fn compiled(template: &str) -> Result<std::rc::Rc<Handlebars<'static>>> {
    thread_local! {
        static COMPILED: std::cell::RefCell<Vec<(String, std::rc::Rc<Handlebars<'static>>)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    if let Some(hb) = COMPILED.with_borrow(|c| c.iter().find(|(t, _)| t == template).map(|(_, hb)| hb.clone())) {
        return Ok(hb);
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
    hb.register_template_string("agent", yaml_safe_front_matter(template))
        .context("invalid template")?;
    let hb = std::rc::Rc::new(hb);
    COMPILED.with_borrow_mut(|c| {
        // A handful of templates per run; a run over many repository templates keeps the last few.
        if c.len() >= 8 {
            c.remove(0);
        }
        c.push((template.to_string(), hb.clone()));
    });
    Ok(hb)
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
    // A placeholder, with the quote the template may have written before it.
    static PLACEHOLDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(r#"(["']?){}"#, crate::profile::syntax::PLACEHOLDER_PATTERN)).expect("a valid regex")
    });
    let (Some(front), body) = crate::profile::syntax::split_front_matter(template) else {
        return template.to_string();
    };
    // The opening line, the block and the closing line stay as the template wrote them.
    let opening = &template[..template.len() - body.len()];
    let front_start = opening.find('\n').map_or(0, |n| n + 1);
    let (head, tail) = (&opening[..front_start], &opening[front_start + front.len()..]);
    let front = PLACEHOLDER.replace_all(front, |caps: &regex::Captures| {
        let quote = &caps[1];
        let helper = match quote {
            "\"" => YAML_DOUBLE,
            "'" => YAML_SINGLE,
            _ => YAML_PLAIN,
        };
        format!("{quote}{{{{{helper} {}}}}}", &caps[2])
    });
    format!("{head}{front}{tail}{body}")
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
        let value = match helper.param(0).map(|p| p.value()) {
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
}
