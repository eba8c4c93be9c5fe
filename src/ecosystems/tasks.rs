//! Task names from Makefiles, justfiles and Rakefiles. These formats are code, so these are
//! line-oriented regex readers, tested on the shapes real repositories use; cargo-make and
//! go-task files are TOML and YAML, parsed.

use super::project::{Task, TaskRunner};
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::LazyLock;

static MAKE_TARGET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([A-Za-z0-9][A-Za-z0-9_.\-/ ]*?)\s*::?(?:[^=]|$)").unwrap());
static JUST_RECIPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^@?([A-Za-z_][A-Za-z0-9_\-]*)(?:\s[^:]*)?:(?:[^=]|$)").unwrap());
static JUST_ALIAS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^alias\s+([A-Za-z_][A-Za-z0-9_\-]*)\s*:=\s*([A-Za-z_][A-Za-z0-9_\-]*)").unwrap());

/// One target or recipe of a line-oriented task file.
#[derive(Debug, Clone, PartialEq)]
pub struct Recipe {
    pub name: String,
    /// The first command past messages, argument checks and shell settings.
    pub body: String,
    /// Every command line of the recipe, comments left out.
    pub full: String,
}

/// Each explicit Makefile target, in file order. Pattern rules (`%.o:`), special targets
/// (`.PHONY:`) and variable assignments are skipped.
pub fn make_targets(text: &str) -> Vec<Recipe> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Recipe> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with('\t') || line.starts_with('#') {
            continue;
        }
        let Some(caps) = MAKE_TARGET.captures(line) else {
            continue;
        };
        let (body, full) = recipe_after(&lines, i, |l| l.starts_with('\t'));
        for target in caps[1].split_whitespace() {
            if target.contains('%') || target.starts_with('.') || target.contains('$') {
                continue;
            }
            if !out.iter().any(|r| r.name == target) {
                out.push(Recipe {
                    name: target.to_string(),
                    body: body.clone(),
                    full: full.clone(),
                });
            }
        }
    }
    out
}

static RAKE_TASK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^(\s*)(?:task\s*\(?\s*(?::(?P<sym>[\w:]+)|["'](?P<str>[\w:]+)["']|(?P<key>\w+):\s)|(?:Rake::TestTask|RSpec::Core::RakeTask|Minitest::TestTask)\.(?:new|create)\b\s*\(?\s*(?::(?P<suite>\w+))?)"#).unwrap()
});
static RAKE_NAMESPACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^(\s*)namespace\s*\(?\s*[:"']?(\w+)"#).unwrap());

/// `(task, first line of its block)` for each Rakefile task, namespaced (`assets:precompile`).
/// A `Rake::TestTask` or `RSpec::Core::RakeTask` declares `test` or `spec` unless it names one.
pub fn rake_tasks(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    // Open namespaces with the indentation of their `namespace` line; an `end` at that
    // indentation closes one.
    let mut namespaces: Vec<(usize, String)> = Vec::new();
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if line.trim() == "end" {
            if namespaces.last().is_some_and(|(at, _)| *at == indent) {
                namespaces.pop();
            }
            continue;
        }
        if let Some(caps) = RAKE_NAMESPACE.captures(line) {
            namespaces.push((indent, caps[2].to_string()));
            continue;
        }
        let Some(caps) = RAKE_TASK.captures(line) else {
            continue;
        };
        let name = match (
            caps.name("sym").or(caps.name("str")).or(caps.name("key")),
            caps.name("suite"),
        ) {
            (Some(name), _) | (None, Some(name)) => name.as_str().to_string(),
            (None, None) if line.contains("RSpec") => "spec".to_string(),
            (None, None) => "test".to_string(),
        };
        let prefix: Vec<&str> = namespaces.iter().map(|(_, n)| n.as_str()).collect();
        let full = if prefix.is_empty() {
            name
        } else {
            format!("{}:{name}", prefix.join(":"))
        };
        let body = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .filter(|l| *l != "end")
            .unwrap_or(line.trim());
        if !out.iter().any(|(t, _)| *t == full) {
            out.push((full, body.to_string()));
        }
    }
    out
}

/// Each justfile recipe and alias, in file order.
pub fn just_recipes(text: &str) -> Vec<Recipe> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Recipe> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if let Some(caps) = JUST_ALIAS.captures(line) {
            let body = format!("just {}", &caps[2]);
            out.push(Recipe {
                name: caps[1].to_string(),
                full: body.clone(),
                body,
            });
            continue;
        }
        if line.starts_with(char::is_whitespace) || line.starts_with('#') {
            continue;
        }
        if let Some(caps) = JUST_RECIPE.captures(line) {
            let name = caps[1].to_string();
            if name == "set" || name == "export" || name == "import" || name == "mod" {
                continue;
            }
            let (body, full) = recipe_after(&lines, i, |l| l.starts_with(char::is_whitespace));
            out.push(Recipe { name, body, full });
        }
    }
    out
}

/// The recipe below line `i`: its first command past a message, an argument check or a shell
/// setting (`echo "Usage: …"`, `if [ -z "$(name)" ]; then …; fi`, `set -euxo pipefail`), and
/// every command line.
fn recipe_after(lines: &[&str], i: usize, indented: impl Fn(&str) -> bool) -> (String, String) {
    let mut continued = false;
    let mut commands: Vec<&str> = Vec::new();
    for line in lines[i + 1..].iter().take_while(|l| indented(l) || l.trim().is_empty()) {
        let line = line.trim();
        // `@` (quiet) and `-` (errors ignored) prefix a command, not a continued line's `-v`.
        let command = if continued {
            line
        } else {
            line.trim_start_matches(['@', '-'])
        };
        continued = line.ends_with('\\');
        if !command.is_empty() && !command.starts_with('#') {
            commands.push(command);
        }
    }
    let first = commands.first().copied().unwrap_or("");
    let preamble = |l: &&&str| {
        ["echo ", "printf ", "if [", "[ ", "test ", "set -", "set +"]
            .iter()
            .any(|p| l.starts_with(p))
            || **l == "clear"
    };
    let body = commands.iter().find(|l| !preamble(l)).copied().unwrap_or(first);
    (body.to_string(), commands.join("\n"))
}

/// cargo-make's `[tasks.NAME]` in `Makefile.toml` (TOML, so parsed): name and what it runs.
fn cargo_make_tasks(index: &RepoIndex, file: &str) -> Vec<(String, String)> {
    let Some(table) = index.toml(file) else {
        return Vec::new();
    };
    let Some(tasks) = table.get("tasks").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    tasks
        .iter()
        .map(|(name, spec)| {
            let command = spec.get("command").and_then(toml::Value::as_str).unwrap_or("");
            let args: Vec<&str> = spec
                .get("args")
                .and_then(toml::Value::as_array)
                .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
                .unwrap_or_default();
            let script = spec.get("script").map(|s| match s {
                toml::Value::Array(lines) => lines
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                other => other.as_str().unwrap_or("").to_string(),
            });
            let body = match script {
                Some(script) if command.is_empty() => script,
                _ => std::iter::once(command).chain(args).collect::<Vec<_>>().join(" "),
            };
            // A task that only chains others (`dependencies = [...]`) still does the work.
            let body = if body.trim().is_empty() {
                format!("cargo make {name}")
            } else {
                body
            };
            (name.clone(), body)
        })
        .collect()
}

/// go-task's `tasks:` map: each task's name and its `cmds` joined (a string or `cmd:` entry).
fn taskfile_tasks(index: &RepoIndex, file: &str) -> Vec<(String, String)> {
    let Some(text) = index.read(file) else {
        return Vec::new();
    };
    let doc: serde_json::Value = match serde_saphyr::from_str(&text) {
        Ok(doc) => doc,
        Err(err) => {
            index.unreadable(file, format!("invalid YAML: {err}"));
            return Vec::new();
        }
    };
    let Some(tasks) = doc.get("tasks").and_then(serde_json::Value::as_object) else {
        return Vec::new();
    };
    tasks
        .iter()
        .map(|(name, spec)| {
            let cmds = spec.get("cmds").and_then(serde_json::Value::as_array);
            let lines: Vec<String> = cmds
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    c.as_str()
                        .or_else(|| c.get("cmd").and_then(serde_json::Value::as_str))
                        .map(str::to_string)
                        .or_else(|| {
                            c.get("task")
                                .and_then(serde_json::Value::as_str)
                                .map(|t| format!("task {t}"))
                        })
                })
                .collect();
            // A task given as a bare string or list of strings.
            let body = match spec {
                serde_json::Value::String(s) => s.clone(),
                _ => lines.join("\n"),
            };
            (name.clone(), body)
        })
        .collect()
}

/// Makefile targets, justfile recipes, cargo-make and go-task tasks declared in `dir`.
pub fn runner_tasks(index: &RepoIndex, dir: &str) -> Vec<Task> {
    let mut tasks: Vec<Task> = Vec::new();
    for file in index.files_in(dir) {
        let name = crate::fs::file_name(file);
        let runner = match name {
            "Makefile" | "makefile" | "GNUmakefile" => TaskRunner::Make,
            "Makefile.toml" => TaskRunner::CargoMake,
            "Taskfile.yml" | "Taskfile.yaml" | "taskfile.yml" | "taskfile.yaml" => TaskRunner::Taskfile,
            "Rakefile" | "rakefile" | "Rakefile.rb" => TaskRunner::Rake,
            _ if name.eq_ignore_ascii_case("justfile") || name.eq_ignore_ascii_case(".justfile") => TaskRunner::Just,
            _ => continue,
        };
        let one_command = |pairs: Vec<(String, String)>| -> Vec<Recipe> {
            pairs
                .into_iter()
                .map(|(name, body)| Recipe {
                    name,
                    full: body.clone(),
                    body,
                })
                .collect()
        };
        let targets = match runner {
            TaskRunner::CargoMake => one_command(cargo_make_tasks(index, file)),
            TaskRunner::Taskfile => one_command(taskfile_tasks(index, file)),
            _ => {
                let Some(text) = index.read(file) else {
                    continue;
                };
                match runner {
                    TaskRunner::Make => make_targets(&text),
                    TaskRunner::Rake => one_command(rake_tasks(&text)),
                    _ => just_recipes(&text),
                }
            }
        };
        for recipe in targets {
            if !tasks.iter().any(|t| t.name == recipe.name) {
                let full_recipe = (recipe.full != recipe.body).then_some(recipe.full);
                tasks.push(Task {
                    name: recipe.name,
                    body: recipe.body,
                    runner,
                    file: file.to_string(),
                    full_recipe,
                });
            }
        }
    }
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_targets_skip_specials_patterns_and_assignments() {
        let text = ".PHONY: test run\nPYTHON := python3\nVAR = x\n%.o: %.c\n\tcc $<\n\ntest: deps ## run tests\n\t@$(PYTHON) -m pytest -q\nrun:\n\tflask run --debug\nclean build::\n\trm -rf dist\n";
        let targets = make_targets(text);
        let names: Vec<&str> = targets.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["test", "run", "clean", "build"]);
        assert_eq!(targets[0].body, "$(PYTHON) -m pytest -q");
        assert_eq!(targets[1].body, "flask run --debug");
        // Past a usage check and a message, to what the target runs; a lone message stays.
        let text = "new:\n\t@if [ -z \"${name}\" ]; then echo \"Usage: make new name=x\"; exit 1; fi\n\t@echo creating\n\tgoose -dir db create ${name} sql\nhello:\n\t@echo hi\n";
        let targets = make_targets(text);
        assert_eq!(targets[0].body, "goose -dir db create ${name} sql");
        assert_eq!(targets[1].body, "echo hi");
        // The whole recipe is kept for judging what the target does.
        let text = "dev:\n\tgo build\n\t@echo \"You can now execute ./pgweb\"\n";
        let targets = make_targets(text);
        assert_eq!(targets[0].body, "go build");
        assert_eq!(targets[0].full, "go build\necho \"You can now execute ./pgweb\"");
    }

    #[test]
    fn rake_tasks_with_namespaces_and_test_tasks() {
        let text = "require 'rake'\nRake::TestTask.new do |t|\n  t.pattern = 'test/*_test.rb'\nend\nRSpec::Core::RakeTask.new(:spec)\n\ndesc \"Run specs\"\ntask :ajax do\n  sh \"ruby test_ajax.rb\"\nend\n\nnamespace :assets do\n  desc 'Compile'\n  task :precompile do\n    App.compile_assets\n  end\nend\n\ntask default: [:spec]\ntask 'db:seed' => :environment\n";
        let tasks = rake_tasks(text);
        let names: Vec<&str> = tasks.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            names,
            ["test", "spec", "ajax", "assets:precompile", "default", "db:seed"]
        );
        assert_eq!(tasks[2].1, "sh \"ruby test_ajax.rb\"");
        assert_eq!(tasks[3].1, "App.compile_assets");
    }

    #[test]
    fn just_recipes_with_params_attributes_and_aliases() {
        let text = "set dotenv-load\n\n# run the server\ndev port=\"8000\":\n    cargo watch -x run\n\n[private]\n@test *args: build\n    cargo test {{args}}\nalias t := test\nversion := \"1\"\n";
        let recipes = just_recipes(text);
        let names: Vec<&str> = recipes.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["dev", "test", "t"]);
        assert_eq!(recipes[0].body, "cargo watch -x run");
        assert_eq!(recipes[1].body, "cargo test {{args}}");
        // A shebang recipe: past the shell settings to what it runs.
        let text = "watch:\n    #!/usr/bin/env bash\n    set -euxo pipefail\n    clear\n    cargo run -- serve\n";
        let recipes = just_recipes(text);
        assert_eq!(recipes[0].body, "cargo run -- serve");
        assert_eq!(recipes[0].full, "set -euxo pipefail\nclear\ncargo run -- serve");
    }
}
