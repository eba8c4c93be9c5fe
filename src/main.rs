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

/// A progress bar on stderr for bulk runs, drawn only when stderr is a terminal; lines printed
/// during the run go above it.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    stdout_is_terminal: bool,
}

impl Progress {
    fn new(total: usize, verb: &str) -> Progress {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = indicatif::ProgressStyle::with_template(&format!(
                "{{bar:30}} {{pos}}/{{len}} {verb} {{elapsed}} {{wide_msg}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            indicatif::ProgressBar::new(total as u64).with_style(style)
        });
        Progress {
            bar,
            stdout_is_terminal: std::io::stdout().is_terminal(),
        }
    }

    /// Writes a line to standard output, above the bar when both share the terminal.
    fn out(&self, line: &str) -> std::io::Result<()> {
        use std::io::Write;
        let write = || writeln!(std::io::stdout().lock(), "{line}");
        match &self.bar {
            Some(bar) if self.stdout_is_terminal => bar.suspend(write),
            _ => write(),
        }
    }

    /// Writes a line to standard error, above the bar.
    fn err(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    fn done_one(&self, repo: &Path) {
        if let Some(bar) = &self.bar {
            bar.set_message(repo.display().to_string());
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// What a bulk run keeps while its results stream out: the tally, and the first failure to
/// write standard output (a closed pipe), which ends the run with an error.
struct BulkState {
    tally: archprompt::bulk::Tally,
    write_error: Option<std::io::Error>,
}

impl BulkState {
    fn new(rows: &[&'static str]) -> std::sync::Mutex<BulkState> {
        std::sync::Mutex::new(BulkState {
            tally: archprompt::bulk::Tally::new(rows),
            write_error: None,
        })
    }

    fn wrote(&mut self, result: std::io::Result<()>) {
        if let (Err(err), None) = (result, &self.write_error) {
            self.write_error = Some(err);
        }
    }
}

/// Prints the summary table (or returns the write error that cut the run short).
fn finish_bulk(
    state: std::sync::Mutex<BulkState>,
    progress: &Progress,
    verb: &str,
    took: std::time::Duration,
) -> Result<archprompt::bulk::Tally> {
    progress.finish();
    let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(err) = state.write_error {
        return Err(err.into());
    }
    eprint!("{}", state.tally.render(verb, took));
    Ok(state.tally)
}

/// Many repositories: parallel scans, JSON Lines or tables in input order (each printed as soon
/// as it and the ones before it are done), a summary table on stderr with the slowest
/// repositories, exit 1 when any repository could not be scanned.
fn scan_many(paths: &[PathBuf], json: bool, jobs: Option<usize>) -> Result<ExitCode> {
    let registry = archprompt::detect::Registry::builtin()?;
    let progress = Progress::new(paths.len(), "scanned");
    let started = std::time::Instant::now();
    let state = BulkState::new(&["with a backend", "with placeholders left", "failed"]);
    let emit = |i: usize, scanned: archprompt::Scanned| {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let shown = paths[i].display().to_string();
        let mut rows = Vec::new();
        let written = match &scanned.report {
            Ok(report) => {
                if report.backend_dir.is_some() {
                    rows.push("with a backend");
                }
                let unknown = report.unknown_fields().len();
                if unknown > 0 {
                    rows.push("with placeholders left");
                }
                if json {
                    // The single-repository contract, plus where it came from and how it went.
                    let mut line = serde_json::to_value(report).unwrap_or_default();
                    if let Some(object) = line.as_object_mut() {
                        object.insert("path".into(), shown.clone().into());
                        let status = if unknown > 0 { "placeholders" } else { "ok" };
                        object.insert("status".into(), status.into());
                        object.insert("error".into(), serde_json::Value::Null);
                    }
                    progress.out(&line.to_string())
                } else {
                    for w in &report.warnings {
                        progress.err(&format!("warning: {}: {}: {}", report.root, w.file, w.message));
                    }
                    progress.out(&output::scan_table(report))
                }
            }
            Err(err) => {
                rows.push("failed");
                progress.err(&format!("error: {err:#}"));
                if json {
                    let line = serde_json::json!({
                        "root": shown,
                        "path": shown,
                        "status": "failed",
                        "error": format!("{err:#}"),
                    });
                    progress.out(&line.to_string())
                } else {
                    Ok(())
                }
            }
        };
        state.wrote(written);
        state.tally.add(&shown, scanned.elapsed, &rows);
        progress.done_one(&paths[i]);
    };
    archprompt::scan_each(&registry, paths, threads(jobs), &emit);
    let tally = finish_bulk(state, &progress, "scanned", started.elapsed())?;
    Ok(if tally.count("failed") > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The template `--template` names, else the bundled one.
fn template_text(path: Option<&Path>) -> Result<String> {
    match path {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("cannot read template {}", path.display())),
        None => Ok(render::DEFAULT_TEMPLATE.to_string()),
    }
}

fn run_init(mut args: InitArgs) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(std::mem::take(&mut args.paths), &args.list)?;
    if bulk {
        return init_many(&args, &paths);
    }
    let path = paths.into_iter().next().unwrap_or_else(|| PathBuf::from("."));
    let registry = archprompt::detect::Registry::builtin()?;
    let report = archprompt::scan_project(&registry, &path, args.project.as_deref())?;
    let template = template_text(args.template.as_deref())?;
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

/// `init` over many repositories: each scanned, planned and written on a worker thread as in
/// single mode (`--dry-run` writes nothing, a changed file needs `--force`), one line per
/// repository in input order (JSON Lines with `--json`), then a summary table. Exit 1 when any
/// repository was skipped, failed or kept placeholders.
fn init_many(args: &InitArgs, paths: &[PathBuf]) -> Result<ExitCode> {
    if args.stdout || args.output.is_some() || args.project.is_some() {
        anyhow::bail!(
            "--stdout, --output and --project take one repository; {} were given",
            paths.len()
        );
    }
    let template = template_text(args.template.as_deref())?;
    let registry = archprompt::detect::Registry::builtin()?;
    let progress = Progress::new(paths.len(), "set up");
    let started = std::time::Instant::now();
    let written_row = if args.dry_run { "would be written" } else { "written" };
    let state = BulkState::new(&[written_row, "up to date", "skipped", "with placeholders left", "failed"]);
    let work = |path: &PathBuf| init_one(&template, path, archprompt::scan_with(&registry, path), args);
    let emit = |i: usize, result: Result<(&'static str, PathBuf, Vec<String>)>, elapsed| {
        let path = &paths[i];
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let (status, file, error, left) = match result {
            Ok((status, file, left)) => (status, Some(file), None, left),
            Err(err) => ("failed", None, Some(format!("{err:#}")), Vec::new()),
        };
        let mut rows = vec![match status {
            "created" | "updated" | "would create" | "would update" => written_row,
            "up to date" => "up to date",
            "refused" => "skipped",
            _ => "failed",
        }];
        if !left.is_empty() {
            rows.push("with placeholders left");
        }
        let written = if args.json {
            let line = serde_json::json!({
                "path": path.display().to_string(),
                "status": status,
                "file": file.as_ref().map(|f| f.display().to_string()),
                "placeholders": left,
                "error": error,
            });
            progress.out(&line.to_string())
        } else {
            let shown = file
                .as_ref()
                .map_or_else(|| path.display().to_string(), |f| f.display().to_string());
            match &error {
                Some(error) => {
                    let shown = path.display().to_string();
                    if error.starts_with(&shown) {
                        progress.err(&format!("error: {error}"));
                    } else {
                        progress.err(&format!("error: {shown}: {error}"));
                    }
                    Ok(())
                }
                None if left.is_empty() => progress.out(&format!("{status:<18} {shown}")),
                None => {
                    let noun = if left.len() == 1 { "placeholder" } else { "placeholders" };
                    progress.out(&format!(
                        "{status:<18} {shown} ({} {noun} left: {})",
                        left.len(),
                        left.join(", ")
                    ))
                }
            }
        };
        state.wrote(written);
        state.tally.add(&path.display().to_string(), elapsed, &rows);
        progress.done_one(path);
    };
    archprompt::bulk::in_order(paths, threads(args.list.jobs), work, emit);
    let tally = finish_bulk(state, &progress, "set up", started.elapsed())?;
    if tally.count("skipped") > 0 {
        eprintln!(
            "skipped: agent files changed since archprompt wrote them; see what would change with --dry-run, overwrite with --force"
        );
    }
    let trouble = ["failed", "skipped", "with placeholders left"];
    Ok(if trouble.iter().any(|t| tally.count(t) > 0) {
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
    let (paths, _) = repo_paths(args.paths, &args.list)?;
    if args.list.is_bulk() {
        return doctor_many(&paths, args.json, args.list.jobs);
    }
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

/// `doctor` over a repository list (`--from`, `--discover`, `--shard`): each repository's agent
/// files checked on a worker thread, one line per repository in input order (`ok`,
/// `placeholders`, `missing` when it has no agent file, `failed`), then a summary table. Exit 1
/// when any repository is not `ok`.
fn doctor_many(paths: &[PathBuf], json: bool, jobs: Option<usize>) -> Result<ExitCode> {
    let registry = archprompt::detect::Registry::builtin()?;
    let progress = Progress::new(paths.len(), "checked");
    let started = std::time::Instant::now();
    let state = BulkState::new(&["ok", "with placeholders left", "without an agent file", "failed"]);
    let work = |repo: &PathBuf| {
        let files = if repo.is_dir() {
            doctor::default_files(repo)
        } else {
            vec![repo.clone()]
        };
        if files.is_empty() {
            return None;
        }
        Some(doctor::check(&files, |root| archprompt::scan_with(&registry, root)))
    };
    let emit = |i: usize, findings: Option<doctor::Findings>, elapsed| {
        let repo = &paths[i];
        let shown = repo.display().to_string();
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let (status, row) = match &findings {
            None => ("missing", "without an agent file"),
            Some(f) if !f.errors.is_empty() => ("failed", "failed"),
            Some(f) if !f.placeholders.is_empty() => ("placeholders", "with placeholders left"),
            Some(_) => ("ok", "ok"),
        };
        let written = if json {
            let line = serde_json::json!({
                "path": shown,
                "status": status,
                "files_checked": findings.as_ref().map(|f| f.files_checked.clone()).unwrap_or_default(),
                "placeholders": findings.as_ref().map(|f| &f.placeholders),
                "error": findings.as_ref().and_then(|f| f.errors.first()),
            });
            progress.out(&line.to_string())
        } else {
            let detail = match &findings {
                None => "no agent file; run `archprompt init` there".to_string(),
                Some(f) if !f.errors.is_empty() => f.errors.join("; "),
                Some(f) if !f.placeholders.is_empty() => {
                    let mut names: Vec<&str> = f.placeholders.iter().map(|p| p.placeholder.as_str()).collect();
                    names.dedup();
                    format!("{} left: {}", f.placeholders.len(), names.join(", "))
                }
                Some(f) => format!("{} file(s) complete", f.files_checked.len()),
            };
            progress.out(&format!("{status:<13} {shown}: {detail}"))
        };
        state.wrote(written);
        state.tally.add(&shown, elapsed, &[row]);
        progress.done_one(repo);
    };
    archprompt::bulk::in_order(paths, threads(jobs), work, emit);
    let tally = finish_bulk(state, &progress, "checked", started.elapsed())?;
    Ok(if tally.count("ok") == paths.len() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
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
