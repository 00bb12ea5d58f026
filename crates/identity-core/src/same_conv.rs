//! The convolution of the paper's ConvNets: "same"-padded (an odd kernel, `kernel / 2` zeros
//! on each side), stride 1, with a bias. On the CPU (flex, `f32`) it runs on kernels of our
//! own, forward and both gradients, each one matrix product over the unfolded input
//! ("im2col"): burn 0.22's flex has its own forward convolution but computes the gradients by
//! burn's generic route (a transposed convolution for the input, and for the weights a
//! convolution whose kernel is the whole output gradient), which made a ConvNet's training
//! step 3-7x slower than PyTorch's (issue 18). Every other backend (wgpu, WebGPU) runs burn's
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
        with_scratch(g.unfolded() * g.tile, |cols| {
            for n in 0..g.batch {
                let out_n = &mut out[n * g.out * g.pixels()..][..g.out * g.pixels()];
                for (o, plane) in out_n.chunks_exact_mut(g.pixels()).enumerate() {
                    plane.fill(bias[o]);
                }
                for start in (0..g.pixels()).step_by(g.tile) {
                    let len = g.tile.min(g.pixels() - start);
                    g.unfold(&x[n * g.input()..][..g.input()], start, len, cols);
                    // out[:, start..] += weight [out, unfolded] x cols [unfolded, len]
                    product(
                        Dst {
                            m: g.out,
                            n: len,
                            ptr: &mut out_n[start..],
                            row: g.pixels(),
                            add: true,
                        },
                        Operand {
                            ptr: weight,
                            row: g.unfolded(),
                            col: 1,
                        },
                        Operand {
                            ptr: cols,
                            row: len,
                            col: 1,
                        },
                        g.unfolded(),
                    );
                }
            }
        });
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
        with_scratch(g.unfolded() * g.tile, |cols| {
            for n in 0..g.batch {
                let grad_n = &grad[n * g.out * g.pixels()..][..g.out * g.pixels()];
                for start in (0..g.pixels()).step_by(g.tile) {
                    let len = g.tile.min(g.pixels() - start);
                    // cols [unfolded, len] = weightᵀ [unfolded, out] x grad[:, start..] [out, len]
                    product(
                        Dst {
                            m: g.unfolded(),
                            n: len,
                            ptr: cols,
                            row: len,
                            add: false,
                        },
                        Operand {
                            ptr: weight,
                            row: 1,
                            col: g.unfolded(),
                        },
                        Operand {
                            ptr: &grad_n[start..],
                            row: g.pixels(),
                            col: 1,
                        },
                        g.out,
                    );
                    g.fold(cols, start, len, &mut x_grad[n * g.input()..][..g.input()]);
                }
            }
        });
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
        with_scratch(g.unfolded() * g.tile, |cols| {
            for n in 0..g.batch {
                let grad_n = &grad[n * g.out * g.pixels()..][..g.out * g.pixels()];
                for start in (0..g.pixels()).step_by(g.tile) {
                    let len = g.tile.min(g.pixels() - start);
                    g.unfold(&x[n * g.input()..][..g.input()], start, len, cols);
                    // weight_grad [out, unfolded] += grad[:, start..] [out, len] x colsᵀ [len, unfolded]
                    product(
                        Dst {
                            m: g.out,
                            n: g.unfolded(),
                            ptr: &mut weight_grad,
                            row: g.unfolded(),
                            add: true,
                        },
                        Operand {
                            ptr: &grad_n[start..],
                            row: g.pixels(),
                            col: 1,
                        },
                        Operand {
                            ptr: cols,
                            row: 1,
                            col: len,
                        },
                        len,
                    );
                }
            }
        });
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

/// Whether our kernels take this convolution: `f32` tensors of shapes that fit (4-d, the
/// weight's input channels those of `x`, odd kernel sides, one bias per output channel).
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
        && xs[1] == ws[1]
        && ws[2] % 2 == 1
        && ws[3] % 2 == 1
        && bias.is_none_or(|b| b.shape().as_slice() == [ws[0]])
}

thread_local! {
    /// The unfolded input, kept for the thread's next convolution (at most
    /// [`UNFOLDED_BUDGET`] values): a fresh buffer each call cost a tenth of a ConvNet's step
    /// in zeroing and page faults.
    static SCRATCH: std::cell::Cell<Vec<f32>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` on a buffer of `len` values (their contents unspecified: `f` writes before it
/// reads), reused between calls on this thread.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [f32]) -> R) -> R {
    SCRATCH.with(|cell| {
        let mut buffer = cell.take();
        if buffer.len() < len {
            buffer.resize(len, 0.0);
        }
        let result = f(&mut buffer[..len]);
        cell.set(buffer);
        result
    })
}

/// A flex tensor of `values` with this shape.
fn tensor(values: Vec<f32>, shape: [usize; 4]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}

/// The most unfolded values held at once (16 MB): larger inputs are unfolded a tile of output
/// pixels at a time.
const UNFOLDED_BUDGET: usize = 1 << 22;

/// The sizes of one "same" convolution.
#[derive(Debug, Clone, Copy)]
struct Geometry {
    batch: usize,
    channels: usize,
    side_h: usize,
    side_w: usize,
    out: usize,
    kernel_h: usize,
    kernel_w: usize,
    /// Output pixels unfolded at once.
    tile: usize,
}

impl Geometry {
    fn new(x: &[usize], weight: &[usize]) -> Self {
        let mut g = Geometry {
            batch: x[0],
            channels: x[1],
            side_h: x[2],
            side_w: x[3],
            out: weight[0],
            kernel_h: weight[2],
            kernel_w: weight[3],
            tile: 0,
        };
        g.tile = (UNFOLDED_BUDGET / g.unfolded().max(1)).clamp(1, g.pixels().max(1));
        g
    }

    /// Pixels of one map.
    fn pixels(&self) -> usize {
        self.side_h * self.side_w
    }

    /// Values of one input image (all channels).
    fn input(&self) -> usize {
        self.channels * self.pixels()
    }

    /// Rows of the unfolded input: one per input channel and kernel position.
    fn unfolded(&self) -> usize {
        self.channels * self.kernel_h * self.kernel_w
    }

    /// Calls `run(at, from, len)` for the runs of output pixels `start..start + count` whose
    /// kernel position `(ky, kx)` falls inside the image: pixel `start + at + i` reads the
    /// input pixel `from + i` of a channel, for `i < len`; the others read the zero padding.
    fn runs(
        &self,
        start: usize,
        count: usize,
        ky: usize,
        kx: usize,
        mut run: impl FnMut(usize, usize, usize),
    ) {
        let (w, h) = (self.side_w, self.side_h);
        let (pad_h, pad_w) = (self.kernel_h / 2, self.kernel_w / 2);
        let end = start + count;
        let mut p = start;
        while p < end {
            let (y, x0) = (p / w, p % w);
            let row_end = end.min((y + 1) * w);
            let x1 = x0 + (row_end - p);
            let iy = y + ky;
            if iy >= pad_h && iy - pad_h < h {
                // Input column ix = x + kx - pad_w must lie in 0..w.
                let lo = x0.max(pad_w.saturating_sub(kx));
                let hi = x1.min((w + pad_w).saturating_sub(kx));
                if lo < hi {
                    run(
                        p - start + (lo - x0),
                        (iy - pad_h) * w + lo + kx - pad_w,
                        hi - lo,
                    );
                }
            }
            p = row_end;
        }
    }

    /// Unfolds the output pixels `start..start + len` of `image` (`[in, h, w]`) into `cols`
    /// (`[unfolded, len]`).
    fn unfold(&self, image: &[f32], start: usize, len: usize, cols: &mut [f32]) {
        let kernel = self.kernel_h * self.kernel_w;
        for (r, row) in cols[..self.unfolded() * len]
            .chunks_exact_mut(len)
            .enumerate()
        {
            let (c, k) = (r / kernel, r % kernel);
            let channel = &image[c * self.pixels()..][..self.pixels()];
            // Zeros only where no run writes: the buffer is reused, and writing it twice
            // cost more than the copies.
            let mut filled = 0;
            self.runs(
                start,
                len,
                k / self.kernel_w,
                k % self.kernel_w,
                |at, from, n| {
                    row[filled..at].fill(0.0);
                    row[at..at + n].copy_from_slice(&channel[from..from + n]);
                    filled = at + n;
                },
            );
            row[filled..].fill(0.0);
        }
    }

    /// Adds `cols` (`[unfolded, len]`, gradients of the unfolded pixels `start..start + len`)
    /// back into `image` (`[in, h, w]`): the transpose of [`Geometry::unfold`].
    fn fold(&self, cols: &[f32], start: usize, len: usize, image: &mut [f32]) {
        let kernel = self.kernel_h * self.kernel_w;
        let pixels = self.pixels();
        for (r, row) in cols[..self.unfolded() * len].chunks_exact(len).enumerate() {
            let (c, k) = (r / kernel, r % kernel);
            let channel = &mut image[c * pixels..][..pixels];
            self.runs(
                start,
                len,
                k / self.kernel_w,
                k % self.kernel_w,
                |at, from, n| {
                    for (acc, v) in channel[from..from + n].iter_mut().zip(&row[at..at + n]) {
                        *acc += v;
                    }
                },
            );
        }
    }
}

/// The destination of a matrix product: `m` x `n`, rows `row` apart, columns adjacent; with
/// `add` the product is added to what it holds.
struct Dst<'a> {
    m: usize,
    n: usize,
    ptr: &'a mut [f32],
    row: usize,
    add: bool,
}

/// A factor of a matrix product: element `(i, j)` at `ptr[i * row + j * col]`.
struct Operand<'a> {
    ptr: &'a [f32],
    row: usize,
    col: usize,
}

/// The smallest product (`m * n * k` multiply-adds) shared among the cores: the 32-channel
/// layers' products (20 million) ran slower on two threads than on one, the 128-channel
/// layers' (321 million) faster (`identity-crisis bench`, 2 cores).
#[cfg(not(target_family = "wasm"))]
const PARALLEL_PRODUCT: usize = 1 << 26;

/// `dst (+)= lhs x rhs`, with `depth` the shared dimension, on the `gemm` crate (flex's own
/// matrix product), on every core when the product is large enough to share.
fn product(dst: Dst, lhs: Operand, rhs: Operand, depth: usize) {
    let (m, n, k) = (dst.m, dst.n, depth);
    if m == 0 || n == 0 {
        return;
    }
    // The last element each operand reaches must lie inside it: gemm reads raw pointers.
    let last =
        |rows: usize, cols: usize, row: usize, col: usize| (rows - 1) * row + (cols - 1) * col;
    assert!(
        last(m, n, dst.row, 1) < dst.ptr.len(),
        "product: destination too small"
    );
    if k > 0 {
        assert!(
            last(m, k, lhs.row, lhs.col) < lhs.ptr.len(),
            "product: lhs too small"
        );
        assert!(
            last(k, n, rhs.row, rhs.col) < rhs.ptr.len(),
            "product: rhs too small"
        );
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
    // and `dst` is borrowed mutably, so it overlaps neither operand.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.ptr.as_mut_ptr(),
            1,
            dst.row as isize,
            dst.add,
            lhs.ptr.as_ptr(),
            lhs.col as isize,
            lhs.row as isize,
            rhs.ptr.as_ptr(),
            rhs.col as isize,
            rhs.row as isize,
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
    fn the_runs_cover_exactly_the_pixels_inside_the_image() {
        let g = Geometry::new(&[1, 1, 3, 4], &[1, 1, 3, 3]);
        // Kernel position (0, 0) of pixel (y, x) reads (y - 1, x - 1): none in row 0 or
        // column 0. Pixels 2..9 are (0,2) (0,3) (1,0) (1,1) (1,2) (1,3) (2,0).
        let mut seen = vec![];
        g.runs(2, 7, 0, 0, |at, from, n| seen.push((at, from, n)));
        assert_eq!(seen, vec![(3, 0, 3)]);
    }
}
