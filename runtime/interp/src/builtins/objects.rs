//! Native objects of the core language: `range`, dict views,
//! `NotImplemented`, and the methods of `object`.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::iter::PyIter;
use crate::interp::operators;
use crate::interp::Interp;
use crate::value::{Builtin, CmpOp, Dict, HashKey, Object, Value};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// The `NotImplemented` singleton's type.
pub struct NotImplementedType;

impl Object for NotImplementedType {
    fn type_name(&self) -> &'static str {
        "NotImplementedType"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok("NotImplemented".into())
    }
}

thread_local! {
    static NOT_IMPLEMENTED: Value = Value::object(NotImplementedType);
}

/// The `NotImplemented` value.
pub fn not_implemented() -> Value {
    NOT_IMPLEMENTED.with(|v| v.clone())
}

/// `range(start, stop, step)`.
pub struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    pub fn len(&self) -> u64 {
        let (a, b, s) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if s > 0 {
            if b > a { (b - a - 1) / s + 1 } else { 0 }
        } else if a > b {
            (a - b - 1) / (-s) + 1
        } else {
            0
        };
        n as u64
    }
    fn at(&self, i: u64) -> i64 {
        (self.start as i128 + i as i128 * self.step as i128) as i64
    }
    fn contains_int(&self, x: i64) -> bool {
        let (a, b, s) = (self.start as i128, self.stop as i128, self.step as i128);
        let x = x as i128;
        let inside = if s > 0 { x >= a && x < b } else { x <= a && x > b };
        inside && (x - a) % s == 0
    }
}

impl Object for Range {
    fn type_name(&self) -> &'static str {
        "range"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok(if self.step == 1 {
            format!("range({}, {})", self.start, self.stop)
        } else {
            format!("range({}, {}, {})", self.start, self.stop, self.step)
        })
    }
    fn len(&self, _: &mut Interp) -> PyResult<Option<usize>> {
        Ok(Some(self.len() as usize))
    }
    fn truthy(&self, _: &mut Interp) -> PyResult<bool> {
        Ok(self.len() > 0)
    }
    fn get_attr(&self, this: &Value, name: &str, _: &mut Interp) -> PyResult<Option<Value>> {
        let this = this.clone();
        Ok(Some(match name {
            "start" => Value::Int(self.start),
            "stop" => Value::Int(self.stop),
            "step" => Value::Int(self.step),
            "index" => Builtin::value("index", move |interp, a: Args| {
                let [x] = a.bind("index", ["value"], 1)?;
                let x = x.unwrap_or(Value::None);
                if let (Some(r), Value::Int(i)) = (this.downcast::<Range>(), &x) {
                    if r.contains_int(*i) {
                        return Ok(Value::Int((*i - r.start) / r.step));
                    }
                }
                Err(Exc::value_error(format!("{} is not in range", interp.repr(&x)?)))
            }),
            "count" => Builtin::value("count", move |_, a: Args| {
                let [x] = a.bind("count", ["value"], 1)?;
                if let (Some(r), Some(Value::Int(i))) = (this.downcast::<Range>(), &x) {
                    return Ok(Value::Int(r.contains_int(*i) as i64));
                }
                Ok(Value::Int(0))
            }),
            _ => return Ok(None),
        }))
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        let n = self.len();
        if let Value::Slice(s) = key {
            let (start, stop, step, _) = operators::slice_indices(interp, s, n as usize)?;
            let _ = stop;
            let count = operators::slice_indices(interp, s, n as usize)?.3 as i64;
            let nstart = self.start + start * self.step;
            let nstep = self.step * step;
            let nstop = nstart + count * nstep;
            return Ok(Some(Value::object(Range { start: nstart, stop: nstop, step: nstep })));
        }
        let Some(i) = operators::to_index(interp, key)? else {
            return Err(Exc::type_error(format!("range indices must be integers or slices, not {}", key.type_name())));
        };
        let j = if i < 0 { i + n as i64 } else { i };
        if j < 0 || j as u64 >= n {
            return Err(Exc::index_error("range object index out of range"));
        }
        Ok(Some(Value::Int(self.at(j as u64))))
    }
    fn iter(&self, _this: &Value, _: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(crate::interp::iter::IterObject::value(
            "range_iterator",
            PyIter::Range { cur: self.start, step: self.step, left: self.len() },
        )))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _: &mut Interp) -> PyResult<Option<Value>> {
        let Some(o) = other.downcast::<Range>() else { return Ok(None) };
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Ok(None);
        }
        let (n1, n2) = (self.len(), o.len());
        let same = n1 == n2 && (n1 == 0 || (self.start == o.start && (n1 == 1 || self.step == o.step)));
        Ok(Some(Value::Bool(same == (op == CmpOp::Eq))))
    }
    fn hash(&self, _: &mut Interp) -> PyResult<Option<HashKey>> {
        Ok(Some(HashKey::Tuple(vec![HashKey::Int(self.start), HashKey::Int(self.stop), HashKey::Int(self.step)])))
    }
}

/// `dict.keys()` / `.values()` / `.items()`.
pub struct DictView {
    pub d: Rc<RefCell<Dict>>,
    /// 0 keys, 1 values, 2 items
    pub kind: u8,
}

impl Object for DictView {
    fn type_name(&self) -> &'static str {
        match self.kind {
            0 => "dict_keys",
            1 => "dict_values",
            _ => "dict_items",
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, interp: &mut Interp) -> PyResult<String> {
        let items: Vec<Value> = self
            .d
            .borrow()
            .items()
            .map(|(k, v)| match self.kind {
                0 => k.clone(),
                1 => v.clone(),
                _ => Value::tuple(vec![k.clone(), v.clone()]),
            })
            .collect();
        Ok(format!("{}({})", self.type_name(), interp.repr(&Value::list(items))?))
    }
    fn len(&self, _: &mut Interp) -> PyResult<Option<usize>> {
        Ok(Some(self.d.borrow().len()))
    }
    fn truthy(&self, _: &mut Interp) -> PyResult<bool> {
        Ok(!self.d.borrow().is_empty())
    }
    fn iter(&self, _this: &Value, _: &mut Interp) -> PyResult<Option<Value>> {
        let len = self.d.borrow().len();
        let name = match self.kind {
            0 => "dict_keyiterator",
            1 => "dict_valueiterator",
            _ => "dict_itemiterator",
        };
        Ok(Some(crate::interp::iter::IterObject::value(name, PyIter::Dict { d: self.d.clone(), i: 0, kind: self.kind, len })))
    }
}

/// `item in x` for the native objects of this module; `None` = not ours.
pub fn contains(interp: &mut Interp, container: &Value, item: &Value) -> PyResult<Option<bool>> {
    if let Some(r) = container.downcast::<Range>() {
        return Ok(Some(match item {
            Value::Int(i) => r.contains_int(*i),
            Value::Bool(b) => r.contains_int(*b as i64),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9e18 => r.contains_int(*f as i64),
            _ => false,
        }));
    }
    if let Some(v) = container.downcast::<DictView>() {
        let d = v.d.clone();
        return Ok(Some(match v.kind {
            0 => operators::dict_get(interp, &d, item)?.is_some(),
            2 => {
                let Value::Tuple(t) = item else { return Ok(Some(false)) };
                if t.len() != 2 {
                    return Ok(Some(false));
                }
                match operators::dict_get(interp, &d, &t[0])? {
                    Some(v) => v.is(&t[1]) || interp.eq(&v, &t[1])?,
                    None => false,
                }
            }
            _ => {
                let vals: Vec<Value> = d.borrow().items().map(|(_, v)| v.clone()).collect();
                let mut found = false;
                for v in vals {
                    if v.is(item) || interp.eq(&v, item)? {
                        found = true;
                        break;
                    }
                }
                found
            }
        }));
    }
    Ok(None)
}

/// Iteration state for the native objects of this module (no allocation).
pub fn iter_state(_interp: &mut Interp, v: &Value) -> PyResult<Option<PyIter>> {
    if let Some(r) = v.downcast::<Range>() {
        return Ok(Some(PyIter::Range { cur: r.start, step: r.step, left: r.len() }));
    }
    if let Some(dv) = v.downcast::<DictView>() {
        let len = dv.d.borrow().len();
        return Ok(Some(PyIter::Dict { d: dv.d.clone(), i: 0, kind: dv.kind, len }));
    }
    Ok(None)
}

/// Methods of `object` (reached through `super()` or `object.__init__(self)`).
pub fn install_object_methods(interp: &mut Interp) {
    let obj = interp.type_object("object");
    let mut attrs = obj.attrs.borrow_mut();
    attrs.insert("__init__".into(), Builtin::value("__init__", |_, a: Args| {
        if a.pos.len() > 1 || !a.kw.is_empty() {
            return Err(Exc::type_error("object.__init__() takes exactly one argument (the instance to initialize)"));
        }
        Ok(Value::None)
    }));
    attrs.insert("__setattr__".into(), Builtin::value("__setattr__", |_, a: Args| {
        let [o, n, v] = a.bind("__setattr__", ["self", "name", "value"], 3)?;
        let (Some(o), Some(Value::Str(n)), Some(v)) = (o, n, v) else {
            return Err(Exc::type_error("attribute name must be string"));
        };
        crate::interp::class::raw_set_attr(&o, &n, v)?;
        Ok(Value::None)
    }));
    attrs.insert("__repr__".into(), Builtin::value("__repr__", |_, a: Args| {
        let o = a.pos.into_iter().next().unwrap_or(Value::None);
        let (m, q) = match &o {
            Value::Instance(i) => (crate::interp::pyformat::class_module(&i.class), i.class.name.to_string()),
            other => ("builtins".into(), other.type_name()),
        };
        Ok(Value::Str(format!("<{m}.{q} object at 0x{:012x}>", o.id()).into()))
    }));
    attrs.insert("__str__".into(), Builtin::value("__str__", |interp, a: Args| {
        let o = a.pos.into_iter().next().unwrap_or(Value::None);
        Ok(Value::Str(interp.repr(&o)?.into()))
    }));
    attrs.insert("__eq__".into(), Builtin::value("__eq__", |_, a: Args| {
        let [x, y] = a.bind("__eq__", ["self", "other"], 2)?;
        match (x, y) {
            (Some(x), Some(y)) if x.is(&y) => Ok(Value::Bool(true)),
            _ => Ok(not_implemented()),
        }
    }));
    attrs.insert("__hash__".into(), Builtin::value("__hash__", |_, a: Args| {
        let o = a.pos.into_iter().next().unwrap_or(Value::None);
        Ok(Value::Int((o.id() >> 4) as i64))
    }));
}
