//! `report --format html`: the fleet as one page a platform team opens in a browser, sorts and
//! filters, and links to a filtered view. Self-contained, so it can be mailed, attached to a CI
//! run or opened offline: CSS and JS are inlined, nothing is fetched (the page's content security
//! policy forbids it). Every string from a repository is HTML-escaped here; the script only reads
//! the table the page already holds, so nothing a repository wrote is ever parsed as markup.

use super::style::is_bidi_control;
use archprompt::report::fleet::{Cell, Fleet, FleetCounts, RowStatus, StateCounts};
use archprompt::report::{FieldName, State};
use std::collections::BTreeMap;
use std::fmt::Write;

const CSS: &str = include_str!("fleet_html.css");
const JS: &str = include_str!("fleet_html.js");

pub fn page(fleet: &Fleet) -> String {
    let counts = &fleet.counts;
    let mut out = String::with_capacity(64 * 1024 + fleet.repositories.len() * 4096);
    writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n\
         <title>archprompt fleet report</title>\n<style>\n{CSS}</style>\n</head>\n<body>"
    )
    .unwrap();
    let unknown = fleet
        .repositories
        .iter()
        .filter(|row| row.fields.values().any(|cell| cell.state == State::Unknown))
        .count();
    let frameworks = counts.frameworks.values().sum::<usize>();
    let no_framework = ["none", "unknown"].map(|k| counts.frameworks.get(k).copied().unwrap_or(0));
    let with_framework = frameworks - no_framework[0] - no_framework[1];
    writeln!(
        out,
        "<header>\n<h1>Fleet report</h1>\n<p class=\"sub\">{} repositories scanned by archprompt {}</p>\n\
         <nav class=\"tiles\">\n<a class=\"tile\" href=\"#\"><b>{}</b> repositories</a>\n\
         <a class=\"tile found\" href=\"#field=backend_framework&amp;state=found\"><b>{with_framework}</b> with a backend framework</a>\n\
         <a class=\"tile unknown\" href=\"#state=unknown\"><b>{unknown}</b> with an unknown field</a>\n\
         <a class=\"tile failed\" href=\"#state=failed\"><b>{}</b> could not be scanned</a>\n</nav>\n</header>",
        counts.repositories,
        html(&fleet.archprompt),
        counts.repositories,
        counts.failed,
    )
    .unwrap();
    filters(&mut out, counts);
    table(&mut out, fleet);
    totals(&mut out, fleet);
    writeln!(out, "<script>\n{JS}</script>\n</body>\n</html>").unwrap();
    out
}

/// The filter bar; the script fills it from the URL fragment and keeps the fragment in step.
fn filters(out: &mut String, counts: &FleetCounts) {
    out.push_str(
        "<form class=\"filters\" id=\"filters\" autocomplete=\"off\">\n\
         <label>Search <input type=\"search\" id=\"q\" name=\"q\" placeholder=\"repository, value or evidence\"></label>\n\
         <label>Framework <select id=\"framework\" name=\"framework\"><option value=\"\">any</option>",
    );
    for (name, n) in by_count(&counts.frameworks) {
        write!(out, "<option value=\"{0}\">{0} ({n})</option>", html(name)).unwrap();
    }
    out.push_str(
        "</select></label>\n<label>Rows where <select id=\"field\" name=\"field\"><option value=\"\">any field</option>",
    );
    for field in FieldName::ALL {
        write!(out, "<option value=\"{}\">{}</option>", field.as_str(), label(field)).unwrap();
    }
    out.push_str(
        "</select></label>\n<label>is <select id=\"state\" name=\"state\"><option value=\"\">any state</option>\
         <option value=\"found\">found</option><option value=\"absent\">absent</option>\
         <option value=\"unknown\">unknown</option><option value=\"failed\">not scanned</option></select></label>\n\
         <label class=\"check\"><input type=\"checkbox\" id=\"evidence\"> show evidence</label>\n\
         <a href=\"#\" class=\"clear\">clear</a>\n<output id=\"shown\"></output>\n</form>\n",
    );
}

/// The table: a row per repository, a cell per field coloured by its state, the value shown and
/// the evidence in a `<details>` (its lines also the value's tooltip).
fn table(out: &mut String, fleet: &Fleet) {
    out.push_str("<main>\n<table id=\"fleet\">\n<thead><tr><th data-key=\"repository\"><button type=\"button\">repository</button></th>");
    for field in FieldName::ALL {
        write!(
            out,
            "<th data-key=\"{0}\" title=\"{0}\"><button type=\"button\">{1}</button></th>",
            field.as_str(),
            label(field)
        )
        .unwrap();
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &fleet.repositories {
        let framework = match row.status {
            RowStatus::Failed => String::new(),
            RowStatus::Scanned => framework(row.fields.get(&FieldName::BackendFramework)),
        };
        let status = match row.status {
            RowStatus::Scanned => "scanned",
            RowStatus::Failed => "failed",
        };
        // The repository's name stands out from the directory it is in.
        let (dir, name) = match row.path.trim_end_matches('/').rsplit_once('/') {
            Some((dir, _)) => row.path.split_at(dir.len() + 1),
            None => ("", row.path.as_str()),
        };
        write!(
            out,
            "<tr data-repo=\"{}\" data-status=\"{status}\" data-framework=\"{}\"><th scope=\"row\"><span class=\"dir\">{}</span>{}",
            html(&row.path),
            html(&framework),
            breakable(dir),
            breakable(name)
        )
        .unwrap();
        let place: Vec<&str> = [
            row.ecosystem.as_deref(),
            row.backend_dir.as_deref().filter(|d| *d != "."),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !place.is_empty() {
            write!(out, "<span class=\"place\">{}</span>", html(&place.join(" · "))).unwrap();
        }
        out.push_str("</th>");
        match row.status {
            RowStatus::Failed => {
                let error = row.error.as_deref().unwrap_or("could not be scanned");
                write!(
                    out,
                    "<td class=\"failed\" colspan=\"{}\">failed: {}</td>",
                    FieldName::ALL.len(),
                    html(error)
                )
                .unwrap();
            }
            RowStatus::Scanned => {
                for field in FieldName::ALL {
                    cell(out, field, row.fields.get(&field));
                }
            }
        }
        out.push_str("</tr>\n");
    }
    write!(
        out,
        "<tr id=\"nothing\" hidden><td colspan=\"{}\">No repository matches these filters.</td></tr>\n</tbody>\n</table>\n</main>\n",
        FieldName::ALL.len() + 1
    )
    .unwrap();
}

fn cell(out: &mut String, field: FieldName, cell: Option<&Cell>) {
    let (state, value, evidence) = match cell {
        Some(cell) => (cell.state, cell.value.as_deref(), cell.evidence.as_slice()),
        None => (State::Unknown, None, &[][..]),
    };
    let (class, shown) = match (state, value) {
        (State::Found, Some(value)) if field.is_directories() || field.is_command() => ("found", breakable(value)),
        (State::Found, Some(value)) => ("found", html(value)),
        (State::Found, None) => ("found", String::new()),
        (State::Absent, _) => ("absent", "none".to_string()),
        (State::Unknown, _) => ("unknown", "unknown".to_string()),
    };
    let lines: Vec<String> = evidence.iter().map(|line| html(line)).collect();
    write!(out, "<td class=\"{class}\" data-field=\"{}\">", field.as_str()).unwrap();
    if lines.is_empty() {
        write!(out, "<span class=\"value\">{shown}</span>").unwrap();
    } else {
        write!(
            out,
            "<details><summary class=\"value\" title=\"{}\">{shown}</summary><ul><li>{}</li></ul></details>",
            lines.join("\n"),
            lines.join("</li><li>")
        )
        .unwrap();
    }
    out.push_str("</td>");
}

/// The framework a row is counted under (as in the counts: `none` and `unknown` included).
fn framework(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell {
            state: archprompt::report::State::Absent,
            ..
        }) => archprompt::report::ABSENT_TEXT.to_string(),
        _ => cell
            .and_then(|c| c.value.clone())
            .unwrap_or_else(|| "unknown".to_string()),
    }
}

/// The counts, as the Markdown report has them; framework and field-state numbers link to the
/// filtered table.
fn totals(out: &mut String, fleet: &Fleet) {
    let counts = &fleet.counts;
    let total = counts.repositories.max(1);
    out.push_str("<section class=\"totals\">\n");
    let tables: [(&str, &BTreeMap<String, usize>, bool); 3] = [
        ("Backend frameworks", &counts.frameworks, true),
        ("Databases", &counts.databases, false),
        ("Ecosystems", &counts.ecosystems, false),
    ];
    for (title, table, links) in tables {
        write!(out, "<div class=\"card\"><h2>{title}</h2><table class=\"counts\">").unwrap();
        for (name, n) in by_count(table) {
            let name = if links {
                format!("<a href=\"#framework={}\">{}</a>", fragment(name), html(name))
            } else {
                html(name)
            };
            let width = n * 100 / total;
            write!(
                out,
                "<tr><td>{name}</td><td class=\"n\">{n}</td><td class=\"bar\"><i style=\"width:{width}%\"></i></td></tr>"
            )
            .unwrap();
        }
        out.push_str("</table></div>\n");
    }
    out.push_str(
        "<div class=\"card wide\"><h2>Fields</h2><table class=\"counts\"><tr><th></th>\
         <th class=\"n\">found</th><th class=\"n\">absent</th><th class=\"n\">unknown</th><th></th></tr>",
    );
    for field in FieldName::ALL {
        let StateCounts { found, absent, unknown } = counts.states.get(&field).copied().unwrap_or_default();
        write!(out, "<tr><td>{}</td>", label(field)).unwrap();
        for (state, n) in [("found", found), ("absent", absent), ("unknown", unknown)] {
            write!(
                out,
                "<td class=\"n\"><a href=\"#field={}&amp;state={state}\">{n}</a></td>",
                field.as_str()
            )
            .unwrap();
        }
        let sum = (found + absent + unknown).max(1);
        write!(
            out,
            "<td class=\"bar stack\"><i class=\"found\" style=\"width:{}%\"></i><i class=\"absent\" style=\"width:{}%\"></i><i class=\"unknown\" style=\"width:{}%\"></i></td></tr>",
            found * 100 / sum,
            absent * 100 / sum,
            unknown * 100 / sum
        )
        .unwrap();
    }
    out.push_str("</table></div>\n</section>\n");
}

/// Most repositories first, then by name.
fn by_count(table: &BTreeMap<String, usize>) -> Vec<(&String, usize)> {
    let mut rows: Vec<(&String, usize)> = table.iter().map(|(k, v)| (k, *v)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows
}

/// A column's heading: the field's name in words.
fn label(field: FieldName) -> String {
    field.as_str().replace('_', " ")
}

/// Text safe in HTML content and in a quoted attribute: `& < > " '` escaped, bidirectional
/// controls and other control characters dropped (a line break or tab becomes a space).
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// [`html`] that may wrap after a `/`, so a long path or directory list wraps instead of
/// widening its column.
fn breakable(text: &str) -> String {
    html(text).replace('/', "/<wbr>")
}

/// A value in a URL fragment (`#framework=ASP.NET%20Core`): every byte but unreserved ones
/// percent-encoded, as the script's `URLSearchParams` decodes it.
fn fragment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            write!(out, "%{b:02X}").unwrap();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use archprompt::report::{Evidence, Field, Report};

    const HOSTILE: &str = "</script><img src=x onerror=alert(1)>\"' onmouseover='alert(2)";

    fn fleet() -> Fleet {
        let mut report = Report::unknown("shop", "nothing read");
        report.fields.insert(
            FieldName::BackendFramework,
            Field::found("Express", vec![Evidence::new("package.json", "dependency express")]),
        );
        report.fields.insert(
            FieldName::TestCommand,
            Field::found(HOSTILE, vec![Evidence::new("package.json", HOSTILE)]),
        );
        report.fields.insert(
            FieldName::DatabaseSystem,
            Field::absent_because("package.json", "no driver"),
        );
        let mut fleet = Fleet::new();
        fleet.add_report("repos/shop", &report);
        fleet.add_report(&format!("repos/{HOSTILE}\u{202E}"), &report);
        fleet.add_failure("repos/gone", "repos/gone: no such file or directory");
        fleet
    }

    #[test]
    fn strings_from_a_repository_cannot_inject_markup() {
        let page = page(&fleet());
        // The page's own script is the only one; no element or attribute comes from a value.
        assert_eq!(page.matches("<script").count(), 1);
        assert_eq!(page.matches("</script>").count(), 1);
        assert!(!page.contains("<img"), "{page}");
        assert!(!page.contains("' onmouseover") && !page.contains("\" onmouseover"));
        assert!(
            page.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39; onmouseover=&#39;alert(2)")
        );
        assert!(!page.contains('\u{202E}'));
        // Nothing is fetched: no URL of any kind.
        assert!(!page.contains("http:") && !page.contains("https:") && !page.contains("url("));
    }

    #[test]
    fn every_repository_is_a_row_and_states_are_classes() {
        let page = page(&fleet());
        assert_eq!(page.matches("<tr data-repo=").count(), 3);
        let shop = page
            .lines()
            .find(|l| l.starts_with("<tr data-repo=\"repos/shop\""))
            .unwrap();
        assert!(shop.contains("data-framework=\"Express\""), "{shop}");
        assert!(
            shop.contains("<td class=\"found\" data-field=\"backend_framework\"><details><summary class=\"value\" title=\"package.json: dependency express\">Express</summary><ul><li>package.json: dependency express</li></ul></details></td>"),
            "{shop}"
        );
        assert!(
            shop.contains("<td class=\"absent\" data-field=\"database_system\">"),
            "{shop}"
        );
        assert!(
            shop.contains("<td class=\"unknown\" data-field=\"db_command\">"),
            "{shop}"
        );
        assert_eq!(shop.matches("<td ").count(), FieldName::ALL.len());
        let gone = page.lines().find(|l| l.contains("data-repo=\"repos/gone\"")).unwrap();
        assert!(gone.contains("data-status=\"failed\""), "{gone}");
        assert!(
            gone.contains("<td class=\"failed\" colspan=\"11\">failed: repos/gone: no such file or directory</td>"),
            "{gone}"
        );
        // The counts, with links to the filtered table.
        assert!(page.contains("<a href=\"#framework=Express\">Express</a></td><td class=\"n\">2</td>"));
        assert!(page.contains("<a href=\"#field=database_system&amp;state=absent\">2</a>"));
    }

    #[test]
    fn fragment_values_are_percent_encoded() {
        assert_eq!(fragment("ASP.NET Core (Carter)"), "ASP.NET%20Core%20%28Carter%29");
        assert_eq!(fragment("a&b=c#d"), "a%26b%3Dc%23d");
        assert_eq!(fragment("Café"), "Caf%C3%A9");
    }
}
