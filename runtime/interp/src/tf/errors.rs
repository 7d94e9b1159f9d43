//! `tf.errors`: TF's exception classes (the builtin classes of `exc.rs`).

use crate::exc::builtin_exc_class;
use crate::value::{Module, Value};
use std::rc::Rc;

/// The names `tf.errors` exports.
const NAMES: &[&str] = &[
    "OpError",
    "InvalidArgumentError",
    "ResourceExhaustedError",
    "OutOfRangeError",
    "UnimplementedError",
    "FailedPreconditionError",
    "NotFoundError",
    "InternalError",
    "OperatorNotAllowedInGraphError",
];

/// Build `tf.errors`.
pub fn make_errors_module() -> Rc<Module> {
    let m = Module::new("tensorflow.errors");
    for n in NAMES {
        if let Some(c) = builtin_exc_class(n) {
            m.set(n, Value::Class(c));
        }
    }
    m
}
