//! `archprompt doctor`: finds `{{placeholder}}`s left in agent files and explains each one from
//! a fresh scan of the repository the file belongs to.

pub mod drift;
pub mod files;
pub mod findings;

use crate::report::FieldName;
pub use files::{default_files, repo_of, written_by_archprompt};
use files::{is_agent_file, regions};
pub use findings::{BrokenEncoding, DoctorStatus, FileDiff, Finding, Findings, Fixed, MissingPath, MissingTask, Stale};

use crate::profile::code_span::wrapped_placeholders;
use crate::profile::render::in_code_span;
use crate::profile::syntax::{PLACEHOLDER, front_matter_value, placeholders};
use crate::profile::targets::{self, Target};
use crate::report::hints;
use crate::report::{Placeholder, Report, State};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Checks `files`: placeholders (each explained by a scan of the file's repository), broken
/// encoding, and, for files archprompt can re-render (a target's file whose template is bundled
/// or in the repository's `.archprompt/templates/`), stale values, missing directories and
/// commands naming missing tasks, with the diff `init --force` would make. With `fix`, each file
/// is repaired in place first and the findings describe it after the repair.
pub fn check(files: &[PathBuf], scan: impl Fn(&Path) -> anyhow::Result<Report>, fix: bool) -> Findings {
    let mut findings = Findings::default();
    let mut reports: BTreeMap<PathBuf, Result<Report, String>> = BTreeMap::new();
    for file in files {
        let shown = file.display().to_string();
        let repo = repo_of(file);
        let text = match crate::fs::read_plain(file, &repo) {
            Ok(text) => text,
            Err(e) => {
                findings.errors.push(format!("{shown}: cannot read: {e}"));
                continue;
            }
        };
        if !is_agent_file(file, &text) {
            findings.errors.push(format!(
                "{shown}: not an agent file (no archprompt record or agent front matter with name and description, and not under .github/agents/, .claude/agents/ or .cursor/rules/): doctor checks the files `archprompt init` writes"
            ));
            continue;
        }
        findings.files_checked.push(shown.clone());
        let report = match reports
            .entry(repo.clone())
            .or_insert_with(|| scan(&repo).map_err(|e| format!("{e:#}")))
        {
            Ok(report) => Some(&*report),
            Err(err) => {
                // Without a scan nothing can be compared: the check itself failed.
                findings
                    .errors
                    .push(format!("{shown}: cannot scan {}: {err}", repo.display()));
                None
            }
        };
        let mut checked = check_text(file, &shown, &text, &repo, report);
        if fix {
            let (repaired, repairs) = checked.repaired;
            // A file linked to another agent file inside the repository is fixed where it lives.
            let target = if std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink()) {
                file.canonicalize().unwrap_or_else(|_| file.clone())
            } else {
                file.clone()
            };
            // A change of the record alone (a file written before records) is written too. A file
            // that is not UTF-8 is not written: its other bytes could not be kept as they are.
            let strict = (repaired != text).then(|| crate::fs::read_text(file, &repo));
            if let Some(Err(err)) = strict {
                findings.errors.push(format!("{shown}: cannot fix: {err}"));
            } else if repaired != text {
                if let Err(err) = crate::profile::write::write(&target, &repaired, true, Some(&repo)) {
                    findings.errors.push(format!("{shown}: cannot fix: {err:#}"));
                } else {
                    findings.fixed.push(Fixed {
                        file: shown.clone(),
                        repairs,
                    });
                    checked = check_text(file, &shown, &repaired, &repo, report);
                }
            }
        }
        findings.absorb(checked.findings);
    }
    findings
}

/// One file's findings, and its text with every repair `--fix` makes (and how many).
struct Checked {
    findings: Findings,
    repaired: (String, usize),
}

fn check_text(file: &Path, shown: &str, original: &str, repo: &Path, report: Option<&Report>) -> Checked {
    let mut findings = Findings::default();
    // Broken encoding is repaired where archprompt's text is: the whole file, or in AGENTS.md
    // its sections. Between them the text is the user's: broken lines there are said, never
    // rewritten. One pass over the regions and the gaps between them.
    let mut text = String::with_capacity(original.len());
    let mut copied = 0;
    let mut outside: Vec<usize> = Vec::new();
    let (found, _) = regions(file, original);
    let sections = found.iter().any(|r| r.target == Some(Target::AgentsMd));
    let line_before = |offset: usize| original[..offset].matches('\n').count();
    let ends = found.iter().map(|r| Some(r.range.clone())).chain(std::iter::once(None));
    for region in ends {
        let gap_end = region.as_ref().map_or(original.len(), |r| r.start);
        let gap = &original[copied..gap_end];
        if sections {
            let first = line_before(copied);
            outside.extend(
                crate::profile::encoding::find(gap)
                    .0
                    .into_iter()
                    .map(|m| m.line + first),
            );
        }
        text.push_str(gap);
        let Some(range) = region else { break };
        let (broken, repaired) = crate::profile::encoding::find(&original[range.clone()]);
        let first_line = line_before(range.start);
        findings.broken_encoding.extend(broken.into_iter().map(|mut line| {
            line.line += first_line;
            BrokenEncoding {
                file: shown.to_string(),
                line,
            }
        }));
        text.push_str(&repaired);
        copied = range.end;
    }
    if let Some(first) = outside.first() {
        findings.notes.push(format!(
            "{shown}: {} line(s) outside archprompt's sections look like broken encoding (the first is line {first}); they are yours, so --fix leaves them",
            outside.len()
        ));
    }
    let mut repairs = findings.broken_encoding.len();
    // Replacements in `text`, applied by --fix.
    let mut edits: Vec<Edit> = Vec::new();
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let (regions, broken) = regions(file, &text);
    findings
        .errors
        .extend(broken.into_iter().map(|why| format!("{shown}: {why}")));
    for region in regions {
        let body = &text[region.range.clone()];
        let first_line = line_of(region.range.start);
        let placeholders_before = findings.placeholders.len();
        for (line, column, name) in placeholders(body) {
            let (why, fix) = explain(&name, report);
            let fillable = report.is_some_and(|r| fresh_value(r, &name).is_some());
            findings.placeholders.push(Finding {
                file: shown.to_string(),
                line: first_line + line - 1,
                column,
                placeholder: name,
                why,
                fix,
                fillable,
            });
        }
        let Some(report) = report else { continue };
        // Placeholders a fresh scan can fill: a field in a code span of its own as the renderer
        // writes it there, span and all.
        let wrapped = wrapped_placeholders(body);
        for m in PLACEHOLDER.captures_iter(body) {
            let whole = m.get(0).expect("group 0");
            let Some(value) = fresh_value(report, &m[1]) else {
                continue;
            };
            let span = wrapped.iter().find(|w| w.range.contains(&whole.start()));
            let (range, text) = match (span, report.field_for(&m[1])) {
                (Some(span), Some(field)) => (span.range.clone(), in_code_span(&m[1], Some(field), &span.wrap)),
                _ => (whole.range(), value),
            };
            edits.push(Edit::repair(
                region.range.start + range.start..region.range.start + range.end,
                text,
            ));
        }
        let (Some(target), Some(name)) = (region.target, region.name.as_deref()) else {
            continue;
        };
        let Some(template) = crate::profile::templates::by_name(name, repo) else {
            findings.unchecked.push(format!(
                "{shown}: drift not checked: no template named `{name}` (bundled or in {}/)",
                crate::profile::templates::REPO_DIR
            ));
            continue;
        };
        let Ok(skeleton) = crate::profile::agent_file::skeleton(&template, report, target, name) else {
            continue;
        };
        let stale_before = findings.stale.len();
        let recorded = crate::profile::record::find(body);
        // The record after the fix: what archprompt will then have written.
        let mut record = recorded.as_ref().map(|(_, values)| values.clone()).unwrap_or_default();
        let at = |range: std::ops::Range<usize>| region.range.start + range.start..region.range.start + range.end;
        // The server-code directories the file names, and whether they are archprompt's
        // (Cursor's globs follow them).
        let mut source_dirs: Option<(String, bool)> = None;
        // Values as an earlier archprompt wrote them: the same values, so not drift.
        let mut earlier_form = 0;
        for slot in crate::profile::slots::slots(&skeleton, body) {
            let line = first_line + slot.line;
            let fresh = fresh_value(report, slot.field.as_str());
            // The text archprompt writes for the fresh value `now` in this slot (in a code span,
            // rendered from the report's field, whose value `now` is).
            let written = |now: &str| match &slot.wrap {
                Some(wrap) => in_code_span(slot.field.as_str(), Some(report.get(slot.field)), wrap),
                None => now.to_string(),
            };
            if PLACEHOLDER.is_match(&slot.value) {
                if let Some(value) = &fresh {
                    record.insert(slot.field.to_string(), crate::profile::record::hash(value));
                }
                continue;
            }
            if fresh.as_deref() == Some(slot.value.as_str()) {
                // What archprompt would write now, whoever wrote it: archprompt's from here on,
                // and written as archprompt writes it now (`none` out of backticks).
                record.insert(slot.field.to_string(), crate::profile::record::hash(&slot.value));
                let now = written(&slot.value);
                if body[slot.range.clone()] != now {
                    earlier_form += 1;
                    edits.push(Edit::repair(at(slot.range.clone()), now));
                }
            }
            let origin = match &recorded {
                None => Origin::Unrecorded,
                Some((_, values)) => match values.get(slot.field.as_str()) {
                    Some(hash) if *hash == crate::profile::record::hash(&slot.value) => Origin::Archprompt,
                    Some(_) => Origin::Edited,
                    None => Origin::FilledByHand,
                },
            };
            // A value archprompt.toml pins is what every agent file gets, over any edit.
            let pinned = report.get(slot.field).pinned;
            let absent = report.get(slot.field).state == State::Absent;
            let ours = matches!(origin, Origin::Archprompt | Origin::Unrecorded) || pinned;
            if slot.field == Placeholder::Field(FieldName::SourceDirs) {
                source_dirs = Some((slot.value.clone(), ours));
            }
            let differs = |now: String, fixable: bool| Stale {
                file: shown.to_string(),
                line,
                field: slot.field.to_string(),
                in_file: slot.value.clone(),
                now,
                evidence: report.get(slot.field).evidence.clone(),
                fixable,
            };
            match fresh {
                Some(now) if now != slot.value && ours => {
                    let fixable = !absent;
                    if fixable {
                        record.insert(slot.field.to_string(), crate::profile::record::hash(&now));
                        edits.push(Edit::repair(at(slot.range.clone()), written(&now)));
                    } else {
                        // Left for a person: still archprompt's value, not an edit.
                        record
                            .entry(slot.field.to_string())
                            .or_insert_with(|| crate::profile::record::hash(&slot.value));
                    }
                    findings.stale.push(differs(now, fixable));
                }
                Some(now) if now != slot.value => findings.edited.push(differs(now, false)),
                _ => {}
            }
            if slot.field.is_directories() {
                for path in crate::doctor::drift::missing_dirs(repo, &slot.value) {
                    findings.missing_paths.push(MissingPath {
                        file: shown.to_string(),
                        line,
                        field: slot.field,
                        path,
                    });
                }
            }
            if slot.field.is_command() {
                for task in crate::doctor::drift::missing_tasks(repo, &slot.value) {
                    findings.missing_tasks.push(MissingTask {
                        file: shown.to_string(),
                        line,
                        field: slot.field,
                        task,
                    });
                }
            }
        }
        if earlier_form > 0 {
            findings.notes.push(format!(
                "{shown}: {earlier_form} value(s) written as an earlier archprompt wrote them (`none` in backticks, or a list of directories in one code span); they are right, so not drift, and `archprompt doctor --fix` writes them as archprompt does now"
            ));
        }
        // Cursor's `globs` are made from the server code's directories: archprompt's while they
        // are the globs of the directories the file names (else someone wrote their own), and
        // stale when those moved.
        if let (Target::Cursor, Some((dirs, dirs_ours))) = (target, &source_dirs) {
            if let Some((range, value)) = front_matter_value(body, "globs") {
                let now = targets::cursor_globs(report);
                let named: Vec<String> = dirs
                    .split(',')
                    .map(|d| d.trim().to_string())
                    .filter(|d| !d.is_empty())
                    .collect();
                let ours = *dirs_ours && value == targets::globs_for(&named);
                if value != now {
                    let finding = Stale {
                        file: shown.to_string(),
                        line: first_line + body[..range.start].matches('\n').count(),
                        field: "globs".to_string(),
                        in_file: value,
                        now: now.clone(),
                        evidence: report.field(FieldName::SourceDirs).evidence.clone(),
                        fixable: ours,
                    };
                    if ours {
                        findings.stale.push(finding);
                        edits.push(Edit::repair(at(range), now));
                    } else {
                        findings.edited.push(finding);
                    }
                }
            }
        }
        // The record follows the values --fix writes (it is bookkeeping, not a repair).
        let line = crate::profile::record::line_for(&record);
        match &recorded {
            Some((range, values)) if *values != record => {
                let ending = if body[range.clone()].ends_with("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                edits.push(Edit::bookkeeping(at(range.clone()), format!("{line}{ending}")));
            }
            Some(_) => {}
            None => {
                let (offset, text) = crate::profile::record::insertion(body, target, &line);
                edits.push(Edit::bookkeeping(at(offset..offset), text));
            }
        }
        // The diff is shown where a re-render would repair something in this region.
        let lines = first_line..first_line + body.matches('\n').count() + 1;
        let repairable = findings.stale.len() > stale_before
            || findings.placeholders[placeholders_before..].iter().any(|p| p.fillable)
            || findings.broken_encoding.iter().any(|b| lines.contains(&b.line.line));
        if repairable {
            if let Ok(fresh) = crate::profile::agent_file::prepare(repo, &template, report, target, Some(file), false) {
                if fresh.content != original {
                    let diff = similar::TextDiff::from_lines(original, fresh.content.as_str())
                        .unified_diff()
                        .context_radius(2)
                        .header(shown, "archprompt init --force")
                        .to_string();
                    findings.diffs.push(FileDiff {
                        file: shown.to_string(),
                        diff,
                    });
                }
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut repaired = text.clone();
    let mut last_start = usize::MAX;
    for edit in edits {
        // Overlapping edits (a slot that is itself a placeholder) apply once.
        if edit.range.end > last_start {
            continue;
        }
        last_start = edit.range.start;
        repaired.replace_range(edit.range, &edit.text);
        repairs += usize::from(edit.repair);
    }
    Checked {
        findings,
        repaired: (repaired, repairs),
    }
}

/// Who wrote a value, going by the file's record (see [`crate::profile::record`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The file keeps no record (written by hand, or by an archprompt before records): a value
    /// that differs from the scan is taken to be stale.
    Unrecorded,
    /// The value is the one archprompt recorded writing.
    Archprompt,
    /// archprompt wrote another value here, and someone changed it.
    Edited,
    /// archprompt left a placeholder here, and someone filled it.
    FilledByHand,
}

/// One replacement `--fix` makes in a file's text.
struct Edit {
    range: std::ops::Range<usize>,
    text: String,
    /// Counted as a repair (not the record's own update).
    repair: bool,
}

impl Edit {
    fn repair(range: std::ops::Range<usize>, text: String) -> Edit {
        Edit {
            range,
            text,
            repair: true,
        }
    }

    fn bookkeeping(range: std::ops::Range<usize>, text: String) -> Edit {
        Edit {
            range,
            text,
            repair: false,
        }
    }
}

/// The value a fresh scan gives `field` (pinned, found or absent) or the extra variable of that
/// name (either by an alias, too), `None` when it cannot tell.
fn fresh_value(report: &Report, name: &str) -> Option<String> {
    // `[values]` may set the alias itself.
    if let Some(Some(value)) = report.variables.get(name) {
        return Some(value.clone());
    }
    let Some(f) = report.field_for(name) else {
        let name = crate::report::aliases::canonical(name);
        // An extra variable (`{{orm}}`), when the scan or archprompt.toml has a value for it.
        return report.variables.get(name).cloned().flatten();
    };
    match f.state {
        State::Unknown => None,
        _ => f.value.clone(),
    }
}

fn explain(name: &str, report: Option<&Report>) -> (String, String) {
    let name = crate::report::aliases::canonical(name);
    let language = report
        .and_then(|r| r.variables.get("language"))
        .and_then(|l| l.as_deref());
    let Some(report) = report else {
        return (
            format!("archprompt looks for {}", hints::looked_for(name)),
            hints::how_to_fill_in(name, language),
        );
    };
    if let Some(field) = report.field_for(name) {
        return match (field.state, &field.value) {
            (State::Unknown, _) | (_, None) => (
                field
                    .hint
                    .clone()
                    .unwrap_or_else(|| hints::looked_for(name).to_string()),
                hints::how_to_fill_in(name, language),
            ),
            (_, Some(value)) => (
                format!("a fresh scan now finds `{value}`"),
                "fill it in place: `archprompt doctor --fix` (or re-render: `archprompt init --force`)".to_string(),
            ),
        };
    }
    match report.variables.get(name) {
        Some(Some(value)) => (
            format!("a fresh scan now finds `{value}`"),
            "fill it in place: `archprompt doctor --fix` (or re-render with your --template: `archprompt init --force`)".to_string(),
        ),
        Some(None) => (format!("the scan could not determine {name}"), hints::how_to_fill_in(name, language)),
        None => (
            format!("`{name}` is not a variable archprompt knows"),
            hints::how_to_fill_in(name, language),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_with_char_columns() {
        let text = "a\n- **DB:** {{database_system}} – x {{ db_command }}\n{{#if x}}\n";
        let found = placeholders(text);
        assert_eq!(
            found,
            vec![
                (2, 11, "database_system".to_string()),
                (2, 35, "db_command".to_string())
            ]
        );
    }
}
