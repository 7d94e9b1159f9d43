//! Tracing state and the one op funnel.
//!
//! - [`TraceGraph`]: a graph being recorded (a `GraphBuilder`), or, once the
//!   trace is finished, the `FuncGraph` it became. Symbolic tensors keep an
//!   `Rc` to it, so they stay printable and inspectable after the trace.
//! - The trace stack (thread-local): the innermost [`TraceCtx`] is where ops
//!   go. Nested graphs (branches, loop bodies) push more contexts.
//! - [`TV`]: a tensor as the TF API layer handles it — eager ([`TV::E`]) or
//!   symbolic ([`TV::S`]).
//! - [`run_op`]: every `tf.*` function and operator runs its ops through
//!   here: with no trace active and eager inputs it runs the reference
//!   kernel; inside a trace (or on symbolic inputs) it adds a graph node with
//!   `GraphBuilder::add_op`, capturing eager inputs as constants.

use crate::exc::{Exc, PyResult};
use crate::tf::variable::VarCell;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphBuilder, GraphId, Output, ValueType};
use tfjit_tensor::{Attr, Attrs, DType, StaticShape, Tensor, TensorType};

/// A graph being traced, or the finished graph.
pub struct TraceGraph {
    builder: RefCell<Option<GraphBuilder>>,
    done: RefCell<Option<Arc<FuncGraph>>>,
    id: GraphId,
}

impl TraceGraph {
    /// A new empty graph for function `name`.
    pub fn new(name: &str) -> Rc<TraceGraph> {
        let b = GraphBuilder::new(name);
        let id = b.graph().id();
        Rc::new(TraceGraph { builder: RefCell::new(Some(b)), done: RefCell::new(None), id })
    }

    /// A finished graph (e.g. one built elsewhere), for inspection.
    pub fn finished(g: Arc<FuncGraph>) -> Rc<TraceGraph> {
        let id = g.id();
        Rc::new(TraceGraph { builder: RefCell::new(None), done: RefCell::new(Some(g)), id })
    }

    pub fn id(&self) -> GraphId {
        self.id
    }

    /// Reads the graph (building or finished).
    pub fn with_graph<R>(&self, f: impl FnOnce(&FuncGraph) -> R) -> R {
        if let Some(b) = self.builder.borrow().as_ref() {
            return f(b.graph());
        }
        match self.done.borrow().as_ref() {
            Some(g) => f(g),
            None => f(GraphBuilder::new("<empty>").graph()),
        }
    }

    /// Edits the graph; an error once it is finished.
    pub fn with_builder<R>(&self, f: impl FnOnce(&mut GraphBuilder) -> R) -> PyResult<R> {
        let mut b = self.builder.borrow_mut();
        match b.as_mut() {
            Some(b) => Ok(f(b)),
            None => Err(Exc::new(
                "InaccessibleTensorError",
                "The tensor belongs to a function graph that has finished tracing; it cannot be used to build new ops.",
            )),
        }
    }

    /// Finishes the graph with `outputs` (each returned through an `Identity`).
    pub fn finish(&self, outputs: &[Output]) -> PyResult<Arc<FuncGraph>> {
        let b = self.builder.borrow_mut().take().ok_or_else(|| Exc::runtime_error("graph already finished"))?;
        let g = Arc::new(b.finish(outputs)?);
        *self.done.borrow_mut() = Some(g.clone());
        Ok(g)
    }

    /// The finished graph.
    pub fn func_graph(&self) -> Option<Arc<FuncGraph>> {
        self.done.borrow().clone()
    }

    /// The static type of tensor `o`.
    pub fn value_type(&self, o: Output) -> ValueType {
        self.with_graph(|g| match g.check(o) {
            Ok(()) => g.value_type(o).clone(),
            Err(_) => ValueType::Tensor(TensorType::new(DType::Float32, StaticShape::unknown_rank())),
        })
    }

    /// TF's tensor name (`add:0`).
    pub fn tensor_name(&self, o: Output) -> String {
        self.with_graph(|g| if g.check(o).is_ok() { g.tensor_name(o) } else { "<unknown>:0".into() })
    }
}

/// What a trace may do with `tf.Variable(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarCreation {
    /// The first trace of a function: variables may be created.
    Allowed,
    /// The trace right after a first trace that created variables.
    SingletonError,
    /// A later trace of a function whose first trace created none.
    NonFirstCallError,
}

/// One active trace.
pub struct TraceCtx {
    pub graph: Rc<TraceGraph>,
    pub creation: VarCreation,
    /// Variables created during this trace.
    pub created: RefCell<Vec<Rc<VarCell>>>,
    /// Whether some created variable is initialized by the graph itself
    /// (its initial value depends on the function's inputs).
    pub unlifted_init: Cell<bool>,
}

thread_local! {
    static STACK: RefCell<Vec<Rc<TraceCtx>>> = const { RefCell::new(Vec::new()) };
    /// The `name=` of the `tf.*` call being run: names the ops it creates.
    static NAME: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` with `name` (a `tf.*` function's `name=` argument) naming the
/// ops it creates in a trace.
pub fn with_op_name<R>(name: Option<String>, f: impl FnOnce() -> R) -> R {
    let saved = NAME.with(|n| std::mem::replace(&mut *n.borrow_mut(), name));
    let r = f();
    NAME.with(|n| *n.borrow_mut() = saved);
    r
}

fn name_or(hint: &str) -> String {
    NAME.with(|n| n.borrow().clone()).unwrap_or_else(|| hint.to_string())
}

/// The innermost active trace.
pub fn current() -> Option<Rc<TraceCtx>> {
    STACK.with(|s| s.borrow().last().cloned())
}

/// Whether a trace is active.
pub fn tracing() -> bool {
    STACK.with(|s| !s.borrow().is_empty())
}

/// The active trace graph with id `id` (for wiring a nested graph's
/// captures of an enclosing graph's tensors into its parent).
pub fn active_graph(id: GraphId) -> Option<Rc<TraceGraph>> {
    STACK.with(|s| s.borrow().iter().rev().find(|c| c.graph.id() == id).map(|c| c.graph.clone()))
}

fn on_stack(g: &Rc<TraceGraph>) -> bool {
    STACK.with(|s| s.borrow().iter().any(|c| Rc::ptr_eq(&c.graph, g)))
}

/// Pops the trace it pushed when dropped.
pub struct TraceGuard(());

impl Drop for TraceGuard {
    fn drop(&mut self) {
        STACK.with(|s| s.borrow_mut().pop());
    }
}

/// Makes `ctx` the innermost trace until the guard is dropped.
pub fn push(ctx: Rc<TraceCtx>) -> TraceGuard {
    STACK.with(|s| s.borrow_mut().push(ctx));
    TraceGuard(())
}

/// Runs `f` with no trace active (`tf.init_scope()`), restoring the stack after.
pub fn outside_traces<R>(f: impl FnOnce() -> R) -> R {
    let saved = STACK.with(|s| std::mem::take(&mut *s.borrow_mut()));
    let r = f();
    STACK.with(|s| *s.borrow_mut() = saved);
    r
}

/// A symbolic tensor: an output of a traced graph.
#[derive(Clone)]
pub struct Sym {
    pub g: Rc<TraceGraph>,
    pub o: Output,
    pub ty: TensorType,
}

impl Sym {
    /// The symbolic tensor for output `o` of `g` (must be a numeric tensor).
    pub fn new(g: &Rc<TraceGraph>, o: Output) -> Sym {
        let ty = match g.value_type(o) {
            ValueType::Tensor(t) => t,
            ValueType::Resource(t) | ValueType::List(t) => t,
            ValueType::Str => TensorType::new(DType::Float32, StaticShape::known(&[])),
        };
        Sym { g: g.clone(), o, ty }
    }
    /// TF's name, `add:0`.
    pub fn name(&self) -> String {
        self.g.tensor_name(self.o)
    }
}

/// A tensor as the API layer sees it.
#[derive(Clone)]
pub enum TV {
    E(Tensor),
    S(Sym),
}

impl From<Tensor> for TV {
    fn from(t: Tensor) -> TV {
        TV::E(t)
    }
}

impl TV {
    pub fn dtype(&self) -> DType {
        match self {
            TV::E(t) => t.dtype(),
            TV::S(s) => s.ty.dtype,
        }
    }
    /// The static shape (fully known for eager tensors).
    pub fn shape(&self) -> StaticShape {
        match self {
            TV::E(t) => StaticShape::known(t.shape()),
            TV::S(s) => s.ty.shape.clone(),
        }
    }
    pub fn tensor_type(&self) -> TensorType {
        TensorType::new(self.dtype(), self.shape())
    }
    /// The rank, if known.
    pub fn rank(&self) -> Option<usize> {
        match self {
            TV::E(t) => Some(t.rank()),
            TV::S(s) => s.ty.shape.rank(),
        }
    }
    /// The rank, or TF's ValueError when it is unknown.
    pub fn known_rank(&self, what: &str) -> PyResult<usize> {
        self.rank().ok_or_else(|| Exc::value_error(format!("{what} requires a tensor of known rank")))
    }
    /// Dim `i`, if known.
    pub fn dim(&self, i: usize) -> Option<usize> {
        match self {
            TV::E(t) => t.shape().get(i).copied(),
            TV::S(s) => s.ty.shape.dims.as_ref().and_then(|d| d.get(i).copied().flatten()),
        }
    }
    /// The concrete dims, if all known.
    pub fn known_dims(&self) -> Option<Vec<usize>> {
        match self {
            TV::E(t) => Some(t.shape().to_vec()),
            TV::S(s) => s.ty.shape.as_known(),
        }
    }
    /// The eager tensor, if this is one.
    pub fn eager(&self) -> Option<&Tensor> {
        match self {
            TV::E(t) => Some(t),
            TV::S(_) => None,
        }
    }
    /// The value, if known statically: an eager tensor, or a graph `Const`.
    pub fn const_value(&self) -> Option<Tensor> {
        match self {
            TV::E(t) => Some(t.clone()),
            TV::S(s) => {
                let b = s.g.builder.borrow();
                match b.as_ref() {
                    Some(b) => b.const_value(s.o).cloned(),
                    None => {
                        let g = s.g.done.borrow();
                        let g = g.as_ref()?;
                        let n = g.try_node(s.o.node)?;
                        if n.op.name() != "Const" {
                            return None;
                        }
                        match n.attrs.get("value") {
                            Some(Attr::Tensor(t)) => Some(t.clone()),
                            _ => None,
                        }
                    }
                }
            }
        }
    }
    pub fn is_symbolic(&self) -> bool {
        matches!(self, TV::S(_))
    }
}

/// The TF parameter names of an op's inputs, for naming the constants that
/// Python values become inside a trace (`mul/y`, `Reshape/shape`).
fn input_param(op: &str, i: usize) -> String {
    let names: &[&str] = match op {
        "Reshape" => &["tensor", "shape"],
        "Sum" | "Mean" | "Max" | "Min" | "Prod" | "Any" | "All" => &["input", "reduction_indices"],
        "ExpandDims" => &["input", "dim"],
        "Transpose" => &["x", "perm"],
        "ConcatV2" => &[],
        "Fill" => &["dims", "value"],
        "GatherV2" => &["params", "indices", "axis"],
        "StridedSlice" => &["input", "stack", "stack_1", "stack_2"],
        "Range" => &["start", "limit", "delta"],
        "ArgMax" | "ArgMin" => &["input", "dimension"],
        "Tile" => &["input", "multiples"],
        "BroadcastTo" => &["input", "shape"],
        "SelectV2" => &["condition", "t", "e"],
        _ => &["x", "y", "z"],
    };
    names.get(i).map_or_else(|| format!("input_{i}"), |s| s.to_string())
}

fn not_in_graph_error() -> Exc {
    Exc::type_error(
        "An op outside of the function building code is being passed\na \"Graph\" tensor. It is possible to have Graph tensors\nleak out of the function building context by including a\ntf.init_scope in your function building code.\nThe graph tensor has name: <symbolic tensor>",
    )
}

/// The graph tensor for `x` in the graph of `ctx`: symbolic tensors of this
/// graph as they are, of an enclosing graph captured, eager tensors captured
/// as constants (`name_hint` names them).
fn graph_input(ctx: &TraceCtx, b: &mut GraphBuilder, x: &TV, name_hint: &str) -> PyResult<Output> {
    match x {
        TV::E(t) => Ok(b.capture_tensor(name_hint, t)),
        TV::S(s) => {
            if Rc::ptr_eq(&s.g, &ctx.graph) {
                return Ok(s.o);
            }
            if on_stack(&s.g) {
                return Ok(b.capture_symbolic(name_hint, s.o, s.g.value_type(s.o)));
            }
            Err(Exc::new(
                "InaccessibleTensorError",
                format!(
                    "<tf.Tensor '{}' shape={} dtype={}> is out of scope and cannot be used here. Use return values, explicit Python locals or TensorFlow collections to access it.",
                    s.name(),
                    s.ty.shape,
                    s.ty.dtype.name()
                ),
            ))
        }
    }
}

/// Runs op `op` (TF's op type) on `inputs`: eagerly with the reference
/// kernel, or as a graph node named from `hint` when a trace is active or an
/// input is symbolic.
pub fn run_op(hint: &str, op: &str, inputs: &[&TV], attrs: Attrs) -> PyResult<Vec<TV>> {
    if crate::tf::tape::any_active() {
        let a = attrs.clone();
        let outs = run_op_unrecorded(hint, op, inputs, attrs)?;
        return Ok(crate::tf::tape::record_op(op, inputs, &a, outs));
    }
    run_op_unrecorded(hint, op, inputs, attrs)
}

/// [`run_op`] without telling the gradient tapes.
fn run_op_unrecorded(hint: &str, op: &str, inputs: &[&TV], attrs: Attrs) -> PyResult<Vec<TV>> {
    let ctx = current();
    let all_eager = inputs.iter().all(|x| !x.is_symbolic());
    let Some(ctx) = ctx else {
        if !all_eager {
            return Err(not_in_graph_error());
        }
        let ts: Vec<&Tensor> = inputs.iter().filter_map(|x| x.eager()).collect();
        let outs = tfjit_tensor::op::run(op, &ts, &attrs)?;
        return Ok(outs.into_iter().map(TV::E).collect());
    };
    let graph = ctx.graph.clone();
    let outs = graph.with_builder(|b| -> PyResult<Vec<Output>> {
        let name = b.unique_name(&name_or(if hint.is_empty() { op } else { hint }));
        let leaf = name.rsplit('/').next().unwrap_or(&name).to_string();
        let mut ins = Vec::with_capacity(inputs.len());
        for (i, x) in inputs.iter().enumerate() {
            ins.push(graph_input(&ctx, b, x, &format!("{leaf}/{}", input_param(op, i)))?);
        }
        Ok(b.add_op(&format!("{name}/"), op, &ins, attrs)?)
    })??;
    Ok(outs.into_iter().map(|o| TV::S(Sym::new(&graph, o))).collect())
}

/// [`run_op`] for single-output ops, named after the op type.
pub fn op1(op: &str, inputs: &[&TV], attrs: Attrs) -> PyResult<TV> {
    op1_named(op, op, inputs, attrs)
}

/// [`run_op`] named after the op type (multi-output ops).
pub fn opn(op: &str, inputs: &[&TV], attrs: Attrs) -> PyResult<Vec<TV>> {
    run_op(op, op, inputs, attrs)
}

/// [`run_op`] for single-output ops with a name hint (`add` for `x + y`).
pub fn op1_named(hint: &str, op: &str, inputs: &[&TV], attrs: Attrs) -> PyResult<TV> {
    run_op(hint, op, inputs, attrs)?
        .into_iter()
        .next()
        .ok_or_else(|| Exc::runtime_error(format!("op {op} produced no output")))
}

/// A constant: eager outside traces, a `Const` node named from `hint` inside.
pub fn constant(hint: &str, t: Tensor) -> PyResult<TV> {
    match current() {
        None => Ok(TV::E(t)),
        Some(ctx) => {
            let o = ctx.graph.with_builder(|b| b.add_const(&name_or(hint), t))?;
            Ok(TV::S(Sym::new(&ctx.graph, o)))
        }
    }
}

/// The graph tensor of `x` in the current trace (for graph-level ops that
/// the funnel does not cover, e.g. variable writes and printing).
pub fn to_graph(ctx: &TraceCtx, x: &TV, hint: &str) -> PyResult<Output> {
    let graph = ctx.graph.clone();
    graph.with_builder(|b| graph_input(ctx, b, x, hint))?
}
