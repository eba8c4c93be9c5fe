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
/// environment the compose file gives the app's service. The first host found decides.
pub(super) fn of<'s>(
    registry: &Registry,
    known: &Known,
    backend: &Analysis,
    primary: &Detector,
    signals: &'s RepoSignals,
    urls: &DbUrls,
) -> Option<InStack<'s>> {
    let prefixes: Vec<&str> = ["DB_", "DATABASE_"]
        .into_iter()
        .chain(primary.env_prefixes.iter().map(String::as_str))
        .collect();
    let host_key = |key: &str| prefixes.iter().any(|p| key.strip_prefix(p) == Some("HOST"));
    let usable = |value: &str| !value.is_empty() && !known.is_placeholder(value);
    let url_host = |value: &str| connection::parse(value, known)?.host;
    let own_scheme = |value: &str| {
        let scheme = value.split_once("://").map(|(s, _)| s.split('+').next().unwrap_or(s));
        scheme.is_some_and(|s| primary.aliases.iter().any(|a| a.eq_ignore_ascii_case(s)))
    };
    // (host, file, key) from `KEY=value` pairs: a host key, else a URL of the primary's scheme.
    let from_pairs = |pairs: &mut dyn Iterator<Item = (&str, &str, &str)>| -> Option<(String, String, String)> {
        let pairs: Vec<(&str, &str, &str)> = pairs.collect();
        let host = pairs
            .iter()
            .find(|(key, value, _)| host_key(key) && usable(value))
            .map(|(key, value, file)| (value.to_string(), file.to_string(), key.to_string()));
        host.or_else(|| {
            pairs.iter().find_map(|(key, value, file)| {
                let host = own_scheme(value).then(|| url_host(value)).flatten()?;
                Some((host, file.to_string(), key.to_string()))
            })
        })
    };
    let templates = from_pairs(&mut signals.env.iter().map(|(k, v, f)| (k.as_str(), v.as_str(), f.as_str())));
    let settings = || {
        let named = backend.vars.get("db_host").filter(|(v, _)| usable(v));
        let named = named.map(|(host, e)| (host.clone(), e.file.clone(), "the database host".to_string()));
        named.or_else(|| {
            urls.iter().find_map(|(value, evidence)| {
                let host = own_scheme(value).then(|| url_host(value)).flatten()?;
                Some((host, evidence.file.clone(), "the database URL".to_string()))
            })
        })
    };
    let own_dir = backend.project.dir.as_str();
    // A Dev Containers setup runs the commands typed in it inside already.
    let editor_dirs = &registry.conventions.dirs.editor_containers;
    let in_editor = |file: &str| editor_dirs.iter().any(|d| crate::fs::is_within(file, d));
    let builds_backend = |b: &&Built| b.context == own_dir && !b.optional && !b.one_shot && !in_editor(&b.file);
    // Only a service that runs the code being edited (its source mounted) is developed in; one
    // that runs a build of it is a deployment's.
    let compose_env = || {
        signals
            .built
            .iter()
            .filter(builds_backend)
            .filter(|b| b.mounts_source)
            .find_map(|built| {
                let mut pairs = built
                    .env
                    .iter()
                    .map(|(k, v)| (k.as_str(), resolved(v), built.file.as_str()));
                from_pairs(&mut pairs)
            })
    };
    let (host, file, key) = templates.or_else(settings).or_else(compose_env)?;
    // Of the services by that name, the one in the file that names it, else in a file that
    // also builds the app.
    let has_app = |file: &str| signals.built.iter().filter(builds_backend).any(|b| b.file == file);
    let database = signals
        .services
        .iter()
        .filter(|s| {
            let image = super::database::database_of_image(registry, &s.image);
            let named = s.name == host || s.aliases.contains(&host);
            named && !s.optional && image.is_some_and(|d| d.id == primary.id || d.serves.contains(&primary.id))
        })
        .min_by_key(|s| (s.file != file, !has_app(&s.file)))?;
    let named_at = Evidence::new(
        &file,
        format!(
            "{key} names {host}, the compose service {}: the app runs in that stack",
            database.name
        ),
    );
    // The app's service: in the database's compose file, built from the backend's folder with
    // the context's Dockerfile, starting after the database.
    let mut apps: Vec<&Built> = signals
        .built
        .iter()
        .filter(builds_backend)
        .filter(|b| b.file == database.file)
        .collect();
    apps.sort_by_key(|b| (!b.depends_on.contains(&database.name), b.own_dockerfile, b.position));
    Some(InStack {
        database,
        app: apps.first().copied(),
        named_at,
    })
}

/// `${VAR:-default}` as its default, `${VAR}` as nothing, anything else as written.
fn resolved(value: &str) -> &str {
    match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
        Some(reference) => reference
            .split_once(":-")
            .or_else(|| reference.split_once('-'))
            .map_or("", |(_, default)| default),
        None => value,
    }
}

impl InStack<'_> {
    /// The database's shell inside its service.
    pub(super) fn database_shell(
        &self,
        registry: &Registry,
        primary: &Detector,
        signals: &RepoSignals,
    ) -> Option<Field> {
        let mut field = compose_client(registry, primary.shell.as_ref(), self.database, signals)?;
        field.evidence.push(self.named_at.clone());
        Some(field)
    }

    /// The stack started (`docker compose up`), for the framework's host dev server.
    pub(super) fn dev(&self) -> Option<Field> {
        let app = self.app?;
        let text = format!("docker compose {}up", compose_file_flag(&app.file));
        Some(Field::found(text, vec![self.named_at.clone(), app.evidence.clone()]))
    }

    /// A framework's or tool's own command (`python manage.py migrate`) run in the app's
    /// service: from its working folder, through the package manager's runner only when the
    /// app's image installs that tool. With no service built from the app's source, where the
    /// command would run is not known: on the host it cannot reach the database.
    pub(super) fn inside(&self, index: &RepoIndex, runner: &Runner, backend: &Analysis, default: &Field) -> Field {
        let value = default.value.as_deref().unwrap_or_default();
        let Some(app) = self.app else {
            let why = format!(
                "{} ({}); `{value}` run on the host cannot reach it, and no compose service builds the app to run it in",
                self.named_at.reason, self.named_at.file
            );
            return Field::unknown(hints::unknown(FieldName::MigrationCommand, &why));
        };
        let dir = &backend.project.dir;
        let value = match dir.as_str() {
            "." => value,
            _ => value.strip_prefix(&format!("cd {dir} && ")).unwrap_or(value),
        };
        let prefix = runner.exec_prefix();
        let value = match value.strip_prefix(prefix) {
            Some(bare) if !prefix.is_empty() && !image_runs(index, app, runner) => bare,
            _ => value,
        };
        let text = format!(
            "docker compose {}exec {} {value}",
            compose_file_flag(&app.file),
            app.name
        );
        self.found(text, app, default)
    }

    fn found(&self, text: String, app: &Built, default: &Field) -> Field {
        let mut evidence = default.evidence.clone();
        evidence.push(self.named_at.clone());
        evidence.push(app.evidence.clone());
        Field::found(text, evidence)
    }
}

/// Whether the app's Dockerfile names the package manager (`RUN uv sync`, `RUN npm ci`,
/// `bundle install`), so its runner exists in the image. An unreadable Dockerfile is taken to.
fn image_runs(index: &RepoIndex, app: &Built, runner: &Runner) -> bool {
    let Some(text) = index.read(&app.dockerfile) else {
        return true;
    };
    let names = [
        runner.tool.as_str(),
        runner.exec_prefix().split_whitespace().next().unwrap_or(""),
    ];
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .any(|word| names.iter().any(|n| !n.is_empty() && word == *n))
}
