//! Human-readable text for `scan`, `doctor` and `init`. The binary prints what these return.

use crate::doctor::Findings;
use crate::model::{FIELD_NAMES, Report, State};
use std::fmt::Write;

/// The `scan` table: each field with its state, value and evidence.
pub fn scan_table(report: &Report) -> String {
    let mut out = String::new();
    let backend = match &report.backend_dir {
        Some(dir) => format!("backend project: {dir}"),
        None => "no backend project found".to_string(),
    };
    writeln!(out, "{} ({backend})\n", report.root).unwrap();
    let width = FIELD_NAMES.iter().map(|f| f.len()).max().unwrap_or(0);
    for name in FIELD_NAMES {
        let field = report.field(name);
        let state = match field.state {
            State::Found => "found",
            State::Absent => "absent",
            State::Unknown => "unknown",
        };
        let value = field.value.as_deref().unwrap_or("?");
        writeln!(out, "{name:<width$}  {state:<7}  {value}").unwrap();
        // A long list (one line per Django app) is cut; `--json` keeps every line.
        const SHOWN: usize = 6;
        let cut = field.evidence.len() > SHOWN + 1;
        let shown = if cut { SHOWN } else { field.evidence.len() };
        for ev in &field.evidence[..shown] {
            writeln!(out, "{:<width$}           ← {}: {}", "", ev.file, ev.reason).unwrap();
        }
        if cut {
            let more = field.evidence.len() - SHOWN;
            writeln!(
                out,
                "{:<width$}           ← … and {more} more (--json lists them all)",
                ""
            )
            .unwrap();
        }
        if field.state == State::Unknown {
            if let Some(hint) = &field.hint {
                writeln!(out, "{:<width$}           ? {hint}", "").unwrap();
            }
        }
    }
    let extras: Vec<String> = report
        .variables
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
        .collect();
    if !extras.is_empty() {
        writeln!(out, "\nvariables: {}", extras.join(", ")).unwrap();
    }
    // Other servers in the repository, each described in `--json` and with `--project`.
    let others: Vec<String> = report
        .projects
        .iter()
        .filter_map(|p| {
            let framework = p.fields.as_ref()?.get("backend_framework")?.value.clone()?;
            Some(format!("{} ({framework})", p.dir))
        })
        .collect();
    if !others.is_empty() {
        writeln!(
            out,
            "\nother backend projects: {} (see one with --project DIR)",
            others.join(", ")
        )
        .unwrap();
    }
    out
}

/// Warnings as `warning: file: message` lines.
pub fn warnings(report: &Report) -> String {
    report
        .warnings
        .iter()
        .map(|w| format!("warning: {}: {}\n", w.file, w.message))
        .collect()
}

/// The closing list of `init`: fields left as placeholders.
pub fn unfilled(report: &Report, rendered: &str) -> String {
    let left: Vec<String> = crate::doctor::placeholders(rendered)
        .into_iter()
        .map(|(_, _, name)| name)
        .collect();
    let unknown: Vec<&str> = report
        .unknown_fields()
        .into_iter()
        .filter(|f| left.iter().any(|l| l == f))
        .collect();
    if unknown.is_empty() {
        return "all 11 fields filled\n".to_string();
    }
    let mut out = format!(
        "{} field(s) left as placeholders (run `archprompt doctor` for how to fill them):\n",
        unknown.len()
    );
    for name in unknown {
        let hint = report.field(name).hint.as_deref().unwrap_or("");
        let reason = hint.split(". Looked for:").next().unwrap_or(hint);
        writeln!(out, "  {{{{{name}}}}}  {reason}").unwrap();
    }
    out
}

/// Doctor's findings as `file:line:col` blocks.
pub fn doctor_text(findings: &Findings) -> String {
    let mut out = String::new();
    for f in &findings.placeholders {
        writeln!(out, "{}:{}:{}: {{{{{}}}}}", f.file, f.line, f.column, f.placeholder).unwrap();
        writeln!(out, "  why: {}", f.why).unwrap();
        writeln!(out, "  fix: {}", f.fix).unwrap();
    }
    let files = findings.files_checked.len();
    if files == 0 && !findings.errors.is_empty() {
        return out; // the errors say it all
    }
    match findings.placeholders.len() {
        0 => writeln!(out, "{files} file(s) checked, no placeholders left").unwrap(),
        n => writeln!(out, "{n} placeholder(s) in {files} file(s) checked").unwrap(),
    }
    out
}
