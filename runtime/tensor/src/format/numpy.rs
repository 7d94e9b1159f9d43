//! NumPy 2.4's `array2string`, `array_str` and `array_repr` with the default
//! print options (precision 8, floatmode `maxprec`, threshold 1000,
//! edgeitems 3, linewidth 75, sign `-`), ported from `numpy/_core/arrayprint.py`.

use super::dragon4::{positional, scientific, Fl, Opts, Trim};
use crate::dtype::DType;
use crate::tensor::{Data, Tensor};

/// NumPy's default print options.
const PRECISION: usize = 8;
const THRESHOLD: usize = 1000;
const EDGEITEMS: usize = 3;
const LINEWIDTH: usize = 75;

/// Python's `repr` of a shape tuple: `()`, `(3,)`, `(2, 0)`.
pub fn shape_tuple(shape: &[usize]) -> String {
    match shape {
        [] => "()".into(),
        [d] => format!("({d},)"),
        _ => {
            let parts: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", parts.join(", "))
        }
    }
}

/// Element `i` of a float tensor with its storage type.
fn float_at(data: &Data, i: usize) -> Fl {
    match data {
        Data::F32(v) => Fl::F32(v.get(i).copied().unwrap_or(f32::NAN)),
        Data::F64(v) => Fl::F64(v.get(i).copied().unwrap_or(f64::NAN)),
        _ => Fl::F64(f64::NAN),
    }
}

/// Element `i` of an integer tensor.
fn int_at(data: &Data, i: usize) -> i64 {
    match data {
        Data::I32(v) => v.get(i).map_or(0, |&x| x as i64),
        Data::I64(v) => v.get(i).copied().unwrap_or(0),
        _ => 0,
    }
}

fn bool_at(data: &Data, i: usize) -> bool {
    match data {
        Data::Bool(v) => v.get(i).copied().unwrap_or(false),
        _ => false,
    }
}

/// NumPy's `FloatingFormat` for the default options.
struct FloatFormat {
    exp_format: bool,
    precision: usize,
    min_digits: usize,
    trim: Trim,
    pad_left: usize,
    pad_right: usize,
    exp_size: Option<usize>,
}

/// `abs(max) >= cutoff or min < 1e-4 or max/min > 1e3`, evaluated in the
/// array's own float type as NumPy does (Python floats are weak scalars).
fn needs_exp(vals: &[Fl], is_f32: bool) -> bool {
    let nonzero: Vec<f64> = vals
        .iter()
        .map(|v| v.to_f64().abs())
        .filter(|&a| a != 0.0)
        .collect();
    if nonzero.is_empty() {
        return false;
    }
    let max = nonzero.iter().copied().fold(f64::MIN, f64::max);
    let min = nonzero.iter().copied().fold(f64::MAX, f64::min);
    if is_f32 {
        // 10.**min(8, finfo(float32).precision) == 1e6
        let (max, min) = (max as f32, min as f32);
        max >= 1e6f32 || min < 0.0001f32 || max / min > 1000f32
    } else {
        max >= 1e8 || min < 0.0001 || max / min > 1000.0
    }
}

impl FloatFormat {
    fn new(vals: &[Fl], is_f32: bool) -> FloatFormat {
        let finite: Vec<Fl> = vals
            .iter()
            .copied()
            .filter(|v| v.to_f64().is_finite())
            .collect();
        let exp_format = needs_exp(&finite, is_f32);
        let mut f = FloatFormat {
            exp_format,
            precision: PRECISION,
            min_digits: 0,
            trim: Trim::Zeros,
            pad_left: 0,
            pad_right: 0,
            exp_size: None,
        };
        let first = Opts {
            precision: Some(PRECISION),
            trim: Trim::Zeros,
            ..Opts::default()
        };
        if finite.is_empty() {
            // pad_left = pad_right = 0, trim '.', unique
        } else if exp_format {
            let mut int_len = 0;
            let mut frac_len = 0;
            let mut exp_len = 0;
            for &x in &finite {
                let s = scientific(x, &first);
                let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), ""));
                let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
                int_len = int_len.max(int_part.len());
                frac_len = frac_len.max(frac_part.len());
                exp_len = exp_len.max(exp.len());
            }
            let exp_size = exp_len.saturating_sub(1);
            f.exp_size = Some(exp_size);
            f.trim = Trim::Keep;
            f.precision = frac_len;
            f.min_digits = frac_len;
            f.pad_left = int_len;
            f.pad_right = exp_size + 2 + frac_len;
        } else {
            let mut int_len = 0;
            let mut frac_len = 0;
            for &x in &finite {
                let s = positional(x, &first);
                let (int_part, frac_part) = s.split_once('.').unwrap_or((s.as_str(), ""));
                int_len = int_len.max(int_part.len());
                frac_len = frac_len.max(frac_part.len());
            }
            f.pad_left = int_len;
            f.pad_right = frac_len;
        }
        if finite.len() != vals.len() {
            let neginf = vals.iter().any(|v| v.to_f64() == f64::NEG_INFINITY) as i64;
            let offset = f.pad_right as i64 + 1;
            let need = (3 - offset).max(3 + neginf - offset);
            f.pad_left = (f.pad_left as i64).max(need).max(0) as usize;
        }
        f
    }

    fn format(&self, x: Fl) -> String {
        let v = x.to_f64();
        if !v.is_finite() {
            let ret = if v.is_nan() {
                "nan"
            } else if v < 0.0 {
                "-inf"
            } else {
                "inf"
            };
            let width = self.pad_left + self.pad_right + 1;
            return format!("{ret:>width$}");
        }
        let o = Opts {
            precision: Some(self.precision),
            min_digits: Some(self.min_digits),
            unique: true,
            trim: self.trim,
            sign: false,
            pad_left: Some(self.pad_left),
            pad_right: if self.exp_format {
                None
            } else {
                Some(self.pad_right)
            },
            exp_digits: self.exp_size,
        };
        if self.exp_format {
            scientific(x, &o)
        } else {
            positional(x, &o)
        }
    }
}

/// The per-element formatter chosen from the (summarised) data.
enum ElemFormat {
    Float(FloatFormat),
    Int(usize),
    /// `BoolFormat`: `" True"` aligns with `"False"`, except in 0-d arrays.
    Bool {
        pad_true: bool,
    },
}

/// Flat indices of the elements NumPy keeps when summarising (`_leading_trailing`).
fn shown_indices(shape: &[usize], summarize: bool) -> Vec<usize> {
    let mut out = vec![0usize];
    for &dim in shape {
        let keep: Vec<usize> = if summarize && dim > 2 * EDGEITEMS {
            (0..EDGEITEMS).chain(dim - EDGEITEMS..dim).collect()
        } else {
            (0..dim).collect()
        };
        out = out
            .iter()
            .flat_map(|&base| keep.iter().map(move |&k| base * dim + k))
            .collect();
    }
    out
}

impl ElemFormat {
    fn new(t: &Tensor, summarize: bool) -> ElemFormat {
        let idx = shown_indices(t.shape(), summarize);
        let data = t.data();
        match t.dtype() {
            DType::Float32 | DType::Float64 => {
                let vals: Vec<Fl> = idx.iter().map(|&i| float_at(data, i)).collect();
                ElemFormat::Float(FloatFormat::new(&vals, t.dtype() == DType::Float32))
            }
            DType::Int32 | DType::Int64 => {
                let vals = idx.iter().map(|&i| int_at(data, i));
                let max = vals.clone().max().unwrap_or(0);
                let min = vals.min().unwrap_or(0);
                ElemFormat::Int(max.to_string().len().max(min.to_string().len()))
            }
            DType::Bool => ElemFormat::Bool {
                pad_true: t.rank() > 0,
            },
        }
    }

    fn format(&self, data: &Data, i: usize) -> String {
        match self {
            ElemFormat::Float(f) => f.format(float_at(data, i)),
            ElemFormat::Int(w) => format!("{:>w$}", int_at(data, i), w = *w),
            ElemFormat::Bool { pad_true } => match (bool_at(data, i), pad_true) {
                (true, true) => " True".into(),
                (true, false) => "True".into(),
                (false, _) => "False".into(),
            },
        }
    }
}

/// `_extendLine`: append `word`, wrapping first if the line would get too long.
fn extend_line(s: &mut String, line: &mut String, word: &str, width: usize, prefix: &str) {
    let needs_wrap = line.len() + word.len() > width && line.len() > prefix.len();
    if needs_wrap {
        s.push_str(line.trim_end());
        s.push('\n');
        *line = prefix.to_string();
    }
    line.push_str(word);
}

/// `_formatArray`'s recursion over one array.
struct ArrayFormatter<'a> {
    data: &'a Data,
    shape: &'a [usize],
    strides: Vec<usize>,
    fmt: ElemFormat,
    separator: &'a str,
    summarize: bool,
}

impl ArrayFormatter<'_> {
    /// Indices along `axis` shown before and after the `...` (if any).
    fn split(&self, axis: usize) -> (Vec<usize>, bool, Vec<usize>) {
        let n = self.shape[axis];
        if self.summarize && 2 * EDGEITEMS < n {
            ((0..EDGEITEMS).collect(), true, (n - EDGEITEMS..n).collect())
        } else {
            (Vec::new(), false, (0..n).collect())
        }
    }

    fn recurse(
        &self,
        axis: usize,
        offset: usize,
        hanging_indent: &str,
        curr_width: usize,
    ) -> String {
        if axis == self.shape.len() {
            return self.fmt.format(self.data, offset);
        }
        let axes_left = self.shape.len() - axis;
        let next_indent = format!("{hanging_indent} ");
        let next_width = curr_width.saturating_sub(1);
        let (leading, summary, trailing) = self.split(axis);
        let stride = self.strides[axis];
        let child =
            |i: usize| self.recurse(axis + 1, offset + i * stride, &next_indent, next_width);
        let mut s = String::new();
        if axes_left == 1 {
            let elem_width = curr_width.saturating_sub(1);
            let mut line = hanging_indent.to_string();
            for &i in &leading {
                extend_line(&mut s, &mut line, &child(i), elem_width, hanging_indent);
                line.push_str(self.separator);
            }
            if summary {
                extend_line(&mut s, &mut line, "...", elem_width, hanging_indent);
                line.push_str(self.separator);
            }
            if let Some((&last, rest)) = trailing.split_last() {
                for &i in rest {
                    extend_line(&mut s, &mut line, &child(i), elem_width, hanging_indent);
                    line.push_str(self.separator);
                }
                extend_line(&mut s, &mut line, &child(last), elem_width, hanging_indent);
            }
            s.push_str(&line);
        } else {
            let line_sep = format!(
                "{}{}",
                self.separator.trim_end(),
                "\n".repeat(axes_left - 1)
            );
            for &i in &leading {
                s.push_str(hanging_indent);
                s.push_str(&child(i));
                s.push_str(&line_sep);
            }
            if summary {
                s.push_str(hanging_indent);
                s.push_str("...");
                s.push_str(&line_sep);
            }
            if let Some((&last, rest)) = trailing.split_last() {
                for &i in rest {
                    s.push_str(hanging_indent);
                    s.push_str(&child(i));
                    s.push_str(&line_sep);
                }
                s.push_str(hanging_indent);
                s.push_str(&child(last));
            }
        }
        format!("[{}]", s.get(hanging_indent.len()..).unwrap_or(""))
    }
}

/// `np.array2string(a, separator=separator, prefix=prefix, suffix=suffix)`
/// with default options, for rank ≥ 1 (rank 0 formats the single element).
pub fn array2string(t: &Tensor, separator: &str, prefix: &str, suffix: &str) -> String {
    if t.num_elements() == 0 {
        return "[]".into();
    }
    let summarize = t.num_elements() > THRESHOLD;
    let shape = t.shape();
    let mut strides = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    let f = ArrayFormatter {
        data: t.data(),
        shape,
        strides,
        fmt: ElemFormat::new(t, summarize),
        separator,
        summarize,
    };
    let next_line_prefix = " ".repeat(1 + prefix.len());
    let width = LINEWIDTH.saturating_sub(suffix.len());
    f.recurse(0, 0, &next_line_prefix, width)
}

/// `str()` of the NumPy scalar at flat index 0 (`2.5`, `0.33333334`, `7`, `True`).
pub fn scalar_str(t: &Tensor) -> String {
    let data = t.data();
    match t.dtype() {
        DType::Float32 | DType::Float64 => super::dragon4::numpy_scalar_str(float_at(data, 0)),
        DType::Int32 | DType::Int64 => int_at(data, 0).to_string(),
        DType::Bool => if bool_at(data, 0) { "True" } else { "False" }.into(),
    }
}

/// `repr()` of the NumPy scalar at flat index 0 (`np.float32(2.5)`, `np.True_`).
pub fn scalar_repr(t: &Tensor) -> String {
    match t.dtype() {
        DType::Bool => if bool_at(t.data(), 0) {
            "np.True_"
        } else {
            "np.False_"
        }
        .into(),
        dt => format!("np.{}({})", dt.name(), scalar_str(t)),
    }
}

/// `str(a)` of an ndarray (rank 0: the scalar's `str`).
pub fn array_str(t: &Tensor) -> String {
    if t.rank() == 0 {
        return scalar_str(t);
    }
    array2string(t, " ", "", "")
}

/// `repr(a)` of an ndarray: `array([1., 2.], dtype=float32)`; rank 0 gives
/// the scalar's repr (`.numpy()` of a scalar tensor is a NumPy scalar).
pub fn array_repr(t: &Tensor) -> String {
    if t.rank() == 0 {
        return scalar_repr(t);
    }
    array_repr_nd(t)
}

/// `repr(a)` of an ndarray of any rank; a 0-d array is `array(2.5, dtype=float32)`.
pub fn array_repr_nd(t: &Tensor) -> String {
    let prefix = "array(";
    let lst = array2string(t, ", ", prefix, ")");
    let size = t.num_elements();
    let mut extras = Vec::new();
    if (size == 0 && t.shape() != [0]) || size > THRESHOLD {
        extras.push(format!("shape={}", shape_tuple(t.shape())));
    }
    let implied = matches!(t.dtype(), DType::Float64 | DType::Int64 | DType::Bool);
    if !implied || size == 0 {
        extras.push(format!("dtype={}", t.dtype().name()));
    }
    if extras.is_empty() {
        return format!("{prefix}{lst})");
    }
    let arr_str = format!("{prefix}{lst},");
    let extra_str = format!("{})", extras.join(", "));
    let last_line_len = arr_str.len() - arr_str.rfind('\n').map_or(0, |p| p + 1);
    let spacer = if last_line_len + extra_str.len() + 1 > LINEWIDTH {
        format!("\n{}", " ".repeat(prefix.len()))
    } else {
        " ".to_string()
    };
    format!("{arr_str}{spacer}{extra_str}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_arrays() {
        let t = Tensor::new(vec![3], Data::F32(vec![0.1, 1.5, -2.25])).unwrap();
        assert_eq!(array_str(&t), "[ 0.1   1.5  -2.25]");
        assert_eq!(
            array_repr(&t),
            "array([ 0.1 ,  1.5 , -2.25], dtype=float32)"
        );
        let t = Tensor::new(vec![2, 0], Data::F32(vec![])).unwrap();
        assert_eq!(array_repr(&t), "array([], shape=(2, 0), dtype=float32)");
        let t = Tensor::new(vec![2], Data::Bool(vec![true, false])).unwrap();
        assert_eq!(array_repr(&t), "array([ True, False])");
        assert_eq!(scalar_repr(&Tensor::scalar_i64(7)), "np.int64(7)");
    }
}
