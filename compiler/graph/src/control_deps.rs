//! Automatic control dependencies (TF's `AutomaticControlDependencies`):
//! stateful ops run in program order.
//!
//! - Ops taking a variable handle are ordered per variable: a read runs
//!   after the last write; a write runs after the last write and after every
//!   read since it.
//! - Ops with effects beyond their handles (`PrintV2`, stateful tensor ops,
//!   `If`/`While` with stateful bodies) are chained one after another.
//! - Every stateful op must run, whether or not an output depends on it
//!   (except reads whose value nobody uses): the finished graph gets a
//!   `NoOp` depending on them all, and each output `Identity` depends on it.

use crate::graph_ops::ResourceEffect;
use crate::node::{OpRef, Output};
use petgraph::stable_graph::NodeIndex;
use std::collections::HashMap;

/// The state of the ordering analysis while a graph is built.
#[derive(Clone, Debug, Default)]
pub struct AutoControlDeps {
    last_write: HashMap<Output, NodeIndex>,
    reads_since_write: HashMap<Output, Vec<NodeIndex>>,
    last_global: Option<NodeIndex>,
    stateful: Vec<NodeIndex>,
}

impl AutoControlDeps {
    /// Records op `node` (just created, with data inputs `inputs`, of which
    /// `handles` are variable handles) and returns the control inputs it needs,
    /// in the order to add them.
    pub fn record(&mut self, node: NodeIndex, op: OpRef, handles: &[Output]) -> Vec<NodeIndex> {
        let mut deps: Vec<NodeIndex> = Vec::new();
        let push = |d: NodeIndex, deps: &mut Vec<NodeIndex>| {
            if d != node && !deps.contains(&d) {
                deps.push(d);
            }
        };
        let effect = op.resource_effect();
        let mut seen: Vec<Output> = Vec::new();
        for &h in handles {
            if seen.contains(&h) || effect == ResourceEffect::None {
                continue;
            }
            seen.push(h);
            if let Some(&w) = self.last_write.get(&h) {
                push(w, &mut deps);
            }
            if effect == ResourceEffect::Read {
                self.reads_since_write.entry(h).or_default().push(node);
            } else {
                for r in self.reads_since_write.remove(&h).unwrap_or_default() {
                    push(r, &mut deps);
                }
                self.last_write.insert(h, node);
            }
        }
        if op.global_effect() {
            if let Some(g) = self.last_global {
                push(g, &mut deps);
            }
            self.last_global = Some(node);
        }
        if op.is_stateful() {
            self.stateful.push(node);
        }
        deps
    }

    /// Every stateful op recorded, in program order.
    pub fn stateful_ops(&self) -> &[NodeIndex] {
        &self.stateful
    }
}
