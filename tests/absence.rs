//! "There is none" needs proof (issue 16): a field is absent only when everything that could
//! have named it was read. A manifest that does not parse, a file that could not be read and a
//! directory that could not be listed leave the fields they could have decided unknown, with a
//! hint naming the path.

mod common;

use archprompt::report::{FieldName, State};
use common::scan_tree;

const EXPRESS: &str = r#"{"name":"api","scripts":{"dev":"node src/index.js","test":"jest"},"dependencies":{"express":"4"},"devDependencies":{"jest":"29"}}"#;

#[test]
fn a_backend_without_a_database_is_proven_to_have_none() {
    let report = scan_tree(&[("package.json", EXPRESS), ("src/index.js", "require('express')\n")]);
    let database = report.field(FieldName::DatabaseSystem);
    assert_eq!(database.state, State::Absent, "{database:?}");
    assert_eq!(
        database.evidence[0].file, "package.json",
        "the proof names what was read"
    );
}

#[test]
fn a_manifest_that_does_not_parse_leaves_none_unproven() {
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        // A workspace package whose dependencies (a database driver, maybe) cannot be read.
        (
            "packages/db/package.json",
            r#"{"name":"db","dependencies":{"pg":"8"},}"#,
        ),
    ]);
    assert_eq!(
        report.field(FieldName::BackendFramework).value.as_deref(),
        Some("Express")
    );
    for name in [
        FieldName::DatabaseSystem,
        FieldName::DbMigrationsDirs,
        FieldName::DbCommand,
    ] {
        let field = report.field(name);
        assert_eq!(field.state, State::Unknown, "{name}: {field:?}");
        let hint = field.hint.as_deref().unwrap();
        assert!(
            hint.starts_with("packages/db/package.json could not be read"),
            "{name}: {hint}"
        );
    }
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.file == "packages/db/package.json" && w.message.contains("invalid JSON")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn a_compose_file_that_does_not_parse_leaves_none_unproven() {
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("docker-compose.yml", "services:\n  db:\n\timage: postgres\n"),
    ]);
    let database = report.field(FieldName::DatabaseSystem);
    assert_eq!(database.state, State::Unknown, "{database:?}");
    assert!(
        database
            .hint
            .as_deref()
            .unwrap()
            .starts_with("docker-compose.yml could not be read")
    );
}

#[cfg(unix)]
#[test]
fn a_directory_that_cannot_be_listed_leaves_none_unproven() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("package.json"), EXPRESS).unwrap();
    std::fs::write(root.join("src/index.js"), "require('express')\n").unwrap();
    let locked = root.join("services");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root nothing is locked: then `listing`'s unit test covers the unreadable directory.
    let readable = std::fs::read_dir(&locked).is_ok();
    let report = archprompt::scan(root).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable {
        return;
    }
    let database = report.field(FieldName::DatabaseSystem);
    assert_eq!(database.state, State::Unknown, "{database:?}");
    assert!(
        database
            .hint
            .as_deref()
            .unwrap()
            .starts_with("services could not be read")
    );
}

#[test]
fn a_repository_in_a_language_archprompt_does_not_read_is_unknown_field_by_field() {
    // A Clojure app: no manifest archprompt reads, code it does not know.
    let report = scan_tree(&[
        ("README.md", "# usermanager\n"),
        (
            "deps.edn",
            "{:paths [\"src\"] :deps {ring/ring {:mvn/version \"1.9\"}}}\n",
        ),
        ("src/usermanager/main.clj", "(ns usermanager.main)\n"),
    ]);
    for name in FieldName::ALL {
        let field = report.field(name);
        assert_eq!(field.state, State::Unknown, "{name}: {field:?}");
        let hint = field.hint.as_deref().unwrap();
        assert!(hint.contains("may be code in a language"), "{name}: {hint}");
    }
}

#[test]
fn a_repository_of_documentation_only_is_proven_to_have_no_fields() {
    let report = scan_tree(&[
        ("README.md", "# Handbook\n"),
        ("LICENSE", "MIT\n"),
        ("guides/setup.md", "Install it.\n"),
        ("img/logo.svg", "<svg/>\n"),
        ("data/people.csv", "a,b\n"),
    ]);
    for name in FieldName::ALL {
        let field = report.field(name);
        assert_eq!(field.state, State::Absent, "{name}: {field:?}");
    }
}

#[test]
fn an_app_that_runs_from_source_has_no_build_only_without_an_assets_build() {
    let composer = r#"{"require":{"php":"^8.2","laravel/framework":"^11.0"}}"#;
    let laravel = |extra: Option<(&'static str, &'static str)>| {
        let mut files = vec![
            ("composer.json", composer),
            ("artisan", "#!/usr/bin/env php\n"),
            ("app/Http/Kernel.php", "<?php\n"),
        ];
        files.extend(extra);
        scan_tree(&files)
    };
    let build = laravel(None);
    let field = build.field(FieldName::BuildCommand);
    assert_eq!(field.state, State::Absent, "{field:?}");
    let build = laravel(Some((
        "package.json",
        r#"{"private":true,"scripts":{"dev":"vite","build":"vite build"},"devDependencies":{"vite":"5"}}"#,
    )));
    let field = build.field(FieldName::BuildCommand);
    assert_eq!(field.value.as_deref(), Some("npm run build"), "{field:?}");
    assert_eq!(field.evidence[0].file, "package.json");
}

#[test]
fn a_gem_is_built_from_its_gemspec() {
    let report = scan_tree(&[
        ("Gemfile", "source \"https://rubygems.org\"\ngemspec\n"),
        (
            "slugs.gemspec",
            "Gem::Specification.new do |spec|\n  spec.name = \"slugs\"\n  spec.add_development_dependency \"minitest\"\nend\n",
        ),
        ("lib/slugs.rb", "module Slugs; end\n"),
        ("test/slugs_test.rb", "require \"minitest/autorun\"\n"),
    ]);
    let build = report.field(FieldName::BuildCommand);
    assert_eq!(build.value.as_deref(), Some("gem build slugs.gemspec"), "{build:?}");
    assert!(
        report
            .field(FieldName::TechStack)
            .value
            .as_deref()
            .unwrap()
            .ends_with("library"),
        "{:?}",
        report.field(FieldName::TechStack)
    );
}

#[test]
fn a_database_another_project_names_leaves_the_backends_database_unproven() {
    let report = scan_tree(&[
        (
            "package.json",
            r#"{"name":"shop","private":true,"workspaces":["api","store"]}"#,
        ),
        (
            "api/package.json",
            r#"{"name":"api","scripts":{"dev":"node src/index.js"},"dependencies":{"express":"4"}}"#,
        ),
        ("api/src/index.js", "require('express')\n"),
        (
            "store/package.json",
            r#"{"name":"store","main":"index.js","dependencies":{"pg":"8"}}"#,
        ),
        ("store/index.js", "require('pg')\n"),
    ]);
    assert_eq!(
        report.field(FieldName::BackendFramework).value.as_deref(),
        Some("Express")
    );
    let database = report.field(FieldName::DatabaseSystem);
    assert_eq!(database.state, State::Unknown, "{database:?}");
    assert!(
        database.hint.as_deref().unwrap().contains("store/package.json"),
        "{database:?}"
    );
}

#[test]
fn tests_in_another_project_leave_the_backends_tests_unproven() {
    let csproj =
        |extra: &str| format!("<Project Sdk=\"Microsoft.NET.Sdk.Web\"><ItemGroup>{extra}</ItemGroup></Project>\n");
    let api = csproj("");
    let tests = csproj("<PackageReference Include=\"xunit\" Version=\"2.9.0\" />");
    let report = common::scan_owned(&[
        ("src/Api/Api.csproj".into(), api),
        (
            "src/Api/Program.cs".into(),
            "var app = WebApplication.Create();\n".into(),
        ),
        ("tools/Tests/Tests.csproj".into(), tests),
        ("tools/Tests/ApiTests.cs".into(), "public class ApiTests {}\n".into()),
    ]);
    for name in [FieldName::TestDirs, FieldName::TestCommand] {
        let field = report.field(name);
        assert_eq!(field.state, State::Unknown, "{name}: {field:?}");
        assert!(
            field.hint.as_deref().unwrap().contains("Tests.csproj"),
            "{name}: {field:?}"
        );
    }
}

#[test]
fn a_manifest_of_a_language_archprompt_does_not_read_leaves_everything_unknown() {
    // A Haskell server whose Sphinx docs have a requirements.txt.
    let report = scan_tree(&[
        (
            "postgrest.cabal",
            "name: postgrest\nexecutable postgrest\n  main-is: Main.hs\n",
        ),
        ("main/Main.hs", "module Main where\n"),
        ("docs/requirements.txt", "sphinx>=7\n"),
        ("docs/conf.py", "project = 'PostgREST'\n"),
    ]);
    for name in FieldName::ALL {
        let field = report.field(name);
        assert_eq!(field.state, State::Unknown, "{name}: {field:?}");
        assert!(
            field.hint.as_deref().unwrap().contains("postgrest.cabal"),
            "{name}: {field:?}"
        );
    }
    assert_eq!(report.variables.get("language"), Some(&None), "{:?}", report.variables);
}

#[test]
fn a_makefile_and_scripts_without_extensions_are_code_not_documentation() {
    let report = scan_tree(&[
        ("README.md", "# Ops\n"),
        ("Makefile", "test:\n\t./bin/check\nbuild:\n\tdocker build .\n"),
        ("Dockerfile", "FROM alpine\n"),
        ("bin/deploy", "#!/bin/sh\necho deploy\n"),
    ]);
    for name in [FieldName::TestCommand, FieldName::BuildCommand] {
        assert_eq!(report.field(name).state, State::Unknown, "{name}");
    }
}

#[test]
fn a_go_server_is_never_called_a_command_line_tool_or_a_library() {
    // The server lives in a package `main` calls; whether a main serves is not read.
    let go_mod = "module example.com/guest\n\ngo 1.22\n";
    for (main, api) in [
        ("cmd/server/main.go", "internal/api/api.go"),
        ("cmd/server/server.go", "internal/api/api.go"),
    ] {
        let report = scan_tree(&[
            ("go.mod", go_mod),
            (
                main,
                "package main\n\nimport \"example.com/guest/internal/api\"\n\nfunc main() { api.Run() }\n",
            ),
            (
                api,
                "package api\n\nimport \"net/http\"\n\nfunc Run() { http.ListenAndServe(\":8080\", nil) }\n",
            ),
        ]);
        assert_eq!(report.not_a_backend(), None, "{main}");
        let stack = report.field(FieldName::TechStack).value.clone().unwrap_or_default();
        assert!(
            !stack.contains("command-line tool") && !stack.contains("library"),
            "{stack}"
        );
        assert_ne!(report.field(FieldName::DevCommand).state, State::Absent, "{main}");
    }
}

#[test]
fn a_gem_that_names_its_executables_is_a_command_line_tool() {
    let gemspec = "Gem::Specification.new do |spec|\n  spec.name = \"tool\"\n  spec.bindir = \"bin\"\n  spec.executables = [\"tool\"]\nend\n";
    let report = scan_tree(&[
        ("tool.gemspec", gemspec),
        ("bin/tool", "#!/usr/bin/env ruby\n"),
        ("lib/tool.rb", "module Tool; end\n"),
    ]);
    let stack = report.field(FieldName::TechStack).value.clone().unwrap_or_default();
    assert!(stack.ends_with("command-line tool"), "{stack}");
}

#[test]
fn an_unreadable_file_of_an_app_kept_in_a_tools_folder_leaves_its_database_unproven() {
    let tmp = tempfile::tempdir().unwrap();
    for (path, text) in [
        (
            "tools/api/package.json",
            r#"{"name":"api","scripts":{"dev":"node index.js"},"dependencies":{"express":"4"}}"#,
        ),
        ("tools/api/index.js", "require('express')\n"),
        (
            "tools/api/docker-compose.yml",
            "services:\n  db:\n    image: postgres:16\n  bad: [\n",
        ),
    ] {
        let file = tmp.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    // Described on request (`--project tools/api`): its own folder is not a tooling folder.
    let registry = archprompt::detect::Registry::builtin().unwrap();
    let report = archprompt::scan_project(&registry, tmp.path(), Some("tools/api")).unwrap();
    assert_eq!(
        report.field(FieldName::BackendFramework).value.as_deref(),
        Some("Express")
    );
    assert_eq!(report.field(FieldName::DatabaseSystem).state, State::Unknown);
}

#[test]
fn a_poetry_app_is_not_called_a_library() {
    let pyproject = "[tool.poetry]\nname = \"dash\"\nversion = \"0.1.0\"\n\n[tool.poetry.dependencies]\npython = \"^3.12\"\nstreamlit = \"^1.40\"\n\n[build-system]\nrequires = [\"poetry-core\"]\nbuild-backend = \"poetry.core.masonry.api\"\n";
    let report = scan_tree(&[("pyproject.toml", pyproject), ("app.py", "import streamlit as st\n")]);
    let stack = report.field(FieldName::TechStack).value.clone().unwrap_or_default();
    assert!(!stack.ends_with("library"), "{stack}");
    assert_ne!(report.field(FieldName::DevCommand).state, State::Absent);
}
