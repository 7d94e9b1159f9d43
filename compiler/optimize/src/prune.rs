//! Pruning: removes ops that feed no output and no side effect — exactly
//! the ops the executor would never run (it runs what the outputs and the
//! control outputs depend on, through data and control edges). Arguments,
//! captures, stateful ops in the control outputs and every control edge
//! between kept ops stay as they are.

use crate::pass::Pass;
use petgraph::visit::NodeIndexable;
use petgraph::Direction;
use tfjit_graph::FuncGraph;
use tfjit_tensor::TfResult;

/// Removes ops no output or control output depends on.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prune;

impl Pass for Prune {
    fn name(&self) -> &'static str {
        "prune"
    }

    fn run(&self, g: &mut FuncGraph) -> TfResult<bool> {
        let pg = g.petgraph();
        let mut live = vec![false; pg.node_bound()];
        let mut stack: Vec<_> = g.outputs().iter().map(|o| o.node).collect();
        stack.extend(g.control_outputs().iter().copied());
        stack.extend(g.inputs().iter().copied());
        stack.extend(g.captures().iter().map(|c| c.placeholder));
        while let Some(n) = stack.pop() {
            match live.get_mut(n.index()) {
                Some(l) if !*l => *l = true,
                _ => continue,
            }
            stack.extend(pg.neighbors_directed(n, Direction::Incoming));
        }
        let dead: Vec<_> = g
            .operations()
            .iter()
            .copied()
            .filter(|ix| !live.get(ix.index()).copied().unwrap_or(false))
            .collect();
        for &ix in &dead {
            g.remove_node(ix)?;
        }
        Ok(!dead.is_empty())
    }
}
