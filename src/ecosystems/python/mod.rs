//! Python project reader: pyproject.toml (PEP 621, PEP 735, Poetry, PDM, uv tables),
//! requirements*.txt (following `-r` includes), Pipfile, setup.py `install_requires`, setup.cfg
//! `[options]`, and `.python-version`. All of a directory's files make one project.

use super::project::{Ecosystem, Project, Scope, Shape, Task, TaskRunner};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use toml::{Table, Value};

static REQUIREMENT_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)").unwrap());
/// A list literal's items, quoted strings skipped whole (`"celery[redis]>=5"` holds a `]`).
const LIST_ITEMS: &str = r#"\[((?:[^\]"']|"[^"]*"|'[^']*')*)\]"#;
static SETUP_REQUIRES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"install_requires\s*=\s*{LIST_ITEMS}")).unwrap());
/// `install_requires=requirements`, a list assigned above the `setup()` call.
static SETUP_REQUIRES_NAMED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"install_requires\s*=\s*([A-Za-z_][A-Za-z0-9_]*)\s*[,)]").unwrap());
/// A list assigned at the start of a line (`requirements = [`), with its name.
static LIST_ASSIGNED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?m)^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*{LIST_ITEMS}")).unwrap());
static QUOTED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"["']([^"']+)["']"#).unwrap());

pub mod package_manager;

/// Files whose presence makes their directory a Python project, best manifest first.
const MARKERS: &[&str] = &["pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "manage.py"];

/// Whether the file `name` in `dir` is one [`collect`] reads: a manifest, a requirements file, or
/// a `requirements/*.txt`.
pub fn is_manifest(name: &str, dir: &str) -> bool {
    MARKERS.contains(&name)
        || is_requirements(name)
        || (name.ends_with(".txt") && crate::fs::file_name(dir) == "requirements")
}

/// The Python projects of `files`, the repository's files [`is_manifest`] holds for.
pub fn collect(index: &RepoIndex, files: &[&String]) -> Vec<Project> {
    // dir → files that belong to it; `requirements/*.txt` belongs to the parent directory.
    let mut dirs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let name = crate::fs::file_name(file);
        let dir = crate::fs::parent(file);
        if MARKERS.contains(&name) || is_requirements(name) {
            dirs.entry(dir.to_string()).or_default().push(file.to_string());
        } else if crate::fs::file_name(dir) == "requirements" && name.ends_with(".txt") {
            dirs.entry(crate::fs::parent(dir).to_string())
                .or_default()
                .push(file.to_string());
        }
    }
    // A `manage.py` below a Python project (`src/manage.py`) belongs to that project, not to a
    // project of its own.
    // Each directory's ancestors are looked up in the map, not compared with every directory.
    let dir_names: std::collections::BTreeSet<String> = dirs.keys().cloned().collect();
    dirs.retain(|dir, files| {
        let only_manage = files.iter().all(|f| crate::fs::file_name(f) == "manage.py");
        let has_ancestor = || crate::fs::ancestors(dir).skip(1).any(|d| dir_names.contains(d));
        !(only_manage && has_ancestor())
    });
    dirs.into_iter()
        .map(|(dir, files)| read_dir(index, &dir, &files))
        .collect()
}

fn is_requirements(name: &str) -> bool {
    name.starts_with("requirements") && (name.ends_with(".txt") || name.ends_with(".in"))
}

fn read_dir(index: &RepoIndex, dir: &str, files: &[String]) -> Project {
    let manifest = MARKERS
        .iter()
        .map(|m| crate::fs::join(dir, m))
        .find(|m| files.contains(m))
        .or_else(|| {
            files
                .iter()
                .find(|f| crate::fs::file_name(f) == "requirements.txt")
                .cloned()
        })
        .or_else(|| files.iter().find(|f| !f.contains("/requirements/")).cloned())
        .unwrap_or_else(|| files[0].clone());
    let mut project = Project::new(dir, Ecosystem::Python, &manifest);
    for file in files {
        match crate::fs::file_name(file) {
            "pyproject.toml" => read_pyproject(index, file, &mut project),
            "Pipfile" => read_pipfile(index, file, &mut project),
            "setup.py" => read_setup_py(index, file, &mut project),
            "setup.cfg" => read_setup_cfg(index, file, &mut project),
            "manage.py" => {}
            _ => read_requirements(index, file, &mut project, 0),
        }
    }
    let version_file = crate::fs::join(dir, ".python-version");
    if let Some(text) = index.read(&version_file) {
        if let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty()) {
            project.language_version = Some((line.to_string(), version_file));
        }
    }
    project
}

fn parse_toml(index: &RepoIndex, file: &str) -> Option<Table> {
    let text = index.read(file)?;
    match text.parse::<Table>() {
        Ok(table) => Some(table),
        Err(err) => {
            let msg = err.to_string();
            index.unreadable(file, format!("invalid TOML: {}", msg.lines().next().unwrap_or("")));
            None
        }
    }
}

/// A PEP 508 requirement; its extras (`piccolo[postgres]`) are kept as the dependency's
/// features, since they pull in the driver.
fn add_pep508(project: &mut Project, spec: &str, scope: Scope, file: &str) {
    if let Some(caps) = REQUIREMENT_NAME.captures(spec) {
        let rest = spec.trim_start()[caps[1].len()..].trim_start();
        let extras: Vec<String> = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .map(|(list, _)| list.split(',').map(|e| e.trim().to_ascii_lowercase()).collect())
            .unwrap_or_default();
        if let Some(dep) = project.add_dep(&caps[1], scope, file) {
            dep.features.extend(extras);
        }
    }
}

fn is_dev_group(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["dev", "test", "lint", "doc", "typing", "type", "format", "qa", "ci"]
        .iter()
        .any(|g| name.contains(g))
}

fn read_pyproject(index: &RepoIndex, file: &str, project: &mut Project) {
    let Some(table) = parse_toml(index, file) else {
        return;
    };
    let get = |path: &[&str]| -> Option<&Value> {
        let mut value = table.get(path[0])?;
        for key in &path[1..] {
            value = value.get(key)?;
        }
        Some(value)
    };
    if let Some(name) = get(&["project", "name"]).or(get(&["tool", "poetry", "name"])) {
        project.name = name.as_str().map(str::to_string);
    }
    let dependencies = get(&["project", "dependencies"]);
    if let Some(other) = dependencies.filter(|d| !d.is_array()) {
        index.warn(
            file,
            format!(
                "`project.dependencies` is {}, not an array; ignored",
                super::formats::with_article(other.type_str())
            ),
        );
    }
    for spec in strings(dependencies) {
        add_pep508(project, &spec, Scope::Runtime, file);
    }
    // An app that declares no `project.dependencies` keeps them all in dependency groups
    // (`[dependency-groups] main = [...]`): there, a group not named for development is what runs.
    let groups_hold_runtime = dependencies.is_none();
    for (section, scope_of) in [
        (get(&["project", "optional-dependencies"]), true),
        (get(&["dependency-groups"]), groups_hold_runtime),
        (get(&["tool", "pdm", "dev-dependencies"]), false),
    ] {
        for (group, specs) in section.and_then(Value::as_table).into_iter().flatten() {
            let scope = if scope_of && !is_dev_group(group) {
                Scope::Runtime
            } else {
                Scope::Dev
            };
            for spec in strings(Some(specs)) {
                add_pep508(project, &spec, scope, file);
            }
        }
    }
    for spec in strings(get(&["tool", "uv", "dev-dependencies"])) {
        add_pep508(project, &spec, Scope::Dev, file);
    }
    // Poetry: `name = "^1.0"` tables; `python` is the interpreter, not a package.
    let poetry_tables = [
        (get(&["tool", "poetry", "dependencies"]), Scope::Runtime),
        (get(&["tool", "poetry", "dev-dependencies"]), Scope::Dev),
    ];
    for (deps, scope) in poetry_tables {
        for name in deps.and_then(Value::as_table).into_iter().flat_map(|t| t.keys()) {
            if name != "python" {
                project.add_dep(name, scope, file);
            }
        }
    }
    for (_, group) in get(&["tool", "poetry", "group"])
        .and_then(Value::as_table)
        .into_iter()
        .flatten()
    {
        for name in group
            .get("dependencies")
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|t| t.keys())
        {
            project.add_dep(name, Scope::Dev, file);
        }
    }
    let python = get(&["project", "requires-python"]).or(get(&["tool", "poetry", "dependencies", "python"]));
    if let Some(version) = python.and_then(Value::as_str) {
        project.language_version = Some((version.to_string(), file.to_string()));
    }
    for (table_path, runner) in [
        (&["tool", "pdm", "scripts"][..], TaskRunner::Pdm),
        (&["tool", "poe", "tasks"][..], TaskRunner::Poe),
        (&["tool", "taskipy", "tasks"][..], TaskRunner::Taskipy),
    ] {
        for (name, body) in get(table_path).and_then(Value::as_table).into_iter().flatten() {
            if name.starts_with('_') {
                continue;
            }
            project.tasks.push(Task {
                name: name.clone(),
                body: task_body(body),
                runner,
                file: file.to_string(),
                full_recipe: None,
            });
        }
    }
    project.workspace_members = strings(get(&["tool", "uv", "workspace", "members"]));
    // Console scripts make a command-line tool; a built package without them is a library.
    let tables: [&[&str]; 2] = [&["project", "scripts"], &["tool", "poetry", "scripts"]];
    let scripts = tables
        .iter()
        .find(|path| get(path).is_some_and(|t| t.as_table().is_some_and(|t| !t.is_empty())));
    project.shape = match scripts {
        Some(path) => Some((Shape::Cli, file.to_string(), format!("declares [{}]", path.join(".")))),
        // Built and published: classifiers are for the package index (an app built with Poetry
        // has `[build-system]` too).
        None => (get(&["build-system"]).is_some()
            && (get(&["project", "classifiers"]).is_some() || get(&["tool", "poetry", "classifiers"]).is_some()))
        .then(|| {
            (
                Shape::Library,
                file.to_string(),
                "a package with [build-system] and classifiers".to_string(),
            )
        }),
    };
    if let Some(tools) = get(&["tool"]).and_then(Value::as_table) {
        project.tool_tables = tools.keys().cloned().collect();
    }
}

/// A task table entry is a string, or a table with `cmd`/`shell`/`call`, or a sequence.
fn task_body(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Table(t) => ["cmd", "shell", "call", "composite"]
            .iter()
            .find_map(|k| t.get(*k))
            .map(task_body)
            .unwrap_or_default(),
        Value::Array(items) => items.iter().map(task_body).collect::<Vec<_>>().join(" && "),
        _ => String::new(),
    }
}

fn read_pipfile(index: &RepoIndex, file: &str, project: &mut Project) {
    let Some(table) = parse_toml(index, file) else {
        return;
    };
    for (key, scope) in [("packages", Scope::Runtime), ("dev-packages", Scope::Dev)] {
        for name in table
            .get(key)
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|t| t.keys())
        {
            project.add_dep(name, scope, file);
        }
    }
    for (name, body) in table.get("scripts").and_then(Value::as_table).into_iter().flatten() {
        project.tasks.push(Task {
            name: name.clone(),
            body: task_body(body),
            runner: TaskRunner::Pipenv,
            file: file.to_string(),
            full_recipe: None,
        });
    }
    if let Some(version) = table
        .get("requires")
        .and_then(|r| r.get("python_version"))
        .and_then(Value::as_str)
    {
        project
            .language_version
            .get_or_insert((version.to_string(), file.to_string()));
    }
}

fn read_requirements(index: &RepoIndex, file: &str, project: &mut Project, depth: usize) {
    let Some(text) = index.read(file) else { return };
    let name = crate::fs::file_name(file).to_ascii_lowercase();
    let scope = if ["dev", "test", "lint", "doc", "ci"].iter().any(|k| name.contains(k)) {
        Scope::Dev
    } else {
        Scope::Runtime
    };
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(include) = line
            .strip_prefix("-r")
            .or_else(|| line.strip_prefix("--requirement"))
            .or_else(|| line.strip_prefix("-c"))
        {
            let target = crate::fs::join(crate::fs::parent(file), include.trim_start_matches('=').trim());
            if depth < 4 && target != file {
                read_requirements(index, &target, project, depth + 1);
            }
            continue;
        }
        if line.starts_with('-') {
            continue; // options: --index-url, -e ., --hash …
        }
        add_pep508(project, line, scope, file);
    }
}

fn read_setup_py(index: &RepoIndex, file: &str, project: &mut Project) {
    let Some(text) = index.read(file) else { return };
    let listed = SETUP_REQUIRES
        .captures(&text)
        .map(|caps| caps[1].to_string())
        .or_else(|| {
            // The list a variable holds, assigned at the start of a line (`requirements = [`).
            let name = &SETUP_REQUIRES_NAMED.captures(&text)?[1];
            let assigned = LIST_ASSIGNED.captures_iter(&text).find(|c| &c[1] == name)?;
            Some(assigned[2].to_string())
        });
    for spec in listed.iter().flat_map(|list| QUOTED.captures_iter(list)) {
        add_pep508(project, &spec[1], Scope::Runtime, file);
    }
}

/// setuptools' declarative config: `[options] install_requires`, one requirement a line, and
/// `[options.extras_require]` groups, a group named for development (`dev`, `test`) as such.
fn read_setup_cfg(index: &RepoIndex, file: &str, project: &mut Project) {
    let Some(text) = index.read(file) else { return };
    let Some(cfg) = crate::repo::ini::sections(&text) else {
        index.unreadable(file, "invalid INI".to_string());
        return;
    };
    let value = |section: &str, key: &str| cfg.get(section)?.get(key)?.as_str();
    if project.name.is_none() {
        project.name = value("metadata", "name").map(str::to_string);
    }
    let lines = |value: &str| -> Vec<String> {
        value
            .lines()
            .map(|l| l.split(" #").next().unwrap_or("").trim().to_string())
            // `file: requirements.txt` and `attr:` are setuptools directives, not requirements.
            .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with("file:") && !l.starts_with("attr:"))
            .collect()
    };
    for (key, scope) in [("install_requires", Scope::Runtime), ("tests_require", Scope::Dev)] {
        for spec in value("options", key).map(lines).unwrap_or_default() {
            add_pep508(project, &spec, scope, file);
        }
    }
    let extras = cfg.get("options.extras_require").and_then(|e| e.as_object());
    for (group, specs) in extras.into_iter().flatten() {
        let scope = if is_dev_group(group) {
            Scope::Dev
        } else {
            Scope::Runtime
        };
        for spec in specs.as_str().map(lines).unwrap_or_default() {
            add_pep508(project, &spec, scope, file);
        }
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_cfg_requirements_and_extras_by_their_group() {
        let text = "[metadata]\nname = zou\n\n[options]\ninstall_requires =\n    flask==3.1.0\n    # a comment\n    psycopg[binary]==3.2 ; python_version >= '3.9'\n\n[options.extras_require]\ndev =\n    pytest\nprod =\n    gunicorn\n";
        let (_dir, index) = crate::repo::index::test_index(&[("setup.cfg", text)]);
        let project = read_dir(&index, ".", &["setup.cfg".to_string()]);
        assert_eq!(project.name.as_deref(), Some("zou"));
        let scope_of = |name: &str| project.deps.get(name).map(|d| d.scope);
        assert_eq!(scope_of("flask"), Some(Scope::Runtime));
        assert_eq!(scope_of("psycopg"), Some(Scope::Runtime));
        assert_eq!(scope_of("gunicorn"), Some(Scope::Runtime));
        assert_eq!(scope_of("pytest"), Some(Scope::Dev));
        assert_eq!(project.deps.len(), 4);
    }

    #[test]
    fn setup_py_requirements_in_the_call_or_in_a_list_above_it() {
        let named = "from setuptools import setup\n\nrequirements = [\n    \"celery[redis]>=5\",\n    \"flask>=2.0\",\n    'alembic',\n]\n\nsetup(\n    name='app',\n    install_requires=requirements,\n)\n";
        let inline = "setup(name='app', install_requires=['django[argon2]>=4', \"psycopg\"])\n";
        for (text, expected) in [(named, ["flask", "alembic"]), (inline, ["django", "psycopg"])] {
            let (_dir, index) = crate::repo::index::test_index(&[("setup.py", text)]);
            let files: Vec<&String> = index.files.iter().collect();
            let project = collect(&index, &files).remove(0);
            for name in expected {
                assert!(project.dep(name).is_some(), "{name} in {text}");
            }
        }
    }

    #[test]
    fn dependency_groups_run_the_app_only_where_it_declares_nothing_else() {
        let scope_of = |text: &str, name: &str| {
            let (_dir, index) = crate::repo::index::test_index(&[("pyproject.toml", text)]);
            let files: Vec<&String> = index.files.iter().collect();
            let project = collect(&index, &files).remove(0);
            project.dep(name).map(|d| d.scope)
        };
        // bookwyrm's shape: everything in groups, the runtime in `main`.
        let groups_only = "[dependency-groups]\nmain = [\"django==5.2\"]\ndev = [\"pytest\"]\n";
        assert_eq!(scope_of(groups_only, "django"), Some(Scope::Runtime));
        assert_eq!(scope_of(groups_only, "pytest"), Some(Scope::Dev));
        let declared =
            "[project]\nname = \"app\"\ndependencies = [\"fastapi\"]\n[dependency-groups]\nbench = [\"flask\"]\n";
        assert_eq!(scope_of(declared, "fastapi"), Some(Scope::Runtime));
        assert_eq!(scope_of(declared, "flask"), Some(Scope::Dev));
    }
}
