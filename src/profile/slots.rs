//! Finds the values in an agent file through its template: each `{{field}}` line of the
//! template, rendered with every field left blank (the skeleton), is matched against the file
//! to find where that field's value sits. `init` uses it to keep values filled in by hand and to
//! record what it wrote; `doctor` to read values back.

use crate::report::FieldName;

/// Where the file holds one field's value: the template line around `{{field}}` found again in
/// the file, with the text between its fixed parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub field: FieldName,
    /// 0-based line index in the text searched.
    pub line: usize,
    /// Byte range of the value in the text searched.
    pub range: std::ops::Range<usize>,
    pub value: String,
    /// Byte range of the `{{field}}` in the skeleton.
    pub placeholder: std::ops::Range<usize>,
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
        let Some(field) = FieldName::parse(name) else {
            continue;
        };
        let placeholder = format!("{{{{{field}}}}}");
        let Some(at) = template_line.find(&placeholder) else {
            continue;
        };
        let (prefix, suffix) = (&template_line[..at], &template_line[at + placeholder.len()..]);
        if prefix.trim().len() + suffix.trim().len() < 3 {
            continue;
        }
        let mut candidates = (next..lines.len()).filter(|&i| {
            let line = lines[i].1;
            line.len() >= prefix.len() + suffix.len() && line.starts_with(prefix) && line.ends_with(suffix)
        });
        let (Some(i), None) = (candidates.next(), candidates.next()) else {
            continue;
        };
        next = i + 1;
        let (start, line) = lines[i];
        let range = start + prefix.len()..start + line.len() - suffix.len();
        out.push(Slot {
            field,
            line: i,
            value: text[range.clone()].to_string(),
            range,
            placeholder: template_start + at..template_start + at + placeholder.len(),
        });
    }
    out
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
        assert_eq!(found[0].field, FieldName::TestCommand);
        assert_eq!(found[0].value, "pnpm test");
        assert_eq!(&text[found[0].range.clone()], "pnpm test");
        assert_eq!(found[0].line, 1);
        assert_eq!(found[1].value, "src, lib");
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
