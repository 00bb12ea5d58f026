//! The paper's test row (first row of Fig. 1, 4, 6): the training digit, a mix of two digits,
//! MNIST test digits, Fashion-MNIST images and generated patterns.

use crate::arch::ConfigError;
use crate::data::{Image, Pattern, Subset};
use crate::error::Error;

/// The prefix of an MNIST test digit's name in the test row (`mnist:3`).
const DIGIT: &str = "mnist:";

/// The prefix of a Fashion-MNIST image's name in the test row (`fashion:0`).
const FASHION: &str = "fashion:";

/// Whether the test-row input named `name` shows a digit: the training digit, its mix, or an
/// MNIST test digit (not clothes or a generated pattern).
pub fn shows_digit(name: &str) -> bool {
    matches!(name, "training" | "mix") || name.starts_with(DIGIT)
}

/// One named test input.
#[derive(Debug, Clone)]
pub struct TestInput {
    /// What it is, e.g. `training`, `mnist:3`, `fashion:0`, `rings`.
    pub name: String,
    /// The image.
    pub image: Image,
}

/// Checks the test row's counts against the bundled subsets (1,000 images each), naming the
/// limit, so that a caller can refuse them before any work.
pub fn check_counts(digits: usize, fashion: usize) -> Result<(), Error> {
    for (count, subset, what) in [
        (digits, Subset::MnistTest, "MNIST test digits"),
        (fashion, Subset::FashionTest, "Fashion-MNIST images"),
    ] {
        let available = subset.load()?.len();
        if count > available {
            return Err(Error::Config(ConfigError(format!(
                "the test row takes at most {available} {what} (the bundled ones), got {count}"
            ))));
        }
    }
    Ok(())
}

/// The test row for `training` at 28 x 28: the training image, its half-and-half mix with
/// MNIST test digit 1, `digits` MNIST test digits, `fashion` Fashion-MNIST images, and every
/// generated pattern (noise seeded by `seed`).
pub fn test_row(
    training: &Image,
    digits: usize,
    fashion: usize,
    seed: u64,
) -> Result<Vec<TestInput>, Error> {
    check_counts(digits, fashion)?;
    let mnist = Subset::MnistTest.load()?;
    let fashion_set = Subset::FashionTest.load()?;
    let mut row = vec![
        TestInput {
            name: "training".into(),
            image: training.clone(),
        },
        TestInput {
            name: "mix".into(),
            image: training.mix(&mnist.image(1)?, 0.5)?,
        },
    ];
    for i in 0..digits {
        row.push(TestInput {
            name: format!("{DIGIT}{i}"),
            image: mnist.image(i)?,
        });
    }
    for i in 0..fashion {
        row.push(TestInput {
            name: format!("{FASHION}{i}"),
            image: fashion_set.image(i)?,
        });
    }
    for pattern in Pattern::ALL {
        row.push(TestInput {
            name: pattern.name().into(),
            image: pattern.render(training.side(), seed)?,
        });
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_row_tells_its_digits_from_clothes_and_patterns() {
        let training = Subset::MnistTrain.load().unwrap().image(0).unwrap();
        let row = test_row(&training, 2, 2, 0).unwrap();
        let digits: Vec<bool> = row.iter().map(|t| shows_digit(&t.name)).collect();
        let mut expected = vec![true; 4];
        expected.extend([false; 2]);
        expected.extend(Pattern::ALL.map(|_| false));
        assert_eq!(
            digits,
            expected,
            "{:?}",
            row.iter().map(|t| &t.name).collect::<Vec<_>>()
        );
    }
}
