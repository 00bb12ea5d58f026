//! The shifted form: one matrix product per kernel position, over the output rows that the
//! position reads inside the image only. Each kernel column's input is the image moved
//! sideways once ([`Shape::move_row`]); a kernel row is then an offset of whole rows into
//! it, so a position's pixels are one contiguous run. The inner dimension is the channels.
//! No product runs over the zero rows above and below the image (for a 57 x 57 kernel on a
//! 28 x 28 image, half of every position's rows on average); the zero columns beside it
//! are still multiplied, so such a kernel costs about half of what a padded grid of every
//! position would.

use std::ops::Range;

use super::product::{View, add_product};
use super::shape::Shape;

/// Adds to `part` (`[out, rows.len() * w]`, row by row) the convolution of one image `x`
/// (`[channels, h, w]`) by `weight` (`[out, channels, kh, kw]`) at output rows `rows`.
pub(super) fn forward_rows(
    s: &Shape,
    x: &[f32],
    weight: &[f32],
    rows: Range<usize>,
    part: &mut [f32],
) {
    let (w, pad) = (s.w, s.kh / 2);
    let read = s.rows_read(rows.clone());
    let mut moved = vec![0.0; s.channels * read.len() * w];
    for kx in 0..s.kw {
        for c in 0..s.channels {
            for (i, y) in read.clone().enumerate() {
                let line = &x[c * s.pixels() + y * w..][..w];
                s.move_row(line, kx, &mut moved[(c * read.len() + i) * w..][..w]);
            }
        }
        for ky in 0..s.kh {
            let ys = s.rows_reading(ky, rows.clone());
            if ys.is_empty() {
                continue;
            }
            let first = ys.start + ky - pad - read.start;
            let n = ys.len() * w;
            add_product(
                (
                    &mut part[(ys.start - rows.start) * w..],
                    View::rows(s.out, n, rows.len() * w),
                ),
                (
                    &weight[ky * s.kw + kx..],
                    View {
                        rows: s.out,
                        cols: s.channels,
                        row: s.unfolded(),
                        col: s.kernel(),
                    },
                ),
                (
                    &moved[first * w..],
                    View::rows(s.channels, n, read.len() * w),
                ),
            );
        }
    }
}

/// Adds to `part` (`[out, cols.len()]`) columns `cols` of the weight gradient (`[out,
/// channels * kh * kw]`; `cols` whole channels) of one image `x` with output gradient `grad`
/// (`[out, h, w]`). The products run on the layouts `gemm` reads fastest (the output gradient
/// transposed, once per image and share; each position's gradient stored column after
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
    for (o, values) in grad.chunks_exact(pixels).enumerate() {
        for (p, &v) in values.iter().enumerate() {
            grad_t[p * s.out + o] = v;
        }
    }
    let mut moved = vec![0.0; cc * pixels];
    let mut by_position = vec![0.0; kernel * cc * s.out];
    for kx in 0..s.kw {
        for (i, c) in channels.clone().enumerate() {
            for y in 0..s.h {
                let line = &x[c * pixels + y * w..][..w];
                s.move_row(line, kx, &mut moved[i * pixels + y * w..][..w]);
            }
        }
        for ky in 0..s.kh {
            let ys = s.rows_reading(ky, 0..s.h);
            if ys.is_empty() {
                continue;
            }
            let first = ys.start + ky - pad;
            let n = ys.len() * w;
            add_product(
                (
                    &mut by_position[(ky * s.kw + kx) * cc * s.out..],
                    View::rows(cc, s.out, s.out).t(),
                ),
                (
                    &grad_t[ys.start * w * s.out..],
                    View::rows(n, s.out, s.out).t(),
                ),
                (&moved[first * w..], View::rows(cc, n, pixels).t()),
            );
        }
    }
    for (k, position) in by_position.chunks_exact(cc * s.out).enumerate() {
        for (i, values) in position.chunks_exact(s.out).enumerate() {
            for (o, &v) in values.iter().enumerate() {
                part[o * cols.len() + i * kernel + k] += v;
            }
        }
    }
}
