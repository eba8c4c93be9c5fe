//! INI files (`setup.cfg`, `tox.ini`, an app's `conf/app.ini`) read as JSON-like values, so
//! that the readers of YAML and TOML settings read them too, and Python's manifest reader its
//! `setup.cfg`.

use serde_json::Value;

/// An INI file's sections as objects of strings; values may go on over indented lines, as
/// `setup.cfg` writes lists.
pub fn sections(text: &str) -> Option<Value> {
    let options = ini::ParseOption {
        enabled_quote: false,
        enabled_escape: false,
        enabled_indented_mutiline_value: true,
        ..Default::default()
    };
    let parsed = ini::Ini::load_from_str_opt(text, options).ok()?;
    let mut doc = serde_json::Map::new();
    for (section, props) in parsed.iter() {
        let Some(section) = section else { continue };
        let entry = doc
            .entry(section.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(map) = entry {
            for (key, value) in props.iter() {
                map.insert(key.to_string(), Value::String(value.trim().to_string()));
            }
        }
    }
    Some(Value::Object(doc))
}
