//! Decides the report from the facts a scan gathered: scores the projects, picks the backend
//! project (or the one `--project` names), fills its fields and those of every other service,
//! and says "none" only with proof when there is no backend or no manifest.

use crate::detect::{Category, Registry};
use crate::ecosystems::{Project, Shape};
use crate::repo::index::RepoIndex;
use crate::report::FieldName;
use crate::report::hints;
use crate::report::{ABSENT_TEXT, Evidence, EvidenceKind, Field, ProjectSummary, Report, State};
use database::read_signals;
use std::collections::BTreeMap;

mod backend;
mod build_options;
mod commands;
mod connection;
mod console;
mod context;
mod database;
mod dirs;
mod documented;
mod extras;
mod fields;
mod frontend;
mod in_ddev;
mod in_stack;
mod migrations;
mod on_start;
mod orchestration;
mod plausible;
mod recipes;
mod stack;
mod test_dirs;

use crate::detect::analysis::{Analysis, detected_ids};
use crate::fs::is_within;
use backend::{MOST_LINKED, Siblings, backend_score, cargo_members, has_entry_point, internal_deps, pick_backend};
pub use context::Facts;
use dirs::is_code_file;
use fields::resolve_backend;

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
    let linked: Vec<_> = own.iter().map(|a| internal_deps(registry, a, &siblings)).collect();
    let link_counts: Vec<usize> = own.iter().map(|a| siblings.linked_count(&a.project)).collect();
    drop(siblings);
    let mut analyses: Vec<Analysis> = own.into_iter().zip(linked).map(|(a, l)| l.merged_into(a)).collect();
    for (a, link_count) in analyses.iter_mut().zip(link_counts) {
        a.score = backend_score(registry, index, a, members.as_ref());
        // The top of a workspace's dependency graph (the server binary) depends on the most
        // sibling packages; libraries it is built from depend on few.
        if a.score > 0 {
            a.score += link_count.min(6) as i32;
        }
    }
    let backend = match project {
        Some(selector) => Some(select_project(&analyses, selector)?),
        None => pick_backend(&analyses),
    };
    let project_dirs: Vec<&str> = analyses.iter().map(|a| a.project.dir.as_str()).collect();
    let signals = read_signals(registry, index, backend.map(|a| &*a.project), &project_dirs);
    let mut fields = BTreeMap::new();
    let mut variables = BTreeMap::new();
    let backend_dir = backend.map_or(".", |a| a.project.dir.as_str());
    let mut extras = extras::of_repository(registry, index, backend_dir);
    let mut instead = None;
    match backend.or_else(|| main_project(&analyses)) {
        Some(analysis) => {
            resolve_backend(
                facts,
                analysis,
                &analyses,
                &signals,
                &mut fields,
                &mut variables,
                &mut extras,
            );
            if backend.is_none() {
                match unread_manifest(registry, index) {
                    Some(manifest) => {
                        unprove_all(&manifest, analysis, &mut fields);
                        // Nor do its language, runtime and package manager.
                        if analysis.project.dir != "." {
                            variables.values_mut().for_each(|v| *v = None);
                        }
                    }
                    None => instead = mark_no_backend(registry, index, &signals, &analyses, analysis, &mut fields),
                }
            }
        }
        None => {
            nothing_found(registry, index, &mut fields);
            // Documentation or data only: the backend profile would describe nothing there.
            if fields
                .get(&FieldName::TechStack)
                .is_some_and(|f| f.state == State::Absent)
            {
                instead = Some("a repository without code".to_string());
            }
        }
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
    let frontend = frontend::of_projects(registry, &analyses);
    extras.extend(frontend.extras);
    for (name, version) in frontend.versions {
        variables.entry(name).or_insert(version);
    }
    let main_project_key = backend.map(|a| (a.project.dir.clone(), a.project.ecosystem));
    // Every other project that runs a server framework is described too, each with its own
    // fields (an API beside a worker, microservices), up to a bound for huge workspaces.
    const DESCRIBED: usize = 16;
    let mut described = 0;
    // A project described that links more packages than were taken on may get its database or
    // ORM from one of the others.
    let mut linked_cut = backend.is_some_and(|b| b.linked_cut);
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
                linked_cut |= a.linked_cut;
                let signals = read_signals(registry, index, Some(&a.project), &project_dirs);
                let (mut fields, mut variables) = (BTreeMap::new(), BTreeMap::new());
                resolve_backend(
                    facts,
                    a,
                    &analyses,
                    &signals,
                    &mut fields,
                    &mut variables,
                    &mut BTreeMap::new(),
                );
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
    let mut report = Report {
        archprompt: env!("CARGO_PKG_VERSION").to_string(),
        root: root_label.to_string(),
        fields,
        variables,
        extras: extras::every_one(registry, extras),
        backend_dir: backend.map(|a| a.project.dir.clone()),
        detected: backend.map(detected_ids).unwrap_or_default(),
        projects,
        warnings: Vec::new(),
        pinned_variables: Vec::new(),
        instead_of_backend: instead,
    };
    if linked_cut {
        // What linked packages bring: their database, ORM and migrations, and their tests.
        let brought = [
            FieldName::DatabaseSystem,
            FieldName::DbMigrationsDirs,
            FieldName::MigrationCommand,
            FieldName::DbCommand,
            FieldName::TestDirs,
        ];
        report.unprove_absence_of(&brought, &format!(
            "the project links more than {MOST_LINKED} workspace packages and only the nearest {MOST_LINKED} were read for it, so it may come from another"
        ));
    }
    // After the link cap's reason, which is the more specific.
    if let Some(backend) = backend {
        unprove_what_others_have(registry, index, &analyses, backend, &mut report);
    }
    Ok(report)
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

/// No manifest at all: a repository made only of documentation, data and media has none of the
/// fields; any other file may be code in a language archprompt does not read yet (a Clojure
/// `deps.edn`, a `.clj`), so then every field is unknown, never "none".
fn nothing_found(registry: &Registry, index: &RepoIndex, fields: &mut BTreeMap<FieldName, Field>) {
    let code = match index.files.iter().find(|f| is_code_file(registry, f)) {
        Some(file) => Some(format!("{file} is code")),
        // The shallowest such file outside dot folders (`deps.edn`, not `.clj-kondo/…/config.edn`).
        None => (index.files.iter())
            .filter(|f| !f.starts_with('.') && !f.contains("/.") && may_be_code(registry, f))
            .min_by_key(|f| f.matches('/').count())
            .map(|file| format!("{file} may be code in a language archprompt does not read yet")),
    };
    let unread = unseen(registry, index, ".");
    for name in FieldName::ALL {
        let field = match (&code, &unread) {
            (None, None) => Field::absent(
                ABSENT_TEXT,
                vec![Evidence::new(
                    ".",
                    "no manifest, and every file is documentation, data or media",
                )],
                "the repository holds no code (documentation or data only)",
            ),
            (Some(code), _) => {
                let why = format!(
                    "no manifest archprompt reads was found (package.json, deno.json, pyproject.toml, requirements*.txt, Pipfile, Cargo.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, mix.exs, gleam.toml, *.csproj), though {code}"
                );
                Field::unknown(hints::unknown(name, &why))
            }
            (None, Some(why)) => Field::unknown(hints::unknown(name, why)),
        };
        fields.insert(name, field);
    }
}

/// A file that is not documentation, data or media by its extension (`[files] not_code` of the
/// conventions), or an extensionless task file, build recipe or script (`Makefile`,
/// `Dockerfile`, `bin/deploy`). Dotfiles and other names without an extension (`LICENSE`) are
/// not code.
fn may_be_code(registry: &Registry, path: &str) -> bool {
    let files = &registry.conventions.files;
    let name = crate::fs::file_name(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => !files.not_code.contains(&ext.to_ascii_lowercase()),
        Some(_) => false,
        None => {
            let folder = crate::fs::file_name(crate::fs::parent(path));
            files.maybe_code_names.iter().any(|n| n == name) || files.script_folders.iter().any(|f| f == folder)
        }
    }
}

/// The project that speaks for a repository without a backend: the shallowest one, past a
/// root manifest that declares nothing (no dependency, workspace or shape: a `package.json`
/// holding only a `prepare` script above the real apps).
fn main_project<'a, 'r>(analyses: &'a [Analysis<'r>]) -> Option<&'a Analysis<'r>> {
    analyses.iter().min_by_key(|a| {
        let p = &a.project;
        let empty = p.deps.is_empty() && p.workspace_members.is_empty() && p.shape.is_none();
        (
            empty,
            a.project.dir.matches('/').count() + usize::from(a.project.dir != "."),
            a.project.dir.clone(),
        )
    })
}

/// The fields only a backend has: what a repository without one has none of.
const BACKEND_ONLY: [FieldName; 5] = [
    FieldName::BackendFramework,
    FieldName::DatabaseSystem,
    FieldName::DbMigrationsDirs,
    FieldName::MigrationCommand,
    FieldName::DbCommand,
];

/// No project looks like a backend: the backend-only fields are a definite "none"; the rest
/// (stack, directories, dev, test and build commands) describe the main project as it is (a
/// browser app's `vite` dev server, a library's tests), and what was not found stays unknown.
fn mark_no_backend(
    registry: &Registry,
    index: &RepoIndex,
    signals: &crate::signals::compose::RepoSignals,
    analyses: &[Analysis],
    main: &Analysis,
    fields: &mut BTreeMap<FieldName, Field>,
) -> Option<String> {
    let proof = "no known server framework, ORM or database in any manifest";
    let what = instead_of_backend(registry, main);
    describe_shape(registry, main, fields);
    // A project that shows it serves (a container exposing a port, a Procfile web process) and
    // is not proven to be something else may run on a framework archprompt does not know yet (a
    // Go app on net/http helpers, Nancy on an old .NET): it is not told it has no backend.
    // Nor is one whose compose file runs a database for it (an app on a framework kept in the
    // tree, as CodeIgniter 3 apps are): that database is some backend's.
    let serving = what.as_ref().map_or_else(
        || serves(registry, index, &main.project.dir).or_else(|| runs_a_database(registry, signals)),
        |_| None,
    );
    if let Some(serving) = serving {
        let why = format!(
            "no known server framework, ORM or database in any manifest, but {} {}",
            serving.file, serving.reason
        );
        for name in BACKEND_ONLY {
            fields.insert(name, Field::unknown(hints::unknown(name, &why)));
        }
        return None;
    }
    let why = match &what {
        Some(what) => format!("{what}, not a backend: {proof}"),
        None => format!("no backend project found: {proof}"),
    };
    let evidence: Vec<Evidence> = analyses
        .iter()
        .map(|a| {
            Evidence::new(
                &a.project.manifest,
                "no known backend framework, ORM or database among its dependencies",
            )
        })
        .collect();
    for name in BACKEND_ONLY {
        fields.insert(name, Field::absent(ABSENT_TEXT, evidence.clone(), why.clone()));
    }
    what
}

/// The first compose service that runs a database (not a cache), as evidence.
fn runs_a_database(registry: &Registry, signals: &crate::signals::compose::RepoSignals) -> Option<Evidence> {
    signals
        .services
        .iter()
        .find(|s| database::database_of_service(registry, s).is_some_and(|d| d.role != crate::detect::Role::Cache))
        .map(|s| {
            Evidence::new(
                &s.file,
                format!("runs the database image {} (service {})", s.image, s.name),
            )
        })
}

/// The first `[files] serving` file (in `dir`, then at the root) whose content shows the project
/// serves requests.
fn serves(registry: &Registry, index: &RepoIndex, dir: &str) -> Option<Evidence> {
    let mut dirs = vec![dir];
    if dir != "." {
        dirs.push(".");
    }
    for dir in dirs {
        for serving in &registry.conventions.files.serving {
            let file = crate::fs::join(dir, &serving.file);
            if index.read(&file).is_some_and(|text| serving.shows(&text)) {
                return Some(Evidence::new(&file, "shows the project serves requests"));
            }
        }
    }
    None
}

/// A project that is a library or a command-line tool says so in `tech_stack` (unless its UI
/// framework already says what it is); a library has nothing to start, so `dev_command` is
/// absent with the manifest as proof, unless the project declares a dev task of its own.
fn describe_shape(registry: &Registry, main: &Analysis, fields: &mut BTreeMap<FieldName, Field>) {
    let Some((shape, file, why)) = &main.project.shape else {
        return;
    };
    if stack::ui_framework(registry, &main.project).is_some() {
        return;
    }
    if let Some(stack) = fields.get_mut(&FieldName::TechStack).filter(|f| f.value.is_some()) {
        let value = stack.value.take().unwrap_or_default();
        stack.value = Some(format!("{value}, {}", shape.label()));
        stack.evidence.push(Evidence::new(file, why.clone()));
    }
    // The project's own dev task stands; a detector's default (`cargo run`) cannot run a library.
    let declared_dev = fields
        .get(&FieldName::DevCommand)
        .is_some_and(|f| f.state == State::Found && !f.evidence.iter().any(|e| e.kind == EvidenceKind::DefaultCommand));
    if *shape == Shape::Library && !declared_dev {
        let reason = format!("a library ({why}): it has no server or program to start");
        fields.insert(
            FieldName::DevCommand,
            Field::absent(ABSENT_TEXT, vec![Evidence::new(file, reason.clone())], reason),
        );
    }
}

/// "None" is proven for the backend project alone; another project of the repository may hold
/// what it uses: a module with the database driver (a multi-module build whose chosen module is
/// thin), test projects beside it (.NET keeps tests in projects of their own). Then the backend's
/// database or tests are not proven absent, only not found.
fn unprove_what_others_have(
    registry: &Registry,
    index: &RepoIndex,
    analyses: &[Analysis],
    backend: &Analysis,
    report: &mut Report,
) {
    let others = || {
        analyses
            .iter()
            .filter(|a| (&a.project.dir, a.project.ecosystem) != (&backend.project.dir, backend.project.ecosystem))
    };
    if report.field(FieldName::DatabaseSystem).state != State::Found {
        if let Some((other, hit)) = others().find_map(|a| a.databases.first().map(|h| (a, h))) {
            let why = format!(
                "the backend project names no database, but {} of another project names {}, which it may use",
                other.project.manifest, hit.detector.name
            );
            let data = [
                FieldName::DatabaseSystem,
                FieldName::DbMigrationsDirs,
                FieldName::MigrationCommand,
                FieldName::DbCommand,
            ];
            report.unprove_absence_of(&data, &why);
        }
    }
    if report.field(FieldName::TestDirs).state == State::Absent {
        let runner = others()
            .filter(|a| a.project.ecosystem == backend.project.ecosystem)
            .find_map(|a| {
                a.tests
                    .first()
                    .map(|h| format!("{} has {}", a.project.manifest, h.detector.name))
            });
        let elsewhere = runner.or_else(|| {
            test_dirs::first_test_file(registry, index, backend.project.ecosystem).map(|f| format!("{f} holds tests"))
        });
        if let Some(elsewhere) = elsewhere {
            let why =
                format!("the backend project has no tests of its own, but {elsewhere} elsewhere in the repository");
            report.unprove_absence_of(&[FieldName::TestDirs, FieldName::TestCommand], &why);
        }
    }
}

/// A manifest at the top of the repository of a language archprompt does not read yet
/// (`[files] unread_manifests`: `postgrest.cabal`, `build.sbt`).
fn unread_manifest(registry: &Registry, index: &RepoIndex) -> Option<String> {
    let patterns = &registry.conventions.files.unread_manifests;
    let matches = |name: &str| {
        patterns.iter().any(|p| match p.strip_prefix('*') {
            Some(ending) => name.len() > ending.len() && name.ends_with(ending),
            None => name == p,
        })
    };
    index.files_in(".").find(|f| matches(f)).map(str::to_string)
}

/// No backend among the projects archprompt reads, beside the manifest of a language it does
/// not: the repository's main code may be in that language, so nothing is proven absent, and a
/// project below the root (`docs/requirements.txt`) does not speak for the repository at all.
fn unprove_all(manifest: &str, main: &Analysis, fields: &mut BTreeMap<FieldName, Field>) {
    let why =
        format!("{manifest} is the manifest of a language archprompt does not read yet, so the main code may be in it");
    for (name, field) in fields.iter_mut() {
        if field.state == State::Absent || main.project.dir != "." {
            *field = Field::unknown(hints::unknown(*name, &why));
        }
    }
}

/// Why the scan did not see all it needs to prove a "none": the listing or reading cut short, or
/// a file that could not be read, except one below the project `within` in a folder of tests,
/// fixtures, examples, docs or tooling (`[dirs] tests` and `not_backend`: a deliberately broken
/// `tests/fixtures/bad/package.json` hides nothing of the app).
pub fn unseen(registry: &Registry, index: &RepoIndex, within: &str) -> Option<String> {
    let dirs = &registry.conventions.dirs;
    // Only folders below the project described count: an app in `tools/api` is not aside.
    let below = if within == "." {
        String::new()
    } else {
        format!("{within}/")
    };
    let aside = |file: &str| {
        let Some(inner) = file.strip_prefix(below.as_str()) else {
            return false;
        };
        let folders = inner.split('/').rev().skip(1);
        folders
            .into_iter()
            .any(|c| dirs.tests.iter().chain(&dirs.not_backend).any(|d| d == c))
    };
    index.partial_beside(aside)
}

/// What a repository without a backend is, from its main project: `a React frontend` (its UI
/// framework), `a library`, `a command-line tool` (its shape), or `None`.
fn instead_of_backend(registry: &Registry, main: &Analysis) -> Option<String> {
    if let Some((ui, _)) = stack::ui_framework(registry, &main.project) {
        // `an Angular frontend`, `a React frontend`.
        let article = if ui.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        return Some(format!("{article} {ui} frontend"));
    }
    main.project
        .shape
        .as_ref()
        .map(|(shape, _, _)| format!("a {}", shape.label()))
}
