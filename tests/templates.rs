//! Template collections written for other tools render unchanged: a folder of templates gives
//! one agent file each, aliases (`{{db_console_command}}`) fill like archprompt's own names,
//! names archprompt does not fill and other languages' braces (`${{ secrets.X }}`, Vue's
//! `{{ user.email }}`) come out byte for byte, and `doctor` lists what is left.

use predicates::prelude::*;

mod common;
use common::{archprompt, render_in, repo_from};

const COLLECTION: &str = "tests/data/template-collection";

#[test]
fn every_alias_stands_for_a_field_or_a_variable_of_a_real_report() {
    let out = archprompt()
        .args(["scan", "--json", "fixtures/node-nestjs-typeorm"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (alias, name) in archprompt::report::aliases::all() {
        let fills = ["fields", "variables", "extras"]
            .iter()
            .any(|key| report[key].get(name).is_some());
        assert!(fills, "{alias} stands for {name}, which the report does not have");
        assert!(
            ["fields", "variables", "extras"]
                .iter()
                .all(|key| report[key].get(alias).is_none()),
            "{alias} hides a name of the report"
        );
    }
}

#[test]
fn a_folder_of_templates_gives_one_agent_file_each_with_other_braces_left_alone() {
    let repo = repo_from("node-nestjs-typeorm");
    archprompt()
        .args(["init", "--target", "claude", "--templates", COLLECTION])
        .arg(repo.path())
        .assert()
        .success()
        .stderr(
            predicate::str::contains(
                "api-agent: 1 unknown: {{line_length}}; 1 not archprompt's: {{feature_description}}",
            )
            .and(predicate::str::contains(
                "test-agent: every placeholder archprompt fills, filled",
            )),
        );
    let agents = repo.path().join(".claude/agents");
    let mut names: Vec<String> = std::fs::read_dir(&agents)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // notes.txt is not a template.
    assert_eq!(names, ["api-agent.md", "test-agent.md"]);

    let api = std::fs::read_to_string(agents.join("api-agent.md")).unwrap();
    let template = std::fs::read_to_string(format!("{COLLECTION}/api-agent.md")).unwrap();
    // Every line without one of archprompt's names is the template's, byte for byte.
    let filled = [
        (
            "{{tech_stack}}",
            "TypeScript on Node.js, NestJS, TypeORM, PostgreSQL, pnpm",
        ),
        ("{{api_framework}}", "NestJS"),
        ("{{orm_system}}", "TypeORM"),
        ("`{{src_dirs}}`", "`src`"),
        ("`{{db_migrate_command}}`", "`pnpm migration:run`"),
        (
            "`{{db_console_command}}`",
            "`docker compose exec db psql -U postgres -d app`",
        ),
    ];
    let mut expected = template.clone();
    for (placeholder, value) in filled {
        expected = expected.replacen(placeholder, value, 1);
    }
    assert!(api.starts_with(&expected), "{api}");
    assert!(api.contains("${{ secrets.DEPLOY_TOKEN }}") && api.contains("{{ (saving$ | async) ? 'Saving' : 'Save' }}"));

    let tests = std::fs::read_to_string(agents.join("test-agent.md")).unwrap();
    assert!(
        tests.contains("Run `pnpm test`; tests live in `test`, `src` and use Jest."),
        "{tests}"
    );

    // doctor lists the names left, and --fix leaves them (no scan can fill them).
    archprompt().arg("doctor").arg(repo.path()).assert().code(1).stdout(
        predicate::str::contains("`feature_description` is not a variable archprompt knows").and(
            predicate::str::contains(
                "{{line_length}}\n  why: not found; looked for a formatter's or linter's configuration",
            ),
        ),
    );
    archprompt().args(["doctor", "--fix"]).arg(repo.path()).assert().code(1);
    assert_eq!(std::fs::read_to_string(agents.join("api-agent.md")).unwrap(), api);
}

#[test]
fn an_alias_of_an_unknown_field_stays_as_the_template_wrote_it() {
    let repo = repo_from("node-koa-sequelize");
    render_in(repo.path(), "Console: `{{db_console_command}}`\n")
        .success()
        .stdout("Console: `{{db_console_command}}`\n")
        .stderr(
            predicate::str::contains("1 placeholder(s) left").and(predicate::str::contains("{{db_console_command}}")),
        );
}

#[test]
fn templates_that_would_write_the_same_agent_are_refused() {
    let repo = repo_from("node-nestjs-typeorm");
    archprompt()
        .args(["init", "--templates", COLLECTION, "--template"])
        .arg(format!("{COLLECTION}/api-agent.md"))
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("would both write the agent `api-agent`"));
    let empty = tempfile::tempdir().unwrap();
    archprompt()
        .args(["init", "--templates"])
        .arg(empty.path())
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no templates (*.md, *.hbs) in"));
}

#[test]
fn docs_placeholders_lists_every_name_archprompt_fills() {
    let page = std::fs::read_to_string("docs/placeholders.md").unwrap();
    let listed = |name: &str| page.contains(&format!("| `{name}` |"));
    let out = archprompt()
        .args(["scan", "--json", "fixtures/node-nestjs-typeorm"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = report["fields"]
        .as_object()
        .unwrap()
        .keys()
        .chain(report["variables"].as_object().unwrap().keys())
        .chain(report["extras"].as_object().unwrap().keys())
        .map(String::as_str)
        .chain(archprompt::report::aliases::all().map(|(alias, _)| alias));
    for name in names {
        assert!(listed(name), "docs/placeholders.md does not list {name}");
    }
    for (alias, name) in archprompt::report::aliases::all() {
        assert!(page.contains(&format!("| `{alias}` | `{name}` |")), "{alias} is {name}");
    }
}

#[test]
fn a_template_is_written_only_where_it_applies_unless_all() {
    let repo = repo_from("node-koa-sequelize");
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join("db.md"),
        "---\nname: db-agent\ndescription: Database work\napplies_when: [database, migrations]\n---\nDB {{database_system}}\n",
    )
    .unwrap();
    std::fs::write(
        folder.path().join("ci.md"),
        "---\nname: ci-agent\ndescription: CI work\napplies_when: ci\n---\nCI {{cicd_platform}}\n",
    )
    .unwrap();
    // `init` over the folder succeeds and says `said`.
    let init_says = |said: &str| {
        archprompt()
            .args(["init", "--target", "claude", "--templates"])
            .arg(folder.path())
            .arg(repo.path())
            .assert()
            .success()
            .stderr(predicate::str::contains(said));
    };
    init_says("ci does not apply here (ci: no CI/CD configuration was found); --all writes it anyway");
    let agents = repo.path().join(".claude/agents");
    assert!(agents.join("db-agent.md").is_file());
    assert!(!agents.join("ci-agent.md").exists());

    // In bulk, a line says so; --all writes it.
    let out = archprompt()
        .args(["init", "--json", "--dry-run", "--target", "claude", "--templates"])
        .arg(folder.path())
        .arg(repo.path())
        .arg(repo.path())
        .output()
        .unwrap();
    let lines = common::json_lines(&out.stdout);
    assert!(lines.iter().any(|l| l["status"] == "does not apply"
        && l["file"].as_str().unwrap().ends_with("ci-agent.md")
        && l["why"] == "ci: no CI/CD configuration was found"));
    archprompt()
        .args(["init", "--all", "--target", "claude", "--templates"])
        .arg(folder.path())
        .arg(repo.path())
        .assert()
        .success();
    assert!(agents.join("ci-agent.md").is_file());

    // A repository without a browser frontend has no React frontend.
    std::fs::write(
        folder.path().join("fe.md"),
        "---\nname: fe-agent\napplies_when: [frontend:react]\n---\nUI {{ui_library}}\n",
    )
    .unwrap();
    init_says("fe does not apply here (frontend:react: the frontend is not known)");
    assert!(!agents.join("fe-agent.md").exists());

    // A word applies_when does not know is an error naming the template.
    std::fs::write(folder.path().join("fe.md"), "---\napplies_when: [mobile:ios]\n---\nx\n").unwrap();
    archprompt()
        .args(["init", "--templates"])
        .arg(folder.path())
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fe.md").and(predicate::str::contains("`mobile:ios` is not one of")));
}

#[test]
fn doctor_checks_the_vocabulary_as_it_checks_the_fields() {
    let repo = repo_from("node-koa-sequelize");
    let templates = repo.path().join(".archprompt/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::create_dir_all(repo.path().join("docs")).unwrap();
    std::fs::write(
        templates.join("ops.md"),
        "---\nname: ops\ndescription: Ops\n---\n\n- **Install:** `{{install_command}}`\n- **CI/CD:** {{cicd_platform}}\n- **Docs:** `{{docs_dirs}}`\n",
    )
    .unwrap();
    archprompt()
        .args(["init", "--template", "ops", "--target", "claude"])
        .arg(repo.path())
        .assert()
        .success();
    let file = repo.path().join(".claude/agents/ops.md");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("install_command=") && written.contains("cicd_platform="),
        "{written}"
    );
    // The repository changes under the file: a CI workflow appears, the docs folder goes.
    std::fs::create_dir_all(repo.path().join(".github/workflows")).unwrap();
    std::fs::write(repo.path().join(".github/workflows/ci.yml"), "on: push\n").unwrap();
    std::fs::remove_dir(repo.path().join("docs")).unwrap();
    archprompt().arg("doctor").arg(repo.path()).assert().code(1).stdout(
        predicate::str::contains("stale cicd_platform")
            .and(predicate::str::contains("a fresh scan finds `GitHub Actions`"))
            .and(predicate::str::contains(
                "missing directory in docs_dirs: `docs` does not exist",
            )),
    );
    archprompt().args(["doctor", "--fix"]).arg(repo.path()).assert().code(1);
    let fixed = std::fs::read_to_string(&file).unwrap();
    assert!(fixed.contains("- **CI/CD:** GitHub Actions\n"), "{fixed}");
}

#[test]
fn each_repository_of_a_bulk_run_renders_its_own_template_folder() {
    let (a, b) = (repo_from("node-koa-sequelize"), repo_from("python-fastapi-uv-alembic"));
    for (repo, agent) in [(&a, "koa-agent"), (&b, "fastapi-agent")] {
        let folder = repo.path().join(".archprompt/templates");
        std::fs::create_dir_all(&folder).unwrap();
        let text = format!("---\nname: {agent}\n---\nStack: {{{{tech_stack}}}}\n");
        std::fs::write(folder.join(format!("{agent}.md")), text).unwrap();
        std::fs::write(folder.join("tests.md"), "---\nname: tests\n---\n{{test_command}}\n").unwrap();
    }
    // Run from elsewhere: the relative folder is each repository's own.
    let elsewhere = tempfile::tempdir().unwrap();
    let out = archprompt()
        .current_dir(elsewhere.path())
        .args([
            "init",
            "--json",
            "--target",
            "claude",
            "--templates",
            ".archprompt/templates",
        ])
        .arg(a.path())
        .arg(b.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let koa = std::fs::read_to_string(a.path().join(".claude/agents/koa-agent.md")).unwrap();
    assert!(koa.contains("Koa"), "{koa}");
    let fastapi = std::fs::read_to_string(b.path().join(".claude/agents/fastapi-agent.md")).unwrap();
    assert!(fastapi.contains("FastAPI"), "{fastapi}");
    assert!(!a.path().join(".claude/agents/fastapi-agent.md").exists());
    assert!(b.path().join(".claude/agents/tests.md").is_file());
    // A folder outside the repository is not the repository's.
    let out = archprompt()
        .current_dir(elsewhere.path())
        .args(["init", "--dry-run", "--templates", "../outside"])
        .arg(a.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}
