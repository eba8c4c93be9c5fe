//! How a command is written so that it runs from the repository root, once the package manager
//! is known: `pnpm dev`, `yarn test`, `bun run build`, `uv run pytest`, `pnpm --filter api dev`,
//! `cd backend && poetry run alembic upgrade head`.

use crate::ecosystems::node::builtins::{PNPM_BUILTINS, YARN_BUILTINS};
use crate::ecosystems::project::{Project, Task, TaskRunner};
use crate::report::Evidence;

/// The package manager or build tool that runs a project's commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Npm,
    Pnpm,
    Yarn,
    Bun,
    Deno,
    Uv,
    Poetry,
    Pdm,
    Pipenv,
    Pip,
    Cargo,
    Go,
    Maven,
    Gradle,
    Bundler,
    Composer,
    Mix,
    Dotnet,
    Gleam,
}

impl Tool {
    pub const ALL: [Tool; 19] = [
        Tool::Npm,
        Tool::Pnpm,
        Tool::Yarn,
        Tool::Bun,
        Tool::Deno,
        Tool::Uv,
        Tool::Poetry,
        Tool::Pdm,
        Tool::Pipenv,
        Tool::Pip,
        Tool::Cargo,
        Tool::Go,
        Tool::Maven,
        Tool::Gradle,
        Tool::Bundler,
        Tool::Composer,
        Tool::Mix,
        Tool::Dotnet,
        Tool::Gleam,
    ];

    /// The tool detector files name (`bun`), if archprompt knows it.
    pub fn parse(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// Its command name, as the `package_manager` variable and detector files write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Npm => "npm",
            Tool::Pnpm => "pnpm",
            Tool::Yarn => "yarn",
            Tool::Bun => "bun",
            Tool::Deno => "deno",
            Tool::Uv => "uv",
            Tool::Poetry => "poetry",
            Tool::Pdm => "pdm",
            Tool::Pipenv => "pipenv",
            Tool::Pip => "pip",
            Tool::Cargo => "cargo",
            Tool::Go => "go",
            Tool::Maven => "maven",
            Tool::Gradle => "gradle",
            Tool::Bundler => "bundler",
            Tool::Composer => "composer",
            Tool::Mix => "mix",
            Tool::Dotnet => "dotnet",
            Tool::Gleam => "gleam",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Runner {
    pub tool: Tool,
    /// Run through the project's wrapper script (`./gradlew`, `./mvnw`).
    pub wrapper: bool,
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
    pub fn new(globs: &[String], lerna: bool) -> NodeWorkspace {
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

    pub fn contains(&self, relative_dir: &str) -> bool {
        self.members.is_match(relative_dir) && !self.excluded.is_match(relative_dir)
    }
}

impl Runner {
    /// An ecosystem with one build tool, which reads the manifest in the project's directory.
    pub fn own_tool(project: &Project, tool: Tool, display: &str, why: &str) -> Runner {
        Runner {
            tool,
            wrapper: false,
            display: display.into(),
            evidence: Evidence::new(&project.manifest, why),
            root_dir: project.dir.clone(),
            workspace: None,
        }
    }

    /// Prefix that runs a locally installed tool (`npx`, `pnpm exec`, `uv run`, …).
    pub fn exec_prefix(&self) -> &'static str {
        match self.tool {
            Tool::Npm => "npx ",
            Tool::Pnpm => "pnpm exec ",
            Tool::Yarn => "yarn ",
            Tool::Bun => "bunx ",
            Tool::Uv => "uv run ",
            Tool::Poetry => "poetry run ",
            Tool::Pdm => "pdm run ",
            Tool::Pipenv => "pipenv run ",
            Tool::Bundler => "bundle exec ",
            // An npm package's binary, the way Deno runs one.
            Tool::Deno => "deno run -A npm:",
            _ => "",
        }
    }

    /// A package.json script, as run from the package's own directory.
    fn local_script(&self, script: &str) -> String {
        match self.tool {
            Tool::Npm if script == "test" || script == "start" => format!("npm {script}"),
            Tool::Npm => format!("npm run {script}"),
            Tool::Pnpm if PNPM_BUILTINS.contains(&script) => format!("pnpm run {script}"),
            Tool::Yarn if YARN_BUILTINS.contains(&script) => format!("yarn run {script}"),
            Tool::Pnpm | Tool::Yarn => format!("{} {script}", self.tool.as_str()),
            Tool::Bun => format!("bun run {script}"),
            Tool::Deno => format!("deno task {script}"),
            other => format!("{} run {script}", other.as_str()),
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
                match (self.tool, &project.name) {
                    (_, Some(pkg)) if member && lerna => {
                        format!("{}lerna run {name} --scope {pkg}", self.exec_prefix())
                    }
                    (Tool::Pnpm, Some(pkg)) if member => format!("pnpm --filter {pkg} {name}"),
                    (Tool::Yarn, Some(pkg)) if member => format!("yarn workspace {pkg} {name}"),
                    (Tool::Bun, Some(pkg)) if member => format!("bun run --filter {pkg} {name}"),
                    (Tool::Npm, _) if member => format!("npm run {name} -w {dir}"),
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
            TaskRunner::Rake => self.in_dir(project, format!("bundle exec rake {name}")),
        }
    }

    /// A tool command (`prisma migrate deploy`), with the package manager's exec prefix when
    /// `uses_exec`, run in the project's directory unless it `runs_from_root`.
    pub fn exec(&self, project: &Project, body: &str, uses_exec: bool, runs_from_root: bool) -> String {
        // A workspace member's tools run through the package manager's own selector.
        let lerna = self.workspace.as_ref().is_some_and(|w| w.lerna);
        if uses_exec && !runs_from_root && !lerna && self.is_member(&project.dir) {
            match (self.tool, &project.name) {
                (Tool::Pnpm, Some(pkg)) => return format!("pnpm --filter {pkg} exec {body}"),
                (Tool::Yarn, Some(pkg)) => return format!("yarn workspace {pkg} {body}"),
                (Tool::Npm, _) => return format!("npm exec -w {} -- {body}", project.dir),
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
    use crate::ecosystems::project::Ecosystem;

    fn runner(tool: Tool, root_dir: &str) -> Runner {
        Runner {
            tool,
            wrapper: false,
            display: tool.as_str().to_string(),
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
            full_recipe: None,
        }
    }

    #[test]
    fn scripts_use_each_package_managers_own_form() {
        let root = project(".", None);
        assert_eq!(runner(Tool::Npm, ".").task(&root, &script("test")), "npm test");
        assert_eq!(runner(Tool::Npm, ".").task(&root, &script("dev")), "npm run dev");
        assert_eq!(runner(Tool::Pnpm, ".").task(&root, &script("dev")), "pnpm dev");
        assert_eq!(
            runner(Tool::Pnpm, ".").task(&root, &script("deploy")),
            "pnpm run deploy"
        );
        assert_eq!(runner(Tool::Yarn, ".").task(&root, &script("test")), "yarn test");
        assert_eq!(runner(Tool::Yarn, ".").task(&root, &script("info")), "yarn run info");
        // `bun test` is Bun's own runner and ignores the script.
        assert_eq!(runner(Tool::Bun, ".").task(&root, &script("test")), "bun run test");
    }

    #[test]
    fn workspace_members_use_selectors_and_other_subdirs_cd() {
        let api = project("apps/api", Some("@acme/api"));
        assert_eq!(
            runner(Tool::Pnpm, ".").task(&api, &script("dev")),
            "pnpm --filter @acme/api dev"
        );
        assert_eq!(
            runner(Tool::Yarn, ".").task(&api, &script("dev")),
            "yarn workspace @acme/api dev"
        );
        assert_eq!(
            runner(Tool::Npm, ".").task(&api, &script("dev")),
            "npm run dev -w apps/api"
        );
        assert_eq!(
            runner(Tool::Pnpm, ".").exec(&api, "prisma studio", true, false),
            "pnpm --filter @acme/api exec prisma studio"
        );
        // Its own lockfile: not a member, so run it in place.
        assert_eq!(
            runner(Tool::Npm, "apps/api").task(&api, &script("dev")),
            "cd apps/api && npm run dev"
        );
        // Below the root's lockfile, but outside the globs its workspace declares.
        let legacy = project("apps/legacy", Some("legacy"));
        let server = project("server", Some("server"));
        for outside in [&legacy, &server] {
            assert_eq!(
                runner(Tool::Pnpm, ".").task(outside, &script("dev")),
                format!("cd {} && pnpm dev", outside.dir)
            );
            assert_eq!(
                runner(Tool::Npm, ".").exec(outside, "prisma studio", true, false),
                format!("cd {} && npx prisma studio", outside.dir)
            );
        }
        let lerna = Runner {
            workspace: Some(NodeWorkspace::new(&["packages/*".into()], true)),
            ..runner(Tool::Npm, ".")
        };
        let pkg = project("packages/api", Some("@acme/api"));
        assert_eq!(lerna.task(&pkg, &script("dev")), "npx lerna run dev --scope @acme/api");
        let backend = Project::new("backend", Ecosystem::Python, "backend/pyproject.toml");
        assert_eq!(
            runner(Tool::Uv, "backend").exec(&backend, "alembic upgrade head", true, false),
            "cd backend && uv run alembic upgrade head"
        );
        assert_eq!(
            runner(Tool::Pip, "backend").exec(&backend, "pytest", true, false),
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
            full_recipe: None,
        };
        assert_eq!(
            runner(Tool::Pip, "backend").task(&backend, &make),
            "make -C backend test"
        );
        let just = Task {
            runner: TaskRunner::Just,
            ..make
        };
        assert_eq!(
            runner(Tool::Pip, "backend").task(&backend, &just),
            "cd backend && just test"
        );
    }
}
