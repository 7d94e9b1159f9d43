//! Expressions.

use super::code::CodeKind;
use super::exec::binop_of;
use super::{iter, operators, Frame, Interp};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{CmpOp, Dict, Str, UnaryOp, Value};
use rustpython_parser::ast::{self, Constant, Expr, Ranged};
use std::cell::RefCell;
use std::rc::Rc;

/// Convert a parsed constant.
pub(crate) fn constant(c: &Constant) -> PyResult<Value> {
    Ok(match c {
        Constant::None => Value::None,
        Constant::Bool(b) => Value::Bool(*b),
        Constant::Str(s) => Value::Str(s.as_str().into()),
        Constant::Int(i) => match i64::try_from(i) {
            Ok(v) => Value::Int(v),
            Err(_) => {
                let digits = i.to_string();
                let (neg, body) = match digits.strip_prefix('-') {
                    Some(b) => (true, b),
                    None => (false, digits.as_str()),
                };
                match super::int::parse_digits(body, 10)? {
                    Some(b) => super::int::from_big(if neg { -b } else { b }),
                    None => return Err(Exc::runtime_error("internal: bad int literal")),
                }
            }
        },
        Constant::Float(f) => Value::Float(*f),
        Constant::Ellipsis => Value::Ellipsis,
        Constant::Tuple(items) => Value::tuple(items.iter().map(constant).collect::<PyResult<_>>()?),
        Constant::Bytes(_) => return Err(Exc::not_implemented("bytes literals are not supported")),
        Constant::Complex { .. } => return Err(Exc::not_implemented("complex numbers are not supported")),
    })
}

fn cmp_of(op: &ast::CmpOp) -> Option<CmpOp> {
    Some(match op {
        ast::CmpOp::Eq => CmpOp::Eq,
        ast::CmpOp::NotEq => CmpOp::Ne,
        ast::CmpOp::Lt => CmpOp::Lt,
        ast::CmpOp::LtE => CmpOp::Le,
        ast::CmpOp::Gt => CmpOp::Gt,
        ast::CmpOp::GtE => CmpOp::Ge,
        _ => return None,
    })
}

impl Interp {
    /// Evaluate an expression.
    pub(crate) fn eval(&mut self, f: &mut Frame, e: &Expr) -> PyResult<Value> {
        match e {
            Expr::Constant(c) => constant(&c.value),
            Expr::Name(n) => self.load_name(f, n.id.as_str()),
            Expr::BinOp(b) => {
                let l = self.eval(f, &b.left)?;
                let r = self.eval(f, &b.right)?;
                operators::binary_op(self, &l, binop_of(&b.op), &r)
            }
            Expr::Attribute(a) => {
                let v = self.eval(f, &a.value)?;
                self.get_attr(&v, a.attr.as_str())
            }
            Expr::Call(c) => self.eval_call(f, c),
            Expr::Compare(c) => self.eval_compare(f, c),
            Expr::Subscript(s) => {
                let v = self.eval(f, &s.value)?;
                let k = self.eval(f, &s.slice)?;
                operators::get_item(self, &v, &k)
            }
            Expr::BoolOp(b) => {
                let is_and = matches!(b.op, ast::BoolOp::And);
                let mut last = Value::None;
                for (i, x) in b.values.iter().enumerate() {
                    last = self.eval(f, x)?;
                    if i + 1 == b.values.len() {
                        break;
                    }
                    let t = self.truthy(&last)?;
                    if t != is_and {
                        return Ok(last);
                    }
                }
                Ok(last)
            }
            Expr::UnaryOp(u) => {
                let v = self.eval(f, &u.operand)?;
                match u.op {
                    ast::UnaryOp::Not => Ok(Value::Bool(!self.truthy(&v)?)),
                    ast::UnaryOp::USub => operators::unary_op(self, &v, UnaryOp::Neg),
                    ast::UnaryOp::UAdd => operators::unary_op(self, &v, UnaryOp::Pos),
                    ast::UnaryOp::Invert => operators::unary_op(self, &v, UnaryOp::Invert),
                }
            }
            Expr::IfExp(x) => {
                let t = self.eval(f, &x.test)?;
                if self.truthy(&t)? {
                    self.eval(f, &x.body)
                } else {
                    self.eval(f, &x.orelse)
                }
            }
            Expr::List(l) => Ok(Value::list(self.eval_elts(f, &l.elts)?)),
            Expr::Tuple(t) => Ok(Value::tuple(self.eval_elts(f, &t.elts)?)),
            Expr::Set(s) => {
                let items = self.eval_elts(f, &s.elts)?;
                let mut d = Dict::default();
                for x in items {
                    operators::dict_set(self, &mut d, x, Value::None)?;
                }
                let set = Rc::new(RefCell::new(d));
                if s.elts.len() > 2 && s.elts.iter().all(|e| matches!(e, Expr::Constant(_))) {
                    // CPython folds constant set displays into a frozenset
                    // that is rebuilt in table order: replay that order.
                    let order = crate::builtins::hash::set_order(self, &set);
                    let mut d = Dict::default();
                    for x in order {
                        operators::dict_set(self, &mut d, x, Value::None)?;
                    }
                    return Ok(Value::Set(Rc::new(RefCell::new(d))));
                }
                Ok(Value::Set(set))
            }
            Expr::Dict(d) => {
                let mut out = Dict::default();
                for (k, v) in d.keys.iter().zip(&d.values) {
                    match k {
                        Some(k) => {
                            let k = self.eval(f, k)?;
                            let v = self.eval(f, v)?;
                            operators::dict_set(self, &mut out, k, v)?;
                        }
                        None => {
                            let m = self.eval(f, v)?;
                            for (k, v) in self.mapping_items(&m)? {
                                operators::dict_set(self, &mut out, k, v)?;
                            }
                        }
                    }
                }
                Ok(Value::Dict(Rc::new(RefCell::new(out))))
            }
            Expr::Slice(s) => {
                let mut part = |x: &Option<Box<Expr>>, this: &mut Interp| -> PyResult<Value> {
                    match x {
                        Some(x) => this.eval(f, x),
                        None => Ok(Value::None),
                    }
                };
                let a = part(&s.lower, self)?;
                let b = part(&s.upper, self)?;
                let c = part(&s.step, self)?;
                Ok(Value::Slice(Rc::new([a, b, c])))
            }
            Expr::JoinedStr(j) => {
                let mut out = String::new();
                for part in &j.values {
                    match part {
                        Expr::Constant(c) => {
                            if let Constant::Str(s) = &c.value {
                                out.push_str(s);
                            }
                        }
                        other => {
                            let v = self.eval(f, other)?;
                            match v {
                                Value::Str(s) => out.push_str(&s),
                                v => out.push_str(&self.str(&v)?),
                            }
                        }
                    }
                }
                Ok(Value::Str(out.into()))
            }
            Expr::FormattedValue(fv) => {
                let v = self.eval(f, &fv.value)?;
                let v = match fv.conversion {
                    ast::ConversionFlag::Str => Value::Str(self.str(&v)?.into()),
                    ast::ConversionFlag::Repr => Value::Str(self.repr(&v)?.into()),
                    ast::ConversionFlag::Ascii => Value::Str(super::pyformat::ascii(&self.repr(&v)?).into()),
                    ast::ConversionFlag::None => v,
                };
                let spec = match &fv.format_spec {
                    Some(s) => match self.eval(f, s)? {
                        Value::Str(s) => s,
                        other => self.str(&other)?.into(),
                    },
                    None => Str::from(""),
                };
                Ok(Value::Str(self.format_value(&v, &spec)?.into()))
            }
            Expr::Lambda(l) => {
                let Some(code) = f.code.unit.code(l.range.start().to_u32(), CodeKind::Lambda).cloned() else {
                    return Err(Exc::runtime_error("internal: missing lambda code"));
                };
                self.make_function(f, code, &l.args)
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::GeneratorExp(_) => self.eval_comprehension(f, e),
            Expr::NamedExpr(n) => {
                let v = self.eval(f, &n.value)?;
                self.assign(f, &n.target, v.clone())?;
                Ok(v)
            }
            Expr::Starred(_) => Err(Exc::new("SyntaxError", "can't use starred expression here")),
            Expr::Yield(_) | Expr::YieldFrom(_) => Err(Exc::not_implemented("generator functions (yield) are not supported")),
            Expr::Await(_) => Err(Exc::not_implemented("await is not supported")),
        }
    }

    /// Elements of a list/tuple/set display, with `*x` unpacking.
    fn eval_elts(&mut self, f: &mut Frame, elts: &[Expr]) -> PyResult<Vec<Value>> {
        // One spare slot: method calls prepend the receiver.
        let mut out = Vec::with_capacity(elts.len() + 1);
        for e in elts {
            if let Expr::Starred(s) = e {
                let v = self.eval(f, &s.value)?;
                out.extend(iter::collect(self, &v)?);
            } else {
                out.push(self.eval(f, e)?);
            }
        }
        Ok(out)
    }

    /// (key, value) pairs of a mapping for `**m`.
    pub(crate) fn mapping_items(&mut self, m: &Value) -> PyResult<Vec<(Value, Value)>> {
        match m {
            Value::Dict(d) => Ok(d.borrow().items().map(|(k, v)| (k.clone(), v.clone())).collect()),
            other => {
                let keys_fn = self
                    .get_attr(other, "keys")
                    .map_err(|_| Exc::type_error(format!("'{}' object is not a mapping", other.type_name())))?;
                let keys = self.call_value(&keys_fn, Args::default())?;
                let mut out = vec![];
                for k in iter::collect(self, &keys)? {
                    let v = operators::get_item(self, other, &k)?;
                    out.push((k, v));
                }
                Ok(out)
            }
        }
    }

    fn eval_compare(&mut self, f: &mut Frame, c: &ast::ExprCompare) -> PyResult<Value> {
        let mut left = self.eval(f, &c.left)?;
        let n = c.ops.len();
        for (i, (op, right)) in c.ops.iter().zip(&c.comparators).enumerate() {
            let right = self.eval(f, right)?;
            let r = match op {
                ast::CmpOp::Is => Value::Bool(left.is(&right)),
                ast::CmpOp::IsNot => Value::Bool(!left.is(&right)),
                ast::CmpOp::In => Value::Bool(operators::contains(self, &right, &left)?),
                ast::CmpOp::NotIn => Value::Bool(!operators::contains(self, &right, &left)?),
                other => {
                    let op = cmp_of(other).unwrap_or(CmpOp::Eq);
                    operators::compare(self, &left, op, &right)?
                }
            };
            if i + 1 == n {
                return Ok(r);
            }
            if !self.truthy(&r)? {
                return Ok(r);
            }
            left = right;
        }
        Ok(Value::Bool(true))
    }

    /// Build the arguments of a call expression.
    pub(crate) fn eval_args(&mut self, f: &mut Frame, args: &[Expr], keywords: &[ast::Keyword], func: &Value) -> PyResult<Args> {
        let pos = self.eval_elts(f, args)?;
        let mut kw: Vec<(Str, Value)> = Vec::with_capacity(keywords.len());
        for k in keywords {
            match &k.arg {
                Some(name) => {
                    let v = self.eval(f, &k.value)?;
                    kw.push((name.as_str().into(), v));
                }
                None => {
                    let m = self.eval(f, &k.value)?;
                    for (key, v) in self.mapping_items(&m)? {
                        let Value::Str(key) = key else {
                            return Err(Exc::type_error("keywords must be strings"));
                        };
                        if kw.iter().any(|(n, _)| *n == key) {
                            return Err(Exc::type_error(format!(
                                "{}() got multiple values for keyword argument '{key}'",
                                function_str(func)
                            )));
                        }
                        kw.push((key, v));
                    }
                }
            }
        }
        Ok(Args { pos, kw })
    }

    fn eval_call(&mut self, f: &mut Frame, c: &ast::ExprCall) -> PyResult<Value> {
        // zero-argument super()
        if let Expr::Name(n) = &*c.func {
            if n.id.as_str() == "super" && c.args.is_empty() && c.keywords.is_empty() {
                let sv = self.load_name(f, "super")?;
                if matches!(&sv, Value::Builtin(b) if &*b.name == "super") {
                    return self.zero_arg_super(f);
                }
            }
        }
        // method calls on core values skip creating a bound method
        if let Expr::Attribute(a) = &*c.func {
            let recv = self.eval(f, &a.value)?;
            if crate::builtins::methods::is_core(&recv) {
                let args = self.eval_args(f, &c.args, &c.keywords, &recv)?;
                return crate::builtins::methods::call_method(self, &recv, a.attr.as_str(), args);
            }
            // `obj.method(...)` on an instance whose class defines a plain
            // function `method` (and the instance does not shadow it): call
            // it with `obj` first, without building a bound method.
            if let Value::Instance(inst) = &recv {
                let name = a.attr.as_str();
                if let Some(Value::Function(func)) = inst.class.lookup(name) {
                    if !inst.dict.borrow().contains_key(name) {
                        let method = Value::Function(func.clone());
                        let mut args = self.eval_args(f, &c.args, &c.keywords, &method)?;
                        args.pos.insert(0, recv.clone());
                        return self.call_function(&func, args);
                    }
                }
            }
            let func = self.get_attr(&recv, a.attr.as_str())?;
            let args = self.eval_args(f, &c.args, &c.keywords, &func)?;
            return self.call_value(&func, args);
        }
        let func = self.eval(f, &c.func)?;
        let args = self.eval_args(f, &c.args, &c.keywords, &func)?;
        self.call_value(&func, args)
    }

    fn zero_arg_super(&mut self, f: &mut Frame) -> PyResult<Value> {
        let cls = f.class_cell.as_ref().and_then(|c| c.borrow().clone());
        let Some(cls) = cls else {
            return Err(Exc::runtime_error("super(): __class__ cell not found"));
        };
        let first = f.code.params.args.first().cloned();
        let Some(first) = first else {
            return Err(Exc::runtime_error("super(): no arguments"));
        };
        let obj = self.load_name(f, &first).map_err(|_| Exc::runtime_error("super(): arg[0] deleted"))?;
        Ok(super::class::make_super(cls, obj))
    }

    // -------------------------------------------------------- comprehensions

    fn eval_comprehension(&mut self, f: &mut Frame, e: &Expr) -> PyResult<Value> {
        let Some(code) = f.code.unit.code(e.range().start().to_u32(), CodeKind::Comprehension).cloned() else {
            return Err(Exc::runtime_error("internal: missing comprehension code"));
        };
        let gens = match e {
            Expr::ListComp(c) => &c.generators,
            Expr::SetComp(c) => &c.generators,
            Expr::DictComp(c) => &c.generators,
            Expr::GeneratorExp(c) => &c.generators,
            _ => return Err(Exc::runtime_error("internal: not a comprehension")),
        };
        let Some(g0) = gens.first() else {
            return Err(Exc::runtime_error("internal: empty comprehension"));
        };
        let first = self.eval(f, &g0.iter)?;
        let mut cf = Frame::new(code.clone(), f.globals.clone());
        for n in code.freevars() {
            cf.cells.push(match f.code.cell_index.get(n) {
                Some(&i) => f.cells[i].clone(),
                None => Rc::new(RefCell::new(None)),
            });
        }
        cf.class_cell = f.class_cell.clone();
        cf.offset = f.offset;
        let mut acc = CompAcc::new(e);
        self.check_stack()?;
        let it = iter::make_iter(self, &first)?;
        let r = self.comp_loop(&mut cf, e, gens, 0, Some(it), &mut acc);
        if let Err(mut err) = r {
            super::traceback::push_frame(&mut err, &cf);
            return Err(err);
        }
        Ok(match acc {
            CompAcc::List(v) => Value::list(v),
            CompAcc::Set(d) => Value::Set(Rc::new(RefCell::new(d))),
            CompAcc::Dict(d) => Value::Dict(Rc::new(RefCell::new(d))),
            CompAcc::Gen(v) => iter::generator_from_vec(v),
        })
    }

    fn comp_loop(
        &mut self,
        cf: &mut Frame,
        e: &Expr,
        gens: &[ast::Comprehension],
        level: usize,
        first: Option<iter::PyIter>,
        acc: &mut CompAcc,
    ) -> PyResult<()> {
        let g = &gens[level];
        let mut it = match first {
            Some(it) => it,
            None => {
                let v = self.eval(cf, &g.iter)?;
                iter::make_iter(self, &v)?
            }
        };
        'outer: while let Some(x) = iter::next(self, &mut it)? {
            self.assign(cf, &g.target, x)?;
            for cond in &g.ifs {
                let c = self.eval(cf, cond)?;
                if !self.truthy(&c)? {
                    continue 'outer;
                }
            }
            if level + 1 < gens.len() {
                self.comp_loop(cf, e, gens, level + 1, None, acc)?;
                continue;
            }
            match (e, &mut *acc) {
                (Expr::ListComp(c), CompAcc::List(v)) => v.push(self.eval(cf, &c.elt)?),
                (Expr::GeneratorExp(c), CompAcc::Gen(v)) => v.push(self.eval(cf, &c.elt)?),
                (Expr::SetComp(c), CompAcc::Set(d)) => {
                    let x = self.eval(cf, &c.elt)?;
                    operators::dict_set(self, d, x, Value::None)?;
                }
                (Expr::DictComp(c), CompAcc::Dict(d)) => {
                    let k = self.eval(cf, &c.key)?;
                    let v = self.eval(cf, &c.value)?;
                    operators::dict_set(self, d, k, v)?;
                }
                _ => {}
            }
        }
        Ok(())
    }
}

enum CompAcc {
    List(Vec<Value>),
    Gen(Vec<Value>),
    Set(Dict),
    Dict(Dict),
}

impl CompAcc {
    fn new(e: &Expr) -> CompAcc {
        match e {
            Expr::SetComp(_) => CompAcc::Set(Dict::default()),
            Expr::DictComp(_) => CompAcc::Dict(Dict::default()),
            Expr::GeneratorExp(_) => CompAcc::Gen(vec![]),
            _ => CompAcc::List(vec![]),
        }
    }
}

/// CPython's `_PyObject_FunctionStr`: `module.qualname` for program functions.
fn function_str(func: &Value) -> String {
    match func {
        Value::Function(fun) => {
            let m = fun.module_name();
            if m.is_empty() || m == "builtins" {
                fun.qualname.to_string()
            } else {
                format!("{m}.{}", fun.qualname)
            }
        }
        Value::BoundMethod(bm) => function_str(&bm.1),
        Value::Builtin(b) => b.name.to_string(),
        Value::Class(c) => c.name.to_string(),
        other => other.type_name(),
    }
}
