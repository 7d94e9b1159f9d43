//! `tf.print`'s tensor text: TensorFlow's `Tensor::SummarizeValue(n, print_v2=true)`
//! (`tensorflow/core/framework/tensor.cc`), as the `StringFormat` op uses it.

use super::pyfloat::c_format_g;
use crate::tensor::{Data, Tensor};

/// `strings::StrCat(float)`: `%.6g`, or `%.9g` if that does not round-trip.
/// TF's op threads run with denormals-are-zero: a subnormal prints as a
/// signed zero (`0`, `-0`).
fn float_to_buffer(x: f32) -> String {
    let x = if x.is_subnormal() {
        0.0f32.copysign(x)
    } else {
        x
    };
    let s = c_format_g(x as f64, 6);
    if x.is_nan() || s.parse::<f32>().ok() == Some(x) {
        return s;
    }
    c_format_g(x as f64, 9)
}

/// `strings::StrCat(double)`: `%.15g`, or `%.17g` if that does not round-trip.
/// Subnormals print as a signed zero, as for float.
fn double_to_buffer(x: f64) -> String {
    let x = if x.is_subnormal() {
        0.0f64.copysign(x)
    } else {
        x
    };
    let s = c_format_g(x, 15);
    if x.is_nan() || s.parse::<f64>().ok() == Some(x) {
        return s;
    }
    c_format_g(x, 17)
}

/// `PrintOneElement(x, print_v2=true)`; bools print as `1` / `0`.
fn element(data: &Data, i: usize) -> String {
    match data {
        Data::F32(v) => v.get(i).map_or_else(String::new, |&x| float_to_buffer(x)),
        Data::F64(v) => v.get(i).map_or_else(String::new, |&x| double_to_buffer(x)),
        Data::I32(v) => v.get(i).map_or_else(String::new, |x| x.to_string()),
        Data::I64(v) => v.get(i).map_or_else(String::new, |x| x.to_string()),
        Data::Bool(v) => v
            .get(i)
            .map_or_else(String::new, |&x| (x as u8).to_string()),
    }
}

/// `PrintDimSpacing`: a space inside the innermost dimension, else newlines
/// (one per remaining dimension) and an indent of `dim_index + 1` spaces.
fn dim_spacing(dim_index: usize, num_dims: usize, out: &mut String) {
    if dim_index + 1 == num_dims {
        out.push(' ');
        return;
    }
    for _ in 0..num_dims - dim_index - 1 {
        out.push('\n');
    }
    for _ in 0..=dim_index {
        out.push(' ');
    }
}

/// `PrintOneDimV2`.
fn one_dim(
    dim_index: usize,
    shape: &[usize],
    ends: usize,
    data: &Data,
    index: usize,
    out: &mut String,
) {
    let num_dims = shape.len();
    if dim_index == num_dims {
        out.push_str(&element(data, index));
        return;
    }
    out.push('[');
    let count = shape[dim_index];
    let start_of_end = ends.max(count.saturating_sub(ends));
    let per_iter: usize = shape[dim_index + 1..].iter().product();
    for i in 0..ends.min(count) {
        if i > 0 {
            dim_spacing(dim_index, num_dims, out);
        }
        one_dim(dim_index + 1, shape, ends, data, index + per_iter * i, out);
    }
    if count > ends.saturating_mul(2) {
        dim_spacing(dim_index, num_dims, out);
        out.push_str("...");
    }
    for i in start_of_end..count {
        dim_spacing(dim_index, num_dims, out);
        one_dim(dim_index + 1, shape, ends, data, index + per_iter * i, out);
    }
    out.push(']');
}

/// How `tf.print` shows a tensor: the first and last `summarize` entries of
/// every dimension (`usize::MAX` for `summarize=-1`, i.e. everything).
/// Empty bool tensors (or `summarize=0` on bools) print as nothing, as in TF.
pub fn tf_print_tensor(t: &Tensor, summarize: usize) -> String {
    let num_elts = t.num_elements();
    let limit = summarize.min(num_elts);
    let mut out = String::new();
    if limit == 0 && matches!(t.data(), Data::Bool(_)) {
        // TF's bool path (`SummarizeArray`) prints nothing without data to show.
        return out;
    }
    if t.rank() == 0 {
        for i in 0..limit {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&element(t.data(), i));
        }
        if num_elts > limit {
            out.push_str("...");
        }
        return out;
    }
    one_dim(0, t.shape(), limit, t.data(), 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_and_summaries() {
        let t = Tensor::new(vec![2], Data::F32(vec![1.0, 2.5])).unwrap();
        assert_eq!(tf_print_tensor(&t, 3), "[1 2.5]");
        let t = Tensor::new(vec![3], Data::F32(vec![1.0 / 3.0, 123456789.0, -0.0])).unwrap();
        assert_eq!(tf_print_tensor(&t, 3), "[0.333333343 123456792 -0]");
        let t = Tensor::vec_i32((0..1000).collect());
        assert_eq!(tf_print_tensor(&t, 3), "[0 1 2 ... 997 998 999]");
        let t = Tensor::new(vec![2, 0], Data::F32(vec![])).unwrap();
        assert_eq!(tf_print_tensor(&t, 3), "[\n ...]");
    }
}
