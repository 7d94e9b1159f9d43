//! The graph optimizer of tfjit, on [`egg`].
//!
//! [`optimize`] runs the default pipeline on a traced [`FuncGraph`] and
//! returns a new graph that computes the same outputs (bit for bit for
//! ints, within float rounding for floats — in practice bit for bit, since
//! folding uses the reference kernels), with the same arguments, captures,
//! side effects and error behaviour:
//!
//! 1. [`Prune`] (`prune.rs`): drop ops no output or side effect needs.
//! 2. [`Saturate`] (`saturate.rs`): equality saturation over the pure ops —
//!    the op language (`language.rs`), constant folding as an analysis
//!    (`fold.rs`), the rewrite rules (`simplify.rs`), CSE by hash-consing,
//!    extraction by a cost model (`cost.rs`).
//! 3. [`Fuse`] (`fuse.rs`): elementwise chains become `FusedElementwise`
//!    nodes, elementwise ops feeding a reduction `FusedReduction` nodes;
//!    each carries its body as a nested graph in `funcs["body"]`.
//! 4. [`Prune`] again.
//! 5. [`HoistSlicedProducts`] (`hoist.rs`): a loop body's `MatMul(x[i], w)`
//!    over the loop counter `i`, with `x` and `w` loop-invariant, becomes a
//!    slice of one `BatchMatMulV2(x, w)` computed before the loop.
//!
//! Nested graphs (`If` branches, `While` cond/body) are optimized first,
//! recursively ([`Nested`]). Stateful ops, control edges and the creation
//! order of the ops that remain are kept.
//!
//! ```
//! use tfjit_graph::{GraphBuilder, ValueType};
//! use tfjit_tensor::{attrs, DType, Tensor, TensorType};
//!
//! let mut b = GraphBuilder::new("f");
//! let x = b.add_placeholder("x", ValueType::Tensor(TensorType::known(DType::Float32, &[4])));
//! let one = b.add_const("one", Tensor::scalar_f32(1.0));
//! let y = b.add_op("mul", "Mul", &[x, one], attrs![]).unwrap()[0];
//! let z = b.add_op("exp", "Exp", &[y], attrs![]).unwrap()[0];
//! let g = b.finish(&[z]).unwrap();
//! let opt = tfjit_optimize::optimize(&g).unwrap();
//! // x * 1 is gone; Exp feeds the output Identity directly.
//! assert!(opt.find("mul").is_none());
//! ```
#![warn(missing_docs)]

pub mod cost;
pub mod fold;
pub mod fuse;
pub mod hoist;
pub mod language;
pub mod nested;
pub mod order;
pub mod pass;
pub mod prune;
pub mod saturate;
pub mod simplify;

pub use fuse::{Fuse, FUSED_ELEMENTWISE, FUSED_REDUCTION};
pub use hoist::HoistSlicedProducts;
pub use nested::Nested;
pub use pass::Pass;
pub use prune::Prune;
pub use saturate::Saturate;

use tfjit_graph::FuncGraph;
use tfjit_tensor::TfResult;

/// The default pipeline, nested graphs first.
pub fn default_pipeline() -> impl Pass {
    Nested((Prune, Saturate::default(), Fuse::default(), Prune, HoistSlicedProducts))
}

/// Optimizes `graph` with the default pipeline; the original is untouched.
/// The result has the same id, arguments, captures and outputs (count and
/// types) as `graph`.
pub fn optimize(graph: &FuncGraph) -> TfResult<FuncGraph> {
    let mut g = graph.clone();
    default_pipeline().run(&mut g)?;
    Ok(g)
}
