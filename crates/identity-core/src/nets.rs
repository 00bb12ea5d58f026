//! The networks of the paper, built from an [`ArchConfig`] on any device.

use burn::module::{Module, ModuleVisitor, Param};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{Initializer, Linear, LinearConfig, PaddingConfig2d};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};

use crate::arch::{ArchConfig, ConfigError};
use crate::same_conv::same_conv2d;

/// How the weights are initialised. The paper does not say which it used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Init {
    /// burn's default, the same as PyTorch's: weights and biases uniform in
    /// `±1/sqrt(fan_in)` (Kaiming uniform with gain `1/sqrt(3)`).
    #[default]
    Default,
    /// Glorot (Xavier) uniform weights, `±sqrt(6/(fan_in+fan_out))`, and zero biases.
    GlorotZeroBias,
}

impl Init {
    fn initializer(self) -> Initializer {
        match self {
            Init::Default => Initializer::KaimingUniform {
                gain: 1.0 / 3f64.sqrt(),
                fan_out_only: false,
            },
            Init::GlorotZeroBias => Initializer::XavierUniform { gain: 1.0 },
        }
    }
}

/// A fully connected network, `side² -> hidden... -> side²`, on flattened images.
#[derive(Module, Debug)]
pub struct Fcn {
    pub(crate) layers: Vec<Linear>,
    pub(crate) relu: bool,
}

/// A ConvNet of "same"-padded, stride-1 convolutions with ReLU between them.
#[derive(Module, Debug)]
pub struct ConvNet {
    pub(crate) layers: Vec<Conv2d>,
}

/// Any network of the paper.
#[derive(Module, Debug)]
pub enum Network {
    /// A linear or ReLU FCN.
    Fcn(Fcn),
    /// A ConvNet.
    Conv(ConvNet),
}

/// Zeroes the bias when `init` asks for zero biases.
fn zero_bias(
    bias: Option<Param<Tensor<1>>>,
    init: Init,
    device: &Device,
) -> Option<Param<Tensor<1>>> {
    match init {
        Init::GlorotZeroBias => {
            bias.map(|b| Param::from_tensor(Tensor::zeros(b.lazy_shape(), device)))
        }
        Init::Default => bias,
    }
}

impl Network {
    /// Builds `arch` for `side` x `side` images on `device`, after validating it.
    ///
    /// The weights are drawn from the device's random generator: build it inside
    /// [`crate::drawing::seeded`] for a reproducible network. With `train_bottom_only`, every
    /// layer but the first is frozen (no gradient, never updated).
    pub fn init(
        arch: &ArchConfig,
        side: usize,
        init: Init,
        device: &Device,
    ) -> Result<Self, ConfigError> {
        arch.validate(side)?;
        let widths = arch.widths(side);
        let network = match arch {
            ArchConfig::Linear { .. } | ArchConfig::Relu { .. } => {
                let bias = matches!(arch, ArchConfig::Relu { .. });
                let mut layers: Vec<Linear> = widths
                    .windows(2)
                    .map(|w| {
                        let mut layer = LinearConfig::new(w[0], w[1])
                            .with_bias(bias)
                            .with_initializer(init.initializer())
                            .init(device);
                        layer.bias = zero_bias(layer.bias, init, device);
                        layer
                    })
                    .collect();
                if let ArchConfig::Relu {
                    train_bottom_only: true,
                    ..
                } = arch
                {
                    layers = layers
                        .into_iter()
                        .enumerate()
                        .map(|(i, layer)| if i == 0 { layer } else { layer.no_grad() })
                        .collect();
                }
                Network::Fcn(Fcn { layers, relu: bias })
            }
            ArchConfig::Conv { kernel, .. } => Network::Conv(ConvNet {
                layers: widths
                    .windows(2)
                    .map(|w| {
                        let mut layer = Conv2dConfig::new([w[0], w[1]], [*kernel, *kernel])
                            .with_padding(PaddingConfig2d::Same)
                            .with_initializer(init.initializer())
                            .init(device);
                        layer.bias = zero_bias(layer.bias, init, device);
                        layer
                    })
                    .collect(),
            }),
        };
        // Draw every weight now, in layer order, so that the network depends on the seed only.
        network.visit(&mut Materialize);
        Ok(network)
    }

    /// The network's output.
    ///
    /// # Shapes
    /// - input: `[batch, 1, side, side]`
    /// - output: `[batch, 1, side, side]`
    pub fn forward(&self, x: Tensor<4>) -> Tensor<4> {
        self.forward_layers(x)
            .pop()
            .expect("a network has at least one layer")
    }

    /// The output of every layer, bottom first; the last is the network's output. Hidden
    /// layers are taken after their ReLU.
    ///
    /// # Shapes
    /// - input: `[batch, 1, side, side]`
    /// - ConvNet layer: `[batch, channels, side, side]`; FCN layer: `[batch, width, 1, 1]`;
    ///   the output: `[batch, 1, side, side]`
    pub fn forward_layers(&self, x: Tensor<4>) -> Vec<Tensor<4>> {
        let [batch, _, h, w] = x.dims();
        let last = self.layers() - 1;
        let mut outputs = Vec::with_capacity(self.layers());
        match self {
            Network::Fcn(fcn) => {
                let mut a: Tensor<2> = x.reshape([batch, h * w]);
                for (i, layer) in fcn.layers.iter().enumerate() {
                    a = layer.forward(a);
                    if fcn.relu && i < last {
                        a = relu(a);
                    }
                    let width = a.dims()[1];
                    let shape = if i < last {
                        [batch, width, 1, 1]
                    } else {
                        [batch, 1, h, w]
                    };
                    outputs.push(a.clone().reshape(shape));
                }
            }
            Network::Conv(conv) => {
                let mut a = x;
                for (i, layer) in conv.layers.iter().enumerate() {
                    a = convolve(layer, a);
                    if i < last {
                        a = relu(a);
                    }
                    outputs.push(a.clone());
                }
            }
        }
        outputs
    }

    /// The upper sub-network from layer `first` (0-based) on, fed `x` directly, repeated
    /// across that layer's input channels (Fig. 12, 23, 24). ConvNets only.
    ///
    /// # Shapes
    /// - input: `[batch, 1, side, side]`
    /// - output: `[batch, 1, side, side]`
    pub fn forward_upper(&self, first: usize, x: Tensor<4>) -> Result<Tensor<4>, crate::Error> {
        let Network::Conv(conv) = self else {
            return Err(crate::Error::Input(
                "upper sub-networks are defined for ConvNets only".into(),
            ));
        };
        if first >= conv.layers.len() {
            return Err(crate::Error::Input(format!(
                "the first layer of the sub-network must be in 0..{}, got {first}",
                conv.layers.len()
            )));
        }
        let channels = conv.layers[first].weight.dims()[1];
        let last = conv.layers.len() - 1;
        let mut a = x.repeat_dim(1, channels);
        for (i, layer) in conv.layers.iter().enumerate().skip(first) {
            a = convolve(layer, a);
            if i < last {
                a = relu(a);
            }
        }
        Ok(a)
    }

    /// Whether its hidden layers have a ReLU (ConvNets and ReLU FCNs; not linear FCNs).
    pub fn relu(&self) -> bool {
        match self {
            Network::Fcn(fcn) => fcn.relu,
            Network::Conv(_) => true,
        }
    }

    /// The number of weight layers.
    pub fn layers(&self) -> usize {
        match self {
            Network::Fcn(fcn) => fcn.layers.len(),
            Network::Conv(conv) => conv.layers.len(),
        }
    }

    /// Every layer's weight and bias (when it has one), bottom first, as flat tensors.
    pub fn layer_parameters(&self) -> Vec<LayerParameters> {
        match self {
            Network::Fcn(fcn) => fcn
                .layers
                .iter()
                .map(|l| LayerParameters {
                    weight: l.weight.val().flatten(0, 1),
                    bias: l.bias.as_ref().map(|b| b.val()),
                })
                .collect(),
            Network::Conv(conv) => conv
                .layers
                .iter()
                .map(|l| LayerParameters {
                    weight: l.weight.val().flatten(0, 3),
                    bias: l.bias.as_ref().map(|b| b.val()),
                })
                .collect(),
        }
    }

    /// The weight of the bottom layer as a matrix `[side², width]` (FCNs only; burn stores a
    /// linear layer's weight as `[in, out]`, the transpose of the paper's `W`).
    pub fn bottom_weight(&self) -> Option<Tensor<2>> {
        match self {
            Network::Fcn(fcn) => Some(fcn.layers[0].weight.val()),
            Network::Conv(_) => None,
        }
    }
}

/// One layer of a ConvNet: the "same" convolution with kernels of our own on the CPU
/// ([`same_conv2d`]; every layer we build has a bias), burn's own for a layer without one.
fn convolve(layer: &Conv2d, x: Tensor<4>) -> Tensor<4> {
    match &layer.bias {
        Some(bias) => same_conv2d(x, layer.weight.val(), bias.val()),
        None => layer.forward(x),
    }
}

/// The parameters of one layer, flattened.
#[derive(Debug, Clone)]
pub struct LayerParameters {
    /// All weights of the layer.
    pub weight: Tensor<1>,
    /// The biases, if the layer has them.
    pub bias: Option<Tensor<1>>,
}

/// Touches every parameter so that lazily initialised weights are drawn.
struct Materialize;

impl ModuleVisitor for Materialize {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let _ = param.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `arch` for 28 x 28 images, its weights drawn from seed 0.
    fn init(arch: &ArchConfig) -> Result<Network, ConfigError> {
        crate::drawing::seeded(0, |device| Network::init(arch, 28, Init::Default, device))
    }

    #[test]
    fn shapes_of_every_architecture() {
        let device = Device::flex();
        let x = Tensor::<4>::ones([2, 1, 28, 28], &device);
        for arch in [
            ArchConfig::Linear { hidden: vec![] },
            ArchConfig::Linear {
                hidden: vec![64, 32],
            },
            ArchConfig::Relu {
                hidden: vec![64],
                train_bottom_only: true,
            },
            ArchConfig::Conv {
                depth: 3,
                channels: 4,
                kernel: 5,
            },
        ] {
            let net = init(&arch).unwrap();
            assert_eq!(net.forward(x.clone()).dims(), [2, 1, 28, 28], "{arch:?}");
            let layers = net.forward_layers(x.clone());
            assert_eq!(layers.len(), arch.layers());
            assert_eq!(net.num_params() as u64, arch.param_count(28), "{arch:?}");
        }
        let conv = init(&ArchConfig::Conv {
            depth: 2,
            channels: 4,
            kernel: 3,
        })
        .unwrap();
        assert_eq!(conv.forward_layers(x)[0].dims(), [2, 4, 28, 28]);
    }

    #[test]
    fn the_whole_network_is_its_own_upper_subnetwork() {
        let arch = ArchConfig::Conv {
            depth: 3,
            channels: 4,
            kernel: 3,
        };
        let net = init(&arch).unwrap();
        let x = crate::drawing::seeded(1, |device| {
            Tensor::<4>::random([1, 1, 28, 28], burn::tensor::Distribution::Default, device)
        });
        let read = |t: Tensor<4>| pollster::block_on(crate::read_floats(t)).unwrap();
        assert_eq!(
            read(net.forward_upper(0, x.clone()).unwrap()),
            read(net.forward(x.clone()))
        );
        assert_eq!(
            net.forward_upper(2, x.clone()).unwrap().dims(),
            [1, 1, 28, 28]
        );
        assert!(net.forward_upper(3, x.clone()).is_err());
        let fcn = init(&ArchConfig::Linear { hidden: vec![] }).unwrap();
        assert!(fcn.forward_upper(0, x).is_err());
    }

    #[test]
    fn bad_configs_are_errors_not_panics() {
        let arch = ArchConfig::Conv {
            depth: 3,
            channels: 4,
            kernel: 2,
        };
        assert!(init(&arch).is_err());
    }

    #[test]
    fn same_seed_same_network() {
        let arch = ArchConfig::Conv {
            depth: 2,
            channels: 3,
            kernel: 3,
        };
        let weights = |seed| {
            let net = crate::drawing::seeded(seed, |device| {
                Network::init(&arch, 28, Init::GlorotZeroBias, device)
            })
            .unwrap();
            let p = net.layer_parameters();
            let read = |t: Tensor<1>| pollster::block_on(crate::read_floats(t)).unwrap();
            let bias = read(p[0].bias.clone().unwrap());
            assert!(bias.iter().all(|&b| b == 0.0));
            read(p[0].weight.clone())
        };
        assert_eq!(weights(7), weights(7));
        assert_ne!(weights(7), weights(8));
    }
}
