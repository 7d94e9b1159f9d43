//! `tf.TensorShape`, its `Dimension`s, and `tf.TensorSpec`.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::dtypes::{dtype_value, opt_dtype};
use crate::tf::util::{index_of, method};
use crate::value::{CmpOp, Object, Value};
use std::any::Any;

use tfjit_tensor::{DType, StaticShape};

/// A `tf.TensorShape` value.
pub struct TensorShapeObj {
    pub shape: StaticShape,
}

/// A `tf.compat.v1.Dimension` (what `TensorShape.dims` holds).
pub struct DimensionObj {
    pub value: Option<usize>,
}

/// A `tf.TensorSpec(shape, dtype, name)`.
pub struct TensorSpecObj {
    pub shape: StaticShape,
    pub dtype: DType,
    pub name: Option<String>,
}

/// Wrap a static shape as a `TensorShape` value.
pub fn shape_value(shape: StaticShape) -> Value {
    Value::object(TensorShapeObj { shape })
}

fn dim_of(v: &Value) -> PyResult<Option<usize>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Some(d) = v.downcast::<DimensionObj>() {
        return Ok(d.value);
    }
    let i = index_of(v, "dimension")
        .map_err(|_| Exc::type_error(format!("Dimension value must be integer or None or have an __index__ method, got value '{}' with type '{}'", short(v), v.type_name())))?;
    if i < 0 {
        return Err(Exc::value_error(format!("Dimension {i} must be >= 0")));
    }
    Ok(Some(i as usize))
}

fn short(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Float(f) => tfjit_tensor::format::py_float_repr(*f),
        _ => v.type_name(),
    }
}

/// `tf.TensorShape(v)` / `as_shape(v)`: from a TensorShape, `None` (unknown
/// rank), a list/tuple of ints/`None`/Dimensions, or an int (rank 1).
pub fn as_shape(v: &Value) -> PyResult<StaticShape> {
    match v {
        Value::None => Ok(StaticShape::unknown_rank()),
        Value::List(l) => Ok(StaticShape::partial(l.borrow().iter().map(dim_of).collect::<PyResult<_>>()?)),
        Value::Tuple(t) => Ok(StaticShape::partial(t.iter().map(dim_of).collect::<PyResult<_>>()?)),
        Value::Int(_) => Ok(StaticShape::partial(vec![dim_of(v)?])),
        _ => {
            if let Some(s) = v.downcast::<TensorShapeObj>() {
                return Ok(s.shape.clone());
            }
            if let Some(d) = v.downcast::<DimensionObj>() {
                return Ok(StaticShape::partial(vec![d.value]));
            }
            if let Some(t) = crate::tf::convert::tensor_of(v) {
                if t.dtype().is_int() && t.rank() <= 1 {
                    let dims = t.to_i64_vec();
                    return Ok(StaticShape::partial(
                        dims.iter().map(|&d| (d >= 0).then_some(d as usize)).collect(),
                    ));
                }
            }
            Err(Exc::type_error(format!("'{}' object is not iterable", v.type_name())))
        }
    }
}

fn dim_py(d: Option<usize>) -> Value {
    d.map_or(Value::None, |v| Value::Int(v as i64))
}

/// `TensorShape(dims)` constructor.
pub fn tensor_shape_ctor(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [dims] = args.bind("TensorShape", ["dims"], 1)?;
    Ok(shape_value(as_shape(&dims.unwrap_or(Value::None))?))
}

/// `TensorSpec(shape, dtype=tf.float32, name=None)` constructor.
pub fn tensor_spec_ctor(interp: &mut Interp, mut args: Args) -> PyResult<Value> {
    let name = args.take_kw("name");
    let [shape, dtype, pname] = args.bind("TensorSpec", ["shape", "dtype", "name"], 1)?;
    let shape = as_shape(&shape.unwrap_or(Value::None))?;
    let dtype = opt_dtype(&dtype, interp)?.unwrap_or(DType::Float32);
    let name = match name.or(pname) {
        None | Some(Value::None) => None,
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(v) => return Err(Exc::type_error(format!("name must be a string, got {}", v.type_name()))),
    };
    Ok(Value::object(TensorSpecObj { shape, dtype, name }))
}

fn unknown_rank_err(what: &str) -> Exc {
    Exc::value_error(what.to_string())
}

impl TensorShapeObj {
    fn dims_vec(&self) -> Option<&Vec<Option<usize>>> {
        self.shape.dims.as_ref()
    }
}

impl Object for TensorShapeObj {
    fn type_name(&self) -> &'static str {
        "TensorShape"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(match self.dims_vec() {
            None => "TensorShape(None)".into(),
            Some(d) => {
                let parts: Vec<String> = d.iter().map(|x| x.map_or("None".into(), |v| v.to_string())).collect();
                format!("TensorShape([{}])", parts.join(", "))
            }
        })
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(self.shape.to_string())
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let shape = self.shape.clone();
        Ok(Some(match name {
            "rank" | "ndims" => shape.rank().map_or(Value::None, |r| Value::Int(r as i64)),
            "dims" => match &shape.dims {
                None => Value::None,
                Some(d) => Value::list(d.iter().map(|&v| Value::object(DimensionObj { value: v })).collect()),
            },
            "as_list" => method("as_list", this, move |_i, _t, args| {
                args.bind("as_list", [], 0)?;
                match &shape.dims {
                    None => Err(unknown_rank_err("as_list() is not defined on an unknown TensorShape.")),
                    Some(d) => Ok(Value::list(d.iter().map(|&v| dim_py(v)).collect())),
                }
            }),
            "is_fully_defined" => method(name, this, move |_i, _t, args| {
                args.bind("is_fully_defined", [], 0)?;
                Ok(Value::Bool(shape.is_fully_defined()))
            }),
            "num_elements" => method(name, this, move |_i, _t, args| {
                args.bind("num_elements", [], 0)?;
                Ok(shape.as_known().map_or(Value::None, |d| Value::Int(d.iter().product::<usize>() as i64)))
            }),
            "is_compatible_with" => method(name, this, move |_i, _t, args| {
                let [o] = args.bind("is_compatible_with", ["other"], 1)?;
                let o = as_shape(&o.unwrap_or(Value::None))?;
                Ok(Value::Bool(shape.is_compatible_with(&o)))
            }),
            "merge_with" => method(name, this, move |_i, _t, args| {
                let [o] = args.bind("merge_with", ["other"], 1)?;
                let o = as_shape(&o.unwrap_or(Value::None))?;
                merge(&shape, &o).map(shape_value)
            }),
            "concatenate" => method(name, this, move |_i, _t, args| {
                let [o] = args.bind("concatenate", ["other"], 1)?;
                let o = as_shape(&o.unwrap_or(Value::None))?;
                Ok(shape_value(match (&shape.dims, &o.dims) {
                    (Some(a), Some(b)) => StaticShape::partial(a.iter().chain(b).copied().collect()),
                    _ => StaticShape::unknown_rank(),
                }))
            }),
            "assert_is_compatible_with" => method(name, this, move |_i, _t, args| {
                let [o] = args.bind("assert_is_compatible_with", ["other"], 1)?;
                let o = as_shape(&o.unwrap_or(Value::None))?;
                if shape.is_compatible_with(&o) {
                    Ok(Value::None)
                } else {
                    Err(Exc::value_error(format!("Shapes {shape} and {o} are incompatible")))
                }
            }),
            "assert_has_rank" => method(name, this, move |_i, _t, args| {
                let [r] = args.bind("assert_has_rank", ["rank"], 1)?;
                let r = index_of(&r.unwrap_or(Value::None), "rank")?;
                match shape.rank() {
                    Some(k) if k as i64 != r => Err(Exc::value_error(format!("Shape {shape} must have rank {r}"))),
                    _ => Ok(Value::None),
                }
            }),
            _ => return Ok(None),
        }))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Ok(None);
        }
        let eq = match as_shape(other) {
            Ok(o) => o.dims == self.shape.dims,
            Err(_) => return Ok(None),
        };
        Ok(Some(Value::Bool(if op == CmpOp::Eq { eq } else { !eq })))
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        Ok(self.shape.dims.is_some())
    }
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        match self.shape.rank() {
            Some(r) => Ok(Some(r)),
            None => Err(Exc::value_error("Cannot take the length of shape with unknown rank.")),
        }
    }
    fn get_item(&self, _this: &Value, key: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let Some(dims) = self.dims_vec() else {
            // Unknown rank: any int gives None, a slice gives unknown rank.
            return Ok(Some(match key {
                Value::Slice(_) => shape_value(StaticShape::unknown_rank()),
                _ => {
                    index_of(key, "index")?;
                    Value::None
                }
            }));
        };
        match key {
            Value::Slice(s) => {
                let idx = slice_indices(s, dims.len())?;
                Ok(Some(shape_value(StaticShape::partial(idx.into_iter().map(|i| dims[i]).collect()))))
            }
            _ => {
                let i = index_of(key, "index").map_err(|_| {
                    Exc::type_error(format!("tuple indices must be integers or slices, not {}", key.type_name()))
                })?;
                let n = dims.len() as i64;
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    return Err(Exc::index_error("tuple index out of range"));
                }
                Ok(Some(dim_py(dims[j as usize])))
            }
        }
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        match self.dims_vec() {
            None => Err(Exc::value_error("Cannot iterate over a shape with unknown rank.")),
            Some(d) => Ok(Some(crate::tf::tensor::ListIter::value(d.iter().map(|&v| dim_py(v)).collect()))),
        }
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<crate::value::HashKey>> {
        use crate::value::HashKey;
        Ok(Some(match &self.shape.dims {
            None => HashKey::Tuple(vec![HashKey::Str("TensorShape".into()), HashKey::None]),
            Some(d) => HashKey::Tuple(vec![
                HashKey::Str("TensorShape".into()),
                HashKey::Tuple(d.iter().map(|v| v.map_or(HashKey::None, |x| HashKey::Int(x as i64))).collect()),
            ]),
        }))
    }
}

/// Merge two shapes (`TensorShape.merge_with`).
pub fn merge(a: &StaticShape, b: &StaticShape) -> PyResult<StaticShape> {
    match (&a.dims, &b.dims) {
        (None, _) => Ok(b.clone()),
        (_, None) => Ok(a.clone()),
        (Some(x), Some(y)) => {
            if x.len() != y.len() || !a.is_compatible_with(b) {
                return Err(Exc::value_error(format!("Shapes {a} and {b} are not compatible")));
            }
            Ok(StaticShape::partial(x.iter().zip(y).map(|(p, q)| p.or(*q)).collect()))
        }
    }
}

/// Python's `slice.indices(len)` expanded into the selected positions.
pub fn slice_indices(s: &[Value; 3], len: usize) -> PyResult<Vec<usize>> {
    let n = len as i64;
    let step = match &s[2] {
        Value::None => 1,
        v => index_of(v, "slice step")?,
    };
    if step == 0 {
        return Err(Exc::value_error("slice step cannot be zero"));
    }
    let clamp = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
    let norm = |v: &Value, default: i64, lo: i64, hi: i64| -> PyResult<i64> {
        Ok(match v {
            Value::None => default,
            v => {
                let i = index_of(v, "slice index")?;
                clamp(if i < 0 { i + n } else { i }, lo, hi)
            }
        })
    };
    let (start, stop) = if step > 0 {
        (norm(&s[0], 0, 0, n)?, norm(&s[1], n, 0, n)?)
    } else {
        (norm(&s[0], n - 1, -1, n - 1)?, norm(&s[1], -1, -1, n - 1)?)
    };
    let mut out = vec![];
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}

impl Object for DimensionObj {
    fn type_name(&self) -> &'static str {
        "Dimension"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("Dimension({})", self.value.map_or("None".into(), |v| v.to_string())))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(self.value.map_or("?".into(), |v| v.to_string()))
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "value" => Some(dim_py(self.value)),
            _ => None,
        })
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let Ok(o) = dim_of(other) else { return Ok(None) };
        let (Some(a), Some(b)) = (self.value, o) else { return Ok(Some(Value::None)) };
        Ok(Some(Value::Bool(match op {
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
        })))
    }
    fn to_int(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        match self.value {
            Some(v) => Ok(Some(v as i64)),
            None => Err(Exc::type_error(
                "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'",
            )),
        }
    }
    fn to_index(&self, interp: &mut Interp) -> PyResult<Option<i64>> {
        self.to_int(interp)
    }
}

impl Object for TensorSpecObj {
    fn type_name(&self) -> &'static str {
        "TensorSpec"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!(
            "TensorSpec(shape={}, dtype=tf.{}, name={})",
            self.shape,
            self.dtype.name(),
            self.name.as_ref().map_or("None".into(), |n| format!("'{n}'"))
        ))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "shape" => shape_value(self.shape.clone()),
            "dtype" => dtype_value(self.dtype),
            "name" => self.name.as_ref().map_or(Value::None, |n| Value::str(n)),
            "is_compatible_with" => {
                let (shape, dtype) = (self.shape.clone(), self.dtype);
                method(name, this, move |_i, _t, args| {
                    let [o] = args.bind("is_compatible_with", ["spec_or_value"], 1)?;
                    let o = o.unwrap_or(Value::None);
                    if let Some(s) = o.downcast::<TensorSpecObj>() {
                        return Ok(Value::Bool(s.dtype == dtype && shape.is_compatible_with(&s.shape)));
                    }
                    Ok(Value::Bool(match crate::tf::convert::tensor_of(&o) {
                        Some(t) => t.dtype() == dtype && shape.is_compatible_with(&StaticShape::known(t.shape())),
                        None => false,
                    }))
                })
            }
            _ => return Ok(None),
        }))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Ok(None);
        }
        let eq = other
            .downcast::<TensorSpecObj>()
            .is_some_and(|o| o.shape == self.shape && o.dtype == self.dtype && o.name == self.name);
        Ok(Some(Value::Bool(if op == CmpOp::Eq { eq } else { !eq })))
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<crate::value::HashKey>> {
        use crate::value::HashKey;
        let dims = match &self.shape.dims {
            None => HashKey::None,
            Some(d) => HashKey::Tuple(d.iter().map(|v| v.map_or(HashKey::None, |x| HashKey::Int(x as i64))).collect()),
        };
        Ok(Some(HashKey::Tuple(vec![
            HashKey::Str("TensorSpec".into()),
            dims,
            HashKey::Int(self.dtype.enum_value() as i64),
            self.name.as_ref().map_or(HashKey::None, |n| HashKey::Str(n.as_str().into())),
        ])))
    }
}

