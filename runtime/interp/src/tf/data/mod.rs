//! `tf.data`: datasets (SPEC §3 "Data").
//!
//! Files: `structure.rs` (nested element structures and `element_spec`
//! text), `index.rs` (static-or-tensor indices), `node.rs` (the pipeline:
//! sources and transformations, each able to build element `i` eagerly or
//! in a graph), `func.rs` (traced `map` functions), `dataset.rs` (the
//! Python `Dataset` object), `iterator.rs` (eager and in-trace iterators),
//! `traced_loop.rs` (a dataset loop inside a trace as one `While` op, used
//! by `reduce` and AutoGraph).
//!
//! # For AutoGraph's `for_stmt` (`for x in dataset` in a tf.function)
//!
//! [`is_dataset`]`(iter_)` tells a dataset apart; then call
//!
//! ```ignore
//! tf::data::for_each_traced(interp, &ds, init: Vec<TV>, extra_test, body) -> PyResult<Vec<TV>>
//! ```
//!
//! - `init`: the loop state flattened to tensors (the caller converts Python
//!   scalars and composite values such as a TensorArray to tensors, and
//!   rebuilds them after). Empty is fine.
//! - `body: &mut dyn FnMut(&mut Interp, elem: Value, state: Vec<TV>) ->
//!   PyResult<Vec<TV>>` — called while the loop's body graph is the active
//!   trace, with the element as the program sees it (tensor, tuple, dict)
//!   and the state as placeholders of that graph; it runs the Python body
//!   (`set_state(state); body(elem); get_state()`) and returns the new state
//!   flattened the same way. It may be called more than once: when a state
//!   value's shape changes, the body is traced again with a relaxed shape
//!   (as TF's `Dataset.reduce` does). A dtype change raises TF's
//!   `TypeError` ("The element types for the new state must match the
//!   initial state…").
//! - `extra_test: Option<&mut dyn FnMut(&mut Interp, &[TV]) -> PyResult<TV>>`
//!   — AutoGraph's `extra_test` (loops with `break`): called with the state
//!   (once before the loop in the enclosing graph, then in the body graph
//!   after each step) and returns a boolean scalar tensor; the loop stops
//!   before the next element once it is false.
//! - Returns the final state as symbolic tensors of the current graph.
//!
//! `len(ds)` inside a trace (AutoGraph's `len` overload): [`traced_len`].
//!
//! Must be called inside a trace. The loop is one `While`/`StatelessWhile`
//! op; the body's captures of enclosing graphs (variables, outer tensors)
//! work at any nesting depth. `Dataset.reduce` uses the same function
//! (eagerly: inside a one-off graph that is run at once, so a `print` in
//! `reduce_func` runs once, at trace time, as in TF).

pub mod dataset;
pub mod func;
pub mod index;
pub mod iterator;
pub mod node;
pub mod structure;
pub mod traced_loop;

pub use dataset::{is_dataset, node_of, traced_len, Dataset};
pub use traced_loop::{for_each_traced, ExtraTest, LoopBody};

use crate::value::{Module, Value};

/// The `tf.data` module.
pub fn make_module() -> Value {
    let m = Module::new("tensorflow.data");
    m.set("Dataset", dataset::dataset_class());
    for (k, v) in dataset::cardinality_constants() {
        m.set(k, v);
    }
    m.set("AUTOTUNE", Value::Int(-1));
    let exp = Module::new("tensorflow.data.experimental");
    exp.set("AUTOTUNE", Value::Int(-1));
    for (k, v) in dataset::cardinality_constants() {
        exp.set(k, v);
    }
    m.set("experimental", Value::Module(exp));
    Value::Module(m)
}
