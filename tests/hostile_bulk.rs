//! Issue 15, item 7: a panic must never take a run down. A Deno import map with a specifier cut
//! short (`"npm:@scope"`) panicked the scan; in a bulk `init` it ended the run with exit 101
//! after one line, without the summary. These run the real binary on that repository alone and
//! among others. (That a repository whose work still panics becomes one failed result while the
//! others finish is tested on the bulk runner itself, in `src/bulk.rs`, without a panic hook in
//! production code.)

mod common;
use common::{archprompt, json_lines};
use std::path::Path;

/// A git repository with a minimal Express backend, as the issue's reproduction makes it.
fn backend(root: &Path) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"dependencies":{"express":"4"},"scripts":{"dev":"node s"}}"#,
    )
    .unwrap();
}

/// Import maps whose targets are cut short, empty, or not ASCII.
const HOSTILE_IMPORT_MAPS: &[&str] = &[
    r#"{"imports":{"x":"npm:@scope"}}"#,
    r#"{"imports":{"x":"npm:","y":"jsr:","z":"","":"npm:@","/":"jsr:@scope/"}}"#,
    r#"{"imports":{"x":"npm:@日本","y":"jsr:@é/ß@1","z":"https://deno.land/x/ö@v1/mod.ts","w":"npm:ünï"}}"#,
];

/// Four repositories, the third with the import map that panicked.
fn four_repos(dir: &Path) {
    for name in ["r1", "r2", "r3", "r6"] {
        backend(&dir.join(name));
    }
    std::fs::write(dir.join("r6/deno.json"), HOSTILE_IMPORT_MAPS[0]).unwrap();
}

#[test]
fn import_specifiers_cut_short_scan_without_panicking() {
    for map in HOSTILE_IMPORT_MAPS {
        let tmp = tempfile::tempdir().unwrap();
        backend(tmp.path());
        std::fs::write(tmp.path().join("deno.json"), map).unwrap();
        let out = archprompt().args(["scan", "--json"]).arg(tmp.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{map}: {stderr}");
        assert!(!stderr.contains("panicked"), "{map}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["fields"]["backend_framework"]["value"], "Express", "{map}");
    }
}

#[test]
fn bulk_scan_with_the_former_panic_reports_every_repository() {
    let tmp = tempfile::tempdir().unwrap();
    four_repos(tmp.path());
    let out = archprompt()
        .args(["scan", "--json", "-j2", "--discover"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    let lines = json_lines(&out.stdout);
    let paths: Vec<String> = lines
        .iter()
        .map(|l| {
            let path = l["path"].as_str().unwrap();
            Path::new(path).file_name().unwrap().to_string_lossy().into_owned()
        })
        .collect();
    assert_eq!(paths, ["r1", "r2", "r3", "r6"], "one line per repository, in order");
    assert!(
        stderr.contains("scanned 4 repositories"),
        "the summary is printed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bulk_init_with_the_former_panic_writes_and_reports_every_repository() {
    let tmp = tempfile::tempdir().unwrap();
    four_repos(tmp.path());
    let out = archprompt()
        .args(["init", "--json", "-j2", "--discover"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {stderr}",
        out.status.code()
    );
    assert!(
        stderr.contains("set up 4 repositories"),
        "the summary is printed: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines = json_lines(&out.stdout);
    // One line per agent file written, and exactly the files reported are on disk.
    let reported: Vec<String> = lines
        .iter()
        .filter(|l| l["status"] == "created")
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    let repos: Vec<&str> = lines.iter().map(|l| l["path"].as_str().unwrap()).collect();
    for name in ["r1", "r2", "r3", "r6"] {
        assert!(repos.iter().any(|p| p.ends_with(name)), "{name} has a line: {lines:?}");
    }
    let mut on_disk = Vec::new();
    for name in ["r1", "r2", "r3", "r6"] {
        let agents = tmp.path().join(name).join(".github/agents");
        for entry in std::fs::read_dir(&agents).into_iter().flatten().flatten() {
            on_disk.push(entry.path());
        }
    }
    assert_eq!(
        on_disk.len(),
        reported.len(),
        "files written {on_disk:?}, reported {reported:?}"
    );
    assert_eq!(reported.len(), 4, "{lines:?}");
}

/// A repository that asks for as much memory as the scan's limits allow (40 workspace packages
/// linking one 1.5 MiB manifest of 20,000 dependencies) beside three ordinary ones, under
/// `ulimit -v 4000000` as the issue ran it: every repository gets its line and the run ends well.
#[cfg(unix)]
#[test]
fn a_memory_heavy_repository_under_a_ulimit_does_not_take_the_run_down() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["a-heavy", "r1", "r2", "r3"] {
        backend(&tmp.path().join(name));
    }
    let heavy = tmp.path().join("a-heavy");
    let deps: Vec<String> = (0..20_000)
        .map(|i| format!(r#""dependency-number-{i:06}":"^1.0.0""#))
        .collect();
    let manifest = format!(
        r#"{{"name":"p","description":"{}","dependencies":{{{}}}}}"#,
        "x".repeat(900_000),
        deps.join(",")
    );
    std::fs::write(heavy.join("big.json"), manifest).unwrap();
    for i in 0..40 {
        let dir = heavy.join(format!("packages/p{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::hard_link(heavy.join("big.json"), dir.join("package.json")).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("archprompt");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 4000000 && exec "$0" scan --json -j2 --discover "$1""#)
        .arg(&binary)
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 4, "{stderr}");
    for line in &lines {
        assert_eq!(line["fields"]["backend_framework"]["value"], "Express", "{line}");
    }
    assert!(stderr.contains("scanned 4 repositories"), "{stderr}");
}
