//! The paper's test row (the training digit, a mix of two digits, MNIST and Fashion-MNIST
//! test images, generated patterns) as a figure keeps it, and a network's answers to it.

use identity_core::data::Image;
use identity_core::gallery::test_row;
use identity_core::measure::Answer;
use serde::{Deserialize, Serialize};

use crate::claim::mean;
use crate::net::Net;
use crate::picture::Picture;
use crate::plan::Setting;

/// The inputs of a figure: their names (identity-core's ids: `training`, `mix`, `mnist:3`,
/// `fashion:0`, `rings`, ...) and pictures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    /// One id per input.
    pub names: Vec<String>,
    /// One picture per input.
    pub pictures: Vec<Picture>,
}

impl Inputs {
    /// The test row of the run at 28 x 28, and its images.
    pub fn test_row(setting: &Setting) -> Result<(Self, Vec<Image>), identity_core::Error> {
        let (digits, fashion) = setting.scale.test_row();
        let row = test_row(&setting.training, digits, fashion, setting.seed)?;
        let images: Vec<Image> = row.iter().map(|t| t.image.clone()).collect();
        let inputs = Inputs {
            names: row.into_iter().map(|t| t.name).collect(),
            pictures: images.iter().map(Picture::of).collect(),
        };
        Ok((inputs, images))
    }

    /// The inputs that show no digit: the clothes and the generated patterns.
    pub fn non_digits(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.names.len()).filter(|&i| !identity_core::gallery::shows_digit(&self.names[i]))
    }

    /// Whether input `i` is one the network has seen: the training digit itself or its mix,
    /// which test-row means leave out.
    pub fn seen(&self, i: usize) -> bool {
        matches!(
            self.names.get(i).map(String::as_str),
            Some("training" | "mix")
        )
    }
}

/// A network's answers to inputs: per input, its output, the output's correlations to the
/// input (identity) and to the training image (constant), and the same as MSEs. A correlation
/// with a flat image (the blank pattern, a dead network's output) is undefined: `null` in
/// JSON, an empty CSV cell, left out of every mean; its MSE is always there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    /// `corr(f(x), x)` per input.
    pub identity: Vec<Option<f32>>,
    /// `corr(f(x), x̂)` per input.
    pub constant: Vec<Option<f32>>,
    /// Edge score per input: `corr(f(x), |∇x|)`, the answer against the input's edge map
    /// (empty in files made before it was measured).
    #[serde(default)]
    pub edges: Vec<Option<f32>>,
    /// `mse(f(x), x)` per input.
    pub mse_identity: Vec<f32>,
    /// `mse(f(x), x̂)` per input.
    pub mse_constant: Vec<f32>,
    /// `f(x)` per input.
    pub outputs: Vec<Picture>,
}

impl Answers {
    /// The core's answers, kept.
    pub fn of(answers: &[Answer]) -> Self {
        Answers {
            identity: answers.iter().map(|a| a.identity).collect(),
            constant: answers.iter().map(|a| a.constant).collect(),
            edges: answers.iter().map(|a| a.edges).collect(),
            mse_identity: answers.iter().map(|a| a.mse_identity).collect(),
            mse_constant: answers.iter().map(|a| a.mse_constant).collect(),
            outputs: answers
                .iter()
                .filter_map(|a| a.output.as_ref())
                .map(Picture::of)
                .collect(),
        }
    }

    /// The mean correlations (identity, constant) over the inputs the network has not seen
    /// and where they are defined (`None` where none is).
    pub fn unseen_means(&self, inputs: &Inputs) -> (Option<f64>, Option<f64>) {
        let unseen = |values: &[Option<f32>]| -> Option<f64> {
            let kept: Vec<f64> = values
                .iter()
                .enumerate()
                .filter(|(i, _)| !inputs.seen(*i))
                .filter_map(|(_, v)| v.map(f64::from))
                .collect();
            (!kept.is_empty()).then(|| mean(&kept))
        };
        (unseen(&self.identity), unseen(&self.constant))
    }

    /// The mean edge score over the inputs the network has not seen, where defined.
    pub fn unseen_edges(&self, inputs: &Inputs) -> Option<f64> {
        let kept: Vec<f64> = (0..self.edges.len())
            .filter(|&i| !inputs.seen(i))
            .filter_map(|i| self.edges[i].map(f64::from))
            .collect();
        (!kept.is_empty()).then(|| mean(&kept))
    }

    /// Input `i` as CSV cells, named by [`ANSWER_COLUMNS`] (an undefined correlation, or an
    /// edge score a file lacks, is an empty cell).
    pub fn cells(&self, i: usize) -> String {
        format!(
            "{},{},{},{},{}",
            cell(self.identity[i]),
            cell(self.constant[i]),
            cell(self.edges.get(i).copied().flatten()),
            self.mse_identity[i],
            self.mse_constant[i]
        )
    }
}

/// The CSV columns of [`Answers::cells`].
pub const ANSWER_COLUMNS: &str = "identity,constant,edges,mse_identity,mse_constant";

/// A value that may be undefined, as a CSV cell.
pub fn cell<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

/// A figure whose rows are networks answering its inputs (prediction grids, upper
/// sub-networks).
pub trait AnsweredRows {
    /// Each row's network with its answers, in row order.
    fn answered(&self) -> Vec<(&Net, &Answers)>;

    /// The networks measured.
    fn nets(&self) -> Vec<&Net> {
        self.answered().into_iter().map(|(net, _)| net).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_row_means_leave_out_the_training_digit_and_the_mix() {
        let inputs = Inputs {
            names: ["training", "mix", "mnist:0", "noise"]
                .map(String::from)
                .to_vec(),
            pictures: vec![],
        };
        let answers = Answers {
            identity: vec![Some(1.0), Some(1.0), Some(0.2), Some(0.4), None],
            constant: vec![Some(0.0); 5],
            edges: vec![],
            mse_identity: vec![0.0; 5],
            mse_constant: vec![0.0; 5],
            outputs: vec![],
        };
        // The blank input's undefined identity is left out, not counted as 0.
        let inputs = Inputs {
            names: ["training", "mix", "mnist:0", "noise", "blank"]
                .map(String::from)
                .to_vec(),
            ..inputs
        };
        let (identity, constant) = answers.unseen_means(&inputs);
        assert!((identity.unwrap() - 0.3).abs() < 1e-6, "{identity:?}");
        assert_eq!(constant, Some(0.0));
    }
}
