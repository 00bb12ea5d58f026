//! The paper's rho test inputs (Sec. 3.3): random images rotated to a given correlation rho
//! with the training image, with its mean and spread. rho = 0 is orthogonal to x̂ (after
//! centring), rho = 1 is x̂ itself.

use rand::{RngExt, SeedableRng, rngs::StdRng};

use crate::data::{DataError, Image};

/// `count` random images whose Pearson correlation to `training` is exactly `rho` (up to
/// rounding), with the training image's mean and standard deviation; seeded.
///
/// Construction: draw uniform noise, centre it, remove its component along the centred
/// training image, normalise, and mix `rho · u + sqrt(1 - rho²) · z` where `u` is the unit
/// centred training image; then rescale to the training image's spread and add its mean.
pub fn rho_probes(
    training: &Image,
    rho: f32,
    count: usize,
    seed: u64,
) -> Result<Vec<Image>, DataError> {
    if !(-1.0..=1.0).contains(&rho) {
        return Err(DataError::Size(format!(
            "rho must be in [-1, 1], got {rho}"
        )));
    }
    let x: Vec<f64> = training.pixels().iter().map(|&p| f64::from(p)).collect();
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let centred: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let spread = norm(&centred);
    if spread == 0.0 {
        return Err(DataError::Size(
            "the training image is constant: no correlation is defined".into(),
        ));
    }
    let u: Vec<f64> = centred.iter().map(|v| v / spread).collect();
    let mut rng = StdRng::seed_from_u64(seed);
    (0..count)
        .map(|_| {
            let mut z: Vec<f64> = (0..x.len()).map(|_| rng.random::<f64>()).collect();
            let zm = z.iter().sum::<f64>() / n;
            z.iter_mut().for_each(|v| *v -= zm);
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
                for probe in rho_probes(&training, rho, 3, seed).unwrap() {
                    let r = pearson(probe.pixels(), training.pixels());
                    assert!((r - rho).abs() < 1e-4, "seed {seed} rho {rho}: got {r}");
                }
            }
        }
    }

    #[test]
    fn probes_keep_mean_and_spread_and_differ_by_seed() {
        let training = default_training_image().unwrap();
        let probe = &rho_probes(&training, 0.5, 1, 9).unwrap()[0];
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
            rho_probes(&training, 0.5, 1, 9).unwrap(),
            rho_probes(&training, 0.5, 1, 10).unwrap()
        );
        assert!(rho_probes(&training, 1.5, 1, 0).is_err());
    }
}
