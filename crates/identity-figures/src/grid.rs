//! Prediction grids (Fig. 2-4, 6, 14, 15, 26, 28): the test row answered by the networks of a
//! sweep, one row each, and each row's means over the inputs the networks have not seen
//! ([`Summary`], also made from a heatmap's rho = 0 column). The claims read from them are
//! beside their networks: [`crate::fcn_claims`] and [`crate::conv_claims`].

use std::fmt::Write;

use identity_core::ArchConfig;
use identity_core::heatmap::heatmap;
use identity_core::measure::answers;
use identity_core::rho::Probes;
use serde::{Deserialize, Serialize};

use crate::answers::{ANSWER_COLUMNS, AnsweredRows, Answers, Inputs};
use crate::claim::MEAN_MARGIN;
use crate::net::Net;
use crate::plan::{Networks, Setting};
use crate::sweeps::Rows;

/// The sense of rho of a grid row's orthogonal inputs: cosine rho 0, `x̂ᵀx = 0`.
pub const ORTHOGONAL_PROBES: Probes = Probes::Cosine;

/// A prediction grid's numbers and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    /// The test row.
    pub inputs: Inputs,
    /// One row per network.
    pub rows: Vec<GridRow>,
}

/// One network's answers to the test row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridRow {
    /// The network.
    pub network: Net,
    /// Its answers.
    pub answers: Answers,
    /// Its mean answer to random inputs orthogonal to the training digit in the raw sense
    /// (absent in files made before it was measured).
    #[serde(default)]
    pub orthogonal: Option<Orthogonal>,
}

/// A network's mean answer to random inputs with `x̂ᵀx = 0` (cosine rho 0, the training
/// digit's norm): where eq. (2) says a net whose bottom layer alone was trained by gradient
/// descent answers from its initialisation alone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Orthogonal {
    /// Random inputs averaged.
    pub probes: usize,
    /// Mean correlation to the identity (`None` where undefined for every input).
    pub identity: Option<f32>,
    /// Mean correlation to the constant (`None` likewise).
    pub constant: Option<f32>,
}

/// Measures a grid of the networks of `rows`.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    rows: Rows,
) -> Result<Grid, N::Error> {
    let (inputs, images) = Inputs::test_row(setting)?;
    let mut measured = Vec::new();
    for (label, arch) in setting.rows(rows) {
        let trained = setting.trained(networks, &arch).await?;
        let answered = answers(
            &trained.network,
            &images,
            &setting.training,
            &setting.device,
        )
        .await?;
        let probes = setting.scale.probes_per_rho();
        let orthogonal = heatmap(
            &trained.network,
            &setting.training,
            &[0.0],
            probes,
            ORTHOGONAL_PROBES,
            setting.seed,
            &setting.device,
        )
        .await?;
        measured.push(GridRow {
            network: Net::new(label, &arch, &trained),
            answers: Answers::of(&answered),
            orthogonal: Some(Orthogonal {
                probes,
                identity: orthogonal.identity[0],
                constant: orthogonal.constant[0],
            }),
        });
    }
    Ok(Grid {
        inputs,
        rows: measured,
    })
}

/// A row reduced to what the claims read: the network and its two means over unseen inputs
/// (or at rho = 0, for heatmaps); NaN where undefined (a dead network's flat output), which
/// no threshold admits.
#[derive(Debug, Clone, Copy)]
pub struct Summary<'a> {
    /// The network.
    pub network: &'a Net,
    /// Mean correlation to the identity.
    pub identity: f64,
    /// Mean correlation to the constant.
    pub constant: f64,
    /// Mean edge score (correlation to the input's edge map); NaN where undefined or not
    /// measured.
    pub edges: f64,
}

impl<'a> Summary<'a> {
    /// A row's two means, NaN where undefined; no edge score.
    pub fn new(network: &'a Net, identity: Option<f64>, constant: Option<f64>) -> Self {
        Summary {
            network,
            identity: identity.unwrap_or(f64::NAN),
            constant: constant.unwrap_or(f64::NAN),
            edges: f64::NAN,
        }
    }

    /// The same with its mean edge score.
    pub fn with_edges(self, edges: Option<f64>) -> Self {
        Summary {
            edges: edges.unwrap_or(f64::NAN),
            ..self
        }
    }

    /// Whether its answers are an edge detector's ([`follows_edges`]).
    pub fn detects_edges(&self) -> bool {
        follows_edges(self.edges, self.identity)
    }
}

/// Whether answers with this mean edge score and identity are an edge detector's: they
/// correlate with the input's edge map more than with the input, by [`MEAN_MARGIN`].
pub fn follows_edges(edges: f64, identity: f64) -> bool {
    edges >= identity + MEAN_MARGIN
}

/// Where the numbers of a sweep's claims come from, in words for the claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Prediction grids: the mean over the test row, without the training digit and the mix.
    TestRow,
    /// Heatmaps: the rho = 0 column (inputs uncorrelated with the training digit).
    RhoZero,
    /// Prediction grids' random inputs orthogonal to the training digit (`x̂ᵀx = 0`).
    Orthogonal,
}

impl Source {
    pub(crate) fn words(self) -> &'static str {
        match self {
            Source::TestRow => "mean over the test row",
            Source::RhoZero => "at rho = 0",
            Source::Orthogonal => "on inputs with x̂ᵀx = 0",
        }
    }
}

impl Grid {
    /// `network,input,` and [`ANSWER_COLUMNS`], one line per network and
    /// input.
    pub fn csv(&self) -> String {
        let mut csv = format!("network,input,{ANSWER_COLUMNS}\n");
        for row in &self.rows {
            for (i, name) in self.inputs.names.iter().enumerate() {
                writeln!(csv, "{},{name},{}", row.network.label, row.answers.cells(i)).ok();
            }
        }
        csv
    }

    /// Each row's means over the inputs its network has not seen.
    pub fn summaries(&self) -> Vec<Summary<'_>> {
        self.rows
            .iter()
            .map(|row| {
                let (identity, constant) = row.answers.unseen_means(&self.inputs);
                Summary::new(&row.network, identity, constant)
                    .with_edges(row.answers.unseen_edges(&self.inputs))
            })
            .collect()
    }

    /// Each row's mean over the inputs orthogonal to the training digit (`x̂ᵀx = 0`); rows
    /// measured without them are left out.
    pub fn orthogonal_summaries(&self) -> Vec<Summary<'_>> {
        let value = |v: Option<f32>| v.map(f64::from);
        self.rows
            .iter()
            .filter_map(|row| {
                row.orthogonal
                    .map(|o| Summary::new(&row.network, value(o.identity), value(o.constant)))
            })
            .collect()
    }
}

/// The rows of one family, shallowest first.
pub fn family<'a>(rows: &[Summary<'a>], keep: impl Fn(&ArchConfig) -> bool) -> Vec<Summary<'a>> {
    let mut kept: Vec<Summary> = rows
        .iter()
        .filter(|r| keep(&r.network.arch))
        .copied()
        .collect();
    kept.sort_by_key(|r| r.network.depth());
    kept
}

impl AnsweredRows for Grid {
    fn answered(&self) -> Vec<(&Net, &Answers)> {
        self.rows.iter().map(|r| (&r.network, &r.answers)).collect()
    }
}
