//! References a .NET project gets from the files MSBuild imports into every project below them
//! (`Directory.Build.props`, `Directory.Build.targets`, `Directory.Packages.props`): a solution
//! may keep all its package and project references there, each group under a condition on the
//! project's name or path (`$(MSBuildProjectName.EndsWith('Infrastructure'))`), and a project
//! file that names none of them is not a project without them.

use super::super::project::{Project, Scope};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// The files MSBuild imports from the project's folder or the nearest folder above it.
const IMPORTED: &[&str] = &[
    "Directory.Build.props",
    "Directory.Build.targets",
    "Directory.Packages.props",
];

/// Bounds that keep a hostile imported file cheap, whatever the number of projects under it (it
/// is read again for each): real ones are a few KiB with tens of items, a few globs, short
/// conditions and properties.
/// The largest imported file read.
const MOST_IMPORTED_BYTES: usize = 256 * 1024;
/// The most items taken from one file.
const MOST_ITEMS: usize = 512;
/// The most glob `ProjectReference`s resolved from one file, and the most files each one looks
/// through: past them a reference is left unresolved.
const MOST_GLOBS: usize = 8;
const MOST_GLOB_FILES: usize = 2_048;
/// The longest condition evaluated (a longer one is unknown) and the longest expanded include.
const MOST_CONDITION_CHARS: usize = 512;
const MOST_EXPANDED_CHARS: usize = 4_096;

/// Adds the `PackageReference` and `ProjectReference` items of the nearest imported files whose
/// conditions hold for `project`. A condition on anything but the project's name or path can't
/// be told here, and leaves its items out.
pub fn add_references(index: &RepoIndex, project: &mut Project) {
    let name = project.name.clone().unwrap_or_default();
    let path = project.manifest.clone();
    for imported in IMPORTED {
        let Some(file) = crate::fs::ancestors(&project.dir)
            .map(|dir| crate::fs::join(dir, imported))
            .find(|file| index.has_file(file))
        else {
            continue;
        };
        if index.read(&file).is_none_or(|text| text.len() > MOST_IMPORTED_BYTES) {
            continue;
        }
        let items = super::super::formats::with_xml(index, &file, |root| {
            // `<Choose>`'s `<Otherwise>` holds where none of its `<When>`s does: not told here.
            let applies = |node: roxmltree::Node| {
                node.ancestors().all(|a| {
                    a.tag_name().name() != "Otherwise"
                        && a.attribute("Condition")
                            .is_none_or(|condition| holds(condition, &name, &path) == Some(true))
                })
            };
            let properties: BTreeMap<&str, &str> = root
                .descendants()
                .filter(|n| n.parent().is_some_and(|p| p.tag_name().name() == "PropertyGroup") && applies(*n))
                .filter_map(|n| Some((n.tag_name().name(), n.text()?.trim())))
                .collect();
            root.descendants()
                .filter(|n| matches!(n.tag_name().name(), "PackageReference" | "ProjectReference") && applies(*n))
                .filter_map(|n| {
                    let include = n.attribute("Include")?;
                    Some((
                        n.tag_name().name() == "ProjectReference",
                        expand(include, &properties, &file),
                    ))
                })
                .take(MOST_ITEMS)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
        let mut globs = 0;
        for (is_project, include) in items {
            // An item lists several with `;`; one whose property was not found is not a name.
            let includes = include
                .split(';')
                .map(str::trim)
                .filter(|i| !i.is_empty() && !i.contains("$("));
            let names: Vec<String> = if is_project {
                includes
                    .flat_map(|include| referenced_projects(index, &project.dir, include, &mut globs))
                    .collect()
            } else {
                includes.map(str::to_string).collect()
            };
            for reference in names {
                if project.dep(&reference).is_none() {
                    project.add_dep(&reference, Scope::Runtime, &file);
                }
            }
        }
    }
}

/// `include` with the `$(Name)` properties of its file put in, `$(MSBuildThisFileDirectory)`
/// being that file's folder.
fn expand(include: &str, properties: &BTreeMap<&str, &str>, file: &str) -> String {
    static PROPERTY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\$\((\w+)\)").unwrap());
    let this_dir = crate::fs::parent(file);
    let mut text = include.to_string();
    // Properties may name others (`$(BBDomainPath)` is `$(MSBuildThisFileDirectory)\…`); one
    // that grows past any real path (a property of many copies of another) stays unexpanded.
    for _ in 0..4 {
        let next = PROPERTY.replace_all(&text, |c: &regex::Captures| match &c[1] {
            "MSBuildThisFileDirectory" => format!("//{this_dir}/"),
            name => properties.get(name).map_or(c[0].to_string(), |v| v.to_string()),
        });
        if next.len() > MOST_EXPANDED_CHARS {
            return include.to_string();
        }
        if next == text {
            break;
        }
        text = next.into_owned();
    }
    text
}

/// The names of the project files an expanded `ProjectReference` path names, relative to the
/// project's folder (or, after `//`, to the repository root); globs allowed, `globs` counting
/// those resolved from one file ([`MOST_GLOBS`]).
fn referenced_projects(index: &RepoIndex, project_dir: &str, include: &str, globs: &mut usize) -> Vec<String> {
    let include = include.replace('\\', "/");
    let path = match include.split_once("//") {
        Some((_, from_root)) => crate::fs::lexically_normal(from_root),
        None => crate::fs::lexically_normal(&crate::fs::join(project_dir, &include)),
    };
    let path = path.trim_start_matches("./").to_string();
    if path.starts_with("..") || path.starts_with('/') {
        return Vec::new();
    }
    let stem = |p: &str| crate::fs::stem(p).to_string();
    if !path.contains(['*', '?', '[']) {
        return vec![stem(&path)];
    }
    *globs += 1;
    if *globs > MOST_GLOBS {
        return Vec::new();
    }
    let Ok(glob) = globset::GlobBuilder::new(&path).literal_separator(true).build() else {
        return Vec::new();
    };
    let glob = glob.compile_matcher();
    let literal = path.split(['*', '?', '[']).next().unwrap_or("");
    let base = crate::fs::parent(literal.trim_end_matches('/'));
    let base = if literal.ends_with('/') {
        literal.trim_end_matches('/')
    } else {
        base
    };
    index
        .few_files_below(if base.is_empty() { "." } else { base }, MOST_GLOB_FILES)
        .unwrap_or_default()
        .into_iter()
        .filter(|f| glob.is_match(f))
        .map(stem)
        .collect()
}

/// Whether an MSBuild condition holds for the project: `None` where it asks anything but the
/// project's name or path. `and`, `or`, `!` and parentheses combine such tests as MSBuild
/// does, so `$(A) and $(B)` is false when either is known to be false.
fn holds(condition: &str, name: &str, path: &str) -> Option<bool> {
    // Nesting is bounded by the length: each level is a `(` token.
    if condition.len() > MOST_CONDITION_CHARS {
        return None;
    }
    static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?xi)
            \$\(\w+\.\w+\('[^']*'\)\)        # $(MSBuildProjectName.EndsWith('API'))
            | '[^']*'\s*(?:==|!=)\s*'[^']*'  # '$(MSBuildProjectName)' == 'Web'
            | \b(?:and|or)\b | ! | \( | \)
            | [^\s()!]+(?:\([^()]*\))?        # anything else: Exists('…'), $(Flag)",
        )
        .unwrap()
    });
    let tokens: Vec<&str> = TOKEN.find_iter(condition).map(|m| m.as_str()).collect();
    let mut at = 0;
    let value = either(&tokens, &mut at, name, path);
    // Text left over is a shape this reader does not know.
    if at == tokens.len() { value } else { None }
}

fn either(tokens: &[&str], at: &mut usize, name: &str, path: &str) -> Option<bool> {
    joined(tokens, at, name, path, ("or", true), both)
}

fn both(tokens: &[&str], at: &mut usize, name: &str, path: &str) -> Option<bool> {
    joined(tokens, at, name, path, ("and", false), unary)
}

/// Operands of `operand`'s level joined by `word`, in three-valued logic: one operand of the
/// `absorbing` value (true for `or`) decides; else the result is known when every operand is.
fn joined(
    tokens: &[&str],
    at: &mut usize,
    name: &str,
    path: &str,
    (word, absorbing): (&str, bool),
    operand: fn(&[&str], &mut usize, &str, &str) -> Option<bool>,
) -> Option<bool> {
    let mut value = operand(tokens, at, name, path);
    while tokens.get(*at).is_some_and(|t| t.eq_ignore_ascii_case(word)) {
        *at += 1;
        let next = operand(tokens, at, name, path);
        value = if value == Some(absorbing) || next == Some(absorbing) {
            Some(absorbing)
        } else if value.is_some() && next.is_some() {
            Some(!absorbing)
        } else {
            None
        };
    }
    value
}

fn unary(tokens: &[&str], at: &mut usize, name: &str, path: &str) -> Option<bool> {
    let token = *tokens.get(*at)?;
    *at += 1;
    match token {
        "!" => unary(tokens, at, name, path).map(|v| !v),
        "(" => {
            let value = either(tokens, at, name, path);
            if tokens.get(*at) == Some(&")") {
                *at += 1;
                value
            } else {
                None
            }
        }
        atom => test(atom, name, path),
    }
}

/// One test of the project's name or path.
fn test(atom: &str, name: &str, path: &str) -> Option<bool> {
    static CALL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\$\((MSBuildProject\w+)\.(EndsWith|StartsWith|Contains|Equals)\('([^'$]*)'\)\)$").unwrap()
    });
    static COMPARED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^'\$\((MSBuildProject\w+)\)'\s*(==|!=)\s*'([^'$]*)'$").unwrap());
    let property = |property: &str| match property {
        "MSBuildProjectName" => Some(name),
        "MSBuildProjectFile" => Some(crate::fs::file_name(path)),
        "MSBuildProjectFullPath" => Some(path),
        "MSBuildProjectDirectory" => Some(crate::fs::parent(path)),
        _ => None,
    };
    // MSBuild sees a path whole (`C:\src\Shop\Web`), archprompt its end from the repository's
    // root, with `/`: only what a path contains or ends with is told the same.
    let whole_path = |property: &str| matches!(property, "MSBuildProjectFullPath" | "MSBuildProjectDirectory");
    if let Some(call) = CALL.captures(atom) {
        let value = property(&call[1])?;
        let text = call[3].replace('\\', "/");
        return match &call[2] {
            "EndsWith" => Some(value.ends_with(&text)),
            "Contains" => Some(value.contains(&text)),
            _ if whole_path(&call[1]) => None,
            "StartsWith" => Some(value.starts_with(&text)),
            _ => Some(value == text),
        };
    }
    let compared = COMPARED.captures(atom)?;
    if whole_path(&compared[1]) {
        return None;
    }
    // MSBuild compares strings without regard to case.
    let equal = property(&compared[1])?.eq_ignore_ascii_case(&compared[3]);
    Some(equal == (&compared[2] == "=="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_on_the_project_name_or_path() {
        let path = "src/Modules/Meetings/Infrastructure/Meetings.Infrastructure.csproj";
        let name = "Meetings.Infrastructure";
        let holds = |condition: &str| holds(condition, name, path);
        assert_eq!(holds("$(MSBuildProjectName.EndsWith('Infrastructure'))"), Some(true));
        assert_eq!(holds("$(MSBuildProjectName.EndsWith('API'))"), Some(false));
        assert_eq!(holds("!$(MSBuildProjectName.EndsWith('API'))"), Some(true));
        assert_eq!(holds("$(MSBuildProjectFullPath.Contains('Tests'))"), Some(false));
        assert_eq!(
            holds(" '$(MSBuildProjectName)' == 'meetings.infrastructure' "),
            Some(true)
        );
        assert_eq!(holds("'$(MSBuildProjectName)' != 'Web'"), Some(true));
        assert_eq!(
            holds(
                "$(MSBuildProjectFullPath.Contains('Modules')) and ($(MSBuildProjectName.EndsWith('UnitTests')) or $(MSBuildProjectName.EndsWith('Infrastructure')))"
            ),
            Some(true)
        );
        assert_eq!(
            holds(
                "$(MSBuildProjectFullPath.Contains('BuildingBlocks')) and $(MSBuildProjectName.EndsWith('Infrastructure'))"
            ),
            Some(false)
        );
        // Other properties are not known here; `and` with a known false is still false.
        assert_eq!(holds("'$(IsTestProject)' == 'true'"), None);
        assert_eq!(holds("$(TargetFramework.StartsWith('net8'))"), None);
        assert_eq!(holds("Exists('$(StyleCopFile)')"), None);
        assert_eq!(holds("'$(TestProject)' == 'true' or '$(OutputType)' == 'Exe'"), None);
        assert_eq!(
            holds("$(MSBuildProjectName.EndsWith('API')) and '$(X)' == 'y'"),
            Some(false)
        );
        assert_eq!(
            holds("$(MSBuildProjectFullPath.Contains('src$([System.IO.Path]::DirectorySeparatorChar)Tests'))"),
            None
        );
    }

    #[test]
    fn what_cannot_be_told_is_unknown_and_hostile_shapes_stay_cheap() {
        let path = "src/Web/Shop.Web.csproj";
        let holds = |condition: &str| holds(condition, "Shop.Web", path);
        // `and` binds before `or`.
        assert_eq!(
            holds(
                "$(MSBuildProjectName.EndsWith('Web')) or $(MSBuildProjectName.EndsWith('X')) and $(MSBuildProjectName.EndsWith('Y'))"
            ),
            Some(true)
        );
        // MSBuild's paths are absolute and use the system's separator.
        assert_eq!(holds("$(MSBuildProjectFullPath.StartsWith('src'))"), None);
        assert_eq!(holds("'$(MSBuildProjectDirectory)' == 'src/Web'"), None);
        assert_eq!(holds("$(MSBuildProjectDirectory.Contains('src\\Web'))"), Some(true));
        // Nesting deep enough to overflow a stack is refused by its length.
        let deep = format!(
            "{}$(MSBuildProjectName.EndsWith('Web')){}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(holds(&deep), None);
        // A property of many copies of another does not grow past a path's length.
        let copies = "$(A)".repeat(200);
        let properties = BTreeMap::from([("A", "$(B)$(B)$(B)$(B)"), ("B", copies.as_str())]);
        assert!(expand(&copies, &properties, "Directory.Build.props").contains("$("));
    }

    #[test]
    fn choose_otherwise_and_unexpanded_includes_are_left_out() {
        let props = r#"<Project>
  <Choose>
    <When Condition="$(MSBuildProjectName.EndsWith('Api'))"><ItemGroup><PackageReference Include="Npgsql" /></ItemGroup></When>
    <Otherwise><ItemGroup><PackageReference Include="Microsoft.Data.SqlClient" /></ItemGroup></Otherwise>
  </Choose>
  <ItemGroup><PackageReference Include="$(Missing);Serilog; Dapper" /></ItemGroup>
</Project>"#;
        let (_dir, index) = crate::repo::index::test_index(&[
            ("Directory.Build.props", props),
            (
                "src/Shop.Api/Shop.Api.csproj",
                "<Project Sdk=\"Microsoft.NET.Sdk\"></Project>",
            ),
        ]);
        let file = "src/Shop.Api/Shop.Api.csproj";
        let mut project = Project::new(
            crate::fs::parent(file),
            crate::ecosystems::project::Ecosystem::Dotnet,
            file,
        );
        project.name = Some("Shop.Api".to_string());
        add_references(&index, &mut project);
        assert!(project.dep("Npgsql").is_some(), "the When that holds");
        assert!(
            project.dep("Microsoft.Data.SqlClient").is_none(),
            "Otherwise is not told"
        );
        assert!(
            project.dep("Serilog").is_some() && project.dep("Dapper").is_some(),
            "a `;` list"
        );
        assert!(project.deps.keys().all(|d| !d.contains("$(")), "no unexpanded name");
    }

    #[test]
    fn references_of_the_nearest_imported_files_under_conditions_that_hold() {
        let packages = r#"<Project>
  <ItemGroup><PackageReference Include="StyleCop.Analyzers" /></ItemGroup>
  <ItemGroup Condition="$(MSBuildProjectName.EndsWith('Infrastructure'))">
    <PackageReference Include="Microsoft.EntityFrameworkCore.SqlServer" Version="8.0.0" />
  </ItemGroup>
  <ItemGroup Condition="$(MSBuildProjectName.EndsWith('API'))">
    <PackageReference Include="Swashbuckle.AspNetCore" />
  </ItemGroup>
  <ItemGroup Condition="'$(UseNpgsql)' == 'true'"><PackageReference Include="Npgsql" /></ItemGroup>
</Project>"#;
        let targets = r#"<Project>
  <PropertyGroup><Shared>$(MSBuildThisFileDirectory)\Shared\Shop.Shared.csproj</Shared></PropertyGroup>
  <ItemGroup Condition="$(MSBuildProjectName.EndsWith('API'))">
    <ProjectReference Include="..\Modules\**\*.Infrastructure.csproj" />
    <ProjectReference Include="$(Shared)" />
  </ItemGroup>
</Project>"#;
        let csproj = r#"<Project Sdk="Microsoft.NET.Sdk"></Project>"#;
        let (_dir, index) = crate::repo::index::test_index(&[
            (
                "Directory.Packages.props",
                "<Project><ItemGroup><PackageReference Include=\"Far\" /></ItemGroup></Project>",
            ),
            ("src/Directory.Packages.props", packages),
            ("src/Directory.Build.targets", targets),
            ("src/Infrastructure/Shop.Infrastructure.csproj", csproj),
            ("src/Modules/Orders/Orders.Infrastructure.csproj", csproj),
            ("src/Modules/Orders/Orders.Domain.csproj", csproj),
            ("src/Api/Shop.API.csproj", csproj),
        ]);
        let read = |file: &str| {
            let mut project = Project::new(
                crate::fs::parent(file),
                crate::ecosystems::project::Ecosystem::Dotnet,
                file,
            );
            project.name = Some(crate::fs::stem(file).to_string());
            add_references(&index, &mut project);
            project
        };
        let project = read("src/Infrastructure/Shop.Infrastructure.csproj");
        let sql = project
            .dep("Microsoft.EntityFrameworkCore.SqlServer")
            .expect("the Infrastructure group's");
        assert_eq!(sql.file, "src/Directory.Packages.props");
        assert!(project.dep("StyleCop.Analyzers").is_some());
        assert!(
            project.dep("Swashbuckle.AspNetCore").is_none(),
            "the API group's condition fails"
        );
        assert!(
            project.dep("Npgsql").is_none(),
            "a condition on another property is not taken"
        );
        assert!(project.dep("Far").is_none(), "only the nearest file is imported");
        assert!(project.dep("Orders.Infrastructure").is_none());
        let api = read("src/Api/Shop.API.csproj");
        assert!(
            api.dep("Orders.Infrastructure").is_some(),
            "a glob, from the project's folder"
        );
        assert!(api.dep("Orders.Domain").is_none());
        assert!(
            api.dep("Shop.Shared").is_some(),
            "a property, from the imported file's folder"
        );
    }
}
