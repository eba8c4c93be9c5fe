//! Cargo.toml reader, including `{ workspace = true }` dependencies resolved against the
//! workspace root's `[workspace.dependencies]` (features merged).

use super::{Ecosystem, Project, Scope};
use crate::walk::{self, RepoIndex};
use toml::{Table, Value};

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Rust, file);
    let Some(table) = parse(index, file, true) else {
        return project;
    };
    let package = table.get("package").and_then(Value::as_table);
    project.has_package = package.is_some();
    if let Some(package) = package {
        project.name = package.get("name").and_then(Value::as_str).map(str::to_string);
        project.edition = package.get("edition").and_then(Value::as_str).map(str::to_string);
        if let Some(msrv) = package.get("rust-version").and_then(Value::as_str) {
            project.language_version = Some((msrv.to_string(), file.to_string()));
        }
    }
    if let Some(ws) = table.get("workspace").and_then(Value::as_table) {
        project.workspace_members = string_list(ws.get("members"));
    }
    let workspace_deps = workspace_dependencies(index, dir, &table);
    let has_package = project.has_package;
    let mut add_table = |deps: &Table, scope: Scope| {
        for (key, spec) in deps {
            let inherited = spec.get("workspace").and_then(Value::as_bool) == Some(true);
            let root_spec = if inherited { workspace_deps.get(key) } else { None };
            let name = spec
                .get("package")
                .or_else(|| root_spec.and_then(|s| s.get("package")))
                .and_then(Value::as_str)
                .unwrap_or(key);
            let mut features = string_list(spec.get("features"));
            features.extend(string_list(root_spec.and_then(|s| s.get("features"))));
            if let Some(dep) = project.add_dep(name, scope, file) {
                dep.features.extend(features);
            }
        }
    };
    for (key, scope) in [
        ("dependencies", Scope::Runtime),
        ("build-dependencies", Scope::Runtime),
        ("dev-dependencies", Scope::Dev),
    ] {
        if let Some(deps) = table.get(key).and_then(Value::as_table) {
            add_table(deps, scope);
        }
    }
    if let Some(targets) = table.get("target").and_then(Value::as_table) {
        for target in targets.values().filter_map(Value::as_table) {
            for (key, scope) in [("dependencies", Scope::Runtime), ("dev-dependencies", Scope::Dev)] {
                if let Some(deps) = target.get(key).and_then(Value::as_table) {
                    add_table(deps, scope);
                }
            }
        }
    }
    // A virtual manifest's `[workspace.dependencies]` says what the members use.
    if !has_package {
        if let Some(deps) = table
            .get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(Value::as_table)
        {
            add_table(deps, Scope::Runtime);
        }
    }
    project
}

fn parse(index: &RepoIndex, file: &str, warn: bool) -> Option<Table> {
    let text = index.read(file)?;
    match text.parse::<Table>() {
        Ok(table) => Some(table),
        Err(err) => {
            if warn {
                let msg = err.to_string();
                index.warn(file, format!("invalid TOML: {}", msg.lines().next().unwrap_or("")));
            }
            None
        }
    }
}

/// `[workspace.dependencies]` of this manifest, or of the nearest ancestor Cargo.toml with one.
fn workspace_dependencies(index: &RepoIndex, dir: &str, own: &Table) -> Table {
    let lookup = |t: &Table| {
        t.get("workspace")
            .and_then(|w| w.get("dependencies"))
            .and_then(Value::as_table)
            .cloned()
    };
    if let Some(deps) = lookup(own) {
        return deps;
    }
    let mut current = dir.to_string();
    while current != "." {
        current = walk::parent(&current).to_string();
        let manifest = walk::join(&current, "Cargo.toml");
        if index.has_file(&manifest) {
            if let Some(deps) = parse(index, &manifest, false).as_ref().and_then(lookup) {
                return deps;
            }
        }
    }
    Table::new()
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}
