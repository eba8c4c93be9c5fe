//! The archprompt binary: parses arguments, runs a command, prints, maps results to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{Context, Result};
use archprompt::cli::{Cli, Command, DoctorArgs, InitArgs, RepoList, ScanArgs};
use archprompt::init::{self, Outcome, Plan};
use archprompt::{doctor, output, render};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => run_init(args),
        Command::Doctor(args) => run_doctor(args),
        Command::Scan(args) => run_scan(args),
        Command::Detectors => run_detectors(),
    };
    match result {
        Ok(code) => code,
        // The reader went away (`archprompt scan --json | head`): not an error of ours.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Writes to standard output, reporting failures (a closed pipe) instead of panicking.
fn out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// The repositories a command runs on: its paths, then each `--from` list and `--discover`ed
/// directory, then one `--shard`; `.` when none is given. Also whether it is a bulk run.
fn repo_paths(mut paths: Vec<PathBuf>, list: &RepoList) -> Result<(Vec<PathBuf>, bool)> {
    if let Some(file) = &list.from_file {
        let text = if file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("cannot read paths from standard input")?
        } else {
            std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
        };
        paths.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(PathBuf::from));
    }
    for dir in &list.discover {
        let found = archprompt::bulk::discover(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        paths.extend(found);
    }
    let bulk = list.is_bulk() || paths.len() > 1;
    if paths.is_empty() && !bulk {
        paths.push(PathBuf::from("."));
    }
    if let Some(shard) = list.shard {
        paths = archprompt::bulk::shard(paths, shard);
    }
    Ok((paths, bulk))
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(args.paths, &args.list)?;
    if paths.len() == 1 && !bulk {
        let registry = archprompt::detect::Registry::builtin()?;
        let report = archprompt::scan_project(&registry, &paths[0], args.project.as_deref())?;
        if args.json {
            out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
        } else {
            out(&output::scan_table(&report))?;
        }
        eprint!("{}", output::warnings(&report));
        return Ok(ExitCode::SUCCESS);
    }
    if args.project.is_some() {
        anyhow::bail!(
            "--project picks a project in one repository; {} were given",
            paths.len()
        );
    }
    scan_many(&paths, args.json, args.list.jobs)
}

/// Counts and timings of a bulk scan, kept while its reports stream out.
#[derive(Default)]
struct BulkScan {
    backends: usize,
    with_unknown: usize,
    failed: usize,
    elapsed: Vec<(usize, std::time::Duration)>,
    write_error: Option<std::io::Error>,
}

/// Many repositories: parallel scans, JSON Lines or tables in input order (each printed as soon
/// as it and the ones before it are done), a summary on stderr with the slowest repositories,
/// exit 1 when any repository could not be scanned.
fn scan_many(paths: &[PathBuf], json: bool, jobs: Option<usize>) -> Result<ExitCode> {
    use std::io::{IsTerminal, Write};
    let registry = archprompt::detect::Registry::builtin()?;
    let threads = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let total = paths.len();
    let show_progress = std::io::stderr().is_terminal() && !std::io::stdout().is_terminal();
    let started = std::time::Instant::now();
    let state = std::sync::Mutex::new(BulkScan::default());
    let emit = |i: usize, scanned: archprompt::Scanned| {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.elapsed.push((i, scanned.elapsed));
        let shown = paths[i].display().to_string();
        let mut out = std::io::stdout().lock();
        let written = match &scanned.report {
            Ok(report) => {
                state.backends += usize::from(report.backend_dir.is_some());
                let unknown = report.unknown_fields().len();
                state.with_unknown += usize::from(unknown > 0);
                if json {
                    // The single-repository contract, plus where it came from and how it went.
                    let mut line = serde_json::to_value(report).unwrap_or_default();
                    if let Some(object) = line.as_object_mut() {
                        object.insert("path".into(), shown.into());
                        let status = if unknown > 0 { "placeholders" } else { "ok" };
                        object.insert("status".into(), status.into());
                        object.insert("error".into(), serde_json::Value::Null);
                    }
                    writeln!(out, "{line}")
                } else {
                    for w in &report.warnings {
                        eprintln!("warning: {}: {}: {}", report.root, w.file, w.message);
                    }
                    writeln!(out, "{}", output::scan_table(report))
                }
            }
            Err(err) => {
                state.failed += 1;
                eprintln!("error: {err:#}");
                if json {
                    let line = serde_json::json!({
                        "root": shown,
                        "path": shown,
                        "status": "failed",
                        "error": format!("{err:#}"),
                    });
                    writeln!(out, "{line}")
                } else {
                    Ok(())
                }
            }
        };
        if let (Err(err), None) = (written, &state.write_error) {
            state.write_error = Some(err);
        }
        if show_progress {
            eprint!("\rscanned {}/{total}", i + 1);
            let _ = std::io::stderr().flush();
        }
    };
    archprompt::scan_each(&registry, paths, threads, &emit);
    if show_progress {
        eprint!("\r");
    }
    let mut state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(err) = state.write_error {
        return Err(err.into());
    }
    eprintln!(
        "scanned {total} repositories in {:.2} s: {} with a backend, {} with unknown fields, {} failed",
        started.elapsed().as_secs_f64(),
        state.backends,
        state.with_unknown,
        state.failed
    );
    state.elapsed.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
    if total > 3 {
        let names: Vec<String> = state
            .elapsed
            .iter()
            .take(3)
            .map(|(i, d)| format!("{} {:.0} ms", paths[*i].display(), d.as_secs_f64() * 1000.0))
            .collect();
        eprintln!("slowest: {}", names.join(", "));
    }
    Ok(if state.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_init(mut args: InitArgs) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(std::mem::take(&mut args.paths), &args.list)?;
    if bulk {
        return init_many(&args, &paths);
    }
    let path = paths.into_iter().next().unwrap_or_else(|| PathBuf::from("."));
    let registry = archprompt::detect::Registry::builtin()?;
    let report = archprompt::scan_project(&registry, &path, args.project.as_deref())?;
    let template = match &args.template {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("cannot read template {}", path.display()))?
        }
        None => render::DEFAULT_TEMPLATE.to_string(),
    };
    let content = render::render(&template, &report)?;
    eprint!("{}", output::warnings(&report));
    if args.stdout {
        out(&content)?;
        eprint!("{}", output::unfilled(&report, &content));
        return Ok(ExitCode::SUCCESS);
    }
    let (target, repo_bound): (PathBuf, Option<&Path>) = match &args.output {
        Some(file) => (file.clone(), None),
        None => (path.join(init::DEFAULT_AGENT_FILE), Some(path.as_path())),
    };
    // Values a person filled in where archprompt left a placeholder are never thrown away.
    let existing = std::fs::read_to_string(&target).ok();
    let (content, kept) = match &existing {
        Some(old) => init::keep_hand_filled(&content, old, &report.unknown_fields()),
        None => (content, 0),
    };
    if kept > 0 {
        eprintln!("kept {kept} value(s) filled in by hand in {}", target.display());
    }
    let shown = target.display();
    if args.dry_run {
        match init::plan(&target, &content)? {
            Plan::Create => out(&format!("would create {shown}:\n\n{content}\n"))?,
            Plan::Update { diff } => out(&format!("would update {shown}:\n\n{diff}\n"))?,
            Plan::UpToDate => out(&format!("{shown} is up to date; nothing would change\n"))?,
        }
        eprint!("{}", output::unfilled(&report, &content));
        return Ok(ExitCode::SUCCESS);
    }
    let code = match init::write(&target, &content, args.force, repo_bound)? {
        Outcome::Created => {
            out(&format!("created {shown}\n"))?;
            ExitCode::SUCCESS
        }
        Outcome::Updated => {
            out(&format!("updated {shown}\n"))?;
            ExitCode::SUCCESS
        }
        Outcome::UpToDate => {
            out(&format!("{shown} is up to date\n"))?;
            ExitCode::SUCCESS
        }
        Outcome::Refused => {
            let path = path.display();
            eprintln!("error: {shown} exists and differs from what archprompt would write; left unchanged");
            eprintln!("  see the difference: archprompt init {path} --dry-run");
            eprintln!("  overwrite it:       archprompt init {path} --force");
            ExitCode::from(1)
        }
    };
    eprint!("{}", output::unfilled(&report, &content));
    Ok(code)
}

/// `init` over many repositories: scanned in parallel, then each agent file planned and written
/// as in single mode (`--dry-run` writes nothing, a changed file needs `--force`), one line per
/// repository (JSON Lines with `--json`) and a summary. Exit 1 when any repository was refused,
/// failed or kept placeholders.
fn init_many(args: &InitArgs, paths: &[PathBuf]) -> Result<ExitCode> {
    use std::io::Write;
    if args.stdout || args.output.is_some() || args.project.is_some() {
        anyhow::bail!(
            "--stdout, --output and --project take one repository; {} were given",
            paths.len()
        );
    }
    let template = match &args.template {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("cannot read template {}", path.display()))?
        }
        None => render::DEFAULT_TEMPLATE.to_string(),
    };
    let registry = archprompt::detect::Registry::builtin()?;
    let threads = args
        .list
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
    let started = std::time::Instant::now();
    let results = archprompt::scan_many(&registry, paths, threads);
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut out = std::io::stdout().lock();
    for (path, scanned) in paths.iter().zip(results) {
        let (status, file, error, left) = match init_one(&template, path, scanned.report, args) {
            Ok((status, file, left)) => (status, Some(file), None, left),
            Err(err) => ("failed", None, Some(format!("{err:#}")), Vec::new()),
        };
        *counts.entry(status).or_default() += 1;
        if !left.is_empty() {
            *counts.entry("with placeholders left").or_default() += 1;
        }
        if args.json {
            let line = serde_json::json!({
                "path": path.display().to_string(),
                "status": status,
                "file": file.as_ref().map(|f| f.display().to_string()),
                "placeholders": left,
                "error": error,
            });
            writeln!(out, "{line}")?;
        } else {
            let shown = file
                .as_ref()
                .map_or_else(|| path.display().to_string(), |f| f.display().to_string());
            match &error {
                Some(error) => eprintln!("error: {}: {error}", path.display()),
                None if left.is_empty() => writeln!(out, "{status:<18} {shown}")?,
                None => {
                    let noun = if left.len() == 1 { "placeholder" } else { "placeholders" };
                    writeln!(
                        out,
                        "{status:<18} {shown} ({} {noun} left: {})",
                        left.len(),
                        left.join(", ")
                    )?
                }
            }
        }
    }
    let summary: Vec<String> = counts.iter().map(|(status, n)| format!("{n} {status}")).collect();
    eprintln!(
        "{} repositories in {:.2} s: {}",
        paths.len(),
        started.elapsed().as_secs_f64(),
        if summary.is_empty() {
            "none".to_string()
        } else {
            summary.join(", ")
        }
    );
    let trouble = ["failed", "refused", "with placeholders left"];
    Ok(if trouble.iter().any(|t| counts.contains_key(t)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One repository of a bulk `init`: its status (`created`, `updated`, `up to date`, `refused`,
/// or with `--dry-run` `would create`, `would update`), the agent file, and the fields left as
/// placeholders.
fn init_one(
    template: &str,
    repo: &Path,
    report: Result<archprompt::model::Report>,
    args: &InitArgs,
) -> Result<(&'static str, PathBuf, Vec<String>)> {
    let report = report?;
    let content = render::render(template, &report)?;
    let target = repo.join(init::DEFAULT_AGENT_FILE);
    let existing = std::fs::read_to_string(&target).ok();
    let content = match &existing {
        Some(old) => init::keep_hand_filled(&content, old, &report.unknown_fields()).0,
        None => content,
    };
    let left: Vec<String> = report
        .unknown_fields()
        .iter()
        .filter(|f| content.contains(&format!("{{{{{f}}}}}")))
        .map(|f| f.to_string())
        .collect();
    let status = if args.dry_run {
        match init::plan(&target, &content)? {
            Plan::Create => "would create",
            Plan::Update { .. } => "would update",
            Plan::UpToDate => "up to date",
        }
    } else {
        match init::write(&target, &content, args.force, Some(repo))? {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::UpToDate => "up to date",
            Outcome::Refused => "refused",
        }
    };
    Ok((status, target, left))
}

fn run_doctor(args: DoctorArgs) -> Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        if path.is_dir() {
            let found = doctor::default_files(path);
            if found.is_empty() {
                errors.push(format!(
                    "{}: no agent files to check (looked for {} and *.md under .github/agents/, .claude/agents/); run `archprompt init` first",
                    path.display(),
                    init::DEFAULT_AGENT_FILE
                ));
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    let mut findings = doctor::check(&files, archprompt::scan);
    findings.errors.splice(0..0, errors);
    if args.json {
        out(&format!("{}\n", serde_json::to_string_pretty(&findings)?))?;
    } else {
        out(&output::doctor_text(&findings))?;
    }
    for error in &findings.errors {
        eprintln!("error: {error}");
    }
    Ok(if !findings.errors.is_empty() {
        ExitCode::from(2)
    } else if !findings.placeholders.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_detectors() -> Result<ExitCode> {
    let registry = archprompt::detect::Registry::builtin()?;
    let width = registry.detectors.iter().map(|d| d.id.len()).max().unwrap_or(0);
    let mut text = String::new();
    for d in &registry.detectors {
        let eco = d.ecosystem.map(|e| e.as_str()).unwrap_or("any");
        text.push_str(&format!(
            "{:<width$}  {:<11}  {:<6}  {}\n",
            d.id,
            d.kind.as_str(),
            eco,
            d.name
        ));
    }
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}
