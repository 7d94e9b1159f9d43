//! Text of values: `repr`, `str`, the format-spec mini-language
//! (`format`, f-strings), `%`-formatting and `str.format`.

use super::class::{bind, lookup_user};
use super::Interp;
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{Class, Value};
use std::rc::Rc;

/// Python's `repr` of a float.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    tfjit_tensor::format::py_float_repr(f)
}

fn non_printable(c: char) -> bool {
    let u = c as u32;
    u < 0x20
        || (0x7f..=0xa0).contains(&u)
        || u == 0xad
        || (0x2000..=0x200f).contains(&u) && u != 0x2010
        || (0x2028..=0x202f).contains(&u)
        || (0x205f..=0x2064).contains(&u)
        || u == 0x3000
        || u == 0xfeff
        || (0xd800..=0xdfff).contains(&u)
        || (0xe000..=0xf8ff).contains(&u)
        || u == 0x1680
        || (0xfff9..=0xfffb).contains(&u)
}

/// Python's `repr` of a str.
pub fn str_repr(s: &str) -> String {
    let q = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if non_printable(c) => {
                let u = c as u32;
                if u < 0x100 {
                    out.push_str(&format!("\\x{u:02x}"));
                } else if u < 0x10000 {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\U{u:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

/// `ascii()` of a repr string: escape non-ASCII.
pub fn ascii(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let u = c as u32;
        if u < 0x80 {
            out.push(c);
        } else if u < 0x100 {
            out.push_str(&format!("\\x{u:02x}"));
        } else if u < 0x10000 {
            out.push_str(&format!("\\u{u:04x}"));
        } else {
            out.push_str(&format!("\\U{u:08x}"));
        }
    }
    out
}

/// The module of a class for `<class 'mod.Name'>`.
pub fn class_module(c: &Rc<Class>) -> String {
    if let Some(Value::Str(m)) = c.attrs.borrow().get("__module__") {
        return m.to_string();
    }
    match c.native {
        Some("EagerTensor") => "tensorflow.python.framework.ops".into(),
        Some("ResourceVariable") => "tensorflow.python.ops.resource_variable_ops".into(),
        Some("TensorShape") => "tensorflow.python.framework.tensor_shape".into(),
        Some("DType") => "tensorflow.python.framework.dtypes".into(),
        Some("ndarray") => "numpy".into(),
        Some(_) => "builtins".into(),
        None => super::traceback::builtin_module(c),
    }
}

fn class_repr(c: &Rc<Class>) -> String {
    let m = class_module(c);
    let qual = match c.attrs.borrow().get("__qualname__") {
        Some(Value::Str(q)) => q.to_string(),
        _ => c.name.to_string(),
    };
    if m == "builtins" {
        format!("<class '{qual}'>")
    } else {
        format!("<class '{m}.{qual}'>")
    }
}

fn addr(v: &Value) -> String {
    format!("0x{:012x}", v.id())
}

fn call_str_dunder(interp: &mut Interp, v: &Value, name: &str) -> PyResult<Option<String>> {
    let Value::Instance(i) = v else { return Ok(None) };
    let Some(m) = lookup_user(&i.class, name) else { return Ok(None) };
    let m = bind(interp, m, v, &i.class)?;
    match interp.call_value(&m, Args::default())? {
        Value::Str(s) => Ok(Some(s.to_string())),
        other => Err(Exc::type_error(format!("{name} returned non-string (type {})", other.type_name()))),
    }
}

fn exc_args(v: &Value) -> Vec<Value> {
    if let Value::Instance(i) = v {
        if let Some(Value::Tuple(t)) = i.dict.borrow().get("args") {
            return t.as_ref().clone();
        }
    }
    vec![]
}

/// `str(e)` for an exception instance without `__str__`.
pub fn exception_str(interp: &mut Interp, v: &Value) -> PyResult<String> {
    let args = exc_args(v);
    let is_key = matches!(v, Value::Instance(i) if i.class.is_subclass_named("KeyError"));
    match args.len() {
        0 => Ok(String::new()),
        1 if is_key => repr(interp, &args[0]),
        1 => str(interp, &args[0]),
        _ => repr(interp, &Value::tuple(args)),
    }
}

/// `repr(e)` for an exception instance without `__repr__`.
pub fn exception_repr(interp: &mut Interp, v: &Value) -> PyResult<String> {
    let args = exc_args(v);
    let name = match v {
        Value::Instance(i) => i.class.name.to_string(),
        other => other.type_name(),
    };
    let mut parts = vec![];
    for a in &args {
        parts.push(repr(interp, a)?);
    }
    Ok(format!("{name}({})", parts.join(", ")))
}

fn seq_repr(interp: &mut Interp, items: &[Value], open: &str, close: &str, one_comma: bool) -> PyResult<String> {
    let mut out = String::from(open);
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&repr(interp, x)?);
    }
    if one_comma && items.len() == 1 {
        out.push(',');
    }
    out.push_str(close);
    Ok(out)
}

/// `repr(v)`.
pub fn repr(interp: &mut Interp, v: &Value) -> PyResult<String> {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_) | Value::Slice(_) | Value::BoundMethod(_) => {
            interp.enter_nested(" while getting the repr of an object")?;
            let r = repr_inner(interp, v);
            interp.leave_call();
            r
        }
        _ => repr_inner(interp, v),
    }
}

fn repr_inner(interp: &mut Interp, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::None => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(b) => super::int::to_decimal(b)?,
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(s),
        Value::List(l) => {
            let id = v.id();
            if interp.repr_guard.contains(&id) {
                return Ok("[...]".into());
            }
            interp.repr_guard.push(id);
            let items = l.borrow().clone();
            let r = seq_repr(interp, &items, "[", "]", false);
            interp.repr_guard.pop();
            r?
        }
        Value::Tuple(t) => {
            seq_repr(interp, t, "(", ")", true)?
        }
        Value::Dict(d) => {
            let id = v.id();
            if interp.repr_guard.contains(&id) {
                return Ok("{...}".into());
            }
            interp.repr_guard.push(id);
            let items: Vec<(Value, Value)> = d.borrow().items().map(|(k, v)| (k.clone(), v.clone())).collect();
            let mut out = String::from("{");
            let mut res = Ok(());
            for (i, (k, x)) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match (repr(interp, k), repr(interp, x)) {
                    (Ok(a), Ok(b)) => {
                        out.push_str(&a);
                        out.push_str(": ");
                        out.push_str(&b);
                    }
                    (Err(e), _) | (_, Err(e)) => {
                        res = Err(e);
                        break;
                    }
                }
            }
            interp.repr_guard.pop();
            res?;
            out.push('}');
            out
        }
        Value::Set(d) => {
            if d.borrow().is_empty() {
                return Ok("set()".into());
            }
            let items = crate::builtins::hash::set_order(interp, d);
            seq_repr(interp, &items, "{", "}", false)?
        }
        Value::Slice(s) => {
            format!("slice({}, {}, {})", repr(interp, &s[0])?, repr(interp, &s[1])?, repr(interp, &s[2])?)
        }
        Value::Ellipsis => "Ellipsis".into(),
        Value::Function(f) => format!("<function {} at {}>", f.qualname, addr(v)),
        Value::Builtin(b) => format!("<built-in function {}>", b.name),
        Value::BoundMethod(bm) => {
            let fname = match &bm.1 {
                Value::Function(f) => f.qualname.to_string(),
                Value::Builtin(b) => b.name.to_string(),
                other => other.type_name(),
            };
            let recv = repr(interp, &bm.0)?;
            format!("<bound method {fname} of {recv}>")
        }
        Value::Class(c) => class_repr(c),
        Value::Module(m) => {
            if &*m.name == "__main__" {
                "<module '__main__'>".into()
            } else {
                format!("<module '{}' (built-in)>", m.name)
            }
        }
        Value::Object(o) => o.repr(interp)?,
        Value::Instance(i) => {
            if let Some(s) = call_str_dunder(interp, v, "__repr__")? {
                return Ok(s);
            }
            if i.class.is_subclass_named("BaseException") {
                return exception_repr(interp, v);
            }
            let m = class_module(&i.class);
            let qual = match i.class.attrs.borrow().get("__qualname__") {
                Some(Value::Str(q)) => q.to_string(),
                _ => i.class.name.to_string(),
            };
            format!("<{m}.{qual} object at {}>", addr(v))
        }
    })
}

/// `str(v)`.
pub fn str(interp: &mut Interp, v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.to_string()),
        Value::Object(o) => o.str(interp),
        Value::Instance(i) => {
            if let Some(s) = call_str_dunder(interp, v, "__str__")? {
                return Ok(s);
            }
            if lookup_user(&i.class, "__repr__").is_none() && i.class.is_subclass_named("BaseException") {
                return exception_str(interp, v);
            }
            repr(interp, v)
        }
        _ => repr(interp, v),
    }
}

// ------------------------------------------------------------ format spec

/// A parsed format spec.
#[derive(Clone, Debug)]
pub struct Spec {
    pub fill: char,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub z: bool,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec { fill: ' ', align: None, sign: None, z: false, alt: false, zero: false, width: 0, grouping: None, precision: None, ty: None }
    }
}

/// Parse `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
pub fn parse_spec(spec: &str, tname: &str) -> PyResult<Spec> {
    let cs: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if cs.len() >= 2 && is_align(cs[1]) {
        s.fill = cs[0];
        s.align = Some(cs[1]);
        i = 2;
    } else if !cs.is_empty() && is_align(cs[0]) {
        s.align = Some(cs[0]);
        i = 1;
    }
    if i < cs.len() && matches!(cs[i], '+' | '-' | ' ') {
        s.sign = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() && cs[i] == 'z' {
        s.z = true;
        i += 1;
    }
    if i < cs.len() && cs[i] == '#' {
        s.alt = true;
        i += 1;
    }
    if i < cs.len() && cs[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < cs.len() && cs[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        let w: String = cs[start..i].iter().collect();
        s.width = w.parse().map_err(|_| Exc::value_error("Too many decimal digits in format string"))?;
    }
    if i < cs.len() && matches!(cs[i], ',' | '_') {
        s.grouping = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() && cs[i] == '.' {
        i += 1;
        let ps = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        if i == ps {
            return Err(Exc::value_error("Format specifier missing precision"));
        }
        let p: String = cs[ps..i].iter().collect();
        s.precision = Some(p.parse().map_err(|_| Exc::value_error("Too many decimal digits in format string"))?);
    }
    if i < cs.len() {
        s.ty = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() {
        return Err(Exc::value_error(format!("Invalid format specifier '{spec}' for object of type '{tname}'")));
    }
    if s.zero && s.align.is_none() {
        s.fill = '0';
        s.align = Some('=');
    }
    Ok(s)
}

fn group_digits(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Pad `sign + body` to the spec's width with its fill and alignment.
fn pad(spec: &Spec, sign: &str, body: &str, default_align: char) -> String {
    let len = sign.chars().count() + body.chars().count();
    if spec.width <= len {
        return format!("{sign}{body}");
    }
    let n = spec.width - len;
    let fill = |k: usize| std::iter::repeat(spec.fill).take(k).collect::<String>();
    match spec.align.unwrap_or(default_align) {
        '<' => format!("{sign}{body}{}", fill(n)),
        '^' => format!("{}{sign}{body}{}", fill(n / 2), fill(n - n / 2)),
        '=' => format!("{sign}{}{body}", fill(n)),
        _ => format!("{}{sign}{body}", fill(n)),
    }
}

fn sign_str(neg: bool, spec: &Spec) -> &'static str {
    if neg {
        "-"
    } else {
        match spec.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    }
}

/// Scientific notation with `p` digits after the point, Python style (`1.50e+03`).
pub fn fmt_exp(x: f64, p: usize, upper: bool, alt: bool) -> String {
    let s = format!("{:.*e}", p, x);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut mant = mant.to_string();
    if alt && p == 0 {
        mant.push('.');
    }
    let e = if upper { 'E' } else { 'e' };
    format!("{mant}{e}{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

fn strip_zeros(s: &str) -> String {
    if let Some((m, e)) = s.split_once(['e', 'E']) {
        let sep = if s.contains('E') { 'E' } else { 'e' };
        let m = if m.contains('.') { m.trim_end_matches('0').trim_end_matches('.') } else { m };
        return format!("{m}{sep}{e}");
    }
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// General format ('g'): `p` significant digits. `repr_style`: the no-type
/// variant (keeps `.0`, switches to exponent at `exp >= p - 1`).
fn fmt_general(x: f64, p: usize, upper: bool, alt: bool, repr_style: bool) -> String {
    let p = p.max(1);
    if x == 0.0 {
        let base = if alt { format!("{:.*}", p - 1, 0.0) } else { "0".into() };
        return if repr_style && !base.contains('.') { format!("{base}.0") } else { base };
    }
    let e = format!("{:.*e}", p - 1, x);
    let exp: i32 = e.split_once('e').and_then(|(_, x)| x.parse().ok()).unwrap_or(0);
    let limit = if repr_style { p as i32 - 1 } else { p as i32 };
    let s = if exp >= -4 && exp < limit {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let f = format!("{:.*}", decimals, x);
        let mut f = if alt { f } else { strip_zeros(&f) };
        if repr_style && !f.contains('.') {
            f.push_str(".0");
        }
        f
    } else {
        let f = fmt_exp(x, p - 1, upper, alt);
        if alt {
            f
        } else {
            strip_zeros(&f)
        }
    };
    if upper {
        s.to_uppercase()
    } else {
        s
    }
}

/// Format a float with a parsed spec.
pub fn format_float(x: f64, spec: &Spec) -> PyResult<String> {
    let upper = matches!(spec.ty, Some('F' | 'E' | 'G'));
    let mut neg = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let mut body = if !a.is_finite() {
        let t = if a.is_nan() { "nan" } else { "inf" };
        let t = if upper { t.to_uppercase() } else { t.to_string() };
        if spec.ty == Some('%') {
            format!("{t}%")
        } else {
            t
        }
    } else {
        match spec.ty {
            None => match spec.precision {
                None => float_repr(a),
                Some(p) => fmt_general(a, p, false, spec.alt, true),
            },
            Some('f' | 'F') => format!("{:.*}", spec.precision.unwrap_or(6), a),
            Some('e' | 'E') => fmt_exp(a, spec.precision.unwrap_or(6), upper, spec.alt),
            Some('g' | 'G' | 'n') => fmt_general(a, spec.precision.unwrap_or(6), upper, spec.alt, false),
            Some('%') => format!("{:.*}%", spec.precision.unwrap_or(6), a * 100.0),
            Some(c) => return Err(Exc::value_error(format!("Unknown format code '{c}' for object of type 'float'"))),
        }
    };
    if spec.alt && matches!(spec.ty, Some('f' | 'F' | '%')) && spec.precision == Some(0) && a.is_finite() {
        if let Some(stripped) = body.strip_suffix('%') {
            body = format!("{stripped}.%");
        } else {
            body.push('.');
        }
    }
    if spec.z && neg && body.chars().all(|c| matches!(c, '0' | '.' | '%' | 'e' | '+' | '-')) {
        neg = false;
    }
    if let Some(g) = spec.grouping {
        let end = body.find(|c: char| !c.is_ascii_digit()).unwrap_or(body.len());
        let (int, rest) = body.split_at(end);
        body = format!("{}{rest}", group_digits(int, g, 3));
    }
    Ok(pad(spec, sign_str(neg, spec), &body, '>'))
}

/// Format an int with a parsed spec.
pub fn format_int(i: i64, spec: &Spec) -> PyResult<String> {
    format_integer(IntRef::Small(i), spec)
}

/// Format an int value (`int`, `bool` or big int) with a parsed spec.
pub fn format_int_value(v: &Value, spec: &Spec) -> PyResult<String> {
    match v {
        Value::BigInt(b) => format_integer(IntRef::Big(b), spec),
        Value::Bool(b) => format_int(*b as i64, spec),
        Value::Int(i) => format_int(*i, spec),
        other => Err(Exc::type_error(format!("an integer is required, not {}", other.type_name()))),
    }
}

/// An int being formatted: 64-bit or big.
#[derive(Clone, Copy)]
enum IntRef<'a> {
    Small(i64),
    Big(&'a num_bigint::BigInt),
}

impl IntRef<'_> {
    fn is_negative(self) -> bool {
        match self {
            IntRef::Small(i) => i < 0,
            IntRef::Big(b) => super::int::is_negative(b),
        }
    }
    fn to_f64(self) -> PyResult<f64> {
        match self {
            IntRef::Small(i) => Ok(i as f64),
            IntRef::Big(b) => super::int::to_f64(b),
        }
    }
    /// Digits of the magnitude in `radix` (decimal is subject to the digit limit).
    fn digits(self, radix: u32, upper: bool) -> PyResult<String> {
        match self {
            IntRef::Small(i) => {
                let a = i.unsigned_abs();
                Ok(match (radix, upper) {
                    (2, _) => format!("{a:b}"),
                    (8, _) => format!("{a:o}"),
                    (16, false) => format!("{a:x}"),
                    (16, true) => format!("{a:X}"),
                    _ => a.to_string(),
                })
            }
            IntRef::Big(b) if radix == 10 => super::int::decimal_digits(b),
            IntRef::Big(b) => Ok(super::int::radix_digits(b, radix, upper)),
        }
    }
}

fn format_integer(i: IntRef, spec: &Spec) -> PyResult<String> {
    match spec.ty {
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => return format_float(i.to_f64()?, spec),
        _ => {}
    }
    if spec.precision.is_some() {
        return Err(Exc::value_error("Precision not allowed in integer format specifier"));
    }
    let neg = i.is_negative();
    let (digits, prefix, every) = match spec.ty {
        None | Some('d') | Some('n') => (i.digits(10, false)?, "", 3),
        Some('b') => (i.digits(2, false)?, "0b", 4),
        Some('o') => (i.digits(8, false)?, "0o", 4),
        Some('x') => (i.digits(16, false)?, "0x", 4),
        Some('X') => (i.digits(16, true)?, "0X", 4),
        Some('c') => {
            let IntRef::Small(i) = i else {
                return Err(Exc::new("OverflowError", "Python int too large to convert to C long"));
            };
            let c = char::from_u32(i as u32).filter(|_| i >= 0).ok_or_else(|| Exc::new("OverflowError", "%c arg not in range(0x110000)"))?;
            return Ok(pad(spec, "", &c.to_string(), '<'));
        }
        Some(c) => return Err(Exc::value_error(format!("Unknown format code '{c}' for object of type 'int'"))),
    };
    let digits = match spec.grouping {
        Some(g) => group_digits(&digits, g, every),
        None => digits,
    };
    let sign = format!("{}{}", sign_str(neg, spec), if spec.alt { prefix } else { "" });
    Ok(pad(spec, &sign, &digits, '>'))
}

/// Format a str with a parsed spec.
pub fn format_str(s: &str, spec: &Spec) -> PyResult<String> {
    if let Some(c) = spec.ty {
        if c != 's' {
            return Err(Exc::value_error(format!("Unknown format code '{c}' for object of type 'str'")));
        }
    }
    if spec.sign.is_some() {
        return Err(Exc::value_error("Sign not allowed in string format specifier"));
    }
    if spec.align == Some('=') {
        return Err(Exc::value_error("'=' alignment not allowed in string format specifier"));
    }
    let body: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad(spec, "", &body, '<'))
}

/// `format(v, spec)`.
pub fn format_value(interp: &mut Interp, v: &Value, spec: &str) -> PyResult<String> {
    match v {
        Value::Str(s) => {
            if spec.is_empty() {
                return Ok(s.to_string());
            }
            format_str(s, &parse_spec(spec, "str")?)
        }
        Value::Int(i) => {
            if spec.is_empty() {
                return Ok(i.to_string());
            }
            format_int(*i, &parse_spec(spec, "int")?)
        }
        Value::BigInt(b) => {
            if spec.is_empty() {
                return super::int::to_decimal(b);
            }
            format_integer(IntRef::Big(b), &parse_spec(spec, "int")?)
        }
        Value::Bool(b) => {
            if spec.is_empty() {
                return Ok(if *b { "True".into() } else { "False".into() });
            }
            format_int(*b as i64, &parse_spec(spec, "int")?)
        }
        Value::Float(f) => {
            if spec.is_empty() {
                return Ok(float_repr(*f));
            }
            format_float(*f, &parse_spec(spec, "float")?)
        }
        Value::Object(o) => match o.format(spec, interp)? {
            Some(s) => Ok(s),
            None if spec.is_empty() => o.str(interp),
            None => Err(Exc::type_error(format!("unsupported format string passed to {}.__format__", o.type_name()))),
        },
        Value::Instance(i) => {
            if let Some(m) = lookup_user(&i.class, "__format__") {
                let m = bind(interp, m, v, &i.class)?;
                return match interp.call_value(&m, Args::new(vec![Value::str(spec)]))? {
                    Value::Str(s) => Ok(s.to_string()),
                    other => Err(Exc::type_error(format!("__format__ must return a str, not {}", other.type_name()))),
                };
            }
            if spec.is_empty() {
                return str(interp, v);
            }
            Err(Exc::type_error(format!("unsupported format string passed to {}.__format__", i.class.name)))
        }
        other => {
            if spec.is_empty() {
                return str(interp, other);
            }
            Err(Exc::type_error(format!("unsupported format string passed to {}.__format__", other.type_name())))
        }
    }
}

// ------------------------------------------------------------ % formatting

fn as_int_for_format(interp: &mut Interp, v: &Value, conv: char) -> PyResult<Value> {
    match v {
        Value::Int(_) | Value::BigInt(_) => Ok(v.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) if matches!(conv, 'd' | 'i' | 'u') => {
            if f.is_nan() {
                return Err(Exc::value_error("cannot convert float NaN to integer"));
            }
            super::int::from_f64_trunc(*f)
        }
        Value::Object(o) => {
            if let Some(i) = o.to_index(interp)? {
                return Ok(Value::Int(i));
            }
            if matches!(conv, 'd' | 'i' | 'u') {
                if let Some(i) = o.to_int(interp)? {
                    return Ok(Value::Int(i));
                }
            }
            Err(Exc::type_error(format!("%{conv} format: a real number is required, not {}", o.type_name())))
        }
        other => Err(Exc::type_error(if matches!(conv, 'd' | 'i' | 'u') {
            format!("%{conv} format: a real number is required, not {}", other.type_name())
        } else {
            format!("%{conv} format: an integer is required, not {}", other.type_name())
        })),
    }
}

/// A `*` width or precision of `%`-formatting.
fn star_arg(interp: &mut Interp, v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(Exc::new("OverflowError", "Python int too large to convert to C int")),
        Value::Object(o) => o.to_index(interp)?.ok_or_else(|| Exc::type_error("* wants int")),
        _ => Err(Exc::type_error("* wants int")),
    }
}

fn as_float_for_format(interp: &mut Interp, v: &Value) -> PyResult<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => super::int::to_f64(b),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Float(f) => Ok(*f),
        Value::Object(o) => match o.to_float(interp)? {
            Some(f) => Ok(f),
            None => Err(Exc::type_error(format!("must be real number, not {}", o.type_name()))),
        },
        other => Err(Exc::type_error(format!("must be real number, not {}", other.type_name()))),
    }
}

/// `fmt % args`.
pub fn percent_format(interp: &mut Interp, fmt: &str, args: &Value) -> PyResult<String> {
    let mapping = match args {
        Value::Dict(_) => Some(args.clone()),
        _ => None,
    };
    let items: Vec<Value> = match args {
        Value::Tuple(t) => t.as_ref().clone(),
        other => vec![other.clone()],
    };
    let mut next_arg = 0usize;
    let mut used_mapping = false;
    let cs: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut i = 0;
    let take = |next_arg: &mut usize| -> PyResult<Value> {
        let v = items.get(*next_arg).cloned().ok_or_else(|| Exc::type_error("not enough arguments for format string"))?;
        *next_arg += 1;
        Ok(v)
    };
    while i < cs.len() {
        let c = cs[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if i >= cs.len() {
            return Err(Exc::value_error("incomplete format"));
        }
        let mut key: Option<String> = None;
        if cs[i] == '(' {
            let mut depth = 1;
            let ks = i + 1;
            i += 1;
            while i < cs.len() && depth > 0 {
                if cs[i] == '(' {
                    depth += 1;
                } else if cs[i] == ')' {
                    depth -= 1;
                }
                i += 1;
            }
            if depth > 0 {
                return Err(Exc::value_error("incomplete format key"));
            }
            key = Some(cs[ks..i - 1].iter().collect());
        }
        let mut spec = Spec::default();
        while i < cs.len() && matches!(cs[i], '-' | '+' | ' ' | '#' | '0') {
            match cs[i] {
                '-' => spec.align = Some('<'),
                '+' => spec.sign = Some('+'),
                ' ' => {
                    if spec.sign.is_none() {
                        spec.sign = Some(' ')
                    }
                }
                '#' => spec.alt = true,
                _ => spec.zero = true,
            }
            i += 1;
        }
        if i < cs.len() && cs[i] == '*' {
            let w = take(&mut next_arg)?;
            let w = star_arg(interp, &w)?;
            if w < 0 {
                spec.align = Some('<');
            }
            spec.width = w.unsigned_abs() as usize;
            i += 1;
        } else {
            let ws = i;
            while i < cs.len() && cs[i].is_ascii_digit() {
                i += 1;
            }
            if i > ws {
                spec.width = cs[ws..i].iter().collect::<String>().parse().unwrap_or(0);
            }
        }
        if i < cs.len() && cs[i] == '.' {
            i += 1;
            if i < cs.len() && cs[i] == '*' {
                let p = take(&mut next_arg)?;
                spec.precision = Some(star_arg(interp, &p)?.max(0) as usize);
                i += 1;
            } else {
                let ps = i;
                while i < cs.len() && cs[i].is_ascii_digit() {
                    i += 1;
                }
                spec.precision = Some(cs[ps..i].iter().collect::<String>().parse().unwrap_or(0));
            }
        }
        while i < cs.len() && matches!(cs[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if i >= cs.len() {
            return Err(Exc::value_error("incomplete format"));
        }
        let conv = cs[i];
        i += 1;
        if conv == '%' && key.is_none() {
            out.push('%');
            continue;
        }
        let v = match &key {
            Some(k) => {
                used_mapping = true;
                let Some(m) = &mapping else {
                    return Err(Exc::type_error("format requires a mapping"));
                };
                super::operators::get_item(interp, m, &Value::str(k))?
            }
            None => take(&mut next_arg)?,
        };
        let numeric = matches!(conv, 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G');
        if spec.zero && numeric && spec.align.is_none() {
            spec.fill = '0';
            spec.align = Some('=');
        }
        let piece = match conv {
            'd' | 'i' | 'u' => {
                let n = as_int_for_format(interp, &v, conv)?;
                let mut s = spec.clone();
                s.ty = Some('d');
                s.precision = None;
                format_int_value(&n, &s)?
            }
            'x' | 'X' | 'o' => {
                let n = as_int_for_format(interp, &v, conv)?;
                let mut s = spec.clone();
                s.ty = Some(conv);
                s.precision = None;
                format_int_value(&n, &s)?
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = as_float_for_format(interp, &v)?;
                let mut s = spec.clone();
                s.ty = Some(conv);
                if s.precision.is_none() {
                    s.precision = Some(6);
                }
                format_float(f, &s)?
            }
            's' | 'r' | 'a' => {
                let t = match conv {
                    's' => str(interp, &v)?,
                    'r' => repr(interp, &v)?,
                    _ => ascii(&repr(interp, &v)?),
                };
                let mut s = spec.clone();
                s.fill = ' ';
                if s.align != Some('<') {
                    s.align = Some('>');
                }
                s.sign = None;
                format_str(&t, &s)?
            }
            'c' => {
                let ch = match &v {
                    Value::Str(s) if s.chars().count() == 1 => s.to_string(),
                    Value::Int(n) => char::from_u32(*n as u32)
                        .filter(|_| *n >= 0)
                        .ok_or_else(|| Exc::new("OverflowError", "%c arg not in range(0x110000)"))?
                        .to_string(),
                    Value::BigInt(_) => return Err(Exc::new("OverflowError", "%c arg not in range(0x110000)")),
                    _ => return Err(Exc::type_error("%c requires int or char")),
                };
                let mut s = spec.clone();
                s.fill = ' ';
                if s.align != Some('<') {
                    s.align = Some('>');
                }
                s.sign = None;
                format_str(&ch, &s)?
            }
            other => {
                return Err(Exc::value_error(format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    i - 1
                )))
            }
        };
        let _ = start;
        out.push_str(&piece);
    }
    if mapping.is_none() && next_arg < items.len() {
        return Err(Exc::type_error("not all arguments converted during string formatting"));
    }
    let _ = used_mapping;
    Ok(out)
}

// --------------------------------------------------------------- str.format

/// `fmt.format(*args, **kwargs)`.
pub fn str_format(interp: &mut Interp, fmt: &str, args: &Args) -> PyResult<String> {
    let mut auto = 0usize;
    let mut mode = 0u8; // 0 unknown, 1 auto, 2 manual
    format_inner(interp, fmt, args, &mut auto, &mut mode, 0)
}

fn format_inner(interp: &mut Interp, fmt: &str, args: &Args, auto: &mut usize, mode: &mut u8, depth: usize) -> PyResult<String> {
    if depth > 2 {
        return Err(Exc::value_error("Max string recursion exceeded"));
    }
    let cs: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c == '{' {
            if cs.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            // find matching close brace
            let mut j = i + 1;
            let mut level = 1;
            while j < cs.len() {
                if cs[j] == '{' {
                    level += 1;
                } else if cs[j] == '}' {
                    level -= 1;
                    if level == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if j >= cs.len() {
                return Err(Exc::value_error("expected '}' before end of string"));
            }
            let field: String = cs[i + 1..j].iter().collect();
            i = j + 1;
            // split field_name ! conversion : spec
            let (name_conv, spec) = match field.find(':') {
                Some(p) => {
                    // a ':' inside [..] belongs to the name
                    (field[..p].to_string(), field[p + 1..].to_string())
                }
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match name_conv.find('!') {
                Some(p) => (name_conv[..p].to_string(), Some(name_conv[p + 1..].to_string())),
                None => (name_conv, None),
            };
            let v = resolve_field(interp, &name, args, auto, mode)?;
            let v = match conv.as_deref() {
                None => v,
                Some("r") => Value::Str(repr(interp, &v)?.into()),
                Some("s") => Value::Str(str(interp, &v)?.into()),
                Some("a") => Value::Str(ascii(&repr(interp, &v)?).into()),
                Some(_) => return Err(Exc::value_error("Unknown conversion specifier")),
            };
            let spec = if spec.contains('{') { format_inner(interp, &spec, args, auto, mode, depth + 1)? } else { spec };
            out.push_str(&format_value(interp, &v, &spec)?);
        } else if c == '}' {
            if cs.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(Exc::value_error("Single '}' encountered in format string"));
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

fn resolve_field(interp: &mut Interp, name: &str, args: &Args, auto: &mut usize, mode: &mut u8) -> PyResult<Value> {
    let end = name.find(['.', '[']).unwrap_or(name.len());
    let (first, mut rest) = name.split_at(end);
    let mut v = if first.is_empty() {
        if *mode == 2 {
            return Err(Exc::value_error("cannot switch from manual field specification to automatic field numbering"));
        }
        *mode = 1;
        let k = *auto;
        *auto += 1;
        args.pos.get(k).cloned().ok_or_else(|| {
            Exc::index_error(format!("Replacement index {k} out of range for positional args tuple"))
        })?
    } else if let Ok(k) = first.parse::<usize>() {
        if *mode == 1 {
            return Err(Exc::value_error("cannot switch from automatic field numbering to manual field specification"));
        }
        *mode = 2;
        args.pos.get(k).cloned().ok_or_else(|| {
            Exc::index_error(format!("Replacement index {k} out of range for positional args tuple"))
        })?
    } else {
        match args.kw.iter().find(|(k, _)| &**k == first) {
            Some((_, v)) => v.clone(),
            None => return Err(super::operators::key_error(Value::str(first))),
        }
    };
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let e = r.find(['.', '[']).unwrap_or(r.len());
            let attr = &r[..e];
            v = interp.get_attr(&v, attr)?;
            rest = &r[e..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(e) = r.find(']') else {
                return Err(Exc::value_error("Missing ']' in format string"));
            };
            let key = &r[..e];
            let k = match key.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => Value::str(key),
            };
            v = super::operators::get_item(interp, &v, &k)?;
            rest = &r[e + 1..];
        } else {
            return Err(Exc::value_error("Only '.' or '[' may follow ']' in format field specifier"));
        }
    }
    Ok(v)
}
