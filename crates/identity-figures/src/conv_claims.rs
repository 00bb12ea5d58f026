//! The claims on sweeps of ConvNets (Fig. 6, 7, 14, 15, 25-28), read from each network's
//! [`Summary`]: shallow nets learn the identity and deep ones the constant, the middle depths
//! learn neither and follow the input's edges, larger kernels and fewer channels move toward
//! the constant, and 3-channel nets fit on one side of 8 layers only.

use identity_core::ArchConfig;
use identity_core::train::FIT_LOSS;

use crate::claim::{Claim, LIKE, MEAN_MARGIN, MIDDLE_DEPTHS, Mean, mean};
use crate::grid::{Source, Summary, family, follows_edges};
use crate::net::Net;

/// Fig. 7: ConvNets of middle depth (6 to 14 layers) learn neither map at rho = 0: the paper
/// shows them as edge detectors.
pub fn middle_depths_neither(rows: &[Summary]) -> Vec<Claim> {
    let middle: Vec<&Summary> = rows
        .iter()
        .filter(|r| matches!(r.network.arch, ArchConfig::Conv { .. }))
        .filter(|r| MIDDLE_DEPTHS.contains(&r.network.depth()))
        .collect();
    if middle.is_empty() {
        return vec![];
    }
    let nets: Vec<&Net> = middle.iter().map(|r| r.network).collect();
    let listing: Vec<String> = middle
        .iter()
        .map(|r| {
            format!(
                "{} identity {:.2}, constant {:.2}",
                r.network.label,
                Mean(r.identity),
                Mean(r.constant)
            )
        })
        .collect();
    vec![Claim::on(
        &nets,
        &format!(
            "ConvNets of middle depth (6 to 14 layers) learn neither map (both < {LIKE} at rho = 0)"
        ),
        listing.join("; "),
        middle
            .iter()
            .all(|r| r.identity < LIKE && r.constant < LIKE),
    )]
}

/// Fig. 6: "unlike FCNs that produce white-noise like predictions, ... ConvNets [of
/// intermediate depth] behave like edge detectors": the middle depths' answers, on average,
/// correlate with the input's edge map more than with the input ([`follows_edges`]).
pub fn middle_depths_detect_edges(rows: &[Summary], source: Source) -> Vec<Claim> {
    let middle: Vec<&Summary> = rows
        .iter()
        .filter(|r| matches!(r.network.arch, ArchConfig::Conv { .. }))
        .filter(|r| MIDDLE_DEPTHS.contains(&r.network.depth()))
        .collect();
    if middle.is_empty() || middle.iter().all(|r| r.edges.is_nan()) {
        return vec![];
    }
    let averaged = |f: fn(&Summary) -> f64| mean(&middle.iter().map(|r| f(r)).collect::<Vec<_>>());
    let (edges, identity) = (averaged(|r| r.edges), averaged(|r| r.identity));
    let nets: Vec<&Net> = middle.iter().map(|r| r.network).collect();
    vec![Claim::on(
        &nets,
        &format!(
            "ConvNets of middle depth ({} to {} layers) behave like edge detectors: their answers correlate with the input's edges (Sobel) more than with the input, by {MEAN_MARGIN} on average",
            MIDDLE_DEPTHS.start(),
            MIDDLE_DEPTHS.end()
        ),
        format!(
            "{}: mean edge score {:.2} against identity {:.2}; {}",
            source.words(),
            Mean(edges),
            Mean(identity),
            middle
                .iter()
                .map(|r| format!(
                    "{} edges {:.2}, identity {:.2}",
                    r.network.label,
                    Mean(r.edges),
                    Mean(r.identity)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        follows_edges(edges, identity),
    )]
}

/// Fig. 6, 7: ConvNets of up to 5 layers learn the identity, the deepest the constant.
pub fn conv_depth(rows: &[Summary], source: Source) -> Vec<Claim> {
    let convs = family(rows, |a| matches!(a, ArchConfig::Conv { .. }));
    let at = source.words();
    let shallow: Vec<&Summary> = convs.iter().filter(|r| r.network.depth() <= 5).collect();
    // The least identity; an undefined one (NaN: a flat output) is the least of all, so the
    // claim cannot hold on it.
    let least = shallow
        .iter()
        .map(|r| (r.identity, r.network.label.as_str()))
        .reduce(|m, v| if v.0 < m.0 || v.0.is_nan() { v } else { m });
    let identity = least.map(|(value, label)| {
        let nets: Vec<&Net> = shallow.iter().map(|r| r.network).collect();
        Claim::on(
            &nets,
            &format!("ConvNets of up to 5 layers learn the identity (identity >= {LIKE})"),
            format!("{at}: lowest identity {:.2} ({label})", Mean(value)),
            value >= LIKE,
        )
    });
    let deepest = convs
        .last()
        .filter(|r| r.network.depth() >= 15)
        .map(|deep| {
            Claim::on(
                &[deep.network],
                &format!("the deepest ConvNet learns the constant (constant >= {LIKE})"),
                format!(
                    "{at}: {} constant {:.2}, identity {:.2}",
                    deep.network.label,
                    Mean(deep.constant),
                    Mean(deep.identity)
                ),
                deep.constant >= LIKE,
            )
        });
    identity.into_iter().chain(deepest).collect()
}

/// The rows with the smallest and the largest `key`, when they differ.
fn sweep_ends<'a>(
    rows: &[Summary<'a>],
    key: fn(&Net) -> usize,
) -> Option<(Summary<'a>, Summary<'a>)> {
    let least = rows.iter().min_by_key(|r| key(r.network))?;
    let most = rows.iter().max_by_key(|r| key(r.network))?;
    (key(least.network) != key(most.network)).then_some((*least, *most))
}

/// Fig. 14, 25, 26: larger kernels answer less like the identity; the largest no longer
/// learns it where the smallest does, and it moves toward the constant map, as an FCN does.
/// Comparisons between the two kernels need [`MEAN_MARGIN`].
pub fn kernels(rows: &[Summary], source: Source) -> Vec<Claim> {
    let Some((small, large)) = sweep_ends(rows, Net::kernel) else {
        return vec![];
    };
    let at = source.words();
    vec![
        Claim::on(
            &[small.network, large.network],
            &format!(
                "larger kernels answer less like the identity (blurrier): the largest's identity at least {MEAN_MARGIN} below the smallest's"
            ),
            format!(
                "{at}: identity {} {:.2}, {} {:.2}",
                small.network.label,
                Mean(small.identity),
                large.network.label,
                Mean(large.identity)
            ),
            large.identity <= small.identity - MEAN_MARGIN,
        ),
        Claim::on(
            &[small.network, large.network],
            &format!(
                "the largest kernel no longer learns the identity, like an FCN: the smallest does (identity >= {LIKE}), the largest does not"
            ),
            format!(
                "{at}: identity {} {:.2}, {} {:.2} (constant {:.2})",
                small.network.label,
                Mean(small.identity),
                large.network.label,
                Mean(large.identity),
                Mean(large.constant)
            ),
            small.identity >= LIKE && large.identity < LIKE,
        ),
        Claim::on(
            &[small.network, large.network],
            &format!(
                "very large kernels move toward the constant map, like FCNs: the largest kernel's constant at least {MEAN_MARGIN} above the smallest's"
            ),
            format!(
                "{at}: constant {} {:.2}, {} {:.2}",
                small.network.label,
                Mean(small.constant),
                large.network.label,
                Mean(large.constant)
            ),
            large.constant >= small.constant + MEAN_MARGIN,
        ),
    ]
}

/// Fig. 15, 27: 3 channels fail to learn the identity; the most channels learn it.
pub fn channels(rows: &[Summary], source: Source) -> Vec<Claim> {
    let Some((narrow, wide)) = sweep_ends(rows, Net::channels) else {
        return vec![];
    };
    if narrow.network.channels() != 3 {
        return vec![];
    }
    let at = source.words();
    vec![
        Claim::on(
            &[narrow.network],
            &format!("3 channels fail to learn the identity (identity < {LIKE})"),
            format!(
                "{at}: identity {:.2}; final loss {:.1e}",
                Mean(narrow.identity),
                narrow.network.final_loss
            ),
            narrow.identity < LIKE,
        ),
        Claim::on(
            &[wide.network],
            &format!(
                "the most channels do not overfit: they learn the identity (identity >= {LIKE})"
            ),
            format!(
                "{at}: {} identity {:.2}",
                wide.network.label,
                Mean(wide.identity)
            ),
            wide.identity >= LIKE,
        ),
    ]
}

/// Fig. 28: 3-channel ConvNets of 5 to 8 layers fit the digit, and those beyond 8 layers fail to
/// where the shallower fit (judged as that contrast).
pub fn three_channels(rows: &[Summary]) -> Vec<Claim> {
    let deep: Vec<&Summary> = rows.iter().filter(|r| r.network.depth() > 8).collect();
    if deep.is_empty() {
        return vec![];
    }
    let listing = rows
        .iter()
        .map(|r| format!("{}: {:.1e}", r.network.depth(), r.network.final_loss))
        .collect::<Vec<_>>()
        .join(", ");
    let shallower: Vec<&Summary> = rows
        .iter()
        .filter(|r| (5..=8).contains(&r.network.depth()))
        .collect();
    let fits = (!shallower.is_empty()).then(|| {
        Claim::judged(
            &format!(
                "3-channel ConvNets of 5 to 8 layers do fit the digit (final loss <= {FIT_LOSS:.0e})"
            ),
            format!("final loss by depth {listing}"),
            shallower.iter().all(|r| r.network.final_loss <= FIT_LOSS),
        )
    });
    // The paper contrasts the depths: beyond 8 layers the 3-channel nets fail where those of 5
    // to 8 converge. Deeper nets all failing while none of 5 to 8 fits is no such contrast.
    let share = |nets: &[&Summary]| {
        let fit = nets
            .iter()
            .filter(|r| r.network.final_loss <= FIT_LOSS)
            .count();
        (fit, nets.len())
    };
    let fails = (!shallower.is_empty()).then(|| {
        let ((fit_mid, mid), (fit_deep, deeper)) = (share(&shallower), share(&deep));
        Claim::judged(
            &format!(
                "3-channel ConvNets beyond 8 layers fail to fit the digit where those of 5 to 8 layers fit (a larger share of the 5-8-layer nets reaches final loss <= {FIT_LOSS:.0e})"
            ),
            format!(
                "fit: {fit_mid} of {mid} nets of 5-8 layers, {fit_deep} of {deeper} deeper; final loss by depth {listing}"
            ),
            fit_mid * deeper > fit_deep * mid,
        )
    });
    let edges = rows
        .iter()
        .filter(|r| [5, 7].contains(&r.network.depth()) && !r.edges.is_nan())
        .collect::<Vec<_>>();
    let detect = (!edges.is_empty()).then(|| {
        Claim::on(
            &edges.iter().map(|r| r.network).collect::<Vec<_>>(),
            &format!("the 5- and 7-layer 3-channel ConvNets detect edges: each one's answers correlate with the input's edges more than with the input, by {MEAN_MARGIN}"),
            edges
                .iter()
                .map(|r| format!("{} edges {:.2}, identity {:.2}", r.network.label, Mean(r.edges), Mean(r.identity)))
                .collect::<Vec<_>>()
                .join("; "),
            edges.iter().all(|r| r.detects_edges()),
        )
    });
    fits.into_iter().chain(fails).chain(detect).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Verdict;

    fn kernel(kernel: usize) -> Net {
        Net::for_tests(
            &format!("{kernel} x {kernel}"),
            ArchConfig::Conv {
                depth: 5,
                channels: 8,
                kernel,
            },
        )
    }

    #[test]
    fn the_largest_kernel_is_judged_against_the_smallest() {
        let (small, large) = (kernel(5), kernel(29));
        let verdicts = |s: (f64, f64), l: (f64, f64)| -> Vec<Verdict> {
            let rows = [
                Summary::new(&small, Some(s.0), Some(s.1)),
                Summary::new(&large, Some(l.0), Some(l.1)),
            ];
            kernels(&rows, Source::RhoZero)
                .iter()
                .map(|c| c.verdict)
                .collect()
        };
        assert_eq!(
            verdicts((0.9, 0.1), (0.2, 0.8)),
            [Verdict::Holds, Verdict::Holds, Verdict::Holds]
        );
        // The smallest kernel no identity either (Fig. 25 at rho 0): "no longer learns" fails.
        assert_eq!(verdicts((0.6, 0.1), (0.01, 0.8))[1], Verdict::DoesNotHold);
        // Differences inside the margin are no difference.
        assert_eq!(
            verdicts((0.9, 0.1), (0.89, 0.11)),
            [
                Verdict::DoesNotHold,
                Verdict::DoesNotHold,
                Verdict::DoesNotHold
            ]
        );
    }

    #[test]
    fn middle_depths_detect_edges_only_when_their_answers_follow_the_edges() {
        let nets: Vec<Net> = [3, 7, 10, 20].map(Net::conv_for_tests).to_vec();
        let rows = |edges: f64, identity: f64| -> Vec<Summary> {
            nets.iter()
                .map(|n| Summary::new(n, Some(identity), Some(0.1)).with_edges(Some(edges)))
                .collect()
        };
        let verdict = |r: &[Summary]| middle_depths_detect_edges(r, Source::TestRow)[0].verdict;
        assert_eq!(verdict(&rows(0.6, 0.3)), Verdict::Holds);
        // Answers that copy the input more than its edges: no edge detector.
        assert_eq!(verdict(&rows(0.3, 0.6)), Verdict::DoesNotHold);
        // Files without edge scores give no claim.
        let old: Vec<Summary> = nets
            .iter()
            .map(|n| Summary::new(n, Some(0.3), Some(0.1)))
            .collect();
        assert!(middle_depths_detect_edges(&old, Source::TestRow).is_empty());
    }
}
