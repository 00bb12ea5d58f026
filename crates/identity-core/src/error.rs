//! The crate's error type: every failure a user can cause or meet, as a message.

use burn::prelude::*;

use crate::arch::ConfigError;
use crate::data::DataError;

/// Anything that can go wrong in identity-core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration that cannot be built (sizes, limits).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Bad data: a malformed file, an image of the wrong size.
    #[error(transparent)]
    Data(#[from] DataError),
    /// Reading a tensor back from the device failed (e.g. a lost GPU device).
    #[error("reading from the device failed: {0}")]
    Read(String),
    /// The loss became NaN or infinite.
    #[error("training diverged at step {step}: the loss is {loss} (try a smaller learning rate)")]
    Diverged {
        /// The step at which the loss was read.
        step: usize,
        /// The loss read.
        loss: f32,
    },
    /// An input that does not fit the network or the measurement.
    #[error("{0}")]
    Input(String),
    /// A network file that cannot be used (see [`crate::saved`]), with the reason.
    #[error("network file: {0}")]
    File(String),
}

/// Reads a float tensor back as a flat `Vec<f32>`, without blocking (a synchronous read
/// panics on WebGPU in the browser).
pub async fn read_floats<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, Error> {
    let data = tensor
        .into_data_async()
        .await
        .map_err(|e| Error::Read(e.to_string()))?;
    data.convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| Error::Read(format!("{e:?}")))
}
