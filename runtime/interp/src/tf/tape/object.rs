//! The Python `tf.GradientTape` object and `tf.UnconnectedGradients`.

use super::backprop::{backprop, Grad};
use super::{key_of, pop_tape, push_tape, Key, Tape};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::tv_of;
use crate::tf::indexed_slices::IndexedSlices;
use crate::tf::trace::{self, TV};
use crate::tf::util::{bool_arg, method, tvv};
use crate::tf::variable::{VarCell, Variable};
use crate::value::{CmpOp, Dict, Object, Value};
use std::any::Any;
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, DType, Data, StaticShape, Tensor};

/// TF's message when a non-persistent tape is asked twice.
const USED_MSG: &str = "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)";

/// `tf.nest.flatten`-like walk used for targets, sources and gradient
/// results: lists and tuples in order, dicts in insertion order; everything
/// else is a leaf.
pub fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(l) => l.borrow().iter().for_each(|x| flatten_into(x, out)),
        Value::Tuple(t) => t.iter().for_each(|x| flatten_into(x, out)),
        Value::Dict(d) => {
            let vals: Vec<Value> = d.borrow().items().map(|(_, v)| v.clone()).collect();
            vals.iter().for_each(|x| flatten_into(x, out));
        }
        _ => out.push(v.clone()),
    }
}

/// Rebuilds the structure of `v` with leaves taken in order from `leaves`.
pub fn pack_like(v: &Value, leaves: &mut std::vec::IntoIter<Value>) -> Value {
    match v {
        Value::List(l) => {
            let items: Vec<Value> = l.borrow().iter().map(|x| pack_like(x, leaves)).collect();
            Value::list(items)
        }
        Value::Tuple(t) => Value::tuple(t.iter().map(|x| pack_like(x, leaves)).collect()),
        Value::Dict(d) => {
            let mut out = Dict::default();
            let entries: Vec<(crate::value::HashKey, Value, Value)> =
                d.borrow().map.iter().map(|(h, (k, v))| (h.clone(), k.clone(), v.clone())).collect();
            for (h, k, x) in entries {
                let y = pack_like(&x, leaves);
                out.insert(h, k, y);
            }
            Value::Dict(Rc::new(std::cell::RefCell::new(out)))
        }
        _ => leaves.next().unwrap_or(Value::None),
    }
}

/// A gradient source or target as the tape sees it.
struct Leaf {
    key: Key,
    dtype: DType,
    shape: StaticShape,
    /// The tensor (for `ZerosLike`/`OnesLike` when the shape is not static).
    tv: Option<TV>,
}

fn leaf_of(v: &Value) -> PyResult<Leaf> {
    if let Some(var) = v.downcast::<Variable>() {
        let c = &var.cell;
        return Ok(Leaf { key: Key::Var(c.id), dtype: c.dtype(), shape: c.shape.clone(), tv: None });
    }
    if v.downcast::<IndexedSlices>().is_some() {
        return Err(Exc::not_implemented("IndexedSlices as a gradient target or source is not implemented in tfjit yet"));
    }
    match tv_of(v)? {
        Some(t) => Ok(Leaf { key: key_of(&t), dtype: t.dtype(), shape: t.shape(), tv: Some(t) }),
        None => Err(Exc::value_error(format!(
            "Passed in object of type <class '{}'>, not tf.Tensor or tf.Variable or ExtensionType.",
            v.type_name()
        ))),
    }
}

fn filled(dtype: DType, dims: &[usize], v: f64) -> PyResult<Tensor> {
    let n: usize = dims.iter().product();
    let data = match dtype {
        DType::Float32 => Data::F32(vec![v as f32; n]),
        DType::Float64 => Data::F64(vec![v; n]),
        DType::Int32 => Data::I32(vec![v as i32; n]),
        DType::Int64 => Data::I64(vec![v as i64; n]),
        DType::Bool => Data::Bool(vec![v != 0.0; n]),
    };
    Ok(Tensor::new(dims.to_vec(), data)?)
}

/// A tensor like `leaf` filled with `v` (a constant when the shape is static).
fn fill_like(leaf: &Leaf, v: f64) -> PyResult<TV> {
    if let Some(d) = leaf.shape.as_known() {
        return trace::constant(if v == 0.0 { "zeros" } else { "ones" }, filled(leaf.dtype, &d, v)?);
    }
    let t = leaf.tv.as_ref().ok_or_else(|| Exc::not_implemented("gradient of a variable of unknown shape"))?;
    let op = if v == 0.0 { "ZerosLike" } else { "OnesLike" };
    super::paused(|| trace::op1(op, &[t], attrs![("T", Attr::Type(leaf.dtype))]))
}

/// `unconnected_gradients=`: true for ZERO.
fn unconnected_zero(v: &Option<Value>) -> PyResult<bool> {
    match v {
        None | Some(Value::None) => Ok(false),
        Some(Value::Str(s)) if &**s == "none" => Ok(false),
        Some(Value::Str(s)) if &**s == "zero" => Ok(true),
        Some(v) => match v.downcast::<UnconnectedGradients>() {
            Some(u) => Ok(u.zero),
            None => Err(Exc::value_error(format!("Unknown value for unconnected_gradients: {}", crate::tf::convert::literal_repr(v)))),
        },
    }
}

/// The Python `GradientTape`.
pub struct GradientTape {
    pub tape: Rc<Tape>,
}

/// `tf.GradientTape(persistent=False, watch_accessed_variables=True)`.
pub fn gradient_tape_ctor(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [persistent, watch] = args.bind("GradientTape", ["persistent", "watch_accessed_variables"], 0)?;
    let persistent = bool_arg(&persistent, false, interp)?;
    let watch = bool_arg(&watch, true, interp)?;
    Ok(Value::object(GradientTape { tape: Tape::new(persistent, watch) }))
}

fn tape_of(this: &Value) -> PyResult<Rc<Tape>> {
    this.downcast::<GradientTape>().map(|t| t.tape.clone()).ok_or_else(|| Exc::type_error("not a GradientTape"))
}

/// Checks the tape may compute (once, unless persistent) and stops a
/// non-persistent tape from recording, as TF's `gradient` does.
fn start_use(tape: &Rc<Tape>) -> PyResult<()> {
    if tape.used.get() && !tape.persistent {
        return Err(Exc::runtime_error(USED_MSG));
    }
    if tape.recording.get() && !tape.persistent {
        tape.recording.set(false);
        pop_tape(tape);
    }
    Ok(())
}

fn finish_use(tape: &Rc<Tape>) {
    if !tape.persistent {
        tape.used.set(true);
        tape.records.borrow_mut().clear();
    }
}

/// Runs the backward pass inside the `gradient_tape` name scope of a trace.
fn run_backprop(interp: &mut Interp, tape: &Rc<Tape>, targets: &[Key], seeds: Vec<Grad>, sources: &[Key]) -> PyResult<Vec<Option<Grad>>> {
    let records = tape.records.borrow().clone();
    let ctx = trace::current();
    if let Some(c) = &ctx {
        c.graph.with_builder(|b| {
            b.push_name_scope("gradient_tape");
        })?;
    }
    let r = backprop(interp, &records, targets, seeds, sources);
    if let Some(c) = &ctx {
        c.graph.with_builder(|b| b.pop_name_scope())?;
    }
    r
}

fn gradient(interp: &mut Interp, this: &Value, args: Args) -> PyResult<Value> {
    let tape = tape_of(this)?;
    let [target, sources, output_gradients, unconnected] =
        args.bind("gradient", ["target", "sources", "output_gradients", "unconnected_gradients"], 2)?;
    let zero = unconnected_zero(&unconnected)?;
    start_use(&tape)?;
    let target = target.unwrap_or(Value::None);
    let sources = sources.unwrap_or(Value::None);
    let mut tl = vec![];
    flatten_into(&target, &mut tl);
    let targets: Vec<Leaf> = tl.iter().map(leaf_of).collect::<PyResult<_>>()?;
    let mut sl = vec![];
    flatten_into(&sources, &mut sl);
    let srcs: Vec<Leaf> = sl.iter().map(leaf_of).collect::<PyResult<_>>()?;
    let given: Vec<Value> = match &output_gradients {
        None | Some(Value::None) => vec![],
        Some(v) => {
            let mut o = vec![];
            flatten_into(v, &mut o);
            if o.len() != targets.len() {
                return Err(Exc::value_error("Must provide one output gradient per target (output_gradients)."));
            }
            o
        }
    };
    let mut seeds = Vec::with_capacity(targets.len());
    for (i, t) in targets.iter().enumerate() {
        seeds.push(match given.get(i).map(Grad::from_value).transpose()?.flatten() {
            Some(g) => g,
            None => Grad::Dense(fill_like(t, 1.0)?),
        });
    }
    let tkeys: Vec<Key> = targets.iter().map(|t| t.key).collect();
    let skeys: Vec<Key> = srcs.iter().map(|s| s.key).collect();
    let res = run_backprop(interp, &tape, &tkeys, seeds, &skeys)?;
    finish_use(&tape);
    let mut out = Vec::with_capacity(srcs.len());
    for (g, s) in res.into_iter().zip(&srcs) {
        let g = if super::trainable_dtype(s.dtype) { g } else { None };
        out.push(match g {
            Some(g) => g.to_value(),
            None if zero => tvv(fill_like(s, 0.0)?),
            None => Value::None,
        });
    }
    Ok(pack_like(&sources, &mut out.into_iter()))
}

/// The one-hot seeds of a jacobian: `n` rows selecting each element of a
/// `dims`-shaped target (with `batch` copies along a leading batch dimension).
fn one_hot_seed(dtype: DType, dims: &[usize], j: usize, per_row: usize) -> PyResult<Tensor> {
    let n: usize = dims.iter().product();
    let mut vals = vec![0.0; n];
    let rows = if per_row == 0 { 0 } else { n / per_row };
    for r in 0..rows.max(1) {
        if let Some(x) = vals.get_mut(r * per_row + j) {
            *x = 1.0;
        }
    }
    let data = match dtype {
        DType::Float64 => Data::F64(vals),
        _ => Data::F32(vals.into_iter().map(|v| v as f32).collect()),
    };
    Ok(Tensor::new(dims.to_vec(), data)?)
}

fn stack_reshape(parts: &[TV], axis: i64, dims: &[usize]) -> PyResult<TV> {
    let refs: Vec<&TV> = parts.iter().collect();
    let d = parts.first().map_or(DType::Float32, |p| p.dtype());
    let packed = trace::op1_named(
        "stack",
        "Pack",
        &refs,
        attrs![("T", Attr::Type(d)), ("N", Attr::Int(parts.len() as i64)), ("axis", Attr::Int(axis))],
    )?;
    let shape = trace::constant("Reshape/shape", Tensor::vec_i32(dims.iter().map(|&x| x as i32).collect()))?;
    trace::op1("Reshape", &[&packed, &shape], attrs![("T", Attr::Type(d))])
}

/// Shared by `jacobian` and `batch_jacobian`: `per_row` is the number of
/// target elements per batch row (the whole target for `jacobian`).
fn jacobian_impl(interp: &mut Interp, this: &Value, target: Value, sources: Value, zero: bool, batch: bool) -> PyResult<Value> {
    let tape = tape_of(this)?;
    start_use(&tape)?;
    let t = leaf_of(&target)?;
    let tdims = t
        .shape
        .as_known()
        .ok_or_else(|| Exc::not_implemented("jacobian of a target of unknown shape is not implemented in tfjit yet"))?;
    let mut sl = vec![];
    flatten_into(&sources, &mut sl);
    let srcs: Vec<Leaf> = sl.iter().map(leaf_of).collect::<PyResult<_>>()?;
    let n: usize = tdims.iter().product();
    let (rows, per_row) = if batch {
        let b = *tdims.first().ok_or_else(|| Exc::value_error("batch_jacobian needs a target of rank >= 1"))?;
        (b, if b == 0 { 0 } else { n / b })
    } else {
        (1, n)
    };
    let _ = rows;
    let mut cols: Vec<Vec<Option<TV>>> = vec![Vec::with_capacity(per_row); srcs.len()];
    let skeys: Vec<Key> = srcs.iter().map(|s| s.key).collect();
    for j in 0..per_row {
        let seed = trace::constant("ones", one_hot_seed(t.dtype, &tdims, j, per_row)?)?;
        let res = run_backprop(interp, &tape, &[t.key], vec![Grad::Dense(seed)], &skeys)?;
        for (i, g) in res.into_iter().enumerate() {
            let g = match g {
                Some(g) => Some(g.dense()?),
                None => None,
            };
            if let Some(c) = cols.get_mut(i) {
                c.push(g);
            }
        }
    }
    finish_use(&tape);
    let mut out = Vec::with_capacity(srcs.len());
    for (s, col) in srcs.iter().zip(cols) {
        if (col.iter().all(|g| g.is_none()) && !zero) || !super::trainable_dtype(s.dtype) {
            out.push(Value::None);
            continue;
        }
        let sdims = s
            .shape
            .as_known()
            .ok_or_else(|| Exc::not_implemented("jacobian w.r.t. a source of unknown shape is not implemented in tfjit yet"))?;
        let mut parts = Vec::with_capacity(col.len());
        for g in col {
            parts.push(match g {
                Some(g) => g,
                None => fill_like(s, 0.0)?,
            });
        }
        let dims: Vec<usize> = if batch {
            let mut d = tdims.clone();
            d.extend(sdims.iter().skip(1));
            d
        } else {
            tdims.iter().chain(sdims.iter()).copied().collect()
        };
        if parts.is_empty() {
            out.push(tvv(trace::constant("zeros", filled(s.dtype, &dims, 0.0)?)?));
            continue;
        }
        out.push(tvv(stack_reshape(&parts, if batch { 1 } else { 0 }, &dims)?));
    }
    Ok(pack_like(&sources, &mut out.into_iter()))
}

fn jacobian(interp: &mut Interp, this: &Value, args: Args) -> PyResult<Value> {
    let [target, sources, unconnected, _par, _pfor] =
        args.bind("jacobian", ["target", "sources", "unconnected_gradients", "parallel_iterations", "experimental_use_pfor"], 2)?;
    let zero = unconnected_zero(&unconnected)?;
    jacobian_impl(interp, this, target.unwrap_or(Value::None), sources.unwrap_or(Value::None), zero, false)
}

fn batch_jacobian(interp: &mut Interp, this: &Value, args: Args) -> PyResult<Value> {
    let [target, source, unconnected, _par, _pfor] =
        args.bind("batch_jacobian", ["target", "source", "unconnected_gradients", "parallel_iterations", "experimental_use_pfor"], 2)?;
    let zero = unconnected_zero(&unconnected)?;
    jacobian_impl(interp, this, target.unwrap_or(Value::None), source.unwrap_or(Value::None), zero, true)
}

fn watch(this: &Value, args: Args) -> PyResult<Value> {
    let tape = tape_of(this)?;
    let [x] = args.bind("watch", ["tensor"], 1)?;
    let mut leaves = vec![];
    flatten_into(&x.unwrap_or(Value::None), &mut leaves);
    for v in leaves {
        if let Some(var) = v.downcast::<Variable>() {
            tape.watch_var(&var.cell);
            continue;
        }
        match tv_of(&v)? {
            Some(t) => tape.watch_key(key_of(&t)),
            None => {
                return Err(Exc::value_error(format!(
                    "Passed in object of type <class '{}'>, not tf.Tensor or tf.Variable or ExtensionType.",
                    v.type_name()
                )))
            }
        }
    }
    Ok(Value::None)
}

fn var_value(c: &Rc<VarCell>) -> Value {
    Value::object(Variable { cell: c.clone(), unread: false })
}

impl Object for GradientTape {
    fn type_name(&self) -> &'static str {
        "GradientTape"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        native == "GradientTape"
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<tensorflow.python.eager.backprop.GradientTape object at 0x{:x}>", self as *const _ as usize))
    }
    fn enter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let t = &self.tape;
        t.graph.set(trace::current().map(|c| c.graph.id()));
        t.recording.set(true);
        push_tape(t);
        Ok(Some(this.clone()))
    }
    fn exit(&self, _interp: &mut Interp) -> PyResult<()> {
        self.tape.recording.set(false);
        pop_tape(&self.tape);
        Ok(())
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "watch" => method(name, this, |_i, this, args| watch(this, args)),
            "gradient" => method(name, this, gradient),
            "jacobian" => method(name, this, jacobian),
            "batch_jacobian" => method(name, this, batch_jacobian),
            "watched_variables" => method(name, this, |_i, this, args| {
                args.bind("watched_variables", [], 0)?;
                let t = tape_of(this)?;
                let vs: Vec<Value> = t.watched_vars.borrow().iter().map(var_value).collect();
                Ok(Value::tuple(vs))
            }),
            "reset" => method(name, this, |_i, this, args| {
                args.bind("reset", [], 0)?;
                tape_of(this)?.clear();
                Ok(Value::None)
            }),
            "stop_recording" => method(name, this, |_i, this, args| {
                args.bind("stop_recording", [], 0)?;
                Ok(Value::object(StopRecording { tape: tape_of(this)? }))
            }),
            "_persistent" => Value::Bool(self.tape.persistent),
            "_watch_accessed_variables" => Value::Bool(self.tape.watch_accessed),
            _ => return Ok(None),
        }))
    }
}

/// The context manager `tape.stop_recording()` returns.
pub struct StopRecording {
    tape: Rc<Tape>,
}

impl Object for StopRecording {
    fn type_name(&self) -> &'static str {
        "_GeneratorContextManager"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok("<contextlib._GeneratorContextManager object>".into())
    }
    fn enter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if !self.tape.recording.get() {
            return Err(Exc::runtime_error("Trying to stop recording a tape which is not recording."));
        }
        self.tape.recording.set(false);
        Ok(Some(Value::None))
    }
    fn exit(&self, _interp: &mut Interp) -> PyResult<()> {
        self.tape.recording.set(true);
        Ok(())
    }
}

/// `tf.UnconnectedGradients.NONE` / `.ZERO` (and the enum class itself when `class` is set).
pub struct UnconnectedGradients {
    pub zero: bool,
    pub class: bool,
}

/// The `tf.UnconnectedGradients` enum.
pub fn unconnected_gradients_value() -> Value {
    Value::object(UnconnectedGradients { zero: false, class: true })
}

impl Object for UnconnectedGradients {
    fn type_name(&self) -> &'static str {
        if self.class {
            "EnumType"
        } else {
            "UnconnectedGradients"
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(if self.class {
            "<enum 'UnconnectedGradients'>".into()
        } else if self.zero {
            "<UnconnectedGradients.ZERO: 'zero'>".into()
        } else {
            "<UnconnectedGradients.NONE: 'none'>".into()
        })
    }
    fn str(&self, interp: &mut Interp) -> PyResult<String> {
        if self.class {
            return self.repr(interp);
        }
        Ok(if self.zero { "UnconnectedGradients.ZERO" } else { "UnconnectedGradients.NONE" }.into())
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match (self.class, name) {
            (true, "NONE") => Value::object(UnconnectedGradients { zero: false, class: false }),
            (true, "ZERO") => Value::object(UnconnectedGradients { zero: true, class: false }),
            (false, "value") => Value::str(if self.zero { "zero" } else { "none" }),
            (false, "name") => Value::str(if self.zero { "ZERO" } else { "NONE" }),
            _ => return Ok(None),
        }))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let same = other.downcast::<UnconnectedGradients>().is_some_and(|o| o.zero == self.zero && o.class == self.class);
        Ok(match op {
            CmpOp::Eq => Some(Value::Bool(same)),
            CmpOp::Ne => Some(Value::Bool(!same)),
            _ => None,
        })
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<crate::value::HashKey>> {
        Ok(Some(crate::value::HashKey::Str(if self.zero { "zero" } else { "none" }.into())))
    }
}
