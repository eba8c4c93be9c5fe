//! What the hostile suites share: a minimal backend to add hostile parts to, and the real binary
//! run on it under a timeout.

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A minimal Express backend the hostile parts are added to.
pub fn backend(root: &Path) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"name":"api","scripts":{"dev":"node src/index.js","preinstall":"touch MARKER","test":"touch MARKER"},"dependencies":{"express":"^4.21.0"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("src/index.js"), "require('express')\n").unwrap();
}

/// A temporary repository holding [`backend`], removed when dropped.
pub fn backend_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    backend(tmp.path());
    tmp
}

pub fn scan_json(root: &Path) -> (serde_json::Value, String) {
    let output = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["scan", "--json"])
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "scan failed: {stderr}");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (report, stderr)
}

pub fn warnings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn run(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("archprompt")
        .unwrap()
        .args(args)
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap()
}

pub fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success()
    );
}
