//! Renders a handlebars template with the scan's values. HTML escaping is off and values are
//! inserted verbatim: a value is never parsed as template syntax. Unknown fields render as their
//! own literal `{{field}}` so `doctor` finds them; extra variables without a value are null.

use crate::model::{Report, State};
use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{Map, Value};

/// The bundled backend-architect template.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/backend-architect.md");

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
        vars.insert(name.clone(), Value::String(text));
    }
    vars
}

pub fn render(template: &str, report: &Report) -> Result<String> {
    let mut hb = Handlebars::new();
    hb.register_escape_fn(handlebars::no_escape);
    hb.set_strict_mode(true);
    hb.register_template_string("agent", template)
        .context("invalid template")?;
    hb.render("agent", &Value::Object(variables(report)))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("cannot render template")
}
