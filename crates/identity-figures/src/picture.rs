//! An image as a figure keeps it: 8-bit grey levels, written in JSON as base64, so that a
//! figure's data carries its pictures (the page draws them) at a byte a pixel.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use identity_core::data::{DataError, Image};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A square grey image of 8-bit levels (0 black, 255 white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    side: usize,
    levels: Vec<u8>,
}

impl Picture {
    /// An image's grey levels, clamped to [0, 1].
    pub fn of(image: &Image) -> Self {
        Picture {
            side: image.side(),
            levels: image
                .pixels()
                .iter()
                .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
                .collect(),
        }
    }

    /// A map of any range (an activation, a singular vector) stretched to [0, 1] for display;
    /// a flat map is black.
    pub fn stretched(values: &[f32]) -> Result<Self, DataError> {
        let (lo, hi) = values
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            });
        let span = hi - lo;
        let pixels = values
            .iter()
            .map(|&v| if span > 0.0 { (v - lo) / span } else { 0.0 })
            .collect();
        Ok(Self::of(&Image::from_square(pixels)?))
    }

    /// The side in pixels.
    pub fn side(&self) -> usize {
        self.side
    }

    /// The image, levels back in [0, 1].
    pub fn image(&self) -> Image {
        let pixels = self.levels.iter().map(|&l| f32::from(l) / 255.0).collect();
        Image::new(self.side, pixels).expect("a picture holds side² finite levels")
    }
}

#[derive(Serialize, Deserialize)]
struct Written {
    side: usize,
    levels: String,
}

impl Serialize for Picture {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Written {
            side: self.side,
            levels: STANDARD.encode(&self.levels),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Picture {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let written = Written::deserialize(deserializer)?;
        let levels = STANDARD
            .decode(&written.levels)
            .map_err(|e| D::Error::custom(format!("picture levels: {e}")))?;
        if !(identity_core::data::MIN_SIDE..=identity_core::data::MAX_SIDE).contains(&written.side)
            || levels.len() != written.side * written.side
        {
            return Err(D::Error::custom(format!(
                "a picture of side {} has {} levels",
                written.side,
                levels.len()
            )));
        }
        Ok(Picture {
            side: written.side,
            levels,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_round_trip_through_json_and_refuse_a_wrong_size() {
        let image = Image::new(7, (0..49).map(|i| i as f32 / 48.0).collect()).unwrap();
        let picture = Picture::of(&image);
        let json = serde_json::to_string(&picture).unwrap();
        let back: Picture = serde_json::from_str(&json).unwrap();
        assert_eq!(back, picture);
        let restored = back.image();
        for (a, b) in restored.pixels().iter().zip(image.pixels()) {
            assert!((a - b).abs() <= 0.5 / 255.0 + 1e-6);
        }
        assert!(serde_json::from_str::<Picture>(r#"{"side":7,"levels":"AAAA"}"#).is_err());
        assert!(serde_json::from_str::<Picture>(r#"{"side":7,"levels":"!!"}"#).is_err());
    }

    #[test]
    fn a_map_is_stretched_and_a_flat_one_is_black() {
        let picture = Picture::stretched(&[-2.0; 49]).unwrap();
        assert!(picture.image().pixels().iter().all(|&v| v == 0.0));
        let picture =
            Picture::stretched(&(0..49).map(|i| i as f32 - 3.0).collect::<Vec<_>>()).unwrap();
        let pixels = picture.image();
        assert_eq!(pixels.pixels()[0], 0.0);
        assert_eq!(pixels.pixels()[48], 1.0);
    }
}
