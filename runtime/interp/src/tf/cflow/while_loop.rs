//! `while_loop` as a graph op (`While`/`StatelessWhile`, TF's `while_v2`)
//! and the explicit `tf.while_loop`.
//!
//! Loop variables of the op: `[loop_counter, maximum_iterations, vars…,
//! captures…]`, as TF builds them: the counter counts iterations (the cond
//! is `counter < maximum_iterations and cond(vars)` when a maximum is
//! given), and tensors of enclosing graphs that the cond or body use are
//! passed through as extra loop variables.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::cflow::cond::eager_truth;
use crate::tf::cflow::nest::{flatten, is_nested, pack, seq_items, Struct};
use crate::tf::cflow::subgraph::{capture_inputs, current_trace, uid, SubTrace};
use crate::tf::convert::{convert_tv, Mode};
use crate::tf::shape::as_shape;
use crate::tf::trace::{self, op1, Sym, TV};
use crate::tf::util::tvv;
use crate::value::Value;
use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, Output, ValueType};
use tfjit_tensor::{attrs, Attr, Attrs, DType, StaticShape, Tensor, TensorType};

/// The cond or body of a loop: gets the loop variables (packed like the
/// initial ones), returns the condition or the new variables.
pub type LoopFn<'a> = &'a mut dyn FnMut(&mut Interp, Value) -> PyResult<Value>;

/// Options of a graph while loop.
#[derive(Default)]
pub struct WhileOpts {
    /// Per flat loop variable: its shape invariant (`None`: its initial shape).
    pub shape_invariants: Option<Vec<Option<StaticShape>>>,
    pub maximum_iterations: Option<TV>,
}

fn leaf_type(t: &TV) -> ValueType {
    match t {
        TV::E(e) => ValueType::Tensor(e.tensor_type()),
        TV::S(s) => s.g.value_type(s.o),
    }
}

/// Whether `a` is at least as specific as `b` (TF's `_ShapeLessThanOrEqual`).
pub fn shape_le(a: &StaticShape, b: &StaticShape) -> bool {
    match (&a.dims, &b.dims) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| q.is_none() || p == q),
    }
}

fn tensor_name(t: &TV) -> String {
    match t {
        TV::S(s) => s.name(),
        TV::E(_) => "Const:0".into(),
    }
}

/// Builds a `While`/`StatelessWhile` op in the current trace; returns the
/// final loop variables packed like `init`.
pub fn build_while(interp: &mut Interp, init: &Value, cond: LoopFn, body: LoopFn, opts: WhileOpts) -> PyResult<Value> {
    let parent = current_trace()?;
    let mut leaves = Vec::new();
    let structure = flatten(init, &mut leaves)?;
    let n = leaves.len();
    // Loop variable types, with shape invariants.
    let mut types = Vec::with_capacity(n);
    for (i, t) in leaves.iter().enumerate() {
        let ty = leaf_type(t);
        let inv = opts.shape_invariants.as_ref().and_then(|v| v.get(i).cloned().flatten());
        types.push(match (ty, inv) {
            (ValueType::Tensor(tt), Some(inv)) => {
                if !shape_le(&tt.shape, &inv) {
                    return Err(Exc::value_error(format!(
                        "The shape invariant specified for {} is not compatible with the initial shape of the loop variable. It enters the loop with shape {}, but the specified shape invariant is {}.",
                        tensor_name(t),
                        tt.shape,
                        inv
                    )));
                }
                ValueType::Tensor(TensorType::new(tt.dtype, inv))
            }
            (ty, _) => ty,
        });
    }
    let scope = parent.graph.with_builder(|b| b.push_name_scope("while"))?;
    let r = (|| -> PyResult<Value> {
        let max = match &opts.maximum_iterations {
            Some(m) => match m {
                TV::E(t) => trace::constant("maximum_iterations", t.clone())?,
                s => s.clone(),
            },
            None => trace::constant("maximum_iterations", Tensor::scalar_i32(-1))?,
        };
        if max.rank().is_some_and(|r| r != 0) {
            return Err(Exc::value_error(format!("maximum_iterations must be a scalar, saw shape: {}", max.shape())));
        }
        let counter_t = crate::tf::convert::cast_tensor(&Tensor::scalar_i64(0), max.dtype());
        let counter = trace::constant("loop_counter", counter_t)?;
        let scalar = |d: DType| ValueType::Tensor(TensorType::new(d, StaticShape::known(&[])));
        let k = uid();
        // A loop that a tape may differentiate keeps each iteration's
        // tensor loop variables (TF's while_v2 accumulators).
        let acc_of: Vec<usize> = if crate::tf::tape::recording_in_chain() {
            (0..n).filter(|&i| matches!(types[i], ValueType::Tensor(_))).collect()
        } else {
            Vec::new()
        };
        let args_of = |st: &SubTrace| -> PyResult<(Sym, Sym, Vec<TV>, Vec<TV>)> {
            let c = st.arg("loop_counter", scalar(max.dtype()))?;
            let m = st.arg("maximum_iterations", scalar(max.dtype()))?;
            let mut vs = Vec::with_capacity(n);
            for ty in &types {
                vs.push(TV::S(st.arg("placeholder", ty.clone())?));
            }
            let mut accs = Vec::with_capacity(acc_of.len());
            for &i in &acc_of {
                let ValueType::Tensor(tt) = &types[i] else { continue };
                accs.push(TV::S(st.arg("accumulator", ValueType::List(tt.clone()))?));
            }
            Ok((c, m, vs, accs))
        };
        // cond
        let cst = SubTrace::begin(&format!("while_cond_{k}"))?;
        let (cc, cm, cvars, _) = args_of(&cst)?;
        let cvals = pack(&structure, &mut cvars.into_iter())?;
        let pred = cst.run(|| -> PyResult<TV> {
            let p = cond(interp, cvals)?;
            let p = convert_tv(&p, None, Mode::Convert)?;
            let p = match p.rank() {
                Some(0) => p,
                _ => op1("Squeeze", &[&p], attrs![("T", Attr::Type(p.dtype())), ("squeeze_dims", Attr::Ints(vec![]))])?,
            };
            if opts.maximum_iterations.is_some() {
                let lt = op1("Less", &[&TV::S(cc.clone()), &TV::S(cm.clone())], Attrs::new())?;
                op1("LogicalAnd", &[&lt, &p], Attrs::new())
            } else {
                Ok(p)
            }
        })?;
        let pred_out = cst.output_of(&pred)?;
        // body
        let bst = SubTrace::begin(&format!("while_body_{}", uid()))?;
        let (bc, bm, bvars, baccs) = args_of(&bst)?;
        bst.set_captures(&cst.captures())?;
        let entry_vars = bvars.clone();
        let bvals = pack(&structure, &mut bvars.into_iter())?;
        let (out_structure, out_leaves, counter_next) = bst.run(|| -> PyResult<(Struct, Vec<TV>, TV)> {
            let mut r = body(interp, bvals)?;
            if !is_nested(&r) {
                r = Value::list(vec![r]);
            }
            let mut out = Vec::new();
            let s = flatten(&r, &mut out)?;
            let one = TV::E(crate::tf::convert::cast_tensor(&Tensor::scalar_i64(1), max.dtype()));
            let next = op1("AddV2", &[&TV::S(bc.clone()), &one], Attrs::new())?;
            Ok((s, out, next))
        })?;
        if !out_structure.same(&structure, false) || out_leaves.len() != n {
            return Err(Exc::value_error(format!(
                "The two structures don't have the same nested structure.\n\nFirst structure: {}\n\nSecond structure: {}",
                out_structure.describe(),
                structure.describe()
            )));
        }
        let mut outs = vec![bst.output_of(&TV::S(counter_next.as_sym()?))?, bst.output_of(&TV::S(bm))?];
        for (i, t) in out_leaves.iter().enumerate() {
            let got = leaf_type(t);
            let want = &types[i];
            if got.dtype_name() != want.dtype_name() {
                return Err(Exc::type_error(format!(
                    "Loop var {} enters the loop with type <dtype: '{}'> but has type <dtype: '{}'> after 1 iteration. {} type should remain constant.",
                    tensor_name(&leaves[i]),
                    want.dtype_name(),
                    got.dtype_name(),
                    tensor_name(&leaves[i])
                )));
            }
            if let (ValueType::Tensor(w), ValueType::Tensor(g)) = (want, &got) {
                if !shape_le(&g.shape, &w.shape) {
                    return Err(Exc::value_error(format!(
                        "Input tensor `{}` enters the loop with shape {}, but has shape {} after one iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape.",
                        tensor_name(&leaves[i]),
                        w.shape,
                        g.shape
                    )));
                }
            }
            outs.push(bst.output_of(t)?);
        }
        // A loop that writes variables also keeps the values its reads see.
        let mut reads: Vec<(tfjit_graph::NodeIndex, TensorType)> = Vec::new();
        if !acc_of.is_empty() {
            let writes = bst.graph().with_graph(crate::tf::cflow::grad::writes_variables);
            if writes {
                reads = bst.graph().with_graph(|g| {
                    g.operations()
                        .iter()
                        .filter(|&&ix| g.node(ix).op.name() == "ReadVariableOp")
                        .filter_map(|&ix| g.node(ix).outputs.first().and_then(|t| t.as_tensor().cloned()).map(|t| (ix, t)))
                        .collect()
                });
            }
        }
        let mut read_accs = Vec::with_capacity(reads.len());
        for (_, t) in &reads {
            read_accs.push(TV::S(bst.arg("accumulator", ValueType::List(t.clone()))?));
            cst.arg("accumulator", ValueType::List(t.clone()))?;
        }
        if !acc_of.is_empty() {
            let body_graph = bst.graph().clone();
            let pushed = bst.run(|| {
                let mut v = Vec::with_capacity(acc_of.len() + reads.len());
                for (acc, &i) in baccs.iter().zip(&acc_of) {
                    v.push(crate::tf::cflow::grad::push_back(acc, &entry_vars[i])?);
                }
                for (acc, (ix, _)) in read_accs.iter().zip(&reads) {
                    let read = TV::S(Sym::new(&body_graph, tfjit_graph::Output { graph: body_graph.id(), node: *ix, index: 0 }));
                    v.push(crate::tf::cflow::grad::push_back(acc, &read)?);
                }
                Ok(v)
            })?;
            for t in &pushed {
                outs.push(bst.output_of(t)?);
            }
        }
        let caps = bst.captures();
        outs.extend(bst.capture_placeholders());
        cst.set_captures(&caps)?;
        let cond_g = cst.finish(&[pred_out])?;
        let body_g = bst.finish(&outs)?;
        let stateful = cond_g.is_stateful() || body_g.is_stateful();
        let mut ins = vec![trace::to_graph(&parent, &counter, "loop_counter")?, trace::to_graph(&parent, &max, "maximum_iterations")?];
        for t in &leaves {
            ins.push(trace::to_graph(&parent, t, "input")?);
        }
        for &i in &acc_of {
            if let ValueType::Tensor(tt) = &types[i] {
                let l = crate::tf::cflow::grad::empty_list(tt)?;
                ins.push(trace::to_graph(&parent, &l, "accumulator")?);
            }
        }
        for (_, tt) in &reads {
            let l = crate::tf::cflow::grad::empty_list(tt)?;
            ins.push(trace::to_graph(&parent, &l, "accumulator")?);
        }
        if !acc_of.is_empty() {
            crate::tf::cflow::grad::register_layout(
                &body_g,
                crate::tf::cflow::grad::LoopLayout { n_vars: n, acc_of: acc_of.clone(), reads: reads.iter().map(|(ix, _)| *ix).collect() },
            );
        }
        ins.extend(capture_inputs(&parent, &caps)?);
        let mut funcs: IndexMap<&'static str, Arc<FuncGraph>> = IndexMap::new();
        funcs.insert("cond", cond_g);
        funcs.insert("body", body_g);
        let op = if stateful { "While" } else { "StatelessWhile" };
        let rec_funcs = funcs.clone();
        let res: Vec<Output> = parent
            .graph
            .with_builder(|b| b.add_func_op(&format!("{scope}/"), op, &ins, attrs![("parallel_iterations", Attr::Int(10))], funcs))??;
        crate::tf::cflow::grad::record_node(
            op,
            &rec_funcs,
            &crate::tf::cflow::grad::syms(&parent.graph, &ins),
            &crate::tf::cflow::grad::syms(&parent.graph, &res),
        );
        let tvs: Vec<TV> = res.into_iter().skip(2).take(n).map(|o| TV::S(Sym::new(&parent.graph, o))).collect();
        pack(&structure, &mut tvs.into_iter())
    })();
    parent.graph.with_builder(|b| b.pop_name_scope())?;
    r
}

trait AsSym {
    fn as_sym(&self) -> PyResult<Sym>;
}

impl AsSym for TV {
    fn as_sym(&self) -> PyResult<Sym> {
        match self {
            TV::S(s) => Ok(s.clone()),
            TV::E(_) => Err(Exc::runtime_error("expected a graph tensor")),
        }
    }
}

fn call_unpacked(interp: &mut Interp, f: &Value, vars: &Value) -> PyResult<Value> {
    let args = seq_items(vars).unwrap_or_else(|| vec![vars.clone()]);
    interp.call(f, Args::new(args))
}

/// `tf.while_loop(cond, body, loop_vars, shape_invariants=None,
/// parallel_iterations=10, back_prop=True, swap_memory=False,
/// maximum_iterations=None, name=None)`.
pub fn tf_while_loop(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [cond, body, loop_vars, invariants, _pi, _bp, _sm, maxiter, _name] = args.bind(
        "while_loop",
        [
            "cond",
            "body",
            "loop_vars",
            "shape_invariants",
            "parallel_iterations",
            "back_prop",
            "swap_memory",
            "maximum_iterations",
            "name",
        ],
        3,
    )?;
    let cond = cond.unwrap_or(Value::None);
    let body = body.unwrap_or(Value::None);
    let loop_vars = loop_vars.unwrap_or(Value::None);
    if !crate::tf::cflow::cond::is_callable(&cond) {
        return Err(Exc::type_error("'cond' must be callable."));
    }
    if !crate::tf::cflow::cond::is_callable(&body) {
        return Err(Exc::type_error("'body' must be callable."));
    }
    if matches!(loop_vars, Value::List(ref l) if l.borrow().is_empty()) || matches!(loop_vars, Value::Tuple(ref t) if t.is_empty()) {
        return Err(Exc::value_error("'loop_vars' must be provided."));
    }
    let maxiter = match maxiter {
        None | Some(Value::None) => None,
        Some(v) => Some(convert_tv(&v, None, Mode::Convert)?),
    };
    if !trace::tracing() {
        return eager_while(interp, &cond, &body, loop_vars, maxiter);
    }
    let shape_invariants = match invariants {
        None | Some(Value::None) => None,
        Some(v) => {
            let mut flat = Vec::new();
            flatten_invariants(&v, &mut flat)?;
            Some(flat.into_iter().map(Some).collect())
        }
    };
    let (c, b) = (cond.clone(), body.clone());
    build_while(
        interp,
        &loop_vars,
        &mut |interp: &mut Interp, vars: Value| call_unpacked(interp, &c, &vars),
        &mut |interp: &mut Interp, vars: Value| call_unpacked(interp, &b, &vars),
        WhileOpts { shape_invariants, maximum_iterations: maxiter },
    )
}

/// Shape invariants as a flat list of shapes (TensorShapes are leaves).
fn flatten_invariants(v: &Value, out: &mut Vec<StaticShape>) -> PyResult<()> {
    match v {
        Value::List(_) | Value::Tuple(_) => {
            for x in seq_items(v).unwrap_or_default() {
                flatten_invariants(&x, out)?;
            }
            Ok(())
        }
        Value::Dict(d) => {
            for (_, _, x) in crate::tf::spec::sorted_items(&d.borrow()) {
                flatten_invariants(&x, out)?;
            }
            Ok(())
        }
        other => {
            out.push(as_shape(other)?);
            Ok(())
        }
    }
}

fn eager_bool(v: &Value) -> PyResult<bool> {
    match convert_tv(v, None, Mode::Convert)? {
        TV::E(t) => eager_truth(&t),
        TV::S(_) => Err(Exc::type_error("a symbolic loop condition cannot be used eagerly")),
    }
}

/// The eager `tf.while_loop`: a Python loop (TF's eager branch).
fn eager_while(interp: &mut Interp, cond: &Value, body: &Value, loop_vars: Value, maxiter: Option<TV>) -> PyResult<Value> {
    let max = match &maxiter {
        Some(TV::E(t)) if t.num_elements() == 1 => Some(t.get_i64(0)),
        Some(TV::E(t)) => {
            return Err(Exc::value_error(format!("maximum_iterations must be a scalar, saw shape: {:?}", t.shape())))
        }
        Some(TV::S(_)) => return Err(Exc::type_error("a symbolic maximum_iterations cannot be used eagerly")),
        None => None,
    };
    let mut vars = loop_vars;
    let mut i = 0i64;
    loop {
        if max.is_some_and(|m| i >= m) {
            break;
        }
        let c = call_unpacked(interp, cond, &vars)?;
        if !eager_bool(&c)? {
            break;
        }
        vars = call_unpacked(interp, body, &vars)?;
        i += 1;
    }
    to_tensors(&vars)
}

/// Leaves converted to tensors (TensorArrays kept), structure kept.
fn to_tensors(v: &Value) -> PyResult<Value> {
    Ok(match v {
        Value::List(_) => Value::list(seq_items(v).unwrap_or_default().iter().map(to_tensors).collect::<PyResult<_>>()?),
        Value::Tuple(_) => Value::tuple(seq_items(v).unwrap_or_default().iter().map(to_tensors).collect::<PyResult<_>>()?),
        Value::None => Value::None,
        other if other.downcast::<crate::tf::cflow::tensor_array::TensorArray>().is_some() => other.clone(),
        other => tvv(convert_tv(other, None, Mode::Convert)?),
    })
}
