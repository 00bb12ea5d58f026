//! Fig. 12, 23, 24: the upper sub-networks of trained ConvNets, fed the test row directly
//! (repeated across the channels of their first layer), skipping the layers below.

use std::fmt::Write;

use identity_core::measure::upper_answers;
use serde::{Deserialize, Serialize};

use crate::answers::{AnsweredRows, Answers, Inputs};
use crate::claim::Claim;
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
    /// `depth,first_layer,input,identity,constant,mse_identity,mse_constant`, one line per cut
    /// and input.
    pub fn csv(&self) -> String {
        let mut csv =
            String::from("depth,first_layer,input,identity,constant,mse_identity,mse_constant\n");
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

    /// Fig. 12: the top layer alone changes most around depth 15: the biggest step between
    /// consecutive depths of the sweep lies within depths 12 to 16.
    pub fn change_near_15(&self) -> Vec<Claim> {
        let mut by_depth: Vec<(usize, f64)> = self
            .means()
            .into_iter()
            .map(|(r, identity, _)| (r.network.depth(), identity))
            .collect();
        by_depth.sort_by_key(|r| r.0);
        if by_depth.last().is_none_or(|r| r.0 < 15) {
            return vec![];
        }
        let biggest = by_depth
            .windows(2)
            .map(|w| (w[0].0, w[1].0, (w[1].1 - w[0].1).abs()))
            .fold((0, 0, -1.0), |m, v| if v.2 > m.2 { v } else { m });
        let curve: Vec<String> = by_depth
            .iter()
            .map(|(d, v)| format!("{d}: {v:.2}"))
            .collect();
        let nets: Vec<&Net> = self.rows.iter().map(|r| &r.network).collect();
        vec![Claim::on(
            &nets,
            "the top layer alone changes most around depth 15 (the biggest step in its identity correlation, between consecutive depths, lies within depths 12 to 16)",
            format!(
                "identity of the top layer by depth {}; biggest step {:.2} between {} and {}",
                curve.join(", "),
                biggest.2,
                biggest.0,
                biggest.1
            ),
            biggest.0 >= 12 && biggest.1 <= 16,
        )]
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

impl AnsweredRows for UpperSubnetworks {
    fn answered(&self) -> Vec<(&Net, &Answers)> {
        self.rows.iter().map(|r| (&r.network, &r.answers)).collect()
    }
}
