//! The paper's rho test inputs (Sec. 3.3): random images rotated to a given correlation rho
//! with the training image. Two senses of "correlation" ([`Probes`]): Pearson's, after
//! centring (the probes keep x̂'s mean and spread; rho = 0 is orthogonal to x̂ after
//! centring), or the raw cosine of the paper's eq. (2) (the probes keep x̂'s norm; rho = 0 is
//! `x̂ᵀx = 0`). rho = 1 is x̂ itself in both.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};

use crate::data::{DataError, Image};

/// In which sense a rho probe correlates with the training image.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Probes {
    /// Pearson correlation rho: centred, with x̂'s mean and standard deviation. At rho = 0 a
    /// probe still shares x̂'s mean, so `x̂ᵀx > 0` for a non-negative digit.
    #[default]
    Pearson,
    /// Cosine rho, uncentred: `x̂ᵀx = rho ‖x̂‖ ‖x‖`, with x̂'s norm. At rho = 0 the probe is
    /// orthogonal to x̂ in the raw sense of eq. (1) and (2), where the trained part of a
    /// linear layer contributes nothing.
    Cosine,
}

impl Probes {
    /// The sense in words (plain ASCII, for figures' axes too).
    pub fn words(self) -> &'static str {
        match self {
            Probes::Pearson => "Pearson's, centred (with the digit's mean and spread)",
            Probes::Cosine => "cosine, uncentred (with the digit's norm; orthogonal to it at 0)",
        }
    }
}

/// `count` random images whose correlation to `training`, in the sense of `probes`, is
/// exactly `rho` (up to rounding); seeded.
///
/// Construction: draw uniform noise, (for Pearson: centre it and the training image,) remove
/// its component along the training image, normalise, and mix `rho · u + sqrt(1 - rho²) · z`
/// where `u` is the unit (centred) training image; then rescale to the training image's
/// spread and add its mean (Pearson), or to its norm (cosine).
pub fn rho_probes(
    training: &Image,
    rho: f32,
    count: usize,
    seed: u64,
    probes: Probes,
) -> Result<Vec<Image>, DataError> {
    if !(-1.0..=1.0).contains(&rho) {
        return Err(DataError::Size(format!(
            "rho must be in [-1, 1], got {rho}"
        )));
    }
    let x: Vec<f64> = training.pixels().iter().map(|&p| f64::from(p)).collect();
    let n = x.len() as f64;
    let mean = match probes {
        Probes::Pearson => x.iter().sum::<f64>() / n,
        Probes::Cosine => 0.0,
    };
    let centred: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let spread = norm(&centred);
    if spread == 0.0 {
        return Err(DataError::Size(
            match probes {
                Probes::Pearson => "the training image is constant: no correlation is defined",
                Probes::Cosine => "the training image is all zeros: no cosine is defined",
            }
            .into(),
        ));
    }
    let u: Vec<f64> = centred.iter().map(|v| v / spread).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let mut z: Vec<f64> = (0..x.len()).map(|_| rng.random::<f64>()).collect();
            if probes == Probes::Pearson {
                let zm = z.iter().sum::<f64>() / n;
                z.iter_mut().for_each(|v| *v -= zm);
            }
            let along: f64 = z.iter().zip(&u).map(|(a, b)| a * b).sum();
            z.iter_mut().zip(&u).for_each(|(v, b)| *v -= along * b);
            let zn = norm(&z);
            let (a, b) = (
                f64::from(rho),
                (1.0 - f64::from(rho).powi(2)).max(0.0).sqrt(),
            );
            let pixels = u
                .iter()
                .zip(&z)
                .map(|(ui, zi)| (mean + spread * (a * ui + b * zi / zn)) as f32);
            Image::new(training.side(), pixels.collect())
        })
        .collect()
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|a| a * a).sum::<f64>().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::default_training_image;
    use crate::measure::pearson;

    #[test]
    fn correlation_to_the_training_image_is_rho() {
        let training = default_training_image().unwrap();
        for seed in [0, 1, 2, 3] {
            for rho in [0.0, 0.3, 0.7, 1.0] {
                for probe in rho_probes(&training, rho, 3, seed, Probes::Pearson).unwrap() {
                    let r = pearson(probe.pixels(), training.pixels());
                    assert!((r - rho).abs() < 1e-4, "seed {seed} rho {rho}: got {r}");
                }
            }
        }
    }

    #[test]
    fn probes_keep_mean_and_spread_and_differ_by_seed() {
        let training = default_training_image().unwrap();
        let probe = &rho_probes(&training, 0.5, 1, 9, Probes::Pearson).unwrap()[0];
        let stats = |v: &[f32]| {
            let m = v.iter().sum::<f32>() / v.len() as f32;
            (
                m,
                (v.iter().map(|x| (x - m).powi(2)).sum::<f32>() / v.len() as f32).sqrt(),
            )
        };
        let ((m1, s1), (m2, s2)) = (stats(training.pixels()), stats(probe.pixels()));
        assert!((m1 - m2).abs() < 1e-4 && (s1 - s2).abs() < 1e-4);
        assert_ne!(
            rho_probes(&training, 0.5, 1, 9, Probes::Pearson).unwrap(),
            rho_probes(&training, 0.5, 1, 10, Probes::Pearson).unwrap()
        );
        assert!(rho_probes(&training, 1.5, 1, 0, Probes::Pearson).is_err());
    }

    #[test]
    fn cosine_probes_are_orthogonal_in_the_raw_sense_and_keep_the_norm() {
        let training = default_training_image().unwrap();
        let x = training.pixels();
        let dot =
            |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(p, q)| f64::from(p * q)).sum::<f64>();
        let norm_x = dot(x, x).sqrt();
        for seed in [0, 1, 2] {
            for rho in [0.0, 0.4, 1.0] {
                for probe in rho_probes(&training, rho, 3, seed, Probes::Cosine).unwrap() {
                    let p = probe.pixels();
                    let norm_p = dot(p, p).sqrt();
                    assert!(
                        (norm_p - norm_x).abs() < 1e-3 * norm_x,
                        "norm {norm_p} vs {norm_x}"
                    );
                    let cosine = dot(p, x) / (norm_p * norm_x);
                    assert!(
                        (cosine - f64::from(rho)).abs() < 1e-4,
                        "rho {rho}: cosine {cosine}"
                    );
                }
            }
        }
        // The Pearson probes at rho = 0 are not orthogonal in the raw sense (they share the
        // digit's mean): the two senses differ where eq. (2) cares.
        let pearson_zero = &rho_probes(&training, 0.0, 1, 0, Probes::Pearson).unwrap()[0];
        let cosine = dot(pearson_zero.pixels(), x)
            / (dot(pearson_zero.pixels(), pearson_zero.pixels()).sqrt() * norm_x);
        assert!(
            cosine > 0.1,
            "a centred-orthogonal probe has raw cosine {cosine}"
        );
        assert!(
            rho_probes(
                &Image::new(7, vec![0.0; 49]).unwrap(),
                0.0,
                1,
                0,
                Probes::Cosine
            )
            .is_err()
        );
    }
}
