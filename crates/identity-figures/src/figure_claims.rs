//! Which claims each figure of the paper makes, judged from its measured numbers: the
//! figure's number and the kind of its data pick the judges, which live beside their kind of
//! figure ([`crate::fcn_claims`], [`crate::conv_claims`], [`crate::heatmap`], [`crate::layers`]
//! and the others).

use crate::claim::Claim;
use crate::data::{Body, FigureData};
use crate::grid::Source;
use crate::{conv_claims, fcn_claims, heatmap};

/// The claims of a measured figure, judged from its numbers. A claim whose numbers are
/// missing at a scale (test scale drops rows) is left out; a figure that only shows pictures
/// gets a claim with no verdict that says so. A figure whose data is not of its kind (a file
/// from another version) has no claims.
pub fn claims(data: &FigureData) -> Vec<Claim> {
    let pictures = |claim: &str| vec![Claim::pictures_only(claim)];
    match (data.figure, &data.body) {
        (1, Body::Eq1(d)) => d.claims(),
        (2, Body::Grid(d)) => fcn_claims::linear_depth(&d.summaries()),
        (3, Body::Grid(d)) => [
            fcn_claims::two_layer(&d.summaries(), &d.orthogonal_summaries()),
            fcn_claims::bottom_only_on_non_digits(d),
        ]
        .concat(),
        (4, Body::Grid(d)) => fcn_claims::relu_depth(&d.summaries(), Source::TestRow),
        (5, Body::Heatmap(d)) => {
            let rows = d.summaries();
            [
                heatmap::linear_trend(&rows),
                fcn_claims::relu_depth(&rows, Source::RhoZero),
                fcn_claims::relu_faster_than_linear(&rows),
            ]
            .concat()
        }
        (6, Body::Grid(d)) => {
            let rows = d.summaries();
            [
                conv_claims::conv_depth(&rows, Source::TestRow),
                conv_claims::middle_depths_detect_edges(&rows, Source::TestRow),
            ]
            .concat()
        }
        (7, Body::Heatmap(d)) => {
            let rows = d.summaries();
            [
                conv_claims::conv_depth(&rows, Source::RhoZero),
                // No edge claim here: at rho = 0 the inputs are white noise, whose edge map is
                // noise too; the edge score is measured (the heatmap's `edges`), not judged.
                conv_claims::middle_depths_neither(&rows),
            ]
            .concat()
        }
        (8, Body::Layers(d)) => [d.random_and_trained(), d.less_blurry()].concat(),
        (9, Body::Collapse(d)) => d.claims(),
        (10, Body::InputSizes(d)) => d.small_and_large(),
        (11, Body::InputSizes(d)) => d.constant_range(),
        (12, Body::UpperSubnetworks(d)) => d.distinct_from_15(),
        (13, Body::TrainingSizes(d)) => d.claims(),
        (14 | 26, Body::Grid(d)) => conv_claims::kernels(&d.summaries(), Source::TestRow),
        (25, Body::Heatmap(d)) => conv_claims::kernels(&d.summaries(), Source::RhoZero),
        (15, Body::Grid(d)) => conv_claims::channels(&d.summaries(), Source::TestRow),
        (27, Body::Heatmap(d)) => conv_claims::channels(&d.summaries(), Source::RhoZero),
        (16, Body::WeightChange(d)) => [d.lower_change_less(), d.deepest_not_near_zero()].concat(),
        (17, Body::WeightChange(d)) => d.lower_change_less(),
        (18, Body::WeightChange(d)) => {
            [d.lower_change_less(), d.deepest_lower_near_zero(5)].concat()
        }
        (19, Body::Layers(d)) => d.output_layer(7, "outputs its input", true, true),
        (20, Body::Layers(d)) => d.output_layer(14, "does not learn the identity", true, false),
        (21, Body::Layers(d)) => d.output_layer(20, "outputs the training digit", false, true),
        (22, Body::InputSizes(d)) => d.larger_inputs(),
        (23, Body::UpperSubnetworks(_)) => {
            pictures("the top two layers show how each network finishes its answer")
        }
        (24, Body::UpperSubnetworks(d)) => d.upper_half_constructs(),
        (28, Body::Grid(d)) => conv_claims::three_channels(&d.summaries()),
        (29, Body::Layers(d)) => d.wide_smoother_at_initialization(),
        (30, Body::Layers(d)) => d.narrow_and_wide(),
        (31..=33, Body::Heatmap(d)) => [
            heatmap::mse_pattern(&d.summaries()),
            d.mse_agrees_with_correlation(),
        ]
        .concat(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use identity_core::ArchConfig;
    use identity_core::rho::Probes;

    use super::*;
    use crate::answers::{Answers, Inputs};
    use crate::claim::Verdict;
    use crate::grid::{Grid, GridRow, Orthogonal};
    use identity_core::heatmap::HeatmapRow as Means;

    use crate::heatmap::{Heatmap, HeatmapRow, Measure};
    use crate::net::Net;

    fn net(depth: usize) -> Net {
        Net::conv_for_tests(depth)
    }

    fn heat(rows: &[(usize, f32, f32)]) -> FigureData {
        FigureData {
            figure: 7,
            body: Body::Heatmap(Heatmap::conv_for_tests(rows)),
        }
    }

    #[test]
    fn the_conv_depth_claims_read_the_rho_zero_column_and_can_fail() {
        let verdicts = |data: &FigureData| -> Vec<Verdict> {
            claims(data).iter().map(|c| c.verdict).collect()
        };
        let holds = heat(&[(1, 0.95, 0.1), (5, 0.85, 0.2), (20, 0.1, 0.9)]);
        assert_eq!(verdicts(&holds), [Verdict::Holds, Verdict::Holds]);
        let fails = heat(&[(1, 0.95, 0.1), (5, 0.6, 0.2), (20, 0.3, 0.5)]);
        assert_eq!(
            verdicts(&fails),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
    }

    #[test]
    fn missing_rows_give_no_claim_rather_than_a_verdict() {
        assert!(claims(&heat(&[])).is_empty());
        let empty_grid = |figure| FigureData {
            figure,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: vec![],
                    pictures: vec![],
                },
                rows: vec![],
            }),
        };
        for figure in [2, 3, 4, 6, 14, 15, 28] {
            assert!(claims(&empty_grid(figure)).is_empty(), "figure {figure}");
        }
        // Data of another kind than the figure's: no claim, never a wrong one.
        assert!(
            claims(&FigureData {
                figure: 2,
                ..heat(&[(1, 1.0, 0.0)])
            })
            .is_empty()
        );
    }

    #[test]
    fn a_grid_claim_holds_and_fails_with_its_numbers() {
        let grid = |deep_constant: f32| FigureData {
            figure: 6,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: ["training", "mnist:0"].map(String::from).to_vec(),
                    pictures: vec![],
                },
                rows: [(1, 0.9, 0.1), (20, 0.1, deep_constant)]
                    .iter()
                    .map(|&(depth, identity, constant)| GridRow {
                        network: net(depth),
                        answers: Answers {
                            identity: vec![Some(1.0), Some(identity)],
                            constant: vec![Some(1.0), Some(constant)],
                            edges: vec![],
                            mse_identity: vec![0.0; 2],
                            mse_constant: vec![0.0; 2],
                            outputs: vec![],
                        },
                        orthogonal: None,
                    })
                    .collect(),
            }),
        };
        let verdict = |c: f32| {
            claims(&grid(c))
                .iter()
                .map(|c| c.verdict)
                .collect::<Vec<_>>()
        };
        assert_eq!(verdict(0.95), [Verdict::Holds, Verdict::Holds]);
        assert_eq!(verdict(0.5), [Verdict::Holds, Verdict::DoesNotHold]);
    }

    #[test]
    fn a_network_that_did_not_fit_supports_no_claim() {
        // The 20-layer net answers with the '7' everywhere, but never fit its training image
        // (a dead network's flat output can look like anything): "did not train", not "holds".
        let mut data = heat(&[(1, 0.95, 0.1), (5, 0.85, 0.2), (20, 0.1, 0.9)]);
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[2].network.final_loss = 0.06;
        }
        let got = claims(&data);
        assert_eq!(got[0].verdict, Verdict::Holds);
        assert_eq!(got[1].verdict, Verdict::DidNotTrain, "{}", got[1].measured);
        assert!(
            got[1].measured.contains("20 layers final loss 6.0e-2"),
            "{}",
            got[1].measured
        );
        // A NaN loss is no fit either.
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[2].network.final_loss = f32::NAN;
        }
        assert_eq!(claims(&data)[1].verdict, Verdict::DidNotTrain);
    }

    #[test]
    fn an_undefined_identity_among_the_shallow_nets_fails_the_claim() {
        // The 3-layer net's identity is undefined (a flat output): it is the lowest, and no
        // threshold admits it, even beside a perfect 1-layer net.
        let mut data = heat(&[(1, 0.95, 0.1), (3, 0.9, 0.1), (20, 0.1, 0.9)]);
        if let Body::Heatmap(h) = &mut data.body {
            h.rows[1].means.identity[0] = None;
        }
        let got = claims(&data);
        assert_eq!(got[0].verdict, Verdict::DoesNotHold, "{}", got[0].measured);
        assert!(
            got[0].measured.contains("lowest identity n/a (3 layers)"),
            "{}",
            got[0].measured
        );
    }

    #[test]
    fn fig_3_judges_eq_2_on_inputs_orthogonal_in_the_raw_sense() {
        // (bottom only, test-row constant, orthogonal constant) for the two nets of width 64.
        let grid = |bottom_orthogonal: f32, both_orthogonal: f32| FigureData {
            figure: 3,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: ["mnist:0"].map(String::from).to_vec(),
                    pictures: vec![],
                },
                rows: [
                    (true, 0.5, bottom_orthogonal),
                    (false, 0.9, both_orthogonal),
                ]
                .iter()
                .map(|&(train_bottom_only, constant, orthogonal)| GridRow {
                    network: Net {
                        label: format!("{train_bottom_only}"),
                        arch: ArchConfig::Relu {
                            hidden: vec![64],
                            train_bottom_only,
                        },
                        final_loss: 1e-5,
                        steps: 100,
                        id: String::new(),
                        params: None,
                    },
                    answers: Answers {
                        identity: vec![Some(0.1)],
                        constant: vec![Some(constant)],
                        edges: vec![],
                        mse_identity: vec![0.0],
                        mse_constant: vec![0.0],
                        outputs: vec![],
                    },
                    orthogonal: Some(Orthogonal {
                        probes: 2,
                        identity: Some(0.0),
                        constant: Some(orthogonal),
                    }),
                })
                .collect(),
            }),
        };
        let verdicts = |data: &FigureData| -> Vec<(String, Verdict)> {
            claims(data)
                .iter()
                .map(|c| (c.claim.clone(), c.verdict))
                .collect()
        };
        let holds = verdicts(&grid(0.05, 0.9));
        assert_eq!(holds.len(), 4, "{holds:?}");
        assert!(holds.iter().all(|(_, v)| *v == Verdict::Holds), "{holds:?}");
        assert!(holds[2].0.contains("x̂ᵀx = 0"), "{}", holds[2].0);
        // The bottom-only net answering the '7' off the digit contradicts eq. (2), and a
        // both-layers net less constant than it breaks the comparison.
        let fails = verdicts(&grid(0.85, 0.3));
        assert_eq!(
            fails.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
            [
                Verdict::Holds,
                Verdict::Holds,
                Verdict::DoesNotHold,
                Verdict::DoesNotHold
            ]
        );
        // A file without the orthogonal inputs gives only the test-row claims.
        let mut old = grid(0.05, 0.9);
        if let Body::Grid(g) = &mut old.body {
            g.rows.iter_mut().for_each(|r| r.orthogonal = None);
        }
        assert_eq!(verdicts(&old).len(), 2);
    }

    #[test]
    fn fig_28_is_judged_on_both_sides_of_8_layers() {
        let grid = |losses: &[(usize, f32)]| FigureData {
            figure: 28,
            body: Body::Grid(Grid {
                inputs: Inputs {
                    names: vec![],
                    pictures: vec![],
                },
                rows: losses
                    .iter()
                    .map(|&(depth, loss)| GridRow {
                        network: Net {
                            final_loss: loss,
                            ..net(depth)
                        },
                        answers: Answers {
                            identity: vec![],
                            constant: vec![],
                            edges: vec![],
                            mse_identity: vec![],
                            mse_constant: vec![],
                            outputs: vec![],
                        },
                        orthogonal: None,
                    })
                    .collect(),
            }),
        };
        let verdicts = |losses: &[(usize, f32)]| {
            claims(&grid(losses))
                .iter()
                .map(|c| c.verdict)
                .collect::<Vec<_>>()
        };
        // The paper: 5-8 layers converge, deeper ones do not.
        assert_eq!(
            verdicts(&[(5, 1e-4), (8, 2e-4), (10, 0.05), (20, 0.08)]),
            [Verdict::Holds, Verdict::Holds]
        );
        // Everything from 5 layers on dead: the first side fails, and so does the contrast
        // (the deeper nets failing is no finding when the shallower fail too).
        assert_eq!(
            verdicts(&[(5, 0.09), (8, 0.07), (10, 0.05), (20, 0.08)]),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
        // As many fit beyond 8 layers as from 5 to 8: no contrast.
        assert_eq!(
            verdicts(&[(5, 1e-4), (8, 0.07), (10, 1e-4), (20, 0.08)]),
            [Verdict::DoesNotHold, Verdict::DoesNotHold]
        );
    }

    #[test]
    fn the_middle_depths_and_the_relu_linear_claims_can_fail() {
        let verdicts = |data: &FigureData| -> Vec<Verdict> {
            claims(data).iter().map(|c| c.verdict).collect()
        };
        // Fig. 7: the 10-layer net learning the identity breaks "middle depths learn neither".
        let mut neither = heat(&[(1, 0.95, 0.1), (10, 0.3, 0.3), (20, 0.1, 0.9)]);
        assert_eq!(verdicts(&neither)[2], Verdict::Holds);
        if let Body::Heatmap(h) = &mut neither.body {
            h.rows[1].means.identity[0] = Some(0.9);
        }
        assert_eq!(verdicts(&neither)[2], Verdict::DoesNotHold);
        // Fig. 5: ReLU reaches the constant at 3 hidden layers, linear only at 5 (holds), or
        // the other way round (does not hold).
        let fcns = |relu_first: usize, linear_first: usize| {
            let row = |arch: ArchConfig, depth: usize, first: usize| HeatmapRow {
                network: Net {
                    label: format!("{depth}"),
                    arch,
                    final_loss: 1e-5,
                    steps: 100,
                    id: String::new(),
                    params: None,
                },
                means: Means {
                    identity: vec![Some(0.1)],
                    constant: vec![Some(if depth >= first { 0.9 } else { 0.3 })],
                    edges: vec![],
                    mse_identity: vec![0.0],
                    mse_constant: vec![0.0],
                },
            };
            let mut rows = Vec::new();
            for depth in [1, 3, 5] {
                rows.push(row(
                    ArchConfig::Linear {
                        hidden: vec![8; depth],
                    },
                    depth,
                    linear_first,
                ));
            }
            for depth in [1, 3, 5] {
                rows.push(row(
                    ArchConfig::Relu {
                        hidden: vec![8; depth],
                        train_bottom_only: false,
                    },
                    depth,
                    relu_first,
                ));
            }
            FigureData {
                figure: 5,
                body: Body::Heatmap(Heatmap {
                    measure: Measure::Correlation,
                    rhos: vec![0.0],
                    probes_per_rho: 2,
                    probes: Probes::Pearson,
                    rows,
                }),
            }
        };
        let faster = |data: &FigureData| claims(data).last().unwrap().verdict;
        assert_eq!(faster(&fcns(3, 5)), Verdict::Holds);
        assert_eq!(faster(&fcns(5, 3)), Verdict::DoesNotHold);
    }
}
