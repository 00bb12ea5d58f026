//! The networks of the paper's sweeps at each scale: `test` is tiny, `quick` uses 32-channel
//! ConvNets and FCN widths of 784, `paper` the paper's 128 channels and widths of 2,048.
//! A sweep is a list of labelled architectures, one per row of a figure.

use identity_core::ArchConfig;

use crate::plan::Planned;
use crate::scale::Scale;

/// Labelled architectures, one per row of a figure.
pub type Rows = fn(Scale) -> Vec<(String, ArchConfig)>;

/// The depths of the ConvNet sweeps (Fig. 6, 7, 9, 12, 13).
pub fn conv_depths(scale: Scale) -> Vec<usize> {
    match scale {
        Scale::Test => vec![1, 2],
        Scale::Quick | Scale::Paper => vec![1, 2, 3, 5, 7, 10, 14, 20],
    }
}

/// The scale's ConvNet width: 4, 32 or 128 channels (every ConvNet but the channel sweeps').
pub fn conv_width(scale: Scale) -> usize {
    match scale {
        Scale::Test => 4,
        Scale::Quick => 32,
        Scale::Paper => 128,
    }
}

/// The ConvNet of `depth` layers at the scale's width, 5 x 5 kernels.
pub fn conv(scale: Scale, depth: usize) -> ArchConfig {
    ArchConfig::Conv {
        depth,
        channels: conv_width(scale),
        kernel: 5,
    }
}

/// The rows a run of ConvNets at most `widest` channels wide keeps: the wider ConvNets of a
/// channel sweep (Fig. 15, 27) are left out, every other row kept; `None` keeps them all.
/// The paper's 512 and 1,024 channels take hours a network on a CPU (README, paper scale).
pub fn within(rows: Vec<(String, ArchConfig)>, widest: Option<usize>) -> Vec<(String, ArchConfig)> {
    rows.into_iter()
        .filter(|(_, arch)| match (arch, widest) {
            (ArchConfig::Conv { channels, .. }, Some(widest)) => *channels <= widest,
            _ => true,
        })
        .collect()
}

/// The scale's ConvNets of `depths` layers, trained on the 28 x 28 digit, as a plan.
pub fn conv_plan(scale: Scale, depths: impl IntoIterator<Item = usize>) -> Vec<Planned> {
    depths
        .into_iter()
        .map(|d| Planned::at_28(conv(scale, d)))
        .collect()
}

/// The depths the paper singles out, scaled down at test scale: a shallow net that learns the
/// identity (5), mid-depth ones (7, 14) and the deep one that learns the constant (20).
pub fn named_depth(scale: Scale, depth: usize) -> usize {
    match scale {
        Scale::Test => depth.min(2),
        Scale::Quick | Scale::Paper => depth,
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

/// Linear FCNs by hidden layers (Fig. 17, 31).
pub fn linear_fcn_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    fcn_depths(scale)
        .into_iter()
        .map(|d| (format!("linear, {d} hidden"), linear(scale, d)))
        .collect()
}

/// ReLU FCNs by hidden layers (Fig. 4, 18, 32).
pub fn relu_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    fcn_depths(scale)
        .into_iter()
        .map(|d| (format!("ReLU, {d} hidden"), relu(scale, d)))
        .collect()
}

/// Linear, then ReLU FCNs by hidden layers (Fig. 5).
pub fn fcn_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let mut rows = linear_fcn_rows(scale);
    rows.extend(relu_rows(scale));
    rows
}

/// ConvNets by depth (Fig. 6, 7, 33).
pub fn conv_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    conv_depths(scale)
        .into_iter()
        .map(|d| (crate::net::layers(d), conv(scale, d)))
        .collect()
}

/// Fig. 2: linear FCNs of 1, 3 and 5 hidden layers, and the depth-versus-width pair.
pub fn linear_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
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

/// Fig. 3: 2-layer ReLU nets, bottom layer only or both layers trained.
pub fn two_layer_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
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

/// Depth and channels of the kernel-size and channel sweeps (Fig. 14, 15, 25-30): the
/// paper's 5-layer ConvNet, narrower at quick scale so that 29 x 29 kernels and 64 channels
/// stay affordable.
fn sweep_net(scale: Scale) -> (usize, usize) {
    match scale {
        Scale::Test => (2, 4),
        Scale::Quick => (5, 16),
        Scale::Paper => (5, 128),
    }
}

fn sweep_conv(scale: Scale, channels: Option<usize>, kernel: usize) -> ArchConfig {
    let (depth, width) = sweep_net(scale);
    ArchConfig::Conv {
        depth,
        channels: channels.unwrap_or(width),
        kernel,
    }
}

/// Every kernel size of the sweep (Fig. 25, 26).
pub fn kernel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let kernels = match scale {
        Scale::Test => vec![3, 5],
        Scale::Quick => vec![5, 7, 9, 11, 15, 29],
        Scale::Paper => vec![5, 9, 13, 17, 25, 37, 57],
    };
    kernels
        .into_iter()
        .map(|k| (format!("{k} x {k}"), sweep_conv(scale, None, k)))
        .collect()
}

/// A few kernel sizes of the sweep: the smallest, one between, the largest (Fig. 14).
pub fn few_kernel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let mut rows = kernel_rows(scale);
    if rows.len() > 3 {
        let middle = rows.len() / 2;
        rows = vec![
            rows[0].clone(),
            rows[middle].clone(),
            rows[rows.len() - 1].clone(),
        ];
    }
    rows
}

/// Every channel count of the sweep (Fig. 15, 27).
pub fn channel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let channels = match scale {
        Scale::Test => vec![2, 4],
        Scale::Quick => vec![3, 8, 16, 64],
        Scale::Paper => vec![3, 8, 32, 128, 512, 1024],
    };
    channels
        .into_iter()
        .map(|c| (format!("{c} channels"), sweep_conv(scale, Some(c), 5)))
        .collect()
}

/// The narrowest and the sweep's width (3 and 128 channels in the paper; Fig. 29, 30).
pub fn narrow_and_wide(scale: Scale) -> Vec<(String, ArchConfig)> {
    let (_, width) = sweep_net(scale);
    let narrow = if scale == Scale::Test { 2 } else { 3 };
    [narrow, width]
        .into_iter()
        .map(|c| (format!("{c} channels"), sweep_conv(scale, Some(c), 5)))
        .collect()
}

/// The ConvNets of Fig. 16: 5, 10 and 20 layers (2 at test scale).
pub fn weight_change_conv_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let depths = match scale {
        Scale::Test => vec![2],
        Scale::Quick | Scale::Paper => vec![5, 10, 20],
    };
    depths
        .into_iter()
        .map(|d| (crate::net::layers(d), conv(scale, d)))
        .collect()
}

/// The architectures of `rows` at `scale` (at most `widest` channels: [`within`]), trained
/// on the 28 x 28 digit, as a plan.
pub fn planned(rows: Rows, scale: Scale, widest: Option<usize>) -> Vec<Planned> {
    within(rows(scale), widest)
        .into_iter()
        .map(|(_, arch)| Planned::at_28(arch))
        .collect()
}

/// 3-channel ConvNets by depth (Fig. 28; the paper: beyond 8 layers they fail to converge).
pub fn three_channel_rows(scale: Scale) -> Vec<(String, ArchConfig)> {
    let depths = match scale {
        Scale::Test => vec![1, 2],
        Scale::Quick | Scale::Paper => vec![3, 5, 6, 7, 8, 10, 14, 20],
    };
    depths
        .into_iter()
        .map(|depth| {
            let arch = ArchConfig::Conv {
                depth,
                channels: 3,
                kernel: 5,
            };
            (crate::net::layers(depth), arch)
        })
        .collect()
}
