//! `cargo xtask paper`: every figure of the paper at a scale, then `paper-report.md` with
//! each claim, its numbers and its verdict. Not part of `cargo xtask test`: the quick scale
//! trains for at most 79 minutes on 2 CPU cores (three seeds, the default; `--estimate`,
//! 2026-11-30), the paper scale for about two days (see the estimate it prints first). Interrupted runs resume: finished figures are
//! kept, and so is every network trained (in `<out>/networks`, by id), so a figure cut short
//! trains only what it had not finished.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::sh;

/// Which networks a run of the CLI's figures trains, and where (`paper` and `models`).
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Network sizes: `quick` (32-channel ConvNets) or `paper` (the paper's 128 channels).
    #[arg(long, default_value = "quick", value_parser = ["quick", "paper"])]
    pub scale: String,
    /// Compute backend: `flex` (CPU) or `wgpu` (Vulkan or Metal).
    #[arg(long, default_value = "flex", value_parser = ["flex", "wgpu"])]
    pub backend: String,
}

/// Options of `paper`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    run: RunArgs,
    /// Where the figures and the report go (default `paper/<scale>`).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Redo figures already made.
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    // The commands run in the workspace root: a relative folder is taken from here first.
    let out = match args.out {
        Some(out) => std::path::absolute(&out)
            .with_context(|| format!("cannot resolve {}", out.display()))?,
        None => sh::root().join("paper").join(&args.run.scale),
    };
    let out_arg = out.to_string_lossy().into_owned();
    let networks_arg = out.join("networks").to_string_lossy().into_owned();
    let cli = |what: &[&str]| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["run", "--quiet", "--bin", "identity-crisis", "--"])
            .args(what);
        cmd
    };
    let mut figures = cli(&[
        "figure",
        "all",
        "--scale",
        &args.run.scale,
        "--backend",
        &args.run.backend,
        "--out",
        &out_arg,
        "--save-models",
        &networks_arg,
    ]);
    if args.force {
        figures.arg("--force");
    }
    sh::run(
        &format!("every figure at {} scale", args.run.scale),
        &mut figures,
    )?;
    sh::run("the claim report", &mut cli(&["report", "--dir", &out_arg]))?;
    eprintln!("xtask: open {}", out.join("paper-report.md").display());
    Ok(())
}
