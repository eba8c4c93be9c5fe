//! Which project is the backend: scores from framework, data-tool and database hits, entry
//! points, directory names and sibling dependencies; and what a backend inherits from the
//! workspace packages it links.

use crate::detect::analysis::{Analysis, Hit};
use crate::detect::engine;
use crate::detect::{Registry, Role};
use crate::ecosystems::{Ecosystem, Project, Scope, Shape};
use crate::repo::index::RepoIndex;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Whether `project` depends on a package of a browser frontend (`[toolchain.frontend] deps`, of
/// any ecosystem).
pub(super) fn has_frontend_dep(registry: &Registry, project: &Project) -> bool {
    let mut deps = registry.toolchains().flat_map(|(_, t)| &t.frontend.deps);
    deps.any(|d| project.dep(d).is_some())
}

/// Whether `name` is one of `names` (a `detectors/conventions.toml` list).
pub(super) fn named(names: &[String], name: &str) -> bool {
    names.iter().any(|n| n == name)
}

/// How much a project looks like the repository's backend (0: it is not one). `members` are the
/// root Cargo workspace's member globs, when the root has a workspace.
pub(super) fn backend_score(
    registry: &Registry,
    index: &RepoIndex,
    a: &Analysis,
    members: Option<&globset::GlobSet>,
) -> i32 {
    let (project, frameworks, data, databases) = (&a.project, &a.frameworks, &a.data, &a.databases);
    if project.ecosystem == Ecosystem::Rust {
        // A crate outside the root workspace is a standalone example or reproduction; a library
        // crate cannot be the server you run (the binary that links it can).
        let outside = members.is_some_and(|m| project.dir != "." && !m.is_match(&project.dir));
        if outside || !has_entry_point(registry, project, index) {
            return 0;
        }
    }
    // Likewise a Gleam package whose main module has no `main` (a Wisp middleware or adapter).
    if project.ecosystem == Ecosystem::Gleam && matches!(project.shape, Some((Shape::Library, _, _))) {
        return 0;
    }
    let mut score = 0;
    // A Node package's framework inherited from a workspace package it depends on names the
    // framework, but does not make the package a backend: a docs tool depends on one too.
    let own_or_rust = |h: &&Hit| h.from.is_none() || project.ecosystem == Ecosystem::Rust;
    if frameworks.iter().any(|h| own_or_rust(&h)) {
        score += 10;
    }
    if !data.is_empty() {
        score += 3;
    }
    // Owning the schema's migrations marks the backend among services that share a database.
    if data.iter().any(|h| h.detector.migrations) {
        score += 3;
    }
    // A cache (Redis beside a realtime service) does not make a project the backend.
    if databases.iter().any(|h| h.detector.role != Role::Cache) {
        score += 2;
    }
    if score == 0 {
        return 0;
    }
    let parts: Vec<&str> = project.dir.split('/').collect();
    let dirs = &registry.conventions.dirs;
    // Examples, fixtures, docs and test trees are never the product's backend.
    if parts.iter().any(|p| named(&dirs.not_backend, p)) {
        return 0;
    }
    if parts.iter().any(|p| named(&dirs.frontend, p)) {
        score -= 2;
    }
    if parts.last().is_some_and(|p| named(&dirs.backend, p)) {
        score += 2;
    }
    if frameworks.is_empty() && has_frontend_dep(registry, project) {
        score -= 3;
    }
    // A library cannot be the server you run; the binary that links it can.
    if has_entry_point(registry, project, index) {
        score += 6;
    }
    score
}

/// The member globs of the repository root's Cargo workspace, if it has one.
pub(super) fn cargo_members(analyses: &[Analysis]) -> Option<globset::GlobSet> {
    let root = analyses
        .iter()
        .find(|a| a.project.ecosystem == Ecosystem::Rust && a.project.dir == ".")?;
    if root.project.workspace_members.is_empty() {
        return None;
    }
    let mut set = globset::GlobSetBuilder::new();
    for member in &root.project.workspace_members {
        let pattern = member.trim_start_matches("./").trim_end_matches('/');
        if let Ok(glob) = globset::GlobBuilder::new(pattern).literal_separator(true).build() {
            set.add(glob);
        }
    }
    set.build().ok()
}

/// A runnable program rather than a library: a binary crate, a start/dev script, manage.py
/// (`[toolchain] entry_points`, `entry_tasks`), unless it is marked a library
/// (`library_markers`: Gradle's `java-library` plugin).
pub(super) fn has_entry_point(registry: &Registry, project: &Project, index: &RepoIndex) -> bool {
    let toolchain = registry.toolchain(project.ecosystem);
    let holds = |leaf: &crate::detect::Leaf| match (&leaf.file, &leaf.dir) {
        (Some(file), _) => !engine::project_files(index, project, file).is_empty(),
        (None, Some(dir)) => index.has_dir(&project.path(dir)),
        (None, None) => false,
    };
    // Each marker is a file and a pattern its content matches (checked when the detector loads).
    let marked = |leaf: &crate::detect::Leaf| {
        let (Some(file), Some(pattern), Some(owner)) =
            (&leaf.file, &leaf.contains, registry.toolchain_owner(project.ecosystem))
        else {
            return false;
        };
        let content = owner.regex(pattern);
        engine::project_files(index, project, file)
            .iter()
            .any(|f| index.read(f).is_some_and(|text| content.is_match(text.as_bytes())))
    };
    if toolchain.library_markers.iter().any(marked) {
        return false;
    }
    toolchain.entry_tasks.iter().any(|t| project.task(t).is_some()) || toolchain.entry_points.iter().any(holds)
}

/// The directories the backend's ecosystem conventions (`pick`: `[dirs] source` or `tests` of its
/// ecosystem detector) name inside each sibling module it links, module by module: a JVM
/// application's code and tests go on in the modules it depends on, laid out the same way.
pub(super) fn linked_module_dirs(
    index: &RepoIndex,
    backend: &Analysis,
    pick: impl Fn(&crate::detect::Detector) -> &Vec<String>,
) -> Vec<String> {
    let patterns: Vec<String> = backend
        .ecosystem_hits
        .iter()
        .flat_map(|h| pick(h.detector).clone())
        .collect();
    let mut dirs = Vec::new();
    for linked in &backend.linked {
        let mut module = (*backend.project).clone();
        module.dir = linked.clone();
        dirs.extend(engine::project_dirs(index, &module, &patterns));
    }
    dirs
}

/// The project with the best backend score; ties go to the shallower directory.
pub(super) fn pick_backend<'a, 'r>(analyses: &'a [Analysis<'r>]) -> Option<&'a Analysis<'r>> {
    analyses.iter().filter(|a| a.score > 0).max_by_key(|a| {
        (
            a.score,
            std::cmp::Reverse(a.project.dir.matches('/').count() + usize::from(a.project.dir != ".")),
        )
    })
}

/// The backend with the data tools and databases of the sibling packages it depends on
/// (transitively): a server crate that links `app_db` uses `app_db`'s Diesel and PostgreSQL.
/// The repository's projects looked up by package name.
pub(super) struct Siblings<'a, 'r> {
    all: &'a [Analysis<'r>],
    by_name: BTreeMap<(Ecosystem, String), usize>,
}

impl<'a, 'r> Siblings<'a, 'r> {
    /// How many of the repository's own packages `project` depends on.
    pub(super) fn linked_count(&self, project: &Project) -> usize {
        // Each dependency looked up by name: the project's own deps, not every package.
        let eco = project.ecosystem;
        project
            .deps
            .keys()
            .filter(|name| self.by_name.contains_key(&(eco, name.to_string())))
            .count()
    }

    pub(super) fn new(all: &'a [Analysis<'r>]) -> Self {
        let mut by_name = BTreeMap::new();
        for (i, a) in all.iter().enumerate() {
            if let Some(name) = &a.project.name {
                by_name
                    .entry((a.project.ecosystem, a.project.ecosystem.normalise(name)))
                    .or_insert(i);
            }
        }
        Siblings { all, by_name }
    }
}

/// Most sibling packages one project takes on, nearest first: enough for a real server and the
/// workspace libraries it is built from, and a bound that keeps a workspace whose packages all
/// link each other (a ring of thousands) linear in its size.
pub(super) const MOST_LINKED: usize = 64;

/// What the sibling packages a project links bring it: their directories, nearest first, and
/// the hits it takes on from them.
pub(super) struct Linked<'r> {
    dirs: Vec<String>,
    cut: bool,
    frameworks: Vec<Hit<'r>>,
    data: Vec<Hit<'r>>,
    databases: Vec<Hit<'r>>,
}

impl<'r> Linked<'r> {
    /// `backend` with what it links: found from a shared borrow of every project, then moved
    /// in, so no project is copied to be told what its siblings bring.
    pub(super) fn merged_into(self, mut backend: Analysis<'r>) -> Analysis<'r> {
        backend.linked = self.dirs;
        backend.linked_cut = self.cut;
        backend.frameworks.extend(self.frameworks);
        backend.data.extend(self.data);
        backend.databases.extend(self.databases);
        backend.data.sort_by_key(|h| std::cmp::Reverse(h.detector.priority));
        backend
            .frameworks
            .sort_by_key(|h| std::cmp::Reverse(h.detector.priority));
        backend
    }
}

pub(super) fn internal_deps<'r>(
    registry: &Registry,
    backend: &Analysis<'r>,
    siblings: &Siblings<'_, 'r>,
) -> Linked<'r> {
    let mut merged = Linked {
        dirs: Vec::new(),
        cut: false,
        frameworks: Vec::new(),
        data: Vec::new(),
        databases: Vec::new(),
    };
    let eco = backend.project.ecosystem;
    let by_name = |name: &str| {
        let i = *siblings.by_name.get(&(eco, name.to_string()))?;
        let sibling = &siblings.all[i];
        // The hits it brings point at the sibling's own project, shared, not copied.
        Some((sibling, &sibling.project))
    };
    // Runtime dependencies only: a dev-dependency (a client crate the tests drive) is not part
    // of the server.
    let runtime_deps = |p: &Project| -> Vec<String> {
        p.deps
            .iter()
            .filter(|(_, d)| d.scope == Scope::Runtime)
            .map(|(name, _)| name.clone())
            .collect()
    };
    let mut queue: Vec<String> = runtime_deps(&backend.project);
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    // The (detector, sibling directory) pairs each kind of hit already holds, so a long chain of
    // linked packages is not searched again for every hit it brings.
    let held = |hits: &[Hit]| -> std::collections::HashSet<(String, String)> {
        hits.iter()
            .filter_map(|h| Some((h.detector.id.clone(), h.from.as_ref()?.dir.clone())))
            .collect()
    };
    let mut held = [held(&backend.frameworks), held(&backend.data), held(&backend.databases)];
    // Breadth first, in name order, so siblings come in a stable, readable order.
    let mut next = 0;
    while let Some(name) = queue.get(next).cloned() {
        next += 1;
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some((sibling, shared)) = by_name(&name) else {
            continue;
        };
        if sibling.project.dir == backend.project.dir {
            continue;
        }
        if merged.dirs.len() == MOST_LINKED {
            merged.cut = true;
            break;
        }
        queue.extend(runtime_deps(&sibling.project));
        merged.dirs.push(sibling.project.dir.clone());
        // A Rust binary often takes its web framework from a library crate it links, and a Node
        // server package (not a browser app) from the workspace package it starts
        // (`dev-server` running `@acme/core`'s NestJS app).
        let browser_app = has_frontend_dep(registry, &backend.project);
        let inherit_frameworks =
            backend.frameworks.is_empty() && (eco == Ecosystem::Rust || (eco == Ecosystem::Node && !browser_app));
        let frameworks: &[Hit] = if inherit_frameworks { &sibling.frameworks } else { &[] };
        for ((mine, theirs), held) in [
            (&mut merged.frameworks, frameworks),
            (&mut merged.data, &sibling.data[..]),
            (&mut merged.databases, &sibling.databases[..]),
        ]
        .into_iter()
        .zip(held.iter_mut())
        {
            for hit in theirs {
                if held.insert((hit.detector.id.clone(), sibling.project.dir.clone())) {
                    let mut hit = hit.clone();
                    hit.from.get_or_insert_with(|| Arc::clone(shared));
                    mine.push(hit);
                }
            }
        }
    }
    merged
}
