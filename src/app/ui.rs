//! How a run talks to the terminal: verbosity, colour per stream, writing to standard output
//! without panicking on a closed pipe; the list of repositories a command runs on, and the
//! built-in detectors every command shares.

use super::cli::{RepoList, Verbosity};
use super::output;
use super::style::{Style, for_terminal};
use anyhow::{Context, Result};
use std::io::IsTerminal;
use std::path::PathBuf;

/// How the run talks: how much it says on stderr, and whether each stream is coloured.
#[derive(Clone, Copy)]
pub struct Ui {
    pub verbosity: Verbosity,
    pub out: Style,
    pub err: Style,
}

impl Ui {
    pub fn quiet(&self) -> bool {
        self.verbosity == Verbosity::Quiet
    }

    pub fn verbose(&self) -> bool {
        self.verbosity == Verbosity::Verbose
    }

    /// A message for people (hints, notes, summaries), left out with `-q`.
    pub fn note(&self, text: &str) {
        if !self.quiet() && !text.is_empty() {
            eprint!("{}", stderr_text(text));
            if !text.ends_with('\n') {
                eprintln!();
            }
        }
    }

    pub fn warnings(&self, report: &archprompt::report::Report) {
        self.note(&output::warnings(report, self.err));
    }

    pub fn error(&self, text: &str) {
        eprintln!("{} {}", self.err.bad("error:"), stderr_text(text));
    }
}

/// Writes to standard output, reporting failures (a closed pipe) instead of panicking. On a
/// terminal, control characters from the repository print as text; a pipe gets every byte.
pub fn out(text: &str) -> Result<()> {
    use std::io::Write;
    let text = stdout_text(text);
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
}

/// The repositories a command runs on: its paths, then each `--from` list and `--discover`ed
/// directory, then one `--shard`; `.` when none is given. Also whether it is a bulk run.
pub fn repo_paths(mut paths: Vec<PathBuf>, list: &RepoList) -> Result<(Vec<PathBuf>, bool)> {
    if let Some(file) = &list.from_file {
        let text = if file.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("cannot read paths from standard input")?
        } else {
            std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?
        };
        paths.extend(text.lines().map(str::trim).filter(|l| !l.is_empty()).map(PathBuf::from));
    }
    for dir in &list.discover {
        let found = archprompt::bulk::discover(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        paths.extend(found);
    }
    let bulk = list.is_bulk() || paths.len() > 1;
    if paths.is_empty() && !bulk {
        paths.push(PathBuf::from("."));
    }
    // A typo in a directory or an empty list must not pass a CI check as "all ok". (One shard
    // of a short list may still be empty.)
    if paths.is_empty() {
        let searched: Vec<String> = list.discover.iter().map(|d| d.display().to_string()).collect();
        if searched.is_empty() {
            anyhow::bail!("no repositories to work on: the --from list is empty");
        }
        anyhow::bail!(
            "no repositories to work on: --discover found no git repository (a directory with .git) under {}; to take every folder there, list them: ls -d DIR/*/ | archprompt … --from -",
            searched.join(", ")
        );
    }
    if let Some(shard) = list.shard {
        paths = archprompt::bulk::shard(paths, shard);
    }
    Ok((paths, bulk))
}

/// The built-in detectors, loaded once and kept for the whole run: freeing them at exit costs
/// about a tenth of a one-repository scan, for nothing.
pub fn registry() -> Result<&'static archprompt::detect::Registry> {
    Ok(Box::leak(Box::new(archprompt::detect::Registry::builtin()?)))
}

/// `text` as standard output receives it: [`for_terminal`] when that is a terminal.
pub fn stdout_text(text: &str) -> std::borrow::Cow<'_, str> {
    if std::io::stdout().is_terminal() {
        for_terminal(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// `text` as standard error receives it: [`for_terminal`] when that is a terminal.
pub fn stderr_text(text: &str) -> std::borrow::Cow<'_, str> {
    if std::io::stderr().is_terminal() {
        for_terminal(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}
