//! Fig. 16-18: how far each layer's weights moved in training, relative to their initial
//! norm, for ConvNets, linear FCNs and ReLU FCNs.

use std::fmt::Write;

use identity_core::weight_change::{LayerChange, weight_change};
use serde::{Deserialize, Serialize};

use crate::answers::cell;
use crate::claim::{Claim, mean};
use crate::net::Net;
use crate::plan::{Networks, Setting};
use crate::sweeps::Rows;

/// A weight-change figure's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightChange {
    /// One row per network.
    pub rows: Vec<ChangeRow>,
}

/// One network's change per layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    /// The network.
    pub network: Net,
    /// `‖W⁰ − W*‖ / ‖W⁰‖` of each layer's weights (and biases), bottom first.
    pub changes: Vec<LayerChange>,
}

/// Measures the weight change of each layer of the networks of `rows`.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    rows: Rows,
) -> Result<WeightChange, N::Error> {
    let mut measured = Vec::new();
    for (label, arch) in rows(setting.scale) {
        let trained = setting.trained(networks, &arch).await?;
        let changes = weight_change(&trained.initial, &trained.network).await?;
        measured.push(ChangeRow {
            network: Net::new(label, &arch, &trained),
            changes,
        });
    }
    Ok(WeightChange { rows: measured })
}

impl WeightChange {
    /// `network,layer,weight_change,bias_change`, one line per network and layer.
    pub fn csv(&self) -> String {
        let mut csv = String::from("network,layer,weight_change,bias_change\n");
        for row in &self.rows {
            for (i, c) in row.changes.iter().enumerate() {
                writeln!(
                    csv,
                    "{},{},{},{}",
                    row.network.label,
                    i + 1,
                    c.weight,
                    cell(c.bias)
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

    /// Fig. 16-18: in the deepest net the lower layers change less than the upper ones, but
    /// not zero.
    pub fn claims(&self) -> Vec<Claim> {
        let Some(row) = self.rows.iter().max_by_key(|r| r.changes.len()) else {
            return vec![];
        };
        let changes: Vec<f64> = row.changes.iter().map(|c| f64::from(c.weight)).collect();
        if changes.len() < 4 {
            return vec![];
        }
        let half = changes.len() / 2;
        let (lower, upper) = (mean(&changes[..half]), mean(&changes[half..]));
        let least = changes.iter().copied().fold(f64::INFINITY, f64::min);
        vec![Claim::on(
            &[&row.network],
            "in the deepest net the lower layers change less than the upper ones, but not zero",
            format!(
                "{}: mean relative change lower half {lower:.3}, upper half {upper:.3}, smallest {least:.2e}",
                row.network.label
            ),
            lower < upper && least > 0.0,
        )]
    }
}
