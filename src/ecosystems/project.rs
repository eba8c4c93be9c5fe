//! The normalised shape every manifest reader produces: a project (directory, ecosystem,
//! dependencies, declared tasks) and the names of its parts.

use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Node,
    Python,
    Rust,
    Go,
    /// Java and Kotlin: Maven and Gradle builds.
    Jvm,
    Ruby,
    Php,
    Elixir,
    /// C# and the other .NET languages: `*.csproj` projects.
    Dotnet,
    /// Gleam: a `gleam.toml`, compiled to Erlang (BEAM) or JavaScript.
    Gleam,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Node => "node",
            Ecosystem::Python => "python",
            Ecosystem::Rust => "rust",
            Ecosystem::Go => "go",
            Ecosystem::Jvm => "jvm",
            Ecosystem::Ruby => "ruby",
            Ecosystem::Php => "php",
            Ecosystem::Elixir => "elixir",
            Ecosystem::Dotnet => "dotnet",
            Ecosystem::Gleam => "gleam",
        }
    }

    /// Whether [`Ecosystem::normalise`] gives `name` back unchanged, told without building it.
    fn is_normal(self, name: &str) -> bool {
        let uppercase = || name.bytes().any(|b| b.is_ascii_uppercase());
        name.trim().len() == name.len()
            && match self {
                Ecosystem::Node | Ecosystem::Jvm | Ecosystem::Ruby | Ecosystem::Elixir | Ecosystem::Gleam => true,
                Ecosystem::Python => !name.contains(['_', '.']) && !name.contains("--") && !uppercase(),
                Ecosystem::Rust => !name.contains('_'),
                Ecosystem::Php | Ecosystem::Dotnet => !uppercase(),
                // A major version suffix is cut off: not worth telling apart.
                Ecosystem::Go => false,
            }
    }

    /// Normalises a dependency name the way the ecosystem's registry compares names.
    pub fn normalise(self, name: &str) -> String {
        match self {
            Ecosystem::Node => name.trim().to_string(),
            // PEP 503: case-insensitive, runs of `-`, `_`, `.` are one `-`.
            Ecosystem::Python => {
                let mut out = String::with_capacity(name.len());
                let mut last_sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        if !last_sep {
                            out.push('-');
                        }
                        last_sep = true;
                    } else {
                        out.push(c.to_ascii_lowercase());
                        last_sep = false;
                    }
                }
                out
            }
            // crates.io treats `-` and `_` as the same name.
            Ecosystem::Rust => name.trim().replace('_', "-"),
            // `github.com/labstack/echo/v4` is Echo whatever its major version.
            Ecosystem::Go => {
                let name = name.trim();
                match name.rsplit_once("/v") {
                    Some((base, major)) if !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) => {
                        base.to_string()
                    }
                    _ => name.to_string(),
                }
            }
            // Composer and NuGet compare package names case-insensitively.
            Ecosystem::Php | Ecosystem::Dotnet => name.trim().to_ascii_lowercase(),
            // Hex package names are lower case with `_`, compared as written.
            Ecosystem::Jvm | Ecosystem::Ruby | Ecosystem::Elixir | Ecosystem::Gleam => name.trim().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Runtime,
    Dev,
}

#[derive(Debug, Clone)]
pub struct Dependency {
    pub scope: Scope,
    /// Enabled cargo features (including those merged from `[workspace.dependencies]`).
    pub features: Vec<String>,
    /// Repo-relative manifest that declares it.
    pub file: String,
    /// The version requirement as the manifest writes it (`^18.2.0`), where the reader keeps it.
    pub requirement: Option<String>,
}

/// What a project that serves nothing is: a command-line program or a library, as its manifest
/// or layout declares (`"bin"` in package.json, `[project.scripts]`, `src/main.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Cli,
    Library,
}

impl Shape {
    /// How `tech_stack` names it.
    pub fn label(self) -> &'static str {
        match self {
            Shape::Cli => "command-line tool",
            Shape::Library => "library",
        }
    }
}

/// Which tool runs a declared task, so the resolver can prefix it correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskRunner {
    /// package.json `scripts`: run through the Node package manager.
    NodeScript,
    /// `[tool.pdm.scripts]`: `pdm run NAME`.
    Pdm,
    /// `Pipfile [scripts]`: `pipenv run NAME`.
    Pipenv,
    /// `[tool.poe.tasks]`: `poe NAME` through the Python package manager.
    Poe,
    /// `[tool.taskipy.tasks]`: `task NAME` through the Python package manager.
    Taskipy,
    /// `Makefile` targets.
    Make,
    /// `justfile` recipes.
    Just,
    /// cargo-make's `Makefile.toml` tasks: `cargo make NAME`.
    CargoMake,
    /// go-task's `Taskfile.yml` tasks: `task NAME`.
    Taskfile,
    /// composer.json `scripts`: `composer run NAME`.
    Composer,
    /// deno.json `tasks`: `deno task NAME`.
    Deno,
    /// `Rakefile` tasks: `bundle exec rake NAME`.
    Rake,
}

#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    /// The command text, when the format states it (empty for make targets without recipe).
    pub body: String,
    pub runner: TaskRunner,
    pub file: String,
    /// Every command of a multi-line recipe (Make, just), when `body` is only the first one:
    /// what the task does is judged on all of it (a `dev` target that only builds).
    pub full_recipe: Option<String>,
}

impl Task {
    /// The whole recipe: every command line, or the one command the format states.
    pub fn recipe(&self) -> &str {
        self.full_recipe.as_deref().unwrap_or(&self.body)
    }
}

#[derive(Debug, Clone)]
pub struct Project {
    /// Repo-relative directory (`.` for the root).
    pub dir: String,
    pub ecosystem: Ecosystem,
    /// The primary manifest, repo-relative.
    pub manifest: String,
    pub name: Option<String>,
    /// Dependencies by normalised name.
    pub deps: BTreeMap<String, Dependency>,
    /// Declared tasks in this directory (scripts, task tables, Makefile/justfile targets).
    pub tasks: Vec<Task>,
    /// `packageManager` field (Node) as given, e.g. `pnpm@9.1.0`.
    pub package_manager_field: Option<String>,
    /// Declared language/runtime version and the file that declares it.
    pub language_version: Option<(String, String)>,
    /// Workspace member globs declared here (npm/yarn/bun workspaces, Cargo members, uv members).
    pub workspace_members: Vec<String>,
    /// Cargo: `[package]` is present (false for a virtual workspace manifest).
    pub has_package: bool,
    /// Cargo: the binary `cargo run` has to be told to run (`--bin`), because the package has
    /// several and no `default-run`.
    pub run_bin: Option<String>,
    /// Cargo: edition declared in `[package]`.
    pub edition: Option<String>,
    /// pyproject.toml: the `[tool.*]` tables present (`uv`, `poetry`, `pdm`, …).
    pub tool_tables: Vec<String>,
    /// Node: the `deno.json(c)` that makes this a Deno project.
    pub deno: Option<String>,
    /// A command-line program or a library, with the file and the reason that show it.
    pub shape: Option<(Shape, String, String)>,
}

impl Project {
    pub fn new(dir: &str, ecosystem: Ecosystem, manifest: &str) -> Project {
        Project {
            dir: dir.to_string(),
            ecosystem,
            manifest: manifest.to_string(),
            name: None,
            deps: BTreeMap::new(),
            tasks: Vec::new(),
            package_manager_field: None,
            language_version: None,
            workspace_members: Vec::new(),
            run_bin: None,
            has_package: true,
            edition: None,
            tool_tables: Vec::new(),
            deno: None,
            shape: None,
        }
    }

    pub fn add_dep(&mut self, raw_name: &str, scope: Scope, file: &str) -> Option<&mut Dependency> {
        let name = self.ecosystem.normalise(raw_name);
        if name.is_empty() {
            return None;
        }
        let entry = self.deps.entry(name).or_insert_with(|| Dependency {
            scope,
            features: Vec::new(),
            file: file.to_string(),
            requirement: None,
        });
        if scope == Scope::Runtime {
            entry.scope = Scope::Runtime;
        }
        Some(entry)
    }

    pub fn dep(&self, name: &str) -> Option<&Dependency> {
        // Detectors name dependencies as registries spell them: most need no copy to look up.
        if self.ecosystem.is_normal(name) {
            return self.deps.get(name);
        }
        self.deps.get(&self.ecosystem.normalise(name))
    }

    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// Joins a path relative to this project's directory into a repo-relative one.
    pub fn path(&self, rel: &str) -> String {
        crate::fs::join(&self.dir, rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_told_normal_is_its_own_normal_form() {
        let names = [
            "express",
            " express",
            "Flask_SQLAlchemy",
            "flask-sqlalchemy",
            "a--b",
            "a-",
            "zope.interface",
            "actix_web",
            "actix-web",
            "Npgsql",
            "npgsql",
            "@nestjs/core",
            "github.com/labstack/echo/v4",
            "ecto_sql",
            "Ecto",
        ];
        for eco in [
            Ecosystem::Node,
            Ecosystem::Python,
            Ecosystem::Rust,
            Ecosystem::Go,
            Ecosystem::Jvm,
            Ecosystem::Ruby,
            Ecosystem::Php,
            Ecosystem::Elixir,
            Ecosystem::Dotnet,
            Ecosystem::Gleam,
        ] {
            for name in names {
                if eco.is_normal(name) {
                    assert_eq!(eco.normalise(name), name, "{eco:?}");
                }
            }
        }
    }

    #[test]
    fn pep503_normalisation() {
        assert_eq!(Ecosystem::Python.normalise("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(Ecosystem::Python.normalise("zope.interface"), "zope-interface");
        assert_eq!(Ecosystem::Python.normalise("a__-b"), "a-b");
        assert_eq!(Ecosystem::Rust.normalise("actix_web"), "actix-web");
        assert_eq!(Ecosystem::Node.normalise("@nestjs/core"), "@nestjs/core");
    }
}
