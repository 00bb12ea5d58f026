//! How blurred a map is (Fig. 8: layers "become less blurry" after training; Fig. 29: a
//! 128-channel net is smoother than a 3-channel one at initialization): the correlation of
//! the map with itself smoothed by a 3 x 3 box, borders repeated. A smooth map hardly changes
//! when smoothed again (near 1); a sharp or noisy one does (white noise: about 1/3).

use crate::measure::correlation;

/// The blur of a `side`-square map, row-major; `None` for a flat map.
pub fn blur(map: &[f32], side: usize) -> Option<f32> {
    assert_eq!(map.len(), side * side, "blur needs a side x side map");
    let clamp = |v: isize| v.clamp(0, side as isize - 1) as usize;
    let smoothed: Vec<f32> = (0..side as isize)
        .flat_map(|r| (0..side as isize).map(move |c| (r, c)))
        .map(|(r, c)| {
            let mut sum = 0.0;
            for dr in -1..=1 {
                for dc in -1..=1 {
                    sum += map[clamp(r + dr) * side + clamp(c + dc)];
                }
            }
            sum / 9.0
        })
        .collect();
    correlation(map, &smoothed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smooth_ramp_is_blurrier_than_a_checkerboard() {
        let side = 12;
        let ramp: Vec<f32> = (0..side * side).map(|i| (i % side) as f32).collect();
        let checks: Vec<f32> = (0..side * side)
            .map(|i| ((i / side + i % side) % 2) as f32)
            .collect();
        let (smooth, sharp) = (blur(&ramp, side).unwrap(), blur(&checks, side).unwrap());
        assert!(smooth > 0.95, "ramp {smooth}");
        assert!(sharp < 0.5, "checkerboard {sharp}");
        assert_eq!(blur(&[1.0; 144], side), None);
    }
}
