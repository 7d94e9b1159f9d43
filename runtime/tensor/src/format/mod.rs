//! Printing values exactly as TensorFlow 2.21 and NumPy 2.4 do.
//!
//! - [`pyfloat`]: decimal digits of floats and Python's float formatting
//!   (`repr`, `%f`, `%e`, `%g`, format specs without a type, `round(x, n)`).
//! - [`dragon4`]: NumPy's `format_float_positional` / `format_float_scientific`.
//! - [`numpy`]: NumPy's `array2string`, `str`/`repr` of arrays and scalars
//!   (`numpy::array_repr_nd` for a true 0-d ndarray: `array(2.5, dtype=float32)`).
//! - [`tf_tensor`]: `str`/`repr` of eager tensors and variables.
//! - [`tf_print`]: `tf.print`'s tensor text.

pub mod dragon4;
pub mod numpy;
pub mod pyfloat;
pub mod tf_print;
pub mod tf_tensor;

use crate::tensor::Tensor;

pub use pyfloat::{
    f32_shortest_repr, format_exp, format_fixed, format_general, format_no_type, py_round,
};

/// `print(t)` / `str(t)` of an eager tensor:
/// `tf.Tensor([1. 2.], shape=(2,), dtype=float32)`.
pub fn tensor_str(t: &Tensor) -> String {
    tf_tensor::tensor_str(t)
}

/// `repr(t)`: `<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>`.
pub fn tensor_repr(t: &Tensor) -> String {
    tf_tensor::tensor_repr(t)
}

/// `str(t.numpy())` for rank ≥ 1, NumPy's `array2string`; for rank 0 the
/// NumPy scalar's `str` (`2.5`, `0.33333334`, `7`, `True`).
pub fn ndarray_str(t: &Tensor) -> String {
    numpy::array_str(t)
}

/// `repr(t.numpy())`: `array([1., 2.], dtype=float32)`; rank 0: `np.float32(2.5)`.
pub fn ndarray_repr(t: &Tensor) -> String {
    numpy::array_repr(t)
}

/// `print(v)` / `repr(v)` of a variable named `name` (e.g. `Variable:0`) holding `t`:
/// `<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>`.
pub fn variable_repr(name: &str, t: &Tensor) -> String {
    tf_tensor::variable_repr(name, t)
}

/// How `tf.print` shows a tensor (`[1 2 3]`, `[[1 2]\n [3 4]]`, summarised
/// with `...` past `summarize` elements per dimension, default 3; pass
/// `usize::MAX` for `summarize=-1`).
pub fn tf_print_tensor(t: &Tensor, summarize: usize) -> String {
    tf_print::tf_print_tensor(t, summarize)
}

/// Python's `repr(float)`: shortest round-trip digits, `1e-05`, `1e+16`, `inf`, `nan`, `-0.0`.
pub fn py_float_repr(f: f64) -> String {
    pyfloat::py_float_repr(f)
}
