//! Fig. 12 (and 23, 24): the upper sub-networks of a trained deep ConvNet, fed the test row
//! directly (repeated across the channels of their first layer), skipping the layers below.

use std::path::Path;

use identity_core::measure::upper_answers;
use serde_json::json;

use super::figures::{AnswerRow, answer_grid, conv, gallery};
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
        rows.push(AnswerRow {
            label: format!("layers {}-{depth}", first + 1),
            key: (first + 1).to_string(),
            fields: json!({ "first_layer": first + 1, "layers_used": top }),
            answers,
        });
    }
    answer_grid(
        png,
        &format!("Fig. 12: upper layers of a trained {depth}-layer ConvNet, fed the input"),
        &row,
        ("first_layer", rows),
        json!({ "figure": 12, "arch": arch, "final_loss": trained.progress.loss }),
    )
}
