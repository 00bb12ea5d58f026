//! Fig. 8, 19-21, 29, 30: the intermediate layers of ConvNets, randomly initialised or
//! trained, each layer shown as the top singular vector across channels, and in Fig. 19-21
//! also as the channel most correlated with the input and as channel 0.

use std::fmt::Write;
use std::path::Path;

use identity_core::data::{Image, Subset};
use identity_core::layer_views::{LayerViews, layer_views};
use identity_core::layers::activations;
use identity_core::measure::pearson;
use identity_core::{ArchConfig, Network};
use serde_json::json;

use super::plot::{GridRow, image_grid};
use super::sweeps::{conv, named_depth};
use super::{Context, Figure, Output, Planned, Scale};
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

/// Whether a network is shown as drawn at initialisation or after training.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The random initialisation (of the network that is then trained).
    Initial,
    /// After training on the digit.
    Trained,
}

/// A network whose layers a figure shows.
pub struct LayerNet {
    /// The row label's part.
    pub label: String,
    /// The architecture (trained; the initial state is that network before its first step).
    pub arch: ArchConfig,
    /// Which state is shown.
    pub state: State,
}

impl LayerNet {
    /// The scale's ConvNet of `depth` layers (at most 2 at test scale) in `state`.
    pub fn new(scale: Scale, depth: usize, state: State) -> Self {
        let depth = named_depth(scale, depth);
        let what = match state {
            State::Initial => "random",
            State::Trained => "trained",
        };
        LayerNet {
            label: format!("{what} {depth}"),
            arch: conv(scale, depth),
            state,
        }
    }

    /// Labelled architectures in one state.
    pub fn rows(rows: Vec<(String, ArchConfig)>, state: State) -> Vec<Self> {
        rows.into_iter()
            .map(|(label, arch)| LayerNet { label, arch, state })
            .collect()
    }
}

/// A figure of the layers of `nets`: per layer, the three views (`all_views`) or the top
/// singular vector alone, of one MNIST test digit, with each view's correlation to the input
/// and to the training digit.
pub fn figure(
    number: u32,
    about: &'static str,
    nets: impl Fn(Scale) -> Vec<LayerNet> + Copy + 'static,
    all_views: bool,
) -> Figure {
    let plan = move |scale| {
        nets(scale)
            .into_iter()
            .map(|n| Planned::at_28(n.arch))
            .collect()
    };
    let views = if all_views { &VIEWS[..] } else { &VIEWS[..1] };
    Figure::new(number, about, plan, move |ctx, png| {
        layers_figure(ctx, png, number, nets(ctx.scale), views)
    })
}

fn layers_figure(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    nets: Vec<LayerNet>,
    shown_views: &[View],
) -> Result<Output, CliError> {
    let mnist = Subset::MnistTest.load()?;
    let input = mnist.image(INPUT_DIGIT)?;
    let mut grid = Vec::new();
    let mut csv = String::from("network,layer,view,channel,corr_input,corr_training\n");
    let mut json_nets = Vec::new();
    let mut deepest = 0;
    for net in nets {
        let trained = ctx.trained(&net.arch)?.clone();
        let network = match net.state {
            State::Initial => &trained.initial,
            State::Trained => &trained.network,
        };
        let views = views(network, &input, ctx)?;
        deepest = deepest.max(views.len());
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
                    "{},{},{},{},{to_input},{to_training}",
                    net.label,
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
        for view in shown_views {
            let mut images = vec![input.clone()];
            for v in &views {
                images.push(shown((view.map)(v))?);
            }
            let label = if shown_views.len() > 1 {
                format!("{}: {}", net.label, view.label)
            } else {
                net.label.clone()
            };
            grid.push(GridRow { label, images });
        }
        json_nets.push(json!({
            "network": net.label, "arch": net.arch,
            "state": format!("{:?}", net.state).to_lowercase(),
            "final_loss": trained.progress.loss, "layers": layers,
        }));
    }
    let mut columns = vec!["input".to_string()];
    columns.extend((1..=deepest).map(|l| format!("layer {l}")));
    let what = if shown_views.len() > 1 {
        "top singular vector, best channel, channel 0"
    } else {
        "top singular vector across channels"
    };
    image_grid(
        png,
        &format!("Fig. {number}: ConvNet layers ({what})"),
        &grid,
        &columns,
    )?;
    Ok(Output {
        json: json!({
            "figure": number,
            "input": format!("mnist:{INPUT_DIGIT}"),
            "input_label": mnist.labels()[INPUT_DIGIT],
            "networks": json_nets,
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
