//! How a Python project's commands are run: the package manager a lockfile or a pyproject
//! `[tool.*]` table names, walking up to the repository root, else pip.

use crate::ecosystems::project::{Ecosystem, Project};
use crate::ecosystems::runner::{Runner, Tool};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

const PYTHON_LOCKFILES: &[(&str, Tool)] = &[
    ("uv.lock", Tool::Uv),
    ("poetry.lock", Tool::Poetry),
    ("pdm.lock", Tool::Pdm),
    ("Pipfile.lock", Tool::Pipenv),
    ("Pipfile", Tool::Pipenv),
];

pub fn resolve<'a>(index: &RepoIndex, project: &Project, all: impl Iterator<Item = &'a Project> + Clone) -> Runner {
    for dir in crate::fs::ancestors(&project.dir) {
        for &(lockfile, tool) in PYTHON_LOCKFILES {
            let file = crate::fs::join(dir, lockfile);
            if index.has_file(&file) {
                return Runner {
                    tool,
                    wrapper: false,
                    display: tool.as_str().to_string(),
                    evidence: Evidence::new(file, "lockfile"),
                    root_dir: dir.to_string(),
                    workspace: None,
                };
            }
        }
        let manifest = all.clone().find(|p| p.dir == dir && p.ecosystem == Ecosystem::Python);
        if let Some(p) = manifest {
            for tool in [Tool::Uv, Tool::Poetry, Tool::Pdm] {
                let table = tool.as_str();
                if p.tool_tables.iter().any(|t| t == table) {
                    let file = crate::fs::join(dir, "pyproject.toml");
                    return Runner {
                        tool,
                        wrapper: false,
                        display: table.to_string(),
                        evidence: Evidence::new(file, format!("[tool.{table}] table")),
                        root_dir: dir.to_string(),
                        workspace: None,
                    };
                }
            }
        }
    }
    let requirements = index
        .files_in(&project.dir)
        .find(|f| crate::fs::file_name(f).starts_with("requirements"));
    let evidence = match requirements {
        Some(file) => Evidence::new(file, "requirements file, installed with pip"),
        None => Evidence::new(&project.manifest, "no lockfile; pip is the default"),
    };
    Runner {
        tool: Tool::Pip,
        wrapper: false,
        display: "pip".into(),
        evidence,
        root_dir: project.dir.clone(),
        workspace: None,
    }
}
