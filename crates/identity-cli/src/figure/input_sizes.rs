//! Fig. 10 (and 11, 22): ConvNets trained on one 28 x 28 digit, answering inputs of other
//! sizes. A ConvNet takes any size; the test row is resampled to each.

use std::fmt::Write;
use std::path::Path;

use identity_core::data::{DataError, Image};
use identity_core::measure::{Answer, answers, mean_answer};
use serde_json::json;

use super::figures::{conv, gallery};
use super::plot::{GridRow, image_grid};
use super::{Context, Output, Scale};
use crate::common::CliError;

/// The input sides, from the smallest the paper shows to the largest.
const SIDES: [usize; 5] = [7, 14, 28, 56, 112];

/// The inputs drawn in the grid: the training digit and an unseen one.
const SHOWN: [&str; 2] = ["training", "mnist:1"];

/// Fig. 10: a shallow and a deep ConvNet (depths 1 and 2 at test scale, 5 and 20 otherwise)
/// on the test row resampled to 7 ... 112 pixels. The JSON holds every input's correlation
/// to the identity and to the constant (the training digit at the same size), and their
/// means over the inputs other than the training digit.
pub fn fig10(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let depths = match ctx.scale {
        Scale::Test => [1, 2],
        Scale::Quick | Scale::Paper => [5, 20],
    };
    let row = gallery(ctx)?;
    let names: Vec<&str> = row.iter().map(|t| t.name.as_str()).collect();
    let resampled: Vec<Vec<Image>> = SIDES
        .iter()
        .map(|&side| {
            row.iter()
                .map(|t| t.image.resample(side))
                .collect::<Result<Vec<_>, DataError>>()
        })
        .collect::<Result<_, _>>()?;
    let mut csv = String::from("network,side,input,identity,constant\n");
    let (mut rows, mut measured) = (Vec::new(), Vec::new());
    for depth in depths {
        let arch = conv(ctx.scale, depth);
        let trained = ctx.trained(&arch)?.clone();
        let label = format!("{depth} layers");
        let per_side: Vec<Vec<Answer>> = resampled
            .iter()
            .map(|inputs| {
                pollster::block_on(answers(
                    &trained.network,
                    inputs,
                    &ctx.training,
                    &ctx.device,
                ))
            })
            .collect::<Result<_, _>>()?;
        let mut unseen = (Vec::new(), Vec::new());
        for (side, at_side) in SIDES.iter().zip(&per_side) {
            for (name, a) in names.iter().zip(at_side) {
                writeln!(csv, "{label},{side},{name},{},{}", a.identity, a.constant).ok();
            }
            let others: Vec<Answer> = names
                .iter()
                .zip(at_side)
                .filter(|(name, _)| **name != "training")
                .map(|(_, a)| a.clone())
                .collect();
            let mean = mean_answer(&others);
            unseen.0.push(mean.identity);
            unseen.1.push(mean.constant);
        }
        rows.push(json!({
            "network": label, "arch": arch, "final_loss": trained.progress.loss,
            "mean_identity_unseen": unseen.0, "mean_constant_unseen": unseen.1,
            "identity": per_side.iter().map(|s| s.iter().map(|a| a.identity).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "constant": per_side.iter().map(|s| s.iter().map(|a| a.constant).collect::<Vec<_>>()).collect::<Vec<_>>(),
        }));
        measured.push((label, per_side));
    }
    let mut grid = Vec::new();
    for shown in SHOWN {
        let Some(i) = names.iter().position(|n| *n == shown) else {
            continue;
        };
        grid.push(GridRow {
            label: format!("input {shown}"),
            images: resampled.iter().map(|inputs| inputs[i].clone()).collect(),
        });
        for (label, per_side) in &measured {
            grid.push(GridRow {
                label: label.clone(),
                images: per_side
                    .iter()
                    .filter_map(|at_side| at_side[i].output.clone())
                    .collect(),
            });
        }
    }
    let columns: Vec<String> = SIDES.iter().map(|s| format!("{s} x {s}")).collect();
    image_grid(
        png,
        "Fig. 10: ConvNets trained at 28 x 28, on inputs of other sizes",
        &grid,
        &columns,
    )?;
    Ok(Output {
        json: json!({ "figure": 10, "sides": SIDES, "inputs": names, "rows": rows }),
        csv,
    })
}
