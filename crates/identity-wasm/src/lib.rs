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
mod session;

#[cfg(target_family = "wasm")]
pub use session::*;
