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

/// `<name>`, `[options]` and `{path}`-style slots a reader fills in.
static SLOT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[A-Za-z_][\w .-]*>|\[[A-Za-z_][\w .|-]*\]").unwrap());

/// A program or path: what the first word of a command line looks like.
static PROGRAM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_.~/$][A-Za-z0-9_./:+@~{}$-]*$").unwrap());

/// Whether `command`, run in `dir` of the repository, is plausible as a command line.
pub(super) fn check(registry: &Registry, index: &RepoIndex, dir: &str, command: &str) -> Result<(), Implausible> {
    shape(command)?;
    needs(registry, index, dir, command)
}

/// The text alone: a command line, not prose, a placeholder, a fragment or Markdown.
pub(super) fn shape(command: &str) -> Result<(), Implausible> {
    let line = command.trim();
    let Some(first_char) = line.chars().next() else {
        return Err(Implausible::Fragment);
    };
    if matches!(first_char, '#' | '>' | '*' | '|') || line.contains("](") || line.contains("```") {
        return Err(Implausible::Markdown);
    }
    if matches!(first_char, '"' | '\'' | '{' | '[' | ']' | '}' | ',' | ':')
        || line.starts_with("- ")
        || line.ends_with([',', '{', '[', ':'])
    {
        return Err(Implausible::Fragment);
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let placeholder_word = |w: &&str| {
        let lower = w.to_ascii_lowercase();
        *w == "..."
            || w.contains('…')
            || lower.contains("path_to")
            || lower.contains("path/to/")
            || lower.starts_with("your_")
            || lower.starts_with("your-")
            || lower.starts_with("<your")
            || lower == "xxx"
    };
    if SLOT.is_match(line) || words.iter().any(placeholder_word) {
        return Err(Implausible::Placeholder);
    }
    // The program, after `VAR=value` assignments.
    let program = words.iter().find(|w| !is_assignment(w)).copied().unwrap_or(words[0]);
    // A capitalised word followed by more words is a sentence: commands are lower-case.
    let capitalised = {
        let mut chars = program.chars();
        program.len() > 1
            && chars.next().is_some_and(|c| c.is_ascii_uppercase())
            && chars.all(|c| c.is_ascii_lowercase())
    };
    // A sentence ends with a word and a full stop; `go build .` ends with a path.
    let last = words[words.len() - 1];
    let full_stop = last.len() > 1 && last.ends_with('.') && last[..last.len() - 1].chars().all(char::is_alphabetic);
    if (capitalised && words.len() > 1) || full_stop || !PROGRAM.is_match(program) {
        return Err(Implausible::Prose);
    }
    Ok(())
}

/// `NAME=value`, an environment assignment before the program.
fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(name, _)| !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// What the command needs from the repository is there: the target of `make T`, `just T`,
/// `task T`; the script of `npm run S`, `npm test`, `yarn run S`, `pnpm run S`, `bun run S`; a
/// repository script it starts (`./scripts/test.sh`); a source file it names (`go test main.go`).
/// Each part of `a && b` is checked, in the directory a `cd` moves to. When the listing or
/// reading was cut short, what was not seen may be there: nothing counts as missing.
pub(super) fn needs(registry: &Registry, index: &RepoIndex, dir: &str, command: &str) -> Result<(), Implausible> {
    if index.partial().is_some() {
        return Ok(());
    }
    let mut here = dir.to_string();
    for part in command.split("&&").map(str::trim) {
        let words: Vec<&str> = part.split_whitespace().skip_while(|w| is_assignment(w)).collect();
        match words.as_slice() {
            ["cd", to] => {
                here = crate::fs::join(&here, to.trim_end_matches('/'));
                continue;
            }
            [runner @ ("make" | "just" | "task"), rest @ ..] => {
                // `make -C sub` and `make -f other.mk` read another file: not followed.
                if rest.iter().any(|w| w.starts_with('-')) {
                    continue;
                }
                if let Some(target) = rest.first() {
                    let declared = ecosystems::runner_tasks(index, &here);
                    if !declared.iter().any(|t| t.name == *target) {
                        return Err(Implausible::Missing(format!("{runner} target {target}")));
                    }
                }
            }
            ["npm" | "yarn" | "pnpm" | "bun", "run", rest @ ..] | ["npm", rest @ ..]
                if rest.first() == Some(&"test") =>
            {
                // `bun run --hot src/index.ts` runs a file, checked below.
                let script = rest.iter().find(|w| !w.starts_with('-'));
                if let Some(script) = script.filter(|s| !s.contains(['/', '.'])) {
                    if !has_script(index, &here, script) {
                        return Err(Implausible::Missing(format!("script \"{script}\"")));
                    }
                }
            }
            _ => {}
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
                && !word.contains(['$', '*', '{', '=', ':', '%', '(', '`'])
                && !built;
            let is_code = crate::fs::file_name(path)
                .rsplit_once('.')
                .is_some_and(|(stem, ext)| !stem.is_empty() && registry.code_extensions().iter().any(|e| e == ext));
            let names_script = words.first() == Some(word) && path.contains('/');
            let full = crate::fs::join(&here, path);
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
        ] {
            assert_eq!(shape(fine), Ok(()), "{fine}");
        }
    }
}
