//! An application's own settings file (a Go or Rust server's `config.default.yml`,
//! `config/config.yaml`, `conf/app.ini`): its database section says which database the app uses by default and
//! where it is, which no manifest does when the code supports several (`dialect: sqlite3` beside
//! drivers for PostgreSQL and MySQL). The file names and keys are `[app_config]` of
//! conventions.toml, passed in.

use crate::repo::index::RepoIndex;
use serde_json::Value;

/// The names an app's settings use, from `[app_config]` of conventions.toml.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    /// Top-level keys of a database section (`db`, `database`).
    pub sections: &'a [String],
    /// Keys naming the database in a section (`dialect`, `driver`, `type`).
    pub dialect: &'a [String],
    /// Keys holding a URL or an embedded store's file (`dsn`, `url`, `path`, `name`).
    pub location: &'a [String],
    /// Keys of a server's host, port, user and database name.
    pub host: &'a [String],
    pub port: &'a [String],
    pub user: &'a [String],
    pub name: &'a [String],
}

/// One database section of a settings file: each value as written (blank ones left out).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppDatabase {
    /// The settings file, relative to the repository.
    pub file: String,
    /// `section.key` of the dialect, for evidence (`db.dialect`).
    pub dialect_key: String,
    pub dialect: Option<String>,
    /// Every location value, in `location` key order (`name: wakapi_db.db`, `dsn: …`).
    pub locations: Vec<String>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub user: Option<String>,
    pub name: Option<String>,
}

/// The database sections of the settings `files` (repo-relative, in the order given). A file
/// that does not parse is skipped: it is not the app's settings as archprompt can read them.
/// The dialect is the first dialect key's value that `names_database` accepts: gophish's
/// `"db_name": "sqlite3"` names the driver, where `name` elsewhere is the database's name.
pub fn read(
    index: &RepoIndex,
    files: &[String],
    keys: Keys,
    names_database: &dyn Fn(&str) -> bool,
) -> Vec<AppDatabase> {
    let mut found = Vec::new();
    for file in files {
        let Some(text) = index.read(file) else { continue };
        for doc in &documents(file, &text) {
            found.extend(sections(doc, file, keys, names_database));
        }
    }
    found
}

/// A settings file's documents by its format: INI ([`ini_settings`]), TOML, JSON (comments
/// allowed), else YAML (every document of it).
fn documents(file: &str, text: &str) -> Vec<Value> {
    if file.ends_with(".json") {
        jsonc_parser::parse_to_serde_value::<Value>(text, &Default::default())
            .ok()
            .into_iter()
            .collect()
    } else if file.ends_with(".ini") {
        crate::repo::ini::sections(text).map(ini_settings).into_iter().collect()
    } else if file.ends_with(".toml") {
        toml::from_str::<Value>(text).ok().into_iter().collect()
    } else {
        serde_saphyr::from_multiple(text).unwrap_or_default()
    }
}

/// An app's INI sections as go-ini reads them: names and keys in any case (`[database] TYPE =
/// postgres`), a comment after a value (`TYPE = mysql ; or postgres`) not part of it, nor the
/// quotes or backquotes around it (`` PASSWD = `p;ss` ``, `HOST = "127.0.0.1:5432"`), inside
/// which nothing is a comment.
fn ini_settings(doc: Value) -> Value {
    let plain = |value: &str| -> String {
        for quote in ["\"\"\"", "`", "\"", "'"] {
            let inner = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote));
            if let Some(quoted) = inner.filter(|_| value.len() >= 2 * quote.len()) {
                return quoted.to_string();
            }
        }
        let comment = value
            .char_indices()
            .find(|&(i, c)| matches!(c, ';' | '#') && value[..i].ends_with(char::is_whitespace));
        match comment {
            Some((at, _)) => value[..at].trim_end().to_string(),
            None => value.to_string(),
        }
    };
    let Value::Object(sections) = doc else { return doc };
    let section = |values: serde_json::Map<String, Value>| {
        let values = values.into_iter().map(|(key, value)| {
            let value = match value {
                Value::String(text) => Value::String(plain(&text)),
                other => other,
            };
            (key.to_ascii_lowercase(), value)
        });
        Value::Object(values.collect())
    };
    let sections = sections.into_iter().map(|(name, values)| match values {
        Value::Object(values) => (name.to_ascii_lowercase(), section(values)),
        other => (name, other),
    });
    Value::Object(sections.collect())
}

fn sections(doc: &Value, file: &str, keys: Keys, names_database: &dyn Fn(&str) -> bool) -> Vec<AppDatabase> {
    let Some(map) = doc.as_object() else { return Vec::new() };
    let mut out = Vec::new();
    for section in keys.sections {
        // A section, or its keys written flat at the top with its name before them (`db-type:
        // sqlite`, `database_url:`).
        let flat: serde_json::Map<String, Value> = map
            .iter()
            .filter_map(|(key, value)| {
                let rest = key.strip_prefix(section.as_str())?;
                let key = rest.strip_prefix('-').or_else(|| rest.strip_prefix('_'))?;
                Some((key.to_string(), value.clone()))
            })
            .collect();
        let values = match lookup(map, section) {
            Some(Value::Object(values)) => values,
            _ if !flat.is_empty() => &flat,
            _ => continue,
        };
        let first = |names: &[String]| {
            names
                .iter()
                .find_map(|k| scalar(lookup(values, k)?).map(|v| (k.clone(), v)))
        };
        let names_one = keys.dialect.iter().find_map(|k| {
            let value = scalar(lookup(values, k)?)?;
            names_database(&value).then(|| (k.clone(), value))
        });
        let (dialect_key, dialect) = match names_one {
            Some((key, value)) => (format!("{section}.{key}"), Some(value)),
            None => (String::new(), None),
        };
        let database = AppDatabase {
            file: file.to_string(),
            dialect_key,
            dialect,
            locations: keys
                .location
                .iter()
                .filter_map(|k| scalar(lookup(values, k)?))
                .collect(),
            host: first(keys.host).map(|(_, v)| v),
            port: first(keys.port).map(|(_, v)| v),
            user: first(keys.user).map(|(_, v)| v),
            name: first(keys.name).map(|(_, v)| v),
        };
        if database.dialect.is_some() || !database.locations.is_empty() {
            out.push(database);
        }
    }
    out
}

/// The value of `key` (written in snake case, `connection_string`) however the file spells it:
/// as written, else in any case and with or without `_` and `-` between words (ASP.NET Core's
/// `ConnectionString`, `connection-string`).
fn lookup<'v>(values: &'v serde_json::Map<String, Value>, key: &str) -> Option<&'v Value> {
    fn plain(k: &str) -> impl Iterator<Item = char> + '_ {
        k.chars()
            .filter(|c| !matches!(c, '_' | '-'))
            .flat_map(char::to_lowercase)
    }
    values
        .get(key)
        .or_else(|| values.iter().find(|(k, _)| plain(k).eq(plain(key))).map(|(_, v)| v))
}

/// A non-blank string or number, as text.
fn scalar(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Vec<String>> {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        vec![
            list(&["config.default.yml", "config/config.yaml"]),
            list(&["db", "database"]),
            list(&["dialect", "driver"]),
            list(&["dsn", "connection", "name"]),
            list(&["host"]),
            list(&["port"]),
            list(&["user"]),
            list(&["name", "dbname"]),
        ]
    }

    /// What the tests' registry would call a database.
    fn known(value: &str) -> bool {
        ["sqlite", "sqlite3", "postgres", "mysql"].contains(&value)
    }

    /// The keys of [`keys`]'s lists (the first is the files).
    fn keys_of(k: &[Vec<String>]) -> Keys<'_> {
        Keys {
            sections: &k[1],
            dialect: &k[2],
            location: &k[3],
            host: &k[4],
            port: &k[5],
            user: &k[6],
            name: &k[7],
        }
    }

    #[test]
    fn a_settings_files_database_section_is_read_as_written() {
        let k = keys();
        let keys = keys_of(&k);
        let dir = tempfile::tempdir().unwrap();
        let wakapi = "db:\n  host:   # blank for sqlite3\n  port:\n  user:\n  name: wakapi_db.db\n  dialect: sqlite3\n";
        std::fs::write(dir.path().join("config.default.yml"), wakapi).unwrap();
        std::fs::create_dir(dir.path().join("config")).unwrap();
        let pagoda = "database:\n  driver: \"sqlite3\"\n  connection: \"dbs/main.db?_fk=true\"\nbroken: [\n";
        std::fs::write(dir.path().join("config/config.yaml"), pagoda).unwrap();
        let index = RepoIndex::build(dir.path());
        let found = read(&index, &k[0], keys, &known);
        assert_eq!(found.len(), 1, "a file that is not YAML is skipped: {found:?}");
        assert_eq!(found[0].dialect.as_deref(), Some("sqlite3"));
        assert_eq!(found[0].dialect_key, "db.dialect");
        assert_eq!(found[0].locations, ["wakapi_db.db"]);
        assert_eq!((found[0].host.clone(), found[0].port.clone()), (None, None));
        std::fs::write(
            dir.path().join("config/config.yaml"),
            &pagoda[..pagoda.find("broken").unwrap()],
        )
        .unwrap();
        let index = RepoIndex::build(dir.path());
        let found = read(&index, &k[0], keys, &known);
        assert_eq!(found[1].locations, ["dbs/main.db?_fk=true"]);
        assert_eq!(found[1].dialect_key, "database.driver");
    }

    #[test]
    fn a_sections_keys_written_flat_at_the_top_are_read_as_that_section() {
        let k = keys();
        let keys = keys_of(&k);
        let dir = tempfile::tempdir().unwrap();
        // gotosocial's `example/config.yaml` shape; `dbname` is no section's key.
        let flat = "host: example.org\ndb-driver: \"sqlite\"\ndb-name: \"sqlite.db\"\ndb_port: 5432\ndbname: other\n";
        std::fs::write(dir.path().join("config.default.yml"), flat).unwrap();
        let index = RepoIndex::build(dir.path());
        let found = read(&index, &k[0], keys, &known);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].dialect_key, "db.driver");
        assert_eq!(found[0].dialect.as_deref(), Some("sqlite"));
        assert_eq!(found[0].locations, ["sqlite.db"]);
        assert_eq!(found[0].port.as_deref(), Some("5432"));
        assert_eq!(found[0].host, None, "the app's own host is not the database's");
    }

    #[test]
    fn a_json_settings_file_names_its_driver_with_the_first_key_that_names_a_database() {
        let k = keys();
        let dialect = ["dialect".to_string(), "name".to_string()];
        let keys = Keys {
            dialect: &dialect,
            ..keys_of(&k)
        };
        let files = vec!["config.json".to_string(), "config/default.json".to_string()];
        let (_dir, index) = crate::repo::index::test_index(&[
            // gophish's shape: the driver under `db_name`, the file under `db_path`.
            ("config.json", "{ \"db_name\": \"sqlite3\", \"db_path\": \"app.db\" }"),
            // A database's name that names no database is no dialect.
            (
                "config/default.json",
                "{ // node-config\n \"db\": { \"name\": \"shop\", \"host\": \"localhost\" } }",
            ),
        ]);
        let found = read(&index, &files, keys, &known);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            (found[0].dialect_key.as_str(), found[0].dialect.as_deref()),
            ("db.name", Some("sqlite3"))
        );
        assert_eq!(
            (found[1].dialect.as_deref(), found[1].host.as_deref()),
            (None, Some("localhost"))
        );
    }

    #[test]
    fn a_key_is_found_in_any_case_with_or_without_separators() {
        let values: serde_json::Map<String, Value> =
            serde_json::from_str(r#"{"Type": "Sqlite", "ConnectionString": "Data Source=a.db", "db-path": "x"}"#)
                .unwrap();
        assert_eq!(lookup(&values, "type"), Some(&Value::from("Sqlite")));
        assert_eq!(
            lookup(&values, "connection_string"),
            Some(&Value::from("Data Source=a.db"))
        );
        assert_eq!(lookup(&values, "db_path"), Some(&Value::from("x")));
        assert_eq!(lookup(&values, "connection"), None, "a whole key, not a start");
    }

    #[test]
    fn ini_and_toml_settings_are_read_like_yaml_whatever_the_keys_case() {
        let k = keys();
        let files = vec![
            "conf/app.ini".to_string(),
            "config.toml".to_string(),
            "conf/quoted.ini".to_string(),
        ];
        let dialect = ["type".to_string()];
        let keys = Keys {
            dialect: &dialect,
            ..keys_of(&k)
        };
        let (_dir, index) = crate::repo::index::test_index(&[
            (
                "conf/app.ini",
                "APP_NAME = Gogs\n\n[database]\n; postgres, mysql or sqlite3\nTYPE = postgres ; or mysql\nHOST = 127.0.0.1:5432\nNAME = `gogs`\nUSER = gogs#1\nPASSWORD =\n",
            ),
            ("config.toml", "[db]\ntype = \"sqlite3\"\ndsn = \"data/app.db\"\n"),
            (
                "conf/quoted.ini",
                "[database]\nTYPE = \"mysql\"\nHOST = \"db ; local\"\nNAME = shop\n",
            ),
        ]);
        let found = read(&index, &files, keys, &known);
        assert_eq!(found.len(), 3, "{found:?}");
        // Quotes are not the value, and a `;` inside them is no comment.
        assert_eq!(found[2].dialect.as_deref(), Some("mysql"));
        assert_eq!(found[2].host.as_deref(), Some("db ; local"));
        assert_eq!(
            (found[0].dialect_key.as_str(), found[0].dialect.as_deref()),
            ("database.type", Some("postgres"))
        );
        assert_eq!(found[0].host.as_deref(), Some("127.0.0.1:5432"));
        assert_eq!(
            (found[0].user.as_deref(), found[0].name.as_deref()),
            // A comment after a value and backquotes around it are not the value; a `#` in it is.
            (Some("gogs#1"), Some("gogs"))
        );
        assert_eq!(found[1].dialect.as_deref(), Some("sqlite3"));
        assert_eq!(found[1].locations, ["data/app.db"]);
    }
}
