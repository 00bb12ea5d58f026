//! Fig. 12 (and 23, 24): the upper sub-networks of a trained deep ConvNet, fed the test row
//! directly (repeated across the channels of their first layer), skipping the layers below.

use std::fmt::Write;
use std::path::Path;

use identity_core::measure::upper_answers;
use serde_json::json;

use super::figures::{column_names, conv, gallery};
use super::plot::{GridRow, image_grid};
use super::{Context, Output, Scale};
use crate::common::CliError;

/// How many top layers each row keeps: the paper's Fig. 12 keeps one, Fig. 23 two, Fig. 24
/// three, six and ten.
const TOPS: [usize; 5] = [1, 2, 3, 6, 10];

/// Fig. 12: the deep ConvNet (2 layers at test scale, 20 otherwise) cut at several layers;
/// each row is the sub-network from that layer up, with its correlations to the identity and
/// to the constant per input.
pub fn fig12(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let depth = match ctx.scale {
        Scale::Test => 2,
        Scale::Quick | Scale::Paper => 20,
    };
    let arch = conv(ctx.scale, depth);
    let trained = ctx.trained(&arch)?.clone();
    let row = gallery(ctx)?;
    let inputs: Vec<_> = row.iter().map(|t| t.image.clone()).collect();
    let mut grid = vec![GridRow {
        label: "input".into(),
        images: inputs.clone(),
    }];
    let mut csv = String::from("first_layer,input,identity,constant\n");
    let mut rows = Vec::new();
    for top in TOPS.into_iter().filter(|&t| t <= depth) {
        let first = depth - top;
        let answers = pollster::block_on(upper_answers(
            &trained.network,
            first,
            &inputs,
            &ctx.training,
            &ctx.device,
        ))?;
        for (input, a) in row.iter().zip(&answers) {
            writeln!(
                csv,
                "{},{},{},{}",
                first + 1,
                input.name,
                a.identity,
                a.constant
            )
            .ok();
        }
        rows.push(json!({
            "first_layer": first + 1, "layers_used": top,
            "identity": answers.iter().map(|a| a.identity).collect::<Vec<_>>(),
            "constant": answers.iter().map(|a| a.constant).collect::<Vec<_>>(),
        }));
        grid.push(GridRow {
            label: format!("layers {}-{depth}", first + 1),
            images: answers.into_iter().filter_map(|a| a.output).collect(),
        });
    }
    image_grid(
        png,
        &format!("Fig. 12: upper layers of a trained {depth}-layer ConvNet, fed the input"),
        &grid,
        &column_names(&row),
    )?;
    Ok(Output {
        json: json!({
            "figure": 12, "arch": arch, "final_loss": trained.progress.loss,
            "inputs": column_names(&row), "rows": rows,
        }),
        csv,
    })
}
