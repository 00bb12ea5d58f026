//! Fig. 10, 11, 22: ConvNets trained on one 28 x 28 digit, answering inputs of other sizes.
//! A ConvNet takes any size; the test row is resampled to each.

use std::fmt::Write;
use std::path::Path;

use identity_core::data::{DataError, Image};
use identity_core::measure::{Answer, answers, mean_answer};
use serde_json::json;

use super::figures::{column_names, gallery};
use super::plot::{GridRow, image_grid};
use super::sweeps::{conv, conv_plan};
use super::{Context, Figure, Output, Scale};
use crate::common::CliError;

/// The input sides of Fig. 11 and 22, from the smallest the paper shows to the largest.
pub const ALL_SIDES: [usize; 8] = [7, 14, 21, 28, 42, 56, 84, 112];

/// What a figure of input sizes measures and draws.
pub struct Sizes {
    /// The ConvNet depths measured; the first is drawn.
    pub depths: Vec<usize>,
    /// The input sides.
    pub sides: Vec<usize>,
    /// Whether a row of inputs is drawn above each side's answers.
    pub inputs_shown: bool,
}

/// A figure of the test row resampled to each side and answered by ConvNets. The JSON holds
/// every input's correlation to the identity and to the constant (the training digit at the
/// same size), and their means over the inputs other than the training digit and the mix.
pub fn figure(
    number: u32,
    about: &'static str,
    spec: impl Fn(Scale) -> Sizes + Copy + 'static,
) -> Figure {
    let plan = move |scale| conv_plan(scale, spec(scale).depths);
    Figure::new(number, about, plan, move |ctx, png| {
        sizes_figure(ctx, png, number, spec(ctx.scale))
    })
}

fn sizes_figure(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    spec: Sizes,
) -> Result<Output, CliError> {
    let row = gallery(ctx)?;
    let names = column_names(&row);
    let resampled: Vec<Vec<Image>> = spec
        .sides
        .iter()
        .map(|&side| {
            row.iter()
                .map(|t| t.image.resample(side))
                .collect::<Result<Vec<_>, DataError>>()
        })
        .collect::<Result<_, _>>()?;
    let mut csv = String::from("network,side,input,identity,constant\n");
    let (mut rows, mut drawn) = (Vec::new(), None);
    for &depth in &spec.depths {
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
        for (side, at_side) in spec.sides.iter().zip(&per_side) {
            for (name, a) in names.iter().zip(at_side) {
                writeln!(csv, "{label},{side},{name},{},{}", a.identity, a.constant).ok();
            }
            let others: Vec<Answer> = names
                .iter()
                .zip(at_side)
                .filter(|(name, _)| !matches!(name.as_str(), "training" | "mix"))
                .map(|(_, a)| a.clone())
                .collect();
            let mean = mean_answer(&others);
            unseen.0.push(mean.identity);
            unseen.1.push(mean.constant);
        }
        rows.push(json!({
            "network": label, "depth": depth, "arch": arch, "final_loss": trained.progress.loss,
            "mean_identity_unseen": unseen.0, "mean_constant_unseen": unseen.1,
            "identity": per_side.iter().map(|s| s.iter().map(|a| a.identity).collect::<Vec<_>>()).collect::<Vec<_>>(),
            "constant": per_side.iter().map(|s| s.iter().map(|a| a.constant).collect::<Vec<_>>()).collect::<Vec<_>>(),
        }));
        drawn.get_or_insert((label, per_side));
    }
    let mut grid = Vec::new();
    if let Some((label, per_side)) = drawn {
        for ((side, inputs), at_side) in spec.sides.iter().zip(&resampled).zip(per_side) {
            if spec.inputs_shown {
                grid.push(GridRow {
                    label: format!("input, {side} px"),
                    images: inputs.clone(),
                });
            }
            grid.push(GridRow {
                label: format!("{label}, {side} px"),
                images: at_side.into_iter().filter_map(|a| a.output).collect(),
            });
        }
    }
    image_grid(
        png,
        &format!("Fig. {number}: ConvNets trained at 28 x 28, on inputs of other sizes"),
        &grid,
        &names,
    )?;
    Ok(Output {
        json: json!({ "figure": number, "sides": spec.sides, "inputs": names, "rows": rows }),
        csv,
    })
}
