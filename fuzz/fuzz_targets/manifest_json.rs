#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_as(
        &[
            "package.json",
            "composer.json",
            "deno.json",
            "apps/api/package.json",
            "lerna.json",
            "nx.json",
        ],
        data,
    );
});
