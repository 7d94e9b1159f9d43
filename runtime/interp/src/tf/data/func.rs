//! User functions of a dataset (`map`): traced once into a graph when the
//! transformation is created, as TF does (so a `print` inside runs once, at
//! trace time, with symbolic tensors), then run per element — eagerly by
//! executing the graph, or inside a trace by copying its ops into the
//! current graph.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::concrete::{inline_node, trace, Concrete, OutSpec};
use crate::tf::convert::tv_of;
use crate::tf::data::structure::{leaves_like, normalize_returned, param_spec, Struct};
use crate::tf::spec::{ParamKind, ParamSpec};
use crate::tf::symbolic::sym_value;
use crate::tf::trace::{self, Sym, TraceCtx, VarCreation, TV};
use crate::tf::variable::lookup_cell;
use crate::value::{Builtin, Dict, HashKey, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tfjit_graph::{CaptureKind, Output};
use tfjit_tensor::{Tensor, TensorType};

/// A traced dataset function.
pub struct DsFn {
    pub concrete: Rc<Concrete>,
    /// The structure of each positional argument.
    pub args: Vec<Struct<TensorType>>,
    /// The structure of the result (the user's dict key order).
    pub out: Struct<TensorType>,
}

/// The name TF gives a dataset function's graph (`Dataset_map_<f>`).
fn fn_name(func: &Value, what: &str, interp: &mut Interp) -> String {
    let base = match interp.get_attr(func, "__name__") {
        Ok(Value::Str(s)) if &*s != "<lambda>" => s.to_string(),
        _ => "lambda".into(),
    };
    format!("Dataset_{what}_{base}")
}

/// Traces `func` for arguments of structures `args` (each one positional
/// argument). `what` names the transformation (`map`).
pub fn trace_fn(func: &Value, what: &str, args: Vec<Struct<TensorType>>, interp: &mut Interp) -> PyResult<DsFn> {
    let name = fn_name(func, what, interp);
    let result: Rc<RefCell<Option<Struct<TensorType>>>> = Rc::new(RefCell::new(None));
    // TF traces dataset functions with AutoGraph.
    let converted = crate::tf::autograph::for_tracing(func, interp)?;
    let wrapper = {
        let func = converted;
        let result = result.clone();
        Builtin::value(&name, move |interp, args| {
            let r = interp.call(&func, args)?;
            if r.is_none() {
                return Err(crate::tf::data::dataset::empty_components("output_types", "MapDataset"));
            }
            let s = normalize_returned(&r, interp)?;
            *result.borrow_mut() = Some(s.types());
            Ok(s.to_value())
        })
    };
    let params: Vec<ParamSpec> = args
        .iter()
        .enumerate()
        .map(|(i, s)| ParamSpec { name: format!("args_{i}"), kind: ParamKind::PositionalOrKeyword, spec: param_spec(s) })
        .collect();
    let values = vec![Value::None; params.len()];
    let r = trace(&wrapper, None, &name, &params, &values, VarCreation::Allowed, interp)?;
    let out = result.borrow_mut().take().ok_or_else(|| Exc::runtime_error("dataset function produced no result"))?;
    if out.flatten().is_empty() {
        return Err(crate::tf::data::dataset::empty_components("output_types", "MapDataset"));
    }
    Ok(DsFn { concrete: r.concrete, args, out })
}

impl DsFn {
    /// Applies the function to one element's arguments.
    pub fn call(&self, args: &[Struct<TV>], interp: &mut Interp) -> PyResult<Struct<TV>> {
        let flat: Vec<TV> = args.iter().flat_map(|a| a.flatten()).collect();
        let result = match trace::current() {
            None => {
                let ts: Vec<Tensor> = flat
                    .iter()
                    .map(|t| t.eager().cloned().ok_or_else(|| Exc::runtime_error("a symbolic tensor reached an eager dataset function")))
                    .collect::<PyResult<_>>()?;
                self.concrete.run(ts, interp)?
            }
            Some(ctx) => inline(&self.concrete, &flat, &ctx)?,
        };
        let mut leaves = Vec::new();
        leaves_like(&self.out, &result, &mut leaves)?;
        let tvs: Vec<TV> = leaves
            .iter()
            .map(|v| tv_of(v)?.ok_or_else(|| Exc::type_error("a dataset function must return tensors")))
            .collect::<PyResult<_>>()?;
        self.out.pack(&tvs)
    }
}

/// The graph tensor of `o` (a tensor of some active trace) in `ctx`'s graph.
pub fn outer_in(ctx: &TraceCtx, o: Output) -> PyResult<Output> {
    if o.graph == ctx.graph.id() {
        return Ok(o);
    }
    let g = trace::active_graph(o.graph).ok_or_else(|| {
        Exc::new(
            "InaccessibleTensorError",
            "A tensor captured by a dataset function is out of scope and cannot be used here.",
        )
    })?;
    trace::to_graph(ctx, &TV::S(Sym::new(&g, o)), "captured")
}

/// Copies the ops of `c` into the graph of `ctx`, fed with `args`; returns
/// its structured outputs (TF would call the function; results are equal).
pub fn inline(c: &Concrete, args: &[TV], ctx: &TraceCtx) -> PyResult<Value> {
    let g = &c.fg;
    let mut map: HashMap<Output, Output> = HashMap::new();
    for (&ix, a) in g.inputs().iter().zip(args) {
        map.insert(g.output(ix, 0), trace::to_graph(ctx, a, "input")?);
    }
    for cap in g.captures() {
        let o = match &cap.kind {
            CaptureKind::Variable(id) => {
                let cell = lookup_cell(*id).ok_or_else(|| Exc::runtime_error("captured variable no longer exists"))?;
                cell.handle(ctx)?
            }
            CaptureKind::Tensor(t) => trace::to_graph(ctx, &TV::E(t.clone()), "captured")?,
            CaptureKind::Symbolic(outer) => outer_in(ctx, *outer)?,
        };
        map.insert(g.output(cap.placeholder, 0), o);
    }
    for &ix in g.operations() {
        let Some((_, outs)) = inline_node(ctx, g, ix, &map)? else { continue };
        for (i, o) in outs.into_iter().enumerate() {
            map.insert(g.output(ix, i), o);
        }
    }
    let outs: Vec<Value> = g
        .outputs()
        .iter()
        .map(|o| map.get(o).map(|&x| sym_value(Sym::new(&ctx.graph, x))).unwrap_or(Value::None))
        .collect();
    Ok(rebuild(&c.outputs, &outs))
}

fn rebuild(o: &OutSpec, leaves: &[Value]) -> Value {
    match o {
        OutSpec::Tensor(i) => leaves.get(*i).cloned().unwrap_or(Value::None),
        OutSpec::None => Value::None,
        OutSpec::Value(v) => v.clone(),
        OutSpec::List(xs) => Value::list(xs.iter().map(|x| rebuild(x, leaves)).collect()),
        OutSpec::Tuple(xs) => Value::tuple(xs.iter().map(|x| rebuild(x, leaves)).collect()),
        OutSpec::Dict(items) => {
            let mut d = Dict::default();
            for (k, x) in items {
                let h = match k {
                    Value::Str(s) => HashKey::Str(s.clone()),
                    Value::Int(i) => HashKey::Int(*i),
                    Value::Bool(b) => HashKey::Int(*b as i64),
                    _ => HashKey::Id(k.id()),
                };
                d.insert(h, k.clone(), rebuild(x, leaves));
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    }
}

/// Calls a Python function with an element unpacked as TF's `map` does: a
/// tuple element is spread over positional arguments, anything else is one
/// argument.
pub fn element_args(elem: &Struct<TV>) -> Vec<Struct<TV>> {
    match elem {
        Struct::Tuple(xs) => xs.clone(),
        other => vec![other.clone()],
    }
}

/// The argument structures matching [`element_args`].
pub fn element_arg_types(spec: &Struct<TensorType>) -> Vec<Struct<TensorType>> {
    match spec {
        Struct::Tuple(xs) => xs.clone(),
        other => vec![other.clone()],
    }
}
