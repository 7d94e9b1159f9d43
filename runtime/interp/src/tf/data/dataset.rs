//! The `tf.data.Dataset` Python object: constructors (`from_tensor_slices`,
//! `from_tensors`, `range`, `zip`), transformations (each returns a new
//! dataset wrapping a new pipeline node), `reduce`, `cardinality`,
//! `element_spec`, `len` and iteration.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::tv_of;
use crate::tf::data::func::{element_arg_types, trace_fn};
use crate::tf::data::index::{Idx, INFINITE, UNKNOWN};
use crate::tf::data::iterator::{EagerIter, GraphIter};
use crate::tf::data::node::{Batch, Card, Map, NodeRef, Range, Repeat, Skip, Slices, Take, Tensors, Zip};
use crate::tf::data::structure::{normalize, spec_text, spec_value, Struct};
use crate::tf::trace::{self, op1, TV};
use crate::tf::util::{index_of, method, tvv};
use crate::value::{Builtin, Class, HashKey, Object, Value};
use indexmap::IndexMap;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, DType, Tensor, TensorType};

/// A dataset: an immutable pipeline.
pub struct Dataset {
    pub node: NodeRef,
}

/// Wraps a pipeline node as a Python dataset.
pub fn dataset_value(node: NodeRef) -> Value {
    Value::object(Dataset { node })
}

/// The pipeline of a dataset value (TypeError for anything else).
pub fn node_of(v: &Value) -> PyResult<NodeRef> {
    match v.downcast::<Dataset>() {
        Some(d) => Ok(d.node.clone()),
        None => Err(Exc::type_error(format!("Expected a tf.data.Dataset, got {}", v.type_name()))),
    }
}

/// Whether `v` is a dataset (for AutoGraph's `for_stmt` dispatch).
pub fn is_dataset(v: &Value) -> bool {
    v.downcast::<Dataset>().is_some()
}

fn req(v: Option<Value>, what: &str) -> PyResult<Value> {
    v.ok_or_else(|| Exc::type_error(format!("missing required argument '{what}'")))
}

/// `<_TensorSliceDataset element_spec=TensorSpec(...)>`.
pub fn dataset_text(node: &NodeRef, interp: &mut Interp) -> PyResult<String> {
    Ok(format!("<{} element_spec={}>", node.class_name(), spec_text(&node.spec(), interp)?))
}

// ------------------------------------------------------------- constructors

fn from_tensor_slices(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [t, _name] = args.bind("from_tensor_slices", ["tensors", "name"], 1)?;
    let t = req(t, "tensors")?;
    let comps = if t.is_none() { None } else { Some(normalize(&t, interp)?) };
    let comps = match comps {
        Some(c) if !c.flatten().is_empty() => c,
        _ => return Err(Exc::value_error("Invalid `element`. `element` should not be empty.")),
    };
    Ok(dataset_value(Rc::new(Slices::new(comps)?)))
}

fn from_tensors(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [t, _name] = args.bind("from_tensors", ["tensors", "name"], 1)?;
    let t = req(t, "tensors")?;
    let comps = if t.is_none() { None } else { Some(normalize(&t, interp)?) };
    let comps = match comps {
        Some(c) if !c.flatten().is_empty() => c,
        _ => return Err(empty_components("output_shapes", "TensorDataset")),
    };
    Ok(dataset_value(Rc::new(Tensors { comps })))
}

/// TF's error for a dataset op given no tensors.
pub fn empty_components(attr: &str, op: &str) -> Exc {
    Exc::new(
        "InvalidArgumentError",
        format!("Length for attr '{attr}' of 0 must be at least minimum 1\n\t; NodeDef: {{{{node {op}}}}} [Op:{op}]"),
    )
}

/// TF's error for an integer tensor argument that is not `int64`.
fn check_int64(v: &Value, what: &str, interp: &mut Interp) -> PyResult<()> {
    if let Some(t) = tv_of(v)? {
        if t.dtype() != DType::Int64 {
            return Err(Exc::value_error(format!(
                "{what}: Tensor conversion requested dtype int64 for Tensor with dtype {}: {}",
                t.dtype().name(),
                interp.repr(v)?
            )));
        }
    }
    Ok(())
}

/// A `range` bound: a Python int, or an integer scalar tensor (symbolic
/// ones inside a trace).
fn bound(v: &Value) -> PyResult<Idx> {
    if let Value::Int(i) = v {
        return Ok(Idx::S(*i));
    }
    if let Value::Bool(b) = v {
        return Ok(Idx::S(*b as i64));
    }
    match tv_of(v)? {
        Some(TV::E(t)) if t.rank() == 0 && t.dtype().is_int() => Ok(Idx::S(t.get_i64(0))),
        Some(t @ TV::S(_)) if t.rank() == Some(0) && t.dtype().is_int() => {
            if t.dtype() == DType::Int64 {
                Ok(Idx::D(t))
            } else {
                Ok(Idx::D(op1("Cast", &[&t], attrs![("SrcT", Attr::Type(t.dtype())), ("DstT", Attr::Type(DType::Int64)), ("Truncate", Attr::Bool(false))])?))
            }
        }
        _ => Err(Exc::type_error(format!("Dataset.range() arguments must be integers, got {}", v.type_name()))),
    }
}

fn range(interp: &mut Interp, mut args: Args) -> PyResult<Value> {
    let output_type = args.take_kw("output_type");
    let _name = args.take_kw("name");
    let _dtype = args.take_kw("dtype");
    if !args.kw.is_empty() {
        return Err(Exc::type_error(format!("range() got an unexpected keyword argument '{}'", args.kw[0].0)));
    }
    let names: &[&str] = if args.pos.len() == 1 { &["stop"] } else { &["start", "stop", "step"] };
    for (v, n) in args.pos.iter().zip(names) {
        check_int64(v, n, interp)?;
    }
    let b: Vec<Idx> = args.pos.iter().map(bound).collect::<PyResult<_>>()?;
    let (start, stop, step) = match b.as_slice() {
        [stop] => (Idx::S(0), stop.clone(), Idx::S(1)),
        [start, stop] => (start.clone(), stop.clone(), Idx::S(1)),
        [start, stop, step] => (start.clone(), stop.clone(), step.clone()),
        _ => return Err(Exc::value_error(format!("Invalid arguments to range: {} positional arguments", b.len()))),
    };
    if step.known() == Some(0) {
        return Err(Exc::new("InvalidArgumentError", "step must be a non-zero integer. [Op:RangeDataset]"));
    }
    let dtype = match output_type {
        None | Some(Value::None) => DType::Int64,
        Some(v) => crate::tf::dtypes::as_dtype(&v, interp)?,
    };
    Ok(dataset_value(Rc::new(Range::new(start, stop, step, dtype)?)))
}

fn zip_structure(v: &Value) -> PyResult<Struct<NodeRef>> {
    Ok(match v {
        Value::Tuple(t) => Struct::Tuple(t.iter().map(zip_structure).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items: Vec<(Value, HashKey, Value)> = d.borrow().map.iter().map(|(h, (k, x))| (k.clone(), h.clone(), x.clone())).collect();
            Struct::Dict(items.into_iter().map(|(k, h, x)| Ok((k, h, zip_structure(&x)?))).collect::<PyResult<_>>()?)
        }
        other => match other.downcast::<Dataset>() {
            Some(d) => Struct::Leaf(d.node.clone()),
            None => {
                return Err(Exc::type_error(
                    "Invalid input to `zip`. Inputs are expected to be (nested) structures of `tf.data.Dataset` objects. Python `list` is not supported and you should use `tuple` instead.",
                ))
            }
        },
    })
}

fn zip(_interp: &mut Interp, mut args: Args) -> PyResult<Value> {
    let datasets = args.take_kw("datasets");
    let _name = args.take_kw("name");
    let s = match (datasets, args.pos.len()) {
        (Some(d), 0) => d,
        (None, 1) => args.pos.remove(0),
        (None, 0) => return Err(Exc::type_error("Must pass at least one dataset to `zip`.")),
        (None, _) => Value::tuple(std::mem::take(&mut args.pos)),
        (Some(_), _) => return Err(Exc::type_error("Both `*args` and `datasets` cannot be set.")),
    };
    Ok(dataset_value(Rc::new(Zip { children: zip_structure(&s)? })))
}

/// The `tf.data.Dataset` class: static constructors; `isinstance` support.
pub fn dataset_class() -> Value {
    let mut attrs: IndexMap<crate::value::Str, Value> = IndexMap::new();
    attrs.insert("from_tensor_slices".into(), Builtin::value("from_tensor_slices", from_tensor_slices));
    attrs.insert("from_tensors".into(), Builtin::value("from_tensors", from_tensors));
    attrs.insert("range".into(), Builtin::value("range", range));
    attrs.insert("zip".into(), Builtin::value("zip", zip));
    Value::Class(Rc::new(Class { name: "DatasetV2".into(), base: None, attrs: RefCell::new(attrs), native: Some("DatasetV2") }))
}

// ---------------------------------------------------------- transformations

fn count_arg(v: &Option<Value>, what: &str, default: i64, interp: &mut Interp) -> PyResult<i64> {
    match v {
        None | Some(Value::None) => Ok(default),
        Some(v) => {
            check_int64(v, what, interp)?;
            index_of(v, what)
        }
    }
}

/// A transformation that passes elements through (`prefetch`, `cache`).
struct Passthrough {
    inner: NodeRef,
    class: &'static str,
}

impl crate::tf::data::node::Node for Passthrough {
    fn class_name(&self) -> &'static str {
        self.class
    }
    fn spec(&self) -> Struct<TensorType> {
        self.inner.spec()
    }
    fn card(&self) -> Card {
        self.inner.card()
    }
    fn count(&self) -> PyResult<Idx> {
        self.inner.count()
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        self.inner.element(i, interp)
    }
    fn slice(&self, lo: &Idx, hi: &Idx, interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        self.inner.slice(lo, hi, interp)
    }
}

fn map(node: &NodeRef, interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [f, _npc, _det, _sync, _name] =
        args.bind("map", ["map_func", "num_parallel_calls", "deterministic", "synchronous", "name"], 1)?;
    let f = req(f, "map_func")?;
    if !crate::builtins::functions::is_callable(&f) && !matches!(&f, Value::Object(o) if o.is_callable()) {
        return Err(Exc::value_error(format!(
            "Argument `func` must be a callable. Received func={} (of type <class '{}'>)",
            interp.repr(&f)?,
            f.type_name()
        )));
    }
    let df = trace_fn(&f, "map", element_arg_types(&node.spec()), interp)?;
    Ok(dataset_value(Rc::new(Map { inner: node.clone(), f: Rc::new(df) })))
}

fn batch(node: &NodeRef, interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [size, drop, _npc, _det, _name] =
        args.bind("batch", ["batch_size", "drop_remainder", "num_parallel_calls", "deterministic", "name"], 1)?;
    let size = req(size, "batch_size")?;
    check_int64(&size, "batch_size", interp)?;
    let size = index_of(&size, "batch_size")?;
    let drop = crate::tf::util::bool_arg(&drop, false, interp)?;
    if size <= 0 {
        return Err(Exc::new("InvalidArgumentError", "Batch size must be greater than zero. [Op:BatchDatasetV2]"));
    }
    Ok(dataset_value(Rc::new(Batch { inner: node.clone(), size, drop })))
}

fn cardinality(node: &NodeRef) -> PyResult<Value> {
    let t = match node.card() {
        Card::Finite(n) => trace::constant("DatasetCardinality", Tensor::scalar_i64(n))?,
        Card::Infinite => trace::constant("DatasetCardinality", Tensor::scalar_i64(INFINITE))?,
        Card::Dynamic => {
            let n = node.count()?.tv()?;
            crate::tf::trace::op1_named("DatasetCardinality", "Identity", &[&n], attrs![("T", Attr::Type(DType::Int64))])?
        }
    };
    Ok(tvv(t))
}

/// `len(ds)` as AutoGraph converts it inside a trace (TF's
/// `_tf_dataset_len`): the cardinality as an `int64` tensor; TF's
/// `InvalidArgumentError` for an infinite dataset.
pub fn traced_len(ds: &Value) -> PyResult<Value> {
    let node = node_of(ds)?;
    if node.card() == Card::Infinite {
        return Err(Exc::new(
            "InvalidArgumentError",
            format!("len requires dataset with definitive cardinality, got {INFINITE}"),
        ));
    }
    cardinality(&node)
}

const NOT_IMPLEMENTED: &[&str] = &[
    "filter", "flat_map", "interleave", "padded_batch", "unbatch", "window", "scan", "apply", "concatenate",
    "shard", "rebatch", "take_while", "group_by_window", "bucket_by_sequence_length", "ragged_batch",
    "sparse_batch", "unique", "random", "sample_from_datasets", "choose_from_datasets", "from_generator",
    "list_files", "with_options", "options", "save", "load", "snapshot", "get_single_element", "counter",
    "ignore_errors", "rejection_resample", "map_with_legacy_function", "fingerprint", "distribute",
];

impl Object for Dataset {
    fn type_name(&self) -> &'static str {
        self.node.class_name()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        matches!(native, "DatasetV2" | "Dataset") || native == self.node.class_name()
    }
    fn repr(&self, interp: &mut Interp) -> PyResult<String> {
        dataset_text(&self.node, interp)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let node = self.node.clone();
        Ok(Some(match name {
            "element_spec" => spec_value(&node.spec()),
            "map" => method(name, this, move |interp, _t, args| map(&node, interp, args)),
            "batch" => method(name, this, move |interp, _t, args| batch(&node, interp, args)),
            "reduce" => method(name, this, |interp, this, args| {
                let [init, f, _name] = args.bind("reduce", ["initial_state", "reduce_func", "name"], 2)?;
                crate::tf::data::traced_loop::reduce(this, &req(init, "initial_state")?, &req(f, "reduce_func")?, interp)
            }),
            "take" => method(name, this, move |interp, _t, args| {
                let [c, _name] = args.bind("take", ["count", "name"], 1)?;
                let k = count_arg(&c, "count", -1, interp)?;
                Ok(dataset_value(Rc::new(Take { inner: node.clone(), k })))
            }),
            "skip" => method(name, this, move |interp, _t, args| {
                let [c, _name] = args.bind("skip", ["count", "name"], 1)?;
                let k = count_arg(&c, "count", 0, interp)?;
                Ok(dataset_value(Rc::new(Skip { inner: node.clone(), k })))
            }),
            "repeat" => method(name, this, move |interp, _t, args| {
                let [c, _name] = args.bind("repeat", ["count", "name"], 0)?;
                let times = count_arg(&c, "count", -1, interp)?;
                Ok(dataset_value(Rc::new(Repeat { inner: node.clone(), times })))
            }),
            "enumerate" => method(name, this, move |interp, _t, args| {
                let [s, _name] = args.bind("enumerate", ["start", "name"], 0)?;
                let start = count_arg(&s, "start", 0, interp)?;
                let counter = Range::new(Idx::S(start), Idx::S(i64::MAX), Idx::S(1), DType::Int64)?;
                let children = Struct::Tuple(vec![Struct::Leaf(Rc::new(counter) as NodeRef), Struct::Leaf(node.clone())]);
                Ok(dataset_value(Rc::new(Zip { children })))
            }),
            "prefetch" | "cache" => {
                let class = if name == "prefetch" { "_PrefetchDataset" } else { "_CacheDataset" };
                method(name, this, move |_i, _t, _args| Ok(dataset_value(Rc::new(Passthrough { inner: node.clone(), class }))))
            }
            "cardinality" => method(name, this, move |_i, _t, args| {
                args.bind("cardinality", [], 0)?;
                cardinality(&node)
            }),
            "as_numpy_iterator" => method(name, this, move |_i, _t, args| {
                args.bind("as_numpy_iterator", [], 0)?;
                if trace::tracing() {
                    return Err(Exc::runtime_error("`tf.data.Dataset.as_numpy_iterator()` is only supported in eager mode."));
                }
                Ok(Value::object(EagerIter::new(node.clone(), true)?))
            }),
            "shuffle" => {
                return Err(Exc::not_implemented("tf.data.Dataset.shuffle is not implemented in tfjit (it has no random number generator)"))
            }
            "from_tensor_slices" => Builtin::value(name, from_tensor_slices),
            "from_tensors" => Builtin::value(name, from_tensors),
            "range" => Builtin::value(name, range),
            "zip" => Builtin::value(name, zip),
            "__iter__" => method(name, this, |interp, this, args| {
                args.bind("__iter__", [], 0)?;
                match this.downcast::<Dataset>() {
                    Some(d) => Ok(d.iter(this, interp)?.unwrap_or(Value::None)),
                    None => Err(Exc::type_error("not a dataset")),
                }
            }),
            n if NOT_IMPLEMENTED.contains(&n) => {
                return Err(Exc::not_implemented(format!("tf.data.Dataset.{n} is not implemented in tfjit yet")))
            }
            _ => return Ok(None),
        }))
    }
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        if trace::tracing() {
            return Err(Exc::type_error(
                "`tf.data.Dataset` only supports `len` in eager mode. Use `tf.data.Dataset.cardinality()` instead.",
            ));
        }
        match self.node.card() {
            Card::Finite(n) => Ok(Some(n.max(0) as usize)),
            Card::Infinite => Err(Exc::type_error("The dataset is infinite.")),
            Card::Dynamic => Err(Exc::type_error("The dataset length is unknown.")),
        }
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if trace::tracing() {
            return Ok(Some(Value::object(GraphIter::new(self.node.clone()))));
        }
        Ok(Some(Value::object(EagerIter::new(self.node.clone(), false)?)))
    }
}

/// `tf.data.INFINITE_CARDINALITY` / `UNKNOWN_CARDINALITY` values.
pub fn cardinality_constants() -> [(&'static str, Value); 2] {
    [("INFINITE_CARDINALITY", Value::Int(INFINITE)), ("UNKNOWN_CARDINALITY", Value::Int(UNKNOWN))]
}
