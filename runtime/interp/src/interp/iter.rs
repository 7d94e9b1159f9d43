//! Iteration: a Rust-side iterator state for every iterable kind, and the
//! iterator objects (`iter(x)`, `enumerate`, `zip`, `map`, `filter`,
//! `reversed`, generator expressions) that wrap it.

use super::class::{bind, lookup_user};
use super::Interp;
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{Dict, Object, Str, Value};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// Iterator state.
pub enum PyIter {
    List(Rc<RefCell<Vec<Value>>>, usize),
    Tuple(Rc<Vec<Value>>, usize),
    Str(Str, usize),
    Range { cur: i64, step: i64, left: u64 },
    /// kind: 0 keys, 1 values, 2 items
    Dict { d: Rc<RefCell<Dict>>, i: usize, kind: u8, len: usize },
    Vec(std::vec::IntoIter<Value>),
    Enumerate(Box<PyIter>, i64),
    Zip(Vec<PyIter>, bool),
    Map(Value, Vec<PyIter>),
    Filter(Value, Box<PyIter>),
    ReversedList(Rc<RefCell<Vec<Value>>>, usize),
    /// A native iterator object (`Object::next`).
    Native(Value),
    /// A user iterator with `__next__`.
    User(Value, Value),
    /// Old-style sequence protocol (`__getitem__` until IndexError).
    GetItem(Value, i64),
    Done,
}

/// Is `v` iterable (without running anything)?
pub fn is_iterable(_interp: &mut Interp, v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Dict(_) | Value::Set(_) | Value::Object(_) => true,
        Value::Instance(i) => lookup_user(&i.class, "__iter__").is_some() || lookup_user(&i.class, "__getitem__").is_some(),
        _ => false,
    }
}

/// `iter(v)` as Rust state.
pub fn make_iter(interp: &mut Interp, v: &Value) -> PyResult<PyIter> {
    Ok(match v {
        Value::List(l) => PyIter::List(l.clone(), 0),
        Value::Tuple(t) => PyIter::Tuple(t.clone(), 0),
        Value::Str(s) => PyIter::Str(s.clone(), 0),
        Value::Dict(d) => {
            let len = d.borrow().len();
            PyIter::Dict { d: d.clone(), i: 0, kind: 0, len }
        }
        Value::Set(d) => PyIter::Vec(crate::builtins::hash::set_order(interp, d).into_iter()),
        Value::Object(o) => {
            if let Some(it) = v.downcast::<IterObject>() {
                let _ = it;
                return Ok(PyIter::Native(v.clone()));
            }
            if let Some(st) = crate::builtins::objects::iter_state(interp, v)? {
                return Ok(st);
            }
            match o.iter(v, interp)? {
                Some(it) => {
                    if let Some(io) = it.downcast::<IterObject>() {
                        let _ = io;
                    }
                    PyIter::Native(it)
                }
                None => return Err(not_iterable(v)),
            }
        }
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__iter__") {
                let m = bind(interp, m, v, &i.class)?;
                let it = interp.call_value(&m, Args::default())?;
                match &it {
                    Value::Instance(j) => match lookup_user(&j.class, "__next__") {
                        Some(n) => {
                            let n = bind(interp, n, &it, &j.class)?;
                            PyIter::User(it.clone(), n)
                        }
                        None => {
                            return Err(Exc::type_error(format!(
                                "iter() returned non-iterator of type '{}'",
                                j.class.name
                            )))
                        }
                    },
                    Value::Object(_) => PyIter::Native(it),
                    other => return Err(Exc::type_error(format!("iter() returned non-iterator of type '{}'", other.type_name()))),
                }
            } else if lookup_user(&i.class, "__getitem__").is_some() {
                PyIter::GetItem(v.clone(), 0)
            } else {
                return Err(not_iterable(v));
            }
        }
        _ => return Err(not_iterable(v)),
    })
}

pub fn not_iterable(v: &Value) -> Exc {
    Exc::type_error(format!("'{}' object is not iterable", v.type_name()))
}

/// Advance; `None` when exhausted.
pub fn next(interp: &mut Interp, it: &mut PyIter) -> PyResult<Option<Value>> {
    match it {
        PyIter::List(l, i) => {
            let b = l.borrow();
            match b.get(*i) {
                Some(v) => {
                    *i += 1;
                    Ok(Some(v.clone()))
                }
                None => Ok(None),
            }
        }
        PyIter::Tuple(t, i) => match t.get(*i) {
            Some(v) => {
                *i += 1;
                Ok(Some(v.clone()))
            }
            None => Ok(None),
        },
        PyIter::Str(s, pos) => match s[*pos..].chars().next() {
            Some(c) => {
                *pos += c.len_utf8();
                let mut buf = [0u8; 4];
                Ok(Some(Value::Str(Str::from(&*c.encode_utf8(&mut buf)))))
            }
            None => Ok(None),
        },
        PyIter::Range { cur, step, left } => {
            if *left == 0 {
                return Ok(None);
            }
            let v = *cur;
            *left -= 1;
            *cur = cur.wrapping_add(*step);
            Ok(Some(Value::Int(v)))
        }
        PyIter::Dict { d, i, kind, len } => {
            let b = d.borrow();
            if b.len() != *len {
                return Err(Exc::runtime_error("dictionary changed size during iteration"));
            }
            match b.map.get_index(*i) {
                Some((_, (k, v))) => {
                    *i += 1;
                    Ok(Some(match kind {
                        0 => k.clone(),
                        1 => v.clone(),
                        _ => Value::tuple(vec![k.clone(), v.clone()]),
                    }))
                }
                None => Ok(None),
            }
        }
        PyIter::Vec(v) => Ok(v.next()),
        PyIter::Enumerate(inner, n) => match next(interp, inner)? {
            Some(v) => {
                let i = *n;
                *n += 1;
                Ok(Some(Value::tuple(vec![Value::Int(i), v])))
            }
            None => Ok(None),
        },
        PyIter::Zip(its, strict) => {
            if its.is_empty() {
                return Ok(None);
            }
            let mut out = Vec::with_capacity(its.len());
            for (k, i) in its.iter_mut().enumerate() {
                match next(interp, i)? {
                    Some(v) => out.push(v),
                    None => {
                        if *strict && k > 0 {
                            return Err(Exc::value_error(format!("zip() argument {} is shorter than argument 1", k + 1)));
                        }
                        return Ok(None);
                    }
                }
            }
            Ok(Some(Value::tuple(out)))
        }
        PyIter::Map(f, its) => {
            let mut args = Vec::with_capacity(its.len());
            for i in its.iter_mut() {
                match next(interp, i)? {
                    Some(v) => args.push(v),
                    None => return Ok(None),
                }
            }
            let f = f.clone();
            interp.call_value(&f, Args::new(args)).map(Some)
        }
        PyIter::Filter(f, inner) => loop {
            let Some(v) = next(interp, inner)? else { return Ok(None) };
            let keep = if f.is_none() {
                interp.truthy(&v)?
            } else {
                let f = f.clone();
                let r = interp.call_value(&f, Args::new(vec![v.clone()]))?;
                interp.truthy(&r)?
            };
            if keep {
                return Ok(Some(v));
            }
        },
        PyIter::ReversedList(l, i) => {
            if *i == 0 {
                return Ok(None);
            }
            *i -= 1;
            Ok(l.borrow().get(*i).cloned())
        }
        PyIter::Native(v) => match v {
            Value::Object(o) => {
                let o = o.clone();
                o.next(interp)
            }
            _ => Ok(None),
        },
        PyIter::User(_, n) => {
            let n = n.clone();
            match interp.call_value(&n, Args::default()) {
                Ok(v) => Ok(Some(v)),
                Err(e) if e.is("StopIteration") => Ok(None),
                Err(e) => Err(e),
            }
        }
        PyIter::GetItem(v, i) => {
            let v2 = v.clone();
            match super::operators::get_item(interp, &v2, &Value::Int(*i)) {
                Ok(x) => {
                    *i += 1;
                    Ok(Some(x))
                }
                Err(e) if e.is("IndexError") || e.is("StopIteration") => Ok(None),
                Err(e) => Err(e),
            }
        }
        PyIter::Done => Ok(None),
    }
}

/// Iterate to the end.
pub fn collect(interp: &mut Interp, v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::List(l) => return Ok(l.borrow().clone()),
        Value::Tuple(t) => return Ok(t.as_ref().clone()),
        _ => {}
    }
    let mut it = make_iter(interp, v)?;
    let mut out = vec![];
    while let Some(x) = next(interp, &mut it)? {
        out.push(x);
        if out.len() > super::operators::MAX_SEQ {
            return Err(Exc::new("MemoryError", ""));
        }
    }
    Ok(out)
}

/// An iterator as a Python object.
pub struct IterObject {
    pub name: &'static str,
    pub state: RefCell<PyIter>,
}

impl IterObject {
    pub fn value(name: &'static str, st: PyIter) -> Value {
        Value::object(IterObject { name, state: RefCell::new(st) })
    }
}

impl Object for IterObject {
    fn type_name(&self) -> &'static str {
        self.name
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok(format!("<{} object at {:#x}>", self.name, self as *const _ as *const u8 as usize))
    }
    fn iter(&self, this: &Value, _: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn next(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        // Take the state out while stepping so re-entrant use cannot panic.
        let mut st = match self.state.try_borrow_mut() {
            Ok(mut s) => std::mem::replace(&mut *s, PyIter::Done),
            Err(_) => return Err(Exc::value_error("generator already executing")),
        };
        let r = next(interp, &mut st);
        if let Ok(mut s) = self.state.try_borrow_mut() {
            *s = st;
        }
        r
    }
    fn get_attr(&self, this: &Value, name: &str, _: &mut Interp) -> PyResult<Option<Value>> {
        if name == "__next__" {
            let this = this.clone();
            return Ok(Some(crate::value::Builtin::value("__next__", move |interp, _a| {
                match &this {
                    Value::Object(o) => match o.next(interp)? {
                        Some(v) => Ok(v),
                        None => Err(Exc::new("StopIteration", "")),
                    },
                    _ => Err(Exc::new("StopIteration", "")),
                }
            })));
        }
        Ok(None)
    }
}

/// A generator expression's results (evaluated eagerly) as an iterator.
pub fn generator_from_vec(v: Vec<Value>) -> Value {
    IterObject::value("generator", PyIter::Vec(v.into_iter()))
}
