//! The shifted form: one matrix product per kernel position, over the output pixels that
//! the position reads inside the image only. Each kernel column's input is the block of
//! input columns it reads, copied side by side; a kernel row is then an offset of whole
//! rows into it, so a position's pixels are one contiguous run. The inner dimension is the
//! channels. No product runs over the zeros around the image: for a 57 x 57 kernel on a 28
//! x 28 image, three quarters of what a padded grid of every position would multiply. A
//! kernel column that reads only part of each row adds its products into a buffer of its
//! own, added into the output after. The weights are laid out position by position
//! ([`weights`]), so a product reads its `[out, channels]` matrix from one block (read in
//! place, a large kernel's positions lie so far apart that packing each product's weights
//! took two thirds of the time); the input gradient reads the same blocks transposed.

use std::borrow::Cow;
use std::ops::Range;

use super::product::{View, product};
use super::scratch::Scratch;
use super::shape::Shape;
use super::transpose::{Put, transpose};

/// A layer's weights (`[out, channels, kh, kw]`, its shape `s`) position by position, for
/// output channels `outs` of its own convolution (`[kh * kw, outs.len(), channels]`) or, with
/// `turn`, of its input gradient's, whose outputs are the layer's channels (`[kh * kw, out,
/// outs.len()]`, read transposed and the positions in turn backwards by [`forward_rows`]).
pub(super) fn weights(s: &Shape, weight: &[f32], turn: bool, outs: Range<usize>) -> Scratch {
    // Blocks of `[rows, kh * kw]` transposed: the outputs' whole weights in one block, or
    // each output's weights for channels `outs`.
    let kernel = s.kernel();
    let (blocks, rows) = if turn {
        (s.out, outs.len())
    } else {
        (1, outs.len() * s.channels)
    };
    // Every value is written: `blocks` blocks of `rows` values for each of `kernel` positions.
    let mut laid = Scratch::take(blocks * rows * kernel);
    for block in 0..blocks {
        let from = if turn {
            (block * s.channels + outs.start) * kernel
        } else {
            outs.start * s.channels * kernel
        };
        transpose(
            (&weight[from..], kernel),
            (&mut laid[block * rows..], blocks * rows),
            (rows, kernel),
            Put::Set,
        );
    }
    laid
}

/// The columns of image `x` (`[channels, h, w]`) that kernel column `kx` reads, of channels
/// `channels`, side by side: `[channels.len(), h, cols_reading(kx).len()]` (whole rows: the
/// image's own values).
fn columns_read<'a>(s: &Shape, x: &'a [f32], channels: Range<usize>, kx: usize) -> Cow<'a, [f32]> {
    let cols = s.cols_reading(kx);
    if cols.len() == s.w {
        return Cow::Borrowed(&x[channels.start * s.pixels()..channels.end * s.pixels()]);
    }
    let from = cols.start + kx - s.kw / 2;
    let mut moved = Vec::with_capacity(channels.len() * s.h * cols.len());
    for c in channels {
        for y in 0..s.h {
            moved.extend_from_slice(&x[c * s.pixels() + y * s.w + from..][..cols.len()]);
        }
    }
    Cow::Owned(moved)
}

/// Adds to `part` (`[out, rows.len() * w]`, row by row) the convolution of one image `x`
/// (`[channels, h, w]`) at output rows `rows` by a layer's weights laid out by [`weights`]
/// for `out` output channels: the layer's own convolution, or with `turned` its input
/// gradient's (`s` is then [`Shape::turned`], position `k` the layer's position `kh * kw - 1
/// - k` transposed).
///
/// The products run pixel by pixel (channels last): the rows read are transposed once to
/// `[pixels, channels]`, each product adds into `[pixels, out]`, and the sums are transposed
/// into `part` at the end. So the output channels are the products' rows, which `gemm`'s
/// kernels cover without a partial tile and read without packing the image (for the
/// 128-channel ConvNet, the image packed per position and the partial tiles were a tenth of
/// a step).
pub(super) fn forward_rows(
    s: &Shape,
    x: &[f32],
    (laid, turned): (&[f32], bool),
    (out, rows): (usize, Range<usize>),
    part: &mut [f32],
) {
    let matrix = out * s.channels;
    let position = |k: usize| {
        if turned {
            let k = s.kernel() - 1 - k;
            (&laid[k * matrix..], View::rows(s.channels, out, out).t())
        } else {
            (&laid[k * matrix..], View::rows(out, s.channels, s.channels))
        }
    };
    let (w, pad, channels) = (s.w, s.kh / 2, s.channels);
    let read = s.rows_read(rows.clone());
    // The rows read, channels last: `[read.len() * w, channels]`.
    let mut by_pixel = vec![0.0; read.len() * w * channels];
    transpose(
        (&x[read.start * w..], s.pixels()),
        (&mut by_pixel, channels),
        (channels, read.len() * w),
        Put::Set,
    );
    // The output rows, channels last: `[rows.len() * w, out]`.
    let mut sums = vec![0.0; rows.len() * w * out];
    // Room for the widest part rows from the start (grown copy by copy, they were reallocated
    // and copied at every forward).
    let mut moved = Vec::with_capacity(read.len() * w * channels);
    let mut partial = Vec::with_capacity(rows.len() * w * out);
    for kx in 0..s.kw {
        let cols = s.cols_reading(kx);
        let width = cols.len();
        if width == 0 {
            continue;
        }
        // The pixels kernel column `kx` reads, row by row (`[read.len() * width,
        // channels]`); whole rows add into `sums`, part rows into `partial` (`[rows.len() *
        // width, out]`).
        let whole = width == w;
        let from = cols.start + kx - s.kw / 2;
        if !whole {
            moved.clear();
            for y in 0..read.len() {
                moved.extend_from_slice(&by_pixel[(y * w + from) * channels..][..width * channels]);
            }
            partial.clear();
            partial.resize(rows.len() * width * out, 0.0);
        }
        let (reads, into) = if whole {
            (&by_pixel, &mut sums)
        } else {
            (&moved, &mut partial)
        };
        for ky in 0..s.kh {
            let ys = s.rows_reading(ky, rows.clone());
            if ys.is_empty() {
                continue;
            }
            let first = ys.start + ky - pad - read.start;
            let n = ys.len() * width;
            product(
                (
                    &mut into[(ys.start - rows.start) * width * out..],
                    View::rows(n, out, out).t(),
                    Put::Add,
                ),
                position(ky * s.kw + kx),
                (
                    &reads[first * width * channels..],
                    View::rows(n, channels, channels).t(),
                ),
            );
        }
        if !whole {
            for (row, values) in partial.chunks_exact(width * out).enumerate() {
                let to = &mut sums[(row * w + cols.start) * out..][..width * out];
                for (t, v) in to.iter_mut().zip(values) {
                    *t += v;
                }
            }
        }
    }
    transpose(
        (&sums, out),
        (part, rows.len() * w),
        (rows.len() * w, out),
        Put::Add,
    );
}

/// Adds to `part` (`[out, cols.len()]`) columns `cols` of the weight gradient (`[out,
/// channels * kh * kw]`; `cols` whole channels) of one image `x` with output gradient `grad`
/// (`[out, h, w]`). The products run on the layouts `gemm` reads fastest (the output gradient
/// transposed, once per image and share, its pixels a kernel column reaches copied out for
/// that column when they are part of each row; each position's gradient stored column after
/// column) and are put in place at the end.
pub(super) fn weight_grad_cols(
    s: &Shape,
    x: &[f32],
    grad: &[f32],
    cols: Range<usize>,
    part: &mut [f32],
) {
    let (w, pad, kernel, pixels) = (s.w, s.kh / 2, s.kernel(), s.pixels());
    let channels = cols.start / kernel..cols.end / kernel;
    let cc = channels.len();
    let mut grad_t = vec![0.0; grad.len()];
    transpose(
        (grad, pixels),
        (&mut grad_t, s.out),
        (s.out, pixels),
        Put::Set,
    );
    // Each position's gradient, `[cc, out]` stored column after column, is one product
    // written over whatever the buffer held (zeros where the position reads nothing).
    let size = cc * s.out;
    let mut by_position = Scratch::take(kernel * size);
    for kx in 0..s.kw {
        let reached = s.cols_reading(kx);
        let width = reached.len();
        if width == 0 {
            for ky in 0..s.kh {
                by_position[(ky * s.kw + kx) * size..][..size].fill(0.0);
            }
            continue;
        }
        let moved = columns_read(s, x, channels.clone(), kx);
        // The output gradient at the pixels this kernel column reaches: `[h * width, out]`.
        let reached_grad = if width == w {
            Vec::new()
        } else {
            let mut values = Vec::with_capacity(s.h * width * s.out);
            for y in 0..s.h {
                values
                    .extend_from_slice(&grad_t[(y * w + reached.start) * s.out..][..width * s.out]);
            }
            values
        };
        let grad_t = if width == w { &grad_t } else { &reached_grad };
        for ky in 0..s.kh {
            let position = &mut by_position[(ky * s.kw + kx) * size..][..size];
            let ys = s.rows_reading(ky, 0..s.h);
            if ys.is_empty() {
                position.fill(0.0);
                continue;
            }
            let first = ys.start + ky - pad;
            let n = ys.len() * width;
            product(
                (position, View::rows(cc, s.out, s.out).t(), Put::Set),
                (
                    &grad_t[ys.start * width * s.out..],
                    View::rows(n, s.out, s.out).t(),
                ),
                (&moved[first * width..], View::rows(cc, n, s.h * width).t()),
            );
        }
    }
    for i in 0..cc {
        transpose(
            (&by_position[i * s.out..], size),
            (&mut part[i * kernel..], cols.len()),
            (kernel, s.out),
            Put::Add,
        );
    }
}
