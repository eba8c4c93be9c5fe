//! Finds and repairs UTF-8 text that was once decoded as Windows-1252 and saved again ("â€“" for
//! "–", "âœ…" for "✅"). Each run of characters that Windows-1252 maps to bytes 0x80–0xFF is
//! turned back into those bytes; where the bytes form UTF-8 multi-byte characters, those replace
//! the run. Real Latin-1 text ("café", "naïve") does not form UTF-8 sequences, so it is kept.

use encoding_rs::WINDOWS_1252;

/// One line with broken encoding: its 1-based number, the text, and the text repaired.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mojibake {
    pub line: usize,
    pub text: String,
    pub repaired: String,
}

/// The lines of `text` with broken encoding, and the whole text repaired (equal to `text` when
/// nothing was found).
pub fn find(text: &str) -> (Vec<Mojibake>, String) {
    let mut found = Vec::new();
    let mut repaired_text = String::with_capacity(text.len());
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let repaired = repair_line(line);
        if repaired != line {
            found.push(Mojibake {
                line: i + 1,
                text: line.trim_end_matches(['\n', '\r']).to_string(),
                repaired: repaired.trim_end_matches(['\n', '\r']).to_string(),
            });
        }
        repaired_text.push_str(&repaired);
    }
    (found, repaired_text)
}

/// The Windows-1252 byte a character was decoded from, for the bytes 0x80–0xFF. The five bytes
/// Windows-1252 leaves undefined come back as the C1 controls of the same number.
fn high_byte(c: char) -> Option<u8> {
    if matches!(c as u32, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D) {
        return Some(c as u32 as u8);
    }
    if (c as u32) < 0x80 {
        return None;
    }
    let mut buffer = [0u8; 4];
    let (bytes, _, unmappable) = WINDOWS_1252.encode(c.encode_utf8(&mut buffer));
    (!unmappable && bytes.len() == 1 && bytes[0] >= 0x80).then(|| bytes[0])
}

/// The bytes Windows-1252 leaves undefined: a decoder that replaced them wrote U+FFFD instead.
const UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

fn repair_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    while i < chars.len() {
        // A run of bytes, `None` where U+FFFD stands for a byte the decoder could not map.
        let run: Vec<Option<u8>> = chars[i..]
            .iter()
            .map_while(|&c| {
                if c == '\u{FFFD}' {
                    Some(None)
                } else {
                    high_byte(c).map(Some)
                }
            })
            .collect();
        if run.iter().all(Option::is_none) {
            // Replacement characters alone are not mojibake; taken as one run, so a line of
            // them costs linear time.
            out.extend(&chars[i..i + run.len().max(1)]);
            i += run.len().max(1);
            continue;
        }
        out.push_str(&decode_run(&run, &chars[i..i + run.len()]));
        i += run.len();
    }
    out
}

/// The run's bytes read as UTF-8 where they form multi-byte characters, the original characters
/// elsewhere. A lost byte (`None`) is one of the undefined ones; it is filled in when exactly one
/// of them completes the character, or, for the emoji variation selector U+FE0F (EF B8 8F), the
/// one that makes it.
fn decode_run(bytes: &[Option<u8>], original: &[char]) -> String {
    let mut out = String::new();
    let mut at = 0;
    while at < bytes.len() {
        let width = match bytes[at] {
            Some(0xC2..=0xDF) => 2,
            Some(0xE0..=0xEF) => 3,
            Some(0xF0..=0xF4) => 4,
            _ => 0,
        };
        if width > 0 && at + width <= bytes.len() {
            if let Some(decoded) = decode_one(&bytes[at..at + width]) {
                out.push(decoded);
                at += width;
                continue;
            }
        }
        // 0x8F is undefined in Windows-1252, so a round trip often drops the last byte of
        // U+FE0F and leaves "ï¸" behind.
        if bytes[at..].starts_with(&[Some(0xEF), Some(0xB8)])
            && (at + 2 == bytes.len() || bytes[at + 2].is_some_and(|b| !(0x80..0xC0).contains(&b)))
        {
            out.push('\u{FE0F}');
            at += 2;
            continue;
        }
        out.push(original[at]);
        at += 1;
    }
    out
}

/// One UTF-8 multi-byte character from `bytes`, filling in at most one lost byte.
fn decode_one(bytes: &[Option<u8>]) -> Option<char> {
    let lost: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_none()).collect();
    let known = |fill: u8| -> Vec<u8> { bytes.iter().map(|b| b.unwrap_or(fill)).collect() };
    let decode = |raw: Vec<u8>| std::str::from_utf8(&raw).ok().and_then(|s| s.chars().next());
    match lost.as_slice() {
        [] => decode(known(0)),
        [_] => {
            let candidates: Vec<char> = UNDEFINED.iter().filter_map(|&b| decode(known(b))).collect();
            match candidates.as_slice() {
                [only] => Some(*only),
                _ if candidates.contains(&'\u{FE0F}') => Some('\u{FE0F}'),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_the_template_as_it_first_reached_us() {
        let broken = "  - `{{source_dirs}}` â€“ Server code\n- âœ… **Always:**\n- âš\u{a0}ï¸ **Ask First:**\n- ðŸš« **Never:**\n";
        let (found, repaired) = find(broken);
        assert_eq!(
            repaired,
            "  - `{{source_dirs}}` – Server code\n- ✅ **Always:**\n- ⚠️ **Ask First:**\n- 🚫 **Never:**\n"
        );
        assert_eq!(found.len(), 4);
        assert_eq!(found[0].line, 1);
        assert_eq!(found[0].repaired, "  - `{{source_dirs}}` – Server code");
    }

    #[test]
    fn leaves_real_latin_text_and_correct_utf8_alone() {
        for text in [
            "café, naïve, Zürich, £5, ½\n",
            "– ✅ ⚠️ 🚫 “quoted”\n",
            "plain ascii\n",
            "Â\n",
        ] {
            let (found, repaired) = find(text);
            assert!(found.is_empty(), "{text}: {found:?}");
            assert_eq!(repaired, text);
        }
    }

    #[test]
    fn a_byte_the_decoder_replaced_is_filled_in() {
        // "⚠️" is E2 9A A0 EF B8 8F; a decoder that replaced the undefined 0x8F wrote U+FFFD.
        assert_eq!(find("âš\u{a0}ï¸\u{FFFD} **Ask**\n").1, "⚠️ **Ask**\n");
        // A lone U+FFFD is not mojibake.
        assert!(find("bad \u{FFFD} byte\n").0.is_empty());
    }

    #[test]
    fn a_line_of_replacement_characters_is_read_as_one_run() {
        // Rebuilt from every start it took seconds for 20,000 (quadratic); as one run, no time.
        let line = "\u{FFFD}".repeat(50_000) + "Ã©\n";
        let (found, repaired) = find(&line);
        assert_eq!(found.len(), 1);
        assert_eq!(repaired, "\u{FFFD}".repeat(50_000) + "é\n");
    }

    #[test]
    fn repairs_latin_letters_broken_the_same_way() {
        assert_eq!(find("cafÃ© dÃ©jÃ\u{a0} vu\n").1, "café déjà vu\n");
        assert_eq!(find("â€œquotedâ€\u{9d}\n").1, "“quoted”\n");
    }
}
