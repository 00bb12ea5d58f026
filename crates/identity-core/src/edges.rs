//! The edge map of an image, the yardstick for the paper's "ConvNets behave like edge
//! detectors" (section 3.4, Fig. 6, 7, 12, 28): the magnitude of the image's Sobel gradient,
//! borders repeated outward. An answer's edge score is its correlation with its input's edge
//! map (`measure::Answer::edges`).

/// The 3 x 3 neighbourhood of `(row, column)` in a `side`-square map, borders repeated.
fn at(map: &[f32], side: usize, row: isize, column: isize) -> f32 {
    let clamp = |v: isize| v.clamp(0, side as isize - 1) as usize;
    map[clamp(row) * side + clamp(column)]
}

/// The Sobel gradient's magnitude at every pixel of a `side`-square map, row-major.
pub fn edge_map(map: &[f32], side: usize) -> Vec<f32> {
    assert_eq!(map.len(), side * side, "edge_map needs a side x side map");
    let mut edges = Vec::with_capacity(map.len());
    for r in 0..side as isize {
        for c in 0..side as isize {
            let p = |dr: isize, dc: isize| at(map, side, r + dr, c + dc);
            let gx = p(-1, 1) + 2.0 * p(0, 1) + p(1, 1) - p(-1, -1) - 2.0 * p(0, -1) - p(1, -1);
            let gy = p(1, -1) + 2.0 * p(1, 0) + p(1, 1) - p(-1, -1) - 2.0 * p(-1, 0) - p(-1, 1);
            edges.push((gx * gx + gy * gy).sqrt());
        }
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_has_edges_on_its_rim_only() {
        // A 4 x 4 bright square in an 8 x 8 dark map.
        let side = 8;
        let map: Vec<f32> = (0..side * side)
            .map(|i| {
                f32::from(u8::from(
                    (2..6).contains(&(i / side)) && (2..6).contains(&(i % side)),
                ))
            })
            .collect();
        let edges = edge_map(&map, side);
        let e = |r: usize, c: usize| edges[r * side + c];
        assert_eq!(e(0, 0), 0.0, "far from the square");
        assert_eq!(e(3, 3), 0.0, "inside the square");
        assert!(e(2, 3) > 0.0 && e(1, 3) > 0.0, "on and beside its rim");
        assert!(
            edge_map(&[0.5; 64], side).iter().all(|&v| v == 0.0),
            "a flat map"
        );
    }
}
