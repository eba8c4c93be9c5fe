//! Reading one file: its `mod` declarations and the module paths its code names.

use super::lexer::*;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Crate {
    Lib,
    Bin,
}

/// A module: its crate and its path from the crate root (`[]` is the root).
pub(crate) type ModPath = (Crate, Vec<String>);

/// A block of code the reader is inside: an inline `mod name { … }` (it adds a path segment),
/// or any block under `#[cfg(test)]`.
pub(crate) struct Scope {
    pub(crate) name: Option<String>,
    /// The brace depth inside the block.
    pub(crate) depth: usize,
    pub(crate) test: bool,
}

/// Walks the tokens of one file, keeping track of inline modules and `#[cfg(test)]` blocks.
pub(crate) struct Cursor<'a> {
    pub(crate) toks: &'a [Token],
    pub(crate) i: usize,
    pub(crate) depth: usize,
    pub(crate) scopes: Vec<Scope>,
    /// `#[cfg(test)]` was seen and the item it belongs to has not started its body yet.
    pub(crate) pending_test: bool,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(toks: &'a [Token]) -> Self {
        Cursor {
            toks,
            i: 0,
            depth: 0,
            scopes: Vec::new(),
            pending_test: false,
        }
    }

    pub(crate) fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    pub(crate) fn ident(&self, i: usize) -> Option<&str> {
        match self.tok(i) {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn is_punct(&self, i: usize, p: char) -> bool {
        self.tok(i) == Some(&Tok::Punct(p))
    }

    /// The inline module path at the cursor (names of enclosing `mod x { … }` blocks).
    pub(crate) fn inline_path(&self) -> Vec<String> {
        self.scopes.iter().filter_map(|s| s.name.clone()).collect()
    }

    /// A mention of `segments` at `line`, from where the cursor stands.
    pub(crate) fn mention(&self, segments: Vec<String>, line: usize) -> Mention {
        Mention {
            segments,
            inline: self.inline_path(),
            line,
            test: self.in_test(),
        }
    }

    pub(crate) fn in_test(&self) -> bool {
        self.pending_test || self.scopes.iter().any(|s| s.test)
    }

    /// At `mod`: `Some((name, inline?))` for `mod name;` (false) or `mod name {` (true).
    pub(crate) fn mod_item(&self) -> Option<(String, bool)> {
        if self.ident(self.i) != Some("mod") {
            return None;
        }
        let name = self.ident(self.i + 1)?;
        if self.is_punct(self.i + 2, ';') {
            Some((name.to_string(), false))
        } else if self.is_punct(self.i + 2, '{') {
            Some((name.to_string(), true))
        } else {
            None
        }
    }

    /// Moves past the token at the cursor, updating the scopes; `inline_mod` names the module a
    /// `{` opens.
    pub(crate) fn step(&mut self, inline_mod: Option<String>) {
        match self.tok(self.i) {
            Some(Tok::Punct('#')) => {
                let cfg_test = ["[", "cfg", "(", "test", ")", "]"];
                let matches = cfg_test
                    .iter()
                    .enumerate()
                    .all(|(k, want)| match self.tok(self.i + 1 + k) {
                        Some(Tok::Ident(s)) => s == want,
                        Some(Tok::Punct(p)) => want.len() == 1 && want.starts_with(*p),
                        _ => false,
                    });
                if matches {
                    self.pending_test = true;
                    self.i += 1 + cfg_test.len();
                    return;
                }
            }
            Some(Tok::Punct('{')) => {
                self.depth += 1;
                if inline_mod.is_some() || self.pending_test {
                    self.scopes.push(Scope {
                        name: inline_mod,
                        depth: self.depth,
                        test: self.pending_test,
                    });
                }
                self.pending_test = false;
            }
            Some(Tok::Punct('}')) => {
                if self.scopes.last().is_some_and(|s| s.depth == self.depth) {
                    self.scopes.pop();
                }
                self.depth = self.depth.saturating_sub(1);
            }
            Some(Tok::Punct(';')) => self.pending_test = false,
            _ => {}
        }
        self.i += 1;
    }
}

/// A `mod name;` of a file: the inline modules it sits in, its name, line, and whether it is
/// under `#[cfg(test)]`.
#[derive(Debug)]
pub(crate) struct ModDecl {
    pub(crate) inline: Vec<String>,
    pub(crate) name: String,
    pub(crate) line: usize,
    pub(crate) test: bool,
}

/// The `mod x;` declarations of a file, and the `#[path]` attributes it uses (which this reader
/// does not follow).
pub(crate) fn mod_decls(toks: &[Token]) -> (Vec<ModDecl>, Vec<usize>) {
    let mut decls = Vec::new();
    let mut path_attrs = Vec::new();
    let mut cur = Cursor::new(toks);
    while cur.i < toks.len() {
        if cur.is_punct(cur.i, '#') && cur.is_punct(cur.i + 1, '[') && cur.ident(cur.i + 2) == Some("path") {
            path_attrs.push(toks[cur.i].line);
        }
        match cur.mod_item() {
            Some((name, false)) => {
                decls.push(ModDecl {
                    inline: cur.inline_path(),
                    name,
                    line: toks[cur.i].line,
                    test: cur.in_test(),
                });
                cur.step(None);
            }
            Some((name, true)) => {
                cur.i += 2;
                cur.step(Some(name));
            }
            None => cur.step(None),
        }
    }
    (decls, path_attrs)
}

/// A module path named in a file, as written.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    /// Segments as written (`crate`, `super`, `self`, a child module, the library's name, …).
    pub(crate) segments: Vec<String>,
    /// The inline module path of the code that names it.
    pub(crate) inline: Vec<String>,
    pub(crate) line: usize,
    pub(crate) test: bool,
}

/// Every path in a file that starts with `crate`, `super`, `self`, `lib_name` (in a binary), or
/// one of `children` (its declared modules, by inline path), in `use` items and in code.
pub(crate) fn mentions(toks: &[Token], children: &BTreeSet<Vec<String>>, lib_name: Option<&str>) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut cur = Cursor::new(toks);
    let starts_path = |cur: &Cursor, first: &str| {
        let mut child = cur.inline_path();
        child.push(first.to_string());
        matches!(first, "crate" | "super" | "self") || Some(first) == lib_name || children.contains(&child)
    };
    while cur.i < toks.len() {
        if let Some((name, inline)) = cur.mod_item() {
            // Past `mod name`; the `{` opens the inline module, the `;` ends a pending `#[cfg(test)]`.
            cur.i += 2;
            cur.step(inline.then_some(name));
            continue;
        }
        let line = toks[cur.i].line;
        if cur.ident(cur.i) == Some("use") && !cur.is_punct(cur.i + 1, '<') {
            // A use item: read its tree to the `;`.
            let mut paths = Vec::new();
            let mut j = cur.i + 1;
            use_tree(toks, &mut j, Vec::new(), &mut paths);
            for (segments, line) in paths {
                if segments.first().is_some_and(|first| starts_path(&cur, first)) {
                    out.push(cur.mention(segments, line));
                }
            }
            // `j` is at the `;`; step over it so a pending `#[cfg(test)]` ends with the item.
            cur.i = j;
            continue;
        }
        if let Some(first) = cur.ident(cur.i)
            && cur.tok(cur.i + 1) == Some(&Tok::PathSep)
            && !matches!(cur.tok(cur.i.wrapping_sub(1)), Some(Tok::PathSep | Tok::Punct('.')))
            // `pub(in crate::a)` is a visibility, `for x in crate::a::all()` a path.
            && !(cur.ident(cur.i.wrapping_sub(1)) == Some("in") && cur.is_punct(cur.i.wrapping_sub(2), '('))
            && starts_path(&cur, first)
        {
            let mut segments = vec![first.to_string()];
            let mut j = cur.i + 1;
            while cur.tok(j) == Some(&Tok::PathSep) {
                match cur.ident(j + 1) {
                    Some(s) => segments.push(s.to_string()),
                    None => break,
                }
                j += 2;
            }
            out.push(cur.mention(segments, line));
            cur.i = j;
            continue;
        }
        cur.step(None);
    }
    out
}

/// Reads a use tree from `toks[*i]` (after `use`), appending each full path (with its line) to
/// `out`; leaves `*i` at the token that ends it (`;`, `,` or `}`).
pub(crate) fn use_tree(toks: &[Token], i: &mut usize, mut prefix: Vec<String>, out: &mut Vec<(Vec<String>, usize)>) {
    let line = toks.get(*i).map_or(0, |t| t.line);
    loop {
        match toks.get(*i).map(|t| &t.tok) {
            Some(Tok::Punct('{')) => {
                *i += 1;
                loop {
                    match toks.get(*i).map(|t| &t.tok) {
                        Some(Tok::Punct('}')) => {
                            *i += 1;
                            return;
                        }
                        Some(Tok::Punct(',')) => *i += 1,
                        None => return,
                        _ => use_tree(toks, i, prefix.clone(), out),
                    }
                }
            }
            Some(Tok::Punct('*')) => {
                // Kept as a segment for the message; no module is named `*`.
                *i += 1;
                prefix.push("*".to_string());
                out.push((prefix, line));
                return;
            }
            Some(Tok::PathSep) => *i += 1,
            Some(Tok::Ident(name)) => {
                // `a::{self, b}`: `self` is `a`.
                if name != "self" || prefix.is_empty() {
                    prefix.push(name.clone());
                }
                *i += 1;
                if toks.get(*i).map(|t| &t.tok) == Some(&Tok::PathSep) {
                    continue;
                }
                if matches!(toks.get(*i).map(|t| &t.tok), Some(Tok::Ident(s)) if s == "as") {
                    *i += 2;
                }
                out.push((prefix, line));
                return;
            }
            _ => return,
        }
    }
}
