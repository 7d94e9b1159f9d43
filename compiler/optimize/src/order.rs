//! Re-sorting a graph's operations after a pass: topological over data and
//! control edges, ties broken by a caller-given key (usually the old
//! position, so untouched ops keep their relative order).

use petgraph::visit::{EdgeRef, IntoEdgeReferences, NodeIndexable};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use tfjit_graph::{FuncGraph, NodeIndex};
use tfjit_tensor::{TfError, TfResult};

/// Sorts `g`'s operations topologically, smallest `key` first among ready ops.
pub fn sort_operations(g: &mut FuncGraph, key: impl Fn(NodeIndex) -> u64) -> TfResult<()> {
    let pg = g.petgraph();
    let mut indegree = vec![0usize; pg.node_bound()];
    for e in pg.edge_references() {
        indegree[e.target().index()] += 1;
    }
    let mut ready: BinaryHeap<Reverse<(u64, usize)>> = pg
        .node_indices()
        .filter(|ix| indegree[ix.index()] == 0)
        .map(|ix| Reverse((key(ix), ix.index())))
        .collect();
    let mut order = Vec::with_capacity(pg.node_count());
    while let Some(Reverse((_, i))) = ready.pop() {
        let ix = NodeIndex::new(i);
        for e in pg.edges(ix) {
            let t = e.target().index();
            indegree[t] -= 1;
            if indegree[t] == 0 {
                ready.push(Reverse((key(e.target()), t)));
            }
        }
        order.push(ix);
    }
    if order.len() != pg.node_count() {
        return Err(TfError::invalid_argument(format!(
            "optimizer: graph {} has a cycle",
            g.name()
        )));
    }
    g.set_operation_order(order)
}

/// Each op's position in creation order, indexed by `NodeIndex::index()`.
pub fn positions(g: &FuncGraph) -> Vec<u64> {
    let mut pos = vec![u64::MAX; g.petgraph().node_bound()];
    for (i, ix) in g.operations().iter().enumerate() {
        pos[ix.index()] = i as u64;
    }
    pos
}
