//! Builtin functions.

use super::hash;
use super::objects::Range;
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::class::{bind, lookup_user, make_super, ClassMethod, Property, StaticMethod};
use crate::interp::iter::{make_iter, IterObject, PyIter};
use crate::interp::{int, iter, operators, Interp};
use num_traits::Signed;
use crate::value::{BinOp, Builtin, CmpOp, Str, Value};
use std::rc::Rc;

fn reg(interp: &mut Interp, name: &'static str, f: impl Fn(&mut Interp, Args) -> PyResult<Value> + 'static) {
    interp.builtins.insert(name.into(), Builtin::value(name, f));
}

fn arg(v: Option<Value>) -> Value {
    v.unwrap_or(Value::None)
}

/// An index-like integer argument.
pub fn int_arg(interp: &mut Interp, v: &Value) -> PyResult<i64> {
    match operators::to_index(interp, v)? {
        Some(i) => Ok(i),
        None => Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name()))),
    }
}

/// Stable merge sort with a fallible `<` (Python's `list.sort` semantics).
pub fn sort_values(interp: &mut Interp, items: Vec<Value>, key: &Value, reverse: bool) -> PyResult<Vec<Value>> {
    let mut keyed: Vec<(Value, Value)> = Vec::with_capacity(items.len());
    for it in items {
        let k = if key.is_none() { it.clone() } else { interp.call(key, Args::new(vec![it.clone()]))? };
        keyed.push((k, it));
    }
    if reverse {
        keyed.reverse();
    }
    let sorted = merge_sort(interp, keyed)?;
    let mut out: Vec<Value> = sorted.into_iter().map(|(_, v)| v).collect();
    if reverse {
        out.reverse();
    }
    Ok(out)
}

fn merge_sort(interp: &mut Interp, mut v: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    let n = v.len();
    if n <= 1 {
        return Ok(v);
    }
    // insertion sort for small runs
    if n <= 8 {
        for i in 1..n {
            let mut j = i;
            while j > 0 && operators::lt(interp, &v[j].0, &v[j - 1].0)? {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return Ok(v);
    }
    let right = v.split_off(n / 2);
    let left = merge_sort(interp, v)?;
    let right = merge_sort(interp, right)?;
    let mut out = Vec::with_capacity(n);
    let mut li = left.into_iter().peekable();
    let mut ri = right.into_iter().peekable();
    loop {
        match (li.peek(), ri.peek()) {
            (Some(l), Some(r)) => {
                if operators::lt(interp, &r.0, &l.0)? {
                    out.push(ri.next().unwrap_or_else(|| unreachable!()));
                } else {
                    out.push(li.next().unwrap_or_else(|| unreachable!()));
                }
            }
            (Some(_), None) => out.extend(li.by_ref()),
            (None, Some(_)) => out.extend(ri.by_ref()),
            (None, None) => break,
        }
    }
    Ok(out)
}

fn min_max(interp: &mut Interp, mut a: Args, is_max: bool) -> PyResult<Value> {
    let name = if is_max { "max" } else { "min" };
    let key = a.take_kw("key").unwrap_or(Value::None);
    let default = a.take_kw("default");
    if let Some((k, _)) = a.kw.first() {
        return Err(Exc::type_error(format!("'{k}' is an invalid keyword argument for {name}()")));
    }
    let items = match a.pos.len() {
        0 => return Err(Exc::type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => interp.iterate(&a.pos[0])?,
        _ => {
            if default.is_some() {
                return Err(Exc::type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            a.pos
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for it in items {
        let k = if key.is_none() { it.clone() } else { interp.call(&key, Args::new(vec![it.clone()]))? };
        best = Some(match best {
            None => (k, it),
            Some((bk, bv)) => {
                let op = if is_max { CmpOp::Gt } else { CmpOp::Lt };
                let r = operators::compare(interp, &k, op, &bk)?;
                if interp.truthy(&r)? {
                    (k, it)
                } else {
                    (bk, bv)
                }
            }
        });
    }
    match best {
        Some((_, v)) => Ok(v),
        None => match default {
            Some(d) => Ok(d),
            None => Err(Exc::value_error(format!("{name}() arg is an empty sequence"))),
        },
    }
}

/// `round(x, n)` for floats, correctly rounded like CPython.
pub fn round_float(x: f64, nd: i64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    if nd > 300 {
        return x;
    }
    if nd >= 0 {
        let s = format!("{:.*}", nd as usize, x);
        return s.parse().unwrap_or(x);
    }
    if nd < -308 {
        return 0.0f64.copysign(x);
    }
    let p = 10f64.powi((-nd) as i32);
    let y = x / p;
    let mut z = y.round();
    if (y - z).abs() == 0.5 {
        z = 2.0 * (y / 2.0).round();
    }
    let r = z * p;
    if r.is_finite() {
        r
    } else {
        x
    }
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}

fn print_impl(interp: &mut Interp, mut a: Args) -> PyResult<Value> {
    let sep = a.take_kw("sep");
    let end = a.take_kw("end");
    let file = a.take_kw("file");
    let flush = a.take_kw("flush");
    if let Some((k, _)) = a.kw.first() {
        return Err(Exc::type_error(format!("'{k}' is an invalid keyword argument for print()")));
    }
    let sep = match sep {
        None | Some(Value::None) => Str::from(" "),
        Some(Value::Str(s)) => s,
        Some(o) => return Err(Exc::type_error(format!("sep must be None or a string, not {}", o.type_name()))),
    };
    let end = match end {
        None | Some(Value::None) => Str::from("\n"),
        Some(Value::Str(s)) => s,
        Some(o) => return Err(Exc::type_error(format!("end must be None or a string, not {}", o.type_name()))),
    };
    let mut out = String::new();
    for (i, v) in a.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match v {
            Value::Str(s) => out.push_str(s),
            v => out.push_str(&interp.str(v)?),
        }
    }
    out.push_str(&end);
    let flush = match flush {
        Some(f) => interp.truthy(&f)?,
        None => false,
    };
    match file {
        None | Some(Value::None) => interp.write_stdout(&out),
        Some(f) => {
            if let Some(s) = f.downcast::<super::StdStream>() {
                if s.stderr {
                    interp.write_stderr(&out);
                } else {
                    interp.write_stdout(&out);
                }
            } else {
                let w = interp.get_attr(&f, "write")?;
                interp.call(&w, Args::new(vec![Value::Str(out.into())]))?;
            }
        }
    }
    if flush {
        interp.flush_stdout();
    }
    Ok(Value::None)
}

fn isinstance_any(interp: &mut Interp, v: &Value, c: &Value) -> PyResult<bool> {
    match c {
        Value::Class(k) => Ok(interp.isinstance(v, k)),
        Value::Tuple(t) => {
            for x in t.iter() {
                if isinstance_any(interp, v, x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(Exc::type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
    }
}

fn issubclass_any(c: &Value, b: &Value) -> PyResult<bool> {
    let Value::Class(c) = c else { return Err(Exc::type_error("issubclass() arg 1 must be a class")) };
    match b {
        Value::Class(b) => Ok(c.is_subclass_of(b) || b.native == Some("object") || (b.native == Some("int") && c.native == Some("bool"))),
        Value::Tuple(t) => {
            for x in t.iter() {
                if issubclass_any(&Value::Class(c.clone()), x)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(Exc::type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union")),
    }
}

/// `callable(v)`.
pub fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::BoundMethod(_) | Value::Class(_) => true,
        Value::Instance(i) => lookup_user(&i.class, "__call__").is_some(),
        Value::Object(o) => o.is_callable(),
        _ => false,
    }
}

/// `iter(v)` as a Python value.
pub fn iter_value(interp: &mut Interp, v: &Value) -> PyResult<Value> {
    if let Value::Object(o) = v {
        if v.downcast::<IterObject>().is_some() {
            return Ok(v.clone());
        }
        if v.downcast::<Range>().is_none() && v.downcast::<super::objects::DictView>().is_none() {
            return match o.iter(v, interp)? {
                Some(it) => Ok(it),
                None => Err(iter::not_iterable(v)),
            };
        }
    }
    if let Value::Instance(i) = v {
        if let Some(m) = lookup_user(&i.class, "__iter__") {
            let m = bind(interp, m, v, &i.class)?;
            return interp.call(&m, Args::default());
        }
    }
    let name = match v {
        Value::List(_) => "list_iterator",
        Value::Tuple(_) => "tuple_iterator",
        Value::Str(_) => "str_ascii_iterator",
        Value::Dict(_) => "dict_keyiterator",
        Value::Set(_) => "set_iterator",
        _ => "iterator",
    };
    let st = make_iter(interp, v)?;
    let name = if let PyIter::Range { .. } = st { "range_iterator" } else { name };
    Ok(IterObject::value(name, st))
}

/// `next(it)`: `None` when exhausted.
pub fn next_value(interp: &mut Interp, it: &Value) -> PyResult<Option<Value>> {
    match it {
        Value::Object(o) => o.next(interp),
        Value::Instance(i) => match lookup_user(&i.class, "__next__") {
            Some(m) => {
                let m = bind(interp, m, it, &i.class)?;
                match interp.call(&m, Args::default()) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if e.is("StopIteration") => Ok(None),
                    Err(e) => Err(e),
                }
            }
            None => Err(Exc::type_error(format!("'{}' object is not an iterator", i.class.name))),
        },
        other => Err(Exc::type_error(format!("'{}' object is not an iterator", other.type_name()))),
    }
}

fn stop_iteration() -> Exc {
    match crate::exc::builtin_exc_class("StopIteration") {
        Some(c) => Exc::from_class(c, vec![]),
        None => Exc::runtime_error("StopIteration"),
    }
}

fn not_supported(interp: &mut Interp, name: &'static str) {
    reg(interp, name, move |_, _| Err(Exc::not_implemented(format!("{name}() is not supported (tfjit programs are sandboxed)"))));
}

/// Register all builtin functions.
pub fn install(interp: &mut Interp) {
    reg(interp, "print", print_impl);
    reg(interp, "len", |interp, a| {
        let [x] = a.bind("len", ["obj"], 1)?;
        Ok(Value::Int(operators::len(interp, &arg(x))? as i64))
    });
    reg(interp, "repr", |interp, a| {
        let [x] = a.bind("repr", ["obj"], 1)?;
        Ok(Value::Str(interp.repr(&arg(x))?.into()))
    });
    reg(interp, "ascii", |interp, a| {
        let [x] = a.bind("ascii", ["obj"], 1)?;
        let r = interp.repr(&arg(x))?;
        Ok(Value::Str(crate::interp::pyformat::ascii(&r).into()))
    });
    reg(interp, "format", |interp, a| {
        let [x, spec] = a.bind("format", ["value", "format_spec"], 1)?;
        let spec = match spec {
            Some(Value::Str(s)) => s,
            None => "".into(),
            Some(o) => return Err(Exc::type_error(format!("format() argument 2 must be str, not {}", o.type_name()))),
        };
        Ok(Value::Str(interp.format_value(&arg(x), &spec)?.into()))
    });
    reg(interp, "range", |interp, a| {
        if !a.kw.is_empty() {
            return Err(Exc::type_error("range() takes no keyword arguments"));
        }
        let n = a.pos.len();
        let mut v = vec![];
        for x in &a.pos {
            v.push(int_arg(interp, x)?);
        }
        let (start, stop, step) = match n {
            1 => (0, v[0], 1),
            2 => (v[0], v[1], 1),
            3 => (v[0], v[1], v[2]),
            0 => return Err(Exc::type_error("range expected at least 1 argument, got 0")),
            _ => return Err(Exc::type_error(format!("range expected at most 3 arguments, got {n}"))),
        };
        if step == 0 {
            return Err(Exc::value_error("range() arg 3 must not be zero"));
        }
        Ok(Value::object(Range { start, stop, step }))
    });
    reg(interp, "enumerate", |interp, a| {
        let [it, start] = a.bind("enumerate", ["iterable", "start"], 1)?;
        let start = match start {
            Some(s) => int_arg(interp, &s)?,
            None => 0,
        };
        let st = make_iter(interp, &arg(it))?;
        Ok(IterObject::value("enumerate", PyIter::Enumerate(Box::new(st), start)))
    });
    reg(interp, "zip", |interp, mut a| {
        let strict = match a.take_kw("strict") {
            Some(s) => interp.truthy(&s)?,
            None => false,
        };
        if let Some((k, _)) = a.kw.first() {
            return Err(Exc::type_error(format!("zip() got an unexpected keyword argument '{k}'")));
        }
        let mut its = vec![];
        for (i, x) in a.pos.iter().enumerate() {
            its.push(make_iter(interp, x).map_err(|e| {
                if e.is("TypeError") {
                    Exc::type_error(format!("'{}' object is not iterable", x.type_name()))
                } else {
                    let _ = i;
                    e
                }
            })?);
        }
        Ok(IterObject::value("zip", PyIter::Zip(its, strict)))
    });
    reg(interp, "map", |interp, a| {
        if a.pos.len() < 2 {
            return Err(Exc::type_error("map() must have at least two arguments."));
        }
        let mut pos = a.pos.into_iter();
        let f = pos.next().unwrap_or(Value::None);
        let mut its = vec![];
        for x in pos {
            its.push(make_iter(interp, &x)?);
        }
        Ok(IterObject::value("map", PyIter::Map(f, its)))
    });
    reg(interp, "filter", |interp, a| {
        let [f, it] = a.bind("filter", ["function", "iterable"], 2)?;
        let st = make_iter(interp, &arg(it))?;
        Ok(IterObject::value("filter", PyIter::Filter(arg(f), Box::new(st))))
    });
    reg(interp, "reversed", |interp, a| {
        let [x] = a.bind("reversed", ["sequence"], 1)?;
        let x = arg(x);
        match &x {
            Value::List(l) => {
                let n = l.borrow().len();
                return Ok(IterObject::value("list_reverseiterator", PyIter::ReversedList(l.clone(), n)));
            }
            Value::Instance(i) => {
                if let Some(m) = lookup_user(&i.class, "__reversed__") {
                    let m = bind(interp, m, &x, &i.class)?;
                    return interp.call(&m, Args::default());
                }
                if lookup_user(&i.class, "__len__").is_none() || lookup_user(&i.class, "__getitem__").is_none() {
                    return Err(Exc::type_error(format!("'{}' object is not reversible", i.class.name)));
                }
            }
            Value::Set(_) | Value::None | Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Bool(_) => {
                return Err(Exc::type_error(format!("'{}' object is not reversible", x.type_name())))
            }
            _ => {}
        }
        let mut items = interp.iterate(&x)?;
        items.reverse();
        Ok(IterObject::value("reversed", PyIter::Vec(items.into_iter())))
    });
    reg(interp, "sorted", |interp, mut a| {
        let key = a.take_kw("key").unwrap_or(Value::None);
        let reverse = match a.take_kw("reverse") {
            Some(r) => interp.truthy(&r)?,
            None => false,
        };
        let [x] = a.bind("sorted", ["iterable"], 1)?;
        let items = interp.iterate(&arg(x))?;
        Ok(Value::list(sort_values(interp, items, &key, reverse)?))
    });
    reg(interp, "min", |interp, a| min_max(interp, a, false));
    reg(interp, "max", |interp, a| min_max(interp, a, true));
    reg(interp, "sum", |interp, mut a| {
        let start = a.take_kw("start");
        let [it, start2] = a.bind("sum", ["iterable", "start"], 1)?;
        let start = start.or(start2).unwrap_or(Value::Int(0));
        if let Value::Str(_) = start {
            return Err(Exc::type_error("sum() can't sum strings [use ''.join(seq) instead]"));
        }
        let mut st = make_iter(interp, &arg(it))?;
        let mut acc = start;
        while let Some(x) = iter::next(interp, &mut st)? {
            acc = match (&acc, &x) {
                (Value::Int(p), Value::Int(q)) => match p.checked_add(*q) {
                    Some(r) => Value::Int(r),
                    None => operators::binary_op(interp, &acc, BinOp::Add, &x)?,
                },
                (Value::Float(p), Value::Float(q)) => Value::Float(p + q),
                _ => operators::binary_op(interp, &acc, BinOp::Add, &x)?,
            };
        }
        Ok(acc)
    });
    reg(interp, "abs", |interp, a| {
        let [x] = a.bind("abs", ["x"], 1)?;
        let x = arg(x);
        match &x {
            Value::Int(i) => Ok(match i.checked_abs() {
                Some(a) => Value::Int(a),
                None => int::from_big(num_bigint::BigInt::from(*i).abs()),
            }),
            Value::BigInt(b) => Ok(int::from_big(b.abs())),
            Value::Bool(b) => Ok(Value::Int(*b as i64)),
            Value::Float(f) => Ok(Value::Float(f.abs())),
            Value::Object(_) | Value::Instance(_) => {
                let m = interp
                    .get_attr(&x, "__abs__")
                    .map_err(|_| Exc::type_error(format!("bad operand type for abs(): '{}'", x.type_name())))?;
                interp.call(&m, Args::default())
            }
            other => Err(Exc::type_error(format!("bad operand type for abs(): '{}'", other.type_name()))),
        }
    });
    reg(interp, "round", |interp, a| {
        let [x, nd] = a.bind("round", ["number", "ndigits"], 1)?;
        let x = arg(x);
        let nd = match nd {
            None | Some(Value::None) => None,
            Some(n) => Some(int_arg(interp, &n)?),
        };
        match (&x, nd) {
            (Value::Int(_) | Value::BigInt(_), None) => Ok(x.clone()),
            (Value::Bool(b), None) => Ok(Value::Int(*b as i64)),
            (Value::Int(_) | Value::BigInt(_), Some(n)) => {
                if n >= 0 {
                    return Ok(x.clone());
                }
                int::round_neg(&int::as_big(&x).unwrap_or_default(), n.unsigned_abs())
            }
            (Value::Float(f), None) => int::from_f64_trunc(round_half_even(*f)),
            (Value::Float(f), Some(n)) => Ok(Value::Float(round_float(*f, n))),
            (Value::Bool(b), Some(_)) => Ok(Value::Int(*b as i64)),
            _ => {
                let m = interp
                    .get_attr(&x, "__round__")
                    .map_err(|_| Exc::type_error(format!("type {} doesn't define __round__ method", x.type_name())))?;
                let args = match nd {
                    Some(n) => vec![Value::Int(n)],
                    None => vec![],
                };
                interp.call(&m, Args::new(args))
            }
        }
    });
    reg(interp, "divmod", |interp, a| {
        let [x, y] = a.bind("divmod", ["a", "b"], 2)?;
        let (x, y) = (arg(x), arg(y));
        match (&x, &y) {
            (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), Value::Int(_) | Value::Bool(_) | Value::BigInt(_)) => {
                let (p, q) = (int::as_big(&x).unwrap_or_default(), int::as_big(&y).unwrap_or_default());
                let (q, r) = int::divmod(&p, &q)?;
                Ok(Value::tuple(vec![q, r]))
            }
            (
                Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::BigInt(_),
                Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::BigInt(_),
            ) => {
                let xf = super::types::to_float(interp, &x)?;
                let yf = super::types::to_float(interp, &y)?;
                if yf == 0.0 {
                    return Err(Exc::new("ZeroDivisionError", "float divmod()"));
                }
                let (q, r) = operators::float_divmod(xf, yf);
                Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]))
            }
            _ => {
                let q = operators::binary_op(interp, &x, BinOp::FloorDiv, &y)?;
                let r = operators::binary_op(interp, &x, BinOp::Mod, &y)?;
                Ok(Value::tuple(vec![q, r]))
            }
        }
    });
    reg(interp, "pow", |interp, a| {
        let [b, e, m] = a.bind("pow", ["base", "exp", "mod"], 2)?;
        let (b, e) = (arg(b), arg(e));
        match m {
            None | Some(Value::None) => operators::binary_op(interp, &b, BinOp::Pow, &e),
            Some(m) => match (&b, &e, &m) {
                (b, e, m) if int::is_int(b) && int::is_int(e) && int::is_int(m) => {
                    let big = |v: &Value| int::as_big(v).unwrap_or_default();
                    int::pow_mod(&big(b), &big(e), &big(m))
                }
                _ => Err(Exc::type_error("pow() 3rd argument not allowed unless all arguments are integers")),
            },
        }
    });
    reg(interp, "chr", |interp, a| {
        let [x] = a.bind("chr", ["i"], 1)?;
        let i = int_arg(interp, &arg(x))?;
        if !(0..0x110000).contains(&i) {
            return Err(Exc::value_error("chr() arg not in range(0x110000)"));
        }
        match char::from_u32(i as u32) {
            Some(c) => Ok(Value::Str(c.to_string().into())),
            None => Err(Exc::not_implemented("surrogate code points are not supported")),
        }
    });
    reg(interp, "ord", |_, a| {
        let [x] = a.bind("ord", ["c"], 1)?;
        match arg(x) {
            Value::Str(s) => {
                let mut it = s.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Ok(Value::Int(c as i64)),
                    _ => Err(Exc::type_error(format!(
                        "ord() expected a character, but string of length {} found",
                        s.chars().count()
                    ))),
                }
            }
            other => Err(Exc::type_error(format!("ord() expected string of length 1, but {} found", other.type_name()))),
        }
    });
    for (name, radix) in [("bin", 2u32), ("oct", 8), ("hex", 16)] {
        reg(interp, name, move |interp, a| {
            let [x] = a.bind(name, ["number"], 1)?;
            let x = arg(x);
            let i = match &x {
                Value::BigInt(b) => (**b).clone(),
                _ => num_bigint::BigInt::from(int_arg(interp, &x)?),
            };
            let d = int::radix_digits(&i, radix, false);
            let p = match radix {
                2 => "0b",
                8 => "0o",
                _ => "0x",
            };
            Ok(Value::Str(format!("{}{p}{d}", if int::is_negative(&i) { "-" } else { "" }).into()))
        });
    }
    reg(interp, "isinstance", |interp, a| {
        let [x, c] = a.bind("isinstance", ["obj", "class_or_tuple"], 2)?;
        Ok(Value::Bool(isinstance_any(interp, &arg(x), &arg(c))?))
    });
    reg(interp, "issubclass", |_, a| {
        let [x, c] = a.bind("issubclass", ["cls", "class_or_tuple"], 2)?;
        Ok(Value::Bool(issubclass_any(&arg(x), &arg(c))?))
    });
    reg(interp, "callable", |_, a| {
        let [x] = a.bind("callable", ["obj"], 1)?;
        Ok(Value::Bool(is_callable(&arg(x))))
    });
    reg(interp, "id", |_, a| {
        let [x] = a.bind("id", ["obj"], 1)?;
        Ok(Value::Int(arg(x).id() as i64 & i64::MAX))
    });
    reg(interp, "hash", |interp, a| {
        let [x] = a.bind("hash", ["obj"], 1)?;
        let k = interp.hash_key(&arg(x))?;
        Ok(Value::Int(hash::hash_of_key(&k)))
    });
    reg(interp, "getattr", |interp, a| {
        let [o, n, d] = a.bind("getattr", ["object", "name", "default"], 2)?;
        let Some(Value::Str(n)) = n else {
            return Err(Exc::type_error("attribute name must be string"));
        };
        match interp.get_attr(&arg(o), &n) {
            Ok(v) => Ok(v),
            Err(e) if e.is("AttributeError") && d.is_some() => Ok(arg(d)),
            Err(e) => Err(e),
        }
    });
    reg(interp, "hasattr", |interp, a| {
        let [o, n] = a.bind("hasattr", ["obj", "name"], 2)?;
        let Some(Value::Str(n)) = n else {
            return Err(Exc::type_error("attribute name must be string"));
        };
        match interp.get_attr(&arg(o), &n) {
            Ok(_) => Ok(Value::Bool(true)),
            Err(e) if e.is("AttributeError") => Ok(Value::Bool(false)),
            Err(e) => Err(e),
        }
    });
    reg(interp, "setattr", |interp, a| {
        let [o, n, v] = a.bind("setattr", ["obj", "name", "value"], 3)?;
        let Some(Value::Str(n)) = n else {
            return Err(Exc::type_error("attribute name must be string"));
        };
        interp.set_attr(&arg(o), &n, arg(v))?;
        Ok(Value::None)
    });
    reg(interp, "delattr", |interp, a| {
        let [o, n] = a.bind("delattr", ["obj", "name"], 2)?;
        let Some(Value::Str(n)) = n else {
            return Err(Exc::type_error("attribute name must be string"));
        };
        crate::interp::class::del_attr(interp, &arg(o), &n)?;
        Ok(Value::None)
    });
    reg(interp, "vars", |interp, a| {
        let [o] = a.bind("vars", ["object"], 0)?;
        match o {
            None => Err(Exc::not_implemented("vars() without an argument is not supported")),
            Some(o) => interp.get_attr(&o, "__dict__").map_err(|_| Exc::type_error("vars() argument must have __dict__ attribute")),
        }
    });
    reg(interp, "iter", |interp, a| {
        let [x, sentinel] = a.bind("iter", ["object", "sentinel"], 1)?;
        if sentinel.is_some() {
            return Err(Exc::not_implemented("iter(callable, sentinel) is not supported"));
        }
        iter_value(interp, &arg(x))
    });
    reg(interp, "next", |interp, a| {
        let [it, d] = a.bind("next", ["iterator", "default"], 1)?;
        match next_value(interp, &arg(it))? {
            Some(v) => Ok(v),
            None => match d {
                Some(d) => Ok(d),
                None => Err(stop_iteration()),
            },
        }
    });
    reg(interp, "all", |interp, a| {
        let [x] = a.bind("all", ["iterable"], 1)?;
        let mut st = make_iter(interp, &arg(x))?;
        while let Some(v) = iter::next(interp, &mut st)? {
            if !interp.truthy(&v)? {
                return Ok(Value::Bool(false));
            }
        }
        Ok(Value::Bool(true))
    });
    reg(interp, "any", |interp, a| {
        let [x] = a.bind("any", ["iterable"], 1)?;
        let mut st = make_iter(interp, &arg(x))?;
        while let Some(v) = iter::next(interp, &mut st)? {
            if interp.truthy(&v)? {
                return Ok(Value::Bool(true));
            }
        }
        Ok(Value::Bool(false))
    });
    reg(interp, "super", |_, a| {
        let [t, o] = a.bind("super", ["type", "object_or_type"], 0)?;
        match (t, o) {
            (Some(Value::Class(c)), Some(o)) => Ok(make_super(c, o)),
            (None, None) => Err(Exc::runtime_error("super(): no arguments")),
            _ => Err(Exc::type_error("super() argument 1 must be a type")),
        }
    });
    reg(interp, "property", |_, a| {
        let [g, s, d, doc] = a.bind("property", ["fget", "fset", "fdel", "doc"], 0)?;
        Ok(Value::object(Property { fget: arg(g), fset: arg(s), fdel: arg(d), doc: arg(doc) }))
    });
    reg(interp, "staticmethod", |_, a| {
        let [f] = a.bind("staticmethod", ["function"], 1)?;
        Ok(Value::object(StaticMethod(arg(f))))
    });
    reg(interp, "classmethod", |_, a| {
        let [f] = a.bind("classmethod", ["function"], 1)?;
        Ok(Value::object(ClassMethod(arg(f))))
    });
    reg(interp, "slice", |_, a| {
        let v = a.pos;
        let s = match v.len() {
            1 => [Value::None, v[0].clone(), Value::None],
            2 => [v[0].clone(), v[1].clone(), Value::None],
            3 => [v[0].clone(), v[1].clone(), v[2].clone()],
            n => return Err(Exc::type_error(format!("slice expected at most 3 arguments, got {n}"))),
        };
        Ok(Value::Slice(Rc::new(s)))
    });
    for name in ["open", "input", "exec", "eval", "compile", "globals", "locals", "__import__", "breakpoint", "exit", "quit", "dir", "memoryview", "bytearray", "bytes", "frozenset", "complex", "aiter", "anext", "help"] {
        not_supported(interp, name);
    }
}
