#![no_main]

// Any bytes as an agent file: a Copilot file, a Cursor rule and an AGENTS.md beside a minimal
// backend. `doctor` with `--fix` must end without a panic, and a second check must find no stale
// value left to fix (a fix is a fixed point). Encoding repair must keep the line count.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (found, repaired) = archprompt::profile::encoding::find(&text);
    assert_eq!(text.matches('\n').count(), repaired.matches('\n').count(), "lines kept");
    assert_eq!(found.is_empty(), repaired == text);
    archprompt_fuzz::doctor_files(&[
        (".github/agents/backend-architect.agent.md", data),
        (".cursor/rules/backend-architect.mdc", data),
        ("AGENTS.md", data),
    ]);
});
