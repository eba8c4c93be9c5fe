//! The scan report: the 11 template fields, their states and evidence, extra variables and
//! warnings. This is the JSON contract of `scan --json` (docs/json-contract.md).

pub mod aliases;
pub mod extra;
pub mod field_name;
pub mod fleet;
pub mod hints;
pub mod markers;
pub mod placeholder;

pub use extra::Extra;
pub use field_name::FieldName;
pub use placeholder::Placeholder;

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// A value backed by evidence.
    Found,
    /// The repository shows there is none (no database, no migrations, nothing to build).
    Absent,
    /// Detection could not decide; the rendered file keeps `{{field}}`.
    Unknown,
}

/// What kind of fact an evidence line records. Code decides on the kind, never on the wording
/// of `reason`, which is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum EvidenceKind {
    /// A file, directory, config value, task or anything else the repository shows.
    #[default]
    Fact,
    /// A runtime dependency in a manifest.
    Dependency,
    /// A dependency for development or tests only.
    DevDependency,
    /// A detector's standard command for a tool: not one the repository declares or documents.
    DefaultCommand,
    /// A value pinned in archprompt.toml's `[values]`.
    Pinned,
}

/// Two evidence lines are the same when they say the same of the same file: the kind follows
/// from the wording, and lines the JSON shows alike are de-duplicated alike.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// Repo-relative path with `/` separators.
    pub file: String,
    pub reason: String,
    /// Not in the JSON contract: `reason` says it in words.
    #[serde(skip)]
    pub kind: EvidenceKind,
}

impl PartialEq for Evidence {
    fn eq(&self, other: &Self) -> bool {
        (&self.file, &self.reason) == (&other.file, &other.reason)
    }
}

impl Eq for Evidence {}

impl PartialOrd for Evidence {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Evidence {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.file, &self.reason).cmp(&(&other.file, &other.reason))
    }
}

impl Evidence {
    pub fn new(file: impl Into<String>, reason: impl Into<String>) -> Self {
        Evidence::of(EvidenceKind::Fact, file, reason)
    }

    pub fn of(kind: EvidenceKind, file: impl Into<String>, reason: impl Into<String>) -> Self {
        Evidence {
            file: file.into(),
            reason: reason.into(),
            kind,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Exactly the text substituted into the template (`none` when absent); `None` when unknown.
    pub value: Option<String>,
    /// For list fields (directories): the individual entries.
    pub items: Option<Vec<String>>,
    pub state: State,
    pub evidence: Vec<Evidence>,
    /// For unknown and absent fields: what was looked for and how to fill it.
    pub hint: Option<String>,
    /// Set when the value comes from `[values]` in archprompt.toml, not from detection.
    pub pinned: bool,
}

/// A field as `--json` states it: the value only when found, so `state` alone tells absent
/// from unknown and no script mistakes the word `none` for a command.
impl Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Stated<'a> {
            value: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            items: Option<&'a Vec<String>>,
            state: State,
            evidence: &'a [Evidence],
            #[serde(skip_serializing_if = "Option::is_none")]
            hint: Option<&'a str>,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            pinned: bool,
        }
        Stated {
            value: self.found_value(),
            items: self.items.as_ref(),
            state: self.state,
            evidence: &self.evidence,
            hint: self.hint.as_deref(),
            pinned: self.pinned,
        }
        .serialize(serializer)
    }
}

/// Text substituted for an absent field, so the rendered file states the answer.
pub const ABSENT_TEXT: &str = "none";

impl Field {
    /// The value when the field was found (or pinned); `None` when absent or unknown.
    pub fn found_value(&self) -> Option<&str> {
        (self.state == State::Found).then_some(self.value.as_deref()).flatten()
    }

    pub fn found(value: impl Into<String>, evidence: Vec<Evidence>) -> Self {
        Field {
            value: Some(value.into()),
            items: None,
            state: State::Found,
            evidence: unique(evidence),
            hint: None,
            pinned: false,
        }
    }

    pub fn found_list(items: Vec<String>, evidence: Vec<Evidence>) -> Self {
        Field {
            value: Some(items.join(", ")),
            items: Some(items),
            state: State::Found,
            evidence: unique(evidence),
            hint: None,
            pinned: false,
        }
    }

    pub fn absent(value: impl Into<String>, evidence: Vec<Evidence>, why: impl Into<String>) -> Self {
        Field {
            value: Some(value.into()),
            items: None,
            state: State::Absent,
            evidence,
            hint: Some(why.into()),
            pinned: false,
        }
    }

    /// Absent, with `file` as the evidence and `why` as both its reason and the hint.
    pub fn absent_because(file: &str, why: &str) -> Self {
        Field::absent(ABSENT_TEXT, vec![Evidence::new(file, why)], why)
    }

    pub fn unknown(hint: impl Into<String>) -> Self {
        Field {
            value: None,
            items: None,
            state: State::Unknown,
            evidence: Vec::new(),
            hint: Some(hint.into()),
            pinned: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Warning {
    pub file: String,
    pub message: String,
}

impl Warning {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        Warning {
            file: file.into(),
            message: message.into(),
        }
    }
}

/// One manifest-owning directory that was considered, for the `projects` list.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    pub dir: String,
    pub ecosystem: String,
    pub manifest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub backend_score: i32,
    /// The project the report's fields describe.
    pub main: bool,
    /// For another project that runs a server framework: its own fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<FieldName, Field>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Version of archprompt that produced the report.
    pub archprompt: String,
    /// The scanned path, as given.
    pub root: String,
    /// All 11 template fields, always present, in template order.
    pub fields: BTreeMap<FieldName, Field>,
    /// Extra variables custom templates may use (package_manager, orm, …); `null` when unknown.
    pub variables: BTreeMap<String, Option<String>>,
    /// The vocabulary beyond the 11 fields (lint_command, docs_dirs, line_length, …), each
    /// found, absent or unknown like a field; all present.
    pub extras: BTreeMap<Extra, Field>,
    /// The backend project that was chosen, repo-relative (`.` for the root).
    pub backend_dir: Option<String>,
    /// Ids of the detectors that matched the backend project, sorted.
    pub detected: Vec<String>,
    pub projects: Vec<ProjectSummary>,
    pub warnings: Vec<Warning>,
    /// Variables set in archprompt.toml's `[values]` (pinned fields are marked in `fields`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pinned_variables: Vec<String>,
    /// What the repository is when no project is a backend (`a React frontend`, `a library`);
    /// `None` when that is not known. The `hint` of `backend_framework` says it in words.
    #[serde(skip)]
    pub instead_of_backend: Option<String>,
}

/// A repository proven not to be a backend: what it is instead, and the proof in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotABackend<'a> {
    /// `a React frontend`, `a library`, `a command-line tool`.
    pub what: &'a str,
    /// The hint of `backend_framework`.
    pub why: &'a str,
}

impl Report {
    /// The report of `root` before anything is known: every field unknown with `hint`, no
    /// variables, projects or warnings.
    pub fn unknown(root: &str, hint: &str) -> Report {
        Report {
            archprompt: env!("CARGO_PKG_VERSION").to_string(),
            root: root.to_string(),
            fields: FieldName::ALL.map(|name| (name, Field::unknown(hint))).into(),
            variables: BTreeMap::new(),
            extras: Extra::ALL.map(|name| (name, Field::unknown(hint))).into(),
            backend_dir: None,
            detected: Vec::new(),
            projects: Vec::new(),
            warnings: Vec::new(),
            pinned_variables: Vec::new(),
            instead_of_backend: None,
        }
    }

    pub fn field(&self, name: FieldName) -> &Field {
        &self.fields[&name]
    }

    /// The value of a field or vocabulary placeholder.
    pub fn get(&self, placeholder: Placeholder) -> &Field {
        match placeholder {
            Placeholder::Field(field) => &self.fields[&field],
            Placeholder::Extra(extra) => &self.extras[&extra],
        }
    }

    /// Puts `field` in as the value of `placeholder`.
    pub fn set(&mut self, placeholder: Placeholder, field: Field) {
        match placeholder {
            Placeholder::Field(name) => self.fields.insert(name, field),
            Placeholder::Extra(extra) => self.extras.insert(extra, field),
        };
    }

    /// Every field and vocabulary placeholder the scan could not fill.
    pub fn unknown_placeholders(&self) -> Vec<Placeholder> {
        let fields = self.fields.iter().map(|(f, v)| (Placeholder::Field(*f), v));
        let extras = self.extras.iter().map(|(e, v)| (Placeholder::Extra(*e), v));
        fields
            .chain(extras)
            .filter(|(_, v)| v.state == State::Unknown)
            .map(|(p, _)| p)
            .collect()
    }

    /// The field or vocabulary placeholder a template's `{{placeholder}}` names (by its own
    /// name or an alias), when it is one of them rather than a plain variable.
    pub fn field_for(&self, placeholder: &str) -> Option<&Field> {
        Placeholder::parse(placeholder).map(|p| self.get(p))
    }

    /// Why the repository is not a backend, when the scan proved it: no backend project,
    /// `backend_framework` absent, and the main project shown to be something else (a React
    /// frontend, a library, a command-line tool). A web app serving HTTP without a framework
    /// archprompt knows is not claimed to be anything else.
    pub fn not_a_backend(&self) -> Option<NotABackend<'_>> {
        let framework = self.fields.get(&FieldName::BackendFramework)?;
        let what = self.instead_of_backend.as_deref()?;
        let proven = self.backend_dir.is_none() && framework.state == State::Absent;
        proven.then(|| NotABackend {
            what,
            why: framework.hint.as_deref().unwrap_or("no backend project found"),
        })
    }

    /// Leaves out every value that holds a control character (a line break, an escape sequence):
    /// written into an agent file it could add lines and headings of its own, and printed it could
    /// drive the terminal. Such a field becomes unknown, a variable has no value, and a warning
    /// names the file the value came from.
    pub fn refuse_control_characters(&mut self) {
        let unprintable = |v: &str| v.chars().any(char::is_control);
        let mut warnings = Vec::new();
        let mut check = |name: FieldName, field: &mut Field| {
            if !field.value.as_deref().is_some_and(unprintable) {
                return;
            }
            let file = field.evidence.first().map_or(".", |e| e.file.as_str());
            let why = format!("the {name} found holds a control character (a line break or an escape); left out");
            warnings.push(Warning::new(file, why.clone()));
            *field = Field::unknown(hints::unknown(name, &why));
        };
        for (name, field) in self.fields.iter_mut() {
            check(*name, field);
        }
        for project in &mut self.projects {
            for (name, field) in project.fields.iter_mut().flatten() {
                check(*name, field);
            }
        }
        for (name, value) in self.variables.iter_mut() {
            if value.as_deref().is_some_and(unprintable) {
                let why = format!("the {name} variable holds a control character; left out");
                warnings.push(Warning::new(".", why));
                *value = None;
            }
        }
        self.warnings.extend(warnings);
    }

    /// When the scan did not see the whole repository (`why` says what cut it short), "there is
    /// none" is not proven: every absent field becomes unknown, with `why` as its hint.
    pub fn unprove_absence(&mut self, why: &str) {
        self.unprove_absence_of(&FieldName::ALL, why);
        for field in self.extras.values_mut().filter(|f| f.state == State::Absent) {
            *field = Field::unknown(why);
        }
    }

    /// [`Report::unprove_absence`] for the fields `names` only.
    pub fn unprove_absence_of(&mut self, names: &[FieldName], why: &str) {
        let unprove = |name: FieldName, field: &mut Field| {
            if field.state == State::Absent && names.contains(&name) {
                *field = Field::unknown(hints::unknown(name, why));
            }
        };
        for (name, field) in self.fields.iter_mut() {
            unprove(*name, field);
        }
        for project in &mut self.projects {
            for (name, field) in project.fields.iter_mut().flatten() {
                unprove(*name, field);
            }
        }
    }

    /// Fields left unknown, in template order.
    pub fn unknown_fields(&self) -> Vec<FieldName> {
        FieldName::ALL
            .into_iter()
            .filter(|name| self.fields[name].state == State::Unknown)
            .collect()
    }
}

/// `evidence` without repeats, first occurrence kept: one file can back several parts of a value.
/// A set of what was kept, not a search of it: a Django shop's test folders are 1,500 lines.
fn unique(evidence: Vec<Evidence>) -> Vec<Evidence> {
    let mut seen: std::collections::HashSet<(&str, &str)> = std::collections::HashSet::new();
    let keep: Vec<bool> = evidence.iter().map(|e| seen.insert((&e.file, &e.reason))).collect();
    evidence
        .into_iter()
        .zip(keep)
        .filter_map(|(e, keep)| keep.then_some(e))
        .collect()
}
