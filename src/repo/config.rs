//! The optional `archprompt.toml` at a repository's root. Zero configuration stays the default:
//! without the file nothing changes.
//!
//! ```toml
//! [values]            # pin any field or variable; also fills what detection cannot
//! db_command = "make psql"
//! source_dirs = ["api", "worker"]
//!
//! [scan]
//! ignore = ["legacy/", "examples/**"]   # gitignore syntax, from the repository root
//! project = "api"                       # describe this project (as --project does)
//! ```

use crate::report::{Evidence, EvidenceKind, Field, Placeholder, Report, Warning};
use std::collections::BTreeMap;
use std::path::Path;

pub const FILE: &str = "archprompt.toml";

#[derive(Debug, Default, Clone)]
pub struct Config {
    /// Pinned values, by field or variable name: a text, or for list fields several entries.
    pub values: BTreeMap<String, Pinned>,
    /// Gitignore-style patterns, relative to the repository root, left out of the scan.
    pub ignore: Vec<String>,
    pub project: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pinned {
    Text(String),
    List(Vec<String>),
}

impl Pinned {
    fn text(&self) -> String {
        match self {
            Pinned::Text(text) => text.clone(),
            Pinned::List(items) => items.join(", "),
        }
    }
}

/// Reads `root/archprompt.toml`. No file gives the default; a broken file gives the default and
/// a warning naming it, and the scan goes on; an unknown key or a value of the wrong type is
/// skipped with a warning.
pub fn load(root: &Path) -> (Config, Vec<Warning>) {
    let mut config = Config::default();
    let mut warnings = Vec::new();
    let text = match crate::fs::read_plain(&root.join(FILE), root) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (config, warnings),
        Err(err) => {
            warnings.push(Warning::new(FILE, format!("cannot read: {err}; ignored")));
            return (config, warnings);
        }
    };
    let table: toml::Table = match toml::from_str(&text) {
        Ok(table) => table,
        Err(err) => {
            let message = err.message().to_string();
            warnings.push(Warning::new(FILE, format!("invalid TOML, ignored: {message}")));
            return (config, warnings);
        }
    };
    let mut warn = |message: String| warnings.push(Warning::new(FILE, message));
    for (key, value) in table {
        match (key.as_str(), value) {
            ("values", toml::Value::Table(values)) => {
                for (name, value) in values {
                    // A template names a variable as an identifier; any other key could only
                    // smuggle text into warnings and the report.
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                        warn(format!(
                            "[values] {name:?}: not a field or variable name (letters, digits, `_`, `-`); skipped"
                        ));
                        continue;
                    }
                    match pinned(&value) {
                        Some(Pinned::Text(t)) if t.trim().is_empty() => warn(format!(
                            "[values] {name}: empty; skipped (remove it to let detection decide)"
                        )),
                        Some(Pinned::List(items)) if items.iter().all(|i| i.trim().is_empty()) => warn(format!(
                            "[values] {name}: empty; skipped (remove it to let detection decide)"
                        )),
                        Some(p) if p.text().chars().any(char::is_control) => warn(format!(
                            "[values] {name}: holds a line break or another control character (agent files hold one value per line, as plain text); skipped"
                        )),
                        Some(p) => {
                            config.values.insert(name, p);
                        }
                        None => warn(format!(
                            "[values] {name}: expected a string or a list of strings; skipped"
                        )),
                    }
                }
            }
            ("scan", toml::Value::Table(scan)) => {
                for (name, value) in scan {
                    match (name.as_str(), value) {
                        ("ignore", toml::Value::Array(items)) if items.iter().all(|i| i.is_str()) => {
                            config.ignore = items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect();
                        }
                        ("ignore", toml::Value::String(one)) => config.ignore = vec![one],
                        ("project", toml::Value::String(project)) => config.project = Some(project),
                        ("ignore" | "project", _) => warn(format!(
                            "[scan] {name}: wrong type (ignore is a list of strings, project a string); skipped"
                        )),
                        _ => warn(format!("[scan] {name}: unknown key (known: ignore, project); skipped")),
                    }
                }
            }
            (section @ ("values" | "scan"), _) => warn(format!("`{section}` must be a table ([{section}]); skipped")),
            (other, _) => warn(format!("unknown section `{other}` (known: [values], [scan]); skipped")),
        }
    }
    (config, warnings)
}

fn pinned(value: &toml::Value) -> Option<Pinned> {
    match value {
        toml::Value::String(text) => Some(Pinned::Text(text.clone())),
        toml::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Pinned::List),
        _ => None,
    }
}

/// The ignore patterns as one matcher rooted at `root`, or `None` without any. A pattern git
/// would not understand is skipped with a warning.
pub fn ignore_matcher(
    root: &Path,
    config: &Config,
    warnings: &mut Vec<Warning>,
) -> Option<ignore::gitignore::Gitignore> {
    if config.ignore.is_empty() {
        return None;
    }
    let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
    // Bounded as an ignore file is: every pattern costs the matcher memory.
    let most = crate::fs::MAX_IGNORE_PATTERNS;
    if config.ignore.len() > most {
        let why = format!(
            "[scan] ignore: only its first {most} of {} patterns apply",
            config.ignore.len()
        );
        warnings.push(Warning::new(FILE, why));
    }
    for pattern in config.ignore.iter().take(most) {
        if let Err(err) = builder.add_line(None, pattern) {
            warnings.push(Warning::new(FILE, format!("[scan] ignore `{pattern}`: {err}; skipped")));
        }
    }
    builder.build().ok()
}

/// Puts the pinned values into the report: a field becomes `found` with `archprompt.toml` as its
/// evidence and `pinned` set; any other name becomes (or replaces) a template variable.
pub fn apply(config: &Config, report: &mut Report) {
    for (name, value) in &config.values {
        let evidence = vec![Evidence::of(
            EvidenceKind::Pinned,
            FILE,
            format!("pinned in [values] {name}"),
        )];
        // A field or vocabulary placeholder, by its name or an alias, is pinned as a field.
        if let Some(placeholder) = Placeholder::parse(name) {
            // A directory list keeps its entries (Cursor's globs are made from them), whether
            // written as a list or as `"api, worker"`.
            let items = match value {
                Pinned::List(items) => Some(items.clone()),
                Pinned::Text(text) if placeholder.is_directories() => Some(
                    text.split(',')
                        .map(|i| i.trim().to_string())
                        .filter(|i| !i.is_empty())
                        .collect(),
                ),
                Pinned::Text(_) => None,
            };
            let mut field = match items {
                Some(items) => Field::found_list(items, evidence),
                None => Field::found(value.text(), evidence),
            };
            field.pinned = true;
            report.set(placeholder, field);
        } else {
            report.variables.insert(name.clone(), Some(value.text()));
            report.pinned_variables.push(name.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> (Config, Vec<Warning>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), text).unwrap();
        load(dir.path())
    }

    #[test]
    fn reads_values_and_scan_settings() {
        let (config, warnings) = load_text(
            "[values]\ndb_command = \"make psql\"\nsource_dirs = [\"api\", \"worker\"]\n[scan]\nignore = [\"legacy/\"]\nproject = \"api\"\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.values["db_command"], Pinned::Text("make psql".into()));
        assert_eq!(
            config.values["source_dirs"],
            Pinned::List(vec!["api".into(), "worker".into()])
        );
        assert_eq!(config.ignore, vec!["legacy/".to_string()]);
        assert_eq!(config.project.as_deref(), Some("api"));
    }

    #[test]
    fn bad_parts_are_skipped_with_a_warning_naming_the_file() {
        let (config, warnings) =
            load_text("[values]\ntest_command = 3\nok = \"x\"\n[scan]\nprojekt = \"a\"\n[extra]\n");
        assert_eq!(config.values.len(), 1);
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(warnings.iter().all(|w| w.file == FILE));
        let (config, warnings) = load_text("[values\n");
        assert!(config.values.is_empty());
        assert!(warnings[0].message.starts_with("invalid TOML"), "{warnings:?}");
    }

    #[test]
    fn no_file_is_no_config() {
        let dir = tempfile::tempdir().unwrap();
        let (config, warnings) = load(dir.path());
        assert!(config.values.is_empty() && config.ignore.is_empty() && warnings.is_empty());
    }
}
