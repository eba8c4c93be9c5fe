//! Repository-level files that name databases without being manifests: docker compose service
//! images and `.env` templates (`DATABASE_URL=postgres://…`, `DB_CONNECTION=pgsql`). Read at the
//! repository root and in the backend project's directory.

use super::compose_spec::{ComposeDoc, Services, beneath, environment};
use crate::repo::index::{self, RepoIndex};
use crate::report::Evidence;
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// Normalised image name (`docker.io/library/postgres:16` → `postgres`).
    pub image: String,
    /// The image tag (`16-alpine`), when the image names one.
    pub tag: Option<String>,
    /// `environment` entries, then what its `env_file`s in the repository set for other keys
    /// (`POSTGRES_USER` in `docker.env`), then, for a service built from a Dockerfile, what its
    /// last stage's `ENV` sets: the user and database names a shell needs.
    pub env: Vec<(String, String)>,
    /// Whether more of its environment comes from elsewhere (`env_file`, or an `extends` the
    /// repository does not hold).
    pub more_env: bool,
    /// Whether its `env_file` is the developer's `.env`, whose template the repository keeps.
    pub reads_dotenv: bool,
    /// Where folders of the host are mounted in the container (`./data:/var/lib/mysql`).
    pub host_mounts: Vec<String>,
    /// Whether it publishes a port to the host (`ports:`), so an app run there reaches it.
    pub publishes_ports: bool,
    /// The host ports it publishes to, where `ports:` names them (`"5433:5432"` → 5433; a
    /// container port alone is published at a port Docker picks).
    pub host_ports: Vec<String>,
    /// Whether its stack deploys an app beside it: a service of a published image depends on it
    /// and nothing is built from source (`docmost: image: docmost/docmost`, `depends_on: [db]`).
    pub deployed_app: bool,
    /// The services it waits for or links to (`depends_on`, `links`).
    pub depends_on: Vec<String>,
    /// The compose file, repo-relative.
    pub file: String,
    /// Another name it answers to on the stack's network (`container_name`).
    pub aliases: Vec<String>,
    /// Whether it runs only when a profile is asked for (`profiles: [postgres]`), not in a plain
    /// `docker compose up`.
    pub optional: bool,
    pub evidence: Evidence,
}

/// A compose service built from the repository's source (`build: .`): where an app runs when
/// it is developed in containers.
#[derive(Debug, Clone)]
pub struct Built {
    pub name: String,
    /// The build context, repo-relative (`.` for the root).
    pub context: String,
    /// The Dockerfile it builds, repo-relative.
    pub dockerfile: String,
    /// The services it starts after (`depends_on`, `links`).
    pub depends_on: Vec<String>,
    /// `environment` entries, as written.
    pub env: Vec<(String, String)>,
    /// What its `env_file`s in the repository set (`.env.docker.dev`): key, value, and the file.
    pub file_env: Vec<(String, String, String)>,
    /// Its place among the file's services.
    pub position: usize,
    /// Whether it runs only when a profile is asked for.
    pub optional: bool,
    /// Whether it is a job other services wait to finish (`condition:
    /// service_completed_successfully`: a migrations or setup step), not a running app.
    pub one_shot: bool,
    /// Whether its build context is also mounted into it (`.:/app`), so the code a developer
    /// edits runs there: a development setup, not a deployment.
    pub mounts_source: bool,
    /// The compose file, repo-relative.
    pub file: String,
    pub evidence: Evidence,
}

impl Built {
    /// Its `environment` as the container gets it when the developer sets nothing
    /// ([`resolved`]).
    /// With each value, the file that sets it: the compose file, or an `env_file` for a key
    /// `environment` does not set (which wins, as compose has it).
    pub fn started_env(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        let written = self
            .env
            .iter()
            .map(|(key, value)| (key.as_str(), resolved(value), self.file.as_str()));
        let from_files = self
            .file_env
            .iter()
            .filter(|(key, _, _)| !self.env.iter().any(|(k, _)| k == key))
            .map(|(key, value, file)| (key.as_str(), value.as_str(), file.as_str()));
        written.chain(from_files)
    }
}

/// A compose value as the container gets it when the developer sets nothing: a reference's
/// default (`${VAR:-db}`), or nothing (`${VAR}`); a value written out as it is.
pub fn resolved(value: &str) -> &str {
    match reference(value) {
        Some((_, default)) => default.unwrap_or(""),
        None => value,
    }
}

/// A compose value that refers to a variable (`${VAR}`, `$VAR`, `${VAR:-default}`,
/// `${VAR-default}`): the variable and the default used when it is not set. `None` for a value
/// written out. Other forms (`${VAR:?error}`, `${VAR:+other}`) have no default.
pub fn reference(value: &str) -> Option<(&str, Option<&str>)> {
    let inner = value
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| value.strip_prefix('$'))?;
    let name_end = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(inner.len());
    let (var, operator) = inner.split_at(name_end);
    Some((var, operator.strip_prefix(":-").or_else(|| operator.strip_prefix('-'))))
}

/// Whether `docker compose` run at the repository root reads this compose file without `-f`:
/// a main file, or the override it merges into it (`docker-compose.override.yml`).
pub fn read_by_default(file: &str) -> bool {
    let name = crate::fs::file_name(file);
    let overrides = COMPOSE_NAMES.iter().any(|main| {
        let (stem, ext) = main.rsplit_once('.').unwrap_or((main, ""));
        name == format!("{stem}.override.{ext}")
    });
    (COMPOSE_NAMES.contains(&name) || overrides) && crate::fs::parent(file) == "."
}

/// A compose environment value as the container sees it.
#[derive(Debug, PartialEq)]
pub enum EnvValue<'a> {
    /// Written in the compose file, or a default (`${VAR:-app}`), or the value an env template
    /// gives the variable.
    Known(&'a str),
    /// Taken from the developer's environment (`${DB_USER}`), so not in the repository.
    Unresolved,
    /// Not set.
    Unset,
}

impl Service {
    /// An environment value, with `${VAR:-default}` resolved to its default and a bare `${VAR}`
    /// to the value an env template of the repository gives `VAR`.
    pub fn env<'a>(&'a self, key: &str, signals: &'a RepoSignals) -> EnvValue<'a> {
        let Some(value) = self.env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()) else {
            // `env_file: .env` sets what the `.env.example` the developer copies sets.
            return match signals.env_value(key).filter(|_| self.reads_dotenv) {
                Some(value) => EnvValue::Known(value),
                None => EnvValue::Unset,
            };
        };
        let Some((var, default)) = reference(value) else {
            return EnvValue::Known(value);
        };
        match (signals.env_value(var), default) {
            (Some(v), _) => EnvValue::Known(v),
            (None, Some(d)) if !d.is_empty() => EnvValue::Known(d),
            _ => EnvValue::Unresolved,
        }
    }

    /// Whether a container that refuses to initialise its data unless one of `required` is set
    /// (PostgreSQL's image without `POSTGRES_PASSWORD`) can start: one is set here, or may be set
    /// elsewhere, or its data folder (`data_dir`) is a host folder that may hold data already.
    pub fn can_start(&self, required: &[String], data_dir: &str) -> bool {
        required.is_empty()
            || self.more_env
            || self.host_mounts.iter().any(|m| {
                let m = m.trim_end_matches('/');
                crate::fs::is_within(data_dir, m) || crate::fs::is_within(m, data_dir)
            })
            || required.iter().any(|key| self.env.iter().any(|(k, _)| k == key))
    }

    /// Whether the service comes from the project's main compose file (`compose.yaml`,
    /// `docker-compose.yml`) rather than a variant (`docker-compose.dev.yml`).
    pub fn in_main_file(&self) -> bool {
        COMPOSE_NAMES.contains(&crate::fs::file_name(&self.file))
    }
}

#[derive(Debug, Default)]
pub struct RepoSignals {
    /// Compose services that run an image, and the database services among `built_images`
    /// (moved here by the resolver).
    pub services: Vec<Service>,
    /// Compose services built from the repository's source.
    pub built: Vec<Built>,
    /// Each of them as the image its Dockerfile's last stage starts from (`build: ./db` with
    /// `FROM postgres:16`, also beside an `image:` that tags the build), its `ENV` under the
    /// service's environment: a database among them runs as that image does (the resolver moves
    /// it to `services`).
    pub built_images: Vec<Service>,
    /// Database names or URLs, and whether they are example URLs of an env template (weaker than
    /// a config or a driver-selecting key).
    pub database_hints: Vec<(String, Evidence, bool)>,
    /// Env variables holding a database URL: (name, scheme, evidence). The scheme is empty for a
    /// template that declares `DATABASE_URL=` and leaves the value to the developer.
    pub url_vars: Vec<(String, String, Evidence)>,
    /// Every `KEY=value` of the env templates, first template first: (key, value, file).
    pub env: Vec<(String, String, String)>,
    /// The app's own prefix to its settings' names, from its name (`FATHOM_` of `fathom`, whose
    /// template says `FATHOM_DATABASE_NAME`; set by the resolver, which knows the project).
    pub app_env_prefix: Option<String>,
    /// Connections an app's own settings spell out (`sqlite:wakapi_db.db`, a URL built from a
    /// host, user and database name): where the database the app uses by default is.
    pub connections: Vec<(String, Evidence)>,
    /// Databases an app's own settings name as the one it uses (`dialect: sqlite3`): stronger
    /// than a driver it imports among others.
    pub app_databases: Vec<(String, Evidence)>,
    /// The DDEV project the app is developed in (set by the resolver, which knows DDEV's file).
    pub ddev: Option<super::ddev::DdevProject>,
}

impl RepoSignals {
    /// The value the env templates give `key`, if any gives a non-empty one.
    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .find(|(k, v, _)| k == key && !v.is_empty())
            .map(|(_, v, _)| v.as_str())
    }
}

const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
/// Env keys whose value is a database name rather than a URL, also after the app's own prefix
/// (`SPOOLMAN_DB_TYPE`), not another program's (Metabase's `MB_DB_TYPE` for a sidecar).
const DB_NAME_KEYS: &[&str] = &[
    "DB_CONNECTION",
    "DB_DIALECT",
    "DB_TYPE",
    "DB_DRIVER",
    "DB_ENGINE",
    "DB_MODE",
    "DATABASE_TYPE",
    "DATABASE_ENGINE",
    "DATABASE_DIALECT",
    "DATABASE_MODE",
    "TYPEORM_CONNECTION",
    "DB_CLIENT",
];

/// Whether `key` picks the app's database by name ([`DB_NAME_KEYS`]), bare or after the app's
/// own `prefix`.
fn selects_database(key: &str, prefix: Option<&str>) -> bool {
    let own = prefix.map_or(key, |p| key.strip_prefix(p).unwrap_or(key));
    DB_NAME_KEYS.contains(&key) || DB_NAME_KEYS.contains(&own)
}

/// The `KEY=value` of a commented-out line that picks the database, right below a comment that
/// calls it the default (`# Default if not set: sqlite` over `#SPOOLMAN_DB_TYPE=sqlite`): what
/// the app takes when the template's reader sets nothing. A commented-out line without one is
/// as likely the alternative to switch to (`# For a quick try: DB_ENGINE=sqlite`).
fn commented_default<'t>(text: &'t str, prefix: Option<&str>) -> Option<(&'t str, &'t str)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines.iter().enumerate().find_map(|(i, line)| {
        let (key, value) = line.strip_prefix('#')?.trim().split_once('=')?;
        let value = value.trim().trim_matches(['"', '\'']);
        let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        // The comment names this value as the default (`Default if not set: sqlite`), not only
        // the word (`SQLite is used by default; uncomment to use PostgreSQL instead`).
        let said_default = lines[i.saturating_sub(2)..i].iter().any(|above| {
            let above = above.to_ascii_lowercase();
            let after = above.strip_prefix('#').and_then(|c| Some(c.split_once("default")?.1));
            after.is_some_and(|after| {
                let clause = after.split([';', '.', ',']).next().unwrap_or(after);
                clause.contains(&value.to_ascii_lowercase())
            })
        });
        (plain(key) && plain(value) && selects_database(key, prefix) && said_default).then_some((key, value))
    })
}

/// `compose_dirs`: the folders beside the root and the backend that keep container setups
/// (`docker`, `deploy/docker-compose`, `src/main/docker`: `[dirs] compose` of conventions.toml).
/// `development`: words of an env template's name that make it the development run's
/// (`development_configs` of conventions.toml).
/// `app_prefix`: the app's own prefix to its settings' names (`SPOOLMAN_`), under which an env
/// template's database selector is the app's too.
pub fn read(
    index: &RepoIndex,
    backend_dir: &str,
    compose_dirs: &[String],
    development: &[String],
    app_prefix: Option<String>,
) -> RepoSignals {
    let mut signals = RepoSignals {
        app_env_prefix: app_prefix,
        ..RepoSignals::default()
    };
    let mut dirs = vec![".".to_string()];
    if backend_dir != "." {
        dirs.push(backend_dir.to_string());
    }
    let bases = dirs.len();
    for base in dirs.clone() {
        for sub in compose_dirs {
            dirs.push(crate::fs::join(&base, sub));
        }
    }
    for (i, dir) in dirs.iter().enumerate() {
        for file in index.files_in(dir) {
            let name = crate::fs::file_name(file);
            if is_compose(name) {
                read_compose(index, file, &mut signals, true);
            } else if i >= bases && is_other_compose_candidate(name) {
                // In a folder kept for containers, any YAML with `services:` is a compose file
                // (`src/main/docker/postgresql.yml`); other YAML there is not an error.
                read_compose(index, file, &mut signals, false);
            } else if is_env_template(name, development, || index.tracks(file)) && i < bases {
                read_env(index, file, &mut signals);
            }
        }
    }
    // The main compose file's services speak first; variants (`.dev`, `.prod`) after them.
    signals.services.sort_by_key(|s| !s.in_main_file());
    // The development template's values speak first.
    signals
        .env
        .sort_by_key(|(_, _, file)| !development_template(crate::fs::file_name(file), development));
    signals
}

/// An env template the development run reads: any but one written for another run
/// (`.env.production.example`); `.env.dev.example` is the development run's own. So are the
/// env files a repository commits for it, `.env` and `.env.development`, when git tracks them
/// (`tracked`): a developer's own, which only their global ignore file may leave out, is never
/// read, nor one outside a git repository.
fn is_env_template(name: &str, development: &[String], tracked: impl FnOnce() -> bool) -> bool {
    match index::env_template_run(name) {
        Some(_) => development_template(name, development),
        None if index::is_env_template(name) => true,
        None => (name == ".env" || development_template(name, development)) && tracked(),
    }
}

/// A template or committed env file for the development run (`.env.dev.example`,
/// `.env.development.sample`, `.env.development`): read before the others, which may be written
/// for a deployment.
fn development_template(name: &str, development: &[String]) -> bool {
    let run = index::env_template_run(name).or_else(|| name.strip_prefix(".env.").filter(|run| !run.contains('.')));
    run.is_some_and(|run| development.iter().any(|word| word == run))
}

/// Whether a compose file is named for development (`docker-compose.dev.yml`,
/// `docker-compose-local.yml`, `compose.development.yaml`, `dev.docker-compose.yml`): a part of
/// its name besides `docker` and `compose` is one of `development` (`[files]
/// development_configs`).
pub fn named_for_development(file: &str, development: &[String]) -> bool {
    yaml_stem(crate::fs::file_name(file)).is_some_and(|stem| {
        stem.split(['.', '-', '_'])
            .filter(|part| !matches!(*part, "docker" | "compose"))
            .any(|part| development.iter().any(|w| w == part))
    })
}

/// `compose.yaml`, `docker-compose.dev.yml`, … but not test-only variants.
fn is_compose(name: &str) -> bool {
    if COMPOSE_NAMES.contains(&name) {
        return true;
    }
    // The variant's word may also come first (`dev.docker-compose.yml`).
    let named = ["docker-compose.", "compose.", "docker-compose-", "compose-"];
    let named_last = [".docker-compose", "-docker-compose", ".compose", "-compose"];
    yaml_stem(name).is_some_and(|s| {
        (named.iter().any(|n| s.starts_with(n)) || named_last.iter().any(|n| s.ends_with(n))) && !throwaway(s)
    })
}

/// A YAML file whose name does not say compose but might be one, unless it is named for tests.
fn is_other_compose_candidate(name: &str) -> bool {
    yaml_stem(name).is_some_and(|s| !throwaway(s))
}

fn yaml_stem(name: &str) -> Option<&str> {
    name.strip_suffix(".yml").or_else(|| name.strip_suffix(".yaml"))
}

/// Test, CI and integration variants run throwaway databases.
fn throwaway(stem: &str) -> bool {
    stem.contains("test") || stem.contains("integration") || stem.split(['.', '-']).any(|p| p == "ci" || p == "e2e")
}

/// Reads a compose file's services; `named_compose` files that do not parse are warned about.
fn read_compose(index: &RepoIndex, file: &str, signals: &mut RepoSignals, named_compose: bool) {
    let Some(text) = index.read(file) else { return };
    if !named_compose && !text.contains("services:") {
        return;
    }
    let doc: ComposeDoc = match serde_saphyr::from_str(&text) {
        Ok(doc) => doc,
        Err(_) if !named_compose => return,
        Err(err) => {
            let message = err.to_string();
            index.unreadable(file, format!("invalid YAML: {}", message.lines().next().unwrap_or("")));
            return;
        }
    };
    let ComposeDoc::Map {
        services: Some(Services::Map(mut services)),
    } = doc
    else {
        return;
    };
    // Each service as Compose runs it, with what it `extends` merged in: what is built, who
    // depends on whom and every reading below see the merged service.
    let merged: Vec<(usize, Value)> = services
        .values()
        .enumerate()
        .filter_map(|(at, spec)| Some((at, super::extends::extended(index, file, &services, spec)?)))
        .collect();
    for (at, spec) in merged {
        services[at] = spec;
    }
    let builds = services.values().any(|spec| spec.get("build").is_some());
    let deployed_app = |name: &str| {
        !builds
            && services.iter().any(|(other, spec)| {
                other != name && spec.get("image").is_some() && depends_on(spec).any(|d| d == name)
            })
    };
    // Services others wait for to complete: jobs that run and exit.
    let awaited: Vec<&str> = services
        .values()
        .filter_map(|spec| spec.get("depends_on")?.as_object())
        .flat_map(|map| map.iter())
        .filter(|(_, how)| how.get("condition").and_then(Value::as_str) == Some("service_completed_successfully"))
        .map(|(name, _)| name.as_str())
        .collect();
    for (position, (service, spec)) in services.iter().enumerate() {
        let mut base = None;
        // Read once: a service built from the source may also be a database's.
        let file_env = env_file_entries(index, file, spec);
        if let Some(mut built) = built(service, spec, file, position) {
            built.one_shot = awaited.contains(&service.as_str());
            built.file_env = file_env.clone();
            base = built_from(index, &built);
            signals.built.push(built);
        }
        // The image it names, and the one its Dockerfile starts from: an image named beside a
        // build (`image: acme/app_db`, `build: ./db`) is the tag the build gets, and runs as
        // that Dockerfile's (the resolver keeps the latter only where it is a database's).
        let named = spec.get("image").and_then(Value::as_str).map(|image| {
            (
                image,
                Vec::new(),
                format!("service {service} runs image {image}"),
                false,
            )
        });
        let from_base = base.as_ref().map(|base| {
            let why = format!(
                "service {service} is built from {}, which starts FROM {}",
                base.dockerfile, base.image
            );
            (base.image.as_str(), base.env.clone(), why, true)
        });
        for (image, image_env, evidence, built_image) in named.into_iter().chain(from_base) {
            let name = image_name(image);
            if name.is_empty() {
                continue;
            }
            let aliases = spec
                .get("container_name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .into_iter()
                .collect();
            let from_files = file_env.iter().map(|(k, v, _)| (k.clone(), v.clone()));
            let env = beneath(beneath(environment(spec), from_files), image_env);
            let from_image = Service {
                name: service.clone(),
                image: name,
                tag: image_tag(image),
                env,
                more_env: spec.get("env_file").is_some() || spec.get("extends").is_some(),
                reads_dotenv: env_files(spec).any(|f| crate::fs::file_name(f) == ".env"),
                host_mounts: host_mounts(spec),
                publishes_ports: spec
                    .get("ports")
                    .is_some_and(|p| p.as_array().is_none_or(|a| !a.is_empty())),
                host_ports: host_ports(spec),
                deployed_app: deployed_app(service),
                depends_on: depends_on(spec).map(str::to_string).collect(),
                file: file.to_string(),
                aliases,
                optional: optional(spec),
                evidence: Evidence::new(file, evidence),
            };
            if built_image {
                signals.built_images.push(from_image);
            } else {
                signals.services.push(from_image);
            }
        }
    }
}

/// The image a built service's Dockerfile starts its last stage from.
struct BaseImage {
    dockerfile: String,
    image: String,
    /// What that stage's `ENV` lines set.
    env: Vec<(String, String)>,
}

/// The Dockerfile a service is built from, the image its last stage starts from and the
/// environment that stage sets ([`super::dockerfile::final_base`]).
fn built_from(index: &RepoIndex, built: &Built) -> Option<BaseImage> {
    let text = index.read(&built.dockerfile)?;
    Some(BaseImage {
        dockerfile: built.dockerfile.clone(),
        image: super::dockerfile::final_base(&text)?.to_string(),
        env: super::dockerfile::final_env(&text),
    })
}

/// Whether a service runs only under a profile (`profiles: [debug]`).
fn optional(spec: &Value) -> bool {
    spec.get("profiles")
        .and_then(Value::as_array)
        .is_some_and(|p| !p.is_empty())
}

/// The host folders a service's volumes mount (`./src:/app/src` → `./src`), as written.
fn host_sources(spec: &Value) -> impl Iterator<Item = &str> {
    let volumes = spec
        .get("volumes")
        .and_then(Value::as_array)
        .map_or(&[][..], |v| &v[..]);
    volumes.iter().filter_map(|volume| match volume {
        Value::String(short) => short.split(':').next().filter(|s| s.starts_with('.')),
        Value::Object(long) => long.get("source")?.as_str().filter(|s| s.starts_with('.')),
        _ => None,
    })
}

/// What the `env_file`s of a service set, from the files of the repository (relative to the
/// compose file's folder), as compose reads them: a later file, and a later line, wins. A file
/// outside the repository, or not in it, sets nothing archprompt can know.
fn env_file_entries(index: &RepoIndex, compose_file: &str, spec: &Value) -> Vec<(String, String, String)> {
    let mut entries: Vec<(String, String, String)> = Vec::new();
    for name in env_files(spec) {
        let path = crate::fs::lexically_normal(&crate::fs::join(crate::fs::parent(compose_file), name));
        if path.starts_with("..") || path.starts_with('/') {
            continue;
        }
        let Some(text) = index.read(&path) else { continue };
        for (key, value) in env_lines(&text) {
            entries.retain(|(k, _, _)| k != key);
            entries.push((key.to_string(), value.to_string(), path.clone()));
        }
    }
    entries
}

/// The `KEY=value` lines of an env file: comments skipped, `export ` before a key and quotes
/// around a value left out, a comment after a value not part of it.
fn env_lines(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|line| {
            let line = line.strip_prefix("export ").unwrap_or(line);
            let (key, value) = line.split_once('=')?;
            let value = value.split(" #").next().unwrap_or("").trim().trim_matches(['"', '\'']);
            Some((key.trim(), value))
        })
}

/// The files a service's `env_file` names: one, a list, or a list of `{path: …}`.
fn env_files(spec: &Value) -> impl Iterator<Item = &str> {
    let items: Vec<&Value> = match spec.get("env_file") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| item.as_str().or_else(|| item.get("path")?.as_str()))
}

/// A service built from the repository (`build: ./api`, `build: {context: .., dockerfile: …}`),
/// its context and Dockerfile resolved from the compose file's folder. A context outside the
/// repository or a remote one (`https://…`) is not the repository's source.
fn built(service: &str, spec: &Value, file: &str, position: usize) -> Option<Built> {
    let build = spec.get("build")?;
    let (context, dockerfile) = match build {
        Value::String(context) => (context.as_str(), None),
        Value::Object(map) => (
            map.get("context").and_then(Value::as_str).unwrap_or("."),
            map.get("dockerfile").and_then(Value::as_str),
        ),
        _ => return None,
    };
    if context.contains("://") || context.starts_with(['/', '~', '$']) {
        return None;
    }
    let context = crate::fs::lexically_normal(&crate::fs::join(crate::fs::parent(file), context));
    if context.starts_with("..") {
        return None;
    }
    // The whole context: a mounted file or data folder (`./entrypoint.sh`, `./storage`) is not
    // the code being edited.
    let mounts_source = host_sources(spec)
        .any(|source| crate::fs::lexically_normal(&crate::fs::join(crate::fs::parent(file), source)) == context);
    let dockerfile_path = crate::fs::lexically_normal(&crate::fs::join(&context, dockerfile.unwrap_or("Dockerfile")));
    Some(Built {
        name: service.to_string(),
        dockerfile: dockerfile_path,
        context,
        depends_on: depends_on(spec).map(str::to_string).collect(),
        env: environment(spec),
        file_env: Vec::new(),
        position,
        optional: optional(spec),
        one_shot: false,
        mounts_source,
        file: file.to_string(),
        evidence: Evidence::new(file, format!("service {service} is built from the repository")),
    })
}

/// The services a service's `depends_on` or `links` names (a list, or `depends_on` as a map;
/// a link may carry an alias: `database:db`).
fn depends_on(spec: &Value) -> impl Iterator<Item = &str> {
    let mut names: Vec<&str> = Vec::new();
    for key in ["depends_on", "links"] {
        match spec.get(key) {
            Some(Value::Array(items)) => names.extend(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| n.split(':').next().unwrap_or(n)),
            ),
            Some(Value::Object(map)) => names.extend(map.keys().map(String::as_str)),
            _ => {}
        }
    }
    names.into_iter()
}

/// The container paths of a service's volumes that mount a folder of the host (`./data:/x`,
/// `/srv/db:/x`, or `type: bind`), not a named volume.
fn host_mounts(spec: &Value) -> Vec<String> {
    let Some(volumes) = spec.get("volumes").and_then(Value::as_array) else {
        return Vec::new();
    };
    volumes
        .iter()
        .filter_map(|volume| match volume {
            Value::String(short) => {
                let mut parts = short.split(':');
                let source = parts.next()?;
                let target = parts.next()?;
                source.starts_with(['.', '/', '~', '$']).then(|| target.to_string())
            }
            Value::Object(long) => {
                let bind = long.get("type").and_then(Value::as_str) == Some("bind");
                bind.then(|| long.get("target")?.as_str().map(str::to_string)).flatten()
            }
            _ => None,
        })
        .collect()
}

/// The host side of each of a service's `ports:` (`"127.0.0.1:5433:5432/tcp"` and
/// `{published: 5433}` → `5433`, `${DB_PORT:-5433}:5432` → its default), not a range's.
fn host_ports(spec: &Value) -> Vec<String> {
    let Some(ports) = spec.get("ports").and_then(Value::as_array) else {
        return Vec::new();
    };
    let published = |port: &Value| match port {
        Value::String(short) => {
            // `[ADDRESS:]HOST:CONTAINER[/PROTOCOL]`, where a variable's default (`${PORT:-5433}`)
            // and an IPv6 address (`[::1]`) hold colons of their own.
            let short = short.split('/').next().unwrap_or(short);
            let mut parts = Vec::new();
            let (mut depth, mut start) = (0i32, 0);
            for (at, c) in short.char_indices() {
                match c {
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    ':' if depth == 0 => {
                        parts.push(&short[start..at]);
                        start = at + 1;
                    }
                    _ => {}
                }
            }
            parts.push(&short[start..]);
            let host = *parts.iter().rev().nth(1)?;
            Some(resolved(host).to_string())
        }
        Value::Object(long) => match long.get("published")? {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(resolved(s).to_string()),
            _ => None,
        },
        _ => None,
    };
    ports
        .iter()
        .filter_map(published)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .collect()
}

/// `${DB_IMAGE:-postgres:16}` → `postgres`; `docker.io/library/redis:7` → `redis`;
/// `ghcr.io/org/img@sha256:…` → `org/img`.
pub fn image_name(image: &str) -> String {
    let mut image = image.trim();
    if let Some(rest) = image.strip_prefix("${") {
        image = rest
            .split_once(":-")
            .map(|(_, d)| d.trim_end_matches('}'))
            .unwrap_or("");
    }
    let image = image.split('@').next().unwrap_or("");
    let mut parts: Vec<&str> = image.split('/').collect();
    if parts.len() > 1 && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost") {
        parts.remove(0);
    }
    if parts.first() == Some(&"library") {
        parts.remove(0);
    }
    let joined = parts.join("/");
    // The tag starts at the first `:` of the last path part (`postgres:${VERSION:-16}-alpine`).
    let last_part = joined.rfind('/').map_or(0, |i| i + 1);
    let without_tag = match joined[last_part..].find(':') {
        Some(i) => &joined[..last_part + i],
        None => &joined,
    };
    without_tag.to_ascii_lowercase()
}

/// `mongo:4.2.1-bionic` → `4.2.1-bionic`; `None` without a tag or with a digest only.
fn image_tag(image: &str) -> Option<String> {
    let image = match image.trim().strip_prefix("${") {
        Some(rest) => rest.split_once(":-").map(|(_, d)| d.trim_end_matches('}'))?,
        None => image.trim(),
    };
    let image = image.split('@').next().unwrap_or("");
    let last = image.rsplit('/').next().unwrap_or(image);
    let (_, tag) = last.split_once(':')?;
    (!tag.is_empty() && !tag.starts_with('$')).then(|| tag.to_string())
}

fn read_env(index: &RepoIndex, file: &str, signals: &mut RepoSignals) {
    let Some(text) = index.read(file) else { return };
    let prefix = signals.app_env_prefix.clone();
    // Whether a line sets the choice or a database URL: then no commented-out line is the default.
    let mut sets_database = false;
    for (key, value) in env_lines(&text) {
        signals.env.push((key.to_string(), value.to_string(), file.to_string()));
        sets_database |=
            selects_database(key, prefix.as_deref()) || (is_database_url_key(key) && value.contains("://"));
        if value.is_empty() {
            if is_database_url_key(key) {
                let evidence = Evidence::new(file, format!("declares {key}"));
                signals.url_vars.push((key.to_string(), String::new(), evidence));
            }
            continue;
        }
        if let Some((scheme, _)) = value.split_once("://") {
            let scheme = scheme.split('+').next().unwrap_or(scheme).to_ascii_lowercase();
            if scheme.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !matches!(scheme.as_str(), "http" | "https" | "ws" | "wss" | "amqp" | "smtp")
            {
                let evidence = Evidence::new(file, format!("{key} is a {scheme}:// URL"));
                signals.database_hints.push((value.to_string(), evidence.clone(), true));
                signals.url_vars.push((key.to_string(), scheme, evidence));
            }
        } else if selects_database(key, prefix.as_deref()) {
            // `DB_CONNECTION=pgsql` is the app's own setting that picks its driver, as strong
            // as an ORM config; a URL is only an example value.
            signals
                .database_hints
                .push((value.to_string(), Evidence::new(file, format!("{key}={value}")), false));
        }
    }
    // With none, a commented-out line called the default shows it.
    if !sets_database {
        if let Some((key, value)) = commented_default(&text, prefix.as_deref()) {
            let evidence = Evidence::new(file, format!("{key}={value}, commented out: the default"));
            signals.database_hints.push((value.to_string(), evidence, false));
        }
    }
}

/// A key that, by convention, holds the application's database URL (`DATABASE_URL`,
/// `APP_DB_URL`, `MONGODB_URI`), not a test database's.
fn is_database_url_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    let generic = [
        "DATABASE_URL",
        "DB_URL",
        "DATABASE_URI",
        "DB_URI",
        "MONGODB_URI",
        "MONGO_URL",
        "MONGO_URI",
    ];
    generic.iter().any(|g| key == *g || key.ends_with(&format!("_{g}"))) && !key.contains("TEST")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_values_as_a_container_gets_them_when_nothing_is_set() {
        assert_eq!(resolved("db"), "db");
        assert_eq!(resolved("${POSTGRES_HOST:-db}"), "db");
        assert_eq!(resolved("${POSTGRES_HOST-mathesar_dev_db}"), "mathesar_dev_db");
        assert_eq!(resolved("${POSTGRES_HOST}"), "");
        assert_eq!(resolved("${DB_HOST:?need-a-host}"), "");
        assert_eq!(resolved("${DB_HOST:+other-host}"), "");
    }

    #[test]
    fn image_names_are_normalised() {
        assert_eq!(image_name("postgres:16-alpine"), "postgres");
        assert_eq!(image_name("docker.io/library/redis:7"), "redis");
        assert_eq!(image_name("${DB_IMAGE:-postgis/postgis:16-3.4}"), "postgis/postgis");
        assert_eq!(image_name("postgres:${POSTGRES_VERSION:-16}-alpine"), "postgres");
        assert_eq!(image_name("localhost:5000/team/db:1"), "team/db");
        assert_eq!(image_name("localhost:5000/mongo@sha256:abc"), "mongo");
        assert_eq!(image_name("bitnami/postgresql"), "bitnami/postgresql");
        assert_eq!(image_name("prom/mysqld-exporter"), "prom/mysqld-exporter");
    }

    #[test]
    fn database_url_keys() {
        assert!(is_database_url_key("DATABASE_URL"));
        assert!(is_database_url_key("APP_DATABASE_URL"));
        assert!(is_database_url_key("MONGODB_URI"));
        assert!(!is_database_url_key("TEST_DATABASE_URL"));
        assert!(!is_database_url_key("REDIS_URL"));
        assert!(!is_database_url_key("DATABASE_URL_POOL_SIZE"));
    }

    #[test]
    fn database_selectors_by_key_and_commented_defaults() {
        assert!(selects_database("DB_CONNECTION", None));
        assert!(selects_database("SPOOLMAN_DB_TYPE", Some("SPOOLMAN_")));
        assert!(!selects_database("SPOOLMAN_DB_TYPE", None));
        // Another program's setting (a Metabase sidecar) is not the app's.
        assert!(!selects_database("MB_DB_TYPE", Some("SHOP_")));
        assert!(!selects_database("MONGODB_TYPE", None));
        fn default(text: &str) -> Option<(&str, &str)> {
            commented_default(text, Some("APP_"))
        }
        assert_eq!(
            default("# Default if not set: sqlite\n#APP_DB_TYPE=sqlite\n"),
            Some(("APP_DB_TYPE", "sqlite"))
        );
        assert_eq!(
            default("# DB type (default sqlite)\n\n# DATABASE_MODE=sqlite\n"),
            Some(("DATABASE_MODE", "sqlite"))
        );
        // The default named is another value: the commented line is the alternative.
        assert_eq!(
            default("# SQLite is used by default; uncomment to use PostgreSQL instead.\n#DB_TYPE=postgres\n"),
            None
        );
        // Commented out with no word that it is the default: the alternative to switch to.
        assert_eq!(
            default("# For a quick try without PostgreSQL:\n# DB_ENGINE=sqlite\n"),
            None
        );
        assert_eq!(
            default("# Default: sqlite\n# Select the DB_TYPE=sqlite or mysql\n"),
            None
        );
        let read = |files: &[(&str, &str)]| {
            let dir = tempfile::tempdir().unwrap();
            for (name, text) in files {
                std::fs::write(dir.path().join(name), text).unwrap();
            }
            let index = crate::repo::index::RepoIndex::build(dir.path());
            let mut signals = RepoSignals {
                app_env_prefix: Some("APP_".into()),
                ..RepoSignals::default()
            };
            for (name, _) in files {
                read_env(&index, name, &mut signals);
            }
            let hints: Vec<(String, String)> = signals
                .database_hints
                .iter()
                .map(|(v, e, _)| (v.clone(), e.reason.clone()))
                .collect();
            hints
        };
        assert_eq!(
            read(&[
                (".env.example", "# Default: sqlite\n#APP_DB_TYPE=sqlite\n"),
                (".env.sample", "# default\n#DB_TYPE=sqlite\nDB_TYPE=postgres\n"),
            ]),
            [
                (
                    "sqlite".to_string(),
                    "APP_DB_TYPE=sqlite, commented out: the default".to_string()
                ),
                ("postgres".to_string(), "DB_TYPE=postgres".to_string())
            ]
        );
        // A template that sets the database's URL has chosen; its commented lines are options.
        let with_url = read(&[(
            ".env.example",
            "DATABASE_URL=postgresql://app@localhost/app\n# default for a quick try\n# DB_ENGINE=sqlite\n",
        )]);
        assert_eq!(with_url.len(), 1);
        assert_eq!(with_url[0].0, "postgresql://app@localhost/app");
    }

    #[test]
    fn host_ports_are_the_published_side_of_each_mapping() {
        let spec = serde_json::json!({"ports": [
            "5433:5432", "127.0.0.1:27018:27017/tcp", "${DB_PORT:-3307}:3306", "6379",
            "[::1]:8081:80", {"target": 5432, "published": 15432}, {"target": 80}, 9000,
            "${UNSET}:1234", "8000-8010:8000-8010"
        ]});
        assert_eq!(host_ports(&spec), ["5433", "27018", "3307", "8081", "15432"]);
        assert!(host_ports(&serde_json::json!({"image": "postgres"})).is_empty());
    }

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("mongo:4.2.1-bionic").as_deref(), Some("4.2.1-bionic"));
        assert_eq!(image_tag("localhost:5000/postgres").as_deref(), None);
        assert_eq!(image_tag("redis@sha256:abc"), None);
        assert_eq!(image_tag("${DB_IMAGE:-postgres:16}").as_deref(), Some("16"));
    }

    #[test]
    fn compose_env_resolves_from_templates() {
        let service = Service {
            name: "db".into(),
            image: "postgres".into(),
            tag: None,
            env: vec![
                ("POSTGRES_USER".into(), "${DATABASE_USERNAME}".into()),
                ("POSTGRES_DB".into(), "${DATABASE_NAME:-api}".into()),
                ("POSTGRES_PASSWORD".into(), "${SECRET}".into()),
            ],
            more_env: false,
            host_mounts: Vec::new(),
            publishes_ports: false,
            host_ports: Vec::new(),
            deployed_app: false,
            depends_on: Vec::new(),
            file: "docker-compose.yml".into(),
            aliases: Vec::new(),
            optional: false,
            reads_dotenv: false,
            evidence: Evidence::new("docker-compose.yml", "service db"),
        };
        let signals = RepoSignals {
            env: vec![("DATABASE_USERNAME".into(), "root".into(), ".env.example".into())],
            ..RepoSignals::default()
        };
        // A variable the service does not name is the template's only through `env_file: .env`.
        assert_eq!(service.env("DATABASE_USERNAME", &signals), EnvValue::Unset);
        let reads_dotenv = Service {
            reads_dotenv: true,
            ..service.clone()
        };
        assert_eq!(reads_dotenv.env("DATABASE_USERNAME", &signals), EnvValue::Known("root"));
        assert_eq!(service.env("POSTGRES_USER", &signals), EnvValue::Known("root"));
        assert_eq!(service.env("POSTGRES_DB", &signals), EnvValue::Known("api"));
        assert_eq!(service.env("POSTGRES_PASSWORD", &signals), EnvValue::Unresolved);
        assert_eq!(service.env("MISSING", &signals), EnvValue::Unset);
    }

    #[test]
    fn compose_variants() {
        assert!(!is_compose("docker-compose.integration.yml"));
        assert!(is_compose("docker-compose.dev.yml"));
        assert!(is_compose("compose.yaml"));
        assert!(!is_compose("docker-compose.test.yml"));
        assert!(!is_compose("docker-compose.relational.ci.yaml"));
        assert!(!is_compose("compose-notes.md"));
        assert!(is_compose("docker-compose-local.yml"));
        assert!(is_compose("dev.docker-compose.yml"));
        assert!(is_compose("local-compose.yaml"));
        assert!(!is_compose("ci.docker-compose.yml"));
        assert!(!is_compose("recompose.yml"));
        assert!(is_other_compose_candidate("postgresql.yml"));
        assert!(!is_other_compose_candidate("postgresql-test.yml"));
    }

    #[test]
    fn the_development_template_speaks_first_and_built_services_are_read_in_file_order() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        // Committed past a broad ignore rule, as repositories do.
        write(".gitignore", ".env*\n");
        write(".env.example", "DATABASE_URL=postgresql://app@db:5432/app\n");
        write(".env.dev.example", "DATABASE_URL=postgresql://app@localhost:5432/app\n");
        write(
            ".env.production.example",
            "DATABASE_URL=postgresql://app@prod-db:5432/app\n",
        );
        write("TEMPLATE.env", "DB_HOST=db\n");
        write(
            "docker-compose.yml",
            "services:
  web:
    build: {context: ., dockerfile: Dockerfile.dev}
    volumes: ['.:/app', './storage:/app/storage']
    depends_on: {migrate: {condition: service_completed_successfully}}
  migrate:
    build: .
    volumes: ['./storage:/app/storage']
  cron:
    build: ./jobs
    profiles: [jobs]
  db:
    image: postgres:16
    container_name: shop_db
    env_file: [.env]
",
        );
        let index = RepoIndex::build(dir.path());
        let development = ["dev".to_string()];
        let signals = read(&index, ".", &[], &development, None);
        assert_eq!(
            signals.env_value("DATABASE_URL"),
            Some("postgresql://app@localhost:5432/app")
        );
        assert_eq!(signals.env_value("DB_HOST"), Some("db"), "TEMPLATE.env is a template");
        assert!(
            signals.env.iter().all(|(_, _, file)| file != ".env.production.example"),
            "another run's template is not the developer's"
        );
        let built: Vec<(&str, usize, bool, bool, bool)> = signals
            .built
            .iter()
            .map(|b| (b.name.as_str(), b.position, b.mounts_source, b.one_shot, b.optional))
            .collect();
        assert!(built.contains(&("web", 0, true, false, false)), "{built:?}");
        assert!(built.contains(&("migrate", 1, false, true, false)), "{built:?}");
        assert!(built.contains(&("cron", 2, false, false, true)), "{built:?}");
        let cron = signals.built.iter().find(|b| b.name == "cron").unwrap();
        assert_eq!(
            (cron.context.as_str(), cron.dockerfile.as_str()),
            ("jobs", "jobs/Dockerfile")
        );
        let db = &signals.services[0];
        assert_eq!(db.aliases, ["shop_db"]);
        assert!(db.reads_dotenv);
        assert!(read_by_default("docker-compose.override.yml"));
        assert!(!read_by_default("docker/docker-compose.yml"));
    }

    #[test]
    fn a_built_service_gets_what_its_env_files_set_unless_its_environment_sets_it() {
        let (_dir, index) = crate::repo::index::test_index(&[
            (
                "docker/compose.dev.yml",
                "services:\n  app:\n    build: ..\n    env_file: [.env.docker.dev, ../../outside.env, missing.env]\n    environment:\n      - APP_PORT=5000\n      - REDIS_URL=redis://cache\n",
            ),
            (
                "docker/.env.docker.dev",
                "# the dev stack\nexport DATABASE_URL=\"postgresql://shop:shop@db:5432/shop\"\nREDIS_URL=redis://other\n",
            ),
        ]);
        let signals = read(&index, ".", &["docker".to_string()], &[], None);
        let app = signals.built.iter().find(|b| b.name == "app").expect("app is built");
        let env: Vec<(&str, &str, &str)> = app.started_env().collect();
        assert_eq!(
            env,
            [
                ("APP_PORT", "5000", "docker/compose.dev.yml"),
                ("REDIS_URL", "redis://cache", "docker/compose.dev.yml"),
                (
                    "DATABASE_URL",
                    "postgresql://shop:shop@db:5432/shop",
                    "docker/.env.docker.dev"
                ),
            ]
        );
    }

    #[test]
    fn a_database_service_gets_what_its_env_files_set_unless_its_environment_sets_it() {
        let (_dir, index) = crate::repo::index::test_index(&[
            (
                "docker-compose.yml",
                "services:\n  db:\n    image: postgres:16\n    env_file: [defaults.env, docker.env]\n    environment:\n      POSTGRES_DB: scan\n",
            ),
            // As compose reads them: the later file wins.
            ("defaults.env", "POSTGRES_USER=base\n"),
            ("docker.env", "POSTGRES_USER=scancode\nPOSTGRES_DB=other\n"),
        ]);
        let signals = read(&index, ".", &[], &[], None);
        let db = &signals.services[0];
        assert_eq!(db.env("POSTGRES_USER", &signals), EnvValue::Known("scancode"));
        assert_eq!(db.env("POSTGRES_DB", &signals), EnvValue::Known("scan"));
    }

    #[test]
    fn a_database_container_without_its_password_never_starts() {
        let dir = tempfile::tempdir().unwrap();
        let compose = "services:
  bare:
    image: postgres:16
  trusted:
    image: postgres:16
    environment: [POSTGRES_HOST_AUTH_METHOD=trust]
  from_file:
    image: postgres:16
    env_file: .env.db
  existing:
    image: mariadb:latest
    volumes: [\"/usr/local/var/mariadb:/var/lib/mysql\"]
  named:
    image: mariadb:latest
    volumes: [\"db-data:/var/lib/mysql\"]
";
        std::fs::write(dir.path().join("docker-compose.yml"), compose).unwrap();
        let index = RepoIndex::build(dir.path());
        let signals = read(&index, ".", &[], &[], None);
        let starts = |name: &str, needs: &[&str], data_dir: &str| {
            let needs: Vec<String> = needs.iter().map(|n| n.to_string()).collect();
            let service = signals.services.iter().find(|s| s.name == name).unwrap();
            service.can_start(&needs, data_dir)
        };
        let pg = ["POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"];
        assert!(!starts("bare", &pg, "/var/lib/postgresql"));
        assert!(starts("trusted", &pg, "/var/lib/postgresql"));
        assert!(starts("from_file", &pg, "/var/lib/postgresql"), "env_file may set it");
        assert!(
            starts("bare", &[], "/var/lib/postgresql"),
            "an image that needs nothing"
        );
        let maria = ["MARIADB_ROOT_PASSWORD"];
        assert!(
            starts("existing", &maria, "/var/lib/mysql"),
            "a host folder may hold data already"
        );
        assert!(
            !starts("named", &maria, "/var/lib/mysql"),
            "a named volume starts empty"
        );
    }
}
