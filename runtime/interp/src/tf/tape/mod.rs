//! `tf.GradientTape`: what the active tapes record, and how.
//!
//! Every op goes through the funnel ([`crate::tf::trace::run_op`]), which
//! calls [`record_op`]; variable reads call [`record_read`]. A tape records
//! an op when one of its inputs is on the tape (watched, or the output of a
//! recorded op), as TF's `ShouldRecord` does, and only ops of the context it
//! was entered in (eager, or one traced graph). Tensors are identified by
//! [`Key`]: eager tensors by their id, symbolic ones by graph output,
//! variables by variable id.
//!
//! Files: `backprop.rs` (TF's `imperative_grad` over the records),
//! `builder.rs` (the [`GradBuilder`](tfjit_tensor::grad::GradBuilder) that
//! builds gradient ops through the funnel, so outer tapes see them),
//! `object.rs` (the Python `GradientTape` object), `custom.rs`
//! (`tf.custom_gradient`).

pub mod backprop;
pub mod builder;
pub mod custom;
pub mod object;

use crate::tf::trace::{self, TV};
use crate::tf::variable::VarCell;
use crate::exc::PyResult;
use crate::value::Value;
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::rc::Rc;
use tfjit_graph::{GraphId, Output, VarId};
use tfjit_tensor::{Attrs, DType, OpDef};

/// The identity of a tensor (or variable) on a tape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Key {
    /// An eager tensor, by [`tfjit_tensor::Tensor::id`].
    E(u64),
    /// A symbolic tensor: graph and output.
    S(GraphId, Output),
    /// A variable (what its reads connect to).
    Var(VarId),
}

/// The key of a tensor.
pub fn key_of(t: &TV) -> Key {
    match t {
        TV::E(t) => Key::E(t.id()),
        TV::S(s) => Key::S(s.g.id(), s.o),
    }
}

/// TF's `IsTrainable`: gradients flow only through floating tensors.
pub fn trainable_dtype(d: DType) -> bool {
    d.is_float()
}

/// What a record is.
pub enum RecKind {
    /// An op through the funnel (`def` is `None` for graph-only ops without
    /// an [`OpDef`], e.g. `TensorList*`; their gradient is
    /// NotImplementedError). `If`/`While` are [`RecKind::Cflow`] records.
    Op { name: String, def: Option<&'static OpDef>, attrs: Attrs },
    /// A variable read: input key [`Key::Var`], the value read as output.
    Read,
    /// A `tf.custom_gradient` call: `grad_fn` gives the input gradients;
    /// `n_args` inputs are the function's arguments, the rest variables.
    Custom { grad_fn: Value, n_args: usize, variables: Vec<Rc<VarCell>> },
    /// A control-flow op (`If`/`While` and their stateless forms): its
    /// gradient builds a gradient `If` or a backward `While`
    /// ([`crate::tf::cflow::grad`]).
    Cflow(Rc<crate::tf::cflow::grad::CfOp>),
}

/// One recorded operation.
pub struct Record {
    pub kind: RecKind,
    pub inputs: Vec<TV>,
    pub in_keys: Vec<Key>,
    pub outputs: Vec<TV>,
    pub out_keys: Vec<Key>,
}

/// One tape's state.
pub struct Tape {
    pub persistent: bool,
    pub watch_accessed: bool,
    /// The graph the tape records in (`None`: eager ops).
    pub graph: Cell<Option<GraphId>>,
    /// False inside `stop_recording()` and after the context exits.
    pub recording: Cell<bool>,
    pub records: RefCell<Vec<Rc<Record>>>,
    /// Keys of the tensors on the tape (watched or computed from watched).
    pub on_tape: RefCell<HashSet<Key>>,
    /// Watched variables, in watch order.
    pub watched_vars: RefCell<Vec<Rc<VarCell>>>,
    /// A non-persistent tape already computed its gradient.
    pub used: Cell<bool>,
}

impl Tape {
    pub fn new(persistent: bool, watch_accessed: bool) -> Rc<Tape> {
        Rc::new(Tape {
            persistent,
            watch_accessed,
            graph: Cell::new(None),
            recording: Cell::new(false),
            records: RefCell::new(Vec::new()),
            on_tape: RefCell::new(HashSet::new()),
            watched_vars: RefCell::new(Vec::new()),
            used: Cell::new(false),
        })
    }

    /// Watches a tensor.
    pub fn watch_key(&self, k: Key) {
        self.on_tape.borrow_mut().insert(k);
    }

    /// Watches a variable (once).
    pub fn watch_var(&self, cell: &Rc<VarCell>) {
        let mut vs = self.watched_vars.borrow_mut();
        if !vs.iter().any(|c| c.id == cell.id) {
            vs.push(cell.clone());
        }
        self.on_tape.borrow_mut().insert(Key::Var(cell.id));
    }

    /// Forgets everything recorded (`tape.reset()`).
    pub fn clear(&self) {
        self.records.borrow_mut().clear();
        self.on_tape.borrow_mut().clear();
        self.watched_vars.borrow_mut().clear();
        self.used.set(false);
    }

    fn add(&self, r: &Rc<Record>) {
        let mut on = self.on_tape.borrow_mut();
        for k in &r.out_keys {
            on.insert(*k);
        }
        self.records.borrow_mut().push(r.clone());
    }

    fn watches_any(&self, keys: &[Key], inputs: &[&TV]) -> bool {
        let on = self.on_tape.borrow();
        keys.iter().zip(inputs).any(|(k, x)| on.contains(k) && trainable_dtype(x.dtype()))
    }
}

thread_local! {
    /// Entered tapes, innermost last.
    static ACTIVE: RefCell<Vec<Rc<Tape>>> = const { RefCell::new(Vec::new()) };
    /// Set while recording is paused for everything (gradient seeds,
    /// custom-gradient outputs).
    static PAUSED: Cell<u32> = const { Cell::new(0) };
    /// `VariableWatcher`s of `tf.custom_gradient` calls.
    static VAR_WATCHERS: RefCell<Vec<Vec<Rc<VarCell>>>> = const { RefCell::new(Vec::new()) };
}

/// Whether some tape (or variable watcher) might record: the funnel's fast check.
pub fn any_active() -> bool {
    ACTIVE.with(|a| !a.borrow().is_empty()) || VAR_WATCHERS.with(|w| !w.borrow().is_empty())
}

/// Makes `t` an entered tape.
pub fn push_tape(t: &Rc<Tape>) {
    ACTIVE.with(|a| a.borrow_mut().push(t.clone()));
}

/// Removes `t` from the entered tapes.
pub fn pop_tape(t: &Rc<Tape>) {
    ACTIVE.with(|a| a.borrow_mut().retain(|x| !Rc::ptr_eq(x, t)));
}

/// Runs `f` with every tape paused.
pub fn paused<R>(f: impl FnOnce() -> R) -> R {
    PAUSED.with(|p| p.set(p.get() + 1));
    let r = f();
    PAUSED.with(|p| p.set(p.get().saturating_sub(1)));
    r
}

/// Runs `f` with `tape` not recording (and restores its state).
pub fn without<R>(tape: &Rc<Tape>, f: impl FnOnce() -> R) -> R {
    let was = tape.recording.get();
    tape.recording.set(false);
    let r = f();
    tape.recording.set(was);
    r
}

/// Starts a `VariableWatcher` (custom_gradient).
pub fn push_var_watcher() {
    VAR_WATCHERS.with(|w| w.borrow_mut().push(Vec::new()));
}

/// Ends the innermost `VariableWatcher`, returning the variables read.
pub fn pop_var_watcher() -> Vec<Rc<VarCell>> {
    VAR_WATCHERS.with(|w| w.borrow_mut().pop()).unwrap_or_default()
}

fn current_graph() -> Option<GraphId> {
    trace::current().map(|c| c.graph.id())
}

/// The current graph and the graphs enclosing it (branch and loop-body
/// graphs are nested in the graph that will hold their `If`/`While`).
fn graph_chain() -> Vec<Option<GraphId>> {
    let Some(ctx) = trace::current() else { return vec![None] };
    let mut v = vec![Some(ctx.graph.id())];
    let mut cur = ctx.graph.id();
    while let Some(p) = crate::tf::cflow::subgraph::parent_of(cur) {
        cur = p.graph.id();
        v.push(Some(cur));
    }
    v
}

/// Whether a tape records in the current graph or in a graph enclosing it
/// (a `While` built now may be differentiated, so it accumulates the
/// values of its iterations).
pub fn recording_in_chain() -> bool {
    if PAUSED.with(|p| p.get()) > 0 {
        return false;
    }
    let chain = graph_chain();
    ACTIVE.with(|a| a.borrow().iter().any(|t| t.recording.get() && chain.contains(&t.graph.get())))
}

/// Runs `f` with a fresh non-persistent tape recording the ops of the
/// current graph, watching `watch`; returns `f`'s result and the tape
/// (no longer recording). The gradient functions of control flow use it to
/// differentiate a replayed branch or loop body.
pub fn with_local_tape<R>(watch: &[Key], f: impl FnOnce() -> PyResult<R>) -> PyResult<(R, Rc<Tape>)> {
    let t = Tape::new(false, false);
    t.graph.set(current_graph());
    for k in watch {
        t.watch_key(*k);
    }
    t.recording.set(true);
    push_tape(&t);
    let saved = PAUSED.with(|p| p.replace(0));
    let r = f();
    PAUSED.with(|p| p.set(saved));
    pop_tape(&t);
    t.recording.set(false);
    Ok((r?, t))
}

/// Records a control-flow op on the tapes of the current graph watching one
/// of its inputs; `in_keys` are the inputs' keys (a variable's handle is
/// keyed by its variable).
pub fn record_cflow(op: Rc<crate::tf::cflow::grad::CfOp>, inputs: Vec<TV>, in_keys: Vec<Key>, outputs: Vec<TV>) {
    let tapes = recording_tapes();
    if tapes.is_empty() {
        return;
    }
    let refs: Vec<&TV> = inputs.iter().collect();
    let watching: Vec<&Rc<Tape>> = tapes.iter().filter(|t| t.watches_any(&in_keys, &refs)).collect();
    if watching.is_empty() {
        return;
    }
    let rec = Rc::new(Record {
        kind: RecKind::Cflow(op),
        inputs,
        in_keys,
        out_keys: outputs.iter().map(key_of).collect(),
        outputs,
    });
    for t in watching {
        t.add(&rec);
    }
}

/// The tapes recording now (entered, not stopped, of the current context).
fn recording_tapes() -> Vec<Rc<Tape>> {
    if PAUSED.with(|p| p.get()) > 0 {
        return Vec::new();
    }
    let g = current_graph();
    ACTIVE.with(|a| a.borrow().iter().filter(|t| t.recording.get() && t.graph.get() == g).cloned().collect())
}

/// Called by the funnel after op `op` ran on `inputs`: records it on the
/// tapes watching one of its inputs. Eager outputs that alias an input
/// (same tensor id) get a fresh id, so every recorded output is a new tensor.
pub fn record_op(op: &str, inputs: &[&TV], attrs: &Attrs, outs: Vec<TV>) -> Vec<TV> {
    let tapes = recording_tapes();
    if tapes.is_empty() {
        return outs;
    }
    let in_keys: Vec<Key> = inputs.iter().map(|x| key_of(x)).collect();
    let outs: Vec<TV> = outs
        .into_iter()
        .map(|o| match o {
            TV::E(t) if in_keys.contains(&Key::E(t.id())) => TV::E(t.renewed()),
            o => o,
        })
        .collect();
    let watching: Vec<&Rc<Tape>> = tapes.iter().filter(|t| t.watches_any(&in_keys, inputs)).collect();
    if watching.is_empty() {
        return outs;
    }
    let rec = Rc::new(Record {
        kind: RecKind::Op { name: op.to_string(), def: tfjit_tensor::op::lookup(op), attrs: attrs.clone() },
        inputs: inputs.iter().map(|x| (*x).clone()).collect(),
        in_keys,
        out_keys: outs.iter().map(key_of).collect(),
        outputs: outs.clone(),
    });
    for t in watching {
        t.add(&rec);
    }
    outs
}

/// Called on every variable read (`value` is what the read returns): tapes
/// that watch accessed variables watch `cell` if it is trainable; tapes
/// watching it record the read. Returns the value (with a fresh id if recorded).
pub fn record_read(cell: &Rc<VarCell>, value: TV) -> TV {
    VAR_WATCHERS.with(|w| {
        if let Some(top) = w.borrow_mut().last_mut() {
            if !top.iter().any(|c| c.id == cell.id) {
                top.push(cell.clone());
            }
        }
    });
    if cell.trainable && PAUSED.with(|p| p.get()) == 0 {
        // Reads in a branch or loop body count for the tapes of the
        // enclosing graphs too (the If/While takes the variable's handle).
        let chain = graph_chain();
        ACTIVE.with(|a| {
            for t in a.borrow().iter() {
                if t.watch_accessed && t.recording.get() && chain.contains(&t.graph.get()) {
                    t.watch_var(cell);
                }
            }
        });
    }
    let tapes = recording_tapes();
    if tapes.is_empty() {
        return value;
    }
    // A read is a new tensor (the variable's value may be a tensor the
    // program also holds, e.g. its initial value).
    let value = match value {
        TV::E(t) => TV::E(t.renewed()),
        v => v,
    };
    let k = Key::Var(cell.id);
    let watching: Vec<&Rc<Tape>> = tapes.iter().filter(|t| t.on_tape.borrow().contains(&k)).collect();
    if watching.is_empty() || !trainable_dtype(value.dtype()) {
        return value;
    }
    let rec = Rc::new(Record {
        kind: RecKind::Read,
        inputs: Vec::new(),
        in_keys: vec![k],
        out_keys: vec![key_of(&value)],
        outputs: vec![value.clone()],
    });
    for t in watching {
        t.add(&rec);
    }
    value
}

/// Records a `tf.custom_gradient` call on the tapes watching one of `inputs`.
pub fn record_custom(grad_fn: Value, n_args: usize, variables: Vec<Rc<VarCell>>, inputs: Vec<TV>, outputs: Vec<TV>) {
    let tapes = recording_tapes();
    let in_keys: Vec<Key> = inputs.iter().map(key_of).collect();
    let refs: Vec<&TV> = inputs.iter().collect();
    let watching: Vec<&Rc<Tape>> = tapes.iter().filter(|t| t.watches_any(&in_keys, &refs)).collect();
    if watching.is_empty() {
        return;
    }
    let rec = Rc::new(Record {
        kind: RecKind::Custom { grad_fn, n_args, variables },
        inputs,
        in_keys,
        out_keys: outputs.iter().map(key_of).collect(),
        outputs,
    });
    for t in watching {
        t.add(&rec);
    }
}

/// Called before a traced function runs eagerly (its ops bypass the
/// funnel): a recording tape that would need its gradient gets a clear
/// NotImplementedError rather than silently missing gradients.
pub fn check_function_call(inputs: &[tfjit_tensor::Tensor], vars: &[VarId]) -> crate::exc::PyResult<()> {
    let tapes = recording_tapes();
    for t in &tapes {
        let on = t.on_tape.borrow();
        let watched_input = inputs.iter().any(|x| trainable_dtype(x.dtype()) && on.contains(&Key::E(x.id())));
        let watched_var = vars.iter().any(|id| {
            on.contains(&Key::Var(*id))
                || (t.watch_accessed && crate::tf::variable::lookup_cell(*id).is_some_and(|c| c.trainable))
        });
        if watched_input || watched_var {
            return Err(crate::exc::Exc::not_implemented(
                "tf.GradientTape recording a call of a tf.function from eager code is not implemented in tfjit yet (use the tape inside the tf.function)",
            ));
        }
    }
    Ok(())
}
