//! Fig. 9: representation collapse. Per layer, the error rate on MNIST of the
//! correlation-weighted averaging classifier, for trained ConvNets of several depths and an
//! untrained deep one.

use std::fmt::Write;
use std::path::Path;

use burn::module::Module;
use burn::prelude::Device;
use identity_core::collapse::collapse_curve;
use identity_core::data::Subset;
use identity_core::{Init, Network};
use serde_json::{Value, json};

use super::plot::{Series, line_chart};
use super::sweeps::{conv, conv_depths, conv_plan};
use super::{Context, Output, Planned, Scale};
use crate::common::CliError;

/// The trained ConvNets of Fig. 9: every depth of the sweep from 2 on.
fn depths(scale: Scale) -> Vec<usize> {
    conv_depths(scale).into_iter().filter(|&d| d >= 2).collect()
}

/// The networks Fig. 9 trains.
pub fn plan(scale: Scale) -> Vec<Planned> {
    conv_plan(scale, depths(scale))
}

/// Fig. 9: the layerwise error curves, layer 0 being the raw pixels.
pub fn fig9(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let count = match ctx.scale {
        Scale::Test => 40,
        Scale::Quick => 200,
        Scale::Paper => 500,
    };
    let mnist = Subset::MnistTest.load()?;
    let images = mnist.images_except(count, None)?;
    let labels = &mnist.labels()[..count];
    let depths = depths(ctx.scale);
    let deepest = *depths.last().expect("at least one depth");
    // The untrained reference, drawn on the CPU from the seed like every trained net.
    let cpu = Device::flex();
    cpu.seed(ctx.seed);
    let random =
        Network::init(&conv(ctx.scale, deepest), 28, Init::Default, &cpu)?.to_device(&ctx.device);
    let mut curves = vec![(
        format!("random {deepest} layers"),
        pollster::block_on(collapse_curve(&random, &images, labels, &ctx.device))?,
    )];
    for d in depths {
        let trained = ctx.trained(&conv(ctx.scale, d))?.clone();
        curves.push((
            format!("{d} layers"),
            pollster::block_on(collapse_curve(
                &trained.network,
                &images,
                labels,
                &ctx.device,
            ))?,
        ));
    }
    let mut csv = String::from("network,layer,error_rate\n");
    for (label, errors) in &curves {
        for (layer, e) in errors.iter().enumerate() {
            writeln!(csv, "{label},{layer},{e}").ok();
        }
    }
    let series: Vec<Series> = curves
        .iter()
        .map(|(label, errors)| Series {
            label: label.clone(),
            points: errors
                .iter()
                .enumerate()
                .map(|(i, &e)| (i as f32, e))
                .collect(),
        })
        .collect();
    line_chart(
        png,
        "Fig. 9: error of the correlation-weighted averaging classifier",
        &series,
        ("layer (0 = raw pixels)", "error rate"),
    )?;
    let json_curves: Vec<Value> = curves
        .iter()
        .map(|(label, errors)| json!({ "network": label, "error_rate": errors }))
        .collect();
    Ok(Output {
        json: json!({ "figure": 9, "images": count, "curves": json_curves }),
        csv,
    })
}
