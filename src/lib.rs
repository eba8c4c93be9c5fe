//! archprompt: zero-config detection of a repository's backend stack, and rendering of
//! coding-agent templates with it. The library never prints; `main.rs` owns the terminal.

pub mod bulk;
mod ci;
pub mod cli;
pub mod detect;
pub mod doctor;
mod documented;
pub mod hints;
pub mod init;
pub mod manifests;
pub mod model;
pub mod output;
pub mod render;
mod resolve;
pub mod runner;
mod sidecars;
mod tasks;
pub mod walk;

use anyhow::{Result, bail};
use std::path::Path;

/// Scans the repository at `root` with the built-in detectors (and the repository's own
/// `.archprompt/detectors/*.toml`). Problems in the repository become warnings in the report.
pub fn scan(root: &Path) -> Result<model::Report> {
    scan_with(&detect::Registry::builtin()?, root)
}

/// [`scan`] with a registry built once, for scanning many repositories.
pub fn scan_with(registry: &detect::Registry, root: &Path) -> Result<model::Report> {
    scan_project(registry, root, None)
}

/// [`scan_with`], describing the project `project` names (a directory or package name) instead
/// of the one archprompt picks as the backend.
pub fn scan_project(registry: &detect::Registry, root: &Path, project: Option<&str>) -> Result<model::Report> {
    if !root.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    resolve::scan(root, &root.display().to_string(), registry, project)
}

/// One repository of a bulk scan: its report (or why there is none) and how long it took.
pub struct Scanned {
    pub report: Result<model::Report>,
    pub elapsed: std::time::Duration,
}

/// Scans `roots` on `threads` worker threads; results come back in the order of `roots`, and
/// `progress` is told how many are done after each one. A repository that fails does not stop
/// the others.
pub fn scan_many(
    registry: &detect::Registry,
    roots: &[std::path::PathBuf],
    threads: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Scanned> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Scanned>>> = Mutex::new(roots.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, roots.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(root) = roots.get(i) else { break };
                    let started = std::time::Instant::now();
                    let report = scan_with(registry, root);
                    let scanned = Scanned {
                        report,
                        elapsed: started.elapsed(),
                    };
                    results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(scanned);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| Scanned {
                report: Err(anyhow::anyhow!("scan did not run")),
                elapsed: std::time::Duration::ZERO,
            })
        })
        .collect()
}
