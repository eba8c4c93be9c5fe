//! The plausibility gate (issue 16): a command from a guide, CI or a task recipe becomes a value
//! only if it looks like a command line and what it runs is there.

mod common;

use archprompt::report::{FieldName, State};
use common::scan_tree;

const FASTAPI: &str =
    "[project]\nname = \"api\"\ndependencies = [\"fastapi\"]\n[dependency-groups]\ndev = [\"pytest\"]\n";

#[test]
fn a_readme_placeholder_is_not_taken_as_the_test_command() {
    let readme = "# API\n\n## Running tests\n\n```sh\npytest Path_to_the_specific_test_file\n```\n";
    let report = scan_tree(&[
        ("pyproject.toml", FASTAPI),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("tests/test_main.py", "def test_x():\n    pass\n"),
        ("README.md", readme),
    ]);
    let test = report.field(FieldName::TestCommand);
    assert_eq!(test.value.as_deref(), Some("pytest"), "{test:?}");
    assert_ne!(test.evidence[0].file, "README.md");
}

#[test]
fn a_documented_make_target_that_does_not_exist_is_not_taken() {
    let readme = "# API\n\n## Tests\n\n```sh\nmake test\n```\n";
    let report = scan_tree(&[
        ("pyproject.toml", FASTAPI),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("tests/test_main.py", "def test_x():\n    pass\n"),
        ("Makefile", "run:\n\tuvicorn app.main:app\n"),
        ("README.md", readme),
    ]);
    let test = report.field(FieldName::TestCommand);
    assert_eq!(test.value.as_deref(), Some("pytest"), "{test:?}");
    // With the target declared, the documented command is the answer.
    let report = scan_tree(&[
        ("pyproject.toml", FASTAPI),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("tests/test_main.py", "def test_x():\n    pass\n"),
        ("Makefile", "test:\n\tpytest -q\n"),
        ("README.md", readme),
    ]);
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
}

#[test]
fn a_task_whose_recipe_names_a_missing_file_is_not_the_command() {
    let go_mod = "module example.com/shop\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n";
    let tree = |main: &'static str| {
        scan_tree(&[
            ("go.mod", go_mod),
            ("cmd/shop/main.go", "package main\n"),
            ("internal/shop/shop_test.go", "package shop\n"),
            ("Makefile", "test:\n\tgo test -v main.go\n"),
            (main, "package main\n"),
        ])
    };
    // No `main.go` at the root: `make test` would fail, the Go default is the answer.
    let report = tree("internal/shop/shop.go");
    let test = report.field(FieldName::TestCommand);
    assert_eq!(test.value.as_deref(), Some("go test ./..."), "{test:?}");
    let report = tree("main.go");
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
}

#[test]
fn a_json_fragment_in_a_readme_is_not_a_migration_command() {
    let readme = "# API\n\n## Database migrations\n\n```\n\"migrations\": [\n```\n";
    let report = scan_tree(&[
        ("package.json", r#"{"name":"api","dependencies":{"express":"4"}}"#),
        ("src/index.js", "require('express')\n"),
        ("README.md", readme),
    ]);
    let migrate = report.field(FieldName::MigrationCommand);
    assert_ne!(migrate.state, State::Found, "{migrate:?}");
}

#[test]
fn a_script_among_ci_assets_is_not_the_projects_test_command() {
    let go_mod = "module example.com/shop\n\ngo 1.22\n\nrequire github.com/labstack/echo/v4 v4.12.0\n";
    let tree = |script: &'static str| {
        let readme = format!("# Shop\n\n## Tests\n\n```sh\n./{script}\n```\n");
        common::scan_owned(&[
            ("go.mod".into(), go_mod.into()),
            ("main.go".into(), "package main\n".into()),
            ("shop_test.go".into(), "package main\n".into()),
            (script.into(), "#!/bin/sh\ngo test ./...\n".into()),
            ("README.md".into(), readme),
        ])
    };
    let report = tree("ci/test.sh");
    assert_eq!(
        report.field(FieldName::TestCommand).value.as_deref(),
        Some("go test ./...")
    );
    let report = tree("scripts/test.sh");
    assert_eq!(
        report.field(FieldName::TestCommand).value.as_deref(),
        Some("./scripts/test.sh")
    );
}

const DJANGO: &str = "django>=5.0\npytest-django>=4.8\n";

#[test]
fn a_command_run_inside_a_container_names_the_containers_paths() {
    let report = common::scan_tree(&[
        ("requirements.txt", DJANGO),
        ("src/manage.py", "DJANGO_SETTINGS_MODULE = 'shop.settings'\n"),
        ("src/shop/settings.py", "INSTALLED_APPS = []\n"),
        ("src/shop/tests/test_x.py", "def test_x():\n    pass\n"),
        (
            "Makefile",
            "test:\n\tdocker compose run --rm web python manage.py test\n",
        ),
    ]);
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
}

#[test]
fn make_with_a_variable_checks_the_target_after_it() {
    let tree = |unit: &'static str| {
        common::scan_tree(&[
            ("pyproject.toml", FASTAPI),
            ("app/main.py", "from fastapi import FastAPI\n"),
            ("tests/test_main.py", "def test_x():\n    pass\n"),
            ("Makefile", unit),
        ])
    };
    let report = tree("test:\n\tmake COVERAGE=1 unit\nunit:\n\tpytest -q\n");
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
    let report = tree("test:\n\tmake COVERAGE=1 unit\n");
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("pytest"));
}

#[test]
fn a_recipe_running_an_undeclared_npm_script_is_not_the_command() {
    let tree = |scripts: &'static str| {
        let package = format!(r#"{{"name":"api","scripts":{scripts},"dependencies":{{"express":"4"}}}}"#);
        common::scan_owned(&[
            ("package.json".into(), package),
            ("src/index.js".into(), "require('express')\n".into()),
            ("Makefile".into(), "dev:\n\tnpm run watch\n".into()),
        ])
    };
    let report = tree(r#"{"watch":"node --watch src/index.js"}"#);
    assert_eq!(report.field(FieldName::DevCommand).value.as_deref(), Some("make dev"));
    let report = tree(r#"{"start":"node src/index.js"}"#);
    assert_ne!(report.field(FieldName::DevCommand).value.as_deref(), Some("make dev"));
}

#[test]
fn a_broken_fixture_does_not_switch_off_the_gate_or_the_proofs() {
    let report = common::scan_tree(&[
        ("pyproject.toml", FASTAPI),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("tests/test_main.py", "def test_x():\n    pass\n"),
        ("tests/fixtures/broken/package.json", "{ \"name\": \"broken\","),
        ("Makefile", "test:\n\tpython -m pytest tests/test_nothere.py\n"),
    ]);
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("pytest"));
    assert_eq!(report.field(FieldName::DatabaseSystem).state, State::Absent);
}

#[test]
fn options_workspaces_and_included_targets_do_not_make_a_command_implausible() {
    // A container run with options before the subcommand.
    let report = common::scan_tree(&[
        ("requirements.txt", DJANGO),
        ("src/manage.py", "DJANGO_SETTINGS_MODULE = 'shop.settings'\n"),
        ("src/shop/settings.py", "INSTALLED_APPS = []\n"),
        ("src/shop/tests/test_x.py", "def test_x():\n    pass\n"),
        (
            "Makefile",
            "test:\n\tdocker compose -f docker-compose.dev.yml run --rm web python manage.py test\n",
        ),
    ]);
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
    // A target that comes from an included file.
    let report = common::scan_tree(&[
        ("pyproject.toml", FASTAPI),
        ("app/main.py", "from fastapi import FastAPI\n"),
        ("tests/test_main.py", "def test_x():\n    pass\n"),
        ("Makefile", "include mk/test.mk\n\ntest:\n\tmake unit\n"),
        ("mk/test.mk", "unit:\n\tpytest -q\n"),
    ]);
    assert_eq!(report.field(FieldName::TestCommand).value.as_deref(), Some("make test"));
    // A workspace member's script run from the root.
    let report = common::scan_tree(&[
        (
            "package.json",
            r#"{"name":"root","private":true,"workspaces":["api"],"scripts":{"dev":"npm run dev -w api"}}"#,
        ),
        (
            "api/package.json",
            r#"{"name":"api","scripts":{"dev":"node index.js"},"dependencies":{"express":"4"}}"#,
        ),
        ("api/index.js", "require('express')\n"),
    ]);
    let dev = report.field(FieldName::DevCommand);
    assert_eq!(dev.state, State::Found, "{dev:?}");
}
