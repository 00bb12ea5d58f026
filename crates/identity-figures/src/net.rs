//! A network as a row of a figure: its architecture (the row's identity), a label for
//! people, and how its training went.

use burn::module::Module;
use identity_core::{ArchConfig, Trained};
use serde::{Deserialize, Serialize};

/// A ConvNet's row label: `1 layer`, `5 layers`.
pub fn layers(depth: usize) -> String {
    if depth == 1 {
        "1 layer".into()
    } else {
        format!("{depth} layers")
    }
}

/// A trained network of a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Net {
    /// What a reader sees, e.g. `5 layers` or `ReLU, 3 hidden`; never read by a claim.
    pub label: String,
    /// The architecture: what identifies the row.
    pub arch: ArchConfig,
    /// The training loss (MSE) at the end.
    pub final_loss: f32,
    /// The optimiser steps taken.
    pub steps: usize,
    /// The network's name ([`identity_core::saved::network_id`]): a run's `--save-models`
    /// folder keeps it as `<id>.bpk` (empty in data written before networks were named).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Its number of parameters (absent in data written before they were counted): the
    /// page shows it without loading the network code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<u64>,
}

impl Net {
    /// The row of `arch`, trained as `trained`.
    pub fn new(label: impl Into<String>, arch: &ArchConfig, trained: &Trained) -> Self {
        Net {
            label: label.into(),
            arch: arch.clone(),
            final_loss: trained.progress.loss,
            steps: trained.progress.step,
            id: trained.id.clone(),
            params: Some(trained.network.num_params() as u64),
        }
    }

    /// The ConvNet's depth, or the FCN's hidden layers.
    pub fn depth(&self) -> usize {
        match &self.arch {
            ArchConfig::Conv { depth, .. } => *depth,
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => hidden.len(),
        }
    }

    /// The ConvNet's channels (0 for an FCN).
    pub fn channels(&self) -> usize {
        match &self.arch {
            ArchConfig::Conv { channels, .. } => *channels,
            _ => 0,
        }
    }

    /// The ConvNet's kernel side (0 for an FCN).
    pub fn kernel(&self) -> usize {
        match &self.arch {
            ArchConfig::Conv { kernel, .. } => *kernel,
            _ => 0,
        }
    }

    /// The width of the first hidden layer of an FCN (0 for a ConvNet).
    pub fn width(&self) -> usize {
        match &self.arch {
            ArchConfig::Linear { hidden } | ArchConfig::Relu { hidden, .. } => {
                hidden.first().copied().unwrap_or(0)
            }
            ArchConfig::Conv { .. } => 0,
        }
    }
}

#[cfg(test)]
impl Net {
    /// A fitted ConvNet of `depth` layers (8 channels, 5 x 5 kernels), for the judges' tests.
    pub(crate) fn conv_for_tests(depth: usize) -> Net {
        Net {
            label: layers(depth),
            arch: ArchConfig::Conv {
                depth,
                channels: 8,
                kernel: 5,
            },
            final_loss: 1e-5,
            steps: 100,
            id: String::new(),
            params: None,
        }
    }

    /// The same fitted network with another architecture and label, for the judges' tests.
    pub(crate) fn for_tests(label: &str, arch: ArchConfig) -> Net {
        Net {
            label: label.into(),
            arch,
            ..Net::conv_for_tests(1)
        }
    }
}
