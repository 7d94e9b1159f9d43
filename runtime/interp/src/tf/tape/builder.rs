//! The [`GradBuilder`] of tapes: every gradient op goes through the funnel
//! ([`trace::run_op`]), so eagerly it runs at once, inside a trace it becomes
//! a node of the same graph, and outer tapes record it (higher order).

use crate::exc::{Exc, PyResult};
use crate::tf::trace::{self, TV};
use tfjit_tensor::grad::{GradBuilder, Handle};
use tfjit_tensor::{Attrs, DType, StaticShape, Tensor, TensorType, TfError, TfResult};

/// Handles index `vals`; the first Python error raised by an op is kept in
/// `err` (a [`GradBuilder`] reports `TfError`s only).
#[derive(Default)]
pub struct FunnelBuilder {
    vals: Vec<TV>,
    err: Option<Exc>,
}

impl FunnelBuilder {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a tensor; its handle.
    pub fn push(&mut self, t: TV) -> Handle {
        self.vals.push(t);
        Handle((self.vals.len() - 1) as u32)
    }
    /// The tensor behind `h`.
    pub fn get(&self, h: Handle) -> PyResult<TV> {
        self.vals
            .get(h.0 as usize)
            .cloned()
            .ok_or_else(|| Exc::runtime_error(format!("gradient builder: unknown handle {}", h.0)))
    }
    /// Turns a builder error into the Python error that caused it.
    pub fn fail(&mut self, e: TfError) -> Exc {
        self.err.take().unwrap_or_else(|| Exc::from(e))
    }
}

impl GradBuilder for FunnelBuilder {
    fn op(&mut self, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<Vec<Handle>> {
        let mut ins = Vec::with_capacity(inputs.len());
        for &h in inputs {
            match self.vals.get(h.0 as usize) {
                Some(v) => ins.push(v.clone()),
                None => return Err(TfError::invalid_argument(format!("gradient builder: unknown handle {}", h.0))),
            }
        }
        let refs: Vec<&TV> = ins.iter().collect();
        match trace::run_op(name, name, &refs, attrs) {
            Ok(outs) => Ok(outs.into_iter().map(|o| self.push(o)).collect()),
            Err(e) => {
                let msg = format!("gradient op {name} failed");
                self.err.get_or_insert(e);
                Err(TfError::invalid_argument(msg))
            }
        }
    }
    fn constant(&mut self, t: Tensor) -> Handle {
        match trace::constant("Const", t.clone()) {
            Ok(v) => self.push(v),
            Err(e) => {
                self.err.get_or_insert(e);
                self.push(TV::E(t))
            }
        }
    }
    fn ty(&self, h: Handle) -> TensorType {
        match self.vals.get(h.0 as usize) {
            Some(v) => v.tensor_type(),
            None => TensorType::new(DType::Float32, StaticShape::unknown_rank()),
        }
    }
    fn value(&self, h: Handle) -> Option<Tensor> {
        self.vals.get(h.0 as usize)?.const_value()
    }
}
