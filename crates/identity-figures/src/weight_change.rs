//! Fig. 16-18: how far each layer's weights moved in training, relative to their initial
//! norm, for ConvNets, linear FCNs and ReLU FCNs.

use std::fmt::Write;

use identity_core::weight_change::{LayerChange, weight_change};
use serde::{Deserialize, Serialize};

use crate::answers::cell;
use crate::claim::{CHANGE_RATIO, Claim, NEAR_ZERO, mean};
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
    for (label, arch) in setting.rows(rows) {
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

    /// The rows by depth (layers measured), shallowest first, and the deepest.
    fn by_depth(&self) -> Vec<&ChangeRow> {
        let mut rows: Vec<&ChangeRow> = self.rows.iter().collect();
        rows.sort_by_key(|r| r.changes.len());
        rows
    }

    /// Fig. 16-18: the deeper the net, the less its bottom layer changes (the deepest's by
    /// [`CHANGE_RATIO`] less than the shallowest's), and in the deepest net the lower half of
    /// the layers changes less than the upper half.
    pub fn lower_change_less(&self) -> Vec<Claim> {
        let rows = self.by_depth();
        let (Some(shallowest), Some(deepest)) = (rows.first(), rows.last()) else {
            return vec![];
        };
        let weights =
            |r: &ChangeRow| -> Vec<f64> { r.changes.iter().map(|c| f64::from(c.weight)).collect() };
        let (top, bottom) = (weights(shallowest)[0], weights(deepest)[0]);
        let across = (rows.len() > 1).then(|| {
            Claim::on(
                &[&shallowest.network, &deepest.network],
                &format!("the deeper the net, the less its bottom layer changes (the deepest's at least {CHANGE_RATIO} times less than the shallowest's)"),
                format!(
                    "bottom layer's relative change: {}; {} {top:.2e} against {} {bottom:.2e}",
                    rows.iter()
                        .map(|r| format!("{} {:.3}", r.network.label, r.changes[0].weight))
                        .collect::<Vec<_>>()
                        .join(", "),
                    shallowest.network.label,
                    deepest.network.label
                ),
                bottom * CHANGE_RATIO <= top,
            )
        });
        let changes = weights(deepest);
        let within = (changes.len() >= 4).then(|| {
            let half = changes.len() / 2;
            let (lower, upper) = (mean(&changes[..half]), mean(&changes[half..]));
            Claim::on(
                &[&deepest.network],
                "in the deepest net the lower half of the layers changes less than the upper half",
                format!(
                    "{}: mean relative change lower half {lower:.3}, upper half {upper:.3}",
                    deepest.network.label
                ),
                lower < upper,
            )
        });
        across.into_iter().chain(within).collect()
    }

    /// Fig. 16: even in the deepest net every layer changes by at least [`NEAR_ZERO`].
    pub fn deepest_not_near_zero(&self) -> Vec<Claim> {
        let Some(deepest) = self.by_depth().pop() else {
            return vec![];
        };
        let (layer, least) = least_change(&deepest.changes);
        vec![Claim::on(
            &[&deepest.network],
            &format!(
                "even in the deepest net the lower layers change, not near zero (every layer by at least {NEAR_ZERO})"
            ),
            format!(
                "{}: smallest relative change {least:.1e}, layer {layer}",
                deepest.network.label
            ),
            least >= NEAR_ZERO,
        )]
    }

    /// Fig. 18: in the deepest net the lowest `layers` layers change near zero (each by less
    /// than [`NEAR_ZERO`]).
    pub fn deepest_lower_near_zero(&self, layers: usize) -> Vec<Claim> {
        let Some(deepest) = self.by_depth().pop() else {
            return vec![];
        };
        if deepest.changes.len() <= layers {
            return vec![];
        }
        let lower: Vec<f64> = deepest.changes[..layers]
            .iter()
            .map(|c| f64::from(c.weight))
            .collect();
        let most = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        vec![Claim::on(
            &[&deepest.network],
            &format!(
                "in the deepest net the lower {layers} layers' weights change near zero (each by less than {NEAR_ZERO})"
            ),
            format!(
                "{}: relative change of layers 1-{layers} {}",
                deepest.network.label,
                lower
                    .iter()
                    .map(|c| format!("{c:.3}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            most < NEAR_ZERO,
        )]
    }
}

/// The layer (from 1) whose weights changed least, and that change.
fn least_change(changes: &[LayerChange]) -> (usize, f64) {
    changes
        .iter()
        .enumerate()
        .map(|(i, c)| (i + 1, f64::from(c.weight)))
        .fold(
            (0, f64::INFINITY),
            |least, x| if x.1 < least.1 { x } else { least },
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Verdict;

    /// Networks with these relative changes per layer, bottom first (the depth is the count).
    fn data(rows: &[&[f32]]) -> WeightChange {
        WeightChange {
            rows: rows
                .iter()
                .map(|changes| ChangeRow {
                    network: Net::conv_for_tests(changes.len()),
                    changes: changes
                        .iter()
                        .map(|&weight| LayerChange { weight, bias: None })
                        .collect(),
                })
                .collect(),
        }
    }

    fn verdicts(claims: Vec<Claim>) -> Vec<Verdict> {
        claims.iter().map(|c| c.verdict).collect()
    }

    #[test]
    fn the_bottom_layer_must_change_less_in_deeper_nets() {
        let deeper_less = data(&[&[0.06, 0.2, 1.0], &[0.02, 0.05, 0.1, 0.2, 1.0]]);
        assert_eq!(
            verdicts(deeper_less.lower_change_less()),
            [Verdict::Holds, Verdict::Holds]
        );
        // The deepest's bottom layer moves as much as the shallowest's: no trend.
        let same = data(&[&[0.03, 0.2, 1.0], &[0.03, 0.05, 0.1, 0.2, 1.0]]);
        assert_eq!(verdicts(same.lower_change_less())[0], Verdict::DoesNotHold);
        // Lower layers moving more than upper ones in the deepest net.
        let upside_down = data(&[&[0.06, 0.2, 1.0], &[0.02, 0.9, 0.8, 0.01, 0.01]]);
        assert_eq!(
            verdicts(upside_down.lower_change_less())[1],
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn near_zero_is_a_bar_both_ways() {
        let barely = data(&[
            &[0.06, 0.2, 1.0],
            &[0.001, 0.005, 0.008, 0.009, 0.009, 0.1, 1.0],
        ]);
        // Fig. 16's "not zero" fails on changes of a thousandth; Fig. 18's "near zero" holds.
        assert_eq!(
            verdicts(barely.deepest_not_near_zero()),
            [Verdict::DoesNotHold]
        );
        assert_eq!(
            verdicts(barely.deepest_lower_near_zero(5)),
            [Verdict::Holds]
        );
        let moving = data(&[&[0.06, 0.2, 1.0], &[0.02, 0.03, 0.03, 0.04, 0.05, 0.1, 1.0]]);
        assert_eq!(verdicts(moving.deepest_not_near_zero()), [Verdict::Holds]);
        assert_eq!(
            verdicts(moving.deepest_lower_near_zero(5)),
            [Verdict::DoesNotHold]
        );
    }
}
