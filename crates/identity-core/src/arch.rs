//! The paper's architectures as a validated configuration: linear FCNs, ReLU FCNs and
//! ConvNets, with parameter counts and memory estimates.
//!
//! Configs come from URLs and CLI flags, so validation returns errors that name the value and
//! the allowed range instead of panicking.

use serde::{Deserialize, Serialize};

/// Most hidden layers of an FCN (the paper goes to 11).
pub const MAX_HIDDEN_LAYERS: usize = 16;
/// Widest FCN hidden layer (the paper's two-layer net goes to 16,384).
pub const MAX_WIDTH: usize = 16_384;
/// Deepest ConvNet (the paper goes to 20).
pub const MAX_DEPTH: usize = 32;
/// Most ConvNet channels (the paper goes to 1,024).
pub const MAX_CHANNELS: usize = 1_024;
/// Largest ConvNet kernel (the paper goes to 57).
pub const MAX_KERNEL: usize = 63;
/// Most trainable parameters of any network (the paper's largest, 1,024 channels at depth 5
/// with 5 x 5 kernels, has 79 million).
pub const MAX_PARAMS: u64 = 200_000_000;
/// Largest training-memory estimate accepted, in bytes (see [`ArchConfig::memory_estimate`]).
pub const MAX_MEMORY_BYTES: u64 = 8 << 30;

/// One of the paper's architectures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "arch", rename_all = "lowercase")]
pub enum ArchConfig {
    /// A linear FCN `f(x) = W_L ... W_1 x` without biases or activations (the paper's
    /// Appendix A.1 writes it as a product of matrices). No hidden layer is the 1-layer
    /// `f(x) = W x` of eq. (1).
    Linear {
        /// Widths of the hidden layers, bottom first.
        hidden: Vec<usize>,
    },
    /// A ReLU FCN: `784 -> hidden... -> 784`, biases on, ReLU after every hidden layer, none
    /// after the output.
    Relu {
        /// Widths of the hidden layers, bottom first (at least one).
        hidden: Vec<usize>,
        /// Train only the bottom layer, the others stay at their random initialisation
        /// (the setting of eq. (2) and Appendix C).
        #[serde(default)]
        train_bottom_only: bool,
    },
    /// A ConvNet: `depth` convolutions `1 -> channels -> ... -> channels -> 1`, odd square
    /// kernels, zero "same" padding, stride 1, biases on, ReLU between layers.
    Conv {
        /// Number of convolution layers.
        depth: usize,
        /// Channels of every hidden layer.
        channels: usize,
        /// Kernel side (odd).
        kernel: usize,
    },
}

/// A configuration that cannot be built, with a message naming the value and the range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn check_range(what: &str, value: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "{what} must be in {lo}..={hi}, got {value}"
        )))
    }
}

/// `layers` hidden widths of `width`, once `layers` is known to be in range.
fn hidden_layers(width: usize, layers: usize) -> Result<Vec<usize>, ConfigError> {
    check_range("number of hidden layers", layers, 0, MAX_HIDDEN_LAYERS)?;
    Ok(vec![width; layers])
}

impl ArchConfig {
    /// The paper's ConvNet: 5 x 5 kernels, 128 channels.
    pub fn conv(depth: usize) -> Self {
        ArchConfig::Conv {
            depth,
            channels: 128,
            kernel: 5,
        }
    }

    /// A linear FCN with `layers` hidden layers of `width` units (0 is `f(x) = Wx`), refused
    /// before anything is allocated when `layers` is over [`MAX_HIDDEN_LAYERS`].
    pub fn linear(width: usize, layers: usize) -> Result<Self, ConfigError> {
        Ok(ArchConfig::Linear {
            hidden: hidden_layers(width, layers)?,
        })
    }

    /// A ReLU FCN with `layers` hidden layers of `width` units, refused before anything is
    /// allocated when `layers` is over [`MAX_HIDDEN_LAYERS`].
    pub fn relu(width: usize, layers: usize, train_bottom_only: bool) -> Result<Self, ConfigError> {
        Ok(ArchConfig::Relu {
            hidden: hidden_layers(width, layers)?,
            train_bottom_only,
        })
    }

    /// A short name for files, logs and URLs, e.g. `conv-d5-c128-k5`, `relu-h2048x3`.
    pub fn name(&self) -> String {
        let widths = |hidden: &[usize]| match hidden {
            [] => "h0".to_string(),
            [w, rest @ ..] if rest.iter().all(|r| r == w) => format!("h{w}x{}", hidden.len()),
            _ => format!(
                "h{}",
                hidden
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join("-")
            ),
        };
        match self {
            ArchConfig::Linear { hidden } => format!("linear-{}", widths(hidden)),
            ArchConfig::Relu {
                hidden,
                train_bottom_only,
            } => {
                format!(
                    "relu-{}{}",
                    widths(hidden),
                    if *train_bottom_only { "-bottom" } else { "" }
                )
            }
            ArchConfig::Conv {
                depth,
                channels,
                kernel,
            } => {
                format!("conv-d{depth}-c{channels}-k{kernel}")
            }
        }
    }

    /// The number of weight layers (linear maps or convolutions).
    pub fn layers(&self) -> usize {
        match self {
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => hidden.len() + 1,
            ArchConfig::Conv { depth, .. } => *depth,
        }
    }

    /// Whether the network is an FCN (and so only takes the image side it was built for).
    pub fn is_fcn(&self) -> bool {
        !matches!(self, ArchConfig::Conv { .. })
    }

    /// Checks sizes and limits for training on `side` x `side` images.
    pub fn validate(&self, side: usize) -> Result<(), ConfigError> {
        check_range(
            "image side",
            side,
            crate::data::MIN_SIDE,
            crate::data::MAX_SIDE,
        )?;
        match self {
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                check_range(
                    "number of hidden layers",
                    hidden.len(),
                    0,
                    MAX_HIDDEN_LAYERS,
                )?;
                for (i, &w) in hidden.iter().enumerate() {
                    check_range(&format!("width of hidden layer {}", i + 1), w, 1, MAX_WIDTH)?;
                }
                if let ArchConfig::Relu {
                    hidden,
                    train_bottom_only,
                } = self
                {
                    if hidden.is_empty() {
                        return Err(ConfigError(
                            "a ReLU FCN needs at least one hidden layer (use the linear net for f(x) = Wx)"
                                .into(),
                        ));
                    }
                    if *train_bottom_only && hidden.len() != 1 {
                        return Err(ConfigError(format!(
                            "train_bottom_only is the two-layer setting of eq. (2): it needs 1 hidden layer, got {}",
                            hidden.len()
                        )));
                    }
                }
            }
            ArchConfig::Conv {
                depth,
                channels,
                kernel,
            } => {
                check_range("depth", *depth, 1, MAX_DEPTH)?;
                check_range("channels", *channels, 1, MAX_CHANNELS)?;
                check_range("kernel", *kernel, 1, MAX_KERNEL)?;
                if kernel % 2 == 0 {
                    return Err(ConfigError(format!(
                        "kernel must be odd for \"same\" padding, got {kernel}"
                    )));
                }
            }
        }
        let params = self.param_count(side);
        if params > MAX_PARAMS {
            return Err(ConfigError(format!(
                "{} has {params} parameters, more than the limit of {MAX_PARAMS}",
                self.name()
            )));
        }
        let bytes = self.memory_estimate(side);
        if bytes > MAX_MEMORY_BYTES {
            return Err(ConfigError(format!(
                "{} needs about {:.1} GiB to train on {side} x {side} images, more than the limit of {} GiB",
                self.name(),
                bytes as f64 / f64::from(1u32 << 30),
                MAX_MEMORY_BYTES >> 30
            )));
        }
        Ok(())
    }

    /// Widths of every layer's output, input first: `[784, h1, ..., 784]` for FCNs,
    /// `[1, c, ..., c, 1]` channels for ConvNets. Allocates one entry a layer: call it on
    /// validated configurations (the size functions below do not need it).
    pub fn widths(&self, side: usize) -> Vec<usize> {
        match self {
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                let mut widths = vec![side * side];
                widths.extend(hidden);
                widths.push(side * side);
                widths
            }
            ArchConfig::Conv {
                depth, channels, ..
            } => {
                let mut widths = vec![1];
                widths.extend(std::iter::repeat_n(*channels, depth.saturating_sub(1)));
                widths.push(1);
                widths
            }
        }
    }

    /// Every weight layer as `(inputs, outputs, weights per input-output pair)`, bottom first:
    /// the pairs of [`ArchConfig::widths`], in 64-bit numbers and without allocating, so that
    /// the sizes below are exact on wasm32 (where `usize` has 32 bits) and safe to compute on
    /// configurations not yet validated.
    fn layer_shapes(&self, side: usize) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        let pixels = (side as u64).saturating_mul(side as u64);
        // FCNs: `pixels, hidden..., pixels`; ConvNets: `1, channels x (depth - 1), 1`.
        let (ends, listed, repeated, per_pair): (u64, &[usize], (u64, usize), u64) = match self {
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                (pixels, hidden, (0, 0), 1)
            }
            ArchConfig::Conv {
                depth,
                channels,
                kernel,
            } => (
                1,
                &[],
                (*channels as u64, depth.saturating_sub(1)),
                (*kernel as u64).saturating_mul(*kernel as u64),
            ),
        };
        let widths = std::iter::once(ends)
            .chain(listed.iter().map(|&w| w as u64))
            .chain(std::iter::repeat_n(repeated.0, repeated.1))
            .chain(std::iter::once(ends));
        widths
            .clone()
            .zip(widths.skip(1))
            .map(move |(i, o)| (i, o, per_pair))
    }

    /// Trainable parameters (weights and biases) on `side` x `side` images; saturates at
    /// `u64::MAX`, which no limit admits.
    pub fn param_count(&self, side: usize) -> u64 {
        let biases = !matches!(self, ArchConfig::Linear { .. });
        self.layer_shapes(side)
            .map(|(i, o, per_pair)| {
                let weights = i.saturating_mul(o).saturating_mul(per_pair);
                if biases {
                    weights.saturating_add(o)
                } else {
                    weights
                }
            })
            .fold(0, u64::saturating_add)
    }

    /// Elements of the largest weight tensor on `side` x `side` images (a GPU buffer must
    /// hold it whole); saturates like [`ArchConfig::param_count`].
    pub fn largest_weight(&self, side: usize) -> u64 {
        self.layer_shapes(side)
            .map(|(i, o, per_pair)| i.saturating_mul(o).saturating_mul(per_pair))
            .max()
            .unwrap_or(0)
    }

    /// Estimated bytes to train on one `side` x `side` image: parameters, gradients, two Adam
    /// moments and the trainer's copy of the initial weights (20 bytes a parameter) plus three
    /// copies of every activation (forward value, ReLU mask, gradient), in f32; saturates like
    /// [`ArchConfig::param_count`].
    pub fn memory_estimate(&self, side: usize) -> u64 {
        let per_layer = if self.is_fcn() {
            1
        } else {
            (side as u64).saturating_mul(side as u64)
        };
        // The input and every layer's output.
        let input = self.layer_shapes(side).next().map_or(0, |(i, _, _)| i);
        let activations = self
            .layer_shapes(side)
            .map(|(_, o, _)| o)
            .fold(input, u64::saturating_add)
            .saturating_mul(per_layer);
        self.param_count(side)
            .saturating_mul(20)
            .saturating_add(activations.saturating_mul(12))
    }

    /// Estimated bytes a network takes when it only answers (an untrained preview, or a
    /// trained one whose optimiser and initial copy were freed): its weights, in f32.
    pub fn trained_bytes(&self, side: usize) -> u64 {
        self.param_count(side).saturating_mul(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_counts_match_hand_counts() {
        // f(x) = W x on 28 x 28: one 784 x 784 matrix.
        assert_eq!(
            ArchConfig::Linear { hidden: vec![] }.param_count(28),
            784 * 784
        );
        // 784 -> 2048 -> 784 with biases.
        let relu = ArchConfig::Relu {
            hidden: vec![2048],
            train_bottom_only: true,
        };
        assert_eq!(relu.param_count(28), 784 * 2048 + 2048 + 2048 * 784 + 784);
        assert_eq!(relu.largest_weight(28), 784 * 2048);
        assert_eq!(ArchConfig::conv(5).largest_weight(28), 128 * 128 * 25);
        // Depth 3, 128 channels, 5 x 5: 1->128, 128->128, 128->1.
        let conv = ArchConfig::conv(3);
        assert_eq!(
            conv.param_count(28),
            25 * 128 + 128 + 25 * 128 * 128 + 128 + 25 * 128 + 1
        );
        assert_eq!(
            ArchConfig::Conv {
                depth: 1,
                channels: 7,
                kernel: 5
            }
            .param_count(28),
            26
        );
    }

    #[test]
    fn validation_names_the_value_and_range() {
        let err = |a: ArchConfig| a.validate(28).unwrap_err().to_string();
        assert_eq!(
            err(ArchConfig::Conv {
                depth: 0,
                channels: 8,
                kernel: 5
            }),
            "depth must be in 1..=32, got 0"
        );
        assert!(
            err(ArchConfig::Conv {
                depth: 3,
                channels: 8,
                kernel: 4
            })
            .contains("odd")
        );
        assert!(
            err(ArchConfig::Conv {
                depth: 3,
                channels: 0,
                kernel: 5
            })
            .contains("channels")
        );
        assert!(
            err(ArchConfig::Relu {
                hidden: vec![],
                train_bottom_only: false
            })
            .contains("at least one")
        );
        assert!(
            err(ArchConfig::Relu {
                hidden: vec![8, 8],
                train_bottom_only: true
            })
            .contains("eq. (2)")
        );
        assert!(
            err(ArchConfig::Linear {
                hidden: vec![784, 0]
            })
            .contains("hidden layer 2")
        );
        assert!(
            err(ArchConfig::Conv {
                depth: 20,
                channels: 1024,
                kernel: 57
            })
            .contains("parameters")
        );
        assert!(ArchConfig::conv(20).validate(28).is_ok());
        assert!(
            ArchConfig::conv(3)
                .validate(3)
                .unwrap_err()
                .to_string()
                .contains("image side")
        );
    }

    /// Exact sizes (parameters, memory estimate) in checked 128-bit numbers, written from
    /// the layer formulas rather than from `layer_shapes`, and capped at `u64::MAX` as the
    /// sizes promise.
    fn exact(arch: &ArchConfig, side: usize) -> (u64, u64) {
        let sizes = || -> Option<(u128, u128)> {
            let px = (side as u128).checked_mul(side as u128)?;
            let (params, activations) = match arch {
                ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                    let bias = u128::from(matches!(arch, ArchConfig::Relu { .. }));
                    let mut widths = vec![px];
                    widths.extend(hidden.iter().map(|&w| w as u128));
                    widths.push(px);
                    let mut params = 0u128;
                    for w in widths.windows(2) {
                        let layer = w[0].checked_mul(w[1])?.checked_add(bias * w[1])?;
                        params = params.checked_add(layer)?;
                    }
                    (params, widths.iter().sum::<u128>())
                }
                ArchConfig::Conv {
                    depth,
                    channels,
                    kernel,
                } => {
                    let (d, c) = (*depth as u128, *channels as u128);
                    let k2 = (*kernel as u128).checked_mul(*kernel as u128)?;
                    let params = if d <= 1 {
                        k2 + 1
                    } else {
                        let middle = k2.checked_mul(c)?.checked_mul(c)?.checked_add(c)?;
                        let ends = k2.checked_mul(c)?.checked_mul(2)?.checked_add(c + 1)?;
                        middle.checked_mul(d - 2)?.checked_add(ends)?
                    };
                    let channels_out = (d.max(1) - 1).checked_mul(c)?.checked_add(2)?;
                    (params, channels_out.checked_mul(px)?)
                }
            };
            let memory = params
                .checked_mul(20)?
                .checked_add(activations.checked_mul(12)?)?;
            Some((params, memory))
        };
        let cap = |v: Option<u128>| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(u64::MAX);
        match sizes() {
            Some((params, memory)) => (cap(Some(params)), cap(Some(memory))),
            // Overflowed 128 bits: the parameter count may still be finite (a huge memory
            // term), so only trust a saturated answer for both.
            None => (u64::MAX, u64::MAX),
        }
    }

    /// Whether every size and count of `arch` is within the core's ranges at `side`.
    fn in_ranges(arch: &ArchConfig, side: usize) -> bool {
        let width_ok = |w: &usize| (1..=MAX_WIDTH).contains(w);
        (crate::data::MIN_SIDE..=crate::data::MAX_SIDE).contains(&side)
            && match arch {
                ArchConfig::Linear { hidden } => {
                    hidden.len() <= MAX_HIDDEN_LAYERS && hidden.iter().all(width_ok)
                }
                ArchConfig::Relu { hidden, .. } => {
                    (1..=MAX_HIDDEN_LAYERS).contains(&hidden.len()) && hidden.iter().all(width_ok)
                }
                ArchConfig::Conv {
                    depth,
                    channels,
                    kernel,
                } => {
                    (1..=MAX_DEPTH).contains(depth)
                        && (1..=MAX_CHANNELS).contains(channels)
                        && (1..=MAX_KERNEL).contains(kernel)
                        && kernel % 2 == 1
                }
            }
    }

    /// Whether `validate` must accept `arch`: in range, and within the exact limits.
    fn admissible(arch: &ArchConfig, side: usize) -> bool {
        let (params, memory) = exact(arch, side);
        in_ranges(arch, side) && params <= MAX_PARAMS && memory <= MAX_MEMORY_BYTES
    }

    #[test]
    fn every_convnet_the_page_allows_has_its_exact_size() {
        // The page's ranges (www/js/state.js) are the core's: depth 1..=32, channels
        // 1..=1024, odd kernels 1..=63, on 28 x 28 images. A 32-bit `usize` sum wrapped for
        // about 20,000 of them (the first seen: depth 5, 1,024 channels, 37 x 37 kernels): all
        // 1,048,576 are checked against 128-bit sizes.
        // This host's `usize` has 64 bits, so the wrap itself is caught where it happened: the
        // browser test "network sizes are exact in the browser's 32-bit wasm" (inputs.test.mjs)
        // runs the same checks through the wasm32 build.
        let mut accepted = 0;
        for depth in 1..=MAX_DEPTH {
            for channels in 1..=MAX_CHANNELS {
                for kernel in (1..=MAX_KERNEL).step_by(2) {
                    let arch = ArchConfig::Conv {
                        depth,
                        channels,
                        kernel,
                    };
                    let sizes = (arch.param_count(28), arch.memory_estimate(28));
                    assert_eq!(sizes, exact(&arch, 28), "{arch:?}");
                    let ok = arch.validate(28).is_ok();
                    assert_eq!(ok, admissible(&arch, 28), "{arch:?}");
                    accepted += usize::from(ok);
                }
            }
        }
        // The issue's example: over 4e9 parameters, once shown as 14,342,145.
        let wrapped = ArchConfig::Conv {
            depth: 5,
            channels: 1024,
            kernel: 37,
        };
        assert!(wrapped.param_count(28) > 4_000_000_000);
        let err = wrapped.validate(28).unwrap_err().to_string();
        assert!(err.contains("parameters"), "{err}");
        assert!(accepted > 100_000, "only {accepted} ConvNets accepted");
    }

    #[test]
    fn random_configurations_in_and_out_of_range_are_sized_exactly_and_judged_by_the_limits() {
        // A property test: random FCNs and ConvNets around and far beyond every limit (sizes
        // up to usize::MAX, sides 0..=200). Sizes saturate instead of wrapping, and `validate`
        // accepts exactly the configurations within the ranges and the exact limits. A fixed
        // seed and a fresh one each run (printed, to replay a failure).
        use rand::{RngExt, SeedableRng, rngs::StdRng};
        let size = |rng: &mut StdRng, max: usize| -> usize {
            match rng.random_range(0..10) {
                0 => usize::MAX - rng.random_range(0..3),
                1 => rng.random_range(0..=usize::MAX),
                2 => 0,
                _ => rng.random_range(0..=max + max / 4 + 1),
            }
        };
        let fresh = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |t| t.as_nanos() as u64);
        for seed in [2020, fresh] {
            eprintln!("arch property test: seed {seed}");
            let mut rng = StdRng::seed_from_u64(seed);
            for _ in 0..20_000 {
                let side = rng.random_range(0..=200);
                let arch = match rng.random_range(0..3) {
                    0 => ArchConfig::Linear {
                        hidden: (0..rng.random_range(0..=MAX_HIDDEN_LAYERS + 3))
                            .map(|_| size(&mut rng, MAX_WIDTH))
                            .collect(),
                    },
                    1 => ArchConfig::Relu {
                        hidden: (0..rng.random_range(0..=MAX_HIDDEN_LAYERS + 3))
                            .map(|_| size(&mut rng, MAX_WIDTH))
                            .collect(),
                        train_bottom_only: false,
                    },
                    _ => ArchConfig::Conv {
                        depth: rng.random_range(0..=MAX_DEPTH + 3),
                        channels: size(&mut rng, MAX_CHANNELS),
                        kernel: size(&mut rng, MAX_KERNEL),
                    },
                };
                let sizes = (arch.param_count(side), arch.memory_estimate(side));
                let (params, memory) = exact(&arch, side);
                if params < u64::MAX {
                    assert_eq!(sizes.0, params, "{arch:?} at {side}");
                } else {
                    assert_eq!(sizes.0, u64::MAX, "{arch:?} at {side} must saturate");
                }
                if memory < u64::MAX {
                    assert_eq!(sizes.1, memory, "{arch:?} at {side}");
                } else {
                    assert_eq!(sizes.1, u64::MAX, "{arch:?} at {side} must saturate");
                }
                let ok = arch.validate(side).is_ok();
                assert_eq!(ok, admissible(&arch, side), "{arch:?} at {side}");
            }
        }
    }

    #[test]
    fn fcns_are_refused_before_their_layers_are_allocated() {
        // `vec![width; 10^18]` would abort: the layer count is checked first.
        for layers in [MAX_HIDDEN_LAYERS + 1, 1_000_000_000, usize::MAX] {
            let err = ArchConfig::linear(784, layers).unwrap_err().to_string();
            assert!(
                err.contains("number of hidden layers must be in 0..=16"),
                "{err}"
            );
            assert!(ArchConfig::relu(784, layers, false).is_err());
        }
        assert_eq!(
            ArchConfig::relu(784, 2, false).unwrap(),
            ArchConfig::Relu {
                hidden: vec![784, 784],
                train_bottom_only: false
            }
        );
    }

    #[test]
    fn configs_round_trip_through_json() {
        let arch = ArchConfig::Relu {
            hidden: vec![2048],
            train_bottom_only: true,
        };
        let json = serde_json::to_string(&arch).unwrap();
        assert_eq!(
            json,
            r#"{"arch":"relu","hidden":[2048],"train_bottom_only":true}"#
        );
        assert_eq!(serde_json::from_str::<ArchConfig>(&json).unwrap(), arch);
        let conv: ArchConfig =
            serde_json::from_str(r#"{"arch":"conv","depth":5,"channels":32,"kernel":5}"#).unwrap();
        assert_eq!(conv.name(), "conv-d5-c32-k5");
        assert!(serde_json::from_str::<ArchConfig>(r#"{"arch":"mlp"}"#).is_err());
    }
}
