//! Fig. 1 and eq. (1): the 1-layer linear net `f(x) = Wx` trained on one digit, beside the
//! closed form of eq. (1) computed from its own initial weights `W⁰`.

use std::fmt::Write;

use identity_core::ArchConfig;
use identity_core::closed_form::eq1_prediction;
use identity_core::measure::{answers, pearson};
use serde::{Deserialize, Serialize};

use crate::answers::{ANSWER_COLUMNS, Answers, Inputs};
use crate::claim::{Claim, EQ1_MATCH};
use crate::net::Net;
use crate::picture::Picture;
use crate::plan::{Networks, Planned, Setting};
use crate::scale::Scale;

/// Fig. 1's numbers and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Eq1 {
    /// The test row.
    pub inputs: Inputs,
    /// The trained 1-layer linear net.
    pub network: Net,
    /// Its answers to the test row.
    pub answers: Answers,
    /// Eq. (1)'s prediction for each input.
    pub formula: Vec<Picture>,
    /// The correlation of the net's output to eq. (1)'s, per input (0 where either is flat).
    pub corr_to_eq1: Vec<f32>,
}

/// The one network of Fig. 1.
fn arch() -> ArchConfig {
    ArchConfig::Linear { hidden: vec![] }
}

/// The networks Fig. 1 trains.
pub fn plan(_: Scale) -> Vec<Planned> {
    vec![Planned::at_28(arch())]
}

/// Measures Fig. 1.
pub async fn measure<N: Networks>(setting: &Setting, networks: &mut N) -> Result<Eq1, N::Error> {
    let (inputs, images) = Inputs::test_row(setting)?;
    let trained = setting.trained(networks, &arch()).await?;
    let w0 = trained
        .initial
        .bottom_weight()
        .ok_or_else(|| identity_core::Error::Input("the linear net has no bottom weight".into()))?;
    let formula = eq1_prediction(w0, &setting.training, &images, &setting.device).await?;
    let measured = answers(
        &trained.network,
        &images,
        &setting.training,
        &setting.device,
    )
    .await?;
    let corr_to_eq1 = measured
        .iter()
        .zip(&formula)
        .map(|(a, f)| {
            a.output
                .as_ref()
                .map_or(f32::NAN, |out| pearson(out.pixels(), f.pixels()))
        })
        .collect();
    Ok(Eq1 {
        inputs,
        network: Net::new("f(x) = Wx", &arch(), &trained),
        answers: Answers::of(&measured),
        formula: formula.iter().map(Picture::of).collect(),
        corr_to_eq1,
    })
}

impl Eq1 {
    /// `input,`, [`ANSWER_COLUMNS`], `corr_to_eq1`, one line per input.
    pub fn csv(&self) -> String {
        let mut csv = format!("input,{ANSWER_COLUMNS},corr_to_eq1\n");
        for (i, name) in self.inputs.names.iter().enumerate() {
            writeln!(
                csv,
                "{name},{},{}",
                self.answers.cells(i),
                self.corr_to_eq1[i]
            )
            .ok();
        }
        csv
    }

    /// The networks measured.
    pub fn nets(&self) -> Vec<&Net> {
        vec![&self.network]
    }

    /// The claim of Fig. 1: the trained net equals eq. (1) on every input but the blank one
    /// (whose output and prediction are both flat: no correlation is defined).
    pub fn claims(&self) -> Vec<Claim> {
        let agreement: Vec<f64> = self
            .inputs
            .names
            .iter()
            .zip(&self.corr_to_eq1)
            .filter(|(name, _)| *name != "blank")
            .map(|(_, &c)| f64::from(c))
            .collect();
        if agreement.is_empty() {
            return vec![];
        }
        let least = agreement.iter().copied().fold(f64::INFINITY, f64::min);
        vec![Claim::on(
            &[&self.network],
            &format!(
                "the trained 1-layer linear net equals eq. (1) on every test input but the blank one (correlation >= {EQ1_MATCH})"
            ),
            format!("lowest correlation to eq. (1): {least:.4}"),
            least >= EQ1_MATCH,
        )]
    }
}
