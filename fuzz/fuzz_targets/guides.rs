#![no_main]

// Guides are read for commands: a README with a backend beside it, so every command field asks.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_files(&[
        ("README.md", data),
        ("CONTRIBUTING.md", data),
        ("docs/development.md", data),
        (
            "package.json",
            br#"{"name":"api","dependencies":{"express":"^4","knex":"^3","pg":"^8"}}"#,
        ),
    ]);
});
