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

use crate::walk::{self, RepoIndex};
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
            Ecosystem::Jvm | Ecosystem::Ruby | Ecosystem::Elixir => name.trim().to_string(),
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
}

#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    /// The command text, when the format states it (empty for make targets without recipe).
    pub body: String,
    pub runner: TaskRunner,
    pub file: String,
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
        });
        if scope == Scope::Runtime {
            entry.scope = Scope::Runtime;
        }
        Some(entry)
    }

    pub fn dep(&self, name: &str) -> Option<&Dependency> {
        self.deps.get(&self.ecosystem.normalise(name))
    }

    pub fn task(&self, name: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.name == name)
    }

    /// Joins a path relative to this project's directory into a repo-relative one.
    pub fn path(&self, rel: &str) -> String {
        walk::join(&self.dir, rel)
    }
}

/// A JSON manifest's top-level object; `None` (with a warning naming the file) when it is not
/// valid JSON or not an object. A key written twice in one object is a warning too (the last one
/// counts, as for npm and Composer).
pub fn json_object(index: &RepoIndex, file: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let text = index.read(file)?;
    match serde_json::from_str(&text) {
        Ok(serde_json::Value::Object(obj)) => {
            if let Some(key) = json_duplicate_key(&text) {
                index.warn(file, format!("key `{key}` appears twice; the last one is used"));
            }
            Some(obj)
        }
        Ok(_) => {
            index.warn(file, "expected a JSON object at the top level");
            None
        }
        Err(err) => {
            index.warn(file, format!("invalid JSON: {err}"));
            None
        }
    }
}

/// `obj[key]` when it is an object. Another type (`"dependencies": []`) is ignored with a warning
/// naming the file and the key, so a manifest of the wrong shape says why it gave nothing.
pub(crate) fn json_section<'a>(
    index: &RepoIndex,
    file: &str,
    obj: &'a serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a serde_json::Map<String, serde_json::Value>> {
    match obj.get(key)? {
        serde_json::Value::Object(section) => Some(section),
        serde_json::Value::Null => None,
        other => {
            let kind = match other {
                serde_json::Value::Array(_) => "an array",
                serde_json::Value::String(_) => "a string",
                serde_json::Value::Number(_) => "a number",
                _ => "a boolean",
            };
            index.warn(file, format!("`{key}` is {kind}, not an object; ignored"));
            None
        }
    }
}

/// `table[key]` when it is a table, else (with a warning naming the file) nothing.
pub(crate) fn toml_section<'a>(
    index: &RepoIndex,
    file: &str,
    table: &'a toml::Table,
    key: &str,
) -> Option<&'a toml::Table> {
    let value = table.get(key)?;
    let section = value.as_table();
    if section.is_none() {
        index.warn(
            file,
            format!("`{key}` is {}, not a table; ignored", with_article(value.type_str())),
        );
    }
    section
}

/// A TOML type name with its article: `an integer`, `a string`.
pub(crate) fn with_article(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

/// The dotted path of the first key written twice in one JSON object, anywhere in `text`
/// (which must be valid JSON).
fn json_duplicate_key(text: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    struct Walk<'a> {
        path: String,
        found: &'a RefCell<Option<String>>,
    }
    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
            deserializer.deserialize_any(self)
        }
    }
    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let mut seen = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let path = if self.path.is_empty() {
                    key.clone()
                } else {
                    format!("{}.{key}", self.path)
                };
                if !seen.insert(key) && self.found.borrow().is_none() {
                    *self.found.borrow_mut() = Some(path.clone());
                }
                map.next_value_seed(Walk {
                    path,
                    found: self.found,
                })?;
            }
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq
                .next_element_seed(Walk {
                    path: self.path.clone(),
                    found: self.found,
                })?
                .is_some()
            {}
            Ok(())
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
    }
    let found = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let walked = Walk {
        path: String::new(),
        found: &found,
    }
    .deserialize(&mut deserializer);
    walked.ok()?;
    found.into_inner()
}

/// Parses an XML manifest and hands its root element to `read`; `None` (with a warning naming
/// the file) when it is not well-formed XML.
fn with_xml<T>(index: &RepoIndex, file: &str, read: impl FnOnce(roxmltree::Node) -> T) -> Option<T> {
    let text = index.read(file)?;
    match roxmltree::Document::parse(&text) {
        Ok(doc) => Some(read(doc.root_element())),
        Err(err) => {
            index.warn(file, format!("invalid XML: {err}"));
            None
        }
    }
}

/// Finds and reads every project in the repository, sorted by directory then ecosystem.
pub fn collect(index: &RepoIndex) -> Vec<Project> {
    let mut projects: Vec<Project> = Vec::new();
    for file in index.files.iter() {
        let name = walk::file_name(file);
        let dir = walk::parent(file);
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

/// cargo-make's `[tasks.NAME]` in `Makefile.toml` (TOML, so parsed): name and what it runs.
fn cargo_make_tasks(index: &RepoIndex, file: &str) -> Vec<(String, String)> {
    let Some(table) = index.toml(file) else {
        return Vec::new();
    };
    let Some(tasks) = table.get("tasks").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    tasks
        .iter()
        .map(|(name, spec)| {
            let command = spec.get("command").and_then(toml::Value::as_str).unwrap_or("");
            let args: Vec<&str> = spec
                .get("args")
                .and_then(toml::Value::as_array)
                .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
                .unwrap_or_default();
            let script = spec.get("script").map(|s| match s {
                toml::Value::Array(lines) => lines
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.as_str().unwrap_or("").to_string(),
            });
            let body = match script {
                Some(script) if command.is_empty() => script,
                _ => std::iter::once(command).chain(args).collect::<Vec<_>>().join(" "),
            };
            // A task that only chains others (`dependencies = [...]`) still does the work.
            let body = if body.trim().is_empty() {
                format!("cargo make {name}")
            } else {
                body
            };
            (name.clone(), body)
        })
        .collect()
}

/// go-task's `tasks:` map: each task's name and its `cmds` joined (a string or `cmd:` entry).
fn taskfile_tasks(index: &RepoIndex, file: &str) -> Vec<(String, String)> {
    let Some(text) = index.read(file) else {
        return Vec::new();
    };
    let doc: serde_json::Value = match serde_saphyr::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => {
            index.warn(file, format!("invalid YAML: {err}"));
            return Vec::new();
        }
    };
    let Some(tasks) = doc.get("tasks").and_then(serde_json::Value::as_object) else {
        return Vec::new();
    };
    tasks
        .iter()
        .map(|(name, spec)| {
            let cmds = spec.get("cmds").and_then(serde_json::Value::as_array);
            let lines: Vec<String> = cmds
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    c.as_str()
                        .or_else(|| c.get("cmd").and_then(serde_json::Value::as_str))
                        .map(str::to_string)
                        .or_else(|| {
                            c.get("task")
                                .and_then(serde_json::Value::as_str)
                                .map(|t| format!("task {t}"))
                        })
                })
                .collect();
            // A task given as a bare string or list of strings.
            let body = match spec {
                serde_json::Value::String(s) => s.clone(),
                _ => lines.join("\n"),
            };
            (name.clone(), body)
        })
        .collect()
}

/// Makefile targets, justfile recipes, cargo-make and go-task tasks declared in `dir`.
pub fn runner_tasks(index: &RepoIndex, dir: &str) -> Vec<Task> {
    let mut tasks: Vec<Task> = Vec::new();
    for file in index.files_in(dir) {
        let name = walk::file_name(file);
        let runner = match name {
            "Makefile" | "makefile" | "GNUmakefile" => TaskRunner::Make,
            "Makefile.toml" => TaskRunner::CargoMake,
            "Taskfile.yml" | "Taskfile.yaml" | "taskfile.yml" | "taskfile.yaml" => TaskRunner::Taskfile,
            _ if name.eq_ignore_ascii_case("justfile") || name.eq_ignore_ascii_case(".justfile") => TaskRunner::Just,
            _ => continue,
        };
        let targets = match runner {
            TaskRunner::CargoMake => cargo_make_tasks(index, file),
            TaskRunner::Taskfile => taskfile_tasks(index, file),
            _ => {
                let Some(text) = index.read(file) else {
                    continue;
                };
                match runner {
                    TaskRunner::Make => crate::tasks::make_targets(&text),
                    _ => crate::tasks::just_recipes(&text),
                }
            }
        };
        for (target, body) in targets {
            if !tasks.iter().any(|t| t.name == target) {
                tasks.push(Task {
                    name: target,
                    body,
                    runner,
                    file: file.to_string(),
                });
            }
        }
    }
    tasks
}

/// A repository of the given files, indexed, for the readers' tests.
#[cfg(test)]
pub(crate) fn test_index(files: &[(&str, &str)]) -> (tempfile::TempDir, RepoIndex) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let index = RepoIndex::build(dir.path());
    (dir, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_normalisation() {
        assert_eq!(Ecosystem::Python.normalise("Flask_SQLAlchemy"), "flask-sqlalchemy");
        assert_eq!(Ecosystem::Python.normalise("zope.interface"), "zope-interface");
        assert_eq!(Ecosystem::Python.normalise("a__-b"), "a-b");
        assert_eq!(Ecosystem::Rust.normalise("actix_web"), "actix-web");
        assert_eq!(Ecosystem::Node.normalise("@nestjs/core"), "@nestjs/core");
    }
}
