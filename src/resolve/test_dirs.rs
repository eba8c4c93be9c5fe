//! Test directories: test folders and test files of the backend's language, where they gather,
//! and whether the project has tests at all.

use super::backend::named;
use super::context::Ctx;
use super::dirs::{by_parent, collapse, dirs_from, is_code_file};
use crate::detect::Registry;
use crate::detect::analysis::Hit;
use crate::ecosystems::{Ecosystem, Project};
use crate::fs::is_within;
use crate::repo::folders::Folders;
use crate::repo::index::RepoIndex;
use crate::report::hints;
use crate::report::{Evidence, Field, FieldName};

/// Whether a file is written in a language of the ecosystem: a frontend's `*.spec.ts` inside a
/// .NET web project is not the backend's test.
pub(super) fn in_language(registry: &Registry, path: &str, eco: Ecosystem) -> bool {
    let extensions = &registry.toolchain(eco).extensions;
    crate::fs::file_name(path)
        .rsplit_once('.')
        .is_some_and(|(_, ext)| extensions.iter().any(|e| e == ext))
}

/// The test folders of the backend, `source` being its source folders.
pub(super) fn test_dirs(ctx: &Ctx, source: Vec<String>) -> Field {
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
    // A JVM application's code goes on in the sibling modules it depends on, and so do its tests.
    if eco == Ecosystem::Jvm {
        for dir in super::backend::linked_module_dirs(ctx.index, ctx.backend, |d| &d.dirs.tests) {
            if !dirs.contains(&dir) && has_code(ctx.registry, ctx.index, &dir) {
                evidence.push(Evidence::new(&dir, "tests of a module the backend depends on"));
                dirs.push(dir);
            }
        }
    }
    let dirs_found = !dirs.is_empty();
    // The same folders as a set, kept in step with `dirs`, for the per-file question below.
    let mut found = Folders::new(&dirs);
    // Unit tests beside the code (`src/**/*.spec.ts`, `app/test_x.py`) make a source dir a test
    // dir too, next to a separate e2e or integration folder.
    for dir in source {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        let beside = ctx
            .index
            .files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix))
            .filter(|f| {
                test_file_name(ctx.registry, crate::fs::file_name(f)).is_some() && in_language(ctx.registry, f, eco)
            })
            .filter(|f| !found.holds(f))
            .find(|f| is_test_file(ctx.registry, ctx.index, f))
            .cloned();
        if let Some(file) = beside {
            // Tests that all sit in one folder inside the code (`src/api/tests/`) are that folder.
            let (test_dir, reason) = match tests_folder(ctx.registry, ctx.index, &prefix, &file) {
                Some(folder) => (folder, "every test file inside the code is in this folder"),
                // Go keeps `_test.go` files in every package: the module is the test tree.
                None if dir == "." && eco == Ecosystem::Go => (dir, "Go tests sit beside the code"),
                None if dir == "." => match test_home(ctx.registry, ctx.index, eco, &file, &found) {
                    Some(home) => (home, "every test file beside the code is in this folder"),
                    // A folder, never the file itself: the tests sit beside the code there.
                    None => (crate::fs::parent(&file).to_string(), "test file beside the code"),
                },
                None => (dir, "test file beside the code"),
            };
            evidence.push(Evidence::new(&file, reason));
            let inside: Vec<String> = found.inside(&test_dir).cloned().collect();
            if !inside.is_empty() {
                dirs.retain(|d| !is_within(d, &test_dir));
                inside.iter().for_each(|d| found.remove(d));
            }
            found.insert(&test_dir);
            dirs.push(test_dir);
        } else if !dirs_found && ctx.backend.project.ecosystem == Ecosystem::Rust {
            if let Some(file) = inline_rust_tests(ctx.index, &prefix) {
                evidence.push(Evidence::new(&file, "#[cfg(test)] module in the code"));
                found.insert(&dir);
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
        for file in ctx.index.files_in(project_dir).filter(|f| {
            // The name first: it rules out nearly every file without a lookup.
            test_file_name(ctx.registry, crate::fs::file_name(f)).is_some()
                && in_language(ctx.registry, f, eco)
                && is_test_file(ctx.registry, ctx.index, f)
        }) {
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

/// A test anywhere in the repository, in the ecosystem's language: the first test-named file
/// listed, else the first test folder (`src/test`, `tests`) with a test file below the listing's
/// depth (a Java package tree), looked into for at most a few such folders.
pub(super) fn first_test_file<'i>(registry: &Registry, index: &'i RepoIndex, eco: Ecosystem) -> Option<&'i str> {
    const FOLDERS_PROBED: usize = 16;
    let is_test =
        |f: &str| test_file_name(registry, crate::fs::file_name(f)).is_some() && in_language(registry, f, eco);
    if let Some(file) = index.files.iter().find(|f| is_test(f)) {
        return Some(file);
    }
    index
        .dirs
        .iter()
        .filter(|d| named(&registry.conventions.dirs.tests, crate::fs::file_name(d)))
        .take(FOLDERS_PROBED)
        .find(|d| index.any_file_below(d, is_test))
        .map(String::as_str)
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
        test_file_name(registry, crate::fs::file_name(f)).is_some() && in_language(registry, f, project.ecosystem)
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
pub(super) fn test_home(
    registry: &Registry,
    index: &RepoIndex,
    eco: Ecosystem,
    file: &str,
    found: &Folders,
) -> Option<String> {
    let (top, _) = file.split_once('/')?;
    let elsewhere = index.files.iter().any(|f| {
        !is_within(f, top)
            && test_file_name(registry, crate::fs::file_name(f)).is_some()
            && in_language(registry, f, eco)
            && !found.holds(f)
    });
    (!elsewhere).then(|| top.to_string())
}

/// The test-named folder (`tests`, `__tests__`, …) below `prefix` that holds `file`, when every
/// test file below `prefix` is in it.
pub(super) fn tests_folder(registry: &Registry, index: &RepoIndex, prefix: &str, file: &str) -> Option<String> {
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
pub(super) fn test_file_name(registry: &Registry, name: &str) -> Option<bool> {
    if crate::detect::engine::ends_like_test(registry.test_suffixes(), name) {
        return Some(true);
    }
    let python =
        name.ends_with("_test.py") || (name.starts_with("test_") && name.ends_with(".py")) || name == "tests.py";
    python.then_some(false)
}

/// A test module. A Python name is only a convention, so the module must also hold a test
/// (`def test…`, `class Test…`, a `TestCase`): Django's `management/commands/test_email.py` is
/// a command, not a test.
pub(super) fn is_test_file(registry: &Registry, index: &RepoIndex, path: &str) -> bool {
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

/// Whether `dir` (or, for a file, the file itself) holds source code.
pub(super) fn has_code(registry: &Registry, index: &RepoIndex, dir: &str) -> bool {
    if index.has_file(dir) {
        return is_code_file(registry, dir);
    }
    index.any_file_below(dir, |f| is_code_file(registry, f))
}

/// The first `.rs` file below `prefix` with a `#[cfg(test)]` module or a `#[test]`: Rust keeps unit tests
/// inside the code. Reads at most a few dozen files, so a large crate stays cheap.
pub(super) fn inline_rust_tests(index: &RepoIndex, prefix: &str) -> Option<String> {
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
