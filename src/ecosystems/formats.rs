//! Reading the formats manifests are written in (JSON, TOML sections, XML) with one rule for
//! every reader: a file that does not parse, or a section of the wrong type, becomes a warning
//! naming the file.

use crate::repo::index::RepoIndex;

/// A JSON manifest's top-level object; `None` (with a warning naming the file) when it is not
/// valid JSON or not an object. A key written twice in one object is a warning too (the last one
/// counts, as for npm and Composer).
pub fn json_object(index: &RepoIndex, file: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let text = index.read(file)?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(obj)) => {
            if let Some(key) = json_duplicate_key(&text) {
                index.warn(file, format!("key `{key}` appears twice; the last one is used"));
            }
            Some(obj)
        }
        Ok(_) => {
            index.unreadable(file, "expected a JSON object at the top level");
            None
        }
        Err(err) => {
            index.unreadable(file, format!("invalid JSON: {err}"));
            None
        }
    }
}

/// `obj[key]` when it is an object. Another type (`"dependencies": []`) is ignored with a warning
/// naming the file and the key, so a manifest of the wrong shape says why it gave nothing.
pub(crate) fn json_section<'a>(
    index: &RepoIndex,
    file: &str,
    obj: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    match obj.get(key)? {
        serde_json::Value::Object(section) => Some(section),
        serde_json::Value::Null => None,
        other => {
            let kind = match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                _ => "a boolean",
            };
            index.warn(file, format!("`{key}` is {kind}, not an object; ignored"));
            None
        }
    }
}

/// `table[key]` when it is a table, else (with a warning naming the file) nothing.
pub(crate) fn toml_section<'a>(
    index: &RepoIndex,
    file: &str,
    table: &'a toml::Table,
    key: &str,
) -> Option<&'a toml::Table> {
    let value = table.get(key)?;
    let section = value.as_table();
    if section.is_none() {
        index.warn(
            file,
            format!("`{key}` is {}, not a table; ignored", with_article(value.type_str())),
        );
    }
    section
}

/// A TOML type name with its article: `an integer`, `a string`.
pub(crate) fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

/// The dotted path of the first key written twice in one JSON object, anywhere in `text`
/// (which must be valid JSON).
fn json_duplicate_key(text: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    struct Walk<'a> {
        path: String,
        found: &'a RefCell<Option<String>>,
    }
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.path)
                };
                if !seen.insert(key) && self.found.borrow().is_none() {
                    *self.found.borrow_mut() = Some(path.clone());
                }
                map.next_value_seed(Walk {
                    path,
                    found: self.found,
                })?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq
                .next_element_seed(Walk {
                    path: self.path.clone(),
                    found: self.found,
                })?
                .is_some()
            {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }
    let found = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let walked = Walk {
        path: String::new(),
        found: &found,
    }
    .deserialize(&mut deserializer);
    walked.ok()?;
    found.into_inner()
}

/// Parses an XML manifest and hands its root element to `read`; `None` (with a warning naming
/// the file) when it is not well-formed XML.
pub(crate) fn with_xml<T>(index: &RepoIndex, file: &str, read: impl FnOnce(roxmltree::Node) -> T) -> Option<T> {
    let text = index.read(file)?;
    match roxmltree::Document::parse(&text) {
        Ok(doc) => Some(read(doc.root_element())),
        Err(err) => {
            index.unreadable(file, format!("invalid XML: {err}"));
            None
        }
    }
}
