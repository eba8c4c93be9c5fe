//! Commands the repository documents: shell lines in the fenced code blocks of its README,
//! CONTRIBUTING and development guides (parsed as Markdown), each with the heading it sits under
//! and the file and line it came from.

use crate::repo::index::RepoIndex;
use crate::report::markers::{ANY as OUR_MARKER, BEGIN as OUR_BEGIN, END as OUR_END};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// Code block languages that hold shell commands (an unlabelled block too).
const SHELL: &[&str] = &[
    "",
    "sh",
    "bash",
    "shell",
    "console",
    "zsh",
    "shell-session",
    "terminal",
    "shellsession",
];

/// Where a command was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A shell block of a README or development guide, for people to run.
    Guide,
    /// A run step of a CI job.
    Ci,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedCommand {
    pub command: String,
    pub source: Source,
    /// The heading the code block sits under (the nearest one above it); for CI, `CI job NAME`.
    pub heading: String,
    /// The comment line above it in its block (`# Run database migrations`), which says what the
    /// commands under it do up to a blank line; empty when there is none.
    pub note: String,
    pub file: String,
    /// 1-based line of the command in the file.
    pub line: usize,
    /// The directory the command runs in: the guide's, or for a guide in `docs/`, the project's
    /// that keeps it.
    pub dir: String,
}

/// Where guides are, by name without regard to case (`[files] guides` of conventions.toml):
/// `names` in a project's directory (`README.md`, `CLAUDE.md`), `folder_names` in its `folders`
/// (`docs/Contribute.md`).
pub struct GuideNames<'a> {
    pub names: &'a [String],
    pub folders: &'a [String],
    pub folder_names: &'a [String],
}

/// `text` without what archprompt wrote: the sections between its begin and end markers are
/// blanked (so lines keep their numbers), the rest is the repository's own. `None` for a file
/// archprompt wrote whole (its record, no section).
fn repository_own(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !text.contains(OUR_MARKER) {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    if !text.contains(OUR_BEGIN) {
        return None;
    }
    let mut inside = false;
    let mut own = String::with_capacity(text.len());
    for line in text.lines() {
        let marker = line.trim_start();
        if marker.starts_with(OUR_BEGIN) {
            inside = true;
        }
        if !inside {
            own.push_str(line);
        }
        own.push('\n');
        if marker.starts_with(OUR_END) {
            inside = false;
        }
    }
    Some(std::borrow::Cow::Owned(own))
}

/// Every shell command in the guides of `dirs` (nearest first), in document order: in each
/// directory, its guides in the order of `guides.names`, then those of its guide folders.
pub fn commands(index: &RepoIndex, dirs: &[&str], guides: &GuideNames) -> Vec<DocumentedCommand> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for dir in dirs {
        let places = std::iter::once((dir.to_string(), guides.names)).chain(
            guides
                .folders
                .iter()
                .map(|f| (crate::fs::join(dir, f), guides.folder_names)),
        );
        for (place, names) in places {
            let files: Vec<&str> = index.files_in(&place).collect();
            for name in names {
                let Some(file) = files
                    .iter()
                    .find(|f| crate::fs::file_name(f).eq_ignore_ascii_case(name))
                else {
                    continue;
                };
                if seen.iter().any(|s| s == file) {
                    continue;
                }
                seen.push(file.to_string());
                if let Some(text) = index.read(file) {
                    if let Some(own) = repository_own(&text) {
                        out.extend(in_markdown(&own, file, dir, &|d| index.dirs.contains(d)));
                    }
                }
            }
        }
    }
    out
}

/// `is_dir` tells a `cd` into the repository (followed) from one out of it (`cd workspace`
/// before cloning, ignored).
fn in_markdown(text: &str, file: &str, dir: &str, is_dir: &dyn Fn(&str) -> bool) -> Vec<DocumentedCommand> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut in_heading = false;
    // The block being read: its first line number and its text.
    let mut block: Option<(usize, String)> = None;
    // A `cd server` line moves the commands after it, in its block and the section's next ones.
    let mut runs_in = dir.to_string();
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                // A `cd` lasts until the next section, across the blocks of this one.
                runs_in = dir.to_string();
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::CodeBlock(kind)) => {
                let shell = match &kind {
                    CodeBlockKind::Fenced(lang) => {
                        let lang = lang.split([' ', ',', '{']).next().unwrap_or("");
                        SHELL.contains(&lang.to_ascii_lowercase().as_str())
                    }
                    CodeBlockKind::Indented => false,
                };
                if shell {
                    // A fenced block's text starts on the line after the fence.
                    let first = text[..range.start].matches('\n').count() + 2;
                    block = Some((first, String::new()));
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((first, body)) = block.take() {
                    // A comment line says what the commands under it do (`# Run database
                    // migrations`), up to a blank line or the next comment.
                    let mut note: Option<&str> = None;
                    for (i, raw) in body.lines().enumerate() {
                        let trimmed = raw.trim();
                        if trimmed.is_empty() {
                            note = None;
                        } else if let Some(comment) = trimmed.strip_prefix('#').filter(|c| !c.starts_with('!')) {
                            note = Some(comment.trim()).filter(|c| !c.is_empty());
                        }
                        let Some(command) = shell_command(raw) else { continue };
                        if let Some(target) = command.strip_prefix("cd ").map(str::trim) {
                            let moved = crate::fs::join(&runs_in, target);
                            if !target.contains(['&', ';', '$', '~']) && !target.starts_with('/') && is_dir(&moved) {
                                runs_in = moved;
                            }
                            continue;
                        }
                        out.push(DocumentedCommand {
                            source: Source::Guide,
                            command,
                            heading: heading.trim().to_string(),
                            note: note.unwrap_or_default().to_string(),
                            file: file.to_string(),
                            line: first + i,
                            dir: runs_in.clone(),
                        });
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, body)) = block.as_mut() {
                    body.push_str(&t);
                } else if in_heading {
                    heading.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// A line of a shell block as a command: the prompt (`$ `) dropped; comments, output-looking
/// lines and blanks left out.
fn shell_command(raw: &str) -> Option<String> {
    let line = raw.trim();
    let line = line
        .strip_prefix("$ ")
        .or_else(|| line.strip_prefix("% "))
        .unwrap_or(line);
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
        return None;
    }
    Some(without_comment(line).to_string())
}

/// The line without a trailing shell comment (`python run.py  # launch dev server`): a `#`
/// after a blank, outside quotes.
fn without_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut after_blank = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            after_blank = false;
            continue;
        }
        match (quote, c) {
            // A backslash escapes the next character, except inside single quotes.
            (None | Some('"'), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') if after_blank => return line[..at].trim_end(),
            _ => {}
        }
        after_blank = c.is_whitespace();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guides_are_found_by_name_whatever_its_case_and_our_own_section_is_skipped() {
        let block = |cmd: &str| format!("# Run\n\n```sh\n{cmd}\n```\n");
        let ours = format!(
            "{}<!-- archprompt:begin x -->\n{}<!-- archprompt:end x -->\n{}",
            block("make own"),
            block("make stale"),
            block("make after")
        );
        let (_dir, index) = crate::repo::index::test_index(&[
            ("readme.md", &block("make run")),
            ("docs/Contribute.md", &block("make run-server")),
            ("docs/api.md", &block("curl localhost")),
            ("AGENTS.md", &ours),
        ]);
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (guides, folders, folder_guides) = (
            names(&["README.md", "AGENTS.md"]),
            names(&["docs"]),
            names(&["contribute.md"]),
        );
        let guides = GuideNames {
            names: &guides,
            folders: &folders,
            folder_names: &folder_guides,
        };
        let found: Vec<(String, String)> = commands(&index, &["."], &guides)
            .into_iter()
            .map(|c| (c.file, c.command))
            .collect();
        assert_eq!(
            found,
            [
                ("readme.md".to_string(), "make run".to_string()),
                ("AGENTS.md".to_string(), "make own".to_string()),
                ("AGENTS.md".to_string(), "make after".to_string()),
                ("docs/Contribute.md".to_string(), "make run-server".to_string())
            ]
        );
    }

    #[test]
    fn a_file_archprompt_wrote_whole_is_not_the_repositorys_word() {
        assert!(repository_own("# Agent\n\n<!-- archprompt:values v1 tech_stack=1 -->\n").is_none());
        let mixed = "a\n<!-- archprompt:begin x -->\nb\n<!-- archprompt:end x -->\nc\n";
        assert_eq!(repository_own(mixed).as_deref(), Some("a\n\n\n\nc\n"));
    }

    #[test]
    fn commands_with_their_heading_and_line() {
        let readme = "# App\n\nIntro.\n\n## Run the application\n\n```bash\n$ cd workspace\n# copy the env\n$ cp example.env .env\n$ make up  # starts everything\n```\n\n```json\n{\"not\": \"shell\"}\n```\n\n### Tests\n\n```\ncd backend/\n```\n\n```\nmake tests\n```\n\n## Other\n\n```\nmake lint\n```\n";
        let found = in_markdown(readme, "README.md", ".", &|d| d == "backend");
        let lines: Vec<(&str, &str, usize, &str)> = found
            .iter()
            .map(|c| (c.command.as_str(), c.heading.as_str(), c.line, c.dir.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("cp example.env .env", "Run the application", 10, "."),
                ("make up", "Run the application", 11, "."),
                ("make tests", "Tests", 25, "backend"),
                ("make lint", "Other", 31, "."),
            ]
        );
    }

    #[test]
    fn a_comment_line_labels_the_commands_under_it_up_to_a_blank_line() {
        let guide = "## Setup\n\n```bash\nuv sync\n# Run database migrations\napp db migrate\n\napp serve\n#!/bin/sh\napp check\n```\n\n```sh\n# Tests\napp test\n```\n";
        let found = in_markdown(guide, "AGENTS.md", ".", &|_| false);
        let notes: Vec<(&str, &str, &str)> = found
            .iter()
            .map(|c| (c.command.as_str(), c.heading.as_str(), c.note.as_str()))
            .collect();
        assert_eq!(
            notes,
            [
                ("uv sync", "Setup", ""),
                ("app db migrate", "Setup", "Run database migrations"),
                ("app serve", "Setup", ""),
                ("app check", "Setup", ""),
                ("app test", "Setup", "Tests"),
            ]
        );
    }

    #[test]
    fn trailing_comments_are_not_part_of_the_command() {
        assert_eq!(without_comment("python run.py  # launch dev server"), "python run.py");
        assert_eq!(
            without_comment("echo '# not a comment' # one"),
            "echo '# not a comment'"
        );
        assert_eq!(
            without_comment("curl localhost:8000/#anchor"),
            "curl localhost:8000/#anchor"
        );
        assert_eq!(without_comment("make up"), "make up");
        assert_eq!(without_comment(r#"echo "a \" # b" # c"#), r#"echo "a \" # b""#);
        assert_eq!(without_comment(r"echo \# not a comment"), r"echo \# not a comment");
    }
}
