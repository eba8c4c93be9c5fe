//! Java and Kotlin builds: Maven's `pom.xml` (XML, parsed) and Gradle's `build.gradle(.kts)`
//! (Groovy or Kotlin code, so read with rules for the shapes dependency declarations take),
//! with `gradle/libs.versions.toml` catalog references resolved to their modules.
//!
//! Dependencies are named `group:artifact`; build plugins by their plugin id
//! (`org.springframework.boot`), and Maven plugins by `group:artifact` as well.

use super::project::{Ecosystem, Project, Scope};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::OnceLock;

pub fn read_maven(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Jvm, file);
    super::formats::with_xml(index, file, |root| read_pom(&mut project, root, file));
    project
}

pub mod package_manager;

/// The coordinates, dependencies, plugins, modules and Java version of a POM's root.
fn read_pom(project: &mut Project, root: roxmltree::Node, file: &str) {
    // `${quarkus.platform.group-id}` and the like, from the POM's own `<properties>`.
    let properties: Vec<(String, String)> = root
        .children()
        .filter(|c| c.tag_name().name() == "properties")
        .flat_map(|p| p.children().filter(|c| c.is_element()))
        .filter_map(|c| Some((c.tag_name().name().to_string(), c.text()?.trim().to_string())))
        .collect();
    let child = |node: roxmltree::Node, name: &str| -> Option<String> {
        let text = node
            .children()
            .find(|c| c.tag_name().name() == name)
            .and_then(|c| c.text())
            .map(|t| t.trim().to_string())?;
        let resolved = text
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .and_then(|key| properties.iter().find(|(k, _)| k == key))
            .map(|(_, v)| v.clone());
        Some(resolved.unwrap_or(text))
    };
    // Named as other POMs depend on it, `group:artifact` (the group inherited from the parent),
    // so a module that depends on a sibling module finds it.
    let parent_group = root
        .children()
        .find(|c| c.tag_name().name() == "parent")
        .and_then(|p| child(p, "groupId"));
    let group = child(root, "groupId").or(parent_group).unwrap_or_default();
    project.name = child(root, "artifactId").map(|artifact| format!("{group}:{artifact}"));
    let coordinates = |node: roxmltree::Node| -> Option<String> {
        let group = child(node, "groupId").unwrap_or_default();
        let artifact = child(node, "artifactId")?;
        Some(format!("{group}:{artifact}"))
    };
    for element in root.children().filter(|c| c.is_element()) {
        match element.tag_name().name() {
            // `spring-boot-starter-parent` as the parent makes it a Spring Boot build.
            "parent" => {
                if let Some(name) = coordinates(element) {
                    project.add_dep(&name, Scope::Runtime, file);
                }
            }
            "dependencies" => add_maven_deps(project, element, file, &coordinates, &child),
            "build" => {
                let plugins = element.descendants().filter(|n| {
                    n.tag_name().name() == "plugin" && n.parent().is_some_and(|p| p.tag_name().name() == "plugins")
                });
                for plugin in plugins {
                    // A build plugin (Boot's, Quarkus's) marks the framework as much as a dependency.
                    if let Some(name) = coordinates(plugin) {
                        project.add_dep(&name, Scope::Runtime, file);
                    }
                }
            }
            "modules" => {
                project.workspace_members = element
                    .children()
                    .filter(|c| c.tag_name().name() == "module")
                    .filter_map(|c| c.text())
                    .map(|t| t.trim().to_string())
                    .collect();
            }
            "properties" => {
                for key in [
                    "java.version",
                    "maven.compiler.release",
                    "maven.compiler.source",
                    "kotlin.version",
                ] {
                    let found = child(element, key).filter(|v| !v.starts_with("${"));
                    if let (None, Some(version)) = (&project.language_version, found) {
                        let version = if key == "kotlin.version" {
                            format!("kotlin {version}")
                        } else {
                            version
                        };
                        project.language_version = Some((version, file.to_string()));
                    }
                }
            }
            // Profiles add dependencies too (a `postgres` profile with its driver).
            "profiles" => {
                for deps in element.descendants().filter(|n| n.tag_name().name() == "dependencies") {
                    add_maven_deps(project, deps, file, &coordinates, &child);
                }
            }
            _ => {}
        }
    }
}

fn add_maven_deps(
    project: &mut Project,
    deps: roxmltree::Node,
    file: &str,
    coordinates: &dyn Fn(roxmltree::Node) -> Option<String>,
    child: &dyn Fn(roxmltree::Node, &str) -> Option<String>,
) {
    // Only the direct `<dependencies>` of the project or a profile, not `dependencyManagement`.
    if deps
        .parent()
        .is_some_and(|p| p.tag_name().name() == "dependencyManagement")
    {
        return;
    }
    for dep in deps.children().filter(|c| c.tag_name().name() == "dependency") {
        let Some(name) = coordinates(dep) else { continue };
        let scope = match child(dep, "scope").as_deref() {
            Some("test") => Scope::Dev,
            _ => Scope::Runtime,
        };
        project.add_dep(&name, scope, file);
    }
}

/// Every Gradle project: a directory with `build.gradle(.kts)`, or a root with only a
/// `settings.gradle(.kts)`.
/// The Gradle files [`collect_gradle`] is given: the repository's files of these names.
pub const GRADLE_FILES: &[&str] = &[
    "build.gradle",
    "build.gradle.kts",
    "settings.gradle",
    "settings.gradle.kts",
];

pub fn collect_gradle(index: &RepoIndex, files: &[&String]) -> Vec<Project> {
    let mut projects = Vec::new();
    for file in files {
        let name = crate::fs::file_name(file);
        let dir = crate::fs::parent(file);
        let is_build = name == "build.gradle" || name == "build.gradle.kts";
        let is_lone_settings = (name == "settings.gradle" || name == "settings.gradle.kts")
            && !index.has_file(&crate::fs::join(dir, "build.gradle"))
            && !index.has_file(&crate::fs::join(dir, "build.gradle.kts"));
        if is_build || is_lone_settings {
            projects.push(read_gradle(index, dir, file));
        }
    }
    projects
}

/// The shapes Gradle build files declare dependencies, plugins and the Java version in.
struct GradleRules {
    dep: Regex,
    catalog: Regex,
    plugin: Regex,
    kotlin_or_applied: Regex,
    plugin_alias: Regex,
    version: Regex,
    project_dep: Regex,
}

fn gradle_rules() -> &'static GradleRules {
    static RE: OnceLock<GradleRules> = OnceLock::new();
    RE.get_or_init(|| {
        // `implementation("g:a:v")`, `testImplementation 'g:a'`, `kapt(platform("g:a:v"))`.
        // The configurations a dependency is declared in, the pre-Gradle-7 `compile`,
        // `runtime` and `testCompile` too.
        const CONF: &str = r"(?P<conf>[a-zA-Z]*(?:[iI]mplementation|[aA]pi|[cC]ompileOnly|[rR]untimeOnly|[aA]nnotationProcessor|kapt|ksp|compile|runtime|testCompile|testRuntime|developmentOnly))";
        let dep = Regex::new(&format!(
            r#"(?m)^\s*{CONF}\b\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?["'](?P<group>[\w.\-]+):(?P<artifact>[\w.\-]+)"#
        ))
        .expect("valid regex");
        // `implementation(libs.spring.boot.starter.web)`, `implementation libs.bundles.ktor`.
        let catalog = Regex::new(
            r#"(?m)^\s*(?P<conf>[a-zA-Z]*(?:[iI]mplementation|[aA]pi|[cC]ompileOnly|[rR]untimeOnly|[aA]nnotationProcessor|kapt|ksp|developmentOnly))\b\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?libs\.(?P<alias>[\w.]+)"#,
        )
        .expect("valid regex");
        // `id("org.springframework.boot")`, `id 'io.quarkus'`, `kotlin("jvm")`, `alias(libs.plugins.ktor)`.
        // A plugin declared `apply false` (a root build listing versions for its subprojects)
        // is not applied there.
        let plugin = Regex::new(r#"(?m)^\s*id\s*\(?\s*["'](?P<id>[\w.\-]+)["']\s*\)?(?P<rest>.*)$"#).expect("valid regex");
        // Also the older `apply plugin: 'org.springframework.boot'`.
        let kotlin = Regex::new(
            r#"(?m)^\s*(?:kotlin\s*\(\s*["'](?P<id>[\w.\-]+)["']\s*\)|apply\s*\(?\s*plugin\s*[:=]\s*["'](?P<applied>[\w.\-]+)["'])"#,
        )
        .expect("valid regex");
        let alias = Regex::new(r#"(?m)^\s*alias\s*\(\s*libs\.plugins\.(?P<alias>[\w.]+)\s*\)"#).expect("valid regex");
        // `jvmToolchain(21)`, `JavaLanguageVersion.of(17)`, `JavaVersion.VERSION_17`.
        let version = Regex::new(
            r#"(?:jvmToolchain\s*\(\s*|JavaLanguageVersion\.of\s*\(\s*|JavaVersion\.VERSION_|sourceCompatibility\s*=\s*['"]?)(?P<v>\d+(?:[._]\d+)?)"#,
        )
        .expect("valid regex");
        let project_dep = Regex::new(&format!(
            r#"(?m)^\s*{CONF}\b\s*\(?\s*project\s*\(\s*(?:path\s*[:=]\s*)?["'](?P<path>:?[\w.\-:]+)["']"#
        ))
        .expect("valid regex");
        GradleRules {
            project_dep,
            dep,
            catalog,
            plugin,
            kotlin_or_applied: kotlin,
            plugin_alias: alias,
            version,
        }
    })
}

fn scope_of(configuration: &str) -> Scope {
    if configuration.starts_with("test") || configuration.starts_with("androidTest") {
        Scope::Dev
    } else {
        Scope::Runtime
    }
}

fn read_gradle(index: &RepoIndex, dir: &str, file: &str) -> Project {
    let mut project = Project::new(dir, Ecosystem::Jvm, file);
    project.name = Some(crate::fs::file_name(if dir == "." { "" } else { dir }).to_string()).filter(|n| !n.is_empty());
    let Some(text) = index.read(file) else {
        return project;
    };
    let catalog = Catalog::find(index, dir);
    let GradleRules {
        dep,
        catalog: by_alias,
        plugin,
        kotlin_or_applied: kotlin,
        plugin_alias,
        version,
        project_dep,
    } = gradle_rules();
    for c in dep.captures_iter(&text) {
        let name = format!("{}:{}", &c["group"], &c["artifact"]);
        project.add_dep(&name, scope_of(&c["conf"]), file);
    }
    // `implementation(project(":shared"))`: a sibling subproject, by its directory name.
    for c in project_dep.captures_iter(&text) {
        let name = c["path"].rsplit(':').next().unwrap_or(&c["path"]).to_string();
        project.add_dep(&name, scope_of(&c["conf"]), file);
    }
    if let Some(catalog) = &catalog {
        for c in by_alias.captures_iter(&text) {
            let scope = scope_of(&c["conf"]);
            for module in catalog.libraries(&c["alias"]) {
                project.add_dep(&module, scope, &catalog.file);
            }
        }
        for c in plugin_alias.captures_iter(&text) {
            if let Some(id) = catalog.plugin(&c["alias"]) {
                project.add_dep(&id, Scope::Runtime, &catalog.file);
            }
        }
    }
    for c in plugin.captures_iter(&text) {
        if !c["rest"].contains("apply false") {
            project.add_dep(&c["id"], Scope::Runtime, file);
        }
    }
    for c in kotlin.captures_iter(&text) {
        let id = match (c.name("id"), c.name("applied")) {
            (Some(kotlin), _) => format!("org.jetbrains.kotlin.{}", kotlin.as_str()),
            (_, Some(applied)) => applied.as_str().to_string(),
            _ => continue,
        };
        project.add_dep(&id, Scope::Runtime, file);
    }
    if let Some(c) = version.captures(&text) {
        project.language_version = Some((c["v"].replace('_', "."), file.to_string()));
    }
    for settings in ["settings.gradle", "settings.gradle.kts"] {
        let settings = crate::fs::join(dir, settings);
        if let Some(text) = index.read(&settings) {
            project.workspace_members = included_projects(&text);
        }
    }
    project
}

/// `include(":app", ":core:db")` / `include 'app'` → `app`, `core/db`.
fn included_projects(settings: &str) -> Vec<String> {
    static INCLUDE: OnceLock<Regex> = OnceLock::new();
    static NAME: OnceLock<Regex> = OnceLock::new();
    let include = INCLUDE.get_or_init(|| Regex::new(r#"(?m)^\s*include\s*\(?([^)\n]*)"#).expect("valid regex"));
    let name = NAME.get_or_init(|| Regex::new(r#"["']:?([\w.\-:]+)["']"#).expect("valid regex"));
    include
        .captures_iter(settings)
        .flat_map(|c| {
            name.captures_iter(c.get(1).map_or("", |m| m.as_str()))
                .map(|n| n[1].replace(':', "/"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The Gradle task path prefix of the project in `dir` (relative to the build root `root`):
/// the name the settings file gives a project it places there (`project(':server-app').projectDir
/// = new File('backend/app')` → `:server-app:`), else the path of its folders (`:backend:app:`).
pub fn gradle_project_path(index: &RepoIndex, root: &str, dir: &str) -> String {
    static PLACED: OnceLock<Regex> = OnceLock::new();
    let placed = PLACED.get_or_init(|| {
        Regex::new(
            r#"project\(\s*["'](?P<name>:[\w:.-]+)["']\s*\)\.projectDir\s*=\s*(?:new\s+File|file)\(\s*(?:rootDir\s*,\s*|settingsDir\s*,\s*)?["'](?:\./)?(?P<dir>[\w./-]+?)/?["']"#,
        )
        .expect("valid regex")
    });
    let named = ["settings.gradle", "settings.gradle.kts"].iter().find_map(|name| {
        let text = index.read(&crate::fs::join(root, name))?;
        placed
            .captures_iter(&text)
            .find(|c| &c["dir"] == dir)
            .map(|c| format!("{}:", &c["name"]))
    });
    named.unwrap_or_else(|| format!(":{}:", dir.replace('/', ":")))
}

/// A Gradle version catalog (`gradle/libs.versions.toml`).
struct Catalog {
    file: String,
    table: std::sync::Arc<toml::Table>,
}

impl Catalog {
    /// The catalog of the build `dir` belongs to: in `dir` or the nearest directory above.
    fn find(index: &RepoIndex, dir: &str) -> Option<Catalog> {
        crate::fs::ancestors(dir).find_map(|d| {
            let file = crate::fs::join(d, "gradle/libs.versions.toml");
            let table = index.toml(&file)?;
            Some(Catalog { file, table })
        })
    }

    /// The accessor `spring.boot.starter.web` names the alias `spring-boot-starter-web` (or
    /// `spring_boot_starter_web`, `spring.boot.starter.web`): Gradle maps `-`, `_`, `.` to `.`.
    fn entry<'a>(section: &'a toml::Table, accessor: &str) -> Option<&'a toml::Value> {
        section
            .iter()
            .find(|(alias, _)| alias.replace(['-', '_'], ".") == accessor)
            .map(|(_, v)| v)
    }

    fn module(spec: &toml::Value) -> Option<String> {
        if let Some(s) = spec.as_str() {
            // `"g:a:1.0"`
            let mut parts = s.split(':');
            return Some(format!("{}:{}", parts.next()?, parts.next()?));
        }
        if let Some(module) = spec.get("module").and_then(toml::Value::as_str) {
            return Some(module.to_string());
        }
        let group = spec.get("group")?.as_str()?;
        let name = spec.get("name")?.as_str()?;
        Some(format!("{group}:{name}"))
    }

    /// The modules an accessor stands for: one library, or every library of a bundle.
    fn libraries(&self, accessor: &str) -> Vec<String> {
        let libraries = self.table.get("libraries").and_then(toml::Value::as_table);
        if let Some(bundle) = accessor.strip_prefix("bundles.") {
            let bundles = self.table.get("bundles").and_then(toml::Value::as_table);
            let members = bundles
                .and_then(|b| Self::entry(b, bundle))
                .and_then(toml::Value::as_array);
            return members
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_str)
                .filter_map(|alias| Self::entry(libraries?, &alias.replace(['-', '_'], ".")))
                .filter_map(Self::module)
                .collect();
        }
        libraries
            .and_then(|l| Self::entry(l, accessor))
            .and_then(Self::module)
            .into_iter()
            .collect()
    }

    fn plugin(&self, accessor: &str) -> Option<String> {
        let plugins = self.table.get("plugins")?.as_table()?;
        let spec = Self::entry(plugins, accessor)?;
        spec.get("id")
            .and_then(toml::Value::as_str)
            .or_else(|| spec.as_str().map(|s| s.split(':').next().unwrap_or(s)))
            .map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maven_dependencies_plugins_modules_and_version() {
        let pom = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-parent</artifactId></parent>
  <artifactId>shop</artifactId>
  <properties><java.version>21</java.version><fw.group>org.flywaydb</fw.group></properties>
  <modules><module>api</module></modules>
  <dependencyManagement><dependencies><dependency><groupId>x</groupId><artifactId>bom</artifactId></dependency></dependencies></dependencyManagement>
  <dependencies>
    <dependency><groupId>org.postgresql</groupId><artifactId>postgresql</artifactId></dependency>
    <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><scope>test</scope></dependency>
  </dependencies>
  <build><plugins><plugin><groupId>${fw.group}</groupId><artifactId>flyway-maven-plugin</artifactId></plugin></plugins></build>
</project>"#;
        let (_dir, index) = crate::repo::index::test_index(&[("pom.xml", pom)]);
        let p = read_maven(&index, ".", "pom.xml");
        assert_eq!(p.name.as_deref(), Some("org.springframework.boot:shop"));
        assert!(p.dep("org.springframework.boot:spring-boot-starter-parent").is_some());
        assert!(p.dep("org.postgresql:postgresql").is_some());
        assert_eq!(
            p.dep("org.junit.jupiter:junit-jupiter").map(|d| d.scope),
            Some(Scope::Dev)
        );
        assert!(p.dep("org.flywaydb:flyway-maven-plugin").is_some());
        assert!(p.dep("x:bom").is_none());
        assert_eq!(p.workspace_members, vec!["api"]);
        assert_eq!(p.language_version.map(|v| v.0).as_deref(), Some("21"));
    }

    #[test]
    fn gradle_task_paths_follow_projects_the_settings_place() {
        let settings = "include ':server-app'\nproject(':server-app').projectDir = new File('backend/app')\n";
        let (_dir, index) = crate::repo::index::test_index(&[("settings.gradle", settings)]);
        assert_eq!(gradle_project_path(&index, ".", "backend/app"), ":server-app:");
        assert_eq!(gradle_project_path(&index, ".", "backend/data"), ":backend:data:");
    }

    #[test]
    fn gradle_kotlin_dsl_with_a_version_catalog() {
        let build = r#"plugins {
    alias(libs.plugins.spring.boot)
    kotlin("jvm") version "2.0.0"
    id("org.flywaydb.flyway") version "10.0.0"
    id("com.diffplug.spotless") version "6.25.0" apply false
}
apply plugin: 'io.spring.dependency-management'
kotlin { jvmToolchain(21) }
dependencies {
    implementation(libs.spring.boot.starter.web)
    implementation(project(":core:db"))
    implementation(libs.bundles.exposed)
    runtimeOnly("org.postgresql:postgresql:42.7.3")
    testImplementation 'org.testcontainers:postgresql'
    implementation(platform("org.jetbrains.kotlin:kotlin-bom"))
}
"#;
        let catalog = r#"[libraries]
spring-boot-starter-web = { module = "org.springframework.boot:spring-boot-starter-web" }
exposed-core = { group = "org.jetbrains.exposed", name = "exposed-core", version.ref = "exposed" }
exposed-jdbc = "org.jetbrains.exposed:exposed-jdbc:0.50.0"
[bundles]
exposed = ["exposed-core", "exposed_jdbc"]
[plugins]
spring-boot = { id = "org.springframework.boot", version = "3.3.0" }
"#;
        let settings = "rootProject.name = \"shop\"\ninclude(\":app\", \":core:db\")\ninclude 'web'\n";
        let (_dir, index) = crate::repo::index::test_index(&[
            ("build.gradle.kts", build),
            ("gradle/libs.versions.toml", catalog),
            ("settings.gradle.kts", settings),
        ]);
        let p = read_gradle(&index, ".", "build.gradle.kts");
        for dep in [
            "org.springframework.boot:spring-boot-starter-web",
            "org.jetbrains.exposed:exposed-core",
            "org.jetbrains.exposed:exposed-jdbc",
            "org.postgresql:postgresql",
            "org.springframework.boot",
            "org.jetbrains.kotlin.jvm",
            "org.flywaydb.flyway",
            "org.jetbrains.kotlin:kotlin-bom",
            "io.spring.dependency-management",
            "db",
        ] {
            assert!(p.dep(dep).is_some(), "{dep}");
        }
        assert!(p.dep("com.diffplug.spotless").is_none(), "a plugin applied elsewhere");
        assert_eq!(
            p.dep("org.testcontainers:postgresql").map(|d| d.scope),
            Some(Scope::Dev)
        );
        assert_eq!(p.language_version.map(|v| v.0).as_deref(), Some("21"));
        assert_eq!(p.workspace_members, vec!["app", "core/db", "web"]);
        // Pre-Gradle-7 configurations name sibling projects too: the app that links them is
        // the top of the graph.
        let old = "dependencies {\n    compile project(':core-common')\n    testCompile project(':test-support')\n    compile \"org.glassfish.jaxb:jaxb-runtime\"\n}\n";
        let (_dir, index) = crate::repo::index::test_index(&[("app/build.gradle", old)]);
        let p = read_gradle(&index, "app", "app/build.gradle");
        assert_eq!(p.dep("core-common").map(|d| d.scope), Some(Scope::Runtime));
        assert_eq!(p.dep("test-support").map(|d| d.scope), Some(Scope::Dev));
        assert!(p.dep("org.glassfish.jaxb:jaxb-runtime").is_some());
    }
}
