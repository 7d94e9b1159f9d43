//! `tf.math.*`, `tf.nn.*` and `tf.linalg.*` bindings: elementwise math,
//! comparisons, reductions, activations, matmul, norms and clipping.
//! Each binds TF's parameter names, converts the inputs as TF does and runs
//! the TF op of the same name (composites are composed as TF composes them).

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{matching, matching_hint, to_tensor, tv_of};
use crate::tf::tensor::{cast, matmul, truediv, tv_binary};
use crate::tf::trace::{op1_named, TV};
use crate::tf::util::{bool_arg, int_list, op1, tvv};
use crate::value::{BinOp, Builtin, Module, Value};
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, Attrs, DType, Tensor};

fn req(v: Option<Value>) -> Value {
    v.unwrap_or(Value::None)
}

fn t_attr(t: &TV) -> Attrs {
    attrs![("T", Attr::Type(t.dtype()))]
}

/// A one-input elementwise op: `tf.<py>(<param>)` → TF op `op`.
fn unary(py: &'static str, param: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |_i, args| {
        let [x] = args.bind(py, [param], 1)?;
        let x = to_tensor(&req(x))?;
        if op == "Round" && x.dtype().is_int() {
            return Ok(tvv(x));
        }
        let a = if op.starts_with("Logical") { attrs![] } else { t_attr(&x) };
        Ok(tvv(op1(op, &[&x], a)?))
    })
}

/// A two-input op with TF's matching conversion (`x`, `y`).
fn binary(py: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |_i, args| {
        let [x, y] = args.bind(py, ["x", "y"], 2)?;
        let (x, y) = (req(x), req(y));
        let ts = matching(&[&x, &y])?;
        let a = match op {
            "LogicalAnd" | "LogicalOr" => attrs![],
            "Equal" | "NotEqual" => attrs![("T", Attr::Type(ts[0].dtype())), ("incompatible_shape_error", Attr::Bool(true))],
            _ => t_attr(&ts[0]),
        };
        Ok(tvv(op1(op, &[&ts[0], &ts[1]], a)?))
    })
}

/// `tf.add(x, y)`: the second input converts with a dtype hint.
fn add(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, y] = args.bind("add", ["x", "y"], 2)?;
    let ts = matching_hint(&[&req(x), &req(y)])?;
    Ok(tvv(op1_named("Add", "AddV2", &[&ts[0], &ts[1]], t_attr(&ts[0]))?))
}

/// `tf.math.add_n(inputs)`.
fn add_n(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [inputs] = args.bind("add_n", ["inputs"], 1)?;
    let items = seq(&req(inputs))?;
    let refs: Vec<&Value> = items.iter().collect();
    let ts = matching(&refs)?;
    let Some(first) = ts.first() else {
        return Err(Exc::value_error("inputs must be an iterable of at least one Tensor/IndexedSlices with the same dtype and shape"));
    };
    if ts.len() == 1 {
        return Ok(tvv(first.clone()));
    }
    if tfjit_tensor::op::lookup("AddN").is_none() {
        // Same sums, pairwise, until the registry has `AddN`.
        let mut acc = first.clone();
        for t in &ts[1..] {
            acc = op1("AddV2", &[&acc, t], t_attr(first))?;
        }
        return Ok(tvv(acc));
    }
    let tr: Vec<&TV> = ts.iter().collect();
    Ok(tvv(op1("AddN", &tr, attrs![("T", Attr::Type(first.dtype())), ("N", Attr::Int(ts.len() as i64))])?))
}

/// The items of a list or tuple argument.
pub fn seq(v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Tuple(t) => Ok(t.to_vec()),
        _ => Err(Exc::type_error(format!("expected a list of tensors, got {}", v.type_name()))),
    }
}

/// `tf.divide(x, y)` = `x / y` with Python's operator dispatch.
fn divide(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, y] = args.bind("divide", ["x", "y"], 2)?;
    let (x, y) = (req(x), req(y));
    if let Some(t) = tv_of(&x)? {
        return tv_binary(&t, BinOp::TrueDiv, &y, false).map(|v| v.unwrap_or(Value::None));
    }
    if let Some(t) = tv_of(&y)? {
        return tv_binary(&t, BinOp::TrueDiv, &x, true).map(|v| v.unwrap_or(Value::None));
    }
    let xt = to_tensor(&x)?;
    tv_binary(&xt, BinOp::TrueDiv, &y, false).map(|v| v.unwrap_or(Value::None))
}

/// `tf.truediv(x, y)`: y converts with x's dtype as a hint; ints go through float64.
fn truediv_fn(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, y] = args.bind("truediv", ["x", "y"], 2)?;
    let ts = matching_hint(&[&req(x), &req(y)])?;
    Ok(tvv(truediv(&ts[0], &ts[1])?))
}

/// All axes of a tensor, as TF passes them for `axis=None` (a `Range`
/// over the rank when the rank is only known at run time).
fn axes_tensor(x: &TV, axis: &Option<Value>) -> PyResult<TV> {
    match axis {
        None | Some(Value::None) => match x.rank() {
            Some(r) => Ok(TV::E(Tensor::vec_i32((0..r as i32).collect()))),
            None => {
                let rank = op1("Rank", &[x], attrs![("T", Attr::Type(x.dtype()))])?;
                let (z, o) = (TV::E(Tensor::scalar_i32(0)), TV::E(Tensor::scalar_i32(1)));
                op1("Range", &[&z, &rank, &o], attrs![("Tidx", Attr::Type(DType::Int32))])
            }
        },
        Some(v) => {
            if let Some(t) = tv_of(v)? {
                return Ok(t);
            }
            let l = int_list(v, "axis")?;
            match v {
                Value::List(_) | Value::Tuple(_) => Ok(TV::E(crate::tf::util::int_vec(&l))),
                _ => Ok(TV::E(crate::tf::util::int_scalar(l.first().copied().unwrap_or(0)))),
            }
        }
    }
}

/// A reduction `tf.reduce_*(input_tensor, axis=None, keepdims=False)`.
fn reduction(py: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |interp, args| {
        let [x, axis, keepdims] = args.bind(py, ["input_tensor", "axis", "keepdims"], 1)?;
        let x = to_tensor(&req(x))?;
        let keep = bool_arg(&keepdims, false, interp)?;
        Ok(tvv(reduce(op, &x, &axis, keep)?))
    })
}

/// Run reduction op `op` over `axis` (None = all axes).
pub fn reduce(op: &str, x: &TV, axis: &Option<Value>, keep: bool) -> PyResult<TV> {
    let axes = axes_tensor(x, axis)?;
    let mut a = attrs![("keep_dims", Attr::Bool(keep)), ("Tidx", Attr::Type(axes.dtype()))];
    if !matches!(op, "Any" | "All") {
        a.insert("T", Attr::Type(x.dtype()));
    }
    op1(op, &[x, &axes], a)
}

/// `tf.argmax/argmin(input, axis=None, output_type=tf.int64)`.
fn arg_reduce(py: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |interp, args| {
        let [x, axis, out] = args.bind(py, ["input", "axis", "output_type"], 1)?;
        let x = to_tensor(&req(x))?;
        let axis = match &axis {
            None | Some(Value::None) => TV::E(Tensor::scalar_i32(0)),
            Some(v) => match tv_of(v)? {
                Some(t) => t,
                None => TV::E(crate::tf::util::int_scalar(crate::tf::util::index_of(v, "axis")?)),
            },
        };
        let out = crate::tf::dtypes::opt_dtype(&out, interp)?.unwrap_or(DType::Int64);
        Ok(tvv(op1(
            op,
            &[&x, &axis],
            attrs![("T", Attr::Type(x.dtype())), ("Tidx", Attr::Type(axis.dtype())), ("output_type", Attr::Type(out))],
        )?))
    })
}

/// `tf.cumsum(x, axis=0, exclusive=False, reverse=False)`.
fn cumsum(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, axis, exclusive, reverse] = args.bind("cumsum", ["x", "axis", "exclusive", "reverse"], 1)?;
    let x = to_tensor(&req(x))?;
    let axis = crate::tf::util::opt_index(&axis, "axis")?.unwrap_or(0);
    let a = TV::E(crate::tf::util::int_scalar(axis));
    Ok(tvv(op1(
        "Cumsum",
        &[&x, &a],
        attrs![
            ("T", Attr::Type(x.dtype())),
            ("Tidx", Attr::Type(a.dtype())),
            ("exclusive", Attr::Bool(bool_arg(&exclusive, false, interp)?)),
            ("reverse", Attr::Bool(bool_arg(&reverse, false, interp)?)),
        ],
    )?))
}

/// `tf.matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, …)`.
fn matmul_fn(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [a, b, ta, tb, aa, ab, _sa, _sb, _ot, _ga, _gb] = args.bind(
        "matmul",
        ["a", "b", "transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "a_is_sparse", "b_is_sparse", "output_type", "grad_a", "grad_b"],
        2,
    )?;
    let ts = matching(&[&req(a), &req(b)])?;
    let ta = bool_arg(&ta, false, interp)? || bool_arg(&aa, false, interp)?;
    let tb = bool_arg(&tb, false, interp)? || bool_arg(&ab, false, interp)?;
    Ok(tvv(matmul(&ts[0], &ts[1], ta, tb)?))
}

/// `tf.where(condition, x=None, y=None)`.
fn where_fn(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [c, x, y] = args.bind("where", ["condition", "x", "y"], 1)?;
    let c = to_tensor(&req(c))?;
    match (x, y) {
        (None | Some(Value::None), None | Some(Value::None)) => {
            Ok(tvv(op1("Where", &[&c], attrs![("T", Attr::Type(c.dtype()))])?))
        }
        (Some(x), Some(y)) if !x.is_none() && !y.is_none() => {
            let ts = matching(&[&x, &y])?;
            Ok(tvv(op1("SelectV2", &[&c, &ts[0], &ts[1]], t_attr(&ts[0]))?))
        }
        _ => Err(Exc::value_error("x and y must both be non-None or both be None.")),
    }
}

/// Apply a last-axis op (`Softmax`, `LogSoftmax`) along `axis`, swapping
/// that axis to the end and back as TF's `_wrap_2d_function` does.
fn last_axis_op(op: &str, x: &TV, axis: Option<i64>) -> PyResult<TV> {
    let r = x.known_rank(op)? as i64;
    let axis = axis.unwrap_or(-1);
    let ax = if axis < 0 { axis + r } else { axis };
    if r == 0 || ax == r - 1 {
        return op1(op, &[x], t_attr(x));
    }
    if ax < 0 || ax >= r {
        return Err(Exc::new(
            "InvalidArgumentError",
            format!("`axis` must be in the range [{}, {}) where {} is the number of dimensions in the input. Received: axis={}", -r, r, r, axis),
        ));
    }
    let mut perm: Vec<i32> = (0..r as i32).collect();
    perm.swap(ax as usize, (r - 1) as usize);
    let p = TV::E(Tensor::vec_i32(perm));
    let pa = || attrs![("T", Attr::Type(x.dtype())), ("Tperm", Attr::Type(DType::Int32))];
    let xt = op1("Transpose", &[x, &p], pa())?;
    let y = op1(op, &[&xt], t_attr(&xt))?;
    op1("Transpose", &[&y, &p], pa())
}

fn softmax_like(py: &'static str, op: &'static str) -> Value {
    Builtin::value(py, move |_i, args| {
        let [x, axis] = args.bind(py, ["logits", "axis"], 1)?;
        let x = to_tensor(&req(x))?;
        let axis = crate::tf::util::opt_index(&axis, "axis")?;
        Ok(tvv(last_axis_op(op, &x, axis)?))
    })
}

/// `tf.nn.leaky_relu(features, alpha=0.2)`.
fn leaky_relu(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, alpha] = args.bind("leaky_relu", ["features", "alpha"], 1)?;
    let x = to_tensor(&req(x))?;
    let alpha = match alpha {
        None => 0.2,
        Some(v) => crate::tf::util::float_of(&v, "alpha")?,
    };
    Ok(tvv(op1("LeakyRelu", &[&x], attrs![("T", Attr::Type(x.dtype())), ("alpha", Attr::Float(alpha))])?))
}

/// `tf.clip_by_value(t, clip_value_min, clip_value_max)` = maximum(minimum(t, max), min).
fn clip_by_value(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [t, lo, hi] = args.bind("clip_by_value", ["t", "clip_value_min", "clip_value_max"], 3)?;
    let t = to_tensor(&req(t))?;
    let tv_ = tvv(t.clone());
    let m = matching(&[&tv_, &req(hi)])?;
    let t_min = op1("Minimum", &[&m[0], &m[1]], t_attr(&m[0]))?;
    let tm = tvv(t_min);
    let m = matching(&[&tm, &req(lo)])?;
    Ok(tvv(op1("Maximum", &[&m[0], &m[1]], t_attr(&m[0]))?))
}

fn squeeze_axes(x: &TV, axes: &[i64]) -> PyResult<TV> {
    op1("Squeeze", &[x], attrs![("T", Attr::Type(x.dtype())), ("squeeze_dims", Attr::Ints(axes.to_vec()))])
}

/// `tf.norm(tensor, ord='euclidean', axis=None, keepdims=None)`.
fn norm(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, ord, axis, keepdims] = args.bind("norm", ["tensor", "ord", "axis", "keepdims"], 1)?;
    let x = to_tensor(&req(x))?;
    let keep = match &keepdims {
        None | Some(Value::None) => false,
        Some(v) => interp.truthy(v)?,
    };
    let ord_s = match &ord {
        None | Some(Value::None) => "euclidean".to_string(),
        Some(Value::Str(s)) => s.to_string(),
        Some(Value::Int(i)) => i.to_string(),
        Some(Value::Float(f)) if f.is_infinite() && *f > 0.0 => "inf".into(),
        Some(Value::Float(f)) => tfjit_tensor::format::py_float_repr(*f),
        Some(v) => return Err(Exc::value_error(format!("'ord' must be a supported vector norm, got {}", v.type_name()))),
    };
    let abs = || op1("Abs", &[&x], t_attr(&x));
    let r = match ord_s.as_str() {
        "euclidean" | "fro" | "2" | "2.0" => {
            let sq = op1("Mul", &[&x, &x], t_attr(&x))?;
            let s = reduce("Sum", &sq, &axis, true)?;
            op1("Sqrt", &[&s], t_attr(&s))?
        }
        "1" | "1.0" => reduce("Sum", &abs()?, &axis, true)?,
        "inf" => reduce("Max", &abs()?, &axis, true)?,
        other => {
            let p: f64 = other
                .parse()
                .map_err(|_| Exc::value_error(format!("'ord' must be a supported vector norm, got {other}")))?;
            if p <= 0.0 {
                return Err(Exc::value_error(format!("'ord' must be a supported vector norm, got {other}")));
            }
            let pt = TV::E(crate::tf::convert::convert(&Value::Float(p), Some(x.dtype()), crate::tf::convert::Mode::Convert)?);
            let a = abs()?;
            let powd = op1("Pow", &[&a, &pt], t_attr(&a))?;
            let s = reduce("Sum", &powd, &axis, true)?;
            let inv = TV::E(crate::tf::convert::convert(&Value::Float(1.0 / p), Some(x.dtype()), crate::tf::convert::Mode::Convert)?);
            op1("Pow", &[&s, &inv], t_attr(&s))?
        }
    };
    if keep {
        return Ok(tvv(r));
    }
    let axes: Vec<i64> = match &axis {
        None | Some(Value::None) => vec![],
        Some(v) => int_list(v, "axis")?,
    };
    Ok(tvv(squeeze_axes(&r, &axes)?))
}

/// `tf.clip_by_norm(t, clip_norm, axes=None)`, composed as TF composes it.
fn clip_by_norm(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [t, clip, axes] = args.bind("clip_by_norm", ["t", "clip_norm", "axes"], 2)?;
    let t = to_tensor(&req(t))?;
    let clip = crate::tf::convert::convert_to(&req(clip), t.dtype(), true)?;
    let ta = t_attr(&t);
    let sq = op1("Mul", &[&t, &t], ta.clone())?;
    let l2sum = reduce("Sum", &sq, &axes, true)?;
    let zero = TV::E(crate::tf::convert::cast_tensor(&Tensor::scalar_f64(0.0), t.dtype()));
    let pred = op1("Greater", &[&l2sum, &zero], ta.clone())?;
    let ones = op1("OnesLike", &[&l2sum], ta.clone())?;
    let safe = op1("SelectV2", &[&pred, &l2sum, &ones], ta.clone())?;
    let sqrt = op1("Sqrt", &[&safe], ta.clone())?;
    let l2norm = op1("SelectV2", &[&pred, &sqrt, &l2sum], ta.clone())?;
    let inter = op1("Mul", &[&t, &clip], ta.clone())?;
    let den = op1("Maximum", &[&l2norm, &clip], ta)?;
    Ok(tvv(truediv(&inter, &den)?))
}

/// `tf.linalg.solve(matrix, rhs, adjoint=False)`.
fn solve(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [m, rhs, adj] = args.bind("solve", ["matrix", "rhs", "adjoint"], 2)?;
    let ts = matching(&[&req(m), &req(rhs)])?;
    Ok(tvv(op1(
        "MatrixSolve",
        &[&ts[0], &ts[1]],
        attrs![("T", Attr::Type(ts[0].dtype())), ("adjoint", Attr::Bool(bool_arg(&adj, false, interp)?))],
    )?))
}

/// `tf.einsum(equation, *inputs)`.
fn einsum(_i: &mut Interp, mut args: Args) -> PyResult<Value> {
    let eq = match args.take_kw("equation") {
        Some(e) => e,
        None if !args.pos.is_empty() => args.pos.remove(0),
        None => return Err(Exc::type_error("einsum() missing 1 required positional argument: 'equation'")),
    };
    let Value::Str(eq) = eq else {
        return Err(Exc::type_error("einsum equation must be a string"));
    };
    let vals: Vec<&Value> = args.pos.iter().collect();
    let ts = matching(&vals)?;
    let Some(first) = ts.first() else {
        return Err(Exc::value_error("einsum requires at least one input"));
    };
    let refs: Vec<&TV> = ts.iter().collect();
    Ok(tvv(op1(
        "Einsum",
        &refs,
        attrs![("T", Attr::Type(first.dtype())), ("N", Attr::Int(ts.len() as i64)), ("equation", Attr::Str(eq.to_string()))],
    )?))
}

/// `tf.cast(x, dtype)`.
pub fn cast_fn(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [x, dtype] = args.bind("cast", ["x", "dtype"], 2)?;
    let x = to_tensor(&req(x))?;
    let d = crate::tf::dtypes::as_dtype(&req(dtype), interp)?;
    Ok(tvv(cast(&x, d)?))
}

/// Populate `tf` (top level), `tf.math`, `tf.nn` and `tf.linalg`.
pub fn register(tf: &Rc<Module>, math: &Rc<Module>, nn: &Rc<Module>, linalg: &Rc<Module>) {
    let both = |name: &str, v: Value| {
        tf.set(name, v.clone());
        math.set(name, v);
    };
    for (py, param, op) in [
        ("abs", "x", "Abs"),
        ("square", "x", "Square"),
        ("sqrt", "x", "Sqrt"),
        ("rsqrt", "x", "Rsqrt"),
        ("exp", "x", "Exp"),
        ("log", "x", "Log"),
        ("sin", "x", "Sin"),
        ("cos", "x", "Cos"),
        ("tan", "x", "Tan"),
        ("tanh", "x", "Tanh"),
        ("sigmoid", "x", "Sigmoid"),
        ("floor", "x", "Floor"),
        ("ceil", "x", "Ceil"),
        ("round", "x", "Round"),
        ("sign", "x", "Sign"),
        ("negative", "x", "Neg"),
        ("reciprocal", "x", "Reciprocal"),
        ("log1p", "x", "Log1p"),
        ("expm1", "x", "Expm1"),
        ("is_nan", "x", "IsNan"),
        ("is_inf", "x", "IsInf"),
        ("is_finite", "x", "IsFinite"),
        ("logical_not", "x", "LogicalNot"),
    ] {
        both(py, unary(py, param, op));
    }
    for (py, op) in [
        ("subtract", "Sub"),
        ("multiply", "Mul"),
        ("maximum", "Maximum"),
        ("minimum", "Minimum"),
        ("pow", "Pow"),
        ("floordiv", "FloorDiv"),
        ("floormod", "FloorMod"),
        ("mod", "FloorMod"),
        ("squared_difference", "SquaredDifference"),
        ("equal", "Equal"),
        ("not_equal", "NotEqual"),
        ("less", "Less"),
        ("less_equal", "LessEqual"),
        ("greater", "Greater"),
        ("greater_equal", "GreaterEqual"),
        ("logical_and", "LogicalAnd"),
        ("logical_or", "LogicalOr"),
        ("realdiv", "RealDiv"),
    ] {
        both(py, binary(py, op));
    }
    // `tf.floordiv`/`tf.floormod`/`tf.mod` live only in tf.math; harmless at top level too.
    both("add", Builtin::value("add", add));
    both("add_n", Builtin::value("add_n", add_n));
    both("divide", Builtin::value("divide", divide));
    both("truediv", Builtin::value("truediv", truediv_fn));
    for (py, op) in [
        ("reduce_sum", "Sum"),
        ("reduce_mean", "Mean"),
        ("reduce_max", "Max"),
        ("reduce_min", "Min"),
        ("reduce_prod", "Prod"),
        ("reduce_any", "Any"),
        ("reduce_all", "All"),
    ] {
        both(py, reduction(py, op));
    }
    both("argmax", arg_reduce("argmax", "ArgMax"));
    both("argmin", arg_reduce("argmin", "ArgMin"));
    both("cumsum", Builtin::value("cumsum", cumsum));
    tf.set("matmul", Builtin::value("matmul", matmul_fn));
    linalg.set("matmul", Builtin::value("matmul", matmul_fn));
    tf.set("where", Builtin::value("where", where_fn));
    both("sigmoid", unary("sigmoid", "x", "Sigmoid"));
    nn.set("sigmoid", unary("sigmoid", "x", "Sigmoid"));
    nn.set("tanh", unary("tanh", "x", "Tanh"));
    nn.set("relu", unary("relu", "features", "Relu"));
    nn.set("relu6", unary("relu6", "features", "Relu6"));
    nn.set("softplus", unary("softplus", "features", "Softplus"));
    math.set("softplus", unary("softplus", "features", "Softplus"));
    nn.set("elu", unary("elu", "features", "Elu"));
    nn.set("selu", unary("selu", "features", "Selu"));
    nn.set("leaky_relu", Builtin::value("leaky_relu", leaky_relu));
    nn.set("softmax", softmax_like("softmax", "Softmax"));
    nn.set("log_softmax", softmax_like("log_softmax", "LogSoftmax"));
    math.set("softmax", softmax_like("softmax", "Softmax"));
    math.set("log_softmax", softmax_like("log_softmax", "LogSoftmax"));
    tf.set("clip_by_value", Builtin::value("clip_by_value", clip_by_value));
    tf.set("clip_by_norm", Builtin::value("clip_by_norm", clip_by_norm));
    tf.set("norm", Builtin::value("norm", norm));
    linalg.set("norm", Builtin::value("norm", norm));
    linalg.set("solve", Builtin::value("solve", solve));
    linalg.set("inv", unary("inv", "input", "MatrixInverse"));
    linalg.set("det", unary("det", "input", "MatrixDeterminant"));
    tf.set("einsum", Builtin::value("einsum", einsum));
    linalg.set("einsum", Builtin::value("einsum", einsum));
    tf.set("cast", Builtin::value("cast", cast_fn));
    math.set("multiply_no_nan", binary("multiply_no_nan", "MulNoNan"));
}
