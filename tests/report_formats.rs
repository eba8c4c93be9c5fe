//! `archprompt report`'s Markdown, CSV and JSON over three fixtures and a path that does not
//! exist, as snapshots: each was read whole (a row per repository, the counts, the escaping).
//! The HTML page is checked in a browser by tests/report_html.rs.

mod common;

use common::archprompt;

const REPOS: [&str; 4] = [
    "fixtures/node-express-prisma",
    "fixtures/cli-rust",
    "fixtures/python-django-poetry",
    "no/such/repo",
];

fn report(format: &str) -> String {
    let output = archprompt()
        .args(["report", "--format", format])
        .args(REPOS)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "a repository could not be scanned");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn markdown() {
    insta::assert_snapshot!(report("markdown"));
}

#[test]
fn csv() {
    insta::assert_snapshot!(report("csv"));
}

#[test]
fn json() {
    insta::assert_snapshot!(report("json"));
}
