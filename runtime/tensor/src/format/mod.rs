//! Printing values exactly as TensorFlow 2.21 and NumPy 2.4 do.
//!
//! SCAFFOLD: the signatures below are the contract used by the `tf/` layer;
//! the bodies are being written (format work).

use crate::tensor::Tensor;

/// `print(t)` / `str(t)` of an eager tensor:
/// `tf.Tensor([1. 2.], shape=(2,), dtype=float32)`.
pub fn tensor_str(t: &Tensor) -> String {
    format!("<tensor_str not implemented {:?}>", t.shape())
}

/// `repr(t)`: `<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>`.
pub fn tensor_repr(t: &Tensor) -> String {
    format!("<tensor_repr not implemented {:?}>", t.shape())
}

/// `str(t.numpy())` for rank ≥ 1, NumPy's `array2string`; for rank 0 the
/// NumPy scalar's `str` (`2.5`, `0.33333334`, `7`, `True`).
pub fn ndarray_str(t: &Tensor) -> String {
    format!("<ndarray_str not implemented {:?}>", t.shape())
}

/// `repr(t.numpy())`: `array([1., 2.], dtype=float32)`; rank 0: `np.float32(2.5)`.
pub fn ndarray_repr(t: &Tensor) -> String {
    format!("<ndarray_repr not implemented {:?}>", t.shape())
}

/// `print(v)` / `repr(v)` of a variable named `name` (e.g. `Variable:0`) holding `t`:
/// `<tf.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>`.
pub fn variable_repr(name: &str, t: &Tensor) -> String {
    format!("<variable_repr not implemented {name} {:?}>", t.shape())
}

/// How `tf.print` shows a tensor (`[1 2 3]`, `[[1 2]\n [3 4]]`, summarised
/// with `...` past `summarize` elements per dimension, default 3).
pub fn tf_print_tensor(t: &Tensor, summarize: usize) -> String {
    format!("<tf_print_tensor not implemented {:?} {summarize}>", t.shape())
}

/// Python's `repr(float)`: shortest round-trip digits, `1e-05`, `1e+16`, `inf`, `nan`, `-0.0`.
pub fn py_float_repr(f: f64) -> String {
    format!("{f:?}")
}
