//! The scan pipeline, run once per repository and in this order: the user's `archprompt.toml`,
//! one listing of the repository (the index), the detectors (built in and the repository's own),
//! every manifest read into projects, every detector run against every project, then resolve's
//! decisions; the pins of `archprompt.toml` last, and the warnings of every step.

use crate::detect::Registry;
use crate::detect::analysis::{Analysis, analyse_all};
use crate::repo::config;
use crate::repo::index::RepoIndex;
use crate::report::Report;
use crate::resolve::{self, Facts};
use crate::signals::ci::CiCommands;
use std::path::Path;

/// Scans `root` with `builtin` plus the repository's own `.archprompt/detectors/*.toml`,
/// describing the project `project` names (a directory or package name) or else the one
/// archprompt picks as the backend. `root_label` is how the report names the root.
pub fn run(root: &Path, root_label: &str, builtin: &Registry, project: Option<&str>) -> anyhow::Result<Report> {
    let (config, config_warnings) = config::load(root);
    let mut early_warnings = config_warnings;
    let excluded = config::ignore_matcher(root, &config, &mut early_warnings);
    let index = RepoIndex::build_excluding(root, excluded);
    for w in early_warnings {
        index.warn(&w.file, w.message);
    }
    let project = project.or(config.project.as_deref());
    let local = local_registry(&index, builtin);
    let registry = local.as_ref().unwrap_or(builtin);
    let projects = crate::ecosystems::collect(&index);
    let own: Vec<Analysis> = analyse_all(registry, &index, projects);
    let facts = Facts {
        registry,
        index: &index,
        ci: CiCommands::new(&index),
    };
    let mut report = resolve::resolve(&facts, own, project, root_label)?;
    // "There is none" needs the whole repository seen.
    let within = report.backend_dir.clone().unwrap_or_else(|| ".".to_string());
    if let Some(why) = resolve::unseen(registry, &index, &within) {
        report.unprove_absence(&why);
    }
    report.warnings = index.take_warnings();
    config::apply(&config, &mut report);
    // What the repository holds goes into agent files and terminals, pinned values too: no
    // control characters.
    report.refuse_control_characters();
    Ok(report)
}

/// The most detector files a repository may add: a team's own frameworks and tools are a few.
const MOST_LOCAL_DETECTORS: usize = 64;

/// Built-ins plus the repository's `.archprompt/detectors/*.toml`, or `None` when it has none.
fn local_registry(index: &RepoIndex, builtin: &Registry) -> Option<Registry> {
    let files: Vec<&String> = index
        .files
        .iter()
        .filter(|f| crate::fs::parent(f) == ".archprompt/detectors" && f.ends_with(".toml"))
        .collect();
    if files.is_empty() {
        return None;
    }
    // Every detector is matched against every project, so their number multiplies the cost of a
    // workspace: 2,000 local detectors over 5,000 packages took 53 s.
    if files.len() > MOST_LOCAL_DETECTORS {
        let why = format!(
            "{} detector files; only the first {MOST_LOCAL_DETECTORS} (in name order) are loaded",
            files.len()
        );
        index.warn(".archprompt/detectors", why);
    }
    let mut registry = builtin.copy();
    for file in files.into_iter().take(MOST_LOCAL_DETECTORS) {
        let Some(text) = index.read(file) else {
            continue;
        };
        if let Err(err) = registry.add(file, &text) {
            index.warn(file, format!("{err:#}"));
        }
    }
    Some(registry)
}
