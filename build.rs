//! Embeds every `detectors/**/*.toml` into the binary, so archprompt needs no data files at
//! run time. The generated file is a `&[(&str, &str)]` of (repo-relative path, contents).

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=detectors");
    let mut files = Vec::new();
    collect(Path::new("detectors"), &mut files);
    files.sort();
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut out = String::from("&[\n");
    for file in &files {
        let rel = file.to_string_lossy().replace('\\', "/");
        let abs = manifest_dir.join(file);
        writeln!(out, "    ({rel:?}, include_str!({:?})),", abs.to_string_lossy()).unwrap();
    }
    out.push_str("]\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_detectors.rs");
    std::fs::write(dest, out).unwrap();
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
