//! The `EagerTensor` object, and the tensor behaviour shared with variables
//! (operators, truthiness, conversions to Python scalars, iteration).


use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert_to, tensor_of};
use crate::tf::dtypes::dtype_value;
use crate::tf::ndarray::NdArray;
use crate::tf::shape::shape_value;
use crate::tf::trace::{op1, op1_named, TV};
use crate::tf::util::{method, tv, tvv};
use crate::value::{BinOp, CmpOp, HashKey, Object, UnaryOp, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use tfjit_tensor::{attrs, Attr, DType, Data, StaticShape, Tensor};

/// The device string TF reports for eager tensors and variables.
pub const CPU_DEVICE: &str = "/job:localhost/replica:0/task:0/device:CPU:0";

/// An eager `tf.Tensor` (`type(t).__name__ == "EagerTensor"`).
pub struct EagerTensor {
    pub t: Tensor,
}

impl EagerTensor {
    pub fn new(t: Tensor) -> Self {
        EagerTensor { t }
    }
}

/// The `i`-th sub-tensor along dimension 0 (no bounds wrap; `None` if out of range).
pub fn row(t: &Tensor, i: usize) -> Option<Tensor> {
    let (&n, rest) = t.shape().split_first()?;
    if i >= n {
        return None;
    }
    let k: usize = rest.iter().product();
    let r = i * k..(i + 1) * k;
    let data = match t.data() {
        Data::F32(v) => Data::F32(v.get(r)?.to_vec()),
        Data::F64(v) => Data::F64(v.get(r)?.to_vec()),
        Data::I32(v) => Data::I32(v.get(r)?.to_vec()),
        Data::I64(v) => Data::I64(v.get(r)?.to_vec()),
        Data::Bool(v) => Data::Bool(v.get(r)?.to_vec()),
    };
    Tensor::new(rest.to_vec(), data).ok()
}

/// Iterates the rows of a tensor (as tensors, or as NumPy arrays).
pub struct TensorIter {
    t: Tensor,
    i: Cell<usize>,
    numpy: bool,
}

impl TensorIter {
    pub fn value(t: Tensor, numpy: bool) -> Value {
        Value::object(TensorIter { t, i: Cell::new(0), numpy })
    }
}

impl Object for TensorIter {
    fn type_name(&self) -> &'static str {
        "iterator"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok("<iterator object>".into())
    }
    fn iter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn next(&self, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let i = self.i.get();
        match row(&self.t, i) {
            None => Ok(None),
            Some(r) => {
                self.i.set(i + 1);
                Ok(Some(if self.numpy { Value::object(NdArray::new(r)) } else { tv(r) }))
            }
        }
    }
}

/// Iterates a list of ready values.
pub struct ListIter {
    items: RefCell<std::vec::IntoIter<Value>>,
}

impl ListIter {
    pub fn value(items: Vec<Value>) -> Value {
        Value::object(ListIter { items: RefCell::new(items.into_iter()) })
    }
}

impl Object for ListIter {
    fn type_name(&self) -> &'static str {
        "list_iterator"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok("<list_iterator object>".into())
    }
    fn iter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn next(&self, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(self.items.borrow_mut().next())
    }
}

/// `t.ref()`: a hashable reference to a tensor or variable (by identity).
pub struct TensorRef {
    pub target: Value,
}

impl Object for TensorRef {
    fn type_name(&self) -> &'static str {
        "Reference"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<Reference wrapping {}>", interp.repr(&self.target)?))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "deref" => Some(method("deref", this, |_i, this, args| {
                args.bind("deref", [], 0)?;
                Ok(this.downcast::<TensorRef>().map_or(Value::None, |r| r.target.clone()))
            })),
            _ => None,
        })
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Ok(Some(HashKey::Id(self.target.id())))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let same = other.downcast::<TensorRef>().is_some_and(|o| o.target.is(&self.target));
        Ok(match op {
            CmpOp::Eq => Some(Value::Bool(same)),
            CmpOp::Ne => Some(Value::Bool(!same)),
            _ => None,
        })
    }
}

/// `x.ref()` as a bound method.
pub fn ref_method(this: &Value) -> Value {
    method("ref", this, |_i, this, args| {
        args.bind("ref", [], 0)?;
        Ok(Value::object(TensorRef { target: this.clone() }))
    })
}

/// Whether two shapes broadcast together.
pub fn broadcastable(a: &[usize], b: &[usize]) -> bool {
    a.iter().rev().zip(b.iter().rev()).all(|(&x, &y)| x == y || x == 1 || y == 1)
}

/// TF's `x / y` (`_truediv_python3`): same dtype required; integers are
/// cast to float64 first; then `RealDiv`.
pub fn truediv(x: &TV, y: &TV) -> PyResult<TV> {
    truediv_named("truediv", x, y)
}

fn truediv_named(hint: &str, x: &TV, y: &TV) -> PyResult<TV> {
    if x.dtype() != y.dtype() {
        return Err(Exc::type_error(format!(
            "`x` and `y` must have the same dtype, got tf.{} != tf.{}.",
            x.dtype().name(),
            y.dtype().name()
        )));
    }
    if x.dtype().is_int() {
        let cx = cast(x, DType::Float64)?;
        let cy = cast(y, DType::Float64)?;
        return op1_named(hint, "RealDiv", &[&cx, &cy], attrs![("T", Attr::Type(DType::Float64))]);
    }
    op1_named(hint, "RealDiv", &[x, y], attrs![("T", Attr::Type(x.dtype()))])
}

/// `tf.cast` via the `Cast` op.
pub fn cast(x: &TV, d: DType) -> PyResult<TV> {
    if x.dtype() == d {
        return Ok(x.clone());
    }
    op1("Cast", &[x], attrs![("SrcT", Attr::Type(x.dtype())), ("DstT", Attr::Type(d)), ("Truncate", Attr::Bool(false))])
}

/// `tf.matmul(a, b)`: `MatMul` for matrices, `BatchMatMulV2` above rank 2.
pub fn matmul(a: &TV, b: &TV, ta: bool, tb: bool) -> PyResult<TV> {
    matmul_named("MatMul", a, b, ta, tb)
}

fn matmul_named(hint: &str, a: &TV, b: &TV, ta: bool, tb: bool) -> PyResult<TV> {
    if a.rank().is_none_or(|r| r > 2) || b.rank().is_none_or(|r| r > 2) {
        return op1_named(
            hint,
            "BatchMatMulV2",
            &[a, b],
            attrs![("T", Attr::Type(a.dtype())), ("adj_x", Attr::Bool(ta)), ("adj_y", Attr::Bool(tb))],
        );
    }
    op1_named(
        hint,
        "MatMul",
        &[a, b],
        attrs![("T", Attr::Type(a.dtype())), ("transpose_a", Attr::Bool(ta)), ("transpose_b", Attr::Bool(tb))],
    )
}

/// Run the binary op of Python operator `op` on tensors `x`, `y` (already converted).
pub fn binop_tv(op: BinOp, x: &TV, y: &TV) -> PyResult<TV> {
    let t = attrs![("T", Attr::Type(x.dtype()))];
    let logical = x.dtype().is_bool() && y.dtype().is_bool();
    match op {
        BinOp::Add => op1_named("add", "AddV2", &[x, y], t),
        BinOp::Sub => op1_named("sub", "Sub", &[x, y], t),
        BinOp::Mul => op1_named("mul", "Mul", &[x, y], t),
        BinOp::TrueDiv => truediv_named("truediv", x, y),
        BinOp::FloorDiv => op1_named("floordiv", "FloorDiv", &[x, y], t),
        BinOp::Mod => op1_named("mod", "FloorMod", &[x, y], t),
        BinOp::Pow => op1_named("pow", "Pow", &[x, y], t),
        BinOp::MatMul => matmul_named("matmul", x, y, false, false),
        BinOp::And if logical => op1_named("and", "LogicalAnd", &[x, y], attrs![]),
        BinOp::Or if logical => op1_named("or", "LogicalOr", &[x, y], attrs![]),
        BinOp::Xor if logical => {
            let o = op1_named("xor", "LogicalOr", &[x, y], attrs![])?;
            let a = op1_named("xor", "LogicalAnd", &[x, y], attrs![])?;
            let na = op1_named("xor", "LogicalNot", &[&a], attrs![])?;
            op1_named("xor", "LogicalAnd", &[&o, &na], attrs![])
        }
        BinOp::And => op1_named("and", "BitwiseAnd", &[x, y], t),
        BinOp::Or => op1_named("or", "BitwiseOr", &[x, y], t),
        BinOp::Xor => op1_named("xor", "BitwiseXor", &[x, y], t),
        BinOp::LShift => op1("LeftShift", &[x, y], t),
        BinOp::RShift => op1("RightShift", &[x, y], t),
    }
}

/// [`binop_tv`] on eager tensors, always run eagerly (NumPy arrays).
pub fn binop_tensors(op: BinOp, x: &Tensor, y: &Tensor) -> PyResult<Tensor> {
    let r = crate::tf::trace::outside_traces(|| binop_tv(op, &TV::E(x.clone()), &TV::E(y.clone())))?;
    r.eager().cloned().ok_or_else(|| Exc::runtime_error("eager op produced a symbolic tensor"))
}

/// `x <op> other` (or `other <op> x` when `reflected`) for a TF tensor `x`,
/// converting the other operand as TF's operator wrappers do.
pub fn tv_binary(x: &TV, op: BinOp, other: &Value, reflected: bool) -> PyResult<Option<Value>> {
    // `+` converts with a dtype hint; everything else (and reflected `+`) strictly.
    let lenient = matches!(op, BinOp::Add | BinOp::TrueDiv) && !reflected;
    let y = match convert_to(other, x.dtype(), !lenient) {
        Ok(y) => y,
        Err(e) => {
            if matches!(other, Value::Instance(_)) {
                return Ok(None);
            }
            return Err(e);
        }
    };
    let r = if reflected { binop_tv(op, &y, x)? } else { binop_tv(op, x, &y)? };
    Ok(Some(tvv(r)))
}

/// Rich comparison of a TF tensor with another value.
pub fn tv_compare(x: &TV, op: CmpOp, other: &Value, reflected: bool) -> PyResult<Option<Value>> {
    if matches!(op, CmpOp::Eq | CmpOp::Ne) && other.is_none() {
        return Ok(Some(Value::Bool(op == CmpOp::Ne)));
    }
    let y = match convert_to(other, x.dtype(), true) {
        Ok(y) => y,
        Err(e) => {
            if matches!(other, Value::Instance(_)) {
                return Ok(None);
            }
            return Err(e);
        }
    };
    let (a, b) = if reflected { (&y, x) } else { (x, &y) };
    let r = match op {
        CmpOp::Eq | CmpOp::Ne => {
            let name = if op == CmpOp::Eq { "Equal" } else { "NotEqual" };
            if let (Some(sa), Some(sb)) = (a.known_dims(), b.known_dims()) {
                if !broadcastable(&sa[..], &sb[..]) {
                    return Ok(Some(tvv(crate::tf::trace::constant("Const", Tensor::scalar_bool(op == CmpOp::Ne))?)));
                }
            }
            op1(
                name,
                &[a, b],
                attrs![("T", Attr::Type(a.dtype())), ("incompatible_shape_error", Attr::Bool(false))],
            )?
        }
        CmpOp::Lt => op1("Less", &[a, b], attrs![("T", Attr::Type(a.dtype()))])?,
        CmpOp::Le => op1("LessEqual", &[a, b], attrs![("T", Attr::Type(a.dtype()))])?,
        CmpOp::Gt => op1("Greater", &[a, b], attrs![("T", Attr::Type(a.dtype()))])?,
        CmpOp::Ge => op1("GreaterEqual", &[a, b], attrs![("T", Attr::Type(a.dtype()))])?,
    };
    Ok(Some(tvv(r)))
}

/// `-x`, `+x`, `~x`.
pub fn tv_unary(x: &TV, op: UnaryOp) -> PyResult<Option<Value>> {
    let t = attrs![("T", Attr::Type(x.dtype()))];
    Ok(Some(tvv(match op {
        UnaryOp::Neg => op1("Neg", &[x], t)?,
        // TF tensors do not define unary `+`.
        UnaryOp::Pos => return Ok(None),
        UnaryOp::Invert if x.dtype().is_bool() => op1("LogicalNot", &[x], attrs![])?,
        UnaryOp::Invert => op1("Invert", &[x], t)?,
    })))
}

/// `bool(t)`: size 0 is false, size 1 its value, otherwise NumPy's error.
pub fn tensor_truthy(x: &Tensor) -> PyResult<bool> {
    match x.num_elements() {
        0 => Ok(false),
        1 => Ok(x.get_f64(0) != 0.0),
        _ => Err(Exc::value_error(
            "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
        )),
    }
}

fn scalar_only(x: &Tensor) -> PyResult<()> {
    if x.rank() != 0 {
        return Err(Exc::type_error("only 0-dimensional arrays can be converted to Python scalars"));
    }
    Ok(())
}

/// `float(t)`.
pub fn tensor_to_float(x: &Tensor) -> PyResult<Option<f64>> {
    scalar_only(x)?;
    Ok(Some(x.get_f64(0)))
}

/// `int(t)` (floats truncate; NaN and infinities raise like Python).
pub fn tensor_to_int(x: &Tensor) -> PyResult<Option<i64>> {
    scalar_only(x)?;
    if x.dtype().is_float() {
        let f = x.get_f64(0);
        if f.is_nan() {
            return Err(Exc::value_error("cannot convert float NaN to integer"));
        }
        if f.is_infinite() {
            return Err(Exc::new("OverflowError", "cannot convert float infinity to integer"));
        }
        return Ok(Some(f.trunc() as i64));
    }
    Ok(Some(x.get_i64(0)))
}

/// `operator.index(t)`: integer scalars only.
pub fn tensor_to_index(x: &Tensor) -> PyResult<Option<i64>> {
    if x.rank() != 0 || x.dtype().is_float() {
        return Err(Exc::type_error("only integer scalar arrays can be converted to a scalar index"));
    }
    Ok(Some(x.get_i64(0)))
}

/// The Python scalar of element 0 (float for float dtypes, int, or bool).
pub fn py_scalar(x: &Tensor, i: usize) -> Value {
    match x.dtype() {
        DType::Float32 | DType::Float64 => Value::Float(x.get_f64(i)),
        DType::Int32 | DType::Int64 => Value::Int(x.get_i64(i)),
        DType::Bool => Value::Bool(x.get_i64(i) != 0),
    }
}

/// `format(t, spec)` as NumPy formats: scalars through the Python scalar,
/// arrays only with an empty spec.
pub fn tensor_format(x: &Tensor, spec: &str, interp: &mut Interp) -> PyResult<Option<String>> {
    if spec.is_empty() {
        return Ok(Some(tfjit_tensor::format::ndarray_str(x)));
    }
    if x.rank() != 0 {
        return Err(Exc::type_error("unsupported format string passed to numpy.ndarray.__format__"));
    }
    interp.format_value(&py_scalar(x, 0), spec).map(Some)
}

/// `len(t)`.
pub fn tensor_len(x: &Tensor) -> PyResult<Option<usize>> {
    match x.shape().first() {
        None => Err(Exc::type_error("Scalar tensor has no `len()`")),
        Some(&n) => Ok(Some(n)),
    }
}

/// `iter(t)`.
pub fn tensor_iter(x: &Tensor) -> PyResult<Option<Value>> {
    if x.rank() == 0 {
        return Err(Exc::type_error("Cannot iterate over a scalar tensor."));
    }
    Ok(Some(TensorIter::value(x.clone(), false)))
}

/// Attributes every TF tensor-like has (tensors and variables): `None` if
/// `name` is not one of them.
pub fn common_attr(x: &Tensor, this: &Value, name: &str) -> Option<Value> {
    Some(match name {
        "dtype" => dtype_value(x.dtype()),
        "ndim" => Value::Int(x.rank() as i64),
        "device" => Value::str(CPU_DEVICE),
        "ref" | "experimental_ref" => ref_method(this),
        "numpy" => method("numpy", this, |_i, this, args| {
            args.bind("numpy", [], 0)?;
            let t = tensor_of(this).ok_or_else(|| Exc::type_error("not a tensor"))?;
            Ok(Value::object(NdArray::new(t)))
        }),
        "__abs__" => method("__abs__", this, |_i, this, args| {
            args.bind("__abs__", [], 0)?;
            let t = crate::tf::convert::tv_of(this)?.ok_or_else(|| Exc::type_error("not a tensor"))?;
            let d = t.dtype();
            Ok(tvv(op1("Abs", &[&t], attrs![("T", Attr::Type(d))])?))
        }),
        _ => return None,
    })
}

impl Object for EagerTensor {
    fn type_name(&self) -> &'static str {
        "EagerTensor"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        matches!(native, "Tensor" | "EagerTensor")
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(tfjit_tensor::format::tensor_repr(&self.t))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(tfjit_tensor::format::tensor_str(&self.t))
    }
    fn format(&self, spec: &str, interp: &mut Interp) -> PyResult<Option<String>> {
        tensor_format(&self.t, spec, interp)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if let Some(v) = common_attr(&self.t, this, name) {
            return Ok(Some(v));
        }
        let shape = StaticShape::known(self.t.shape());
        Ok(Some(match name {
            "shape" => shape_value(shape),
            "get_shape" => method("get_shape", this, move |_i, _t, args| {
                args.bind("get_shape", [], 0)?;
                Ok(shape_value(shape.clone()))
            }),
            "name" | "graph" | "op" => {
                return Err(Exc::attribute_error(format!("Tensor.{name} is undefined when eager execution is enabled.")))
            }
            _ => return Ok(None),
        }))
    }
    fn binary_op(&self, _this: &Value, op: BinOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_binary(&TV::E(self.t.clone()), op, other, reflected)
    }
    fn unary_op(&self, _this: &Value, op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_unary(&TV::E(self.t.clone()), op)
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_compare(&TV::E(self.t.clone()), op, other, reflected)
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        tensor_truthy(&self.t)
    }
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        tensor_len(&self.t)
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(tvv(crate::tf::slicing::slice_tensor(&TV::E(self.t.clone()), key, interp)?)))
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tensor_iter(&self.t)
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Err(Exc::type_error("Tensor is unhashable. Instead, use tensor.ref() as the key."))
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

