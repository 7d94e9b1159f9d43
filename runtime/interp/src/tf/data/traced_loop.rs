//! A loop over a dataset inside a trace: one `While` op whose body reads
//! element `i` of the dataset (see `node.rs`) and runs the loop body. This is
//! what `for x in dataset` in a tf.function (AutoGraph's `for_stmt`) and
//! `Dataset.reduce` become; TF lowers both to a `ReduceDataset` op, with the
//! same results.
//!
//! Loop variables of the `While`: `[i, n, keep_going, state…, captures…]`.
//! `n` is the element count (a constant, or computed in the enclosing graph
//! for a dataset whose source has a dynamic first dimension); `keep_going`
//! is the AutoGraph `extra_test` (a `break`) evaluated after each step; the
//! symbolic captures of the body are passed through as loop variables, as
//! TF's control flow v2 does.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::concrete::InterpRuntime;
use crate::tf::data::dataset::node_of;
use crate::tf::data::func::outer_in;
use crate::tf::data::index::Idx;
use crate::tf::data::node::Card;
use crate::tf::data::structure::{leaves_like, normalize, normalize_returned};
use crate::tf::trace::{self, op1, op1_named, Sym, TraceCtx, TraceGraph, TV};
use crate::value::Value;
use indexmap::IndexMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;
use tfjit_graph::{execute, FuncGraph, Output, RtValue, ValueType};
use tfjit_tensor::{attrs, Attr, Attrs, DType, StaticShape, Tensor, TensorType};

/// AutoGraph's `extra_test` for a loop: called with the loop state (inside
/// the body graph, after each step, and once before the loop); returns a
/// boolean scalar tensor: whether to go on.
pub type ExtraTest<'a> = &'a mut dyn FnMut(&mut Interp, &[TV]) -> PyResult<TV>;

/// The loop body: called (once per trace of the body, not per element) with
/// the element (as the program sees it: tensors, tuples, dicts) and the
/// state; returns the new state (same length and dtypes).
pub type LoopBody<'a> = &'a mut dyn FnMut(&mut Interp, Value, Vec<TV>) -> PyResult<Vec<TV>>;

thread_local! {
    static NEXT_LOOP: Cell<u64> = const { Cell::new(0) };
}

fn loop_number() -> u64 {
    NEXT_LOOP.with(|c| {
        let v = c.get();
        c.set(v + 1);
        v
    })
}

fn scalar(d: DType) -> ValueType {
    ValueType::Tensor(TensorType::new(d, StaticShape::known(&[])))
}

/// The most specific shape compatible with both.
fn relax(a: &StaticShape, b: &StaticShape) -> StaticShape {
    match (&a.dims, &b.dims) {
        (Some(x), Some(y)) if x.len() == y.len() => StaticShape::partial(x.iter().zip(y).map(|(p, q)| if p == q { *p } else { None }).collect()),
        _ => StaticShape::unknown_rank(),
    }
}

fn dtype_text(ds: &[DType]) -> String {
    match ds {
        [d] => format!("<dtype: '{}'>", d.name()),
        _ => format!("({})", ds.iter().map(|d| format!("tf.{}", d.name())).collect::<Vec<_>>().join(", ")),
    }
}

fn new_ctx(name: &str, parent: &TraceCtx) -> (Rc<TraceGraph>, Rc<TraceCtx>) {
    let g = TraceGraph::new(name);
    let ctx = Rc::new(TraceCtx {
        graph: g.clone(),
        creation: parent.creation,
        created: RefCell::new(Vec::new()),
        unlifted_init: Cell::new(false),
    });
    (g, ctx)
}

fn placeholder(g: &Rc<TraceGraph>, name: &str, ty: ValueType) -> PyResult<TV> {
    let o = g.with_builder(|b| b.add_placeholder(name, ty))?;
    Ok(TV::S(Sym::new(g, o)))
}

fn graph_out(ctx: &TraceCtx, x: &TV) -> PyResult<Output> {
    trace::to_graph(ctx, x, "Const")
}

/// The body graph of one trace attempt.
struct BodyTrace {
    fg: Arc<FuncGraph>,
    /// The enclosing-graph tensors the body captured, in argument order.
    captures: Vec<Output>,
}

/// Runs `for elem in ds: state = body(elem, state)` inside the current
/// trace as one `While` op and returns the final state (symbolic tensors of
/// the current graph). See the module docs of `tf/data/mod.rs`.
pub fn for_each_traced(
    interp: &mut Interp,
    ds: &Value,
    init: Vec<TV>,
    mut extra_test: Option<ExtraTest>,
    body: LoopBody,
) -> PyResult<Vec<TV>> {
    let node = node_of(ds)?;
    let parent = trace::current().ok_or_else(|| Exc::runtime_error("for_each_traced needs an active trace"))?;
    let infinite = node.card() == Card::Infinite;
    let n_outer = node.count()?.tv()?;
    let keep0 = match extra_test.as_mut() {
        Some(t) => t(interp, &init)?,
        None => TV::E(Tensor::scalar_bool(true)),
    };
    let dtypes: Vec<DType> = init.iter().map(|t| t.dtype()).collect();
    let mut shapes: Vec<StaticShape> = init.iter().map(|t| t.shape()).collect();
    let k = loop_number();
    let body_trace = loop {
        let (bg, bctx) = new_ctx(&format!("while_body_{k}"), &parent);
        let guard = trace::push(bctx.clone());
        let i = placeholder(&bg, "i", scalar(DType::Int64))?;
        let n = placeholder(&bg, "n", scalar(DType::Int64))?;
        let keep = placeholder(&bg, "keep_going", scalar(DType::Bool))?;
        let mut state = Vec::with_capacity(init.len());
        for (j, (d, s)) in dtypes.iter().zip(&shapes).enumerate() {
            // A TensorArray's flow (a TensorList) keeps its list type.
            let ty = match init.get(j) {
                Some(TV::S(x)) if matches!(x.g.value_type(x.o), ValueType::List(_)) => x.g.value_type(x.o),
                _ => ValueType::Tensor(TensorType::new(*d, s.clone())),
            };
            state.push(placeholder(&bg, &format!("args_{j}"), ty)?);
        }
        // TF's reduce function takes the state, then the element, as
        // `args_0, args_1, …` (with one dummy state value when there is
        // none): name the element's tensors that way.
        let mut arg_no = dtypes.len().max(1);
        let elem = node.element(&Idx::D(i.clone()), interp)?.try_map(&mut |t| {
            let name = format!("args_{arg_no}");
            arg_no += 1;
            op1_named(&name, "Identity", &[t], attrs![("T", Attr::Type(t.dtype()))])
        })?;
        let elem = elem.to_value();
        let new_state = body(interp, elem, state)?;
        if new_state.len() != dtypes.len() {
            return Err(Exc::value_error(format!(
                "The loop body returned {} state values for {} loop variables.",
                new_state.len(),
                dtypes.len()
            )));
        }
        let got: Vec<DType> = new_state.iter().map(|t| t.dtype()).collect();
        if got != dtypes {
            return Err(Exc::type_error(format!(
                "The element types for the new state must match the initial state. Expected {} but got {}.",
                dtype_text(&dtypes),
                dtype_text(&got)
            )));
        }
        let keep_next = match extra_test.as_mut() {
            Some(t) => t(interp, &new_state)?,
            None => keep.clone(),
        };
        let one = TV::E(Tensor::scalar_i64(1));
        let i_next = op1("AddV2", &[&i, &one], attrs![("T", Attr::Type(DType::Int64))])?;
        let mut outs = vec![graph_out(&bctx, &i_next)?, graph_out(&bctx, &n)?, graph_out(&bctx, &keep_next)?];
        for t in &new_state {
            outs.push(graph_out(&bctx, t)?);
        }
        let caps: Vec<(Output, Output)> =
            bg.with_graph(|g| g.symbolic_captures().map(|(ph, outer)| (g.output(ph, 0), outer)).collect());
        outs.extend(caps.iter().map(|(ph, _)| *ph));
        drop(guard);
        let relaxed: Vec<StaticShape> = shapes.iter().zip(&new_state).map(|(s, t)| relax(s, &t.shape())).collect();
        if relaxed != shapes {
            shapes = relaxed;
            continue;
        }
        let fg = bg.finish(&outs)?;
        break BodyTrace { fg, captures: caps.into_iter().map(|(_, o)| o).collect() };
    };

    // The condition: `i < n and keep_going` over the same arguments.
    let (cg, cctx) = new_ctx(&format!("while_cond_{k}"), &parent);
    let cond_fg = {
        let _guard = trace::push(cctx.clone());
        let arg_types: Vec<ValueType> = body_trace.fg.with_args_types();
        let mut args = Vec::with_capacity(arg_types.len());
        for (j, ty) in arg_types.into_iter().enumerate() {
            args.push(placeholder(&cg, &format!("arg_{j}"), ty)?);
        }
        let c = if infinite {
            args[2].clone()
        } else {
            let lt = op1("Less", &[&args[0], &args[1]], attrs![("T", Attr::Type(DType::Int64))])?;
            if extra_test.is_some() {
                op1("LogicalAnd", &[&lt, &args[2]], Attrs::new())?
            } else {
                lt
            }
        };
        let o = graph_out(&cctx, &c)?;
        drop(_guard);
        cg.finish(&[o])?
    };

    // The `While` op in the enclosing graph.
    let mut ins = vec![
        graph_out(&parent, &TV::E(Tensor::scalar_i64(0)))?,
        graph_out(&parent, &n_outer)?,
        graph_out(&parent, &keep0)?,
    ];
    for (t, s) in init.iter().zip(&shapes) {
        let t = if t.shape() != *s { forget_shape(t)? } else { t.clone() };
        ins.push(graph_out(&parent, &t)?);
    }
    for o in &body_trace.captures {
        ins.push(outer_in(&parent, *o)?);
    }
    let stateful = body_trace.fg.is_stateful() || cond_fg.is_stateful();
    let op = if stateful { "While" } else { "StatelessWhile" };
    let mut funcs: IndexMap<&'static str, Arc<FuncGraph>> = IndexMap::new();
    funcs.insert("cond", cond_fg);
    funcs.insert("body", body_trace.fg.clone());
    let outs = parent.graph.with_builder(|b| -> PyResult<Vec<Output>> {
        let name = b.unique_name("while");
        Ok(b.add_func_op(&format!("{name}/"), op, &ins, Attrs::new(), funcs)?)
    })??;
    Ok(outs.into_iter().skip(3).take(init.len()).map(|o| TV::S(Sym::new(&parent.graph, o))).collect())
}

/// `x` with its static shape forgotten (for a loop variable whose shape
/// the body changes).
fn forget_shape(x: &TV) -> PyResult<TV> {
    let s = op1("Shape", &[x], attrs![("T", Attr::Type(x.dtype())), ("out_type", Attr::Type(DType::Int64))])?;
    op1("Reshape", &[x, &s], attrs![("T", Attr::Type(x.dtype())), ("Tshape", Attr::Type(DType::Int64))])
}

trait ArgTypes {
    fn with_args_types(&self) -> Vec<ValueType>;
}

impl ArgTypes for Arc<FuncGraph> {
    /// The argument types (inputs, then symbolic captures).
    fn with_args_types(&self) -> Vec<ValueType> {
        let mut v: Vec<ValueType> = self.inputs().iter().map(|&ix| self.value_type(self.output(ix, 0)).clone()).collect();
        v.extend(self.symbolic_captures().map(|(ix, _)| self.value_type(self.output(ix, 0)).clone()));
        v
    }
}

/// Runs `f` inside a fresh graph (a function TF would build for a dataset
/// op) and executes that graph now; returns the tensors `f` produced.
fn run_as_graph(interp: &mut Interp, name: &str, f: &mut dyn FnMut(&mut Interp) -> PyResult<Vec<TV>>) -> PyResult<Vec<Tensor>> {
    let g = TraceGraph::new(name);
    let ctx = Rc::new(TraceCtx {
        graph: g.clone(),
        creation: trace::VarCreation::NonFirstCallError,
        created: RefCell::new(Vec::new()),
        unlifted_init: Cell::new(false),
    });
    let outs = {
        let _guard = trace::push(ctx.clone());
        let tvs = f(interp)?;
        tvs.iter().map(|t| graph_out(&ctx, t)).collect::<PyResult<Vec<Output>>>()?
    };
    let fg = g.finish(&outs)?;
    let res = {
        let mut rt = InterpRuntime { interp };
        execute(&fg, &[], &mut rt).map_err(Exc::from)?
    };
    res.into_iter()
        .map(|v| match v {
            RtValue::Tensor(t) => Ok(t),
            other => Err(Exc::runtime_error(format!("dataset function returned a {}", other.kind_name()))),
        })
        .collect()
}

/// `ds.reduce(initial_state, reduce_func)`.
pub fn reduce(ds: &Value, initial_state: &Value, reduce_func: &Value, interp: &mut Interp) -> PyResult<Value> {
    let init = normalize(initial_state, interp)?;
    // TF traces dataset functions with AutoGraph.
    let reduce_func = &crate::tf::autograph::for_tracing(reduce_func, interp)?;
    let flat_init = init.flatten();
    let mut run = |interp: &mut Interp| -> PyResult<Vec<TV>> {
        let init_s = init.clone();
        let f = reduce_func.clone();
        for_each_traced(interp, ds, flat_init.clone(), None, &mut |interp, elem, state| {
            let sv = init_s.pack(&state)?.to_value();
            let r = interp.call(&f, Args::new(vec![sv, elem]))?;
            let rs = normalize_returned(&r, interp)?;
            if init_s.same_structure(&rs) {
                let mut leaves = Vec::new();
                leaves_like(&init_s, &rs.to_value(), &mut leaves)?;
                return leaves
                    .iter()
                    .map(|v| crate::tf::convert::tv_of(v)?.ok_or_else(|| Exc::type_error("reduce_func must return tensors")))
                    .collect();
            }
            let flat = rs.flatten();
            if flat.len() != state.len() {
                return Err(Exc::new(
                    "InvalidArgumentError",
                    format!(
                        "The number of components of the initial state and the reduce function output does not match. (initial_state={}, output={}). [Op:ReduceDataset]",
                        state.len(),
                        flat.len()
                    ),
                ));
            }
            Ok(flat)
        })
    };
    let out: Vec<TV> = if trace::tracing() {
        run(interp)?
    } else {
        run_as_graph(interp, "reduce", &mut run)?.into_iter().map(TV::E).collect()
    };
    Ok(init.pack(&out)?.to_value())
}
