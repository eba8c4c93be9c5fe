//! archprompt: zero-config detection of a repository's backend stack, and rendering of
//! coding-agent templates with it. The library never prints; `main.rs` owns the terminal.

pub mod bulk;
pub mod detect;
pub mod doctor;
pub mod ecosystems;
pub mod fs;
pub mod profile;
pub mod repo;
pub mod report;
mod resolve;
pub mod scan;
pub mod signals;

use anyhow::Result;
use std::path::Path;

/// Scans the repository at `root` with the built-in detectors (and the repository's own
/// `.archprompt/detectors/*.toml`). Problems in the repository become warnings in the report.
pub fn scan(root: &Path) -> Result<report::Report> {
    scan_with(&detect::Registry::builtin()?, root)
}

/// [`scan`] with a registry built once, for scanning many repositories.
pub fn scan_with(registry: &detect::Registry, root: &Path) -> Result<report::Report> {
    scan_project(registry, root, None)
}

/// [`scan_with`], describing the project `project` names (a directory or package name) instead
/// of the one archprompt picks as the backend.
pub fn scan_project(registry: &detect::Registry, root: &Path, project: Option<&str>) -> Result<report::Report> {
    fs::require_dir(root)?;
    scan::run(root, &root.display().to_string(), registry, project)
}

/// One repository of a bulk scan: its report (or why there is none) and how long it took.
pub struct Scanned {
    pub report: Result<report::Report>,
    pub elapsed: std::time::Duration,
}

/// Scans `roots` on `threads` worker threads and hands each result to `emit` in the order of
/// `roots`, as soon as it and every one before it are done (see [`bulk::in_order`]). A
/// repository that fails, or whose scan panics (then its error is `ROOT: panicked while
/// scanning: MESSAGE`), does not stop the others.
pub fn scan_each(
    registry: &detect::Registry,
    roots: &[std::path::PathBuf],
    threads: usize,
    emit: &(dyn Fn(usize, Scanned) + Sync),
) {
    bulk::in_order(
        roots,
        threads,
        |root| scan_with(registry, root),
        |i, report, elapsed| {
            let report = report
                .unwrap_or_else(|panicked| Err(anyhow::Error::new(panicked).context(roots[i].display().to_string())));
            emit(i, Scanned { report, elapsed })
        },
    );
}
