//! Commands the repository's CI runs: the `run:` steps of GitHub Actions workflows
//! (`.github/workflows/*.yml`) and the `script:` lines of GitLab CI jobs (`.gitlab-ci.yml`),
//! parsed as YAML, each with its job, the directory it runs in, and its file and line.

use crate::repo::index::RepoIndex;
use crate::signals::guides::{DocumentedCommand, Source};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// GitLab CI's top-level keywords, which are not jobs.
const GITLAB_KEYWORDS: &[&str] = &[
    "stages",
    "variables",
    "default",
    "include",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
];

// Only the keys archprompt reads are deserialized; the rest of a workflow is skipped.
#[derive(Deserialize)]
struct Workflow {
    /// Absent, or empty (`jobs:` with every job commented out): no jobs.
    #[serde(default)]
    jobs: Option<BTreeMap<String, Job>>,
}

#[derive(Deserialize)]
struct Job {
    name: Option<Value>,
    defaults: Option<Defaults>,
    #[serde(default)]
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Defaults {
    run: Option<RunDefaults>,
}

#[derive(Deserialize)]
struct RunDefaults {
    #[serde(rename = "working-directory")]
    working_directory: Option<String>,
}

#[derive(Deserialize)]
struct Step {
    run: Option<Value>,
    #[serde(rename = "working-directory")]
    working_directory: Option<String>,
}

/// The commands of one repository's CI, read on first use: only some fields ask for them.
pub struct CiCommands<'a> {
    index: &'a RepoIndex,
    commands: std::cell::OnceCell<Vec<DocumentedCommand>>,
}

impl<'a> CiCommands<'a> {
    pub fn new(index: &'a RepoIndex) -> Self {
        CiCommands {
            index,
            commands: std::cell::OnceCell::new(),
        }
    }

    /// Every command of every CI job, workflow by workflow, in file order (read once per scan).
    pub fn get(&self) -> &[DocumentedCommand] {
        self.commands.get_or_init(|| read_all(self.index))
    }
}

fn read_all(index: &RepoIndex) -> Vec<DocumentedCommand> {
    let mut out = Vec::new();
    let workflows = index
        .files
        .range(".github/workflows/".to_string()..)
        .take_while(|f| f.starts_with(".github/workflows/"));
    for file in workflows.filter(|f| f.ends_with(".yml") || f.ends_with(".yaml")) {
        if let Some((text, workflow)) = parse::<Workflow>(index, file) {
            github_jobs(&workflow, &text, file, &mut out);
        }
    }
    if let Some((text, doc)) = parse::<BTreeMap<String, Value>>(index, ".gitlab-ci.yml") {
        gitlab_jobs(&doc, &text, ".gitlab-ci.yml", &mut out);
    }
    out
}

fn parse<T: serde::de::DeserializeOwned>(index: &RepoIndex, file: &str) -> Option<(std::sync::Arc<String>, T)> {
    let text = index.read(file)?;
    match serde_saphyr::from_str::<T>(&text) {
        Ok(doc) => Some((text, doc)),
        Err(err) => {
            let message = err.to_string();
            index.warn(
                file,
                format!("invalid CI workflow: {}", message.lines().next().unwrap_or("")),
            );
            None
        }
    }
}

fn github_jobs(workflow: &Workflow, text: &str, file: &str, out: &mut Vec<DocumentedCommand>) {
    let mut lines = LineFinder::new(text);
    for (id, job) in workflow.jobs.iter().flatten() {
        let name = job.name.as_ref().and_then(Value::as_str).unwrap_or(id);
        let job_dir = job
            .defaults
            .as_ref()
            .and_then(|d| d.run.as_ref())
            .and_then(|r| r.working_directory.as_deref());
        for step in &job.steps {
            let Some(script) = step.run.as_ref().and_then(Value::as_str) else {
                continue;
            };
            let dir = step.working_directory.as_deref().or(job_dir);
            push_script(script, name, dir, file, &mut lines, out);
        }
    }
}

fn gitlab_jobs(jobs: &BTreeMap<String, Value>, text: &str, file: &str, out: &mut Vec<DocumentedCommand>) {
    let mut lines = LineFinder::new(text);
    for (name, job) in jobs {
        if name.starts_with('.') || GITLAB_KEYWORDS.contains(&name.as_str()) {
            continue;
        }
        let script = match job.get("script") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        for part in script {
            push_script(part, name, None, file, &mut lines, out);
        }
    }
}

/// The commands of a script block: `\` continuations joined, comments and blanks left out.
fn push_script(
    script: &str,
    job: &str,
    dir: Option<&str>,
    file: &str,
    lines: &mut LineFinder,
    out: &mut Vec<DocumentedCommand>,
) {
    let dir = match dir.map(|d| d.trim_start_matches("./").trim_end_matches('/')) {
        None | Some("") | Some(".") => ".".to_string(),
        // `${{ … }}` expressions are not a directory archprompt can name.
        Some(d) if d.contains("${") || d.starts_with('/') || d.contains("..") => return,
        Some(d) => d.to_string(),
    };
    let mut pending = String::new();
    for raw in script.lines() {
        let line = raw.trim();
        if let Some(head) = line.strip_suffix('\\') {
            pending.push_str(head.trim_end());
            pending.push(' ');
            continue;
        }
        let command = format!("{pending}{line}");
        let first = if pending.is_empty() { line } else { pending.trim() };
        let first = first.to_string();
        pending.clear();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        out.push(DocumentedCommand {
            source: Source::Ci,
            line: lines.find(&first),
            command: command.trim().to_string(),
            heading: format!("CI job {job}"),
            note: String::new(),
            file: file.to_string(),
            dir: crate::fs::join(".", &dir),
        });
    }
}

/// The 1-based line each command starts on, found in file order (YAML parsers drop positions).
struct LineFinder<'t> {
    lines: Vec<&'t str>,
    next: usize,
}

impl<'t> LineFinder<'t> {
    fn new(text: &'t str) -> LineFinder<'t> {
        LineFinder {
            lines: text.lines().collect(),
            next: 0,
        }
    }

    fn find(&mut self, fragment: &str) -> usize {
        let fragment = fragment.trim();
        let at = (self.next..self.lines.len())
            .find(|&i| self.lines[i].contains(fragment))
            .or_else(|| (0..self.lines.len()).find(|&i| self.lines[i].contains(fragment)));
        match at {
            Some(i) => {
                self.next = i + 1;
                i + 1
            }
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_steps_and_gitlab_scripts_with_dirs_and_lines() {
        let workflow = "name: CI\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: ./backend\n    steps:\n      - uses: actions/checkout@v4\n      - run: uv sync\n      - name: Tests\n        run: |\n          # unit tests\n          uv run pytest \\\n            --cov=app\n      - run: npm ci\n        working-directory: frontend\n";
        let gitlab = "stages: [test]\nvariables:\n  X: y\n.base:\n  script: [echo base]\nrspec:\n  stage: test\n  script:\n    - bundle exec rspec\n";
        let (_dir, index) =
            crate::repo::index::test_index(&[(".github/workflows/ci.yml", workflow), (".gitlab-ci.yml", gitlab)]);
        let found: Vec<(String, String, String, usize)> = CiCommands::new(&index)
            .get()
            .iter()
            .map(|c| (c.command.clone(), c.heading.clone(), c.dir.clone(), c.line))
            .collect();
        let expected = [
            ("uv sync", "CI job test", "backend", 11),
            ("uv run pytest --cov=app", "CI job test", "backend", 15),
            ("npm ci", "CI job test", "frontend", 17),
            ("bundle exec rspec", "CI job rspec", ".", 9),
        ];
        let expected: Vec<(String, String, String, usize)> = expected
            .iter()
            .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), *d))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn a_workflow_with_its_jobs_commented_out_is_no_error() {
        let empty = "---\nname: Nightly\non:\n  schedule:\n    - cron: '0 3 * * *'\n\njobs:\n#  test:\n#    runs-on: ubuntu-latest\n...\n";
        let (_dir, index) = crate::repo::index::test_index(&[(".github/workflows/nightly.yaml", empty)]);
        assert!(CiCommands::new(&index).get().is_empty());
        assert!(index.take_warnings().is_empty());
    }
}
