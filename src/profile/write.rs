//! Writing an agent file safely: plan (create, update with a unified diff, or up to date), then
//! an atomic write that never clobbers a changed file without `--force` and never follows a
//! symlink out of the repository.

use anyhow::{Context, Result, bail};
use std::path::Path;

/// Whether the repository's root `.gitignore` ignores `file` (a path inside `repo`).
pub fn is_git_ignored(repo: &Path, file: &Path) -> bool {
    let Ok(rel) = file.strip_prefix(repo) else { return false };
    let mut builder = ignore::gitignore::GitignoreBuilder::new(repo);
    // Read as the listing reads it: a FIFO, a device or a link out of the repository is not.
    let (err, _) = crate::fs::add_ignore_file(&mut builder, &repo.join(".gitignore"), repo, &mut {
        crate::fs::MAX_IGNORE_PATTERNS
    });
    if err.is_some() {
        return false;
    }
    builder
        .build()
        .is_ok_and(|ignore| ignore.matched_path_or_any_parents(rel, false).is_ignore())
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

/// What writing `content` to `target` would do. The file is read as [`crate::fs::read_plain`]
/// reads (a symlink only when it stays inside `within`), so a diff never shows another file.
pub fn plan(target: &Path, content: &str, within: &Path) -> Result<Plan> {
    match crate::fs::read_plain(target, within) {
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

/// Fails unless `target` would be written inside `repo`: the deepest directory of its path that
/// exists must resolve (through any symlinks) inside the repository.
pub fn ensure_inside(target: &Path, repo: &Path) -> Result<()> {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
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
    Ok(())
}

/// Whether `path` names a place inside `repo`: then it is bound by the repository, even when
/// named with `--output`. The path is followed a component at a time, `..` and symlinks outside
/// the repository included (they are the user's), until it enters the repository; what lies
/// inside is not followed, so `x/../repo/.github/a.md` or a path through a link to the repository
/// is inside however the repository's own `.github` resolves. A path that passes through the
/// repository is bound by it, even one that leaves it again with `..`.
pub fn is_in_repo(path: &Path, repo: &Path) -> bool {
    let Ok(real_repo) = repo.canonicalize() else {
        return false;
    };
    let Ok(path) = std::path::absolute(path) else {
        return false;
    };
    let mut here = std::path::PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                here.pop();
            }
            std::path::Component::CurDir => {}
            other => here.push(other),
        }
        if here.starts_with(&real_repo) {
            return true;
        }
        if std::fs::symlink_metadata(&here).is_ok_and(|m| m.file_type().is_symlink()) {
            match here.canonicalize() {
                Ok(real) if real.starts_with(&real_repo) => return true,
                Ok(real) => here = real,
                Err(_) => return false, // a dangling link outside: not the repository
            }
        }
    }
    false
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
    // Check before creating anything.
    if let Some(repo) = repo {
        ensure_inside(target, repo)?;
    }
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    crate::fs::atomic_write(target, parent, content.as_bytes())?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_path_is_in_the_repository_however_it_is_spelled_and_whatever_lies_inside() {
        let tmp = tempfile::tempdir().unwrap();
        let (repo, outside) = (tmp.path().join("r9"), tmp.path().join("outside"));
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::fs::create_dir_all(tmp.path().join("x")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, repo.join(".github")).unwrap();
        std::os::unix::fs::symlink(&repo, tmp.path().join("alias")).unwrap();
        let inside = |p: &str| is_in_repo(&tmp.path().join(p), &repo);
        assert!(
            inside("r9/.github/agents/a.md"),
            "the repository's own link is not followed"
        );
        assert!(inside("x/../r9/.github/agents/a.md"));
        assert!(inside("alias/.github/agents/a.md"));
        assert!(inside("r9/src/../AGENTS.md"));
        assert!(!inside("outside/a.md"));
        // Through the repository and out again: bound by it, since inside it nothing is followed.
        assert!(inside("r9/../outside/a.md"));
        assert!(
            is_in_repo(&repo.join("a.md"), &tmp.path().join("alias")),
            "the repository named by a link"
        );
    }

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
