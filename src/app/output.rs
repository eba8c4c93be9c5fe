//! Human-readable text for `scan`, `doctor` and `init`. The binary prints what these return.

use super::cli::Verbosity;
use super::style::{Style, one_line};
use archprompt::doctor::Findings;
use archprompt::report::{EvidenceKind, FieldName, Report, State};
use std::fmt::Write;

/// The `scan` table: each field with its state, value and evidence, wrapped to `width` columns
/// when it is known (a terminal). An absent field whose evidence an earlier one already showed
/// says so in one line. With `verbose`, every evidence line, and the projects and detectors.
pub fn scan_table(report: &Report, style: Style, verbose: bool, width: Option<usize>) -> String {
    let mut out = String::new();
    let backend = match &report.backend_dir {
        Some(dir) => format!("backend project: {}", one_line(dir)),
        None => "no backend project found".to_string(),
    };
    writeln!(out, "{} ({backend})\n", one_line(&report.root)).unwrap();
    let name_width = FieldName::ALL.iter().map(|f| f.as_str().len()).max().unwrap_or(0);
    // Evidence and hints sit under the value, after the name and the state.
    let indent = name_width + 11;
    let wrapped = |text: &str| wrap(text, indent, width);
    let mut shown_for: Vec<(Vec<(String, String)>, FieldName)> = Vec::new();
    for name in FieldName::ALL {
        let field = report.field(name);
        let (state, painted) = match (field.state, field.pinned) {
            (_, true) => ("pinned", style.good("pinned")),
            (State::Found, _) => ("found", style.good("found")),
            (State::Absent, _) => ("absent", style.dim("absent")),
            (State::Unknown, _) => ("unknown", style.warn("unknown")),
        };
        let pad = " ".repeat(7usize.saturating_sub(state.len()));
        // A command stays on one line, to be copied whole; other values wrap between words.
        let value = one_line(field.value.as_deref().unwrap_or("?"));
        let value = if name.is_command() {
            value.into_owned()
        } else {
            wrap(&value, indent, width)
        };
        writeln!(out, "{name:<name_width$}  {painted}{pad}  {value}").unwrap();
        let lines: Vec<(String, String)> = field
            .evidence
            .iter()
            .map(|e| (one_line(&e.file).into_owned(), one_line(&e.reason).into_owned()))
            .collect();
        // The same proof under each of several absent fields (no migration tool, so no migrations
        // folder and no migrate command) is written out once.
        let earlier = shown_for.iter().find(|(seen, _)| *seen == lines).map(|(_, f)| *f);
        if let (State::Absent, Some(earlier), false) = (field.state, earlier, verbose || lines.is_empty()) {
            let line = format!("← as for {}", earlier.as_str());
            writeln!(out, "{:indent$}{}", "", style.dim(&line)).unwrap();
            continue;
        }
        if field.state == State::Absent && !lines.is_empty() {
            shown_for.push((lines.clone(), name));
        }
        // A long list (one line per Django app) is cut unless -v; `--json` keeps every line.
        const SHOWN: usize = 6;
        let cut = !verbose && lines.len() > SHOWN + 1;
        let shown = if cut { SHOWN } else { lines.len() };
        for (file, reason) in &lines[..shown] {
            let line = wrapped(&format!("← {file}: {reason}"));
            writeln!(out, "{:indent$}{}", "", style.dim(&line)).unwrap();
        }
        if cut {
            let more = lines.len() - SHOWN;
            writeln!(out, "{:indent$}← … and {more} more (-v or --json lists them all)", "").unwrap();
        }
        if field.state == State::Unknown {
            if let Some(hint) = &field.hint {
                writeln!(out, "{:indent$}{}", "", wrapped(&format!("? {}", one_line(hint)))).unwrap();
            }
        }
    }
    let extras: Vec<String> = report
        .variables
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={}", one_line(v))))
        .collect();
    if !extras.is_empty() {
        writeln!(out, "\nvariables: {}", extras.join(", ")).unwrap();
    }
    if !report.pinned_variables.is_empty() {
        writeln!(out, "pinned in archprompt.toml: {}", report.pinned_variables.join(", ")).unwrap();
    }
    // The vocabulary beyond the fields: what was found (`--json` has each one's state and proof).
    let found: Vec<String> = report
        .extras
        .iter()
        .filter_map(|(name, f)| Some(format!("{name}={}", one_line(f.found_value()?))))
        .collect();
    if !found.is_empty() {
        let line = format!("also found: {}", found.join(", "));
        writeln!(out, "{}", wrap(&line, 2, width)).unwrap();
    }
    // Other servers in the repository, each described in `--json` and with `--project`.
    let others: Vec<String> = report
        .projects
        .iter()
        .filter_map(|p| {
            let framework = p.fields.as_ref()?.get(&FieldName::BackendFramework)?.value.clone()?;
            Some(format!("{} ({})", one_line(&p.dir), one_line(&framework)))
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
    if verbose {
        writeln!(out, "\nprojects:").unwrap();
        for p in &report.projects {
            let main = if p.main { "  ← described above" } else { "" };
            let line = format!(
                "{} ({}, {}, backend score {}){main}",
                one_line(&p.dir),
                one_line(&p.ecosystem),
                one_line(&p.manifest),
                p.backend_score
            );
            writeln!(out, "  {}", wrap(&line, 4, width)).unwrap();
        }
        if !report.detected.is_empty() {
            let line = format!("detectors matched: {}", report.detected.join(", "));
            writeln!(out, "{}", wrap(&line, 2, width)).unwrap();
        }
    }
    writeln!(out, "\n{} of 11 fields", field_counts(report)).unwrap();
    out
}

/// `text` broken at spaces (never inside a word, nor at its hyphens) to fit `width` columns, its
/// later lines indented by `indent` (it starts `indent` columns in); unchanged when the width is
/// unknown.
fn wrap(text: &str, indent: usize, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_string();
    };
    // Never narrower than 40 columns for the text itself: a very narrow terminal wraps anyway.
    let room = width.saturating_sub(indent).max(40);
    let pad = " ".repeat(indent);
    // Only at spaces: a path or command broken at its hyphens could not be copied whole.
    let options = textwrap::Options::new(room)
        .break_words(false)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options).join(&format!("\n{pad}"))
}

/// The width of standard output when it is a terminal.
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

/// How sure the report is: `9 found, 1 none, 1 unknown` (pinned values count as found).
pub fn field_counts(report: &Report) -> String {
    let count = |state: State| {
        FieldName::ALL
            .iter()
            .filter(|&&f| report.field(f).state == state)
            .count()
    };
    format!(
        "{} found, {} none, {} unknown",
        count(State::Found),
        count(State::Absent),
        count(State::Unknown)
    )
}

/// Warnings as `warning: file: message` lines.
pub fn warnings(report: &Report, style: Style) -> String {
    report
        .warnings
        .iter()
        .map(|w| {
            let (file, message) = (one_line(&w.file), one_line(&w.message));
            format!("{} {file}: {message}\n", style.warn("warning:"))
        })
        .collect()
}

/// The closing list of `init`: placeholders left, those archprompt fills with why each is
/// unknown, then the template's own names it does not fill.
pub fn unfilled(report: &Report, rendered: &str) -> String {
    let left = archprompt::profile::render::left_in(report, rendered);
    let counts = field_counts(report);
    let mut out = if left.ours.is_empty() {
        format!("every field of the template filled ({counts}; `archprompt scan` shows the proof of each none)\n")
    } else {
        format!(
            "{counts}; {} placeholder(s) left (run `archprompt doctor` for how to fill them):\n",
            left.ours.len()
        )
    };
    for name in &left.ours {
        let reason = match report.field_for(name) {
            Some(field) => {
                let hint = field.hint.as_deref().unwrap_or("");
                hint.split(". Looked for:").next().unwrap_or(hint).to_string()
            }
            None => "the scan found none".to_string(),
        };
        writeln!(out, "  {{{{{name}}}}}  {reason}").unwrap();
    }
    if !left.foreign.is_empty() {
        let names: Vec<String> = left.foreign.iter().map(|n| format!("{{{{{n}}}}}")).collect();
        writeln!(
            out,
            "left as written, not names archprompt fills (docs/placeholders.md lists those): {}",
            names.join(", ")
        )
        .unwrap();
    }
    out
}

/// The closing list of an `init` of several templates: a line per agent file written, with the
/// placeholders left in it.
pub fn unfilled_per_template(report: &Report, written: &[(&str, String)]) -> String {
    let mut out = format!(
        "{}; placeholders left per template (run `archprompt doctor` for how to fill them):\n",
        field_counts(report)
    );
    let mut seen: Vec<&str> = Vec::new();
    // One line per template: its files for several agents leave the same placeholders.
    for (name, content) in written {
        if seen.contains(name) {
            continue;
        }
        seen.push(name);
        let left = archprompt::profile::render::left_in(report, content);
        let braced = |names: &[String]| {
            names
                .iter()
                .map(|n| format!("{{{{{n}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ours = if left.ours.is_empty() {
            "every placeholder archprompt fills, filled".to_string()
        } else {
            format!("{} unknown: {}", left.ours.len(), braced(&left.ours))
        };
        let foreign = if left.foreign.is_empty() {
            String::new()
        } else {
            format!("; {} not archprompt's: {}", left.foreign.len(), braced(&left.foreign))
        };
        writeln!(out, "  {name}: {ours}{foreign}").unwrap();
    }
    out
}

/// Doctor's findings as `file:line` blocks, then each problem file's diff, then a summary.
/// `-q` leaves out the diffs, notes and hints; `-v` lists each file whose drift was not checked.
pub fn doctor_text(findings: &Findings, style: Style, fixing: bool, verbosity: Verbosity) -> String {
    let brief = verbosity == Verbosity::Quiet;
    let mut out = String::new();
    for f in &findings.fixed {
        if f.repairs == 0 {
            writeln!(out, "{} in {} what archprompt wrote", style.good("recorded"), f.file).unwrap();
        } else {
            writeln!(out, "{} {} ({} repair(s))", style.good("fixed"), f.file, f.repairs).unwrap();
        }
    }
    for f in &findings.placeholders {
        let placeholder = format!("{{{{{}}}}}", f.placeholder);
        writeln!(out, "{}:{}:{}: {}", f.file, f.line, f.column, style.warn(&placeholder)).unwrap();
        if !brief {
            writeln!(out, "  why: {}", f.why).unwrap();
            writeln!(out, "  fix: {}", f.fix).unwrap();
        }
    }
    for s in &findings.stale {
        writeln!(out, "{}:{}: {} {}", s.file, s.line, style.bad("stale"), s.field).unwrap();
        if !brief {
            writeln!(
                out,
                "  the file says `{}`; {} `{}`",
                s.in_file,
                source_of(&s.evidence),
                s.now
            )
            .unwrap();
            if let Some(e) = s.evidence.first() {
                writeln!(out, "  {}", style.dim(&format!("← {}: {}", e.file, e.reason))).unwrap();
            }
            if !s.fixable {
                writeln!(
                    out,
                    "  not changed by --fix: the scan finds no value where the file names one; check the repository, or pin the value in archprompt.toml"
                )
                .unwrap();
            }
        }
    }
    for e in findings.edited.iter().filter(|_| !brief) {
        let pinned = serde_json::to_string(&e.in_file).unwrap_or_default();
        writeln!(
            out,
            "{}:{}: {} was edited by hand: the file says `{}`, {} `{}`; kept",
            e.file,
            e.line,
            e.field,
            e.in_file,
            source_of(&e.evidence),
            e.now
        )
        .unwrap();
        if verbosity == Verbosity::Verbose {
            writeln!(
                out,
                "  to give every agent file this value: add `{} = {pinned}` to [values] in archprompt.toml",
                e.field
            )
            .unwrap();
        }
    }
    for m in &findings.missing_paths {
        writeln!(
            out,
            "{}:{}: {} in {}: `{}` does not exist",
            m.file,
            m.line,
            style.bad("missing directory"),
            m.field,
            m.path
        )
        .unwrap();
        // A stale value is replaced by --fix anyway; otherwise say what to do.
        let stale = findings.stale.iter().any(|s| s.file == m.file && s.line == m.line);
        if !brief && !stale {
            writeln!(
                out,
                "  fix: take it out of the file, or pin the right directories in archprompt.toml (`[values]` {} = [\"…\"]) and run `archprompt doctor --fix`",
                m.field
            )
            .unwrap();
        }
    }
    for m in &findings.missing_tasks {
        writeln!(
            out,
            "{}:{}: {} in {}: `{}` runs `{}`, which {} does not define",
            m.file,
            m.line,
            style.bad("missing task"),
            m.field,
            m.task.command,
            m.task.task,
            m.task.looked_in
        )
        .unwrap();
    }
    for b in &findings.broken_encoding {
        writeln!(
            out,
            "{}:{}: {} (UTF-8 read as Windows-1252)",
            b.file,
            b.line.line,
            style.bad("broken encoding")
        )
        .unwrap();
        if !brief {
            writeln!(out, "  is:       {}", b.line.text).unwrap();
            writeln!(out, "  repaired: {}", b.line.repaired).unwrap();
        }
    }
    for d in findings.diffs.iter().filter(|_| !brief) {
        writeln!(
            out,
            "\n`archprompt init --force` would re-render {} (dropping edits of yours; `--fix` changes only what is listed above):",
            d.file
        )
        .unwrap();
        out.push_str(&style.diff(&d.diff));
    }
    // Files whose drift was not checked are summed up unless -v; notes are each said.
    let unchecked = &findings.unchecked;
    if !brief {
        for note in &findings.notes {
            writeln!(out, "note: {note}").unwrap();
        }
        match (verbosity, unchecked.len()) {
            (_, 0) => {}
            (Verbosity::Verbose, _) | (_, 1) => {
                for note in unchecked {
                    writeln!(out, "note: {note}").unwrap();
                }
            }
            (_, n) => writeln!(
                out,
                "note: drift not checked in {n} agent files or sections that no bundled or repository template is named after (-v lists them)"
            )
            .unwrap(),
        }
    }
    let files = findings.files_checked.len();
    if brief || files == 0 && !findings.errors.is_empty() {
        return out; // -q: the findings are the result; or the errors say it all
    }
    if !brief && (!findings.diffs.is_empty() || !findings.notes.is_empty() || !findings.unchecked.is_empty()) {
        out.push('\n');
    }
    let problems = findings.problems();
    if problems == 0 {
        writeln!(
            out,
            "{files} file(s) checked: {}",
            style.good("no placeholders left, no drift, no broken encoding")
        )
        .unwrap();
        return out;
    }
    let mut parts = Vec::new();
    for (count, one, many) in [
        (findings.placeholders.len(), "placeholder", "placeholders"),
        (findings.stale.len(), "stale value", "stale values"),
        (findings.missing_paths.len(), "missing directory", "missing directories"),
        (findings.missing_tasks.len(), "missing task", "missing tasks"),
        (
            findings.broken_encoding.len(),
            "line with broken encoding",
            "lines with broken encoding",
        ),
    ] {
        match count {
            0 => {}
            1 => parts.push(format!("1 {one}")),
            n => parts.push(format!("{n} {many}")),
        }
    }
    writeln!(out, "{} in {files} file(s) checked", parts.join(", ")).unwrap();
    let fillable = findings.placeholders.iter().filter(|p| p.fillable).count();
    let stale = findings.stale.iter().filter(|s| s.fixable).count();
    let fixable = stale + findings.broken_encoding.len() + fillable;
    if !fixing && !brief && fixable > 0 {
        writeln!(
            out,
            "`archprompt doctor --fix` repairs {fixable} of them in place (stale values, placeholders a scan can fill, broken encoding) and keeps the rest of each file"
        )
        .unwrap();
    }
    out
}

/// Who says what a value should be: a pin in archprompt.toml, or the scan.
fn source_of(evidence: &[archprompt::report::Evidence]) -> &'static str {
    if evidence.iter().any(|e| e.kind == EvidenceKind::Pinned) {
        "archprompt.toml pins"
    } else {
        "a fresh scan finds"
    }
}

#[cfg(test)]
mod scan_table_tests {
    use super::*;
    use archprompt::report::{Evidence, Field};

    fn report() -> Report {
        let mut report = Report::unknown("shop", "nothing read");
        let long = "a reason long enough to need wrapping on an eighty-column terminal, as hints and proofs often are";
        report.fields.insert(
            FieldName::SourceDirs,
            Field::found("src", vec![Evidence::new("src/very/deep/module/file.ts", long)]),
        );
        for name in [FieldName::DbMigrationsDirs, FieldName::MigrationCommand] {
            report
                .fields
                .insert(name, Field::absent_because("package.json", "no migration tool"));
        }
        report
    }

    #[test]
    fn lines_fit_the_terminal_and_a_repeated_proof_is_named_once() {
        let text = scan_table(&report(), Style::PLAIN, false, Some(80));
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line:?} is wider than 80 columns");
        }
        assert!(text.contains("eighty-column\n"), "wrapped at a space:\n{text}");
        assert_eq!(text.matches("no migration tool").count(), 1, "{text}");
        assert!(text.contains("← as for db_migrations_dirs"), "{text}");
        // Without a terminal nothing is wrapped.
        let piped = scan_table(&report(), Style::PLAIN, false, None);
        assert!(piped.lines().any(|l| l.chars().count() > 80));
    }

    #[test]
    fn verbose_adds_every_proof_and_the_projects() {
        let text = scan_table(&report(), Style::PLAIN, true, None);
        assert_eq!(text.matches("no migration tool").count(), 2, "{text}");
        assert!(text.contains("\nprojects:\n"), "{text}");
        assert!(!scan_table(&report(), Style::PLAIN, false, None).contains("projects:"));
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_breaks_only_at_spaces() {
        // A hyphen splitter would end the first line at `docker-compose.development.yml-and-`.
        let text = "← x docker-compose.development.yml-and-more-words-here: the postgres-primary service";
        let wrapped = wrap(text, 4, Some(44));
        assert!(wrapped.lines().count() > 1, "{wrapped}");
        assert!(
            wrapped.contains("docker-compose.development.yml-and-more-words-here"),
            "{wrapped}"
        );
        assert!(wrapped.contains("postgres-primary"), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")), "{wrapped}");
        assert_eq!(wrap(text, 4, None), text);
    }
}
