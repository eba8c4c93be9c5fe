//! Repository-level files that name databases without being manifests: docker compose service
//! images and `.env` templates (`DATABASE_URL=postgres://…`, `DB_CONNECTION=pgsql`). Read at the
//! repository root and in the backend project's directory.

use crate::model::Evidence;
use crate::walk::{self, RepoIndex};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    /// Normalised image name (`docker.io/library/postgres:16` → `postgres`).
    pub image: String,
    /// `environment` entries, for the user and database names a shell needs.
    pub env: Vec<(String, String)>,
    /// The compose file, repo-relative.
    pub file: String,
    pub evidence: Evidence,
}

impl Service {
    /// An environment value, with `${VAR:-default}` resolved to its default; `None` for a bare
    /// `${VAR}` (its value is not in the repository).
    pub fn env(&self, key: &str) -> Option<&str> {
        let value = self.env.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())?;
        match value.strip_prefix("${") {
            Some(rest) => rest
                .split_once(":-")
                .map(|(_, d)| d.trim_end_matches('}'))
                .filter(|d| !d.is_empty()),
            None => Some(value),
        }
    }
}

#[derive(Debug, Default)]
pub struct RepoSignals {
    /// Compose services that run an image.
    pub services: Vec<Service>,
    /// Database names or URLs, and whether they came from an env template (weaker than config).
    pub database_hints: Vec<(String, Evidence, bool)>,
    /// Env variables holding a database URL: (name, scheme, evidence). The scheme is empty for a
    /// template that declares `DATABASE_URL=` and leaves the value to the developer.
    pub url_vars: Vec<(String, String, Evidence)>,
}

const COMPOSE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];
/// Env keys whose value is a database name rather than a URL.
const DB_NAME_KEYS: &[&str] = &[
    "DB_CONNECTION",
    "DB_DIALECT",
    "DB_TYPE",
    "DB_DRIVER",
    "DB_ENGINE",
    "DATABASE_TYPE",
    "DATABASE_ENGINE",
    "DATABASE_DIALECT",
    "TYPEORM_CONNECTION",
    "DB_CLIENT",
];

pub fn read(index: &RepoIndex, backend_dir: &str) -> RepoSignals {
    let mut signals = RepoSignals::default();
    let mut dirs = vec![".".to_string()];
    if backend_dir != "." {
        dirs.push(backend_dir.to_string());
    }
    for dir in &dirs {
        for file in index.files_in(dir) {
            let name = walk::file_name(file);
            if is_compose(name) {
                read_compose(index, file, &mut signals);
            } else if walk::ENV_TEMPLATES.contains(&name) {
                read_env(index, file, &mut signals);
            }
        }
    }
    signals
}

/// `compose.yaml`, `docker-compose.dev.yml`, … but not test-only variants.
fn is_compose(name: &str) -> bool {
    if COMPOSE_NAMES.contains(&name) {
        return true;
    }
    let stem = name.strip_suffix(".yml").or_else(|| name.strip_suffix(".yaml"));
    stem.is_some_and(|s| {
        (s.starts_with("docker-compose.") || s.starts_with("compose."))
            && !s.contains("test")
            && !s.split(['.', '-']).any(|p| p == "ci")
    })
}

fn read_compose(index: &RepoIndex, file: &str, signals: &mut RepoSignals) {
    let Some(text) = index.read(file) else { return };
    let doc: Value = match serde_saphyr::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => {
            let message = err.to_string();
            index.warn(file, format!("invalid YAML: {}", message.lines().next().unwrap_or("")));
            return;
        }
    };
    let Some(services) = doc.get("services").and_then(Value::as_object) else {
        return;
    };
    for (service, spec) in services {
        let Some(image) = spec.get("image").and_then(Value::as_str) else {
            continue;
        };
        let name = image_name(image);
        if name.is_empty() {
            continue;
        }
        let env = match spec.get("environment") {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect(),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .filter_map(|item| item.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            _ => Vec::new(),
        };
        signals.services.push(Service {
            name: service.clone(),
            image: name,
            env,
            file: file.to_string(),
            evidence: Evidence::new(file, format!("service {service} runs image {image}")),
        });
    }
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
    let without_tag = match joined.rfind(':') {
        Some(i) if !joined[i..].contains('/') => &joined[..i],
        _ => &joined,
    };
    without_tag.to_ascii_lowercase()
}

fn read_env(index: &RepoIndex, file: &str, signals: &mut RepoSignals) {
    let Some(text) = index.read(file) else { return };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim();
        let value = value.split(" #").next().unwrap_or("").trim().trim_matches(['"', '\'']);
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
        } else if DB_NAME_KEYS.contains(&key) {
            signals
                .database_hints
                .push((value.to_string(), Evidence::new(file, format!("{key}={value}")), true));
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
    fn image_names_are_normalised() {
        assert_eq!(image_name("postgres:16-alpine"), "postgres");
        assert_eq!(image_name("docker.io/library/redis:7"), "redis");
        assert_eq!(image_name("${DB_IMAGE:-postgis/postgis:16-3.4}"), "postgis/postgis");
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
    fn compose_variants() {
        assert!(is_compose("docker-compose.dev.yml"));
        assert!(is_compose("compose.yaml"));
        assert!(!is_compose("docker-compose.test.yml"));
        assert!(!is_compose("docker-compose.relational.ci.yaml"));
        assert!(!is_compose("compose-notes.md"));
    }
}
