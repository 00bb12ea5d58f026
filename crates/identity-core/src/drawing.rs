//! Random draws on the CPU device, reproducible under threads.
//!
//! flex's random generator is one for the whole process (a `static` in burn-flex): a seed
//! set on one thread is taken by whatever draws next on any thread. [`seeded`] makes seeding
//! and drawing one step, so that draws made at once elsewhere (tests run in parallel; the
//! page builds one network while the lab trains another) neither take nor shift its numbers.
//! Every draw from the generator goes through it: [`crate::train::initial_network`] and the
//! tests that draw weights or tensors of their own.

use std::sync::{Mutex, PoisonError};

use burn::prelude::Device;

/// Seeds the CPU device's generator with `seed` and runs `draw` with that device, no other
/// [`seeded`] draw in between: what `draw` builds from the generator depends on `seed` only.
/// `draw` must not call [`seeded`] (nor wait on rayon work that does): the lock is not
/// re-entrant.
pub fn seeded<R>(seed: u64, draw: impl FnOnce(&Device) -> R) -> R {
    static DRAWING: Mutex<()> = Mutex::new(());
    let _drawing = DRAWING.lock().unwrap_or_else(PoisonError::into_inner);
    let cpu = Device::flex();
    cpu.seed(seed);
    draw(&cpu)
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, Tensor};

    use super::*;

    fn draw(seed: u64) -> Vec<f32> {
        let numbers = seeded(seed, |cpu| {
            Tensor::<1>::random([4_096], Distribution::Default, cpu)
        });
        pollster::block_on(crate::read_floats(numbers)).unwrap()
    }

    /// Two threads drawing at once, each with its own seed, each get what their seed gives
    /// alone (without the lock, one thread's seed or draws land between the other's).
    #[test]
    fn draws_on_other_threads_neither_take_nor_shift_a_seeded_draw() {
        let (zero, one) = (draw(0), draw(1));
        assert_ne!(zero, one);
        std::thread::scope(|threads| {
            let other = threads.spawn(|| (0..200).all(|_| draw(1) == one));
            assert!((0..200).all(|_| draw(0) == zero));
            assert!(other.join().unwrap());
        });
    }
}
