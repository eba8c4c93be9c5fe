//! The archprompt binary: parses arguments, runs a command, prints, maps results to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod app;

use app::cli::{Cli, Command};
use app::style::Style;
use app::ui::{Ui, is_broken_pipe, out};
use app::{doctor_cmd, init_cmd, list_cmd, scan_cmd};
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        verbosity: cli.verbosity(),
        out: Style::decide(cli.color, std::io::stdout().is_terminal()),
        err: Style::decide(cli.color, std::io::stderr().is_terminal()),
    };
    let result = match cli.command {
        Command::Init(args) => init_cmd::run(args, ui),
        Command::Doctor(args) => doctor_cmd::run(args, ui),
        Command::Scan(args) => scan_cmd::run(args, ui),
        Command::Templates(args) => list_cmd::templates(args),
        Command::Detectors => list_cmd::detectors(),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "archprompt", &mut text);
            out(&String::from_utf8_lossy(&text)).map(|_| ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut text = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut text)
                .map_err(anyhow::Error::from)
                .and_then(|_| out(&String::from_utf8_lossy(&text)))
                .map(|_| ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        // The reader went away (`archprompt scan --json | head`): not an error of ours.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            ui.error(&format!("{err:#}"));
            ExitCode::from(2)
        }
    }
}
