//! Array bindings: creation (`constant`, `zeros`, `range`, `eye`…), shape
//! queries and shape manipulation (`reshape`, `concat`, `stack`, `split`,
//! `gather`, `one_hot`…), each running TF's op with TF's inputs and attrs.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{cast_tensor, convert, convert_tv, matching, to_tensor, tv_of, Mode};
use crate::tf::dtypes::{as_dtype, opt_dtype};
use crate::tf::ops_math::seq;
use crate::tf::tensor::cast;
use crate::tf::trace::{op1_named, TV};
use crate::tf::util::{eager_op1, bool_arg, index_of, int_list, int_scalar, int_vec, op1, opn, opt_index, tvv};
use crate::value::{Builtin, Module, Value};
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, DType, StaticShape, Tensor};

fn req(v: Option<Value>) -> Value {
    v.unwrap_or(Value::None)
}

/// A shape argument as an int32 (or int64) 1-D tensor.
fn shape_tensor(v: &Value) -> PyResult<TV> {
    if let Some(t) = tv_of(v)? {
        if t.dtype().is_int() && t.rank().is_some_and(|r| r <= 1) {
            if t.rank() == Some(0) {
                let one = TV::E(Tensor::vec_i32(vec![1]));
                return op1("Reshape", &[&t, &one], attrs![("T", Attr::Type(t.dtype())), ("Tshape", Attr::Type(DType::Int32))]);
            }
            return Ok(t);
        }
        return Err(Exc::type_error(format!("shape must be an integer tensor, got {}", t.dtype().name())));
    }
    if let Some(s) = v.downcast::<crate::tf::shape::TensorShapeObj>() {
        return match s.shape.as_known() {
            Some(d) => Ok(TV::E(int_vec(&d.iter().map(|&x| x as i64).collect::<Vec<_>>()))),
            None => Err(Exc::value_error(format!("Cannot convert a partially known TensorShape {} to a Tensor.", s.shape))),
        };
    }
    if matches!(v, Value::List(_) | Value::Tuple(_)) && crate::tf::trace::tracing() {
        // A list mixing ints and scalar tensors (`[tf.shape(x)[0], 3]`).
        let items = seq(v)?;
        if items.iter().any(|x| tv_of(x).ok().flatten().is_some_and(|t| t.is_symbolic())) {
            return convert_tv(v, Some(DType::Int32), Mode::Convert);
        }
    }
    let dims = int_list(v, "shape")?;
    Ok(TV::E(int_vec(&dims)))
}

/// In a trace, a value computed from Python values becomes a `Const` named
/// `hint` (as TF's creation functions do); otherwise it is returned as is.
fn creation_result(hint: &str, t: TV) -> PyResult<TV> {
    match t {
        TV::E(e) if crate::tf::trace::tracing() => crate::tf::trace::constant(hint, e),
        other => Ok(other),
    }
}

/// The concrete dims a `Reshape` with `-1` resolves to (NumPy's rules,
/// TF's error text).
pub fn resolve_reshape(n: usize, dims: &[i64]) -> PyResult<Vec<usize>> {
    let unknown: Vec<usize> = dims.iter().enumerate().filter(|(_, &d)| d == -1).map(|(i, _)| i).collect();
    let known: i64 = dims.iter().filter(|&&d| d != -1).product();
    let mut out: Vec<usize> = dims.iter().map(|&d| d.max(0) as usize).collect();
    if unknown.len() > 1 || dims.iter().any(|&d| d < -1) {
        return Err(Exc::value_error("can only specify one unknown dimension"));
    }
    if let Some(&u) = unknown.first() {
        if known == 0 || n as i64 % known != 0 {
            return Err(Exc::value_error(format!("cannot reshape array of size {n} into shape {dims:?}")));
        }
        out[u] = (n as i64 / known) as usize;
    } else if known != n as i64 {
        return Err(Exc::value_error(format!("cannot reshape array of size {n} into shape {dims:?}")));
    }
    Ok(out)
}

/// `tf.constant(value, dtype=None, shape=None)`.
fn constant(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [value, dtype, shape] = args.bind("constant", ["value", "dtype", "shape"], 1)?;
    let d = opt_dtype(&dtype, interp)?;
    let value = req(value);
    if let Some(TV::S(s)) = tv_of(&value)? {
        // A symbolic value: as `tf.convert_to_tensor` (TF would cast it).
        let t = TV::S(s);
        return Ok(tvv(match d {
            Some(d) if d != t.dtype() => crate::tf::tensor::cast(&t, d)?,
            _ => t,
        }));
    }
    let t = convert(&value, d, Mode::Constant)?;
    let t = match d {
        Some(d) if t.dtype() != d => cast_tensor(&t, d),
        _ => t,
    };
    let t = match shape {
        None | Some(Value::None) => t,
        Some(s) => {
            let dims: Vec<usize> = int_list(&s, "shape")?.iter().map(|&x| x.max(0) as usize).collect();
            let n: usize = dims.iter().product();
            if t.num_elements() == n {
                t.reshaped(dims)?
            } else if t.num_elements() == 1 {
                let st = int_vec(&dims.iter().map(|&x| x as i64).collect::<Vec<_>>());
                let sc = t.reshaped(vec![])?;
                tfjit_tensor::op::run1("Fill", &[&st, &sc], &attrs![("T", Attr::Type(t.dtype())), ("index_type", Attr::Type(DType::Int32))])?
            } else {
                return Err(Exc::type_error(format!(
                    "Eager execution of tf.constant with unsupported shape. Tensor {} (converted from {}) has {} elements, but got `shape` {} with {} elements).",
                    tfjit_tensor::format::ndarray_str(&t),
                    crate::tf::convert::literal_repr(&value),
                    t.num_elements(),
                    StaticShape::known(&dims),
                    n
                )));
            }
        }
    };
    Ok(tvv(creation_result("Const", TV::E(t))?))
}

/// `tf.convert_to_tensor(value, dtype=None, dtype_hint=None)`.
fn convert_to_tensor(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [value, dtype, hint] = args.bind("convert_to_tensor", ["value", "dtype", "dtype_hint"], 1)?;
    let value = req(value);
    if let Some(d) = opt_dtype(&dtype, interp)? {
        return Ok(tvv(creation_result("Const", convert_tv(&value, Some(d), Mode::Convert)?)?));
    }
    if let Some(h) = opt_dtype(&hint, interp)? {
        if let Ok(t) = convert_tv(&value, Some(h), Mode::Convert) {
            return Ok(tvv(creation_result("Const", t)?));
        }
    }
    Ok(tvv(creation_result("Const", convert_tv(&value, None, Mode::Convert)?)?))
}

fn fill_value(shape: &TV, value: &TV) -> PyResult<TV> {
    op1("Fill", &[shape, value], attrs![("T", Attr::Type(value.dtype())), ("index_type", Attr::Type(shape.dtype()))])
}

/// `tf.zeros(shape, dtype=tf.float32)` / `tf.ones`.
fn filled(py: &'static str, one: bool) -> Value {
    Builtin::value(py, move |interp, args| {
        let [shape, dtype] = args.bind(py, ["shape", "dtype"], 1)?;
        let d = opt_dtype(&dtype, interp)?.unwrap_or(DType::Float32);
        let s = shape_tensor(&req(shape))?;
        let v = TV::E(cast_tensor(&Tensor::scalar_i64(one as i64), d));
        let hint = if one { "ones" } else { "zeros" };
        if s.is_symbolic() {
            return Ok(tvv(op1_named(hint, "Fill", &[&s, &v], attrs![("T", Attr::Type(d)), ("index_type", Attr::Type(s.dtype()))])?));
        }
        let t = crate::tf::trace::outside_traces(|| fill_value(&s, &v))?;
        Ok(tvv(creation_result(hint, t)?))
    })
}

/// `tf.fill(dims, value)`.
fn fill(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [dims, value] = args.bind("fill", ["dims", "value"], 2)?;
    let s = shape_tensor(&req(dims))?;
    let v = to_tensor(&req(value))?;
    Ok(tvv(fill_value(&s, &v)?))
}

/// `tf.zeros_like(input, dtype=None)` / `tf.ones_like`.
fn filled_like(py: &'static str, op: &'static str, one: bool) -> Value {
    Builtin::value(py, move |interp, args| {
        let [x, dtype] = args.bind(py, ["input", "dtype"], 1)?;
        let x = to_tensor(&req(x))?;
        match opt_dtype(&dtype, interp)? {
            Some(d) if d != x.dtype() => {
                let s = match x.known_dims() {
                    Some(dims) => TV::E(int_vec(&dims.iter().map(|&v| v as i64).collect::<Vec<_>>())),
                    None => op1("Shape", &[&x], attrs![("T", Attr::Type(x.dtype())), ("out_type", Attr::Type(DType::Int32))])?,
                };
                let v = TV::E(cast_tensor(&Tensor::scalar_i64(one as i64), d));
                Ok(tvv(fill_value(&s, &v)?))
            }
            _ => Ok(tvv(op1(op, &[&x], attrs![("T", Attr::Type(x.dtype()))])?)),
        }
    })
}

/// `tf.eye(num_rows, num_columns=None, batch_shape=None, dtype=tf.float32)`,
/// composed as TF does: `matrix_diag(ones)` or `matrix_set_diag(zeros, ones)`.
fn eye(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [rows, cols, batch, dtype] = args.bind("eye", ["num_rows", "num_columns", "batch_shape", "dtype"], 1)?;
    let d = opt_dtype(&dtype, interp)?;
    let v = crate::tf::trace::outside_traces(|| eye_eager(rows, cols, batch, d))?;
    match tv_of(&v)? {
        Some(t) => Ok(tvv(creation_result("eye", t)?)),
        None => Ok(v),
    }
}

fn eye_eager(rows: Option<Value>, cols: Option<Value>, batch: Option<Value>, d: Option<DType>) -> PyResult<Value> {
    let d = d.unwrap_or(DType::Float32);
    let r = index_of(&req(rows), "num_rows")?;
    let square = matches!(cols, None | Some(Value::None));
    let c = opt_index(&cols, "num_columns")?.unwrap_or(r);
    let batch: Vec<i64> = match &batch {
        None | Some(Value::None) => vec![],
        Some(b) => int_list(b, "batch_shape")?,
    };
    if tfjit_tensor::op::lookup("MatrixDiagV3").is_none() || tfjit_tensor::op::lookup("MatrixSetDiagV3").is_none() {
        return eye_by_comparison(r, c, &batch, d);
    }
    let mut diag_shape = batch.clone();
    diag_shape.push(r.min(c));
    let one = cast_tensor(&Tensor::scalar_i64(1), d);
    let ones = eager_fill(&int_vec(&diag_shape), &one)?;
    let k = Tensor::scalar_i32(0);
    let pad = cast_tensor(&Tensor::scalar_i64(0), d);
    if square {
        let nr = Tensor::scalar_i32(-1);
        return Ok(crate::tf::util::tv(eager_op1(
            "MatrixDiagV3",
            &[&ones, &k, &nr, &nr, &pad],
            attrs![("T", Attr::Type(d)), ("align", Attr::Str("RIGHT_LEFT".into()))],
        )?));
    }
    let mut shape = batch;
    shape.extend([r, c]);
    let zeros = eager_fill(&int_vec(&shape), &pad)?;
    Ok(crate::tf::util::tv(eager_op1(
        "MatrixSetDiagV3",
        &[&zeros, &ones, &k],
        attrs![("T", Attr::Type(d)), ("align", Attr::Str("RIGHT_LEFT".into()))],
    )?))
}

/// `eye` from ops every backend has (until the matrix-diag ops exist):
/// `cast(expand_dims(range(r), -1) == range(c), dtype)`, broadcast over the batch.
fn eye_by_comparison(r: i64, c: i64, batch: &[i64], d: DType) -> PyResult<Value> {
    if r < 0 || c < 0 {
        return Err(Exc::value_error("num_rows and num_columns must be non-negative"));
    }
    let range = |n: i64| {
        eager_op1(
            "Range",
            &[&Tensor::scalar_i64(0), &Tensor::scalar_i64(n), &Tensor::scalar_i64(1)],
            attrs![("Tidx", Attr::Type(DType::Int64))],
        )
    };
    let rows = eager_op1(
        "ExpandDims",
        &[&range(r)?, &Tensor::scalar_i32(-1)],
        attrs![("T", Attr::Type(DType::Int64)), ("Tdim", Attr::Type(DType::Int32))],
    )?;
    let eq = eager_op1(
        "Equal",
        &[&rows, &range(c)?],
        attrs![("T", Attr::Type(DType::Int64)), ("incompatible_shape_error", Attr::Bool(true))],
    )?;
    let m = crate::tf::convert::cast_tensor(&eq, d);
    if batch.is_empty() {
        return Ok(crate::tf::util::tv(m));
    }
    let mut shape = batch.to_vec();
    shape.extend([r, c]);
    let s = int_vec(&shape);
    Ok(crate::tf::util::tv(eager_op1("BroadcastTo", &[&m, &s], attrs![("T", Attr::Type(d)), ("Tidx", Attr::Type(s.dtype()))])?))
}

fn eager_fill(shape: &Tensor, value: &Tensor) -> PyResult<Tensor> {
    eager_op1("Fill", &[shape, value], attrs![("T", Attr::Type(value.dtype())), ("index_type", Attr::Type(shape.dtype()))])
}

fn dtype_rank(d: DType) -> usize {
    match d {
        DType::Int32 => 0,
        DType::Int64 => 1,
        DType::Float32 => 2,
        DType::Float64 => 3,
        DType::Bool => 4,
    }
}

/// `tf.range(start, limit=None, delta=1, dtype=None)`.
fn range(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [start, limit, delta, dtype] = args.bind("range", ["start", "limit", "delta", "dtype"], 1)?;
    let (start, limit) = match limit {
        None | Some(Value::None) => (Value::Int(0), req(start)),
        Some(l) => (req(start), l),
    };
    let delta = delta.unwrap_or(Value::Int(1));
    let d = opt_dtype(&dtype, interp)?;
    let conv = |v: &Value| -> PyResult<TV> {
        match d {
            Some(d) => {
                if let Some(t) = tv_of(v)? {
                    return cast(&t, d);
                }
                Ok(TV::E(convert(v, Some(d), Mode::Convert)?))
            }
            None => convert_tv(v, None, Mode::Convert),
        }
    };
    let (s, l, dl) = (conv(&start)?, conv(&limit)?, conv(&delta)?);
    let d = d.unwrap_or_else(|| [s.dtype(), l.dtype(), dl.dtype()].into_iter().max_by_key(|&x| dtype_rank(x)).unwrap_or(DType::Int32));
    let (s, l, dl) = (cast(&s, d)?, cast(&l, d)?, cast(&dl, d)?);
    Ok(tvv(op1("Range", &[&s, &l, &dl], attrs![("Tidx", Attr::Type(d))])?))
}

/// `tf.linspace(start, stop, num, axis=0)`, composed as TF's `linspace_nd`
/// (for scalar endpoints known without running the graph).
fn linspace(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [start, stop, num, _axis] = args.bind("linspace", ["start", "stop", "num", "axis"], 3)?;
    let start = to_tensor(&req(start))?;
    let stop = crate::tf::convert::convert_to(&req(stop), start.dtype(), true)?;
    let (Some(start), Some(stop)) = (start.const_value(), stop.const_value()) else {
        return Err(Exc::not_implemented("tf.linspace on symbolic start/stop is not implemented in tfjit yet"));
    };
    let num = index_of(&req(num), "num")?;
    let t = crate::tf::trace::outside_traces(|| linspace_eager(&start, &stop, num))?;
    Ok(tvv(creation_result("LinSpace", TV::E(t))?))
}

fn linspace_eager(start: &Tensor, stop: &Tensor, num: i64) -> PyResult<Tensor> {
    if start.rank() != 0 || stop.rank() != 0 {
        return Err(Exc::not_implemented("tf.linspace with non-scalar start/stop is not implemented in tfjit yet"));
    }
    let ec = |t: &Tensor, d: DType| crate::tf::convert::cast_tensor(t, d);
    let n_steps = (num - 1).max(1);
    let steps = ec(&Tensor::scalar_i64(n_steps), stop.dtype());
    let diff = eager_op1("Sub", &[stop, start], attrs![("T", Attr::Type(stop.dtype()))])?;
    let delta = crate::tf::tensor::truediv(&TV::E(diff), &TV::E(steps))?;
    let delta = delta.eager().cloned().ok_or_else(|| Exc::runtime_error("linspace: symbolic delta"))?;
    let dd = delta.dtype();
    let s = ec(start, dd).reshaped(vec![1])?;
    let e = ec(stop, dd).reshaped(vec![1])?;
    let r = eager_op1(
        "Range",
        &[&Tensor::scalar_i64(1), &Tensor::scalar_i64(if num >= 0 { n_steps } else { -1 }), &Tensor::scalar_i64(1)],
        attrs![("Tidx", Attr::Type(DType::Int64))],
    )?;
    let r = ec(&r, dd);
    let ta = attrs![("T", Attr::Type(dd))];
    let res = eager_op1("AddV2", &[&s, &eager_op1("Mul", &[&delta, &r], ta.clone())?], ta)?;
    let axis = Tensor::scalar_i32(0);
    let all = eager_op1("ConcatV2", &[&s, &res, &e, &axis], attrs![("T", Attr::Type(dd)), ("N", Attr::Int(3)), ("Tidx", Attr::Type(DType::Int32))])?;
    // TF slices with `Slice(begin=0, size=num)`; a `StridedSlice` selects the same.
    let end = int_vec(&[num.max(0)]);
    let begin = ec(&Tensor::vec_i32(vec![0]), end.dtype());
    let strides = ec(&Tensor::vec_i32(vec![1]), end.dtype());
    eager_op1("StridedSlice", &[&all, &begin, &end, &strides], attrs![("T", Attr::Type(dd)), ("Index", Attr::Type(end.dtype()))])
}

/// `tf.reshape(tensor, shape)`.
fn reshape(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, shape] = args.bind("reshape", ["tensor", "shape"], 2)?;
    let x = to_tensor(&req(x))?;
    let s = shape_tensor(&req(shape))?;
    Ok(tvv(op1("Reshape", &[&x, &s], attrs![("T", Attr::Type(x.dtype())), ("Tshape", Attr::Type(s.dtype()))])?))
}

/// `tf.transpose(a, perm=None, conjugate=False)`.
fn transpose(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [a, perm, _conj] = args.bind("transpose", ["a", "perm", "conjugate"], 1)?;
    let a = to_tensor(&req(a))?;
    let p = match &perm {
        None | Some(Value::None) => TV::E(Tensor::vec_i32((0..a.known_rank("transpose")? as i32).rev().collect())),
        Some(p) => shape_tensor(p)?,
    };
    Ok(tvv(op1("Transpose", &[&a, &p], attrs![("T", Attr::Type(a.dtype())), ("Tperm", Attr::Type(p.dtype()))])?))
}

/// `tf.expand_dims(input, axis)`.
fn expand_dims(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, axis] = args.bind("expand_dims", ["input", "axis"], 2)?;
    let x = to_tensor(&req(x))?;
    let a = index_of(&req(axis), "axis")?;
    let at = TV::E(int_scalar(a));
    Ok(tvv(op1("ExpandDims", &[&x, &at], attrs![("T", Attr::Type(x.dtype())), ("Tdim", Attr::Type(at.dtype()))])?))
}

/// `tf.squeeze(input, axis=None)`.
fn squeeze(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, axis] = args.bind("squeeze", ["input", "axis"], 1)?;
    let x = to_tensor(&req(x))?;
    let axes = match &axis {
        None | Some(Value::None) => vec![],
        Some(a) => int_list(a, "axis")?,
    };
    Ok(tvv(op1("Squeeze", &[&x], attrs![("T", Attr::Type(x.dtype())), ("squeeze_dims", Attr::Ints(axes))])?))
}

fn tensors_of_list(v: &Value) -> PyResult<Vec<TV>> {
    let items = match v {
        Value::List(_) | Value::Tuple(_) => seq(v)?,
        _ => {
            // A single tensor: its rows.
            let t = to_tensor(v)?;
            return match &t {
                TV::E(e) => Ok((0..e.shape().first().copied().unwrap_or(0)).filter_map(|i| crate::tf::tensor::row(e, i)).map(TV::E).collect()),
                TV::S(_) => {
                    let n = t.dim(0).ok_or_else(|| Exc::value_error("Cannot infer argument `num` from shape of a symbolic tensor"))?;
                    opn("Unpack", &[&t], attrs![("T", Attr::Type(t.dtype())), ("num", Attr::Int(n as i64)), ("axis", Attr::Int(0))])
                }
            };
        }
    };
    let refs: Vec<&Value> = items.iter().collect();
    matching(&refs)
}

/// `tf.concat(values, axis)`.
fn concat(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [values, axis] = args.bind("concat", ["values", "axis"], 2)?;
    let ts = tensors_of_list(&req(values))?;
    let a = index_of(&req(axis), "axis")?;
    if ts.len() == 1 {
        return Ok(tvv(ts[0].clone()));
    }
    let Some(first) = ts.first() else {
        return Err(Exc::value_error("List argument 'values' to 'ConcatV2' Op with length 0 shorter than minimum length 2."));
    };
    let at = TV::E(int_scalar(a));
    let mut inputs: Vec<&TV> = ts.iter().collect();
    inputs.push(&at);
    Ok(tvv(op1_named(
        "concat",
        "ConcatV2",
        &inputs,
        attrs![("T", Attr::Type(first.dtype())), ("N", Attr::Int(ts.len() as i64)), ("Tidx", Attr::Type(at.dtype()))],
    )?))
}

/// `tf.stack(values, axis=0)`.
fn stack(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [values, axis] = args.bind("stack", ["values", "axis"], 1)?;
    let ts = tensors_of_list(&req(values))?;
    let a = opt_index(&axis, "axis")?.unwrap_or(0);
    let dt = ts.first().map_or(DType::Float32, |t| t.dtype());
    let refs: Vec<&TV> = ts.iter().collect();
    Ok(tvv(op1_named("stack", "Pack", &refs, attrs![("T", Attr::Type(dt)), ("N", Attr::Int(ts.len() as i64)), ("axis", Attr::Int(a))])?))
}

fn norm_axis(a: i64, rank: usize) -> PyResult<usize> {
    let r = rank as i64;
    let x = if a < 0 { a + r } else { a };
    if x < 0 || x >= r {
        return Err(Exc::value_error(format!("axis = {a} not in [{}, {})", -r, r)));
    }
    Ok(x as usize)
}

/// `tf.unstack(value, num=None, axis=0)`.
fn unstack(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [value, num, axis] = args.bind("unstack", ["value", "num", "axis"], 1)?;
    let x = to_tensor(&req(value))?;
    let a = opt_index(&axis, "axis")?.unwrap_or(0);
    let rank = x.known_rank("unstack")?;
    if rank == 0 {
        return Err(Exc::value_error("Cannot infer argument `num` from shape ()"));
    }
    let ax = norm_axis(a, rank)?;
    let n = match opt_index(&num, "num")? {
        Some(n) => n,
        None => x.dim(ax).ok_or_else(|| Exc::value_error(format!("Cannot infer argument `num` from shape {}", x.shape())))? as i64,
    };
    let outs = opn("Unpack", &[&x], attrs![("T", Attr::Type(x.dtype())), ("num", Attr::Int(n)), ("axis", Attr::Int(a))])?;
    Ok(Value::list(outs.into_iter().map(tvv).collect()))
}

/// `tf.split(value, num_or_size_splits, axis=0, num=None)`.
fn split(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [value, nos, axis, num] = args.bind("split", ["value", "num_or_size_splits", "axis", "num"], 2)?;
    let x = to_tensor(&req(value))?;
    let a = opt_index(&axis, "axis")?.unwrap_or(0);
    let at = TV::E(int_scalar(a));
    let nos = req(nos);
    let outs = match &nos {
        Value::Int(n) => opn("Split", &[&at, &x], attrs![("T", Attr::Type(x.dtype())), ("num_split", Attr::Int(*n))])?,
        _ => {
            let sizes = shape_tensor(&nos)?;
            let sizes_c = sizes.const_value();
            let n = match opt_index(&num, "num")? {
                Some(n) => n,
                None => sizes.dim(0).ok_or_else(|| Exc::value_error("Cannot infer argument `num` from the size splits"))? as i64,
            };
            match sizes_c {
                Some(c) if c.rank() == 0 => {
                    let k = c.get_i64(0);
                    opn("Split", &[&at, &x], attrs![("T", Attr::Type(x.dtype())), ("num_split", Attr::Int(k))])?
                }
                _ => opn(
                    "SplitV",
                    &[&x, &sizes, &at],
                    attrs![("T", Attr::Type(x.dtype())), ("Tlen", Attr::Type(sizes.dtype())), ("num_split", Attr::Int(n))],
                )?,
            }
        }
    };
    Ok(Value::list(outs.into_iter().map(tvv).collect()))
}

/// `tf.tile(input, multiples)`.
fn tile(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, m] = args.bind("tile", ["input", "multiples"], 2)?;
    let x = to_tensor(&req(x))?;
    let m = shape_tensor(&req(m))?;
    Ok(tvv(op1("Tile", &[&x, &m], attrs![("T", Attr::Type(x.dtype())), ("Tmultiples", Attr::Type(m.dtype()))])?))
}

/// `tf.gather(params, indices, validate_indices=None, axis=None, batch_dims=0)`.
fn gather(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [params, indices, _vi, axis, batch_dims] =
        args.bind("gather", ["params", "indices", "validate_indices", "axis", "batch_dims"], 2)?;
    let p = to_tensor(&req(params))?;
    let ind = to_tensor(&req(indices))?;
    let a = opt_index(&axis, "axis")?.unwrap_or(0);
    let bd = opt_index(&batch_dims, "batch_dims")?.unwrap_or(0);
    let at = TV::E(int_scalar(a));
    Ok(tvv(op1(
        "GatherV2",
        &[&p, &ind, &at],
        attrs![
            ("Tparams", Attr::Type(p.dtype())),
            ("Tindices", Attr::Type(ind.dtype())),
            ("Taxis", Attr::Type(at.dtype())),
            ("batch_dims", Attr::Int(bd))
        ],
    )?))
}

/// `tf.one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None)`.
fn one_hot(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [indices, depth, on, off, axis, dtype] =
        args.bind("one_hot", ["indices", "depth", "on_value", "off_value", "axis", "dtype"], 2)?;
    let ind = to_tensor(&req(indices))?;
    let depth = TV::E(int_scalar(index_of(&req(depth), "depth")?));
    let given = |v: &Option<Value>| v.as_ref().filter(|x| !x.is_none()).cloned();
    let (on, off) = (given(&on), given(&off));
    let d = match opt_dtype(&dtype, interp)? {
        Some(d) => d,
        None => match (&on, &off) {
            (Some(v), _) | (None, Some(v)) => to_tensor(v)?.dtype(),
            _ => DType::Float32,
        },
    };
    let on = match on {
        Some(v) => convert_tv(&v, Some(d), Mode::Convert)?,
        None => TV::E(cast_tensor(&Tensor::scalar_i64(1), d)),
    };
    let off = match off {
        Some(v) => convert_tv(&v, Some(d), Mode::Convert)?,
        None => TV::E(cast_tensor(&Tensor::scalar_i64(0), d)),
    };
    let axis = opt_index(&axis, "axis")?.unwrap_or(-1);
    Ok(tvv(op1(
        "OneHot",
        &[&ind, &depth, &on, &off],
        attrs![("T", Attr::Type(d)), ("TI", Attr::Type(ind.dtype())), ("axis", Attr::Int(axis))],
    )?))
}

/// `tf.broadcast_to(input, shape)`.
fn broadcast_to(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, shape] = args.bind("broadcast_to", ["input", "shape"], 2)?;
    let x = to_tensor(&req(x))?;
    let s = shape_tensor(&req(shape))?;
    Ok(tvv(op1("BroadcastTo", &[&x, &s], attrs![("T", Attr::Type(x.dtype())), ("Tidx", Attr::Type(s.dtype()))])?))
}

/// `tf.shape(input, out_type=tf.int32)` / `tf.size` / `tf.rank`.
fn shape_query(py: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |interp, args| {
        let [x, out] = if py == "rank" {
            let [x] = args.bind(py, ["input"], 1)?;
            [x, None]
        } else {
            args.bind(py, ["input", "out_type"], 1)?
        };
        let x = to_tensor(&req(x))?;
        let mut a = attrs![("T", Attr::Type(x.dtype()))];
        if py != "rank" {
            a.insert("out_type", Attr::Type(opt_dtype(&out, interp)?.unwrap_or(DType::Int32)));
        }
        Ok(tvv(op1(op, &[&x], a)?))
    })
}

/// `tf.identity(input)` / `tf.stop_gradient(input)`: an `Identity` op in a
/// graph; eagerly the same value.
fn identity(py: &'static str, hint: &'static str) -> Value {
    Builtin::value(py, move |_i, args| {
        let [x] = args.bind(py, ["input"], 1)?;
        let x = to_tensor(&req(x))?;
        // `stop_gradient`: a tensor no gradient tape connects to its input.
        let stop = hint == "StopGradient";
        if crate::tf::trace::tracing() {
            let run = || op1_named(hint, "Identity", &[&x], attrs![("T", Attr::Type(x.dtype()))]);
            return Ok(tvv(if stop { crate::tf::tape::paused(run)? } else { run()? }));
        }
        Ok(tvv(match x {
            TV::E(t) if stop => TV::E(t.renewed()),
            x => x,
        }))
    })
}

/// `tf.reverse(tensor, axis)`.
fn reverse(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, axis] = args.bind("reverse", ["tensor", "axis"], 2)?;
    let x = to_tensor(&req(x))?;
    let a = shape_tensor(&req(axis))?;
    Ok(tvv(op1("ReverseV2", &[&x, &a], attrs![("T", Attr::Type(x.dtype())), ("Tidx", Attr::Type(a.dtype()))])?))
}

/// `tf.is_tensor(x)`.
fn is_tensor(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x] = args.bind("is_tensor", ["x"], 1)?;
    let x = req(x);
    Ok(Value::Bool(
        x.downcast::<crate::tf::tensor::EagerTensor>().is_some()
            || x.downcast::<crate::tf::symbolic::SymbolicTensor>().is_some()
            || x.downcast::<crate::tf::variable::Variable>().is_some(),
    ))
}

/// `tf.zeros`-family dtype check helper for `tf.as_dtype` users.
#[allow(dead_code)]
fn dtype_arg(v: &Value, interp: &mut Interp) -> PyResult<DType> {
    as_dtype(v, interp)
}

/// Populate `tf` with the array functions.
pub fn register(tf: &Rc<Module>, linalg: &Rc<Module>) {
    tf.set("constant", Builtin::value("constant", constant));
    tf.set("convert_to_tensor", Builtin::value("convert_to_tensor", convert_to_tensor));
    tf.set("zeros", filled("zeros", false));
    tf.set("ones", filled("ones", true));
    tf.set("fill", Builtin::value("fill", fill));
    tf.set("zeros_like", filled_like("zeros_like", "ZerosLike", false));
    tf.set("ones_like", filled_like("ones_like", "OnesLike", true));
    tf.set("eye", Builtin::value("eye", eye));
    linalg.set("eye", Builtin::value("eye", eye));
    tf.set("range", Builtin::value("range", range));
    tf.set("linspace", Builtin::value("linspace", linspace));
    tf.set("reshape", Builtin::value("reshape", reshape));
    tf.set("transpose", Builtin::value("transpose", transpose));
    linalg.set("transpose", Builtin::value("transpose", transpose));
    tf.set("expand_dims", Builtin::value("expand_dims", expand_dims));
    tf.set("squeeze", Builtin::value("squeeze", squeeze));
    tf.set("concat", Builtin::value("concat", concat));
    tf.set("stack", Builtin::value("stack", stack));
    tf.set("unstack", Builtin::value("unstack", unstack));
    tf.set("split", Builtin::value("split", split));
    tf.set("tile", Builtin::value("tile", tile));
    tf.set("gather", Builtin::value("gather", gather));
    tf.set("one_hot", Builtin::value("one_hot", one_hot));
    tf.set("broadcast_to", Builtin::value("broadcast_to", broadcast_to));
    tf.set("shape", shape_query("shape", "Shape"));
    tf.set("size", shape_query("size", "Size"));
    tf.set("rank", shape_query("rank", "Rank"));
    tf.set("identity", identity("identity", "Identity"));
    tf.set("stop_gradient", identity("stop_gradient", "StopGradient"));
    tf.set("reverse", Builtin::value("reverse", reverse));
    tf.set("is_tensor", Builtin::value("is_tensor", is_tensor));
    let _ = bool_arg;
}
