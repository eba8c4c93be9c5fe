//! What a bulk run shows while it works: a progress bar on a terminal, lines printed above it
//! in input order, and the summary table at the end.

use super::ui::Ui;
use anyhow::Result;
use std::io::IsTerminal;
use std::path::Path;

/// A progress bar on stderr for bulk runs, drawn only when stderr is a terminal; lines printed
/// during the run go above it.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    stdout_is_terminal: bool,
}

impl Progress {
    pub fn new(total: usize, verb: &str, ui: Ui) -> Progress {
        let bar = (std::io::stderr().is_terminal() && !ui.quiet()).then(|| {
            let style = indicatif::ProgressStyle::with_template(&format!(
                "{{bar:30}} {{pos}}/{{len}} {verb} {{elapsed}} {{wide_msg}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            indicatif::ProgressBar::new(total as u64).with_style(style)
        });
        Progress {
            bar,
            stdout_is_terminal: std::io::stdout().is_terminal(),
        }
    }

    /// Writes a line to standard output, above the bar when both share the terminal.
    pub fn out(&self, line: &str) -> std::io::Result<()> {
        use std::io::Write;
        let line = super::ui::stdout_text(line);
        let write = || writeln!(std::io::stdout().lock(), "{line}");
        match &self.bar {
            Some(bar) if self.stdout_is_terminal => bar.suspend(write),
            _ => write(),
        }
    }

    /// Writes a line to standard error, above the bar.
    pub fn err(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{}", super::ui::stderr_text(line))),
            None => eprintln!("{}", super::ui::stderr_text(line)),
        }
    }

    pub fn done_one(&self, repo: &Path) {
        if let Some(bar) = &self.bar {
            bar.set_message(super::style::shown(repo));
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

pub fn threads(jobs: Option<usize>) -> usize {
    jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
}

/// What a bulk run keeps while its results stream out: the tally, and the first failure to
/// write standard output (a closed pipe), which ends the run with an error.
pub struct BulkState {
    pub tally: archprompt::bulk::Tally,
    write_error: Option<std::io::Error>,
}

impl BulkState {
    pub fn new(rows: &[&'static str]) -> std::sync::Mutex<BulkState> {
        std::sync::Mutex::new(BulkState {
            tally: archprompt::bulk::Tally::new(rows),
            write_error: None,
        })
    }

    pub fn wrote(&mut self, result: std::io::Result<()>) {
        if let (Err(err), None) = (result, &self.write_error) {
            self.write_error = Some(err);
        }
    }
}

/// Prints the summary table (or returns the write error that cut the run short).
pub fn finish_bulk(
    state: std::sync::Mutex<BulkState>,
    progress: &Progress,
    verb: &str,
    took: std::time::Duration,
    ui: Ui,
) -> Result<archprompt::bulk::Tally> {
    progress.finish();
    let state = state.into_inner().unwrap_or_else(|e| e.into_inner());
    if let Some(err) = state.write_error {
        return Err(err.into());
    }
    ui.note(&state.tally.render(verb, took));
    Ok(state.tally)
}
