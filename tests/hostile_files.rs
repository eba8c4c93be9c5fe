//! Hostile repositories, round 2: ignore files that are FIFOs, devices, links out or huge; an
//! AGENTS.md that is not UTF-8; temporary files of killed writes; `--output` through a symlinked
//! directory. Each command must end in bounded time, read and write nothing outside the
//! repository, and keep every byte of the user's files.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::hostile::*;

/// Ignore files are read as every other file is: a FIFO `.gitignore` does not hang `init`'s
/// "is the agent file ignored?" check, and one linked to `/dev/zero` or out of the repository is
/// not read (the outside file's lines appear nowhere; a warning says it was not followed).
#[test]
fn ignore_files_that_are_fifos_devices_or_links_out_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret");
    std::fs::write(&secret, "[SECRET-LINE\n").unwrap();

    let fifo = backend_repo();
    std::fs::create_dir(fifo.path().join(".git")).unwrap();
    mkfifo(&fifo.path().join(".gitignore"));
    let init = run(fifo.path(), &["init", "--target", "copilot"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(fifo.path().join(".github/agents/backend-architect.agent.md").is_file());

    let zero = backend_repo();
    std::os::unix::fs::symlink("/dev/zero", zero.path().join(".gitignore")).unwrap();
    let init = run(zero.path(), &["init", "--target", "copilot"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));

    let linked = backend_repo();
    std::fs::create_dir_all(linked.path().join(".git/info")).unwrap();
    std::os::unix::fs::symlink(&secret, linked.path().join(".git/info/exclude")).unwrap();
    std::os::unix::fs::symlink(&secret, linked.path().join(".gitignore")).unwrap();
    let output = run(linked.path(), &["scan", "--json"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr);
    assert!(!text.contains("SECRET-LINE"), "{text}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let warned: Vec<(String, String)> = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(file, why)| file == ".git/info/exclude" && why.contains("not followed")),
        "{warned:?}"
    );
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
}

/// A huge ignore file costs a bounded read and a bounded matcher: its first patterns apply, and a
/// warning says the rest was left out.
#[test]
fn huge_ignore_files_keep_what_fits_and_warn() {
    let many = backend_repo();
    let patterns: String = (0..100_000).map(|i| format!("dir{i}/file{i}*.log\n")).collect();
    std::fs::write(many.path().join(".gitignore"), format!("src/ignored/\n{patterns}")).unwrap();
    std::fs::create_dir_all(many.path().join("src/ignored")).unwrap();
    std::fs::write(many.path().join("src/ignored/package.json"), "{}").unwrap();
    let (report, _) = scan_json(many.path());
    assert!(
        warnings(&report).contains(&(
            ".gitignore".to_string(),
            "only its first 5000 patterns apply".to_string()
        )),
        "{:?}",
        warnings(&report)
    );
    let projects: Vec<&str> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["dir"].as_str().unwrap())
        .collect();
    assert_eq!(projects, ["."], "the first pattern still applies");

    let long = backend_repo();
    std::fs::write(long.path().join(".gitignore"), "a".repeat(3_000_000)).unwrap();
    let (report, _) = scan_json(long.path());
    assert!(
        warnings(&report)
            .iter()
            .any(|(file, why)| file == ".gitignore" && why.contains("only its start applies")),
        "{:?}",
        warnings(&report)
    );
}

/// AGENTS.md is the user's file around archprompt's section: a byte that is not UTF-8 outside
/// the markers makes `init` and `doctor --fix` stop with a message naming the file, and the file
/// keeps every byte.
#[test]
fn an_agents_md_that_is_not_utf8_is_never_rewritten() {
    let tmp = backend_repo();
    let root = tmp.path();
    let agents = root.join("AGENTS.md");
    std::fs::write(&agents, b"caf\xe9\n").unwrap();
    let init = run(root, &["init", "--target", "agents-md"]);
    assert_eq!(init.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&init.stderr);
    assert!(stderr.contains("AGENTS.md: not valid UTF-8"), "{stderr}");
    assert_eq!(std::fs::read(&agents).unwrap(), b"caf\xe9\n");

    // A section written while the file was UTF-8, broken encoding in it (which --fix repairs),
    // then a Latin-1 byte outside it.
    std::fs::write(&agents, "# Notes\n").unwrap();
    assert!(run(root, &["init", "--target", "agents-md"]).status.success());
    let text = std::fs::read_to_string(&agents).unwrap();
    let broken = text.replace('\u{2013}', "\u{e2}\u{20ac}\u{201c}");
    assert_ne!(broken, text, "the section has a dash to break");
    let mut bytes = broken.into_bytes();
    bytes.extend_from_slice(b"caf\xe9\n");
    std::fs::write(&agents, &bytes).unwrap();
    let fix = run(root, &["doctor", "--fix"]);
    assert_eq!(fix.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&fix.stderr);
    assert!(stderr.contains("cannot fix: not valid UTF-8"), "{stderr}");
    assert_eq!(std::fs::read(&agents).unwrap(), bytes);
}

/// A write killed between creating its temporary file and renaming it leaves
/// `.NAME.archprompt-PID.tmp` behind; the next write of that file removes it.
#[test]
fn temporary_files_of_killed_writes_are_removed_by_the_next_write() {
    let tmp = backend_repo();
    let root = tmp.path();
    let agents = root.join(".github/agents");
    std::fs::create_dir_all(&agents).unwrap();
    // Process ids above Linux's largest, so no live process has them.
    let leftovers = [
        agents.join(".backend-architect.agent.md.archprompt-4294967.tmp"),
        root.join(".AGENTS.md.archprompt-4294968.tmp"),
    ];
    // Killed two minutes ago: a temporary file newer than a minute may be another container's
    // write in progress, whose process our `/proc` cannot see.
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    for file in &leftovers {
        std::fs::write(file, "half a file").unwrap();
        let handle = std::fs::File::options().write(true).open(file).unwrap();
        handle.set_modified(then).unwrap();
    }
    let init = run(root, &["init", "--force", "--target", "copilot,agents-md"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    for file in &leftovers {
        assert!(!file.exists(), "{} is left", file.display());
    }
}

/// `--output` inside the repository is bound by it like the default file: through a `.github`
/// that links out of the repository nothing is written, and `--dry-run` says so instead of "would
/// create". An `--output` elsewhere is the user's choice and is written.
#[test]
fn an_output_inside_the_repository_cannot_escape_through_a_symlinked_directory() {
    let tmp = backend_repo();
    let root = tmp.path();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join(".github")).unwrap();
    let output = root.join(".github/agents/a.agent.md");
    for args in [&["init", "-o"][..], &["init", "--dry-run", "-o"]] {
        let init = Command::cargo_bin("archprompt")
            .unwrap()
            .args(args)
            .arg(&output)
            .arg(root)
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(init.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&init.stderr).contains("resolves outside the repository"));
    }
    // Named another way: through `..`, or through a link to the repository.
    let name = root.file_name().unwrap();
    let alias = outside.path().with_extension("alias");
    std::os::unix::fs::symlink(root, &alias).unwrap();
    for output in [
        outside.path().join("..").join(name).join(".github/agents/b.agent.md"),
        alias.join(".github/agents/c.agent.md"),
    ] {
        let init = Command::cargo_bin("archprompt")
            .unwrap()
            .args(["init", "-o"])
            .arg(&output)
            .arg(root)
            .timeout(TIMEOUT)
            .output()
            .unwrap();
        assert_eq!(init.status.code(), Some(2), "{output:?}");
    }
    std::fs::remove_file(&alias).unwrap();
    let dry = run(root, &["init", "--dry-run", "--target", "copilot"]);
    assert_eq!(dry.status.code(), Some(2));
    assert!(
        std::fs::read_dir(outside.path()).unwrap().next().is_none(),
        "nothing written outside"
    );

    let elsewhere = outside.path().join("agent.md");
    let init = Command::cargo_bin("archprompt")
        .unwrap()
        .arg("init")
        .arg("-o")
        .arg(&elsewhere)
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(elsewhere.is_file());
}

/// Names and values with control characters never reach an agent file, and print on one line: a
/// backend in a directory named `svc\n# INJECTED HEADING\nx` adds no heading; its directory and
/// commands are left out with a warning naming the file they came from.
#[test]
fn control_characters_from_the_repository_never_reach_an_agent_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let service = root.join("svc\n# INJECTED HEADING\nx");
    backend(&service);
    let init = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["init", "--stdout"])
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let agent = String::from_utf8_lossy(&init.stdout);
    assert!(!agent.lines().any(|l| l.starts_with("# INJECTED")), "{agent}");
    assert!(!agent.contains('\u{1b}'), "{agent}");
    let stderr = String::from_utf8_lossy(&init.stderr);
    assert!(stderr.contains("holds a control character"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.lines().any(|l| l.starts_with("# INJECTED")),
        "{stderr}"
    );

    let scan = run(root, &["scan"]);
    let table = String::from_utf8_lossy(&scan.stdout);
    assert!(
        !table.contains('\u{1b}') && !table.lines().any(|l| l.starts_with("# INJECTED")),
        "{table}"
    );
}

/// Issue 15, item 6: a directory of more files than the listing's entry budget, whose name sorts
/// before `package.json`, does not hide the root manifest; the cut listing is reported.
#[test]
fn a_directory_larger_than_the_entry_budget_does_not_hide_the_root_manifest() {
    let tmp = backend_repo();
    let root = tmp.path();
    let crowd = root.join("a-crowd");
    std::fs::create_dir(&crowd).unwrap();
    for i in 0..archprompt::repo::index::MAX_ENTRIES + 100 {
        std::fs::File::create(crowd.join(i.to_string())).unwrap();
    }
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    assert_eq!(report["fields"]["dev_command"]["value"], "npm run dev");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "." && m.contains("stopped indexing") && m.contains("partial")),
        "{warned:?}"
    );
    assert_eq!(
        report["fields"]["source_dirs"]["value"], "src",
        "a directory at the root is seen"
    );
    // Unseen files may hold a database: "none" is not proven.
    let database = &report["fields"]["database_system"];
    assert_eq!(database["state"], "unknown", "{database}");
    assert!(
        database["hint"].as_str().unwrap().contains("the listing stopped"),
        "{database}"
    );
}

/// Found while trying to break round 2's fixes: `archprompt.toml`'s `[scan] ignore` is an ignore
/// list too, and 90,000 patterns took 4 s and 810 MB. Its first 5,000 patterns apply, with a
/// warning naming the file.
#[test]
fn a_huge_scan_ignore_list_keeps_its_first_patterns_and_warns() {
    let tmp = backend_repo();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("legacy/api")).unwrap();
    std::fs::write(
        root.join("legacy/api/package.json"),
        r#"{"dependencies":{"fastify":"4"}}"#,
    )
    .unwrap();
    let mut patterns: Vec<String> = vec!["\"legacy/\"".into()];
    patterns.extend((0..20_000).map(|i| format!("\"d{i}/**/*.x{i}\"")));
    // Past the first 5,000: does not apply, so `src` stays the source directory.
    patterns.push("\"src/\"".into());
    std::fs::write(
        root.join("archprompt.toml"),
        format!("[scan]\nignore = [{}]\n", patterns.join(",")),
    )
    .unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(
        report["fields"]["backend_framework"]["value"], "Express",
        "legacy/ is ignored"
    );
    assert_eq!(report["fields"]["source_dirs"]["value"], "src");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "archprompt.toml" && m.contains("only its first 5000 of 20002 patterns apply")),
        "{warned:?}"
    );
}

/// Found while trying to break round 2's fixes: every detector is matched against every project,
/// so 2,000 `.archprompt/detectors/*.toml` over a 5,000-package workspace took 53 s. The first 64
/// in name order load, with a warning; a detector past them does not apply.
#[test]
fn thousands_of_local_detectors_load_the_first_64_and_warn() {
    let tmp = backend_repo();
    let root = tmp.path();
    let dir = root.join(".archprompt/detectors");
    std::fs::create_dir_all(&dir).unwrap();
    let detector = |id: &str, name: &str| {
        format!(
            "id = \"{id}\"\nkind = \"framework\"\nname = \"{name}\"\necosystem = \"node\"\npriority = 90\n\n[match]\nany = [{{ dep = \"express\" }}]\n"
        )
    };
    for i in 0..2_000 {
        std::fs::write(
            dir.join(format!("d{i:04}.toml")),
            detector(&format!("own-{i}"), &format!("Own {i}")),
        )
        .unwrap();
    }
    // Sorts after every `d….toml`: past the cap, never loaded.
    std::fs::write(dir.join("zz-late.toml"), detector("late", "Late")).unwrap();
    let (report, _) = scan_json(root);
    let detected: Vec<&str> = report["detected"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert!(detected.contains(&"own-0"), "{detected:?}");
    assert!(detected.contains(&"own-63"), "{detected:?}");
    assert!(!detected.contains(&"own-64"), "{detected:?}");
    assert!(!detected.contains(&"late"), "{detected:?}");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == ".archprompt/detectors" && m.contains("2001 detector files; only the first 64")),
        "{warned:?}"
    );
}

/// Review of round 2: each ignore file was bounded, but not all of them together: a hundred
/// directories holding a 5,000-pattern `.gitignore` (hard links to one file) took 23 s and
/// 3.9 GB. A listing keeps 10,000 ignore patterns in all; the files past them are not read, with
/// a warning naming each. Run under `ulimit -v 1500000`, which the old cost would not fit in.
#[test]
fn many_large_ignore_files_share_one_pattern_budget() {
    let tmp = backend_repo();
    let root = tmp.path();
    let patterns: Vec<String> = (0..6_000).map(|i| format!("d{i}/**/*.x{i}")).collect();
    std::fs::write(root.join("big.ignore"), patterns.join("\n")).unwrap();
    for i in 0..60 {
        let dir = root.join(format!("a{i:02}/sub"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::hard_link(root.join("big.ignore"), root.join(format!("a{i:02}/.gitignore"))).unwrap();
    }
    let binary = assert_cmd::cargo::cargo_bin("archprompt");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v 1500000 && exec "$0" scan --json "$1""#)
        .arg(&binary)
        .arg(root)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "a00/.gitignore" && m == "only its first 5000 patterns apply"),
        "{warned:?}"
    );
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "a59/.gitignore" && m.contains("the listing's 10000 ignore patterns are used up")),
        "{warned:?}"
    );
}

/// Review of round 2: a project takes on at most 64 linked workspace packages (a ring of
/// thousands stays linear), and a database in the 70th made `database_system` "none", a claim
/// never proven. Past the cap, what linked packages bring is unknown, not absent.
#[test]
fn a_database_in_a_package_past_the_link_cap_is_not_reported_absent() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(
        root.join("package.json"),
        r#"{"name":"root","private":true,"workspaces":["api","libs/*"]}"#,
    )
    .unwrap();
    let mut deps = vec![r#""express":"4""#.to_string()];
    for i in 0..70 {
        let dir = root.join(format!("libs/lib{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        let own = if i == 69 { r#","dependencies":{"pg":"8"}"# } else { "" };
        std::fs::write(
            dir.join("package.json"),
            format!(r#"{{"name":"lib{i:02}","version":"1.0.0","main":"index.js"{own}}}"#),
        )
        .unwrap();
        deps.push(format!(r#""lib{i:02}":"workspace:*""#));
    }
    std::fs::create_dir_all(root.join("api/src")).unwrap();
    std::fs::write(
        root.join("api/package.json"),
        format!(
            r#"{{"name":"api","scripts":{{"dev":"node src/index.js"}},"dependencies":{{{}}}}}"#,
            deps.join(",")
        ),
    )
    .unwrap();
    std::fs::write(root.join("api/src/index.js"), "require('express')\n").unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let database = &report["fields"]["database_system"];
    assert_eq!(database["state"], "unknown", "{database}");
    assert!(
        database["hint"]
            .as_str()
            .unwrap()
            .contains("more than 64 workspace packages"),
        "{database}"
    );
    // Not what linked packages bring: still proven absent.
    assert_eq!(report["fields"]["build_command"]["state"], "absent");
}

/// Review of round 2: values pinned in `archprompt.toml` skipped the control-character check, so
/// a pinned escape sequence reached the agent file and the terminal, and a `[values]` key could
/// carry one into warnings. Pinned values and names are checked as found ones are.
#[test]
fn control_characters_pinned_in_archprompt_toml_are_refused() {
    let tmp = backend_repo();
    let root = tmp.path();
    std::fs::write(
        root.join("archprompt.toml"),
        "[values]\ndb_command = \"psql\\u001b]0;pwned\\u0007\"\norm = \"Prisma\\u001b[2J\"\n\"x\\u001b[31m\" = \"y\"\nbuild_command = \"npm run build\"\n",
    )
    .unwrap();
    let init = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["init", "--stdout", "--template", "project-facts"])
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let agent = String::from_utf8_lossy(&init.stdout);
    assert!(!agent.contains('\u{1b}') && !agent.contains('\u{7}'), "{agent}");
    assert!(agent.contains("npm run build"), "a clean pin still applies: {agent}");
    assert!(!agent.contains("pwned") && !agent.contains("**ORM:**"), "{agent}");
    let (report, _) = scan_json(root);
    let warned = warnings(&report);
    for key in ["db_command", "orm", "\"x\\u{1b}[31m\""] {
        assert!(
            warned.iter().any(|(f, m)| f == "archprompt.toml" && m.contains(key)),
            "{key}: {warned:?}"
        );
    }
    assert!(warned.iter().all(|(_, m)| !m.contains('\u{1b}')), "{warned:?}");
}

/// Review of round 2: in bulk runs a repository's own name went into the result rows, the
/// summary and the progress bar as it was, so a directory named `r\n# FORGED` printed a row of
/// its own. Every row shows the name on one line, with its control characters written out.
#[test]
fn a_repository_name_with_a_line_break_cannot_forge_bulk_rows() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["fine", "r\n# FORGED \u{1b}[8mhidden"] {
        backend(&tmp.path().join(name));
        std::fs::create_dir(tmp.path().join(name).join(".git")).unwrap();
    }
    for args in [
        &["scan", "--discover"][..],
        &["init", "--target", "copilot", "--discover"],
        &["doctor", "--discover"],
    ] {
        let out = run(tmp.path(), &[&["--color", "always"], args].concat());
        let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.lines().any(|l| l.starts_with("# FORGED")), "{args:?}: {text}");
        assert!(!text.contains("\u{1b}[8m"), "{args:?}: {text}");
        assert!(text.contains(r"r\n# FORGED \u{1b}[8mhidden"), "{args:?}: {text}");
    }
}
