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

/// `<name>` and `[options]`-style slots a reader fills in, as words of their own (not
/// `.[dev]` or `test_x[param]`, which are the shell's).
static SLOT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)(?:<[A-Za-z_][A-Za-z0-9_ .-]*>|\[[A-Za-z_][A-Za-z0-9_ .|-]*\])(?:\s|$)").unwrap()
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
    if matches!(first_char, '#' | '>' | '*' | '|') || line.contains("](") || line.contains("```") {
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
    // A capitalised word and plain lower-case words after it are a sentence (`Run the tests
    // with pytest`), not `Rscript -e …` or `Xvfb :99 & npm test`.
    let capitalised = {
        let mut chars = program.chars();
        program.len() > 1
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase())
    };
    let plain = |w: &&str| w.chars().all(|c| c.is_ascii_lowercase());
    let sentence = capitalised && words.len() > at + 2 && words[at + 1..at + 3].iter().all(plain);
    // A sentence ends with a word and a full stop; `go build .` ends with a path.
    let last = words[words.len() - 1];
    let full_stop = last.len() > 1 && last.ends_with('.') && last[..last.len() - 1].chars().all(char::is_alphabetic);
    if sentence || full_stop || !PROGRAM.is_match(program) {
        return Err(Implausible::Prose);
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
    let mut here = Some(dir.to_string());
    for part in command
        .split(['&', ';', '|'])
        .map(|p| p.trim().trim_matches(['(', ')']).trim())
    {
        let words: Vec<&str> = part.split_whitespace().skip_while(|w| is_assignment(w)).collect();
        if let ["cd", to] = words.as_slice() {
            // An absolute or unlisted directory: what follows is not followed.
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
        let line = words.join(" ");
        if known.in_container.iter().any(|c| line.starts_with(c.as_str())) {
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
            if let Some(target) = rest.iter().find(|w| !is_assignment(w)) {
                if !ecosystems::runner_tasks(index, here).iter().any(|t| t.name == *target) {
                    return Err(Implausible::Missing(format!("{program} target {target}")));
                }
            }
        } else if script_runners.iter().any(|r| r == program) {
            // `npm test` and `npm run S`, `yarn run S`; `bun run --hot src/index.ts` runs a
            // file, checked below.
            let script = match rest.split_first() {
                Some((&"run", args)) => args.iter().find(|w| !w.starts_with('-')).copied(),
                Some((&"test", _)) if program == "npm" => Some("test"),
                _ => None,
            };
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
        assert_eq!(shape("{ \"test\": \"jest\" }"), Err(Implausible::Fragment));
        assert_eq!(shape("Run the tests with pytest"), Err(Implausible::Prose));
        assert_eq!(shape("then run the server."), Err(Implausible::Prose));
        assert_eq!(shape("* `make test`"), Err(Implausible::Markdown));
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
            ".\\gradlew.bat test",
        ] {
            assert_eq!(shape(fine), Ok(()), "{fine}");
        }
    }
}
