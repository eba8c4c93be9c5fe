//! The stack in one line and the variables that describe it: language and version, runtime,
//! the monorepo tool, and the capabilities (cache, queue, auth, API style, containers).

use super::dirs::project_at;
use crate::detect::analysis::Analysis;
use crate::detect::engine::{self};
use crate::detect::{Category, Kind, Registry, Role};
use crate::ecosystems::runner::Runner;
use crate::ecosystems::{Ecosystem, Project, Scope};
use crate::repo::index::RepoIndex;
use crate::report::Evidence;

/// `cache`, `message_queue`, `auth`, `api_style`, `containerization`: the names of the
/// capability detectors that hold for the backend, by category, highest priority first. A cache
/// store among the databases (`caches`: Redis) is a cache too; files of the container setup (Dockerfile,
/// compose) may sit at the repository root above a backend in a sub-directory.
pub(super) fn capability_variables<'a>(
    registry: &'a Registry,
    index: &RepoIndex,
    backend: &Analysis,
    caches: &[&'a str],
) -> Vec<(&'static str, Option<String>)> {
    let root = (backend.project.dir != ".").then(|| project_at(&backend.project, "."));
    Category::ALL
        .iter()
        .map(|&category| {
            let mut names: Vec<&str> = Vec::new();
            if category == Category::Cache {
                names.extend(caches);
                let clients = backend.databases.iter().filter(|h| h.detector.role == Role::Cache);
                names.extend(clients.map(|h| h.detector.name.as_str()));
            }
            let own = backend
                .capabilities
                .iter()
                .filter(|h| h.detector.category == Some(category));
            names.extend(own.map(|h| h.detector.name.as_str()));
            if names.is_empty() && category == Category::Container {
                if let Some(root) = &root {
                    let at_root = registry
                        .of_kind(Kind::Capability)
                        .filter(|d| d.category == Some(category))
                        .filter(|d| engine::matches(d, index, root, registry.test_suffixes()).is_some());
                    names.extend(at_root.map(|d| d.name.as_str()));
                }
            }
            let mut seen = Vec::new();
            names.retain(|n| {
                let new = !seen.contains(n);
                seen.push(*n);
                new
            });
            (category.variable(), (!names.is_empty()).then(|| names.join(", ")))
        })
        .collect()
}

pub(super) fn language_of<'a>(index: &RepoIndex, a: &'a Analysis) -> &'a str {
    // The highest-priority language detector that holds; one with `language_files`
    // (TypeScript) only when the sources are not mostly its neighbour's (JavaScript).
    a.ecosystem_hits
        .iter()
        .filter(|h| h.detector.language)
        .find(|h| {
            let files = h.detector.language_files.as_ref();
            files.is_none_or(|files| !mostly_other(index, &a.project, files))
        })
        .map(|h| h.detector.name.as_str())
        .unwrap_or(a.project.ecosystem.as_str())
}

/// A project whose sources are mostly `.js` is JavaScript, even with a tsconfig that
/// type-checks them (`checkJs`) or a few `.ts` files beside them: more than three `other` files
/// to each `own` one.
pub(super) fn mostly_other(index: &RepoIndex, project: &Project, files: &crate::detect::LanguageFiles) -> bool {
    let ends = |name: &str, endings: &[String]| endings.iter().any(|e| name.ends_with(e.as_str()));
    let prefix = if project.dir == "." {
        String::new()
    } else {
        format!("{}/", project.dir)
    };
    let (mut ts, mut js) = (0usize, 0usize);
    for file in index
        .files
        .range(prefix.clone()..)
        .take_while(|f| f.starts_with(&prefix))
    {
        let name = crate::fs::file_name(file);
        // Tool configs (`jest.config.js`, `.eslintrc.js`) say nothing about the app's language.
        if name.contains(".config.") || name.starts_with('.') || ends(name, &files.ignore) {
            continue;
        }
        if ends(name, &files.own) {
            ts += 1;
        } else if ends(name, &files.other) {
            js += 1;
        }
    }
    js > 3 * ts
}

/// The ecosystem's `[toolchain] runtime`, or the one its package manager implies (Bun, Deno).
pub(super) fn runtime_of<'r>(registry: &'r Registry, a: &Analysis, runner: &Runner) -> &'r str {
    let eco = a.project.ecosystem;
    let toolchain = registry.toolchain(eco);
    let by_runner = toolchain
        .runtimes
        .get(runner.tool.as_str())
        .or(toolchain.runtime.as_ref());
    by_runner.map_or(eco.as_str(), String::as_str)
}

/// The stack in one line: the language (with its declared version), framework, ORM and
/// migration tools, primary database, package manager and monorepo tool. Also the version.
#[allow(clippy::too_many_arguments)]
pub(super) fn tech_stack_of(
    registry: &Registry,
    index: &RepoIndex,
    a: &Analysis,
    all: &[Analysis],
    runner: &Runner,
    language: &str,
    orm: &[&str],
    database: Option<(&str, &Evidence)>,
) -> (String, Vec<Evidence>, Option<String>) {
    let p = &a.project;
    // The language detectors speak for the stack; build detectors (tsc, a Dockerfile) do not.
    let mut evidence: Vec<Evidence> = a
        .ecosystem_hits
        .iter()
        .filter(|h| h.detector.language)
        .flat_map(|h| h.evidence.iter().take(1).cloned())
        .collect();
    let version = p
        .language_version
        .clone()
        .or_else(|| inherited_version(registry, index, p, all))
        .map(|(v, file)| {
            evidence.push(Evidence::new(&file, format!("declares version {v}")));
            spoken_version(&v)
        });
    let runtime = runtime_of(registry, a, runner);
    let mut text = match (p.ecosystem, &version, &p.edition) {
        (Ecosystem::Node, Some(v), _) => format!("{language} on {runtime} {v}"),
        (Ecosystem::Node, None, _) => format!("{language} on {runtime}"),
        (Ecosystem::Python, Some(v), _) => format!("Python {v}"),
        (Ecosystem::Rust, Some(v), Some(edition)) => format!("Rust {v} (edition {edition})"),
        (Ecosystem::Rust, Some(v), None) => format!("Rust {v}"),
        (Ecosystem::Rust, None, Some(edition)) => format!("Rust (edition {edition})"),
        // `net8.0` names the .NET release the C# code targets.
        (Ecosystem::Dotnet, Some(v), _) => format!("{language} on .NET {}", v.trim_start_matches("net")),
        // A Kotlin version is the compiler's, a bare one the Java toolchain's.
        (Ecosystem::Jvm, Some(v), _) if v.starts_with("kotlin ") => format!("Kotlin {}", &v[7..]),
        (Ecosystem::Jvm, Some(v), _) if language == "Java" => format!("Java {v}"),
        (Ecosystem::Jvm, Some(v), _) => format!("{language} (JVM {v})"),
        (Ecosystem::Go | Ecosystem::Ruby | Ecosystem::Php | Ecosystem::Elixir | Ecosystem::Gleam, Some(v), _) => {
            format!("{language} {v}")
        }
        (_, None, _) => language.to_string(),
    };
    if let Some(hit) = a.frameworks.first() {
        text.push_str(&format!(", {}", hit.detector.name));
        evidence.extend(hit.evidence.first().cloned());
    } else if let Some((name, why)) = ui_framework(registry, p) {
        // A browser app: its UI framework is its stack.
        text.push_str(&format!(", {name}"));
        evidence.push(why);
    }
    if !orm.is_empty() {
        text.push_str(&format!(", {}", orm.join(" + ")));
    }
    if let Some((name, why)) = database {
        text.push_str(&format!(", {name}"));
        evidence.push(why.clone());
    }
    text.push_str(&format!(", {}", runner.display));
    evidence.push(runner.evidence.clone());
    // A JavaScript monorepo's task runner is part of how it is built and run.
    for tool in &registry.toolchain(p.ecosystem).workspace_tools {
        let (file, tool) = (tool.file.as_str(), tool.name.as_str());
        if index.has_file(file) {
            text.push_str(&format!(", {tool}"));
            evidence.push(Evidence::new(file, format!("{tool} workspace")));
        }
    }
    (text, evidence, version)
}

/// A version constraint as a person says it: `==3.12.*` → `3.12`, `>=22.13.1` → `22.13.1+`,
/// `^3.11` → `3.11+`, `^20.0.0` → `20`, `^0.2` → `0.2`, `>=3.10,<4` → `3.10+`, `~> 1.15` →
/// `1.15+`, `~> 1.15.0` → `1.15`. Alternatives (`^18 || ^20`), an upper bound below a major
/// (`>=3.8,<3.13`), an upper bound alone, or anything else stay as written.
pub(super) fn spoken_version(constraint: &str) -> String {
    let as_written = || constraint.trim().to_string();
    if constraint.contains("||") {
        return as_written();
    }
    let parts: Vec<(String, &str)> = constraint
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let at = part.find(|c: char| c.is_ascii_digit()).unwrap_or(part.len());
            let (op, rest) = part.split_at(at);
            let op: String = op.chars().filter(|c| !c.is_whitespace()).collect();
            (op, rest.trim().trim_end_matches(".*").trim_end_matches(".x"))
        })
        .collect();
    let plain = |v: &str| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.');
    let Some(((op, version), bounds)) = parts.split_first() else {
        return as_written();
    };
    // Only a bound at a major (`<4`, `<4.0`) says no more than the lower bound does.
    let at_major = |v: &str| trimmed_zeros(v).split('.').count() == 1;
    let upper_at_major = bounds
        .iter()
        .all(|(op, v)| op.starts_with('<') && plain(v) && at_major(v));
    if !plain(version) || op.contains('<') || op.contains('!') || !upper_at_major {
        return as_written();
    }
    let numbers: Vec<&str> = version.split('.').collect();
    match op.trim_start_matches('v') {
        "" | "=" | "==" => version.to_string(),
        ">=" | ">" => format!("{}+", trimmed_zeros(version)),
        // Compatible release: only the last part given may grow (`~> 1.15` → 1.15+, `~> 1.15.0`
        // → 1.15); npm's tilde allows patches (`~1.2.3` → 1.2).
        "~>" | "~=" if numbers.len() == 2 => format!("{version}+"),
        "~>" | "~=" | "~" if numbers.len() >= 2 => numbers[..2].join("."),
        // Caret: up to the first non-zero part is fixed (`^20.0.0` → 20, `^0.2` → 0.2,
        // `^3.11` → 3.11+).
        "^" => {
            let fixed = numbers
                .iter()
                .position(|n| !n.trim_start_matches('0').is_empty())
                .map_or(numbers.len(), |i| i + 1);
            let fixed_part = numbers[..fixed].join(".");
            let given = trimmed_zeros(version);
            if given.split('.').count() <= fixed {
                fixed_part
            } else {
                format!("{given}+")
            }
        }
        _ => as_written(),
    }
}

/// A version without its trailing zero parts (`18.0.0` → `18`; `0` stays).
fn trimmed_zeros(version: &str) -> &str {
    let mut version = version;
    while let Some(shorter) = version.strip_suffix(".0") {
        version = shorter;
    }
    version
}

/// A language version the project does not declare itself but its surroundings do: a parent
/// manifest (workspace root `engines`, `[workspace.package] rust-version`), a version file
/// (`.nvmrc`, `.node-version`, `.python-version`, `rust-toolchain.toml`) in its directory or
/// above, or the `FROM python:3.12` image its Dockerfile builds on.
pub(super) fn inherited_version(
    registry: &Registry,
    index: &RepoIndex,
    p: &Project,
    all: &[Analysis],
) -> Option<(String, String)> {
    let toolchain = registry.toolchain(p.ecosystem);
    let (files, tool) = (&toolchain.version_files, toolchain.asdf.as_deref().unwrap_or(""));
    for dir in crate::fs::ancestors(&p.dir) {
        let parent = all
            .iter()
            .find(|a| a.project.dir == dir && a.project.ecosystem == p.ecosystem && a.project.dir != p.dir);
        if let Some(found) = parent.and_then(|a| a.project.language_version.clone()) {
            return Some(found);
        }
        for name in files {
            let file = crate::fs::join(dir, name);
            if let Some(version) = index.read(&file).and_then(|text| version_in(name, tool, &text)) {
                return Some((version, file));
            }
        }
    }
    if let Some(image) = &toolchain.image {
        let file = p.path("Dockerfile");
        let text = index.read(&file)?;
        let version = image_version(&text, image)?;
        return Some((version, file));
    }
    None
}

/// The version a version file pins: the first line of `.nvmrc` (`v20.8.1` → `20.8.1`),
/// `runtime.txt` (`python-3.11.9`), the `tool` line of asdf's `.tool-versions`
/// (`python 3.11.9`), the channel of `rust-toolchain(.toml)`. Aliases (`lts/iron`, `stable`) are
/// not versions; a nightly toolchain is.
pub(super) fn version_in(name: &str, tool: &str, text: &str) -> Option<String> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let raw = match name {
        "rust-toolchain.toml" => {
            let table: toml::Table = text.parse().ok()?;
            table.get("toolchain")?.get("channel")?.as_str()?.to_string()
        }
        ".tool-versions" => lines.find_map(|l| {
            let (name, version) = l.split_once(char::is_whitespace)?;
            (name == tool).then(|| version.split_whitespace().next().unwrap_or("").to_string())
        })?,
        "runtime.txt" => lines.next()?.trim_start_matches("python-").to_string(),
        _ => lines.next()?.to_string(),
    };
    let version = raw.trim_start_matches('v');
    let is_version =
        version.starts_with(|c: char| c.is_ascii_digit()) || (tool == "rust" && version.starts_with("nightly"));
    is_version.then(|| version.to_string())
}

/// `FROM python:3.12-slim AS base` → `3.12`, for the official `image`.
pub(super) fn image_version(dockerfile: &str, image: &str) -> Option<String> {
    crate::signals::dockerfile::from_images(dockerfile).find_map(|from| {
        let tag = from
            .strip_prefix(image)
            .or_else(|| from.strip_prefix("docker.io/library/")?.strip_prefix(image))?
            .strip_prefix(':')?;
        let version: String = tag.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        (!version.is_empty()).then_some(version)
    })
}

/// The UI framework a browser app is built with (React, Vue, …), from its ecosystem's
/// `[toolchain.frontend] ui` list, with the dependency that shows it.
pub(super) fn ui_framework(registry: &Registry, p: &Project) -> Option<(String, Evidence)> {
    let ui = &registry.toolchain(p.ecosystem).frontend.ui;
    ui.iter().find_map(|f| {
        let dep = p.dep(&f.dep)?;
        let kind = if dep.scope == Scope::Runtime {
            "dependency"
        } else {
            "dev dependency"
        };
        Some((f.name.clone(), Evidence::new(&dep.file, format!("{kind} {}", f.dep))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constraints_are_said_as_a_person_would() {
        for (constraint, spoken) in [
            ("==3.12.*", "3.12"),
            (">=22.13.1", "22.13.1+"),
            ("^3.11", "3.11+"),
            ("^20", "20"),
            (">=18.0.0", "18+"),
            (">=3.10.0", "3.10+"),
            (">=3.10,<4", "3.10+"),
            ("~> 1.15", "1.15+"),
            ("~=3.10", "3.10+"),
            ("3.12.4", "3.12.4"),
            ("1.80", "1.80"),
            ("^18 || ^20", "^18 || ^20"),
            ("20.x || 22.x", "20.x || 22.x"),
            ("~> 1.15.0", "1.15"),
            ("~=3.10.2", "3.10"),
            ("^20.0.0", "20"),
            ("^20.1.0", "20.1+"),
            ("^0.2", "0.2"),
            ("^0.2.3", "0.2.3+"),
            ("~1.2.3", "1.2"),
            (">=3.8,<3.13", ">=3.8,<3.13"),
            (">= 3.10, < 4.0", "3.10+"),
            ("==3.12", "3.12"),
            (">=3.9.*", "3.9+"),
            ("<4", "<4"),
            ("lts/*", "lts/*"),
            ("net8.0", "net8.0"),
            ("kotlin 1.9.24", "kotlin 1.9.24"),
        ] {
            assert_eq!(spoken_version(constraint), spoken, "{constraint}");
        }
    }

    #[test]
    fn versions_from_version_files_and_images() {
        assert_eq!(version_in(".nvmrc", "nodejs", "v20.8.1\n").as_deref(), Some("20.8.1"));
        assert_eq!(version_in(".nvmrc", "nodejs", "lts/iron\n"), None);
        let pinned = "# pinned\n3.12.4\n";
        assert_eq!(
            version_in(".python-version", "python", pinned).as_deref(),
            Some("3.12.4")
        );
        assert_eq!(
            version_in("runtime.txt", "python", "python-3.11.9\n").as_deref(),
            Some("3.11.9")
        );
        let asdf = "nodejs 20.11.1\npython 3.11.9 3.10.4\n";
        assert_eq!(version_in(".tool-versions", "python", asdf).as_deref(), Some("3.11.9"));
        assert_eq!(version_in(".tool-versions", "rust", asdf), None);
        let toolchain = "[toolchain]\nchannel = \"1.82.0\"\ncomponents = [\"clippy\"]\n";
        assert_eq!(
            version_in("rust-toolchain.toml", "rust", toolchain).as_deref(),
            Some("1.82.0")
        );
        let stable = "[toolchain]\nchannel = \"stable\"\n";
        assert_eq!(version_in("rust-toolchain.toml", "rust", stable), None);
        assert_eq!(
            version_in("rust-toolchain", "rust", "nightly\n").as_deref(),
            Some("nightly")
        );
        let dockerfile = "ARG X=1\nFROM --platform=linux/amd64 python:3.12-slim AS base\nRUN true\n";
        assert_eq!(image_version(dockerfile, "python").as_deref(), Some("3.12"));
        assert_eq!(image_version("FROM node:20\n", "python"), None);
    }
}
