//! Nested structures of loop variables and branch outputs (TF's `nest` with
//! `expand_composites`): lists, tuples, dicts (keys sorted), `None`, and
//! leaves — tensors (Python numbers become tensors, variables are read) and
//! TensorArrays (whose leaf is their flow).

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::cflow::tensor_array::TensorArray;
use crate::tf::convert::{convert, tv_of, Mode};
use crate::tf::spec::sorted_items;
use crate::tf::trace::TV;
use crate::tf::util::tvv;
use crate::value::{Dict, HashKey, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The shape of a structure; each `Leaf`/`Ta` stands for one flat tensor.
#[derive(Clone)]
pub enum Struct {
    Leaf,
    /// A TensorArray (the template for rebuilding it over a new flow).
    Ta(Value),
    None,
    List(Vec<Struct>),
    Tuple(Vec<Struct>),
    Dict(Vec<(Value, HashKey, Struct)>),
}

impl Struct {
    /// Number of flat tensors.
    pub fn count(&self) -> usize {
        match self {
            Struct::Leaf | Struct::Ta(_) => 1,
            Struct::None => 0,
            Struct::List(xs) | Struct::Tuple(xs) => xs.iter().map(Struct::count).sum(),
            Struct::Dict(xs) => xs.iter().map(|(_, _, s)| s.count()).sum(),
        }
    }

    /// Same nesting (list vs tuple, dict keys, leaf kinds), as
    /// `nest.assert_same_structure` with `check_types`.
    pub fn same(&self, other: &Struct, check_types: bool) -> bool {
        match (self, other) {
            (Struct::Leaf, Struct::Leaf) | (Struct::Ta(_), Struct::Ta(_)) | (Struct::None, Struct::None) => true,
            (Struct::List(a), Struct::List(b)) | (Struct::Tuple(a), Struct::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y, check_types))
            }
            (Struct::List(a), Struct::Tuple(b)) | (Struct::Tuple(a), Struct::List(b)) if !check_types => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y, check_types))
            }
            (Struct::Dict(a), Struct::Dict(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.1 == y.1 && x.2.same(&y.2, check_types))
            }
            _ => false,
        }
    }

    /// Python-like text of the structure (for error messages).
    pub fn describe(&self) -> String {
        match self {
            Struct::Leaf => "Tensor".into(),
            Struct::Ta(_) => "TensorArray".into(),
            Struct::None => "None".into(),
            Struct::List(xs) => format!("[{}]", xs.iter().map(Struct::describe).collect::<Vec<_>>().join(", ")),
            Struct::Tuple(xs) if xs.len() == 1 => format!("({},)", xs[0].describe()),
            Struct::Tuple(xs) => format!("({})", xs.iter().map(Struct::describe).collect::<Vec<_>>().join(", ")),
            Struct::Dict(xs) => format!(
                "{{{}}}",
                xs.iter().map(|(k, _, s)| format!("{}: {}", crate::tf::convert::literal_repr(k), s.describe())).collect::<Vec<_>>().join(", ")
            ),
        }
    }
}

/// Whether `v` is a tensor-like leaf (tensor, variable) without converting.
pub fn is_tensor_like(v: &Value) -> bool {
    matches!(tv_of_quiet(v), Some(_))
}

fn tv_of_quiet(v: &Value) -> Option<()> {
    if v.downcast::<crate::tf::tensor::EagerTensor>().is_some()
        || v.downcast::<crate::tf::symbolic::SymbolicTensor>().is_some()
        || v.downcast::<crate::tf::variable::Variable>().is_some()
    {
        Some(())
    } else {
        None
    }
}

/// The error TF raises for a branch or loop value that is not a tensor.
pub fn not_a_tensor(v: &Value) -> Exc {
    Exc::type_error(format!(
        "To be compatible with tf.function, Python functions must return zero or more Tensors or ExtensionTypes or None values; found return value of type {}, which is not a Tensor or ExtensionType.",
        v.type_name()
    ))
}

/// Flattens `v`: tensors and Python numbers are leaves (numbers converted
/// to eager tensors), TensorArrays contribute their flow.
pub fn flatten(v: &Value, out: &mut Vec<TV>) -> PyResult<Struct> {
    Ok(match v {
        Value::None => Struct::None,
        Value::List(l) => {
            let items = l.borrow().clone();
            Struct::List(items.iter().map(|x| flatten(x, out)).collect::<PyResult<_>>()?)
        }
        Value::Tuple(t) => Struct::Tuple(t.iter().map(|x| flatten(x, out)).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items = sorted_items(&d.borrow());
            let mut v = Vec::with_capacity(items.len());
            for (k, h, x) in items {
                v.push((k, h, flatten(&x, out)?));
            }
            Struct::Dict(v)
        }
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            out.push(TV::E(convert(v, None, Mode::Convert)?));
            Struct::Leaf
        }
        _ => {
            if let Some(ta) = v.downcast::<TensorArray>() {
                match ta.flow() {
                    Some(f) => {
                        out.push(TV::S(f.clone()));
                        return Ok(Struct::Ta(v.clone()));
                    }
                    None => return Err(Exc::type_error("an eager TensorArray cannot be a loop variable or branch output of a graph")),
                }
            }
            match tv_of(v)? {
                Some(t) => {
                    out.push(t);
                    Struct::Leaf
                }
                None => return Err(not_a_tensor(v)),
            }
        }
    })
}

/// Rebuilds a structure from flat tensors.
pub fn pack(s: &Struct, flat: &mut dyn Iterator<Item = TV>) -> PyResult<Value> {
    Ok(match s {
        Struct::None => Value::None,
        Struct::Leaf => tvv(flat.next().ok_or_else(|| Exc::runtime_error("too few values to pack"))?),
        Struct::Ta(template) => {
            let t = flat.next().ok_or_else(|| Exc::runtime_error("too few values to pack"))?;
            let ta = template.downcast::<TensorArray>().ok_or_else(|| Exc::runtime_error("bad TensorArray template"))?;
            match t {
                TV::S(s) => Value::object(ta.with_flow(s)),
                TV::E(_) => return Err(Exc::runtime_error("a TensorArray flow must be symbolic")),
            }
        }
        Struct::List(xs) => Value::list(xs.iter().map(|x| pack(x, flat)).collect::<PyResult<_>>()?),
        Struct::Tuple(xs) => Value::tuple(xs.iter().map(|x| pack(x, flat)).collect::<PyResult<_>>()?),
        Struct::Dict(xs) => {
            let mut d = Dict::default();
            for (k, h, x) in xs {
                d.insert(h.clone(), k.clone(), pack(x, flat)?);
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    })
}

/// The items of a list or tuple (a Python sequence of loop variables).
pub fn seq_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.borrow().clone()),
        Value::Tuple(t) => Some(t.to_vec()),
        _ => None,
    }
}

/// Whether `v` is a list, tuple or dict (TF's `nest.is_nested`).
pub fn is_nested(v: &Value) -> bool {
    matches!(v, Value::List(_) | Value::Tuple(_) | Value::Dict(_))
}

/// Unused helper kept for symmetry with TF's `map_structure` on values.
pub fn map_leaves(v: &Value, f: &mut dyn FnMut(&Value) -> PyResult<Value>, interp: &mut Interp) -> PyResult<Value> {
    Ok(match v {
        Value::List(l) => {
            let items = l.borrow().clone();
            Value::list(items.iter().map(|x| map_leaves(x, f, interp)).collect::<PyResult<_>>()?)
        }
        Value::Tuple(t) => Value::tuple(t.iter().map(|x| map_leaves(x, f, interp)).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items: Vec<(HashKey, Value, Value)> = d.borrow().map.iter().map(|(h, (k, x))| (h.clone(), k.clone(), x.clone())).collect();
            let mut out = Dict::default();
            for (h, k, x) in items {
                out.insert(h, k, map_leaves(&x, f, interp)?);
            }
            Value::Dict(Rc::new(RefCell::new(out)))
        }
        other => f(other)?,
    })
}
