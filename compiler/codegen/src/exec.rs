//! [`CompiledFunction`]: a graph's schedule with each op bound to how it
//! runs — a native kernel, a native region, compiled nested graphs, or the
//! reference kernel — executed with exactly `tfjit_graph::execute`'s
//! semantics (same outputs, errors and print order).

use crate::fused::FusedKernel;
use crate::native::{self, NativeFn, Unit};
use crate::plan::{schedule, Step};
use crate::rows::{Prologue, RowKernel, SoftmaxKernel};
use std::sync::Arc;
use tfjit_graph::graph_ops::RunCtx;
use tfjit_graph::{CaptureKind, FuncGraph, NodeIndex, OpRef, Output, RtValue, Runtime};
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::{DType, InputInfo, Tensor, TfError, TfResult};

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
    /// A softmax computed inside its only consumer (an `Exec::Rows`).
    Absorbed,
}

pub(crate) struct CStep {
    pub(crate) step: Step,
    pub(crate) exec: Exec,
}

/// A graph compiled for the CPU.
pub struct CompiledFunction {
    pub(crate) graph: Arc<FuncGraph>,
    /// The whole graph as one native function, when every value fits.
    pub(crate) native: Option<NativeFn>,
    /// Why the whole graph is not one native function.
    pub(crate) native_reject: Option<String>,
    pub(crate) steps: Vec<CStep>,
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
        steps.push(CStep { step, exec });
    }
    absorb_softmax(&graph, &mut steps);
    Ok(CompiledFunction { graph, native, native_reject, steps })
}

/// Softmaxes whose only consumer is a row kernel become its row prologue.
fn absorb_softmax(g: &FuncGraph, steps: &mut [CStep]) {
    use petgraph::visit::EdgeRef;
    use petgraph::Direction;
    let pos: std::collections::HashMap<NodeIndex, usize> =
        steps.iter().enumerate().map(|(i, cs)| (cs.step.node, i)).collect();
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

fn plan_step(g: &FuncGraph, step: &Step) -> TfResult<Exec> {
    let node = g.node(step.node);
    let op = node.op.name();
    let func = |name: &str| node.funcs.get(name).cloned();
    Ok(match op {
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
        self.run_steps(inputs, rt)
    }

    fn run_steps(&self, args: &[RtValue], rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        use petgraph::visit::NodeIndexable;
        let graph = &*self.graph;
        let mut values: Vec<Option<Vec<RtValue>>> = vec![None; graph.petgraph().node_bound()];
        let n_sym = graph.symbolic_captures().count();
        if args.len() != graph.inputs().len() + n_sym {
            return Err(TfError::invalid_argument(format!(
                "function {} takes {} arguments, got {}",
                graph.name(),
                graph.inputs().len() + n_sym,
                args.len()
            )));
        }
        let mut feed = |ix: NodeIndex, v: RtValue| -> TfResult<()> {
            let node = graph.node(ix);
            if let Some(ty) = node.outputs.first() {
                if !ty.admits(&v) {
                    return Err(TfError::invalid_argument(format!(
                        "function {}: argument {} expects {ty}, got a {}{}",
                        graph.name(),
                        node.name,
                        v.kind_name(),
                        v.as_tensor()
                            .map(|t| format!(" {}", tfjit_graph::value::tensor_type_text(&t.tensor_type())))
                            .unwrap_or_default()
                    )));
                }
            }
            values[ix.index()] = Some(vec![v]);
            Ok(())
        };
        for (&ix, a) in graph.inputs().iter().zip(args) {
            feed(ix, a.clone())?;
        }
        let mut sym = args[graph.inputs().len()..].iter();
        for c in graph.captures() {
            let v = match &c.kind {
                CaptureKind::Tensor(t) => RtValue::Tensor(t.clone()),
                CaptureKind::Variable(id) => RtValue::Resource(*id),
                CaptureKind::Symbolic(_) => match sym.next() {
                    Some(v) => v.clone(),
                    None => return Err(TfError::invalid_argument("missing captured argument")),
                },
            };
            feed(c.placeholder, v)?;
        }
        for cs in &self.steps {
            let step = &cs.step;
            if values[step.node.index()].is_some() {
                continue;
            }
            let node = graph.node(step.node);
            let mut ins: Vec<RtValue> = Vec::with_capacity(step.inputs.len());
            for o in &step.inputs {
                let v = values
                    .get(o.node.index())
                    .and_then(|v| v.as_ref())
                    .and_then(|v| v.get(o.index))
                    .ok_or_else(|| {
                        TfError::invalid_argument(format!(
                            "input {} of {} was not computed",
                            graph.tensor_name(*o),
                            node.name
                        ))
                    })?;
                ins.push(v.clone());
            }
            let outs = match &cs.exec {
                Exec::Ref { .. } => run_ref(node, &ins, rt)?,
                Exec::Fused(k) => match k.run(&ins) {
                    Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                    None => run_ref(node, &ins, rt)?,
                },
                Exec::Absorbed => continue,
                Exec::Softmax(k) => match k.run(&ins) {
                    Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                    None => run_ref(node, &ins, rt)?,
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
                                        None => run_ref(sn, &x, rt)?,
                                    };
                                    if let (Some(v), Some(slot_v)) = (y.into_iter().next(), ins.get_mut(slot)) {
                                        *slot_v = v;
                                    }
                                }
                            }
                            match k.run(&ins, &[]) {
                                Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                                None => run_ref(node, &ins, rt)?,
                            }
                        }
                    }
                }
                Exec::Native(n) => match n.run(&ins) {
                    Some(r) => r.map_err(|e| at_node(e, &node.name))?,
                    None => run_ref(node, &ins, rt)?,
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
                        vars = body.run(&vars, rt).map_err(|e| at_node(e, &node.name))?;
                    }
                }
                Exec::If { then_, else_ } => {
                    let cond = match ins.first() {
                        Some(RtValue::Tensor(t)) => t,
                        _ => return Err(at_node(TfError::invalid_argument(format!("{}: input 0 must be a tensor", node.op.name())), &node.name)),
                    };
                    let f = if truthy(cond) { then_ } else { else_ };
                    f.run(&ins[1..], rt).map_err(|e| at_node(e, &node.name))?
                }
            };
            if outs.len() != node.outputs.len() {
                return Err(at_node(
                    TfError::invalid_argument(format!(
                        "{} produced {} outputs, expected {}",
                        node.op.name(),
                        outs.len(),
                        node.outputs.len()
                    )),
                    &node.name,
                ));
            }
            values[step.node.index()] = Some(outs);
        }
        graph
            .outputs()
            .iter()
            .map(|o: &Output| {
                values
                    .get(o.node.index())
                    .and_then(|v| v.as_ref())
                    .and_then(|v| v.get(o.index))
                    .cloned()
                    .ok_or_else(|| {
                        TfError::invalid_argument(format!("output {} was not computed", graph.tensor_name(*o)))
                    })
            })
            .collect()
    }
}

/// Runs one op with its reference kernel, as the reference executor does.
fn run_ref(node: &tfjit_graph::Node, ins: &[RtValue], rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
    match node.op {
        OpRef::Tensor(def) => {
            let mut ts: Vec<&Tensor> = Vec::with_capacity(ins.len());
            for (i, v) in ins.iter().enumerate() {
                match v {
                    RtValue::Tensor(t) => ts.push(t),
                    other => {
                        return Err(at_node(
                            TfError::invalid_argument(format!(
                                "{}: input {i} must be a tensor, got a {}",
                                def.name,
                                other.kind_name()
                            )),
                            &node.name,
                        ))
                    }
                }
            }
            let infos: Vec<InputInfo> = ts.iter().map(|t| InputInfo::of(t)).collect();
            (def.infer)(&infos, &node.attrs).map_err(|e| at_node(e, &node.name))?;
            let outs = (def.kernel)(&ts, &node.attrs).map_err(|e| at_node(e, &node.name))?;
            Ok(outs.into_iter().map(RtValue::Tensor).collect())
        }
        OpRef::Graph(def) => {
            let mut cx = RunCtx { node, rt };
            (def.run)(&mut cx, ins).map_err(|e| at_node(e, &node.name))
        }
    }
}
