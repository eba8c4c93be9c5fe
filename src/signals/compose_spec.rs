//! The shapes of a compose file that both the service reader ([`super::compose`]) and the
//! `extends` merge ([`super::extends`]) read: its services in order, and a service's
//! environment.

use serde_json::Value;

/// A compose file as read: its services in the file's order (a JSON value's map would sort
/// them: of several built from the same source, the first is the app's main one). A file whose
/// top, or whose `services`, is not a map has no services.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(super) enum ComposeDoc {
    Map {
        #[serde(default)]
        services: Option<Services>,
    },
    Other(serde::de::IgnoredAny),
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(super) enum Services {
    Map(indexmap::IndexMap<String, Value>),
    Other(serde::de::IgnoredAny),
}

/// The services of a compose file's text, when it parses and has a map of them.
pub(super) fn services_of(text: &str) -> Option<indexmap::IndexMap<String, Value>> {
    match serde_saphyr::from_str(text).ok()? {
        ComposeDoc::Map {
            services: Some(Services::Map(services)),
        } => Some(services),
        _ => None,
    }
}

/// `env`, then `more`'s values for the keys it does not set (a service's env files' beneath its
/// `environment`, its image's `ENV` beneath both).
pub(super) fn beneath(
    mut env: Vec<(String, String)>,
    more: impl IntoIterator<Item = (String, String)>,
) -> Vec<(String, String)> {
    for (key, value) in more {
        if !env.iter().any(|(k, _)| *k == key) {
            env.push((key, value));
        }
    }
    env
}

/// A service's `environment`, a map or a list of `KEY=value`.
pub(super) fn environment(spec: &Value) -> Vec<(String, String)> {
    entries(spec.get("environment"))
}

/// The entries of an `environment` value, a map or a list of `KEY=value`.
pub(super) fn entries(environment: Option<&Value>) -> Vec<(String, String)> {
    match environment {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::String(text) => text.clone(),
                    // `KEY:` with no value passes the variable through, as a bare list item does.
                    Value::Null => format!("${{{k}}}"),
                    other => other.to_string(),
                };
                (k.clone(), value)
            })
            .collect(),
        // A bare `- POSTGRES_PASSWORD` passes the variable through from the environment.
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|item| match item.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (item.to_string(), format!("${{{item}}}")),
            })
            .collect(),
        _ => Vec::new(),
    }
}
