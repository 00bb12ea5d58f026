//! Buffers each thread keeps between calls, for the kernels' temporaries the size of a
//! layer's weights or more (its weights laid out or moved for the products, the Winograd
//! form's moved image and its products, the weight gradient position by position). Taken
//! fresh from the allocator at every call, their pages came back cleared by the system (the
//! allocator had returned them) and each first write faulted: the system's page clearing
//! was 2.3-3.5 % of the 128-channel ConvNet's step on one thread (perf), its page faults
//! some 110 a step.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// The most values a thread keeps, all its buffers together (32 MiB): a buffer that would
/// take it past this (a layer of wide kernels and many channels) goes back to the allocator.
const KEPT_MAX: usize = 1 << 23;

thread_local! {
    static KEPT: RefCell<Vec<Vec<f32>>> = const { RefCell::new(Vec::new()) };
}

/// `len` values of a buffer the thread keeps (a new one when it keeps none free), holding
/// whatever an earlier use left there: for values written before they are read. Dropped,
/// it is the dropping thread's to keep.
pub(super) struct Scratch {
    values: Vec<f32>,
    len: usize,
}

impl Scratch {
    /// `len` values: the smallest kept buffer that holds them, else a new one in place of
    /// the largest kept (the old values are not copied); a new one, the kept left alone,
    /// where `len` is past the limit.
    pub fn take(len: usize) -> Scratch {
        let kept = (len <= KEPT_MAX).then(|| {
            KEPT.with_borrow_mut(|kept| {
                let fits = (0..kept.len())
                    .filter(|&i| kept[i].len() >= len)
                    .min_by_key(|&i| kept[i].len());
                let largest = (0..kept.len()).max_by_key(|&i| kept[i].len());
                fits.or(largest).map(|i| kept.swap_remove(i))
            })
        });
        let values = match kept.flatten() {
            Some(values) if values.len() >= len => values,
            _ => vec![0.0; len],
        };
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
        let values = std::mem::take(&mut self.values);
        KEPT.with_borrow_mut(|kept| {
            let held: usize = kept.iter().map(Vec::len).sum();
            if held + values.len() <= KEPT_MAX {
                kept.push(values);
            }
        });
    }
}
