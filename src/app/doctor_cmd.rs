//! `archprompt doctor`: check agent files for one repository or file list, or for many
//! repositories in parallel, and print the findings.

use super::cli::DoctorArgs;
use super::fail_on::Tripped;
use super::output;
use super::progress::{BulkState, Progress, finish_bulk, threads};
use super::rows::{Checked, DoctorLine, FindingLists, line};
use super::style::one_line;
use super::ui::{Ui, out, repo_paths};
use anyhow::Result;
use archprompt::bulk::Panicked;
use archprompt::doctor::{self, DoctorStatus};
use archprompt::report::Report;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

pub fn run(mut args: DoctorArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, _) = repo_paths(std::mem::take(&mut args.paths), &args.list)?;
    if args.accept {
        if args.list.is_bulk() {
            anyhow::bail!("--accept takes agent files or repositories as arguments, not a repository list");
        }
        return super::accept_cmd::run(&paths, ui);
    }
    if args.list.is_bulk() {
        return doctor_many(&paths, &args, ui);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut without_agent_files = 0;
    for path in &paths {
        if path.is_dir() {
            let found = doctor::default_files(path);
            if found.is_empty() {
                without_agent_files += 1;
                errors.push(format!(
                    "{}: no agent files to check (looked for *.md under .github/agents/ and .claude/agents/, *.mdc under .cursor/rules/, and archprompt's section in AGENTS.md); run `archprompt init` first",
                    path.display(),
                ));
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    let scans = Scans::default();
    let mut findings = doctor::check(&files, |root| scans.scan(root, archprompt::scan(root)), args.fix);
    findings.errors.splice(0..0, errors);
    let missing = files.is_empty() && without_agent_files == paths.len();
    if args.json {
        // The shape of a bulk run's line: one path when one was given.
        let path = match &paths[..] {
            [one] => Some(one.display().to_string()),
            _ => None,
        };
        let row = doctor_line(path.as_deref(), (!missing).then_some(&findings), &findings.errors);
        out(&format!("{}\n", serde_json::to_string_pretty(&row)?))?;
    } else {
        out(&output::doctor_text(&findings, ui.out, args.fix, ui.verbosity))?;
    }
    for error in &findings.errors {
        ui.error(error);
    }
    // A path that does not exist or holds no agent file is a usage error, whatever is asked.
    if !findings.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    if !args.fail_on.is_empty() {
        let mut tripped = Tripped::new(&args.fail_on);
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        tripped.findings(&shown.join(", "), (!missing).then_some(&findings), &scans.taken());
        if let Some(message) = tripped.message() {
            ui.error(&message);
        }
        return Ok(tripped.exit(ExitCode::SUCCESS));
    }
    Ok(if findings.problems() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The scans doctor's check made, kept for `--fail-on unknown|absent`.
#[derive(Default)]
struct Scans(Mutex<Vec<Report>>);

impl Scans {
    fn scan(&self, _root: &std::path::Path, scanned: Result<Report>) -> Result<Report> {
        if let Ok(report) = &scanned {
            self.0.lock().unwrap_or_else(|e| e.into_inner()).push(report.clone());
        }
        scanned
    }

    fn taken(self) -> Vec<Report> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

/// One repository's findings as JSON, the same in single and bulk runs (`None`: it has no agent
/// file, and `missing` says why when a single run was asked for it).
fn doctor_line<'a>(
    path: Option<&'a str>,
    findings: Option<&'a doctor::Findings>,
    missing: &'a [String],
) -> DoctorLine<'a> {
    DoctorLine {
        path,
        status: findings.map_or(DoctorStatus::Missing, |f| f.status()),
        error: findings.map_or(missing, |f| &f.errors).first().map(String::as_str),
        checked: match findings {
            Some(f) => Checked::Files(FindingLists::of(f)),
            None => Checked::Nothing {
                files_checked: [],
                placeholders: None,
                errors: missing,
            },
        },
    }
}

/// `doctor` over a repository list (`--from`, `--discover`, `--shard`): each repository's agent
/// files checked on a worker thread, one line per repository in input order (`ok`,
/// `placeholders`, `drift`, `missing` when it has no agent file archprompt wrote, `failed`), then a summary
/// table. Exit 1 when any repository is not `ok`.
fn doctor_many(paths: &[PathBuf], args: &DoctorArgs, ui: Ui) -> Result<ExitCode> {
    let (json, fix) = (args.json, args.fix);
    let tripped = Mutex::new(Tripped::new(&args.fail_on));
    let registry = super::ui::registry()?;
    let progress = Progress::new(paths.len(), "checked", ui);
    let started = std::time::Instant::now();
    let state = BulkState::new(&[
        "ok",
        "with placeholders left",
        "drifted",
        "without an agent file",
        "failed",
    ]);
    let work = |repo: &PathBuf| {
        // A fleet's question is whether archprompt's files are right: a repository holding only
        // its team's own agents has none (`missing`), not `ok`.
        let files = if repo.is_dir() {
            let mut files = doctor::default_files(repo);
            files.retain(|f| doctor::written_by_archprompt(f, repo));
            files
        } else {
            vec![repo.clone()]
        };
        if files.is_empty() {
            return (None, Vec::new());
        }
        let scans = Scans::default();
        let findings = doctor::check(
            &files,
            |root| scans.scan(root, archprompt::scan_with(registry, root)),
            fix,
        );
        (Some(findings), scans.taken())
    };
    let emit = |i: usize, checked: Result<(Option<doctor::Findings>, Vec<Report>), Panicked>, elapsed| {
        let repo = &paths[i];
        let shown = repo.display().to_string();
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        // A repository whose check panicked failed, with the panic as its error.
        let (findings, reports) = checked.unwrap_or_else(|panicked| {
            let failed = doctor::Findings {
                errors: vec![format!("{shown}: {panicked}")],
                ..Default::default()
            };
            (Some(failed), Vec::new())
        });
        tripped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .findings(&shown, findings.as_ref(), &reports);
        let status = findings.as_ref().map_or(DoctorStatus::Missing, |f| f.status());
        let row = match status {
            DoctorStatus::Missing => "without an agent file",
            DoctorStatus::Failed => "failed",
            DoctorStatus::Placeholders => "with placeholders left",
            DoctorStatus::Drift => "drifted",
            DoctorStatus::Ok => "ok",
        };
        let written = if json {
            progress.out(&line(&doctor_line(Some(&shown), findings.as_ref(), &[])))
        } else {
            let detail = match &findings {
                None => "no agent file archprompt wrote; run `archprompt init` there".to_string(),
                Some(f) if !f.errors.is_empty() => f.errors.join("; "),
                Some(f) if f.problems() > 0 => {
                    let mut names: Vec<&str> = Vec::new();
                    for p in &f.placeholders {
                        if !names.contains(&p.placeholder.as_str()) {
                            names.push(&p.placeholder);
                        }
                    }
                    let mut parts = Vec::new();
                    if !names.is_empty() {
                        parts.push(format!("{} left: {}", f.placeholders.len(), names.join(", ")));
                    }
                    if !f.stale.is_empty() {
                        let stale: Vec<&str> = f.stale.iter().map(|s| s.field.as_str()).collect();
                        parts.push(format!("stale: {}", stale.join(", ")));
                    }
                    let missing = f.missing_paths.len() + f.missing_tasks.len();
                    if missing > 0 {
                        let noun = if missing == 1 {
                            "directory or task"
                        } else {
                            "directories or tasks"
                        };
                        parts.push(format!("{missing} missing {noun}"));
                    }
                    if !f.broken_encoding.is_empty() {
                        let lines = f.broken_encoding.len();
                        parts.push(format!(
                            "{lines} {} with broken encoding",
                            if lines == 1 { "line" } else { "lines" }
                        ));
                    }
                    parts.join("; ")
                }
                Some(f) => format!("{} agent file(s) checked, nothing to report", f.files_checked.len()),
            };
            let fixed = findings.as_ref().map_or(0, |f| f.fixed.len());
            let detail = if fixed > 0 {
                format!("{detail} (fixed {fixed} file(s))")
            } else {
                detail
            };
            progress.out(&format!(
                "{:<13} {}: {}",
                status.as_str(),
                one_line(&shown),
                one_line(&detail)
            ))
        };
        state.wrote(written);
        state.tally.add(&one_line(&shown), elapsed, &[row]);
        progress.done_one(repo);
    };
    archprompt::bulk::in_order(paths, threads(args.list.jobs), work, emit);
    let tally = finish_bulk(state, &progress, "checked", started.elapsed(), ui)?;
    let tripped = tripped.into_inner().unwrap_or_else(|e| e.into_inner());
    if tripped.asked() {
        if let Some(message) = tripped.message() {
            ui.error(&message);
        }
        return Ok(tripped.exit(ExitCode::SUCCESS));
    }
    Ok(if tally.count("ok") == paths.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
