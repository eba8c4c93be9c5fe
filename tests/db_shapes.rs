//! Scans of small generated trees about the database a development setup opens: which
//! connection, which file, which compose service, and when migrations run at start-up.

mod common;

use archprompt::report::{FieldName, State};
use common::scan_tree;

const SPRING_POM: &str = r#"<project>
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId><version>3.3.5</version></parent>
  <dependencies>
    <dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency>
    <dependency><groupId>org.flywaydb</groupId><artifactId>flyway-core</artifactId></dependency>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>
  </dependencies>
</project>
"#;

fn spring_app(properties: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut files = vec![
        ("pom.xml", SPRING_POM),
        ("mvnw", "#!/bin/sh\n"),
        ("src/main/java/com/acme/App.java", "class App {}\n"),
        (
            "src/main/resources/db/migration/V1__init.sql",
            "create table t (id int);\n",
        ),
    ];
    files.extend_from_slice(properties);
    files
}

#[test]
fn spring_boot_applies_flyway_at_start_up_unless_switched_off() {
    let on = scan_tree(&spring_app(&[]));
    let migrate = on.field(FieldName::MigrationCommand);
    assert_eq!(migrate.value.as_deref(), Some("./mvnw spring-boot:run"));
    assert!(
        migrate.evidence[0].reason.contains("when it starts"),
        "{:?}",
        migrate.evidence
    );

    let off = scan_tree(&spring_app(&[(
        "src/main/resources/application.properties",
        "spring.flyway.enabled=false\n",
    )]));
    assert_eq!(off.field(FieldName::MigrationCommand).state, State::Unknown);
}

#[test]
fn the_client_opens_the_development_connection_never_the_production_one() {
    let report = scan_tree(&spring_app(&[
        (
            "src/main/resources/application-prod.properties",
            "spring.datasource.url=jdbc:postgresql://orders-db.prod.internal:5432/orders\n",
        ),
        (
            "src/main/resources/application.properties",
            "spring.datasource.url=jdbc:postgresql://localhost:5432/orders\nspring.datasource.username=orders\n",
        ),
    ]));
    let db = report.field(FieldName::DbCommand);
    assert_eq!(
        db.value.as_deref(),
        Some("psql \"postgresql://orders@localhost:5432/orders\"")
    );

    let only_prod = scan_tree(&spring_app(&[(
        "src/main/resources/application-prod.properties",
        "spring.datasource.url=jdbc:postgresql://orders-db.prod.internal:5432/orders\n",
    )]));
    let db = only_prod.field(FieldName::DbCommand);
    assert!(!db.value.as_deref().unwrap_or("").contains("prod.internal"), "{db:?}");
}

#[test]
fn passwords_never_reach_the_command_or_its_evidence() {
    let report = scan_tree(&[
        ("requirements.txt", "flask\nflask-sqlalchemy\npsycopg2-binary\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
        (
            "config.py",
            "SQLALCHEMY_DATABASE_URI = 'postgresql://app:pa#ss/wd@localhost/shop'\n",
        ),
    ]);
    let db = report.field(FieldName::DbCommand);
    assert_eq!(db.value.as_deref(), Some("psql \"postgresql://app@localhost/shop\""));
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("pa#ss"), "{json}");
}

#[test]
fn an_embedded_file_is_where_the_dev_command_runs_the_app() {
    let report = scan_tree(&[
        (
            "backend/go.mod",
            "module acme/notes\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.10.0\n\tgorm.io/gorm v1.25.12\n\tgorm.io/driver/sqlite v1.5.6\n)\n",
        ),
        (
            "backend/main.go",
            "package main\n\nfunc main() {\n\tdb, _ := gorm.Open(sqlite.Open(\"data/notes.db\"), nil)\n\t_ = db\n}\n",
        ),
    ]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("cd backend && go run .")
    );
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("sqlite3 backend/data/notes.db")
    );
}

#[test]
fn a_commented_out_url_is_not_the_database() {
    let report = scan_tree(&[
        ("requirements.txt", "flask\nflask-sqlalchemy\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
        (
            "config.py",
            "# SQLALCHEMY_DATABASE_URI = 'postgresql://forum@localhost:5432/forum'\nSQLALCHEMY_DATABASE_URI = 'sqlite:///forum.sqlite'\n",
        ),
    ]);
    assert_eq!(report.field(FieldName::DatabaseSystem).value.as_deref(), Some("SQLite"));
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("sqlite3 forum.sqlite")
    );
}

#[test]
fn a_mariadb_container_is_a_mysql_apps_database() {
    let report = scan_tree(&[
        (
            "go.mod",
            "module acme/blog\n\ngo 1.22\n\nrequire (\n\tgithub.com/gorilla/mux v1.8.1\n\tgithub.com/go-sql-driver/mysql v1.8.1\n)\n",
        ),
        ("main.go", "package main\n\nfunc main() {}\n"),
        (
            "docker-compose.yml",
            "services:\n  db:\n    image: mariadb:11\n    environment:\n      MYSQL_DATABASE: blog\n      MYSQL_USER: blog\n      MYSQL_ROOT_PASSWORD: root\n",
        ),
    ]);
    assert_eq!(report.field(FieldName::DatabaseSystem).value.as_deref(), Some("MySQL"));
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("docker compose exec db mariadb -u blog -p blog")
    );
}

/// An app's own settings file names the database it uses by default and where it is (issue 17):
/// a server's host, port, user and name give the client its connection; no password is printed.
#[test]
fn an_apps_settings_file_names_its_default_database_and_where_it_is() {
    let go_mod = "module example.com/svc\n\ngo 1.23\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.1.0\n\tgithub.com/jackc/pgx/v5 v5.7.1\n\tgithub.com/go-sql-driver/mysql v1.8.1\n)\n";
    let main = "package main\n\nimport \"github.com/go-chi/chi/v5\"\n\nfunc main() { _ = chi.NewRouter() }\n";
    let server = scan_tree(&[
        ("go.mod", go_mod),
        ("main.go", main),
        (
            "config/config.yaml",
            "database:\n  type: postgres\n  host: localhost\n  port: 5432\n  user: svc\n  password: s3cret\n  dbname: svc_dev\n",
        ),
    ]);
    let database = server.field(FieldName::DatabaseSystem);
    assert_eq!(database.value.as_deref(), Some("PostgreSQL, MySQL"), "{database:?}");
    assert!(database.evidence.iter().any(|e| e.file == "config/config.yaml"));
    let shell = server.field(FieldName::DbCommand).value.clone().unwrap_or_default();
    assert_eq!(shell, "psql \"postgres://svc@localhost:5432/svc_dev\"");
    assert!(!shell.contains("s3cret"));
    // A section without a dialect archprompt knows, or a YAML file that is not the app's
    // settings, changes nothing.
    let other = scan_tree(&[
        ("go.mod", go_mod),
        ("main.go", main),
        ("config.yml", "database:\n  type: fancy-store\n  path: data/x.fancy\n"),
    ]);
    let without = scan_tree(&[("go.mod", go_mod), ("main.go", main)]);
    assert_eq!(
        other.field(FieldName::DatabaseSystem).value,
        without.field(FieldName::DatabaseSystem).value
    );
    assert_ne!(other.field(FieldName::DbCommand).state, State::Found);
}

/// A settings file at the root beside a backend in a subfolder is some other program's.
#[test]
fn a_root_settings_file_does_not_speak_for_a_backend_in_a_subfolder() {
    let manifest =
        r#"{"name":"api","scripts":{"start":"node src/index.js"},"dependencies":{"express":"^4.21.0","pg":"^8.12.0"}}"#;
    let with = scan_tree(&[
        ("api/package.json", manifest),
        ("api/src/index.js", "require('express')\n"),
        ("config.yml", "database:\n  driver: sqlite3\n  name: tool.db\n"),
    ]);
    assert_eq!(
        with.field(FieldName::DatabaseSystem).value.as_deref(),
        Some("PostgreSQL")
    );
    assert_ne!(
        with.field(FieldName::DbCommand).value.as_deref(),
        Some("sqlite3 api/tool.db")
    );
}

/// A default written in code names the app's database; an env template that sets the same
/// variable is what a developer copies, and overrides it.
#[test]
fn an_env_template_overrides_the_default_written_in_code() {
    let laravel = [
        (
            "composer.json",
            r#"{"require": {"php": "^8.2", "laravel/framework": "^10.0"}}"#,
        ),
        ("artisan", "#!/usr/bin/env php\n"),
        (
            "config/database.php",
            "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'mysql'),\n];\n",
        ),
    ];
    let report = scan_tree(&laravel);
    assert_eq!(report.field(FieldName::DatabaseSystem).value.as_deref(), Some("MySQL"));
    let mut with_template = laravel.to_vec();
    with_template.push((".env.example", "DB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\n"));
    let report = scan_tree(&with_template);
    assert_eq!(
        report.field(FieldName::DatabaseSystem).value.as_deref(),
        Some("PostgreSQL")
    );
}

/// A stack of published images whose database publishes no port is a deployment: an app run on
/// the host reaches the database its env template points at. A stack that builds the app keeps
/// the app beside its database, and its shell is the way in.
#[test]
fn a_deployment_stacks_database_is_not_the_one_the_host_reaches() {
    let compose = |app: &str| {
        format!(
            "services:\n  app:\n    {app}\n    ports: [\"3000:3000\"]\n    depends_on: [db]\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: docs\n      POSTGRES_PASSWORD: secret\n"
        )
    };
    let package = r#"{"scripts": {"dev": "node server.js"}, "dependencies": {"express": "^4", "pg": "^8"}}"#;
    let env = "DATABASE_URL=postgresql://postgres:password@localhost:5432/docs\n";
    let deployed = compose("image: acme/docs:latest");
    let report = scan_tree(&[
        ("package.json", package),
        ("docker-compose.yml", &deployed),
        (".env.example", env),
    ]);
    // Spelled out, password left out: a shell does not load the `.env` the app reads.
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("psql \"postgresql://postgres@localhost:5432/docs\"")
    );
    let built = compose("build: .");
    let report = scan_tree(&[
        ("package.json", package),
        ("docker-compose.yml", &built),
        (".env.example", env),
    ]);
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("docker compose exec db psql -U docs")
    );
}

/// A shell line of the README that opens the database's client is how the team opens it:
/// documented beats a client built from the configuration. A line that runs a file and exits is
/// not a console.
#[test]
fn a_documented_console_beats_a_built_client() {
    let package = r#"{"scripts": {"dev": "node server.js"}, "dependencies": {"express": "^4", "pg": "^8"}}"#;
    let env = "DATABASE_URL=postgresql://app@localhost:5432/app\n";
    let readme = "# App\n\n## Database\n\n```sh\npsql -h localhost -U app app < schema.sql\npgcli postgresql://app@localhost/app\n```\n";
    let report = scan_tree(&[("package.json", package), (".env.example", env), ("README.md", readme)]);
    let field = report.field(FieldName::DbCommand);
    assert_eq!(field.value.as_deref(), Some("pgcli postgresql://app@localhost/app"));
    assert_eq!(field.evidence[0].file, "README.md");
    let report = scan_tree(&[("package.json", package), (".env.example", env)]);
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("psql \"postgresql://app@localhost:5432/app\"")
    );
    // Options a client may not take or may need (`?schema=public`, `?authSource=admin`): the URL
    // is read from its variable, as written.
    let with_options = "DATABASE_URL=postgresql://app@localhost:5432/app?schema=public\n";
    let report = scan_tree(&[("package.json", package), (".env.example", with_options)]);
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("psql \"$DATABASE_URL\"")
    );
    // A URL left for each developer to set is read where it is set.
    let report = scan_tree(&[("package.json", package), (".env.example", "DATABASE_URL=\n")]);
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("psql \"$DATABASE_URL\"")
    );
}

/// Rails: the development section's own adapter is the database a developer gets, above the
/// shared defaults' `ENV.fetch(…, "postgresql")` and the driver gems for the others.
#[test]
fn the_development_sections_adapter_comes_first() {
    let database_yml = "env: &env\n  adapter: <%= ENV.fetch(\"DATABASE_ADAPTER\", \"postgresql\") %>\n  database: <%= ENV.fetch(\"DATABASE_NAME\", \"shelf\") %>\n\ndevelopment:\n  <<: *env\n  adapter: sqlite3\n  database: db/development.sqlite3\n\nproduction:\n  <<: *env\n";
    let report = scan_tree(&[
        (
            "Gemfile",
            "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\ngem 'mysql2'\ngem 'sqlite3'\n",
        ),
        ("config/database.yml", database_yml),
        ("bin/rails", "#!/usr/bin/env ruby\n"),
    ]);
    let field = report.field(FieldName::DatabaseSystem);
    assert_eq!(field.value.as_deref(), Some("SQLite, PostgreSQL, MySQL"));
}

/// Of a migration CLI's scripts, the one that applies every pending migration (`latest`) is the
/// migrate command, not the one that applies a single step (`up`).
#[test]
fn the_script_that_applies_every_migration_is_the_migrate_command() {
    let package = r#"{"scripts": {"dev": "tsx watch src/main.ts", "migration:up": "tsx src/database/migrate.ts up", "migration:latest": "tsx src/database/migrate.ts latest"}, "dependencies": {"fastify": "^4", "kysely": "^0.27", "pg": "^8"}}"#;
    let report = scan_tree(&[("package.json", package), ("src/main.ts", "export {};\n")]);
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("npm run migration:latest")
    );
}

/// A default written in code counts only in the app's own settings: not in an example's folder,
/// nor in another project below the backend (a frontend's `src/config.ts`).
#[test]
fn only_the_apps_own_settings_code_names_its_default() {
    let go_mod = "module acme/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.1.0\n\tgorm.io/driver/postgres v1.5.9\n\tgorm.io/gorm v1.25.12\n)\n";
    let report = scan_tree(&[
        ("go.mod", go_mod),
        ("main.go", "package main\n\nfunc main() {}\n"),
        (
            "examples/mysql/config.go",
            "package mysql\n\nvar c = Database{Dialect: \"mysql\"}\n",
        ),
        (
            "web/package.json",
            r#"{"name": "web", "dependencies": {"react": "^18"}}"#,
        ),
        ("web/src/config.ts", "export const config = { dbType: 'sqlite' };\n"),
        (
            "config/config.go",
            "package config\n\nvar cache = Cache{Driver: \"sqlite\", File: \"cache.db\"}\n",
        ),
    ]);
    assert_eq!(
        report.field(FieldName::DatabaseSystem).value.as_deref(),
        Some("PostgreSQL")
    );
}

/// GORM's pure-Go SQLite driver (`github.com/glebarez/sqlite`) is a GORM dialect like
/// `gorm.io/driver/sqlite`: the SQLite it opens is kept beside the other dialects imported.
#[test]
fn gorms_pure_go_sqlite_driver_names_sqlite() {
    let go_mod = "module acme/gists\n\ngo 1.22\n\nrequire (\n\tgithub.com/glebarez/sqlite v1.11.0\n\tgithub.com/labstack/echo/v4 v4.12.0\n\tgorm.io/driver/postgres v1.6.0\n\tgorm.io/gorm v1.25.12\n)\n";
    let db_go = "package db\n\nimport (\n\t\"github.com/glebarez/sqlite\"\n\t\"gorm.io/driver/postgres\"\n\t\"gorm.io/gorm\"\n)\n\nfunc Open(dsn string, pg bool) (*gorm.DB, error) {\n\tif pg {\n\t\treturn gorm.Open(postgres.Open(dsn), &gorm.Config{})\n\t}\n\treturn gorm.Open(sqlite.Open(dsn), &gorm.Config{})\n}\n";
    let report = scan_tree(&[
        ("go.mod", go_mod),
        ("main.go", "package main\n\nfunc main() {}\n"),
        ("internal/db/db.go", db_go),
    ]);
    let value = report
        .field(FieldName::DatabaseSystem)
        .value
        .clone()
        .unwrap_or_default();
    assert!(value.contains("SQLite"), "{value}");
}

#[test]
fn an_env_template_value_that_says_not_set_names_no_database() {
    // Laravel's .env.example as snipe-it writes it: `null` is for the developer to fill.
    let report = scan_tree(&[
        ("composer.json", r#"{"require": {"laravel/framework": "^11.0"}}"#),
        ("artisan", "#!/usr/bin/env php\n"),
        ("app/Models/User.php", "<?php\n"),
        ("database/migrations/2024_01_01_000000_create_users.php", "<?php\n"),
        (
            ".env.example",
            "DB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_PORT=3306\nDB_DATABASE=null\nDB_USERNAME=null\n",
        ),
    ]);
    let console = report.field(FieldName::DbCommand);
    assert!(!console.value.as_deref().unwrap_or("").contains("null"), "{console:?}");
}

#[test]
fn a_default_after_or_and_a_knexfile_fallback_pick_the_database() {
    let django = scan_tree(&[
        ("requirements.txt", "django==5.0\npsycopg2-binary==2.9\n"),
        ("manage.py", "import django\n"),
        (
            "shop/settings/base.py",
            "import os\nDATABASES = {\"default\": {\"ENGINE\": os.getenv(\"DB_ENGINE\") or \"django.db.backends.sqlite3\"}}\n",
        ),
    ]);
    let db = django.field(FieldName::DatabaseSystem);
    assert!(db.value.as_deref().unwrap_or("").starts_with("SQLite"), "{db:?}");

    let knex = scan_tree(&[
        (
            "package.json",
            r#"{"dependencies": {"express": "^4.0.0", "knex": "^3.0.0", "pg": "^8.0.0", "better-sqlite3": "^11.0.0"}}"#,
        ),
        ("src/server.js", "require('express')\n"),
        (
            "knexfile.js",
            "module.exports = { client: process.env.DB_CLIENT, connection: process.env.DATABASE_URL || \"sqlite://./data/app.db\" };\n",
        ),
    ]);
    let db = knex.field(FieldName::DatabaseSystem);
    assert!(db.value.as_deref().unwrap_or("").starts_with("SQLite"), "{db:?}");
    // The console of another database is never given for it.
    let console = knex.field(FieldName::DbCommand);
    assert!(!console.value.as_deref().unwrap_or("").contains("psql"), "{console:?}");
}

#[test]
fn an_integration_test_harness_is_not_the_apps_settings() {
    let report = scan_tree(&[
        (
            "go.mod",
            "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgorm.io/gorm v1.25.0\n\tgorm.io/driver/sqlite v1.5.0\n)\n",
        ),
        ("main.go", "package main\n\nimport \"gorm.io/gorm\"\n\nfunc main() {}\n"),
        (
            "integration/harness/config.go",
            "package harness\n\nvar Env = Database{Driver: \"sqlite\", Path: \"/tmp/integration_test.sqlite3\"}\n",
        ),
    ]);
    let console = report.field(FieldName::DbCommand);
    assert!(
        !console.value.as_deref().unwrap_or("").contains("integration_test"),
        "{console:?}"
    );
}

#[test]
fn an_embedded_stores_file_named_in_an_env_template_or_beside_the_config() {
    // kutt: knex reads `filename` from DB_FILENAME.
    let knex = scan_tree(&[
        (
            "package.json",
            r#"{"dependencies": {"express": "^4.0.0", "knex": "^3.0.0", "better-sqlite3": "^11.0.0"}}"#,
        ),
        ("server/server.js", "require('express')\n"),
        (".example.env", "DB_CLIENT=better-sqlite3\nDB_FILENAME=db/data\n"),
    ]);
    assert_eq!(
        knex.field(FieldName::DbCommand).value.as_deref(),
        Some("sqlite3 db/data")
    );

    // Ecto's SQLite3 adapter, the file built beside config/dev.exs.
    let ecto = scan_tree(&[
        (
            "mix.exs",
            "defmodule App.MixProject do\n  defp deps do\n    [{:phoenix, \"~> 1.7\"}, {:ecto_sql, \"~> 3.10\"}, {:ecto_sqlite3, \">= 0.0.0\"}]\n  end\nend\n",
        ),
        (
            "lib/app/repo.ex",
            "defmodule App.Repo do\n  use Ecto.Repo, otp_app: :app, adapter: Ecto.Adapters.SQLite3\nend\n",
        ),
        (
            "config/dev.exs",
            "import Config\nconfig :app, App.Repo,\n  database: Path.expand(\"../priv/repo/app_dev.db\", Path.dirname(__ENV__.file)),\n  pool_size: 5\n",
        ),
    ]);
    assert_eq!(
        ecto.field(FieldName::DbCommand).value.as_deref(),
        Some("sqlite3 priv/repo/app_dev.db")
    );
}

const LARAVEL_COMPOSER: &str = r#"{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}"#;

fn laravel_in_compose(env: &'static str, compose: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("composer.json", LARAVEL_COMPOSER),
        ("artisan", "#!/usr/bin/env php\n<?php\n"),
        ("app/Models/User.php", "<?php\n"),
        ("database/migrations/2024_01_01_000000_create_users.php", "<?php\n"),
        (".env.example", env),
        ("docker-compose.yml", compose),
        ("Dockerfile", "FROM php:8.3-fpm\nRUN composer install\n"),
    ]
}

const STACK: &str = "services:
  setup:
    build: .
    command: php artisan migrate --force
  queue:
    build:
      context: .
      dockerfile: queue.dockerfile
    depends_on: [mysql]
  app:
    build: .
    volumes: ['.:/var/www', './storage:/var/www/storage']
    depends_on: [mysql]
  web:
    image: nginx
    depends_on:
      app: {condition: service_started}
      setup: {condition: service_completed_successfully}
  mysql:
    image: mysql:8
    environment: {MYSQL_DATABASE: shop, MYSQL_USER: shop, MYSQL_ROOT_PASSWORD: root}
";

#[test]
fn an_app_that_reaches_its_database_by_a_compose_service_name_is_developed_in_the_stack() {
    let report = scan_tree(&laravel_in_compose(
        "DB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=shop\nDB_USERNAME=shop\n",
        STACK,
    ));
    // The app's service, the one that runs the code being edited: not the worker before it, nor
    // the job others wait for.
    let migrate = report.field(FieldName::MigrationCommand);
    assert_eq!(
        migrate.value.as_deref(),
        Some("docker compose run --rm app php artisan migrate")
    );
    assert!(
        migrate
            .evidence
            .iter()
            .any(|e| e.file == ".env.example" && e.reason.contains("DB_HOST names mysql")),
        "{:?}",
        migrate.evidence
    );
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("docker compose up")
    );
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("docker compose exec mysql mysql -u shop -p shop")
    );

    // The same stack, with the app told to reach a database on this machine: developed on the host.
    let host = scan_tree(&laravel_in_compose(
        "DB_CONNECTION=mysql\nDB_HOST=127.0.0.1\nDB_DATABASE=shop\nDB_USERNAME=shop\n",
        STACK,
    ));
    assert_eq!(
        host.field(FieldName::MigrationCommand).value.as_deref(),
        Some("php artisan migrate")
    );
    assert_eq!(
        host.field(FieldName::DevCommand).value.as_deref(),
        Some("php artisan serve")
    );

    // A URL of this machine beside the deployment's host keeps the app on the host.
    let both = scan_tree(&laravel_in_compose(
        "DB_CONNECTION=mysql\nDATABASE_URL=mysql://shop@127.0.0.1:3306/shop\nDB_HOST=mysql\n",
        STACK,
    ));
    assert_eq!(
        both.field(FieldName::MigrationCommand).value.as_deref(),
        Some("php artisan migrate")
    );

    // A stack in a Dev Containers folder is where the editor's terminal runs: commands as on the host.
    let mut devcontainer = laravel_in_compose("DB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=shop\n", STACK);
    devcontainer.retain(|(file, _)| *file != "docker-compose.yml");
    devcontainer.push((".devcontainer/docker-compose.yml", STACK));
    let report = scan_tree(&devcontainer);
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("php artisan migrate")
    );
}

#[test]
fn an_apps_image_built_in_stages_with_no_source_mounted_may_not_run_its_tools() {
    let stack = "services:
  app:
    build: .
    depends_on: [mysql]
  mysql:
    image: mysql:8
    environment: {MYSQL_DATABASE: shop, MYSQL_ROOT_PASSWORD: root}
";
    let mut files = laravel_in_compose("DB_CONNECTION=mysql\nDB_HOST=mysql\n", stack);
    let report = scan_tree(&files);
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("docker compose run --rm app php artisan migrate")
    );
    files.retain(|(file, _)| *file != "Dockerfile");
    files.push((
        "Dockerfile",
        "FROM composer:2 AS vendor\nRUN composer install\nFROM php:8.3-fpm-alpine\nCOPY --from=vendor /app /app\n",
    ));
    let staged = scan_tree(&files);
    let migrate = staged.field(FieldName::MigrationCommand);
    assert_eq!(migrate.state, State::Unknown, "{migrate:?}");
    assert!(
        migrate.hint.as_deref().unwrap_or_default().contains("staged build"),
        "{migrate:?}"
    );
}

#[test]
fn in_the_stack_with_no_service_built_from_the_app_the_migrate_command_is_unknown() {
    let stack = "services:
  app:
    image: acme/shop:latest
    depends_on: [mysql]
  mysql:
    image: mysql:8
    profiles: []
    environment: {MYSQL_DATABASE: shop, MYSQL_USER: shop, MYSQL_ROOT_PASSWORD: root}
";
    let report = scan_tree(&laravel_in_compose(
        "DB_CONNECTION=mysql\nDB_HOST=mysql\nDB_DATABASE=shop\nDB_USERNAME=shop\n",
        stack,
    ));
    let migrate = report.field(FieldName::MigrationCommand);
    assert_eq!(migrate.state, State::Unknown, "{migrate:?}");
    assert!(
        migrate.hint.as_deref().unwrap_or_default().contains("cannot reach it"),
        "{migrate:?}"
    );
}

#[test]
fn a_database_service_behind_a_profile_is_not_the_default_one() {
    let files = vec![
        (
            "package.json",
            r#"{"name": "forum", "dependencies": {"express": "^4.19.0", "mongodb": "^6.0.0", "pg": "^8.11.0"}}"#,
        ),
        ("src/index.js", "require('express')\n"),
        (
            "docker-compose.yml",
            "services:
  mongo:
    image: mongo:7
    environment: {MONGO_INITDB_ROOT_USERNAME: forum, MONGO_INITDB_DATABASE: forum}
  postgres:
    image: postgres:16
    profiles: [postgres]
",
        ),
    ];
    let report = scan_tree(&files);
    let db = report.field(FieldName::DatabaseSystem);
    assert!(db.value.as_deref().unwrap_or_default().starts_with("MongoDB"), "{db:?}");
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("docker compose exec mongo mongosh -u forum -p --authenticationDatabase admin forum")
    );
}

/// .NET: the startup project reads its own `appsettings.json`; the one a data library ships
/// beside its DbContext counts only when the startup project has none.
#[test]
fn the_running_projects_own_settings_name_its_database_before_a_librarys() {
    let library_settings = r#"{"ConnectionStrings": {"AppDb": "Data Source=../../database/app.sqlite"}}"#;
    let mut files = vec![
        (
            "src/Api/Api.csproj",
            r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><ProjectReference Include="..\Data\Data.csproj" /></ItemGroup></Project>"#,
        ),
        (
            "src/Api/Program.cs",
            "var app = WebApplication.Create(args);\napp.Run();\n",
        ),
        (
            "src/Data/Data.csproj",
            r#"<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="9.0.0" /><PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="9.0.0" /></ItemGroup></Project>"#,
        ),
        ("src/Data/AppDbContext.cs", "public class AppDbContext : DbContext {}\n"),
        ("src/Data/appsettings.json", library_settings),
    ];
    let only_library = scan_tree(&files);
    assert_eq!(
        only_library.field(FieldName::DatabaseSystem).value.as_deref(),
        Some("SQLite, PostgreSQL")
    );
    files.push((
        "src/Api/appsettings.json",
        r#"{"ConnectionStrings": {"AppDb": "Host=localhost;Port=5433;Database=app;Username=app;Password=secret"}}"#,
    ));
    let report = scan_tree(&files);
    // The library's SQLite driver still makes SQLite a database it supports, after.
    assert_eq!(
        report.field(FieldName::DatabaseSystem).value.as_deref(),
        Some("PostgreSQL, SQLite")
    );
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("psql -h localhost -p 5433 -U app -d app")
    );
}

/// A URL given as a setting's fallback in a module of a `db` folder is where the
/// database is by default.
#[test]
fn a_connection_modules_fallback_url_is_the_default_database() {
    let files = [
        (
            "package.json",
            r#"{"name": "uptime", "dependencies": {"express": "^4.21.0", "mongoose": "^8.8.0"}}"#,
        ),
        ("index.js", "require('./db/connect')\n"),
        (
            "db/connect.js",
            "const mongoose = require('mongoose');\nconst uri = process.env.DB_CONNECTION_STRING || \"mongodb://localhost:27017/uptime_db\";\nmongoose.connect(uri);\n",
        ),
    ];
    let report = scan_tree(&files);
    let field = report.field(FieldName::DbCommand);
    assert_eq!(
        field.value.as_deref(),
        Some("mongosh \"mongodb://localhost:27017/uptime_db\"")
    );
    assert_eq!(field.evidence[0].file, "db/connect.js");
}

/// An app that migrates from its own code, developed in a compose stack it has no service
/// built for: the migrate command is unknown there, and its migrations folder is still unknown,
/// never "none" (the migrations live in the code).
#[test]
fn in_the_stack_an_app_that_migrates_from_code_keeps_its_folders_unknown() {
    let main_go = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/go-nethttp-pgx-migrate-flag/main.go"),
    )
    .unwrap();
    let files = [
        (
            "go.mod",
            "module github.com/acme/feeds\n\ngo 1.22.4\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n",
        ),
        ("main.go", main_go.as_str()),
        (".env.example", "DB_HOST=db\nDB_USER=feeds\nDB_NAME=feeds\n"),
        (
            "docker-compose.yml",
            "services:\n  db:\n    image: postgres:16\n    environment: {POSTGRES_USER: feeds, POSTGRES_PASSWORD: feeds}\n",
        ),
    ];
    let report = scan_tree(&files);
    assert_eq!(report.field(FieldName::MigrationCommand).state, State::Unknown);
    let dirs = report.field(FieldName::DbMigrationsDirs);
    assert_eq!(dirs.state, State::Unknown, "{dirs:?}");
    assert!(
        dirs.hint.as_deref().unwrap_or_default().contains("-migrate"),
        "{dirs:?}"
    );
}

/// A Make target whose recipe opens the database's client is the console, above one only named
/// for the database (`make db`, which creates and migrates it).
#[test]
fn a_target_that_opens_the_client_beats_one_named_db() {
    let package = r#"{"scripts": {"dev": "node server.js"}, "dependencies": {"express": "^4", "pg": "^8"}}"#;
    let makefile = "db:\n\tnode scripts/init-db.js && npx knex migrate:latest\n\nsql:\n\tdocker compose exec postgres psql -U postgres\n";
    let report = scan_tree(&[("package.json", package), ("Makefile", makefile)]);
    let field = report.field(FieldName::DbCommand);
    assert_eq!(field.value.as_deref(), Some("make sql"));
    assert!(field.evidence[0].reason.contains("runs psql"), "{:?}", field.evidence);
    // Alone, the named target is still the way in the project gives.
    let named_only = "db:\n\tdocker compose run --rm tools dbshell\n";
    let report = scan_tree(&[("package.json", package), ("Makefile", named_only)]);
    assert_eq!(report.field(FieldName::DbCommand).value.as_deref(), Some("make db"));
}

/// A framework kept in the tree (CodeIgniter 3 in `system/`), not in a manifest: with its compose
/// file running a database, "no backend, no database" is not proven.
#[test]
fn a_compose_database_leaves_an_unread_backend_unknown_not_none() {
    let composer = r#"{"require": {"php": ">=7.4"}}"#;
    let compose = "services:\n  mysql:\n    image: mysql:8.0\n    environment:\n      MYSQL_ROOT_PASSWORD: secret\n";
    let php = "<?php\necho 'hi';\n";
    let report = scan_tree(&[("composer.json", composer), ("index.php", php)]);
    assert_eq!(
        report.field(FieldName::DatabaseSystem).state,
        State::Absent,
        "nothing shows one"
    );
    let report = scan_tree(&[
        ("composer.json", composer),
        ("index.php", php),
        ("docker-compose.yml", compose),
    ]);
    for name in [
        FieldName::DatabaseSystem,
        FieldName::DbCommand,
        FieldName::MigrationCommand,
    ] {
        let field = report.field(name);
        assert_eq!(field.state, State::Unknown, "{name:?}");
        assert!(
            field.hint.as_deref().unwrap_or("").contains("mysql"),
            "{:?}",
            field.hint
        );
    }
}

const SYMFONY_COMPOSER: &str = r#"{"require": {"php": ">=8.2", "ext-pdo_mysql": "*", "symfony/framework-bundle": "7.1.*",
  "doctrine/orm": "^3.2", "doctrine/doctrine-migrations-bundle": "^3.3"}}"#;

#[test]
fn a_ddev_project_runs_in_ddev_even_beside_a_compose_stack() {
    // Symfony Flex leaves a `compose.yaml`; the app's URL names its `database` service.
    let files = [
        ("composer.json", SYMFONY_COMPOSER),
        ("src/Kernel.php", "<?php\n"),
        ("migrations/Version1.php", "<?php\n"),
        (
            ".ddev/config.yaml",
            "name: shop\ntype: symfony\ndatabase:\n  type: mysql\n  version: \"8.0\"\n",
        ),
        (
            "compose.yaml",
            "services:\n  app:\n    build: .\n    volumes: ['.:/app']\n    environment:\n      DATABASE_URL: mysql://app:app@database:3306/app\n  database:\n    image: mysql:8\n    environment:\n      MYSQL_ROOT_PASSWORD: root\n      MYSQL_DATABASE: app\n",
        ),
        ("Dockerfile", "FROM php:8.3\n"),
        (".env.example", "DATABASE_URL=mysql://app:app@database:3306/app\n"),
    ];
    let report = scan_tree(&files);
    let value = |field| report.field(field).value.clone().unwrap_or_default();
    assert_eq!(value(FieldName::DevCommand), "ddev start");
    // Run once in DDEV's web container, not also wrapped for the compose stack.
    assert_eq!(
        value(FieldName::MigrationCommand),
        "ddev exec php bin/console doctrine:migrations:migrate"
    );
    assert_eq!(value(FieldName::DbCommand), "ddev mysql");
    // Without the DDEV project file, the same tree is developed in its compose stack.
    let compose_only: Vec<_> = files.iter().filter(|(f, _)| !f.starts_with(".ddev")).copied().collect();
    let report = scan_tree(&compose_only);
    let migrate = report
        .field(FieldName::MigrationCommand)
        .value
        .clone()
        .unwrap_or_default();
    assert!(migrate.starts_with("docker compose run --rm app"), "{migrate}");
}

#[test]
fn ddevs_default_database_does_not_outrank_the_apps_own_setting() {
    // No `database.type`: DDEV runs MariaDB whether the app uses it or not.
    let files = [
        (
            "composer.json",
            r#"{"require": {"laravel/framework": "^11.0", "ext-pdo_pgsql": "*"}}"#,
        ),
        ("artisan", "#!/usr/bin/env php\n"),
        ("database/migrations/2024_01_01_000000_create_users.php", "<?php\n"),
        (".ddev/config.yaml", "name: app\ntype: laravel\n"),
        (
            ".env.example",
            "DB_CONNECTION=pgsql\nDB_HOST=127.0.0.1\nDB_DATABASE=app\nDB_USERNAME=app\n",
        ),
    ];
    let report = scan_tree(&files);
    let database = report
        .field(FieldName::DatabaseSystem)
        .value
        .clone()
        .unwrap_or_default();
    assert!(database.starts_with("PostgreSQL"), "{database}");
    let db_command = report.field(FieldName::DbCommand).value.clone().unwrap_or_default();
    assert!(!db_command.starts_with("ddev mysql"), "{db_command}");
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("ddev start"));
}

#[test]
fn code_named_for_migrating_leaves_migrations_open_only_with_a_schemas_words() {
    let go_mod = (
        "go.mod",
        "module example.com/a\n\ngo 1.23\n\nrequire github.com/lib/pq v1.10.9\n",
    );
    let main = (
        "main.go",
        "package main\n\nimport _ \"github.com/lib/pq\"\n\nfunc main() {}\n",
    );
    // Settings files moved between versions: "portable" is no table.
    let settings = (
        "config/migrate.go",
        "package config\n\n// Moves old settings files; paths stay portable.\nfunc migrate() {}\n",
    );
    let state = |files: &[(&'static str, &'static str)]| scan_tree(files).field(FieldName::DbMigrationsDirs).state;
    assert_eq!(state(&[go_mod, main, settings]), State::Absent);
    let schema = (
        "store/migrations.go",
        "package store\n\nconst v2 = `ALTER TABLE users ADD COLUMN email TEXT`\n",
    );
    assert_eq!(state(&[go_mod, main, settings, schema]), State::Unknown);
}

#[test]
fn django_follows_default_to_the_dict_it_names_not_another_setting_or_a_test_override() {
    let django = |settings: &'static str| {
        scan_tree(&[
            ("requirements.txt", "Django==5.1\npsycopg==3.2\n"),
            (
                "manage.py",
                "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\nexecute_from_command_line(sys.argv)\n",
            ),
            ("shop/settings.py", settings),
        ])
        .field(FieldName::DatabaseSystem)
        .value
        .clone()
    };
    let named = "PG = {'ENGINE': 'django.db.backends.postgresql'}\nLITE = {'ENGINE': 'django.db.backends.sqlite3'}\nDATABASES = {\n    # 'default': PG,\n    'default': LITE,\n}\n";
    assert_eq!(django(named).as_deref(), Some("SQLite, PostgreSQL"));
    let indexed = "PG = {'ENGINE': 'django.db.backends.postgresql'}\nLITE = {'ENGINE': 'django.db.backends.sqlite3'}\nDATABASES = {}\nDATABASES['default'] = LITE\n";
    assert_eq!(django(indexed).as_deref(), Some("SQLite, PostgreSQL"));
    let annotated = "PG = {'ENGINE': 'django.db.backends.postgresql'}\nLITE: dict = {'ENGINE': 'django.db.backends.sqlite3'}\nDATABASES: dict = {'default': LITE}\n";
    assert_eq!(django(annotated).as_deref(), Some("SQLite, PostgreSQL"));
    // Another setting's `default` (the cache's), and a test run's override under an `if`, leave
    // the engine the module spells out first as the default.
    let cache = "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\nREDIS = {'BACKEND': 'x'}\nCACHES = {'default': REDIS}\nLITE = {'ENGINE': 'django.db.backends.sqlite3'}\nif 'test' in sys.argv:\n    DATABASES = {'default': LITE}\n";
    assert_eq!(django(cache).as_deref(), Some("PostgreSQL"));
}
