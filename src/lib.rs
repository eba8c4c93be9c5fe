//! archprompt: zero-config detection of a repository's backend stack, and rendering of
//! coding-agent templates with it. The library never prints; `main.rs` owns the terminal.

pub mod cli;
pub mod detect;
pub mod doctor;
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
    if !root.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    let registry = detect::Registry::builtin()?;
    Ok(resolve::scan(root, &root.display().to_string(), &registry))
}
