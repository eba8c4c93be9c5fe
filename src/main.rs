//! The archprompt binary: parses arguments, runs a command, prints, maps results to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{Context, Result};
use archprompt::cli::{Cli, Command, DoctorArgs, InitArgs, RepoList, ScanArgs, TemplatesArgs, Verbosity};
use archprompt::init::{self, Outcome, Plan};
use archprompt::style::Style;
use archprompt::{doctor, output, templates};
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// How the run talks: how much it says on stderr, and whether each stream is coloured.
#[derive(Clone, Copy)]
struct Ui {
    verbosity: Verbosity,
    out: Style,
    err: Style,
}

impl Ui {
    fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// A message for people (hints, notes, summaries), left out with `-q`.
    fn note(&self, text: &str) {
        if !self.quiet() && !text.is_empty() {
            eprint!("{text}");
            if !text.ends_with('\n') {
                eprintln!();
            }
        }
    }

    fn warnings(&self, report: &archprompt::model::Report) {
        self.note(&output::warnings(report, self.err));
    }

    fn error(&self, text: &str) {
        eprintln!("{} {text}", self.err.bad("error:"));
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        verbosity: cli.verbosity(),
        out: Style::decide(cli.color, std::io::stdout().is_terminal()),
        err: Style::decide(cli.color, std::io::stderr().is_terminal()),
    };
    let result = match cli.command {
        Command::Init(args) => run_init(args, ui),
        Command::Doctor(args) => run_doctor(args, ui),
        Command::Scan(args) => run_scan(args, ui),
        Command::Templates(args) => run_templates(args),
        Command::Detectors => run_detectors(),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "archprompt", &mut text);
            out(&String::from_utf8_lossy(&text)).map(|_| ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .map_err(anyhow::Error::from)
                .and_then(|_| out(&String::from_utf8_lossy(&text)))
                .map(|_| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // The reader went away (`archprompt scan --json | head`): not an error of ours.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            ui.error(&format!("{err:#}"));
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
    // A typo in a directory or an empty list must not pass a CI check as "all ok". (One shard
    // of a short list may still be empty.)
    if paths.is_empty() {
        anyhow::bail!("no repositories to work on: the --from list is empty, or --discover found no git repository");
    }
    if let Some(shard) = list.shard {
        paths = archprompt::bulk::shard(paths, shard);
    }
    Ok((paths, bulk))
}

fn run_scan(args: ScanArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(args.paths, &args.list)?;
    if paths.len() == 1 && !bulk {
        let registry = archprompt::detect::Registry::builtin()?;
        let report = archprompt::scan_project(&registry, &paths[0], args.project.as_deref())?;
        if args.json {
            out(&format!("{}\n", serde_json::to_string_pretty(&report)?))?;
        } else {
            out(&output::scan_table(&report, ui.out, ui.verbose()))?;
        }
        ui.warnings(&report);
        return Ok(ExitCode::SUCCESS);
    }
    if args.project.is_some() {
        anyhow::bail!(
            "--project picks a project in one repository; {} were given",
            paths.len()
        );
    }
    scan_many(&paths, args.json, args.list.jobs, ui)
}

/// A progress bar on stderr for bulk runs, drawn only when stderr is a terminal; lines printed
/// during the run go above it.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    stdout_is_terminal: bool,
}

impl Progress {
    fn new(total: usize, verb: &str, ui: Ui) -> Progress {
        let bar = (std::io::stderr().is_terminal() && !ui.quiet()).then(|| {
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
    ui: Ui,
) -> Result<archprompt::bulk::Tally> {
    progress.finish();
    let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(err) = state.write_error {
        return Err(err.into());
    }
    ui.note(&state.tally.render(verb, took));
    Ok(state.tally)
}

/// Many repositories: parallel scans, JSON Lines or tables in input order (each printed as soon
/// as it and the ones before it are done), a summary table on stderr with the slowest
/// repositories, exit 1 when any repository could not be scanned.
fn scan_many(paths: &[PathBuf], json: bool, jobs: Option<usize>, ui: Ui) -> Result<ExitCode> {
    let registry = archprompt::detect::Registry::builtin()?;
    let progress = Progress::new(paths.len(), "scanned", ui);
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
                    if !ui.quiet() {
                        for w in &report.warnings {
                            let warning = ui.err.warn("warning:");
                            progress.err(&format!("{warning} {}: {}: {}", report.root, w.file, w.message));
                        }
                    }
                    progress.out(&output::scan_table(report, ui.out, ui.verbose()))
                }
            }
            Err(err) => {
                rows.push("failed");
                progress.err(&format!("{} {err:#}", ui.err.bad("error:")));
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
    let tally = finish_bulk(state, &progress, "scanned", started.elapsed(), ui)?;
    Ok(if tally.count("failed") > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_init(mut args: InitArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(std::mem::take(&mut args.paths), &args.list)?;
    if bulk {
        return init_many(&args, &paths, ui);
    }
    let path = paths.into_iter().next().unwrap_or_else(|| PathBuf::from("."));
    let registry = archprompt::detect::Registry::builtin()?;
    let report = archprompt::scan_project(&registry, &path, args.project.as_deref())?;
    let template = templates::resolve(args.template.as_deref(), &path)?;
    let (targets, signs) = init::pick_targets(&args.targets, &path);
    if targets.len() > 1 && (args.stdout || args.output.is_some()) {
        let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
        anyhow::bail!(
            "--stdout and --output take one agent file, and this would write {} ({}); choose one with --target",
            targets.len(),
            names.join(", ")
        );
    }
    ui.warnings(&report);
    if ui.verbose() {
        ui.note(&output::scan_table(&report, ui.err, true));
        ui.note(&format!("template: {} ({})", template.name, template.describe_origin()));
    }
    if !signs.is_empty() {
        let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
        ui.note(&format!(
            "writing for {} (the repository has {}); choose others with --target",
            names.join(", "),
            signs.join(", ")
        ));
    }
    // The template as it is, unless an agent format was asked for or the file is the agent's.
    let raw = (args.stdout || args.output.is_some()) && args.targets.is_empty();
    let mut code = ExitCode::SUCCESS;
    let mut last_left: Option<String> = None;
    for target in targets {
        let file = init::prepare(&path, &template, &report, target, args.output.as_deref(), raw)?;
        let shown = file.path.display().to_string();
        if args.stdout {
            out(&file.ours)?;
            last_left = Some(file.ours);
            continue;
        }
        if file.kept > 0 {
            ui.note(&format!(
                "kept {} value(s) of {shown} that the scan cannot find (filled in by hand, or found by an earlier scan)",
                file.kept
            ));
        }
        if !args.dry_run && archprompt::init::is_git_ignored(&path, &file.path) {
            ui.note(&format!(
                "note: {shown} is ignored by the repository's .gitignore, so it will not be committed"
            ));
        }
        if args.dry_run {
            let within = args.output.as_ref().and_then(|o| o.parent()).unwrap_or(path.as_path());
            match init::plan(&file.path, &file.content, within)? {
                Plan::Create => out(&format!("would create {shown}:\n\n{}\n", file.content))?,
                Plan::Update { diff } => out(&format!("would update {shown}:\n\n{}\n", ui.out.diff(&diff)))?,
                Plan::UpToDate => out(&format!("{shown} is up to date; nothing would change\n"))?,
            }
        } else {
            // A repository binds where the file may resolve to; an --output file is the user's.
            let bound = args.output.is_none().then_some(path.as_path());
            match init::write(&file.path, &file.content, args.force || !file.overwrites, bound)? {
                Outcome::Created => out(&format!("created {shown}\n"))?,
                Outcome::Updated => out(&format!("updated {shown}\n"))?,
                Outcome::UpToDate => out(&format!("{shown} is up to date\n"))?,
                Outcome::Refused => {
                    let repo = path.display();
                    let target = target.as_str();
                    ui.error(&format!(
                        "{shown} exists and differs from what archprompt would write; left unchanged"
                    ));
                    ui.note(&format!(
                        "  see the difference: archprompt init {repo} --target {target} --dry-run\n  overwrite it:       archprompt init {repo} --target {target} --force\n  or update only the values, keeping your edits: archprompt doctor {repo} --fix"
                    ));
                    code = ExitCode::from(1);
                }
            }
        }
        last_left = Some(file.ours);
    }
    if let Some(content) = last_left {
        ui.note(&output::unfilled(&report, &content));
    }
    Ok(code)
}

/// `init` over many repositories: each scanned, planned and written on a worker thread as in
/// single mode (`--dry-run` writes nothing, a changed file needs `--force`), one line per agent
/// file in input order (JSON Lines with `--json`), then a summary table. Exit 1 when any
/// repository was skipped, failed or kept placeholders.
fn init_many(args: &InitArgs, paths: &[PathBuf], ui: Ui) -> Result<ExitCode> {
    if args.stdout || args.output.is_some() || args.project.is_some() {
        anyhow::bail!(
            "--stdout, --output and --project take one repository; {} were given",
            paths.len()
        );
    }
    let registry = archprompt::detect::Registry::builtin()?;
    let progress = Progress::new(paths.len(), "set up", ui);
    let started = std::time::Instant::now();
    let written_row = if args.dry_run { "would be written" } else { "written" };
    let state = BulkState::new(&[written_row, "up to date", "skipped", "with placeholders left", "failed"]);
    let work = |path: &PathBuf| init_one(path, archprompt::scan_with(&registry, path), args);
    let emit = |i: usize, result: Result<Vec<InitResult>>, elapsed| {
        let path = &paths[i];
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let results = match result {
            Ok(results) => results,
            Err(err) => vec![InitResult {
                status: "failed",
                file: None,
                left: Vec::new(),
                error: Some(format!("{err:#}")),
            }],
        };
        let mut rows = Vec::new();
        for r in &results {
            let row = match r.status {
                "created" | "updated" | "would create" | "would update" => written_row,
                "up to date" => "up to date",
                "refused" => "skipped",
                _ => "failed",
            };
            if !rows.contains(&row) {
                rows.push(row);
            }
            if !r.left.is_empty() && !rows.contains(&"with placeholders left") {
                rows.push("with placeholders left");
            }
            let written = if args.json {
                let line = serde_json::json!({
                    "path": path.display().to_string(),
                    "status": r.status,
                    "file": r.file.as_ref().map(|f| f.display().to_string()),
                    "placeholders": r.left,
                    "error": r.error,
                });
                progress.out(&line.to_string())
            } else {
                let shown = r
                    .file
                    .as_ref()
                    .map_or_else(|| path.display().to_string(), |f| f.display().to_string());
                match &r.error {
                    Some(error) => {
                        let repo = path.display().to_string();
                        let error = if error.starts_with(&repo) {
                            error.clone()
                        } else {
                            format!("{repo}: {error}")
                        };
                        progress.err(&format!("{} {error}", ui.err.bad("error:")));
                        Ok(())
                    }
                    None if r.left.is_empty() => progress.out(&format!("{:<18} {shown}", r.status)),
                    None => {
                        let noun = if r.left.len() == 1 {
                            "placeholder"
                        } else {
                            "placeholders"
                        };
                        progress.out(&format!(
                            "{:<18} {shown} ({} {noun} left: {})",
                            r.status,
                            r.left.len(),
                            r.left.join(", ")
                        ))
                    }
                }
            };
            state.wrote(written);
        }
        state.tally.add(&path.display().to_string(), elapsed, &rows);
        progress.done_one(path);
    };
    archprompt::bulk::in_order(paths, threads(args.list.jobs), work, emit);
    let tally = finish_bulk(state, &progress, "set up", started.elapsed(), ui)?;
    if tally.count("skipped") > 0 {
        ui.note(
            "skipped: agent files changed since archprompt wrote them; see what would change with --dry-run, overwrite with --force",
        );
    }
    let trouble = ["failed", "skipped", "with placeholders left"];
    Ok(if trouble.iter().any(|t| tally.count(t) > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One agent file of a bulk `init`.
struct InitResult {
    /// `created`, `updated`, `up to date`, `refused`, with `--dry-run` `would create` or
    /// `would update`; `failed` with `error`.
    status: &'static str,
    file: Option<PathBuf>,
    /// The fields left as placeholders.
    left: Vec<String>,
    error: Option<String>,
}

/// One repository of a bulk `init`: each of its targets' agent files planned or written.
fn init_one(repo: &Path, report: Result<archprompt::model::Report>, args: &InitArgs) -> Result<Vec<InitResult>> {
    let report = report?;
    let template = templates::resolve(args.template.as_deref(), repo)?;
    let (targets, _) = init::pick_targets(&args.targets, repo);
    let mut results = Vec::new();
    for target in targets {
        let result = (|| -> Result<InitResult> {
            let file = init::prepare(repo, &template, &report, target, None, false)?;
            let status = if args.dry_run {
                match init::plan(&file.path, &file.content, repo)? {
                    Plan::Create => "would create",
                    Plan::Update { .. } => "would update",
                    Plan::UpToDate => "up to date",
                }
            } else {
                match init::write(&file.path, &file.content, args.force || !file.overwrites, Some(repo))? {
                    Outcome::Created => "created",
                    Outcome::Updated => "updated",
                    Outcome::UpToDate => "up to date",
                    Outcome::Refused => "refused",
                }
            };
            Ok(InitResult {
                status,
                file: Some(file.path),
                left: file.left,
                error: None,
            })
        })();
        results.push(result.unwrap_or_else(|err| InitResult {
            status: "failed",
            file: Some(repo.join(target.file(&template.name))),
            left: Vec::new(),
            error: Some(format!("{err:#}")),
        }));
    }
    Ok(results)
}

fn run_doctor(args: DoctorArgs, ui: Ui) -> Result<ExitCode> {
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
    let registry = archprompt::detect::Registry::builtin()?;
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
        Some(doctor::check(
            &files,
            |root| archprompt::scan_with(&registry, root),
            fix,
        ))
    };
    let emit = |i: usize, findings: Option<doctor::Findings>, elapsed| {
        let repo = &paths[i];
        let shown = repo.display().to_string();
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        let status = findings.as_ref().map_or("missing", |f| f.status());
        let row = match status {
            "missing" => "without an agent file",
            "failed" => "failed",
            "placeholders" => "with placeholders left",
            "drift" => "drifted",
            _ => "ok",
        };
        let written = if json {
            let mut line = serde_json::json!({
                "path": shown,
                "status": status,
                "files_checked": [],
                "placeholders": null,
                "error": findings.as_ref().and_then(|f| f.errors.first()),
            });
            if let (Some(f), Some(object)) = (&findings, line.as_object_mut()) {
                if let Ok(serde_json::Value::Object(all)) = serde_json::to_value(f) {
                    for (key, value) in all.into_iter().filter(|(k, _)| k != "errors") {
                        object.insert(key, value);
                    }
                }
            }
            progress.out(&line.to_string())
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
            progress.out(&format!("{status:<13} {shown}: {detail}"))
        };
        state.wrote(written);
        state.tally.add(&shown, elapsed, &[row]);
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

/// `archprompt templates`: each template `--template NAME` can name, where it comes from, the
/// agent file it writes for Copilot, and the variables it uses.
fn run_templates(args: TemplatesArgs) -> Result<ExitCode> {
    let repo = args.path.unwrap_or_else(|| PathBuf::from("."));
    if !repo.is_dir() {
        anyhow::bail!("{}: not a directory", repo.display());
    }
    let found = templates::available(&repo);
    if args.json {
        let list: Vec<serde_json::Value> = found
            .iter()
            .map(|t| {
                serde_json::json!({
                    "name": t.name,
                    "origin": t.describe_origin(),
                    "variables": templates::variables(&t.text),
                })
            })
            .collect();
        out(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for t in &found {
        let vars = templates::variables(&t.text);
        text.push_str(&format!(
            "{}  ({})\n  variables: {}\n",
            t.name,
            t.describe_origin(),
            vars.join(", ")
        ));
    }
    text.push_str(&format!(
        "\nUse one with `archprompt init --template NAME`; add your own as {}/NAME.md.\n",
        templates::REPO_DIR
    ));
    out(&text)?;
    Ok(ExitCode::SUCCESS)
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
