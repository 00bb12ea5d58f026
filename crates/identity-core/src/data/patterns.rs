//! Generated test patterns of the paper's test row: inputs unlike any digit.

use rand::{RngExt, SeedableRng, rngs::StdRng};
use serde::{Deserialize, Serialize};

use super::{DataError, Image};

/// A generated pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pattern {
    /// Alternating 4 x 4 pixel squares (scaled with the side).
    Checkerboard,
    /// Vertical stripes.
    Stripes,
    /// Concentric rings around the centre.
    Rings,
    /// A diagonal ramp from black to white.
    Gradient,
    /// Uniform random pixels (seeded).
    Noise,
    /// All black.
    Blank,
}

impl Pattern {
    /// Every pattern, in the order the gallery shows them.
    pub const ALL: [Pattern; 6] = [
        Pattern::Checkerboard,
        Pattern::Stripes,
        Pattern::Rings,
        Pattern::Gradient,
        Pattern::Noise,
        Pattern::Blank,
    ];

    /// The pattern's name, as in configs and URLs.
    pub fn name(self) -> &'static str {
        match self {
            Pattern::Checkerboard => "checkerboard",
            Pattern::Stripes => "stripes",
            Pattern::Rings => "rings",
            Pattern::Gradient => "gradient",
            Pattern::Noise => "noise",
            Pattern::Blank => "blank",
        }
    }

    /// Draws the pattern at `side` x `side`; `seed` only matters for [`Pattern::Noise`].
    pub fn render(self, side: usize, seed: u64) -> Result<Image, DataError> {
        let cell = (side / 7).max(1);
        let centre = (side as f32 - 1.0) / 2.0;
        let mut rng = StdRng::seed_from_u64(seed);
        let pixels = (0..side * side)
            .map(|i| {
                let (y, x) = (i / side, i % side);
                match self {
                    Pattern::Checkerboard => ((x / cell + y / cell) % 2) as f32,
                    Pattern::Stripes => ((x / cell) % 2) as f32,
                    Pattern::Rings => {
                        let r = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
                        ((r / cell as f32) as usize % 2) as f32
                    }
                    Pattern::Gradient => (x + y) as f32 / (2 * (side - 1)) as f32,
                    Pattern::Noise => rng.random::<f32>(),
                    Pattern::Blank => 0.0,
                }
            })
            .collect();
        Image::new(side, pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_have_the_asked_side_and_range() {
        for pattern in Pattern::ALL {
            for side in [7, 28, 112] {
                let image = pattern.render(side, 1).unwrap();
                assert_eq!(image.side(), side);
                assert!(
                    image.pixels().iter().all(|p| (0.0..=1.0).contains(p)),
                    "{pattern:?}"
                );
            }
        }
        assert!(
            Pattern::Blank
                .render(28, 0)
                .unwrap()
                .pixels()
                .iter()
                .all(|&p| p == 0.0)
        );
        assert_eq!(
            Pattern::Noise.render(28, 5).unwrap(),
            Pattern::Noise.render(28, 5).unwrap()
        );
        assert_ne!(
            Pattern::Noise.render(28, 5).unwrap(),
            Pattern::Noise.render(28, 6).unwrap()
        );
    }
}
