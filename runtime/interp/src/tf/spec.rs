//! Trace-cache keys: what a call's arguments look like to `tf.function`.
//!
//! [`Spec`] describes one argument the way TF's tracing types do: tensors by
//! dtype and shape (`TensorSpec`), Python scalars and other hashable values
//! by value (`Literal`), variables and other objects by identity, lists,
//! tuples and dicts by structure. A cached trace is reused for a call when
//! its specs are supertypes of the call's ([`Spec::accepts`]);
//! `reduce_retracing` joins shapes ([`Spec::relax`]).

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::shape::TensorSpecObj;
use crate::tf::symbolic::SymbolicTensor;
use crate::tf::tensor::EagerTensor;
use crate::tf::variable::Variable;
use crate::value::{HashKey, Value};
use tfjit_tensor::{DType, StaticShape};

/// One argument's trace type.
#[derive(Clone)]
pub enum Spec {
    /// A tensor: dtype, (partial) shape, and the user's `TensorSpec` name.
    Tensor { dtype: DType, shape: StaticShape, name: Option<String> },
    /// A variable (captured by reference, keyed by identity).
    Var(Value),
    /// A Python value keyed by value (None, bool, int, float, str, hashables).
    Lit(Value, HashKey),
    /// Any other object, keyed by identity.
    Obj(Value),
    List(Vec<Spec>),
    Tuple(Vec<Spec>),
    /// Entries sorted by key (as `tf.nest` flattens dicts).
    Dict(Vec<(Value, HashKey, Spec)>),
}

/// How a parameter is passed (Python's `inspect.Parameter.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    PositionalOrKeyword,
    VarPositional,
    KeywordOnly,
    VarKeyword,
}

impl ParamKind {
    pub fn label(self) -> &'static str {
        match self {
            ParamKind::PositionalOrKeyword => "POSITIONAL_OR_KEYWORD",
            ParamKind::VarPositional => "VAR_POSITIONAL",
            ParamKind::KeywordOnly => "KEYWORD_ONLY",
            ParamKind::VarKeyword => "VAR_KEYWORD",
        }
    }
}

/// One bound parameter of a call: name, kind and the argument's spec.
#[derive(Clone)]
pub struct ParamSpec {
    pub name: String,
    pub kind: ParamKind,
    pub spec: Spec,
}

fn sort_key(k: &Value) -> (u8, String, f64) {
    match k {
        Value::Str(s) => (1, s.to_string(), 0.0),
        Value::Int(i) => (0, String::new(), *i as f64),
        Value::Float(f) => (0, String::new(), *f),
        Value::Bool(b) => (0, String::new(), *b as i64 as f64),
        _ => (2, String::new(), 0.0),
    }
}

/// Dict items in `tf.nest` order (sorted keys).
pub fn sorted_items(d: &crate::value::Dict) -> Vec<(Value, HashKey, Value)> {
    let mut items: Vec<(Value, HashKey, Value)> = d.map.iter().map(|(h, (k, v))| (k.clone(), h.clone(), v.clone())).collect();
    items.sort_by(|a, b| {
        let (x, y) = (sort_key(&a.0), sort_key(&b.0));
        x.0.cmp(&y.0).then_with(|| x.1.cmp(&y.1)).then_with(|| x.2.partial_cmp(&y.2).unwrap_or(std::cmp::Ordering::Equal))
    });
    items
}

impl Spec {
    /// The spec of a call argument. `allow_specs`: a `tf.TensorSpec` stands
    /// for a tensor of that type (`get_concrete_function`).
    pub fn of(v: &Value, allow_specs: bool, interp: &mut Interp) -> PyResult<Spec> {
        Ok(match v {
            Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Str(_) => {
                Spec::Lit(v.clone(), interp.hash_key(v)?)
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                Spec::List(items.iter().map(|x| Spec::of(x, allow_specs, interp)).collect::<PyResult<_>>()?)
            }
            Value::Tuple(t) => Spec::Tuple(t.iter().map(|x| Spec::of(x, allow_specs, interp)).collect::<PyResult<_>>()?),
            Value::Dict(d) => {
                let items = sorted_items(&d.borrow());
                let mut out = Vec::with_capacity(items.len());
                for (k, h, x) in items {
                    out.push((k, h, Spec::of(&x, allow_specs, interp)?));
                }
                Spec::Dict(out)
            }
            _ => {
                if let Some(t) = v.downcast::<EagerTensor>() {
                    return Ok(Spec::Tensor { dtype: t.t.dtype(), shape: StaticShape::known(t.t.shape()), name: None });
                }
                if let Some(a) = v.downcast::<crate::tf::ndarray::NdArray>() {
                    return Ok(Spec::Tensor { dtype: a.t.dtype(), shape: StaticShape::known(a.t.shape()), name: None });
                }
                if let Some(s) = v.downcast::<SymbolicTensor>() {
                    return Ok(Spec::Tensor { dtype: s.s.ty.dtype, shape: s.s.ty.shape.clone(), name: None });
                }
                if v.downcast::<Variable>().is_some() {
                    return Ok(Spec::Var(v.clone()));
                }
                if allow_specs {
                    if let Some(s) = v.downcast::<TensorSpecObj>() {
                        return Ok(Spec::Tensor { dtype: s.dtype, shape: s.shape.clone(), name: s.name.clone() });
                    }
                }
                match v {
                    Value::Instance(_) | Value::Object(_) | Value::Function(_) | Value::BoundMethod(_) | Value::Builtin(_)
                    | Value::Class(_) | Value::Module(_) => Spec::Obj(v.clone()),
                    _ => match interp.hash_key(v) {
                        Ok(h) => Spec::Lit(v.clone(), h),
                        Err(_) => Spec::Obj(v.clone()),
                    },
                }
            }
        })
    }

    /// Whether a trace made for `self` can run a call whose argument has
    /// spec `call` (same structure and values; tensor dtypes equal and
    /// shapes at least as general).
    pub fn accepts(&self, call: &Spec) -> bool {
        match (self, call) {
            (Spec::Tensor { dtype: d1, shape: s1, .. }, Spec::Tensor { dtype: d2, shape: s2, .. }) => {
                d1 == d2 && shape_accepts(s1, s2)
            }
            (Spec::Var(a), Spec::Var(b)) | (Spec::Obj(a), Spec::Obj(b)) => a.is(b),
            (Spec::Lit(a, h1), Spec::Lit(b, h2)) => h1 == h2 && lit_kind(a) == lit_kind(b),
            (Spec::List(a), Spec::List(b)) | (Spec::Tuple(a), Spec::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.accepts(y))
            }
            (Spec::Dict(a), Spec::Dict(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((_, h1, x), (_, h2, y))| h1 == h2 && x.accepts(y))
            }
            _ => false,
        }
    }

    /// Same structure ignoring tensor shapes (for `reduce_retracing`).
    pub fn same_kind(&self, other: &Spec) -> bool {
        match (self, other) {
            (Spec::Tensor { dtype: d1, .. }, Spec::Tensor { dtype: d2, .. }) => d1 == d2,
            (Spec::List(a), Spec::List(b)) | (Spec::Tuple(a), Spec::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_kind(y))
            }
            (Spec::Dict(a), Spec::Dict(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|((_, h1, x), (_, h2, y))| h1 == h2 && x.same_kind(y))
            }
            _ => self.accepts(other),
        }
    }

    /// The most specific spec accepting both (shapes joined dim by dim).
    pub fn relax(&self, other: &Spec) -> Spec {
        match (self, other) {
            (Spec::Tensor { dtype, shape: s1, name }, Spec::Tensor { shape: s2, .. }) => {
                Spec::Tensor { dtype: *dtype, shape: join_shapes(s1, s2), name: name.clone() }
            }
            (Spec::List(a), Spec::List(b)) => Spec::List(a.iter().zip(b).map(|(x, y)| x.relax(y)).collect()),
            (Spec::Tuple(a), Spec::Tuple(b)) => Spec::Tuple(a.iter().zip(b).map(|(x, y)| x.relax(y)).collect()),
            (Spec::Dict(a), Spec::Dict(b)) => {
                Spec::Dict(a.iter().zip(b).map(|((k, h, x), (_, _, y))| (k.clone(), h.clone(), x.relax(y))).collect())
            }
            _ => self.clone(),
        }
    }

    /// TF's text for the spec (`pretty_printed_concrete_signatures`).
    pub fn pretty(&self, interp: &mut Interp) -> PyResult<String> {
        Ok(match self {
            Spec::Tensor { dtype, shape, name } => tensor_spec_text(*dtype, shape, name.as_deref()),
            Spec::Var(v) => {
                let var = v.downcast::<Variable>().ok_or_else(|| Exc::type_error("not a variable"))?;
                format!(
                    "VariableSpec(shape={}, dtype=tf.{}, trainable={}, alias_id=None)",
                    var.cell.shape,
                    var.cell.dtype().name(),
                    if var.cell.trainable { "True" } else { "False" }
                )
            }
            Spec::Lit(v, _) => format!("Literal[{}]", interp.repr(v)?),
            Spec::Obj(v) => interp.repr(v)?,
            Spec::List(xs) => format!("List[{}]", join_pretty(xs, interp)?),
            Spec::Tuple(xs) => format!("Tuple[{}]", join_pretty(xs, interp)?),
            Spec::Dict(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for (k, _, x) in items {
                    parts.push(format!("[{}, {}]", interp.repr(k)?, x.pretty(interp)?));
                }
                format!("Dict[{}]", parts.join(", "))
            }
        })
    }
}

fn join_pretty(xs: &[Spec], interp: &mut Interp) -> PyResult<String> {
    let parts: Vec<String> = xs.iter().map(|x| x.pretty(interp)).collect::<PyResult<_>>()?;
    Ok(parts.join(", "))
}

/// `TensorSpec(shape=(2,), dtype=tf.float32, name=None)`.
pub fn tensor_spec_text(dtype: DType, shape: &StaticShape, name: Option<&str>) -> String {
    format!(
        "TensorSpec(shape={}, dtype=tf.{}, name={})",
        shape,
        dtype.name(),
        name.map_or("None".to_string(), |n| format!("'{n}'"))
    )
}

/// Python's `1 == 1.0` shares a trace, but `True` (a bool) is its own kind.
fn lit_kind(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 1,
        Value::Int(_) | Value::Float(_) => 2,
        _ => 0,
    }
}

/// Whether a trace for shape `spec` accepts a call with shape `call`.
fn shape_accepts(spec: &StaticShape, call: &StaticShape) -> bool {
    match (&spec.dims, &call.dims) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.is_none() || x == y),
    }
}

/// The most specific shape compatible with both.
pub fn join_shapes(a: &StaticShape, b: &StaticShape) -> StaticShape {
    match (&a.dims, &b.dims) {
        (Some(x), Some(y)) if x.len() == y.len() => {
            StaticShape::partial(x.iter().zip(y).map(|(p, q)| if p == q { *p } else { None }).collect())
        }
        _ => StaticShape::unknown_rank(),
    }
}
