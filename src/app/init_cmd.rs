//! `archprompt init`: render the template for each agent target and write it, for one
//! repository or many.

use super::cli::InitArgs;
use super::output;
use super::progress::{BulkState, Progress, finish_bulk, threads};
use super::rows::{InitLine, InitStatus, line};
use super::style::{one_line, shown};
use super::ui::{Ui, out, repo_paths};
use anyhow::Result;
use archprompt::bulk::Panicked;
use archprompt::profile::agent_file;
use archprompt::profile::templates;
use archprompt::profile::write::{self, Outcome, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(mut args: InitArgs, ui: Ui) -> Result<ExitCode> {
    let (paths, bulk) = repo_paths(std::mem::take(&mut args.paths), &args.list)?;
    if bulk {
        return init_many(&args, &paths, ui);
    }
    let path = paths.into_iter().next().unwrap_or_else(|| PathBuf::from("."));
    let registry = super::ui::registry()?;
    let report = archprompt::scan_project(registry, &path, args.project.as_deref())?;
    if let Some(root) = enclosing_repository(&path) {
        // A sub-project may want its own agent; most often the command was run one folder too deep.
        ui.note(&format!(
            "note: {} is inside the git repository {}; the agent files go under {} (for the repository's: archprompt init {})",
            shown(&path),
            root.display(),
            shown(&path),
            root.display()
        ));
    }
    let named = !args.template.is_empty();
    let templates = templates::resolve_all(&args.template, &path)?;
    let (targets, signs) = agent_file::pick_targets(&args.targets, &path);
    if templates.len() > 1 && (args.stdout || args.output.is_some()) {
        anyhow::bail!(
            "--stdout and --output take one agent file, and this would write one for each of {} templates; name one with --template",
            templates.len()
        );
    }
    if targets.len() > 1 && (args.stdout || args.output.is_some()) {
        let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
        anyhow::bail!(
            "--stdout and --output take one agent file, and this would write {} ({}); choose one with --target",
            targets.len(),
            names.join(", ")
        );
    }
    ui.warnings(&report);
    let implicit = templates[0].is_implicit_backend_profile(named);
    // The default backend profile would describe a server, database and migrations that are not
    // there: unless asked for (by name, --force, --stdout or --output), nothing is written.
    let asked = args.force || args.stdout || args.output.is_some();
    if let Some(why) = report.not_a_backend().filter(|_| !asked && implicit) {
        let repo = shown(&path);
        let verb = if args.dry_run { "would write" } else { "wrote" };
        out(&format!("{repo}: {}; {verb} nothing\n", one_line(why.why)))?;
        ui.note(&format!(
            "  the default template describes a backend; for this repository:\n  a facts-only profile: archprompt init {repo} --template project-facts\n  the backend profile anyway: archprompt init {repo} --force"
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if ui.verbose() {
        ui.note(&output::scan_table(&report, ui.err, true, None));
        for template in &templates {
            ui.note(&format!("template: {} ({})", template.name, template.describe_origin()));
        }
    }
    if !signs.is_empty() {
        let names: Vec<&str> = targets.iter().map(|t| t.as_str()).collect();
        ui.note(&format!(
            "writing for {} (the repository has {}); choose others with --target",
            names.join(", "),
            signs.join(", ")
        ));
    }
    let archprompt::profile::applies::Split {
        applying: templates,
        skipped,
    } = archprompt::profile::applies::split(templates, &report, every_template(&args, &path))?;
    for (template, why) in &skipped {
        ui.note(&format!(
            "{} does not apply here ({}); --all writes it anyway",
            template.name,
            one_line(why)
        ));
    }
    // The template as it is, unless an agent format was asked for or the file is the agent's.
    let raw = (args.stdout || args.output.is_some()) && args.targets.is_empty();
    let mut code = ExitCode::SUCCESS;
    // What archprompt wrote from each template, for the closing list.
    let mut written: Vec<(&str, String)> = Vec::new();
    for (template, target) in templates
        .iter()
        .flat_map(|t| targets.iter().map(move |&target| (t, target)))
    {
        let file = agent_file::prepare(&path, template, &report, target, args.output.as_deref(), raw)?;
        let shown = file.path.display().to_string();
        if args.stdout {
            out(&file.ours)?;
            written.push((&template.name, file.ours));
            continue;
        }
        if file.kept > 0 {
            ui.note(&format!(
                "kept {} value(s) of {shown} that the scan cannot find (filled in by hand, or found by an earlier scan)",
                file.kept
            ));
        }
        if !args.dry_run && write::is_git_ignored(&path, &file.path) {
            ui.note(&format!(
                "note: {shown} is ignored by the repository's .gitignore, so it will not be committed"
            ));
        }
        // A repository binds where the file may resolve to, also an --output file inside it; one
        // elsewhere is the user's.
        let bound = match &args.output {
            Some(output) if !write::is_in_repo(output, &path) => None,
            _ => Some(path.as_path()),
        };
        if args.dry_run {
            if let Some(repo) = bound {
                write::ensure_inside(&file.path, repo)?;
            }
            let within = args.output.as_ref().and_then(|o| o.parent()).unwrap_or(path.as_path());
            // As `init` would: a file changed since archprompt wrote it is left alone without --force.
            let overwrite = args.force || !file.overwrites;
            match write::plan(&file.path, &file.content, within)? {
                Plan::Create => out(&format!("would create {shown}:\n\n{}\n", file.content))?,
                Plan::Update { diff } if !overwrite => {
                    out(&format!(
                        "would leave {shown} unchanged: it differs from what archprompt would write (--force overwrites it):\n\n{}\n",
                        ui.out.diff(&diff)
                    ))?;
                    code = ExitCode::from(1);
                }
                Plan::Update { diff } => out(&format!("would update {shown}:\n\n{}\n", ui.out.diff(&diff)))?,
                Plan::UpToDate => out(&format!("{shown} is up to date; nothing would change\n"))?,
            }
        } else {
            match write::write(&file.path, &file.content, args.force || !file.overwrites, bound)? {
                Outcome::Created => out(&format!("created {shown}\n"))?,
                Outcome::Updated => out(&format!("updated {shown}\n"))?,
                Outcome::UpToDate => out(&format!("{shown} is up to date\n"))?,
                Outcome::Refused => {
                    let repo = path.display();
                    // An AGENTS.md section cannot become a template; the agents' own files can.
                    let accept = if target == archprompt::profile::targets::Target::AgentsMd {
                        String::new()
                    } else {
                        format!("\n  or keep your edits for good, for every agent:  archprompt doctor --accept {shown}")
                    };
                    let target = target.as_str();
                    ui.error(&format!(
                        "{shown} exists and differs from what archprompt would write; left unchanged"
                    ));
                    ui.note(&format!(
                        "  see the difference: archprompt init {repo} --target {target} --dry-run\n  overwrite it:       archprompt init {repo} --target {target} --force\n  or update only the values, keeping your edits (init still sees them): archprompt doctor {repo} --fix{accept}"
                    ));
                    code = ExitCode::from(1);
                }
            }
        }
        written.push((&template.name, file.ours));
    }
    match written.as_slice() {
        [] => {}
        [.., (_, content)] if templates.len() == 1 => ui.note(&output::unfilled(&report, content)),
        _ => ui.note(&output::unfilled_per_template(&report, &written)),
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
    let registry = super::ui::registry()?;
    let progress = Progress::new(paths.len(), "set up", ui);
    let started = std::time::Instant::now();
    let written_row = if args.dry_run { "would be written" } else { "written" };
    let state = BulkState::new(&[
        written_row,
        "up to date",
        "not a backend",
        "does not apply",
        "skipped",
        "with placeholders left",
        "failed",
    ]);
    let work = |path: &PathBuf| init_one(path, archprompt::scan_with(registry, path), args);
    let emit = |i: usize, result: Result<Result<Vec<InitResult>>, Panicked>, elapsed| {
        let path = &paths[i];
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        // A repository whose work panicked failed; the error line names it.
        let results = match result.unwrap_or_else(|panicked| Err(panicked.into())) {
            Ok(results) => results,
            Err(err) => vec![InitResult {
                status: InitStatus::Failed,
                file: None,
                left: Vec::new(),
                error: Some(format!("{err:#}")),
                why: None,
            }],
        };
        let mut rows = Vec::new();
        for r in &results {
            let row = match r.status {
                InitStatus::Created | InitStatus::Updated | InitStatus::WouldCreate | InitStatus::WouldUpdate => {
                    written_row
                }
                InitStatus::UpToDate => "up to date",
                InitStatus::Refused => "skipped",
                InitStatus::Failed => "failed",
                InitStatus::NotABackend => "not a backend",
                InitStatus::DoesNotApply => "does not apply",
            };
            if !rows.contains(&row) {
                rows.push(row);
            }
            if !r.left.is_empty() && !rows.contains(&"with placeholders left") {
                rows.push("with placeholders left");
            }
            let written = if args.json {
                progress.out(&line(&InitLine {
                    path: path.display().to_string(),
                    status: r.status,
                    file: r.file.as_ref().map(|f| f.display().to_string()),
                    placeholders: &r.left,
                    error: r.error.as_deref(),
                    why: r.why.as_deref(),
                }))
            } else {
                let shown = r.file.as_ref().map_or_else(|| shown(path), |f| shown(f));
                match &r.error {
                    Some(error) => {
                        let repo = path.display().to_string();
                        let error = if error.starts_with(&repo) {
                            one_line(error).into_owned()
                        } else {
                            format!("{}: {}", super::style::shown(path), one_line(error))
                        };
                        progress.err(&format!("{} {error}", ui.err.bad("error:")));
                        Ok(())
                    }
                    None if r.left.is_empty() => match &r.why {
                        Some(what) => progress.out(&format!("{:<18} {shown} ({})", r.status.as_str(), one_line(what))),
                        None => progress.out(&format!("{:<18} {shown}", r.status.as_str())),
                    },
                    None => {
                        let noun = if r.left.len() == 1 {
                            "placeholder"
                        } else {
                            "placeholders"
                        };
                        progress.out(&format!(
                            "{:<18} {shown} ({} {noun} left: {})",
                            r.status.as_str(),
                            r.left.len(),
                            one_line(&r.left.join(", "))
                        ))
                    }
                }
            };
            state.wrote(written);
        }
        state.tally.add(&shown(path), elapsed, &rows);
        progress.done_one(path);
    };
    archprompt::bulk::in_order(paths, threads(args.list.jobs), work, emit);
    let tally = finish_bulk(state, &progress, "set up", started.elapsed(), ui)?;
    if tally.count("not a backend") > 0 {
        ui.note(
            "not a backend: nothing written, since the default template describes a backend; a facts-only profile: --template project-facts; the backend profile anyway: --force",
        );
    }
    if tally.count("skipped") > 0 {
        ui.note(
            "skipped: agent files changed since archprompt wrote them; see what would change with --dry-run, overwrite with --force, or keep the edits for good with `archprompt doctor --accept FILE`",
        );
    }
    // Placeholders left are what archprompt cannot know, as in a single `init` (exit 0): a
    // nightly re-run of an up-to-date fleet passes; `doctor --fail-on unknown` checks them.
    let trouble = ["failed", "skipped"];
    Ok(if trouble.iter().any(|t| tally.count(t) > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One agent file of a bulk `init`.
struct InitResult {
    /// With `--dry-run` `would create` or `would update`; `failed` with `error`.
    status: InitStatus,
    file: Option<PathBuf>,
    /// The fields left as placeholders.
    left: Vec<String>,
    error: Option<String>,
    /// What the repository is instead of a backend, when nothing was written for that.
    why: Option<String>,
}

/// Whether every template is written whatever its `applies_when`: with `--all`, or when the
/// one template was named by itself (not a folder of them), as the user's own choice.
fn every_template(args: &InitArgs, repo: &Path) -> bool {
    let folder = args.template.iter().any(|spec| templates::is_folder(spec, repo));
    args.all || (args.template.len() <= 1 && !folder)
}

/// One repository of a bulk `init`: each of its targets' agent files planned or written.
fn init_one(repo: &Path, report: Result<archprompt::report::Report>, args: &InitArgs) -> Result<Vec<InitResult>> {
    let report = report?;
    let templates = templates::resolve_all(&args.template, repo)?;
    if let Some(why) = report
        .not_a_backend()
        .filter(|_| !args.force && templates[0].is_implicit_backend_profile(!args.template.is_empty()))
    {
        return Ok(vec![InitResult {
            status: InitStatus::NotABackend,
            file: None,
            left: Vec::new(),
            error: None,
            why: Some(why.what.to_string()),
        }]);
    }
    let (targets, _) = agent_file::pick_targets(&args.targets, repo);
    let archprompt::profile::applies::Split {
        applying: templates,
        skipped,
    } = archprompt::profile::applies::split(templates, &report, every_template(args, repo))?;
    let mut results: Vec<InitResult> = skipped
        .iter()
        .flat_map(|(template, why)| {
            targets.iter().map(move |target| InitResult {
                status: InitStatus::DoesNotApply,
                file: Some(repo.join(target.file(&templates::agent_name(template, &template.text)))),
                left: Vec::new(),
                error: None,
                why: Some(why.clone()),
            })
        })
        .collect();
    for (template, target) in templates
        .iter()
        .flat_map(|t| targets.iter().map(move |&target| (t, target)))
    {
        let result = (|| -> Result<InitResult> {
            let file = agent_file::prepare(repo, template, &report, target, None, false)?;
            let status = if args.dry_run {
                write::ensure_inside(&file.path, repo)?;
                match write::plan(&file.path, &file.content, repo)? {
                    Plan::Create => InitStatus::WouldCreate,
                    // As `init` would: a changed file is left alone without --force.
                    Plan::Update { .. } if !args.force && file.overwrites => InitStatus::Refused,
                    Plan::Update { .. } => InitStatus::WouldUpdate,
                    Plan::UpToDate => InitStatus::UpToDate,
                }
            } else {
                match write::write(&file.path, &file.content, args.force || !file.overwrites, Some(repo))? {
                    Outcome::Created => InitStatus::Created,
                    Outcome::Updated => InitStatus::Updated,
                    Outcome::UpToDate => InitStatus::UpToDate,
                    Outcome::Refused => InitStatus::Refused,
                }
            };
            Ok(InitResult {
                status,
                file: Some(file.path),
                left: file.left,
                error: None,
                why: None,
            })
        })();
        results.push(result.unwrap_or_else(|err| InitResult {
            status: InitStatus::Failed,
            file: Some(repo.join(target.file(&template.name))),
            left: Vec::new(),
            error: Some(format!("{err:#}")),
            why: None,
        }));
    }
    Ok(results)
}

/// The git repository `path` lies inside, when `path` is not its root.
fn enclosing_repository(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    if absolute.join(".git").exists() {
        return None;
    }
    absolute
        .ancestors()
        .skip(1)
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}
