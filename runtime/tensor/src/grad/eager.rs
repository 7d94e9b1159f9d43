//! The eager [`GradBuilder`]: every op runs at once on the reference
//! kernels; handles index an arena of tensors.

use super::{apply, GradBuilder, GradCall, Handle};
use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{self, Attrs, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::Tensor;

/// Runs gradient ops eagerly; handles are indices into `values`.
#[derive(Default)]
pub struct EagerGradBuilder {
    pub values: Vec<Tensor>,
}

impl EagerGradBuilder {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a tensor to the arena.
    pub fn push(&mut self, t: Tensor) -> Handle {
        self.values.push(t);
        Handle((self.values.len() - 1) as u32)
    }
    /// The tensor behind `h`.
    pub fn get(&self, h: Handle) -> TfResult<&Tensor> {
        self.values
            .get(h.0 as usize)
            .ok_or_else(|| TfError::invalid_argument(format!("eager gradient: unknown handle {}", h.0)))
    }
}

impl GradBuilder for EagerGradBuilder {
    fn op(&mut self, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<Vec<Handle>> {
        let ts: Vec<Tensor> = inputs.iter().map(|&h| self.get(h).cloned()).collect::<TfResult<_>>()?;
        let refs: Vec<&Tensor> = ts.iter().collect();
        let outs = op::run(name, &refs, &attrs)?;
        Ok(outs.into_iter().map(|t| self.push(t)).collect())
    }
    fn constant(&mut self, t: Tensor) -> Handle {
        self.push(t)
    }
    fn ty(&self, h: Handle) -> TensorType {
        match self.values.get(h.0 as usize) {
            Some(t) => t.tensor_type(),
            None => TensorType::new(DType::Float32, StaticShape::unknown_rank()),
        }
    }
    fn value(&self, h: Handle) -> Option<Tensor> {
        self.values.get(h.0 as usize).cloned()
    }
}

/// The gradients of one eager op application: `def` applied to `inputs`
/// (with `attrs`) produced `outputs`; `grads` flow into the outputs (`None` =
/// no gradient). Returns one gradient per input (`None` = not differentiable
/// or unconnected). This is what the eager tape calls per recorded op.
pub fn gradient_of_op(
    def: &'static OpDef,
    attrs: &Attrs,
    inputs: &[Tensor],
    outputs: &[Tensor],
    grads: &[Option<Tensor>],
) -> TfResult<Vec<Option<Tensor>>> {
    let mut b = EagerGradBuilder::new();
    let ins: Vec<Handle> = inputs.iter().map(|t| b.push(t.clone())).collect();
    let outs: Vec<Handle> = outputs.iter().map(|t| b.push(t.clone())).collect();
    let gs: Vec<Option<Handle>> = grads.iter().map(|g| g.as_ref().map(|t| b.push(t.clone()))).collect();
    let call = GradCall { op: def, attrs, inputs: &ins, outputs: &outs, grads: &gs };
    let res = apply(&mut b, &call)?;
    res.into_iter().map(|g| g.map(|h| b.get(h).cloned()).transpose()).collect()
}
