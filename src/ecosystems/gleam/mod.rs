//! gleam.toml reader. The file is TOML: `name`, the `gleam` compiler requirement, and the
//! `[dependencies]` and `[dev-dependencies]` tables (also spelled `[dev_dependencies]`), whose
//! values are Hex requirements (`">= 1.0.0 and < 2.0.0"`) or tables (`{ path = "../shared" }`,
//! `{ git = "…", ref = "…" }`). The `gleam` tool builds, tests and runs the project.

use super::formats::{toml_section, with_article};
use super::project::{Ecosystem, Project, Scope, Shape};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::OnceLock;
use toml::Value;

/// `pub fn main() {`, at the start of a line: what `gleam run` calls in the main module.
fn main_function() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?m)^pub\s+fn\s+main\s*\(").expect("valid regex"))
}

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Gleam, file);
    let Some(table) = index.toml(file) else {
        return project;
    };
    project.name = table.get("name").and_then(Value::as_str).map(str::to_string);
    // `gleam = ">= 1.11.0"`: the compiler versions the project builds with.
    if let Some(version) = table.get("gleam").and_then(Value::as_str) {
        project.language_version = Some((version.to_string(), file.to_string()));
    }
    // `gleam run` runs the main module's `main`: a package whose main module (src/<name>.gleam)
    // has none is a library (a Wisp middleware or server adapter), not a program.
    if let Some(name) = &project.name {
        let module = crate::fs::join(dir, &format!("src/{name}.gleam"));
        let code = index.read(&module);
        if code.is_some_and(|code| !main_function().is_match(&code)) {
            let why = format!("src/{name}.gleam has no `pub fn main`");
            project.shape = Some((Shape::Library, module, why));
        }
    }
    let sections = [
        ("dependencies", Scope::Runtime),
        ("dev-dependencies", Scope::Dev),
        ("dev_dependencies", Scope::Dev),
    ];
    for (key, scope) in sections {
        let Some(deps) = toml_section(index, file, &table, key) else {
            continue;
        };
        for (name, spec) in deps {
            // A requirement string or a table; anything else is not a dependency Gleam would take.
            if !(spec.is_str() || spec.is_table()) {
                index.warn(
                    file,
                    format!(
                        "dependency `{name}` is {}, not a requirement or a table; ignored",
                        with_article(spec.type_str())
                    ),
                );
                continue;
            }
            project.add_dep(name, scope, file);
        }
    }
    project
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deps_dev_deps_name_and_gleam_version() {
        let manifest = r#"name = "shop"
version = "1.0.0"
gleam = ">= 1.11.0"
target = "erlang"
# description = "commented out"

[dependencies]
gleam_stdlib = ">= 0.44.0 and < 2.0.0"
wisp = ">= 2.0.0 and < 3.0.0"
mist = "~> 5.0"
shared = { path = "../shared" }
gleeunit = ">= 1.0.0 and < 2.0.0"

[dev-dependencies]
gleeunit = ">= 1.0.0 and < 2.0.0"
birdie = ">= 1.2.0 and < 2.0.0"
"#;
        let (_dir, index) = crate::repo::index::test_index(&[("gleam.toml", manifest)]);
        let p = read(&index, ".", "gleam.toml");
        let scope = |name: &str| p.dep(name).map(|d| d.scope);
        assert_eq!(p.ecosystem, Ecosystem::Gleam);
        assert_eq!(p.name.as_deref(), Some("shop"));
        assert_eq!(
            p.language_version,
            Some((">= 1.11.0".to_string(), "gleam.toml".to_string()))
        );
        assert_eq!(scope("wisp"), Some(Scope::Runtime));
        assert_eq!(scope("mist"), Some(Scope::Runtime));
        assert_eq!(scope("shared"), Some(Scope::Runtime));
        // Declared in both tables: it runs in production, so it is a runtime dependency.
        assert_eq!(scope("gleeunit"), Some(Scope::Runtime));
        assert_eq!(scope("birdie"), Some(Scope::Dev));
        assert_eq!(scope("description"), None);
        assert!(index.take_warnings().is_empty());
    }

    #[test]
    fn dev_dependencies_with_an_underscore_and_no_gleam_version() {
        let manifest = "name = \"app\"\nversion = \"1.0.0\"\n\n[dependencies]\ngleam_stdlib = \">= 0.44.0 and < 2.0.0\"\n\n[dev_dependencies]\ngleeunit = \">= 1.0.0 and < 2.0.0\"\n";
        let (_dir, index) = crate::repo::index::test_index(&[("api/gleam.toml", manifest)]);
        let p = read(&index, "api", "api/gleam.toml");
        assert_eq!(p.dir, "api");
        assert_eq!(p.language_version, None);
        assert_eq!(p.dep("gleeunit").map(|d| d.scope), Some(Scope::Dev));
        assert_eq!(p.dep("gleam_stdlib").map(|d| d.scope), Some(Scope::Runtime));
    }

    #[test]
    fn a_main_module_without_main_is_a_library() {
        let toml = |name: &str| format!("name = \"{name}\"\nversion = \"1.0.0\"\n");
        let (_dir, index) = crate::repo::index::test_index(&[
            ("lib/gleam.toml", &toml("cors")),
            ("lib/src/cors.gleam", "pub fn middleware(req, next) {\n  next(req)\n}\n"),
            ("app/gleam.toml", &toml("app")),
            ("app/src/app.gleam", "import mist\n\npub fn main() -> Nil {\n  Nil\n}\n"),
        ]);
        let lib = read(&index, "lib", "lib/gleam.toml");
        let (shape, file, _) = lib.shape.expect("a library");
        assert_eq!((shape, file.as_str()), (Shape::Library, "lib/src/cors.gleam"));
        assert!(read(&index, "app", "app/gleam.toml").shape.is_none());
    }

    #[test]
    fn a_broken_gleam_toml_is_a_warning_naming_the_file() {
        let (_dir, index) = crate::repo::index::test_index(&[
            ("gleam.toml", "name = \"app\"\n[dependencies\nwisp = \"~> 2.0\"\n"),
            (
                "other/gleam.toml",
                "name = \"other\"\ndependencies = [\"wisp\"]\n[dev-dependencies]\ngleeunit = 1\n",
            ),
        ]);
        // Still a project, with nothing read from the file (a whole scan: tests/hostile.rs).
        let broken = read(&index, ".", "gleam.toml");
        assert_eq!(
            (broken.manifest.as_str(), broken.ecosystem),
            ("gleam.toml", Ecosystem::Gleam)
        );
        assert!(broken.name.is_none() && broken.deps.is_empty());
        // The next manifest is read, its wrong-typed parts named and skipped.
        let other = read(&index, "other", "other/gleam.toml");
        assert_eq!(other.name.as_deref(), Some("other"));
        assert!(other.deps.is_empty());
        let warnings = index.take_warnings();
        let about = |file: &str, text: &str| warnings.iter().any(|w| w.file == file && w.message.contains(text));
        assert!(about("gleam.toml", "invalid TOML"), "{warnings:?}");
        assert!(about("other/gleam.toml", "`dependencies` is an array"), "{warnings:?}");
        assert!(
            about("other/gleam.toml", "dependency `gleeunit` is an integer"),
            "{warnings:?}"
        );
    }
}
