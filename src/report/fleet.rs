//! A fleet: many repositories' reports as one table a platform team reads at a glance. One row
//! per repository (one cell per field: its state, value and evidence), and the counts by
//! framework, database, ecosystem and field state. Only what the table needs is kept of each
//! report, so a fleet of thousands stays small.

use super::{FieldName, Report, State};
use serde::Serialize;
use std::collections::BTreeMap;

/// The fleet: its rows in input order and their counts. Serialized as `report --format json`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fleet {
    /// Version of archprompt that made it.
    pub archprompt: String,
    pub repositories: Vec<FleetRow>,
    pub counts: FleetCounts,
}

/// One repository of the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct FleetRow {
    /// The repository's path, as given.
    pub path: String,
    pub status: RowStatus,
    /// Why it could not be scanned (`status` is `failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The backend project, repo-relative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backend_dir: Option<String>,
    /// The backend project's ecosystem (`node`, `python`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    /// Every field, in template order; empty when the repository failed.
    pub fields: BTreeMap<FieldName, Cell>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    Scanned,
    Failed,
}

/// One field of one repository: what `scan` says of it, in short.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub state: State,
    /// The value when found; `null` when absent or unknown (the state tells which).
    pub value: Option<String>,
    /// The evidence as `file: reason` lines, or the hint of an unknown field.
    pub evidence: Vec<String>,
}

/// How the fleet adds up.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FleetCounts {
    pub repositories: usize,
    pub failed: usize,
    /// Repositories by backend framework (`none` and `unknown` included), by each database they
    /// use (a repository on PostgreSQL and Redis counts under both), and by ecosystem (the
    /// backend's, else the described project's).
    pub frameworks: BTreeMap<String, usize>,
    pub databases: BTreeMap<String, usize>,
    pub ecosystems: BTreeMap<String, usize>,
    /// Per field, how many repositories have it found, absent and unknown.
    pub states: BTreeMap<FieldName, StateCounts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StateCounts {
    pub found: usize,
    pub absent: usize,
    pub unknown: usize,
}

impl StateCounts {
    fn add(&mut self, state: State) {
        match state {
            State::Found => self.found += 1,
            State::Absent => self.absent += 1,
            State::Unknown => self.unknown += 1,
        }
    }
}

impl Fleet {
    pub fn new() -> Fleet {
        Fleet {
            archprompt: env!("CARGO_PKG_VERSION").to_string(),
            ..Fleet::default()
        }
    }

    /// Adds a scanned repository.
    pub fn add_report(&mut self, path: &str, report: &Report) {
        let fields: BTreeMap<FieldName, Cell> = report
            .fields
            .iter()
            .map(|(name, field)| {
                let evidence = match (&field.hint, field.evidence.is_empty()) {
                    (Some(hint), true) => vec![hint.clone()],
                    _ => field
                        .evidence
                        .iter()
                        .map(|e| format!("{}: {}", e.file, e.reason))
                        .collect(),
                };
                let cell = Cell {
                    state: field.state,
                    value: field.found_value().map(str::to_string),
                    evidence,
                };
                (*name, cell)
            })
            .collect();
        // The backend's ecosystem, else that of the project the report describes instead (a CLI,
        // a frontend): a Rust tool without a backend is still a Rust repository.
        let ecosystem = report
            .projects
            .iter()
            .find(|p| p.main)
            .or_else(|| report.projects.first())
            .map(|p| p.ecosystem.clone());
        let counts = &mut self.counts;
        counts.repositories += 1;
        let shown = |field: FieldName| match fields.get(&field) {
            Some(Cell {
                state: State::Absent, ..
            }) => crate::report::ABSENT_TEXT.to_string(),
            Some(cell) => cell.value.clone().unwrap_or_else(|| "unknown".into()),
            None => "unknown".into(),
        };
        *counts.frameworks.entry(shown(FieldName::BackendFramework)).or_default() += 1;
        // Each database counts on its own: "PostgreSQL, Redis (cache)" adds to both.
        for database in shown(FieldName::DatabaseSystem).split(", ") {
            *counts.databases.entry(database.to_string()).or_default() += 1;
        }
        let eco = ecosystem.clone().unwrap_or_else(|| "none".into());
        *counts.ecosystems.entry(eco).or_default() += 1;
        for (name, cell) in &fields {
            counts.states.entry(*name).or_default().add(cell.state);
        }
        self.repositories.push(FleetRow {
            path: path.to_string(),
            status: RowStatus::Scanned,
            error: None,
            backend_dir: report.backend_dir.clone(),
            ecosystem,
            fields,
        });
    }

    /// Adds a repository that could not be scanned.
    pub fn add_failure(&mut self, path: &str, error: &str) {
        self.counts.repositories += 1;
        self.counts.failed += 1;
        self.repositories.push(FleetRow {
            path: path.to_string(),
            status: RowStatus::Failed,
            error: Some(error.to_string()),
            backend_dir: None,
            ecosystem: None,
            fields: BTreeMap::new(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Evidence, Field};

    fn report(framework: Option<&str>, db_state: State) -> Report {
        let mut report = Report::unknown("repo", "nothing read");
        if let Some(framework) = framework {
            report.fields.insert(
                FieldName::BackendFramework,
                Field::found(framework, vec![Evidence::new("package.json", "dependency express")]),
            );
        }
        if db_state == State::Absent {
            report.fields.insert(
                FieldName::DatabaseSystem,
                Field::absent_because("package.json", "no driver"),
            );
        }
        report
    }

    #[test]
    fn rows_keep_input_order_and_counts_add_up() {
        let mut fleet = Fleet::new();
        fleet.add_report("a", &report(Some("Express"), State::Absent));
        fleet.add_failure("b", "b: not a directory");
        fleet.add_report("c", &report(Some("Express"), State::Unknown));
        fleet.add_report("d", &report(None, State::Unknown));
        let paths: Vec<&str> = fleet.repositories.iter().map(|r| r.path.as_str()).collect();
        assert_eq!(paths, ["a", "b", "c", "d"]);
        let counts = &fleet.counts;
        assert_eq!((counts.repositories, counts.failed), (4, 1));
        assert_eq!(counts.frameworks.get("Express"), Some(&2));
        assert_eq!(counts.frameworks.get("unknown"), Some(&1));
        assert_eq!(counts.databases.get("none"), Some(&1));
        assert_eq!(counts.databases.get("unknown"), Some(&2));
        let db = counts.states[&FieldName::DatabaseSystem];
        assert_eq!(
            db,
            StateCounts {
                found: 0,
                absent: 1,
                unknown: 2
            }
        );
        let a = &fleet.repositories[0].fields[&FieldName::BackendFramework];
        assert_eq!(a.evidence, ["package.json: dependency express"]);
        let d = &fleet.repositories[3].fields[&FieldName::BackendFramework];
        assert_eq!(
            (d.state, d.evidence.as_slice()),
            (State::Unknown, ["nothing read".to_string()].as_slice())
        );
        assert_eq!(fleet.repositories[1].status, RowStatus::Failed);
    }
}
