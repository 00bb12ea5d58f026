//! Fig. 16 (and 17, 18): how far each layer's weights moved in training, relative to their
//! initial norm.

use std::fmt::Write;
use std::path::Path;

use identity_core::weight_change::weight_change;
use serde_json::json;

use super::figures::conv;
use super::plot::{Series, line_chart};
use super::{Context, Output, Scale};
use crate::common::CliError;

/// Fig. 16: `||W0 - W*|| / ||W0||` per layer of ConvNets of several depths.
pub fn fig16(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let depths = match ctx.scale {
        Scale::Test => vec![2],
        Scale::Quick | Scale::Paper => vec![5, 10, 20],
    };
    let mut csv = String::from("network,layer,weight_change,bias_change\n");
    let (mut series, mut rows) = (vec![], vec![]);
    for d in depths {
        let trained = ctx.trained(&conv(ctx.scale, d))?.clone();
        let changes = pollster::block_on(weight_change(&trained.initial, &trained.network))?;
        for (i, c) in changes.iter().enumerate() {
            writeln!(
                csv,
                "{d} layers,{},{},{}",
                i + 1,
                c.weight,
                c.bias.map_or(String::new(), |b| b.to_string())
            )
            .ok();
        }
        series.push(Series {
            label: format!("{d} layers"),
            points: changes
                .iter()
                .enumerate()
                .map(|(i, c)| ((i + 1) as f32, c.weight))
                .collect(),
        });
        rows.push(json!({ "network": format!("{d} layers"), "changes": changes }));
    }
    line_chart(
        png,
        "Fig. 16: relative l2 change of each layer's weights",
        &series,
        ("layer", "||W0 - W*|| / ||W0||"),
    )?;
    Ok(Output {
        json: json!({ "figure": 16, "rows": rows }),
        csv,
    })
}
