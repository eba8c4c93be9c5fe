//! Commands: the repository's declared tasks first (by intent synonyms), then detector
//! defaults, always with the package manager's runner and the sub-directory prefix.

use super::context::Ctx;
use super::dirs::{home_of, project_at, substitute};
use super::recipes::{is_placeholder, recipe_commands, running_commands};
use crate::detect::analysis::Hit;
use crate::detect::knowledge::ScriptHooks;
use crate::detect::{Detector, Kind, Registry};
use crate::ecosystems::{Ecosystem, Project, Task, TaskRunner};
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
    "run:server",
    "dev:run",
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
    // An app that runs from source builds its static assets (a Rakefile's, an Egg.js app's).
    "assets:precompile",
    "assets",
];
pub(super) const MIGRATE_TASKS: &[&str] = &[
    "migrate",
    "db:migrate",
    "database:migrate",
    "migration:run",
    "migrations:run",
    "migrate:up",
    "migrate:latest",
    "migration:latest",
    "migrations:latest",
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
pub(super) fn task_names<'n>(registry: &'n Registry, names: &[&'n str]) -> Vec<&'n str> {
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

/// A script that runs a tool that builds or serves a browser frontend (`[toolchain.frontend]
/// tools`), after any launcher (`npx`, `cross-env`) and `VAR=value`: not a backend command.
pub(super) fn runs_frontend_tool(registry: &Registry, body: &str) -> bool {
    let frontends: Vec<&crate::detect::Frontend> = registry.toolchains().map(|(_, t)| &t.frontend).collect();
    let launcher = |w: &str| frontends.iter().any(|f| f.launchers.iter().any(|l| l == w));
    let first = body.split_whitespace().find(|w| !w.contains('=') && !launcher(w));
    first.is_some_and(|w| frontends.iter().any(|f| f.tools.iter().any(|t| t == w)))
}

/// The first of the backend's declared tasks (then those of the targets above it) named one of
/// `names`, as run from the repository root, with the task as evidence. For the intents beyond
/// the 11 fields (`lint`, `typecheck`): no detector default stands in for them. With
/// `compiling`, a recipe that only compiles (`tsc --noEmit`) is what is wanted.
pub(super) fn declared_task(ctx: &Ctx, names: &[&str], compiling: bool) -> Option<Field> {
    let project: &Project = &ctx.backend.project;
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
    // Named for their job: a coverage task runs the tests.
    let wanted = Wanted {
        names,
        fuzzy: false,
        testing: true,
        building: compiling,
        skip_frontend: false,
        allow_built: true,
        tools: &[],
        separators_alike: false,
    };
    let (task, owner) = find_task(ctx.registry, ctx.index, &declared, wanted)?;
    Some(Field::found(
        ctx.runner.task(owner, task),
        vec![Evidence::new(&task.file, declared_reason(task))],
    ))
}

/// Declared task for the intent, else the first detector default that resolves. With
/// `skip_frontend`, scripts that run a frontend dev server (vite, next, …) do not count. For
/// migrating and opening the database, a script whose one command is a detector's default
/// ([`wrapping_task`]) stands in for that default, whatever its name.
pub(super) fn command<'a>(
    ctx: &'a Ctx,
    names: &[&str],
    skip_frontend: bool,
    pick: impl Fn(&Detector) -> Option<&crate::detect::CommandSpec>,
    kinds: &[Kind],
) -> Option<Field> {
    let project: &Project = &ctx.backend.project;
    // A full-stack framework's dev server is the backend's too (`next dev` serves the API routes).
    let full_stack = ctx.backend.frameworks.first().is_some_and(|h| h.detector.full_stack);
    let skip_frontend = skip_frontend && !full_stack;
    // Root scripts that run it in every package, the backend's own tasks, then targets above
    // it that work on it.
    let at = |tasks: &'a [(Task, String)]| -> Vec<(&'a Task, Project)> {
        tasks
            .iter()
            .map(|(task, dir)| (task, project_at(project, dir)))
            .collect()
    };
    let above = at(&ctx.ancestor_tasks);
    let building = names == BUILD_TASKS;
    let testing = names == TEST_TASKS;
    let fuzzy_migrate = names == MIGRATE_TASKS;
    // A part of a script's name says its job for running, testing and building (`do-test`,
    // `dev:api`); for migrating and opening the database the other parts change the job
    // (`migrate-reset`, `db:push`), so there the backend's script must be one the intent picks.
    let picked_by_name = fuzzy_migrate || names == DB_TASKS;
    let separators_alike = names == DEV_TASKS;
    let names = &task_names(ctx.registry, names)[..];
    let tools: Vec<&str> = ctx
        .backend
        .data
        .iter()
        .filter(|h| h.detector.migrations)
        .map(|h| h.detector.id.as_str())
        .collect();
    let wanted = Wanted {
        names,
        fuzzy: fuzzy_migrate,
        testing,
        building,
        skip_frontend,
        allow_built: false,
        tools: &tools,
        separators_alike,
    };
    // A root script that runs the backend's script of its name is as fit as that script (a
    // root `start` reaching `node dist/main.js` starts production).
    let orchestrating: Vec<(&Task, Project)> = ctx
        .orchestrating_tasks
        .iter()
        .filter(|o| {
            project.task(&o.runs).is_some_and(|own| {
                if picked_by_name {
                    find_task(ctx.registry, ctx.index, &[(own, project)], wanted).is_some()
                } else {
                    fit(ctx.registry, ctx.index, own, project, wanted)
                }
            })
        })
        .map(|o| (&o.task, project_at(project, &o.dir)))
        .collect();
    let declared: Vec<(&Task, &Project)> = orchestrating
        .iter()
        .map(|(t, p)| (*t, p))
        .chain(project.tasks.iter().map(|t| (t, project)))
        .chain(above.iter().map(|(t, p)| (*t, p)))
        .collect();
    let find_declared = |allow_built: bool| {
        let wanted = Wanted { allow_built, ..wanted };
        let (task, owner) = find_task(ctx.registry, ctx.index, &declared, wanted)?;
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
        for (hit, home) in ordered_hits(ctx, *kind, hits, names) {
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
                let wanted = Wanted {
                    skip_frontend: false,
                    allow_built: true,
                    ..wanted
                };
                if let Some((task, owner)) = find_task(ctx.registry, ctx.index, &own, wanted) {
                    return Some(as_run(ctx, project, owner, task));
                }
            }
            // A script that runs the tool's own command, whatever its name (`deploy`: `prisma
            // migrate deploy`), is how the repository runs it.
            if picked_by_name {
                let wrapping = spec.candidates().iter().find_map(|candidate| {
                    [&home, project].into_iter().find_map(|owner| {
                        let fits = |t: &Task| fit(ctx.registry, ctx.index, t, owner, wanted);
                        let hooks = &ctx.registry.toolchain(owner.ecosystem).script_hooks;
                        Some((
                            wrapping_task(ctx.registry, hooks, &owner.tasks, candidate, fits)?,
                            owner,
                        ))
                    })
                });
                if let Some((task, owner)) = wrapping {
                    return Some(as_run(ctx, project, owner, task));
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

/// How many leading words run a tool through the package manager (`uv run`, `poetry run`,
/// `bundle exec`, `npx`, `python -m`, …): the tool's own command starts after them.
pub(super) fn runner_prefix_len(registry: &Registry, words: &[&str]) -> usize {
    let prefixes = registry.toolchains().flat_map(|(_, t)| &t.runner_prefixes);
    prefixes
        .map(|p| p.split_whitespace().collect::<Vec<&str>>())
        .find(|p| words.starts_with(p))
        .map_or(0, |p| p.len())
}

/// A task named like it applies migrations (`django-migrate`, `cli-db-migrate`), not one that
/// creates, reverts, inspects or tests them.
pub(super) fn applies_migrations(name: &str) -> bool {
    // A script's own name says its job (`scripts/check_missing_migrations.sh`), not the folders
    // it lies in (`tools/newsletter/migrate`).
    name.to_ascii_lowercase().contains(MIGRATING) && !says_another_job(crate::fs::file_name(name))
}

/// A task's name with a word of [`NOT_APPLYING`] (`rollback`, `test`, `reset`, at a word's start).
fn says_another_job(name: &str) -> bool {
    name.to_ascii_lowercase()
        .split([':', '-', '_', '.', ' '])
        .any(|part| NOT_APPLYING.iter().any(|n| part.starts_with(n)))
}

/// What a name says migrating with (`migrate`, `migration.go`, `db-migrations`).
pub(super) const MIGRATING: &str = "migrat";

/// Words of a migration task's name that say it does something else than apply them (matched
/// at a word's start: `generate`, `rollback:all`, `migrate-downgrade.sh`).
const NOT_APPLYING: &[&str] = &[
    "down", "rollback", "revert", "undo", "create", "new", "generate", "gen", "make", "reset", "status", "fresh",
    "refresh", "drop", "diff", "check", "list", "redo", "squash", "test", "e2e",
];

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
    let commands = running_commands(body);
    !commands.is_empty()
        && commands.iter().all(|c| {
            c.split_whitespace()
                .next()
                .is_some_and(|w| tools.iter().any(|t| t == w))
        })
}

/// `node dist/main.js`: a script that runs compiled output, or starts the app as in production
/// (`[toolchain] production_starts`), so not a development server.
pub(super) fn runs_built_output(registry: &Registry, body: &str) -> bool {
    let words: Vec<&str> = body.split_whitespace().map(|w| w.trim_matches(['"', '\''])).collect();
    let production = |t: &crate::detect::Toolchain| t.production_starts.iter().any(|p| has_phrase(&words, p));
    if registry.toolchains().any(|(_, toolchain)| production(toolchain)) {
        return true;
    }
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

/// What a declared task is looked for: its names in order, and what its recipe may do.
#[derive(Clone, Copy)]
struct Wanted<'n> {
    names: &'n [&'n str],
    /// Besides the names, any task whose name says it applies migrations.
    fuzzy: bool,
    /// The build intent: a recipe that only compiles is what is wanted, not a reason to skip.
    building: bool,
    /// Scripts that run a frontend dev server (vite, next, …) do not count, nor (unless
    /// `allow_built`) scripts that run build output.
    skip_frontend: bool,
    allow_built: bool,
    /// The test intent: a recipe that only runs the tests is what is wanted, not a reason to skip.
    testing: bool,
    /// Ids of the backend's migration tools (`prisma`): of the tasks a name says migrate, one whose
    /// recipe runs one of them comes first (not a second store's `ch:migrate:apply`).
    tools: &'n [&'n str],
    /// Whether a name matches whichever of `:`, `-`, `_` joins its words (`run-server` for
    /// `run:server`): for running the app. A `test-api` target is a smoke test as often as the
    /// backend's suite, so the other intents take names as written.
    separators_alike: bool,
}

/// The first declared task for the intent: exact names in order, then (for migrations) any task
/// whose name says it applies them. Placeholder scripts never count, nor a task whose recipe
/// needs what is not there (`go test -v main.go` without a `main.go`), publishes a release
/// (`docker push`), for any intent but building, only compiles (a `dev` target running
/// `go build`), or, for any intent but testing, only runs the tests ([`tests_only`]).
fn find_task<'t>(
    registry: &Registry,
    index: &RepoIndex,
    declared: &[(&'t Task, &'t Project)],
    wanted: Wanted,
) -> Option<(&'t Task, &'t Project)> {
    let Wanted {
        names,
        fuzzy,
        tools,
        separators_alike,
        ..
    } = wanted;
    let runs_a_tool = |t: &Task| {
        let body = t.body.to_ascii_lowercase();
        tools.iter().any(|tool| body.contains(tool))
    };
    for name in names.iter().map(Some).chain(fuzzy.then_some(None)) {
        let named = |t: &Task| match name {
            Some(name) if separators_alike => same_name(&t.name, name),
            Some(name) => t.name == **name,
            None => applies_migrations(&t.name),
        };
        let mut candidates: Vec<&(&Task, &Project)> = declared.iter().filter(|(t, _)| named(t)).collect();
        if name.is_none() {
            candidates.sort_by_key(|(t, _)| !runs_a_tool(t));
        }
        for (task, owner) in candidates {
            if fit(registry, index, task, owner, wanted) {
                return Some((task, owner));
            }
        }
    }
    None
}

/// Whether a task's name is `wanted`, whichever of `:`, `-` and `_` separates its words
/// (`run-server`, `run_server` and `run:server` are one name).
pub(super) fn same_name(name: &str, wanted: &str) -> bool {
    let separator = |c: char| matches!(c, ':' | '-' | '_');
    name.len() == wanted.len()
        && name
            .chars()
            .zip(wanted.chars())
            .all(|(a, b)| a == b || (separator(a) && separator(b)))
}

/// Whether a declared task may serve the intent: see [`find_task`].
fn fit(registry: &Registry, index: &RepoIndex, task: &Task, owner: &Project, wanted: Wanted) -> bool {
    let task_runner = matches!(
        task.runner,
        TaskRunner::Make | TaskRunner::Just | TaskRunner::CargoMake | TaskRunner::Taskfile | TaskRunner::Rake
    );
    if is_placeholder(&task.body) && !task_runner {
        return false;
    }
    if wanted.fuzzy && creates_migrations(registry, &task.body) {
        return false;
    }
    if publishes(registry, task.recipe()) || (!wanted.building && compiles_only(registry, task.recipe())) {
        return false;
    }
    // `watch: go tool ginkgo watch ./...` runs the tests again on each change: no dev server.
    if !wanted.testing && tests_only(registry, owner.ecosystem, task.recipe()) {
        return false;
    }
    let task_dir = crate::fs::parent(&task.file);
    if super::plausible::needs(registry, index, task_dir, &task.body).is_err() {
        return false;
    }
    // `build: pnpm run build` beside a Python backend builds its frontend.
    if task_runner && only_runs_tools_of_another_ecosystem(registry, owner.ecosystem, &task.body) {
        return false;
    }
    let frontend = |body: &str| runs_frontend_tool(registry, body);
    let built = |body: &str| !wanted.allow_built && runs_built_output(registry, body);
    !(wanted.skip_frontend && (frontend(&task.body) || built(&task.body)))
}

/// Whether `words` hold `phrase`'s words in a row.
pub(super) fn has_phrase(words: &[&str], phrase: &str) -> bool {
    let phrase: Vec<&str> = phrase.split_whitespace().collect();
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase)
}

/// A recipe running a command that publishes (`[commands] publishes` of conventions.toml).
fn publishes(registry: &Registry, recipe: &str) -> bool {
    let phrases = &registry.conventions.commands.publishes;
    recipe_commands(recipe).iter().any(|command| {
        let words: Vec<&str> = command.split_whitespace().collect();
        // `npm publish --dry-run` only shows what would be published.
        !words.contains(&"--dry-run") && phrases.iter().any(|phrase| has_phrase(&words, phrase))
    })
}

/// A recipe whose every command runs the tests: one of the ecosystem's `[toolchain]
/// test_commands` of two words or more (`go tool ginkgo`, `mix test`), or one of one word with
/// nothing but options after it (`jest --watch`; `./gradlew bootRun` names a task of its own).
fn tests_only(registry: &Registry, ecosystem: Ecosystem, recipe: &str) -> bool {
    let test_commands = &registry.toolchain(ecosystem).test_commands;
    let commands = running_commands(recipe);
    !commands.is_empty()
        && commands.iter().all(|command| {
            let all: Vec<&str> = command.split_whitespace().collect();
            let words = tool_words(registry, &all);
            test_commands.iter().any(|test| {
                let test: Vec<&str> = test.split_whitespace().collect();
                !test.is_empty()
                    && words.starts_with(&test)
                    && (test.len() > 1 || words[1..].iter().all(|w| w.starts_with('-')))
            })
        })
}

/// A recipe whose every command compiles: an ecosystem's build command (`go build`,
/// `cargo build`, `dotnet build`, its tool and subcommand) or a program build of
/// `[toolchain.build_options] program_commands` (`go install`), or an image's build (`[commands]
/// builds_images`: `docker build`, `goreleaser build`). It starts nothing.
pub(super) fn compiles_only(registry: &Registry, recipe: &str) -> bool {
    let mut prefixes: Vec<Vec<&str>> = registry
        .detectors
        .iter()
        .filter(|d| d.kind == Kind::Ecosystem)
        .filter_map(|d| d.commands.build.as_ref())
        .flat_map(|spec| spec.candidates())
        .filter_map(|command| {
            // A placeholder glued to a word (`dotnet build{dotnet_solution}`) is dropped from it.
            let words: Vec<&str> = command
                .split_whitespace()
                .filter(|w| *w != "{exec}")
                .map(|w| w.split('{').next().unwrap_or(w))
                .collect();
            // The tool and its subcommand (`go build`, `python -m build`); not when the tool
            // itself is a placeholder (`{gradle} build`).
            let subcommand = words.iter().skip(1).position(|w| !w.starts_with('-')).map(|i| i + 2);
            let prefix = &words[..subcommand.unwrap_or(words.len()).min(words.len())];
            prefix
                .iter()
                .all(|w| !w.is_empty())
                .then(|| prefix.to_vec())
                .filter(|p| !p.is_empty())
        })
        .collect();
    let programs = registry.toolchains().filter_map(|(_, t)| t.build_options.as_ref());
    prefixes.extend(programs.flat_map(|b| b.program_commands.iter().map(|c| c.split_whitespace().collect())));
    let images = &registry.conventions.commands.builds_images;
    prefixes.extend(images.iter().map(|c| c.split_whitespace().collect()));
    let commands = recipe_commands(recipe);
    !commands.is_empty()
        && commands.iter().all(|command| {
            let words: Vec<&str> = command.split_whitespace().collect();
            prefixes.iter().any(|p| words.starts_with(p))
        })
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
        TaskRunner::Rake => format!("rake task {}", task.name),
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
    let mut uses_exec = template.contains("{exec}");
    // The package runs the tool behind its own wrapper (`pnpm with-env prisma migrate dev`, which
    // loads the root `.env`): so must the tool's other commands.
    let tool = body.split_whitespace().next().unwrap_or_default();
    let wrapper = uses_exec.then(|| wrapper_of(ctx.registry, &home.tasks, tool)).flatten();
    let body = match wrapper {
        Some(wrapper) => {
            uses_exec = false;
            format!("{wrapper} {body}")
        }
        None => body,
    };
    // `cargo … -p CRATE` and `--workspace` run at the workspace root.
    let names_workspace = template.contains("{cargo_package}") || template.contains("{cargo_workspace}");
    if let (true, Some(root)) = (names_workspace, &ctx.cargo_root) {
        return Some(ctx.runner.exec(&project_at(home, root), &body, uses_exec, false));
    }
    Some(ctx.runner.exec(home, &body, uses_exec, false))
}

/// The package's own script that every one of its scripts running `tool` runs it through, as
/// `<package manager> [run] <script>` (`pnpm with-env` of `"migrate": "pnpm with-env prisma
/// migrate dev"`, where `with-env` loads the root `.env`), agreed on by two scripts or more and
/// never skipped: the tool's other commands need it too. Scripts named for another job (`test`,
/// `reset`) say nothing about how the app's database is reached.
fn wrapper_of(registry: &Registry, tasks: &[Task], tool: &str) -> Option<String> {
    let own_script = |words: &[&str]| -> bool {
        let script = match words {
            [_, "run", script] | [_, script] => *script,
            _ => return false,
        };
        runner_prefix_len(registry, &words[..1]) == 0
            && registry
                .toolchains()
                .any(|(_, t)| t.tools.iter().any(|w| w == words[0]))
            && tasks.iter().any(|t| t.name == script)
    };
    let mut wrappers = tasks
        .iter()
        .filter(|t| t.runner == TaskRunner::NodeScript && !says_another_job(&t.name))
        .flat_map(|t| running_commands(t.recipe()))
        .filter_map(|command| {
            let words: Vec<&str> = command.split_whitespace().collect();
            let at = words.iter().position(|w| *w == tool)?;
            Some(words[..at].join(" "))
        });
    let first = wrappers.next()?;
    let words: Vec<&str> = first.split_whitespace().collect();
    let mut count = 1;
    let agreed = wrappers.all(|w| {
        count += 1;
        w == first
    });
    (agreed && count >= 2 && own_script(&words)).then_some(first)
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
/// tools whose migrations were found come first and run where those migrations live; a package
/// that a script above it for the job (`names`) leaves out of its run comes after the others
/// ([`left_out_above`](super::orchestration::left_out_above): it holds another database's
/// migrations).
fn ordered_hits<'h, 'r>(
    ctx: &Ctx<'_, 'r>,
    kind: Kind,
    hits: &'h [Hit<'r>],
    names: &[&str],
) -> Vec<(&'h Hit<'r>, Project)> {
    let backend = &ctx.backend.project;
    if kind != Kind::Data {
        return hits.iter().map(|h| (h, (**backend).clone())).collect();
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
    with_home.sort_by_cached_key(|(_, home)| super::orchestration::left_out_above(ctx.registry, home, ctx.all, names));
    with_home.extend(rest);
    with_home
}

/// A task that writes a new migration (`alembic revision --autogenerate`, `makemigrations`: a
/// data tool's `[phrases] creates_migrations`) rather than applying the ones there are.
pub(super) fn creates_migrations(registry: &Registry, body: &str) -> bool {
    let body = body.to_ascii_lowercase();
    let mut creates = registry.detectors.iter().flat_map(|d| &d.phrases.creates_migrations);
    creates.any(|c| body.contains(c.as_str())) && !["upgrade", "deploy"].iter().any(|a| body.contains(a))
}

/// `owner`'s `task` as the backend `project`'s command: through the root script that runs it
/// when `owner` is another package (a workspace's `db` package), else as it is.
fn as_run(ctx: &Ctx, project: &Project, owner: &Project, task: &Task) -> Field {
    let lifted = (owner.dir != project.dir)
        .then(|| root_script_running(ctx, owner, task))
        .flatten();
    let (task, owner) = match lifted {
        Some((root_task, dir)) => (root_task, project_at(project, &dir)),
        None => (task.clone(), owner.clone()),
    };
    Field::found(
        ctx.runner.task(&owner, &task),
        vec![Evidence::new(&task.file, declared_reason(&task))],
    )
}

/// The first of `tasks` that `fits` whose one command is `candidate`'s own (a detector's
/// default without its `{exec}`-like prefix: `prisma migrate deploy`), run directly, through a
/// package runner or after `VAR=value`. A candidate of fewer than two own words (`prisma`) or
/// with other variables says too little. A name that says another job (`pretest`, `test:setup`,
/// `db:reset`: see [`NOT_APPLYING`]) is not this one's, whatever it runs.
fn wrapping_task<'t>(
    registry: &Registry,
    hooks: &ScriptHooks,
    tasks: &'t [Task],
    candidate: &str,
    fits: impl Fn(&Task) -> bool,
) -> Option<&'t Task> {
    let candidate_words: Vec<&str> = candidate
        .split_whitespace()
        .skip_while(|w| w.starts_with('{') && w.ends_with('}'))
        .collect();
    let own = tool_words(registry, &candidate_words);
    if own.len() < 2 || own.iter().any(|w| w.contains('{')) {
        return None;
    }
    // A hook runs by itself before or after another script (`pretest` of `test`) or the install.
    let named_for_another_job =
        |name: &str| hooks.is_hook(name, tasks.iter().map(|t| t.name.as_str())) || says_another_job(name);
    // Its one command: a script that also builds or starts the app does more than this.
    tasks.iter().find(|task| {
        let commands = running_commands(&task.body);
        let [command] = &commands[..] else { return false };
        let words: Vec<&str> = command.split_whitespace().collect();
        tool_words(registry, &words).starts_with(own) && !named_for_another_job(&task.name) && fits(task)
    })
}

/// The words of a command after its `VAR=value` assignments and runner prefix (`npx`,
/// `bundle exec`): the tool and what it is asked.
pub(super) fn tool_words<'w>(registry: &Registry, words: &'w [&'w str]) -> &'w [&'w str] {
    let start = words
        .iter()
        .take_while(|w| w.contains('=') && !w.starts_with('-'))
        .count();
    let words = &words[start..];
    &words[runner_prefix_len(registry, words).min(words.len())..]
}

/// A script of a directory above `home` (a workspace package) that runs `task` in that package
/// (`"prisma:studio": "npm run with:env -- npm run prisma:studio -w @acme/prisma"`), with the
/// directory it runs in: the repository's own way to run it, which may load what the package's
/// script alone does not (the root's `.env`). Only a script that does nothing else: a `dx` that
/// installs, migrates and seeds is not how the repository migrates.
fn root_script_running(ctx: &Ctx, home: &Project, task: &Task) -> Option<(Task, String)> {
    super::context::ancestor_tasks_for(ctx.index, home, ctx.all, None)
        .into_iter()
        .filter(|(above, _)| above.runner == task.runner)
        .find(|(above, _)| match &recipe_commands(&above.body)[..] {
            [only] => only.split_whitespace().any(|word| word == task.name),
            _ => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tool_run_behind_one_wrapper_in_every_script_is_run_behind_it() {
        let registry = Registry::builtin().unwrap();
        let task = |name: &str, body: &str| Task {
            name: name.into(),
            body: body.into(),
            file: "package.json".into(),
            runner: TaskRunner::NodeScript,
            full_recipe: None,
        };
        let wrapped = [
            task("migrate", "pnpm with-env prisma migrate dev"),
            task("codegen", "pnpm with-env prisma generate && jiti types.ts"),
            task("with-env", "dotenv -e ../../.env -c --"),
        ];
        assert_eq!(
            wrapper_of(&registry, &wrapped, "prisma").as_deref(),
            Some("pnpm with-env")
        );
        let mixed = [
            task("migrate", "pnpm with-env prisma migrate dev"),
            task("gen", "prisma generate"),
        ];
        assert_eq!(wrapper_of(&registry, &mixed, "prisma"), None);
        let launched = [
            task("migrate", "npx prisma migrate deploy"),
            task("seed", "NODE_ENV=dev prisma db seed"),
            task("studio", "env DEBUG=1 prisma studio"),
        ];
        assert_eq!(wrapper_of(&registry, &launched, "prisma"), None);
        // A test database's loader is not the app's, and one script is not agreement.
        let for_tests = [
            task("test:db", "pnpm with-env prisma migrate reset --force"),
            task("with-env", "dotenv -e .env.test --"),
        ];
        assert_eq!(wrapper_of(&registry, &for_tests, "prisma"), None);
        let not_a_script = [
            task("migrate", "dotenv -e .env -- prisma migrate dev"),
            task("gen", "dotenv -e .env -- prisma generate"),
        ];
        assert_eq!(wrapper_of(&registry, &not_a_script, "prisma"), None);
    }

    #[test]
    fn a_recipe_that_only_compiles_or_builds_an_image_starts_nothing() {
        let registry = Registry::builtin().unwrap();
        assert!(compiles_only(&registry, "go build ./..."));
        assert!(compiles_only(
            &registry,
            "goreleaser build --single-target --snapshot --clean"
        ));
        assert!(compiles_only(
            &registry,
            "docker buildx build --target=app --file docker/Dockerfile ."
        ));
        assert!(!compiles_only(
            &registry,
            "docker build . && docker run -p 8080:8080 app"
        ));
        assert!(!compiles_only(&registry, "go run ./cmd dev"));
    }

    #[test]
    fn a_task_name_is_the_same_whichever_separator_joins_its_words() {
        assert!(same_name("run-server", "run:server"));
        assert!(same_name("dev_server", "dev:server"));
        assert!(same_name("dev", "dev"));
        assert!(!same_name("devserver", "dev:server"));
        assert!(!same_name("run-servers", "run:server"));
    }

    #[test]
    fn a_script_that_runs_the_tools_own_command_is_found_whatever_its_name() {
        let registry = &Registry::builtin().unwrap();
        let task = |name: &str, body: &str| Task {
            name: name.to_string(),
            body: body.to_string(),
            runner: TaskRunner::NodeScript,
            file: "package.json".to_string(),
            full_recipe: None,
        };
        let candidate = "{exec} prisma migrate deploy";
        let hooks = &registry.toolchain(Ecosystem::Node).script_hooks;
        let found = |tasks: &[Task]| wrapping_task(registry, hooks, tasks, candidate, |_| true).map(|t| t.name.clone());
        assert_eq!(
            found(&[task("update-db", "prisma migrate deploy")]).as_deref(),
            Some("update-db")
        );
        assert_eq!(
            found(&[task("deploy", "DATABASE_URL=x npx prisma migrate deploy")]).as_deref(),
            Some("deploy")
        );
        assert_eq!(
            found(&[task("build", "prisma migrate deploy && next build")]),
            None,
            "does more"
        );
        let hooked = [task("test", "jest"), task("pretest", "prisma migrate deploy")];
        assert_eq!(found(&hooked), None, "a hook of another script");
        assert_eq!(
            found(&[task("postinstall", "prisma migrate deploy")]),
            None,
            "a hook of the install"
        );
        assert_eq!(
            found(&[task("test:setup", "prisma migrate deploy")]),
            None,
            "named for tests"
        );
        assert_eq!(
            found(&[task("postgres:up", "prisma migrate deploy")]).as_deref(),
            Some("postgres:up"),
            "`post` only as a hook"
        );
        let unfit = [
            task("a-migrate", "prisma migrate deploy"),
            task("b-migrate", "prisma migrate deploy"),
        ];
        let second = wrapping_task(registry, hooks, &unfit, candidate, |t| t.name != "a-migrate");
        assert_eq!(
            second.map(|t| t.name.as_str()),
            Some("b-migrate"),
            "an unfit one is passed over"
        );
        assert!(
            wrapping_task(registry, hooks, &unfit, "{exec} prisma", |_| true).is_none(),
            "too little"
        );
    }

    #[test]
    fn a_recipe_that_only_runs_the_tests_is_told_apart() {
        let registry = &Registry::builtin().unwrap();
        assert!(tests_only(
            registry,
            Ecosystem::Go,
            "go tool ginkgo watch -tags=netgo -notify ./..."
        ));
        assert!(tests_only(registry, Ecosystem::Node, "NODE_ENV=test jest --watch"));
        assert!(tests_only(registry, Ecosystem::Node, "npx vitest"));
        assert!(
            !tests_only(registry, Ecosystem::Node, "jest && node server.js"),
            "it starts the app too"
        );
        assert!(
            !tests_only(registry, Ecosystem::Jvm, "./gradlew bootRun"),
            "a task of its own"
        );
        assert!(!tests_only(registry, Ecosystem::Ruby, "rake db:migrate"));
        assert!(!tests_only(registry, Ecosystem::Go, "go run ."));
    }

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
        // A test target that boots the app against a throwaway database (lnbits).
        assert!(!applies_migrations("test-migration"));
        assert!(!applies_migrations("db-migrate-create"));
        assert!(!applies_migrations("makemigrations"));
        assert!(!applies_migrations(
            "${GITHUB_WORKSPACE}/scripts/check_missing_migrations.sh"
        ));
        assert!(applies_migrations("./scripts/migrate.sh"));
        assert!(
            applies_migrations("./tools/newsletter/migrate"),
            "a folder's name is not the job"
        );
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
    }
}
