//! Manifest readers: one per format, each turning a manifest into a normalised [`Project`].
//! Real parsers only (serde_json, toml, serde-saphyr); a broken manifest becomes a warning that
//! names the file, and the project is still listed with what could be read.

mod cargo;
mod dotnet;
mod elixir;
mod go;
mod jvm;
mod node;
mod php;
mod python;
mod ruby;

pub mod formats;
pub mod project;
pub mod runner;
pub mod tasks;

pub use formats::json_object;
pub use project::{Dependency, Ecosystem, Project, Scope, Task, TaskRunner};
pub use tasks::runner_tasks;

use crate::repo::index::RepoIndex;

/// Finds and reads every project in the repository, sorted by directory then ecosystem.
pub fn collect(index: &RepoIndex) -> Vec<Project> {
    let mut projects: Vec<Project> = Vec::new();
    for file in index.files.iter() {
        let name = crate::fs::file_name(file);
        let dir = crate::fs::parent(file);
        match name {
            "package.json" => projects.push(node::read(index, dir, file)),
            "Cargo.toml" => projects.push(cargo::read(index, dir, file)),
            "go.mod" => projects.push(go::read(index, dir, file)),
            "pom.xml" => projects.push(jvm::read_maven(index, dir, file)),
            "Gemfile" => projects.push(ruby::read(index, dir, file)),
            "composer.json" => projects.push(php::read(index, dir, file)),
            "mix.exs" => projects.push(elixir::read(index, dir, file)),
            _ if name.ends_with(".csproj") || name.ends_with(".fsproj") => {
                projects.push(dotnet::read(index, dir, file))
            }
            _ => {}
        }
    }
    projects.extend(jvm::collect_gradle(index));
    projects.extend(ruby::collect_gemspecs(index, &projects));
    node::merge_deno(index, &mut projects);
    projects.extend(python::collect(index));
    for project in &mut projects {
        add_runner_tasks(index, project);
    }
    projects.sort_by(|a, b| (&a.dir, a.ecosystem).cmp(&(&b.dir, b.ecosystem)));
    projects
}

/// Makefile targets and justfile recipes in the project's directory.
fn add_runner_tasks(index: &RepoIndex, project: &mut Project) {
    for task in runner_tasks(index, &project.dir) {
        if project.task(&task.name).is_none() {
            project.tasks.push(task);
        }
    }
}
