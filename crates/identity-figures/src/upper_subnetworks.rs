//! Fig. 12, 23, 24: the upper sub-networks of trained ConvNets, fed the test row directly
//! (repeated across the channels of their first layer), skipping the layers below.

use std::fmt::Write;

use identity_core::measure::upper_answers;
use serde::{Deserialize, Serialize};

use crate::answers::{ANSWER_COLUMNS, AnsweredRows, Answers, Inputs};
use crate::claim::{Claim, TOP_LAYER_MARGIN, mean};
use crate::net::Net;
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{conv, conv_depths, conv_plan};

/// An upper-sub-network figure's numbers and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpperSubnetworks {
    /// The test row.
    pub inputs: Inputs,
    /// One row per cut.
    pub rows: Vec<Cut>,
}

/// The top layers of one trained ConvNet, and their answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cut {
    /// The whole network.
    pub network: Net,
    /// The first layer used (1-based).
    pub first_layer: usize,
    /// How many layers are used, from `first_layer` to the output.
    pub layers_used: usize,
    /// The sub-network's answers to the test row.
    pub answers: Answers,
}

/// The top `top` layers of every ConvNet of the depth sweep deeper than `top` (Fig. 12, 23),
/// as `(depth, top)` cuts.
pub fn every_depth(scale: Scale, top: usize) -> Vec<(usize, usize)> {
    conv_depths(scale)
        .into_iter()
        .filter(|&d| d > top)
        .map(|d| (d, top))
        .collect()
}

/// Fig. 12's cuts: the top layer of every depth of the sweep, and of 12, 15 and 16 layers
/// (the paper places the change at 15), at every scale but the test one.
pub fn around_15(scale: Scale) -> Vec<(usize, usize)> {
    let mut depths: Vec<usize> = every_depth(scale, 1).into_iter().map(|(d, _)| d).collect();
    if scale != Scale::Test {
        depths.extend([12, 15, 16]);
        depths.sort_unstable();
        depths.dedup();
    }
    depths.into_iter().map(|d| (d, 1)).collect()
}

/// The networks of `cuts`, as a plan.
pub fn plan(scale: Scale, cuts: &[(usize, usize)]) -> Vec<Planned> {
    conv_plan(scale, cuts.iter().map(|&(d, _)| d))
}

/// Measures each `(depth, top)` of `cuts`: the top `top` layers of the trained ConvNet of
/// `depth` layers. Cuts deeper than the net are left out.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    cuts: Vec<(usize, usize)>,
) -> Result<UpperSubnetworks, N::Error> {
    let (inputs, images) = Inputs::test_row(setting)?;
    let mut rows = Vec::new();
    for (depth, top) in cuts.into_iter().filter(|&(d, t)| t <= d) {
        let arch = conv(setting.scale, depth);
        let trained = setting.trained(networks, &arch).await?;
        let first = depth - top;
        let answered = upper_answers(
            &trained.network,
            first,
            &images,
            &setting.training,
            &setting.device,
        )
        .await?;
        rows.push(Cut {
            network: Net::new(
                format!("{}, top {top}", crate::net::layers(depth)),
                &arch,
                &trained,
            ),
            first_layer: first + 1,
            layers_used: top,
            answers: Answers::of(&answered),
        });
    }
    Ok(UpperSubnetworks { inputs, rows })
}

impl UpperSubnetworks {
    /// `depth,first_layer,input,` and [`ANSWER_COLUMNS`], one line per cut
    /// and input.
    pub fn csv(&self) -> String {
        let mut csv = format!("depth,first_layer,input,{ANSWER_COLUMNS}\n");
        for row in &self.rows {
            for (i, name) in self.inputs.names.iter().enumerate() {
                writeln!(
                    csv,
                    "{},{},{name},{}",
                    row.network.depth(),
                    row.first_layer,
                    row.answers.cells(i)
                )
                .ok();
            }
        }
        csv
    }

    /// Each cut's means over the inputs its network has not seen: (cut, identity, constant),
    /// NaN where undefined.
    fn means(&self) -> Vec<(&Cut, f64, f64)> {
        self.rows
            .iter()
            .map(|r| {
                let (identity, constant) = r.answers.unseen_means(&self.inputs);
                (
                    r,
                    identity.unwrap_or(f64::NAN),
                    constant.unwrap_or(f64::NAN),
                )
            })
            .collect()
    }

    /// Fig. 12: "a clear distinction can be found at 15-layer ConvNet": the top layer alone
    /// of nets of 15 layers and more answers less like the identity than that of shallower
    /// nets, their means apart by at least [`TOP_LAYER_MARGIN`].
    pub fn distinct_from_15(&self) -> Vec<Claim> {
        let top: Vec<&Cut> = self.rows.iter().filter(|r| r.layers_used == 1).collect();
        let split = |value: &dyn Fn(&Cut) -> Option<f64>| split_at_15(&top, value);
        let listing = |curve: &[(usize, f64)]| {
            curve
                .iter()
                .map(|(d, v)| format!("{d}: {v:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let nets: Vec<&Net> = top.iter().map(|r| &r.network).collect();
        let identity = split(&|r| r.answers.unseen_means(&self.inputs).0).map(|Split { curve, below, above }| {
            Claim::on(
                &nets,
                &format!("a clear distinction at 15 layers: the top layer alone of nets of 15 layers and more answers less like the identity than that of shallower nets (mean identity lower by at least {TOP_LAYER_MARGIN})"),
                format!(
                    "identity of the top layer by depth {}; mean below 15 layers {below:.2}, from 15 on {above:.2}",
                    listing(&curve)
                ),
                above <= below - TOP_LAYER_MARGIN,
            )
        });
        let edges = split(&|r| r.answers.unseen_edges(&self.inputs)).map(|Split { curve, below, above }| {
            Claim::on(
                &nets,
                &format!("from 15 layers on the nets bias away from edge detectors: the top layer alone answers less like the input's edges than that of shallower nets (mean edge score lower by at least {TOP_LAYER_MARGIN})"),
                format!(
                    "edge score of the top layer by depth {}; mean below 15 layers {below:.2}, from 15 on {above:.2}",
                    listing(&curve)
                ),
                above <= below - TOP_LAYER_MARGIN,
            )
        });
        identity.into_iter().chain(edges).collect()
    }

    /// Fig. 24: the upper 10 layers of the 20-layer net construct the '7' more than the
    /// upper 3.
    pub fn upper_half_constructs(&self) -> Vec<Claim> {
        let means = self.means();
        let used = |n: usize| means.iter().find(|(r, _, _)| r.layers_used == n);
        used(3)
            .zip(used(10))
            .map(|(three, ten)| {
                Claim::on(
                    &[&three.0.network, &ten.0.network],
                    "the upper 10 layers of the 20-layer net already construct the '7' more than the upper 3",
                    format!(
                        "mean constant correlation: top 10 {:.2}, top 3 {:.2}",
                        ten.2, three.2
                    ),
                    ten.2 > three.2,
                )
            })
            .into_iter()
            .collect()
    }
}

/// A value of the top layers by depth, and its means below 15 layers and from 15 on.
struct Split {
    curve: Vec<(usize, f64)>,
    below: f64,
    above: f64,
}

/// `value` of each cut by depth, split at 15 layers; none when a side is empty or no value is
/// defined (files made before it was measured).
fn split_at_15(top: &[&Cut], value: &dyn Fn(&Cut) -> Option<f64>) -> Option<Split> {
    let mut curve: Vec<(usize, f64)> = top
        .iter()
        .map(|r| (r.network.depth(), value(r).unwrap_or(f64::NAN)))
        .collect();
    curve.sort_by_key(|r| r.0);
    let side = |deep: bool| -> Vec<f64> {
        curve
            .iter()
            .filter(|(d, _)| (*d >= 15) == deep)
            .map(|r| r.1)
            .collect()
    };
    let (shallow, deep) = (side(false), side(true));
    (!shallow.is_empty() && !deep.is_empty() && curve.iter().any(|r| !r.1.is_nan())).then(|| {
        Split {
            below: mean(&shallow),
            above: mean(&deep),
            curve,
        }
    })
}

impl AnsweredRows for UpperSubnetworks {
    fn answered(&self) -> Vec<(&Net, &Answers)> {
        self.rows.iter().map(|r| (&r.network, &r.answers)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Verdict;

    /// Top layers of nets of these depths whose answers have this identity correlation.
    fn cuts(identity: &[(usize, f32)]) -> UpperSubnetworks {
        UpperSubnetworks {
            inputs: Inputs {
                names: vec!["noise".into()],
                pictures: vec![],
            },
            rows: identity
                .iter()
                .map(|&(depth, identity)| Cut {
                    network: Net::conv_for_tests(depth),
                    first_layer: depth,
                    layers_used: 1,
                    answers: Answers {
                        identity: vec![Some(identity)],
                        constant: vec![Some(0.0)],
                        edges: vec![Some(identity)],
                        mse_identity: vec![0.0],
                        mse_constant: vec![0.0],
                        outputs: vec![],
                    },
                })
                .collect(),
        }
    }

    #[test]
    fn fifteen_layers_must_split_the_top_layers() {
        let verdict = |rows: &[(usize, f32)]| cuts(rows).distinct_from_15()[0].verdict;
        // Here each edge score equals the identity, so the edge claim follows it.
        let edges = |rows: &[(usize, f32)]| cuts(rows).distinct_from_15()[1].verdict;
        assert_eq!(edges(&[(5, 0.7), (15, 0.0)]), Verdict::Holds);
        assert_eq!(edges(&[(5, 0.1), (15, 0.5)]), Verdict::DoesNotHold);
        assert_eq!(
            verdict(&[(5, 0.7), (10, 0.5), (15, 0.0), (20, 0.1)]),
            Verdict::Holds
        );
        // The biggest step at 14 to 15 but no split (the old reading held this).
        assert_eq!(
            verdict(&[(5, 0.7), (14, -0.2), (15, 0.7), (20, 0.5)]),
            Verdict::DoesNotHold
        );
    }
}
