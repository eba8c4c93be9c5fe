//! Which agent files `doctor` checks and where: the files of every target in a repository, the
//! repository a file belongs to, and the parts of a file each agent occupies (an AGENTS.md
//! holds one section per agent).

use crate::profile::targets::{self, Target};
use std::path::{Path, PathBuf};

/// The agent files doctor checks in a repository by default: every target's agent files
/// (`*.md` under `.github/agents/` and `.claude/agents/`, `*.mdc` under `.cursor/rules/`) and an
/// AGENTS.md that has archprompt sections.
pub fn default_files(repo: &Path) -> Vec<PathBuf> {
    let mut files = vec![repo.join(Target::Copilot.file(crate::profile::templates::DEFAULT))];
    let homes = Target::ALL
        .into_iter()
        .filter_map(|t| Some((t.home()?.0, t.extension()?)));
    for (dir, extension) in homes {
        let Ok(entries) = std::fs::read_dir(repo.join(dir)) else {
            continue;
        };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == extension) && p.is_file())
            .collect();
        found.sort();
        files.extend(found);
    }
    let agents_md = repo.join(targets::AGENTS_MD);
    if crate::fs::read_plain(&agents_md, repo).is_ok_and(|text| !targets::section_names(&text).is_empty()) {
        files.push(agents_md);
    }
    let mut unique: Vec<PathBuf> = Vec::with_capacity(files.len());
    for file in files {
        if !unique.contains(&file) && file.is_file() {
            unique.push(file);
        }
    }
    unique
}

/// Whether archprompt wrote `file` (in `repo`): it carries archprompt's record, is named after a
/// template (a file from before the record), or is an AGENTS.md with archprompt's sections. A
/// team's own agent in `.claude/agents/` is none of these.
pub fn written_by_archprompt(file: &Path, repo: &Path) -> bool {
    let named_after_a_template =
        Target::of_file(file).is_some_and(|(_, name)| crate::profile::templates::by_name(&name, repo).is_some());
    if named_after_a_template {
        return true;
    }
    let Ok(text) = crate::fs::read_plain(file, repo) else {
        return false;
    };
    let agents_md = file.file_name().is_some_and(|n| n == targets::AGENTS_MD);
    crate::profile::record::find(&text).is_some() || (agents_md && !targets::section_names(&text).is_empty())
}

/// Whether `text`, at `file`, is an agent file doctor may check and repair: under an agent's
/// directory (`.github/agents/`, `.claude/agents/`, `.cursor/rules/` and its subfolders, however
/// the path was given), an AGENTS.md, or carrying archprompt's record or an agent's front matter
/// (`name` and `description`, as the agents require). A README, a manifest or a site page with
/// its own front matter (`title`, `description`) is none of these.
pub fn is_agent_file(file: &Path, text: &str) -> bool {
    let agents_md = file.file_name().is_some_and(|n| n == targets::AGENTS_MD);
    let syntax = crate::profile::syntax::front_matter_value;
    let agent_front_matter = syntax(text, "name").is_some() && syntax(text, "description").is_some();
    agents_md || under_agent_home(file) || crate::profile::record::find(text).is_some() || agent_front_matter
}

/// Whether `file`, as given or where a symlink leads, sits under an agent's directory with the
/// agent's extension.
fn under_agent_home(file: &Path) -> bool {
    let given = std::path::absolute(file).ok();
    let resolved = std::fs::canonicalize(file).ok();
    [given, resolved].into_iter().flatten().any(|path| {
        Target::ALL.iter().any(|target| {
            let (Some((home, _)), Some(extension)) = (target.home(), target.extension()) else {
                return false;
            };
            path.extension().is_some_and(|e| e == extension)
                && path
                    .parent()
                    .is_some_and(|dir| dir.ancestors().any(|d| d.ends_with(home)))
        })
    })
}

/// The repository an agent file belongs to: the directory above `.github/agents`,
/// `.claude/agents` or `.cursor/rules`, the directory of an AGENTS.md, else the nearest ancestor
/// with `.git`, else the file's directory.
pub fn repo_of(file: &Path) -> PathBuf {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Lexically absolute, not canonical: through a symlinked `.claude` the repository is still
    // the one the link sits in, so its bounds hold for what the link points to.
    let absolute = std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf());
    if file.file_name().is_some_and(|n| n == targets::AGENTS_MD) {
        return absolute;
    }
    // The project the agent directory belongs to comes first: in a monorepo it is a sub-project.
    for dir in absolute.ancestors() {
        if Target::ALL
            .iter()
            .filter_map(|t| t.home())
            .any(|(home, _)| dir.ends_with(home))
        {
            if let Some(repo) = dir.parent().and_then(Path::parent) {
                return repo.to_path_buf();
            }
        }
    }
    for dir in absolute.ancestors() {
        if dir.join(".git").exists() {
            return dir.to_path_buf();
        }
    }
    absolute
}

/// The part of a file one agent occupies: the whole file, or one section of an AGENTS.md.
pub struct Region {
    pub target: Option<Target>,
    pub name: Option<String>,
    pub range: std::ops::Range<usize>,
}

/// The regions of a file: for AGENTS.md each archprompt section (and an error for each section
/// whose markers are broken), else the whole file.
pub fn regions(file: &Path, text: &str) -> (Vec<Region>, Vec<String>) {
    if file.file_name().is_some_and(|n| n == targets::AGENTS_MD) {
        let mut names: Vec<String> = Vec::new();
        for name in targets::section_names(text) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let mut errors = Vec::new();
        let mut regions = Vec::new();
        for name in names {
            match targets::section(text, &name) {
                Ok(Some(range)) => regions.push(Region {
                    target: Some(Target::AgentsMd),
                    name: Some(name),
                    range,
                }),
                Ok(None) => {}
                Err(why) => errors.push(why),
            }
        }
        // Sections inside or across each other cannot be told apart: none of them is touched.
        regions.sort_by_key(|r| r.range.start);
        let overlapping = regions.windows(2).any(|w| w[1].range.start < w[0].range.end);
        if overlapping {
            errors.push("archprompt's sections nest or cross each other; give each its own begin and end marker, one after the other".to_string());
            regions.clear();
        }
        return (regions, errors);
    }
    // Where the file sits decides its target, so the path is made absolute first
    // (`agents/x.agent.md` from inside `.github/`).
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
    let (target, name) = Target::of_file(&absolute).map_or((None, None), |(t, n)| (Some(t), Some(n)));
    let whole = Region {
        target,
        name,
        range: 0..text.len(),
    };
    (vec![whole], Vec::new())
}
