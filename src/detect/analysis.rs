//! Every detector run against one project: the hits of each kind (superseded ones dropped, the
//! rest by priority) and the variables their config reads set. The facts resolve decides from.

use crate::detect::detector::{Detector, Kind, Sets};
use crate::detect::engine;
use crate::detect::registry::Registry;
use crate::ecosystems::Project;
use crate::repo::in_two;
use crate::repo::index::RepoIndex;
use crate::report::{Evidence, EvidenceKind};
use std::collections::BTreeMap;

/// Everything detected about one project. `score`, `linked` and `linked_cut` are left for resolve to
/// fill.
#[derive(Clone)]
pub struct Analysis<'r> {
    /// Shared, not copied: a large workspace's projects are handed to two threads, and a sibling
    /// package's hits point at it ([`Hit::from`]).
    pub project: std::sync::Arc<Project>,
    pub ecosystem_hits: Vec<Hit<'r>>,
    pub frameworks: Vec<Hit<'r>>,
    pub data: Vec<Hit<'r>>,
    pub tests: Vec<Hit<'r>>,
    pub databases: Vec<Hit<'r>>,
    pub capabilities: Vec<Hit<'r>>,
    pub vars: BTreeMap<String, (String, Evidence)>,
    pub score: i32,
    /// Directories of the sibling packages this project links at run time, nearest first.
    pub linked: Vec<String>,
    /// It links more sibling packages than resolve takes on: what the others bring is unseen.
    pub linked_cut: bool,
}

#[derive(Clone)]
pub struct Hit<'r> {
    pub detector: &'r Detector,
    /// Shared: a hit is copied into every project that links the package it was found in.
    pub evidence: std::sync::Arc<[Evidence]>,
    /// Set when the hit comes from a sibling package the backend depends on: that package, against
    /// which the detector's paths resolve and in which its commands run.
    pub from: Option<std::sync::Arc<Project>>,
}

/// Every project analysed, in order; those of a large workspace on two threads
/// ([`in_two::map`]).
pub fn analyse_all<'r>(registry: &'r Registry, index: &RepoIndex, projects: Vec<Project>) -> Vec<Analysis<'r>> {
    let projects = projects.into_iter().map(std::sync::Arc::new).collect();
    in_two::map(index, projects, |index, project| analyse(registry, index, project))
}

pub fn analyse<'r>(registry: &'r Registry, index: &RepoIndex, project: std::sync::Arc<Project>) -> Analysis<'r> {
    let listing = engine::Listing::of(index, &project.dir, registry.test_suffixes());
    let may_match = registry.may_match(&project);
    let hits_of = |kind: Kind| -> Vec<Hit<'r>> {
        let mut hits: Vec<Hit> = registry
            .positions_of(kind)
            .iter()
            .filter(|i| may_match[**i])
            .map(|i| &registry.detectors[*i])
            .filter(|d| matches!(kind, Kind::Database | Kind::Capability) || d.ecosystem == Some(project.ecosystem))
            .filter_map(|d| {
                engine::matches_among(d, index, &project, &listing).map(|evidence| Hit {
                    detector: d,
                    evidence: evidence.into(),
                    from: None,
                })
            })
            .collect();
        if kind == Kind::Framework {
            // A framework only in devDependencies is a test server (an HTTP client's tests),
            // not the project's own.
            hits.retain(|h| h.evidence.iter().any(|e| e.kind != EvidenceKind::DevDependency));
        }
        let superseded: Vec<String> = hits.iter().flat_map(|h| h.detector.supersedes.clone()).collect();
        hits.retain(|h| !superseded.contains(&h.detector.id));
        hits.sort_by_key(|h| std::cmp::Reverse(h.detector.priority));
        hits
    };
    let ecosystem_hits = hits_of(Kind::Ecosystem);
    let frameworks = hits_of(Kind::Framework);
    let data = hits_of(Kind::Data);
    let tests = hits_of(Kind::TestRunner);
    let databases = hits_of(Kind::Database);
    let capabilities = hits_of(Kind::Capability);
    let mut vars = BTreeMap::new();
    if let Some(name) = &project.name {
        let module = package_dir_name(index, &project, name);
        vars.insert(
            "package".to_string(),
            (module, Evidence::new(&project.manifest, "project name")),
        );
    }
    for hit in ecosystem_hits.iter().chain(&frameworks).chain(&data).chain(&tests) {
        for read in hit.detector.config.iter().filter(|r| r.sets == Sets::Var) {
            let name = read.var.clone().unwrap_or_default();
            if vars.contains_key(&name) {
                continue;
            }
            // A developer's settings before a test run's or a deployment's (`settings/ci.py` sorts
            // before `settings/local.py`).
            let found = engine::read_config(hit.detector, read, index, &project);
            let another_run = |file: &str| registry.conventions.files.for_another_run(file);
            let pick = found.iter().position(|f| !another_run(&f.file)).unwrap_or(0);
            if let Some(found) = found.into_iter().nth(pick) {
                // An empty value is a marker: the file shows the tool or layout is there.
                let reason = if found.value.is_empty() {
                    format!("sets {name}")
                } else {
                    format!("{name} = {}", found.value)
                };
                let evidence = Evidence::new(&found.file, reason);
                vars.insert(name, (found.value, evidence));
            }
        }
    }
    Analysis {
        project,
        ecosystem_hits,
        frameworks,
        data,
        tests,
        databases,
        capabilities,
        vars,
        score: 0,
        linked: Vec::new(),
        linked_cut: false,
    }
}

/// The import name of a project (`my-app` → `my_app`), spelled as its directory is when one
/// matches case-insensitively (`ctfd` → `CTFd`).
fn package_dir_name(index: &RepoIndex, project: &Project, name: &str) -> String {
    let module = name.replace(['-', '.'], "_");
    for base in [project.dir.clone(), project.path("src")] {
        let prefix = if base == "." { String::new() } else { format!("{base}/") };
        // Only the directories below `base`: a range of the sorted set, not the whole tree.
        let found = index
            .dirs
            .range(prefix.clone()..)
            .map_while(|d| d.strip_prefix(&prefix))
            .find(|d| !d.contains('/') && d.eq_ignore_ascii_case(&module));
        if let Some(dir) = found {
            return dir.to_string();
        }
    }
    module
}

pub fn detected_ids(a: &Analysis) -> Vec<String> {
    let hits = a
        .ecosystem_hits
        .iter()
        .chain(&a.frameworks)
        .chain(&a.data)
        .chain(&a.tests)
        .chain(&a.databases)
        .chain(&a.capabilities);
    let mut ids: Vec<String> = hits.map(|h| h.detector.id.clone()).collect();
    ids.sort();
    // A sibling package's hit and the backend's own can name the same detector.
    ids.dedup();
    ids
}
