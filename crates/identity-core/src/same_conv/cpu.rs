//! The three operations of a "same" convolution on the CPU (forward, input gradient, weight
//! gradient) over a batch, each shared among the cores in one go: a forward (the input
//! gradient is the forward of the weights turned around) by images when there are at least
//! as many images as threads, otherwise by output channels when there are enough, otherwise
//! by bands of each image's output rows ([`cuts`]; shares by output channels read an image
//! the Winograd form moved once on every core); the weight gradient by blocks of its
//! columns. The two gradients of a layer, wanted together, run side by side, each on half
//! the cores, the faster one's side taking some of the weight gradient's columns too
//! ([`backward`]). Each share runs its matrix products on one thread; the shares are copied
//! into place in a fixed order, so a result does not depend on the number of threads beyond
//! the order of its sums.

use std::ops::Range;

use super::form::Form;
use super::shape::Shape;

/// The fewest multiply-adds (one image's convolution) worth sharing among the cores.
#[cfg(not(target_family = "wasm"))]
const SHARED_MIN: usize = 1 << 20;

/// Output channels are shared among the cores in blocks of this many (a 512-bit vector of
/// `f32`, a row of `gemm`'s kernels).
const OUT_STEP: usize = 16;

/// The cores an operation may share its work among: rayon's threads (one in wasm).
pub(super) fn cores() -> usize {
    #[cfg(not(target_family = "wasm"))]
    return rayon::current_num_threads();
    #[cfg(target_family = "wasm")]
    1
}

/// How many shares a convolution of this shape over `batch` images is split into on `cores`
/// cores.
fn shares(s: &Shape, batch: usize, cores: usize) -> usize {
    #[cfg(not(target_family = "wasm"))]
    if s.products() * batch >= SHARED_MIN {
        return cores;
    }
    let _ = (s, batch, cores);
    1
}

/// `job(i)` for `i` in `0..jobs`, on every core when there is more than one job.
fn in_shares<T: Send>(jobs: usize, job: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
    #[cfg(not(target_family = "wasm"))]
    if jobs > 1 {
        use rayon::prelude::*;
        return (0..jobs).into_par_iter().map(job).collect();
    }
    (0..jobs).map(job).collect()
}

/// `job(i, chunk)` for each chunk `i` of `values` (`chunk` values each, the last fewer), on
/// every core when there is more than one chunk.
pub(super) fn each_chunk(
    values: &mut [f32],
    chunk: usize,
    job: impl Fn(usize, &mut [f32]) + Sync + Send,
) {
    #[cfg(not(target_family = "wasm"))]
    if values.len() > chunk {
        use rayon::prelude::*;
        return values
            .par_chunks_mut(chunk)
            .enumerate()
            .for_each(|(i, values)| job(i, values));
    }
    values
        .chunks_mut(chunk)
        .enumerate()
        .for_each(|(i, values)| job(i, values));
}

/// Share `i` of `shares` of `0..len`, cut on multiples of `step`.
fn share(len: usize, shares: usize, i: usize, step: usize) -> Range<usize> {
    let units = len / step;
    (units * i / shares) * step..(units * (i + 1) / shares) * step
}

/// The convolution of `x` (`[batch, channels, h, w]`) by `weight` (`[out, channels, kh,
/// kw]`) plus `bias` (`[out]`, or none): `[batch, out, h, w]`.
pub(super) fn forward(
    form: Form,
    s: &Shape,
    batch: usize,
    x: &[f32],
    weight: &[f32],
    bias: Option<&[f32]>,
) -> Vec<f32> {
    convolve((form, false), s, batch, x, weight, bias, cores())
}

/// The gradient of the input (`[batch, channels, h, w]`) given the output's (`grad`, `[batch,
/// out, h, w]`), shared among `cores` cores: the output gradient convolved by the weights
/// turned around (channels and outputs swapped, the kernel rotated half a turn), in `form`
/// (chosen for [`Shape::turned`]).
pub(super) fn input_grad(
    cores: usize,
    form: Form,
    s: &Shape,
    batch: usize,
    weight: &[f32],
    grad: &[f32],
) -> Vec<f32> {
    convolve((form, true), s, batch, grad, weight, None, cores)
}

/// How much of a layer's weight-gradient time its input gradient takes in the Winograd form
/// (one thread, 28 x 28: 128 channels 3.7 against 5.9 ms, 32 channels 0.385 against 0.59);
/// in the others the two take the same.
#[cfg(not(target_family = "wasm"))]
const WINOGRAD_INPUT_GRAD: f64 = 0.63;

/// Both gradients of a layer, `(`[`input_grad`]`, `[`weight_grad`]`)` in their forms `(input,
/// weight)`: on two cores or more, side by side, each on half of them (no image copied twice
/// around the bands' edges, no output gradient packed twice for the weights', and the weights
/// laid out for the input gradient while the other core works). Where the input gradient
/// takes less time (the Winograd form's), its side takes the first columns of the weight
/// gradient too, so that both sides end together: one parallel region a layer, where the two
/// one after the other, each on every core, took three (steps on two threads, three runs
/// each, binaries alternating: the 3-layer 32-channel ConvNet 1.28-1.38 against 1.48-1.52 ms,
/// the 5-layer 3.05-3.31 against 3.44-3.65, the 128-channel 25.1-26.4 against 25.5-27.5).
pub(super) fn backward(
    (input, weights): (Form, Form),
    s: &Shape,
    batch: usize,
    (x, weight): (&[f32], &[f32]),
    grad: &[f32],
) -> (Vec<f32>, Vec<f32>) {
    let (cores, cols) = (cores(), 0..s.unfolded());
    #[cfg(not(target_family = "wasm"))]
    if cores > 1 {
        // The share of the weight gradient that evens the sides: `input + f = 1 - f`.
        let input_time = if input == Form::Winograd {
            WINOGRAD_INPUT_GRAD
        } else {
            1.0
        };
        let step = weights.column_step(s);
        let extra = ((1.0 - input_time) / 2.0 * (cols.end / step) as f64) as usize;
        let (first, rest) = (0..extra * step, extra * step..cols.end);
        let wg = |cores, cols| weight_grad(cores, weights, s, batch, (x, grad), cols);
        let ((x_grad, first_grad), rest_grad) = rayon::join(
            || {
                let x_grad = input_grad(cores - cores / 2, input, s, batch, weight, grad);
                (x_grad, wg(cores - cores / 2, first.clone()))
            },
            || wg(cores / 2, rest.clone()),
        );
        let blocks = vec![(first, first_grad), (rest, rest_grad)];
        return (x_grad, side_by_side(s.out, cols.len(), blocks));
    }
    (
        input_grad(cores, input, s, batch, weight, grad),
        weight_grad(cores, weights, s, batch, (x, grad), cols),
    )
}

/// `[rows, width]` from blocks of its columns (`[rows, block.len()]` each, `block` counted
/// from the first column), each put in place; one block of every column is itself.
fn side_by_side(rows: usize, width: usize, blocks: Vec<(Range<usize>, Vec<f32>)>) -> Vec<f32> {
    let mut blocks = blocks.into_iter().filter(|(block, _)| !block.is_empty());
    let first = blocks.next();
    let blocks = match first {
        Some((block, values)) if block.len() == width => return values,
        first => first.into_iter().chain(blocks),
    };
    let mut joined = vec![0.0; rows * width];
    for (block, values) in blocks {
        for (row, values) in values.chunks_exact(block.len()).enumerate() {
            joined[row * width + block.start..][..block.len()].copy_from_slice(values);
        }
    }
    joined
}

/// One share of a convolution: output channels `outs` at output rows `rows` of `images`.
struct Cut {
    images: Range<usize>,
    outs: Range<usize>,
    rows: Range<usize>,
}

/// How a convolution of shape `s` (the one run) over `batch` images is cut among `cores`
/// cores: by images when there are enough, else by output channels when there are enough
/// (each share then lays out only its own weights, and reads whole images), else by bands
/// of output rows.
fn cuts(s: &Shape, batch: usize, cores: usize) -> Vec<Cut> {
    let shares = shares(s, batch, cores);
    (0..shares)
        .map(|i| {
            let mut cut = Cut {
                images: 0..batch,
                outs: 0..s.out,
                rows: 0..s.h,
            };
            if batch >= shares {
                cut.images = share(batch, shares, i, 1);
            } else if s.out >= shares * OUT_STEP {
                cut.outs = share(s.out, shares, i, OUT_STEP);
            } else {
                cut.rows = share(s.h, shares, i, 1);
            }
            cut
        })
        .collect()
}

/// The convolution of a layer (shape `s`, `weight`) in `form`, or with `turn` its input
/// gradient's, of `x` plus `bias`, shared among `cores` cores. Each share lays out the
/// weights of its output channels itself.
fn convolve(
    (form, turn): (Form, bool),
    s: &Shape,
    batch: usize,
    x: &[f32],
    weight: &[f32],
    bias: Option<&[f32]>,
    cores: usize,
) -> Vec<f32> {
    let run = if turn { s.turned() } else { *s };
    let cuts = cuts(&run, batch, cores);
    // Shares of some output channels of whole images: each image moved once, on every core,
    // where the form moves its input apart from its weights.
    let whole = |cut: &Cut| cut.images.len() == batch && cut.rows.len() == run.h;
    let moved: Vec<_> = if cuts.len() > 1 && cuts.iter().all(whole) {
        (0..batch)
            .map_while(|n| form.input(&run, &x[n * run.input()..][..run.input()], cores))
            .collect()
    } else {
        Vec::new()
    };
    let mut parts = in_shares(cuts.len(), |i| {
        let Cut { images, outs, rows } = &cuts[i];
        let len = rows.len() * run.w;
        let mut part = vec![0.0; images.len() * outs.len() * len];
        if len == 0 {
            return part;
        }
        let weights = form.weights(s, weight, turn, outs.clone());
        for (n, values) in images.clone().zip(part.chunks_exact_mut(outs.len() * len)) {
            if let Some(bias) = bias {
                for (values, &b) in values.chunks_exact_mut(len).zip(&bias[outs.clone()]) {
                    values.fill(b);
                }
            }
            let image = &x[n * run.input()..][..run.input()];
            let moved = moved.get(n).map(|moved| &moved[..]);
            weights.forward_rows(&run, (image, moved), rows.clone(), values);
        }
        part
    });
    // One share: its part is the output.
    if let [part] = &mut parts[..] {
        return std::mem::take(part);
    }
    let mut out = vec![0.0; batch * run.output()];
    for (Cut { images, outs, rows }, part) in cuts.iter().zip(parts) {
        let len = rows.len() * run.w;
        if len == 0 {
            continue;
        }
        let starts = images.clone().flat_map(|n| {
            outs.clone()
                .map(move |o| n * run.output() + o * run.pixels())
        });
        for (at, values) in starts.zip(part.chunks_exact(len)) {
            out[at + rows.start * run.w..][..len].copy_from_slice(values);
        }
    }
    out
}

/// Columns `cols` of the gradient of the weights (`[out, channels * kh * kw]`, whole
/// channels) given `x` and the output's gradient `grad`, summed over the batch, shared among
/// `cores` cores: `[out, cols.len()]`.
pub(super) fn weight_grad(
    cores: usize,
    form: Form,
    s: &Shape,
    batch: usize,
    (x, grad): (&[f32], &[f32]),
    cols: Range<usize>,
) -> Vec<f32> {
    let shares = shares(s, batch, cores);
    let parts = in_shares(shares, |i| {
        let block = share(cols.len(), shares, i, form.column_step(s));
        let mut part = vec![0.0; s.out * block.len()];
        if !block.is_empty() {
            let columns = cols.start + block.start..cols.start + block.end;
            for n in 0..batch {
                let image = &x[n * s.input()..][..s.input()];
                let grad = &grad[n * s.output()..][..s.output()];
                form.weight_grad_cols(s, image, grad, columns.clone(), &mut part);
            }
        }
        (block, part)
    });
    side_by_side(s.out, cols.len(), parts)
}
