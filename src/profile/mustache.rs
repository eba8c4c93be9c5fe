//! Which `{{…}}` in a template are archprompt's to fill. Template collections are written for
//! people and for other tools too: beside `{{test_command}}` they hold GitHub Actions'
//! `${{ secrets.TOKEN }}`, Vue's `{{ user.email }}`, Angular's `{{ x | async }}`, JSX's
//! `value={{ a, b }}` and placeholders meant for someone else (`{{prd_path}}`). Handlebars would
//! refuse most of them, so before a template is compiled each one is classified: a placeholder
//! (one name) goes through a helper that writes the name's value, or the placeholder exactly as
//! written when archprompt has no value for it; handlebars' own syntax (blocks, comments,
//! `@root`, a built-in helper) stays; everything else is escaped, so it comes out byte for byte.

/// The helper a body placeholder is routed through: `{{HELPER "name" "as written"}}`.
pub const VALUE_HELPER: &str = "archprompt-value";

/// Handlebars' built-in helpers a template may call inline (`{{len x}}`, `{{lookup a b}}`).
const INLINE_HELPERS: &[&str] = &[
    "lookup", "len", "eq", "ne", "gt", "gte", "lt", "lte", "and", "or", "not", "log",
];

/// What one `{{…}}` of a template is.
#[derive(Debug, PartialEq, Eq)]
pub enum Mustache<'a> {
    /// One name: `{{test_command}}`, `{{ orm }}`, `{{~name~}}`, `{{{name}}}`.
    Placeholder {
        name: &'a str,
        open: &'a str,
        close: &'a str,
    },
    /// Handlebars syntax archprompt's templates use: kept as it is.
    Handlebars,
    /// Text of the template that only looks like a placeholder: written out as it is.
    Text,
}

/// `inner`, the text between the braces (`{{` `}}`, or `{{{` `}}}` when `triple`), classified.
pub fn classify(inner: &str, triple: bool) -> Mustache<'_> {
    let trimmed = inner.trim_start_matches('~').trim_end_matches('~');
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let name_like = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    match words.as_slice() {
        [name] if name_like(name) && !trimmed.contains('\n') && *name != "else" && *name != "this" => {
            let open_len = inner.len() - inner.trim_start_matches('~').len();
            let close_len = inner.len() - inner.trim_end_matches('~').len();
            Mustache::Placeholder {
                name,
                open: &inner[..open_len],
                close: &inner[inner.len() - close_len..],
            }
        }
        _ if triple => Mustache::Text,
        [first, ..] if first.starts_with(['#', '/', '^', '!', '>']) || *first == "else" || *first == "this" => {
            Mustache::Handlebars
        }
        [first, ..] if first.starts_with("@root") || first.starts_with("@index") || first.starts_with("../") => {
            Mustache::Handlebars
        }
        [helper, args @ ..]
            if INLINE_HELPERS.contains(helper)
                && !args.is_empty()
                && args
                    .iter()
                    .all(|a| a.chars().all(|c| c.is_ascii_alphanumeric() || "_.@\"/-".contains(c))) =>
        {
            Mustache::Handlebars
        }
        _ => Mustache::Text,
    }
}

/// `template` with its placeholders routed through `route` (given the name and the whole
/// `{{…}}` as written; it returns the handlebars expression to put there), handlebars' own
/// syntax kept and every other `{{` escaped so handlebars writes it as text. A `{{` the template
/// already escapes (`\{{`) and a raw block (`{{{{raw}}}}`) are left alone.
pub fn prepare(template: &str, mut route: impl FnMut(usize, &str, &str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = template[from..].find("{{") {
        let at = from + found;
        if template[..at].ends_with('\\') || template[at..].starts_with("{{{{") {
            from = at + if template[at..].starts_with("{{{{") { 4 } else { 2 };
            continue;
        }
        let triple = template[at..].starts_with("{{{");
        let (open, close) = if triple { ("{{{", "}}}") } else { ("{{", "}}") };
        let inner_start = at + open.len();
        let Some(length) = template[inner_start..].find(close) else {
            out.push_str(&template[copied..at]);
            out.push('\\');
            copied = at;
            from = at + 2;
            continue;
        };
        let end = inner_start + length + close.len();
        let inner = &template[inner_start..inner_start + length];
        out.push_str(&template[copied..at]);
        match classify(inner, triple) {
            Mustache::Placeholder { name, .. } => out.push_str(&route(at, name, &template[at..end])),
            Mustache::Handlebars => out.push_str(&template[at..end]),
            Mustache::Text => {
                out.push('\\');
                out.push_str(&template[at..end]);
            }
        }
        copied = end;
        from = end;
    }
    out.push_str(&template[copied..]);
    out
}

/// A handlebars string literal holding `text` (a placeholder as written: names, spaces, braces
/// and `~`, never a quote).
pub fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_single_names() {
        assert!(matches!(
            classify("test_command", false),
            Mustache::Placeholder {
                name: "test_command",
                ..
            }
        ));
        assert!(matches!(
            classify(" orm ", false),
            Mustache::Placeholder { name: "orm", .. }
        ));
        assert_eq!(
            classify("~name~", false),
            Mustache::Placeholder {
                name: "name",
                open: "~",
                close: "~"
            }
        );
        assert!(matches!(
            classify("raw", true),
            Mustache::Placeholder { name: "raw", .. }
        ));
    }

    #[test]
    fn handlebars_syntax_is_kept_and_code_of_other_languages_is_text() {
        for kept in [
            "#if orm",
            "/if",
            "else",
            "!-- note --",
            "@root.[x]",
            "> partial",
            "len items",
            "#each items",
            "this",
        ] {
            assert_eq!(classify(kept, false), Mustache::Handlebars, "{kept}");
        }
        for text in [
            " secrets.TOKEN ",
            " user.email ",
            " (saving$ | async) ? 'Saving...' : 'Save' ",
            " state, dispatch ",
            " $labels.instance ",
            "- if .Values.x ",
            " .Release.Name ",
            "\"dev\":\"node\"",
            "",
        ] {
            assert_eq!(classify(text, false), Mustache::Text, "{text}");
        }
        assert_eq!(classify("#if x", true), Mustache::Text);
    }

    #[test]
    fn only_placeholders_are_routed_and_other_braces_are_escaped() {
        let template = "Run {{test_command}}; ${{ secrets.X }} {{#if orm}}{{ orm }}{{/if}} \\{{kept}} {{{{raw}}}}x{{{{/raw}}}} {{unclosed";
        let prepared = prepare(template, |_, name, written| format!("<{name}|{written}>"));
        assert_eq!(
            prepared,
            "Run <test_command|{{test_command}}>; $\\{{ secrets.X }} {{#if orm}}<orm|{{ orm }}>{{/if}} \\{{kept}} {{{{raw}}}}x{{{{/raw}}}} \\{{unclosed"
        );
    }

    #[test]
    fn a_literal_survives_quotes() {
        assert_eq!(literal("{{ a }}"), "\"{{ a }}\"");
    }
}
