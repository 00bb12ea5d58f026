//! The JavaScript API of a network: one [`Session`] per network, its creation (new, preview,
//! imported) and its calls. Errors, budgets and data crossing to JavaScript are in `errors`,
//! `budget` and `data`.

use std::cell::{Ref, RefCell, RefMut};

use burn::prelude::*;
use identity_core::data::Image;
use identity_core::gallery::test_row;
use identity_core::heatmap::heatmap;
use identity_core::measure::{answers, upper_answers};
use identity_core::rho::Probes;
use identity_core::saved::{self, Precision};
use identity_core::train::initial_network;
use identity_core::{ArchConfig, Network, Progress, TrainConfig, Trainer};
use js_sys::{Float32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::{BackendInfo, Chosen, Lost};
use crate::budget::Reservation;
use crate::create::Request;
use crate::data::{SIDE, answers_to_js, images_from};
use crate::errors::{DIVERGED_ERROR, GPU_LOST_ERROR, js_error, named_error, set, to_js};

/// Where a network stands: training (with its optimiser state), or done with only its weights
/// kept, or broken.
pub(crate) enum Stage {
    /// Being trained: the trainer holds the network, its initial copy and the optimiser.
    Training(Box<Trainer>),
    /// Trained, stopped or never trained (a preview): the weights alone (the optimiser and
    /// the trainer's initial copy are freed).
    Done {
        network: Network,
        progress: Progress,
    },
    /// Training diverged: the weights are not numbers any more, and are gone.
    Diverged(String),
}

/// A session's network and what it was made from.
struct Inner {
    stage: Stage,
    arch: ArchConfig,
    config: TrainConfig,
    training: Image,
    device: Device,
}

/// One network on one device, trained on one image.
#[wasm_bindgen]
pub struct Session {
    inner: RefCell<Inner>,
    backend: BackendInfo,
    /// Set when the GPU the network lives on is lost (`None` on the CPU).
    lost: Option<Lost>,
    reservation: Reservation,
}

/// Training progress as the page sees it: the core's progress and the time per step.
#[derive(Serialize)]
struct Report {
    #[serde(flatten)]
    progress: Progress,
    ms_per_step: f64,
}

/// Asks for a fresh WebGPU device for the next network when the last one was lost or failed
/// to set up (without a reload); returns whether a new one will be tried.
#[wasm_bindgen(js_name = resetGpu)]
pub fn reset_gpu() -> bool {
    crate::backend::reset_gpu()
}

const BUSY: &str = "this network is busy with another call; wait for it to finish";

impl Session {
    pub(crate) fn new(
        request: Request,
        chosen: Chosen,
        stage: Stage,
        reservation: Reservation,
    ) -> Self {
        Session {
            inner: RefCell::new(Inner {
                stage,
                arch: request.arch,
                config: request.config,
                training: request.training,
                device: chosen.device,
            }),
            backend: chosen.info,
            lost: chosen.lost,
            reservation,
        }
    }

    /// A [`GPU_LOST_ERROR`] once the network's GPU is gone: nothing may touch that device.
    fn check_device(&self) -> Result<(), JsValue> {
        match self.lost.as_ref().and_then(Lost::why) {
            Some(why) => Err(named_error(
                GPU_LOST_ERROR,
                format!("the GPU this network lived on was lost ({why}); its weights are gone"),
            )),
            None => Ok(()),
        }
    }

    /// The session's state to read, or a clear error while another call changes it.
    fn state(&self) -> Result<Ref<'_, Inner>, JsValue> {
        self.check_device()?;
        self.inner.try_borrow().map_err(|_| js_error(BUSY))
    }

    /// The session's state to change, or a clear error while another call uses it.
    fn state_mut(&self) -> Result<RefMut<'_, Inner>, JsValue> {
        self.check_device()?;
        self.inner.try_borrow_mut().map_err(|_| js_error(BUSY))
    }

    /// The network as it is now, with what measuring it needs, so that no borrow is held
    /// while its answers are read back (training may go on meanwhile).
    fn snapshot(&self) -> Result<Snapshot, JsValue> {
        let inner = self.state()?;
        let network = match &inner.stage {
            Stage::Training(trainer) => trainer.network(),
            Stage::Done { network, .. } => network.clone(),
            Stage::Diverged(why) => return Err(named_error(DIVERGED_ERROR, why)),
        };
        Ok(Snapshot {
            network,
            training: inner.training.clone(),
            device: inner.device.clone(),
            seed: inner.config.seed,
            fcn: inner.arch.is_fcn(),
        })
    }

    /// An error from the device: a [`GPU_LOST_ERROR`] if the GPU went away meanwhile.
    fn device_error(&self, e: impl std::fmt::Display) -> JsValue {
        self.check_device().err().unwrap_or_else(|| js_error(e))
    }
}

/// See [`Session::snapshot`].
struct Snapshot {
    network: Network,
    training: Image,
    device: Device,
    seed: u64,
    fcn: bool,
}

#[wasm_bindgen]
impl Session {
    /// Which backend runs and why: `{kind, label, reason, max_buffer_bytes}`.
    pub fn backend(&self) -> Result<JsValue, JsValue> {
        to_js(&self.backend)
    }

    /// The resolved configuration: `{arch, train, name, params, memory_bytes}`.
    pub fn config(&self) -> Result<JsValue, JsValue> {
        let inner = self.inner.try_borrow().map_err(|_| js_error(BUSY))?;
        #[derive(Serialize)]
        struct Config<'a> {
            arch: &'a ArchConfig,
            train: &'a TrainConfig,
            name: String,
            params: u64,
            memory_bytes: u64,
        }
        to_js(&Config {
            arch: &inner.arch,
            train: &inner.config,
            name: inner.arch.name(),
            params: inner.arch.param_count(SIDE),
            memory_bytes: inner.arch.memory_estimate(SIDE),
        })
    }

    /// Runs up to `loss_every` optimiser steps and reads the loss:
    /// `{step, steps, loss, elapsed_ms, ms_per_step, stop}` (`stop` is `null` while training
    /// goes on, then `"converged"`, `"budget"` or `"cancelled"`). Once training stops, the
    /// optimiser is freed and only the weights are kept. A NaN or infinite loss is a
    /// [`DIVERGED_ERROR`], and the network is gone.
    // The borrow is taken with `try_borrow_mut`: an overlapping call gets a "busy" error,
    // never a panic.
    #[allow(clippy::await_holding_refcell_ref)]
    pub async fn advance(&self) -> Result<JsValue, JsValue> {
        let mut inner = self.state_mut()?;
        let progress = match &mut inner.stage {
            Stage::Training(trainer) => match trainer.advance().await {
                Ok(progress) => progress,
                Err(identity_core::Error::Diverged { step, loss }) => {
                    let why = format!(
                        "training diverged at step {step}: the loss became {loss} (the learning \
                         rate {} is too large for this network; try a smaller one)",
                        inner.config.learning_rate
                    );
                    inner.stage = Stage::Diverged(why.clone());
                    self.reservation.resize(0);
                    return Err(named_error(DIVERGED_ERROR, why));
                }
                Err(e) => return Err(self.device_error(e)),
            },
            Stage::Done { progress, .. } => *progress,
            Stage::Diverged(why) => return Err(named_error(DIVERGED_ERROR, why)),
        };
        if progress.stop.is_some()
            && let Stage::Training(trainer) = &inner.stage
        {
            let network = trainer.network();
            inner.stage = Stage::Done { network, progress };
            self.reservation.resize(inner.arch.trained_bytes(SIDE));
        }
        to_js(&Report {
            progress,
            ms_per_step: if progress.step > 0 {
                progress.elapsed_ms / progress.step as f64
            } else {
                0.0
            },
        })
    }

    /// Stops training at the next [`Session::advance`]; the network keeps what it learned.
    pub fn cancel(&self) -> Result<(), JsValue> {
        if let Stage::Training(trainer) = &mut self.state_mut()?.stage {
            trainer.cancel();
        }
        Ok(())
    }

    /// The trained network as a file (`identity_core::saved`: burnpack weights in f32 and a
    /// manifest), to download and import again here or to use with `identity-crisis predict
    /// --model`. Refused while training or before any step (an untrained network is its
    /// seed: the link says it all).
    pub async fn export(&self) -> Result<Uint8Array, JsValue> {
        let (network, progress, arch, config, training) = {
            let inner = self.state()?;
            match &inner.stage {
                Stage::Done { network, progress } if progress.step > 0 => (
                    network.clone(),
                    *progress,
                    inner.arch.clone(),
                    inner.config.clone(),
                    inner.training.clone(),
                ),
                Stage::Done { .. } => {
                    return Err(js_error("this network is untrained: train it first"));
                }
                Stage::Training(_) => {
                    return Err(js_error("this network is training: stop it or wait"));
                }
                Stage::Diverged(why) => return Err(named_error(DIVERGED_ERROR, why)),
            }
        };
        let bytes = saved::to_bytes(
            &network,
            progress,
            &arch,
            &config,
            &training,
            self.backend.kind,
            Precision::F32,
        )
        .await
        .map_err(|e| self.device_error(e))?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }

    /// The training image (28 x 28, row-major).
    #[wasm_bindgen(js_name = trainingImage)]
    pub fn training_image(&self) -> Result<Float32Array, JsValue> {
        Ok(Float32Array::from(self.state()?.training.pixels()))
    }

    /// The network's outputs for `pixels` (a whole number of `side` x `side` images) and each
    /// output's correlation to its input (identity) and to the training image (constant):
    /// `{outputs: Float32Array, identity: number[], constant: number[]}`.
    pub async fn predict(&self, pixels: Float32Array, side: usize) -> Result<JsValue, JsValue> {
        let inputs = images_from(&pixels, side)?;
        let now = self.snapshot()?;
        if now.fcn && side != SIDE {
            return Err(js_error(format!(
                "a fully connected net only takes {SIDE} x {SIDE} images, got {side} x {side}"
            )));
        }
        let measured = answers(&now.network, &inputs, &now.training, &now.device)
            .await
            .map_err(|e| self.device_error(e))?;
        answers_to_js(measured)
    }

    /// The answers of the ConvNet's top layers, from layer `first_layer` (counted from 1) to
    /// its output, fed `pixels` directly (repeated across that layer's input channels: Fig.
    /// 12, 23, 24's upper sub-networks), as `predict` gives them.
    #[wasm_bindgen(js_name = predictUpper)]
    pub async fn predict_upper(
        &self,
        pixels: Float32Array,
        side: usize,
        first_layer: usize,
    ) -> Result<JsValue, JsValue> {
        let inputs = images_from(&pixels, side)?;
        let depth = match self.state()?.arch {
            ArchConfig::Conv { depth, .. } => depth,
            _ => return Err(js_error("upper sub-networks are ConvNets' only")),
        };
        if !(1..=depth).contains(&first_layer) {
            return Err(js_error(format!(
                "a sub-network of a {depth}-layer net starts at a layer from 1 to {depth}, got {first_layer}"
            )));
        }
        let now = self.snapshot()?;
        let measured = upper_answers(
            &now.network,
            first_layer - 1,
            &inputs,
            &now.training,
            &now.device,
        )
        .await
        .map_err(|e| self.device_error(e))?;
        answers_to_js(measured)
    }

    /// Every layer of the ConvNet for one `side` x `side` image (the reader's drawing), or,
    /// with `initial`, of the same network as initialised (Fig. 8's random net, rebuilt from
    /// the seed): `identity_figures::layers::Layer[]` as the figure files hold them (three
    /// pictures a layer with their correlations to the input and to the training image;
    /// dead units not counted: `null`).
    pub async fn layers(
        &self,
        pixels: Float32Array,
        side: usize,
        initial: bool,
    ) -> Result<JsValue, JsValue> {
        let inputs = images_from(&pixels, side)?;
        let [input] = inputs.as_slice() else {
            return Err(js_error(format!(
                "the layers are shown for one image, got {}",
                inputs.len()
            )));
        };
        let now = self.snapshot()?;
        if now.fcn {
            return Err(js_error(
                "a fully connected net's layers are not images: only ConvNets' layers are shown",
            ));
        }
        let network = if initial {
            let (arch, config) = {
                let inner = self.state()?;
                (inner.arch.clone(), inner.config.clone())
            };
            initial_network(&arch, side, &config, &now.device).map_err(js_error)?
        } else {
            now.network
        };
        let training = now.training.resample(side).map_err(js_error)?;
        let layers = identity_figures::layers::layers_of(&network, input, &training, &now.device)
            .await
            .map_err(|e| self.device_error(e))?;
        layers
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(js_error)
    }

    /// How far training moved each layer's parameters, bottom layer first: the relative l2
    /// distance between the network as initialised (rebuilt from its seed) and as it is now
    /// (`identity_core::weight_change::LayerChange[]`, as Fig. 16-18's files hold them).
    #[wasm_bindgen(js_name = weightChange)]
    pub async fn weight_change(&self) -> Result<JsValue, JsValue> {
        let now = self.snapshot()?;
        let (arch, config) = {
            let inner = self.state()?;
            (inner.arch.clone(), inner.config.clone())
        };
        let initial = initial_network(&arch, now.training.side(), &config, &now.device)
            .map_err(|e| self.device_error(e))?;
        let changes = identity_core::weight_change::weight_change(&initial, &now.network)
            .await
            .map_err(|e| self.device_error(e))?;
        changes
            .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(js_error)
    }

    /// Mean correlations (and MSEs) over `n_per_rho` rho probes for each rho (Fig. 5, 7), in
    /// the sense `probes` (`"pearson"`: centred; `"cosine"`: uncentred, rho 0 is `x̂ᵀx = 0`):
    /// `{identity: [], constant: [], edges: [], mse_identity: [], mse_constant: []}`.
    pub async fn heatmap(
        &self,
        rhos: Vec<f32>,
        n_per_rho: usize,
        probes: &str,
    ) -> Result<JsValue, JsValue> {
        if let Some(bad) = rhos.iter().find(|r| !(0.0..=1.0).contains(*r)) {
            return Err(js_error(format!("rho must be in [0, 1], got {bad}")));
        }
        let probes: Probes = serde_wasm_bindgen::from_value(JsValue::from_str(probes))
            .map_err(|_| js_error(format!("probes must be pearson or cosine, got {probes:?}")))?;
        let now = self.snapshot()?;
        let row = heatmap(
            &now.network,
            &now.training,
            &rhos,
            n_per_rho,
            probes,
            now.seed,
            &now.device,
        )
        .await
        .map_err(|e| self.device_error(e))?;
        to_js(&row)
    }

    /// The paper's test row (the training digit, a mix of two digits, MNIST and
    /// Fashion-MNIST test images, generated patterns) and the network's answers:
    /// `{names: string[], inputs: Float32Array, outputs: Float32Array, identity: [],
    /// constant: []}`, 28 x 28 images back to back.
    pub async fn gallery(&self, digits: usize, fashion: usize) -> Result<JsValue, JsValue> {
        let now = self.snapshot()?;
        let row = test_row(&now.training, digits, fashion, now.seed).map_err(js_error)?;
        let images: Vec<Image> = row.iter().map(|t| t.image.clone()).collect();
        let measured = answers(&now.network, &images, &now.training, &now.device)
            .await
            .map_err(|e| self.device_error(e))?;
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
