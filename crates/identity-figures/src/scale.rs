//! How big the networks of a figure run are, and what a scale measures with: the rho grid,
//! the probes per rho and the length of the test row.

use serde::{Deserialize, Serialize};

/// How big the networks are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum Scale {
    /// Tiny networks for the test suite (seconds).
    Test,
    /// Reduced widths (32 channels), every figure in minutes on 2 CPU cores.
    Quick,
    /// The paper's sizes (128 channels); hours on a CPU, meant for a GPU.
    Paper,
}

impl Scale {
    /// The rho columns of the heatmaps.
    pub fn rhos(self) -> Vec<f32> {
        match self {
            Scale::Test => vec![0.0, 0.5, 1.0],
            Scale::Quick | Scale::Paper => (0..=8).map(|i| i as f32 / 8.0).collect(),
        }
    }

    /// Random test inputs per rho.
    pub fn probes_per_rho(self) -> usize {
        match self {
            Scale::Test => 2,
            Scale::Quick => 10,
            Scale::Paper => 20,
        }
    }

    /// MNIST and Fashion-MNIST images in the test row (fewer at test scale).
    pub fn test_row(self) -> (usize, usize) {
        match self {
            Scale::Test => (2, 1),
            Scale::Quick | Scale::Paper => (4, 3),
        }
    }
}
