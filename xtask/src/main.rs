//! `cargo xtask`: the project's tasks. One file a subcommand; `main` only dispatches.

mod data;
mod sh;
mod test;

use clap::{Parser, Subcommand};

/// Tasks of the identity-crisis project.
#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate the bundled MNIST / Fashion-MNIST subsets and check the sources' checksums.
    Data,
    /// Run every check: fmt, clippy, native tests, wgpu-on-lavapipe tests, the wasm build.
    Test(test::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::Data => data::run(),
        Task::Test(args) => test::run(args),
    }
}
