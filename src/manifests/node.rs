//! package.json reader.

use super::{Ecosystem, Project, Scope, Task, TaskRunner};
use crate::walk::RepoIndex;
use serde_json::Value;

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Node, file);
    let Some(text) = index.read(file) else {
        return project;
    };
    let json: Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(err) => {
            index.warn(file, format!("invalid JSON: {err}"));
            return project;
        }
    };
    let Some(obj) = json.as_object() else {
        index.warn(file, "expected a JSON object at the top level");
        return project;
    };
    project.name = obj.get("name").and_then(Value::as_str).map(str::to_string);
    for (key, scope) in [
        ("dependencies", Scope::Runtime),
        ("peerDependencies", Scope::Runtime),
        ("optionalDependencies", Scope::Runtime),
        ("devDependencies", Scope::Dev),
    ] {
        if let Some(deps) = obj.get(key).and_then(Value::as_object) {
            for name in deps.keys() {
                project.add_dep(name, scope, file);
            }
        }
    }
    if let Some(scripts) = obj.get("scripts").and_then(Value::as_object) {
        for (name, body) in scripts {
            if let Some(body) = body.as_str() {
                project.tasks.push(Task {
                    name: name.clone(),
                    body: body.to_string(),
                    runner: TaskRunner::NodeScript,
                    file: file.to_string(),
                });
            }
        }
    }
    project.package_manager_field = obj.get("packageManager").and_then(Value::as_str).map(str::to_string);
    if let Some(node) = obj.get("engines").and_then(|e| e.get("node")).and_then(Value::as_str) {
        project.language_version = Some((node.to_string(), file.to_string()));
    }
    // `workspaces` is an array of globs, or yarn classic's `{ "packages": [...] }`.
    let workspaces = match obj.get("workspaces") {
        Some(Value::Array(globs)) => Some(globs),
        Some(Value::Object(o)) => o.get("packages").and_then(Value::as_array),
        _ => None,
    };
    if let Some(globs) = workspaces {
        project.workspace_members = globs.iter().filter_map(Value::as_str).map(str::to_string).collect();
    }
    project
}
