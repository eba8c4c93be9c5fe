//! Whether the repository still has what an agent file names: the directories of a directory
//! value, and the script, Make target, Taskfile task or just recipe a command runs.

use std::path::Path;

/// The directories a directory field's value names that do not exist in `repo` (for a glob such
/// as `app/**/tests`, its fixed leading part).
pub fn missing_dirs(repo: &Path, value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|item| item.trim().trim_matches('`').trim())
        .filter(|item| !item.is_empty() && *item != crate::report::ABSENT_TEXT && !item.contains("{{"))
        .filter(|item| {
            let fixed: Vec<&str> = item
                .split('/')
                .take_while(|part| !part.contains(['*', '?', '[', '{']))
                .collect();
            let fixed = fixed.join("/");
            !fixed.is_empty() && !repo.join(&fixed).exists()
        })
        .map(str::to_string)
        .collect()
}

/// A task a command runs that its runner's file does not define.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MissingTask {
    /// `npm run dev`, `make test`: the part of the command that names the task.
    pub command: String,
    pub task: String,
    /// The file that should define it, repo-relative.
    pub looked_in: String,
}

/// The scripts and Make or just targets `command` runs that do not exist. Only forms whose
/// meaning is certain are checked: `npm|pnpm|yarn|bun run S`, `npm|pnpm|yarn test|start`,
/// `pnpm|yarn|bun S:X` (no built-in command has a colon),
/// `deno task T`, `make [-C DIR] [-f FILE] T`, `task T` and `just R`, each in the directory a leading `cd DIR &&` moves
/// to. A Makefile that includes others, a Taskfile with includes or a justfile that imports could
/// define anything and is not checked.
pub fn missing_tasks(repo: &Path, command: &str) -> Vec<MissingTask> {
    let mut out = Vec::new();
    let mut dir = String::new();
    for part in command
        .split("&&")
        .flat_map(|p| p.split(';'))
        .flat_map(|p| p.split("||"))
    {
        let words: Vec<&str> = part.split_whitespace().collect();
        match words.as_slice() {
            ["cd", target] => {
                dir = join(&dir, target);
                continue;
            }
            [runner @ ("npm" | "pnpm" | "yarn" | "bun"), rest @ ..] => {
                if let Some(task) = script_named(runner, rest) {
                    let file = join(&dir, "package.json");
                    // Without a start script npm runs `node server.js`.
                    let default_start = task == "start" && repo.join(join(&dir, "server.js")).is_file();
                    if let Some(scripts) = package_scripts(repo, &file) {
                        if !scripts.iter().any(|s| s == task) && !default_start {
                            out.push(missing(part, task, file));
                        }
                    }
                }
            }
            ["make", rest @ ..] => {
                let (sub, named, targets) = make_args(rest);
                let base = join(&dir, sub.unwrap_or(""));
                let names: Vec<&str> = match named {
                    Some(file) => vec![file],
                    None => vec!["GNUmakefile", "makefile", "Makefile"],
                };
                let Some((file, text)) = names
                    .iter()
                    .map(|name| join(&base, name))
                    .find_map(|file| read(repo, &file).map(|t| (file, t)))
                else {
                    continue;
                };
                let open_ended = text.lines().any(|l| {
                    let l = l.trim_start();
                    l.starts_with("include ")
                        || l.starts_with("-include ")
                        || l.starts_with("sinclude ")
                        || l.starts_with("%:")
                });
                if open_ended {
                    continue;
                }
                let defined = crate::ecosystems::tasks::make_targets(&text);
                for target in targets {
                    if !defined.iter().any(|r| r.name == *target) {
                        out.push(missing(part, target, file.clone()));
                    }
                }
            }
            ["deno", "task", name, ..] if !name.starts_with('-') => {
                // `deno task` runs deno.json's tasks, then package.json's scripts.
                let mut defined: Option<Vec<String>> = None;
                let mut looked_in = Vec::new();
                for file in ["deno.json", "deno.jsonc"] {
                    let Some(text) = read(repo, &join(&dir, file)) else {
                        continue;
                    };
                    let Ok(doc) = jsonc_parser::parse_to_serde_value::<serde_json::Value>(&text, &Default::default())
                    else {
                        continue;
                    };
                    looked_in.push(join(&dir, file));
                    let tasks = doc.get("tasks").and_then(|t| t.as_object());
                    defined
                        .get_or_insert_with(Vec::new)
                        .extend(tasks.into_iter().flat_map(|t| t.keys().cloned()));
                }
                if let Some(scripts) = package_scripts(repo, &join(&dir, "package.json")) {
                    defined.get_or_insert_with(Vec::new).extend(scripts);
                    looked_in.push(join(&dir, "package.json"));
                }
                if defined.is_some_and(|d| !d.iter().any(|t| t == name)) {
                    out.push(missing(part, name, looked_in.join(" or ")));
                }
            }
            ["task", name, ..] if !name.starts_with('-') => {
                let Some((file, text)) = ["Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml"]
                    .iter()
                    .map(|f| join(&dir, f))
                    .find_map(|file| read(repo, &file).map(|t| (file, t)))
                else {
                    continue;
                };
                let Ok(doc) = serde_saphyr::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                // Included Taskfiles define namespaced tasks (`docs:serve`); those are not judged.
                if doc.get("includes").is_some() || name.contains(':') {
                    continue;
                }
                let defined = doc.get("tasks").and_then(|t| t.as_object());
                if defined.is_some_and(|tasks| !tasks.contains_key(*name)) {
                    out.push(missing(part, name, file));
                }
            }
            ["just", recipe, ..] if !recipe.starts_with('-') => {
                let file = join(&dir, "justfile");
                let Some(text) = read(repo, &file) else { continue };
                if text.lines().any(|l| l.starts_with("import ") || l.starts_with("mod ")) {
                    continue;
                }
                let defined = crate::ecosystems::tasks::just_recipes(&text);
                if !defined.iter().any(|r| r.name == *recipe) {
                    out.push(missing(part, recipe, file));
                }
            }
            _ => {}
        }
    }
    out
}

fn missing(part: &str, task: &str, looked_in: String) -> MissingTask {
    MissingTask {
        command: part.trim().to_string(),
        task: task.to_string(),
        looked_in,
    }
}

/// The script a package-manager command runs, when the command certainly runs one from the
/// package.json in the current directory (no `--prefix`, `--filter` or workspace selection).
fn script_named<'a>(runner: &str, rest: &[&'a str]) -> Option<&'a str> {
    // The script must come first: flags before it (`--prefix api`, `-w`, `--filter`) change
    // which package runs it.
    match rest {
        ["run" | "run-script", script, ..] if !script.starts_with('-') => Some(script),
        [script @ ("test" | "start"), ..] if runner != "bun" => Some(script),
        // `yarn db:migrate`: no built-in command has a colon, so this can only be a script.
        [script, ..] if runner != "npm" && script.contains(':') && !script.starts_with('-') => Some(script),
        _ => None,
    }
}

/// The Makefile options of `make ARGS`: its directory (`-C DIR`), its file (`-f FILE`) and the
/// targets. Options that take a value (`-j 4`, `-o file`) are skipped with it, and so are
/// variable assignments.
fn make_args<'a>(rest: &[&'a str]) -> (Option<&'a str>, Option<&'a str>, Vec<&'a str>) {
    let (mut sub, mut file) = (None, None);
    let mut targets = Vec::new();
    let mut words = rest.iter();
    while let Some(word) = words.next() {
        match *word {
            "-C" | "--directory" => sub = words.next().copied(),
            "-f" | "--file" | "--makefile" => file = words.next().copied(),
            "-j" | "--jobs" | "-l" | "--load-average" | "-o" | "--old-file" | "-W" | "--what-if" | "-I"
            | "--include-dir" => {
                // `-j` may also stand alone; its value, if any, is a number, never a target.
                if *word == "-j" || *word == "--jobs" {
                    let mut peek = words.clone();
                    if peek.next().is_some_and(|v| v.parse::<u32>().is_ok()) {
                        words.next();
                    }
                } else {
                    words.next();
                }
            }
            w if w.starts_with("--directory=") => sub = w.strip_prefix("--directory="),
            w if w.starts_with("--file=") || w.starts_with("--makefile=") => file = w.split_once('=').map(|(_, f)| f),
            w if w.starts_with('-') || w.contains('=') || w.contains('$') => {}
            w => targets.push(w),
        }
    }
    (sub, file, targets)
}

fn join(dir: &str, rel: &str) -> String {
    let rel = rel.trim_end_matches('/');
    if dir.is_empty() || rel.is_empty() {
        return if rel.is_empty() {
            dir.to_string()
        } else {
            rel.to_string()
        };
    }
    format!("{dir}/{rel}")
}

/// A repository file, read safely (see [`crate::fs::read_plain`]); `None` when it is not there
/// or not a plain file.
fn read(repo: &Path, rel: &str) -> Option<String> {
    crate::fs::read_plain(&repo.join(rel), repo).ok()
}

/// The script names of a package.json, or `None` when it cannot be read as one.
fn package_scripts(repo: &Path, rel: &str) -> Option<Vec<String>> {
    let text = read(repo, rel)?;
    let doc: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).ok()?;
    Some(
        doc.get("scripts")
            .and_then(|s| s.as_object())
            .map(|s| s.keys().cloned().collect())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_directories_and_glob_roots() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(repo.path().join("src")).unwrap();
        assert_eq!(
            missing_dirs(repo.path(), "src, lib, hc/**/tests, **/tests, none"),
            vec!["lib".to_string(), "hc/**/tests".to_string()]
        );
    }

    #[test]
    fn scripts_and_targets_that_are_not_defined() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(
            repo.path().join("package.json"),
            r#"{"scripts":{"dev":"x","test":"y"}}"#,
        )
        .unwrap();
        std::fs::create_dir(repo.path().join("api")).unwrap();
        std::fs::write(repo.path().join("api/Makefile"), "test:\n\tgo test\n.PHONY: test\n").unwrap();
        let tasks = |c: &str| {
            missing_tasks(repo.path(), c)
                .into_iter()
                .map(|m| m.task)
                .collect::<Vec<_>>()
        };
        assert_eq!(tasks("npm run dev"), Vec::<String>::new());
        assert_eq!(tasks("pnpm run start:dev"), vec!["start:dev"]);
        assert_eq!(tasks("npm start"), vec!["start"]);
        assert_eq!(tasks("yarn db:migrate"), vec!["db:migrate"]);
        assert_eq!(tasks("pnpm install"), Vec::<String>::new(), "a built-in command");
        assert_eq!(
            tasks("npm --prefix api run dev"),
            Vec::<String>::new(),
            "another package"
        );
        assert_eq!(tasks("make -C api test lint"), vec!["lint"]);
        assert_eq!(tasks("cd api && make migrate"), vec!["migrate"]);
        assert_eq!(
            tasks("make test"),
            Vec::<String>::new(),
            "no Makefile at the root: not checked"
        );
        let found = missing_tasks(repo.path(), "cd api && make migrate");
        assert_eq!(found[0].looked_in, "api/Makefile");
        assert_eq!(found[0].command, "make migrate");
    }

    #[test]
    fn taskfile_tasks_and_just_recipes() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(
            repo.path().join("Taskfile.yml"),
            "version: '3'\ntasks:\n  dev:\n    cmds: [go run .]\n",
        )
        .unwrap();
        std::fs::write(repo.path().join("justfile"), "test:\n    cargo test\n").unwrap();
        let tasks = |c: &str| {
            missing_tasks(repo.path(), c)
                .into_iter()
                .map(|m| m.task)
                .collect::<Vec<_>>()
        };
        assert_eq!(tasks("task dev"), Vec::<String>::new());
        assert_eq!(tasks("task migrate -- up"), vec!["migrate"]);
        assert_eq!(tasks("just test"), Vec::<String>::new());
        assert_eq!(tasks("just lint"), vec!["lint"]);
        std::fs::create_dir(repo.path().join("db")).unwrap();
        std::fs::write(
            repo.path().join("db/deno.json"),
            r#"{"tasks": {"migrate": "deno run m.ts"}}"#,
        )
        .unwrap();
        std::fs::write(
            repo.path().join("db/package.json"),
            r#"{"scripts": {"studio": "drizzle-kit studio"}}"#,
        )
        .unwrap();
        assert_eq!(tasks("cd db && deno task migrate"), Vec::<String>::new());
        assert_eq!(
            tasks("cd db && deno task studio"),
            Vec::<String>::new(),
            "package.json scripts count"
        );
        assert_eq!(tasks("cd db && deno task db:studio"), vec!["db:studio"]);
        let found = missing_tasks(repo.path(), "cd db && deno task db:studio");
        assert_eq!(found[0].looked_in, "db/deno.json or db/package.json");
    }

    #[test]
    fn an_including_makefile_is_not_judged() {
        let repo = tempfile::tempdir().unwrap();
        std::fs::write(repo.path().join("Makefile"), "include common.mk\nbuild:\n\tgo build\n").unwrap();
        assert!(missing_tasks(repo.path(), "make migrate").is_empty());
    }
}
