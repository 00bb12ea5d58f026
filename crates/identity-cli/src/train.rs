//! `identity-crisis train`: fit one network to the training digit.

use std::path::PathBuf;

use burn::prelude::Device;
use identity_core::Network;
use identity_core::data::{Image, default_training_image};
use identity_core::heatmap::heatmap;
use identity_core::rho::Probes;
use identity_core::saved::Precision;
use identity_figures::layers::{DEAD_UNIT_INPUTS, INPUT_DIGIT, LayerProbe};
use serde_json::json;

use crate::common::{
    ArchArgs, CliError, CliResult, Common, TrainArgs, flag_value, print_json, shown,
};
use crate::progress::train_with_bar;
use crate::saved;

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
    /// After training, print per layer its fraction of dead units and its top singular
    /// vector's correlation to an MNIST test digit and to the training digit (Fig. 8's
    /// probe), and the answers at rho = 0: how the network memorizes, if it does.
    #[arg(long)]
    layers: bool,
    /// Write the trained network to this file (burnpack weights and a manifest of how it was
    /// trained), to answer with later: `predict --model FILE`.
    #[arg(long, value_name = "FILE")]
    save: Option<PathBuf>,
    /// With --save: store the weights as 16-bit floats (half the bytes; the answers move by
    /// less than 0.01 correlation).
    #[arg(long, requires = "save")]
    half: bool,
}

/// Random inputs at rho = 0 averaged by `--layers`.
const LAYERS_RHO_ZERO_PROBES: usize = 10;

pub fn run(args: Args) -> CliResult {
    let arch = args.arch.at_depth(args.depth)?;
    if args.layers && arch.is_fcn() {
        return Err(CliError::Usage(
            "--layers looks at a ConvNet's channels (Fig. 8's probe); use it with --arch conv"
                .into(),
        ));
    }
    let config = args.train.config(&arch, args.common.seed)?;
    arch.validate(28).map_err(identity_core::Error::from)?;
    if let Some(path) = &args.save {
        saved::check_writable(path)?;
    }
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
    if let Some(path) = &args.save {
        let precision = Precision::half_if(args.half);
        let backend = flag_value(&args.common.backend);
        saved::write(path, &trained, &arch, &config, &image, &backend, precision)?;
        eprintln!("{}: saved to {}", arch.name(), path.display());
    }
    let layers = if args.layers {
        Some(print_layers(
            &trained.network,
            &image,
            args.common.seed,
            &device,
        )?)
    } else {
        None
    };
    if args.common.json {
        print_json(&json!({ "arch": arch, "train": config, "progress": p, "layers": layers }));
    }
    Ok(())
}

/// Prints the table of `--layers` on stderr and returns it as JSON.
fn print_layers(
    network: &Network,
    training: &Image,
    seed: u64,
    device: &Device,
) -> Result<serde_json::Value, CliError> {
    let probe = LayerProbe::new()?;
    let layers = pollster::block_on(probe.layers(network, training, device))?;
    let rho_zero = pollster::block_on(heatmap(
        network,
        training,
        &[0.0],
        LAYERS_RHO_ZERO_PROBES,
        Probes::Pearson,
        seed,
        device,
    ))?;
    eprintln!(
        "layer  dead units ({DEAD_UNIT_INPUTS} digits)  top SV vs input (mnist:{INPUT_DIGIT})  vs training digit"
    );
    for (i, layer) in layers.iter().enumerate() {
        eprintln!(
            "{:>5}  {:>25}  {:>30.2}  {:>17.2}",
            i + 1,
            shown(layer.dead, 2),
            layer.top_singular.corr_input,
            layer.top_singular.corr_training
        );
    }
    eprintln!(
        "at rho = 0 ({LAYERS_RHO_ZERO_PROBES} inputs): identity {}, constant {}",
        shown(rho_zero.identity[0], 2),
        shown(rho_zero.constant[0], 2)
    );
    let rows: Vec<serde_json::Value> = layers
        .iter()
        .map(|l| {
            json!({
                "dead": l.dead,
                "top_singular_corr_input": l.top_singular.corr_input,
                "top_singular_corr_training": l.top_singular.corr_training,
            })
        })
        .collect();
    Ok(json!({
        "input": format!("mnist:{INPUT_DIGIT}"),
        "layers": rows,
        "rho_zero": { "identity": rho_zero.identity[0], "constant": rho_zero.constant[0] },
    }))
}
