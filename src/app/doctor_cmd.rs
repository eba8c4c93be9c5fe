//! `archprompt doctor`: check agent files for one repository or file list, or for many
//! repositories in parallel, and print the findings.

use super::cli::DoctorArgs;
use super::output;
use super::progress::{BulkState, Progress, finish_bulk, threads};
use super::rows::{Checked, DoctorLine, FindingLists, line};
use super::style::one_line;
use super::ui::{Ui, out, repo_paths};
use anyhow::Result;
use archprompt::bulk::Panicked;
use archprompt::doctor::{self, DoctorStatus};
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: DoctorArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, _) = repo_paths(args.paths, &args.list)?;
    if args.list.is_bulk() {
        return doctor_many(&paths, args.json, args.fix, args.list.jobs, ui);
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        if path.is_dir() {
            let found = doctor::default_files(path);
            if found.is_empty() {
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
    let mut findings = doctor::check(&files, archprompt::scan, args.fix);
    findings.errors.splice(0..0, errors);
    if args.json {
        out(&format!("{}\n", serde_json::to_string_pretty(&findings)?))?;
    } else {
        out(&output::doctor_text(&findings, ui.out, args.fix, ui.verbosity))?;
    }
    for error in &findings.errors {
        ui.error(error);
    }
    Ok(if !findings.errors.is_empty() {
        ExitCode::from(2)
    } else if findings.problems() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `doctor` over a repository list (`--from`, `--discover`, `--shard`): each repository's agent
/// files checked on a worker thread, one line per repository in input order (`ok`,
/// `placeholders`, `drift`, `missing` when it has no agent file, `failed`), then a summary
/// table. Exit 1 when any repository is not `ok`.
fn doctor_many(paths: &[PathBuf], json: bool, fix: bool, jobs: Option<usize>, ui: Ui) -> Result<ExitCode> {
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
        let files = if repo.is_dir() {
            doctor::default_files(repo)
        } else {
            vec![repo.clone()]
        };
        if files.is_empty() {
            return None;
        }
        Some(doctor::check(&files, |root| archprompt::scan_with(registry, root), fix))
    };
    let emit = |i: usize, findings: Result<Option<doctor::Findings>, Panicked>, elapsed| {
        let repo = &paths[i];
        let shown = repo.display().to_string();
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        // A repository whose check panicked failed, with the panic as its error.
        let findings = findings.unwrap_or_else(|panicked| {
            Some(doctor::Findings {
                errors: vec![format!("{shown}: {panicked}")],
                ..Default::default()
            })
        });
        let status = findings.as_ref().map_or(DoctorStatus::Missing, |f| f.status());
        let row = match status {
            DoctorStatus::Missing => "without an agent file",
            DoctorStatus::Failed => "failed",
            DoctorStatus::Placeholders => "with placeholders left",
            DoctorStatus::Drift => "drifted",
            DoctorStatus::Ok => "ok",
        };
        let written = if json {
            let checked = match &findings {
                Some(f) => Checked::Files(FindingLists::of(f)),
                None => Checked::Nothing {
                    files_checked: [],
                    placeholders: None,
                },
            };
            progress.out(&line(&DoctorLine {
                path: &shown,
                status,
                error: findings.as_ref().and_then(|f| f.errors.first()).map(String::as_str),
                checked,
            }))
        } else {
            let detail = match &findings {
                None => "no agent file; run `archprompt init` there".to_string(),
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
    archprompt::bulk::in_order(paths, threads(jobs), work, emit);
    let tally = finish_bulk(state, &progress, "checked", started.elapsed(), ui)?;
    Ok(if tally.count("ok") == paths.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
