//! The paper's claims (DESIGN section 5) as data: what was claimed, what was measured, and
//! whether it holds, judged with thresholds fixed before any run. A mean correlation of at
//! least [`LIKE`] counts as "learns the identity" or "learns the constant".

use identity_core::train::FIT_LOSS;
use serde::{Deserialize, Serialize};

use crate::net::Net;

/// A mean correlation at least this high counts as learning that map.
pub const LIKE: f64 = 0.8;

/// How a claim came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The numbers bear it out.
    Holds,
    /// The numbers contradict it.
    DoesNotHold,
    /// A network it rests on did not fit its training image (final loss above
    /// [`FIT_LOSS`]): such a network supports no claim either way.
    DidNotTrain,
    /// Only a picture shows it; no number is judged.
    NotJudged,
}

impl Verdict {
    /// The verdict in words.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::DoesNotHold => "does not hold",
            Verdict::DidNotTrain => "did not train",
            Verdict::NotJudged => "not judged",
        }
    }
}

/// A claim of the paper, what was measured, and how it came out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The paper's claim, as tested.
    pub claim: String,
    /// The numbers the verdict rests on.
    pub measured: String,
    /// How it came out.
    pub verdict: Verdict,
}

impl Claim {
    /// A claim judged by a number on networks that are not trained (or whose training is the
    /// question).
    pub fn judged(claim: &str, measured: String, holds: bool) -> Self {
        Claim {
            claim: claim.into(),
            measured,
            verdict: if holds {
                Verdict::Holds
            } else {
                Verdict::DoesNotHold
            },
        }
    }

    /// A claim judged by a number on trained networks `on`: if any of them did not fit its
    /// training image, the verdict is [`Verdict::DidNotTrain`] and the losses are named.
    pub fn on(on: &[&Net], claim: &str, measured: String, holds: bool) -> Self {
        Self::on_losses(
            on.iter().map(|n| (n.label.as_str(), n.final_loss)),
            claim,
            measured,
            holds,
        )
    }

    /// [`Claim::on`] for networks known by their labels and final losses.
    pub fn on_losses<'a>(
        losses: impl IntoIterator<Item = (&'a str, f32)>,
        claim: &str,
        measured: String,
        holds: bool,
    ) -> Self {
        let unfit: Vec<String> = losses
            .into_iter()
            .filter(|(_, loss)| loss.is_nan() || *loss > FIT_LOSS)
            .map(|(label, loss)| format!("{label} final loss {loss:.1e}"))
            .collect();
        if unfit.is_empty() {
            return Self::judged(claim, measured, holds);
        }
        Claim {
            claim: claim.into(),
            measured: format!(
                "{measured}; but {} (fit bar {FIT_LOSS:.0e})",
                unfit.join(", ")
            ),
            verdict: Verdict::DidNotTrain,
        }
    }

    /// A claim only a picture shows.
    pub fn pictures_only(claim: &str) -> Self {
        Claim {
            claim: claim.into(),
            measured: "pictures only: no number is judged".into(),
            verdict: Verdict::NotJudged,
        }
    }

    /// The verdict as a word.
    pub fn verdict(&self) -> &'static str {
        self.verdict.words()
    }

    /// One line for the terminal.
    pub fn line(&self) -> String {
        format!("{}: {} ({})", self.verdict(), self.claim, self.measured)
    }
}

/// The mean of `values` (NaN for none).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The first and last items, when there are at least two.
pub fn ends<T>(items: &[T]) -> Option<(&T, &T)> {
    match items {
        [first, .., last] => Some((first, last)),
        _ => None,
    }
}
