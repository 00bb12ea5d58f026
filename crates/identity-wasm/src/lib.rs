//! # identity-wasm
//!
//! The browser face of identity-core, run inside a module Web Worker (`www/js/worker.js`).
//! A [`Session`] owns one network being trained on one image on one device; every call that
//! reads a tensor is `async` (a synchronous read panics on WebGPU), and every error crosses to
//! JavaScript as a thrown `Error` with a human message (and, where the page must tell it
//! apart, a `name`).
//!
//! Natively the crate is empty: it only exists for `wasm32-unknown-unknown`.

#[cfg(target_family = "wasm")]
mod backend;
#[cfg(target_family = "wasm")]
mod budget;
#[cfg(target_family = "wasm")]
mod create;
#[cfg(target_family = "wasm")]
mod ctors;
#[cfg(target_family = "wasm")]
mod data;
#[cfg(target_family = "wasm")]
mod errors;
#[cfg(target_family = "wasm")]
mod session;

#[cfg(target_family = "wasm")]
pub use budget::memory_in_use;
#[cfg(target_family = "wasm")]
pub use create::{
    MAX_IMPORT_BYTES, create_preview, create_session, import_network, max_import_bytes,
};
#[cfg(target_family = "wasm")]
pub use data::{bundled_digits, default_training, describe};
#[cfg(target_family = "wasm")]
pub use errors::{DIVERGED_ERROR, GPU_LOST_ERROR, MEMORY_ERROR};
#[cfg(target_family = "wasm")]
pub use session::*;
