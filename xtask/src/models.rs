//! `cargo xtask models`: the site's figures, what the page's views of the paper's figures show
//! before any training. It trains the networks of the figures whose networks ship (the
//! registry's `ships_networks`, `identity-crisis figure shipping`) on seed 0, saved in 16 bits,
//! then has the CLI make the site (`identity-crisis site`): every figure's data from a
//! finished run of every figure (`cargo xtask paper`; the committed report by default), the
//! networks those data name, and the registry, `index.json`.
//!
//! The work folder (`paper/models-<scale>/`, not in git) keeps every network, so a second run
//! trains nothing again; with `--no-train` the networks are those the site ships already.

use std::path::PathBuf;
use std::process::Command;

use anyhow::Context;

use crate::sh;

/// Options of `models`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// At quick scale the site's figures go into `www/paper` (in git); at paper scale they
    /// are published with the site, not kept in git.
    #[command(flatten)]
    run: crate::paper::RunArgs,
    /// Where the site's figures go (default `www/paper` at quick scale, `paper/site-paper` at
    /// paper scale).
    #[arg(long)]
    out: Option<PathBuf>,
    /// The finished run of every figure the data comes from (default
    /// `docs/paper-report/<scale>`, the committed copy of `cargo xtask paper`'s).
    #[arg(long)]
    from: Option<PathBuf>,
    /// Train nothing: the networks are those already in the site's `models/` (and the work
    /// folder's, if any).
    #[arg(long)]
    no_train: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let root = sh::root();
    let resolve = |path: PathBuf| {
        std::path::absolute(&path).with_context(|| format!("cannot resolve {}", path.display()))
    };
    let out = match args.out {
        Some(out) => resolve(out)?,
        None if args.run.scale == "quick" => root.join("www/paper"),
        None => root.join("paper").join(format!("site-{}", args.run.scale)),
    };
    let from = match args.from {
        Some(from) => resolve(from)?,
        None => root.join("docs/paper-report").join(&args.run.scale),
    };
    let work = root
        .join("paper")
        .join(format!("models-{}", args.run.scale));
    let networks = work.join("networks");
    let cli = || {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["run", "--quiet", "--bin", "identity-crisis", "--"]);
        cmd
    };
    if !args.no_train {
        let mut train = cli();
        train
            .args(["figure", "shipping", "--seeds", "0", "--force", "--half"])
            .args(["--scale", &args.run.scale, "--backend", &args.run.backend])
            .arg("--save-models")
            .arg(&networks)
            .arg("--out")
            .arg(work.join("figures"));
        sh::run(
            &format!("the shipped figures' networks at {} scale", args.run.scale),
            &mut train,
        )?;
    }
    let mut site = cli();
    site.arg("site")
        .arg("--from")
        .arg(&from)
        .arg("--networks")
        .arg(&networks)
        .arg("--networks")
        .arg(out.join("models"))
        .arg("--out")
        .arg(&out)
        .arg("--rules")
        .arg(root.join("www").join("js").join("rules.js"));
    sh::run("the site's figures", &mut site)?;
    eprintln!(
        "xtask: the site's figures in {}; {:.0} s",
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
