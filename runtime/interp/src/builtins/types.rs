//! Calling the builtin type objects: `int(x)`, `float(x)`, `str(x)`, `list(x)`…

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::class::lookup_user;
use crate::interp::{int, operators, Interp};
use crate::value::{Dict, Instance, Value};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::rc::Rc;

/// Parse an int literal the way `int(s, base)` does: `Ok(None)` when it is
/// not a valid literal, ValueError past the int/str digit limit.
pub fn parse_int(s: &str, base: u32) -> PyResult<Option<Value>> {
    let t = s.trim();
    let (neg, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let (base, digits) = match base {
        0 => {
            if let Some(r) = lower.strip_prefix("0x") {
                (16, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0o") {
                (8, r.to_string())
            } else if let Some(r) = lower.strip_prefix("0b") {
                (2, r.to_string())
            } else {
                if lower.len() > 1 && lower.starts_with('0') && lower.trim_start_matches(['0', '_']).len() > 0 {
                    return Ok(None);
                }
                (10, lower.clone())
            }
        }
        16 => (16, lower.strip_prefix("0x").unwrap_or(&lower).to_string()),
        8 => (8, lower.strip_prefix("0o").unwrap_or(&lower).to_string()),
        2 => (2, lower.strip_prefix("0b").unwrap_or(&lower).to_string()),
        b => (b, lower.clone()),
    };
    let digits = digits.strip_prefix('_').filter(|_| base != 10).unwrap_or(&digits).to_string();
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') || digits.contains("__") {
        return Ok(None);
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if let Ok(mag) = i64::from_str_radix(&clean, base) {
        if !clean.starts_with(['+', '-']) {
            return Ok(Some(Value::Int(if neg { -mag } else { mag })));
        }
    }
    let Some(mag) = int::parse_digits(&clean, base)? else { return Ok(None) };
    Ok(Some(int::from_big(if neg { -mag } else { mag })))
}

fn invalid_int_literal(s: &str, base: i64) -> Exc {
    Exc::value_error(format!("invalid literal for int() with base {base}: {}", crate::interp::pyformat::str_repr(s)))
}

/// Parse a float literal the way `float(s)` does.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let low = t.to_ascii_lowercase();
    let (sign, body) = match low.as_bytes().first() {
        Some(b'-') => (-1.0, &low[1..]),
        Some(b'+') => (1.0, &low[1..]),
        _ => (1.0, &low[..]),
    };
    match body {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_')) {
        return None;
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok().map(|f| sign * f)
}

/// `int(x)` of a float.
pub fn float_to_int(f: f64) -> PyResult<Value> {
    int::from_f64_trunc(f)
}

/// `int(v)`: an int value (`Value::Int` or a big int).
pub fn to_int(interp: &mut Interp, v: &Value) -> PyResult<Value> {
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => float_to_int(*f),
        Value::Str(s) => parse_int(s, 10)?.ok_or_else(|| invalid_int_literal(s, 10)),
        Value::Object(o) => match o.to_int(interp)? {
            Some(i) => Ok(Value::Int(i)),
            None => Err(Exc::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                o.type_name()
            ))),
        },
        Value::Instance(i) => {
            for name in ["__int__", "__index__"] {
                if let Some(m) = lookup_user(&i.class, name) {
                    let m = crate::interp::class::bind(interp, m, v, &i.class)?;
                    return match interp.call(&m, Args::default())? {
                        n @ (Value::Int(_) | Value::BigInt(_)) => Ok(n),
                        Value::Bool(b) => Ok(Value::Int(b as i64)),
                        other => Err(Exc::type_error(format!("{name} returned non-int (type {})", other.type_name()))),
                    };
                }
            }
            Err(Exc::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                i.class.name
            )))
        }
        other => Err(Exc::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

/// `float(v)`.
pub fn to_float(interp: &mut Interp, v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => int::to_f64(b),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::Str(s) => parse_float(s).ok_or_else(|| {
            Exc::value_error(format!("could not convert string to float: {}", crate::interp::pyformat::str_repr(s)))
        }),
        Value::Object(o) => match o.to_float(interp)? {
            Some(f) => Ok(f),
            None => Err(Exc::type_error(format!("float() argument must be a string or a real number, not '{}'", o.type_name()))),
        },
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__float__") {
                let m = crate::interp::class::bind(interp, m, v, &i.class)?;
                return match interp.call(&m, Args::default())? {
                    Value::Float(f) => Ok(f),
                    other => Err(Exc::type_error(format!("__float__ returned non-float (type {})", other.type_name()))),
                };
            }
            if lookup_user(&i.class, "__index__").is_some() {
                return match to_int(interp, v)? {
                    Value::BigInt(b) => int::to_f64(&b),
                    Value::Int(i) => Ok(i as f64),
                    _ => Ok(0.0),
                };
            }
            Err(Exc::type_error(format!("float() argument must be a string or a real number, not '{}'", i.class.name)))
        }
        other => Err(Exc::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            other.type_name()
        ))),
    }
}

/// Build a dict from a mapping or an iterable of pairs, plus keywords.
pub fn dict_from(interp: &mut Interp, src: Option<Value>, kw: Vec<(crate::value::Str, Value)>) -> PyResult<Dict> {
    let mut d = Dict::default();
    if let Some(src) = src {
        let is_mapping = matches!(src, Value::Dict(_))
            || (matches!(src, Value::Instance(_) | Value::Object(_)) && interp.get_attr(&src, "keys").is_ok());
        if is_mapping {
            for (k, v) in interp.mapping_items(&src)? {
                operators::dict_set(interp, &mut d, k, v)?;
            }
        } else {
            let items = interp.iterate(&src)?;
            for (i, it) in items.into_iter().enumerate() {
                let pair = match &it {
                    Value::Tuple(_) | Value::List(_) => interp.iterate(&it)?,
                    other => {
                        if !crate::interp::iter::is_iterable(interp, other) {
                            return Err(Exc::type_error(format!(
                                "cannot convert dictionary update sequence element #{i} to a sequence"
                            )));
                        }
                        interp.iterate(other)?
                    }
                };
                if pair.len() != 2 {
                    return Err(Exc::value_error(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        pair.len()
                    )));
                }
                let mut p = pair.into_iter();
                let (k, v) = (p.next().unwrap_or(Value::None), p.next().unwrap_or(Value::None));
                operators::dict_set(interp, &mut d, k, v)?;
            }
        }
    }
    for (k, v) in kw {
        operators::dict_set(interp, &mut d, Value::Str(k), v)?;
    }
    Ok(d)
}

/// Call builtin type `name`; `None` if `name` is not a core type.
pub fn construct(interp: &mut Interp, name: &str, args: Args) -> PyResult<Option<Value>> {
    Ok(Some(match name {
        "int" => {
            let [x, base] = args.bind("int", ["x", "base"], 0)?;
            match (x, base) {
                (None, _) => Value::Int(0),
                (Some(x), None) => to_int(interp, &x)?,
                (Some(Value::Str(s)), Some(b)) => {
                    let b = match b {
                        Value::Int(b) => b,
                        _ => return Err(Exc::type_error("'base' must be an integer")),
                    };
                    if b != 0 && !(2..=36).contains(&b) {
                        return Err(Exc::value_error("int() base must be >= 2 and <= 36, or 0"));
                    }
                    parse_int(&s, b as u32)?.ok_or_else(|| invalid_int_literal(&s, b))?
                }
                (Some(_), Some(_)) => return Err(Exc::type_error("int() can't convert non-string with explicit base")),
            }
        }
        "float" => {
            let [x] = args.bind("float", ["x"], 0)?;
            match x {
                None => Value::Float(0.0),
                Some(x) => Value::Float(to_float(interp, &x)?),
            }
        }
        "str" => {
            let [x] = args.bind("str", ["object"], 0)?;
            match x {
                None => Value::str(""),
                Some(Value::Str(s)) => Value::Str(s),
                Some(x) => Value::Str(interp.str(&x)?.into()),
            }
        }
        "bool" => {
            let [x] = args.bind("bool", ["x"], 0)?;
            match x {
                None => Value::Bool(false),
                Some(x) => Value::Bool(interp.truthy(&x)?),
            }
        }
        "list" => {
            let [x] = args.bind("list", ["iterable"], 0)?;
            match x {
                None => Value::list(vec![]),
                Some(x) => Value::list(interp.iterate(&x)?),
            }
        }
        "tuple" => {
            let [x] = args.bind("tuple", ["iterable"], 0)?;
            match x {
                None => Value::tuple(vec![]),
                Some(Value::Tuple(t)) => Value::Tuple(t),
                Some(x) => Value::tuple(interp.iterate(&x)?),
            }
        }
        "set" => {
            let [x] = args.bind("set", ["iterable"], 0)?;
            let mut d = Dict::default();
            if let Some(x) = x {
                for it in interp.iterate(&x)? {
                    operators::dict_set(interp, &mut d, it, Value::None)?;
                }
            }
            Value::Set(Rc::new(RefCell::new(d)))
        }
        "dict" => {
            if args.pos.len() > 1 {
                return Err(Exc::type_error(format!("dict expected at most 1 argument, got {}", args.pos.len())));
            }
            let src = args.pos.into_iter().next();
            Value::Dict(Rc::new(RefCell::new(dict_from(interp, src, args.kw)?)))
        }
        "object" => {
            if !args.pos.is_empty() || !args.kw.is_empty() {
                return Err(Exc::type_error("object() takes no arguments"));
            }
            let c = interp.type_object("object");
            Value::Instance(Rc::new(Instance { class: c, dict: RefCell::new(IndexMap::new()) }))
        }
        "type" => {
            if args.pos.len() == 1 && args.kw.is_empty() {
                let v = &args.pos[0];
                Value::Class(interp.type_of(v))
            } else if args.pos.len() == 3 {
                return Err(Exc::not_implemented("type(name, bases, dict) is not supported"));
            } else {
                return Err(Exc::type_error("type() takes 1 or 3 arguments"));
            }
        }
        "NoneType" => {
            if !args.pos.is_empty() {
                return Err(Exc::type_error("NoneType takes no arguments"));
            }
            Value::None
        }
        _ => return Ok(None),
    }))
}
