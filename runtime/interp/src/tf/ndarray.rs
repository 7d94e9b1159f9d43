//! What `.numpy()` returns: an `ndarray` (or, at rank 0, a NumPy scalar such
//! as `float32`) that prints, indexes and computes like NumPy 2.


use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert, cast_tensor, tensor_of, Mode};
use crate::tf::tensor::{binop_tensors, py_scalar, tensor_to_float, tensor_to_index, tensor_to_int, TensorIter};
use crate::tf::util::{eager_op1, int_list, int_tuple, method};
use crate::value::{BinOp, CmpOp, HashKey, Object, UnaryOp, Value};
use std::any::Any;
use tfjit_tensor::{attrs, Attr, DType, Tensor};

/// A NumPy array (any rank; rank 0 is a NumPy scalar).
pub struct NdArray {
    pub t: Tensor,
}

impl NdArray {
    pub fn new(t: Tensor) -> Self {
        NdArray { t }
    }
}

/// A NumPy dtype (`n.dtype`): prints as `float32`, repr `dtype('float32')`.
pub struct NpDType {
    pub dtype: DType,
}

/// The NumPy dtype object for `d`.
pub fn np_dtype_value(d: DType) -> Value {
    Value::object(NpDType { dtype: d })
}

fn np_value(t: Tensor) -> Value {
    Value::object(NdArray::new(t))
}

/// NumPy 2 (NEP 50) result dtype of an array of `a` with a Python scalar.
fn promote_scalar(a: DType, s: &Value) -> DType {
    match s {
        Value::Float(_) if !a.is_float() => DType::Float64,
        Value::Int(_) if a.is_bool() => DType::Int64,
        _ => a,
    }
}

/// NumPy's promotion of two array dtypes.
fn promote(a: DType, b: DType) -> DType {
    use DType::*;
    if a == b {
        return a;
    }
    match (a, b) {
        (Bool, x) | (x, Bool) => x,
        (Int32, Int64) | (Int64, Int32) => Int64,
        (Float32, Float64) | (Float64, Float32) => Float64,
        (Float32, Int32 | Int64) | (Int32 | Int64, Float32) => Float64,
        _ => Float64,
    }
}

/// The two operands of a NumPy binary operation, cast to the result dtype.
fn np_operands(x: &Tensor, other: &Value) -> PyResult<Option<(Tensor, Tensor)>> {
    let (y, d) = match other {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => {
            let d = promote_scalar(x.dtype(), other);
            (convert(other, Some(d), Mode::Convert)?, d)
        }
        Value::List(_) | Value::Tuple(_) => {
            let y = convert(other, None, Mode::Convert)?;
            let yd = if y.dtype() == DType::Float32 { DType::Float64 } else if y.dtype() == DType::Int32 { DType::Int64 } else { y.dtype() };
            (y, promote(x.dtype(), yd))
        }
        _ => match other.downcast::<NdArray>() {
            Some(a) => (a.t.clone(), promote(x.dtype(), a.t.dtype())),
            None => return Ok(None),
        },
    };
    Ok(Some((cast_tensor(x, d), cast_tensor(&y, d))))
}

fn np_binary(x: &Tensor, op: BinOp, other: &Value, reflected: bool) -> PyResult<Option<Value>> {
    // A TF tensor on the other side wins (TF sets `__array_priority__`).
    if crate::tf::convert::tf_tensor_of(other).is_some() {
        return Ok(None);
    }
    let Some((a, b)) = np_operands(x, other)? else { return Ok(None) };
    let (a, b) = if reflected { (b, a) } else { (a, b) };
    let r = match op {
        BinOp::TrueDiv => {
            let (a, b) = if a.dtype().is_float() { (a, b) } else { (cast_tensor(&a, DType::Float64), cast_tensor(&b, DType::Float64)) };
            eager_op1("RealDiv", &[&a, &b], attrs![("T", Attr::Type(a.dtype()))])?
        }
        BinOp::Add if a.dtype().is_bool() => binop_tensors(BinOp::Or, &a, &b)?,
        BinOp::Mul if a.dtype().is_bool() => binop_tensors(BinOp::And, &a, &b)?,
        _ => binop_tensors(op, &a, &b)?,
    };
    Ok(Some(np_value(r)))
}

fn np_compare(x: &Tensor, op: CmpOp, other: &Value, reflected: bool) -> PyResult<Option<Value>> {
    if crate::tf::convert::tf_tensor_of(other).is_some() {
        return Ok(None);
    }
    let Some((a, b)) = (match np_operands(x, other) {
        Ok(v) => v,
        Err(_) if matches!(op, CmpOp::Eq | CmpOp::Ne) => return Ok(Some(Value::Bool(op == CmpOp::Ne))),
        Err(e) => return Err(e),
    }) else {
        return Ok(None);
    };
    let (a, b) = if reflected { (b, a) } else { (a, b) };
    let name = match op {
        CmpOp::Eq => "Equal",
        CmpOp::Ne => "NotEqual",
        CmpOp::Lt => "Less",
        CmpOp::Le => "LessEqual",
        CmpOp::Gt => "Greater",
        CmpOp::Ge => "GreaterEqual",
    };
    Ok(Some(np_value(eager_op1(name, &[&a, &b], attrs![("T", Attr::Type(a.dtype())), ("incompatible_shape_error", Attr::Bool(true))])?)))
}

/// Nested Python lists of the elements (`tolist()`): float32 values become
/// the exact double of the float.
pub fn tolist(t: &Tensor) -> Value {
    fn rec(t: &Tensor, dim: usize, off: &mut usize) -> Value {
        if dim == t.rank() {
            let v = py_scalar(t, *off);
            *off += 1;
            return v;
        }
        let n = t.shape()[dim];
        Value::list((0..n).map(|_| rec(t, dim + 1, off)).collect())
    }
    let mut off = 0;
    rec(t, 0, &mut off)
}

/// NumPy's IndexError for an out-of-range integer index.
fn check_int_indices(t: &Tensor, key: &Value) -> PyResult<()> {
    let items: Vec<Value> = match key {
        Value::Tuple(k) => k.to_vec(),
        k => vec![k.clone()],
    };
    let mut axis = 0usize;
    for k in &items {
        match k {
            Value::Int(i) => {
                let Some(&n) = t.shape().get(axis) else {
                    return Err(Exc::index_error(format!(
                        "too many indices for array: array is {}-dimensional, but {} were indexed",
                        t.rank(),
                        items.iter().filter(|v| !v.is_none() && !matches!(v, Value::Ellipsis)).count()
                    )));
                };
                if *i >= n as i64 || *i < -(n as i64) {
                    return Err(Exc::index_error(format!(
                        "index {i} is out of bounds for axis {axis} with size {n}"
                    )));
                }
                axis += 1;
            }
            Value::None => {}
            Value::Ellipsis => return Ok(()),
            _ => axis += 1,
        }
    }
    Ok(())
}

impl Object for NdArray {
    fn type_name(&self) -> &'static str {
        if self.t.rank() == 0 {
            self.t.dtype().name()
        } else {
            "ndarray"
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        native == self.type_name() || native == "ndarray" && self.t.rank() > 0
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(tfjit_tensor::format::ndarray_repr(&self.t))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(tfjit_tensor::format::ndarray_str(&self.t))
    }
    fn format(&self, spec: &str, interp: &mut Interp) -> PyResult<Option<String>> {
        crate::tf::tensor::tensor_format(&self.t, spec, interp)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let t = self.t.clone();
        Ok(Some(match name {
            "shape" => int_tuple(t.shape()),
            "dtype" => np_dtype_value(t.dtype()),
            "ndim" => Value::Int(t.rank() as i64),
            "size" => Value::Int(t.num_elements() as i64),
            "itemsize" => Value::Int(t.dtype().size() as i64),
            "T" => np_value(transpose(&t)?),
            "tolist" => method(name, this, move |_i, _this, args| {
                args.bind("tolist", [], 0)?;
                Ok(tolist(&t))
            }),
            "item" => method(name, this, move |_i, _this, args| {
                let [i] = args.bind("item", ["index"], 0)?;
                let k = match i {
                    None => {
                        if t.num_elements() != 1 {
                            return Err(Exc::value_error("can only convert an array of size 1 to a Python scalar"));
                        }
                        0
                    }
                    Some(v) => {
                        let i = crate::tf::util::index_of(&v, "index")?;
                        let n = t.num_elements() as i64;
                        let j = if i < 0 { i + n } else { i };
                        if j < 0 || j >= n {
                            return Err(Exc::index_error("index out of bounds"));
                        }
                        j as usize
                    }
                };
                Ok(py_scalar(&t, k))
            }),
            "astype" => method(name, this, move |interp, _this, args| {
                let [d] = args.bind("astype", ["dtype"], 1)?;
                let d = crate::tf::dtypes::as_dtype(&d.unwrap_or(Value::None), interp)?;
                Ok(np_value(cast_tensor(&t, d)))
            }),
            "reshape" => method(name, this, move |_i, _this, args| {
                let dims = if args.pos.len() == 1 { int_list(&args.pos[0], "shape")? } else {
                    args.pos.iter().map(|v| crate::tf::util::index_of(v, "shape")).collect::<PyResult<_>>()?
                };
                let shape = crate::tf::ops_array::resolve_reshape(t.num_elements(), &dims)?;
                Ok(np_value(t.reshaped(shape)?))
            }),
            "flatten" | "ravel" => method(name, this, move |_i, _this, _args| {
                Ok(np_value(t.reshaped(vec![t.num_elements()])?))
            }),
            "copy" => method(name, this, move |_i, _this, _args| Ok(np_value(t.clone()))),
            "numpy" => return Ok(None),
            _ => return Ok(None),
        }))
    }
    fn binary_op(&self, _this: &Value, op: BinOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        np_binary(&self.t, op, other, reflected)
    }
    fn unary_op(&self, _this: &Value, op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let x = &self.t;
        Ok(Some(np_value(match op {
            UnaryOp::Pos => x.clone(),
            UnaryOp::Neg => eager_op1("Neg", &[x], attrs![("T", Attr::Type(x.dtype()))])?,
            UnaryOp::Invert if x.dtype().is_bool() => eager_op1("LogicalNot", &[x], attrs![])?,
            UnaryOp::Invert => eager_op1("Invert", &[x], attrs![("T", Attr::Type(x.dtype()))])?,
        })))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        np_compare(&self.t, op, other, reflected)
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        match self.t.num_elements() {
            1 => Ok(self.t.get_f64(0) != 0.0),
            0 => Err(Exc::value_error(
                "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.",
            )),
            _ => Err(Exc::value_error(
                "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
            )),
        }
    }
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        match self.t.shape().first() {
            Some(&n) => Ok(Some(n)),
            None if self.t.rank() == 0 => {
                Err(Exc::type_error(format!("object of type 'numpy.{}' has no len()", self.t.dtype().name())))
            }
            None => Err(Exc::type_error("len() of unsized object")),
        }
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        if self.t.rank() == 0 && !matches!(key, Value::Ellipsis | Value::None) {
            return Err(Exc::index_error("invalid index to scalar variable."));
        }
        check_int_indices(&self.t, key)?;
        let t = crate::tf::trace::outside_traces(|| crate::tf::slicing::slice_tensor(&crate::tf::trace::TV::E(self.t.clone()), key, interp))?;
        let t = t.eager().cloned().ok_or_else(|| Exc::runtime_error("eager slice produced a symbolic tensor"))?;
        Ok(Some(np_value(t)))
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if self.t.rank() == 0 {
            return Err(Exc::type_error("iteration over a 0-d array"));
        }
        Ok(Some(TensorIter::value(self.t.clone(), true)))
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        if self.t.rank() != 0 {
            return Err(Exc::type_error("unhashable type: 'numpy.ndarray'"));
        }
        Ok(Some(match py_scalar(&self.t, 0) {
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() => HashKey::Int(f as i64),
            Value::Float(f) => HashKey::Float(f.to_bits()),
            Value::Int(i) => HashKey::Int(i),
            Value::Bool(b) => HashKey::Int(b as i64),
            _ => HashKey::None,
        }))
    }
    fn to_float(&self, _interp: &mut Interp) -> PyResult<Option<f64>> {
        tensor_to_float(&self.t)
    }
    fn to_int(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        tensor_to_int(&self.t)
    }
    fn to_index(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        tensor_to_index(&self.t)
    }
}

fn transpose(t: &Tensor) -> PyResult<Tensor> {
    if t.rank() < 2 {
        return Ok(t.clone());
    }
    let perm: Vec<i32> = (0..t.rank() as i32).rev().collect();
    let p = Tensor::vec_i32(perm);
    eager_op1("Transpose", &[t, &p], attrs![("T", Attr::Type(t.dtype())), ("Tperm", Attr::Type(DType::Int32))])
}

impl Object for NpDType {
    fn type_name(&self) -> &'static str {
        "dtype"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("dtype('{}')", self.dtype.name()))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(self.dtype.name().into())
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "name" => Some(Value::str(self.dtype.name())),
            "itemsize" => Some(Value::Int(self.dtype.size() as i64)),
            _ => None,
        })
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let same = crate::tf::dtypes::try_as_dtype(other) == Some(self.dtype);
        Ok(match op {
            CmpOp::Eq => Some(Value::Bool(same)),
            CmpOp::Ne => Some(Value::Bool(!same)),
            _ => None,
        })
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Ok(Some(HashKey::Str(format!("numpy.dtype:{}", self.dtype.name()).into())))
    }
}

/// `tensor_of` re-export for callers that take NumPy values.
pub fn array_tensor(v: &Value) -> Option<Tensor> {
    tensor_of(v)
}

