//! A DDEV project: DDEV (ddev.com) runs a project's web server and database in containers it
//! sets up from `.ddev/config.yaml`. The project is started with `ddev start`, and the database
//! named there (or DDEV's default, when it names none) is the one its developers work on,
//! opened with DDEV's own client command (`ddev mysql`).

use crate::repo::index::RepoIndex;
use crate::report::Evidence;
use serde_json::Value;

/// A DDEV project at the repository's root.
#[derive(Debug, Clone, PartialEq)]
pub struct DdevProject {
    /// Its project file, as the evidence that the app runs in DDEV.
    pub evidence: Evidence,
    /// Its database container; none when `omit_containers` leaves out `db`.
    pub database: Option<DdevDatabase>,
    /// The database the app uses in that container when it is not DDEV's own (`db`), as its
    /// `web_environment` names it, with that evidence.
    pub app_database: Option<(String, Evidence)>,
}

/// The database container of a DDEV project.
#[derive(Debug, Clone, PartialEq)]
pub struct DdevDatabase {
    /// DDEV's name of the database type (`mariadb`, `mysql`, `postgres`).
    pub kind: String,
    /// Whether the project file names it, rather than leaving DDEV to run its default.
    pub named: bool,
    pub evidence: Evidence,
}

/// What the conventions say of DDEV (`[ddev]` of conventions.toml).
pub struct Conventions<'c> {
    /// The project file, repo-relative (`.ddev/config.yaml`).
    pub config: &'c str,
    /// The database types DDEV runs (`mariadb`, `mysql`, `postgres`): another value names none.
    pub databases: &'c [String],
    /// The type DDEV runs when the file names none.
    pub default_database: &'c str,
    /// Its database container's name in `omit_containers` (`db`), also its database's.
    pub database_container: &'c str,
    /// Ends of `web_environment` keys that name the app's database (`DATABASE`).
    pub app_database_keys: &'c [String],
}

/// The longest version shown in the evidence (`10.11`, `8.0`): longer is not a version.
const MOST_VERSION_CHARS: usize = 16;

/// The DDEV project at the repository's root, if there is one. A project file that is not YAML
/// is a warning naming it; a key of an unexpected shape is only passed over.
pub fn read(index: &RepoIndex, conventions: &Conventions) -> Option<DdevProject> {
    let config = conventions.config;
    if config.is_empty() || !index.has_file(config) {
        return None;
    }
    let text = index.read(config)?;
    let project: Value = match serde_saphyr::from_str(&text) {
        Ok(project) => project,
        Err(err) => {
            // The parser's message quotes the file's lines after its first: only the first.
            let message = err.to_string();
            let first = message.lines().next().unwrap_or_default();
            index.unreadable(config, format!("invalid YAML: {first}"));
            return None;
        }
    };
    Some(DdevProject {
        evidence: Evidence::new(config, "a DDEV project: the app runs in DDEV's containers"),
        database: database(&project, conventions),
        app_database: app_database(&project, conventions),
    })
}

/// The app's own database in DDEV's container: a `web_environment` entry (`KEY=value`) whose key
/// ends with one of `app_database_keys` after `_` (or is one), not a test run's, naming a
/// database other than DDEV's own.
fn app_database(project: &Value, conventions: &Conventions) -> Option<(String, Evidence)> {
    let entries = project.get("web_environment")?.as_array()?;
    let names_database = |key: &str| {
        conventions
            .app_database_keys
            .iter()
            .any(|end| key == end || key.strip_suffix(end.as_str()).is_some_and(|head| head.ends_with('_')))
            && !key.contains("TEST")
    };
    entries.iter().filter_map(Value::as_str).find_map(|entry| {
        let (key, value) = entry.split_once('=')?;
        let (key, value) = (key.trim(), value.trim());
        let plain = !value.is_empty()
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        (names_database(key) && plain && value != conventions.database_container).then(|| {
            let reason = format!("web_environment sets {key}={value}: the app's database");
            (value.to_string(), Evidence::new(conventions.config, reason))
        })
    })
}

/// The database container a project file describes: its `database.type` when DDEV runs that
/// type, DDEV's default when it names none, nothing when `omit_containers` lists `db` (a list
/// or a single name) or the type is none DDEV runs.
fn database(project: &Value, conventions: &Conventions) -> Option<DdevDatabase> {
    let container = conventions.database_container;
    let omitted = match project.get("omit_containers") {
        Some(Value::Array(names)) => names.iter().any(|n| n.as_str() == Some(container)),
        Some(Value::String(name)) => name == container,
        _ => false,
    };
    if omitted {
        return None;
    }
    let section = project.get("database");
    let named = section
        .and_then(|d| d.get("type"))
        .and_then(Value::as_str)
        .map(|t| t.trim().to_ascii_lowercase())
        .filter(|t| !t.is_empty());
    let known = |kind: &str| conventions.databases.iter().any(|d| d == kind);
    let (kind, is_named) = match named {
        Some(kind) if known(&kind) => (kind, true),
        Some(_) => return None,
        None if known(conventions.default_database) => (conventions.default_database.to_string(), false),
        None => return None,
    };
    let version = section.and_then(|d| d.get("version")).and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let version = version
        .filter(|v| v.len() <= MOST_VERSION_CHARS && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let reason = match is_named {
        true => format!("DDEV runs {kind}{version} for the project"),
        false => format!("DDEV runs its default database, {kind}, for the project"),
    };
    Some(DdevDatabase {
        evidence: Evidence::new(conventions.config, reason),
        kind,
        named: is_named,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_from(text: &str) -> Option<DdevProject> {
        let (_dir, index) = crate::repo::index::test_index(&[(".ddev/config.yaml", text)]);
        read(&index, &conventions())
    }

    fn conventions() -> Conventions<'static> {
        static KEYS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
            ["DATABASE", "DB_NAME", "DATABASE_NAME", "DB_DATABASE"]
                .map(String::from)
                .to_vec()
        });
        static DATABASES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| ["mariadb", "mysql", "postgres"].map(String::from).to_vec());
        Conventions {
            config: ".ddev/config.yaml",
            databases: &DATABASES,
            default_database: "mariadb",
            database_container: "db",
            app_database_keys: &KEYS,
        }
    }

    #[test]
    fn web_environment_names_the_apps_own_database_unless_it_is_ddevs() {
        let project = |env: &str| read_from(&format!("type: cakephp\nweb_environment:\n{env}")).unwrap();
        let own = project(
            "  - DATASOURCES_DEFAULT_HOST=db\n  - DATASOURCES_TEST_DATABASE=test_app\n  - DATASOURCES_DEFAULT_DATABASE=passbolt\n",
        );
        let (name, evidence) = own.app_database.unwrap();
        assert_eq!(name, "passbolt");
        assert_eq!(
            evidence.reason,
            "web_environment sets DATASOURCES_DEFAULT_DATABASE=passbolt: the app's database"
        );
        assert!(project("  - DB_NAME=db\n").app_database.is_none());
        assert!(project("  - DB_DATABASE=${NAME}\n").app_database.is_none());
        assert!(project("  - CACHEDATABASE=redis\n").app_database.is_none());
        assert!(read_from("type: php\n").unwrap().app_database.is_none());
    }

    #[test]
    fn the_project_file_names_the_database_or_ddev_runs_its_default() {
        let named = read_from("type: php\ndatabase:\n  type: postgres\n  version: \"16\"\n").unwrap();
        let db = named.database.unwrap();
        assert_eq!((db.kind.as_str(), db.named), ("postgres", true));
        assert_eq!(db.evidence.reason, "DDEV runs postgres 16 for the project");
        let default = read_from("type: drupal10\ndocroot: web\n").unwrap().database.unwrap();
        assert_eq!((default.kind.as_str(), default.named), ("mariadb", false));
        assert_eq!(default.evidence.file, ".ddev/config.yaml");
        // A numeric version is a version too.
        let numeric = read_from("database:\n  type: mysql\n  version: 8.0\n")
            .unwrap()
            .database
            .unwrap();
        assert_eq!(numeric.evidence.reason, "DDEV runs mysql 8.0 for the project");
    }

    #[test]
    fn without_a_database_container_the_project_is_still_one() {
        for text in [
            "type: php\nomit_containers: [db, ddev-ssh-agent]\n",
            "omit_containers: db\n",
        ] {
            let project = read_from(text).expect("a DDEV project");
            assert_eq!(project.database, None, "{text}");
        }
        let (_dir, index) = crate::repo::index::test_index(&[("config.yaml", "database:\n  type: mysql\n")]);
        assert_eq!(read(&index, &conventions()), None, "only .ddev/config.yaml is DDEV's");
    }

    #[test]
    fn what_ddev_does_not_run_is_no_database_and_odd_text_stays_out_of_the_evidence() {
        let unknown = read_from("database:\n  type: sqlite\n").unwrap();
        assert_eq!(unknown.database, None, "DDEV runs no SQLite container");
        let long = format!("database:\n  type: mariadb\n  version: \"{}\"\n", "1".repeat(5000));
        let db = read_from(&long).unwrap().database.unwrap();
        assert_eq!(db.evidence.reason, "DDEV runs mariadb for the project");
        let escape = read_from("database:\n  type: mariadb\n  version: \"10\\u001b[31m\"\n").unwrap();
        assert_eq!(
            escape.database.unwrap().evidence.reason,
            "DDEV runs mariadb for the project"
        );
        // Keys of another shape are passed over, not the whole file.
        let odd = read_from("database: mariadb\nomit_containers: 3\n").unwrap();
        assert_eq!(
            odd.database.map(|d| d.kind),
            Some("mariadb".to_string()),
            "DDEV's default"
        );
    }

    #[test]
    fn a_broken_project_file_is_a_one_line_warning_naming_it() {
        let text = format!("database: [unclosed\n{}\n", "x: [".repeat(100));
        let (_dir, index) = crate::repo::index::test_index(&[(".ddev/config.yaml", text.as_str())]);
        assert_eq!(read(&index, &conventions()), None);
        let warnings = index.take_warnings();
        let warning = warnings
            .iter()
            .find(|w| w.file == ".ddev/config.yaml")
            .expect("a warning");
        assert!(!warning.message.contains('\n'), "{}", warning.message);
    }
}
