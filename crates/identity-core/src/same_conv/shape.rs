//! The sizes of one "same" convolution (odd kernel sides, `kernel / 2` zeros on each side,
//! stride 1) and the facts its forms rest on: which output rows a kernel row and which
//! output columns a kernel column read inside the image, and an input row moved sideways
//! by a kernel column.

use std::ops::Range;

/// The sizes of a "same" convolution of `channels` maps of `h` x `w` by `out` kernels of
/// `kh` x `kw` (odd) each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// Input channels.
    pub channels: usize,
    /// Output channels.
    pub out: usize,
    /// Image height.
    pub h: usize,
    /// Image width.
    pub w: usize,
    /// Kernel height (odd).
    pub kh: usize,
    /// Kernel width (odd).
    pub kw: usize,
}

impl Shape {
    /// The shape of convolving `x` (`[batch, channels, h, w]`) by `weight` (`[out, channels,
    /// kh, kw]`).
    pub fn new(x: &[usize], weight: &[usize]) -> Self {
        Shape {
            channels: x[1],
            out: weight[0],
            h: x[2],
            w: x[3],
            kh: weight[2],
            kw: weight[3],
        }
    }

    /// The shape of the input gradient's convolution: the output gradient convolved by the
    /// weights turned around ([`Shape::turned`]), channels and outputs swapped.
    pub fn turned(&self) -> Self {
        Shape {
            channels: self.out,
            out: self.channels,
            ..*self
        }
    }

    /// Pixels of one map.
    pub fn pixels(&self) -> usize {
        self.h * self.w
    }

    /// Values of one input image (all channels).
    pub fn input(&self) -> usize {
        self.channels * self.pixels()
    }

    /// Values of one output image (all channels).
    pub fn output(&self) -> usize {
        self.out * self.pixels()
    }

    /// Kernel positions.
    pub fn kernel(&self) -> usize {
        self.kh * self.kw
    }

    /// Weights of one output channel: the inner dimension of the unfolded product.
    pub fn unfolded(&self) -> usize {
        self.channels * self.kernel()
    }

    /// Multiply-adds of one image's convolution, zeros included (what decides sharing among
    /// the cores, which wasm does not).
    #[cfg(not(target_family = "wasm"))]
    pub fn products(&self) -> usize {
        self.out * self.unfolded() * self.pixels()
    }

    /// The output rows among `rows` that kernel row `ky` reads inside the image: output row
    /// `y` reads input row `y + ky - kh / 2`.
    pub fn rows_reading(&self, ky: usize, rows: Range<usize>) -> Range<usize> {
        let pad = self.kh / 2;
        let start = rows.start.max(pad.saturating_sub(ky));
        let end = rows.end.min((self.h + pad).saturating_sub(ky));
        start..end.max(start)
    }

    /// The output columns that kernel column `kx` reads inside the image: output column `x`
    /// reads input column `x + kx - kw / 2`.
    pub fn cols_reading(&self, kx: usize) -> Range<usize> {
        let pad = self.kw / 2;
        let start = pad.saturating_sub(kx).min(self.w);
        let end = (self.w + pad).saturating_sub(kx).min(self.w);
        start..end.max(start)
    }

    /// The input rows that output rows `rows` read under any kernel row.
    pub fn rows_read(&self, rows: Range<usize>) -> Range<usize> {
        let pad = self.kh / 2;
        rows.start.saturating_sub(pad)..(rows.end + pad).min(self.h)
    }

    /// `line` (one input row, `w` values) as kernel column `kx` reads it: `moved[x] =
    /// line[x + kx - kw / 2]`, zero outside the row.
    pub fn move_row(&self, line: &[f32], kx: usize, moved: &mut [f32]) {
        let (w, pad) = (self.w, self.kw / 2);
        if kx >= pad {
            let by = (kx - pad).min(w);
            moved[..w - by].copy_from_slice(&line[by..]);
            moved[w - by..].fill(0.0);
        } else {
            let by = (pad - kx).min(w);
            moved[..by].fill(0.0);
            moved[by..].copy_from_slice(&line[..w - by]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_rows_read_only_inside_the_image() {
        // 4 rows, a 5-row kernel: row 0 of the kernel reads 2 rows up.
        let s = Shape::new(&[1, 1, 4, 3], &[1, 1, 5, 1]);
        assert_eq!(s.rows_reading(0, 0..4), 2..4);
        assert_eq!(s.rows_reading(2, 0..4), 0..4);
        assert_eq!(s.rows_reading(4, 0..4), 0..2);
        assert_eq!(s.rows_reading(4, 2..4), 2..2);
        assert_eq!(s.rows_read(1..2), 0..4);
        // A kernel taller than twice the image: its first row reads nothing.
        let tall = Shape::new(&[1, 1, 2, 2], &[1, 1, 7, 1]);
        assert!(tall.rows_reading(0, 0..2).is_empty());
    }

    #[test]
    fn kernel_columns_read_only_inside_the_image() {
        // 4 columns, a 5-column kernel: column 0 of the kernel reads 2 columns left.
        let s = Shape::new(&[1, 1, 3, 4], &[1, 1, 1, 5]);
        assert_eq!(s.cols_reading(0), 2..4);
        assert_eq!(s.cols_reading(2), 0..4);
        assert_eq!(s.cols_reading(4), 0..2);
        // A kernel wider than twice the image: its outer columns read nothing.
        let wide = Shape::new(&[1, 1, 2, 2], &[1, 1, 1, 7]);
        assert!(wide.cols_reading(0).is_empty());
        assert!(wide.cols_reading(6).is_empty());
        assert_eq!(wide.cols_reading(3), 0..2);
    }

    #[test]
    fn a_kernel_column_moves_the_row_sideways() {
        let s = Shape::new(&[1, 1, 1, 4], &[1, 1, 1, 5]);
        let line = [1.0, 2.0, 3.0, 4.0];
        let mut moved = [9.0; 4];
        s.move_row(&line, 0, &mut moved);
        assert_eq!(moved, [0.0, 0.0, 1.0, 2.0]);
        s.move_row(&line, 2, &mut moved);
        assert_eq!(moved, line);
        s.move_row(&line, 4, &mut moved);
        assert_eq!(moved, [3.0, 4.0, 0.0, 0.0]);
        let wide = Shape::new(&[1, 1, 1, 4], &[1, 1, 1, 11]);
        wide.move_row(&line, 0, &mut moved);
        assert_eq!(moved, [0.0; 4]);
    }
}
