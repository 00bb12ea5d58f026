//! Heatmaps against rho (Fig. 5, 7, 25, 27 in correlation; Fig. 31-33 in MSE, App. I): for
//! each network of a sweep, the mean answer to random inputs whose correlation to the
//! training digit is rho, to the identity and to the constant.

use std::fmt::Write;

use identity_core::ArchConfig;
use identity_core::heatmap::heatmap;
use identity_core::rho::Probes;
use serde::{Deserialize, Serialize};

use crate::answers::cell;
use crate::claim::{Claim, MEAN_MARGIN, Mean, ends};
use crate::grid::{Summary, family};
use crate::net::Net;
use crate::plan::{Networks, Setting};
use crate::sweeps::Rows;

/// The sense of rho of the heatmaps and of Fig. 13's curves.
pub const RHO_PROBES: Probes = Probes::Pearson;

/// Which numbers a heatmap shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Measure {
    /// Pearson correlation.
    Correlation,
    /// Mean squared error (App. I).
    Mse,
}

/// A heatmap figure's numbers: both measures are kept, `measure` says which one it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heatmap {
    /// The measure shown and judged.
    pub measure: Measure,
    /// The rho columns.
    pub rhos: Vec<f32>,
    /// Random inputs averaged per rho.
    pub probes_per_rho: usize,
    /// The sense of rho of those inputs (files made before it was recorded used Pearson's).
    #[serde(default)]
    pub probes: Probes,
    /// One row per network.
    pub rows: Vec<HeatmapRow>,
}

/// One network's row: the network, and its mean answers per rho as the core measures them
/// (in JSON, their fields beside `network`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeatmapRow {
    /// The network.
    pub network: Net,
    /// Its mean answers per rho.
    #[serde(flatten)]
    pub means: identity_core::heatmap::HeatmapRow,
}

impl HeatmapRow {
    /// The row in `measure`: (to the identity, to the constant), `None` where undefined.
    pub fn shown(&self, measure: Measure) -> (Vec<Option<f32>>, Vec<Option<f32>>) {
        let defined = |v: &[f32]| v.iter().copied().map(Some).collect();
        match measure {
            Measure::Correlation => (self.means.identity.clone(), self.means.constant.clone()),
            Measure::Mse => (
                defined(&self.means.mse_identity),
                defined(&self.means.mse_constant),
            ),
        }
    }
}

/// Measures the heatmap rows of the networks of `rows`.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    rows: Rows,
    measure: Measure,
) -> Result<Heatmap, N::Error> {
    let rhos = setting.scale.rhos();
    let probes_per_rho = setting.scale.probes_per_rho();
    let probes = RHO_PROBES;
    let mut measured = Vec::new();
    for (label, arch) in setting.rows(rows) {
        let trained = setting.trained(networks, &arch).await?;
        let row = heatmap(
            &trained.network,
            &setting.training,
            &rhos,
            probes_per_rho,
            probes,
            setting.seed,
            &setting.device,
        )
        .await?;
        measured.push(HeatmapRow {
            network: Net::new(label, &arch, &trained),
            means: row,
        });
    }
    Ok(Heatmap {
        measure,
        rhos,
        probes_per_rho,
        probes,
        rows: measured,
    })
}

impl Heatmap {
    /// `network,rho,identity,constant` in the figure's measure, then `edges` (the mean edge
    /// score, a correlation; empty where not measured), one line per network and rho.
    pub fn csv(&self) -> String {
        let mut csv = String::from("network,rho,identity,constant,edges\n");
        for row in &self.rows {
            let (identity, constant) = row.shown(self.measure);
            for (i, rho) in self.rhos.iter().enumerate() {
                writeln!(
                    csv,
                    "{},{rho},{},{},{}",
                    row.network.label,
                    cell(identity[i]),
                    cell(constant[i]),
                    cell(row.means.edges.get(i).copied().flatten())
                )
                .ok();
            }
        }
        csv
    }

    /// The networks measured.
    pub fn nets(&self) -> Vec<&Net> {
        self.rows.iter().map(|r| &r.network).collect()
    }

    /// Each row's rho = 0 column in the figure's measure (the inputs uncorrelated with the
    /// training digit).
    pub fn summaries(&self) -> Vec<Summary<'_>> {
        self.rows
            .iter()
            .map(|row| {
                let (identity, constant) = row.shown(self.measure);
                let first = |v: &[Option<f32>]| v.first().copied().flatten().map(f64::from);
                Summary::new(&row.network, first(&identity), first(&constant))
                    .with_edges(first(&row.means.edges))
            })
            .collect()
    }
    /// Fig. 31-33 (App. I: the MSE and the correlation plots "are overall consistent"): the
    /// shallowest and the deepest net at rho = 0 are ranked alike by both measures, toward the
    /// identity (the MSE to the input) and toward the constant (the MSE to the digit).
    pub fn mse_agrees_with_correlation(&self) -> Vec<Claim> {
        let mut rows: Vec<&HeatmapRow> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.network.depth());
        let (Some(shallow), Some(deep)) = (rows.first(), rows.last()) else {
            return vec![];
        };
        if shallow.network.depth() == deep.network.depth() {
            return vec![];
        }
        let at0 = |v: &[Option<f32>]| v.first().copied().flatten().map_or(f64::NAN, f64::from);
        let mse0 = |v: &[f32]| v.first().map_or(f64::NAN, |&x| f64::from(x));
        // Each pair: (correlation shallow, deep), (MSE shallow, deep); the shallow net is
        // nearer by correlation when its correlation is higher, by MSE when its MSE is lower.
        // Correlations closer than [`MEAN_MARGIN`] rank nothing, so there is nothing to agree
        // with; a claim needs at least one pair that the correlation ranks.
        let ranked = |(cs, cd): (f64, f64)| (cs - cd).abs() >= MEAN_MARGIN;
        let agrees = |c: (f64, f64), (ms, md): (f64, f64)| !ranked(c) || (c.0 > c.1) == (ms < md);
        let identity = (
            (at0(&shallow.means.identity), at0(&deep.means.identity)),
            (
                mse0(&shallow.means.mse_identity),
                mse0(&deep.means.mse_identity),
            ),
        );
        let constant = (
            (at0(&shallow.means.constant), at0(&deep.means.constant)),
            (
                mse0(&shallow.means.mse_constant),
                mse0(&deep.means.mse_constant),
            ),
        );
        let words = |what: &str, ((cs, cd), (ms, md)): ((f64, f64), (f64, f64))| {
            format!(
                "to the {what}: correlation {} {:.2}, {} {:.2}; MSE {ms:.4}, {md:.4}",
                shallow.network.label,
                Mean(cs),
                deep.network.label,
                Mean(cd)
            )
        };
        if !ranked(identity.0) && !ranked(constant.0) {
            return vec![];
        }
        vec![Claim::on(
            &[&shallow.network, &deep.network],
            &format!(
                "MSE and correlation rank the shallowest and the deepest net alike, toward the identity and toward the constant (rho = 0; where the correlations differ by at least {MEAN_MARGIN})"
            ),
            format!("{}; {}", words("input", identity), words("digit", constant)),
            agrees(identity.0, identity.1) && agrees(constant.0, constant.1),
        )]
    }
}

/// Fig. 5: deeper linear FCNs are more constant.
pub fn linear_trend(rows: &[Summary]) -> Vec<Claim> {
    let linear = family(rows, |a| matches!(a, ArchConfig::Linear { .. }));
    ends(&linear)
        .map(|(shallow, deep)| {
            Claim::on(
                &[shallow.network, deep.network],
                "deeper linear FCNs are more constant",
                format!(
                    "at rho = 0: {} constant {:.2}, {} constant {:.2}",
                    shallow.network.label,
                    Mean(shallow.constant),
                    deep.network.label,
                    Mean(deep.constant)
                ),
                deep.constant > shallow.constant,
            )
        })
        .into_iter()
        .collect()
}

/// Fig. 31-33: in MSE too, deeper nets are nearer the constant.
pub fn mse_pattern(rows: &[Summary]) -> Vec<Claim> {
    let sorted = family(rows, |_| true);
    ends(&sorted)
        .map(|(shallow, deep)| {
            Claim::on(
                &[shallow.network, deep.network],
                "in MSE too, deeper nets are nearer the constant than shallower ones",
                format!(
                    "at rho = 0, MSE to the constant: {} {:.4}, {} {:.4}",
                    shallow.network.label,
                    Mean(shallow.constant),
                    deep.network.label,
                    Mean(deep.constant)
                ),
                deep.constant < shallow.constant,
            )
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
impl Heatmap {
    /// A correlation heatmap at rho 0 and 1 of fitted ConvNets, one row per `(depth, identity,
    /// constant)` (the means at rho 0; 0 at rho 1), for the judges' tests.
    pub(crate) fn conv_for_tests(rows: &[(usize, f32, f32)]) -> Heatmap {
        Heatmap {
            measure: Measure::Correlation,
            rhos: vec![0.0, 1.0],
            probes_per_rho: 2,
            probes: Probes::Pearson,
            rows: rows
                .iter()
                .map(|&(depth, identity, constant)| HeatmapRow {
                    network: Net::conv_for_tests(depth),
                    means: identity_core::heatmap::HeatmapRow {
                        identity: vec![Some(identity), Some(0.0)],
                        constant: vec![Some(constant), Some(0.0)],
                        edges: vec![],
                        mse_identity: vec![0.0, 0.0],
                        mse_constant: vec![0.0, 0.0],
                    },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Verdict;

    /// Two ConvNets (1 and 20 layers) with (identity, constant) correlations and MSEs at rho 0.
    fn heat(shallow: [f32; 4], deep: [f32; 4]) -> Heatmap {
        let row = |depth, [i, c, mi, mc]: [f32; 4]| HeatmapRow {
            network: Net::conv_for_tests(depth),
            means: identity_core::heatmap::HeatmapRow {
                identity: vec![Some(i)],
                constant: vec![Some(c)],
                edges: vec![],
                mse_identity: vec![mi],
                mse_constant: vec![mc],
            },
        };
        Heatmap {
            measure: Measure::Mse,
            rhos: vec![0.0],
            probes_per_rho: 2,
            probes: Probes::Pearson,
            rows: vec![row(1, shallow), row(20, deep)],
        }
    }

    #[test]
    fn mse_must_rank_the_nets_as_the_correlation_does() {
        let verdict = |h: Heatmap| h.mse_agrees_with_correlation()[0].verdict;
        assert_eq!(
            verdict(heat([0.9, 0.1, 0.01, 0.2], [0.1, 0.9, 0.2, 0.01])),
            Verdict::Holds
        );
        // Correlations to the input within the margin rank nothing: only the constant counts.
        assert_eq!(
            verdict(heat([0.01, 0.1, 0.3, 0.2], [0.0, 0.9, 0.2, 0.01])),
            Verdict::Holds
        );
        // The shallow net nearer the input by correlation, farther by MSE.
        assert_eq!(
            verdict(heat([0.9, 0.1, 0.3, 0.2], [0.1, 0.9, 0.2, 0.01])),
            Verdict::DoesNotHold
        );
    }
}
