//! The Winograd form F(2 x 2, 5 x 5) (Lavin and Gray, "Fast Algorithms for Convolutional
//! Neural Networks", CVPR 2016) for 5 x 5 kernels, the paper's: each 2 x 2 block of output
//! pixels (a tile) is computed from the 6 x 6 input pixels it reads, moved into a space where
//! the convolution is a product value by value, so a tile takes 36 multiplications per pair
//! of channels instead of 100. The products of all tiles at one of the 36 points are one
//! matrix product (`[out, channels]` by `[channels, tiles]`): 2.8 times fewer multiply-adds
//! than the shifted form's 25 products over every pixel. The moves into and out of that
//! space (the input's `Bᵀ d B`, the weights' `G g Gᵀ`, the products' `Aᵀ m A`) run on a
//! vector of channels at a time, along the rows of a block and then down its columns,
//! compiled for the widest vectors the CPU has (pulp's dispatch). The matrices are those of the points 0, 1,
//! -1, 2, -2 and infinity; `Bᵀ` and `Aᵀ` are small integers, exact in `f32`.

use std::ops::Range;

use pulp::{Simd, WithSimd};

use super::cpu::each_chunk;
use super::product::{View, product};
use super::scratch::Scratch;
use super::shape::Shape;
use super::shifted;
use super::transpose::{Put, transpose};

/// The kernel side this form computes.
const R: usize = 5;
/// The side of an output tile.
const M: usize = 2;
/// The side of the input block a tile reads, and of the space its products run in.
const A: usize = M + R - 1;

/// One vector of channels (as many as the CPU's vectors hold: `S::F32_LANES`), added, taken
/// and scaled channel by channel, one instruction each.
struct Lanes<S: Simd>(S, S::f32s);

impl<S: Simd> Clone for Lanes<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Simd> Copy for Lanes<S> {}

impl<S: Simd> Lanes<S> {
    /// Zero in every channel.
    #[inline(always)]
    fn zero(simd: S) -> Self {
        Lanes(simd, simd.splat_f32s(0.0))
    }

    /// Up to a vector of values from the start of `values` (`n` of them), zeros after.
    #[inline(always)]
    fn load(simd: S, values: &[f32], n: usize) -> Self {
        Lanes(simd, simd.partial_load_f32s(&values[..n]))
    }

    /// The first `n` channels to the start of `values`.
    #[inline(always)]
    fn store(self, values: &mut [f32], n: usize) {
        self.0.partial_store_f32s(&mut values[..n], self.1);
    }
}

impl<S: Simd> std::ops::Add for Lanes<S> {
    type Output = Self;

    #[inline(always)]
    fn add(self, other: Self) -> Self {
        Lanes(self.0, self.0.add_f32s(self.1, other.1))
    }
}

impl<S: Simd> std::ops::Sub for Lanes<S> {
    type Output = Self;

    #[inline(always)]
    fn sub(self, other: Self) -> Self {
        Lanes(self.0, self.0.sub_f32s(self.1, other.1))
    }
}

impl<S: Simd> std::ops::Mul<Lanes<S>> for f32 {
    type Output = Lanes<S>;

    #[inline(always)]
    fn mul(self, x: Lanes<S>) -> Lanes<S> {
        Lanes(x.0, x.0.mul_f32s(x.0.splat_f32s(self), x.1))
    }
}

/// The vectors `S` cuts `len` values into: each one's first value and how many it holds.
#[inline(always)]
fn vectors<S: Simd>(len: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..len)
        .step_by(S::F32_LANES)
        .map(move |start| (start, S::F32_LANES.min(len - start)))
}

/// Whether this form computes a convolution of shape `s`.
pub(super) fn fits(s: &Shape) -> bool {
    s.kh == R && s.kw == R
}

/// A move along one row or column of a block: `I` values in, `O` out (an associated
/// function, not a closure, so that it is inlined into the code compiled for the CPU's
/// vectors).
trait Line<const I: usize, const O: usize> {
    /// The values moved.
    fn line<S: Simd>(x: &[Lanes<S>; I]) -> [Lanes<S>; O];
}

/// `Bᵀ d`: an input block's.
struct InputLine;

/// `G g`: a kernel's.
struct KernelLine;

/// `Aᵀ m`: a tile's products', back to its outputs.
struct OutputLine;

impl Line<A, A> for InputLine {
    #[inline(always)]
    fn line<S: Simd>(&[d0, d1, d2, d3, d4, d5]: &[Lanes<S>; A]) -> [Lanes<S>; A] {
        [
            4.0 * d0 - 5.0 * d2 + d4,
            d3 + d4 - 4.0 * (d1 + d2),
            4.0 * (d1 - d2) - d3 + d4,
            2.0 * (d3 - d1) - d2 + d4,
            2.0 * (d1 - d3) - d2 + d4,
            4.0 * d1 - 5.0 * d3 + d5,
        ]
    }
}

impl Line<R, A> for KernelLine {
    #[inline(always)]
    fn line<S: Simd>(&[g0, g1, g2, g3, g4]: &[Lanes<S>; R]) -> [Lanes<S>; A] {
        let (even, odd) = (g0 + g2 + g4, g1 + g3);
        let (even4, odd4) = (0.25 * g0 + g2 + 4.0 * g4, 0.5 * g1 + 2.0 * g3);
        [
            0.25 * g0,
            (-1.0 / 6.0) * (even + odd),
            (-1.0 / 6.0) * (even - odd),
            (1.0 / 6.0) * (even4 + odd4),
            (1.0 / 6.0) * (even4 - odd4),
            g4,
        ]
    }
}

impl Line<A, M> for OutputLine {
    #[inline(always)]
    fn line<S: Simd>(&[m0, m1, m2, m3, m4, m5]: &[Lanes<S>; A]) -> [Lanes<S>; M] {
        [m0 + m1 + m2 + m3 + m4, m1 - m2 + 2.0 * (m3 - m4) + m5]
    }
}

/// `L` along every row of the square block `x` (its value at row `i`, column `j`), then
/// down every column: `put(p, q, value)` for each value of `L x Lᵀ`.
#[inline(always)]
fn both_ways<S: Simd, L: Line<I, O>, const I: usize, const O: usize>(
    simd: S,
    x: impl Fn(usize, usize) -> Lanes<S>,
    mut put: impl FnMut(usize, usize, Lanes<S>),
) {
    let zero = Lanes::zero(simd);
    let mut rows = [[zero; O]; I];
    for (i, row) in rows.iter_mut().enumerate() {
        let mut values = [zero; I];
        for (j, value) in values.iter_mut().enumerate() {
            *value = x(i, j);
        }
        *row = L::line(&values);
    }
    for q in 0..O {
        let mut column = [zero; I];
        for (value, row) in column.iter_mut().zip(&rows) {
            *value = row[q];
        }
        for (p, value) in L::line(&column).into_iter().enumerate() {
            put(p, q, value);
        }
    }
}

/// A layer's weights moved to the products' space, for output channels `outs` of its own
/// convolution or, with `turn`, of its input gradient's: `[A * A, matrix]`, each point's
/// matrix laid out as [`shifted::weights`] lays a kernel position's (`[outs.len(),
/// channels]`, or turned `[out, outs.len()]`).
pub(super) fn weights(s: &Shape, weight: &[f32], turn: bool, outs: Range<usize>) -> Scratch {
    let laid = shifted::weights(s, weight, turn, outs);
    let matrix = laid.len() / (R * R);
    let mut moved = Scratch::take(A * A * matrix);
    pulp::Arch::new().dispatch(MoveWeights {
        laid: &laid,
        turn,
        moved: &mut moved,
    });
    moved
}

/// [`weights`]' moves, a vector of values of every position's matrix at a time.
struct MoveWeights<'a> {
    /// `[R * R, matrix]`.
    laid: &'a [f32],
    /// The input gradient's: its kernel the layer's turned half a turn (its position `k` the
    /// layer's `R * R - 1 - k`).
    turn: bool,
    /// `[A * A, matrix]`.
    moved: &'a mut [f32],
}

impl WithSimd for MoveWeights<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let matrix = self.laid.len() / (R * R);
        for (start, n) in vectors::<S>(matrix) {
            let position = |ky: usize, kx: usize| {
                let k = ky * R + kx;
                if self.turn { R * R - 1 - k } else { k }
            };
            both_ways::<S, KernelLine, R, A>(
                simd,
                |ky, kx| Lanes::load(simd, &self.laid[position(ky, kx) * matrix + start..], n),
                |xi, nu, u| u.store(&mut self.moved[(xi * A + nu) * matrix + start..], n),
            );
        }
    }
}

/// Image `x` (`[channels, h, w]`) moved for output rows `rows`: every tile's input block
/// (`Bᵀ d B`), `[tiles, A * A, channels]`, the tiles shared among `cores` cores.
pub(super) fn input(s: &Shape, x: &[f32], rows: Range<usize>, cores: usize) -> Scratch {
    let (w, channels) = (s.w, s.channels);
    let read = s.rows_read(rows.clone());
    // The rows read, channels last: `[read.len() * w, channels]`.
    let mut by_pixel = Scratch::take(read.len() * w * channels);
    transpose(
        (&x[read.start * w..], s.pixels()),
        (&mut by_pixel, channels),
        (channels, read.len() * w),
        Put::Set,
    );
    let tiles = Tiles { s: *s, rows };
    let block = A * A * channels;
    let mut blocks = Scratch::take(tiles.count() * block);
    let per_core = tiles.count().div_ceil(cores).max(1);
    each_chunk(&mut blocks, per_core * block, |i, blocks| {
        pulp::Arch::new().dispatch(MoveInput {
            tiles: &tiles,
            first: i * per_core,
            read: read.start,
            by_pixel: &by_pixel,
            blocks,
        })
    });
    blocks
}

/// Adds to `part` (`[out, rows.len() * w]`, row by row) the convolution at output rows
/// `rows` of an image moved by [`input`] (`blocks`) by weights moved by [`weights`] for `out`
/// output channels (with `turned`, the input gradient's; `s` is then [`Shape::turned`]).
/// Like the shifted form, it runs channels last: each point's product `[tiles, out]`, the
/// outputs `[pixels, out]` transposed into `part` at the end.
pub(super) fn forward_rows(
    s: &Shape,
    blocks: &[f32],
    (moved, turned): (&[f32], bool),
    (out, rows): (usize, Range<usize>),
    part: &mut [f32],
) {
    let (w, channels) = (s.w, s.channels);
    let tiles = Tiles {
        s: *s,
        rows: rows.clone(),
    };
    // One product per point: `[tiles, out]` of `[tiles, A * A, out]`.
    let lhs = if turned {
        View::rows(channels, out, out).t()
    } else {
        View::rows(out, channels, channels)
    };
    let (count, matrix) = (tiles.count(), out * channels);
    let mut products = Scratch::take(count * A * A * out);
    for point in 0..A * A {
        product(
            (
                &mut products[point * out..],
                View::rows(count, out, A * A * out).t(),
                Put::Set,
            ),
            (&moved[point * matrix..], lhs),
            (
                &blocks[point * channels..],
                View::rows(count, channels, A * A * channels).t(),
            ),
        );
    }
    let mut sums = Scratch::take(rows.len() * w * out);
    pulp::Arch::new().dispatch(MoveBack {
        tiles: &tiles,
        out,
        products: &products,
        sums: &mut sums,
    });
    transpose(
        (&sums, out),
        (part, rows.len() * w),
        (rows.len() * w, out),
        Put::Add,
    );
}

/// The tiles of output rows `rows` of a convolution of shape `s`: two by two from the first
/// row and column, the last of each reaching a row or column past the end when their count
/// is odd (its value dropped).
struct Tiles {
    /// The convolution run.
    s: Shape,
    /// The output rows.
    rows: Range<usize>,
}

impl Tiles {
    /// Tiles in a row.
    fn across(&self) -> usize {
        self.s.w.div_ceil(M)
    }

    /// How many tiles there are.
    fn count(&self) -> usize {
        self.across() * self.rows.len().div_ceil(M)
    }

    /// Tile `tile`'s first output row (counted from `rows.start`) and column.
    fn corner(&self, tile: usize) -> (usize, usize) {
        (tile / self.across() * M, tile % self.across() * M)
    }
}

/// Every tile's input block moved (`Bᵀ d B`), a vector of channels at a time: the pixels outside
/// the rows read count as zeros (the image's padding, or rows a dropped output alone reads).
struct MoveInput<'a> {
    /// All the tiles.
    tiles: &'a Tiles,
    /// The first tile moved here.
    first: usize,
    /// The first row read.
    read: usize,
    /// The rows read, channels last: `[rows, w, channels]`.
    by_pixel: &'a [f32],
    /// Tiles from `first` on: `[tiles, A * A, channels]`.
    blocks: &'a mut [f32],
}

impl WithSimd for MoveInput<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let Tiles { s, rows } = self.tiles;
        let (w, channels, pad) = (s.w as isize, s.channels, (R / 2) as isize);
        let read_rows = (self.by_pixel.len() / channels) as isize / w;
        let block = A * A * channels;
        for (i, blocks) in self.blocks.chunks_exact_mut(block).enumerate() {
            let (y, x) = self.tiles.corner(self.first + i);
            // The block's corner among the rows read.
            let y0 = (rows.start + y - self.read) as isize - pad;
            let x0 = x as isize - pad;
            for (start, n) in vectors::<S>(channels) {
                let pixel = |a: usize, b: usize| {
                    let (y, x) = (y0 + a as isize, x0 + b as isize);
                    if !(0..read_rows).contains(&y) || !(0..w).contains(&x) {
                        return Lanes::zero(simd);
                    }
                    let at = (y * w + x) as usize * channels + start;
                    Lanes::load(simd, &self.by_pixel[at..], n)
                };
                both_ways::<S, InputLine, A, A>(simd, pixel, |xi, nu, v| {
                    v.store(&mut blocks[(xi * A + nu) * channels + start..], n)
                });
            }
        }
    }
}

/// Every tile's outputs from its products (`Aᵀ m A`), a vector of output channels at a time.
struct MoveBack<'a> {
    /// All the tiles.
    tiles: &'a Tiles,
    /// The output channels (of this share).
    out: usize,
    /// `[tiles, A * A, out]`.
    products: &'a [f32],
    /// The output rows, channels last: `[rows.len(), w, out]`; each value is written (every
    /// pixel is one tile's).
    sums: &'a mut [f32],
}

impl WithSimd for MoveBack<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: Simd>(self, simd: S) {
        let (Tiles { s, rows }, out) = (self.tiles, self.out);
        let w = s.w;
        let count = self.tiles.count();
        for tile in 0..count {
            let (y0, x0) = self.tiles.corner(tile);
            for (start, n) in vectors::<S>(out) {
                let product = |xi: usize, nu: usize| {
                    let point = xi * A + nu;
                    Lanes::load(
                        simd,
                        &self.products[(tile * A * A + point) * out + start..],
                        n,
                    )
                };
                both_ways::<S, OutputLine, A, M>(simd, product, |i, j, y| {
                    if y0 + i < rows.len() && x0 + j < w {
                        y.store(&mut self.sums[((y0 + i) * w + x0 + j) * out + start..], n);
                    }
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The moves compute a correlation of five values over six exactly: `Aᵀ (G g ⊙ Bᵀ d)` is
    /// `Σ g[k] d[i + k]` for both outputs `i`.
    #[test]
    fn moves_compute_a_correlation() {
        let g: [f32; R] = std::array::from_fn(|k| k as f32 * 0.5 - 1.0);
        let d: [f32; A] = std::array::from_fn(|t| (t * t) as f32 * 0.25 - t as f32);
        // One channel at a time: pulp's scalar "vectors".
        let simd = pulp::Scalar;
        let (u, v) = (
            KernelLine::line(&g.map(|g| Lanes(simd, g))),
            InputLine::line(&d.map(|d| Lanes(simd, d))),
        );
        let m: [Lanes<_>; A] = std::array::from_fn(|p| Lanes(simd, u[p].1 * v[p].1));
        let y = OutputLine::line(&m);
        for i in 0..M {
            let expected: f32 = (0..R).map(|k| g[k] * d[i + k]).sum();
            assert!(
                (y[i].1 - expected).abs() <= 1e-5 * expected.abs().max(1.0),
                "output {i}: {} against {expected}",
                y[i].1
            );
        }
    }
}
