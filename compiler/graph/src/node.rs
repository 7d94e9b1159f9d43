//! Nodes and edges of a [`FuncGraph`](crate::FuncGraph).

use crate::graph::FuncGraph;
use crate::graph_ops::{self, GraphOpDef, ResourceEffect};
use crate::value::ValueType;
use indexmap::IndexMap;
use petgraph::stable_graph::NodeIndex;
use std::sync::Arc;
use tfjit_tensor::op::{OpClass, OpDef};
use tfjit_tensor::Attrs;

/// Which definition an op instance uses: a tensor op from the shared registry
/// (`tfjit_tensor::op`), or a graph-level op (`Placeholder`, `Const`,
/// variable ops, printing, `If`/`While`) from [`graph_ops`], whose kernels
/// need the variable store or nested graphs.
#[derive(Clone, Copy, Debug)]
pub enum OpRef {
    Tensor(&'static OpDef),
    Graph(&'static GraphOpDef),
}

impl OpRef {
    /// The op named `name` (TF's name). Graph-level ops are looked up first.
    pub fn lookup(name: &str) -> Option<OpRef> {
        graph_ops::lookup(name)
            .map(OpRef::Graph)
            .or_else(|| tfjit_tensor::op::lookup(name).map(OpRef::Tensor))
    }

    /// TF's op name (`op.type`).
    pub fn name(&self) -> &'static str {
        match self {
            OpRef::Tensor(d) => d.name,
            OpRef::Graph(d) => d.name,
        }
    }

    pub fn class(&self) -> OpClass {
        match self {
            OpRef::Tensor(d) => d.class,
            OpRef::Graph(d) => d.class,
        }
    }

    /// What the op does to the variables whose handles it takes.
    pub fn resource_effect(&self) -> ResourceEffect {
        match self {
            OpRef::Tensor(_) => ResourceEffect::None,
            OpRef::Graph(d) => d.resource_effect,
        }
    }

    /// True if the op has a side effect beyond its resource inputs (printing,
    /// a stateful tensor op, a control-flow op with stateful bodies): such
    /// ops are chained in program order.
    pub fn global_effect(&self) -> bool {
        match self {
            OpRef::Tensor(d) => d.class == OpClass::Stateful,
            OpRef::Graph(d) => d.global_effect,
        }
    }

    pub fn is_stateful(&self) -> bool {
        self.class() == OpClass::Stateful
    }
}

impl PartialEq for OpRef {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

/// One op instance.
#[derive(Clone, Debug)]
pub struct Node {
    pub op: OpRef,
    /// Unique in its graph (`add`, `add_1`, `total`, `mul/ReadVariableOp`).
    pub name: String,
    pub attrs: Attrs,
    /// Function-valued attributes: `then_branch`/`else_branch` of `If`,
    /// `cond`/`body` of `While`.
    pub funcs: IndexMap<&'static str, Arc<FuncGraph>>,
    /// The static type of each output.
    pub outputs: Vec<ValueType>,
}

/// An edge: a data edge feeds output `out` of the source to input `inp` of
/// the target; a control edge only orders the two ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Data { out: usize, inp: usize },
    Control,
}

/// Identifies one graph (so a tensor of one graph is never used in another).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GraphId(pub u64);

impl GraphId {
    pub(crate) fn fresh() -> GraphId {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        GraphId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// A symbolic tensor: output `index` of `node` in graph `graph`. Its TF name
/// is `<node name>:<index>` ([`FuncGraph::tensor_name`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Output {
    pub graph: GraphId,
    pub node: NodeIndex,
    pub index: usize,
}
