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

/// The keys of `section` (the top-level object `key` of `file`, read as `json_section`) in the
/// order the file declares them: `serde_json`'s map sorts them, and a package's scripts are
/// tried in the order their authors wrote them (`dev:migrate-db` before `dev:migrate-ch`).
pub(crate) fn declared_order<'a>(
    index: &RepoIndex,
    file: &str,
    key: &str,
    section: &'a serde_json::Map<String, serde_json::Value>,
) -> Vec<&'a String> {
    let text = index.read(file).filter(|_| section.len() > 1);
    let written = text
        .as_deref()
        .map(|text| keys_of_section(text, key))
        .unwrap_or_default();
    let mut ordered: Vec<&String> = Vec::with_capacity(section.len());
    for name in &written {
        if let Some((name, _)) = section.get_key_value(name.as_ref())
            && !ordered.contains(&name)
        {
            ordered.push(name);
        }
    }
    // Whatever the walk did not give (it cannot fail on text that parsed) keeps the map's order.
    for name in section.keys() {
        if !ordered.contains(&name) {
            ordered.push(name);
        }
    }
    ordered
}

/// The keys of the top-level object `key` of the JSON `text`, as written; nothing else of the
/// text is kept.
fn keys_of_section<'t>(text: &'t str, key: &str) -> Vec<std::borrow::Cow<'t, str>> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::borrow::Cow;

    /// The top-level object: the keys of its member `0`.
    struct Top<'k>(&'k str);
    /// That member: its keys.
    struct Keys;
    impl<'de> Visitor<'de> for Top<'_> {
        type Value = Vec<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = Vec::new();
            while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                if name == self.0 {
                    found = map.next_value_seed(Keys)?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    impl<'de> DeserializeSeed<'de> for Keys {
        type Value = Vec<Cow<'de, str>>;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<Cow<'de, str>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut keys = Vec::new();
            while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                map.next_value::<IgnoredAny>()?;
                keys.push(name);
            }
            Ok(keys)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.deserialize_map(Top(key)).unwrap_or_default()
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
/// (which must be valid JSON). Keys are borrowed from the text and a path is spelled out only
/// for the key found: this pass runs over every manifest of a workspace of thousands.
fn json_duplicate_key(text: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use std::borrow::Cow;

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

    /// A value walked: the path, below it, of the first key it holds twice.
    struct Walk;
    impl<'de> DeserializeSeed<'de> for Walk {
        type Value = Option<String>;
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<String>, D::Error> {
            deserializer.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<String>, A::Error> {
            let mut seen = std::collections::HashSet::<Key, foldhash::fast::RandomState>::default();
            let mut found = None;
            while let Some(key) = map.next_key::<Key>()? {
                if found.is_some() {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
                let below = map.next_value_seed(Walk)?;
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
            let mut found = None;
            while let Some(below) = seq.next_element_seed(Walk)? {
                found = found.or(below);
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
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Walk.deserialize(&mut deserializer).ok()?
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
    use super::{declared_order, json_duplicate_key, json_object, json_section};

    #[test]
    fn a_sections_keys_come_in_the_order_written() {
        let json = r#"{"name": "api", "nested": {"scripts": {"a": 1}},
            "scripts": {"dev:migrate-db": "migrate-mongo up", "dev:migrate-ch": "migrate up", "b\u0061d": "x"},
            "z": [1, {"scripts": {}}]}"#;
        let (_dir, index) = crate::repo::index::test_index(&[("package.json", json)]);
        let obj = json_object(&index, "package.json").unwrap();
        let scripts = json_section(&index, "package.json", &obj, "scripts").unwrap();
        let order: Vec<&str> = declared_order(&index, "package.json", "scripts", scripts)
            .into_iter()
            .map(String::as_str)
            .collect();
        assert_eq!(order, ["dev:migrate-db", "dev:migrate-ch", "bad"]);
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
