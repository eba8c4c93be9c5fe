//! Package manager resolution and the prefixes that make a command runnable from the repository
//! root: `pnpm dev`, `yarn test`, `bun run build`, `uv run pytest`, `pnpm --filter api dev`,
//! `cd backend && poetry run alembic upgrade head`.

use crate::ecosystems::{Ecosystem, Project, Task, TaskRunner};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

#[derive(Debug, Clone)]
pub struct Runner {
    /// `npm`, `pnpm`, `yarn`, `bun`, `deno`, `uv`, `poetry`, `pdm`, `pipenv`, `pip`, `cargo`, `go`,
    /// `maven`, `gradle`, `bundler`, `composer`, `mix` or `dotnet`.
    pub name: &'static str,
    /// For display: `yarn (berry)`, `pnpm`, …
    pub display: String,
    pub evidence: Evidence,
    /// Directory holding the lockfile or `packageManager` field (the workspace root).
    pub root_dir: String,
    /// Node: the packages the root's workspace declares, which the package manager's selector
    /// (`pnpm --filter`, `npm -w`) reaches. Other packages are run in their own directory.
    pub workspace: Option<NodeWorkspace>,
}

/// The member globs of a Node workspace root (package.json `workspaces`, pnpm-workspace.yaml
/// `packages`, lerna.json `packages`), relative to that root.
#[derive(Debug, Clone)]
pub struct NodeWorkspace {
    members: globset::GlobSet,
    excluded: globset::GlobSet,
    /// Packages only Lerna knows about (no package manager workspace): `lerna run … --scope`.
    pub lerna: bool,
}

impl NodeWorkspace {
    fn new(globs: &[String], lerna: bool) -> NodeWorkspace {
        let build = |negated: bool| {
            let mut set = globset::GlobSetBuilder::new();
            for glob in globs.iter().filter(|g| g.starts_with('!') == negated) {
                let glob = glob
                    .trim_start_matches('!')
                    .trim_start_matches("./")
                    .trim_end_matches('/');
                if let Ok(glob) = globset::GlobBuilder::new(glob).literal_separator(true).build() {
                    set.add(glob);
                }
            }
            set.build().unwrap_or_else(|_| globset::GlobSet::empty())
        };
        NodeWorkspace {
            members: build(false),
            excluded: build(true),
            lerna,
        }
    }

    fn contains(&self, relative_dir: &str) -> bool {
        self.members.is_match(relative_dir) && !self.excluded.is_match(relative_dir)
    }
}

/// Node lockfiles, most specific first.
const NODE_LOCKFILES: &[(&str, &str)] = &[
    ("pnpm-lock.yaml", "pnpm"),
    ("pnpm-workspace.yaml", "pnpm"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("yarn.lock", "yarn"),
    (".yarnrc.yml", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
];

const PYTHON_LOCKFILES: &[(&str, &str)] = &[
    ("uv.lock", "uv"),
    ("poetry.lock", "poetry"),
    ("pdm.lock", "pdm"),
    ("Pipfile.lock", "pipenv"),
    ("Pipfile", "pipenv"),
];

/// Commands of the package managers that shadow a script of the same name.
const PNPM_BUILTINS: &[&str] = &[
    "add", "install", "remove", "update", "link", "unlink", "import", "publish", "pack", "outdated", "list", "why",
    "audit", "exec", "dlx", "create", "init", "store", "server", "env", "setup", "rebuild", "prune", "patch", "deploy",
    "fetch", "root", "bin",
];
const YARN_BUILTINS: &[&str] = &[
    "add",
    "install",
    "remove",
    "upgrade",
    "up",
    "info",
    "init",
    "link",
    "unlink",
    "pack",
    "publish",
    "version",
    "why",
    "workspace",
    "workspaces",
    "config",
    "cache",
    "dlx",
    "exec",
    "node",
    "npm",
    "plugin",
    "set",
    "constraints",
    "explain",
    "patch",
    "rebuild",
    "bin",
    "global",
    "import",
    "outdated",
    "owner",
    "team",
    "tag",
    "audit",
    "check",
    "autoclean",
    "licenses",
    "list",
    "login",
    "logout",
    "policies",
];

/// Works out the package manager of `project`, walking up to the repository root.
pub fn resolve<'a>(index: &RepoIndex, project: &Project, all: impl Iterator<Item = &'a Project> + Clone) -> Runner {
    match project.ecosystem {
        Ecosystem::Rust => Runner {
            name: "cargo",
            display: "cargo".into(),
            evidence: Evidence::new(&project.manifest, "Cargo manifest"),
            root_dir: project.dir.clone(),
            workspace: None,
        },
        Ecosystem::Node => node(index, project, all),
        Ecosystem::Python => python(index, project, all),
        Ecosystem::Jvm => jvm(index, project),
        Ecosystem::Dotnet => dotnet(index, project),
        Ecosystem::Go => own_tool(project, "go", "Go modules", "Go module"),
        Ecosystem::Ruby => own_tool(project, "bundler", "Bundler", "Bundler manifest"),
        Ecosystem::Php => own_tool(project, "composer", "Composer", "Composer manifest"),
        Ecosystem::Elixir => own_tool(project, "mix", "Mix", "Mix project"),
    }
}

/// An ecosystem with one build tool, which reads the manifest in the project's directory.
fn own_tool(project: &Project, name: &'static str, display: &str, why: &str) -> Runner {
    Runner {
        name,
        display: display.into(),
        evidence: Evidence::new(&project.manifest, why),
        root_dir: project.dir.clone(),
        workspace: None,
    }
}

/// Maven or Gradle, by the build file; the wrapper script (`./mvnw`, `./gradlew`) when the
/// project or a directory above it has one, since that pins the version the build expects. The
/// root is the wrapper's directory, else the top of the multi-project build.
fn jvm(index: &RepoIndex, project: &Project) -> Runner {
    let gradle = !project.manifest.ends_with("pom.xml");
    let (name, wrapper, tool) = if gradle {
        ("gradle", "gradlew", "Gradle")
    } else {
        ("maven", "mvnw", "Maven")
    };
    let build_files: &[&str] = if gradle {
        &["settings.gradle", "settings.gradle.kts"]
    } else {
        &["pom.xml"]
    };
    let dirs = crate::fs::ancestors(&project.dir);
    if let Some(dir) = dirs.iter().find(|d| index.has_file(&crate::fs::join(d, wrapper))) {
        return Runner {
            name,
            display: format!("{tool} (wrapper)"),
            evidence: Evidence::new(crate::fs::join(dir, wrapper), format!("{tool} wrapper")),
            root_dir: dir.clone(),
            workspace: None,
        };
    }
    // The outermost directory of the build: the settings file (Gradle) or parent POM (Maven).
    let root = dirs
        .iter()
        .rev()
        .find(|d| build_files.iter().any(|f| index.has_file(&crate::fs::join(d, f))))
        .cloned()
        .unwrap_or_else(|| project.dir.clone());
    Runner {
        name,
        display: tool.into(),
        evidence: Evidence::new(&project.manifest, format!("{tool} build file, no wrapper")),
        root_dir: root,
        workspace: None,
    }
}

/// The .NET CLI, run from the solution (`*.sln`, `*.slnx`) nearest above the project, so `dotnet
/// test` and `dotnet build` cover every project of it.
fn dotnet(index: &RepoIndex, project: &Project) -> Runner {
    for dir in crate::fs::ancestors(&project.dir) {
        let solution = index
            .files_in(&dir)
            .find(|f| f.ends_with(".sln") || f.ends_with(".slnx"));
        if let Some(file) = solution {
            return Runner {
                name: "dotnet",
                display: "dotnet".into(),
                evidence: Evidence::new(file, "solution file"),
                root_dir: dir,
                workspace: None,
            };
        }
    }
    own_tool(project, "dotnet", "dotnet", "project file")
}

fn node<'a>(index: &RepoIndex, project: &Project, all: impl Iterator<Item = &'a Project> + Clone) -> Runner {
    if let Some(file) = &project.deno {
        return Runner {
            name: "deno",
            display: "deno".into(),
            evidence: Evidence::new(file, "Deno configuration"),
            root_dir: project.dir.clone(),
            workspace: None,
        };
    }
    // A workspace member often repeats the root's `packageManager`; the root still runs it.
    let member = crate::fs::ancestors(&project.dir).into_iter().skip(1).any(|dir| {
        let below = if dir == "." {
            project.dir.as_str()
        } else {
            project.dir.strip_prefix(&format!("{dir}/")).unwrap_or(&project.dir)
        };
        node_workspace(index, &dir, all.clone()).is_some_and(|w| !w.lerna && w.contains(below))
    });
    for dir in crate::fs::ancestors(&project.dir) {
        let manifest = all.clone().find(|p| p.dir == dir && p.ecosystem == Ecosystem::Node);
        let own_field = dir == project.dir && member;
        if let Some(field) = manifest
            .filter(|_| !own_field)
            .and_then(|p| p.package_manager_field.as_ref())
        {
            let name = field.split('@').next().unwrap_or("").trim();
            if let Some(name) = ["npm", "pnpm", "yarn", "bun"].into_iter().find(|n| *n == name) {
                // `pnpm@9.12.3+sha512.…` → `pnpm 9.12.3`.
                let version = field.split('@').nth(1).and_then(|v| v.split('+').next()).unwrap_or("");
                let display = if version.is_empty() {
                    name.to_string()
                } else {
                    format!("{name} {version}")
                };
                let file = crate::fs::join(&dir, "package.json");
                return Runner {
                    name,
                    display,
                    evidence: Evidence::new(file, format!("packageManager {field}")),
                    workspace: node_workspace(index, &dir, all),
                    root_dir: dir,
                };
            }
        }
        for (lockfile, name) in NODE_LOCKFILES {
            let file = crate::fs::join(&dir, lockfile);
            if index.has_file(&file) {
                let display = if *name == "yarn" {
                    yarn_flavour(index, &dir)
                } else {
                    name.to_string()
                };
                return Runner {
                    name,
                    display,
                    evidence: Evidence::new(file, "lockfile"),
                    workspace: node_workspace(index, &dir, all.clone()),
                    root_dir: dir,
                };
            }
        }
    }
    Runner {
        name: "npm",
        display: "npm".into(),
        evidence: Evidence::new(
            &project.manifest,
            "no lockfile or packageManager field; npm is the default",
        ),
        root_dir: project.dir.clone(),
        workspace: None,
    }
}

/// The workspace declared in `dir`: pnpm-workspace.yaml `packages` (every package when it lists
/// none; pnpm ignores package.json `workspaces`), then package.json `workspaces` (npm, yarn,
/// bun), then lerna.json `packages` (`packages/*` by default), which only Lerna itself runs.
fn node_workspace<'a>(
    index: &RepoIndex,
    dir: &str,
    mut all: impl Iterator<Item = &'a Project>,
) -> Option<NodeWorkspace> {
    let pnpm = crate::fs::join(dir, "pnpm-workspace.yaml");
    if let Some(text) = index.read(&pnpm) {
        let globs = match serde_saphyr::from_str::<serde_json::Value>(&text) {
            Ok(doc) => string_list(doc.get("packages")),
            Err(err) => {
                let message = err.to_string();
                index.warn(&pnpm, format!("invalid YAML: {}", message.lines().next().unwrap_or("")));
                Vec::new()
            }
        };
        let globs = if globs.is_empty() {
            vec!["**".to_string()]
        } else {
            globs
        };
        return Some(NodeWorkspace::new(&globs, false));
    }
    let declared = all
        .find(|p| p.dir == dir && p.ecosystem == Ecosystem::Node)
        .map(|p| p.workspace_members.clone())
        .unwrap_or_default();
    if !declared.is_empty() {
        return Some(NodeWorkspace::new(&declared, false));
    }
    let lerna = crate::fs::join(dir, "lerna.json");
    if index.has_file(&lerna) {
        let globs = crate::ecosystems::json_object(index, &lerna)
            .map(|o| string_list(o.get("packages")))
            .unwrap_or_default();
        let globs = if globs.is_empty() {
            vec!["packages/*".to_string()]
        } else {
            globs
        };
        return Some(NodeWorkspace::new(&globs, true));
    }
    None
}

fn string_list(value: Option<&serde_json::Value>) -> Vec<String> {
    value
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Yarn 2+ ("berry") writes a YAML lockfile with `__metadata:` and reads `.yarnrc.yml`.
fn yarn_flavour(index: &RepoIndex, dir: &str) -> String {
    let berry = index.has_file(&crate::fs::join(dir, ".yarnrc.yml"))
        || index
            .read(&crate::fs::join(dir, "yarn.lock"))
            .is_some_and(|t| t.contains("__metadata:"));
    if berry {
        "yarn (berry)".into()
    } else {
        "yarn (classic)".into()
    }
}

fn python<'a>(index: &RepoIndex, project: &Project, all: impl Iterator<Item = &'a Project> + Clone) -> Runner {
    for dir in crate::fs::ancestors(&project.dir) {
        for (lockfile, name) in PYTHON_LOCKFILES {
            let file = crate::fs::join(&dir, lockfile);
            if index.has_file(&file) {
                return Runner {
                    name,
                    display: name.to_string(),
                    evidence: Evidence::new(file, "lockfile"),
                    root_dir: dir,
                    workspace: None,
                };
            }
        }
        let manifest = all.clone().find(|p| p.dir == dir && p.ecosystem == Ecosystem::Python);
        if let Some(p) = manifest {
            for (table, name) in [("uv", "uv"), ("poetry", "poetry"), ("pdm", "pdm")] {
                if p.tool_tables.iter().any(|t| t == table) {
                    let file = crate::fs::join(&dir, "pyproject.toml");
                    return Runner {
                        name,
                        display: name.to_string(),
                        evidence: Evidence::new(file, format!("[tool.{table}] table")),
                        root_dir: dir,
                        workspace: None,
                    };
                }
            }
        }
    }
    let requirements = index
        .files_in(&project.dir)
        .find(|f| crate::fs::file_name(f).starts_with("requirements"));
    let evidence = match requirements {
        Some(file) => Evidence::new(file, "requirements file, installed with pip"),
        None => Evidence::new(&project.manifest, "no lockfile; pip is the default"),
    };
    Runner {
        name: "pip",
        display: "pip".into(),
        evidence,
        root_dir: project.dir.clone(),
        workspace: None,
    }
}

impl Runner {
    /// Prefix that runs a locally installed tool (`npx`, `pnpm exec`, `uv run`, …).
    fn exec_prefix(&self) -> &'static str {
        match self.name {
            "npm" => "npx ",
            "pnpm" => "pnpm exec ",
            "yarn" => "yarn ",
            "bun" => "bunx ",
            "uv" => "uv run ",
            "poetry" => "poetry run ",
            "pdm" => "pdm run ",
            "pipenv" => "pipenv run ",
            "bundler" => "bundle exec ",
            // An npm package's binary, the way Deno runs one.
            "deno" => "deno run -A npm:",
            _ => "",
        }
    }

    /// A package.json script, as run from the package's own directory.
    fn local_script(&self, script: &str) -> String {
        match self.name {
            "npm" if script == "test" || script == "start" => format!("npm {script}"),
            "npm" => format!("npm run {script}"),
            "pnpm" if PNPM_BUILTINS.contains(&script) => format!("pnpm run {script}"),
            "yarn" if YARN_BUILTINS.contains(&script) => format!("yarn run {script}"),
            "pnpm" | "yarn" => format!("{} {script}", self.name),
            "bun" => format!("bun run {script}"),
            "deno" => format!("deno task {script}"),
            other => format!("{other} run {script}"),
        }
    }

    /// The command that runs a declared task, from the repository root.
    pub fn task(&self, project: &Project, task: &Task) -> String {
        let dir = &project.dir;
        let in_root = dir == ".";
        let name = &task.name;
        match task.runner {
            TaskRunner::NodeScript => {
                if in_root {
                    return self.local_script(name);
                }
                let member = self.is_member(dir);
                let lerna = self.workspace.as_ref().is_some_and(|w| w.lerna);
                match (self.name, &project.name) {
                    (_, Some(pkg)) if member && lerna => {
                        format!("{}lerna run {name} --scope {pkg}", self.exec_prefix())
                    }
                    ("pnpm", Some(pkg)) if member => format!("pnpm --filter {pkg} {name}"),
                    ("yarn", Some(pkg)) if member => format!("yarn workspace {pkg} {name}"),
                    ("bun", Some(pkg)) if member => format!("bun run --filter {pkg} {name}"),
                    ("npm", _) if member => format!("npm run {name} -w {dir}"),
                    _ => format!("cd {dir} && {}", self.local_script(name)),
                }
            }
            TaskRunner::Make if in_root => format!("make {name}"),
            TaskRunner::Make => format!("make -C {dir} {name}"),
            TaskRunner::Just => self.in_dir(project, format!("just {name}")),
            TaskRunner::CargoMake => self.in_dir(project, format!("cargo make {name}")),
            TaskRunner::Pdm => self.in_dir(project, format!("pdm run {name}")),
            TaskRunner::Pipenv => self.in_dir(project, format!("pipenv run {name}")),
            TaskRunner::Poe => self.in_dir(project, format!("{}poe {name}", self.exec_prefix())),
            TaskRunner::Taskipy => self.in_dir(project, format!("{}task {name}", self.exec_prefix())),
            TaskRunner::Taskfile => self.in_dir(project, format!("task {name}")),
            TaskRunner::Composer => self.in_dir(project, format!("composer run {name}")),
            TaskRunner::Deno => self.in_dir(project, format!("deno task {name}")),
        }
    }

    /// A tool command (`prisma migrate deploy`), with the package manager's exec prefix when
    /// `uses_exec`, run in the project's directory unless it `runs_from_root`.
    pub fn exec(&self, project: &Project, body: &str, uses_exec: bool, runs_from_root: bool) -> String {
        // A workspace member's tools run through the package manager's own selector.
        let lerna = self.workspace.as_ref().is_some_and(|w| w.lerna);
        if uses_exec && !runs_from_root && !lerna && self.is_member(&project.dir) {
            match (self.name, &project.name) {
                ("pnpm", Some(pkg)) => return format!("pnpm --filter {pkg} exec {body}"),
                ("yarn", Some(pkg)) => return format!("yarn workspace {pkg} {body}"),
                ("npm", _) => return format!("npm exec -w {} -- {body}", project.dir),
                _ => {}
            }
        }
        let command = if uses_exec {
            format!("{}{body}", self.exec_prefix())
        } else {
            body.to_string()
        };
        if runs_from_root {
            command
        } else {
            self.in_dir(project, command)
        }
    }

    /// A package below the workspace root that the root's workspace declares.
    fn is_member(&self, dir: &str) -> bool {
        let below = match self.root_dir.as_str() {
            "." => Some(dir),
            root => dir.strip_prefix(root).and_then(|d| d.strip_prefix('/')),
        };
        match (below, &self.workspace) {
            (Some(below), Some(workspace)) if dir != "." && dir != self.root_dir => workspace.contains(below),
            _ => false,
        }
    }

    fn in_dir(&self, project: &Project, command: String) -> String {
        if project.dir == "." {
            command
        } else {
            format!("cd {} && {command}", project.dir)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runner(name: &'static str, root_dir: &str) -> Runner {
        Runner {
            name,
            display: name.to_string(),
            evidence: Evidence::new("x", "test"),
            root_dir: root_dir.to_string(),
            workspace: Some(NodeWorkspace::new(&["apps/*".into(), "!apps/legacy".into()], false)),
        }
    }

    fn project(dir: &str, name: Option<&str>) -> Project {
        let mut p = Project::new(dir, Ecosystem::Node, &crate::fs::join(dir, "package.json"));
        p.name = name.map(str::to_string);
        p
    }

    fn script(name: &str) -> Task {
        Task {
            name: name.into(),
            body: String::new(),
            runner: TaskRunner::NodeScript,
            file: "package.json".into(),
        }
    }

    #[test]
    fn scripts_use_each_package_managers_own_form() {
        let root = project(".", None);
        assert_eq!(runner("npm", ".").task(&root, &script("test")), "npm test");
        assert_eq!(runner("npm", ".").task(&root, &script("dev")), "npm run dev");
        assert_eq!(runner("pnpm", ".").task(&root, &script("dev")), "pnpm dev");
        assert_eq!(runner("pnpm", ".").task(&root, &script("deploy")), "pnpm run deploy");
        assert_eq!(runner("yarn", ".").task(&root, &script("test")), "yarn test");
        assert_eq!(runner("yarn", ".").task(&root, &script("info")), "yarn run info");
        // `bun test` is Bun's own runner and ignores the script.
        assert_eq!(runner("bun", ".").task(&root, &script("test")), "bun run test");
    }

    #[test]
    fn workspace_members_use_selectors_and_other_subdirs_cd() {
        let api = project("apps/api", Some("@acme/api"));
        assert_eq!(
            runner("pnpm", ".").task(&api, &script("dev")),
            "pnpm --filter @acme/api dev"
        );
        assert_eq!(
            runner("yarn", ".").task(&api, &script("dev")),
            "yarn workspace @acme/api dev"
        );
        assert_eq!(runner("npm", ".").task(&api, &script("dev")), "npm run dev -w apps/api");
        assert_eq!(
            runner("pnpm", ".").exec(&api, "prisma studio", true, false),
            "pnpm --filter @acme/api exec prisma studio"
        );
        // Its own lockfile: not a member, so run it in place.
        assert_eq!(
            runner("npm", "apps/api").task(&api, &script("dev")),
            "cd apps/api && npm run dev"
        );
        // Below the root's lockfile, but outside the globs its workspace declares.
        let legacy = project("apps/legacy", Some("legacy"));
        let server = project("server", Some("server"));
        for outside in [&legacy, &server] {
            assert_eq!(
                runner("pnpm", ".").task(outside, &script("dev")),
                format!("cd {} && pnpm dev", outside.dir)
            );
            assert_eq!(
                runner("npm", ".").exec(outside, "prisma studio", true, false),
                format!("cd {} && npx prisma studio", outside.dir)
            );
        }
        let lerna = Runner {
            workspace: Some(NodeWorkspace::new(&["packages/*".into()], true)),
            ..runner("npm", ".")
        };
        let pkg = project("packages/api", Some("@acme/api"));
        assert_eq!(lerna.task(&pkg, &script("dev")), "npx lerna run dev --scope @acme/api");
        let backend = Project::new("backend", Ecosystem::Python, "backend/pyproject.toml");
        assert_eq!(
            runner("uv", "backend").exec(&backend, "alembic upgrade head", true, false),
            "cd backend && uv run alembic upgrade head"
        );
        assert_eq!(
            runner("pip", "backend").exec(&backend, "pytest", true, false),
            "cd backend && pytest"
        );
    }

    #[test]
    fn make_and_just_targets_in_subdirectories() {
        let backend = Project::new("backend", Ecosystem::Python, "backend/pyproject.toml");
        let make = Task {
            name: "test".into(),
            body: String::new(),
            runner: TaskRunner::Make,
            file: "backend/Makefile".into(),
        };
        assert_eq!(runner("pip", "backend").task(&backend, &make), "make -C backend test");
        let just = Task {
            runner: TaskRunner::Just,
            ..make
        };
        assert_eq!(
            runner("pip", "backend").task(&backend, &just),
            "cd backend && just test"
        );
    }
}
