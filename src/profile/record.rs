//! The record of what archprompt wrote. Each agent file ends (an AGENTS.md section: just before
//! its end marker) with one comment line naming a short hash of every value archprompt filled in:
//!
//! ```text
//! <!-- archprompt:values v1 tech_stack=5b1c0a2e backend_framework=0c2d8a51 … -->
//! ```
//!
//! With it `doctor` can tell a value the repository has moved away from (the file still holds
//! what archprompt wrote: stale, and `--fix` updates it) from a value someone edited on purpose
//! (kept as it is). Markdown renderers do not show the comment.

use crate::profile::targets::Target;
use crate::report::FieldName;
use std::collections::BTreeMap;

const PREFIX: &str = crate::report::markers::VALUES;

/// A stable 32-bit FNV-1a hash of `value`, as 8 hex digits: enough to notice an edit, and the
/// same on every platform and Rust version (the standard library's hasher promises neither).
pub fn hash(value: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for byte in value.bytes() {
        h ^= u32::from(byte);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// The record line for `values` (field, value), in template order.
pub fn line_for(values: &BTreeMap<String, String>) -> String {
    let mut out = PREFIX.to_string();
    let names = FieldName::ALL
        .iter()
        .map(|f| f.as_str())
        .chain(crate::report::Extra::ALL.iter().map(|e| e.as_str()));
    for name in names {
        if let Some(hash) = values.get(name) {
            out.push_str(&format!(" {name}={hash}"));
        }
    }
    out.push_str(" -->");
    out
}

/// The record of what `shaped` (a fresh render) holds: each value doctor can read back through
/// `skeleton`, placeholders left out.
pub fn of_slots(skeleton: &str, shaped: &str) -> BTreeMap<String, String> {
    crate::profile::slots::slots(skeleton, shaped)
        .into_iter()
        .filter(|slot| crate::profile::syntax::placeholders(&slot.value).is_empty())
        .map(|slot| (slot.field.to_string(), hash(&slot.value)))
        .collect()
}

/// The record in `text`: the byte range of its line (line end included) and the hash of each
/// field. `None` when `text` has none (written by hand, or before archprompt kept one).
pub fn find(text: &str) -> Option<(std::ops::Range<usize>, BTreeMap<String, String>)> {
    // The last well-formed record line: text of the user's that merely starts the same way is
    // not taken for it.
    text.rmatch_indices(PREFIX)
        .map(|(at, _)| at)
        .filter(|&at| at == 0 || text[..at].ends_with('\n'))
        .find_map(|start| {
            let end = text[start..].find('\n').map_or(text.len(), |n| start + n + 1);
            let body = text[start..end].trim_end().strip_prefix(PREFIX)?.strip_suffix("-->")?;
            let pairs: Vec<(String, String)> = body
                .split_whitespace()
                .map(|pair| {
                    let (field, hash) = pair.split_once('=')?;
                    let well_formed = hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit());
                    well_formed.then(|| (field.to_string(), hash.to_string()))
                })
                .collect::<Option<_>>()?;
            Some((start..end, pairs.into_iter().collect()))
        })
}

/// Where and what to insert into `ours` to add the `record` line: before an AGENTS.md section's
/// end marker, else at the end, after a blank line.
pub fn insertion(ours: &str, target: Target, record: &str) -> (usize, String) {
    let end_marker = (target == Target::AgentsMd)
        .then(|| ours.rfind(crate::report::markers::END))
        .flatten();
    let at = end_marker.unwrap_or(ours.len());
    let before = &ours[..at];
    let newline = if crate::profile::syntax::uses_crlf(ours) {
        "\r\n"
    } else {
        "\n"
    };
    let gap = if before.is_empty() || before.ends_with(&newline.repeat(2)) {
        String::new()
    } else if before.ends_with(newline) {
        newline.to_string()
    } else {
        newline.repeat(2)
    };
    (at, format!("{gap}{record}{newline}"))
}

/// `ours` with `record` in its place, as `init` writes it.
pub fn insert(ours: &str, target: Target, record: &str) -> String {
    let (at, text) = insertion(ours, target, record);
    format!("{}{text}{}", &ours[..at], &ours[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_record_reads_back_what_was_written() {
        let values = BTreeMap::from([
            ("test_command".to_string(), hash("npm test")),
            ("tech_stack".to_string(), hash("Node.js")),
        ]);
        let line = line_for(&values);
        assert!(
            line.starts_with("<!-- archprompt:values v1 tech_stack="),
            "template order: {line}"
        );
        let text = insert("# Agent\n\nbody\n", Target::Copilot, &line);
        assert_eq!(text, format!("# Agent\n\nbody\n\n{line}\n"));
        let (range, found) = find(&text).unwrap();
        assert_eq!(found, values);
        assert_eq!(&text[range], format!("{line}\n"));
        let section = "<!-- archprompt:begin a -->\nbody\n<!-- archprompt:end a -->\n";
        assert_eq!(
            insert(section, Target::AgentsMd, &line),
            format!("<!-- archprompt:begin a -->\nbody\n\n{line}\n<!-- archprompt:end a -->\n")
        );
        assert!(find("no record\n").is_none());
    }

    #[test]
    fn a_line_that_only_starts_like_a_record_is_not_one() {
        let line = line_for(&BTreeMap::from([("test_command".to_string(), hash("npm test"))]));
        let text = format!("body\n\n{line}\n<!-- archprompt:values v1 is what this comment is about -->\n");
        let (range, values) = find(&text).unwrap();
        assert_eq!(&text[range], format!("{line}\n"));
        assert_eq!(values.len(), 1);
    }

    #[test]
    fn the_hash_is_stable() {
        // FNV-1a 32 test vectors.
        assert_eq!(hash(""), "811c9dc5");
        assert_eq!(hash("a"), "e40c292c");
        assert_eq!(hash("foobar"), "bf9cf968");
        assert_eq!(hash("npm test"), hash("npm test"));
        assert_ne!(hash("npm test"), hash("pnpm test"));
    }
}
