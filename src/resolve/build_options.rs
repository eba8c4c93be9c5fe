//! Options a project always builds with, and the program it builds. A server that compiles only
//! with a feature or tag (`cargo build --features sqlite`, `go build -tags production`) needs it in
//! its dev, test and build commands too; a Go module with several `cmd/*` programs runs the one
//! its own build lines build (`go build ./cmd/backend`), not the first by name. Both are read from
//! the lines the project itself runs: CI steps, its guides, its task recipes, its Dockerfiles.

use super::context::Ctx;
use crate::detect::knowledge::BuildOptions;
use crate::report::{Evidence, Field, FieldName, State};
use std::collections::BTreeMap;

/// One invocation of the ecosystem's build tool in a line the project runs.
struct Invocation {
    /// Whether the command builds programs (`go build`, not `go run` of a seeder).
    builds_programs: bool,
    /// The option's value (`sqlite,mysql`), when one of `[toolchain.build_options] options` is given.
    value: Option<String>,
    /// Directory arguments (`./cmd/backend`), as the packages or programs built.
    targets: Vec<String>,
    file: String,
    line: usize,
    text: String,
}

impl Invocation {
    fn evidence(&self, what: &str) -> Evidence {
        Evidence::new(&self.file, format!("line {}: {what} `{}`", self.line, self.text))
    }
}

/// Adds the options every invocation carries to the dev, test and build commands, and moves the
/// dev command to the program the build lines build.
pub(super) fn apply(ctx: &Ctx, fields: &mut BTreeMap<FieldName, Field>) {
    let Some(options) = &ctx.registry.toolchain(ctx.backend.project.ecosystem).build_options else {
        return;
    };
    let invocations = invocations(ctx, options);
    if invocations.is_empty() {
        return;
    }
    run_the_built_program(ctx, &invocations, fields);
    // Required only when no line builds without it; of the values, the smallest set (a CI
    // matrix of `sqlite`, `mysql`, `sqlite,mysql,postgresql` compiles with `sqlite`).
    if invocations.iter().any(|i| i.value.is_none()) {
        return;
    }
    let Some(chosen) = invocations
        .iter()
        .min_by_key(|i| i.value.as_deref().map_or(usize::MAX, |v| v.split(',').count()))
    else {
        return;
    };
    let value = chosen.value.clone().unwrap_or_default();
    if let Some(table) = &options.declared_in {
        let manifest = ctx.index.toml(&ctx.backend.project.manifest);
        let declared = manifest
            .as_ref()
            .and_then(|m| m.get(table.as_str()))
            .and_then(toml::Value::as_table);
        if !value.split(',').all(|v| declared.is_some_and(|t| t.contains_key(v))) {
            return;
        }
    }
    let Some(option) = options.options.first() else {
        return;
    };
    for name in [
        FieldName::DevCommand,
        FieldName::MigrationCommand,
        FieldName::TestCommand,
        FieldName::BuildCommand,
    ] {
        let Some(field) = fields.get_mut(&name).filter(|f| f.state == State::Found) else {
            continue;
        };
        let Some(command) = field.value.clone() else {
            continue;
        };
        if options.options.iter().any(|o| command.contains(o.as_str())) {
            continue;
        }
        let Some(with) = insert_after_command(&command, &options.commands, &format!("{option} {value}")) else {
            continue;
        };
        field.value = Some(with);
        field.evidence.push(chosen.evidence("the project builds with"));
    }
}

/// `go run ./cmd/e2etest` when the project's lines build `./cmd/backend` only: that program.
fn run_the_built_program(ctx: &Ctx, invocations: &[Invocation], fields: &mut BTreeMap<FieldName, Field>) {
    // The package directories each build names (`-o ./bin/app` is a file, not one).
    let project = &ctx.backend.project;
    let is_dir = |arg: &str| ctx.index.has_dir(&project.path(arg.trim_start_matches("./")));
    let mut built: Vec<(&str, &Invocation)> = Vec::new();
    for i in invocations.iter().filter(|i| i.builds_programs) {
        let dirs: Vec<&String> = i.targets.iter().filter(|t| is_dir(t)).collect();
        if let [target] = dirs[..] {
            if !built.iter().any(|(b, _)| b == target) {
                built.push((target, i));
            }
        }
    }
    let [(target, only)] = built[..] else {
        return;
    };
    let Some(field) = fields
        .get_mut(&FieldName::DevCommand)
        .filter(|f| f.state == State::Found)
    else {
        return;
    };
    let Some(command) = field.value.clone() else {
        return;
    };
    let mut words: Vec<&str> = command.split(' ').collect();
    let Some(last) = words.last_mut() else {
        return;
    };
    let runs_a_program = last.starts_with("./") && is_dir(last);
    if !runs_a_program || last.trim_end_matches('/') == target {
        return;
    }
    // What named the other program (its `main.go`) no longer stands behind the command.
    let other = project.path(last.trim_start_matches("./"));
    field.evidence.retain(|e| !crate::fs::is_within(&e.file, &other));
    *last = target;
    field.value = Some(words.join(" "));
    field.evidence.push(only.evidence("the project builds this program:"));
}

/// The text after the first of `commands` in `command`, with `extra` put right after it.
fn insert_after_command(command: &str, commands: &[String], extra: &str) -> Option<String> {
    commands.iter().find_map(|c| {
        let at = find_words(command, c)?;
        let end = at + c.len();
        Some(format!("{} {extra}{}", &command[..end], &command[end..]))
    })
}

/// Where `words` starts in `line` as whole words.
fn find_words(line: &str, words: &str) -> Option<usize> {
    line.match_indices(words).map(|(i, _)| i).find(|&i| {
        let before = line[..i].chars().last();
        let after = line[i + words.len()..].chars().next();
        before.is_none_or(|c| c.is_whitespace() || c == '(' || c == '`')
            && after.is_none_or(|c| c.is_whitespace() || c == ';' || c == '`')
    })
}

/// Every invocation of the build tool in the lines the project runs, in a stable order: CI,
/// guides, task recipes, Dockerfiles.
fn invocations(ctx: &Ctx, options: &BuildOptions) -> Vec<Invocation> {
    let project = &ctx.backend.project;
    let mut lines: Vec<(String, usize, String)> = Vec::new();
    for doc in ctx.ci.get() {
        lines.push((doc.file.clone(), doc.line, doc.command.clone()));
    }
    for doc in ctx.guides() {
        lines.push((doc.file.clone(), doc.line, doc.command.clone()));
    }
    // Every line of the task files (a Makefile recipe's later lines build too), each with its
    // line number.
    let mut task_files: Vec<&str> = Vec::new();
    for task in project.tasks.iter().chain(ctx.ancestor_tasks.iter().map(|(t, _)| t)) {
        if !task_files.contains(&task.file.as_str()) {
            task_files.push(&task.file);
        }
    }
    for file in task_files {
        if let Some(text) = ctx.index.read(file) {
            let numbered = text
                .lines()
                .enumerate()
                .map(|(n, l)| (file.to_string(), n + 1, l.to_string()));
            lines.extend(numbered);
        }
    }
    let mut dirs = vec![project.dir.as_str()];
    if project.dir != "." {
        dirs.push(".");
    }
    for dir in &dirs {
        let dockerfiles = ctx
            .index
            .files_in(dir)
            .filter(|f| crate::fs::file_name(f).starts_with("Dockerfile"));
        for file in dockerfiles {
            if let Some(text) = ctx.index.read(file) {
                lines.extend(
                    crate::signals::dockerfile::run_lines(&text)
                        .into_iter()
                        .map(|(n, l)| (file.to_string(), n, l)),
                );
            }
        }
    }
    let mut out = Vec::new();
    for (file, line, text) in lines {
        for part in text.split(['\n', ';', '|']).flat_map(|p| p.split("&&")) {
            if let Some(found) = invocation(part.trim(), options) {
                out.push(Invocation {
                    file: file.clone(),
                    line,
                    text: part.trim().to_string(),
                    ..found
                });
            }
        }
    }
    out
}

/// One invocation of the tool in one simple command, if it is one; a line whose option or
/// target is a variable (`--features ${DB}`) says nothing.
fn invocation(part: &str, options: &BuildOptions) -> Option<Invocation> {
    let command = options.commands.iter().find(|c| find_words(part, c).is_some())?;
    let rest = &part[find_words(part, command)? + command.len()..];
    // `cargo install sqlx-cli`: a tool from the registry, unless it installs this checkout.
    let local = options.local_install.as_deref().is_some_and(|o| rest.contains(o));
    if options.registry_installs.contains(command) && !local {
        return None;
    }
    let words = shlex::split(rest).unwrap_or_else(|| rest.split_whitespace().map(str::to_string).collect());
    // A variable (`--features ${DB}`, `./cmd/$APP`) says nothing of what is built.
    let variable = |w: &str| w.contains('$') || w.contains("{{");
    let is_option = |w: &str| options.options.iter().any(|o| o == w);
    // `-tags 'netgo sqlite'` and `--features a,b` alike, as one comma-separated list.
    let list = |v: &str| {
        v.split([' ', ','])
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut value = None;
    let mut targets = Vec::new();
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let given = if is_option(word) {
            words.next().map(String::as_str)
        } else {
            word.split_once('=').filter(|(name, _)| is_option(name)).map(|(_, v)| v)
        };
        if let Some(given) = given {
            // Only plain feature and tag names go into a command line.
            if variable(given)
                || !given
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.,:/+ ".contains(c))
            {
                return None;
            }
            // Repeated options add up, as cargo and go take them.
            value = Some(match value.take() {
                Some(before) => format!("{before},{}", list(given)),
                None => list(given),
            });
        } else if options.skip_with.iter().any(|s| s == word) {
            // Another crate or program of the workspace (`-p xtask`): not the backend's build.
            return None;
        } else if word.starts_with("./") && !word.contains("...") {
            if variable(word) || !word.chars().all(|c| c.is_ascii_alphanumeric() || "_-./".contains(c)) {
                return None;
            }
            targets.push(word.trim_end_matches('/').to_string());
        } else if word.contains('@') || (!word.starts_with(['-', '.']) && word.contains('.') && word.contains('/')) {
            // Another package installed or built by its import path (`go install
            // github.com/…/migrate@latest`): not the project's own build.
            return None;
        }
    }
    Some(Invocation {
        builds_programs: options.program_commands.contains(command),
        value: value.filter(|v| !v.is_empty()),
        targets,
        file: String::new(),
        line: 0,
        text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cargo() -> BuildOptions {
        BuildOptions {
            commands: vec![
                "cargo build".into(),
                "cargo run".into(),
                "cargo test".into(),
                "cargo install".into(),
            ],
            options: vec!["--features".into(), "-F".into()],
            skip_with: vec!["-p".into(), "--package".into()],
            program_commands: Vec::new(),
            declared_in: None,
            registry_installs: vec!["cargo install".into()],
            local_install: Some("--path".into()),
        }
    }

    #[test]
    fn reads_an_option_in_every_spelling_and_skips_variables() {
        let o = cargo();
        let v = |line: &str| invocation(line, &o).map(|i| i.value);
        assert_eq!(
            v("cargo test --profile ci --features sqlite,mysql"),
            Some(Some("sqlite,mysql".into()))
        );
        assert_eq!(
            v("cargo build --features=sqlite --release"),
            Some(Some("sqlite".into()))
        );
        assert_eq!(v("cargo run -F \"a b\""), Some(Some("a,b".into())));
        assert_eq!(v("cargo build --release"), Some(None));
        assert_eq!(
            v("cargo build --features ${DB} --release"),
            None,
            "a variable says nothing"
        );
        assert_eq!(v("cargo test -p xtask"), None, "another crate's build");
        assert_eq!(v("cargo-watch -x run"), None);
        assert_eq!(v("npm run build"), None);
        assert_eq!(
            v("cargo test --features a --features b"),
            Some(Some("a,b".into())),
            "repeated options add up"
        );
        assert_eq!(v("cargo build --features '`id`'"), None, "not a feature name");
        assert_eq!(v("cargo install sqlx-cli --features postgres"), None, "a registry tool");
    }

    #[test]
    fn the_option_goes_right_after_the_command() {
        let o = cargo();
        assert_eq!(
            insert_after_command("cargo test --workspace", &o.commands, "--features sqlite").as_deref(),
            Some("cargo test --features sqlite --workspace")
        );
        assert_eq!(
            insert_after_command("cd server && cargo run", &o.commands, "--features sqlite").as_deref(),
            Some("cd server && cargo run --features sqlite")
        );
        assert_eq!(insert_after_command("just build", &o.commands, "--features x"), None);
    }
}
