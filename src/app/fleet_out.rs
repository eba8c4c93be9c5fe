//! A fleet report written out: a Markdown page (a table and its counts, for a pull request or a
//! wiki), CSV (one row per repository, for spreadsheets), JSON (the rows and counts) or an HTML
//! page (`fleet_html`).

use super::cli::ReportFormat;
use super::style::is_bidi_control;
use anyhow::Result;
use archprompt::report::fleet::{Cell, Fleet, FleetRow, RowStatus, StateCounts};
use archprompt::report::{FieldName, State};
use std::collections::BTreeMap;

pub fn render(fleet: &Fleet, format: ReportFormat) -> Result<String> {
    Ok(match format {
        ReportFormat::Markdown => markdown(fleet),
        ReportFormat::Csv => csv(fleet)?,
        ReportFormat::Json => format!("{}\n", serde_json::to_string_pretty(fleet)?),
        ReportFormat::Html => super::fleet_html::page(fleet),
    })
}

/// How a cell reads in a table: a command or directory as code (read as written, nothing
/// escaped), another value escaped, `none` in italics when absent (so no one runs it), `?` when
/// unknown.
fn shown(field: FieldName, cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell {
            state: State::Found,
            value: Some(value),
            ..
        }) if field.is_command() => code(value),
        // One span per directory, as the agent file writes them.
        Some(Cell {
            state: State::Found,
            value: Some(value),
            ..
        }) if field.is_directories() => value.split(", ").map(code).collect::<Vec<_>>().join(", "),
        Some(Cell {
            state: State::Found,
            value: Some(value),
            ..
        }) => md(value),
        Some(Cell {
            state: State::Absent, ..
        }) => "*none*".to_string(),
        _ => "?".to_string(),
    }
}

/// `text` as one code span in a table cell (as agent files write one), on one line, without
/// bidirectional controls, its `|` escaped: a table reads that before the span.
fn code(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| !is_bidi_control(*c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    archprompt::profile::code_span::code_span(&clean).replace('|', "\\|")
}

/// Text safe inside a Markdown table cell: one line, no bidirectional controls, no HTML, and
/// every character Markdown would read as markup escaped (`pytest tests/test_*.py` keeps its `*`).
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if is_bidi_control(c) => {}
            c if c.is_control() => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // `(`, `#` and `!` need no escape: with `[` escaped no link or image can start.
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A CSV cell a spreadsheet will not run: text starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return would be read as a formula, so it gets a leading `'`.
fn spreadsheet_safe(text: String) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

fn markdown(fleet: &Fleet) -> String {
    let mut out = String::from("# archprompt report\n\n");
    let counts = &fleet.counts;
    out.push_str(&format!(
        "{} repositories, {} could not be scanned. `?` is unknown, *none* is absent.\n\n",
        counts.repositories, counts.failed
    ));
    let mut header = vec!["repository".to_string()];
    header.extend(FieldName::ALL.iter().map(|f| f.as_str().to_string()));
    out.push_str(&format!("| {} |\n", header.join(" | ")));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in &fleet.repositories {
        let mut cells = vec![md(&row.path)];
        match row.status {
            RowStatus::Failed => {
                let error = row.error.as_deref().unwrap_or("failed");
                cells.push(format!("failed: {}", md(error)));
                cells.extend((1..FieldName::ALL.len()).map(|_| String::new()));
            }
            RowStatus::Scanned => cells.extend(FieldName::ALL.iter().map(|f| shown(*f, row.fields.get(f)))),
        }
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let tables: [(&str, &BTreeMap<String, usize>); 3] = [
        ("Backend frameworks", &counts.frameworks),
        ("Databases", &counts.databases),
        ("Ecosystems", &counts.ecosystems),
    ];
    for (title, table) in tables {
        out.push_str(&format!("\n## {title}\n\n| | repositories |\n|---|---|\n"));
        let mut rows: Vec<(&String, &usize)> = table.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (name, n) in rows {
            out.push_str(&format!("| {} | {n} |\n", md(name)));
        }
    }
    out.push_str("\n## Fields\n\n| field | found | absent | unknown |\n|---|---|---|---|\n");
    for field in FieldName::ALL {
        let StateCounts { found, absent, unknown } = counts.states.get(&field).copied().unwrap_or_default();
        out.push_str(&format!("| {} | {found} | {absent} | {unknown} |\n", field.as_str()));
    }
    out
}

/// One record per repository: path, status, error, backend dir, ecosystem, then each field's
/// state and value.
fn csv(fleet: &Fleet) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["repository", "status", "error", "backend_dir", "ecosystem"]
        .map(String::from)
        .to_vec();
    for field in FieldName::ALL {
        header.push(format!("{}_state", field.as_str()));
        header.push(field.as_str().to_string());
    }
    writer.write_record(&header)?;
    for row in &fleet.repositories {
        writer.write_record(record(row).into_iter().map(spreadsheet_safe))?;
    }
    Ok(String::from_utf8(writer.into_inner()?)?)
}

fn record(row: &FleetRow) -> Vec<String> {
    let status = match row.status {
        RowStatus::Scanned => "scanned",
        RowStatus::Failed => "failed",
    };
    let mut record = vec![
        row.path.clone(),
        status.to_string(),
        row.error.clone().unwrap_or_default(),
        row.backend_dir.clone().unwrap_or_default(),
        row.ecosystem.clone().unwrap_or_default(),
    ];
    for field in FieldName::ALL {
        match row.fields.get(&field) {
            Some(cell) => {
                let state = match cell.state {
                    State::Found => "found",
                    State::Absent => "absent",
                    State::Unknown => "unknown",
                };
                record.push(state.to_string());
                record.push(cell.value.clone().unwrap_or_default());
            }
            None => record.extend([String::new(), String::new()]),
        }
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;
    use archprompt::report::{Evidence, Field, Report};

    fn fleet() -> Fleet {
        let mut report = Report::unknown("shop", "nothing read");
        report.fields.insert(
            FieldName::BackendFramework,
            Field::found("Express", vec![Evidence::new("package.json", "dependency express")]),
        );
        report.fields.insert(
            FieldName::TestCommand,
            Field::found(
                "npm test | tee log",
                vec![Evidence::new("package.json", "script \"test\"")],
            ),
        );
        report.fields.insert(
            FieldName::DatabaseSystem,
            Field::absent_because("package.json", "no driver"),
        );
        let mut fleet = Fleet::new();
        fleet.add_report("repos/shop", &report);
        fleet.add_failure("repos/gone", "repos/gone: no such file or directory");
        fleet
    }

    #[test]
    fn markdown_escapes_cells_and_marks_states() {
        let text = markdown(&fleet());
        let shop = text.lines().find(|l| l.starts_with("| repos/shop")).unwrap();
        assert!(shop.contains("| Express |"), "{shop}");
        assert!(shop.contains("| *none* |"), "{shop}");
        assert!(shop.contains("| `npm test \\| tee log` |"), "{shop}");
        assert!(shop.contains("| ? |"), "{shop}");
        let gone = text.lines().find(|l| l.starts_with("| repos/gone")).unwrap();
        assert!(gone.contains("failed: repos/gone: no such file or directory"), "{gone}");
        // Every row has as many cells as the header.
        let cells = |l: &str| l.matches(" | ").count();
        let header = text.lines().find(|l| l.starts_with("| repository")).unwrap();
        assert_eq!(cells(shop), cells(header));
        assert_eq!(cells(gone), cells(header));
        assert!(text.contains("| Express | 1 |"));
        assert!(text.contains("| database_system | 0 | 1 | 0 |"));
    }

    #[test]
    fn markup_bidi_controls_and_formulas_are_made_harmless() {
        assert_eq!(md("pytest tests/test_*.py"), "pytest tests/test\\_\\*.py");
        assert_eq!(md("a && b <x>"), "a &amp;&amp; b &lt;x&gt;");
        assert_eq!(md("[link](http://x)"), "\\[link\\](http://x)");
        assert_eq!(md("Rust 1.80 (edition 2021), C#"), "Rust 1.80 (edition 2021), C#");
        assert_eq!(md("ab\u{202E}cd\n"), "abcd ");
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")".into()), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-e cmd".into()), "'-e cmd");
        assert_eq!(spreadsheet_safe("npm test".into()), "npm test");
        assert_eq!(code("a && b <x>"), "`a && b <x>`");
        assert_eq!(code("echo `date` | x"), "``echo `date` \\| x``");
        assert_eq!(code("`x`"), "`` `x` ``");
    }

    #[test]
    fn csv_has_a_state_and_a_value_per_field() {
        let text = csv(&fleet()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][at("backend_framework")], "Express");
        assert_eq!(&rows[0][at("database_system_state")], "absent");
        assert_eq!(&rows[0][at("test_command")], "npm test | tee log");
        assert_eq!(&rows[0][at("db_command_state")], "unknown");
        assert_eq!(&rows[1][at("status")], "failed");
        assert_eq!(&rows[1][at("error")], "repos/gone: no such file or directory");
    }
}
