//! Appendix D (Fig. 16-18): how far each layer's weights moved in training, as the relative
//! l2 distance `‖W⁰ − W*‖₂ / ‖W⁰‖₂`, for weights and biases separately.

use burn::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, read_floats};
use crate::nets::Network;

/// The relative change of one layer's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayerChange {
    /// `‖W⁰ − W*‖ / ‖W⁰‖` of the weights.
    pub weight: f32,
    /// The same for the biases, when the layer has them (`None` also when the initial biases
    /// are all zero, where the ratio is undefined).
    pub bias: Option<f32>,
}

/// Relative l2 change of every layer, bottom first, from `initial` to `trained` (the same
/// architecture, on the same device).
pub async fn weight_change(
    initial: &Network,
    trained: &Network,
) -> Result<Vec<LayerChange>, Error> {
    let (before, after) = (initial.layer_parameters(), trained.layer_parameters());
    if before.len() != after.len() {
        return Err(Error::Input(format!(
            "{} layers before training, {} after",
            before.len(),
            after.len()
        )));
    }
    let mut changes = Vec::with_capacity(before.len());
    for (b, a) in before.into_iter().zip(after) {
        let weight = relative_distance(b.weight, a.weight).await?.unwrap_or(0.0);
        let bias = match (b.bias, a.bias) {
            (Some(b), Some(a)) => relative_distance(b, a).await?,
            _ => None,
        };
        changes.push(LayerChange { weight, bias });
    }
    Ok(changes)
}

/// `‖a − b‖ / ‖a‖`, or `None` when `a` is zero.
async fn relative_distance(a: Tensor<1>, b: Tensor<1>) -> Result<Option<f32>, Error> {
    if a.dims() != b.dims() {
        return Err(Error::Input(format!(
            "parameter shapes differ: {:?} and {:?}",
            a.dims(),
            b.dims()
        )));
    }
    let diff = (a.clone() - b).square().sum();
    let norm = a.square().sum();
    let values = read_floats(Tensor::cat(vec![diff, norm], 0)).await?;
    Ok((values[1] > 0.0).then(|| (values[0] / values[1]).sqrt()))
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;

    use super::*;
    use crate::arch::ArchConfig;
    use crate::data::default_training_image;
    use crate::nets::Init;
    use crate::train::{TrainConfig, train};

    #[test]
    fn an_untrained_copy_has_not_moved_and_a_trained_net_has() {
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 3,
            channels: 4,
            kernel: 3,
        };
        let net =
            crate::drawing::seeded(0, |cpu| Network::init(&arch, 28, Init::Default, cpu)).unwrap();
        let same = pollster::block_on(weight_change(&net, &net.clone())).unwrap();
        assert_eq!(same.len(), 3);
        assert!(
            same.iter().all(|c| c.weight == 0.0 && c.bias == Some(0.0)),
            "{same:?}"
        );

        let image = default_training_image().unwrap();
        let config = TrainConfig {
            steps: 30,
            ..TrainConfig::for_arch(&arch)
        };
        let trained = pollster::block_on(train(&arch, &image, config, &device, |_| {
            ControlFlow::Continue(())
        }))
        .unwrap();
        let moved = pollster::block_on(weight_change(&trained.initial, &trained.network)).unwrap();
        assert!(moved.iter().all(|c| c.weight > 0.0), "{moved:?}");
    }
}
