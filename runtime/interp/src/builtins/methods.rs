//! Methods of the core types: str, list, tuple, dict, set, int, float.

use super::functions::{int_arg, sort_values};
use super::objects::DictView;
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::{int, operators, pyformat, Interp};
use crate::value::{BinOp, Builtin, CmpOp, Dict, UnaryOp, Value};
use std::cell::RefCell;
use std::rc::Rc;

const STR_METHODS: &[&str] = &[
    "join", "split", "rsplit", "strip", "lstrip", "rstrip", "replace", "startswith", "endswith", "upper", "lower", "find",
    "rfind", "index", "rindex", "count", "format", "format_map", "isdigit", "isalpha", "isalnum", "isspace", "isupper",
    "islower", "isnumeric", "isdecimal", "isidentifier", "istitle", "isprintable", "isascii", "zfill", "ljust", "rjust",
    "center", "title", "capitalize", "swapcase", "casefold", "splitlines", "partition", "rpartition", "removeprefix",
    "removesuffix", "expandtabs", "encode",
];
const LIST_METHODS: &[&str] = &["append", "extend", "insert", "pop", "remove", "index", "count", "sort", "reverse", "copy", "clear"];
const TUPLE_METHODS: &[&str] = &["index", "count"];
const DICT_METHODS: &[&str] = &["get", "items", "keys", "values", "pop", "popitem", "setdefault", "update", "copy", "clear", "fromkeys"];
const SET_METHODS: &[&str] = &[
    "add", "remove", "discard", "pop", "clear", "copy", "union", "intersection", "difference", "symmetric_difference",
    "issubset", "issuperset", "isdisjoint", "update", "intersection_update", "difference_update", "symmetric_difference_update",
];
const INT_METHODS: &[&str] = &["bit_length", "bit_count", "conjugate", "as_integer_ratio", "is_integer"];
const FLOAT_METHODS: &[&str] = &["is_integer", "conjugate", "as_integer_ratio", "hex"];
const DUNDERS: &[&str] = &[
    "__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__", "__radd__", "__rsub__", "__rmul__",
    "__rtruediv__", "__rfloordiv__", "__rmod__", "__rpow__", "__and__", "__or__", "__xor__", "__lshift__", "__rshift__",
    "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__len__", "__getitem__", "__setitem__", "__delitem__",
    "__contains__", "__iter__", "__repr__", "__str__", "__hash__", "__format__", "__bool__", "__int__", "__float__",
    "__index__", "__neg__", "__pos__", "__abs__", "__invert__",
];

/// Values whose methods this module implements.
pub fn is_core(v: &Value) -> bool {
    matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) | Value::Int(_) | Value::BigInt(_) | Value::Float(_) | Value::Bool(_))
}

fn type_methods(tname: &str) -> &'static [&'static str] {
    match tname {
        "str" => STR_METHODS,
        "list" => LIST_METHODS,
        "tuple" => TUPLE_METHODS,
        "dict" => DICT_METHODS,
        "set" => SET_METHODS,
        "int" | "bool" => INT_METHODS,
        "float" => FLOAT_METHODS,
        _ => &[],
    }
}

fn has_method(v: &Value, name: &str) -> bool {
    is_core(v) && (type_methods(&v.type_name()).contains(&name) || DUNDERS.contains(&name))
}

/// Attribute access on core values (data attributes and bound methods).
pub fn get_attr(_interp: &mut Interp, v: &Value, name: &str) -> PyResult<Option<Value>> {
    match (v, name) {
        (Value::Int(_) | Value::BigInt(_), "real" | "numerator") => return Ok(Some(v.clone())),
        (Value::Bool(b), "real" | "numerator") => return Ok(Some(Value::Int(*b as i64))),
        (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), "imag") => return Ok(Some(Value::Int(0))),
        (Value::Int(_) | Value::Bool(_) | Value::BigInt(_), "denominator") => return Ok(Some(Value::Int(1))),
        (Value::Float(f), "real") => return Ok(Some(Value::Float(*f))),
        (Value::Float(_), "imag") => return Ok(Some(Value::Float(0.0))),
        (Value::Slice(s), "start") => return Ok(Some(s[0].clone())),
        (Value::Slice(s), "stop") => return Ok(Some(s[1].clone())),
        (Value::Slice(s), "step") => return Ok(Some(s[2].clone())),
        _ => {}
    }
    if has_method(v, name) {
        let recv = v.clone();
        let mname: crate::value::Str = name.into();
        return Ok(Some(Builtin::value(name, move |interp, a| call_method(interp, &recv, &mname, a))));
    }
    Ok(None)
}

/// `str.upper` etc. read from the type object: call with the receiver first.
pub fn unbound_method(_interp: &mut Interp, tname: &str, name: &str) -> Option<Value> {
    if tname == "dict" && name == "fromkeys" {
        return Some(Builtin::value("fromkeys", |interp, a| {
            let [it, v] = a.bind("fromkeys", ["iterable", "value"], 1)?;
            let v = v.unwrap_or(Value::None);
            let mut d = Dict::default();
            for k in interp.iterate(&it.unwrap_or(Value::None))? {
                operators::dict_set(interp, &mut d, k, v.clone())?;
            }
            Ok(Value::Dict(Rc::new(RefCell::new(d))))
        }));
    }
    if !type_methods(tname).contains(&name) && !DUNDERS.contains(&name) {
        return None;
    }
    let mname: crate::value::Str = name.into();
    let tn = tname.to_string();
    Some(Builtin::value(name, move |interp, mut a| {
        if a.pos.is_empty() {
            return Err(Exc::type_error(format!("unbound method {tn}.{mname}() needs an argument")));
        }
        let recv = a.pos.remove(0);
        call_method(interp, &recv, &mname, a)
    }))
}

fn no_method(v: &Value, name: &str) -> Exc {
    Exc::attribute_error(format!("'{}' object has no attribute '{name}'", v.type_name()))
}

fn str_arg(v: Option<Value>, fname: &str, what: &str) -> PyResult<crate::value::Str> {
    match v {
        Some(Value::Str(s)) => Ok(s),
        Some(o) => Err(Exc::type_error(format!("{fname}() argument {what} must be str, not {}", o.type_name()))),
        None => Err(Exc::type_error(format!("{fname}() missing required argument"))),
    }
}

/// Call method `name` of a core value.
pub fn call_method(interp: &mut Interp, recv: &Value, name: &str, a: Args) -> PyResult<Value> {
    if name.starts_with("__") {
        if let Some(v) = call_dunder(interp, recv, name, &a)? {
            return Ok(v);
        }
    }
    match recv {
        Value::Str(s) => str_method(interp, s, name, a),
        Value::List(l) => list_method(interp, recv, l, name, a),
        Value::Tuple(t) => match name {
            "index" => seq_index(interp, t, a, "tuple"),
            "count" => seq_count(interp, t, a),
            _ => fallback(interp, recv, name, a),
        },
        Value::Dict(d) => dict_method(interp, recv, d, name, a),
        Value::Set(d) => set_method(interp, recv, d, name, a),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_) => num_method(interp, recv, name, a),
        _ => fallback(interp, recv, name, a),
    }
}

fn fallback(interp: &mut Interp, recv: &Value, name: &str, a: Args) -> PyResult<Value> {
    if name == "__class__" {
        let c = interp.type_of(recv);
        return interp.call(&Value::Class(c), a);
    }
    Err(no_method(recv, name))
}

fn call_dunder(interp: &mut Interp, recv: &Value, name: &str, a: &Args) -> PyResult<Option<Value>> {
    let other = a.pos.first().cloned().unwrap_or(Value::None);
    let bin = |op: BinOp| Some(op);
    let op = match name {
        "__add__" | "__radd__" => bin(BinOp::Add),
        "__sub__" | "__rsub__" => bin(BinOp::Sub),
        "__mul__" | "__rmul__" => bin(BinOp::Mul),
        "__truediv__" | "__rtruediv__" => bin(BinOp::TrueDiv),
        "__floordiv__" | "__rfloordiv__" => bin(BinOp::FloorDiv),
        "__mod__" | "__rmod__" => bin(BinOp::Mod),
        "__pow__" | "__rpow__" => bin(BinOp::Pow),
        "__and__" => bin(BinOp::And),
        "__or__" => bin(BinOp::Or),
        "__xor__" => bin(BinOp::Xor),
        "__lshift__" => bin(BinOp::LShift),
        "__rshift__" => bin(BinOp::RShift),
        _ => None,
    };
    if let Some(op) = op {
        let r = if name.starts_with("__r") && name != "__rshift__" {
            operators::binary_op(interp, &other, op, recv)
        } else {
            operators::binary_op(interp, recv, op, &other)
        };
        return match r {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is("TypeError") => Ok(Some(super::objects::not_implemented())),
            Err(e) => Err(e),
        };
    }
    let cmp = match name {
        "__eq__" => Some(CmpOp::Eq),
        "__ne__" => Some(CmpOp::Ne),
        "__lt__" => Some(CmpOp::Lt),
        "__le__" => Some(CmpOp::Le),
        "__gt__" => Some(CmpOp::Gt),
        "__ge__" => Some(CmpOp::Ge),
        _ => None,
    };
    if let Some(op) = cmp {
        return match operators::compare(interp, recv, op, &other) {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is("TypeError") => Ok(Some(super::objects::not_implemented())),
            Err(e) => Err(e),
        };
    }
    Ok(Some(match name {
        "__len__" => Value::Int(operators::len(interp, recv)? as i64),
        "__getitem__" => operators::get_item(interp, recv, &other)?,
        "__setitem__" => {
            let v = a.pos.get(1).cloned().unwrap_or(Value::None);
            operators::set_item(interp, recv, &other, v)?;
            Value::None
        }
        "__delitem__" => {
            operators::del_item(interp, recv, &other)?;
            Value::None
        }
        "__contains__" => Value::Bool(operators::contains(interp, recv, &other)?),
        "__iter__" => super::functions::iter_value(interp, recv)?,
        "__repr__" => Value::Str(interp.repr(recv)?.into()),
        "__str__" => Value::Str(interp.str(recv)?.into()),
        "__hash__" => {
            let k = interp.hash_key(recv)?;
            Value::Int(super::hash::hash_of_key(&k))
        }
        "__format__" => {
            let spec = match &other {
                Value::Str(s) => s.clone(),
                _ => "".into(),
            };
            Value::Str(interp.format_value(recv, &spec)?.into())
        }
        "__bool__" => Value::Bool(interp.truthy(recv)?),
        "__int__" | "__index__" => super::types::to_int(interp, recv)?,
        "__float__" => Value::Float(super::types::to_float(interp, recv)?),
        "__neg__" => operators::unary_op(interp, recv, UnaryOp::Neg)?,
        "__pos__" => operators::unary_op(interp, recv, UnaryOp::Pos)?,
        "__invert__" => operators::unary_op(interp, recv, UnaryOp::Invert)?,
        "__abs__" => {
            let f = interp.builtins.get("abs").cloned().unwrap_or(Value::None);
            interp.call(&f, Args::new(vec![recv.clone()]))?
        }
        _ => return Ok(None),
    }))
}

// ------------------------------------------------------------------- str

/// Byte range of the char-index window [start, end) (slice semantics).
fn char_window(s: &str, start: Option<i64>, end: Option<i64>) -> (usize, usize, usize) {
    let n = s.chars().count() as i64;
    let fix = |x: Option<i64>, d: i64| -> i64 {
        match x {
            None => d,
            Some(i) if i < 0 => (i + n).max(0),
            Some(i) => i.min(n),
        }
    };
    let (a, b) = (fix(start, 0), fix(end, n));
    let to_byte = |ci: i64| -> usize { s.char_indices().nth(ci as usize).map(|(b, _)| b).unwrap_or(s.len()) };
    if s.is_ascii() {
        return (a as usize, (b.max(a)) as usize, a as usize);
    }
    let ba = to_byte(a);
    let bb = if b <= a { ba } else { to_byte(b) };
    (ba, bb, a as usize)
}

fn byte_to_char(s: &str, b: usize) -> i64 {
    if s.is_ascii() {
        b as i64
    } else {
        s[..b].chars().count() as i64
    }
}

fn opt_int(interp: &mut Interp, v: Option<Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => Ok(Some(int_arg(interp, &v)?)),
    }
}

fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn split_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    let mut out = vec![];
    let mut rest = s.trim_start_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as i64 >= maxsplit {
            out.push(Value::str(rest));
            return out;
        }
        let end = rest.find(is_py_space).unwrap_or(rest.len());
        out.push(Value::str(&rest[..end]));
        rest = rest[end..].trim_start_matches(is_py_space);
    }
    out
}

fn rsplit_whitespace(s: &str, maxsplit: i64) -> Vec<Value> {
    let mut out = vec![];
    let mut rest = s.trim_end_matches(is_py_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as i64 >= maxsplit {
            out.push(Value::str(rest));
            break;
        }
        let start = rest.rfind(is_py_space).map(|i| i + rest[i..].chars().next().map(|c| c.len_utf8()).unwrap_or(1)).unwrap_or(0);
        out.push(Value::str(&rest[start..]));
        rest = rest[..start].trim_end_matches(is_py_space);
    }
    out.reverse();
    out
}

fn strip_chars(s: &str, chars: Option<Value>, left: bool, right: bool, fname: &str) -> PyResult<Value> {
    let set: Option<Vec<char>> = match chars {
        None | Some(Value::None) => None,
        Some(Value::Str(c)) => Some(c.chars().collect()),
        Some(o) => return Err(Exc::type_error(format!("{fname} arg must be None or str, not {}", o.type_name()))),
    };
    let pred = |c: char| match &set {
        None => is_py_space(c),
        Some(v) => v.contains(&c),
    };
    let mut r = s;
    if left {
        r = r.trim_start_matches(pred);
    }
    if right {
        r = r.trim_end_matches(pred);
    }
    Ok(Value::str(r))
}

fn prefix_match(interp: &mut Interp, s: &str, p: Value, start: Option<Value>, end: Option<Value>, ends: bool, fname: &str) -> PyResult<Value> {
    let st = opt_int(interp, start)?;
    let en = opt_int(interp, end)?;
    let (a, b, _) = char_window(s, st, en);
    let n = s.chars().count() as i64;
    if st.is_some_and(|x| x > n) {
        return Ok(Value::Bool(false));
    }
    let window = &s[a..b.max(a)];
    let cands: Vec<Value> = match p {
        Value::Tuple(t) => t.as_ref().clone(),
        other => vec![other],
    };
    for c in cands {
        match c {
            Value::Str(c) => {
                let hit = if ends { window.ends_with(&*c) } else { window.starts_with(&*c) };
                if hit {
                    return Ok(Value::Bool(true));
                }
            }
            o => {
                return Err(Exc::type_error(format!(
                    "{fname} first arg must be str or a tuple of str, not {}",
                    o.type_name()
                )))
            }
        }
    }
    Ok(Value::Bool(false))
}

fn pad_str(s: &str, width: i64, fill: char, mode: char) -> String {
    let n = s.chars().count() as i64;
    if width <= n {
        return s.to_string();
    }
    let marg = (width - n) as usize;
    let f = |k: usize| std::iter::repeat(fill).take(k).collect::<String>();
    match mode {
        '<' => format!("{s}{}", f(marg)),
        '>' => format!("{}{s}", f(marg)),
        _ => {
            let left = marg / 2 + (marg & (width as usize) & 1);
            format!("{}{s}{}", f(left), f(marg - left))
        }
    }
}

fn fill_arg(v: Option<Value>, fname: &str) -> PyResult<char> {
    match v {
        None => Ok(' '),
        Some(Value::Str(s)) if s.chars().count() == 1 => Ok(s.chars().next().unwrap_or(' ')),
        Some(_) => Err(Exc::type_error(format!("{fname}() argument 2 must be str of length 1"))),
    }
}

fn str_method(interp: &mut Interp, s: &crate::value::Str, name: &str, a: Args) -> PyResult<Value> {
    let sv = Value::Str(s.clone());
    Ok(match name {
        "join" => {
            let [it] = a.bind("join", ["iterable"], 1)?;
            let items = interp.iterate(&it.unwrap_or(Value::None))?;
            let mut out = String::new();
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(s);
                }
                match x {
                    Value::Str(t) => out.push_str(t),
                    o => {
                        return Err(Exc::type_error(format!(
                            "sequence item {i}: expected str instance, {} found",
                            o.type_name()
                        )))
                    }
                }
            }
            Value::Str(out.into())
        }
        "split" | "rsplit" => {
            let [sep, maxsplit] = a.bind(name, ["sep", "maxsplit"], 0)?;
            let maxsplit = opt_int(interp, maxsplit)?.unwrap_or(-1);
            match sep {
                None | Some(Value::None) => {
                    Value::list(if name == "split" { split_whitespace(s, maxsplit) } else { rsplit_whitespace(s, maxsplit) })
                }
                Some(Value::Str(sep)) => {
                    if sep.is_empty() {
                        return Err(Exc::value_error("empty separator"));
                    }
                    let parts: Vec<Value> = if maxsplit < 0 {
                        s.split(&*sep).map(Value::str).collect()
                    } else if name == "split" {
                        s.splitn(maxsplit as usize + 1, &*sep).map(Value::str).collect()
                    } else {
                        let mut v: Vec<Value> = s.rsplitn(maxsplit as usize + 1, &*sep).map(Value::str).collect();
                        v.reverse();
                        v
                    };
                    Value::list(parts)
                }
                Some(o) => return Err(Exc::type_error(format!("must be str or None, not {}", o.type_name()))),
            }
        }
        "strip" | "lstrip" | "rstrip" => {
            let [chars] = a.bind(name, ["chars"], 0)?;
            strip_chars(s, chars, name != "rstrip", name != "lstrip", name)?
        }
        "replace" => {
            let [old, new, count] = a.bind("replace", ["old", "new", "count"], 2)?;
            let old = str_arg(old, "replace", "1")?;
            let new = str_arg(new, "replace", "2")?;
            let count = opt_int(interp, count)?.unwrap_or(-1);
            if count < 0 {
                Value::Str(s.replace(&*old, &new).into())
            } else {
                Value::Str(s.replacen(&*old, &new, count as usize).into())
            }
        }
        "startswith" | "endswith" => {
            let [p, st, en] = a.bind(name, ["prefix", "start", "end"], 1)?;
            prefix_match(interp, s, p.unwrap_or(Value::None), st, en, name == "endswith", name)?
        }
        "upper" => Value::Str(s.to_uppercase().into()),
        "lower" => Value::Str(s.to_lowercase().into()),
        "casefold" => Value::Str(s.to_lowercase().into()),
        "swapcase" => Value::Str(
            s.chars()
                .flat_map(|c| if c.is_uppercase() { c.to_lowercase().collect::<Vec<_>>() } else { c.to_uppercase().collect() })
                .collect::<String>()
                .into(),
        ),
        "find" | "rfind" | "index" | "rindex" => {
            let [sub, st, en] = a.bind(name, ["sub", "start", "end"], 1)?;
            let sub = str_arg(sub, name, "1")?;
            let st = opt_int(interp, st)?;
            let en = opt_int(interp, en)?;
            let n = s.chars().count() as i64;
            let (ba, bb, _) = char_window(s, st, en);
            let found = if st.is_some_and(|x| x > n) {
                None
            } else {
                let w = &s[ba..bb.max(ba)];
                let r = if name.starts_with('r') { w.rfind(&*sub) } else { w.find(&*sub) };
                r.map(|p| byte_to_char(s, ba + p))
            };
            match found {
                Some(i) => Value::Int(i),
                None if name.ends_with("index") => return Err(Exc::value_error("substring not found")),
                None => Value::Int(-1),
            }
        }
        "count" => {
            let [sub, st, en] = a.bind("count", ["sub", "start", "end"], 1)?;
            let sub = str_arg(sub, "count", "1")?;
            let st = opt_int(interp, st)?;
            let en = opt_int(interp, en)?;
            let (ba, bb, _) = char_window(s, st, en);
            let w = &s[ba..bb.max(ba)];
            if sub.is_empty() {
                Value::Int(w.chars().count() as i64 + 1)
            } else {
                Value::Int(w.matches(&*sub).count() as i64)
            }
        }
        "format" => Value::Str(pyformat::str_format(interp, s, &a)?.into()),
        "format_map" => {
            let [m] = a.bind("format_map", ["mapping"], 1)?;
            let items = interp.mapping_items(&m.unwrap_or(Value::None))?;
            let mut kw = vec![];
            for (k, v) in items {
                if let Value::Str(k) = k {
                    kw.push((k, v));
                }
            }
            Value::Str(pyformat::str_format(interp, s, &Args::with_kw(vec![], kw))?.into())
        }
        "isdigit" | "isdecimal" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || (c.is_numeric() && name == "isdigit" && !c.is_alphabetic()))),
        "isnumeric" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric())),
        "isalpha" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphabetic())),
        "isalnum" => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_alphanumeric())),
        "isspace" => Value::Bool(!s.is_empty() && s.chars().all(is_py_space)),
        "isascii" => Value::Bool(s.is_ascii()),
        "isupper" => Value::Bool(s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase())),
        "islower" => Value::Bool(s.chars().any(|c| c.is_lowercase()) && !s.chars().any(|c| c.is_uppercase())),
        "isidentifier" => {
            let mut cs = s.chars();
            Value::Bool(match cs.next() {
                Some(c) if c.is_alphabetic() || c == '_' => cs.all(|c| c.is_alphanumeric() || c == '_'),
                _ => false,
            })
        }
        "isprintable" => Value::Bool(pyformat::str_repr(s).chars().count() == s.chars().count() + 2 || s.is_empty()),
        "istitle" => {
            let t = title(s);
            Value::Bool(t == **s && s.chars().any(|c| c.is_alphabetic()))
        }
        "zfill" => {
            let [w] = a.bind("zfill", ["width"], 1)?;
            let w = int_arg(interp, &w.unwrap_or(Value::Int(0)))?;
            let n = s.chars().count() as i64;
            if w <= n {
                sv
            } else {
                let zeros = "0".repeat((w - n) as usize);
                let out = match s.chars().next() {
                    Some(c @ ('+' | '-')) => format!("{c}{zeros}{}", &s[1..]),
                    _ => format!("{zeros}{s}"),
                };
                Value::Str(out.into())
            }
        }
        "ljust" | "rjust" | "center" => {
            let [w, f] = a.bind(name, ["width", "fillchar"], 1)?;
            let w = int_arg(interp, &w.unwrap_or(Value::Int(0)))?;
            let f = fill_arg(f, name)?;
            let mode = match name {
                "ljust" => '<',
                "rjust" => '>',
                _ => '^',
            };
            Value::Str(pad_str(s, w, f, mode).into())
        }
        "title" => Value::Str(title(s).into()),
        "capitalize" => {
            let mut cs = s.chars();
            let out: String = match cs.next() {
                Some(c) => c.to_uppercase().chain(cs.flat_map(|c| c.to_lowercase())).collect(),
                None => String::new(),
            };
            Value::Str(out.into())
        }
        "splitlines" => {
            let [keep] = a.bind("splitlines", ["keepends"], 0)?;
            let keep = match keep {
                Some(k) => interp.truthy(&k)?,
                None => false,
            };
            let mut out = vec![];
            let mut cur = String::new();
            let mut cs = s.chars().peekable();
            while let Some(c) = cs.next() {
                let is_break = matches!(c, '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}');
                if is_break {
                    let mut end = c.to_string();
                    if c == '\r' && cs.peek() == Some(&'\n') {
                        cs.next();
                        end.push('\n');
                    }
                    if keep {
                        cur.push_str(&end);
                    }
                    out.push(Value::Str(std::mem::take(&mut cur).into()));
                } else {
                    cur.push(c);
                }
            }
            if !cur.is_empty() {
                out.push(Value::Str(cur.into()));
            }
            Value::list(out)
        }
        "partition" | "rpartition" => {
            let [sep] = a.bind(name, ["sep"], 1)?;
            let sep = str_arg(sep, name, "1")?;
            if sep.is_empty() {
                return Err(Exc::value_error("empty separator"));
            }
            let pos = if name == "partition" { s.find(&*sep) } else { s.rfind(&*sep) };
            match pos {
                Some(p) => Value::tuple(vec![Value::str(&s[..p]), Value::Str(sep.clone()), Value::str(&s[p + sep.len()..])]),
                None if name == "partition" => Value::tuple(vec![sv.clone(), Value::str(""), Value::str("")]),
                None => Value::tuple(vec![Value::str(""), Value::str(""), sv.clone()]),
            }
        }
        "removeprefix" => {
            let [p] = a.bind(name, ["prefix"], 1)?;
            let p = str_arg(p, name, "1")?;
            Value::str(s.strip_prefix(&*p).unwrap_or(s))
        }
        "removesuffix" => {
            let [p] = a.bind(name, ["suffix"], 1)?;
            let p = str_arg(p, name, "1")?;
            Value::str(s.strip_suffix(&*p).unwrap_or(s))
        }
        "expandtabs" => {
            let [t] = a.bind(name, ["tabsize"], 0)?;
            let t = opt_int(interp, t)?.unwrap_or(8).max(0) as usize;
            let mut out = String::new();
            let mut col = 0;
            for c in s.chars() {
                match c {
                    '\t' => {
                        if t > 0 {
                            let k = t - col % t;
                            out.push_str(&" ".repeat(k));
                            col += k;
                        }
                    }
                    '\n' | '\r' => {
                        out.push(c);
                        col = 0;
                    }
                    c => {
                        out.push(c);
                        col += 1;
                    }
                }
            }
            Value::Str(out.into())
        }
        "encode" => return Err(Exc::not_implemented("bytes (str.encode) are not supported")),
        _ => return fallback(interp, &sv, name, a),
    })
}

fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

// ------------------------------------------------------------------ list

fn seq_index(interp: &mut Interp, items: &[Value], a: Args, tname: &str) -> PyResult<Value> {
    let [x, st, en] = a.bind("index", ["value", "start", "stop"], 1)?;
    let x = x.unwrap_or(Value::None);
    let n = items.len() as i64;
    let fix = |v: Option<i64>, d: i64| match v {
        None => d,
        Some(i) if i < 0 => (i + n).max(0),
        Some(i) => i.min(n),
    };
    let st = fix(opt_int(interp, st)?, 0);
    let en = fix(opt_int(interp, en)?, n);
    for i in st..en {
        let it = &items[i as usize];
        if it.is(&x) || interp.eq(it, &x)? {
            return Ok(Value::Int(i));
        }
    }
    if tname == "list" {
        Err(Exc::value_error(format!("{} is not in list", interp.repr(&x)?)))
    } else {
        Err(Exc::value_error("tuple.index(x): x not in tuple"))
    }
}

fn seq_count(interp: &mut Interp, items: &[Value], a: Args) -> PyResult<Value> {
    let [x] = a.bind("count", ["value"], 1)?;
    let x = x.unwrap_or(Value::None);
    let mut c = 0;
    for it in items {
        if it.is(&x) || interp.eq(it, &x)? {
            c += 1;
        }
    }
    Ok(Value::Int(c))
}

fn list_method(interp: &mut Interp, recv: &Value, l: &Rc<RefCell<Vec<Value>>>, name: &str, mut a: Args) -> PyResult<Value> {
    Ok(match name {
        "append" => {
            let [x] = a.bind("append", ["object"], 1)?;
            let mut b = l.borrow_mut();
            if b.len() >= operators::MAX_SEQ {
                return Err(Exc::new("MemoryError", ""));
            }
            b.push(x.unwrap_or(Value::None));
            Value::None
        }
        "extend" => {
            let [x] = a.bind("extend", ["iterable"], 1)?;
            let items = interp.iterate(&x.unwrap_or(Value::None))?;
            let mut b = l.borrow_mut();
            if b.len() + items.len() > operators::MAX_SEQ {
                return Err(Exc::new("MemoryError", ""));
            }
            b.extend(items);
            Value::None
        }
        "insert" => {
            let [i, x] = a.bind("insert", ["index", "object"], 2)?;
            let i = int_arg(interp, &i.unwrap_or(Value::None))?;
            let mut b = l.borrow_mut();
            let n = b.len() as i64;
            let i = if i < 0 { (i + n).max(0) } else { i.min(n) };
            b.insert(i as usize, x.unwrap_or(Value::None));
            Value::None
        }
        "pop" => {
            let [i] = a.bind("pop", ["index"], 0)?;
            let i = opt_int(interp, i)?;
            let mut b = l.borrow_mut();
            if b.is_empty() {
                return Err(Exc::index_error("pop from empty list"));
            }
            let n = b.len() as i64;
            let i = i.unwrap_or(-1);
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(Exc::index_error("pop index out of range"));
            }
            b.remove(j as usize)
        }
        "remove" => {
            let [x] = a.bind("remove", ["value"], 1)?;
            let x = x.unwrap_or(Value::None);
            let items = l.borrow().clone();
            for (i, it) in items.iter().enumerate() {
                if it.is(&x) || interp.eq(it, &x)? {
                    let mut b = l.borrow_mut();
                    if i < b.len() {
                        b.remove(i);
                    }
                    return Ok(Value::None);
                }
            }
            return Err(Exc::value_error("list.remove(x): x not in list"));
        }
        "index" => {
            let items = l.borrow().clone();
            seq_index(interp, &items, a, "list")?
        }
        "count" => {
            let items = l.borrow().clone();
            seq_count(interp, &items, a)?
        }
        "sort" => {
            let key = a.take_kw("key").unwrap_or(Value::None);
            let reverse = match a.take_kw("reverse") {
                Some(r) => interp.truthy(&r)?,
                None => false,
            };
            let [] = a.bind("sort", [], 0)?;
            let items = std::mem::take(&mut *l.borrow_mut());
            let r = sort_values(interp, items.clone(), &key, reverse);
            let mut b = l.borrow_mut();
            let modified = !b.is_empty();
            match r {
                Ok(v) => {
                    *b = v;
                    if modified {
                        return Err(Exc::value_error("list modified during sort"));
                    }
                }
                Err(e) => {
                    *b = items;
                    return Err(e);
                }
            }
            Value::None
        }
        "reverse" => {
            l.borrow_mut().reverse();
            Value::None
        }
        "copy" => Value::list(l.borrow().clone()),
        "clear" => {
            l.borrow_mut().clear();
            Value::None
        }
        _ => return fallback(interp, recv, name, a),
    })
}

// ------------------------------------------------------------------ dict

fn dict_method(interp: &mut Interp, recv: &Value, d: &Rc<RefCell<Dict>>, name: &str, a: Args) -> PyResult<Value> {
    Ok(match name {
        "get" => {
            let [k, default] = a.bind("get", ["key", "default"], 1)?;
            operators::dict_get(interp, d, &k.unwrap_or(Value::None))?.unwrap_or(default.unwrap_or(Value::None))
        }
        "keys" => Value::object(DictView { d: d.clone(), kind: 0 }),
        "values" => Value::object(DictView { d: d.clone(), kind: 1 }),
        "items" => Value::object(DictView { d: d.clone(), kind: 2 }),
        "pop" => {
            let [k, default] = a.bind("pop", ["key", "default"], 1)?;
            let k = k.unwrap_or(Value::None);
            match operators::dict_del(interp, d, &k)? {
                Some(v) => v,
                None => match default {
                    Some(v) => v,
                    None => return Err(operators::key_error(k)),
                },
            }
        }
        "popitem" => {
            let r = d.borrow_mut().map.pop();
            match r {
                Some((_, (k, v))) => Value::tuple(vec![k, v]),
                None => return Err(operators::key_error(Value::str("popitem(): dictionary is empty"))),
            }
        }
        "setdefault" => {
            let [k, default] = a.bind("setdefault", ["key", "default"], 1)?;
            let k = k.unwrap_or(Value::None);
            match operators::dict_get(interp, d, &k)? {
                Some(v) => v,
                None => {
                    let v = default.unwrap_or(Value::None);
                    operators::dict_set_rc(interp, d, k, v.clone())?;
                    v
                }
            }
        }
        "update" => {
            if a.pos.len() > 1 {
                return Err(Exc::type_error(format!("update expected at most 1 argument, got {}", a.pos.len())));
            }
            let src = a.pos.into_iter().next();
            let new = super::types::dict_from(interp, src, a.kw)?;
            for (_, (k, v)) in new.map {
                operators::dict_set_rc(interp, d, k, v)?;
            }
            Value::None
        }
        "copy" => {
            let mut nd = Dict::default();
            for (h, (k, v)) in d.borrow().map.iter() {
                nd.insert(h.clone(), k.clone(), v.clone());
            }
            Value::Dict(Rc::new(RefCell::new(nd)))
        }
        "clear" => {
            d.borrow_mut().map.clear();
            Value::None
        }
        "fromkeys" => {
            let f = unbound_method(interp, "dict", "fromkeys").unwrap_or(Value::None);
            interp.call(&f, a)?
        }
        _ => return fallback(interp, recv, name, a),
    })
}

// ------------------------------------------------------------------- set

fn set_of(interp: &mut Interp, v: &Value) -> PyResult<Rc<RefCell<Dict>>> {
    if let Value::Set(s) = v {
        return Ok(s.clone());
    }
    let mut d = Dict::default();
    for x in interp.iterate(v)? {
        operators::dict_set(interp, &mut d, x, Value::None)?;
    }
    Ok(Rc::new(RefCell::new(d)))
}

fn set_method(interp: &mut Interp, recv: &Value, d: &Rc<RefCell<Dict>>, name: &str, a: Args) -> PyResult<Value> {
    let binop = match name {
        "union" | "update" => Some(BinOp::Or),
        "intersection" | "intersection_update" => Some(BinOp::And),
        "difference" | "difference_update" => Some(BinOp::Sub),
        "symmetric_difference" | "symmetric_difference_update" => Some(BinOp::Xor),
        _ => None,
    };
    if let Some(op) = binop {
        let mut acc = {
            let mut nd = Dict::default();
            for (h, (k, v)) in d.borrow().map.iter() {
                nd.insert(h.clone(), k.clone(), v.clone());
            }
            Value::Set(Rc::new(RefCell::new(nd)))
        };
        for other in &a.pos {
            let o = Value::Set(set_of(interp, other)?);
            acc = operators::binary_op(interp, &acc, op, &o)?;
        }
        if name.ends_with("update") {
            if let Value::Set(n) = acc {
                let new = std::mem::take(&mut *n.borrow_mut());
                *d.borrow_mut() = new;
            }
            return Ok(Value::None);
        }
        return Ok(acc);
    }
    Ok(match name {
        "add" => {
            let [x] = a.bind("add", ["elem"], 1)?;
            operators::dict_set_rc(interp, d, x.unwrap_or(Value::None), Value::None)?;
            Value::None
        }
        "remove" => {
            let [x] = a.bind("remove", ["elem"], 1)?;
            let x = x.unwrap_or(Value::None);
            if operators::dict_del(interp, d, &x)?.is_none() {
                return Err(operators::key_error(x));
            }
            Value::None
        }
        "discard" => {
            let [x] = a.bind("discard", ["elem"], 1)?;
            operators::dict_del(interp, d, &x.unwrap_or(Value::None))?;
            Value::None
        }
        "pop" => {
            let order = super::hash::set_order(interp, d);
            match order.into_iter().next() {
                Some(x) => {
                    operators::dict_del(interp, d, &x)?;
                    x
                }
                None => return Err(operators::key_error(Value::str("pop from an empty set"))),
            }
        }
        "clear" => {
            d.borrow_mut().map.clear();
            Value::None
        }
        "copy" => {
            let mut nd = Dict::default();
            for (h, (k, v)) in d.borrow().map.iter() {
                nd.insert(h.clone(), k.clone(), v.clone());
            }
            Value::Set(Rc::new(RefCell::new(nd)))
        }
        "issubset" | "issuperset" | "isdisjoint" => {
            let [o] = a.bind(name, ["other"], 1)?;
            let o = set_of(interp, &o.unwrap_or(Value::None))?;
            let x = d.borrow();
            let y = o.borrow();
            Value::Bool(match name {
                "issubset" => x.map.keys().all(|k| y.map.contains_key(k)),
                "issuperset" => y.map.keys().all(|k| x.map.contains_key(k)),
                _ => !x.map.keys().any(|k| y.map.contains_key(k)),
            })
        }
        _ => return fallback(interp, recv, name, a),
    })
}

// --------------------------------------------------------------- numbers

fn num_method(interp: &mut Interp, recv: &Value, name: &str, a: Args) -> PyResult<Value> {
    Ok(match (recv, name) {
        (Value::Int(i), "bit_length") => Value::Int(64 - i.unsigned_abs().leading_zeros() as i64),
        (Value::Bool(b), "bit_length") => Value::Int(*b as i64),
        (Value::Int(i), "bit_count") => Value::Int(i.unsigned_abs().count_ones() as i64),
        (Value::Int(i), "conjugate") => Value::Int(*i),
        (Value::Int(i), "as_integer_ratio") => Value::tuple(vec![Value::Int(*i), Value::Int(1)]),
        (Value::Int(_) | Value::BigInt(_), "is_integer") => Value::Bool(true),
        (Value::BigInt(b), "bit_length") => Value::Int(b.bits() as i64),
        (Value::BigInt(b), "bit_count") => Value::Int(b.magnitude().count_ones() as i64),
        (Value::BigInt(_), "conjugate") => recv.clone(),
        (Value::BigInt(_), "as_integer_ratio") => Value::tuple(vec![recv.clone(), Value::Int(1)]),
        (Value::Float(f), "is_integer") => Value::Bool(f.is_finite() && f.fract() == 0.0),
        (Value::Float(f), "conjugate") => Value::Float(*f),
        (Value::Float(f), "as_integer_ratio") => {
            if !f.is_finite() {
                return Err(if f.is_nan() {
                    Exc::value_error("cannot convert NaN to integer ratio")
                } else {
                    Exc::new("OverflowError", "cannot convert Infinity to integer ratio")
                });
            }
            let mut num = *f;
            let mut shift: u32 = 0;
            while num.fract() != 0.0 {
                num *= 2.0;
                shift += 1;
            }
            let den = int::from_big(num_bigint::BigInt::from(1) << shift);
            Value::tuple(vec![int::from_f64_trunc(num)?, den])
        }
        (Value::Float(_), "hex") => return Err(Exc::not_implemented("float.hex() is not supported")),
        _ => return fallback(interp, recv, name, a),
    })
}
