//! .NET project files (`*.csproj`, `*.fsproj`; MSBuild XML, parsed): the SDK, `PackageReference`
//! and `ProjectReference` items and the target framework.
//!
//! The SDK is recorded as a dependency (`Microsoft.NET.Sdk.Web` marks an ASP.NET Core app), and
//! a referenced project by its file name, so the project it links is found as a sibling package.
//! References the `Directory.*` files above it add are read too (`imported`).

use super::project::{Ecosystem, Project, Scope};
use crate::repo::index::RepoIndex;

pub fn read(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Dotnet, file);
    project.name = Some(crate::fs::stem(file).to_string());
    let parsed = super::formats::with_xml(index, file, |root| read_project(&mut project, root, file));
    if parsed.is_some() && project.language_version.is_none() {
        project.language_version = inherited_target_framework(index, dir);
    }
    if parsed.is_some() {
        imported::add_references(index, &mut project);
    }
    project
}

mod imported;
pub mod package_manager;

/// The SDK, package and project references and target framework of a project file's root.
fn read_project(project: &mut Project, root: roxmltree::Node, file: &str) {
    if let Some(sdk) = root.attribute("Sdk") {
        // `Microsoft.NET.Sdk.Web/8.0.0` pins a version after the slash.
        let sdk = sdk.split('/').next().unwrap_or(sdk);
        project.add_dep(sdk, Scope::Runtime, file);
    }
    for sdk in root.children().filter(|c| c.tag_name().name() == "Sdk") {
        if let Some(name) = sdk.attribute("Name") {
            project.add_dep(name, Scope::Runtime, file);
        }
    }
    for node in root.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "PackageReference" => {
                if let Some(name) = node.attribute("Include").or_else(|| node.attribute("Update")) {
                    project.add_dep(name, Scope::Runtime, file);
                }
            }
            "ProjectReference" => {
                if let Some(path) = node.attribute("Include") {
                    project.add_dep(crate::fs::stem(&path.replace('\\', "/")), Scope::Runtime, file);
                }
            }
            "FrameworkReference" => {
                if let Some(name) = node.attribute("Include") {
                    project.add_dep(name, Scope::Runtime, file);
                }
            }
            "TargetFramework" | "TargetFrameworks" if project.language_version.is_none() => {
                if let Some(tfm) = node.text() {
                    let first = tfm.split(';').next().unwrap_or("").trim();
                    if !first.is_empty() && !first.starts_with("$(") {
                        project.language_version = Some((first.to_string(), file.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
}

/// `Directory.Build.props` above the project sets the target framework for every project below.
fn inherited_target_framework(index: &RepoIndex, dir: &str) -> Option<(String, String)> {
    for d in crate::fs::ancestors(dir) {
        let file = crate::fs::join(d, "Directory.Build.props");
        let tfm = super::formats::with_xml(index, &file, |root| {
            root.descendants()
                .find(|n| n.tag_name().name() == "TargetFramework")
                .and_then(|n| n.text())
                .map(str::trim)
                .filter(|t| !t.is_empty() && !t.starts_with("$("))
                .map(str::to_string)
        })
        .flatten();
        if let Some(tfm) = tfm {
            return Some((tfm, file));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_packages_references_and_framework() {
        let csproj = r#"<Project Sdk="Microsoft.NET.Sdk.Web">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Npgsql.EntityFrameworkCore.PostgreSQL" Version="8.0.4" />
    <ProjectReference Include="..\Infrastructure\Infrastructure.csproj" />
  </ItemGroup>
</Project>"#;
        let (_dir, index) = crate::repo::index::test_index(&[("src/Web/Web.csproj", csproj)]);
        let p = read(&index, "src/Web", "src/Web/Web.csproj");
        assert_eq!(p.name.as_deref(), Some("Web"));
        assert!(p.dep("microsoft.net.sdk.web").is_some());
        assert!(p.dep("Npgsql.EntityFrameworkCore.PostgreSQL").is_some());
        assert!(p.dep("Infrastructure").is_some());
        assert_eq!(p.language_version.map(|v| v.0).as_deref(), Some("net8.0"));
    }
}
