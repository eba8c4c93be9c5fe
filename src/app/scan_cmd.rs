//! `archprompt scan`: one repository as a table or JSON, or many in parallel as JSON Lines.

use super::cli::{FailOn, ScanArgs};
use super::fail_on::Tripped;
use super::output;
use super::progress::{BulkState, Progress, finish_bulk, threads};
use super::rows::{ScanLine, ScanStatus, line};
use super::style::one_line;
use super::ui::{Ui, out, repo_paths};
use anyhow::Result;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(args: ScanArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(args.paths, &args.list)?;
    if paths.len() == 1 && !bulk {
        let registry = super::ui::registry()?;
        let report = archprompt::scan_project(registry, &paths[0], args.project.as_deref())?;
        if args.json {
            out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
        } else {
            out(&output::scan_table(
                &report,
                ui.out,
                ui.verbose(),
                output::terminal_width(),
            ))?;
        }
        ui.warnings(&report);
        let mut tripped = Tripped::new(&args.fail_on);
        let shown = paths[0].display().to_string();
        tripped.report(&shown, &report, || {
            super::fail_on::drifted(registry, &paths[0], &report)
        });
        if let Some(message) = tripped.message() {
            ui.error(&message);
        }
        return Ok(tripped.exit(ExitCode::SUCCESS));
    }
    if args.project.is_some() {
        anyhow::bail!(
            "--project picks a project in one repository; {} were given",
            paths.len()
        );
    }
    scan_many(&paths, args.json, args.list.jobs, &args.fail_on, ui)
}

/// Many repositories: parallel scans, JSON Lines or tables in input order (each printed as soon
/// as it and the ones before it are done), a summary table on stderr with the slowest
/// repositories, exit 1 when any repository could not be scanned or a `--fail-on` condition
/// occurred.
fn scan_many(paths: &[PathBuf], json: bool, jobs: Option<usize>, fail_on: &[FailOn], ui: Ui) -> Result<ExitCode> {
    let tripped = std::sync::Mutex::new(Tripped::new(fail_on));
    let registry = super::ui::registry()?;
    let progress = Progress::new(paths.len(), "scanned", ui);
    let started = std::time::Instant::now();
    let state = BulkState::new(&["with a backend", "with unknown fields", "with absent fields", "failed"]);
    let asks_drift = fail_on.contains(&FailOn::Drift);
    let emit = |i: usize, scanned: archprompt::Scanned| {
        // Checked before the locks: doctor's check reads and renders the agent files.
        let drifted = match &scanned.report {
            Ok(report) => asks_drift && super::fail_on::drifted(registry, &paths[i], report),
            Err(_) => false,
        };
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let shown = paths[i].display().to_string();
        let mut rows = Vec::new();
        let mut tripped = tripped.lock().unwrap_or_else(|e| e.into_inner());
        match &scanned.report {
            Ok(report) => tripped.report(&shown, report, || drifted),
            Err(_) => tripped.failed(&shown),
        }
        let written = match &scanned.report {
            Ok(report) => {
                if report.backend_dir.is_some() {
                    rows.push("with a backend");
                }
                // Unknown fields stay placeholders in an agent file; absent ones are claims of none.
                let unknown = report.unknown_fields().len();
                if unknown > 0 {
                    rows.push("with unknown fields");
                }
                if report
                    .fields
                    .values()
                    .any(|f| f.state == archprompt::report::State::Absent)
                {
                    rows.push("with absent fields");
                }
                if json {
                    // The single-repository contract, plus where it came from and how it went.
                    let status = if unknown > 0 {
                        ScanStatus::Placeholders
                    } else {
                        ScanStatus::Ok
                    };
                    progress.out(&line(&ScanLine {
                        report: Some(report),
                        root: None,
                        path: &shown,
                        status,
                        error: None,
                    }))
                } else {
                    if !ui.quiet() {
                        for w in &report.warnings {
                            let warning = ui.err.warn("warning:");
                            let (root, file, message) =
                                (one_line(&report.root), one_line(&w.file), one_line(&w.message));
                            progress.err(&format!("{warning} {root}: {file}: {message}"));
                        }
                    }
                    progress.out(&output::scan_table(
                        report,
                        ui.out,
                        ui.verbose(),
                        output::terminal_width(),
                    ))
                }
            }
            Err(err) => {
                rows.push("failed");
                progress.err(&format!("{} {}", ui.err.bad("error:"), one_line(&format!("{err:#}"))));
                if json {
                    progress.out(&line(&ScanLine {
                        report: None,
                        root: Some(&shown),
                        path: &shown,
                        status: ScanStatus::Failed,
                        error: Some(format!("{err:#}")),
                    }))
                } else {
                    Ok(())
                }
            }
        };
        state.wrote(written);
        state.tally.add(&shown, scanned.elapsed, &rows);
        progress.done_one(&paths[i]);
    };
    archprompt::scan_each(registry, paths, threads(jobs), &emit);
    let tally = finish_bulk(state, &progress, "scanned", started.elapsed(), ui)?;
    let tripped = tripped.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(message) = tripped.message() {
        ui.error(&message);
    }
    Ok(if tally.count("failed") > 0 {
        ExitCode::from(1)
    } else {
        tripped.exit(ExitCode::SUCCESS)
    })
}
