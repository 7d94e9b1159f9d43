//! The schedule of a graph, as the reference executor computes it: the ops
//! the outputs and control outputs depend on, topologically sorted with
//! ties broken by creation order (so side effects and the first error come
//! in the same order as with `tfjit_graph::execute`).

use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use petgraph::Direction;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use tfjit_graph::{FuncGraph, NodeIndex, Output};
use tfjit_tensor::{TfError, TfResult};

/// One scheduled op and where its inputs come from.
#[derive(Clone, Debug)]
pub struct Step {
    pub node: NodeIndex,
    pub inputs: Vec<Output>,
}

/// The ops to run, in order.
pub fn schedule(graph: &FuncGraph) -> TfResult<Vec<Step>> {
    let g = graph.petgraph();
    let bound = g.node_bound();
    let mut needed = vec![false; bound];
    let mut stack: Vec<NodeIndex> = graph.outputs().iter().map(|o| o.node).collect();
    stack.extend(graph.control_outputs().iter().copied());
    while let Some(n) = stack.pop() {
        match needed.get_mut(n.index()) {
            Some(slot) if !*slot => *slot = true,
            _ => continue,
        }
        stack.extend(g.neighbors_directed(n, Direction::Incoming));
    }
    let mut pos = vec![usize::MAX; bound];
    for (i, ix) in graph.operations().iter().enumerate() {
        if let Some(p) = pos.get_mut(ix.index()) {
            *p = i;
        }
    }
    let mut indegree = vec![0usize; bound];
    for e in g.edge_references() {
        if needed[e.source().index()] && needed[e.target().index()] {
            indegree[e.target().index()] += 1;
        }
    }
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    let mut total = 0;
    for &ix in graph.operations() {
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
        steps.push(Step { node: ix, inputs: graph.op_inputs(ix) });
    }
    if steps.len() != total {
        return Err(TfError::invalid_argument(format!(
            "graph {} has a cycle; it cannot be executed",
            graph.name()
        )));
    }
    Ok(steps)
}
