//! Reductions: Sum, Mean, Max, Min, Prod, Any, All (input, reduction_indices;
//! attr keep_dims), ArgMax/ArgMin (input, dimension; attr output_type) and
//! Cumsum (x, axis; attrs exclusive, reverse).

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::broadcast::for_each_offset;
use super::common::{
    alloc_check, arity, check_allowed, check_index_dtype, const_ints, dims_str, dtype_mismatch, input, make,
    norm_axis, one, strides_of, tin, Allowed, REDUCE,
};
use super::elem::{Elem, Num};

/// Which axes of a rank-`rank` tensor `axes` names, with TF's errors.
pub fn reduction_axes(axes: &[i64], rank: usize) -> TfResult<Vec<bool>> {
    let mut mask = vec![false; rank];
    for &a in axes {
        let i = norm_axis(a, rank).ok_or_else(|| {
            TfError::invalid_argument(format!(
                "Invalid reduction dimension ({a} for input with {rank} dimension(s)"
            ))
        })?;
        if mask[i] {
            return Err(TfError::invalid_argument(format!(
                "Invalid reduction arguments: Axes contains duplicate dimension: {i}"
            )));
        }
        mask[i] = true;
    }
    Ok(mask)
}

/// The output shape of reducing `dims` over `mask`.
fn reduced_dims<D: Clone>(dims: &[D], mask: &[bool], keep: bool, one_: D) -> Vec<D> {
    dims.iter()
        .zip(mask)
        .filter_map(|(d, &m)| if m { keep.then(|| one_.clone()) } else { Some(d.clone()) })
        .collect()
}

/// Shape rule shared by the seven reductions.
fn reduce_infer(op: &str, inputs: &[InputInfo], attrs: &Attrs, allowed: Option<&Allowed>) -> TfResult<Vec<TensorType>> {
    arity(op, inputs.len(), 2)?;
    let x = input(op, inputs, 0)?;
    match allowed {
        Some(a) => check_allowed(op, x.ty.dtype, a)?,
        None => {
            if x.ty.dtype != DType::Bool {
                return Err(dtype_mismatch(op, 0, DType::Bool, x.ty.dtype));
            }
        }
    }
    check_index_dtype(op, inputs, 1, "Tidx")?;
    let keep = attrs.bool_or("keep_dims", false);
    let axes = input(op, inputs, 1)?;
    let shape = match (&x.ty.shape.dims, const_ints(axes)) {
        (Some(dims), Some(ax)) => {
            let mask = reduction_axes(&ax, dims.len())?;
            StaticShape::partial(reduced_dims(dims, &mask, keep, Some(1)))
        }
        (Some(dims), None) if keep => StaticShape::partial(vec![None; dims.len()]),
        _ => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

/// Reduces `v` (shape `dims`) over `mask` with `f`, starting from `init`.
/// Returns the kept-dims output shape and values, plus the reduced count.
pub fn reduce_generic<T: Copy, A: Copy>(
    v: &[T],
    dims: &[usize],
    mask: &[bool],
    init: A,
    f: impl Fn(A, T) -> A,
) -> TfResult<(Vec<usize>, Vec<A>, usize)> {
    let out_keep: Vec<usize> = dims.iter().zip(mask).map(|(&d, &m)| if m { 1 } else { d }).collect();
    let n_out: usize = out_keep.iter().product();
    let count: usize = dims.iter().zip(mask).filter(|(_, &m)| m).map(|(&d, _)| d).product();
    let mut acc = vec![init; n_out];
    let in_strides = strides_of(dims);
    let os = strides_of(&out_keep);
    let out_strides: Vec<usize> = os.iter().zip(mask).map(|(&s, &m)| if m { 0 } else { s }).collect();
    if mask.iter().all(|&m| !m) {
        // Nothing reduced: fold each element once.
        return Ok((out_keep, v.iter().map(|&x| f(init, x)).collect(), 1));
    }
    for_each_offset(dims, [&in_strides, &out_strides], |[i, o]| {
        if let (Some(&x), Some(a)) = (v.get(i), acc.get_mut(o)) {
            *a = f(*a, x);
        }
    });
    Ok((out_keep, acc, count))
}

/// The reduction kind.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sum,
    Mean,
    Max,
    Min,
    Prod,
}

/// Sums `x` in the order Eigen's vectorized inner-most reducer does with
/// `p`-lane packets (AVX: 8 floats / 4 doubles): four packet accumulators
/// while ≥ 4p values remain, then one, then a scalar tail, then
/// `tail + horizontal_sum(packet)`. Matches TF's float sums bit for bit.
pub fn eigen_sum<T: Num>(x: &[T], p: usize) -> T {
    let n = x.len();
    let mut start = 0;
    let mut acc0 = vec![T::zero(); p];
    if n >= 4 * p {
        let mut accs = vec![vec![T::zero(); p]; 4];
        let v4 = (n / (4 * p)) * (4 * p);
        let mut j = 0;
        while j < v4 {
            for (a, acc) in accs.iter_mut().enumerate() {
                for (l, slot) in acc.iter_mut().enumerate() {
                    *slot = slot.add(x[j + a * p + l]);
                }
            }
            j += 4 * p;
        }
        acc0 = accs[0].clone();
        for acc in &accs[1..] {
            for (l, slot) in acc0.iter_mut().enumerate() {
                *slot = slot.add(acc[l]);
            }
        }
        start = v4;
    }
    if n >= p && start <= n - p {
        let v = (n / p) * p;
        let mut j = start;
        while j < v {
            for (l, slot) in acc0.iter_mut().enumerate() {
                *slot = slot.add(x[j + l]);
            }
            j += p;
        }
        start = v;
    }
    let mut tail = T::zero();
    for &e in &x[start..] {
        tail = tail.add(e);
    }
    // Horizontal sum: halve the packet repeatedly.
    let mut lanes = acc0;
    while lanes.len() > 1 {
        let h = lanes.len() / 2;
        lanes = (0..h).map(|i| lanes[i].add(lanes[i + h])).collect();
    }
    tail.add(lanes.first().copied().unwrap_or_else(T::zero))
}

/// If the reduced axes (ignoring size-1 dims) are exactly a trailing block,
/// the length of each contiguous reduced chunk.
fn trailing_chunk(dims: &[usize], mask: &[bool]) -> Option<usize> {
    let mut seen_reduced = false;
    for (&d, &m) in dims.iter().zip(mask) {
        if d == 1 {
            continue;
        }
        if m {
            seen_reduced = true;
        } else if seen_reduced {
            return None;
        }
    }
    Some(dims.iter().zip(mask).filter(|(_, &m)| m).map(|(&d, _)| d).product())
}

/// If the reduced axes (ignoring size-1 dims) are one contiguous block
/// followed by at least one kept dim of size > 1, the tensor as
/// `[outer, reduced, inner]`.
pub fn outer_block(dims: &[usize], mask: &[bool]) -> Option<(usize, usize, usize)> {
    let (mut outer, mut red, mut inner) = (1usize, 1usize, 1usize);
    // 0: kept dims before the block; 1: in the block; 2: kept dims after.
    let mut phase = 0;
    for (&d, &m) in dims.iter().zip(mask) {
        if d == 1 {
            continue;
        }
        match (phase, m) {
            (0, false) => outer *= d,
            (0, true) | (1, true) => {
                phase = 1;
                red *= d;
            }
            (1, false) | (2, false) => {
                phase = 2;
                inner *= d;
            }
            _ => return None,
        }
    }
    (phase == 2).then_some((outer, red, inner))
}

/// Sums `v` (as `[outer, r, inner]`) over its middle axis in the order of
/// Eigen's reducer when the inner-most dim is preserved (TF's `Sum` over
/// leading axes, e.g. a bias gradient). The output is evaluated in
/// `p`-element packets of flat output indices: a packet lying inside one
/// output row (`inner`) and inside the output sums each lane with four
/// accumulators over rows `j % 4` when `r >= 16` (combined as
/// `((a0 + a1) + a2) + a3`, then the remaining `r % 4` rows); every other
/// element sums its rows in order.
pub fn eigen_sum_outer<T: Num>(v: &[T], outer: usize, r: usize, inner: usize, p: usize) -> Vec<T> {
    let total = outer * inner;
    let full = total - total % p.max(1);
    let mut out = vec![T::zero(); total];
    let unrolled = if r >= 16 { r / 4 * 4 } else { 0 };
    for a in 0..outer {
        let base = a * r * inner;
        let mut accs = vec![vec![T::zero(); inner]; 4];
        for j in 0..unrolled {
            let row = &v[base + j * inner..base + (j + 1) * inner];
            for (s, &x) in accs[j % 4].iter_mut().zip(row) {
                *s = s.add(x);
            }
        }
        let (first, rest) = accs.split_at_mut(1);
        let four = &mut first[0];
        for other in rest.iter() {
            for (s, &x) in four.iter_mut().zip(other) {
                *s = s.add(x);
            }
        }
        for j in unrolled..r {
            let row = &v[base + j * inner..base + (j + 1) * inner];
            for (s, &x) in four.iter_mut().zip(row) {
                *s = s.add(x);
            }
        }
        for (c, &f) in four.iter().enumerate() {
            let o = a * inner + c;
            let pk = o - o % p.max(1);
            out[o] = if pk < full && pk % inner + p <= inner {
                f
            } else {
                (0..r).fold(T::zero(), |s, j| s.add(v[base + j * inner + c]))
            };
        }
    }
    out
}

fn reduce_num<T: Num>(v: &[T], dims: &[usize], mask: &[bool], kind: Kind, div: fn(T, usize) -> T) -> TfResult<(Vec<usize>, Vec<T>)> {
    let lanes = match T::DTYPE {
        DType::Float32 => 8,
        DType::Float64 => 4,
        _ => 0,
    };
    if lanes > 0 && matches!(kind, Kind::Sum | Kind::Mean) {
        if let Some(chunk) = trailing_chunk(dims, mask) {
            if chunk > 0 && mask.iter().any(|&m| m) {
                let shape: Vec<usize> = dims.iter().zip(mask).map(|(&d, &m)| if m { 1 } else { d }).collect();
                let vals: Vec<T> = v
                    .chunks(chunk)
                    .map(|c| {
                        let s = eigen_sum(c, lanes);
                        if kind == Kind::Mean {
                            div(s, chunk)
                        } else {
                            s
                        }
                    })
                    .collect();
                return Ok((shape, vals));
            }
        }
        if let Some((outer, r, inner)) = outer_block(dims, mask) {
            let shape: Vec<usize> = dims.iter().zip(mask).map(|(&d, &m)| if m { 1 } else { d }).collect();
            let sums = eigen_sum_outer(v, outer, r, inner, lanes);
            let vals = if kind == Kind::Mean { sums.into_iter().map(|s| div(s, r)).collect() } else { sums };
            return Ok((shape, vals));
        }
    }
    let (shape, vals, count) = match kind {
        Kind::Sum | Kind::Mean => reduce_generic(v, dims, mask, T::zero(), |a, x| a.add(x))?,
        Kind::Prod => reduce_generic(v, dims, mask, T::one(), |a, x| a.mul(x))?,
        Kind::Max => reduce_generic(v, dims, mask, T::lowest(), |a, x| a.max_nan(x))?,
        Kind::Min => reduce_generic(v, dims, mask, T::highest(), |a, x| a.min_nan(x))?,
    };
    let vals = if kind == Kind::Mean { vals.into_iter().map(|s| div(s, count)).collect() } else { vals };
    Ok((shape, vals))
}

fn finish<T: Elem>(shape_keep: Vec<usize>, mask: &[bool], keep: bool, vals: Vec<T>) -> TfResult<Tensor> {
    let shape = if keep { shape_keep } else { reduced_dims(&shape_keep, mask, false, 1) };
    make(shape, vals)
}

fn reduce_kernel(op: &str, inputs: &[&Tensor], attrs: &Attrs, kind: Kind) -> TfResult<Vec<Tensor>> {
    let x = tin(op, inputs, 0)?;
    let axes = super::common::int_values(op, tin(op, inputs, 1)?, "reduction_indices")?;
    let mask = reduction_axes(&axes, x.rank())?;
    let keep = attrs.bool_or("keep_dims", false);
    let d = x.shape();
    let t = match x.data() {
        Data::F32(v) => {
            let (s, r) = reduce_num(v, d, &mask, kind, |s, n| s / n as f32)?;
            finish(s, &mask, keep, r)?
        }
        Data::F64(v) => {
            let (s, r) = reduce_num(v, d, &mask, kind, |s, n| s / n as f64)?;
            finish(s, &mask, keep, r)?
        }
        Data::I32(v) => {
            let (s, r) = reduce_num(v, d, &mask, kind, |s, n| if n == 0 { 0 } else { s.wrapping_div(n as i32) })?;
            finish(s, &mask, keep, r)?
        }
        Data::I64(v) => {
            let (s, r) = reduce_num(v, d, &mask, kind, |s, n| if n == 0 { 0 } else { s.wrapping_div(n as i64) })?;
            finish(s, &mask, keep, r)?
        }
        Data::Bool(_) => return Err(check_allowed(op, DType::Bool, &REDUCE).err().unwrap_or_else(|| TfError::invalid_argument("bool"))),
    };
    Ok(vec![t])
}

fn bool_kernel(op: &str, inputs: &[&Tensor], attrs: &Attrs, all: bool) -> TfResult<Vec<Tensor>> {
    let x = tin(op, inputs, 0)?;
    let axes = super::common::int_values(op, tin(op, inputs, 1)?, "reduction_indices")?;
    let mask = reduction_axes(&axes, x.rank())?;
    let keep = attrs.bool_or("keep_dims", false);
    let Data::Bool(v) = x.data() else {
        return Err(dtype_mismatch(op, 0, DType::Bool, x.dtype()));
    };
    let (s, r, _) = if all {
        reduce_generic(v, x.shape(), &mask, true, |a, b| a && b)?
    } else {
        reduce_generic(v, x.shape(), &mask, false, |a, b| a || b)?
    };
    Ok(vec![finish(s, &mask, keep, r)?])
}

macro_rules! reduction {
    ($def:ident, $name:literal, $kind:expr, $grad:expr) => {
        #[doc = concat!("`", $name, "(input, reduction_indices; keep_dims)`.")]
        pub static $def: OpDef = OpDef {
            name: $name,
            class: OpClass::Reduction,
            infer: |i, a| reduce_infer($name, i, a, Some(&REDUCE)),
            kernel: |i, a| reduce_kernel($name, i, a, $kind),
            grad: $grad,
        };
    };
}
reduction!(SUM, "Sum", Kind::Sum, Some(crate::grad::math::sum_grad));
reduction!(MEAN, "Mean", Kind::Mean, Some(crate::grad::math::mean_grad));
reduction!(MAX, "Max", Kind::Max, Some(crate::grad::math::min_max_grad));
reduction!(MIN, "Min", Kind::Min, Some(crate::grad::math::min_max_grad));
reduction!(PROD, "Prod", Kind::Prod, Some(crate::grad::math::prod_grad));

/// `Any(input, reduction_indices; keep_dims)`.
pub static ANY: OpDef = OpDef {
    name: "Any",
    class: OpClass::Reduction,
    infer: |i, a| reduce_infer("Any", i, a, None),
    kernel: |i, a| bool_kernel("Any", i, a, false),
    grad: None,
};
/// `All(input, reduction_indices; keep_dims)`.
pub static ALL: OpDef = OpDef {
    name: "All",
    class: OpClass::Reduction,
    infer: |i, a| reduce_infer("All", i, a, None),
    kernel: |i, a| bool_kernel("All", i, a, true),
    grad: None,
};

// ---------------------------------------------------------------- argmax

const ARG_TYPES: Allowed = Allowed {
    types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64, DType::Bool],
    text: "",
};

fn arg_infer(op: &str, inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity(op, inputs.len(), 2)?;
    let x = input(op, inputs, 0)?;
    check_allowed(op, x.ty.dtype, &ARG_TYPES)?;
    check_index_dtype(op, inputs, 1, "Tidx")?;
    let out_t = attrs.get_type("output_type").unwrap_or(DType::Int64);
    if !out_t.is_int() {
        return Err(TfError::invalid_argument(format!(
            "Value for attr 'output_type' of {} is not in the list of allowed values: int16, uint16, int32, int64",
            super::common::tf_type_name(out_t)
        )));
    }
    let dim = input(op, inputs, 1)?;
    let shape = match (&x.ty.shape.dims, const_ints(dim)) {
        (Some(dims), Some(ax)) => {
            let a = ax.first().copied().unwrap_or(0);
            let i = norm_axis(a, dims.len()).ok_or_else(|| arg_axis_error(a, dims.len()))?;
            if dims.get(i) == Some(&Some(0)) {
                let known: Vec<usize> = dims.iter().map(|d| d.unwrap_or(0)).collect();
                return Err(TfError::invalid_argument(format!(
                    "Reduction axis {a} is empty in shape {}",
                    dims_str(&known)
                )));
            }
            let mut out = dims.clone();
            out.remove(i);
            StaticShape::partial(out)
        }
        (Some(dims), None) => StaticShape::partial(vec![None; dims.len().saturating_sub(1)]),
        _ => StaticShape::unknown_rank(),
    };
    one(out_t, shape)
}

fn arg_axis_error(a: i64, rank: usize) -> TfError {
    TfError::invalid_argument(format!(
        "Expected dimension in the range [{}, {}), but got {a}",
        -(rank as i64),
        rank
    ))
}

fn argbest<T: Elem>(v: &[T], dims: &[usize], axis: usize, init: T, better: fn(T, T) -> bool) -> (Vec<usize>, Vec<i64>) {
    let outer: usize = dims[..axis].iter().product();
    let n = dims[axis];
    let inner: usize = dims[axis + 1..].iter().product();
    let mut out = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        for i in 0..inner {
            let mut best = init;
            let mut bi = 0i64;
            for k in 0..n {
                if let Some(&x) = v.get((o * n + k) * inner + i) {
                    if better(x, best) {
                        best = x;
                        bi = k as i64;
                    }
                }
            }
            out.push(bi);
        }
    }
    let mut shape = dims.to_vec();
    shape.remove(axis);
    (shape, out)
}

fn arg_kernel(op: &str, inputs: &[&Tensor], attrs: &Attrs, is_max: bool) -> TfResult<Vec<Tensor>> {
    let x = tin(op, inputs, 0)?;
    let ax = super::common::int_values(op, tin(op, inputs, 1)?, "dimension")?;
    let a = ax.first().copied().unwrap_or(0);
    let axis = norm_axis(a, x.rank()).ok_or_else(|| arg_axis_error(a, x.rank()))?;
    if x.shape()[axis] == 0 {
        return Err(TfError::invalid_argument(format!(
            "Reduction axis {a} is empty in shape {}",
            dims_str(x.shape())
        )));
    }
    fn pick<T: Elem + PartialOrd>(is_max: bool) -> fn(T, T) -> bool {
        if is_max {
            |x, b| x > b
        } else {
            |x, b| x < b
        }
    }
    let d = x.shape();
    let (shape, idx) = match x.data() {
        Data::F32(v) => argbest(v, d, axis, if is_max { f32::NEG_INFINITY } else { f32::INFINITY }, pick(is_max)),
        Data::F64(v) => argbest(v, d, axis, if is_max { f64::NEG_INFINITY } else { f64::INFINITY }, pick(is_max)),
        Data::I32(v) => argbest(v, d, axis, if is_max { i32::MIN } else { i32::MAX }, pick(is_max)),
        Data::I64(v) => argbest(v, d, axis, if is_max { i64::MIN } else { i64::MAX }, pick(is_max)),
        Data::Bool(v) => argbest(v, d, axis, !is_max, pick(is_max)),
    };
    let out_t = attrs.get_type("output_type").unwrap_or(DType::Int64);
    let t = if out_t == DType::Int32 {
        make(shape, idx.into_iter().map(|i| i as i32).collect::<Vec<i32>>())?
    } else {
        make(shape, idx)?
    };
    Ok(vec![t])
}

/// `ArgMax(input, dimension; output_type=int64)`.
pub static ARG_MAX: OpDef = OpDef {
    name: "ArgMax",
    class: OpClass::Reduction,
    infer: |i, a| arg_infer("ArgMax", i, a),
    kernel: |i, a| arg_kernel("ArgMax", i, a, true),
    grad: None,
};
/// `ArgMin(input, dimension; output_type=int64)`.
pub static ARG_MIN: OpDef = OpDef {
    name: "ArgMin",
    class: OpClass::Reduction,
    infer: |i, a| arg_infer("ArgMin", i, a),
    kernel: |i, a| arg_kernel("ArgMin", i, a, false),
    grad: None,
};

// ---------------------------------------------------------------- cumsum

fn scan_axis_error(a: i64, rank: usize) -> TfError {
    TfError::invalid_argument(format!(
        "ScanOp: Expected scan axis in the range [{}, {}), but got {a}",
        -(rank as i64),
        rank
    ))
}

fn cumsum_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Cumsum", inputs.len(), 2)?;
    let x = input("Cumsum", inputs, 0)?;
    check_allowed("Cumsum", x.ty.dtype, &REDUCE)?;
    check_index_dtype("Cumsum", inputs, 1, "Tidx")?;
    if let (Some(r), Some(a)) = (x.ty.shape.rank(), super::common::const_int(input("Cumsum", inputs, 1)?)) {
        norm_axis(a, r).ok_or_else(|| scan_axis_error(a, r))?;
    }
    Ok(vec![x.ty.clone()])
}

fn cumsum_typed<T: Num>(v: &[T], dims: &[usize], axis: usize, exclusive: bool, reverse: bool) -> Vec<T> {
    let outer: usize = dims[..axis].iter().product();
    let n = dims[axis];
    let inner: usize = dims[axis + 1..].iter().product();
    let mut out = vec![T::zero(); v.len()];
    for o in 0..outer {
        for i in 0..inner {
            let mut acc = T::zero();
            for step in 0..n {
                let k = if reverse { n - 1 - step } else { step };
                let idx = (o * n + k) * inner + i;
                let x = v.get(idx).copied().unwrap_or_else(T::zero);
                if exclusive {
                    if let Some(slot) = out.get_mut(idx) {
                        *slot = acc;
                    }
                    acc = acc.add(x);
                } else {
                    acc = acc.add(x);
                    if let Some(slot) = out.get_mut(idx) {
                        *slot = acc;
                    }
                }
            }
        }
    }
    out
}

fn cumsum_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Cumsum", inputs, 0)?;
    let ax = super::common::int_values("Cumsum", tin("Cumsum", inputs, 1)?, "axis")?;
    let a = ax.first().copied().unwrap_or(0);
    let axis = norm_axis(a, x.rank()).ok_or_else(|| scan_axis_error(a, x.rank()))?;
    let ex = attrs.bool_or("exclusive", false);
    let rev = attrs.bool_or("reverse", false);
    let d = x.shape().to_vec();
    let t = match x.data() {
        Data::F32(v) => make(d.clone(), cumsum_typed(v, &d, axis, ex, rev))?,
        Data::F64(v) => make(d.clone(), cumsum_typed(v, &d, axis, ex, rev))?,
        Data::I32(v) => make(d.clone(), cumsum_typed(v, &d, axis, ex, rev))?,
        Data::I64(v) => make(d.clone(), cumsum_typed(v, &d, axis, ex, rev))?,
        Data::Bool(_) => return Err(super::common::no_kernel("Cumsum", DType::Bool)),
    };
    alloc_check(&d, x.dtype())?;
    Ok(vec![t])
}

/// `Cumsum(x, axis; exclusive, reverse)`.
pub static CUMSUM: OpDef = OpDef { name: "Cumsum", class: OpClass::Opaque, infer: cumsum_infer, kernel: cumsum_kernel, grad: Some(crate::grad::math::cumsum_grad) };

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::{run1, Attr};
    use crate::tensor::{Data, Tensor};

    fn x() -> Tensor {
        Tensor::new(vec![2, 3], Data::F32(vec![1., 5., 3., 4., 2., 6.])).unwrap()
    }

    #[test]
    fn sums_and_means() {
        let r = run1("Sum", &[&x(), &Tensor::scalar_i32(0)], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![5., 7., 9.]));
        let r = run1("Sum", &[&x(), &Tensor::scalar_i32(-1)], &attrs![("keep_dims", Attr::Bool(true))]).unwrap();
        assert_eq!(r.shape(), &[2, 1]);
        assert_eq!(r.data(), &Data::F32(vec![9., 12.]));
        let i = Tensor::vec_i32(vec![-1, -2]);
        let m = run1("Mean", &[&i, &Tensor::scalar_i32(0)], &attrs![]).unwrap();
        assert_eq!(m.data(), &Data::I32(vec![-1]));
        let e = Tensor::new(vec![0], Data::F32(vec![])).unwrap();
        let mx = run1("Max", &[&e, &Tensor::scalar_i32(0)], &attrs![]).unwrap();
        assert_eq!(mx.data(), &Data::F32(vec![f32::NEG_INFINITY]));
        let err = run1("Sum", &[&x(), &Tensor::scalar_i32(2)], &attrs![]).unwrap_err();
        assert!(err.message.starts_with("Invalid reduction dimension (2 for input with 2 dimension(s)"));
        let err = run1("Sum", &[&x(), &Tensor::vec_i32(vec![0, 0])], &attrs![]).unwrap_err();
        assert!(err.message.starts_with("Invalid reduction arguments: Axes contains duplicate dimension: 0"));
    }

    #[test]
    fn argmax_cumsum() {
        let r = run1("ArgMax", &[&x(), &Tensor::scalar_i32(1)], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::I64(vec![1, 2]));
        let t = Tensor::vec_i32(vec![3, 9, 9, 1]);
        let r = run1("ArgMax", &[&t, &Tensor::scalar_i32(0)], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::I64(vec![1]));
        let c = Tensor::vec_i32(vec![1, 2, 3]);
        let r = run1(
            "Cumsum",
            &[&c, &Tensor::scalar_i32(0)],
            &attrs![("exclusive", Attr::Bool(true)), ("reverse", Attr::Bool(true))],
        )
        .unwrap();
        assert_eq!(r.data(), &Data::I32(vec![5, 3, 0]));
    }
}
