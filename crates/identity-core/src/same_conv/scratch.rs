//! A buffer each thread keeps between calls, for the kernels' temporaries the size of a
//! layer's weights (its weights laid out for a product, its weight gradient position by
//! position). Taken fresh from the allocator at every call, their pages came back cleared
//! by the system (the allocator had returned them) and each first write faulted: the
//! system's page clearing was 2.3-3.5 % of the 128-channel ConvNet's step on one thread
//! (perf), its page faults some 110 a step.

use std::cell::Cell;
use std::ops::{Deref, DerefMut};

/// The largest buffer a thread keeps, in values (16 MiB): a larger one (a layer of wide
/// kernels and many channels) goes back to the allocator.
const KEPT_MAX: usize = 1 << 22;

thread_local! {
    static KEPT: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// `len` values of the buffer the thread keeps (a buffer of its own while another is out),
/// holding whatever an earlier use left there: for values written before they are read.
/// Dropped, it is the dropping thread's to keep.
pub(super) struct Scratch {
    values: Vec<f32>,
    len: usize,
}

impl Scratch {
    /// `len` values, the thread's kept buffer where it is free and `len` fits the limit.
    pub fn take(len: usize) -> Scratch {
        let mut values = if len <= KEPT_MAX {
            KEPT.take()
        } else {
            Vec::new()
        };
        if values.len() < len {
            values.resize(len, 0.0);
        }
        Scratch { values, len }
    }
}

impl Deref for Scratch {
    type Target = [f32];

    fn deref(&self) -> &[f32] {
        &self.values[..self.len]
    }
}

impl DerefMut for Scratch {
    fn deref_mut(&mut self) -> &mut [f32] {
        &mut self.values[..self.len]
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.values.len() <= KEPT_MAX {
            KEPT.set(std::mem::take(&mut self.values));
        }
    }
}
