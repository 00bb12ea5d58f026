//! # identity-core
//!
//! The science of "Identity Crisis: Memorization and Generalization under Extreme
//! Overparameterization" (Zhang, Bengio, Hardt, Mozer, Singer; ICLR 2020): networks trained
//! on ONE image to reproduce their input, and the measurements that tell whether they learned
//! the identity map or the constant map.
//!
//! Every function takes a burn [`Device`](burn::prelude::Device), so the same code runs on
//! the `flex` CPU backend and on `wgpu` (Vulkan/Metal natively, WebGPU in the browser), native
//! and `wasm32`. No function blocks on a tensor read: reads are `async` (a synchronous read
//! panics on WebGPU in the browser); native callers drive them with a small executor such as
//! `pollster::block_on`.
//!
//! - [`arch`]: the architectures, validated; [`nets`]: the networks built from them;
//! - [`train`]: single-image training, step at a time;
//! - [`measure`], [`rho`], [`heatmap`], [`closed_form`], [`layers`]: the paper's measurements;
//! - [`layer_views`], [`weight_change`], [`collapse`], [`dead_units`]: the probes of the later
//!   figures;
//! - [`saved`]: a trained network as a file (burnpack weights and a manifest);
//! - [`memory`]: the memory budget of the networks alive in one place; [`drawing`]: seeded
//!   random draws, reproducible under threads;
//! - [`data`]: the bundled MNIST / Fashion-MNIST subsets, patterns and resampling.

#![warn(missing_docs)]

pub mod arch;
pub mod blur;
pub mod closed_form;
pub mod collapse;
pub mod data;
pub mod dead_units;
pub mod drawing;
pub mod edges;
mod error;
pub mod gallery;
pub mod heatmap;
pub mod layer_views;
pub mod layers;
pub mod measure;
pub mod memory;
pub mod momentum_sgd;
pub mod nets;
pub mod rho;
pub mod same_conv;
pub mod saved;
pub mod train;
pub mod weight_change;

pub use arch::{ArchConfig, ConfigError};
pub use error::{Error, read_floats};
pub use nets::{Init, Network};
pub use train::{Optimizer, Progress, Stop, TrainConfig, TrainOverrides, Trained, Trainer, train};
