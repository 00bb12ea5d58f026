//! The memory budgets of the networks alive: one for the CPU path (the wasm heap), one for
//! the WebGPU path; a network is admitted before anything is allocated, or refused with a
//! [`MEMORY_ERROR`] naming the networks that take the room.

use std::cell::RefCell;

use identity_core::ArchConfig;
use identity_core::memory::{Admitted, MemoryBudget};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::backend::BackendInfo;
use crate::data::SIDE;
use crate::errors::{MEMORY_ERROR, js_error, named_error, to_js};

/// Memory the networks alive on the CPU path may take together: wasm32 addresses 4 GiB, the
/// heap never shrinks, and browsers give a tab less.
const CPU_MEMORY_BYTES: u64 = 1 << 30;
/// Memory the networks alive on the WebGPU path may take together: WebGPU does not say how
/// much the GPU has.
const GPU_MEMORY_BYTES: u64 = 2 << 30;

thread_local! {
    /// What the networks alive take, on the CPU (the wasm heap) and on the GPU.
    static BUDGETS: RefCell<[MemoryBudget; 2]> = const {
        RefCell::new([
            MemoryBudget::new("the CPU path in the browser", CPU_MEMORY_BYTES),
            MemoryBudget::new("the WebGPU path", GPU_MEMORY_BYTES),
        ])
    };
}

/// Which of [`BUDGETS`] a backend uses.
pub(crate) fn place(backend: &BackendInfo) -> usize {
    usize::from(backend.kind == "webgpu")
}

/// A network's entry in the memory budget of its place, given back when the network is freed.
pub(crate) struct Reservation {
    place: usize,
    ticket: Admitted,
}

impl Reservation {
    /// Admits `arch` needing `bytes` on `backend` beside the networks alive, or refuses it
    /// (a [`MEMORY_ERROR`] naming them) before anything is allocated; also refuses a weight
    /// tensor larger than the GPU's largest buffer.
    pub(crate) fn admit(
        arch: &ArchConfig,
        bytes: u64,
        backend: &BackendInfo,
    ) -> Result<Self, JsValue> {
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
    pub(crate) fn resize(&self, bytes: u64) {
        BUDGETS.with(|b| b.borrow_mut()[self.place].resize(self.ticket, bytes));
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        BUDGETS.with(|b| b.borrow_mut()[self.place].release(self.ticket));
    }
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
