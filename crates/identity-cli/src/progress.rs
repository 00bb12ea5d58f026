//! Progress bars on stderr, and training driven with one.

use std::ops::ControlFlow;

use burn::prelude::*;
use identity_core::data::Image;
use identity_core::{ArchConfig, TrainConfig, Trained};
use indicatif::{ProgressBar, ProgressStyle};

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
    let trained = pollster::block_on(identity_core::train(arch, image, config, device, |p| {
        bar.set_position(p.step as u64);
        bar.set_message(format!("loss {:.2e}", p.loss));
        ControlFlow::Continue(())
    }));
    bar.finish_and_clear();
    Ok(trained?)
}
