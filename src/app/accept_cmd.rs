//! `archprompt doctor --accept`: keep the edits in agent files for good. Each file becomes its
//! repository's template, then the file (its record) and the agent's other files that still hold
//! exactly what archprompt wrote are rendered from it, so the edit reaches every agent and `init`
//! no longer refuses.

use super::ui::{Ui, out};
use anyhow::{Context, Result, bail};
use archprompt::doctor;
use archprompt::profile::accept::template_from;
use archprompt::profile::agent_file::prepare;
use archprompt::profile::syntax::split_front_matter;
use archprompt::profile::targets::{self, Target};
use archprompt::profile::templates::{self, Origin, Template};
use archprompt::profile::write::{self, Outcome, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], ui: Ui) -> Result<ExitCode> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            // The agent files archprompt wrote; AGENTS.md sections cannot be accepted, a team's
            // own agents are not archprompt's to take.
            let found: Vec<PathBuf> = doctor::default_files(path)
                .into_iter()
                .filter(|f| f.file_name().is_none_or(|n| n != targets::AGENTS_MD))
                .filter(|f| doctor::written_by_archprompt(f, &doctor::repo_of(f)))
                .collect();
            if found.is_empty() {
                ui.error(&format!(
                    "{}: no agent file archprompt wrote to accept (looked under .github/agents/, .claude/agents/ and .cursor/rules/)",
                    path.display()
                ));
                return Ok(ExitCode::from(2));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    let mut code = ExitCode::SUCCESS;
    let mut candidates = Vec::new();
    for file in &files {
        match candidate(file) {
            Ok(c) => candidates.push(c),
            Err(err) => {
                ui.error(&format!("{err:#}"));
                code = ExitCode::from(2);
            }
        }
    }
    // Two edited files of one agent would each become the template, the second undoing the
    // first: the user picks one.
    let key = |c: &Candidate| (c.repo.clone(), c.template.name.clone());
    for c in candidates.iter().filter(|c| c.edited) {
        let rivals: Vec<&str> = candidates
            .iter()
            .filter(|o| o.edited && key(o) == key(c) && o.shown != c.shown)
            .map(|o| o.shown.as_str())
            .collect();
        let result = if rivals.is_empty() {
            accept(c)
        } else {
            Err(anyhow::anyhow!(
                "{}: {} has edits of its own too; accept one of them (archprompt doctor --accept FILE), then make the other's edits in {}/{}.md",
                c.shown,
                rivals.join(", "),
                templates::REPO_DIR,
                c.template.name
            ))
        };
        match result {
            Ok(lines) => out(&lines.iter().map(|l| format!("{l}\n")).collect::<String>())?,
            Err(err) => {
                ui.error(&format!("{err:#}"));
                code = ExitCode::from(2);
            }
        }
    }
    for c in candidates.iter().filter(|c| !c.edited) {
        out(&format!(
            "{}: no edits to accept; it is what archprompt writes\n",
            c.shown
        ))?;
    }
    Ok(code)
}

/// An agent file to accept, with what accepting it needs.
struct Candidate {
    shown: String,
    /// The file, absolute.
    path: PathBuf,
    target: Target,
    name: String,
    repo: PathBuf,
    text: String,
    report: archprompt::report::Report,
    template: Template,
    /// Whether it differs from what archprompt writes from its template now.
    edited: bool,
}

/// Reads `file` and what it was written from, refusing what cannot be accepted.
fn candidate(file: &Path) -> Result<Candidate> {
    let shown = file.display().to_string();
    let absolute = std::path::absolute(file).with_context(|| format!("{shown}: cannot resolve the path"))?;
    let Some((target, name)) = Target::of_file(&absolute) else {
        if absolute.file_name().is_some_and(|n| n == targets::AGENTS_MD) {
            bail!(
                "{shown}: an AGENTS.md section cannot be accepted (its headings were shifted to fit the file); accept the agent's file under .github/agents/, .claude/agents/ or .cursor/rules/, or edit {}/NAME.md",
                templates::REPO_DIR
            );
        }
        bail!("{shown}: not an agent's file (under .github/agents/, .claude/agents/ or .cursor/rules/)");
    };
    let repo = doctor::repo_of(&absolute);
    let text = archprompt::fs::read_plain(&absolute, &repo).with_context(|| format!("{shown}: cannot read"))?;
    let report = archprompt::scan(&repo).with_context(|| format!("cannot scan {}", repo.display()))?;
    let Some(template) = templates::by_name(&name, &repo) else {
        bail!(
            "{shown}: no template is named {name} (bundled or in {}), so its edits cannot be told from its values",
            templates::REPO_DIR
        );
    };
    // A template with conditions would lose them to the accepted text.
    if template.text.contains("{{#") {
        bail!(
            "{shown}: its template {} has conditions ({{{{#if}}}}, …) that accepting would flatten; make the edit in {}/{}.md instead",
            template.describe_origin(),
            templates::REPO_DIR,
            template.name
        );
    }
    let written = prepare(&repo, &template, &report, target, None, false)?;
    let edited = written.content != text;
    // Front matter is each agent's own (Copilot's `tools`, Cursor's `alwaysApply`): it is not
    // carried into a template every agent shares, so an edit to it is refused, not lost.
    let front = |t: &str| split_front_matter(&t.replace("\r\n", "\n")).0.map(str::to_string);
    if edited && front(&text) != front(&written.content) {
        bail!(
            "{shown}: its front matter differs from what archprompt writes; front matter is each agent's own and not part of the template: put it in {}/{}.md's front matter, or accept after undoing it",
            templates::REPO_DIR,
            template.name
        );
    }
    Ok(Candidate {
        shown,
        path: absolute,
        target,
        name,
        repo,
        text,
        report,
        template,
        edited,
    })
}

/// Accepts the edits in an edited candidate: what was done, one line each.
fn accept(c: &Candidate) -> Result<Vec<String>> {
    let (template, report, repo, target) = (&c.template, &c.report, &c.repo, c.target);
    let derived = template_from(&c.text, target, template, report, &c.name).with_context(|| c.shown.clone())?;
    let place = match &template.origin {
        Origin::Repository(path) => path.clone(),
        _ => repo.join(templates::REPO_DIR).join(format!("{}.md", template.name)),
    };
    write::ensure_inside(&place, repo)?;
    std::fs::create_dir_all(place.parent().unwrap_or(repo))
        .with_context(|| format!("cannot create {}", place.parent().unwrap_or(repo).display()))?;
    write::write(&place, &derived, true, Some(repo))?;
    // The repository's own paths, as a team reads them in a commit.
    let inside = |path: &Path| path.strip_prefix(repo).unwrap_or(path).display().to_string();
    let mut lines = vec![format!(
        "{}: its edits are the template {} now",
        c.shown,
        inside(&place)
    )];
    let accepted = Template {
        name: template.name.clone(),
        origin: Origin::Repository(place),
        text: derived,
    };
    for other in Target::ALL {
        let fresh = prepare(repo, &accepted, report, other, None, false)?;
        let exists = fresh.path.is_file();
        let path = inside(&fresh.path);
        if other == target {
            // Only its record changes (a value typed by hand is no longer archprompt's), in the
            // file itself: a Copilot agent kept as NAME.md gets no NAME.agent.md beside it.
            write::write(&c.path, &fresh.content, true, Some(repo))?;
            continue;
        }
        // An AGENTS.md without this agent's section has nothing of it to update.
        if !exists || (other == Target::AgentsMd && !fresh.overwrites) {
            continue;
        }
        // Another agent's file takes the edit only where it holds exactly what archprompt wrote.
        let before = prepare(repo, template, report, other, None, false)?;
        match write::plan(&before.path, &before.content, repo)? {
            Plan::UpToDate => match write::write(&fresh.path, &fresh.content, true, Some(repo))? {
                Outcome::UpToDate => {}
                _ => lines.push(format!("  {path}: updated with the accepted text")),
            },
            _ => lines.push(format!(
                "  {path}: kept, it has edits of its own (see the accepted text: archprompt init {} --target {} --dry-run)",
                repo.display(),
                other.as_str()
            )),
        }
    }
    Ok(lines)
}
