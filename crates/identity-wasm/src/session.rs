//! The JavaScript API: one [`Session`] per network, plus the bundled data.
//!
//! Errors cross to JavaScript as `Error` objects with a human message. Three kinds carry a
//! name the page acts on (`www/js/protocol.js`, `ERROR_NAMES`, lists the same three): a
//! network that does not fit beside the ones alive ([`MEMORY_ERROR`]), a network whose GPU
//! was lost ([`GPU_LOST_ERROR`]) and training that diverged ([`DIVERGED_ERROR`]).

use std::cell::{Ref, RefCell, RefMut};

use burn::prelude::*;
use identity_core::data::{Image, Subset, default_training_image};
use identity_core::gallery::test_row;
use identity_core::heatmap::heatmap;
use identity_core::measure::{answers, upper_answers};
use identity_core::memory::{Admitted, MemoryBudget};
use identity_core::rho::Probes;
use identity_core::saved::{self, Precision};
use identity_core::train::{TrainOverrides, initial_network};
use identity_core::{ArchConfig, Network, Progress, TrainConfig, Trainer};
use js_sys::{Float32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::{BackendInfo, Chosen, Lost, Preference, choose};

/// Side of the images the page trains on.
const SIDE: usize = 28;
/// Memory the networks alive on the CPU path may take together: wasm32 addresses 4 GiB, the
/// heap never shrinks, and browsers give a tab less.
const CPU_MEMORY_BYTES: u64 = 1 << 30;
/// Memory the networks alive on the WebGPU path may take together: WebGPU does not say how
/// much the GPU has.
const GPU_MEMORY_BYTES: u64 = 2 << 30;

/// The error name of a network refused because the networks alive leave no room for it.
pub const MEMORY_ERROR: &str = "MemoryBudgetError";
/// The error name of a call on a network whose GPU device was lost.
pub const GPU_LOST_ERROR: &str = "GpuLostError";
/// The error name of training whose loss became NaN or infinite.
pub const DIVERGED_ERROR: &str = "DivergedError";

thread_local! {
    /// What the networks alive take, on the CPU (the wasm heap) and on the GPU.
    static BUDGETS: RefCell<[MemoryBudget; 2]> = const {
        RefCell::new([
            MemoryBudget::new("the CPU path in the browser", CPU_MEMORY_BYTES),
            MemoryBudget::new("the WebGPU path", GPU_MEMORY_BYTES),
        ])
    };
}

unsafe extern "C" {
    /// The static constructors of the module (`inventory` registrations in burn's
    /// dependencies), synthesised by the linker.
    fn __wasm_call_ctors();
}

/// Runs once, when the module is instantiated.
///
/// It calls the static constructors itself: a module that never calls `__wasm_call_ctors` is
/// taken by the linker for a "command" run once, and every export then runs every constructor
/// first. Measured in Chromium: a call that does nothing took 0.29 ms, and one that returns a
/// small object 4.5 ms, most of it constructors; every externref the bindings allocate paid
/// it too.
#[wasm_bindgen(start)]
fn start() {
    // SAFETY: the linker's constructor function, called once before any other export runs
    // (wasm-bindgen calls the start function right after instantiation).
    unsafe { __wasm_call_ctors() };
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_error(format!("could not pass a result to JavaScript: {e}")))
}

/// A JavaScript `Error` with `message`.
fn js_error(message: impl std::fmt::Display) -> JsValue {
    js_sys::Error::new(&message.to_string()).into()
}

/// A JavaScript `Error` with `message` and the `name` the page tells it apart by.
fn named_error(name: &str, message: impl std::fmt::Display) -> JsValue {
    let error = js_sys::Error::new(&message.to_string());
    error.set_name(name);
    error.into()
}

fn parse_arch(arch: JsValue) -> Result<ArchConfig, JsValue> {
    let arch: ArchConfig = serde_wasm_bindgen::from_value(arch)
        .map_err(|e| js_error(format!("bad architecture: {e}")))?;
    arch.validate(SIDE).map_err(js_error)?;
    Ok(arch)
}

fn train_config(arch: &ArchConfig, overrides: JsValue) -> Result<TrainConfig, JsValue> {
    let overrides: TrainOverrides = if overrides.is_undefined() || overrides.is_null() {
        TrainOverrides::default()
    } else {
        serde_wasm_bindgen::from_value(overrides)
            .map_err(|e| js_error(format!("bad training settings: {e}")))?
    };
    TrainConfig::for_arch_with(arch, &overrides).map_err(js_error)
}

/// Which of [`BUDGETS`] a backend uses.
fn place(backend: &BackendInfo) -> usize {
    usize::from(backend.kind == "webgpu")
}

/// A network's entry in the memory budget of its place, given back when the network is freed.
struct Reservation {
    place: usize,
    ticket: Admitted,
}

impl Reservation {
    /// Admits `arch` needing `bytes` on `backend` beside the networks alive, or refuses it
    /// (a [`MEMORY_ERROR`] naming them) before anything is allocated; also refuses a weight
    /// tensor larger than the GPU's largest buffer.
    fn admit(arch: &ArchConfig, bytes: u64, backend: &BackendInfo) -> Result<Self, JsValue> {
        let mib = |b: u64| b as f64 / f64::from(1u32 << 20);
        let largest = arch.largest_weight(SIDE).saturating_mul(4);
        if let Some(max) = backend.max_buffer_bytes
            && largest > max
        {
            return Err(js_error(format!(
                "{} has a {:.0} MiB weight tensor; this GPU's largest buffer is {:.0} MiB: use fewer channels or units",
                arch.name(),
                mib(largest),
                mib(max)
            )));
        }
        let place = place(backend);
        let ticket = BUDGETS
            .with(|b| b.borrow_mut()[place].admit(&arch.name(), bytes))
            .map_err(|e| named_error(MEMORY_ERROR, e))?;
        Ok(Reservation { place, ticket })
    }

    /// Records a new estimate (smaller once training is over).
    fn resize(&self, bytes: u64) {
        BUDGETS.with(|b| b.borrow_mut()[self.place].resize(self.ticket, bytes));
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        BUDGETS.with(|b| b.borrow_mut()[self.place].release(self.ticket));
    }
}

/// Where a network stands: training (with its optimiser state), or done with only its weights
/// kept, or broken.
enum Stage {
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

/// Answers to a batch of inputs; an undefined correlation (a flat image: an empty pad) is
/// `null`.
#[derive(Serialize)]
struct Answers {
    identity: Vec<Option<f32>>,
    constant: Vec<Option<f32>>,
}

/// What a new session needs, checked before a device is chosen.
struct Request {
    arch: ArchConfig,
    config: TrainConfig,
    training: Image,
    preference: Preference,
}

impl Request {
    fn parse(
        arch: JsValue,
        train: JsValue,
        backend: &str,
        image: Option<Float32Array>,
    ) -> Result<Self, JsValue> {
        let preference = parse_preference(backend)?;
        let arch = parse_arch(arch)?;
        let config = train_config(&arch, train)?;
        let training = match image {
            Some(pixels) => image_from(&pixels, SIDE)?,
            None => default_training_image().map_err(js_error)?,
        };
        Ok(Request {
            arch,
            config,
            training,
            preference,
        })
    }
}

/// The backend asked for: `"auto"`, `"webgpu"` or `"cpu"`.
fn parse_preference(backend: &str) -> Result<Preference, JsValue> {
    serde_wasm_bindgen::from_value(JsValue::from_str(backend)).map_err(|_| {
        js_error(format!(
            "backend must be auto, webgpu or cpu, got {backend:?}"
        ))
    })
}

/// Creates a session ready to train: picks the device for `backend` (`"auto"`, `"webgpu"` or
/// `"cpu"`), admits the network into the memory budget beside the networks alive (else a
/// [`MEMORY_ERROR`] naming them) and builds it with weights drawn from the seed.
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
) -> Result<Session, JsValue> {
    build_session(arch, train, &backend, image, Purpose::Training).await
}

/// Creates the untrained network that [`create_session`] would start training from, without
/// an optimiser or an initial copy (a fifth of the memory): what the pad answers before
/// training.
/// Takes the arguments of [`create_session`].
#[wasm_bindgen(js_name = createPreview)]
pub async fn create_preview(
    arch: JsValue,
    train: JsValue,
    backend: String,
    image: Option<Float32Array>,
) -> Result<Session, JsValue> {
    build_session(arch, train, &backend, image, Purpose::Preview).await
}

/// The largest network file the page imports (the page's own networks are far smaller: a
/// 20-layer ConvNet of 128 channels is 30 MB in f32).
pub const MAX_IMPORT_BYTES: usize = 256 << 20;

/// [`MAX_IMPORT_BYTES`], for the page to refuse a larger file before reading it.
#[wasm_bindgen(js_name = maxImportBytes)]
pub fn max_import_bytes() -> usize {
    MAX_IMPORT_BYTES
}

/// A session holding the network saved in `bytes` (a file of `identity-crisis train --save`
/// or of the page's export), trained and ready to answer, on the device for `backend`. A file
/// that does not fit (not a network file, truncated, another format version, weights of
/// another shape, damaged, not finite, not trained on 28 x 28 images, too large for the
/// memory left) is refused with a message that says which; nothing else changes.
#[wasm_bindgen(js_name = importNetwork)]
pub async fn import_network(bytes: Uint8Array, backend: String) -> Result<Session, JsValue> {
    let preference = parse_preference(&backend)?;
    if bytes.length() as usize > MAX_IMPORT_BYTES {
        return Err(js_error(format!(
            "a network file is at most {} MB here, this one is {} MB",
            MAX_IMPORT_BYTES >> 20,
            bytes.length() >> 20
        )));
    }
    let bytes = bytes.to_vec();
    let manifest = saved::manifest_of(&bytes).map_err(js_error)?;
    if manifest.side != SIDE {
        return Err(js_error(format!(
            "this network was trained on {0} x {0} images; the page uses {SIDE} x {SIDE}",
            manifest.side
        )));
    }
    let chosen = choose(preference).await;
    let reservation = Reservation::admit(
        &manifest.arch,
        manifest.arch.trained_bytes(SIDE),
        &chosen.info,
    )?;
    let loaded = saved::load(&bytes, manifest, &chosen.device)
        .await
        .map_err(js_error)?;
    let request = Request {
        training: loaded.manifest.training_image().map_err(js_error)?,
        arch: loaded.manifest.arch,
        config: loaded.manifest.config,
        preference,
    };
    let stage = Stage::Done {
        network: loaded.trained.network,
        progress: loaded.trained.progress,
    };
    Ok(Session::new(request, chosen, stage, reservation))
}

/// What a new session is for.
enum Purpose {
    /// Training: the network with its optimiser.
    Training,
    /// Answering before training: the initial network alone.
    Preview,
}

async fn build_session(
    arch: JsValue,
    train: JsValue,
    backend: &str,
    image: Option<Float32Array>,
    purpose: Purpose,
) -> Result<Session, JsValue> {
    let request = Request::parse(arch, train, backend, image)?;
    let chosen = choose(request.preference).await;
    let bytes = match purpose {
        Purpose::Training => request.arch.memory_estimate(SIDE),
        Purpose::Preview => request.arch.trained_bytes(SIDE),
    };
    let reservation = Reservation::admit(&request.arch, bytes, &chosen.info)?;
    let stage = match purpose {
        Purpose::Training => Stage::Training(Box::new(
            Trainer::new(
                &request.arch,
                &request.training,
                request.config.clone(),
                &chosen.device,
            )
            .map_err(js_error)?,
        )),
        Purpose::Preview => Stage::Done {
            network: initial_network(&request.arch, SIDE, &request.config, &chosen.device)
                .map_err(js_error)?,
            // Never trained: stopped before the first step, so that `advance` ends at once.
            progress: Progress {
                step: 0,
                steps: request.config.steps,
                loss: f32::NAN,
                elapsed_ms: 0.0,
                stop: Some(identity_core::Stop::Cancelled),
            },
        },
    };
    Ok(Session::new(request, chosen, stage, reservation))
}

/// Asks for a fresh WebGPU device for the next network when the last one was lost or failed
/// to set up (without a reload); returns whether a new one will be tried.
#[wasm_bindgen(js_name = resetGpu)]
pub fn reset_gpu() -> bool {
    crate::backend::reset_gpu()
}

/// Bytes the networks alive take by the budget's estimates, and the budgets:
/// `{cpu_bytes, cpu_limit, gpu_bytes, gpu_limit}`.
#[wasm_bindgen(js_name = memoryInUse)]
pub fn memory_in_use() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    struct InUse {
        cpu_bytes: u64,
        cpu_limit: u64,
        gpu_bytes: u64,
        gpu_limit: u64,
    }
    let in_use = BUDGETS.with(|b| {
        let b = b.borrow();
        InUse {
            cpu_bytes: b[0].in_use(),
            cpu_limit: b[0].limit(),
            gpu_bytes: b[1].in_use(),
            gpu_limit: b[1].limit(),
        }
    });
    to_js(&in_use)
}

const BUSY: &str = "this network is busy with another call; wait for it to finish";

impl Session {
    fn new(request: Request, chosen: Chosen, stage: Stage, reservation: Reservation) -> Self {
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

fn image_from(pixels: &Float32Array, side: usize) -> Result<Image, JsValue> {
    if pixels.length() as usize != side * side {
        return Err(js_error(format!(
            "an image of side {side} has {} pixels, got {}",
            side * side,
            pixels.length()
        )));
    }
    Image::new(side, pixels.to_vec()).map_err(js_error)
}

/// Images of one side from a flat array: `pixels.length / side²` of them.
fn images_from(pixels: &Float32Array, side: usize) -> Result<Vec<Image>, JsValue> {
    let all = pixels.to_vec();
    let per_image = side.saturating_mul(side);
    if side == 0 || all.is_empty() || !all.len().is_multiple_of(per_image) {
        return Err(js_error(format!(
            "expected a whole number of {side} x {side} images, got {} pixels",
            all.len()
        )));
    }
    all.chunks(per_image)
        .map(|c| Image::new(side, c.to_vec()).map_err(js_error))
        .collect()
}

fn set(object: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| js_error("could not build the result object"))
}

fn answers_to_js(measured: Vec<identity_core::measure::Answer>) -> Result<JsValue, JsValue> {
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
pub fn default_training() -> Result<Float32Array, JsValue> {
    let image = default_training_image().map_err(js_error)?;
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
