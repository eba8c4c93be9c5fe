//! The syntax of templates and agent files that every other part of `profile` reads: `{{name}}`
//! placeholders, the `---` front matter block, and the line-end convention of a file.

use regex::Regex;
use std::sync::LazyLock;

/// A `{{name}}` placeholder (spaces allowed inside the braces), the name captured.
pub const PLACEHOLDER_PATTERN: &str = r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}";

/// Every `{{name}}` in `text`, as (line, column, name), both 1-based.
pub fn placeholders(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for caps in PLACEHOLDER.captures_iter(line) {
            let start = caps.get(0).map(|m| m.start()).unwrap_or(0);
            let column = line[..start].chars().count() + 1;
            out.push((i + 1, column, caps[1].to_string()));
        }
    }
    out
}

/// The variables a template uses, each once, in the order they first appear.
pub fn variables(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, _, name) in crate::profile::syntax::placeholders(text) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Whether most of `text`'s lines end with CRLF: then what archprompt adds ends so too.
pub fn uses_crlf(text: &str) -> bool {
    let lines = text.matches('\n').count();
    lines > 0 && text.matches("\r\n").count() * 2 > lines
}

/// The rendered template's front matter (without its `---` lines) and body. Without a front
/// matter block the whole text is the body.
pub fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (None, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return (Some(&rest[..offset]), body);
        }
        offset += line.len();
    }
    (None, text)
}

/// The byte range and text of a top-level `key:` value in `text`'s front matter (as written,
/// not parsed: Cursor's `globs` is not YAML).
pub fn front_matter_value(text: &str, key: &str) -> Option<(std::ops::Range<usize>, String)> {
    let (Some(front), _) = split_front_matter(text) else {
        return None;
    };
    let front_start = text.find('\n')? + 1;
    let mut offset = front_start;
    for line in front.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let value = rest.trim_end_matches(['\n', '\r']);
            let lead = value.len() - value.trim_start().len();
            let start = offset + key.len() + 1 + lead;
            let value = value.trim();
            return Some((start..start + value.len(), value.to_string()));
        }
        offset += line.len();
    }
    None
}

/// Whether YAML reads `value`, written bare after `key: `, back as that same string.
pub(crate) fn is_plain_safe(value: &str) -> bool {
    let safe_chars = value
        .chars()
        .all(|c| c.is_alphanumeric() || " _./()+,=-@".contains(c) || (c as u32) > 0x7f && !c.is_control());
    let special = ["true", "false", "null", "yes", "no", "on", "off", "~"];
    safe_chars
        && value.starts_with(|c: char| c.is_alphanumeric())
        && !value.ends_with(' ')
        && !special.contains(&value.to_ascii_lowercase().as_str())
        && value.parse::<f64>().is_err()
}

pub static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(PLACEHOLDER_PATTERN).unwrap());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_front_matter_value_is_found_where_it_is_written() {
        let text = "---\ndescription: x\nglobs: src/**,lib/**\nalwaysApply: false\n---\nbody\n";
        let (range, value) = front_matter_value(text, "globs").unwrap();
        assert_eq!(value, "src/**,lib/**");
        assert_eq!(&text[range], "src/**,lib/**");
        let empty = "---\nglobs:\n---\n";
        let (range, value) = front_matter_value(empty, "globs").unwrap();
        assert_eq!((value.as_str(), range.len()), ("", 0));
        assert_eq!(front_matter_value("no front\n", "globs"), None);
    }

    #[test]
    fn variables_are_listed_once_in_order() {
        assert_eq!(
            variables("{{b}} {{a}}\n{{ b }} {{#if orm}}x{{/if}}"),
            vec!["b".to_string(), "a".to_string()]
        );
    }
}
