//! Eager tensors for tfjit.
//!
//! This crate knows nothing about Python. It holds the values that flow through
//! the pipeline (`Tensor`: dtype + shape + buffer), the static types that
//! tracing will use (`TensorType` with a partial `StaticShape`), TF's error
//! kinds, and the op registry: one [`op::OpDef`] per TensorFlow op with its
//! shape/dtype rule and its reference kernel. The interpreter calls ops by
//! their TensorFlow names through [`op::run`].

pub mod dtype;
pub mod error;
pub mod format;
pub mod grad;
pub mod op;
pub mod ops;
pub mod pool;
pub mod shape;
pub mod tensor;

pub use dtype::DType;
pub use error::{TfError, TfErrorKind, TfResult};
pub use op::{run, Attr, Attrs, InputInfo, OpDef};
pub use shape::{StaticShape, TensorType};
pub use tensor::{Data, Tensor};
