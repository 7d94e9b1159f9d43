//! Recursion into nested graphs: [`Nested`] runs a pass on every function
//! attribute (`If` branches, `While` cond and body), innermost first, then
//! on the graph itself. Bodies of fused nodes are already optimized and are
//! left alone. A nested graph keeps its signature (arguments,
//! captures, outputs), so the op calling it stays valid.

use crate::fuse::is_fused;
use crate::pass::Pass;
use std::sync::Arc;
use tfjit_graph::FuncGraph;
use tfjit_tensor::TfResult;

/// Runs the inner pass on nested graphs (recursively), then on the graph.
#[derive(Debug, Clone)]
pub struct Nested<P>(pub P);

impl<P: Pass> Pass for Nested<P> {
    fn name(&self) -> &'static str {
        self.0.name()
    }

    fn run(&self, g: &mut FuncGraph) -> TfResult<bool> {
        let mut changed = false;
        let with_funcs: Vec<_> = g
            .operations()
            .iter()
            .copied()
            .filter(|&ix| !g.node(ix).funcs.is_empty() && !is_fused(g.node(ix).op))
            .collect();
        for ix in with_funcs {
            let funcs: Vec<(&'static str, Arc<FuncGraph>)> = g
                .node(ix)
                .funcs
                .iter()
                .map(|(k, f)| (*k, f.clone()))
                .collect();
            for (k, f) in funcs {
                let mut inner = (*f).clone();
                if self.run(&mut inner)? {
                    if let Some(node) = g.node_mut(ix) {
                        node.funcs.insert(k, Arc::new(inner));
                    }
                    changed = true;
                }
            }
        }
        Ok(self.0.run(g)? | changed)
    }
}
