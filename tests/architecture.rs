//! The module structure of src/: no import circles between modules, and imports that go only
//! down the layers that docs/architecture.md ("## Layers") declares.
//!
//! The module graph is read from the source at file granularity. Each `.rs` file is a module node
//! (`src/a.rs` and `src/a/mod.rs` are `a`, `src/a/b.rs` is `a::b`; the library root src/lib.rs is
//! `lib`), found by following `mod x;` declarations from src/lib.rs and from src/main.rs (the
//! binary, a crate of its own: `main` and `main::x`). An edge A → B means that code in file A
//! names module B: `use crate::…`, `use super::…`, `use self::…`, a path `crate::b::Item`,
//! `super::b::f`, `self::b::f` or `b::f` (for a module `b` declared in A) in code, and in the
//! binary `archprompt::b::…`. A path goes to the longest prefix of it that is a file module
//! (`crate::a::b::Item` → `a::b`, `crate::scan` → `lib`). A `mod b;` declaration alone is not an
//! edge; `use super::*` in a child file is an edge to its parent, while in an inline
//! `mod tests { … }` it names the file itself and is no edge. Code under `#[cfg(test)]` counts
//! (it is in the file), and edges made only by it are labelled "test code".
//!
//! The reader is a small Rust lexer (comments, strings, raw strings, chars and lifetimes are told
//! apart) rather than a parser: macro arguments are token streams, and `crate::x` inside
//! `format!(…)` is as much a dependency as anywhere else.

use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    PathSep,
    Punct(char),
    /// A string, char or number literal (its text is of no interest).
    Lit,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Rust source → tokens, without comments and with every literal one `Lit`.
fn lex(src: &str) -> Vec<Token> {
    let c: Vec<char> = src.chars().collect();
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        let start_line = line;
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            // Block comments nest.
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if c[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
        } else if let Some((after, hashes)) = raw_string_start(&c, i) {
            // r"…", r#"…"#, br"…", cr#"…"#: no escapes, ends at `"` and as many `#`.
            i = after;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '\n' {
                    line += 1;
                }
                if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push(Token {
                tok: Tok::Lit,
                line: start_line,
            });
        } else if ch == '"' || ((ch == 'b' || ch == 'c') && at(i + 1) == '"') {
            i += if ch == '"' { 1 } else { 2 };
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(Token {
                tok: Tok::Lit,
                line: start_line,
            });
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            let q = if ch == '\'' { i } else { i + 1 };
            if at(q + 1) == '\\' {
                // An escaped char: '\n', '\'', '\u{1F600}'.
                i = q + 3;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(Token {
                    tok: Tok::Lit,
                    line: start_line,
                });
            } else if at(q + 2) == '\'' {
                i = q + 3;
                out.push(Token {
                    tok: Tok::Lit,
                    line: start_line,
                });
            } else {
                // A lifetime or a label: `'a`, `'static`.
                i = q + 1;
                while i < c.len() && is_ident_char(c[i]) {
                    i += 1;
                }
                out.push(Token {
                    tok: Tok::Punct('\''),
                    line: start_line,
                });
            }
        } else if ch == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
            // A raw identifier: r#type.
            let s = i + 2;
            i = s;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(c[s..i].iter().collect()),
                line,
            });
        } else if is_ident_start(ch) {
            let s = i;
            while i < c.len() && is_ident_char(c[i]) {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(c[s..i].iter().collect()),
                line,
            });
        } else if ch.is_ascii_digit() {
            while i < c.len() && (is_ident_char(c[i]) || (c[i] == '.' && at(i + 1).is_ascii_digit())) {
                i += 1;
            }
            out.push(Token { tok: Tok::Lit, line });
        } else if ch == ':' && at(i + 1) == ':' {
            i += 2;
            out.push(Token {
                tok: Tok::PathSep,
                line,
            });
        } else {
            i += 1;
            out.push(Token {
                tok: Tok::Punct(ch),
                line,
            });
        }
    }
    out
}

/// When a raw string (`r"`, `r#"`, `br##"`, `cr"`) starts at `i`: the index after its opening `"`
/// and its number of `#`.
fn raw_string_start(c: &[char], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if matches!(c.get(j), Some('b' | 'c')) {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = c[j..].iter().take_while(|&&x| x == '#').count();
    j += hashes;
    (c.get(j) == Some(&'"')).then_some((j + 1, hashes))
}

// ---------------------------------------------------------------------------------------------
// Reading a file: its `mod` declarations and the module paths it names

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Crate {
    Lib,
    Bin,
}

/// A module: its crate and its path from the crate root (`[]` is the root).
type ModPath = (Crate, Vec<String>);

/// A block of code the reader is inside: an inline `mod name { … }` (it adds a path segment),
/// or any block under `#[cfg(test)]`.
struct Scope {
    name: Option<String>,
    /// The brace depth inside the block.
    depth: usize,
    test: bool,
}

/// Walks the tokens of one file, keeping track of inline modules and `#[cfg(test)]` blocks.
struct Cursor<'a> {
    toks: &'a [Token],
    i: usize,
    depth: usize,
    scopes: Vec<Scope>,
    /// `#[cfg(test)]` was seen and the item it belongs to has not started its body yet.
    pending_test: bool,
}

impl<'a> Cursor<'a> {
    fn new(toks: &'a [Token]) -> Self {
        Cursor {
            toks,
            i: 0,
            depth: 0,
            scopes: Vec::new(),
            pending_test: false,
        }
    }

    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.tok)
    }

    fn ident(&self, i: usize) -> Option<&str> {
        match self.tok(i) {
            Some(Tok::Ident(s)) => Some(s),
            _ => None,
        }
    }

    fn is_punct(&self, i: usize, p: char) -> bool {
        self.tok(i) == Some(&Tok::Punct(p))
    }

    /// The inline module path at the cursor (names of enclosing `mod x { … }` blocks).
    fn inline_path(&self) -> Vec<String> {
        self.scopes.iter().filter_map(|s| s.name.clone()).collect()
    }

    /// A mention of `segments` at `line`, from where the cursor stands.
    fn mention(&self, segments: Vec<String>, line: usize) -> Mention {
        Mention {
            segments,
            inline: self.inline_path(),
            line,
            test: self.in_test(),
        }
    }

    fn in_test(&self) -> bool {
        self.pending_test || self.scopes.iter().any(|s| s.test)
    }

    /// At `mod`: `Some((name, inline?))` for `mod name;` (false) or `mod name {` (true).
    fn mod_item(&self) -> Option<(String, bool)> {
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
    fn step(&mut self, inline_mod: Option<String>) {
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
struct ModDecl {
    inline: Vec<String>,
    name: String,
    line: usize,
    test: bool,
}

/// The `mod x;` declarations of a file, and the `#[path]` attributes it uses (which this reader
/// does not follow).
fn mod_decls(toks: &[Token]) -> (Vec<ModDecl>, Vec<usize>) {
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
struct Mention {
    /// Segments as written (`crate`, `super`, `self`, a child module, the library's name, …).
    segments: Vec<String>,
    /// The inline module path of the code that names it.
    inline: Vec<String>,
    line: usize,
    test: bool,
}

/// Every path in a file that starts with `crate`, `super`, `self`, `lib_name` (in a binary), or
/// one of `children` (its declared modules, by inline path), in `use` items and in code.
fn mentions(toks: &[Token], children: &BTreeSet<Vec<String>>, lib_name: Option<&str>) -> Vec<Mention> {
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
fn use_tree(toks: &[Token], i: &mut usize, mut prefix: Vec<String>, out: &mut Vec<(Vec<String>, usize)>) {
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

// ---------------------------------------------------------------------------------------------
// The module graph

/// One file module: where it is, and its tokens.
struct FileModule {
    file: String,
    toks: Vec<Token>,
    /// Declared under `#[cfg(test)]` (then all its code is test code).
    test: bool,
}

/// Where an edge was seen first (a place outside test code, when there is one).
#[derive(Debug, Clone)]
struct Site {
    file: String,
    line: usize,
    text: String,
    /// Every mention behind the edge is test code.
    test: bool,
}

#[derive(Default)]
struct Graph {
    nodes: BTreeSet<String>,
    edges: BTreeMap<String, BTreeMap<String, Site>>,
    /// The modules src/lib.rs declares.
    top_level: BTreeSet<String>,
}

fn node_name((krate, path): &ModPath) -> String {
    match (krate, path.is_empty()) {
        (Crate::Lib, true) => "lib".to_string(),
        (Crate::Lib, false) => path.join("::"),
        (Crate::Bin, true) => "main".to_string(),
        (Crate::Bin, false) => format!("main::{}", path.join("::")),
    }
}

/// The directory a file module's `mod x;` files are in: `src/a` for src/a.rs, `src/a` for
/// src/a/mod.rs, `src` for src/lib.rs.
fn child_dir(file: &str) -> String {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    match name {
        "mod.rs" | "lib.rs" | "main.rs" => dir.to_string(),
        _ => format!("{dir}/{}", name.trim_end_matches(".rs")),
    }
}

/// The module graph of `sources` (repository-relative path → text), following `mod` items from
/// `src/lib.rs` and `src/main.rs`. `lib_name` is the library's name in the binary. Problems (a
/// `mod` without a file, a file outside every module tree, `#[path]`) come back as the error.
fn module_graph(sources: &BTreeMap<String, String>, lib_name: &str) -> Result<Graph, Vec<String>> {
    let mut problems = Vec::new();
    let mut modules: BTreeMap<ModPath, FileModule> = BTreeMap::new();
    let mut children: BTreeMap<ModPath, BTreeSet<Vec<String>>> = BTreeMap::new();
    let mut top_level = BTreeSet::new();
    let mut queue: Vec<(ModPath, String, bool)> = Vec::new();
    for (krate, root) in [(Crate::Lib, "src/lib.rs"), (Crate::Bin, "src/main.rs")] {
        if sources.contains_key(root) {
            queue.push(((krate, Vec::new()), root.to_string(), false));
        }
    }
    while let Some((path, file, test)) = queue.pop() {
        let toks = lex(&sources[&file]);
        let (decls, path_attrs) = mod_decls(&toks);
        for line in path_attrs {
            problems.push(format!("{file}:{line}: #[path] is not followed by this check"));
        }
        let dir = child_dir(&file);
        let mut declared = BTreeSet::new();
        for decl in decls {
            let mut sub: Vec<&str> = decl.inline.iter().map(String::as_str).collect();
            sub.push(&decl.name);
            let base = format!("{dir}/{}", sub.join("/"));
            let candidates = [format!("{base}.rs"), format!("{base}/mod.rs")];
            let Some(child_file) = candidates.iter().find(|f| sources.contains_key(*f)) else {
                problems.push(format!(
                    "{file}:{}: mod {} has no file ({} or {})",
                    decl.line, decl.name, candidates[0], candidates[1]
                ));
                continue;
            };
            let mut child = path.1.clone();
            child.extend(decl.inline.iter().cloned());
            child.push(decl.name.clone());
            if path == (Crate::Lib, Vec::new()) && decl.inline.is_empty() {
                top_level.insert(decl.name.clone());
            }
            let mut rel = decl.inline.clone();
            rel.push(decl.name);
            declared.insert(rel);
            queue.push(((path.0, child), child_file.clone(), test || decl.test));
        }
        children.insert(path.clone(), declared);
        modules.insert(path, FileModule { file, toks, test });
    }
    let reached: BTreeSet<&str> = modules.values().map(|m| m.file.as_str()).collect();
    for file in sources.keys() {
        if file.starts_with("src/") && file.ends_with(".rs") && !reached.contains(file.as_str()) {
            problems.push(format!(
                "{file}: not part of the module tree of src/lib.rs or src/main.rs"
            ));
        }
    }

    let mut graph = Graph {
        nodes: modules.keys().map(node_name).collect(),
        top_level,
        ..Graph::default()
    };
    for (from, module) in &modules {
        let lib_name = (from.0 == Crate::Bin).then_some(lib_name);
        for m in mentions(&module.toks, &children[from], lib_name) {
            let Some(target) = resolve(from, &m, lib_name) else {
                continue;
            };
            // The longest prefix of the path that is a file module.
            let mut to = target;
            while !modules.contains_key(&to) && to.1.pop().is_some() {}
            if &to == from || !modules.contains_key(&to) {
                continue;
            }
            let site = Site {
                file: module.file.clone(),
                line: m.line,
                text: m.segments.join("::"),
                test: module.test || m.test,
            };
            let entry = graph
                .edges
                .entry(node_name(from))
                .or_default()
                .entry(node_name(&to))
                .or_insert_with(|| site.clone());
            if entry.test && !site.test {
                *entry = site;
            }
        }
    }
    if problems.is_empty() { Ok(graph) } else { Err(problems) }
}

/// The absolute module path a mention names, from file module `from`; `None` for a path that
/// leaves the crate (`super` above the root) or a `use` of an outside crate.
fn resolve(from: &ModPath, m: &Mention, lib_name: Option<&str>) -> Option<ModPath> {
    let mut here = from.1.clone();
    here.extend(m.inline.iter().cloned());
    let mut segments = m.segments.iter().map(String::as_str).peekable();
    let first = *segments.peek()?;
    let (krate, mut path) = match first {
        "crate" => {
            segments.next();
            (from.0, Vec::new())
        }
        "self" => {
            segments.next();
            (from.0, here)
        }
        "super" => {
            let mut path = here;
            while segments.peek() == Some(&"super") {
                segments.next();
                path.pop()?;
            }
            (from.0, path)
        }
        _ if Some(first) == lib_name => {
            segments.next();
            (Crate::Lib, Vec::new())
        }
        // A module declared in this file.
        _ => (from.0, here),
    };
    path.extend(segments.map(str::to_string));
    Some((krate, path))
}

// ---------------------------------------------------------------------------------------------
// Circles

/// The strongly connected components of the graph with more than one node (Tarjan).
fn tangles(graph: &Graph) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let graph = s.graph;
        for w in graph.edges.get(v).into_iter().flat_map(|e| e.keys()) {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out.sort();
    s.out
}

/// Every elementary circle of the graph, each starting at its smallest node and closing on it
/// (`[a, b, a]`), sorted.
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    fn extend(graph: &Graph, within: &BTreeSet<String>, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        let start = path[0].clone();
        let last = path.last().unwrap().clone();
        for next in graph.edges.get(&last).into_iter().flat_map(|e| e.keys()) {
            if *next == start {
                let mut circle = path.clone();
                circle.push(start.clone());
                out.push(circle);
            } else if within.contains(next) && *next > start && !path.contains(next) {
                path.push(next.clone());
                extend(graph, within, path, out);
                path.pop();
            }
        }
    }
    let mut out = Vec::new();
    for component in tangles(graph) {
        for start in &component {
            extend(graph, &component, &mut vec![start.clone()], &mut out);
        }
    }
    out.sort();
    out
}

/// `walk -> documented -> walk  (src/walk.rs:10 crate::documented::x; src/documented.rs:5 crate::walk)`.
fn describe_circle(graph: &Graph, circle: &[String]) -> String {
    let sites: Vec<String> = circle
        .windows(2)
        .map(|pair| describe_site(&graph.edges[&pair[0]][&pair[1]]))
        .collect();
    format!("{}  ({})", circle.join(" -> "), sites.join("; "))
}

/// One line per tangle (a set of modules that all reach each other: each circle lies in one),
/// then one line per circle.
fn circle_report(graph: &Graph) -> Vec<String> {
    let found = circles(graph);
    let mut lines: Vec<String> = tangles(graph)
        .iter()
        .map(|tangle| {
            let n = found.iter().filter(|c| tangle.contains(&c[0])).count();
            let members: Vec<&str> = tangle.iter().map(String::as_str).collect();
            format!(
                "tangle of {} modules, {n} circles: {}",
                members.len(),
                members.join(", ")
            )
        })
        .collect();
    lines.extend(found.iter().map(|c| describe_circle(graph, c)));
    lines
}

fn describe_site(site: &Site) -> String {
    let test = if site.test { ", test code" } else { "" };
    format!("{}:{} {}{test}", site.file, site.line, site.text)
}

// ---------------------------------------------------------------------------------------------
// Layers

#[derive(Debug, PartialEq)]
struct Layer {
    name: String,
    modules: Vec<String>,
    may_import: Vec<String>,
}

/// The table under `## Layers` in `markdown`: columns `layer`, `modules` and `may import` (lists
/// separated by commas, names optionally in backticks; `—`, `-` or `nothing` for none).
fn parse_layers(markdown: &str) -> Result<Vec<Layer>, String> {
    let mut lines = markdown.lines().skip_while(|l| l.trim() != "## Layers");
    if lines.next().is_none() {
        return Err("no \"## Layers\" section".into());
    }
    let rows: Vec<Vec<String>> = lines
        .take_while(|l| !l.starts_with("## "))
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            let l = l.trim();
            let l = l.strip_prefix('|').unwrap_or(l);
            let l = l.strip_suffix('|').unwrap_or(l);
            l.split('|').map(|cell| cell.trim().to_string()).collect()
        })
        .collect();
    let Some(header) = rows.first() else {
        return Err("no table under \"## Layers\"".into());
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| format!("the layer table has no column \"{name}\""))
    };
    let (layer_col, modules_col, may_col) = (column("layer")?, column("modules")?, column("may import")?);
    let list = |cell: &str| -> Vec<String> {
        cell.split(',')
            .map(|item| item.trim().trim_matches('`').trim().to_string())
            .filter(|item| !matches!(item.as_str(), "" | "—" | "-" | "nothing"))
            .collect()
    };
    let mut layers = Vec::new();
    for row in rows.iter().skip(1) {
        if row
            .iter()
            .all(|cell| cell.chars().all(|c| matches!(c, '-' | ':' | ' ')))
        {
            continue; // the |---|---| line
        }
        let cell = |col: usize| row.get(col).map(String::as_str).unwrap_or("");
        layers.push(Layer {
            name: cell(layer_col).trim_matches('`').to_string(),
            modules: list(cell(modules_col)),
            may_import: list(cell(may_col)),
        });
    }
    Ok(layers)
}

/// What is wrong with `layers` for `graph`: the table against the top-level modules, then every
/// import between top-level modules that the table does not allow (one line per pair of modules).
fn layer_problems(layers: &[Layer], graph: &Graph) -> Vec<String> {
    let mut problems = Vec::new();
    let mut layer_of: BTreeMap<&str, &str> = BTreeMap::new();
    let names: BTreeSet<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    let mut seen_layers = BTreeSet::new();
    for layer in layers {
        if !seen_layers.insert(layer.name.as_str()) {
            problems.push(format!("layer {} has two rows", layer.name));
        }
        for module in &layer.modules {
            if let Some(other) = layer_of.insert(module, &layer.name) {
                problems.push(format!("{module} is in two layers: {other} and {}", layer.name));
            }
            if !graph.top_level.contains(module) {
                problems.push(format!(
                    "layer {} names {module}, which is not a module of src/lib.rs",
                    layer.name
                ));
            }
        }
        for allowed in &layer.may_import {
            if !names.contains(allowed.as_str()) {
                problems.push(format!(
                    "layer {} may import {allowed}, which is not a layer",
                    layer.name
                ));
            }
        }
    }
    for module in &graph.top_level {
        if !layer_of.contains_key(module.as_str()) {
            problems.push(format!("{module} (a module of src/lib.rs) is in no layer"));
        }
    }
    let may_import: BTreeMap<&str, &[String]> = layers.iter().map(|l| (l.name.as_str(), &l.may_import[..])).collect();
    // Edges between top-level modules (submodules count as their top-level module); the binary
    // and the library root sit above every layer.
    let top = |node: &str| node.split("::").next().unwrap().to_string();
    let mut pairs: BTreeMap<(String, String), &Site> = BTreeMap::new();
    for (from, targets) in &graph.edges {
        if from == "main" || from.starts_with("main::") || from == "lib" {
            continue;
        }
        for (to, site) in targets {
            let key = (top(from), top(to));
            if key.0 != key.1 {
                let entry = pairs.entry(key).or_insert(site);
                if entry.test && !site.test {
                    *entry = site;
                }
            }
        }
    }
    for ((from, to), site) in pairs {
        let Some(&from_layer) = layer_of.get(from.as_str()) else {
            continue;
        };
        let why = if to == "lib" {
            "the library root (src/lib.rs) is above every layer".to_string()
        } else {
            let Some(&to_layer) = layer_of.get(to.as_str()) else {
                continue;
            };
            if to_layer == from_layer || may_import[from_layer].iter().any(|l| l == to_layer) {
                continue;
            }
            format!("layer {from_layer} may not import layer {to_layer}")
        };
        problems.push(format!("{from} -> {to}: {why}  ({})", describe_site(site)));
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// The checks on src/

fn read_sources(dir: &str, out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {dir}: {e}")) {
        let path = entry.unwrap().path();
        let rel = path.to_string_lossy().replace('\\', "/");
        if path.is_dir() {
            read_sources(&rel, out);
        } else if rel.ends_with(".rs") {
            out.insert(rel.clone(), std::fs::read_to_string(&path).unwrap());
        }
    }
}

fn src_graph() -> Graph {
    let mut sources = BTreeMap::new();
    read_sources("src", &mut sources);
    let lib_name = env!("CARGO_PKG_NAME").replace('-', "_");
    module_graph(&sources, &lib_name).unwrap_or_else(|problems| panic!("{}", problems.join("\n")))
}

/// The reader follows every file of src/, the library's and the binary's.
#[test]
fn the_module_graph_of_src_is_read() {
    // `src_graph` fails on a `mod` without a file, a file outside the module trees and `#[path]`.
    let graph = src_graph();
    assert!(graph.nodes.contains("lib") && graph.nodes.contains("main"));
    assert!(!graph.top_level.is_empty());
    // The binary (`main` and its `app` modules) uses the library.
    let binary_uses_library = graph
        .edges
        .iter()
        .filter(|(from, _)| from.starts_with("main"))
        .any(|(_, to)| to.keys().any(|t| graph.top_level.contains(t)));
    assert!(binary_uses_library, "{:?}", graph.edges["main"]);
}

#[test]
fn src_has_no_import_circles() {
    let graph = src_graph();
    let lines = circle_report(&graph);
    assert!(
        lines.is_empty(),
        "{} import circles between modules of src/ (A -> B: file A names module B's items; \
         at the end, where each step is named):\n{}",
        circles(&graph).len(),
        lines.join("\n")
    );
}

#[test]
fn imports_follow_the_layers_of_docs_architecture() {
    let graph = src_graph();
    let doc = std::fs::read_to_string("docs/architecture.md").unwrap();
    let layers = parse_layers(&doc).unwrap_or_else(|e| panic!("docs/architecture.md: {e}"));
    let problems = layer_problems(&layers, &graph);
    assert!(
        problems.is_empty(),
        "{} imports or table rows that break the layers of docs/architecture.md (## Layers):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// The reader, the circles and the layers on small made-up trees

fn graph_of(files: &[(&str, &str)]) -> Graph {
    let sources = files.iter().map(|(p, t)| (p.to_string(), t.to_string())).collect();
    module_graph(&sources, "app").unwrap_or_else(|problems| panic!("{}", problems.join("\n")))
}

/// The edges as `a -> b` lines, `(test)` marking edges only test code makes.
fn edges(graph: &Graph) -> Vec<String> {
    let mut out = Vec::new();
    for (from, targets) in &graph.edges {
        for (to, site) in targets {
            let test = if site.test { " (test)" } else { "" };
            out.push(format!("{from} -> {to}{test}"));
        }
    }
    out
}

#[test]
fn comments_strings_chars_and_lifetimes_name_no_module() {
    let src = r####"
        // crate::a::x
        /* crate::b /* nested crate::c */ crate::d */
        /// [`crate::e`]
        const S: &str = "crate::f \" crate::g";
        const R: &str = r#"crate::h "quoted" crate::i"#;
        const B: &[u8] = br##"crate::j"##;
        const C: char = '"';
        const Q: char = '\'';
        fn f<'a>(x: &'a str) -> &'a str { crate::k::y(x) }
    "####;
    let names: Vec<String> = mentions(&lex(src), &BTreeSet::new(), None)
        .into_iter()
        .map(|m| m.segments.join("::"))
        .collect();
    assert_eq!(names, ["crate::k::y"]);
}

#[test]
fn lines_are_counted_through_comments_and_strings() {
    let toks = lex("/* a\nb */ \"c\nd\" r#\"e\nf\"#\nx");
    assert_eq!(
        toks.last().map(|t| (&t.tok, t.line)),
        Some((&Tok::Ident("x".into()), 5))
    );
}

#[test]
fn grouped_imports_over_several_lines_are_each_a_path() {
    let src = "use crate::{\n    a::{self, b::C},\n    d as e,\n    f::*,\n};\nuse std::fmt;\n";
    let names: Vec<String> = mentions(&lex(src), &BTreeSet::new(), None)
        .into_iter()
        .map(|m| m.segments.join("::"))
        .collect();
    assert_eq!(names, ["crate::a", "crate::a::b::C", "crate::d", "crate::f::*"]);
}

#[test]
fn a_path_goes_to_the_longest_module_prefix_that_is_a_file() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod b;\npub fn run() {}\n"),
        ("src/a/mod.rs", "mod deep;\n"),
        ("src/a/deep.rs", "pub struct Item;\n"),
        (
            "src/b.rs",
            "fn f() { let _ = crate::a::deep::Item; crate::a::Other::new(); crate::run(); }\n",
        ),
    ]);
    assert_eq!(edges(&graph), ["b -> a", "b -> a::deep", "b -> lib"]);
    assert_eq!(graph.top_level, BTreeSet::from(["a".to_string(), "b".to_string()]));
}

#[test]
fn a_mod_declaration_alone_is_no_edge_but_naming_the_child_is() {
    let graph = graph_of(&[
        ("src/lib.rs", "pub mod a;\nmod b;\n"),
        ("src/a.rs", "mod inner;\npub use inner::X;\n"),
        ("src/a/inner.rs", "pub struct X;\n"),
        ("src/b.rs", ""),
    ]);
    assert_eq!(edges(&graph), ["a -> a::inner"]);
}

#[test]
fn super_from_a_child_file_is_its_parent_and_from_an_inline_module_the_file_itself() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod b;\n"),
        (
            "src/a/mod.rs",
            "mod c;\npub struct T;\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
        ),
        ("src/a/c.rs", "use super::*;\nfn f() { super::super::b::g(); }\n"),
        (
            "src/b.rs",
            "mod tests {\n    mod more {\n        fn h() { super::super::super::a::T; }\n    }\n}\n",
        ),
    ]);
    assert_eq!(edges(&graph), ["a::c -> a", "a::c -> b", "b -> a"]);
}

#[test]
fn edges_only_from_test_code_are_marked() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod b;\nmod c;\n"),
        (
            "src/a.rs",
            "fn f() {}\n#[cfg(test)]\nmod tests {\n    use crate::b::X;\n    fn g() { crate::c::y(); }\n}\nfn after() { crate::c::z(); }\n",
        ),
        ("src/b.rs", ""),
        ("src/c.rs", ""),
    ]);
    assert_eq!(edges(&graph), ["a -> b (test)", "a -> c"]);
}

#[test]
fn visibility_and_other_crates_are_no_edges() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a;\nmod z;\n"),
        (
            "src/a.rs",
            "mod b;\npub(crate) fn f() {}\npub(super) fn g() {}\npub(in crate::z) fn v() {}\nuse std::collections::b;\nfn h() {\n    other::b::x();\n    x.b::<u8>();\n    for _ in crate::z::all() {}\n}\n",
        ),
        ("src/a/b.rs", ""),
        ("src/z.rs", ""),
    ]);
    // Only the `for` loop's path.
    assert_eq!(edges(&graph), ["a -> z"]);
}

#[test]
fn the_binary_is_its_own_crate_that_names_the_library() {
    let graph = graph_of(&[
        ("src/lib.rs", "pub mod a;\n"),
        ("src/a.rs", ""),
        (
            "src/main.rs",
            "mod cmd;\nuse app::a;\nfn main() { cmd::run(); app::run(); }\n",
        ),
        ("src/cmd.rs", "pub fn run() { crate::helper(); app::a::f(); }\n"),
    ]);
    assert_eq!(
        edges(&graph),
        [
            "main -> a",
            "main -> lib",
            "main -> main::cmd",
            "main::cmd -> a",
            "main::cmd -> main"
        ]
    );
    assert_eq!(graph.top_level, BTreeSet::from(["a".to_string()]));
}

#[test]
fn a_mod_without_a_file_and_a_file_outside_the_tree_are_reported() {
    let sources = [("src/lib.rs", "mod gone;\n"), ("src/stray.rs", "")]
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let problems = module_graph(&sources, "app").err().unwrap();
    assert_eq!(
        problems,
        [
            "src/lib.rs:1: mod gone has no file (src/gone.rs or src/gone/mod.rs)",
            "src/stray.rs: not part of the module tree of src/lib.rs or src/main.rs",
        ]
    );
}

/// A graph from `a -> b` edges.
fn graph_from(edges: &[(&str, &str)]) -> Graph {
    let mut graph = Graph::default();
    for (from, to) in edges {
        graph.nodes.insert(from.to_string());
        graph.nodes.insert(to.to_string());
        graph.edges.entry(from.to_string()).or_default().insert(
            to.to_string(),
            Site {
                file: format!("src/{from}.rs"),
                line: 1,
                text: format!("crate::{to}"),
                test: false,
            },
        );
    }
    graph
}

fn circle_lines(graph: &Graph) -> Vec<String> {
    circles(graph).iter().map(|c| c.join(" -> ")).collect()
}

#[test]
fn a_graph_that_only_goes_down_has_no_circle() {
    let graph = graph_from(&[("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")]);
    assert!(tangles(&graph).is_empty());
    assert!(circles(&graph).is_empty());
}

#[test]
fn every_circle_is_listed_once_from_its_smallest_module() {
    let graph = graph_from(&[
        ("walk", "documented"),
        ("documented", "walk"),
        ("x", "y"),
        ("y", "z"),
        ("z", "x"),
        ("z", "y"),
        ("model", "x"),
    ]);
    assert_eq!(
        circle_lines(&graph),
        ["documented -> walk -> documented", "x -> y -> z -> x", "y -> z -> y"]
    );
    assert_eq!(tangles(&graph).len(), 2);
    assert_eq!(
        circle_report(&graph)[..2],
        [
            "tangle of 2 modules, 1 circles: documented, walk",
            "tangle of 3 modules, 2 circles: x, y, z"
        ]
    );
    assert_eq!(
        describe_circle(&graph, &circles(&graph)[0]),
        "documented -> walk -> documented  (src/documented.rs:1 crate::walk; src/walk.rs:1 crate::documented)"
    );
}

#[test]
fn circles_through_files_are_found() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod walk;\nmod documented;\n"),
        ("src/walk.rs", "fn f() { crate::documented::g() }\n"),
        ("src/documented.rs", "use crate::walk::{self, RepoIndex};\n"),
    ]);
    assert_eq!(circle_lines(&graph), ["documented -> walk -> documented"]);
}

const LAYERS_DOC: &str = "# Arch\n\n## Layers\n\nText.\n\n| layer | modules | may import |\n|---|---|---|\n| app | `cli`, `init` | scan, base |\n| scan | `walk`, `resolve` | base |\n| base | `model` | — |\n\n## Next\n\n| a | b |\n";

#[test]
fn the_layer_table_is_read_from_its_section() {
    let layers = parse_layers(LAYERS_DOC).unwrap();
    let row = |name: &str, modules: &[&str], may: &[&str]| Layer {
        name: name.into(),
        modules: modules.iter().map(|s| s.to_string()).collect(),
        may_import: may.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        layers,
        [
            row("app", &["cli", "init"], &["scan", "base"]),
            row("scan", &["walk", "resolve"], &["base"]),
            row("base", &["model"], &[]),
        ]
    );
    assert!(parse_layers("# Arch\n").is_err());
    assert!(parse_layers("## Layers\n\n| layer | modules |\n|---|---|\n").is_err());
}

fn top_level(graph: &mut Graph, modules: &[&str]) {
    graph.top_level = modules.iter().map(|s| s.to_string()).collect();
}

#[test]
fn imports_down_or_within_a_layer_pass_and_imports_up_fail() {
    let mut graph = graph_from(&[
        ("cli", "init"),
        ("init", "walk"),
        ("walk", "resolve"),
        ("resolve::inner", "model"),
        ("main", "cli"),
        ("lib", "resolve"),
        ("model", "walk"),
        ("walk", "init"),
        ("resolve", "lib"),
    ]);
    top_level(&mut graph, &["cli", "init", "walk", "resolve", "model"]);
    let layers = parse_layers(LAYERS_DOC).unwrap();
    assert_eq!(
        layer_problems(&layers, &graph),
        [
            "model -> walk: layer base may not import layer scan  (src/model.rs:1 crate::walk)",
            "resolve -> lib: the library root (src/lib.rs) is above every layer  (src/resolve.rs:1 crate::lib)",
            "walk -> init: layer scan may not import layer app  (src/walk.rs:1 crate::init)",
        ]
    );
}

#[test]
fn the_layer_table_must_name_each_module_once_and_only_real_ones() {
    let mut graph = graph_from(&[]);
    top_level(&mut graph, &["cli", "init", "walk", "model", "output"]);
    let doc = LAYERS_DOC.replace("`walk`, `resolve`", "`walk`, `model`");
    let doc = doc.replace("| scan, base |", "| scan, base, extra |");
    let layers = parse_layers(&doc).unwrap();
    assert_eq!(
        layer_problems(&layers, &graph),
        [
            "layer app may import extra, which is not a layer",
            "model is in two layers: scan and base",
            "output (a module of src/lib.rs) is in no layer",
        ]
    );
    top_level(&mut graph, &["cli", "init", "walk", "model"]);
    let layers = parse_layers(LAYERS_DOC).unwrap();
    assert_eq!(
        layer_problems(&layers, &graph),
        ["layer scan names resolve, which is not a module of src/lib.rs"]
    );
}
