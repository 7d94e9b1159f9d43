//! Gradients of control flow v2, built symbolically into the graph that
//! holds the forward op (TF's `cond_v2._IfGrad` and `while_v2._WhileGrad`).
//!
//! - `If`: a gradient `If` on the same predicate whose branches are the
//!   gradient graphs of the forward branches. Each gradient branch replays
//!   the forward branch's computation ([`super::replay`]) under a local tape
//!   and differentiates it (TF instead exposes the forward intermediates as
//!   extra outputs; recomputing them gives the same values for the pure
//!   computations a gradient depends on). Inputs whose gradient is `None` in
//!   one branch get zeros there, `None` in both stays `None`.
//! - `While`: a `While` built while a tape records (in its graph or an
//!   enclosing one) accumulates, per iteration, the values of its tensor
//!   loop variables on entry (`TensorListPushBack`; one `EmptyTensorList`
//!   per variable). The backward `While` runs as many iterations as the
//!   forward one did (its loop counter, so `maximum_iterations` holds): each
//!   pops one iteration's values (`TensorListPopBack`), replays the body on
//!   them under a local tape and propagates the loop-variable gradients;
//!   gradients of captured tensors and variables are summed over iterations.
//!
//! Nested control flow works because replayed `If`/`While` ops are recorded
//! on the local tape as control-flow ops too.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::cflow::replay::{arg_placeholders, cone, replay};
use crate::tf::cflow::subgraph::{capture_inputs, current_trace, uid, union_captures, SubTrace};
use crate::tf::tape::backprop::{backprop, Grad};
use crate::tf::tape::{self, key_of, Key, Record};
use crate::tf::trace::{self, op1, Sym, TraceGraph, TV};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use tfjit_graph::graph_ops::tensor_list::shape_to_tensor;
use tfjit_graph::{CaptureKind, FuncGraph, GraphId, NodeIndex, Output, ValueType, VarId};
use tfjit_tensor::{attrs, Attr, Attrs, DType, Tensor, TensorType};

/// Where a `While` keeps its per-iteration values. Its loop variables are
/// `[counter, maximum_iterations, vars… (n_vars), accumulators…, captures…]`;
/// accumulator `j` collects flat variable `acc_of[j]`; the accumulators after
/// those collect the values of the body's `ReadVariableOp`s `reads` (kept
/// when the loop writes variables, so the gradient sees each iteration's
/// value, as TF's accumulated intermediates do).
pub struct LoopLayout {
    pub n_vars: usize,
    pub acc_of: Vec<usize>,
    pub reads: Vec<NodeIndex>,
}

/// Whether `g` (or a function nested in it) assigns a variable.
pub fn writes_variables(g: &FuncGraph) -> bool {
    g.operations().iter().any(|&ix| {
        let n = g.node(ix);
        n.op.name().starts_with("Assign") || n.funcs.values().any(|f| writes_variables(f))
    })
}

/// A recorded control-flow op.
pub enum CfOp {
    If { then_g: Arc<FuncGraph>, else_g: Arc<FuncGraph> },
    /// `layout` is `None` for loops that keep no per-iteration values
    /// (backward loops).
    While { body_g: Arc<FuncGraph>, layout: Option<Rc<LoopLayout>> },
}

thread_local! {
    /// Body graph id → layout of the accumulating loops built so far (a
    /// replayed `While` node shares its body graph with the original).
    static LAYOUTS: RefCell<HashMap<GraphId, Rc<LoopLayout>>> = RefCell::new(HashMap::new());
}

/// Remembers the layout of a loop whose body is `body`.
pub fn register_layout(body: &FuncGraph, layout: LoopLayout) {
    LAYOUTS.with(|l| l.borrow_mut().insert(body.id(), Rc::new(layout)));
}

/// Whether `op` is a control-flow op with a gradient here.
pub fn is_cflow(op: &str) -> bool {
    matches!(op, "If" | "StatelessIf" | "While" | "StatelessWhile")
}

fn graph_of(id: GraphId) -> Option<Rc<TraceGraph>> {
    trace::active_graph(id).or_else(|| crate::tf::cflow::subgraph::parent_of(id).map(|c| c.graph.clone()))
}

/// The variable behind a resource tensor: the capture of a variable, in
/// this graph or (through symbolic captures) an enclosing one.
pub fn resolve_var(t: &TV) -> Option<VarId> {
    let TV::S(s) = t else { return None };
    let mut g = s.g.clone();
    let mut o = s.o;
    loop {
        let kind = g.with_graph(|fg| fg.captures().iter().find(|c| c.placeholder == o.node).map(|c| c.kind.clone()))?;
        match kind {
            CaptureKind::Variable(id) => return Some(id),
            CaptureKind::Symbolic(outer) => {
                g = graph_of(outer.graph)?;
                o = outer;
            }
            CaptureKind::Tensor(_) => return None,
        }
    }
}

fn value_type(t: &TV) -> ValueType {
    match t {
        TV::E(e) => ValueType::Tensor(e.tensor_type()),
        TV::S(s) => s.g.value_type(s.o),
    }
}

/// The tape key of an op input: a variable handle stands for its variable.
pub fn input_key(t: &TV) -> Key {
    if matches!(value_type(t), ValueType::Resource(_)) {
        if let Some(id) = resolve_var(t) {
            return Key::Var(id);
        }
    }
    key_of(t)
}

/// Whether gradients can flow into `t` (a floating tensor or a handle of a
/// floating variable that resolves to a variable).
fn differentiable(t: &TV) -> bool {
    match value_type(t) {
        ValueType::Tensor(tt) => tt.dtype.is_float(),
        ValueType::Resource(tt) => tt.dtype.is_float() && resolve_var(t).is_some(),
        _ => false,
    }
}

/// Records control-flow op `op` (with functions `funcs`) on the recording
/// tapes watching one of its inputs.
pub fn record_node(op: &str, funcs: &IndexMap<&'static str, Arc<FuncGraph>>, ins: &[TV], outs: &[TV]) {
    if !tape::any_active() {
        return;
    }
    let cf = match op {
        "If" | "StatelessIf" => match (funcs.get("then_branch"), funcs.get("else_branch")) {
            (Some(t), Some(e)) => CfOp::If { then_g: t.clone(), else_g: e.clone() },
            _ => return,
        },
        "While" | "StatelessWhile" => match funcs.get("body") {
            Some(b) => CfOp::While {
                body_g: b.clone(),
                layout: LAYOUTS.with(|l| l.borrow().get(&b.id()).cloned()),
            },
            None => return,
        },
        _ => return,
    };
    let keys = ins.iter().map(input_key).collect();
    tape::record_cflow(Rc::new(cf), ins.to_vec(), keys, outs.to_vec());
}

/// Graph outputs of the current trace as tensors.
pub fn syms(g: &Rc<TraceGraph>, os: &[Output]) -> Vec<TV> {
    os.iter().map(|&o| TV::S(Sym::new(g, o))).collect()
}

/// A graph-level op (`TensorList*`) on `ins` in the current trace.
pub fn graph_op(op: &str, ins: &[&TV], attrs: Attrs) -> PyResult<Vec<TV>> {
    let ctx = current_trace()?;
    let mut os = Vec::with_capacity(ins.len());
    for x in ins {
        os.push(trace::to_graph(&ctx, x, "input")?);
    }
    let res = ctx.graph.with_builder(|b| b.add_op(op, op, &os, attrs))??;
    Ok(syms(&ctx.graph, &res))
}

/// An empty accumulator list for values of type `ty` (in the current trace).
pub fn empty_list(ty: &TensorType) -> PyResult<TV> {
    let shape = trace::constant("element_shape", shape_to_tensor(&ty.shape))?;
    let max = trace::constant("max_num_elements", Tensor::scalar_i32(-1))?;
    let r = graph_op("EmptyTensorList", &[&shape, &max], attrs![("element_dtype", Attr::Type(ty.dtype))])?;
    r.into_iter().next().ok_or_else(|| Exc::runtime_error("EmptyTensorList has no output"))
}

/// `TensorListPushBack(list, x)`.
pub fn push_back(list: &TV, x: &TV) -> PyResult<TV> {
    let r = graph_op("TensorListPushBack", &[list, x], attrs![("element_dtype", Attr::Type(x.dtype()))])?;
    r.into_iter().next().ok_or_else(|| Exc::runtime_error("TensorListPushBack has no output"))
}

fn pop_back(list: &TV, ty: &TensorType) -> PyResult<(TV, TV)> {
    let shape = trace::constant("element_shape", shape_to_tensor(&ty.shape))?;
    let r = graph_op("TensorListPopBack", &[list, &shape], attrs![("element_dtype", Attr::Type(ty.dtype))])?;
    match r.as_slice() {
        [l, x] => Ok((l.clone(), x.clone())),
        _ => Err(Exc::runtime_error("TensorListPopBack has two outputs")),
    }
}

/// Zeros shaped like input `t` (a tensor, or the variable behind a handle).
fn zeros_for(t: &TV) -> PyResult<TV> {
    match value_type(t) {
        ValueType::Resource(tt) => match tt.shape.as_known() {
            Some(dims) => {
                let shape = trace::constant("zeros/shape", Tensor::vec_i32(dims.iter().map(|&d| d as i32).collect()))?;
                let zero = trace::constant("zeros/Const", crate::tf::convert::cast_tensor(&Tensor::scalar_f64(0.0), tt.dtype))?;
                op1("Fill", &[&shape, &zero], attrs![("index_type", Attr::Type(DType::Int32))])
            }
            None => {
                let v = graph_op("ReadVariableOp", &[t], attrs![("dtype", Attr::Type(tt.dtype))])?;
                let v = v.into_iter().next().ok_or_else(|| Exc::runtime_error("ReadVariableOp has no output"))?;
                op1("ZerosLike", &[&v], attrs![("T", Attr::Type(tt.dtype))])
            }
        },
        _ => op1("ZerosLike", &[t], attrs![("T", Attr::Type(t.dtype()))]),
    }
}

/// The gradient of a recorded control-flow op.
pub fn cflow_grads(interp: &mut Interp, cf: &CfOp, r: &Record, outs: &[Option<Grad>]) -> PyResult<Vec<Option<Grad>>> {
    match cf {
        CfOp::If { then_g, else_g } => if_grad(interp, then_g, else_g, r, outs),
        CfOp::While { body_g, layout } => match layout {
            Some(l) => while_grad(interp, body_g, l, r, outs),
            None => Err(Exc::not_implemented(
                "the gradient of a while loop traced without per-iteration accumulators (a loop of a tf.function traced outside the tape and called under it, or a gradient's own loop: higher-order gradients through while loops) is not implemented in tfjit yet",
            )),
        },
    }
}

/// Differentiates `g` replayed on `args`: seeds `seeds[i]` flow into output
/// `wanted[i]`; one gradient per key of `sources`.
fn replay_grads(
    interp: &mut Interp,
    g: &FuncGraph,
    args: &[Option<TV>],
    wanted: &[usize],
    seeds: &[TV],
    sources: &[Key],
) -> PyResult<Vec<Option<TV>>> {
    replay_grads_preset(interp, g, args, wanted, seeds, sources, &HashMap::new())
}

/// [`replay_grads`] with saved `ReadVariableOp` values (see [`replay`]).
fn replay_grads_preset(
    interp: &mut Interp,
    g: &FuncGraph,
    args: &[Option<TV>],
    wanted: &[usize],
    seeds: &[TV],
    sources: &[Key],
    preset: &HashMap<Output, TV>,
) -> PyResult<Vec<Option<TV>>> {
    let (outs, t) = tape::with_local_tape(sources, || replay(g, args, wanted, preset))?;
    let targets: Vec<Key> = outs.iter().map(key_of).collect();
    let records = t.records.borrow().clone();
    let res = backprop(interp, &records, &targets, seeds.iter().cloned().map(Grad::Dense).collect(), sources)?;
    res.into_iter().map(|g| g.map(|g| g.dense()).transpose()).collect()
}

/// TF's `_IfGrad`.
fn if_grad(interp: &mut Interp, then_g: &Arc<FuncGraph>, else_g: &Arc<FuncGraph>, r: &Record, outs: &[Option<Grad>]) -> PyResult<Vec<Option<Grad>>> {
    let n_in = r.inputs.len();
    let Some(pred) = r.inputs.first() else { return Err(Exc::runtime_error("If without a condition")) };
    let mut wanted = Vec::new();
    let mut seeds = Vec::new();
    for (i, g) in outs.iter().enumerate() {
        if let Some(g) = g {
            wanted.push(i);
            seeds.push(g.dense()?);
        }
    }
    let args: Vec<Option<TV>> = r.inputs[1..].iter().cloned().map(Some).collect();
    let diff: Vec<bool> = r.inputs[1..].iter().map(differentiable).collect();
    let sources: Vec<Key> = r.in_keys[1..].to_vec();
    let parent = current_trace()?;
    let scope = parent.graph.with_builder(|b| b.push_name_scope("cond_grad"))?;
    let res = (|| -> PyResult<Vec<Option<Grad>>> {
        let mut traces = Vec::new();
        let mut grads = Vec::new();
        for g in [then_g, else_g] {
            let st = SubTrace::begin(&format!("{}_grad_{}", g.name(), uid()))?;
            let gs = st.run(|| replay_grads(interp, g, &args, &wanted, &seeds, &sources))?;
            let gs: Vec<Option<TV>> = gs.into_iter().zip(&diff).map(|(g, d)| if *d { g } else { None }).collect();
            traces.push(st);
            grads.push(gs);
        }
        let union: Vec<usize> = (0..n_in - 1).filter(|&i| grads.iter().any(|gs| gs[i].is_some())).collect();
        let mut graphs = Vec::new();
        for (st, gs) in traces.iter().zip(&grads) {
            let outs = st.run(|| {
                let mut os = Vec::with_capacity(union.len());
                for &i in &union {
                    let t = match &gs[i] {
                        Some(t) => t.clone(),
                        None => zeros_for(&r.inputs[i + 1])?,
                    };
                    os.push(st.output_of(&t)?);
                }
                Ok(os)
            })?;
            graphs.push(outs);
        }
        let caps = union_captures(&[traces[0].captures(), traces[1].captures()]);
        for st in &traces {
            st.set_captures(&caps)?;
        }
        let tg = traces[0].finish(&graphs[0])?;
        let eg = traces[1].finish(&graphs[1])?;
        let op = if tg.is_stateful() || eg.is_stateful() { "If" } else { "StatelessIf" };
        let mut ins = vec![trace::to_graph(&parent, pred, "pred")?];
        ins.extend(capture_inputs(&parent, &caps)?);
        let mut funcs: IndexMap<&'static str, Arc<FuncGraph>> = IndexMap::new();
        funcs.insert("then_branch", tg);
        funcs.insert("else_branch", eg);
        let res = parent.graph.with_builder(|b| b.add_func_op(&format!("{scope}/If"), op, &ins, Attrs::new(), funcs.clone()))??;
        let res = syms(&parent.graph, &res);
        record_node(op, &funcs, &syms(&parent.graph, &ins), &res);
        let mut out = vec![None; n_in];
        for (k, &i) in union.iter().enumerate() {
            out[i + 1] = res.get(k).cloned().map(Grad::Dense);
        }
        Ok(out)
    })();
    parent.graph.with_builder(|b| b.pop_name_scope())?;
    res
}

/// The flat loop variables whose incoming gradient can be non-zero: those
/// with an output gradient, and (to a fixpoint) those whose body argument
/// reaches the body output of one of them. Also the captures reaching one.
fn connected(body: &FuncGraph, n_vars: usize, first_cap: usize, n_caps: usize, seeded: &[bool]) -> (Vec<bool>, Vec<bool>) {
    let args = arg_placeholders(body);
    let outs = body.outputs();
    // reach[i]: the body-argument placeholders output 2+i depends on.
    let reach: Vec<HashSet<_>> = (0..n_vars)
        .map(|i| outs.get(2 + i).map(|&o| cone(body, &[o])).unwrap_or_default())
        .collect();
    let mut live = seeded.to_vec();
    loop {
        let mut changed = false;
        for i in 0..n_vars {
            if live[i] {
                continue;
            }
            let Some(ph) = args.get(2 + i) else { continue };
            if (0..n_vars).any(|j| live[j] && reach[j].contains(ph)) {
                live[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let caps = (0..n_caps)
        .map(|c| args.get(first_cap + c).is_some_and(|ph| (0..n_vars).any(|j| live[j] && reach[j].contains(ph))))
        .collect();
    (live, caps)
}

/// Builds a plain `While` named `scope` on loop variables `init` (typed
/// `types`) in the current trace with Rust-built cond and body; returns its
/// outputs for the loop variables. Tensors of enclosing graphs are captured.
fn raw_while(
    scope: &str,
    init: &[TV],
    types: &[ValueType],
    cond: impl FnOnce(&[TV]) -> PyResult<TV>,
    body: impl FnOnce(&[TV]) -> PyResult<Vec<TV>>,
) -> PyResult<Vec<TV>> {
    let parent = current_trace()?;
    let name = scope.rsplit('/').next().unwrap_or(scope);
    let k = uid();
    let args_of = |st: &SubTrace| -> PyResult<Vec<TV>> { types.iter().map(|t| Ok(TV::S(st.arg("placeholder", t.clone())?))).collect() };
    let cst = SubTrace::begin(&format!("{name}_cond_{k}"))?;
    let cargs = args_of(&cst)?;
    let pred = cst.run(|| cond(&cargs))?;
    let pred_out = cst.output_of(&pred)?;
    let bst = SubTrace::begin(&format!("{name}_body_{}", uid()))?;
    let bargs = args_of(&bst)?;
    bst.set_captures(&cst.captures())?;
    let res = bst.run(|| body(&bargs))?;
    if res.len() != init.len() {
        return Err(Exc::runtime_error("gradient loop body returns the wrong number of values"));
    }
    let mut outs = Vec::with_capacity(res.len());
    for t in &res {
        outs.push(bst.output_of(t)?);
    }
    let caps = bst.captures();
    outs.extend(bst.capture_placeholders());
    cst.set_captures(&caps)?;
    let cond_g = cst.finish(&[pred_out])?;
    let body_g = bst.finish(&outs)?;
    let op = if cond_g.is_stateful() || body_g.is_stateful() { "While" } else { "StatelessWhile" };
    let mut ins = Vec::with_capacity(init.len() + caps.len());
    for t in init {
        ins.push(trace::to_graph(&parent, t, "input")?);
    }
    ins.extend(capture_inputs(&parent, &caps)?);
    let mut funcs: IndexMap<&'static str, Arc<FuncGraph>> = IndexMap::new();
    funcs.insert("cond", cond_g);
    funcs.insert("body", body_g);
    let res = parent
        .graph
        .with_builder(|b| b.add_func_op(&format!("{scope}/"), op, &ins, attrs![("parallel_iterations", Attr::Int(10))], funcs.clone()))??;
    let all = syms(&parent.graph, &res);
    record_node(op, &funcs, &syms(&parent.graph, &ins), &all);
    Ok(all.into_iter().take(init.len()).collect())
}

fn int32(t: &TV) -> PyResult<TV> {
    if t.dtype() == DType::Int32 {
        return Ok(t.clone());
    }
    op1("Cast", &[t], attrs![("SrcT", Attr::Type(t.dtype())), ("DstT", Attr::Type(DType::Int32)), ("Truncate", Attr::Bool(false))])
}

/// TF's `_WhileGrad`.
fn while_grad(interp: &mut Interp, body_g: &Arc<FuncGraph>, layout: &LoopLayout, r: &Record, outs: &[Option<Grad>]) -> PyResult<Vec<Option<Grad>>> {
    let n = layout.n_vars;
    let k = layout.acc_of.len() + layout.reads.len();
    let first_cap = 2 + n + k;
    let n_in = r.inputs.len();
    if n_in < first_cap || r.outputs.len() < first_cap {
        return Err(Exc::runtime_error("malformed accumulating While"));
    }
    let n_caps = n_in - first_cap;
    let seeded: Vec<bool> = (0..n).map(|i| outs.get(2 + i).is_some_and(|g| g.is_some()) && differentiable(&r.inputs[2 + i])).collect();
    let (live, live_caps) = connected(body_g, n, first_cap, n_caps, &seeded);
    let gvars: Vec<usize> = (0..n).filter(|&i| live[i] && differentiable(&r.inputs[2 + i])).collect();
    let gcaps: Vec<usize> = (0..n_caps).filter(|&c| live_caps[c] && differentiable(&r.inputs[first_cap + c])).collect();
    let mut result: Vec<Option<Grad>> = vec![None; n_in];
    if gvars.is_empty() {
        return Ok(result);
    }
    let body_args = arg_placeholders(body_g);
    let arg_type = |i: usize| -> ValueType {
        body_args.get(i).map(|&ph| body_g.node(ph).outputs[0].clone()).unwrap_or_else(|| value_type(&r.inputs[i]))
    };
    let parent = current_trace()?;
    let scope = parent.graph.with_builder(|b| b.push_name_scope("while_grad"))?;
    let res = (|| -> PyResult<Vec<Option<Grad>>> {
        let n_iter = int32(&r.outputs[0])?;
        let max_dtype = r.inputs[1].dtype();
        // Initial backward loop variables.
        let mut init: Vec<TV> = vec![trace::constant("loop_counter", Tensor::scalar_i32(0))?];
        let mut types: Vec<ValueType> = vec![ValueType::Tensor(TensorType::known(DType::Int32, &[]))];
        for &i in &gvars {
            init.push(match outs.get(2 + i).cloned().flatten() {
                Some(g) => g.dense()?,
                None => zeros_for(&r.outputs[2 + i])?,
            });
            types.push(arg_type(2 + i));
        }
        for &c in &gcaps {
            let x = &r.inputs[first_cap + c];
            let z = zeros_for(x)?;
            types.push(ValueType::Tensor(z.tensor_type()));
            init.push(z);
        }
        for j in 0..k {
            init.push(r.outputs[2 + n + j].clone());
            types.push(value_type(&r.outputs[2 + n + j]));
        }
        let ng = gvars.len();
        let nc = gcaps.len();
        let mut cap_seen = vec![false; nc];
        let finals = raw_while(
            &scope,
            &init,
            &types,
            |v| op1("Less", &[&v[0], &n_iter], Attrs::new()),
            |v| {
                // This iteration's values, popped from the accumulators.
                let mut vals: Vec<Option<TV>> = vec![None; n];
                let mut lists = Vec::with_capacity(k);
                for (j, &i) in layout.acc_of.iter().enumerate() {
                    let ValueType::List(ty) = value_type(&v[1 + ng + nc + j]) else {
                        return Err(Exc::runtime_error("accumulator is not a list"));
                    };
                    let (l, x) = pop_back(&v[1 + ng + nc + j], &ty)?;
                    lists.push(l);
                    if let Some(s) = vals.get_mut(i) {
                        *s = Some(x);
                    }
                }
                let mut preset = HashMap::new();
                for (j, &ix) in layout.reads.iter().enumerate() {
                    let slot = 1 + ng + nc + layout.acc_of.len() + j;
                    let ValueType::List(ty) = value_type(&v[slot]) else {
                        return Err(Exc::runtime_error("accumulator is not a list"));
                    };
                    let (l, x) = pop_back(&v[slot], &ty)?;
                    lists.push(l);
                    preset.insert(body_g.output(ix, 0), x);
                }
                let one = TV::E(Tensor::scalar_i32(1));
                let rev = op1("Sub", &[&n_iter, &v[0]], Attrs::new())?;
                let mut idx = op1("Sub", &[&rev, &one], Attrs::new())?;
                if max_dtype != DType::Int32 {
                    idx = op1("Cast", &[&idx], attrs![("SrcT", Attr::Type(DType::Int32)), ("DstT", Attr::Type(max_dtype)), ("Truncate", Attr::Bool(false))])?;
                }
                let mut args: Vec<Option<TV>> = vec![Some(idx), Some(r.inputs[1].clone())];
                args.extend(vals.iter().cloned());
                args.extend((0..k).map(|_| None));
                args.extend(r.inputs[first_cap..].iter().cloned().map(Some));
                let mut sources: Vec<Key> = Vec::with_capacity(ng + nc);
                for &i in &gvars {
                    let x = vals[i].as_ref().ok_or_else(|| Exc::runtime_error("loop variable not accumulated"))?;
                    sources.push(key_of(x));
                }
                for &c in &gcaps {
                    sources.push(r.in_keys[first_cap + c]);
                }
                let wanted: Vec<usize> = gvars.iter().map(|&i| 2 + i).collect();
                let seeds: Vec<TV> = v[1..1 + ng].to_vec();
                let gs = replay_grads_preset(interp, body_g, &args, &wanted, &seeds, &sources, &preset)?;
                let mut next = vec![op1("AddV2", &[&v[0], &one], Attrs::new())?];
                for (p, &i) in gvars.iter().enumerate() {
                    next.push(match &gs[p] {
                        Some(g) => g.clone(),
                        None => zeros_for(vals[i].as_ref().ok_or_else(|| Exc::runtime_error("loop variable not accumulated"))?)?,
                    });
                }
                for q in 0..nc {
                    let acc = &v[1 + ng + q];
                    next.push(match &gs[ng + q] {
                        Some(g) => {
                            cap_seen[q] = true;
                            op1("AddV2", &[acc, g], Attrs::new())?
                        }
                        None => acc.clone(),
                    });
                }
                next.extend(lists);
                Ok(next)
            },
        )?;
        for (p, &i) in gvars.iter().enumerate() {
            result[2 + i] = finals.get(1 + p).cloned().map(Grad::Dense);
        }
        for (q, &c) in gcaps.iter().enumerate() {
            if cap_seen[q] {
                result[first_cap + c] = finals.get(1 + ng + q).cloned().map(Grad::Dense);
            }
        }
        Ok(result)
    })();
    parent.graph.with_builder(|b| b.pop_name_scope())?;
    res
}
