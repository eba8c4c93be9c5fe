//! package.json reader.

use super::project::{Ecosystem, Project, Scope, Shape, Task, TaskRunner};
use crate::repo::index::RepoIndex;
use serde_json::Value;

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Node, file);
    let Some((obj, written)) = super::formats::json_manifest(index, file, Some("scripts")) else {
        return project;
    };
    project.name = obj.get("name").and_then(Value::as_str).map(str::to_string);
    for (key, scope) in [
        ("dependencies", Scope::Runtime),
        ("peerDependencies", Scope::Runtime),
        ("optionalDependencies", Scope::Runtime),
        ("devDependencies", Scope::Dev),
    ] {
        if let Some(deps) = super::formats::json_section(index, file, &obj, key) {
            for (name, requirement) in deps {
                if let Some(dep) = project.add_dep(name, scope, file) {
                    dep.requirement = dep
                        .requirement
                        .take()
                        .or_else(|| requirement.as_str().map(str::to_string));
                }
            }
        }
    }
    if let Some(scripts) = super::formats::json_section(index, file, &obj, "scripts") {
        for name in super::formats::declared_order(scripts, &written) {
            let body = &scripts[name];
            if let Some(body) = body.as_str() {
                project.tasks.push(Task {
                    name: name.clone(),
                    body: body.to_string(),
                    runner: TaskRunner::NodeScript,
                    file: file.to_string(),
                    full_recipe: None,
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
    // A package that installs a command, or one that exports an API for others to import (not
    // `"module"`, which `bun init` writes for an app).
    let declared = |key: &str| obj.contains_key(key).then(|| format!("declares \"{key}\""));
    project.shape = match declared("bin") {
        Some(why) => Some((Shape::Cli, file.to_string(), why)),
        None => ["exports", "types", "typings"]
            .iter()
            .find_map(|k| declared(k))
            .map(|why| (Shape::Library, file.to_string(), why)),
    };
    project
}

pub mod builtins;
pub mod package_manager;

/// `deno.json(c)`: a Deno project. Beside a package.json its imports and tasks join that
/// project; alone it is a project of its own. Import specifiers name their packages the way npm
/// does: `npm:hono@4` → `hono`, `jsr:@hono/hono@^4` → `@hono/hono`,
/// `https://deno.land/x/oak@v17/mod.ts` → `oak`.
pub fn merge_deno(index: &RepoIndex, files: &[&String], projects: &mut Vec<Project>) {
    // The first Node project of each directory, looked up once per deno.json.
    let mut node_at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, p) in projects.iter().enumerate() {
        if p.ecosystem == Ecosystem::Node {
            node_at.entry(p.dir.clone()).or_insert(i);
        }
    }
    for file in files {
        let dir = crate::fs::parent(file);
        let Some(text) = index.read(file) else { continue };
        let json: Value = match jsonc_parser::parse_to_serde_value(&text, &Default::default()) {
            Ok(json) => json,
            Err(err) => {
                index.unreadable(file, format!("invalid JSON: {err}"));
                continue;
            }
        };
        let project = match node_at.get(dir) {
            Some(&i) => &mut projects[i],
            None => {
                node_at.insert(dir.to_string(), projects.len());
                projects.push(Project::new(dir, Ecosystem::Node, file));
                projects.last_mut().expect("just pushed")
            }
        };
        project.deno = Some(file.to_string());
        if project.name.is_none() {
            project.name = json.get("name").and_then(Value::as_str).map(str::to_string);
        }
        add_imports(project, &json, file);
        // `"importMap": "./import_map.json"` (Deno before 1.30's inline `imports`, Fresh 1.x).
        if let Some(map) = json.get("importMap").and_then(Value::as_str) {
            let map_file = crate::fs::join(dir, map.trim_start_matches("./"));
            if let Some(text) = index.read(&map_file) {
                match jsonc_parser::parse_to_serde_value(&text, &Default::default()) {
                    Ok(map_json) => add_imports(project, &map_json, &map_file),
                    Err(err) => index.unreadable(&map_file, format!("invalid JSON: {err}")),
                }
            }
        }
        if let Some(tasks) = json.get("tasks").and_then(Value::as_object) {
            for (name, body) in tasks {
                // A task is a command string or `{ "command": …, "description": … }`.
                let body = body.as_str().or_else(|| body.get("command").and_then(Value::as_str));
                if let Some(body) = body {
                    project.tasks.retain(|t| t.name != *name);
                    project.tasks.push(Task {
                        name: name.clone(),
                        body: body.to_string(),
                        runner: TaskRunner::Deno,
                        file: file.to_string(),
                        full_recipe: None,
                    });
                }
            }
        }
    }
}

/// The packages of an import map's `imports` (`"$fresh/": "https://deno.land/x/fresh@1.1.2/"` →
/// `fresh`), else the key itself.
fn add_imports(project: &mut Project, json: &Value, file: &str) {
    let Some(imports) = json.get("imports").and_then(Value::as_object) else {
        return;
    };
    for (key, target) in imports {
        let name = target
            .as_str()
            .and_then(specifier_package)
            .unwrap_or(key.trim_end_matches('/'));
        project.add_dep(name, Scope::Runtime, file);
    }
}

/// The package an import-map target names, or `None` when it names none (a path, a URL of
/// another host, or a specifier cut short: `npm:`, `jsr:@scope`, `npm:@scope/`). The text is
/// the repository's, so it is split at the ASCII `@` and `/` only, never sliced by a guessed
/// length.
fn specifier_package(target: &str) -> Option<&str> {
    let name = if let Some(rest) = target.strip_prefix("npm:").or_else(|| target.strip_prefix("jsr:")) {
        let rest = rest.trim_start_matches('/');
        // `@scope/name@1.0/sub` or `name@1.0/sub`.
        if let Some(scoped) = rest.strip_prefix('@') {
            let (scope, after) = scoped.split_once('/')?;
            let name = after.split(['@', '/']).next().unwrap_or_default();
            if scope.is_empty() || name.is_empty() {
                return None;
            }
            // `@` + scope + `/` + name, all within `rest`.
            &rest[..1 + scope.len() + 1 + name.len()]
        } else {
            rest.split(['@', '/']).next().unwrap_or_default()
        }
    } else {
        let rest = target.strip_prefix("https://deno.land/x/")?;
        rest.split(['@', '/']).next().unwrap_or_default()
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_specifiers_name_packages() {
        assert_eq!(specifier_package("npm:hono@4.6.1"), Some("hono"));
        assert_eq!(specifier_package("jsr:@hono/hono@^4"), Some("@hono/hono"));
        assert_eq!(specifier_package("jsr:@std/assert"), Some("@std/assert"));
        assert_eq!(specifier_package("npm:@prisma/client@5/edge"), Some("@prisma/client"));
        assert_eq!(specifier_package("https://deno.land/x/oak@v17.1.0/mod.ts"), Some("oak"));
        assert_eq!(specifier_package("./src/"), None);
    }

    #[test]
    fn specifiers_cut_short_name_no_package_and_do_not_panic() {
        for cut in [
            "",
            "npm:",
            "jsr:",
            "npm:@",
            "npm:@scope",
            "jsr:@scope",
            "npm:@scope/",
            "npm:@/x",
            "npm:@scope/@1",
            "npm:/",
            "npm:@1",
            "https://deno.land/x/",
            "https://deno.land/x/@v1",
        ] {
            assert_eq!(specifier_package(cut), None, "{cut:?}");
        }
        assert_eq!(specifier_package("npm:@scope/x"), Some("@scope/x"));
        assert_eq!(specifier_package("npm:@scope/x/"), Some("@scope/x"));
        assert_eq!(specifier_package("npm://hono@4"), Some("hono"));
    }

    #[test]
    fn specifiers_with_multi_byte_characters_are_split_at_character_boundaries() {
        assert_eq!(specifier_package("npm:ünï@1"), Some("ünï"));
        assert_eq!(specifier_package("npm:@é/ß@2/x"), Some("@é/ß"));
        assert_eq!(specifier_package("jsr:@日本/語"), Some("@日本/語"));
        assert_eq!(specifier_package("npm:@日本"), None);
        assert_eq!(specifier_package("https://deno.land/x/ö"), Some("ö"));
        assert_eq!(specifier_package("npm:é"), Some("é"));
    }
}
