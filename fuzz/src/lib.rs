//! Shared by the fuzz targets: writing fuzz input as files of a repository and scanning it with
//! the real pipeline. One directory per process is reused, emptied before each input.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

static REGISTRY: LazyLock<archprompt::detect::Registry> =
    LazyLock::new(|| archprompt::detect::Registry::builtin().expect("built-in detectors load"));

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!("archprompt-fuzz-{}", std::process::id()))
}

/// Writes `files` (repo-relative path, contents) into an empty directory and scans it. The scan
/// must never panic; its result is not judged.
pub fn scan_files(files: &[(&str, &[u8])]) {
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    for (rel, bytes) in files {
        // A path the file system refuses (a name over 255 bytes) is not a repository anyone has.
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            if std::fs::create_dir_all(parent).is_err() {
                continue;
            }
        }
        let _ = std::fs::write(&path, bytes);
    }
    std::fs::create_dir_all(&root).expect("scratch directory");
    let report = archprompt::scan_with(&REGISTRY, &root);
    if let Ok(report) = report {
        // Rendering the real template with whatever was found must not fail either.
        let _ = archprompt::profile::render::render(archprompt::profile::render::DEFAULT_TEMPLATE, &report);
    }
}

/// The same bytes under each of `names`, beside a minimal backend so every stage runs.
pub fn scan_as(names: &[&str], bytes: &[u8]) {
    let mut files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, bytes)).collect();
    files.push(("src/main.py", b"import fastapi\n"));
    scan_files(&files);
}

/// Repo-relative paths from fuzz input: no absolute paths, no `..`, a bounded depth.
pub fn safe_path(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let parts: Vec<&str> = text
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != ".." && !p.contains('\0'))
        .take(8)
        .collect();
    (!parts.is_empty())
        .then(|| parts.join("/"))
        .filter(|p| Path::new(p).is_relative())
}

/// Writes `files` beside a minimal Express backend and runs `doctor --fix` on them, then checks
/// again until nothing is left to write: nothing may panic, and it must converge.
pub fn doctor_files(files: &[(&str, &[u8])]) {
    let root = scratch();
    let _ = std::fs::remove_dir_all(&root);
    let backend: [(&str, &[u8]); 2] = [
        ("package.json", br#"{"scripts":{"dev":"node src/index.js","test":"jest"},"dependencies":{"express":"^4"}}"#),
        ("src/index.js", b"require('express')\n"),
    ];
    let mut paths = Vec::new();
    for (rel, bytes) in backend.iter().chain(files) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch directory");
        }
        std::fs::write(&path, bytes).expect("scratch file");
        if files.iter().any(|(f, _)| f == rel) {
            paths.push(path);
        }
    }
    let scan = |repo: &Path| archprompt::scan_with(&REGISTRY, repo);
    let first = archprompt::doctor::check(&paths, scan, true);
    if !first.errors.is_empty() {
        return;
    }
    // --fix converges: a few runs at most (text garbled twice comes back one layer per run),
    // then nothing is left to write and no stale value is left to fix.
    let mut runs = 1;
    loop {
        let again = archprompt::doctor::check(&paths, scan, true);
        if again.fixed.is_empty() {
            assert!(again.stale.iter().all(|s| !s.fixable), "stale after --fix: {:?}", again.stale);
            break;
        }
        runs += 1;
        assert!(runs < 6, "--fix keeps rewriting: {:?}", again.fixed);
    }
}
