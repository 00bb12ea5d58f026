//! The convolution of the paper's ConvNets: "same"-padded (an odd kernel, `kernel / 2` zeros
//! on each side), stride 1, with a bias. On the CPU (flex, `f32`) it runs on kernels of our
//! own, forward and both gradients, each a matrix product per kernel position over the
//! zero-padded maps (see [`Geometry`]; no unfolded copy of the input): burn 0.22's flex has its own forward convolution but computes the gradients by
//! burn's generic route (a transposed convolution for the input, and for the weights a
//! convolution whose kernel is the whole output gradient), which made a ConvNet's training
//! step 3-7x slower than PyTorch's. Every other backend (wgpu, WebGPU) runs burn's
//! own `conv2d` and its gradients, so the same networks train everywhere; the gradient graph
//! node is ours on every backend.

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
        let g = Geometry::new(&x.shape(), &weight.shape());
        let (x, weight, bias) = (
            x.to_contiguous(),
            weight.to_contiguous(),
            bias.to_contiguous(),
        );
        let (x, weight, bias) = (
            x.storage::<f32>(),
            weight.storage::<f32>(),
            bias.storage::<f32>(),
        );
        let mut out = vec![0.0; g.batch * g.out * g.pixels()];
        for n in 0..g.batch {
            let padded = g.pad(&x[n * g.input()..][..g.input()], g.channels, true);
            let mut grid: Vec<f32> = (0..g.out)
                .flat_map(|o| std::iter::repeat_n(bias[o], g.grid()))
                .collect();
            // grid [out, grid] += weight[:, :, k] [out, in] x padded, shifted [in, grid]
            over_shifts(&g, &mut grid, |k, shift, grid| {
                let (weights, inputs) = (&weight[k..], &padded[shift..]);
                add_product(
                    (grid, g.outputs()),
                    (weights, g.weights()),
                    (inputs, g.inputs()),
                );
            });
            g.crop(
                &grid,
                g.out,
                false,
                &mut out[n * g.output()..][..g.output()],
            );
        }
        tensor(out, [g.batch, g.out, g.side_h, g.side_w])
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
        let g = Geometry::new(&x.shape(), &weight.shape());
        let (weight, grad) = (weight.to_contiguous(), output_grad.to_contiguous());
        let (weight, grad) = (weight.storage::<f32>(), grad.storage::<f32>());
        let mut x_grad = vec![0.0; g.batch * g.input()];
        for n in 0..g.batch {
            let grad_n = g.pad(&grad[n * g.output()..][..g.output()], g.out, false);
            let mut padded = vec![0.0; g.channels * g.plane()];
            // padded, shifted [in, grid] += weight[:, :, k]ᵀ [in, out] x grad [out, grid]
            over_shifts(&g, &mut padded, |k, shift, padded| {
                let (inputs, weights) = (&mut padded[shift..], &weight[k..]);
                add_product(
                    (inputs, g.inputs()),
                    (weights, g.weights().t()),
                    (&grad_n, g.outputs()),
                );
            });
            g.crop(
                &padded,
                g.channels,
                true,
                &mut x_grad[n * g.input()..][..g.input()],
            );
        }
        tensor(x_grad, [g.batch, g.channels, g.side_h, g.side_w])
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
        let g = Geometry::new(&x.shape(), &weight.shape());
        let (x, grad) = (x.to_contiguous(), output_grad.to_contiguous());
        let (x, grad) = (x.storage::<f32>(), grad.storage::<f32>());
        let mut weight_grad = vec![0.0; g.out * g.unfolded()];
        for n in 0..g.batch {
            let padded = g.pad(&x[n * g.input()..][..g.input()], g.channels, true);
            let grad_n = g.pad(&grad[n * g.output()..][..g.output()], g.out, false);
            // weight_grad[:, :, k] [out, in] += grad [out, grid] x (padded, shifted)ᵀ [grid, in]
            over_shifts(&g, &mut weight_grad, |k, shift, weight_grad| {
                let (weights, inputs) = (&mut weight_grad[k..], &padded[shift..]);
                add_product(
                    (weights, g.weights()),
                    (&grad_n, g.outputs()),
                    (inputs, g.inputs().t()),
                );
            });
        }
        tensor(weight_grad, weight.shape().dims::<4>())
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
                if let Some(node) = node_x {
                    let x_grad = B::same_conv2d_x_backward(x.clone(), weight.clone(), grad.clone());
                    grads.register::<B>(node.id, x_grad);
                }
                if let Some(node) = node_weight {
                    let weight_grad =
                        B::same_conv2d_weight_backward(x.clone(), weight, grad.clone());
                    grads.register::<B>(node.id, weight_grad);
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

/// The sizes of one "same" convolution, and the grid its products run on ("implicit GEMM",
/// no unfolded copy of the input): each input map is zero-padded by half a kernel on every
/// side, plus one row below that the last window runs into, and output pixels are numbered
/// on the padded width, `q = y * padded_w + x` (the columns `x >= w` are computed and
/// dropped). Then kernel position `(ky, kx)` reads every output pixel's input at the same
/// offset, `ky * padded_w + kx`, so each kernel position is one matrix product over all the
/// pixels at once.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    batch: usize,
    channels: usize,
    side_h: usize,
    side_w: usize,
    out: usize,
    kernel_h: usize,
    kernel_w: usize,
}

impl Geometry {
    fn new(x: &[usize], weight: &[usize]) -> Self {
        Geometry {
            batch: x[0],
            channels: x[1],
            side_h: x[2],
            side_w: x[3],
            out: weight[0],
            kernel_h: weight[2],
            kernel_w: weight[3],
        }
    }

    /// Pixels of one map.
    fn pixels(&self) -> usize {
        self.side_h * self.side_w
    }

    /// Values of one input image (all channels).
    fn input(&self) -> usize {
        self.channels * self.pixels()
    }

    /// Values of one output image (all channels).
    fn output(&self) -> usize {
        self.out * self.pixels()
    }

    /// Kernel positions.
    fn kernel(&self) -> usize {
        self.kernel_h * self.kernel_w
    }

    /// Weights of one output channel.
    fn unfolded(&self) -> usize {
        self.channels * self.kernel()
    }

    /// Width of a padded map.
    fn padded_w(&self) -> usize {
        self.side_w + self.kernel_w - 1
    }

    /// Values of one padded map (one spare row below).
    fn plane(&self) -> usize {
        (self.side_h + self.kernel_h) * self.padded_w()
    }

    /// One kernel position of the weights (`[out, in, kh, kw]` from `k`): `out` x `in`.
    fn weights(&self) -> View {
        View {
            rows: self.out,
            cols: self.channels,
            row: self.unfolded(),
            col: self.kernel(),
        }
    }

    /// The padded input planes from a kernel position's offset: `in` x `grid`.
    fn inputs(&self) -> View {
        View {
            rows: self.channels,
            cols: self.grid(),
            row: self.plane(),
            col: 1,
        }
    }

    /// The output maps on the grid: `out` x `grid`.
    fn outputs(&self) -> View {
        View {
            rows: self.out,
            cols: self.grid(),
            row: self.grid(),
            col: 1,
        }
    }

    /// Multiply-adds of one kernel position's product (the same in all three operations).
    #[cfg(not(target_family = "wasm"))]
    fn product(&self) -> usize {
        self.out * self.channels * self.grid()
    }

    /// Output pixels on the padded width.
    fn grid(&self) -> usize {
        self.side_h * self.padded_w()
    }

    /// Each kernel position (its index in the weight's last two dimensions) with the offset
    /// at which it reads the padded input.
    fn shifts(&self) -> impl Iterator<Item = (usize, usize)> + use<> {
        let (kernel_w, padded_w) = (self.kernel_w, self.padded_w());
        (0..self.kernel()).map(move |k| (k, (k / kernel_w) * padded_w + k % kernel_w))
    }

    /// Where pixel `(0, 0)` of a map lies in its padded plane (`border`) or on the grid.
    fn origin(&self, border: bool) -> usize {
        if border {
            (self.kernel_h / 2) * self.padded_w() + self.kernel_w / 2
        } else {
            0
        }
    }

    /// The stride between maps in a padded plane (`border`) or on the grid.
    fn stride(&self, border: bool) -> usize {
        if border { self.plane() } else { self.grid() }
    }

    /// `maps` maps of `h` x `w` laid out on zero padded planes (`border`: the input's, with
    /// the kernel's margin) or on the grid (the output's: zeros in the dropped columns).
    fn pad(&self, values: &[f32], maps: usize, border: bool) -> Vec<f32> {
        let (w, row, origin, stride) = (
            self.side_w,
            self.padded_w(),
            self.origin(border),
            self.stride(border),
        );
        let mut padded = vec![0.0; maps * stride];
        for (m, map) in values.chunks_exact(self.pixels()).take(maps).enumerate() {
            for (y, line) in map.chunks_exact(w).enumerate() {
                let at = m * stride + origin + y * row;
                padded[at..at + w].copy_from_slice(line);
            }
        }
        padded
    }

    /// The inverse of [`Geometry::pad`]: the `h` x `w` maps out of `padded` into `values`.
    fn crop(&self, padded: &[f32], maps: usize, border: bool, values: &mut [f32]) {
        let (w, row, origin, stride) = (
            self.side_w,
            self.padded_w(),
            self.origin(border),
            self.stride(border),
        );
        for (m, map) in values
            .chunks_exact_mut(self.pixels())
            .take(maps)
            .enumerate()
        {
            for (y, line) in map.chunks_exact_mut(w).enumerate() {
                let at = m * stride + origin + y * row;
                line.copy_from_slice(&padded[at..at + w]);
            }
        }
    }
}

/// A matrix inside a slice: `rows` x `cols`, element `(i, j)` at `i * row + j * col`.
#[derive(Debug, Clone, Copy)]
struct View {
    rows: usize,
    cols: usize,
    row: usize,
    col: usize,
}

impl View {
    /// The transpose (the same elements).
    fn t(self) -> View {
        View {
            rows: self.cols,
            cols: self.rows,
            row: self.col,
            col: self.row,
        }
    }

    /// Whether `values` holds every element (gemm reads raw pointers).
    fn fits(&self, values: usize) -> bool {
        self.rows == 0
            || self.cols == 0
            || (self.rows - 1) * self.row + (self.cols - 1) * self.col < values
    }
}

/// The smallest product (`m * n * k` multiply-adds) that `gemm` shares among the cores: a
/// 32-channel layer's (under a million per kernel position) ran slower that way on two
/// threads than on one, a 128-channel layer's (15 million) faster (`identity-crisis bench`,
/// 2 cores). Smaller ones share the kernel positions instead ([`over_shifts`]).
#[cfg(not(target_family = "wasm"))]
const PARALLEL_PRODUCT: usize = 1 << 23;

/// Adds every kernel position's term to `dst`: `term(k, shift, out)` adds position `k`'s
/// product into `out`. Natively, when the products are too small for `gemm` to share among
/// the cores (below [`PARALLEL_PRODUCT`]), the positions are split among the threads, each
/// summing into a zeroed buffer of its own, added to `dst` in a fixed order (the same
/// result for the same number of threads).
fn over_shifts(g: &Geometry, dst: &mut [f32], term: impl Fn(usize, usize, &mut [f32]) + Sync) {
    #[cfg(not(target_family = "wasm"))]
    {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads();
        if threads > 1 && g.product() < PARALLEL_PRODUCT {
            let shifts: Vec<(usize, usize)> = g.shifts().collect();
            let parts: Vec<Vec<f32>> = shifts
                .par_chunks(shifts.len().div_ceil(threads))
                .map(|chunk| {
                    let mut part = vec![0.0; dst.len()];
                    for &(k, shift) in chunk {
                        term(k, shift, &mut part);
                    }
                    part
                })
                .collect();
            for part in parts {
                for (d, p) in dst.iter_mut().zip(part) {
                    *d += p;
                }
            }
            return;
        }
    }
    for (k, shift) in g.shifts() {
        term(k, shift, dst);
    }
}

/// `dst += lhs x rhs` on the `gemm` crate (flex's own matrix product), on every core when
/// the product is large enough to share.
fn add_product(dst: (&mut [f32], View), lhs: (&[f32], View), rhs: (&[f32], View)) {
    let ((dst, d), (lhs, l), (rhs, r)) = (dst, lhs, rhs);
    assert!(
        d.rows == l.rows && l.cols == r.rows && r.cols == d.cols,
        "add_product: shapes {d:?} = {l:?} x {r:?}"
    );
    assert!(
        d.fits(dst.len()) && l.fits(lhs.len()) && r.fits(rhs.len()),
        "add_product: a matrix outside its slice"
    );
    let (m, n, k) = (d.rows, d.cols, l.cols);
    if m == 0 || n == 0 {
        return;
    }
    #[cfg(not(target_family = "wasm"))]
    let parallelism = if m * n * k >= PARALLEL_PRODUCT {
        gemm::Parallelism::Rayon(0)
    } else {
        gemm::Parallelism::None
    };
    #[cfg(target_family = "wasm")]
    let parallelism = gemm::Parallelism::None;
    // SAFETY: the asserts above keep every element gemm touches inside the three slices,
    // and `dst` is borrowed mutably, so it overlaps neither factor.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            d.col as isize,
            d.row as isize,
            true,
            lhs.as_ptr(),
            l.col as isize,
            l.row as isize,
            rhs.as_ptr(),
            r.col as isize,
            r.row as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            parallelism,
        );
    }
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

    /// Our kernels against burn's own convolution and its gradients, on flex, for shapes
    /// that exercise the padding on every side, non-square kernels and images, a batch, and
    /// the tiling (a kernel large enough to unfold in several tiles).
    #[test]
    fn agrees_with_burns_convolution_and_its_gradients() {
        let device = Device::flex().autodiff();
        device.seed(3);
        for (batch, cin, cout, h, w, kh, kw) in [
            (1, 1, 4, 28, 28, 5, 5),
            (2, 3, 2, 7, 9, 3, 5),
            (1, 2, 3, 5, 6, 7, 1),
            (1, 4, 1, 6, 4, 1, 3),
            (1, 3, 2, 40, 40, 57, 57),
        ] {
            let what = format!("{batch}x{cin}x{h}x{w} by {cout}x{kh}x{kw}");
            let random = |shape: [usize; 4]| {
                Tensor::<4>::random(shape, Distribution::Uniform(-1.0, 1.0), &device).require_grad()
            };
            let x = random([batch, cin, h, w]);
            let weight = random([cout, cin, kh, kw]);
            let bias = Tensor::<1>::random([cout], Distribution::Uniform(-1.0, 1.0), &device)
                .require_grad();
            let target = Tensor::<4>::random([batch, cout, h, w], Distribution::Default, &device);
            let ours = same_conv2d(x.clone(), weight.clone(), bias.clone());
            let burns = conv2d(
                x.clone(),
                weight.clone(),
                Some(bias.clone()),
                same_options(&[cout, cin, kh, kw]),
            );
            assert_eq!(ours.dims(), burns.dims(), "{what}");
            assert_close(
                &read(ours.clone()),
                &read(burns.clone()),
                &format!("{what}: output"),
            );
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
        }
    }

    #[test]
    fn padding_places_each_map_at_its_origin_and_cropping_undoes_it() {
        // Two 2 x 3 maps, a 3 x 3 kernel: padded width 5, planes of (2 + 3) x 5.
        let g = Geometry::new(&[1, 2, 2, 3], &[1, 2, 3, 3]);
        let maps: Vec<f32> = (1..=12).map(|v| v as f32).collect();
        let padded = g.pad(&maps, 2, true);
        assert_eq!(padded.len(), 2 * 25);
        assert_eq!(
            &padded[..15],
            &[0., 0., 0., 0., 0., 0., 1., 2., 3., 0., 0., 4., 5., 6., 0.]
        );
        assert_eq!(&padded[25 + 6..25 + 9], &[7., 8., 9.]);
        assert_eq!(padded.iter().sum::<f32>(), maps.iter().sum::<f32>());
        let on_grid = g.pad(&maps, 2, false);
        assert_eq!(&on_grid[..10], &[1., 2., 3., 0., 0., 4., 5., 6., 0., 0.]);
        for (border, padded) in [(true, padded), (false, on_grid)] {
            let mut back = vec![0.0; 12];
            g.crop(&padded, 2, border, &mut back);
            assert_eq!(back, maps);
        }
        // Kernel position (1, 2) reads one row down, two columns right.
        assert_eq!(g.shifts().nth(5), Some((5, 7)));
    }
}
