//! Equality saturation over a graph's pure ops: the [`Saturate`] pass.
//!
//! 1. The *region* — pure single-output tensor ops without control edges
//!    that are not graph outputs — is added to an e-graph (inputs from
//!    outside become `Leaf`s, `Const`s become constant leaves). Identical
//!    ops land in one e-class: CSE by construction.
//! 2. The rules of [`crate::simplify`] run with constant folding
//!    ([`crate::fold`]) under node, iteration and time limits.
//! 3. For every value the rest of the graph reads, the cheapest equivalent
//!    ([`crate::cost`]) is extracted and written back: ops that survive keep
//!    their node (name, index, position); new ops are named after an op
//!    they replace. Every value the outside reads keeps its static type, or
//!    the pass changes nothing.

use crate::cost::TfCost;
use crate::fold::{TfAnalysis, TfEGraph};
use crate::language::{AttrsId, ConstId, TfLang};
use crate::order::{positions, sort_operations};
use crate::pass::Pass;
use crate::simplify::all_rules;
use egg::{Extractor, Id, Language, Runner};
use indexmap::IndexMap;
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use std::collections::HashMap;
use std::time::Duration;
use tfjit_graph::{Edge, FuncGraph, Node, NodeIndex, OpRef, Output, ValueType};
use tfjit_tensor::op::OpClass;
use tfjit_tensor::{Attr, Attrs, InputInfo, Tensor, TfResult};

/// Constant folding, algebraic simplification and CSE on an e-graph.
#[derive(Debug, Clone)]
pub struct Saturate {
    /// Most rule-application rounds.
    pub iter_limit: usize,
    /// Most e-nodes before saturation stops.
    pub node_limit: usize,
    /// Longest time saturation may take.
    pub time_limit: Duration,
    /// Largest folded constant, in elements.
    pub fold_limit: usize,
}

impl Default for Saturate {
    fn default() -> Self {
        Saturate {
            iter_limit: 8,
            node_limit: 10_000,
            time_limit: Duration::from_millis(5),
            fold_limit: crate::fold::DEFAULT_FOLD_LIMIT,
        }
    }
}

/// Whether node `ix` takes part in saturation.
fn in_region(g: &FuncGraph, ix: NodeIndex) -> bool {
    let node = g.node(ix);
    let OpRef::Tensor(def) = node.op else {
        return false;
    };
    def.class != OpClass::Stateful
        && matches!(node.outputs.as_slice(), [ValueType::Tensor(_)])
        && !has_control_edges(g, ix)
        && !g.is_pinned(ix)
        && g
            .op_inputs(ix)
            .iter()
            .all(|&o| g.value_type(o).as_tensor().is_some())
}

pub(crate) fn has_control_edges(g: &FuncGraph, ix: NodeIndex) -> bool {
    let pg = g.petgraph();
    pg.edges_directed(ix, Direction::Incoming)
        .chain(pg.edges_directed(ix, Direction::Outgoing))
        .any(|e| *e.weight() == Edge::Control)
}

/// The value of `o` if it is the output of a plain `Const` op.
pub(crate) fn const_value(g: &FuncGraph, o: Output) -> Option<&Tensor> {
    let node = g.node(o.node);
    if node.op.name() != "Const" || has_control_edges(g, o.node) {
        return None;
    }
    match node.attrs.get("value") {
        Some(Attr::Tensor(t)) => Some(t),
        _ => None,
    }
}

/// How one extracted e-class is materialized.
enum Step {
    /// An existing tensor (leaf, or an existing `Const`).
    Existing(Output),
    /// An original op node kept, its inputs set to these classes.
    Reuse(NodeIndex, Vec<Id>),
    /// A new `Const`.
    NewConst(ConstId, String),
    /// A new op: name, attrs, input classes, name hint.
    NewOp(&'static str, AttrsId, Vec<Id>, String),
}

struct Planned {
    step: Step,
    ty: ValueType,
    anchor: u64,
}

/// The e-graph built from a graph's region, and how to map it back.
struct Built {
    eg: TfEGraph,
    region: Vec<NodeIndex>,
    class_of: HashMap<NodeIndex, Id>,
    enode_of: HashMap<NodeIndex, TfLang>,
    const_nodes: HashMap<ConstId, NodeIndex>,
    /// (consumer, input index, class read, type read).
    roots: Vec<(NodeIndex, usize, Id, ValueType)>,
}

fn build(g: &FuncGraph, fold_limit: usize) -> Built {
    let mut eg = TfEGraph::new(TfAnalysis {
        fold_limit,
        ..TfAnalysis::default()
    });
    let region: Vec<NodeIndex> = g
        .operations()
        .iter()
        .copied()
        .filter(|&ix| in_region(g, ix))
        .collect();
    let mut class_of: HashMap<NodeIndex, Id> = HashMap::new();
    let mut enode_of = HashMap::new();
    let mut leaves: HashMap<Output, Id> = HashMap::new();
    let mut const_nodes = HashMap::new();
    for &ix in &region {
        let node = g.node(ix);
        let a = eg.analysis.tables.intern_attrs(&node.attrs);
        let mut children = vec![eg.add(TfLang::Attrs(a))];
        for o in g.op_inputs(ix) {
            let id = if let Some(&c) = class_of.get(&o.node) {
                c
            } else if let Some(t) = const_value(g, o) {
                let k = eg.analysis.tables.intern_const(t);
                const_nodes.entry(k).or_insert(o.node);
                eg.add(TfLang::Const(k))
            } else if let Some(&l) = leaves.get(&o) {
                l
            } else {
                let ty = g.value_type(o).as_tensor().cloned().unwrap_or_else(|| {
                    tfjit_tensor::TensorType::new(
                        tfjit_tensor::DType::Bool,
                        tfjit_tensor::StaticShape::unknown_rank(),
                    )
                });
                let l = eg.analysis.tables.add_leaf(o, ty);
                let id = eg.add(TfLang::Leaf(l));
                leaves.insert(o, id);
                id
            };
            children.push(id);
        }
        let enode = TfLang::op(node.op.name(), children);
        let id = eg.add(enode.clone());
        class_of.insert(ix, id);
        enode_of.insert(ix, enode);
    }
    let mut roots = Vec::new();
    for &ix in &region {
        let out = g.output(ix, 0);
        for (cons, inp) in g.consumers(out) {
            if !class_of.contains_key(&cons) {
                roots.push((cons, inp, class_of[&ix], g.value_type(out).clone()));
            }
        }
    }
    Built {
        eg,
        region,
        class_of,
        enode_of,
        const_nodes,
        roots,
    }
}

/// The static type of an op on inputs of these classes, by its shape rule.
fn infer(
    eg: &TfEGraph,
    name: &str,
    attrs: &Attrs,
    kids: &[Id],
    tys: &[&ValueType],
) -> Option<ValueType> {
    let def = tfjit_tensor::op::lookup(name)?;
    let mut infos = Vec::with_capacity(kids.len());
    for (k, ty) in kids.iter().zip(tys) {
        infos.push(InputInfo {
            ty: ty.as_tensor()?.clone(),
            value: eg[*k].data.konst.as_ref(),
        });
    }
    match (def.infer)(&infos, attrs) {
        Ok(mut v) if v.len() == 1 => Some(ValueType::Tensor(v.remove(0))),
        _ => None,
    }
}

impl Saturate {
    /// Plans the extraction of every root class; `None` if some value would
    /// change type (then the graph is left alone).
    fn plan(&self, g: &FuncGraph, b: &Built) -> Option<(Vec<Planned>, HashMap<Id, usize>)> {
        let eg = &b.eg;
        let ext = Extractor::new(eg, TfCost);
        let pos = positions(g);
        let mut members: HashMap<Id, Vec<NodeIndex>> = HashMap::new();
        for &ix in &b.region {
            members.entry(eg.find(b.class_of[&ix])).or_default().push(ix);
        }
        let mut plan: Vec<Planned> = Vec::new();
        let mut index: HashMap<Id, usize> = HashMap::new();
        // Iterative post-order: (class, anchor, children pushed?).
        let mut stack: Vec<(Id, u64, bool)> = b
            .roots
            .iter()
            .rev()
            .map(|&(cons, _, c, _)| (eg.find(c), pos[cons.index()], false))
            .collect();
        while let Some((c, parent_anchor, expanded)) = stack.pop() {
            if index.contains_key(&c) {
                continue;
            }
            let best = ext.find_best_node(c).clone();
            let ms = members.get(&c);
            let anchor = ms
                .and_then(|m| m.iter().map(|ix| pos[ix.index()]).min())
                .unwrap_or(parent_anchor);
            let hint = ms
                .and_then(|m| m.first())
                .map(|&ix| g.node(ix).name.clone());
            let kids: Vec<Id> = best
                .split_op()
                .map(|(_, ins)| ins.iter().map(|&k| eg.find(k)).collect())
                .unwrap_or_default();
            if !expanded && kids.iter().any(|k| !index.contains_key(k)) {
                stack.push((c, parent_anchor, true));
                for &k in kids.iter().rev() {
                    if !index.contains_key(&k) {
                        stack.push((k, anchor, false));
                    }
                }
                continue;
            }
            let kid_tys: Vec<&ValueType> = kids
                .iter()
                .map(|k| index.get(k).map(|&i| &plan[i].ty))
                .collect::<Option<_>>()?;
            let (step, ty) = match &best {
                TfLang::Leaf(l) => {
                    let (o, _) = eg.analysis.tables.leaves.get(l.index())?;
                    (Step::Existing(*o), g.value_type(*o).clone())
                }
                TfLang::Const(k) => {
                    let t = eg.analysis.tables.konst(*k)?;
                    let ty = ValueType::Tensor(t.tensor_type());
                    match b.const_nodes.get(k) {
                        Some(&ix) => (Step::Existing(g.output(ix, 0)), ty),
                        None => (
                            Step::NewConst(*k, hint.unwrap_or_else(|| "Const".into())),
                            ty,
                        ),
                    }
                }
                TfLang::Attrs(_) => return None,
                op => {
                    let name = op.op_name()?;
                    let (a, _) = op.split_op()?;
                    let TfLang::Attrs(aid) = eg[a].nodes.first()? else {
                        return None;
                    };
                    let attrs = eg.analysis.tables.attrs_of(*aid)?;
                    let ty = infer(eg, name, attrs, &kids, &kid_tys)?;
                    let canon = op.clone().map_children(|x| eg.find(x));
                    let reuse = ms.and_then(|m| {
                        m.iter().copied().find(|ix| {
                            b.enode_of[ix].clone().map_children(|x| eg.find(x)) == canon
                        })
                    });
                    match reuse {
                        Some(ix) => {
                            if g.node(ix).outputs.first() != Some(&ty) {
                                return None;
                            }
                            (Step::Reuse(ix, kids.clone()), ty)
                        }
                        None => (
                            Step::NewOp(name, *aid, kids.clone(), hint.unwrap_or_else(|| name.into())),
                            ty,
                        ),
                    }
                }
            };
            index.insert(c, plan.len());
            plan.push(Planned { step, ty, anchor });
        }
        for (_, _, c, ty) in &b.roots {
            let i = index.get(&eg.find(*c))?;
            if &plan[*i].ty != ty {
                return None;
            }
        }
        Some((plan, index))
    }
}

impl Pass for Saturate {
    fn name(&self) -> &'static str {
        "saturate"
    }

    fn run(&self, g: &mut FuncGraph) -> TfResult<bool> {
        let b = build(g, self.fold_limit);
        if b.roots.is_empty() {
            return Ok(false);
        }
        let Built {
            eg,
            region,
            class_of,
            enode_of,
            const_nodes,
            roots,
        } = b;
        let runner = run_without_calibration(|| {
            Runner::default()
                .with_egraph(eg)
                .with_iter_limit(self.iter_limit)
                .with_node_limit(self.node_limit)
                .with_time_limit(self.time_limit)
        });
        if std::env::var_os("TFJIT_OPT_REPORT").is_some() {
            // Debugging aid: egg's report (iterations, stop reason, sizes).
            runner.print_report();
        }
        let b = Built {
            eg: runner.egraph,
            region,
            class_of,
            enode_of,
            const_nodes,
            roots,
        };
        let Some((plan, index)) = self.plan(g, &b) else {
            return Ok(false);
        };
        apply(g, &b, &plan, &index)
    }
}

/// Writes the plan back into the graph.
fn apply(
    g: &mut FuncGraph,
    b: &Built,
    plan: &[Planned],
    index: &HashMap<Id, usize>,
) -> TfResult<bool> {
    let eg = &b.eg;
    let pos = positions(g);
    let mut changed = false;
    let reused: std::collections::HashSet<NodeIndex> = plan
        .iter()
        .filter_map(|p| match p.step {
            Step::Reuse(ix, _) => Some(ix),
            _ => None,
        })
        .collect();
    for &ix in &b.region {
        if !reused.contains(&ix) {
            g.remove_node(ix)?;
            changed = true;
        }
    }
    let mut keys: HashMap<NodeIndex, u64> = HashMap::new();
    let mut outs: Vec<Output> = Vec::with_capacity(plan.len());
    for p in plan {
        let kid_out = |kids: &[Id], outs: &[Output]| -> Vec<Output> {
            kids.iter().map(|k| outs[index[k]]).collect()
        };
        let o = match &p.step {
            Step::Existing(o) => *o,
            Step::Reuse(ix, kids) => {
                let want = kid_out(kids, &outs);
                for (i, w) in want.iter().enumerate() {
                    if input_of(g, *ix, i) != Some(*w) {
                        g.set_input(*ix, i, *w)?;
                        changed = true;
                    }
                }
                g.output(*ix, 0)
            }
            Step::NewConst(k, hint) => {
                let t = eg.analysis.tables.konst(*k).cloned().ok_or_else(|| {
                    tfjit_tensor::TfError::invalid_argument("optimizer: unknown constant")
                })?;
                let mut attrs = Attrs::new();
                attrs.insert("dtype", Attr::Type(t.dtype()));
                attrs.insert("value", Attr::Tensor(t));
                let op = OpRef::lookup("Const").ok_or_else(|| {
                    tfjit_tensor::TfError::invalid_argument("optimizer: no Const op")
                })?;
                let ix = add(g, op, hint, attrs, p.ty.clone(), &[])?;
                keys.insert(ix, 2 * p.anchor);
                changed = true;
                g.output(ix, 0)
            }
            Step::NewOp(name, aid, kids, hint) => {
                let attrs = eg.analysis.tables.attrs_of(*aid).cloned().unwrap_or_default();
                let op = OpRef::lookup(name).ok_or_else(|| {
                    tfjit_tensor::TfError::invalid_argument(format!("optimizer: no op {name}"))
                })?;
                let ins = kid_out(kids, &outs);
                let ix = add(g, op, hint, attrs, p.ty.clone(), &ins)?;
                keys.insert(ix, 2 * p.anchor);
                changed = true;
                g.output(ix, 0)
            }
        };
        outs.push(o);
    }
    for &(cons, inp, c, _) in &b.roots {
        let new = outs[index[&eg.find(c)]];
        if input_of(g, cons, inp) != Some(new) {
            g.set_input(cons, inp, new)?;
            changed = true;
        }
    }
    if changed {
        sort_operations(g, |ix| {
            keys.get(&ix)
                .copied()
                .unwrap_or_else(|| pos.get(ix.index()).map_or(u64::MAX, |p| 2 * p + 1))
        })?;
    }
    Ok(changed)
}

/// What feeds input `inp` of `node` (after removals, inputs can have gaps).
fn input_of(g: &FuncGraph, node: NodeIndex, inp: usize) -> Option<Output> {
    g.petgraph()
        .edges_directed(node, Direction::Incoming)
        .find_map(|e| match *e.weight() {
            Edge::Data { out, inp: i } if i == inp => Some(g.output(e.source(), out)),
            _ => None,
        })
}

fn add(
    g: &mut FuncGraph,
    op: OpRef,
    hint: &str,
    attrs: Attrs,
    ty: ValueType,
    ins: &[Output],
) -> TfResult<NodeIndex> {
    let node = Node {
        op,
        name: g.unused_op_name(hint),
        attrs,
        funcs: IndexMap::new(),
        outputs: vec![ty],
    };
    g.add_node(node, ins, None)
}

/// Runs `all_rules()` on the runner `make` builds, on a clock driven by
/// `std::time` instead of `quanta`'s global one.
///
/// egg times its iterations with `quanta::Instant`, whose global clock
/// calibrates itself on first use by busy-looping for at least 0.5 ms and up
/// to 200 ms (measured: 22% of the instructions of `trace_latency`'s first
/// call, and its 10–40 ms outliers). A mock clock needs no calibration; a
/// hook advances it to the real elapsed time before each iteration, so the
/// runner's time limit still holds.
fn run_without_calibration(
    make: impl FnOnce() -> Runner<crate::language::TfLang, crate::fold::TfAnalysis>,
) -> Runner<crate::language::TfLang, crate::fold::TfAnalysis> {
    let (clock, mock) = quanta::Clock::mock();
    let start = std::time::Instant::now();
    quanta::with_clock(&clock, || {
        make()
            .with_hook(move |_| {
                let real = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
                mock.increment(real.saturating_sub(mock.value()));
                Ok(())
            })
            .run(all_rules())
    })
}
