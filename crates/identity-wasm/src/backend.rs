//! Choosing the device, and saying truthfully which one runs and why.
//!
//! WebGPU is initialised once per worker (burn refuses a second `init_async` of the same
//! runtime) and kept. `auto` takes WebGPU only on a hardware adapter: a software adapter
//! (SwiftShader, which WebGPU marks as a fallback adapter) trained 35-50x slower than flex in
//! wasm on our 2-core machine (DESIGN section 7), so there the CPU is the faster choice.

use std::cell::RefCell;

use burn::prelude::*;
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

/// A WebGPU device with what we learned of its adapter.
#[derive(Clone)]
struct Gpu {
    device: Device,
    name: String,
    software: bool,
    max_buffer_bytes: u64,
}

thread_local! {
    /// The worker's WebGPU device, or why there is none; set once the set-up has finished.
    static GPU: RefCell<Option<Result<Gpu, String>>> = const { RefCell::new(None) };
    /// The one WebGPU set-up of this worker, shared by every caller that comes while it runs:
    /// a second concurrent `init_async` fails ("a server is still registered for device").
    static SETUP: RefCell<Option<js_sys::Promise>> = const { RefCell::new(None) };
}

/// The worker's WebGPU device, set up on the first call; later and concurrent calls wait for
/// that one set-up and get its result.
async fn webgpu() -> Result<Gpu, String> {
    let setup = SETUP.with(|setup| {
        setup
            .borrow_mut()
            .get_or_insert_with(|| {
                wasm_bindgen_futures::future_to_promise(async {
                    let made = set_up_webgpu().await;
                    GPU.with(|gpu| *gpu.borrow_mut() = Some(made));
                    Ok(wasm_bindgen::JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    // The set-up future never rejects: its outcome is in GPU.
    let _ = wasm_bindgen_futures::JsFuture::from(setup).await;
    GPU.with(|gpu| gpu.borrow().clone())
        .unwrap_or_else(|| Err("the WebGPU set-up did not finish".into()))
}

async fn set_up_webgpu() -> Result<Gpu, String> {
    let (device, setup) = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map_err(|e| e.to_string())?;
    let info = setup.adapter.get_info();
    let limits = setup.device.limits();
    Ok(Gpu {
        device,
        name: info.name.trim().to_string(),
        software: format!("{:?}", info.device_type) == "Cpu",
        max_buffer_bytes: limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size),
    })
}

/// Picks the device for `preference`; never fails: without WebGPU, the CPU runs.
pub async fn choose(preference: Preference) -> (Device, BackendInfo) {
    let cpu = |reason: String| {
        let info = BackendInfo {
            kind: "cpu",
            label: "CPU".into(),
            reason,
            max_buffer_bytes: None,
        };
        (Device::flex(), info)
    };
    if preference == Preference::Cpu {
        return cpu("chosen in the settings".into());
    }
    let gpu = match webgpu().await {
        Ok(gpu) => gpu,
        Err(why) => return cpu(format!("no WebGPU in this browser ({why})")),
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
    let info = BackendInfo {
        kind: "webgpu",
        label: format!("WebGPU ({adapter})"),
        reason: reason.into(),
        max_buffer_bytes: Some(gpu.max_buffer_bytes),
    };
    (gpu.device, info)
}
