//! The small objects of the `ag__` contract: `Undefined`,
//! `UndefinedReturnValue`, `FunctionScope`, `ConversionOptions`.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::util::method;
use crate::value::{Object, Value};
use std::any::Any;

/// A symbol with no value yet (TF's `variables.Undefined`).
pub struct Undefined {
    pub name: String,
}

impl Object for Undefined {
    fn type_name(&self) -> &'static str {
        "Undefined"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(self.name.clone())
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "symbol_name" => Value::str(&self.name),
            "read" => method(name, this, |_i, this, _args| Err(read_error(this))),
            // Any other attribute of an undefined symbol is undefined too.
            _ => this.clone(),
        }))
    }
    fn get_item(&self, this: &Value, _key: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
}

/// The error for reading an undefined symbol.
pub fn read_error(v: &Value) -> Exc {
    let name = v.downcast::<Undefined>().map(|u| u.name.clone()).unwrap_or_default();
    Exc::new("UnboundLocalError", format!("'{name}' is used before assignment"))
}

/// The initial `retval_`: no `return` has run yet.
pub struct UndefinedReturnValue;

impl Object for UndefinedReturnValue {
    fn type_name(&self) -> &'static str {
        "UndefinedReturnValue"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok("<UndefinedReturnValue>".into())
    }
}

pub fn is_undefined(v: &Value) -> bool {
    v.downcast::<Undefined>().is_some()
}

pub fn is_undefined_return(v: &Value) -> bool {
    v.downcast::<UndefinedReturnValue>().is_some()
}

/// `None`, `Undefined` or `UndefinedReturnValue` (TF's `_is_none_or_undef`).
pub fn is_none_or_undef(v: &Value) -> bool {
    v.is_none() || is_undefined(v) || is_undefined_return(v)
}

/// `ag__.ConversionOptions(...)` / `ag__.STD`: opaque option values.
pub struct ConversionOptions {
    pub user_requested: bool,
}

impl Object for ConversionOptions {
    fn type_name(&self) -> &'static str {
        "ConversionOptions"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("ConversionOptions[user_requested={}]", if self.user_requested { "True" } else { "False" }))
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "user_requested" => Some(Value::Bool(self.user_requested)),
            _ => None,
        })
    }
}

/// `with ag__.FunctionScope(name, scope_name, options) as fscope:`.
pub struct FunctionScope {
    pub name: String,
}

impl Object for FunctionScope {
    fn type_name(&self) -> &'static str {
        "FunctionScope"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<FunctionScope {}>", self.name))
    }
    fn enter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            // `fscope.ret(retval, do_return)`: an undefined return value is None.
            "ret" => Some(method(name, this, |_i, _this, args| {
                let [v, _d] = args.bind("ret", ["value", "did_return"], 2)?;
                let v = v.unwrap_or(Value::None);
                Ok(if is_undefined_return(&v) { Value::None } else { v })
            })),
            _ => None,
        })
    }
}
