//! What `doctor` reports: each kind of finding, the findings of a run, and the status of one
//! repository in a bulk run. This is doctor's JSON contract (docs/json-contract.md).

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub placeholder: String,
    pub why: String,
    pub fix: String,
    /// Whether `--fix` fills it: a fresh scan (or archprompt.toml) has the value.
    pub fillable: bool,
}

/// A value the file states that a fresh scan finds differently.
#[derive(Debug, Clone, Serialize)]
pub struct Stale {
    pub file: String,
    pub line: usize,
    /// A field, or a front-matter key archprompt keeps (Cursor's `globs`).
    pub field: String,
    /// What the file says.
    pub in_file: String,
    /// What a fresh scan finds.
    pub now: String,
    /// The files the fresh value comes from.
    pub evidence: Vec<crate::report::Evidence>,
    /// Whether `--fix` writes `now`: not when the scan finds no value (`none`) where the file
    /// names one, since replacing a command with `none` is a loss a person should decide on.
    pub fixable: bool,
}

/// A directory the file names that does not exist.
#[derive(Debug, Clone, Serialize)]
pub struct MissingPath {
    pub file: String,
    pub line: usize,
    pub field: crate::report::Placeholder,
    pub path: String,
}

/// A command in the file that runs a script or Make/just target nobody defines.
#[derive(Debug, Clone, Serialize)]
pub struct MissingTask {
    pub file: String,
    pub line: usize,
    pub field: crate::report::Placeholder,
    #[serde(flatten)]
    pub task: crate::doctor::drift::MissingTask,
}

/// A line whose UTF-8 text was decoded as Windows-1252 at some point.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenEncoding {
    pub file: String,
    #[serde(flatten)]
    pub line: crate::profile::encoding::Mojibake,
}

/// What `archprompt init --force` would change in a file that has problems.
#[derive(Debug, Clone, Serialize)]
pub struct FileDiff {
    pub file: String,
    pub diff: String,
}

/// A file `--fix` rewrote, and how many repairs it made (0: only its record of what archprompt
/// wrote was added or brought up to date).
#[derive(Debug, Clone, Serialize)]
pub struct Fixed {
    pub file: String,
    pub repairs: usize,
}

/// How one repository's agent files stand, for a bulk `doctor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DoctorStatus {
    /// Nothing to report.
    Ok,
    /// Placeholders left, and nothing else wrong.
    Placeholders,
    /// Stale values, missing directories or tasks, or broken encoding.
    Drift,
    /// The repository has no agent file.
    Missing,
    /// A file could not be checked.
    Failed,
}

impl DoctorStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DoctorStatus::Ok => "ok",
            DoctorStatus::Placeholders => "placeholders",
            DoctorStatus::Drift => "drift",
            DoctorStatus::Missing => "missing",
            DoctorStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Findings {
    pub files_checked: Vec<String>,
    pub placeholders: Vec<Finding>,
    pub stale: Vec<Stale>,
    /// Values someone edited (or filled in) that a fresh scan finds differently: kept, not
    /// problems.
    pub edited: Vec<Stale>,
    pub missing_paths: Vec<MissingPath>,
    pub missing_tasks: Vec<MissingTask>,
    pub broken_encoding: Vec<BrokenEncoding>,
    /// For each file with a problem: the unified diff of what `init --force` would write.
    pub diffs: Vec<FileDiff>,
    /// With `--fix`: the files rewritten. The other lists describe the files after the fix.
    pub fixed: Vec<Fixed>,
    /// Agent files (or AGENTS.md sections) whose drift could not be checked, because no
    /// template is named after them; not problems.
    pub unchecked: Vec<String>,
    /// Other things worth saying that are not problems.
    pub notes: Vec<String>,
    pub errors: Vec<String>,
}

impl Findings {
    /// Problems that make `doctor` exit 1.
    pub fn problems(&self) -> usize {
        self.placeholders.len()
            + self.stale.len()
            + self.missing_paths.len()
            + self.missing_tasks.len()
            + self.broken_encoding.len()
    }

    /// The status of one repository in a bulk run: `ok`, `placeholders` (when those are all
    /// that is wrong), `drift`, or `failed`.
    pub fn status(&self) -> DoctorStatus {
        if !self.errors.is_empty() {
            DoctorStatus::Failed
        } else if self.problems() == 0 {
            DoctorStatus::Ok
        } else if self.problems() == self.placeholders.len() {
            DoctorStatus::Placeholders
        } else {
            DoctorStatus::Drift
        }
    }

    pub fn absorb(&mut self, other: Findings) {
        self.placeholders.extend(other.placeholders);
        self.stale.extend(other.stale);
        self.edited.extend(other.edited);
        self.missing_paths.extend(other.missing_paths);
        self.missing_tasks.extend(other.missing_tasks);
        self.broken_encoding.extend(other.broken_encoding);
        self.diffs.extend(other.diffs);
        self.unchecked.extend(other.unchecked);
        self.notes.extend(other.notes);
        self.errors.extend(other.errors);
    }
}
