//! The archprompt binary: parses arguments, runs a command, prints, maps results to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use anyhow::{Context, Result};
use archprompt::cli::{Cli, Command, DoctorArgs, InitArgs, ScanArgs};
use archprompt::init::{self, Outcome, Plan};
use archprompt::{doctor, output, render};
use clap::Parser;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => run_init(args),
        Command::Doctor(args) => run_doctor(args),
        Command::Scan(args) => run_scan(args),
        Command::Detectors => run_detectors(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    let report = archprompt::scan(&args.path)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", output::scan_table(&report));
    }
    eprint!("{}", output::warnings(&report));
    Ok(ExitCode::SUCCESS)
}

fn run_init(args: InitArgs) -> Result<ExitCode> {
    let report = archprompt::scan(&args.path)?;
    let template = match &args.template {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("cannot read template {}", path.display()))?
        }
        None => render::DEFAULT_TEMPLATE.to_string(),
    };
    let content = render::render(&template, &report)?;
    eprint!("{}", output::warnings(&report));
    if args.stdout {
        print!("{content}");
        eprint!("{}", output::unfilled(&report));
        return Ok(ExitCode::SUCCESS);
    }
    let (target, repo_bound): (PathBuf, Option<&Path>) = match &args.output {
        Some(file) => (file.clone(), None),
        None => (args.path.join(init::DEFAULT_AGENT_FILE), Some(args.path.as_path())),
    };
    let shown = target.display();
    if args.dry_run {
        match init::plan(&target, &content)? {
            Plan::Create => println!("would create {shown}:\n\n{content}"),
            Plan::Update { diff } => println!("would update {shown}:\n\n{diff}"),
            Plan::UpToDate => println!("{shown} is up to date; nothing would change"),
        }
        eprint!("{}", output::unfilled(&report));
        return Ok(ExitCode::SUCCESS);
    }
    let code = match init::write(&target, &content, args.force, repo_bound)? {
        Outcome::Created => {
            println!("created {shown}");
            ExitCode::SUCCESS
        }
        Outcome::Updated => {
            println!("updated {shown}");
            ExitCode::SUCCESS
        }
        Outcome::UpToDate => {
            println!("{shown} is up to date");
            ExitCode::SUCCESS
        }
        Outcome::Refused => {
            let path = args.path.display();
            eprintln!("error: {shown} exists and differs from what archprompt would write; left unchanged");
            eprintln!("  see the difference: archprompt init {path} --dry-run");
            eprintln!("  overwrite it:       archprompt init {path} --force");
            ExitCode::from(1)
        }
    };
    eprint!("{}", output::unfilled(&report));
    Ok(code)
}

fn run_doctor(args: DoctorArgs) -> Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        if path.is_dir() {
            let found = doctor::default_files(path);
            if found.is_empty() {
                eprintln!(
                    "note: no agent files in {} (looked for {} and *.md under .github/agents/, .claude/agents/); run `archprompt init`",
                    path.display(),
                    init::DEFAULT_AGENT_FILE
                );
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    let mut findings = doctor::check(&files, archprompt::scan);
    findings.errors.splice(0..0, errors);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&findings)?);
    } else {
        print!("{}", output::doctor_text(&findings));
    }
    for error in &findings.errors {
        eprintln!("error: {error}");
    }
    Ok(if !findings.errors.is_empty() {
        ExitCode::from(2)
    } else if !findings.placeholders.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_detectors() -> Result<ExitCode> {
    let registry = archprompt::detect::Registry::builtin()?;
    for d in &registry.detectors {
        let eco = d.ecosystem.map(|e| e.as_str()).unwrap_or("any");
        println!(
            "{:<16} {:<12} {:<8} {}",
            d.id,
            format!("{:?}", d.kind).to_lowercase(),
            eco,
            d.name
        );
    }
    Ok(ExitCode::SUCCESS)
}
