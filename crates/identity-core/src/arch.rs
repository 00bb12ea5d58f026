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
pub const MAX_PARAMS: usize = 200_000_000;
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

impl ArchConfig {
    /// The paper's ConvNet: 5 x 5 kernels, 128 channels.
    pub fn conv(depth: usize) -> Self {
        ArchConfig::Conv {
            depth,
            channels: 128,
            kernel: 5,
        }
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
    /// `[1, c, ..., c, 1]` channels for ConvNets.
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

    /// Trainable parameters (weights and biases) on `side` x `side` images.
    pub fn param_count(&self, side: usize) -> usize {
        let widths = self.widths(side);
        let pairs = widths.windows(2);
        match self {
            ArchConfig::Linear { .. } => pairs.map(|w| w[0] * w[1]).sum(),
            ArchConfig::Relu { .. } => pairs.map(|w| w[0] * w[1] + w[1]).sum(),
            ArchConfig::Conv { kernel, .. } => {
                pairs.map(|w| w[0] * w[1] * kernel * kernel + w[1]).sum()
            }
        }
    }

    /// Elements of the largest weight tensor on `side` x `side` images (a GPU buffer must
    /// hold it whole).
    pub fn largest_weight(&self, side: usize) -> usize {
        let per_pair = match self {
            ArchConfig::Conv { kernel, .. } => kernel * kernel,
            _ => 1,
        };
        self.widths(side)
            .windows(2)
            .map(|w| w[0] * w[1] * per_pair)
            .max()
            .unwrap_or(0)
    }

    /// Estimated bytes to train on one `side` x `side` image: parameters, gradients and two
    /// Adam moments (16 bytes a parameter) plus three copies of every activation (forward
    /// value, ReLU mask, gradient), in f32.
    pub fn memory_estimate(&self, side: usize) -> u64 {
        let params = self.param_count(side) as u64;
        let widths = self.widths(side);
        let per_layer: u64 = if self.is_fcn() {
            1
        } else {
            (side * side) as u64
        };
        let activations: u64 = widths.iter().map(|&w| w as u64 * per_layer).sum();
        16 * params + 3 * 4 * activations
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
