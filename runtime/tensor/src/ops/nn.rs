//! Neural-net ops: Relu, Softplus, Elu, Softmax, LogSoftmax (last axis) and
//! ClipByValue.

use crate::error::{TfError, TfResult};
use crate::op::{Attrs, InputInfo, OpClass, OpDef};
use crate::shape::TensorType;
use crate::tensor::{Data, Tensor};

use super::common::{
    arity, check_allowed, dims_str, input, make, no_kernel, same_dtype, static_dims_str, tin, FLOAT_NN, REAL,
};
use super::elem::{Float, Num};

fn ia(msg: String) -> TfError {
    TfError::invalid_argument(msg)
}

fn unary_infer(op: &str, inputs: &[InputInfo], allowed: &super::common::Allowed) -> TfResult<Vec<TensorType>> {
    arity(op, inputs.len(), 1)?;
    let x = input(op, inputs, 0)?;
    check_allowed(op, x.ty.dtype, allowed)?;
    Ok(vec![x.ty.clone()])
}

fn map_num(op: &str, x: &Tensor, f32f: fn(f32) -> f32, f64f: fn(f64) -> f64, i32f: Option<fn(i32) -> i32>, i64f: Option<fn(i64) -> i64>) -> TfResult<Vec<Tensor>> {
    let s = x.shape().to_vec();
    let t = match x.data() {
        Data::F32(v) => make(s, v.iter().map(|&e| f32f(e)).collect::<Vec<_>>())?,
        Data::F64(v) => make(s, v.iter().map(|&e| f64f(e)).collect::<Vec<_>>())?,
        Data::I32(v) if i32f.is_some() => {
            let f = i32f.unwrap_or(|e| e);
            make(s, v.iter().map(|&e| f(e)).collect::<Vec<_>>())?
        }
        Data::I64(v) if i64f.is_some() => {
            let f = i64f.unwrap_or(|e| e);
            make(s, v.iter().map(|&e| f(e)).collect::<Vec<_>>())?
        }
        _ => return Err(no_kernel(op, x.dtype())),
    };
    Ok(vec![t])
}

fn relu<T: Num>(x: T) -> T {
    // NaN propagates (max(x, 0) in Eigen keeps NaN).
    if x.is_nan() || x > T::zero() {
        x
    } else {
        T::zero()
    }
}

/// `Relu(features)`.
pub static RELU: OpDef = OpDef {
    name: "Relu",
    class: OpClass::Elementwise,
    infer: |i, _| unary_infer("Relu", i, &REAL),
    kernel: |i, _| map_num("Relu", tin("Relu", i, 0)?, relu, relu, Some(relu), Some(relu)),
    grad: Some(crate::grad::nn::relu_grad),
};

/// TF's softplus: `x` above `-log(eps) - 2`, `exp(x)` below `log(eps) + 2`, else `log1p(exp(x))`.
fn softplus<T: Float>(x: T) -> T {
    let threshold = T::epsilon().ln().add(T::from_f64(2.0));
    if x > threshold.neg() {
        x
    } else if x < threshold {
        x.exp()
    } else {
        x.exp().ln_1p()
    }
}

/// `Softplus(features)`.
pub static SOFTPLUS: OpDef = OpDef {
    name: "Softplus",
    class: OpClass::Elementwise,
    infer: |i, _| unary_infer("Softplus", i, &FLOAT_NN),
    kernel: |i, _| map_num("Softplus", tin("Softplus", i, 0)?, softplus, softplus, None, None),
    grad: Some(crate::grad::nn::softplus_grad),
};

fn elu<T: Float>(x: T) -> T {
    if x < T::zero() {
        x.exp().sub(T::one())
    } else {
        x
    }
}

/// `Elu(features)`.
pub static ELU: OpDef = OpDef {
    name: "Elu",
    class: OpClass::Elementwise,
    infer: |i, _| unary_infer("Elu", i, &FLOAT_NN),
    kernel: |i, _| map_num("Elu", tin("Elu", i, 0)?, elu, elu, None, None),
    grad: Some(crate::grad::nn::elu_grad),
};

// ---------------------------------------------------------------- softmax

fn softmax_rows<T: Float>(v: &[T], n: usize, log: bool) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    if n == 0 {
        return out;
    }
    for row in v.chunks(n) {
        let mut mx = T::lowest();
        for &x in row {
            mx = mx.max_nan(x);
        }
        let shifted: Vec<T> = row.iter().map(|&x| x.sub(mx)).collect();
        let mut sum = T::zero();
        for &s in &shifted {
            sum = sum.add(s.exp());
        }
        if log {
            let l = sum.ln();
            out.extend(shifted.iter().map(|&s| s.sub(l)));
        } else {
            let inv = T::one().div(sum);
            out.extend(shifted.iter().map(|&s| s.exp().mul(inv)));
        }
    }
    out
}

fn softmax_infer(op: &str, inputs: &[InputInfo]) -> TfResult<Vec<TensorType>> {
    let r = unary_infer(op, inputs, &FLOAT_NN)?;
    if let Some(t) = r.first() {
        if t.shape.rank() == Some(0) {
            return Err(ia("logits must have >= 1 dimension, got []".into()));
        }
    }
    Ok(r)
}

fn softmax_kernel(op: &str, inputs: &[&Tensor], log: bool) -> TfResult<Vec<Tensor>> {
    let x = tin(op, inputs, 0)?;
    let n = *x.shape().last().ok_or_else(|| ia("logits must have >= 1 dimension, got []".into()))?;
    let s = x.shape().to_vec();
    let t = match x.data() {
        Data::F32(v) => make(s, softmax_rows(v, n, log))?,
        Data::F64(v) => make(s, softmax_rows(v, n, log))?,
        _ => return Err(no_kernel(op, x.dtype())),
    };
    Ok(vec![t])
}

/// `Softmax(logits)` over the last axis.
pub static SOFTMAX: OpDef = OpDef {
    name: "Softmax",
    class: OpClass::Opaque,
    infer: |i, _| softmax_infer("Softmax", i),
    kernel: |i, _| softmax_kernel("Softmax", i, false),
    grad: Some(crate::grad::nn::softmax_grad),
};

/// `LogSoftmax(logits)` over the last axis.
pub static LOG_SOFTMAX: OpDef = OpDef {
    name: "LogSoftmax",
    class: OpClass::Opaque,
    infer: |i, _| softmax_infer("LogSoftmax", i),
    kernel: |i, _| softmax_kernel("LogSoftmax", i, true),
    grad: Some(crate::grad::nn::log_softmax_grad),
};

// ---------------------------------------------------------------- ClipByValue

fn clip_err(x: &str, lo: &str, hi: &str) -> TfError {
    ia(format!(
        "clip_value_min and clip_value_max must be either of the same shape as input, or a scalar. input shape: {x}clip_value_min shape: {lo}clip_value_max shape: {hi}"
    ))
}

fn clip_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("ClipByValue", inputs.len(), 3)?;
    let d = same_dtype("ClipByValue", inputs, &[0, 1, 2])?;
    check_allowed("ClipByValue", d, &REAL)?;
    let x = &input("ClipByValue", inputs, 0)?.ty.shape;
    let lo = &input("ClipByValue", inputs, 1)?.ty.shape;
    let hi = &input("ClipByValue", inputs, 2)?.ty.shape;
    let ok = |s: &crate::shape::StaticShape| {
        s.rank() == Some(0) || s.rank().is_none() || x.rank().is_none() || s.is_compatible_with(x)
    };
    if !ok(lo) || !ok(hi) {
        return Err(clip_err(&static_dims_str(x), &static_dims_str(lo), &static_dims_str(hi)));
    }
    Ok(vec![TensorType::new(d, x.clone())])
}

fn clip_typed<T: Num>(x: &[T], lo: &[T], hi: &[T]) -> Vec<T> {
    let pick = |v: &[T], i: usize| if v.len() == 1 { v[0] } else { v.get(i).copied().unwrap_or_else(T::zero) };
    x.iter()
        .enumerate()
        .map(|(i, &e)| {
            // TF: min(max(x, lo), hi)
            let a = if e < pick(lo, i) { pick(lo, i) } else { e };
            if a > pick(hi, i) {
                pick(hi, i)
            } else {
                a
            }
        })
        .collect()
}

fn clip_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let (x, lo, hi) = (tin("ClipByValue", inputs, 0)?, tin("ClipByValue", inputs, 1)?, tin("ClipByValue", inputs, 2)?);
    let fits = |t: &Tensor| t.rank() == 0 || t.shape() == x.shape();
    if !fits(lo) || !fits(hi) {
        return Err(clip_err(&dims_str(x.shape()), &dims_str(lo.shape()), &dims_str(hi.shape())));
    }
    let s = x.shape().to_vec();
    let t = match (x.data(), lo.data(), hi.data()) {
        (Data::F32(a), Data::F32(b), Data::F32(c)) => make(s, clip_typed(a, b, c))?,
        (Data::F64(a), Data::F64(b), Data::F64(c)) => make(s, clip_typed(a, b, c))?,
        (Data::I32(a), Data::I32(b), Data::I32(c)) => make(s, clip_typed(a, b, c))?,
        (Data::I64(a), Data::I64(b), Data::I64(c)) => make(s, clip_typed(a, b, c))?,
        _ => return Err(no_kernel("ClipByValue", x.dtype())),
    };
    Ok(vec![t])
}

/// `ClipByValue(t, clip_value_min, clip_value_max)`.
pub static CLIP_BY_VALUE: OpDef =
    OpDef { name: "ClipByValue", class: OpClass::Elementwise, infer: clip_infer, kernel: clip_kernel, grad: Some(crate::grad::math::clip_by_value_grad) };

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::run1;
    use crate::tensor::{Data, Tensor};

    #[test]
    fn softmax_matches_tf() {
        // TF: softmax([[1,2,3],[0.1,0.7,-3]]) (float32)
        let x = Tensor::new(vec![2, 3], Data::F32(vec![1.0, 2.0, 3.0, 0.1, 0.7, -3.0])).unwrap();
        let r = run1("Softmax", &[&x], &attrs![]).unwrap();
        let Data::F32(v) = r.data() else { panic!() };
        let tf = [0.09003056585788727f64, 0.2447284758090973, 0.6652408838272095, 0.3487761914730072, 0.6355116963386536, 0.015712087973952293];
        for (a, b) in v.iter().zip(tf) {
            assert!((*a as f64 - b).abs() < 1e-7, "{a} vs {b}");
        }
        let r = run1("LogSoftmax", &[&x], &attrs![]).unwrap();
        let Data::F32(v) = r.data() else { panic!() };
        assert!((v[0] as f64 - -2.4076058864593506).abs() < 1e-6);
    }

    #[test]
    fn clip_and_relu() {
        let x = Tensor::new(vec![3], Data::F32(vec![-2.0, 0.5, 3.0])).unwrap();
        let r = run1("ClipByValue", &[&x, &Tensor::scalar_f32(-1.0), &Tensor::scalar_f32(1.0)], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![-1.0, 0.5, 1.0]));
        let r = run1("Relu", &[&x], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![0.0, 0.5, 3.0]));
        let bad = Tensor::new(vec![2], Data::F32(vec![0.0, 0.0])).unwrap();
        assert!(run1("ClipByValue", &[&x, &bad, &Tensor::scalar_f32(1.0)], &attrs![]).is_err());
    }
}
