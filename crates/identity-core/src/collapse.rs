//! Fig. 9, representation collapse: per layer, the error rate of a correlation-weighted
//! averaging classifier on MNIST. Each image's label is predicted as the argmax of the other
//! images' one-hot labels averaged with weights equal to the correlation between the two
//! images' representations at that layer (leave-one-out). Raw pixels give the baseline; a
//! layer that has collapsed gives an error near chance (90%).

use burn::prelude::*;

use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::image_batch;

/// The correlation matrix (`n x n`, row-major) of `n` representations, one per row of
/// `representations` (`[n, features]`): rows are centred and normalised on the device, so
/// only `n²` numbers are read back.
pub async fn correlation_matrix(representations: Tensor<2>) -> Result<Vec<f32>, Error> {
    let [n, features] = representations.dims();
    let centred = representations.clone() - representations.mean_dim(1);
    let norms = centred.clone().square().sum_dim(1).sqrt().clamp_min(1e-12);
    let unit = centred / norms;
    let gram = unit.clone().matmul(unit.transpose());
    let values = read_floats(gram).await?;
    if values.len() != n * n || features == 0 {
        return Err(Error::Input("empty representations".into()));
    }
    Ok(values)
}

/// Leave-one-out error rate of the correlation-weighted averaging classifier, given the
/// correlation matrix of `labels.len()` representations.
pub fn averaging_error(correlations: &[f32], labels: &[u8]) -> Result<f32, Error> {
    let n = labels.len();
    if n < 2 || correlations.len() != n * n {
        return Err(Error::Input(format!(
            "need at least 2 labelled images and an n x n matrix, got {n} and {}",
            correlations.len()
        )));
    }
    let classes = usize::from(*labels.iter().max().unwrap_or(&0)) + 1;
    let wrong = (0..n)
        .filter(|&i| {
            let mut scores = vec![0.0f64; classes];
            for j in (0..n).filter(|&j| j != i) {
                scores[usize::from(labels[j])] += f64::from(correlations[i * n + j]);
            }
            let predicted = (0..classes)
                .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
                .unwrap_or(0);
            predicted != usize::from(labels[i])
        })
        .count();
    Ok(wrong as f32 / n as f32)
}

/// The error rate of the averaging classifier on the raw pixels of `images` (the baseline)
/// and then at every layer of `network`, bottom first.
///
/// All images go through the network in one batch: memory grows with `images.len()` times
/// the widest layer, so keep the set to a few hundred images.
pub async fn collapse_curve(
    network: &Network,
    images: &[Image],
    labels: &[u8],
    device: &Device,
) -> Result<Vec<f32>, Error> {
    if images.len() != labels.len() {
        return Err(Error::Input(format!(
            "{} images but {} labels",
            images.len(),
            labels.len()
        )));
    }
    let x = image_batch(images, device)?;
    let n = images.len();
    let mut errors = vec![averaging_error(
        &correlation_matrix(x.clone().reshape([n as i32, -1])).await?,
        labels,
    )?];
    for layer in network.forward_layers(x) {
        errors.push(averaging_error(
            &correlation_matrix(layer.reshape([n as i32, -1])).await?,
            labels,
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
        // Two tight clusters: images 0, 1 of class 0 and 2, 3 of class 1.
        let c = [
            1.0, 0.9, -0.5, -0.4, 0.9, 1.0, -0.3, -0.6, -0.5, -0.3, 1.0, 0.8, -0.4, -0.6, 0.8, 1.0,
        ];
        assert_eq!(averaging_error(&c, &[0, 0, 1, 1]).unwrap(), 0.0);
        assert_eq!(averaging_error(&c, &[0, 1, 0, 1]).unwrap(), 1.0);
        assert!(averaging_error(&c, &[0]).is_err());
    }

    #[test]
    fn raw_mnist_pixels_error_rate_is_in_band() {
        // On raw pixels of the first 300 MNIST test digits the classifier is far better than
        // chance (0.9) but, averaging over all neighbours, worse than nearest neighbour
        // (about 0.05 on MNIST): the band [0.1, 0.5] holds it.
        let mnist = Subset::MnistTest.load().unwrap();
        let images = mnist.images_except(300, None).unwrap();
        let x = image_batch(&images, &Device::flex())
            .unwrap()
            .reshape([300, -1]);
        let c = pollster::block_on(correlation_matrix(x)).unwrap();
        let error = averaging_error(&c, &mnist.labels()[..300]).unwrap();
        assert!((0.1..=0.5).contains(&error), "error rate {error}");
    }
}
