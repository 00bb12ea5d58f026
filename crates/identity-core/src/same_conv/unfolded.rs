//! The unfolded form ("im2col"): every kernel position's view of the image copied into the
//! rows of one matrix, `[channels * kh * kw, pixels]`, so the convolution is one matrix
//! product whose inner dimension is all the weights of an output channel. It pays for the
//! copy and computes the zeros beyond the border, and wins where the shifted form's inner
//! dimension (the channels) is too short for a matrix product to run at speed.

use std::borrow::Cow;
use std::ops::Range;

use super::product::{View, product};
use super::shape::Shape;
use super::transpose::Put;

/// Rows `unfolded` (row `c * kh * kw + ky * kw + kx` is channel `c` as kernel position
/// `(ky, kx)` reads it) of one image `x`'s unfolded matrix, at output rows `rows`, into `u`
/// (`[unfolded.len(), rows.len() * w]`).
fn unfold(s: &Shape, x: &[f32], unfolded: Range<usize>, rows: Range<usize>, u: &mut [f32]) {
    let (w, pad, n) = (s.w, s.kh / 2, rows.len() * s.w);
    for (i, r) in unfolded.enumerate() {
        let (c, k) = (r / s.kernel(), r % s.kernel());
        let (ky, kx) = (k / s.kw, k % s.kw);
        let inside = s.rows_reading(ky, rows.clone());
        for (j, y) in rows.clone().enumerate() {
            let line = &mut u[i * n + j * w..][..w];
            if inside.contains(&y) {
                let read = &x[c * s.pixels() + (y + ky - pad) * w..][..w];
                s.move_row(read, kx, line);
            } else {
                line.fill(0.0);
            }
        }
    }
}

/// A layer's weights (`[out, channels, kh, kw]`, its shape `s`) for output channels `outs`
/// of its own convolution, as they are, or with `turn` of its input gradient's
/// ([`Shape::turned`]): `[outs.len(), out, kh, kw]`, each kernel rotated half a turn.
pub(super) fn weights<'a>(
    s: &Shape,
    weight: &'a [f32],
    turn: bool,
    outs: Range<usize>,
) -> Cow<'a, [f32]> {
    let kernel = s.kernel();
    if !turn {
        return Cow::Borrowed(
            &weight[outs.start * s.channels * kernel..outs.end * s.channels * kernel],
        );
    }
    let mut turned = vec![0.0; outs.len() * s.out * kernel];
    for o in 0..s.out {
        for (i, c) in outs.clone().enumerate() {
            let from = &weight[(o * s.channels + c) * kernel..][..kernel];
            let to = &mut turned[(i * s.out + o) * kernel..][..kernel];
            for (t, &v) in to.iter_mut().zip(from.iter().rev()) {
                *t = v;
            }
        }
    }
    Cow::Owned(turned)
}

/// Adds to `part` (`[out, rows.len() * w]`, row by row) the convolution of one image `x`
/// (`[channels, h, w]`) by `weight` (`[out, channels, kh, kw]`) at output rows `rows`.
pub(super) fn forward_rows(
    s: &Shape,
    x: &[f32],
    weight: &[f32],
    (out, rows): (usize, Range<usize>),
    part: &mut [f32],
) {
    let (k, n) = (s.unfolded(), rows.len() * s.w);
    let mut u = vec![0.0; k * n];
    unfold(s, x, 0..k, rows, &mut u);
    product(
        (part, View::rows(out, n, n), Put::Add),
        (weight, View::rows(out, k, k)),
        (&u, View::rows(k, n, n)),
    );
}

/// Adds to `part` (`[out, cols.len()]`) columns `cols` of the weight gradient (`[out,
/// channels * kh * kw]`) of one image `x` with output gradient `grad` (`[out, h, w]`).
pub(super) fn weight_grad_cols(
    s: &Shape,
    x: &[f32],
    grad: &[f32],
    cols: Range<usize>,
    part: &mut [f32],
) {
    let (n, width) = (s.pixels(), cols.len());
    let mut u = vec![0.0; width * n];
    unfold(s, x, cols, 0..s.h, &mut u);
    product(
        (part, View::rows(s.out, width, width), Put::Add),
        (grad, View::rows(s.out, n, n)),
        (&u, View::rows(width, n, n).t()),
    );
}
