//! Tracing Python callables into nested function graphs (the branches of
//! `If` and the cond/body of `While`).
//!
//! A [`SubTrace`] is a graph traced while its parent trace is active:
//! tensors of enclosing graphs that it uses become symbolic captures
//! (placeholders fed by the op's extra inputs), variables it touches are
//! captured as the parent's handles (so the op takes them as resource
//! inputs and automatic control dependencies order it), eager tensors
//! become constants.

use crate::exc::{Exc, PyResult};
use crate::tf::trace::{self, Sym, TraceCtx, TraceGraph, TV};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphId, Output, ValueType};

thread_local! {
    /// Nested graph → the trace it was started in.
    static PARENTS: RefCell<Vec<(GraphId, Rc<TraceCtx>)>> = const { RefCell::new(Vec::new()) };
    static NEXT_UID: Cell<u64> = const { Cell::new(1) };
}

/// A fresh number for function graph names (`cond_true_7`, TF's uid).
pub fn uid() -> u64 {
    NEXT_UID.with(|c| {
        let v = c.get();
        c.set(v + 1);
        v
    })
}

/// The trace a nested graph was started in, if `id` is a nested graph.
pub fn parent_of(id: GraphId) -> Option<Rc<TraceCtx>> {
    PARENTS.with(|p| p.borrow().iter().rev().find(|(g, _)| *g == id).map(|(_, c)| c.clone()))
}

/// The current trace, or TF's error for graph-only control flow outside one.
pub fn current_trace() -> PyResult<Rc<TraceCtx>> {
    trace::current().ok_or_else(|| Exc::runtime_error("control flow op built outside of a trace"))
}

/// One nested graph being traced.
pub struct SubTrace {
    pub ctx: Rc<TraceCtx>,
    pub parent: Rc<TraceCtx>,
}

impl SubTrace {
    /// Starts graph `name` nested in the current trace.
    pub fn begin(name: &str) -> PyResult<SubTrace> {
        let parent = current_trace()?;
        let graph = TraceGraph::new(name);
        let ctx = Rc::new(TraceCtx {
            graph: graph.clone(),
            creation: parent.creation,
            created: RefCell::new(Vec::new()),
            unlifted_init: Cell::new(false),
        });
        PARENTS.with(|p| p.borrow_mut().push((graph.id(), parent.clone())));
        Ok(SubTrace { ctx, parent })
    }

    pub fn graph(&self) -> &Rc<TraceGraph> {
        &self.ctx.graph
    }

    /// Adds an argument placeholder.
    pub fn arg(&self, name: &str, ty: ValueType) -> PyResult<Sym> {
        let o = self.ctx.graph.with_builder(|b| b.add_placeholder(name, ty))?;
        Ok(Sym::new(&self.ctx.graph, o))
    }

    /// Runs `f` with this graph as the innermost trace.
    pub fn run<R>(&self, f: impl FnOnce() -> PyResult<R>) -> PyResult<R> {
        let guard = trace::push(self.ctx.clone());
        let r = f();
        drop(guard);
        // Variables created inside belong to the enclosing trace too.
        let created: Vec<_> = self.ctx.created.borrow_mut().drain(..).collect();
        self.parent.created.borrow_mut().extend(created);
        if self.ctx.unlifted_init.get() {
            self.parent.unlifted_init.set(true);
        }
        r
    }

    /// `x` as a tensor of this graph (captured if it comes from outside).
    pub fn output_of(&self, x: &TV) -> PyResult<Output> {
        let guard = trace::push(self.ctx.clone());
        let r = trace::to_graph(&self.ctx, x, "input");
        drop(guard);
        r
    }

    /// The symbolic captures so far: outer tensor and its type.
    pub fn captures(&self) -> Vec<(Output, ValueType)> {
        self.ctx.graph.with_graph(|g| {
            g.symbolic_captures()
                .map(|(ph, outer)| (outer, g.node(ph).outputs[0].clone()))
                .collect()
        })
    }

    /// The placeholders of the symbolic captures, in capture order.
    pub fn capture_placeholders(&self) -> Vec<Output> {
        self.ctx
            .graph
            .with_graph(|g| g.symbolic_captures().map(|(ph, _)| g.output(ph, 0)).collect())
    }

    /// Makes the symbolic captures exactly `order`.
    pub fn set_captures(&self, order: &[(Output, ValueType)]) -> PyResult<()> {
        self.ctx.graph.with_builder(|b| b.set_symbolic_captures(order))??;
        Ok(())
    }

    /// Finishes the graph with `outputs` (tensors of this graph).
    pub fn finish(&self, outputs: &[Output]) -> PyResult<Arc<FuncGraph>> {
        self.ctx.graph.finish(outputs)
    }
}

impl Drop for SubTrace {
    fn drop(&mut self) {
        let id = self.ctx.graph.id();
        PARENTS.with(|p| {
            let mut p = p.borrow_mut();
            if let Some(i) = p.iter().rposition(|(g, _)| *g == id) {
                p.remove(i);
            }
        });
    }
}

/// The graphs enclosing `ctx`, innermost first (`ctx`'s own first).
fn chain(ctx: &Rc<TraceCtx>) -> Vec<Rc<TraceCtx>> {
    let mut v = vec![ctx.clone()];
    while let Some(p) = parent_of(v[v.len() - 1].graph.id()) {
        v.push(p);
    }
    v
}

/// Outer tensor `o` (of `ctx`'s graph or an enclosing one) as a tensor of
/// `ctx`'s graph, capturing it if needed.
pub fn outer_in(ctx: &Rc<TraceCtx>, o: Output, ty: &ValueType) -> PyResult<Output> {
    if o.graph == ctx.graph.id() {
        return Ok(o);
    }
    let owner = chain(ctx).into_iter().find(|c| c.graph.id() == o.graph);
    if owner.is_none() && !trace::tracing() {
        return Err(Exc::runtime_error("captured tensor of a graph that is no longer traced"));
    }
    ctx.graph.with_builder(|b| b.capture_symbolic("input", o, ty.clone()))
}

/// The inputs of the op in the parent graph for captures `caps`.
pub fn capture_inputs(parent: &Rc<TraceCtx>, caps: &[(Output, ValueType)]) -> PyResult<Vec<Output>> {
    caps.iter().map(|(o, ty)| outer_in(parent, *o, ty)).collect()
}

/// Capture order of several graphs: the first's, then each later one's new ones.
pub fn union_captures(lists: &[Vec<(Output, ValueType)>]) -> Vec<(Output, ValueType)> {
    let mut out: Vec<(Output, ValueType)> = Vec::new();
    for l in lists {
        for c in l {
            if !out.iter().any(|(o, _)| *o == c.0) {
                out.push(c.clone());
            }
        }
    }
    out
}
