//! The claims on sweeps of FCNs (Fig. 2-5), read from each network's [`Summary`]: deeper linear
//! nets answer more like the constant (depth more than width), the 2-layer ReLU nets of
//! eq. (2) with both layers or the bottom one trained, deeper ReLU nets, and ReLU against
//! linear.

use identity_core::ArchConfig;

use crate::claim::{Claim, LIKE, Mean, ends};
use crate::grid::{Grid, Source, Summary, family};
use crate::net::Net;

/// Fig. 2: deeper linear FCNs are more constant; depth matters more than width.
pub fn linear_depth(rows: &[Summary]) -> Vec<Claim> {
    let base_width = rows.first().map(|r| r.network.width());
    let same: Vec<Summary> = family(rows, |_| true)
        .into_iter()
        .filter(|r| Some(r.network.width()) == base_width)
        .collect();
    let deeper = ends(&same).map(|(a, b)| {
        Claim::on(
            &[a.network, b.network],
            "deeper linear FCNs answer more like the constant",
            format!(
                "mean constant correlation {} {:.2}, {} {:.2}",
                a.network.label,
                Mean(a.constant),
                b.network.label,
                Mean(b.constant)
            ),
            b.constant > a.constant,
        )
    });
    let find = |depth: usize, width: usize| {
        rows.iter()
            .find(|r| r.network.depth() == depth && r.network.width() == width)
    };
    let width_vs_depth = find(3, 784).zip(find(1, 2048)).map(|(deep, wide)| {
        Claim::on(
            &[deep.network, wide.network],
            "depth matters more than width: 3 x 784 is more constant than 1 x 2048",
            format!(
                "mean constant correlation 3 x 784 {:.2}, 1 x 2048 {:.2}",
                Mean(deep.constant),
                Mean(wide.constant)
            ),
            deep.constant > wide.constant,
        )
    });
    deeper.into_iter().chain(width_vs_depth).collect()
}

/// Whether a 2-layer ReLU net trains its bottom layer only.
fn bottom_only(net: &Net) -> bool {
    matches!(
        net.arch,
        ArchConfig::Relu {
            train_bottom_only: true,
            ..
        }
    )
}

/// Fig. 3: both layers trained answer the test row more like the '7' than the bottom one
/// alone, and the widest sees the '7' everywhere with both. On inputs orthogonal to the digit
/// (`x̂ᵀx = 0`, `orthogonal`), eq. (2): the bottom layer alone answers from its initialisation
/// (noise, not the constant), both layers trained answer more like the '7'.
pub fn two_layer(rows: &[Summary], orthogonal: &[Summary]) -> Vec<Claim> {
    fn find<'a>(rows: &[Summary<'a>], bottom: bool, width: usize) -> Option<Summary<'a>> {
        rows.iter()
            .find(|r| bottom_only(r.network) == bottom && r.network.width() == width)
            .copied()
    }
    let mut widths: Vec<usize> = rows.iter().map(|r| r.network.width()).collect();
    widths.sort_unstable();
    widths.dedup();
    let more_constant = |bottom: Summary, both: Summary, what: &str| {
        Claim::on(
            &[bottom.network, both.network],
            &format!(
                "width {}{what}: training both layers answers more like the '7' than training the bottom layer only",
                both.network.width()
            ),
            format!(
                "mean constant correlation: both {:.2}, bottom only {:.2}",
                Mean(both.constant),
                Mean(bottom.constant)
            ),
            both.constant > bottom.constant,
        )
    };
    let mut claims = Vec::new();
    for &w in &widths {
        claims.extend(
            find(rows, true, w)
                .zip(find(rows, false, w))
                .map(|(bottom, both)| more_constant(bottom, both, "")),
        );
    }
    if let Some(&w) = widths.last() {
        claims.extend(find(rows, false, w).map(|r| {
            Claim::on(
                &[r.network],
                &format!("width {w}, both layers trained: the '7' everywhere (constant >= {LIKE})"),
                format!("mean constant correlation {:.2}", Mean(r.constant)),
                r.constant >= LIKE,
            )
        }));
        let on = Source::Orthogonal.words();
        claims.extend(find(orthogonal, true, w).map(|r| {
            Claim::on(
                &[r.network],
                &format!("width {w}, bottom layer only, {on} (eq. 2): noise from the initialisation, not the constant (constant < {LIKE})"),
                format!("{on}: constant correlation {:.2}, identity {:.2}", Mean(r.constant), Mean(r.identity)),
                r.constant < LIKE,
            )
        }));
        claims.extend(
            find(orthogonal, true, w)
                .zip(find(orthogonal, false, w))
                .map(|(bottom, both)| more_constant(bottom, both, &format!(", {on}"))),
        );
    }
    claims
}

/// Fig. 3: the widest net whose bottom layer alone was trained answers the test row's
/// clothes and patterns with noise, not the '7' (the paper: "the predictions on non-digit
/// test examples look random"): each such answer's constant correlation below [`LIKE`].
pub fn bottom_only_on_non_digits(grid: &Grid) -> Vec<Claim> {
    let Some(row) = grid
        .rows
        .iter()
        .filter(|r| bottom_only(&r.network))
        .max_by_key(|r| r.network.width())
    else {
        return vec![];
    };
    let answers: Vec<(&str, Option<f32>)> = grid
        .inputs
        .non_digits()
        .map(|i| (grid.inputs.names[i].as_str(), row.answers.constant[i]))
        .collect();
    if answers.is_empty() {
        return vec![];
    }
    let like_seven: Vec<&(&str, Option<f32>)> = answers
        .iter()
        .filter(|(_, c)| c.is_some_and(|c| f64::from(c) >= LIKE))
        .collect();
    vec![Claim::on(
        &[&row.network],
        &format!(
            "width {}, bottom layer only, on the test row's clothes and patterns: noise, not the '7' (each constant < {LIKE})",
            row.network.width()
        ),
        format!(
            "{} of {} answer like the '7'; constant correlation {}",
            like_seven.len(),
            answers.len(),
            answers
                .iter()
                .map(|(name, c)| format!("{name} {:.2}", Mean(c.map_or(f64::NAN, f64::from))))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        like_seven.is_empty(),
    )]
}

/// Fig. 4, 5: the deepest ReLU FCN learns the constant; and, on inputs unrelated to the
/// training digit (rho = 0, Fig. 5: the paper's claim is about those), the shallowest learns
/// neither.
pub fn relu_depth(rows: &[Summary], source: Source) -> Vec<Claim> {
    let relu = family(rows, |a| matches!(a, ArchConfig::Relu { .. }));
    let Some((shallow, deep)) = ends(&relu) else {
        return vec![];
    };
    let at = source.words();
    let deepest = Claim::on(
        &[deep.network, shallow.network],
        &format!(
            "the deepest ReLU FCN learns the constant (constant >= {LIKE}) and is more constant than the shallowest"
        ),
        format!(
            "{at}: {} constant {:.2}, {} constant {:.2}",
            deep.network.label,
            Mean(deep.constant),
            shallow.network.label,
            Mean(shallow.constant)
        ),
        deep.constant >= LIKE && deep.constant > shallow.constant,
    );
    let neither = (source == Source::RhoZero).then(|| {
        Claim::on(
            &[shallow.network],
            &format!("the shallowest ReLU FCN learns neither map (both < {LIKE})"),
            format!(
                "{at}: {} identity {:.2}, constant {:.2}",
                shallow.network.label,
                Mean(shallow.identity),
                Mean(shallow.constant)
            ),
            shallow.identity < LIKE && shallow.constant < LIKE,
        )
    });
    [deepest].into_iter().chain(neither).collect()
}

/// The depth at which a family's constant reaches [`LIKE`], read off the line between the
/// two measured depths around the crossing (the shallowest depth when it starts at or above).
fn constant_from(family: &[Summary]) -> Option<f64> {
    let at = family.iter().position(|r| r.constant >= LIKE)?;
    let depth = |r: &Summary| r.network.depth() as f64;
    let here = &family[at];
    Some(match at.checked_sub(1).map(|i| &family[i]) {
        Some(before) if before.constant.is_finite() => {
            depth(before)
                + (LIKE - before.constant) / (here.constant - before.constant)
                    * (depth(here) - depth(before))
        }
        _ => depth(here),
    })
}

/// Fig. 5: ReLU FCNs overfit faster than linear ones: their constant reaches [`LIKE`] (at
/// rho = 0) at a smaller depth, each family's crossing read off between measured depths.
pub fn relu_faster_than_linear(rows: &[Summary]) -> Vec<Claim> {
    let relu = family(rows, |a| matches!(a, ArchConfig::Relu { .. }));
    let linear = family(rows, |a| matches!(a, ArchConfig::Linear { .. }));
    if relu.is_empty() || linear.is_empty() {
        return vec![];
    }
    let (r, l) = (constant_from(&relu), constant_from(&linear));
    let words = |d: Option<f64>| d.map_or("no depth".into(), |d| format!("{d:.1} hidden layers"));
    let nets: Vec<&Net> = relu.iter().chain(&linear).map(|s| s.network).collect();
    vec![Claim::on(
        &nets,
        &format!(
            "ReLU FCNs overfit faster than linear ones: they reach the constant (constant >= {LIKE}, rho = 0) at a smaller depth (interpolated between measured depths)"
        ),
        format!("reached at: ReLU {}, linear {}", words(r), words(l)),
        match (r, l) {
            (Some(r), Some(l)) => r < l,
            (Some(_), None) => true,
            (None, _) => false,
        },
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{Answers, Inputs};
    use crate::claim::Verdict;
    use crate::grid::GridRow;

    fn fcn(relu: bool, depth: usize) -> Net {
        let hidden = vec![8; depth];
        Net::for_tests(
            &format!("{depth}"),
            if relu {
                ArchConfig::Relu {
                    hidden,
                    train_bottom_only: false,
                }
            } else {
                ArchConfig::Linear { hidden }
            },
        )
    }

    #[test]
    fn relu_against_linear_is_judged_where_each_crosses_between_depths() {
        // Both first at or above 0.8 at 3 hidden layers (the old reading: a tie, "does not
        // hold"); read off the line, ReLU crosses at 2.25 and linear at 2.88.
        let nets: Vec<Net> = [(true, 1), (true, 3), (false, 1), (false, 3)]
            .map(|(relu, depth)| fcn(relu, depth))
            .to_vec();
        let constants = [0.5, 0.98, 0.5, 0.82];
        let rows: Vec<Summary> = nets
            .iter()
            .zip(constants)
            .map(|(n, c)| Summary::new(n, Some(0.0), Some(c)))
            .collect();
        let claim = &relu_faster_than_linear(&rows)[0];
        assert_eq!(claim.verdict, Verdict::Holds, "{}", claim.measured);
        assert!(claim.measured.contains("ReLU 2.2"), "{}", claim.measured);
        let swapped: Vec<Summary> = nets
            .iter()
            .zip([0.5, 0.82, 0.5, 0.98])
            .map(|(n, c)| Summary::new(n, Some(0.0), Some(c)))
            .collect();
        assert_eq!(
            relu_faster_than_linear(&swapped)[0].verdict,
            Verdict::DoesNotHold
        );
    }

    #[test]
    fn the_bottom_layer_alone_is_judged_on_clothes_and_patterns() {
        let bottom = Net::for_tests(
            "bottom",
            ArchConfig::Relu {
                hidden: vec![64],
                train_bottom_only: true,
            },
        );
        let grid = |constant: [f32; 4]| Grid {
            inputs: Inputs {
                names: ["training", "mnist:0", "fashion:0", "noise"]
                    .map(String::from)
                    .to_vec(),
                pictures: vec![],
            },
            rows: vec![GridRow {
                network: bottom.clone(),
                answers: Answers {
                    identity: vec![Some(0.0); 4],
                    constant: constant.map(Some).to_vec(),
                    edges: vec![],
                    mse_identity: vec![0.0; 4],
                    mse_constant: vec![0.0; 4],
                    outputs: vec![],
                },
                orthogonal: None,
            }],
        };
        // The digit answering like the '7' does not count; the clothes do.
        let verdict = |c| bottom_only_on_non_digits(&grid(c))[0].verdict;
        assert_eq!(verdict([1.0, 0.9, 0.3, 0.2]), Verdict::Holds);
        assert_eq!(verdict([1.0, 0.9, 0.85, 0.2]), Verdict::DoesNotHold);
    }
}
