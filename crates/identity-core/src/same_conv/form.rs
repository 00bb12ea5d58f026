//! Which form our CPU kernels give a convolution (the rule, in one place), and each form's
//! weights as its products read them.

use std::borrow::Cow;
use std::ops::Range;

use super::scratch::Scratch;
use super::shape::Shape;
use super::{shifted, unfolded, winograd};

/// How one convolution's matrix products are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    /// One product per kernel position, the channels as its inner dimension
    /// ([`shifted`]).
    Shifted,
    /// One product over the unfolded image, all of an output channel's weights as its
    /// inner dimension ([`unfolded`]).
    Unfolded,
    /// Products of 2 x 2 output tiles in the space of the Winograd transform, for 5 x 5
    /// kernels ([`winograd`]); its weight gradient the shifted form's.
    Winograd,
}

/// The fewest input channels the shifted form takes: below it the unfolded form's longer
/// inner dimension pays for its copy (measured per operation, one and two threads).
const SHIFTED_MIN_CHANNELS: usize = 8;

/// The fewest input and output channels the Winograd form takes: below it its moves in and
/// out of the products' space cost what its fewer multiply-adds save (measured per
/// operation on one thread, 28 x 28: 16 to 16 channels 0.132 against the shifted form's
/// 0.135 ms, 8 to 8 level, 128 to 1 0.60 against 0.23; 32 to 32 0.385 against 0.454, 128
/// to 128 4.5 against 5.9).
const WINOGRAD_MIN_CHANNELS: usize = 16;

/// The largest unfolded matrix (values, one image) the unfolded form builds: 16 MiB.
const UNFOLDED_MAX: usize = 1 << 22;

impl Form {
    /// The form for a convolution of this shape.
    pub fn of(s: &Shape) -> Form {
        if s.channels < SHIFTED_MIN_CHANNELS && s.unfolded() * s.pixels() <= UNFOLDED_MAX {
            Form::Unfolded
        } else if winograd::fits(s) && s.channels.min(s.out) >= WINOGRAD_MIN_CHANNELS {
            Form::Winograd
        } else {
            Form::Shifted
        }
    }

    /// The weights of a layer of shape `s` (`[out, channels, kh, kw]`) as this form's
    /// products read them, for output channels `outs` of the convolution run: the layer's
    /// own, or with `turn` its input gradient's (the convolution of shape [`Shape::turned`]
    /// by the weights turned around, whose outputs are the layer's channels).
    pub fn weights<'a>(
        self,
        s: &Shape,
        weight: &'a [f32],
        turn: bool,
        outs: Range<usize>,
    ) -> Weights<'a> {
        let out = outs.len();
        let laid = match self {
            Form::Shifted => Laid::Shifted {
                laid: shifted::weights(s, weight, turn, outs),
                turned: turn,
            },
            Form::Unfolded => Laid::Unfolded(unfolded::weights(s, weight, turn, outs)),
            Form::Winograd => Laid::Winograd {
                weights: winograd::weights(s, weight, turn, outs),
                turned: turn,
            },
        };
        Weights { out, laid }
    }

    /// Image `x` of a convolution of shape `s` moved for all its output rows, shared among
    /// `cores` cores, where this form moves its input apart from its weights (the Winograd
    /// form): for shares that each compute some output channels of the whole image, which
    /// would each move it again.
    pub fn input(self, s: &Shape, x: &[f32], cores: usize) -> Option<Scratch> {
        (self == Form::Winograd).then(|| winograd::input(s, x, 0..s.h, cores))
    }

    /// Adds to `part` (`[out, cols.len()]`) columns `cols` of one image's weight gradient
    /// (`[out, channels * kh * kw]`); `cols` starts and ends on a multiple of
    /// [`Form::column_step`].
    pub fn weight_grad_cols(
        self,
        s: &Shape,
        x: &[f32],
        grad: &[f32],
        cols: Range<usize>,
        part: &mut [f32],
    ) {
        match self {
            Form::Shifted | Form::Winograd => shifted::weight_grad_cols(s, x, grad, cols, part),
            Form::Unfolded => unfolded::weight_grad_cols(s, x, grad, cols, part),
        }
    }

    /// The weight gradient's columns come in blocks of this many: a whole channel's kernel
    /// for the shifted form (and the Winograd form, whose weight gradient it computes), any
    /// column for the unfolded one.
    pub fn column_step(self, s: &Shape) -> usize {
        match self {
            Form::Shifted | Form::Winograd => s.kernel(),
            Form::Unfolded => 1,
        }
    }
}

/// A convolution's weights for some of its output channels, as its form's products read
/// them ([`Form::weights`]).
pub(super) struct Weights<'a> {
    /// How many output channels they are for.
    out: usize,
    laid: Laid<'a>,
}

/// The values of [`Weights`], by form.
enum Laid<'a> {
    /// The layer's weights position by position ([`shifted::weights`]), turned around for
    /// its input gradient.
    Shifted { laid: Scratch, turned: bool },
    /// The weights of the convolution run ([`unfolded::weights`]), `[out, channels, kh,
    /// kw]`.
    Unfolded(Cow<'a, [f32]>),
    /// The weights moved to the Winograd products' space ([`winograd::weights`]).
    Winograd { weights: Scratch, turned: bool },
}

impl Weights<'_> {
    /// Adds to `part` (`[out, rows.len() * w]`, the output channels these weights are for)
    /// the convolution (shape `s`) of one image `x` at output rows `rows`, `x` already moved
    /// when the form moves its input ([`Form::input`]: `moved`, for every row).
    pub fn forward_rows(
        &self,
        s: &Shape,
        (x, moved): (&[f32], Option<&[f32]>),
        rows: Range<usize>,
        part: &mut [f32],
    ) {
        let out = self.out;
        match &self.laid {
            Laid::Shifted { laid, turned } => {
                shifted::forward_rows(s, x, (laid, *turned), (out, rows), part)
            }
            Laid::Unfolded(weight) => unfolded::forward_rows(s, x, weight, (out, rows), part),
            Laid::Winograd { weights, turned } => {
                let own;
                let blocks = match moved {
                    Some(blocks) => blocks,
                    None => {
                        own = winograd::input(s, x, rows.clone(), 1);
                        &own
                    }
                };
                winograd::forward_rows(s, blocks, (weights, *turned), (out, rows), part)
            }
        }
    }
}
