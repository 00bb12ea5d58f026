//! The paper's claims (DESIGN section 5) as data: what was claimed, what was measured, and
//! whether it holds, judged with thresholds fixed before any run. A mean correlation of at
//! least [`LIKE`] counts as "learns the identity" or "learns the constant".

use identity_core::train::FIT_LOSS;
use serde::{Deserialize, Serialize};

use crate::net::Net;

/// A mean correlation at least this high counts as learning that map.
pub const LIKE: f64 = 0.8;

/// How much more of the input (|correlation|) a trained net's inner layer must carry than the
/// random net's same layer for "recovers the input": past the wipe-out, the random 20-layer
/// net's layers 8-13 wander between 0.03 and 0.28 from layer to layer (Fig. 8, quick scale,
/// seeds 0-2), so a difference smaller than this is that wander, not a recovery.
pub const RECOVERY_MARGIN: f64 = 0.1;

/// How much two error rates of Fig. 9's averaging classifier must differ to count as a
/// difference: the untrained 20-layer nets' layers 1-3 differ by up to 0.03 from seed to seed
/// (0.74 against 0.77 at layer 3, quick scale, seeds 0-2), so a smaller gap is the draw of the
/// weights. At quick scale that is 6 of the 200 queries.
pub const ERROR_MARGIN: f64 = 0.03;

/// A layer whose weights moved by less than this share of their initial norm in training
/// (`‖W⁰ − W*‖ / ‖W⁰‖`, Fig. 16-18) changed "near zero": a hundredth, the usual sense of
/// "negligible", fixed before judging both the paper's "not zero" (Fig. 16) and its "near
/// zero" (Fig. 18) with it.
pub const NEAR_ZERO: f64 = 0.01;

/// How many times less a deeper net's bottom layer must change than a shallower one's to
/// count as "changes less" (Fig. 16-18): one layer's change differs by up to 1.4 times from
/// seed to seed (the 5-layer ConvNet's bottom layer, 0.058 to 0.080, quick scale, seeds 0-2).
pub const CHANGE_RATIO: f64 = 1.5;

/// How much two mean correlations (to the identity or the constant, averaged over a test row,
/// over rho or over depths) must differ to count as a difference: one network's mean differs
/// by up to 0.03 from seed to seed (Fig. 13, the 21-pixel nets' mean constant 0.717 to 0.746,
/// quick scale, seeds 0-2).
pub const MEAN_MARGIN: f64 = 0.03;

/// How far apart the mean identity of the top layer alone (Fig. 12) must be between the nets
/// of 15 layers and more and the shallower ones: one depth's top layer swings by up to 0.5
/// between seeds, and the mean over the deep side differs by up to 0.29 (0.10, -0.14, -0.19
/// for 15, 16 and 20 layers, quick scale, seeds 0-2), so a smaller gap is the draw of the
/// weights.
pub const TOP_LAYER_MARGIN: f64 = 0.3;

/// The ConvNets of "intermediate depth" (section 3.4: between the shallow ones that learn
/// the identity, up to 5 layers, and the deep ones that learn the constant, from 15).
pub const MIDDLE_DEPTHS: std::ops::RangeInclusive<usize> = 6..=14;

/// How much two mean blurs ([`identity_core::blur::blur`] of a layer's top singular vector,
/// Fig. 8, 29) must differ to count as "less blurry" or "smoother": one layer of the random
/// 20-layer net differs by up to 0.05 between seeds at layers 1-6 and 8 (layer 4: 0.90 to
/// 0.95, quick scale, seeds 0-2). For scale: an MNIST digit scores 0.92-0.95, the same digit
/// smoothed twice by the 3 x 3 box 0.99, white noise 0.36.
pub const BLUR_MARGIN: f64 = 0.05;

/// A layer's top singular vector whose |correlation| to the input is below this has lost the
/// input (Fig. 8: "wiped out after around 8 layers"): past the wipe-out the random 20-layer
/// net's layers wander between 0.00 and 0.28 (quick scale, seeds 0-2), so a layer below 0.3
/// carries no more of the input than that wander.
pub const WIPED_OUT: f64 = 0.3;

/// How closely the trained 1-layer linear net must follow eq. (1) (Fig. 1): the equation is
/// exact for that net trained by gradient descent, so only the error of stopping at the
/// training tolerance and of float arithmetic may remain.
pub const EQ1_MATCH: f64 = 0.99;

/// Every threshold the judges use, with what it decides, for reports: the reason for each is
/// on its constant.
pub const THRESHOLDS: &[(&str, f64, &str)] = &[
    (
        "LIKE",
        LIKE,
        "a mean correlation this high learns the identity or the constant",
    ),
    (
        "MEAN_MARGIN",
        MEAN_MARGIN,
        "two mean correlations closer than this are no difference",
    ),
    (
        "ERROR_MARGIN",
        ERROR_MARGIN,
        "two error rates of Fig. 9's classifier closer than this are no difference",
    ),
    (
        "RECOVERY_MARGIN",
        RECOVERY_MARGIN,
        "Fig. 8: how much more of the input a trained inner layer must carry than the random net's",
    ),
    (
        "WIPED_OUT",
        WIPED_OUT,
        "Fig. 8: a layer correlating less with the input has lost it",
    ),
    (
        "BLUR_MARGIN",
        BLUR_MARGIN,
        "Fig. 8, 29: two mean blurs closer than this are no difference",
    ),
    (
        "NEAR_ZERO",
        NEAR_ZERO,
        "Fig. 16-18: a layer whose weights moved less than this share of their norm changed near zero",
    ),
    (
        "CHANGE_RATIO",
        CHANGE_RATIO,
        "Fig. 16-18: how many times less a deeper net's bottom layer must change",
    ),
    (
        "TOP_LAYER_MARGIN",
        TOP_LAYER_MARGIN,
        "Fig. 12: how far apart the top layers' means must be on either side of 15 layers",
    ),
    (
        "EQ1_MATCH",
        EQ1_MATCH,
        "Fig. 1: how closely the 1-layer linear net must follow eq. (1)",
    ),
];

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

/// A claim judged on each seed of a run: "holds on k of n seeds".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverSeeds {
    /// The paper's claim, as tested.
    pub claim: String,
    /// The seeds it was judged on (a seed whose numbers lack it is left out).
    pub seeds: Vec<u64>,
    /// The verdict on each of those seeds.
    pub verdicts: Vec<Verdict>,
    /// What was measured on each of those seeds.
    pub measured: Vec<String>,
}

/// How a claim came out over the seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    /// It holds on every seed.
    Holds,
    /// It does not hold on any seed, and every seed's networks trained.
    DoesNotHold,
    /// It holds on some seeds and not on others (or some did not train).
    Mixed,
    /// No seed's networks trained.
    DidNotTrain,
    /// Only pictures show it.
    NotJudged,
}

impl Overall {
    /// The outcome in words.
    pub fn words(self) -> &'static str {
        match self {
            Overall::Holds => "holds",
            Overall::DoesNotHold => "does not hold",
            Overall::Mixed => "mixed",
            Overall::DidNotTrain => "did not train",
            Overall::NotJudged => "not judged",
        }
    }
}

impl OverSeeds {
    /// Groups the claims judged on each seed by their text, in the order they first appear.
    pub fn group(per_seed: &[(u64, Vec<Claim>)]) -> Vec<OverSeeds> {
        let mut grouped: Vec<OverSeeds> = Vec::new();
        for (seed, claims) in per_seed {
            for claim in claims {
                let at = match grouped.iter().position(|g| g.claim == claim.claim) {
                    Some(at) => at,
                    None => {
                        grouped.push(OverSeeds {
                            claim: claim.claim.clone(),
                            seeds: vec![],
                            verdicts: vec![],
                            measured: vec![],
                        });
                        grouped.len() - 1
                    }
                };
                let g = &mut grouped[at];
                g.seeds.push(*seed);
                g.verdicts.push(claim.verdict);
                g.measured.push(claim.measured.clone());
            }
        }
        grouped
    }

    /// Seeds on which the verdict was `verdict`.
    pub fn count(&self, verdict: Verdict) -> usize {
        self.verdicts.iter().filter(|&&v| v == verdict).count()
    }

    /// How it came out over the seeds.
    pub fn overall(&self) -> Overall {
        let n = self.verdicts.len();
        if self.count(Verdict::NotJudged) == n {
            Overall::NotJudged
        } else if self.count(Verdict::Holds) == n {
            Overall::Holds
        } else if self.count(Verdict::DoesNotHold) == n {
            Overall::DoesNotHold
        } else if self.count(Verdict::DidNotTrain) == n {
            Overall::DidNotTrain
        } else {
            Overall::Mixed
        }
    }

    /// "holds on 2 of 3 seeds (1 did not train)", or the verdict alone for one seed.
    pub fn summary(&self) -> String {
        let n = self.verdicts.len();
        if n == 1 {
            return self.verdicts[0].words().into();
        }
        if self.overall() == Overall::NotJudged {
            return Overall::NotJudged.words().into();
        }
        let untrained = self.count(Verdict::DidNotTrain);
        format!(
            "holds on {} of {n} seeds{}",
            self.count(Verdict::Holds),
            if untrained > 0 {
                format!(" ({untrained} did not train)")
            } else {
                String::new()
            }
        )
    }

    /// One line for the terminal.
    pub fn line(&self) -> String {
        format!(
            "{}: {} ({})",
            self.summary(),
            self.claim,
            self.measured.join("; ")
        )
    }
}

/// The mean of `values` (NaN for none).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// A mean correlation as a claim's text shows it: with the precision asked for, and "n/a"
/// where it is undefined (NaN: every value behind it undefined, e.g. a dead net's flat output).
#[derive(Debug, Clone, Copy)]
pub struct Mean(pub f64);

impl std::fmt::Display for Mean {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_nan() {
            f.write_str("n/a")
        } else {
            std::fmt::Display::fmt(&self.0, f)
        }
    }
}

/// The first and last items, when there are at least two.
pub fn ends<T>(items: &[T]) -> Option<(&T, &T)> {
    match items {
        [first, .., last] => Some((first, last)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undefined_mean_reads_n_a() {
        assert_eq!(
            format!("{:.2} {:.2}", Mean(0.456), Mean(f64::NAN)),
            "0.46 n/a"
        );
    }

    fn claim(text: &str, verdict: Verdict) -> Claim {
        Claim {
            claim: text.into(),
            measured: format!("{verdict:?}"),
            verdict,
        }
    }

    #[test]
    fn claims_are_grouped_over_seeds_and_summarised() {
        let per_seed = vec![
            (
                0,
                vec![claim("a", Verdict::Holds), claim("b", Verdict::Holds)],
            ),
            (
                1,
                vec![claim("a", Verdict::Holds), claim("b", Verdict::DoesNotHold)],
            ),
            (
                2,
                vec![claim("a", Verdict::Holds), claim("b", Verdict::DidNotTrain)],
            ),
        ];
        let grouped = OverSeeds::group(&per_seed);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped[0].overall(), Overall::Holds);
        assert_eq!(grouped[0].summary(), "holds on 3 of 3 seeds");
        assert_eq!(grouped[1].overall(), Overall::Mixed);
        assert_eq!(
            grouped[1].summary(),
            "holds on 1 of 3 seeds (1 did not train)"
        );
        assert_eq!(grouped[1].seeds, [0, 1, 2]);
        let none = OverSeeds::group(&[
            (0, vec![claim("c", Verdict::DoesNotHold)]),
            (1, vec![claim("c", Verdict::DoesNotHold)]),
        ]);
        assert_eq!(none[0].overall(), Overall::DoesNotHold);
        let dead = OverSeeds::group(&[(4, vec![claim("d", Verdict::DidNotTrain)])]);
        assert_eq!(dead[0].overall(), Overall::DidNotTrain);
        assert_eq!(dead[0].summary(), "did not train");
    }
}
