//! Gradients: one gradient function per differentiable op, as TensorFlow
//! registers them (`math_grad.py`, `array_grad.py`, `nn_grad.py`,
//! `linalg_grad.py`).
//!
//! A gradient function never computes numbers itself: it *builds* its result
//! with ops through a [`GradBuilder`]. The same definition therefore serves an
//! eager tape (the builder runs each op at once, see [`EagerGradBuilder`]) and
//! a traced graph (the builder adds nodes; shapes may be partly unknown, which
//! is why the functions fall back to `Shape`/`BroadcastGradientArgs` ops when
//! static shapes are not enough).
//!
//! Each [`OpDef`](crate::op::OpDef) names its gradient in its `grad` field;
//! `None` means TensorFlow registers no gradient or `NotDifferentiable`.
//! [`apply`] is the entry point for a tape or a symbolic gradient pass.

pub mod array;
pub mod build;
pub mod eager;
pub mod linalg;
pub mod math;
pub mod nn;

use crate::error::{TfError, TfResult};
use crate::op::{Attrs, OpDef};
use crate::shape::TensorType;
use crate::tensor::Tensor;

pub use eager::{gradient_of_op, EagerGradBuilder};

/// An opaque value id owned by a [`GradBuilder`] (an arena slot for eager
/// execution, a node output for a graph).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle(pub u32);

/// What a gradient function builds with.
pub trait GradBuilder {
    /// Adds (or runs) op `name` on `inputs`; returns its outputs.
    fn op(&mut self, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<Vec<Handle>>;
    /// A constant value.
    fn constant(&mut self, t: Tensor) -> Handle;
    /// Static dtype and (possibly partial) shape of `h`.
    fn ty(&self, h: Handle) -> TensorType;
    /// The value of `h` if known (always for eager builders; for graphs, a
    /// constant or a constant-folded value).
    fn value(&self, h: Handle) -> Option<Tensor>;
}

/// One op occurrence whose gradient is requested.
pub struct GradCall<'a> {
    pub op: &'static OpDef,
    pub attrs: &'a Attrs,
    pub inputs: &'a [Handle],
    pub outputs: &'a [Handle],
    /// One per output; `None` = no gradient flows into that output.
    pub grads: &'a [Option<Handle>],
}

impl GradCall<'_> {
    /// Input `i` (error instead of panic on a malformed call).
    pub fn input(&self, i: usize) -> TfResult<Handle> {
        self.inputs.get(i).copied().ok_or_else(|| malformed(self.op, "input", i))
    }
    /// Output `i`.
    pub fn output(&self, i: usize) -> TfResult<Handle> {
        self.outputs.get(i).copied().ok_or_else(|| malformed(self.op, "output", i))
    }
    /// The gradient flowing into output `i`. [`apply`] fills missing ones
    /// with zeros before calling a gradient function, so this only fails on a
    /// malformed call.
    pub fn grad(&self, i: usize) -> TfResult<Handle> {
        self.grads.get(i).copied().flatten().ok_or_else(|| malformed(self.op, "gradient", i))
    }
}

fn malformed(op: &OpDef, what: &str, i: usize) -> TfError {
    TfError::invalid_argument(format!("gradient of {}: missing {what} {i}", op.name))
}

/// A gradient function: one result per op input (`None` = no gradient:
/// not differentiable or unconnected).
pub type GradFn = fn(&mut dyn GradBuilder, &GradCall) -> TfResult<Vec<Option<Handle>>>;

/// Computes the input gradients of one op, as TF's tape/graph gradient pass
/// does around a registered gradient function:
/// - an op without a gradient (`NotDifferentiable`) gives `None` for every input;
/// - if no gradient flows into any output, every input gets `None`;
/// - outputs without an incoming gradient get zeros (`ZerosLike(output)`);
/// - inputs that are not floating point get `None` (TF only differentiates
///   floating tensors).
pub fn apply(b: &mut dyn GradBuilder, call: &GradCall) -> TfResult<Vec<Option<Handle>>> {
    let n = call.inputs.len();
    let Some(f) = call.op.grad else {
        return Ok(vec![None; n]);
    };
    if call.grads.iter().all(|g| g.is_none()) || call.inputs.iter().all(|&h| !b.ty(h).dtype.is_float()) {
        return Ok(vec![None; n]);
    }
    let mut grads: Vec<Option<Handle>> = Vec::with_capacity(call.outputs.len());
    for (i, &o) in call.outputs.iter().enumerate() {
        grads.push(match call.grads.get(i).copied().flatten() {
            Some(g) => Some(g),
            None => Some(build::op1(b, "ZerosLike", &[o], Attrs::new())?),
        });
    }
    let full = GradCall { op: call.op, attrs: call.attrs, inputs: call.inputs, outputs: call.outputs, grads: &grads };
    let mut out = f(b, &full)?;
    if out.len() != n {
        return Err(TfError::invalid_argument(format!(
            "gradient of {} returned {} gradients for {n} inputs",
            call.op.name,
            out.len()
        )));
    }
    for (g, &x) in out.iter_mut().zip(call.inputs) {
        if !b.ty(x).dtype.is_float() {
            *g = None;
        }
    }
    Ok(out)
}
