//! `report -o fleet.html` opened in a real browser, Debian's headless Chromium: the table is in
//! the page, and a filter or sort in the URL fragment hides and orders the rows as it says.
//! Without chromium the test says it is skipped, unless ARCHPROMPT_BROWSER_TESTS=1 (set by
//! .ci/run, which installs chromium) makes a missing browser a failure.

mod common;

use common::archprompt;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const REPOS: [&str; 4] = [
    "fixtures/rust-axum-sqlx",
    "fixtures/node-express-prisma",
    "fixtures/no-backend",
    "no/such/repo",
];

/// A browser that hangs must not hang the test run.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

#[test]
fn the_page_shows_every_row_and_the_url_fragment_filters_and_sorts_them() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("fleet.html");
    archprompt()
        .args(["report", "-o"])
        .arg(&page)
        .args(REPOS)
        .assert()
        .code(1);
    let url = format!("file://{}", page.display());

    let Some(dom) = dump_dom(&url, dir.path()) else {
        return;
    };
    assert!(dom.contains("<table id=\"fleet\">"), "{dom}");
    assert_eq!(
        rows(&dom),
        [(REPOS[0], true), (REPOS[1], true), (REPOS[2], true), (REPOS[3], true)]
    );
    // The script ran: it counts what it shows.
    assert!(
        dom.contains("<output id=\"shown\">4 of 4 repositories</output>"),
        "{dom}"
    );
    assert!(dom.contains("<td class=\"found\" data-field=\"backend_framework\"><details><summary class=\"value\" title=\"Cargo.toml: dependency axum\">Axum</summary>"));
    assert!(dom.contains("<td class=\"failed\" colspan=\"11\">failed: no/such/repo: "));

    let dom = dump_dom(&format!("{url}#framework=Axum"), dir.path()).unwrap();
    assert_eq!(
        rows(&dom),
        [
            (REPOS[0], true),
            (REPOS[1], false),
            (REPOS[2], false),
            (REPOS[3], false)
        ]
    );
    assert!(
        dom.contains("<output id=\"shown\">1 of 4 repositories</output>"),
        "{dom}"
    );

    // A repository without a backend framework is under `none`, as the counts say.
    let dom = dump_dom(&format!("{url}#framework=none"), dir.path()).unwrap();
    assert_eq!(
        rows(&dom),
        [
            (REPOS[0], false),
            (REPOS[1], false),
            (REPOS[2], true),
            (REPOS[3], false)
        ]
    );

    // A field's state, and the rows in descending order of their path.
    let dom = dump_dom(
        &format!("{url}#field=build_command&state=absent&sort=-repository"),
        dir.path(),
    )
    .unwrap();
    assert_eq!(
        rows(&dom),
        [
            (REPOS[3], false),
            (REPOS[0], false),
            (REPOS[1], true),
            (REPOS[2], false)
        ]
    );
    assert!(
        dom.contains("<th data-key=\"repository\" aria-sort=\"descending\">"),
        "{dom}"
    );

    // Search ignores case; the failed state keeps only the repository that could not be scanned.
    let dom = dump_dom(&format!("{url}#state=failed&q=SUCH"), dir.path()).unwrap();
    assert_eq!(
        rows(&dom),
        [
            (REPOS[0], false),
            (REPOS[1], false),
            (REPOS[2], false),
            (REPOS[3], true)
        ]
    );
}

#[test]
fn html_follows_the_format_flag_and_the_file_name() {
    let assert = archprompt()
        .args(["report", "--format", "html", "fixtures/rust-axum-sqlx"])
        .assert()
        .success();
    let text = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("<!doctype html>") && text.contains("data-framework=\"Axum\""),
        "{text}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.HTM");
    archprompt()
        .args(["report", "-o"])
        .arg(&file)
        .arg("fixtures/rust-axum-sqlx")
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// The table's rows in page order: each repository and whether it is shown.
fn rows(dom: &str) -> Vec<(&str, bool)> {
    dom.split("<tr data-repo=\"")
        .skip(1)
        .map(|rest| {
            let tag = &rest[..rest.find('>').unwrap()];
            let repo = &tag[..tag.find('"').unwrap()];
            (repo, !tag.contains(" hidden"))
        })
        .collect()
}

/// The page's DOM after its script ran, as headless Chromium prints it; `None` (the test skipped)
/// when chromium is not installed and ARCHPROMPT_BROWSER_TESTS is not 1.
fn dump_dom(url: &str, dir: &Path) -> Option<String> {
    let out = dir.join("dom.html");
    let spawned = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            assert!(
                std::env::var("ARCHPROMPT_BROWSER_TESTS").as_deref() != Ok("1"),
                "chromium is missing, and ARCHPROMPT_BROWSER_TESTS=1 asks for the browser tests: install Debian's chromium"
            );
            // Straight to standard error: the test harness would swallow eprintln!'s output.
            let note = "report_html skipped: chromium not installed (install Debian's chromium, or run .ci/run)\n";
            std::io::stderr().write_all(note.as_bytes()).unwrap();
            return None;
        }
        Err(err) => panic!("cannot run chromium: {err}"),
    };
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("chromium did not finish within {BROWSER_TIMEOUT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "chromium failed ({status}) on {url}");
    Some(std::fs::read_to_string(out).unwrap())
}
