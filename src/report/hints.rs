//! What archprompt looks for to fill each field, and how a person fills it when it cannot.
//! Shared by `scan` (the `hint` of unknown fields) and `doctor`.

/// (field, what archprompt looks for, an example of a filled value)
const HINTS: &[(&str, &str, &str)] = &[
    (
        "tech_stack",
        "a manifest (package.json, deno.json, pyproject.toml, requirements*.txt, Pipfile, Cargo.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, mix.exs, *.csproj), plus lockfiles for the package manager",
        "TypeScript on Node.js 20, NestJS, Prisma, PostgreSQL, pnpm",
    ),
    (
        "backend_framework",
        "a known server framework among the backend project's dependencies (`archprompt detectors` lists them)",
        "FastAPI",
    ),
    (
        "database_system",
        "database drivers and ORM dialects (Prisma provider, Django ENGINE, knexfile client, …), docker compose images and .env.example URLs",
        "PostgreSQL, Redis (cache)",
    ),
    (
        "source_dirs",
        "the framework's and ecosystem's conventional source directories (src, app, server, the package directory)",
        "src",
    ),
    (
        "test_dirs",
        "tests/, test/, __tests__/, spec/ and test files beside the code (*.spec.ts, test_*.py)",
        "tests",
    ),
    (
        "db_migrations_dirs",
        "where the migration tool's config puts migrations (alembic.ini, diesel.toml, .sequelizerc, knexfile, drizzle.config, TypeORM DataSource, Prisma schema) and their default locations",
        "migrations",
    ),
    (
        "dev_command",
        "package.json scripts (dev, start:dev, serve, start), Makefile/justfile targets, pyproject task tables, then the framework's dev server",
        "pnpm dev",
    ),
    (
        "migration_command",
        "scripts and targets named migrate, db:migrate, migration:run, …, then the migration tool's apply command, then the README's and CI workflows' migration commands",
        "uv run alembic upgrade head",
    ),
    (
        "test_command",
        "the test script or target, then the test runner among the dependencies (jest, vitest, pytest, cargo test), then the README's and CI workflows' test commands",
        "npm test",
    ),
    (
        "build_command",
        "build scripts and targets, then the framework or compiler build (nest build, tsc, cargo build --release)",
        "pnpm build",
    ),
    (
        "db_command",
        "scripts named db, db:studio, dbshell, the ORM's shell or studio, a compose service running the database, then a client for the URL or DB_HOST/DB_USER/DB_DATABASE in .env.example",
        "psql \"$DATABASE_URL\"",
    ),
];

/// Examples in the repository's own language, for the commands most often left unknown:
/// (field, language, example). The default above stands for the rest.
const EXAMPLES: &[(&str, &str, &str)] = &[
    ("migration_command", "JavaScript", "npm run migrate"),
    ("migration_command", "TypeScript", "npx prisma migrate deploy"),
    (
        "migration_command",
        "Go",
        "migrate -path migrations -database \"$DATABASE_URL\" up",
    ),
    ("migration_command", "Rust", "sqlx migrate run"),
    ("migration_command", "Ruby", "bin/rails db:migrate"),
    ("migration_command", "PHP", "php artisan migrate"),
    ("migration_command", "Elixir", "mix ecto.migrate"),
    ("migration_command", "Java", "./mvnw flyway:migrate"),
    ("migration_command", "Kotlin", "./gradlew flywayMigrate"),
    ("migration_command", "C#", "dotnet ef database update"),
    ("db_command", "Ruby", "bin/rails dbconsole"),
    ("db_command", "PHP", "php artisan db"),
    ("db_command", "Elixir", "psql \"$DATABASE_URL\""),
    ("test_command", "Python", "pytest"),
    ("test_command", "Go", "go test ./..."),
    ("test_command", "Rust", "cargo test"),
    ("test_command", "Ruby", "bin/rails test"),
    ("test_command", "Elixir", "mix test"),
    ("test_command", "C#", "dotnet test"),
    ("dev_command", "Python", "uvicorn app.main:app --reload"),
    ("dev_command", "Go", "go run ."),
    ("dev_command", "Rust", "cargo run"),
    ("dev_command", "Ruby", "bin/dev"),
    ("dev_command", "Elixir", "mix phx.server"),
    ("build_command", "Go", "go build ./..."),
    ("build_command", "Rust", "cargo build --release"),
];

fn entry(field: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    HINTS.iter().find(|(name, _, _)| *name == field)
}

/// What archprompt looked for to fill `field`.
pub fn looked_for(field: &str) -> &'static str {
    entry(field)
        .map(|e| e.1)
        .unwrap_or("a value for this custom template variable")
}

/// How to fill `field` by hand.
pub fn how_to_fill(field: &str) -> String {
    how_to_fill_in(field, None)
}

/// How to fill `field` by hand, with an example in `language` when there is one.
pub fn how_to_fill_in(field: &str, language: Option<&str>) -> String {
    let own = language.and_then(|l| EXAMPLES.iter().find(|(f, lang, _)| *f == field && *lang == l));
    match entry(field).map(|(name, looked, example)| (name, looked, own.map_or(*example, |o| o.2))) {
        Some((_, _, example)) => format!(
            "pin it in archprompt.toml (`[values]` {field} = \"{}\") and run `archprompt doctor --fix`, or replace {{{{{field}}}}} with the value by hand, e.g. `{example}`",
            example.replace('\\', "\\\\").replace('"', "\\\"")
        ),
        None => format!(
            "set it in archprompt.toml (`[values]` {field} = \"…\") and run `archprompt doctor --fix`, or replace {{{{{field}}}}} by hand"
        ),
    }
}

/// The `hint` of an unknown field: the specific reason, then what was looked for.
pub fn unknown(field: &str, reason: &str) -> String {
    format!("{reason}. Looked for: {}", looked_for(field))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FIELD_NAMES;

    #[test]
    fn every_field_has_a_hint() {
        for field in FIELD_NAMES {
            assert!(entry(field).is_some(), "{field}");
            assert!(how_to_fill(field).contains(&format!("{{{{{field}}}}}")));
        }
    }

    #[test]
    fn examples_follow_the_language() {
        assert!(how_to_fill_in("migration_command", Some("Go")).contains("migrate -path migrations"));
        assert!(how_to_fill_in("migration_command", None).contains("alembic"));
        assert!(how_to_fill_in("migration_command", Some("Cobol")).contains("alembic"));
    }
}
