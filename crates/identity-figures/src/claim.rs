//! The paper's claims (DESIGN section 5) as data: what was claimed, what was measured, and
//! whether it holds, judged with thresholds fixed before any run. A mean correlation of at
//! least [`LIKE`] counts as "learns the identity" or "learns the constant".

use serde::{Deserialize, Serialize};

/// A mean correlation at least this high counts as learning that map.
pub const LIKE: f64 = 0.8;

/// A claim of the paper, what was measured, and whether it holds (`None`: not judged by a
/// number).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The paper's claim, as tested.
    pub claim: String,
    /// The numbers the verdict rests on.
    pub measured: String,
    /// Holds, does not hold, or not judged.
    pub holds: Option<bool>,
}

impl Claim {
    /// A claim judged by a number.
    pub fn judged(claim: &str, measured: String, holds: bool) -> Self {
        Claim {
            claim: claim.into(),
            measured,
            holds: Some(holds),
        }
    }

    /// A claim only a picture shows.
    pub fn pictures_only(claim: &str) -> Self {
        Claim {
            claim: claim.into(),
            measured: "pictures only: no number is judged".into(),
            holds: None,
        }
    }

    /// The verdict as a word.
    pub fn verdict(&self) -> &'static str {
        match self.holds {
            Some(true) => "holds",
            Some(false) => "does not hold",
            None => "not judged",
        }
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
