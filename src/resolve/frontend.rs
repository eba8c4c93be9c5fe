//! The browser frontend beside or in the backend: its UI framework and the version its manifest
//! declares, its component library, its state management and its build tool. What names each is
//! the `[toolchain.frontend]` data of the ecosystems; here are the rules: a frontend is a project
//! that depends on a UI framework, outside examples, docs and test trees, and not a
//! documentation site; a name is found only from a dependency or a build script that shows it.
//! A frontend that depends on none of the libraries archprompt knows may use one it does not
//! know, so nothing here is ever `none`.

use super::backend::named;
use crate::detect::Registry;
use crate::detect::analysis::Analysis;
use crate::detect::knowledge::Frontend;
use crate::ecosystems::{Project, Scope};
use crate::report::{Evidence, Extra, Field};
use std::collections::BTreeMap;

/// What the frontends fill: the extras, and each `<framework>_version` placeholder the data
/// names (`None` where it is not found).
pub(super) struct Filled {
    pub extras: BTreeMap<Extra, Field>,
    pub versions: BTreeMap<String, Option<String>>,
}

pub(super) fn of_projects(registry: &Registry, analyses: &[Analysis]) -> Filled {
    let mut versions: BTreeMap<String, Option<String>> = registry
        .toolchains()
        .flat_map(|(_, t)| t.frontend.ui.iter().filter_map(|u| u.version.clone()))
        .map(|name| (name, None))
        .collect();
    let dirs = &registry.conventions.dirs;
    let apps: Vec<(&Project, &Frontend)> = analyses
        .iter()
        .map(|a| &*a.project)
        .filter(|p| {
            !p.dir
                .split('/')
                .any(|part| named(&dirs.not_backend, part) || named(&dirs.tests, part))
        })
        .map(|p| (p, &registry.toolchain(p.ecosystem).frontend))
        .filter(|(p, frontend)| {
            frontend
                .ui
                .iter()
                .find(|u| p.dep(&u.dep).is_some())
                .is_some_and(|u| !u.site)
        })
        .collect();
    let mut named_list: BTreeMap<Extra, Named> = BTreeMap::new();
    for (project, frontend) in &apps {
        // The first UI framework is the project's; another it depends on (React beside Vue in a
        // component package) is not, so neither is that one's version.
        if let Some(ui) = frontend.ui.iter().find(|u| project.dep(&u.dep).is_some()) {
            let evidence = dep_evidence(project, &ui.dep);
            named_list
                .entry(Extra::FrontendFramework)
                .or_default()
                .add(&ui.name, evidence);
            let declared = project.dep(&ui.dep).and_then(|d| d.requirement.as_deref());
            let slot = ui.version.as_ref().and_then(|name| versions.get_mut(name));
            if let (Some(slot @ None), Some(version)) = (slot, declared.and_then(version_of)) {
                *slot = Some(version.to_string());
            }
        }
        let libraries = [
            (Extra::UiLibrary, &frontend.libraries),
            (Extra::StateManagement, &frontend.state),
        ];
        for (extra, packages) in libraries {
            for package in packages.iter().filter(|l| project.dep(&l.dep).is_some()) {
                let evidence = dep_evidence(project, &package.dep);
                named_list.entry(extra).or_default().add(&package.name, evidence);
            }
        }
        if let Some((name, evidence)) = build_tool(project, frontend) {
            named_list.entry(Extra::BuildTool).or_default().add(name, evidence);
        }
    }
    let mut extras = BTreeMap::new();
    let where_apps: Vec<&str> = apps.iter().map(|(p, _)| p.dir.as_str()).collect();
    for extra in [
        Extra::FrontendFramework,
        Extra::UiLibrary,
        Extra::StateManagement,
        Extra::BuildTool,
    ] {
        let field = match named_list.remove(&extra) {
            Some(found) => Field::found(found.names.join(", "), found.evidence),
            None if apps.is_empty() => continue,
            None => Field::unknown(format!(
                "the frontend ({}) depends on none that archprompt knows",
                where_apps.join(", ")
            )),
        };
        extras.insert(extra, field);
    }
    Filled { extras, versions }
}

/// Names found for one placeholder, each once, in the order found, with what shows each.
#[derive(Default)]
struct Named {
    names: Vec<String>,
    evidence: Vec<Evidence>,
}

impl Named {
    fn add(&mut self, name: &str, evidence: Evidence) {
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_string());
            self.evidence.push(evidence);
        }
    }
}

/// The build tool the project's `build` script runs, else the first of the data's list it
/// depends on.
fn build_tool<'f>(project: &Project, frontend: &'f Frontend) -> Option<(&'f str, Evidence)> {
    let script = project.task("build");
    let run_by_script = script.and_then(|task| {
        let words: Vec<&str> = task.body.split_whitespace().collect();
        frontend
            .build_tools
            .iter()
            .find(|tool| tool.commands.iter().any(|c| words.contains(&c.as_str())))
            .map(|tool| {
                (
                    tool,
                    Evidence::new(&task.file, format!("the build script runs {}", task.body)),
                )
            })
    });
    let (tool, evidence) = run_by_script.or_else(|| {
        frontend.build_tools.iter().find_map(|tool| {
            let dep = tool.deps.iter().find(|d| project.dep(d).is_some())?;
            Some((tool, dep_evidence(project, dep)))
        })
    })?;
    Some((tool.name.as_str(), evidence))
}

/// The dependency `dep` of `project`, as evidence.
fn dep_evidence(project: &Project, dep: &str) -> Evidence {
    match project.dep(dep) {
        Some(d) if d.scope == Scope::Dev => Evidence::new(&d.file, format!("dev dependency {dep}")),
        Some(d) => Evidence::new(&d.file, format!("dependency {dep}")),
        None => Evidence::new(&project.manifest, format!("dependency {dep}")),
    }
}

/// A declared requirement that states a version (`^18.2.0`, `~3.4`, `>=5 <6`, `18.x`), as
/// written; `None` for what states none (`workspace:*`, `catalog:`, `latest`, a path or a URL).
fn version_of(requirement: &str) -> Option<&str> {
    let requirement = requirement.trim();
    let first = requirement.trim_start_matches(['^', '~', '>', '<', '=', 'v', ' ']);
    (first.starts_with(|c: char| c.is_ascii_digit()) && !requirement.contains(':')).then_some(requirement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_requirement_is_a_version_only_when_it_states_one() {
        for (requirement, version) in [
            ("^18.2.0", Some("^18.2.0")),
            ("~3.4.21", Some("~3.4.21")),
            (">=5 <6", Some(">=5 <6")),
            ("18.x", Some("18.x")),
            ("17.0.2", Some("17.0.2")),
            ("workspace:*", None),
            ("catalog:", None),
            ("npm:@preact/compat@^17", None),
            ("latest", None),
            ("*", None),
            ("file:../react", None),
            ("github:facebook/react", None),
        ] {
            assert_eq!(version_of(requirement), version, "{requirement}");
        }
    }
}
