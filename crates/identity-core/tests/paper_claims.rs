//! The paper's claims, checked at sizes that run in CI in minutes on a 2-core CPU (flex).
//! Each test states its configuration and its margin. Paper-scale runs are not here.

use std::ops::ControlFlow;

use burn::prelude::*;
use identity_core::closed_form::{eq1_prediction, off_image_change};
use identity_core::data::{Image, Subset, default_training_image, default_training_index};
use identity_core::heatmap::heatmap;
use identity_core::measure::{answers, mean_answer, pearson};
use identity_core::rho::{Probes, rho_probes};
use identity_core::{ArchConfig, TrainConfig, Trained, train};

fn fit(arch: &ArchConfig, config: TrainConfig) -> (Trained, Image) {
    let image = default_training_image().unwrap();
    let trained = pollster::block_on(train(arch, &image, config, &Device::flex(), |_| {
        ControlFlow::Continue(())
    }))
    .unwrap();
    (trained, image)
}

fn mnist_test(count: usize) -> Vec<Image> {
    Subset::MnistTest
        .load()
        .unwrap()
        .images_except(count, None)
        .unwrap()
}

fn bottom_weight_change(trained: &Trained) -> Tensor<2> {
    trained.network.bottom_weight().unwrap() - trained.initial.bottom_weight().unwrap()
}

/// eq. (1): the 1-layer linear net `f(x) = Wx`, SGD (momentum 0.9, lr 0.5) to a loss below
/// 1e-9, predicts what eq. (1) gives from its own W⁰: correlation >= 0.999 on 10 MNIST test
/// digits and on rho probes (rho 0, 0.5, 1).
#[test]
fn eq1_linear_net_matches_closed_form() {
    let arch = ArchConfig::Linear { hidden: vec![] };
    let config = TrainConfig {
        tolerance: 1e-9,
        steps: 2000,
        ..TrainConfig::for_arch(&arch)
    };
    let (trained, image) = fit(&arch, config);
    assert!(
        trained.progress.loss < 1e-9,
        "not converged: {:?}",
        trained.progress
    );
    let device = Device::flex();
    let mut inputs = mnist_test(10);
    for rho in [0.0, 0.5, 1.0] {
        for probes in [Probes::Pearson, Probes::Cosine] {
            inputs.extend(rho_probes(&image, rho, 2, 1, probes).unwrap());
        }
    }
    let net_out = pollster::block_on(identity_core::measure::predict(
        &trained.network,
        &inputs,
        &device,
    ))
    .unwrap();
    let w0 = trained.initial.bottom_weight().unwrap();
    let formula = pollster::block_on(eq1_prediction(w0, &image, &inputs, &device)).unwrap();
    for (i, (a, b)) in net_out.iter().zip(&formula).enumerate() {
        let r = pearson(a.pixels(), b.pixels());
        assert!(
            r >= 0.999,
            "input {i}: correlation {r} between the net and eq. (1)"
        );
    }
}

/// eq. (2) for the 1-layer linear net: after SGD, W_T - W_0 lies along the training image
/// (its part orthogonal to x̂ has relative norm < 1e-4).
#[test]
fn eq2_linear_weight_change_is_rank_one() {
    let arch = ArchConfig::Linear { hidden: vec![] };
    let (trained, image) = fit(
        &arch,
        TrainConfig {
            steps: 300,
            ..TrainConfig::for_arch(&arch)
        },
    );
    let off = pollster::block_on(off_image_change(bottom_weight_change(&trained), &image)).unwrap();
    assert!(off < 1e-4, "orthogonal part {off}");
}

/// eq. (2) for a 2-layer ReLU net (784 -> 2048 -> 784) trained bottom-only with the default
/// (SGD) config for 100 steps: the loss falls below half its starting value (~0.116), W_T - W_0
/// lies along the training image (relative orthogonal part < 1e-4), and the top layer did not
/// move. (At 2,048 hidden units the fixed random top layer cannot reach a perfect fit; see
/// DEFAULTS.md.)
#[test]
fn eq2_relu_bottom_only_change_is_rank_one() {
    let arch = ArchConfig::Relu {
        hidden: vec![2048],
        train_bottom_only: true,
    };
    let (trained, image) = fit(
        &arch,
        TrainConfig {
            steps: 100,
            ..TrainConfig::for_arch(&arch)
        },
    );
    assert!(
        trained.progress.loss < 0.058,
        "the bottom layer did not learn: {:?}",
        trained.progress
    );
    let off = pollster::block_on(off_image_change(bottom_weight_change(&trained), &image)).unwrap();
    assert!(off < 1e-4, "orthogonal part {off}");
    let top = |t: &Trained| t.network.layer_parameters()[1].weight.clone();
    let moved = (top(&trained) - trained.initial.layer_parameters()[1].weight.clone())
        .abs()
        .max();
    let moved = pollster::block_on(identity_core::read_floats(moved)).unwrap()[0];
    assert_eq!(moved, 0.0, "the frozen top layer moved");
}

/// A shallow ConvNet (depth 2, 16 channels, 5 x 5, default training) learns the identity:
/// mean correlation to the identity >= 0.9 on 50 MNIST test digits and >= 0.85 on 50
/// Fashion-MNIST images.
#[test]
fn shallow_convnet_learns_the_identity() {
    let arch = ArchConfig::Conv {
        depth: 2,
        channels: 16,
        kernel: 5,
    };
    let (trained, image) = fit(&arch, TrainConfig::for_arch(&arch));
    let device = Device::flex();
    let digits = mnist_test(50);
    let fashion = Subset::FashionTest
        .load()
        .unwrap()
        .images_except(50, None)
        .unwrap();
    let on_digits = mean_answer(
        &pollster::block_on(answers(&trained.network, &digits, &image, &device)).unwrap(),
    );
    let on_fashion = mean_answer(
        &pollster::block_on(answers(&trained.network, &fashion, &image, &device)).unwrap(),
    );
    assert!(
        on_digits.identity.is_some_and(|v| v >= 0.9),
        "MNIST: {on_digits:?}, loss {}",
        trained.progress.loss
    );
    assert!(
        on_fashion.identity.is_some_and(|v| v >= 0.85),
        "Fashion-MNIST: {on_fashion:?}"
    );
}

/// A deep ReLU FCN (5 hidden layers of 784, default training) memorizes: on 50 MNIST test
/// digits, mean correlation to the constant >= 0.9 and to the identity <= 0.5.
#[test]
fn deep_relu_fcn_memorizes() {
    let arch = ArchConfig::Relu {
        hidden: vec![784; 5],
        train_bottom_only: false,
    };
    let (trained, image) = fit(&arch, TrainConfig::for_arch(&arch));
    // The training digit comes from the training set, so no test digit is the training one.
    let _ = default_training_index().unwrap();
    let mean = mean_answer(
        &pollster::block_on(answers(
            &trained.network,
            &mnist_test(50),
            &image,
            &Device::flex(),
        ))
        .unwrap(),
    );
    assert!(
        mean.constant.is_some_and(|v| v >= 0.9) && mean.identity.is_some_and(|v| v <= 0.5),
        "{mean:?}, loss {}",
        trained.progress.loss
    );
}

/// The ConvNet depth sweep of Fig. 7, small: ConvNets of 8 channels, 5 x 5 kernels, depths 2
/// and 12, trained with Adam 1e-3 for at most 1,000 steps, seeds 0 and 1. On rho probes
/// (rho 0, 0.25, 0.5; 4 each), the deep net's mean correlation to the constant exceeds the
/// shallow net's by at least 0.15. Measured (flex, 2 cores, about 45 s for both seeds): seed 0,
/// 0.29 (depth 2) vs 0.55 (depth 12); seed 1, 0.30 vs 0.59; final losses 1-2e-4 (depth 2) and
/// 7-9e-4 (depth 12). At rho 0 alone the gap is small (0.02 vs 0.10-0.27): at this size the
/// deep net is not yet the paper's constant map, only nearer it.
///
/// Not the ConvNet default (SGD, momentum 0.9, 0.01, 4,000 steps): at 8 channels it does not
/// fit the 12-layer net (seed 0: loss 1.7e-3 after 4,000 steps, mean constant 0.14 against
/// the 2-layer net's 0.29), so this tiny sweep says nothing about it; the default's depth
/// sweep is measured at 32 channels in DEFAULTS.md (minutes a network, too slow for the suite)
/// and shown by the page's shipped Fig. 6 and 7.
#[test]
fn depth_sweep_deepest_row_is_nearer_the_constant() {
    const CHANNELS: usize = 8;
    const SHALLOW: usize = 2;
    const DEEP: usize = 12;
    const MARGIN: f32 = 0.15;
    const RHOS: [f32; 3] = [0.0, 0.25, 0.5];
    let constant = |depth: usize, seed: u64| {
        let arch = ArchConfig::Conv {
            depth,
            channels: CHANNELS,
            kernel: 5,
        };
        let config = TrainConfig {
            seed,
            optimizer: identity_core::Optimizer::Adam,
            learning_rate: 1e-3,
            steps: 1000,
            ..TrainConfig::for_arch(&arch)
        };
        let (trained, image) = fit(&arch, config);
        let row = pollster::block_on(heatmap(
            &trained.network,
            &image,
            &RHOS,
            4,
            Probes::Pearson,
            seed,
            &Device::flex(),
        ))
        .unwrap();
        // A dead network's flat output has no correlation: it counts as 0 here (no constant).
        let mean =
            row.constant.iter().map(|v| v.unwrap_or(0.0)).sum::<f32>() / row.constant.len() as f32;
        eprintln!(
            "depth {depth}, seed {seed}: loss {:.2e} after {} steps, constant {:?}, identity {:?}",
            trained.progress.loss, trained.progress.step, row.constant, row.identity
        );
        mean
    };
    for seed in [0, 1] {
        let (shallow, deep) = (constant(SHALLOW, seed), constant(DEEP, seed));
        assert!(
            deep - shallow >= MARGIN,
            "seed {seed}: constant correlation {deep} at depth {DEEP}, {shallow} at depth {SHALLOW}"
        );
    }
}
