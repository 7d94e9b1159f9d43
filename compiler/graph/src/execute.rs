//! The reference graph executor: runs a [`FuncGraph`] op by op with the
//! reference kernels, in a topological order that honours control edges and
//! otherwise follows creation (program) order. Only ops that an output or a
//! control output depends on run, as in TF.

use crate::graph::{CaptureKind, FuncGraph};
use crate::graph_ops::RunCtx;
use crate::node::{OpRef, Output};
use crate::value::{RtValue, VarId};
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use tfjit_tensor::{InputInfo, Tensor, TfError, TfResult};

/// What graph execution needs from the outside world: the variables
/// captured by reference and the output streams. The interpreter implements
/// it; tests use an in-memory store.
pub trait Runtime {
    /// The current value of variable `var` (an error if it has none).
    fn read_var(&mut self, var: VarId) -> TfResult<Tensor>;
    /// Replaces the value of variable `var`; checks dtype and shape.
    fn assign_var(&mut self, var: VarId, value: Tensor) -> TfResult<()>;
    /// Writes `text` (already ending with `end`) to stdout or stderr.
    fn print(&mut self, text: &str, to_stderr: bool);
}

/// One scheduled op and where its inputs come from.
#[derive(Debug)]
pub(crate) struct Step {
    node: NodeIndex,
    inputs: Vec<Output>,
    /// Per input: this step is the value's last reader (and it is not a
    /// graph output), so the step takes it instead of cloning it — a list
    /// written once per loop iteration is then updated in place.
    last: Vec<bool>,
}

/// The schedule of a graph: ops to run, in order.
#[derive(Debug)]
pub(crate) struct Plan {
    steps: Vec<Step>,
}

/// Builds the schedule: the ops the outputs and control outputs depend on,
/// topologically sorted with ties broken by creation order.
fn plan(graph: &FuncGraph) -> TfResult<Plan> {
    let g = &graph.g;
    let bound = g.node_bound();
    let mut needed = vec![false; bound];
    let mut stack: Vec<NodeIndex> = graph.outputs.iter().map(|o| o.node).collect();
    stack.extend(graph.control_outputs.iter().copied());
    while let Some(n) = stack.pop() {
        match needed.get_mut(n.index()) {
            Some(slot) if !*slot => *slot = true,
            _ => continue,
        }
        stack.extend(g.neighbors_directed(n, Direction::Incoming));
    }
    let pos = graph.creation_positions();
    let mut indegree = vec![0usize; bound];
    for e in g.edge_references() {
        if needed[e.source().index()] && needed[e.target().index()] {
            indegree[e.target().index()] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    let mut total = 0;
    for &ix in &graph.order {
        if needed[ix.index()] {
            total += 1;
            if indegree[ix.index()] == 0 {
                ready.push(Reverse((pos[ix.index()], ix.index())));
            }
        }
    }
    let mut steps = Vec::with_capacity(total);
    while let Some(Reverse((_, i))) = ready.pop() {
        let ix = NodeIndex::new(i);
        for e in g.edges_directed(ix, Direction::Outgoing) {
            let t = e.target().index();
            if needed[t] {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    ready.push(Reverse((pos[t], t)));
                }
            }
        }
        let inputs = graph.op_inputs(ix);
        let last = vec![false; inputs.len()];
        steps.push(Step { node: ix, inputs, last });
    }
    if steps.len() != total {
        return Err(TfError::invalid_argument(format!(
            "graph {} has a cycle; it cannot be executed",
            graph.name
        )));
    }
    mark_last_reads(graph, &mut steps);
    Ok(Plan { steps })
}

/// Sets `Step::last` for each value's final read by a step.
fn mark_last_reads(graph: &FuncGraph, steps: &mut [Step]) {
    let mut last: std::collections::HashMap<Output, (usize, usize)> = std::collections::HashMap::new();
    for (si, st) in steps.iter().enumerate() {
        for (k, &o) in st.inputs.iter().enumerate() {
            last.insert(o, (si, k));
        }
    }
    for o in &graph.outputs {
        last.remove(o);
    }
    for (&_, &(si, k)) in &last {
        if let Some(flag) = steps.get_mut(si).and_then(|st| st.last.get_mut(k)) {
            *flag = true;
        }
    }
}

fn cached_plan(graph: &FuncGraph) -> TfResult<Arc<Plan>> {
    graph.plan.get_or_init(|| plan(graph).map(Arc::new)).clone()
}

/// Appends TF's `[[{{node NAME}}]]` to a run-time error, once.
fn at_node(mut e: TfError, name: &str) -> TfError {
    if !e.message.contains("[[{{node ") {
        e.message = format!("{}\n\t [[{{{{node {name}}}}}]]", e.message);
    }
    e
}

/// Checks that `node` produced as many outputs as it declares.
pub fn check_output_count(node: &crate::node::Node, produced: usize) -> TfResult<()> {
    if produced == node.outputs.len() {
        return Ok(());
    }
    Err(at_node(
        TfError::invalid_argument(format!("{} produced {produced} outputs, expected {}", node.op.name(), node.outputs.len())),
        &node.name,
    ))
}

/// Runs tensor op `node` (defined by `def`) on `ins` with its reference
/// kernel, after its shape rule; errors name the node, as TF's do.
pub fn run_tensor_op(def: &tfjit_tensor::op::OpDef, node: &crate::node::Node, ins: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let mut ts: Vec<&Tensor> = Vec::with_capacity(ins.len());
    for (i, v) in ins.iter().enumerate() {
        match v {
            RtValue::Tensor(t) => ts.push(t),
            other => {
                return Err(at_node(
                    TfError::invalid_argument(format!("{}: input {i} must be a tensor, got a {}", def.name, other.kind_name())),
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

/// Runs `graph` on `args`: its inputs in order, then the values of its
/// symbolic captures (captured tensors and variables are fed by the graph
/// itself). Returns the outputs. Errors are the kernels' `TfError`s with
/// ` [[{{node NAME}}]]` appended.
pub fn execute(
    graph: &FuncGraph,
    args: &[RtValue],
    rt: &mut dyn Runtime,
) -> TfResult<Vec<RtValue>> {
    execute_owned(graph, args.to_vec(), rt)
}

/// [`execute`] on arguments it may consume (what a `While` passes its body).
pub fn execute_owned(
    graph: &FuncGraph,
    args: Vec<RtValue>,
    rt: &mut dyn Runtime,
) -> TfResult<Vec<RtValue>> {
    let plan = cached_plan(graph)?;
    let mut values: Vec<Option<Vec<RtValue>>> = vec![None; graph.g.node_bound()];
    let n_sym = graph.symbolic_captures().count();
    if args.len() != graph.inputs.len() + n_sym {
        return Err(TfError::invalid_argument(format!(
            "function {} takes {} arguments, got {}",
            graph.name,
            graph.inputs.len() + n_sym,
            args.len()
        )));
    }
    let mut feed = |ix: NodeIndex, v: RtValue| -> TfResult<()> {
        let node = graph.node(ix);
        if let Some(ty) = node.outputs.first() {
            if !ty.admits(&v) {
                return Err(TfError::invalid_argument(format!(
                    "function {}: argument {} expects {ty}, got a {}{}",
                    graph.name,
                    node.name,
                    v.kind_name(),
                    v.as_tensor()
                        .map(|t| format!(" {}", crate::value::tensor_type_text(&t.tensor_type())))
                        .unwrap_or_default()
                )));
            }
        }
        values[ix.index()] = Some(vec![v]);
        Ok(())
    };
    let mut args = args.into_iter();
    for &ix in &graph.inputs {
        match args.next() {
            Some(a) => feed(ix, a)?,
            None => break,
        }
    }
    for c in &graph.captures {
        let v = match &c.kind {
            CaptureKind::Tensor(t) => RtValue::Tensor(t.clone()),
            CaptureKind::Variable(id) => RtValue::Resource(*id),
            CaptureKind::Symbolic(_) => match args.next() {
                Some(v) => v,
                None => return Err(TfError::invalid_argument("missing captured argument")),
            },
        };
        feed(c.placeholder, v)?;
    }
    for step in &plan.steps {
        if values[step.node.index()].is_some() {
            continue; // fed
        }
        let node = graph.node(step.node);
        let mut ins: Vec<RtValue> = Vec::with_capacity(step.inputs.len());
        for (o, &last) in step.inputs.iter().zip(&step.last) {
            let v = values
                .get_mut(o.node.index())
                .and_then(|v| v.as_mut())
                .and_then(|v| v.get_mut(o.index))
                .map(|v| if last { std::mem::replace(v, RtValue::Str(String::new())) } else { v.clone() })
                .ok_or_else(|| {
                    TfError::invalid_argument(format!(
                        "input {} of {} was not computed",
                        graph.tensor_name(*o),
                        node.name
                    ))
                })?;
            ins.push(v);
        }
        let outs = match node.op {
            OpRef::Tensor(def) => run_tensor_op(def, node, &ins)?,
            OpRef::Graph(def) => {
                let mut cx = RunCtx { node, rt: &mut *rt };
                crate::graph_ops::run_consuming(def, &mut cx, ins).map_err(|e| at_node(e, &node.name))?
            }
        };
        check_output_count(node, outs.len())?;
        values[step.node.index()] = Some(outs);
    }
    graph
        .outputs
        .iter()
        .map(|o| {
            values
                .get(o.node.index())
                .and_then(|v| v.as_ref())
                .and_then(|v| v.get(o.index))
                .cloned()
                .ok_or_else(|| {
                    TfError::invalid_argument(format!(
                        "output {} was not computed",
                        graph.tensor_name(*o)
                    ))
                })
        })
        .collect()
}

/// An in-memory [`Runtime`]: variables in a map, prints collected in order
/// (for tests and tools).
#[derive(Clone, Debug, Default)]
pub struct MemRuntime {
    pub vars: std::collections::BTreeMap<VarId, Tensor>,
    /// Each print: (text, to_stderr).
    pub printed: Vec<(String, bool)>,
}

impl Runtime for MemRuntime {
    fn read_var(&mut self, var: VarId) -> TfResult<Tensor> {
        self.vars.get(&var).cloned().ok_or_else(|| {
            TfError::new(
                tfjit_tensor::TfErrorKind::InvalidArgument,
                format!("variable {} is uninitialized", var.0),
            )
        })
    }
    fn assign_var(&mut self, var: VarId, value: Tensor) -> TfResult<()> {
        if let Some(old) = self.vars.get(&var) {
            if old.dtype() != value.dtype() {
                return Err(TfError::invalid_argument(format!(
                    "Trying to assign variable with wrong dtype. Expected {} got {}",
                    old.dtype().name(),
                    value.dtype().name()
                )));
            }
        }
        self.vars.insert(var, value);
        Ok(())
    }
    fn print(&mut self, text: &str, to_stderr: bool) {
        self.printed.push((text.to_string(), to_stderr));
    }
}
