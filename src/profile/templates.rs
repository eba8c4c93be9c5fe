//! Where a template comes from: a file `--template` names, the repository's own
//! `.archprompt/templates/NAME.md`, or one bundled with archprompt, looked up in that order; or
//! every template of a folder (a team's collection).

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The templates compiled into archprompt, by name.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "backend-architect",
        include_str!("../../templates/backend-architect.md"),
    ),
    ("project-facts", include_str!("../../templates/project-facts.md")),
    // Starter agents for a team's collection; each says when it applies.
    (
        "database-engineer",
        include_str!("../../templates/database-engineer.md"),
    ),
    ("test-engineer", include_str!("../../templates/test-engineer.md")),
    ("devops-engineer", include_str!("../../templates/devops-engineer.md")),
    (
        "frontend-engineer",
        include_str!("../../templates/frontend-engineer.md"),
    ),
];

/// The template `init` uses when none is named.
pub const DEFAULT: &str = "backend-architect";

/// Where repositories keep their own templates.
pub const REPO_DIR: &str = ".archprompt/templates";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    /// In the repository's `.archprompt/templates/`.
    Repository(PathBuf),
    /// A file named on the command line.
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Template {
    /// The agent's name: the file name of the agent file written from it.
    pub name: String,
    pub origin: Origin,
    pub text: String,
}

impl Template {
    /// The bundled default, a backend architect's profile: taken when no template is named
    /// (`named` is false), so on a repository that is not a backend `init` asks before writing it.
    pub fn is_implicit_backend_profile(&self, named: bool) -> bool {
        !named && self.origin == Origin::Bundled && self.name == DEFAULT
    }

    pub fn describe_origin(&self) -> String {
        match &self.origin {
            Origin::Bundled => "bundled".to_string(),
            Origin::Repository(path) | Origin::File(path) => path.display().to_string(),
        }
    }
}

/// Resolves `spec` (a template name or a file path; `None` for the default) for the repository
/// at `repo`. A path that exists wins, then a repository template of that name, then a bundled
/// one. The error lists the names that would work.
pub fn resolve(spec: Option<&str>, repo: &Path) -> Result<Template> {
    let spec = spec.unwrap_or(DEFAULT);
    let as_path = Path::new(spec);
    if as_path.is_file() {
        // A file named on the command line is the user's choice: its symlinks are followed.
        let real = as_path
            .canonicalize()
            .with_context(|| format!("cannot read template {spec}"))?;
        let within = real.parent().unwrap_or(Path::new("/"));
        let text = crate::fs::read_plain(&real, within).with_context(|| format!("cannot read template {spec}"))?;
        return Ok(Template {
            name: name_of_file(as_path),
            origin: Origin::File(as_path.to_path_buf()),
            text,
        });
    }
    if let Some(found) = repository_templates(repo).into_iter().find(|t| t.name == spec) {
        return Ok(found);
    }
    if let Some(found) = bundled().find(|t| t.name == spec) {
        return Ok(found);
    }
    let looks_like_path = spec.contains('/') || spec.contains('\\') || spec.ends_with(".md") || spec.ends_with(".hbs");
    if looks_like_path {
        bail!("cannot read template {spec}: no such file");
    }
    let names: Vec<String> = available(repo).into_iter().map(|t| t.name).collect();
    bail!(
        "no template named `{spec}`; available: {} (or give a file path; `archprompt templates` lists them)",
        names.join(", ")
    )
}

/// Every template `specs` names for `repo`, in order: a folder gives each of its templates
/// (`*.md`, `*.hbs`, sorted by name), anything else is resolved as one ([`resolve`]); no spec
/// gives the default. Two templates that would write the same agent are an error, as one would
/// overwrite the other's file.
pub fn resolve_all(specs: &[String], repo: &Path) -> Result<Vec<Template>> {
    if specs.is_empty() {
        return Ok(vec![resolve(None, repo)?]);
    }
    let mut out: Vec<Template> = Vec::new();
    for spec in specs {
        if let Some(own) = repository_folder(spec, repo) {
            let found = templates_in(&own, repo, Origin::Repository)
                .with_context(|| format!("cannot read templates in {}", own.display()))?;
            if found.is_empty() {
                bail!("no templates (*.md, *.hbs) in {}", own.display());
            }
            out.extend(found);
            continue;
        }
        let dir = Path::new(spec);
        if !dir.is_dir() {
            out.push(resolve(Some(spec), repo)?);
            continue;
        }
        // A folder named on the command line is the user's choice, like a file: its templates
        // may be symlinks, resolved within the folder.
        let within = dir
            .canonicalize()
            .with_context(|| format!("cannot read templates in {spec}"))?;
        let found = templates_in(&within, &within, |path| {
            Origin::File(dir.join(path.file_name().unwrap_or_default()))
        })
        .with_context(|| format!("cannot read templates in {spec}"))?;
        if found.is_empty() {
            bail!("no templates (*.md, *.hbs) in {spec}");
        }
        out.extend(found);
    }
    for (i, template) in out.iter().enumerate() {
        let name = agent_name(template, &template.text);
        if let Some(other) = out[..i].iter().find(|t| agent_name(t, &t.text) == name) {
            bail!(
                "{} and {} would both write the agent `{name}`; name one of them differently",
                other.describe_origin(),
                template.describe_origin()
            );
        }
    }
    Ok(out)
}

/// Whether `spec` names a folder of templates, on the command line or in the repository.
pub fn is_folder(spec: &str, repo: &Path) -> bool {
    Path::new(spec).is_dir() || repository_folder(spec, repo).is_some()
}

/// The repository's own folder a relative `spec` names when no such folder is where the
/// command runs (`--templates .archprompt/templates`, so one command serves every repository of
/// a bulk run); never a folder outside the repository.
fn repository_folder(spec: &str, repo: &Path) -> Option<PathBuf> {
    let path = Path::new(spec);
    if path.is_absolute() || path.is_dir() {
        return None;
    }
    let inside = repo.join(path).canonicalize().ok()?;
    (inside.is_dir() && inside.starts_with(repo.canonicalize().ok()?)).then_some(inside)
}

/// The template an agent named `name` was written from (never a file path): one of that name or
/// whose front matter names the agent so, the repository's own before the bundled ones.
pub fn by_name(name: &str, repo: &Path) -> Option<Template> {
    let names_it = |t: &Template| t.name == name || crate::profile::templates::agent_name(t, &t.text) == name;
    // The repository's own templates first, by either name, so one of them that writes a
    // bundled template's agent name is the one read back.
    let own = repository_templates(repo);
    if let Some(found) = own.iter().find(|t| names_it(t)) {
        return Some(found.clone());
    }
    bundled()
        .filter(|b| !own.iter().any(|t| t.name == b.name))
        .find(names_it)
}

/// Every template `--template NAME` can name for `repo`: the repository's own first (they win a
/// name clash), then the bundled ones.
pub fn available(repo: &Path) -> Vec<Template> {
    let mut out = repository_templates(repo);
    let shadowed: Vec<String> = out.iter().map(|t| t.name.clone()).collect();
    out.extend(bundled().filter(|b| !shadowed.contains(&b.name)));
    out
}

fn bundled() -> impl Iterator<Item = Template> {
    BUNDLED.iter().map(|(name, text)| Template {
        name: name.to_string(),
        origin: Origin::Bundled,
        text: text.to_string(),
    })
}

/// The repository's `.archprompt/templates/*.md` (and `*.hbs`), sorted by name; unreadable
/// files are left out.
fn repository_templates(repo: &Path) -> Vec<Template> {
    templates_in(&repo.join(REPO_DIR), repo, Origin::Repository).unwrap_or_default()
}

/// The `*.md` and `*.hbs` files of `dir`, read within `within`, sorted by name; a file that
/// cannot be read (not a regular file, too big, outside `within`) is left out.
fn templates_in(dir: &Path, within: &Path, origin: impl Fn(PathBuf) -> Origin) -> std::io::Result<Vec<Template>> {
    let mut found: Vec<Template> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md" || e == "hbs"))
        .filter_map(|path| {
            let text = crate::fs::read_plain(&path, within).ok()?;
            Some(Template {
                name: name_of_file(&path),
                origin: origin(path),
                text,
            })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

/// `backend-architect` for `backend-architect.md`, `api.agent.md` or `api.hbs`.
fn name_of_file(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = file
        .strip_suffix(".agent.md")
        .or_else(|| file.strip_suffix(".md"))
        .or_else(|| file.strip_suffix(".hbs"))
        .unwrap_or(&file);
    stem.to_string()
}

/// The agent's name: the template's front-matter `name` when it has one, else the template's
/// name, as lowercase letters, digits and hyphens (Claude Code accepts no other).
pub fn agent_name(template: &Template, rendered: &str) -> String {
    let (front, _) = crate::profile::syntax::split_front_matter(rendered);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repository_template_wins_over_a_bundled_one_of_the_same_name() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join(REPO_DIR)).unwrap();
        std::fs::write(
            repo.path().join(REPO_DIR).join("backend-architect.md"),
            "ours {{tech_stack}}\n",
        )
        .unwrap();
        let found = resolve(None, repo.path()).unwrap();
        assert_eq!(found.text, "ours {{tech_stack}}\n");
        assert!(matches!(found.origin, Origin::Repository(_)));
        let bundled = resolve(Some("project-facts"), repo.path()).unwrap();
        assert_eq!(bundled.origin, Origin::Bundled);
    }

    #[test]
    fn an_unknown_name_lists_the_names_that_work() {
        let repo = tempfile::tempdir().unwrap();
        let err = resolve(Some("frontend"), repo.path()).unwrap_err().to_string();
        assert!(err.contains("backend-architect, project-facts"), "{err}");
        let err = resolve(Some("missing/file.md"), repo.path()).unwrap_err().to_string();
        assert!(err.contains("no such file"), "{err}");
    }

    #[test]
    fn a_template_file_is_named_without_its_extensions() {
        assert_eq!(name_of_file(Path::new("x/api.agent.md")), "api");
    }
}
