//! `--fail-on`: the conditions that make `scan`, `report` and `doctor` exit 1, for CI. Each
//! repository's outcome is checked as it comes; the run ends with the conditions that occurred,
//! named.

use super::cli::FailOn;
use super::style::one_line;
use archprompt::doctor::{DoctorStatus, Findings};
use archprompt::report::{Report, State};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// How many repositories tripped each asked-for condition.
#[derive(Default)]
pub struct Tripped {
    asked: Vec<FailOn>,
    /// Per condition, the repositories it occurred in.
    counts: BTreeMap<&'static str, Vec<String>>,
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

    /// Records what a scanned repository trips; `drifted`: whether its agent files drifted
    /// (see [`drifted`]), asked only when `--fail-on drift` was given.
    pub fn report(&mut self, repo: &str, report: &Report, drifted: impl FnOnce() -> bool) {
        self.trip(repo, &[report], drifted);
    }

    /// Records what a repository's doctor findings trip (`None`: it has no agent file), with the
    /// scans they were checked against.
    pub fn findings(&mut self, repo: &str, findings: Option<&Findings>, reports: &[Report]) {
        if findings.is_some_and(|f| f.status() == DoctorStatus::Failed) {
            self.failed(repo);
            return;
        }
        let reports: Vec<&Report> = reports.iter().collect();
        self.trip(repo, &reports, || findings.is_some_and(drift));
    }

    fn trip(&mut self, repo: &str, reports: &[&Report], drifted: impl FnOnce() -> bool) {
        let has = |state: State| reports.iter().any(|r| r.fields.values().any(|f| f.state == state));
        let mut drifted = Some(drifted);
        for condition in self.asked.clone() {
            let occurs = match condition {
                FailOn::Unknown => has(State::Unknown),
                FailOn::Absent => has(State::Absent),
                FailOn::Drift => drifted.take().is_some_and(|d| d()),
                FailOn::Failed => false,
            };
            if occurs {
                self.counts.entry(name(condition)).or_default().push(repo.to_string());
            }
        }
    }

    /// Whether any condition was asked for.
    pub fn asked(&self) -> bool {
        !self.asked.is_empty()
    }

    /// Records a repository that could not be scanned.
    pub fn failed(&mut self, repo: &str) {
        if self.asked.contains(&FailOn::Failed) {
            self.counts
                .entry(name(FailOn::Failed))
                .or_default()
                .push(repo.to_string());
        }
    }

    /// What occurred, for stderr, with the first repositories named (`--fail-on unknown: 3
    /// repositories (api, web, jobs)`), or `None`.
    pub fn message(&self) -> Option<String> {
        if self.counts.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(condition, repos)| {
                const NAMED: usize = 5;
                let n = repos.len();
                let noun = if n == 1 { "repository" } else { "repositories" };
                let mut named: Vec<String> = repos.iter().take(NAMED).map(|r| one_line(r).into_owned()).collect();
                if n > NAMED {
                    named.push(format!("… {} more", n - NAMED));
                }
                format!("--fail-on {condition}: {n} {noun} ({})", named.join(", "))
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

/// Whether the agent files of the repository at `repo` drifted from `report`, its scan (doctor's
/// check, without repairs). A repository without agent files has not.
pub fn drifted(registry: &archprompt::detect::Registry, repo: &Path, report: &Report) -> bool {
    let files = archprompt::doctor::default_files(repo);
    let same = |root: &Path| std::path::absolute(root).ok() == std::path::absolute(repo).ok();
    // Agent files of a sub-project are checked against that project's own scan.
    let scan = |root: &Path| {
        if same(root) {
            Ok(report.clone())
        } else {
            archprompt::scan_with(registry, root)
        }
    };
    !files.is_empty() && drift(&archprompt::doctor::check(&files, scan, false))
}

/// An agent file behind the repository: a value, directory or task a fresh scan no longer
/// finds, broken encoding, or a placeholder a fresh scan can now fill.
fn drift(findings: &Findings) -> bool {
    findings.status() == DoctorStatus::Drift || findings.placeholders.iter().any(|p| p.fillable)
}

fn name(condition: FailOn) -> &'static str {
    match condition {
        FailOn::Unknown => "unknown",
        FailOn::Absent => "absent",
        FailOn::Drift => "drift",
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
        absent_only.trip("r", &[&report], || true);
        absent_only.failed("gone");
        assert_eq!(absent_only.message(), None);
        // Asked twice, counted once.
        let mut unknown = Tripped::new(&[FailOn::Unknown, FailOn::Failed, FailOn::Unknown]);
        unknown.trip("r", &[&report], || true);
        unknown.failed("gone");
        unknown.failed("lost");
        assert_eq!(
            unknown.message().as_deref(),
            Some("--fail-on failed: 2 repositories (gone, lost); --fail-on unknown: 1 repository (r)")
        );
        // Drift is asked only when it was given.
        let mut drift = Tripped::new(&[FailOn::Drift]);
        drift.trip("r", &[&report], || false);
        assert_eq!(drift.message(), None);
        drift.trip("r", &[&report], || true);
        assert_eq!(drift.message().as_deref(), Some("--fail-on drift: 1 repository (r)"));
        let mut not_asked = Tripped::new(&[FailOn::Unknown]);
        not_asked.trip("r", &[], || panic!("drift was not asked"));
    }
}
