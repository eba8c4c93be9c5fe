//! Command-line interface definition (clap derive). Doc comments are the help text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Fill coding-agent profiles with your repository's real stack, directories and commands.
///
/// archprompt scans a repository with zero configuration (package.json, deno.json, pyproject.toml,
/// requirements*.txt, Cargo.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, mix.exs,
/// gleam.toml, *.csproj, lockfiles, ORM configs, compose files, .env templates, the README's run
/// instructions), works out the backend framework, database, directories and commands, and fills
/// an agent template for GitHub Copilot, Claude Code, AGENTS.md or Cursor. An optional
/// archprompt.toml pins values and ignores paths.
#[derive(Debug, Parser)]
#[command(name = "archprompt", version, about, long_about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour the output: auto (when writing to a terminal and NO_COLOR is unset),
    /// always or never
    #[arg(
        long,
        global = true,
        value_name = "WHEN",
        default_value = "auto",
        help_heading = "Global options"
    )]
    pub color: ColorChoice,
    /// Print only results and errors: no warnings, hints or summaries
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Global options"
    )]
    pub quiet: bool,
    /// Also print the evidence behind each value and what each step decided
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How much the binary says beyond its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

impl Cli {
    pub fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

const EXIT_CODES: &str = "Exit codes:\n  0  success (doctor: nothing to report)\n  1  doctor found placeholders, drift or broken encoding; init refused to overwrite a changed\n     file; scan of several repositories or report: some could not be scanned; scan, report\n     or doctor: a --fail-on condition occurred\n  2  error: bad arguments, unreadable path, invalid template\n\nColour is off when NO_COLOR is set, unless --color always.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Detect the stack and write the filled agent file for each agent the repository uses
    #[command(
        after_help = "Agent files (NAME: the template's front-matter name, else its file name; backend-architect by\ndefault):\n  copilot    .github/agents/NAME.agent.md\n  claude     .claude/agents/NAME.md\n  agents-md  a section between archprompt markers in AGENTS.md (the rest is left alone)\n  cursor     .cursor/rules/NAME.mdc\n\nExamples:\n  archprompt init                 write the agent file(s) for the current repository\n  archprompt init --target claude,agents-md   for Claude Code and AGENTS.md\n  archprompt init --template project-facts    a shorter, facts-only profile\n  archprompt init ../api --dry-run  show what would be written (a diff if the file exists)\n  archprompt init --stdout        print the filled template instead of writing it\n  archprompt init --discover ~/src --dry-run   what every repository under ~/src would get\n\nWith several repositories: 0 all written or up to date, 1 some left placeholders, were\nrefused (changed, no --force) or failed, 2 bad usage."
    )]
    Init(InitArgs),
    /// Check agent files: placeholders left, values that drifted from the repository, missing
    /// directories and tasks, broken encoding; --fix repairs them in place
    #[command(
        after_help = "With no arguments, checks the current directory's agent files: *.md under .github/agents/\nand .claude/agents/, *.mdc under .cursor/rules/, and archprompt's section in AGENTS.md.\n\nExamples:\n  archprompt doctor                      the current repository's agent files\n  archprompt doctor --fix                repair what can be repaired, keeping your edits\n  archprompt doctor --json .github/agents/backend-architect.agent.md\n  archprompt doctor --json --discover ~/src   one line per repository: ok, placeholders, drift, missing or failed\n\nExit codes: 0 nothing to report, 1 placeholders, drift or broken encoding remain (with a\nrepository list: or a repository has no agent file or failed), 2 error."
    )]
    Doctor(DoctorArgs),
    /// Print every field with its value, state and evidence (one or many repositories)
    #[command(
        after_help = "`--json` prints the JSON contract described in docs/json-contract.md.\n\nExamples:\n  archprompt scan                       the current repository, as a table\n  archprompt scan --json ../api         the JSON report\n  archprompt scan --json repos/*        JSON Lines, one report per repository, in parallel\n  ls -d repos/* | archprompt scan --json --from -\n  archprompt scan --json --discover ~/src --shard 2/8   the second of 8 slices of every repository under ~/src"
    )]
    Scan(ScanArgs),
    /// One table of many repositories: a row each, a column per field with its state and value,
    /// and counts by framework, database, ecosystem and state (CSV, Markdown, JSON or HTML)
    #[command(
        after_help = "Takes the same repositories as a bulk scan (PATH…, --from, --discover, --shard) and prints one\ntable. The format follows the output file's extension (-o report.csv), else --format.\n\nExamples:\n  archprompt report --discover ~/src                     a Markdown table of every repository under ~/src\n  archprompt report --discover ~/src -o fleet.csv        the same rows for a spreadsheet\n  archprompt report --discover ~/src -o fleet.html       one page to sort and filter in a browser\n  archprompt report --format json repos/* > fleet.json   rows and counts as JSON (docs/json-contract.md)\n  archprompt report --discover ~/src --fail-on unknown   exit 1 when any field is unknown\n\nExit codes: 0 the report was written, every repository scanned and no --fail-on condition\noccurred; 1 a repository could not be scanned or a --fail-on condition occurred; 2 error."
    )]
    Report(ReportArgs),
    /// List the templates `--template NAME` can use (bundled and the repository's own
    /// .archprompt/templates/*.md) with the variables each uses
    #[command(
        after_help = "Examples:\n  archprompt templates              bundled templates and the current repository's own\n  archprompt templates --json ../api"
    )]
    Templates(TemplatesArgs),
    /// List the built-in detectors (one TOML file each under detectors/)
    Detectors,
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(
        after_help = "Examples:\n  archprompt completions bash > ~/.local/share/bash-completion/completions/archprompt\n  archprompt completions zsh > ~/.zfunc/_archprompt\n  archprompt completions fish > ~/.config/fish/completions/archprompt.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to standard output: archprompt(1), or a command's
    /// archprompt-COMMAND(1)
    #[command(
        after_help = "Examples:\n  archprompt man > ~/.local/share/man/man1/archprompt.1\n  archprompt man init > ~/.local/share/man/man1/archprompt-init.1\n  for c in init doctor scan report templates detectors completions; do archprompt man $c > archprompt-$c.1; done"
    )]
    Man {
        /// The command whose page to print [default: the top-level page]
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Repository whose .archprompt/templates/ to include [default: the current directory]
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Print the list as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Repositories to set up [default: the current directory]; several are scanned in parallel
    /// and each gets its own agent file
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub list: RepoList,
    /// With several repositories: print one JSON object per repository (JSON Lines)
    #[arg(long)]
    pub json: bool,
    /// Write to FILE instead of the target's agent file (the template as it is, unless --target
    /// is given)
    #[arg(short, long, value_name = "FILE", conflicts_with = "stdout")]
    pub output: Option<PathBuf>,
    /// Print the filled template to standard output (in --target's format when given); write
    /// nothing
    #[arg(long)]
    pub stdout: bool,
    /// Show what would be written (a diff when the file exists); write nothing
    #[arg(short = 'n', long, conflicts_with = "stdout")]
    pub dry_run: bool,
    /// Overwrite an existing agent file that differs
    #[arg(short, long)]
    pub force: bool,
    /// The template to render: a name (the repository's .archprompt/templates/NAME.md, else a
    /// bundled one; `archprompt templates` lists them), a file, or a folder of templates (each
    /// *.md and *.hbs in it, one agent file each); repeatable [default: backend-architect]
    #[arg(short, long, visible_alias = "templates", value_name = "NAME|FILE|DIR")]
    pub template: Vec<String>,
    /// Write every template, also those whose front matter's `applies_when` does not hold for
    /// the repository
    #[arg(long)]
    pub all: bool,
    /// The agents to write for, comma-separated or repeated [default: the ones the repository
    /// already uses (.github/agents/, .claude/ or CLAUDE.md, AGENTS.md, .cursor/), else copilot]
    #[arg(long = "target", value_name = "AGENT", value_enum, value_delimiter = ',')]
    pub targets: Vec<archprompt::profile::targets::Target>,
    /// Describe this project (its directory or package name) instead of the detected backend
    #[arg(short, long, value_name = "NAME|DIR")]
    pub project: Option<String>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repositories or agent files to check [default: current directory]
    #[arg(value_name = "PATH|FILE")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub list: RepoList,
    /// Print the findings as JSON; with a repository list, one object per repository (JSON Lines)
    #[arg(long)]
    pub json: bool,
    /// Repair what can be repaired in place: broken encoding, placeholders a fresh scan can fill
    /// and stale values; everything else in the file is left as it is
    #[arg(long)]
    pub fix: bool,
    /// Exit 1 only when this occurs in a repository (repeatable or comma-separated), instead of
    /// on any finding: a field unknown or absent in its scan, an agent file drifted, a
    /// repository that could not be checked
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CONDITION")]
    pub fail_on: Vec<FailOn>,
    /// Keep the edits in the agent files given for good: each becomes the repository's template
    /// (.archprompt/templates/NAME.md), so `init` renders the edited text from then on, for every
    /// agent, instead of refusing to overwrite it; archprompt's values keep following the
    /// repository, values typed by hand stay
    #[arg(long, conflicts_with_all = ["fix", "json", "fail_on"])]
    pub accept: bool,
}

/// Where the repositories of a bulk run come from, and how many run at once.
#[derive(Debug, Args)]
pub struct RepoList {
    /// Read more repository paths from FILE, one per line (`-` for standard input)
    #[arg(long = "from", visible_alias = "from-file", value_name = "FILE")]
    pub from_file: Option<PathBuf>,
    /// Also take every git repository below DIR (not looking into a found repository, nor into
    /// node_modules, target or vendor)
    #[arg(long, value_name = "DIR")]
    pub discover: Vec<PathBuf>,
    /// Take only the K-th of N deterministic slices of the repository list (for CI matrix jobs or
    /// several machines): together the N shards cover every repository exactly once
    #[arg(long, value_name = "K/N", value_parser = archprompt_shard)]
    pub shard: Option<(usize, usize)>,
    /// Worker threads for many repositories [default: number of CPUs]
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
}

impl RepoList {
    /// A list, a discovery or a shard makes a bulk run, however many repositories it gives.
    pub fn is_bulk(&self) -> bool {
        self.from_file.is_some() || !self.discover.is_empty() || self.shard.is_some()
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Repositories to scan [default: the current directory]; several are scanned in parallel
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the report as JSON (the contract in docs/json-contract.md); one line per
    /// repository when several are given (JSON Lines)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub list: RepoList,
    /// Describe this project (its directory or package name) instead of the detected backend;
    /// with one repository only
    #[arg(short, long, value_name = "NAME|DIR")]
    pub project: Option<String>,
    /// Exit 1 when this occurs in any repository (repeatable or comma-separated): a field
    /// unknown, a field absent, an agent file drifted, a repository that could not be scanned
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CONDITION")]
    pub fail_on: Vec<FailOn>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Repositories to report on [default: the current directory]; scanned in parallel
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub list: RepoList,
    /// The table's format [default: from -o's extension, else markdown]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<ReportFormat>,
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when this occurs in any repository (repeatable or comma-separated): a field
    /// unknown, a field absent, an agent file drifted, a repository that could not be scanned
    #[arg(long, value_enum, value_delimiter = ',', value_name = "CONDITION")]
    pub fail_on: Vec<FailOn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Csv,
    Json,
    Html,
}

/// A condition that makes a scan, report or doctor run exit 1, for CI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A field archprompt could not decide
    Unknown,
    /// A field the repository shows it has none of
    Absent,
    /// An agent file behind the repository: a value, directory or task a fresh scan no longer
    /// finds, broken encoding, or a placeholder a fresh scan can fill
    Drift,
    /// A repository that could not be scanned or checked
    Failed,
}

fn archprompt_shard(text: &str) -> Result<(usize, usize), String> {
    archprompt::bulk::parse_shard(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }
}
