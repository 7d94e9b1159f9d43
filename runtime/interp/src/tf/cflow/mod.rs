//! Control flow v2 (SPEC §3 "Control flow"): `cond` and `while_loop` as
//! graph ops with nested function graphs, and the TF API on top.
//!
//! - `subgraph.rs`: tracing a callable into a nested graph (captures of
//!   enclosing graphs, variables as resource inputs).
//! - `nest.rs`: structures of loop variables / branch outputs.
//! - `cond.rs`: `If`/`StatelessIf`; `tf.cond`, `tf.case`, `tf.switch_case`.
//! - `while_loop.rs`: `While`/`StatelessWhile`; `tf.while_loop`.
//! - `tensor_array.rs`: `tf.TensorArray` (eager list, graph `TensorList`).
//! - `grad.rs`: gradients of `If`/`While` (gradient `If`, backward `While`
//!   over per-iteration accumulators); `replay.rs`: rebuilding a branch or
//!   body graph under a tape for them.
//!
//! Eagerly (no trace active) every construct runs as Python, as TF does.

pub mod cond;
pub mod grad;
pub mod nest;
pub mod replay;
pub mod subgraph;
pub mod tensor_array;
pub mod while_loop;

use crate::value::{Builtin, Module};
use std::rc::Rc;

/// Adds `tf.cond`, `tf.while_loop`, `tf.case`, `tf.switch_case`, `tf.TensorArray`.
pub fn register(tf: &Rc<Module>) {
    tf.set("cond", Builtin::value("cond", cond::tf_cond));
    tf.set("case", Builtin::value("case", cond::tf_case));
    tf.set("switch_case", Builtin::value("switch_case", cond::tf_switch_case));
    tf.set("while_loop", Builtin::value("while_loop", while_loop::tf_while_loop));
    tf.set(
        "TensorArray",
        crate::tf::util::native_class("TensorArray", "TensorArray", Some(Box::new(tensor_array::tensor_array_ctor))),
    );
}
