//! Turns detector hits into the report: analyses every project, picks the backend project,
//! resolves the package manager and runner prefixes, and decides each field's value and state.

use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Detector, Kind, Registry, Role, Sets};
use crate::hints;
use crate::manifests::{self, Ecosystem, Project, Task, TaskRunner};
use crate::model::{ABSENT_TEXT, Evidence, FIELD_NAMES, Field, ProjectSummary, Report, State};
use crate::runner::{self, Runner};
use crate::sidecars::{self, RepoSignals};
use crate::walk::{self, RepoIndex};
use std::collections::BTreeMap;
use std::path::Path;

/// Everything detected about one project.
#[derive(Clone)]
struct Analysis<'r> {
    project: Project,
    ecosystem_hits: Vec<Hit<'r>>,
    frameworks: Vec<Hit<'r>>,
    data: Vec<Hit<'r>>,
    tests: Vec<Hit<'r>>,
    databases: Vec<Hit<'r>>,
    vars: BTreeMap<String, (String, Evidence)>,
    score: i32,
}

#[derive(Clone)]
struct Hit<'r> {
    detector: &'r Detector,
    evidence: Vec<Evidence>,
    /// Set when the hit comes from a sibling package the backend depends on: that package's
    /// directory, against which the detector's paths resolve.
    from_dir: Option<String>,
}

/// Scans `root` with `registry` plus the repository's own `.archprompt/detectors/*.toml`.
pub fn scan(root: &Path, root_label: &str, builtin: &Registry) -> Report {
    let index = RepoIndex::build(root);
    let local = local_registry(&index, builtin);
    let registry = local.as_ref().unwrap_or(builtin);
    let projects = manifests::collect(&index);
    let names: Vec<(Ecosystem, String)> = projects
        .iter()
        .filter_map(|p| p.name.as_ref().map(|n| (p.ecosystem, p.ecosystem.normalise(n))))
        .collect();
    let mut analyses: Vec<Analysis> = projects.into_iter().map(|p| analyse(registry, &index, p)).collect();
    // The top of a workspace's dependency graph (the server binary) depends on the most sibling
    // packages; libraries it is built from depend on few.
    for a in analyses.iter_mut().filter(|a| a.score > 0) {
        let siblings = names
            .iter()
            .filter(|(eco, name)| *eco == a.project.ecosystem && a.project.deps.contains_key(name))
            .count();
        a.score += siblings.min(6) as i32;
    }
    let backend = pick_backend(&analyses).map(|a| with_internal_deps(a, &analyses));
    let backend = backend.as_ref();
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
                mark_no_backend(&analyses, &mut fields);
            }
        }
        None => nothing_found(&mut fields),
    }
    for name in [
        "package_manager",
        "language",
        "runtime",
        "orm",
        "migration_tool",
        "test_framework",
    ] {
        variables.entry(name.to_string()).or_insert(None);
    }
    let projects = analyses
        .iter()
        .map(|a| ProjectSummary {
            dir: a.project.dir.clone(),
            ecosystem: a.project.ecosystem.as_str().to_string(),
            manifest: a.project.manifest.clone(),
            name: a.project.name.clone(),
            backend_score: a.score,
        })
        .collect();
    let warnings = index.take_warnings();
    Report {
        archprompt: env!("CARGO_PKG_VERSION").to_string(),
        root: root_label.to_string(),
        fields,
        variables,
        backend_dir: backend.map(|a| a.project.dir.clone()),
        detected: backend.map(detected_ids).unwrap_or_default(),
        projects,
        warnings,
    }
}

fn detected_ids(a: &Analysis) -> Vec<String> {
    let hits = a
        .ecosystem_hits
        .iter()
        .chain(&a.frameworks)
        .chain(&a.data)
        .chain(&a.tests)
        .chain(&a.databases);
    let mut ids: Vec<String> = hits.map(|h| h.detector.id.clone()).collect();
    ids.sort();
    ids
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
    let mut registry = Registry::default();
    for d in &builtin.detectors {
        registry.detectors.push(d.clone());
    }
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
            .filter(|d| kind == Kind::Database || d.ecosystem == Some(project.ecosystem))
            .filter_map(|d| {
                engine::matches(d, index, &project).map(|evidence| Hit {
                    detector: d,
                    evidence,
                    from_dir: None,
                })
            })
            .collect();
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
                let evidence = Evidence::new(&found.file, format!("{name} = {}", found.value));
                vars.insert(name, (found.value, evidence));
            }
        }
    }
    let score = backend_score(index, &project, &frameworks, &data, &databases);
    Analysis {
        project,
        ecosystem_hits,
        frameworks,
        data,
        tests,
        databases,
        vars,
        score,
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

/// Directory names that hold examples, docs or frontends rather than the backend.
const NOT_BACKEND_DIRS: &[&str] = &[
    "examples",
    "example",
    "samples",
    "sample",
    "fixtures",
    "testdata",
    "docs",
    "doc",
    "website",
    "e2e",
    "templates",
    "template",
    "scripts",
    "tools",
    "benches",
    "test",
    "tests",
];
const FRONTEND_DIRS: &[&str] = &["frontend", "client", "web", "ui", "www", "app-frontend", "webapp"];
const BACKEND_DIRS: &[&str] = &["backend", "server", "api", "service", "services"];
/// Dependencies of a frontend-only package.
const FRONTEND_DEPS: &[&str] = &[
    "react",
    "vue",
    "svelte",
    "@angular/core",
    "next",
    "nuxt",
    "vite",
    "solid-js",
    "preact",
];

fn backend_score(index: &RepoIndex, project: &Project, frameworks: &[Hit], data: &[Hit], databases: &[Hit]) -> i32 {
    let mut score = 0;
    if !frameworks.is_empty() {
        score += 10;
    }
    if !data.is_empty() {
        score += 3;
    }
    if !databases.is_empty() {
        score += 2;
    }
    if score == 0 {
        return 0;
    }
    let parts: Vec<&str> = project.dir.split('/').collect();
    // `{{cookiecutter.project_slug}}/`: the source of a project template, not a runnable one.
    if parts.iter().any(|p| p.contains("{{") || p.contains("{%")) {
        return 0;
    }
    if parts.iter().any(|p| NOT_BACKEND_DIRS.contains(p)) {
        score -= 8;
    }
    if parts.iter().any(|p| FRONTEND_DIRS.contains(p)) {
        score -= 2;
    }
    if parts.last().is_some_and(|p| BACKEND_DIRS.contains(p)) {
        score += 2;
    }
    if frameworks.is_empty() && FRONTEND_DEPS.iter().any(|d| project.dep(d).is_some()) {
        score -= 3;
    }
    // A library cannot be the server you run; the binary that links it can.
    if has_entry_point(project, index) {
        score += 6;
    }
    score
}

/// A runnable program rather than a library: a binary crate, a start/dev script, manage.py.
fn has_entry_point(project: &Project, index: &RepoIndex) -> bool {
    let has = |rel: &str| index.has_file(&project.path(rel));
    match project.ecosystem {
        Ecosystem::Rust => {
            let bin_dir = format!("{}/", project.path("src/bin"));
            has("src/main.rs") || index.files.iter().any(|f| f.starts_with(&bin_dir))
        }
        Ecosystem::Node => project.task("start").is_some() || project.task("dev").is_some(),
        Ecosystem::Python => ["manage.py", "main.py", "app.py", "wsgi.py", "asgi.py"]
            .iter()
            .any(|f| has(f)),
    }
}

/// The project with the best backend score; ties go to the shallower directory.
fn pick_backend<'a, 'r>(analyses: &'a [Analysis<'r>]) -> Option<&'a Analysis<'r>> {
    analyses.iter().filter(|a| a.score > 0).max_by_key(|a| {
        (
            a.score,
            std::cmp::Reverse(a.project.dir.matches('/').count() + usize::from(a.project.dir != ".")),
        )
    })
}

/// The backend with the data tools and databases of the sibling packages it depends on
/// (transitively): a server crate that links `app_db` uses `app_db`'s Diesel and PostgreSQL.
fn with_internal_deps<'r>(backend: &Analysis<'r>, all: &[Analysis<'r>]) -> Analysis<'r> {
    let mut merged = backend.clone();
    let eco = backend.project.ecosystem;
    let by_name = |name: &str| {
        all.iter().find(|a| {
            a.project.ecosystem == eco && a.project.name.as_deref().map(|n| eco.normalise(n)).as_deref() == Some(name)
        })
    };
    let mut queue: Vec<String> = backend.project.deps.keys().cloned().collect();
    let mut seen: Vec<String> = Vec::new();
    while let Some(name) = queue.pop() {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let Some(sibling) = by_name(&name) else { continue };
        if sibling.project.dir == backend.project.dir {
            continue;
        }
        queue.extend(sibling.project.deps.keys().cloned());
        for (mine, theirs) in [
            (&mut merged.data, &sibling.data),
            (&mut merged.databases, &sibling.databases),
        ] {
            for hit in theirs {
                let seen =
                    |h: &Hit| h.detector.id == hit.detector.id && h.from_dir.as_deref() == Some(&sibling.project.dir);
                if !mine.iter().any(seen) {
                    let mut hit = hit.clone();
                    hit.from_dir.get_or_insert_with(|| sibling.project.dir.clone());
                    mine.push(hit);
                }
            }
        }
    }
    merged.data.sort_by_key(|h| std::cmp::Reverse(h.detector.priority));
    merged
}

/// No manifest at all: nothing can be said.
fn nothing_found(fields: &mut BTreeMap<String, Field>) {
    for name in FIELD_NAMES {
        let why = "no manifest archprompt reads was found (package.json, pyproject.toml, requirements*.txt, Pipfile, Cargo.toml)";
        fields.insert(name.to_string(), Field::unknown(hints::unknown(name, why)));
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
fn mark_no_backend(analyses: &[Analysis], fields: &mut BTreeMap<String, Field>) {
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
    let frontend = analyses
        .iter()
        .any(|a| FRONTEND_DEPS.iter().any(|d| a.project.dep(d).is_some()));
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
    if matches!(runner.name, "uv" | "poetry" | "pdm") {
        let build = format!("{} build", runner.name);
        vars.insert("native_build".into(), (build, runner.evidence.clone()));
    }
    if project.ecosystem == Ecosystem::Rust && project.dir != "." && cargo_workspace_root(all) {
        if let Some(name) = &project.name {
            vars.insert(
                "cargo_package".into(),
                (name.clone(), Evidence::new(&project.manifest, "workspace member")),
            );
        }
    }
    let mut ctx = Ctx {
        index,
        backend,
        runner: &runner,
        vars: &vars,
        data_from_root: false,
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
    let (db, primaries, db_urls) = resolve_database(registry, index, backend, signals);
    let has_db = db.state == State::Found;
    let document_only = !primaries.is_empty() && primaries.iter().all(|id| id == "mongodb");
    fields.insert("database_system".into(), db);

    // Data tools and migrations.
    let migration_tools: Vec<&Hit> = backend.data.iter().filter(|h| h.detector.migrations).collect();
    let (migration_dirs, migration_evidence) = migration_dirs(&ctx, &migration_tools);
    let no_migrations_reason = if !has_db && backend.data.is_empty() {
        Some("no database, ORM or migration tool found")
    } else if migration_tools.is_empty() && document_only {
        Some("MongoDB through an ODM keeps no schema migrations")
    } else {
        None
    };
    // Migrations shared at the workspace root: their tools run from there.
    ctx.data_from_root =
        project.dir != "." && !migration_dirs.is_empty() && migration_dirs.iter().all(|d| !is_within(d, &project.dir));
    let field = if !migration_dirs.is_empty() {
        Field::found_list(migration_dirs, migration_evidence)
    } else if let Some(reason) = no_migrations_reason {
        Field::absent(ABSENT_TEXT, vec![Evidence::new(&project.manifest, reason)], reason)
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
    fields.insert("test_dirs".into(), tests_field);

    // Commands.
    let dev = command(
        &ctx,
        DEV_TASKS,
        true,
        |d| d.commands.dev.as_ref(),
        &[Kind::Framework, Kind::Ecosystem],
    );
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
    fields.insert(
        "migration_command".into(),
        migrate.unwrap_or_else(|| match no_migrations_reason {
            Some(reason) => Field::absent(ABSENT_TEXT, vec![Evidence::new(&project.manifest, reason)], reason),
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
    fields.insert(
        "test_command".into(),
        test.unwrap_or_else(|| match placeholder {
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
                Ecosystem::Python => "Python runs from source; nothing to build",
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
        .or_else(|| db_client_command(registry, primaries.first(), signals, &db_urls));
    fields.insert(
        "db_command".into(),
        db_command.unwrap_or_else(|| {
            if has_db {
                Field::unknown(hints::unknown(
                    "db_command",
                    "no db/studio/dbshell task, ORM shell or database URL in an env template",
                ))
            } else {
                Field::absent(
                    ABSENT_TEXT,
                    vec![Evidence::new(&project.manifest, "no database found")],
                    "no database found",
                )
            }
        }),
    );

    let mut orm: Vec<&str> = Vec::new();
    for hit in &backend.data {
        if !orm.contains(&hit.detector.name.as_str()) {
            orm.push(&hit.detector.name);
        }
    }
    let (stack, evidence) = tech_stack_of(backend, Some(&runner), &orm);
    fields.insert("tech_stack".into(), Field::found(stack, evidence));

    variables.insert("package_manager".into(), Some(runner.name.to_string()));
    variables.insert("language".into(), Some(language_of(backend).to_string()));
    variables.insert("runtime".into(), Some(runtime_of(backend, &runner).to_string()));
    variables.insert("orm".into(), (!orm.is_empty()).then(|| orm.join(" + ")));
    variables.insert(
        "migration_tool".into(),
        migration_tools.first().map(|h| h.detector.name.clone()),
    );
    variables.insert(
        "test_framework".into(),
        backend.tests.first().map(|h| h.detector.name.clone()),
    );
}

struct Ctx<'a, 'r> {
    index: &'a RepoIndex,
    backend: &'a Analysis<'r>,
    runner: &'a Runner,
    vars: &'a BTreeMap<String, (String, Evidence)>,
    /// Data-tool commands run from the repository root (migrations live there, not in the member).
    data_from_root: bool,
}

fn cargo_workspace_root(all: &[Analysis]) -> bool {
    all.iter().any(|a| {
        a.project.ecosystem == Ecosystem::Rust && a.project.dir == "." && !a.project.workspace_members.is_empty()
    })
}

fn language_of<'a>(a: &'a Analysis) -> &'a str {
    if a.ecosystem_hits.iter().any(|h| h.detector.id == "typescript") {
        return "TypeScript";
    }
    // The ecosystem's own detector (id `node`, `python`, `rust`) names the language.
    let eco = a.project.ecosystem.as_str();
    a.ecosystem_hits
        .iter()
        .find(|h| h.detector.id == eco)
        .map(|h| h.detector.name.as_str())
        .unwrap_or(eco)
}

fn runtime_of(a: &Analysis, runner: &Runner) -> &'static str {
    match a.project.ecosystem {
        Ecosystem::Node if runner.name == "bun" => "Bun",
        Ecosystem::Node => "Node.js",
        Ecosystem::Python => "CPython",
        Ecosystem::Rust => "native",
    }
}

fn tech_stack_of(a: &Analysis, runner: Option<&Runner>, orm: &[&str]) -> (String, Vec<Evidence>) {
    let p = &a.project;
    let mut evidence: Vec<Evidence> = a
        .ecosystem_hits
        .iter()
        .flat_map(|h| h.evidence.iter().take(1).cloned())
        .collect();
    let language = language_of(a);
    let version = p.language_version.as_ref().map(|(v, file)| {
        evidence.push(Evidence::new(file, format!("declares version {v}")));
        v.clone()
    });
    let mut text = match (p.ecosystem, &version) {
        (Ecosystem::Node, Some(v)) => format!(
            "{language} on {} {v}",
            runner.map(|r| runtime_of(a, r)).unwrap_or("Node.js")
        ),
        (Ecosystem::Node, None) => format!(
            "{language} on {}",
            runner.map(|r| runtime_of(a, r)).unwrap_or("Node.js")
        ),
        (Ecosystem::Python, Some(v)) => format!("Python {v}"),
        (Ecosystem::Rust, Some(v)) => format!("Rust {v}"),
        (Ecosystem::Rust, None) => match &p.edition {
            Some(edition) => format!("Rust (edition {edition})"),
            None => "Rust".to_string(),
        },
        (_, None) => language.to_string(),
    };
    if let Some(r) = runner {
        text.push_str(&format!(", {}", r.name));
        evidence.push(r.evidence.clone());
    }
    if !orm.is_empty() {
        text.push_str(&format!(", {}", orm.join(" + ")));
    }
    (text, evidence)
}

// ---------------------------------------------------------------------------------------------
// Database

/// Evidence strength for the primary database.
const CONFIG_SCORE: i32 = 5;
const DEP_SCORE: i32 = 4;
const ENV_SCORE: i32 = 3;
const COMPOSE_SCORE: i32 = 2;
const DEV_DEP_SCORE: i32 = 1;

/// Database URLs found in configs and env templates, with where they were found.
type DbUrls = Vec<(String, Evidence)>;

/// The database field, the ids of the primary stores in it (best first), and the URLs seen.
fn resolve_database(
    registry: &Registry,
    index: &RepoIndex,
    backend: &Analysis,
    signals: &RepoSignals,
) -> (Field, Vec<String>, DbUrls) {
    let mut urls: DbUrls = signals
        .database_hints
        .iter()
        .filter(|(value, _, _)| value.contains("://"))
        .map(|(value, evidence, _)| (value.clone(), evidence.clone()))
        .collect();
    let mut candidates: BTreeMap<String, (i32, Vec<Evidence>)> = BTreeMap::new();
    let mut add = |id: &str, score: i32, evidence: Evidence| {
        let entry = candidates.entry(id.to_string()).or_insert((0, Vec::new()));
        entry.0 = entry.0.max(score);
        if !entry.1.contains(&evidence) {
            entry.1.push(evidence);
        }
    };
    for hit in &backend.databases {
        for ev in &hit.evidence {
            let score = if ev.reason.starts_with("dev ") {
                DEV_DEP_SCORE
            } else {
                DEP_SCORE
            };
            add(&hit.detector.id, score, ev.clone());
        }
    }
    for hit in backend.frameworks.iter().chain(&backend.data) {
        let home = home_of(hit, &backend.project);
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Database) {
            for ConfigValue { value, file } in engine::read_config(hit.detector, read, index, &home) {
                if value.contains("://") {
                    urls.push((
                        value.clone(),
                        Evidence::new(&file, format!("{} config URL", hit.detector.name)),
                    ));
                }
                if let Some(db) = database_for(registry, &value) {
                    add(
                        &db.id,
                        CONFIG_SCORE,
                        Evidence::new(file, format!("{} config names {value}", hit.detector.name)),
                    );
                }
            }
        }
    }
    for (value, evidence, from_env) in &signals.database_hints {
        if let Some(db) = database_for(registry, value) {
            add(
                &db.id,
                if *from_env { ENV_SCORE } else { CONFIG_SCORE },
                evidence.clone(),
            );
        }
    }
    for service in &signals.services {
        if let Some(db) = database_of_image(registry, &service.image) {
            add(&db.id, COMPOSE_SCORE, service.evidence.clone());
        }
    }
    if candidates.is_empty() {
        let why = "no database driver, ORM dialect, compose service or .env URL found";
        return (
            Field::absent(ABSENT_TEXT, vec![Evidence::new(&backend.project.manifest, why)], why),
            Vec::new(),
            urls,
        );
    }
    let role = |id: &str| registry.get(id).map(|d| d.role).unwrap_or_default();
    let priority = |id: &str| registry.get(id).map(|d| d.priority).unwrap_or_default();
    let mut primaries: Vec<(&str, i32)> = candidates
        .iter()
        .filter(|(id, _)| role(id) != Role::Cache)
        .map(|(id, (score, _))| (id.as_str(), *score))
        .collect();
    // A fallback store (SQLite) stays only when its evidence is as strong as the best real one's;
    // then it is listed after them ("PostgreSQL, MySQL, SQLite" for a repo that supports all).
    let best_primary = primaries
        .iter()
        .filter(|(id, _)| role(id) == Role::Primary)
        .map(|(_, s)| *s)
        .max()
        .unwrap_or(0);
    primaries.retain(|(id, s)| role(id) != Role::Fallback || *s >= best_primary);
    primaries.sort_by_key(|(id, s)| {
        (
            std::cmp::Reverse(*s),
            role(id) == Role::Fallback,
            std::cmp::Reverse(priority(id)),
        )
    });
    let top = primaries.first().map(|(_, s)| *s).unwrap_or(0);
    primaries.retain(|(_, s)| *s == top || *s >= ENV_SCORE);
    let caches: Vec<&str> = candidates
        .iter()
        .filter(|(id, (score, _))| role(id) == Role::Cache && *score >= COMPOSE_SCORE)
        .map(|(id, _)| id.as_str())
        .collect();
    let name = |id: &str| {
        registry
            .get(id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut parts: Vec<String> = primaries.iter().map(|(id, _)| name(id)).collect();
    let mut used: Vec<&str> = primaries.iter().map(|(id, _)| *id).collect();
    for id in &caches {
        parts.push(if primaries.is_empty() {
            name(id)
        } else {
            format!("{} (cache)", name(id))
        });
        used.push(id);
    }
    if parts.is_empty() {
        let why = "only development-scope database packages were found";
        return (Field::unknown(hints::unknown("database_system", why)), Vec::new(), urls);
    }
    let evidence = used.iter().flat_map(|id| candidates[*id].1.clone()).collect();
    let primary_ids = primaries.iter().map(|(id, _)| id.to_string()).collect();
    (Field::found(parts.join(", "), evidence), primary_ids, urls)
}

fn database_of_image<'r>(registry: &'r Registry, image: &str) -> Option<&'r Detector> {
    registry
        .of_kind(Kind::Database)
        .find(|d| d.images.iter().any(|i| i == image))
}

/// The database detector whose aliases name `value` (a dialect, engine path or URL).
fn database_for<'r>(registry: &'r Registry, value: &str) -> Option<&'r Detector> {
    let value = value.trim().to_ascii_lowercase();
    let key = if let Some((scheme, _)) = value.split_once("://") {
        scheme.split('+').next().unwrap_or(scheme).to_string()
    } else if let Some(rest) = value.strip_prefix("jdbc:") {
        rest.split(':').next().unwrap_or(rest).to_string()
    } else {
        value.rsplit('.').next().unwrap_or(&value).to_string()
    };
    registry.of_kind(Kind::Database).find(|d| d.aliases.contains(&key))
}

/// A shell for the primary database: through its compose service when one runs it, else a
/// client pointed at the URL variable of an env template (`psql "$DATABASE_URL"`).
fn db_client_command(
    registry: &Registry,
    primary: Option<&String>,
    signals: &RepoSignals,
    urls: &DbUrls,
) -> Option<Field> {
    let primary = primary?;
    if primary == "sqlite" {
        // `sqlite:///data/app.db?mode=rwc` → `sqlite3 data/app.db`
        return urls.iter().find_map(|(url, evidence)| {
            let rest = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite+aiosqlite://"))?;
            let path = rest.split('?').next().unwrap_or("");
            let path = path.strip_prefix('/').filter(|p| !p.is_empty()).unwrap_or(path);
            (!path.is_empty() && path != ":memory:")
                .then(|| Field::found(format!("sqlite3 {path}"), vec![evidence.clone()]))
        });
    }
    let service = signals
        .services
        .iter()
        .find(|s| database_of_image(registry, &s.image).is_some_and(|d| d.id == *primary));
    if let Some(service) = service {
        let shell = match primary.as_str() {
            "postgresql" => {
                let user = service.env("POSTGRES_USER").unwrap_or("postgres");
                match service.env("POSTGRES_DB") {
                    Some(db) => format!("psql -U {user} -d {db}"),
                    None => format!("psql -U {user}"),
                }
            }
            "mysql" | "mariadb" => {
                let client = if primary == "mariadb" { "mariadb" } else { "mysql" };
                let user = service
                    .env("MYSQL_USER")
                    .or(service.env("MARIADB_USER"))
                    .unwrap_or("root");
                match service.env("MYSQL_DATABASE").or(service.env("MARIADB_DATABASE")) {
                    Some(db) => format!("{client} -u {user} -p {db}"),
                    None => format!("{client} -u {user} -p"),
                }
            }
            "mongodb" => "mongosh".to_string(),
            "redis" => "redis-cli".to_string(),
            _ => return None,
        };
        let default_name = [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
        ]
        .contains(&service.file.as_str());
        let file_flag = if default_name {
            String::new()
        } else {
            format!("-f {} ", service.file)
        };
        let text = format!("docker compose {file_flag}exec {} {shell}", service.name);
        return Some(Field::found(text, vec![service.evidence.clone()]));
    }
    let client = match primary.as_str() {
        "postgresql" => "psql \"${var}\"",
        "mongodb" => "mongosh \"${var}\"",
        "redis" => "redis-cli -u \"${var}\"",
        _ => return None,
    };
    let detector = registry.get(primary)?;
    let (var, _, evidence) = signals
        .url_vars
        .iter()
        .find(|(_, scheme, _)| detector.aliases.contains(scheme))?;
    Some(Field::found(client.replace("{var}", var), vec![evidence.clone()]))
}

// ---------------------------------------------------------------------------------------------
// Directories

fn substitute(pattern: &str, vars: &BTreeMap<String, (String, Evidence)>) -> Option<String> {
    let mut out = pattern.to_string();
    while let Some(start) = out.find('{') {
        let Some(len) = out[start..].find('}') else {
            break;
        };
        let name = &out[start + 1..start + len];
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.is_empty() {
            break; // a glob alternation like `{ts,js}`, not a variable
        }
        let (value, _) = vars.get(name)?;
        out.replace_range(start..start + len + 1, value);
    }
    Some(out)
}

fn dirs_from(ctx: &Ctx, hits: &[&Hit], pick: impl Fn(&Detector) -> &Vec<String>) -> (Vec<String>, Vec<Evidence>) {
    let mut dirs: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    for hit in hits {
        let patterns: Vec<String> = pick(hit.detector)
            .iter()
            .filter_map(|p| substitute(p, ctx.vars))
            .collect();
        for dir in engine::project_dirs(ctx.index, &ctx.backend.project, &patterns) {
            if dirs.iter().any(|d| is_within(&dir, d) || is_within(d, &dir)) {
                continue;
            }
            evidence.push(Evidence::new(&dir, format!("{} convention", hit.detector.name)));
            dirs.push(dir);
        }
    }
    (dirs, evidence)
}

fn is_within(child: &str, parent: &str) -> bool {
    child == parent || parent == "." || child.starts_with(&format!("{parent}/"))
}

/// A directory holding frontend components (Vue/Svelte files or a React entry).
fn looks_like_frontend(index: &RepoIndex, dir: &str) -> bool {
    let prefix = format!("{dir}/");
    index
        .files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix))
        .any(|f| f.ends_with(".vue") || f.ends_with(".svelte") || f.ends_with(".jsx") || f.ends_with(".tsx"))
}

fn source_dirs(ctx: &Ctx) -> Field {
    let frameworks: Vec<&Hit> = ctx.backend.frameworks.iter().take(1).collect();
    let (mut dirs, mut evidence) = dirs_from(ctx, &frameworks, |d| &d.dirs.source);
    if dirs.is_empty() {
        let eco: Vec<&Hit> = ctx.backend.ecosystem_hits.iter().collect();
        (dirs, evidence) = dirs_from(ctx, &eco, |d| &d.dirs.source);
    }
    if dirs.len() > 1 {
        let keep: Vec<bool> = dirs.iter().map(|d| !looks_like_frontend(ctx.index, d)).collect();
        if keep.iter().any(|k| *k) {
            let mut i = 0;
            dirs.retain(|_| {
                i += 1;
                keep[i - 1]
            });
            let mut j = 0;
            evidence.retain(|_| {
                j += 1;
                keep[j - 1]
            });
        }
    }
    if dirs.is_empty() {
        let dir = ctx.backend.project.dir.clone();
        return Field::found_list(
            vec![dir],
            vec![Evidence::new(
                &ctx.backend.project.manifest,
                "server code sits beside the manifest",
            )],
        );
    }
    Field::found_list(dirs, evidence)
}

const TEST_FILE_SUFFIXES: &[&str] = &[
    ".test.ts",
    ".spec.ts",
    ".test.js",
    ".spec.js",
    ".test.mjs",
    "_test.py",
    ".test.tsx",
];

fn test_dirs(ctx: &Ctx) -> Field {
    let hits: Vec<&Hit> = ctx
        .backend
        .tests
        .iter()
        .chain(&ctx.backend.frameworks)
        .chain(&ctx.backend.ecosystem_hits)
        .collect();
    let (dirs, evidence) = dirs_from(ctx, &hits, |d| &d.dirs.tests);
    if !dirs.is_empty() {
        return Field::found_list(collapse(dirs), evidence);
    }
    // Co-located tests (`src/**/*.spec.ts`, `app/test_x.py`) make the source dirs the test dirs.
    let source = source_dirs(ctx);
    let mut found = Vec::new();
    let mut evidence = Vec::new();
    for dir in source.items.unwrap_or_default() {
        let prefix = if dir == "." { String::new() } else { format!("{dir}/") };
        let hit = ctx
            .index
            .files
            .range(prefix.clone()..)
            .take_while(|f| f.starts_with(&prefix))
            .find(|f| {
                let name = walk::file_name(f);
                TEST_FILE_SUFFIXES.iter().any(|s| name.ends_with(s))
                    || (name.starts_with("test_") && name.ends_with(".py"))
            });
        if let Some(file) = hit {
            evidence.push(Evidence::new(file, "test file beside the code"));
            found.push(dir);
        }
    }
    if !found.is_empty() {
        return Field::found_list(found, evidence);
    }
    Field::unknown(hints::unknown(
        "test_dirs",
        "no tests directory and no test files beside the code",
    ))
}

/// Many directories of one name (`hc/api/tests`, `hc/front/tests`, …) become one glob
/// (`hc/**/tests`), so the rendered line stays readable; evidence keeps every directory.
fn collapse(dirs: Vec<String>) -> Vec<String> {
    const MANY: usize = 4;
    let mut by_name: BTreeMap<&str, Vec<&String>> = BTreeMap::new();
    for dir in &dirs {
        by_name.entry(walk::file_name(dir)).or_default().push(dir);
    }
    let mut out: Vec<String> = Vec::new();
    for dir in &dirs {
        let group = &by_name[walk::file_name(dir)];
        if group.len() < MANY {
            out.push(dir.clone());
            continue;
        }
        let parents: Vec<&str> = group.iter().map(|d| walk::parent(d)).collect();
        let mut common: Vec<&str> = parents[0].split('/').collect();
        for p in &parents[1..] {
            let parts: Vec<&str> = p.split('/').collect();
            let same = common.iter().zip(&parts).take_while(|(a, b)| a == b).count();
            common.truncate(same);
        }
        let glob = match common.join("/") {
            prefix if prefix.is_empty() || prefix == "." => format!("**/{}", walk::file_name(dir)),
            prefix => format!("{prefix}/**/{}", walk::file_name(dir)),
        };
        if !out.contains(&glob) {
            out.push(glob);
        }
    }
    out
}

fn migration_dirs(ctx: &Ctx, tools: &[&Hit]) -> (Vec<String>, Vec<Evidence>) {
    let mut dirs: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    let project = &ctx.backend.project;
    for hit in tools {
        let home = home_of(hit, project);
        let project = &home;
        let mut from_config = false;
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Migrations) {
            for ConfigValue { value, file } in engine::read_config(hit.detector, read, ctx.index, project) {
                let Some(dir) = config_dir(ctx.index, project, &value, &file) else {
                    continue;
                };
                if !dirs.contains(&dir) {
                    evidence.push(Evidence::new(
                        &file,
                        format!("{} config puts migrations in {dir}", hit.detector.name),
                    ));
                    dirs.push(dir);
                    from_config = true;
                }
            }
        }
        if from_config {
            continue;
        }
        let patterns: Vec<String> = hit
            .detector
            .dirs
            .migrations
            .iter()
            .filter_map(|p| substitute(p, ctx.vars))
            .collect();
        for pattern in &patterns {
            let mut found = engine::project_dirs(ctx.index, project, std::slice::from_ref(pattern));
            if found.is_empty() && project.dir != "." {
                // Workspace members share migrations at the repository root.
                found = engine::project_dirs(ctx.index, &project_at(project, "."), std::slice::from_ref(pattern));
            }
            if found.is_empty() {
                continue;
            }
            for dir in found {
                if !dirs.iter().any(|d| is_within(&dir, d) || is_within(d, &dir)) {
                    evidence.push(Evidence::new(&dir, format!("{} default location", hit.detector.name)));
                    dirs.push(dir);
                }
            }
            break;
        }
    }
    if dirs.is_empty() && (!ctx.backend.databases.is_empty() || !tools.is_empty()) {
        // No tool location exists: a directory named like migrations still answers the question.
        for dir in migration_named_dirs(ctx.index, &ctx.backend.project) {
            evidence.push(Evidence::new(&dir, "directory named like migrations"));
            dirs.push(dir);
        }
    }
    (dirs, evidence)
}

/// The shallowest directories in the project named `migrations`, `migration`, `db/migrate`-like
/// or `*_migrations`, outside tests, fixtures, docs and examples.
fn migration_named_dirs(index: &RepoIndex, project: &Project) -> Vec<String> {
    const MAX_DEPTH: usize = 3;
    let prefix = if project.dir == "." {
        String::new()
    } else {
        format!("{}/", project.dir)
    };
    let candidates: Vec<(usize, &String)> = index
        .dirs
        .iter()
        .filter_map(|dir| {
            let rel = dir.strip_prefix(&prefix)?;
            let parts: Vec<&str> = rel.split('/').collect();
            let name = *parts.last()?;
            let named = name == "migrate" || name.ends_with("migrations") || name == "migration";
            let excluded = parts
                .iter()
                .any(|p| NOT_BACKEND_DIRS.contains(p) || *p == "node_modules");
            (named && !excluded && parts.len() <= MAX_DEPTH).then_some((parts.len(), dir))
        })
        .collect();
    let shallowest = candidates.iter().map(|(depth, _)| *depth).min().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|(depth, _)| *depth == shallowest)
        .map(|(_, dir)| dir.clone())
        .collect()
}

/// The existing directory a config value names. Paths are tried relative to the project, then
/// to the config file; `package:path` (Alembic) is looked up inside the package's directory.
fn config_dir(index: &RepoIndex, project: &Project, value: &str, file: &str) -> Option<String> {
    let (package, path) = match value.split_once(':') {
        Some((pkg, rest))
            if !value.contains("://") && pkg.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') =>
        {
            (Some(pkg.replace('.', "/")), rest)
        }
        _ => (None, value),
    };
    let rel = engine::clean_path(path);
    let bases: Vec<String> = match &package {
        Some(pkg) => vec![
            project.path(pkg),
            project.path(&format!("src/{pkg}")),
            walk::join(walk::parent(file), "."),
        ],
        None => vec![project.dir.clone(), walk::parent(file).to_string()],
    };
    bases
        .iter()
        .map(|base| walk::join(base, &rel))
        .find(|dir| dir != "." && index.has_dir(dir))
}

/// `project` as if it lived in `dir`, for paths that resolve elsewhere (repository root, a
/// sibling package).
fn project_at(project: &Project, dir: &str) -> Project {
    let mut moved = project.clone();
    moved.dir = dir.to_string();
    moved
}

/// The project a hit's paths resolve against: the sibling it came from, or the backend.
fn home_of(hit: &Hit, backend: &Project) -> Project {
    match &hit.from_dir {
        Some(dir) => project_at(backend, dir),
        None => backend.clone(),
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

const DEV_TASKS: &[&str] = &[
    "dev",
    "start:dev",
    "develop",
    "dev:server",
    "server:dev",
    "dev:api",
    "start:watch",
    "serve",
    "watch",
    "server",
    "runserver",
    "run",
    "start",
];
const TEST_TASKS: &[&str] = &["test", "tests", "test:unit", "test:all", "spec"];
const BUILD_TASKS: &[&str] = &["build", "compile", "build:prod", "build:server"];
const MIGRATE_TASKS: &[&str] = &[
    "migrate",
    "db:migrate",
    "migration:run",
    "migrations:run",
    "migrate:up",
    "migrate:latest",
    "migrate:deploy",
    "db:migrate:deploy",
    "prisma:migrate",
    "typeorm:migrate",
    "knex:migrate",
    "migrate-up",
    "db-migrate",
    "migration:up",
    "db:upgrade",
];
const DB_TASKS: &[&str] = &[
    "db",
    "db:studio",
    "studio",
    "prisma:studio",
    "dbshell",
    "db:shell",
    "db-shell",
    "psql",
    "db:console",
    "dbconsole",
];

/// Tools that build or serve a browser frontend: a script running one is not a backend command.
const FRONTEND_TOOLS: &[&str] = &[
    "vite",
    "webpack",
    "next",
    "nuxt",
    "vue-cli-service",
    "react-scripts",
    "ng",
    "astro",
    "parcel",
    "svelte-kit",
];

fn is_placeholder(body: &str) -> bool {
    let b = body.trim();
    b.contains("no test specified")
        || b.is_empty()
        || b == "exit 0"
        || b == "true"
        || (b.starts_with("echo") && !b.contains("&&"))
}

fn runs_frontend_tool(body: &str) -> bool {
    let first = body
        .split_whitespace()
        .find(|w| !w.contains('=') && !matches!(*w, "npx" | "pnpm" | "yarn" | "bunx" | "exec" | "cross-env"));
    first.is_some_and(|w| FRONTEND_TOOLS.contains(&w))
}

/// Declared task for the intent, else the first detector default that resolves. With
/// `skip_frontend`, scripts that run a frontend dev server (vite, next, …) do not count.
fn command(
    ctx: &Ctx,
    names: &[&str],
    skip_frontend: bool,
    pick: impl Fn(&Detector) -> Option<&crate::detect::CommandSpec>,
    kinds: &[Kind],
) -> Option<Field> {
    let project = &ctx.backend.project;
    for name in names {
        let Some(task) = project.tasks.iter().find(|t| t.name == *name) else {
            continue;
        };
        if is_placeholder(&task.body) && task.runner != TaskRunner::Make && task.runner != TaskRunner::Just {
            continue;
        }
        if skip_frontend && runs_frontend_tool(&task.body) {
            continue;
        }
        let text = ctx.runner.task(project, task);
        let reason = declared_reason(task);
        return Some(Field::found(text, vec![Evidence::new(&task.file, reason)]));
    }
    for kind in kinds {
        let hits: &[Hit] = match kind {
            Kind::Framework => &ctx.backend.frameworks,
            Kind::Data => &ctx.backend.data,
            Kind::TestRunner => &ctx.backend.tests,
            Kind::Ecosystem => &ctx.backend.ecosystem_hits,
            Kind::Database => &ctx.backend.databases,
        };
        for hit in hits {
            let Some(spec) = pick(hit.detector) else {
                continue;
            };
            for candidate in spec.candidates() {
                let Some(text) = substitute_command(candidate, ctx, *kind) else {
                    continue;
                };
                let mut evidence = vec![Evidence::new(
                    hit.evidence
                        .first()
                        .map(|e| e.file.as_str())
                        .unwrap_or(&project.manifest),
                    format!("{} default command", hit.detector.name),
                )];
                evidence.extend(used_vars(candidate, ctx.vars));
                return Some(Field::found(text, evidence));
            }
        }
    }
    None
}

fn declared_reason(task: &Task) -> String {
    match task.runner {
        TaskRunner::NodeScript => format!("script \"{}\"", task.name),
        TaskRunner::Make => format!("make target {}", task.name),
        TaskRunner::Just => format!("just recipe {}", task.name),
        TaskRunner::Pdm => format!("[tool.pdm.scripts] {}", task.name),
        TaskRunner::Poe => format!("[tool.poe.tasks] {}", task.name),
        TaskRunner::Pipenv => format!("Pipfile [scripts] {}", task.name),
    }
}

fn used_vars(template: &str, vars: &BTreeMap<String, (String, Evidence)>) -> Vec<Evidence> {
    vars.iter()
        .filter(|(name, _)| template.contains(&format!("{{{name}}}")))
        .map(|(_, (_, e))| e.clone())
        .collect()
}

/// Fills `{exec}` and `{vars}`; `None` when a variable is missing. Adds the sub-directory prefix.
fn substitute_command(template: &str, ctx: &Ctx, kind: Kind) -> Option<String> {
    let project = &ctx.backend.project;
    let body = template.replace("{exec}", "");
    let body = substitute(body.trim_start(), ctx.vars)?;
    let uses_exec = template.contains("{exec}");
    let runs_from_root = template.contains("{cargo_package}") || (kind == Kind::Data && ctx.data_from_root);
    Some(ctx.runner.exec(project, &body, uses_exec, runs_from_root))
}
