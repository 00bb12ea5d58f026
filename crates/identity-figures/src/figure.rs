//! Every figure of the paper, defined once: its number, what it shows, its title, and its
//! kind with the sweep it measures. From that: the networks it trains at a scale
//! ([`Figure::plan`]) and its numbers ([`Figure::measure`]); its claims are
//! [`crate::figure_claims`]'s.

use crate::data::{Body, FigureData};
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

    /// The networks the figure trains at `scale`, its channel sweep at most `widest`
    /// channels wide ([`sweeps::within`]).
    pub fn plan(&self, scale: Scale, widest: Option<usize>) -> Vec<Planned> {
        match self.kind {
            Kind::Eq1 => eq1::plan(scale),
            Kind::Grid(rows) | Kind::Heatmap(rows, _) | Kind::WeightChange(rows) => {
                sweeps::planned(rows, scale, widest)
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
