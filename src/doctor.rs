//! `archprompt doctor`: finds `{{placeholder}}`s left in agent files and explains each one from
//! a fresh scan of the repository the file belongs to.

use crate::hints;
use crate::model::{Report, State};
use regex::Regex;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// A `{{name}}` placeholder (spaces allowed inside the braces), the name captured.
pub const PLACEHOLDER_PATTERN: &str = r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}";

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(PLACEHOLDER_PATTERN).unwrap());

#[derive(Debug, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub placeholder: String,
    pub why: String,
    pub fix: String,
}

#[derive(Debug, Serialize, Default)]
pub struct Findings {
    pub files_checked: Vec<String>,
    pub placeholders: Vec<Finding>,
    pub errors: Vec<String>,
}

/// Every `{{name}}` in `text`, as (line, column, name), both 1-based.
pub fn placeholders(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for caps in PLACEHOLDER.captures_iter(line) {
            let start = caps.get(0).map(|m| m.start()).unwrap_or(0);
            let column = line[..start].chars().count() + 1;
            out.push((i + 1, column, caps[1].to_string()));
        }
    }
    out
}

/// The agent files doctor checks in a repository by default.
pub fn default_files(repo: &Path) -> Vec<PathBuf> {
    let mut files = vec![repo.join(crate::init::DEFAULT_AGENT_FILE)];
    for dir in [".github/agents", ".claude/agents"] {
        let Ok(entries) = std::fs::read_dir(repo.join(dir)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md") && p.is_file())
            .collect();
        found.sort();
        files.extend(found);
    }
    files.dedup();
    files.retain(|f| f.is_file());
    files
}

/// The repository an agent file belongs to: the directory above `.github/agents` /
/// `.claude/agents`, else the nearest ancestor with `.git`, else the file's directory.
pub fn repo_of(file: &Path) -> PathBuf {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let absolute = parent.canonicalize().unwrap_or_else(|_| parent.to_path_buf());
    // The project the agent directory belongs to comes first: in a monorepo it is a sub-project.
    for dir in absolute.ancestors() {
        if dir.ends_with(".github/agents") || dir.ends_with(".claude/agents") {
            if let Some(repo) = dir.parent().and_then(Path::parent) {
                return repo.to_path_buf();
            }
        }
    }
    for dir in absolute.ancestors() {
        if dir.join(".git").exists() {
            return dir.to_path_buf();
        }
    }
    absolute
}

/// Checks `files`, explaining each placeholder with a scan of the file's repository.
pub fn check(files: &[PathBuf], scan: impl Fn(&Path) -> anyhow::Result<Report>) -> Findings {
    let mut findings = Findings::default();
    let mut reports: BTreeMap<PathBuf, Option<Report>> = BTreeMap::new();
    for file in files {
        let shown = file.display().to_string();
        let text = match std::fs::read(file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                findings.errors.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        findings.files_checked.push(shown.clone());
        let found = placeholders(&text);
        if found.is_empty() {
            continue;
        }
        let repo = repo_of(file);
        let report = reports.entry(repo.clone()).or_insert_with(|| scan(&repo).ok());
        for (line, column, name) in found {
            let (why, fix) = explain(&name, report.as_ref());
            findings.placeholders.push(Finding {
                file: shown.clone(),
                line,
                column,
                placeholder: name,
                why,
                fix,
            });
        }
    }
    findings
}

fn explain(name: &str, report: Option<&Report>) -> (String, String) {
    let Some(report) = report else {
        return (
            format!("archprompt looks for {}", hints::looked_for(name)),
            hints::how_to_fill(name),
        );
    };
    if let Some(field) = report.fields.get(name) {
        return match (field.state, &field.value) {
            (State::Unknown, _) | (_, None) => (
                field
                    .hint
                    .clone()
                    .unwrap_or_else(|| hints::looked_for(name).to_string()),
                hints::how_to_fill(name),
            ),
            (_, Some(value)) => (
                format!("a fresh scan now finds `{value}`"),
                "re-run `archprompt init --force` to fill it".to_string(),
            ),
        };
    }
    match report.variables.get(name) {
        Some(Some(value)) => (
            format!("a fresh scan now finds `{value}`"),
            "re-run `archprompt init --force` (with your --template) to fill it".to_string(),
        ),
        Some(None) => (format!("the scan could not determine {name}"), hints::how_to_fill(name)),
        None => (
            format!("`{name}` is not a variable archprompt knows"),
            hints::how_to_fill(name),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_with_char_columns() {
        let text = "a\n- **DB:** {{database_system}} – x {{ db_command }}\n{{#if x}}\n";
        let found = placeholders(text);
        assert_eq!(
            found,
            vec![
                (2, 11, "database_system".to_string()),
                (2, 35, "db_command".to_string())
            ]
        );
    }
}
