//! Cargo.toml reader, including `{ workspace = true }` dependencies resolved against the
//! workspace root's `[workspace.dependencies]` (features merged).

use super::project::{Ecosystem, Project, Scope, Shape};
use crate::repo::index::RepoIndex;
use std::sync::Arc;
use toml::{Table, Value};

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Rust, file);
    let Some(table) = index.toml(file) else {
        return project;
    };
    let root = workspace_root(index, dir, &table);
    let package = table.get("package").and_then(Value::as_table);
    project.has_package = package.is_some();
    // A package with a binary target is a program; one with only a library target, a library.
    if project.has_package {
        let main = crate::fs::join(dir, "src/main.rs");
        let lib = crate::fs::join(dir, "src/lib.rs");
        project.shape = if table.contains_key("bin") || index.has_file(&main) {
            let why = if index.has_file(&main) {
                "src/main.rs"
            } else {
                "[[bin]]"
            };
            Some((Shape::Cli, file.to_string(), format!("binary target ({why})")))
        } else if table.contains_key("lib") || index.has_file(&lib) {
            Some((Shape::Library, file.to_string(), "only a library target".to_string()))
        } else {
            None
        };
    }
    if let Some(package) = package {
        project.name = package.get("name").and_then(Value::as_str).map(str::to_string);
        // `edition.workspace = true` takes the value from the root's `[workspace.package]`.
        let inherited = |key: &str| -> Option<(String, String)> {
            let value = package.get(key)?;
            if let Some(own) = value.as_str() {
                return Some((own.to_string(), file.to_string()));
            }
            if value.get("workspace").and_then(Value::as_bool) != Some(true) {
                return None;
            }
            let (root_file, root) = root.as_ref()?;
            let shared = root.get("workspace")?.get("package")?.get(key)?.as_str()?;
            Some((shared.to_string(), root_file.clone()))
        };
        project.edition = inherited("edition").map(|(edition, _)| edition);
        project.language_version = inherited("rust-version");
        if package.get("default-run").is_none() {
            project.run_bin = ambiguous_run_bin(index, dir, project.name.as_deref(), &table);
        }
    }
    if let Some(ws) = table.get("workspace").and_then(Value::as_table) {
        project.workspace_members = string_list(ws.get("members"));
        // A virtual manifest's `[workspace.package]` declares the version its members share.
        let shared = ws
            .get("package")
            .and_then(|p| p.get("rust-version"))
            .and_then(Value::as_str);
        if let (None, Some(msrv)) = (&project.language_version, shared) {
            project.language_version = Some((msrv.to_string(), file.to_string()));
        }
    }
    let workspace_deps = workspace_dependencies(root.as_ref());
    let has_package = project.has_package;
    // Dependency keys (what `[features]` entries say) to the crate names they stand for.
    let mut names_by_key: Vec<(String, String)> = Vec::new();
    let mut add_table = |deps: &Table, scope: Scope| {
        for (key, spec) in deps {
            // A version string or a table; anything else is not a dependency Cargo would take.
            if !(spec.is_str() || spec.is_table()) {
                index.warn(
                    file,
                    format!(
                        "dependency `{key}` is {}, not a version or a table; ignored",
                        super::formats::with_article(spec.type_str())
                    ),
                );
                continue;
            }
            let inherited = spec.get("workspace").and_then(Value::as_bool) == Some(true);
            let root_spec = if inherited { workspace_deps.get(key) } else { None };
            let name = spec
                .get("package")
                .or_else(|| root_spec.and_then(|s| s.get("package")))
                .and_then(Value::as_str)
                .unwrap_or(key);
            let mut features = string_list(spec.get("features"));
            features.extend(string_list(root_spec.and_then(|s| s.get("features"))));
            names_by_key.push((key.clone(), name.to_string()));
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
        if let Some(deps) = super::formats::toml_section(index, file, &table, key) {
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
    // `[features] postgres = ["sqlx/postgres"]`: a feature of the crate that turns on a
    // dependency's feature makes that a feature the crate can be built with.
    if let Some(features) = table.get("features").and_then(Value::as_table) {
        for entry in features.values().flat_map(|v| string_list(Some(v))) {
            let Some((key, feature)) = entry.split_once('/') else {
                continue;
            };
            let key = key.trim_end_matches('?');
            let name = names_by_key
                .iter()
                .find(|(k, _)| k == key)
                .map_or(key, |(_, n)| n.as_str());
            if let Some(dep) = project.deps.get_mut(&Ecosystem::Rust.normalise(name)) {
                if !dep.features.iter().any(|f| f == feature) {
                    dep.features.push(feature.to_string());
                }
            }
        }
    }
    project
}

/// `[workspace.dependencies]` of the workspace root (this manifest or an ancestor).
fn workspace_dependencies(root: Option<&(String, Arc<Table>)>) -> Table {
    root.and_then(|(_, root)| root.get("workspace")?.get("dependencies")?.as_table().cloned())
        .unwrap_or_default()
}

/// The manifest that holds the `[workspace]` table: this one, or the nearest ancestor with one.
fn workspace_root(index: &RepoIndex, dir: &str, own: &Arc<Table>) -> Option<(String, Arc<Table>)> {
    if own.contains_key("workspace") {
        return Some((crate::fs::join(dir, "Cargo.toml"), Arc::clone(own)));
    }
    let mut current = dir.to_string();
    while current != "." {
        current = crate::fs::parent(&current).to_string();
        let manifest = crate::fs::join(&current, "Cargo.toml");
        if index.has_file(&manifest) {
            if let Some(table) = index.toml(&manifest).filter(|t| t.contains_key("workspace")) {
                return Some((manifest, table));
            }
        }
    }
    None
}

/// With several binaries (`src/main.rs`, `src/bin/*.rs`, `[[bin]]`) and no `default-run`,
/// `cargo run` refuses to guess: the one named after the package (`src/main.rs`), else the first.
fn ambiguous_run_bin(index: &RepoIndex, dir: &str, package: Option<&str>, table: &Table) -> Option<String> {
    // Declared targets first; a declared `path` takes that file out of auto-discovery.
    let declared: Vec<(String, Option<String>)> = table
        .get("bin")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|bin| {
            let name = bin.get("name").and_then(Value::as_str)?;
            let path = bin.get("path").and_then(Value::as_str).map(|p| crate::fs::join(dir, p));
            Some((name.to_string(), path))
        })
        .collect();
    let claimed = |file: &str| declared.iter().any(|(_, path)| path.as_deref() == Some(file));
    let mut bins: Vec<String> = declared.iter().map(|(name, _)| name.clone()).collect();
    let autobins = table
        .get("package")
        .and_then(|p| p.get("autobins"))
        .and_then(Value::as_bool)
        != Some(false);
    let main = crate::fs::join(dir, "src/main.rs");
    if autobins && index.has_file(&main) && !claimed(&main) {
        bins.extend(package.map(str::to_string));
    }
    let bin_dir = format!("{}/", crate::fs::join(dir, "src/bin"));
    for file in index
        .files
        .range(bin_dir.clone()..)
        .take_while(|f| f.starts_with(&bin_dir))
    {
        let rest = &file[bin_dir.len()..];
        let name = match rest.split_once('/') {
            Some((name, "main.rs")) => Some(name),
            None => rest.strip_suffix(".rs"),
            _ => None,
        };
        if autobins && !claimed(file) {
            bins.extend(name.map(str::to_string));
        }
    }
    let mut unique: Vec<String> = Vec::new();
    for bin in bins {
        if !unique.contains(&bin) {
            unique.push(bin);
        }
    }
    if unique.len() < 2 {
        return None;
    }
    // `src/main.rs` (or a declared target) named after the package is the obvious one.
    let named = package.and_then(|p| unique.iter().position(|b| b == p)).unwrap_or(0);
    Some(unique.swap_remove(named))
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}
