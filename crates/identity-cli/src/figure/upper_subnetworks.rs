//! Fig. 12, 23, 24: the upper sub-networks of trained ConvNets, fed the test row directly
//! (repeated across the channels of their first layer), skipping the layers below.

use std::path::Path;

use identity_core::measure::upper_answers;
use serde_json::json;

use super::figures::{AnswerRow, answer_grid, gallery};
use super::sweeps::{conv, conv_depths, conv_plan};
use super::{Context, Figure, Output, Scale};
use crate::common::CliError;

/// A figure of upper sub-networks: each `(depth, top)` of `cuts` is a row, the top `top`
/// layers of the trained ConvNet of `depth` layers, with its correlations to the identity
/// and to the constant per input. Cuts deeper than the net are left out.
pub fn figure(
    number: u32,
    about: &'static str,
    cuts: impl Fn(Scale) -> Vec<(usize, usize)> + Copy + 'static,
) -> Figure {
    let plan = move |scale| conv_plan(scale, cuts(scale).into_iter().map(|(d, _)| d));
    Figure::new(number, about, plan, move |ctx, png| {
        upper_figure(ctx, png, number, cuts(ctx.scale))
    })
}

/// The top `top` layers of every ConvNet of the depth sweep deeper than `top` (Fig. 12, 23).
pub fn every_depth(scale: Scale, top: usize) -> Vec<(usize, usize)> {
    conv_depths(scale)
        .into_iter()
        .filter(|&d| d > top)
        .map(|d| (d, top))
        .collect()
}

fn upper_figure(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    cuts: Vec<(usize, usize)>,
) -> Result<Output, CliError> {
    let row = gallery(ctx)?;
    let inputs: Vec<_> = row.iter().map(|t| t.image.clone()).collect();
    let mut rows = Vec::new();
    for (depth, top) in cuts.into_iter().filter(|&(d, t)| t <= d) {
        let arch = conv(ctx.scale, depth);
        let trained = ctx.trained(&arch)?.clone();
        let first = depth - top;
        let answers = pollster::block_on(upper_answers(
            &trained.network,
            first,
            &inputs,
            &ctx.training,
            &ctx.device,
        ))?;
        rows.push(AnswerRow {
            label: format!("{depth} layers, top {top}"),
            key: format!("{depth}:{}", first + 1),
            fields: json!({
                "depth": depth, "first_layer": first + 1, "layers_used": top,
                "arch": arch, "final_loss": trained.progress.loss,
            }),
            answers,
        });
    }
    answer_grid(
        png,
        &format!("Fig. {number}: upper layers of trained ConvNets, fed the input directly"),
        &row,
        ("depth:first_layer", rows),
        json!({ "figure": number }),
    )
}
