//! The examples in README.md and docs/ are real. Every `$ archprompt …` line in a `console` block
//! is run when it reads only bundled fixtures, or when the block is marked
//! `<!-- run in a copy of fixtures/X at /tmp/Y -->`: then it runs in a fresh copy of the fixture
//! (one per document and path, shared by the marked blocks that follow, in order, so `init` then
//! `doctor` works), and may write. Every output line shown under a command (except lines trimmed
//! with `…`) must appear in what the command prints today, and a `$ echo $?` line after it gives
//! the exit code it must end with.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

/// The binary's argument definitions, compiled in here to check the commands the docs show.
#[path = "../src/app/cli.rs"]
#[allow(dead_code)]
mod cli;
use common::copy_dir;

struct Example {
    file: String,
    args: Vec<String>,
    expected: Vec<String>,
    /// The exit code a following `$ echo $?` shows.
    code: Option<i32>,
    /// For a block run in a copy: the path the document uses and the fixture it copies.
    copy: Option<(String, String)>,
}

/// `<!-- run in a copy of fixtures/X at /tmp/Y -->` → (`fixtures/X`, `/tmp/Y`).
fn copy_directive(line: &str) -> Option<(String, String)> {
    let rest = line
        .trim()
        .strip_prefix("<!-- run in a copy of ")?
        .strip_suffix(" -->")?;
    let (fixture, at) = rest.split_once(" at ")?;
    Some((fixture.to_string(), at.to_string()))
}

fn examples() -> Vec<Example> {
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir("docs")
        .unwrap()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut in_console = false;
        let mut current: Option<Example> = None;
        let mut pending_copy: Option<(String, String)> = None;
        let mut block_copy: Option<(String, String)> = None;
        let mut after_echo = false;
        // A block inside a list item is indented; its lines are compared without that indent.
        let mut indent = 0;
        for raw in text.lines() {
            if let Some(directive) = copy_directive(raw) {
                pending_copy = Some(directive);
                continue;
            }
            if raw.trim_start().starts_with("```") {
                in_console = !in_console && raw.trim() == "```console";
                block_copy = if in_console { pending_copy.take() } else { None };
                indent = raw.len() - raw.trim_start().len();
                out.extend(current.take());
                after_echo = false;
                continue;
            }
            let line = raw
                .get(indent..)
                .filter(|_| raw[..indent].trim().is_empty())
                .unwrap_or(raw);
            if !in_console {
                continue;
            }
            if line == "$ echo $?" {
                after_echo = true;
                continue;
            }
            if after_echo {
                after_echo = false;
                if let (Some(example), Ok(code)) = (current.as_mut(), line.trim().parse()) {
                    example.code = Some(code);
                }
                continue;
            }
            if let Some(command) = line.strip_prefix("$ ") {
                out.extend(current.take());
                let copy_path = block_copy.as_ref().map(|(_, at)| at.as_str());
                current = runnable(command, copy_path).map(|args| Example {
                    file: file.clone(),
                    args,
                    expected: Vec::new(),
                    code: None,
                    copy: block_copy.clone(),
                });
            } else if let Some(example) = current.as_mut() {
                example.expected.push(line.to_string());
            }
        }
    }
    out
}

/// The arguments of an `archprompt` command that only reads bundled fixtures (or, in a block run
/// in a copy, anything under the copy's path), or `None`.
fn runnable(command: &str, copy: Option<&str>) -> Option<Vec<String>> {
    let args: Vec<String> = command
        .strip_prefix("archprompt ")?
        .split_whitespace()
        .map(String::from)
        .collect();
    let in_copy = |a: &str| copy.is_some_and(|c| a == c || a.starts_with(&format!("{c}/")));
    let safe = args.iter().all(|a| {
        a.starts_with('-') && !a.contains('>')
            || a.starts_with("fixtures/")
            || in_copy(a)
            || !a.contains(['/', '.', '>', '|', '$'])
    });
    let writes_fixture = args.iter().any(|a| a.starts_with("fixtures/"))
        && (args.iter().any(|a| a == "--fix")
            || args.iter().any(|a| a == "init")
                && !args.iter().any(|a| a == "--stdout" || a == "--dry-run" || a == "-n"));
    let reads_files = args.iter().any(|a| a.ends_with(".hbs"));
    (safe && !writes_fixture && !reads_files).then_some(args)
}

#[test]
fn console_examples_in_the_docs_match_the_binary() {
    let examples = examples();
    assert!(examples.len() >= 5, "found only {} runnable examples", examples.len());
    assert!(
        examples.iter().any(|e| e.copy.is_some() && e.code.is_some()),
        "the copy and exit-code conventions are in use"
    );
    let scratch = tempfile::tempdir().unwrap();
    let mut copies: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for example in examples {
        let mut args = example.args.clone();
        let mut shown_as: Option<(String, String)> = None;
        if let Some((fixture, at)) = &example.copy {
            let key = (example.file.clone(), at.clone());
            let place = copies.entry(key).or_insert_with(|| {
                let place = scratch.path().join(format!("copy{}", copy_name(at)));
                let place = unique(place);
                copy_dir(Path::new(fixture), &place);
                place
            });
            let real = place.display().to_string();
            for arg in args.iter_mut() {
                if let Some(rest) = arg.strip_prefix(at.as_str()) {
                    *arg = format!("{real}{rest}");
                }
            }
            shown_as = Some((real, at.clone()));
        }
        let output = Command::cargo_bin("archprompt")
            .unwrap()
            .args(&args)
            .current_dir(Path::new("."))
            .output()
            .unwrap();
        let mut printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if let Some((real, at)) = &shown_as {
            printed = printed.replace(real.as_str(), at);
        }
        let shown = example.args.join(" ");
        for line in example
            .expected
            .iter()
            .filter(|l| !l.contains('…') && !l.trim().is_empty())
        {
            assert!(
                printed.lines().any(|p| p.trim_end() == line.trim_end()),
                "{}: `archprompt {shown}` no longer prints:\n{line}\n--- it printed ---\n{printed}",
                example.file,
            );
        }
        if let Some(code) = example.code {
            assert_eq!(
                output.status.code(),
                Some(code),
                "{}: `archprompt {shown}` exits differently\n--- it printed ---\n{printed}",
                example.file
            );
        }
    }
}

/// A readable directory name for a copy: the last part of the path the document uses.
fn copy_name(at: &str) -> String {
    at.rsplit('/').next().unwrap_or("repo").to_string()
}

/// `path`, or `path-2`, `path-3`… when it exists.
fn unique(path: PathBuf) -> PathBuf {
    let mut candidate = path.clone();
    let mut n = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{}-{n}", path.display()));
        n += 1;
    }
    candidate
}

/// README's "What it detects" names every framework, data tool and database detector.
#[test]
fn readme_lists_every_detector() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = &readme[readme.find("## What it detects").expect("section exists")..];
    let registry = archprompt::detect::Registry::builtin().unwrap();
    use archprompt::detect::Kind;
    for d in registry
        .detectors
        .iter()
        .filter(|d| matches!(d.kind, Kind::Framework | Kind::Data | Kind::Database))
    {
        assert!(
            section.contains(&d.name),
            "README's detector table does not name {} ({})",
            d.name,
            d.source
        );
    }
}

/// The JSON contract's "complete" example is the binary's output, byte for byte.
#[test]
fn json_contract_example_is_the_real_output() {
    let doc = std::fs::read_to_string("docs/json-contract.md").unwrap();
    let marker = "`archprompt scan --json fixtures/node-koa-sequelize`, complete:\n\n```json\n";
    let start = doc.find(marker).expect("the example is in docs/json-contract.md") + marker.len();
    let end = start + doc[start..].find("\n```").unwrap();
    let output = Command::cargo_bin("archprompt")
        .unwrap()
        .args(["scan", "--json", "fixtures/node-koa-sequelize"])
        .output()
        .unwrap();
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        &doc[start..end],
        printed.trim_end(),
        "regenerate the example in docs/json-contract.md"
    );
}

/// The YAML blocks of a Markdown file, in order.
fn yaml_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    blocks
}

/// Each `archprompt …` command in a shell line, up to a redirection or pipe.
fn archprompt_commands(shell: &str) -> Vec<Vec<String>> {
    shell
        .lines()
        .filter(|l| !l.contains("cargo install") && !l.contains("command -v"))
        .filter_map(|l| {
            let at = l.find("archprompt ")?;
            let words: Vec<String> = l[at..]
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">" | ">>" | "|" | "||" | "&&"))
                .map(String::from)
                .collect();
            Some(words)
        })
        .collect()
}

/// docs/ci.md's workflows and .pre-commit-hooks.yaml are valid YAML, every archprompt command in
/// them is one the binary accepts, and the jq program reads keys doctor's JSON has.
#[test]
fn ci_recipes_and_pre_commit_hooks_run_real_commands() {
    use clap::Parser;
    let parses = |words: &[String], origin: &str| {
        if let Err(err) = cli::Cli::try_parse_from(words) {
            panic!("{origin}: `{}` is not a valid command: {err}", words.join(" "));
        }
    };
    let ci = std::fs::read_to_string("docs/ci.md").unwrap();
    let mut commands = 0;
    for block in yaml_blocks(&ci) {
        let doc: serde_json::Value =
            serde_saphyr::from_str(&block).unwrap_or_else(|e| panic!("docs/ci.md: invalid YAML: {e}\n{block}"));
        let mut runs = Vec::new();
        collect_runs(&doc, &mut runs);
        for run in runs {
            for words in archprompt_commands(&run) {
                parses(&words, "docs/ci.md");
                commands += 1;
            }
        }
    }
    assert!(commands >= 3, "docs/ci.md shows archprompt commands");

    // Each `(.LIST[] | "…\(.key)…")` of the jq program reads keys that LIST's entries have.
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("docs/json-schema.json").unwrap()).unwrap();
    let defs = &schema["$defs"];
    let findings = defs["doctor_line"]["properties"].as_object().unwrap();
    let segment = regex::Regex::new(r#"\(\.([a-z_]+)\[\] \| "((?:[^"\\]|\\.)*)"\)"#).unwrap();
    let field = regex::Regex::new(r"\\\(\.([a-z_]*)\)").unwrap();
    let mut segments = 0;
    for caps in segment.captures_iter(&ci) {
        let list = &caps[1];
        let entry = findings
            .get(list)
            .unwrap_or_else(|| panic!("docs/ci.md reads .{list}[], which doctor --json does not have"));
        // A list that may be null (`placeholders` of a repository without agent files) is the
        // array alternative of its `oneOf`.
        let array = entry["oneOf"]
            .as_array()
            .and_then(|alternatives| alternatives.iter().find(|a| a["type"] == "array"))
            .unwrap_or(entry);
        let keys: Vec<String> = match array["items"]["$ref"].as_str() {
            Some(reference) => {
                let def = &defs[reference.trim_start_matches("#/$defs/")];
                def["properties"].as_object().unwrap().keys().cloned().collect()
            }
            None => Vec::new(), // a list of strings: `\(.)` is the entry itself
        };
        for key in field.captures_iter(&caps[2]).map(|c| c[1].to_string()) {
            assert!(
                key.is_empty() && keys.is_empty() || keys.contains(&key),
                "docs/ci.md reads .{key} of a {list} entry, which has only {keys:?}"
            );
        }
        segments += 1;
    }
    assert!(segments >= 6, "the jq program's segments were found ({segments})");

    let hooks: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap()).unwrap();
    let hooks = hooks.as_array().expect("a list of hooks");
    assert!(!hooks.is_empty());
    for hook in hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(hook[key].is_string(), "a hook without {key}: {hook}");
        }
        assert_eq!(hook["language"], "rust", "built from this repository with cargo");
        assert_eq!(
            hook["pass_filenames"], false,
            "doctor takes repositories, not the staged files"
        );
        let words: Vec<String> = hook["entry"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .map(String::from)
            .collect();
        parses(&words, ".pre-commit-hooks.yaml");
    }
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    for id in &ids {
        assert!(ci.contains(id), "docs/ci.md documents the hook {id}");
    }
}

/// Every `run:` string in a workflow document.
fn collect_runs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("run", serde_json::Value::String(run)) => out.push(run.clone()),
                    _ => collect_runs(v, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_runs(v, out)),
        _ => {}
    }
}
