//! The `tensorflow` module as the program sees it.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::value::Value;

/// Build the `tensorflow` module (called on `import tensorflow as tf`).
pub fn make_module(_interp: &mut Interp) -> PyResult<Value> {
    Err(Exc::not_implemented("scaffold"))
}
