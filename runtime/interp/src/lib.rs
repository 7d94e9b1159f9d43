//! The interpreter stage of tfjit: runs a checked Python-subset program
//! (`tfjit_autograph::parse`) eagerly, with the TensorFlow API of `tf/`.
//!
//! Layout: `value.rs` (the value type), `exc.rs` (exceptions), `args.rs`
//! (argument binding), `interp.rs` (statements, expressions, calls),
//! `builtins/` (Python builtins and the `math`/`sys`/`time` modules),
//! `tf/` (the `tensorflow` module: tensors, variables, ops, printing).

pub mod args;
pub mod builtins;
pub mod exc;
pub mod interp;
pub mod tf;
pub mod value;

pub use args::Args;
pub use exc::{Exc, PyResult};
pub use interp::{run_main, Interp, RunOptions};
pub use value::Value;
