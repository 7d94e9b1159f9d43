//! `cond` as a graph op (`If`/`StatelessIf`, TF's `cond_v2`), and the
//! explicit `tf.cond`, `tf.case`, `tf.switch_case`.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::cflow::nest::{flatten, pack, Struct};
use crate::tf::cflow::subgraph::{capture_inputs, current_trace, uid, union_captures, SubTrace};
use crate::tf::convert::{convert_tv, tv_of, Mode};
use crate::tf::trace::{self, op1, Sym, TV};
use crate::value::Value;
use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, Output, ValueType};
use tfjit_tensor::{attrs, Attr, Attrs, DType, Tensor};

/// A branch: traced into its own graph.
pub type Branch<'a> = &'a mut dyn FnMut(&mut Interp) -> PyResult<Value>;

struct Traced {
    st: SubTrace,
    structure: Struct,
    outs: Vec<Output>,
    value: Value,
}

fn trace_branch(name: &str, f: Branch, interp: &mut Interp) -> PyResult<Traced> {
    let st = SubTrace::begin(name)?;
    let value = st.run(|| f(interp))?;
    let mut leaves = Vec::new();
    let structure = st.run(|| flatten(&value, &mut leaves))?;
    let outs = leaves.iter().map(|t| st.output_of(t)).collect::<PyResult<Vec<_>>>()?;
    Ok(Traced { st, structure, outs, value })
}

fn out_types(t: &Traced) -> Vec<ValueType> {
    t.st.graph().with_graph(|g| t.outs.iter().map(|&o| g.value_type(o).clone()).collect())
}

fn value_text(v: &Value, interp: &mut Interp) -> String {
    interp.repr(v).unwrap_or_else(|_| "<value>".into())
}

/// The boolean scalar condition of an `If`: squeezed when it has dims.
fn cond_pred(pred: &TV) -> PyResult<TV> {
    match pred.rank() {
        Some(0) => Ok(pred.clone()),
        _ => op1("Squeeze", &[pred], attrs![("T", Attr::Type(pred.dtype())), ("squeeze_dims", Attr::Ints(vec![]))]),
    }
}

/// Builds `If`/`StatelessIf` on `pred` in the current trace, tracing
/// `true_fn` then `false_fn` as branch graphs; returns the outputs packed
/// like the true branch's (each through an `Identity`, as TF does).
pub fn build_cond(interp: &mut Interp, pred: &TV, true_fn: Branch, false_fn: Branch) -> PyResult<Value> {
    let parent = current_trace()?;
    let scope = parent.graph.with_builder(|b| b.push_name_scope("cond"))?;
    let r = build_cond_scoped(interp, &parent, &scope, pred, true_fn, false_fn);
    parent.graph.with_builder(|b| b.pop_name_scope())?;
    r
}

fn build_cond_scoped(
    interp: &mut Interp,
    parent: &std::rc::Rc<trace::TraceCtx>,
    scope: &str,
    pred: &TV,
    true_fn: Branch,
    false_fn: Branch,
) -> PyResult<Value> {
    let pred = cond_pred(pred)?;
    let leaf = scope.rsplit('/').next().unwrap_or(scope);
    let n = uid();
    let t = trace_branch(&format!("{leaf}_true_{n}"), true_fn, interp)?;
    let f = trace_branch(&format!("{leaf}_false_{}", uid()), false_fn, interp)?;
    if !t.structure.same(&f.structure, true) {
        return Err(Exc::type_error(format!(
            "true_fn and false_fn arguments to tf.cond must have the same number, type, and overall structure of return values.\n\ntrue_fn output: {}\nfalse_fn output: {}\n\nError details:\nThe two structures don't have the same nested structure.",
            value_text(&t.value, interp),
            value_text(&f.value, interp)
        )));
    }
    let (tt, ft) = (out_types(&t), out_types(&f));
    for (a, b) in tt.iter().zip(&ft) {
        if a.dtype_name() != b.dtype_name() {
            return Err(Exc::type_error(format!(
                "true_fn and false_fn arguments to tf.cond must have the same number, type, and overall structure of return values.\n\ntrue_fn output: {}\nfalse_fn output: {}\n\nError details:\nTensors have different types: {} and {}",
                value_text(&t.value, interp),
                value_text(&f.value, interp),
                a.dtype_name(),
                b.dtype_name()
            )));
        }
    }
    let caps = union_captures(&[t.st.captures(), f.st.captures()]);
    t.st.set_captures(&caps)?;
    f.st.set_captures(&caps)?;
    let then_g = t.st.finish(&t.outs)?;
    let else_g = f.st.finish(&f.outs)?;
    let stateful = then_g.is_stateful() || else_g.is_stateful();
    let mut ins = vec![trace::to_graph(parent, &pred, "cond/pred")?];
    ins.extend(capture_inputs(parent, &caps)?);
    let mut funcs: IndexMap<&'static str, Arc<FuncGraph>> = IndexMap::new();
    funcs.insert("then_branch", then_g);
    funcs.insert("else_branch", else_g);
    let op = if stateful { "If" } else { "StatelessIf" };
    let rec_funcs = funcs.clone();
    let outs = parent.graph.with_builder(|b| -> PyResult<Vec<Output>> {
        let outs = b.add_func_op(&format!("{scope}/"), op, &ins, Attrs::new(), funcs)?;
        let mut ids = Vec::with_capacity(outs.len());
        for o in outs {
            if matches!(b.value_type(o)?, ValueType::List(_)) {
                ids.push(o);
            } else {
                ids.extend(b.add_op("Identity", "Identity", &[o], Attrs::new())?);
            }
        }
        Ok(ids)
    })??;
    let tvs: Vec<TV> = outs.into_iter().map(|o| TV::S(Sym::new(&parent.graph, o))).collect();
    // Tapes record the If (its outputs as the user sees them, after the
    // Identity ops), so gradients flow through both branches.
    crate::tf::cflow::grad::record_node(op, &rec_funcs, &crate::tf::cflow::grad::syms(&parent.graph, &ins), &tvs);
    pack(&t.structure, &mut tvs.into_iter())
}

/// The truth of an eager condition tensor (TF's `constant_value(pred)`).
pub fn eager_truth(t: &Tensor) -> PyResult<bool> {
    crate::tf::tensor::tensor_truthy(t)
}

fn callable_arg(v: Option<Value>, what: &str) -> PyResult<Value> {
    match v {
        None | Some(Value::None) => Err(Exc::type_error(format!("'{what}' must not be None."))),
        Some(f) if f.is_callable_value() => Ok(f),
        Some(_) => Err(Exc::type_error(format!("'{what}' must be callable."))),
    }
}

trait CallableValue {
    fn is_callable_value(&self) -> bool;
}

impl CallableValue for Value {
    fn is_callable_value(&self) -> bool {
        match self {
            Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
            Value::Object(o) => o.is_callable(),
            Value::Instance(_) => true,
            _ => false,
        }
    }
}

/// `tf.cond(pred, true_fn=None, false_fn=None, name=None)`.
pub fn tf_cond(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [pred, t, f, _name] = args.bind("cond", ["pred", "true_fn", "false_fn", "name"], 1)?;
    let pred = pred.unwrap_or(Value::None);
    let t = callable_arg(t, "true_fn")?;
    let f = callable_arg(f, "false_fn")?;
    cond_value(interp, &pred, &t, &f)
}

/// `tf.cond` on values: Python-run branch eagerly, an `If` op in a trace.
pub fn cond_value(interp: &mut Interp, pred: &Value, t: &Value, f: &Value) -> PyResult<Value> {
    if !trace::tracing() {
        let p = convert_tv(pred, None, Mode::Convert)?;
        let TV::E(p) = p else { return Err(Exc::type_error("a symbolic condition cannot be used eagerly")) };
        return if eager_truth(&p)? { interp.call(t, Args::default()) } else { interp.call(f, Args::default()) };
    }
    if matches!(pred, Value::Bool(_)) {
        return Err(Exc::type_error("pred must not be a Python bool"));
    }
    let p = convert_tv(pred, None, Mode::Convert)?;
    let (t, f) = (t.clone(), f.clone());
    build_cond(
        interp,
        &p,
        &mut |interp: &mut Interp| interp.call(&t, Args::default()),
        &mut |interp: &mut Interp| interp.call(&f, Args::default()),
    )
}

fn unpack_if_singleton(v: Value) -> Value {
    match &v {
        Value::List(l) if l.borrow().len() == 1 => l.borrow()[0].clone(),
        Value::Tuple(t) if t.len() == 1 => t[0].clone(),
        _ => v,
    }
}

/// `tf.case(pred_fn_pairs, default=None, exclusive=False, strict=False, name='case')`.
pub fn tf_case(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [pairs, default, exclusive, strict, _name] =
        args.bind("case", ["pred_fn_pairs", "default", "exclusive", "strict", "name"], 1)?;
    let pairs = pairs.unwrap_or(Value::None);
    let items: Vec<Value> = match &pairs {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Dict(d) => d.borrow().items().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()])).collect(),
        _ => return Err(Exc::type_error("'pred_fn_pairs' must be a list, tuple, or dict")),
    };
    let mut preds = Vec::new();
    let mut fns = Vec::new();
    for it in items {
        let Value::Tuple(t) = &it else {
            return Err(Exc::type_error("Each entry in pred_fn_pairs must be a 2-tuple."));
        };
        if t.len() != 2 {
            return Err(Exc::type_error("Each entry in pred_fn_pairs must be a 2-tuple."));
        }
        let p = tv_of(&t[0])?.ok_or_else(|| Exc::type_error(format!("pred must be Tensor of type bool: {}", interp.repr(&t[0]).unwrap_or_default())))?;
        if p.dtype() != DType::Bool {
            return Err(Exc::type_error("pred must be Tensor of type bool"));
        }
        if !t[1].is_callable_value() {
            return Err(Exc::type_error("fn for pred must be callable."));
        }
        preds.push(p);
        fns.push(t[1].clone());
    }
    if preds.is_empty() {
        return Err(Exc::value_error("Must provide at least one item in 'pred_fn_pairs'"));
    }
    let exclusive = crate::tf::util::bool_arg(&exclusive, false, interp)?;
    let strict = crate::tf::util::bool_arg(&strict, false, interp)?;
    let default = match default {
        None | Some(Value::None) => {
            preds.pop();
            fns.pop().ok_or_else(|| Exc::value_error("no branch"))?
        }
        Some(d) => d,
    };
    if !trace::tracing() {
        let truths: Vec<bool> = preds
            .iter()
            .map(|p| match p {
                TV::E(t) => eager_truth(t),
                TV::S(_) => Err(Exc::type_error("a symbolic predicate cannot be used eagerly")),
            })
            .collect::<PyResult<_>>()?;
        if exclusive && truths.iter().filter(|b| **b).count() > 1 {
            return Err(Exc::new("InvalidArgumentError", "Input error: exclusive=True: more than 1 conditions evaluated as True"));
        }
        let f = truths.iter().position(|b| *b).map(|i| fns[i].clone()).unwrap_or(default);
        let r = interp.call(&f, Args::default())?;
        return Ok(if strict { r } else { unpack_if_singleton(r) });
    }
    if exclusive && preds.len() > 1 {
        let refs: Vec<&TV> = preds.iter().collect();
        let stacked = op1("Pack", &refs, attrs![("axis", Attr::Int(0)), ("N", Attr::Int(preds.len() as i64))])?;
        let ints = op1("Cast", &[&stacked], attrs![("SrcT", Attr::Type(DType::Bool)), ("DstT", Attr::Type(DType::Int32))])?;
        let axis = TV::E(Tensor::scalar_i32(0));
        let n = op1("Sum", &[&ints, &axis], attrs![("keep_dims", Attr::Bool(false))])?;
        let one = TV::E(Tensor::scalar_i32(1));
        let ok = op1("LessEqual", &[&n, &one], Attrs::new())?;
        let ctx = current_trace()?;
        let o = trace::to_graph(&ctx, &ok, "Assert")?;
        ctx.graph.with_builder(|b| {
            b.add_op(
                "Assert",
                "Assert",
                &[o],
                attrs![("message", Attr::Str("Input error: exclusive=True: more than 1 conditions evaluated as True".into()))],
            )
        })??;
    }
    case_chain(interp, &preds, &fns, &default)
}

fn case_chain(interp: &mut Interp, preds: &[TV], fns: &[Value], default: &Value) -> PyResult<Value> {
    let Some((p, rest)) = preds.split_first() else {
        return interp.call(default, Args::default());
    };
    let f0 = fns[0].clone();
    let rest_fns = fns[1..].to_vec();
    let rest_preds = rest.to_vec();
    let default = default.clone();
    build_cond(
        interp,
        p,
        &mut |interp: &mut Interp| interp.call(&f0, Args::default()),
        &mut |interp: &mut Interp| case_chain(interp, &rest_preds, &rest_fns, &default),
    )
}

/// `tf.switch_case(branch_index, branch_fns, default=None, name='switch_case')`:
/// an index out of range runs the last branch (the default, if given).
pub fn tf_switch_case(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [index, fns, default, _name] = args.bind("switch_case", ["branch_index", "branch_fns", "default", "name"], 2)?;
    let index = index.unwrap_or(Value::None);
    let idx = tv_of(&index)?.ok_or_else(|| Exc::type_error(format!("'branch_index' must be a Tensor, got {}", index.type_name())))?;
    if !idx.dtype().is_int() {
        return Err(Exc::type_error(format!("'branch_index' must be an integer Tensor, got <dtype: '{}'>", idx.dtype().name())));
    }
    let fns = fns.unwrap_or(Value::None);
    let mut pairs: Vec<(i64, Value)> = match &fns {
        Value::Dict(d) => d
            .borrow()
            .items()
            .map(|(k, v)| match k {
                Value::Int(i) => Ok((*i, v.clone())),
                other => Err(Exc::type_error(format!("key must be a Python `int`, got {}", other.type_name()))),
            })
            .collect::<PyResult<_>>()?,
        Value::List(_) | Value::Tuple(_) => {
            let items = crate::tf::cflow::nest::seq_items(&fns).unwrap_or_default();
            if items.iter().all(|f| f.is_callable_value()) {
                items.into_iter().enumerate().map(|(i, f)| (i as i64, f)).collect()
            } else {
                let mut v = Vec::new();
                for it in items {
                    match &it {
                        Value::Tuple(t) if t.len() == 2 => match &t[0] {
                            Value::Int(i) => v.push((*i, t[1].clone())),
                            other => return Err(Exc::type_error(format!("key must be a Python `int`, got {}", other.type_name()))),
                        },
                        _ => return Err(Exc::type_error("Each entry in 'branch_fns' must be a 2-tuple.")),
                    }
                }
                v
            }
        }
        _ => return Err(Exc::type_error("'branch_fns' must be a list, tuple, or dict")),
    };
    if pairs.is_empty() {
        return Err(Exc::value_error("Must provide at least one item in 'branch_fns'"));
    }
    for (k, f) in &pairs {
        if !f.is_callable_value() {
            return Err(Exc::type_error(format!("fn for key {k} must be callable.")));
        }
    }
    pairs.sort_by_key(|(k, _)| *k);
    if pairs.iter().enumerate().any(|(i, (k, _))| *k != i as i64) {
        let keys: Vec<String> = pairs.iter().map(|(k, _)| k.to_string()).collect();
        return Err(Exc::value_error(format!(
            "branch indices (keys) must form contiguous range of [0 to {}) but found {{{}}}",
            pairs.len(),
            keys.join(", ")
        )));
    }
    let mut branches: Vec<Value> = pairs.into_iter().map(|(_, f)| f).collect();
    match default {
        None | Some(Value::None) => {}
        Some(d) => {
            if !d.is_callable_value() {
                return Err(Exc::type_error("default must be callable."));
            }
            branches.push(d);
        }
    }
    let n = branches.len();
    if !trace::tracing() {
        let TV::E(t) = &idx else { return Err(Exc::type_error("a symbolic index cannot be used eagerly")) };
        if t.num_elements() != 1 {
            return Err(Exc::new("InvalidArgumentError", format!("branch_index must be a scalar, got shape {}", idx.shape())));
        }
        let i = t.get_i64(0);
        let i = if i < 0 || i as usize >= n { n - 1 } else { i as usize };
        return interp.call(&branches[i], Args::default());
    }
    switch_chain(interp, &idx, &branches, 0)
}

fn switch_chain(interp: &mut Interp, idx: &TV, branches: &[Value], k: usize) -> PyResult<Value> {
    if k + 1 >= branches.len() {
        return interp.call(&branches[branches.len() - 1], Args::default());
    }
    let kk = TV::E(crate::tf::convert::cast_tensor(&Tensor::scalar_i64(k as i64), idx.dtype()));
    let p = op1("Equal", &[idx, &kk], attrs![("incompatible_shape_error", Attr::Bool(true))])?;
    let b = branches[k].clone();
    let idx2 = idx.clone();
    let all = branches.to_vec();
    build_cond(
        interp,
        &p,
        &mut |interp: &mut Interp| interp.call(&b, Args::default()),
        &mut |interp: &mut Interp| switch_chain(interp, &idx2, &all, k + 1),
    )
}

/// Whether `v` can be called.
pub fn is_callable(v: &Value) -> bool {
    v.is_callable_value()
}
