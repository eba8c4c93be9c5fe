//! The examples in README.md and docs/ are real: every `$ archprompt …` line in a `console` block
//! that reads only bundled fixtures is run, and every output line shown under it (except lines
//! trimmed with `…`) must appear in what the command prints today.

use assert_cmd::Command;
use std::path::Path;

struct Example {
    file: String,
    args: Vec<String>,
    expected: Vec<String>,
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
        // A block inside a list item is indented; its lines are compared without that indent.
        let mut indent = 0;
        for raw in text.lines() {
            if raw.trim_start().starts_with("```") {
                in_console = !in_console && raw.trim() == "```console";
                indent = raw.len() - raw.trim_start().len();
                out.extend(current.take());
                continue;
            }
            let line = raw
                .get(indent..)
                .filter(|_| raw[..indent].trim().is_empty())
                .unwrap_or(raw);
            if !in_console {
                continue;
            }
            if let Some(command) = line.strip_prefix("$ ") {
                out.extend(current.take());
                current = runnable(command).map(|args| Example {
                    file: file.clone(),
                    args,
                    expected: Vec::new(),
                });
            } else if let Some(example) = current.as_mut() {
                example.expected.push(line.to_string());
            }
        }
    }
    out
}

/// The arguments of an `archprompt` command that only reads bundled fixtures, or `None`.
fn runnable(command: &str) -> Option<Vec<String>> {
    let args: Vec<String> = command
        .strip_prefix("archprompt ")?
        .split_whitespace()
        .map(String::from)
        .collect();
    let safe = args.iter().all(|a| {
        a.starts_with('-') && !a.contains('>') || a.starts_with("fixtures/") || !a.contains(['/', '.', '>', '|', '$'])
    });
    let writes =
        args.iter().any(|a| a == "init") && !args.iter().any(|a| a == "--stdout" || a == "--dry-run" || a == "-n");
    let reads_files = args.iter().any(|a| a.ends_with(".hbs"));
    (safe && !writes && !reads_files).then_some(args)
}

#[test]
fn console_examples_in_the_docs_match_the_binary() {
    let examples = examples();
    assert!(examples.len() >= 5, "found only {} runnable examples", examples.len());
    for example in examples {
        let output = Command::cargo_bin("archprompt")
            .unwrap()
            .args(&example.args)
            .current_dir(Path::new("."))
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for line in example
            .expected
            .iter()
            .filter(|l| !l.contains('…') && !l.trim().is_empty())
        {
            assert!(
                printed.lines().any(|p| p.trim_end() == line.trim_end()),
                "{}: `archprompt {}` no longer prints:\n{line}\n--- it printed ---\n{printed}",
                example.file,
                example.args.join(" ")
            );
        }
    }
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
