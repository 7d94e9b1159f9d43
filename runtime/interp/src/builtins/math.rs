//! The `math` module.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::value::{Builtin, Module, Value};

fn to_f64(interp: &mut Interp, v: &Value, fname: &str) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
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

fn float_to_int(x: f64) -> PyResult<Value> {
    if x.is_nan() {
        return Err(Exc::value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(Exc::new("OverflowError", "cannot convert float infinity to integer"));
    }
    if x.abs() >= 9.223372036854775807e18 {
        return Err(crate::interp::operators::overflow());
    }
    Ok(Value::Int(x as i64))
}

fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a as i64
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
    unary(&m, "log2", f64::log2, |x| x > 0.0);
    unary(&m, "log10", f64::log10, |x| x > 0.0);
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
        let x = to_f64(interp, &x.unwrap_or(Value::None), "log")?;
        if x <= 0.0 {
            return Err(domain());
        }
        let r = match base {
            Some(b) => {
                let b = to_f64(interp, &b, "log")?;
                if b <= 0.0 {
                    return Err(domain());
                }
                let d = b.ln();
                if d == 0.0 {
                    return Err(Exc::new("ZeroDivisionError", "float division by zero"));
                }
                x.ln() / d
            }
            None => x.ln(),
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
                Value::Int(i) => Ok(Value::Int(i)),
                Value::Bool(b) => Ok(Value::Int(b as i64)),
                v => {
                    let x = to_f64(interp, &v, name)?;
                    float_to_int(f(x))
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
        let n = match x {
            Some(Value::Int(n)) => n,
            Some(Value::Bool(b)) => b as i64,
            Some(other) => {
                return Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name())))
            }
            None => 0,
        };
        if n < 0 {
            return Err(Exc::value_error("factorial() not defined for negative values"));
        }
        let mut acc: i64 = 1;
        for k in 2..=n {
            acc = acc.checked_mul(k).ok_or_else(crate::interp::operators::overflow)?;
        }
        Ok(Value::Int(acc))
    }));
    m.set("gcd", Builtin::value("gcd", |_, a: Args| {
        let mut g = 0i64;
        for v in &a.pos {
            match v {
                Value::Int(i) => g = gcd(g, *i),
                Value::Bool(b) => g = gcd(g, *b as i64),
                other => {
                    return Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name())))
                }
            }
        }
        Ok(Value::Int(g))
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
        let Some(Value::Int(n)) = x else { return Err(Exc::type_error("isqrt() argument must be an integer")) };
        if n < 0 {
            return Err(Exc::value_error("isqrt() argument must be nonnegative"));
        }
        let mut r = (n as f64).sqrt() as i64;
        while r.checked_mul(r).is_none_or(|sq| sq > n) {
            r -= 1;
        }
        while (r + 1).checked_mul(r + 1).is_some_and(|sq| sq <= n) {
            r += 1;
        }
        Ok(Value::Int(r))
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
