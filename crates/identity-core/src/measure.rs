//! The paper's measurements of one answer: Pearson correlation and MSE of the network's output
//! to its input (the identity map) and to the training image (the constant map), and its
//! correlation to the input's edge map (an edge detector's answer, [`crate::edges`]).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Image;
use crate::edges::edge_map;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::image_batch;

/// Pearson correlation of two equally long images, accumulated in f64; `None` when either
/// image is flat (a constant image: the blank test pattern, an empty drawing, a dead
/// network's output), where the correlation is undefined.
pub fn correlation(a: &[f32], b: &[f32]) -> Option<f32> {
    assert_eq!(a.len(), b.len(), "correlation needs equal lengths");
    let n = a.len() as f64;
    let mean = |v: &[f32]| v.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let (ma, mb) = (mean(a), mean(b));
    let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (dx, dy) = (f64::from(x) - ma, f64::from(y) - mb);
        ab += dx * dy;
        aa += dx * dx;
        bb += dy * dy;
    }
    if aa <= f64::EPSILON * n || bb <= f64::EPSILON * n {
        return None;
    }
    Some((ab / (aa * bb).sqrt()) as f32)
}

/// [`correlation`], with 0 for a flat image: for maps compared with each other where a flat
/// one simply matches nothing (layer views, eq. (1) against the net).
pub fn pearson(a: &[f32], b: &[f32]) -> f32 {
    correlation(a, b).unwrap_or(0.0)
}

/// Mean squared error of two equally long images.
pub fn mse(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len(), "mse needs equal lengths");
    let sum: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    (sum / a.len() as f64) as f32
}

/// The network's answer to one input, measured against both reference maps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The network's output.
    #[serde(skip)]
    pub output: Option<Image>,
    /// Correlation to the identity: `corr(f(x), x)`; `None` when the input or the output is
    /// flat (undefined).
    pub identity: Option<f32>,
    /// Correlation to the constant map: `corr(f(x), x̂)`; `None` when the output is flat.
    pub constant: Option<f32>,
    /// Edge score: correlation to the input's edge map, `corr(f(x), |∇x|)`
    /// ([`crate::edges::edge_map`]); `None` when the output or the edge map is flat.
    pub edges: Option<f32>,
    /// MSE to the identity: `mse(f(x), x)`.
    pub mse_identity: f32,
    /// MSE to the constant map: `mse(f(x), x̂)`.
    pub mse_constant: f32,
}

/// The network's outputs for `inputs`, in one batch.
pub async fn predict(
    network: &Network,
    inputs: &[Image],
    device: &Device,
) -> Result<Vec<Image>, Error> {
    images(network.forward(image_batch(inputs, device)?)).await
}

/// The images of a batch of one-channel outputs.
///
/// # Shapes
/// - output: `[batch, 1, side, side]`
async fn images(output: Tensor<4>) -> Result<Vec<Image>, Error> {
    let side = output.dims()[2];
    let pixels = read_floats(output).await?;
    pixels
        .chunks(side * side)
        .map(|c| Image::new(side, c.to_vec()).map_err(Error::from))
        .collect()
}

/// The network's answers to `inputs`, measured against each input and the training image.
///
/// The training image is resampled to the inputs' side when they differ (the input-size
/// experiments of Fig. 10).
pub async fn answers(
    network: &Network,
    inputs: &[Image],
    training: &Image,
    device: &Device,
) -> Result<Vec<Answer>, Error> {
    measured(predict(network, inputs, device).await?, inputs, training)
}

/// The answers of the upper sub-network from layer `first` (0-based) on, fed `inputs`
/// directly, repeated across that layer's input channels (Fig. 12, 23, 24). ConvNets only.
pub async fn upper_answers(
    network: &Network,
    first: usize,
    inputs: &[Image],
    training: &Image,
    device: &Device,
) -> Result<Vec<Answer>, Error> {
    let output = network.forward_upper(first, image_batch(inputs, device)?)?;
    measured(images(output).await?, inputs, training)
}

/// Measures `outputs` against their `inputs` and the training image (resampled to their side
/// when it differs).
fn measured(outputs: Vec<Image>, inputs: &[Image], training: &Image) -> Result<Vec<Answer>, Error> {
    let side = outputs.first().map(Image::side).unwrap_or(training.side());
    let reference = if training.side() == side {
        training.clone()
    } else {
        training.resample(side)?
    };
    Ok(outputs
        .into_iter()
        .zip(inputs)
        .map(|(output, input)| Answer {
            identity: correlation(output.pixels(), input.pixels()),
            constant: correlation(output.pixels(), reference.pixels()),
            edges: correlation(output.pixels(), &edge_map(input.pixels(), input.side())),
            mse_identity: mse(output.pixels(), input.pixels()),
            mse_constant: mse(output.pixels(), reference.pixels()),
            output: Some(output),
        })
        .collect())
}

/// Means of the five numbers over several answers; a correlation's mean leaves out the
/// answers where it is undefined (`None` when it is undefined in all).
pub fn mean_answer(answers: &[Answer]) -> Answer {
    let n = answers.len().max(1) as f32;
    let mean = |f: fn(&Answer) -> f32| answers.iter().map(f).sum::<f32>() / n;
    Answer {
        output: None,
        identity: mean_defined(answers.iter().map(|a| a.identity)),
        constant: mean_defined(answers.iter().map(|a| a.constant)),
        edges: mean_defined(answers.iter().map(|a| a.edges)),
        mse_identity: mean(|a| a.mse_identity),
        mse_constant: mean(|a| a.mse_constant),
    }
}

/// The mean of the defined values, `None` when there is none.
pub fn mean_defined(values: impl IntoIterator<Item = Option<f32>>) -> Option<f32> {
    let defined: Vec<f32> = values.into_iter().flatten().collect();
    (!defined.is_empty()).then(|| defined.iter().sum::<f32>() / defined.len() as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_known_values() {
        let a = [1.0, 2.0, 3.0, 4.0];
        assert!((pearson(&a, &a) - 1.0).abs() < 1e-6);
        assert!((pearson(&a, &[8.0, 6.0, 4.0, 2.0]) + 1.0).abs() < 1e-6);
        // Invariant to affine maps with positive scale.
        assert!((pearson(&a, &[0.5, 0.7, 0.9, 1.1]) - 1.0).abs() < 1e-6);
        assert!(pearson(&a, &[1.0, -1.0, -1.0, 1.0]).abs() < 1e-6);
        assert_eq!(pearson(&a, &[3.0; 4]), 0.0);
        assert_eq!(correlation(&a, &[3.0; 4]), None);
    }

    #[test]
    fn undefined_correlations_are_left_out_of_means() {
        let answer = |identity, constant| Answer {
            output: None,
            identity,
            constant,
            edges: None,
            mse_identity: 1.0,
            mse_constant: 2.0,
        };
        // A blank input: its identity is undefined, not 0 (which would cap a perfect identity
        // below 1).
        let mean = mean_answer(&[answer(Some(1.0), Some(0.2)), answer(None, Some(0.4))]);
        assert_eq!(mean.identity, Some(1.0));
        assert!((mean.constant.unwrap() - 0.3).abs() < 1e-6);
        assert_eq!(mean.mse_constant, 2.0);
        assert_eq!(mean_answer(&[answer(None, None)]).identity, None);
    }

    #[test]
    fn the_whole_network_answers_like_its_upper_subnetwork_from_layer_0() {
        let device = Device::flex();
        let arch = crate::ArchConfig::Conv {
            depth: 3,
            channels: 4,
            kernel: 3,
        };
        let net =
            crate::drawing::seeded(0, |cpu| Network::init(&arch, 14, crate::Init::Default, cpu))
                .unwrap();
        let training = crate::data::Pattern::Rings.render(28, 0).unwrap();
        let inputs = [
            crate::data::Pattern::Stripes.render(14, 0).unwrap(),
            crate::data::Pattern::Noise.render(14, 1).unwrap(),
        ];
        let whole = pollster::block_on(answers(&net, &inputs, &training, &device)).unwrap();
        let upper =
            pollster::block_on(upper_answers(&net, 0, &inputs, &training, &device)).unwrap();
        assert_eq!(whole, upper);
        let top = pollster::block_on(upper_answers(&net, 2, &inputs, &training, &device)).unwrap();
        assert_eq!(top[0].output.as_ref().unwrap().side(), 14);
        assert!(pollster::block_on(upper_answers(&net, 3, &inputs, &training, &device)).is_err());
    }

    #[test]
    fn mse_known_values() {
        assert_eq!(mse(&[0.0, 0.0], &[1.0, 3.0]), 5.0);
        assert_eq!(mse(&[0.5; 9], &[0.5; 9]), 0.0);
    }

    #[test]
    fn an_answer_that_is_the_inputs_edge_map_scores_1() {
        let mnist = crate::data::Subset::MnistTest.load().unwrap();
        let input = mnist.image(0).unwrap();
        let edges = Image::new(28, edge_map(input.pixels(), 28)).unwrap();
        let answer = &measured(
            vec![edges, input.clone()],
            &[input.clone(), input.clone()],
            &input,
        )
        .unwrap();
        assert!((answer[0].edges.unwrap() - 1.0).abs() < 1e-5);
        // The input itself follows its strokes, not their rims.
        assert!(answer[1].edges.unwrap() < 0.9, "{:?}", answer[1].edges);
    }
}
