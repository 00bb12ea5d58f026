//! A matrix copied (or added) into its transpose, in blocks of 8 x 8: eight source rows at a
//! time, read along their length, each block turned around in registers. On x86-64 with AVX a
//! block is eight 256-bit loads, 24 shuffles and eight stores; elsewhere (and at the edges
//! the blocks leave) value by value. Value by value with no blocks, a large matrix's strided
//! side would miss the cache on every value.

/// The side of a block: a 256-bit vector of `f32`.
const BLOCK: usize = 8;

/// How a value goes into its place: a transposed one here, a product's in [`super::product`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Put {
    /// Over what was there.
    Set,
    /// Added to what was there.
    Add,
}

impl Put {
    #[inline(always)]
    fn apply(self, to: &mut f32, v: f32) {
        match self {
            Put::Set => *to = v,
            Put::Add => *to += v,
        }
    }
}

/// `dst[j * dst_row + i]` set to, or added `src[i * src_row + j]`, for `i < rows`, `j < cols`.
pub(super) fn transpose(
    (src, src_row): (&[f32], usize),
    (dst, dst_row): (&mut [f32], usize),
    (rows, cols): (usize, usize),
    put: Put,
) {
    if rows == 0 || cols == 0 {
        return;
    }
    #[cfg(target_arch = "x86_64")]
    let avx = std::arch::is_x86_feature_detected!("avx");
    for first_row in (0..rows).step_by(BLOCK) {
        let height = BLOCK.min(rows - first_row);
        let mut first_col = 0;
        while height == BLOCK && first_col + BLOCK <= cols {
            let src = (&src[first_row * src_row + first_col..], src_row);
            let dst = (&mut dst[first_col * dst_row + first_row..], dst_row);
            #[cfg(target_arch = "x86_64")]
            if avx {
                // SAFETY: this CPU has AVX (detected above).
                unsafe { avx::block(src, dst, put) };
                first_col += BLOCK;
                continue;
            }
            block(src, dst, put);
            first_col += BLOCK;
        }
        // What the blocks leave: the last columns, or a last band of fewer than eight rows.
        for j in first_col..cols {
            let run = &mut dst[j * dst_row + first_row..][..height];
            for (i, to) in run.iter_mut().enumerate() {
                put.apply(to, src[(first_row + i) * src_row + j]);
            }
        }
    }
}

/// One 8 x 8 block, value by value: `dst[j * dst_row + i]` from `src[i * src_row + j]`.
fn block((src, src_row): (&[f32], usize), (dst, dst_row): (&mut [f32], usize), put: Put) {
    let mut tile = [[0.0f32; BLOCK]; BLOCK];
    for (i, row) in tile.iter_mut().enumerate() {
        row.copy_from_slice(&src[i * src_row..][..BLOCK]);
    }
    for j in 0..BLOCK {
        for (to, row) in dst[j * dst_row..][..BLOCK].iter_mut().zip(&tile) {
            put.apply(to, row[j]);
        }
    }
}

/// The 8 x 8 block in AVX registers.
#[cfg(target_arch = "x86_64")]
mod avx {
    use std::arch::x86_64::*;

    use super::{BLOCK, Put};

    /// One 8 x 8 block: `dst[j * dst_row + i]` from `src[i * src_row + j]`, in 256-bit
    /// vectors (pairs interleaved, then pairs of pairs, then the 128-bit halves swapped).
    #[target_feature(enable = "avx")]
    pub(super) fn block(
        (src, src_row): (&[f32], usize),
        (dst, dst_row): (&mut [f32], usize),
        put: Put,
    ) {
        let mut r = [_mm256_setzero_ps(); BLOCK];
        for (i, r) in r.iter_mut().enumerate() {
            let line = &src[i * src_row..][..BLOCK];
            // SAFETY: `line` holds the eight values loaded.
            *r = unsafe { _mm256_loadu_ps(line.as_ptr()) };
        }
        // Rows interleaved in pairs: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5].
        let t = [
            _mm256_unpacklo_ps(r[0], r[1]),
            _mm256_unpackhi_ps(r[0], r[1]),
            _mm256_unpacklo_ps(r[2], r[3]),
            _mm256_unpackhi_ps(r[2], r[3]),
            _mm256_unpacklo_ps(r[4], r[5]),
            _mm256_unpackhi_ps(r[4], r[5]),
            _mm256_unpacklo_ps(r[6], r[7]),
            _mm256_unpackhi_ps(r[6], r[7]),
        ];
        // Pairs of pairs: u0 = column 0 of rows 0-3 | column 4 of rows 0-3.
        let u = [
            _mm256_shuffle_ps::<0x44>(t[0], t[2]),
            _mm256_shuffle_ps::<0xEE>(t[0], t[2]),
            _mm256_shuffle_ps::<0x44>(t[1], t[3]),
            _mm256_shuffle_ps::<0xEE>(t[1], t[3]),
            _mm256_shuffle_ps::<0x44>(t[4], t[6]),
            _mm256_shuffle_ps::<0xEE>(t[4], t[6]),
            _mm256_shuffle_ps::<0x44>(t[5], t[7]),
            _mm256_shuffle_ps::<0xEE>(t[5], t[7]),
        ];
        // Rows 0-3 and 4-7 joined: column j whole.
        let columns = [
            _mm256_permute2f128_ps::<0x20>(u[0], u[4]),
            _mm256_permute2f128_ps::<0x20>(u[1], u[5]),
            _mm256_permute2f128_ps::<0x20>(u[2], u[6]),
            _mm256_permute2f128_ps::<0x20>(u[3], u[7]),
            _mm256_permute2f128_ps::<0x31>(u[0], u[4]),
            _mm256_permute2f128_ps::<0x31>(u[1], u[5]),
            _mm256_permute2f128_ps::<0x31>(u[2], u[6]),
            _mm256_permute2f128_ps::<0x31>(u[3], u[7]),
        ];
        for (j, column) in columns.into_iter().enumerate() {
            let run = &mut dst[j * dst_row..][..BLOCK];
            // SAFETY: `run` holds the eight values loaded and stored.
            unsafe {
                let column = match put {
                    Put::Set => column,
                    Put::Add => _mm256_add_ps(column, _mm256_loadu_ps(run.as_ptr())),
                };
                _mm256_storeu_ps(run.as_mut_ptr(), column);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The signature of [`transpose`].
    type Transpose = fn((&[f32], usize), (&mut [f32], usize), (usize, usize), Put);

    /// `transpose` (or another with its signature) against the definition, value by value.
    fn check(
        transpose: Transpose,
        (rows, cols): (usize, usize),
        (src_row, dst_row): (usize, usize),
    ) {
        let src: Vec<f32> = (0..(rows - 1) * src_row + cols).map(|v| v as f32).collect();
        let len = (cols - 1) * dst_row + rows;
        let start: Vec<f32> = (0..len).map(|v| -(v as f32) - 0.5).collect();
        for put in [Put::Set, Put::Add] {
            let mut dst = start.clone();
            transpose((&src, src_row), (&mut dst, dst_row), (rows, cols), put);
            let mut want = start.clone();
            for i in 0..rows {
                for j in 0..cols {
                    put.apply(&mut want[j * dst_row + i], src[i * src_row + j]);
                }
            }
            assert_eq!(
                dst, want,
                "{rows} x {cols}, rows of {src_row} into {dst_row}, {put:?}"
            );
        }
    }

    #[test]
    fn transposes_between_strided_layouts() {
        // Blocks only; blocks and the columns after them; a last band of fewer than eight
        // rows, the gaps between rows left alone (the values there checked with the rest);
        // fewer than eight rows and columns.
        check(transpose, (16, 24), (24, 16));
        check(transpose, (16, 25), (25, 16));
        check(transpose, (19, 37), (40, 21));
        check(transpose, (3, 20), (21, 4));
        check(transpose, (1, 7), (7, 1));
    }

    #[test]
    fn the_block_value_by_value_agrees() {
        // The block without AVX (wasm's), which an x86-64 CPU with AVX never runs otherwise.
        check(|src, dst, _, put| block(src, dst, put), (8, 8), (11, 9));
    }
}
