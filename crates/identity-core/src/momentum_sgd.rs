//! SGD with momentum as PyTorch runs it (undampened: the velocity `v = momentum * v + grad`,
//! from zero, so the first step's velocity is the gradient; `p = p - lr * v`), one pass
//! over each parameter. burn's own `Sgd` runs it as five tensor operations, each a pass over
//! the parameter and some a fresh buffer: on flex, half of the linear FCN's training step
//! (0.29 of 0.56 ms) and 1.0 ms of the 128-channel ConvNet's (0.65 ms in one pass, which
//! waits on memory: shared among two cores, it was no faster). On flex the pass updates the
//! parameter and its velocity in place, on one core; every other backend runs burn's
//! operations.

use burn::backend::autodiff::Autodiff;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Cube, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::optim::{LearningRate, Optimizer, RecordState, StateSink, StateSource};
use burn::prelude::*;
use burn::tensor::DType;

/// Backends that take one step of SGD with momentum. The default body is burn's operations;
/// flex replaces it with one pass.
#[backend_extension(Flex, Cube, Autodiff)]
pub trait MomentumSgdBackend: Backend {
    /// `(param - lr * v, v)` with `v = momentum * velocity + grad`. `param`, `grad` and
    /// `velocity` have one shape.
    fn momentum_sgd_step(
        param: FloatTensor<Self>,
        grad: FloatTensor<Self>,
        velocity: FloatTensor<Self>,
        lr: f64,
        momentum: f64,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        by_operations::<Self>(param, grad, velocity, lr, momentum)
    }
}

/// [`MomentumSgdBackend::momentum_sgd_step`] by the backend's own operations.
fn by_operations<B: Backend>(
    param: FloatTensor<B>,
    grad: FloatTensor<B>,
    velocity: FloatTensor<B>,
    lr: f64,
    momentum: f64,
) -> (FloatTensor<B>, FloatTensor<B>) {
    let velocity = B::float_add(B::float_mul_scalar(velocity, momentum.into()), grad);
    let delta = B::float_mul_scalar(velocity.clone(), lr.into());
    (B::float_sub(param, delta), velocity)
}

impl MomentumSgdBackend for Cube {}

impl<B: MomentumSgdBackend, C: CheckpointStrategy> MomentumSgdBackend for Autodiff<B, C> {}

impl MomentumSgdBackend for Flex {
    fn momentum_sgd_step(
        param: FlexTensor,
        grad: FlexTensor,
        velocity: FlexTensor,
        lr: f64,
        momentum: f64,
    ) -> (FlexTensor, FlexTensor) {
        let fits = [&param, &grad, &velocity]
            .iter()
            .all(|t| t.dtype() == DType::F32 && t.shape() == param.shape());
        if !fits {
            return by_operations::<Flex>(param, grad, velocity, lr, momentum);
        }
        let (lr, momentum) = (lr as f32, momentum as f32);
        let (mut param, grad, mut velocity) = (whole(param), whole(grad), whole(velocity));
        let (p, g) = (param.storage_mut::<f32>(), grad.storage::<f32>());
        let v = velocity.storage_mut::<f32>();
        for ((p, v), g) in p.iter_mut().zip(v.iter_mut()).zip(g) {
            *v = momentum * *v + g;
            *p -= lr * *v;
        }
        (param, velocity)
    }
}

/// `t` contiguous, from its first value to its last, and this the only handle on its values
/// where it was (so that `storage_mut` writes in place).
fn whole(t: FlexTensor) -> FlexTensor {
    let whole = t.to_contiguous();
    drop(t);
    whole
}

/// SGD with momentum (dampening 0, no Nesterov step, no weight decay), each step one
/// [`MomentumSgdBackend::momentum_sgd_step`] per parameter.
#[derive(Debug, Clone, Copy)]
pub struct MomentumSgd {
    /// The momentum, in `[0, 1)`.
    pub momentum: f64,
}

/// A parameter's velocity.
#[derive(Clone)]
pub struct Velocity<const D: usize> {
    velocity: Tensor<D>,
}

impl<const D: usize> RecordState for Velocity<D> {
    fn state_flatten(&self, prefix: &str, out: &mut StateSink) {
        out.push_tensor(prefix, "velocity", self.velocity.clone().into_data());
    }

    fn state_unflatten(prefix: &str, src: &mut StateSource, device: &Device) -> Option<Self> {
        let data = src.take_tensor(prefix, "velocity")?;
        Some(Velocity {
            velocity: Tensor::from_data(data, device),
        })
    }
}

impl Optimizer for MomentumSgd {
    type State<const D: usize> = Velocity<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<Velocity<D>>,
    ) -> (Tensor<D>, Option<Velocity<D>>) {
        // The first step's velocity is the gradient.
        let velocity = match state {
            Some(state) => state.velocity,
            None => grad.zeros_like(),
        };
        let (param, velocity) = <Dispatch as MomentumSgdBackend>::momentum_sgd_step(
            tensor.into_dispatch(),
            grad.into_dispatch(),
            velocity.into_dispatch(),
            lr,
            self.momentum,
        );
        (
            Tensor::from_dispatch(param),
            Some(Velocity {
                velocity: Tensor::from_dispatch(velocity),
            }),
        )
    }

    fn to_device<const D: usize>(state: Velocity<D>, device: &Device) -> Velocity<D> {
        Velocity {
            velocity: state.velocity.to_device(device),
        }
    }
}

#[cfg(test)]
mod tests {
    use burn::optim::SgdConfig;
    use burn::optim::momentum::MomentumConfig;
    use burn::tensor::Distribution;

    use super::*;

    fn read(t: Tensor<2>) -> Vec<f32> {
        pollster::block_on(crate::read_floats(t)).unwrap()
    }

    /// A velocity written as a record's tensors and read back is the same velocity.
    #[test]
    fn the_velocity_goes_into_a_record_and_back() {
        let velocity = crate::drawing::seeded(3, |cpu| {
            Tensor::<2>::random([4, 6], Distribution::Default, cpu)
        });
        let mut sink = StateSink::default();
        Velocity {
            velocity: velocity.clone(),
        }
        .state_flatten("layer", &mut sink);
        let mut source = StateSource::default();
        for (name, data) in sink.tensors {
            source.insert_tensor(name, data);
        }
        let back = Velocity::<2>::state_unflatten("layer", &mut source, &velocity.device())
            .expect("the velocity is in the record");
        assert_eq!(read(back.velocity), read(velocity));
        assert!(Velocity::<2>::state_unflatten("other", &mut source, &Device::flex()).is_none());
    }

    /// Three steps from the same parameter and gradients, ours against burn's `Sgd` with
    /// PyTorch's momentum, and burn's operations as other backends run them.
    #[test]
    fn steps_as_burns_sgd_with_momentum() {
        let (lr, momentum) = (0.05, 0.9);
        let burns = SgdConfig::new()
            .with_momentum(Some(
                MomentumConfig::new()
                    .with_momentum(momentum)
                    .with_dampening(0.0),
            ))
            .build();
        let ours = MomentumSgd { momentum };
        for (seed, shape) in [(1, [3, 5]), (2, [200, 300])] {
            let (param, grads) = crate::drawing::seeded(seed, |cpu| {
                let random = || Tensor::<2>::random(shape, Distribution::Default, cpu);
                (random(), [random(), random(), random()])
            });
            let (mut expected, mut state) = (param.clone(), None);
            for grad in &grads {
                (expected, state) = burns.step(lr, expected, grad.clone(), state);
            }
            let expected = read(expected);
            let (mut ours_param, mut state) = (param.clone(), None);
            let (mut by_operations_param, mut velocity) = (param.clone(), None);
            for grad in &grads {
                (ours_param, state) = ours.step(lr, ours_param, grad.clone(), state);
                let v: Tensor<2> = velocity.unwrap_or_else(|| grad.zeros_like());
                let (p, v) = by_operations::<Dispatch>(
                    by_operations_param.into_dispatch(),
                    grad.clone().into_dispatch(),
                    v.into_dispatch(),
                    lr,
                    momentum,
                );
                (by_operations_param, velocity) =
                    (Tensor::from_dispatch(p), Some(Tensor::from_dispatch(v)));
            }
            for (what, got) in [("ours", ours_param), ("by operations", by_operations_param)] {
                for (i, (a, b)) in read(got).iter().zip(&expected).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                        "{shape:?}, {what}: [{i}] {a} against {b}"
                    );
                }
            }
        }
    }
}
