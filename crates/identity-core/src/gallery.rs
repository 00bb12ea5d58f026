//! The paper's test row (first row of Fig. 1, 4, 6): the training digit, a mix of two digits,
//! MNIST test digits, Fashion-MNIST images and generated patterns.

use crate::data::{DataError, Image, Pattern, Subset};

/// One named test input.
#[derive(Debug, Clone)]
pub struct TestInput {
    /// What it is, e.g. `training`, `mnist:3`, `fashion:0`, `rings`.
    pub name: String,
    /// The image.
    pub image: Image,
}

/// The test row for `training` at 28 x 28: the training image, its half-and-half mix with
/// MNIST test digit 1, `digits` MNIST test digits, `fashion` Fashion-MNIST images, and every
/// generated pattern (noise seeded by `seed`).
pub fn test_row(
    training: &Image,
    digits: usize,
    fashion: usize,
    seed: u64,
) -> Result<Vec<TestInput>, DataError> {
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
            name: format!("mnist:{i}"),
            image: mnist.image(i)?,
        });
    }
    for i in 0..fashion {
        row.push(TestInput {
            name: format!("fashion:{i}"),
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
