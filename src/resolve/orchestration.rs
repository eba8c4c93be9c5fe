//! Monorepo roots that run one script in every workspace package (`"dev": "turbo run dev"`):
//! such a root script runs the backend's script of that name, and is how the repository runs
//! the backend. The command forms are `[toolchain.orchestration]` data.

use super::context::Orchestrated;
use super::recipes::{is_placeholder, recipe_commands};
use crate::detect::analysis::Analysis;
use crate::detect::{Orchestration, Registry};
use crate::ecosystems::{Project, Task};

/// Root scripts that run the backend's script for the same job in every workspace package
/// (`"dev": "turbo run dev"` beside an API package with a `dev` script; `"test": "pnpm -r
/// do-test"` beside one with `do-test`): how the repository runs the backend, so they come
/// before the backend's own scripts. Whether the backend's script is fit for the intent is
/// judged with it, by the caller.
pub fn orchestrating_tasks(registry: &Registry, project: &Project, all: &[Analysis]) -> Vec<Orchestrated> {
    let orchestration = &registry.toolchain(project.ecosystem).orchestration;
    if project.dir == "." || orchestration.commands.is_empty() {
        return Vec::new();
    }
    let mut tasks = Vec::new();
    for (dir, task) in scripts_above(project, all) {
        let runs = recipe_commands(&task.body)
            .iter()
            .filter_map(|command| orchestrated_scripts(orchestration, command))
            .flatten()
            .filter(|name| same_job(&task.name, name))
            .find(|name| project.task(name).is_some_and(|own| !is_placeholder(&own.body)));
        if let Some(runs) = runs {
            tasks.push(Orchestrated {
                task: task.clone(),
                dir: dir.to_string(),
                runs,
            });
        }
    }
    tasks
}

/// Whether a script for the job (`names`) of a folder above `project` runs an orchestrating
/// command that leaves `project` out, by its package name or its folder (`"db:migrate": "turbo
/// run db:migrate:deploy --filter=!@acme/ops"` leaves `@acme/ops` out).
pub fn left_out_above(registry: &Registry, project: &Project, all: &[Analysis], names: &[&str]) -> bool {
    let orchestration = &registry.toolchain(project.ecosystem).orchestration;
    let is_project = |package: &str| {
        let package = package.trim_start_matches("./").trim_end_matches('/');
        project.name.as_deref() == Some(package) || project.dir == package
    };
    scripts_above(project, all)
        .filter(|(_, task)| names.contains(&task.name.as_str()))
        .flat_map(|(_, task)| recipe_commands(&task.body))
        .any(|command| left_out(orchestration, &command).iter().any(|p| is_project(p)))
}

/// The scripts of the folders above `project` that hold a project of its ecosystem (a
/// workspace root's `package.json`), nearest folder first, each with its folder.
fn scripts_above<'a>(project: &'a Project, all: &'a [Analysis]) -> impl Iterator<Item = (&'a str, &'a Task)> + 'a {
    crate::fs::ancestors(&project.dir).skip(1).flat_map(move |dir| {
        all.iter()
            .filter(move |a| a.project.dir == dir && a.project.ecosystem == project.ecosystem)
            .flat_map(move |a| a.project.tasks.iter().map(move |task| (dir, task)))
    })
}

/// Whether a package script does the root script's job: the same name, or that name as one part
/// of it (`do-test` for `test`, `dev:api` for `dev`), never another job (`build` for `dev`).
fn same_job(root: &str, script: &str) -> bool {
    script == root || script.split(['-', ':', '_']).any(|part| part == root)
}

/// The words of an orchestrating command after any launcher (`npx`), and which of
/// `orchestration.commands` it is; `None` for another command.
fn orchestrating<'w, 'o>(
    orchestration: &'o Orchestration,
    words: &'w [&'w str],
) -> Option<(&'w [&'w str], &'o String)> {
    let matches = |words: &[&str], command: &str| {
        let needed: Vec<&str> = command.split_whitespace().collect();
        words.first() == needed.first() && needed.iter().all(|n| words.contains(n))
    };
    let launched = orchestration.launchers.iter().find_map(|launcher| {
        let launcher: Vec<&str> = launcher.split_whitespace().collect();
        words.starts_with(&launcher).then(|| &words[launcher.len()..])
    });
    [Some(words), launched].into_iter().flatten().find_map(|words| {
        let command = orchestration.commands.iter().find(|c| matches(words, c))?;
        Some((words, command))
    })
}

/// The packages an orchestrating command leaves out (`turbo run db:migrate:deploy
/// --filter=!@acme/ops` → `@acme/ops`), by `orchestration.exclusions`; none for another command.
pub fn left_out(orchestration: &Orchestration, line: &str) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some((words, _)) = orchestrating(orchestration, &words) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut iter = words.iter();
    while let Some(word) = iter.next() {
        let (name, inline) = match word.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (*word, None),
        };
        let Some(start) = orchestration.exclusions.get(name) else {
            continue;
        };
        let Some(value) = inline.or_else(|| iter.next().copied()) else {
            continue;
        };
        if let Some(package) = value.trim_matches(['"', '\'']).strip_prefix(start.as_str()) {
            out.push(package.to_string());
        }
    }
    out
}

/// The scripts an orchestrating command runs in every package (`turbo run build test` →
/// `build`, `test`), or `None` for another command or one limited to some packages.
fn orchestrated_scripts(orchestration: &Orchestration, line: &str) -> Option<Vec<String>> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (words, command) = orchestrating(orchestration, &words)?;
    let option = |word: &str, list: &[String]| {
        let name = word.split('=').next().unwrap_or(word);
        list.iter().any(|o| o == name)
    };
    let own_filters = orchestration
        .command_filters
        .get(command)
        .map_or(&[][..], Vec::as_slice);
    let filters = orchestration.filter_options.iter().chain(own_filters);
    if words
        .iter()
        .any(|w| filters.clone().any(|f| option(w, std::slice::from_ref(f))))
    {
        return None;
    }
    let command: Vec<&str> = command.split_whitespace().collect();
    let mut scripts = Vec::new();
    let mut iter = words.iter().skip(1).peekable();
    while let Some(word) = iter.next() {
        if option(word, &orchestration.task_options) {
            let value = match word.split_once('=') {
                Some((_, value)) => Some(value),
                None => iter.next().copied(),
            };
            scripts.extend(value.into_iter().flat_map(|v| v.split(',')).map(str::to_string));
        } else if !word.starts_with('-') && !orchestration.verbs.iter().any(|v| v == word) && !command.contains(word) {
            scripts.push(word.trim_matches(['"', '\'']).to_string());
        }
    }
    (!scripts.is_empty()).then_some(scripts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecosystems::Ecosystem;

    #[test]
    fn orchestrating_commands_name_the_scripts_they_run_in_every_package() {
        let registry = Registry::builtin().unwrap();
        let orchestration = &registry.toolchain(Ecosystem::Node).orchestration;
        let runs = |body: &str| orchestrated_scripts(orchestration, body);
        let some = |names: &[&str]| Some(names.iter().map(|n| n.to_string()).collect::<Vec<_>>());
        assert_eq!(runs("turbo run dev"), some(&["dev"]));
        assert_eq!(runs("turbo dev --parallel"), some(&["dev"]));
        assert_eq!(runs("npx turbo run build test"), some(&["build", "test"]));
        assert_eq!(runs("lerna run test --stream"), some(&["test"]));
        assert_eq!(runs("nx run-many -t serve"), some(&["serve"]));
        assert_eq!(runs("nx run-many --target=build,test"), some(&["build", "test"]));
        assert_eq!(runs("pnpm -r --parallel run dev"), some(&["dev"]));
        assert_eq!(runs("npm run dev --workspaces --if-present"), some(&["dev"]));
        assert_eq!(runs("yarn workspaces foreach -A run build"), some(&["build"]));
        // Limited to some packages, or not an orchestrator at all.
        assert_eq!(runs("turbo run dev --filter=web"), None);
        assert_eq!(runs("pnpm -r --filter ./apps/web dev"), None);
        assert_eq!(runs("npm run dev"), None);
        assert_eq!(runs("vite build"), None);
        // Runs that leave packages out, and options that mean something else per command.
        assert_eq!(runs("lerna run test --ignore @acme/api"), None);
        assert_eq!(runs("nx run-many -t test --exclude api"), None);
        assert_eq!(runs("nx run-many -t serve -p web"), None);
        assert_eq!(runs("yarn workspaces foreach -A -p run dev"), some(&["dev"]));
        assert!(same_job("test", "do-test") && same_job("dev", "dev:api") && !same_job("dev", "build"));
    }

    #[test]
    fn exclusions_name_the_packages_a_run_leaves_out() {
        let registry = Registry::builtin().unwrap();
        let orchestration = &registry.toolchain(Ecosystem::Node).orchestration;
        let out = |body: &str| left_out(orchestration, body);
        assert_eq!(
            out("turbo run db:migrate:deploy --filter=!@internal/ops"),
            ["@internal/ops"]
        );
        assert_eq!(out("pnpm -r --filter '!./packages/docs' build"), ["./packages/docs"]);
        assert_eq!(out("npx turbo run test -F !web --filter=!docs"), ["web", "docs"]);
        assert_eq!(out("lerna run test --ignore @acme/api"), ["@acme/api"]);
        assert_eq!(out("nx run-many -t test --exclude=api"), ["api"]);
        // A filter that selects a package leaves none out; nor does another command.
        assert!(out("turbo run dev --filter=web").is_empty());
        assert!(out("prisma migrate deploy --filter=!x").is_empty());
        assert!(out("turbo run dev --filter").is_empty(), "an option without its value");
    }
}
