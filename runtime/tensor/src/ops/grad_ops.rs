//! The ops TensorFlow's gradients are built from: the fused elementwise
//! gradient ops (ReluGrad, EluGrad, SigmoidGrad, TanhGrad, SqrtGrad,
//! RsqrtGrad, ReciprocalGrad), BroadcastGradientArgs, StridedSliceGrad,
//! UnsortedSegmentSum (the dense gradient of GatherV2) and Cumprod (used by
//! Prod's gradient).

use crate::dispatch_all;
use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::grad::{array, math, nn};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::broadcast::incompatible;
use super::common::{
    alloc_check, arity, check_allowed, check_index_dtype, const_int, const_ints, dims_str, input, int_values, make,
    no_kernel, norm_axis, one, same_dtype, strides_of, tin, FLOAT_CPLX, REDUCE,
};
use super::elem::{to_data, Float, Num};
use super::index::{plan_strided_slice, SliceMasks};

fn ia(msg: String) -> TfError {
    TfError::invalid_argument(msg)
}

// ---------------------------------------------------------------- fused elementwise gradients

/// Shape rule of a `(a, b) -> same` gradient op: equal dtypes (float),
/// compatible shapes.
fn pair_infer(op: &str, inputs: &[InputInfo]) -> TfResult<Vec<TensorType>> {
    arity(op, inputs.len(), 2)?;
    let d = same_dtype(op, inputs, &[0, 1])?;
    check_allowed(op, d, &FLOAT_CPLX)?;
    let (a, b) = (&input(op, inputs, 0)?.ty.shape, &input(op, inputs, 1)?.ty.shape);
    if !a.is_compatible_with(b) {
        return Err(incompatible(a, b));
    }
    let shape = match (&a.dims, &b.dims) {
        (Some(x), Some(y)) => StaticShape::partial(x.iter().zip(y).map(|(p, q)| p.or(*q)).collect()),
        (Some(_), None) => a.clone(),
        _ => b.clone(),
    };
    one(d, shape)
}

/// Eigen evaluates `n - n % P` leading elements with packet code (`P` = 8
/// floats / 4 doubles with AVX) and the tail with scalar code; for some
/// functors the two round differently, so both forms are given.
fn pair_typed<T: Float>(a: &[T], b: &[T], packet: fn(T, T) -> T, scalar: fn(T, T) -> T) -> Vec<T> {
    let lanes = if T::DTYPE == DType::Float32 { 8 } else { 4 };
    let split = a.len() - a.len() % lanes;
    a.iter().zip(b).enumerate().map(|(i, (&x, &y))| if i < split { packet(x, y) } else { scalar(x, y) }).collect()
}

type PairFns<T> = (fn(T, T) -> T, fn(T, T) -> T);

/// Kernel of a `(a, b) -> same` gradient op with elementwise (packet, scalar) functions.
fn pair_kernel(op: &str, inputs: &[&Tensor], f32f: PairFns<f32>, f64f: PairFns<f64>) -> TfResult<Vec<Tensor>> {
    let (a, b) = (tin(op, inputs, 0)?, tin(op, inputs, 1)?);
    if a.shape() != b.shape() {
        return Err(ia(format!("Incompatible shapes: {} vs. {}", dims_str(a.shape()), dims_str(b.shape()))));
    }
    let s = a.shape().to_vec();
    let t = match (a.data(), b.data()) {
        (Data::F32(x), Data::F32(y)) => make(s, pair_typed(x, y, f32f.0, f32f.1))?,
        (Data::F64(x), Data::F64(y)) => make(s, pair_typed(x, y, f64f.0, f64f.1))?,
        _ => return Err(no_kernel(op, a.dtype())),
    };
    Ok(vec![t])
}

macro_rules! pair_op {
    ($def:ident, $name:literal, $grad:expr, |$a:ident, $b:ident| $e:expr) => {
        pair_op!($def, $name, $grad, |$a, $b| $e, scalar: $e);
    };
    ($def:ident, $name:literal, $grad:expr, |$a:ident, $b:ident| $e:expr, scalar: $s:expr) => {
        #[doc = concat!("`", $name, "`.")]
        pub static $def: OpDef = OpDef {
            name: $name,
            class: OpClass::Elementwise,
            infer: |i, _| pair_infer($name, i),
            kernel: |i, _| {
                fn p<T: Float>($a: T, $b: T) -> T {
                    $e
                }
                fn s<T: Float>($a: T, $b: T) -> T {
                    $s
                }
                pair_kernel($name, i, (p::<f32>, s::<f32>), (p::<f64>, s::<f64>))
            },
            grad: $grad,
        };
    };
}

// Formulas as Eigen's gradient functors (cwise_ops_gradients.h).
pair_op!(RELU_GRAD, "ReluGrad", Some(nn::relu_grad_grad), |g, x| g.mul(if x > T::zero() {
    T::one()
} else {
    T::zero()
}));
pair_op!(ELU_GRAD, "EluGrad", Some(nn::elu_grad_grad), |g, y| if y < T::zero() { g.mul(y.add(T::one())) } else { g });
pair_op!(SIGMOID_GRAD, "SigmoidGrad", Some(math::sigmoid_grad_grad), |y, dy| dy.mul(y.mul(T::one().sub(y))),
    scalar: dy.mul(y).mul(T::one().sub(y)));
pair_op!(TANH_GRAD, "TanhGrad", Some(math::tanh_grad_grad), |y, dy| dy.mul(T::one().sub(y.mul(y))));
pair_op!(SQRT_GRAD, "SqrtGrad", Some(math::sqrt_grad_grad), |y, dy| dy.mul(T::from_f64(0.5).div(y)),
    scalar: T::from_f64(0.5).mul(dy).div(y));
pair_op!(RSQRT_GRAD, "RsqrtGrad", Some(math::rsqrt_grad_grad), |y, dy| {
    T::from_f64(-0.5).mul(dy.mul(y)).mul(y.mul(y))
});
pair_op!(RECIPROCAL_GRAD, "ReciprocalGrad", Some(math::reciprocal_grad_grad), |y, dy| y.neg().mul(y).mul(dy));

// ---------------------------------------------------------------- BroadcastGradientArgs

fn bga_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "BroadcastGradientArgs";
    arity(OP, inputs.len(), 2)?;
    check_index_dtype(OP, inputs, 0, "T")?;
    let d = same_dtype(OP, inputs, &[0, 1])?;
    if let (Some(x), Some(y)) = (const_ints(input(OP, inputs, 0)?), const_ints(input(OP, inputs, 1)?)) {
        let (rx, ry) = crate::grad::build::bga_concrete(&x, &y).ok_or_else(|| bga_error(&x, &y))?;
        return Ok(vec![TensorType::known(d, &[rx.len()]), TensorType::known(d, &[ry.len()])]);
    }
    let v = TensorType::new(d, StaticShape::partial(vec![None]));
    Ok(vec![v.clone(), v])
}

fn bga_error(x: &[i64], y: &[i64]) -> TfError {
    let f = |v: &[i64]| format!("[{}]", v.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(","));
    ia(format!("Incompatible shapes: {} vs. {}", f(x), f(y)))
}

fn bga_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "BroadcastGradientArgs";
    let (a, b) = (tin(OP, inputs, 0)?, tin(OP, inputs, 1)?);
    for t in [a, b] {
        if t.rank() != 1 {
            return Err(ia(format!("In[0] must be a vector.{}", dims_str(t.shape()))));
        }
    }
    let (x, y) = (int_values(OP, a, "s0")?, int_values(OP, b, "s1")?);
    let (rx, ry) = crate::grad::build::bga_concrete(&x, &y).ok_or_else(|| bga_error(&x, &y))?;
    let mk = |v: Vec<i64>| -> Tensor {
        if a.dtype() == DType::Int64 {
            Tensor::vec_i64(v)
        } else {
            Tensor::vec_i32(v.into_iter().map(|e| e as i32).collect())
        }
    };
    Ok(vec![mk(rx), mk(ry)])
}

/// `BroadcastGradientArgs(s0, s1) -> (r0, r1)`: the axes over which each
/// operand's gradient must be summed after broadcasting.
pub static BROADCAST_GRADIENT_ARGS: OpDef =
    OpDef { name: "BroadcastGradientArgs", class: OpClass::Opaque, infer: bga_infer, kernel: bga_kernel, grad: None };

// ---------------------------------------------------------------- StridedSliceGrad

fn ssg_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "StridedSliceGrad";
    arity(OP, inputs.len(), 5)?;
    for i in 0..4 {
        check_index_dtype(OP, inputs, i, "Index")?;
    }
    let dy = input(OP, inputs, 4)?;
    let s = input(OP, inputs, 0)?;
    let shape = match const_ints(s) {
        Some(v) => StaticShape::known(&v.iter().map(|&d| d.max(0) as usize).collect::<Vec<_>>()),
        None => match s.ty.shape.dims.as_deref() {
            Some([Some(n)]) => StaticShape::partial(vec![None; *n]),
            _ => StaticShape::unknown_rank(),
        },
    };
    one(dy.ty.dtype, shape)
}

fn scatter_plan<T: Copy>(out: &mut [T], shape: &[usize], plan: &super::index::SlicePlan, dy: &[T]) {
    let st = strides_of(shape);
    let sizes: Vec<usize> = plan.dims.iter().map(|d| d.2.unwrap_or(0)).collect();
    let n: usize = sizes.iter().product();
    if n == 0 {
        return;
    }
    let r = sizes.len();
    let mut idx = vec![0usize; r];
    for &v in dy.iter().take(n) {
        let mut off: i64 = 0;
        for d in 0..r {
            let (b, s, _) = plan.dims[d];
            off += (b + s * idx[d] as i64) * st[d] as i64;
        }
        if let Some(slot) = usize::try_from(off).ok().and_then(|o| out.get_mut(o)) {
            *slot = v;
        }
        let mut d = r;
        while d > 0 {
            d -= 1;
            idx[d] += 1;
            if idx[d] < sizes[d] {
                break;
            }
            idx[d] = 0;
        }
    }
}

fn ssg_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "StridedSliceGrad";
    let shape = int_values(OP, tin(OP, inputs, 0)?, "shape")?;
    let b = int_values(OP, tin(OP, inputs, 1)?, "begin")?;
    let e = int_values(OP, tin(OP, inputs, 2)?, "end")?;
    let s = int_values(OP, tin(OP, inputs, 3)?, "strides")?;
    let dy = tin(OP, inputs, 4)?;
    if shape.iter().any(|&d| d < 0) {
        return Err(ia(format!("{OP}: shape must be non-negative")));
    }
    let dims: Vec<usize> = shape.iter().map(|&d| d as usize).collect();
    let opt: Vec<Option<usize>> = dims.iter().map(|&d| Some(d)).collect();
    let plan = plan_strided_slice(&opt, &b, &e, &s, SliceMasks::from_attrs(attrs))?;
    let final_shape: Vec<usize> = plan.final_shape.iter().map(|d| d.unwrap_or(0)).collect();
    if final_shape != dy.shape() {
        return Err(ia(format!("shape of dy was {} instead of {}", dims_str(dy.shape()), dims_str(&final_shape))));
    }
    let n = alloc_check(&dims, dy.dtype())?;
    let t = dispatch_all!(dy.data(), |v| {
        let mut out = vec![Default::default(); n];
        scatter_plan(&mut out, &dims, &plan, v);
        Tensor::new(dims.clone(), to_data(out))
    })?;
    Ok(vec![t])
}

/// `StridedSliceGrad(shape, begin, end, strides, dy; masks)`: `dy` scattered
/// into zeros of `shape` at the positions `StridedSlice` read.
pub static STRIDED_SLICE_GRAD: OpDef = OpDef {
    name: "StridedSliceGrad",
    class: OpClass::Opaque,
    infer: ssg_infer,
    kernel: ssg_kernel,
    grad: Some(array::strided_slice_grad_grad),
};

// ---------------------------------------------------------------- UnsortedSegmentSum

fn uss_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "UnsortedSegmentSum";
    arity(OP, inputs.len(), 3)?;
    let data = input(OP, inputs, 0)?;
    check_allowed(OP, data.ty.dtype, &REDUCE)?;
    check_index_dtype(OP, inputs, 1, "Tindices")?;
    check_index_dtype(OP, inputs, 2, "Tnumsegments")?;
    let ids = &input(OP, inputs, 1)?.ty.shape;
    let num = const_int(input(OP, inputs, 2)?).map(|n| n.max(0) as usize);
    let shape = match (&data.ty.shape.dims, ids.rank()) {
        (Some(d), Some(r)) => {
            if r > d.len() {
                return Err(ia(format!("Shape must be at least rank {r} but is rank {}", d.len())));
            }
            let mut out = vec![num];
            out.extend_from_slice(&d[r..]);
            StaticShape::partial(out)
        }
        _ => StaticShape::unknown_rank(),
    };
    one(data.ty.dtype, shape)
}

fn uss_typed<T: Num>(v: &[T], ids: &[i64], num: usize, inner: usize) -> TfResult<Vec<T>> {
    let mut out = vec![T::zero(); num * inner];
    for (k, &id) in ids.iter().enumerate() {
        if id < 0 {
            continue;
        }
        if id as usize >= num {
            return Err(ia(format!("segment_ids[{k}] = {id} is out of range [0, {num})")));
        }
        let (src, dst) = (k * inner, id as usize * inner);
        for j in 0..inner {
            if let (Some(&x), Some(slot)) = (v.get(src + j), out.get_mut(dst + j)) {
                *slot = slot.add(x);
            }
        }
    }
    Ok(out)
}

fn uss_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "UnsortedSegmentSum";
    let data = tin(OP, inputs, 0)?;
    let ids_t = tin(OP, inputs, 1)?;
    let ids = int_values(OP, ids_t, "segment_ids")?;
    let num = int_values(OP, tin(OP, inputs, 2)?, "num_segments")?.first().copied().unwrap_or(0);
    if num < 0 {
        return Err(ia(format!("Input num_segments == {num} must not be negative.")));
    }
    let r = ids_t.rank();
    if data.shape().get(..r) != Some(ids_t.shape()) {
        return Err(ia(format!(
            "data.shape = {} does not start with segment_ids.shape = {}",
            dims_str(data.shape()),
            dims_str(ids_t.shape())
        )));
    }
    let num = num as usize;
    let mut out_shape = vec![num];
    out_shape.extend_from_slice(&data.shape()[r..]);
    alloc_check(&out_shape, data.dtype())?;
    let inner: usize = data.shape()[r..].iter().product();
    let t = match data.data() {
        Data::F32(v) => make(out_shape, uss_typed(v, &ids, num, inner)?)?,
        Data::F64(v) => make(out_shape, uss_typed(v, &ids, num, inner)?)?,
        Data::I32(v) => make(out_shape, uss_typed(v, &ids, num, inner)?)?,
        Data::I64(v) => make(out_shape, uss_typed(v, &ids, num, inner)?)?,
        Data::Bool(_) => return Err(no_kernel(OP, DType::Bool)),
    };
    Ok(vec![t])
}

/// `UnsortedSegmentSum(data, segment_ids, num_segments)`: sums the slices of
/// `data` into `num_segments` rows by id (negative ids are dropped).
pub static UNSORTED_SEGMENT_SUM: OpDef = OpDef {
    name: "UnsortedSegmentSum",
    class: OpClass::Opaque,
    infer: uss_infer,
    kernel: uss_kernel,
    grad: Some(array::unsorted_segment_sum_grad),
};

// ---------------------------------------------------------------- Cumprod

fn cumprod_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Cumprod", inputs.len(), 2)?;
    let x = input("Cumprod", inputs, 0)?;
    check_allowed("Cumprod", x.ty.dtype, &REDUCE)?;
    check_index_dtype("Cumprod", inputs, 1, "Tidx")?;
    if let (Some(r), Some(a)) = (x.ty.shape.rank(), const_int(input("Cumprod", inputs, 1)?)) {
        norm_axis(a, r).ok_or_else(|| scan_axis_error(a, r))?;
    }
    Ok(vec![x.ty.clone()])
}

fn scan_axis_error(a: i64, rank: usize) -> TfError {
    ia(format!("ScanOp: Expected scan axis in the range [{}, {rank}), but got {a}", -(rank as i64)))
}

fn cumprod_typed<T: Num>(v: &[T], dims: &[usize], axis: usize, exclusive: bool, reverse: bool) -> Vec<T> {
    let outer: usize = dims[..axis].iter().product();
    let n = dims[axis];
    let inner: usize = dims[axis + 1..].iter().product();
    let mut out = vec![T::one(); v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let mut acc = T::one();
            for step in 0..n {
                let k = if reverse { n - 1 - step } else { step };
                let idx = (o * n + k) * inner + i;
                let x = v.get(idx).copied().unwrap_or_else(T::one);
                if exclusive {
                    if let Some(s) = out.get_mut(idx) {
                        *s = acc;
                    }
                    acc = acc.mul(x);
                } else {
                    acc = acc.mul(x);
                    if let Some(s) = out.get_mut(idx) {
                        *s = acc;
                    }
                }
            }
        }
    }
    out
}

fn cumprod_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Cumprod", inputs, 0)?;
    let a = int_values("Cumprod", tin("Cumprod", inputs, 1)?, "axis")?.first().copied().unwrap_or(0);
    let axis = norm_axis(a, x.rank()).ok_or_else(|| scan_axis_error(a, x.rank()))?;
    let (ex, rev) = (attrs.bool_or("exclusive", false), attrs.bool_or("reverse", false));
    let d = x.shape().to_vec();
    let t = match x.data() {
        Data::F32(v) => make(d.clone(), cumprod_typed(v, &d, axis, ex, rev))?,
        Data::F64(v) => make(d.clone(), cumprod_typed(v, &d, axis, ex, rev))?,
        Data::I32(v) => make(d.clone(), cumprod_typed(v, &d, axis, ex, rev))?,
        Data::I64(v) => make(d.clone(), cumprod_typed(v, &d, axis, ex, rev))?,
        Data::Bool(_) => return Err(no_kernel("Cumprod", DType::Bool)),
    };
    Ok(vec![t])
}

/// `Cumprod(x, axis; exclusive, reverse)`.
pub static CUMPROD: OpDef = OpDef {
    name: "Cumprod",
    class: OpClass::Opaque,
    infer: cumprod_infer,
    kernel: cumprod_kernel,
    grad: Some(math::cumprod_grad),
};

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::{run, run1};
    use crate::tensor::{Data, Tensor};

    #[test]
    fn broadcast_gradient_args_like_tf() {
        let r = run("BroadcastGradientArgs", &[&Tensor::vec_i32(vec![2, 1]), &Tensor::vec_i32(vec![1])], &attrs![])
            .unwrap();
        assert_eq!(r[0].data(), &Data::I32(vec![1]));
        assert_eq!(r[1].data(), &Data::I32(vec![0, 1]));
        let r =
            run("BroadcastGradientArgs", &[&Tensor::vec_i32(vec![1]), &Tensor::vec_i32(vec![1])], &attrs![]).unwrap();
        assert_eq!(r[0].num_elements() + r[1].num_elements(), 0);
        let e = run("BroadcastGradientArgs", &[&Tensor::vec_i32(vec![2, 3]), &Tensor::vec_i32(vec![4])], &attrs![])
            .unwrap_err();
        assert!(e.message.starts_with("Incompatible shapes: [2,3] vs. [4]"), "{}", e.message);
    }

    #[test]
    fn unsorted_segment_sum_like_tf() {
        let d = Tensor::new(vec![3, 2], Data::F32(vec![1., 2., 3., 4., 5., 6.])).unwrap();
        let r = run1("UnsortedSegmentSum", &[&d, &Tensor::vec_i32(vec![0, 2, 0]), &Tensor::scalar_i32(3)], &attrs![])
            .unwrap();
        assert_eq!(r.data(), &Data::F32(vec![6., 8., 0., 0., 3., 4.]));
        let e = run1("UnsortedSegmentSum", &[&d, &Tensor::vec_i32(vec![0, 5, 0]), &Tensor::scalar_i32(3)], &attrs![])
            .unwrap_err();
        assert!(e.message.starts_with("segment_ids[1] = 5 is out of range [0, 3)"), "{}", e.message);
    }
}
