//! The archprompt binary: parses arguments, runs a command, prints, maps results to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod app;

use app::cli::{Cli, Command};
use app::style::Style;
use app::ui::{Ui, is_broken_pipe, out};
use app::{doctor_cmd, init_cmd, list_cmd, report_cmd, scan_cmd};
use clap::{CommandFactory, Parser};
use std::io::IsTerminal;
use std::process::ExitCode;

/// mimalloc: a scan makes hundreds of thousands of short-lived strings and paths on two threads,
/// where the system allocator spent a fifth of the time (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui {
        verbosity: cli.verbosity(),
        out: Style::decide(cli.color, std::io::stdout().is_terminal()),
        err: Style::decide(cli.color, std::io::stderr().is_terminal()),
    };
    let subject = subject(&cli.command);
    quiet_panics();
    // A panic (a bug that a repository's files set off) is reported as an error naming the
    // repository, with exit 2, not as a backtrace with exit 101. Bulk runs already confine a
    // panic to its repository (`archprompt::bulk::in_order`); this catches the rest.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli.command, ui)))
        .unwrap_or_else(|payload| {
            let panicked = archprompt::bulk::Panicked::from_payload(&*payload);
            let at = PANICKED_AT.with_borrow_mut(Option::take).map_or_else(String::new, |at| format!(" at {at}"));
            Err(anyhow::anyhow!(
                "{subject}: {panicked}{at} (a bug in archprompt: please report it; RUST_BACKTRACE=1 shows the backtrace)"
            ))
        });
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

/// What a command works on, for an error message: its one path, or `archprompt`.
fn subject(command: &Command) -> String {
    let (paths, list) = match command {
        Command::Init(args) => (&args.paths, &args.list),
        Command::Doctor(args) => (&args.paths, &args.list),
        Command::Scan(args) => (&args.paths, &args.list),
        Command::Report(args) => (&args.paths, &args.list),
        _ => return "archprompt".to_string(),
    };
    match paths.as_slice() {
        _ if list.is_bulk() => "archprompt".to_string(),
        [] => ".".to_string(),
        [one] => one.display().to_string(),
        _ => "archprompt".to_string(),
    }
}

thread_local! {
    /// Where the last panic on this thread happened, for the error message that reports it.
    static PANICKED_AT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Every panic is caught and reported as a failure (of one repository in a bulk run, of the
/// command otherwise), so the default hook's message and backtrace note would only repeat it:
/// record where it happened instead. With `RUST_BACKTRACE` set (and not `0`), the default hook
/// prints the backtrace as well.
fn quiet_panics() {
    let backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(at) = info.location() {
            PANICKED_AT.with_borrow_mut(|last| *last = Some(at.to_string()));
        }
        if backtrace {
            default(info);
        }
    }));
}

fn run(command: Command, ui: Ui) -> anyhow::Result<ExitCode> {
    match command {
        Command::Init(args) => init_cmd::run(args, ui),
        Command::Doctor(args) => doctor_cmd::run(args, ui),
        Command::Scan(args) => scan_cmd::run(args, ui),
        Command::Report(args) => report_cmd::run(args, ui),
        Command::Templates(args) => list_cmd::templates(args),
        Command::Detectors => list_cmd::detectors(),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "archprompt", &mut text);
            out(&String::from_utf8_lossy(&text)).map(|_| ExitCode::SUCCESS)
        }
        Command::Man { command } => man_page(command.as_deref())
            .and_then(|text| out(&text))
            .map(|_| ExitCode::SUCCESS),
    }
}

/// The roff page of archprompt, or of one of its commands (`archprompt-init(1)`, which the
/// top-level page's SEE ALSO names).
fn man_page(command: Option<&str>) -> anyhow::Result<String> {
    let mut top = Cli::command();
    top.build();
    let page = match command {
        None => top,
        Some(name) => {
            let names: Vec<String> = top.get_subcommands().map(|c| c.get_name().to_string()).collect();
            let Some(sub) = top.find_subcommand(name) else {
                anyhow::bail!("no command {name:?}; man pages exist for: {}", names.join(", "));
            };
            let full = format!("archprompt-{name}");
            sub.clone()
                .name(full.clone())
                .bin_name(format!("archprompt {name}"))
                .display_name(full)
                .version(top.get_version().unwrap_or_default().to_string())
        }
    };
    let mut text = Vec::new();
    clap_mangen::Man::new(page).render(&mut text)?;
    Ok(String::from_utf8_lossy(&text).into_owned())
}
