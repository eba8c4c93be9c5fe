//! `archprompt report` (one table of many repositories, as Markdown, CSV or JSON) and
//! `--fail-on` on `report` and `scan`: the exit code CI reads.

mod common;

use common::{archprompt, copy_dir};
use predicates::prelude::*;
use std::path::Path;

const REPOS: [&str; 3] = [
    "fixtures/rust-axum-sqlx",
    "no/such/repo",
    "fixtures/node-express-prisma",
];

#[test]
fn report_prints_one_markdown_table_with_counts() {
    // A repository that could not be scanned is a row, and the run exits 1 as a bulk scan does.
    let assert = archprompt().arg("report").args(REPOS).assert().code(1);
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| fixtures/") || l.starts_with("| no/"))
        .collect();
    assert_eq!(rows.len(), 3, "{text}");
    assert!(
        rows[0].starts_with("| fixtures/rust-axum-sqlx | ") && rows[0].contains("| Axum |"),
        "{}",
        rows[0]
    );
    assert!(rows[1].contains("failed: no/such/repo"), "{}", rows[1]);
    assert!(rows[2].contains("| Express |"), "{}", rows[2]);
    assert!(text.contains("3 repositories, 1 could not be scanned"));
    assert!(text.contains("## Backend frameworks") && text.contains("| Axum | 1 |"));
    assert!(text.contains("| backend_framework | 2 | 0 | 0 |"), "{text}");
}

#[test]
fn report_json_holds_the_rows_and_counts_and_csv_follows_the_file_name() {
    let assert = archprompt()
        .args(["report", "--format", "json"])
        .args(REPOS)
        .assert()
        .code(1);
    let json: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let rows = json["repositories"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["fields"]["backend_framework"]["value"], "Axum");
    assert_eq!(rows[0]["fields"]["backend_framework"]["state"], "found");
    assert_eq!(rows[1]["status"], "failed");
    assert_eq!(json["counts"]["failed"], 1);
    assert_eq!(json["counts"]["ecosystems"]["rust"], 1);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.csv");
    archprompt()
        .args(["report", "-o"])
        .arg(&file)
        .args(REPOS)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[2][at("backend_framework")], "Express");
    assert_eq!(&records[1][at("status")], "failed");

    archprompt()
        .args(["report", "-o", "fleet.xlsx", "fixtures/rust-axum-sqlx"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fleet.xlsx: cannot tell the format"));

    // Where the report goes is checked before any scan, and said once.
    let missing = dir.path().join("no/such/dir/fleet.md");
    let refused = archprompt()
        .args(["report", "-o"])
        .arg(&missing)
        .arg("fixtures/rust-axum-sqlx")
        .assert()
        .code(2);
    let stderr = String::from_utf8(refused.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("fleet.md: cannot write: no directory"), "{stderr}");
    assert_eq!(stderr.matches("cannot write").count(), 1, "{stderr}");
    // A symlink is not written through: one planted in a scanned repository could point
    // anywhere.
    let target = dir.path().join("real.md");
    let link = dir.path().join("link.md");
    std::fs::write(&target, "old").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&target, &link).unwrap();
        archprompt()
            .args(["report", "-o"])
            .arg(&link)
            .arg("fixtures/rust-axum-sqlx")
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is a symlink"));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
    }
}

#[test]
fn fail_on_exits_1_exactly_when_a_listed_condition_occurs() {
    // node-express-prisma has every field found or absent; no-backend has unknown ones.
    let clean = "fixtures/node-express-prisma";
    archprompt()
        .args(["report", "--fail-on", "unknown", clean])
        .assert()
        .success();
    archprompt()
        .args(["report", "--fail-on", "failed", clean, "no/such/repo"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--fail-on failed: 1 repository"));
    // Without --fail-on a failed repository still fails the run, as a bulk scan's does.
    archprompt().args(["report", clean, "no/such/repo"]).assert().code(1);
    archprompt()
        .args(["scan", "--fail-on", "absent", clean])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--fail-on absent: 1 repository"));
    archprompt()
        .args([
            "scan",
            "--json",
            "--fail-on",
            "unknown",
            clean,
            "fixtures/rust-axum-sqlx",
        ])
        .assert()
        .success();
}

#[test]
fn fail_on_drift_trips_on_agent_files_behind_the_repository_in_scan_report_and_doctor() {
    let drifted = "fixtures/agent-file-drifted";
    let without_agent_files = "fixtures/node-express-prisma";
    for command in ["scan", "report"] {
        archprompt()
            .args([command, "--fail-on", "drift", drifted])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--fail-on drift: 1 repository"));
        // A repository without agent files has nothing to drift.
        archprompt()
            .args([command, "--fail-on", "drift", without_agent_files])
            .assert()
            .success();
    }
    // A fresh init leaves placeholders only for what archprompt cannot know: doctor alone fails
    // on them, `--fail-on drift` lets them pass and `--fail-on unknown` names them.
    let root = tempfile::tempdir().unwrap();
    let fresh = root.path().join("fresh");
    copy_dir(Path::new("fixtures/node-koa-sequelize"), &fresh);
    archprompt().args(["init", "-q"]).arg(&fresh).assert().success();
    archprompt().arg("doctor").arg(&fresh).assert().code(1);
    archprompt()
        .args(["doctor", "--fail-on", "drift"])
        .arg(&fresh)
        .assert()
        .success();
    archprompt()
        .args(["doctor", "--fail-on", "unknown"])
        .arg(&fresh)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--fail-on unknown: 1 repository"));
    // In bulk, each repository counts once.
    let list = format!("{}\n{drifted}\n", fresh.display());
    archprompt()
        .args(["doctor", "--from", "-", "--fail-on", "drift,drift"])
        .write_stdin(list)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--fail-on drift: 1 repository"));
}

#[test]
fn doctor_json_has_one_shape_for_one_repository_and_for_many() {
    let drifted = "fixtures/agent-file-drifted";
    let single = archprompt().args(["doctor", "--json", drifted]).output().unwrap();
    let single: serde_json::Value = serde_json::from_slice(&single.stdout).unwrap();
    let bulk = archprompt()
        .args(["doctor", "--json", "--from", "-"])
        .write_stdin(format!("{drifted}\n"))
        .output()
        .unwrap();
    let bulk: serde_json::Value = serde_json::from_slice(&bulk.stdout).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&single), keys(&bulk));
    assert_eq!(single["path"], drifted);
    assert_eq!(single["status"], "drift");
    assert_eq!(bulk["status"], "drift");
    assert_eq!(single["errors"], serde_json::json!([]));
}
