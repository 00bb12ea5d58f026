//! The paper's closed forms for the shallow FCNs.
//!
//! - eq. (1): the 1-layer linear net trained by gradient descent from `W⁰` predicts
//!   `f(x) = (x̂ᵀx / ‖x̂‖²) x̂ + W⁰ (x − (x̂ᵀx / ‖x̂‖²) x̂)`: the identity along x̂, the random
//!   initial map orthogonal to it.
//! - eq. (2): when only the bottom layer learns, `Wᵀ = W⁰ + u x̂ᵀ`; [`off_image_change`]
//!   measures how far a trained layer is from that form.

use burn::prelude::*;

use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::train::image_batch;

/// Eq. (1): the predictions of the converged 1-layer linear net whose initial weight matrix
/// is `initial_weight` (burn's `[in, out]` layout, i.e. `W⁰ᵀ`), trained on `training`.
pub async fn eq1_prediction(
    initial_weight: Tensor<2>,
    training: &Image,
    inputs: &[Image],
    device: &Device,
) -> Result<Vec<Image>, Error> {
    let side = training.side();
    let d = side * side;
    if initial_weight.dims() != [d, d] {
        return Err(Error::Input(format!(
            "eq. (1) needs the {d} x {d} weight of the 1-layer linear net, got {:?}",
            initial_weight.dims()
        )));
    }
    let x = image_batch(inputs, device)?.reshape([inputs.len(), d]);
    let hat: Tensor<2> = image_batch(std::slice::from_ref(training), device)?.reshape([1, d]);
    let norm2: f32 = training.pixels().iter().map(|p| p * p).sum();
    // coefficient of x along x̂: [n, 1]
    let along = x.clone().matmul(hat.clone().transpose()).div_scalar(norm2);
    let parallel = along.matmul(hat);
    let out = parallel.clone() + (x - parallel).matmul(initial_weight);
    let pixels = read_floats(out).await?;
    pixels
        .chunks(d)
        .map(|c| Image::new(side, c.to_vec()).map_err(Error::from))
        .collect()
}

/// For a weight change `delta` in burn's `[in, out]` layout (`(W − W⁰)ᵀ`), the norm of its
/// part orthogonal to the training image, relative to its whole norm: 0 when the change is
/// `x̂ uᵀ` as eq. (2) says.
pub async fn off_image_change(delta: Tensor<2>, training: &Image) -> Result<f64, Error> {
    let [rows, cols] = delta.dims();
    if rows != training.pixels().len() {
        return Err(Error::Input(format!(
            "the weight change has {rows} input rows, the image {} pixels",
            training.pixels().len()
        )));
    }
    let delta: Vec<f64> = read_floats(delta)
        .await?
        .into_iter()
        .map(f64::from)
        .collect();
    let hat: Vec<f64> = training.pixels().iter().map(|&p| f64::from(p)).collect();
    let norm2: f64 = hat.iter().map(|p| p * p).sum();
    // Column j of delta minus its projection on x̂.
    let (mut off, mut whole) = (0.0, 0.0);
    for j in 0..cols {
        let dot: f64 = (0..rows).map(|i| delta[i * cols + j] * hat[i]).sum();
        for i in 0..rows {
            let v = delta[i * cols + j];
            off += (v - dot / norm2 * hat[i]).powi(2);
            whole += v * v;
        }
    }
    if whole == 0.0 {
        return Err(Error::Input("the weights did not change".into()));
    }
    Ok((off / whole).sqrt())
}
