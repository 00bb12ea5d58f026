//! `dst = lhs x rhs` or `dst += lhs x rhs` for matrices laid out anywhere in a slice, on the
//! `gemm` crate (flex's own matrix product), on one thread: the convolution shares its work
//! among the cores itself ([`super::cpu`]).

use super::transpose::Put;

/// A matrix inside a slice: `rows` x `cols`, element `(i, j)` at `i * row + j * col`.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// The step between rows.
    pub row: usize,
    /// The step between columns.
    pub col: usize,
}

impl View {
    /// A `rows` x `cols` matrix stored row after row, each `row` values apart.
    pub fn rows(rows: usize, cols: usize, row: usize) -> View {
        View {
            rows,
            cols,
            row,
            col: 1,
        }
    }

    /// The transpose (the same elements).
    pub fn t(self) -> View {
        View {
            rows: self.cols,
            cols: self.rows,
            row: self.col,
            col: self.row,
        }
    }

    /// Whether `values` holds every element (gemm reads raw pointers).
    fn fits(&self, values: usize) -> bool {
        self.rows == 0
            || self.cols == 0
            || (self.rows - 1) * self.row + (self.cols - 1) * self.col < values
    }
}

/// Over how many of its kernel's columns at a time `gemm` (on one thread) reads a product's
/// left factor in place instead of packing it first, when its columns are contiguous: 256,
/// its most (products up to 1,536 columns wide, as every one of ours on a 28 x 28 image
/// is). The weight gradient's left factor (the output gradient, channels last, `[out,
/// pixels]`) was packed again for every kernel position (the 128-channel weight gradients
/// 17.7-18.0 against 18.5-18.9 ms a step on one thread; forwards and input gradients
/// unchanged). A setting of the whole process: flex's own products at batch 1 (the FCNs)
/// take other paths, their steps the same within the noise.
const LHS_READ_IN_PLACE: usize = 256;

/// `dst = lhs x rhs` or `dst += lhs x rhs`, as `put` says (`gemm` itself computes a
/// destination stored row after row as its transpose, the layout its kernels prefer).
pub(super) fn product(
    (dst, d, put): (&mut [f32], View, Put),
    lhs: (&[f32], View),
    rhs: (&[f32], View),
) {
    static SETTING: std::sync::Once = std::sync::Once::new();
    SETTING.call_once(|| gemm::set_lhs_packing_threshold_single_thread(LHS_READ_IN_PLACE));
    let ((lhs, l), (rhs, r)) = (lhs, rhs);
    assert!(
        d.rows == l.rows && l.cols == r.rows && r.cols == d.cols,
        "product: shapes {d:?} = {l:?} x {r:?}"
    );
    assert!(
        d.fits(dst.len()) && l.fits(lhs.len()) && r.fits(rhs.len()),
        "product: a matrix outside its slice"
    );
    let (m, n, k) = (d.rows, d.cols, l.cols);
    if m == 0 || n == 0 {
        return;
    }
    if k == 0 {
        // An empty sum: gemm would leave `dst` as it was.
        if put == Put::Set {
            for i in 0..m {
                for j in 0..n {
                    dst[i * d.row + j * d.col] = 0.0;
                }
            }
        }
        return;
    }
    // SAFETY: the asserts above keep every element gemm touches inside the three slices,
    // and `dst` is borrowed mutably, so it overlaps neither factor.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            d.col as isize,
            d.row as isize,
            put == Put::Add,
            lhs.as_ptr(),
            l.col as isize,
            l.row as isize,
            rhs.as_ptr(),
            r.col as isize,
            r.row as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Put::Set` writes over what the destination held, `Put::Add` adds to it; an empty sum
    /// (no inner dimension) sets zeros or adds nothing.
    #[test]
    fn sets_or_adds_the_product() {
        let (lhs, rhs) = ([1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]);
        let square = View::rows(2, 2, 2);
        let (set, added) = ([19.0, 22.0, 43.0, 50.0], [20.0, 23.0, 44.0, 51.0]);
        for (put, expected) in [(Put::Set, set), (Put::Add, added)] {
            let mut dst = [1.0; 4];
            product((&mut dst, square, put), (&lhs, square), (&rhs, square));
            assert_eq!(dst, expected, "{put:?}");
        }
        let (empty_lhs, empty_rhs) = (View::rows(2, 0, 0), View::rows(0, 2, 2));
        for (put, expected) in [(Put::Set, [0.0; 4]), (Put::Add, [1.0; 4])] {
            let mut dst = [1.0; 4];
            product((&mut dst, square, put), (&[], empty_lhs), (&[], empty_rhs));
            assert_eq!(dst, expected, "{put:?}, an empty sum");
        }
    }
}
