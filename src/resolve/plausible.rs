//! The plausibility gate every command passes before it becomes a value (issue 16): a line from
//! a guide, a CI step or a task recipe must look like a command line (not prose, a placeholder, a
//! JSON or YAML fragment or Markdown), and what it runs must exist (a make/just/task target, an
//! npm script, a repository script, a source file it names). An agent runs what it is given.

use crate::detect::Registry;
use crate::ecosystems;
use crate::repo::index::RepoIndex;
use regex::Regex;
use std::sync::LazyLock;

/// Why a line is not taken as a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Implausible {
    /// Words of a sentence (`Run the tests with pytest`).
    Prose,
    /// Text for the reader to replace (`<your-db>`, `Path_to_the_test_file`, `…`).
    Placeholder,
    /// A piece of JSON or YAML (`"migrations": [`, `- run: make`).
    Fragment,
    /// Markdown (a list item, a quote, a link, a table row).
    Markdown,
    /// A task-runner target, npm script or repository file the command needs is not there.
    Missing(String),
}

/// `<name>` slots a reader fills in, wherever they stand (`--cov=<package>`,
/// `postgresql://<user>@…`), and `[options]` as a word of its own (not `.[dev]` or
/// `test_x[param]`, which are the shell's).
static SLOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"<[A-Za-z_][A-Za-z0-9_ .-]*>|(?:^|\s)\[[A-Za-z_][A-Za-z0-9_ .|-]*\](?:\s|$)").unwrap()
});

/// A program or path: what the first word of a command line looks like.
static PROGRAM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_.~/$\\(][A-Za-z0-9_./:+@~{}$\\-]*$").unwrap());

/// Whether `command`, run in `dir` of the repository, is plausible as a command line.
pub(super) fn check(registry: &Registry, index: &RepoIndex, dir: &str, command: &str) -> Result<(), Implausible> {
    shape(registry, command)?;
    needs(registry, index, dir, command)
}

/// The text alone: a command line, not prose, a placeholder, a fragment or Markdown.
pub(super) fn shape(registry: &Registry, command: &str) -> Result<(), Implausible> {
    let line = command.trim();
    let Some(first_char) = line.chars().next() else {
        return Err(Implausible::Fragment);
    };
    let checkbox = ["[ ]", "[x]", "[X]"].iter().any(|b| line.starts_with(b));
    if matches!(first_char, '#' | '>' | '*' | '|') || line.contains("](") || line.contains("```") || checkbox {
        return Err(Implausible::Markdown);
    }
    // `[ -f .env ] || …` is the shell's test, not a YAML list.
    let shell_test = line.starts_with("[ ") || line.starts_with("[[ ");
    if (matches!(first_char, '"' | '\'' | '{' | '[' | ']' | '}' | ',' | ':') && !shell_test)
        || line.starts_with("- ")
        || line.ends_with([',', '{', '[', ':'])
    {
        return Err(Implausible::Fragment);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let known = &registry.conventions.commands;
    let placeholder_word = |w: &&str| {
        let lower = w.to_lowercase();
        known.placeholder_words.iter().any(|p| p == w)
            || known.placeholder_markers.iter().any(|m| lower.contains(m.as_str()))
    };
    if SLOT.is_match(line) || words.iter().any(placeholder_word) {
        return Err(Implausible::Placeholder);
    }
    if shell_test {
        return Ok(());
    }
    // The program, after `VAR=value` assignments.
    let at = words.iter().position(|w| !is_assignment(w)).unwrap_or(0);
    let program = words[at];
    // A capitalised word and a plain lower-case word after it are a sentence (`Run tests`),
    // not `Rscript -e …` or `Xvfb :99 & npm test`.
    let capitalised = {
        let mut chars = program.chars();
        program.len() > 1
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase())
    };
    let plain = |w: &&str| w.chars().all(|c| c.is_ascii_lowercase());
    let sentence = capitalised && words.get(at + 1).is_some_and(plain);
    // A sentence ends with a word and a full stop; `go build .` ends with a path.
    let last = words[words.len() - 1];
    let full_stop = last.len() > 1 && last.ends_with('.') && last[..last.len() - 1].chars().all(char::is_alphabetic);
    if sentence || full_stop || !PROGRAM.is_match(program) {
        return Err(Implausible::Prose);
    }
    if known.shell_reserved.iter().any(|w| w == program) {
        return Err(Implausible::Fragment);
    }
    Ok(())
}

/// `NAME=value`, an environment assignment before the program.
fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// What the command needs from the repository is there: the target of a task runner (`make T`,
/// `just T`, `task T`); the script of `npm test` or a package manager's `run S`; a repository
/// script it starts (`./scripts/test.sh`); a source file it names (`go test main.go`). Each part
/// of `a && b`, `a; b`, `a || b` is checked, in the directory a `cd` moves to. What runs inside
/// a container (`docker compose run web python manage.py test`) names the container's paths, and
/// what was not seen (a listing cut short, a Makefile unread) may be there: neither counts as
/// missing.
pub(super) fn needs(registry: &Registry, index: &RepoIndex, dir: &str, command: &str) -> Result<(), Implausible> {
    let known = &registry.conventions.commands;
    let script_runners = &registry.toolchain(crate::ecosystems::Ecosystem::Node).script_runners;
    // A shell string (`bash -c "cd x && make"`) and options that change folder (`pushd`,
    // `--directory`, `-C`) run elsewhere: not followed.
    let all: Vec<&str> = command.split_whitespace().collect();
    let elsewhere = all
        .windows(2)
        .any(|w| matches!(w[0], "sh" | "bash" | "zsh") && w[1] == "-c")
        || all.iter().any(|w| {
            matches!(
                *w,
                "pushd" | "-C" | "--directory" | "--cwd" | "--project-dir" | "--prefix"
            )
        });
    let mut here = Some(dir.to_string()).filter(|_| !elsewhere);
    for part in command
        .split(['&', ';', '|'])
        .map(|p| p.trim().trim_matches(['(', ')']).trim())
    {
        let words: Vec<&str> = part
            .split_whitespace()
            .skip_while(|w| is_assignment(w) || matches!(*w, "sudo" | "env"))
            .collect();
        if words.first() == Some(&"cd") && words.len() != 2 {
            // `cd "my app"`, `cd my\ app`: not followed.
            here = None;
            continue;
        }
        if let ["cd", to] = words.as_slice() {
            // An absolute, parent or unlisted directory: what follows is not followed.
            let to = to.trim_matches(['"', '\'']).trim_end_matches('/');
            here = here
                .filter(|_| !to.starts_with(['/', '~', '$']) && !to.contains(".."))
                .map(|h| crate::fs::join(&h, to))
                .filter(|d| d == "." || index.dirs.contains(d));
            continue;
        }
        let Some(here) = here.as_deref().filter(|h| index.saw_all_of(h)) else {
            continue;
        };
        // Inside a container, whatever the options before the subcommand (`docker compose -f
        // dev.yml run --rm web …`).
        let bare: Vec<&str> = compose_without_global_options(words.clone())
            .into_iter()
            .filter(|w| !w.starts_with('-'))
            .collect();
        let bare = bare.join(" ");
        if known.in_container.iter().any(|c| bare.starts_with(c.as_str())) {
            continue;
        }
        let Some((&program, rest)) = words.split_first() else {
            continue;
        };
        if known.task_runners.iter().any(|r| r == program) {
            // `make -C sub` and `make -f other.mk` read another file: not followed.
            if rest.iter().any(|w| w.starts_with('-')) {
                continue;
            }
            // Targets from included files or pattern rules are not read: not judged.
            if hidden_targets(index, here) {
                continue;
            }
            if let Some(target) = rest.iter().find(|w| !is_assignment(w)) {
                let target = target.trim_matches(['"', '\'']);
                if !ecosystems::runner_tasks(index, here).iter().any(|t| t.name == target) {
                    return Err(Implausible::Missing(format!("{program} target {target}")));
                }
            }
        } else if script_runners.iter().any(|r| r == program) {
            // `npm test` and `npm run S`, `yarn run S`; `bun run --hot src/index.ts` runs a
            // file, checked below.
            // A workspace member's script (`-w api`, `--filter api`) is not the root's.
            let member = rest.iter().any(|w| {
                ["-w", "--workspace", "--filter", "-F"].iter().any(|o| w.starts_with(o))
                    || matches!(*w, "-C" | "workspace")
            });
            let script = match rest.split_first().filter(|_| !member) {
                Some((&"run", args)) => args.iter().find(|w| !w.starts_with('-')).copied(),
                Some((&"test", _)) if program == "npm" => Some("test"),
                _ => None,
            };
            let script = script.map(|s| s.trim_matches(['"', '\'']));
            if let Some(script) = script.filter(|s| !s.contains(['/', '.'])) {
                if !has_script(index, here, script) {
                    return Err(Implausible::Missing(format!("script \"{script}\"")));
                }
            }
        }
        for word in words.iter().take_while(|w| !matches!(**w, "|" | ";" | "||")) {
            let path = word.trim_start_matches("./");
            // Build output (`node dist/main.js`) exists only once built.
            let built = registry.toolchains().any(|(_, t)| {
                t.build_dirs
                    .iter()
                    .any(|d| path.strip_prefix(d.as_str()).is_some_and(|r| r.starts_with('/')))
            });
            let local = !word.starts_with('/')
                && !word.starts_with('-')
                && !word.contains(['$', '*', '{', '=', ':', '%', '(', '`', '"', '\'', '\\'])
                && !built;
            let is_code = crate::fs::file_name(path)
                .rsplit_once('.')
                .is_some_and(|(stem, ext)| !stem.is_empty() && registry.code_extensions().iter().any(|e| e == ext));
            let names_script = words.first() == Some(word) && path.contains('/');
            let full = crate::fs::join(here, path);
            // A path the program reads (`go test main.go`) or runs (`./scripts/test.sh`), missing
            // from a folder that was listed: `vendor/bin/phpunit` is installed, not committed.
            let parent_listed = || {
                let parent = crate::fs::parent(&full);
                parent == "." || index.dirs.contains(parent)
            };
            if local
                && (is_code || names_script)
                && !index.has_file(&full)
                && !index.dirs.contains(&full)
                && parent_listed()
            {
                return Err(Implausible::Missing(format!("file {path}")));
            }
        }
    }
    Ok(())
}

/// Whether a CI step runs a program of its folder that the repository does not hold
/// (`./app-unstable-linux-amd64 migrate`): a build or release an earlier step made or
/// downloaded, not a command a developer has. (A task's recipe may run what its prerequisite
/// built, `dev: build` then `./app`; a CI step has no such link.)
pub(super) fn runs_artifact(index: &RepoIndex, dir: &str, command: &str) -> bool {
    // The command's first program only: after a `cd` the folder is another.
    let first_part = command.split(['&', ';', '|']).next().unwrap_or(command);
    let first = first_part.split_whitespace().find(|w| !is_assignment(w));
    first.and_then(|w| w.strip_prefix("./")).is_some_and(|name| {
        !name.is_empty()
            && !name.contains(['/', '$', '{', '*'])
            && index.saw_all_of(dir)
            && !index.has_file(&crate::fs::join(dir, name))
    })
}

/// `docker compose -f docker-compose.local.yml up` as `docker compose up`: the options before the
/// subcommand (`-f`, `--file`, `-p`, `--project-name`, `--profile`, `--env-file`) and their values
/// do not change what is started.
pub(super) fn compose_without_global_options(words: Vec<&str>) -> Vec<&str> {
    let skip = match words.as_slice() {
        ["docker", "compose", ..] => 2,
        ["docker-compose", ..] => 1,
        _ => return words,
    };
    let mut out: Vec<&str> = words[..skip].to_vec();
    let mut rest = words[skip..].iter();
    while let Some(word) = rest.next() {
        if matches!(
            *word,
            "-f" | "--file" | "-p" | "--project-name" | "--profile" | "--env-file"
        ) {
            rest.next();
        } else if !(word.starts_with("--file=") || word.starts_with("--profile=") || word.starts_with("--env-file=")) {
            out.push(word);
            out.extend(rest);
            break;
        }
    }
    out
}

/// Whether the task files of `dir` declare targets their reader cannot list: a Makefile that
/// includes others or has pattern rules (`%:`, `test-%:`) or computed targets (`$(TARGETS):`),
/// a justfile that imports or holds modules, a Taskfile with `includes`.
fn hidden_targets(index: &RepoIndex, dir: &str) -> bool {
    index.files_in(dir).any(|file| {
        let name = crate::fs::file_name(file);
        let makefile = matches!(name, "Makefile" | "makefile" | "GNUmakefile");
        let justfile = name.eq_ignore_ascii_case("justfile") || name.eq_ignore_ascii_case(".justfile");
        let taskfile = name.to_ascii_lowercase().starts_with("taskfile.");
        if !(makefile || justfile || taskfile) {
            return false;
        }
        index.read(file).is_some_and(|text| {
            text.lines().any(|line| {
                let target = line.split(':').next().unwrap_or("");
                let rule = line.contains(':') && !line.starts_with('\t');
                (makefile
                    && (["include ", "-include ", "sinclude "]
                        .iter()
                        .any(|i| line.starts_with(i))
                        || (rule && (target.contains('%') || target.starts_with("$(")))))
                    || (justfile && (line.starts_with("import ") || line.starts_with("mod ")))
                    || (taskfile && line.starts_with("includes:"))
            })
        })
    })
}

/// Whether `dir/package.json` declares `script`.
fn has_script(index: &RepoIndex, dir: &str, script: &str) -> bool {
    let Some(text) = index.read(&crate::fs::join(dir, "package.json")) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("scripts").and_then(|s| s.get(script)).cloned())
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_that_are_not_command_lines_are_refused() {
        let registry = &Registry::builtin().unwrap();
        let shape = |line: &str| shape(registry, line);
        assert_eq!(
            shape("mix test Path_to_the_specific_test_file"),
            Err(Implausible::Placeholder)
        );
        assert_eq!(shape("psql -U <user> -d <database>"), Err(Implausible::Placeholder));
        assert_eq!(shape("npm test -- [pattern]"), Err(Implausible::Placeholder));
        assert_eq!(shape("pytest tests/…"), Err(Implausible::Placeholder));
        assert_eq!(shape("\"migrations\": ["), Err(Implausible::Fragment));
        assert_eq!(shape("- run: make test"), Err(Implausible::Fragment));
        assert_eq!(shape("for key in MIN MAX MIGRATION; do"), Err(Implausible::Fragment));
        assert_eq!(shape("if [ -z \"$DB\" ]; then"), Err(Implausible::Fragment));
        assert_eq!(shape("{ \"test\": \"jest\" }"), Err(Implausible::Fragment));
        assert_eq!(shape("Run the tests with pytest"), Err(Implausible::Prose));
        assert_eq!(shape("then run the server."), Err(Implausible::Prose));
        assert_eq!(shape("* `make test`"), Err(Implausible::Markdown));
        assert_eq!(shape("[ ] write tests"), Err(Implausible::Markdown));
        assert_eq!(shape("Run tests"), Err(Implausible::Prose));
        assert_eq!(shape("pytest --cov=<package>"), Err(Implausible::Placeholder));
        assert_eq!(
            shape("psql \"postgresql://<user>:<password>@localhost/<db>\""),
            Err(Implausible::Placeholder)
        );
        assert_eq!(shape("see [the guide](docs/dev.md)"), Err(Implausible::Markdown));
        for fine in [
            "go test ./...",
            "make test",
            "DATABASE_URL=sqlite:///dev.db python manage.py migrate",
            "./gradlew :api:test",
            "cd backend && uv run pytest",
            "psql < dump.sql",
            "bundle exec rspec",
            "R CMD check .",
            "Rscript -e 'devtools::test()'",
            "Xvfb :99 & npm test",
            "pip install -e .[dev]",
            "pytest tests/t.py::test_x[param]",
            "[ -f .env ] || cp .env.example .env",
            "docker compose -f dev.yml run --rm web pytest",
            ".\\gradlew.bat test",
        ] {
            assert_eq!(shape(fine), Ok(()), "{fine}");
        }
    }

    #[test]
    fn a_ci_step_that_runs_a_program_the_repository_does_not_hold_runs_an_artifact() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manage.py"), "import django\n").unwrap();
        std::fs::create_dir(dir.path().join("scripts")).unwrap();
        std::fs::write(dir.path().join("scripts/test.sh"), "pytest\n").unwrap();
        let index = RepoIndex::build(dir.path());
        let artifact = |command: &str| runs_artifact(&index, ".", command);
        assert!(!artifact("./manage.py migrate"));
        assert!(!artifact("./scripts/test.sh"));
        assert!(!artifact("python manage.py migrate"));
        assert!(artifact("./app-unstable-linux-amd64 migrate"));
        // After a `cd`, the folder is another: not judged.
        assert!(!artifact("cd backend && ./gradlew check"));
        assert!(artifact("DB=x ./app migrate"));
    }
}
