//! A matrix copied into its transpose, in tiles: whatever the two layouts' strides, the
//! reads and the writes of a tile each stay within a few cache lines (value by value, a
//! large matrix's strided side would miss the cache, and its pages, on every value).

/// The side of a tile: a cache line of `f32`.
const TILE: usize = 16;

/// `put(&mut dst[j * dst_row + i], src[i * src_row + j])` for `i < rows`, `j < cols`.
pub(super) fn transpose(
    (src, src_row): (&[f32], usize),
    (dst, dst_row): (&mut [f32], usize),
    (rows, cols): (usize, usize),
    put: impl Fn(&mut f32, f32),
) {
    // A band of the destination's rows at a time, each written along its length; a tile's
    // source rows are copied out whole first, so no value is read on its own. A whole tile's
    // rows move as arrays of `TILE` (a copy of a length known only at run time was a call
    // into `memcpy` for every row, a third of the time of a 128-channel layer's transposes).
    let mut tile = [[0.0f32; TILE]; TILE];
    for first_col in (0..cols).step_by(TILE) {
        let width = TILE.min(cols - first_col);
        for first_row in (0..rows).step_by(TILE) {
            let height = TILE.min(rows - first_row);
            for (r, row) in tile.iter_mut().enumerate().take(height) {
                let line = &src[(first_row + r) * src_row + first_col..][..width];
                match <&[f32; TILE]>::try_from(line) {
                    Ok(line) => *row = *line,
                    Err(_) => row[..width].copy_from_slice(line),
                }
            }
            for c in 0..width {
                let run = &mut dst[(first_col + c) * dst_row + first_row..][..height];
                match <&mut [f32; TILE]>::try_from(&mut *run) {
                    Ok(whole) => put_column(whole, &tile, c, &put),
                    Err(_) => put_column(run, &tile, c, &put),
                }
            }
        }
    }
}

/// `put(&mut run[r], tile[r][c])` for each `r` of `run`; inlined, so that a whole tile's run
/// (an array) is written with its length known.
#[inline(always)]
fn put_column(run: &mut [f32], tile: &[[f32; TILE]; TILE], c: usize, put: &impl Fn(&mut f32, f32)) {
    for (to, row) in run.iter_mut().zip(tile) {
        put(to, row[c]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transposes_between_strided_layouts() {
        // A 3 x 20 matrix in rows of 21 values, into rows of 4 (more than one tile of columns).
        let (rows, cols) = (3, 20);
        let src: Vec<f32> = (0..rows * 21).map(|v| v as f32).collect();
        let mut dst = vec![-1.0; cols * 4];
        transpose((&src, 21), (&mut dst, 4), (rows, cols), |to, v| *to = v);
        for j in 0..cols {
            for i in 0..rows {
                assert_eq!(dst[j * 4 + i], src[i * 21 + j], "({i}, {j})");
            }
            assert_eq!(dst[j * 4 + 3], -1.0, "the gap between rows is left alone");
        }
        transpose((&src, 21), (&mut dst, 4), (rows, cols), |to, v| *to += v);
        assert_eq!(dst[5 * 4 + 2], 2.0 * src[2 * 21 + 5]);
    }
}
