//! Compose's `extends`: a service that takes what it leaves out from another one, in the same
//! file or another (`extends: {file: docker-compose.base.yml, service: db}`), merged as Compose
//! merges them, so that its image, build, environment and env files are read as Compose runs it.

use serde_json::{Map, Value};

use crate::repo::index::RepoIndex;

/// How many services deep a chain of `extends` is followed: real ones are one or two.
const MOST_LINKS: usize = 4;

/// Keys a service never takes from the one it extends (Compose's rule).
const NOT_SHARED: &[&str] = &["depends_on", "links", "volumes_from"];

/// The service `spec` of the compose file `file` (whose services are `services`) merged over the
/// one it extends, followed down a chain: its own keys win, its `environment` lies over the
/// other's, `env_file`s add up, `build` merges key by key, and the other file's relative paths
/// stay pointed where they were. `None` when it extends nothing; an `extends` the repository does
/// not hold is left in place (its settings are unseen).
pub(super) fn extended(
    index: &RepoIndex,
    file: &str,
    services: &indexmap::IndexMap<String, Value>,
    spec: &Value,
) -> Option<Value> {
    spec.get("extends")?;
    Some(resolve(index, file, services, spec.clone(), 0))
}

fn resolve(
    index: &RepoIndex,
    file: &str,
    services: &indexmap::IndexMap<String, Value>,
    spec: Value,
    depth: usize,
) -> Value {
    let Some((name, other_file)) = target(&spec) else {
        return spec;
    };
    if depth >= MOST_LINKS {
        return spec;
    }
    let base = match other_file {
        None => services
            .get(&name)
            .map(|base| resolve(index, file, services, base.clone(), depth + 1)),
        Some(other) => {
            let path = crate::fs::lexically_normal(&crate::fs::join(crate::fs::parent(file), &other));
            index.read(&path).and_then(|text| {
                let others = super::compose_spec::services_of(&text)?;
                let base = others.get(&name)?.clone();
                let base = resolve(index, &path, &others, base, depth + 1);
                Some(rebased(base, crate::fs::parent(&path), crate::fs::parent(file)))
            })
        }
    };
    match (base, spec) {
        (Some(Value::Object(base)), Value::Object(own)) => Value::Object(merged(base, own)),
        (_, spec) => spec,
    }
}

/// The service an `extends` names, and the file it is in when not this one.
fn target(spec: &Value) -> Option<(String, Option<String>)> {
    match spec.get("extends")? {
        Value::String(name) => Some((name.clone(), None)),
        Value::Object(map) => Some((
            map.get("service")?.as_str()?.to_string(),
            map.get("file").and_then(Value::as_str).map(str::to_string),
        )),
        _ => None,
    }
}

/// `own` over `base`, as Compose merges an extending service over the one it extends. An
/// `extends` the base is left with (one the repository does not hold, or past [`MOST_LINKS`])
/// stays on the result: its settings are unseen.
fn merged(mut base: Map<String, Value>, own: Map<String, Value>) -> Map<String, Value> {
    let unseen = base.get("extends").cloned();
    for key in NOT_SHARED {
        base.remove(*key);
    }
    let environment = super::compose_spec::beneath(
        super::compose_spec::entries(own.get("environment")),
        super::compose_spec::entries(base.get("environment")),
    );
    let env_files: Vec<Value> = [base.get("env_file"), own.get("env_file")]
        .into_iter()
        .flatten()
        .flat_map(|files| match files {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        })
        .collect();
    // `build: ./db` is `{context: ./db}`, merged key by key with the other's.
    let as_map = |build: &Value| match build {
        Value::String(context) => Some(Map::from_iter([(
            "context".to_string(),
            Value::String(context.clone()),
        )])),
        Value::Object(map) => Some(map.clone()),
        _ => None,
    };
    let build = match (base.get("build").and_then(as_map), own.get("build").and_then(as_map)) {
        (Some(mut build), Some(own)) => {
            build.extend(own);
            Some(Value::Object(build))
        }
        (base, own) => own.or(base).map(Value::Object),
    };
    base.extend(own);
    base.remove("extends");
    if let Some(unseen) = unseen {
        base.insert("extends".to_string(), unseen);
    }
    if !environment.is_empty() {
        let map = environment.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
        base.insert("environment".to_string(), Value::Object(map));
    }
    if !env_files.is_empty() {
        base.insert("env_file".to_string(), Value::Array(env_files));
    }
    if let Some(build) = build {
        base.insert("build".to_string(), build);
    }
    base
}

/// A service read from the compose file in `from` (a folder), its relative `build` context and
/// `env_file`s rewritten relative to `to`, the folder of the file that extends it.
fn rebased(mut spec: Value, from: &str, to: &str) -> Value {
    if from == to {
        return spec;
    }
    let rebase = |path: &str| -> Option<String> {
        if path.starts_with(['/', '$', '~']) || path.contains("://") {
            return None;
        }
        let target = crate::fs::lexically_normal(&crate::fs::join(from, path));
        let up = if to == "." { 0 } else { to.split('/').count() };
        Some(format!("{}{target}", "../".repeat(up)))
    };
    let Value::Object(map) = &mut spec else {
        return spec;
    };
    match map.get_mut("build") {
        Some(Value::String(context)) => {
            if let Some(path) = rebase(context) {
                *context = path;
            }
        }
        Some(Value::Object(build)) => {
            let context = build.get("context").and_then(Value::as_str).unwrap_or(".").to_string();
            if let Some(path) = rebase(&context) {
                build.insert("context".to_string(), Value::String(path));
            }
        }
        _ => {}
    }
    let rebase_file = |file: &mut Value| match file {
        Value::String(path) => {
            if let Some(new) = rebase(path) {
                *path = new;
            }
        }
        Value::Object(entry) => {
            if let Some(new) = entry.get("path").and_then(Value::as_str).and_then(rebase) {
                entry.insert("path".to_string(), Value::String(new));
            }
        }
        _ => {}
    };
    match map.get_mut("env_file") {
        Some(Value::Array(files)) => files.iter_mut().for_each(rebase_file),
        Some(one) => rebase_file(one),
        None => {}
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(yaml: &str) -> indexmap::IndexMap<String, Value> {
        crate::signals::compose_spec::services_of(yaml).expect("a compose file")
    }

    #[test]
    fn a_service_takes_what_it_leaves_out_from_the_one_it_extends() {
        let common = "services:\n  base:\n    environment:\n      POSTGRES_PASSWORD: secret\n  db:\n    extends: base\n    build:\n      context: ./db\n    env_file: db.env\n    depends_on: [cache]\n    environment:\n      - POSTGRES_USER\n      - POSTGRES_DB=shop\n";
        let main = "services:\n  db:\n    extends:\n      file: ops/common.yml\n      service: db\n    build:\n      dockerfile: Dockerfile.dev\n    env_file: local.env\n    environment:\n      POSTGRES_DB: shop_dev\n      POSTGRES_HOST:\n";
        let (_dir, index) = crate::repo::index::test_index(&[("ops/common.yml", common), ("docker-compose.yml", main)]);
        let main = services(main);
        let db = extended(&index, "docker-compose.yml", &main, &main["db"]).unwrap();
        // Its own value over the chain's, the chain's beneath, followed two services deep.
        assert_eq!(db["environment"]["POSTGRES_DB"], "shop_dev");
        assert_eq!(db["environment"]["POSTGRES_USER"], "${POSTGRES_USER}");
        assert_eq!(db["environment"]["POSTGRES_PASSWORD"], "secret");
        assert_eq!(
            db["environment"]["POSTGRES_HOST"], "${POSTGRES_HOST}",
            "`KEY:` passes it through"
        );
        // The other file's paths stay pointed where they were; env files add up; build merges.
        assert_eq!(db["env_file"], serde_json::json!(["ops/db.env", "local.env"]));
        assert_eq!(
            db["build"],
            serde_json::json!({"context": "ops/db", "dockerfile": "Dockerfile.dev"})
        );
        assert!(db.get("depends_on").is_none() && db.get("extends").is_none());
        // Not extending anything; extending a service the repository does not hold.
        assert!(extended(&index, "docker-compose.yml", &main, &serde_json::json!({"image": "x"})).is_none());
        let missing = serde_json::json!({"extends": {"file": "gone.yml", "service": "db"}, "image": "postgres"});
        let kept = extended(&index, "docker-compose.yml", &main, &missing).unwrap();
        assert!(kept.get("extends").is_some(), "its settings are unseen");
    }

    #[test]
    fn paths_are_rebased_from_a_deeper_folder_too() {
        let spec = serde_json::json!({"build": "./db", "env_file": [{"path": "db.env"}, "/abs.env"]});
        let moved = rebased(spec, "ops", "deploy/dev");
        assert_eq!(moved["build"], "../../ops/db");
        assert_eq!(
            moved["env_file"],
            serde_json::json!([{"path": "../../ops/db.env"}, "/abs.env"])
        );
    }

    #[test]
    fn a_loop_of_extends_ends_and_what_is_unseen_stays_unseen() {
        let file = "services:\n  a:\n    extends: b\n  b:\n    extends: a\n";
        let (_dir, index) = crate::repo::index::test_index(&[("compose.yaml", file)]);
        let all = services(file);
        let a = extended(&index, "compose.yaml", &all, &all["a"]).unwrap();
        assert!(
            a.get("extends").is_some(),
            "past the last link, its settings are unseen"
        );
        // A base that extends a file the repository does not hold keeps saying so.
        let main = "services:\n  db:\n    extends:\n      file: ops/base.yml\n      service: pg\n";
        let base = "services:\n  pg:\n    image: postgres:16\n    extends:\n      file: ../../shared/base.yml\n      service: pg\n";
        let (_dir, index) = crate::repo::index::test_index(&[("compose.yaml", main), ("ops/base.yml", base)]);
        let all = services(main);
        let db = extended(&index, "compose.yaml", &all, &all["db"]).unwrap();
        assert_eq!(db["image"], "postgres:16");
        assert!(db.get("extends").is_some());
    }

    #[test]
    fn a_build_written_as_its_context_merges_with_a_map() {
        let file = "services:\n  base:\n    build: ./db\n  db:\n    extends: base\n    build:\n      dockerfile: Dockerfile.dev\n";
        let (_dir, index) = crate::repo::index::test_index(&[("compose.yaml", file)]);
        let all = services(file);
        let db = extended(&index, "compose.yaml", &all, &all["db"]).unwrap();
        assert_eq!(
            db["build"],
            serde_json::json!({"context": "./db", "dockerfile": "Dockerfile.dev"})
        );
    }
}
