//! One bounded, .gitignore-aware walk per repository, producing a [`RepoIndex`] of repo-relative
//! file and directory paths. Every later stage asks the index instead of touching the disk, and
//! file contents are read at most once (cached), with a size cap.

use crate::model::Warning;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Directories never descended into: dependency stores, build output, caches.
const PRUNED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "bower_components",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "target",
    "dist",
    "build",
    "out",
    ".gradle",
    ".idea",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".turbo",
    ".cache",
    "coverage",
    "htmlcov",
    ".yarn",
    ".pnpm-store",
    ".terraform",
    ".sqlx",
];

/// `.env` templates: read for database URLs, and indexed even when `.gitignore` matches them,
/// since repositories commit them past a broad `.env*` rule (`git add -f`).
pub const ENV_TEMPLATES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    ".env.defaults",
    "example.env",
    ".example.env",
    ".env.local.example",
];
/// Files that make a directory a project, next to which env templates are looked for.
const PROJECT_MARKERS: &[&str] = &[
    "package.json",
    "pyproject.toml",
    "Cargo.toml",
    "requirements.txt",
    "manage.py",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "Gemfile",
    "composer.json",
    "mix.exs",
    "deno.json",
];

/// How deep the walk goes below the root: manifests sit near the top, but a module's test sources
/// nest deep in Java packages (`api/src/test/java/com/acme/shop/api/AppTests.java`).
pub const MAX_DEPTH: usize = 12;
/// Upper bound on entries indexed, so a hostile or huge tree cannot stall a scan.
pub const MAX_ENTRIES: usize = 200_000;
/// Largest file archprompt reads; manifests and configs are far smaller.
pub const MAX_READ_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug)]
pub struct RepoIndex {
    pub root: PathBuf,
    /// Repo-relative file paths with `/` separators, sorted.
    pub files: BTreeSet<String>,
    /// Repo-relative directory paths, sorted (the root itself is not listed).
    pub dirs: BTreeSet<String>,
    cache: RefCell<BTreeMap<String, Option<String>>>,
    globs: RefCell<BTreeMap<String, Option<globset::GlobMatcher>>>,
    tomls: RefCell<BTreeMap<String, Option<std::rc::Rc<toml::Table>>>>,
    warnings: RefCell<Vec<Warning>>,
    /// The CI jobs' commands, parsed once per repository on first use.
    pub ci_commands: std::cell::OnceCell<Vec<crate::documented::DocumentedCommand>>,
}

impl RepoIndex {
    /// Walks `root`. Unreadable entries become warnings; the walk goes on.
    pub fn build(root: &Path) -> RepoIndex {
        let mut files = BTreeSet::new();
        let mut dirs = BTreeSet::new();
        let mut warnings = Vec::new();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .parents(false)
            .require_git(false)
            .git_global(false)
            .follow_links(false)
            .max_depth(Some(MAX_DEPTH))
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(|entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !(is_dir && entry.depth() > 0 && is_pruned(entry.file_name().to_str()))
            })
            .build();
        let mut count = 0usize;
        for result in walker {
            let entry = match result {
                Ok(entry) => entry,
                Err(err) => {
                    warnings.push(walk_warning(root, &err));
                    continue;
                }
            };
            if entry.depth() == 0 {
                continue;
            }
            count += 1;
            if count > MAX_ENTRIES {
                warnings.push(Warning::new(
                    ".",
                    format!("stopped indexing after {MAX_ENTRIES} entries; results may be partial"),
                ));
                break;
            }
            let Some(rel) = relative(root, entry.path()) else {
                continue;
            };
            match entry.file_type() {
                Some(t) if t.is_dir() => {
                    dirs.insert(rel);
                }
                Some(t) if t.is_file() => {
                    files.insert(rel);
                }
                _ => {} // symlinks and special files are never followed or read
            }
        }
        add_ignored_env_templates(root, &mut files);
        RepoIndex {
            root: root.to_path_buf(),
            files,
            dirs,
            cache: RefCell::new(BTreeMap::new()),
            globs: RefCell::new(BTreeMap::new()),
            tomls: RefCell::new(BTreeMap::new()),
            warnings: RefCell::new(warnings),
            ci_commands: std::cell::OnceCell::new(),
        }
    }

    pub fn has_file(&self, rel: &str) -> bool {
        self.files.contains(rel)
    }

    pub fn has_dir(&self, rel: &str) -> bool {
        rel == "." || rel.is_empty() || self.dirs.contains(rel)
    }

    /// Files whose last path component equals `name`, at any depth.
    pub fn files_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.files
            .iter()
            .map(String::as_str)
            .filter(move |path| file_name(path) == name)
    }

    /// Files directly inside `dir` (`.` for the root). Below the root only the paths under
    /// `dir/` are visited, so asking about many project directories stays cheap.
    pub fn files_in<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        self.files
            .range(prefix.clone()..)
            .take_while(move |path| path.starts_with(&prefix))
            .map(String::as_str)
            .filter(move |path| parent(path) == dir)
    }

    /// Reads a repo-relative file as UTF-8 text, once. A file that is too large, binary or not
    /// UTF-8 yields `None` and a warning naming it.
    pub fn read(&self, rel: &str) -> Option<String> {
        if let Some(cached) = self.cache.borrow().get(rel) {
            return cached.clone();
        }
        let text = self.read_uncached(rel);
        self.cache.borrow_mut().insert(rel.to_string(), text.clone());
        text
    }

    fn read_uncached(&self, rel: &str) -> Option<String> {
        if !self.has_file(rel) {
            return None;
        }
        let path = self.root.join(rel);
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&path).and_then(|file| file.take(MAX_READ_BYTES + 1).read_to_end(&mut bytes));
        if let Err(err) = read {
            self.warn(rel, format!("cannot read: {err}"));
            return None;
        }
        if bytes.len() as u64 > MAX_READ_BYTES {
            self.warn(
                rel,
                format!("larger than {} MiB; skipped", MAX_READ_BYTES / 1024 / 1024),
            );
            return None;
        }
        if bytes.contains(&0) {
            self.warn(rel, "binary file (contains NUL bytes); skipped");
            return None;
        }
        match String::from_utf8(bytes) {
            Ok(text) => Some(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)),
            Err(_) => {
                self.warn(rel, "not valid UTF-8; skipped");
                None
            }
        }
    }

    /// A TOML file parsed once (workspace members all consult their root's manifest); a file
    /// that does not parse gives a warning naming it, once, and `None`.
    pub fn toml(&self, rel: &str) -> Option<std::rc::Rc<toml::Table>> {
        if let Some(parsed) = self.tomls.borrow().get(rel) {
            return parsed.clone();
        }
        let parsed = self.read(rel).and_then(|text| match text.parse::<toml::Table>() {
            Ok(table) => Some(std::rc::Rc::new(table)),
            Err(err) => {
                let msg = err.to_string();
                self.warn(rel, format!("invalid TOML: {}", msg.lines().next().unwrap_or("")));
                None
            }
        });
        self.tomls.borrow_mut().insert(rel.to_string(), parsed.clone());
        parsed
    }

    /// The matcher for `pattern`, built by `build` the first time this repository asks.
    pub fn cached_glob(
        &self,
        pattern: &str,
        build: impl FnOnce() -> Option<globset::GlobMatcher>,
    ) -> Option<globset::GlobMatcher> {
        if let Some(found) = self.globs.borrow().get(pattern) {
            return found.clone();
        }
        let matcher = build();
        self.globs.borrow_mut().insert(pattern.to_string(), matcher.clone());
        matcher
    }

    pub fn warn(&self, file: &str, message: impl Into<String>) {
        let warning = Warning::new(file, message);
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }

    pub fn take_warnings(&self) -> Vec<Warning> {
        let mut warnings = std::mem::take(&mut *self.warnings.borrow_mut());
        warnings.sort();
        warnings
    }
}

/// Env templates beside the root or a project manifest that the walk skipped because
/// `.gitignore` matches them: a regular file there is a committed template, not a local secret.
fn add_ignored_env_templates(root: &Path, files: &mut BTreeSet<String>) {
    let mut dirs: BTreeSet<String> = files
        .iter()
        .filter(|f| PROJECT_MARKERS.contains(&file_name(f)))
        .map(|f| parent(f).to_string())
        .collect();
    dirs.insert(".".to_string());
    for dir in dirs {
        for name in ENV_TEMPLATES {
            let rel = join(&dir, name);
            if files.contains(&rel) {
                continue;
            }
            let is_file = std::fs::symlink_metadata(root.join(&rel)).is_ok_and(|m| m.file_type().is_file());
            if is_file {
                files.insert(rel);
            }
        }
    }
}

/// Dependency stores and build output, and the unrendered trees of project templates
/// (`{{cookiecutter.project_slug}}/`), whose manifests are template source, not manifests.
fn is_pruned(name: Option<&str>) -> bool {
    name.is_some_and(|name| PRUNED_DIRS.contains(&name) || name.contains("{{") || name.contains("{%"))
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    // The walk joins names onto `root`, so the path is `root` and a `/`-separated rest: cut the
    // text (once per entry, the walk's hot path) instead of comparing components.
    if std::path::MAIN_SEPARATOR == '/' {
        if let (Some(full), Some(base)) = (path.to_str(), root.to_str()) {
            if let Some(rest) = full.strip_prefix(base) {
                return Some(rest.trim_start_matches('/').to_string());
            }
        }
    }
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

fn walk_warning(root: &Path, err: &ignore::Error) -> Warning {
    let path = io_path(err)
        .and_then(|p| relative(root, p))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    Warning::new(path, format!("skipped: {}", root_cause(err)))
}

fn io_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => io_path(err),
        _ => None,
    }
}

fn root_cause(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => root_cause(err),
        other => other.to_string(),
    }
}

/// Last component of a `/`-separated path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Parent of a `/`-separated repo-relative path; `.` for top-level entries.
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => ".",
    }
}

/// Joins a project dir (`.` = root) and a relative path, normalising `./` and `..`.
pub fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if dir == "." || dir.is_empty() {
        Vec::new()
    } else {
        dir.split('/').collect()
    };
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_normalises() {
        assert_eq!(join(".", "./db/migrations/"), "db/migrations");
        assert_eq!(join("apps/api", "prisma/../db"), "apps/api/db");
        assert_eq!(join("api", "."), "api");
        assert_eq!(join(".", "."), ".");
    }

    #[test]
    fn parent_and_name() {
        assert_eq!(parent("a/b/c.txt"), "a/b");
        assert_eq!(parent("c.txt"), ".");
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
    }
}
