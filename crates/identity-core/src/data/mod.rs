//! Data: IDX decoding, the bundled MNIST and Fashion-MNIST subsets, generated patterns,
//! mixes of digits and resampling.

mod bundled;
mod idx;
mod image;
mod patterns;

pub use bundled::{Dataset, Subset, default_training_image, default_training_index};
pub use idx::{IdxArray, decode as decode_idx};
pub use image::{Image, MAX_SIDE, MIN_SIDE, MNIST_SIDE};
pub use patterns::Pattern;

/// What can go wrong with data: a bad file, or an image of the wrong size.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A malformed IDX file.
    #[error("{0}")]
    Idx(String),
    /// A gzip stream that does not decode.
    #[error("gzip: {0}")]
    Gzip(#[from] std::io::Error),
    /// An image of a size the code cannot use.
    #[error("{0}")]
    Size(String),
    /// An index past the end of a dataset.
    #[error("{0}")]
    Index(String),
}
