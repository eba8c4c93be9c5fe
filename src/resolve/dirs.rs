//! Source, test and migration directories: detector candidates resolved against the index,
//! config-named locations, and conventions when no tool says.

use super::backend::named;
use super::context::{Ctx, DataHome};
use crate::detect::analysis::Hit;
use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Detector, Registry, Sets};
use crate::ecosystems::{Ecosystem, Project};
use crate::fs::is_within;
use crate::repo::index::RepoIndex;
use crate::report::FieldName;
use crate::report::hints;
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
    let mut evidence = Vec::new();
    for hit in hits {
        let patterns: Vec<String> = pick(hit.detector)
            .iter()
            .filter_map(|p| substitute(p, ctx.vars))
            .collect();
        for dir in engine::project_dirs(ctx.index, &ctx.backend.project, &patterns) {
            if dirs.iter().any(|d| is_within(&dir, d) || is_within(d, &dir)) {
                continue;
            }
            evidence.push(Evidence::new(&dir, format!("{} convention", hit.detector.name)));
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
        let candidates: Vec<String> = ctx
            .backend
            .ecosystem_hits
            .iter()
            .flat_map(|h| h.detector.dirs.source.clone())
            .collect();
        for linked in &ctx.backend.linked {
            let module = project_at(&ctx.backend.project, linked);
            for dir in engine::project_dirs(ctx.index, &module, &candidates) {
                if !dirs.contains(&dir) {
                    evidence.push(Evidence::new(&dir, "a module the backend depends on"));
                    dirs.push(dir);
                }
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
                .map(|d| Evidence::new(d, "Go packages of the module, beside a JavaScript app"))
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
                "server code sits beside the manifest",
            )],
        );
    }
    Field::found_list(dirs, evidence)
}

/// The top-level folders of Go code of a module that shares its directory with a JavaScript app
/// or SDK (`cmd`, `internal`, `pkg` beside `ui/` or `frontend/`), when it has no Go files of its
/// own at the top and at most a handful of such folders; `None` otherwise (the module's
/// directory is then its code).
fn go_package_dirs(index: &RepoIndex, module: &str) -> Option<Vec<String>> {
    const NOT_CODE: &[&str] = &[
        "examples", "example", "sdks", "sdk", "hack", "tools", "scripts", "docs", "test", "tests", "testdata", "e2e",
        "vendor",
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
    if !top.iter().any(|d| javascript(d)) {
        return None;
    }
    // A folder with one Go file beside its assets (`configs/config.go` embedding YAML, a
    // frontend's `embed.go`) holds data, not the server's code.
    let go: Vec<String> = top
        .into_iter()
        .filter(|d| {
            let name = crate::fs::file_name(d);
            let go_files = count(d, &|f| f.ends_with(".go") && !f.ends_with("_test.go"));
            !name.starts_with('.') && !NOT_CODE.contains(&name) && !javascript(d) && go_files >= 2
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

/// Whether a file is written in a language of the ecosystem: a frontend's `*.spec.ts` inside a
/// .NET web project is not the backend's test.
fn in_language(registry: &Registry, path: &str, eco: Ecosystem) -> bool {
    let extensions = &registry.toolchain(eco).extensions;
    crate::fs::file_name(path)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| e == ext))
}

pub(super) fn test_dirs(ctx: &Ctx) -> Field {
    let eco = ctx.backend.project.ecosystem;
    let hits: Vec<&Hit> = ctx
        .backend
        .tests
        .iter()
        .chain(&ctx.backend.frameworks)
        .chain(&ctx.backend.ecosystem_hits)
        .collect();
    let (conventional, conventional_evidence) = dirs_from(ctx, &hits, |d| &d.dirs.tests);
    // A folder named like tests that holds no code (import fixtures, snapshots) is not one.
    let mut dirs = Vec::new();
    let mut evidence = Vec::new();
    for (dir, ev) in conventional.into_iter().zip(conventional_evidence) {
        if has_code(ctx.registry, ctx.index, &dir) {
            dirs.push(dir);
            evidence.push(ev);
        }
    }
    let dirs_found = !dirs.is_empty();
    // Unit tests beside the code (`src/**/*.spec.ts`, `app/test_x.py`) make a source dir a test
    // dir too, next to a separate e2e or integration folder.
    for dir in source_dirs(ctx).items.unwrap_or_default() {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        let beside = ctx
            .index
            .files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix))
            .filter(|f| !dirs.iter().any(|d| is_within(f, d)))
            .find(|f| in_language(ctx.registry, f, eco) && is_test_file(ctx.registry, ctx.index, f))
            .cloned();
        if let Some(file) = beside {
            // At the root, the file itself says more than `.` would; tests that all sit in one
            // folder inside the code (`src/api/tests/`) are that folder.
            let (test_dir, reason) = match tests_folder(ctx.registry, ctx.index, &prefix, &file) {
                Some(folder) => (folder, "every test file inside the code is in this folder"),
                // Go keeps `_test.go` files in every package: the module is the test tree.
                None if dir == "." && eco == Ecosystem::Go => (dir, "Go tests sit beside the code"),
                None if dir == "." => match test_home(ctx.registry, ctx.index, eco, &file, &dirs) {
                    Some(home) => (home, "every test file beside the code is in this folder"),
                    None => (file.clone(), "test file beside the code"),
                },
                None => (dir, "test file beside the code"),
            };
            evidence.push(Evidence::new(&file, reason));
            dirs.retain(|d| !is_within(d, &test_dir));
            dirs.push(test_dir);
        } else if !dirs_found && ctx.backend.project.ecosystem == Ecosystem::Rust {
            if let Some(file) = inline_rust_tests(ctx.index, &prefix) {
                evidence.push(Evidence::new(&file, "#[cfg(test)] module in the code"));
                dirs.push(dir);
            }
        }
    }
    if dirs.is_empty() && ctx.backend.project.ecosystem == Ecosystem::Rust {
        // A thin server crate leaves the tests to the workspace crates it links (the nearest
        // few: enough to name where tests live without reading a whole workspace).
        const LINKED_CHECKED: usize = 24;
        for member in ctx.backend.linked.iter().take(LINKED_CHECKED) {
            let tests = crate::fs::join(member, "tests");
            if ctx.index.has_dir(&tests) && has_code(ctx.registry, ctx.index, &tests) {
                evidence.push(Evidence::new(&tests, "tests of a crate the backend links"));
                dirs.push(tests);
            }
            let src = crate::fs::join(member, "src");
            if let Some(file) = inline_rust_tests(ctx.index, &format!("{src}/")) {
                evidence.push(Evidence::new(&file, "#[cfg(test)] module in a crate the backend links"));
                dirs.push(src);
            }
        }
    }
    if dirs.is_empty() {
        // Test modules at the top of the project (`tests.py` beside `app/`) are the tests.
        let project_dir = ctx.backend.project.dir.as_str();
        for file in ctx
            .index
            .files_in(project_dir)
            .filter(|f| in_language(ctx.registry, f, eco) && is_test_file(ctx.registry, ctx.index, f))
        {
            evidence.push(Evidence::new(file, "test file beside the code"));
            dirs.push(file.to_string());
        }
    }
    if dirs.is_empty() && !ctx.test_projects.is_empty() {
        // Tests in projects of their own (.NET test projects beside the app's): those, or the
        // folder that holds them all.
        for dir in &ctx.test_projects {
            evidence.push(Evidence::new(dir, "test project"));
        }
        dirs = by_parent(&ctx.test_projects);
    }
    if !dirs.is_empty() {
        return Field::found_list(collapse(dirs), evidence);
    }
    Field::unknown(hints::unknown(
        FieldName::TestDirs,
        "no tests directory and no test files beside the code",
    ))
}

/// Whether the project holds any test: a test-named file in its language or a test folder.
pub(super) fn has_tests(registry: &Registry, index: &RepoIndex, project: &Project) -> bool {
    let prefix = if project.dir == "." {
        String::new()
    } else {
        format!("{}/", project.dir)
    };
    let under = |p: &&String| p.starts_with(&prefix);
    let test_file = index.files.range(prefix.clone()..).take_while(under).any(|f| {
        in_language(registry, f, project.ecosystem) && test_file_name(registry, crate::fs::file_name(f)).is_some()
    });
    test_file
        || index
            .dirs
            .range(prefix.clone()..)
            .take_while(under)
            .any(|d| named(&registry.conventions.dirs.tests, crate::fs::file_name(d)))
}

/// The top-level folder holding `file` (`app/` for `app/app.test.ts`), when every test file of
/// the ecosystem's language outside the already found test dirs is in it: code kept in one
/// folder of the repository root, with its tests beside it.
fn test_home(registry: &Registry, index: &RepoIndex, eco: Ecosystem, file: &str, found: &[String]) -> Option<String> {
    let (top, _) = file.split_once('/')?;
    let prefix = format!("{top}/");
    let elsewhere = index.files.iter().any(|f| {
        !f.starts_with(&prefix)
            && !found.iter().any(|d| is_within(f, d))
            && in_language(registry, f, eco)
            && test_file_name(registry, crate::fs::file_name(f)).is_some()
    });
    (!elsewhere).then(|| top.to_string())
}

/// The test-named folder (`tests`, `__tests__`, …) below `prefix` that holds `file`, when every
/// test file below `prefix` is in it.
fn tests_folder(registry: &Registry, index: &RepoIndex, prefix: &str, file: &str) -> Option<String> {
    let rel = file.strip_prefix(prefix)?;
    let parts: Vec<&str> = rel.split('/').collect();
    let tests = &registry.conventions.dirs.tests;
    let depth = parts[..parts.len() - 1].iter().position(|p| named(tests, p))?;
    let folder = format!("{prefix}{}", parts[..=depth].join("/"));
    let elsewhere = index
        .files
        .range(prefix.to_string()..)
        .take_while(|f| f.starts_with(prefix))
        .any(|f| test_file_name(registry, crate::fs::file_name(f)).is_some() && !is_within(f, &folder));
    (!elsewhere).then_some(folder)
}

/// What a file name says of a test module: `Some(true)` for a certain one (`*.spec.ts`, a
/// `[toolchain] test_suffixes` ending), `Some(false)` for a Python name that only follows the
/// convention (`test_*.py`, `*_test.py`, `tests.py`), `None` for anything else.
fn test_file_name(registry: &Registry, name: &str) -> Option<bool> {
    // Every convention has `st` (test, Test), `pe` (spec) or `IT` in the name (detector
    // validation holds the suffixes to it): in a large tree nearly every file fails this one
    // pass, before the suffixes are tried one by one.
    let hints = |pair: &[u8]| matches!(pair, b"st" | b"pe" | b"IT");
    if !name.as_bytes().windows(2).any(hints) {
        return None;
    }
    if registry.test_suffixes().iter().any(|s| name.ends_with(s.as_str())) {
        return Some(true);
    }
    let python =
        name.ends_with("_test.py") || (name.starts_with("test_") && name.ends_with(".py")) || name == "tests.py";
    python.then_some(false)
}

/// A test module. A Python name is only a convention, so the module must also hold a test
/// (`def test…`, `class Test…`, a `TestCase`): Django's `management/commands/test_email.py` is
/// a command, not a test.
fn is_test_file(registry: &Registry, index: &RepoIndex, path: &str) -> bool {
    match test_file_name(registry, crate::fs::file_name(path)) {
        Some(true) => true,
        Some(false) => {
            !path.contains("/management/commands/")
                && index.read(path).is_some_and(|text| {
                    text.contains("def test") || text.contains("class Test") || text.contains("TestCase")
                })
        }
        None => false,
    }
}

/// A source file, by its extension (`[toolchain] code_extensions`, of every ecosystem): to tell a
/// test folder from a folder of test data.
pub(super) fn is_code_file(registry: &Registry, path: &str) -> bool {
    let extensions = registry.code_extensions();
    crate::fs::file_name(path)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| e == ext))
}

/// Whether `dir` (or, for a file, the file itself) holds source code.
fn has_code(registry: &Registry, index: &RepoIndex, dir: &str) -> bool {
    if index.has_file(dir) {
        return is_code_file(registry, dir);
    }
    index.any_file_below(dir, |f| is_code_file(registry, f))
}

/// The first `.rs` file below `prefix` with a `#[cfg(test)]` module or a `#[test]`: Rust keeps unit tests
/// inside the code. Reads at most a few dozen files, so a large crate stays cheap.
fn inline_rust_tests(index: &RepoIndex, prefix: &str) -> Option<String> {
    const MAX_FILES: usize = 48;
    index
        .files
        .range(prefix.to_string()..)
        .take_while(|f| f.starts_with(prefix))
        .filter(|f| f.ends_with(".rs"))
        .take(MAX_FILES)
        .find(|f| {
            index
                .read(f)
                .is_some_and(|text| text.contains("#[cfg(test)]") || text.contains("#[test]"))
        })
        .cloned()
}

/// Project directories named by the folders that hold them (`tests/Api.Tests`,
/// `tests/Core.Tests` → `tests`): every folder holding two or more of them stands for them, the
/// rest are kept as they are, first-seen order.
fn by_parent(dirs: &[String]) -> Vec<String> {
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
/// (`hc/**/tests`), so the rendered line stays readable; evidence keeps every directory.
pub(super) fn collapse(dirs: Vec<String>) -> Vec<String> {
    const MANY: usize = 4;
    let mut by_name: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for dir in &dirs {
        by_name.entry(crate::fs::file_name(dir)).or_default().push(dir);
    }
    let mut out: Vec<String> = Vec::new();
    for dir in &dirs {
        let group = &by_name[crate::fs::file_name(dir)];
        if group.len() < MANY {
            out.push(dir.clone());
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

pub(super) fn migration_dirs(ctx: &Ctx, tools: &[&Hit]) -> (Vec<String>, Vec<Evidence>, Vec<DataHome>) {
    let mut dirs: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    let mut homes: Vec<DataHome> = Vec::new();
    let project = &ctx.backend.project;
    for hit in tools {
        let home = home_of(hit, project);
        let project = &home;
        let mut from_config = false;
        // Migrations a config places outside the project (`sqlx::migrate!("../../migrations")`
        // in a workspace member) are applied from the directory that holds them.
        let mut runs_in = project.clone();
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Migrations) {
            for ConfigValue { value, file } in engine::read_config(hit.detector, read, ctx.index, project) {
                let Some(dir) = config_dir(ctx.index, project, &value, &file) else {
                    continue;
                };
                if !dirs.contains(&dir) {
                    evidence.push(Evidence::new(
                        &file,
                        format!("{} config puts migrations in {dir}", hit.detector.name),
                    ));
                    if !is_within(&dir, &project.dir) && !from_config {
                        runs_in = project_at(project, crate::fs::parent(&dir));
                    }
                    dirs.push(dir);
                    from_config = true;
                }
            }
        }
        if from_config {
            homes.push(DataHome {
                detector_id: hit.detector.id.clone(),
                hit_dir: project.dir.clone(),
                project: runs_in,
                migrations: dirs.last().cloned().unwrap_or_default(),
            });
            continue;
        }
        let patterns: Vec<String> = hit
            .detector
            .dirs
            .migrations
            .iter()
            .filter_map(|p| substitute(p, ctx.vars))
            .collect();
        for pattern in &patterns {
            let mut runs_in = project.clone();
            let mut found = engine::project_dirs(ctx.index, project, std::slice::from_ref(pattern));
            // A test app's migrations (`saleor/tests/migrations`) are not the product's.
            let tests = &ctx.registry.conventions.dirs.tests;
            found.retain(|dir| !dir.split('/').any(|part| named(tests, part)));
            // A glob from the root would find other packages' migrations (`*/*/Migrations`).
            if found.is_empty() && project.dir != "." && !pattern.contains('*') {
                // Workspace members share migrations at the repository root; the tool runs there.
                runs_in = project_at(project, ".");
                found = engine::project_dirs(ctx.index, &runs_in, std::slice::from_ref(pattern));
            }
            if found.is_empty() {
                continue;
            }
            homes.push(DataHome {
                detector_id: hit.detector.id.clone(),
                hit_dir: project.dir.clone(),
                project: runs_in,
                migrations: found[0].clone(),
            });
            for dir in found {
                if !dirs.iter().any(|d| is_within(&dir, d) || is_within(d, &dir)) {
                    evidence.push(Evidence::new(&dir, format!("{} default location", hit.detector.name)));
                    dirs.push(dir);
                }
            }
            break;
        }
    }
    if dirs.is_empty() && (!ctx.backend.databases.is_empty() || !tools.is_empty()) {
        // No tool location exists: a directory named like migrations still answers the question.
        for dir in migration_named_dirs(ctx.registry, ctx.index, &ctx.backend.project) {
            evidence.push(Evidence::new(&dir, "directory named like migrations"));
            dirs.push(dir);
        }
    }
    (dirs, evidence, homes)
}

/// The shallowest directories in the project named `migrations`, `migration`, `db/migrate`-like
/// or `*_migrations`, outside tests, fixtures, docs and examples.
pub(super) fn migration_named_dirs(registry: &Registry, index: &RepoIndex, project: &Project) -> Vec<String> {
    const MAX_DEPTH: usize = 5;
    let prefix = if project.dir == "." {
        String::new()
    } else {
        format!("{}/", project.dir)
    };
    let candidates: Vec<(usize, &String)> = index
        .dirs
        .iter()
        .filter_map(|dir| {
            let rel = dir.strip_prefix(&prefix)?;
            let parts: Vec<&str> = rel.split('/').collect();
            let name = *parts.last()?;
            // `migrate` only as Rails and Hanami use it (`db/migrate`): elsewhere it is often code
            // that migrates something else (gotify's `config/migrate`).
            let db_migrate = name == "migrate" && parts.len() >= 2 && parts[parts.len() - 2] == "db";
            let named = db_migrate || name.ends_with("migrations") || name == "migration";
            let excluded = parts
                .iter()
                .any(|p| super::backend::named(&registry.conventions.dirs.not_backend, p) || *p == "node_modules");
            (named && !excluded && parts.len() <= MAX_DEPTH).then_some((parts.len(), dir))
        })
        .collect();
    let shallowest = candidates.iter().map(|(depth, _)| *depth).min().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|(depth, _)| *depth == shallowest)
        .map(|(_, dir)| dir.clone())
        .collect()
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
    bases
        .iter()
        .map(|base| crate::fs::join(base, &rel))
        .find(|dir| dir != "." && index.has_dir(dir))
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
        let few: Vec<String> = ["a/tests", "b/tests"].map(String::from).to_vec();
        assert_eq!(collapse(few.clone()), few);
    }
}
