//! Scans of small generated trees, one shape each: repositories without code, template trees,
//! workspaces and where their commands run, test and source folders, language and entry points.

mod common;

use archprompt::report::{FieldName, State};
#[allow(unused_imports)]
use common::{scan_owned, scan_tree};

#[test]
fn a_repository_without_code_has_no_fields_and_one_with_unread_code_is_unknown() {
    let docs = scan_tree(&[("README.md", "# Notes\n"), ("images/arch.png", "png")]);
    for field in FieldName::ALL {
        assert_eq!(docs.field(field).state, State::Absent, "{field}");
    }
    let go = scan_tree(&[("README.md", "# Tool\n"), ("main.go", "package main\n")]);
    for field in FieldName::ALL {
        let f = go.field(field);
        assert_eq!(f.state, State::Unknown, "{field}");
        assert!(f.hint.as_deref().unwrap().contains("main.go is code"), "{field}");
    }
}

#[test]
fn unrendered_template_trees_are_not_read() {
    let report = scan_tree(&[
        (
            "pyproject.toml",
            "[project]\nname = \"gen\"\ndependencies = [\"cookiecutter\"]\n",
        ),
        (
            "{{cookiecutter.slug}}/pyproject.toml",
            "[project]\nname = \"{{ cookiecutter.slug }}\"\n{% if x %}\n",
        ),
        ("{{cookiecutter.slug}}/manage.py", "DJANGO_SETTINGS_MODULE\n"),
    ]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.projects.len(), 1);
    assert_eq!(report.backend_dir, None);
}

#[test]
fn the_migration_tools_url_variable_gives_the_database_shell() {
    let report = scan_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        ("migrations/0001_init.sql", "CREATE TABLE t (id INT);\n"),
    ]);
    let db = report.field(FieldName::DbCommand);
    assert_eq!(db.value.as_deref(), Some("psql \"$DATABASE_URL\""));
    assert_eq!(db.evidence[0].reason, "SQLx reads the database URL from DATABASE_URL");
}

#[test]
fn a_thin_server_crate_takes_its_tests_from_the_crates_it_links() {
    let report = scan_tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"server\", \"core\"]\n"),
        (
            "server/Cargo.toml",
            "[package]\nname = \"server\"\nversion = \"0.1.0\"\n\n[dependencies]\nactix-web = \"4\"\ncore = { path = \"../core\" }\n",
        ),
        ("server/src/main.rs", "fn main() { core::run(); }\n"),
        ("core/Cargo.toml", "[package]\nname = \"core\"\nversion = \"0.1.0\"\n"),
        (
            "core/src/lib.rs",
            "pub fn run() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn runs() { super::run(); }\n}\n",
        ),
        ("core/tests/api.rs", "#[test]\nfn api() {}\n"),
    ]);
    assert_eq!(report.backend_dir.as_deref(), Some("server"));
    let tests = report.field(FieldName::TestDirs);
    assert_eq!(
        tests.items.as_deref(),
        Some(&["core/tests".to_string(), "core/src".to_string()][..])
    );
}

#[test]
fn a_workspace_db_package_runs_its_tool_through_its_own_scripts() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name": "acme", "private": true, "packageManager": "pnpm@9.12.3"}"#,
        ),
        ("pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n"),
        ("pnpm-lock.yaml", "lockfileVersion: '9.0'\n"),
        (
            "apps/api/package.json",
            r#"{"name": "@acme/api", "scripts": {"dev": "tsx watch src/index.ts"},
                "dependencies": {"hono": "^4.6.0", "@acme/db": "workspace:*"}}"#,
        ),
        ("apps/api/src/index.ts", "export default {};\n"),
        (
            "packages/db/package.json",
            r#"{"name": "@acme/db", "scripts": {"migrate": "dotenv -e ../../.env -- drizzle-kit migrate"},
                "dependencies": {"drizzle-orm": "^0.36.0", "postgres": "^3.4.0"},
                "devDependencies": {"drizzle-kit": "^0.28.0"}}"#,
        ),
        ("packages/db/drizzle/0000_init.sql", "CREATE TABLE t (id int);\n"),
    ]);
    assert_eq!(report.backend_dir.as_deref(), Some("apps/api"));
    let migrate = report.field(FieldName::MigrationCommand);
    assert_eq!(migrate.value.as_deref(), Some("pnpm --filter @acme/db migrate"));
    assert_eq!(migrate.evidence[0].file, "packages/db/package.json");
}

#[test]
fn a_package_with_several_binaries_runs_the_one_named_after_it() {
    let manifest = "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\n";
    let files = [
        ("Cargo.toml", manifest),
        ("src/main.rs", "fn main() {}\n"),
        ("src/bin/worker.rs", "fn main() {}\n"),
    ];
    assert_eq!(
        scan_tree(&files).field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run --bin api")
    );
    let with_default = manifest.replace("version = \"0.1.0\"", "version = \"0.1.0\"\ndefault-run = \"api\"");
    let files = [("Cargo.toml", with_default.as_str()), files[1], files[2]];
    assert_eq!(
        scan_tree(&files).field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run")
    );
    // A `[[bin]]` whose path is `src/bin/main.rs` is that one binary, not two.
    let declared = format!("{manifest}\n[[bin]]\nname = \"api\"\npath = \"src/bin/main.rs\"\n");
    let files = [("Cargo.toml", declared.as_str()), ("src/bin/main.rs", "fn main() {}\n")];
    assert_eq!(
        scan_tree(&files).field(FieldName::DevCommand).value.as_deref(),
        Some("cargo run")
    );
}

#[test]
fn the_service_that_owns_the_schema_is_the_backend_not_a_realtime_sidecar() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name": "suite", "private": true, "workspaces": ["apps/*", "packages/*"]}"#,
        ),
        ("package-lock.json", "{}\n"),
        ("packages/types/package.json", r#"{"name": "@suite/types"}"#),
        ("packages/logger/package.json", r#"{"name": "@suite/logger"}"#),
        ("packages/editor/package.json", r#"{"name": "@suite/editor"}"#),
        ("packages/utils/package.json", r#"{"name": "@suite/utils"}"#),
        ("packages/i18n/package.json", r#"{"name": "@suite/i18n"}"#),
        ("packages/decorators/package.json", r#"{"name": "@suite/decorators"}"#),
        (
            "apps/live/package.json",
            r#"{"name": "live", "scripts": {"dev": "tsx watch src/server.ts"},
                "dependencies": {"express": "^4.21.0", "ioredis": "^5.4.0", "@suite/types": "*", "@suite/logger": "*",
                "@suite/editor": "*", "@suite/utils": "*", "@suite/i18n": "*", "@suite/decorators": "*"}}"#,
        ),
        ("apps/live/src/server.ts", "export {};\n"),
        ("apps/api/requirements.txt", "django>=5.0\npsycopg[binary]>=3.2\n"),
        (
            "apps/api/manage.py",
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'suite.settings')\n",
        ),
        (
            "apps/api/suite/settings.py",
            "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n",
        ),
        ("apps/api/suite/wsgi.py", "application = None\n"),
        ("apps/api/issues/apps.py", "from django.apps import AppConfig\n"),
        ("apps/api/issues/migrations/0001_initial.py", "operations = []\n"),
    ]);
    assert_eq!(report.backend_dir.as_deref(), Some("apps/api"));
    assert_eq!(
        report.field(FieldName::BackendFramework).value.as_deref(),
        Some("Django")
    );
}

#[test]
fn a_cargo_workspace_in_a_subdirectory_runs_its_commands_there() {
    let report = scan_tree(&[
        (
            "web/package.json",
            r#"{"name": "web", "dependencies": {"react": "^18.3.0"}}"#,
        ),
        (
            "backend/Cargo.toml",
            "[workspace]\nmembers = [\"api\", \"core\"]\nresolver = \"2\"\n",
        ),
        (
            "backend/api/Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\ncore = { path = \"../core\" }\n",
        ),
        ("backend/api/src/main.rs", "fn main() {}\n"),
        (
            "backend/core/Cargo.toml",
            "[package]\nname = \"core\"\nversion = \"0.1.0\"\n",
        ),
        ("backend/core/src/lib.rs", "pub fn f() {}\n"),
    ]);
    assert_eq!(report.backend_dir.as_deref(), Some("backend/api"));
    let value = |field: &str| report.field(FieldName::parse(field).unwrap()).value.clone().unwrap();
    assert_eq!(value("dev_command"), "cd backend && cargo run -p api");
    assert_eq!(value("test_command"), "cd backend && cargo test --workspace");
    assert_eq!(value("build_command"), "cd backend && cargo build --release -p api");
}

#[test]
fn cargo_make_tasks_are_declared_tasks() {
    let report = scan_tree(&[
        (
            "Cargo.toml",
            "[package]\nname = \"books\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.8\"\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n",
        ),
        ("src/main.rs", "fn main() {}\n"),
        ("migrations/0001_books.sql", "CREATE TABLE books (id INT);\n"),
        (
            "Makefile.toml",
            "[env]\nDATABASE_URL = \"postgres://app@localhost/books\"\n\n[tasks.run]\ncommand = \"cargo\"\nargs = [\"run\"]\ndependencies = [\"migrate\"]\n\n[tasks.migrate]\nscript = [\"sqlx migrate run\"]\n\n[tasks.test]\ncommand = \"cargo\"\nargs = [\"nextest\", \"run\"]\n",
        ),
    ]);
    let value = |field: &str| report.field(FieldName::parse(field).unwrap()).value.clone().unwrap();
    assert_eq!(value("dev_command"), "cargo make run");
    assert_eq!(value("migration_command"), "cargo make migrate");
    assert_eq!(value("test_command"), "cargo make test");
    assert_eq!(
        report.field(FieldName::TestCommand).evidence[0].reason,
        "cargo-make task test"
    );
}

#[test]
fn nest_cli_commands_need_the_nest_cli() {
    let manifest = |dev: &str| {
        format!(r#"{{"name": "api", "dependencies": {{"@nestjs/core": "^10.4.0"}}, "devDependencies": {{{dev}}}}}"#)
    };
    let with_cli = manifest(r#""@nestjs/cli": "^10.4.0""#);
    let report = scan_tree(&[("package.json", with_cli.as_str()), ("src/main.ts", "export {};\n")]);
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("npx nest start --watch")
    );
    let without = manifest("");
    let report = scan_tree(&[("package.json", without.as_str()), ("src/main.ts", "export {};\n")]);
    assert_ne!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("npx nest start --watch")
    );
}

#[test]
fn tests_gathered_in_one_folder_inside_the_code_are_that_folder() {
    let files = |extra: &[(&'static str, &'static str)]| {
        let mut files = vec![
            (
                "package.json",
                r#"{"name": "api", "scripts": {"test": "jest"}, "dependencies": {"express": "^4.21.0"}}"#,
            ),
            ("src/index.js", "module.exports = {};\n"),
            ("src/api/routes.js", "module.exports = {};\n"),
            ("src/api/tests/integration/auth.test.js", "test('x', () => {});\n"),
            ("src/api/tests/unit/user.test.js", "test('y', () => {});\n"),
        ];
        files.extend_from_slice(extra);
        files
    };
    let gathered = scan_tree(&files(&[]));
    assert_eq!(
        gathered.field(FieldName::TestDirs).value.as_deref(),
        Some("src/api/tests")
    );
    let spread = scan_tree(&files(&[("src/api/routes.test.js", "test('z', () => {});\n")]));
    assert_eq!(spread.field(FieldName::TestDirs).value.as_deref(), Some("src"));
}

#[test]
fn javascript_checked_by_a_tsconfig_is_still_javascript() {
    let mut files: Vec<(String, String)> = vec![
        (
            "package.json".into(),
            r#"{"name": "sync", "dependencies": {"express": "^4.21.0"}, "devDependencies": {"typescript": "^5.6.0"}}"#
                .into(),
        ),
        (
            "tsconfig.json".into(),
            r#"{"compilerOptions": {"allowJs": true, "checkJs": true, "noEmit": true}}"#.into(),
        ),
        ("src/types.ts".into(), "export type Id = string;\n".into()),
    ];
    for i in 0..8 {
        files.push((format!("src/route{i}.js"), "export default {};\n".into()));
    }
    let report = scan_owned(&files);
    assert!(
        report
            .field(FieldName::TechStack)
            .value
            .as_deref()
            .unwrap()
            .starts_with("JavaScript on Node.js")
    );
}

#[test]
fn a_flask_factory_in_a_package_names_the_source_and_the_app_module() {
    let report = scan_tree(&[
        ("requirements.txt", "flask>=3.0\n"),
        (
            "autoapp.py",
            "from conduit.app import create_app\nfrom conduit.settings import DevConfig\n\napp = create_app(DevConfig)\n",
        ),
        ("conduit/__init__.py", ""),
        (
            "conduit/app.py",
            "from flask import Flask\n\n\ndef create_app(config):\n    return Flask(__name__)\n",
        ),
    ]);
    assert_eq!(report.field(FieldName::SourceDirs).value.as_deref(), Some("conduit"));
    assert_eq!(
        report.field(FieldName::DevCommand).value.as_deref(),
        Some("flask --app autoapp.py run --debug")
    );
}

#[test]
fn python_entry_points_and_apps_without_an_app_config() {
    let fastapi = scan_tree(&[
        ("requirements.txt", "fastapi>=0.110\nuvicorn>=0.29\n"),
        (
            "main.py",
            "import uvicorn\n\nif __name__ == '__main__':\n    uvicorn.run('app.server:app', reload=True)\n",
        ),
        ("app/server.py", "from fastapi import FastAPI\n\napp = FastAPI()\n"),
    ]);
    assert_eq!(
        fastapi.field(FieldName::DevCommand).value.as_deref(),
        Some("python main.py")
    );
    let django = scan_tree(&[
        ("requirements.txt", "django>=5.0\n"),
        (
            "manage.py",
            "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'site.settings')\n",
        ),
        ("site/wsgi.py", "application = None\n"),
        ("images/models.py", "from django.db import models\n"),
        ("images/migrations/0001_initial.py", "operations = []\n"),
    ]);
    let sources = django.field(FieldName::SourceDirs).items.clone().unwrap();
    assert!(sources.contains(&"images".to_string()), "{sources:?}");
}

/// A `.git/index` (version 2) tracking `paths` as regular files.
fn git_index(paths: &[&str]) -> Vec<u8> {
    let mut bytes = b"DIRC".to_vec();
    bytes.extend_from_slice(&2u32.to_be_bytes());
    bytes.extend_from_slice(&(paths.len() as u32).to_be_bytes());
    for path in paths {
        let mut entry = vec![0u8; 24];
        entry.extend_from_slice(&0o100644u32.to_be_bytes());
        entry.extend_from_slice(&[0u8; 32]);
        entry.extend_from_slice(&(path.len() as u16).to_be_bytes());
        entry.extend_from_slice(path.as_bytes());
        entry.resize(entry.len().div_ceil(8) * 8 + usize::from(entry.len() % 8 == 0) * 8, 0);
        bytes.extend(entry);
    }
    bytes
}

#[test]
fn files_git_tracks_are_read_though_an_ignore_pattern_matches_them() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("go.mod", "module example.com/app\n\ngo 1.23\n"),
        // Written for the binary `go build -o backend` leaves; it matches cmd/backend/ too.
        (".gitignore", "backend\ntests/*\nscratch.go\n"),
        ("cmd/admin/main.go", "package main\n\nfunc main() {}\n"),
        (
            "cmd/backend/main.go",
            "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":80\", nil) }\n",
        ),
        ("scratch.go", "package main\n"),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let before = archprompt::scan(dir.path()).unwrap();
    assert_ne!(
        before.field(FieldName::BackendFramework).value.as_deref(),
        Some("net/http"),
        "without git's index the ignored server is unseen"
    );
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let index = git_index(&[".gitignore", "cmd/admin/main.go", "cmd/backend/main.go", "go.mod"]);
    std::fs::write(dir.path().join(".git/index"), index).unwrap();
    let after = archprompt::scan(dir.path()).unwrap();
    let framework = after.field(FieldName::BackendFramework);
    assert_eq!(framework.value.as_deref(), Some("net/http"));
    assert_eq!(framework.evidence[0].file, "cmd/backend/main.go");
    // An ignored file git does not track stays out.
    assert!(
        !after
            .field(FieldName::SourceDirs)
            .evidence
            .iter()
            .any(|e| e.file.contains("scratch"))
    );
}

#[test]
fn an_env_file_for_development_is_read_only_when_git_tracks_it() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        (
            "package.json",
            "{\"name\": \"tracker\", \"scripts\": {\"dev\": \"node src/server.js\"}, \"dependencies\": {\"express\": \"4\", \"pg\": \"8\"}}",
        ),
        ("src/server.js", "require('express')().listen(3000)\n"),
        (
            ".env.development",
            "DATABASE_URL=postgres://tracker@localhost:5432/tracker_dev\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    // Not ignored by the repository, but not committed either: a developer's own (their global
    // ignore file may leave it out), never read.
    let untracked = archprompt::scan(dir.path()).unwrap();
    assert_eq!(untracked.field(FieldName::DbCommand).value, None);
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    let index = git_index(&[".env.development", "package.json", "src/server.js"]);
    std::fs::write(dir.path().join(".git/index"), index).unwrap();
    let committed = archprompt::scan(dir.path()).unwrap();
    let db = committed.field(FieldName::DbCommand);
    assert_eq!(
        db.value.as_deref(),
        Some("psql \"postgres://tracker@localhost:5432/tracker_dev\"")
    );
    assert_eq!(db.evidence[0].file, ".env.development");
}

#[test]
fn every_gradle_test_source_set_is_a_test_dir() {
    let report = scan_tree(&[
        ("settings.gradle.kts", "rootProject.name = \"shop\"\n"),
        (
            "build.gradle.kts",
            "plugins { id(\"org.springframework.boot\") version \"3.3.0\" }\ndependencies { implementation(\"org.springframework.boot:spring-boot-starter-web\") }\ntesting { suites { val functionalTest by registering(JvmTestSuite::class) } }\n",
        ),
        ("src/main/java/shop/App.java", "class App {}\n"),
        ("src/test/java/shop/AppTest.java", "class AppTest {}\n"),
        (
            "src/functionalTest/java/shop/CheckoutTest.java",
            "class CheckoutTest {}\n",
        ),
        ("src/smokeTest/java/shop/SmokeTest.java", "class SmokeTest {}\n"),
    ]);
    assert_eq!(
        report.field(FieldName::TestDirs).value.as_deref(),
        Some("src/test, src/functionalTest, src/smokeTest")
    );
    assert_eq!(
        report.field(FieldName::SourceDirs).value.as_deref(),
        Some("src/main/java")
    );
}

#[test]
fn a_dev_environment_image_is_not_how_the_project_ships() {
    let app = (
        "package.json",
        r#"{"name": "shop", "dependencies": {"express": "^4.21.0"}}"#,
    );
    let dev_only = scan_tree(&[
        app,
        (".gitpod.Dockerfile", "FROM gitpod/workspace-full\n"),
        (
            ".devcontainer/Dockerfile",
            "FROM mcr.microsoft.com/devcontainers/base\n",
        ),
    ]);
    assert_eq!(dev_only.variables.get("containerization").cloned().flatten(), None);
    let shipped = scan_tree(&[
        app,
        (".gitpod.Dockerfile", "FROM gitpod/workspace-full\n"),
        ("api.Dockerfile", "FROM node:22\n"),
    ]);
    assert_eq!(
        shipped.variables.get("containerization").cloned().flatten().as_deref(),
        Some("Docker")
    );
}

#[test]
fn the_package_manager_evidence_leaves_out_the_integrity_hash() {
    let hash = "a".repeat(128);
    let manifest = format!(
        r#"{{"name": "api", "packageManager": "pnpm@9.12.3+sha512.{hash}", "dependencies": {{"express": "^4.21.0"}}}}"#
    );
    let report = scan_owned(&[("package.json".into(), manifest)]);
    let stack = report.field(FieldName::TechStack);
    let evidence: Vec<&str> = stack.evidence.iter().map(|e| e.reason.as_str()).collect();
    assert!(evidence.contains(&"packageManager pnpm@9.12.3"), "{evidence:?}");
    assert!(!evidence.iter().any(|e| e.contains("sha512")), "{evidence:?}");
}

#[test]
fn end_to_end_suites_are_test_dirs() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name": "shop", "scripts": {"dev": "next dev", "test": "vitest"}, "dependencies": {"next": "^14.2.0", "react": "^18"}}"#,
        ),
        ("app/api/orders/route.ts", "export async function GET() {}\n"),
        ("tests/orders.test.ts", "test('x', () => {})\n"),
        ("cypress/e2e/checkout.cy.ts", "describe('checkout', () => {})\n"),
        ("playwright/login.spec.ts", "test('login', async () => {})\n"),
    ]);
    assert_eq!(
        report.field(FieldName::TestDirs).value.as_deref(),
        Some("tests, cypress, playwright")
    );
}

#[test]
fn a_deno_import_map_file_names_the_packages() {
    let report = scan_tree(&[
        (
            "deno.json",
            r#"{"tasks": {"dev": "deno run -A --watch=static/,routes/ dev.ts"}, "importMap": "./import_map.json"}"#,
        ),
        (
            "import_map.json",
            r#"{"imports": {"$fresh/": "https://deno.land/x/fresh@1.1.2/", "preact": "https://esm.sh/preact@10.11.0"}}"#,
        ),
        ("dev.ts", "import dev from \"$fresh/dev.ts\";\n"),
        ("routes/index.tsx", "export default function Home() {}\n"),
    ]);
    let framework = report.field(FieldName::BackendFramework);
    assert_eq!(framework.value.as_deref(), Some("Fresh"));
    assert_eq!(framework.evidence[0].file, "import_map.json");
}

/// A Go server on the standard library whose server package sits deeper in `internal/`
/// is named as such, not unknown.
#[test]
fn a_standard_library_server_deeper_in_internal_is_named() {
    // miniflux's `internal/http/server/server.go`, shiori's `internal/http/server.go`.
    for server in ["internal/http/server/server.go", "internal/http/server.go"] {
        let report = scan_tree(&[
            ("go.mod", "module example.com/feeds\n\ngo 1.23\n"),
            (
                "main.go",
                "package main\n\nimport \"example.com/feeds/internal/cli\"\n\nfunc main() { cli.Run() }\n",
            ),
            (
                server,
                "package server\n\nimport \"net/http\"\n\nfunc Start() *http.Server {\n\tserver := &http.Server{Addr: \":8080\"}\n\tgo server.ListenAndServe()\n\treturn server\n}\n",
            ),
        ]);
        assert_eq!(
            report.field(FieldName::BackendFramework).value.as_deref(),
            Some("net/http"),
            "{server}"
        );
    }
}
