//! Migrations the app applies itself when it starts (`goose.Up(db, …)` in its bootstrap, Flyway
//! under Spring Boot, `dataSource.runMigrations()`): the `migrates_on_start` reads of the
//! migration tools it uses. Where the call sits in a helper named for migrating
//! (`internal/utils/db_migration_util.go`), which a CLI subcommand may call as well as the start-up
//! code, the helper counts through a caller that is not a CLI's, a test's or a script's.

use super::commands::MIGRATING;
use super::dirs::home_of;
use super::test_dirs::test_file_name;
use crate::detect::analysis::Analysis;
use crate::detect::engine::{self, ConfigValue};
use crate::detect::{Registry, Sets};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;
use regex::Regex;

/// The most source files looked through for a helper's caller: a bound on a large tree.
const MOST_FILES_LOOKED_THROUGH: usize = 2_000;

/// Where the backend's code applies its migrations when it starts: the `migrates_on_start`
/// config read of a migration tool it uses, in the package that holds the tool, or the start-up
/// code that calls the helper holding it. With `from_models`, also an ORM that creates its
/// schema itself: asked only where no migration tool gives a command, since a versioned tool's
/// CLI is how such a repository migrates, whatever else runs at start.
pub(super) fn applied_on_start(
    registry: &Registry,
    index: &RepoIndex,
    backend: &Analysis,
    from_models: bool,
) -> Option<Vec<Evidence>> {
    // The migration tools first, then an ORM that creates its schema from the models itself
    // (GORM's `AutoMigrate`, a migration tool's `schema_on_start`: Sequelize's `sync()`): a
    // versioned run, where there is one, is what migrating means.
    let reads = |h: &crate::detect::analysis::Hit, var: &str| {
        h.detector
            .config
            .iter()
            .any(|r| r.sets == Sets::Var && r.var.as_deref() == Some(var))
    };
    let models_only = |h: &&crate::detect::analysis::Hit| {
        from_models && ((!h.detector.migrations && reads(h, "migrates_on_start")) || reads(h, "schema_on_start"))
    };
    let tools = backend
        .data
        .iter()
        .filter(|h| h.detector.migrations)
        .map(|h| (h, false));
    for (hit, from_models) in tools.chain(backend.data.iter().filter(models_only).map(|h| (h, true))) {
        let home = home_of(hit, &backend.project);
        let reads_of = |var: &'static str| {
            hit.detector
                .config
                .iter()
                .filter(move |r| r.sets == Sets::Var && r.var.as_deref() == Some(var))
        };
        // A setting that turns the start-up run off (`spring.flyway.enabled=false`).
        let switched_off =
            reads_of("not_on_start").any(|read| !engine::read_config(hit.detector, read, index, &home).is_empty());
        if switched_off {
            continue;
        }
        let applies = |how: &str| match hit.detector.migrations && !from_models {
            false => format!("the app creates its {} schema when it starts: {how}", hit.detector.name),
            true => format!(
                "the app applies its {} migrations when it starts: {how}",
                hit.detector.name
            ),
        };
        let schema = from_models.then(|| reads_of("schema_on_start")).into_iter().flatten();
        for read in reads_of("migrates_on_start").chain(schema) {
            let found = engine::read_config(hit.detector, read, index, &home);
            let on_request = |path: &str| on_request(registry, &backend.project.dir, path);
            let at_start = found.iter().find(|f| !on_request(&f.file) && !in_rust_tests(index, f));
            if let Some(found) = at_start {
                return Some(vec![Evidence::new(&found.file, applies(&call_of(found)))]);
            }
            let definitions = &registry.toolchain(backend.project.ecosystem).definitions;
            let followed = found
                .iter()
                .filter(|f| is_helper(&on_request, &f.file, &hit.detector.dirs.migrations) && !in_rust_tests(index, f))
                .find_map(|f| {
                    Some((
                        caller(registry, index, definitions, &home.dir, &backend.project.dir, f)?,
                        f,
                    ))
                });
            if let Some(((file, function), found)) = followed {
                let how = format!("{file} calls {function}, which runs {}", call_of(found));
                let helper = format!("{function} leads to {}", call_of(found));
                return Some(vec![
                    Evidence::new(&file, applies(&how)),
                    Evidence::new(&found.file, helper),
                ]);
            }
        }
    }
    None
}

/// Whether a path's code runs on request, not at start-up: below the backend's directory
/// `project_dir` (elsewhere, the whole path), it has a word of `[files] on_request` (a CLI subcommand, a migrations program, a
/// seed, a test, a script). The project's own folder names the app, not a role
/// (`LANCommander.Server/Startup/Database.cs` is start-up code).
fn on_request(registry: &Registry, project_dir: &str, path: &str) -> bool {
    let below = match project_dir {
        "." | "" => path,
        dir => path.strip_prefix(dir).and_then(|p| p.strip_prefix('/')).unwrap_or(path),
    };
    let path = format!("/{}", below.to_ascii_lowercase());
    registry
        .conventions
        .files
        .on_request
        .iter()
        .any(|word| path.contains(word.as_str()))
}

/// A file named for migrating (`storage/migration.go`) in folders that are not: a helper that
/// start-up code may call, not a program of its own (`cmd/migrate/main.go`). The tool's own
/// migrations folder (one of `migrations_dirs`' last names: `store/migration/migration.go`
/// beside the migrations it lists) says where migrations are kept, not how they run: the
/// folders above it decide.
fn is_helper(on_request: &dyn Fn(&str) -> bool, file: &str, migrations_dirs: &[String]) -> bool {
    let name = crate::fs::file_name(file).to_ascii_lowercase();
    let mut folder = crate::fs::parent(file);
    let keeps_migrations = |folder: &str| {
        let last = crate::fs::file_name(folder);
        migrations_dirs.iter().any(|d| crate::fs::file_name(d) == last)
    };
    if folder != "." && keeps_migrations(folder) {
        folder = crate::fs::parent(folder);
    }
    let folders = format!("{folder}/");
    name.contains(MIGRATING) && !on_request(&folders) && !on_request(&name.replace(MIGRATING, ""))
}

/// Rust tests sit at the end of the file they test, after `#[cfg(test)]`.
/// They start at the first `#[cfg(test)]` on an inline module (`mod tests {`): one on a module
/// kept in another file (`mod migration_tests;`) or on a single item starts nothing.
fn in_rust_tests(index: &RepoIndex, found: &ConfigValue) -> bool {
    let text = index.read(&found.file).unwrap_or_default();
    let at = text.find(found.value.as_str());
    tests_start(&text).is_some_and(|tests| at.is_none_or(|at| at > tests))
}

fn tests_start(text: &str) -> Option<usize> {
    const MARK: &str = "#[cfg(test)]";
    text.match_indices(MARK).map(|(at, _)| at).find(|at| {
        // The item the attribute is on, past any other attributes.
        let mut item = text[at + MARK.len()..].trim_start();
        while item.starts_with("#[") {
            item = item.find(']').map_or("", |end| item[end + 1..].trim_start());
        }
        let item = item.strip_prefix("pub ").unwrap_or(item);
        item.strip_prefix("mod ").is_some_and(|module| {
            module
                .find('{')
                .is_some_and(|open| module.find(';').is_none_or(|end| open < end))
        })
    })
}

/// The call a read found, as evidence spells it: `migrate!("./migrations")\n    .run(` as one
/// call, a setting as written.
fn call_of(found: &ConfigValue) -> String {
    let call: String = found.value.split_whitespace().collect();
    match call.strip_suffix('(') {
        Some(call) => format!("{call}(…)"),
        None => found.value.clone(),
    }
}

/// A file below `home` of the helper's language, other than the helper and not one that runs on
/// request or a test, that calls a function of the helper that leads to its call: one of the
/// helper's own that calls the function around it first (its entry, `MigrateDatabase` calling
/// `GetEmbeddedMigrateInstance`, which others may call for other ends), else that function.
/// Functions are found by the ecosystem's `definitions`.
fn caller(
    registry: &Registry,
    index: &RepoIndex,
    definitions: &[String],
    home: &str,
    backend_dir: &str,
    helper: &ConfigValue,
) -> Option<(String, String)> {
    let text = index.read(&helper.file)?;
    let at = text.find(helper.value.as_str())?;
    // Compiled once per helper followed: a scan follows a helper at most once per tool.
    let definitions: Vec<Regex> = definitions.iter().filter_map(|d| Regex::new(d).ok()).collect();
    let mut defined: Vec<(usize, String)> = definitions
        .iter()
        .flat_map(|re| {
            re.captures_iter(&text)
                .filter_map(|c| Some((c.get(0)?.start(), c.name("name")?.as_str().to_string())))
                .collect::<Vec<_>>()
        })
        .collect();
    defined.sort();
    // The function whose body holds the call: it ends at the next definition or at the first
    // line closing a top-level block (`}`), so a call after it is in none.
    let (start, around) = defined.iter().rfind(|(start, _)| *start < at)?.clone();
    let next = defined
        .iter()
        .map(|(s, _)| *s)
        .find(|s| *s > start)
        .unwrap_or(text.len());
    let body_end = text[start..].find("\n}").map_or(next, |i| (start + i + 2).min(next));
    if at > body_end {
        return None;
    }
    // The helper's functions whose bodies (up to the next definition) call the one around it.
    let calls_around = calling(&around)?;
    let mut functions: Vec<String> = defined
        .iter()
        .enumerate()
        .filter(|(i, (start, _))| {
            let end = defined.get(i + 1).map_or(text.len(), |(next, _)| *next);
            let body = &text[*start..end];
            let body = &body[body.find('\n').unwrap_or(body.len())..];
            calls_around.is_match(body)
        })
        .map(|(_, (_, name))| name.clone())
        .collect();
    functions.retain(|name| *name != around);
    functions.push(around);
    let extension = crate::fs::file_name(&helper.file).rsplit_once('.')?.1;
    let files: Vec<String> = engine::files_under(index, home, &format!("**/*.{extension}"))
        .into_iter()
        .filter(|f| *f != helper.file && !on_request(registry, backend_dir, f))
        .filter(|f| test_file_name(registry, crate::fs::file_name(f)).is_none())
        .take(MOST_FILES_LOOKED_THROUGH)
        .collect();
    // A caller reaches the helper's function, not another of its name: it sits in the helper's
    // folder (its package), calls it by that folder's name (`storage.Migrate(`), or names the
    // helper's module (`from app.db.migration import migrate`, `require('./migrate')`).
    let folder = crate::fs::parent(&helper.file);
    let stem = crate::fs::file_name(&helper.file).rsplit_once('.')?.0;
    let reaches = |file: &str, text: &str, function: &str| {
        crate::fs::parent(file) == folder
            || text.contains(&format!("{}.{function}", crate::fs::file_name(folder)))
            || [
                format!("/{stem}'"),
                format!("/{stem}\""),
                format!("/{stem}."),
                format!(".{stem} import"),
                format!("import {stem}"),
            ]
            .iter()
            .any(|import| text.contains(import.as_str()))
    };
    functions.into_iter().find_map(|function| {
        let call = calling(&function)?;
        let file = files.iter().find(|file| {
            index.read(file).is_some_and(|text| {
                reaches(file, &text, &function)
                    && call
                        .find_iter(&text)
                        .any(|m| !engine::commented_out(&text, m.start()) && !defines(&definitions, &text, m.start()))
            })
        })?;
        Some((file.clone(), function))
    })
}

/// A call of `function` by name (`Migrate(`, `storage.Migrate(`).
fn calling(function: &str) -> Option<Regex> {
    Regex::new(&format!(r"\b{}\s*\(", regex::escape(function))).ok()
}

/// Whether the name at `at` is being defined, not called (`func Migrate(`, `def migrate(`,
/// `func (s *Store) Migrate(`): one of the ecosystem's `definitions` names it there, on its line.
fn defines(definitions: &[Regex], text: &str, at: usize) -> bool {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    definitions.iter().any(|re| {
        re.captures_iter(line)
            .any(|c| c.name("name").is_some_and(|n| line_start + n.start() == at))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_run_on_request_is_known_by_whole_words_of_its_path() {
        let registry = Registry::builtin().unwrap();
        for path in [
            "cli/main.go",
            "cmd/cli.py",
            "src/cli-tasks.js",
            "app/db_cli.py",
            "bin/migrate",
            "admin/x.rs",
        ] {
            assert!(on_request(&registry, ".", path), "{path}");
        }
        for path in ["store/client.go", "src/clinic.ts", "main.go", "internal/db/db.go"] {
            assert!(!on_request(&registry, ".", path), "{path}");
        }
        assert!(!on_request(
            &registry,
            "LANCommander.Server",
            "LANCommander.Server/Startup/Database.cs"
        ));
        assert!(on_request(
            &registry,
            "LANCommander.Server",
            "LANCommander.Server/Commands/Migrate.cs"
        ));
    }

    #[test]
    fn rust_tests_start_at_an_inline_test_module() {
        let text = "#[cfg(test)]\nmod migration_tests;\nfn run() { migrate!().run(); }\n#[cfg(test)]\n#[allow(dead_code)]\nmod tests {\n}\n";
        assert_eq!(tests_start(text), text.find("#[cfg(test)]\n#[allow"));
        assert_eq!(tests_start("#[cfg(test)]\nuse x;\nfn a() {}"), None);
        assert_eq!(tests_start("#[cfg(test)] pub mod tests { }"), Some(0));
    }

    #[test]
    fn a_file_named_for_migrating_is_a_helper_only_outside_folders_that_run_on_request() {
        let registry = Registry::builtin().unwrap();
        let own = ["migrations".to_string(), "**/migration".to_string()];
        let is_helper = |file: &str| is_helper(&|path: &str| on_request(&registry, ".", path), file, &own);
        assert!(is_helper("internal/utils/db_migration_util.go"));
        assert!(is_helper("internal/storage/migration.go"));
        assert!(!is_helper("cmd/migrate/main.go"), "a migrations program");
        assert!(!is_helper("scripts/migrate.ts"));
        assert!(!is_helper("internal/storage/migration_test.go"), "a test");
        assert!(!is_helper("internal/storage/postgres.go"), "not named for migrating");
        assert!(
            is_helper("store/migration/migration.go"),
            "beside the migrations it runs"
        );
        assert!(
            !is_helper("scripts/migrations/migration.ts"),
            "scripts run on request all the same"
        );
    }

    #[test]
    fn every_ecosystems_definitions_compile_and_name_the_function() {
        let registry = Registry::builtin().unwrap();
        for (ecosystem, toolchain) in registry.toolchains() {
            for definition in &toolchain.definitions {
                let re = Regex::new(definition).unwrap_or_else(|e| panic!("{ecosystem:?}: {e}"));
                assert!(
                    re.capture_names().any(|n| n == Some("name")),
                    "{ecosystem:?}: {definition}"
                );
            }
        }
    }

    #[test]
    fn a_definition_is_no_call() {
        let registry = Registry::builtin().unwrap();
        let definitions: Vec<Regex> = [crate::ecosystems::Ecosystem::Go, crate::ecosystems::Ecosystem::Python]
            .iter()
            .flat_map(|e| registry.toolchain(*e).definitions.iter())
            .map(|d| Regex::new(d).unwrap())
            .collect();
        let text = "func Migrate(conf Config) error {\nfunc (m *Store) Migrate() {\n\terr = storage.Migrate(cfg)\ndef migrate(db):\n";
        let at = |needle: &str| text.find(needle).unwrap() + needle.len() - "Migrate(".len();
        assert!(defines(&definitions, text, at("func Migrate(")));
        assert!(defines(&definitions, text, at("*Store) Migrate(")));
        assert!(!defines(&definitions, text, at("storage.Migrate(")));
        assert!(defines(&definitions, text, text.find("migrate(db)").unwrap()));
    }
}
