//! The `math` module.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::{int, Interp};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use crate::value::{Builtin, Module, Value};

fn to_f64(interp: &mut Interp, v: &Value, fname: &str) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => int::to_f64(b),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::Object(o) => match o.to_float(interp)? {
            Some(f) => Ok(f),
            None => Err(Exc::type_error(format!("must be real number, not {}", o.type_name()))),
        },
        other => {
            let _ = fname;
            Err(Exc::type_error(format!("must be real number, not {}", other.type_name())))
        }
    }
}

fn domain() -> Exc {
    Exc::value_error("math domain error")
}

fn range_err() -> Exc {
    Exc::new("OverflowError", "math range error")
}

/// A one-argument float function with CPython's error rules.
fn unary(m: &Module, name: &'static str, f: fn(f64) -> f64, domain_ok: fn(f64) -> bool) {
    m.set(
        name,
        Builtin::value(name, move |interp, a: Args| {
            let [x] = a.bind(name, ["x"], 1)?;
            let x = to_f64(interp, &x.unwrap_or(Value::None), name)?;
            if x.is_nan() {
                return Ok(Value::Float(x));
            }
            if !domain_ok(x) {
                return Err(domain());
            }
            let r = f(x);
            if r.is_nan() {
                return Err(domain());
            }
            if r.is_infinite() && x.is_finite() {
                return Err(range_err());
            }
            Ok(Value::Float(r))
        }),
    );
}

/// `ln(x)` of a math-function argument; ints too large for a float are
/// scaled first (as CPython's `math.log` does).
fn ln_arg(interp: &mut Interp, v: &Value, fname: &str) -> PyResult<f64> {
    if let Value::BigInt(b) = v {
        if int::to_f64(b).is_err() {
            if int::is_negative(b) {
                return Err(domain());
            }
            let k = b.bits().saturating_sub(64);
            let top = int::to_f64(&(&**b >> k))?;
            return Ok(top.ln() + k as f64 * std::f64::consts::LN_2);
        }
    }
    let x = to_f64(interp, v, fname)?;
    if x.is_nan() {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain());
    }
    Ok(x.ln())
}

/// An integer argument of `factorial`/`gcd`/`isqrt`.
fn int_arg(v: Option<&Value>) -> PyResult<BigInt> {
    match v {
        Some(v) => int::as_big(v)
            .ok_or_else(|| Exc::type_error(format!("'{}' object cannot be interpreted as an integer", v.type_name()))),
        None => Ok(BigInt::zero()),
    }
}

/// Build the `math` module.
pub fn make_module(_interp: &mut Interp) -> Value {
    let m = Module::new("math");
    m.set("__name__", Value::str("math"));
    m.set("pi", Value::Float(std::f64::consts::PI));
    m.set("e", Value::Float(std::f64::consts::E));
    m.set("tau", Value::Float(std::f64::consts::TAU));
    m.set("inf", Value::Float(f64::INFINITY));
    m.set("nan", Value::Float(f64::NAN));
    let any = |_: f64| true;
    unary(&m, "sqrt", f64::sqrt, |x| x >= 0.0);
    unary(&m, "exp", f64::exp, any);
    unary(&m, "expm1", f64::exp_m1, any);
    for (name, scale) in [("log2", std::f64::consts::LOG2_E), ("log10", std::f64::consts::LOG10_E)] {
        m.set(name, Builtin::value(name, move |interp, a: Args| {
            let [x] = a.bind(name, ["x"], 1)?;
            let x = x.unwrap_or(Value::None);
            if let Value::BigInt(_) = x {
                return Ok(Value::Float(ln_arg(interp, &x, name)? * scale));
            }
            let x = to_f64(interp, &x, name)?;
            if x.is_nan() {
                return Ok(Value::Float(x));
            }
            if x <= 0.0 {
                return Err(domain());
            }
            Ok(Value::Float(if name == "log2" { x.log2() } else { x.log10() }))
        }));
    }
    unary(&m, "log1p", f64::ln_1p, |x| x > -1.0);
    unary(&m, "sin", f64::sin, |x| x.is_finite());
    unary(&m, "cos", f64::cos, |x| x.is_finite());
    unary(&m, "tan", f64::tan, |x| x.is_finite());
    unary(&m, "asin", f64::asin, |x| (-1.0..=1.0).contains(&x));
    unary(&m, "acos", f64::acos, |x| (-1.0..=1.0).contains(&x));
    unary(&m, "atan", f64::atan, any);
    unary(&m, "sinh", f64::sinh, any);
    unary(&m, "cosh", f64::cosh, any);
    unary(&m, "tanh", f64::tanh, any);
    unary(&m, "asinh", f64::asinh, any);
    unary(&m, "acosh", f64::acosh, |x| x >= 1.0);
    unary(&m, "atanh", f64::atanh, |x| x > -1.0 && x < 1.0);
    unary(&m, "fabs", f64::abs, any);
    unary(&m, "degrees", f64::to_degrees, any);
    unary(&m, "radians", f64::to_radians, any);
    unary(&m, "erf", erf, any);
    unary(&m, "erfc", |x| 1.0 - erf(x), any);
    unary(&m, "gamma", gamma, |x| !(x <= 0.0 && x.fract() == 0.0));
    unary(&m, "lgamma", |x| gamma(x).abs().ln(), |x| !(x <= 0.0 && x.fract() == 0.0));
    m.set("log", Builtin::value("log", |interp, a: Args| {
        let [x, base] = a.bind("log", ["x", "base"], 1)?;
        let lx = ln_arg(interp, &x.unwrap_or(Value::None), "log")?;
        let r = match base {
            Some(b) => {
                let d = ln_arg(interp, &b, "log")?;
                if d == 0.0 {
                    return Err(Exc::new("ZeroDivisionError", "float division by zero"));
                }
                lx / d
            }
            None => lx,
        };
        Ok(Value::Float(r))
    }));
    m.set("pow", Builtin::value("pow", |interp, a: Args| {
        let [x, y] = a.bind("pow", ["x", "y"], 2)?;
        let x = to_f64(interp, &x.unwrap_or(Value::None), "pow")?;
        let y = to_f64(interp, &y.unwrap_or(Value::None), "pow")?;
        if x == 0.0 && y < 0.0 {
            return Err(domain());
        }
        if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
            return Err(domain());
        }
        let r = x.powf(y);
        if r.is_infinite() && x.is_finite() && y.is_finite() {
            return Err(range_err());
        }
        Ok(Value::Float(r))
    }));
    m.set("atan2", Builtin::value("atan2", |interp, a: Args| {
        let [y, x] = a.bind("atan2", ["y", "x"], 2)?;
        let y = to_f64(interp, &y.unwrap_or(Value::None), "atan2")?;
        let x = to_f64(interp, &x.unwrap_or(Value::None), "atan2")?;
        Ok(Value::Float(y.atan2(x)))
    }));
    m.set("hypot", Builtin::value("hypot", |interp, a: Args| {
        let mut acc = 0.0f64;
        for v in &a.pos {
            let x = to_f64(interp, v, "hypot")?;
            acc = acc.hypot(x);
        }
        Ok(Value::Float(acc))
    }));
    m.set("copysign", Builtin::value("copysign", |interp, a: Args| {
        let [x, y] = a.bind("copysign", ["x", "y"], 2)?;
        let x = to_f64(interp, &x.unwrap_or(Value::None), "copysign")?;
        let y = to_f64(interp, &y.unwrap_or(Value::None), "copysign")?;
        Ok(Value::Float(x.copysign(y)))
    }));
    m.set("fmod", Builtin::value("fmod", |interp, a: Args| {
        let [x, y] = a.bind("fmod", ["x", "y"], 2)?;
        let x = to_f64(interp, &x.unwrap_or(Value::None), "fmod")?;
        let y = to_f64(interp, &y.unwrap_or(Value::None), "fmod")?;
        if y == 0.0 || x.is_infinite() {
            return Err(domain());
        }
        Ok(Value::Float(x % y))
    }));
    for (name, f) in [("floor", f64::floor as fn(f64) -> f64), ("ceil", f64::ceil), ("trunc", f64::trunc)] {
        m.set(name, Builtin::value(name, move |interp, a: Args| {
            let [x] = a.bind(name, ["x"], 1)?;
            match x.unwrap_or(Value::None) {
                v @ (Value::Int(_) | Value::BigInt(_)) => Ok(v),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                v => {
                    let x = to_f64(interp, &v, name)?;
                    int::from_f64_trunc(f(x))
                }
            }
        }));
    }
    m.set("isnan", Builtin::value("isnan", |interp, a: Args| {
        let [x] = a.bind("isnan", ["x"], 1)?;
        Ok(Value::Bool(to_f64(interp, &x.unwrap_or(Value::None), "isnan")?.is_nan()))
    }));
    m.set("isinf", Builtin::value("isinf", |interp, a: Args| {
        let [x] = a.bind("isinf", ["x"], 1)?;
        Ok(Value::Bool(to_f64(interp, &x.unwrap_or(Value::None), "isinf")?.is_infinite()))
    }));
    m.set("isfinite", Builtin::value("isfinite", |interp, a: Args| {
        let [x] = a.bind("isfinite", ["x"], 1)?;
        Ok(Value::Bool(to_f64(interp, &x.unwrap_or(Value::None), "isfinite")?.is_finite()))
    }));
    m.set("isclose", Builtin::value("isclose", |interp, mut a: Args| {
        let rel = a.take_kw("rel_tol");
        let abs = a.take_kw("abs_tol");
        let [x, y] = a.bind("isclose", ["a", "b"], 2)?;
        let x = to_f64(interp, &x.unwrap_or(Value::None), "isclose")?;
        let y = to_f64(interp, &y.unwrap_or(Value::None), "isclose")?;
        let rel = match rel {
            Some(v) => to_f64(interp, &v, "isclose")?,
            None => 1e-9,
        };
        let abs = match abs {
            Some(v) => to_f64(interp, &v, "isclose")?,
            None => 0.0,
        };
        if rel < 0.0 || abs < 0.0 {
            return Err(Exc::value_error("tolerances must be non-negative"));
        }
        if x == y {
            return Ok(Value::Bool(true));
        }
        if x.is_infinite() || y.is_infinite() {
            return Ok(Value::Bool(false));
        }
        let d = (x - y).abs();
        Ok(Value::Bool(d <= (rel * y).abs() || d <= (rel * x).abs() || d <= abs))
    }));
    m.set("factorial", Builtin::value("factorial", |_, a: Args| {
        let [x] = a.bind("factorial", ["n"], 1)?;
        let n = int_arg(x.as_ref())?;
        if n.is_negative() {
            return Err(Exc::value_error("factorial() not defined for negative values"));
        }
        let Some(n) = n.to_u64().filter(|n| (*n as f64) * (*n as f64).log2().max(1.0) <= int::MAX_BITS as f64) else {
            return Err(Exc::new("OverflowError", "factorial() argument should not exceed 9223372036854775807"));
        };
        let mut acc = BigInt::one();
        for k in 2..=n {
            acc *= k;
        }
        Ok(int::from_big(acc))
    }));
    m.set("gcd", Builtin::value("gcd", |_, a: Args| {
        let mut g = BigInt::zero();
        for v in &a.pos {
            g = g.gcd(&int_arg(Some(v))?);
        }
        Ok(int::from_big(g))
    }));
    m.set("prod", Builtin::value("prod", |interp, mut a: Args| {
        let start = a.take_kw("start").unwrap_or(Value::Int(1));
        let [it] = a.bind("prod", ["iterable"], 1)?;
        let items = interp.iterate(&it.unwrap_or(Value::None))?;
        let mut acc = start;
        for x in items {
            acc = crate::interp::operators::binary_op(interp, &acc, crate::value::BinOp::Mul, &x)?;
        }
        Ok(acc)
    }));
    m.set("fsum", Builtin::value("fsum", |interp, a: Args| {
        let [it] = a.bind("fsum", ["seq"], 1)?;
        let items = interp.iterate(&it.unwrap_or(Value::None))?;
        // Neumaier summation (exact enough for printing).
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for x in items {
            let x = to_f64(interp, &x, "fsum")?;
            let t = s + x;
            if s.abs() >= x.abs() {
                c += (s - t) + x;
            } else {
                c += (x - t) + s;
            }
            s = t;
        }
        Ok(Value::Float(s + c))
    }));
    m.set("isqrt", Builtin::value("isqrt", |_, a: Args| {
        let [x] = a.bind("isqrt", ["n"], 1)?;
        let n = match &x {
            Some(v) if int::is_int(v) => int_arg(Some(v))?,
            _ => return Err(Exc::type_error("isqrt() argument must be an integer")),
        };
        if n.is_negative() {
            return Err(Exc::value_error("isqrt() argument must be nonnegative"));
        }
        Ok(int::from_big(n.sqrt()))
    }));
    Value::Module(m)
}

fn erf(x: f64) -> f64 {
    // Abramowitz-Stegun 7.1.26 is too coarse; use a series / continued fraction.
    if x.is_nan() {
        return x;
    }
    let ax = x.abs();
    let r = if ax < 2.5 {
        // Maclaurin series
        let mut sum = ax;
        let mut term = ax;
        let x2 = ax * ax;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
            if n > 200.0 {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else if ax > 6.0 {
        1.0
    } else {
        // continued fraction for erfc
        let mut f = 0.0;
        let x2 = ax * ax;
        for k in (1..60).rev() {
            f = (k as f64 / 2.0) / (ax + f);
        }
        1.0 - (-x2).exp() / std::f64::consts::PI.sqrt() / (ax + f)
    };
    if x < 0.0 {
        -r
    } else {
        r
    }
}

fn gamma(x: f64) -> f64 {
    // Lanczos approximation (g=7, n=9)
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma(1.0 - x))
    } else {
        let x = x - 1.0;
        let mut a = C[0];
        let t = x + G + 0.5;
        for (i, c) in C.iter().enumerate().skip(1) {
            a += c / (x + i as f64);
        }
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
    }
}
