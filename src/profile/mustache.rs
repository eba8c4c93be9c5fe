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

/// The block helpers archprompt registers (handlebars' own): `{{#if orm}}…{{/if}}`.
const BLOCKS: &[&str] = &["if", "unless", "each", "with"];

/// What one `{{…}}` of a template is.
#[derive(Debug, PartialEq, Eq)]
pub enum Mustache<'a> {
    /// One name: `{{test_command}}`, `{{ orm }}`, `{{~name~}}`, `{{{name}}}`.
    Placeholder(&'a str),
    /// Handlebars syntax archprompt's templates use: kept as it is.
    Handlebars,
    /// Text of the template that only looks like a placeholder: written out as it is.
    Text,
}

/// `inner`, the text between the braces (`{{` `}}`, or `{{{` `}}}` when `triple`), classified.
/// Only the handlebars that archprompt's renderer runs counts as handlebars: `{{#items}}`
/// (a Mustache section), `{{> partial}}` or `{{/* comment */}}` (Go) is text.
pub fn classify(inner: &str, triple: bool) -> Mustache<'_> {
    if inner.contains("{{") {
        return Mustache::Text;
    }
    let trimmed = inner.trim_start_matches('~').trim_end_matches('~');
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let name_like = |w: &str| {
        w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let argument = |w: &&str| w.chars().all(|c| c.is_ascii_alphanumeric() || "_.@\"/-[]".contains(c));
    match words.as_slice() {
        [name] if name_like(name) && !inner.contains(['\n', '\r']) && *name != "else" && *name != "this" => {
            Mustache::Placeholder(name)
        }
        _ if triple => Mustache::Text,
        ["else"] | ["this"] => Mustache::Handlebars,
        [first, args @ ..]
            if first.starts_with('#')
                && BLOCKS.contains(&&first[1..])
                && !args.is_empty()
                && args.iter().all(argument) =>
        {
            Mustache::Handlebars
        }
        [close] if close.starts_with('/') && BLOCKS.contains(&&close[1..]) => Mustache::Handlebars,
        [first, ..] if first.starts_with('!') => Mustache::Handlebars,
        [path]
            if (path.starts_with("@root") || path.starts_with("@index") || path.starts_with("../"))
                && argument(path) =>
        {
            Mustache::Handlebars
        }
        [helper, args @ ..] if INLINE_HELPERS.contains(helper) && !args.is_empty() && args.iter().all(argument) => {
            Mustache::Handlebars
        }
        _ => Mustache::Text,
    }
}

/// A template made ready for handlebars: `source` to compile, and the template's own text that
/// handlebars must not read, each piece rendered from the variable [`text_variable`]`(i)`.
pub struct Prepared {
    pub source: String,
    pub texts: Vec<String>,
}

/// The variable holding the i-th piece of text. The `-` keeps it apart from any name a template
/// can write as `{{name}}`.
pub fn text_variable(i: usize) -> String {
    format!("archprompt-text-{i}")
}

/// `template` with its placeholders routed through `route` (given the offset, the name and the
/// whole `{{…}}` as written; it returns the handlebars expression to put there) and handlebars'
/// own syntax kept. Every other `{{…}}`, an unclosed `{{`, and the backslashes and braces just
/// before a `{{` (which handlebars would read as an escape or a triple brace) become text variables, so they come out byte for
/// byte. A raw block (`{{{{raw}}}}…{{{{/raw}}}}`) is its content, as handlebars writes it.
pub fn prepare(template: &str, mut route: impl FnMut(usize, &str, &str) -> String) -> Prepared {
    let mut out = Prepared {
        source: String::with_capacity(template.len() + 64),
        texts: Vec::new(),
    };
    let text = |out: &mut Prepared, piece: &str| {
        out.source
            .push_str(&format!("{{{{@root.[{}]}}}}", text_variable(out.texts.len())));
        out.texts.push(piece.to_string());
    };
    let mut copied = 0;
    while let Some(found) = template[copied..].find("{{") {
        let at = copied + found;
        // Backslashes (an escape to handlebars) and braces (a `{{{` with what follows) just
        // before an expression are text.
        let before = &template[copied..at];
        let lead = before.len() - before.trim_end_matches(['\\', '{']).len();
        out.source.push_str(&before[..before.len() - lead]);
        if lead > 0 {
            text(&mut out, &before[before.len() - lead..]);
        }
        if let Some((content, end)) = raw_block(template, at) {
            text(&mut out, content);
            copied = end;
            continue;
        }
        let triple = template[at..].starts_with("{{{");
        let close = if triple { "}}}" } else { "}}" };
        let inner_start = at + close.len();
        let Some(length) = template[inner_start..].find(close) else {
            text(&mut out, "{{");
            copied = at + 2;
            continue;
        };
        let end = inner_start + length + close.len();
        let written = &template[at..end];
        // `${{ matrix }}` is a GitHub Actions expression whatever it holds.
        let kind = match template[..at].ends_with('$') {
            true => Mustache::Text,
            false => classify(&template[inner_start..inner_start + length], triple),
        };
        match kind {
            Mustache::Placeholder(name) => out.source.push_str(&route(at, name, written)),
            Mustache::Handlebars => out.source.push_str(written),
            Mustache::Text => text(&mut out, written),
        }
        copied = end;
    }
    out.source.push_str(&template[copied..]);
    out
}

/// A raw block opening at `at` (`{{{{raw}}}}…{{{{/raw}}}}`): its content and the offset after it.
fn raw_block(template: &str, at: usize) -> Option<(&str, usize)> {
    let rest = template[at..].strip_prefix("{{{{")?;
    let name_end = rest.find("}}}}")?;
    let name = rest[..name_end].trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let content_start = at + 4 + name_end + 4;
    let closing = format!("{{{{{{{{/{name}}}}}}}}}");
    let length = template[content_start..].find(&closing)?;
    Some((
        &template[content_start..content_start + length],
        content_start + length + closing.len(),
    ))
}

/// A handlebars string literal holding `text` (a placeholder as written: names, spaces, braces
/// and `~`).
pub fn literal(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_single_names() {
        assert_eq!(classify("test_command", false), Mustache::Placeholder("test_command"));
        assert_eq!(classify(" orm ", false), Mustache::Placeholder("orm"));
        assert_eq!(classify("~name~", false), Mustache::Placeholder("name"));
        assert_eq!(classify("raw", true), Mustache::Placeholder("raw"));
    }

    #[test]
    fn handlebars_syntax_is_kept_and_code_of_other_languages_is_text() {
        for kept in [
            "#if orm",
            "/if",
            "else",
            "!-- note --",
            "@root.[x]",
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
            "/* Expand the name of the chart. */",
            "#items",
            "/items",
            "> partial",
            "^empty",
            " '{{' ",
        ] {
            assert_eq!(classify(text, false), Mustache::Text, "{text}");
        }
        assert_eq!(classify("#if x", true), Mustache::Text);
    }

    /// `prepare`'s output with each text variable put back as `[text]`.
    fn shown(template: &str) -> String {
        let prepared = prepare(template, |_, name, written| format!("<{name}|{written}>"));
        let mut source = prepared.source;
        for (i, piece) in prepared.texts.iter().enumerate() {
            source = source.replacen(
                &format!("{{{{@root.[{}]}}}}", text_variable(i)),
                &format!("[{piece}]"),
                1,
            );
        }
        source
    }

    #[test]
    fn only_placeholders_are_routed_and_other_braces_become_text() {
        assert_eq!(
            shown(
                "Run {{test_command}}; ${{ secrets.X }} {{#if orm}}{{ orm }}{{/if}} {{{{raw}}}}x {{y}}{{{{/raw}}}} {{unclosed"
            ),
            "Run <test_command|{{test_command}}>; $[{{ secrets.X }}] {{#if orm}}<orm|{{ orm }}>{{/if}} [x {{y}}] [{{]unclosed"
        );
        // Nested braces, GitHub's literal-brace idiom, and a `$` before a single name.
        assert_eq!(shown("{{ '{{' }}"), "[{{ '{{' }}]");
        assert_eq!(
            shown("${{ format('{{0}}', github.ref) }}"),
            "$[{{ format('{{0}}]', github.ref) }}"
        );
        assert_eq!(shown("${{ matrix }}"), "$[{{ matrix }}]");
        // Backslashes before braces are characters.
        assert_eq!(shown("C:\\{{user}} \\\\{{x}}"), "C:[\\]<user|{{user}}> [\\\\]<x|{{x}}>");
    }

    #[test]
    fn a_literal_survives_quotes() {
        assert_eq!(literal("{{ a }}"), "\"{{ a }}\"");
    }
}
