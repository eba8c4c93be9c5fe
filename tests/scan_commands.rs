//! Scans of small generated trees, one shape each: database shells, migration folders, extra
//! variables, .NET solutions, documented and CI commands, services beside a browser app, bulk
//! order.

mod common;

use archprompt::report::FieldName;
#[allow(unused_imports)]
use common::{scan_owned, scan_tree};

#[test]
fn the_variable_the_database_config_reads_gives_the_shell() {
    let report = scan_tree(&[
        (
            "requirements.txt",
            "fastapi>=0.110\nsqlalchemy>=2.0\npsycopg[binary]>=3.2\n",
        ),
        ("app/main.py", "from fastapi import FastAPI\n\napp = FastAPI()\n"),
        (
            "app/config.py",
            "import os\n\nDATABASE_URI = os.environ.get(\"APP_DATABASE_URL\", \"\")\n",
        ),
    ]);
    let db = report.field(FieldName::DbCommand);
    assert_eq!(db.value.as_deref(), Some("psql \"$APP_DATABASE_URL\""));
    assert_eq!(db.evidence[0].file, "app/config.py");
}

#[test]
fn dozens_of_app_migrations_read_as_one_glob_and_a_few_are_listed() {
    let tree = |apps: usize| {
        let mut files: Vec<(String, String)> = vec![
            ("requirements.txt".into(), "django>=5.0\npsycopg>=3.2\n".into()),
            ("manage.py".into(), "DJANGO_SETTINGS_MODULE = 'shop.settings'\n".into()),
            ("shop/wsgi.py".into(), "application = None\n".into()),
        ];
        for i in 0..apps {
            files.push((
                format!("shop/app{i}/apps.py"),
                "from django.apps import AppConfig\n".into(),
            ));
            files.push((
                format!("shop/app{i}/migrations/0001_initial.py"),
                "operations = []\n".into(),
            ));
        }
        files
    };
    let many = scan_owned(&tree(9));
    assert_eq!(
        many.field(FieldName::DbMigrationsDirs).value.as_deref(),
        Some("shop/*/migrations")
    );
    assert_eq!(many.field(FieldName::DbMigrationsDirs).evidence.len(), 9);
    let few = scan_owned(&tree(3));
    assert_eq!(
        few.field(FieldName::DbMigrationsDirs).value.as_deref(),
        Some("shop/app0/migrations, shop/app1/migrations, shop/app2/migrations")
    );
}

#[test]
fn the_local_database_url_of_an_env_template_is_the_shell_target() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name": "api", "dependencies": {"express": "^4.21.0", "mongoose": "^8.8.0"}}"#,
        ),
        ("src/server.js", "module.exports = {};\n"),
        (
            ".env.example",
            "MONGODB_URI=mongodb+srv://<user>:<password>@cluster0.example.net/app\nMONGODB_URI_LOCAL=mongodb://localhost:27017/app\n",
        ),
    ]);
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("mongosh \"mongodb://localhost:27017/app\"")
    );
}

#[test]
fn capabilities_fill_the_extra_variables() {
    let report = scan_tree(&[
        ("Dockerfile", "FROM golang:1.23\n"),
        ("charts/api/Chart.yaml", "apiVersion: v2\nname: api\n"),
        (
            "api/go.mod",
            "module example.com/api\n\ngo 1.23\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.1.0\n\tgoogle.golang.org/grpc v1.68.0\n\tgithub.com/segmentio/kafka-go v0.4.47\n\tgithub.com/golang-jwt/jwt/v5 v5.2.1\n\tgithub.com/redis/go-redis/v9 v9.7.0\n)\n",
        ),
        ("api/main.go", "package main\n\nfunc main() {}\n"),
        (
            "web/package.json",
            r#"{"name": "web", "dependencies": {"react": "^18"}}"#,
        ),
    ]);
    let var = |name: &str| report.variables.get(name).cloned().flatten();
    assert_eq!(report.backend_dir.as_deref(), Some("api"));
    assert_eq!(var("api_style").as_deref(), Some("gRPC"));
    assert_eq!(var("message_queue").as_deref(), Some("Kafka"));
    assert_eq!(var("auth").as_deref(), Some("JWT"));
    assert_eq!(var("cache").as_deref(), Some("Redis"));
    // The image and chart sit at the root, above the backend's directory.
    assert_eq!(var("containerization").as_deref(), Some("Docker, Helm"));
    assert_eq!(var("language_version").as_deref(), Some("1.23"));
}

#[test]
fn test_files_beside_code_in_one_root_folder_name_that_folder() {
    let report = scan_tree(&[
        (
            "deno.json",
            r#"{"tasks": {"dev": "deno run -A --watch app/main.ts"}, "imports": {"@hono": "npm:hono@^4"}}"#,
        ),
        (
            "app/main.ts",
            "import { Hono } from '@hono';\nDeno.serve(new Hono().fetch);\n",
        ),
        ("app/app.test.ts", "Deno.test('app', () => {});\n"),
        ("app/controllers/users.test.ts", "Deno.test('users', () => {});\n"),
    ]);
    assert_eq!(report.field(FieldName::BackendFramework).value.as_deref(), Some("Hono"));
    assert_eq!(report.field(FieldName::SourceDirs).value.as_deref(), Some("app"));
    assert_eq!(report.field(FieldName::TestDirs).value.as_deref(), Some("app"));
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("deno task dev")
    );
}

#[test]
fn dotnet_picks_the_solution_and_the_aspire_apphost_of_the_backend() {
    let web = r#"<Project Sdk="Microsoft.NET.Sdk.Web"><ItemGroup><PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" /></ItemGroup></Project>"#;
    let apphost = r#"<Project Sdk="Aspire.AppHost.Sdk/9.0.0"><ItemGroup><PackageReference Include="Aspire.Hosting.AppHost" /></ItemGroup></Project>"#;
    let report = scan_tree(&[
        (
            "Shop.sln",
            "Project(\"{X}\") = \"Web\", \"src\\Web\\Web.csproj\"\nProject(\"{X}\") = \"AppHost\", \"src\\AppHost\\AppHost.csproj\"\n",
        ),
        (
            "Everything.sln",
            "Project(\"{X}\") = \"Web\", \"src\\Web\\Web.csproj\"\nProject(\"{X}\") = \"Tool\", \"tools\\Tool\\Tool.csproj\"\nProject(\"{X}\") = \"AppHost\", \"src\\AppHost\\AppHost.csproj\"\n",
        ),
        ("src/Web/Web.csproj", web),
        (
            "src/Web/Program.cs",
            "var app = WebApplication.Create(args);\napp.Run();\n",
        ),
        ("src/AppHost/AppHost.csproj", apphost),
        (
            "src/AppHost/Program.cs",
            "var builder = DistributedApplication.CreateBuilder(args);\n",
        ),
        (
            "samples/Mini/Mini.sln",
            "Project(\"{X}\") = \"Mini.AppHost\", \"Mini.AppHost\\Mini.AppHost.csproj\"\n",
        ),
        ("samples/Mini/Mini.AppHost/Mini.AppHost.csproj", apphost),
    ]);
    let value = |field: &str| {
        report
            .field(FieldName::parse(field).unwrap())
            .value
            .clone()
            .unwrap_or_default()
    };
    assert_eq!(report.backend_dir.as_deref(), Some("src/Web"));
    // The solution named like the repository's directory is unknown here (a temp dir), so the
    // one with fewer projects is given.
    assert_eq!(value("build_command"), "dotnet build Shop.sln");
    assert_eq!(value("dev_command"), "dotnet run --project src/AppHost");
}

#[test]
fn a_documented_dev_task_wins_over_the_framework_default() {
    let files = |readme: &'static str| {
        vec![
            (
                "go.mod",
                "module example.com/shop\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n",
            ),
            ("main.go", "package main\n\nfunc main() {}\n"),
            (
                "Makefile",
                "up:\n\tdocker compose up -d db\n\tair\n\ninfra:\n\tdocker compose up -d db\n",
            ),
            ("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n"),
            ("README.md", readme),
        ]
    };
    let documented = scan_tree(&files(
        "# Shop\n\n## Run the application\n\n```bash\n# start the database\n$ make infra\n$ make up\n```\n",
    ));
    let dev = documented.field(FieldName::DevCommand);
    assert_eq!(dev.value.as_deref(), Some("make up"));
    assert_eq!(dev.evidence[0].file, "README.md");
    assert_eq!(
        dev.evidence[0].reason,
        "line 8: documented under \"Run the application\""
    );
    // Under a heading about something else, or as an alternative Docker flow, it is not taken.
    let testing = scan_tree(&files("# Shop\n\n## Running the tests\n\n```\nmake up\n```\n"));
    assert_eq!(testing.field(FieldName::DevCommand).value.as_deref(), Some("go run ."));
    let docker = scan_tree(&files(
        "# Shop\n\n## Run with Docker\n\n```sh\ndocker compose up\n```\n",
    ));
    assert_eq!(docker.field(FieldName::DevCommand).value.as_deref(), Some("go run ."));
}

#[test]
fn documented_compose_flows_start_the_whole_stack_and_longer_forms_of_the_default_win() {
    let files = |readme: &'static str| {
        vec![
            (
                "Cargo.toml",
                "[package]\nname = \"registry\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n",
            ),
            ("src/main.rs", "fn main() {}\n"),
            (
                "docker-compose.yml",
                "services:\n  app:\n    build: .\n  db:\n    image: postgres:16\n  mail:\n    image: mailpit\n",
            ),
            ("README.md", readme),
        ]
    };
    // `docker compose up -d db mail` starts what the app needs, not the app.
    let services = scan_tree(&files(
        "# R\n\n## Local development\n\n```\ndocker compose up -d db mail\n```\n",
    ));
    assert_eq!(
        services.field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run")
    );
    let stack = scan_tree(&files(
        "# R\n\n## Local development\n\n```\ndocker compose up --build\n```\n",
    ));
    assert_eq!(
        stack.field(FieldName::DevCommand).value.as_deref(),
        Some("docker compose up --build")
    );
    // A compose file that only runs images starts the databases, whatever the guide calls it.
    let mut images_only = files("# R\n\n## Local development\n\n```\ndocker compose up\n```\n");
    images_only[2].1 = "services:\n  db:\n    image: postgres:16\n";
    let infra = scan_tree(&images_only);
    assert_eq!(infra.field(FieldName::DevCommand).value.as_deref(), Some("cargo run"));
    // The binary's subcommand, as the guide runs it.
    let server = scan_tree(&files(
        "# R\n\n## Running the server\n\n```\ncargo run -- --help\ncargo run -- server\n```\n",
    ));
    let dev = server.field(FieldName::DevCommand);
    assert_eq!(dev.value.as_deref(), Some("cargo run -- server"));
    assert_eq!(
        dev.evidence[0].reason,
        "line 7: documented under \"Running the server\""
    );
}

#[test]
fn ci_runs_fill_the_test_command_only_for_the_backend() {
    let workflow = "jobs:\n  web:\n    steps:\n      - run: npm test\n        working-directory: web\n  api:\n    steps:\n      - run: cd api && make check-all\n      - run: |\n          cd api\n          go test -race ./...\n";
    let report = scan_tree(&[
        (
            "api/go.mod",
            "module example.com/api\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n",
        ),
        ("api/main.go", "package main\n\nfunc main() {}\n"),
        ("api/main_test.go", "package main\n"),
        (
            "web/package.json",
            "{\"name\": \"web\", \"scripts\": {\"test\": \"vitest\"}}\n",
        ),
        (".github/workflows/ci.yml", workflow),
    ]);
    // The Go default stands: a CI line fills only a field nothing else did.
    assert_eq!(
        report.field(FieldName::TestCommand).value.as_deref(),
        Some("cd api && go test ./...")
    );
    let scripted = scan_tree(&[
        (
            "api/go.mod",
            "module example.com/api\n\ngo 1.22\n\nrequire github.com/go-chi/chi/v5 v5.1.0\n",
        ),
        ("api/main.go", "package main\n\nfunc main() {}\n"),
        ("api/main_test.go", "package main\n"),
        ("api/scripts/test.sh", "#!/bin/sh\ngo test -p 1 ./...\n"),
        (
            ".github/workflows/ci.yml",
            "jobs:\n  api:\n    defaults:\n      run:\n        working-directory: api\n    steps:\n      - run: ./scripts/test.sh\n",
        ),
    ]);
    let test = scripted.field(FieldName::TestCommand);
    assert_eq!(test.value.as_deref(), Some("cd api && ./scripts/test.sh"));
    assert_eq!(test.evidence[0].file, ".github/workflows/ci.yml");
    assert_eq!(test.evidence[0].reason, "line 7: CI job api runs it");
}

#[test]
fn a_browser_app_that_imports_a_server_library_is_not_another_backend() {
    let report = scan_tree(&[
        ("pnpm-workspace.yaml", "packages:\n  - apps/*\n"),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        (
            "apps/api/package.json",
            "{\"name\": \"api\", \"scripts\": {\"dev\": \"tsx watch src/index.ts\"}, \"dependencies\": {\"hono\": \"^4\"}}\n",
        ),
        (
            "apps/api/src/index.ts",
            "import { Hono } from 'hono';\nexport default new Hono();\n",
        ),
        (
            "apps/web/package.json",
            "{\"name\": \"web\", \"scripts\": {\"dev\": \"vite\"}, \"dependencies\": {\"hono\": \"^4\", \"react\": \"^18\"}}\n",
        ),
        ("apps/web/index.html", "<div id=root></div>\n"),
        ("apps/web/src/main.tsx", "import { hc } from 'hono/client';\n"),
    ]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("pnpm --filter api dev")
    );
    let web = report.projects.iter().find(|p| p.dir == "apps/web").unwrap();
    assert!(web.fields.is_none(), "a Vite app is not described as a backend");
}

#[test]
fn workspace_members_run_through_the_root_even_with_their_own_package_manager_field() {
    let report = scan_tree(&[
        (
            "package.json",
            "{\"name\": \"root\", \"private\": true, \"packageManager\": \"pnpm@9.12.0\"}\n",
        ),
        ("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n"),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        (
            "apps/server/package.json",
            "{\"name\": \"@acme/server\", \"packageManager\": \"pnpm@9.12.0\", \"scripts\": {\"dev\": \"tsx watch src/main.ts\"}, \"dependencies\": {\"@acme/core\": \"workspace:*\", \"pg\": \"^8\"}}\n",
        ),
        (
            "apps/server/src/main.ts",
            "import { bootstrap } from '@acme/core';\nbootstrap();\n",
        ),
        (
            "packages/core/package.json",
            "{\"name\": \"@acme/core\", \"main\": \"src/index.ts\", \"dependencies\": {\"@nestjs/core\": \"^10\", \"@nestjs/common\": \"^10\"}}\n",
        ),
        ("packages/core/src/index.ts", "export function bootstrap() {}\n"),
    ]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("pnpm --filter @acme/server dev")
    );
    // The server (it runs, and holds the database driver) names the framework of the workspace
    // package it starts; that framework alone would not have made it the backend.
    assert_eq!(
        report.field(FieldName::BackendFramework).value.as_deref(),
        Some("NestJS")
    );
    assert_eq!(report.backend_dir.as_deref(), Some("apps/server"));
}

#[test]
fn a_go_module_beside_a_javascript_app_names_its_package_folders() {
    let report = scan_tree(&[
        (
            "go.mod",
            "module example.com/forum\n\ngo 1.23\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
        ),
        ("cmd/forum/main.go", "package main\n\nfunc main() {}\n"),
        ("cmd/forum/run.go", "package main\n"),
        ("internal/post/post.go", "package post\n"),
        ("internal/post/store.go", "package post\n"),
        ("internal/post/post_test.go", "package post\n"),
        // One Go file embedding the config templates: data, not code.
        ("configs/config.go", "package configs\n"),
        ("configs/config.yaml", "port: 80\n"),
        (
            "ui/package.json",
            "{\"name\": \"ui\", \"scripts\": {\"dev\": \"vite\"}}\n",
        ),
        ("ui/embed.go", "package ui\n"),
        ("ui/src/main.tsx", "export {};\n"),
    ]);
    assert_eq!(
        report.field(FieldName::SourceDirs).value.as_deref(),
        Some("cmd, internal")
    );
    assert_eq!(report.field(FieldName::TestDirs).value.as_deref(), Some("internal"));
}

#[test]
fn an_app_that_migrates_when_it_starts_is_migrated_by_starting_it() {
    let files = |main: &'static str, readme: &'static str| {
        vec![
            (
                "Cargo.toml",
                "[package]\nname = \"notes\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\nsqlx = { version = \"0.8\", features = [\"postgres\", \"migrate\"] }\n",
            ),
            ("src/main.rs", main),
            ("migrations/0001_notes.sql", "CREATE TABLE notes (id BIGSERIAL);\n"),
            ("README.md", readme),
        ]
    };
    let at_start = "async fn main() {\n    sqlx::migrate!().run(&pool).await.unwrap();\n}\n";
    let report = scan_tree(&files(at_start, "# Notes\n"));
    let migrate = report.field(FieldName::MigrationCommand);
    assert_eq!(migrate.value.as_deref(), Some("cargo run"));
    assert_eq!(migrate.evidence[0].file, "src/main.rs");
    // Only in a test module: the CLI it is.
    let in_tests = "fn main() {}\n\n#[cfg(test)]\nmod tests {\n    fn t() { sqlx::migrate!().run(&pool); }\n}\n";
    let report = scan_tree(&files(in_tests, "# Notes\n"));
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("sqlx migrate run")
    );
    // The guide runs the CLI: that is how the team migrates.
    let documented = scan_tree(&files(at_start, "# Notes\n\n## Setup\n\n```\nsqlx migrate run\n```\n"));
    assert_eq!(
        documented.field(FieldName::MigrationCommand).value.as_deref(),
        Some("sqlx migrate run")
    );
}

#[test]
fn bulk_scans_emit_every_repository_in_input_order() {
    let registry = archprompt::detect::Registry::builtin().unwrap();
    let mut roots: Vec<std::path::PathBuf> = std::fs::read_dir("fixtures")
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    roots.sort();
    roots.insert(3, "no/such/repo".into());
    let seen = std::sync::Mutex::new(Vec::new());
    archprompt::scan_each(&registry, &roots, 3, &|i, scanned| {
        seen.lock().unwrap().push((i, scanned.report.is_ok()));
    });
    let seen = seen.into_inner().unwrap();
    let order: Vec<usize> = seen.iter().map(|(i, _)| *i).collect();
    assert_eq!(order, (0..roots.len()).collect::<Vec<_>>());
    assert_eq!(
        seen.iter().filter(|(_, ok)| !ok).count(),
        1,
        "only the missing repository fails"
    );
    assert!(!seen[3].1);
}

#[test]
fn commands_exist_in_the_framework_version_the_project_pins() {
    let laravel = |constraint: &str| {
        let composer = format!(
            "{{\"require\": {{\"laravel/framework\": \"{constraint}\"}}, \"require-dev\": {{\"phpunit/phpunit\": \"^9.0\"}}}}"
        );
        scan_owned(&[
            ("composer.json".into(), composer),
            ("artisan".into(), "<?php // Illuminate\n".into()),
            ("tests/Feature/HomeTest.php".into(), "<?php class HomeTest {}\n".into()),
        ])
        .field(FieldName::TestCommand)
        .value
        .clone()
    };
    // `php artisan test` came with Laravel 7.
    assert_eq!(laravel("5.5.*").as_deref(), Some("vendor/bin/phpunit"));
    assert_eq!(laravel("^10.0").as_deref(), Some("php artisan test"));

    let flask = |pin: &str| {
        scan_owned(&[
            ("requirements.txt".into(), format!("flask{pin}\n")),
            (".flaskenv".into(), "FLASK_APP=blog\n".into()),
            ("blog/__init__.py".into(), "def create_app():\n    pass\n".into()),
        ])
        .field(FieldName::DevCommand)
        .value
        .clone()
    };
    // `--app` and `--debug` came with Flask 2.2; before it FLASK_APP in .flaskenv finds the app.
    assert_eq!(flask("==1.1.2").as_deref(), Some("flask run"));
    assert_eq!(flask("==2.1.3").as_deref(), Some("flask run"));
    assert_eq!(flask(">=3.0").as_deref(), Some("flask --app blog run --debug"));
}

#[test]
fn a_feature_every_build_line_passes_reaches_the_commands() {
    let tree = |workflow: &str| {
        scan_owned(&[
            (
                "Cargo.toml".into(),
                "[package]\nname = \"srv\"\nversion = \"0.1.0\"\n\n[features]\ndefault = []\npg = []\nlite = []\n\n[dependencies]\naxum = \"0.8\"\n".into(),
            ),
            ("src/main.rs".into(), "fn main() {}\n".into()),
            (".github/workflows/ci.yml".into(), workflow.into()),
        ])
    };
    let every = tree(
        "jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test --features pg,lite\n      - run: cargo build --release --features=lite\n      - run: cargo test -p xtask\n",
    );
    assert_eq!(
        every.field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run --features lite")
    );
    assert_eq!(
        every.field(FieldName::TestCommand).value.as_deref(),
        Some("cargo test --features lite")
    );
    let build = every.field(FieldName::BuildCommand);
    assert_eq!(build.value.as_deref(), Some("cargo build --features lite --release"));
    assert!(
        build
            .evidence
            .iter()
            .any(|e| e.file == ".github/workflows/ci.yml" && e.reason.starts_with("line 6:"))
    );
    // One line builds without it: the feature is optional, and nothing is added.
    let optional = tree(
        "jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test\n      - run: cargo test --features pg\n",
    );
    assert_eq!(
        optional.field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run")
    );
    // A feature the crate does not declare is another package's.
    let foreign = tree("jobs:\n  t:\n    runs-on: x\n    steps:\n      - run: cargo test --features tokio/full\n");
    assert_eq!(
        foreign.field(FieldName::TestCommand).value.as_deref(),
        Some("cargo test")
    );
}

#[test]
fn the_go_program_the_project_builds_is_the_one_run() {
    let tree = |makefile: &str| {
        scan_owned(&[
            ("go.mod".into(), "module example.com/x\n\ngo 1.23\n".into()),
            ("cmd/aaa-tool/main.go".into(), "package main\n\nfunc main() {}\n".into()),
            (
                "cmd/web/main.go".into(),
                "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":80\", nil) }\n".into(),
            ),
            ("Makefile".into(), makefile.into()),
        ])
    };
    let built = tree("bin:\n\tgo build -tags prod -o bin/web ./cmd/web\nt:\n\tgo test ./...\n");
    // Built with a tag, tested without: the tag is not required.
    assert_eq!(
        built.field(FieldName::DevCommand).value.as_deref(),
        Some("go run ./cmd/web")
    );
    let both = tree("bin:\n\tgo build ./cmd/web\n\tgo build ./cmd/aaa-tool\n");
    assert_eq!(
        both.field(FieldName::DevCommand).value.as_deref(),
        Some("go run ./cmd/aaa-tool"),
        "two programs built: the build lines do not choose"
    );
}

#[test]
fn a_maven_app_whose_modules_hold_tests_is_tested_from_the_root() {
    let pom = |artifact: &str, deps: &str| {
        format!(
            "<project><groupId>com.acme</groupId><artifactId>{artifact}</artifactId><dependencies>{deps}</dependencies></project>"
        )
    };
    let web = "<dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency><dependency><groupId>com.acme</groupId><artifactId>domain</artifactId></dependency>";
    let tree = |domain_tests: bool| {
        let mut files: Vec<(String, String)> = vec![
            ("pom.xml".into(), "<project><artifactId>parent</artifactId><modules><module>api</module><module>domain</module></modules></project>".into()),
            ("api/pom.xml".into(), pom("api", web)),
            ("api/src/main/java/App.java".into(), "class App {}\n".into()),
            ("api/src/test/java/AppTest.java".into(), "class AppTest {}\n".into()),
            ("domain/pom.xml".into(), pom("domain", "")),
            ("domain/src/main/java/Order.java".into(), "class Order {}\n".into()),
        ];
        if domain_tests {
            files.push((
                "domain/src/test/java/OrderTest.java".into(),
                "class OrderTest {}\n".into(),
            ));
        }
        scan_owned(&files)
    };
    let tested = tree(true);
    assert_eq!(tested.field(FieldName::TestCommand).value.as_deref(), Some("mvn test"));
    assert_eq!(
        tested.field(FieldName::TestDirs).value.as_deref(),
        Some("api/src/test, domain/src/test")
    );
    assert_eq!(
        tested.field(FieldName::BuildCommand).value.as_deref(),
        Some("mvn -pl api package")
    );
    let alone = tree(false);
    assert_eq!(
        alone.field(FieldName::TestCommand).value.as_deref(),
        Some("mvn -pl api test")
    );
}

#[test]
fn a_task_is_taken_for_what_its_recipe_does_not_its_name() {
    let go_mod = "module example.com/viewer\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n";
    let main = "package main\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc main() { gin.Default().Run() }\n";
    // `dev` only compiles and `build` pushes images: neither is what its name says.
    let makefile = "dev:\n\tgo build\n\t@echo \"You can now execute ./viewer\"\n\nbuild:\n\tdocker buildx build \\\n\t\t-t ghcr.io/x/viewer \\\n\t\t--push \\\n\t\t.\n\ntest:\n\tgo test ./...\n";
    let report = scan_tree(&[("go.mod", go_mod), ("main.go", main), ("Makefile", makefile)]);
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("go run ."));
    assert_eq!(
        report.field(FieldName::BuildCommand).value.as_deref(),
        Some("go build ./...")
    );
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
    // The same names with recipes that run the server and build it are taken.
    let makefile = "dev:\n\tgo build -o bin/viewer . && ./bin/viewer\n\nbuild:\n\tgo build -o bin/viewer .\n";
    let report = scan_tree(&[("go.mod", go_mod), ("main.go", main), ("Makefile", makefile)]);
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("make dev"));
    assert_eq!(
        report.field(FieldName::BuildCommand).value.as_deref(),
        Some("make build")
    );
}

#[test]
fn a_maven_app_with_failsafe_integration_tests_is_tested_with_verify() {
    let pom = |plugins: &str| {
        format!(
            "<project><groupId>com.acme</groupId><artifactId>shop</artifactId><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-web</artifactId></dependency></dependencies><build><plugins>{plugins}</plugins></build></project>"
        )
    };
    let tree = |plugins: &str| {
        scan_owned(&[
            ("pom.xml".into(), pom(plugins)),
            ("src/main/java/App.java".into(), "class App {}\n".into()),
            ("src/test/java/AppIT.java".into(), "class AppIT {}\n".into()),
        ])
    };
    let failsafe = tree(
        "<plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-failsafe-plugin</artifactId></plugin>",
    );
    let test = failsafe.field(FieldName::TestCommand);
    assert_eq!(test.value.as_deref(), Some("mvn verify"));
    assert!(test.evidence.iter().any(|e| e.file == "pom.xml"), "{:?}", test.evidence);
    let plain = tree("");
    assert_eq!(plain.field(FieldName::TestCommand).value.as_deref(), Some("mvn test"));
}

#[test]
fn a_monorepo_root_script_that_runs_every_package_runs_the_backend() {
    let tree = |root_dev: &str| {
        let root = format!(
            "{{\"name\":\"acme\",\"private\":true,\"workspaces\":[\"apps/*\"],\"scripts\":{{\"dev\":\"{root_dev}\"}},\"devDependencies\":{{\"turbo\":\"^2.0.0\"}}}}"
        );
        scan_owned(&[
            ("package.json".into(), root),
            ("turbo.json".into(), "{\"tasks\":{\"dev\":{}}}".into()),
            (
                "apps/api/package.json".into(),
                "{\"name\":\"@acme/api\",\"scripts\":{\"dev\":\"tsx watch src/index.ts\"},\"dependencies\":{\"fastify\":\"^5.0.0\"}}".into(),
            ),
            ("apps/api/src/index.ts".into(), "import Fastify from 'fastify'\n".into()),
        ])
    };
    let every = tree("turbo run dev");
    let dev = every.field(FieldName::DevCommand);
    assert_eq!(dev.value.as_deref(), Some("npm run dev"));
    assert_eq!(dev.evidence[0].file, "package.json");
    // A root script limited to another package does not run the backend: its own script does.
    let web = tree("turbo run dev --filter=web");
    assert_eq!(
        web.field(FieldName::DevCommand).value.as_deref(),
        Some("cd apps/api && npm run dev")
    );
}

#[test]
fn a_root_script_running_another_database_job_is_not_the_migration_or_db_command() {
    let tree = |root_scripts: &str| {
        scan_owned(&[
            (
                "package.json".into(),
                format!(
                    "{{\"name\":\"acme\",\"private\":true,\"workspaces\":[\"apps/*\"],\"scripts\":{{{root_scripts}}},\"devDependencies\":{{\"turbo\":\"^2.0.0\"}}}}"
                ),
            ),
            (
                "apps/api/package.json".into(),
                r#"{"name":"@acme/api","scripts":{"dev":"tsx watch src/index.ts","migrate":"prisma migrate deploy","migrate-reset":"prisma migrate reset --force","db:push":"prisma db push"},"dependencies":{"fastify":"^5.0.0","@prisma/client":"^5.0.0"},"devDependencies":{"prisma":"^5.0.0"}}"#.into(),
            ),
            ("apps/api/src/index.ts".into(), "import Fastify from 'fastify'\n".into()),
            (
                "apps/api/prisma/schema.prisma".into(),
                "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n".into(),
            ),
            (
                "apps/api/prisma/migrations/20240101_init/migration.sql".into(),
                "CREATE TABLE t (id int);\n".into(),
            ),
        ])
    };
    // `migrate-reset` and `db:push` share a part with the root scripts' names but do another job.
    let report = tree(r#""migrate":"turbo run migrate-reset","db":"turbo run db:push""#);
    let migrate = report
        .field(FieldName::MigrationCommand)
        .value
        .clone()
        .unwrap_or_default();
    assert_eq!(migrate, "cd apps/api && npm run migrate");
    // Not the root `db` (it pushes the schema): the ORM's console in the package.
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("cd apps/api && npx prisma studio")
    );
    // A root script that runs the backend's own `migrate` is how the repository migrates.
    let report = tree(r#""migrate":"turbo run migrate""#);
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("npm run migrate")
    );
}

#[test]
fn a_start_script_that_runs_as_in_production_is_not_the_dev_command() {
    let tree = |start: &str| {
        let manifest = format!(
            "{{\"name\":\"shop\",\"scripts\":{{\"start\":\"{start}\"}},\"dependencies\":{{\"egg\":\"^3.0.0\"}},\"devDependencies\":{{\"egg-bin\":\"^6.0.0\"}}}}"
        );
        scan_owned(&[
            ("package.json".into(), manifest),
            ("app/router.js".into(), "module.exports = app => {}\n".into()),
            ("bootstrap.js".into(), "require('egg').start()\n".into()),
        ])
    };
    for production in ["egg-scripts start --daemon", "NODE_ENV=production node ./bootstrap.js"] {
        let report = tree(production);
        assert_eq!(
            report.field(FieldName::DevCommand).value.as_deref(),
            Some("npx egg-bin dev"),
            "{production}"
        );
    }
    let report = tree("node ./bootstrap.js");
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("npm start"));
}

#[test]
fn a_root_script_is_as_fit_as_the_backend_script_it_runs() {
    let tree = |root_scripts: &str, api_scripts: &str| {
        scan_owned(&[
            (
                "package.json".into(),
                format!(
                    "{{\"name\":\"acme\",\"private\":true,\"workspaces\":[\"apps/*\"],\"scripts\":{{{root_scripts}}}}}"
                ),
            ),
            (
                "apps/api/package.json".into(),
                format!(
                    "{{\"name\":\"@acme/api\",\"scripts\":{{{api_scripts}}},\"dependencies\":{{\"@nestjs/core\":\"^10.0.0\"}}}}"
                ),
            ),
            (
                "apps/api/src/main.ts".into(),
                "import { NestFactory } from '@nestjs/core'\n".into(),
            ),
            ("apps/api/dist/main.js".into(), "require('./app')\n".into()),
        ])
    };
    // The root `start` reaches `node dist/main.js` (production) and the root `build` reaches a
    // recipe that pushes an image: neither root script is taken.
    let report = tree(
        r#""start":"turbo run start","build":"turbo run build""#,
        r#""start":"node dist/main.js","build":"nest build && docker push acme/api""#,
    );
    let dev = report.field(FieldName::DevCommand).value.clone().unwrap_or_default();
    assert_ne!(dev, "npm start", "the root start reaches production");
    assert_ne!(
        report.field(FieldName::BuildCommand).value.as_deref(),
        Some("npm run build")
    );
    // A root `dev` that runs the packages' `build` does not start the backend.
    let report = tree(
        r#""dev":"turbo run build""#,
        r#""dev":"nest start --watch","build":"nest build""#,
    );
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("cd apps/api && npm run dev")
    );
    // A dev script that compiles in the background and runs the output is a dev command.
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name":"svc","scripts":{"dev":"tsc -w & nodemon dist/index.js","start":"node dist/index.js"},"dependencies":{"express":"^4.21.0"}}"#,
        ),
        ("src/index.ts", "import express from 'express'\n"),
    ]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("npm run dev")
    );
}

#[test]
fn a_library_a_framework_app_lists_does_not_name_its_framework() {
    // Stripe's webhook helper: `micro` beside Next.js.
    let next = scan_tree(&[
        (
            "package.json",
            r#"{"name":"shop","scripts":{"dev":"next dev"},"dependencies":{"next":"^14.2.0","react":"^18","stripe":"^16","micro":"^10.0.1"}}"#,
        ),
        ("pages/api/webhook.js", "import { buffer } from 'micro'\n"),
    ]);
    assert_eq!(
        next.field(FieldName::BackendFramework).value.as_deref(),
        Some("Next.js")
    );
    // `bottle` pinned by a desktop wrapper beside a Flask app.
    let flask = scan_tree(&[
        ("requirements.txt", "Flask==3.0.0\nbottle==0.12.25\nEel==0.16.0\n"),
        ("app.py", "from flask import Flask\n\napp = Flask(__name__)\n"),
    ]);
    assert_eq!(flask.field(FieldName::BackendFramework).value.as_deref(), Some("Flask"));
}

#[test]
fn only_commands_that_publish_make_a_task_a_release() {
    let go_mod = "module example.com/tool\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n";
    let main = "package main\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc main() { gin.Default().Run() }\n";
    let makefile = "build:\n\tgh release download v1 -p protoc\n\tgo build -o bin/tool .\n\ntest:\n\tgit push --dry-run origin HEAD\n\tgo test ./...\n";
    let report = scan_tree(&[("go.mod", go_mod), ("main.go", main), ("Makefile", makefile)]);
    assert_eq!(
        report.field(FieldName::BuildCommand).value.as_deref(),
        Some("make build")
    );
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
}

#[test]
fn a_root_script_that_runs_the_database_packages_script_is_the_command() {
    // The ORM lives in a workspace package whose scripts need the root's `.env`: the root wraps
    // each of them, and that wrapper is how the repository runs it.
    let root = r#"{"name": "acme", "workspaces": ["apps/*", "packages/*"],
      "scripts": {"with:env": "dotenv -e .env --",
        "dx": "npm ci && npm run prisma:studio -w @acme/prisma && npm run prisma:migrate-deploy -w @acme/prisma",
        "prisma:migrate-deploy": "npm run with:env -- npm run prisma:migrate-deploy -w @acme/prisma",
        "prisma:studio": "npm run with:env -- npm run prisma:studio -w @acme/prisma"}}"#;
    let api = r#"{"name": "@acme/api", "scripts": {"dev": "tsx watch src/index.ts"},
      "dependencies": {"hono": "^4.0.0", "@acme/prisma": "*"}}"#;
    let db = r#"{"name": "@acme/prisma", "main": "index.ts",
      "scripts": {"prisma:migrate-deploy": "prisma migrate deploy", "prisma:studio": "prisma studio"},
      "dependencies": {"@prisma/client": "^5.0.0"}, "devDependencies": {"prisma": "^5.0.0"}}"#;
    let files = [
        ("package.json", root),
        ("package-lock.json", "{}"),
        ("apps/api/package.json", api),
        ("apps/api/src/index.ts", "import { Hono } from 'hono'\n"),
        ("packages/prisma/package.json", db),
        ("packages/prisma/index.ts", "export {}\n"),
        (
            "packages/prisma/schema.prisma",
            "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n",
        ),
        (
            "packages/prisma/migrations/20240101_init/migration.sql",
            "CREATE TABLE a (id int);\n",
        ),
    ];
    let report = scan_tree(&files);
    let migrate = report.field(FieldName::MigrationCommand);
    assert_eq!(migrate.value.as_deref(), Some("npm run prisma:migrate-deploy"));
    assert_eq!(migrate.evidence[0].file, "package.json");
    assert_eq!(
        report.field(FieldName::DbCommand).value.as_deref(),
        Some("npm run prisma:studio")
    );
    // Without the root's wrapper, the package's own script, run in its workspace.
    let mut bare = files.to_vec();
    bare[0] = (
        "package.json",
        r#"{"name": "acme", "workspaces": ["apps/*", "packages/*"]}"#,
    );
    let report = scan_tree(&bare);
    assert_eq!(
        report.field(FieldName::MigrationCommand).value.as_deref(),
        Some("npm run prisma:migrate-deploy -w packages/prisma")
    );
}
