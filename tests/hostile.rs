//! Hostile repositories, built in a temporary directory and scanned by the real binary under a
//! timeout: special files under manifest names, a huge sparse file, symlink loops and links out
//! of the tree, very deep nesting, a directory of 100,000 entries, names that are not UTF-8, and
//! scripts that would leave a marker if anything ran them; FIFOs, huge files and links out of the
//! tree where archprompt.toml, templates and agent files go. Each command must end in bounded
//! time, keep going, and still find the backend.
#![cfg(unix)]

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(60);

/// A minimal Express backend the hostile parts are added to.
fn backend(root: &Path) {
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("package.json"),
        r#"{"name":"api","scripts":{"dev":"node src/index.js","preinstall":"touch MARKER","test":"touch MARKER"},"dependencies":{"express":"^4.21.0"}}"#,
    )
    .unwrap();
    std::fs::write(root.join("src/index.js"), "require('express')\n").unwrap();
}

/// A temporary repository holding [`backend`], removed when dropped.
fn backend_repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    backend(tmp.path());
    tmp
}

fn scan_json(root: &Path) -> (serde_json::Value, String) {
    let output = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["scan", "--json"])
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "scan failed: {stderr}");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (report, stderr)
}

fn warnings(report: &serde_json::Value) -> Vec<(String, String)> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["file"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

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
        names.contains(&"b") && names.contains(&"c"),
        "BOM and CRLF manifests are read: {names:?}"
    );
}

fn run(root: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("archprompt")
        .unwrap()
        .args(args)
        .arg(root)
        .timeout(TIMEOUT)
        .output()
        .unwrap()
}

fn mkfifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap()
            .success()
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
    for file in &leftovers {
        std::fs::write(file, "half a file").unwrap();
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
