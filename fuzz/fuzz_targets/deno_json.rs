#![no_main]

// Arbitrary bytes as a Deno import map and tasks, beside a package.json (so they join a Node
// project) and alone in a folder (a Deno project of its own); and the same bytes as the
// `imports` of a package.json. Scanning must not panic (issue 15: `"npm:@scope"` did).
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let as_import = json_string(&String::from_utf8_lossy(data));
    let import_map = format!(r#"{{"imports":{{"x":{as_import},{as_import}:"npm:x"}},"tasks":{{"dev":{as_import}}}}}"#);
    let package = format!(
        r##"{{"dependencies":{{"express":"4"}},"scripts":{{"dev":"node s"}},"imports":{{"#x":{as_import}}}}}"##
    );
    archprompt_fuzz::scan_files(&[
        ("package.json", package.as_bytes()),
        ("deno.json", data),
        ("apps/edge/deno.jsonc", data),
        ("apps/api/deno.json", import_map.as_bytes()),
        ("apps/api/package.json", br#"{"dependencies":{"hono":"4"}}"#),
        ("src/index.js", b"require('express')\n"),
    ]);
});

/// `text` as a JSON string literal (no serde_json: the fuzz crate's dependencies stay as locked).
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
