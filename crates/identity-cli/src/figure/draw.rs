//! Each kind of figure drawn as a PNG from its runs: image grids (of the first seed),
//! heatmaps and line charts (the mean over the seeds, with its spread). The drawing itself is
//! in [`plot`](super::plot).

use std::path::Path;

use identity_core::data::Image;
use identity_figures::Body;
use identity_figures::answers::{AnsweredRows, Answers, Inputs};
use identity_figures::data::Run;
use identity_figures::heatmap::{Heatmap, Measure};
use identity_figures::layers::Layers;
use identity_figures::net::Net;
use identity_figures::picture::Picture;
use identity_figures::seeds::mean_sd;

use super::plot::{GridRow, HeatmapPanel, Series, heatmaps, image_grid, line_chart};
use crate::common::CliError;

fn images(pictures: &[Picture]) -> Vec<Image> {
    pictures.iter().map(Picture::image).collect()
}

/// The mean and spread over the runs of the values `at` reads from each (NaN where undefined
/// on every seed; a spread of 0 for one seed).
fn over_runs(runs: &[Run], at: impl Fn(&Body) -> Option<f32>) -> (f32, f32) {
    let values: Vec<f64> = runs
        .iter()
        .filter_map(|r| at(&r.data.body))
        .filter(|v| v.is_finite())
        .map(f64::from)
        .collect();
    let (mean, sd) = mean_sd(&values);
    (
        mean.map_or(f32::NAN, |m| m as f32),
        sd.map_or(0.0, |s| s as f32),
    )
}

/// A line whose point `i` is the mean over the runs of what `at` reads, with its spread.
fn line(
    label: String,
    xs: &[f32],
    runs: &[Run],
    at: impl Fn(&Body, usize) -> Option<f32>,
) -> Series {
    let (mut points, mut spread) = (Vec::new(), Vec::new());
    for (i, &x) in xs.iter().enumerate() {
        let (mean, sd) = over_runs(runs, |b| at(b, i));
        if mean.is_finite() {
            points.push((x, mean));
            spread.push(sd);
        }
    }
    Series {
        label,
        points,
        spread,
    }
}

/// Draws `runs` (one figure on each seed) at `png` under `title`.
pub fn figure(png: &Path, title: &str, runs: &[Run]) -> Result<(), CliError> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    match &first.data.body {
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
        Body::Heatmap(d) => heatmap(png, title, d, runs),
        Body::Layers(d) => layers(png, title, d),
        Body::Collapse(d) => {
            let series: Vec<Series> = d
                .curves
                .iter()
                .enumerate()
                .map(|(c, curve)| {
                    let xs: Vec<f32> = (0..curve.error_rate.len()).map(|l| l as f32).collect();
                    line(curve.label.clone(), &xs, runs, |b, l| match b {
                        Body::Collapse(d) => d.curves.get(c)?.error_rate.get(l).copied(),
                        _ => None,
                    })
                })
                .chain(
                    d.curves
                        .iter()
                        .enumerate()
                        .max_by_key(|(_, c)| c.depth)
                        .map(|(c, curve)| {
                            let xs: Vec<f32> = (0..curve.initial_error_rate.len())
                                .map(|l| l as f32)
                                .collect();
                            line(
                                format!("{} untrained", curve.label),
                                &xs,
                                runs,
                                |b, l| match b {
                                    Body::Collapse(d) => {
                                        d.curves.get(c)?.initial_error_rate.get(l).copied()
                                    }
                                    _ => None,
                                },
                            )
                        }),
                )
                .collect();
            line_chart(
                png,
                title,
                &series,
                ("layer (0 = raw pixels)", "error rate"),
            )
        }
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
            let xs: Vec<f32> = d.depths.iter().map(|&depth| depth as f32).collect();
            let series: Vec<Series> = d
                .curves
                .iter()
                .enumerate()
                .flat_map(|(c, curve)| {
                    let at = move |constant: bool| {
                        move |b: &Body, i: usize| match b {
                            Body::TrainingSizes(d) => {
                                let curve = d.curves.get(c)?;
                                let values = if constant {
                                    &curve.mean_constant
                                } else {
                                    &curve.mean_identity
                                };
                                values.get(i).copied().flatten()
                            }
                            _ => None,
                        }
                    };
                    [
                        line(format!("constant, {} px", curve.side), &xs, runs, at(true)),
                        line(format!("identity, {} px", curve.side), &xs, runs, at(false)),
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
        Body::WeightChange(d) => {
            let series: Vec<Series> = d
                .rows
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    let xs: Vec<f32> = (1..=row.changes.len()).map(|l| l as f32).collect();
                    line(row.network.label.clone(), &xs, runs, |b, l| match b {
                        Body::WeightChange(d) => d.rows.get(r)?.changes.get(l).map(|c| c.weight),
                        _ => None,
                    })
                })
                .collect();
            line_chart(png, title, &series, ("layer", "||W0 - W*|| / ||W0||"))
        }
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

/// Two panels against rho: to the identity and to the constant, in the figure's measure,
/// each cell the mean over the runs with its spread.
fn heatmap(png: &Path, title: &str, d: &Heatmap, runs: &[Run]) -> Result<(), CliError> {
    // `[row][column]` means and spreads of one panel.
    let panel = |identity: bool| -> (Vec<Vec<f32>>, Vec<Vec<f32>>) {
        let mut means = Vec::new();
        let mut spreads = Vec::new();
        for r in 0..d.rows.len() {
            let (mut mean_row, mut spread_row) = (Vec::new(), Vec::new());
            for c in 0..d.rhos.len() {
                let (mean, spread) = over_runs(runs, |b| match b {
                    Body::Heatmap(h) => {
                        let (to_identity, to_constant) = h.rows.get(r)?.shown(h.measure);
                        let values = if identity { to_identity } else { to_constant };
                        values.get(c).copied().flatten()
                    }
                    _ => None,
                });
                mean_row.push(mean);
                spread_row.push(spread);
            }
            means.push(mean_row);
            spreads.push(spread_row);
        }
        (means, spreads)
    };
    let (identity, identity_spread) = panel(true);
    let (constant, constant_spread) = panel(false);
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
    let several = runs.len() > 1;
    let title = if several {
        format!("{title} (mean \u{b1} sd over {} seeds)", runs.len())
    } else {
        title.to_string()
    };
    let panels = [
        HeatmapPanel {
            title: format!("{what} to the identity"),
            values: identity,
            colour_scale,
            spread: several.then_some(identity_spread),
        },
        HeatmapPanel {
            title: format!("{what} to the constant"),
            values: constant,
            colour_scale,
            spread: several.then_some(constant_spread),
        },
    ];
    let labels: Vec<String> = d.rows.iter().map(|r| r.network.label.clone()).collect();
    let columns: Vec<String> = d.rhos.iter().map(|r| format!("{r:.2}")).collect();
    let x_label = format!(
        "test input's correlation to the training digit: {}",
        d.probes.words()
    );
    heatmaps(
        png,
        &title,
        &panels,
        &labels,
        &columns,
        (&x_label, "network"),
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
