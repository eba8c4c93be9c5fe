#![no_main]

// An arbitrary tree: the input is `path\0contents\0path\0contents…`, so the fuzzer builds
// repositories of any shape for the rules to evaluate.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|b| *b == 0);
    let mut files: Vec<(String, &[u8])> = Vec::new();
    while let (Some(path), Some(contents)) = (parts.next(), parts.next()) {
        if let Some(path) = archprompt_fuzz::safe_path(path) {
            files.push((path, contents));
        }
        if files.len() == 24 {
            break;
        }
    }
    // A file and a directory of the same name cannot both exist: keep the first.
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut kept: Vec<(&str, &[u8])> = Vec::new();
    for (path, contents) in &files {
        let clashes = kept
            .iter()
            .any(|(k, _)| k == path || path.starts_with(&format!("{k}/")) || k.starts_with(&format!("{path}/")));
        if !clashes {
            kept.push((path.as_str(), contents));
        }
    }
    archprompt_fuzz::scan_files(&kept);
});
