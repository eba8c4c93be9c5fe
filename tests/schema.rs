//! Everything `--json` prints validates against docs/json-schema.json: the scan report of every
//! fixture, bulk scan lines, doctor's findings (before and after `--fix`) and bulk doctor lines.
//! The schema forbids unknown keys, so a key added to the output without the schema fails here.

use std::path::Path;

mod common;
use common::{archprompt, copy_dir, json_lines};

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string("docs/json-schema.json").unwrap();
    jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, value: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not match docs/json-schema.json:\n{}",
        errors.join("\n")
    );
}

#[test]
fn every_fixture_report_matches_the_schema() {
    let validator = schema();
    let mut dirs: Vec<_> = std::fs::read_dir("fixtures")
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in &dirs {
        let report = archprompt::scan(dir).unwrap();
        assert_valid(
            &validator,
            &dir.display().to_string(),
            &serde_json::to_value(&report).unwrap(),
        );
    }
    let bulk = archprompt()
        .args([
            "scan",
            "--json",
            "fixtures/overrides-archprompt-toml",
            "fixtures/no-backend",
            "fixtures/nope",
        ])
        .output()
        .unwrap();
    let lines = json_lines(&bulk.stdout);
    assert_eq!(lines.len(), 3);
    for line in &lines {
        assert_valid(&validator, "a bulk scan line", line);
    }
}

#[test]
fn doctor_findings_match_the_schema() {
    let validator = schema();
    let root = tempfile::tempdir().unwrap();
    // Four repositories, one per bulk status: drift, placeholders, failed, ok.
    let drifted = root.path().join("drifted");
    copy_dir(Path::new("fixtures/agent-file-drifted"), &drifted);
    let placeholders = root.path().join("placeholders");
    copy_dir(Path::new("fixtures/node-koa-sequelize"), &placeholders);
    archprompt().args(["init", "-q"]).arg(&placeholders).assert().success();
    let failed = root.path().join("failed");
    copy_dir(Path::new("fixtures/node-koa-sequelize"), &failed);
    std::fs::write(
        failed.join("AGENTS.md"),
        "<!-- archprompt:begin backend-architect -->\nno end\n",
    )
    .unwrap();
    let ok = root.path().join("ok");
    copy_dir(Path::new("fixtures/agent-file-drifted"), &ok);
    archprompt().args(["doctor", "--fix", "-q"]).arg(&ok).assert().success();

    for args in [&["doctor", "--json"][..], &["doctor", "--json", "-v"]] {
        let output = archprompt().args(args).arg(&drifted).output().unwrap();
        let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(!findings["stale"].as_array().unwrap().is_empty(), "a drifted file");
        assert_valid(&validator, &args.join(" "), &findings);
    }
    let list: String = [&drifted, &placeholders, &failed, &ok, &root.path().join("missing")]
        .iter()
        .map(|p| format!("{}\n", p.display()))
        .collect();
    std::fs::create_dir(root.path().join("missing")).unwrap();
    let bulk = archprompt()
        .args(["doctor", "--json", "--from", "-"])
        .write_stdin(list)
        .output()
        .unwrap();
    let lines = json_lines(&bulk.stdout);
    let statuses: Vec<&str> = lines.iter().map(|l| l["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["drift", "placeholders", "failed", "ok", "missing"]);
    for line in &lines {
        assert_valid(&validator, "a bulk doctor line", line);
    }
    // And after --fix, with the `fixed` list filled.
    let output = archprompt()
        .args(["doctor", "--json", "--fix"])
        .arg(&drifted)
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(findings["fixed"].as_array().unwrap().len(), 1);
    assert_valid(&validator, "doctor --json --fix", &findings);
}

#[test]
fn bulk_init_lines_and_the_template_list_match_the_schema() {
    let validator = schema();
    let root = tempfile::tempdir().unwrap();
    let fresh = root.path().join("fresh");
    copy_dir(Path::new("fixtures/node-koa-sequelize"), &fresh);
    let changed = root.path().join("changed");
    copy_dir(Path::new("fixtures/agent-file-drifted"), &changed);
    let list = format!(
        "{}\n{}\n{}\n",
        fresh.display(),
        changed.display(),
        root.path().join("gone").display()
    );
    let mut statuses = Vec::new();
    for args in [
        &["init", "--json", "--dry-run", "--from", "-"][..],
        &["init", "--json", "--from", "-"],
    ] {
        let output = archprompt().args(args).write_stdin(list.clone()).output().unwrap();
        for line in json_lines(&output.stdout) {
            assert_valid(&validator, &args.join(" "), &line);
            statuses.push(line["status"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        statuses,
        // The dry run says what init does: the changed file is refused by both.
        ["would create", "refused", "failed", "created", "refused", "failed"]
    );
    let output = archprompt().args(["templates", "--json"]).arg(&fresh).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list[0]["name"], "backend-architect");
    assert_valid(&validator, "templates --json", &list);
}

#[test]
fn the_fleet_report_matches_the_schema() {
    let validator = schema();
    let output = archprompt()
        .args([
            "report",
            "--format",
            "json",
            "fixtures/rust-axum-sqlx",
            "no/such/repo",
            "fixtures/no-backend",
        ])
        .output()
        .unwrap();
    let fleet: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(fleet["repositories"].as_array().unwrap().len(), 3);
    assert_valid(&validator, "report --format json", &fleet);
}
