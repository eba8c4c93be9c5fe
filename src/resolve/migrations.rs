//! Migration directories: where each migration tool keeps its migrations (config, defaults),
//! and the data homes its commands then run in; directories named like migrations otherwise.

use super::backend::named;
use super::commands::MIGRATING;
use super::context::{Ctx, DataHome};
use super::dirs::{config_dir, home_of, project_at, substitute};
use super::test_dirs::is_test_file;
use crate::detect::analysis::Hit;
use crate::detect::engine::{self, ConfigValue};
use crate::detect::knowledge::MigrationEntries;
use crate::detect::{Registry, Sets};
use crate::ecosystems::Project;
use crate::fs::is_within;
use crate::repo::folders::Folders;
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

pub(super) fn migration_dirs(ctx: &Ctx, tools: &[&Hit]) -> (Vec<String>, Vec<Evidence>, Vec<DataHome>) {
    let mut dirs: Vec<String> = Vec::new();
    let mut evidence = Vec::new();
    let mut homes: Vec<DataHome> = Vec::new();
    let project = &ctx.backend.project;
    for hit in tools {
        let home = home_of(hit, project);
        let project = &home;
        let mut from_config = false;
        // Migrations a config places outside the project (`sqlx::migrate!("../../migrations")`
        // in a workspace member) are applied from the directory that holds them.
        let mut runs_in = project.clone();
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
                    if !is_within(&dir, &project.dir) && !from_config {
                        runs_in = project_at(project, crate::fs::parent(&dir));
                    }
                    dirs.push(dir);
                    from_config = true;
                }
            }
        }
        if from_config {
            homes.push(DataHome {
                detector_id: hit.detector.id.clone(),
                hit_dir: project.dir.clone(),
                project: runs_in,
                migrations: dirs.last().cloned().unwrap_or_default(),
            });
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
            let mut runs_in = project.clone();
            let mut found = engine::project_dirs(ctx.index, project, std::slice::from_ref(pattern));
            // A test app's migrations (`saleor/tests/migrations`) are not the product's.
            let tests = &ctx.registry.conventions.dirs.tests;
            found.retain(|dir| !dir.split('/').any(|part| named(tests, part)));
            // A glob finds folders by their name only (`**/migrations`): where some hold
            // migrations, the others are code named so (an in-memory engine's
            // `memory/migrations/schema.go` beside `postgres/migrations/2023…_initial.sql`).
            // A folder that holds nothing yet (a Django app's `migrations/__init__.py`) is
            // where that app's first migration will go.
            if pattern.contains('*') && found.len() > 1 {
                let entries = &ctx.registry.conventions.dirs.migration_entries;
                let holds: Vec<Option<bool>> = found.iter().map(|d| holds_migrations(ctx.index, entries, d)).collect();
                if holds.contains(&Some(true)) {
                    let mut holds = holds.into_iter();
                    found.retain(|_| holds.next().flatten() != Some(false));
                }
            }
            // A glob from the root would find other packages' migrations (`*/*/Migrations`).
            if found.is_empty() && project.dir != "." && !pattern.contains('*') {
                // Workspace members share migrations at the repository root; the tool runs there.
                runs_in = project_at(project, ".");
                found = engine::project_dirs(ctx.index, &runs_in, std::slice::from_ref(pattern));
            }
            if found.is_empty() {
                continue;
            }
            homes.push(DataHome {
                detector_id: hit.detector.id.clone(),
                hit_dir: project.dir.clone(),
                project: runs_in,
                migrations: found[0].clone(),
            });
            let mut seen = Folders::new(&dirs);
            for dir in found {
                if !seen.overlaps(&dir) {
                    evidence.push(Evidence::new(&dir, format!("{} default location", hit.detector.name)));
                    seen.insert(&dir);
                    dirs.push(dir);
                }
            }
            break;
        }
        for dir in engine::project_dirs(ctx.index, project, &hit.detector.dirs.migrations_also) {
            if !dirs.iter().any(|d| is_within(&dir, d) || is_within(d, &dir)) {
                evidence.push(Evidence::new(&dir, format!("{} default location", hit.detector.name)));
                if !homes.iter().any(|h| h.detector_id == hit.detector.id) {
                    homes.push(DataHome {
                        detector_id: hit.detector.id.clone(),
                        hit_dir: project.dir.clone(),
                        project: project.clone(),
                        migrations: dir.clone(),
                    });
                }
                dirs.push(dir);
            }
        }
    }
    if dirs.is_empty() && (!ctx.backend.databases.is_empty() || !tools.is_empty()) {
        // No tool location exists: a directory named like migrations still answers the question.
        // Beside a migration tool, a folder of code named so (harbor's `migration/migration.go`,
        // a migrator) is not where its migrations are: unknown rather than that folder.
        let tool = !tools.is_empty();
        for dir in migration_named_dirs(ctx.registry, ctx.index, &ctx.backend.project, tool) {
            evidence.push(Evidence::new(&dir, "directory named like migrations"));
            dirs.push(dir);
        }
    }
    (dirs, evidence, homes)
}

/// Whether a folder holds entries named as migrations are: in the order they apply (`0001_init.py`,
/// `20240101_users.sql`, a `2024-01-01-000000_create/` folder; a number after one of `entries`'
/// prefixes, Flyway's `V1__init.sql`), or a tool's own subfolder (Alembic's `versions/`). `None`
/// when it holds nothing but `entries`' markers.
fn holds_migrations(index: &RepoIndex, entries: &MigrationEntries, dir: &str) -> Option<bool> {
    let names = index.names_in(dir);
    let in_order = |name: &&str| {
        let number = entries
            .prefixes
            .iter()
            .find_map(|p| name.strip_prefix(p.as_str()))
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
        entries.folders.iter().any(|f| f == name) || name.starts_with(|c: char| c.is_ascii_digit()) || number.is_some()
    };
    if names.iter().any(in_order) {
        return Some(true);
    }
    names
        .iter()
        .any(|name| !entries.markers.iter().any(|m| m == name))
        .then_some(false)
}

/// Whether a folder holds only source files (of any ecosystem's code extensions), none named as
/// migrations are: a migrator's code, not migrations. SQL files, subfolders (one per dialect)
/// and an empty package are not that.
fn only_code(registry: &Registry, index: &RepoIndex, dir: &str) -> bool {
    let names = index.names_in(dir);
    let code = |name: &&str| {
        let path = crate::fs::join(dir, name);
        index.has_file(&path) && super::dirs::is_code_file(registry, &path)
    };
    !names.is_empty()
        && names.iter().all(code)
        && holds_migrations(index, &registry.conventions.dirs.migration_entries, dir) == Some(false)
}

/// The shallowest directories in the project named `migrations`, `migration`, `db/migrate`-like
/// or `*_migrations`, outside tests, fixtures, docs and examples.
/// With `code_is_not_one`, a folder holding only source files named as no migration is
/// ([`only_code`]) is left out.
pub(super) fn migration_named_dirs(
    registry: &Registry,
    index: &RepoIndex,
    project: &Project,
    code_is_not_one: bool,
) -> Vec<String> {
    const MAX_DEPTH: usize = 5;
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
            // `migrate` only as Rails and Hanami use it (`db/migrate`): elsewhere it is often code
            // that migrates something else (gotify's `config/migrate`).
            let db_migrate = name == "migrate" && parts.len() >= 2 && parts[parts.len() - 2] == "db";
            let named = db_migrate || name.ends_with("migrations") || name == "migration";
            let excluded = parts
                .iter()
                .any(|p| super::backend::named(&registry.conventions.dirs.not_backend, p) || *p == "node_modules");
            (named && !excluded && parts.len() <= MAX_DEPTH).then_some((parts.len(), dir))
        })
        .filter(|(_, dir)| !(code_is_not_one && only_code(registry, index, dir)))
        .collect();
    let shallowest = candidates.iter().map(|(depth, _)| *depth).min().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|(depth, _)| *depth == shallowest)
        .map(|(_, dir)| dir.clone())
        .collect()
}

/// A code file of the backend's language named for migrating (`sql_migrations.rs`, `migrate.go`), not a
/// test, that speaks of tables or columns, anywhere in the repository (a workspace keeps them in a crate of its own): migrations
/// an app may write in its own code, which no folder and no tool shows. With
/// one, "there are no migrations" is not proven.
pub(super) fn named_for_migrating(ctx: &Ctx) -> Option<String> {
    static SCHEMA_WORDS: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)\b(?:tables?|columns?)\b").expect("a valid pattern"));
    let project = &ctx.backend.project;
    let toolchain = ctx.registry.toolchain(project.ecosystem);
    toolchain.code_extensions().iter().find_map(|extension| {
        engine::files_under(ctx.index, ".", &format!("**/*{MIGRATING}*.{extension}"))
            .into_iter()
            .find(|file| {
                // A schema's words, as words: a file migrating settings files (`config/migrate.go`,
                // "paths stay portable") has none.
                let schema = ctx.index.read(file).is_some_and(|text| SCHEMA_WORDS.is_match(&text));
                schema && !is_test_file(ctx.registry, ctx.index, file)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_holds_migrations_by_their_ordered_names() {
        let (_dir, index) = crate::repo::index::test_index(&[
            ("postgres/migrations/20230117143902_initial.sql", ""),
            ("memory/migrations/schema.go", ""),
            ("api/migrations/__init__.py", ""),
            ("flyway/migrations/V1__init.sql", ""),
            ("alembic/migrations/env.py", ""),
            ("alembic/migrations/versions/abc123_users.py", ""),
            ("diesel/migrations/2024-01-01-000000_create/up.sql", ""),
        ]);
        let registry = Registry::builtin().unwrap();
        let entries = &registry.conventions.dirs.migration_entries;
        assert_eq!(holds_migrations(&index, entries, "postgres/migrations"), Some(true));
        assert_eq!(holds_migrations(&index, entries, "flyway/migrations"), Some(true));
        assert_eq!(holds_migrations(&index, entries, "alembic/migrations"), Some(true));
        assert_eq!(holds_migrations(&index, entries, "diesel/migrations"), Some(true));
        assert_eq!(
            holds_migrations(&index, entries, "memory/migrations"),
            Some(false),
            "code named so"
        );
        assert_eq!(
            holds_migrations(&index, entries, "api/migrations"),
            None,
            "an app's first migration goes here"
        );
    }

    #[test]
    fn a_folder_of_code_only_is_a_migrator_not_migrations() {
        let (_dir, index) = crate::repo::index::test_index(&[
            ("src/migration/migration.go", ""),
            ("store/migration/sqlite/0.17/00__init.sql", ""),
            ("db/old_migrations/patch-users.sql", ""),
            ("db/knex_migrations/2023-10-01-0000-init.js", ""),
            ("pkg/migrations/__init__.py", ""),
        ]);
        let registry = Registry::builtin().unwrap();
        let only_code = |dir: &str| only_code(&registry, &index, dir);
        assert!(only_code("src/migration"));
        assert!(!only_code("store/migration"), "one folder per dialect");
        assert!(!only_code("db/old_migrations"), "SQL is no migrator's code");
        assert!(!only_code("db/knex_migrations"), "named in order");
        assert!(!only_code("pkg/migrations"), "an empty package");
        let project = crate::ecosystems::Project::new(".", crate::ecosystems::project::Ecosystem::Go, "go.mod");
        let named = |code_is_not_one| migration_named_dirs(&registry, &index, &project, code_is_not_one);
        assert!(named(true).iter().all(|d| d != "src/migration"));
        assert!(
            named(false).iter().any(|d| d == "src/migration"),
            "without a tool it still answers"
        );
    }
}
