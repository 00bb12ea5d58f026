//! Fig. 8 and 19-21: three pictures of a ConvNet layer's many channels: the top singular
//! vector of the `channels x pixels` activation matrix, the channel most correlated with the
//! input, and channel 0.

use serde::{Deserialize, Serialize};

use crate::data::Image;
use crate::layers::LayerActivation;
use crate::measure::pearson;

/// Three single-map views of one layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerViews {
    /// The top right singular vector of the activation (`side²` values), signed so that it
    /// correlates positively with the mean over channels.
    pub top_singular: Vec<f32>,
    /// The channel whose map correlates most with the input.
    pub max_correlated: Vec<f32>,
    /// Index of that channel.
    pub max_correlated_channel: usize,
    /// Channel 0.
    pub channel0: Vec<f32>,
}

/// Iterations of the power method; the gap between the first two singular values of these
/// activations is large, so this is far more than needed.
const POWER_ITERATIONS: usize = 100;

/// The three views of `activation` for the input `input` (resampled to the layer's side if
/// they differ).
pub fn layer_views(activation: &LayerActivation, input: &Image) -> LayerViews {
    let n = activation.side * activation.side;
    let channels: Vec<&[f32]> = (0..activation.channels)
        .map(|c| activation.channel(c))
        .collect();
    let mean: Vec<f32> = (0..n)
        .map(|i| channels.iter().map(|ch| ch[i]).sum::<f32>() / channels.len() as f32)
        .collect();
    let top = top_right_singular_vector(&channels, n);
    let sign = if pearson(&top, &mean) < 0.0 {
        -1.0
    } else {
        1.0
    };
    let input = if input.side() == activation.side {
        input.pixels().to_vec()
    } else {
        resampled(input, activation.side)
    };
    let best = (0..channels.len())
        .max_by(|&a, &b| pearson(channels[a], &input).total_cmp(&pearson(channels[b], &input)))
        .unwrap_or(0);
    LayerViews {
        top_singular: top.iter().map(|v| sign * v).collect(),
        max_correlated: channels[best].to_vec(),
        max_correlated_channel: best,
        channel0: channels[0].to_vec(),
    }
}

fn resampled(input: &Image, side: usize) -> Vec<f32> {
    input
        .resample(side)
        .map(Image::into_pixels)
        .unwrap_or_else(|_| vec![0.0; side * side])
}

/// The unit vector `v` maximising `‖A v‖` for `A` with rows `rows` (each of length `n`), by
/// power iteration on `AᵀA` in f64.
fn top_right_singular_vector(rows: &[&[f32]], n: usize) -> Vec<f32> {
    // Start from the mean row (plus a small ramp so that a zero mean still works).
    let mut v: Vec<f64> = (0..n)
        .map(|i| rows.iter().map(|r| f64::from(r[i])).sum::<f64>() + 1e-3 * (i as f64 + 1.0))
        .collect();
    for _ in 0..POWER_ITERATIONS {
        let av: Vec<f64> = rows
            .iter()
            .map(|r| r.iter().zip(&v).map(|(&a, b)| f64::from(a) * b).sum())
            .collect();
        let mut next = vec![0.0; n];
        for (r, s) in rows.iter().zip(&av) {
            for (x, &a) in next.iter_mut().zip(r.iter()) {
                *x += f64::from(a) * s;
            }
        }
        let norm = next.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm == 0.0 {
            break;
        }
        v = next.into_iter().map(|x| x / norm).collect();
    }
    v.into_iter().map(|x| x as f32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Pattern;

    #[test]
    fn a_rank_one_activation_returns_its_pattern() {
        // Channels are scaled copies of the rings pattern (two of them negated): the top
        // singular vector is the pattern itself, up to scale.
        let pattern = Pattern::Rings.render(14, 0).unwrap();
        let scales = [0.5f32, -2.0, 1.0, 3.0, -0.1];
        let values = scales
            .iter()
            .flat_map(|s| pattern.pixels().iter().map(move |p| s * p))
            .collect();
        let activation = LayerActivation {
            channels: 5,
            side: 14,
            values,
        };
        let views = layer_views(&activation, &pattern);
        assert!(pearson(&views.top_singular, pattern.pixels()) > 0.9999);
        assert_eq!(views.channel0, activation.channel(0));
        assert!([0, 2, 3].contains(&views.max_correlated_channel));
    }

    #[test]
    fn the_channel_most_like_the_input_is_found() {
        let input = Pattern::Stripes.render(7, 0).unwrap();
        let noise = Pattern::Noise.render(7, 1).unwrap();
        let values = [noise.pixels(), input.pixels(), noise.pixels()].concat();
        let views = layer_views(
            &LayerActivation {
                channels: 3,
                side: 7,
                values,
            },
            &input,
        );
        assert_eq!(views.max_correlated_channel, 1);
    }
}
