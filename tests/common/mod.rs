//! Helpers the integration tests share: the real binary, and copies of fixtures to write into.
#![allow(dead_code)] // each test binary uses its own subset

pub mod hostile;

use assert_cmd::Command;
use std::path::Path;

pub fn archprompt() -> Command {
    Command::cargo_bin("archprompt").unwrap()
}

/// A copy of a fixture in a temp dir, so tests can write into it.
pub fn repo_from(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new("fixtures").join(fixture), dir.path());
    dir
}

/// `init --stdout` of `repo` with `text` as the template (written into the repository).
pub fn render_in(repo: &Path, text: &str) -> assert_cmd::assert::Assert {
    let template = repo.join("t.hbs");
    std::fs::write(&template, text).unwrap();
    archprompt()
        .args(["init", "--stdout", "--template"])
        .arg(&template)
        .arg(repo)
        .assert()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Standard output of a bulk run, one JSON value per line.
pub fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `scan_tree` for generated paths and contents.
pub fn scan_owned(files: &[(String, String)]) -> archprompt::report::Report {
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    scan_tree(&files)
}

/// Scans a repository made of `files` (path, contents) in a temp dir.
pub fn scan_tree(files: &[(&str, &str)]) -> archprompt::report::Report {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    archprompt::scan(dir.path()).unwrap()
}
