//! How a .NET project's commands are run: `dotnet`, from the solution that holds the project
//! when there is one above it.

use crate::ecosystems::project::Project;
use crate::ecosystems::runner::{Runner, Tool};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

/// The .NET CLI, run from the solution (`*.sln`, `*.slnx`) nearest above the project, so `dotnet
/// test` and `dotnet build` cover every project of it.
pub fn resolve(index: &RepoIndex, project: &Project) -> Runner {
    for dir in crate::fs::ancestors(&project.dir) {
        let solution = index
            .files_in(dir)
            .find(|f| f.ends_with(".sln") || f.ends_with(".slnx"));
        if let Some(file) = solution {
            return Runner {
                tool: Tool::Dotnet,
                wrapper: false,
                display: "dotnet".into(),
                evidence: Evidence::new(file, "solution file"),
                root_dir: dir.to_string(),
                workspace: None,
            };
        }
    }
    Runner::own_tool(project, Tool::Dotnet, "dotnet", "project file")
}
