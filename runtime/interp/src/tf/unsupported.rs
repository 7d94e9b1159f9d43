//! Placeholders for parts of the TF API tfjit does not have yet: any use
//! raises `NotImplementedError` naming the feature.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::value::{Object, Value};
use std::any::Any;

/// `tf.data`, `tf.keras`, `tf.GradientTape`… until they arrive.
pub struct Unsupported {
    /// The API path, e.g. `tf.data`.
    pub what: String,
}

impl Unsupported {
    pub fn value(what: &str) -> Value {
        Value::object(Unsupported { what: what.into() })
    }
    fn err(&self) -> Exc {
        Exc::not_implemented(format!("{} is not implemented in tfjit yet", self.what))
    }
}

impl Object for Unsupported {
    fn type_name(&self) -> &'static str {
        "Unsupported"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<{} (not implemented in tfjit)>", self.what))
    }
    fn get_attr(&self, _this: &Value, _name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Err(self.err())
    }
    fn is_callable(&self) -> bool {
        true
    }
    fn call(&self, _this: &Value, _args: Args, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Err(self.err())
    }
    fn enter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Err(self.err())
    }
    fn is_instance_of(&self, _native: &str) -> bool {
        false
    }
}
