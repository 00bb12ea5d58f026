//! Fig. 10, 11, 22: ConvNets trained on one 28 x 28 digit, answering inputs of other sizes.
//! A ConvNet takes any size; the test row is resampled to each.

use std::fmt::Write;

use identity_core::data::{DataError, Image};
use identity_core::measure::{Answer, answers};
use serde::{Deserialize, Serialize};

use crate::answers::{ANSWER_COLUMNS, Answers, Inputs};
use crate::claim::{Claim, LIKE};
use crate::net::Net;
use crate::picture::Picture;
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;
use crate::sweeps::{conv, conv_plan};

/// The input sides of Fig. 11 and 22, from the smallest the paper shows to the largest.
pub const ALL_SIDES: [usize; 8] = [7, 14, 21, 28, 42, 56, 84, 112];

/// What a figure of input sizes measures and draws.
#[derive(Debug, Clone)]
pub struct Sizes {
    /// The ConvNet depths measured; the first is drawn.
    pub depths: Vec<usize>,
    /// The input sides.
    pub sides: Vec<usize>,
    /// Whether a row of inputs is drawn above each side's answers.
    pub inputs_shown: bool,
}

/// An input-size figure's numbers and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSizes {
    /// The input sides.
    pub sides: Vec<usize>,
    /// The test row's ids.
    pub inputs: Vec<String>,
    /// Whether the drawing shows a row of inputs above each side's answers.
    pub inputs_shown: bool,
    /// One row per network; the first is drawn.
    pub rows: Vec<SizesRow>,
    /// The test row at each side (pictures), for the drawing.
    pub resampled: Vec<Vec<Picture>>,
}

/// One network's answers at every side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizesRow {
    /// The network.
    pub network: Net,
    /// Its answers, one entry per side.
    pub per_side: Vec<Answers>,
    /// Mean correlation to the identity over the unseen inputs, per side (`None` where
    /// undefined).
    pub mean_identity_unseen: Vec<Option<f64>>,
    /// Mean correlation to the constant over the unseen inputs, per side.
    pub mean_constant_unseen: Vec<Option<f64>>,
}

/// The networks of `sizes`, as a plan.
pub fn plan(scale: Scale, sizes: &Sizes) -> Vec<Planned> {
    conv_plan(scale, sizes.depths.iter().copied())
}

/// Measures the networks of `sizes` on the test row resampled to each side.
pub async fn measure<N: Networks>(
    setting: &Setting,
    networks: &mut N,
    sizes: Sizes,
) -> Result<InputSizes, N::Error> {
    let (inputs, images) = Inputs::test_row(setting)?;
    let resampled: Vec<Vec<Image>> = sizes
        .sides
        .iter()
        .map(|&side| {
            images
                .iter()
                .map(|image| image.resample(side))
                .collect::<Result<Vec<_>, DataError>>()
        })
        .collect::<Result<_, _>>()
        .map_err(identity_core::Error::from)?;
    let mut rows = Vec::new();
    for &depth in &sizes.depths {
        let arch = conv(setting.scale, depth);
        let trained = setting.trained(networks, &arch).await?;
        let mut per_side = Vec::new();
        for at_side in &resampled {
            let answered: Vec<Answer> = answers(
                &trained.network,
                at_side,
                &setting.training,
                &setting.device,
            )
            .await?;
            per_side.push(Answers::of(&answered));
        }
        let means: Vec<(Option<f64>, Option<f64>)> =
            per_side.iter().map(|a| a.unseen_means(&inputs)).collect();
        rows.push(SizesRow {
            network: Net::new(crate::net::layers(depth), &arch, &trained),
            mean_identity_unseen: means.iter().map(|m| m.0).collect(),
            mean_constant_unseen: means.iter().map(|m| m.1).collect(),
            per_side,
        });
    }
    Ok(InputSizes {
        sides: sizes.sides,
        inputs: inputs.names,
        inputs_shown: sizes.inputs_shown,
        rows,
        resampled: resampled
            .iter()
            .map(|row| row.iter().map(Picture::of).collect())
            .collect(),
    })
}

impl InputSizes {
    /// `network,side,input,` and [`ANSWER_COLUMNS`], one line per network,
    /// side and input.
    pub fn csv(&self) -> String {
        let mut csv = format!("network,side,input,{ANSWER_COLUMNS}\n");
        for row in &self.rows {
            for (side, answers) in self.sides.iter().zip(&row.per_side) {
                for (i, name) in self.inputs.iter().enumerate() {
                    writeln!(
                        csv,
                        "{},{side},{name},{}",
                        row.network.label,
                        answers.cells(i)
                    )
                    .ok();
                }
            }
        }
        csv
    }

    /// The networks measured.
    pub fn nets(&self) -> Vec<&Net> {
        self.rows.iter().map(|r| &r.network).collect()
    }

    fn row(&self, depth: usize) -> Option<&SizesRow> {
        self.rows.iter().find(|r| r.network.depth() == depth)
    }

    /// The value at `side`: NaN where undefined (no threshold admits it), `None` where the
    /// side was not measured.
    fn at(&self, values: &[Option<f64>], side: usize) -> Option<f64> {
        self.sides
            .iter()
            .position(|&s| s == side)
            .and_then(|i| values.get(i).copied())
            .map(|v| v.unwrap_or(f64::NAN))
    }

    /// Fig. 10: the 5-layer net's identity holds on 112 x 112 inputs but not on 7 x 7.
    pub fn small_and_large(&self) -> Vec<Claim> {
        let Some(row) = self.row(5) else {
            return vec![];
        };
        let identity = &row.mean_identity_unseen;
        let large = self.at(identity, 112).map(|v| {
            Claim::on(
                &[&row.network],
                &format!(
                    "the 5-layer ConvNet's identity holds on 112 x 112 inputs (identity >= {LIKE})"
                ),
                format!("identity {v:.2}"),
                v >= LIKE,
            )
        });
        let small = self.at(identity, 7).map(|v| {
            Claim::on(
                &[&row.network],
                &format!("but not on 7 x 7 inputs (identity < {LIKE})"),
                format!("identity {v:.2}"),
                v < LIKE,
            )
        });
        large.into_iter().chain(small).collect()
    }

    /// Fig. 22: the 5-layer net's identity holds on every input of 28 px and larger.
    pub fn larger_inputs(&self) -> Vec<Claim> {
        let Some(row) = self.row(5) else {
            return vec![];
        };
        let large: Vec<(usize, f64)> = self
            .sides
            .iter()
            .zip(&row.mean_identity_unseen)
            .filter(|(s, _)| **s >= 28)
            .map(|(&s, &v)| (s, v.unwrap_or(f64::NAN)))
            .collect();
        let listing: Vec<String> = large.iter().map(|(s, v)| format!("{s}: {v:.2}")).collect();
        vec![Claim::on(
            &[&row.network],
            &format!(
                "the 5-layer ConvNet's identity holds on every input of 28 px and larger (identity >= {LIKE})"
            ),
            format!("identity by side {}", listing.join(", ")),
            large.iter().all(|(_, v)| *v >= LIKE),
        )]
    }

    /// Fig. 11: the 20-layer net's constant map holds on fewer sizes than the 5-layer net's
    /// identity, and holds at 28 x 28.
    pub fn constant_range(&self) -> Vec<Claim> {
        let (deep, shallow) = (self.row(20), self.row(5));
        let count = |values: &[Option<f64>]| {
            values
                .iter()
                .filter(|v| v.is_some_and(|v| v >= LIKE))
                .count()
        };
        let fewer = deep.zip(shallow).map(|(deep, shallow)| {
            let (c, i) = (
                count(&deep.mean_constant_unseen),
                count(&shallow.mean_identity_unseen),
            );
            Claim::on(
                &[&deep.network, &shallow.network],
                "the 20-layer net's constant map holds on fewer input sizes than the 5-layer net's identity",
                format!(
                    "of {} sides: constant >= {LIKE} on {c}, identity >= {LIKE} on {i}",
                    self.sides.len()
                ),
                c < i,
            )
        });
        let at_28 = deep
            .and_then(|deep| Some((deep, self.at(&deep.mean_constant_unseen, 28)?)))
            .map(|(deep, v)| {
                Claim::on(
                    &[&deep.network],
                    &format!(
                        "the 20-layer net answers the training digit at 28 x 28 (constant >= {LIKE})"
                    ),
                    format!("constant {v:.2}"),
                    v >= LIKE,
                )
            });
        fewer.into_iter().chain(at_28).collect()
    }
}
