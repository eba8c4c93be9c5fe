//! The ecosystems archprompt reads, one folder each: every manifest read into a normalised
//! [`Project`] (real parsers only; a broken manifest becomes a warning that names the file, and
//! the project is still listed with what could be read), and each project's package manager.

mod dotnet;
mod elixir;
mod gleam;
mod go;
mod jvm;
mod node;
mod php;
mod python;
mod ruby;
mod rust;

pub mod formats;
pub mod project;
pub mod runner;
pub mod tasks;

pub use formats::json_object;
pub use jvm::gradle_project_path;
pub use project::{Dependency, Ecosystem, Project, Scope, Shape, Task, TaskRunner};
pub use tasks::runner_tasks;

use crate::repo::in_two;
use crate::repo::index::RepoIndex;
use crate::report::Evidence;
use runner::{Runner, Tool};

/// Finds and reads every project in the repository, sorted by directory then ecosystem.
pub fn collect(index: &RepoIndex) -> Vec<Project> {
    // The manifests that each make a project, read on two threads in a large workspace.
    type Reader = fn(&RepoIndex, &str, &str) -> Project;
    let mut manifests: Vec<(Reader, &str, &str)> = Vec::new();
    // The manifests read after the others (they join or amend projects found first), gathered
    // in this one pass over the files rather than in a pass each.
    let (mut gradle, mut gemspecs, mut deno, mut python) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for file in index.files.iter() {
        let name = crate::fs::file_name(file);
        let dir = crate::fs::parent(file);
        let reader: Option<Reader> = match name {
            "package.json" => Some(node::read),
            "Cargo.toml" => Some(rust::read),
            "go.mod" => Some(go::read),
            "pom.xml" => Some(jvm::read_maven),
            "Gemfile" => Some(ruby::read),
            "composer.json" => Some(php::read),
            "mix.exs" => Some(elixir::read),
            "gleam.toml" => Some(gleam::read),
            _ if name.ends_with(".csproj") || name.ends_with(".fsproj") => Some(dotnet::read),
            _ if jvm::GRADLE_FILES.contains(&name) => {
                gradle.push(file);
                None
            }
            _ if name.ends_with(".gemspec") => {
                gemspecs.push(file);
                None
            }
            "deno.json" | "deno.jsonc" => {
                deno.push(file);
                None
            }
            _ => None,
        };
        if let Some(reader) = reader {
            manifests.push((reader, dir, file));
        }
        if python::is_manifest(name, dir) {
            python.push(file);
        }
    }
    let mut projects = in_two::map(index, manifests, |index, (read, dir, file)| read(index, dir, file));
    projects.extend(jvm::collect_gradle(index, &gradle));
    projects.extend(ruby::collect_gemspecs(index, &gemspecs, &projects));
    node::merge_deno(index, &deno, &mut projects);
    projects.extend(python::collect(index, &python));
    // Each project's folder is handed to the threads, not the project: a copy of each of
    // thousands would cost more than reading its Makefile.
    let dirs: Vec<String> = projects.iter().map(|p| p.dir.clone()).collect();
    let tasks = in_two::map(index, dirs, |index, dir| runner_tasks(index, &dir));
    for (project, tasks) in projects.iter_mut().zip(tasks) {
        add_runner_tasks(project, tasks);
    }
    projects.sort_by(|a, b| (&a.dir, a.ecosystem).cmp(&(&b.dir, b.ecosystem)));
    projects
}

/// Makefile targets and justfile recipes in the project's directory ([`runner_tasks`]), after
/// its own.
fn add_runner_tasks(project: &mut Project, tasks: Vec<Task>) {
    for task in tasks {
        if project.task(&task.name).is_none() {
            project.tasks.push(task);
        }
    }
}

/// Works out the package manager of `project`, walking up to the repository root.
pub fn package_manager<'a>(
    index: &RepoIndex,
    project: &Project,
    all: impl Iterator<Item = &'a Project> + Clone,
) -> Runner {
    match project.ecosystem {
        Ecosystem::Rust => Runner {
            tool: Tool::Cargo,
            wrapper: false,
            display: "cargo".into(),
            evidence: Evidence::new(&project.manifest, "Cargo manifest"),
            root_dir: project.dir.clone(),
            workspace: None,
        },
        Ecosystem::Node => node::package_manager::resolve(index, project, all),
        Ecosystem::Python => python::package_manager::resolve(index, project, all),
        Ecosystem::Jvm => jvm::package_manager::resolve(index, project),
        Ecosystem::Dotnet => dotnet::package_manager::resolve(index, project),
        Ecosystem::Go => Runner::own_tool(project, Tool::Go, "Go modules", "Go module"),
        Ecosystem::Ruby => Runner::own_tool(project, Tool::Bundler, "Bundler", "Bundler manifest"),
        Ecosystem::Php => Runner::own_tool(project, Tool::Composer, "Composer", "Composer manifest"),
        Ecosystem::Elixir => Runner::own_tool(project, Tool::Mix, "Mix", "Mix project"),
        Ecosystem::Gleam => Runner::own_tool(project, Tool::Gleam, "gleam", "Gleam project"),
    }
}
