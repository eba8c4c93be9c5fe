//! Colour for terminal output, on only when asked for: `--color always`, or `auto` with the
//! stream a terminal and `NO_COLOR` unset (https://no-color.org). Text is built with the styles
//! in place, so what a pipe receives has no escape codes at all.

use anstyle::{AnsiColor, Style as Ansi};

#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    #[cfg(test)]
    pub const PLAIN: Style = Style { color: false };

    /// Whether to colour a stream, from `--color` and whether the stream is a terminal.
    pub fn decide(choice: crate::app::cli::ColorChoice, is_terminal: bool) -> Style {
        use crate::app::cli::ColorChoice;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && !no_color && std::env::var_os("TERM").is_none_or(|t| t != "dumb"),
        };
        Style { color }
    }

    fn paint(self, style: Ansi, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn fg(color: AnsiColor) -> Ansi {
        Ansi::new().fg_color(Some(color.into()))
    }

    /// A value that is right (found, ok, added).
    pub fn good(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Green), text)
    }

    /// Something to look at (unknown, a placeholder).
    pub fn warn(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Yellow), text)
    }

    /// Something wrong (stale, missing, removed, an error).
    pub fn bad(self, text: &str) -> String {
        self.paint(Self::fg(AnsiColor::Red), text)
    }

    /// Secondary detail (evidence, absent values).
    pub fn dim(self, text: &str) -> String {
        self.paint(Ansi::new().dimmed(), text)
    }

    pub fn bold(self, text: &str) -> String {
        self.paint(Ansi::new().bold(), text)
    }

    /// A unified diff with added lines green and removed lines red.
    pub fn diff(self, diff: &str) -> String {
        if !self.color {
            return diff.to_string();
        }
        diff.split_inclusive('\n')
            .map(|line| {
                let (text, end) = line.strip_suffix('\n').map_or((line, ""), |t| (t, "\n"));
                let painted = if text.starts_with("+++") || text.starts_with("---") {
                    self.bold(text)
                } else if text.starts_with('+') {
                    self.good(text)
                } else if text.starts_with('-') {
                    self.bad(text)
                } else if text.starts_with("@@") {
                    self.paint(Self::fg(AnsiColor::Cyan), text)
                } else {
                    text.to_string()
                };
                painted + end
            })
            .collect()
    }
}

/// `text` on one line: every control character of it written out (`\n`, `\u{1b}`), for a name
/// or value from the repository shown in a table, where a line break of its own would forge rows.
pub fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Characters that reorder how the text around them is shown (a "Trojan Source" trick); the
/// Markdown and HTML reports drop them from a repository's strings.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The escape sequences [`Style`] writes: reset, bold, dim, red, green, yellow, cyan.
const OWN_SEQUENCES: [&str; 7] = [
    "\u{1b}[0m",
    "\u{1b}[1m",
    "\u{1b}[2m",
    "\u{1b}[31m",
    "\u{1b}[32m",
    "\u{1b}[33m",
    "\u{1b}[36m",
];

/// `text` as it may reach a terminal: control characters from a repository's names and values
/// (an escape that sets the window title, clears the screen or hides text, a carriage return)
/// are written out (`\u{1b}`, `\r`) so they print as text; line breaks, tabs and the colour
/// sequences [`Style`] writes stay. A name from the repository goes through [`one_line`] as it is
/// put in a line, so a line break of its own cannot forge one.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    let harmless = |c: char| !c.is_control() || c == '\n' || c == '\t';
    if text.chars().all(harmless) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(own) = OWN_SEQUENCES.iter().find(|own| rest.starts_with(**own)) {
            out.push_str(own);
            rest = &rest[own.len()..];
            continue;
        }
        if harmless(c) {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
        rest = &rest[c.len_utf8()..];
    }
    std::borrow::Cow::Owned(out)
}

/// A path as a human line shows it: [`one_line`].
pub fn shown(path: &std::path::Path) -> String {
    one_line(&path.display().to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_no_escape_codes() {
        assert_eq!(Style::PLAIN.bad("x"), "x");
        assert_eq!(Style::PLAIN.diff("+a\n-b\n"), "+a\n-b\n");
        let coloured = Style { color: true };
        assert_eq!(coloured.good("ok"), "\u{1b}[32mok\u{1b}[0m");
        assert!(coloured.diff("+a\n").starts_with("\u{1b}[32m+a"));
    }

    #[test]
    fn never_and_always_ignore_the_terminal() {
        use crate::app::cli::ColorChoice;
        assert!(!Style::decide(ColorChoice::Never, true).color);
        assert!(Style::decide(ColorChoice::Always, false).color);
        assert!(!Style::decide(ColorChoice::Auto, false).color);
    }

    #[test]
    fn control_characters_print_as_text_and_colours_stay() {
        assert_eq!(for_terminal("plain\ttext\n"), "plain\ttext\n");
        let title = "svc\u{1b}]0;pwned\u{7}\u{1b}[2Jx\r";
        assert_eq!(for_terminal(title), "svc\\u{1b}]0;pwned\\u{7}\\u{1b}[2Jx\\r");
        let style = Style { color: true };
        let painted = [
            style.good("found"),
            style.warn("?"),
            style.bad("x"),
            style.dim("e"),
            style.bold("b"),
        ]
        .concat()
            + &style.diff("@@ -1 +1 @@\n");
        assert_eq!(for_terminal(&painted), painted);
        // Only archprompt's own colours: a repository's "conceal" or "blink" is text.
        assert_eq!(for_terminal("a\u{1b}[8mb\u{1b}[5;31m"), "a\\u{1b}[8mb\\u{1b}[5;31m");
    }
}
