//! What a figure needs to be measured: the networks it trains ([`Planned`]), where they come
//! from ([`Networks`]: the caller trains or loads them) and the run's setting ([`Setting`]:
//! scale, seed, device, training digit).

use std::future::Future;

use burn::prelude::*;
use identity_core::data::Image;
use identity_core::{ArchConfig, TrainConfig, Trained};

use crate::scale::Scale;

/// A network a figure trains: its architecture and the side of its training image (the
/// training digit, resampled when the side is not 28).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The architecture.
    pub arch: ArchConfig,
    /// The training image's side.
    pub side: usize,
}

impl Planned {
    /// A network trained on the 28 x 28 digit.
    pub fn at_28(arch: ArchConfig) -> Self {
        Planned { arch, side: 28 }
    }

    /// The name networks are shared under between figures.
    pub fn key(&self) -> String {
        format!("{} @ {}px", self.arch.name(), self.side)
    }
}

/// Where a figure's trained networks come from: the CLI trains them (with progress bars and
/// shares them between figures); the page will load them.
pub trait Networks {
    /// The error of getting a network (it must take the core's errors).
    type Error: From<identity_core::Error>;

    /// The planned network, trained with [`Setting::config`] on [`Setting::training_at`].
    fn trained(
        &mut self,
        setting: &Setting,
        planned: &Planned,
    ) -> impl Future<Output = Result<Trained, Self::Error>>;
}

/// The run a figure is measured in.
#[derive(Debug, Clone)]
pub struct Setting {
    /// The networks' sizes.
    pub scale: Scale,
    /// The widest ConvNet a channel sweep trains, if fewer channels than the scale's widest
    /// ([`crate::sweeps::within`]).
    pub widest: Option<usize>,
    /// Seeds the weights and the random test inputs.
    pub seed: u64,
    /// Where the tensors live.
    pub device: Device,
    /// The training digit at 28 x 28.
    pub training: Image,
}

impl Setting {
    /// The training digit at `side` pixels.
    pub fn training_at(&self, side: usize) -> Result<Image, identity_core::Error> {
        Ok(if side == self.training.side() {
            self.training.clone()
        } else {
            self.training.resample(side)?
        })
    }

    /// How `arch` is trained in this run: its defaults with the run's seed (at most 30 steps
    /// at test scale).
    pub fn config(&self, arch: &ArchConfig) -> TrainConfig {
        let mut config = TrainConfig {
            seed: self.seed,
            ..TrainConfig::for_arch(arch)
        };
        if self.scale == Scale::Test {
            config.steps = config.steps.min(30);
        }
        config
    }

    /// The labelled architectures of `rows` in this run: at its scale, at most
    /// [`Setting::widest`] channels wide.
    pub fn rows(&self, rows: crate::sweeps::Rows) -> Vec<(String, ArchConfig)> {
        crate::sweeps::within(rows(self.scale), self.widest)
    }

    /// The trained network of `arch` on the 28 x 28 digit.
    pub async fn trained<N: Networks>(
        &self,
        networks: &mut N,
        arch: &ArchConfig,
    ) -> Result<Trained, N::Error> {
        networks.trained(self, &Planned::at_28(arch.clone())).await
    }
}
