//! How a Node project's commands are run: Deno for a Deno project, else the package manager the
//! `packageManager` field or a lockfile names, walking up to the workspace root, and the
//! workspace that package manager's selectors reach.

use crate::ecosystems::project::{Ecosystem, Project};
use crate::ecosystems::runner::{NodeWorkspace, Runner, Tool};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

/// Node lockfiles, most specific first.
const NODE_LOCKFILES: &[(&str, Tool)] = &[
    ("pnpm-lock.yaml", Tool::Pnpm),
    ("pnpm-workspace.yaml", Tool::Pnpm),
    ("bun.lock", Tool::Bun),
    ("bun.lockb", Tool::Bun),
    ("yarn.lock", Tool::Yarn),
    (".yarnrc.yml", Tool::Yarn),
    ("package-lock.json", Tool::Npm),
    ("npm-shrinkwrap.json", Tool::Npm),
];

pub fn resolve<'a>(index: &RepoIndex, project: &Project, all: impl Iterator<Item = &'a Project> + Clone) -> Runner {
    if let Some(file) = &project.deno {
        return Runner {
            tool: Tool::Deno,
            wrapper: false,
            display: "deno".into(),
            evidence: Evidence::new(file, "Deno configuration"),
            root_dir: project.dir.clone(),
            workspace: None,
        };
    }
    // A workspace member often repeats the root's `packageManager`; the root still runs it.
    let member = crate::fs::ancestors(&project.dir).skip(1).any(|dir| {
        let below = if dir == "." {
            project.dir.as_str()
        } else {
            project.dir.strip_prefix(&format!("{dir}/")).unwrap_or(&project.dir)
        };
        node_workspace(index, dir, all.clone()).is_some_and(|w| !w.lerna && w.contains(below))
    });
    for dir in crate::fs::ancestors(&project.dir) {
        let manifest = all.clone().find(|p| p.dir == dir && p.ecosystem == Ecosystem::Node);
        let own_field = dir == project.dir && member;
        if let Some(field) = manifest
            .filter(|_| !own_field)
            .and_then(|p| p.package_manager_field.as_ref())
        {
            let name = field.split('@').next().unwrap_or("").trim();
            let tools = [Tool::Npm, Tool::Pnpm, Tool::Yarn, Tool::Bun];
            if let Some(tool) = tools.into_iter().find(|t| t.as_str() == name) {
                // `pnpm@9.12.3+sha512.…` → `pnpm 9.12.3`.
                let version = field.split('@').nth(1).and_then(|v| v.split('+').next()).unwrap_or("");
                let display = if version.is_empty() {
                    name.to_string()
                } else {
                    format!("{name} {version}")
                };
                let file = crate::fs::join(dir, "package.json");
                return Runner {
                    tool,
                    wrapper: false,
                    display,
                    // The integrity hash after `+` is 130 characters of noise to a reader.
                    evidence: Evidence::new(
                        file,
                        format!("packageManager {}", field.split('+').next().unwrap_or(field)),
                    ),
                    workspace: node_workspace(index, dir, all),
                    root_dir: dir.to_string(),
                };
            }
        }
        for &(lockfile, tool) in NODE_LOCKFILES {
            let file = crate::fs::join(dir, lockfile);
            if index.has_file(&file) {
                let display = if tool == Tool::Yarn {
                    yarn_flavour(index, dir)
                } else {
                    tool.as_str().to_string()
                };
                return Runner {
                    tool,
                    wrapper: false,
                    display,
                    evidence: Evidence::new(file, "lockfile"),
                    workspace: node_workspace(index, dir, all.clone()),
                    root_dir: dir.to_string(),
                };
            }
        }
    }
    Runner {
        tool: Tool::Npm,
        wrapper: false,
        display: "npm".into(),
        evidence: Evidence::new(
            &project.manifest,
            "no lockfile or packageManager field; npm is the default",
        ),
        root_dir: project.dir.clone(),
        workspace: None,
    }
}

/// The workspace declared in `dir`: pnpm-workspace.yaml `packages` (every package when it lists
/// none; pnpm ignores package.json `workspaces`), then package.json `workspaces` (npm, yarn,
/// bun), then lerna.json `packages` (`packages/*` by default), which only Lerna itself runs.
fn node_workspace<'a>(
    index: &RepoIndex,
    dir: &str,
    mut all: impl Iterator<Item = &'a Project>,
) -> Option<NodeWorkspace> {
    let pnpm = crate::fs::join(dir, "pnpm-workspace.yaml");
    if let Some(text) = index.read(&pnpm) {
        let globs = match serde_saphyr::from_str::<serde_json::Value>(&text) {
            Ok(doc) => string_list(doc.get("packages")),
            Err(err) => {
                let message = err.to_string();
                index.unreadable(&pnpm, format!("invalid YAML: {}", message.lines().next().unwrap_or("")));
                Vec::new()
            }
        };
        let globs = if globs.is_empty() {
            vec!["**".to_string()]
        } else {
            globs
        };
        return Some(NodeWorkspace::new(&globs, false));
    }
    let declared = all
        .find(|p| p.dir == dir && p.ecosystem == Ecosystem::Node)
        .map(|p| p.workspace_members.clone())
        .unwrap_or_default();
    if !declared.is_empty() {
        return Some(NodeWorkspace::new(&declared, false));
    }
    let lerna = crate::fs::join(dir, "lerna.json");
    if index.has_file(&lerna) {
        let globs = crate::ecosystems::formats::json_object(index, &lerna)
            .map(|o| string_list(o.get("packages")))
            .unwrap_or_default();
        let globs = if globs.is_empty() {
            vec!["packages/*".to_string()]
        } else {
            globs
        };
        return Some(NodeWorkspace::new(&globs, true));
    }
    None
}

fn string_list(value: Option<&serde_json::Value>) -> Vec<String> {
    value
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Yarn 2+ ("berry") writes a YAML lockfile with `__metadata:` and reads `.yarnrc.yml`.
fn yarn_flavour(index: &RepoIndex, dir: &str) -> String {
    let berry = index.has_file(&crate::fs::join(dir, ".yarnrc.yml"))
        || index
            .read(&crate::fs::join(dir, "yarn.lock"))
            .is_some_and(|t| t.contains("__metadata:"));
    if berry {
        "yarn (berry)".into()
    } else {
        "yarn (classic)".into()
    }
}
