//! The GPU code path: the same core code on wgpu. Ignored by default because it needs a Vulkan
//! driver; `cargo xtask test` runs it on lavapipe (Mesa's software Vulkan) with `--ignored`.
//! lavapipe is 35-90x slower than flex, so the cases are small.

use std::ops::ControlFlow;

use burn::prelude::*;
use identity_core::data::default_training_image;
use identity_core::measure::{answers, predict};
use identity_core::{ArchConfig, TrainConfig, train};

fn wgpu_device() -> Device {
    Device::wgpu_options()
        .init()
        .expect("a wgpu adapter (lavapipe: apt-get install mesa-vulkan-drivers)")
}

fn final_loss(arch: &ArchConfig, config: &TrainConfig, device: &Device) -> f32 {
    let image = default_training_image().unwrap();
    let trained = pollster::block_on(train(arch, &image, config.clone(), device, |_| {
        ControlFlow::Continue(())
    }))
    .unwrap();
    trained.progress.loss
}

/// One test so that the wgpu device is initialised once. The same small ConvNet (depth 2,
/// 4 channels, 3 x 3, Adam lr 1e-2, 40 steps, seed 3; the weights are drawn on the CPU, so
/// both start equal) on flex and on wgpu ends with losses within 2% of each other (the
/// backends' float kernels round differently, and Adam amplifies that a little). Then two
/// predictions read back to back on wgpu return different, correct images (a readback hazard
/// on wgpu).
#[test]
#[ignore = "needs a Vulkan driver: cargo xtask test runs it on lavapipe"]
fn wgpu_trains_like_flex_and_reads_back_correctly() {
    let gpu = wgpu_device();
    let arch = ArchConfig::Conv {
        depth: 2,
        channels: 4,
        kernel: 3,
    };
    let config = TrainConfig {
        steps: 40,
        learning_rate: 1e-2,
        seed: 3,
        ..TrainConfig::for_arch(&arch)
    };
    let on_flex = final_loss(&arch, &config, &Device::flex());
    let on_gpu = final_loss(&arch, &config, &gpu);
    assert!(on_gpu.is_finite() && on_flex.is_finite());
    assert!(
        (on_gpu - on_flex).abs() <= 0.02 * on_flex.max(on_gpu),
        "flex {on_flex} vs wgpu {on_gpu}"
    );

    // The 1x1 identity-learning net answers exactly; two different inputs, read back to back.
    let identity = ArchConfig::Conv {
        depth: 1,
        channels: 1,
        kernel: 1,
    };
    let image = default_training_image().unwrap();
    let config = TrainConfig {
        steps: 400,
        learning_rate: 5e-2,
        tolerance: 1e-8,
        ..TrainConfig::for_arch(&identity)
    };
    let trained = pollster::block_on(train(&identity, &image, config, &gpu, |_| {
        ControlFlow::Continue(())
    }))
    .unwrap();
    let inputs = identity_core::gallery::test_row(&image, 2, 1, 0).unwrap();
    let a =
        pollster::block_on(predict(&trained.network, &[inputs[2].image.clone()], &gpu)).unwrap();
    let b =
        pollster::block_on(predict(&trained.network, &[inputs[3].image.clone()], &gpu)).unwrap();
    assert_ne!(a, b, "two reads returned the same image");
    let measured = pollster::block_on(answers(
        &trained.network,
        &[inputs[2].image.clone(), inputs[3].image.clone()],
        &image,
        &gpu,
    ))
    .unwrap();
    for m in measured {
        assert!(m.identity.is_some_and(|v| v > 0.99), "{m:?}");
    }
}
