//! `--fail-on`: the conditions that make `scan` and `report` exit 1, for CI. Each repository's
//! outcome is checked as it comes; the run ends with the conditions that occurred, named.

use super::cli::FailOn;
use archprompt::report::{Report, State};
use std::collections::BTreeMap;
use std::process::ExitCode;

/// How many repositories tripped each asked-for condition.
#[derive(Default)]
pub struct Tripped {
    asked: Vec<FailOn>,
    counts: BTreeMap<&'static str, usize>,
}

impl Tripped {
    pub fn new(asked: &[FailOn]) -> Tripped {
        let mut unique = asked.to_vec();
        unique.sort_by_key(|c| name(*c));
        unique.dedup();
        Tripped {
            asked: unique,
            counts: BTreeMap::new(),
        }
    }

    /// Records what a scanned repository trips.
    pub fn report(&mut self, report: &Report) {
        let has = |state: State| report.fields.values().any(|f| f.state == state);
        for condition in self.asked.clone() {
            let occurs = match condition {
                FailOn::Unknown => has(State::Unknown),
                FailOn::Absent => has(State::Absent),
                FailOn::Failed => false,
            };
            if occurs {
                *self.counts.entry(name(condition)).or_default() += 1;
            }
        }
    }

    /// Records a repository that could not be scanned.
    pub fn failed(&mut self) {
        if self.asked.contains(&FailOn::Failed) {
            *self.counts.entry(name(FailOn::Failed)).or_default() += 1;
        }
    }

    /// What occurred, for stderr (`--fail-on unknown: 3 repositories`), or `None`.
    pub fn message(&self) -> Option<String> {
        if self.counts.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(condition, n)| {
                let repos = if *n == 1 { "repository" } else { "repositories" };
                format!("--fail-on {condition}: {n} {repos}")
            })
            .collect();
        Some(parts.join("; "))
    }

    /// 1 when an asked-for condition occurred, else `otherwise`.
    pub fn exit(&self, otherwise: ExitCode) -> ExitCode {
        if self.counts.is_empty() {
            otherwise
        } else {
            ExitCode::from(1)
        }
    }
}

fn name(condition: FailOn) -> &'static str {
    match condition {
        FailOn::Unknown => "unknown",
        FailOn::Absent => "absent",
        FailOn::Failed => "failed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use archprompt::report::{Evidence, Field, FieldName};

    #[test]
    fn only_asked_conditions_trip() {
        let mut report = Report::unknown("r", "not read");
        for name in FieldName::ALL {
            report
                .fields
                .insert(name, Field::found("x", vec![Evidence::new("a", "b")]));
        }
        report.fields.insert(FieldName::DbCommand, Field::unknown("no client"));
        let mut absent_only = Tripped::new(&[FailOn::Absent, FailOn::Absent]);
        absent_only.report(&report);
        absent_only.failed();
        assert_eq!(absent_only.message(), None);
        // Asked twice, counted once.
        let mut unknown = Tripped::new(&[FailOn::Unknown, FailOn::Failed, FailOn::Unknown]);
        unknown.report(&report);
        unknown.failed();
        unknown.failed();
        assert_eq!(
            unknown.message().as_deref(),
            Some("--fail-on failed: 2 repositories; --fail-on unknown: 1 repository")
        );
    }
}
