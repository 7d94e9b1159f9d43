//! Statements.

use super::code::{CodeKind, NameRes};
use super::{iter, operators, traceback, Frame, Function, Interp};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{BinOp, Class, Str, Value};
use indexmap::IndexMap;
use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use std::cell::RefCell;
use std::rc::Rc;

/// How a block finished.
pub enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

pub(crate) fn binop_of(op: &ast::Operator) -> BinOp {
    match op {
        ast::Operator::Add => BinOp::Add,
        ast::Operator::Sub => BinOp::Sub,
        ast::Operator::Mult => BinOp::Mul,
        ast::Operator::MatMult => BinOp::MatMul,
        ast::Operator::Div => BinOp::TrueDiv,
        ast::Operator::Mod => BinOp::Mod,
        ast::Operator::Pow => BinOp::Pow,
        ast::Operator::LShift => BinOp::LShift,
        ast::Operator::RShift => BinOp::RShift,
        ast::Operator::BitOr => BinOp::Or,
        ast::Operator::BitXor => BinOp::Xor,
        ast::Operator::BitAnd => BinOp::And,
        ast::Operator::FloorDiv => BinOp::FloorDiv,
    }
}

impl Interp {
    /// Run a block of statements.
    pub(crate) fn exec_block(&mut self, f: &mut Frame, body: &[Stmt]) -> PyResult<Flow> {
        for st in body {
            f.offset = st.range().start().to_u32();
            match self.exec_stmt(f, st)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec_stmt(&mut self, f: &mut Frame, st: &Stmt) -> PyResult<Flow> {
        match st {
            Stmt::Expr(e) => {
                self.eval(f, &e.value)?;
            }
            Stmt::Assign(a) => {
                let v = self.eval(f, &a.value)?;
                if a.targets.len() == 1 {
                    self.assign(f, &a.targets[0], v)?;
                } else {
                    for t in &a.targets {
                        self.assign(f, t, v.clone())?;
                    }
                }
            }
            Stmt::AugAssign(a) => self.aug_assign(f, a)?,
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let v = self.eval(f, v)?;
                    self.assign(f, &a.target, v)?;
                }
            }
            Stmt::If(s) => {
                let t = self.eval(f, &s.test)?;
                if self.truthy(&t)? {
                    return self.exec_block(f, &s.body);
                } else {
                    return self.exec_block(f, &s.orelse);
                }
            }
            Stmt::While(w) => {
                loop {
                    let t = self.eval(f, &w.test)?;
                    if !self.truthy(&t)? {
                        return self.exec_block(f, &w.orelse);
                    }
                    match self.exec_block(f, &w.body)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        _ => {}
                    }
                }
            }
            Stmt::For(s) => {
                let it = self.eval(f, &s.iter)?;
                let mut it = iter::make_iter(self, &it)?;
                loop {
                    let Some(x) = iter::next(self, &mut it)? else {
                        return self.exec_block(f, &s.orelse);
                    };
                    self.assign(f, &s.target, x)?;
                    match self.exec_block(f, &s.body)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        _ => {}
                    }
                }
            }
            Stmt::Return(r) => {
                let v = match &r.value {
                    Some(e) => self.eval(f, e)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            Stmt::Pass(_) | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Break(_) => return Ok(Flow::Break),
            Stmt::Continue(_) => return Ok(Flow::Continue),
            Stmt::FunctionDef(d) => {
                let code = d.range.start().to_u32();
                let Some(code) = f.code.unit.code(code, CodeKind::Function).cloned() else {
                    return Err(Exc::runtime_error("internal: missing code object"));
                };
                let mut decos = vec![];
                for e in &d.decorator_list {
                    decos.push(self.eval(f, e)?);
                }
                let mut v = self.make_function(f, code, &d.args)?;
                for deco in decos.iter().rev() {
                    v = self.call_value(deco, Args::new(vec![v]))?;
                }
                self.store_name(f, d.name.as_str(), v);
            }
            Stmt::ClassDef(c) => {
                let v = self.exec_classdef(f, c)?;
                self.store_name(f, c.name.as_str(), v);
            }
            Stmt::Try(t) => return self.exec_try(f, t),
            Stmt::Raise(r) => return Err(self.exec_raise(f, r)?),
            Stmt::Assert(a) => {
                let t = self.eval(f, &a.test)?;
                if !self.truthy(&t)? {
                    let args = match &a.msg {
                        Some(m) => vec![self.eval(f, m)?],
                        None => vec![],
                    };
                    let cls = crate::exc::builtin_exc_class("AssertionError").ok_or_else(|| Exc::runtime_error("no AssertionError"))?;
                    return Err(Exc::from_class(cls, args));
                }
            }
            Stmt::With(w) => return self.exec_with(f, &w.items, &w.body),
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.delete(f, t)?;
                }
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let name = a.name.as_str();
                    let m = self.import_module(name)?;
                    match &a.asname {
                        Some(asn) => self.store_name(f, asn.as_str(), m),
                        None => {
                            let first = name.split('.').next().unwrap_or(name);
                            let top = if first == name { m } else { self.import_module(first)? };
                            self.store_name(f, first, top);
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                if i.level.map(|l| l.to_u32()).unwrap_or(0) > 0 {
                    return Err(Exc::not_implemented("relative imports are not supported"));
                }
                let modname = i.module.as_ref().map(|m| m.as_str()).unwrap_or("");
                let m = self.import_module(modname)?;
                for a in &i.names {
                    if a.name.as_str() == "*" {
                        return Err(Exc::not_implemented("'from ... import *' is not supported"));
                    }
                    let v = match self.get_attr(&m, a.name.as_str()) {
                        Ok(v) => v,
                        Err(_) => match self.import_module(&format!("{modname}.{}", a.name)) {
                            Ok(v) => v,
                            Err(_) => {
                                return Err(Exc::not_implemented(format!(
                                    "cannot import name '{}' from '{modname}'",
                                    a.name
                                )))
                            }
                        },
                    };
                    let bind = a.asname.as_ref().map(|x| x.as_str()).unwrap_or(a.name.as_str());
                    self.store_name(f, bind, v);
                }
            }
            Stmt::AsyncFunctionDef(_) | Stmt::AsyncFor(_) | Stmt::AsyncWith(_) => {
                return Err(Exc::not_implemented("async code is not supported"))
            }
            Stmt::Match(_) => return Err(Exc::not_implemented("the 'match' statement is not supported")),
            Stmt::TryStar(_) => return Err(Exc::not_implemented("'except*' is not supported")),
            Stmt::TypeAlias(_) => return Err(Exc::not_implemented("the 'type' statement is not supported")),
        }
        Ok(Flow::Normal)
    }

    // ---------------------------------------------------------------- names

    /// Bind `name` in the frame's scope.
    pub(crate) fn store_name(&mut self, f: &mut Frame, name: &str, v: Value) {
        match f.code.resolve_cached(name) {
            NameRes::Fast(i) => f.fast[i] = Some(v),
            NameRes::Cell(i) => *f.cells[i].borrow_mut() = Some(v),
            NameRes::Global => set_in_map(&mut f.globals.attrs.borrow_mut(), name, v),
            NameRes::ClassNs | NameRes::ClassDeref(_) => match &mut f.ns {
                Some(ns) => set_in_map(ns, name, v),
                None => set_in_map(&mut f.globals.attrs.borrow_mut(), name, v),
            },
        }
    }

    /// Read `name` in the frame's scope.
    pub(crate) fn load_name(&mut self, f: &Frame, name: &str) -> PyResult<Value> {
        match f.code.resolve_cached(name) {
            NameRes::Fast(i) => match &f.fast[i] {
                Some(v) => Ok(v.clone()),
                None => Err(unbound_local(name)),
            },
            NameRes::Cell(i) => match &*f.cells[i].borrow() {
                Some(v) => Ok(v.clone()),
                None if i < f.code.ncellvars => Err(unbound_local(name)),
                None => Err(Exc::new(
                    "NameError",
                    format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"),
                )),
            },
            NameRes::Global => self.load_global(f, name),
            NameRes::ClassNs => {
                if let Some(v) = f.ns.as_ref().and_then(|ns| ns.get(name)) {
                    return Ok(v.clone());
                }
                self.load_global(f, name)
            }
            NameRes::ClassDeref(i) => {
                if let Some(v) = f.ns.as_ref().and_then(|ns| ns.get(name)) {
                    return Ok(v.clone());
                }
                match &*f.cells[i].borrow() {
                    Some(v) => Ok(v.clone()),
                    None => Err(Exc::new("NameError", format!("name '{name}' is not defined"))),
                }
            }
        }
    }

    fn load_global(&mut self, f: &Frame, name: &str) -> PyResult<Value> {
        if let Some(v) = f.globals.attrs.borrow().get(name) {
            return Ok(v.clone());
        }
        if let Some(v) = self.builtins.get(name) {
            return Ok(v.clone());
        }
        Err(Exc::new("NameError", format!("name '{name}' is not defined")))
    }

    fn delete_name(&mut self, f: &mut Frame, name: &str) -> PyResult<()> {
        let ok = match f.code.resolve_cached(name) {
            NameRes::Fast(i) => f.fast[i].take().is_some(),
            NameRes::Cell(i) => f.cells[i].borrow_mut().take().is_some(),
            NameRes::Global => f.globals.attrs.borrow_mut().shift_remove(name).is_some(),
            NameRes::ClassNs | NameRes::ClassDeref(_) => match &mut f.ns {
                Some(ns) => ns.shift_remove(name).is_some(),
                None => f.globals.attrs.borrow_mut().shift_remove(name).is_some(),
            },
        };
        if !ok {
            return Err(match f.code.resolve_cached(name) {
                NameRes::Fast(_) | NameRes::Cell(_) => unbound_local(name),
                _ => Exc::new("NameError", format!("name '{name}' is not defined")),
            });
        }
        Ok(())
    }

    // ----------------------------------------------------------- assignment

    /// Assign `v` to an assignment target (names, attributes, subscripts,
    /// nested tuple/list patterns with one starred element).
    pub(crate) fn assign(&mut self, f: &mut Frame, t: &Expr, v: Value) -> PyResult<()> {
        match t {
            Expr::Name(n) => {
                self.store_name(f, n.id.as_str(), v);
                Ok(())
            }
            Expr::Attribute(a) => {
                let obj = self.eval(f, &a.value)?;
                self.set_attr(&obj, a.attr.as_str(), v)
            }
            Expr::Subscript(s) => {
                let obj = self.eval(f, &s.value)?;
                let key = self.eval(f, &s.slice)?;
                operators::set_item(self, &obj, &key, v)
            }
            Expr::Tuple(x) => self.assign_seq(f, &x.elts, v),
            Expr::List(x) => self.assign_seq(f, &x.elts, v),
            Expr::Starred(_) => Err(Exc::new("SyntaxError", "starred assignment target must be in a list or tuple")),
            _ => Err(Exc::new("SyntaxError", "cannot assign to expression")),
        }
    }

    fn assign_seq(&mut self, f: &mut Frame, elts: &[Expr], v: Value) -> PyResult<()> {
        let items = match &v {
            Value::Tuple(t) => t.as_ref().clone(),
            Value::List(l) => l.borrow().clone(),
            _ => {
                if !iter::is_iterable(self, &v) {
                    return Err(Exc::type_error(format!("cannot unpack non-iterable {} object", v.type_name())));
                }
                iter::collect(self, &v)?
            }
        };
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        match star {
            None => {
                if items.len() > elts.len() {
                    return Err(Exc::value_error(format!("too many values to unpack (expected {})", elts.len())));
                }
                if items.len() < elts.len() {
                    return Err(Exc::value_error(format!(
                        "not enough values to unpack (expected {}, got {})",
                        elts.len(),
                        items.len()
                    )));
                }
                for (t, x) in elts.iter().zip(items) {
                    self.assign(f, t, x)?;
                }
            }
            Some(si) => {
                let after = elts.len() - si - 1;
                if items.len() < elts.len() - 1 {
                    return Err(Exc::value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        elts.len() - 1,
                        items.len()
                    )));
                }
                let mut items = items;
                let tail = items.split_off(items.len() - after);
                let mid = items.split_off(si);
                for (t, x) in elts[..si].iter().zip(items) {
                    self.assign(f, t, x)?;
                }
                if let Expr::Starred(s) = &elts[si] {
                    self.assign(f, &s.value, Value::list(mid))?;
                }
                for (t, x) in elts[si + 1..].iter().zip(tail) {
                    self.assign(f, t, x)?;
                }
            }
        }
        Ok(())
    }

    fn aug_assign(&mut self, f: &mut Frame, a: &ast::StmtAugAssign) -> PyResult<()> {
        let op = binop_of(&a.op);
        match &*a.target {
            Expr::Name(n) => {
                let cur = self.load_name(f, n.id.as_str())?;
                let rhs = self.eval(f, &a.value)?;
                let new = operators::inplace_op(self, cur, op, rhs)?;
                self.store_name(f, n.id.as_str(), new);
            }
            Expr::Attribute(at) => {
                let obj = self.eval(f, &at.value)?;
                let cur = self.get_attr(&obj, at.attr.as_str())?;
                let rhs = self.eval(f, &a.value)?;
                let new = operators::inplace_op(self, cur, op, rhs)?;
                self.set_attr(&obj, at.attr.as_str(), new)?;
            }
            Expr::Subscript(s) => {
                let obj = self.eval(f, &s.value)?;
                let key = self.eval(f, &s.slice)?;
                let cur = operators::get_item(self, &obj, &key)?;
                let rhs = self.eval(f, &a.value)?;
                let new = operators::inplace_op(self, cur, op, rhs)?;
                operators::set_item(self, &obj, &key, new)?;
            }
            _ => return Err(Exc::new("SyntaxError", "illegal expression for augmented assignment")),
        }
        Ok(())
    }

    fn delete(&mut self, f: &mut Frame, t: &Expr) -> PyResult<()> {
        match t {
            Expr::Name(n) => self.delete_name(f, n.id.as_str()),
            Expr::Subscript(s) => {
                let obj = self.eval(f, &s.value)?;
                let key = self.eval(f, &s.slice)?;
                operators::del_item(self, &obj, &key)
            }
            Expr::Attribute(a) => {
                let obj = self.eval(f, &a.value)?;
                super::class::del_attr(self, &obj, a.attr.as_str())
            }
            Expr::Tuple(x) => {
                for e in &x.elts {
                    self.delete(f, e)?;
                }
                Ok(())
            }
            Expr::List(x) => {
                for e in &x.elts {
                    self.delete(f, e)?;
                }
                Ok(())
            }
            _ => Err(Exc::new("SyntaxError", "cannot delete expression")),
        }
    }

    // ------------------------------------------------------------ functions

    /// Create a function value for `code` defined in frame `f`.
    pub(crate) fn make_function(&mut self, f: &mut Frame, code: Rc<super::code::Code>, args: &ast::Arguments) -> PyResult<Value> {
        let mut defaults = vec![];
        for a in args.posonlyargs.iter().chain(args.args.iter()) {
            if let Some(d) = &a.default {
                defaults.push(self.eval(f, d)?);
            }
        }
        let mut kw_defaults = vec![];
        for a in &args.kwonlyargs {
            kw_defaults.push(match &a.default {
                Some(d) => Some(self.eval(f, d)?),
                None => None,
            });
        }
        let closure = code
            .freevars()
            .iter()
            .map(|n| match f.code.cell_index.get(n) {
                Some(&i) => f.cells[i].clone(),
                None => Rc::new(RefCell::new(None)),
            })
            .collect();
        let mut attrs = IndexMap::new();
        attrs.insert(Str::from("__doc__"), code.doc.clone().map(Value::Str).unwrap_or(Value::None));
        let func = Function {
            name: code.name.clone(),
            qualname: code.qualname.clone(),
            defaults,
            kw_defaults,
            closure,
            globals: f.globals.clone(),
            class_cell: f.class_cell.clone(),
            attrs: RefCell::new(attrs),
            code,
        };
        Ok(Value::Function(Rc::new(func)))
    }

    fn exec_classdef(&mut self, f: &mut Frame, c: &ast::StmtClassDef) -> PyResult<Value> {
        let mut decos = vec![];
        for e in &c.decorator_list {
            decos.push(self.eval(f, e)?);
        }
        if !c.keywords.is_empty() {
            return Err(Exc::not_implemented("class keywords (metaclass=...) are not supported"));
        }
        if c.bases.len() > 1 {
            return Err(Exc::not_implemented("multiple inheritance is not supported"));
        }
        let object = self.type_object("object");
        let base = match c.bases.first() {
            None => object.clone(),
            Some(b) => match self.eval(f, b)? {
                Value::Class(k) => {
                    if let Some(n) = k.native {
                        if n != "object" {
                            return Err(Exc::not_implemented(format!("subclassing the builtin type '{}' is not supported", k.name)));
                        }
                    }
                    k
                }
                other => {
                    return Err(Exc::type_error(format!(
                        "class base must be a class, not '{}'",
                        other.type_name()
                    )))
                }
            },
        };
        let Some(code) = f.code.unit.code(c.range.start().to_u32(), CodeKind::Class).cloned() else {
            return Err(Exc::runtime_error("internal: missing class code"));
        };
        let mut cf = Frame::new(code.clone(), f.globals.clone());
        for n in code.freevars() {
            cf.cells.push(match f.code.cell_index.get(n) {
                Some(&i) => f.cells[i].clone(),
                None => Rc::new(RefCell::new(None)),
            });
        }
        let mut ns = IndexMap::new();
        let modname = f.globals.attrs.borrow().get("__name__").cloned().unwrap_or(Value::str("__main__"));
        ns.insert(Str::from("__module__"), modname);
        ns.insert(Str::from("__qualname__"), Value::Str(code.qualname.clone()));
        if let Some(d) = &code.doc {
            ns.insert(Str::from("__doc__"), Value::Str(d.clone()));
        }
        cf.ns = Some(ns);
        let cell: super::ClassCell = Rc::new(RefCell::new(None));
        cf.class_cell = Some(cell.clone());
        if let Err(mut e) = self.exec_block(&mut cf, &c.body) {
            traceback::push_frame(&mut e, &cf);
            return Err(e);
        }
        let mut ns = cf.ns.take().unwrap_or_default();
        if ns.contains_key("__eq__") && !ns.contains_key("__hash__") {
            ns.insert(Str::from("__hash__"), Value::None);
        }
        let cls = Rc::new(Class { name: c.name.as_str().into(), base: Some(base), attrs: RefCell::new(ns), native: None });
        *cell.borrow_mut() = Some(cls.clone());
        let mut v = Value::Class(cls);
        for deco in decos.iter().rev() {
            v = self.call_value(deco, Args::new(vec![v]))?;
        }
        Ok(v)
    }

    // ----------------------------------------------------------- exceptions

    fn exec_raise(&mut self, f: &mut Frame, r: &ast::StmtRaise) -> PyResult<Exc> {
        let Some(e) = &r.exc else {
            return Ok(match self.handling.last() {
                Some(e) => e.clone(),
                None => Exc::runtime_error("No active exception to reraise"),
            });
        };
        let v = self.eval(f, e)?;
        let mut exc = self.make_exc(v)?;
        if let Some(c) = &r.cause {
            let cause = self.eval(f, c)?;
            if let Value::Instance(i) = &exc.value {
                i.dict.borrow_mut().insert("__cause__".into(), cause);
            }
        }
        exc.traceback.clear();
        Ok(exc)
    }

    /// Turn a raised value (instance or class) into an `Exc`.
    pub(crate) fn make_exc(&mut self, v: Value) -> PyResult<Exc> {
        match &v {
            Value::Instance(i) if i.class.is_subclass_named("BaseException") => Ok(Exc { value: v, traceback: vec![] }),
            Value::Class(c) if c.is_subclass_named("BaseException") => {
                let inst = self.call_value(&v, Args::default())?;
                Ok(Exc { value: inst, traceback: vec![] })
            }
            _ => Err(Exc::type_error("exceptions must derive from BaseException")),
        }
    }

    /// Does exception `e` match the `except` clause type value `t`?
    fn exc_matches(&mut self, e: &Exc, t: &Value) -> PyResult<bool> {
        match t {
            Value::Class(c) => Ok(match &e.value {
                Value::Instance(i) => i.class.is_subclass_of(c) || (c.native == Some("object")),
                _ => false,
            }),
            Value::Tuple(ts) => {
                for t in ts.iter() {
                    if self.exc_matches(e, t)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(Exc::type_error("catching classes that do not inherit from BaseException is not allowed")),
        }
    }

    fn exec_try(&mut self, f: &mut Frame, t: &ast::StmtTry) -> PyResult<Flow> {
        let mut result = self.exec_block(f, &t.body);
        if result.is_err() {
            if let Err(e) = &result {
                let e = e.clone();
                let mut handled = None;
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let matches = match &h.type_ {
                        None => true,
                        Some(ty) => {
                            let tv = match self.eval(f, ty) {
                                Ok(v) => v,
                                Err(e2) => {
                                    handled = Some(Err(e2));
                                    break;
                                }
                            };
                            match self.exc_matches(&e, &tv) {
                                Ok(m) => m,
                                Err(e2) => {
                                    handled = Some(Err(e2));
                                    break;
                                }
                            }
                        }
                    };
                    if matches {
                        if let Some(n) = &h.name {
                            self.store_name(f, n.as_str(), e.value.clone());
                        }
                        self.handling.push(e.clone());
                        let r = self.exec_block(f, &h.body);
                        self.handling.pop();
                        if let Some(n) = &h.name {
                            let _ = self.delete_name(f, n.as_str());
                        }
                        handled = Some(r);
                        break;
                    }
                }
                if let Some(r) = handled {
                    result = r;
                }
            }
        } else if let Ok(Flow::Normal) = result {
            result = self.exec_block(f, &t.orelse);
        }
        if !t.finalbody.is_empty() {
            // A pending exception is "being handled" while finally runs.
            let pending = result.as_ref().err().cloned();
            if let Some(p) = &pending {
                self.handling.push(p.clone());
            }
            let fin = self.exec_block(f, &t.finalbody);
            if pending.is_some() {
                self.handling.pop();
            }
            match fin {
                Ok(Flow::Normal) => {}
                other => return other,
            }
        }
        result
    }

    // ---------------------------------------------------------------- with

    fn exec_with(&mut self, f: &mut Frame, items: &[ast::WithItem], body: &[Stmt]) -> PyResult<Flow> {
        let Some((first, rest)) = items.split_first() else {
            return self.exec_block(f, body);
        };
        let mgr = self.eval(f, &first.context_expr)?;
        let entered = self.ctx_enter(&mgr)?;
        let mut r = match &first.optional_vars {
            Some(t) => self.assign(f, t, entered),
            None => Ok(()),
        }
        .and_then(|_| self.exec_with(f, rest, body));
        match &r {
            Err(e) => {
                let e = e.clone();
                if self.ctx_exit(&mgr, Some(&e))? {
                    r = Ok(Flow::Normal);
                }
            }
            Ok(_) => {
                self.ctx_exit(&mgr, None)?;
            }
        }
        r
    }

    fn ctx_enter(&mut self, mgr: &Value) -> PyResult<Value> {
        match mgr {
            Value::Instance(i) => {
                let Some(enter) = super::class::lookup_user(&i.class, "__enter__") else {
                    return Err(Exc::type_error(format!(
                        "'{}' object does not support the context manager protocol",
                        i.class.name
                    )));
                };
                let m = super::class::bind(self, enter, mgr, &i.class)?;
                self.call_value(&m, Args::default())
            }
            Value::Object(o) => match o.enter(mgr, self)? {
                Some(v) => Ok(v),
                None => Err(Exc::type_error(format!(
                    "'{}' object does not support the context manager protocol",
                    o.type_name()
                ))),
            },
            other => Err(Exc::type_error(format!(
                "'{}' object does not support the context manager protocol",
                other.type_name()
            ))),
        }
    }

    /// Run `__exit__`; true if it suppressed the exception.
    fn ctx_exit(&mut self, mgr: &Value, e: Option<&Exc>) -> PyResult<bool> {
        match mgr {
            Value::Instance(i) => {
                let Some(exit) = super::class::lookup_user(&i.class, "__exit__") else {
                    return Err(Exc::type_error(format!(
                        "'{}' object does not support the context manager protocol (missed __exit__ method)",
                        i.class.name
                    )));
                };
                let m = super::class::bind(self, exit, mgr, &i.class)?;
                let args = match e {
                    Some(e) => {
                        let t = match &e.value {
                            Value::Instance(i) => Value::Class(i.class.clone()),
                            _ => Value::None,
                        };
                        vec![t, e.value.clone(), Value::None]
                    }
                    None => vec![Value::None, Value::None, Value::None],
                };
                let r = self.call_value(&m, Args::new(args))?;
                Ok(e.is_some() && self.truthy(&r)?)
            }
            Value::Object(o) => {
                o.exit(self)?;
                Ok(false)
            }
            _ => Ok(false),
        }
    }
}

fn unbound_local(name: &str) -> Exc {
    Exc::new(
        "UnboundLocalError",
        format!("cannot access local variable '{name}' where it is not associated with a value"),
    )
}

/// Insert or overwrite without allocating a new key when it exists.
pub(crate) fn set_in_map(map: &mut IndexMap<Str, Value>, name: &str, v: Value) {
    if let Some(slot) = map.get_mut(name) {
        *slot = v;
    } else {
        map.insert(name.into(), v);
    }
}
