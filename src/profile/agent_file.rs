//! The agent file `init` writes for one target: the template rendered, shaped for the agent,
//! with its record of what archprompt filled in, and the values filled in by hand in the file
//! already there carried over. Writing it is [`crate::profile::write`]'s.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

use crate::profile::syntax::uses_crlf;
use crate::profile::targets::{self, Target};
use crate::profile::templates::Template;
use crate::profile::templates::agent_name;
use crate::report::{Placeholder, Report};

/// One agent file `init` would write: where, what, and whether writing it over the file that is
/// there needs `--force`.
#[derive(Debug)]
pub struct AgentFile {
    pub target: Target,
    pub path: PathBuf,
    /// The whole file as it would be written (for AGENTS.md: with the section spliced in).
    pub content: String,
    /// Values filled in by hand that were carried over into `content`.
    pub kept: usize,
    /// False when only archprompt's own part is new: an AGENTS.md without its section yet.
    pub overwrites: bool,
    /// archprompt's part of `content`: all of it, or for AGENTS.md the section.
    pub ours: String,
    /// Placeholders archprompt fills that are left in `ours` (its value unknown).
    pub left: Vec<String>,
}

/// Renders `template` for `target` and works out the file it goes to (`output`, else the
/// target's place in `repo`), carrying over values filled in by hand where archprompt would
/// leave a placeholder. With `raw`, the template is rendered as it is, in no agent's format
/// (for `--stdout` and `--output` without `--target`).
pub fn prepare(
    repo: &Path,
    template: &Template,
    report: &Report,
    target: Target,
    output: Option<&Path>,
    raw: bool,
) -> Result<AgentFile> {
    let rendered = crate::profile::render::render(&template.text, report)?;
    let name = agent_name(template, &rendered);
    // An agent's file records what archprompt wrote, so doctor can tell edits from drift.
    let skeleton = if raw {
        None
    } else {
        Some(skeleton(template, report, target, &name)?)
    };
    let shaped = match &skeleton {
        None => rendered,
        Some(skeleton) => {
            let shaped = targets::shape(target, &rendered, &name, report);
            // The record holds what doctor can read back: the values on the template's own lines.
            let record = crate::profile::record::line_for(&crate::profile::record::of_slots(skeleton, &shaped));
            crate::profile::record::insert(&shaped, target, &record)
        }
    };
    // A file an earlier archprompt wrote, untouched since, is updated without --force.
    let edited = |old: &str, new: &str| !skeleton.as_deref().is_some_and(|s| same_but_for_form(s, old, new));
    let path = output.map_or_else(|| repo.join(target.file(&name)), Path::to_path_buf);
    // An --output file is the user's, wherever it is: bounded by its own directory.
    let within = match output.and_then(Path::parent) {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        Some(_) => Path::new("."),
        None => repo,
    };
    // AGENTS.md is the user's file around archprompt's section: read strictly, so a byte that is
    // not UTF-8 stops init instead of being lost.
    let read = if target == Target::AgentsMd && !raw {
        crate::fs::read_text
    } else {
        crate::fs::read_plain
    };
    let existing = match read(&path, within) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    // A file kept with Windows line ends gets them in archprompt's part too.
    let shaped = if existing.as_deref().is_some_and(uses_crlf) {
        shaped.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        shaped
    };
    let unknown = report.unknown_placeholders();
    let (content, kept, overwrites, ours) = match (target, &existing) {
        (Target::AgentsMd, _) if !raw => {
            let old_section = match existing.as_deref() {
                Some(text) => targets::section(text, &name)
                    .map_err(|why| anyhow::anyhow!("{}: {why}", path.display()))?
                    .map(|r| text[r].to_string()),
                None => None,
            };
            let (section, kept) = match &old_section {
                Some(old) => keep_hand_filled(&shaped, old, &unknown),
                None => (shaped, 0),
            };
            let content = targets::splice(existing.as_deref(), &name, &section);
            let overwrites = old_section.as_deref().is_some_and(|old| edited(old, &section));
            (content, kept, overwrites, section)
        }
        (_, Some(old)) => {
            let (content, kept) = keep_hand_filled(&shaped, old, &unknown);
            (content.clone(), kept, edited(old, &content), content)
        }
        (_, None) => (shaped.clone(), 0, false, shaped),
    };
    let left = crate::profile::render::left_in(report, &ours).ours;
    Ok(AgentFile {
        target,
        path,
        content,
        kept,
        overwrites,
        ours,
        left,
    })
}

/// The template rendered for `target` with every field left as `{{field}}`: the fixed text each
/// value sits in, to find the values in a file written from it ([`crate::profile::slots::slots`]).
pub fn skeleton(template: &Template, report: &Report, target: Target, name: &str) -> Result<String> {
    let mut blank = report.clone();
    for field in blank.fields.values_mut().chain(blank.extras.values_mut()) {
        field.state = crate::report::State::Unknown;
    }
    let rendered = crate::profile::render::render(&template.text, &blank)?;
    Ok(targets::shape(target, &rendered, name, report))
}

/// Whether `old` holds what `new` holds in an earlier form: the same values on the template's
/// lines (read back as values: `` `none` `` and none, `` `src, tests` `` and `` `src`, `tests` ``)
/// and every other line the same.
fn same_but_for_form(skeleton: &str, old: &str, new: &str) -> bool {
    let (before, after) = (
        crate::profile::slots::slots(skeleton, old),
        crate::profile::slots::slots(skeleton, new),
    );
    let same_values = before.len() == after.len()
        && before
            .iter()
            .zip(&after)
            .all(|(b, a)| b.field == a.field && b.value == a.value);
    let rest = |text: &str, slots: &[crate::profile::slots::Slot]| -> Vec<String> {
        text.lines()
            .enumerate()
            .filter(|(i, _)| !slots.iter().any(|s| s.line == *i))
            .map(|(_, line)| line.to_string())
            .collect()
    };
    same_values && rest(old, &before) == rest(new, &after)
}

/// The targets to write for `repo`: those asked for, else those the repository already uses
/// (with what shows each), else Copilot's.
pub fn pick_targets(asked: &[Target], repo: &Path) -> (Vec<Target>, Vec<&'static str>) {
    if !asked.is_empty() {
        let mut unique: Vec<Target> = Vec::new();
        for t in asked {
            if !unique.contains(t) {
                unique.push(*t);
            }
        }
        return (unique, Vec::new());
    }
    let used = targets::in_use(repo);
    if used.is_empty() {
        return (vec![Target::Copilot], Vec::new());
    }
    used.into_iter().unzip()
}

/// Carries values a person filled in by hand into freshly rendered `content`: where `content`
/// still has `{{field}}` for one of `unfilled`, and `existing` has a line with the same text
/// around it ([`crate::profile::slots::slots`]), the existing line's value is kept as it is
/// written there (backticks and all). Returns the merged text and how many were kept.
pub fn keep_hand_filled(content: &str, existing: &str, unfilled: &[Placeholder]) -> (String, usize) {
    let mut kept: Vec<(std::ops::Range<usize>, String)> = crate::profile::slots::slots(content, existing)
        .into_iter()
        .filter(|slot| unfilled.contains(&slot.field))
        .filter(|slot| !slot.value.trim().is_empty() && !slot.value.contains("{{"))
        .map(|slot| (slot.placeholder, existing[slot.range].to_string()))
        .collect();
    kept.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = content.to_string();
    for (range, value) in &kept {
        out.replace_range(range.clone(), value);
    }
    (out, kept.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FieldName;

    #[test]
    fn hand_filled_values_survive_a_re_render() {
        let rendered = "- **DB:** `{{db_command}}`\n- **Test:** `{{test_command}}`\n- x\n";
        let existing = "- **DB:** `psql app`\n- **Test:** `{{test_command}}`\n- old\n";
        let (merged, kept) = keep_hand_filled(
            rendered,
            existing,
            &[FieldName::DbCommand.into(), FieldName::TestCommand.into()],
        );
        assert_eq!(merged, "- **DB:** `psql app`\n- **Test:** `{{test_command}}`\n- x\n");
        assert_eq!(kept, 1);
        // A file saved with Windows line ends keeps its value too.
        let (merged, kept) = keep_hand_filled(
            rendered,
            &existing.replace('\n', "\r\n"),
            &[FieldName::DbCommand.into()],
        );
        assert_eq!((merged.lines().next(), kept), (Some("- **DB:** `psql app`"), 1));
    }

    #[test]
    fn a_hand_filled_value_in_a_code_span_is_kept_as_written() {
        let rendered = "  - `{{source_dirs}}` – Server code\n- **DB:** `{{db_command}}`\n";
        let existing = "  - `api`, `worker` – Server code\n- **DB:** none\n";
        let (merged, kept) = keep_hand_filled(
            rendered,
            existing,
            &[FieldName::SourceDirs.into(), FieldName::DbCommand.into()],
        );
        assert_eq!((merged.as_str(), kept), (existing, 2));
    }
}
