//! Every figure of the paper, in its order, and the kinds of figure several share:
//! prediction grids on the test row and heatmaps against rho. Figures of their own kind live
//! in the sibling modules named after what they show; the networks of each sweep are in
//! [`sweeps`](super::sweeps).

use std::fmt::Write;
use std::path::Path;

use identity_core::ArchConfig;
use identity_core::closed_form::eq1_prediction;
use identity_core::gallery::{TestInput, test_row};
use identity_core::heatmap::heatmap;
use identity_core::measure::{Answer, answers, pearson};
use serde_json::{Value, json};

use super::intermediate_layers::{self, LayerNet, State};
use super::plot::{GridRow, HeatmapPanel, heatmaps, image_grid};
use super::sweeps::{self, Rows, named_depth};
use super::{
    Context, Figure, Output, Planned, Scale, input_sizes, representation_collapse, training_sizes,
    upper_subnetworks, weight_change,
};
use crate::common::CliError;

/// Every figure, in the paper's order.
pub fn all() -> Vec<Figure> {
    vec![
        Figure::new(
            1,
            "the 1-layer linear net beside the closed form of eq. (1)",
            |_| vec![Planned::at_28(ArchConfig::Linear { hidden: vec![] })],
            fig1,
        ),
        grid(
            2,
            "linear FCN predictions on the test row, by depth (and one width)",
            "Fig. 2: multi-layer linear nets trained on one digit",
            sweeps::linear_rows,
        ),
        grid(
            3,
            "2-layer ReLU predictions: bottom layer only vs both layers trained",
            "Fig. 3: 2-layer ReLU nets trained on one digit",
            sweeps::two_layer_rows,
        ),
        grid(
            4,
            "ReLU FCN predictions on the test row, by depth",
            "Fig. 4: ReLU FCNs trained on one digit",
            sweeps::relu_rows,
        ),
        heat(
            5,
            "FCN heatmaps: correlation to identity and constant vs rho",
            "Fig. 5: FCNs (rows: hidden layers)",
            sweeps::fcn_rows,
            Measure::Correlation,
        ),
        grid(
            6,
            "ConvNet predictions on the test row, by depth",
            "Fig. 6: ConvNets trained on one digit",
            sweeps::conv_rows,
        ),
        heat(
            7,
            "ConvNet heatmaps: correlation to identity and constant vs rho",
            "Fig. 7: ConvNets, 5x5 kernels (rows: depth)",
            sweeps::conv_rows,
            Measure::Correlation,
        ),
        intermediate_layers::figure(
            8,
            "the layers of a random 20-layer ConvNet and of trained 7-, 14- and 20-layer ones (top singular vector)",
            |scale| {
                let mut nets = vec![LayerNet::new(scale, 20, State::Initial)];
                nets.extend([7, 14, 20].map(|d| LayerNet::new(scale, d, State::Trained)));
                nets
            },
            false,
        ),
        Figure::new(
            9,
            "representation collapse: layerwise error of the averaging classifier",
            representation_collapse::plan,
            representation_collapse::fig9,
        ),
        input_sizes::figure(
            10,
            "a 5-layer ConvNet on 7 x 7 and 112 x 112 inputs",
            |scale| input_sizes::Sizes {
                depths: vec![named_depth(scale, 5)],
                sides: vec![7, 112],
                inputs_shown: true,
            },
        ),
        input_sizes::figure(
            11,
            "a 20-layer ConvNet on inputs of 7 x 7 to 112 x 112 (the 5-layer one measured beside it)",
            |scale| input_sizes::Sizes {
                depths: vec![named_depth(scale, 20), named_depth(scale, 5)],
                sides: input_sizes::ALL_SIDES.to_vec(),
                inputs_shown: false,
            },
        ),
        upper_subnetworks::figure(
            12,
            "the top layer of trained ConvNets of every depth, fed the input directly",
            |scale| upper_subnetworks::every_depth(scale, 1),
        ),
        Figure::new(
            13,
            "mean correlation to constant and identity by depth, for training images of several sizes",
            training_sizes::plan,
            training_sizes::fig13,
        ),
        grid(
            14,
            "ConvNet predictions on the test row, for a few kernel sizes",
            "Fig. 14: 5-layer ConvNets, by kernel size",
            sweeps::few_kernel_rows,
        ),
        grid(
            15,
            "ConvNet predictions on the test row, by channel count",
            "Fig. 15: 5-layer ConvNets, by channels",
            sweeps::channel_rows,
        ),
        weight_change::figure(
            16,
            "relative l2 change of each layer's weights, ConvNets",
            "Fig. 16: ConvNets, relative l2 change per layer",
            weight_change::conv_rows,
        ),
        weight_change::figure(
            17,
            "relative l2 change of each layer's weights, linear FCNs",
            "Fig. 17: linear FCNs, relative l2 change per layer",
            sweeps::linear_fcn_rows,
        ),
        weight_change::figure(
            18,
            "relative l2 change of each layer's weights, ReLU FCNs",
            "Fig. 18: ReLU FCNs, relative l2 change per layer",
            sweeps::relu_rows,
        ),
        trained_layers(
            19,
            7,
            "the layers of the trained 7-layer ConvNet, three views each",
        ),
        trained_layers(
            20,
            14,
            "the layers of the trained 14-layer ConvNet, three views each",
        ),
        trained_layers(
            21,
            20,
            "the layers of the trained 20-layer ConvNet, three views each",
        ),
        input_sizes::figure(
            22,
            "a 5-layer ConvNet on inputs of 7 x 7 to 112 x 112",
            |scale| input_sizes::Sizes {
                depths: vec![named_depth(scale, 5)],
                sides: input_sizes::ALL_SIDES.to_vec(),
                inputs_shown: true,
            },
        ),
        upper_subnetworks::figure(
            23,
            "the top two layers of trained ConvNets of every depth, fed the input directly",
            |scale| upper_subnetworks::every_depth(scale, 2),
        ),
        upper_subnetworks::figure(
            24,
            "the top 3, 6 and 10 layers of the trained 20-layer ConvNet, fed the input directly",
            |scale| {
                let depth = named_depth(scale, 20);
                [3, 6, 10].map(|top| (depth, top.min(depth))).to_vec()
            },
        ),
        heat(
            25,
            "ConvNet heatmaps by kernel size",
            "Fig. 25: 5-layer ConvNets (rows: kernel size)",
            sweeps::kernel_rows,
            Measure::Correlation,
        ),
        grid(
            26,
            "ConvNet predictions on the test row, every kernel size",
            "Fig. 26: 5-layer ConvNets, by kernel size",
            sweeps::kernel_rows,
        ),
        heat(
            27,
            "ConvNet heatmaps by channel count",
            "Fig. 27: 5-layer ConvNets (rows: channels)",
            sweeps::channel_rows,
            Measure::Correlation,
        ),
        grid(
            28,
            "3-channel ConvNet predictions on the test row, by depth",
            "Fig. 28: ConvNets with 3 channels",
            sweeps::three_channel_rows,
        ),
        intermediate_layers::figure(
            29,
            "the layers of 5-layer ConvNets of 3 and many channels at random initialisation",
            |scale| LayerNet::rows(sweeps::narrow_and_wide(scale), State::Initial),
            false,
        ),
        intermediate_layers::figure(
            30,
            "the layers of 5-layer ConvNets of 3 and many channels, trained",
            |scale| LayerNet::rows(sweeps::narrow_and_wide(scale), State::Trained),
            false,
        ),
        heat(
            31,
            "linear FCN heatmaps in MSE instead of correlation (App. I)",
            "Fig. 31: linear FCNs, MSE (rows: hidden layers)",
            sweeps::linear_fcn_rows,
            Measure::Mse,
        ),
        heat(
            32,
            "ReLU FCN heatmaps in MSE instead of correlation (App. I)",
            "Fig. 32: ReLU FCNs, MSE (rows: hidden layers)",
            sweeps::relu_rows,
            Measure::Mse,
        ),
        heat(
            33,
            "ConvNet heatmaps in MSE instead of correlation (App. I)",
            "Fig. 33: ConvNets, MSE (rows: depth)",
            sweeps::conv_rows,
            Measure::Mse,
        ),
    ]
}

/// Fig. 19-21: every view of the layers of one trained ConvNet.
fn trained_layers(number: u32, depth: usize, about: &'static str) -> Figure {
    intermediate_layers::figure(
        number,
        about,
        move |scale| vec![LayerNet::new(scale, depth, State::Trained)],
        true,
    )
}

/// The networks of `rows` as a plan.
pub(super) fn planned(rows: Rows) -> impl Fn(Scale) -> Vec<Planned> {
    move |scale| {
        rows(scale)
            .into_iter()
            .map(|(_, arch)| Planned::at_28(arch))
            .collect()
    }
}

fn grid(number: u32, about: &'static str, title: &'static str, rows: Rows) -> Figure {
    Figure::new(number, about, planned(rows), move |ctx, png| {
        let archs = rows(ctx.scale);
        prediction_grid(ctx, png, number, title, archs)
    })
}

fn heat(
    number: u32,
    about: &'static str,
    title: &'static str,
    rows: Rows,
    measure: Measure,
) -> Figure {
    Figure::new(number, about, planned(rows), move |ctx, png| {
        let archs = rows(ctx.scale);
        heatmap_figure(ctx, png, number, title, archs, measure)
    })
}

/// The rho columns of the heatmaps.
pub(super) fn rhos(scale: Scale) -> Vec<f32> {
    match scale {
        Scale::Test => vec![0.0, 0.5, 1.0],
        Scale::Quick | Scale::Paper => (0..=8).map(|i| i as f32 / 8.0).collect(),
    }
}

pub(super) fn probes_per_rho(scale: Scale) -> usize {
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
