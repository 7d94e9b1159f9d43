//! `ag__.converted_call` (with TF's overloads of Python builtins:
//! `py_builtins.py`) and the logical operators `and_`, `or_`, `not_`,
//! `if_exp`.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::autograph::operators::is_tensor;
use crate::tf::cflow::cond::build_cond;
use crate::tf::convert::{convert_tv, tv_of, Mode};
use crate::tf::trace::{self, op1, TV};
use crate::tf::util::tvv;
use crate::value::{Str, Value};
use tfjit_tensor::{attrs, Attr, Attrs, DType, Tensor};

const ARTIFACT: &str = "autograph_info__";

/// Marks a function as already converted (`ag__.autograph_artifact`).
pub fn mark_artifact(f: &Value) {
    if let Value::Function(func) = f {
        func.attrs.borrow_mut().insert(Str::from(ARTIFACT), Value::Bool(true));
    }
}

fn is_artifact(func: &crate::interp::Function) -> bool {
    func.attrs.borrow().contains_key(ARTIFACT)
}

/// Whether `f` is a program function AutoGraph converts (not a lambda, not
/// already converted, not library code).
fn convertible(func: &crate::interp::Function) -> bool {
    !is_artifact(func)
        && func.code.kind == crate::interp::code::CodeKind::Function
        && !func.code.unit.file.starts_with('<')
}

/// The converted version of a call target, or the target itself.
fn target(f: &Value, interp: &mut Interp) -> PyResult<Value> {
    Ok(match f {
        Value::Function(func) if convertible(func) => {
            crate::tf::autograph::convert::convert_function(func, false, interp)?.unwrap_or_else(|| f.clone())
        }
        Value::BoundMethod(b) => match &b.1 {
            Value::Function(func) if convertible(func) => {
                match crate::tf::autograph::convert::convert_function(func, false, interp)? {
                    Some(c) => Value::BoundMethod(std::rc::Rc::new((b.0.clone(), c))),
                    None => f.clone(),
                }
            }
            _ => f.clone(),
        },
        _ => f.clone(),
    })
}

fn builtin_name(f: &Value, interp: &Interp) -> Option<String> {
    let Value::Builtin(b) = f else { return None };
    match interp.builtins.get(&*b.name) {
        Some(Value::Builtin(g)) if std::rc::Rc::ptr_eq(b, g) => Some(b.name.to_string()),
        _ => None,
    }
}

/// `ag__.converted_call(f, args, kwargs, caller_fscope)`.
pub fn converted_call(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [f, a, kw, _scope, _opts] = args.bind("converted_call", ["f", "args", "kwargs", "caller_fn_scope", "options"], 2)?;
    let f = f.unwrap_or(Value::None);
    let pos = match a {
        Some(Value::Tuple(t)) => t.to_vec(),
        Some(Value::List(l)) => l.borrow().clone(),
        _ => vec![],
    };
    let mut kws: Vec<(Str, Value)> = Vec::new();
    if let Some(Value::Dict(d)) = kw {
        for (k, v) in d.borrow().items() {
            if let Value::Str(s) = k {
                kws.push((s.clone(), v.clone()));
            }
        }
    }
    if let Some(name) = builtin_name(&f, interp) {
        if let Some(r) = overload(&name, &pos, &kws, interp)? {
            return Ok(r);
        }
    }
    let t = target(&f, interp)?;
    interp.call(&t, Args::with_kw(pos, kws))
}

/// TF's overloads of builtins for tensors (`py_builtins.py`); `None`: the
/// plain builtin applies.
fn overload(name: &str, pos: &[Value], kw: &[(Str, Value)], _interp: &mut Interp) -> PyResult<Option<Value>> {
    if !trace::tracing() || !kw.is_empty() {
        return Ok(None);
    }
    let tensor_arg = |i: usize| pos.get(i).is_some_and(is_tensor);
    match name {
        "len" if tensor_arg(0) => {
            let t = tv_of(&pos[0])?.ok_or_else(|| Exc::type_error("len() of a non-tensor"))?;
            match t.rank() {
                Some(0) => Err(Exc::value_error(format!(
                    "len requires a non-scalar tensor, got one of shape {}",
                    t.shape()
                ))),
                _ => match t.dim(0) {
                    Some(d) => Ok(Some(Value::Int(d as i64))),
                    None => {
                        let s = op1("Shape", &[&t], attrs![("out_type", Attr::Type(DType::Int32))])?;
                        let b = TV::E(Tensor::vec_i32(vec![0]));
                        let e = TV::E(Tensor::vec_i32(vec![1]));
                        let st = TV::E(Tensor::vec_i32(vec![1]));
                        Ok(Some(tvv(op1(
                            "StridedSlice",
                            &[&s, &b, &e, &st],
                            attrs![
                                ("begin_mask", Attr::Int(0)),
                                ("end_mask", Attr::Int(0)),
                                ("ellipsis_mask", Attr::Int(0)),
                                ("new_axis_mask", Attr::Int(0)),
                                ("shrink_axis_mask", Attr::Int(1))
                            ],
                        )?)))
                    }
                },
            }
        }
        "range" if pos.iter().any(is_tensor) => {
            let (start, limit, delta) = match pos.len() {
                1 => (Value::Int(0), pos[0].clone(), Value::Int(1)),
                2 => (pos[0].clone(), pos[1].clone(), Value::Int(1)),
                3 => (pos[0].clone(), pos[1].clone(), pos[2].clone()),
                n => return Err(Exc::type_error(format!("range expected at most 3 arguments, got {n}"))),
            };
            let tvs = crate::tf::convert::matching(&[&start, &limit, &delta])?;
            let d = tvs[1].dtype();
            Ok(Some(tvv(op1("Range", &[&tvs[0], &tvs[1], &tvs[2]], attrs![("Tidx", Attr::Type(d))])?)))
        }
        "int" if tensor_arg(0) && pos.len() == 1 => {
            let t = tv_of(&pos[0])?.ok_or_else(|| Exc::type_error("int() of a non-tensor"))?;
            Ok(Some(tvv(crate::tf::tensor::cast(&t, DType::Int32)?)))
        }
        "float" if tensor_arg(0) && pos.len() == 1 => {
            let t = tv_of(&pos[0])?.ok_or_else(|| Exc::type_error("float() of a non-tensor"))?;
            Ok(Some(tvv(crate::tf::tensor::cast(&t, DType::Float32)?)))
        }
        "abs" if tensor_arg(0) && pos.len() == 1 => {
            let t = tv_of(&pos[0])?.ok_or_else(|| Exc::type_error("abs() of a non-tensor"))?;
            Ok(Some(tvv(op1("Abs", &[&t], Attrs::new())?)))
        }
        _ => Ok(None),
    }
}

fn thunk(interp: &mut Interp, f: &Option<Value>) -> PyResult<Value> {
    interp.call(f.as_ref().unwrap_or(&Value::None), Args::default())
}

/// `ag__.if_exp(cond, if_true, if_false, expr_repr)`.
pub fn if_exp(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [c, t, f, _repr] = args.bind("if_exp", ["cond", "if_true", "if_false", "expr_repr"], 3)?;
    let c = c.unwrap_or(Value::None);
    if trace::tracing() && is_tensor(&c) {
        let p = convert_tv(&c, None, Mode::Convert)?;
        return build_cond(interp, &p, &mut |interp: &mut Interp| thunk(interp, &t), &mut |interp: &mut Interp| thunk(interp, &f));
    }
    if interp.truthy(&c)? {
        thunk(interp, &t)
    } else {
        thunk(interp, &f)
    }
}

/// Lazy `and`/`or` on a tensor: a cond so the second operand runs only when
/// needed (TF's `_tf_lazy_and` / `_tf_lazy_or`).
fn lazy(interp: &mut Interp, a: Value, b: &Option<Value>, is_and: bool) -> PyResult<Value> {
    let p = convert_tv(&a, None, Mode::Convert)?;
    let a2 = a.clone();
    if is_and {
        build_cond(interp, &p, &mut |interp: &mut Interp| thunk(interp, b), &mut |_i: &mut Interp| Ok(a2.clone()))
    } else {
        build_cond(interp, &p, &mut |_i: &mut Interp| Ok(a2.clone()), &mut |interp: &mut Interp| thunk(interp, b))
    }
}

/// `ag__.and_(a, b)` (thunks).
pub fn and_(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [a, b] = args.bind("and_", ["a", "b"], 2)?;
    let av = thunk(interp, &a)?;
    if trace::tracing() && is_tensor(&av) {
        return lazy(interp, av, &b, true);
    }
    if interp.truthy(&av)? {
        thunk(interp, &b)
    } else {
        Ok(av)
    }
}

/// `ag__.or_(a, b)` (thunks).
pub fn or_(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [a, b] = args.bind("or_", ["a", "b"], 2)?;
    let av = thunk(interp, &a)?;
    if trace::tracing() && is_tensor(&av) {
        return lazy(interp, av, &b, false);
    }
    if interp.truthy(&av)? {
        Ok(av)
    } else {
        thunk(interp, &b)
    }
}

/// `ag__.not_(a)`.
pub fn not_(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [a] = args.bind("not_", ["a"], 1)?;
    let a = a.unwrap_or(Value::None);
    if is_tensor(&a) {
        let t = convert_tv(&a, None, Mode::Convert)?;
        return Ok(tvv(op1("LogicalNot", &[&t], Attrs::new())?));
    }
    Ok(Value::Bool(!interp.truthy(&a)?))
}
