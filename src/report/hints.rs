//! What archprompt looks for to fill each field, and how a person fills it when it cannot.
//! Shared by `scan` (the `hint` of unknown fields) and `doctor`.

use super::field_name::FieldName;

/// (field, what archprompt looks for, an example of a filled value)
const HINTS: &[(FieldName, &str, &str)] = &[
    (
        FieldName::TechStack,
        "a manifest (package.json, deno.json, pyproject.toml, requirements*.txt, Pipfile, Cargo.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, mix.exs, gleam.toml, *.csproj), plus lockfiles for the package manager",
        "TypeScript on Node.js 20, NestJS, Prisma, PostgreSQL, pnpm",
    ),
    (
        FieldName::BackendFramework,
        "a known server framework among the backend project's dependencies (`archprompt detectors` lists them)",
        "FastAPI",
    ),
    (
        FieldName::DatabaseSystem,
        "database drivers and ORM dialects (Prisma provider, Django ENGINE, knexfile client, …), docker compose images and .env.example URLs",
        "PostgreSQL, Redis (cache)",
    ),
    (
        FieldName::SourceDirs,
        "the framework's and ecosystem's conventional source directories (src, app, server, the package directory)",
        "src",
    ),
    (
        FieldName::TestDirs,
        "tests/, test/, __tests__/, spec/ and test files beside the code (*.spec.ts, test_*.py)",
        "tests",
    ),
    (
        FieldName::DbMigrationsDirs,
        "where the migration tool's config puts migrations (alembic.ini, diesel.toml, .sequelizerc, knexfile, drizzle.config, TypeORM DataSource, Prisma schema) and their default locations",
        "migrations",
    ),
    (
        FieldName::DevCommand,
        "package.json scripts (dev, start:dev, serve, start), Makefile/justfile targets, pyproject task tables, then the framework's dev server",
        "pnpm dev",
    ),
    (
        FieldName::MigrationCommand,
        "scripts and targets named migrate, db:migrate, migration:run, …, then the migration tool's apply command, then the README's and CI workflows' migration commands",
        "uv run alembic upgrade head",
    ),
    (
        FieldName::TestCommand,
        "the test script or target, then the test runner among the dependencies (jest, vitest, pytest, cargo test), then the README's and CI workflows' test commands",
        "npm test",
    ),
    (
        FieldName::BuildCommand,
        "build scripts and targets, then the framework or compiler build (nest build, tsc, cargo build --release)",
        "pnpm build",
    ),
    (
        FieldName::DbCommand,
        "scripts named db, db:studio, dbshell, the ORM's shell or studio, a compose service running the database, then a client for the URL or DB_HOST/DB_USER/DB_DATABASE in .env.example",
        "psql \"$DATABASE_URL\"",
    ),
];

/// Examples in the repository's own language, for the commands most often left unknown:
/// (field, language, example). The default above stands for the rest.
const EXAMPLES: &[(FieldName, &str, &str)] = &[
    (FieldName::MigrationCommand, "JavaScript", "npm run migrate"),
    (FieldName::MigrationCommand, "TypeScript", "npx prisma migrate deploy"),
    (
        FieldName::MigrationCommand,
        "Go",
        "migrate -path migrations -database \"$DATABASE_URL\" up",
    ),
    (FieldName::MigrationCommand, "Rust", "sqlx migrate run"),
    (FieldName::MigrationCommand, "Ruby", "bin/rails db:migrate"),
    (FieldName::MigrationCommand, "PHP", "php artisan migrate"),
    (FieldName::MigrationCommand, "Elixir", "mix ecto.migrate"),
    (FieldName::MigrationCommand, "Java", "./mvnw flyway:migrate"),
    (FieldName::MigrationCommand, "Kotlin", "./gradlew flywayMigrate"),
    (FieldName::MigrationCommand, "C#", "dotnet ef database update"),
    (FieldName::DbCommand, "Ruby", "bin/rails dbconsole"),
    (FieldName::DbCommand, "PHP", "php artisan db"),
    (FieldName::DbCommand, "Elixir", "psql \"$DATABASE_URL\""),
    (FieldName::TestCommand, "Python", "pytest"),
    (FieldName::TestCommand, "Go", "go test ./..."),
    (FieldName::TestCommand, "Rust", "cargo test"),
    (FieldName::TestCommand, "Ruby", "bin/rails test"),
    (FieldName::TestCommand, "Elixir", "mix test"),
    (FieldName::TestCommand, "Gleam", "gleam test"),
    (FieldName::TestCommand, "C#", "dotnet test"),
    (FieldName::DevCommand, "Python", "uvicorn app.main:app --reload"),
    (FieldName::DevCommand, "Go", "go run ."),
    (FieldName::DevCommand, "Rust", "cargo run"),
    (FieldName::DevCommand, "Ruby", "bin/dev"),
    (FieldName::DevCommand, "Elixir", "mix phx.server"),
    (FieldName::DevCommand, "Gleam", "gleam run"),
    (FieldName::BuildCommand, "Go", "go build ./..."),
    (FieldName::BuildCommand, "Rust", "cargo build --release"),
    (FieldName::BackendFramework, "JavaScript", "Express"),
    (FieldName::BackendFramework, "TypeScript", "NestJS"),
    (FieldName::BackendFramework, "Go", "net/http (standard library)"),
    (FieldName::BackendFramework, "Rust", "Axum"),
    (FieldName::BackendFramework, "Ruby", "Ruby on Rails"),
    (FieldName::BackendFramework, "PHP", "Laravel"),
    (FieldName::BackendFramework, "Elixir", "Phoenix"),
    (FieldName::BackendFramework, "Java", "Spring Boot"),
    (FieldName::BackendFramework, "Kotlin", "Ktor"),
    (FieldName::BackendFramework, "C#", "ASP.NET Core"),
    (FieldName::BackendFramework, "Gleam", "Wisp"),
];

fn entry(name: &str) -> Option<&'static (FieldName, &'static str, &'static str)> {
    let field = FieldName::parse(name)?;
    HINTS.iter().find(|(f, _, _)| *f == field)
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
    let own = language.and_then(|l| EXAMPLES.iter().find(|(f, lang, _)| f.as_str() == field && *lang == l));
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
pub fn unknown(field: FieldName, reason: &str) -> String {
    format!("{reason}. Looked for: {}", looked_for(field.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_a_hint() {
        for field in FieldName::ALL {
            assert!(entry(field.as_str()).is_some(), "{field}");
            assert!(how_to_fill(field.as_str()).contains(&format!("{{{{{field}}}}}")));
        }
    }

    #[test]
    fn examples_follow_the_language() {
        assert!(how_to_fill_in("migration_command", Some("Go")).contains("migrate -path migrations"));
        assert!(how_to_fill_in("migration_command", None).contains("alembic"));
        assert!(how_to_fill_in("migration_command", Some("Cobol")).contains("alembic"));
        assert!(how_to_fill_in("backend_framework", Some("Go")).contains("net/http"));
        assert!(how_to_fill_in("backend_framework", Some("C#")).contains("ASP.NET Core"));
    }
}
