//! A session's making: a new network to train, its untrained preview, or one imported from a
//! file, each on the device the reader's backend asks for and admitted into the memory budget
//! first.

use identity_core::data::{Image, default_training_image};
use identity_core::saved;
use identity_core::train::initial_network;
use identity_core::{ArchConfig, Progress, TrainConfig, Trainer};
use js_sys::{Float32Array, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::backend::{Preference, choose};
use crate::budget::Reservation;
use crate::data::{SIDE, image_from, parse_arch, train_config};
use crate::errors::js_error;
use crate::session::{Session, Stage};

/// What a new session needs, checked before a device is chosen.
pub(crate) struct Request {
    pub(crate) arch: ArchConfig,
    pub(crate) config: TrainConfig,
    pub(crate) training: Image,
    pub(crate) preference: Preference,
}

impl Request {
    fn parse(
        arch: JsValue,
        train: JsValue,
        backend: &str,
        image: Option<Float32Array>,
    ) -> Result<Self, JsError> {
        let preference = parse_preference(backend)?;
        let arch = parse_arch(arch)?;
        let config = train_config(&arch, train)?;
        let training = match image {
            Some(pixels) => image_from(&pixels, SIDE)?,
            None => default_training_image()?,
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
fn parse_preference(backend: &str) -> Result<Preference, JsError> {
    serde_wasm_bindgen::from_value(JsValue::from_str(backend)).map_err(|_| {
        JsError::new(&format!(
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
/// `steps`, `tolerance`, `seed`, `loss_every`, `init`: `identity_core::TrainOverrides`);
/// `image` is the 28 x 28 training image (values in [0, 1]) or `undefined` for the paper's
/// default "7".
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
    let (bytes, manifest) = network_file(&bytes)?;
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

/// A network file's bytes and what its manifest says, refused when it is larger than
/// [`MAX_IMPORT_BYTES`], not a network file, or not trained on this page's images.
fn network_file(bytes: &Uint8Array) -> Result<(Vec<u8>, saved::Manifest), JsError> {
    if bytes.length() as usize > MAX_IMPORT_BYTES {
        return Err(JsError::new(&format!(
            "a network file is at most {} MB here, this one is {} MB",
            MAX_IMPORT_BYTES >> 20,
            bytes.length() >> 20
        )));
    }
    let bytes = bytes.to_vec();
    let manifest = saved::manifest_of(&bytes)?;
    if manifest.side != SIDE {
        return Err(JsError::new(&format!(
            "this network was trained on {0} x {0} images; the page uses {SIDE} x {SIDE}",
            manifest.side
        )));
    }
    Ok((bytes, manifest))
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
