//! # identity-figures
//!
//! The figures of "Identity Crisis: Memorization and Generalization under Extreme
//! Overparameterization" (Zhang, Bengio, Hardt, Mozer, Singer; ICLR 2020), each defined once:
//! the networks it trains at each [`Scale`], how its numbers are measured, the numbers
//! themselves as typed data ([`FigureData`], what the CLI writes as JSON and CSV and the page
//! shows), and the paper's claims judged from them ([`claims`]).
//!
//! No I/O and no blocking: measuring is `async` and takes its trained networks from a
//! [`Networks`] the caller provides (the CLI trains them with progress bars; the page will
//! load them), so the crate runs natively and in wasm32.
//!
//! - [`figure`]: every figure of the paper, its plan and its kind; [`figure_claims`]: which
//!   claims each figure makes;
//! - [`scale`], [`plan`], [`sweeps`]: the sizes, the networks and how they are obtained;
//! - [`eq1`], [`grid`], [`heatmap`], [`layers`], [`collapse`], [`input_sizes`],
//!   [`upper_subnetworks`], [`training_sizes`], [`weight_change`]: one module per kind of
//!   figure, each with its data, its measurement, its table and its claims (the grids' and
//!   heatmaps' sweeps: [`fcn_claims`], [`conv_claims`]);
//! - [`registry`]: the figures as the site lists them;
//! - [`claim`], [`answers`], [`picture`], [`net`]: what the kinds share; [`seeds`]: a figure
//!   over several seeds.

#![warn(missing_docs)]

pub mod answers;
pub mod claim;
pub mod collapse;
pub mod conv_claims;
pub mod data;
pub mod eq1;
pub mod fcn_claims;
pub mod figure;
pub mod figure_claims;
pub mod grid;
pub mod heatmap;
pub mod input_sizes;
pub mod layers;
pub mod net;
pub mod page_rules;
pub mod picture;
pub mod plan;
pub mod registry;
pub mod scale;
pub mod seeds;
pub mod sweeps;
pub mod training_sizes;
pub mod upper_subnetworks;
pub mod weight_change;

pub use claim::{Claim, LIKE};
pub use data::{Body, FigureData};
pub use figure::{Figure, all};
pub use figure_claims::claims;
pub use plan::{Networks, Planned, Setting};
pub use scale::Scale;
