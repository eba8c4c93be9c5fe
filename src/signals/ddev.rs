//! A DDEV project's database: DDEV (ddev.com) runs a project's web server and database in
//! containers it sets up from `.ddev/config.yaml`, so the database named there (or DDEV's
//! default, when it names none) is the one its developers work on, opened with DDEV's own
//! client command (`ddev mysql`).

use crate::repo::index::RepoIndex;
use crate::report::Evidence;

/// The database container of a DDEV project.
#[derive(Debug, Clone, PartialEq)]
pub struct DdevDatabase {
    /// DDEV's name of the database type (`mariadb`, `mysql`, `postgres`).
    pub kind: String,
    /// Whether the project file names it, rather than leaving DDEV to run its default.
    pub named: bool,
    pub evidence: Evidence,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct ProjectFile {
    database: Option<Database>,
    /// Containers the project does without: `db` leaves it no database.
    omit_containers: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct Database {
    #[serde(rename = "type")]
    kind: Option<String>,
    version: Option<String>,
}

/// The database of the DDEV project at the repository's root, if it is one and runs a database:
/// `config` is DDEV's project file (`.ddev/config.yaml`) and `default_database` the type DDEV
/// runs when it names none (`[ddev]` of conventions.toml). A project file that cannot be parsed
/// is a warning naming it.
pub fn read(index: &RepoIndex, config: &str, default_database: &str) -> Option<DdevDatabase> {
    if config.is_empty() || !index.has_file(config) {
        return None;
    }
    let text = index.read(config)?;
    let project: ProjectFile = match serde_saphyr::from_str(&text) {
        Ok(project) => project,
        Err(err) => {
            index.unreadable(config, format!("invalid YAML: {err}"));
            return None;
        }
    };
    if project.omit_containers.iter().any(|c| c == "db") {
        return None;
    }
    let database = project.database.unwrap_or_default();
    let (kind, named, reason) = match database.kind.filter(|k| !k.trim().is_empty()) {
        Some(kind) => {
            let version = database.version.map(|v| format!(" {v}")).unwrap_or_default();
            let reason = format!("DDEV runs {kind}{version} for the project");
            (kind, true, reason)
        }
        None if !default_database.is_empty() => {
            let kind = default_database.to_string();
            let reason = format!("DDEV runs its default database, {kind}, for the project");
            (kind, false, reason)
        }
        None => return None,
    };
    Some(DdevDatabase {
        kind: kind.trim().to_ascii_lowercase(),
        named,
        evidence: Evidence::new(config, reason),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_from(text: &str) -> Option<DdevDatabase> {
        let (_dir, index) = crate::repo::index::test_index(&[(".ddev/config.yaml", text)]);
        read(&index, ".ddev/config.yaml", "mariadb")
    }

    #[test]
    fn the_project_file_names_the_database_or_ddev_runs_its_default() {
        let named = read_from("type: php\ndatabase:\n  type: postgres\n  version: \"16\"\n").unwrap();
        assert_eq!(named.kind, "postgres");
        assert!(named.named);
        assert_eq!(named.evidence.reason, "DDEV runs postgres 16 for the project");
        let default = read_from("type: drupal10\ndocroot: web\n").unwrap();
        assert_eq!(default.kind, "mariadb");
        assert!(!default.named, "DDEV's default, not the project's choice");
        assert_eq!(default.evidence.file, ".ddev/config.yaml");
    }

    #[test]
    fn no_database_container_no_database() {
        assert_eq!(read_from("type: php\nomit_containers: [db, ddev-ssh-agent]\n"), None);
        let (_dir, index) = crate::repo::index::test_index(&[("config.yaml", "database:\n  type: mysql\n")]);
        assert_eq!(
            read(&index, ".ddev/config.yaml", "mariadb"),
            None,
            "only .ddev/config.yaml is DDEV's"
        );
    }

    #[test]
    fn a_broken_project_file_is_a_warning_naming_it() {
        let (_dir, index) = crate::repo::index::test_index(&[(".ddev/config.yaml", "database: [unclosed\n")]);
        assert_eq!(read(&index, ".ddev/config.yaml", "mariadb"), None);
        let warnings = index.take_warnings();
        assert!(warnings.iter().any(|w| w.file == ".ddev/config.yaml"), "{warnings:?}");
    }
}
