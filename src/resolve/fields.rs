//! The fields of the chosen project: its framework, database, directories and commands, each
//! decided from the detector hits, the repository's tasks, guides and CI, and the signals.

use super::commands::{BUILD_TASKS, DB_TASKS, DEV_TASKS, MIGRATE_TASKS, TEST_TASKS, command, runner_prefix_len};
use super::context::{Ctx, Facts, ancestor_tasks_for, build_root_vars, cargo_workspace_root, test_projects};
use super::database::{Selected, db_client_command, env_name_file_client, only_in_memory, resolve_database};
use super::dirs::{collapse, source_dirs};
use super::documented::{Intent, documented_dev, documented_intent};
use super::migrations::{migration_dirs, named_for_migrating};
use super::on_start::applied_on_start;
use super::orchestration::orchestrating_tasks;
use super::recipes::is_placeholder;
use super::stack::{capability_variables, language_of, runtime_of, tech_stack_of};
use super::test_dirs::{has_tests, test_dirs};
use crate::detect::analysis::{Analysis, Hit};
use crate::detect::{Kind, Registry};
use crate::ecosystems::{self, Ecosystem, TaskRunner};
use crate::repo::index::RepoIndex;
use crate::report::hints;
use crate::report::{ABSENT_TEXT, Evidence, EvidenceKind, Field, FieldName, State};
use crate::signals::compose::RepoSignals;
use std::collections::BTreeMap;

pub(super) fn resolve_backend(
    facts: &Facts,
    backend: &Analysis,
    all: &[Analysis],
    signals: &RepoSignals,
    fields: &mut BTreeMap<FieldName, Field>,
    variables: &mut BTreeMap<String, Option<String>>,
    extras: &mut BTreeMap<crate::report::Extra, Field>,
) {
    let (registry, index) = (facts.registry, facts.index);
    let project: &crate::ecosystems::Project = &backend.project;
    let runner = ecosystems::package_manager(index, project, all.iter().map(|a| &*a.project));
    let mut vars = backend.vars.clone();
    if registry
        .toolchain(project.ecosystem)
        .native_build
        .iter()
        .any(|n| n == runner.tool.as_str())
    {
        let build = format!("{} build", runner.tool.as_str());
        vars.insert("native_build".into(), (build, runner.evidence.clone()));
    }
    if let Some(bin) = &project.run_bin {
        let why = "several binaries and no default-run";
        vars.insert("cargo_bin".into(), (bin.clone(), Evidence::new(&project.manifest, why)));
    }
    let cargo_root = cargo_workspace_root(project, all);
    if let Some(root) = &cargo_root {
        // A workspace is tested as a whole (`cargo test --workspace`), as its CI does.
        let manifest = crate::fs::join(root, "Cargo.toml");
        vars.insert(
            "cargo_workspace".into(),
            ("--workspace".into(), Evidence::new(&manifest, "workspace root")),
        );
    }
    if cargo_root.as_ref().is_some_and(|root| *root != project.dir) {
        if let Some(name) = &project.name {
            vars.insert(
                "cargo_package".into(),
                (name.clone(), Evidence::new(&project.manifest, "workspace member")),
            );
        }
    }
    build_root_vars(index, backend, all, &runner, &mut vars);
    let mut ctx = Ctx {
        registry,
        index,
        ci: &facts.ci,
        backend,
        all,
        runner: &runner,
        vars: &vars,
        data_homes: Vec::new(),
        ancestor_tasks: ancestor_tasks_for(index, project, all, cargo_root.as_deref()),
        orchestrating_tasks: orchestrating_tasks(registry, project, all),
        cargo_root: cargo_root.clone(),
        test_projects: test_projects(registry, backend, all),
        guides: std::cell::OnceCell::new(),
    };

    // Framework.
    match backend.frameworks.first() {
        Some(hit) => fields.insert(
            FieldName::BackendFramework,
            Field::found(&hit.detector.name, hit.evidence.to_vec()),
        ),
        None => fields.insert(
            FieldName::BackendFramework,
            Field::unknown(hints::unknown(
                FieldName::BackendFramework,
                &format!("{} has a database or ORM but no known web framework", project.manifest),
            )),
        ),
    };

    // Database.
    // The settings a plain run selects, for the database and the client that opens it.
    let selected = Selected::of(index, backend);
    let (db, primaries, db_urls, caches) = resolve_database(registry, index, backend, signals, &selected);
    let has_db = db.state == State::Found;
    // A database archprompt cannot name (an ORM without a named store) still has a console.
    let db_unknown = db.state == State::Unknown;
    // Document stores (`schemaless`) only: an ODM keeps no schema migrations.
    let document_stores: Vec<&str> = primaries
        .iter()
        .filter_map(|id| registry.get(id))
        .filter(|d| d.schemaless)
        .map(|d| d.name.as_str())
        .collect();
    let document_only = !primaries.is_empty() && document_stores.len() == primaries.len();
    let document_reason = format!(
        "{} through an ODM keeps no schema migrations",
        document_stores.join(" and ")
    );
    fields.insert(FieldName::DatabaseSystem, db);
    // An app that reaches its database by a compose service's name is developed in that stack.
    let known = super::connection::Known::of(registry);
    let primary_detector = primaries.first().and_then(|id| registry.get(id));
    // A DDEV project runs in DDEV's containers, whatever compose files it also keeps (a
    // Symfony Flex `compose.yaml`): its commands are DDEV's, not a compose stack's.
    let in_ddev = super::in_ddev::of(registry, backend, signals);
    let in_stack = match in_ddev {
        Some(_) => None,
        None => primary_detector.and_then(|p| super::in_stack::of(registry, &known, backend, p, signals, &db_urls)),
    };

    // Data tools and migrations.
    let migration_tools: Vec<&Hit> = backend.data.iter().filter(|h| h.detector.migrations).collect();
    let (migration_dirs, migration_evidence, data_homes) = migration_dirs(&ctx, &migration_tools);
    let no_tool = migration_tools.is_empty() && migration_dirs.is_empty();
    // Code named for migrating leaves it open: the app may keep its migrations in code.
    let in_code = (no_tool && !document_only && (has_db || !backend.data.is_empty()))
        .then(|| named_for_migrating(&ctx))
        .flatten();
    let no_migrations_reason = if !has_db && backend.data.is_empty() {
        Some("no database, ORM or migration tool found")
    } else if migration_tools.is_empty() && document_only && migration_dirs.is_empty() {
        // A folder of migrations beside a document store (`udata/migrations`, run by the app's
        // own `udata db migrate`) says the app keeps some after all.
        Some(document_reason.as_str())
    } else if no_tool && in_code.is_none() {
        Some("no migration tool among the dependencies and no directory named like migrations")
    } else {
        None
    };
    ctx.data_homes = data_homes;

    let field = if !migration_dirs.is_empty() {
        // Dozens of per-app folders (`saleor/**/migrations`) read better as one glob; a few
        // are named one by one.
        const LISTED: usize = 8;
        let dirs = if migration_dirs.len() > LISTED {
            collapse(migration_dirs)
        } else {
            migration_dirs
        };
        Field::found_list(dirs, migration_evidence)
    } else if let Some(reason) = no_migrations_reason {
        Field::absent_because(&project.manifest, reason)
    } else if let Some(file) = &in_code {
        let why = format!(
            "no migration tool or migrations folder, but {file} is named for migrating: the app may keep its migrations in code"
        );
        Field::unknown(hints::unknown(FieldName::DbMigrationsDirs, &why))
    } else {
        Field::unknown(hints::unknown(
            FieldName::DbMigrationsDirs,
            "no migrations directory found where the detected tools keep them",
        ))
    };
    fields.insert(FieldName::DbMigrationsDirs, field);

    // Directories.
    let source = source_dirs(&ctx);
    // Test folders are looked for beside the code: the source folders, found once.
    let source_items = source.items.clone().unwrap_or_default();
    fields.insert(FieldName::SourceDirs, source);
    let placeholder = project
        .tasks
        .iter()
        .find(|t| t.name == "test" && t.runner == TaskRunner::NodeScript && is_placeholder(&t.body));
    let mut tests_field = test_dirs(&ctx, source_items);
    if let (State::Unknown, Some(task)) = (tests_field.state, placeholder) {
        let why = "the repository declares no tests (npm's placeholder test script)";
        tests_field = Field::absent(
            ABSENT_TEXT,
            vec![Evidence::new(&task.file, "the test script is npm's placeholder")],
            why,
        );
    }
    // No test runner, no test file and no test folder anywhere in the project: it has no tests,
    // and an ecosystem's or framework's default test command would run nothing. Not for Rust,
    // whose tests live inside the code files (and `cargo test` runs the doc tests too).
    const NO_TESTS: &str = "no test runner, test files or test folders in the project";
    let no_tests = tests_field.state == State::Unknown
        && backend.tests.is_empty()
        && project.ecosystem != Ecosystem::Rust
        && !has_tests(registry, index, project);
    if no_tests {
        tests_field = Field::absent_because(&project.manifest, NO_TESTS);
    }
    fields.insert(FieldName::TestDirs, tests_field);

    // Commands. A browser app's own dev server (`vite`) is how it is developed; beside a server
    // framework, such a script serves the frontend, not the backend.
    let serves_nothing = backend.frameworks.is_empty() && backend.data.is_empty() && backend.databases.is_empty();
    let browser_app = serves_nothing && super::backend::has_frontend_dep(registry, project);
    let dev = command(
        &ctx,
        DEV_TASKS,
        !browser_app,
        |d| d.commands.dev.as_ref(),
        &[Kind::Framework, Kind::Ecosystem],
    );
    // What the repository documents wins over a framework's or ecosystem's default.
    let from_default = |f: &Field| {
        f.evidence
            .first()
            .is_some_and(|e| e.kind == EvidenceKind::DefaultCommand)
    };
    let dev = match dev {
        Some(found) if !from_default(&found) => Some(found),
        other => {
            let default = other.as_ref().and_then(|f| f.value.as_deref());
            documented_dev(&ctx, !signals.services.is_empty(), default).or(other)
        }
    };
    // A DDEV project starts in DDEV, whatever server the framework has.
    let dev = match (dev, &in_ddev) {
        (Some(found), Some(ddev)) if from_default(&found) => Some(ddev.dev()),
        (None, Some(ddev)) => Some(ddev.dev()),
        (other, _) => other,
    };
    // A framework's host server cannot reach a database on the stack's network: the stack runs it.
    let dev = match (dev, &in_stack) {
        (Some(found), Some(stack)) if from_default(&found) => stack.dev().or(Some(found)),
        (other, _) => other,
    };
    fields.insert(
        FieldName::DevCommand,
        dev.unwrap_or_else(|| {
            Field::unknown(hints::unknown(
                FieldName::DevCommand,
                "no dev/start task declared and the framework has no standard dev command",
            ))
        }),
    );

    // The migration tool's command, else the app's own (`go run . -migrate`).
    let migrate = command(
        &ctx,
        MIGRATE_TASKS,
        false,
        |d| d.commands.migrate.as_ref(),
        &[Kind::Data, Kind::Ecosystem],
    );
    // What the guides or CI run fills the gap, and a script of the repository wins over a default.
    let migrate = match migrate {
        Some(found) if from_default(&found) => {
            documented_intent(&ctx, Intent::Migrate, found.value.as_deref()).or(Some(found))
        }
        None if no_migrations_reason.is_none() => documented_intent(&ctx, Intent::Migrate, None),
        other => other,
    };
    // A migration tool's CLI is not how an app that applies its migrations when it starts is
    // migrated (`sqlx::migrate!(…).run(&pool)`, `goose.Up(db, …)`, Flyway under Spring Boot):
    // starting it is.
    let started = |from_models: bool| {
        let dev = fields.get(&FieldName::DevCommand).filter(|f| f.state == State::Found);
        match (
            applied_on_start(registry, index, backend, from_models),
            dev.and_then(|d| d.value.clone()),
        ) {
            (Some(evidence), Some(dev)) => Some(Field::found(dev, evidence)),
            _ => None,
        }
    };
    // An ORM without migrations may still create its schema when the app starts (GORM's
    // `AutoMigrate` in the start-up code): then starting it is how it is migrated, and that
    // there are no migrations folders stays true.
    let from_models = migrate.is_none() && no_migrations_reason.is_some();
    let migrate = match migrate {
        Some(found) if from_default(&found) && !cli_is_documented(&ctx, found.value.as_deref().unwrap_or("")) => {
            started(false).or(Some(found))
        }
        None => started(true),
        other => other,
    };
    // A way to migrate with no migrations folder (`go run . -migrate`): the migrations are kept
    // somewhere archprompt does not read, often the code itself, so "none" would be false.
    let no_dirs = !from_models
        && fields
            .get(&FieldName::DbMigrationsDirs)
            .is_some_and(|f| f.state == State::Absent);
    if let (true, Some(found)) = (no_dirs, migrate.as_ref()) {
        let how = found.value.as_deref().unwrap_or_default();
        let why =
            format!("the app migrates with `{how}`, but no migrations folder was found: they may live in its code");
        fields.insert(
            FieldName::DbMigrationsDirs,
            Field::unknown(hints::unknown(FieldName::DbMigrationsDirs, &why)),
        );
    }
    // In a compose stack the app's own command runs in its service (after the folders are
    // judged: the app migrates either way, only where it runs changes).
    let migrate = match (migrate, &in_ddev) {
        (Some(found), Some(ddev)) if from_default(&found) => Some(ddev.inside(&found)),
        (other, _) => other,
    };
    let migrate = match (migrate, &in_stack) {
        (Some(found), Some(stack)) if from_default(&found) => Some(stack.inside(index, &runner, backend, &found)),
        (other, _) => other,
    };
    fields.insert(
        FieldName::MigrationCommand,
        migrate.unwrap_or_else(|| match no_migrations_reason {
            Some(reason) => Field::absent_because(&project.manifest, reason),
            None if !ctx.data_homes.is_empty() => Field::unknown(hints::unknown(
                FieldName::MigrationCommand,
                "no migrate task, and the migration tool has no apply command of its own here (Flyway and Liquibase apply migrations when the application starts unless their build plugin is declared)",
            )),
            None if !migration_tools.is_empty() => Field::unknown(hints::unknown(
                FieldName::MigrationCommand,
                "no migrate task, and no migrations where the migration tool keeps them",
            )),
            None => Field::unknown(hints::unknown(
                FieldName::MigrationCommand,
                "no migrate task and no known migration tool",
            )),
        }),
    );

    let test = command(
        &ctx,
        TEST_TASKS,
        false,
        |d| d.commands.test.as_ref(),
        &[Kind::TestRunner, Kind::Framework, Kind::Ecosystem],
    );
    let test = test.filter(|f| !(no_tests && from_default(f)));
    let test = match test {
        Some(found) if from_default(&found) => {
            documented_intent(&ctx, Intent::Test, found.value.as_deref()).or(Some(found))
        }
        None if !no_tests && placeholder.is_none() => documented_intent(&ctx, Intent::Test, None),
        other => other,
    };
    fields.insert(
        FieldName::TestCommand,
        test.unwrap_or_else(|| match placeholder {
            None if no_tests => Field::absent_because(&project.manifest, NO_TESTS),
            Some(task) => Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(&task.file, "the test script is npm's placeholder")],
                "the repository declares no tests (npm's placeholder test script)",
            ),
            None => Field::unknown(hints::unknown(
                FieldName::TestCommand,
                "no test task and no known test runner among the dependencies",
            )),
        }),
    );

    let build = command(
        &ctx,
        BUILD_TASKS,
        false,
        |d| d.commands.build.as_ref(),
        &[Kind::Framework, Kind::Ecosystem],
    );
    let no_build = registry.toolchain(project.ecosystem).no_build.as_deref();
    // An app that runs from source (PHP, Ruby, Python) builds only its assets, with the
    // package.json beside its manifest (Laravel's Vite, Symfony's Encore).
    let build = build.or_else(|| no_build.and_then(|_| asset_build(index, project, all)));
    fields.insert(
        FieldName::BuildCommand,
        build.unwrap_or_else(|| match no_build {
            Some(reason) => Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(&project.manifest, "no build task declared")],
                reason,
            ),
            None => Field::unknown(hints::unknown(
                FieldName::BuildCommand,
                "no build task, and the ecosystem has no build command archprompt knows",
            )),
        }),
    );

    super::build_options::apply(&ctx, fields);

    // The ORM's console, else a client on the database the dev setup runs or configures, else
    // the framework's console (`php artisan db`), which needs that database reachable from the
    // host and its client installed there, else an embedded store's file an env template gives
    // as the database's name (a framework may place it elsewhere).
    // Where the dev command runs the app (`cd backend && …`, or the project's folder where the
    // ecosystem's run goes there itself), for files relative to it.
    let dev = fields.get(&FieldName::DevCommand);
    let in_project = registry.toolchain(backend.project.ecosystem).runs_in_project
        && backend.project.dir != "."
        && dev.is_some_and(|dev| dev_runs_in_project(&ctx, dev));
    let run_dir = dev
        .and_then(|f| f.value.as_deref()?.strip_prefix("cd ")?.split_once(" && "))
        .map(|(dir, _)| dir.to_string())
        .or_else(|| in_project.then(|| backend.project.dir.clone()));
    // A task whose recipe opens the database's client (`make sql`) is proof; one only named for
    // it (`make db`, which may initialise and migrate) is taken after.
    let db_command = super::console::client_task(&ctx, &primaries)
        .or_else(|| command(&ctx, DB_TASKS, false, |_| None, &[]))
        .or_else(|| super::console::documented_client(&ctx, &primaries))
        .or_else(|| {
            in_stack.as_ref()?.database_shell(
                registry,
                primary_detector?,
                signals,
                &db_urls,
                backend.vars.get("db_name"),
            )
        })
        .or_else(|| command(&ctx, DB_TASKS, false, |d| d.commands.db.as_ref(), &[Kind::Data]))
        .or_else(|| {
            db_client_command(
                registry,
                backend,
                &selected,
                primaries.first(),
                signals,
                &db_urls,
                run_dir.as_deref(),
            )
        })
        .or_else(|| command(&ctx, DB_TASKS, false, |d| d.commands.db.as_ref(), &[Kind::Framework]))
        .or_else(|| env_name_file_client(registry, primaries.first(), signals, run_dir.as_deref()));
    fields.insert(
        FieldName::DbCommand,
        db_command.unwrap_or_else(|| {
            // A web console on it (`spring.h2.console.enabled`, the `db_web_console` variable) is
            // a way in, though not a command.
            let in_memory = only_in_memory(registry, primaries.first(), &db_urls);
            if let Some(proof) = in_memory.filter(|_| !backend.vars.contains_key("db_web_console")) {
                let why = "the development database lives in memory, inside the running app: there is no shell to open";
                Field::absent(ABSENT_TEXT, vec![proof], why)
            } else if has_db || db_unknown {
                Field::unknown(hints::unknown(
                    FieldName::DbCommand,
                    "no db/studio/dbshell task, ORM shell or database URL in an env template",
                ))
            } else {
                Field::absent_because(&project.manifest, "no database found")
            }
        }),
    );

    let mut orm: Vec<&str> = Vec::new();
    for hit in &backend.data {
        if !orm.contains(&hit.detector.name.as_str()) {
            orm.push(&hit.detector.name);
        }
    }
    // Counting a project's .ts and .js files is done once, for the stack and the variable.
    let language = language_of(index, backend);
    // The primary database, with the first evidence the database field gives for it.
    let db_evidence = fields
        .get(&FieldName::DatabaseSystem)
        .and_then(|f| f.evidence.first().cloned());
    let primary = primaries
        .first()
        .and_then(|id| Some((registry.get(id)?.name.as_str(), db_evidence.as_ref()?)));
    let (stack, evidence, version) = tech_stack_of(registry, index, backend, all, &runner, language, &orm, primary);
    fields.insert(FieldName::TechStack, Field::found(stack, evidence));
    variables.insert("language_version".into(), version);
    let cache_names: Vec<&str> = caches
        .iter()
        .filter_map(|id| Some(registry.get(id)?.name.as_str()))
        .collect();
    for (name, value) in capability_variables(registry, index, backend, &cache_names) {
        variables.insert(name.into(), value);
    }

    variables.insert("package_manager".into(), Some(runner.tool.as_str().to_string()));
    variables.insert("language".into(), Some(language.to_string()));
    variables.insert(
        "runtime".into(),
        Some(runtime_of(registry, backend, &runner).to_string()),
    );
    variables.insert("orm".into(), (!orm.is_empty()).then(|| orm.join(" + ")));
    variables.insert(
        "migration_tool".into(),
        migration_tools.first().map(|h| {
            let detector = h.detector;
            detector
                .migrations_name
                .clone()
                .unwrap_or_else(|| detector.name.clone())
        }),
    );
    let test_runner = backend.tests.first().or_else(|| {
        all.iter()
            .filter(|a| ctx.test_projects.contains(&a.project.dir))
            .find_map(|a| a.tests.first())
    });
    variables.insert("test_framework".into(), test_runner.map(|h| h.detector.name.clone()));
    extras.extend(super::extras::of_backend(&ctx));
}

/// Whether the repository's guides, CI or task recipes run the migration tool's own command (its
/// first word: `sqlx`, `diesel`, `goose`, `alembic`, `dotnet ef`): then that is how it migrates.
pub(super) fn cli_is_documented(ctx: &Ctx, default: &str) -> bool {
    let body = default.rsplit("&& ").next().unwrap_or(default);
    let words: Vec<&str> = body.split_whitespace().collect();
    let start = runner_prefix_len(ctx.registry, &words);
    let Some(program) = words.get(start) else {
        return false;
    };
    // A tool run by a host command (`dotnet ef`) is named by both words.
    let hosted = registry_hosts(ctx.registry).any(|h| h == *program);
    let program = match words.get(start + 1) {
        Some(tool) if hosted => format!("{program} {tool}"),
        _ => program.to_string(),
    };
    let mentions = |text: &str| text.contains(&format!("{program} "));
    ctx.guides().iter().any(|d| mentions(&d.command))
        || ctx.ci.get().iter().any(|d| mentions(&d.command))
        || ctx
            .ancestor_tasks
            .iter()
            .map(|(t, _)| t)
            .chain(&ctx.backend.project.tasks)
            .any(|t| mentions(&t.body))
}

/// Whether the dev command runs the backend project's own task or names the project
/// (`dotnet run --project src/Api`, a root `start:api` script that is `yarn --cwd ./api start`),
/// so that, where the ecosystem runs a project in its own folder, the app runs there; a root
/// script running a file of it (`ts-node api/src/main.ts`) runs at the root.
fn dev_runs_in_project(ctx: &Ctx, dev: &Field) -> bool {
    let project = &ctx.backend.project;
    if dev.evidence.iter().any(|e| e.file == project.manifest) {
        return true;
    }
    let names_project = |text: &str| {
        text.split_whitespace().any(|word| {
            let word = word.trim_start_matches("./").trim_end_matches('/');
            word == project.dir || project.name.as_deref() == Some(word)
        })
    };
    let Some(command) = dev.value.as_deref() else {
        return false;
    };
    names_project(command)
        || ctx
            .ancestor_tasks
            .iter()
            .any(|(task, _)| command.ends_with(task.name.as_str()) && names_project(&task.body))
}

/// The `[toolchain] tool_hosts` of every ecosystem (`dotnet`).
pub(super) fn registry_hosts(registry: &Registry) -> impl Iterator<Item = &String> {
    registry.toolchains().flat_map(|(_, t)| &t.tool_hosts)
}

/// The `build` script of the package.json beside a backend that runs from source: its assets'
/// build, run with that package's own package manager.
fn asset_build(index: &RepoIndex, backend: &ecosystems::Project, all: &[Analysis]) -> Option<Field> {
    let assets = all
        .iter()
        .map(|a| &a.project)
        .find(|p| p.dir == backend.dir && p.ecosystem == Ecosystem::Node)?;
    let task = assets.task("build").filter(|t| !is_placeholder(&t.body))?;
    let runner = ecosystems::package_manager(index, assets, all.iter().map(|a| &*a.project));
    let reason = "script \"build\": the assets' build beside the app, which runs from source";
    Some(Field::found(
        runner.task(assets, task),
        vec![Evidence::new(&task.file, reason)],
    ))
}
