//! How a JVM project's commands are run: Maven or Gradle, through the wrapper script when there
//! is one, from the root of the build.

use crate::ecosystems::project::Project;
use crate::ecosystems::runner::{Runner, Tool};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

/// Maven or Gradle, by the build file; the wrapper script (`./mvnw`, `./gradlew`) when the
/// project or a directory above it has one, since that pins the version the build expects. The
/// root is the wrapper's directory, else the top of the multi-project build.
pub fn resolve(index: &RepoIndex, project: &Project) -> Runner {
    let gradle = !project.manifest.ends_with("pom.xml");
    let (name, wrapper, tool) = if gradle {
        (Tool::Gradle, "gradlew", "Gradle")
    } else {
        (Tool::Maven, "mvnw", "Maven")
    };
    let build_files: &[&str] = if gradle {
        &["settings.gradle", "settings.gradle.kts"]
    } else {
        &["pom.xml"]
    };
    let dirs: Vec<&str> = crate::fs::ancestors(&project.dir).collect();
    if let Some(dir) = dirs.iter().find(|d| index.has_file(&crate::fs::join(d, wrapper))) {
        return Runner {
            tool: name,
            wrapper: true,
            display: format!("{tool} (wrapper)"),
            evidence: Evidence::new(crate::fs::join(dir, wrapper), format!("{tool} wrapper")),
            root_dir: dir.to_string(),
            workspace: None,
        };
    }
    // The outermost directory of the build: the settings file (Gradle) or parent POM (Maven).
    let root = dirs
        .iter()
        .rev()
        .find(|d| build_files.iter().any(|f| index.has_file(&crate::fs::join(d, f))))
        .map_or_else(|| project.dir.clone(), |d| d.to_string());
    Runner {
        tool: name,
        wrapper: false,
        display: tool.into(),
        evidence: Evidence::new(&project.manifest, format!("{tool} build file, no wrapper")),
        root_dir: root,
        workspace: None,
    }
}
