//! composer.json reader: `require` / `require-dev`, the `php` constraint and `scripts`.

use super::project::{Ecosystem, Project, Scope, Shape, Task, TaskRunner};
use crate::repo::index::RepoIndex;
use serde_json::Value;

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Php, file);
    let Some((obj, written)) = super::formats::json_manifest(index, file, Some("scripts")) else {
        return project;
    };
    project.name = obj.get("name").and_then(Value::as_str).map(str::to_string);
    for (key, scope) in [("require", Scope::Runtime), ("require-dev", Scope::Dev)] {
        let Some(deps) = super::formats::json_section(index, file, &obj, key) else {
            continue;
        };
        for (name, constraint) in deps {
            if name == "php" {
                if let Some(c) = constraint.as_str() {
                    project.language_version = Some((c.to_string(), file.to_string()));
                }
                continue;
            }
            project.add_dep(name, scope, file);
        }
    }
    if let Some(scripts) = super::formats::json_section(index, file, &obj, "scripts") {
        for name in super::formats::declared_order(scripts, &written) {
            let body = &scripts[name];
            // Composer event hooks (`post-install-cmd`) run by themselves, not by name.
            if name.starts_with("pre-") || name.starts_with("post-") {
                continue;
            }
            let body = match body {
                Value::String(s) => s.clone(),
                Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("\n"),
                _ => continue,
            };
            project.tasks.push(Task {
                name: name.clone(),
                body,
                runner: TaskRunner::Composer,
                file: file.to_string(),
                full_recipe: None,
            });
        }
    }
    // `"type": "library"` and `"bin"` say what the package is.
    project.shape = if obj.contains_key("bin") {
        Some((Shape::Cli, file.to_string(), "declares \"bin\"".to_string()))
    } else if obj.get("type").and_then(Value::as_str) == Some("library") {
        Some((Shape::Library, file.to_string(), "\"type\": \"library\"".to_string()))
    } else {
        None
    };
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requires_php_version_and_scripts() {
        let json = r#"{"name": "acme/shop", "require": {"php": "^8.2", "Laravel/Framework": "^11.0", "ext-pdo_pgsql": "*"},
            "require-dev": {"phpunit/phpunit": "^11"},
            "scripts": {"test": ["@php artisan config:clear", "@php artisan test"], "post-install-cmd": "x", "dev": "npx concurrently"}}"#;
        let (_dir, index) = crate::repo::index::test_index(&[("composer.json", json)]);
        let p = read(&index, ".", "composer.json");
        assert!(p.dep("laravel/framework").is_some());
        assert!(p.dep("ext-pdo_pgsql").is_some());
        assert_eq!(p.dep("phpunit/phpunit").map(|d| d.scope), Some(Scope::Dev));
        assert!(p.dep("php").is_none());
        assert_eq!(p.language_version.map(|v| v.0).as_deref(), Some("^8.2"));
        let names: Vec<&str> = p.tasks.iter().map(|t| t.name.as_str()).collect();
        // In the order composer.json declares them.
        assert_eq!(names, ["test", "dev"]);
    }
}
