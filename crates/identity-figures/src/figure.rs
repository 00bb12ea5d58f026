//! Every figure of the paper, defined once: its number, what it shows, its title, and its
//! kind with the sweep it measures. From that: the networks it trains at a scale
//! ([`Figure::plan`]), its numbers ([`Figure::measure`]) and its claims ([`claims`]).

use crate::claim::Claim;
use crate::data::{Body, FigureData};
use crate::grid::Source;
use crate::heatmap::Measure;
use crate::input_sizes::{ALL_SIDES, Sizes};
use crate::layers::{LayerNet, State};
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{self, Rows, named_depth};
use crate::{
    collapse, eq1, grid, heatmap, input_sizes, layers, training_sizes, upper_subnetworks,
    weight_change,
};

/// Which networks a layers figure shows.
#[derive(Debug, Clone, Copy)]
pub enum LayerNets {
    /// Fig. 8: a random 20-layer ConvNet, then trained ones of 7, 14 and 20 layers.
    RandomAndTrained,
    /// Fig. 19-21: the trained ConvNet of this depth.
    Trained(usize),
    /// Fig. 29, 30: 5-layer ConvNets of 3 and many channels, in this state.
    NarrowAndWide(State),
}

impl LayerNets {
    fn nets(self, scale: Scale) -> Vec<LayerNet> {
        match self {
            LayerNets::RandomAndTrained => {
                let mut nets = vec![LayerNet::new(scale, 20, State::Initial)];
                nets.extend([7, 14, 20].map(|d| LayerNet::new(scale, d, State::Trained)));
                nets
            }
            LayerNets::Trained(depth) => vec![LayerNet::new(scale, depth, State::Trained)],
            LayerNets::NarrowAndWide(state) => {
                LayerNet::rows(sweeps::narrow_and_wide(scale), state)
            }
        }
    }
}

/// A kind of figure, with what it measures.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Fig. 1.
    Eq1,
    /// The test row answered by the networks of a sweep.
    Grid(Rows),
    /// Heatmaps against rho of the networks of a sweep.
    Heatmap(Rows, Measure),
    /// Intermediate layers; `true`: all three views of each layer.
    Layers(LayerNets, bool),
    /// Fig. 9.
    Collapse,
    /// Inputs of other sizes.
    InputSizes(fn(Scale) -> Sizes),
    /// Upper sub-networks, as `(depth, top layers)` cuts.
    UpperSubnetworks(fn(Scale) -> Vec<(usize, usize)>),
    /// Fig. 13.
    TrainingSizes,
    /// Weight change per layer of the networks of a sweep.
    WeightChange(Rows),
}

impl Kind {
    /// The name of its data's kind: the `kind` tag of [`Body`] in a figure file.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Eq1 => "eq1",
            Kind::Grid(_) => "grid",
            Kind::Heatmap(..) => "heatmap",
            Kind::Layers(..) => "layers",
            Kind::Collapse => "collapse",
            Kind::InputSizes(_) => "input_sizes",
            Kind::UpperSubnetworks(_) => "upper_subnetworks",
            Kind::TrainingSizes => "training_sizes",
            Kind::WeightChange(_) => "weight_change",
        }
    }

    /// Whether `body` is data of this kind.
    pub fn holds(self, body: &Body) -> bool {
        matches!(
            (self, body),
            (Kind::Eq1, Body::Eq1(_))
                | (Kind::Grid(_), Body::Grid(_))
                | (Kind::Heatmap(..), Body::Heatmap(_))
                | (Kind::Layers(..), Body::Layers(_))
                | (Kind::Collapse, Body::Collapse(_))
                | (Kind::InputSizes(_), Body::InputSizes(_))
                | (Kind::UpperSubnetworks(_), Body::UpperSubnetworks(_))
                | (Kind::TrainingSizes, Body::TrainingSizes(_))
                | (Kind::WeightChange(_), Body::WeightChange(_))
        )
    }
}

/// A figure of the paper.
#[derive(Debug, Clone, Copy)]
pub struct Figure {
    /// The paper's figure number.
    pub number: u32,
    /// What it shows, in a line.
    pub about: &'static str,
    /// Its title when drawn.
    pub title: &'static str,
    /// The first sentence of the paper's caption (the paper's words, spelling mended; Figures
    /// 16-18 share one caption, told apart after the colon).
    pub caption: &'static str,
    /// Its kind and sweep.
    pub kind: Kind,
    /// Whether the site's set of networks (`cargo xtask models`) trains this figure's networks
    /// on seed 0; they ship where they fit the site's size limits, and serve every figure
    /// whose data names them.
    pub ships_networks: bool,
}

impl Figure {
    const fn new(
        number: u32,
        about: &'static str,
        title: &'static str,
        caption: &'static str,
        kind: Kind,
    ) -> Self {
        Figure {
            number,
            about,
            title,
            caption,
            kind,
            ships_networks: false,
        }
    }

    /// The figure, with its networks trained for the site.
    const fn shipping_networks(self) -> Self {
        Figure {
            ships_networks: true,
            ..self
        }
    }

    /// The networks the figure trains at `scale`.
    pub fn plan(&self, scale: Scale) -> Vec<Planned> {
        match self.kind {
            Kind::Eq1 => eq1::plan(scale),
            Kind::Grid(rows) | Kind::Heatmap(rows, _) | Kind::WeightChange(rows) => {
                sweeps::planned(rows, scale)
            }
            Kind::Layers(nets, _) => layers::plan(nets.nets(scale)),
            Kind::Collapse => collapse::plan(scale),
            Kind::InputSizes(sizes) => input_sizes::plan(scale, &sizes(scale)),
            Kind::UpperSubnetworks(cuts) => upper_subnetworks::plan(scale, &cuts(scale)),
            Kind::TrainingSizes => training_sizes::plan(scale),
        }
    }

    /// Measures the figure, taking its trained networks from `networks`.
    pub async fn measure<N: Networks>(
        &self,
        setting: &Setting,
        networks: &mut N,
    ) -> Result<FigureData, N::Error> {
        let scale = setting.scale;
        let body = match self.kind {
            Kind::Eq1 => Body::Eq1(Box::new(eq1::measure(setting, networks).await?)),
            Kind::Grid(rows) => Body::Grid(grid::measure(setting, networks, rows).await?),
            Kind::Heatmap(rows, measure) => {
                Body::Heatmap(heatmap::measure(setting, networks, rows, measure).await?)
            }
            Kind::Layers(nets, all_views) => {
                Body::Layers(layers::measure(setting, networks, nets.nets(scale), all_views).await?)
            }
            Kind::Collapse => Body::Collapse(collapse::measure(setting, networks).await?),
            Kind::InputSizes(sizes) => {
                Body::InputSizes(input_sizes::measure(setting, networks, sizes(scale)).await?)
            }
            Kind::UpperSubnetworks(cuts) => Body::UpperSubnetworks(
                upper_subnetworks::measure(setting, networks, cuts(scale)).await?,
            ),
            Kind::TrainingSizes => {
                Body::TrainingSizes(training_sizes::measure(setting, networks).await?)
            }
            Kind::WeightChange(rows) => {
                Body::WeightChange(weight_change::measure(setting, networks, rows).await?)
            }
        };
        Ok(FigureData {
            figure: self.number,
            body,
        })
    }
}

/// The claims of a measured figure, judged from its numbers. A claim whose numbers are
/// missing at a scale (test scale drops rows) is left out; a figure that only shows pictures
/// gets a claim with no verdict that says so. A figure whose data is not of its kind (a file
/// from another version) has no claims.
pub fn claims(data: &FigureData) -> Vec<Claim> {
    let pictures = |claim: &str| vec![Claim::pictures_only(claim)];
    match (data.figure, &data.body) {
        (1, Body::Eq1(d)) => d.claims(),
        (2, Body::Grid(d)) => grid::linear_depth(&d.summaries()),
        (3, Body::Grid(d)) => [
            grid::two_layer(&d.summaries(), &d.orthogonal_summaries()),
            grid::bottom_only_on_non_digits(d),
        ]
        .concat(),
        (4, Body::Grid(d)) => grid::relu_depth(&d.summaries(), Source::TestRow),
        (5, Body::Heatmap(d)) => {
            let rows = d.summaries();
            [
                heatmap::linear_trend(&rows),
                grid::relu_depth(&rows, Source::RhoZero),
                grid::relu_faster_than_linear(&rows),
            ]
            .concat()
        }
        (6, Body::Grid(d)) => {
            let rows = d.summaries();
            [
                grid::conv_depth(&rows, Source::TestRow),
                grid::middle_depths_detect_edges(&rows, Source::TestRow),
            ]
            .concat()
        }
        (7, Body::Heatmap(d)) => {
            let rows = d.summaries();
            [
                grid::conv_depth(&rows, Source::RhoZero),
                // No edge claim here: at rho = 0 the inputs are white noise, whose edge map is
                // noise too; the edge score is measured (the heatmap's `edges`), not judged.
                grid::middle_depths_neither(&rows),
            ]
            .concat()
        }
        (8, Body::Layers(d)) => [d.random_and_trained(), d.less_blurry()].concat(),
        (9, Body::Collapse(d)) => d.claims(),
        (10, Body::InputSizes(d)) => d.small_and_large(),
        (11, Body::InputSizes(d)) => d.constant_range(),
        (12, Body::UpperSubnetworks(d)) => d.distinct_from_15(),
        (13, Body::TrainingSizes(d)) => d.claims(),
        (14 | 26, Body::Grid(d)) => grid::kernels(&d.summaries(), Source::TestRow),
        (25, Body::Heatmap(d)) => grid::kernels(&d.summaries(), Source::RhoZero),
        (15, Body::Grid(d)) => grid::channels(&d.summaries(), Source::TestRow),
        (27, Body::Heatmap(d)) => grid::channels(&d.summaries(), Source::RhoZero),
        (16, Body::WeightChange(d)) => [d.lower_change_less(), d.deepest_not_near_zero()].concat(),
        (17, Body::WeightChange(d)) => d.lower_change_less(),
        (18, Body::WeightChange(d)) => {
            [d.lower_change_less(), d.deepest_lower_near_zero(5)].concat()
        }
        (19, Body::Layers(d)) => d.output_layer(7, "outputs its input", true, true),
        (20, Body::Layers(d)) => d.output_layer(14, "does not learn the identity", true, false),
        (21, Body::Layers(d)) => d.output_layer(20, "outputs the training digit", false, true),
        (22, Body::InputSizes(d)) => d.larger_inputs(),
        (23, Body::UpperSubnetworks(_)) => {
            pictures("the top two layers show how each network finishes its answer")
        }
        (24, Body::UpperSubnetworks(d)) => d.upper_half_constructs(),
        (28, Body::Grid(d)) => grid::three_channels(&d.summaries()),
        (29, Body::Layers(d)) => d.wide_smoother_at_initialization(),
        (30, Body::Layers(d)) => d.narrow_and_wide(),
        (31..=33, Body::Heatmap(d)) => [
            heatmap::mse_pattern(&d.summaries()),
            d.mse_agrees_with_correlation(),
        ]
        .concat(),
        _ => vec![],
    }
}

/// The upper-sub-network cuts of Fig. 24: the top 3, 6 and 10 layers of the 20-layer net.
fn top_of_twenty(scale: Scale) -> Vec<(usize, usize)> {
    let depth = named_depth(scale, 20);
    [3, 6, 10].map(|top| (depth, top.min(depth))).to_vec()
}

/// Every figure, in the paper's order.
pub fn all() -> Vec<Figure> {
    vec![
        Figure::new(
            1,
            "the 1-layer linear net beside the closed form of eq. (1)",
            "Fig. 1: f(x) = Wx trained on one digit, and eq. (1) from its own W0",
            "Visualization of the predictions from a trained one-layer linear network.",
            Kind::Eq1,
        )
        .shipping_networks(),
        Figure::new(
            2,
            "linear FCN predictions on the test row, by depth (and one width)",
            "Fig. 2: multi-layer linear nets trained on one digit",
            "Visualization of predictions from trained multi-layer linear networks.",
            Kind::Grid(sweeps::linear_rows),
        ),
        Figure::new(
            3,
            "2-layer ReLU predictions: bottom layer only vs both layers trained",
            "Fig. 3: 2-layer ReLU nets trained on one digit",
            "Visualization of predictions from two-layer ReLU networks.",
            Kind::Grid(sweeps::two_layer_rows),
        ),
        Figure::new(
            4,
            "ReLU FCN predictions on the test row, by depth",
            "Fig. 4: ReLU FCNs trained on one digit",
            "Visualization of predictions from multi-layer ReLU networks.",
            Kind::Grid(sweeps::relu_rows),
        )
        .shipping_networks(),
        Figure::new(
            5,
            "FCN heatmaps: correlation to identity and constant vs rho",
            "Fig. 5: FCNs (rows: hidden layers)",
            "Quantitative evaluation of the learned model on randomly generated test samples at various angles (correlation) to the training image.",
            Kind::Heatmap(sweeps::fcn_rows, Measure::Correlation),
        )
        .shipping_networks(),
        Figure::new(
            6,
            "ConvNet predictions on the test row, by depth",
            "Fig. 6: ConvNets trained on one digit",
            "Visualization of predictions from ConvNets trained with one MNIST example.",
            Kind::Grid(sweeps::conv_rows),
        )
        .shipping_networks(),
        Figure::new(
            7,
            "ConvNet heatmaps: correlation to identity and constant vs rho",
            "Fig. 7: ConvNets, 5x5 kernels (rows: depth)",
            "Evaluation of the predictions of ConvNets on test examples at different angle to the training image.",
            Kind::Heatmap(sweeps::conv_rows, Measure::Correlation),
        )
        .shipping_networks(),
        Figure::new(
            8,
            "the layers of a random 20-layer ConvNet and of trained 7-, 14- and 20-layer ones (top singular vector)",
            "Fig. 8: ConvNet layers (top singular vector across channels)",
            "Visualization the intermediate layers of ConvNets with different number of layers.",
            Kind::Layers(LayerNets::RandomAndTrained, false),
        )
        .shipping_networks(),
        Figure::new(
            9,
            "representation collapse: layerwise error of the averaging classifier",
            "Fig. 9: error of the correlation-weighted averaging classifier",
            "Measure of the representation collapsing at each layer for trained ConvNets with different depth.",
            Kind::Collapse,
        ),
        Figure::new(
            10,
            "a 5-layer ConvNet on 7 x 7 and 112 x 112 inputs",
            "Fig. 10: a 5-layer ConvNet trained at 28 x 28, on 7 x 7 and 112 x 112 inputs",
            "Visualization of a 5-layer ConvNet on test images of different sizes.",
            Kind::InputSizes(|scale| Sizes {
                depths: vec![named_depth(scale, 5)],
                sides: vec![7, 112],
                inputs_shown: true,
            }),
        )
        .shipping_networks(),
        Figure::new(
            11,
            "a 20-layer ConvNet on inputs of 7 x 7 to 112 x 112 (the 5-layer one measured beside it)",
            "Fig. 11: a 20-layer ConvNet trained at 28 x 28, on inputs of 7 x 7 to 112 x 112",
            "Visualization of the predictions of a 20-layer ConvNet on test images of different sizes.",
            Kind::InputSizes(|scale| Sizes {
                depths: vec![named_depth(scale, 20), named_depth(scale, 5)],
                sides: ALL_SIDES.to_vec(),
                inputs_shown: false,
            }),
        )
        .shipping_networks(),
        Figure::new(
            12,
            "the top layer of trained ConvNets of every depth, fed the input directly",
            "Fig. 12: the top layer of trained ConvNets, fed the input directly",
            "Visualizing only the final layer in trained networks.",
            Kind::UpperSubnetworks(upper_subnetworks::around_15),
        ),
        Figure::new(
            13,
            "mean correlation to constant and identity by depth, for training images of several sizes",
            "Fig. 13: mean correlation by depth, trained at several image sizes",
            "Comparing bias towards constant and identity when trained with different image sizes.",
            Kind::TrainingSizes,
        ),
        Figure::new(
            14,
            "ConvNet predictions on the test row, for a few kernel sizes",
            "Fig. 14: 5-layer ConvNets of a few kernel sizes",
            "Inductive bias of a 5-layer ConvNet with varying convolutional filter size.",
            Kind::Grid(sweeps::few_kernel_rows),
        ),
        Figure::new(
            15,
            "ConvNet predictions on the test row, by channel count",
            "Fig. 15: 5-layer ConvNets, by channels",
            "Visualization of the predictions from 5-layer ConvNets with various number of hidden channels.",
            Kind::Grid(sweeps::channel_rows),
        ),
        Figure::new(
            16,
            "relative l2 change of each layer's weights, ConvNets",
            "Fig. 16: ConvNets, relative l2 change per layer",
            "The relative l2 distance of the weight and bias tensors before and after training at each layer: ConvNets at different depth.",
            Kind::WeightChange(sweeps::weight_change_conv_rows),
        ),
        Figure::new(
            17,
            "relative l2 change of each layer's weights, linear FCNs",
            "Fig. 17: linear FCNs, relative l2 change per layer",
            "The relative l2 distance of the weight and bias tensors before and after training at each layer: linear fully connected networks with different number of hidden layers.",
            Kind::WeightChange(sweeps::linear_fcn_rows),
        ),
        Figure::new(
            18,
            "relative l2 change of each layer's weights, ReLU FCNs",
            "Fig. 18: ReLU FCNs, relative l2 change per layer",
            "The relative l2 distance of the weight and bias tensors before and after training at each layer: fully connected networks with ReLU activation with different number of hidden layers.",
            Kind::WeightChange(sweeps::relu_rows),
        ),
        Figure::new(
            19,
            "the layers of the trained 7-layer ConvNet, three views each",
            "Fig. 19: the layers of the trained 7-layer ConvNet (three views of each)",
            "Visualizing the intermediate layers of a trained 7-layer ConvNet.",
            Kind::Layers(LayerNets::Trained(7), true),
        ),
        Figure::new(
            20,
            "the layers of the trained 14-layer ConvNet, three views each",
            "Fig. 20: the layers of the trained 14-layer ConvNet (three views of each)",
            "Visualizing the intermediate layers of a trained 14-layer ConvNet.",
            Kind::Layers(LayerNets::Trained(14), true),
        ),
        Figure::new(
            21,
            "the layers of the trained 20-layer ConvNet, three views each",
            "Fig. 21: the layers of the trained 20-layer ConvNet (three views of each)",
            "Visualizing the intermediate layers of a trained 20-layer ConvNet.",
            Kind::Layers(LayerNets::Trained(20), true),
        ),
        Figure::new(
            22,
            "a 5-layer ConvNet on inputs of 7 x 7 to 112 x 112",
            "Fig. 22: a 5-layer ConvNet trained at 28 x 28, on inputs of 7 x 7 to 112 x 112",
            "Visualization of a 5-layer ConvNet on test images of different sizes.",
            Kind::InputSizes(|scale| Sizes {
                depths: vec![named_depth(scale, 5)],
                sides: ALL_SIDES.to_vec(),
                inputs_shown: true,
            }),
        ),
        Figure::new(
            23,
            "the top two layers of trained ConvNets of every depth, fed the input directly",
            "Fig. 23: the top two layers of trained ConvNets, fed the input directly",
            "Visualizing only the top two layers in trained networks.",
            Kind::UpperSubnetworks(|scale| upper_subnetworks::every_depth(scale, 2)),
        ),
        Figure::new(
            24,
            "the top 3, 6 and 10 layers of the trained 20-layer ConvNet, fed the input directly",
            "Fig. 24: the top 3, 6 and 10 layers of the 20-layer ConvNet, fed the input directly",
            "Visualizing the top 3 layers, 6 layers and 10 layers of a 20-layer ConvNet.",
            Kind::UpperSubnetworks(top_of_twenty),
        ),
        Figure::new(
            25,
            "ConvNet heatmaps by kernel size",
            "Fig. 25: 5-layer ConvNets (rows: kernel size)",
            "Inductive bias of a 5-layer ConvNet with varying convolutional filter size.",
            Kind::Heatmap(sweeps::kernel_rows, Measure::Correlation),
        ),
        Figure::new(
            26,
            "ConvNet predictions on the test row, every kernel size",
            "Fig. 26: 5-layer ConvNets of every kernel size",
            "Visualizing the predictions from ConvNets with various filter sizes.",
            Kind::Grid(sweeps::kernel_rows),
        ),
        Figure::new(
            27,
            "ConvNet heatmaps by channel count",
            "Fig. 27: 5-layer ConvNets (rows: channels)",
            "Correlation to the constant and the identity function for different convolution channels in a 5-layer ConvNet.",
            Kind::Heatmap(sweeps::channel_rows, Measure::Correlation),
        ),
        Figure::new(
            28,
            "3-channel ConvNet predictions on the test row, by depth",
            "Fig. 28: ConvNets with 3 channels",
            "Visualization predictions from ConvNets with 3 convolution channels and with various number of layers.",
            Kind::Grid(sweeps::three_channel_rows),
        ),
        Figure::new(
            29,
            "the layers of 5-layer ConvNets of 3 and many channels at random initialisation",
            "Fig. 29: the layers of 5-layer ConvNets of 3 and many channels, at random initialisation",
            "Visualizing the randomly initialized models to compare two 5-layer ConvNets with 3 convolution channels per layer and 128 convolution channels per layer, respectively.",
            Kind::Layers(LayerNets::NarrowAndWide(State::Initial), false),
        ),
        Figure::new(
            30,
            "the layers of 5-layer ConvNets of 3 and many channels, trained",
            "Fig. 30: the layers of 5-layer ConvNets of 3 and many channels, trained",
            "Comparing two 5-layer ConvNets with 3 convolution channels per layer and 128 convolution channels per layer, respectively.",
            Kind::Layers(LayerNets::NarrowAndWide(State::Trained), false),
        ),
        Figure::new(
            31,
            "linear FCN heatmaps in MSE instead of correlation (App. I)",
            "Fig. 31: linear FCNs, MSE (rows: hidden layers)",
            "Quantitative evaluation of linear FCNs, in MSE instead of correlation.",
            Kind::Heatmap(sweeps::linear_fcn_rows, Measure::Mse),
        ),
        Figure::new(
            32,
            "ReLU FCN heatmaps in MSE instead of correlation (App. I)",
            "Fig. 32: ReLU FCNs, MSE (rows: hidden layers)",
            "Quantitative evaluation of ReLU FCNs, in MSE instead of correlation.",
            Kind::Heatmap(sweeps::relu_rows, Measure::Mse),
        ),
        Figure::new(
            33,
            "ConvNet heatmaps in MSE instead of correlation (App. I)",
            "Fig. 33: ConvNets, MSE (rows: depth)",
            "Quantitative evaluation of ConvNets, in MSE instead of correlation.",
            Kind::Heatmap(sweeps::conv_rows, Measure::Mse),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use identity_core::ArchConfig;
    use identity_core::rho::Probes;

    use super::*;
    use crate::answers::{Answers, Inputs};
    use crate::claim::Verdict;
    use crate::grid::{Grid, GridRow, Orthogonal};
    use identity_core::heatmap::HeatmapRow as Means;

    use crate::heatmap::{Heatmap, HeatmapRow};
    use crate::net::Net;

    fn net(depth: usize) -> Net {
        Net::conv_for_tests(depth)
    }

    fn heat(rows: &[(usize, f32, f32)]) -> FigureData {
        FigureData {
            figure: 7,
            body: Body::Heatmap(Heatmap {
                measure: Measure::Correlation,
                rhos: vec![0.0, 1.0],
                probes_per_rho: 2,
                probes: Probes::Pearson,
                rows: rows
                    .iter()
                    .map(|&(depth, identity, constant)| HeatmapRow {
                        network: net(depth),
                        means: Means {
                            identity: vec![Some(identity), Some(0.0)],
                            constant: vec![Some(constant), Some(0.0)],
                            edges: vec![],
                            mse_identity: vec![0.0, 0.0],
                            mse_constant: vec![0.0, 0.0],
                        },
                    })
                    .collect(),
            }),
        }
    }

    #[test]
    fn the_conv_depth_claims_read_the_rho_zero_column_and_can_fail() {
        let verdicts = |data: &FigureData| -> Vec<Verdict> {
            claims(data).iter().map(|c| c.verdict).collect()
        };
        let holds = heat(&[(1, 0.95, 0.1), (5, 0.85, 0.2), (20, 0.1, 0.9)]);
        assert_eq!(verdicts(&holds), [Verdict::Holds, Verdict::Holds]);
        let fails = heat(&[(1, 0.95, 0.1), (5, 0.6, 0.2), (20, 0.3, 0.5)]);
        assert_eq!(
            verdicts(&fails),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
    }

    #[test]
    fn test_row_means_leave_out_the_training_digit_and_the_mix() {
        let inputs = Inputs {
            names: ["training", "mix", "mnist:0", "noise"]
                .map(String::from)
                .to_vec(),
            pictures: vec![],
        };
        let answers = Answers {
            identity: vec![Some(1.0), Some(1.0), Some(0.2), Some(0.4), None],
            constant: vec![Some(0.0); 5],
            edges: vec![],
            mse_identity: vec![0.0; 5],
            mse_constant: vec![0.0; 5],
            outputs: vec![],
        };
        // The blank input's undefined identity is left out, not counted as 0.
        let inputs = Inputs {
            names: ["training", "mix", "mnist:0", "noise", "blank"]
                .map(String::from)
                .to_vec(),
            ..inputs
        };
        let (identity, constant) = answers.unseen_means(&inputs);
        assert!((identity.unwrap() - 0.3).abs() < 1e-6, "{identity:?}");
        assert_eq!(constant, Some(0.0));
    }

    #[test]
    fn missing_rows_give_no_claim_rather_than_a_verdict() {
        assert!(claims(&heat(&[])).is_empty());
        let empty_grid = |figure| FigureData {
            figure,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: vec![],
                    pictures: vec![],
                },
                rows: vec![],
            }),
        };
        for figure in [2, 3, 4, 6, 14, 15, 28] {
            assert!(claims(&empty_grid(figure)).is_empty(), "figure {figure}");
        }
        // Data of another kind than the figure's: no claim, never a wrong one.
        assert!(
            claims(&FigureData {
                figure: 2,
                ..heat(&[(1, 1.0, 0.0)])
            })
            .is_empty()
        );
    }

    #[test]
    fn a_grid_claim_holds_and_fails_with_its_numbers() {
        let grid = |deep_constant: f32| FigureData {
            figure: 6,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: ["training", "mnist:0"].map(String::from).to_vec(),
                    pictures: vec![],
                },
                rows: [(1, 0.9, 0.1), (20, 0.1, deep_constant)]
                    .iter()
                    .map(|&(depth, identity, constant)| GridRow {
                        network: net(depth),
                        answers: Answers {
                            identity: vec![Some(1.0), Some(identity)],
                            constant: vec![Some(1.0), Some(constant)],
                            edges: vec![],
                            mse_identity: vec![0.0; 2],
                            mse_constant: vec![0.0; 2],
                            outputs: vec![],
                        },
                        orthogonal: None,
                    })
                    .collect(),
            }),
        };
        let verdict = |c: f32| {
            claims(&grid(c))
                .iter()
                .map(|c| c.verdict)
                .collect::<Vec<_>>()
        };
        assert_eq!(verdict(0.95), [Verdict::Holds, Verdict::Holds]);
        assert_eq!(verdict(0.5), [Verdict::Holds, Verdict::DoesNotHold]);
    }

    #[test]
    fn a_network_that_did_not_fit_supports_no_claim() {
        // The 20-layer net answers with the '7' everywhere, but never fit its training image
        // (a dead network's flat output can look like anything): "did not train", not "holds".
        let mut data = heat(&[(1, 0.95, 0.1), (5, 0.85, 0.2), (20, 0.1, 0.9)]);
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[2].network.final_loss = 0.06;
        }
        let got = claims(&data);
        assert_eq!(got[0].verdict, Verdict::Holds);
        assert_eq!(got[1].verdict, Verdict::DidNotTrain, "{}", got[1].measured);
        assert!(
            got[1].measured.contains("20 layers final loss 6.0e-2"),
            "{}",
            got[1].measured
        );
        // A NaN loss is no fit either.
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[2].network.final_loss = f32::NAN;
        }
        assert_eq!(claims(&data)[1].verdict, Verdict::DidNotTrain);
    }

    #[test]
    fn an_undefined_identity_among_the_shallow_nets_fails_the_claim() {
        // The 3-layer net's identity is undefined (a flat output): it is the lowest, and no
        // threshold admits it, even beside a perfect 1-layer net.
        let mut data = heat(&[(1, 0.95, 0.1), (3, 0.9, 0.1), (20, 0.1, 0.9)]);
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[1].means.identity[0] = None;
        }
        let got = claims(&data);
        assert_eq!(got[0].verdict, Verdict::DoesNotHold, "{}", got[0].measured);
        assert!(
            got[0].measured.contains("lowest identity n/a (3 layers)"),
            "{}",
            got[0].measured
        );
    }

    #[test]
    fn fig_3_judges_eq_2_on_inputs_orthogonal_in_the_raw_sense() {
        // (bottom only, test-row constant, orthogonal constant) for the two nets of width 64.
        let grid = |bottom_orthogonal: f32, both_orthogonal: f32| FigureData {
            figure: 3,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: ["mnist:0"].map(String::from).to_vec(),
                    pictures: vec![],
                },
                rows: [
                    (true, 0.5, bottom_orthogonal),
                    (false, 0.9, both_orthogonal),
                ]
                .iter()
                .map(|&(train_bottom_only, constant, orthogonal)| GridRow {
                    network: Net {
                        label: format!("{train_bottom_only}"),
                        arch: ArchConfig::Relu {
                            hidden: vec![64],
                            train_bottom_only,
                        },
                        final_loss: 1e-5,
                        steps: 100,
                        id: String::new(),
                        params: None,
                    },
                    answers: Answers {
                        identity: vec![Some(0.1)],
                        constant: vec![Some(constant)],
                        edges: vec![],
                        mse_identity: vec![0.0],
                        mse_constant: vec![0.0],
                        outputs: vec![],
                    },
                    orthogonal: Some(Orthogonal {
                        probes: 2,
                        identity: Some(0.0),
                        constant: Some(orthogonal),
                    }),
                })
                .collect(),
            }),
        };
        let verdicts = |data: &FigureData| -> Vec<(String, Verdict)> {
            claims(data)
                .iter()
                .map(|c| (c.claim.clone(), c.verdict))
                .collect()
        };
        let holds = verdicts(&grid(0.05, 0.9));
        assert_eq!(holds.len(), 4, "{holds:?}");
        assert!(holds.iter().all(|(_, v)| *v == Verdict::Holds), "{holds:?}");
        assert!(holds[2].0.contains("x̂ᵀx = 0"), "{}", holds[2].0);
        // The bottom-only net answering the '7' off the digit contradicts eq. (2), and a
        // both-layers net less constant than it breaks the comparison.
        let fails = verdicts(&grid(0.85, 0.3));
        assert_eq!(
            fails.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [
                Verdict::Holds,
                Verdict::Holds,
                Verdict::DoesNotHold,
                Verdict::DoesNotHold
            ]
        );
        // A file without the orthogonal inputs gives only the test-row claims.
        let mut old = grid(0.05, 0.9);
        if let Body::Grid(g) = &mut old.body {
            g.rows.iter_mut().for_each(|r| r.orthogonal = None);
        }
        assert_eq!(verdicts(&old).len(), 2);
    }

    #[test]
    fn fig_28_is_judged_on_both_sides_of_8_layers() {
        let grid = |losses: &[(usize, f32)]| FigureData {
            figure: 28,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: vec![],
                    pictures: vec![],
                },
                rows: losses
                    .iter()
                    .map(|&(depth, loss)| GridRow {
                        network: Net {
                            final_loss: loss,
                            ..net(depth)
                        },
                        answers: Answers {
                            identity: vec![],
                            constant: vec![],
                            edges: vec![],
                            mse_identity: vec![],
                            mse_constant: vec![],
                            outputs: vec![],
                        },
                        orthogonal: None,
                    })
                    .collect(),
            }),
        };
        let verdicts = |losses: &[(usize, f32)]| {
            claims(&grid(losses))
                .iter()
                .map(|c| c.verdict)
                .collect::<Vec<_>>()
        };
        // The paper: 5-8 layers converge, deeper ones do not.
        assert_eq!(
            verdicts(&[(5, 1e-4), (8, 2e-4), (10, 0.05), (20, 0.08)]),
            [Verdict::Holds, Verdict::Holds]
        );
        // Everything from 5 layers on dead: the first side fails, and so does the contrast
        // (the deeper nets failing is no finding when the shallower fail too).
        assert_eq!(
            verdicts(&[(5, 0.09), (8, 0.07), (10, 0.05), (20, 0.08)]),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
        // As many fit beyond 8 layers as from 5 to 8: no contrast.
        assert_eq!(
            verdicts(&[(5, 1e-4), (8, 0.07), (10, 1e-4), (20, 0.08)]),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
    }

    #[test]
    fn the_middle_depths_and_the_relu_linear_claims_can_fail() {
        let verdicts = |data: &FigureData| -> Vec<Verdict> {
            claims(data).iter().map(|c| c.verdict).collect()
        };
        // Fig. 7: the 10-layer net learning the identity breaks "middle depths learn neither".
        let mut neither = heat(&[(1, 0.95, 0.1), (10, 0.3, 0.3), (20, 0.1, 0.9)]);
        assert_eq!(verdicts(&neither)[2], Verdict::Holds);
        if let Body::Heatmap(h) = &mut neither.body {
            h.rows[1].means.identity[0] = Some(0.9);
        }
        assert_eq!(verdicts(&neither)[2], Verdict::DoesNotHold);
        // Fig. 5: ReLU reaches the constant at 3 hidden layers, linear only at 5 (holds), or
        // the other way round (does not hold).
        let fcns = |relu_first: usize, linear_first: usize| {
            let row = |arch: ArchConfig, depth: usize, first: usize| HeatmapRow {
                network: Net {
                    label: format!("{depth}"),
                    arch,
                    final_loss: 1e-5,
                    steps: 100,
                    id: String::new(),
                    params: None,
                },
                means: Means {
                    identity: vec![Some(0.1)],
                    constant: vec![Some(if depth >= first { 0.9 } else { 0.3 })],
                    edges: vec![],
                    mse_identity: vec![0.0],
                    mse_constant: vec![0.0],
                },
            };
            let mut rows = Vec::new();
            for depth in [1, 3, 5] {
                rows.push(row(
                    ArchConfig::Linear {
                        hidden: vec![8; depth],
                    },
                    depth,
                    linear_first,
                ));
            }
            for depth in [1, 3, 5] {
                rows.push(row(
                    ArchConfig::Relu {
                        hidden: vec![8; depth],
                        train_bottom_only: false,
                    },
                    depth,
                    relu_first,
                ));
            }
            FigureData {
                figure: 5,
                body: Body::Heatmap(Heatmap {
                    measure: Measure::Correlation,
                    rhos: vec![0.0],
                    probes_per_rho: 2,
                    probes: Probes::Pearson,
                    rows,
                }),
            }
        };
        let faster = |data: &FigureData| claims(data).last().unwrap().verdict;
        assert_eq!(faster(&fcns(3, 5)), Verdict::Holds);
        assert_eq!(faster(&fcns(5, 3)), Verdict::DoesNotHold);
    }

    #[test]
    fn figure_data_round_trips_through_json_and_a_wrong_shape_is_refused() {
        let data = heat(&[(1, 0.9, 0.1)]);
        let json = serde_json::to_string(&data).unwrap();
        assert!(json.contains(r#""kind":"heatmap""#), "{json}");
        assert_eq!(serde_json::from_str::<FigureData>(&json).unwrap(), data);
        let drifted = json.replace(r#""rhos""#, r#""rho""#);
        assert!(serde_json::from_str::<FigureData>(&drifted).is_err());
    }
}
