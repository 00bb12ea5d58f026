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
mod report;
mod train;

use clap::{Parser, Subcommand};

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
    /// Train one network, then show its answers to the paper's test row.
    Predict(predict::Args),
    /// Correlation to the identity and to the constant map versus rho, one row per depth.
    Heatmap(heatmap::Args),
    /// Milliseconds per training step and peak memory for the benchmark networks.
    Bench(bench::Args),
    /// A figure of the paper as numbers (JSON, CSV) and a PNG; `figure all` makes every one.
    Figure(figure::Args),
    /// `paper-report.md` from the figures in a folder: every claim, measured, and its verdict.
    Report(report::Args),
}

fn main() -> std::process::ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout as clap writes them.
        Err(err) if !err.use_stderr() => err.exit(),
        Err(err) => {
            let text = err.to_string();
            let first = text
                .lines()
                .next()
                .unwrap_or("bad arguments")
                .trim_start_matches("error: ");
            eprintln!("error: {first} (see --help)");
            return std::process::ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Train(args) => train::run(args),
        Command::Predict(args) => predict::run(args),
        Command::Heatmap(args) => heatmap::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Figure(args) => figure::run(args),
        Command::Report(args) => report::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::from(err.exit_code())
        }
    }
}
