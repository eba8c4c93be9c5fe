#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_as(
        &[
            "pnpm-workspace.yaml",
            "docker-compose.yml",
            ".github/workflows/ci.yml",
            ".gitlab-ci.yml",
            "src/main/resources/application.yml",
            "Taskfile.yml",
        ],
        data,
    );
});
