//! The placeholders beyond the 11 fields ([`Extra`]): the repository's own tasks for linting,
//! formatting, seeding and the like, the package manager's install command, the folders of each
//! kind, the CI and infrastructure tools its files show, and the code conventions its formatters
//! pin (read by `signals/style.rs`). What fills each is data (`[vocabulary]` of
//! conventions.toml); here are the rules: only what the repository declares or holds is found,
//! `none` needs proof, anything else is unknown.

use super::context::Ctx;
use crate::detect::Registry;
use crate::ecosystems::runner::Runner;
use crate::repo::index::RepoIndex;
use crate::report::{ABSENT_TEXT, Evidence, Extra, Field};
use crate::signals::style;
use std::collections::BTreeMap;

/// What the backend project fills: its declared tasks, its install command and its folders.
pub(super) fn of_backend(ctx: &Ctx) -> BTreeMap<Extra, Field> {
    let vocabulary = &ctx.registry.conventions.vocabulary;
    let mut out = BTreeMap::new();
    for (name, tasks) in &vocabulary.tasks {
        let Some(extra) = Extra::parse(name) else { continue };
        let names: Vec<&str> = tasks.iter().map(String::as_str).collect();
        let compiling = vocabulary.compiling.contains(name);
        if let Some(found) = super::commands::declared_task(ctx, &names, compiling) {
            out.insert(extra, found);
        }
    }
    if let Some(install) = install_command(ctx.registry, ctx.runner) {
        out.insert(Extra::InstallCommand, install);
    }
    let dir = ctx.backend.project.dir.as_str();
    // A folder of frontend components is the pages' (a React Router app's `app/routes`), not
    // the backend's routes, services or models.
    let backend_code = |d: &str| !super::dirs::looks_like_frontend(ctx.registry, ctx.index, d);
    for (name, dirs) in &vocabulary.dirs.backend {
        if let Some((extra, found)) = existing_dirs(ctx.index, name, dir, dirs, backend_code) {
            out.insert(extra, found);
        }
    }
    let language = ctx.registry.toolchain(ctx.backend.project.ecosystem).code_extensions();
    out.extend(code_style(ctx.registry, ctx.index, dir, language));
    out
}

/// What the repository as a whole fills: root folders, tools shown by their files, and a
/// Dockerfile's build.
pub(super) fn of_repository(registry: &Registry, index: &RepoIndex, backend_dir: &str) -> BTreeMap<Extra, Field> {
    let vocabulary = &registry.conventions.vocabulary;
    let mut out = BTreeMap::new();
    for (name, dirs) in &vocabulary.dirs.root {
        if let Some((extra, found)) = existing_dirs(index, name, ".", dirs, |_| true) {
            out.insert(extra, found);
        }
    }
    let mut shown: BTreeMap<Extra, (Vec<&str>, Vec<Evidence>)> = BTreeMap::new();
    let mut looked: BTreeMap<Extra, Vec<&str>> = BTreeMap::new();
    for marker in &vocabulary.markers {
        let Some(extra) = Extra::parse(&marker.placeholder) else {
            continue;
        };
        looked.entry(extra).or_default().push(&marker.name);
        let file = marker.files.iter().find_map(|pattern| {
            crate::detect::engine::files_under(index, ".", pattern)
                .into_iter()
                .next()
        });
        if let Some(file) = file {
            let (names, evidence) = shown.entry(extra).or_default();
            names.push(&marker.name);
            evidence.push(Evidence::new(&file, format!("shows {}", marker.name)));
        }
    }
    for (extra, names) in looked {
        let field = match shown.remove(&extra) {
            Some((found, evidence)) => Field::found(found.join(", "), evidence),
            // A folder of its kind with no tool known in it is not proof there is none.
            None if folder_of(extra).is_some_and(|dirs| out.contains_key(&dirs)) => {
                let dirs = folder_of(extra).map_or("", Extra::as_str);
                Field::unknown(format!(
                    "a {dirs} folder exists, but none of {} is in the repository",
                    names.join(", ")
                ))
            }
            None => {
                let why = format!("no file of {} in the repository", names.join(", "));
                Field::absent(ABSENT_TEXT, vec![Evidence::new(".", &why)], why)
            }
        };
        out.insert(extra, field);
    }
    if let Some(build) = docker_build(index, &vocabulary.image_files, backend_dir) {
        out.insert(Extra::DockerBuildCommand, build);
    }
    out
}

/// The conventions formatters and `.editorconfig` pin for the source files of the backend's
/// language (`language`: its extensions; every language's when it has none), with the tools of
/// `[[vocabulary.style]]`.
fn code_style(
    registry: &Registry,
    index: &RepoIndex,
    backend_dir: &str,
    language: &[String],
) -> BTreeMap<Extra, Field> {
    let tools: Vec<style::Tool> = registry
        .conventions
        .vocabulary
        .style
        .iter()
        .map(|t| style::Tool {
            name: &t.tool,
            extensions: &t.extensions,
            files: &t.files,
            embedded: &t.embedded,
            inherits: &t.inherits,
            reads_editorconfig: t.reads_editorconfig,
            keys: &t.keys,
            defaults: &t.defaults,
            overrides: t.overrides.as_ref().map(|o| style::Overrides {
                list: &o.list,
                files: &o.files,
                exclude: o.exclude.as_deref(),
                options: &o.options,
            }),
        })
        .collect();
    match language.first() {
        Some(main) => style::conventions(index, &tools, language, Some(main), backend_dir),
        None => style::conventions(index, &tools, registry.code_extensions(), None, backend_dir),
    }
}

/// The folders placeholder of the kind a tool placeholder names (CI configuration, infrastructure).
fn folder_of(tool: Extra) -> Option<Extra> {
    match tool {
        Extra::CiPlatform => Some(Extra::CiDirs),
        Extra::IacTool | Extra::ContainerRuntime => Some(Extra::InfraDirs),
        _ => None,
    }
}

/// The package manager's install command, run where its lockfile or manifest is.
fn install_command(registry: &Registry, runner: &Runner) -> Option<Field> {
    let command = registry.conventions.vocabulary.install.get(runner.tool.as_str())?;
    let text = match runner.root_dir.as_str() {
        "." | "" => command.clone(),
        dir => format!("cd {dir} && {command}"),
    };
    Some(Field::found(text, vec![runner.evidence.clone()]))
}

/// Which of `dirs` (relative to `base`) exist and are `fit`, as the placeholder `name`'s list.
fn existing_dirs(
    index: &RepoIndex,
    name: &str,
    base: &str,
    dirs: &[String],
    fit: impl Fn(&str) -> bool,
) -> Option<(Extra, Field)> {
    let extra = Extra::parse(name)?;
    let found: Vec<String> = dirs
        .iter()
        .map(|d| crate::fs::join(base, d))
        .filter(|d| index.has_dir(d) && fit(d))
        .collect();
    if found.is_empty() {
        return None;
    }
    let evidence = found.iter().map(|d| Evidence::new(d, "the folder exists")).collect();
    Some((extra, Field::found_list(found, evidence)))
}

/// `docker build` for the Dockerfile of the backend project, else the root's, from the context
/// it is written for: the one of its folder and the folders above it that holds every path it
/// copies. Unknown when none or several do; `none` when the repository has no Dockerfile at all.
fn docker_build(index: &RepoIndex, names: &[String], backend_dir: &str) -> Option<Field> {
    let own = [backend_dir, "."]
        .into_iter()
        .flat_map(|dir| names.iter().map(move |n| crate::fs::join(dir, n)))
        .find(|f| index.has_file(f));
    if let Some(file) = own {
        let text = index.read(&file)?;
        let sources = crate::signals::dockerfile::context_sources(&text);
        let dir = crate::fs::parent(&file);
        // The contexts that hold every copied path; one only, else the build is not told. A
        // Dockerfile that copies nothing by name (`COPY . .`) is built from the root only if it
        // is the root's: below, a monorepo's may need the whole tree.
        let holds_all = |context: &&str| {
            sources.iter().all(|s| {
                let path = crate::fs::join(context, s);
                index.has_file(&path) || index.has_dir(&path)
            })
        };
        let mut contexts = crate::fs::ancestors(dir).filter(holds_all);
        let context = match (contexts.next(), contexts.next()) {
            (Some(context), None) if !sources.is_empty() || dir == "." => context,
            _ => return None,
        };
        let default_name = names.first().is_some_and(|n| n == crate::fs::file_name(&file));
        let flag = match crate::fs::parent(&file) == context && default_name {
            true => String::new(),
            false => format!("-f {file} "),
        };
        let reason = match sources.is_empty() {
            true => "the image's build file".to_string(),
            false => format!("the image's build file; what it copies is in {context}"),
        };
        let text = format!("docker build {flag}{context}");
        return Some(Field::found(text, vec![Evidence::new(&file, reason)]));
    }
    // Any spelling is one: `Dockerfile-dev`, `api.dockerfile`, `prod.Containerfile`.
    let any = index.files.iter().any(|f| {
        let name = crate::fs::file_name(f).as_bytes();
        names.iter().any(|n| contains_ignoring_case(name, n.as_bytes()))
    });
    let why = format!("no file named like {} in the repository", names.join(" or "));
    (!any).then(|| Field::absent_because(".", &why))
}

/// Whether `needle` is in `hay`, ASCII letters in either case: asked of every file's name, so
/// nothing is allocated.
fn contains_ignoring_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some((first, rest)) = needle.split_first() else {
        return true;
    };
    // The first byte alone rules out nearly every place, without a call per place.
    let first = first.to_ascii_lowercase();
    hay.windows(needle.len())
        .any(|w| w[0].to_ascii_lowercase() == first && w[1..].eq_ignore_ascii_case(rest))
}

/// `found` with every other placeholder unknown, its hint saying what was looked for.
pub(super) fn every_one(registry: &Registry, mut found: BTreeMap<Extra, Field>) -> BTreeMap<Extra, Field> {
    for extra in Extra::ALL {
        found
            .entry(extra)
            .or_insert_with(|| Field::unknown(format!("not found; looked for {}", looked_for(registry, extra))));
    }
    found
}

/// What fills `extra`, in words, from the data that does.
fn looked_for(registry: &Registry, extra: Extra) -> String {
    let vocabulary = &registry.conventions.vocabulary;
    let name = extra.as_str();
    let dirs = vocabulary
        .dirs
        .backend
        .get(name)
        .or_else(|| vocabulary.dirs.root.get(name));
    if let Some(tasks) = vocabulary.tasks.get(name) {
        let also = if extra == Extra::DockerBuildCommand {
            "; a Dockerfile of the backend or the root"
        } else {
            ""
        };
        format!("a script or task-runner target named {}{also}", tasks.join(", "))
    } else if let Some(dirs) = dirs {
        format!("a folder {}", dirs.join(", "))
    } else if extra == Extra::InstallCommand {
        "a package manager archprompt knows the install command of".to_string()
    } else if matches!(
        extra,
        Extra::FrontendFramework | Extra::UiLibrary | Extra::StateManagement | Extra::BuildTool
    ) {
        let mut frameworks: Vec<&str> = registry
            .toolchains()
            .flat_map(|(_, t)| t.frontend.ui.iter().filter(|u| !u.site).map(|u| u.name.as_str()))
            .collect();
        frameworks.dedup();
        format!(
            "a browser frontend: a project outside examples, docs and tests that depends on {}",
            frameworks.join(", ")
        )
    } else {
        let tools: Vec<&str> = vocabulary.style.iter().map(|t| t.tool.as_str()).collect();
        format!(
            "a formatter's or linter's configuration that sets it for the backend's source files (.editorconfig, {})",
            tools.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_file_name_is_found_in_any_case_anywhere_in_a_name() {
        for name in ["Dockerfile", "api.dockerfile", "DOCKERFILE-dev", "prod.Dockerfile"] {
            assert!(contains_ignoring_case(name.as_bytes(), b"Dockerfile"), "{name}");
        }
        for name in ["Docker", "ockerfile", "", "docker-compose.yml"] {
            assert!(!contains_ignoring_case(name.as_bytes(), b"Dockerfile"), "{name}");
        }
        assert!(contains_ignoring_case(b"anything", b""));
    }

    #[test]
    fn every_style_setting_is_one_the_reader_knows_and_every_extension_is_code() {
        let registry = Registry::builtin().unwrap();
        let tools = &registry.conventions.vocabulary.style;
        assert!(tools.len() >= 6);
        for tool in tools {
            for setting in tool.keys.keys().chain(tool.defaults.keys()) {
                assert!(style::Setting::parse(setting).is_some(), "{}: {setting}", tool.tool);
            }
            for setting in tool.defaults.keys() {
                assert!(
                    tool.keys.contains_key(setting),
                    "{}: a default of no key {setting}",
                    tool.tool
                );
            }
            for ext in &tool.extensions {
                assert!(registry.code_extensions().contains(ext), "{}: {ext}", tool.tool);
            }
            assert!(!tool.files.is_empty() || !tool.embedded.is_empty(), "{}", tool.tool);
        }
    }
}
