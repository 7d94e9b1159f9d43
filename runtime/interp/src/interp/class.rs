//! Classes, instances and attribute access: method binding, properties,
//! static/class methods, `super()`, and native-object descriptors.

use super::Interp;
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{Builtin, Class, Dict, HashKey, Instance, Object, Str, Value};
use indexmap::IndexMap;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// `property(fget, fset)`.
pub struct Property {
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
    pub doc: Value,
}

impl Object for Property {
    fn type_name(&self) -> &'static str {
        "property"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok("<property object>".into())
    }
    fn get_attr(&self, this: &Value, name: &str, _: &mut Interp) -> PyResult<Option<Value>> {
        let fget = self.fget.clone();
        let fdel = self.fdel.clone();
        let doc = self.doc.clone();
        let this = this.clone();
        Ok(Some(match name {
            "fget" => self.fget.clone(),
            "fset" => self.fset.clone(),
            "fdel" => self.fdel.clone(),
            "__doc__" => self.doc.clone(),
            "setter" => Builtin::value("setter", move |_, a: Args| {
                let f = a.pos.into_iter().next().unwrap_or(Value::None);
                Ok(Value::object(Property { fget: fget.clone(), fset: f, fdel: fdel.clone(), doc: doc.clone() }))
            }),
            "getter" => {
                let fset = self.fset.clone();
                Builtin::value("getter", move |_, a: Args| {
                    let f = a.pos.into_iter().next().unwrap_or(Value::None);
                    Ok(Value::object(Property { fget: f, fset: fset.clone(), fdel: fdel.clone(), doc: doc.clone() }))
                })
            }
            "deleter" => {
                let fset = self.fset.clone();
                Builtin::value("deleter", move |_, a: Args| {
                    let f = a.pos.into_iter().next().unwrap_or(Value::None);
                    Ok(Value::object(Property { fget: fget.clone(), fset: fset.clone(), fdel: f, doc: doc.clone() }))
                })
            }
            _ => {
                let _ = this;
                return Ok(None);
            }
        }))
    }
}

/// `staticmethod(f)`.
pub struct StaticMethod(pub Value);
/// `classmethod(f)`.
pub struct ClassMethod(pub Value);

impl Object for StaticMethod {
    fn type_name(&self) -> &'static str {
        "staticmethod"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok("<staticmethod object>".into())
    }
    fn call(&self, _this: &Value, args: Args, interp: &mut Interp) -> PyResult<Option<Value>> {
        interp.call_value(&self.0, args).map(Some)
    }
    fn get_attr(&self, _this: &Value, name: &str, _: &mut Interp) -> PyResult<Option<Value>> {
        Ok(if name == "__func__" { Some(self.0.clone()) } else { None })
    }
}

impl Object for ClassMethod {
    fn type_name(&self) -> &'static str {
        "classmethod"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok("<classmethod object>".into())
    }
    fn get_attr(&self, _this: &Value, name: &str, _: &mut Interp) -> PyResult<Option<Value>> {
        Ok(if name == "__func__" { Some(self.0.clone()) } else { None })
    }
}

/// The result of `super()`: attribute lookup starting after `cls`.
pub struct Super {
    pub cls: Rc<Class>,
    pub obj: Value,
}

impl Object for Super {
    fn type_name(&self) -> &'static str {
        "super"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _: &mut Interp) -> PyResult<String> {
        Ok(format!("<super: <class '{}'>, <{} object>>", self.cls.name, self.obj.type_name()))
    }
    fn get_attr(&self, _this: &Value, name: &str, interp: &mut Interp) -> PyResult<Option<Value>> {
        let obj_cls = match &self.obj {
            Value::Instance(i) => i.class.clone(),
            Value::Class(c) => c.clone(),
            other => type_of(interp, other),
        };
        let mut cur = self.cls.base.clone();
        while let Some(c) = cur {
            if let Some(v) = c.attrs.borrow().get(name).cloned() {
                if let Some(p) = v.downcast::<Property>() {
                    let fget = p.fget.clone();
                    return interp.call_value(&fget, Args::new(vec![self.obj.clone()])).map(Some);
                }
                if matches!(self.obj, Value::Class(_)) {
                    // super() in a classmethod
                    if let Some(cm) = v.downcast::<ClassMethod>() {
                        return Ok(Some(Value::BoundMethod(Rc::new((self.obj.clone(), cm.0.clone())))));
                    }
                    return Ok(Some(v));
                }
                if let Value::Builtin(_) = v {
                    return Ok(Some(Value::BoundMethod(Rc::new((self.obj.clone(), v)))));
                }
                return bind(interp, v, &self.obj, &obj_cls).map(Some);
            }
            cur = c.base.clone();
        }
        // builtin exception bases
        if obj_cls.is_subclass_named("BaseException") {
            if let Some(m) = exception_method(name) {
                return Ok(Some(Value::BoundMethod(Rc::new((self.obj.clone(), m)))));
            }
        }
        Ok(None)
    }
}

/// `super()` bound to `obj` for methods of `cls`.
pub fn make_super(cls: Rc<Class>, obj: Value) -> Value {
    Value::object(Super { cls, obj })
}

/// Methods of `BaseException` that `super()` can reach.
fn exception_method(name: &str) -> Option<Value> {
    Some(match name {
        "__init__" => Builtin::value("__init__", |_, a: Args| {
            let mut pos = a.pos.into_iter();
            if let Some(Value::Instance(i)) = pos.next() {
                i.dict.borrow_mut().insert("args".into(), Value::tuple(pos.collect()));
            }
            Ok(Value::None)
        }),
        "__str__" => Builtin::value("__str__", |interp, a: Args| {
            let v = a.pos.into_iter().next().unwrap_or(Value::None);
            Ok(Value::Str(super::pyformat::exception_str(interp, &v)?.into()))
        }),
        "__repr__" => Builtin::value("__repr__", |interp, a: Args| {
            let v = a.pos.into_iter().next().unwrap_or(Value::None);
            Ok(Value::Str(super::pyformat::exception_repr(interp, &v)?.into()))
        }),
        _ => return None,
    })
}

/// Look an attribute up along the class chain, skipping `object`'s
/// defaults (so "does the user define `__eq__`" is answerable).
pub fn lookup_user(cls: &Rc<Class>, name: &str) -> Option<Value> {
    let mut cur = Some(cls);
    while let Some(c) = cur {
        if c.native == Some("object") {
            return None;
        }
        if let Some(v) = c.attrs.borrow().get(name) {
            return Some(v.clone());
        }
        cur = c.base.as_ref();
    }
    None
}

/// Bind a class attribute read through `instance`.
pub fn bind(interp: &mut Interp, attr: Value, instance: &Value, cls: &Rc<Class>) -> PyResult<Value> {
    match &attr {
        Value::Function(_) => Ok(Value::BoundMethod(Rc::new((instance.clone(), attr)))),
        Value::Object(o) => {
            if let Some(s) = attr.downcast::<StaticMethod>() {
                return Ok(s.0.clone());
            }
            if let Some(c) = attr.downcast::<ClassMethod>() {
                return Ok(Value::BoundMethod(Rc::new((Value::Class(cls.clone()), c.0.clone()))));
            }
            if let Some(p) = attr.downcast::<Property>() {
                let fget = p.fget.clone();
                return interp.call_value(&fget, Args::new(vec![instance.clone()]));
            }
            match o.descriptor_get(&attr, instance, interp)? {
                Some(v) => Ok(v),
                None => Ok(attr),
            }
        }
        _ => Ok(attr),
    }
}

/// `type(v)`.
pub fn type_of(interp: &Interp, v: &Value) -> Rc<Class> {
    match v {
        Value::Instance(i) => i.class.clone(),
        Value::Class(_) => interp.type_object("type"),
        Value::Object(o) => interp.type_object(o.type_name()),
        Value::Builtin(_) => interp.type_object("builtin_function_or_method"),
        other => interp.type_object(&other.type_name()),
    }
}

/// `isinstance(v, cls)` for a single class.
pub fn isinstance(interp: &mut Interp, v: &Value, cls: &Rc<Class>) -> bool {
    if let Some(n) = cls.native {
        return match (n, v) {
            ("object", _) => true,
            ("int", Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) => true,
            ("float", Value::Float(_)) => true,
            ("bool", Value::Bool(_)) => true,
            ("str", Value::Str(_)) => true,
            ("list", Value::List(_)) => true,
            ("tuple", Value::Tuple(_)) => true,
            ("dict", Value::Dict(_)) => true,
            ("set", Value::Set(_)) => true,
            ("NoneType", Value::None) => true,
            ("function", Value::Function(_)) => true,
            ("type", Value::Class(_)) => true,
            (_, Value::Object(o)) => o.is_instance_of(n),
            (_, Value::Instance(i)) => i.class.is_subclass_of(cls),
            _ => {
                let _ = interp;
                false
            }
        };
    }
    match v {
        Value::Instance(i) => i.class.is_subclass_of(cls),
        _ => false,
    }
}

fn no_attr(v: &Value, name: &str) -> Exc {
    Exc::attribute_error(format!("'{}' object has no attribute '{name}'", v.type_name()))
}

fn dict_of(map: &IndexMap<Str, Value>) -> Value {
    let mut d = Dict::default();
    for (k, v) in map {
        d.insert(HashKey::Str(k.clone()), Value::Str(k.clone()), v.clone());
    }
    Value::Dict(Rc::new(RefCell::new(d)))
}

/// `getattr(v, name)`.
pub fn get_attr(interp: &mut Interp, v: &Value, name: &str) -> PyResult<Value> {
    match v {
        Value::Instance(inst) => {
            let cls = &inst.class;
            let ca = cls.lookup(name);
            if let Some(ca) = &ca {
                if let Some(p) = ca.downcast::<Property>() {
                    let fget = p.fget.clone();
                    if fget.is_none() {
                        return Err(Exc::attribute_error(format!("property '{name}' of '{}' object has no getter", cls.name)));
                    }
                    return interp.call_value(&fget, Args::new(vec![v.clone()]));
                }
            }
            if let Some(x) = inst.dict.borrow().get(name) {
                return Ok(x.clone());
            }
            match name {
                "__dict__" => return Ok(dict_of(&inst.dict.borrow())),
                "__class__" => return Ok(Value::Class(cls.clone())),
                _ => {}
            }
            if let Some(ca) = ca {
                // defaults inherited from `object` bind as methods
                if matches!(ca, Value::Builtin(_)) && !cls.attrs.borrow().contains_key(name) && from_object(cls, name) {
                    return Ok(Value::BoundMethod(Rc::new((v.clone(), ca))));
                }
                return bind(interp, ca, v, cls);
            }
            if cls.is_subclass_named("BaseException") {
                match name {
                    "__traceback__" | "__cause__" | "__context__" => return Ok(Value::None),
                    "message" if cls.is_subclass_named("OpError") => {
                        if let Some(Value::Tuple(a)) = inst.dict.borrow().get("args") {
                            if let Some(m) = a.first() {
                                return Ok(m.clone());
                            }
                        }
                    }
                    _ => {}
                }
                if let Some(m) = exception_method(name) {
                    return Ok(Value::BoundMethod(Rc::new((v.clone(), m))));
                }
            }
            if let Some(ga) = lookup_user(cls, "__getattr__") {
                let m = bind(interp, ga, v, cls)?;
                return interp.call_value(&m, Args::new(vec![Value::str(name)]));
            }
            Err(Exc::attribute_error(format!("'{}' object has no attribute '{name}'", cls.name)))
        }
        Value::Class(c) => class_get_attr(interp, c, name),
        Value::Module(m) => match m.attrs.borrow().get(name) {
            Some(x) => Ok(x.clone()),
            None => {
                if name == "__dict__" {
                    return Ok(dict_of(&m.attrs.borrow()));
                }
                Err(Exc::attribute_error(format!("module '{}' has no attribute '{name}'", m.name)))
            }
        },
        Value::Object(o) => {
            if let Some(x) = o.get_attr(v, name, interp)? {
                return Ok(x);
            }
            if name == "__class__" {
                return Ok(Value::Class(type_of(interp, v)));
            }
            Err(no_attr(v, name))
        }
        Value::Function(func) => {
            if let Some(x) = func.attrs.borrow().get(name) {
                return Ok(x.clone());
            }
            Ok(match name {
                "__name__" => Value::Str(func.name.clone()),
                "__qualname__" => Value::Str(func.qualname.clone()),
                "__module__" => Value::str(&func.module_name()),
                "__defaults__" => {
                    if func.defaults.is_empty() {
                        Value::None
                    } else {
                        Value::tuple(func.defaults.clone())
                    }
                }
                "__dict__" => dict_of(&func.attrs.borrow()),
                "__class__" => Value::Class(type_of(interp, v)),
                "__globals__" => dict_of(&func.globals.attrs.borrow()),
                _ => return Err(no_attr(v, name)),
            })
        }
        Value::BoundMethod(bm) => match name {
            "__self__" => Ok(bm.0.clone()),
            "__func__" => Ok(bm.1.clone()),
            _ => get_attr(interp, &bm.1.clone(), name),
        },
        Value::Builtin(b) => match name {
            "__name__" | "__qualname__" => Ok(Value::Str(b.name.clone())),
            "__class__" => Ok(Value::Class(type_of(interp, v))),
            "__doc__" => Ok(Value::None),
            _ => Err(no_attr(v, name)),
        },
        _ => {
            if name == "__class__" {
                return Ok(Value::Class(type_of(interp, v)));
            }
            match crate::builtins::methods::get_attr(interp, v, name)? {
                Some(x) => Ok(x),
                None => Err(no_attr(v, name)),
            }
        }
    }
}

fn from_object(cls: &Rc<Class>, name: &str) -> bool {
    let mut cur = Some(cls);
    while let Some(c) = cur {
        if c.attrs.borrow().contains_key(name) {
            return c.native == Some("object");
        }
        cur = c.base.as_ref();
    }
    false
}

fn class_get_attr(interp: &mut Interp, c: &Rc<Class>, name: &str) -> PyResult<Value> {
    if let Some(v) = c.lookup(name) {
        if let Some(cm) = v.downcast::<ClassMethod>() {
            return Ok(Value::BoundMethod(Rc::new((Value::Class(c.clone()), cm.0.clone()))));
        }
        if let Some(sm) = v.downcast::<StaticMethod>() {
            return Ok(sm.0.clone());
        }
        return Ok(v);
    }
    Ok(match name {
        "__name__" => Value::Str(c.name.clone()),
        "__qualname__" => Value::Str(c.name.clone()),
        "__module__" => Value::str(&super::traceback::builtin_module(c)),
        "__doc__" => Value::None,
        "__bases__" => Value::tuple(c.base.iter().map(|b| Value::Class(b.clone())).collect()),
        "__base__" => c.base.clone().map(Value::Class).unwrap_or(Value::None),
        "__mro__" => {
            let mut out = vec![];
            let mut cur = Some(c.clone());
            while let Some(k) = cur {
                out.push(Value::Class(k.clone()));
                cur = k.base.clone();
            }
            if c.native.is_none() && !out.iter().any(|x| matches!(x, Value::Class(k) if k.native == Some("object"))) {
                out.push(Value::Class(interp.type_object("object")));
            }
            Value::tuple(out)
        }
        "__dict__" => dict_of(&c.attrs.borrow()),
        "__class__" => Value::Class(interp.type_object("type")),
        _ => {
            if let Some(n) = c.native {
                if let Some(m) = crate::builtins::methods::unbound_method(interp, n, name) {
                    return Ok(m);
                }
            }
            return Err(Exc::attribute_error(format!("type object '{}' has no attribute '{name}'", c.name)));
        }
    })
}

/// `setattr(v, name, x)`.
pub fn set_attr(interp: &mut Interp, v: &Value, name: &str, x: Value) -> PyResult<()> {
    match v {
        Value::Instance(inst) => {
            if let Some(ca) = inst.class.lookup(name) {
                if let Some(p) = ca.downcast::<Property>() {
                    if p.fset.is_none() {
                        return Err(Exc::attribute_error(format!(
                            "property '{name}' of '{}' object has no setter",
                            inst.class.name
                        )));
                    }
                    let fset = p.fset.clone();
                    interp.call_value(&fset, Args::new(vec![v.clone(), x]))?;
                    return Ok(());
                }
            }
            if let Some(sa) = lookup_user(&inst.class, "__setattr__") {
                let m = bind(interp, sa, v, &inst.class)?;
                interp.call_value(&m, Args::new(vec![Value::str(name), x]))?;
                return Ok(());
            }
            super::exec::set_in_map(&mut inst.dict.borrow_mut(), name, x);
            Ok(())
        }
        Value::Class(c) => {
            if c.native.is_some() {
                return Err(Exc::type_error(format!(
                    "cannot set '{name}' attribute of immutable type '{}'",
                    c.name
                )));
            }
            super::exec::set_in_map(&mut c.attrs.borrow_mut(), name, x);
            Ok(())
        }
        Value::Function(f) => {
            super::exec::set_in_map(&mut f.attrs.borrow_mut(), name, x);
            Ok(())
        }
        Value::Module(m) => {
            m.set(name, x);
            Ok(())
        }
        Value::Object(o) => {
            if o.set_attr(name, x, interp)? {
                Ok(())
            } else {
                Err(no_attr(v, name))
            }
        }
        _ => Err(no_attr(v, name)),
    }
}

/// `object.__setattr__(obj, name, x)`: bypass a user `__setattr__`.
pub fn raw_set_attr(v: &Value, name: &str, x: Value) -> PyResult<()> {
    match v {
        Value::Instance(inst) => {
            super::exec::set_in_map(&mut inst.dict.borrow_mut(), name, x);
            Ok(())
        }
        _ => Err(no_attr(v, name)),
    }
}

/// `del v.name`.
pub fn del_attr(interp: &mut Interp, v: &Value, name: &str) -> PyResult<()> {
    match v {
        Value::Instance(inst) => {
            if let Some(ca) = inst.class.lookup(name) {
                if let Some(p) = ca.downcast::<Property>() {
                    let fdel = p.fdel.clone();
                    if fdel.is_none() {
                        return Err(Exc::attribute_error(format!(
                            "property '{name}' of '{}' object has no deleter",
                            inst.class.name
                        )));
                    }
                    interp.call_value(&fdel, Args::new(vec![v.clone()]))?;
                    return Ok(());
                }
            }
            if inst.dict.borrow_mut().shift_remove(name).is_none() {
                return Err(Exc::attribute_error(format!("'{}' object has no attribute '{name}'", inst.class.name)));
            }
            Ok(())
        }
        Value::Class(c) => {
            if c.attrs.borrow_mut().shift_remove(name).is_none() {
                return Err(Exc::attribute_error(format!("type object '{}' has no attribute '{name}'", c.name)));
            }
            Ok(())
        }
        Value::Function(f) => {
            f.attrs.borrow_mut().shift_remove(name);
            Ok(())
        }
        _ => Err(no_attr(v, name)),
    }
}

/// Call a class: create an instance (or convert, for builtin types).
pub fn instantiate(interp: &mut Interp, c: &Rc<Class>, args: Args) -> PyResult<Value> {
    if let Some(n) = c.native {
        if let Some(v) = crate::builtins::types::construct(interp, n, args.clone())? {
            return Ok(v);
        }
        if let Some(new) = c.attrs.borrow().get("__new__").cloned() {
            let mut args = args;
            args.pos.insert(0, Value::Class(c.clone()));
            return interp.call_value(&new, args);
        }
        return Err(Exc::type_error(format!("cannot create '{}' instances", c.name)));
    }
    if lookup_user(c, "__new__").is_some() {
        return Err(Exc::not_implemented(format!("{}.__new__ is not supported", c.name)));
    }
    let is_exc = c.is_subclass_named("BaseException");
    let mut dict = IndexMap::new();
    if is_exc {
        dict.insert(Str::from("args"), Value::tuple(args.pos.clone()));
    }
    let inst = Value::Instance(Rc::new(Instance { class: c.clone(), dict: RefCell::new(dict) }));
    match lookup_user(c, "__init__") {
        Some(init) => {
            let m = bind(interp, init, &inst, c)?;
            let r = interp.call_value(&m, args)?;
            if !r.is_none() {
                return Err(Exc::type_error(format!("__init__() should return None, not '{}'", r.type_name())));
            }
        }
        None => {
            if !is_exc && (!args.pos.is_empty() || !args.kw.is_empty()) {
                return Err(Exc::type_error(format!("{}() takes no arguments", c.name)));
            }
            if is_exc && !args.kw.is_empty() {
                return Err(Exc::type_error(format!("{}() takes no keyword arguments", c.name)));
            }
        }
    }
    Ok(inst)
}
