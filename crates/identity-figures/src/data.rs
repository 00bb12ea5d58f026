//! A figure's numbers as typed data: what the CLI writes as JSON (and, through [`Body::csv`],
//! CSV), what the report reads back, and what the page will show. One variant per kind of
//! figure; a file that does not have this shape fails to read with the reason.

use serde::{Deserialize, Serialize};

use crate::answers::AnsweredRows;
use crate::collapse::Collapse;
use crate::eq1::Eq1;
use crate::grid::{Grid, ORTHOGONAL_PROBES};
use crate::heatmap::{Heatmap, RHO_PROBES};
use crate::input_sizes::InputSizes;
use crate::layers::Layers;
use crate::net::Net;
use crate::training_sizes::TrainingSizes;
use crate::upper_subnetworks::UpperSubnetworks;
use crate::weight_change::WeightChange;

/// One figure of the paper, measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureData {
    /// The paper's figure number.
    pub figure: u32,
    /// Its numbers.
    #[serde(flatten)]
    pub body: Body,
}

/// The numbers of a figure, by kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Body {
    /// Fig. 1: the linear net and eq. (1) (boxed: by far the largest variant).
    Eq1(Box<Eq1>),
    /// Prediction grids on the test row.
    Grid(Grid),
    /// Heatmaps against rho.
    Heatmap(Heatmap),
    /// Intermediate layers.
    Layers(Layers),
    /// Representation collapse (Fig. 9).
    Collapse(Collapse),
    /// Inputs of other sizes.
    InputSizes(InputSizes),
    /// Upper sub-networks.
    UpperSubnetworks(UpperSubnetworks),
    /// Training images of other sizes (Fig. 13).
    TrainingSizes(TrainingSizes),
    /// Weight change per layer.
    WeightChange(WeightChange),
}

impl Body {
    /// Which random inputs the figure measures with, in words (`None` for a figure of fixed
    /// inputs only): the sense of its rho, and the raw-orthogonal inputs of its grid rows.
    pub fn random_inputs(&self) -> Option<String> {
        match self {
            Body::Heatmap(d) => Some(format!(
                "rho inputs: {} ({} per rho)",
                d.probes.words(),
                d.probes_per_rho
            )),
            Body::TrainingSizes(_) => Some(format!("rho inputs: {}", RHO_PROBES.words())),
            Body::Grid(d) => d.rows.iter().find_map(|r| r.orthogonal).map(|o| {
                format!(
                    "besides the test row, {} random inputs orthogonal to the digit (x̂ᵀx = 0): {}",
                    o.probes,
                    ORTHOGONAL_PROBES.words()
                )
            }),
            _ => None,
        }
    }

    /// The numbers as a table (CSV with a header line).
    pub fn csv(&self) -> String {
        match self {
            Body::Eq1(d) => d.csv(),
            Body::Grid(d) => d.csv(),
            Body::Heatmap(d) => d.csv(),
            Body::Layers(d) => d.csv(),
            Body::Collapse(d) => d.csv(),
            Body::InputSizes(d) => d.csv(),
            Body::UpperSubnetworks(d) => d.csv(),
            Body::TrainingSizes(d) => d.csv(),
            Body::WeightChange(d) => d.csv(),
        }
    }

    /// How many leading columns of [`Body::csv`] say which number a row holds (network,
    /// input, rho, layer, ...); the others are the numbers.
    pub fn key_columns(&self) -> usize {
        match self {
            Body::Eq1(_) => 1,
            Body::Grid(_)
            | Body::Heatmap(_)
            | Body::Collapse(_)
            | Body::TrainingSizes(_)
            | Body::WeightChange(_) => 2,
            Body::InputSizes(_) | Body::UpperSubnetworks(_) | Body::Layers(_) => 3,
        }
    }

    /// Columns of [`Body::csv`] that are neither keys nor numbers to average over seeds (the
    /// channel a layer view shows: an index, which differs between seeds).
    pub fn labels_only(&self) -> &'static [&'static str] {
        match self {
            Body::Layers(_) => &["channel"],
            _ => &[],
        }
    }

    /// The trained networks the figure shows (none listed for the curves of Fig. 9 and 13,
    /// whose networks are the depth sweep).
    pub fn nets(&self) -> Vec<&Net> {
        match self {
            Body::Eq1(d) => d.nets(),
            Body::Grid(d) => d.nets(),
            Body::Heatmap(d) => d.nets(),
            Body::Layers(d) => d.nets(),
            Body::InputSizes(d) => d.nets(),
            Body::UpperSubnetworks(d) => d.nets(),
            Body::WeightChange(d) => d.nets(),
            Body::Collapse(_) | Body::TrainingSizes(_) => vec![],
        }
    }

    /// The trained networks the figure shows, to amend (see [`Body::nets`]).
    pub fn nets_mut(&mut self) -> Vec<&mut Net> {
        match self {
            Body::Eq1(d) => vec![&mut d.network],
            Body::Grid(d) => d.rows.iter_mut().map(|r| &mut r.network).collect(),
            Body::Heatmap(d) => d.rows.iter_mut().map(|r| &mut r.network).collect(),
            Body::Layers(d) => d.networks.iter_mut().map(|n| &mut n.network).collect(),
            Body::InputSizes(d) => d.rows.iter_mut().map(|r| &mut r.network).collect(),
            Body::UpperSubnetworks(d) => d.rows.iter_mut().map(|r| &mut r.network).collect(),
            Body::WeightChange(d) => d.rows.iter_mut().map(|r| &mut r.network).collect(),
            Body::Collapse(_) | Body::TrainingSizes(_) => vec![],
        }
    }
}

/// A figure as a run records it: its data on each seed, the run it came from and its claims
/// over the seeds (the CLI's `figN.json`; the report reads it back).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recorded {
    /// The paper's figure number.
    pub figure: u32,
    /// The networks' sizes.
    pub scale: crate::scale::Scale,
    /// The widest ConvNet of a channel sweep, when the run left the wider ones out
    /// ([`crate::sweeps::within`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub widest: Option<usize>,
    /// The backend it ran on (`flex`, `wgpu`).
    pub backend: String,
    /// Seconds it took, training included, over all seeds.
    pub seconds: f64,
    /// The figure measured on each seed, in the order the seeds were given.
    pub runs: Vec<Run>,
    /// Each claim, judged on every seed.
    pub claims: Vec<crate::claim::OverSeeds>,
}

/// The figure measured with one seed (of the weights and the random test inputs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The seed.
    pub seed: u64,
    /// What was measured.
    #[serde(flatten)]
    pub data: FigureData,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::heatmap::Heatmap;

    #[test]
    fn figure_data_round_trips_through_json_and_a_wrong_shape_is_refused() {
        let data = FigureData {
            figure: 7,
            body: Body::Heatmap(Heatmap::conv_for_tests(&[(1, 0.9, 0.1)])),
        };
        let json = serde_json::to_string(&data).unwrap();
        assert!(json.contains(r#""kind":"heatmap""#), "{json}");
        assert_eq!(serde_json::from_str::<FigureData>(&json).unwrap(), data);
        let drifted = json.replace(r#""rhos""#, r#""rho""#);
        assert!(serde_json::from_str::<FigureData>(&drifted).is_err());
    }
}
