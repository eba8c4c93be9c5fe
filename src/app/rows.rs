//! The JSON Lines rows of bulk runs, one typed struct per command (described in
//! docs/json-schema.json and docs/json-contract.md). A row is written with its keys sorted, at
//! every depth: the canonical form bulk lines have always had.

use archprompt::doctor::{DoctorStatus, Findings};
use archprompt::report::Report;
use serde::Serialize;

/// One row as a line of JSON, keys sorted.
pub fn line<T: Serialize>(row: &T) -> String {
    serde_json::to_value(row).map(|v| v.to_string()).unwrap_or_default()
}

/// How one repository of a bulk `scan` went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScanStatus {
    /// Every field found or absent.
    Ok,
    /// Some fields unknown: the rendered file keeps their placeholders.
    Placeholders,
    /// No report: the error says why.
    Failed,
}

/// One repository of a bulk `scan`: the single-repository report plus where it came from and
/// how it went; a failed one has only `root` besides.
#[derive(Serialize)]
pub struct ScanLine<'a> {
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub report: Option<&'a Report>,
    /// The repository as given, for a failed one (a report carries its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<&'a str>,
    pub path: &'a str,
    pub status: ScanStatus,
    pub error: Option<String>,
}

/// What happened to one agent file of a bulk `init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InitStatus {
    #[serde(rename = "created")]
    Created,
    #[serde(rename = "updated")]
    Updated,
    #[serde(rename = "up to date")]
    UpToDate,
    /// The file differs from what archprompt would write, and `--force` was not given.
    #[serde(rename = "refused")]
    Refused,
    #[serde(rename = "would create")]
    WouldCreate,
    #[serde(rename = "would update")]
    WouldUpdate,
    #[serde(rename = "failed")]
    Failed,
    /// Not written: the repository is not a backend and the default backend template was not
    /// asked for by name (nor `--force` given).
    #[serde(rename = "not a backend")]
    NotABackend,
    /// Not written: the template's `applies_when` does not hold for the repository (`--all`
    /// writes it).
    #[serde(rename = "does not apply")]
    DoesNotApply,
}

impl InitStatus {
    /// The word shown in the text output, the same as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            InitStatus::Created => "created",
            InitStatus::Updated => "updated",
            InitStatus::UpToDate => "up to date",
            InitStatus::Refused => "refused",
            InitStatus::WouldCreate => "would create",
            InitStatus::WouldUpdate => "would update",
            InitStatus::Failed => "failed",
            InitStatus::NotABackend => "not a backend",
            InitStatus::DoesNotApply => "does not apply",
        }
    }
}

/// One agent file of a bulk `init`.
#[derive(Serialize)]
pub struct InitLine<'a> {
    pub path: String,
    pub status: InitStatus,
    pub file: Option<String>,
    /// The fields left as placeholders.
    pub placeholders: &'a [String],
    pub error: Option<&'a str>,
    /// Why nothing was written (`not a backend`, `does not apply`), in words.
    pub why: Option<&'a str>,
}

/// One repository's `doctor` findings, in single and bulk runs alike: its path (`None` when a
/// single run was given several), status and first error, then what was checked.
#[derive(Serialize)]
pub struct DoctorLine<'a> {
    pub path: Option<&'a str>,
    pub status: DoctorStatus,
    pub error: Option<&'a str>,
    #[serde(flatten)]
    pub checked: Checked<'a>,
}

/// What a bulk `doctor` row says it checked.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Checked<'a> {
    /// The repository has no agent file: nothing checked, no placeholder list.
    Nothing {
        files_checked: [&'a str; 0],
        placeholders: Option<()>,
        errors: &'a [String],
    },
    /// Every list of the findings.
    Files(FindingLists<'a>),
}

/// [`Findings`]' lists.
#[derive(Serialize)]
pub struct FindingLists<'a> {
    files_checked: &'a [String],
    placeholders: &'a [archprompt::doctor::Finding],
    stale: &'a [archprompt::doctor::Stale],
    edited: &'a [archprompt::doctor::Stale],
    missing_paths: &'a [archprompt::doctor::MissingPath],
    missing_tasks: &'a [archprompt::doctor::MissingTask],
    broken_encoding: &'a [archprompt::doctor::BrokenEncoding],
    diffs: &'a [archprompt::doctor::FileDiff],
    fixed: &'a [archprompt::doctor::Fixed],
    unchecked: &'a [String],
    notes: &'a [String],
    errors: &'a [String],
}

impl<'a> FindingLists<'a> {
    pub fn of(f: &'a Findings) -> Self {
        FindingLists {
            files_checked: &f.files_checked,
            placeholders: &f.placeholders,
            stale: &f.stale,
            edited: &f.edited,
            missing_paths: &f.missing_paths,
            missing_tasks: &f.missing_tasks,
            broken_encoding: &f.broken_encoding,
            diffs: &f.diffs,
            fixed: &f.fixed,
            unchecked: &f.unchecked,
            notes: &f.notes,
            errors: &f.errors,
        }
    }
}

/// One entry of `templates --json`.
#[derive(Serialize)]
pub struct TemplateEntry<'a> {
    pub name: &'a str,
    pub origin: String,
    pub variables: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_without_agent_files_has_an_empty_list_and_no_placeholders() {
        let row = DoctorLine {
            path: Some("r"),
            status: DoctorStatus::Missing,
            error: None,
            checked: Checked::Nothing {
                files_checked: [],
                placeholders: None,
                errors: &[],
            },
        };
        assert_eq!(
            line(&row),
            r#"{"error":null,"errors":[],"files_checked":[],"path":"r","placeholders":null,"status":"missing"}"#
        );
    }

    #[test]
    fn a_failed_scan_names_its_root() {
        let row = ScanLine {
            report: None,
            root: Some("x"),
            path: "x",
            status: ScanStatus::Failed,
            error: Some("x: not a directory".into()),
        };
        assert_eq!(
            line(&row),
            r#"{"error":"x: not a directory","path":"x","root":"x","status":"failed"}"#
        );
    }

    #[test]
    fn a_scanned_repository_is_its_report_plus_path_status_and_error() {
        let report = Report::unknown("r", "not scanned");
        let row = ScanLine {
            report: Some(&report),
            root: None,
            path: "r",
            status: ScanStatus::Placeholders,
            error: None,
        };
        let value: serde_json::Value = serde_json::from_str(&line(&row)).unwrap();
        let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected: Vec<String> = serde_json::to_value(&report)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        expected.extend(["path", "status", "error"].map(String::from));
        expected.sort();
        keys.sort();
        assert_eq!(keys, expected);
        assert_eq!(value["status"], "placeholders");
        assert_eq!(value["fields"]["db_command"]["state"], "unknown");
    }

    #[test]
    fn a_doctor_row_has_every_list_of_the_findings() {
        let findings = Findings {
            errors: vec!["x: broken".into()],
            ..Findings::default()
        };
        let row = DoctorLine {
            path: Some("r"),
            status: findings.status(),
            error: findings.errors.first().map(String::as_str),
            checked: Checked::Files(FindingLists::of(&findings)),
        };
        let value: serde_json::Value = serde_json::from_str(&line(&row)).unwrap();
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        let mut expected: Vec<String> = serde_json::to_value(&findings)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        expected.extend(["path", "status", "error"].map(String::from));
        keys.sort();
        expected.sort();
        assert_eq!(keys, expected, "a list added to Findings is missing from FindingLists");
        assert_eq!(value["status"], "failed");
        assert_eq!(value["error"], "x: broken");
    }

    #[test]
    fn status_words_are_the_json_words() {
        for status in [
            InitStatus::Created,
            InitStatus::Updated,
            InitStatus::UpToDate,
            InitStatus::Refused,
            InitStatus::WouldCreate,
            InitStatus::WouldUpdate,
            InitStatus::Failed,
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for status in [
            DoctorStatus::Ok,
            DoctorStatus::Placeholders,
            DoctorStatus::Drift,
            DoctorStatus::Missing,
            DoctorStatus::Failed,
        ] {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
    }
}
