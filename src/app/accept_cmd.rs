//! `archprompt doctor --accept`: keep the edits in agent files for good. Each file becomes its
//! repository's template, then the file (its record) and the agent's other files that still hold
//! exactly what archprompt wrote are rendered from it, so the edit reaches every agent and `init`
//! no longer refuses.

use super::ui::{Ui, out};
use anyhow::{Context, Result, bail};
use archprompt::doctor;
use archprompt::profile::accept::template_from;
use archprompt::profile::agent_file::prepare;
use archprompt::profile::targets::Target;
use archprompt::profile::templates::{self, Origin, Template};
use archprompt::profile::write::{self, Outcome, Plan};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(paths: &[PathBuf], ui: Ui) -> Result<ExitCode> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            // AGENTS.md sections cannot be accepted: a repository's own agent files can.
            let found: Vec<PathBuf> = doctor::default_files(path)
                .into_iter()
                .filter(|f| f.file_name().is_none_or(|n| n != "AGENTS.md"))
                .collect();
            if found.is_empty() {
                ui.error(&format!(
                    "{}: no agent file to accept (looked under .github/agents/, .claude/agents/ and .cursor/rules/)",
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
    for file in &files {
        match accept(file) {
            Ok(lines) => out(&lines.iter().map(|l| format!("{l}\n")).collect::<String>())?,
            Err(err) => {
                ui.error(&format!("{err:#}"));
                code = ExitCode::from(2);
            }
        }
    }
    Ok(code)
}

/// Accepts the edits in `file`: what was done, one line each.
fn accept(file: &Path) -> Result<Vec<String>> {
    let shown = file.display().to_string();
    let absolute = std::path::absolute(file).with_context(|| format!("{shown}: cannot resolve the path"))?;
    let Some((target, name)) = Target::of_file(&absolute) else {
        if absolute.file_name().is_some_and(|n| n == "AGENTS.md") {
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
    // A team's own template with conditions would lose them to the accepted text.
    if template.origin != Origin::Bundled && template.text.contains("{{#") {
        bail!(
            "{shown}: its template {} has conditions ({{{{#if}}}}, …) that accepting would flatten; make the edit there instead",
            template.describe_origin()
        );
    }
    let derived = template_from(&text, target, &template, &report, &name).with_context(|| shown.clone())?;
    let written = prepare(&repo, &template, &report, target, None, false)?;
    if written.content == text {
        return Ok(vec![format!(
            "{shown}: no edits to accept; it is what archprompt writes"
        )]);
    }
    let place = match &template.origin {
        Origin::Repository(path) => path.clone(),
        _ => repo.join(templates::REPO_DIR).join(format!("{}.md", template.name)),
    };
    write::ensure_inside(&place, &repo)?;
    std::fs::create_dir_all(place.parent().unwrap_or(&repo))
        .with_context(|| format!("cannot create {}", place.parent().unwrap_or(&repo).display()))?;
    write::write(&place, &derived, true, Some(&repo))?;
    // The repository's own paths, as a team reads them in a commit.
    let inside = |path: &Path| path.strip_prefix(&repo).unwrap_or(path).display().to_string();
    let mut lines = vec![format!("{shown}: its edits are the template {} now", inside(&place))];
    let accepted = Template {
        name: template.name.clone(),
        origin: Origin::Repository(place),
        text: derived,
    };
    for other in Target::ALL {
        let fresh = prepare(&repo, &accepted, &report, other, None, false)?;
        let exists = fresh.path.is_file();
        let path = inside(&fresh.path);
        if other == target {
            // Only its record changes: a value typed by hand is no longer archprompt's.
            write::write(&fresh.path, &fresh.content, true, Some(&repo))?;
            continue;
        }
        if !exists {
            continue;
        }
        // Another agent's file takes the edit only where it holds exactly what archprompt wrote.
        let before = prepare(&repo, &template, &report, other, None, false)?;
        match write::plan(&before.path, &before.content, &repo)? {
            Plan::UpToDate => match write::write(&fresh.path, &fresh.content, true, Some(&repo))? {
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
