//! Per-layer activations of a network for one input (Fig. 8 and Appendix E look at them).

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::image_batch;

/// One layer's activation for one input: `channels` maps of `side` x `side` (FCN hidden
/// layers are `width` maps of 1 x 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerActivation {
    /// Number of channels (or hidden units).
    pub channels: usize,
    /// Side of each map.
    pub side: usize,
    /// Values, channel-major: `values[c * side * side + y * side + x]`.
    pub values: Vec<f32>,
}

impl LayerActivation {
    /// Channel `c` as a flat map.
    pub fn channel(&self, c: usize) -> &[f32] {
        let n = self.side * self.side;
        &self.values[c * n..(c + 1) * n]
    }
}

/// The activation of every layer (after its ReLU; the last is the output) for `input`.
pub async fn activations(
    network: &Network,
    input: &Image,
    device: &Device,
) -> Result<Vec<LayerActivation>, Error> {
    let x = image_batch(std::slice::from_ref(input), device)?;
    let mut out = Vec::with_capacity(network.layers());
    for layer in network.forward_layers(x) {
        let [_, channels, side, _] = layer.dims();
        out.push(LayerActivation {
            channels,
            side,
            values: read_floats(layer).await?,
        });
    }
    Ok(out)
}
