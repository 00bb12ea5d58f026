//! A network as a row of a figure: its architecture (the row's identity), a label for
//! people, and how its training went.

use identity_core::{ArchConfig, Trained};
use serde::{Deserialize, Serialize};

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
}

impl Net {
    /// The row of `arch`, trained as `trained`.
    pub fn new(label: impl Into<String>, arch: &ArchConfig, trained: &Trained) -> Self {
        Net {
            label: label.into(),
            arch: arch.clone(),
            final_loss: trained.progress.loss,
            steps: trained.progress.step,
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
