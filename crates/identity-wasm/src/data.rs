//! The data that crosses between the page and the networks: images from flat pixel arrays,
//! architectures and training settings from JavaScript objects, answers back, and the bundled
//! digits.

use identity_core::data::{Image, Subset, default_training_image};
use identity_core::{ArchConfig, TrainConfig, TrainOverrides};
use js_sys::Float32Array;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors::{set, to_js};

/// Side of the images the page trains on: MNIST's.
pub(crate) const SIDE: usize = identity_core::data::MNIST_SIDE;

/// An architecture from the page, checked for this page's images.
pub(crate) fn parse_arch(arch: JsValue) -> Result<ArchConfig, JsError> {
    let arch: ArchConfig = serde_wasm_bindgen::from_value(arch)
        .map_err(|e| JsError::new(&format!("bad architecture: {e}")))?;
    arch.validate(SIDE)?;
    Ok(arch)
}

/// The training settings of `arch`: its defaults with the page's overrides (none when
/// `overrides` is undefined or null).
pub(crate) fn train_config(arch: &ArchConfig, overrides: JsValue) -> Result<TrainConfig, JsError> {
    let overrides: TrainOverrides = if overrides.is_undefined() || overrides.is_null() {
        TrainOverrides::default()
    } else {
        serde_wasm_bindgen::from_value(overrides)
            .map_err(|e| JsError::new(&format!("bad training settings: {e}")))?
    };
    Ok(TrainConfig::for_arch_with(arch, &overrides)?)
}

/// Answers to a batch of inputs; an undefined correlation (a flat image: an empty pad) is
/// `null`.
#[derive(Serialize)]
pub(crate) struct Answers {
    identity: Vec<Option<f32>>,
    constant: Vec<Option<f32>>,
}

/// One image of side `side` from a flat array of its pixels.
pub(crate) fn image_from(pixels: &Float32Array, side: usize) -> Result<Image, JsError> {
    if pixels.length() as usize != side * side {
        return Err(JsError::new(&format!(
            "an image of side {side} has {} pixels, got {}",
            side * side,
            pixels.length()
        )));
    }
    Ok(Image::new(side, pixels.to_vec())?)
}

/// Images of one side from a flat array: `pixels.length / side²` of them.
pub(crate) fn images_from(pixels: &Float32Array, side: usize) -> Result<Vec<Image>, JsError> {
    let all = pixels.to_vec();
    let per_image = side.saturating_mul(side);
    if side == 0 || all.is_empty() || !all.len().is_multiple_of(per_image) {
        return Err(JsError::new(&format!(
            "expected a whole number of {side} x {side} images, got {} pixels",
            all.len()
        )));
    }
    Ok(all
        .chunks(per_image)
        .map(|c| Image::new(side, c.to_vec()))
        .collect::<Result<_, _>>()?)
}

pub(crate) fn answers_to_js(
    measured: Vec<identity_core::measure::Answer>,
) -> Result<JsValue, JsValue> {
    let result = to_js(&Answers {
        identity: measured.iter().map(|a| a.identity).collect(),
        constant: measured.iter().map(|a| a.constant).collect(),
    })?;
    let outputs: Vec<f32> = measured
        .iter()
        .filter_map(|a| a.output.as_ref())
        .flat_map(|im| im.pixels().iter().copied())
        .collect();
    set(&result, "outputs", &Float32Array::from(outputs.as_slice()))?;
    Ok(result)
}

/// The first `count` bundled MNIST test digits: `{pixels: Float32Array, labels: number[]}`
/// (28 x 28 each), for the training-image picker.
#[wasm_bindgen(js_name = bundledDigits)]
pub fn bundled_digits(count: usize) -> Result<JsValue, JsValue> {
    let (pixels, labels) = first_digits(count)?;
    let result = to_js(&Labels { labels })?;
    set(&result, "pixels", &Float32Array::from(pixels.as_slice()))?;
    Ok(result)
}

/// The pixels of the first `count` bundled MNIST test digits (at most all of them), one after
/// another, and their labels.
fn first_digits(count: usize) -> Result<(Vec<f32>, Vec<u8>), JsError> {
    let mnist = Subset::MnistTest.load()?;
    let count = count.min(mnist.len());
    let mut pixels = Vec::with_capacity(count * SIDE * SIDE);
    for i in 0..count {
        pixels.extend_from_slice(mnist.image(i)?.pixels());
    }
    Ok((pixels, mnist.labels()[..count].to_vec()))
}

/// The labels of [`bundled_digits`].
#[derive(Serialize)]
struct Labels {
    labels: Vec<u8>,
}

/// The paper's default training image: a training-set "7" chosen by a fixed seed.
#[wasm_bindgen(js_name = defaultTrainingImage)]
pub fn default_training() -> Result<Float32Array, JsError> {
    let image = default_training_image()?;
    Ok(Float32Array::from(image.pixels()))
}

/// Checks `arch` without building it: `{name, params, memory_bytes, train}` with the
/// training defaults, or an error naming the bad value.
#[wasm_bindgen]
pub fn describe(arch: JsValue) -> Result<JsValue, JsValue> {
    let arch = parse_arch(arch)?;
    #[derive(Serialize)]
    struct Description {
        name: String,
        params: u64,
        memory_bytes: u64,
        train: TrainConfig,
    }
    to_js(&Description {
        name: arch.name(),
        params: arch.param_count(SIDE),
        memory_bytes: arch.memory_estimate(SIDE),
        train: TrainConfig::for_arch(&arch),
    })
}
