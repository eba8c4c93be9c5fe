//! The coding agents archprompt writes for, each with the file and front matter it reads:
//!
//! - GitHub Copilot custom agents: `.github/agents/NAME.agent.md`, front matter `name` and
//!   `description` (required), kept as the template writes it (it may add `tools`, `model`).
//! - Claude Code subagents: `.claude/agents/NAME.md`, front matter `name` (lowercase letters and
//!   hyphens) and `description`, both required.
//! - AGENTS.md: plain Markdown without front matter; archprompt owns one delimited section per
//!   agent and leaves every byte outside its markers alone.
//! - Cursor project rules: `.cursor/rules/NAME.mdc`, front matter `description`, `globs` (a
//!   comma-separated list, not YAML) and `alwaysApply`.

use crate::profile::syntax::{split_front_matter, uses_crlf};
use crate::report::FieldName;
use crate::report::Report;
use crate::report::markers::{BEGIN, END};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// GitHub Copilot custom agent: .github/agents/NAME.agent.md
    Copilot,
    /// Claude Code subagent: .claude/agents/NAME.md
    Claude,
    /// A section between archprompt's markers in AGENTS.md
    AgentsMd,
    /// Cursor project rule: .cursor/rules/NAME.mdc
    Cursor,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Copilot, Target::Claude, Target::AgentsMd, Target::Cursor];

    pub fn as_str(self) -> &'static str {
        match self {
            Target::Copilot => "copilot",
            Target::Claude => "claude",
            Target::AgentsMd => "agents-md",
            Target::Cursor => "cursor",
        }
    }

    /// The directory (repo-relative) an agent's own files live in, and the suffix of their
    /// names; `None` for AGENTS.md, whose agents are sections of one file. The one place that
    /// knows where each agent reads its files.
    pub fn home(self) -> Option<(&'static str, &'static str)> {
        match self {
            Target::Copilot => Some((".github/agents", ".agent.md")),
            Target::Claude => Some((".claude/agents", ".md")),
            Target::AgentsMd => None,
            Target::Cursor => Some((".cursor/rules", ".mdc")),
        }
    }

    /// The extension of the files in the agent's directory (Copilot also reads plain `.md`).
    pub fn extension(self) -> Option<&'static str> {
        self.home()
            .map(|(_, suffix)| suffix.rsplit('.').next().unwrap_or(suffix))
    }

    /// The repo-relative file the agent named `name` lives in.
    pub fn file(self, name: &str) -> String {
        match self.home() {
            Some((dir, suffix)) => format!("{dir}/{name}{suffix}"),
            None => AGENTS_MD.to_string(),
        }
    }

    /// The target and agent name of an agent file, from where it sits (`None` for a file that
    /// is no target's, or AGENTS.md, whose agents are its sections).
    pub fn of_file(path: &Path) -> Option<(Target, String)> {
        let file = path.file_name()?.to_str()?;
        let dir = path.parent()?;
        for target in Target::ALL {
            let Some((home, suffix)) = target.home() else {
                continue;
            };
            if dir.ends_with(home) {
                let extension = target.extension().map(|e| format!(".{e}"))?;
                let name = file.strip_suffix(suffix).or_else(|| file.strip_suffix(&extension))?;
                return Some((target, name.to_string()));
            }
        }
        None
    }
}

pub const AGENTS_MD: &str = "AGENTS.md";

/// The targets a repository already uses, each with the file or directory that shows it, in
/// [`Target::ALL`] order. Empty when it uses none.
pub fn in_use(repo: &Path) -> Vec<(Target, &'static str)> {
    let signs: [(Target, &[&str]); 4] = [
        (Target::Copilot, &[".github/agents", ".github/copilot-instructions.md"]),
        (Target::Claude, &[".claude", "CLAUDE.md"]),
        (Target::AgentsMd, &[AGENTS_MD]),
        (Target::Cursor, &[".cursor", ".cursorrules"]),
    ];
    // A CLAUDE.md that only imports AGENTS.md (`@AGENTS.md`) means Claude reads AGENTS.md: the
    // AGENTS.md section serves it, and a subagent would say the same twice.
    let claude_reads_agents_md = !repo.join(".claude").exists()
        && repo.join(AGENTS_MD).is_file()
        && crate::fs::read_plain(&repo.join("CLAUDE.md"), repo).is_ok_and(|text| imports_agents_md(&text));
    signs
        .into_iter()
        .filter(|(target, _)| !(*target == Target::Claude && claude_reads_agents_md))
        .filter_map(|(target, paths)| {
            let sign = paths.iter().find(|p| repo.join(p).exists())?;
            Some((target, *sign))
        })
        .collect()
}

/// Whether a CLAUDE.md imports AGENTS.md: `@AGENTS.md` as a word of its own (Claude Code's
/// import syntax), not `@AGENTS.md.old` or a path that merely ends so.
fn imports_agents_md(text: &str) -> bool {
    text.split_whitespace()
        .any(|word| word.trim_end_matches(['.', ',', ';', ':', ')']) == "@AGENTS.md" || word == "@./AGENTS.md")
}

/// Whether the front matter has a top-level `key:` line.
fn has_key(front: Option<&str>, key: &str) -> bool {
    front.is_some_and(|f| {
        f.lines()
            .any(|l| l.strip_prefix(key).is_some_and(|rest| rest.starts_with(':')))
    })
}

/// `front` with its top-level `key:` line saying `value` (a plain YAML word).
fn with_key(front: &str, key: &str, value: &str) -> String {
    front
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix(key) {
            Some(rest) if rest.starts_with(':') => format!("{key}: {value}\n"),
            _ => line.to_string(),
        })
        .collect()
}

/// A string key of the front matter, if it parses as YAML and has it.
fn front_matter_key(front: Option<&str>, key: &str) -> Option<String> {
    let doc: serde_json::Value = serde_saphyr::from_str(front?).ok()?;
    doc.get(key)?.as_str().map(str::to_string)
}

/// The agent's description: the template's own, else one made from its name.
pub fn description(rendered: &str, name: &str) -> String {
    let (front, _) = split_front_matter(rendered);
    front_matter_key(front, "description").unwrap_or_else(|| format!("{} for this repository", name.replace('-', " ")))
}

/// The file content for `target` from the rendered template. For AGENTS.md it is the section
/// (markers included) that [`splice`] puts into the file.
pub fn shape(target: Target, rendered: &str, name: &str, report: &Report) -> String {
    let (front, body) = split_front_matter(rendered);
    let description = description(rendered, name);
    match target {
        Target::Copilot | Target::Claude => {
            // Both require `name` and `description`: a template without them gets them. Keys are
            // found as text, so a front matter YAML cannot parse still gets no second copy.
            let mut missing = String::new();
            if !has_key(front, "name") {
                missing.push_str(&format!("name: {name}\n"));
            }
            if !has_key(front, "description") {
                missing.push_str(&format!("description: {}\n", yaml_string(&description)));
            }
            // Claude Code takes only lowercase letters and hyphens: its `name` is the agent's.
            let front = match (target, front) {
                (Target::Claude, Some(front)) => Some(with_key(front, "name", name)),
                (_, front) => front.map(str::to_string),
            };
            match front {
                Some(front) if missing.is_empty() && rendered.starts_with(&format!("---\n{front}")) => {
                    rendered.to_string()
                }
                Some(front) => format!("---\n{missing}{front}---\n{body}"),
                None => format!("---\n{missing}---\n\n{body}"),
            }
        }
        Target::Cursor => {
            // An "agent requested" rule (its description tells Cursor when to use it) that is
            // also attached whenever a file under the server code is in the chat.
            format!(
                "---\ndescription: {}\nglobs: {}\nalwaysApply: false\n---\n{body}",
                yaml_string(&description),
                cursor_globs(report)
            )
        }
        Target::AgentsMd => {
            let title = title_of(name);
            let body = demote_headings(body.trim_matches('\n'));
            format!(
                "{}\n## {title}\n\n{description}\n\n{body}\n{}\n",
                begin_marker(name),
                end_marker(name)
            )
        }
    }
}

/// `text` as a YAML scalar: bare when every YAML reader reads it back unchanged, else
/// double-quoted.
fn yaml_string(text: &str) -> String {
    if crate::profile::syntax::is_plain_safe(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("strings serialize")
    }
}

/// Cursor's `globs`: every directory of the server code, as `dir/**`, comma-separated; empty
/// when the code sits at the root or is unknown (the description alone then attaches the rule).
pub fn cursor_globs(report: &Report) -> String {
    match report
        .fields
        .get(&FieldName::SourceDirs)
        .and_then(|f| f.items.as_deref())
    {
        Some(items) => globs_for(items),
        None => String::new(),
    }
}

/// `dir/**` for each directory, comma-separated; empty when one of them is the root or cannot
/// be written as a glob.
pub fn globs_for(dirs: &[String]) -> String {
    let globs: Vec<String> = dirs
        .iter()
        .filter(|dir| dir.as_str() != "." && !dir.is_empty() && !dir.contains([',', ' ', '{', '}']))
        .map(|dir| {
            let dir = dir.trim_end_matches('/');
            if dir.ends_with("**") {
                dir.to_string()
            } else {
                format!("{dir}/**")
            }
        })
        .collect();
    if globs.len() == dirs.len() {
        globs.join(",")
    } else {
        String::new()
    }
}

/// `Backend Architect` for `backend-architect`.
fn title_of(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each Markdown heading one level deeper (outside code fences), so the body nests under the
/// section's own `##` heading in AGENTS.md.
fn demote_headings(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 32);
    let mut fence: Option<&str> = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        match (fence, marker) {
            (None, Some(m)) => fence = Some(m),
            (Some(open), Some(m)) if open == m => fence = None,
            _ => {}
        }
        let heading = fence.is_none()
            && marker.is_none()
            && line.starts_with('#')
            && line.trim_start_matches('#').starts_with([' ', '\t'])
            && line.len() - line.trim_start_matches('#').len() < 6;
        if heading {
            out.push('#');
        }
        out.push_str(line);
    }
    out
}

pub fn begin_marker(name: &str) -> String {
    format!("{BEGIN}{name} (written by `archprompt init`; edits outside these markers are kept) -->")
}

pub fn end_marker(name: &str) -> String {
    format!("{END}{name} -->")
}

/// The byte range of the section for agent `name` in `text`, both marker lines included;
/// `None` without one, or when its markers are broken (see [`section`]).
pub fn section_range(text: &str, name: &str) -> Option<std::ops::Range<usize>> {
    section(text, name).ok().flatten()
}

/// The section for agent `name`: `Ok(None)` when `text` has none, an error naming the line when
/// its begin marker is not closed before the next begin marker of the same name or the end of the
/// file. Then nothing may be replaced: what the section holds is not known.
pub fn section(text: &str, name: &str) -> Result<Option<std::ops::Range<usize>>, String> {
    let begin_prefix = format!("{BEGIN}{name} ");
    let begin_exact = format!("{BEGIN}{name} -->");
    let end = end_marker(name);
    let is_begin = |at: usize| text[at..].starts_with(&begin_prefix) || text[at..].starts_with(&begin_exact);
    let Some(start) = line_starts(text).find(|&at| is_begin(at)) else {
        return Ok(None);
    };
    let closing = line_starts(text)
        .filter(|&at| at > start)
        .find(|&at| text[at..].starts_with(&end) || is_begin(at));
    match closing {
        Some(end_at) if text[end_at..].starts_with(&end) => {
            let line_end = text[end_at..].find('\n').map_or(text.len(), |n| end_at + n + 1);
            Ok(Some(start..line_end))
        }
        _ => {
            let line = text[..start].matches('\n').count() + 1;
            Err(format!(
                "line {line} opens archprompt's `{name}` section, but no `{end}` closes it; put that line back where the section ends"
            ))
        }
    }
}

/// The names of the archprompt sections in an AGENTS.md, in file order.
pub fn section_names(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.strip_prefix(BEGIN))
        .filter_map(|rest| rest.split([' ', '\t']).next())
        .filter(|name| !name.is_empty() && *name != "-->")
        .map(str::to_string)
        .collect()
}

fn line_starts(text: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(move |&i| i < text.len())
}

/// AGENTS.md with `section` in place of the agent's old section, or appended after a blank line
/// when it has none; every byte outside the section stays as it was.
pub fn splice(existing: Option<&str>, name: &str, section: &str) -> String {
    let Some(existing) = existing.filter(|t| !t.is_empty()) else {
        return section.to_string();
    };
    if let Some(range) = section_range(existing, name) {
        let mut out = String::with_capacity(existing.len() + section.len());
        out.push_str(&existing[..range.start]);
        out.push_str(section);
        out.push_str(&existing[range.end..]);
        return out;
    }
    let newline = if uses_crlf(existing) { "\r\n" } else { "\n" };
    let separator = if existing.ends_with(&newline.repeat(2)) {
        String::new()
    } else if existing.ends_with(newline) {
        newline.to_string()
    } else {
        newline.repeat(2)
    };
    format!("{existing}{separator}{section}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_section_is_replaced_in_place_and_nothing_else_moves() {
        let section = format!("{}\nnew\n{}\n", begin_marker("a"), end_marker("a"));
        let old = format!(
            "# Ours\r\nkeep me\n\n{}\nold\n{}\n\ntail  \n",
            begin_marker("a"),
            end_marker("a")
        );
        let spliced = splice(Some(&old), "a", &section);
        assert_eq!(spliced, format!("# Ours\r\nkeep me\n\n{section}\ntail  \n"));
        assert_eq!(
            splice(Some("no newline"), "a", &section),
            format!("no newline\n\n{section}")
        );
        assert_eq!(splice(None, "a", &section), section);
        assert_eq!(section_names(&spliced), vec!["a".to_string()]);
    }

    #[test]
    fn an_unclosed_section_is_an_error_not_a_guess() {
        let open = format!("intro\n{}\nmine\n", begin_marker("a"));
        assert!(section(&open, "a").unwrap_err().starts_with("line 2 opens"));
        let twice = format!(
            "{}\nx\n{}\ny\n{}\n",
            begin_marker("a"),
            begin_marker("a"),
            end_marker("a")
        );
        assert!(section(&twice, "a").is_err());
        assert_eq!(section("no markers\n", "a"), Ok(None));
        let other = format!("{}\n{}\n", begin_marker("b"), end_marker("b"));
        assert_eq!(section(&other, "a"), Ok(None));
    }

    #[test]
    fn only_a_real_import_of_agents_md_counts() {
        assert!(imports_agents_md("Read @AGENTS.md\n"));
        assert!(imports_agents_md("# Claude\n\n@AGENTS.md\n"));
        assert!(!imports_agents_md("Our rules. The old file was @AGENTS.md.old\n"));
        assert!(!imports_agents_md("See docs/AGENTS.md\n"));
    }

    #[test]
    fn headings_nest_under_the_section_but_not_inside_code() {
        let body = "## Role\ntext\n```sh\n# a comment\n```\n#hashtag\n### Deep\n";
        assert_eq!(
            demote_headings(body),
            "### Role\ntext\n```sh\n# a comment\n```\n#hashtag\n#### Deep\n"
        );
    }

    #[test]
    fn front_matter_is_split_at_its_closing_line() {
        assert_eq!(split_front_matter("---\na: 1\n---\nbody\n"), (Some("a: 1\n"), "body\n"));
        assert_eq!(split_front_matter("body\n"), (None, "body\n"));
        assert_eq!(split_front_matter("---\nunclosed\n"), (None, "---\nunclosed\n"));
    }

    #[test]
    fn claude_gets_a_valid_name_and_no_key_twice() {
        let report = empty_report();
        let rendered = "---\nname: API Expert\ndescription: bad: yaml: here\n---\nBody\n";
        let claude = shape(Target::Claude, rendered, "api-expert", &report);
        assert_eq!(
            claude,
            "---\nname: api-expert\ndescription: bad: yaml: here\n---\nBody\n"
        );
        let copilot = shape(Target::Copilot, rendered, "api-expert", &report);
        assert_eq!(copilot, rendered, "Copilot takes a display name as it is");
    }

    fn empty_report() -> Report {
        Report::unknown(".", "not scanned")
    }

    #[test]
    fn descriptions_are_quoted_only_when_yaml_needs_it() {
        assert_eq!(yaml_string("Backend architect, APIs"), "Backend architect, APIs");
        assert_eq!(yaml_string("Use: always"), "\"Use: always\"");
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(title_of("backend-architect"), "Backend Architect");
    }

    #[test]
    fn agent_files_map_back_to_their_target() {
        let of = |p: &str| Target::of_file(Path::new(p));
        assert_eq!(
            of("r/.github/agents/api.agent.md"),
            Some((Target::Copilot, "api".into()))
        );
        assert_eq!(of(".claude/agents/api.md"), Some((Target::Claude, "api".into())));
        assert_eq!(of(".cursor/rules/api.mdc"), Some((Target::Cursor, "api".into())));
        assert_eq!(of("AGENTS.md"), None);
    }
}
