//! Replaying a finished function graph (a branch or a loop body) into the
//! current trace, so the gradient functions of `If`/`While` can
//! differentiate it: the ops that the requested outputs depend on are
//! rebuilt on new inputs through the op funnel, so an active (local) tape
//! records them. Variable reads are recorded as reads of their variables;
//! nested `If`/`While` ops are recorded as control-flow ops (their gradients
//! nest). Side-effect-only ops (assignments, printing) are not replayed: only
//! what the requested outputs depend on through data edges is.

use crate::exc::{Exc, PyResult};
use crate::tf::cflow::grad;
use crate::tf::trace::{self, Sym, TV};
use crate::tf::variable::lookup_cell;
use std::collections::{HashMap, HashSet};
use tfjit_graph::{CaptureKind, FuncGraph, NodeIndex, OpRef, Output};
use tfjit_tensor::Attr;

/// The arguments of `g` in call order: its inputs, then its symbolic captures.
pub fn arg_placeholders(g: &FuncGraph) -> Vec<NodeIndex> {
    let mut v: Vec<NodeIndex> = g.inputs().to_vec();
    v.extend(g.symbolic_captures().map(|(ph, _)| ph));
    v
}

/// The nodes outputs `wanted` of `g` depend on through data edges.
pub fn cone(g: &FuncGraph, wanted: &[Output]) -> HashSet<NodeIndex> {
    let mut seen: HashSet<NodeIndex> = HashSet::new();
    let mut stack: Vec<NodeIndex> = wanted.iter().map(|o| o.node).collect();
    while let Some(ix) = stack.pop() {
        if !seen.insert(ix) {
            continue;
        }
        for o in g.op_inputs(ix) {
            stack.push(o.node);
        }
    }
    seen
}

/// Rebuilds the ops of `g` that outputs `wanted` (indices into
/// `g.outputs()`) depend on, in the current trace, with argument `i` of `g`
/// bound to `args[i]` (`None`: not available — an error if it is needed).
/// `preset` gives values of `ReadVariableOp` outputs of `g` saved by the
/// forward computation (a loop's per-iteration reads): they are used, and
/// recorded as reads of their variables, instead of reading again.
/// Returns the requested outputs, in `wanted` order.
pub fn replay(g: &FuncGraph, args: &[Option<TV>], wanted: &[usize], preset: &HashMap<Output, TV>) -> PyResult<Vec<TV>> {
    let ctx = trace::current().ok_or_else(|| Exc::runtime_error("replaying a function graph outside of a trace"))?;
    let outs: Vec<Output> = wanted
        .iter()
        .map(|&i| g.outputs().get(i).copied().ok_or_else(|| Exc::runtime_error(format!("{} has no output {i}", g.name()))))
        .collect::<PyResult<_>>()?;
    let need = cone(g, &outs);
    let mut map: HashMap<Output, TV> = HashMap::new();
    let phs = arg_placeholders(g);
    for (ph, a) in phs.iter().zip(args) {
        if let Some(a) = a {
            map.insert(g.output(*ph, 0), a.clone());
        }
    }
    for cap in g.captures() {
        let o = g.output(cap.placeholder, 0);
        match &cap.kind {
            CaptureKind::Variable(id) if need.contains(&cap.placeholder) => {
                let cell = lookup_cell(*id).ok_or_else(|| Exc::runtime_error("captured variable no longer exists"))?;
                let h = cell.handle(&ctx)?;
                map.insert(o, TV::S(Sym::new(&ctx.graph, h)));
            }
            CaptureKind::Tensor(t) => {
                map.insert(o, TV::E(t.clone()));
            }
            _ => {}
        }
    }
    for &ix in g.operations() {
        if !need.contains(&ix) {
            continue;
        }
        let node = g.node(ix);
        let name = node.op.name();
        if name == "Placeholder" {
            if !map.contains_key(&g.output(ix, 0)) {
                return Err(Exc::not_implemented(format!(
                    "the gradient of {} needs a value that is not kept per iteration ({}; e.g. a TensorArray loop variable) — not implemented in tfjit yet",
                    g.name(),
                    node.name
                )));
            }
            continue;
        }
        if name == "ReadVariableOp" {
            if let Some(v) = preset.get(&g.output(ix, 0)) {
                let h = g.op_inputs(ix).first().and_then(|o| map.get(o)).cloned();
                let v = match h.as_ref().and_then(grad::resolve_var).and_then(lookup_cell) {
                    Some(cell) => crate::tf::tape::record_read(&cell, v.clone()),
                    None => v.clone(),
                };
                map.insert(g.output(ix, 0), v);
                continue;
            }
        }
        let ins: Vec<TV> = g
            .op_inputs(ix)
            .into_iter()
            .map(|o| map.get(&o).cloned().ok_or_else(|| Exc::runtime_error(format!("replaying {}: input not computed", node.name))))
            .collect::<PyResult<_>>()?;
        let results: Vec<TV> = match node.op {
            _ if name == "Const" => match node.attrs.get("value") {
                Some(Attr::Tensor(t)) => vec![trace::constant(&node.name, t.clone())?],
                _ => return Err(Exc::runtime_error(format!("Const {} has no value", node.name))),
            },
            OpRef::Tensor(_) => {
                let refs: Vec<&TV> = ins.iter().collect();
                trace::run_op(&node.name, name, &refs, node.attrs.clone())?
            }
            OpRef::Graph(_) => {
                let os = graph_op(&ctx, &node.name, name, &ins, node)?;
                if name == "ReadVariableOp" {
                    if let (Some(h), Some(v)) = (ins.first(), os.first()) {
                        if let Some(cell) = grad::resolve_var(h).and_then(lookup_cell) {
                            vec![crate::tf::tape::record_read(&cell, v.clone())]
                        } else {
                            os
                        }
                    } else {
                        os
                    }
                } else {
                    if grad::is_cflow(name) {
                        grad::record_node(name, &node.funcs, &ins, &os);
                    }
                    os
                }
            }
        };
        for (i, t) in results.into_iter().enumerate() {
            map.insert(g.output(ix, i), t);
        }
    }
    outs.iter()
        .map(|o| map.get(o).cloned().ok_or_else(|| Exc::runtime_error(format!("replaying {}: output not computed", g.name()))))
        .collect()
}

/// Adds graph-level op `op` (e.g. `ReadVariableOp`, `If`, `TensorList*`)
/// to the current trace, copying `node`'s attributes and functions.
fn graph_op(ctx: &trace::TraceCtx, name: &str, op: &str, ins: &[TV], node: &tfjit_graph::Node) -> PyResult<Vec<TV>> {
    let mut os = Vec::with_capacity(ins.len());
    for x in ins {
        os.push(trace::to_graph(ctx, x, "input")?);
    }
    let res = ctx
        .graph
        .with_builder(|b| b.add_func_op(name, op, &os, node.attrs.clone(), node.funcs.clone()))??;
    Ok(res.into_iter().map(|o| TV::S(Sym::new(&ctx.graph, o))).collect())
}
