//! The JavaScript API: one [`Session`] per trained network, plus the bundled data.

use std::cell::{Ref, RefCell, RefMut};

use burn::prelude::*;
use identity_core::data::{Image, Subset, default_training_image};
use identity_core::gallery::test_row;
use identity_core::heatmap::heatmap;
use identity_core::measure::answers;
use identity_core::{ArchConfig, Init, Optimizer, TrainConfig, Trainer};
use js_sys::Float32Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::backend::{BackendInfo, Preference, choose};

/// Side of the images the page trains on.
const SIDE: usize = 28;
/// Training memory the CPU path accepts: wasm32 addresses 4 GiB, and browsers give a tab less.
const CPU_MEMORY_BYTES: u64 = 1 << 30;
/// Training memory the WebGPU path accepts: WebGPU does not say how much the GPU has.
const GPU_MEMORY_BYTES: u64 = 2 << 30;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("could not pass a result to JavaScript: {e}")))
}

fn js_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// The parts of [`TrainConfig`] the page may set; the rest are the architecture's defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrainOverrides {
    optimizer: Option<Optimizer>,
    learning_rate: Option<f64>,
    steps: Option<usize>,
    seed: Option<u64>,
    loss_every: Option<usize>,
    init: Option<Init>,
}

fn parse_arch(arch: JsValue) -> Result<ArchConfig, JsError> {
    let arch: ArchConfig = serde_wasm_bindgen::from_value(arch)
        .map_err(|e| JsError::new(&format!("bad architecture: {e}")))?;
    arch.validate(SIDE).map_err(js_error)?;
    Ok(arch)
}

fn train_config(arch: &ArchConfig, overrides: JsValue) -> Result<TrainConfig, JsError> {
    let o: TrainOverrides = if overrides.is_undefined() || overrides.is_null() {
        TrainOverrides::default()
    } else {
        serde_wasm_bindgen::from_value(overrides)
            .map_err(|e| JsError::new(&format!("bad training settings: {e}")))?
    };
    let base = TrainConfig::for_arch(arch);
    let config = TrainConfig {
        optimizer: o.optimizer.unwrap_or(base.optimizer),
        learning_rate: o.learning_rate.unwrap_or(base.learning_rate),
        steps: o.steps.unwrap_or(base.steps),
        seed: o.seed.unwrap_or(base.seed),
        loss_every: o.loss_every.unwrap_or(base.loss_every),
        init: o.init.unwrap_or(base.init),
        ..base
    };
    config.validate().map_err(js_error)?;
    Ok(config)
}

/// Refuses, before anything is allocated, a network too large for the chosen device, and
/// says what would fit.
fn check_fits(arch: &ArchConfig, backend: &BackendInfo) -> Result<(), JsError> {
    let mib = |b: u64| b as f64 / f64::from(1u32 << 20);
    let largest = 4 * arch.largest_weight(SIDE) as u64;
    let memory = arch.memory_estimate(SIDE);
    let (budget, place) = match backend.kind {
        "webgpu" => (GPU_MEMORY_BYTES, "the WebGPU path"),
        _ => (CPU_MEMORY_BYTES, "the CPU path in the browser"),
    };
    if memory > budget {
        return Err(JsError::new(&format!(
            "{} needs about {:.0} MiB to train; {place} takes up to {:.0} MiB: use fewer channels, units or layers",
            arch.name(),
            mib(memory),
            mib(budget)
        )));
    }
    if let Some(max) = backend.max_buffer_bytes
        && largest > max
    {
        return Err(JsError::new(&format!(
            "{} has a {:.0} MiB weight tensor; this GPU's largest buffer is {:.0} MiB: use fewer channels or units",
            arch.name(),
            mib(largest),
            mib(max)
        )));
    }
    Ok(())
}

fn image_from(pixels: &Float32Array, side: usize) -> Result<Image, JsError> {
    if pixels.length() as usize != side * side {
        return Err(JsError::new(&format!(
            "an image of side {side} has {} pixels, got {}",
            side * side,
            pixels.length()
        )));
    }
    Image::new(side, pixels.to_vec()).map_err(js_error)
}

/// Images of one side from a flat array: `pixels.length / side²` of them.
fn images_from(pixels: &Float32Array, side: usize) -> Result<Vec<Image>, JsError> {
    let all = pixels.to_vec();
    if side == 0 || all.is_empty() || !all.len().is_multiple_of(side * side) {
        return Err(JsError::new(&format!(
            "expected a whole number of {side} x {side} images, got {} pixels",
            all.len()
        )));
    }
    all.chunks(side * side)
        .map(|c| Image::new(side, c.to_vec()).map_err(js_error))
        .collect()
}

struct Inner {
    trainer: Trainer,
    arch: ArchConfig,
    training: Image,
    device: Device,
}

/// One network on one device, trained on one image.
#[wasm_bindgen]
pub struct Session {
    inner: RefCell<Inner>,
    backend: BackendInfo,
}

/// Training progress as the page sees it: the core's progress and the time per step.
#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    progress: identity_core::Progress,
    ms_per_step: f64,
}

/// Answers to a batch of inputs.
#[derive(Serialize)]
struct Answers {
    identity: Vec<f32>,
    constant: Vec<f32>,
}

/// Creates a session: picks the device for `backend` (`"auto"`, `"webgpu"` or `"cpu"`),
/// checks that `arch` fits it and builds the network with weights drawn from the seed.
///
/// `arch` is an `ArchConfig` object (`{arch: "conv", depth: 3, channels: 32, kernel: 5}`);
/// `train` overrides the architecture's training defaults (`optimizer`, `learning_rate`,
/// `steps`, `seed`, `loss_every`, `init`); `image` is the 28 x 28 training image (values in
/// [0, 1]) or `undefined` for the paper's default "7".
#[wasm_bindgen(js_name = createSession)]
pub async fn create_session(
    arch: JsValue,
    train: JsValue,
    backend: String,
    image: Option<Float32Array>,
) -> Result<Session, JsError> {
    let preference: Preference = serde_wasm_bindgen::from_value(JsValue::from_str(&backend))
        .map_err(|_| {
            JsError::new(&format!(
                "backend must be auto, webgpu or cpu, got {backend:?}"
            ))
        })?;
    let arch = parse_arch(arch)?;
    let config = train_config(&arch, train)?;
    let training = match image {
        Some(pixels) => image_from(&pixels, SIDE)?,
        None => default_training_image().map_err(js_error)?,
    };
    let (device, backend) = choose(preference).await;
    check_fits(&arch, &backend)?;
    let trainer = Trainer::new(&arch, &training, config, &device).map_err(js_error)?;
    Ok(Session {
        inner: RefCell::new(Inner {
            trainer,
            arch,
            training,
            device,
        }),
        backend,
    })
}

const BUSY: &str = "this network is busy with another call; wait for it to finish";

impl Session {
    /// The session's state to read, or a clear error while another call changes it.
    fn state(&self) -> Result<Ref<'_, Inner>, JsError> {
        self.inner.try_borrow().map_err(|_| JsError::new(BUSY))
    }

    /// The session's state to change, or a clear error while another call uses it.
    fn state_mut(&self) -> Result<RefMut<'_, Inner>, JsError> {
        self.inner.try_borrow_mut().map_err(|_| JsError::new(BUSY))
    }

    /// The trained network as it is now, with what measuring it needs, so that no borrow
    /// is held while its answers are read back (training may go on meanwhile).
    fn snapshot(&self) -> Result<Snapshot, JsError> {
        let inner = self.state()?;
        Ok(Snapshot {
            network: inner.trainer.network(),
            training: inner.training.clone(),
            device: inner.device.clone(),
            seed: inner.trainer.config().seed,
            fcn: inner.arch.is_fcn(),
        })
    }
}

/// See [`Session::snapshot`].
struct Snapshot {
    network: identity_core::Network,
    training: Image,
    device: Device,
    seed: u64,
    fcn: bool,
}

#[wasm_bindgen]
impl Session {
    /// Which backend runs and why: `{kind, label, reason, max_buffer_bytes}`.
    pub fn backend(&self) -> Result<JsValue, JsError> {
        to_js(&self.backend)
    }

    /// The resolved configuration: `{arch, train, params, memory_bytes}`.
    pub fn config(&self) -> Result<JsValue, JsError> {
        let inner = self.state()?;
        #[derive(Serialize)]
        struct Config<'a> {
            arch: &'a ArchConfig,
            train: &'a TrainConfig,
            name: String,
            params: usize,
            memory_bytes: u64,
        }
        to_js(&Config {
            arch: &inner.arch,
            train: inner.trainer.config(),
            name: inner.arch.name(),
            params: inner.arch.param_count(SIDE),
            memory_bytes: inner.arch.memory_estimate(SIDE),
        })
    }

    /// Runs up to `loss_every` optimiser steps and reads the loss:
    /// `{step, steps, loss, elapsed_ms, ms_per_step, stop}` (`stop` is `null` while training
    /// goes on, then `"converged"`, `"budget"` or `"cancelled"`).
    // The borrow is taken with `try_borrow_mut`: an overlapping call gets a "busy" error,
    // never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub async fn advance(&self) -> Result<JsValue, JsError> {
        let mut inner = self.state_mut()?;
        let p = inner.trainer.advance().await.map_err(js_error)?;
        to_js(&Report {
            progress: p,
            ms_per_step: if p.step > 0 {
                p.elapsed_ms / p.step as f64
            } else {
                0.0
            },
        })
    }

    /// Stops training; the network keeps what it learned.
    pub fn cancel(&self) -> Result<(), JsError> {
        self.state_mut()?.trainer.cancel();
        Ok(())
    }

    /// The training image (28 x 28, row-major).
    #[wasm_bindgen(js_name = trainingImage)]
    pub fn training_image(&self) -> Result<Float32Array, JsError> {
        Ok(Float32Array::from(self.state()?.training.pixels()))
    }

    /// The network's outputs for `pixels` (a whole number of `side` x `side` images) and each
    /// output's correlation to its input (identity) and to the training image (constant):
    /// `{outputs: Float32Array, identity: number[], constant: number[]}`.
    pub async fn predict(&self, pixels: Float32Array, side: usize) -> Result<JsValue, JsError> {
        let inputs = images_from(&pixels, side)?;
        let now = self.snapshot()?;
        if now.fcn && side != SIDE {
            return Err(JsError::new(&format!(
                "a fully connected net only takes {SIDE} x {SIDE} images, got {side} x {side}"
            )));
        }
        let measured = answers(&now.network, &inputs, &now.training, &now.device)
            .await
            .map_err(js_error)?;
        answers_to_js(measured)
    }

    /// Mean correlations (and MSEs) over `n_per_rho` rho probes for each rho (Fig. 5, 7):
    /// `{identity: [], constant: [], mse_identity: [], mse_constant: []}`.
    pub async fn heatmap(&self, rhos: Vec<f32>, n_per_rho: usize) -> Result<JsValue, JsError> {
        if let Some(bad) = rhos.iter().find(|r| !(0.0..=1.0).contains(*r)) {
            return Err(JsError::new(&format!("rho must be in [0, 1], got {bad}")));
        }
        let now = self.snapshot()?;
        let row = heatmap(
            &now.network,
            &now.training,
            &rhos,
            n_per_rho,
            now.seed,
            &now.device,
        )
        .await
        .map_err(js_error)?;
        to_js(&row)
    }

    /// The paper's test row (the training digit, a mix of two digits, MNIST and
    /// Fashion-MNIST test images, generated patterns) and the network's answers:
    /// `{names: string[], inputs: Float32Array, outputs: Float32Array, identity: [],
    /// constant: []}`, 28 x 28 images back to back.
    pub async fn gallery(&self, digits: usize, fashion: usize) -> Result<JsValue, JsError> {
        let now = self.snapshot()?;
        let row = test_row(&now.training, digits, fashion, now.seed).map_err(js_error)?;
        let images: Vec<Image> = row.iter().map(|t| t.image.clone()).collect();
        let measured = answers(&now.network, &images, &now.training, &now.device)
            .await
            .map_err(js_error)?;
        let result = answers_to_js(measured)?;
        let names: Vec<String> = row.into_iter().map(|t| t.name).collect();
        let inputs: Vec<f32> = images
            .iter()
            .flat_map(|im| im.pixels().iter().copied())
            .collect();
        set(&result, "names", &to_js(&names)?)?;
        set(&result, "inputs", &Float32Array::from(inputs.as_slice()))?;
        Ok(result)
    }
}

fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsError> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| JsError::new("could not build the result object"))
}

fn answers_to_js(measured: Vec<identity_core::measure::Answer>) -> Result<JsValue, JsError> {
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
pub fn bundled_digits(count: usize) -> Result<JsValue, JsError> {
    let mnist = Subset::MnistTest.load().map_err(js_error)?;
    let count = count.min(mnist.len());
    let mut pixels = Vec::with_capacity(count * SIDE * SIDE);
    for i in 0..count {
        pixels.extend_from_slice(mnist.image(i).map_err(js_error)?.pixels());
    }
    let result = to_js(&Labels {
        labels: mnist.labels()[..count].to_vec(),
    })?;
    set(&result, "pixels", &Float32Array::from(pixels.as_slice()))?;
    Ok(result)
}

/// The labels of [`bundled_digits`].
#[derive(Serialize)]
struct Labels {
    labels: Vec<u8>,
}

/// The paper's default training image: a training-set "7" chosen by a fixed seed.
#[wasm_bindgen(js_name = defaultTrainingImage)]
pub fn default_training() -> Result<Float32Array, JsError> {
    let image = default_training_image().map_err(js_error)?;
    Ok(Float32Array::from(image.pixels()))
}

/// Checks `arch` without building it: `{name, params, memory_bytes, train}` with the
/// training defaults, or an error naming the bad value.
#[wasm_bindgen]
pub fn describe(arch: JsValue) -> Result<JsValue, JsError> {
    let arch = parse_arch(arch)?;
    #[derive(Serialize)]
    struct Description {
        name: String,
        params: usize,
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
