//! Decimal digits of binary floats, and Python's float formatting.
//!
//! Everything here rests on two primitives from Rust's standard library, both
//! exact: the shortest round-trip digits of an `f32`/`f64` (`{:e}`), and the
//! correctly rounded (round-half-even on the exact binary value) digits at a
//! fixed precision (`{:.N}` / `{:.Ne}`). These are the same digits CPython's
//! `dtoa.c`, glibc's `printf` and NumPy's Dragon4 produce.

/// The decimal digits of a finite float: `±d1.d2d3… × 10^exp`.
///
/// `digits` are ASCII digits without trailing zeros (zero itself is `"0"`
/// with `exp == 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Digits {
    pub neg: bool,
    pub digits: Vec<u8>,
    pub exp: i32,
}

impl Digits {
    /// Number of significant digits.
    pub fn len(&self) -> usize {
        self.digits.len()
    }
    /// Never true: a value has at least one digit (`"0"` for zero).
    pub fn is_empty(&self) -> bool {
        self.digits.is_empty()
    }
    /// True for the value zero.
    pub fn is_zero(&self) -> bool {
        self.digits == b"0"
    }
    /// Digits after the decimal point when written positionally.
    pub fn frac_len(&self) -> usize {
        (self.digits.len() as i64 - 1 - self.exp as i64).max(0) as usize
    }
}

/// Strip trailing zeros (keeping one digit); an all-zero string becomes zero.
fn normalize(neg: bool, mut digits: Vec<u8>, exp: i32) -> Digits {
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if digits.iter().all(|&d| d == b'0') {
        return Digits {
            neg,
            digits: vec![b'0'],
            exp: 0,
        };
    }
    Digits { neg, digits, exp }
}

/// Parse Rust's `{:e}` output of a non-negative finite value (`3.25e-1`).
fn parse_sci(neg: bool, s: &str) -> Digits {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    normalize(neg, digits, exp)
}

/// Scientific text of `d`'s magnitude that Rust's float parser reads back.
fn sci_text(d: &Digits) -> String {
    let (first, rest) = d.digits.split_at(1);
    format!(
        "{}.{}e{}",
        first[0] as char,
        String::from_utf8_lossy(rest),
        d.exp
    )
}

/// Among the shortest round-trip digit strings, the one closest to the exact
/// value, ties to an even last digit (as CPython's dtoa and NumPy's Dragon4).
/// Rust's shortest formatting rounds such exact ties up, so when the correctly
/// rounded digits of the same length also round-trip, they win.
fn closest_shortest(x: f64, d: Digits, round_trips: impl Fn(&str) -> bool) -> Digits {
    if d.is_zero() || !x.is_finite() {
        return d;
    }
    let e = exact_sig(x, d.len());
    if e != d && e.len() <= d.len() && round_trips(&sci_text(&e)) {
        e
    } else {
        d
    }
}

/// Shortest digits that round-trip as an `f64` (Python's `repr` digits).
pub fn shortest_f64(x: f64) -> Digits {
    let d = parse_sci(x.is_sign_negative(), &format!("{:e}", x.abs()));
    closest_shortest(x, d, |s| s.parse::<f64>().ok() == Some(x.abs()))
}

/// Shortest digits that round-trip as an `f32` (NumPy's float32 digits).
pub fn shortest_f32(x: f32) -> Digits {
    let d = parse_sci(x.is_sign_negative(), &format!("{:e}", x.abs()));
    closest_shortest(x as f64, d, |s| s.parse::<f32>().ok() == Some(x.abs()))
}

/// The exact value of `x` correctly rounded to `sig` (≥ 1) significant digits.
pub fn exact_sig(x: f64, sig: usize) -> Digits {
    let sig = sig.max(1);
    parse_sci(x.is_sign_negative(), &format!("{:.*e}", sig - 1, x.abs()))
}

/// The exact value of `x` correctly rounded to `frac` digits after the point.
pub fn exact_frac(x: f64, frac: usize) -> Digits {
    let s = format!("{:.*}", frac, x.abs());
    let (int_part, frac_part) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let all: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    let lead = all.iter().take_while(|&&d| d == b'0').count();
    if lead == all.len() {
        return Digits {
            neg: x.is_sign_negative(),
            digits: vec![b'0'],
            exp: 0,
        };
    }
    let exp = int_part.len() as i32 - 1 - lead as i32;
    normalize(x.is_sign_negative(), all[lead..].to_vec(), exp)
}

/// Positional text of `d` (no sign) with at least `min_frac` fraction digits;
/// `dot` forces a decimal point even with no fraction digits.
pub(crate) fn positional_body(d: &Digits, min_frac: usize, dot: bool) -> String {
    let digits = &d.digits;
    let mut s = String::new();
    let frac: Vec<u8> = if d.exp >= 0 {
        let whole = d.exp as usize + 1;
        for i in 0..whole {
            s.push(*digits.get(i).unwrap_or(&b'0') as char);
        }
        digits.get(whole..).map(|f| f.to_vec()).unwrap_or_default()
    } else {
        s.push('0');
        let mut f = vec![b'0'; (-(d.exp + 1)) as usize];
        f.extend_from_slice(digits);
        f
    };
    if !frac.is_empty() || dot || min_frac > 0 {
        s.push('.');
    }
    for &c in &frac {
        s.push(c as char);
    }
    for _ in frac.len()..min_frac {
        s.push('0');
    }
    s
}

/// Exponent suffix as C and Python write it: `e+05`, `e-10`, `e+100`.
pub(crate) fn exp_suffix(exp: i32, min_digits: usize) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("e{sign}{:0width$}", exp.unsigned_abs(), width = min_digits)
}

/// Scientific text of `d` (no sign): mantissa with `frac` fraction digits
/// (padded with zeros), no point when `frac == 0` unless `dot`.
pub(crate) fn scientific_body(d: &Digits, frac: usize, dot: bool) -> String {
    let mut s = String::new();
    s.push(d.digits[0] as char);
    if frac > 0 || dot {
        s.push('.');
    }
    for i in 1..=frac {
        s.push(*d.digits.get(i).unwrap_or(&b'0') as char);
    }
    s + &exp_suffix(d.exp, 2)
}

fn sign_prefix(neg: bool) -> &'static str {
    if neg {
        "-"
    } else {
        ""
    }
}

/// Python's names for non-finite floats (`nan`, `inf`, `-inf`), or `None`.
fn non_finite(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("nan".into())
    } else if f.is_infinite() {
        Some(if f < 0.0 { "-inf" } else { "inf" }.into())
    } else {
        None
    }
}

/// Python's `repr(float)` (and `str(float)`): shortest round-trip digits,
/// positional for exponents in `[-5, 16)`, else `1e-05` / `1.5e+16`.
pub fn py_float_repr(f: f64) -> String {
    if let Some(s) = non_finite(f) {
        return s;
    }
    let d = shortest_f64(f);
    let decpt = d.exp + 1;
    let body = if -4 < decpt && decpt <= 16 {
        positional_body(&d, 1, true)
    } else {
        let frac = d.len() - 1;
        scientific_body(&d, frac, false)
    };
    format!("{}{}", sign_prefix(d.neg), body)
}

/// NumPy's `str`/`repr` digits of a float32 scalar (`np.float32(x)`):
/// shortest digits that round-trip as float32, `0.1`, `0.33333334`, `1e+10`.
pub fn f32_shortest_repr(x: f32) -> String {
    super::dragon4::numpy_scalar_str(super::dragon4::Fl::F32(x))
}

/// Python's `'%.{precision}f' % f` / `format(f, '.{precision}f')`, correctly rounded.
pub fn format_fixed(f: f64, precision: usize) -> String {
    if let Some(s) = non_finite(f) {
        return s;
    }
    format!("{:.*}", precision, f)
}

/// Python's `'%.{precision}e' % f`: `1.234e+05`.
pub fn format_exp(f: f64, precision: usize) -> String {
    if let Some(s) = non_finite(f) {
        return s;
    }
    let d = exact_sig(f, precision + 1);
    format!(
        "{}{}",
        sign_prefix(d.neg),
        scientific_body(&d, precision, false)
    )
}

/// Python's `'%.{precision}g' % f` (`alternate` is the `#` flag, which keeps
/// trailing zeros). Precision 0 is treated as 1, as Python does.
pub fn format_general(f: f64, precision: usize, alternate: bool) -> String {
    general(f, precision, alternate, false)
}

/// Python's `format(f, '.{precision}')` (no presentation type): like `g`
/// but scientific from exponent `precision - 1` on, and a fixed-point result
/// always keeps a digit after the point (`100.0`).
pub fn format_no_type(f: f64, precision: usize) -> String {
    general(f, precision, false, true)
}

fn general(f: f64, precision: usize, alternate: bool, add_dot_0: bool) -> String {
    if let Some(s) = non_finite(f) {
        return s;
    }
    let p = precision.max(1);
    let d = exact_sig(f, p);
    let x = d.exp;
    // Without a presentation type, Python switches to scientific one exponent earlier.
    let sci_from = if add_dot_0 { p as i64 - 1 } else { p as i64 };
    let body = if -4 <= x && (x as i64) < sci_from {
        let frac = (p as i64 - 1 - x as i64).max(0) as usize;
        if alternate {
            positional_body(&d, frac, true)
        } else {
            positional_body(&d, 0, false)
        }
    } else if alternate {
        scientific_body(&d, p - 1, true)
    } else {
        scientific_body(&d, d.len() - 1, false)
    };
    let body = if add_dot_0 && !body.contains('.') && !body.contains('e') {
        body + ".0"
    } else {
        body
    };
    format!("{}{}", sign_prefix(d.neg), body)
}

/// Python's `round(f, ndigits)` for a float: the exact value correctly
/// rounded (ties to even) to `ndigits` decimal places (negative: tens,
/// hundreds, …), as CPython's `double_round`. `None` when the result
/// overflows (Python raises `OverflowError: rounded value too large to represent`).
pub fn py_round(f: f64, ndigits: i64) -> Option<f64> {
    if !f.is_finite() || f == 0.0 || ndigits > 323 {
        return Some(f);
    }
    if ndigits < -308 {
        return Some(0.0f64.copysign(f));
    }
    // The exact decimal expansion (a double has at most 1074 fraction digits).
    let exact = format!("{:.1080}", f.abs());
    let (int_part, frac_part) = exact.split_once('.').unwrap_or((exact.as_str(), ""));
    let all: Vec<u8> = int_part.bytes().chain(frac_part.bytes()).collect();
    let keep = int_part.len() as i64 + ndigits;
    if keep < 0 {
        return Some(0.0f64.copysign(f));
    }
    let keep = keep as usize;
    let mut kept: Vec<u8> = all[..keep.min(all.len())].to_vec();
    let rest = all.get(keep..).unwrap_or(&[]);
    let round_up = match rest.first() {
        Some(&d) if d > b'5' => true,
        Some(&b'5') => {
            rest[1..].iter().any(|&d| d != b'0')
                || kept.last().is_some_and(|&d| (d - b'0') % 2 == 1)
        }
        _ => false,
    };
    if round_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    if kept.is_empty() {
        kept.push(b'0');
    }
    let text = format!(
        "{}{}e{}",
        if f < 0.0 { "-" } else { "" },
        String::from_utf8_lossy(&kept),
        -ndigits
    );
    let r: f64 = text.parse().ok()?;
    r.is_finite().then_some(r)
}

/// C's `printf("%.{precision}g", f)` for finite `f` (glibc: `-0`, `1e+10`).
pub(crate) fn c_format_g(f: f64, precision: usize) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    general(f, precision, false, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_primitives() {
        assert_eq!(
            shortest_f32(0.1),
            Digits {
                neg: false,
                digits: b"1".to_vec(),
                exp: -1
            }
        );
        assert_eq!(shortest_f32(1.0 / 3.0).digits, b"33333334".to_vec());
        assert_eq!(exact_frac(0.125, 2).digits, b"12".to_vec());
        assert_eq!(
            exact_frac(0.996, 2),
            Digits {
                neg: false,
                digits: b"1".to_vec(),
                exp: 0
            }
        );
        assert_eq!(
            exact_sig(9.96, 2),
            Digits {
                neg: false,
                digits: b"1".to_vec(),
                exp: 1
            }
        );
        assert!(exact_frac(0.0001, 2).is_zero());
    }

    #[test]
    fn python_repr_basics() {
        assert_eq!(py_float_repr(0.1), "0.1");
        assert_eq!(py_float_repr(100.0), "100.0");
        assert_eq!(py_float_repr(1e-5), "1e-05");
        assert_eq!(py_float_repr(1e16), "1e+16");
        assert_eq!(py_float_repr(1.5e16), "1.5e+16");
        assert_eq!(py_float_repr(1e15), "1000000000000000.0");
        assert_eq!(py_float_repr(0.0001), "0.0001");
        assert_eq!(py_float_repr(-0.0), "-0.0");
        assert_eq!(py_float_repr(f64::NAN), "nan");
        assert_eq!(py_float_repr(f64::NEG_INFINITY), "-inf");
        assert_eq!(py_float_repr(0.1f32 as f64), "0.10000000149011612");
    }

    #[test]
    fn python_round() {
        assert_eq!(py_round(2.675, 2), Some(2.67));
        assert_eq!(py_round(0.125, 2), Some(0.12));
        assert_eq!(py_round(0.375, 2), Some(0.38));
        assert_eq!(py_round(1250.0, -2), Some(1200.0));
        assert_eq!(py_round(1250.4, -2), Some(1300.0));
        assert_eq!(py_round(-0.4, 0), Some(-0.0));
        assert_eq!(py_round(9.99, 1), Some(10.0));
        assert_eq!(py_round(1.7976931348623157e308, -308), None);
    }

    #[test]
    fn python_format_specs() {
        assert_eq!(format_fixed(2.675, 2), "2.67");
        assert_eq!(format_fixed(-0.04, 1), "-0.0");
        assert_eq!(format_exp(123456.0, 3), "1.235e+05");
        assert_eq!(format_exp(0.0, 2), "0.00e+00");
        assert_eq!(format_general(1e-5, 6, false), "1e-05");
        assert_eq!(format_general(123456789.0, 6, false), "1.23457e+08");
        assert_eq!(format_general(100.0, 6, false), "100");
        assert_eq!(format_general(100.0, 6, true), "100.000");
        assert_eq!(format_general(0.0001, 3, false), "0.0001");
        assert_eq!(format_no_type(10.0, 3), "10.0");
        assert_eq!(format_no_type(100.0, 3), "1e+02");
        assert_eq!(
            py_float_repr(f64::from_bits(0x430b7c7fae434fe2)),
            "967089024690684.2"
        );
        assert_eq!(format_no_type(1234.5, 3), "1.23e+03");
    }
}
