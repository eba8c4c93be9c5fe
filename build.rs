//! Embeds every `detectors/**/*.toml` into the binary (the detectors, and
//! `detectors/conventions.toml`, which the registry reads apart), so archprompt needs no data
//! files at run time. Each file is parsed here and embedded as JSON: a scan then loads 180
//! detectors with serde_json in a fraction of the time TOML parsing took at every start. A file
//! that is not valid TOML fails the build, naming it. The generated file is a `&[(&str, &str)]` of (repo-relative
//! path, JSON).

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
