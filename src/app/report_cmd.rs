//! `archprompt report`: many repositories scanned in parallel into one table (Markdown, CSV or
//! JSON) with its counts, written to standard output or a file; `--fail-on` for CI.

use super::cli::{ReportArgs, ReportFormat};
use super::fail_on::Tripped;
use super::progress::{Progress, threads};
use super::ui::{Ui, out, repo_paths};
use anyhow::{Context, Result};
use archprompt::report::fleet::Fleet;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

pub fn run(args: ReportArgs, ui: Ui) -> Result<ExitCode> {
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(file)) => format_of(file)?,
        (None, None) => ReportFormat::Markdown,
    };
    let (paths, _) = repo_paths(args.paths, &args.list)?;
    let registry = super::ui::registry()?;
    let progress = Progress::new(paths.len(), "scanned", ui);
    let started = std::time::Instant::now();
    let state = Mutex::new((Fleet::new(), Tripped::new(&args.fail_on)));
    let emit = |i: usize, scanned: archprompt::Scanned| {
        let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
        let (fleet, tripped) = &mut *guard;
        let shown = paths[i].display().to_string();
        match &scanned.report {
            Ok(report) => {
                fleet.add_report(&shown, report);
                tripped.report(report);
            }
            Err(err) => {
                fleet.add_failure(&shown, &format!("{err:#}"));
                tripped.failed();
            }
        }
        progress.done_one(&paths[i]);
    };
    archprompt::scan_each(registry, &paths, threads(args.list.jobs), &emit);
    progress.finish();
    let (fleet, tripped) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let text = super::fleet_out::render(&fleet, format)?;
    match &args.output {
        Some(file) => write_file(file, &text)?,
        None => out(&text)?,
    }
    let counts = &fleet.counts;
    let to = args
        .output
        .as_ref()
        .map_or(String::new(), |f| format!(" to {}", f.display()));
    ui.note(&format!(
        "reported {} repositories ({} failed) in {:.1}s{to}",
        counts.repositories,
        counts.failed,
        started.elapsed().as_secs_f64()
    ));
    if let Some(message) = tripped.message() {
        ui.error(&message);
    }
    Ok(tripped.exit(ExitCode::SUCCESS))
}

/// The format an output file's extension names.
fn format_of(file: &Path) -> Result<ReportFormat> {
    let ext = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown") => Ok(ReportFormat::Markdown),
        Some("csv") => Ok(ReportFormat::Csv),
        Some("json") => Ok(ReportFormat::Json),
        _ => anyhow::bail!(
            "{}: cannot tell the format from the extension; use .md, .csv or .json, or --format",
            file.display()
        ),
    }
}

/// Writes the report through a temporary file and a rename, so a reader never sees half of it.
fn write_file(file: &Path, text: &str) -> Result<()> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    archprompt::fs::atomic_write(file, dir, text.as_bytes()).with_context(|| format!("cannot write {}", file.display()))
}
