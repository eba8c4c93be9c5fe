#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    archprompt_fuzz::scan_as(
        &[
            "Gemfile",
            "mix.exs",
            "build.gradle",
            "build.gradle.kts",
            "settings.gradle",
            "go.mod",
            "go.work",
            "requirements.txt",
            "setup.py",
            "Makefile",
            "justfile",
            "alembic.ini",
            ".env.example",
            "prisma/schema.prisma",
            "knexfile.js",
            "manage.py",
        ],
        data,
    );
});
