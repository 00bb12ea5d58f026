//! `identity-crisis train`: fit one network to the training digit.

use identity_core::data::default_training_image;
use serde_json::json;

use crate::common::{ArchArgs, CliResult, Common, TrainArgs, print_json};
use crate::progress::train_with_bar;

/// Options of `train`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    arch: ArchArgs,
    /// Conv layers (ConvNets) or hidden layers (FCNs; 0 is the 1-layer linear net).
    #[arg(long, default_value_t = 3)]
    depth: usize,
    #[command(flatten)]
    train: TrainArgs,
}

pub fn run(args: Args) -> CliResult {
    let arch = args.arch.at_depth(args.depth)?;
    let config = args.train.config(&arch, args.common.seed)?;
    arch.validate(28).map_err(identity_core::Error::from)?;
    let device = args.common.device()?;
    let image = default_training_image()?;
    let trained = train_with_bar(&arch, &image, config.clone(), &device)?;
    let p = trained.progress;
    eprintln!(
        "{}: loss {:.3e} after {} steps ({:?}) in {:.1} s, {:.1} ms/step",
        arch.name(),
        p.loss,
        p.step,
        p.stop.expect("training ended"),
        p.elapsed_ms / 1e3,
        p.elapsed_ms / p.step.max(1) as f64
    );
    if args.common.json {
        print_json(&json!({ "arch": arch, "train": config, "progress": p }));
    }
    Ok(())
}
