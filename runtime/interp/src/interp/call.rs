//! Calls: dispatch on the callee, and Python's argument binding for
//! functions defined in the program.

use super::code::{CodeKind, NameRes};
use super::exec::Flow;
use super::{traceback, Frame, Function, Interp};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{Dict, Str, Value};
use std::cell::RefCell;
use std::rc::Rc;

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `'a', 'b' and 'c'` as CPython lists missing arguments.
fn name_list(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        n => format!("{}, and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

impl Interp {
    /// Call any callable value.
    pub(crate) fn call_value(&mut self, f: &Value, args: Args) -> PyResult<Value> {
        match f {
            Value::Function(func) => self.call_function(func, args),
            Value::Builtin(b) => {
                self.check_stack()?;
                (b.func)(self, args)
            }
            Value::BoundMethod(bm) => {
                let (recv, func) = (&bm.0, &bm.1);
                let mut args = args;
                args.pos.insert(0, recv.clone());
                self.call_value(func, args)
            }
            Value::Class(c) => super::class::instantiate(self, c, args),
            Value::Instance(i) => {
                let Some(m) = super::class::lookup_user(&i.class, "__call__") else {
                    return Err(Exc::type_error(format!("'{}' object is not callable", i.class.name)));
                };
                let m = super::class::bind(self, m, f, &i.class)?;
                self.call_value(&m, args)
            }
            Value::Object(o) => match o.call(f, args, self)? {
                Some(v) => Ok(v),
                None => Err(Exc::type_error(format!("'{}' object is not callable", o.type_name()))),
            },
            other => Err(Exc::type_error(format!("'{}' object is not callable", other.type_name()))),
        }
    }

    /// Call a function defined in the program.
    pub fn call_function(&mut self, func: &Rc<Function>, args: Args) -> PyResult<Value> {
        let code = func.code.clone();
        if code.is_generator {
            return Err(Exc::not_implemented(format!(
                "generator functions (yield) are not supported: {}()",
                func.qualname
            )));
        }
        let mut frame = Frame::new(code.clone(), func.globals.clone());
        frame.cells.extend(func.closure.iter().cloned());
        frame.class_cell = func.class_cell.clone();
        frame.offset = code.offset;
        self.bind_args(func, &mut frame, args)?;
        self.enter_call()?;
        let r = if code.kind == CodeKind::Lambda {
            match &code.lambda_body {
                Some(b) => self.eval(&mut frame, b),
                None => Ok(Value::None),
            }
        } else {
            match self.exec_block(&mut frame, &code.body) {
                Ok(Flow::Return(v)) => Ok(v),
                Ok(_) => Ok(Value::None),
                Err(e) => Err(e),
            }
        };
        self.leave_call();
        r.map_err(|mut e| {
            traceback::push_frame(&mut e, &frame);
            e
        })
    }

    fn set_slot(frame: &mut Frame, slot: NameRes, v: Value) {
        match slot {
            NameRes::Fast(i) => frame.fast[i] = Some(v),
            NameRes::Cell(i) => *frame.cells[i].borrow_mut() = Some(v),
            _ => {}
        }
    }

    /// Python's argument binding.
    fn bind_args(&mut self, func: &Function, frame: &mut Frame, args: Args) -> PyResult<()> {
        let p = &func.code.params;
        let npos = p.args.len();
        let slots = &p.slots;
        // fast path: exact positional call
        if args.kw.is_empty() && args.pos.len() == npos && p.vararg.is_none() && p.kwonly.is_empty() && p.kwarg.is_none() {
            for (i, v) in args.pos.into_iter().enumerate() {
                Self::set_slot(frame, slots[i], v);
            }
            return Ok(());
        }
        let fname = &func.qualname;
        let mut vals: Vec<Option<Value>> = vec![None; npos];
        let mut kwvals: Vec<Option<Value>> = vec![None; p.kwonly.len()];
        let mut extra_pos = vec![];
        let npos_given = args.pos.len();
        for (i, v) in args.pos.into_iter().enumerate() {
            if i < npos {
                vals[i] = Some(v);
            } else {
                extra_pos.push(v);
            }
        }
        if !extra_pos.is_empty() && p.vararg.is_none() {
            let ndef = func.defaults.len();
            let takes = if ndef > 0 {
                format!("from {} to {} positional arguments", npos - ndef, npos)
            } else {
                format!("{} positional argument{}", npos, if npos == 1 { "" } else { "s" })
            };
            let kwgiven = args.kw.iter().filter(|(k, _)| p.kwonly.iter().any(|n| n == k)).count();
            let given = if kwgiven > 0 {
                format!(
                    "{npos_given} positional argument{} (and {} keyword-only argument{}) were given",
                    if npos_given == 1 { "" } else { "s" },
                    kwgiven,
                    if kwgiven == 1 { "" } else { "s" }
                )
            } else {
                format!("{npos_given} {}", if npos_given == 1 { "was given" } else { "were given" })
            };
            return Err(Exc::type_error(format!("{fname}() takes {takes} but {given}")));
        }
        let mut kwdict = Dict::default();
        for (k, v) in args.kw {
            if let Some(i) = p.args.iter().position(|n| *n == k) {
                if i < p.posonly {
                    if p.kwarg.is_some() {
                        kwdict.insert(crate::value::HashKey::Str(k.clone()), Value::Str(k), v);
                        continue;
                    }
                    return Err(Exc::type_error(format!(
                        "{fname}() got some positional-only arguments passed as keyword arguments: '{k}'"
                    )));
                }
                if vals[i].is_some() {
                    return Err(Exc::type_error(format!("{fname}() got multiple values for argument '{k}'")));
                }
                vals[i] = Some(v);
            } else if let Some(i) = p.kwonly.iter().position(|n| *n == k) {
                kwvals[i] = Some(v);
            } else if p.kwarg.is_some() {
                let hk = crate::value::HashKey::Str(k.clone());
                if kwdict.map.contains_key(&hk) {
                    return Err(Exc::type_error(format!("{fname}() got multiple values for argument '{k}'")));
                }
                kwdict.insert(hk, Value::Str(k), v);
            } else {
                return Err(Exc::type_error(format!("{fname}() got an unexpected keyword argument '{k}'")));
            }
        }
        // defaults
        let ndef = func.defaults.len();
        let first_def = npos.saturating_sub(ndef);
        let mut missing: Vec<&str> = vec![];
        for i in 0..npos {
            if vals[i].is_none() {
                if i >= first_def {
                    vals[i] = Some(func.defaults[i - first_def].clone());
                } else {
                    missing.push(&p.args[i]);
                }
            }
        }
        if !missing.is_empty() {
            return Err(Exc::type_error(format!(
                "{fname}() missing {} positional argument{}: {}",
                format_args!("{} required", missing.len()),
                if missing.len() == 1 { "" } else { "s" },
                name_list(&missing)
            )));
        }
        let mut kmissing: Vec<&str> = vec![];
        for (i, kv) in kwvals.iter_mut().enumerate() {
            if kv.is_none() {
                match func.kw_defaults.get(i).cloned().flatten() {
                    Some(d) => *kv = Some(d),
                    None => kmissing.push(&p.kwonly[i]),
                }
            }
        }
        if !kmissing.is_empty() {
            return Err(Exc::type_error(format!(
                "{fname}() missing {}: {}",
                plural(kmissing.len(), "required keyword-only argument"),
                name_list(&kmissing)
            )));
        }
        let mut si = 0;
        for v in vals {
            Self::set_slot(frame, slots[si], v.unwrap_or(Value::None));
            si += 1;
        }
        if p.vararg.is_some() {
            Self::set_slot(frame, slots[si], Value::tuple(extra_pos));
            si += 1;
        }
        for v in kwvals {
            Self::set_slot(frame, slots[si], v.unwrap_or(Value::None));
            si += 1;
        }
        if p.kwarg.is_some() {
            Self::set_slot(frame, slots[si], Value::Dict(Rc::new(RefCell::new(kwdict))));
        }
        Ok(())
    }

    /// Call `method` of `recv` by name.
    pub fn call_method(&mut self, recv: &Value, name: &str, args: Args) -> PyResult<Value> {
        if crate::builtins::methods::is_core(recv) {
            return crate::builtins::methods::call_method(self, recv, name, args);
        }
        let m = self.get_attr(recv, name)?;
        self.call_value(&m, args)
    }
}

/// A function name for messages.
pub fn func_name(v: &Value) -> Str {
    match v {
        Value::Function(f) => f.name.clone(),
        Value::Builtin(b) => b.name.clone(),
        Value::Class(c) => c.name.clone(),
        _ => Str::from(v.type_name().as_str()),
    }
}
