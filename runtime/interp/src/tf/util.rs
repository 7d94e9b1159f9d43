//! Small helpers shared by the `tf/` bindings: bound methods, native type
//! objects, argument coercion, running ops.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::tensor::EagerTensor;
use crate::tf::trace::TV;
use crate::value::{Builtin, Class, Value};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;
use tfjit_tensor::Tensor;

/// A native function stored as a constructor.
pub type NativeFn = Box<dyn Fn(&mut Interp, Args) -> PyResult<Value>>;

/// A bound method of a native object: a builtin that captured `this`.
pub fn method(
    name: &str,
    this: &Value,
    f: impl Fn(&mut Interp, &Value, Args) -> PyResult<Value> + 'static,
) -> Value {
    let this = this.clone();
    Builtin::value(name, move |interp, args| f(interp, &this, args))
}

/// A type object for a native type: `isinstance(x, T)` asks the object
/// `is_instance_of(native)`. `ctor`, if given, is stored as `__new__` and is
/// what calling the type runs (the interpreter passes `cls` first; `ctor` gets
/// the call's arguments without it).
pub fn native_class(
    name: &str,
    native: &'static str,
    ctor: Option<NativeFn>,
) -> Value {
    let mut attrs = IndexMap::new();
    if let Some(f) = ctor {
        // Called as `__new__(cls, *args)`: drop `cls`.
        let func: NativeFn = Box::new(move |interp, mut args: Args| {
            if matches!(args.pos.first(), Some(Value::Class(_))) {
                args.pos.remove(0);
            }
            f(interp, args)
        });
        attrs.insert("__new__".into(), Value::Builtin(Rc::new(Builtin { name: name.into(), func })));
    }
    Value::Class(Rc::new(Class { name: name.into(), base: None, attrs: RefCell::new(attrs), native: Some(native) }))
}

/// Wrap an eager tensor as a Python value.
pub fn tv(t: Tensor) -> Value {
    Value::object(EagerTensor::new(t))
}

/// Wrap a tensor-like (eager or symbolic) as a Python value.
pub fn tvv(t: TV) -> Value {
    match t {
        TV::E(t) => tv(t),
        TV::S(s) => crate::tf::symbolic::sym_value(s),
    }
}

pub use crate::tf::trace::{op1, opn};

/// Run a single-output op eagerly on eager tensors (NumPy arrays), whatever
/// the trace state.
pub fn eager_op1(name: &str, inputs: &[&Tensor], attrs: tfjit_tensor::Attrs) -> PyResult<Tensor> {
    Ok(tfjit_tensor::op::run1(name, inputs, &attrs)?)
}

/// A Python int from an int/bool, a scalar integer tensor, variable or NumPy
/// integer (`operator.index`). `what` names the argument for the TypeError.
pub fn index_of(v: &Value, what: &str) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => {
            if let Some(t) = crate::tf::convert::const_of(v) {
                if t.rank() == 0 && (t.dtype().is_int() || t.dtype().is_bool()) {
                    return Ok(t.get_i64(0));
                }
            }
            Err(Exc::type_error(format!("{what} must be an integer, got {}", v.type_name())))
        }
    }
}

/// An optional integer argument (absent or `None` → `None`).
pub fn opt_index(v: &Option<Value>, what: &str) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => index_of(v, what).map(Some),
    }
}

/// A Python bool argument (`keepdims=`, `trainable=`…): truthiness.
pub fn bool_arg(v: &Option<Value>, default: bool, interp: &mut Interp) -> PyResult<bool> {
    match v {
        None => Ok(default),
        Some(v) => interp.truthy(v),
    }
}

/// A list of integers from an int, a list/tuple of ints, or an integer tensor.
pub fn int_list(v: &Value, what: &str) -> PyResult<Vec<i64>> {
    match v {
        Value::List(l) => l.borrow().iter().map(|x| index_of(x, what)).collect(),
        Value::Tuple(t) => t.iter().map(|x| index_of(x, what)).collect(),
        _ => {
            if let Some(t) = crate::tf::convert::const_of(v) {
                if t.dtype().is_int() && t.rank() <= 1 {
                    return Ok(t.to_i64_vec());
                }
            }
            Ok(vec![index_of(v, what)?])
        }
    }
}

/// A Python float from an int/float/bool or a scalar tensor.
pub fn float_of(v: &Value, what: &str) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        _ => match crate::tf::convert::const_of(v) {
            Some(t) if t.num_elements() == 1 => Ok(t.get_f64(0)),
            _ => Err(Exc::type_error(format!("{what} must be a number, got {}", v.type_name()))),
        },
    }
}

/// A tuple of Python ints.
pub fn int_tuple(dims: &[usize]) -> Value {
    Value::tuple(dims.iter().map(|&d| Value::Int(d as i64)).collect())
}

/// A 1-D integer tensor of `v`: int32 when every value fits, else int64
/// (so huge user values are never silently truncated).
pub fn int_vec(v: &[i64]) -> Tensor {
    if v.iter().all(|&x| i32::try_from(x).is_ok()) {
        Tensor::vec_i32(v.iter().map(|&x| x as i32).collect())
    } else {
        Tensor::vec_i64(v.to_vec())
    }
}

/// A scalar integer tensor of `v` (int32 when it fits, else int64).
pub fn int_scalar(v: i64) -> Tensor {
    match i32::try_from(v) {
        Ok(x) => Tensor::scalar_i32(x),
        Err(_) => Tensor::scalar_i64(v),
    }
}
