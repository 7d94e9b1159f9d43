//! The graph IR of traced `tf.function`s.
//!
//! - [`FuncGraph`] (`graph.rs`): op [`Node`]s in a petgraph `StableGraph`
//!   with data edges (output index → input index) and control edges;
//!   argument placeholders, captures, outputs, control outputs.
//! - [`GraphBuilder`] (`builder.rs`): what tracing calls — `add_op` runs the
//!   op's shape rule and raises trace-time errors, names ops the TF way
//!   (`naming.rs`), captures tensors and variables, and adds automatic
//!   control dependencies (`control_deps.rs`).
//! - Ops: tensor ops come from `tfjit_tensor::op`; graph-level ops
//!   (`Placeholder`, `Const`, variable ops, `StringFormat`/`PrintV2`,
//!   `If`/`While`) are in [`graph_ops`].
//! - [`execute()`]: the reference executor, with the variable store and
//!   output streams behind the [`Runtime`] trait.
//! - Printers: [`print_text`], [`print_dot`], [`print_json`], and
//!   [`graph_def`] (TF's `as_graph_def()` data).

pub mod attr_text;
pub mod builder;
pub mod control_deps;
pub mod edit;
pub mod execute;
pub mod graph;
pub mod graph_def;
pub mod graph_ops;
pub mod naming;
pub mod node;
pub mod print_dot;
pub mod print_json;
pub mod print_text;
pub mod value;

pub use builder::{GraphBuilder, EAGER_CONST_THRESHOLD};
pub use execute::{execute, MemRuntime, Runtime};
pub use graph::{Capture, CaptureKind, FuncGraph};
pub use graph_ops::{GraphOpDef, ResourceEffect};
pub use node::{Edge, GraphId, Node, OpRef, Output};
pub use petgraph::stable_graph::NodeIndex;
pub use value::{RtValue, ValueType, VarId};

#[cfg(test)]
mod tests {
    /// Graphs can be shared across threads (compiled backends, caches).
    #[test]
    fn func_graph_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<super::FuncGraph>();
    }
}
