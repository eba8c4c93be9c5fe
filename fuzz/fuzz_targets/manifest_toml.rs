#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_as(
        &[
            "Cargo.toml",
            "pyproject.toml",
            "Pipfile",
            "crates/core/Cargo.toml",
            "uv.lock",
        ],
        data,
    );
});
