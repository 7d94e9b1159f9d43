//! [`CompiledFunction`]: a graph's schedule with each op bound to how it
//! runs — a native kernel, a native region, compiled nested graphs, or the
//! reference kernel — executed with exactly `tfjit_graph::execute`'s
//! semantics (same outputs, errors and print order). Consecutive
//! independent matrix products run concurrently, one per core (`groups`).

mod groups;

use crate::fused::FusedKernel;
use crate::native::{self, NativeFn, Unit};
use crate::plan::{schedule, Step};
use crate::rows::{Prologue, RowKernel, SoftmaxKernel};
use std::sync::Arc;
use tfjit_graph::graph_ops::RunCtx;
use tfjit_graph::{CaptureKind, FuncGraph, NodeIndex, OpRef, Output, RtValue, Runtime};
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::{DType, Tensor, TfError, TfResult};

/// How one scheduled op runs.
pub(crate) enum Exec {
    /// The op's reference kernel (or graph-op kernel).
    Ref { why: String },
    /// A compiled fused kernel (falls back to `Ref` for inputs it was not
    /// built for).
    Fused(Arc<FusedKernel>),
    /// The op (a `While`/`If`) compiled with its bodies into one native function.
    Native(NativeFn),
    /// A `While` whose cond and body are compiled functions.
    While { cond: Box<CompiledFunction>, body: Box<CompiledFunction> },
    /// An `If` whose branches are compiled functions.
    If { then_: Box<CompiledFunction>, else_: Box<CompiledFunction> },
    /// A row-wise reduction kernel; `pre[k]` is set where input `k` is the
    /// logits of an absorbed softmax (node, kernel) computed per row.
    Rows { k: Arc<RowKernel>, pre: Vec<Option<(NodeIndex, Prologue)>> },
    /// A `Softmax`/`LogSoftmax` kernel.
    Softmax(Arc<SoftmaxKernel>),
    /// A fused kernel with the `MatMul` producing one of its inputs
    /// computed inside it, block by block (`epilogue.rs`).
    Epilogue(Arc<crate::epilogue::Epilogue>),
    /// An `AssignSub`/`AssignAddVariableOp` whose value the fused kernel
    /// step `kernel` (absorbed) computes, applied in place (`update.rs`).
    Update { upd: Arc<crate::update::FusedUpdate>, kernel: NodeIndex },
    /// A softmax computed inside its only consumer (an `Exec::Rows`), a
    /// product inside its kernel's `Exec::Epilogue`, or a kernel inside its
    /// variable update's `Exec::Update`.
    Absorbed,
    /// `StridedSlice` with its masks parsed at compile time.
    StridedSlice(tfjit_tensor::ops::index::SliceMasks),
    /// `Identity` of a tensor: the value itself (the reference kernel
    /// returns a clone, same buffer and identity).
    Identity,
}

pub(crate) struct CStep {
    pub(crate) step: Step,
    pub(crate) exec: Exec,
    /// Where each input is read: its value slot, and whether this is the
    /// value's last use (then the step takes it instead of cloning it, so a
    /// uniquely held buffer or list can be updated in place).
    ins: Vec<(u32, bool)>,
    /// The slot of output 0 (outputs are consecutive).
    out: u32,
    /// A fed argument or capture: nothing to run.
    pub(crate) fed: bool,
    /// On the first step of a group of independent products (see
    /// [`groups`]): how many consecutive steps the group spans (its products
    /// and fed placeholders between them, which run nothing); else 0.
    pub(crate) group: u32,
}

/// A graph compiled for the CPU.
pub struct CompiledFunction {
    pub(crate) graph: Arc<FuncGraph>,
    /// The whole graph as one native function, when every value fits.
    pub(crate) native: Option<NativeFn>,
    /// Why the whole graph is not one native function.
    pub(crate) native_reject: Option<String>,
    pub(crate) steps: Vec<CStep>,
    slots: Slots,
}

/// The flat value table of a step-by-step run: one slot per output of every
/// node, fixed at compile time (no per-call hashing or per-node vectors).
struct Slots {
    len: usize,
    /// Per argument (inputs, then symbolic captures): its placeholder and
    /// slot, or `None` when nothing reads it (then it is only type-checked).
    args: Vec<(NodeIndex, Option<u32>)>,
    /// Captured constants and variables: placeholder and slot.
    fixed: Vec<(NodeIndex, Option<u32>, RtValue)>,
    /// Per graph output: its slot, and whether it is the last read of it.
    outs: Vec<(u32, bool)>,
}

fn at_node(mut e: TfError, name: &str) -> TfError {
    if !e.message.contains("[[{{node ") {
        e.message = format!("{}\n\t [[{{{{node {name}}}}}]]", e.message);
    }
    e
}

fn truthy(t: &Tensor) -> bool {
    if t.rank() == 0 {
        t.scalar_value_f64().is_some_and(|v| v != 0.0)
    } else {
        t.num_elements() > 0
    }
}

fn input_types(g: &FuncGraph, step: &Step) -> Vec<tfjit_graph::ValueType> {
    step.inputs.iter().map(|&o| g.value_type(o).clone()).collect()
}

/// Compiles `graph` (normally the optimizer's output).
pub fn compile(graph: &FuncGraph) -> TfResult<CompiledFunction> {
    compile_arc(Arc::new(graph.clone()))
}

pub(crate) fn compile_arc(graph: Arc<FuncGraph>) -> TfResult<CompiledFunction> {
    let (native, native_reject) = match native::compile(Unit::Graph(&graph)) {
        Ok(n) => (Some(n), None),
        Err(r) => (None, Some(r)),
    };
    let sched = schedule(&graph)?;
    let mut steps = Vec::with_capacity(sched.len());
    for step in sched {
        let exec = if native.is_some() {
            Exec::Ref { why: "fallback of the native function".into() }
        } else {
            plan_step(&graph, &step)?
        };
        steps.push(CStep { step, exec, ins: Vec::new(), out: 0, fed: false, group: 0 });
    }
    absorb_softmax(&graph, &mut steps);
    absorb_products(&graph, &mut steps);
    absorb_updates(&graph, &mut steps);
    let slots = assign_slots(&graph, &mut steps);
    groups::mark(&graph, &mut steps, tfjit_tensor::pool::threads());
    Ok(CompiledFunction { graph, native, native_reject, steps, slots })
}

/// Numbers every node output, and marks each value's last read (by a step,
/// else by the graph's outputs) so the run can move it instead of cloning.
fn assign_slots(g: &FuncGraph, steps: &mut [CStep]) -> Slots {
    use petgraph::visit::NodeIndexable;
    let bound = g.petgraph().node_bound();
    let mut base = vec![u32::MAX; bound];
    let mut len = 0usize;
    for ix in g.petgraph().node_indices() {
        base[ix.index()] = len as u32;
        len += g.node(ix).outputs.len().max(1);
    }
    let slot = |o: &Output| base.get(o.node.index()).copied().unwrap_or(u32::MAX).saturating_add(o.index as u32);
    let mut scheduled = vec![false; bound];
    for cs in steps.iter() {
        scheduled[cs.step.node.index()] = true;
    }
    let fed_slot = |ix: NodeIndex| scheduled.get(ix.index()).copied().unwrap_or(false).then(|| slot(&g.output(ix, 0)));
    let mut fed = vec![false; bound];
    let mut args: Vec<(NodeIndex, Option<u32>)> = g.inputs().iter().map(|&ix| (ix, fed_slot(ix))).collect();
    args.extend(g.symbolic_captures().map(|(ix, _)| (ix, fed_slot(ix))));
    let mut fixed = Vec::new();
    for c in g.captures() {
        let v = match &c.kind {
            CaptureKind::Tensor(t) => RtValue::Tensor(t.clone()),
            CaptureKind::Variable(id) => RtValue::Resource(*id),
            CaptureKind::Symbolic(_) => continue,
        };
        fixed.push((c.placeholder, fed_slot(c.placeholder), v));
    }
    for &ix in g.inputs().iter().chain(g.captures().iter().map(|c| &c.placeholder)) {
        if let Some(f) = fed.get_mut(ix.index()) {
            *f = true;
        }
    }
    // The last reader of each slot: (step, input position); graph outputs
    // are read after every step.
    let mut last: Vec<Option<(usize, usize)>> = vec![None; len];
    let outs: Vec<u32> = g.outputs().iter().map(slot).collect();
    for (si, cs) in steps.iter_mut().enumerate() {
        cs.fed = fed[cs.step.node.index()];
        cs.out = slot(&g.output(cs.step.node, 0));
        if matches!(cs.exec, Exec::Absorbed) {
            continue;
        }
        cs.ins = cs.step.inputs.iter().map(|o| (slot(o), false)).collect();
        for (k, &(sl, _)) in cs.ins.iter().enumerate() {
            if let Some(l) = last.get_mut(sl as usize) {
                *l = Some((si, k));
            }
        }
    }
    for &o in &outs {
        if let Some(l) = last.get_mut(o as usize) {
            *l = None;
        }
    }
    for (si, cs) in steps.iter_mut().enumerate() {
        for (k, inp) in cs.ins.iter_mut().enumerate() {
            inp.1 = last.get(inp.0 as usize).copied().flatten() == Some((si, k));
        }
    }
    let outs = outs.iter().enumerate().map(|(i, &o)| (o, !outs[i + 1..].contains(&o))).collect();
    Slots { len, args, fixed, outs }
}

/// Each scheduled node's step index.
fn step_positions(steps: &[CStep]) -> std::collections::HashMap<NodeIndex, usize> {
    steps.iter().enumerate().map(|(i, cs)| (cs.step.node, i)).collect()
}

/// Softmaxes whose only consumer is a row kernel become its row prologue.
fn absorb_softmax(g: &FuncGraph, steps: &mut [CStep]) {
    use petgraph::visit::EdgeRef;
    use petgraph::Direction;
    let pos = step_positions(steps);
    for si in 0..steps.len() {
        let Exec::Softmax(sk) = &steps[si].exec else { continue };
        let sk = sk.clone();
        let s_node = steps[si].step.node;
        let out = g.output(s_node, 0);
        let Some(&x) = steps[si].step.inputs.first() else { continue };
        let rank_known = g.value_type(x).as_tensor().is_some_and(|t| t.dtype == DType::Float32 && t.shape.rank().is_some_and(|r| r >= 1));
        let cons = g.consumers(out);
        let Some(&(r_node, _)) = cons.first() else { continue };
        let only_r = g.petgraph().edges_directed(s_node, Direction::Outgoing).all(|e| e.target() == r_node);
        if !rank_known
            || !only_r
            || g.outputs().contains(&out)
            || g.control_outputs().contains(&s_node)
            || g.node(s_node).outputs.len() != 1
        {
            continue;
        }
        let Some(&ri) = pos.get(&r_node) else { continue };
        let Exec::Rows { pre, .. } = &mut steps[ri].exec else { continue };
        for &(_, slot) in &cons {
            if let Some(p) = pre.get_mut(slot) {
                *p = Some((s_node, Prologue { softmax: sk.clone() }));
            }
        }
        for &(_, slot) in &cons {
            if let Some(inp) = steps[ri].step.inputs.get_mut(slot) {
                *inp = x;
            }
        }
        steps[si].exec = Exec::Absorbed;
    }
}

/// Float32 products whose only consumer is a fused elementwise kernel run
/// inside that kernel's step, block by block (`epilogue.rs`). The kernel's
/// step reads the product's operands instead: the left one in the
/// product's input slot, the right one appended.
fn absorb_products(g: &FuncGraph, steps: &mut [CStep]) {
    let pos = step_positions(steps);
    for si in 0..steps.len() {
        let Exec::Fused(k) = &steps[si].exec else { continue };
        let k = k.clone();
        let fused = steps[si].step.node;
        let found = steps[si].step.inputs.iter().enumerate().find_map(|(slot, &o)| {
            let mm = crate::epilogue::absorbable(g, o, fused)?;
            let mi = *pos.get(&mm)?;
            (mi < si && matches!(steps[mi].exec, Exec::Ref { .. })).then_some((slot, mm, mi))
        });
        let Some((slot, mm, mi)) = found else { continue };
        let [a, b] = g.op_inputs(mm)[..] else { continue };
        steps[mi].exec = Exec::Absorbed;
        // Slices `x[i]` the kernel reads in place: only when no step
        // between the slice and the kernel's can fail or has an effect
        // (arguments, constants, absorbed steps), so the slice's error, if
        // any, still comes first.
        let mut slices = Vec::new();
        for (s, &o) in steps[si].step.inputs.iter().enumerate() {
            let Some(sn) = (s != slot).then(|| crate::epilogue::sliceable(g, o, fused, s)).flatten() else { continue };
            let Some(&pi) = pos.get(&sn) else { continue };
            let quiet_between = steps.get(pi + 1..si).is_some_and(|between| {
                between.iter().all(|c| matches!(c.exec, Exec::Absorbed) || matches!(g.node(c.step.node).op.name(), "Placeholder" | "Const"))
            });
            if pi < si && matches!(steps[pi].exec, Exec::StridedSlice(_)) && quiet_between {
                slices.push((s, sn, pi));
            }
        }
        let cs = &mut steps[si];
        cs.step.inputs[slot] = a;
        cs.step.inputs.push(b);
        for &(s, sn, _) in &slices {
            let ins = g.op_inputs(sn);
            cs.step.inputs[s] = ins[0];
            cs.step.inputs.extend_from_slice(&ins[1..]);
        }
        let sliced: Vec<(usize, NodeIndex)> = slices.iter().map(|&(s, sn, _)| (s, sn)).collect();
        cs.exec = Exec::Epilogue(Arc::new(crate::epilogue::Epilogue::new(g, k, slot, mm, sliced)));
        for &(_, _, pi) in &slices {
            steps[pi].exec = Exec::Absorbed;
        }
    }
}

/// A variable update (`AssignSub`/`AssignAddVariableOp`) whose value is
/// computed by the fused kernel scheduled right before it, read by nothing
/// else, runs that kernel itself, in place (`update.rs`). Its step reads
/// the resource, then the kernel's inputs.
fn absorb_updates(g: &FuncGraph, steps: &mut [CStep]) {
    for ai in 1..steps.len() {
        let op = g.node(steps[ai].step.node).op.name();
        let sub = match op {
            "AssignSubVariableOp" => true,
            "AssignAddVariableOp" => false,
            _ => continue,
        };
        let [res, val] = steps[ai].step.inputs[..] else { continue };
        let fi = ai - 1;
        let f = &steps[fi];
        let only_reader = g.consumers(val) == [(steps[ai].step.node, 1)];
        let one_output = g.node(val.node).outputs.len() == 1;
        let f32_static = g.value_type(val).as_tensor().is_some_and(|t| t.dtype == DType::Float32 && t.shape.as_known().is_some());
        if f.step.node != val.node || !only_reader || !one_output || !f32_static || g.outputs().contains(&val) || g.control_outputs().contains(&val.node) {
            continue;
        }
        let source = match &f.exec {
            Exec::Fused(k) => crate::update::Source::Kernel(k.clone()),
            Exec::Epilogue(e) => crate::update::Source::Epilogue(e.clone()),
            _ => continue,
        };
        let mut inputs = vec![res];
        inputs.extend(f.step.inputs.iter().copied());
        let kernel = f.step.node;
        steps[fi].exec = Exec::Absorbed;
        steps[ai].step.inputs = inputs;
        steps[ai].exec = Exec::Update { upd: Arc::new(crate::update::FusedUpdate { source, sub }), kernel };
    }
}

/// The value of `o` if a `Const` op produces it.
fn const_of(g: &FuncGraph, o: Output) -> Option<&Tensor> {
    let n = g.node(o.node);
    if n.op.name() != "Const" {
        return None;
    }
    match n.attrs.get("value") {
        Some(tfjit_tensor::Attr::Tensor(t)) => Some(t),
        _ => None,
    }
}

/// Ops on small tensors of static shape (loop counters, indices, the
/// `begin`/`end` of a slice) compiled alone to native code: one call with
/// values in registers instead of a reference kernel's shape inference,
/// broadcasting and allocations.
fn small_native(g: &FuncGraph, node: &tfjit_graph::Node, step: &Step) -> Option<NativeFn> {
    let op = node.op.name();
    let kind_ok = match node.op {
        OpRef::Tensor(def) => def.class == tfjit_tensor::op::OpClass::Elementwise || op == "Pack",
        OpRef::Graph(_) => false,
    } || op == "FusedElementwise";
    if !kind_ok || op == "Identity" || node.outputs.is_empty() {
        return None;
    }
    let small = |t: &tfjit_graph::ValueType| {
        t.as_tensor().and_then(|t| t.shape.as_known()).is_some_and(|d| d.iter().product::<usize>() <= native::MAX_ELEMS)
    };
    if !step.inputs.iter().all(|&o| small(g.value_type(o))) || !node.outputs.iter().all(small) {
        return None;
    }
    native::compile(Unit::Node { node, inputs: input_types(g, step) }).ok()
}

fn plan_step(g: &FuncGraph, step: &Step) -> TfResult<Exec> {
    let node = g.node(step.node);
    let op = node.op.name();
    let func = |name: &str| node.funcs.get(name).cloned();
    if let Some(n) = small_native(g, node, step) {
        return Ok(Exec::Native(n));
    }
    Ok(match op {
        "Identity" if step.inputs.len() == 1 => Exec::Identity,
        "StridedSlice" if step.inputs.len() == 4 => {
            Exec::StridedSlice(tfjit_tensor::ops::index::SliceMasks::from_attrs(&node.attrs))
        }
        "FusedElementwise" => match crate::fused::compile(node) {
            Ok(k) => Exec::Fused(Arc::new(k)),
            Err(why) => Exec::Ref { why },
        },
        "FusedReduction" => match func("body").ok_or_else(|| "no body".to_string()).and_then(crate::rows::fused_reduction) {
            Ok(k) => Exec::Rows { k: Arc::new(k), pre: vec![None; step.inputs.len()] },
            Err(why) => Exec::Ref { why },
        },
        "Softmax" | "LogSoftmax" => Exec::Softmax(Arc::new(SoftmaxKernel::new(op == "LogSoftmax"))),
        "Sum" | "Mean" | "Max" | "Min" if step.inputs.len() == 2 => {
            let data = g.value_type(step.inputs[0]).as_tensor().map(|t| t.dtype);
            let axes = const_of(g, step.inputs[1]);
            let keep = node.attrs.bool_or("keep_dims", false);
            match data.ok_or_else(|| "non-tensor input".to_string()).and_then(|d| crate::rows::lone_reduction(op, d, axes, keep)) {
                Ok(k) => Exec::Rows { k: Arc::new(k), pre: vec![None; step.inputs.len()] },
                Err(why) => Exec::Ref { why },
            }
        }
        "While" | "StatelessWhile" | "If" | "StatelessIf" => {
            let unit = Unit::Node { node, inputs: input_types(g, step) };
            match native::compile(unit) {
                Ok(n) => Exec::Native(n),
                Err(why) => {
                    let is_while = op.ends_with("While");
                    let (a, b) = if is_while { ("cond", "body") } else { ("then_branch", "else_branch") };
                    match (func(a), func(b)) {
                        (Some(x), Some(y)) => {
                            let x = Box::new(compile_arc(x)?);
                            let y = Box::new(compile_arc(y)?);
                            let _ = why;
                            if is_while {
                                Exec::While { cond: x, body: y }
                            } else {
                                Exec::If { then_: x, else_: y }
                            }
                        }
                        _ => Exec::Ref { why: format!("{op} without bodies") },
                    }
                }
            }
        }
        _ => Exec::Ref { why: "no generated code for this op".into() },
    })
}

impl CompiledFunction {
    /// The graph this runs.
    pub fn graph(&self) -> &FuncGraph {
        &self.graph
    }

    /// Runs the function: like `tfjit_graph::execute(graph, inputs, rt)`.
    pub fn run(&self, inputs: &[RtValue], rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        if let Some(n) = &self.native {
            if let Some(r) = n.run(inputs) {
                return r;
            }
        }
        self.run_steps(Args::Borrowed(inputs), rt)
    }

    /// [`run`](Self::run) on arguments it may consume (a `While` passes its
    /// loop variables this way, so a list written every iteration stays
    /// uniquely held and is updated in place).
    pub fn run_owned(&self, inputs: Vec<RtValue>, rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        if let Some(n) = &self.native {
            if let Some(r) = n.run(&inputs) {
                return r;
            }
        }
        self.run_steps(Args::Owned(inputs), rt)
    }

    fn arg_error(&self, ix: NodeIndex, v: &RtValue) -> TfError {
        let graph = &*self.graph;
        let node = graph.node(ix);
        let ty = node.outputs.first().map(|t| t.to_string()).unwrap_or_default();
        TfError::invalid_argument(format!(
            "function {}: argument {} expects {ty}, got a {}{}",
            graph.name(),
            node.name,
            v.kind_name(),
            v.as_tensor()
                .map(|t| format!(" {}", tfjit_graph::value::tensor_type_text(&t.tensor_type())))
                .unwrap_or_default()
        ))
    }

    fn run_steps(&self, args: Args, rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        let graph = &*self.graph;
        let sl = &self.slots;
        if args.len() != sl.args.len() {
            return Err(TfError::invalid_argument(format!(
                "function {} takes {} arguments, got {}",
                graph.name(),
                sl.args.len(),
                args.len()
            )));
        }
        let mut values: Vec<Option<RtValue>> = vec![None; sl.len];
        let mut put = |slot: Option<u32>, v: Option<RtValue>| {
            if let (Some(s), Some(v)) = (slot.and_then(|s| values.get_mut(s as usize)), v) {
                *s = Some(v);
            }
        };
        // Arguments in order (inputs, then symbolic captures in capture
        // order, between the captured constants and variables), each
        // type-checked as the reference executor does; only read ones kept.
        let n_in = graph.inputs().len();
        let mut it = match args {
            Args::Borrowed(v) => ArgIter::Borrowed(v.iter()),
            Args::Owned(v) => ArgIter::Owned(v.into_iter()),
        };
        for &(ix, slot) in &sl.args[..n_in] {
            put(slot, self.next_arg(&mut it, ix, slot.is_some())?);
        }
        let mut sym = sl.args[n_in..].iter();
        let mut fixed = sl.fixed.iter();
        for c in graph.captures() {
            if let CaptureKind::Symbolic(_) = c.kind {
                let &(ix, slot) = sym.next().ok_or_else(|| TfError::invalid_argument("missing captured argument"))?;
                put(slot, self.next_arg(&mut it, ix, slot.is_some())?);
            } else if let Some((ix, slot, v)) = fixed.next() {
                if !self.admits(*ix, v) {
                    return Err(self.arg_error(*ix, v));
                }
                put(*slot, slot.is_some().then(|| v.clone()));
            }
        }
        let mut si = 0;
        while let Some(cs) = self.steps.get(si) {
            let start = crate::profile::enabled().then(std::time::Instant::now);
            if cs.group >= 2 {
                let group = self.steps.get(si..si + cs.group as usize).unwrap_or(&[]);
                self.run_group(group, &mut values)?;
                si += group.len().max(1);
                if let Some(t) = start {
                    crate::profile::record(graph.name(), &graph.node(cs.step.node).name, "group", t.elapsed());
                }
                continue;
            }
            si += 1;
            if cs.fed {
                continue;
            }
            let node = graph.node(cs.step.node);
            let ins = self.gather(cs, &mut values)?;
            let Some(outs) = self.run_step(cs, ins, rt)? else { continue };
            store(&mut values, cs, node, outs)?;
            if let Some(t) = start {
                crate::profile::record(graph.name(), &node.name, node.op.name(), t.elapsed());
            }
        }
        let mut res = Vec::with_capacity(sl.outs.len());
        for (o, &(slot, take)) in graph.outputs().iter().zip(&sl.outs) {
            let v = values.get_mut(slot as usize).and_then(|v| if take { v.take() } else { v.clone() });
            match v {
                Some(v) => res.push(v),
                None => {
                    return Err(TfError::invalid_argument(format!("output {} was not computed", graph.tensor_name(*o))))
                }
            }
        }
        Ok(res)
    }

    /// The inputs of step `cs`, moved out of their slots at their last read
    /// and cloned before.
    fn gather(&self, cs: &CStep, values: &mut [Option<RtValue>]) -> TfResult<Vec<RtValue>> {
        let graph = &*self.graph;
        let mut ins: Vec<RtValue> = Vec::with_capacity(cs.ins.len());
        for (k, &(slot, take)) in cs.ins.iter().enumerate() {
            let v = values.get_mut(slot as usize).and_then(|v| if take { v.take() } else { v.clone() });
            match v {
                Some(v) => ins.push(v),
                None => {
                    return Err(TfError::invalid_argument(format!(
                        "input {} of {} was not computed",
                        cs.step.inputs.get(k).map(|o| graph.tensor_name(*o)).unwrap_or_default(),
                        graph.node(cs.step.node).name
                    )))
                }
            }
        }
        Ok(ins)
    }

    /// Runs one step on its inputs; `None` for a step computed inside its
    /// consumer.
    fn run_step(&self, cs: &CStep, ins: Vec<RtValue>, rt: &mut dyn Runtime) -> TfResult<Option<Vec<RtValue>>> {
        let graph = &*self.graph;
        let node = graph.node(cs.step.node);
        let outs = match &cs.exec {
            Exec::Ref { .. } => run_ref(node, ins, rt)?,
            Exec::Fused(k) => match k.run(&ins) {
                Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                None => run_ref(node, ins, rt)?,
            },
            Exec::Absorbed => return Ok(None),
            Exec::Epilogue(e) => match e.run(&ins) {
                Some(r) => r.map_err(|err| at_node(err, &node.name))?,
                None => {
                    // The product, then the kernel, as two steps would.
                    let ins = self.with_product(e, ins, node, rt)?;
                    match e.kernel.run(&ins) {
                        Some(r) => r.map_err(|err| at_node(err, &node.name))?,
                        None => run_ref(node, ins, rt)?,
                    }
                }
            },
            Exec::Update { upd, kernel } => {
                let k_node = graph.node(*kernel);
                let mut ins = ins;
                if let crate::update::Source::Epilogue(e) = &upd.source {
                    let rest = ins.split_off(1.min(ins.len()));
                    ins.extend(self.with_product(e, rest, k_node, rt)?);
                }
                match upd.run(&ins, rt) {
                    Some(r) => {
                        r.map_err(|err| at_node(err, &node.name))?;
                        Vec::new()
                    }
                    None => {
                        // The kernel, then the update, as two steps would.
                        let mut ins = ins;
                        let rest = ins.split_off(1.min(ins.len()));
                        let k = match &upd.source {
                            crate::update::Source::Kernel(k) => k,
                            crate::update::Source::Epilogue(e) => &e.kernel,
                        };
                        let val = match k.run(&rest) {
                            Some(r) => r.map_err(|err| at_node(err, &k_node.name))?,
                            None => run_ref(k_node, rest, rt)?,
                        };
                        ins.extend(val.into_iter().take(1));
                        run_ref(node, ins, rt)?
                    }
                }
            }
            Exec::StridedSlice(m) => {
                let ts: Vec<&Tensor> = ins.iter().filter_map(|v| v.as_tensor()).collect();
                let r = if ts.len() == ins.len() { tfjit_tensor::ops::index::strided_slice_fast(&ts, *m) } else { None };
                match r {
                    Some(r) => vec![RtValue::Tensor(r.map_err(|e| at_node(e, &node.name))?)],
                    None => run_ref(node, ins, rt)?,
                }
            }
            Exec::Identity => match ins.first() {
                Some(RtValue::Tensor(_)) => ins,
                _ => run_ref(node, ins, rt)?,
            },
            Exec::Softmax(k) => match k.run(&ins) {
                Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                None => run_ref(node, ins, rt)?,
            },
            Exec::Rows { k, pre } => {
                let pro: Vec<Option<Prologue>> = pre.iter().map(|p| p.as_ref().map(|(_, p)| p.clone())).collect();
                match k.run(&ins, &pro) {
                    Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                    None => {
                        // Materialize absorbed softmaxes, then run plainly.
                        let mut ins = ins;
                        for (slot, p) in pre.iter().enumerate() {
                            if let Some((s_node, p)) = p {
                                let sn = graph.node(*s_node);
                                let x = ins.get(slot..slot + 1).unwrap_or(&[]).to_vec();
                                let y = match p.softmax.run(&x) {
                                    Some(r) => r.map_err(|e| at_node(e, &sn.name))?,
                                    None => run_ref(sn, x, rt)?,
                                };
                                if let (Some(v), Some(slot_v)) = (y.into_iter().next(), ins.get_mut(slot)) {
                                    *slot_v = v;
                                }
                            }
                        }
                        match k.run(&ins, &[]) {
                            Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                            None => run_ref(node, ins, rt)?,
                        }
                    }
                }
            }
            Exec::Native(n) => match n.run(&ins) {
                Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                None => run_ref(node, ins, rt)?,
            },
            Exec::While { cond, body } => {
                let mut vars = ins;
                loop {
                    let c = cond.run(&vars, rt).map_err(|e| at_node(e, &node.name))?;
                    let go = match c.first() {
                        Some(RtValue::Tensor(t)) => truthy(t),
                        _ => return Err(at_node(TfError::invalid_argument("While: cond must return a tensor"), &node.name)),
                    };
                    if !go {
                        break vars;
                    }
                    vars = body.run_owned(vars, rt).map_err(|e| at_node(e, &node.name))?;
                }
            }
            Exec::If { then_, else_ } => {
                let go = match ins.first() {
                    Some(RtValue::Tensor(t)) => truthy(t),
                    _ => return Err(at_node(TfError::invalid_argument(format!("{}: input 0 must be a tensor", node.op.name())), &node.name)),
                };
                let f = if go { then_ } else { else_ };
                let mut args = ins;
                args.remove(0);
                f.run_owned(args, rt).map_err(|e| at_node(e, &node.name))?
            }
        };
        Ok(Some(outs))
    }

    /// An epilogue step's inputs (the product's operands in `e.slot` and
    /// last) with the product computed in its slot: the kernel's inputs.
    fn with_product(&self, e: &crate::epilogue::Epilogue, mut ins: Vec<RtValue>, node: &tfjit_graph::Node, rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        let mm = self.graph.node(e.matmul);
        let extra = ins.split_off(ins.len().saturating_sub(e.extra_inputs()));
        // The slices read in place, as their own steps would compute them.
        for (j, &(s, sn)) in e.slices.iter().enumerate() {
            let (Some(x), Some(rest)) = (ins.get(s).cloned(), extra.get(1 + 3 * j..4 + 3 * j)) else {
                return Err(at_node(TfError::invalid_argument("MatMul epilogue: missing slice operands"), &node.name));
            };
            let mut sins = vec![x];
            sins.extend_from_slice(rest);
            let v = run_ref(self.graph.node(sn), sins, rt)?;
            if let (Some(slot), Some(v)) = (ins.get_mut(s), v.into_iter().next()) {
                *slot = v;
            }
        }
        let b = extra.into_iter().next();
        let a = ins.get(e.slot).cloned();
        let (Some(a), Some(b)) = (a, b) else {
            return Err(at_node(TfError::invalid_argument("MatMul epilogue: missing operands"), &node.name));
        };
        let p = run_ref(mm, vec![a, b], rt)?;
        if let (Some(slot), Some(p)) = (ins.get_mut(e.slot), p.into_iter().next()) {
            *slot = p;
        }
        Ok(ins)
    }

    /// Runs a group of independent pure steps (see [`groups`]) at the same
    /// time, one per pool block, then stores their outputs in schedule
    /// order: the error reported is the one of the first failing step, as
    /// when they run one after another (the steps after it have no effects).
    fn run_group(&self, group: &[CStep], values: &mut [Option<RtValue>]) -> TfResult<()> {
        let graph = &*self.graph;
        // Fed placeholders inside the span run nothing.
        let group: Vec<&CStep> = group.iter().filter(|cs| !cs.fed).collect();
        // Inputs in schedule order, so a value read by two members is
        // cloned for the first and moved into the last, as sequentially.
        let mut inputs: Vec<TfResult<Vec<RtValue>>> = Vec::with_capacity(group.len());
        for &cs in &group {
            let ins = self.gather(cs, values);
            let failed = ins.is_err();
            inputs.push(ins);
            if failed {
                break; // sequentially, nothing after it would run
            }
        }
        let results: Vec<std::sync::Mutex<Option<TfResult<Vec<RtValue>>>>> =
            inputs.iter().map(|_| std::sync::Mutex::new(None)).collect();
        let run = |i: usize| {
            let (Some(Ok(ins)), Some(&cs), Some(slot)) = (inputs.get(i), group.get(i), results.get(i)) else { return };
            let r = groups::run_pure(graph.node(cs.step.node), ins);
            *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
        };
        tfjit_tensor::pool::run_blocks(inputs.len(), &run);
        for ((&cs, ins), r) in group.iter().zip(inputs).zip(results) {
            let ins = ins?;
            let r = r.into_inner().unwrap_or_else(|e| e.into_inner());
            // `None` only if its block panicked (the pool then prints it):
            // run it here instead.
            let outs = match r {
                Some(r) => r?,
                None => groups::run_pure(graph.node(cs.step.node), &ins)?,
            };
            store(values, cs, graph.node(cs.step.node), outs)?;
        }
        Ok(())
    }

    fn admits(&self, ix: NodeIndex, v: &RtValue) -> bool {
        self.graph.node(ix).outputs.first().is_none_or(|ty| ty.admits(v))
    }

    /// The next argument, type-checked against placeholder `ix`; returned
    /// (moved or cloned) only when `keep`.
    fn next_arg(&self, it: &mut ArgIter, ix: NodeIndex, keep: bool) -> TfResult<Option<RtValue>> {
        let v = match it {
            ArgIter::Borrowed(i) => i.next().map(std::borrow::Cow::Borrowed),
            ArgIter::Owned(i) => i.next().map(std::borrow::Cow::Owned),
        };
        let v = v.ok_or_else(|| TfError::invalid_argument("missing captured argument"))?;
        if !self.admits(ix, &v) {
            return Err(self.arg_error(ix, &v));
        }
        Ok(keep.then(|| v.into_owned()))
    }
}

/// Checks a step's output count and puts its outputs in their slots.
fn store(values: &mut [Option<RtValue>], cs: &CStep, node: &tfjit_graph::Node, outs: Vec<RtValue>) -> TfResult<()> {
    tfjit_graph::execute::check_output_count(node, outs.len())?;
    for (i, v) in outs.into_iter().enumerate() {
        if let Some(s) = values.get_mut(cs.out as usize + i) {
            *s = Some(v);
        }
    }
    Ok(())
}

/// The arguments of one run: borrowed (cloned where read) or owned (moved).
enum Args<'a> {
    Borrowed(&'a [RtValue]),
    Owned(Vec<RtValue>),
}

impl Args<'_> {
    fn len(&self) -> usize {
        match self {
            Args::Borrowed(v) => v.len(),
            Args::Owned(v) => v.len(),
        }
    }
}

enum ArgIter<'a> {
    Borrowed(std::slice::Iter<'a, RtValue>),
    Owned(std::vec::IntoIter<RtValue>),
}

/// Runs one op with its reference kernel, as the reference executor does.
/// Graph ops get their inputs by value (list writes then happen in place).
fn run_ref(node: &tfjit_graph::Node, ins: Vec<RtValue>, rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
    match node.op {
        OpRef::Tensor(def) => tfjit_graph::execute::run_tensor_op(def, node, &ins),
        OpRef::Graph(def) => {
            let mut cx = RunCtx { node, rt };
            tfjit_graph::graph_ops::run_consuming(def, &mut cx, ins).map_err(|e| at_node(e, &node.name))
        }
    }
}

