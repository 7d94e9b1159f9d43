//! The [`Pass`] trait: one graph transformation; pipelines are tuples of
//! passes (`(Prune, Saturate::default(), Fuse)`), themselves passes.

use tfjit_graph::FuncGraph;
use tfjit_tensor::TfResult;

/// One optimization pass over a graph, in place.
pub trait Pass {
    /// A short name (`prune`, `saturate`, …), for logs and `--stage` dumps.
    fn name(&self) -> &'static str;

    /// Transforms `graph`; returns whether anything changed. On error the
    /// graph may be partly transformed: callers run passes on a copy.
    fn run(&self, graph: &mut FuncGraph) -> TfResult<bool>;
}

macro_rules! tuple_pass {
    ($($p:ident . $i:tt),+) => {
        impl<$($p: Pass),+> Pass for ($($p,)+) {
            fn name(&self) -> &'static str {
                "pipeline"
            }
            fn run(&self, graph: &mut FuncGraph) -> TfResult<bool> {
                let mut changed = false;
                $( changed |= self.$i.run(graph)?; )+
                Ok(changed)
            }
        }
    };
}

tuple_pass!(A.0);
tuple_pass!(A.0, B.1);
tuple_pass!(A.0, B.1, C.2);
tuple_pass!(A.0, B.1, C.2, D.3);
tuple_pass!(A.0, B.1, C.2, D.3, E.4);
tuple_pass!(A.0, B.1, C.2, D.3, E.4, F.5);
