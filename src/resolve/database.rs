//! The database field: candidates scored by evidence strength, the primary store chosen, caches
//! set apart, and a shell command for the primary store.

use super::connection::{self, Connection, Known};
use super::dirs::{fill, home_of};
use crate::detect::analysis::Analysis;
use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Detector, Kind, Registry, Role, Sets, Shell};
use crate::ecosystems::project::Project;
use crate::repo::index::RepoIndex;
use crate::report::FieldName;
use crate::report::hints;
use crate::report::{Evidence, EvidenceKind, Field};
use crate::signals::app_config::AppDatabase;
use crate::signals::compose::RepoSignals;
use crate::signals::compose::{EnvValue, Service};
use std::collections::BTreeMap;

/// Evidence strength for the primary database.
const SETTINGS_SCORE: i32 = 7;
const CONFIG_SCORE: i32 = 6;
/// An env template is what a developer copies to run the app: the database it names is the one
/// a run uses, whichever other drivers the app can load (an optional extra's).
const ENV_SCORE: i32 = 5;
const DEP_SCORE: i32 = 4;
/// A production or test profile's config names the deployed or a throwaway database.
const OTHER_RUN_SCORE: i32 = 3;
const COMPOSE_SCORE: i32 = 2;
const DEV_DEP_SCORE: i32 = 1;

/// Prefixes of any database's settings in an env template (`DB_HOST`, `DATABASE_NAME`), before
/// the stores' own (`[*] env_prefixes` of their detectors).
const GENERIC_ENV_PREFIXES: [&str; 2] = ["DB_", "DATABASE_"];

/// Database URLs found in configs and env templates, with where they were found.
pub(super) type DbUrls = Vec<(String, Evidence)>;

/// The repository's compose services and env templates, seen from the backend `project` (the
/// root when there is none), with what the app's own settings file says of its database
/// (`[app_config]`, a `{name}` in a file name standing for the program's name): the database it
/// names counts as a config naming it, and the connection it spells out is where the shell
/// opens. `others` are the repository's project directories: one below the project's is another
/// app's.
pub(super) fn read_signals(
    registry: &Registry,
    index: &RepoIndex,
    project: Option<&Project>,
    others: &[&str],
) -> RepoSignals {
    let dir = project.map_or(".", |p| p.dir.as_str());
    let conventions = &registry.conventions;
    let development = &conventions.files.development_configs;
    let app_name = project.and_then(|p| short_name(p.name.as_deref()?));
    let mut signals = crate::signals::compose::read(
        index,
        dir,
        &conventions.dirs.compose,
        development,
        app_name.map(app_env_prefix),
    );
    let ddev = crate::signals::ddev::Conventions {
        config: &conventions.ddev.config,
        databases: &conventions.ddev.databases,
        default_database: &conventions.ddev.default_database,
        database_container: &conventions.ddev.database_container,
        app_database_keys: &conventions.ddev.app_database_keys,
    };
    signals.ddev = crate::signals::ddev::read(index, &ddev);
    // A database built from the repository runs as the image its Dockerfile starts from,
    // unless the image the service names is a database's already.
    let built_images = std::mem::take(&mut signals.built_images);
    let same = |a: &Service, b: &Service| a.name == b.name && a.file == b.file;
    let named_database = |built: &Service| {
        signals
            .services
            .iter()
            .any(|s| same(s, built) && database_of_image(registry, &s.image).is_some())
    };
    let databases: Vec<Service> = built_images
        .into_iter()
        .filter(|s| database_of_service(registry, s).is_some() && !named_database(s))
        .collect();
    // A tag the build is given that only ends like a database's (`acme/shop-mongo:1.3.0`): the
    // image it is built from, with its real release and `ENV`, stands for it.
    signals
        .services
        .retain(|s| !databases.iter().any(|built| same(s, built)));
    signals.services.extend(databases);
    signals.services.sort_by_key(|s| !s.in_main_file());
    // An env template's `DB_USERNAME=null` gives no value, as an empty one does.
    let unset = &registry.conventions.commands.unset_values;
    for (_, value, _) in &mut signals.env {
        if unset.iter().any(|w| value.eq_ignore_ascii_case(w)) {
            value.clear();
        }
    }
    // Only the project's own settings: a root `config.yml` beside a backend in `api/` is some
    // other program's.
    let dirs = [dir];
    let known = Known::of(registry);
    let settings = &registry.conventions.app_config;
    let keys = crate::signals::app_config::Keys {
        sections: &settings.sections,
        dialect: &settings.dialect,
        location: &settings.location,
        host: &settings.host,
        port: &settings.port,
        user: &settings.user,
        name: &settings.name,
    };
    // Named or globbed (`conf/*.ini`: an app's settings named after it), in the list's order.
    // A test's, CI's or production's (`conf/app_test.ini`, `conf/ci.ini`) is not what a
    // developer's run reads.
    let mut files: Vec<String> = Vec::new();
    for pattern in &settings.files {
        // `{name}.json`: a settings file named after the app (`sftpgo.json`).
        let pattern = match (pattern.contains("{name}"), app_name) {
            (false, _) => pattern.clone(),
            (true, Some(name)) => pattern.replace("{name}", name),
            (true, None) => continue,
        };
        let pattern = &pattern;
        for file in dirs.iter().flat_map(|dir| engine::files_under(index, dir, pattern)) {
            if !files.contains(&file) && !named_for_another_run(registry, &file) {
                files.push(file);
            }
        }
    }
    let names_database = |value: &str| database_for(registry, value).is_some();
    for found in crate::signals::app_config::read(index, &files, keys, &names_database) {
        let db = found.dialect.as_deref().and_then(|d| database_for(registry, d));
        if let (Some(dialect), Some(_)) = (&found.dialect, db) {
            let reason = format!("{}: {dialect}", found.dialect_key);
            signals
                .app_databases
                .push((dialect.clone(), Evidence::new(&found.file, reason)));
        } else if let Some((store, file)) = db.is_none().then(|| file_store(registry, &found)).flatten() {
            // No dialect, but the location is an embedded store's file (`db-uri: opengist.db`):
            // that store is the app's. Where the file is (a home folder the code picks) is not
            // told, so no connection comes of it.
            let reason = format!("{file} is a {} file", store.name);
            signals
                .app_databases
                .push((store.id.clone(), Evidence::new(&found.file, reason)));
        }
        if let Some(connection) = app_connection(db, &found, &known) {
            let evidence = Evidence::new(&found.file, "the app's settings: the database connection");
            signals.connections.push((connection, evidence));
        }
    }
    // The app's own sources: not a test file, nor one in an example, test or docs folder, nor in
    // another project below this one.
    let conventions = &registry.conventions.dirs;
    let is_settings = |path: &str| {
        let below = match dir {
            "." => path,
            _ => path.strip_prefix(dir).and_then(|p| p.strip_prefix('/')).unwrap_or(path),
        };
        let mut folders = below.split('/').rev().skip(1);
        super::test_dirs::test_file_name(registry, crate::fs::file_name(path)).is_none()
            && !folders.any(|f| conventions.not_backend.iter().chain(&conventions.tests).any(|n| n == f))
            && !others
                .iter()
                .any(|o| *o != dir && crate::fs::is_within(path, o) && crate::fs::is_within(o, dir))
    };
    let code = &registry.conventions.app_config.code;
    // An env template that names the database (`DB_CONNECTION=pgsql`, `DATABASE_URL=postgres://…`)
    // is what a developer copies: it overrides a default written in code.
    let env_names_it = signals
        .database_hints
        .iter()
        .any(|(value, _, _)| database_for(registry, value).is_some_and(|d| d.role != Role::Cache));
    let defaults = match env_names_it {
        true => Vec::new(),
        false => crate::detect::code_settings::read(index, dir, code, is_settings, names_database),
    };
    for default in defaults {
        let db = database_for(registry, &default.value);
        let reason = format!("the app's default {}: {}", default.key, default.value);
        let evidence = Evidence::new(&default.file, reason);
        signals.app_databases.push((default.value.clone(), evidence.clone()));
        // A URL of another database is some other setting's.
        let same_store =
            |l: &String| !l.contains("://") || database_for(registry, l).map(|d| &d.id) == db.map(|d| &d.id);
        let found = AppDatabase {
            file: default.file.clone(),
            dialect_key: default.key,
            dialect: Some(default.value),
            locations: default.locations.into_iter().filter(same_store).collect(),
            ..AppDatabase::default()
        };
        if let Some(connection) = app_connection(db, &found, &known) {
            let evidence = Evidence::new(&found.file, "the app's default: the database connection");
            signals.connections.push((connection, evidence));
        }
    }
    signals
}

/// The name a program is known by, from its project's name: the last part of a Go module path
/// (`github.com/drakkan/sftpgo/v2` → `sftpgo`) or of a scoped package (`@acme/api` → `api`);
/// `None` for a name that is no plain file name.
fn short_name(name: &str) -> Option<&str> {
    let mut parts = name.rsplit('/');
    let last = parts.next()?;
    let is_major = |p: &str| {
        p.strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let short = if is_major(last) { parts.next()? } else { last };
    let plain = !short.is_empty()
        && short
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (plain && !short.starts_with('.')).then_some(short)
}

/// The prefix an app gives its settings' names: its name in capitals, `_` for what is not a
/// letter or digit, then `_` (`FATHOM_` of `fathom`, `MY_APP_` of `my-app`).
fn app_env_prefix(app_name: &str) -> String {
    app_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .chain(['_'])
        .collect()
}

/// The embedded store whose file a dialect-less setting names (`db-uri: opengist.db`: a bare
/// path with one of its `[shell] file_extensions`, no scheme), with that location.
fn file_store<'r, 'f>(registry: &'r Registry, found: &'f AppDatabase) -> Option<(&'r Detector, &'f str)> {
    found
        .locations
        .iter()
        .filter(|l| !l.contains(':'))
        .find_map(|location| {
            let store = registry
                .of_kind(Kind::Database)
                .find(|d| d.shell.as_ref().is_some_and(|s| s.names_file(location)))?;
            Some((store, location.as_str()))
        })
}

/// The connection a settings section spells out: a URL as written, an embedded store's file
/// (`name: wakapi_db.db` beside `dialect: sqlite3`) as its file URL, or a server's host, port,
/// user and database name as a URL without password.
fn app_connection(db: Option<&Detector>, found: &AppDatabase, known: &Known) -> Option<String> {
    if let Some(url) = found.locations.iter().find(|l| l.contains("://")) {
        return Some(url.clone());
    }
    // A connection string (`Data Source=app.db`, `Server=db;Database=shop`) is read as one.
    let connection_string = |l: &&String| l.contains('=') && connection::parse(l, known).is_some();
    if let Some(spelled) = found.locations.iter().find(connection_string) {
        return Some(spelled.clone());
    }
    let shell = db?.shell.as_ref()?;
    if let Some(prefix) = shell.file_urls.iter().min_by_key(|p| p.len()) {
        let file = found
            .locations
            .iter()
            .find(|l| shell.names_file(l) && !known.in_memory(l))?;
        let file = file.strip_prefix("file:").unwrap_or(file);
        return Some(format!("{prefix}{file}"));
    }
    let (host, name) = (found.host.as_deref()?, found.name.as_deref()?);
    let scheme = found.dialect.as_deref()?.to_ascii_lowercase();
    let user = found.user.as_deref().map_or(String::new(), |u| format!("{u}@"));
    let port = found.port.as_deref().map_or(String::new(), |p| format!(":{p}"));
    let url = format!("{scheme}://{user}{host}{port}/{name}");
    (!known.is_placeholder(&url)).then_some(url)
}

/// The database field, the ids of the primary stores in it (best first), and the URLs seen.
pub(super) fn resolve_database(
    registry: &Registry,
    index: &RepoIndex,
    backend: &Analysis,
    signals: &RepoSignals,
    selected: &Selected,
) -> (Field, Vec<String>, DbUrls, Vec<String>) {
    // The app's own settings first: they say where the database it uses by default is.
    let mut urls: DbUrls = signals.connections.clone();
    urls.extend(
        signals
            .database_hints
            .iter()
            .filter(|(value, _, _)| value.contains("://"))
            .map(|(value, evidence, _)| (value.clone(), evidence.clone())),
    );
    // Per database: the best score, the evidence, and the kinds of evidence (scores) seen.
    let mut candidates: BTreeMap<String, (i32, Vec<Evidence>, Vec<i32>)> = BTreeMap::new();
    let mut add_evidence = |id: &str, score: i32, evidence: Evidence, counts_as_kind: bool| {
        let entry = candidates.entry(id.to_string()).or_insert((0, Vec::new(), Vec::new()));
        entry.0 = entry.0.max(score);
        if counts_as_kind && !entry.2.contains(&score) {
            entry.2.push(score);
        }
        if !entry.1.contains(&evidence) {
            entry.1.push(evidence);
        }
    };
    let mut add = |id: &str, score: i32, evidence: Evidence| add_evidence(id, score, evidence, true);
    for hit in &backend.databases {
        for ev in hit.evidence.iter() {
            let score = if ev.kind == EvidenceKind::DevDependency {
                DEV_DEP_SCORE
            } else {
                DEP_SCORE
            };
            add(&hit.detector.id, score, ev.clone());
        }
    }
    let known = Known::of(registry);
    // A database's own reads (the SQLite file Go's `database/sql` opens) come after any
    // framework's or ORM's, and only where its driver matched.
    for hit in backend.frameworks.iter().chain(&backend.data).chain(&backend.databases) {
        let home = home_of(hit, &backend.project);
        // The project that runs reads its own config: a library's (`Databases/AppDb/appsettings.json`
        // beside the DbContext) counts only when the backend has none.
        let read_config = |read| {
            let own = engine::read_config(hit.detector, read, index, &backend.project);
            match own.is_empty() && home.dir != backend.project.dir {
                true => engine::read_config(hit.detector, read, index, &home),
                false => own,
            }
        };
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Connection) {
            for ConfigValue { value, file } in read_config(read) {
                let reason = format!("{} config: the database connection", hit.detector.name);
                let evidence = Evidence::new(&file, reason);
                if let Some(db) = store_of_connection(registry, &known, &value) {
                    let reason = format!("{} config connects to {}", hit.detector.name, db.name);
                    add(
                        &db.id,
                        config_score(registry, &file, selected),
                        Evidence::new(&file, reason),
                    );
                }
                urls.push((value, evidence));
            }
        }
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Database) {
            // The first store a file names is its default; another one named further on is an
            // alternative (healthchecks' `if os.getenv("DB") == "postgres":` after its SQLite).
            let mut first_of_file: Vec<(String, String)> = Vec::new();
            for ConfigValue { value, file } in read_config(read) {
                // A URL, or one that names a database file without `//` (`jdbc:sqlite:app.db`).
                if value.contains("://") || names_file(registry, &value) || known.in_memory(&value) {
                    urls.push((
                        value.clone(),
                        Evidence::new(&file, format!("{} config URL", hit.detector.name)),
                    ));
                }
                // A list (`spring.profiles.active=h2,jpa`) names a store in any of its items.
                // The development environment's own setting speaks like the app's settings file.
                let score = match read.development {
                    true => SETTINGS_SCORE,
                    false => config_score(registry, &file, selected),
                };
                for item in value.split(',') {
                    if let Some(db) = database_for(registry, item) {
                        let reason = format!(
                            "{} config names {}",
                            hit.detector.name,
                            connection::redacted(item.trim())
                        );
                        let first = !read.first_is_default
                            || match first_of_file.iter().find(|(f, _)| *f == file) {
                                Some((_, first)) => first == &db.id,
                                None => {
                                    first_of_file.push((file.clone(), db.id.clone()));
                                    true
                                }
                            };
                        let score = if first { score } else { score.min(OTHER_RUN_SCORE) };
                        add(&db.id, score, Evidence::new(&file, reason));
                    }
                }
            }
        }
    }
    for (value, evidence) in &signals.app_databases {
        if let Some(db) = database_for(registry, value) {
            add(&db.id, SETTINGS_SCORE, evidence.clone());
        }
    }
    // A key that selects the driver (`DB_CONNECTION=sqlite`) names the one the app uses, as its
    // settings do: above a config that lists every connection the app can make (Lucid's,
    // Laravel's `connections`); a URL names the database of an example run.
    for (value, evidence, from_env) in &signals.database_hints {
        if let Some(db) = database_for(registry, value) {
            add(
                &db.id,
                if *from_env { ENV_SCORE } else { SETTINGS_SCORE },
                evidence.clone(),
            );
        }
    }
    // The database container of the DDEV project the app is developed in: named in its project
    // file, a development setting like a config's; DDEV's default, a container that runs
    // whether the app uses it or not, like a compose service.
    if let Some(ddev) = signals.ddev.as_ref().and_then(|p| p.database.as_ref()) {
        if let Some(db) = database_for(registry, &ddev.kind) {
            let score = if ddev.named { CONFIG_SCORE } else { COMPOSE_SCORE };
            add(&db.id, score, ddev.evidence.clone());
        }
    }
    // A variant compose file (`docker-compose.mongo.yaml`) or a profile (`profiles: [postgres]`)
    // runs an alternative, not the default.
    for service in &signals.services {
        if let Some(db) = database_of_service(registry, service) {
            let default = service.in_main_file() && !service.optional;
            add_evidence(&db.id, COMPOSE_SCORE, service.evidence.clone(), default);
        }
    }
    // An ORM with no store named anywhere talks to a database archprompt cannot name: unknown,
    // not none.
    if candidates.is_empty() && !backend.data.is_empty() {
        let names: Vec<&str> = backend.data.iter().map(|h| h.detector.name.as_str()).collect();
        let why = format!(
            "{} is used, but no driver, config or compose service names its database",
            names.join(" and ")
        );
        return (
            Field::unknown(hints::unknown(FieldName::DatabaseSystem, &why)),
            Vec::new(),
            urls,
            Vec::new(),
        );
    }
    if candidates.is_empty() {
        let why = "no database driver, ORM dialect, compose service or .env URL found";
        return (
            Field::absent_because(&backend.project.manifest, why),
            Vec::new(),
            urls,
            Vec::new(),
        );
    }
    let role = |id: &str| registry.get(id).map(|d| d.role).unwrap_or_default();
    let priority = |id: &str| registry.get(id).map(|d| d.priority).unwrap_or_default();
    let kinds = |id: &str| candidates.get(id).map_or(0, |c| c.2.len());
    let mut primaries: Vec<(&str, i32)> = candidates
        .iter()
        .filter(|(id, _)| role(id) != Role::Cache)
        .map(|(id, (score, _, _))| (id.as_str(), *score))
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
    // On a tie, the store more kinds of evidence agree on (a config, its driver and the compose
    // service that runs it), then the detector's priority.
    primaries.sort_by_key(|(id, s)| {
        (
            std::cmp::Reverse(*s),
            role(id) == Role::Fallback,
            std::cmp::Reverse(kinds(id)),
            std::cmp::Reverse(priority(id)),
        )
    });
    let top = primaries.first().map(|(_, s)| *s).unwrap_or(0);
    primaries.retain(|(_, s)| *s == top || *s >= OTHER_RUN_SCORE);
    let caches: Vec<&str> = candidates
        .iter()
        .filter(|(id, (score, _, _))| role(id) == Role::Cache && *score >= COMPOSE_SCORE)
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
        return (
            Field::unknown(hints::unknown(FieldName::DatabaseSystem, why)),
            Vec::new(),
            urls,
            Vec::new(),
        );
    }
    let evidence = used.iter().flat_map(|id| candidates[*id].1.clone()).collect();
    let primary_ids = primaries.iter().map(|(id, _)| id.to_string()).collect();
    let cache_ids = caches.iter().map(|id| id.to_string()).collect();
    (Field::found(parts.join(", "), evidence), primary_ids, urls, cache_ids)
}

/// How strongly a config names the app's database: the settings a plain run selects
/// ([`Selected`]) like the app's own settings; a production or test profile's config
/// (`application-prod.yml`, `settings/test.py`) names the deployed or a throwaway one, weaker
/// than any other config or a driver.
fn config_score(registry: &Registry, file: &str, selected: &Selected) -> i32 {
    if selected.holds(file) {
        SETTINGS_SCORE
    } else if named_for_another_run(registry, file) {
        OTHER_RUN_SCORE
    } else {
        CONFIG_SCORE
    }
}

/// Whether a config file's name makes it a production or test profile's (`application-prod.yml`,
/// `settings/test.py`, `conf/ci.ini`: `production_configs` and `test_configs`), a word of it, not
/// a part of one (`contest.py` is not a test's). So does a settings file (not code: `[files]
/// not_code`) whose name ends with a database's (`application-mysql.properties`,
/// `appsettings.Postgres.json`): the profile that switches to that store, an alternative.
pub(super) fn named_for_another_run(registry: &Registry, file: &str) -> bool {
    let files = &registry.conventions.files;
    let name = crate::fs::file_name(file).to_ascii_lowercase();
    let another_run = files.for_another_run(file);
    // The store's name ends the name, after the settings' own (`application-mysql`), and no
    // word says the profile is the development one (`application-local-postgres`).
    let named_for_store = name.rsplit_once('.').is_some_and(|(stem, ext)| {
        let parts: Vec<&str> = stem.split(['.', '-', '_']).collect();
        files.not_code.iter().any(|e| e == ext)
            && parts.len() >= 2
            && parts.last().is_some_and(|last| database_for(registry, last).is_some())
            && !parts.iter().any(|p| files.development_configs.iter().any(|d| d == p))
    });
    another_run || named_for_store
}

/// The settings a plain run of the app selects among several, as its detectors' `selects`
/// reads name them (the module `manage.py` names, the profiles a Spring base config activates):
/// what they configure is what that run uses, above the shared defaults they override.
#[derive(Default)]
pub(super) struct Selected {
    /// The selected settings files, repo-relative globs; `None` when nothing selects.
    files: Option<globset::GlobSet>,
}

impl Selected {
    pub(super) fn of(index: &RepoIndex, backend: &Analysis) -> Selected {
        let mut patterns = Vec::new();
        for hit in backend
            .ecosystem_hits
            .iter()
            .chain(&backend.frameworks)
            .chain(&backend.data)
        {
            let reads = hit.detector.config.iter().filter(|r| r.sets == Sets::Selects);
            for read in reads {
                let home = home_of(hit, &backend.project);
                let values = engine::read_config(hit.detector, read, index, &home);
                patterns.extend(values.into_iter().map(|v| crate::fs::join(&home.dir, &v.value)));
            }
        }
        Selected::of_globs(&patterns)
    }

    /// `patterns`: repo-relative globs of the selected settings files.
    fn of_globs(patterns: &[String]) -> Selected {
        let mut set = globset::GlobSetBuilder::new();
        for pattern in patterns {
            // A value that makes no glob (`[`) selects nothing.
            if let Ok(glob) = globset::GlobBuilder::new(pattern).literal_separator(true).build() {
                set.add(glob);
            }
        }
        Selected {
            files: (!patterns.is_empty()).then(|| set.build().ok()).flatten(),
        }
    }

    /// Whether a plain run reads `file` as the settings it selected.
    fn holds(&self, file: &str) -> bool {
        self.files.as_ref().is_some_and(|set| set.is_match(file))
    }
}

/// The store a connection value names: its URL scheme, its file URL prefix (`sqlite:app.db`),
/// or, for a connection string that names a file (`Data Source=app.db`), the embedded store.
fn store_of_connection<'r>(registry: &'r Registry, known: &Known, value: &str) -> Option<&'r Detector> {
    if names_file(registry, value) {
        return database_for(registry, value);
    }
    let connection = connection::parse(value, known)?;
    match (&connection.scheme, &connection.file) {
        (Some(scheme), _) => database_for(registry, &format!("{scheme}://")),
        (None, Some(_)) => registry
            .of_kind(Kind::Database)
            .find(|d| d.shell.as_ref().is_some_and(|s| s.file.is_some())),
        (None, None) => None,
    }
}

/// Whether `value` starts like a URL that names an embedded store's file (a `[shell] file_urls`
/// prefix).
fn names_file(registry: &Registry, value: &str) -> bool {
    registry
        .of_kind(Kind::Database)
        .filter_map(|d| d.shell.as_ref())
        .any(|shell| shell.file_urls.iter().any(|prefix| value.starts_with(prefix.as_str())))
}

/// The database detector whose `images` name `image`, or whose official image (one without an
/// owner) is its last part (`immich-app/postgres`): its tag is that database's release.
pub(super) fn database_of_image<'r>(registry: &'r Registry, image: &str) -> Option<&'r Detector> {
    let databases = || registry.of_kind(Kind::Database);
    let last = crate::fs::file_name(image);
    databases()
        .find(|d| d.images.iter().any(|i| i == image))
        .or_else(|| databases().find(|d| d.images.iter().any(|i| !i.contains('/') && i == last)))
}

/// The database detector a compose service runs: [`database_of_image`], or for an image of the
/// project's own whose name ends in a database's (`ehrbase/ehrbase-v2-postgres`), that database
/// where the service sets one of its image's own variables (`POSTGRES_USER`): a tool named so
/// (`postgres-exporter` names it first; a `source-postgres` connector) sets none.
pub(super) fn database_of_service<'r>(registry: &'r Registry, service: &Service) -> Option<&'r Detector> {
    database_of_image(registry, &service.image).or_else(|| {
        let (_, last) = crate::fs::file_name(&service.image).rsplit_once('-')?;
        let db = registry
            .of_kind(Kind::Database)
            .find(|d| d.images.iter().any(|i| !i.contains('/') && i == last))?;
        let compose = db.shell.as_ref()?.compose.as_ref()?;
        let mut own_keys = compose
            .env
            .values()
            .flatten()
            .chain(compose.start.iter().flat_map(|s| &s.needs_one_of));
        own_keys
            .any(|key| service.env.iter().any(|(k, _)| k == key))
            .then_some(db)
    })
}

/// The database detector whose aliases name `value` (a dialect, engine path or URL).
pub(super) fn database_for<'r>(registry: &'r Registry, value: &str) -> Option<&'r Detector> {
    let value = value.trim().to_ascii_lowercase();
    let value = connection::unwrapped(&value, &registry.conventions.commands.jdbc_wrappers);
    let key = if let Some((scheme, _)) = value.split_once("://") {
        // `postgresql+asyncpg://`, and H2's `h2:file:///data/app` under R2DBC.
        scheme.split(['+', ':']).next().unwrap_or(scheme).to_string()
    } else if let Some((scheme, _)) = value.split_once(':').filter(|(s, _)| !s.contains('.')) {
        scheme.to_string() // `jdbc:sqlite:app.db`, `sqlite:app.db`
    } else {
        value.rsplit('.').next().unwrap_or(value).to_string()
    };
    registry.of_kind(Kind::Database).find(|d| d.aliases.contains(&key))
}

/// A shell for the primary database: through its compose service when one runs it, else a
/// client pointed at the URL variable of an env template (`psql "$DATABASE_URL"`).
/// `run_dir` is where the app runs when the dev command changes into it (`cd backend && …`):
/// an embedded store's relative file is there.
pub(super) fn db_client_command(
    registry: &Registry,
    backend: &Analysis,
    selected: &Selected,
    primary: Option<&String>,
    signals: &RepoSignals,
    urls: &DbUrls,
    run_dir: Option<&str>,
) -> Option<Field> {
    let field = env_client_command(registry, backend, selected, primary, signals, urls, run_dir);
    field.or_else(|| tool_url_client(registry, backend, primary?))
}

/// When the primary database is configured in memory (`jdbc:h2:mem:app`: its `[shell]
/// in_memory` markers), the proof that there is no shell to open: the config that says so.
pub(super) fn only_in_memory(registry: &Registry, primary: Option<&String>, urls: &DbUrls) -> Option<Evidence> {
    let primary = primary?;
    let markers = &registry.get(primary)?.shell.as_ref()?.in_memory;
    let in_memory = |value: &str| {
        let value = value.to_ascii_lowercase();
        markers.iter().any(|m| value.contains(m.as_str()))
    };
    let ours = |value: &str| database_for(registry, value).is_some_and(|d| d.id == *primary);
    let (_, evidence) = urls.iter().find(|(value, _)| ours(value) && in_memory(value))?;
    // Another URL of the same store that is not in memory (a file, a server) can be opened.
    let elsewhere = urls.iter().any(|(value, _)| ours(value) && !in_memory(value));
    (!elsewhere).then(|| Evidence::new(&evidence.file, "the database is in memory, inside the running app"))
}

/// The store's `[shell] url` client given a URL or `$VAR`.
fn url_client(registry: &Registry, primary: &str) -> Option<String> {
    registry.get(primary)?.shell.as_ref()?.url.clone()
}

/// A client pointed at the variable a data tool reads its URL from (`psql "$DATABASE_URL"` for
/// SQLx or Diesel on PostgreSQL): the variable is set wherever the tool works.
fn tool_url_client(registry: &Registry, backend: &Analysis, primary: &str) -> Option<Field> {
    let client = url_client(registry, primary)?;
    let client = client.as_str();
    // The variable the app's own database config reads (`os.environ["DATABASE_URL"]`,
    // `process.env.DATABASE_URL` in a knexfile), found by a detector's `db_url_env` read.
    if let Some((var, evidence)) = backend.vars.get("db_url_env") {
        let evidence = Evidence::new(&evidence.file, format!("the database config reads {var}"));
        return Some(Field::found(
            client.replace("{url}", &format!("${var}")),
            vec![evidence],
        ));
    }
    backend.data.iter().find_map(|hit| {
        let var = hit.detector.url_env.as_ref()?;
        let manifest = hit
            .evidence
            .first()
            .map_or(backend.project.manifest.as_str(), |e| e.file.as_str());
        let reason = format!("{} reads the database URL from {var}", hit.detector.name);
        Some(Field::found(
            client.replace("{url}", &format!("${var}")),
            vec![Evidence::new(manifest, reason)],
        ))
    })
}

fn env_client_command(
    registry: &Registry,
    backend: &Analysis,
    selected: &Selected,
    primary: Option<&String>,
    signals: &RepoSignals,
    urls: &DbUrls,
    run_dir: Option<&str>,
) -> Option<Field> {
    let primary = primary?;
    let detector = registry.get(primary)?;
    let shell = detector.shell.as_ref();
    let known = Known::of(registry);
    if let Some(shell) = shell.filter(|s| s.file.is_some()) {
        // `sqlite:///data/app.db?mode=rwc`, `Data Source=app.db` → `sqlite3 data/app.db`
        return urls
            .iter()
            .find_map(|(value, evidence)| {
                let mut connection = connection::parse(value, &known)?;
                let file = connection.file.as_ref()?;
                if let Some(dir) = run_dir.filter(|_| !file.starts_with(['/', '~'])) {
                    connection.file = Some(crate::fs::join(dir, file));
                }
                Some(Field::found(connection.client(shell)?, vec![evidence.clone()]))
            })
            .or_else(|| env_file_client(&known, detector, shell, signals, run_dir));
    }
    // A DDEV project is developed in DDEV's containers, whatever compose files it keeps.
    if let Some(field) = ddev_client(registry, primary, signals) {
        return Some(field);
    }
    // The backend's own compose file (`rest-villains/docker-compose.yml`) before the repository's.
    // A server that answers the primary's clients counts (MariaDB's image for a MySQL driver),
    // when its container can start at all.
    let serves_primary = |s: &Service| serves(registry, s, primary);
    let runs_primary = |s: &&Service| serves_primary(s) && can_start(registry, s);
    // A service passed over is named in the evidence of what comes instead.
    let passed_over = |field: Field, service: Option<&Service>, why: &str| {
        let mut field = field;
        if let Some(s) = service {
            field
                .evidence
                .push(Evidence::new(&s.file, format!("service {} {why}", s.name)));
        }
        field
    };
    let cannot_start = signals
        .services
        .iter()
        .find(|s| serves_primary(s) && !can_start(registry, s));
    let own_dir = &backend.project.dir;
    // The project's own stack, else a development one when the main file's is a deployment's
    // (`docker-compose.dev.yml`, named so or running the code mounted, beside a
    // `docker-compose.yml` that runs the app's published image).
    let development = &registry.conventions.files.development_configs;
    let for_development = |s: &&Service| {
        crate::signals::compose::named_for_development(&s.file, development)
            || signals.built.iter().any(|b| b.file == s.file && b.mounts_source)
    };
    let mut runs = signals.services.iter().filter(runs_primary);
    let first = runs.clone().next();
    let service = runs
        .clone()
        .find(|s| own_dir != "." && crate::fs::is_within(&s.file, own_dir))
        .or_else(|| {
            let deployed = first.is_some_and(|s| s.deployed_app);
            runs.clone().find(|s| deployed && !s.deployed_app && for_development(s))
        })
        .or_else(|| runs.next());
    let from_config = || {
        let shell = shell?;
        let url_var = shell
            .url
            .as_deref()
            .and_then(|client| url_var_client(registry, &known, detector, client, signals));
        url_var
            .or_else(|| config_client(registry, &known, &backend.vars, selected, detector, shell, urls))
            .or_else(|| split_env_client(registry, &known, detector, signals))
    };
    if let Some(service) = service {
        // The database of a deployment (an app's published image beside it, nothing built), kept
        // to the stack (no published port), is not the one an app run on the host reaches; a
        // connection to this machine the repository configures is.
        if service.deployed_app && !service.publishes_ports {
            if let Some(local) = from_config().filter(|f| on_this_machine(f, signals)) {
                let why = "belongs to a deployment (an app's published image uses it) and publishes no port";
                return Some(passed_over(local, Some(service), why));
            }
        }
        return compose_client(registry, shell, service, signals, urls, backend.vars.get("db_name"));
    }
    let why = "cannot start: its image needs a password option the service does not set";
    from_config().map(|field| passed_over(field, cannot_start, why))
}

/// DDEV's client on the project's database container (`ddev mysql`), when the container runs the
/// `primary` store or a server that answers its clients (MariaDB for a MySQL driver).
fn ddev_client(registry: &Registry, primary: &str, signals: &RepoSignals) -> Option<Field> {
    let project = signals.ddev.as_ref()?;
    let ddev = project.database.as_ref()?;
    let runs = database_for(registry, &ddev.kind)?;
    if runs.id != primary && !runs.serves.iter().any(|s| s == primary) {
        return None;
    }
    let command = runs.shell.as_ref()?.ddev.clone()?;
    // The app's own database in the container, where it names one (`ddev mysql passbolt`).
    Some(match &project.app_database {
        Some((name, named)) => Field::found(format!("{command} {name}"), vec![ddev.evidence.clone(), named.clone()]),
        None => Field::found(command, vec![ddev.evidence.clone()]),
    })
}

/// Whether a compose service runs the `primary` store, or a server that answers its clients
/// (MariaDB's image for a MySQL driver).
pub(super) fn serves(registry: &Registry, service: &Service, primary: &str) -> bool {
    database_of_service(registry, service).is_some_and(|d| d.id == primary || d.serves.iter().any(|s| s == primary))
}

/// The env template prefixes of the primary store's settings: the generic ones, then its own
/// (`POSTGRES_`, `MYSQL_`).
pub(super) fn own_env_prefixes(primary: &Detector) -> Vec<&str> {
    GENERIC_ENV_PREFIXES
        .iter()
        .copied()
        .chain(primary.env_prefixes.iter().map(String::as_str))
        .collect()
}

/// Whether a database service's container can start: its image's `[shell.compose] start`
/// requirements (PostgreSQL's password) are met.
pub(super) fn can_start(registry: &Registry, service: &Service) -> bool {
    let image = database_of_service(registry, service);
    let start = image.and_then(|d| d.shell.as_ref()?.compose.as_ref()?.start.as_ref());
    start.is_none_or(|n| service.can_start(n.of(&service.image), &n.data_dir))
}

/// The database's shell run inside its compose service (`docker compose exec db psql -U app`):
/// the image's own shell (`mariadb` in a MariaDB container), else the primary's. `app_db`: the
/// database the app's development settings name (the `db_name` variable: Rails's
/// `development.database`, Ecto's `config/dev.exs`), the one to open where neither the
/// service's environment nor a URL that reaches it names one.
pub(super) fn compose_client(
    registry: &Registry,
    shell: Option<&Shell>,
    service: &Service,
    signals: &RepoSignals,
    urls: &DbUrls,
    app_db: Option<&(String, Evidence)>,
) -> Option<Field> {
    let image_shell = database_of_service(registry, service).and_then(|d| d.shell.as_ref());
    // Only a database's own image is tagged with its release; a project's own build of one
    // (`ehrbase/ehrbase-v2-postgres:16.2`) with the project's version.
    let untagged;
    let service = match database_of_image(registry, &service.image) {
        Some(_) => service,
        None => {
            untagged = Service {
                tag: None,
                ..service.clone()
            };
            &untagged
        }
    };
    let compose = image_shell.or(shell)?.compose.as_ref()?;
    let known = Known::of(registry);
    // A name, not a path or a placeholder (`<%= ENV["DB"] %>`), from settings a developer's run
    // reads (not `settings/ci.py`).
    let app_db = app_db.filter(|(name, evidence)| {
        !known.is_placeholder(name) && !name.contains(['/', '.']) && !named_for_another_run(registry, &evidence.file)
    });
    let reached = reached_by_url(registry, &known, service, signals)
        .or_else(|| reached_by_app_url(registry, &known, service, urls))
        .or_else(|| {
            let (name, evidence) = app_db?;
            let connection = Connection {
                name: Some(name.clone()),
                ..Connection::default()
            };
            let evidence = Evidence::new(&evidence.file, format!("the app's development database is {name}"));
            Some((connection, evidence))
        });
    let reached = reached.or_else(|| reached_by_deployed_app(registry, &known, service, signals));
    let shell = compose_shell(compose, service, signals, reached.as_ref().map(|(c, _)| c))?;
    let mut evidence = vec![service.evidence.clone()];
    // Where the app's URL named what the service's environment did not, it is evidence too.
    if let Some((_, named)) =
        reached.filter(|_| compose_shell(compose, service, signals, None).as_ref() != Some(&shell))
    {
        evidence.push(named);
    }
    let text = format!(
        "docker compose {}exec {} {shell}",
        compose_file_flag(&service.file),
        service.name
    );
    Some(Field::found(text, evidence))
}

/// `-f FILE ` for a compose file `docker compose` does not read by default, else nothing.
pub(super) fn compose_file_flag(file: &str) -> String {
    if crate::signals::compose::read_by_default(file) {
        String::new()
    } else {
        format!("-f {file} ")
    }
}

/// Whether a client opens a database on this machine: its host is `localhost` or `127.0.0.1`,
/// written in the command or in the env template variable it reads (`psql "$DATABASE_URL"`).
fn on_this_machine(field: &Field, signals: &RepoSignals) -> bool {
    let local = |text: &str| connection::LOCAL_HOSTS.iter().any(|host| text.contains(host));
    let Some(text) = field.value.as_deref() else {
        return false;
    };
    let var = text.split_once('$').map(|(_, rest)| {
        let rest = rest.trim_start_matches('{');
        &rest[..rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len())]
    });
    local(text) || var.and_then(|v| signals.env_value(v)).is_some_and(local)
}

/// A client pointed at the env template variable that holds the store's URL: of several URLs of
/// its scheme, the local one (`MONGODB_URI_LOCAL=mongodb://localhost…`) is the development
/// database, and one full of `<placeholders>` is an example for production; else a declared but
/// empty URL variable, whose value each developer sets.
fn url_var_client(
    registry: &Registry,
    known: &Known,
    detector: &Detector,
    client: &str,
    signals: &RepoSignals,
) -> Option<Field> {
    let candidates: Vec<&(String, String, Evidence)> = signals
        .url_vars
        .iter()
        .filter(|(_, scheme, _)| detector.aliases.contains(scheme))
        .collect();
    let value_of = |key: &str| signals.env_value(key).unwrap_or("");
    let local = |key: &str| {
        ["localhost", "127.0.0.1", "@db", "@postgres"]
            .iter()
            .any(|h| value_of(key).contains(h))
    };
    let shell = detector.shell.as_ref();
    let url_var = candidates
        .iter()
        .find(|(key, _, _)| local(key))
        .or_else(|| candidates.iter().find(|(key, _, _)| !value_of(key).contains('<')))
        .or(candidates.first())
        .copied()
        .or_else(|| {
            // A variable declared without a value: one whose name names this store
            // (`MONGODB_URI` for MongoDB), else one that names no other store.
            let names = |d: &Detector, key: &str| {
                let key = key.to_ascii_uppercase();
                let words = d.shell.as_ref().map_or(&[][..], |s| &s.url_var_names[..]);
                words.iter().any(|w| key.contains(w.as_str()))
            };
            let own_words = shell.is_some_and(|s| !s.url_var_names.is_empty());
            let ours = |key: &str| match own_words {
                true => names(detector, key),
                false => !registry.of_kind(Kind::Database).any(|d| names(d, key)),
            };
            signals
                .url_vars
                .iter()
                .find(|(key, scheme, _)| scheme.is_empty() && ours(key))
        })?;
    let (var, _, evidence) = url_var;
    // A database on this machine the template spells out is opened at that address: a shell
    // does not load the `.env` the app reads, so `$VAR` would be unset there.
    // A URL with options (`?authSource=admin`, `?sslmode=require`) needs them: read from the variable.
    let local = |c: &Connection| c.host.as_deref().is_some_and(connection::is_local_host);
    let spelled = connection::parse(value_of(var), known)
        .filter(|c| local(c) && !value_of(var).contains('?'))
        .and_then(|c| c.client(shell?));
    let text = spelled.unwrap_or_else(|| client.replace("{url}", &format!("${var}")));
    Some(Field::found(text, vec![evidence.clone()]))
}

/// A client given where an application config or env template says the database is
/// (`spring.datasource.url=jdbc:postgresql://localhost:5432/orders` → `psql
/// "postgresql://localhost:5432/orders"`, `Host=db;Database=shop;Username=app` → `psql -h db -U
/// app -d shop`, `DATABASE_URL=mysql://app:…@127.0.0.1/shop` → `mysql -h 127.0.0.1 -u app -p
/// shop`), with the parts a config gives under keys of their own (`db_host`, `db_user`,
/// `db_name` variables). Never with a password.
fn config_client(
    registry: &Registry,
    known: &Known,
    vars: &BTreeMap<String, (String, Evidence)>,
    selected: &Selected,
    primary: &Detector,
    shell: &Shell,
    urls: &DbUrls,
) -> Option<Field> {
    let var = |name: &str| vars.get(name).filter(|(value, _)| !known.is_placeholder(value));
    let split = Connection {
        host: var("db_host").map(|(v, _)| v.clone()),
        user: var("db_user").map(|(v, _)| v.clone()),
        name: var("db_name").map(|(v, _)| v.clone()),
        user_left_open: vars.get("db_user").is_some_and(|(v, _)| known.is_placeholder(v)),
        ..Connection::default()
    };
    // A production or test profile's connection (`application-prod.properties`) is not the one
    // to open; the settings a plain run selects are, before the shared defaults'.
    let score = |(_, evidence): &&(String, Evidence)| config_score(registry, &evidence.file, selected);
    let mut development: Vec<&(String, Evidence)> = urls.iter().filter(|u| score(u) > OTHER_RUN_SCORE).collect();
    development.sort_by_key(|u| std::cmp::Reverse(score(u)));
    let from_config = development.into_iter().find_map(|(value, evidence)| {
        let connection = connection::parse(value, known)?;
        // A URL of another store's scheme is not this one's connection.
        let ours = connection
            .scheme
            .as_deref()
            .is_none_or(|scheme| database_for(registry, &format!("{scheme}://")).is_some_and(|d| d.id == primary.id));
        if !ours {
            return None;
        }
        // A selected profile's URL (`application-dev.yml`) takes no user from another file:
        // the base config's user is for the base config's database.
        let user_elsewhere = vars
            .get("db_user")
            .is_some_and(|(_, user)| user.file != evidence.file && selected.holds(&evidence.file));
        let split = match user_elsewhere {
            true => Connection {
                user: None,
                user_left_open: false,
                ..split.clone()
            },
            false => split.clone(),
        };
        let client = connection.or(&split).client(shell)?;
        Some(Field::found(client, vec![evidence.clone()]))
    });
    from_config.or_else(|| {
        let client = split.client(shell)?;
        let evidence = ["db_name", "db_host", "db_user"]
            .iter()
            .filter_map(|name| var(name))
            .map(|(value, evidence)| Evidence::new(&evidence.file, format!("the database config names {value}")))
            .take(1)
            .collect();
        Some(Field::found(client, evidence))
    })
}

/// The connection a URL of the service's own database gives where it reaches `service` by its
/// name: the environment of a service built from the repository, what its container gets
/// (`DATABASE_URL=ecto://postgres:postgres@postgres/philomena_dev`, or its `env_file`'s), then
/// an env template's; not a test run's or a deployment's (`DATABASE_TEST_URL`,
/// `PROD_DATABASE_URL`). Where the database service's own environment does not name the
/// database, the app's URL does: the one the app opens ([`reached_by_deployed_app`] after the
/// app's own settings, for a stack that builds nothing).
fn reached_by_url(
    registry: &Registry,
    known: &Known,
    service: &Service,
    signals: &RepoSignals,
) -> Option<(Connection, Evidence)> {
    let templates = signals
        .env
        .iter()
        .map(|(key, value, file)| (key.as_str(), value.as_str(), file.as_str()));
    let built = signals.built.iter().flat_map(|b| b.started_env());
    url_reaching(registry, known, service, built, false)
        .or_else(|| url_reaching(registry, known, service, templates, true))
}

/// The connection of the app's own settings (`MONGODB_HOST = "mongodb://localhost:27017/udata"`,
/// `MONGO_URI` of `.env.development`) that reaches `service`, by its name or, for the app run on
/// this machine, at a port the service publishes; not a test run's or a deployment's file.
fn reached_by_app_url(
    registry: &Registry,
    known: &Known,
    service: &Service,
    urls: &DbUrls,
) -> Option<(Connection, Evidence)> {
    let own = database_of_service(registry, service)?;
    urls.iter()
        .filter(|(_, evidence)| !named_for_another_run(registry, &evidence.file))
        .find_map(|(value, evidence)| {
            let (connection, name, host) = reaching(registry, known, own, service, value, true)?;
            let reason = format!("the app's settings name the database {name} on {host}");
            Some((connection, Evidence::new(&evidence.file, reason)))
        })
}

/// Where nothing the repository builds or templates names the database: in a stack that deploys
/// the app's published image (nothing is built), the URL that image is given (`ehrbase:
/// depends_on: [ehrdb]`, `DB_URL: jdbc:postgresql://ehrdb:5432/ehrbase`), as the container
/// gets it.
fn reached_by_deployed_app(
    registry: &Registry,
    known: &Known,
    service: &Service,
    signals: &RepoSignals,
) -> Option<(Connection, Evidence)> {
    if !service.deployed_app {
        return None;
    }
    let waiting = signals
        .services
        .iter()
        .filter(|s| s.file == service.file && s.depends_on.contains(&service.name))
        .flat_map(|s| {
            s.env
                .iter()
                .map(|(key, value)| (key.as_str(), crate::signals::compose::resolved(value), s.file.as_str()))
        });
    url_reaching(registry, known, service, waiting, false)
}

/// The first of `env` (key, value, file) whose URL reaches `service` ([`reaching`]), not a test
/// run's or a deployment's. `from_host`: the values are also read by an app run on this machine.
fn url_reaching<'a>(
    registry: &Registry,
    known: &Known,
    service: &Service,
    env: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
    from_host: bool,
) -> Option<(Connection, Evidence)> {
    let own = database_of_service(registry, service)?;
    env.filter(|(key, _, _)| !named_for_another_run(registry, key))
        .find_map(|(key, value, file)| {
            let (connection, name, host) = reaching(registry, known, own, service, value, from_host)?;
            let evidence = Evidence::new(file, format!("{key} names the database {name} on {host}"));
            Some((connection, evidence))
        })
}

/// The connection `value` gives, with the database and host it names, when it reaches `service`
/// and names a database of `own`, the store the service runs: by the service's name on the
/// stack's network or, when `from_host`, on this machine at a port the service publishes (the
/// store's default port when the URL names none).
fn reaching(
    registry: &Registry,
    known: &Known,
    own: &Detector,
    service: &Service,
    value: &str,
    from_host: bool,
) -> Option<(Connection, String, String)> {
    let connection = connection::parse(value, known)?;
    // A scheme no store claims (Ecto's `ecto://`) is the app's adapter, as is a connection
    // string's (`Server=db;Database=shop`); a web page is not a connection.
    let of_this_store = match connection.scheme.as_deref() {
        Some(scheme) => match database_for(registry, &format!("{scheme}://")) {
            Some(store) => store.id == own.id,
            None => !matches!(scheme, "http" | "https"),
        },
        None => true,
    };
    let host = connection.host.clone()?;
    let by_name = host == service.name || service.aliases.contains(&host);
    let default = own.shell.as_ref().and_then(|s| s.default_port.as_ref());
    let published = from_host
        && connection::is_local_host(&host)
        && connection
            .port
            .as_ref()
            .or(default)
            .is_some_and(|p| service.host_ports.contains(p));
    // `postgres://postgres:password@db/` names the server, not a database.
    let name = connection.name.clone().filter(|name| !name.is_empty())?;
    (of_this_store && (by_name || published)).then_some((connection, name, host))
}

/// The shell inside the database's compose service (its `[shell.compose]`): the user and
/// database its environment names (a user taken from the developer's environment is read
/// inside the container), else the database of the URL that `reached` it (the app's; its user
/// may not exist where the image made only its own), else the image's defaults.
fn compose_shell(
    compose: &crate::detect::ComposeShell,
    service: &Service,
    signals: &RepoSignals,
    reached: Option<&Connection>,
) -> Option<String> {
    let known = |key: &str| match service.env(key, signals) {
        EnvValue::Known(v) => Some(v),
        _ => None,
    };
    let unresolved = |key: &str| service.env(key, signals) == EnvValue::Unresolved;
    if let Some(command) = &compose.unresolved {
        if compose.env.values().flatten().any(|key| unresolved(key)) {
            return Some(command.clone());
        }
    }
    let command = match &compose.legacy {
        Some(legacy) if service.tag.as_deref().is_some_and(|t| legacy.covers(t)) => &legacy.command,
        _ => &compose.command,
    };
    let value = |var: &str| {
        let keys = compose.env.get(var).map_or(&[][..], |k| &k[..]);
        let set = keys.iter().find_map(|key| known(key));
        let from_url = reached.and_then(|c| (var == "name").then_some(c.name.as_deref()).flatten());
        set.or(from_url)
            .or(compose.defaults.get(var).map(String::as_str))
            .map(str::to_string)
    };
    command.candidates().iter().find_map(|command| fill(command, value))
}

/// An embedded store's file named by an env template variable: `DB_FILENAME=db/data` (knex's
/// `filename`), `SQLITE_PATH=app.db` (a path or storage key only with a file extension),
/// relative to where the app runs.
fn env_file_client(
    known: &Known,
    primary: &Detector,
    shell: &Shell,
    signals: &RepoSignals,
    run_dir: Option<&str>,
) -> Option<Field> {
    let prefixes = own_env_prefixes(primary);
    let named = |suffixes: &[&str], extension: bool| file_entry(known, signals, &prefixes, suffixes, extension);
    let found = named(&["FILENAME", "FILE"], false).or_else(|| named(&["PATH", "STORAGE"], true))?;
    file_client(shell, found, run_dir)
}

/// An embedded store's file given as the database's name in an env template, with its file
/// extension (`FATHOM_DATABASE_NAME=./fathom.db`), relative to where the app runs. Taken after
/// the framework's own console: a framework may place a named file elsewhere (Laravel's
/// `DB_DATABASE=app.sqlite` under `database/`), and its console opens it where it is.
pub(super) fn env_name_file_client(
    registry: &Registry,
    primary: Option<&String>,
    signals: &RepoSignals,
    run_dir: Option<&str>,
) -> Option<Field> {
    let primary = registry.get(primary?)?;
    let shell = primary.shell.as_ref().filter(|s| s.file.is_some())?;
    let known = Known::of(registry);
    let found = file_entry(&known, signals, &own_env_prefixes(primary), &["NAME", "DATABASE"], true)?;
    file_client(shell, found, run_dir)
}

/// The first env template variable of `prefixes` and `suffixes` whose value can be a file (with
/// one of the stores' file extensions, when `extension`): (name, value, file).
fn file_entry(
    known: &Known,
    signals: &RepoSignals,
    prefixes: &[&str],
    suffixes: &[&str],
    extension: bool,
) -> Option<(String, String, String)> {
    env_entry(signals, prefixes, suffixes, |value| {
        let usable = !known.is_placeholder(value) && !known.in_memory(value);
        usable && (!extension || known.has_file_extension(value))
    })
}

/// The store's client on the file an env template variable names, `(name, value, template)`.
fn file_client(shell: &Shell, (key, file, template): (String, String, String), run_dir: Option<&str>) -> Option<Field> {
    let file = file.trim_start_matches("./").to_string();
    let file = match run_dir.filter(|_| !file.starts_with(['/', '~'])) {
        Some(dir) => crate::fs::join(dir, &file),
        None => file,
    };
    let connection = Connection {
        file: Some(file),
        ..Connection::default()
    };
    let evidence = Evidence::new(&template, format!("{key} names the database file"));
    Some(Field::found(connection.client(shell)?, vec![evidence]))
}

/// The first env template variable named a prefix then a suffix (`DB_` `HOST`), in that order,
/// with a value `accept` takes: (name, value, file). Then the same under the app's own prefix
/// (`FATHOM_DATABASE_NAME`): the app reads it for its database as another reads `DATABASE_NAME`.
fn env_entry(
    signals: &RepoSignals,
    prefixes: &[&str],
    suffixes: &[&str],
    accept: impl Fn(&str) -> bool,
) -> Option<(String, String, String)> {
    let spelled = |app: &str| {
        prefixes.iter().find_map(|p| {
            suffixes.iter().find_map(|s| {
                let key = format!("{app}{p}{s}");
                let (_, value, file) = signals.env.iter().find(|(k, v, _)| *k == key && !v.is_empty())?;
                accept(value).then(|| (key, value.clone(), file.clone()))
            })
        })
    };
    spelled("").or_else(|| spelled(signals.app_env_prefix.as_deref()?))
}

/// A client from split connection variables of an env template (`DB_HOST`, `DB_USER`,
/// `DB_DATABASE`), as Laravel, AdonisJS and TypeORM templates write them.
fn split_env_client(registry: &Registry, known: &Known, primary: &Detector, signals: &RepoSignals) -> Option<Field> {
    let shell = primary.shell.as_ref()?;
    // The generic prefixes, then the stores' own (higher priority first), then the data tools'.
    let mut stores: Vec<&Detector> = registry.of_kind(Kind::Database).collect();
    stores.sort_by_key(|d| std::cmp::Reverse(d.priority));
    let own = stores.into_iter().chain(registry.of_kind(Kind::Data));
    let prefixes: Vec<&str> = GENERIC_ENV_PREFIXES
        .into_iter()
        .chain(own.flat_map(|d| d.env_prefixes.iter().map(String::as_str)))
        .collect();
    let pick = |suffixes: &[&str]| env_entry(signals, &prefixes, suffixes, |value| !value.starts_with('$'));
    // A value left for the developer (`DB_DATABASE=null`, `your-db`) names nothing: the host
    // and database must be spelled out; a user left open is each developer's own.
    let host = pick(&["HOST"]).filter(|(_, v, _)| !known.is_placeholder(v))?;
    let user = pick(&["USER", "USERNAME"])?;
    let name = pick(&["DATABASE", "NAME", "DB"]).filter(|(_, v, _)| !known.is_placeholder(v))?;
    let user_left_open = known.is_placeholder(&user.1);
    let connection = Connection {
        host: Some(host.1),
        user: (!user_left_open).then_some(user.1.clone()),
        name: Some(name.1),
        port: pick(&["PORT"]).map(|(_, port, _)| port),
        user_left_open,
        ..Connection::default()
    };
    let text = connection.client(shell)?;
    let evidence = vec![Evidence::new(
        &name.2,
        format!("{}, {} and {} name the connection", host.0, user.0, name.0),
    )];
    Some(Field::found(text, evidence))
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_of_an_embedded_store_names_that_store() {
        let registry = Registry::builtin().unwrap();
        let at = |locations: &[&str]| AppDatabase {
            file: "config.yml".into(),
            locations: locations.iter().map(|l| l.to_string()).collect(),
            ..AppDatabase::default()
        };
        let store = |locations: &[&str]| {
            let found = at(locations);
            file_store(&registry, &found).map(|(d, file)| (d.id.clone(), file.to_string()))
        };
        assert_eq!(store(&["opengist.db"]), Some(("sqlite".into(), "opengist.db".into())));
        assert_eq!(
            store(&["shop", "data/App.SQLITE3"]),
            Some(("sqlite".into(), "data/App.SQLITE3".into()))
        );
        // A URL is read as a URL; a server database's name is no file.
        assert_eq!(store(&["postgres://db/app.db"]), None);
        assert_eq!(store(&["shop"]), None);
    }

    #[test]
    fn an_apps_settings_prefix_is_its_name_in_capitals() {
        assert_eq!(app_env_prefix("fathom"), "FATHOM_");
        assert_eq!(app_env_prefix("my-app.v2"), "MY_APP_V2_");
    }

    #[test]
    fn a_program_is_known_by_the_last_part_of_its_name() {
        assert_eq!(short_name("github.com/drakkan/sftpgo/v2"), Some("sftpgo"));
        assert_eq!(short_name("example.com/mailer"), Some("mailer"));
        assert_eq!(short_name("@acme/api"), Some("api"));
        assert_eq!(short_name("shop"), Some("shop"));
        assert_eq!(short_name("v2"), None, "a major version alone names nothing");
        assert_eq!(short_name("my app"), None);
        assert_eq!(short_name(".hidden"), None);
    }

    #[test]
    fn config_urls_spelled_out_give_a_client() {
        let registry = Registry::builtin().unwrap();
        let vars = BTreeMap::new();
        let client = |primary: &str, url: &str| {
            let urls = vec![(url.to_string(), Evidence::new("app.conf", "config URL"))];
            let detector = registry.get(primary).unwrap();
            config_client(
                &registry,
                &Known::of(&registry),
                &vars,
                &Selected::default(),
                detector,
                detector.shell.as_ref().unwrap(),
                &urls,
            )
            .and_then(|f| f.value)
        };
        assert_eq!(
            client("postgresql", "jdbc:postgresql://localhost:5432/orders").as_deref(),
            Some("psql \"postgresql://localhost:5432/orders\"")
        );
        assert_eq!(
            client("postgresql", "postgresql+asyncpg://app:secret@localhost/inv").as_deref(),
            Some("psql \"postgresql://app@localhost/inv\"")
        );
        assert_eq!(client("postgresql", "postgresql://${DB_HOST}/app"), None);
        assert_eq!(client("postgresql", "mysql://localhost/app"), None);
        assert_eq!(
            client("mysql", "mysql://app:secret@localhost/shop").as_deref(),
            Some("mysql -h localhost -u app -p shop")
        );
        assert_eq!(
            client(
                "sqlserver",
                "Server=localhost,1433;Database=Meetings;User Id=sa;Password=x"
            )
            .as_deref(),
            Some("sqlcmd -S localhost,1433 -U sa -d Meetings")
        );
    }

    #[test]
    fn database_names_urls_and_engines_map_to_detectors() {
        let registry = Registry::builtin().unwrap();
        let id = |v: &str| database_for(&registry, v).map(|d| d.id.clone());
        assert_eq!(id("postgresql+asyncpg://u:p@h/db").as_deref(), Some("postgresql"));
        assert_eq!(id("mysql+pymysql://u@h/db").as_deref(), Some("mysql"));
        assert_eq!(id("django.db.backends.sqlite3").as_deref(), Some("sqlite"));
        assert_eq!(id("pg").as_deref(), Some("postgresql"));
        assert_eq!(id("mongodb+srv://cluster/db").as_deref(), Some("mongodb"));
        assert_eq!(id("jdbc:mariadb://h/db").as_deref(), Some("mariadb"));
        // A driver that wraps another to log its queries names the one it wraps.
        assert_eq!(
            id("jdbc:p6spy:mysql://localhost:3306/eladmin").as_deref(),
            Some("mysql")
        );
        assert_eq!(id("jdbc:log4jdbc:postgresql://h/db").as_deref(), Some("postgresql"));
        // R2DBC's URLs, through its pool too, and H2's file URL under it.
        assert_eq!(
            id("r2dbc:postgresql://localhost:5432/blog").as_deref(),
            Some("postgresql")
        );
        assert_eq!(id("r2dbc:pool:mysql://localhost:3306/halo").as_deref(), Some("mysql"));
        assert_eq!(
            id("r2dbc:h2:file:///~/halo/db/halo-next?MODE=MySQL").as_deref(),
            Some("h2")
        );
        assert_eq!(
            id("clickhouse://default@localhost:8123/analytics").as_deref(),
            Some("clickhouse")
        );
        // Alembic's placeholder URL names no database.
        assert_eq!(id("driver://user:pass@localhost/dbname"), None);
        assert_eq!(id("prisma-client-js"), None);
    }

    #[test]
    fn the_selected_settings_speak_above_shared_defaults_and_a_test_profile_below() {
        let registry = Registry::builtin().unwrap();
        let selected_in = |files: &[(&str, &str)]| {
            let (_dir, index) = crate::repo::index::test_index(files);
            let project = crate::ecosystems::collect(&index).remove(0);
            let backend = crate::detect::analysis::analyse(&registry, &index, project.into());
            Selected::of(&index, &backend)
        };
        // A module is found from the project `manage.py` is in; a package too.
        let django = selected_in(&[
            ("src/requirements.txt", "Django==5.1\n"),
            (
                "src/manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
            ),
        ]);
        assert!(django.holds("src/shop/settings/__init__.py") && django.holds("src/shop/settings.py"));
        assert!(!django.holds("tests/shop/settings.py") && !django.holds("shop/settings.py"));
        let pom = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/jvm-spring-datasource-postgres/pom.xml"),
        )
        .unwrap();
        let spring = selected_in(&[
            ("pom.xml", &pom),
            (
                "src/main/resources/application.yml",
                "spring:\n  profiles:\n    active: ${SPRING_PROFILES_ACTIVE:local}\n",
            ),
        ]);
        assert!(spring.holds("src/main/resources/application-local.yml"));
        assert!(spring.holds("src/main/resources/config/application-local.properties"));
        assert!(!spring.holds("src/main/resources/application-prod.yml"));
        let selected = Selected::of_globs(&[
            "tcms/settings/devel{.py,/__init__.py}".to_string(),
            "src/main/resources/**/application-dev.{properties,yml,yaml}".to_string(),
        ]);
        let score = |file: &str| config_score(&registry, file, &selected);
        assert_eq!(score("tcms/settings/devel.py"), SETTINGS_SCORE);
        assert_eq!(score("src/main/resources/application-dev.yml"), SETTINGS_SCORE);
        assert_eq!(score("tcms/settings/common.py"), CONFIG_SCORE);
        // Named for development, but not what a plain run selects.
        assert_eq!(score("tcms/settings/local.py"), CONFIG_SCORE);
        assert_eq!(score("app/settings/test.py"), OTHER_RUN_SCORE);
        assert_eq!(score("app/test_settings.py"), OTHER_RUN_SCORE);
        assert_eq!(score("src/main/resources/application-prod.yml"), OTHER_RUN_SCORE);
        // A profile named for a store is the alternative that switches to it.
        assert_eq!(
            score("src/main/resources/application-mysql.properties"),
            OTHER_RUN_SCORE
        );
        assert_eq!(score("appsettings.Postgres.json"), OTHER_RUN_SCORE);
        assert_eq!(score("internal/store/store_sqlite.go"), CONFIG_SCORE);
        assert_eq!(score("go-mysql-server.json"), CONFIG_SCORE);
        assert_eq!(score("src/main/resources/application-local-postgres.yml"), CONFIG_SCORE);
        // A word inside another is not it: `contest`, `latest`.
        assert_eq!(score("config/contest.py"), CONFIG_SCORE);
        let none = Selected::default();
        assert_eq!(
            config_score(&registry, "src/main/resources/application-dev.yml", &none),
            CONFIG_SCORE
        );
    }

    /// A compose service `db` of `compose.yaml` running `image`.
    fn service(image: &str, tag: Option<&str>, env: &[(&str, &str)]) -> Service {
        Service {
            name: "db".into(),
            image: image.into(),
            tag: tag.map(str::to_string),
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            more_env: false,
            reads_dotenv: false,
            optional: false,
            host_mounts: Vec::new(),
            publishes_ports: true,
            host_ports: vec!["5432".into()],
            deployed_app: false,
            depends_on: Vec::new(),
            file: "compose.yaml".into(),
            aliases: Vec::new(),
            evidence: Evidence::new("compose.yaml", "service db"),
        }
    }

    #[test]
    fn compose_shells_name_the_user_or_read_it_in_the_container() {
        let signals = RepoSignals::default();
        let registry = Registry::builtin().unwrap();
        let compose = |id: &str| {
            registry
                .get(id)
                .unwrap()
                .shell
                .as_ref()
                .unwrap()
                .compose
                .clone()
                .unwrap()
        };
        let compose_shell =
            |id: &str, service: &Service, signals: &RepoSignals| compose_shell(&compose(id), service, signals, None);
        let pg = service(
            "postgres",
            Some("16"),
            &[("POSTGRES_USER", "app"), ("POSTGRES_DB", "shop")],
        );
        assert_eq!(
            compose_shell("postgresql", &pg, &signals).unwrap(),
            "psql -U app -d shop"
        );
        let from_env = service("postgres", None, &[("POSTGRES_USER", "${DB_USER}")]);
        assert_eq!(
            compose_shell("postgresql", &from_env, &signals).unwrap(),
            "sh -c 'psql -U \"$POSTGRES_USER\" -d \"${POSTGRES_DB:-$POSTGRES_USER}\"'"
        );
        // The service names no database: the app's URL that reaches it by name does.
        let bare = service("postgres", Some("16"), &[("POSTGRES_PASSWORD", "postgres")]);
        let mut app_env = RepoSignals::default();
        app_env.env.push((
            "DATABASE_URL".into(),
            "ecto://postgres:postgres@db/shop_dev".into(),
            ".env.example".into(),
        ));
        let reached = reached_by_url(&registry, &Known::of(&registry), &bare, &app_env).map(|(c, _)| c);
        assert_eq!(
            super::compose_shell(&compose("postgresql"), &bare, &app_env, reached.as_ref()).unwrap(),
            "psql -U postgres -d shop_dev"
        );
        // The URL's user may not exist in the container: the image's own logs in.
        app_env.env[0].1 = "postgres://app@db/shop_dev".into();
        let reached = reached_by_url(&registry, &Known::of(&registry), &bare, &app_env).map(|(c, _)| c);
        assert_eq!(
            super::compose_shell(&compose("postgresql"), &bare, &app_env, reached.as_ref()).unwrap(),
            "psql -U postgres -d shop_dev"
        );
        // A URL of another host, of another store on that host, or of a test run says nothing
        // of this service's database.
        for (key, url) in [
            ("DATABASE_URL", "postgres://app@elsewhere/shop"),
            ("CACHE_URL", "redis://cache@db:6379/2"),
            ("DATABASE_TEST_URL", "postgres://app@db/shop_test"),
            ("PGWEB_URL", "http://admin@db:8081/ui"),
        ] {
            app_env.env[0] = (key.into(), url.into(), ".env.example".into());
            assert!(
                reached_by_url(&registry, &Known::of(&registry), &bare, &app_env).is_none(),
                "{key}"
            );
        }
        // The published image of the app that waits for the database names it in its own
        // environment; a service that does not wait for it says nothing of it.
        let mut app = service(
            "acme/shop",
            Some("1.0"),
            &[("DB_URL", "jdbc:postgresql://db:5432/shop")],
        );
        app.name = "shop".into();
        let mut stack = RepoSignals::default();
        stack.services.push(app.clone());
        let mut deployed = bare.clone();
        deployed.deployed_app = true;
        let reached =
            |db: &Service, stack: &RepoSignals| reached_by_deployed_app(&registry, &Known::of(&registry), db, stack);
        assert!(reached(&deployed, &stack).is_none(), "shop does not wait for db");
        stack.services[0].depends_on = vec!["db".into()];
        assert!(
            reached(&bare, &stack).is_none(),
            "a stack that builds the app names its database in its own settings"
        );
        let (connection, evidence) = reached(&deployed, &stack).unwrap();
        assert_eq!(connection.name.as_deref(), Some("shop"));
        assert_eq!(evidence.reason, "DB_URL names the database shop on db");
        let old_mongo = service("mongo", Some("4.2.1-bionic"), &[]);
        assert_eq!(compose_shell("mongodb", &old_mongo, &signals).unwrap(), "mongo");
        let mongo = service("mongo", Some("7"), &[]);
        assert_eq!(compose_shell("mongodb", &mongo, &signals).unwrap(), "mongosh");
        // MariaDB's own client came with 10.4.6: older images answer to `mysql` only.
        let env = [("MYSQL_USER", "app"), ("MYSQL_DATABASE", "shop")];
        for (tag, client) in [
            ("10.2", "mysql"),
            ("10.4.5", "mysql"),
            ("10.4", "mariadb"),
            ("11", "mariadb"),
        ] {
            assert_eq!(
                compose_shell("mariadb", &service("mariadb", Some(tag), &env), &signals).unwrap(),
                format!("{client} -u app -p shop"),
                "{tag}"
            );
        }
    }

    #[test]
    fn image_names_map_to_detectors() {
        let registry = Registry::builtin().unwrap();
        assert_eq!(
            database_of_image(&registry, "postgis/postgis").map(|d| d.id.as_str()),
            Some("postgresql")
        );
        assert!(database_of_image(&registry, "oliver006/redis_exporter").is_none());
        assert_eq!(
            database_of_image(&registry, "immich-app/postgres").map(|d| d.id.as_str()),
            Some("postgresql")
        );
        // A project's own build of a database names it last, and sets the image's variables; a
        // tool for one names it first, or sets none of them.
        let service = |image: &str, env: &[(&str, &str)]| service(image, Some("16.2"), env);
        let own = service("ehrbase/ehrbase-v2-postgres", &[("POSTGRES_USER", "postgres")]);
        assert_eq!(
            database_of_service(&registry, &own).map(|d| d.id.as_str()),
            Some("postgresql")
        );
        assert!(database_of_image(&registry, "ehrbase/ehrbase-v2-postgres").is_none());
        for tool in [
            "prometheuscommunity/postgres-exporter",
            "mongo-express",
            "airbyte/source-postgres",
        ] {
            let tool = service(tool, &[("DATABASE_HOST", "db")]);
            assert!(database_of_service(&registry, &tool).is_none(), "{}", tool.image);
        }
    }
}
