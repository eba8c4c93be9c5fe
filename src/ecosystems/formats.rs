//! Reading the formats manifests are written in (JSON, TOML sections, XML) with one rule for
//! every reader: a file that does not parse, or a section of the wrong type, becomes a warning
//! naming the file.

use crate::repo::index::RepoIndex;

/// A JSON manifest's top-level object; `None` (with a warning naming the file) when it is not
/// valid JSON or not an object. A key written twice in one object is a warning too (the last one
/// counts, as for npm and Composer).
pub fn json_object(index: &RepoIndex, file: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    json_manifest(index, file, None).map(|(obj, _)| obj)
}

/// [`json_object`], with the keys of its top-level object `ordered` (`scripts`) in the order the
/// file writes them, found in the same pass that looks for keys written twice: `serde_json`'s
/// map sorts them, and a package's scripts are tried in the order their authors wrote them
/// (`dev:migrate-db` before `dev:migrate-ch`).
pub fn json_manifest(
    index: &RepoIndex,
    file: &str,
    ordered: Option<&str>,
) -> Option<(serde_json::Map<String, serde_json::Value>, Vec<String>)> {
    let text = index.read(file)?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(obj)) => {
            let (duplicate, keys) = json_walk(&text, ordered);
            if let Some(key) = duplicate {
                index.warn(file, format!("key `{key}` appears twice; the last one is used"));
            }
            Some((obj, keys))
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

/// The keys of `section` in the order `written` gives them ([`json_manifest`]'s), then any it
/// does not give in the map's order.
pub(crate) fn declared_order<'a>(
    section: &'a serde_json::Map<String, serde_json::Value>,
    written: &[String],
) -> Vec<&'a String> {
    let mut ordered: Vec<&String> = Vec::with_capacity(section.len());
    let known = written
        .iter()
        .filter_map(|name| section.get_key_value(name).map(|(name, _)| name));
    for name in known.chain(section.keys()) {
        // A key written twice keeps its first place.
        if !ordered.contains(&name) {
            ordered.push(name);
        }
    }
    ordered
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

/// One pass over `text` (which must be valid JSON): the dotted path of the first key written
/// twice in one object, anywhere, and the keys of the top-level object `ordered` as written.
/// Keys are borrowed from the text and a path is spelled out only for the key found: this pass
/// runs over every manifest of a workspace of thousands.
fn json_walk(text: &str, ordered: Option<&str>) -> (Option<String>, Vec<String>) {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::borrow::Cow;
    use std::cell::RefCell;

    /// A key as written: borrowed unless it has escapes.
    #[derive(PartialEq, Eq, Hash)]
    struct Key<'de>(Cow<'de, str>);
    impl<'de> serde::Deserialize<'de> for Key<'de> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct KeyVisitor;
            impl<'de> Visitor<'de> for KeyVisitor {
                type Value = Key<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a key")
                }
                fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Borrowed(key)))
                }
                fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                    Ok(Key(Cow::Owned(key.to_string())))
                }
            }
            deserializer.deserialize_str(KeyVisitor)
        }
    }

    /// Where a value is: the document, the top-level member whose keys are kept, or elsewhere.
    #[derive(Clone, Copy, PartialEq)]
    enum Place {
        Top,
        Kept,
        Other,
    }

    /// A value walked: the path, below it, of the first key it holds twice.
    #[derive(Clone, Copy)]
    struct Walk<'w> {
        place: Place,
        ordered: Option<&'w str>,
        keys: &'w RefCell<Vec<String>>,
    }
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = Option<String>;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<String>, D::Error> {
            deserializer.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
            let mut seen = std::collections::HashSet::<Key, foldhash::fast::RandomState>::default();
            let mut found = None;
            while let Some(key) = map.next_key::<Key>()? {
                if self.place == Place::Kept {
                    self.keys.borrow_mut().push(key.0.to_string());
                }
                let kept = self.place == Place::Top && self.ordered == Some(key.0.as_ref());
                let below = Walk {
                    place: if kept { Place::Kept } else { Place::Other },
                    ..self
                };
                if found.is_some() && !kept {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                let below = map.next_value_seed(below)?;
                if found.is_some() {
                    continue;
                }
                found = match (seen.contains(&key), below) {
                    // A key written twice comes before what its second value holds.
                    (true, _) => Some(key.0.to_string()),
                    (false, Some(below)) => Some(format!("{}.{below}", key.0)),
                    (false, None) => None,
                };
                seen.insert(key);
            }
            Ok(found)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<String>, A::Error> {
            let below = Walk {
                place: Place::Other,
                ..self
            };
            let mut found = None;
            while let Some(at) = seq.next_element_seed(below)? {
                found = found.or(at);
            }
            Ok(found)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Option<String>, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Option<String>, E> {
            Ok(None)
        }
    }
    let keys = RefCell::new(Vec::new());
    let walk = Walk {
        place: Place::Top,
        ordered,
        keys: &keys,
    };
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let duplicate = walk.deserialize(&mut deserializer).ok().flatten();
    (duplicate, keys.into_inner())
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

#[cfg(test)]
mod tests {
    use super::{declared_order, json_manifest, json_section, json_walk};

    fn json_duplicate_key(text: &str) -> Option<String> {
        json_walk(text, None).0
    }

    #[test]
    fn a_sections_keys_come_in_the_order_written() {
        let json = r#"{"name": "api", "nested": {"scripts": {"a": 1}},
            "scripts": {"dev:migrate-db": "migrate-mongo up", "dev:migrate-ch": "migrate up", "b\u0061d": "x"},
            "z": [1, {"scripts": {}}]}"#;
        let (_dir, index) = crate::repo::index::test_index(&[("package.json", json)]);
        let (obj, written) = json_manifest(&index, "package.json", Some("scripts")).unwrap();
        let scripts = json_section(&index, "package.json", &obj, "scripts").unwrap();
        let order: Vec<&str> = declared_order(scripts, &written)
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(order, ["dev:migrate-db", "dev:migrate-ch", "bad"]);
        // The walk goes on past a key written twice, keeping the order.
        let twice = r#"{"a": {"b": 1, "b": 2}, "scripts": {"z": "1", "y": "2"}}"#;
        assert_eq!(
            json_walk(twice, Some("scripts")),
            (Some("a.b".to_string()), vec!["z".to_string(), "y".to_string()])
        );
    }

    #[test]
    fn the_first_key_written_twice_is_named_by_its_path() {
        assert_eq!(json_duplicate_key(r#"{"a": 1, "b": {"c": 2}}"#), None);
        assert_eq!(json_duplicate_key(r#"{"a": 1, "a": 2}"#).as_deref(), Some("a"));
        assert_eq!(
            json_duplicate_key(r#"{"a": {"b": [1, {"c": 1, "c": 2}]}, "a": 3}"#).as_deref(),
            Some("a.b.c"),
            "in the order written"
        );
        assert_eq!(
            json_duplicate_key(r#"{"x": 1, "x": {"y": 1, "y": 2}}"#).as_deref(),
            Some("x"),
            "the key before what its second value holds"
        );
        assert_eq!(
            json_duplicate_key(r#"{"\u0061": 1, "a": 2}"#).as_deref(),
            Some("a"),
            "escapes"
        );
        assert_eq!(
            json_duplicate_key(r#"[{"a": 1}, {"a": 1}]"#),
            None,
            "each object on its own"
        );
    }
}
