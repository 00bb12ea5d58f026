//! Choosing the device, saying truthfully which one runs and why, and living through a lost
//! GPU.
//!
//! WebGPU is set up once per *generation* and kept: burn refuses a second set-up of the same
//! device id ("a server is still registered for device"), and cannot forget one. When the
//! device is lost (the browser reset the GPU, a driver crash, `GPUDevice.destroy()`), the
//! generation is over: its networks answer with an error instead of touching the device, the
//! CPU runs instead, and [`reset_gpu`] lets the next network set up a fresh device under the
//! next id, without a reload. cubecl panics on an uncaptured WebGPU error (a trap, which would
//! take every network of the worker with it); that handler is replaced by one that marks the
//! generation lost.
//!
//! `auto` takes WebGPU only on a hardware adapter: a software adapter (SwiftShader, which
//! WebGPU marks as a fallback adapter) trained 35-50x slower than flex in wasm on our 2-core
//! machine (DESIGN section 7), so there the CPU is the faster choice.

use std::cell::{Cell, RefCell};
use std::sync::{Arc, OnceLock};

use burn::prelude::*;
use burn::tensor::DeviceKind;
use burn::tensor::wgpu::WgpuInitError;
use serde::{Deserialize, Serialize};

/// The backend the page asks for (`backend=` in the URL hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Preference {
    /// WebGPU on a hardware adapter, else the CPU.
    Auto,
    /// WebGPU on whatever adapter the browser gives, else the CPU (and say why).
    Webgpu,
    /// burn's flex backend on the CPU, in wasm with SIMD128.
    Cpu,
}

/// Which backend runs, in words for the page's badge.
#[derive(Debug, Clone, Serialize)]
pub struct BackendInfo {
    /// `"webgpu"` or `"cpu"`.
    pub kind: &'static str,
    /// What runs, e.g. `WebGPU (NVIDIA GeForce RTX 4090)` or `CPU`.
    pub label: String,
    /// Why this one, e.g. `faster than the software GPU here`.
    pub reason: String,
    /// Largest buffer the device takes, in bytes (`None` on the CPU).
    pub max_buffer_bytes: Option<u64>,
}

/// Set, once, when a GPU generation is over: the device was lost or reported an error that
/// cubecl would have turned into a trap. Holds why, in words.
#[derive(Debug, Clone, Default)]
pub struct Lost(Arc<OnceLock<String>>);

impl Lost {
    /// Why the device is gone, if it is.
    pub fn why(&self) -> Option<&str> {
        self.0.get().map(String::as_str)
    }

    fn set(&self, why: String) {
        // The first reason stands: the loss itself, not the errors it causes later.
        let _ = self.0.set(why);
    }
}

/// A WebGPU device with what we learned of its adapter.
#[derive(Clone)]
struct Gpu {
    device: Device,
    name: String,
    software: bool,
    max_buffer_bytes: u64,
    lost: Lost,
}

thread_local! {
    /// This generation's WebGPU device, or why there is none; set once its set-up finished.
    static GPU: RefCell<Option<Result<Gpu, String>>> = const { RefCell::new(None) };
    /// The one WebGPU set-up of this generation, shared by every caller that comes while it
    /// runs: a second concurrent set-up of one device id fails.
    static SETUP: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
    /// The generation: 0 is burn's default device id, then one fresh id per [`reset_gpu`].
    static GENERATION: Cell<u32> = const { Cell::new(0) };
}

/// burn's device ids go up to 8191 per kind; a reader would have to lose the GPU that often.
const MAX_GENERATION: u32 = 8000;

/// This generation's WebGPU device, set up on the first call; later and concurrent calls wait
/// for that one set-up and get its result. A lost device is an error until [`reset_gpu`].
async fn webgpu() -> Result<Gpu, String> {
    let setup = SETUP.with(|setup| {
        setup
            .borrow_mut()
            .get_or_insert_with(|| {
                let generation = GENERATION.with(Cell::get);
                wasm_bindgen_futures::future_to_promise(async move {
                    let made = set_up_webgpu(generation).await;
                    GPU.with(|gpu| *gpu.borrow_mut() = Some(made));
                    Ok(wasm_bindgen::JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    // The set-up future never rejects: its outcome is in GPU.
    let _ = wasm_bindgen_futures::JsFuture::from(setup).await;
    let gpu = GPU
        .with(|gpu| gpu.borrow().clone())
        .unwrap_or_else(|| Err("the WebGPU set-up did not finish".into()))?;
    match gpu.lost.why() {
        Some(why) => Err(format!("the GPU was lost ({why})")),
        None => Ok(gpu),
    }
}

async fn set_up_webgpu(generation: u32) -> Result<Gpu, String> {
    let options = match generation {
        0 => Device::wgpu_options(),
        n => Device::wgpu_options().device_kind(DeviceKind::DiscreteGpu(n as usize)),
    };
    let (device, setup) = options.init_with_setup_async().await.map_err(|e| match e {
        // Its own text is the adapter selector's debug output: not for readers.
        WgpuInitError::AdapterUnavailable { .. } => {
            "this browser offers no GPU adapter (WebGPU is off or not supported)".to_string()
        }
        other => other.to_string(),
    })?;
    let lost = Lost::default();
    let on_lost = lost.clone();
    setup
        .device
        .set_device_lost_callback(move |reason, message| {
            on_lost.set(format!("{reason:?}: {message}"));
        });
    // Replaces cubecl's handler, which panics (a trap that kills every network of the
    // worker): an uncaptured error ends this generation instead.
    let on_error = lost.clone();
    setup.device.on_uncaptured_error(Arc::new(move |error| {
        on_error.set(format!("WebGPU error: {error}"));
    }));
    let info = setup.adapter.get_info();
    let limits = setup.device.limits();
    Ok(Gpu {
        device,
        name: info.name.trim().to_string(),
        software: format!("{:?}", info.device_type) == "Cpu",
        max_buffer_bytes: limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size),
        lost,
    })
}

/// Lets the next network set up a fresh WebGPU device when this generation's was lost or its
/// set-up failed; a healthy device is kept. Returns whether a new generation begins.
pub fn reset_gpu() -> bool {
    let over = GPU.with(|gpu| match &*gpu.borrow() {
        Some(Ok(gpu)) => gpu.lost.why().is_some(),
        Some(Err(_)) => true,
        None => false,
    });
    let generation = GENERATION.with(Cell::get);
    if !over || generation >= MAX_GENERATION {
        return false;
    }
    GENERATION.with(|g| g.set(generation + 1));
    GPU.with(|gpu| *gpu.borrow_mut() = None);
    SETUP.with(|setup| *setup.borrow_mut() = None);
    true
}

/// The device a network runs on, what the page is told of it, and, on WebGPU, the flag that
/// says when that device is gone.
pub struct Chosen {
    /// The device.
    pub device: Device,
    /// What runs and why.
    pub info: BackendInfo,
    /// Set when the GPU is lost; `None` on the CPU.
    pub lost: Option<Lost>,
}

/// Picks the device for `preference`; never fails: without WebGPU, the CPU runs.
pub async fn choose(preference: Preference) -> Chosen {
    let cpu = |reason: String| Chosen {
        device: Device::flex(),
        info: BackendInfo {
            kind: "cpu",
            label: "CPU".into(),
            reason,
            max_buffer_bytes: None,
        },
        lost: None,
    };
    if preference == Preference::Cpu {
        return cpu("chosen in the settings".into());
    }
    let gpu = match webgpu().await {
        Ok(gpu) => gpu,
        Err(why) => return cpu(format!("no WebGPU here now: {why}")),
    };
    let adapter = if gpu.name.is_empty() {
        if gpu.software {
            "software adapter".to_string()
        } else {
            "GPU".to_string()
        }
    } else {
        gpu.name.clone()
    };
    if gpu.software && preference == Preference::Auto {
        return cpu(format!(
            "faster than the software GPU here ({adapter}; ask for backend=webgpu to use it anyway)"
        ));
    }
    let reason = match (preference, gpu.software) {
        (Preference::Webgpu, true) => "asked for; a software adapter, expect it to be slow",
        (Preference::Webgpu, false) => "asked for",
        _ => "a hardware GPU",
    };
    Chosen {
        device: gpu.device,
        info: BackendInfo {
            kind: "webgpu",
            label: format!("WebGPU ({adapter})"),
            reason: reason.into(),
            max_buffer_bytes: Some(gpu.max_buffer_bytes),
        },
        lost: Some(gpu.lost),
    }
}
