//! Operators on values: arithmetic with Python's semantics, comparisons,
//! truthiness, hashing, containment and subscripts. Native objects get
//! every operation through the `Object` trait; instances of user classes
//! through their dunder methods.

use super::class::{bind, lookup_user};
use super::Interp;
use crate::args::Args;
use crate::exc::{builtin_exc_class, Exc, PyResult};
use super::int;
use crate::value::{BinOp, CmpOp, Dict, HashKey, UnaryOp, Value};
use num_bigint::BigInt;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

/// Largest sequence an operation may build (elements or bytes).
pub const MAX_SEQ: usize = 1 << 28;

/// OverflowError for a Python int that does not fit a C integer.
pub fn overflow() -> Exc {
    Exc::new("OverflowError", "Python int too large to convert to C long")
}

fn memory_error() -> Exc {
    Exc::new("MemoryError", "")
}

#[derive(Clone, Copy)]
enum Num<'a> {
    I(i64),
    F(f64),
    B(&'a BigInt),
}

#[inline]
fn num(v: &Value) -> Option<Num<'_>> {
    match v {
        Value::Int(i) => Some(Num::I(*i)),
        Value::Bool(b) => Some(Num::I(*b as i64)),
        Value::Float(f) => Some(Num::F(*f)),
        Value::BigInt(b) => Some(Num::B(b)),
        _ => None,
    }
}

impl Num<'_> {
    fn big(self) -> BigInt {
        match self {
            Num::I(i) => BigInt::from(i),
            Num::B(b) => b.clone(),
            Num::F(_) => BigInt::default(),
        }
    }
    fn float(self) -> PyResult<f64> {
        match self {
            Num::I(i) => Ok(i as f64),
            Num::F(f) => Ok(f),
            Num::B(b) => int::to_f64(b),
        }
    }
}

fn is_not_implemented(v: &Value) -> bool {
    v.downcast::<crate::builtins::NotImplementedType>().is_some()
}

/// Python's float floor division and modulo.
pub fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let fl = if div != 0.0 {
        let mut fl = div.floor();
        if div - fl > 0.5 {
            fl += 1.0;
        }
        fl
    } else {
        0.0f64.copysign(vx / wx)
    };
    (fl, m)
}

pub fn int_floordiv(a: i64, b: i64) -> PyResult<i64> {
    if b == 0 {
        return Err(Exc::new("ZeroDivisionError", "integer division or modulo by zero"));
    }
    let q = a.checked_div(b).ok_or_else(|| Exc::new("OverflowError", "integer overflow"))?;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        Ok(q - 1)
    } else {
        Ok(q)
    }
}

pub fn int_mod(a: i64, b: i64) -> PyResult<i64> {
    if b == 0 {
        return Err(Exc::new("ZeroDivisionError", "integer modulo by zero"));
    }
    let r = a.checked_rem(b).unwrap_or(0);
    if r != 0 && ((r < 0) != (b < 0)) {
        Ok(r + b)
    } else {
        Ok(r)
    }
}

pub fn float_pow(a: f64, b: f64) -> PyResult<f64> {
    if a == 0.0 && b < 0.0 {
        return Err(Exc::new("ZeroDivisionError", "0.0 cannot be raised to a negative power"));
    }
    if a < 0.0 && b.fract() != 0.0 && b.is_finite() {
        return Err(Exc::not_implemented("complex numbers are not supported (negative number raised to a fractional power)"));
    }
    let r = a.powf(b);
    if r.is_infinite() && a.is_finite() && b.is_finite() {
        return Err(Exc::new("OverflowError", "(34, 'Numerical result out of range')"));
    }
    Ok(r)
}

fn int_pow(a: i64, b: i64) -> PyResult<Value> {
    if b < 0 {
        return Ok(Value::Float(float_pow(a as f64, b as f64)?));
    }
    if let Some(r) = u32::try_from(b).ok().and_then(|e| a.checked_pow(e)) {
        return Ok(Value::Int(r));
    }
    int::pow(&BigInt::from(a), &BigInt::from(b))
}

/// An int operation that overflowed 64 bits, redone on big ints.
#[cold]
fn big_arith(x: i64, op: BinOp, y: i64) -> PyResult<Option<Value>> {
    int::binop(&BigInt::from(x), op, &BigInt::from(y))
}

fn arith_num(a: Num, op: BinOp, b: Num) -> PyResult<Option<Value>> {
    use Num::*;
    Ok(Some(match (a, b) {
        (I(x), I(y)) => match op {
            BinOp::Add => match x.checked_add(y) {
                Some(r) => Value::Int(r),
                None => return big_arith(x, op, y),
            },
            BinOp::Sub => match x.checked_sub(y) {
                Some(r) => Value::Int(r),
                None => return big_arith(x, op, y),
            },
            BinOp::Mul => match x.checked_mul(y) {
                Some(r) => Value::Int(r),
                None => return big_arith(x, op, y),
            },
            BinOp::TrueDiv => {
                if y == 0 {
                    return Err(Exc::new("ZeroDivisionError", "division by zero"));
                }
                const EXACT: u64 = 1 << 53;
                if x.unsigned_abs() > EXACT || y.unsigned_abs() > EXACT {
                    // Not exact as doubles: divide exactly, round once.
                    return Ok(Some(Value::Float(int::truediv(&BigInt::from(x), &BigInt::from(y))?)));
                }
                Value::Float(x as f64 / y as f64)
            }
            BinOp::FloorDiv => {
                if x == i64::MIN && y == -1 {
                    return big_arith(x, op, y);
                }
                Value::Int(int_floordiv(x, y)?)
            }
            BinOp::Mod => Value::Int(int_mod(x, y)?),
            BinOp::Pow => int_pow(x, y)?,
            BinOp::And => Value::Int(x & y),
            BinOp::Or => Value::Int(x | y),
            BinOp::Xor => Value::Int(x ^ y),
            BinOp::LShift => {
                if y < 0 {
                    return Err(Exc::value_error("negative shift count"));
                }
                if x == 0 {
                    Value::Int(0)
                } else {
                    if y >= 63 || (x << y) >> y != x {
                        return big_arith(x, op, y);
                    }
                    Value::Int(x << y)
                }
            }
            BinOp::RShift => {
                if y < 0 {
                    return Err(Exc::value_error("negative shift count"));
                }
                Value::Int(if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y })
            }
            BinOp::MatMul => return Ok(None),
        },
        (B(_), I(_) | B(_)) | (I(_), B(_)) => return int::binop(&a.big(), op, &b.big()),
        _ => {
            let (x, y) = (a.float()?, b.float()?);
            Value::Float(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::TrueDiv => {
                    if y == 0.0 {
                        return Err(Exc::new("ZeroDivisionError", "float division by zero"));
                    }
                    x / y
                }
                BinOp::FloorDiv => {
                    if y == 0.0 {
                        return Err(Exc::new("ZeroDivisionError", "float floor division by zero"));
                    }
                    float_divmod(x, y).0
                }
                BinOp::Mod => {
                    if y == 0.0 {
                        return Err(Exc::new("ZeroDivisionError", "float modulo"));
                    }
                    float_divmod(x, y).1
                }
                BinOp::Pow => float_pow(x, y)?,
                _ => return Ok(None),
            })
        }
    }))
}

fn repeat<T: Clone>(items: &[T], n: i64) -> PyResult<Vec<T>> {
    if n == i64::MIN {
        return Err(int::index_overflow());
    }
    if n <= 0 || items.is_empty() {
        return Ok(vec![]);
    }
    let total = items.len().checked_mul(n as usize).filter(|t| *t <= MAX_SEQ).ok_or_else(memory_error)?;
    let mut out = Vec::with_capacity(total);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

fn seq_count(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        // Too large for any sequence: `repeat` raises CPython's OverflowError.
        Value::BigInt(_) => Some(i64::MIN),
        _ => None,
    }
}

/// Binary operations between core values; `None` = not applicable.
fn core_binary(interp: &mut Interp, a: &Value, op: BinOp, b: &Value) -> PyResult<Option<Value>> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
            match op {
                BinOp::And => return Ok(Some(Value::Bool(p & q))),
                BinOp::Or => return Ok(Some(Value::Bool(p | q))),
                BinOp::Xor => return Ok(Some(Value::Bool(p ^ q))),
                _ => {}
            }
        }
        return arith_num(x, op, y);
    }
    Ok(match (a, op, b) {
        (Value::Str(x), BinOp::Add, Value::Str(y)) => {
            if x.len() + y.len() > (1 << 31) {
                return Err(memory_error());
            }
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Some(Value::Str(s.into()))
        }
        (Value::Str(x), BinOp::Mul, n) | (n, BinOp::Mul, Value::Str(x)) if seq_count(n).is_some() => {
            let n = seq_count(n).unwrap_or(0);
            if n == i64::MIN {
                return Err(int::index_overflow());
            }
            if n <= 0 {
                return Ok(Some(Value::str("")));
            }
            let total = x.len().checked_mul(n as usize).filter(|t| *t <= (1 << 31)).ok_or_else(memory_error)?;
            let _ = total;
            Some(Value::Str(x.repeat(n as usize).into()))
        }
        (Value::List(x), BinOp::Add, Value::List(y)) => {
            let mut v = x.borrow().clone();
            v.extend(y.borrow().iter().cloned());
            Some(Value::list(v))
        }
        (Value::Tuple(x), BinOp::Add, Value::Tuple(y)) => {
            let mut v = x.as_ref().clone();
            v.extend(y.iter().cloned());
            Some(Value::tuple(v))
        }
        (Value::List(x), BinOp::Mul, n) | (n, BinOp::Mul, Value::List(x)) if seq_count(n).is_some() => {
            let v = repeat(&x.borrow(), seq_count(n).unwrap_or(0))?;
            Some(Value::list(v))
        }
        (Value::Tuple(x), BinOp::Mul, n) | (n, BinOp::Mul, Value::Tuple(x)) if seq_count(n).is_some() => {
            Some(Value::tuple(repeat(x, seq_count(n).unwrap_or(0))?))
        }
        (Value::Str(s), BinOp::Mod, args) => Some(Value::Str(super::pyformat::percent_format(interp, s, args)?.into())),
        (Value::Set(x), BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor, Value::Set(y)) => {
            Some(set_op(interp, &x.clone(), op, &y.clone())?)
        }
        (Value::Dict(x), BinOp::Or, Value::Dict(y)) => {
            let mut d = Dict::default();
            for (hk, (k, v)) in x.borrow().map.iter().chain(y.borrow().map.iter()) {
                d.insert(hk.clone(), k.clone(), v.clone());
            }
            Some(Value::Dict(Rc::new(RefCell::new(d))))
        }
        _ => None,
    })
}

fn set_op(interp: &mut Interp, x: &Rc<RefCell<Dict>>, op: BinOp, y: &Rc<RefCell<Dict>>) -> PyResult<Value> {
    let xs: Vec<(HashKey, Value)> = x.borrow().map.iter().map(|(h, (k, _))| (h.clone(), k.clone())).collect();
    let ys: Vec<(HashKey, Value)> = y.borrow().map.iter().map(|(h, (k, _))| (h.clone(), k.clone())).collect();
    let mut out = Dict::default();
    let yset = y.borrow();
    let xset = x.borrow();
    let _ = interp;
    match op {
        BinOp::Or => {
            for (h, k) in xs.into_iter().chain(ys) {
                if !out.map.contains_key(&h) {
                    out.insert(h, k, Value::None);
                }
            }
        }
        BinOp::And => {
            for (h, k) in xs {
                if yset.map.contains_key(&h) {
                    out.insert(h, k, Value::None);
                }
            }
        }
        BinOp::Sub => {
            for (h, k) in xs {
                if !yset.map.contains_key(&h) {
                    out.insert(h, k, Value::None);
                }
            }
        }
        _ => {
            for (h, k) in xs {
                if !yset.map.contains_key(&h) {
                    out.insert(h, k, Value::None);
                }
            }
            for (h, k) in ys {
                if !xset.map.contains_key(&h) {
                    out.insert(h, k, Value::None);
                }
            }
        }
    }
    Ok(Value::Set(Rc::new(RefCell::new(out))))
}

fn dunder(op: BinOp) -> (&'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__"),
        BinOp::Sub => ("__sub__", "__rsub__"),
        BinOp::Mul => ("__mul__", "__rmul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__"),
        BinOp::TrueDiv => ("__truediv__", "__rtruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__"),
        BinOp::Pow => ("__pow__", "__rpow__"),
        BinOp::And => ("__and__", "__rand__"),
        BinOp::Or => ("__or__", "__ror__"),
        BinOp::Xor => ("__xor__", "__rxor__"),
        BinOp::LShift => ("__lshift__", "__rlshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__"),
    }
}

/// Call a user dunder method `name` on instance `v` if defined;
/// `None` when undefined or it returned `NotImplemented`.
fn call_dunder(interp: &mut Interp, v: &Value, name: &str, args: Vec<Value>) -> PyResult<Option<Value>> {
    let Value::Instance(i) = v else { return Ok(None) };
    let Some(m) = lookup_user(&i.class, name) else { return Ok(None) };
    if m.is_none() {
        return Ok(None);
    }
    let m = bind(interp, m, v, &i.class)?;
    let r = interp.call_value(&m, Args::new(args))?;
    Ok(if is_not_implemented(&r) { None } else { Some(r) })
}

/// `a <op> b`.
#[inline]
pub fn binary_op(interp: &mut Interp, a: &Value, op: BinOp, b: &Value) -> PyResult<Value> {
    // Fast paths: small-int and float arithmetic that cannot fail.
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => {
            let r = match op {
                BinOp::Add => x.checked_add(*y),
                BinOp::Sub => x.checked_sub(*y),
                BinOp::Mul => x.checked_mul(*y),
                _ => None,
            };
            if let Some(r) = r {
                return Ok(Value::Int(r));
            }
        }
        (Value::Float(x), Value::Float(y)) => match op {
            BinOp::Add => return Ok(Value::Float(x + y)),
            BinOp::Sub => return Ok(Value::Float(x - y)),
            BinOp::Mul => return Ok(Value::Float(x * y)),
            _ => {}
        },
        _ => {}
    }
    binary_op_general(interp, a, op, b)
}

fn binary_op_general(interp: &mut Interp, a: &Value, op: BinOp, b: &Value) -> PyResult<Value> {
    if let Some(v) = core_binary(interp, a, op, b)? {
        return Ok(v);
    }
    let (l, r) = dunder(op);
    match a {
        Value::Object(o) => {
            if let Some(v) = o.binary_op(a, op, b, false, interp)? {
                return Ok(v);
            }
        }
        Value::Instance(_) => {
            if let Some(v) = call_dunder(interp, a, l, vec![b.clone()])? {
                return Ok(v);
            }
        }
        _ => {}
    }
    match b {
        Value::Object(o) => {
            if let Some(v) = o.binary_op(b, op, a, true, interp)? {
                return Ok(v);
            }
        }
        Value::Instance(_) => {
            if let Some(v) = call_dunder(interp, b, r, vec![a.clone()])? {
                return Ok(v);
            }
        }
        _ => {}
    }
    let (ta, tb) = (a.type_name(), b.type_name());
    if op == BinOp::Add {
        if let Value::Str(_) | Value::List(_) | Value::Tuple(_) = a {
            return Err(Exc::type_error(format!("can only concatenate {ta} (not \"{tb}\") to {ta}")));
        }
    }
    if op == BinOp::Mul && matches!(a, Value::Str(_) | Value::List(_) | Value::Tuple(_)) {
        return Err(Exc::type_error(format!("can't multiply sequence by non-int of type '{tb}'")));
    }
    if op == BinOp::Mul && matches!(b, Value::Str(_) | Value::List(_) | Value::Tuple(_)) {
        return Err(Exc::type_error(format!("can't multiply sequence by non-int of type '{ta}'")));
    }
    if op == BinOp::Pow {
        return Err(Exc::type_error(format!("unsupported operand type(s) for ** or pow(): '{ta}' and '{tb}'")));
    }
    Err(Exc::type_error(format!("unsupported operand type(s) for {}: '{ta}' and '{tb}'", op.symbol())))
}

/// `a <op>= b` (lists extend in place; instances may define `__iadd__`…).
pub fn inplace_op(interp: &mut Interp, a: Value, op: BinOp, b: Value) -> PyResult<Value> {
    match (&a, op) {
        (Value::List(l), BinOp::Add) => {
            let items = super::iter::collect(interp, &b)?;
            l.borrow_mut().extend(items);
            return Ok(a);
        }
        (Value::List(l), BinOp::Mul) if seq_count(&b).is_some() => {
            let v = repeat(&l.borrow(), seq_count(&b).unwrap_or(0))?;
            *l.borrow_mut() = v;
            return Ok(a);
        }
        (Value::Set(s), BinOp::Or | BinOp::And | BinOp::Sub | BinOp::Xor) => {
            if let Value::Set(t) = &b {
                let r = set_op(interp, &s.clone(), op, &t.clone())?;
                if let Value::Set(r) = r {
                    let new = std::mem::take(&mut *r.borrow_mut());
                    *s.borrow_mut() = new;
                }
                return Ok(a);
            }
        }
        (Value::Dict(d), BinOp::Or) => {
            let items = interp.mapping_items(&b)?;
            for (k, v) in items {
                dict_set_rc(interp, d, k, v)?;
            }
            return Ok(a);
        }
        (Value::Instance(_), _) => {
            let name = format!("__i{}", &dunder(op).0[2..]);
            if let Some(v) = call_dunder(interp, &a, &name, vec![b.clone()])? {
                return Ok(v);
            }
        }
        _ => {}
    }
    binary_op(interp, &a, op, &b)
}

/// `-x`, `+x`, `~x`.
pub fn unary_op(interp: &mut Interp, v: &Value, op: UnaryOp) -> PyResult<Value> {
    match (v, op) {
        (Value::Int(i), UnaryOp::Neg) => {
            return Ok(match i.checked_neg() {
                Some(n) => Value::Int(n),
                None => int::from_big(-BigInt::from(*i)),
            })
        }
        (Value::BigInt(b), UnaryOp::Neg) => return Ok(int::from_big(-&**b)),
        (Value::BigInt(_), UnaryOp::Pos) => return Ok(v.clone()),
        (Value::BigInt(b), UnaryOp::Invert) => return Ok(int::from_big(!&**b)),
        (Value::Bool(b), UnaryOp::Neg) => return Ok(Value::Int(-(*b as i64))),
        (Value::Float(f), UnaryOp::Neg) => return Ok(Value::Float(-f)),
        (Value::Int(i), UnaryOp::Pos) => return Ok(Value::Int(*i)),
        (Value::Bool(b), UnaryOp::Pos) => return Ok(Value::Int(*b as i64)),
        (Value::Float(f), UnaryOp::Pos) => return Ok(Value::Float(*f)),
        (Value::Int(i), UnaryOp::Invert) => return Ok(Value::Int(!i)),
        (Value::Bool(b), UnaryOp::Invert) => return Ok(Value::Int(!(*b as i64))),
        (Value::Object(o), _) => {
            if let Some(r) = o.unary_op(v, op, interp)? {
                return Ok(r);
            }
        }
        (Value::Instance(_), _) => {
            let name = match op {
                UnaryOp::Neg => "__neg__",
                UnaryOp::Pos => "__pos__",
                UnaryOp::Invert => "__invert__",
            };
            if let Some(r) = call_dunder(interp, v, name, vec![])? {
                return Ok(r);
            }
        }
        _ => {}
    }
    let sym = match op {
        UnaryOp::Neg => "-",
        UnaryOp::Pos => "+",
        UnaryOp::Invert => "~",
    };
    Err(Exc::type_error(format!("bad operand type for unary {sym}: '{}'", v.type_name())))
}

/// `bool(v)`.
pub fn truthy(interp: &mut Interp, v: &Value) -> PyResult<bool> {
    Ok(match v {
        Value::None => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::BigInt(_) => true,
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.is_empty(),
        Value::List(l) => !l.borrow().is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::Dict(d) | Value::Set(d) => !d.borrow().is_empty(),
        Value::Object(o) => o.truthy(interp)?,
        Value::Instance(i) => {
            if let Some(r) = call_dunder(interp, v, "__bool__", vec![])? {
                return match r {
                    Value::Bool(b) => Ok(b),
                    other => Err(Exc::type_error(format!("__bool__ should return bool, returned {}", other.type_name()))),
                };
            }
            if lookup_user(&i.class, "__len__").is_some() {
                return Ok(len(interp, v)? != 0);
            }
            true
        }
        _ => true,
    })
}

/// `len(v)`.
pub fn len(interp: &mut Interp, v: &Value) -> PyResult<usize> {
    Ok(match v {
        Value::Str(s) => {
            if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            }
        }
        Value::List(l) => l.borrow().len(),
        Value::Tuple(t) => t.len(),
        Value::Dict(d) | Value::Set(d) => d.borrow().len(),
        Value::Object(o) => match o.len(interp)? {
            Some(n) => n,
            None => return Err(Exc::type_error(format!("object of type '{}' has no len()", o.type_name()))),
        },
        Value::Instance(_) => match call_dunder(interp, v, "__len__", vec![])? {
            Some(Value::Int(n)) if n >= 0 => n as usize,
            Some(Value::Int(_)) => return Err(Exc::value_error("__len__() should return >= 0")),
            Some(Value::Bool(b)) => b as usize,
            Some(other) => {
                return Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name())))
            }
            None => return Err(Exc::type_error(format!("object of type '{}' has no len()", v.type_name()))),
        },
        _ => return Err(Exc::type_error(format!("object of type '{}' has no len()", v.type_name()))),
    })
}

// ------------------------------------------------------------------ compare

fn cmp_num(a: Num, b: Num) -> Option<Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(&y)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(&y),
        (Num::I(x), Num::F(y)) => cmp_int_float(x, y),
        (Num::F(x), Num::I(y)) => cmp_int_float(y, x).map(|o| o.reverse()),
        (Num::B(x), Num::F(y)) => int::cmp_float(x, y),
        (Num::F(x), Num::B(y)) => int::cmp_float(y, x).map(|o| o.reverse()),
        (Num::B(_), _) | (_, Num::B(_)) => Some(a.big().cmp(&b.big())),
    }
}

fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    let fi = i as f64;
    match fi.partial_cmp(&f)? {
        Ordering::Equal => {
            if f >= 9.3e18 {
                return Some(Ordering::Less);
            }
            if f <= -9.3e18 {
                return Some(Ordering::Greater);
            }
            Some((i as i128).cmp(&(f as i128)))
        }
        o => Some(o),
    }
}

fn ord_result(op: CmpOp, o: Option<Ordering>) -> bool {
    match o {
        None => op == CmpOp::Ne,
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::Ne => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::Le => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::Ge => o != Ordering::Less,
        },
    }
}

fn cmp_dunder(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "__eq__",
        CmpOp::Ne => "__ne__",
        CmpOp::Lt => "__lt__",
        CmpOp::Le => "__le__",
        CmpOp::Gt => "__gt__",
        CmpOp::Ge => "__ge__",
    }
}

fn seq_compare(interp: &mut Interp, x: &[Value], y: &[Value], op: CmpOp) -> PyResult<Value> {
    interp.enter_nested(" in comparison")?;
    let r = seq_compare_items(interp, x, y, op);
    interp.leave_call();
    r
}

fn seq_compare_items(interp: &mut Interp, x: &[Value], y: &[Value], op: CmpOp) -> PyResult<Value> {
    let n = x.len().min(y.len());
    for i in 0..n {
        if !(x[i].is(&y[i]) || eq(interp, &x[i], &y[i])?) {
            return match op {
                CmpOp::Eq => Ok(Value::Bool(false)),
                CmpOp::Ne => Ok(Value::Bool(true)),
                _ => compare(interp, &x[i], op, &y[i]),
            };
        }
    }
    Ok(Value::Bool(ord_result(op, Some(x.len().cmp(&y.len())))))
}

/// Core-value comparisons; `None` = not applicable.
fn core_compare(interp: &mut Interp, a: &Value, op: CmpOp, b: &Value) -> PyResult<Option<Value>> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Ok(Some(Value::Bool(ord_result(op, cmp_num(x, y)))));
    }
    Ok(Some(match (a, b) {
        (Value::Str(x), Value::Str(y)) => Value::Bool(ord_result(op, Some(x.as_ref().cmp(y.as_ref())))),
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) && matches!(op, CmpOp::Eq | CmpOp::Le | CmpOp::Ge) {
                return Ok(Some(Value::Bool(true)));
            }
            let (xv, yv) = (x.borrow().clone(), y.borrow().clone());
            seq_compare(interp, &xv, &yv, op)?
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_compare(interp, x, y, op)?,
        (Value::None, Value::None) if matches!(op, CmpOp::Eq | CmpOp::Ne) => Value::Bool(op == CmpOp::Eq),
        (Value::Dict(x), Value::Dict(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            let e = dict_eq(interp, x, y)?;
            Value::Bool(e == (op == CmpOp::Eq))
        }
        (Value::Set(x), Value::Set(y)) => {
            let xs = x.borrow();
            let ys = y.borrow();
            let sub = xs.map.keys().all(|k| ys.map.contains_key(k));
            let sup = ys.map.keys().all(|k| xs.map.contains_key(k));
            Value::Bool(match op {
                CmpOp::Eq => sub && sup,
                CmpOp::Ne => !(sub && sup),
                CmpOp::Le => sub,
                CmpOp::Lt => sub && xs.len() < ys.len(),
                CmpOp::Ge => sup,
                CmpOp::Gt => sup && xs.len() > ys.len(),
            })
        }
        (Value::Slice(x), Value::Slice(y)) if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
            let e = seq_compare(interp, &x[..], &y[..], CmpOp::Eq)?;
            let e = matches!(e, Value::Bool(true));
            Value::Bool(e == (op == CmpOp::Eq))
        }
        _ => return Ok(None),
    }))
}

fn dict_eq(interp: &mut Interp, x: &Rc<RefCell<Dict>>, y: &Rc<RefCell<Dict>>) -> PyResult<bool> {
    if Rc::ptr_eq(x, y) {
        return Ok(true);
    }
    interp.enter_nested(" in comparison")?;
    let r = dict_eq_items(interp, x, y);
    interp.leave_call();
    r
}

fn dict_eq_items(interp: &mut Interp, x: &Rc<RefCell<Dict>>, y: &Rc<RefCell<Dict>>) -> PyResult<bool> {
    if x.borrow().len() != y.borrow().len() {
        return Ok(false);
    }
    let xs: Vec<(HashKey, Value)> = x.borrow().map.iter().map(|(h, (_, v))| (h.clone(), v.clone())).collect();
    for (h, v) in xs {
        let other = y.borrow().map.get(&h).map(|(_, v)| v.clone());
        match other {
            Some(w) => {
                if !(v.is(&w) || eq(interp, &v, &w)?) {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Rich comparison `a <op> b` (the result may be a non-bool, e.g. a tensor).
#[inline]
pub fn compare(interp: &mut Interp, a: &Value, op: CmpOp, b: &Value) -> PyResult<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(Value::Bool(ord_result(op, Some(x.cmp(y)))));
    }
    compare_general(interp, a, op, b)
}

fn compare_general(interp: &mut Interp, a: &Value, op: CmpOp, b: &Value) -> PyResult<Value> {
    if let Some(v) = core_compare(interp, a, op, b)? {
        return Ok(v);
    }
    // left operand
    match a {
        Value::Object(o) => {
            if let Some(v) = o.compare(a, op, b, false, interp)? {
                return Ok(v);
            }
        }
        Value::Instance(_) => {
            if let Some(v) = call_dunder(interp, a, cmp_dunder(op), vec![b.clone()])? {
                return Ok(v);
            }
        }
        _ => {}
    }
    match b {
        Value::Object(o) => {
            if let Some(v) = o.compare(b, op, a, true, interp)? {
                return Ok(v);
            }
        }
        Value::Instance(_) => {
            if let Some(v) = call_dunder(interp, b, cmp_dunder(op.swapped()), vec![a.clone()])? {
                return Ok(v);
            }
        }
        _ => {}
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(a.is(b))),
        CmpOp::Ne => {
            // default __ne__ inverts a user __eq__
            if let Value::Instance(_) = a {
                if let Some(v) = call_dunder(interp, a, "__eq__", vec![b.clone()])? {
                    return Ok(Value::Bool(!truthy(interp, &v)?));
                }
            }
            Ok(Value::Bool(!a.is(b)))
        }
        _ => Err(Exc::type_error(format!(
            "'{}' not supported between instances of '{}' and '{}'",
            op.symbol(),
            a.type_name(),
            b.type_name()
        ))),
    }
}

/// `a == b` as a bool.
pub fn eq(interp: &mut Interp, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x == y),
        (Value::Str(x), Value::Str(y)) => Ok(x == y),
        _ => {
            let r = compare(interp, a, CmpOp::Eq, b)?;
            truthy(interp, &r)
        }
    }
}

/// `a < b` as a bool (sorting, min/max).
pub fn lt(interp: &mut Interp, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x < y),
        (Value::Str(x), Value::Str(y)) => Ok(x < y),
        _ => {
            let r = compare(interp, a, CmpOp::Lt, b)?;
            truthy(interp, &r)
        }
    }
}

// ------------------------------------------------------------------ hashing

/// A dict key for `v`.
pub fn hash_key(interp: &mut Interp, v: &Value) -> PyResult<HashKey> {
    Ok(match v {
        Value::None => HashKey::None,
        Value::Bool(b) => HashKey::Int(*b as i64),
        Value::Int(i) => HashKey::Int(*i),
        Value::BigInt(b) => HashKey::BigInt(b.clone()),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                HashKey::Int(*f as i64)
            } else if f.fract() == 0.0 && f.is_finite() {
                match int::from_f64_trunc(*f)? {
                    Value::Int(i) => HashKey::Int(i),
                    Value::BigInt(b) => HashKey::BigInt(b),
                    _ => HashKey::Float(f.to_bits()),
                }
            } else {
                HashKey::Float(f.to_bits())
            }
        }
        Value::Str(s) => HashKey::Str(s.clone()),
        Value::Tuple(t) => {
            // CPython hashes nested tuples without a recursion limit: only
            // the native stack bounds it.
            interp.check_stack()?;
            HashKey::Tuple(t.iter().map(|x| hash_key(interp, x)).collect::<PyResult<_>>()?)
        }
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Slice(_) => {
            return Err(Exc::type_error(format!("unhashable type: '{}'", v.type_name())))
        }
        Value::Object(o) => match o.hash(interp)? {
            Some(k) => k,
            None => HashKey::Id(v.id()),
        },
        Value::Instance(i) => match lookup_user(&i.class, "__hash__") {
            None => HashKey::Id(v.id()),
            Some(Value::None) => return Err(Exc::type_error(format!("unhashable type: '{}'", i.class.name))),
            Some(m) => {
                let m = bind(interp, m, v, &i.class)?;
                match interp.call_value(&m, Args::default())? {
                    Value::Int(h) => HashKey::Custom(h, v.id()),
                    Value::BigInt(b) => HashKey::Custom(int::hash(&b), v.id()),
                    Value::Bool(b) => HashKey::Custom(b as i64, v.id()),
                    _ => return Err(Exc::type_error("__hash__ method should return an integer")),
                }
            }
        },
        _ => HashKey::Id(v.id()),
    })
}

/// For keys with a user `__hash__`, find the stored key equal to `key`.
fn resolve_custom(interp: &mut Interp, d: &RefCell<Dict>, hk: HashKey, key: &Value) -> PyResult<HashKey> {
    let HashKey::Custom(h, _) = hk else { return Ok(hk) };
    if d.borrow().map.contains_key(&hk) {
        return Ok(hk);
    }
    let cands: Vec<(HashKey, Value)> = d
        .borrow()
        .map
        .iter()
        .filter(|(k, _)| matches!(k, HashKey::Custom(h2, _) if *h2 == h))
        .map(|(k, (kv, _))| (k.clone(), kv.clone()))
        .collect();
    for (ck, kv) in cands {
        if eq(interp, &kv, key)? {
            return Ok(ck);
        }
    }
    Ok(hk)
}

/// `d[key]` lookup.
pub fn dict_get(interp: &mut Interp, d: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
    let hk = hash_key(interp, key)?;
    let hk = resolve_custom(interp, d, hk, key)?;
    Ok(d.borrow().get(&hk).cloned())
}

/// `d[key] = v` on a shared dict.
pub fn dict_set_rc(interp: &mut Interp, d: &RefCell<Dict>, key: Value, v: Value) -> PyResult<()> {
    let hk = hash_key(interp, &key)?;
    let hk = resolve_custom(interp, d, hk, &key)?;
    let mut b = d.borrow_mut();
    if let Some(slot) = b.map.get_mut(&hk) {
        slot.1 = v;
    } else {
        b.insert(hk, key, v);
    }
    Ok(())
}

/// Insert into a dict being built (not yet shared).
pub fn dict_set(interp: &mut Interp, d: &mut Dict, key: Value, v: Value) -> PyResult<()> {
    let cell = RefCell::new(std::mem::take(d));
    let r = dict_set_rc(interp, &cell, key, v);
    *d = cell.into_inner();
    r
}

/// Remove `key`; returns the value.
pub fn dict_del(interp: &mut Interp, d: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
    let hk = hash_key(interp, key)?;
    let hk = resolve_custom(interp, d, hk, key)?;
    Ok(d.borrow_mut().map.shift_remove(&hk).map(|(_, v)| v))
}

pub fn key_error(key: Value) -> Exc {
    match builtin_exc_class("KeyError") {
        Some(c) => Exc::from_class(c, vec![key]),
        None => Exc::runtime_error("KeyError"),
    }
}

// ------------------------------------------------------------ containment

/// `item in container`.
pub fn contains(interp: &mut Interp, container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::List(l) => {
            let n = l.borrow().len();
            for i in 0..n {
                let x = match l.borrow().get(i) {
                    Some(x) => x.clone(),
                    None => break,
                };
                if x.is(item) || eq(interp, &x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for x in t.iter() {
                if x.is(item) || eq(interp, x, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Str(s) => match item {
            Value::Str(x) => Ok(s.contains(&**x)),
            other => Err(Exc::type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::Dict(d) | Value::Set(d) => Ok(dict_get(interp, d, item)?.is_some()),
        Value::Instance(i) => {
            if lookup_user(&i.class, "__contains__").is_some() {
                let r = call_dunder(interp, container, "__contains__", vec![item.clone()])?.unwrap_or(Value::Bool(false));
                return truthy(interp, &r);
            }
            contains_by_iter(interp, container, item)
        }
        Value::Object(o) => {
            if let Some(r) = crate::builtins::objects::contains(interp, container, item)? {
                return Ok(r);
            }
            let _ = o;
            contains_by_iter(interp, container, item)
        }
        other => Err(Exc::type_error(format!("argument of type '{}' is not iterable", other.type_name()))),
    }
}

fn contains_by_iter(interp: &mut Interp, container: &Value, item: &Value) -> PyResult<bool> {
    let mut it = super::iter::make_iter(interp, container)
        .map_err(|_| Exc::type_error(format!("argument of type '{}' is not iterable", container.type_name())))?;
    while let Some(x) = super::iter::next(interp, &mut it)? {
        if x.is(item) || eq(interp, &x, item)? {
            return Ok(true);
        }
    }
    Ok(false)
}

// -------------------------------------------------------------- subscripts

/// An integer index from a value (`__index__`).
pub fn to_index(interp: &mut Interp, v: &Value) -> PyResult<Option<i64>> {
    Ok(match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        Value::BigInt(_) => return Err(int::index_overflow()),
        Value::Object(o) => o.to_index(interp)?,
        Value::Instance(_) => match call_dunder(interp, v, "__index__", vec![])? {
            Some(Value::Int(i)) => Some(i),
            _ => None,
        },
        _ => None,
    })
}

/// An index into a sequence: like [`to_index`], but an int too large for
/// an index is CPython's IndexError.
fn seq_index(interp: &mut Interp, key: &Value) -> PyResult<Option<i64>> {
    if let Value::BigInt(_) = key {
        return Err(Exc::index_error("cannot fit 'int' into an index-sized integer"));
    }
    to_index(interp, key)
}

/// Resolve `slice(start, stop, step)` against a length: (start, stop, step, count).
pub fn slice_indices(interp: &mut Interp, s: &[Value; 3], len: usize) -> PyResult<(i64, i64, i64, usize)> {
    let len = len as i64;
    let mut get = |v: &Value| -> PyResult<Option<i64>> {
        if v.is_none() {
            return Ok(None);
        }
        if let Value::BigInt(b) = v {
            // Slice bounds saturate (CPython's _PyEval_SliceIndex).
            return Ok(Some(if int::is_negative(b) { i64::MIN } else { i64::MAX }));
        }
        match to_index(interp, v)? {
            Some(i) => Ok(Some(i)),
            None => Err(Exc::type_error("slice indices must be integers or None or have an __index__ method")),
        }
    };
    let step = get(&s[2])?.unwrap_or(1).max(-i64::MAX);
    if step == 0 {
        return Err(Exc::value_error("slice step cannot be zero"));
    }
    let (lo, hi) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let adj = |x: Option<i64>, default: i64| -> i64 {
        match x {
            None => default,
            Some(mut i) => {
                if i < 0 {
                    i = i.saturating_add(len);
                    if i < lo {
                        i = lo;
                    }
                } else if i > hi {
                    i = hi;
                }
                i
            }
        }
    };
    let start = adj(get(&s[0])?, if step < 0 { hi } else { lo });
    let stop = adj(get(&s[1])?, if step < 0 { lo } else { hi });
    let count = if step > 0 {
        if stop > start { ((stop - start - 1) / step + 1) as usize } else { 0 }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    Ok((start, stop, step, count))
}

fn slice_positions(start: i64, step: i64, count: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |k| (start + k as i64 * step) as usize)
}

fn norm_index(i: i64, len: usize, what: &str) -> PyResult<usize> {
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return Err(Exc::index_error(format!("{what} index out of range")));
    }
    Ok(j as usize)
}

fn index_type_error(container: &str, key: &Value) -> Exc {
    Exc::type_error(format!("{container} indices must be integers or slices, not {}", key.type_name()))
}

/// `v[key]`.
pub fn get_item(interp: &mut Interp, v: &Value, key: &Value) -> PyResult<Value> {
    match v {
        Value::List(l) => {
            if let Value::Slice(s) = key {
                let n = l.borrow().len();
                let (start, _, step, count) = slice_indices(interp, s, n)?;
                let b = l.borrow();
                return Ok(Value::list(slice_positions(start, step, count).filter_map(|i| b.get(i).cloned()).collect()));
            }
            let Some(i) = seq_index(interp, key)? else { return Err(index_type_error("list", key)) };
            let b = l.borrow();
            let i = norm_index(i, b.len(), "list")?;
            Ok(b[i].clone())
        }
        Value::Tuple(t) => {
            if let Value::Slice(s) = key {
                let (start, _, step, count) = slice_indices(interp, s, t.len())?;
                return Ok(Value::tuple(slice_positions(start, step, count).filter_map(|i| t.get(i).cloned()).collect()));
            }
            let Some(i) = seq_index(interp, key)? else { return Err(index_type_error("tuple", key)) };
            let i = norm_index(i, t.len(), "tuple")?;
            Ok(t[i].clone())
        }
        Value::Str(s) => {
            if let Value::Slice(sl) = key {
                if s.is_ascii() {
                    let (start, _, step, count) = slice_indices(interp, sl, s.len())?;
                    let bytes = s.as_bytes();
                    let out: String = slice_positions(start, step, count).map(|i| bytes[i] as char).collect();
                    return Ok(Value::Str(out.into()));
                }
                let chars: Vec<char> = s.chars().collect();
                let (start, _, step, count) = slice_indices(interp, sl, chars.len())?;
                let out: String = slice_positions(start, step, count).map(|i| chars[i]).collect();
                return Ok(Value::Str(out.into()));
            }
            let Some(i) = seq_index(interp, key)? else {
                return Err(Exc::type_error(format!("string indices must be integers, not '{}'", key.type_name())));
            };
            if s.is_ascii() {
                let i = norm_index(i, s.len(), "string")?;
                return Ok(Value::Str(s[i..i + 1].into()));
            }
            let n = s.chars().count();
            let i = norm_index(i, n, "string")?;
            Ok(Value::Str(s.chars().nth(i).map(|c| c.to_string()).unwrap_or_default().into()))
        }
        Value::Dict(d) => match dict_get(interp, d, key)? {
            Some(x) => Ok(x),
            None => Err(key_error(key.clone())),
        },
        Value::Object(o) => match o.get_item(v, key, interp)? {
            Some(x) => Ok(x),
            None => Err(Exc::type_error(format!("'{}' object is not subscriptable", o.type_name()))),
        },
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__getitem__") {
                let m = bind(interp, m, v, &i.class)?;
                return interp.call_value(&m, Args::new(vec![key.clone()]));
            }
            Err(Exc::type_error(format!("'{}' object is not subscriptable", i.class.name)))
        }
        Value::Class(c) if c.native.is_some() => Err(Exc::not_implemented(format!("generic alias {}[...] is not supported", c.name))),
        other => Err(Exc::type_error(format!("'{}' object is not subscriptable", other.type_name()))),
    }
}

/// `v[key] = x`.
pub fn set_item(interp: &mut Interp, v: &Value, key: &Value, x: Value) -> PyResult<()> {
    match v {
        Value::List(l) => {
            if let Value::Slice(s) = key {
                let items = super::iter::collect(interp, &x)?;
                let n = l.borrow().len();
                let (start, stop, step, count) = slice_indices(interp, s, n)?;
                let mut b = l.borrow_mut();
                if step == 1 {
                    let stop = stop.max(start) as usize;
                    b.splice(start as usize..stop, items);
                } else {
                    if items.len() != count {
                        return Err(Exc::value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {count}",
                            items.len()
                        )));
                    }
                    for (p, it) in slice_positions(start, step, count).zip(items) {
                        b[p] = it;
                    }
                }
                return Ok(());
            }
            let Some(i) = seq_index(interp, key)? else { return Err(index_type_error("list", key)) };
            let mut b = l.borrow_mut();
            let i = norm_index(i, b.len(), "list assignment")?;
            b[i] = x;
            Ok(())
        }
        Value::Dict(d) => dict_set_rc(interp, d, key.clone(), x),
        Value::Object(o) => {
            if o.set_item(key, x, interp)? {
                Ok(())
            } else {
                Err(Exc::type_error(format!("'{}' object does not support item assignment", o.type_name())))
            }
        }
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__setitem__") {
                let m = bind(interp, m, v, &i.class)?;
                interp.call_value(&m, Args::new(vec![key.clone(), x]))?;
                return Ok(());
            }
            Err(Exc::type_error(format!("'{}' object does not support item assignment", i.class.name)))
        }
        other => Err(Exc::type_error(format!("'{}' object does not support item assignment", other.type_name()))),
    }
}

/// `del v[key]`.
pub fn del_item(interp: &mut Interp, v: &Value, key: &Value) -> PyResult<()> {
    match v {
        Value::List(l) => {
            if let Value::Slice(s) = key {
                let n = l.borrow().len();
                let (start, _, step, count) = slice_indices(interp, s, n)?;
                let mut pos: Vec<usize> = slice_positions(start, step, count).collect();
                pos.sort_unstable();
                let mut b = l.borrow_mut();
                for p in pos.into_iter().rev() {
                    b.remove(p);
                }
                return Ok(());
            }
            let Some(i) = seq_index(interp, key)? else { return Err(index_type_error("list", key)) };
            let mut b = l.borrow_mut();
            let i = norm_index(i, b.len(), "list assignment")?;
            b.remove(i);
            Ok(())
        }
        Value::Dict(d) => match dict_del(interp, d, key)? {
            Some(_) => Ok(()),
            None => Err(key_error(key.clone())),
        },
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__delitem__") {
                let m = bind(interp, m, v, &i.class)?;
                interp.call_value(&m, Args::new(vec![key.clone()]))?;
                return Ok(());
            }
            Err(Exc::type_error(format!("'{}' object does not support item deletion", i.class.name)))
        }
        other => Err(Exc::type_error(format!("'{}' object does not support item deletion", other.type_name()))),
    }
}
