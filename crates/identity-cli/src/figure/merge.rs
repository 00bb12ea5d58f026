//! `identity-crisis merge FIGURES --models DIR --out DIR`: the figures of a run whose
//! networks were trained elsewhere (`figure ... --shard m/n --save-models DIR` on several
//! machines, their folders copied into one). Every network the figures need must be in the
//! folder: any missing one is named (with its shard when `--shards N` is given) before
//! anything is measured. The figures are then measured exactly as an unsharded run measures
//! them, from the saved networks, with no training.

use std::path::PathBuf;

use super::shard::{MAX_SHARDS, networks_of_run};
use super::{Context, RunArgs, Shard, Store, check_writable, checked, make};
use crate::common::{CliError, CliResult};

/// The most missing networks named one by one.
const MISSING_SHOWN: usize = 20;

/// Options of `merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    run: RunArgs,
    /// Where the JSON, CSV and PNG files go.
    #[arg(long)]
    out: PathBuf,
    /// The folder of saved networks (every shard's --save-models, copied into one).
    #[arg(long, value_name = "DIR")]
    models: PathBuf,
    /// The number of shards the run was split into, to name the shard of a missing network.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_SHARDS as u64))]
    shards: Option<u64>,
}

pub fn run(args: Args) -> CliResult {
    let store = Store::open(&args.models, args.run.backend, true)?;
    let (seeds, widest) = checked(&args.run)?;
    let ctx = Context::of_run(&args.run, (&seeds, widest), Some(store.clone()))?;
    let run = networks_of_run(&ctx, &args.run, &seeds)?;
    // Every argument is checked before any work: a bad --out is refused before a network is
    // read.
    check_writable(&args.out, "--out")?;
    let missing: Vec<String> = run
        .iter()
        .filter(|(_, (planned, seed))| !ctx.is_saved(planned, *seed))
        .map(|(id, (planned, seed))| {
            let shard = args
                .shards
                .map(|n| format!(", shard {}/{n}", Shard::of(id, n as usize)))
                .unwrap_or_default();
            format!("{} seed {seed} ({id}{shard})", planned.key())
        })
        .collect();
    if !missing.is_empty() {
        eprintln!("merge: missing networks (name, seed, id):");
        for line in missing.iter().take(MISSING_SHOWN) {
            eprintln!("  {line}");
        }
        if missing.len() > MISSING_SHOWN {
            eprintln!("  and {} more", missing.len() - MISSING_SHOWN);
        }
        return Err(CliError::Run(format!(
            "{} of the run's {} networks are not in {} (listed above): run the shards that \
             train them (`figure ... --shard M/N --save-models DIR`) and copy their files in",
            missing.len(),
            run.len(),
            args.models.display(),
        )));
    }
    eprintln!(
        "merge: all {} networks of the run are in {}",
        run.len(),
        args.models.display()
    );
    drop(ctx);
    make(&args.run, &args.out, Some(store), false)
}
