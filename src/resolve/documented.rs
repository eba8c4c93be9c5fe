//! What the repository's guides and CI say about running it: the shell lines of the README and
//! development guides and the run steps of CI, matched to an intent (start, test, migrate) and
//! preferred where they are more specific than a detector's default.

use super::commands::{
    DEV_TASKS, applies_migrations, compiles_only, creates_migrations, has_phrase, runner_prefix_len, same_name,
    task_names, tool_words,
};
use super::context::Ctx;
use super::dirs::project_at;
use super::plausible::{self, compose_without_global_options};
use crate::detect::Registry;
use crate::ecosystems::{self, Ecosystem};
use crate::repo::index::RepoIndex;
use crate::report::{Evidence, Field};
use crate::signals::guides::Source;

/// Headings that introduce how to run the project locally, and those that do not (tests,
/// deployment), lower-cased.
pub(super) const RUN_HEADINGS: &[&str] = &[
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

pub(super) const NOT_RUN_HEADINGS: &[&str] = &["test", "build", "install"];

/// Headings about somewhere else than the developer's machine: a line under one runs against a
/// deployment, not the local setup.
pub(super) const DEPLOY_HEADINGS: &[&str] = &["deploy", "production", "release"];

/// Task names beside the dev synonyms that documentation uses to start a project (`make up`).
pub(super) const DOCUMENTED_DEV_TASKS: &[&str] = &["up", "start-dev", "run-dev", "local", "app"];

/// The dev command the repository documents: a line of a shell block in its README or
/// development guide, under a heading about running it, that runs a task the repository declares
/// (`make up`), `bin/dev`, or the compose stack (`docker compose up`). Generic lines (`go run .`,
/// `npm install`) are not taken: they say nothing a default does not.
pub(super) fn documented_dev(ctx: &Ctx, has_compose: bool, default: Option<&str>) -> Option<Field> {
    let backend = &ctx.backend.project;
    for doc in ctx.guides() {
        if plausible::check(ctx.registry, ctx.index, &doc.dir, &doc.command).is_err() {
            continue;
        }
        let heading = doc.heading.to_ascii_lowercase();
        let about_running = RUN_HEADINGS.iter().any(|h| heading.contains(h))
            && !NOT_RUN_HEADINGS
                .iter()
                .chain(DEPLOY_HEADINGS)
                .any(|h| heading.contains(h));
        if !about_running {
            continue;
        }
        let dir = doc.dir.as_str();
        let words = compose_without_global_options(doc.command.split_whitespace().collect());
        // A task named to start the project (`make up`, `just dev`), not `make start-infra`, nor
        // one that only builds (`local: docker buildx build …`).
        let declared = |target: &str| {
            let names = task_names(ctx.registry, DEV_TASKS);
            names
                .iter()
                .chain(DOCUMENTED_DEV_TASKS)
                .any(|name| same_name(target, name))
                && ecosystems::runner_tasks(ctx.index, dir)
                    .iter()
                    .any(|t| t.name == target && !compiles_only(ctx.registry, t.recipe()))
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
    let topic: &[&str] = match intent {
        Intent::Test => &["test"],
        Intent::Migrate => &["migrat", "database", "schema"],
    };
    // Under a heading about the job, or below a comment in the block that says it in a word
    // (`# Run database migrations`; not `# Start the latest server`).
    let about = |text: &str| {
        let text = text.to_ascii_lowercase();
        topic.iter().any(|t| text.contains(t))
    };
    let note_about = |note: &str| {
        let note = note.to_ascii_lowercase();
        note.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| topic.iter().any(|t| word.starts_with(t)))
    };
    let guides = ctx
        .guides()
        .iter()
        .filter(|doc| about(&doc.heading) || note_about(&doc.note));
    // Beside a default, CI only counts for a repository script, so without one its workflows
    // are not parsed at all.
    let ci: &[crate::signals::guides::DocumentedCommand] = if default.is_none() || has_script_for(ctx.index, intent) {
        ctx.ci.get()
    } else {
        &[]
    };
    for doc in guides.chain(ci) {
        if plausible::check(ctx.registry, ctx.index, &doc.dir, &doc.command).is_err() {
            continue;
        }
        if doc.source == Source::Ci && plausible::runs_artifact(ctx.index, &doc.dir, &doc.command) {
            continue;
        }
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
        if intent == Intent::Test
            && (runs_one_test_file(ctx.registry, &words)
                || selects_tests(ctx.registry, &words)
                || runs_some_folders(ctx.index, &doc.dir, &words))
        {
            continue;
        }
        let from_guide = doc.source == Source::Guide;
        // The guide runs the default itself before any variant of it: the default stands.
        if from_guide && default.is_some_and(|d| same_as_default(ctx.registry, d, &words)) {
            return None;
        }
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
        let reason = if doc.source == Source::Ci {
            format!("line {}: {} runs it", doc.line, doc.heading)
        } else if about(&doc.heading) {
            format!("line {}: documented under \"{}\"", doc.line, doc.heading)
        } else {
            // The comment above it is what says the job.
            format!("line {}: documented under \"{}\" ({})", doc.line, doc.heading, doc.note)
        };
        return Some(Field::found(text, vec![Evidence::new(&doc.file, reason)]));
    }
    None
}

/// A command that runs a script of the repository named for the job: `./scripts/test.sh`,
/// `bin/test`, `scripts/migrate`.
pub(super) fn repo_script(registry: &Registry, index: &RepoIndex, dir: &str, command: &str, intent: Intent) -> bool {
    // After a runner or shell that runs it (`uv run bash scripts/test.sh`).
    const LAUNCHERS: &[&str] = &["uv", "poetry", "pdm", "pipenv", "run", "bash", "sh", "exec"];
    let Some(first) = command.split_whitespace().find(|w| !LAUNCHERS.contains(w)) else {
        return false;
    };
    let path = first.trim_start_matches("./");
    let name = crate::fs::file_name(path).to_ascii_lowercase();
    let named = match intent {
        Intent::Test => name.starts_with("test") || name.starts_with("run_tests") || name.starts_with("run-tests"),
        // `scripts/migrate-down.sh` reverts them, `migrate-tests.sh` tests them.
        Intent::Migrate => {
            name.starts_with("migrat")
                && super::commands::applies_migrations(&name)
                && !creates_migrations(registry, command)
        }
    };
    // A script among CI assets or fixtures (`.github/scripts/test.sh`), or one that migrates
    // a test database (`tests/migrate.sh`), is not the project's.
    let dirs = &registry.conventions.dirs;
    let asset = |c: &str| {
        dirs.script_not_command.iter().any(|d| d == c)
            || (intent == Intent::Migrate && dirs.tests.iter().any(|d| d == c))
    };
    let in_assets = path.split('/').rev().skip(1).any(asset);
    named && !in_assets && path.contains('/') && index.has_file(&crate::fs::join(dir, path))
}

/// Whether the repository has a shell script named for the job anywhere (`scripts/test.sh`).
pub(super) fn has_script_for(index: &RepoIndex, intent: Intent) -> bool {
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
pub(super) fn runs_jvm_tests(words: &[&str]) -> bool {
    words.iter().enumerate().any(|(i, w)| {
        let task = w.rsplit(':').next().unwrap_or(w);
        matches!(task, "test" | "check" | "verify") && !(i > 0 && matches!(words[i - 1], "-x" | "--exclude-task"))
    })
}

/// Whether a command runs the backend's tests or applies its migrations.
pub(super) fn serves_intent(registry: &Registry, command: &str, intent: Intent, ecosystem: Ecosystem) -> bool {
    // The part after any `cd DIR &&`, without `VAR=value` assignments and runner prefixes.
    let body = command.rsplit("&& ").next().unwrap_or(command);
    let all: Vec<&str> = body.split_whitespace().collect();
    let words = tool_words(registry, &all);
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
                    && (ecosystem != Ecosystem::Jvm || runs_jvm_tests(words))
        }
        Intent::Migrate => {
            let mut phrases = registry.detectors.iter().flat_map(|d| &d.phrases.applies_migrations);
            let applies = words.iter().any(|w| applies_migrations(w)) || phrases.any(|p| has_phrase(words, p));
            // `go test -run TestMigration`, `--tests MigrationValidatorTest` test migrations.
            let tests = words.iter().any(|w| w.to_ascii_lowercase().contains("test"));
            applies && !tests && !creates_migrations(registry, body) && !matches!(first, "echo" | "cat" | "docker")
        }
    }
}

/// Whether the compose file a command uses (its `-f FILE`, else the standard names in `dir`)
/// builds a service from the repository: then `up` starts the app, not only its databases.
pub(super) fn compose_builds_app(index: &RepoIndex, dir: &str, command: &str) -> bool {
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

/// A run of one test file (`bundle exec rspec spec/models/user_spec.rb`, `pytest
/// tests/test_api.py::test_login`, `… user_spec.rb:42`): a guide's targeted example, not how
/// the suite is run.
fn runs_one_test_file(registry: &Registry, words: &[&str]) -> bool {
    words.iter().skip(1).any(|word| {
        let path = word.split("::").next().unwrap_or(word);
        let path = path
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .trim_end_matches(':');
        super::test_dirs::test_file_name(registry, crate::fs::file_name(path)).is_some()
    })
}

/// A run of the tests a name or pattern selects (`pytest -k test_login`, `go test -run
/// TestLogin`, `dotnet test --filter=Unit`; `[commands] test_selectors`, each runner's own
/// options after its words): a guide's targeted example.
fn selects_tests(registry: &Registry, words: &[&str]) -> bool {
    registry
        .conventions
        .commands
        .test_selectors
        .iter()
        .any(|(runner, options)| {
            let runner: Vec<&str> = runner.split_whitespace().collect();
            let is_runner = |at: usize| match runner.as_slice() {
                [one] => crate::fs::file_name(words[at]) == *one,
                many => words[at..].starts_with(many),
            };
            (0..words.len()).filter(|at| is_runner(*at)).any(|at| {
                words[at + runner.len()..].iter().any(|word| {
                    let option = word.split_once('=').map_or(*word, |(option, _)| option);
                    options.iter().any(|o| o == option)
                })
            })
        })
}

/// A run of some folders of the tests (`rspec spec/models/`, `manage.py test alerts api`): a
/// guide's example of narrowing the suite. An argument that is a folder of the repository (from
/// `dir`) below another one, or two such folders or more.
fn runs_some_folders(index: &RepoIndex, dir: &str, words: &[&str]) -> bool {
    // A word after an option without `=` may be its value (`--cov app`), not a folder to run.
    let folders: Vec<&str> = words
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| !words[i - 1].starts_with('-') || words[i - 1].contains('='))
        .map(|(_, w)| w.trim_end_matches('/'))
        .filter(|w| !w.starts_with('-') && !w.is_empty() && *w != ".")
        .filter(|w| index.has_dir(&crate::fs::join(dir, w)))
        .collect();
    folders.len() >= 2 || folders.iter().any(|f| f.contains('/'))
}

/// The default's words as run in its own directory (after any `cd DIR &&`) and the documented
/// command's, each without its runner prefix.
fn own_words(registry: &Registry, default: &str, documented: &[&str]) -> (Vec<String>, Vec<String>) {
    let strip = |words: Vec<&'_ str>| -> Vec<String> {
        words[runner_prefix_len(registry, &words)..]
            .iter()
            .map(|w| w.to_string())
            .collect()
    };
    let body = default.rsplit("&& ").next().unwrap_or(default);
    (strip(body.split_whitespace().collect()), strip(documented.to_vec()))
}

/// A documented command that is the default itself (`python manage.py test`).
fn same_as_default(registry: &Registry, default: &str, documented: &[&str]) -> bool {
    let (default, documented) = own_words(registry, default, documented);
    !default.is_empty() && default == documented
}

/// A documented command that is the default with more arguments (`cargo run -- server` for
/// `cargo run`, `fastapi dev app/main.py` for `uv run fastapi dev`, `flask --app shop run` for
/// `flask run`), not a help or version flag.
pub(super) fn extends(registry: &Registry, default: &str, documented: &[&str]) -> bool {
    let (default, documented) = own_words(registry, default, documented);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guides_run_of_some_test_folders_is_an_example_not_the_suite() {
        let (_dir, index) = crate::repo::index::test_index(&[
            ("spec/models/a_spec.rb", ""),
            ("alerts/tests.py", ""),
            ("api/tests.py", ""),
        ]);
        let some = |command: &str| runs_some_folders(&index, ".", &command.split_whitespace().collect::<Vec<_>>());
        assert!(some("bundle exec rspec spec/models/"));
        assert!(some("python manage.py test alerts api"));
        assert!(!some("bundle exec rspec spec"));
        assert!(!some("python manage.py test alerts"));
        assert!(!some("pytest -x ."));
        assert!(!some("pytest --cov alerts api"));
    }

    #[test]
    fn a_guides_run_of_one_test_file_is_an_example_not_the_suite() {
        let registry = Registry::builtin().unwrap();
        let one = |command: &str| runs_one_test_file(&registry, &command.split_whitespace().collect::<Vec<_>>());
        assert!(one("bundle exec rspec spec/models/user_spec.rb"));
        assert!(one("bundle exec rspec spec/models/user_spec.rb:42"));
        assert!(one("uv run pytest tests/test_api.py::test_login"));
        assert!(one("npm run test -- app/javascript/__tests__/form.test.js"));
        assert!(!one("bundle exec rspec"));
        assert!(!one("go test ./..."));
        assert!(!one("cargo test --test integration"));
        assert!(!one("pytest tests/"));
        let picks = |command: &str| selects_tests(&registry, &command.split_whitespace().collect::<Vec<_>>());
        assert!(picks("uv run pytest -k test_process_instance_list_filter"));
        assert!(picks("go test -run TestLogin ./..."));
        assert!(picks("dotnet test --filter=Category=Unit"));
        assert!(picks("./gradlew test --tests '*LoginTest'"));
        assert!(!picks("uv run pytest --cov=app"));
        assert!(!picks("go test ./..."));
        assert!(picks("vendor/bin/phpunit --filter UserTest"));
        assert!(picks("./mvnw test -Dtest=UserTest"));
        // Another tool's option of the same spelling selects nothing.
        assert!(!picks("npx mocha -t 10000"), "mocha's timeout");
        assert!(!picks("pnpm --filter @acme/api test"), "pnpm's package filter");
        assert!(!picks("npx vitest --run"));
        assert!(!picks("make -k test"));
    }

    #[test]
    fn a_repository_script_named_for_migrating_applies_them_unless_it_tests_or_reverts() {
        let registry = &Registry::builtin().unwrap();
        let (_dir, index) = crate::repo::index::test_index(&[
            ("scripts/migrate.sh", ""),
            ("scripts/migrate-down.sh", ""),
            ("scripts/migrate-downgrade.sh", ""),
            ("tests/migrations-rollback", ""),
            ("tests/migrate.sh", ""),
            (".github/scripts/migrate.sh", ""),
        ]);
        let script = |command: &str| repo_script(registry, &index, ".", command, Intent::Migrate);
        assert!(script("./scripts/migrate.sh"));
        assert!(script("bash scripts/migrate.sh"));
        assert!(!script("./scripts/migrate-down.sh"));
        assert!(!script("./scripts/migrate-downgrade.sh"));
        assert!(!script("./tests/migrations-rollback"), "a test of the migrations");
        assert!(!script("./tests/migrate.sh"), "migrates a test database");
        assert!(!script("./.github/scripts/migrate.sh"), "a CI asset");
    }

    #[test]
    fn documented_commands_serve_an_intent_and_extend_defaults() {
        let registry = &Registry::builtin().unwrap();
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
