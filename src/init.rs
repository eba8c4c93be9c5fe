//! `archprompt init`: render the agent file and write it safely. Writes are atomic (temp file +
//! rename), never clobber a changed file without `--force`, and never follow a symlink out of
//! the repository.

use anyhow::{Context, Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::Report;
use crate::targets::{self, Target};
use crate::templates::Template;

/// Where GitHub Copilot reads custom agents: the file of the default target and template.
pub const DEFAULT_AGENT_FILE: &str = ".github/agents/backend-architect.agent.md";

/// One agent file `init` would write: where, what, and whether writing it over the file that is
/// there needs `--force`.
#[derive(Debug)]
pub struct AgentFile {
    pub target: Target,
    pub path: PathBuf,
    /// The whole file as it would be written (for AGENTS.md: with the section spliced in).
    pub content: String,
    /// Values filled in by hand that were carried over into `content`.
    pub kept: usize,
    /// False when only archprompt's own part is new: an AGENTS.md without its section yet.
    pub overwrites: bool,
    /// archprompt's part of `content`: all of it, or for AGENTS.md the section.
    pub ours: String,
    /// Placeholders left in `ours`.
    pub left: Vec<String>,
}

/// The agent's name: the template's front-matter `name` when it has one, else the template's
/// name, as lowercase letters, digits and hyphens (Claude Code accepts no other).
pub fn agent_name(template: &Template, rendered: &str) -> String {
    let (front, _) = targets::split_front_matter(rendered);
    let declared = front
        .and_then(|f| serde_saphyr::from_str::<serde_json::Value>(f).ok())
        .and_then(|doc| doc.get("name")?.as_str().map(str::to_string));
    let raw = declared
        .filter(|n| !n.contains("{{"))
        .unwrap_or_else(|| template.name.clone());
    let mut slug = String::with_capacity(raw.len());
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_string();
    if slug.is_empty() { "agent".to_string() } else { slug }
}

/// Renders `template` for `target` and works out the file it goes to (`output`, else the
/// target's place in `repo`), carrying over values filled in by hand where archprompt would
/// leave a placeholder. With `raw`, the template is rendered as it is, in no agent's format
/// (for `--stdout` and `--output` without `--target`).
pub fn prepare(
    repo: &Path,
    template: &Template,
    report: &Report,
    target: Target,
    output: Option<&Path>,
    raw: bool,
) -> Result<AgentFile> {
    let rendered = crate::render::render(&template.text, report)?;
    let name = agent_name(template, &rendered);
    // An agent's file records what archprompt wrote, so doctor can tell edits from drift.
    let shaped = if raw {
        rendered
    } else {
        let shaped = targets::shape(target, &rendered, &name, report);
        // The record holds what doctor can read back: the values on the template's own lines.
        let skeleton = skeleton(template, report, target, &name)?;
        let record = crate::record::line_for(&crate::record::of_slots(&skeleton, &shaped));
        crate::record::insert(&shaped, target, &record)
    };
    let path = output.map_or_else(|| repo.join(target.file(&name)), Path::to_path_buf);
    // An --output file is the user's, wherever it is: bounded by its own directory.
    let within = match output.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) => Path::new("."),
        None => repo,
    };
    let existing = match crate::walk::read_plain(&path, within) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    // A file kept with Windows line ends gets them in archprompt's part too.
    let shaped = if existing.as_deref().is_some_and(targets::uses_crlf) {
        shaped.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        shaped
    };
    let unknown = report.unknown_fields();
    let (content, kept, overwrites, ours) = match (target, &existing) {
        (Target::AgentsMd, _) if !raw => {
            let old_section = match existing.as_deref() {
                Some(text) => targets::section(text, &name)
                    .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?
                    .map(|r| text[r].to_string()),
                None => None,
            };
            let (section, kept) = match &old_section {
                Some(old) => keep_hand_filled(&shaped, old, &unknown),
                None => (shaped, 0),
            };
            let content = targets::splice(existing.as_deref(), &name, &section);
            (content, kept, old_section.is_some(), section)
        }
        (_, Some(old)) => {
            let (content, kept) = keep_hand_filled(&shaped, old, &unknown);
            (content.clone(), kept, true, content)
        }
        (_, None) => (shaped.clone(), 0, false, shaped),
    };
    let left = unknown
        .iter()
        .filter(|f| ours.contains(&format!("{{{{{f}}}}}")))
        .map(|f| f.to_string())
        .collect();
    Ok(AgentFile {
        target,
        path,
        content,
        kept,
        overwrites,
        ours,
        left,
    })
}

/// The template rendered for `target` with every field left as `{{field}}`: the fixed text each
/// value sits in, to find the values in a file written from it ([`crate::drift::slots`]).
pub fn skeleton(template: &Template, report: &Report, target: Target, name: &str) -> Result<String> {
    let mut blank = report.clone();
    for field in blank.fields.values_mut() {
        field.state = crate::model::State::Unknown;
    }
    let rendered = crate::render::render(&template.text, &blank)?;
    Ok(targets::shape(target, &rendered, name, report))
}

/// Whether the repository's root `.gitignore` ignores `file` (a path inside `repo`).
pub fn is_git_ignored(repo: &Path, file: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(repo) else { return false };
    let mut builder = ignore::gitignore::GitignoreBuilder::new(repo);
    if builder.add(repo.join(".gitignore")).is_some() {
        return false;
    }
    builder
        .build()
        .is_ok_and(|ignore| ignore.matched_path_or_any_parents(rel, false).is_ignore())
}

/// The targets to write for `repo`: those asked for, else those the repository already uses
/// (with what shows each), else Copilot's.
pub fn pick_targets(asked: &[Target], repo: &Path) -> (Vec<Target>, Vec<&'static str>) {
    if !asked.is_empty() {
        let mut unique: Vec<Target> = Vec::new();
        for t in asked {
            if !unique.contains(t) {
                unique.push(*t);
            }
        }
        return (unique, Vec::new());
    }
    let used = targets::in_use(repo);
    if used.is_empty() {
        return (vec![Target::Copilot], Vec::new());
    }
    used.into_iter().unzip()
}

#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    UpToDate,
    /// The file exists with other content and `--force` was not given.
    Refused,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    Create,
    Update { diff: String },
    UpToDate,
}

/// Carries values a person filled in by hand into freshly rendered `content`: where `content`
/// still has `{{field}}` for one of `unfilled`, and `existing` has a line with the same text
/// around it ([`crate::drift::slots`]), the existing line's value is kept. Returns the merged
/// text and how many were kept.
pub fn keep_hand_filled(content: &str, existing: &str, unfilled: &[&str]) -> (String, usize) {
    let mut kept: Vec<(std::ops::Range<usize>, String)> = crate::drift::slots(content, existing)
        .into_iter()
        .filter(|slot| unfilled.contains(&slot.field.as_str()))
        .filter(|slot| !slot.value.trim().is_empty() && !slot.value.contains("{{"))
        .map(|slot| (slot.placeholder, slot.value))
        .collect();
    kept.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = content.to_string();
    for (range, value) in &kept {
        out.replace_range(range.clone(), value);
    }
    (out, kept.len())
}

/// What writing `content` to `target` would do. The file is read as [`crate::walk::read_plain`]
/// reads (a symlink only when it stays inside `within`), so a diff never shows another file.
pub fn plan(target: &Path, content: &str, within: &Path) -> Result<Plan> {
    match crate::walk::read_plain(target, within) {
        Ok(existing) if existing.as_bytes() == content.as_bytes() => Ok(Plan::UpToDate),
        Ok(old) => {
            let diff = similar::TextDiff::from_lines(old.as_str(), content)
                .unified_diff()
                .context_radius(2)
                .header(&target.display().to_string(), "archprompt")
                .to_string();
            Ok(Plan::Update { diff })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Plan::Create),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", target.display())),
    }
}

/// Writes `content` to `target` unless that would clobber a changed file without `force`.
/// `repo` bounds where a default target may resolve to through symlinked directories.
pub fn write(target: &Path, content: &str, force: bool, repo: Option<&Path>) -> Result<Outcome> {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let outcome = match plan(target, content, repo.unwrap_or(parent))? {
        Plan::UpToDate => return Ok(Outcome::UpToDate),
        Plan::Update { .. } if !force => return Ok(Outcome::Refused),
        Plan::Update { .. } => Outcome::Updated,
        Plan::Create => Outcome::Created,
    };
    if std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!("{} is a symlink; refusing to write through it", target.display());
    }
    // Check before creating anything: the deepest existing ancestor must resolve inside the repo.
    if let Some(repo) = repo {
        let existing = parent.ancestors().find(|a| a.exists()).unwrap_or(Path::new("."));
        let real = existing.canonicalize()?;
        let real_repo = repo.canonicalize()?;
        if !real.starts_with(&real_repo) {
            bail!(
                "{} resolves outside the repository ({}); refusing to write",
                existing.display(),
                real.display()
            );
        }
    }
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    atomic_write(target, parent, content.as_bytes())?;
    Ok(outcome)
}

fn atomic_write(target: &Path, dir: &Path, bytes: &[u8]) -> Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp: PathBuf = dir.join(format!(".{name}.archprompt-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(target) {
            std::fs::set_permissions(&temp, meta.permissions())?;
        }
        std::fs::rename(&temp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", target.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_then_up_to_date_then_refuse_then_force() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(".github/agents/a.md");
        assert_eq!(
            write(&target, "one\n", false, Some(dir.path())).unwrap(),
            Outcome::Created
        );
        assert_eq!(
            write(&target, "one\n", false, Some(dir.path())).unwrap(),
            Outcome::UpToDate
        );
        assert_eq!(
            write(&target, "two\n", false, Some(dir.path())).unwrap(),
            Outcome::Refused
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "one\n");
        assert_eq!(
            write(&target, "two\n", true, Some(dir.path())).unwrap(),
            Outcome::Updated
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two\n");
        let leftovers: Vec<_> = std::fs::read_dir(target.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp files left behind");
    }

    #[test]
    fn a_write_that_fails_midway_leaves_the_old_file_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.md");
        std::fs::write(&target, "old\n").unwrap();
        // The temporary file cannot be created (its name is taken by a directory): the write
        // fails before the rename, as an interrupted run would.
        let temp = dir.path().join(format!(".a.md.archprompt-{}.tmp", std::process::id()));
        std::fs::create_dir(&temp).unwrap();
        let err = write(&target, "new\n", true, Some(dir.path())).unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
    }

    #[test]
    fn hand_filled_values_survive_a_re_render() {
        let rendered = "- **DB:** `{{db_command}}`\n- **Test:** `{{test_command}}`\n- x\n";
        let existing = "- **DB:** `psql app`\n- **Test:** `{{test_command}}`\n- old\n";
        let (merged, kept) = keep_hand_filled(rendered, existing, &["db_command", "test_command"]);
        assert_eq!(merged, "- **DB:** `psql app`\n- **Test:** `{{test_command}}`\n- x\n");
        assert_eq!(kept, 1);
        // A file saved with Windows line ends keeps its value too.
        let (merged, kept) = keep_hand_filled(rendered, &existing.replace('\n', "\r\n"), &["db_command"]);
        assert_eq!((merged.lines().next(), kept), (Some("- **DB:** `psql app`"), 1));
    }

    #[test]
    fn plan_shows_a_unified_diff() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.md");
        std::fs::write(&target, "x\ny\n").unwrap();
        match plan(&target, "x\nz\n", dir.path()).unwrap() {
            Plan::Update { diff } => assert!(diff.contains("-y") && diff.contains("+z"), "{diff}"),
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_directory_symlink_leaving_the_repo() {
        let repo = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), repo.path().join(".github")).unwrap();
        let target = repo.path().join(".github/agents/a.md");
        let err = write(&target, "x", false, Some(repo.path())).unwrap_err();
        assert!(err.to_string().contains("outside the repository"), "{err}");
        assert!(
            !outside.path().join("agents").exists(),
            "nothing created outside the repo"
        );
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_file_symlink() {
        let repo = tempfile::tempdir().unwrap();
        let victim = repo.path().join("victim.txt");
        std::fs::write(&victim, "keep").unwrap();
        let target = repo.path().join("agent.md");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        assert!(write(&target, "x", true, Some(repo.path())).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    }
}
