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

mod cycles;
mod graph;
mod layers;
mod lexer;
mod reading;

use cycles::*;
use graph::*;
use layers::*;
use lexer::*;
use reading::*;

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

#[test]
fn the_layer_table_lets_imports_go_only_down() {
    let mut graph = graph_from(&[]);
    top_level(&mut graph, &["cli", "init", "walk", "resolve", "model"]);
    let doc = LAYERS_DOC.replace("| `model` | — |", "| `model` | app |");
    let layers = parse_layers(&doc).unwrap();
    assert_eq!(
        layer_problems(&layers, &graph),
        ["layer base may import app, which is not below it in the table"]
    );
}
