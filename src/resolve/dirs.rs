//! Source directories, and the helpers every directory field shares: detector candidates
//! resolved against the index, config-named locations, and conventions when no tool says.

use super::context::Ctx;
use crate::detect::analysis::Hit;
use crate::detect::engine::{self};
use crate::detect::{Detector, Registry};
use crate::ecosystems::{Ecosystem, Project};
use crate::fs::is_within;
use crate::repo::folders::Folders;
use crate::repo::index::RepoIndex;
use crate::report::{Evidence, Field};
use std::collections::BTreeMap;

/// Replaces each `{name}` in `pattern` with its variable, in one pass: values are inserted
/// verbatim and never scanned again. `None` when a variable is missing. Braces that do not hold a
/// plain name (a glob alternation like `{ts,js}`) are kept as they are.
pub(super) fn substitute(pattern: &str, vars: &BTreeMap<String, (String, Evidence)>) -> Option<String> {
    fill(pattern, |name| vars.get(name).map(|(value, _)| value.clone()))
}

/// Replaces each `{name}` in `pattern` with `value(name)`, as [`substitute`] does.
pub(super) fn fill(pattern: &str, value: impl Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let name_len = after
            .find('}')
            .filter(|&n| n > 0 && after[..n].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        match name_len {
            Some(n) => {
                out.push_str(&value(&after[..n])?);
                rest = &after[n + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

pub(super) fn dirs_from(
    ctx: &Ctx,
    hits: &[&Hit],
    pick: impl Fn(&Detector) -> &Vec<String>,
) -> (Vec<String>, Vec<Evidence>) {
    let mut dirs: Vec<String> = Vec::new();
    let mut seen = Folders::default();
    let mut evidence = Vec::new();
    for hit in hits {
        let patterns: Vec<String> = pick(hit.detector)
            .iter()
            .filter_map(|p| substitute(p, ctx.vars))
            .collect();
        for dir in engine::project_dirs(ctx.index, &ctx.backend.project, &patterns) {
            if seen.overlaps(&dir) {
                continue;
            }
            evidence.push(Evidence::new(&dir, format!("{} convention", hit.detector.name)));
            seen.insert(&dir);
            dirs.push(dir);
        }
    }
    (dirs, evidence)
}

/// A directory of frontend components: most of its script files are Vue, Svelte or JSX
/// components. A server with a few `.tsx` email templates is still a server.
pub(super) fn looks_like_frontend(registry: &Registry, index: &RepoIndex, dir: &str) -> bool {
    let endings: Vec<&String> = registry
        .toolchains()
        .flat_map(|(_, t)| &t.frontend.components)
        .collect();
    let prefix = format!("{dir}/");
    let (mut components, mut scripts) = (0usize, 0usize);
    for f in index
        .files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix))
    {
        if endings.iter().any(|e| f.ends_with(e.as_str())) {
            components += 1;
        // Any other code counts against them: a Rails `app/` with Vue in `app/javascript`.
        } else if is_code_file(registry, f) && !f.ends_with(".d.ts") {
            scripts += 1;
        }
    }
    components > 0 && components >= scripts
}

pub(super) fn source_dirs(ctx: &Ctx) -> Field {
    let frameworks: Vec<&Hit> = ctx.backend.frameworks.iter().take(1).collect();
    let (mut dirs, mut evidence) = dirs_from(ctx, &frameworks, |d| &d.dirs.source);
    if dirs.is_empty() {
        let eco: Vec<&Hit> = ctx.backend.ecosystem_hits.iter().collect();
        (dirs, evidence) = dirs_from(ctx, &eco, |d| &d.dirs.source);
    }
    if dirs.len() > 1 {
        // Route folders are server code even when their pages are components (Fresh's `routes/`).
        const ROUTES: &[&str] = &["routes", "api", "server"];
        let keep: Vec<bool> = dirs
            .iter()
            .map(|d| ROUTES.contains(&crate::fs::file_name(d)) || !looks_like_frontend(ctx.registry, ctx.index, d))
            .collect();
        if keep.iter().any(|k| *k) {
            let mut i = 0;
            dirs.retain(|_| {
                i += 1;
                keep[i - 1]
            });
            let mut j = 0;
            evidence.retain(|_| {
                j += 1;
                keep[j - 1]
            });
        }
    }
    // A .NET app is its web project and the class libraries it references (Application,
    // Domain, Infrastructure): together they are the server code.
    if ctx.backend.project.ecosystem == Ecosystem::Dotnet && dirs.is_empty() {
        let project = &ctx.backend.project;
        dirs.push(project.dir.clone());
        evidence.push(Evidence::new(&project.manifest, "the backend project"));
        for linked in &ctx.backend.linked {
            if !dirs.iter().any(|d| is_within(linked, d)) {
                dirs.push(linked.clone());
                evidence.push(Evidence::new(linked, "a project the backend references"));
            }
        }
        dirs = by_parent(&dirs);
    }
    // A JVM application module's code goes on in the sibling modules it depends on
    // (`shop-domain/src/main/java` beside `shop-api/src/main/java`), laid out the same way.
    if ctx.backend.project.ecosystem == Ecosystem::Jvm {
        for dir in super::backend::linked_module_dirs(ctx.index, ctx.backend, |d| &d.dirs.source) {
            if !dirs.contains(&dir) {
                evidence.push(Evidence::new(&dir, "a module the backend depends on"));
                dirs.push(dir);
            }
        }
    }
    // A thin server crate (a `main.rs` that wires up the workspace) keeps its code in the crates
    // it links: those are the server code too.
    if ctx.backend.project.ecosystem == Ecosystem::Rust && !ctx.backend.linked.is_empty() {
        let rust_files = |dir: &str| {
            let prefix = format!("{dir}/");
            ctx.index
                .files
                .range(prefix.clone()..)
                .take_while(|f| f.starts_with(&prefix))
                .filter(|f| f.ends_with(".rs"))
                .count()
        };
        let own: usize = dirs.iter().map(|d| rust_files(d)).sum();
        let linked: Vec<(String, usize)> = ctx
            .backend
            .linked
            .iter()
            // A migration crate is the schema's history, already named by db_migrations_dirs.
            .filter(|member| !ctx.data_homes.iter().any(|h| is_within(&h.migrations, member)))
            .map(|member| crate::fs::join(member, "src"))
            .filter(|src| ctx.index.has_dir(src) && !dirs.iter().any(|d| is_within(src, d)))
            .map(|src| {
                let n = rust_files(&src);
                (src, n)
            })
            .collect();
        const THIN: usize = 10;
        if own <= THIN && linked.iter().map(|(_, n)| n).sum::<usize>() > 2 * own {
            for (src, _) in linked {
                evidence.push(Evidence::new(&src, "code of a crate the backend links"));
                dirs.push(src);
            }
        }
    }
    // An Nx workspace keeps every app under one package.json; the server is the application
    // whose `serve` target runs Node (`@nx/js:node`), and its code is that project's `sourceRoot`.
    if ctx.backend.project.ecosystem == Ecosystem::Node {
        let servers = nx_server_roots(ctx.index, &ctx.backend.project.dir);
        if !servers.is_empty() {
            let (dirs, evidence) = servers.into_iter().unzip();
            return Field::found_list(dirs, evidence);
        }
    }
    // Many app packages under one parent (`hc/accounts`, `hc/api`, … beside `hc/wsgi.py`) are
    // that parent, as its developers name it.
    const MANY: usize = 3;
    if dirs.len() >= MANY {
        let parent = common_parent(&dirs);
        if parent != "." {
            let reason = format!("holds {} of the framework's packages", dirs.len());
            return Field::found_list(vec![parent.clone()], vec![Evidence::new(&parent, reason)]);
        }
    }
    if dirs.is_empty() && ctx.backend.project.ecosystem == Ecosystem::Go {
        if let Some(packages) = go_package_dirs(ctx.index, &ctx.backend.project.dir) {
            let evidence = packages
                .iter()
                .map(|d| Evidence::new(d, "Go packages of the module, which has no Go file at its top"))
                .collect();
            return Field::found_list(packages, evidence);
        }
    }
    if dirs.is_empty() {
        let dir = ctx.backend.project.dir.clone();
        return Field::found_list(
            vec![dir],
            vec![Evidence::new(
                &ctx.backend.project.manifest,
                "the code sits beside the manifest",
            )],
        );
    }
    Field::found_list(dirs, evidence)
}

/// The top-level folders of Go code of a module without Go files of its own at the top (`cmd`,
/// `internal`, `pkg`, also beside `ui/` or `frontend/`), when there are at most a handful of
/// such folders; `None` otherwise (the module's directory is then its code).
fn go_package_dirs(index: &RepoIndex, module: &str) -> Option<Vec<String>> {
    const NOT_CODE: &[&str] = &[
        "examples",
        "example",
        "sdks",
        "sdk",
        "hack",
        "tools",
        "scripts",
        "docs",
        "test",
        "tests",
        "testdata",
        "e2e",
        "vendor",
        "migrations",
        "migration",
    ];
    const MOST: usize = 8;
    if index.files_in(module).any(|f| f.ends_with(".go")) {
        return None;
    }
    let prefix = if module == "." {
        String::new()
    } else {
        format!("{module}/")
    };
    let top: Vec<&String> = index
        .dirs
        .range(prefix.clone()..)
        .take_while(|d| d.starts_with(&prefix))
        .filter(|d| !d[prefix.len()..].contains('/'))
        .collect();
    let count = |dir: &str, wanted: &dyn Fn(&str) -> bool| {
        let inner = format!("{dir}/");
        index
            .files
            .range(inner.clone()..)
            .take_while(|f| f.starts_with(&inner))
            .filter(|f| wanted(f))
            .count()
    };
    let javascript = |dir: &str| count(dir, &|f| crate::fs::file_name(f) == "package.json") > 0;
    // Beside a JavaScript app, a folder with one Go file beside its assets (`configs/config.go`
    // embedding YAML, a frontend's `embed.go`) holds data, not the server's code.
    let least = if top.iter().any(|d| javascript(d)) { 2 } else { 1 };
    let go: Vec<String> = top
        .into_iter()
        .filter(|d| {
            let name = crate::fs::file_name(d);
            let go_files = count(d, &|f| f.ends_with(".go") && !f.ends_with("_test.go"));
            // A nested module (its own go.mod) is a project of its own.
            let nested = index.has_file(&crate::fs::join(d, "go.mod"));
            !name.starts_with('.') && !NOT_CODE.contains(&name) && !javascript(d) && !nested && go_files >= least
        })
        .cloned()
        .collect();
    (!go.is_empty() && go.len() <= MOST).then_some(go)
}

/// The `sourceRoot` of each Nx application in the workspace at `dir` (one with an `nx.json`)
/// whose `serve` target runs a Node server, with its `project.json` as evidence.
fn nx_server_roots(index: &RepoIndex, dir: &str) -> Vec<(String, Evidence)> {
    if !index.has_file(&crate::fs::join(dir, "nx.json")) {
        return Vec::new();
    }
    let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
    let mut roots = Vec::new();
    let files = index
        .files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix));
    for file in files.filter(|f| crate::fs::file_name(f) == "project.json") {
        // apps/api/project.json, not a fixture deep in a library.
        if file[prefix.len()..].matches('/').count() > 3 {
            continue;
        }
        let Some(project) = crate::ecosystems::json_object(index, file) else {
            continue;
        };
        let application = project.get("projectType").and_then(|v| v.as_str()) == Some("application");
        let executor = project
            .get("targets")
            .and_then(|t| t.get("serve"))
            .and_then(|s| s.get("executor"))
            .and_then(|e| e.as_str())
            .unwrap_or("");
        let node_server = executor.ends_with(":node") || executor.ends_with(":execute");
        let root = project
            .get("sourceRoot")
            .and_then(|v| v.as_str())
            .map(|r| crate::fs::join(dir, r));
        if let (true, true, Some(root)) = (application, node_server, root) {
            if index.dirs.contains(&root) {
                let reason = format!("Nx application served by {executor}");
                roots.push((root, Evidence::new(file, reason)));
            }
        }
    }
    roots
}

/// Project directories named by the folders that hold them (`tests/Api.Tests`,
/// `tests/Core.Tests` → `tests`): every folder holding two or more of them stands for them, the
/// rest are kept as they are, first-seen order.
pub(super) fn by_parent(dirs: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for dir in dirs {
        let parent = crate::fs::parent(dir);
        let siblings = dirs.iter().filter(|d| crate::fs::parent(d) == parent).count();
        let named = if siblings >= 2 && parent != "." {
            parent.to_string()
        } else {
            dir.clone()
        };
        if !out.iter().any(|d| is_within(&named, d)) {
            out.retain(|d| !is_within(d, &named));
            out.push(named);
        }
    }
    out
}

/// The deepest directory that holds every one of `dirs` (`.` when they share none).
fn common_parent(dirs: &[String]) -> String {
    let mut common: Vec<&str> = dirs[0].split('/').collect();
    for dir in &dirs[1..] {
        let parts: Vec<&str> = dir.split('/').collect();
        let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        common.truncate(same);
    }
    if common.is_empty() {
        ".".to_string()
    } else {
        common.join("/")
    }
}

/// Many directories of one name (`hc/api/tests`, `hc/front/tests`, …) become one glob
/// (`hc/**/tests`, or `*/src/test` when they are as deep as each other), so the rendered line stays readable; evidence keeps every directory.
pub(super) fn collapse(dirs: Vec<String>) -> Vec<String> {
    const MANY: usize = 4;
    let mut by_name: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for dir in &dirs {
        by_name.entry(crate::fs::file_name(dir)).or_default().push(dir);
    }
    let mut out: Vec<String> = Vec::new();
    // Each group's glob is made once, where its first directory stands.
    let mut done: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for dir in &dirs {
        let group = &by_name[crate::fs::file_name(dir)];
        if group.len() < MANY {
            out.push(dir.clone());
            continue;
        }
        if !done.insert(crate::fs::file_name(dir)) {
            continue;
        }
        if let Some(glob) = same_depth_glob(group) {
            if !out.contains(&glob) {
                out.push(glob);
            }
            continue;
        }
        let parents: Vec<&str> = group.iter().map(|d| crate::fs::parent(d)).collect();
        let mut common: Vec<&str> = parents[0].split('/').collect();
        for p in &parents[1..] {
            let parts: Vec<&str> = p.split('/').collect();
            let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
            common.truncate(same);
        }
        let glob = match common.join("/") {
            prefix if prefix.is_empty() || prefix == "." => format!("**/{}", crate::fs::file_name(dir)),
            prefix => format!("{prefix}/**/{}", crate::fs::file_name(dir)),
        };
        if !out.contains(&glob) {
            out.push(glob);
        }
    }
    out
}

/// Directories as deep as each other, one `*` for each level where they differ
/// (`app/src/test`, `core/src/test` → `*/src/test`): the narrowest glob that holds them all.
fn same_depth_glob(group: &[&String]) -> Option<String> {
    let split: Vec<Vec<&str>> = group.iter().map(|d| d.split('/').collect()).collect();
    let depth = split[0].len();
    if split.iter().any(|parts| parts.len() != depth) {
        return None;
    }
    let levels: Vec<&str> = (0..depth)
        .map(|i| {
            if split.iter().all(|p| p[i] == split[0][i]) {
                split[0][i]
            } else {
                "*"
            }
        })
        .collect();
    Some(levels.join("/"))
}

/// The existing directory a config value names. Paths are tried relative to the project, then
/// to the config file; `package:path` (Alembic) is looked up inside the package's directory.
pub(super) fn config_dir(index: &RepoIndex, project: &Project, value: &str, file: &str) -> Option<String> {
    let (package, path) = match value.split_once(':') {
        Some((pkg, rest))
            if !value.contains("://") && pkg.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') =>
        {
            (Some(pkg.replace('.', "/")), rest)
        }
        _ => (None, value),
    };
    let rel = engine::clean_path(path);
    let bases: Vec<String> = match &package {
        Some(pkg) => vec![
            project.path(pkg),
            project.path(&format!("src/{pkg}")),
            crate::fs::join(crate::fs::parent(file), "."),
        ],
        None => vec![project.dir.clone(), crate::fs::parent(file).to_string()],
    };
    let dirs: Vec<String> = bases.iter().map(|base| crate::fs::join(base, &rel)).collect();
    // A folder the config names may lie below the listing's depth (a nested Maven module's
    // `src/main/resources/flyway/sql/mysql`): then its files are looked for on demand.
    dirs.iter()
        .find(|dir| *dir != "." && index.has_dir(dir))
        .or_else(|| dirs.iter().find(|dir| *dir != "." && index.has_files_in(dir)))
        .cloned()
}

/// `project` as if it lived in `dir`, for paths that resolve elsewhere (repository root, a
/// sibling package).
pub(super) fn project_at(project: &Project, dir: &str) -> Project {
    let mut moved = project.clone();
    moved.dir = dir.to_string();
    moved
}

/// The project a hit's paths resolve against: the sibling it came from, or the backend.
pub(super) fn home_of(hit: &Hit, backend: &Project) -> Project {
    match &hit.from {
        Some(sibling) => (**sibling).clone(),
        None => backend.clone(),
    }
}

// ---------------------------------------------------------------------------------------------

/// A source file, by its extension (`[toolchain] code_extensions`, of every ecosystem): to tell a
/// test folder from a folder of test data.
pub(super) fn is_code_file(registry: &Registry, path: &str) -> bool {
    let extensions = registry.code_extensions();
    crate::fs::file_name(path)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| e == ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_is_one_pass_and_keeps_glob_braces() {
        let ev = || Evidence::new("x", "y");
        let vars: BTreeMap<String, (String, Evidence)> = [
            ("main".to_string(), ("{main}".to_string(), ev())),
            ("pkg".to_string(), ("app".to_string(), ev())),
        ]
        .into();
        assert_eq!(substitute("node {main}", &vars).as_deref(), Some("node {main}"));
        assert_eq!(
            substitute("src/{pkg}/*.{ts,js}/{pkg}", &vars).as_deref(),
            Some("src/app/*.{ts,js}/app")
        );
        assert_eq!(substitute("{missing} x", &vars), None);
        assert_eq!(substitute("a {", &vars).as_deref(), Some("a {"));
    }

    #[test]
    fn common_parents() {
        let dirs = |d: &[&str]| d.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_parent(&dirs(&["hc", "hc/api", "hc/front"])), "hc");
        assert_eq!(common_parent(&dirs(&["saleor/order", "saleor/graphql/app"])), "saleor");
        assert_eq!(common_parent(&dirs(&["accounts", "blog"])), ".");
    }

    #[test]
    fn many_same_named_dirs_collapse_to_a_glob() {
        let dirs: Vec<String> = [
            "hc/api/tests",
            "hc/front/tests",
            "hc/integrations/a/tests",
            "hc/integrations/b/tests",
            "hc/logs",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(collapse(dirs), ["hc/**/tests", "hc/logs"]);
        // As deep as each other: one `*` per level that differs, not `**`.
        let modules: Vec<String> = ["app/src/test", "core/src/test", "api/src/test", "web/src/test"]
            .map(String::from)
            .to_vec();
        assert_eq!(collapse(modules), ["*/src/test"]);
        let few: Vec<String> = ["a/tests", "b/tests"].map(String::from).to_vec();
        assert_eq!(collapse(few.clone()), few);
    }
}
