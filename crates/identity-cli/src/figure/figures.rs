//! The figures made so far, each a function of the shared [`Context`], and the kinds of
//! figure they share: prediction grids and heatmaps. Figures of their own kind live in the
//! sibling modules named after what they show. Sizes follow the scale: `test` is tiny,
//! `quick` uses 32 channels and FCN widths of 784, `paper` the paper's 128 channels and
//! widths of 2,048.

use std::fmt::Write;
use std::path::Path;

use identity_core::ArchConfig;
use identity_core::closed_form::eq1_prediction;
use identity_core::gallery::{TestInput, test_row};
use identity_core::heatmap::heatmap;
use identity_core::measure::{Answer, answers, pearson};
use serde_json::{Value, json};

use super::plot::{GridRow, HeatmapPanel, heatmaps, image_grid};
use super::{
    Context, Figure, Output, Scale, input_sizes, intermediate_layers, representation_collapse,
    upper_subnetworks, weight_change,
};
use crate::common::CliError;

/// Every figure, in the paper's order.
pub fn all() -> Vec<Figure> {
    vec![
        figure(
            1,
            "the 1-layer linear net beside the closed form of eq. (1)",
            fig1,
        ),
        grid(
            2,
            "linear FCN predictions on the test row, by depth (and one width)",
            "Fig. 2: multi-layer linear nets trained on one digit",
            linear_rows,
        ),
        grid(
            3,
            "2-layer ReLU predictions: bottom layer only vs both layers trained",
            "Fig. 3: 2-layer ReLU nets trained on one digit",
            two_layer_rows,
        ),
        grid(
            4,
            "ReLU FCN predictions on the test row, by depth",
            "Fig. 4: ReLU FCNs trained on one digit",
            relu_rows,
        ),
        heat(
            5,
            "FCN heatmaps: correlation to identity and constant vs rho",
            "Fig. 5: FCNs (rows: hidden layers)",
            fcn_rows,
            Measure::Correlation,
        ),
        grid(
            6,
            "ConvNet predictions on the test row, by depth",
            "Fig. 6: ConvNets trained on one digit",
            conv_rows,
        ),
        heat(
            7,
            "ConvNet heatmaps: correlation to identity and constant vs rho",
            "Fig. 7: ConvNets, 5x5 kernels (rows: depth)",
            conv_rows,
            Measure::Correlation,
        ),
        figure(
            8,
            "intermediate layers of a ConvNet, initial and trained: top singular vector, best channel, channel 0",
            intermediate_layers::fig8,
        ),
        figure(
            9,
            "representation collapse: layerwise error of the averaging classifier",
            representation_collapse::fig9,
        ),
        figure(
            10,
            "ConvNets on inputs of 7x7 to 112x112",
            input_sizes::fig10,
        ),
        figure(
            12,
            "upper sub-networks of a deep ConvNet fed the input directly",
            upper_subnetworks::fig12,
        ),
        grid(
            14,
            "ConvNet predictions on the test row, by kernel size",
            "Fig. 14: 5-layer ConvNets, by kernel size",
            kernel_rows,
        ),
        grid(
            15,
            "ConvNet predictions on the test row, by channel count",
            "Fig. 15: 5-layer ConvNets, by channels",
            channel_rows,
        ),
        figure(
            16,
            "relative l2 change of each layer's weights",
            weight_change::fig16,
        ),
        heat(
            31,
            "FCN heatmaps in MSE instead of correlation (App. I)",
            "Fig. 31: FCNs, MSE (rows: hidden layers)",
            fcn_rows,
            Measure::Mse,
        ),
        heat(
            32,
            "ConvNet heatmaps in MSE instead of correlation (App. I)",
            "Fig. 32: ConvNets, MSE (rows: depth)",
            conv_rows,
            Measure::Mse,
        ),
    ]
}

/// The networks of a figure's rows at a scale, with their labels.
type Rows = fn(Scale) -> Vec<(String, ArchConfig)>;

fn figure(
    number: u32,
    about: &'static str,
    make: fn(&mut Context, &Path) -> Result<Output, CliError>,
) -> Figure {
    Figure {
        number,
        about,
        make: Box::new(make),
    }
}

fn grid(number: u32, about: &'static str, title: &'static str, rows: Rows) -> Figure {
    let make = move |ctx: &mut Context, png: &Path| {
        let archs = rows(ctx.scale);
        prediction_grid(ctx, png, number, title, archs)
    };
    Figure {
        number,
        about,
        make: Box::new(make),
    }
}

fn heat(
    number: u32,
    about: &'static str,
    title: &'static str,
    rows: Rows,
    measure: Measure,
) -> Figure {
    let make = move |ctx: &mut Context, png: &Path| {
        let archs = rows(ctx.scale);
        heatmap_figure(ctx, png, number, title, archs, measure)
    };
    Figure {
        number,
        about,
        make: Box::new(make),
    }
}

/// The depths of the ConvNet sweeps (Fig. 6, 7, 9).
pub(super) fn conv_depths(scale: Scale) -> Vec<usize> {
    match scale {
        Scale::Test => vec![1, 2],
        Scale::Quick | Scale::Paper => vec![1, 2, 3, 5, 7, 10, 14, 20],
    }
}

/// The ConvNet of `depth` layers at the scale's width (4, 32 or 128 channels), 5 x 5 kernels.
pub(super) fn conv(scale: Scale, depth: usize) -> ArchConfig {
    let channels = match scale {
        Scale::Test => 4,
        Scale::Quick => 32,
        Scale::Paper => 128,
    };
    ArchConfig::Conv {
        depth,
        channels,
        kernel: 5,
    }
}

fn fcn_depths(scale: Scale) -> Vec<usize> {
    match scale {
        Scale::Test => vec![1, 2],
        Scale::Quick | Scale::Paper => vec![1, 3, 5, 7, 9, 11],
    }
}

fn fcn_width(scale: Scale) -> usize {
    match scale {
        Scale::Test => 64,
        Scale::Quick => 784,
        Scale::Paper => 2048,
    }
}

fn relu(scale: Scale, depth: usize) -> ArchConfig {
    ArchConfig::Relu {
        hidden: vec![fcn_width(scale); depth],
        train_bottom_only: false,
    }
}

fn linear(scale: Scale, depth: usize) -> ArchConfig {
    ArchConfig::Linear {
        hidden: vec![fcn_width(scale); depth],
    }
}

fn rhos(scale: Scale) -> Vec<f32> {
    match scale {
        Scale::Test => vec![0.0, 0.5, 1.0],
        Scale::Quick | Scale::Paper => (0..=8).map(|i| i as f32 / 8.0).collect(),
    }
}

fn probes_per_rho(scale: Scale) -> usize {
    match scale {
        Scale::Test => 2,
        Scale::Quick => 10,
        Scale::Paper => 20,
    }
}

/// The paper's test row at the scale's length (fewer MNIST and Fashion-MNIST images at test
/// scale).
pub(super) fn gallery(ctx: &Context) -> Result<Vec<TestInput>, CliError> {
    let (digits, fashion) = if ctx.scale == Scale::Test {
        (2, 1)
    } else {
        (4, 3)
    };
    Ok(test_row(&ctx.training, digits, fashion, ctx.seed)?)
}

/// The names of the test row's inputs, as column labels.
pub(super) fn column_names(row: &[TestInput]) -> Vec<String> {
    row.iter().map(|t| t.name.clone()).collect()
}

fn fig1(ctx: &mut Context, png: &Path) -> Result<Output, CliError> {
    let row = gallery(ctx)?;
    let inputs: Vec<_> = row.iter().map(|t| t.image.clone()).collect();
    let trained = ctx.trained(&ArchConfig::Linear { hidden: vec![] })?.clone();
    let w0 = trained
        .initial
        .bottom_weight()
        .expect("the linear net is an FCN");
    let formula = pollster::block_on(eq1_prediction(w0, &ctx.training, &inputs, &ctx.device))?;
    let measured = pollster::block_on(answers(
        &trained.network,
        &inputs,
        &ctx.training,
        &ctx.device,
    ))?;
    let net: Vec<_> = measured.iter().filter_map(|a| a.output.clone()).collect();
    let mut csv = String::from("input,identity,constant,corr_to_eq1\n");
    let mut rows = Vec::new();
    for ((input, answer), (a, b)) in row.iter().zip(&measured).zip(net.iter().zip(&formula)) {
        let agreement = pearson(a.pixels(), b.pixels());
        writeln!(
            csv,
            "{},{},{},{}",
            input.name, answer.identity, answer.constant, agreement
        )
        .ok();
        rows.push(json!({ "input": input.name, "identity": answer.identity, "constant": answer.constant, "corr_to_eq1": agreement }));
    }
    image_grid(
        png,
        "Fig. 1: f(x) = Wx trained on one digit, and eq. (1) from its own W0",
        &[
            GridRow {
                label: "input".into(),
                images: inputs,
            },
            GridRow {
                label: "trained net".into(),
                images: net,
            },
            GridRow {
                label: "eq. (1)".into(),
                images: formula,
            },
        ],
        &column_names(&row),
    )?;
    Ok(Output {
        json: json!({ "figure": 1, "final_loss": trained.progress.loss, "rows": rows }),
        csv,
    })
}

/// A grid of predictions on the test row, one row per architecture.
fn prediction_grid(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    title: &str,
    archs: Vec<(String, ArchConfig)>,
) -> Result<Output, CliError> {
    let row = gallery(ctx)?;
    let inputs: Vec<_> = row.iter().map(|t| t.image.clone()).collect();
    let mut rows = Vec::new();
    for (label, arch) in archs {
        let trained = ctx.trained(&arch)?.clone();
        let measured = pollster::block_on(answers(
            &trained.network,
            &inputs,
            &ctx.training,
            &ctx.device,
        ))?;
        rows.push(AnswerRow {
            key: label.clone(),
            fields: json!({ "network": label, "arch": arch, "final_loss": trained.progress.loss }),
            label,
            answers: measured,
        });
    }
    answer_grid(
        png,
        title,
        &row,
        ("network", rows),
        json!({ "figure": number }),
    )
}

/// One network's answers to the test row, as a row of [`answer_grid`].
pub struct AnswerRow {
    /// The grid's row label.
    pub label: String,
    /// The row's value in the CSV's first column.
    pub key: String,
    /// The row's JSON fields besides its correlations.
    pub fields: Value,
    /// The answers, one per input of the test row.
    pub answers: Vec<Answer>,
}

/// Draws the test row with each row's answers under it, and returns the correlations as JSON
/// (`figure` fields, `inputs`, `rows`) and CSV (`<key name>,input,identity,constant`).
pub fn answer_grid(
    png: &Path,
    title: &str,
    row: &[TestInput],
    (key_name, rows): (&str, Vec<AnswerRow>),
    mut figure: Value,
) -> Result<Output, CliError> {
    let mut grid = vec![GridRow {
        label: "input".into(),
        images: row.iter().map(|t| t.image.clone()).collect(),
    }];
    let mut csv = format!("{key_name},input,identity,constant\n");
    let mut json_rows = Vec::new();
    for AnswerRow {
        label,
        key,
        mut fields,
        answers,
    } in rows
    {
        for (input, a) in row.iter().zip(&answers) {
            writeln!(csv, "{key},{},{},{}", input.name, a.identity, a.constant).ok();
        }
        fields["identity"] = json!(answers.iter().map(|a| a.identity).collect::<Vec<_>>());
        fields["constant"] = json!(answers.iter().map(|a| a.constant).collect::<Vec<_>>());
        json_rows.push(fields);
        grid.push(GridRow {
            label,
            images: answers.into_iter().filter_map(|a| a.output).collect(),
        });
    }
    image_grid(png, title, &grid, &column_names(row))?;
    figure["inputs"] = json!(column_names(row));
    figure["rows"] = json!(json_rows);
    Ok(Output { json: figure, csv })
}

/// Which numbers a heatmap figure shows.
#[derive(Clone, Copy)]
enum Measure {
    Correlation,
    Mse,
}

/// Heatmaps of `archs` against rho: identity and constant panels.
fn heatmap_figure(
    ctx: &mut Context,
    png: &Path,
    number: u32,
    title: &str,
    archs: Vec<(String, ArchConfig)>,
    measure: Measure,
) -> Result<Output, CliError> {
    let rhos = rhos(ctx.scale);
    let (mut identity, mut constant, mut labels, mut rows) = (vec![], vec![], vec![], vec![]);
    let mut csv = String::from("network,rho,identity,constant\n");
    for (label, arch) in archs {
        let trained = ctx.trained(&arch)?.clone();
        let row = pollster::block_on(heatmap(
            &trained.network,
            &ctx.training,
            &rhos,
            probes_per_rho(ctx.scale),
            ctx.seed,
            &ctx.device,
        ))?;
        let (id, co) = match measure {
            Measure::Correlation => (row.identity, row.constant),
            Measure::Mse => (row.mse_identity, row.mse_constant),
        };
        for (i, rho) in rhos.iter().enumerate() {
            writeln!(csv, "{label},{rho},{},{}", id[i], co[i]).ok();
        }
        rows.push(json!({ "network": label, "arch": arch, "final_loss": trained.progress.loss, "steps": trained.progress.step, "identity": id, "constant": co }));
        identity.push(id);
        constant.push(co);
        labels.push(label);
    }
    let (what, colour_scale) = match measure {
        Measure::Correlation => ("correlation", 1.0),
        Measure::Mse => (
            "MSE",
            identity
                .iter()
                .chain(&constant)
                .flatten()
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
    let columns: Vec<String> = rhos.iter().map(|r| format!("{r:.2}")).collect();
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
    )?;
    Ok(Output {
        json: json!({ "figure": number, "measure": what, "rhos": rhos, "rows": rows }),
        csv,
    })
}

fn fcn_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let depths = fcn_depths(scale);
    let linear = depths
        .iter()
        .map(|&d| (format!("linear {d}"), linear(scale, d)));
    linear
        .chain(
            depths
                .iter()
                .map(|&d| (format!("ReLU {d}"), relu(scale, d))),
        )
        .collect()
}

fn relu_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    fcn_depths(scale)
        .into_iter()
        .map(|d| (format!("ReLU, {d} hidden"), relu(scale, d)))
        .collect()
}

fn conv_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    conv_depths(scale)
        .into_iter()
        .map(|d| (format!("{d} layers"), conv(scale, d)))
        .collect()
}

fn linear_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let width = fcn_width(scale);
    let depths = match scale {
        Scale::Test => vec![1, 2],
        Scale::Quick | Scale::Paper => vec![1, 3, 5],
    };
    let mut rows: Vec<_> = depths
        .into_iter()
        .map(|d| (format!("{d} x {width}"), linear(scale, d)))
        .collect();
    // The paper's depth-versus-width remark: one hidden layer of 2,048 (3.2 M parameters)
    // stays nearer the convex case than three of 784 (2.5 M).
    let other = match scale {
        Scale::Test => None,
        Scale::Quick => Some((1, 2048)),
        Scale::Paper => Some((3, 784)),
    };
    rows.extend(other.map(|(depth, width)| {
        (
            format!("{depth} x {width}"),
            ArchConfig::Linear {
                hidden: vec![width; depth],
            },
        )
    }));
    rows
}

fn two_layer_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let widths = match scale {
        Scale::Test => vec![64],
        Scale::Quick | Scale::Paper => vec![2048, 16_384],
    };
    [(true, "bottom"), (false, "both")]
        .into_iter()
        .flat_map(|(bottom_only, what)| {
            widths.iter().map(move |&w| {
                (
                    format!("{what}, {w}"),
                    ArchConfig::Relu {
                        hidden: vec![w],
                        train_bottom_only: bottom_only,
                    },
                )
            })
        })
        .collect()
}

/// Depth and channels of the kernel-size and channel sweeps (Fig. 14, 15): the paper's
/// 5-layer ConvNet, narrower at quick scale so that 15 x 15 and 64 channels stay affordable.
fn sweep_net(scale: Scale) -> (usize, usize) {
    match scale {
        Scale::Test => (2, 4),
        Scale::Quick => (5, 16),
        Scale::Paper => (5, 128),
    }
}

fn kernel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let (depth, channels) = sweep_net(scale);
    let kernels = match scale {
        Scale::Test => vec![3, 5],
        Scale::Quick => vec![5, 9, 15],
        Scale::Paper => vec![5, 9, 13, 17, 25, 37, 57],
    };
    kernels
        .into_iter()
        .map(|kernel| {
            let arch = ArchConfig::Conv {
                depth,
                channels,
                kernel,
            };
            (format!("{kernel} x {kernel}"), arch)
        })
        .collect()
}

fn channel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let (depth, _) = sweep_net(scale);
    let channels = match scale {
        Scale::Test => vec![2, 4],
        Scale::Quick => vec![3, 16, 64],
        Scale::Paper => vec![3, 8, 32, 128, 512, 1024],
    };
    channels
        .into_iter()
        .map(|channels| {
            let arch = ArchConfig::Conv {
                depth,
                channels,
                kernel: 5,
            };
            (format!("{channels} channels"), arch)
        })
        .collect()
}
