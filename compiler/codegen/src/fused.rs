//! Fused kernels (placeholder; filled in below).
use tfjit_graph::{Node, RtValue};
use tfjit_tensor::TfResult;

/// A compiled `FusedElementwise`/`FusedReduction` kernel.
pub struct FusedKernel {}
impl FusedKernel {
    /// A one-line description.
    pub fn describe(&self) -> String { String::new() }
}

/// Compiles a fused node's body into a kernel.
pub fn compile(_node: &Node) -> Result<FusedKernel, String> {
    Err("not yet".into())
}

impl FusedKernel {
    /// Runs the kernel; `None` when the inputs need the reference path.
    pub fn run(&self, _ins: &[RtValue]) -> Option<TfResult<Vec<RtValue>>> {
        None
    }
}
