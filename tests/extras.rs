//! Scans of small generated trees for the placeholders beyond the 11 fields (docs/placeholders.md):
//! each family found with its evidence, `none` only with proof, unknown otherwise.

mod common;

use archprompt::report::{Extra, Report, State};
use common::scan_tree;

fn value(report: &Report, extra: Extra) -> (State, Option<&str>) {
    let field = &report.extras[&extra];
    (field.state, field.value.as_deref())
}

const EXPRESS: &str = r#"{"name": "api", "scripts": {"dev": "node src/index.js", "lint": "eslint .",
  "typecheck": "tsc --noEmit", "test:coverage": "jest --coverage", "db:seed": "node scripts/seed.js"},
  "dependencies": {"express": "^4.21.0"}, "devDependencies": {"jest": "^29.0.0", "typescript": "^5.0.0"}}"#;

#[test]
fn declared_tasks_fill_the_commands_and_nothing_else_does() {
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("package-lock.json", "{}"),
        ("src/index.js", "require('express')\n"),
        ("scripts/seed.js", "\n"),
    ]);
    assert_eq!(value(&report, Extra::LintCommand), (State::Found, Some("npm run lint")));
    // A recipe that only compiles is what type-checking is.
    assert_eq!(
        value(&report, Extra::TypeCheckCommand),
        (State::Found, Some("npm run typecheck"))
    );
    assert_eq!(
        value(&report, Extra::CoverageCommand),
        (State::Found, Some("npm run test:coverage"))
    );
    assert_eq!(
        value(&report, Extra::SeedCommand),
        (State::Found, Some("npm run db:seed"))
    );
    assert_eq!(
        value(&report, Extra::InstallCommand),
        (State::Found, Some("npm install"))
    );
    let evidence = &report.extras[&Extra::LintCommand].evidence[0];
    assert_eq!(evidence.file, "package.json");
    // Not declared: unknown, never a guess.
    assert_eq!(value(&report, Extra::FormatCommand).0, State::Unknown);
    assert_eq!(value(&report, Extra::RollbackCommand).0, State::Unknown);
    assert_eq!(value(&report, Extra::LineLength).0, State::Unknown);
}

#[test]
fn folders_that_exist_and_tools_shown_by_their_files() {
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("src/routes/users.js", "\n"),
        ("src/models/user.js", "\n"),
        ("docs/index.md", "# Docs\n"),
        (".github/workflows/ci.yml", "on: push\n"),
        ("infra/main.tf", "terraform {}\n"),
    ]);
    assert_eq!(value(&report, Extra::ApiDirs), (State::Found, Some("src/routes")));
    assert_eq!(value(&report, Extra::ModelsDirs), (State::Found, Some("src/models")));
    assert_eq!(value(&report, Extra::DocsDirs), (State::Found, Some("docs")));
    assert_eq!(value(&report, Extra::InfraDirs), (State::Found, Some("infra")));
    assert_eq!(
        value(&report, Extra::CiPlatform),
        (State::Found, Some("GitHub Actions"))
    );
    assert_eq!(value(&report, Extra::IacTool), (State::Found, Some("Terraform")));
    assert_eq!(value(&report, Extra::ServicesDirs).0, State::Unknown);

    let bare = scan_tree(&[("package.json", EXPRESS), ("src/index.js", "require('express')\n")]);
    assert_eq!(value(&bare, Extra::CiPlatform), (State::Absent, Some("none")));
    assert_eq!(value(&bare, Extra::IacTool), (State::Absent, Some("none")));
    assert_eq!(value(&bare, Extra::DockerBuildCommand), (State::Absent, Some("none")));
    // A folder not found is not proof that there is none.
    assert_eq!(value(&bare, Extra::DocsDirs).0, State::Unknown);
}

#[test]
fn an_image_is_built_from_the_context_its_dockerfile_copies_from() {
    let workspace = r#"{"name": "acme", "private": true, "workspaces": ["apps/*"]}"#;
    let api =
        r#"{"name": "@acme/api", "scripts": {"dev": "node src/index.js"}, "dependencies": {"express": "^4.21.0"}}"#;
    let tree = |dockerfile: &'static str| {
        scan_tree(&[
            ("package.json", workspace),
            ("package-lock.json", "{}"),
            ("apps/api/package.json", api),
            ("apps/api/src/index.js", "require('express')\n"),
            ("apps/api/Dockerfile", dockerfile),
        ])
    };
    // It copies the root's lockfile: built from the root.
    let root = tree("FROM node:20\nCOPY package.json package-lock.json ./\nCOPY apps/api ./apps/api\n");
    assert_eq!(
        value(&root, Extra::DockerBuildCommand),
        (State::Found, Some("docker build -f apps/api/Dockerfile ."))
    );
    // It copies its own folder's files: built from there.
    let own = tree("FROM node:20\nCOPY package.json ./\nCOPY src ./src\n");
    assert_eq!(
        value(&own, Extra::DockerBuildCommand),
        (State::Found, Some("docker build apps/api"))
    );
    // `COPY . .` below the root does not say which: unknown.
    let whole = tree("FROM node:20\nCOPY . .\n");
    assert_eq!(value(&whole, Extra::DockerBuildCommand).0, State::Unknown);
}

#[test]
fn none_is_claimed_only_with_proof_and_a_pin_wins() {
    // A Dockerfile by another name; an infrastructure folder with no tool archprompt knows.
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("docker/Dockerfile-dev", "FROM node:20\n"),
        ("deploy/playbook.yml", "- hosts: all\n"),
        (".gitea/workflows/ci.yml", "on: push\n"),
        (
            "archprompt.toml",
            "[values]\nlint_command = \"make lint\"\nci_platform = \"Woodpecker\"\n",
        ),
    ]);
    assert_eq!(value(&report, Extra::DockerBuildCommand).0, State::Unknown);
    assert_eq!(value(&report, Extra::IacTool).0, State::Unknown);
    // Pinned by its name or an alias, as a field is.
    assert_eq!(value(&report, Extra::LintCommand), (State::Found, Some("make lint")));
    assert!(report.extras[&Extra::LintCommand].pinned);
    assert_eq!(value(&report, Extra::CiPlatform), (State::Found, Some("Woodpecker")));
    let ci = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        (".gitea/workflows/ci.yml", "on: push\n"),
    ]);
    assert_eq!(value(&ci, Extra::CiPlatform), (State::Found, Some("Gitea Actions")));
}

#[test]
fn a_target_that_runs_the_frontends_tools_is_not_the_backends() {
    let go = scan_tree(&[
        (
            "go.mod",
            "module example.com/app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.10.0\n",
        ),
        (
            "main.go",
            "package main\n\nimport \"github.com/gin-gonic/gin\"\n\nfunc main() { gin.Default().Run() }\n",
        ),
        ("Makefile", "lint:\n\tcd web && npm run lint\n\nfmt:\n\tgofmt -w .\n"),
        ("web/package.json", r#"{"scripts": {"lint": "eslint ."}}"#),
    ]);
    assert_eq!(value(&go, Extra::LintCommand).0, State::Unknown);
    assert_eq!(value(&go, Extra::FormatCommand), (State::Found, Some("make fmt")));
}

#[test]
fn the_frontend_beside_the_backend_names_its_framework_libraries_and_build() {
    let web = r#"{"name": "web", "scripts": {"build": "tsc -b && vite build"},
      "dependencies": {"react": "^18.2.0", "@mui/material": "^5.15.0", "@reduxjs/toolkit": "^2.2.0"},
      "devDependencies": {"vite": "^5.1.0", "webpack": "^5.90.0"}}"#;
    let docs = r#"{"name": "docs", "dependencies": {"@docusaurus/core": "^3.1.0", "react": "^18.2.0",
      "vue": "^3.4.0"}}"#;
    let example = r#"{"name": "example", "dependencies": {"svelte": "^4.0.0"}}"#;
    let report = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("web/package.json", web),
        ("web/src/main.tsx", "\n"),
        ("docs/package.json", docs),
        ("examples/svelte/package.json", example),
        ("compose.yaml", "services: {}\n"),
    ]);
    assert_eq!(value(&report, Extra::FrontendFramework), (State::Found, Some("React")));
    assert_eq!(value(&report, Extra::UiLibrary), (State::Found, Some("Material UI")));
    assert_eq!(
        value(&report, Extra::StateManagement),
        (State::Found, Some("Redux Toolkit"))
    );
    // The tool the build script runs, not the first installed.
    assert_eq!(value(&report, Extra::BuildTool), (State::Found, Some("Vite")));
    let evidence = &report.extras[&Extra::BuildTool].evidence[0];
    assert_eq!(evidence.file, "web/package.json");
    assert!(evidence.reason.contains("vite build"), "{}", evidence.reason);
    assert_eq!(value(&report, Extra::ContainerRuntime), (State::Found, Some("Docker")));
    // The declared version, as written; a documentation site and an example are not frontends.
    assert_eq!(report.variables["react_version"].as_deref(), Some("^18.2.0"));
    assert_eq!(report.variables["vue_version"], None);
    assert_eq!(report.variables["svelte_version"], None);

    // A frontend using no library archprompt knows may use one it does not: unknown.
    let plain = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("client/package.json", r#"{"dependencies": {"vue": "workspace:*"}}"#),
    ]);
    assert_eq!(value(&plain, Extra::FrontendFramework), (State::Found, Some("Vue")));
    assert_eq!(value(&plain, Extra::UiLibrary).0, State::Unknown);
    assert_eq!(value(&plain, Extra::BuildTool).0, State::Unknown);
    assert_eq!(plain.variables["vue_version"], None, "workspace:* states no version");
    // No frontend at all is unknown too, never `none`; no container file is `none`.
    let backend = scan_tree(&[("package.json", EXPRESS), ("src/index.js", "require('express')\n")]);
    for extra in [
        Extra::FrontendFramework,
        Extra::UiLibrary,
        Extra::StateManagement,
        Extra::BuildTool,
    ] {
        assert_eq!(value(&backend, extra).0, State::Unknown, "{extra}");
    }
    assert_eq!(value(&backend, Extra::ContainerRuntime).0, State::Absent);
}

#[test]
fn a_folder_of_page_components_is_not_the_backends_api() {
    let pages = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("src/routes/home.tsx", "export default () => null\n"),
        ("src/routes/about.tsx", "export default () => null\n"),
        ("src/api/users.js", "module.exports = {}\n"),
    ]);
    assert_eq!(value(&pages, Extra::ApiDirs), (State::Found, Some("src/api")));
    let handlers = scan_tree(&[
        ("package.json", EXPRESS),
        ("src/index.js", "require('express')\n"),
        ("src/routes/users.js", "module.exports = {}\n"),
    ]);
    assert_eq!(value(&handlers, Extra::ApiDirs), (State::Found, Some("src/routes")));
}
