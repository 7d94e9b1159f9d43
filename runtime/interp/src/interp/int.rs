//! Python's arbitrary-precision `int`.
//!
//! Ints that fit in 64 bits are `Value::Int`; larger ones are
//! `Value::BigInt`, and every result goes through [`from_big`] so a value is
//! never a `BigInt` when it fits in an `i64` (the two variants never hold
//! equal numbers). This module has the slow path: arithmetic on big ints,
//! mixed int/float operations, conversions, hashing and the int ↔ str limit
//! of CPython (`sys.set_int_max_str_digits`, 4300 digits by default).

use crate::exc::{Exc, PyResult};
use crate::value::{BinOp, Value};
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};
use std::cell::Cell;
use std::cmp::Ordering;
use std::rc::Rc;

/// Largest int result an operation may build, in bits (8 MiB of digits):
/// beyond it a MemoryError is raised instead of running for minutes.
pub const MAX_BITS: u64 = 1 << 26;

/// CPython's default `sys.get_int_max_str_digits()`.
pub const DEFAULT_MAX_STR_DIGITS: usize = 4300;
/// CPython's smallest nonzero limit.
pub const MIN_MAX_STR_DIGITS: usize = 640;

thread_local! {
    static MAX_STR_DIGITS: Cell<usize> = const { Cell::new(DEFAULT_MAX_STR_DIGITS) };
}

/// `sys.get_int_max_str_digits()` (0 = no limit).
pub fn max_str_digits() -> usize {
    MAX_STR_DIGITS.with(|c| c.get())
}

/// `sys.set_int_max_str_digits(n)`.
pub fn set_max_str_digits(n: i64) -> PyResult<()> {
    if n != 0 && n < MIN_MAX_STR_DIGITS as i64 {
        return Err(Exc::value_error(format!("maxdigits must be 0 or larger than {MIN_MAX_STR_DIGITS}")));
    }
    MAX_STR_DIGITS.with(|c| c.set(n as usize));
    Ok(())
}

/// The int `b` as a value: `Value::Int` when it fits in an `i64`.
pub fn from_big(b: BigInt) -> Value {
    match b.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::BigInt(Rc::new(b)),
    }
}

/// The integer of an int-like core value (`int`, `bool`, big int).
pub fn as_big(v: &Value) -> Option<BigInt> {
    match v {
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::BigInt(b) => Some((**b).clone()),
        _ => None,
    }
}

/// Whether `v` is an int (or bool).
pub fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
}

fn memory_error() -> Exc {
    Exc::new("MemoryError", "")
}

/// CPython's error for an int that does not fit a C `ssize_t` index.
pub fn index_overflow() -> Exc {
    Exc::new("OverflowError", "cannot fit 'int' into an index-sized integer")
}

/// OverflowError of `float(big)`.
pub fn too_large_for_float() -> Exc {
    Exc::new("OverflowError", "int too large to convert to float")
}

/// `float(b)`, correctly rounded; OverflowError when out of range.
pub fn to_f64(b: &BigInt) -> PyResult<f64> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(too_large_for_float()),
    }
}

/// `int(f)` for a finite float (truncated toward zero).
pub fn from_f64_trunc(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(Exc::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(Exc::new("OverflowError", "cannot convert float infinity to integer"));
    }
    let t = f.trunc();
    if t.abs() < 9.2e18 {
        return Ok(Value::Int(t as i64));
    }
    Ok(from_big(BigInt::from_f64(t).unwrap_or_default()))
}

/// Exact comparison of an int with a float (`None` for NaN).
pub fn cmp_float(b: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let t = f.trunc();
    let bt = BigInt::from_f64(t).unwrap_or_default();
    match b.cmp(&bt) {
        Ordering::Equal => {
            let frac = f - t;
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

/// Python's `hash()` of an int.
pub fn hash(b: &BigInt) -> i64 {
    const MODULUS: u64 = (1u64 << 61) - 1;
    let m = BigInt::from(MODULUS);
    let r = (b.abs() % m).to_i64().unwrap_or(0);
    let h = if b.is_negative() { -r } else { r };
    if h == -1 {
        -2
    } else {
        h
    }
}

fn check_bits(bits: u64) -> PyResult<()> {
    if bits > MAX_BITS {
        return Err(memory_error());
    }
    Ok(())
}

/// `a ** e` for ints: an int for `e >= 0`, else a float.
pub fn pow(a: &BigInt, e: &BigInt) -> PyResult<Value> {
    if e.is_negative() {
        let (x, y) = (to_f64(a)?, to_f64(e).unwrap_or(f64::NEG_INFINITY));
        return Ok(Value::Float(super::operators::float_pow(x, y)?));
    }
    if a.is_zero() || a.is_one() {
        return Ok(from_big(if e.is_zero() { BigInt::one() } else { a.clone() }));
    }
    if *a == BigInt::from(-1) {
        return Ok(Value::Int(if e.is_even() { 1 } else { -1 }));
    }
    let Some(n) = e.to_u32().filter(|n| (*n as u64).saturating_mul(a.bits().saturating_sub(1).max(1)) <= MAX_BITS) else {
        return Err(memory_error());
    };
    Ok(from_big(num_traits::Pow::pow(a, n)))
}

/// `pow(b, e, m)`.
pub fn pow_mod(b: &BigInt, e: &BigInt, m: &BigInt) -> PyResult<Value> {
    if m.is_zero() {
        return Err(Exc::value_error("pow() 3rd argument cannot be 0"));
    }
    let (base, exp) = if e.is_negative() {
        let am = m.abs();
        let g = b.mod_floor(&am).extended_gcd(&am);
        if !g.gcd.is_one() {
            return Err(Exc::value_error("base is not invertible for the given modulus"));
        }
        (g.x.mod_floor(&am), -e)
    } else {
        (b.clone(), e.clone())
    };
    if m.abs().is_one() {
        return Ok(Value::Int(0));
    }
    Ok(from_big(base.modpow(&exp, m)))
}

/// `a / b` for ints, correctly rounded like CPython.
pub fn truediv(a: &BigInt, b: &BigInt) -> PyResult<f64> {
    if b.is_zero() {
        return Err(Exc::new("ZeroDivisionError", "division by zero"));
    }
    if a.bits() <= 53 && b.bits() <= 53 {
        let (x, y) = (a.to_f64().unwrap_or(0.0), b.to_f64().unwrap_or(1.0));
        return Ok(x / y);
    }
    if a.is_zero() {
        return Ok(if b.is_negative() { -0.0 } else { 0.0 });
    }
    let neg = a.is_negative() != b.is_negative();
    let (x, y) = (a.abs(), b.abs());
    // Scale so the quotient has at least 55 significant bits, then round once.
    let shift: i64 = y.bits() as i64 - x.bits() as i64 + 55;
    let (n, d) = if shift >= 0 { (x << shift as u64, y) } else { (x, y << (-shift) as u64) };
    let (mut q, r) = n.div_rem(&d);
    if !r.is_zero() {
        q |= BigInt::one();
    }
    let qf = q.to_f64().unwrap_or(f64::INFINITY);
    // qf * 2^-shift, in two steps so the intermediate never overflows early.
    let mut e = -shift;
    let mut v = qf;
    while e > 0 {
        let k = e.min(1000);
        v *= 2f64.powi(k as i32);
        e -= k;
    }
    while e < 0 {
        let k = (-e).min(1000);
        v /= 2f64.powi(k as i32);
        e += k;
    }
    if !v.is_finite() {
        return Err(Exc::new("OverflowError", "integer division result too large for a float"));
    }
    Ok(if neg { -v } else { v })
}

/// The shift count of `<<`/`>>` (ValueError when negative).
fn shift_count(b: &BigInt) -> PyResult<Option<u64>> {
    if b.is_negative() {
        return Err(Exc::value_error("negative shift count"));
    }
    Ok(b.to_u64())
}

/// `a <op> b` for two ints (`None` for `@`).
pub fn binop(a: &BigInt, op: BinOp, b: &BigInt) -> PyResult<Option<Value>> {
    Ok(Some(match op {
        BinOp::Add => from_big(a + b),
        BinOp::Sub => from_big(a - b),
        BinOp::Mul => {
            check_bits(a.bits() + b.bits())?;
            from_big(a * b)
        }
        BinOp::TrueDiv => Value::Float(truediv(a, b)?),
        BinOp::FloorDiv => {
            if b.is_zero() {
                return Err(Exc::new("ZeroDivisionError", "integer division or modulo by zero"));
            }
            from_big(a.div_floor(b))
        }
        BinOp::Mod => {
            if b.is_zero() {
                return Err(Exc::new("ZeroDivisionError", "integer modulo by zero"));
            }
            from_big(a.mod_floor(b))
        }
        BinOp::Pow => pow(a, b)?,
        BinOp::And => from_big(a & b),
        BinOp::Or => from_big(a | b),
        BinOp::Xor => from_big(a ^ b),
        BinOp::LShift => {
            let n = shift_count(b)?;
            if a.is_zero() {
                return Ok(Some(Value::Int(0)));
            }
            let Some(n) = n.filter(|n| *n < (1u64 << 62)) else {
                return Err(Exc::new("OverflowError", "too many digits in integer"));
            };
            check_bits(a.bits().saturating_add(n))?;
            from_big(a << n)
        }
        BinOp::RShift => {
            let n = shift_count(b)?;
            match n.filter(|n| *n < a.bits() + 1) {
                Some(n) => from_big(a >> n),
                None => Value::Int(if a.is_negative() { -1 } else { 0 }),
            }
        }
        BinOp::MatMul => return Ok(None),
    }))
}

/// `divmod(a, b)` for ints.
pub fn divmod(a: &BigInt, b: &BigInt) -> PyResult<(Value, Value)> {
    if b.is_zero() {
        return Err(Exc::new("ZeroDivisionError", "integer division or modulo by zero"));
    }
    let (q, r) = a.div_mod_floor(b);
    Ok((from_big(q), from_big(r)))
}

/// `round(a, -n)` for an int: round half to even to a multiple of `10**n`.
pub fn round_neg(a: &BigInt, n: u64) -> PyResult<Value> {
    if n as f64 * std::f64::consts::LOG2_10 > a.bits() as f64 + 4.0 {
        return Ok(Value::Int(0));
    }
    let p = num_traits::Pow::pow(&BigInt::from(10), n as u32);
    let (q, r) = a.div_mod_floor(&p);
    let twice: BigInt = &r * 2;
    let up = match twice.cmp(&p) {
        Ordering::Greater => true,
        Ordering::Equal => q.is_odd(),
        Ordering::Less => false,
    };
    let q = if up { q + 1 } else { q };
    Ok(from_big(q * p))
}

fn limit_error() -> Exc {
    Exc::value_error(format!(
        "Exceeds the limit ({} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
        max_str_digits()
    ))
}

/// Decimal digits of `|b|` (no sign), honouring the int → str digit limit.
pub fn decimal_digits(b: &BigInt) -> PyResult<String> {
    let limit = max_str_digits();
    if limit > 0 {
        // A lower bound of the digit count, to refuse before converting.
        let lower = ((b.bits().saturating_sub(1)) as f64 * std::f64::consts::LOG10_2).floor() as usize + 1;
        if lower > limit + 1 {
            return Err(limit_error());
        }
    }
    let s = b.magnitude().to_str_radix(10);
    if limit > 0 && s.len() > limit {
        return Err(limit_error());
    }
    Ok(s)
}

/// `str(b)` / `repr(b)`.
pub fn to_decimal(b: &BigInt) -> PyResult<String> {
    let d = decimal_digits(b)?;
    Ok(if b.is_negative() { format!("-{d}") } else { d })
}

/// Parse the digits of an int literal (no sign, prefix or underscores) in
/// `base`; `Ok(None)` when they are not valid digits. Decimal (and other
/// non-power-of-two) strings longer than the digit limit raise ValueError.
pub fn parse_digits(digits: &str, base: u32) -> PyResult<Option<BigInt>> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(base)) {
        return Ok(None);
    }
    let limit = max_str_digits();
    if limit > 0 && !base.is_power_of_two() && digits.len() > limit {
        return Err(Exc::value_error(format!(
            "Exceeds the limit ({limit} digits) for integer string conversion: value has {} digits; use sys.set_int_max_str_digits() to increase the limit",
            digits.len()
        )));
    }
    Ok(BigInt::parse_bytes(digits.as_bytes(), base))
}

/// `bin`/`oct`/`hex` digits of `|b|` (power-of-two bases have no limit).
pub fn radix_digits(b: &BigInt, radix: u32, upper: bool) -> String {
    let s = b.magnitude().to_str_radix(radix);
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

/// Sign of a big int.
pub fn is_negative(b: &BigInt) -> bool {
    b.sign() == Sign::Minus
}
