//! Single-image training: the network learns to reproduce one image under MSE.
//!
//! [`Trainer`] is step-at-a-time so that its owner (the CLI's loop, the browser's worker) keeps
//! the loop: progress and cancellation come for free. The loss is read back every
//! `loss_every` steps, asynchronously (a read is a GPU round-trip, and a synchronous read
//! panics on WebGPU in the browser).

use std::ops::ControlFlow;

use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::{Deserialize, Serialize};
use web_time::Instant;

use crate::arch::ArchConfig;
use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::momentum_sgd::MomentumSgd;
use crate::nets::{Init, Network};

/// The optimiser. The paper does not say which it used.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase")]
pub enum Optimizer {
    /// Stochastic gradient descent with (PyTorch-style, undampened) momentum.
    Sgd {
        /// Momentum coefficient in [0, 1).
        momentum: f64,
    },
    /// Adam with burn's defaults (beta 0.9 / 0.999, epsilon 1e-5).
    Adam,
}

/// How to train. See [`TrainConfig::for_arch`] for the defaults and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    /// The optimiser.
    pub optimizer: Optimizer,
    /// The learning rate.
    pub learning_rate: f64,
    /// The step budget.
    pub steps: usize,
    /// Stop early once the loss read back is below this.
    pub tolerance: f32,
    /// Read the loss (and check for NaN and the tolerance) every this many steps.
    pub loss_every: usize,
    /// The weight initialisation.
    pub init: Init,
    /// Seeds the device's random generator before the weights are drawn.
    pub seed: u64,
}

/// The largest learning rate a training configuration may ask for.
pub const MAX_LEARNING_RATE: f64 = 10.0;

/// The largest step budget a training configuration may ask for.
pub const MAX_STEPS: usize = 1_000_000;

/// SGD's momentum wherever SGD is chosen, by default or by a reader (PyTorch-style,
/// undampened).
pub const SGD_MOMENTUM: f64 = 0.9;

/// The ConvNets' step budget: SGD needs three to four times Adam's steps for the deep nets
/// (the 20-layer net at 32 channels fits, loss < [`FIT_LOSS`], in 4,000 steps on 3 of 3
/// seeds; in 1,000 on none).
pub const CONV_STEPS: usize = 4000;

/// The ConvNets narrow enough to be trained their own way: the paper's 3-channel nets (Fig. 15,
/// 27-30). With SGD and the default initialisation none of them fits on any of 5 seeds at
/// depths 5 to 10 (a whole layer is dead at initialisation on 2 seeds of 5, the others stall
/// at 1.7e-3 to 3e-3); Adam 1e-3 with Glorot weights and zero biases fits 17 of 20 nets of 5
/// to 8 layers (`crates/identity-core/DEFAULTS.md`, "Narrow ConvNets").
pub const NARROW_CHANNELS: usize = 3;

/// The training-loss goal: MSE below this counts as having fit the training image.
pub const FIT_LOSS: f32 = 1e-3;

/// The parts of a [`TrainConfig`] a person may set (on the command line, on the page); the
/// rest, and whatever is unset, are the architecture's defaults ([`TrainConfig::for_arch`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainOverrides {
    /// The optimiser.
    pub optimizer: Option<Optimizer>,
    /// The learning rate.
    pub learning_rate: Option<f64>,
    /// The step budget.
    pub steps: Option<usize>,
    /// Stop early once the loss read back is below this.
    pub tolerance: Option<f32>,
    /// Read the loss every this many steps.
    pub loss_every: Option<usize>,
    /// The weight initialisation.
    pub init: Option<Init>,
    /// The seed of the weights.
    pub seed: Option<u64>,
}

impl TrainConfig {
    /// `arch`'s defaults with `overrides` applied, checked ([`TrainConfig::validate`]): the one
    /// place where what a person set meets the defaults.
    pub fn for_arch_with(arch: &ArchConfig, overrides: &TrainOverrides) -> Result<Self, Error> {
        let base = Self::for_arch(arch);
        let config = TrainConfig {
            optimizer: overrides.optimizer.unwrap_or(base.optimizer),
            learning_rate: overrides.learning_rate.unwrap_or(base.learning_rate),
            steps: overrides.steps.unwrap_or(base.steps),
            tolerance: overrides.tolerance.unwrap_or(base.tolerance),
            loss_every: overrides.loss_every.unwrap_or(base.loss_every),
            init: overrides.init.unwrap_or(base.init),
            seed: overrides.seed.unwrap_or(base.seed),
        };
        config.validate()?;
        Ok(config)
    }

    /// The defaults for `arch`, chosen so that the paper's architectures fit their training
    /// image (MSE < [`FIT_LOSS`]) within the budget; the evidence, and the exceptions, are in
    /// `crates/identity-core/DEFAULTS.md`.
    ///
    /// - Linear FCNs and the bottom-only ReLU net: SGD with momentum 0.9. Gradient descent is
    ///   what eq. (1) and eq. (2) describe; Adam's per-weight scaling breaks the rank-one
    ///   form of the update.
    /// - ReLU FCNs: Adam, learning rate 1e-4.
    /// - ConvNets: SGD with momentum 0.9, learning rate 0.01, up to [`CONV_STEPS`] steps: the
    ///   paper's "gradient descent". It takes the paper's route to the constant map at 32,
    ///   64 and 128 channels (the 20-layer net keeps the input's shape up to the top layers and
    ///   builds the digit there), where Adam 1e-3 cuts the input off early and, at 32
    ///   channels, does not memorize; along the depth sweep it keeps the shallow nets'
    ///   identity and the middle depths' "neither".
    /// - ConvNets of at most [`NARROW_CHANNELS`] channels: Adam, learning rate 1e-3, Glorot
    ///   uniform weights and zero biases, [`CONV_STEPS`] steps: the only setting measured
    ///   under which the paper's statement that 3-channel nets of 5 to 8 layers converge can
    ///   be tested at all.
    pub fn for_arch(arch: &ArchConfig) -> Self {
        let base = TrainConfig {
            optimizer: Optimizer::Adam,
            learning_rate: 1e-3,
            steps: 1000,
            tolerance: 1e-5,
            loss_every: 10,
            init: Init::Default,
            seed: 0,
        };
        let sgd = Optimizer::Sgd {
            momentum: SGD_MOMENTUM,
        };
        match arch {
            ArchConfig::Linear { hidden } => TrainConfig {
                optimizer: sgd,
                learning_rate: if hidden.is_empty() { 0.5 } else { 0.05 },
                ..base
            },
            ArchConfig::Relu {
                train_bottom_only: true,
                ..
            } => TrainConfig {
                optimizer: sgd,
                learning_rate: 1.0,
                ..base
            },
            ArchConfig::Relu { .. } => TrainConfig {
                learning_rate: 1e-4,
                ..base
            },
            ArchConfig::Conv { channels, .. } if *channels <= NARROW_CHANNELS => TrainConfig {
                steps: CONV_STEPS,
                init: Init::GlorotZeroBias,
                ..base
            },
            ArchConfig::Conv { .. } => TrainConfig {
                optimizer: sgd,
                learning_rate: 0.01,
                steps: CONV_STEPS,
                ..base
            },
        }
    }

    /// Checks the numbers, naming the bad one.
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::Config(crate::arch::ConfigError(m)));
        if !(self.learning_rate.is_finite()
            && self.learning_rate > 0.0
            && self.learning_rate <= MAX_LEARNING_RATE)
        {
            return bad(format!(
                "learning rate must be in (0, {MAX_LEARNING_RATE}], got {}",
                self.learning_rate
            ));
        }
        if let Optimizer::Sgd { momentum } = self.optimizer
            && !(0.0..1.0).contains(&momentum)
        {
            return bad(format!("momentum must be in [0, 1), got {momentum}"));
        }
        if !(1..=MAX_STEPS).contains(&self.steps) {
            return bad(format!(
                "steps must be in 1..={MAX_STEPS}, got {}",
                self.steps
            ));
        }
        if self.loss_every == 0 {
            return bad("loss_every must be at least 1".into());
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            return bad(format!(
                "tolerance must be a number >= 0, got {}",
                self.tolerance
            ));
        }
        Ok(())
    }

    fn optimizer(&self) -> ModuleOptimizer {
        match self.optimizer {
            Optimizer::Sgd { momentum } => ModuleOptimizer::from(MomentumSgd { momentum }),
            Optimizer::Adam => AdamConfig::new().init(),
        }
    }
}

/// Why training stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stop {
    /// The loss fell below the tolerance.
    Converged,
    /// The step budget ran out.
    Budget,
    /// The owner of the loop stopped it.
    Cancelled,
}

/// Where training stands.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Optimiser steps taken.
    pub step: usize,
    /// The step budget.
    pub steps: usize,
    /// The training loss (MSE) at the last read.
    pub loss: f32,
    /// Milliseconds spent training: inside [`Trainer::advance`], so that a pause between
    /// calls (the page's, while its tab is hidden) does not count.
    pub elapsed_ms: f64,
    /// Set once training is over.
    pub stop: Option<Stop>,
}

/// Trains a network on one image, a few steps at a time.
pub struct Trainer {
    network: Network,
    initial: Network,
    optimizer: ModuleOptimizer,
    input: Tensor<4>,
    config: TrainConfig,
    progress: Progress,
}

impl Trainer {
    /// Builds `arch` with weights drawn from `config.seed`, puts it on `device` (a plain
    /// device; gradients are added here) and prepares to fit `image`.
    pub fn new(
        arch: &ArchConfig,
        image: &Image,
        config: TrainConfig,
        device: &Device,
    ) -> Result<Self, Error> {
        config.validate()?;
        let network = initial_network(arch, image.side(), &config, device)?.train();
        let input = image_batch(std::slice::from_ref(image), &device.clone().autodiff())?;
        Ok(Trainer {
            initial: network.valid(),
            network,
            optimizer: config.optimizer(),
            input,
            progress: Progress {
                step: 0,
                steps: config.steps,
                loss: f32::NAN,
                elapsed_ms: 0.0,
                stop: None,
            },
            config,
        })
    }

    /// One optimiser step; returns the loss before the update, unread (lazy).
    fn step(&mut self) -> Tensor<1> {
        let output = self.network.forward(self.input.clone());
        let loss = (output - self.input.clone()).square().mean();
        let grads = GradientsParams::from_grads(loss.backward(), &self.network);
        // `step` consumes the network; the (cheap, shared) initial copy holds its place.
        let network = std::mem::replace(&mut self.network, self.initial.clone());
        self.network = self
            .optimizer
            .step(self.config.learning_rate, network, grads);
        loss
    }

    /// Runs up to `loss_every` steps (fewer at the end of the budget), then reads the loss.
    ///
    /// Returns the progress; `stop` is set when the loss fell below the tolerance or the
    /// budget ran out. A NaN or infinite loss is an error.
    pub async fn advance(&mut self) -> Result<Progress, Error> {
        if self.progress.stop.is_some() {
            return Ok(self.progress);
        }
        let began = Instant::now();
        let n = self
            .config
            .loss_every
            .min(self.config.steps - self.progress.step);
        let loss = on_the_cores(|| {
            let mut loss = None;
            for _ in 0..n {
                loss = Some(self.step());
            }
            loss
        });
        self.progress.step += n;
        if let Some(loss) = loss {
            let value = read_floats(loss.inner()).await?[0];
            if !value.is_finite() {
                return Err(Error::Diverged {
                    step: self.progress.step,
                    loss: value,
                });
            }
            self.progress.loss = value;
        }
        self.progress.elapsed_ms += began.elapsed().as_secs_f64() * 1e3;
        if self.progress.loss < self.config.tolerance {
            self.progress.stop = Some(Stop::Converged);
        } else if self.progress.step >= self.config.steps {
            self.progress.stop = Some(Stop::Budget);
        }
        Ok(self.progress)
    }

    /// Marks training as stopped by its owner.
    pub fn cancel(&mut self) {
        self.progress.stop.get_or_insert(Stop::Cancelled);
    }

    /// Where training stands.
    pub fn progress(&self) -> Progress {
        self.progress
    }

    /// The network as trained so far, for inference (no gradients).
    pub fn network(&self) -> Network {
        self.network.valid()
    }

    /// The network as initialised, before any step.
    pub fn initial(&self) -> &Network {
        &self.initial
    }

    /// The training configuration.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
}

/// The network `config` starts training from: `arch` at `side` with weights drawn from
/// `config.seed` and `config.init`, for inference on `device` (the untrained network a page
/// shows before training is this one).
///
/// The weights are drawn on the CPU and moved to the device, so that a seed gives the same
/// network on every backend (flex, wgpu natively, WebGPU in the browser).
pub fn initial_network(
    arch: &ArchConfig,
    side: usize,
    config: &TrainConfig,
    device: &Device,
) -> Result<Network, Error> {
    let network = crate::drawing::seeded(config.seed, |cpu| {
        Network::init(arch, side, config.init, cpu)
    })?;
    Ok(network.to_device(device))
}

/// A trained network with its starting point and how training went.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The trained network, for inference.
    pub network: Network,
    /// The network at initialisation (`W⁰` of eq. (1)).
    pub initial: Network,
    /// The last progress report.
    pub progress: Progress,
    /// Its name: [`crate::saved::network_id`] of its architecture, training configuration
    /// and training image (what a folder of saved networks files it under).
    pub id: String,
}

/// Runs `work` on a thread of rayon's pool when it has more than one (natively): an
/// operation shared among the cores ([`crate::same_conv`], flex's) then runs one share on
/// this thread and wakes only the other cores, where from a thread outside the pool it would
/// hand every share to the pool and wait to be woken again (the 5-layer 32-channel ConvNet's
/// step 3.2 against 3.7 ms on two threads, medians of six runs).
fn on_the_cores<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    #[cfg(not(target_family = "wasm"))]
    if rayon::current_num_threads() > 1 && rayon::current_thread_index().is_none() {
        return rayon::scope(|_| work());
    }
    work()
}

/// Makes the calling thread one of rayon's threads (natively; from a program's main thread,
/// before any work): training then runs on this thread, and an operation shared among the
/// cores wakes only the others, where `on_the_cores` would hand each run of steps to a
/// thread of the pool and wait to be woken when it ends. Nothing happens when the pool is
/// already built.
pub fn train_on_this_thread() {
    #[cfg(not(target_family = "wasm"))]
    let _ = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global();
}

/// Trains `arch` on `image` to the end of the budget or the tolerance, calling `on_progress`
/// after every loss read; returning `ControlFlow::Break` from it cancels training.
pub async fn train(
    arch: &ArchConfig,
    image: &Image,
    config: TrainConfig,
    device: &Device,
    mut on_progress: impl FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Trained, Error> {
    let id = crate::saved::network_id(arch, &config, image);
    let mut trainer = Trainer::new(arch, image, config, device)?;
    loop {
        let progress = trainer.advance().await?;
        if on_progress(&progress).is_break() {
            trainer.cancel();
        }
        if trainer.progress().stop.is_some() {
            break;
        }
    }
    Ok(Trained {
        network: trainer.network(),
        initial: trainer.initial.clone(),
        progress: trainer.progress(),
        id,
    })
}

/// Stacks images of one side into a batch.
///
/// # Shapes
/// - output: `[images.len(), 1, side, side]`
pub fn image_batch(images: &[Image], device: &Device) -> Result<Tensor<4>, Error> {
    let side = images
        .first()
        .ok_or_else(|| Error::Input("no images given".into()))?
        .side();
    if let Some(bad) = images.iter().find(|im| im.side() != side) {
        return Err(Error::Input(format!(
            "images of one batch must share a side: {side} and {}",
            bad.side()
        )));
    }
    let pixels: Vec<f32> = images
        .iter()
        .flat_map(|im| im.pixels().iter().copied())
        .collect();
    Ok(Tensor::from_data(
        TensorData::new(pixels, [images.len(), 1, side, side]),
        device,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Image, default_training_image};

    #[test]
    fn loss_goes_down_and_training_stops() {
        // Depth-2 ConvNet with 4 channels, default training config, 60 steps: the loss must
        // fall by at least 2x from the first read.
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 2,
            channels: 4,
            kernel: 3,
        };
        let image = default_training_image().unwrap();
        let config = TrainConfig {
            steps: 60,
            learning_rate: 1e-2,
            ..TrainConfig::for_arch(&arch)
        };
        let mut losses = Vec::new();
        let trained = pollster::block_on(train(&arch, &image, config, &device, |p| {
            losses.push(p.loss);
            ControlFlow::Continue(())
        }))
        .unwrap();
        assert_eq!(trained.progress.step, 60);
        assert_eq!(trained.progress.stop, Some(Stop::Budget));
        assert!(
            losses.last().unwrap() * 2.0 < losses[0],
            "losses {losses:?}"
        );
    }

    #[test]
    fn overrides_meet_the_defaults_in_one_place() {
        let arch = ArchConfig::Conv {
            depth: 3,
            channels: 8,
            kernel: 5,
        };
        let none = TrainConfig::for_arch_with(&arch, &TrainOverrides::default()).unwrap();
        assert_eq!(none, TrainConfig::for_arch(&arch));
        let set = TrainOverrides {
            optimizer: Some(Optimizer::Adam),
            steps: Some(7),
            seed: Some(3),
            ..TrainOverrides::default()
        };
        let config = TrainConfig::for_arch_with(&arch, &set).unwrap();
        assert_eq!(
            (config.optimizer, config.steps, config.seed),
            (Optimizer::Adam, 7, 3)
        );
        assert_eq!(
            config.learning_rate,
            TrainConfig::for_arch(&arch).learning_rate
        );
        let bad = TrainOverrides {
            learning_rate: Some(MAX_LEARNING_RATE * 2.0),
            ..TrainOverrides::default()
        };
        assert!(TrainConfig::for_arch_with(&arch, &bad).is_err());
        // A key the configuration does not have is refused, not ignored.
        assert!(serde_json::from_str::<TrainOverrides>(r#"{"lr": 0.1}"#).is_err());
    }

    #[test]
    fn a_narrow_convnet_fits_with_its_defaults() {
        // The 6-layer 3-channel net of seed 1: SGD with the default initialisation stalls at
        // 1.9e-3 after its 4,000 steps; the narrow defaults reach 7.9e-5 (DEFAULTS.md).
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 6,
            channels: NARROW_CHANNELS,
            kernel: 5,
        };
        let config = TrainConfig {
            seed: 1,
            ..TrainConfig::for_arch(&arch)
        };
        assert_eq!(config.init, Init::GlorotZeroBias);
        let image = default_training_image().unwrap();
        let trained = pollster::block_on(train(&arch, &image, config, &device, |_| {
            ControlFlow::Continue(())
        }))
        .unwrap();
        assert!(
            trained.progress.loss <= FIT_LOSS,
            "loss {}",
            trained.progress.loss
        );
    }

    #[test]
    fn cancel_stops_at_the_next_read() {
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 1,
            channels: 1,
            kernel: 3,
        };
        let image = default_training_image().unwrap();
        let config = TrainConfig {
            steps: 1000,
            ..TrainConfig::for_arch(&arch)
        };
        let trained = pollster::block_on(train(&arch, &image, config, &device, |p| {
            if p.step >= 20 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        }))
        .unwrap();
        assert_eq!(trained.progress.stop, Some(Stop::Cancelled));
        assert_eq!(trained.progress.step, 20);
    }

    #[test]
    fn a_huge_learning_rate_is_reported_as_divergence() {
        // f(x) = Wx on an all-white image: SGD at lr 10 multiplies the residual by about
        // -19 a step, so the loss overflows within a few dozen steps.
        let device = Device::flex();
        let arch = ArchConfig::Linear { hidden: vec![] };
        let image = Image::new(28, vec![1.0; 784]).unwrap();
        let config = TrainConfig {
            steps: 200,
            learning_rate: 10.0,
            ..TrainConfig::for_arch(&arch)
        };
        let err = pollster::block_on(train(&arch, &image, config, &device, |_| {
            ControlFlow::Continue(())
        }));
        let message = err.unwrap_err().to_string();
        assert!(message.contains("diverged"), "{message}");
    }

    #[test]
    fn bad_numbers_are_named() {
        let arch = ArchConfig::conv(3);
        let config = TrainConfig {
            learning_rate: -1.0,
            ..TrainConfig::for_arch(&arch)
        };
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("learning rate")
        );
        let config = TrainConfig {
            steps: 0,
            ..TrainConfig::for_arch(&arch)
        };
        assert!(config.validate().unwrap_err().to_string().contains("steps"));
    }
}
