//! Python values → eager tensors, with TF's dtype inference and errors.
//!
//! * Python `int` → int32 (int64 if it does not fit), `float` → float32,
//!   `bool` → bool; nested lists/tuples must be rectangular; a mix of ints
//!   and floats is float32; an empty list is float32.
//! * With `dtype=`, ints convert to float dtypes and bools to numeric ones,
//!   but a float never converts to an integer dtype
//!   (`TypeError: Cannot convert 1.5 to EagerTensor of dtype int32`).
//! * Tensors and variables keep their dtype; NumPy arrays (from `.numpy()`)
//!   keep theirs unless a dtype is requested.
//!
//! Nothing here needs the interpreter, so it is unit-tested directly.

use crate::exc::{Exc, PyResult};
use crate::tf::ndarray::NdArray;
use crate::tf::tensor::EagerTensor;
use crate::tf::variable::Variable;
use crate::tf::symbolic::SymbolicTensor;
use crate::tf::trace::TV;
use crate::value::Value;
use tfjit_tensor::format::py_float_repr;
use tfjit_tensor::{Data, DType, Tensor};

/// The tensor held by a tensor-like native object: an `EagerTensor`, the
/// current value of a variable, or a NumPy array.
pub fn tensor_of(v: &Value) -> Option<Tensor> {
    if let Some(t) = v.downcast::<EagerTensor>() {
        return Some(t.t.clone());
    }
    if let Some(var) = v.downcast::<Variable>() {
        return Some(var.value());
    }
    if let Some(a) = v.downcast::<NdArray>() {
        return Some(a.t.clone());
    }
    None
}

/// The tensor of a TF tensor or variable (not NumPy arrays): values whose
/// dtype is fixed when they meet an op.
pub fn tf_tensor_of(v: &Value) -> Option<Tensor> {
    if let Some(t) = v.downcast::<EagerTensor>() {
        return Some(t.t.clone());
    }
    if let Some(var) = v.downcast::<Variable>() {
        return Some(var.value());
    }
    None
}

/// How a conversion reports a tensor whose dtype is not the requested one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `tf.constant`: TypeError "Expected tensor … with dtype …".
    Constant,
    /// `tf.convert_to_tensor` and op inputs: ValueError "Tensor conversion requested dtype …".
    Convert,
}

#[derive(Clone, Debug)]
enum Leaf {
    Bool(bool),
    Int(i64),
    Float(f64),
    Tensor(Tensor),
}

/// Python's repr of a (nested) literal, for error messages.
pub fn literal_repr(v: &Value) -> String {
    match v {
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => py_float_repr(*f),
        Value::Str(s) => format!("'{s}'"),
        Value::List(l) => format!("[{}]", l.borrow().iter().map(literal_repr).collect::<Vec<_>>().join(", ")),
        Value::Tuple(t) if t.len() == 1 => format!("({},)", literal_repr(&t[0])),
        Value::Tuple(t) => format!("({})", t.iter().map(literal_repr).collect::<Vec<_>>().join(", ")),
        _ => {
            if let Some(t) = v.downcast::<EagerTensor>() {
                return tfjit_tensor::format::tensor_repr(&t.t);
            }
            if let Some(a) = v.downcast::<NdArray>() {
                return tfjit_tensor::format::ndarray_repr(&a.t);
            }
            format!("<{} object>", v.type_name())
        }
    }
}

fn py_type(v: &Value) -> String {
    format!("<class '{}'>", v.type_name())
}

/// The shape of a (nested) value, checking that it is rectangular.
fn shape_of(v: &Value, depth: usize) -> PyResult<Vec<usize>> {
    let items: Vec<Value> = match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => {
            return Ok(match tf_leaf(v, depth)? {
                Leaf::Tensor(t) => t.shape().to_vec(),
                _ => vec![],
            })
        }
    };
    let mut shape = vec![items.len()];
    let mut inner: Option<Vec<usize>> = None;
    for it in &items {
        let s = shape_of(it, depth + 1)?;
        match &inner {
            None => inner = Some(s),
            Some(p) if *p != s => return Err(non_rect()),
            _ => {}
        }
    }
    shape.extend(inner.unwrap_or_default());
    Ok(shape)
}

/// A scalar leaf of a nested value.
fn tf_leaf(v: &Value, depth: usize) -> PyResult<Leaf> {
    Ok(match v {
        Value::Bool(b) => Leaf::Bool(*b),
        Value::Int(i) => Leaf::Int(*i),
        Value::BigInt(_) => return Err(Exc::value_error("Can't convert Python sequence with out-of-range integer to Tensor.")),
        Value::Float(f) => Leaf::Float(*f),
        Value::None if depth == 0 => {
            return Err(Exc::value_error(format!(
                "Attempt to convert a value (None) with an unsupported type ({}) to a Tensor.",
                py_type(v)
            )))
        }
        Value::None => return Err(Exc::value_error("Can't convert Python sequence with mixed types to Tensor.")),
        Value::Str(_) => return Err(Exc::not_implemented("string tensors are not supported by tfjit")),
        _ => match tensor_of(v) {
            Some(t) => Leaf::Tensor(t),
            None => {
                return Err(Exc::value_error(format!(
                    "Attempt to convert a value ({}) with an unsupported type ({}) to a Tensor.",
                    literal_repr(v),
                    py_type(v)
                )))
            }
        },
    })
}

/// The leaves of a nested value, row-major.
fn leaves_of(v: &Value, depth: usize, out: &mut Vec<Leaf>) -> PyResult<()> {
    match v {
        Value::List(l) => {
            for it in l.borrow().iter() {
                leaves_of(it, depth + 1, out)?;
            }
        }
        Value::Tuple(t) => {
            for it in t.iter() {
                leaves_of(it, depth + 1, out)?;
            }
        }
        _ => out.push(tf_leaf(v, depth)?),
    }
    Ok(())
}

fn non_rect() -> Exc {
    Exc::value_error("Can't convert non-rectangular Python sequence to Tensor.")
}

fn cannot_convert(top: &Value, d: DType) -> Exc {
    Exc::type_error(format!("Cannot convert {} to EagerTensor of dtype {}", literal_repr(top), d.name()))
}

/// Convert `v` to a tensor (`tf.convert_to_tensor(v, dtype)` / `tf.constant`).
pub fn convert(v: &Value, dtype: Option<DType>, mode: Mode) -> PyResult<Tensor> {
    // Tensors and variables: dtype fixed.
    if let Some(t) = tf_tensor_of(v) {
        return match dtype {
            Some(d) if d != t.dtype() => Err(match mode {
                Mode::Constant => Exc::type_error(format!(
                    "Expected tensor {} with dtype tf.{}, but got dtype tf.{}.",
                    tfjit_tensor::format::ndarray_str(&t),
                    d.name(),
                    t.dtype().name()
                )),
                Mode::Convert => Exc::value_error(format!(
                    "Tensor conversion requested dtype {} for Tensor with dtype {}: {}",
                    d.name(),
                    t.dtype().name(),
                    tfjit_tensor::format::tensor_repr(&t)
                )),
            }),
            _ => Ok(t),
        };
    }
    // NumPy arrays: keep their dtype, or cast as NumPy would.
    if let Some(a) = v.downcast::<NdArray>() {
        return match dtype {
            Some(d) if d != a.t.dtype() => {
                if a.t.dtype().is_float() && !d.is_float() {
                    return Err(cannot_convert(v, d));
                }
                Ok(cast_tensor(&a.t, d))
            }
            _ => Ok(a.t.clone()),
        };
    }
    let dims = shape_of(v, 0)?;
    let mut leaves = vec![];
    leaves_of(v, 0, &mut leaves)?;
    build(v, &dims, &leaves, dtype)
}

fn infer_dtype(leaves: &[Leaf]) -> PyResult<DType> {
    let mut tensor_dt: Option<DType> = None;
    let (mut any_float, mut any_int, mut any_big) = (false, false, false);
    for l in leaves {
        match l {
            Leaf::Tensor(t) => match tensor_dt {
                None => tensor_dt = Some(t.dtype()),
                Some(d) if d != t.dtype() => {
                    return Err(Exc::type_error(format!(
                        "Tensors in list passed to 'values' of 'Pack' Op have types [{}, {}] that don't all match.",
                        d.name(),
                        t.dtype().name()
                    )))
                }
                _ => {}
            },
            Leaf::Float(_) => any_float = true,
            Leaf::Int(i) => {
                any_int = true;
                if i32::try_from(*i).is_err() {
                    any_big = true;
                }
            }
            Leaf::Bool(_) => {}
        }
    }
    Ok(if let Some(d) = tensor_dt {
        d
    } else if any_float || leaves.is_empty() {
        DType::Float32
    } else if any_int {
        if any_big {
            DType::Int64
        } else {
            DType::Int32
        }
    } else {
        DType::Bool
    })
}

fn build(top: &Value, dims: &[usize], leaves: &[Leaf], dtype: Option<DType>) -> PyResult<Tensor> {
    let inferred = infer_dtype(leaves)?;
    let d = dtype.unwrap_or(inferred);
    // Check every leaf converts to `d`.
    for l in leaves {
        match l {
            Leaf::Float(f) => {
                if !d.is_float() {
                    return Err(cannot_convert(top, d));
                }
                if d == DType::Float32 && f.is_finite() && f.abs() > f32::MAX as f64 {
                    return Err(Exc::value_error(
                        "Can't convert Python sequence with a value out of range for a double-precision float.",
                    ));
                }
            }
            Leaf::Int(i) => {
                if d.is_bool() {
                    return Err(cannot_convert(top, d));
                }
                if d == DType::Int32 && i32::try_from(*i).is_err() {
                    return Err(Exc::value_error(
                        "Can't convert Python sequence with out-of-range integer to int32 Tensor.",
                    ));
                }
            }
            Leaf::Bool(_) => {}
            Leaf::Tensor(t) => {
                if t.dtype() != d && t.dtype().is_float() && !d.is_float() {
                    return Err(cannot_convert(top, d));
                }
            }
        }
    }
    let n: usize = dims.iter().product();
    tfjit_tensor::tensor::checked_num_elements(dims, d)?;
    let mut f64s: Vec<f64> = Vec::with_capacity(n);
    let mut i64s: Vec<i64> = Vec::with_capacity(n);
    for l in leaves {
        match l {
            Leaf::Bool(b) => {
                f64s.push(*b as i64 as f64);
                i64s.push(*b as i64);
            }
            Leaf::Int(i) => {
                f64s.push(*i as f64);
                i64s.push(*i);
            }
            Leaf::Float(f) => {
                f64s.push(*f);
                i64s.push(0);
            }
            Leaf::Tensor(t) => {
                for k in 0..t.num_elements() {
                    f64s.push(t.get_f64(k));
                    i64s.push(t.get_i64(k));
                }
            }
        }
    }
    let data = match d {
        DType::Float32 => Data::F32(f64s.iter().map(|&x| x as f32).collect()),
        DType::Float64 => Data::F64(f64s),
        DType::Int32 => Data::I32(i64s.iter().map(|&x| x as i32).collect()),
        DType::Int64 => Data::I64(i64s),
        DType::Bool => Data::Bool(i64s.iter().map(|&x| x != 0).collect()),
    };
    Ok(Tensor::new(dims.to_vec(), data)?)
}

/// Elementwise cast with C semantics (floats truncate toward zero, nonzero is true).
pub fn cast_tensor(t: &Tensor, d: DType) -> Tensor {
    if t.dtype() == d {
        return t.clone();
    }
    let n = t.num_elements();
    let data = match d {
        DType::Float32 => Data::F32((0..n).map(|i| t.get_f64(i) as f32).collect()),
        DType::Float64 => Data::F64((0..n).map(|i| t.get_f64(i)).collect()),
        DType::Int32 => Data::I32((0..n).map(|i| cast_i(t, i) as i32).collect()),
        DType::Int64 => Data::I64((0..n).map(|i| cast_i(t, i)).collect()),
        DType::Bool => Data::Bool((0..n).map(|i| t.get_f64(i) != 0.0).collect()),
    };
    Tensor::new(t.shape().to_vec(), data).unwrap_or_else(|_| t.clone())
}

fn cast_i(t: &Tensor, i: usize) -> i64 {
    if t.dtype().is_float() {
        t.get_f64(i) as i64
    } else {
        t.get_i64(i)
    }
}

/// The tensor-like of a TF tensor or variable: eager tensors, symbolic
/// tensors, and variables (read: inside a trace a `ReadVariableOp`).
pub fn tv_of(v: &Value) -> PyResult<Option<TV>> {
    if let Some(t) = v.downcast::<EagerTensor>() {
        return Ok(Some(TV::E(t.t.clone())));
    }
    if let Some(s) = v.downcast::<SymbolicTensor>() {
        return Ok(Some(TV::S(s.s.clone())));
    }
    if let Some(var) = v.downcast::<Variable>() {
        return var.read_tv().map(Some);
    }
    if let Some(s) = v.downcast::<crate::tf::indexed_slices::IndexedSlices>() {
        return s.s.densify().map(Some);
    }
    Ok(None)
}

/// The value of `v` if known without running anything: an eager tensor,
/// variable or array (`tensor_of`), or a symbolic `Const`.
pub fn const_of(v: &Value) -> Option<Tensor> {
    if let Some(t) = tensor_of(v) {
        return Some(t);
    }
    v.downcast::<SymbolicTensor>().and_then(|s| TV::S(s.s.clone()).const_value())
}

fn tv_repr(t: &TV) -> String {
    match t {
        TV::E(t) => tfjit_tensor::format::tensor_repr(t),
        TV::S(s) => crate::tf::symbolic::sym_repr(s),
    }
}

/// [`convert`] for any value, keeping symbolic tensors symbolic.
pub fn convert_tv(v: &Value, dtype: Option<DType>, mode: Mode) -> PyResult<TV> {
    if let Some(t) = tv_of(v)? {
        return match dtype {
            Some(d) if d != t.dtype() => Err(match mode {
                Mode::Constant => Exc::type_error(format!(
                    "Expected tensor {} with dtype tf.{}, but got dtype tf.{}.",
                    match &t {
                        TV::E(e) => tfjit_tensor::format::ndarray_str(e),
                        TV::S(s) => crate::tf::symbolic::sym_str(s),
                    },
                    d.name(),
                    t.dtype().name()
                )),
                Mode::Convert => Exc::value_error(format!(
                    "Tensor conversion requested dtype {} for Tensor with dtype {}: {}",
                    d.name(),
                    t.dtype().name(),
                    tv_repr(&t)
                )),
            }),
            _ => Ok(t),
        };
    }
    if has_symbolic(v) {
        return pack_symbolic(v, dtype);
    }
    Ok(TV::E(convert(v, dtype, mode)?))
}

/// Whether a (nested) list/tuple holds a symbolic tensor (or a variable in a trace).
fn has_symbolic(v: &Value) -> bool {
    match v {
        Value::List(l) => l.borrow().iter().any(has_symbolic),
        Value::Tuple(t) => t.iter().any(has_symbolic),
        _ => v.downcast::<SymbolicTensor>().is_some() || (crate::tf::trace::tracing() && v.downcast::<Variable>().is_some()),
    }
}

/// A nested list with symbolic tensors inside becomes a `Pack` of its
/// elements, as TF's `_autopacking_conversion_function` does.
fn pack_symbolic(v: &Value, dtype: Option<DType>) -> PyResult<TV> {
    let items: Vec<Value> = match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => return convert_tv(v, dtype, Mode::Convert),
    };
    let mut d = dtype;
    if d.is_none() {
        for it in &items {
            if let Some(t) = tv_of(it)? {
                d = Some(t.dtype());
                break;
            }
        }
    }
    let mut parts = Vec::with_capacity(items.len());
    for it in &items {
        parts.push(match (it, d) {
            (Value::List(_) | Value::Tuple(_), _) => pack_symbolic(it, d)?,
            (_, Some(dd)) => convert_to(it, dd, true)?,
            (_, None) => convert_tv(it, None, Mode::Convert)?,
        });
    }
    let dt = parts.first().map_or(DType::Float32, |p| p.dtype());
    let refs: Vec<&TV> = parts.iter().collect();
    crate::tf::trace::op1_named(
        "packed",
        "Pack",
        &refs,
        tfjit_tensor::attrs![
            ("T", tfjit_tensor::Attr::Type(dt)),
            ("N", tfjit_tensor::Attr::Int(parts.len() as i64)),
            ("axis", tfjit_tensor::Attr::Int(0))
        ],
    )
}

/// Convert an op input: tensors and variables as they are; Python values to
/// `dtype`. `strict` (most ops): a value that does not convert raises TF's
/// TypeError; otherwise (`+`, `tf.add`: a dtype *hint*) it is converted with
/// its own dtype and the op reports the mismatch.
pub fn convert_to(v: &Value, dtype: DType, strict: bool) -> PyResult<TV> {
    if let Some(t) = tv_of(v)? {
        return Ok(t);
    }
    if has_symbolic(v) {
        return pack_symbolic(v, Some(dtype));
    }
    match convert(v, Some(dtype), Mode::Convert) {
        Ok(t) => Ok(TV::E(t)),
        Err(e) if !strict && e.is("TypeError") => convert(v, None, Mode::Convert).map(TV::E),
        Err(e) => Err(e),
    }
}

fn first_dtype(values: &[&Value]) -> PyResult<Option<DType>> {
    for v in values {
        if v.downcast::<EagerTensor>().is_some() || v.downcast::<SymbolicTensor>().is_some() || v.downcast::<Variable>().is_some() {
            return Ok(tv_of(v)?.map(|t| t.dtype()));
        }
    }
    Ok(None)
}

/// TF's `args_to_matching_eager`: the dtype is that of the first tensor or
/// variable among `values`, else of the first value converted on its own;
/// every other value is converted to it.
pub fn matching(values: &[&Value]) -> PyResult<Vec<TV>> {
    matching_with(values, true)
}

/// Like [`matching`], but with a dtype hint (as `tf.add` converts).
pub fn matching_hint(values: &[&Value]) -> PyResult<Vec<TV>> {
    matching_with(values, false)
}

fn matching_with(values: &[&Value], strict: bool) -> PyResult<Vec<TV>> {
    let mut dtype = first_dtype(values)?;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let t = match dtype {
            Some(d) => convert_to(v, d, strict)?,
            None => convert_tv(v, None, Mode::Convert)?,
        };
        if dtype.is_none() {
            dtype = Some(t.dtype());
        }
        out.push(t);
    }
    Ok(out)
}

/// Convert one op input with no dtype constraint.
pub fn to_tensor(v: &Value) -> PyResult<TV> {
    convert_tv(v, None, Mode::Convert)
}
