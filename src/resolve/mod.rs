//! Turns detector hits into the report: analyses every project, picks the backend project,
//! resolves the package manager and runner prefixes, and decides each field's value and state.

use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Category, Kind, Registry, Role, Sets};
use crate::ecosystems::runner::Runner;
use crate::ecosystems::{self, Ecosystem, Project, TaskRunner};
use crate::repo::index::RepoIndex;
use crate::report::FieldName;
use crate::report::hints;
use crate::report::{ABSENT_TEXT, Evidence, EvidenceKind, Field, ProjectSummary, Report, State};
use crate::signals::compose::{self, RepoSignals};
use std::collections::BTreeMap;

mod backend;
mod commands;
mod context;
mod database;
mod dirs;

use crate::detect::analysis::{Analysis, Hit, detected_ids};
use crate::fs::is_within;
use backend::{
    Siblings, backend_score, cargo_members, has_entry_point, has_frontend_dep, pick_backend, with_internal_deps,
};
use commands::{
    BUILD_TASKS, DB_TASKS, DEV_TASKS, Intent, MIGRATE_TASKS, TEST_TASKS, command, documented_dev, documented_intent,
    is_placeholder, runner_prefix_len,
};
pub use context::Facts;
use context::{Ctx, ancestor_tasks_for, build_root_vars, cargo_workspace_root, test_projects};
use database::{db_client_command, resolve_database};
use dirs::{collapse, has_tests, home_of, is_code_file, migration_dirs, project_at, source_dirs, test_dirs};

/// Decides the report from what the scan found: every project's detector hits (`own`, in the
/// order of [`crate::ecosystems::collect`]), the index and the signals. With `project` (a
/// directory or package name), that project is described instead of the one archprompt would
/// pick; an error names the projects when none matches. The report's warnings are left to the
/// caller, which takes them from the index when every read is done.
pub fn resolve(facts: &Facts, own: Vec<Analysis>, project: Option<&str>, root_label: &str) -> anyhow::Result<Report> {
    let (registry, index) = (facts.registry, facts.index);
    // Each project with what the sibling packages it depends on bring (ORMs, databases, and for
    // Rust binaries the framework of a linked library), then scored.
    let members = cargo_members(&own);
    let siblings = Siblings::new(&own);
    let mut analyses: Vec<Analysis> = own.iter().map(|a| with_internal_deps(registry, a, &siblings)).collect();
    for a in analyses.iter_mut() {
        a.score = backend_score(registry, index, a, members.as_ref());
        // The top of a workspace's dependency graph (the server binary) depends on the most
        // sibling packages; libraries it is built from depend on few.
        if a.score > 0 {
            a.score += siblings.linked_count(&a.project).min(6) as i32;
        }
    }
    let backend = match project {
        Some(selector) => Some(select_project(&analyses, selector)?),
        None => pick_backend(&analyses),
    };
    let signals = compose::read(index, backend.map(|a| a.project.dir.as_str()).unwrap_or("."));
    let mut fields = BTreeMap::new();
    let mut variables = BTreeMap::new();
    match backend.or_else(|| main_project(&analyses)) {
        Some(analysis) => {
            resolve_backend(facts, analysis, &analyses, &signals, &mut fields, &mut variables);
            if backend.is_none() {
                mark_no_backend(registry, &analyses, analysis, &mut fields);
            }
        }
        None => nothing_found(registry, index, &mut fields),
    }
    let capability_names = Category::ALL.map(Category::variable);
    for name in [
        "package_manager",
        "language",
        "language_version",
        "runtime",
        "orm",
        "migration_tool",
        "test_framework",
    ]
    .into_iter()
    .chain(capability_names)
    {
        variables.entry(name.to_string()).or_insert(None);
    }
    let main_project_key = backend.map(|a| (a.project.dir.clone(), a.project.ecosystem));
    // Every other project that runs a server framework is described too, each with its own
    // fields (an API beside a worker, microservices), up to a bound for huge workspaces.
    const DESCRIBED: usize = 16;
    let mut described = 0;
    let projects = analyses
        .iter()
        .map(|a| {
            let main = main_project_key.as_ref() == Some(&(a.project.dir.clone(), a.project.ecosystem));
            // Its own server framework, not one a crate or package it links brings along.
            let own_framework = a.frameworks.iter().any(|h| {
                h.evidence
                    .iter()
                    .any(|e| a.project.dir == "." || is_within(&e.file, &a.project.dir))
            });
            let service = !main
                && a.score > 0
                && own_framework
                && has_entry_point(registry, &a.project, index)
                && !is_single_page_app(registry, index, &a.project)
                && described < DESCRIBED;
            let fields = service.then(|| {
                described += 1;
                let signals = compose::read(index, &a.project.dir);
                let (mut fields, mut variables) = (BTreeMap::new(), BTreeMap::new());
                resolve_backend(facts, a, &analyses, &signals, &mut fields, &mut variables);
                fields
            });
            ProjectSummary {
                dir: a.project.dir.clone(),
                ecosystem: a.project.ecosystem.as_str().to_string(),
                manifest: a.project.manifest.clone(),
                name: a.project.name.clone(),
                backend_score: a.score,
                main,
                fields,
            }
        })
        .collect();
    Ok(Report {
        archprompt: env!("CARGO_PKG_VERSION").to_string(),
        root: root_label.to_string(),
        fields,
        variables,
        backend_dir: backend.map(|a| a.project.dir.clone()),
        detected: backend.map(detected_ids).unwrap_or_default(),
        projects,
        warnings: Vec::new(),
        pinned_variables: Vec::new(),
    })
}

/// Whether the repository's guides, CI or task recipes run the migration tool's own command (its
/// first word: `sqlx`, `diesel`, `goose`, `alembic`, `dotnet ef`): then that is how it migrates.
fn cli_is_documented(ctx: &Ctx, default: &str) -> bool {
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
    let dirs = [ctx.backend.project.dir.as_str(), "."];
    crate::signals::guides::commands(ctx.index, &dirs)
        .iter()
        .any(|d| mentions(&d.command))
        || ctx.ci.get(ctx.index).iter().any(|d| mentions(&d.command))
        || ctx
            .ancestor_tasks
            .iter()
            .map(|(t, _)| t)
            .chain(&ctx.backend.project.tasks)
            .any(|t| mentions(&t.body))
}

/// Where the backend's code applies its migrations when it starts: the `migrates_on_start`
/// config read of a migration tool it uses, in the package that holds the tool.
fn applied_on_start(index: &RepoIndex, backend: &Analysis) -> Option<Evidence> {
    for hit in backend.data.iter().filter(|h| h.detector.migrations) {
        let home = home_of(hit, &backend.project);
        let reads = hit
            .detector
            .config
            .iter()
            .filter(|r| r.sets == Sets::Var && r.var.as_deref() == Some("migrates_on_start"));
        for read in reads {
            // A CLI subcommand (`admin/migrate.rs`, `cli.py`), a seed or a test applies them on
            // request, not at start-up.
            let on_request = |file: &str| {
                let file = file.to_ascii_lowercase();
                ["cli", "admin", "command", "migrat", "seed", "test", "/bin/", "script"]
                    .iter()
                    .any(|word| file.contains(word))
            };
            // Rust tests sit at the end of the file they test, after `#[cfg(test)]`.
            let in_tests = |f: &ConfigValue| {
                let text = index.read(&f.file).unwrap_or_default();
                let at = text.find(f.value.as_str());
                text.find("#[cfg(test)]")
                    .is_some_and(|tests| at.is_none_or(|at| at > tests))
            };
            let found = engine::read_config(hit.detector, read, index, &home)
                .into_iter()
                .find(|f| !on_request(&f.file) && !in_tests(f));
            if let Some(found) = found {
                // `migrate!("./migrations")\n    .run(` as one call.
                let call: String = found.value.split_whitespace().collect();
                let call = call.trim_end_matches('(');
                let reason = format!(
                    "the app applies its {} migrations when it starts: {call}(…)",
                    hit.detector.name
                );
                return Some(Evidence::new(&found.file, reason));
            }
        }
    }
    None
}

/// A browser app served from its `index.html` (Vite, webpack): a server library among its
/// dependencies is the typed client of an API (`hono/client`), not a server it runs.
fn is_single_page_app(registry: &Registry, index: &RepoIndex, project: &Project) -> bool {
    let deps = &registry.toolchain(project.ecosystem).frontend.deps;
    index.has_file(&crate::fs::join(&project.dir, "index.html")) && deps.iter().any(|d| project.dep(d).is_some())
}

/// The project `selector` names: its directory (`services/api`, `./services/api/`) or its package
/// name (`@acme/api`, `api`).
fn select_project<'a, 'r>(analyses: &'a [Analysis<'r>], selector: &str) -> anyhow::Result<&'a Analysis<'r>> {
    let dir = selector.trim_start_matches("./").trim_end_matches('/');
    let dir = if dir.is_empty() { "." } else { dir };
    // Of several projects in one directory (a package.json beside a pyproject), the likelier backend.
    let in_dir = analyses.iter().filter(|a| a.project.dir == dir).max_by_key(|a| a.score);
    let found = in_dir.or_else(|| {
        analyses
            .iter()
            .find(|a| a.project.name.as_deref().is_some_and(|n| n == selector))
    });
    found.ok_or_else(|| {
        let known: Vec<String> = analyses
            .iter()
            .map(|a| match &a.project.name {
                Some(name) => format!("{} ({name})", a.project.dir),
                None => a.project.dir.clone(),
            })
            .collect();
        anyhow::anyhow!("no project `{selector}`; the projects are: {}", known.join(", "))
    })
}

/// No manifest at all: a repository without code (documentation, data) has none of the fields;
/// one with code in a language archprompt does not read cannot be described.
fn nothing_found(registry: &Registry, index: &RepoIndex, fields: &mut BTreeMap<FieldName, Field>) {
    let code = index.files.iter().find(|f| is_code_file(registry, f));
    for name in FieldName::ALL {
        let field = match code {
            None => Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(".", "no manifest and no source file")],
                "the repository holds no code (documentation or data only)",
            ),
            Some(file) => {
                let why = format!(
                    "no manifest archprompt reads was found (package.json, deno.json, pyproject.toml, requirements*.txt, Pipfile, Cargo.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, mix.exs, *.csproj), though {file} is code"
                );
                Field::unknown(hints::unknown(name, &why))
            }
        };
        fields.insert(name, field);
    }
}

/// The project that speaks for a repository without a backend: the shallowest one.
fn main_project<'a, 'r>(analyses: &'a [Analysis<'r>]) -> Option<&'a Analysis<'r>> {
    analyses.iter().min_by_key(|a| {
        (
            a.project.dir.matches('/').count() + usize::from(a.project.dir != "."),
            a.project.dir.clone(),
        )
    })
}

/// No project looks like a backend: the backend-only fields are a definite "none"; the rest
/// (stack, directories, test and build commands) describe the main project.
fn mark_no_backend(
    registry: &Registry,
    analyses: &[Analysis],
    main: &Analysis,
    fields: &mut BTreeMap<FieldName, Field>,
) {
    const WHY: &str = "no backend project found: no known server framework, ORM or database in any manifest";
    let evidence: Vec<Evidence> = analyses
        .iter()
        .map(|a| {
            Evidence::new(
                &a.project.manifest,
                "no known backend framework, ORM or database among its dependencies",
            )
        })
        .collect();
    for name in [
        FieldName::BackendFramework,
        FieldName::DatabaseSystem,
        FieldName::DbMigrationsDirs,
        FieldName::DevCommand,
        FieldName::MigrationCommand,
        FieldName::DbCommand,
    ] {
        fields.insert(name, Field::absent(ABSENT_TEXT, evidence.clone(), WHY));
    }
    // A frontend-only repository has no server code, tests or build to describe.
    let frontend = has_frontend_dep(registry, &main.project);
    for (name, field) in fields.iter_mut() {
        let frontend_field = frontend && *name != FieldName::TechStack;
        if field.state == State::Unknown || frontend_field {
            *field = Field::absent(ABSENT_TEXT, evidence.clone(), WHY);
        }
    }
}

fn resolve_backend(
    facts: &Facts,
    backend: &Analysis,
    all: &[Analysis],
    signals: &RepoSignals,
    fields: &mut BTreeMap<FieldName, Field>,
    variables: &mut BTreeMap<String, Option<String>>,
) {
    let (registry, index) = (facts.registry, facts.index);
    let project = &backend.project;
    let runner = ecosystems::package_manager(index, project, all.iter().map(|a| &a.project));
    let mut vars = backend.vars.clone();
    if registry
        .toolchain(project.ecosystem)
        .native_build
        .iter()
        .any(|n| n == runner.name)
    {
        let build = format!("{} build", runner.name);
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
    build_root_vars(index, project, all, &runner, &mut vars);
    let mut ctx = Ctx {
        registry,
        index,
        ci: &facts.ci,
        backend,
        runner: &runner,
        vars: &vars,
        data_homes: Vec::new(),
        ancestor_tasks: ancestor_tasks_for(index, project, all, cargo_root.as_deref()),
        cargo_root: cargo_root.clone(),
        test_projects: test_projects(registry, backend, all),
    };

    // Framework.
    match backend.frameworks.first() {
        Some(hit) => fields.insert(
            FieldName::BackendFramework,
            Field::found(&hit.detector.name, hit.evidence.clone()),
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
    let (db, primaries, db_urls, caches) = resolve_database(registry, index, backend, signals);
    let has_db = db.state == State::Found;
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

    // Data tools and migrations.
    let migration_tools: Vec<&Hit> = backend.data.iter().filter(|h| h.detector.migrations).collect();
    let (migration_dirs, migration_evidence, data_homes) = migration_dirs(&ctx, &migration_tools);
    let no_migrations_reason = if !has_db && backend.data.is_empty() {
        Some("no database, ORM or migration tool found")
    } else if migration_tools.is_empty() && document_only {
        Some(document_reason.as_str())
    } else if migration_tools.is_empty() && migration_dirs.is_empty() {
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
    } else {
        Field::unknown(hints::unknown(
            FieldName::DbMigrationsDirs,
            "no migrations directory found where the detected tools keep them",
        ))
    };
    fields.insert(FieldName::DbMigrationsDirs, field);

    // Directories.
    fields.insert(FieldName::SourceDirs, source_dirs(&ctx));
    let placeholder = project
        .tasks
        .iter()
        .find(|t| t.name == "test" && t.runner == TaskRunner::NodeScript && is_placeholder(&t.body));
    let mut tests_field = test_dirs(&ctx);
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

    // Commands.
    let dev = command(
        &ctx,
        DEV_TASKS,
        true,
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
    fields.insert(
        FieldName::DevCommand,
        dev.unwrap_or_else(|| {
            Field::unknown(hints::unknown(
                FieldName::DevCommand,
                "no dev/start task declared and the framework has no standard dev command",
            ))
        }),
    );

    let migrate = command(
        &ctx,
        MIGRATE_TASKS,
        false,
        |d| d.commands.migrate.as_ref(),
        &[Kind::Data],
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
    // migrated (`sqlx::migrate!(…).run(&pool)`, `goose.Up(db, …)`): starting it is.
    let migrate = match migrate {
        Some(found) if from_default(&found) && !cli_is_documented(&ctx, found.value.as_deref().unwrap_or("")) => {
            let dev = fields.get(&FieldName::DevCommand).filter(|f| f.state == State::Found);
            match (applied_on_start(index, backend), dev.and_then(|d| d.value.clone())) {
                (Some(evidence), Some(dev)) => Some(Field::found(dev, vec![evidence])),
                _ => Some(found),
            }
        }
        other => other,
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
    fields.insert(
        FieldName::BuildCommand,
        build.unwrap_or_else(|| {
            let reason = match project.ecosystem {
                Ecosystem::Python => "no build task and no [build-system] table: the app runs from source",
                _ => "no build script and nothing to compile (plain JavaScript, or TypeScript with noEmit)",
            };
            Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(&project.manifest, "no build task declared")],
                reason,
            )
        }),
    );

    let db_command = command(&ctx, DB_TASKS, false, |d| d.commands.db.as_ref(), &[Kind::Data])
        .or_else(|| db_client_command(registry, backend, primaries.first(), signals, &db_urls));
    fields.insert(
        FieldName::DbCommand,
        db_command.unwrap_or_else(|| {
            if has_db {
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

    variables.insert("package_manager".into(), Some(runner.name.to_string()));
    variables.insert("language".into(), Some(language.to_string()));
    variables.insert(
        "runtime".into(),
        Some(runtime_of(registry, backend, &runner).to_string()),
    );
    variables.insert("orm".into(), (!orm.is_empty()).then(|| orm.join(" + ")));
    variables.insert(
        "migration_tool".into(),
        migration_tools.first().map(|h| h.detector.name.clone()),
    );
    let test_runner = backend.tests.first().or_else(|| {
        all.iter()
            .filter(|a| ctx.test_projects.contains(&a.project.dir))
            .find_map(|a| a.tests.first())
    });
    variables.insert("test_framework".into(), test_runner.map(|h| h.detector.name.clone()));
}

/// `cache`, `message_queue`, `auth`, `api_style`, `containerization`: the names of the
/// capability detectors that hold for the backend, by category, highest priority first. A cache
/// store among the databases (`caches`: Redis) is a cache too; files of the container setup (Dockerfile,
/// compose) may sit at the repository root above a backend in a sub-directory.
fn capability_variables<'a>(
    registry: &'a Registry,
    index: &RepoIndex,
    backend: &Analysis,
    caches: &[&'a str],
) -> Vec<(&'static str, Option<String>)> {
    let root = (backend.project.dir != ".").then(|| project_at(&backend.project, "."));
    Category::ALL
        .iter()
        .map(|&category| {
            let mut names: Vec<&str> = Vec::new();
            if category == Category::Cache {
                names.extend(caches);
                let clients = backend.databases.iter().filter(|h| h.detector.role == Role::Cache);
                names.extend(clients.map(|h| h.detector.name.as_str()));
            }
            let own = backend
                .capabilities
                .iter()
                .filter(|h| h.detector.category == Some(category));
            names.extend(own.map(|h| h.detector.name.as_str()));
            if names.is_empty() && category == Category::Container {
                if let Some(root) = &root {
                    let at_root = registry
                        .of_kind(Kind::Capability)
                        .filter(|d| d.category == Some(category))
                        .filter(|d| engine::matches(d, index, root).is_some());
                    names.extend(at_root.map(|d| d.name.as_str()));
                }
            }
            let mut seen = Vec::new();
            names.retain(|n| {
                let new = !seen.contains(n);
                seen.push(*n);
                new
            });
            (category.variable(), (!names.is_empty()).then(|| names.join(", ")))
        })
        .collect()
}

/// The `[toolchain] tool_hosts` of every ecosystem (`dotnet`).
fn registry_hosts(registry: &Registry) -> impl Iterator<Item = &String> {
    registry.toolchains().flat_map(|(_, t)| &t.tool_hosts)
}

fn language_of<'a>(index: &RepoIndex, a: &'a Analysis) -> &'a str {
    // The highest-priority language detector that holds; one with `language_files`
    // (TypeScript) only when the sources are not mostly its neighbour's (JavaScript).
    a.ecosystem_hits
        .iter()
        .filter(|h| h.detector.language)
        .find(|h| {
            let files = h.detector.language_files.as_ref();
            files.is_none_or(|files| !mostly_other(index, &a.project, files))
        })
        .map(|h| h.detector.name.as_str())
        .unwrap_or(a.project.ecosystem.as_str())
}

/// A project whose sources are mostly `.js` is JavaScript, even with a tsconfig that
/// type-checks them (`checkJs`) or a few `.ts` files beside them: more than three `other` files
/// to each `own` one.
fn mostly_other(index: &RepoIndex, project: &Project, files: &crate::detect::LanguageFiles) -> bool {
    let ends = |name: &str, endings: &[String]| endings.iter().any(|e| name.ends_with(e.as_str()));
    let prefix = if project.dir == "." {
        String::new()
    } else {
        format!("{}/", project.dir)
    };
    let (mut ts, mut js) = (0usize, 0usize);
    for file in index
        .files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix))
    {
        let name = crate::fs::file_name(file);
        // Tool configs (`jest.config.js`, `.eslintrc.js`) say nothing about the app's language.
        if name.contains(".config.") || name.starts_with('.') || ends(name, &files.ignore) {
            continue;
        }
        if ends(name, &files.own) {
            ts += 1;
        } else if ends(name, &files.other) {
            js += 1;
        }
    }
    js > 3 * ts
}

/// The ecosystem's `[toolchain] runtime`, or the one its package manager implies (Bun, Deno).
fn runtime_of<'r>(registry: &'r Registry, a: &Analysis, runner: &Runner) -> &'r str {
    let eco = a.project.ecosystem;
    let toolchain = registry.toolchain(eco);
    let by_runner = toolchain.runtimes.get(runner.name).or(toolchain.runtime.as_ref());
    by_runner.map_or(eco.as_str(), String::as_str)
}

/// The stack in one line: the language (with its declared version), framework, ORM and
/// migration tools, primary database, package manager and monorepo tool. Also the version.
#[allow(clippy::too_many_arguments)]
fn tech_stack_of(
    registry: &Registry,
    index: &RepoIndex,
    a: &Analysis,
    all: &[Analysis],
    runner: &Runner,
    language: &str,
    orm: &[&str],
    database: Option<(&str, &Evidence)>,
) -> (String, Vec<Evidence>, Option<String>) {
    let p = &a.project;
    // The language detectors speak for the stack; build detectors (tsc, a Dockerfile) do not.
    let mut evidence: Vec<Evidence> = a
        .ecosystem_hits
        .iter()
        .filter(|h| h.detector.language)
        .flat_map(|h| h.evidence.iter().take(1).cloned())
        .collect();
    let version = p
        .language_version
        .clone()
        .or_else(|| inherited_version(registry, index, p, all))
        .map(|(v, file)| {
            evidence.push(Evidence::new(&file, format!("declares version {v}")));
            v
        });
    let runtime = runtime_of(registry, a, runner);
    let mut text = match (p.ecosystem, &version, &p.edition) {
        (Ecosystem::Node, Some(v), _) => format!("{language} on {runtime} {v}"),
        (Ecosystem::Node, None, _) => format!("{language} on {runtime}"),
        (Ecosystem::Python, Some(v), _) => format!("Python {v}"),
        (Ecosystem::Rust, Some(v), Some(edition)) => format!("Rust {v} (edition {edition})"),
        (Ecosystem::Rust, Some(v), None) => format!("Rust {v}"),
        (Ecosystem::Rust, None, Some(edition)) => format!("Rust (edition {edition})"),
        // `net8.0` names the .NET release the C# code targets.
        (Ecosystem::Dotnet, Some(v), _) => format!("{language} on .NET {}", v.trim_start_matches("net")),
        // A Kotlin version is the compiler's, a bare one the Java toolchain's.
        (Ecosystem::Jvm, Some(v), _) if v.starts_with("kotlin ") => format!("Kotlin {}", &v[7..]),
        (Ecosystem::Jvm, Some(v), _) if language == "Java" => format!("Java {v}"),
        (Ecosystem::Jvm, Some(v), _) => format!("{language} (JVM {v})"),
        (Ecosystem::Go | Ecosystem::Ruby | Ecosystem::Php | Ecosystem::Elixir, Some(v), _) => format!("{language} {v}"),
        (_, None, _) => language.to_string(),
    };
    if let Some(hit) = a.frameworks.first() {
        text.push_str(&format!(", {}", hit.detector.name));
        evidence.extend(hit.evidence.first().cloned());
    }
    if !orm.is_empty() {
        text.push_str(&format!(", {}", orm.join(" + ")));
    }
    if let Some((name, why)) = database {
        text.push_str(&format!(", {name}"));
        evidence.push(why.clone());
    }
    text.push_str(&format!(", {}", runner.display));
    evidence.push(runner.evidence.clone());
    // A JavaScript monorepo's task runner is part of how it is built and run.
    for tool in &registry.toolchain(p.ecosystem).workspace_tools {
        let (file, tool) = (tool.file.as_str(), tool.name.as_str());
        if index.has_file(file) {
            text.push_str(&format!(", {tool}"));
            evidence.push(Evidence::new(file, format!("{tool} workspace")));
        }
    }
    (text, evidence, version)
}

/// A language version the project does not declare itself but its surroundings do: a parent
/// manifest (workspace root `engines`, `[workspace.package] rust-version`), a version file
/// (`.nvmrc`, `.node-version`, `.python-version`, `rust-toolchain.toml`) in its directory or
/// above, or the `FROM python:3.12` image its Dockerfile builds on.
fn inherited_version(
    registry: &Registry,
    index: &RepoIndex,
    p: &Project,
    all: &[Analysis],
) -> Option<(String, String)> {
    let toolchain = registry.toolchain(p.ecosystem);
    let (files, tool) = (&toolchain.version_files, toolchain.asdf.as_deref().unwrap_or(""));
    for dir in crate::fs::ancestors(&p.dir) {
        let parent = all
            .iter()
            .find(|a| a.project.dir == dir && a.project.ecosystem == p.ecosystem && a.project.dir != p.dir);
        if let Some(found) = parent.and_then(|a| a.project.language_version.clone()) {
            return Some(found);
        }
        for name in files {
            let file = crate::fs::join(&dir, name);
            if let Some(version) = index.read(&file).and_then(|text| version_in(name, tool, &text)) {
                return Some((version, file));
            }
        }
    }
    if let Some(image) = &toolchain.image {
        let file = p.path("Dockerfile");
        let text = index.read(&file)?;
        let version = image_version(&text, image)?;
        return Some((version, file));
    }
    None
}

/// The version a version file pins: the first line of `.nvmrc` (`v20.8.1` → `20.8.1`),
/// `runtime.txt` (`python-3.11.9`), the `tool` line of asdf's `.tool-versions`
/// (`python 3.11.9`), the channel of `rust-toolchain(.toml)`. Aliases (`lts/iron`, `stable`) are
/// not versions; a nightly toolchain is.
fn version_in(name: &str, tool: &str, text: &str) -> Option<String> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let raw = match name {
        "rust-toolchain.toml" => {
            let table: toml::Table = text.parse().ok()?;
            table.get("toolchain")?.get("channel")?.as_str()?.to_string()
        }
        ".tool-versions" => lines.find_map(|l| {
            let (name, version) = l.split_once(char::is_whitespace)?;
            (name == tool).then(|| version.split_whitespace().next().unwrap_or("").to_string())
        })?,
        "runtime.txt" => lines.next()?.trim_start_matches("python-").to_string(),
        _ => lines.next()?.to_string(),
    };
    let version = raw.trim_start_matches('v');
    let is_version =
        version.starts_with(|c: char| c.is_ascii_digit()) || (tool == "rust" && version.starts_with("nightly"));
    is_version.then(|| version.to_string())
}

/// `FROM python:3.12-slim AS base` → `3.12`, for the official `image`.
fn image_version(dockerfile: &str, image: &str) -> Option<String> {
    dockerfile.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        if !words.next()?.eq_ignore_ascii_case("FROM") {
            return None;
        }
        let from = words.find(|w| !w.starts_with("--"))?;
        let tag = from
            .strip_prefix(image)
            .or_else(|| from.strip_prefix("docker.io/library/")?.strip_prefix(image))?
            .strip_prefix(':')?;
        let version: String = tag.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        (!version.is_empty()).then_some(version)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_from_version_files_and_images() {
        assert_eq!(version_in(".nvmrc", "nodejs", "v20.8.1\n").as_deref(), Some("20.8.1"));
        assert_eq!(version_in(".nvmrc", "nodejs", "lts/iron\n"), None);
        let pinned = "# pinned\n3.12.4\n";
        assert_eq!(
            version_in(".python-version", "python", pinned).as_deref(),
            Some("3.12.4")
        );
        assert_eq!(
            version_in("runtime.txt", "python", "python-3.11.9\n").as_deref(),
            Some("3.11.9")
        );
        let asdf = "nodejs 20.11.1\npython 3.11.9 3.10.4\n";
        assert_eq!(version_in(".tool-versions", "python", asdf).as_deref(), Some("3.11.9"));
        assert_eq!(version_in(".tool-versions", "rust", asdf), None);
        let toolchain = "[toolchain]\nchannel = \"1.82.0\"\ncomponents = [\"clippy\"]\n";
        assert_eq!(
            version_in("rust-toolchain.toml", "rust", toolchain).as_deref(),
            Some("1.82.0")
        );
        let stable = "[toolchain]\nchannel = \"stable\"\n";
        assert_eq!(version_in("rust-toolchain.toml", "rust", stable), None);
        assert_eq!(
            version_in("rust-toolchain", "rust", "nightly\n").as_deref(),
            Some("nightly")
        );
        let dockerfile = "ARG X=1\nFROM --platform=linux/amd64 python:3.12-slim AS base\nRUN true\n";
        assert_eq!(image_version(dockerfile, "python").as_deref(), Some("3.12"));
        assert_eq!(image_version("FROM node:20\n", "python"), None);
    }
}
