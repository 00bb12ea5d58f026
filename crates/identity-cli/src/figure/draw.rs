//! Each kind of figure drawn as a PNG from its data: image grids, heatmaps and line charts
//! (the drawing itself is in [`plot`](super::plot)).

use std::path::Path;

use identity_core::data::Image;
use identity_figures::Body;
use identity_figures::FigureData;
use identity_figures::answers::{AnsweredRows, Answers, Inputs};
use identity_figures::heatmap::{Heatmap, Measure};
use identity_figures::layers::Layers;
use identity_figures::net::Net;
use identity_figures::picture::Picture;

use super::plot::{GridRow, HeatmapPanel, Series, heatmaps, image_grid, line_chart};
use crate::common::CliError;

fn images(pictures: &[Picture]) -> Vec<Image> {
    pictures.iter().map(Picture::image).collect()
}

/// Draws `data` at `png` under `title`.
pub fn figure(png: &Path, title: &str, data: &FigureData) -> Result<(), CliError> {
    match &data.body {
        Body::Eq1(d) => image_grid(
            png,
            title,
            &[
                row("input", &d.inputs.pictures),
                row("trained net", &d.answers.outputs),
                row("eq. (1)", &d.formula),
            ],
            &d.inputs.names,
        ),
        Body::Grid(d) => answer_grid(png, title, &d.inputs, d.answered()),
        Body::UpperSubnetworks(d) => answer_grid(png, title, &d.inputs, d.answered()),
        Body::Heatmap(d) => heatmap(png, title, d),
        Body::Layers(d) => layers(png, title, d),
        Body::Collapse(d) => line_chart(
            png,
            title,
            &d.curves
                .iter()
                .map(|c| Series {
                    label: c.label.clone(),
                    points: c
                        .error_rate
                        .iter()
                        .enumerate()
                        .map(|(i, &e)| (i as f32, e))
                        .collect(),
                })
                .collect::<Vec<_>>(),
            ("layer (0 = raw pixels)", "error rate"),
        ),
        Body::InputSizes(d) => {
            let mut grid = Vec::new();
            if let Some(first) = d.rows.first() {
                for ((side, inputs), answers) in
                    d.sides.iter().zip(&d.resampled).zip(&first.per_side)
                {
                    if d.inputs_shown {
                        grid.push(row(&format!("input, {side} px"), inputs));
                    }
                    grid.push(row(
                        &format!("{}, {side} px", first.network.label),
                        &answers.outputs,
                    ));
                }
            }
            image_grid(png, title, &grid, &d.inputs)
        }
        Body::TrainingSizes(d) => {
            // Undefined means are left out of the curve.
            let points = |values: &[Option<f32>]| -> Vec<(f32, f32)> {
                d.depths
                    .iter()
                    .zip(values)
                    .filter_map(|(&depth, v)| v.map(|v| (depth as f32, v)))
                    .collect()
            };
            let series: Vec<Series> = d
                .curves
                .iter()
                .flat_map(|c| {
                    [
                        Series {
                            label: format!("constant, {} px", c.side),
                            points: points(&c.mean_constant),
                        },
                        Series {
                            label: format!("identity, {} px", c.side),
                            points: points(&c.mean_identity),
                        },
                    ]
                })
                .collect();
            line_chart(
                png,
                title,
                &series,
                ("ConvNet depth", "mean correlation over rho"),
            )
        }
        Body::WeightChange(d) => line_chart(
            png,
            title,
            &d.rows
                .iter()
                .map(|r| Series {
                    label: r.network.label.clone(),
                    points: r
                        .changes
                        .iter()
                        .enumerate()
                        .map(|(i, c)| ((i + 1) as f32, c.weight))
                        .collect(),
                })
                .collect::<Vec<_>>(),
            ("layer", "||W0 - W*|| / ||W0||"),
        ),
    }
}

fn row(label: &str, pictures: &[Picture]) -> GridRow {
    GridRow {
        label: label.into(),
        images: images(pictures),
    }
}

/// The test row with each network's answers under it.
fn answer_grid(
    png: &Path,
    title: &str,
    inputs: &Inputs,
    answered: Vec<(&Net, &Answers)>,
) -> Result<(), CliError> {
    let mut grid = vec![row("input", &inputs.pictures)];
    grid.extend(
        answered
            .into_iter()
            .map(|(net, answers)| row(&net.label, &answers.outputs)),
    );
    image_grid(png, title, &grid, &inputs.names)
}

/// Two panels against rho: to the identity and to the constant, in the figure's measure.
fn heatmap(png: &Path, title: &str, d: &Heatmap) -> Result<(), CliError> {
    // An undefined cell (a dead network's flat output) is NaN, drawn grey.
    let nan = |v: Vec<Option<f32>>| v.into_iter().map(|x| x.unwrap_or(f32::NAN)).collect();
    let (identity, constant): (Vec<Vec<f32>>, Vec<Vec<f32>>) = d
        .rows
        .iter()
        .map(|r| {
            let (i, c) = r.shown(d.measure);
            (nan(i), nan(c))
        })
        .unzip();
    let (what, colour_scale) = match d.measure {
        Measure::Correlation => ("correlation", 1.0),
        Measure::Mse => (
            "MSE",
            identity
                .iter()
                .chain(&constant)
                .flatten()
                .filter(|v| v.is_finite())
                .fold(1e-6f32, |m, &v| m.max(v)),
        ),
    };
    let panels = [
        HeatmapPanel {
            title: format!("{what} to the identity"),
            values: identity,
            colour_scale,
        },
        HeatmapPanel {
            title: format!("{what} to the constant"),
            values: constant,
            colour_scale,
        },
    ];
    let labels: Vec<String> = d.rows.iter().map(|r| r.network.label.clone()).collect();
    let columns: Vec<String> = d.rhos.iter().map(|r| format!("{r:.2}")).collect();
    heatmaps(
        png,
        title,
        &panels,
        &labels,
        &columns,
        (
            "rho (correlation of the test input to the training digit)",
            "network",
        ),
    )
}

/// Per network, the input then each layer: the three views, or the top singular vector.
fn layers(png: &Path, title: &str, d: &Layers) -> Result<(), CliError> {
    let mut grid = Vec::new();
    let mut deepest = 0;
    for net in &d.networks {
        deepest = deepest.max(net.layers.len());
        let shown = if d.all_views { 3 } else { 1 };
        for view in 0..shown {
            let mut pictures = vec![d.input_picture.clone()];
            let mut short = "";
            for layer in &net.layers {
                let (_, label, v) = layer.views()[view];
                short = label;
                pictures.push(v.picture.clone());
            }
            let label = if d.all_views {
                format!("{}: {short}", net.network.label)
            } else {
                net.network.label.clone()
            };
            grid.push(row(&label, &pictures));
        }
    }
    let mut columns = vec!["input".to_string()];
    columns.extend((1..=deepest).map(|l| format!("layer {l}")));
    image_grid(png, title, &grid, &columns)
}
