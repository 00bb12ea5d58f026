//! Fig. 8 (and 19-21): the intermediate layers of a ConvNet, randomly initialised and
//! trained, each layer shown three ways: the top singular vector across channels, the
//! channel most correlated with the input, and channel 0.

use std::fmt::Write;
use std::path::Path;

use identity_core::Network;
use identity_core::data::{Image, Subset};
use identity_core::layer_views::{LayerViews, layer_views};
use identity_core::layers::activations;
use identity_core::measure::pearson;
use serde_json::json;

use super::figures::conv;
use super::plot::{GridRow, image_grid};
use super::{Context, Output, Scale};
use crate::common::CliError;

/// The MNIST test digit shown: index 1 of the bundled test subset, not the training digit.
const INPUT_DIGIT: usize = 1;

/// One of the three views of a layer.
struct View {
    /// The row label's part, short enough for the grid.
    label: &'static str,
    /// The JSON key and CSV name.
    key: &'static str,
    /// The map shown.
    map: fn(&LayerViews) -> &[f32],
    /// The channel shown (none for the singular vector, which mixes them).
    channel: fn(&LayerViews) -> Option<usize>,
}

const VIEWS: [View; 3] = [
    View {
        label: "top SV",
        key: "top_singular",
        map: |v| v.top_singular.as_slice(),
        channel: |_| None,
    },
    View {
        label: "best ch",
        key: "max_correlated",
        map: |v| v.max_correlated.as_slice(),
        channel: |v| Some(v.max_correlated_channel),
    },
    View {
        label: "ch 0",
        key: "channel0",
        map: |v| v.channel0.as_slice(),
        channel: |_| Some(0),
    },
];

/// Fig. 8: per layer of the initial and the trained ConvNet (depth 2 at test scale, 7 at
/// quick scale, the paper's 20 at paper scale), the three views of one MNIST test digit,
/// with each view's correlation to the input and to the training digit.
pub fn fig8(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let depth = match ctx.scale {
        Scale::Test => 2,
        Scale::Quick => 7,
        Scale::Paper => 20,
    };
    let arch = conv(ctx.scale, depth);
    let mnist = Subset::MnistTest.load()?;
    let input = mnist.image(INPUT_DIGIT)?;
    let trained = ctx.trained(&arch)?.clone();
    let mut grid = Vec::new();
    let mut csv = String::from("network,layer,view,channel,corr_input,corr_training\n");
    let mut nets = Vec::new();
    for (name, network) in [("initial", &trained.initial), ("trained", &trained.network)] {
        let views = views(network, &input, ctx)?;
        let mut layers = Vec::new();
        for (layer, v) in views.iter().enumerate() {
            let mut entry = json!({ "layer": layer + 1 });
            for view in &VIEWS {
                let values = (view.map)(v);
                let (to_input, to_training) = (
                    pearson(values, input.pixels()),
                    pearson(values, ctx.training.pixels()),
                );
                let channel = (view.channel)(v);
                writeln!(
                    csv,
                    "{name},{},{},{},{to_input},{to_training}",
                    layer + 1,
                    view.key,
                    channel.map_or(String::new(), |c| c.to_string())
                )
                .ok();
                entry[view.key] = json!({
                    "channel": channel, "corr_input": to_input, "corr_training": to_training,
                });
            }
            layers.push(entry);
        }
        for view in &VIEWS {
            let mut images = vec![input.clone()];
            for v in &views {
                images.push(shown((view.map)(v))?);
            }
            grid.push(GridRow {
                label: format!("{name}: {}", view.label),
                images,
            });
        }
        nets.push(json!({ "network": name, "layers": layers }));
    }
    let mut columns = vec!["input".to_string()];
    columns.extend((1..=depth).map(|l| format!("layer {l}")));
    image_grid(
        png,
        &format!("Fig. 8: the layers of a {depth}-layer ConvNet, initial and trained"),
        &grid,
        &columns,
    )?;
    Ok(Output {
        json: json!({
            "figure": 8,
            "arch": arch,
            "final_loss": trained.progress.loss,
            "input": format!("mnist:{INPUT_DIGIT}"),
            "input_label": mnist.labels()[INPUT_DIGIT],
            "networks": nets,
        }),
        csv,
    })
}

fn views(network: &Network, input: &Image, ctx: &Context) -> Result<Vec<LayerViews>, CliError> {
    let layers = pollster::block_on(activations(network, input, &ctx.device))?;
    Ok(layers.iter().map(|a| layer_views(a, input)).collect())
}

/// A map stretched to [0, 1] for display (activations and singular vectors have no fixed
/// range); a flat map is shown black.
fn shown(values: &[f32]) -> Result<Image, CliError> {
    let (lo, hi) = values
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = hi - lo;
    let pixels = values
        .iter()
        .map(|&v| if span > 0.0 { (v - lo) / span } else { 0.0 })
        .collect();
    Ok(Image::from_square(pixels)?)
}
