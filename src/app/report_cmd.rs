//! `archprompt report`: many repositories scanned in parallel into one table (Markdown, CSV,
//! JSON or HTML) with its counts, written to standard output or a file; `--fail-on` for CI.

use super::cli::{FailOn, ReportArgs, ReportFormat};
use super::fail_on::Tripped;
use super::progress::{Progress, threads};
use super::ui::{Ui, out, repo_paths};
use anyhow::Result;
use archprompt::report::fleet::Fleet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

pub fn run(args: ReportArgs, ui: Ui) -> Result<ExitCode> {
    let format = match (args.format, &args.output) {
        (Some(format), _) => format,
        (None, Some(file)) => format_of(file)?,
        (None, None) => ReportFormat::Markdown,
    };
    // Where the report goes is checked before the scan, not after minutes of it.
    let output = args.output.as_deref().map(output_file).transpose()?;
    let (paths, _) = repo_paths(args.paths, &args.list)?;
    let registry = super::ui::registry()?;
    let progress = Progress::new(paths.len(), "scanned", ui);
    let started = std::time::Instant::now();
    let state = Mutex::new((Fleet::new(), Tripped::new(&args.fail_on)));
    let asks_drift = args.fail_on.contains(&FailOn::Drift);
    let emit = |i: usize, scanned: archprompt::Scanned| {
        // Checked before the lock: doctor's check reads and renders the agent files.
        let drifted = match &scanned.report {
            Ok(report) => asks_drift && super::fail_on::drifted(registry, &paths[i], report),
            Err(_) => false,
        };
        let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
        let (fleet, tripped) = &mut *guard;
        let shown = paths[i].display().to_string();
        match &scanned.report {
            Ok(report) => {
                fleet.add_report(&shown, report);
                tripped.report(&shown, report, || drifted);
            }
            Err(err) => {
                fleet.add_failure(&shown, &format!("{err:#}"));
                tripped.failed(&shown);
            }
        }
        progress.done_one(&paths[i]);
    };
    archprompt::scan_each(registry, &paths, threads(args.list.jobs), &emit);
    progress.finish();
    let (fleet, tripped) = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let text = super::fleet_out::render(&fleet, format)?;
    match &output {
        Some((file, dir)) => archprompt::fs::atomic_write(file, dir, text.as_bytes())?,
        None => out(&text)?,
    }
    let counts = &fleet.counts;
    let to = args
        .output
        .as_ref()
        .map_or(String::new(), |f| format!(" to {}", f.display()));
    ui.note(&format!(
        "reported {} {} ({} failed) in {:.1}s{to}",
        counts.repositories,
        if counts.repositories == 1 {
            "repository"
        } else {
            "repositories"
        },
        counts.failed,
        started.elapsed().as_secs_f64()
    ));
    if let Some(message) = tripped.message() {
        ui.error(&message);
    }
    // Like a bulk scan: a repository that could not be scanned makes the run exit 1.
    let otherwise = if counts.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    Ok(tripped.exit(otherwise))
}

/// The format an output file's extension names.
fn format_of(file: &Path) -> Result<ReportFormat> {
    let ext = file.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("md" | "markdown") => Ok(ReportFormat::Markdown),
        Some("csv") => Ok(ReportFormat::Csv),
        Some("json") => Ok(ReportFormat::Json),
        Some("html" | "htm") => Ok(ReportFormat::Html),
        _ => anyhow::bail!(
            "{}: cannot tell the format from the extension; use .md, .csv, .json or .html, or --format",
            file.display()
        ),
    }
}

/// The file the report is written to and the directory its temporary file goes in, checked
/// before the scan: the directory must exist, the path must not be a directory, and it must not
/// be a symlink (one planted in a scanned repository could point anywhere; `init` refuses the
/// same).
fn output_file(file: &Path) -> Result<(PathBuf, PathBuf)> {
    if std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink()) {
        anyhow::bail!(
            "{} is a symlink; refusing to write through it (name the file it points to)",
            file.display()
        );
    }
    let target = file.to_path_buf();
    if target.is_dir() {
        anyhow::bail!(
            "{}: is a directory; name a file (report.md, report.csv, report.json, report.html)",
            file.display()
        );
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        anyhow::bail!("{}: cannot write: no directory {}", file.display(), dir.display());
    }
    Ok((target, dir))
}
