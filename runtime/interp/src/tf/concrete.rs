//! Concrete functions: one trace of a `tf.function` — its graph, input
//! specs and output structure — how a trace is made ([`trace`]), how it runs
//! ([`Concrete::run`], with the interpreter as the graph's [`Runtime`]), and
//! the `ConcreteFunction` Python object.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert, tv_of, Mode};
use crate::tf::spec::{sorted_items, tensor_spec_text, ParamKind, ParamSpec, Spec};
use crate::tf::symbolic::{graph_value, sym_value, SymbolicTensor};
use crate::tf::trace::{self, Sym, TraceCtx, TraceGraph, VarCreation, TV};
use crate::tf::util::{method, tv};
use crate::tf::variable::{lookup_cell, Variable};
use crate::value::{Dict, Object, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, Output, RtValue, Runtime, VarId};
use tfjit_tensor::{StaticShape, Tensor, TfError, TfErrorKind, TfResult};

thread_local! {
    static BODY_RUNS: Cell<u64> = const { Cell::new(0) };
    static NEXT_FN: Cell<u64> = const { Cell::new(1) };
}

/// How many times the Python body of a `tf.function` has run (traces and
/// eager runs), in this thread. Cached calls run graphs and do not count.
pub fn python_body_runs() -> u64 {
    BODY_RUNS.with(|c| c.get())
}

/// Counts one run of a `tf.function`'s Python body.
pub fn count_body_run() {
    BODY_RUNS.with(|c| c.set(c.get() + 1));
}

/// The structure of a function's outputs.
#[derive(Clone)]
pub enum OutSpec {
    /// Graph output `i`.
    Tensor(usize),
    None,
    /// A non-tensor value returned as it is.
    Value(Value),
    List(Vec<OutSpec>),
    Tuple(Vec<OutSpec>),
    Dict(Vec<(Value, OutSpec)>),
}

/// One traced function.
pub struct Concrete {
    /// The Python function's name.
    pub name: String,
    /// `__inference_<name>_<n>`.
    pub inference_name: String,
    pub graph: Rc<TraceGraph>,
    pub fg: Arc<FuncGraph>,
    pub params: Vec<ParamSpec>,
    pub outputs: OutSpec,
    /// The captured variables, kept alive as long as the graph (TF's
    /// captures hold them even if the program drops its references).
    pub captured_vars: Vec<Rc<crate::tf::variable::VarCell>>,
    /// The graph optimized and compiled for running (on the first call).
    pub prepared: std::cell::OnceCell<tfjit_codegen::Prepared>,
}

/// The interpreter as the executor's outside world: variables by id, and
/// the program's stdout/stderr (so `tf.print` interleaves with `print`).
pub struct InterpRuntime<'a> {
    pub interp: &'a mut Interp,
}

impl Runtime for InterpRuntime<'_> {
    fn read_var(&mut self, var: VarId) -> TfResult<Tensor> {
        let cell = lookup_cell(var).ok_or_else(|| TfError::invalid_argument(format!("variable {} no longer exists", var.0)))?;
        if !cell.initialized.get() {
            return Err(TfError::invalid_argument(format!(
                "Could not find variable {}. This could mean that the variable has been deleted or was never initialized.",
                cell.name.trim_end_matches(":0")
            )));
        }
        let v = cell.value.borrow().clone();
        Ok(v)
    }
    fn assign_var(&mut self, var: VarId, value: Tensor) -> TfResult<()> {
        let cell = lookup_cell(var).ok_or_else(|| TfError::invalid_argument(format!("variable {} no longer exists", var.0)))?;
        let d = cell.dtype();
        if d != value.dtype() {
            return Err(TfError::invalid_argument(format!(
                "Trying to assign variable with wrong dtype. Expected {} got {}",
                d.name(),
                value.dtype().name()
            )));
        }
        if !cell.shape.is_compatible_with(&StaticShape::known(value.shape())) {
            return Err(TfError::invalid_argument(format!(
                "Trying to assign to variable with tensor with wrong shape. Expected {} got {}",
                cell.shape,
                StaticShape::known(value.shape())
            )));
        }
        *cell.value.borrow_mut() = value;
        cell.initialized.set(true);
        Ok(())
    }
    fn print(&mut self, text: &str, to_stderr: bool) {
        if to_stderr {
            self.interp.write_stderr(text);
        } else {
            self.interp.write_stdout(text);
        }
    }
}

/// A run-time error of graph `name` as TF reports it.
fn graph_error(e: TfError, inference: &str) -> Exc {
    if matches!(e.kind, TfErrorKind::InvalidArgument | TfErrorKind::ResourceExhausted | TfErrorKind::OutOfRange | TfErrorKind::Unimplemented) {
        let node = e
            .message
            .rsplit("[[{{node ")
            .next()
            .filter(|_| e.message.contains("[[{{node "))
            .and_then(|s| s.split("}}").next())
            .map(|n| format!("Detected at node {n}:\n"))
            .unwrap_or_default();
        let msg = format!("Graph execution error:\n\n{node}{} [Op:{inference}]", e.message);
        return Exc::from(TfError::new(e.kind, msg));
    }
    Exc::from(e)
}

impl Concrete {
    /// Runs the graph on the flat tensor inputs and rebuilds the outputs.
    pub fn run(&self, inputs: Vec<Tensor>, interp: &mut Interp) -> PyResult<Value> {
        if crate::tf::tape::any_active() {
            let vars: Vec<VarId> = self
                .fg
                .captures()
                .iter()
                .filter_map(|c| match &c.kind {
                    tfjit_graph::CaptureKind::Variable(id) => Some(*id),
                    _ => None,
                })
                .collect();
            crate::tf::tape::check_function_call(&inputs, &vars)?;
        }
        let args: Vec<RtValue> = inputs.into_iter().map(RtValue::Tensor).collect();
        let outs = {
            let opts = tfjit_codegen::Options { no_opt: interp.options.no_opt, no_jit: interp.options.no_jit };
            let prepared = self.prepared.get_or_init(|| tfjit_codegen::Prepared::new(&self.fg, opts));
            let mut rt = InterpRuntime { interp };
            prepared.run(&args, &mut rt).map_err(|e| graph_error(e, &self.inference_name))?
        };
        let ts: Vec<Tensor> = outs
            .into_iter()
            .map(|v| match v {
                RtValue::Tensor(t) => Ok(t),
                other => Err(Exc::runtime_error(format!("function returned a {}", other.kind_name()))),
            })
            .collect::<PyResult<_>>()?;
        Ok(rebuild(&self.outputs, &|i| ts.get(i).cloned().map(tv).unwrap_or(Value::None)))
    }

    /// The Python values of the outputs as symbolic tensors of the graph.
    pub fn structured_outputs(&self) -> Value {
        let outs = self.fg.outputs().to_vec();
        let g = self.graph.clone();
        rebuild(&self.outputs, &|i| outs.get(i).map_or(Value::None, |&o| sym_value(Sym::new(&g, o))))
    }

    /// Checks a direct call's tensors against the graph's inputs (TF's
    /// errors for a concrete function called with the wrong dtype).
    fn check_inputs(&self, inputs: &[Tensor]) -> PyResult<()> {
        let specs = self.fg.inputs().to_vec();
        for (i, (t, ix)) in inputs.iter().zip(specs).enumerate() {
            let ty = self.fg.value_type(self.fg.output(ix, 0)).clone();
            if let tfjit_graph::ValueType::Tensor(tt) = ty {
                if tt.dtype != t.dtype() {
                    let name = |d: tfjit_tensor::DType| match d {
                        tfjit_tensor::DType::Float32 => "float",
                        tfjit_tensor::DType::Float64 => "double",
                        other => other.name(),
                    };
                    return Err(Exc::new(
                        "InvalidArgumentError",
                        format!(
                            "cannot compute {} as input #{i}(zero-based) was expected to be a {} tensor but is a {} tensor [Op:{}]",
                            self.inference_name,
                            name(tt.dtype),
                            name(t.dtype()),
                            self.inference_name
                        ),
                    ));
                }
                if !tt.shape.is_compatible_with(&StaticShape::known(t.shape())) {
                    return Err(Exc::new(
                        "InvalidArgumentError",
                        format!(
                            "cannot compute {} as input #{i}(zero-based) has shape {} but the function expects {} [Op:{}]",
                            self.inference_name,
                            StaticShape::known(t.shape()),
                            tt.shape,
                            self.inference_name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// `Input Parameters: … Output Type: … Captures: …`.
    pub fn pretty(&self, interp: &mut Interp) -> PyResult<String> {
        let mut s = String::from("Input Parameters:\n");
        for p in &self.params {
            s.push_str(&format!("  {} ({}): {}\n", p.name, p.kind.label(), p.spec.pretty(interp)?));
        }
        s.push_str("Output Type:\n");
        s.push_str(&format!("  {}\n", self.output_pretty(&self.outputs)));
        s.push_str("Captures:\n");
        let caps: Vec<String> = self
            .fg
            .captures()
            .iter()
            .map(|c| match &c.kind {
                tfjit_graph::CaptureKind::Variable(v) => format!("  {}: TensorSpec(shape=(), dtype=tf.resource, name=None)", v.0),
                tfjit_graph::CaptureKind::Tensor(t) => {
                    format!("  {}: {}", c.placeholder.index(), tensor_spec_text(t.dtype(), &StaticShape::known(t.shape()), None))
                }
                tfjit_graph::CaptureKind::Symbolic(o) => format!("  {}: <outer tensor>", o.node.index()),
            })
            .collect();
        if caps.is_empty() {
            s.push_str("  None");
        } else {
            s.push_str(&caps.join("\n"));
        }
        Ok(s)
    }

    fn output_pretty(&self, o: &OutSpec) -> String {
        match o {
            OutSpec::Tensor(i) => match self.fg.outputs().get(*i).map(|&x| self.fg.value_type(x).clone()) {
                Some(tfjit_graph::ValueType::Tensor(t)) => tensor_spec_text(t.dtype, &t.shape, None),
                _ => "TensorSpec(shape=<unknown>, dtype=tf.resource, name=None)".into(),
            },
            OutSpec::None => "NoneTensorSpec()".into(),
            OutSpec::Value(_) => "Literal".into(),
            OutSpec::List(xs) => format!("List[{}]", xs.iter().map(|x| self.output_pretty(x)).collect::<Vec<_>>().join(", ")),
            OutSpec::Tuple(xs) => format!("Tuple[{}]", xs.iter().map(|x| self.output_pretty(x)).collect::<Vec<_>>().join(", ")),
            OutSpec::Dict(items) => format!(
                "Dict[{}]",
                items
                    .iter()
                    .map(|(k, x)| format!("[{}, {}]", key_repr(k), self.output_pretty(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// `(x: TensorSpec(...), n: Literal[2]) -> TensorSpec(...)`.
    fn short_signature(&self, interp: &mut Interp) -> PyResult<String> {
        let mut parts = Vec::new();
        for p in &self.params {
            parts.push(format!("{}: {}", p.name, p.spec.pretty(interp)?));
        }
        Ok(format!("({}) -> {}", parts.join(", "), self.output_pretty(&self.outputs)))
    }
}

fn key_repr(k: &Value) -> String {
    match k {
        Value::Str(s) => format!("'{s}'"),
        Value::Int(i) => i.to_string(),
        _ => "<key>".into(),
    }
}

fn rebuild(o: &OutSpec, leaf: &dyn Fn(usize) -> Value) -> Value {
    match o {
        OutSpec::Tensor(i) => leaf(*i),
        OutSpec::None => Value::None,
        OutSpec::Value(v) => v.clone(),
        OutSpec::List(xs) => Value::list(xs.iter().map(|x| rebuild(x, leaf)).collect()),
        OutSpec::Tuple(xs) => Value::tuple(xs.iter().map(|x| rebuild(x, leaf)).collect()),
        OutSpec::Dict(items) => {
            let mut d = Dict::default();
            for (k, x) in items {
                let h = match k {
                    Value::Str(s) => crate::value::HashKey::Str(s.clone()),
                    Value::Int(i) => crate::value::HashKey::Int(*i),
                    Value::Bool(b) => crate::value::HashKey::Int(*b as i64),
                    _ => crate::value::HashKey::Id(k.id()),
                };
                d.insert(h, k.clone(), rebuild(x, leaf));
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    }
}

// ------------------------------------------------------------------ tracing

/// Builds the placeholders for `spec` and returns the value the Python body
/// sees for it.
fn symbolic_arg(spec: &Spec, call: &Value, name: &str, g: &Rc<TraceGraph>) -> PyResult<Value> {
    Ok(match spec {
        Spec::Tensor { dtype, shape, name: user } => {
            let ty = tfjit_graph::ValueType::Tensor(tfjit_tensor::TensorType::new(*dtype, shape.clone()));
            let pname = user.clone().unwrap_or_else(|| name.to_string());
            let o = g.with_builder(|b| b.add_placeholder(&pname, ty))?;
            sym_value(Sym::new(g, o))
        }
        Spec::Var(_) | Spec::Lit(..) | Spec::Obj(_) => call.clone(),
        Spec::List(xs) => {
            let items = seq_items(call);
            let mut out = Vec::with_capacity(xs.len());
            for (i, x) in xs.iter().enumerate() {
                out.push(symbolic_arg(x, items.get(i).unwrap_or(&Value::None), name, g)?);
            }
            Value::list(out)
        }
        Spec::Tuple(xs) => {
            let items = seq_items(call);
            let mut out = Vec::with_capacity(xs.len());
            for (i, x) in xs.iter().enumerate() {
                out.push(symbolic_arg(x, items.get(i).unwrap_or(&Value::None), name, g)?);
            }
            Value::tuple(out)
        }
        Spec::Dict(items) => {
            let src = match call {
                Value::Dict(d) => Some(d.clone()),
                _ => None,
            };
            let mut d = Dict::default();
            for (k, h, x) in items {
                let v = src.as_ref().and_then(|s| s.borrow().get(h).cloned()).unwrap_or(Value::None);
                d.insert(h.clone(), k.clone(), symbolic_arg(x, &v, name, g)?);
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    })
}

fn seq_items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => vec![],
    }
}

/// Collects the eager tensors a call feeds to the graph, in placeholder order.
pub fn flatten_inputs(spec: &Spec, call: &Value, out: &mut Vec<Tensor>) -> PyResult<()> {
    let mut tvs = Vec::new();
    flatten_tvs(spec, call, &mut tvs)?;
    for t in tvs {
        match t {
            TV::E(t) => out.push(t),
            TV::S(_) => return Err(Exc::type_error("a symbolic tensor cannot be fed to a graph outside of a trace")),
        }
    }
    Ok(())
}

/// Collects the tensors (eager or symbolic) a call feeds to the graph.
pub fn flatten_tvs(spec: &Spec, call: &Value, out: &mut Vec<TV>) -> PyResult<()> {
    match spec {
        Spec::Tensor { dtype, .. } => {
            let t = match tv_of(call)? {
                Some(t) => t,
                None => TV::E(convert(call, Some(*dtype), Mode::Convert)?),
            };
            out.push(t);
        }
        Spec::Var(_) | Spec::Lit(..) | Spec::Obj(_) => {}
        Spec::List(xs) | Spec::Tuple(xs) => {
            let items = seq_items(call);
            for (x, v) in xs.iter().zip(items.iter()) {
                flatten_tvs(x, v, out)?;
            }
        }
        Spec::Dict(items) => {
            if let Value::Dict(d) = call {
                for (_, h, x) in items {
                    let v = d.borrow().get(h).cloned().unwrap_or(Value::None);
                    flatten_tvs(x, &v, out)?;
                }
            }
        }
    }
    Ok(())
}

/// Calls a traced function from inside another trace: its ops are copied
/// into the current graph (TF would add a `StatefulPartitionedCall`; the
/// results are the same), fed with `args`.
pub fn inline_call(c: &Concrete, args: &[TV]) -> PyResult<Value> {
    let ctx = trace::current().ok_or_else(|| Exc::runtime_error("inline_call outside of a trace"))?;
    let g = &c.fg;
    let mut map: std::collections::HashMap<Output, Output> = std::collections::HashMap::new();
    // Variable handles of the inlined graph, so gradient tapes see its reads.
    let mut handles: std::collections::HashMap<Output, Rc<crate::tf::variable::VarCell>> = std::collections::HashMap::new();
    for (&ix, a) in g.inputs().iter().zip(args) {
        map.insert(g.output(ix, 0), trace::to_graph(&ctx, a, "input")?);
    }
    for cap in g.captures() {
        let o = match &cap.kind {
            tfjit_graph::CaptureKind::Variable(id) => {
                let cell = lookup_cell(*id).ok_or_else(|| Exc::runtime_error("captured variable no longer exists"))?;
                let h = cell.handle(&ctx)?;
                handles.insert(h, cell);
                h
            }
            tfjit_graph::CaptureKind::Tensor(t) => trace::to_graph(&ctx, &TV::E(t.clone()), "captured")?,
            tfjit_graph::CaptureKind::Symbolic(_) => {
                return Err(Exc::not_implemented("calling a tf.function that captures an enclosing graph's tensors is not implemented in tfjit yet"))
            }
        };
        map.insert(g.output(cap.placeholder, 0), o);
    }
    for &ix in g.operations() {
        let Some((ins, outs)) = inline_node(&ctx, g, ix, &map)? else { continue };
        let node = g.node(ix);
        let name = node.op.name();
        if crate::tf::tape::any_active() {
            if crate::tf::cflow::grad::is_cflow(name) {
                // If/While: recorded with their functions (gradient branches).
                let g = &ctx.graph;
                crate::tf::cflow::grad::record_node(name, &node.funcs, &crate::tf::cflow::grad::syms(g, &ins), &crate::tf::cflow::grad::syms(g, &outs));
            } else {
                record_inlined(&ctx, name, &ins, &node.attrs, &outs, &handles);
            }
        }
        for (i, o) in outs.into_iter().enumerate() {
            map.insert(g.output(ix, i), o);
        }
    }
    let outs: Vec<Value> = g
        .outputs()
        .iter()
        .map(|o| map.get(o).map(|&x| sym_value(Sym::new(&ctx.graph, x))).unwrap_or(Value::None))
        .collect();
    Ok(rebuild(&c.outputs, &|i| outs.get(i).cloned().unwrap_or(Value::None)))
}

/// Copies op `ix` of graph `g` into the current trace's graph, its inputs
/// looked up in `map` (inlined output → output in the current graph).
/// Returns the copied op's inputs and outputs; `None` for the ops that are
/// not copied (`Placeholder`s are fed through `map`, `NoOp` control outputs
/// are re-derived by the builder).
pub(crate) fn inline_node(
    ctx: &TraceCtx,
    g: &tfjit_graph::FuncGraph,
    ix: tfjit_graph::NodeIndex,
    map: &std::collections::HashMap<Output, Output>,
) -> PyResult<Option<(Vec<Output>, Vec<Output>)>> {
    let node = g.node(ix);
    let name = node.op.name();
    if name == "Placeholder" || name == "NoOp" {
        return Ok(None);
    }
    let ins: Vec<Output> = g
        .op_inputs(ix)
        .into_iter()
        .map(|o| map.get(&o).copied().ok_or_else(|| Exc::runtime_error(format!("inlining {}: input not computed", node.name))))
        .collect::<PyResult<_>>()?;
    let outs = ctx.graph.with_builder(|b| -> PyResult<Vec<Output>> {
        if name == "Const" {
            if let Some(tfjit_tensor::Attr::Tensor(t)) = node.attrs.get("value") {
                return Ok(vec![b.add_const(&node.name, t.clone())]);
            }
        }
        Ok(b.add_func_op(&node.name, name, &ins, node.attrs.clone(), node.funcs.clone())?)
    })??;
    Ok(Some((ins, outs)))
}

/// Tells the gradient tapes about one inlined node: variable reads as reads,
/// other ops as the funnel would.
fn record_inlined(
    ctx: &TraceCtx,
    name: &str,
    ins: &[Output],
    attrs: &tfjit_tensor::Attrs,
    outs: &[Output],
    handles: &std::collections::HashMap<Output, Rc<crate::tf::variable::VarCell>>,
) {
    let sym = |o: &Output| TV::S(Sym::new(&ctx.graph, *o));
    if name == "ReadVariableOp" {
        if let (Some(h), Some(o)) = (ins.first(), outs.first()) {
            if let Some(cell) = handles.get(h) {
                crate::tf::tape::record_read(cell, sym(o));
            }
        }
        return;
    }
    let in_tvs: Vec<TV> = ins.iter().map(sym).collect();
    let refs: Vec<&TV> = in_tvs.iter().collect();
    crate::tf::tape::record_op(name, &refs, attrs, outs.iter().map(sym).collect());
}

/// The graph outputs of the value returned by the body.
fn collect_outputs(v: &Value, ctx: &TraceCtx, outs: &mut Vec<Output>) -> PyResult<OutSpec> {
    Ok(match v {
        Value::None => OutSpec::None,
        Value::List(l) => {
            let items = l.borrow().clone();
            OutSpec::List(items.iter().map(|x| collect_outputs(x, ctx, outs)).collect::<PyResult<_>>()?)
        }
        Value::Tuple(t) => OutSpec::Tuple(t.iter().map(|x| collect_outputs(x, ctx, outs)).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items = sorted_items(&d.borrow());
            let mut out = Vec::with_capacity(items.len());
            for (k, _, x) in items {
                out.push((k, collect_outputs(&x, ctx, outs)?));
            }
            OutSpec::Dict(out)
        }
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let t = convert(v, None, Mode::Convert)?;
            let o = trace::to_graph(ctx, &TV::E(t), "Const")?;
            outs.push(o);
            OutSpec::Tensor(outs.len() - 1)
        }
        _ => match tv_of(v)? {
            Some(t) => {
                let o = trace::to_graph(ctx, &t, "Const")?;
                outs.push(o);
                OutSpec::Tensor(outs.len() - 1)
            }
            None => OutSpec::Value(v.clone()),
        },
    })
}

/// What one trace produced.
pub struct TraceResult {
    pub concrete: Rc<Concrete>,
    /// Variables were created during the trace.
    pub created_vars: bool,
    /// Some created variable is initialized by this graph.
    pub unlifted_init: bool,
}

fn next_fn_number() -> u64 {
    NEXT_FN.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    })
}

/// Traces `func` (called with `self_arg` first, if any) for the bound
/// parameters `params` with the call values `values`.
pub fn trace(
    func: &Value,
    self_arg: Option<&Value>,
    name: &str,
    params: &[ParamSpec],
    values: &[Value],
    creation: VarCreation,
    interp: &mut Interp,
) -> PyResult<TraceResult> {
    let graph = TraceGraph::new(name);
    let ctx = Rc::new(TraceCtx {
        graph: graph.clone(),
        creation,
        created: RefCell::new(Vec::new()),
        unlifted_init: Cell::new(false),
    });
    let guard = trace::push(ctx.clone());
    let mut args = Args::default();
    if let Some(s) = self_arg {
        args.pos.push(s.clone());
    }
    for (p, v) in params.iter().zip(values) {
        let sv = symbolic_arg(&p.spec, v, &p.name, &graph)?;
        match p.kind {
            ParamKind::PositionalOrKeyword => args.pos.push(sv),
            ParamKind::VarPositional => args.pos.extend(seq_items(&sv)),
            ParamKind::KeywordOnly => args.kw.push((p.name.as_str().into(), sv)),
            ParamKind::VarKeyword => {
                if let Value::Dict(d) = &sv {
                    for (k, x) in d.borrow().items() {
                        if let Value::Str(k) = k {
                            args.kw.push((k.clone(), x.clone()));
                        }
                    }
                }
            }
        }
    }
    count_body_run();
    let result = interp.call(func, args)?;
    let mut outs = Vec::new();
    let out_spec = collect_outputs(&result, &ctx, &mut outs)?;
    drop(guard);
    let fg = graph.finish(&outs)?;
    let n = next_fn_number();
    let created_vars = !ctx.created.borrow().is_empty();
    let captured_vars = fg
        .captures()
        .iter()
        .filter_map(|c| match c.kind {
            tfjit_graph::CaptureKind::Variable(id) => lookup_cell(id),
            _ => None,
        })
        .collect();
    Ok(TraceResult {
        concrete: Rc::new(Concrete {
            name: name.to_string(),
            inference_name: format!("__inference_{name}_{n}"),
            graph,
            fg,
            params: params.to_vec(),
            outputs: out_spec,
            captured_vars,
            prepared: Default::default(),
        }),
        created_vars,
        unlifted_init: ctx.unlifted_init.get(),
    })
}

// --------------------------------------------------- ConcreteFunction object

/// A `ConcreteFunction` as the program sees it.
pub struct ConcreteFunction {
    pub c: Rc<Concrete>,
    /// Positional defaults of the original call (literal parameters), so a
    /// concrete function can be called with its tensor arguments only.
    pub literal_args: Vec<Option<Value>>,
}

impl ConcreteFunction {
    /// Binds a direct call: tensor parameters take the call's tensors (by
    /// position or name); literal parameters may be omitted or repeated.
    fn bind(&self, args: Args, interp: &mut Interp) -> PyResult<Vec<Tensor>> {
        let c = &self.c;
        let mut vals: Vec<Option<Value>> = vec![None; c.params.len()];
        if args.pos.len() > c.params.len() {
            return Err(Exc::type_error(format!(
                "{}() takes {} positional arguments but {} were given",
                c.name,
                c.params.len(),
                args.pos.len()
            )));
        }
        for (i, v) in args.pos.into_iter().enumerate() {
            vals[i] = Some(v);
        }
        for (k, v) in args.kw {
            match c.params.iter().position(|p| *p.name == *k) {
                Some(i) => vals[i] = Some(v),
                None => return Err(Exc::type_error(format!("{}() got an unexpected keyword argument '{k}'", c.name))),
            }
        }
        let mut flat = Vec::new();
        for (i, p) in c.params.iter().enumerate() {
            let v = match vals[i].take().or_else(|| self.literal_args.get(i).cloned().flatten()) {
                Some(v) => v,
                None => {
                    return Err(Exc::type_error(format!(
                        "Binding inputs to tf.function failed due to `missing a required argument: '{}'`.",
                        p.name
                    )))
                }
            };
            if let Spec::Tensor { .. } = p.spec {
                let ok = v.downcast::<crate::tf::tensor::EagerTensor>().is_some() || v.downcast::<Variable>().is_some();
                if !ok {
                    return Err(Exc::type_error(format!(
                        "Binding inputs to tf.function failed due to `Can not cast {} to {}`.\nFallback to flat signature also failed due to: {}({}): expected argument #{i}(zero-based) to be a Tensor; got {} ({}).",
                        interp.repr(&v)?,
                        p.spec.pretty(interp)?,
                        c.name,
                        c.params.iter().filter(|p| matches!(p.spec, Spec::Tensor { .. })).map(|p| p.name.clone()).collect::<Vec<_>>().join(", "),
                        v.type_name(),
                        interp.repr(&v)?
                    )));
                }
            }
            flatten_inputs(&p.spec, &v, &mut flat)?;
        }
        c.check_inputs(&flat)?;
        Ok(flat)
    }

    fn structured_input_signature(&self) -> Value {
        let mut pos = Vec::new();
        let mut kw = Dict::default();
        for (i, p) in self.c.params.iter().enumerate() {
            let v = spec_value(&p.spec, &p.name, self.literal_args.get(i).cloned().flatten());
            match p.kind {
                ParamKind::PositionalOrKeyword => pos.push(v),
                ParamKind::VarPositional => pos.extend(seq_items(&v)),
                ParamKind::KeywordOnly | ParamKind::VarKeyword => {
                    kw.insert(crate::value::HashKey::Str(p.name.as_str().into()), Value::str(&p.name), v)
                }
            }
        }
        Value::tuple(vec![Value::tuple(pos), Value::Dict(Rc::new(RefCell::new(kw)))])
    }
}

/// A spec as `structured_input_signature` shows it: `TensorSpec`s named
/// after their placeholder, literals as values.
fn spec_value(spec: &Spec, name: &str, lit: Option<Value>) -> Value {
    match spec {
        Spec::Tensor { dtype, shape, name: user } => Value::object(crate::tf::shape::TensorSpecObj {
            shape: shape.clone(),
            dtype: *dtype,
            name: Some(user.clone().unwrap_or_else(|| name.to_string())),
        }),
        Spec::Lit(v, _) => v.clone(),
        Spec::Var(v) | Spec::Obj(v) => lit.unwrap_or_else(|| v.clone()),
        Spec::List(xs) => Value::list(xs.iter().map(|x| spec_value(x, name, None)).collect()),
        Spec::Tuple(xs) => Value::tuple(xs.iter().map(|x| spec_value(x, name, None)).collect()),
        Spec::Dict(items) => {
            let mut d = Dict::default();
            for (k, h, x) in items {
                d.insert(h.clone(), k.clone(), spec_value(x, name, None));
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    }
}

impl Object for ConcreteFunction {
    fn type_name(&self) -> &'static str {
        "ConcreteFunction"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<ConcreteFunction {} at 0x{:X}>", self.c.short_signature(interp)?, Rc::as_ptr(&self.c) as usize))
    }
    fn str(&self, interp: &mut Interp) -> PyResult<String> {
        Ok(format!("ConcreteFunction {}", self.c.pretty(interp)?))
    }
    fn is_callable(&self) -> bool {
        true
    }
    fn call(&self, _this: &Value, args: Args, interp: &mut Interp) -> PyResult<Option<Value>> {
        let flat = self.bind(args, interp)?;
        self.c.run(flat, interp).map(Some)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let c = self.c.clone();
        Ok(Some(match name {
            "graph" => graph_value(&c.graph),
            "structured_outputs" => c.structured_outputs(),
            "structured_input_signature" => self.structured_input_signature(),
            "name" => Value::str(&c.inference_name),
            "inputs" => {
                let g = c.graph.clone();
                let ins: Vec<Value> = c
                    .fg
                    .inputs()
                    .iter()
                    .map(|&ix| c.fg.output(ix, 0))
                    .chain(c.fg.captures().iter().map(|cap| c.fg.output(cap.placeholder, 0)))
                    .map(|o| sym_value(Sym::new(&g, o)))
                    .collect();
                Value::list(ins)
            }
            "outputs" => {
                let g = c.graph.clone();
                Value::list(c.fg.outputs().iter().map(|&o| sym_value(Sym::new(&g, o))).collect())
            }
            "variables" | "trainable_variables" => {
                let trainable_only = name == "trainable_variables";
                let vars: Vec<Value> = c
                    .fg
                    .captures()
                    .iter()
                    .filter_map(|cap| match cap.kind {
                        tfjit_graph::CaptureKind::Variable(id) => lookup_cell(id),
                        _ => None,
                    })
                    .filter(|cell| !trainable_only || cell.trainable)
                    .map(|cell| Value::object(Variable { cell, unread: false }))
                    .collect();
                Value::tuple(vars)
            }
            "pretty_printed_signature" => method(name, this, move |interp, _t, _args| Ok(Value::str(&c.pretty(interp)?))),
            _ => return Ok(None),
        }))
    }
}

/// Whether `v` is a symbolic tensor (for callers deciding to inline).
pub fn is_symbolic(v: &Value) -> bool {
    v.downcast::<SymbolicTensor>().is_some()
}
