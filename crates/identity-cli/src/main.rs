//! `identity-crisis`: train the paper's networks on one digit and measure what they learned.
//!
//! One file a command; `main` only parses and dispatches. Usage errors exit with status 2 and
//! one line; failures while running exit with status 1 and one line.

mod bench;
mod common;
mod figure;
mod heatmap;
mod predict;
mod progress;
mod rejudge;
mod report;
mod saved;
mod site;
mod train;

use clap::{CommandFactory, Parser, Subcommand};

/// mimalloc keeps freed memory for the next tensor of the same size; glibc's allocator gave
/// large blocks back to the system after every operation and took a page fault for each page
/// on the next (ReLU FCN 3 x 784: 17.3 against 7.2 ms a step, `identity-crisis bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Train the networks of "Identity Crisis" (Zhang et al., ICLR 2020) on one image and measure
/// whether they learned the identity or the constant map.
#[derive(Parser)]
#[command(name = "identity-crisis", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train one network on the training digit and report the loss curve.
    Train(train::Args),
    /// Train one network (or load one: --model), then show its answers to the paper's test row.
    Predict(predict::Args),
    /// Correlation to the identity and to the constant map versus rho, one row per depth.
    Heatmap(heatmap::Args),
    /// Milliseconds per training step and peak memory for the benchmark networks.
    Bench(bench::Args),
    /// A figure of the paper as numbers (JSON, CSV) and a PNG; `figure all` makes every one.
    Figure(figure::Args),
    /// Figures from networks trained elsewhere: the saved networks of every `figure --shard`.
    Merge(figure::merge::Args),
    /// `paper-report.md` from the figures in a folder: every claim, measured, and its verdict.
    Report(report::Args),
    /// The page's figures from a finished run of every figure: their files, the networks they
    /// name and the registry (`index.json`).
    Site(site::Args),
    /// The claims of the figures in a folder judged again by this version, from their numbers.
    Rejudge(rejudge::Args),
}

/// A clap error as one line: the lines before its usage block without clap's hints, joined
/// (clap puts the missing flag's name on a line of its own); a missing command names the
/// commands.
fn one_line(err: &clap::Error) -> String {
    if err.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let commands: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        return format!("a command is needed: {}", commands.join(", "));
    }
    let text = err.to_string();
    let lines: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| {
            !(l.is_empty() || l.starts_with("For more information") || l.starts_with("tip:"))
        })
        .collect();
    let joined = lines.join(" ");
    let message = joined.trim_start_matches("error: ");
    if message.is_empty() {
        "bad arguments".into()
    } else {
        message.into()
    }
}

/// The longest error line printed: values echoed from the command line are cut to fit.
const MAX_ERROR_CHARS: usize = 300;

/// `message` as one printable line: control characters (a newline in a flag's value) escaped,
/// and cut to [`MAX_ERROR_CHARS`] characters.
fn printable(message: &str) -> String {
    let escaped: String = message
        .chars()
        .flat_map(|c| {
            let escape: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escape
        })
        .collect();
    match escaped.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}...", &escaped[..cut]),
        None => escaped,
    }
}

fn main() -> std::process::ExitCode {
    identity_core::train::train_on_this_thread();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them.
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            eprintln!("error: {} (see --help)", printable(&one_line(&err)));
            return std::process::ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Train(args) => train::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Heatmap(args) => heatmap::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Figure(args) => figure::run(args),
        Command::Merge(args) => figure::merge::run(args),
        Command::Report(args) => report::run(args),
        Command::Site(args) => site::run(args),
        Command::Rejudge(args) => rejudge::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", printable(&err.to_string()));
            std::process::ExitCode::from(err.exit_code())
        }
    }
}
