//! Fig. 16-18: how far each layer's weights moved in training, relative to their initial
//! norm, for ConvNets, linear FCNs and ReLU FCNs.

use std::fmt::Write;
use std::path::Path;

use identity_core::ArchConfig;
use identity_core::weight_change::weight_change;
use serde_json::json;

use super::figures::planned;
use super::plot::{Series, line_chart};
use super::sweeps::{Rows, conv};
use super::{Context, Figure, Output, Scale};
use crate::common::CliError;

/// The ConvNets of Fig. 16: 5, 10 and 20 layers (2 at test scale).
pub fn conv_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let depths = match scale {
        Scale::Test => vec![2],
        Scale::Quick | Scale::Paper => vec![5, 10, 20],
    };
    depths
        .into_iter()
        .map(|d| (format!("{d} layers"), conv(scale, d)))
        .collect()
}

/// A figure of `||W0 - W*|| / ||W0||` (and the same for biases) per layer of each network of
/// `rows`.
pub fn figure(number: u32, about: &'static str, title: &'static str, rows: Rows) -> Figure {
    Figure::new(number, about, planned(rows), move |ctx, png| {
        change_figure(ctx, png, number, title, rows(ctx.scale))
    })
}

fn change_figure(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    title: &str,
    archs: Vec<(String, ArchConfig)>,
) -> Result<Output, CliError> {
    let mut csv = String::from("network,layer,weight_change,bias_change\n");
    let (mut series, mut rows) = (vec![], vec![]);
    for (label, arch) in archs {
        let trained = ctx.trained(&arch)?.clone();
        let changes = pollster::block_on(weight_change(&trained.initial, &trained.network))?;
        for (i, c) in changes.iter().enumerate() {
            writeln!(
                csv,
                "{label},{},{},{}",
                i + 1,
                c.weight,
                c.bias.map_or(String::new(), |b| b.to_string())
            )
            .ok();
        }
        series.push(Series {
            label: label.clone(),
            points: changes
                .iter()
                .enumerate()
                .map(|(i, c)| ((i + 1) as f32, c.weight))
                .collect(),
        });
        rows.push(json!({
            "network": label, "arch": arch, "final_loss": trained.progress.loss,
            "changes": changes,
        }));
    }
    line_chart(png, title, &series, ("layer", "||W0 - W*|| / ||W0||"))?;
    Ok(Output {
        json: json!({ "figure": number, "rows": rows }),
        csv,
    })
}
