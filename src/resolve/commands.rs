//! Commands: the repository's declared tasks first (by intent synonyms), then detector
//! defaults, always with the package manager's runner and the sub-directory prefix.

use super::context::Ctx;
use super::dirs::{home_of, project_at, substitute};
use crate::detect::analysis::Hit;
use crate::detect::{Detector, Kind, Registry};
use crate::ecosystems::{self, Ecosystem, Project, Task, TaskRunner};
use crate::repo::index::RepoIndex;
use crate::report::{Evidence, EvidenceKind, Field};
use std::collections::BTreeMap;

pub(super) const DEV_TASKS: &[&str] = &[
    "dev",
    "start:dev",
    "develop",
    "dev:server",
    "server:dev",
    "dev:api",
    "start:server",
    "start:api",
    "start:watch",
    "dev:watch",
    "dev:backend",
    "serve",
    "watch",
    "server",
    "runserver",
    "run",
    "start",
];
pub(super) const TEST_TASKS: &[&str] = &[
    // A full-stack package's backend tests, or a monorepo root's script for its backend
    // package (`turbo run test --filter=api`), before the tests of everything.
    "test:server",
    "test:api",
    "test:backend",
    "test",
    "tests",
    "test:unit",
    "test:all",
    "spec",
];
pub(super) const BUILD_TASKS: &[&str] = &[
    "build",
    "compile",
    "build:prod",
    "build:production",
    "build:server",
    "build:api",
    "build:backend",
    "build-release",
    "build:release",
];
pub(super) const MIGRATE_TASKS: &[&str] = &[
    "migrate",
    "db:migrate",
    "database:migrate",
    "migration:run",
    "migrations:run",
    "migrate:up",
    "migrate:latest",
    "migrate:deploy",
    "db:migrate:deploy",
    "migrate-up",
    "db-migrate",
    "migration:up",
    "db:upgrade",
];
pub(super) const DB_TASKS: &[&str] = &[
    "db",
    "db:studio",
    "studio",
    "db:gui",
    "database:gui",
    "database:studio",
    "dbshell",
    "db:shell",
    "db-shell",
    "db:console",
    "dbconsole",
];

/// An intent's synonyms followed by the script names detectors add for it (`[tasks]`:
/// `prisma:studio`, `psql`).
fn task_names<'n>(registry: &'n Registry, names: &[&'n str]) -> Vec<&'n str> {
    let pick: fn(&crate::detect::Tasks) -> &Vec<String> = match names {
        _ if names == DEV_TASKS => |t| &t.dev,
        _ if names == TEST_TASKS => |t| &t.test,
        _ if names == BUILD_TASKS => |t| &t.build,
        _ if names == MIGRATE_TASKS => |t| &t.migrate,
        _ if names == DB_TASKS => |t| &t.db,
        _ => return names.to_vec(),
    };
    let mut all = names.to_vec();
    for name in registry.detectors.iter().flat_map(|d| pick(&d.tasks)) {
        if !all.contains(&name.as_str()) {
            all.push(name);
        }
    }
    all
}

pub(super) fn is_placeholder(body: &str) -> bool {
    let b = body.trim();
    b.contains("no test specified")
        || b.is_empty()
        || b == "exit 0"
        || b == "true"
        || (b.starts_with("echo") && !b.contains("&&"))
}

/// A script that runs a tool that builds or serves a browser frontend (`[toolchain.frontend]
/// tools`), after any launcher (`npx`, `cross-env`) and `VAR=value`: not a backend command.
pub(super) fn runs_frontend_tool(registry: &Registry, body: &str) -> bool {
    let frontends: Vec<&crate::detect::Frontend> = registry.toolchains().map(|(_, t)| &t.frontend).collect();
    let launcher = |w: &str| frontends.iter().any(|f| f.launchers.iter().any(|l| l == w));
    let first = body.split_whitespace().find(|w| !w.contains('=') && !launcher(w));
    first.is_some_and(|w| frontends.iter().any(|f| f.tools.iter().any(|t| t == w)))
}

/// Declared task for the intent, else the first detector default that resolves. With
/// `skip_frontend`, scripts that run a frontend dev server (vite, next, …) do not count.
pub(super) fn command(
    ctx: &Ctx,
    names: &[&str],
    skip_frontend: bool,
    pick: impl Fn(&Detector) -> Option<&crate::detect::CommandSpec>,
    kinds: &[Kind],
) -> Option<Field> {
    let project = &ctx.backend.project;
    // A full-stack framework's dev server is the backend's too (`next dev` serves the API routes).
    let full_stack = ctx.backend.frameworks.first().is_some_and(|h| h.detector.full_stack);
    let skip_frontend = skip_frontend && !full_stack;
    // The backend's own tasks, then targets above it that work on it.
    let above: Vec<(&Task, Project)> = ctx
        .ancestor_tasks
        .iter()
        .map(|(task, dir)| (task, project_at(project, dir)))
        .collect();
    let declared: Vec<(&Task, &Project)> = project
        .tasks
        .iter()
        .map(|t| (t, project))
        .chain(above.iter().map(|(t, p)| (*t, p)))
        .collect();
    let fuzzy_migrate = names == MIGRATE_TASKS;
    let names = &task_names(ctx.registry, names)[..];
    let find_declared = |allow_built: bool| {
        let (task, owner) = find_task(
            ctx.registry,
            &declared,
            names,
            fuzzy_migrate,
            skip_frontend,
            allow_built,
        )?;
        let text = ctx.runner.task(owner, task);
        Some(Field::found(
            text,
            vec![Evidence::new(&task.file, declared_reason(task))],
        ))
    };
    if let Some(found) = find_declared(false) {
        return Some(found);
    }
    for kind in kinds {
        let hits: &[Hit] = match kind {
            Kind::Framework => &ctx.backend.frameworks,
            Kind::Data => &ctx.backend.data,
            Kind::TestRunner => &ctx.backend.tests,
            Kind::Ecosystem => &ctx.backend.ecosystem_hits,
            Kind::Database => &ctx.backend.databases,
            Kind::Capability => &ctx.backend.capabilities,
        };
        for (hit, home) in ordered_hits(ctx, *kind, hits) {
            let Some(spec) = pick(hit.detector) else {
                continue;
            };
            // A migration tool's apply command needs its migrations: with none found where the
            // tool keeps them (tables created in code, an embedded list), it is not the command.
            let found_migrations = ctx.data_homes.iter().any(|h| h.detector_id == hit.detector.id);
            if fuzzy_migrate && hit.detector.migrations && !found_migrations {
                continue;
            }
            // The package that holds the tool (a workspace `db` package) may wrap it in its own
            // script, which loads the environment the tool needs (`dotenv -e .env -- prisma …`).
            if home.dir != project.dir {
                let own: Vec<(&Task, &Project)> = home.tasks.iter().map(|t| (t, &home)).collect();
                if let Some((task, owner)) = find_task(ctx.registry, &own, names, fuzzy_migrate, false, true) {
                    let text = ctx.runner.task(owner, task);
                    return Some(Field::found(
                        text,
                        vec![Evidence::new(&task.file, declared_reason(task))],
                    ));
                }
            }
            for candidate in spec.candidates() {
                let home = if hit.detector.commands.from_build_root {
                    project_at(&home, &ctx.runner.root_dir)
                } else {
                    home.clone()
                };
                let vars = hit_vars(ctx, hit, &home);
                let Some(text) = substitute_command(candidate, ctx, &vars, &home) else {
                    continue;
                };
                let mut evidence = vec![Evidence::of(
                    EvidenceKind::DefaultCommand,
                    hit.evidence
                        .first()
                        .map(|e| e.file.as_str())
                        .unwrap_or(&project.manifest),
                    format!("{} default command", hit.detector.name),
                )];
                evidence.extend(used_vars(candidate, &vars));
                return Some(Field::found(text, evidence));
            }
        }
    }
    // A `start` that runs the build output is how production starts; it is still better than
    // nothing when the framework has no dev command of its own.
    find_declared(true)
}

/// Headings that introduce how to run the project locally, and those that do not (tests,
/// deployment), lower-cased.
const RUN_HEADINGS: &[&str] = &[
    "run",
    "start",
    "develop",
    "local",
    "serve",
    "getting started",
    "quick start",
    "quickstart",
    "usage",
    "setup",
    "set up",
];
const NOT_RUN_HEADINGS: &[&str] = &["test", "deploy", "production", "release", "build", "install"];
/// Task names beside the dev synonyms that documentation uses to start a project (`make up`).
const DOCUMENTED_DEV_TASKS: &[&str] = &["up", "start-dev", "run-dev", "local", "app"];

/// The dev command the repository documents: a line of a shell block in its README or
/// development guide, under a heading about running it, that runs a task the repository declares
/// (`make up`), `bin/dev`, or the compose stack (`docker compose up`). Generic lines (`go run .`,
/// `npm install`) are not taken: they say nothing a default does not.
pub(super) fn documented_dev(ctx: &Ctx, has_compose: bool, default: Option<&str>) -> Option<Field> {
    let backend = &ctx.backend.project;
    let mut dirs = vec![backend.dir.as_str()];
    if backend.dir != "." {
        dirs.push(".");
    }
    for doc in crate::signals::guides::commands(ctx.index, &dirs) {
        let heading = doc.heading.to_ascii_lowercase();
        let about_running =
            RUN_HEADINGS.iter().any(|h| heading.contains(h)) && !NOT_RUN_HEADINGS.iter().any(|h| heading.contains(h));
        if !about_running {
            continue;
        }
        let dir = doc.dir.as_str();
        let words = compose_without_global_options(doc.command.split_whitespace().collect());
        // A task named to start the project (`make up`, `just dev`), not `make start-infra`.
        let declared = |target: &str| {
            (task_names(ctx.registry, DEV_TASKS).contains(&target) || DOCUMENTED_DEV_TASKS.contains(&target))
                && ecosystems::runner_tasks(ctx.index, dir)
                    .iter()
                    .any(|t| t.name == target)
        };
        // A section about running with Docker is the alternative to the local flow, not it.
        let docker_section = heading.contains("docker") || heading.contains("container");
        // The whole stack, not `docker compose up -d db mailpit` (the services it needs).
        let whole_stack = |args: &[&str]| args.iter().all(|a| a.starts_with('-'));
        let specific = match words.as_slice() {
            ["make" | "just" | "task", target] => declared(target),
            ["bin/dev"] | ["./bin/dev"] => true,
            ["docker", "compose", "up", args @ ..] | ["docker-compose", "up", args @ ..] => {
                has_compose && !docker_section && whole_stack(args) && compose_builds_app(ctx.index, dir, &doc.command)
            }
            ["docker", "compose", "watch"] => {
                has_compose && !docker_section && compose_builds_app(ctx.index, dir, &doc.command)
            }
            _ => default.is_some_and(|d| extends(ctx.registry, d, &words)),
        };
        if !specific {
            continue;
        }
        let text = ctx.runner.exec(&project_at(backend, dir), &doc.command, false, false);
        let reason = format!("line {}: documented under \"{}\"", doc.line, doc.heading);
        return Some(Field::found(text, vec![Evidence::new(&doc.file, reason)]));
    }
    None
}

/// What a command run by hand or by CI is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Intent {
    Test,
    Migrate,
}

/// A test or migration command the repository's guides document (under a heading about it) or
/// its CI runs. Only commands for the backend count: run in its directory or above it, with a
/// tool of its ecosystem, a task runner, a package manager script that names it, or a script of
/// the repository named for the job (`./scripts/test.sh`). With a `default`, only that script:
/// those, and a guide's command that is the `default` with more arguments, are specific enough
/// to win over a detector default.
pub(super) fn documented_intent(ctx: &Ctx, intent: Intent, default: Option<&str>) -> Option<Field> {
    let backend = &ctx.backend.project;
    let mut dirs = vec![backend.dir.as_str()];
    if backend.dir != "." {
        dirs.push(".");
    }
    let topic: &[&str] = match intent {
        Intent::Test => &["test"],
        Intent::Migrate => &["migrat", "database", "schema"],
    };
    let guides = crate::signals::guides::commands(ctx.index, &dirs)
        .into_iter()
        .filter(|doc| {
            let heading = doc.heading.to_ascii_lowercase();
            topic.iter().any(|t| heading.contains(t))
        });
    // Beside a default, CI only counts for a repository script, so without one its workflows
    // are not parsed at all.
    let ci: &[crate::signals::guides::DocumentedCommand] = if default.is_none() || has_script_for(ctx.index, intent) {
        ctx.ci.get(ctx.index)
    } else {
        &[]
    };
    for doc in guides.chain(ci.iter().cloned()) {
        // A command from above the backend reaches it only by naming it (`cd backend && …`).
        let below = if doc.dir == backend.dir {
            None
        } else if doc.dir == "." || backend.dir.starts_with(&format!("{}/", doc.dir)) {
            let below = backend
                .dir
                .strip_prefix(&format!("{}/", doc.dir))
                .unwrap_or(&backend.dir);
            Some(below.to_string())
        } else {
            continue;
        };
        if let Some(below) = &below {
            if !super::context::names_package(&doc.command, below, backend.name.as_deref()) {
                continue;
            }
        }
        // `${{ matrix.x }}` and `$CI_VAR` are CI's own values, not a command to give a person.
        if doc.command.contains("${{") || doc.command.contains("$CI_") {
            continue;
        }
        let script = repo_script(ctx.registry, ctx.index, &doc.dir, &doc.command, intent);
        let words: Vec<&str> = doc.command.split_whitespace().collect();
        let from_guide = !doc.heading.starts_with("CI job");
        let specific = script || (from_guide && default.is_some_and(|d| extends(ctx.registry, d, &words)));
        let wanted = match default {
            Some(_) => specific,
            None => specific || serves_intent(ctx.registry, &doc.command, intent, backend.ecosystem),
        };
        if !wanted {
            continue;
        }
        let text = ctx
            .runner
            .exec(&project_at(backend, &doc.dir), &doc.command, false, false);
        let reason = if doc.heading.starts_with("CI job") {
            format!("line {}: {} runs it", doc.line, doc.heading)
        } else {
            format!("line {}: documented under \"{}\"", doc.line, doc.heading)
        };
        return Some(Field::found(text, vec![Evidence::new(&doc.file, reason)]));
    }
    None
}

/// A command that runs a script of the repository named for the job: `./scripts/test.sh`,
/// `bin/test`, `scripts/migrate`.
fn repo_script(registry: &Registry, index: &RepoIndex, dir: &str, command: &str, intent: Intent) -> bool {
    // After a runner or shell that runs it (`uv run bash scripts/test.sh`).
    const LAUNCHERS: &[&str] = &["uv", "poetry", "pdm", "pipenv", "run", "bash", "sh", "exec"];
    let Some(first) = command.split_whitespace().find(|w| !LAUNCHERS.contains(w)) else {
        return false;
    };
    let path = first.trim_start_matches("./");
    let name = crate::fs::file_name(path).to_ascii_lowercase();
    let named = match intent {
        Intent::Test => name.starts_with("test") || name.starts_with("run_tests") || name.starts_with("run-tests"),
        Intent::Migrate => name.starts_with("migrat") && !creates_migrations(registry, command),
    };
    named && path.contains('/') && index.has_file(&crate::fs::join(dir, path))
}

/// Whether the repository has a shell script named for the job anywhere (`scripts/test.sh`).
fn has_script_for(index: &RepoIndex, intent: Intent) -> bool {
    let prefixes: &[&str] = match intent {
        Intent::Test => &["test", "run_tests", "run-tests"],
        Intent::Migrate => &["migrat"],
    };
    index.files.iter().any(|f| {
        let name = crate::fs::file_name(f);
        let named = |p: &&str| name.len() >= p.len() && name.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
        // The cheap test first: most files are not named so.
        prefixes.iter().any(named) && {
            let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext);
            matches!(ext, "" | "sh" | "bash")
        }
    })
}

/// A Gradle or Maven invocation with a test task (`test`, `check`, `verify`, `:api:test`) that
/// is not excluded (`-x test`).
fn runs_jvm_tests(words: &[&str]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let task = w.rsplit(':').next().unwrap_or(w);
        matches!(task, "test" | "check" | "verify") && !(i > 0 && matches!(words[i - 1], "-x" | "--exclude-task"))
    })
}

/// How many leading words run a tool through the package manager (`uv run`, `poetry run`,
/// `bundle exec`, `npx`, `python -m`, …): the tool's own command starts after them.
pub(super) fn runner_prefix_len(registry: &Registry, words: &[&str]) -> usize {
    let prefixes = registry.toolchains().flat_map(|(_, t)| &t.runner_prefixes);
    prefixes
        .map(|p| p.split_whitespace().collect::<Vec<&str>>())
        .find(|p| words.starts_with(p))
        .map_or(0, |p| p.len())
}

/// Whether `words` hold `phrase`'s words in a row.
fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let phrase: Vec<&str> = phrase.split_whitespace().collect();
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

/// Whether a command runs the backend's tests or applies its migrations.
fn serves_intent(registry: &Registry, command: &str, intent: Intent, ecosystem: Ecosystem) -> bool {
    // The part after any `cd DIR &&`, without `VAR=value` assignments and runner prefixes.
    let body = command.rsplit("&& ").next().unwrap_or(command);
    let mut words: Vec<&str> = body
        .split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .collect();
    words.drain(..runner_prefix_len(registry, &words));
    let Some(&first) = words.first() else { return false };
    let task_runner = matches!(first, "make" | "just" | "task" | "mise");
    let toolchain = registry.toolchain(ecosystem);
    let package_manager = toolchain.script_runners.iter().any(|r| r == first);
    match intent {
        Intent::Test => {
            let names_test = |w: &&str| *w == "test" || w.starts_with("test:") || *w == "tests";
            let test_tool = |tool: &String| words.starts_with(&tool.split_whitespace().collect::<Vec<&str>>());
            ((task_runner || package_manager) && words[1..].iter().any(names_test))
                || toolchain.test_commands.iter().any(test_tool)
                    && (ecosystem != Ecosystem::Jvm || runs_jvm_tests(&words))
        }
        Intent::Migrate => {
            let mut phrases = registry.detectors.iter().flat_map(|d| &d.phrases.applies_migrations);
            let applies = words.iter().any(|w| applies_migrations(w)) || phrases.any(|p| has_phrase(&words, p));
            // `go test -run TestMigration`, `--tests MigrationValidatorTest` test migrations.
            let tests = words.iter().any(|w| w.to_ascii_lowercase().contains("test"));
            applies && !tests && !creates_migrations(registry, body) && !matches!(first, "echo" | "cat" | "docker")
        }
    }
}

/// Whether the compose file a command uses (its `-f FILE`, else the standard names in `dir`)
/// builds a service from the repository: then `up` starts the app, not only its databases.
fn compose_builds_app(index: &RepoIndex, dir: &str, command: &str) -> bool {
    let words: Vec<&str> = command.split_whitespace().collect();
    let named: Vec<String> = words
        .windows(2)
        .filter(|w| matches!(w[0], "-f" | "--file"))
        .map(|w| crate::fs::join(dir, w[1]))
        .collect();
    let files = if named.is_empty() {
        [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.yaml",
        ]
        .iter()
        .map(|name| crate::fs::join(dir, name))
        .collect()
    } else {
        named
    };
    files.iter().filter_map(|file| index.read(file)).any(|text| {
        let Ok(doc) = serde_saphyr::from_str::<serde_json::Value>(&text) else {
            return false;
        };
        doc.get("services")
            .and_then(|s| s.as_object())
            .is_some_and(|services| services.values().any(|s| s.get("build").is_some()))
    })
}

/// `docker compose -f docker-compose.local.yml up` as `docker compose up`: the options before the
/// subcommand (`-f`, `--file`, `-p`, `--project-name`, `--profile`, `--env-file`) and their values
/// do not change what is started.
fn compose_without_global_options(words: Vec<&str>) -> Vec<&str> {
    let skip = match words.as_slice() {
        ["docker", "compose", ..] => 2,
        ["docker-compose", ..] => 1,
        _ => return words,
    };
    let mut out: Vec<&str> = words[..skip].to_vec();
    let mut rest = words[skip..].iter();
    while let Some(word) = rest.next() {
        if matches!(
            *word,
            "-f" | "--file" | "-p" | "--project-name" | "--profile" | "--env-file"
        ) {
            rest.next();
        } else if !(word.starts_with("--file=") || word.starts_with("--profile=") || word.starts_with("--env-file=")) {
            out.push(word);
            out.extend(rest);
            break;
        }
    }
    out
}

/// A documented command that is the default with more arguments (`cargo run -- server` for
/// `cargo run`, `fastapi dev app/main.py` for `uv run fastapi dev`, `flask --app shop run` for
/// `flask run`), not a help or version flag.
fn extends(registry: &Registry, default: &str, documented: &[&str]) -> bool {
    let strip = |words: Vec<&'_ str>| -> Vec<String> {
        words[runner_prefix_len(registry, &words)..]
            .iter()
            .map(|w| w.to_string())
            .collect()
    };
    // The default as run in its own directory: after any `cd DIR &&`.
    let body = default.rsplit("&& ").next().unwrap_or(default);
    let default = strip(body.split_whitespace().collect());
    let documented = strip(documented.to_vec());
    let flags_only = documented
        .iter()
        .any(|w| matches!(w.as_str(), "--help" | "-h" | "help" | "--version" | "-V"));
    // The default's words in order, with options or arguments between or after them
    // (`flask --app shop run --debug` for `flask run --debug`).
    let mut rest = documented.iter();
    let in_order = default.iter().all(|word| rest.any(|w| w == word));
    !default.is_empty()
        && documented.len() > default.len()
        && documented.first() == default.first()
        && in_order
        && !flags_only
}

/// A task named like it applies migrations (`django-migrate`, `cli-db-migrate`), not one that
/// creates, reverts or inspects them.
pub(super) fn applies_migrations(name: &str) -> bool {
    const NOT: &[&str] = &[
        "down", "rollback", "revert", "undo", "create", "new", "generate", "gen", "make", "reset", "status", "fresh",
        "refresh", "drop", "diff", "check", "list", "redo", "squash",
    ];
    let name = name.to_ascii_lowercase();
    let parts = name.split([':', '-', '_', '.', ' ']);
    name.contains("migrat") && !parts.into_iter().any(|part| NOT.iter().any(|n| part.starts_with(n)))
}

/// A task that writes a new migration (`alembic revision --autogenerate`, `makemigrations`: a
/// data tool's `[phrases] creates_migrations`) rather than applying the ones there are.
fn creates_migrations(registry: &Registry, body: &str) -> bool {
    let body = body.to_ascii_lowercase();
    let mut creates = registry.detectors.iter().flat_map(|d| &d.phrases.creates_migrations);
    creates.any(|c| body.contains(c.as_str())) && !["upgrade", "deploy"].iter().any(|a| body.contains(a))
}

/// A recipe whose every command runs one of the tools of an ecosystem other than `own`
/// (`[toolchain] tools`: a JavaScript package manager or bundler beside a Python backend).
fn only_runs_tools_of_another_ecosystem(registry: &Registry, own: Ecosystem, body: &str) -> bool {
    registry
        .toolchains()
        .filter(|(eco, _)| *eco != own)
        .any(|(_, t)| only_runs(&t.tools, body))
}

/// A recipe whose every command starts with one of `tools`.
fn only_runs(tools: &[String], body: &str) -> bool {
    let mut commands = body
        .split(['\n', ';'])
        .flat_map(|line| line.split("&&"))
        .map(|c| c.trim().trim_start_matches(['@', '-', '+']).trim())
        .filter(|c| !c.is_empty() && !c.starts_with('#'))
        .peekable();
    commands.peek().is_some()
        && commands.all(|c| {
            c.split_whitespace()
                .next()
                .is_some_and(|w| tools.iter().any(|t| t == w))
        })
}

/// `node dist/main.js`: a script that runs compiled output, so not a development server.
pub(super) fn runs_built_output(registry: &Registry, body: &str) -> bool {
    let words: Vec<&str> = body.split_whitespace().map(|w| w.trim_matches(['"', '\''])).collect();
    registry.toolchains().any(|(_, toolchain)| {
        words.iter().enumerate().any(|(i, word)| {
            let runs = toolchain.run_commands.iter().any(|c| c == word);
            // The script after the runtime's own flags (`node --inspect build/server.js`).
            let target = words[i + 1..].iter().find(|w| !w.starts_with('-'));
            let target = target.map_or("", |t| t.trim_start_matches("./"));
            let in_dir = |dir: &String| {
                target
                    .strip_prefix(dir.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
            };
            runs && toolchain.build_dirs.iter().any(in_dir)
        })
    })
}

/// The first declared task for the intent: exact names in order, then (for migrations) any task
/// whose name says it applies them. Placeholder scripts never count; with `skip_frontend`,
/// neither do frontend dev servers, nor (unless `allow_built`) scripts that run build output.
fn find_task<'t>(
    registry: &Registry,
    declared: &[(&'t Task, &'t Project)],
    names: &[&str],
    fuzzy: bool,
    skip_frontend: bool,
    allow_built: bool,
) -> Option<(&'t Task, &'t Project)> {
    for name in names.iter().map(Some).chain(fuzzy.then_some(None)) {
        let wanted = |t: &Task| match name {
            Some(name) => t.name == **name,
            None => applies_migrations(&t.name),
        };
        for (task, owner) in declared.iter().filter(|(t, _)| wanted(t)) {
            let task_runner = matches!(
                task.runner,
                TaskRunner::Make | TaskRunner::Just | TaskRunner::CargoMake | TaskRunner::Taskfile
            );
            if is_placeholder(&task.body) && !task_runner {
                continue;
            }
            if fuzzy && creates_migrations(registry, &task.body) {
                continue;
            }
            // `build: pnpm run build` beside a Python backend builds its frontend.
            if task_runner && only_runs_tools_of_another_ecosystem(registry, owner.ecosystem, &task.body) {
                continue;
            }
            let frontend = |body: &str| runs_frontend_tool(registry, body);
            if skip_frontend && (frontend(&task.body) || (!allow_built && runs_built_output(registry, &task.body))) {
                continue;
            }
            return Some((task, owner));
        }
    }
    None
}

pub(super) fn declared_reason(task: &Task) -> String {
    match task.runner {
        TaskRunner::NodeScript => format!("script \"{}\"", task.name),
        TaskRunner::Make => format!("make target {}", task.name),
        TaskRunner::Just => format!("just recipe {}", task.name),
        TaskRunner::CargoMake => format!("cargo-make task {}", task.name),
        TaskRunner::Pdm => format!("[tool.pdm.scripts] {}", task.name),
        TaskRunner::Poe => format!("[tool.poe.tasks] {}", task.name),
        TaskRunner::Taskipy => format!("[tool.taskipy.tasks] {}", task.name),
        TaskRunner::Pipenv => format!("Pipfile [scripts] {}", task.name),
        TaskRunner::Taskfile => format!("Taskfile task {}", task.name),
        TaskRunner::Composer => format!("composer script \"{}\"", task.name),
        TaskRunner::Deno => format!("deno task \"{}\"", task.name),
    }
}

pub(super) fn used_vars(template: &str, vars: &BTreeMap<String, (String, Evidence)>) -> Vec<Evidence> {
    vars.iter()
        .filter(|(name, _)| template.contains(&format!("{{{name}}}")))
        .map(|(_, (_, e))| e.clone())
        .collect()
}

/// Fills `{exec}` and `{vars}` (`None` when a variable is missing) and runs the command in
/// `home`: through the workspace selector or `cd`, unless it names its cargo package or the
/// whole workspace itself.
pub(super) fn substitute_command(
    template: &str,
    ctx: &Ctx,
    vars: &BTreeMap<String, (String, Evidence)>,
    home: &Project,
) -> Option<String> {
    let body = template.replace("{exec}", "");
    let body = substitute(body.trim_start(), vars)?;
    let uses_exec = template.contains("{exec}");
    // `cargo … -p CRATE` and `--workspace` run at the workspace root.
    let names_workspace = template.contains("{cargo_package}") || template.contains("{cargo_workspace}");
    if let (true, Some(root)) = (names_workspace, &ctx.cargo_root) {
        return Some(ctx.runner.exec(&project_at(home, root), &body, uses_exec, false));
    }
    Some(ctx.runner.exec(home, &body, uses_exec, false))
}

/// The scan's variables plus two that depend on the hit: `{migrations_dir}`, where its
/// migrations were found (relative to the directory its command runs in), and `{tool_project}`,
/// the package that holds the tool, relative to that directory (`src/Infrastructure`).
fn hit_vars(ctx: &Ctx, hit: &Hit, runs_in: &Project) -> BTreeMap<String, (String, Evidence)> {
    let mut vars = ctx.vars.clone();
    let relative = |dir: &str| -> String {
        match runs_in.dir.as_str() {
            "." => dir.to_string(),
            base => dir.strip_prefix(&format!("{base}/")).unwrap_or(dir).to_string(),
        }
    };
    let backend = &ctx.backend.project;
    let hit_dir = home_of(hit, backend).dir;
    if let Some(home) = ctx
        .data_homes
        .iter()
        .find(|h| h.detector_id == hit.detector.id && h.hit_dir == hit_dir)
    {
        let dir = relative(&home.migrations);
        vars.insert(
            "migrations_dir".into(),
            (dir, Evidence::new(&home.migrations, "migrations directory")),
        );
    }
    let tool = relative(&hit_dir);
    let evidence = Evidence::new(&hit_dir, "the package that holds the tool");
    vars.insert("tool_project".into(), (tool, evidence));
    vars
}

/// Hits in the order their defaults are tried, each with the project its commands run in. Data
/// tools whose migrations were found come first and run where those migrations live.
fn ordered_hits<'h, 'r>(ctx: &Ctx<'_, 'r>, kind: Kind, hits: &'h [Hit<'r>]) -> Vec<(&'h Hit<'r>, Project)> {
    let backend = &ctx.backend.project;
    if kind != Kind::Data {
        return hits.iter().map(|h| (h, backend.clone())).collect();
    }
    let home_of_hit = |h: &Hit| {
        let dir = home_of(h, backend).dir;
        ctx.data_homes
            .iter()
            .find(|home| home.detector_id == h.detector.id && home.hit_dir == dir)
            .map(|home| home.project.clone())
    };
    let mut with_home: Vec<(&Hit, Project)> = Vec::new();
    let mut rest: Vec<(&Hit, Project)> = Vec::new();
    for hit in hits {
        match home_of_hit(hit) {
            Some(home) => with_home.push((hit, home)),
            None => rest.push((hit, home_of(hit, backend))),
        }
    }
    with_home.extend(rest);
    with_home
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_and_frontend_scripts() {
        let registry = &Registry::builtin().unwrap();
        assert!(is_placeholder("echo \"Error: no test specified\" && exit 1"));
        assert!(is_placeholder("exit 0"));
        assert!(!is_placeholder("jest --runInBand"));
        assert!(runs_frontend_tool(registry, "vite"));
        assert!(runs_frontend_tool(registry, "NODE_ENV=development next dev"));
        assert!(!runs_frontend_tool(registry, "nodemon src/server.js"));
        assert!(runs_built_output(
            registry,
            "NODE_ENV=production node dist/apps/api/main"
        ));
        assert!(runs_built_output(registry, "node ./build/server.js"));
        assert!(runs_built_output(
            registry,
            "concurrently \"node --inspect=0.0.0.0 build/server/index.js --x\""
        ));
        assert!(!runs_built_output(registry, "node server.js"));
        assert!(!runs_built_output(registry, "nest start --watch"));
        assert!(applies_migrations("django-migrate"));
        assert!(applies_migrations("cli-db-migrate"));
        assert!(!applies_migrations("migrate:rollback"));
        assert!(!applies_migrations("db-migrate-create"));
        assert!(!applies_migrations("makemigrations"));
        assert!(creates_migrations(
            registry,
            "poetry run alembic revision --autogenerate -m \"x\""
        ));
        assert!(!creates_migrations(registry, "alembic upgrade head"));
        assert!(only_runs_tools_of_another_ecosystem(
            registry,
            Ecosystem::Python,
            "\tpnpm run build\n"
        ));
        assert!(!only_runs_tools_of_another_ecosystem(
            registry,
            Ecosystem::Python,
            "pnpm run build && uv build"
        ));
        assert!(!only_runs_tools_of_another_ecosystem(registry, Ecosystem::Python, ""));
        assert!(extends(registry, "cargo run", &["cargo", "run", "--", "server"]));
        assert_eq!(
            compose_without_global_options(vec!["docker", "compose", "-f", "local.yml", "up", "-d"]),
            ["docker", "compose", "up", "-d"]
        );
        assert!(serves_intent(
            registry,
            "uv run pytest --cov=app",
            Intent::Test,
            Ecosystem::Python
        ));
        assert!(!serves_intent(
            registry,
            "CI=1 make test-unit",
            Intent::Test,
            Ecosystem::Go
        ));
        assert!(serves_intent(registry, "make test", Intent::Test, Ecosystem::Go));
        assert!(serves_intent(
            registry,
            "pnpm --filter @acme/api test",
            Intent::Test,
            Ecosystem::Node
        ));
        assert!(!serves_intent(registry, "npm ci", Intent::Test, Ecosystem::Node));
        assert!(serves_intent(registry, "./gradlew check", Intent::Test, Ecosystem::Jvm));
        assert!(!serves_intent(
            registry,
            "./gradlew build -x test",
            Intent::Test,
            Ecosystem::Jvm
        ));
        assert!(serves_intent(
            registry,
            "cd backend && uv run alembic upgrade head",
            Intent::Migrate,
            Ecosystem::Python
        ));
        assert!(serves_intent(
            registry,
            "python manage.py migrate --noinput",
            Intent::Migrate,
            Ecosystem::Python
        ));
        assert!(!serves_intent(
            registry,
            "python manage.py makemigrations --check",
            Intent::Migrate,
            Ecosystem::Python
        ));
        assert!(!serves_intent(
            registry,
            "alembic revision --autogenerate",
            Intent::Migrate,
            Ecosystem::Python
        ));
        assert!(!serves_intent(
            registry,
            "go test -run 'TestMigration' ./store/...",
            Intent::Migrate,
            Ecosystem::Go
        ));
        assert!(extends(
            registry,
            "cd backend && uv run fastapi dev",
            &["fastapi", "dev", "app/main.py"]
        ));
        assert!(!extends(registry, "cargo run", &["cargo", "run", "--", "--help"]));
        assert!(!extends(registry, "cargo run", &["cargo", "run"]));
        assert!(!extends(registry, "go run .", &["go", "build", "."]));
        assert!(extends(
            registry,
            "flask run --debug",
            &["flask", "--app", "shop", "run", "--debug"]
        ));
        assert!(!extends(registry, "flask run --debug", &["flask", "run"]));
    }
}
