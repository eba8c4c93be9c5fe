//! Runs the real binary on copies of fixtures: each agent target's file and front matter, the
//! target picked from what a repository already uses, named and repository templates,
//! archprompt.toml overrides, doctor's drift, missing-path, missing-task and encoding checks,
//! `doctor --fix`, and the CLI conventions (colour, quiet, completions, man page).

use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{archprompt, copy_dir, repo_from};

fn read(repo: &Path, file: &str) -> String {
    std::fs::read_to_string(repo.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Writes a template into the repository's `.archprompt/templates/`.
fn repo_template(repo: &Path, file: &str, text: &str) {
    let dir = repo.join(".archprompt/templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file), text).unwrap();
}

/// The front matter of `text` as YAML, which must parse.
fn front_matter(text: &str) -> serde_json::Map<String, serde_json::Value> {
    let rest = text.strip_prefix("---\n").expect("front matter first");
    let end = rest.find("\n---\n").expect("closed front matter");
    let doc: serde_json::Value = serde_saphyr::from_str(&rest[..end]).expect("valid YAML");
    doc.as_object().expect("a mapping").clone()
}

const COPILOT: &str = ".github/agents/backend-architect.agent.md";
const CLAUDE: &str = ".claude/agents/backend-architect.md";
const CURSOR: &str = ".cursor/rules/backend-architect.mdc";

#[test]
fn each_target_gets_its_file_and_front_matter() {
    let repo = repo_from("node-express-prisma");
    archprompt()
        .args(["init", "--target", "copilot,claude,agents-md", "--target", "cursor"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("created").count(4));

    let copilot = read(repo.path(), COPILOT);
    let front = front_matter(&copilot);
    assert_eq!(front["name"], "backend-architect");
    assert!(front["description"].as_str().unwrap().starts_with("Backend architect"));
    assert!(copilot.contains("- **Backend Framework:** Express"));

    // Claude Code requires `name` (lowercase, hyphens) and `description`.
    let claude = read(repo.path(), CLAUDE);
    let front = front_matter(&claude);
    assert_eq!(front["name"], "backend-architect");
    assert!(front.contains_key("description"));
    assert_eq!(claude, copilot, "the same profile, in the same format");

    // Cursor: description, globs (comma-separated, from the server code) and alwaysApply.
    let cursor = read(repo.path(), CURSOR);
    let front = front_matter(&cursor);
    let keys: Vec<&str> = front.keys().map(String::as_str).collect();
    assert_eq!(keys, ["alwaysApply", "description", "globs"]);
    assert_eq!(front["alwaysApply"], false);
    assert_eq!(front["globs"], "src/**");
    assert!(cursor.contains("- **Database:** PostgreSQL"));

    // AGENTS.md: no front matter, one delimited section, headings nested under its own.
    let agents = read(repo.path(), "AGENTS.md");
    assert!(
        agents.starts_with("<!-- archprompt:begin backend-architect "),
        "{agents}"
    );
    assert!(agents.trim_end().ends_with("<!-- archprompt:end backend-architect -->"));
    assert!(agents.contains("\n## Backend Architect\n"));
    assert!(agents.contains("\n### Project Knowledge\n"));
    assert!(!agents.contains("\n---\nname:"));
}

#[test]
fn agents_md_outside_the_markers_is_left_byte_for_byte() {
    let repo = repo_from("node-express-prisma");
    let before = "# Our agents\r\n\r\nHand-written rules.  \n\n<!-- archprompt:begin backend-architect -->\nold\n<!-- archprompt:end backend-architect -->\n\n## After\ntrailing text without newline";
    std::fs::write(repo.path().join("AGENTS.md"), before).unwrap();
    // The section changed since archprompt wrote it: refused without --force.
    archprompt()
        .args(["init", "--target", "agents-md"])
        .arg(repo.path())
        .assert()
        .code(1);
    assert_eq!(read(repo.path(), "AGENTS.md"), before);
    archprompt()
        .args(["init", "--target", "agents-md", "--force"])
        .arg(repo.path())
        .assert()
        .success();
    let after = read(repo.path(), "AGENTS.md");
    let head = "# Our agents\r\n\r\nHand-written rules.  \n\n";
    let tail = "\n\n## After\ntrailing text without newline";
    assert!(after.starts_with(head), "{after}");
    assert!(after.ends_with(tail), "{after}");
    assert!(after.contains("- **Backend Framework:** Express"));
    assert!(!after.contains("\nold\n"));

    // An AGENTS.md without a section gets one appended; no --force needed, nothing else moves.
    let own = "# Notes\n\nKeep this.\n";
    std::fs::write(repo.path().join("AGENTS.md"), own).unwrap();
    archprompt()
        .args(["init", "--target", "agents-md"])
        .arg(repo.path())
        .assert()
        .success();
    let after = read(repo.path(), "AGENTS.md");
    assert!(
        after.starts_with(&format!("{own}\n<!-- archprompt:begin backend-architect ")),
        "{after}"
    );
}

#[test]
fn without_a_target_init_writes_for_the_agents_the_repository_uses() {
    let repo = repo_from("node-express-prisma");
    std::fs::write(repo.path().join("CLAUDE.md"), "# Claude\n").unwrap();
    std::fs::create_dir(repo.path().join(".cursor")).unwrap();
    archprompt()
        .arg("init")
        .arg(repo.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "writing for claude, cursor (the repository has CLAUDE.md, .cursor)",
        ));
    assert!(repo.path().join(CLAUDE).is_file());
    assert!(repo.path().join(CURSOR).is_file());
    assert!(
        !repo.path().join(COPILOT).exists(),
        "the default is only for repositories using none"
    );
    assert_eq!(read(repo.path(), "CLAUDE.md"), "# Claude\n");

    let plain = repo_from("node-express-prisma");
    archprompt().arg("init").arg(plain.path()).assert().success();
    assert!(plain.path().join(COPILOT).is_file());
}

#[test]
fn templates_are_listed_and_found_by_name_in_the_repository_first() {
    let repo = repo_from("node-express-prisma");
    archprompt()
        .arg("templates")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("backend-architect  (bundled)"))
        .stdout(predicate::str::contains("project-facts  (bundled)"))
        .stdout(predicate::str::contains(
            "variables: tech_stack, backend_framework, database_system",
        ));
    repo_template(
        repo.path(),
        "api-reviewer.md",
        "---\nname: api-reviewer\ndescription: Reviews {{backend_framework}} handlers\n---\nRun `{{test_command}}` first.\n",
    );
    let listed = archprompt()
        .args(["templates", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed[0]["name"], "api-reviewer");
    assert_eq!(
        listed[0]["variables"],
        serde_json::json!(["backend_framework", "test_command"])
    );

    archprompt()
        .args(["init", "--template", "api-reviewer", "--target", "claude"])
        .arg(repo.path())
        .assert()
        .success();
    let written = read(repo.path(), ".claude/agents/api-reviewer.md");
    let (profile, record) = written
        .split_once("\n\n<!-- archprompt:values v1 ")
        .expect("the record");
    assert_eq!(
        profile,
        "---\nname: api-reviewer\ndescription: Reviews Express handlers\n---\nRun `npm test` first."
    );
    assert!(
        record.ends_with(" -->\n") && record.contains("test_command="),
        "{record}"
    );
    archprompt()
        .args(["init", "--template", "frontend"])
        .arg(repo.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no template named `frontend`; available: api-reviewer, backend-architect, project-facts",
        ));
}

#[test]
fn archprompt_toml_pins_values_ignores_paths_and_scan_shows_them() {
    let repo = repo_from("node-express-prisma");
    std::fs::write(
        repo.path().join("archprompt.toml"),
        "[values]\ndb_command = \"make psql\"\nteam = \"payments\"\n\n[scan]\nignore = [\"tests/\"]\n",
    )
    .unwrap();
    let json = archprompt().args(["scan", "--json"]).arg(repo.path()).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let db = &report["fields"]["db_command"];
    assert_eq!(db["value"], "make psql");
    assert_eq!(db["pinned"], true);
    assert_eq!(db["evidence"][0]["file"], "archprompt.toml");
    assert_eq!(
        report["fields"]["backend_framework"].get("pinned"),
        None,
        "detected values are not marked"
    );
    assert_eq!(report["variables"]["team"], "payments");
    assert_eq!(report["pinned_variables"], serde_json::json!(["team"]));
    // The ignored directory is not seen: no test directory any more.
    assert_eq!(report["fields"]["test_dirs"]["state"], "unknown");
    archprompt()
        .arg("scan")
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"db_command\s+pinned\s+make psql").unwrap());

    // A broken archprompt.toml is a warning naming it; the scan goes on with detection alone.
    std::fs::write(repo.path().join("archprompt.toml"), "[values\n").unwrap();
    archprompt()
        .args(["scan", "--json"])
        .arg(repo.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: archprompt.toml: invalid TOML"));
}

#[test]
fn archprompt_toml_picks_the_project() {
    let repo = repo_from("monorepo-services-two-backends");
    let default = archprompt().args(["scan", "--json"]).arg(repo.path()).output().unwrap();
    let default: serde_json::Value = serde_json::from_slice(&default.stdout).unwrap();
    let other = default["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["fields"].is_object())
        .expect("a second service")["dir"]
        .as_str()
        .unwrap()
        .to_string();
    std::fs::write(
        repo.path().join("archprompt.toml"),
        format!("[scan]\nproject = \"{other}\"\n"),
    )
    .unwrap();
    let picked = archprompt().args(["scan", "--json"]).arg(repo.path()).output().unwrap();
    let picked: serde_json::Value = serde_json::from_slice(&picked.stdout).unwrap();
    assert_eq!(picked["backend_dir"], other.as_str());
}

/// A repository with its agent files written, for doctor to find drift in.
fn initialised(targets: &str) -> tempfile::TempDir {
    let repo = repo_from("node-express-prisma");
    archprompt()
        .args(["init", "--target", targets])
        .arg(repo.path())
        .assert()
        .success();
    repo
}

fn edit(repo: &Path, file: &str, from: &str, to: &str) {
    let text = read(repo, file);
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(repo.join(file), text.replacen(from, to, 1)).unwrap();
}

/// The repository moves from npm to pnpm under an agent file archprompt wrote.
fn switch_to_pnpm(repo: &Path) {
    std::fs::remove_file(repo.join("package-lock.json")).unwrap();
    std::fs::write(repo.join("pnpm-lock.yaml"), "lockfileVersion: '9.0'\n").unwrap();
}

#[test]
fn doctor_tells_stale_values_from_edits_and_finds_missing_dirs_and_tasks() {
    let repo = initialised("copilot");
    archprompt().arg("doctor").arg(repo.path()).assert().success();
    switch_to_pnpm(repo.path());
    // Someone's own edits: a test command of theirs (whose script does not exist) and a
    // directory that is not there.
    edit(repo.path(), COPILOT, "`npm test`", "`npm run test:ci`");
    edit(
        repo.path(),
        COPILOT,
        "`tests` – Test files",
        "`tests, spec` – Test files",
    );
    let assert = archprompt().arg("doctor").arg(repo.path()).assert().code(1);
    let text = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    // What archprompt wrote and the repository no longer says is stale.
    assert!(
        text.contains("stale dev_command\n  the file says `npm run dev`; a fresh scan finds `pnpm dev`"),
        "{text}"
    );
    // What someone edited is kept, and said to differ; not a problem of its own.
    assert!(
        text.contains(
            "test_command was edited by hand: the file says `npm run test:ci`, a fresh scan finds `pnpm test`; kept"
        ),
        "{text}"
    );
    assert!(!text.contains("stale test_command"), "{text}");
    assert!(
        text.contains(
            "missing task in test_command: `npm run test:ci` runs `test:ci`, which package.json does not define"
        ),
        "{text}"
    );
    assert!(
        text.contains("missing directory in test_dirs: `spec` does not exist"),
        "{text}"
    );
    assert!(
        text.contains("\n-- **Start Development Server:** `npm run dev`\n"),
        "{text}"
    );
    assert!(
        text.contains("\n+- **Start Development Server:** `pnpm dev`\n"),
        "{text}"
    );

    // The repository changes again: a Makefile target the file names goes away.
    std::fs::write(repo.path().join("Makefile"), "dev:\n\tpnpm dev\n").unwrap();
    edit(repo.path(), COPILOT, "`npm run migrate`", "`make migrate`");
    let json = archprompt()
        .args(["doctor", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let tasks = findings["missing_tasks"].as_array().unwrap();
    let make = tasks.iter().find(|t| t["task"] == "migrate").expect("the Make target");
    assert_eq!(make["looked_in"], "Makefile");
    assert_eq!(make["field"], "migration_command");
    let fields = |key: &str| -> Vec<String> {
        findings[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["field"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(fields("stale"), ["tech_stack", "dev_command", "db_command"]);
    assert_eq!(fields("edited"), ["test_dirs", "migration_command", "test_command"]);
    assert_eq!(findings["diffs"].as_array().unwrap().len(), 1);
}

#[test]
fn doctor_fix_updates_stale_values_and_keeps_every_edit() {
    let repo = initialised("claude,agents-md");
    let agents = read(repo.path(), "AGENTS.md");
    // The user's own text outside the section, with a line whose odd characters are theirs.
    let own = "# Team rules\n\nAlways run the linter. Our wiki page is `cafÃ©`, really.\n\n";
    std::fs::write(repo.path().join("AGENTS.md"), format!("{own}{agents}")).unwrap();
    // Edits of the user's own: a new rule, a value of theirs, a filled-in placeholder's twin.
    edit(
        repo.path(),
        CLAUDE,
        "## Your Role\n",
        "## Your Role\n\n- Our rule: every endpoint gets a contract test\n",
    );
    edit(repo.path(), CLAUDE, "`npm test`", "`npm test -- --runInBand`");
    // Drift: the repository moves to pnpm; a placeholder the scan can fill; broken encoding.
    switch_to_pnpm(repo.path());
    edit(
        repo.path(),
        CLAUDE,
        "**Database:** PostgreSQL",
        "**Database:** {{database_system}}",
    );
    edit(repo.path(), CLAUDE, "` – Server code", "` â€“ Server code");
    edit(repo.path(), CLAUDE, "- ✅ **Always:**", "- âœ… **Always:**");
    let doctor = archprompt().arg("doctor").arg(repo.path()).assert().code(1);
    let text = String::from_utf8_lossy(&doctor.get_output().stdout).to_string();
    assert!(text.contains("broken encoding (UTF-8 read as Windows-1252)"), "{text}");
    assert!(text.contains("repaired: - ✅ **Always:**"), "{text}");
    assert!(text.contains("stale dev_command"), "{text}");

    let before = read(repo.path(), CLAUDE);
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("fixed"))
        .stdout(predicate::str::contains(
            "no placeholders left, no drift, no broken encoding",
        ));
    // Exactly the repaired lines changed, each in place; every other line is byte for byte.
    let after = read(repo.path(), CLAUDE);
    assert_eq!(before.lines().count(), after.lines().count());
    let changed: Vec<&str> = before
        .lines()
        .zip(after.lines())
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a)
        .collect();
    let record = changed.last().copied().unwrap_or_default();
    assert!(record.starts_with("<!-- archprompt:values v1 "), "{changed:#?}");
    assert_eq!(
        &changed[..changed.len() - 1],
        [
            "- **Tech Stack:** JavaScript on Node.js 20+, Express, Prisma, PostgreSQL, pnpm",
            "- **Database:** PostgreSQL",
            "  - `src` – Server code",
            "- **Start Development Server:** `pnpm dev`",
            "- **Run Migrations:** `pnpm migrate`",
            "- **Database Commands:** `pnpm exec prisma studio`",
            "- ✅ **Always:** Validate inputs, log errors, use prepared statements, implement auth, test endpoints",
        ],
        "{changed:#?}"
    );
    let claude = read(repo.path(), CLAUDE);
    assert!(
        claude.contains("- Our rule: every endpoint gets a contract test"),
        "the user's line stays"
    );
    assert!(
        claude.contains("`npm test -- --runInBand`"),
        "the user's value stays: {claude}"
    );
    assert!(claude.contains("`pnpm dev`") && !claude.contains("`npm run dev`"));
    assert!(claude.contains("**Database:** PostgreSQL"));
    assert!(claude.contains("` – Server code") && claude.contains("- ✅ **Always:**"));
    assert!(!claude.contains('â'));
    let agents = read(repo.path(), "AGENTS.md");
    assert!(agents.starts_with(own), "outside the markers nothing changes: {agents}");
    assert!(agents.contains("`pnpm test`") && agents.contains("`pnpm dev`"));
    // Fixed files stay fixed, and the kept edit is still reported as one.
    let again = archprompt().arg("doctor").arg(repo.path()).assert().success();
    let text = String::from_utf8_lossy(&again.get_output().stdout).to_string();
    assert!(text.contains("test_command was edited by hand"), "{text}");
}

#[test]
fn doctor_fix_repairs_the_template_as_it_first_reached_us() {
    let repo = repo_from("node-express-prisma");
    let broken = include_str!("data/backend-architect.mojibake.md");
    std::fs::create_dir_all(repo.path().join(".github/agents")).unwrap();
    std::fs::write(repo.path().join(COPILOT), broken).unwrap();
    let json = archprompt()
        .args(["doctor", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let lines: Vec<u64> = findings["broken_encoding"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [23, 24, 25, 116, 117, 118]);
    assert_eq!(findings["placeholders"].as_array().unwrap().len(), 11);
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success();
    // Every placeholder filled and every character repaired: exactly what init writes.
    archprompt()
        .args(["init", "--target", "copilot"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let repo = repo_from("node-express-prisma");
    let coloured = archprompt()
        .args(["scan", "--color", "always"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}[32mfound\u{1b}[0m"));
    let piped = archprompt().arg("scan").arg(repo.path()).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&piped.stdout).contains('\u{1b}'),
        "no colour into a pipe"
    );
    let never = archprompt()
        .args(["scan", "--color", "never"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&never.stdout).contains('\u{1b}'));
    // NO_COLOR turns off `auto` (here: a pipe anyway) but not an explicit `always`.
    let forced = archprompt()
        .env("NO_COLOR", "1")
        .args(["scan", "--color", "always"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'));
}

#[test]
fn quiet_leaves_only_results_and_verbose_adds_the_evidence() {
    let repo = repo_from("broken-manifests");
    let normal = archprompt()
        .arg("init")
        .arg("--stdout")
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&normal.stderr).contains("warning:"));
    let quiet = archprompt()
        .args(["init", "--stdout", "-q"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "", "nothing but the result");
    assert_eq!(quiet.stdout, normal.stdout);
    let verbose = archprompt()
        .args(["init", "--dry-run", "-v"])
        .arg(repo.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&verbose.stderr);
    assert!(err.contains("template: backend-architect (bundled)"), "{err}");
    assert!(err.contains("← "), "the evidence: {err}");
    archprompt().args(["scan", "-q", "-v"]).assert().code(2);
}

#[test]
fn completions_and_man_page_are_generated_for_every_shell() {
    for (shell, sign) in [
        ("bash", "_archprompt()"),
        ("zsh", "#compdef archprompt"),
        ("fish", "complete -c archprompt"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[archprompt]"),
    ] {
        archprompt()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(sign))
            .stdout(predicate::str::contains("doctor"));
    }
    archprompt()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH archprompt 1"))
        .stdout(predicate::str::contains("templates"));
}

#[test]
fn the_drifted_fixture_is_found_out_and_fixed() {
    let repo = repo_from("agent-file-drifted");
    let json = archprompt()
        .args(["doctor", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let count = |key: &str| findings[key].as_array().unwrap().len();
    assert_eq!(
        [
            count("placeholders"),
            count("stale"),
            count("missing_paths"),
            count("missing_tasks"),
            count("broken_encoding")
        ],
        [1, 4, 1, 1, 3]
    );
    let stale: Vec<(&str, &str)> = findings["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["in_file"].as_str().unwrap(), s["now"].as_str().unwrap()))
        .collect();
    assert!(stale.contains(&("npm test", "pnpm test")), "{stale:?}");
    assert_eq!(findings["missing_paths"][0]["path"], "lib");
    assert_eq!(findings["missing_tasks"][0]["task"], "start:dev");

    let fixed = archprompt()
        .args(["doctor", "--fix", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stdout)
    );
    let fixed: serde_json::Value = serde_json::from_slice(&fixed.stdout).unwrap();
    assert_eq!(
        fixed["fixed"][0]["repairs"], 9,
        "3 lines of encoding, 4 stale values, 1 placeholder, and `none` out of its backticks"
    );
    archprompt()
        .args(["init", "--target", "copilot"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));
}

/// `none` written as a word and a list of directories one code span each read back as the
/// report's values; a file in the form an earlier archprompt wrote (both in one code span) is no
/// drift, and `--fix` writes it as `init` does now.
#[test]
fn none_as_a_word_and_one_span_per_directory_read_back() {
    let repo = repo_from("node-fastify-knex");
    archprompt()
        .args(["init", "--target", "copilot,agents-md"])
        .arg(repo.path())
        .assert()
        .success();
    let written = [COPILOT, "AGENTS.md"].map(|file| read(repo.path(), file));
    for text in &written {
        assert!(text.contains("\n  - `plugins`, `routes` – Server code\n"), "{text}");
        assert!(text.contains("\n- **Build for Production:** none\n"), "{text}");
    }
    let doctor_json = || {
        let out = archprompt()
            .args(["doctor", "--json"])
            .arg(repo.path())
            .output()
            .unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code(), findings)
    };
    let (code, findings) = doctor_json();
    assert_eq!(code, Some(0), "{findings:#}");
    assert_eq!(findings["notes"], serde_json::json!([]));

    // As an earlier archprompt wrote them, record and all.
    for (file, text) in [COPILOT, "AGENTS.md"].iter().zip(&written) {
        let earlier = text
            .replace("`plugins`, `routes`", "`plugins, routes`")
            .replace("**Build for Production:** none", "**Build for Production:** `none`");
        std::fs::write(repo.path().join(file), earlier).unwrap();
    }
    let (code, findings) = doctor_json();
    assert_eq!(code, Some(0), "the same values are not drift: {findings:#}");
    assert_eq!(findings["edited"], serde_json::json!([]), "nor edits");
    let notes = findings["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .contains("2 value(s) written as an earlier archprompt wrote them"),
        "{notes:?}"
    );
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("(2 repair(s))"));
    assert_eq!([COPILOT, "AGENTS.md"].map(|file| read(repo.path(), file)), written);
    archprompt()
        .args(["init", "--target", "copilot"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));

    // A directory someone adds in a span of its own is read as part of the list.
    edit(
        repo.path(),
        COPILOT,
        "`routes` – Server code",
        "`routes`, `lib` – Server code",
    );
    let (code, findings) = doctor_json();
    assert_eq!(code, Some(1), "{findings:#}");
    assert_eq!(findings["edited"][0]["in_file"], "plugins, routes, lib");
    assert_eq!(findings["missing_paths"][0]["path"], "lib");
}

#[test]
fn in_house_detectors_in_the_repository_need_no_rebuild() {
    let repo = repo_from("node-koa-sequelize");
    let dir = repo.path().join(".archprompt/detectors");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        repo.path().join("migrate.js"),
        "const { Umzug } = require('umzug');\nnew Umzug({});\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("umzug.toml"),
        r#"id = "umzug"
kind = "data"
name = "Umzug"
ecosystem = "node"
priority = 25
supersedes = ["sequelize"]
migrations = true

[match]
any = [{ dep = "umzug" }, { file = "migrate.js", contains = "new Umzug\\(" }]

[dirs]
migrations = ["db/migrations", "migrations"]

[commands]
migrate = "node migrate.js up"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.toml"),
        "id = \"broken\"\nkind = \"framework\"\n[match\n",
    )
    .unwrap();
    let output = archprompt().args(["scan", "--json"]).arg(repo.path()).output().unwrap();
    assert!(output.status.success());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let migrate = &report["fields"]["migration_command"];
    assert_eq!(migrate["value"], "node migrate.js up");
    assert_eq!(migrate["evidence"][0]["file"], "migrate.js");
    assert!(report["detected"].as_array().unwrap().iter().any(|d| d == "umzug"));
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["file"] == ".archprompt/detectors/broken.toml"),
        "a broken in-house detector is a warning naming it: {warnings:?}"
    );
}

#[test]
fn a_section_whose_end_marker_was_deleted_is_never_guessed_at() {
    let repo = initialised("agents-md");
    let text = read(repo.path(), "AGENTS.md");
    let broken = format!(
        "{}\n## Our own notes, written after the section\n",
        text.replace("<!-- archprompt:end backend-architect -->\n", "")
    );
    std::fs::write(repo.path().join("AGENTS.md"), &broken).unwrap();
    for args in [&["init", "--target", "agents-md", "--force"][..], &["doctor", "--fix"]] {
        archprompt()
            .args(args)
            .arg(repo.path())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "line 1 opens archprompt's `backend-architect` section, but no `<!-- archprompt:end backend-architect -->` closes it",
            ));
        assert_eq!(read(repo.path(), "AGENTS.md"), broken, "{args:?} left the file alone");
    }
}

/// In bulk, each repository gets the agents it uses: one line per agent file, in order.
#[test]
fn bulk_init_writes_each_repositorys_own_targets() {
    let root = tempfile::tempdir().unwrap();
    for (name, sign) in [
        ("a-plain", None),
        ("b-claude", Some("CLAUDE.md")),
        ("c-both", Some("AGENTS.md")),
    ] {
        let dir = root.path().join(name);
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        copy_dir(Path::new("fixtures/node-express-prisma"), &dir);
        if let Some(file) = sign {
            std::fs::write(dir.join(file), "# ours\n").unwrap();
        }
    }
    std::fs::create_dir_all(root.path().join("c-both/.cursor")).unwrap();
    let output = archprompt()
        .args(["init", "--json", "--discover"])
        .arg(root.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let files: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| {
            let line: serde_json::Value = serde_json::from_str(l).unwrap();
            let file = line["file"].as_str().unwrap();
            let file = file.strip_prefix(&format!("{}/", root.path().display())).unwrap();
            format!("{} {file}", line["status"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        files,
        [
            "created a-plain/.github/agents/backend-architect.agent.md",
            "created b-claude/.claude/agents/backend-architect.md",
            "updated c-both/AGENTS.md",
            "created c-both/.cursor/rules/backend-architect.mdc",
        ]
    );
    assert!(read(&root.path().join("c-both"), "AGENTS.md").starts_with("# ours\n\n<!-- archprompt:begin"));
}

/// What --fix must not do on its own: write `none` over a command, or keep an edit a pin
/// overrules; and what follows the values: Cursor's globs.
#[test]
fn fix_leaves_none_to_a_person_lets_pins_win_and_keeps_cursor_globs_in_step() {
    let repo = repo_from("node-express-prisma");
    let package = read(repo.path(), "package.json");
    std::fs::write(
        repo.path().join("package.json"),
        package.replace("\"migrate\":", "\"build\": \"tsc\",\n    \"migrate\":"),
    )
    .unwrap();
    archprompt()
        .args(["init", "--target", "claude,cursor"])
        .arg(repo.path())
        .assert()
        .success();
    assert!(read(repo.path(), CLAUDE).contains("`npm run build`"));
    // The build script goes: the scan finds no build; the file's command is left for a person.
    std::fs::write(repo.path().join("package.json"), &package).unwrap();
    // Someone's own test command, which a pin then overrules.
    edit(repo.path(), CLAUDE, "`npm test`", "`npm test -- --ci`");
    std::fs::write(
        repo.path().join("archprompt.toml"),
        "[values]\ntest_command = \"npm run test:all\"\n",
    )
    .unwrap();
    // The server code moves: Cursor's globs must follow.
    std::fs::rename(repo.path().join("src"), repo.path().join("server")).unwrap();

    let json = archprompt()
        .args(["doctor", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let stale: Vec<(String, String, bool)> = findings["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                format!(
                    "{}:{}",
                    Path::new(s["file"].as_str().unwrap())
                        .file_name()
                        .unwrap()
                        .to_string_lossy(),
                    s["field"].as_str().unwrap()
                ),
                s["now"].as_str().unwrap().to_string(),
                s["fixable"].as_bool().unwrap(),
            )
        })
        .collect();
    let has = |file_field: &str, now: &str, fixable: bool| {
        stale
            .iter()
            .any(|(f, n, x)| f == file_field && n == now && *x == fixable)
    };
    assert!(has("backend-architect.md:build_command", "none", false), "{stale:#?}");
    assert!(
        has("backend-architect.md:test_command", "npm run test:all", true),
        "{stale:#?}"
    );
    assert!(has("backend-architect.mdc:globs", "server/**", true), "{stale:#?}");

    archprompt().args(["doctor", "--fix"]).arg(repo.path()).assert().code(1);
    let claude = read(repo.path(), CLAUDE);
    assert!(claude.contains("`npm run build`"), "not replaced by none");
    assert!(
        claude.contains("`npm run test:all`"),
        "the pin is applied over the edit"
    );
    let cursor = read(repo.path(), CURSOR);
    assert!(cursor.contains("\nglobs: server/**\n"), "{cursor}");
    let again = archprompt().arg("doctor").arg(repo.path()).assert().code(1);
    let text = String::from_utf8_lossy(&again.get_output().stdout).to_string();
    assert!(text.contains("not changed by --fix: the scan finds no value"), "{text}");
}

#[test]
fn a_claude_md_that_imports_agents_md_is_served_by_the_agents_md_section() {
    let repo = repo_from("node-express-prisma");
    std::fs::write(repo.path().join("CLAUDE.md"), "Read @AGENTS.md\n").unwrap();
    std::fs::write(
        repo.path().join("AGENTS.md"),
        "# Notes\n\nOurs: `cafÃ©` stays as we wrote it.\n",
    )
    .unwrap();
    archprompt()
        .arg("init")
        .arg(repo.path())
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "writing for agents-md (the repository has AGENTS.md)",
        ));
    assert!(!repo.path().join(CLAUDE).exists(), "no second copy for Claude");
    let doctor = archprompt().arg("doctor").arg(repo.path()).assert().success();
    let text = String::from_utf8_lossy(&doctor.get_output().stdout).to_string();
    assert!(
        text.contains("1 line(s) outside archprompt's sections look like broken encoding (the first is line 3)"),
        "{text}"
    );
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success();
    assert!(read(repo.path(), "AGENTS.md").contains("Ours: `cafÃ©` stays as we wrote it."));
}

/// After `doctor --fix`, `init` agrees the file is up to date whenever no one edited it: with a
/// template that uses few fields, with a value the scan caught up with, and with a file written
/// before archprompt kept a record.
#[test]
fn after_doctor_fix_init_finds_the_file_up_to_date() {
    let up_to_date = |repo: &Path, target: &str| {
        archprompt()
            .args(["init", "--target", target])
            .arg(repo)
            .assert()
            .success()
            .stdout(predicate::str::contains("is up to date"));
    };
    // A repository template that names only the test command; the dev script then changes.
    let repo = repo_from("node-express-prisma");
    repo_template(
        repo.path(),
        "tester.md",
        "---\nname: tester\ndescription: Runs the tests\n---\nRun `{{test_command}}`.\n",
    );
    archprompt()
        .args(["init", "--template", "tester", "--target", "claude"])
        .arg(repo.path())
        .assert()
        .success();
    let package = read(repo.path(), "package.json");
    std::fs::write(
        repo.path().join("package.json"),
        package.replace("\"dev\":", "\"develop\":"),
    )
    .unwrap();
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success();
    archprompt()
        .args(["init", "--template", "tester", "--target", "claude"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("is up to date"));

    // An edit the scan then catches up with becomes archprompt's again.
    let repo = initialised("copilot");
    edit(repo.path(), COPILOT, "`npm test`", "`npm run test:all`");
    let package = read(repo.path(), "package.json");
    std::fs::write(
        repo.path().join("package.json"),
        package.replace("\"test\": \"jest\"", "\"test:all\": \"jest\""),
    )
    .unwrap();
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success();
    up_to_date(repo.path(), "copilot");

    // A file from before records, with nothing else to repair, gets its record.
    let repo = initialised("copilot");
    let text = read(repo.path(), COPILOT);
    let (before, _) = text.rsplit_once("\n\n<!-- archprompt:values").unwrap();
    std::fs::write(repo.path().join(COPILOT), format!("{before}\n")).unwrap();
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("recorded in"));
    assert_eq!(read(repo.path(), COPILOT), text);
    up_to_date(repo.path(), "copilot");
    // And a second --fix has nothing left to write.
    let again = archprompt()
        .args(["doctor", "--fix", "--json"])
        .arg(repo.path())
        .output()
        .unwrap();
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["fixed"], serde_json::json!([]));
}

#[test]
fn output_files_relative_paths_and_templates_named_in_front_matter() {
    // --output outside the repository works twice (the second time it reads the first's file).
    let repo = repo_from("node-express-prisma");
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("agent.md");
    for _ in 0..2 {
        archprompt()
            .arg("init")
            .arg("--output")
            .arg(&out)
            .arg(repo.path())
            .assert()
            .success();
    }
    // A relative path from inside .github/ still knows the file is a Copilot agent.
    let repo = initialised("copilot");
    switch_to_pnpm(repo.path());
    archprompt()
        .current_dir(repo.path().join(".github"))
        .args(["doctor", "agents/backend-architect.agent.md"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("stale dev_command"));
    // A repository template whose front matter takes a bundled template's name is the one
    // doctor reads the file back through.
    let repo = repo_from("node-express-prisma");
    repo_template(
        repo.path(),
        "ours.md",
        "---\nname: backend-architect\ndescription: Ours\n---\n- Tests: `{{test_command}}`\n",
    );
    archprompt()
        .args(["init", "--template", "ours", "--target", "copilot"])
        .arg(repo.path())
        .assert()
        .success();
    assert!(read(repo.path(), COPILOT).contains("- Tests: `npm test`"));
    switch_to_pnpm(repo.path());
    archprompt()
        .arg("doctor")
        .arg(repo.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("stale test_command"));
}

#[test]
fn cursor_globs_someone_wrote_are_kept() {
    let repo = initialised("cursor");
    edit(repo.path(), CURSOR, "globs: src/**", "globs: src/**,scripts/**");
    let doctor = archprompt().arg("doctor").arg(repo.path()).assert().success();
    let text = String::from_utf8_lossy(&doctor.get_output().stdout).to_string();
    assert!(text.contains("globs was edited by hand"), "{text}");
    archprompt()
        .args(["doctor", "--fix"])
        .arg(repo.path())
        .assert()
        .success();
    assert!(read(repo.path(), CURSOR).contains("globs: src/**,scripts/**"));
}
