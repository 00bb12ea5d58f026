//! Progress bars on stderr, and training driven with one.

use std::ops::ControlFlow;

use burn::prelude::*;
use identity_core::data::Image;
use identity_core::train::MAX_STEPS;
use identity_core::{ArchConfig, Progress, TrainConfig, Trained, Trainer};
use indicatif::{ProgressBar, ProgressStyle};
use web_time::Instant;

use crate::common::CliError;

/// A bar of `len` steps on stderr, hidden when stderr is not a terminal.
pub fn bar(len: u64, prefix: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed} < {eta})")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_prefix(prefix.to_string());
    bar
}

/// Trains `arch` with a progress bar that shows the loss.
pub fn train_with_bar(
    arch: &ArchConfig,
    image: &Image,
    config: TrainConfig,
    device: &Device,
) -> Result<Trained, CliError> {
    let bar = bar(config.steps as u64, &arch.name());
    let trained = train_reporting(arch, image, config, device, |p| {
        bar.set_position(p.step as u64);
        bar.set_message(format!("loss {:.2e}", p.loss));
    });
    bar.finish_and_clear();
    trained
}

/// Trains `arch` to the end, calling `report` after every loss read.
pub fn train_reporting(
    arch: &ArchConfig,
    image: &Image,
    config: TrainConfig,
    device: &Device,
    mut report: impl FnMut(&Progress),
) -> Result<Trained, CliError> {
    let trained = pollster::block_on(identity_core::train(arch, image, config, device, |p| {
        report(p);
        ControlFlow::Continue(())
    }));
    Ok(trained?)
}

/// How a benchmark times training steps: `warmup` steps first (the first step allocates),
/// then at least `steps` steps and, when they take less, more until `min_ms` milliseconds
/// have passed; the loss is read every `warmup` steps, as in training, so the steps timed
/// come in whole groups of `warmup`.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Untimed steps first, and the steps between two reads of the loss.
    pub warmup: usize,
    /// The fewest steps timed.
    pub steps: usize,
    /// The fewest milliseconds timed.
    pub min_ms: u64,
}

/// Milliseconds per training step of `arch` on `image` with `config`'s optimiser, and the
/// steps timed, as `timing` says.
pub fn ms_per_step(
    arch: &ArchConfig,
    image: &Image,
    config: TrainConfig,
    timing: Timing,
    device: &Device,
) -> Result<(f64, usize), CliError> {
    let config = TrainConfig {
        steps: MAX_STEPS,
        loss_every: timing.warmup,
        tolerance: 0.0,
        ..config
    };
    let mut trainer = Trainer::new(arch, image, config, device)?;
    let warm = pollster::block_on(trainer.advance())?.step;
    let started = Instant::now();
    loop {
        let progress = pollster::block_on(trainer.advance())?;
        let (timed, elapsed) = (progress.step - warm, started.elapsed());
        if progress.stop.is_some()
            || (timed >= timing.steps && elapsed.as_millis() >= u128::from(timing.min_ms))
        {
            return Ok((elapsed.as_secs_f64() * 1e3 / timed as f64, timed));
        }
    }
}
