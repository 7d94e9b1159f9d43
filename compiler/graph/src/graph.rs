//! [`FuncGraph`]: the graph of one traced function.

use crate::execute::Plan;
use crate::node::{Edge, GraphId, Node, OpRef, Output};
use crate::value::{ValueType, VarId};
use indexmap::IndexMap;
use petgraph::stable_graph::{NodeIndex, StableGraph};
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;
use std::sync::{Arc, OnceLock};
use tfjit_tensor::{Tensor, TfError, TfResult};

/// Where a captured value comes from. Each capture is a `Placeholder` in the
/// graph that the executor feeds at call time.
#[derive(Clone, Debug)]
pub enum CaptureKind {
    /// An outer eager tensor too big to become a `Const` (fed by value).
    Tensor(Tensor),
    /// A variable, captured by reference: its placeholder is a resource
    /// handle, so later assignments are visible to the graph.
    Variable(VarId),
    /// A tensor of an enclosing graph (a branch or loop body capturing from
    /// the function around it). Fed from the call's extra arguments.
    Symbolic(Output),
}

/// One capture: the placeholder standing for it and what feeds it.
#[derive(Clone, Debug)]
pub struct Capture {
    pub placeholder: NodeIndex,
    pub kind: CaptureKind,
}

/// The graph of one traced function (TF's `FuncGraph`): op nodes in a
/// petgraph `StableGraph`, the argument placeholders, the captures, the
/// outputs and the control outputs (stateful ops that must run).
///
/// Built with [`crate::GraphBuilder`]; read-only afterwards.
#[derive(Debug)]
pub struct FuncGraph {
    pub(crate) id: GraphId,
    pub(crate) name: String,
    pub(crate) g: StableGraph<Node, Edge>,
    /// Node indices in creation order (`get_operations()`).
    pub(crate) order: Vec<NodeIndex>,
    pub(crate) by_name: IndexMap<String, NodeIndex>,
    pub(crate) inputs: Vec<NodeIndex>,
    pub(crate) captures: Vec<Capture>,
    pub(crate) outputs: Vec<Output>,
    pub(crate) control_outputs: Vec<NodeIndex>,
    /// The executor's schedule, computed on first run.
    pub(crate) plan: OnceLock<Result<Arc<Plan>, TfError>>,
}

impl Clone for FuncGraph {
    /// A copy with the same id (tensors of the original refer to it too).
    fn clone(&self) -> Self {
        FuncGraph {
            id: self.id,
            name: self.name.clone(),
            g: self.g.clone(),
            order: self.order.clone(),
            by_name: self.by_name.clone(),
            inputs: self.inputs.clone(),
            captures: self.captures.clone(),
            outputs: self.outputs.clone(),
            control_outputs: self.control_outputs.clone(),
            plan: OnceLock::new(),
        }
    }
}

impl FuncGraph {
    pub(crate) fn empty(name: &str) -> FuncGraph {
        FuncGraph {
            id: GraphId::fresh(),
            name: name.to_string(),
            g: StableGraph::new(),
            order: Vec::new(),
            by_name: IndexMap::new(),
            inputs: Vec::new(),
            captures: Vec::new(),
            outputs: Vec::new(),
            control_outputs: Vec::new(),
            plan: OnceLock::new(),
        }
    }

    pub fn id(&self) -> GraphId {
        self.id
    }

    /// The function's name (`f`, or a branch name like `cond_true_5`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The underlying petgraph (for passes and backends).
    pub fn petgraph(&self) -> &StableGraph<Node, Edge> {
        &self.g
    }

    /// The node at `ix`. Panics if `ix` is not a node of this graph — indices
    /// come from this graph's own API; check foreign ones with [`Self::check`].
    pub fn node(&self, ix: NodeIndex) -> &Node {
        &self.g[ix]
    }

    /// The node at `ix`, if it is one of this graph's.
    pub fn try_node(&self, ix: NodeIndex) -> Option<&Node> {
        self.g.node_weight(ix)
    }

    /// The op named `name` (`graph.get_operation_by_name`).
    pub fn find(&self, name: &str) -> Option<NodeIndex> {
        self.by_name.get(name).copied()
    }

    /// All ops in creation order (`graph.get_operations()`).
    pub fn operations(&self) -> &[NodeIndex] {
        &self.order
    }

    /// Number of ops.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The argument placeholders, in argument order.
    pub fn inputs(&self) -> &[NodeIndex] {
        &self.inputs
    }

    /// The captures, in capture order.
    pub fn captures(&self) -> &[Capture] {
        &self.captures
    }

    /// Captures of enclosing-graph tensors, in order: the executor takes
    /// their values from the call arguments after the regular inputs.
    pub fn symbolic_captures(&self) -> impl Iterator<Item = (NodeIndex, Output)> + '_ {
        self.captures.iter().filter_map(|c| match c.kind {
            CaptureKind::Symbolic(o) => Some((c.placeholder, o)),
            _ => None,
        })
    }

    /// The function's outputs.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// Stateful ops that must run even though no output depends on them.
    pub fn control_outputs(&self) -> &[NodeIndex] {
        &self.control_outputs
    }

    /// A tensor of this graph.
    pub fn output(&self, node: NodeIndex, index: usize) -> Output {
        Output {
            graph: self.id,
            node,
            index,
        }
    }

    /// Checks that `o` is a tensor of this graph (TF raises `ValueError` for
    /// a tensor of another graph).
    pub fn check(&self, o: Output) -> TfResult<()> {
        let ok = o.graph == self.id
            && self
                .g
                .node_weight(o.node)
                .is_some_and(|n| o.index < n.outputs.len());
        if ok {
            Ok(())
        } else {
            Err(TfError::value(format!(
                "Tensor {} is out of scope and cannot be used here: it belongs to another graph",
                self.describe_foreign(o)
            )))
        }
    }

    fn describe_foreign(&self, o: Output) -> String {
        if o.graph == self.id {
            if let Some(n) = self.g.node_weight(o.node) {
                return format!("{}:{}", n.name, o.index);
            }
        }
        format!(
            "<graph {} node {} output {}>",
            o.graph.0,
            o.node.index(),
            o.index
        )
    }

    /// The static type of a tensor of this graph.
    pub fn value_type(&self, o: Output) -> &ValueType {
        &self.g[o.node].outputs[o.index]
    }

    /// TF's tensor name `node:index` (`total:0`).
    pub fn tensor_name(&self, o: Output) -> String {
        format!("{}:{}", self.g[o.node].name, o.index)
    }

    /// The op's data inputs, in input order (`op.inputs`).
    pub fn op_inputs(&self, ix: NodeIndex) -> Vec<Output> {
        let mut ins: Vec<(usize, Output)> = self
            .g
            .edges_directed(ix, Direction::Incoming)
            .filter_map(|e| match *e.weight() {
                Edge::Data { out, inp } => Some((inp, self.output(e.source(), out))),
                Edge::Control => None,
            })
            .collect();
        ins.sort_by_key(|(i, _)| *i);
        ins.into_iter().map(|(_, o)| o).collect()
    }

    /// The op's control inputs (`op.control_inputs`), in the order added.
    pub fn control_inputs(&self, ix: NodeIndex) -> Vec<NodeIndex> {
        // petgraph lists incoming edges newest first.
        let mut v: Vec<(usize, NodeIndex)> = self
            .g
            .edges_directed(ix, Direction::Incoming)
            .filter(|e| *e.weight() == Edge::Control)
            .map(|e| (e.id().index(), e.source()))
            .collect();
        v.sort_by_key(|(id, _)| *id);
        v.into_iter().map(|(_, n)| n).collect()
    }

    /// The op's outputs (`op.outputs`).
    pub fn op_outputs(&self, ix: NodeIndex) -> Vec<Output> {
        (0..self.g[ix].outputs.len())
            .map(|i| self.output(ix, i))
            .collect()
    }

    /// The ops consuming tensor `o`, with the input index each uses.
    pub fn consumers(&self, o: Output) -> Vec<(NodeIndex, usize)> {
        let mut v: Vec<(NodeIndex, usize)> = self
            .g
            .edges_directed(o.node, Direction::Outgoing)
            .filter_map(|e| match *e.weight() {
                Edge::Data { out, inp } if out == o.index => Some((e.target(), inp)),
                _ => None,
            })
            .collect();
        v.sort();
        v
    }

    /// The op of node `ix`.
    pub fn op(&self, ix: NodeIndex) -> OpRef {
        self.g[ix].op
    }

    /// True if any op, here or in a nested function, is stateful (decides
    /// `If` vs `StatelessIf`, `While` vs `StatelessWhile`).
    pub fn is_stateful(&self) -> bool {
        self.g
            .node_weights()
            .any(|n| n.op.is_stateful() || n.funcs.values().any(|f| f.is_stateful()))
    }

    /// Position of each node in creation order, indexed by `NodeIndex::index()`.
    pub(crate) fn creation_positions(&self) -> Vec<usize> {
        let mut pos = vec![usize::MAX; self.g.node_bound()];
        for (i, ix) in self.order.iter().enumerate() {
            if let Some(p) = pos.get_mut(ix.index()) {
                *p = i;
            }
        }
        pos
    }
}
