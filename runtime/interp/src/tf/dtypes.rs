//! `tf.float32` & co.: the `DType` objects, and parsing of `dtype=` arguments.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::ndarray::{np_dtype_value, NpDType, NdArray};
use crate::tf::util::{method, native_class};
use crate::value::{CmpOp, Object, Value};
use std::any::Any;
use tfjit_tensor::{DType, Tensor};

/// A TensorFlow dtype object. There is exactly one per dtype (see
/// [`dtype_value`]), so identity and equality agree.
pub struct DTypeObj {
    pub dtype: DType,
}

const ALL: [DType; 5] = [DType::Float32, DType::Float64, DType::Int32, DType::Int64, DType::Bool];

thread_local! {
    static SINGLETONS: Vec<Value> = ALL.iter().map(|&d| Value::object(DTypeObj { dtype: d })).collect();
}

/// The singleton `tf.<dtype>` value.
pub fn dtype_value(d: DType) -> Value {
    let i = ALL.iter().position(|&x| x == d).unwrap_or(0);
    SINGLETONS.with(|s| s[i].clone())
}

/// The `tf.dtypes.DType` type object.
pub fn dtype_class() -> Value {
    native_class("DType", "DType", None)
}

/// `tf.as_dtype(v)` without the error: DType objects, names, NumPy dtypes,
/// the Python type `float` / `bool`, and DataType enum values.
pub fn try_as_dtype(v: &Value) -> Option<DType> {
    match v {
        Value::Object(_) => {
            if let Some(d) = v.downcast::<DTypeObj>() {
                return Some(d.dtype);
            }
            if let Some(d) = v.downcast::<NpDType>() {
                return Some(d.dtype);
            }
            None
        }
        Value::Str(s) => DType::from_name(s),
        Value::Int(i) => ALL.iter().copied().find(|d| d.enum_value() as i64 == *i),
        Value::Class(c) => match &*c.name {
            "float" => Some(DType::Float32),
            "bool" => Some(DType::Bool),
            "float32" => Some(DType::Float32),
            "float64" => Some(DType::Float64),
            "int32" => Some(DType::Int32),
            "int64" => Some(DType::Int64),
            _ => None,
        },
        Value::Builtin(b) => match &*b.name {
            "float" => Some(DType::Float32),
            "bool" => Some(DType::Bool),
            _ => None,
        },
        _ => None,
    }
}

/// `tf.as_dtype(v)` with TF's TypeError.
pub fn as_dtype(v: &Value, interp: &mut Interp) -> PyResult<DType> {
    if let Some(d) = try_as_dtype(v) {
        return Ok(d);
    }
    if let Some(u) = v.downcast::<crate::tf::unsupported::Unsupported>() {
        return Err(Exc::not_implemented(format!("{} is not supported by tfjit", u.what)));
    }
    let r = match v {
        Value::Class(c) => format!("<class '{}'>", c.name),
        Value::Builtin(b) => format!("<class '{}'>", b.name),
        _ => interp.repr(v)?,
    };
    Err(Exc::type_error(format!("Cannot convert the argument `type_value`: {r} to a TensorFlow DType.")))
}

/// A `dtype=` argument that may be absent or `None`.
pub fn opt_dtype(v: &Option<Value>, interp: &mut Interp) -> PyResult<Option<DType>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => as_dtype(v, interp).map(Some),
    }
}

/// `tf.as_dtype` as a Python function.
pub fn as_dtype_fn(interp: &mut Interp, args: crate::args::Args) -> PyResult<Value> {
    let [v] = args.bind("as_dtype", ["type_value"], 1)?;
    let v = v.unwrap_or(Value::None);
    Ok(dtype_value(as_dtype(&v, interp)?))
}

fn limit(d: DType, max: bool) -> PyResult<Value> {
    Ok(match d {
        DType::Int32 => Value::Int(if max { i32::MAX as i64 } else { i32::MIN as i64 }),
        DType::Int64 => Value::Int(if max { i64::MAX } else { i64::MIN }),
        DType::Float32 => Value::object(NdArray::new(Tensor::scalar_f32(if max { f32::MAX } else { f32::MIN }))),
        DType::Float64 => Value::object(NdArray::new(Tensor::scalar_f64(if max { f64::MAX } else { f64::MIN }))),
        DType::Bool => {
            return Err(Exc::type_error(format!(
                "Cannot find {} value of {d} with type {d}.",
                if max { "maximum" } else { "minimum" }
            )))
        }
    })
}

impl Object for DTypeObj {
    fn type_name(&self) -> &'static str {
        "DType"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("tf.{}", self.dtype.name()))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(self.dtype.to_string())
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let d = self.dtype;
        Ok(Some(match name {
            "name" => Value::str(d.name()),
            "is_floating" => Value::Bool(d.is_float()),
            "is_integer" => Value::Bool(d.is_int()),
            "is_bool" => Value::Bool(d.is_bool()),
            "is_complex" | "is_unsigned" | "is_quantized" => Value::Bool(false),
            "is_numeric" => Value::Bool(!d.is_bool()),
            "size" => Value::Int(d.size() as i64),
            "min" => limit(d, false)?,
            "max" => limit(d, true)?,
            "as_datatype_enum" => Value::Int(d.enum_value() as i64),
            "base_dtype" | "real_dtype" => this.clone(),
            "as_numpy_dtype" => np_dtype_value(d),
            "is_compatible_with" => method("is_compatible_with", this, move |interp, _this, args| {
                let [o] = args.bind("is_compatible_with", ["other"], 1)?;
                let o = o.unwrap_or(Value::None);
                Ok(Value::Bool(as_dtype(&o, interp)? == d))
            }),
            _ => return Ok(None),
        }))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let same = try_as_dtype(other) == Some(self.dtype);
        Ok(match op {
            CmpOp::Eq => Some(Value::Bool(same)),
            CmpOp::Ne => Some(Value::Bool(!same)),
            _ => None,
        })
    }
}
