//! Dead units: per hidden layer, the fraction of ReLU units (a ConvNet's channels, an FCN's
//! hidden units) that output zero for every input of a set. A unit dead on every input gets
//! no gradient and passes nothing on; enough of them in one layer cut the network in two, so
//! that its output no longer depends on its input (one way the 20-layer net memorizes:
//! DEFAULTS.md, "How the 20-layer ConvNet memorizes").

use burn::prelude::*;

use crate::data::Image;
use crate::error::{Error, read_floats};
use crate::nets::Network;
use crate::train::image_batch;

/// Per layer, bottom first, the fraction of units that are zero at every position for every
/// input of `inputs`; `None` for a layer without a ReLU (the output, and every layer of a
/// linear FCN).
pub async fn dead_units(
    network: &Network,
    inputs: &[Image],
    device: &Device,
) -> Result<Vec<Option<f32>>, Error> {
    if inputs.is_empty() {
        return Err(Error::Input("dead units need at least one input".into()));
    }
    if !network.relu() {
        return Ok(vec![None; network.layers()]);
    }
    let x = image_batch(inputs, device)?;
    let layers = network.forward_layers(x);
    let last = layers.len() - 1;
    let mut dead = Vec::with_capacity(layers.len());
    for (i, layer) in layers.into_iter().enumerate() {
        if i == last {
            dead.push(None);
            continue;
        }
        let units = layer.dims()[1];
        // Each unit's largest value over the inputs and positions, reduced on the device: a
        // unit is dead when it is never positive.
        let peaks = read_floats(layer.max_dims(&[0, 2, 3])).await?;
        let dead_count = peaks.iter().filter(|&&v| v <= 0.0).count();
        dead.push(Some(dead_count as f32 / units as f32));
    }
    Ok(dead)
}

#[cfg(test)]
mod tests {
    use burn::module::{Module, Param};

    use super::*;
    use crate::ArchConfig;
    use crate::data::Pattern;
    use crate::nets::Init;

    fn inputs() -> Vec<Image> {
        [Pattern::Rings, Pattern::Stripes, Pattern::Noise]
            .map(|p| p.render(28, 3).unwrap())
            .to_vec()
    }

    #[test]
    fn a_fresh_relu_net_has_few_dead_units_and_the_output_none() {
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 4,
            channels: 16,
            kernel: 3,
        };
        let net =
            crate::drawing::seeded(0, |cpu| Network::init(&arch, 28, Init::Default, cpu)).unwrap();
        let dead = pollster::block_on(dead_units(&net, &inputs(), &device)).unwrap();
        assert_eq!(dead.len(), 4);
        assert_eq!(dead[3], None);
        for d in &dead[..3] {
            let d = d.expect("a hidden ReLU layer");
            assert!((0.0..0.5).contains(&d), "{dead:?}");
        }
        let linear = ArchConfig::Linear { hidden: vec![8] };
        let net = crate::drawing::seeded(0, |cpu| Network::init(&linear, 28, Init::Default, cpu))
            .unwrap();
        let dead = pollster::block_on(dead_units(&net, &inputs(), &device)).unwrap();
        assert_eq!(dead, [None, None]);
    }

    #[test]
    fn units_with_a_large_negative_bias_are_dead() {
        // Push every bias of the second layer far below zero: each of its channels is zero
        // for every input, while the first layer is untouched.
        let device = Device::flex();
        let arch = ArchConfig::Conv {
            depth: 3,
            channels: 8,
            kernel: 3,
        };
        let net =
            crate::drawing::seeded(0, |cpu| Network::init(&arch, 28, Init::Default, cpu)).unwrap();
        let killed = net.map(&mut KillLayer { target: 1, seen: 0 });
        let dead = pollster::block_on(dead_units(&killed, &inputs(), &device)).unwrap();
        assert_eq!(dead[1], Some(1.0), "{dead:?}");
        assert!(dead[0].unwrap() < 0.5, "{dead:?}");
    }

    /// Sets the bias of the `target`-th bias vector met to -1000.
    struct KillLayer {
        target: usize,
        seen: usize,
    }

    impl burn::module::ModuleMapper for KillLayer {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            if D != 1 {
                return param;
            }
            let index = self.seen;
            self.seen += 1;
            if index != self.target {
                return param;
            }
            param.map(|bias| bias.ones_like() * -1000.0)
        }
    }
}
