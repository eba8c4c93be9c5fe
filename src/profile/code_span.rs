//! Markdown code spans around placeholders. A template that writes a placeholder as a code span
//! of its own (`` `{{test_command}}` ``) means "type this as it is": right for a command or a
//! directory, wrong for `none`, which an agent could take for a command. Here: which placeholders
//! a template (or a file written from one) wraps so, writing any text as one code span, and
//! reading a list of code spans back.

use std::ops::Range;
use std::sync::LazyLock;

/// A placeholder that is the whole content of a code span: `` `{{source_dirs}}` ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped {
    /// Byte range of the span in the text searched, its backticks included.
    pub range: Range<usize>,
    /// The placeholder's name.
    pub name: String,
    pub wrap: Wrap,
}

/// The text each side of a placeholder inside its code span: the backticks, with the space
/// inside them when the template wrote one each side (``` `` {{db_command}} `` ```).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrap {
    pub open: String,
    pub close: String,
}

impl Wrap {
    /// `text` between this wrap's backticks, as the template's own code span.
    pub fn around(&self, text: &str) -> String {
        format!("{}{text}{}", self.open, self.close)
    }

    /// The text inside this wrap, when `text` is wrapped in it.
    pub fn strip<'a>(&self, text: &'a str) -> Option<&'a str> {
        text.strip_prefix(self.open.as_str())?.strip_suffix(self.close.as_str())
    }
}

/// Every placeholder in `text` that a code span holds alone, in order. Spans are paired a line
/// at a time as CommonMark pairs them (a run of backticks closes at the next run of the same
/// length; a backslash escapes a backtick outside a span), leaving out the front matter and
/// fenced code blocks, where a backtick is only a character.
pub fn wrapped_placeholders(text: &str) -> Vec<Wrapped> {
    static WHOLE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(&format!("^{}$", crate::profile::syntax::PLACEHOLDER_PATTERN)).expect("a valid regex")
    });
    let body = match crate::profile::syntax::split_front_matter(text) {
        (Some(_), body) => text.len() - body.len(),
        (None, _) => 0,
    };
    let mut out = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if line_start < body {
            continue;
        }
        if let Some(open) = fence {
            if closes_fence(line, open) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = opens_fence(line) {
            fence = Some(open);
            continue;
        }
        for (whole, content) in spans(line) {
            let inner = unpadded(line, content);
            let Some(caps) = WHOLE.captures(&line[inner.clone()]) else {
                continue;
            };
            out.push(Wrapped {
                range: line_start + whole.start..line_start + whole.end,
                name: caps[1].to_string(),
                wrap: Wrap {
                    open: line[whole.start..inner.start].to_string(),
                    close: line[inner.end..whole.end].to_string(),
                },
            });
        }
    }
    out
}

/// `text` as one code span that shows it exactly: fenced with one backtick more than its
/// longest run of them, and padded with a space where Markdown would otherwise misread an end.
pub fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A backtick at an end would join the fence; a space at both ends would be stripped.
    let pad = text.starts_with('`') || text.ends_with('`') || is_padded(text);
    let pad = if pad { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The contents of the code spans `text` consists of, when it is one or more of them joined
/// with `, ` and nothing else (`` `src`, `tests` ``).
pub fn code_spans(text: &str) -> Option<Vec<String>> {
    let found = spans(text);
    let mut out = Vec::new();
    let mut at = 0;
    for (i, (whole, content)) in found.iter().enumerate() {
        let gap = &text[at..whole.start];
        if gap != if i == 0 { "" } else { ", " } {
            return None;
        }
        out.push(text[unpadded(text, content.clone())].to_string());
        at = whole.end;
    }
    (!out.is_empty() && at == text.len()).then_some(out)
}

/// The code spans of one line: each one's byte range and its content's, backticks left out.
fn spans(line: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // An escaped character, a backtick too, is literal outside a span.
            b'\\' => i += 2,
            b'`' => {
                let n = run_at(i);
                let mut from = i + n;
                let close = loop {
                    let Some(k) = bytes[from..].iter().position(|&b| b == b'`') else {
                        break None;
                    };
                    let m = run_at(from + k);
                    if m == n {
                        break Some(from + k);
                    }
                    from += k + m;
                };
                match close {
                    Some(at) => {
                        out.push((i..at + n, i + n..at));
                        i = at + n;
                    }
                    // A run nothing closes is backticks as text.
                    None => i += n,
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// The part of a span's `content` (a range of `text`) that Markdown shows: one space stripped
/// from each end when both have one and it is not all spaces.
fn unpadded(text: &str, content: Range<usize>) -> Range<usize> {
    if is_padded(&text[content.clone()]) {
        content.start + 1..content.end - 1
    } else {
        content
    }
}

/// Whether Markdown strips a space from each end of a code span's `content`.
fn is_padded(content: &str) -> bool {
    content.len() >= 2 && content.starts_with(' ') && content.ends_with(' ') && content.trim() != ""
}

/// The fence a line opens (its character and length), if it opens one: up to three spaces, then
/// three or more backticks or tildes (a backtick fence's info text has no backtick).
fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let c = *rest.as_bytes().first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.bytes().take_while(|&b| b == c).count();
    (n >= 3 && !(c == b'`' && rest[n..].contains('`'))).then_some((c, n))
}

/// Whether `line` closes a fence opened with `open`.
fn closes_fence(line: &str, (c, n): (u8, usize)) -> bool {
    let rest = line.trim_start_matches(' ');
    let run = rest.bytes().take_while(|&b| b == c).count();
    line.len() - rest.len() <= 3 && run >= n && rest[run..].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String)> {
        wrapped_placeholders(text)
            .into_iter()
            .map(|w| (w.name, text[w.range].to_string()))
            .collect()
    }

    #[test]
    fn a_placeholder_alone_in_a_code_span_is_found_as_markdown_pairs_backticks() {
        let text = "---\nname: `{{a}}`\n---\n- `{{b}}` and `{{ c }}`, `` {{d}} ``\n`x {{e}}` `{{f}} y` {{g}}\n";
        assert_eq!(
            names(text),
            [
                ("b".into(), "`{{b}}`".into()),
                ("c".into(), "`{{ c }}`".into()),
                ("d".into(), "`` {{d}} ``".into())
            ],
            "not in the front matter, and only a span the placeholder fills alone"
        );
        let d = &wrapped_placeholders(text)[2].wrap;
        assert_eq!((d.open.as_str(), d.close.as_str()), ("`` ", " ``"));
        // The first backtick pairs with the one before the placeholder, which is then outside.
        assert_eq!(names("`a `{{x}}` b`\n"), []);
        // An escaped backtick opens nothing; a run of another length does not close a span.
        assert_eq!(names("\\`{{x}}`\n``{{y}}`\n"), []);
        assert_eq!(names("\\``{{x}}`\n"), [("x".into(), "`{{x}}`".into())]);
    }

    #[test]
    fn backticks_in_a_fenced_block_are_characters() {
        let text = "```sh\n`{{a}}`\n```\n~~~~\n`{{b}}`\n~~~\n`{{c}}`\n~~~~\n`{{d}}`\n";
        assert_eq!(names(text), [("d".into(), "`{{d}}`".into())]);
        // An inline span at the start of a line is not a fence.
        assert_eq!(names("```{{e}}```\n").len(), 1);
    }

    #[test]
    fn any_text_is_one_code_span_that_reads_back_the_same() {
        assert_eq!(code_span("src"), "`src`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x``"), "``` `x`` ```");
        assert_eq!(code_span(" x "), "`  x  `");
        for text in ["src", "a`b", "`x``", " x ", "a, b", "`", "x\\"] {
            assert_eq!(code_spans(&code_span(text)), Some(vec![text.to_string()]), "{text}");
        }
        let list = ["src", "a`b"].map(code_span).join(", ");
        assert_eq!(code_spans(&list), Some(vec!["src".to_string(), "a`b".to_string()]));
        for not_a_list in ["", "src", "`src`,`lib`", "`src`, lib", "`src` ", "`src"] {
            assert_eq!(code_spans(not_a_list), None, "{not_a_list}");
        }
    }
}
