//! Embeds every `detectors/**/*.toml` into the binary (the detectors, and
//! `detectors/conventions.toml`, which the registry reads apart), so archprompt needs no data
//! files at run time. Each file is parsed here and embedded as JSON: a scan then loads 180
//! detectors with serde_json in a fraction of the time TOML parsing took at every start. A file
//! that is not valid TOML fails the build, naming it. The generated file is a `&[(&str, &str)]` of (repo-relative
//! path, JSON).
//!
//! It also writes `fixture_cases.rs`, which tests/fixtures.rs includes: one `#[test]` per check
//! and per `fixtures/<dir>`, so each fixture passes or fails under its own name and a new fixture
//! directory is tested with no code change. A package (`cargo install`) has no fixtures/: the file
//! is then empty.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=detectors");
    let mut files = Vec::new();
    collect(Path::new("detectors"), &mut files);
    files.sort();
    let mut out = String::from("&[\n");
    for file in &files {
        let rel = file.to_string_lossy().replace('\\', "/");
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not valid TOML: {e}"));
        let json = serde_json::to_string(&value).expect("TOML values serialize as JSON");
        writeln!(out, "    ({rel:?}, {json:?}),").unwrap();
    }
    out.push_str("]\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("builtin_detectors.rs"), out).unwrap();
    std::fs::write(out_dir.join("fixture_cases.rs"), fixture_cases(Path::new("fixtures"))).unwrap();
}

/// The checks of tests/fixtures.rs run for every fixture: (test name prefix, function it calls).
const FIXTURE_CHECKS: [(&str, &str); 3] = [
    ("scan", "check_scan"),
    ("render", "check_render"),
    ("invariants", "check_invariants"),
];

/// One test per check and per directory of `dir`, e.g. `fn scan_node_express_prisma() {
/// check_scan("node-express-prisma") }`; nothing when `dir` does not exist.
fn fixture_cases(dir: &Path) -> String {
    if !dir.is_dir() {
        return String::new();
    }
    // Cargo scans a directory given here recursively: a fixture added, removed or edited reruns this.
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| match e.file_name().into_string() {
            Ok(name) => Some(name),
            Err(name) => {
                println!("cargo:warning=fixture {name:?} is not named in UTF-8 and is not tested");
                None
            }
        })
        .collect();
    names.sort();
    let mut taken = std::collections::HashSet::new();
    let mut out = String::new();
    for name in &names {
        let mut ident: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        // Two names that differ only in punctuation or case must still give two tests.
        let base = ident.clone();
        let mut n = 2;
        while !taken.insert(ident.clone()) {
            ident = format!("{base}_{n}");
            n += 1;
        }
        for (prefix, check) in FIXTURE_CHECKS {
            writeln!(out, "#[test]\nfn {prefix}_{ident}() {{\n    {check}({name:?});\n}}").unwrap();
        }
    }
    out
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "toml") {
            files.push(path);
        }
    }
}
