//! The module graph of a crate at file granularity: nodes are files, an edge is a file naming
//! another module.

use super::lexer::*;
use super::reading::*;
use std::collections::{BTreeMap, BTreeSet};

/// One file module: where it is, and its tokens.
pub(crate) struct FileModule {
    pub(crate) file: String,
    pub(crate) toks: Vec<Token>,
    /// Declared under `#[cfg(test)]` (then all its code is test code).
    pub(crate) test: bool,
}

/// Where an edge was seen first (a place outside test code, when there is one).
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) text: String,
    /// Every mention behind the edge is test code.
    pub(crate) test: bool,
}

#[derive(Default)]
pub(crate) struct Graph {
    pub(crate) nodes: BTreeSet<String>,
    pub(crate) edges: BTreeMap<String, BTreeMap<String, Site>>,
    /// The modules src/lib.rs declares.
    pub(crate) top_level: BTreeSet<String>,
}

pub(crate) fn node_name((krate, path): &ModPath) -> String {
    match (krate, path.is_empty()) {
        (Crate::Lib, true) => "lib".to_string(),
        (Crate::Lib, false) => path.join("::"),
        (Crate::Bin, true) => "main".to_string(),
        (Crate::Bin, false) => format!("main::{}", path.join("::")),
    }
}

/// The directory a file module's `mod x;` files are in: `src/a` for src/a.rs, `src/a` for
/// src/a/mod.rs, `src` for src/lib.rs.
pub(crate) fn child_dir(file: &str) -> String {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    match name {
        "mod.rs" | "lib.rs" | "main.rs" => dir.to_string(),
        _ => format!("{dir}/{}", name.trim_end_matches(".rs")),
    }
}

/// The module graph of `sources` (repository-relative path → text), following `mod` items from
/// `src/lib.rs` and `src/main.rs`. `lib_name` is the library's name in the binary. Problems (a
/// `mod` without a file, a file outside every module tree, `#[path]`) come back as the error.
pub(crate) fn module_graph(sources: &BTreeMap<String, String>, lib_name: &str) -> Result<Graph, Vec<String>> {
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
pub(crate) fn resolve(from: &ModPath, m: &Mention, lib_name: Option<&str>) -> Option<ModPath> {
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
