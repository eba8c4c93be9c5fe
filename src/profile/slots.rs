//! Finds the values in an agent file through its template: each `{{field}}` line of the
//! template, rendered with every field left blank (the skeleton), is matched against the file
//! to find where that field's value sits. `init` uses it to keep values filled in by hand and to
//! record what it wrote; `doctor` to read values back.
//!
//! A field the template writes as a code span of its own is read in each form archprompt writes
//! it: the value in the span, `none` out of it, directories one span each, and the one span
//! around a whole list that archprompt wrote before (see [`crate::profile::render::in_code_span`]).

use crate::profile::code_span::{Wrap, code_spans, wrapped_placeholders};
use crate::report::Placeholder;

/// Where the file holds one field's value: the template line around `{{field}}` found again in
/// the file, with the text between its fixed parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub field: Placeholder,
    /// 0-based line index in the text searched.
    pub line: usize,
    /// Byte range of the value as written in the text searched: with the backticks of its code
    /// span when the template wraps the field in one.
    pub range: std::ops::Range<usize>,
    /// The value the file states, as the report writes it: `src, tests` whether the file has
    /// `` `src`, `tests` `` or `` `src, tests` ``, `none` with or without backticks.
    pub value: String,
    /// Byte range of the `{{field}}` in the skeleton, with its code span's backticks when the
    /// template wraps the field in one.
    pub placeholder: std::ops::Range<usize>,
    /// The code span the template wraps the field in, if it does.
    pub wrap: Option<Wrap>,
}

/// The fields' slots in `text`, located through `skeleton` (the template rendered with every
/// field left as its `{{field}}`). A skeleton line is used when it holds exactly one field and
/// enough fixed text around it to be recognised, outside the front matter (where values are
/// YAML-escaped). It is matched to the one line of `text`, after the line the previous slot
/// matched, that starts and ends the same way; when several do, the slot is left out rather than
/// guessed, so a line someone added that happens to look alike is never taken for a value.
pub fn slots(skeleton: &str, text: &str) -> Vec<Slot> {
    let lines: Vec<(usize, &str)> = line_spans(text);
    let text_body = body_start(text);
    let skeleton_body = body_start(skeleton);
    let wrapped = wrapped_placeholders(skeleton);
    let mut next = lines
        .iter()
        .position(|(start, _)| *start >= text_body)
        .unwrap_or(lines.len());
    let mut out = Vec::new();
    for (template_start, template_line) in line_spans(skeleton) {
        if template_start < skeleton_body {
            continue;
        }
        let found = crate::profile::syntax::placeholders(template_line);
        let [(_, _, name)] = found.as_slice() else { continue };
        let Some(field) = Placeholder::parse(name) else {
            continue;
        };
        // The skeleton writes an unknown field as the template named it, alias or not.
        let placeholder = format!("{{{{{name}}}}}");
        let Some(at) = template_line.find(&placeholder) else {
            continue;
        };
        let (prefix, suffix) = (&template_line[..at], &template_line[at + placeholder.len()..]);
        if prefix.trim().len() + suffix.trim().len() < 3 {
            continue;
        }
        // In a code span the backticks are part of the value's form, not fixed text.
        let span = wrapped
            .iter()
            .find(|w| w.range.contains(&(template_start + at)))
            .map(|w| (w.range.start - template_start..w.range.end - template_start, &w.wrap));
        let (outer, wrap) = match span {
            Some((range, wrap)) => (range, Some(wrap)),
            None => (at..at + placeholder.len(), None),
        };
        let (prefix, suffix) = (&template_line[..outer.start], &template_line[outer.end..]);
        let read = |line: &str| -> Option<String> {
            let fits = line.len() >= prefix.len() + suffix.len() && line.starts_with(prefix) && line.ends_with(suffix);
            let written = fits.then(|| &line[prefix.len()..line.len() - suffix.len()])?;
            match wrap {
                Some(wrap) => read_wrapped(field, written, wrap),
                None => Some(written.to_string()),
            }
        };
        let mut candidates = (next..lines.len()).filter_map(|i| Some((i, read(lines[i].1)?)));
        let (Some((i, value)), None) = (candidates.next(), candidates.next()) else {
            continue;
        };
        next = i + 1;
        let (start, line) = lines[i];
        out.push(Slot {
            field,
            line: i,
            value,
            range: start + prefix.len()..start + line.len() - suffix.len(),
            placeholder: template_start + outer.start..template_start + outer.end,
            wrap: wrap.cloned(),
        });
    }
    out
}

/// The value `written` states where the template wraps `field` in the code span `wrap`, in any
/// form archprompt writes there; `None` when it is none of them.
fn read_wrapped(field: Placeholder, written: &str, wrap: &Wrap) -> Option<String> {
    if written == crate::report::ABSENT_TEXT {
        return Some(written.to_string());
    }
    if field.is_directories() {
        if let Some(dirs) = code_spans(written) {
            return Some(dirs.join(", "));
        }
    }
    // The value in the template's own span: any value but a list today, and before, any value.
    wrap.strip(written).map(str::to_string)
}

/// Where the text after a front matter block starts (0 without one).
fn body_start(text: &str) -> usize {
    match crate::profile::syntax::split_front_matter(text) {
        (Some(_), body) => text.len() - body.len(),
        (None, _) => 0,
    }
}

/// Each line's start offset and text without its line ending.
fn line_spans(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::FieldName;

    #[test]
    fn slots_are_found_through_the_template_lines() {
        let skeleton = "- **Run Tests:** `{{test_command}}`\n  - `{{source_dirs}}` – Server code\n{{tech_stack}}\n";
        let text = "intro\n- **Run Tests:** `pnpm test`\n  - `src, lib` – Server code\nNode\n";
        let found = slots(skeleton, text);
        assert_eq!(
            found.len(),
            2,
            "a bare placeholder line is too vague to match: {found:?}"
        );
        assert_eq!(found[0].field, FieldName::TestCommand.into());
        assert_eq!(found[0].value, "pnpm test");
        assert_eq!(
            &text[found[0].range.clone()],
            "`pnpm test`",
            "the range has the span's backticks"
        );
        assert_eq!(found[0].line, 1);
        assert_eq!(found[1].value, "src, lib");
    }

    #[test]
    fn values_in_code_spans_read_back_in_every_form_archprompt_writes() {
        let skeleton = "- **Migrate:** `{{migration_command}}`\n  - `{{source_dirs}}` – Server code\n  - `{{test_dirs}}` – Test files\n- **Build:** `` {{build_command}} ``\n";
        let read = |text: &str| -> Vec<(Placeholder, String, String)> {
            slots(skeleton, text)
                .into_iter()
                .map(|s| (s.field, s.value, text[s.range].to_string()))
                .collect()
        };
        let now = "- **Migrate:** none\n  - `src`, ``a`b`` – Server code\n  - none – Test files\n- **Build:** `` make `x` ``\n";
        assert_eq!(
            read(now),
            [
                (FieldName::MigrationCommand.into(), "none".into(), "none".into()),
                (FieldName::SourceDirs.into(), "src, a`b".into(), "`src`, ``a`b``".into()),
                (FieldName::TestDirs.into(), "none".into(), "none".into()),
                (
                    FieldName::BuildCommand.into(),
                    "make `x`".into(),
                    "`` make `x` ``".into()
                ),
            ]
        );
        // As archprompt wrote them before: the same values.
        let before = "- **Migrate:** `none`\n  - `src, lib` – Server code\n  - `{{test_dirs}}` – Test files\n- **Build:** `` none ``\n";
        let values: Vec<String> = read(before).into_iter().map(|(_, value, _)| value).collect();
        assert_eq!(values, ["none", "src, lib", "{{test_dirs}}", "none"]);
        // Text in none of those forms is not a value: prose where a command goes, a directory
        // out of its span, a half-open span, several spans where one command goes.
        let neither = "- **Migrate:** run it by hand\n  - src – Server code\n  - `tests – Test files\n- **Build:** `make`, `npm`\n";
        assert_eq!(read(neither), []);
    }

    #[test]
    fn a_slot_in_a_code_span_maps_onto_the_span_of_the_skeleton() {
        // `init` carries a value over by replacing the skeleton's span with the file's text.
        let skeleton = "- **DB:** `{{db_command}}`\n";
        let found = slots(skeleton, "- **DB:** `psql app`\n");
        assert_eq!(&skeleton[found[0].placeholder.clone()], "`{{db_command}}`");
        assert_eq!(found[0].wrap.as_ref().map(|w| w.around("x")), Some("`x`".to_string()));
        let plain = slots("- **DB:** {{db_command}} shell\n", "- **DB:** psql shell\n");
        assert_eq!((plain[0].value.as_str(), plain[0].wrap.is_none()), ("psql", true));
    }

    #[test]
    fn a_look_alike_line_is_never_taken_for_a_value() {
        let skeleton = "---\ndescription: {{db_command}} tool\n---\n**{{backend_framework}}**\n- **Run Tests:** `{{test_command}}`\n";
        // Someone added a bold line of their own: two lines look like the framework's.
        let text = "---\ndescription: psql tool\n---\n**Read this first: never push to main**\n**Express**\n- **Run Tests:** `npm test`\n";
        let found = slots(skeleton, text);
        let fields: Vec<&str> = found.iter().map(|s| s.field.as_str()).collect();
        assert_eq!(
            fields,
            ["test_command"],
            "ambiguous and front-matter slots are left out"
        );
    }
}
