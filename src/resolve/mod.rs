//! Turns detector hits into the report: analyses every project, picks the backend project,
//! resolves the package manager and runner prefixes, and decides each field's value and state.

use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Category, Detector, Kind, Registry, Role, Sets};
use crate::hints;
use crate::manifests::{self, Ecosystem, Project, Scope, Task, TaskRunner};
use crate::model::{ABSENT_TEXT, Evidence, FIELD_NAMES, Field, ProjectSummary, Report, State};
use crate::runner::{self, Runner};
use crate::sidecars::{self, RepoSignals};
use crate::walk::{self, RepoIndex};
use std::collections::BTreeMap;
use std::path::Path;

mod backend;
mod commands;
mod database;
mod dirs;

use backend::*;
use commands::*;
use database::*;
use dirs::*;

/// Everything detected about one project.
#[derive(Clone)]
struct Analysis<'r> {
    project: Project,
    ecosystem_hits: Vec<Hit<'r>>,
    frameworks: Vec<Hit<'r>>,
    data: Vec<Hit<'r>>,
    tests: Vec<Hit<'r>>,
    databases: Vec<Hit<'r>>,
    capabilities: Vec<Hit<'r>>,
    vars: BTreeMap<String, (String, Evidence)>,
    score: i32,
    /// Directories of the sibling packages this project links at run time, nearest first.
    linked: Vec<String>,
}

#[derive(Clone)]
struct Hit<'r> {
    detector: &'r Detector,
    evidence: Vec<Evidence>,
    /// Set when the hit comes from a sibling package the backend depends on: that package, against
    /// which the detector's paths resolve and in which its commands run.
    from: Option<std::rc::Rc<Project>>,
}

/// Scans `root` with `registry` plus the repository's own `.archprompt/detectors/*.toml`. With
/// `project` (a directory or package name), that project is described instead of the one
/// archprompt would pick; an error names the projects when none matches.
pub fn scan(root: &Path, root_label: &str, builtin: &Registry, project: Option<&str>) -> anyhow::Result<Report> {
    let (config, config_warnings) = crate::config::load(root);
    let mut early_warnings = config_warnings;
    let excluded = crate::config::ignore_matcher(root, &config, &mut early_warnings);
    let index = RepoIndex::build_excluding(root, excluded);
    for w in early_warnings {
        index.warn(&w.file, w.message);
    }
    let project = project.or(config.project.as_deref());
    let local = local_registry(&index, builtin);
    let registry = local.as_ref().unwrap_or(builtin);
    let projects = manifests::collect(&index);
    let own: Vec<Analysis> = projects.into_iter().map(|p| analyse(registry, &index, p)).collect();
    // Each project with what the sibling packages it depends on bring (ORMs, databases, and for
    // Rust binaries the framework of a linked library), then scored.
    let members = cargo_members(&own);
    let siblings = Siblings::new(&own);
    let mut analyses: Vec<Analysis> = own.iter().map(|a| with_internal_deps(registry, a, &siblings)).collect();
    for a in analyses.iter_mut() {
        a.score = backend_score(registry, &index, a, members.as_ref());
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
    let signals = sidecars::read(&index, backend.map(|a| a.project.dir.as_str()).unwrap_or("."));
    let mut fields = BTreeMap::new();
    let mut variables = BTreeMap::new();
    match backend.or_else(|| main_project(&analyses)) {
        Some(analysis) => {
            resolve_backend(
                registry,
                &index,
                analysis,
                &analyses,
                &signals,
                &mut fields,
                &mut variables,
            );
            if backend.is_none() {
                mark_no_backend(registry, &analyses, analysis, &mut fields);
            }
        }
        None => nothing_found(registry, &index, &mut fields),
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
                && has_entry_point(registry, &a.project, &index)
                && !is_single_page_app(registry, &index, &a.project)
                && described < DESCRIBED;
            let fields = service.then(|| {
                described += 1;
                let signals = sidecars::read(&index, &a.project.dir);
                let (mut fields, mut variables) = (BTreeMap::new(), BTreeMap::new());
                resolve_backend(registry, &index, a, &analyses, &signals, &mut fields, &mut variables);
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
    let warnings = index.take_warnings();
    let mut report = Report {
        archprompt: env!("CARGO_PKG_VERSION").to_string(),
        root: root_label.to_string(),
        fields,
        variables,
        backend_dir: backend.map(|a| a.project.dir.clone()),
        detected: backend.map(detected_ids).unwrap_or_default(),
        projects,
        warnings,
        pinned_variables: Vec::new(),
    };
    crate::config::apply(&config, &mut report);
    Ok(report)
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
    crate::documented::commands(ctx.index, &dirs)
        .iter()
        .any(|d| mentions(&d.command))
        || crate::ci::commands(ctx.index).iter().any(|d| mentions(&d.command))
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
    index.has_file(&walk::join(&project.dir, "index.html")) && deps.iter().any(|d| project.dep(d).is_some())
}

fn detected_ids(a: &Analysis) -> Vec<String> {
    let hits = a
        .ecosystem_hits
        .iter()
        .chain(&a.frameworks)
        .chain(&a.data)
        .chain(&a.tests)
        .chain(&a.databases)
        .chain(&a.capabilities);
    let mut ids: Vec<String> = hits.map(|h| h.detector.id.clone()).collect();
    ids.sort();
    // A sibling package's hit and the backend's own can name the same detector.
    ids.dedup();
    ids
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

/// Built-ins plus the repository's `.archprompt/detectors/*.toml`, or `None` when it has none.
fn local_registry(index: &RepoIndex, builtin: &Registry) -> Option<Registry> {
    let files: Vec<&String> = index
        .files
        .iter()
        .filter(|f| walk::parent(f) == ".archprompt/detectors" && f.ends_with(".toml"))
        .collect();
    if files.is_empty() {
        return None;
    }
    let mut registry = builtin.copy();
    for file in files {
        let Some(text) = index.read(file) else {
            continue;
        };
        if let Err(err) = registry.add(file, &text) {
            index.warn(file, format!("{err:#}"));
        }
    }
    Some(registry)
}

fn analyse<'r>(registry: &'r Registry, index: &RepoIndex, project: Project) -> Analysis<'r> {
    let hits_of = |kind: Kind| -> Vec<Hit<'r>> {
        let mut hits: Vec<Hit> = registry
            .of_kind(kind)
            .filter(|d| matches!(kind, Kind::Database | Kind::Capability) || d.ecosystem == Some(project.ecosystem))
            .filter_map(|d| {
                engine::matches(d, index, &project).map(|evidence| Hit {
                    detector: d,
                    evidence,
                    from: None,
                })
            })
            .collect();
        if kind == Kind::Framework {
            // A framework only in devDependencies is a test server (an HTTP client's tests),
            // not the project's own.
            hits.retain(|h| h.evidence.iter().any(|e| !e.reason.starts_with("dev dependency")));
        }
        let superseded: Vec<String> = hits.iter().flat_map(|h| h.detector.supersedes.clone()).collect();
        hits.retain(|h| !superseded.contains(&h.detector.id));
        hits.sort_by_key(|h| std::cmp::Reverse(h.detector.priority));
        hits
    };
    let ecosystem_hits = hits_of(Kind::Ecosystem);
    let frameworks = hits_of(Kind::Framework);
    let data = hits_of(Kind::Data);
    let tests = hits_of(Kind::TestRunner);
    let databases = hits_of(Kind::Database);
    let capabilities = hits_of(Kind::Capability);
    let mut vars = BTreeMap::new();
    if let Some(name) = &project.name {
        let module = package_dir_name(index, &project, name);
        vars.insert(
            "package".to_string(),
            (module, Evidence::new(&project.manifest, "project name")),
        );
    }
    for hit in ecosystem_hits.iter().chain(&frameworks).chain(&data).chain(&tests) {
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Var) {
            let name = read.var.clone().unwrap_or_default();
            if vars.contains_key(&name) {
                continue;
            }
            if let Some(found) = engine::read_config(hit.detector, read, index, &project)
                .into_iter()
                .next()
            {
                // An empty value is a marker: the file shows the tool or layout is there.
                let reason = if found.value.is_empty() {
                    format!("sets {name}")
                } else {
                    format!("{name} = {}", found.value)
                };
                let evidence = Evidence::new(&found.file, reason);
                vars.insert(name, (found.value, evidence));
            }
        }
    }
    Analysis {
        project,
        ecosystem_hits,
        frameworks,
        data,
        tests,
        databases,
        capabilities,
        vars,
        score: 0,
        linked: Vec::new(),
    }
}

/// The import name of a project (`my-app` → `my_app`), spelled as its directory is when one
/// matches case-insensitively (`ctfd` → `CTFd`).
fn package_dir_name(index: &RepoIndex, project: &Project, name: &str) -> String {
    let module = name.replace(['-', '.'], "_");
    for base in [project.dir.clone(), project.path("src")] {
        let prefix = if base == "." { String::new() } else { format!("{base}/") };
        let found = index
            .dirs
            .iter()
            .filter_map(|d| d.strip_prefix(&prefix))
            .find(|d| !d.contains('/') && d.eq_ignore_ascii_case(&module));
        if let Some(dir) = found {
            return dir.to_string();
        }
    }
    module
}

/// No manifest at all: a repository without code (documentation, data) has none of the fields;
/// one with code in a language archprompt does not read cannot be described.
fn nothing_found(registry: &Registry, index: &RepoIndex, fields: &mut BTreeMap<String, Field>) {
    let code = index.files.iter().find(|f| is_code_file(registry, f));
    for name in FIELD_NAMES {
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
        fields.insert(name.to_string(), field);
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
fn mark_no_backend(registry: &Registry, analyses: &[Analysis], main: &Analysis, fields: &mut BTreeMap<String, Field>) {
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
        "backend_framework",
        "database_system",
        "db_migrations_dirs",
        "dev_command",
        "migration_command",
        "db_command",
    ] {
        fields.insert(name.to_string(), Field::absent(ABSENT_TEXT, evidence.clone(), WHY));
    }
    // A frontend-only repository has no server code, tests or build to describe.
    let frontend = has_frontend_dep(registry, &main.project);
    for (name, field) in fields.iter_mut() {
        let frontend_field = frontend && name != "tech_stack";
        if field.state == State::Unknown || frontend_field {
            *field = Field::absent(ABSENT_TEXT, evidence.clone(), WHY);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn resolve_backend(
    registry: &Registry,
    index: &RepoIndex,
    backend: &Analysis,
    all: &[Analysis],
    signals: &RepoSignals,
    fields: &mut BTreeMap<String, Field>,
    variables: &mut BTreeMap<String, Option<String>>,
) {
    let project = &backend.project;
    let runner = runner::resolve(index, project, all.iter().map(|a| &a.project));
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
        let manifest = walk::join(root, "Cargo.toml");
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
            "backend_framework".into(),
            Field::found(&hit.detector.name, hit.evidence.clone()),
        ),
        None => fields.insert(
            "backend_framework".into(),
            Field::unknown(hints::unknown(
                "backend_framework",
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
    fields.insert("database_system".into(), db);

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
            "db_migrations_dirs",
            "no migrations directory found where the detected tools keep them",
        ))
    };
    fields.insert("db_migrations_dirs".into(), field);

    // Directories.
    fields.insert("source_dirs".into(), source_dirs(&ctx));
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
    fields.insert("test_dirs".into(), tests_field);

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
            .is_some_and(|e| e.reason.ends_with("default command"))
    };
    let dev = match dev {
        Some(found) if !from_default(&found) => Some(found),
        other => {
            let default = other.as_ref().and_then(|f| f.value.as_deref());
            documented_dev(&ctx, !signals.services.is_empty(), default).or(other)
        }
    };
    fields.insert(
        "dev_command".into(),
        dev.unwrap_or_else(|| {
            Field::unknown(hints::unknown(
                "dev_command",
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
            let dev = fields.get("dev_command").filter(|f| f.state == State::Found);
            match (applied_on_start(index, backend), dev.and_then(|d| d.value.clone())) {
                (Some(evidence), Some(dev)) => Some(Field::found(dev, vec![evidence])),
                _ => Some(found),
            }
        }
        other => other,
    };
    fields.insert(
        "migration_command".into(),
        migrate.unwrap_or_else(|| match no_migrations_reason {
            Some(reason) => Field::absent_because(&project.manifest, reason),
            None if !ctx.data_homes.is_empty() => Field::unknown(hints::unknown(
                "migration_command",
                "no migrate task, and the migration tool has no apply command of its own here (Flyway and Liquibase apply migrations when the application starts unless their build plugin is declared)",
            )),
            None if !migration_tools.is_empty() => Field::unknown(hints::unknown(
                "migration_command",
                "no migrate task, and no migrations where the migration tool keeps them",
            )),
            None => Field::unknown(hints::unknown(
                "migration_command",
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
        "test_command".into(),
        test.unwrap_or_else(|| match placeholder {
            None if no_tests => Field::absent_because(&project.manifest, NO_TESTS),
            Some(task) => Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(&task.file, "the test script is npm's placeholder")],
                "the repository declares no tests (npm's placeholder test script)",
            ),
            None => Field::unknown(hints::unknown(
                "test_command",
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
        "build_command".into(),
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
        "db_command".into(),
        db_command.unwrap_or_else(|| {
            if has_db {
                Field::unknown(hints::unknown(
                    "db_command",
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
    let db_evidence = fields.get("database_system").and_then(|f| f.evidence.first().cloned());
    let primary = primaries
        .first()
        .and_then(|id| Some((registry.get(id)?.name.as_str(), db_evidence.as_ref()?)));
    let (stack, evidence, version) = tech_stack_of(registry, index, backend, all, &runner, language, &orm, primary);
    fields.insert("tech_stack".into(), Field::found(stack, evidence));
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

fn test_projects(registry: &Registry, backend: &Analysis, all: &[Analysis]) -> Vec<String> {
    if !backend.tests.is_empty() {
        return Vec::new();
    }
    all.iter()
        .filter(|a| a.project.ecosystem == backend.project.ecosystem && a.project.dir != backend.project.dir)
        .filter(|a| !a.tests.is_empty() && a.frameworks.is_empty())
        .filter(|a| {
            let parts = a.project.dir.split('/');
            !parts
                .into_iter()
                .any(|p| named(&registry.conventions.dirs.not_backend, p) && p != "test" && p != "tests")
        })
        .map(|a| a.project.dir.clone())
        .collect()
}

/// Variables for commands that run from the build tool's root (`from_build_root`): the tool
/// (`./gradlew` or `gradle`, `./mvnw` or `mvn`) and how it selects the backend from there
/// (`:app:` task paths, `-pl app`, `--project src/Web`).
fn build_root_vars(
    index: &RepoIndex,
    project: &Project,
    all: &[Analysis],
    runner: &Runner,
    vars: &mut BTreeMap<String, (String, Evidence)>,
) {
    let below_root = if runner.root_dir == "." {
        Some(project.dir.as_str())
    } else {
        project.dir.strip_prefix(&format!("{}/", runner.root_dir))
    };
    let relative = match below_root {
        _ if project.dir == runner.root_dir => None,
        Some(rel) if rel != "." => Some(rel.to_string()),
        _ => None,
    };
    let evidence = runner.evidence.clone();
    let wrapped = runner.display.ends_with("(wrapper)");
    let mut set = |name: &str, value: String| {
        vars.insert(name.to_string(), (value, evidence.clone()));
    };
    match runner.name {
        "gradle" => {
            set("gradle", if wrapped { "./gradlew".into() } else { "gradle".into() });
            let path = relative
                .map(|r| format!(":{}:", r.replace('/', ":")))
                .unwrap_or_default();
            set("gradle_project", path);
        }
        "maven" => {
            set("mvn", if wrapped { "./mvnw".into() } else { "mvn".into() });
            set(
                "maven_module",
                relative.map(|r| format!(" -pl {r}")).unwrap_or_default(),
            );
        }
        "dotnet" => {
            // `dotnet run` needs the project when the solution holds several.
            let project_arg = relative.as_ref().map(|r| format!(" --project {r}")).unwrap_or_default();
            set("dotnet_project", project_arg);
            set("backend_project", relative.unwrap_or_else(|| ".".into()));
            let solution = dotnet_solution(index, &runner.root_dir, &project.manifest);
            let arg = solution
                .as_deref()
                .map(|s| format!(" {}", walk::file_name(s)))
                .unwrap_or_default();
            set("dotnet_solution", arg);
            // An Aspire AppHost of the backend's own solution (not a sample's beside it) starts the
            // services with the containers they need.
            let in_solution = |manifest: &str| {
                let name = walk::file_name(manifest);
                index
                    .files_in(&runner.root_dir)
                    .filter(|f| [".sln", ".slnx", ".slnf"].iter().any(|e| f.ends_with(e)))
                    .any(|f| index.read(f).is_some_and(|text| text.contains(name)))
            };
            let apphost = all.iter().find(|a| {
                a.project.ecosystem == Ecosystem::Dotnet
                    && ["aspire.apphost.sdk", "aspire.hosting.apphost"]
                        .iter()
                        .any(|d| a.project.deps.contains_key(*d))
                    && in_solution(&a.project.manifest)
            });
            if let Some(apphost) = apphost {
                let dir = &apphost.project.dir;
                let rel = dir.strip_prefix(&format!("{}/", runner.root_dir)).unwrap_or(dir);
                let why = Evidence::new(&apphost.project.manifest, "Aspire AppHost");
                vars.insert("aspire_apphost".into(), (rel.to_string(), why));
            }
        }
        _ => {}
    }
}

/// The solution `dotnet build` and `dotnet test` are given when the build root holds several
/// (`Everything.sln` beside `Shop.sln`, or a `.slnf` filter). Of those that include the backend's
/// project file: a solution filter (it exists to pick a buildable subset), else the solution
/// named like the directory (`eShopOnWeb/eShopOnWeb.sln`), else the one with the fewest
/// projects. `None` with one solution or none.
fn dotnet_solution(index: &RepoIndex, root: &str, manifest: &str) -> Option<String> {
    let solutions: Vec<&str> = index
        .files_in(root)
        .filter(|f| [".sln", ".slnx", ".slnf"].iter().any(|e| f.ends_with(e)))
        .collect();
    if solutions.len() < 2 {
        return None;
    }
    let project_file = walk::file_name(manifest);
    let dir_name = match root {
        "." => index
            .root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        dir => walk::file_name(dir).to_string(),
    };
    solutions
        .iter()
        .filter_map(|s| {
            let text = index.read(s)?;
            let name = walk::file_name(s);
            let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
            let rank = (
                !s.ends_with(".slnf"),
                !stem.eq_ignore_ascii_case(&dir_name),
                text.matches("proj").count(),
            );
            text.contains(project_file).then_some((rank, *s))
        })
        .min()
        .map(|(_, s)| s.to_string())
}

struct Ctx<'a, 'r> {
    registry: &'r Registry,
    index: &'a RepoIndex,
    backend: &'a Analysis<'r>,
    runner: &'a Runner,
    vars: &'a BTreeMap<String, (String, Evidence)>,
    /// Data-tool commands run from the repository root (migrations live there, not in the member).
    data_homes: Vec<DataHome>,
    /// Makefile/justfile targets of directories above the backend that work on it, with the
    /// directory each runs in.
    ancestor_tasks: Vec<(Task, String)>,
    /// The Cargo workspace root, where `cargo … -p CRATE` and `--workspace` commands run.
    cargo_root: Option<String>,
    /// Directories of the repository's test projects of the backend's ecosystem (projects of
    /// their own with a test runner, as .NET keeps them), when the backend has no runner itself.
    test_projects: Vec<String>,
}

/// Tasks above a backend in a sub-directory that work on it, nearest directory first, each with
/// the directory it runs in: every Makefile/justfile target of the Cargo workspace the backend
/// belongs to (a workspace's `just run` drives its members), targets whose recipe names the
/// backend's directory (`test: cd backend && uv run pytest`), and, for a Node backend, root
/// package.json scripts that delegate to it (`turbo run dev --filter=api`, `pnpm -F api test`).
fn ancestor_tasks_for(
    index: &RepoIndex,
    project: &Project,
    all: &[Analysis],
    cargo_root: Option<&str>,
) -> Vec<(Task, String)> {
    if project.dir == "." {
        return Vec::new();
    }
    let mut tasks = Vec::new();
    for dir in runner::ancestors(&project.dir).into_iter().skip(1) {
        let in_workspace = cargo_root.is_some_and(|root| is_within(&dir, root));
        let below = project.dir.strip_prefix(&format!("{dir}/")).unwrap_or(&project.dir);
        for task in manifests::runner_tasks(index, &dir) {
            if in_workspace || task.body.contains(below) {
                tasks.push((task, dir.clone()));
            }
        }
        if project.ecosystem != Ecosystem::Node {
            continue;
        }
        let scripts = all
            .iter()
            .filter(|a| a.project.dir == dir && a.project.ecosystem == Ecosystem::Node)
            .flat_map(|a| a.project.tasks.iter());
        for task in scripts {
            if names_package(&task.body, below, project.name.as_deref()) {
                tasks.push((task.clone(), dir.clone()));
            }
        }
    }
    tasks
}

/// A script that names the package as an argument: its directory (`cd apps/api`, `-w apps/api`,
/// `--filter=./apps/api`) or its package name (`--filter=@acme/api`, `--scope api`, `api...`).
fn names_package(body: &str, dir: &str, name: Option<&str>) -> bool {
    body.split(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\'' | ';' | '&' | '|' | '{' | '}'))
        .map(|word| {
            word.trim_start_matches("./")
                .trim_start_matches("...")
                .trim_end_matches("...")
                .trim_end_matches('/')
        })
        .any(|word| word == dir || (word.starts_with(dir) && word[dir.len()..].starts_with('/')) || Some(word) == name)
}

/// The directory of the Cargo workspace a Rust project belongs to: its own, or the nearest
/// above it whose `Cargo.toml` has a `[workspace]` with members.
fn cargo_workspace_root(project: &Project, all: &[Analysis]) -> Option<String> {
    if project.ecosystem != Ecosystem::Rust {
        return None;
    }
    runner::ancestors(&project.dir).into_iter().find(|dir| {
        all.iter().any(|a| {
            a.project.ecosystem == Ecosystem::Rust && a.project.dir == *dir && !a.project.workspace_members.is_empty()
        })
    })
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
        let name = walk::file_name(file);
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
    for dir in runner::ancestors(&p.dir) {
        let parent = all
            .iter()
            .find(|a| a.project.dir == dir && a.project.ecosystem == p.ecosystem && a.project.dir != p.dir);
        if let Some(found) = parent.and_then(|a| a.project.language_version.clone()) {
            return Some(found);
        }
        for name in files {
            let file = walk::join(&dir, name);
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
