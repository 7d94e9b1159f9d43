//! Nested element structures of datasets (`tf.nest` as tf.data uses it):
//! tensors, tuples and dicts of them, nested to any depth.
//!
//! [`Struct`] holds one leaf type: `TensorType` for an element spec, `TV`
//! for an element's tensors. Dicts keep the user's key order (as TF's
//! `element_spec` prints them); [`Struct::flatten`] walks leaves in that
//! order, which is the order used everywhere inside `tf/data`.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert_tv, Mode};
use crate::tf::spec::{tensor_spec_text, Spec};
use crate::tf::trace::TV;
use crate::tf::util::tvv;
use crate::value::{Dict, HashKey, Value};
use std::cell::RefCell;
use std::rc::Rc;
use tfjit_tensor::TensorType;

/// A nested structure with leaves of type `T`.
#[derive(Clone)]
pub enum Struct<T> {
    Leaf(T),
    Tuple(Vec<Struct<T>>),
    /// `(key, hash key, value)` in the user's order.
    Dict(Vec<(Value, HashKey, Struct<T>)>),
}

impl<T: Clone> Struct<T> {
    /// The leaves, depth first.
    pub fn flatten(&self) -> Vec<T> {
        let mut out = Vec::new();
        self.flatten_into(&mut out);
        out
    }

    fn flatten_into(&self, out: &mut Vec<T>) {
        match self {
            Struct::Leaf(t) => out.push(t.clone()),
            Struct::Tuple(xs) => xs.iter().for_each(|x| x.flatten_into(out)),
            Struct::Dict(items) => items.iter().for_each(|(_, _, x)| x.flatten_into(out)),
        }
    }

    /// The same structure with each leaf mapped by `f`.
    pub fn try_map<U>(&self, f: &mut dyn FnMut(&T) -> PyResult<U>) -> PyResult<Struct<U>> {
        Ok(match self {
            Struct::Leaf(t) => Struct::Leaf(f(t)?),
            Struct::Tuple(xs) => Struct::Tuple(xs.iter().map(|x| x.try_map(f)).collect::<PyResult<_>>()?),
            Struct::Dict(items) => Struct::Dict(
                items.iter().map(|(k, h, x)| Ok((k.clone(), h.clone(), x.try_map(f)?))).collect::<PyResult<_>>()?,
            ),
        })
    }

    /// This structure with its leaves replaced, in order, by `leaves`.
    pub fn pack<U: Clone>(&self, leaves: &[U]) -> PyResult<Struct<U>> {
        let mut it = leaves.iter();
        let out = self.try_map(&mut |_| it.next().cloned().ok_or_else(|| Exc::runtime_error("structure has too few leaves")))?;
        Ok(out)
    }

    /// Whether `other` has the same nesting (tuple lengths, dict keys).
    pub fn same_structure<U>(&self, other: &Struct<U>) -> bool {
        match (self, other) {
            (Struct::Leaf(_), Struct::Leaf(_)) => true,
            (Struct::Tuple(a), Struct::Tuple(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_structure(y)),
            (Struct::Dict(a), Struct::Dict(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(_, h, x)| b.iter().any(|(_, h2, y)| h == h2 && x.same_structure(y)))
            }
            _ => false,
        }
    }
}

impl Struct<TV> {
    /// The element as the program sees it (tensors, tuples, dicts).
    pub fn to_value(&self) -> Value {
        match self {
            Struct::Leaf(t) => tvv(t.clone()),
            Struct::Tuple(xs) => Value::tuple(xs.iter().map(|x| x.to_value()).collect()),
            Struct::Dict(items) => {
                let mut d = Dict::default();
                for (k, h, x) in items {
                    d.insert(h.clone(), k.clone(), x.to_value());
                }
                Value::Dict(Rc::new(RefCell::new(d)))
            }
        }
    }

    /// The static types of the leaves.
    pub fn types(&self) -> Struct<TensorType> {
        match self {
            Struct::Leaf(t) => Struct::Leaf(t.tensor_type()),
            Struct::Tuple(xs) => Struct::Tuple(xs.iter().map(|x| x.types()).collect()),
            Struct::Dict(items) => Struct::Dict(items.iter().map(|(k, h, x)| (k.clone(), h.clone(), x.types())).collect()),
        }
    }
}

/// A dataset element structure from a Python value (TF's
/// `structure.normalize_element`): tuples and dicts are structure; lists
/// and everything else become tensors.
pub fn normalize(v: &Value, interp: &mut Interp) -> PyResult<Struct<TV>> {
    Ok(match v {
        Value::Tuple(t) => Struct::Tuple(t.iter().map(|x| normalize(x, interp)).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items: Vec<(Value, HashKey, Value)> =
                d.borrow().map.iter().map(|(h, (k, x))| (k.clone(), h.clone(), x.clone())).collect();
            let mut out = Vec::with_capacity(items.len());
            for (k, h, x) in items {
                out.push((k, h, normalize(&x, interp)?));
            }
            Struct::Dict(out)
        }
        Value::None => return Err(Exc::not_implemented("`None` components of dataset elements are not implemented in tfjit")),
        _ => Struct::Leaf(convert_tv(v, None, Mode::Convert)?),
    })
}

/// Normalizes a value returned by a user function for a dataset (map
/// functions): a top-level list is a tuple, as TF treats it.
pub fn normalize_returned(v: &Value, interp: &mut Interp) -> PyResult<Struct<TV>> {
    match v {
        Value::List(l) => {
            let items = l.borrow().clone();
            Ok(Struct::Tuple(items.iter().map(|x| normalize(x, interp)).collect::<PyResult<_>>()?))
        }
        _ => normalize(v, interp),
    }
}

/// The leaves of `v` (a value shaped like `s`, e.g. a traced function's
/// rebuilt outputs) in `s`'s order: tuples by position, dicts by key.
pub fn leaves_like<T>(s: &Struct<T>, v: &Value, out: &mut Vec<Value>) -> PyResult<()> {
    match s {
        Struct::Leaf(_) => out.push(v.clone()),
        Struct::Tuple(xs) => {
            let items: Vec<Value> = match v {
                Value::Tuple(t) => t.to_vec(),
                Value::List(l) => l.borrow().clone(),
                _ => return Err(Exc::type_error("The two structures don't have the same nested structure.")),
            };
            if items.len() != xs.len() {
                return Err(Exc::value_error("The two structures don't have the same number of elements."));
            }
            for (x, item) in xs.iter().zip(&items) {
                leaves_like(x, item, out)?;
            }
        }
        Struct::Dict(entries) => {
            let Value::Dict(d) = v else {
                return Err(Exc::type_error("The two structures don't have the same nested structure."));
            };
            for (_, h, x) in entries {
                let item = d.borrow().get(h).cloned().ok_or_else(|| Exc::value_error("The two structures don't have the same keys."))?;
                leaves_like(x, &item, out)?;
            }
        }
    }
    Ok(())
}

/// TF's text of an element spec: `TensorSpec(...)`, `(A, B)`, `{'x': A}`.
pub fn spec_text(s: &Struct<TensorType>, interp: &mut Interp) -> PyResult<String> {
    Ok(match s {
        Struct::Leaf(t) => tensor_spec_text(t.dtype, &t.shape, None),
        Struct::Tuple(xs) => {
            let parts: Vec<String> = xs.iter().map(|x| spec_text(x, interp)).collect::<PyResult<_>>()?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Struct::Dict(items) => {
            let mut parts = Vec::with_capacity(items.len());
            for (k, _, x) in items {
                parts.push(format!("{}: {}", interp.repr(k)?, spec_text(x, interp)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
    })
}

/// `element_spec` as Python values (`tf.TensorSpec` objects in tuples/dicts).
pub fn spec_value(s: &Struct<TensorType>) -> Value {
    match s {
        Struct::Leaf(t) => Value::object(crate::tf::shape::TensorSpecObj { shape: t.shape.clone(), dtype: t.dtype, name: None }),
        Struct::Tuple(xs) => Value::tuple(xs.iter().map(spec_value).collect()),
        Struct::Dict(items) => {
            let mut d = Dict::default();
            for (k, h, x) in items {
                d.insert(h.clone(), k.clone(), spec_value(x));
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    }
}

/// The `tf.function` parameter spec of one argument of this structure.
pub fn param_spec(s: &Struct<TensorType>) -> Spec {
    match s {
        Struct::Leaf(t) => Spec::Tensor { dtype: t.dtype, shape: t.shape.clone(), name: None },
        Struct::Tuple(xs) => Spec::Tuple(xs.iter().map(param_spec).collect()),
        Struct::Dict(items) => Spec::Dict(items.iter().map(|(k, h, x)| (k.clone(), h.clone(), param_spec(x))).collect()),
    }
}
