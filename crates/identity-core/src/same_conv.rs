//! The convolution of the paper's ConvNets: "same"-padded (an odd kernel, `kernel / 2` zeros
//! on each side), stride 1, with a bias. On the CPU (flex, `f32`) it runs on kernels of our
//! own, forward and both gradients ([`cpu`]), in one of two forms chosen per layer by its
//! shape ([`form`]): one matrix product per kernel position over the pixels it reads inside
//! the image ([`shifted`]), or one product over the unfolded image ([`unfolded`]). burn
//! 0.22's flex has its own forward convolution but computes the gradients by burn's generic
//! route (a transposed convolution for the input, and for the weights a convolution whose
//! kernel is the whole output gradient), which made a ConvNet's training step 3-7x slower
//! than PyTorch's. Every other backend (wgpu, WebGPU) runs burn's own `conv2d` and its
//! gradients, so the same networks train everywhere; the gradient graph node is ours on
//! every backend.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::autodiff::{Autodiff, NodeId};
use burn::backend::flex::FlexTensor;
use burn::backend::ops::{ConvOptions, ModuleOps};
use burn::backend::tensor::FloatTensor;
use burn::backend::{Backend, Cube, Dispatch, Flex, TensorMetadata, backend_extension};
use burn::prelude::*;
use burn::tensor::{DType, TensorData};

use self::form::Form;
use self::shape::Shape;

mod cpu;
mod form;
mod product;
mod scratch;
mod shape;
mod shifted;
mod transpose;
mod unfolded;
mod winograd;

/// The options of burn's `conv2d` for a "same" convolution with this weight (`[out, in, kh,
/// kw]`, odd sides).
fn same_options(weight_shape: &[usize]) -> ConvOptions<2> {
    ConvOptions::new(
        [1, 1],
        [weight_shape[2] / 2, weight_shape[3] / 2],
        [1, 1],
        1,
    )
}

/// Backends that run the "same" convolution. The default bodies are burn's own operations;
/// flex replaces them with the kernels below.
#[backend_extension(Flex, Cube, Autodiff)]
pub trait SameConvBackend: Backend {
    /// The convolution. Shapes: `x` `[batch, in, h, w]`, `weight` `[out, in, kh, kw]` (odd
    /// sides), `bias` `[out]`; the output `[batch, out, h, w]`.
    fn same_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let options = same_options(&weight.shape());
        Self::conv2d(x, weight, Some(bias), options)
    }

    /// The gradient with respect to `x`, given the output's gradient.
    fn same_conv2d_x_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let options = same_options(&weight.shape());
        Self::conv2d_x_backward(x, weight, output_grad, options)
    }

    /// The gradient with respect to the weight, given the output's gradient.
    fn same_conv2d_weight_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        let options = same_options(&weight.shape());
        Self::conv2d_weight_backward(x, weight, output_grad, options)
    }

    /// Both gradients, `(x, weight)`, given the output's gradient: one after the other unless
    /// a backend runs them together.
    fn same_conv2d_backward(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        output_grad: FloatTensor<Self>,
    ) -> (FloatTensor<Self>, FloatTensor<Self>) {
        one_after_the_other::<Self>(x, weight, output_grad)
    }
}

/// Both gradients of the "same" convolution by the backend's two operations, in turn.
fn one_after_the_other<B: SameConvBackend>(
    x: FloatTensor<B>,
    weight: FloatTensor<B>,
    output_grad: FloatTensor<B>,
) -> (FloatTensor<B>, FloatTensor<B>) {
    (
        B::same_conv2d_x_backward(x.clone(), weight.clone(), output_grad.clone()),
        B::same_conv2d_weight_backward(x, weight, output_grad),
    )
}

/// The "same" convolution of `x` (`[batch, in, h, w]`) by `weight` (`[out, in, kh, kw]`, odd
/// sides) plus `bias` (`[out]`), on any device, differentiable.
pub fn same_conv2d(x: Tensor<4>, weight: Tensor<4>, bias: Tensor<1>) -> Tensor<4> {
    Tensor::from_dispatch(<Dispatch as SameConvBackend>::same_conv2d(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
    ))
}

impl SameConvBackend for Cube {}

impl SameConvBackend for Flex {
    fn same_conv2d(x: FlexTensor, weight: FlexTensor, bias: FlexTensor) -> FlexTensor {
        if !ours(&x, &weight, Some(&bias)) {
            let options = same_options(&weight.shape());
            return Flex::conv2d(x, weight, Some(bias), options);
        }
        let (s, batch) = (Shape::new(&x.shape(), &weight.shape()), x.shape()[0]);
        let (x, weight, bias) = (
            x.to_contiguous(),
            weight.to_contiguous(),
            bias.to_contiguous(),
        );
        let out = cpu::forward(
            Form::of(&s),
            &s,
            batch,
            x.storage::<f32>(),
            weight.storage::<f32>(),
            Some(bias.storage::<f32>()),
        );
        tensor(out, [batch, s.out, s.h, s.w])
    }

    fn same_conv2d_x_backward(
        x: FlexTensor,
        weight: FlexTensor,
        output_grad: FlexTensor,
    ) -> FlexTensor {
        if !ours(&x, &weight, None) {
            let options = same_options(&weight.shape());
            return Flex::conv2d_x_backward(x, weight, output_grad, options);
        }
        let (s, batch) = (Shape::new(&x.shape(), &weight.shape()), x.shape()[0]);
        let (weight, grad) = (weight.to_contiguous(), output_grad.to_contiguous());
        let x_grad = cpu::input_grad(
            cpu::cores(),
            Form::of(&s.turned()),
            &s,
            batch,
            weight.storage::<f32>(),
            grad.storage::<f32>(),
        );
        tensor(x_grad, [batch, s.channels, s.h, s.w])
    }

    fn same_conv2d_weight_backward(
        x: FlexTensor,
        weight: FlexTensor,
        output_grad: FlexTensor,
    ) -> FlexTensor {
        if !ours(&x, &weight, None) {
            let options = same_options(&weight.shape());
            return Flex::conv2d_weight_backward(x, weight, output_grad, options);
        }
        let (s, batch) = (Shape::new(&x.shape(), &weight.shape()), x.shape()[0]);
        let (x, grad) = (x.to_contiguous(), output_grad.to_contiguous());
        let weight_grad = cpu::weight_grad(
            cpu::cores(),
            Form::of(&s),
            &s,
            batch,
            (x.storage::<f32>(), grad.storage::<f32>()),
            0..s.unfolded(),
        );
        tensor(weight_grad, weight.shape().dims::<4>())
    }

    fn same_conv2d_backward(
        x: FlexTensor,
        weight: FlexTensor,
        output_grad: FlexTensor,
    ) -> (FlexTensor, FlexTensor) {
        if !ours(&x, &weight, None) {
            return one_after_the_other::<Flex>(x, weight, output_grad);
        }
        let (s, batch) = (Shape::new(&x.shape(), &weight.shape()), x.shape()[0]);
        let (x, weight, grad) = (
            x.to_contiguous(),
            weight.to_contiguous(),
            output_grad.to_contiguous(),
        );
        let (x_grad, weight_grad) = cpu::backward(
            (Form::of(&s.turned()), Form::of(&s)),
            &s,
            batch,
            (x.storage::<f32>(), weight.storage::<f32>()),
            grad.storage::<f32>(),
        );
        (
            tensor(x_grad, [batch, s.channels, s.h, s.w]),
            tensor(weight_grad, weight.shape().dims::<4>()),
        )
    }
}

impl<B: SameConvBackend, C: CheckpointStrategy> SameConvBackend for Autodiff<B, C> {
    fn same_conv2d(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
    ) -> FloatTensor<Self> {
        /// The gradient node: input, weight and bias gradients from the backend's own kernels.
        #[derive(Debug)]
        struct SameConvNode;

        impl<B: SameConvBackend> Backward<B, 3> for SameConvNode {
            type State = (NodeId, NodeId, NodeId);

            fn backward(
                self,
                ops: Ops<Self::State, 3>,
                grads: &mut Gradients,
                checkpointer: &mut Checkpointer,
            ) {
                let [node_x, node_weight, node_bias] = ops.parents;
                let grad = grads.consume::<B>(&ops.node);
                let (x, weight, bias) = ops.state;
                let x = checkpointer.retrieve_node_output::<B::FloatTensorPrimitive>(x);
                let weight = checkpointer.retrieve_node_output::<B::FloatTensorPrimitive>(weight);
                let bias = checkpointer.retrieve_node_output::<B::FloatTensorPrimitive>(bias);
                match (node_x, node_weight) {
                    (Some(node_x), Some(node_weight)) => {
                        let (x_grad, weight_grad) =
                            B::same_conv2d_backward(x.clone(), weight, grad.clone());
                        grads.register::<B>(node_x.id, x_grad);
                        grads.register::<B>(node_weight.id, weight_grad);
                    }
                    (Some(node), None) => {
                        let x_grad = B::same_conv2d_x_backward(x.clone(), weight, grad.clone());
                        grads.register::<B>(node.id, x_grad);
                    }
                    (None, Some(node)) => {
                        let weight_grad =
                            B::same_conv2d_weight_backward(x.clone(), weight, grad.clone());
                        grads.register::<B>(node.id, weight_grad);
                    }
                    (None, None) => {}
                }
                if let Some(node) = node_bias {
                    grads.register::<B>(node.id, B::conv2d_bias_backward(x, bias, grad));
                }
            }
        }

        match SameConvNode
            .prepare::<C>([x.node(), weight.node(), bias.node()])
            .compute_bound()
            .stateful()
        {
            OpsKind::Tracked(mut prep) => {
                let state = (
                    prep.checkpoint(&x),
                    prep.checkpoint(&weight),
                    prep.checkpoint(&bias),
                );
                prep.finish(
                    state,
                    B::same_conv2d(
                        x.into_primitive(),
                        weight.into_primitive(),
                        bias.into_primitive(),
                    ),
                )
            }
            OpsKind::UnTracked(prep) => prep.finish(B::same_conv2d(
                x.into_primitive(),
                weight.into_primitive(),
                bias.into_primitive(),
            )),
        }
    }
}

/// Whether our kernels take this convolution: `f32` tensors of shapes that fit (4-d, none
/// empty, the weight's input channels those of `x`, odd kernel sides, one bias per output
/// channel).
/// Anything else takes burn's route, and its checks. The output gradient has the output's
/// shape: burn's autodiff gives it.
fn ours(x: &FlexTensor, weight: &FlexTensor, bias: Option<&FlexTensor>) -> bool {
    let (xs, ws) = (x.shape(), weight.shape());
    let f32s = [Some(x), Some(weight), bias]
        .into_iter()
        .flatten()
        .all(|t| t.dtype() == DType::F32);
    f32s && xs.num_dims() == 4
        && ws.num_dims() == 4
        && xs.iter().chain(ws.iter()).all(|&d| d > 0)
        && xs[1] == ws[1]
        && ws[2] % 2 == 1
        && ws[3] % 2 == 1
        && bias.is_none_or(|b| b.shape().as_slice() == [ws[0]])
}

/// A flex tensor of `values` with this shape.
fn tensor(values: Vec<f32>, shape: [usize; 4]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Distribution;
    use burn::tensor::module::conv2d;

    fn read<const D: usize>(t: Tensor<D>) -> Vec<f32> {
        pollster::block_on(crate::read_floats(t)).unwrap()
    }

    fn assert_close(ours: &[f32], burns: &[f32], what: &str) {
        assert_eq!(ours.len(), burns.len(), "{what}: lengths");
        let scale = burns.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
        for (i, (a, b)) in ours.iter().zip(burns).enumerate() {
            assert!(
                (a - b).abs() <= 1e-4 * scale,
                "{what}[{i}]: ours {a}, burn's {b}"
            );
        }
    }

    /// Our kernels, through the gradient node and in each form, against burn's own
    /// convolution and its gradients, on flex, for shapes that exercise the padding on every
    /// side, non-square kernels and images, batches, one-channel layers, kernels larger than
    /// the image, and convolutions large enough to be shared among the cores (by images, by
    /// output channels, by bands of rows).
    #[test]
    fn agrees_with_burns_convolution_and_its_gradients() {
        for (seed, (batch, cin, cout, h, w, kh, kw)) in [
            (1, 1, 4, 28, 28, 5, 5),
            (2, 3, 2, 7, 9, 3, 5),
            (1, 2, 3, 5, 6, 7, 1),
            (1, 4, 1, 6, 4, 1, 3),
            (3, 5, 6, 12, 10, 3, 3),
            (1, 3, 2, 40, 40, 57, 57),
            (1, 2, 2, 4, 3, 11, 9),
            (2, 9, 10, 13, 11, 5, 5),
            (1, 8, 3, 6, 7, 3, 3),
            (1, 64, 1, 28, 28, 5, 5),
            (2, 8, 8, 16, 16, 7, 7),
            (1, 16, 16, 1, 80, 1, 63),
            (1, 8, 4, 5, 1, 3, 3),
            (1, 9, 3, 4, 4, 1, 1),
            (1, 8, 96, 12, 12, 5, 5),
        ]
        .into_iter()
        .enumerate()
        {
            let what = format!("{batch}x{cin}x{h}x{w} by {cout}x{kh}x{kw}");
            let (x, weight, bias, target) = crate::drawing::seeded(seed as u64, |cpu| {
                let device = cpu.clone().autodiff();
                let uniform = Distribution::Uniform(-1.0, 1.0);
                let random = |shape| Tensor::<4>::random(shape, uniform, &device).require_grad();
                (
                    random([batch, cin, h, w]),
                    random([cout, cin, kh, kw]),
                    Tensor::<1>::random([cout], uniform, &device).require_grad(),
                    Tensor::<4>::random([batch, cout, h, w], Distribution::Default, &device),
                )
            });
            let ours = same_conv2d(x.clone(), weight.clone(), bias.clone());
            let burns = conv2d(
                x.clone(),
                weight.clone(),
                Some(bias.clone()),
                same_options(&[cout, cin, kh, kw]),
            );
            assert_eq!(ours.dims(), burns.dims(), "{what}");
            let output = read(burns.clone());
            assert_close(&read(ours.clone()), &output, &format!("{what}: output"));
            let gradients = |out: Tensor<4>| {
                let grads = (out * target.clone()).sum().backward();
                (
                    read(x.grad(&grads).unwrap()),
                    read(weight.grad(&grads).unwrap()),
                    read(bias.grad(&grads).unwrap()),
                )
            };
            let (ours, burns) = (gradients(ours), gradients(burns));
            assert_close(&ours.0, &burns.0, &format!("{what}: input gradient"));
            assert_close(&ours.1, &burns.1, &format!("{what}: weight gradient"));
            assert_close(&ours.2, &burns.2, &format!("{what}: bias gradient"));

            // Each form alone (the gradient of `sum(out * target)` is `target`), on one
            // thread and shared among several (by images, output channels, bands of rows,
            // columns).
            let s = Shape::new(&[batch, cin, h, w], &[cout, cin, kh, kw]);
            let (x, weight, bias) = (read(x), read(weight), read(bias));
            let target = read(target.clone());
            for threads in [1, 2, 5] {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                for form in [Form::Shifted, Form::Unfolded, Form::Winograd] {
                    if form == Form::Winograd && !winograd::fits(&s) {
                        continue;
                    }
                    let what = format!("{what}, {form:?}, {threads} threads");
                    let (out, x_grad, weight_grad, both) = pool.install(|| {
                        (
                            cpu::forward(form, &s, batch, &x, &weight, Some(&bias)),
                            cpu::input_grad(cpu::cores(), form, &s, batch, &weight, &target),
                            cpu::weight_grad(
                                cpu::cores(),
                                form,
                                &s,
                                batch,
                                (&x, &target),
                                0..s.unfolded(),
                            ),
                            cpu::backward((form, form), &s, batch, (&x, &weight), &target),
                        )
                    });
                    assert_close(&out, &output, &format!("{what}: output"));
                    assert_close(&x_grad, &burns.0, &format!("{what}: input gradient"));
                    assert_close(&weight_grad, &burns.1, &format!("{what}: weight gradient"));
                    assert_close(&both.0, &burns.0, &format!("{what}: both, input"));
                    assert_close(&both.1, &burns.1, &format!("{what}: both, weight"));
                }
            }
        }
    }
}
