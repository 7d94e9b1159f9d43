//! NumPy's `dragon4_positional` / `dragon4_scientific` (`format_float_positional`
//! and `format_float_scientific`), ported from `numpy/_core/src/multiarray/dragon4.c`.
//!
//! Digit generation follows Dragon4's rules: in unique mode the shortest
//! digits that round-trip in the value's own type, cut off at `precision`
//! (then correctly rounded, ties to even) and extended to `min_digits`
//! (exact digits, correctly rounded); in non-unique mode the exact value
//! correctly rounded at `precision`.

use super::pyfloat::{exact_frac, exact_sig, shortest_f32, shortest_f64, Digits};

/// A float element with its storage type (float32 digits differ from float64's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fl {
    F32(f32),
    F64(f64),
}

impl Fl {
    /// The value widened to f64 (exact).
    pub fn to_f64(self) -> f64 {
        match self {
            Fl::F32(x) => x as f64,
            Fl::F64(x) => x,
        }
    }
    fn shortest(self) -> Digits {
        match self {
            Fl::F32(x) => shortest_f32(x),
            Fl::F64(x) => shortest_f64(x),
        }
    }
}

/// NumPy's `trim` argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trim {
    /// `'k'`: keep trailing zeros and the decimal point.
    Keep,
    /// `'.'`: trim trailing zeros, keep the decimal point.
    Zeros,
    /// `'0'`: trim all but one zero after the point.
    LeaveOneZero,
    /// `'-'`: trim trailing zeros and the decimal point.
    DptZeros,
}

/// Options of `format_float_positional` / `format_float_scientific`
/// (`None` stands for NumPy's `None` / `-1`).
#[derive(Clone, Copy, Debug)]
pub struct Opts {
    pub precision: Option<usize>,
    pub min_digits: Option<usize>,
    pub unique: bool,
    pub trim: Trim,
    pub sign: bool,
    pub pad_left: Option<usize>,
    pub pad_right: Option<usize>,
    pub exp_digits: Option<usize>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            precision: None,
            min_digits: None,
            unique: true,
            trim: Trim::Keep,
            sign: false,
            pad_left: None,
            pad_right: None,
            exp_digits: None,
        }
    }
}

/// Which digit a cutoff counts from.
#[derive(Clone, Copy)]
enum Cutoff {
    /// Digits after the decimal point (positional).
    Fraction,
    /// Significant digits (scientific; `precision + 1` of them).
    Total,
}

fn gen_digits(x: Fl, cutoff: Cutoff, o: &Opts) -> Digits {
    let v = x.to_f64();
    let round_at = |n: usize| match cutoff {
        Cutoff::Fraction => exact_frac(v, n),
        Cutoff::Total => exact_sig(v, n + 1),
    };
    let count = |d: &Digits| match cutoff {
        Cutoff::Fraction => d.frac_len(),
        Cutoff::Total => d.len() - 1,
    };
    if !o.unique {
        return round_at(o.precision.unwrap_or(0));
    }
    let d = x.shortest();
    if d.is_zero() {
        return d;
    }
    if let Some(p) = o.precision {
        if count(&d) > p {
            return round_at(p);
        }
    }
    if let Some(m) = o.min_digits {
        if count(&d) < m {
            return round_at(m);
        }
    }
    d
}

fn sign_str(neg: bool, plus: bool) -> &'static str {
    if neg {
        "-"
    } else if plus {
        "+"
    } else {
        ""
    }
}

/// Remove trailing zeros after the point as Dragon4 does when a precision is set.
fn trim_trailing(buf: &mut String, num_frac: &mut usize, trim: Trim) {
    while buf.ends_with('0') && *num_frac > 0 {
        buf.pop();
        *num_frac -= 1;
    }
    if buf.ends_with('.') {
        match trim {
            Trim::LeaveOneZero => {
                buf.push('0');
                *num_frac += 1;
            }
            Trim::DptZeros => {
                buf.pop();
            }
            _ => {}
        }
    }
}

/// `np.format_float_positional(x, ...)` (fractional=True) for a finite `x`.
pub fn positional(x: Fl, o: &Opts) -> String {
    let d = gen_digits(x, Cutoff::Fraction, o);
    let sign = sign_str(d.neg, o.sign);
    let mut buf = String::new();
    let num_whole;
    let mut num_frac;
    if d.exp >= 0 {
        num_whole = d.exp as usize + 1;
        for i in 0..num_whole {
            buf.push(*d.digits.get(i).unwrap_or(&b'0') as char);
        }
        num_frac = d.len().saturating_sub(num_whole);
        if num_frac > 0 {
            buf.push('.');
            for &c in &d.digits[num_whole..] {
                buf.push(c as char);
            }
        }
    } else {
        num_whole = 1;
        let zeros = (-(d.exp + 1)) as usize;
        buf.push_str("0.");
        buf.extend(std::iter::repeat_n('0', zeros));
        for &c in &d.digits {
            buf.push(c as char);
        }
        num_frac = zeros + d.len();
    }
    if o.trim != Trim::DptZeros && num_frac == 0 {
        buf.push('.');
    }
    if o.trim == Trim::LeaveOneZero {
        if num_frac == 0 {
            buf.push('0');
            num_frac += 1;
        }
    } else if o.trim == Trim::Keep {
        if let Some(p) = o.precision {
            while p > num_frac {
                buf.push('0');
                num_frac += 1;
            }
        }
    }
    if o.precision.is_some() && o.trim != Trim::Keep && num_frac > 0 {
        trim_trailing(&mut buf, &mut num_frac, o.trim);
    }
    if let Some(right) = o.pad_right {
        if right >= num_frac {
            if o.trim == Trim::DptZeros && num_frac == 0 {
                buf.push(' ');
            }
            buf.extend(std::iter::repeat_n(' ', right - num_frac));
        }
    }
    let mut out = String::new();
    if let Some(left) = o.pad_left {
        let have = num_whole + sign.len();
        if left > have {
            out.extend(std::iter::repeat_n(' ', left - have));
        }
    }
    out.push_str(sign);
    out.push_str(&buf);
    out
}

/// `np.format_float_scientific(x, ...)` for a finite `x`.
pub fn scientific(x: Fl, o: &Opts) -> String {
    let d = gen_digits(x, Cutoff::Total, o);
    let sign = sign_str(d.neg, o.sign);
    let mut buf = String::new();
    buf.push(d.digits[0] as char);
    let mut num_frac = d.len() - 1;
    if num_frac > 0 {
        buf.push('.');
        for &c in &d.digits[1..] {
            buf.push(c as char);
        }
    }
    if o.trim != Trim::DptZeros && num_frac == 0 {
        buf.push('.');
    }
    if o.trim == Trim::LeaveOneZero {
        if num_frac == 0 {
            buf.push('0');
            num_frac += 1;
        }
    } else if o.trim == Trim::Keep {
        if let Some(p) = o.precision {
            while p > num_frac {
                buf.push('0');
                num_frac += 1;
            }
        }
    }
    if o.precision.is_some() && o.trim != Trim::Keep && num_frac > 0 {
        while buf.ends_with('0') && num_frac > 0 {
            buf.pop();
            num_frac -= 1;
        }
        if o.trim == Trim::LeaveOneZero && buf.ends_with('.') {
            buf.push('0');
        }
    }
    let exp_digits = o.exp_digits.unwrap_or(2).min(5);
    buf.push_str(&super::pyfloat::exp_suffix(d.exp, exp_digits));
    let mut out = String::new();
    if let Some(left) = o.pad_left {
        let have = 1 + sign.len();
        if left > have {
            out.extend(std::iter::repeat_n(' ', left - have));
        }
    }
    out.push_str(sign);
    out.push_str(&buf);
    out
}

/// `str()` of a NumPy float scalar (`np.float32(x)` / `np.float64(x)`):
/// positional when `x == 0` or `1e-4 <= |x| < cutoff` (compared in double;
/// the cutoff is 1e16 for float64 and 1e6 for float32), else scientific;
/// `nan`, `inf`, `-inf`.
pub fn numpy_scalar_str(x: Fl) -> String {
    let v = x.to_f64();
    if v.is_nan() {
        return "nan".into();
    }
    if v.is_infinite() {
        return if v < 0.0 { "-inf" } else { "inf" }.into();
    }
    let a = v.abs();
    let cutoff = match x {
        Fl::F32(_) => 1e6,
        Fl::F64(_) => 1e16,
    };
    if a == 0.0 || (1e-4..cutoff).contains(&a) {
        positional(
            x,
            &Opts {
                trim: Trim::LeaveOneZero,
                ..Opts::default()
            },
        )
    } else {
        scientific(
            x,
            &Opts {
                trim: Trim::DptZeros,
                ..Opts::default()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(x: Fl, precision: Option<usize>, trim: Trim) -> String {
        positional(
            x,
            &Opts {
                precision,
                trim,
                ..Opts::default()
            },
        )
    }

    #[test]
    fn positional_basics() {
        assert_eq!(pos(Fl::F32(1.0), Some(8), Trim::Zeros), "1.");
        assert_eq!(pos(Fl::F32(1.0 / 3.0), Some(8), Trim::Zeros), "0.33333334");
        assert_eq!(pos(Fl::F64(1.0 / 3.0), Some(8), Trim::Zeros), "0.33333333");
        assert_eq!(pos(Fl::F64(-0.0), Some(8), Trim::Zeros), "-0.");
        assert_eq!(pos(Fl::F64(100.0), None, Trim::LeaveOneZero), "100.0");
        let o = Opts {
            precision: Some(8),
            min_digits: Some(0),
            trim: Trim::Zeros,
            pad_left: Some(3),
            pad_right: Some(2),
            ..Opts::default()
        };
        assert_eq!(positional(Fl::F32(2.5), &o), "  2.5 ");
    }

    #[test]
    fn scientific_basics() {
        let o = Opts {
            precision: Some(3),
            min_digits: Some(3),
            trim: Trim::Keep,
            pad_left: Some(1),
            exp_digits: Some(2),
            ..Opts::default()
        };
        assert_eq!(scientific(Fl::F32(1.0), &o), "1.000e+00");
        assert_eq!(numpy_scalar_str(Fl::F32(1e10)), "1e+10");
        assert_eq!(numpy_scalar_str(Fl::F32(1e-4)), "1e-04");
        assert_eq!(numpy_scalar_str(Fl::F64(1e-4)), "0.0001");
        assert_eq!(numpy_scalar_str(Fl::F32(0.1)), "0.1");
        assert_eq!(numpy_scalar_str(Fl::F64(1.5e20)), "1.5e+20");
    }
}
