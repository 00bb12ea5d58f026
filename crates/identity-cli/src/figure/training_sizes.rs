//! Fig. 13: ConvNets trained on the digit resized to several sides. For each side and depth,
//! the mean over rho of the heatmap row (as in Fig. 7, with rho inputs at that side): the
//! paper finds smaller training images biased more towards the constant and less towards the
//! identity.

use std::fmt::Write;
use std::path::Path;

use identity_core::heatmap::heatmap;
use serde_json::json;

use super::figures::{probes_per_rho, rhos};
use super::plot::{Series, line_chart};
use super::sweeps::{conv, conv_depths};
use super::{Context, Output, Planned, Scale};
use crate::common::CliError;

/// The training sides: the paper's 28 and smaller (and, at paper scale, larger) ones.
fn sides(scale: Scale) -> Vec<usize> {
    match scale {
        Scale::Test => vec![14, 28],
        Scale::Quick => vec![14, 21, 28],
        Scale::Paper => vec![14, 21, 28, 42, 56],
    }
}

/// Every depth of the ConvNet sweep at every side.
pub fn plan(scale: Scale) -> Vec<Planned> {
    sides(scale)
        .into_iter()
        .flat_map(|side| {
            conv_depths(scale).into_iter().map(move |d| Planned {
                arch: conv(scale, d),
                side,
            })
        })
        .collect()
}

fn mean(values: &[f32]) -> f32 {
    values.iter().sum::<f32>() / values.len().max(1) as f32
}

/// Fig. 13: mean correlation to the constant and to the identity by depth, a curve per side.
pub fn fig13(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let depths = conv_depths(ctx.scale);
    let rhos = rhos(ctx.scale);
    let mut csv = String::from("side,depth,mean_identity,mean_constant\n");
    let (mut curves, mut series) = (Vec::new(), Vec::new());
    for side in sides(ctx.scale) {
        let training = ctx.training_image(side)?;
        let (mut identity, mut constant) = (Vec::new(), Vec::new());
        for &depth in &depths {
            let planned = Planned {
                arch: conv(ctx.scale, depth),
                side,
            };
            let trained = ctx.trained_at(&planned)?.clone();
            let row = pollster::block_on(heatmap(
                &trained.network,
                &training,
                &rhos,
                probes_per_rho(ctx.scale),
                ctx.seed,
                &ctx.device,
            ))?;
            let (i, c) = (mean(&row.identity), mean(&row.constant));
            writeln!(csv, "{side},{depth},{i},{c}").ok();
            identity.push(i);
            constant.push(c);
        }
        let points = |values: &[f32]| -> Vec<(f32, f32)> {
            depths
                .iter()
                .map(|&d| d as f32)
                .zip(values.iter().copied())
                .collect()
        };
        series.push(Series {
            label: format!("constant, {side} px"),
            points: points(&constant),
        });
        series.push(Series {
            label: format!("identity, {side} px"),
            points: points(&identity),
        });
        curves.push(json!({ "side": side, "mean_identity": identity, "mean_constant": constant }));
    }
    line_chart(
        png,
        "Fig. 13: mean correlation by depth, trained at several image sizes",
        &series,
        ("ConvNet depth", "mean correlation over rho"),
    )?;
    Ok(Output {
        json: json!({ "figure": 13, "depths": depths, "rhos": rhos, "curves": curves }),
        csv,
    })
}
