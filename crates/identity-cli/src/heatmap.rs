//! `identity-crisis heatmap`: Fig. 5 and 7 as numbers, one row per depth.

use identity_core::data::default_training_image;
use identity_core::heatmap::heatmap;
use identity_core::rho::Probes;
use serde_json::json;

use clap::ValueEnum;

use crate::common::{
    ArchArgs, CliError, CliResult, Common, TrainArgs, parse_list, print_json, shown,
};
use crate::progress::train_with_bar;

/// Options of `heatmap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    #[command(flatten)]
    arch: ArchArgs,
    /// Depths, comma-separated: conv layers (ConvNets) or hidden layers (FCNs; 0 is the
    /// 1-layer linear net).
    #[arg(long, default_value = "1,3,5")]
    depths: String,
    /// Correlations of the test inputs to the training image, comma-separated, in [0, 1].
    #[arg(long, default_value = "0,0.25,0.5,0.75,1")]
    rhos: String,
    /// Random test inputs per rho.
    #[arg(long, default_value_t = 10)]
    probes: usize,
    /// The sense of rho: `pearson` (centred, with the digit's mean and spread) or `cosine`
    /// (uncentred, with the digit's norm: rho = 0 is x̂ᵀx = 0, as in eq. (2)).
    #[arg(long, value_enum, default_value_t = RhoSense::Pearson)]
    rho_sense: RhoSense,
    #[command(flatten)]
    train: TrainArgs,
}

/// The flag's names for the core's [`Probes`].
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RhoSense {
    Pearson,
    Cosine,
}

pub fn run(args: Args) -> CliResult {
    let sense = match args.rho_sense {
        RhoSense::Pearson => Probes::Pearson,
        RhoSense::Cosine => Probes::Cosine,
    };
    let depths: Vec<usize> = parse_list("--depths", &args.depths)?;
    let rhos: Vec<f32> = parse_list("--rhos", &args.rhos)?;
    if let Some(bad) = rhos.iter().find(|r| !(0.0..=1.0).contains(*r)) {
        return Err(CliError::Usage(format!(
            "--rhos: every rho must be in [0, 1], got {bad}"
        )));
    }
    if !(1..=1000).contains(&args.probes) {
        return Err(CliError::Usage(format!(
            "--probes must be in 1..=1000, got {}",
            args.probes
        )));
    }
    let archs = depths
        .iter()
        .map(|&d| args.arch.at_depth(d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut configs = Vec::new();
    for arch in &archs {
        arch.validate(28).map_err(identity_core::Error::from)?;
        configs.push(args.train.config(arch, args.common.seed)?);
    }
    let device = args.common.device()?;
    let training = default_training_image()?;
    let mut rows = Vec::new();
    for ((depth, arch), config) in depths.iter().zip(&archs).zip(configs) {
        let trained = train_with_bar(arch, &training, config, &device)?;
        let row = pollster::block_on(heatmap(
            &trained.network,
            &training,
            &rhos,
            args.probes,
            sense,
            args.common.seed,
            &device,
        ))?;
        let list = |values: &[Option<f32>]| {
            values
                .iter()
                .map(|&v| shown(v, 2))
                .collect::<Vec<_>>()
                .join(", ")
        };
        eprintln!(
            "{}: loss {:.2e}; identity [{}]; constant [{}]",
            arch.name(),
            trained.progress.loss,
            list(&row.identity),
            list(&row.constant)
        );
        rows.push(json!({
            "depth": depth,
            "identity": row.identity,
            "constant": row.constant,
            "mse_identity": row.mse_identity,
            "mse_constant": row.mse_constant,
            "final_loss": trained.progress.loss,
            "steps": trained.progress.step,
        }));
    }
    if args.common.json {
        let family = args
            .arch
            .arch
            .to_possible_value()
            .map(|v| v.get_name().to_string());
        print_json(&json!({ "arch": family, "rhos": rhos, "probes": sense, "rows": rows }));
    }
    Ok(())
}
