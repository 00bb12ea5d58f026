//! `identity-crisis predict`: train one network (or load a saved one), then measure its
//! answers to the test row.

use std::path::PathBuf;

use identity_core::data::{MNIST_SIDE, default_training_image};
use identity_core::gallery::{check_counts, test_row};
use identity_core::measure::answers;
use serde_json::json;

use crate::common::{ArchArgs, CliError, CliResult, Common, TrainArgs, print_json, shown};
use crate::progress::train_with_bar;
use crate::saved;

/// Options of `predict`.
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
    /// MNIST test digits in the test row.
    #[arg(long, default_value_t = 4)]
    digits: usize,
    /// Fashion-MNIST images in the test row.
    #[arg(long, default_value_t = 3)]
    fashion: usize,
    /// Answer with the network saved in this file (`train --save`) instead of training one;
    /// its architecture and training come from the file.
    #[arg(long, value_name = "FILE", conflicts_with_all = [
        "arch", "hidden", "channels", "kernel", "train_bottom_only", "depth",
        "steps", "lr", "optimizer", "init", "tolerance",
    ])]
    model: Option<PathBuf>,
}

pub fn run(args: Args) -> CliResult {
    check_counts(args.digits, args.fashion)?;
    let device = args.common.device()?;
    let (arch, training, trained) = match &args.model {
        Some(path) => {
            let saved = saved::read(path, &device)?;
            let side = saved.manifest.side;
            if side != MNIST_SIDE {
                return Err(CliError::Usage(format!(
                    "{}: trained at {side} px; predict answers the {MNIST_SIDE} x {MNIST_SIDE} test row",
                    path.display()
                )));
            }
            let training = saved.manifest.training_image()?;
            (saved.manifest.arch, training, saved.trained)
        }
        None => {
            let arch = args.arch.at_depth(args.depth)?;
            let config = args.train.config(&arch, args.common.seed)?;
            arch.validate(MNIST_SIDE)
                .map_err(identity_core::Error::from)?;
            let training = default_training_image()?;
            let trained = train_with_bar(&arch, &training, config, &device)?;
            (arch, training, trained)
        }
    };
    let row = test_row(&training, args.digits, args.fashion, args.common.seed)?;
    let images: Vec<_> = row.iter().map(|t| t.image.clone()).collect();
    let measured = pollster::block_on(answers(&trained.network, &images, &training, &device))?;
    eprintln!("{}: final loss {:.3e}", arch.name(), trained.progress.loss);
    eprintln!("{:<14} {:>9} {:>9}", "input", "identity", "constant");
    for (input, answer) in row.iter().zip(&measured) {
        eprintln!(
            "{:<14} {:>9} {:>9}",
            input.name,
            shown(answer.identity, 3),
            shown(answer.constant, 3)
        );
    }
    if args.common.json {
        let rows: Vec<_> = row
            .iter()
            .zip(&measured)
            .map(|(input, a)| json!({ "input": input.name, "identity": a.identity, "constant": a.constant, "mse_identity": a.mse_identity, "mse_constant": a.mse_constant }))
            .collect();
        print_json(&json!({ "arch": arch, "final_loss": trained.progress.loss, "answers": rows }));
    }
    Ok(())
}
