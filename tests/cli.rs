//! Runs the real binary: init (create, up to date, refuse, --force, --dry-run, --stdout,
//! --output, --template), doctor's exit codes and JSON, scan --json, and bad input.

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{archprompt, copy_dir, render_in, repo_from};

const AGENT_FILE: &str = ".github/agents/backend-architect.agent.md";

#[test]
fn init_writes_then_reports_up_to_date_and_changes_nothing() {
    let repo = repo_from("node-express-prisma");
    archprompt()
        .arg("init")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("created"));
    let written = std::fs::read_to_string(repo.path().join(AGENT_FILE)).unwrap();
    assert!(written.contains("- **Backend Framework:** Express"), "{written}");
    assert!(written.contains("`npm run dev`"));
    assert!(written.contains("`prisma/migrations` – Database migrations"));
    let modified = std::fs::metadata(repo.path().join(AGENT_FILE))
        .unwrap()
        .modified()
        .unwrap();

    archprompt()
        .arg("init")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("up to date"));
    let again = std::fs::metadata(repo.path().join(AGENT_FILE))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(modified, again, "an up-to-date re-run must not rewrite the file");
}

#[test]
fn values_filled_in_by_hand_are_kept_on_the_next_init() {
    let repo = repo_from("node-koa-sequelize");
    archprompt().arg("init").arg(repo.path()).assert().success();
    let target = repo.path().join(AGENT_FILE);
    let filled = std::fs::read_to_string(&target)
        .unwrap()
        .replace("{{db_command}}", "mysql -u root -p koa_app_dev");
    std::fs::write(&target, &filled).unwrap();
    archprompt()
        .arg("init")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("up to date"))
        .stderr(
            predicate::str::contains("kept 1 value(s) of").and(predicate::str::contains(
                "every field of the template filled (9 found, 1 none, 1 unknown",
            )),
        );
    archprompt()
        .args(["init", "--force"])
        .arg(repo.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        filled,
        "--force keeps hand-filled values too"
    );
}

#[test]
fn init_refuses_to_overwrite_a_changed_file_without_force() {
    let repo = repo_from("rust-axum-sqlx");
    let target = repo.path().join(AGENT_FILE);
    std::fs::create_dir_all(target.parent().unwrap()).unwrap();
    std::fs::write(&target, "my own notes\n").unwrap();

    archprompt().arg("init").arg(repo.path()).assert().code(1).stderr(
        predicate::str::contains("differs")
            .and(predicate::str::contains("--dry-run"))
            .and(predicate::str::contains("--force")),
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "my own notes\n");

    archprompt()
        .args(["init", "--dry-run"])
        .arg(repo.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("would leave")
                .and(predicate::str::contains("-my own notes"))
                .and(predicate::str::contains("+- **Backend Framework:** Axum")),
        );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "my own notes\n");

    archprompt()
        .args(["init", "--force"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("updated"));
    assert!(std::fs::read_to_string(&target).unwrap().contains("Axum"));
}

#[test]
fn dry_run_on_a_fresh_repo_shows_the_file_and_writes_nothing() {
    let repo = repo_from("python-fastapi-uv-alembic");
    archprompt()
        .args(["init", "-n"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("would create").and(predicate::str::contains("`uv run alembic upgrade head`")),
        );
    assert!(!repo.path().join(".github").exists());
}

#[test]
fn stdout_prints_and_lists_what_it_could_not_fill() {
    let repo = repo_from("node-koa-sequelize");
    archprompt()
        .args(["init", "--stdout"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("- **Backend Framework:** Koa").and(predicate::str::contains("{{db_command}}")),
        )
        .stderr(predicate::str::contains("1 placeholder(s) left").and(predicate::str::contains("{{db_command}}")));
    assert!(!repo.path().join(".github").exists());
}

#[test]
fn output_and_template_render_other_files() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("package.json"),
        r#"{"dependencies": {"express": "^4"}, "scripts": {"dev": "nodemon app.js", "build": "tsc -p ."}}"#,
    )
    .unwrap();
    std::fs::write(repo.path().join("app.js"), "require('express')\n").unwrap();
    let template = repo.path().join("t.hbs");
    std::fs::write(
        &template,
        "dev={{dev_command}}\nbuild={{build_command}}\npm={{package_manager}}\n",
    )
    .unwrap();
    let out = repo.path().join("out.md");
    archprompt()
        .args(["init", "--template"])
        .arg(&template)
        .arg("--output")
        .arg(&out)
        .arg(repo.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "dev=npm run dev\nbuild=npm run build\npm=npm\n"
    );
}

/// Values come from the repository's own text (here a compose service's environment); they are
/// inserted verbatim, never HTML-escaped and never evaluated as template syntax.
#[test]
fn values_are_never_escaped_or_reinterpreted() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("package.json"),
        r#"{"dependencies": {"express": "^4", "pg": "^8"}}"#,
    )
    .unwrap();
    std::fs::write(
        repo.path().join("compose.yaml"),
        "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: 'a && b < \"c\"'\n      POSTGRES_DB: '{{tech_stack}}'\n      POSTGRES_PASSWORD: x\n",
    )
    .unwrap();
    render_in(repo.path(), "{{db_command}}\n")
        .success()
        .stdout("docker compose exec db psql -U a && b < \"c\" -d {{tech_stack}}\n");
}

#[test]
fn a_name_archprompt_does_not_fill_is_left_as_written_and_named() {
    let repo = repo_from("rust-axum-sqlx");
    render_in(
        repo.path(),
        "ORM: {{orm_system}}; PRD: {{prd_path}}; CI: ${{ secrets.TOKEN }}\n",
    )
    .success()
    .stdout("ORM: SQLx; PRD: {{prd_path}}; CI: ${{ secrets.TOKEN }}\n")
    .stderr(predicate::str::contains("not names archprompt fills").and(predicate::str::contains("{{prd_path}}")));
}

#[test]
fn doctor_exit_codes() {
    let repo = repo_from("node-koa-sequelize");
    // No agent file yet: nothing to check is an error, so CI notices a missing file.
    archprompt()
        .arg("doctor")
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no agent files to check").and(predicate::str::contains("archprompt init")));

    archprompt().arg("init").arg(repo.path()).assert().success();
    let assert = archprompt().arg("doctor").arg(repo.path()).assert().code(1);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        out.contains("backend-architect.agent.md:33:27: {{db_command}}"),
        "{out}"
    );
    assert!(out.contains("why: no db/studio/dbshell task"), "{out}");
    assert!(
        out.contains("fix: pin it in archprompt.toml (`[values]` db_command = "),
        "{out}"
    );

    // Filled by hand: clean.
    let target = repo.path().join(AGENT_FILE);
    let text = std::fs::read_to_string(&target)
        .unwrap()
        .replace("{{db_command}}", "mysql -u root -p koa_app_dev");
    std::fs::write(&target, text).unwrap();
    archprompt()
        .arg("doctor")
        .arg(&target)
        .assert()
        .success()
        .stdout(predicate::str::contains("no placeholders left"));

    archprompt()
        .args(["doctor", "no/such/file.md"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
}

#[test]
fn doctor_json_and_claude_agents() {
    let repo = repo_from("rust-axum-sqlx");
    let agents = repo.path().join(".claude/agents");
    std::fs::create_dir_all(&agents).unwrap();
    std::fs::write(agents.join("db.md"), "Use {{db_command}}.\nRun {{ custom_thing }}\n").unwrap();
    let assert = archprompt()
        .args(["doctor", "--json"])
        .arg(repo.path())
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let found = json["placeholders"].as_array().unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0]["placeholder"], "db_command");
    assert_eq!(found[0]["line"], 1);
    assert_eq!(found[0]["column"], 5);
    assert!(
        found[0]["why"].as_str().unwrap().contains("psql"),
        "a fresh scan fills it: {}",
        found[0]["why"]
    );
    assert_eq!(found[1]["placeholder"], "custom_thing");
    assert!(
        found[1]["why"]
            .as_str()
            .unwrap()
            .contains("not a variable archprompt knows")
    );
}

#[test]
fn scan_json_has_every_field() {
    let assert = archprompt()
        .args(["scan", "--json", "fixtures/node-nestjs-typeorm"])
        .assert()
        .success();
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let fields = json["fields"].as_object().unwrap();
    assert_eq!(fields.len(), 11);
    assert_eq!(json["fields"]["backend_framework"]["value"], "NestJS");
    assert_eq!(json["fields"]["database_system"]["value"], "PostgreSQL, Redis (cache)");
    assert_eq!(json["fields"]["dev_command"]["evidence"][0]["file"], "package.json");
    assert_eq!(json["variables"]["package_manager"], "pnpm");
}

#[test]
fn broken_manifests_warn_and_the_scan_goes_on() {
    archprompt()
        .args(["scan", "fixtures/broken-manifests"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FastAPI"))
        .stderr(
            predicate::str::contains("warning: package.json: invalid JSON")
                .and(predicate::str::contains("warning: Cargo.toml: invalid TOML"))
                .and(predicate::str::contains("warning: requirements.txt: binary file"))
                .and(predicate::str::contains("warning: docker-compose.yml: invalid YAML")),
        );
}

#[test]
fn bad_arguments_exit_2() {
    archprompt()
        .args(["scan", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file or directory"));
    archprompt().args(["init", "--stdout", "--dry-run"]).assert().code(2);
    archprompt().arg("frobnicate").assert().code(2);
}

#[cfg(unix)]
#[test]
fn unreadable_directory_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let repo = repo_from("rust-axum-sqlx");
    let locked = repo.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read_dir(&locked).is_ok(); // root can read anything
    let assert = archprompt()
        .arg("scan")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Axum"));
    if !readable {
        assert.stderr(predicate::str::contains("locked"));
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn many_repositories_give_json_lines_in_order_and_one_failure_does_not_stop_the_rest() {
    let assert = archprompt()
        .args([
            "scan",
            "--json",
            "-j",
            "2",
            "fixtures/rust-axum-sqlx",
            "no/such/repo",
            "fixtures/node-express-prisma",
        ])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("scanned 3 repositories")
                .and(predicate::str::is_match(r"(?m)^  failed +1$").unwrap()),
        );
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["fields"]["backend_framework"]["value"], "Axum");
    assert_eq!(lines[0]["path"], "fixtures/rust-axum-sqlx");
    assert!(lines[0]["error"].is_null());
    assert!(["ok", "placeholders"].contains(&lines[0]["status"].as_str().unwrap()));
    assert_eq!(lines[1]["root"], "no/such/repo");
    assert_eq!(lines[1]["path"], "no/such/repo");
    assert_eq!(lines[1]["status"], "failed");
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("no such file or directory")
    );
    assert_eq!(lines[2]["fields"]["backend_framework"]["value"], "Express");
}

#[test]
fn paths_can_come_from_standard_input() {
    let assert = archprompt()
        .args(["scan", "--json", "--from-file", "-"])
        .write_stdin("fixtures/python-django-poetry\nfixtures/rust-actix-diesel\n")
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let roots: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["root"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(roots, ["fixtures/python-django-poetry", "fixtures/rust-actix-diesel"]);
}

/// `--discover` finds the git repositories below a directory, and the N shards of `--shard K/N`
/// together scan each of them exactly once.
#[test]
fn discovered_repositories_split_into_shards_that_cover_each_once() {
    let org = tempfile::tempdir().unwrap();
    let fixtures = [
        "rust-axum-sqlx",
        "node-express-prisma",
        "python-django-poetry",
        "go-gin-gorm-postgres",
        "php-slim-pest",
    ];
    for fixture in fixtures {
        let repo = org.path().join("team").join(fixture);
        std::fs::create_dir_all(&repo).unwrap();
        copy_dir(&Path::new("fixtures").join(fixture), &repo);
        std::fs::create_dir_all(repo.join(".git")).unwrap();
    }
    // Not repositories: a folder without .git, and a repository inside a dependency folder.
    std::fs::create_dir_all(org.path().join("notes")).unwrap();
    std::fs::create_dir_all(org.path().join("team/node-express-prisma/node_modules/x/.git")).unwrap();
    let roots = |args: &[&str]| -> Vec<String> {
        let assert = archprompt().args(["scan", "--json"]).args(args).assert().success();
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        stdout
            .lines()
            .map(|l| {
                let report: serde_json::Value = serde_json::from_str(l).unwrap();
                assert!(report["fields"]["backend_framework"]["value"].is_string(), "{l}");
                let root = report["root"].as_str().unwrap().to_string();
                Path::new(&root).file_name().unwrap().to_string_lossy().to_string()
            })
            .collect()
    };
    let dir = org.path().to_str().unwrap();
    let mut all = roots(&["--discover", dir]);
    let mut expected: Vec<String> = fixtures.iter().map(|f| f.to_string()).collect();
    expected.sort();
    assert_eq!(all, expected, "every repository, in a stable (sorted) order");
    let mut from_shards = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let part = roots(&["--discover", dir, "--shard", &shard]);
        assert!(!part.is_empty() && part.len() <= 2, "{shard}: {part:?}");
        from_shards.extend(part);
    }
    from_shards.sort();
    all.sort();
    assert_eq!(from_shards, all);
    archprompt()
        .args(["scan", "--discover", dir, "--shard", "4/3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("K must be between 1 and N"));
}

/// `init` over many repositories: `--dry-run` writes nothing, each repository gets its own file,
/// a changed file is refused without `--force` (exit 1) while the others go on, and a repository
/// that cannot be scanned is recorded without stopping the rest.
#[test]
fn init_in_bulk_writes_each_repository_and_refuses_changed_files() {
    let org = tempfile::tempdir().unwrap();
    for fixture in ["rust-axum-sqlx", "node-express-prisma"] {
        let repo = org.path().join(fixture);
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        copy_dir(&Path::new("fixtures").join(fixture), &repo);
    }
    let dir = org.path().to_str().unwrap();
    let file = |repo: &str| org.path().join(repo).join(".github/agents/backend-architect.agent.md");
    let statuses = |args: &[&str], code: i32| -> Vec<(String, String)> {
        let assert = archprompt()
            .args(["init", "--json", "--discover", dir])
            .args(args)
            .assert()
            .code(code);
        let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
        stdout
            .lines()
            .map(|l| {
                let line: serde_json::Value = serde_json::from_str(l).unwrap();
                let name = Path::new(line["path"].as_str().unwrap()).file_name().unwrap();
                (
                    name.to_string_lossy().to_string(),
                    line["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pair = |a: &str, b: &str| {
        [
            ("node-express-prisma".to_string(), a.to_string()),
            ("rust-axum-sqlx".to_string(), b.to_string()),
        ]
    };
    assert_eq!(statuses(&["--dry-run"], 0), pair("would create", "would create"));
    assert!(!file("rust-axum-sqlx").exists(), "--dry-run writes nothing");
    assert_eq!(statuses(&[], 0), pair("created", "created"));
    assert_eq!(statuses(&[], 0), pair("up to date", "up to date"));
    let mut edited = std::fs::read_to_string(file("rust-axum-sqlx")).unwrap();
    edited.push_str("\nOur own note.\n");
    std::fs::write(file("rust-axum-sqlx"), &edited).unwrap();
    assert_eq!(statuses(&[], 1), pair("up to date", "refused"));
    assert_eq!(
        std::fs::read_to_string(file("rust-axum-sqlx")).unwrap(),
        edited,
        "refused means untouched"
    );
    let assert = archprompt()
        .args(["init", "--discover", dir])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("set up 2 repositories in"));
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    for row in [
        "  written                 0",
        "  up to date              1",
        "  skipped                 1",
        "  failed                  0",
    ] {
        assert!(stderr.lines().any(|l| l == row), "summary row {row:?} in:\n{stderr}");
    }
    assert_eq!(statuses(&["--force"], 0), pair("up to date", "updated"));
    // A missing repository fails alone.
    let assert = archprompt()
        .args(["init", "--json", "no/such/repo"])
        .arg(org.path().join("rust-axum-sqlx"))
        .assert()
        .code(1);
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["status"], "failed");
    assert!(
        lines[0]["error"]
            .as_str()
            .unwrap()
            .contains("no such file or directory")
    );
    assert_eq!(lines[1]["status"], "up to date");
    archprompt()
        .args(["init", "--stdout", "--discover", dir])
        .assert()
        .code(2);
}

/// `doctor` over a discovered list: one line per repository, in order, and exit 1 unless all are ok.
#[test]
fn doctor_in_bulk_reports_each_repository_and_fails_unless_all_are_ok() {
    let org = tempfile::tempdir().unwrap();
    for fixture in ["rust-axum-sqlx", "node-koa-sequelize", "node-express-prisma"] {
        let repo = org.path().join(fixture);
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        copy_dir(&Path::new("fixtures").join(fixture), &repo);
    }
    let repo = |name: &str| org.path().join(name);
    for name in ["rust-axum-sqlx", "node-koa-sequelize"] {
        archprompt().arg("init").arg(repo(name)).assert().success();
    }
    let dir = org.path().to_str().unwrap();
    let assert = archprompt()
        .args(["doctor", "--json", "--discover", dir])
        .assert()
        .code(1)
        .stderr(predicate::str::is_match(r"(?m)^  without an agent file +1$").unwrap());
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let statuses: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            let path = l["path"].as_str().unwrap();
            (path.rsplit('/').next().unwrap(), l["status"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("node-express-prisma", "missing"),
            ("node-koa-sequelize", "placeholders"),
            ("rust-axum-sqlx", "ok")
        ]
    );
    assert_eq!(lines[1]["placeholders"][0]["placeholder"], "db_command");
    assert_eq!(lines[2]["files_checked"].as_array().unwrap().len(), 1);
    // Only the complete repository: exit 0.
    archprompt()
        .args(["doctor", "--from", "-"])
        .write_stdin(format!("{}\n", repo("rust-axum-sqlx").display()))
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ok "));
}

/// Hostile trees: a symlink loop, a manifest too large to read, a manifest that is a directory,
/// deep nesting. The scan finishes, warns about what it skipped, and still finds the backend.
#[cfg(unix)]
#[test]
fn hostile_trees_do_not_hang_or_panic() {
    let repo = repo_from("rust-axum-sqlx");
    let root = repo.path();
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", root.join("package.json")).unwrap();
    let big = root.join("huge");
    std::fs::create_dir(&big).unwrap();
    std::fs::write(big.join("package.json"), vec![b' '; 3 * 1024 * 1024]).unwrap();
    std::fs::create_dir_all(root.join("odd/pyproject.toml")).unwrap();
    let mut deep = root.to_path_buf();
    for i in 0..40 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("package.json"), "{").unwrap();
    archprompt()
        .arg("scan")
        .arg(root)
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .success()
        .stdout(predicate::str::contains("Axum"))
        .stderr(predicate::str::contains("huge/package.json: larger than 2 MiB"));
}

#[test]
fn project_picks_another_backend_and_names_the_choices_when_unknown() {
    let fixture = "fixtures/monorepo-services-two-backends";
    let out = archprompt()
        .args(["scan", "--json", "--project", "services/billing", fixture])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["backend_dir"], "services/billing");
    assert_eq!(report["fields"]["backend_framework"]["value"], "chi");
    let main: Vec<&serde_json::Value> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["main"] == true)
        .collect();
    assert_eq!(main.len(), 1);
    assert_eq!(main[0]["dir"], "services/billing");
    // By package name, too; the API is then one of the other backends, with its own fields.
    let out = archprompt()
        .args(["scan", "--json", "--project", "shop-api", fixture])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["backend_dir"], "services/api");
    let billing = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["dir"] == "services/billing")
        .unwrap();
    assert_eq!(
        billing["fields"]["dev_command"]["value"],
        "cd services/billing && go run ."
    );
    archprompt()
        .args(["scan", "--project", "nope", fixture])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no project `nope`").and(predicate::str::contains("services/billing")));
    archprompt()
        .args(["scan", "--project", "api", fixture, "fixtures/no-backend"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--project picks a project in one repository"));
}

/// Issue 16, item 3: the default template describes a backend, so on a repository proven not to
/// be one `init` writes nothing unless asked (`--template`, `--force`); bulk `init` reports it as
/// `not a backend` and still exits 0.
#[test]
fn init_writes_no_backend_profile_for_a_repository_that_is_not_a_backend() {
    let tmp = tempfile::tempdir().unwrap();
    let spa = tmp.path().join("spa");
    copy_dir(Path::new("fixtures/no-backend"), &spa);
    let agent = spa.join(".github/agents/backend-architect.agent.md");
    archprompt()
        .arg("init")
        .arg(&spa)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("a React frontend, not a backend").and(predicate::str::contains("wrote nothing")),
        )
        .stderr(predicate::str::contains("--template project-facts"));
    assert!(!agent.exists(), "nothing is written");
    archprompt()
        .args(["init", "--template", "project-facts"])
        .arg(&spa)
        .assert()
        .success();
    assert!(spa.join(".github/agents/project-facts.agent.md").is_file());
    archprompt().args(["init", "--force"]).arg(&spa).assert().success();
    assert!(agent.is_file(), "--force writes the backend profile anyway");

    let api = tmp.path().join("api");
    let cli = tmp.path().join("cli");
    copy_dir(Path::new("fixtures/node-express-prisma"), &api);
    copy_dir(Path::new("fixtures/cli-rust"), &cli);
    let output = archprompt()
        .args(["init", "--json"])
        .arg(&api)
        .arg(&cli)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines = common::json_lines(&output.stdout);
    assert_eq!(lines[0]["status"], "created");
    assert_eq!(lines[1]["status"], "not a backend");
    assert_eq!(lines[1]["file"], serde_json::Value::Null);
    assert!(!cli.join(".github").exists());
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(summary.contains("not a backend           1"), "{summary}");
}

/// A web server without a framework archprompt knows is not claimed to be "not a backend": the
/// default profile is written.
#[test]
fn init_writes_the_profile_for_a_server_without_a_known_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("guestbook");
    copy_dir(Path::new("fixtures/webapp-no-framework"), &app);
    // A server library archprompt has no detector for, instead of `node:http`.
    let server =
        "const uWS = require('uWebSockets.js');\nuWS.App().get('/*', (res) => res.end('hi')).listen(8080, () => {});\n";
    std::fs::write(app.join("server.js"), server).unwrap();
    let scan = archprompt().arg("scan").arg("--json").arg(&app).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(report["fields"]["backend_framework"]["state"], "absent", "{report}");
    // Its container exposes a port: a server on a framework archprompt does not know is not
    // told it has none.
    std::fs::write(
        app.join("Dockerfile"),
        "FROM node:22
COPY . .
EXPOSE 8080
CMD [\"node\", \"server.js\"]\n",
    )
    .unwrap();
    let scan = archprompt().arg("scan").arg("--json").arg(&app).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(report["fields"]["backend_framework"]["state"], "unknown", "{report}");
    assert_eq!(report["fields"]["database_system"]["state"], "unknown", "{report}");
    let hint = report["fields"]["backend_framework"]["hint"].as_str().unwrap();
    assert!(hint.contains("Dockerfile shows the project serves requests"), "{hint}");
    // A port from the environment exposes it too; a static web server's container serves files.
    let state_with = |dockerfile: &str| {
        std::fs::write(app.join("Dockerfile"), dockerfile).unwrap();
        let scan = archprompt().arg("scan").arg("--json").arg(&app).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
        report["fields"]["backend_framework"]["state"].clone()
    };
    assert_eq!(
        state_with("FROM node:22\nEXPOSE $PORT\nCMD node server.js\n"),
        "unknown"
    );
    let site = "FROM node:22 AS docs\nRUN npx vitepress build\nFROM nginx:1.27-alpine\nCOPY --from=docs /dist /usr/share/nginx/html\nEXPOSE 80\n";
    assert_eq!(state_with(site), "absent");
    archprompt().arg("init").arg(&app).assert().success();
    assert!(app.join(".github/agents/backend-architect.agent.md").is_file());
}

/// Issue 19: `init --dry-run` says what `init` would do: a hand-edited agent file is left
/// unchanged without `--force`, in single and bulk runs alike.
#[test]
fn a_dry_run_agrees_with_init_on_a_hand_edited_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("api");
    copy_dir(Path::new("fixtures/node-express-prisma"), &repo);
    archprompt().arg("init").arg(&repo).assert().success();
    let agent = repo.join(".github/agents/backend-architect.agent.md");
    let edited = std::fs::read_to_string(&agent)
        .unwrap()
        .replace("Validate inputs", "Validate ALL inputs");
    std::fs::write(&agent, &edited).unwrap();
    archprompt()
        .args(["init", "--dry-run"])
        .arg(&repo)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("would leave").and(predicate::str::contains("would update").not()));
    archprompt().arg("init").arg(&repo).assert().code(1);
    let dry = archprompt()
        .args(["init", "--dry-run", "--json"])
        .arg(&repo)
        .arg("fixtures/no-backend")
        .output()
        .unwrap();
    assert_eq!(common::json_lines(&dry.stdout)[0]["status"], "refused");
    archprompt()
        .args(["init", "--dry-run", "--force"])
        .arg(&repo)
        .assert()
        .success()
        .stdout(predicate::str::contains("would update"));
    assert_eq!(
        std::fs::read_to_string(&agent).unwrap(),
        edited,
        "a dry run writes nothing"
    );
}

#[test]
fn doctor_refuses_a_file_that_is_not_an_agent_file() {
    let dir = tempfile::tempdir().unwrap();
    let readme = dir.path().join("README.md");
    let text = "# Shop\n\nRun it with {{dev_command}}.\n";
    std::fs::write(&readme, text).unwrap();
    archprompt()
        .args(["doctor", "--fix"])
        .arg(&readme)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("README.md: not an agent file"));
    assert_eq!(
        std::fs::read_to_string(&readme).unwrap(),
        text,
        "a README is never repaired"
    );
    // The same text where an agent reads it is an agent file.
    let agent = dir.path().join(".claude/agents/shop.md");
    std::fs::create_dir_all(agent.parent().unwrap()).unwrap();
    std::fs::write(&agent, text).unwrap();
    archprompt()
        .arg("doctor")
        .arg(&agent)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("{{dev_command}}"));
    // A site page's own front matter (`title`, `description`) does not make it an agent file.
    let page = dir.path().join("docs/index.md");
    std::fs::create_dir_all(page.parent().unwrap()).unwrap();
    let site = format!("---\ntitle: Shop\ndescription: The shop's docs\n---\n{text}");
    std::fs::write(&page, &site).unwrap();
    archprompt()
        .args(["doctor", "--fix"])
        .arg(&page)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("index.md: not an agent file"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), site);
    // An agent file named relative to a folder inside the repository, and a Cursor rule in a
    // subfolder of `.cursor/rules/`, are agent files.
    let copilot = dir.path().join(".github/agents/shop.agent.md");
    let nested = dir.path().join(".cursor/rules/backend/shop.mdc");
    for file in [&copilot, &nested] {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    archprompt()
        .current_dir(dir.path().join(".github"))
        .args(["doctor", "agents/shop.agent.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("{{dev_command}}"));
    archprompt()
        .arg("doctor")
        .arg(&nested)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("{{dev_command}}"));
}

#[test]
fn every_man_page_the_top_page_names_is_generated() {
    let top = archprompt().arg("man").assert().success();
    let top = String::from_utf8(top.get_output().stdout.clone()).unwrap();
    let named: Vec<String> = regex::Regex::new(r"archprompt\\-([a-z]+)\(1\)")
        .unwrap()
        .captures_iter(&top)
        .map(|c| c[1].to_string())
        .collect();
    assert!(named.len() >= 7, "SEE ALSO names {named:?}");
    for command in &named {
        let page = archprompt().args(["man", command]).assert().success();
        let page = String::from_utf8(page.get_output().stdout.clone()).unwrap();
        assert!(
            page.contains(&format!(".TH archprompt-{command} 1")),
            "{command}: {page}"
        );
        assert!(page.contains(&format!("archprompt {command}")), "{command}: synopsis");
    }
    archprompt()
        .args(["man", "frobnicate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("man pages exist for: init, doctor"));
}

/// Issue 19: a hand edit accepted with `doctor --accept` becomes the repository's template: the
/// agent's other files take it, `init` no longer refuses, and values keep following the scan.
#[test]
fn an_accepted_edit_reaches_every_agent_and_init_stops_refusing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = api_with_agents(tmp.path(), "copilot,claude");
    let copilot = repo.join(".github/agents/backend-architect.agent.md");
    let claude = repo.join(".claude/agents/backend-architect.md");
    let edited = std::fs::read_to_string(&copilot)
        .unwrap()
        .replace("Validate inputs", "Validate ALL inputs");
    std::fs::write(&copilot, &edited).unwrap();
    archprompt()
        .arg("init")
        .arg(&repo)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("archprompt doctor --accept"));
    archprompt()
        .args(["doctor", "--accept"])
        .arg(&copilot)
        .assert()
        .success()
        .stdout(predicate::str::contains(".archprompt/templates/backend-architect.md"))
        .stdout(predicate::str::contains("updated with the accepted text"));
    assert!(
        std::fs::read_to_string(&claude)
            .unwrap()
            .contains("Validate ALL inputs")
    );
    assert_eq!(
        std::fs::read_to_string(&copilot).unwrap(),
        edited,
        "the accepted file is kept"
    );
    archprompt()
        .arg("init")
        .arg(&repo)
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));
    archprompt().arg("doctor").arg(&repo).assert().success();
    // The accepted template still follows the repository: moved to pnpm, its commands are stale.
    std::fs::write(repo.join("pnpm-lock.yaml"), "lockfileVersion: '9.0'\n").unwrap();
    archprompt()
        .arg("doctor")
        .arg(&repo)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("test_command"));
    // AGENTS.md sections are not accepted; the error says what to do instead.
    std::fs::write(repo.join("AGENTS.md"), "# Agents\n").unwrap();
    archprompt()
        .args(["doctor", "--accept"])
        .arg(repo.join("AGENTS.md"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be accepted"));
}

/// `init` run one folder too deep says where the repository's root is.
#[test]
fn init_inside_a_repository_names_its_root() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("shop");
    copy_dir(Path::new("fixtures/node-express-prisma"), &repo);
    std::fs::create_dir(repo.join(".git")).unwrap();
    archprompt()
        .args(["init", "--dry-run"])
        .arg(repo.join("src"))
        .assert()
        .stderr(predicate::str::contains("is inside the git repository"));
    let at_root = archprompt().args(["init", "--dry-run"]).arg(&repo).output().unwrap();
    assert!(!String::from_utf8_lossy(&at_root.stderr).contains("is inside the git repository"));
}

/// `doctor --accept` refuses what it would get wrong: two edited files of one agent (the second
/// would undo the first), an edited front matter (each agent's own), a template with conditions.
#[test]
fn accept_refuses_rival_edits_front_matter_edits_and_conditions() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = api_with_agents(tmp.path(), "copilot,claude,cursor");
    let copilot = repo.join(".github/agents/backend-architect.agent.md");
    let claude = repo.join(".claude/agents/backend-architect.md");
    let cursor = repo.join(".cursor/rules/backend-architect.mdc");
    let edit = |file: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(file).unwrap().replace(from, to);
        std::fs::write(file, &text).unwrap();
        text
    };
    let copilot_text = edit(&copilot, "Validate inputs", "Validate COPILOT inputs");
    let claude_text = edit(&claude, "Validate inputs", "Validate CLAUDE inputs");
    archprompt()
        .args(["doctor", "--accept"])
        .arg(&repo)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has edits of its own too"));
    assert_eq!(std::fs::read_to_string(&copilot).unwrap(), copilot_text);
    assert_eq!(std::fs::read_to_string(&claude).unwrap(), claude_text);
    assert!(!repo.join(".archprompt/templates").exists());
    // An edited front matter is refused, not silently reverted.
    let cursor_text = edit(&cursor, "alwaysApply: false", "alwaysApply: true");
    archprompt()
        .args(["doctor", "--accept"])
        .arg(&cursor)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("front matter"));
    assert_eq!(std::fs::read_to_string(&cursor).unwrap(), cursor_text);
    // A bundled template with conditions (project-facts) is not flattened.
    let facts = tmp.path().join("facts");
    copy_dir(Path::new("fixtures/node-express-prisma"), &facts);
    archprompt()
        .args(["init", "-q", "--template", "project-facts", "--target", "claude"])
        .arg(&facts)
        .assert()
        .success();
    let file = std::fs::read_dir(facts.join(".claude/agents"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nOne more line.\n")).unwrap();
    archprompt()
        .args(["doctor", "--accept"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("conditions"));
}

/// A CRLF file accepted leaves every agent's file with one kind of line end, and `init` content.
#[test]
fn an_accepted_crlf_file_keeps_each_file_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = api_with_agents(tmp.path(), "copilot,claude");
    let copilot = repo.join(".github/agents/backend-architect.agent.md");
    let claude = repo.join(".claude/agents/backend-architect.md");
    let text = std::fs::read_to_string(&copilot)
        .unwrap()
        .replace("Validate inputs", "Validate ALL inputs")
        .replace('\n', "\r\n");
    std::fs::write(&copilot, &text).unwrap();
    archprompt()
        .args(["doctor", "--accept"])
        .arg(&copilot)
        .assert()
        .success();
    let claude_text = std::fs::read_to_string(&claude).unwrap();
    assert!(claude_text.contains("Validate ALL inputs") && !claude_text.contains('\r'));
    let copilot_text = std::fs::read_to_string(&copilot).unwrap();
    assert_eq!(copilot_text.matches("\r\n").count(), copilot_text.matches('\n').count());
    archprompt()
        .arg("init")
        .arg(&repo)
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));
}

/// A file an earlier archprompt wrote (`` `none` `` in backticks, one span for all directories),
/// untouched since, is updated by `init` without `--force`; a real edit still is refused.
#[test]
fn init_updates_an_untouched_file_in_the_earlier_form() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("tool");
    copy_dir(Path::new("fixtures/python-django-poetry"), &repo);
    archprompt().args(["init", "-q"]).arg(&repo).assert().success();
    let agent = repo.join(".github/agents/backend-architect.agent.md");
    let current = std::fs::read_to_string(&agent).unwrap();
    let earlier = current
        .replace("`config`, `accounts`, `blog`", "`config, accounts, blog`")
        .replace("** none", "** `none`");
    assert_ne!(earlier, current, "the fixture has a directory list and a none");
    std::fs::write(&agent, &earlier).unwrap();
    archprompt()
        .arg("init")
        .arg(&repo)
        .assert()
        .success()
        .stdout(predicate::str::contains("updated"));
    assert_eq!(std::fs::read_to_string(&agent).unwrap(), current);
    std::fs::write(&agent, earlier.replace("Validate inputs", "Validate ALL inputs")).unwrap();
    archprompt().arg("init").arg(&repo).assert().code(1);
}

/// A copy of fixtures/node-express-prisma in `dir`, with `init` run for `targets`.
fn api_with_agents(dir: &Path, targets: &str) -> std::path::PathBuf {
    let repo = dir.join("api");
    copy_dir(Path::new("fixtures/node-express-prisma"), &repo);
    archprompt()
        .args(["init", "-q", "--target", targets])
        .arg(&repo)
        .assert()
        .success();
    repo
}
