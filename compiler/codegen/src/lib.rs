//! The CPU backend of tfjit, on Cranelift.
//!
//! [`compile`] turns a (normally optimized) [`tfjit_graph::FuncGraph`]
//! into a [`CompiledFunction`] whose [`CompiledFunction::run`] has exactly
//! the semantics of `tfjit_graph::execute`:
//!
//! - `native.rs`: when every tensor of the graph (including `While`/`If`
//!   bodies and fused bodies) has a static shape of at most
//!   [`native::MAX_ELEMS`] elements, the whole graph becomes one native
//!   function with values in registers (a scalar `while` loop runs as a
//!   machine loop).
//! - `fused.rs`: `FusedElementwise` / `FusedReduction` bodies become native
//!   loops over the elements, vectorized with 128-bit SIMD and split across
//!   cores for large tensors.
//! - `exec.rs`: everything else runs step by step in the executor's order;
//!   `While`/`If` either become native regions or run compiled bodies; ops
//!   without generated code call their reference kernels.
//! - `elemops.rs` / `mathfns.rs`: the per-element code, bit-identical to
//!   the reference kernels (transcendentals call the same Rust functions).
//! - `rows.rs` / `cols.rs`: reductions over trailing axes (row kernels,
//!   softmax) and over leading axes (column kernels) with their prologues.
//! - `epilogue.rs`: a `MatMul` computed block by block inside the fused
//!   kernel that consumes it.
//! - `update.rs`: `v.assign_sub(k(…))` in place, with the fused kernel `k`.
//! - `warm_up.rs`: the optimizer's and the JIT's one-time set-up, on a
//!   background thread when a program imports `tensorflow`.
//! - `report.rs`: what was compiled (`tfjit graph --stage compiled`).
//! - `profile.rs`: time per step when `TFJIT_PROFILE` is set.
//!
//! Every generated memory access stays inside buffers whose sizes the Rust
//! side checked before the call.

pub mod blockvm;
pub mod body;
pub mod cols;
pub mod elemops;
pub(crate) mod epilogue;
pub mod exec;
pub mod fused;
pub mod jit;
pub mod mathfns;
pub mod mathlib;
pub mod native;
pub mod plan;
pub mod prepare;
pub mod profile;
pub mod report;
pub mod rows;
pub(crate) mod update;
pub mod vmath;
pub mod warm_up;

pub use exec::{compile, CompiledFunction};
pub use prepare::{Options, Prepared};
