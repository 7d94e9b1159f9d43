//! Fusion: chains of elementwise ops become one `FusedElementwise` node, and
//! elementwise ops feeding a reduction (`reduce_sum(a * b)`, softmax's
//! exp-sum) one `FusedReduction` node, so a backend can compute them in one
//! loop without materializing the intermediates.
//!
//! A fused node is a graph op whose body is a nested [`FuncGraph`] in
//! `funcs["body"]` (like `If`/`While` branches): its arguments are the
//! group's inputs from outside (small constants are copied into the body),
//! its outputs every member value used outside the group (plus the
//! reduction's result). The reference executor runs the body op by op,
//! which is the unfused semantics exactly; a compiling backend turns it
//! into one kernel.
//!
//! Grouping, in topological order: an elementwise op joins the group of one
//! of its elementwise producers when both have the same static output
//! shape (the group's iteration space; broadcast inputs from outside are
//! fine) and joining creates no cycle. A reduction whose data input comes
//! from an elementwise group (and whose axes are constants) closes that
//! group as a `FusedReduction`. Ops with control edges, graph outputs and
//! stateful ops are never fused. A group of one elementwise op is fused
//! only when its output is large or of unknown size
//! ([`LONE_MIN_ELEMS`]): a one-op kernel still beats the reference kernel
//! there.

use crate::order::{positions, sort_operations};
use crate::pass::Pass;
use crate::saturate::{const_value, has_control_edges};
use indexmap::IndexMap;
use petgraph::visit::NodeIndexable;
use petgraph::Direction;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tfjit_graph::graph_ops::{func_arg_types, func_output_types, InferCtx, RunCtx};
use tfjit_graph::{
    execute, FuncGraph, GraphBuilder, GraphOpDef, Node, NodeIndex, OpRef, Output, ResourceEffect,
    RtValue, ValueType,
};
use tfjit_tensor::op::OpClass;
use tfjit_tensor::{Attrs, TfError, TfResult};

fn body(funcs: &IndexMap<&'static str, Arc<FuncGraph>>, op: &str) -> TfResult<Arc<FuncGraph>> {
    funcs
        .get("body")
        .cloned()
        .ok_or_else(|| TfError::invalid_argument(format!("{op} has no body")))
}

fn fused_infer(cx: &InferCtx) -> TfResult<Vec<ValueType>> {
    let f = body(cx.funcs, cx.op)?;
    let want = func_arg_types(&f);
    if want.len() != cx.inputs.len() {
        return Err(TfError::value(format!(
            "{}: body takes {} arguments, got {}",
            cx.op,
            want.len(),
            cx.inputs.len()
        )));
    }
    Ok(func_output_types(&f))
}

fn fused_run(cx: &mut RunCtx, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let f = body(&cx.node.funcs, cx.node.op.name())?;
    execute(&f, xs, cx.rt)
}

/// Elementwise ops over one iteration space, body in `funcs["body"]`.
pub static FUSED_ELEMENTWISE: GraphOpDef = GraphOpDef {
    name: "FusedElementwise",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: fused_infer,
    run: fused_run,
};

/// Elementwise ops feeding one reduction, body in `funcs["body"]`.
pub static FUSED_REDUCTION: GraphOpDef = GraphOpDef {
    name: "FusedReduction",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: fused_infer,
    run: fused_run,
};

/// True for `FusedElementwise` and `FusedReduction` nodes.
pub fn is_fused(op: OpRef) -> bool {
    matches!(op, OpRef::Graph(d) if std::ptr::eq(d, &FUSED_ELEMENTWISE) || std::ptr::eq(d, &FUSED_REDUCTION))
}

/// Constants with at most this many elements are copied into fused bodies.
const INLINE_CONST_LIMIT: usize = 16;

/// The fusion pass.
#[derive(Debug, Clone)]
pub struct Fuse {
    /// Also fuse elementwise prologues into reductions.
    pub reductions: bool,
}

impl Default for Fuse {
    fn default() -> Self {
        Fuse { reductions: true }
    }
}

struct Group {
    members: Vec<NodeIndex>,
    reduction: Option<NodeIndex>,
}

fn tensor_out(node: &Node) -> Option<&tfjit_tensor::TensorType> {
    match node.outputs.as_slice() {
        [ValueType::Tensor(t)] => Some(t),
        _ => None,
    }
}

/// A pure tensor op of class `class` with one tensor output of known rank,
/// not a graph output, without control edges.
fn fusable(g: &FuncGraph, ix: NodeIndex, class: OpClass) -> bool {
    let node = g.node(ix);
    matches!(node.op, OpRef::Tensor(d) if d.class == class)
        && tensor_out(node).is_some_and(|t| t.shape.rank().is_some())
        && !g.is_pinned(ix)
        && !has_control_edges(g, ix)
}

/// Element count from which a lone elementwise op becomes a one-op
/// `FusedElementwise`.
pub const LONE_MIN_ELEMS: usize = 1 << 14;

/// A lone elementwise op is worth its own fused node when its output is
/// large or of unknown size: a backend then runs it as a compiled kernel
/// (SIMD, split across cores, reused output buffers) instead of the
/// reference kernel. Small ones stay plain ops.
fn worth_a_kernel_alone(g: &FuncGraph, ix: NodeIndex) -> bool {
    match tensor_out(g.node(ix)).and_then(|t| t.shape.dims.as_ref()) {
        Some(dims) => dims.iter().try_fold(1usize, |n, d| d.map(|d| n.saturating_mul(d))).is_none_or(|n| n >= LONE_MIN_ELEMS),
        None => false,
    }
}

/// True if any of `from` depends on a node of group `target` in the graph
/// where every group is contracted to one node (a fused node depends on
/// all its members' inputs): joining then would create a cycle.
fn depends_on(
    g: &FuncGraph,
    from: impl IntoIterator<Item = NodeIndex>,
    target: usize,
    group_of: &HashMap<NodeIndex, usize>,
    groups: &[Group],
) -> bool {
    let pg = g.petgraph();
    let mut seen = vec![false; pg.node_bound()];
    let mut stack: Vec<NodeIndex> = from.into_iter().collect();
    while let Some(n) = stack.pop() {
        match seen.get_mut(n.index()) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        match group_of.get(&n) {
            Some(&gi) if gi == target => return true,
            Some(&gi) => {
                for &m in &groups[gi].members {
                    stack.extend(pg.neighbors_directed(m, Direction::Incoming));
                }
            }
            None => stack.extend(pg.neighbors_directed(n, Direction::Incoming)),
        }
    }
    false
}

/// True if group `a`, contracted, depends on group `b`.
fn group_depends(
    g: &FuncGraph,
    a: usize,
    b: usize,
    group_of: &HashMap<NodeIndex, usize>,
    groups: &[Group],
) -> bool {
    let pg = g.petgraph();
    let starts = groups[a].members.iter().flat_map(|&m| {
        pg.neighbors_directed(m, Direction::Incoming)
            .filter(|n| group_of.get(n) != Some(&a))
    });
    depends_on(g, starts.collect::<Vec<_>>(), b, group_of, groups)
}

impl Fuse {
    fn groups(&self, g: &FuncGraph) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        let mut group_of: HashMap<NodeIndex, usize> = HashMap::new();
        let can_join = |gi: usize, ix: NodeIndex, group_of: &HashMap<NodeIndex, usize>, groups: &[Group]| {
            let starts: Vec<NodeIndex> = g
                .petgraph()
                .neighbors_directed(ix, Direction::Incoming)
                .filter(|n| group_of.get(n) != Some(&gi))
                .collect();
            !depends_on(g, starts, gi, group_of, groups)
        };
        for &ix in g.operations() {
            if fusable(g, ix, OpClass::Elementwise) {
                let shape = tensor_out(g.node(ix)).map(|t| t.shape.clone());
                // Groups of elementwise producers with the same shape.
                let mut cands: Vec<usize> = Vec::new();
                for o in g.op_inputs(ix) {
                    if let Some(&gi) = group_of.get(&o.node) {
                        let same = tensor_out(g.node(o.node)).map(|t| t.shape.clone()) == shape;
                        if same && groups[gi].reduction.is_none() && !cands.contains(&gi) {
                            cands.push(gi);
                        }
                    }
                }
                // Merge them into the first one when that keeps the graph acyclic.
                let mut target = None;
                for gi in cands {
                    match target {
                        None => target = Some(gi),
                        Some(t) => {
                            if !group_depends(g, gi, t, &group_of, &groups)
                                && !group_depends(g, t, gi, &group_of, &groups)
                            {
                                let moved = std::mem::take(&mut groups[gi].members);
                                for &m in &moved {
                                    group_of.insert(m, t);
                                }
                                groups[t].members.extend(moved);
                            }
                        }
                    }
                }
                let candidate = target.filter(|&gi| can_join(gi, ix, &group_of, &groups));
                let gi = candidate.unwrap_or_else(|| {
                    groups.push(Group {
                        members: Vec::new(),
                        reduction: None,
                    });
                    groups.len() - 1
                });
                groups[gi].members.push(ix);
                group_of.insert(ix, gi);
            } else if self.reductions && fusable(g, ix, OpClass::Reduction) {
                let ins = g.op_inputs(ix);
                let Some((data, rest)) = ins.split_first() else {
                    continue;
                };
                let Some(&gi) = group_of.get(&data.node) else {
                    continue;
                };
                if groups[gi].reduction.is_some()
                    || !rest.iter().all(|&o| const_value(g, o).is_some())
                    || !can_join(gi, ix, &group_of, &groups)
                {
                    continue;
                }
                groups[gi].reduction = Some(ix);
                groups[gi].members.push(ix);
                group_of.insert(ix, gi);
            }
        }
        groups
            .into_iter()
            .filter(|gr| {
                let ew = gr.members.len() - gr.reduction.is_some() as usize;
                if gr.reduction.is_some() {
                    ew >= 1
                } else {
                    ew >= 2 || (ew == 1 && worth_a_kernel_alone(g, gr.members[0]))
                }
            })
            .collect()
    }
}

/// Replaces one group by its fused node.
fn fuse_group(g: &mut FuncGraph, gr: &Group, keys: &mut HashMap<NodeIndex, u64>, pos: &[u64]) -> TfResult<()> {
    let set: HashSet<NodeIndex> = gr.members.iter().copied().collect();
    let (kind, hint) = if gr.reduction.is_some() {
        (&FUSED_REDUCTION, "FusedReduction")
    } else {
        (&FUSED_ELEMENTWISE, "FusedElementwise")
    };
    let name = g.unused_op_name(hint);
    let mut b = GraphBuilder::new(&format!("{name}_body"));
    let mut inner: HashMap<Output, Output> = HashMap::new();
    let mut ext_inputs: Vec<Output> = Vec::new();
    let mut outs: Vec<Output> = Vec::new();
    let mut out_types: Vec<ValueType> = Vec::new();
    let mut body_outs: Vec<Output> = Vec::new();
    for &m in &gr.members {
        let mut ins = Vec::new();
        for o in g.op_inputs(m) {
            let io = match inner.get(&o) {
                Some(&io) => io,
                None => {
                    let producer = g.node(o.node).name.clone();
                    let io = match const_value(g, o) {
                        Some(t) if t.num_elements() <= INLINE_CONST_LIMIT => {
                            b.add_const(&format!("{producer}/"), t.clone())
                        }
                        _ => {
                            ext_inputs.push(o);
                            b.add_placeholder(&producer, g.value_type(o).clone())
                        }
                    };
                    inner.insert(o, io);
                    io
                }
            };
            ins.push(io);
        }
        let node = g.node(m);
        let r = b.add_op(&format!("{}/", node.name), node.op.name(), &ins, node.attrs.clone())?;
        let (Some(&io), Some(ty)) = (r.first(), node.outputs.first()) else {
            return Err(TfError::invalid_argument("fusion: op without output"));
        };
        let out = g.output(m, 0);
        inner.insert(out, io);
        let used_outside = g.consumers(out).iter().any(|(c, _)| !set.contains(c));
        if used_outside || Some(m) == gr.reduction {
            outs.push(out);
            out_types.push(ty.clone());
            body_outs.push(io);
        }
    }
    let body = b.finish(&body_outs)?;
    let node = Node {
        op: OpRef::Graph(kind),
        name,
        attrs: Attrs::new(),
        funcs: IndexMap::from([("body", Arc::new(body))]),
        outputs: out_types,
    };
    let last = gr.members.iter().map(|m| pos[m.index()]).max().unwrap_or(0);
    let fused = g.add_node(node, &ext_inputs, None)?;
    keys.insert(fused, 2 * last + 1);
    for (i, &o) in outs.iter().enumerate() {
        g.replace_uses(o, g.output(fused, i))?;
    }
    for &m in gr.members.iter().rev() {
        g.remove_node(m)?;
    }
    Ok(())
}

impl Pass for Fuse {
    fn name(&self) -> &'static str {
        "fuse"
    }

    fn run(&self, g: &mut FuncGraph) -> TfResult<bool> {
        let groups = self.groups(g);
        if groups.is_empty() {
            return Ok(false);
        }
        let pos = positions(g);
        let mut keys = HashMap::new();
        let mut groups = groups;
        for gr in &mut groups {
            gr.members.sort_by_key(|m| pos[m.index()]);
        }
        for gr in &groups {
            fuse_group(g, gr, &mut keys, &pos)?;
        }
        sort_operations(g, |ix| {
            keys.get(&ix)
                .copied()
                .unwrap_or_else(|| pos.get(ix.index()).map_or(u64::MAX, |p| 2 * p + 1))
        })?;
        Ok(true)
    }
}
