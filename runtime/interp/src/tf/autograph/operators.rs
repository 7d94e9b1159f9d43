//! The control-flow operators of `ag__` (TF's
//! `autograph/operators/control_flow.py`): `if_stmt`, `while_stmt`,
//! `for_stmt`, dispatching on the condition / iterable at trace time.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::autograph::values::{is_none_or_undef, is_undefined, is_undefined_return};
use crate::tf::autograph::{exc_message, exc_type_name};
use crate::tf::cflow::cond::build_cond;
use crate::tf::cflow::nest::{flatten, pack, seq_items};
use crate::tf::cflow::subgraph::SubTrace;
use crate::tf::cflow::tensor_array::TensorArray;
use crate::tf::cflow::while_loop::{build_while, shape_le, WhileOpts};
use crate::tf::convert::{convert, convert_tv, tv_of, Mode};
use crate::tf::trace::{self, op1, op1_named, Sym, TV};
use crate::tf::util::tvv;
use crate::value::Value;
use std::cell::RefCell;
use tfjit_graph::ValueType;
use tfjit_tensor::{attrs, Attr, Attrs, DType, StaticShape, Tensor};

/// Whether `v` is a tensor for control-flow dispatch inside a trace
/// (eager, symbolic, or a variable).
pub fn is_tensor(v: &Value) -> bool {
    v.downcast::<crate::tf::tensor::EagerTensor>().is_some()
        || v.downcast::<crate::tf::symbolic::SymbolicTensor>().is_some()
        || v.downcast::<crate::tf::variable::Variable>().is_some()
}

fn call0(interp: &mut Interp, f: &Value) -> PyResult<Value> {
    interp.call(f, Args::default())
}

fn state_of(interp: &mut Interp, get_state: &Value) -> PyResult<Vec<Value>> {
    let v = call0(interp, get_state)?;
    Ok(seq_items(&v).unwrap_or_else(|| vec![v]))
}

fn set_state_to(interp: &mut Interp, set_state: &Value, vals: Vec<Value>) -> PyResult<()> {
    interp.call(set_state, Args::new(vec![Value::tuple(vals)]))?;
    Ok(())
}

fn names_of(v: &Value) -> Vec<String> {
    seq_items(v)
        .unwrap_or_default()
        .iter()
        .map(|n| match n {
            Value::Str(s) => s.to_string(),
            _ => String::new(),
        })
        .collect()
}

fn dict_get(opts: &Value, key: &str) -> Option<Value> {
    match opts {
        Value::Dict(d) => d.borrow().get_str(key).cloned(),
        _ => None,
    }
}

/// How TF's `_verify_tf_condition` shows the condition (`str()`: a graph
/// tensor as `Tensor("name:0", shape=(2,), dtype=bool)`).
fn condition_text(v: &Value) -> String {
    match v.downcast::<crate::tf::symbolic::SymbolicTensor>() {
        Some(t) => crate::tf::symbolic::sym_str(&t.s),
        None => crate::tf::convert::literal_repr(v),
    }
}

/// TF's `_verify_tf_condition`: a boolean scalar tensor.
fn verify_condition(v: &Value, tag: &str) -> PyResult<TV> {
    let t = convert_tv(v, None, Mode::Convert)?;
    if t.dtype() != DType::Bool {
        return Err(Exc::value_error(format!(
            "condition of {tag} expected to be `tf.bool` scalar, got {}; to use as boolean Tensor, use `tf.cast`; to check for None, use `is not None`",
            condition_text(v)
        )));
    }
    match t.shape().dims {
        Some(d) if d.is_empty() => Ok(t),
        Some(d) if d.iter().flatten().product::<usize>() > 1 => Err(Exc::value_error(format!(
            "condition of {tag} expected to be `tf.bool` scalar, got {}; to check for None, use `is not None`",
            condition_text(v)
        ))),
        _ => {
            let s = TV::E(Tensor::vec_i32(vec![]));
            op1("Reshape", &[&t, &s], Attrs::new())
        }
    }
}

// ------------------------------------------------------------------ if

/// `ag__.if_stmt(cond, body, orelse, get_state, set_state, symbol_names, nouts)`.
pub fn if_stmt(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [cond, body, orelse, get_state, set_state, names, nouts] =
        args.bind("if_stmt", ["cond", "body", "orelse", "get_state", "set_state", "symbol_names", "nouts"], 7)?;
    let cond = cond.unwrap_or(Value::None);
    let body = body.unwrap_or(Value::None);
    let orelse = orelse.unwrap_or(Value::None);
    if trace::tracing() && is_tensor(&cond) {
        let nouts = match nouts {
            Some(Value::Int(n)) => n.max(0) as usize,
            _ => 0,
        };
        tf_if_stmt(
            interp,
            &cond,
            &body,
            &orelse,
            &get_state.unwrap_or(Value::None),
            &set_state.unwrap_or(Value::None),
            names_of(&names.unwrap_or(Value::None)),
            nouts,
        )?;
        return Ok(Value::None);
    }
    if interp.truthy(&cond)? {
        call0(interp, &body)?;
    } else {
        call0(interp, &orelse)?;
    }
    Ok(Value::None)
}

#[allow(clippy::too_many_arguments)]
fn tf_if_stmt(
    interp: &mut Interp,
    cond: &Value,
    body: &Value,
    orelse: &Value,
    get_state: &Value,
    set_state: &Value,
    mut names: Vec<String>,
    nouts: usize,
) -> PyResult<()> {
    let pred = verify_condition(cond, "if statement")?;
    // A cond needs at least one output: a dummy one (TF does the same).
    let dummy = nouts == 0;
    let nouts = if dummy {
        names.insert(0, "<unused dummy>".into());
        1
    } else {
        nouts
    };
    let get = |interp: &mut Interp| -> PyResult<Vec<Value>> {
        let mut s = state_of(interp, get_state)?;
        if dummy {
            s.insert(0, Value::Int(0));
        }
        Ok(s)
    };
    let set = |interp: &mut Interp, mut v: Vec<Value>| -> PyResult<()> {
        if dummy && !v.is_empty() {
            v.remove(0);
        }
        set_state_to(interp, set_state, v)
    };
    let init = get(interp)?;
    let body_vars: RefCell<Option<Vec<Value>>> = RefCell::new(None);
    let else_vars: RefCell<Option<Vec<Value>>> = RefCell::new(None);
    let n = nouts.min(init.len());
    let result = build_cond(
        interp,
        &pred,
        &mut |interp: &mut Interp| {
            set(interp, init.clone())?;
            call0(interp, body)?;
            let mut v = get(interp)?;
            v.truncate(n);
            verify_branch_vars(&v, &names, "main")?;
            if let Some(o) = else_vars.borrow().as_ref() {
                verify_cond_vars(&v, o, &names, interp)?;
            }
            *body_vars.borrow_mut() = Some(v.clone());
            Ok(Value::tuple(v))
        },
        &mut |interp: &mut Interp| {
            set(interp, init.clone())?;
            call0(interp, orelse)?;
            let mut v = get(interp)?;
            v.truncate(n);
            verify_branch_vars(&v, &names, "else")?;
            if let Some(b) = body_vars.borrow().as_ref() {
                verify_cond_vars(b, &v, &names, interp)?;
            }
            *else_vars.borrow_mut() = Some(v.clone());
            Ok(Value::tuple(v))
        },
    )?;
    let mut fin = seq_items(&result).unwrap_or_default();
    fin.extend(init.into_iter().skip(n));
    set(interp, fin)
}

fn verify_branch_vars(vars: &[Value], names: &[String], branch: &str) -> PyResult<()> {
    for (name, v) in names.iter().zip(vars) {
        if is_undefined(v) {
            return Err(Exc::value_error(format!("'{name}' must also be initialized in the {branch} branch")));
        }
        if is_undefined_return(v) {
            return Err(Exc::value_error(format!("the {branch} branch must also have a return statement.")));
        }
    }
    Ok(())
}

/// Pairs of leaves of two structures, or `None` if they differ.
fn leaf_pairs(a: &Value, b: &Value, out: &mut Vec<(Value, Value)>) -> bool {
    match (a, b) {
        (Value::List(_), Value::List(_)) | (Value::Tuple(_), Value::Tuple(_)) => {
            let (x, y) = (seq_items(a).unwrap_or_default(), seq_items(b).unwrap_or_default());
            x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| leaf_pairs(p, q, out))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (crate::tf::spec::sorted_items(&x.borrow()), crate::tf::spec::sorted_items(&y.borrow()));
            x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| p.1 == q.1 && leaf_pairs(&p.2, &q.2, out))
        }
        (Value::List(_) | Value::Tuple(_) | Value::Dict(_), _) | (_, Value::List(_) | Value::Tuple(_) | Value::Dict(_)) => false,
        _ => {
            out.push((a.clone(), b.clone()));
            true
        }
    }
}

/// The dtype of a tensor-like leaf (Python numbers as converted).
fn leaf_dtype(v: &Value) -> PyResult<Option<DType>> {
    match v {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => Ok(Some(convert(v, None, Mode::Convert)?.dtype())),
        _ if is_tensor(v) => Ok(tv_of(v)?.map(|t| t.dtype())),
        _ => Ok(None),
    }
}

fn leaf_shape(v: &Value) -> PyResult<Option<StaticShape>> {
    match v {
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => Ok(Some(StaticShape::known(&[]))),
        _ if is_tensor(v) => Ok(tv_of(v)?.map(|t| t.shape())),
        _ => Ok(None),
    }
}

fn verify_cond_vars(body: &[Value], orelse: &[Value], names: &[String], interp: &mut Interp) -> PyResult<()> {
    for ((name, b), o) in names.iter().zip(body).zip(orelse) {
        let mut pairs = Vec::new();
        if !leaf_pairs(b, o, &mut pairs) {
            return Err(Exc::type_error(format!(
                "'{name}' must have the same nested structure in the main and else branches:\n\nThe two structures don't have the same nested structure.\n\nFirst structure: {}\n\nSecond structure: {}",
                interp.repr(b).unwrap_or_default(),
                interp.repr(o).unwrap_or_default()
            )));
        }
        for (x, y) in pairs {
            if x.is_none() {
                return Err(Exc::value_error(format!("'{name}' is None at the end of the main branch.")));
            }
            if y.is_none() {
                return Err(Exc::value_error(format!("'{name}' is None at the end of the else branch.")));
            }
            if let (Some(dx), Some(dy)) = (leaf_dtype(&x)?, leaf_dtype(&y)?) {
                if dx != dy {
                    return Err(Exc::type_error(format!(
                        "'{name}' has dtype {} in the main branch, but dtype {} in the else branch",
                        dx.name(),
                        dy.name()
                    )));
                }
            }
        }
    }
    Ok(())
}

// ------------------------------------------------------------------ loops

/// A loop as `_tf_while_stmt` sees it: state access, test and body.
trait Loop {
    fn get(&mut self, interp: &mut Interp) -> PyResult<Vec<Value>>;
    fn set(&mut self, interp: &mut Interp, v: Vec<Value>) -> PyResult<()>;
    fn test(&mut self, interp: &mut Interp) -> PyResult<Value>;
    fn body(&mut self, interp: &mut Interp) -> PyResult<()>;
}

/// A `while` loop of the converted code.
struct PyWhile {
    test: Value,
    body: Value,
    get_state: Value,
    set_state: Value,
}

impl Loop for PyWhile {
    fn get(&mut self, interp: &mut Interp) -> PyResult<Vec<Value>> {
        state_of(interp, &self.get_state)
    }
    fn set(&mut self, interp: &mut Interp, v: Vec<Value>) -> PyResult<()> {
        set_state_to(interp, &self.set_state, v)
    }
    fn test(&mut self, interp: &mut Interp) -> PyResult<Value> {
        call0(interp, &self.test)
    }
    fn body(&mut self, interp: &mut Interp) -> PyResult<()> {
        call0(interp, &self.body).map(|_| ())
    }
}

const NOT_TENSOR_WHILE: &str = "The condition of while loop started as non-Tensor, then changed to Tensor. This may happen either because variables changed type, or when a break or return statement inside the loop depends on a Tensor condition. In both cases, changing to a TF loop should remove the error.\nSee https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md#consistency-of-control-flow-types for more info.";
const NOT_TENSOR_FOR: &str = "break and return statements which depend on a TF condition are not supported in Python for loops. Did you intend to make it a TF loop?\nSee https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md#consistency-of-control-flow-types for more info.";

fn guarded_bool(interp: &mut Interp, v: &Value, msg: &str) -> PyResult<bool> {
    match interp.truthy(v) {
        Ok(b) => Ok(b),
        Err(e) if e.is("OperatorNotAllowedInGraphError") => Err(Exc::not_implemented(msg)),
        Err(e) => Err(e),
    }
}

/// `ag__.while_stmt(test, body, get_state, set_state, symbol_names, opts)`.
pub fn while_stmt(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [test, body, get_state, set_state, names, opts] =
        args.bind("while_stmt", ["test", "body", "get_state", "set_state", "symbol_names", "opts"], 5)?;
    let mut lp = PyWhile {
        test: test.unwrap_or(Value::None),
        body: body.unwrap_or(Value::None),
        get_state: get_state.unwrap_or(Value::None),
        set_state: set_state.unwrap_or(Value::None),
    };
    let opts = opts.unwrap_or(Value::None);
    let names = names_of(&names.unwrap_or(Value::None));
    // The first test, evaluated in a throwaway graph to dispatch.
    let init_test = if trace::tracing() {
        let tmp = SubTrace::begin("tmp")?;
        tmp.run(|| lp.test(interp))?
    } else {
        lp.test(interp)?
    };
    if trace::tracing() && is_tensor(&init_test) {
        return tf_while_stmt(interp, &mut lp, names, &opts).map(|_| Value::None);
    }
    if !trace::tracing() && is_tensor(&init_test) {
        // Eagerly, a tensor loop is a Python loop on the tensor's truth.
        while {
            let t = lp.test(interp)?;
            interp.truthy(&t)?
        } {
            lp.body(interp)?;
        }
        return Ok(Value::None);
    }
    if !guarded_bool(interp, &init_test, NOT_TENSOR_WHILE)? {
        return Ok(Value::None);
    }
    lp.body(interp)?;
    loop {
        let t = lp.test(interp)?;
        if !guarded_bool(interp, &t, NOT_TENSOR_WHILE)? {
            break;
        }
        lp.body(interp)?;
    }
    Ok(Value::None)
}

/// Shape invariants from `opts['shape_invariants']` (pairs of variable and
/// shape, matched by identity), positional over `vars`.
fn invariants_for(opts: &Value, vars: &[Value]) -> PyResult<Vec<Option<StaticShape>>> {
    let pairs = dict_get(opts, "shape_invariants").and_then(|v| seq_items(&v)).unwrap_or_default();
    let mut out = vec![None; vars.len()];
    for p in pairs {
        let Some(kv) = seq_items(&p) else { continue };
        if kv.len() != 2 {
            continue;
        }
        for (i, v) in vars.iter().enumerate() {
            if v.is(&kv[0]) {
                out[i] = Some(crate::tf::shape::as_shape(&kv[1])?);
            }
        }
    }
    Ok(out)
}

/// A placeholder value for a loop variable undefined before the loop
/// (TF's `_placeholder_value`): zeros like its value after one iteration.
fn placeholder_value(like: &Value, invariant: &Option<StaticShape>, original: &Value) -> PyResult<(Value, Option<StaticShape>)> {
    if is_none_or_undef(like) {
        return Ok((original.clone(), None));
    }
    match like {
        Value::Bool(_) => return Ok((Value::Bool(false), None)),
        Value::Int(_) => return Ok((Value::Int(0), None)),
        Value::Float(_) => return Ok((Value::Float(0.0), None)),
        _ => {}
    }
    if !is_tensor(like) {
        return Ok((original.clone(), None));
    }
    let Some(t) = tv_of(like)? else { return Ok((original.clone(), None)) };
    let like_shape = invariant.clone().unwrap_or_else(|| t.shape());
    let Some(dims) = t.shape().dims else {
        return Ok((tvv(trace::constant("zeros", Tensor::zeros(t.dtype(), &[])?)?), Some(like_shape)));
    };
    let inv_dims = like_shape.dims.clone().unwrap_or_else(|| vec![None; dims.len()]);
    let mut shape = Vec::with_capacity(dims.len());
    let mut dynamic = false;
    for (s, i) in dims.iter().zip(inv_dims.iter().chain(std::iter::repeat(&None))) {
        match s {
            Some(s) => shape.push(*s),
            None => {
                dynamic = true;
                shape.push(i.unwrap_or(0));
            }
        }
    }
    let z = trace::constant("zeros", Tensor::zeros(t.dtype(), &shape)?)?;
    Ok((tvv(z), if dynamic { Some(like_shape) } else { None }))
}

fn verify_loop_init_vars(init: &[Value], names: &[String], first_iter: Option<&[Value]>, extra: Option<&str>) -> PyResult<()> {
    for (i, (name, v)) in names.iter().zip(init).enumerate() {
        let fi = first_iter.and_then(|f| f.get(i));
        if is_undefined_return(v) {
            if fi.is_some_and(|f| !is_none_or_undef(f)) {
                return Err(Exc::value_error(
                    "the return value from a TensorFlow loop may only be a Tensor, tuple of Tensors or dict of Tensors",
                ));
            }
            return Err(Exc::not_implemented(
                "a return statement cannot be placed inside this TensorFlow loop; this may happen if a return statement depends on a static Python condition such as a hyperparameter",
            ));
        }
        let msg = if v.is_none() {
            Some(format!("'{name}' is not allowed to be None before the loop"))
        } else if is_undefined(v) {
            Some(format!("'{name}' must be defined before the loop"))
        } else {
            None
        };
        if let Some(m) = msg {
            return Err(Exc::value_error(match extra {
                Some(x) => format!("{m}: {x}"),
                None => m,
            }));
        }
    }
    Ok(())
}

/// Stages one iteration of the body in a throwaway graph to find what the
/// undefined loop variables become (TF's `_try_handling_undefineds`).
fn try_handling_undefineds(
    interp: &mut Interp,
    lp: &mut dyn Loop,
    init: &[Value],
    nulls: &[bool],
    invariants: &[Option<StaticShape>],
    names: &[String],
) -> PyResult<(bool, Vec<Value>, Vec<Option<StaticShape>>)> {
    let tmp = SubTrace::begin("tmp")?;
    let staged = tmp.run(|| -> PyResult<Vec<Value>> {
        let mut auto = Vec::with_capacity(init.len());
        for v in init {
            auto.push(match v {
                Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                    let t = convert(v, None, Mode::Convert)?;
                    crate::tf::symbolic::sym_value(tmp.arg("placeholder", ValueType::Tensor(t.tensor_type()))?)
                }
                other => other.clone(),
            });
        }
        lp.set(interp, auto)?;
        lp.body(interp)?;
        lp.get(interp)
    });
    drop(tmp);
    lp.set(interp, init.to_vec())?;
    let (first, failure) = match staged {
        Ok(f) => (Some(f), None),
        Err(e) if e.is("UnboundLocalError") || e.is("TypeError") || e.is("ValueError") || e.is("KeyError") => (
            None,
            Some(format!("Note: AutoGraph tried to define it automatically, but ran into a {}: {}", exc_type_name(&e), exc_message(&e))),
        ),
        Err(e) => return Err(e),
    };
    let mut vars = init.to_vec();
    let mut extra = vec![None; init.len()];
    if let Some(f) = &first {
        for i in 0..init.len() {
            if nulls[i] {
                let like = f.get(i).cloned().unwrap_or(Value::None);
                let (v, inv) = placeholder_value(&like, &invariants[i], &init[i])?;
                vars[i] = v;
                extra[i] = inv;
            }
        }
    }
    verify_loop_init_vars(&vars, names, first.as_deref(), failure.as_deref())?;
    Ok((first.is_some(), vars, extra))
}

/// TF's `_verify_tf_loop_vars`, for one body trace.
fn verify_loop_vars(
    init: &[Value],
    entry: &[Value],
    exit: &[Value],
    names: &[String],
    invariants: &[Option<StaticShape>],
    check_shapes: bool,
    interp: &mut Interp,
) -> PyResult<()> {
    for (i, name) in names.iter().enumerate() {
        let (Some(iv), Some(en), Some(ex)) = (init.get(i), entry.get(i), exit.get(i)) else { continue };
        let mut pairs0 = Vec::new();
        let mut pairs = Vec::new();
        if !leaf_pairs(iv, en, &mut pairs0) || !leaf_pairs(en, ex, &mut pairs) {
            return Err(Exc::type_error(format!(
                "'{name}' does not have the same nested structure after one iteration.\n\nThe two structures don't have the same nested structure.\n\nFirst structure: {}\n\nSecond structure: {}",
                interp.repr(en).unwrap_or_default(),
                interp.repr(ex).unwrap_or_default()
            )));
        }
        for (k, (en, ex)) in pairs.iter().enumerate() {
            if ex.is_none() {
                return Err(Exc::value_error(format!("'{name}' is None at the end of the iteration.")));
            }
            if en.downcast::<TensorArray>().is_some() || ex.downcast::<TensorArray>().is_some() {
                continue;
            }
            let (Some(de), Some(dx)) = (leaf_dtype(en)?, leaf_dtype(ex)?) else { continue };
            if de != dx {
                return Err(Exc::type_error(format!(
                    "'{name}' has dtype {} before the loop, but dtype {} after one iteration",
                    de.name(),
                    dx.name()
                )));
            }
            if !check_shapes {
                continue;
            }
            let (Some(se), Some(sx)) = (leaf_shape(en)?, leaf_shape(ex)?) else { continue };
            match invariants.get(i).cloned().flatten() {
                None => {
                    if !shape_le(&sx, &se) {
                        return Err(Exc::value_error(format!(
                            "'{name}' has shape {se} before the loop, but shape {sx} after one iteration. Use tf.autograph.experimental.set_loop_options to set shape invariants."
                        )));
                    }
                }
                Some(inv) => {
                    let si = pairs0.get(k).map(|(a, _)| leaf_shape(a)).transpose()?.flatten().unwrap_or_else(|| se.clone());
                    if !shape_le(&si, &inv) {
                        return Err(Exc::value_error(format!(
                            "'{name}' has shape {si} before the loop, which does not conform with the shape invariant {inv}."
                        )));
                    }
                    if !shape_le(&sx, &inv) {
                        return Err(Exc::value_error(format!(
                            "'{name}' has shape {sx} after one iteration, which does not conform with the shape invariant {inv}."
                        )));
                    }
                }
            }
        }
    }
    Ok(())
}

/// TF's `_tf_while_stmt`: the loop as a `While` op whose loop variables are
/// the state.
fn tf_while_stmt(interp: &mut Interp, lp: &mut dyn Loop, names: Vec<String>, opts: &Value) -> PyResult<()> {
    let init0 = lp.get(interp)?;
    let nulls: Vec<bool> = init0.iter().map(is_none_or_undef).collect();
    let mut invariants = invariants_for(opts, &init0)?;
    let (require_one, init) = if nulls.iter().any(|b| *b) {
        let (ok, vars, extra) = try_handling_undefineds(interp, lp, &init0, &nulls, &invariants, &names)?;
        for (i, e) in extra.into_iter().enumerate() {
            if invariants[i].is_none() {
                invariants[i] = e;
            }
        }
        (ok, vars)
    } else {
        (false, init0.clone())
    };
    let max = match dict_get(opts, "maximum_iterations") {
        None | Some(Value::None) => None,
        Some(v) => Some(convert_tv(&v, None, Mode::Convert)?),
    };
    // Flat shape invariants over the flattened loop variables.
    let mut flat_inv: Vec<Option<StaticShape>> = Vec::new();
    if require_one {
        flat_inv.push(None);
    }
    for (v, inv) in init.iter().zip(&invariants) {
        let mut leaves = Vec::new();
        let s = flatten(v, &mut leaves)?;
        for _ in 0..s.count() {
            flat_inv.push(inv.clone());
        }
    }
    let mut aug_init = Vec::with_capacity(init.len() + 1);
    if require_one {
        aug_init.push(Value::Bool(false));
    }
    aug_init.extend(init.iter().cloned());
    let lp = RefCell::new(lp);
    let strip = |v: Value| -> Vec<Value> {
        let mut items = seq_items(&v).unwrap_or_default();
        if require_one && !items.is_empty() {
            items.remove(0);
        }
        items
    };
    let final_vars = build_while(
        interp,
        &Value::tuple(aug_init),
        &mut |interp: &mut Interp, vars: Value| {
            let mut l = lp.borrow_mut();
            l.set(interp, strip(vars))?;
            let t = l.test(interp)?;
            Ok(tvv(verify_condition(&t, "while loop")?))
        },
        &mut |interp: &mut Interp, vars: Value| {
            let entry = strip(vars);
            let mut l = lp.borrow_mut();
            l.set(interp, entry.clone())?;
            l.body(interp)?;
            let exit = l.get(interp)?;
            verify_loop_vars(&init, &entry, &exit, &names, &invariants, true, interp)?;
            let mut out = Vec::with_capacity(exit.len() + 1);
            if require_one {
                out.push(Value::Bool(true));
            }
            out.extend(exit);
            Ok(Value::tuple(out))
        },
        WhileOpts { shape_invariants: Some(flat_inv), maximum_iterations: max },
    )?;
    let mut fin = seq_items(&final_vars).unwrap_or_default();
    let lp = lp.into_inner();
    if require_one && !fin.is_empty() {
        let flag = fin.remove(0);
        let missing: Vec<String> = names
            .iter()
            .zip(&nulls)
            .zip(&init0)
            .filter(|((_, n), _)| **n)
            .map(|((name, _), v)| if is_undefined_return(v) { "the function return value".to_string() } else { name.clone() })
            .collect();
        fin = assert_iterated(&flag, fin, &format!("loop must iterate at least once to initialize {}", missing.join(", ")))?;
    }
    lp.set(interp, fin)
}

/// `Assert(flag)` and the values through `Identity` ops that depend on it.
fn assert_iterated(flag: &Value, vals: Vec<Value>, msg: &str) -> PyResult<Vec<Value>> {
    let ctx = crate::tf::cflow::subgraph::current_trace()?;
    let Some(f) = tv_of(flag)? else { return Ok(vals) };
    let fo = trace::to_graph(&ctx, &f, "Assert")?;
    let a = ctx.graph.with_builder(|b| -> PyResult<Option<tfjit_graph::NodeIndex>> {
        b.add_op("Assert", "Assert", &[fo], attrs![("message", Attr::Str(msg.to_string()))])?;
        Ok(b.graph().operations().last().copied())
    })??;
    let mut out = Vec::with_capacity(vals.len());
    for v in vals {
        match tv_of(&v)? {
            Some(t @ TV::S(_)) if v.downcast::<crate::tf::variable::Variable>().is_none() => {
                let o = trace::to_graph(&ctx, &t, "Identity")?;
                let id = ctx.graph.with_builder(|b| -> PyResult<tfjit_graph::Output> {
                    let r = b.add_op("Identity", "Identity", &[o], Attrs::new())?;
                    let r = r.into_iter().next().ok_or_else(|| Exc::runtime_error("Identity has no output"))?;
                    if let Some(a) = a {
                        b.add_control_input(r.node, a)?;
                    }
                    Ok(r)
                })??;
                out.push(tvv(TV::S(Sym::new(&ctx.graph, id))));
            }
            _ => out.push(v),
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------ for

/// The Python side of a `for` loop of the converted code.
struct PyFor {
    extra_test: Option<Value>,
    body: Value,
    get_state: Value,
    set_state: Value,
}

/// `ag__.for_stmt(iter_, extra_test, body, get_state, set_state, symbol_names, opts)`.
pub fn for_stmt(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [iter, extra, body, get_state, set_state, names, opts] =
        args.bind("for_stmt", ["iter_", "extra_test", "body", "get_state", "set_state", "symbol_names", "opts"], 6)?;
    let iter = iter.unwrap_or(Value::None);
    let py = PyFor {
        extra_test: extra.filter(|v| !v.is_none()),
        body: body.unwrap_or(Value::None),
        get_state: get_state.unwrap_or(Value::None),
        set_state: set_state.unwrap_or(Value::None),
    };
    let names = names_of(&names.unwrap_or(Value::None));
    let opts = opts.unwrap_or(Value::None);
    if trace::tracing() {
        if is_tensor(&iter) {
            let t = tv_of(&iter)?.ok_or_else(|| Exc::runtime_error("tensor expected"))?;
            if let Some((start, limit, delta)) = range_inputs(&t) {
                return range_for(interp, py, start, limit, delta, names, &opts).map(|_| Value::None);
            }
            return tensor_for(interp, py, t, names, &opts).map(|_| Value::None);
        }
        if crate::tf::data::is_dataset(&iter) {
            return dataset_for(interp, py, &iter, names, &opts).map(|_| Value::None);
        }
    }
    // A Python loop.
    if let Some(t) = &py.extra_test {
        let t0 = call0(interp, t)?;
        if !guarded_bool(interp, &t0, NOT_TENSOR_FOR)? {
            return Ok(Value::None);
        }
    }
    let mut it = crate::interp::iter::make_iter(interp, &iter)?;
    while let Some(x) = crate::interp::iter::next(interp, &mut it)? {
        interp.call(&py.body, Args::new(vec![x]))?;
        if let Some(t) = &py.extra_test {
            let r = call0(interp, t)?;
            if !guarded_bool(interp, &r, NOT_TENSOR_FOR)? {
                break;
            }
        }
    }
    Ok(Value::None)
}

/// `(start, limit, delta)` if `t` is the output of a `Range` op.
fn range_inputs(t: &TV) -> Option<(TV, TV, TV)> {
    let TV::S(s) = t else { return None };
    let ins = s.g.with_graph(|g| {
        let node = g.try_node(s.o.node)?;
        if node.op.name() != "Range" {
            return None;
        }
        Some(g.op_inputs(s.o.node))
    })?;
    if ins.len() != 3 {
        return None;
    }
    let mk = |o| TV::S(Sym::new(&s.g, o));
    Some((mk(ins[0]), mk(ins[1]), mk(ins[2])))
}

fn main_test_with_extra(interp: &mut Interp, main: TV, py: &PyFor) -> PyResult<Value> {
    match &py.extra_test {
        None => Ok(tvv(main)),
        Some(t) => {
            let t = t.clone();
            build_cond(interp, &main, &mut |interp: &mut Interp| call0(interp, &t), &mut |_i: &mut Interp| Ok(Value::Bool(false)))
        }
    }
}

/// `for i in tf.range(...)`: the range op is elided; `i` is a loop variable.
struct RangeLoop {
    py: PyFor,
    iterate: Value,
    limit: TV,
    delta: TV,
    names: Vec<String>,
    iterate_names: Option<String>,
}

impl Loop for RangeLoop {
    fn get(&mut self, interp: &mut Interp) -> PyResult<Vec<Value>> {
        let st = state_of(interp, &self.py.get_state)?;
        let mut out = vec![self.iterate.clone()];
        for (name, v) in self.names.iter().zip(st) {
            if self.iterate_names.as_deref() == Some(name.as_str()) && is_undefined(&v) {
                out.push(self.iterate.clone());
            } else {
                out.push(v);
            }
        }
        Ok(out)
    }
    fn set(&mut self, interp: &mut Interp, mut v: Vec<Value>) -> PyResult<()> {
        if !v.is_empty() {
            self.iterate = v.remove(0);
        }
        set_state_to(interp, &self.py.set_state, v)
    }
    fn test(&mut self, interp: &mut Interp) -> PyResult<Value> {
        let it = convert_tv(&self.iterate, None, Mode::Convert)?;
        let main = match self.delta.const_value() {
            Some(d) if d.num_elements() == 1 => {
                if d.get_f64(0) >= 0.0 {
                    op1("Less", &[&it, &self.limit], Attrs::new())?
                } else {
                    op1("Greater", &[&it, &self.limit], Attrs::new())?
                }
            }
            _ => {
                let zero = TV::E(crate::tf::convert::cast_tensor(&Tensor::scalar_i64(0), self.delta.dtype()));
                let a = op1("GreaterEqual", &[&self.delta, &zero], Attrs::new())?;
                let b = op1("Less", &[&it, &self.limit], Attrs::new())?;
                let c = op1("Less", &[&self.delta, &zero], Attrs::new())?;
                let d = op1("Greater", &[&it, &self.limit], Attrs::new())?;
                let ab = op1("LogicalAnd", &[&a, &b], Attrs::new())?;
                let cd = op1("LogicalAnd", &[&c, &d], Attrs::new())?;
                op1("LogicalOr", &[&ab, &cd], Attrs::new())?
            }
        };
        main_test_with_extra(interp, main, &self.py)
    }
    fn body(&mut self, interp: &mut Interp) -> PyResult<()> {
        interp.call(&self.py.body, Args::new(vec![self.iterate.clone()]))?;
        let it = convert_tv(&self.iterate, None, Mode::Convert)?;
        self.iterate = tvv(op1_named("add", "AddV2", &[&it, &self.delta], Attrs::new())?);
        Ok(())
    }
}

/// The length computation TF emits for a range loop (`get_range_len`).
fn range_len(start: &TV, limit: &TV, delta: &TV) -> PyResult<()> {
    let dist = op1_named("sub", "Sub", &[limit, start], Attrs::new())?;
    let unadj = op1_named("floordiv", "FloorDiv", &[&dist, delta], Attrs::new())?;
    let m = op1_named("mod", "FloorMod", &[&dist, delta], Attrs::new())?;
    let z = trace::constant("zeros_like", crate::tf::convert::cast_tensor(&Tensor::scalar_i64(0), unadj.dtype()))?;
    let ne = op1("NotEqual", &[&m, &z], attrs![("incompatible_shape_error", Attr::Bool(true))])?;
    let adj = op1("Cast", &[&ne], attrs![("SrcT", Attr::Type(DType::Bool)), ("DstT", Attr::Type(dist.dtype()))])?;
    let fin = op1_named("add", "AddV2", &[&unadj, &adj], Attrs::new())?;
    let z2 = trace::constant("zeros_like", crate::tf::convert::cast_tensor(&Tensor::scalar_i64(0), fin.dtype()))?;
    op1("Maximum", &[&fin, &z2], Attrs::new())?;
    Ok(())
}

fn range_for(interp: &mut Interp, py: PyFor, start: TV, limit: TV, delta: TV, names: Vec<String>, opts: &Value) -> PyResult<()> {
    range_len(&start, &limit, &delta)?;
    let iterate_names = match dict_get(opts, "iterate_names") {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    let mut lp = RangeLoop { py, iterate: tvv(start), limit, delta, names: names.clone(), iterate_names };
    let mut all = vec!["<internal iterate>".to_string()];
    all.extend(names);
    tf_while_stmt(interp, &mut lp, all, opts)
}

/// `for x in tensor`: iterates the first dimension.
struct TensorLoop {
    py: PyFor,
    index: Value,
    n: TV,
    tensor: TV,
}

impl Loop for TensorLoop {
    fn get(&mut self, interp: &mut Interp) -> PyResult<Vec<Value>> {
        let mut out = vec![self.index.clone()];
        out.extend(state_of(interp, &self.py.get_state)?);
        Ok(out)
    }
    fn set(&mut self, interp: &mut Interp, mut v: Vec<Value>) -> PyResult<()> {
        if !v.is_empty() {
            self.index = v.remove(0);
        }
        set_state_to(interp, &self.py.set_state, v)
    }
    fn test(&mut self, interp: &mut Interp) -> PyResult<Value> {
        let i = convert_tv(&self.index, Some(DType::Int32), Mode::Convert)?;
        let main = op1("Less", &[&i, &self.n], Attrs::new())?;
        main_test_with_extra(interp, main, &self.py)
    }
    fn body(&mut self, interp: &mut Interp) -> PyResult<()> {
        let i = convert_tv(&self.index, Some(DType::Int32), Mode::Convert)?;
        let axis = TV::E(Tensor::scalar_i32(0));
        let x = op1("GatherV2", &[&self.tensor, &i, &axis], attrs![("batch_dims", Attr::Int(0))])?;
        interp.call(&self.py.body, Args::new(vec![tvv(x)]))?;
        let one = TV::E(Tensor::scalar_i32(1));
        self.index = tvv(op1_named("add", "AddV2", &[&i, &one], Attrs::new())?);
        Ok(())
    }
}

fn tensor_for(interp: &mut Interp, py: PyFor, t: TV, names: Vec<String>, opts: &Value) -> PyResult<()> {
    let rank = t.rank();
    if rank == Some(0) {
        return Err(Exc::type_error("Cannot iterate over a scalar tensor."));
    }
    let n = match t.dim(0) {
        Some(d) => TV::E(Tensor::scalar_i32(d as i32)),
        None => {
            let s = op1("Shape", &[&t], attrs![("out_type", Attr::Type(DType::Int32))])?;
            let b = TV::E(Tensor::vec_i32(vec![0]));
            let e = TV::E(Tensor::vec_i32(vec![1]));
            let st = TV::E(Tensor::vec_i32(vec![1]));
            op1_named(
                "strided_slice",
                "StridedSlice",
                &[&s, &b, &e, &st],
                attrs![
                    ("begin_mask", Attr::Int(0)),
                    ("end_mask", Attr::Int(0)),
                    ("ellipsis_mask", Attr::Int(0)),
                    ("new_axis_mask", Attr::Int(0)),
                    ("shrink_axis_mask", Attr::Int(1))
                ],
            )?
        }
    };
    let mut lp = TensorLoop { py, index: Value::Int(0), n, tensor: t };
    let mut all = vec!["<internal iterate>".to_string()];
    all.extend(names);
    tf_while_stmt(interp, &mut lp, all, opts)
}

/// `for x in dataset` inside a trace: one loop op over the dataset's
/// elements (`tf::data::for_each_traced`).
fn dataset_for(interp: &mut Interp, py: PyFor, ds: &Value, names: Vec<String>, _opts: &Value) -> PyResult<()> {
    let mut init = state_of(interp, &py.get_state)?;
    verify_loop_init_vars(&init, &names, None, None)?;
    let dummy = init.is_empty();
    if dummy {
        init.push(Value::Int(0));
    }
    let mut leaves = Vec::new();
    let structure = flatten(&Value::tuple(init.clone()), &mut leaves)?;
    let set = |interp: &mut Interp, state: Vec<TV>| -> PyResult<Vec<Value>> {
        let v = pack(&structure, &mut state.into_iter())?;
        let items = seq_items(&v).unwrap_or_default();
        if !dummy {
            set_state_to(interp, &py.set_state, items.clone())?;
        }
        Ok(items)
    };
    let get = |interp: &mut Interp| -> PyResult<Vec<Value>> {
        if dummy {
            Ok(vec![Value::Int(0)])
        } else {
            state_of(interp, &py.get_state)
        }
    };
    let names2 = names.clone();
    let init2 = init.clone();
    let mut body = |interp: &mut Interp, elem: Value, state: Vec<TV>| -> PyResult<Vec<TV>> {
        let entry = set(interp, state)?;
        interp.call(&py.body, Args::new(vec![elem]))?;
        let exit = get(interp)?;
        verify_loop_vars(&init2, &entry, &exit, &names2, &[], false, interp)?;
        let mut out = Vec::new();
        flatten(&Value::tuple(exit), &mut out)?;
        Ok(out)
    };
    let out = match &py.extra_test {
        None => crate::tf::data::for_each_traced(interp, ds, leaves, None, &mut body)?,
        Some(t) => {
            let t = t.clone();
            let mut extra = |interp: &mut Interp, state: &[TV]| -> PyResult<TV> {
                set(interp, state.to_vec())?;
                let r = call0(interp, &t)?;
                verify_condition(&r, "for loop")
            };
            crate::tf::data::for_each_traced(interp, ds, leaves, Some(&mut extra), &mut body)?
        }
    };
    let fin = pack(&structure, &mut out.into_iter())?;
    if !dummy {
        set_state_to(interp, &py.set_state, seq_items(&fin).unwrap_or_default())?;
    }
    Ok(())
}
