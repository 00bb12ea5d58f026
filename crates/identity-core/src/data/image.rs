//! A square grey-level image with pixels in [0, 1]: the unit the paper trains and tests on.

use super::DataError;

/// The smallest image side the networks accept (the paper's Fig. 10 starts at 7 x 7).
pub const MIN_SIDE: usize = 7;
/// The largest image side the networks accept (the paper's Fig. 10 ends at 112 x 112).
pub const MAX_SIDE: usize = 112;
/// The side of MNIST and Fashion-MNIST images.
pub const MNIST_SIDE: usize = 28;

/// A square image, row-major, pixels in [0, 1] (values outside are allowed for network
/// outputs, which are not clamped).
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    side: usize,
    pixels: Vec<f32>,
}

impl Image {
    /// Wraps `pixels` as a `side` x `side` image.
    ///
    /// Fails when the length is not `side * side`, the side is outside
    /// [`MIN_SIDE`]..=[`MAX_SIDE`], or a pixel is not finite.
    pub fn new(side: usize, pixels: Vec<f32>) -> Result<Self, DataError> {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            return Err(DataError::Size(format!(
                "image side must be in {MIN_SIDE}..={MAX_SIDE}, got {side}"
            )));
        }
        if pixels.len() != side * side {
            return Err(DataError::Size(format!(
                "a {side} x {side} image needs {} pixels, got {}",
                side * side,
                pixels.len()
            )));
        }
        if let Some(i) = pixels.iter().position(|p| !p.is_finite()) {
            return Err(DataError::Size(format!("pixel {i} is not a finite number")));
        }
        Ok(Self { side, pixels })
    }

    /// Builds an image from unsigned bytes (0 = black, 255 = white).
    pub fn from_bytes(side: usize, bytes: &[u8]) -> Result<Self, DataError> {
        Self::new(side, bytes.iter().map(|&b| f32::from(b) / 255.0).collect())
    }

    /// An image of the side infers from a square pixel count (e.g. 784 -> 28 x 28).
    pub fn from_square(pixels: Vec<f32>) -> Result<Self, DataError> {
        let side = (pixels.len() as f64).sqrt().round() as usize;
        if side * side != pixels.len() {
            return Err(DataError::Size(format!(
                "{} pixels do not form a square image",
                pixels.len()
            )));
        }
        Self::new(side, pixels)
    }

    /// The side length in pixels.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The pixels, row-major.
    pub fn pixels(&self) -> &[f32] {
        &self.pixels
    }

    /// Consumes the image, returning its pixels.
    pub fn into_pixels(self) -> Vec<f32> {
        self.pixels
    }

    /// The pixels clamped to [0, 1] and rounded to bytes, for display and PNG files.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .map(|p| (p.clamp(0.0, 1.0) * 255.0).round() as u8)
            .collect()
    }

    /// The linear combination `weight * self + (1 - weight) * other` (the paper's test row
    /// shows a mix of two digits).
    pub fn mix(&self, other: &Image, weight: f32) -> Result<Image, DataError> {
        if self.side != other.side {
            return Err(DataError::Size(format!(
                "cannot mix a {0} x {0} image with a {1} x {1} one",
                self.side, other.side
            )));
        }
        let pixels = self
            .pixels
            .iter()
            .zip(&other.pixels)
            .map(|(a, b)| weight * a + (1.0 - weight) * b);
        Image::new(self.side, pixels.collect())
    }

    /// Resamples to `side` x `side`: bilinear interpolation (pixel centres at half-integers)
    /// when enlarging, area averaging when shrinking.
    pub fn resample(&self, side: usize) -> Result<Image, DataError> {
        if !(MIN_SIDE..=MAX_SIDE).contains(&side) {
            return Err(DataError::Size(format!(
                "image side must be in {MIN_SIDE}..={MAX_SIDE}, got {side}"
            )));
        }
        let axis = if side >= self.side {
            bilinear_weights
        } else {
            area_weights
        };
        let weights = axis(self.side, side);
        // Separable: rows first, then columns, with the same 1-D weights.
        let mut rows = vec![0.0f32; side * self.side];
        for y in 0..self.side {
            for (x, taps) in weights.iter().enumerate() {
                rows[y * side + x] = taps
                    .iter()
                    .map(|&(i, w)| w * self.pixels[y * self.side + i])
                    .sum();
            }
        }
        let mut out = vec![0.0f32; side * side];
        for (y, taps) in weights.iter().enumerate() {
            for x in 0..side {
                out[y * side + x] = taps.iter().map(|&(i, w)| w * rows[i * side + x]).sum();
            }
        }
        Image::new(side, out)
    }
}

/// For each output index, the (input index, weight) taps of linear interpolation with pixel
/// centres at half-integers, clamped at the borders.
fn bilinear_weights(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = from as f32 / to as f32;
    (0..to)
        .map(|o| {
            let centre = ((o as f32 + 0.5) * scale - 0.5).clamp(0.0, (from - 1) as f32);
            let lo = centre.floor() as usize;
            let hi = (lo + 1).min(from - 1);
            let t = centre - lo as f32;
            vec![(lo, 1.0 - t), (hi, t)]
        })
        .collect()
}

/// For each output index, the (input index, weight) taps that average the input cells the
/// output cell covers, weighted by overlap.
fn area_weights(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = from as f32 / to as f32;
    (0..to)
        .map(|o| {
            let (start, end) = (o as f32 * scale, (o + 1) as f32 * scale);
            let mut taps = Vec::new();
            let mut i = start.floor() as usize;
            while (i as f32) < end && i < from {
                let overlap = end.min((i + 1) as f32) - start.max(i as f32);
                if overlap > 0.0 {
                    taps.push((i, overlap / scale));
                }
                i += 1;
            }
            taps
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(side: usize) -> Image {
        let pixels = (0..side * side).map(|i| (i % side) as f32 / (side - 1) as f32);
        Image::new(side, pixels.collect()).unwrap()
    }

    #[test]
    fn rejects_bad_sizes_with_the_value() {
        let err = Image::new(3, vec![0.0; 9]).unwrap_err().to_string();
        assert!(err.contains("got 3"), "{err}");
        let err = Image::new(28, vec![0.0; 10]).unwrap_err().to_string();
        assert!(err.contains("needs 784 pixels, got 10"), "{err}");
        assert!(Image::new(7, vec![f32::NAN; 49]).is_err());
        assert!(Image::from_square(vec![0.0; 50]).is_err());
        assert!(ramp(28).resample(200).is_err());
    }

    #[test]
    fn resampling_28_to_56_and_back_returns_the_image() {
        // Bilinear up by 2 then area down by 2 averages each pixel with its neighbours at
        // weight 1/16 per side; on a smooth ramp the round trip is exact away from borders
        // and within 0.02 at them.
        let image = ramp(28);
        let back = image.resample(56).unwrap().resample(28).unwrap();
        let worst = image
            .pixels()
            .iter()
            .zip(back.pixels())
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst < 0.02, "max abs error {worst}");
    }

    #[test]
    fn area_shrinking_preserves_the_mean() {
        let image = ramp(28);
        let small = image.resample(7).unwrap();
        let mean = |im: &Image| im.pixels().iter().sum::<f32>() / im.pixels().len() as f32;
        assert!((mean(&image) - mean(&small)).abs() < 1e-5);
    }

    #[test]
    fn mixing_two_images() {
        let a = Image::new(7, vec![1.0; 49]).unwrap();
        let b = Image::new(7, vec![0.0; 49]).unwrap();
        assert!(
            a.mix(&b, 0.25)
                .unwrap()
                .pixels()
                .iter()
                .all(|&p| (p - 0.25).abs() < 1e-6)
        );
        assert!(a.mix(&ramp(8), 0.5).is_err());
    }
}
