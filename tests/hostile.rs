//! Hostile repositories, built in a temporary directory and scanned by the real binary under a
//! timeout: special files under manifest names, a huge sparse file, symlink loops and links out
//! of the tree, very deep nesting, a directory of 100,000 entries, names that are not UTF-8, and
//! scripts that would leave a marker if anything ran them; FIFOs, huge files and links out of the
//! tree where archprompt.toml, templates and agent files go. Each command must end in bounded
//! time, keep going, and still find the backend.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::hostile::*;
use std::path::Path;

#[test]
fn special_files_under_manifest_names_are_never_opened() {
    let tmp = backend_repo();
    let root = tmp.path();
    for dir in ["fifo", "socket", "dir"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    // Opening a FIFO for reading blocks until a writer comes: the scan would hang.
    let made = std::process::Command::new("mkfifo")
        .arg(root.join("fifo/package.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let _listener = std::os::unix::net::UnixListener::bind(root.join("socket/pyproject.toml")).unwrap();
    std::fs::create_dir_all(root.join("dir/Cargo.toml")).unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let dirs: Vec<&str> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["dir"].as_str().unwrap())
        .collect();
    assert_eq!(
        dirs,
        ["."],
        "no project from a FIFO, a socket or a directory named like a manifest"
    );
}

#[test]
fn a_huge_sparse_manifest_is_read_only_up_to_the_cap() {
    let tmp = backend_repo();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("big")).unwrap();
    // 8 GiB of holes: reading it whole would exhaust memory and time.
    let file = std::fs::File::create(root.join("big/package.json")).unwrap();
    file.set_len(8 << 30).unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "big/package.json" && m.contains("larger than 2 MiB")),
        "{warned:?}"
    );
}

#[test]
fn thousands_of_large_manifests_stop_at_the_read_budget() {
    let tmp = backend_repo();
    let root = tmp.path();
    // One manifest of 1.5 MiB, linked into 40 workspace packages: 60 MiB to read, 32 MiB read.
    // (The issue's shape, 2,000 links to a manifest of 60,000 dependencies, took 24 GB.)
    let big = root.join("big.json");
    let text = format!(
        r#"{{"name":"p","description":"{}","dependencies":{{"left-pad":"1"}}}}"#,
        "x".repeat(1_500_000)
    );
    std::fs::write(&big, text).unwrap();
    for i in 0..40 {
        let dir = root.join(format!("packages/p{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::hard_link(&big, dir.join("package.json")).unwrap();
    }
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f == "." && m.contains("the scan's 32 MiB budget") && m.contains("partial")),
        "{warned:?}"
    );
    // Unread manifests may name a database: "none" is not proven.
    assert_eq!(report["fields"]["database_system"]["state"], "unknown");
}

/// Review of round 2: the budget went to files in name order, so 40 large packages in `a00/` to
/// `a39/` (sorting before `package.json`) used it up and the root manifest was never read: the
/// backend came out as a package's Fastify with its `dev` script. Deeper files leave the last
/// MiB of the budget to files nearer the root.
#[test]
fn large_packages_that_sort_first_leave_the_budget_for_the_root_manifest() {
    let tmp = backend_repo();
    let root = tmp.path();
    let big = root.join("big.json");
    let text = format!(
        r#"{{"name":"p","description":"{}","scripts":{{"dev":"evil"}},"dependencies":{{"fastify":"4"}}}}"#,
        "x".repeat(1_500_000)
    );
    std::fs::write(&big, text).unwrap();
    for i in 0..40 {
        let dir = root.join(format!("a{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::hard_link(&big, dir.join("package.json")).unwrap();
    }
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    assert_eq!(report["fields"]["dev_command"]["value"], "npm run dev");
    assert_eq!(report["fields"]["database_system"]["state"], "unknown");
}

#[test]
fn symlink_loops_and_links_out_of_the_tree_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("package.json"),
        r#"{"name":"secret","dependencies":{"fastify":"^5.0.0"}}"#,
    )
    .unwrap();
    let root = tmp.path();
    backend(root);
    std::os::unix::fs::symlink(root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink("a", root.join("b")).unwrap();
    std::os::unix::fs::symlink("b", root.join("a")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("vendored")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("package.json"), root.join("src/package.json")).unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let text = report.to_string();
    assert!(
        !text.contains("fastify") && !text.contains("secret"),
        "read outside the tree: {text}"
    );
}

#[test]
fn deep_nesting_wide_directories_and_odd_names_stay_bounded() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = backend_repo();
    let root = tmp.path();
    let mut deep = root.join("deep");
    for i in 0..200 {
        deep = deep.join(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("package.json"), "{").unwrap();
    let wide = root.join("wide");
    std::fs::create_dir(&wide).unwrap();
    for i in 0..100_000 {
        std::fs::File::create(wide.join(format!("f{i:06}.txt"))).unwrap();
    }
    let odd = root.join(std::ffi::OsStr::from_bytes(b"odd\xff\xfedir"));
    std::fs::create_dir(&odd).unwrap();
    std::fs::write(odd.join("package.json"), r#"{"dependencies":{"fastify":"^5"}}"#).unwrap();
    std::fs::write(root.join("src/bad-utf8.js"), b"const x = '\xff\xfe';\n").unwrap();
    let (report, _) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let warned = warnings(&report);
    assert!(
        warned
            .iter()
            .any(|(f, m)| f.starts_with("odd") && m.contains("not valid UTF-8")),
        "the odd name is reported: {warned:?}"
    );
}

#[test]
fn unreadable_directories_and_files_become_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = backend_repo();
    let root = tmp.path();
    std::fs::create_dir(root.join("locked")).unwrap();
    std::fs::write(root.join("locked/package.json"), "{}").unwrap();
    std::fs::create_dir(root.join("worker")).unwrap();
    std::fs::write(root.join("worker/package.json"), "{}").unwrap();
    let mode = |path: &Path, mode| std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    mode(&root.join("locked"), 0o000);
    mode(&root.join("worker/package.json"), 0o000);
    // Root reads anything: then there is nothing to warn about, only a scan that must succeed.
    let enforced = std::fs::read_dir(root.join("locked")).is_err();
    let (report, _) = scan_json(root);
    mode(&root.join("locked"), 0o755);
    mode(&root.join("worker/package.json"), 0o644);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    if enforced {
        let warned = warnings(&report);
        assert!(warned.iter().any(|(f, _)| f == "locked"), "{warned:?}");
        assert!(warned.iter().any(|(f, _)| f == "worker/package.json"), "{warned:?}");
    }
}

#[test]
fn nothing_in_the_repository_is_ever_run() {
    let tmp = backend_repo();
    let root = tmp.path();
    std::fs::write(root.join("Makefile"), "dev:\n\ttouch MARKER\n").unwrap();
    std::fs::write(root.join("setup.py"), "open('MARKER', 'w')\n").unwrap();
    std::fs::write(root.join("knexfile.js"), "require('fs').writeFileSync('MARKER', '')\n").unwrap();
    scan_json(root);
    Command::cargo_bin("archprompt")
        .unwrap()
        .arg("init")
        .arg(root)
        .timeout(TIMEOUT)
        .assert()
        .success();
    Command::cargo_bin("archprompt")
        .unwrap()
        .arg("doctor")
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert!(!root.join("MARKER").exists(), "a repository script was executed");
}

#[test]
fn malformed_manifests_in_every_format_warn_with_their_path() {
    let tmp = backend_repo();
    let root = tmp.path();
    let files: &[(&str, &[u8])] = &[
        ("truncated/package.json", br#"{"name": "x", "dependencies": {"express""#),
        (
            "types/package.json",
            br#"{"name":"t","dependencies": [], "scripts": "dev"}"#,
        ),
        (
            "twice/package.json",
            br#"{"name":"d","dependencies": {"express": "^4"}, "dependencies": {"koa": "^2"}}"#,
        ),
        ("composer/composer.json", br#"{"require": ["laravel/framework"]}"#),
        ("badtoml/Cargo.toml", b"[package\nname = \"x\""),
        ("tomltwice/pyproject.toml", b"[project]\nname = \"a\"\nname = \"b\"\n"),
        (
            "tomltypes/Cargo.toml",
            b"[package]\nname = \"t\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = 3\n",
        ),
        (
            "pytypes/pyproject.toml",
            b"[project]\nname = \"p\"\ndependencies = \"flask\"\n",
        ),
        (
            "badxml/pom.xml",
            b"<project><dependencies><dependency><artifactId>spring-boot",
        ),
        (
            "badgleam/gleam.toml",
            b"name = \"g\"\n[dependencies\nwisp = \"~> 2.0\"\n",
        ),
        (
            "gleamtypes/gleam.toml",
            b"name = \"gt\"\n[dependencies]\nwisp = 2\n[dev-dependencies]\ngleeunit = \"~> 1.0\"\n",
        ),
        ("docker-compose.yml", b"services:\n  db:\n   image: [postgres\n"),
        ("pnpm-workspace.yaml", b"packages: {unclosed\n"),
        // Fine despite their bytes: a BOM, CRLF line ends.
        (
            "bom/package.json",
            b"\xef\xbb\xbf{\"name\":\"b\",\"dependencies\":{\"fastify\":\"^5\"}}",
        ),
        (
            "crlf/pyproject.toml",
            b"[project]\r\nname = \"c\"\r\ndependencies = [\"flask\"]\r\n",
        ),
    ];
    for (path, bytes) in files {
        std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        std::fs::write(root.join(path), bytes).unwrap();
    }
    let (report, stderr) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    let warned = warnings(&report);
    let said = |file: &str, words: &str| warned.iter().any(|(f, m)| f == file && m.contains(words));
    for (file, words) in [
        ("truncated/package.json", "invalid JSON"),
        ("types/package.json", "`dependencies` is an array"),
        ("types/package.json", "`scripts` is a string"),
        ("twice/package.json", "`dependencies` appears twice"),
        ("composer/composer.json", "`require` is an array"),
        ("badtoml/Cargo.toml", "invalid TOML"),
        ("tomltwice/pyproject.toml", "invalid TOML"),
        ("tomltypes/Cargo.toml", "`axum` is an integer"),
        ("pytypes/pyproject.toml", "`project.dependencies` is a string"),
        ("badxml/pom.xml", "invalid XML"),
        ("badgleam/gleam.toml", "invalid TOML"),
        ("gleamtypes/gleam.toml", "dependency `wisp` is an integer"),
        ("docker-compose.yml", "invalid YAML"),
        ("pnpm-workspace.yaml", "invalid YAML"),
    ] {
        assert!(said(file, words), "no warning {words:?} for {file}: {warned:?}");
        assert!(stderr.contains(file), "stderr names {file}");
    }
    for fine in ["bom/package.json", "crlf/pyproject.toml"] {
        assert!(!warned.iter().any(|(f, _)| f == fine), "{fine} is valid: {warned:?}");
    }
    let names: Vec<&str> = report["projects"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        names.contains(&"b") && names.contains(&"c") && names.contains(&"gt"),
        "BOM and CRLF manifests, and the gleam.toml beside a broken one, are read: {names:?}"
    );
}

/// The files archprompt reads besides the index (archprompt.toml, repository templates, agent
/// files, AGENTS.md, the Makefile doctor checks) are never opened when they are FIFOs: each
/// command ends, and says which file it skipped.
#[test]
fn fifos_where_configs_templates_and_agent_files_go_do_not_hang() {
    let tmp = backend_repo();
    let root = tmp.path();
    for file in [
        "archprompt.toml",
        ".archprompt/templates/backend-architect.md",
        "AGENTS.md",
        "Makefile",
        ".claude/agents/backend-architect.md",
    ] {
        mkfifo(&root.join(file));
    }
    let (report, stderr) = scan_json(root);
    assert_eq!(report["fields"]["backend_framework"]["value"], "Express");
    assert!(
        stderr.contains("archprompt.toml: cannot read: not a regular file"),
        "{stderr}"
    );

    // The repository template is skipped and the bundled one used; AGENTS.md and the Claude file
    // cannot be read, so init says so and exits 2 without touching them.
    let init = run(root, &["init", "--target", "copilot"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    assert!(root.join(".github/agents/backend-architect.agent.md").is_file());
    for target in ["agents-md", "claude"] {
        let init = run(root, &["init", "--target", target]);
        assert_eq!(init.status.code(), Some(2), "{target}");
        assert!(
            String::from_utf8_lossy(&init.stderr).contains("not a regular file"),
            "{target}"
        );
    }
    let doctor = run(root, &["doctor"]);
    assert!(doctor.status.success(), "{}", String::from_utf8_lossy(&doctor.stdout));
}

/// An agent file that is a symlink out of the repository is not read, so neither doctor's report
/// nor init's diff can show what it points to.
#[test]
fn agent_files_linking_out_of_the_repository_are_not_read() {
    let tmp = backend_repo();
    let root = tmp.path();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, "SECRET-TOKEN {{db_command}} â€“\n").unwrap();
    std::fs::create_dir_all(root.join(".github/agents")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join(".github/agents/backend-architect.agent.md")).unwrap();
    std::fs::create_dir_all(root.join(".claude/agents")).unwrap();
    std::os::unix::fs::symlink(&secret, root.join(".claude/agents/stolen.md")).unwrap();
    for args in [
        &["doctor"][..],
        &["doctor", "--json"],
        &["init", "--dry-run", "--target", "copilot"],
    ] {
        let output = run(root, args);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !printed.contains("SECRET-TOKEN"),
            "{args:?} showed the linked file: {printed}"
        );
        assert_ne!(output.status.code(), Some(0), "{args:?}: {printed}");
    }
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap(),
        "SECRET-TOKEN {{db_command}} â€“\n"
    );
    // A link inside the repository (one agent file shared by two agents) is followed.
    std::fs::remove_file(root.join(".github/agents/backend-architect.agent.md")).unwrap();
    std::fs::remove_file(root.join(".claude/agents/stolen.md")).unwrap();
    run(root, &["init", "--target", "copilot"]);
    std::os::unix::fs::symlink(
        "../../.github/agents/backend-architect.agent.md",
        root.join(".claude/agents/backend-architect.md"),
    )
    .unwrap();
    let doctor = run(root, &["doctor"]);
    assert!(doctor.status.success(), "{}", String::from_utf8_lossy(&doctor.stdout));
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("2 file(s) checked"));
}

/// `doctor --fix` on an AGENTS.md of 8 GiB (sparse) refuses to read it instead of loading it.
#[test]
fn a_huge_agents_md_is_not_loaded() {
    let tmp = backend_repo();
    let root = tmp.path();
    let file = std::fs::File::create(root.join("AGENTS.md")).unwrap();
    file.set_len(8 << 30).unwrap();
    let output = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["doctor", "--fix"])
        .arg(root.join("AGENTS.md"))
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("larger than 2 MiB"));
    let init = run(root, &["init", "--target", "agents-md"]);
    assert_eq!(init.status.code(), Some(2));
    assert_eq!(
        std::fs::metadata(root.join("AGENTS.md")).unwrap().len(),
        8 << 30,
        "left as it was"
    );
}

/// A symlinked directory where agent files go (`.claude -> elsewhere`) neither shows what is
/// elsewhere nor lets `--fix` write there.
#[test]
fn an_agent_directory_linking_out_of_the_repository_is_not_followed() {
    let tmp = backend_repo();
    let root = tmp.path();
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(outside.path().join("agents")).unwrap();
    let victim = outside.path().join("agents/s.md");
    let before = "SECRET-TOKEN\n- **Run Tests:** `{{test_command}}`\n";
    std::fs::write(&victim, before).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join(".claude")).unwrap();
    for args in [&["doctor"][..], &["doctor", "--fix"], &["doctor", "--json"]] {
        let output = run(root, args);
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!printed.contains("SECRET-TOKEN"), "{args:?}: {printed}");
        assert_eq!(output.status.code(), Some(2), "{args:?}: {printed}");
        assert!(printed.contains("outside"), "{args:?} says why: {printed}");
    }
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        before,
        "nothing written outside"
    );
    // init refuses to write through the link as well.
    let init = run(root, &["init", "--target", "claude"]);
    assert_eq!(init.status.code(), Some(2));
    assert!(!outside.path().join("agents/backend-architect.md").exists());
}
