//! `str` / `repr` of eager tensors and variables, as TensorFlow's Python
//! layer builds them around NumPy's text (`ops.py: _numpy_text`).

use super::numpy::{array_repr, array_str, shape_tuple};
use super::pyfloat::py_float_repr;
use crate::dtype::DType;
use crate::tensor::Tensor;

/// Multi-line NumPy text starts on its own line.
fn block(text: String) -> String {
    if text.contains('\n') {
        format!("\n{text}")
    } else {
        text
    }
}

/// `_numpy_text(t, is_repr)`: scalars in a repr are `repr(t.numpy().item())`,
/// i.e. Python's repr of the value (a float32 widened to float).
fn numpy_text(t: &Tensor, is_repr: bool) -> String {
    if !is_repr {
        return block(array_str(t));
    }
    if t.rank() == 0 {
        return match t.dtype() {
            DType::Float32 | DType::Float64 => py_float_repr(t.get_f64(0)),
            DType::Int32 | DType::Int64 => t.get_i64(0).to_string(),
            DType::Bool => if t.get_i64(0) != 0 { "True" } else { "False" }.into(),
        };
    }
    block(array_repr(t))
}

/// `str(t)`: `tf.Tensor([1. 2.], shape=(2,), dtype=float32)`.
pub fn tensor_str(t: &Tensor) -> String {
    format!(
        "tf.Tensor({}, shape={}, dtype={})",
        numpy_text(t, false),
        shape_tuple(t.shape()),
        t.dtype().name()
    )
}

/// `repr(t)`: `<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>`.
pub fn tensor_repr(t: &Tensor) -> String {
    format!(
        "<tf.Tensor: shape={}, dtype={}, numpy={}>",
        shape_tuple(t.shape()),
        t.dtype().name(),
        numpy_text(t, true)
    )
}

/// `repr(v)` / `str(v)` of a `tf.Variable` named `name` holding `t`.
pub fn variable_repr(name: &str, t: &Tensor) -> String {
    format!(
        "<tf.Variable '{name}' shape={} dtype={}, numpy={}>",
        shape_tuple(t.shape()),
        t.dtype().name(),
        numpy_text(t, true)
    )
}
