//! Development in containers. When the repository tells its app to reach the database by the
//! name of a compose service (`DB_HOST=db` in `.env.example`, `postgres://app@db/app`, or, when
//! nothing else says where the database is, the app service's own compose environment), the
//! app runs inside that compose stack: a command run on the host cannot resolve the name. The
//! database shell is then the service's, and the app's own commands run in the service built
//! from its source.

use super::connection::{self, Known};
use super::database::{DbUrls, compose_client, compose_file_flag};
use crate::detect::analysis::Analysis;
use crate::detect::{Detector, Registry};
use crate::ecosystems::runner::Runner;
use crate::repo::index::RepoIndex;
use crate::report::hints;
use crate::report::{Evidence, Field, FieldName};
use crate::signals::compose::{Built, RepoSignals, Service};
use crate::signals::dockerfile;

/// The compose stack the app is developed in.
pub(super) struct InStack<'s> {
    /// The service that runs the database.
    database: &'s Service,
    /// The service built from the backend's source, if the same compose file has one.
    app: Option<&'s Built>,
    /// Where the repository names the service as the database's host.
    named_at: Evidence,
}

/// Where the database's host is written, in the order a developer's run reads it: the env
/// templates it copies, then the app's own settings, then, when neither names a host, the
/// environment the compose file gives the app's service. The first place that names a host
/// decides; a place that also names this machine (`DATABASE_URL=…@localhost` beside a
/// deployment's `POSTGRES_HOST=db`) keeps the app on the host.
pub(super) fn of<'s>(
    registry: &Registry,
    known: &Known,
    backend: &Analysis,
    primary: &Detector,
    signals: &'s RepoSignals,
    urls: &DbUrls,
) -> Option<InStack<'s>> {
    let prefixes = super::database::own_env_prefixes(primary);
    let host_key = |key: &str| prefixes.iter().any(|p| key.strip_prefix(p) == Some("HOST"));
    let usable = |value: &str| !value.is_empty() && !known.is_placeholder(value);
    // The host of a URL of the primary's own scheme.
    let url_host = |value: &str| {
        let connection = connection::parse(value, known)?;
        let store = super::database::database_for(registry, &format!("{}://", connection.scheme.as_deref()?));
        store.is_some_and(|d| d.id == primary.id).then_some(connection.host?)
    };
    // Every host `KEY=value` pairs give: the primary's URLs first, then host keys.
    let hosts_of = |pairs: &[(&str, &str, &str)]| -> Vec<Named> {
        let urls = pairs
            .iter()
            .filter_map(|(key, value, file)| Some(Named::new(url_host(value)?, file, key)));
        let keys = pairs
            .iter()
            .filter(|(key, value, _)| host_key(key) && usable(value))
            .map(|(key, value, file)| Named::new(value.to_string(), file, key));
        urls.chain(keys).collect()
    };
    let templates: Vec<(&str, &str, &str)> = signals
        .env
        .iter()
        .map(|(k, v, f)| (k.as_str(), v.as_str(), f.as_str()))
        .collect();
    let settings = || -> Vec<Named> {
        // Not a CI run's or a deployment's settings (`settings/ci.py` naming its job's service).
        let named = backend
            .vars
            .get("db_host")
            .filter(|(v, e)| usable(v) && !super::database::named_for_another_run(registry, &e.file));
        let named = named.map(|(host, e)| Named::new(host.clone(), &e.file, "the database host"));
        let from_urls = urls
            .iter()
            .filter_map(|(value, evidence)| Some(Named::new(url_host(value)?, &evidence.file, "the database URL")));
        named.into_iter().chain(from_urls).collect()
    };
    let own_dir = backend.project.dir.as_str();
    // A Dev Containers setup runs the commands typed in it inside already.
    let editor_dirs = &registry.conventions.dirs.editor_containers;
    let in_editor = |file: &str| file.split('/').any(|part| editor_dirs.iter().any(|d| d == part));
    let builds_backend = |b: &&Built| b.context == own_dir && !b.optional && !b.one_shot && !in_editor(&b.file);
    // Only a service that runs the code being edited (its source mounted) is developed in; one
    // that runs a build of it is a deployment's.
    let compose_env = || -> Vec<Named> {
        let developed = signals.built.iter().filter(builds_backend).filter(|b| b.mounts_source);
        developed
            .map(|built| {
                let pairs: Vec<(&str, &str, &str)> = built.started_env().collect();
                hosts_of(&pairs)
            })
            .find(|hosts| !hosts.is_empty())
            .unwrap_or_default()
    };
    let sources: [&dyn Fn() -> Vec<Named>; 3] = [&|| hosts_of(&templates), &settings, &compose_env];
    let hosts = sources.iter().map(|source| source()).find(|hosts| !hosts.is_empty())?;
    if hosts.iter().any(|named| connection::is_local_host(&named.host)) {
        return None;
    }
    let Named { host, file, key } = hosts.into_iter().next()?;
    // Of the services by that name that can start, the one in the file that names it, else in a
    // file that also builds the app, else in the main file; one behind a profile last.
    let has_app = |file: &str| signals.built.iter().filter(builds_backend).any(|b| b.file == file);
    let database = signals
        .services
        .iter()
        .filter(|s| {
            let named = s.name == host || s.aliases.contains(&host);
            named && super::database::serves(registry, s, &primary.id) && super::database::can_start(registry, s)
        })
        .min_by_key(|s| (s.file != file, !has_app(&s.file), !s.in_main_file(), s.optional))?;
    if in_editor(&database.file) {
        return None;
    }
    let named_at = Evidence::new(
        &file,
        format!(
            "{key} names {host}, the compose service {}: the app runs in that stack",
            database.name
        ),
    );
    // The app's service: in the database's compose file, built from the backend's folder; one
    // that runs the code being edited first, then one that starts after the database, then the
    // file's order.
    let mut apps: Vec<&Built> = signals
        .built
        .iter()
        .filter(builds_backend)
        .filter(|b| b.file == database.file)
        .collect();
    apps.sort_by_key(|b| (!b.mounts_source, !b.depends_on.contains(&database.name), b.position));
    Some(InStack {
        database,
        app: apps.first().copied(),
        named_at,
    })
}

/// A host the repository names, with where and under which key.
struct Named {
    host: String,
    file: String,
    key: String,
}

impl Named {
    fn new(host: String, file: &str, key: &str) -> Named {
        Named {
            host,
            file: file.to_string(),
            key: key.to_string(),
        }
    }
}

impl InStack<'_> {
    /// The database's shell inside its service; `app_db` as [`compose_client`] takes it.
    pub(super) fn database_shell(
        &self,
        registry: &Registry,
        primary: &Detector,
        signals: &RepoSignals,
        urls: &DbUrls,
        app_db: Option<&(String, Evidence)>,
    ) -> Option<Field> {
        let mut field = compose_client(registry, primary.shell.as_ref(), self.database, signals, urls, app_db)?;
        field.evidence.push(self.named_at.clone());
        Some(field)
    }

    /// The stack started (`docker compose up`), for the framework's host dev server.
    pub(super) fn dev(&self) -> Option<Field> {
        let app = self.app?;
        let text = format!("docker compose {}up", compose_file_flag(&app.file));
        Some(Field::found(text, vec![self.named_at.clone(), app.evidence.clone()]))
    }

    /// A framework's or tool's own command (`python manage.py migrate`) run in a one-off
    /// container of the app's service (`docker compose run --rm web …`, which works whether the
    /// service is up or not, a job's too): from its working folder, through the package manager's
    /// runner only when the app's image installs that tool. Unknown with no service built from
    /// the app's source, or one whose image is the output of a staged build (the tools may be
    /// gone) with no source mounted: on the host the command cannot reach the database.
    pub(super) fn inside(&self, index: &RepoIndex, runner: &Runner, backend: &Analysis, default: &Field) -> Field {
        let value = default.value.as_deref().unwrap_or_default();
        let where_ = format!("{} ({})", self.named_at.reason, self.named_at.file);
        let unknown = |why: &str| {
            let why = format!("{where_}; `{value}` run on the host cannot reach it, and {why}");
            Field::unknown(hints::unknown(FieldName::MigrationCommand, &why))
        };
        let Some(app) = self.app else {
            return unknown("no compose service builds the app to run it in");
        };
        let dockerfile = index.read(&app.dockerfile);
        let stages = dockerfile
            .as_deref()
            .map_or(1, |text| dockerfile::from_images(text).count());
        if stages > 1 && !app.mounts_source {
            return unknown(&format!(
                "the image of service {} is the output of a staged build ({}), which may not hold the tools it needs",
                app.name, app.dockerfile
            ));
        }
        // The command as the runner wrote it for the host: the container starts in the app's folder.
        let dir = &backend.project.dir;
        let value = match dir.as_str() {
            "." => value,
            _ => value.strip_prefix(&format!("cd {dir} && ")).unwrap_or(value),
        };
        let prefix = runner.exec_prefix();
        let installs_runner = dockerfile.as_deref().is_none_or(|text| names_runner(text, runner));
        let value = match value.strip_prefix(prefix) {
            Some(bare) if !prefix.is_empty() && !installs_runner => bare,
            _ => value,
        };
        let text = format!(
            "docker compose {}run --rm {} {value}",
            compose_file_flag(&app.file),
            app.name
        );
        let mut evidence = default.evidence.clone();
        evidence.push(self.named_at.clone());
        evidence.push(app.evidence.clone());
        Field::found(text, evidence)
    }
}

/// Whether a Dockerfile's `RUN` commands run the package manager (`uv sync`, `npm ci`, `bundle
/// install`), so its runner exists in the image.
fn names_runner(text: &str, runner: &Runner) -> bool {
    let names = [
        runner.tool.as_str(),
        runner.exec_prefix().split_whitespace().next().unwrap_or(""),
    ];
    dockerfile::run_lines(text).iter().any(|(_, line)| {
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .any(|word| names.iter().any(|n| !n.is_empty() && word == *n))
    })
}
