//! What every field's resolution of the backend project reads besides its detector hits: the
//! package manager, the variables command templates use, tasks above the backend that work on
//! it, the Cargo workspace it belongs to, and its test projects.

use super::backend::named;
use crate::detect::Registry;
use crate::detect::analysis::Analysis;
use crate::ecosystems::runner::{Runner, Tool};
use crate::ecosystems::{self, Ecosystem, Project, Task};
use crate::fs::is_within;
use crate::repo::index::RepoIndex;
use crate::report::Evidence;
use crate::signals::ci::CiCommands;
use crate::signals::guides::DocumentedCommand;
use std::collections::BTreeMap;

/// What one scan knows before resolve decides anything: the detectors (built in and the
/// repository's own), the index of the repository, and its CI commands, read once on first use.
pub struct Facts<'a> {
    pub registry: &'a Registry,
    pub index: &'a RepoIndex,
    pub ci: CiCommands<'a>,
}

pub struct Ctx<'a, 'r> {
    pub registry: &'r Registry,
    pub index: &'a RepoIndex,
    pub ci: &'a CiCommands<'a>,
    pub backend: &'a Analysis<'r>,
    /// Every project of the repository, the backend among them.
    pub all: &'a [Analysis<'r>],
    pub runner: &'a Runner,
    pub vars: &'a BTreeMap<String, (String, Evidence)>,
    /// Data-tool commands run from the repository root (migrations live there, not in the member).
    pub data_homes: Vec<DataHome>,
    /// Makefile/justfile targets of directories above the backend that work on it, with the
    /// directory each runs in.
    pub ancestor_tasks: Vec<(Task, String)>,
    /// The Cargo workspace root, where `cargo … -p CRATE` and `--workspace` commands run.
    pub cargo_root: Option<String>,
    /// Root scripts that run the backend's script of the same name in every workspace package
    /// (`turbo run dev`), with the directory each runs in: they come first.
    pub orchestrating_tasks: Vec<Orchestrated>,
    /// Directories of the repository's test projects of the backend's ecosystem (projects of
    /// their own with a test runner, as .NET keeps them), when the backend has no runner itself.
    pub test_projects: Vec<String>,
    /// The shell lines of the guides beside the backend and at the root, parsed on first use:
    /// the dev, test, migrate, build and console rules all read them.
    pub guides: std::cell::OnceCell<Vec<DocumentedCommand>>,
}

impl Ctx<'_, '_> {
    /// The shell lines of the backend's guides and the root's (`signals::guides`), nearest first.
    pub fn guides(&self) -> &[DocumentedCommand] {
        self.guides.get_or_init(|| {
            let dir = self.backend.project.dir.as_str();
            let files = &self.registry.conventions.files;
            let guides = crate::signals::guides::GuideNames {
                names: &files.guides,
                folders: &files.guide_folders,
                folder_names: &files.folder_guides,
            };
            crate::signals::guides::commands(self.index, &[dir, "."], &guides)
        })
    }
}

/// A root script that runs one of the backend's scripts in every workspace package.
#[derive(Debug, Clone)]
pub struct Orchestrated {
    /// The root's script (`"dev": "turbo run dev"`).
    pub task: Task,
    /// The directory it runs in.
    pub dir: String,
    /// The backend's script it runs (`dev`, or `do-test` for a root `test`).
    pub runs: String,
}

pub fn test_projects(registry: &Registry, backend: &Analysis, all: &[Analysis]) -> Vec<String> {
    if !backend.tests.is_empty() {
        return Vec::new();
    }
    all.iter()
        .filter(|a| a.project.ecosystem == backend.project.ecosystem && a.project.dir != backend.project.dir)
        // A project with a framework of its own is an app, unless it is named for tests and runs
        // the backend inside them (an ASP.NET `IntegrationTests` project on the Web SDK that
        // references the app's); a worker that links the API is an app.
        .filter(|a| {
            let named_for_tests = crate::fs::file_name(&a.project.dir)
                .to_ascii_lowercase()
                .contains("test");
            !a.tests.is_empty()
                && (a.frameworks.is_empty() || (named_for_tests && a.linked.contains(&backend.project.dir)))
        })
        .filter(|a| {
            let parts = a.project.dir.split('/');
            !parts
                .into_iter()
                .any(|p| named(&registry.conventions.dirs.not_backend, p) && p != "test" && p != "tests")
        })
        .map(|a| a.project.dir.clone())
        .collect()
}

/// Variables for commands that run from the build tool's root (`from_build_root`): the tool
/// (`./gradlew` or `gradle`, `./mvnw` or `mvn`) and how it selects the backend from there
/// (`:app:` task paths, `-pl app`, `--project src/Web`).
pub fn build_root_vars(
    index: &RepoIndex,
    backend: &Analysis,
    all: &[Analysis],
    runner: &Runner,
    vars: &mut BTreeMap<String, (String, Evidence)>,
) {
    let project = &backend.project;
    let below_root = if runner.root_dir == "." {
        Some(project.dir.as_str())
    } else {
        project.dir.strip_prefix(&format!("{}/", runner.root_dir))
    };
    let relative = match below_root {
        _ if project.dir == runner.root_dir => None,
        Some(rel) if rel != "." => Some(rel.to_string()),
        _ => None,
    };
    let evidence = runner.evidence.clone();
    let wrapped = runner.wrapper;
    // A JVM application whose sibling modules hold tests too (its code goes on in them) is
    // tested from the build root, every module at once, as the build's CI does.
    let module_tests = relative.as_ref().and_then(|_| {
        super::backend::linked_module_dirs(index, backend, |d| &d.dirs.tests)
            .into_iter()
            .next()
    });
    let whole_build = |vars: &mut BTreeMap<String, (String, Evidence)>, name: &str, one: String| {
        let value = match &module_tests {
            Some(tests) => (
                String::new(),
                Evidence::new(tests, "a module the backend depends on has tests"),
            ),
            None => (one, evidence.clone()),
        };
        vars.insert(name.to_string(), value);
    };
    let mut set = |name: &str, value: String| {
        vars.insert(name.to_string(), (value, evidence.clone()));
    };
    match runner.tool {
        Tool::Gradle => {
            set("gradle", if wrapped { "./gradlew".into() } else { "gradle".into() });
            let path = relative
                .map(|r| crate::ecosystems::gradle_project_path(index, &runner.root_dir, &r))
                .unwrap_or_default();
            set("gradle_project", path.clone());
            whole_build(vars, "gradle_test_project", path);
        }
        Tool::Maven => {
            set("mvn", if wrapped { "./mvnw".into() } else { "mvn".into() });
            let module = relative.map(|r| format!(" -pl {r}")).unwrap_or_default();
            set("maven_module", module.clone());
            whole_build(vars, "maven_test_module", module);
        }
        Tool::Dotnet => {
            // `dotnet run` needs the project when the solution holds several.
            let project_arg = relative.as_ref().map(|r| format!(" --project {r}")).unwrap_or_default();
            set("dotnet_project", project_arg);
            set("backend_project", relative.unwrap_or_else(|| ".".into()));
            let solution = dotnet_solution(index, &runner.root_dir, &project.manifest);
            let arg = solution
                .as_deref()
                .map(|s| format!(" {}", crate::fs::file_name(s)))
                .unwrap_or_default();
            set("dotnet_solution", arg);
            // An Aspire AppHost of the backend's own solution (not a sample's beside it) starts the
            // services with the containers they need.
            let in_solution = |manifest: &str| {
                let name = crate::fs::file_name(manifest);
                index
                    .files_in(&runner.root_dir)
                    .filter(|f| [".sln", ".slnx", ".slnf"].iter().any(|e| f.ends_with(e)))
                    .any(|f| index.read(f).is_some_and(|text| text.contains(name)))
            };
            let apphost = all.iter().find(|a| {
                a.project.ecosystem == Ecosystem::Dotnet
                    && ["aspire.apphost.sdk", "aspire.hosting.apphost"]
                        .iter()
                        .any(|d| a.project.deps.contains_key(*d))
                    && in_solution(&a.project.manifest)
            });
            if let Some(apphost) = apphost {
                let dir = &apphost.project.dir;
                let rel = dir.strip_prefix(&format!("{}/", runner.root_dir)).unwrap_or(dir);
                let why = Evidence::new(&apphost.project.manifest, "Aspire AppHost");
                vars.insert("aspire_apphost".into(), (rel.to_string(), why));
            }
        }
        _ => {}
    }
}

/// The solution `dotnet build` and `dotnet test` are given when the build root holds several
/// (`Everything.sln` beside `Shop.sln`, or a `.slnf` filter). Of those that include the backend's
/// project file: a solution filter (it exists to pick a buildable subset), else the solution
/// named like the directory (`eShopOnWeb/eShopOnWeb.sln`), else the one with the fewest
/// projects. `None` with one solution or none.
fn dotnet_solution(index: &RepoIndex, root: &str, manifest: &str) -> Option<String> {
    let solutions: Vec<&str> = index
        .files_in(root)
        .filter(|f| [".sln", ".slnx", ".slnf"].iter().any(|e| f.ends_with(e)))
        .collect();
    if solutions.len() < 2 {
        return None;
    }
    let project_file = crate::fs::file_name(manifest);
    let dir_name = match root {
        "." => index
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir => crate::fs::file_name(dir).to_string(),
    };
    solutions
        .iter()
        .filter_map(|s| {
            let text = index.read(s)?;
            let name = crate::fs::file_name(s);
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            let rank = (
                !s.ends_with(".slnf"),
                !stem.eq_ignore_ascii_case(&dir_name),
                text.matches("proj").count(),
            );
            text.contains(project_file).then_some((rank, *s))
        })
        .min()
        .map(|(_, s)| s.to_string())
}

/// Tasks above a backend in a sub-directory that work on it, nearest directory first, each with
/// the directory it runs in: every Makefile/justfile target of the Cargo workspace the backend
/// belongs to (a workspace's `just run` drives its members), targets whose recipe names the
/// backend's directory (`test: cd backend && uv run pytest`), and, for a Node backend, root
/// package.json scripts that delegate to it (`turbo run dev --filter=api`, `pnpm -F api test`).
pub fn ancestor_tasks_for(
    index: &RepoIndex,
    project: &Project,
    all: &[Analysis],
    cargo_root: Option<&str>,
) -> Vec<(Task, String)> {
    if project.dir == "." {
        return Vec::new();
    }
    let mut tasks = Vec::new();
    for dir in crate::fs::ancestors(&project.dir).skip(1) {
        let in_workspace = cargo_root.is_some_and(|root| is_within(dir, root));
        let below = project.dir.strip_prefix(&format!("{dir}/")).unwrap_or(&project.dir);
        for task in ecosystems::runner_tasks(index, dir) {
            if in_workspace || task.body.contains(below) {
                tasks.push((task, dir.to_string()));
            }
        }
        if project.ecosystem != Ecosystem::Node {
            continue;
        }
        let scripts = all
            .iter()
            .filter(|a| a.project.dir == dir && a.project.ecosystem == Ecosystem::Node)
            .flat_map(|a| a.project.tasks.iter());
        for task in scripts {
            if names_package(&task.body, below, project.name.as_deref()) {
                tasks.push((task.clone(), dir.to_string()));
            }
        }
    }
    tasks
}

/// A script that names the package as an argument: its directory (`cd apps/api`, `-w apps/api`,
/// `--filter=./apps/api`) or its package name (`--filter=@acme/api`, `--scope api`, `api...`).
pub fn names_package(body: &str, dir: &str, name: Option<&str>) -> bool {
    body.split(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\'' | ';' | '&' | '|' | '{' | '}'))
        .map(|word| {
            word.trim_start_matches("./")
                .trim_start_matches("...")
                .trim_end_matches("...")
                .trim_end_matches('/')
        })
        .any(|word| word == dir || (word.starts_with(dir) && word[dir.len()..].starts_with('/')) || Some(word) == name)
}

/// The directory of the Cargo workspace a Rust project belongs to: its own, or the nearest
/// above it whose `Cargo.toml` has a `[workspace]` with members.
pub fn cargo_workspace_root(project: &Project, all: &[Analysis]) -> Option<String> {
    if project.ecosystem != Ecosystem::Rust {
        return None;
    }
    crate::fs::ancestors(&project.dir)
        .find(|dir| {
            all.iter().any(|a| {
                a.project.ecosystem == Ecosystem::Rust
                    && a.project.dir == *dir
                    && !a.project.workspace_members.is_empty()
            })
        })
        .map(str::to_string)
}

/// A data tool whose migrations were found, and the project its commands run in: the backend,
/// the sibling package it came from, or the workspace root that holds shared migrations.
#[derive(Clone)]
pub(super) struct DataHome {
    pub(super) detector_id: String,
    /// The directory the hit's paths resolve against (see [`home_of`]), which identifies the hit.
    pub(super) hit_dir: String,
    pub(super) project: Project,
    /// The first migrations directory found for the hit, repo-relative.
    pub(super) migrations: String,
}
