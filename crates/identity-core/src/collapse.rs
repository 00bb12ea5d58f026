//! Fig. 9, representation collapse: per layer, the error rate of the paper's averaging
//! classifier on MNIST. As the paper puts it (section 4), each test example's label is
//! predicted as the argmax of the training examples' one-hot labels averaged with weights
//! equal to the correlation between the two examples' representations at that layer. Here
//! the first images given are the references (the paper's training examples) and the rest
//! the queries (its test examples). Raw pixels give the baseline; a layer that has collapsed
//! to the same representation for every image gives an error near chance ([`CHANCE_ERROR`]).

use burn::prelude::*;

use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::image_batch;

/// The error rate of a guess among the 10 digits: what a collapsed layer gives.
pub const CHANCE_ERROR: f64 = 0.9;

/// The rows of `representations` (`[n, features]`) centred and scaled to unit length, so
/// that the dot product of two rows is their correlation.
fn unit_rows(representations: Tensor<2>) -> Tensor<2> {
    let centred = representations.clone() - representations.mean_dim(1);
    let norms = centred.clone().square().sum_dim(1).sqrt().clamp_min(1e-12);
    centred / norms
}

/// The correlations (`queries x references`, row-major) between each of the first
/// `queries` rows of `representations` and each of the rest: rows are centred and normalised
/// on the device, so only that product is read back.
async fn query_correlations(
    representations: Tensor<2>,
    references: usize,
) -> Result<Vec<f32>, Error> {
    let [n, features] = representations.dims();
    if features == 0 || references == 0 || references >= n {
        return Err(Error::Input(format!(
            "need references and queries with features, got {references} of {n} rows of {features}"
        )));
    }
    let unit = unit_rows(representations);
    let gram = unit
        .clone()
        .narrow(0, references, n - references)
        .matmul(unit.narrow(0, 0, references).transpose());
    read_floats(gram).await
}

/// The averaging classifier's error rate on the queries, given the correlations
/// (`query_labels.len() x reference_labels.len()`, row-major) of each query with each
/// reference. A query whose top score is shared by several digits counts as wrong by the
/// share of those digits that are not its own (a fair guess among them).
pub fn averaging_error(
    correlations: &[f32],
    reference_labels: &[u8],
    query_labels: &[u8],
) -> Result<f32, Error> {
    let (r, q) = (reference_labels.len(), query_labels.len());
    if r == 0 || q == 0 || correlations.len() != r * q {
        return Err(Error::Input(format!(
            "need references, queries and a {q} x {r} matrix, got {} correlations",
            correlations.len()
        )));
    }
    let classes = usize::from(
        *reference_labels
            .iter()
            .chain(query_labels)
            .max()
            .unwrap_or(&0),
    ) + 1;
    let wrong: f64 = query_labels
        .iter()
        .enumerate()
        .map(|(i, &label)| {
            let mut scores = vec![0.0f64; classes];
            for (j, &reference) in reference_labels.iter().enumerate() {
                scores[usize::from(reference)] += f64::from(correlations[i * r + j]);
            }
            let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let tied = scores.iter().filter(|&&s| s == top).count();
            if scores[usize::from(label)] == top {
                1.0 - 1.0 / tied as f64
            } else {
                1.0
            }
        })
        .sum();
    Ok((wrong / q as f64) as f32)
}

/// The error rate of the averaging classifier on the raw pixels of `images` (the baseline)
/// and then at every layer of `network`, bottom first: the first `references` images (and
/// labels) are the references, the rest the queries.
///
/// All images go through the network in one batch: memory grows with `images.len()` times
/// the widest layer, so keep the set to a few hundred images.
pub async fn collapse_curve(
    network: &Network,
    images: &[Image],
    labels: &[u8],
    references: usize,
    device: &Device,
) -> Result<Vec<f32>, Error> {
    if images.len() != labels.len() || references == 0 || references >= images.len() {
        return Err(Error::Input(format!(
            "{} images, {} labels, {references} of them references: need as many labels as images and some of each",
            images.len(),
            labels.len()
        )));
    }
    let (reference_labels, query_labels) = labels.split_at(references);
    let x = image_batch(images, device)?;
    let n = images.len() as i32;
    let mut errors = vec![averaging_error(
        &query_correlations(x.clone().reshape([n, -1]), references).await?,
        reference_labels,
        query_labels,
    )?];
    for layer in network.forward_layers(x) {
        errors.push(averaging_error(
            &query_correlations(layer.reshape([n, -1]), references).await?,
            reference_labels,
            query_labels,
        )?);
    }
    Ok(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Subset;

    #[test]
    fn classifier_on_known_correlations() {
        // References: two of digit 0, two of digit 1; queries: one close to each pair.
        let c = [0.9, 0.8, -0.5, -0.4, -0.3, -0.6, 0.7, 0.9];
        assert_eq!(averaging_error(&c, &[0, 0, 1, 1], &[0, 1]).unwrap(), 0.0);
        assert_eq!(averaging_error(&c, &[0, 0, 1, 1], &[1, 0]).unwrap(), 1.0);
        // A tie between the two digits is a fair coin.
        let tied = [0.5, 0.5, 0.5, 0.5];
        assert_eq!(averaging_error(&tied, &[0, 0, 1, 1], &[1]).unwrap(), 0.5);
        assert!(averaging_error(&c, &[0], &[0]).is_err());
    }

    /// The first 600 MNIST test digits as 300 references and 300 queries, as one batch.
    fn mnist_probe() -> (Tensor<2>, Vec<u8>) {
        let mnist = Subset::MnistTest.load().unwrap();
        let images = mnist.images_except(600, None).unwrap();
        let x = image_batch(&images, &Device::flex())
            .unwrap()
            .reshape([600, -1]);
        (x, mnist.labels()[..600].to_vec())
    }

    #[test]
    fn raw_mnist_pixels_error_rate_matches_an_independent_count() {
        // The paper's rule written out again in plain Python (f64, no tensor library) over
        // the same idx files gets 156 of the 300 queries wrong: far better than chance (0.9),
        // worse than nearest neighbour, which the averaging over every reference is not.
        let (x, labels) = mnist_probe();
        let c = pollster::block_on(query_correlations(x, 300)).unwrap();
        let error = averaging_error(&c, &labels[..300], &labels[300..]).unwrap();
        assert!((error - 156.0 / 300.0).abs() < 1e-6, "error rate {error}");
    }

    #[test]
    fn a_collapsed_layer_errs_at_about_chance() {
        // Every image with the same representation: every query gets the references' most
        // common digit, right for that digit's share of the queries. (Leaving one image out
        // of a single set instead biased each image against its own digit: error 1.0.)
        let (x, labels) = mnist_probe();
        let same = x.clone().narrow(0, 0, 1).repeat_dim(0, 600);
        let c = pollster::block_on(query_correlations(same, 300)).unwrap();
        let error = averaging_error(&c, &labels[..300], &labels[300..]).unwrap();
        let count = |digit: u8, among: &[u8]| among.iter().filter(|&&l| l == digit).count();
        let common = (0..10u8).max_by_key(|&d| count(d, &labels[..300])).unwrap();
        let expected = 1.0 - count(common, &labels[300..]) as f32 / 300.0;
        assert!(
            (error - expected).abs() < 1e-6,
            "{error} against {expected}"
        );
        assert!((0.8..0.95).contains(&error), "error rate {error}");
    }
}
