//! `cargo xtask`: the project's tasks. One file a subcommand; `main` only dispatches.

mod bench;
mod build;
mod data;
mod models;
mod paper;
mod serve;
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
    /// Build the deployable site into `www/` (the wasm bindings and their JavaScript glue).
    Build(build::Args),
    /// Build the site, then serve `www/` on 127.0.0.1 (default port 8000).
    Serve(serve::Args),
    /// Regenerate the bundled MNIST / Fashion-MNIST subsets and check the sources' checksums.
    Data,
    /// Make every figure of the paper and `paper-report.md`, the claims with their verdicts
    /// (not part of `test`: about 35 minutes a seed at quick scale, hours at paper scale).
    Paper(paper::Args),
    /// Train the networks behind the page's views of the paper's figures and write the
    /// shipped set (the figures' data and the networks' files) into `www/paper` (about half
    /// an hour on 2 CPU cores at quick scale; a rerun trains nothing again).
    Models(models::Args),
    /// Milliseconds per training step on the CPU, ours beside PyTorch's on 1 and 2 threads,
    /// with the ratios; then the browser benchmark (not part of `test`: it installs PyTorch).
    Bench(bench::Args),
    /// Run every check: fmt, clippy, native tests, wgpu-on-lavapipe tests, the wasm build,
    /// the browser tests.
    Test(test::Args),
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().task {
        Task::Build(args) => build::run(args).map(|_| ()),
        Task::Serve(args) => serve::run(args),
        Task::Data => data::run(),
        Task::Paper(args) => paper::run(args),
        Task::Models(args) => models::run(args),
        Task::Bench(args) => bench::run(args),
        Task::Test(args) => test::run(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        // clap checks its own invariants (unique ids, groups) only when asked.
        super::Cli::command().debug_assert();
    }
}
