//! Indexing: StridedSlice (full TF mask semantics), GatherV2 (with
//! batch_dims) and OneHot.

use crate::dispatch_all;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::common::{
    alloc_check, arity, check_index_dtype, const_int, const_ints, dims_str, dtype_mismatch, input, int_values,
    norm_axis, one, static_dims_str, strides_of, tin,
};
use super::elem::{to_data, Elem};

fn ia(msg: String) -> TfError {
    TfError::invalid_argument(msg)
}

// ---------------------------------------------------------------- StridedSlice

/// The masks of a StridedSlice.
#[derive(Clone, Copy, Debug, Default)]
pub struct SliceMasks {
    pub begin: i64,
    pub end: i64,
    pub ellipsis: i64,
    pub new_axis: i64,
    pub shrink: i64,
}

impl SliceMasks {
    /// The masks from a StridedSlice's attrs.
    pub fn from_attrs(a: &Attrs) -> Self {
        SliceMasks {
            begin: a.int_or("begin_mask", 0),
            end: a.int_or("end_mask", 0),
            ellipsis: a.int_or("ellipsis_mask", 0),
            new_axis: a.int_or("new_axis_mask", 0),
            shrink: a.int_or("shrink_axis_mask", 0),
        }
    }
}

fn bit(mask: i64, i: usize) -> bool {
    i < 63 && (mask >> i) & 1 == 1
}

/// The resolved slice: for each input dim, (begin, stride, size), and the final shape.
#[derive(Debug)]
pub struct SlicePlan {
    /// Per input dim: start index, stride, number of elements taken
    /// (`None` size when the input dim is unknown).
    pub dims: Vec<(i64, i64, Option<usize>)>,
    /// The output shape (`None` for unknown dims).
    pub final_shape: Vec<Option<usize>>,
}

const NEW_AXIS: i64 = -1;
const SHRINK: i64 = -2;

/// TF's `ValidateStridedSliceOp` on a (possibly partially known) input shape.
pub fn plan_strided_slice(
    input: &[Option<usize>],
    begin: &[i64],
    end: &[i64],
    strides: &[i64],
    m: SliceMasks,
) -> TfResult<SlicePlan> {
    if begin.len() != end.len() || begin.len() != strides.len() {
        return Err(ia(format!(
            "Expected begin, end, and strides to be 1D equal size tensors, but got shapes [{}], [{}], and [{}] instead.",
            begin.len(),
            end.len(),
            strides.len()
        )));
    }
    for (i, &s) in strides.iter().enumerate() {
        if s == 0 {
            return Err(ia(format!("strides[{i}] must be non-zero")));
        }
    }
    // Sparse spec, with an implicit trailing ellipsis if none was given.
    let mut sparse_n = begin.len();
    let mut ellipsis = m.ellipsis;
    if !(0..sparse_n).any(|i| bit(ellipsis, i)) {
        ellipsis |= 1 << sparse_n.min(62);
        sparse_n += 1;
    }
    let ell_pos = (0..sparse_n).find(|&i| bit(ellipsis, i)).unwrap_or(sparse_n);
    let new_after_ellipsis = (ell_pos + 1..sparse_n).filter(|&i| bit(m.new_axis, i)).count();
    let rank = input.len();
    // Dense spec.
    let mut d_begin = vec![0i64; rank];
    let mut d_end = vec![0i64; rank];
    let mut d_stride = vec![1i64; rank];
    let mut d_bmask = vec![false; rank];
    let mut d_emask = vec![false; rank];
    let mut d_shrink = vec![false; rank];
    let mut gather: Vec<i64> = Vec::new();
    let mut full = 0usize;
    for i in 0..sparse_n {
        if bit(ellipsis, i) {
            let next = (rank + 1 + new_after_ellipsis).saturating_sub(sparse_n - i).min(rank);
            while full < next {
                d_bmask[full] = true;
                d_emask[full] = true;
                gather.push(full as i64);
                full += 1;
            }
        } else if bit(m.new_axis, i) {
            gather.push(NEW_AXIS);
        } else {
            if full >= rank {
                return Err(ia(format!("Index out of range using input dim {full}; input has only {rank} dims")));
            }
            d_begin[full] = begin.get(i).copied().unwrap_or(0);
            d_end[full] = end.get(i).copied().unwrap_or(0);
            d_stride[full] = strides.get(i).copied().unwrap_or(1);
            d_bmask[full] = bit(m.begin, i);
            d_emask[full] = bit(m.end, i);
            if bit(m.shrink, i) {
                d_shrink[full] = true;
                gather.push(SHRINK);
            } else {
                gather.push(full as i64);
            }
            full += 1;
        }
    }
    // Per dense dim: canonical begin/end and size.
    let mut dims = Vec::with_capacity(rank);
    for i in 0..rank {
        let stride = d_stride[i];
        let Some(n) = input[i] else {
            dims.push((0, stride, if d_shrink[i] { Some(1) } else { None }));
            continue;
        };
        let n = n as i64;
        if d_shrink[i] {
            let b = d_begin[i];
            let fwd = if b < 0 { n + b } else { b };
            if fwd < 0 || fwd >= n {
                return Err(ia(format!("slice index {fwd} of dimension {i} out of bounds.")));
            }
            if stride != 1 {
                return Err(ia("only stride 1 allowed on non-range indexing.".into()));
            }
            dims.push((fwd, 1, Some(1)));
            continue;
        }
        let (lo, hi) = if stride > 0 { (0, n) } else { (-1, n - 1) };
        let canon = |x: i64, masked: bool, is_end: bool| -> i64 {
            if masked {
                if stride > 0 {
                    if is_end {
                        hi
                    } else {
                        lo
                    }
                } else if is_end {
                    lo
                } else {
                    hi
                }
            } else {
                let f = if x < 0 { n + x } else { x };
                f.clamp(lo, hi)
            }
        };
        let b = canon(d_begin[i], d_bmask[i], false);
        let e = canon(d_end[i], d_emask[i], true);
        let len = e - b;
        let size = if len == 0 || ((len < 0) != (stride < 0)) {
            0
        } else {
            len / stride + if len % stride != 0 { 1 } else { 0 }
        };
        dims.push((b, stride, Some(size.max(0) as usize)));
    }
    let final_shape = gather
        .iter()
        .filter(|&&g| g != SHRINK)
        .map(|&g| if g == NEW_AXIS { Some(1) } else { dims.get(g as usize).and_then(|d| d.2) })
        .collect();
    Ok(SlicePlan { dims, final_shape })
}

fn ss_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "StridedSlice";
    arity(OP, inputs.len(), 4)?;
    let x = input(OP, inputs, 0)?;
    for i in 1..4 {
        check_index_dtype(OP, inputs, i, "Index")?;
    }
    let shape = match (
        &x.ty.shape.dims,
        const_ints(input(OP, inputs, 1)?),
        const_ints(input(OP, inputs, 2)?),
        const_ints(input(OP, inputs, 3)?),
    ) {
        (Some(dims), Some(b), Some(e), Some(s)) => {
            let plan = plan_strided_slice(dims, &b, &e, &s, SliceMasks::from_attrs(attrs))?;
            StaticShape::partial(plan.final_shape)
        }
        (Some(dims), _, _, Some(st)) => partial_slice_shape(dims, &st, attrs),
        _ => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

/// The output shape when `begin`/`end` are not known statically (a
/// symbolic index) but the strides are: dims that do not depend on them
/// (masked, shrunk, new axes) stay known, the others are unknown.
fn partial_slice_shape(dims: &[Option<usize>], strides: &[i64], attrs: &Attrs) -> StaticShape {
    let m = SliceMasks::from_attrs(attrs);
    let k = strides.len();
    let big = i64::MAX / 4;
    let probe = |b: i64, e: i64| -> Option<Vec<Option<usize>>> {
        let bv: Vec<i64> = (0..k).map(|i| if bit(m.shrink, i) { 0 } else { b }).collect();
        let ev: Vec<i64> = vec![e; k];
        plan_strided_slice(dims, &bv, &ev, strides, SliceMasks::from_attrs(attrs)).ok().map(|p| p.final_shape)
    };
    let plans: Vec<Option<Vec<Option<usize>>>> = vec![probe(0, big), probe(1, big), probe(0, 0)];
    if plans.iter().all(|p| p.is_some()) {
        let plans: Vec<Vec<Option<usize>>> = plans.into_iter().flatten().collect();
        let n = plans[0].len();
        if plans.iter().all(|p| p.len() == n) {
            return StaticShape::partial(
                (0..n)
                    .map(|i| {
                        let v = plans[0][i];
                        if plans.iter().all(|p| p[i] == v) { v } else { None }
                    })
                    .collect(),
            );
        }
    }
    let unknown = vec![None; dims.len()];
    let zeros = vec![0i64; k];
    match plan_strided_slice(&unknown, &zeros, &zeros, strides, SliceMasks::from_attrs(attrs)) {
        Ok(p) => StaticShape::partial(p.final_shape),
        Err(_) => StaticShape::unknown_rank(),
    }
}

/// A strided walk over a row-major buffer: a base offset and, outermost
/// first, (step in elements, count) per dimension, with size-1 dims dropped
/// and dims that continue each other merged (so `xs[t]` is one run).
#[derive(Debug, PartialEq)]
struct Walk {
    base: i64,
    dims: Vec<(i64, usize)>,
}

impl Walk {
    /// The walk of `plan` over a tensor of `shape`; `None` if it selects
    /// nothing.
    fn of(shape: &[usize], plan: &SlicePlan) -> Option<Walk> {
        let st = strides_of(shape);
        let mut base: i64 = 0;
        let mut dims: Vec<(i64, usize)> = Vec::with_capacity(plan.dims.len());
        for (d, &(b, s, size)) in plan.dims.iter().enumerate() {
            let size = size.unwrap_or(0);
            let stride = *st.get(d)? as i64;
            if size == 0 {
                return None;
            }
            base += b * stride;
            if size == 1 {
                continue;
            }
            let step = s * stride;
            match dims.last_mut() {
                // The outer dim steps exactly over the inner run: one dim.
                Some(last) if last.0 == step * size as i64 => *last = (step, last.1 * size),
                _ => dims.push((step, size)),
            }
        }
        Some(Walk { base, dims })
    }
}

/// The elements a StridedSlice selects, in output order. Contiguous inner
/// runs (unit step) are copied as slices; other dims advance an offset.
/// Out-of-range reads (impossible for a validated plan) are skipped, which
/// makes `Tensor::new` report a size mismatch instead of panicking.
fn gather_plan<T: Copy>(v: &[T], shape: &[usize], plan: &SlicePlan) -> Vec<T> {
    let Some(w) = Walk::of(shape, plan) else { return Vec::new() };
    let n: usize = w.dims.iter().map(|d| d.1).product();
    let mut out = Vec::with_capacity(n);
    let (inner_step, inner_n) = w.dims.last().copied().unwrap_or((1, 1));
    let outer = &w.dims[..w.dims.len().saturating_sub(1)];
    let mut idx = vec![0usize; outer.len()];
    let mut off = w.base;
    loop {
        if inner_step == 1 {
            if let Some(run) = usize::try_from(off).ok().and_then(|o| v.get(o..o.checked_add(inner_n)?)) {
                out.extend_from_slice(run);
            }
        } else {
            let mut o = off;
            for _ in 0..inner_n {
                if let Some(&e) = usize::try_from(o).ok().and_then(|o| v.get(o)) {
                    out.push(e);
                }
                o += inner_step;
            }
        }
        // Advance the outer odometer.
        let mut d = outer.len();
        loop {
            if d == 0 {
                return out;
            }
            d -= 1;
            idx[d] += 1;
            off += outer[d].0;
            if idx[d] < outer[d].1 {
                break;
            }
            off -= outer[d].0 * outer[d].1 as i64;
            idx[d] = 0;
        }
    }
}

fn ss_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "StridedSlice";
    let x = tin(OP, inputs, 0)?;
    let b = int_values(OP, tin(OP, inputs, 1)?, "begin")?;
    let e = int_values(OP, tin(OP, inputs, 2)?, "end")?;
    let s = int_values(OP, tin(OP, inputs, 3)?, "strides")?;
    let dims: Vec<Option<usize>> = x.shape().iter().map(|&d| Some(d)).collect();
    let plan = plan_strided_slice(&dims, &b, &e, &s, SliceMasks::from_attrs(attrs))?;
    let out: Vec<usize> = plan.final_shape.iter().map(|d| d.unwrap_or(0)).collect();
    let t = dispatch_all!(x.data(), |v| Tensor::new(out, to_data(gather_plan(v, x.shape(), &plan))))?;
    Ok(vec![t])
}

/// StridedSlice's shape inference and kernel in one pass, with the masks
/// parsed once by the caller (an executor running the op every loop
/// iteration). `None` unless there are four inputs with integer
/// `begin`/`end`/`strides`: then the caller runs infer + kernel for their
/// errors. Otherwise the same result and errors (both check one plan).
pub fn strided_slice_fast(inputs: &[&Tensor], m: SliceMasks) -> Option<TfResult<Tensor>> {
    let [x, b, e, s] = inputs else { return None };
    if !(b.dtype().is_int() && e.dtype().is_int() && s.dtype().is_int()) {
        return None;
    }
    let dims: Vec<Option<usize>> = x.shape().iter().map(|&d| Some(d)).collect();
    let plan = match plan_strided_slice(&dims, &b.to_i64_vec(), &e.to_i64_vec(), &s.to_i64_vec(), m) {
        Ok(p) => p,
        Err(err) => return Some(Err(err)),
    };
    let out: Vec<usize> = plan.final_shape.iter().map(|d| d.unwrap_or(0)).collect();
    Some(dispatch_all!(x.data(), |v| Tensor::new(out, to_data(gather_plan(v, x.shape(), &plan)))))
}

/// `StridedSlice(input, begin, end, strides; begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)`.
pub static STRIDED_SLICE: OpDef =
    OpDef { name: "StridedSlice", class: OpClass::Opaque, infer: ss_infer, kernel: ss_kernel, grad: Some(crate::grad::array::strided_slice_grad) };

// ---------------------------------------------------------------- GatherV2

fn gather_axis(a: i64, rank: usize) -> TfResult<usize> {
    norm_axis(a, rank).ok_or_else(|| {
        if a >= 0 {
            ia(format!("Shape must be at least rank {} but is rank {rank}", a + 1))
        } else {
            ia(format!("Expected axis in the range [{}, {rank}), but got {a}", -(rank as i64)))
        }
    })
}

fn check_batch_dims(bd: i64, p_rank: usize, i_rank: usize, axis: usize) -> TfResult<usize> {
    let bd = if bd < 0 { bd + i_rank as i64 } else { bd };
    if bd < 0 || bd as usize > i_rank {
        return Err(ia(format!(
            "Expected batch_dims in the range [-{i_rank}, {i_rank}], but got {bd}"
        )));
    }
    let bd = bd as usize;
    if bd >= p_rank && p_rank > 0 || (bd > 0 && bd >= p_rank) {
        return Err(ia(format!("batch_dims ({bd}) must be less than rank(params) ({p_rank}).")));
    }
    if axis < bd {
        return Err(ia(format!("batch_dims ({bd}) must be less than or equal to axis ({axis}).")));
    }
    Ok(bd)
}

fn gather_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "GatherV2";
    arity(OP, inputs.len(), 3)?;
    let p = input(OP, inputs, 0)?;
    check_index_dtype(OP, inputs, 1, "Tindices")?;
    check_index_dtype(OP, inputs, 2, "Taxis")?;
    let ind = input(OP, inputs, 1)?;
    let shape = match (&p.ty.shape.dims, &ind.ty.shape.dims, const_int(input(OP, inputs, 2)?)) {
        (Some(pd), Some(id), Some(a)) => {
            if pd.is_empty() {
                return Err(ia("Shape must be at least rank 1 but is rank 0".into()));
            }
            let ax = gather_axis(a, pd.len())?;
            let bd = check_batch_dims(attrs.int_or("batch_dims", 0), pd.len(), id.len(), ax)?;
            let mut out: Vec<Option<usize>> = pd[..ax].to_vec();
            out.extend_from_slice(&id[bd..]);
            out.extend_from_slice(&pd[ax + 1..]);
            StaticShape::partial(out)
        }
        _ => StaticShape::unknown_rank(),
    };
    one(p.ty.dtype, shape)
}

/// `indices[1,0]` / `indices` — where a bad index sits, as TF prints it.
fn index_pos(shape: &[usize], flat: usize) -> String {
    if shape.is_empty() {
        return String::new();
    }
    let st = strides_of(shape);
    let parts: Vec<String> =
        st.iter().zip(shape).map(|(&s, &d)| ((flat / s.max(1)) % d.max(1)).to_string()).collect();
    format!("[{}]", parts.join(","))
}

fn gather_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "GatherV2";
    let p = tin(OP, inputs, 0)?;
    let ind = tin(OP, inputs, 1)?;
    let a = int_values(OP, tin(OP, inputs, 2)?, "axis")?.first().copied().unwrap_or(0);
    let idx = int_values(OP, ind, "indices")?;
    let pd = p.shape();
    if pd.is_empty() {
        return Err(ia("params must be at least 1 dimensional".into()));
    }
    let ax = gather_axis(a, pd.len())?;
    let bd = check_batch_dims(attrs.int_or("batch_dims", 0), pd.len(), ind.rank(), ax)?;
    for i in 0..bd {
        if pd[i] != ind.shape()[i] {
            return Err(ia(format!(
                "params.shape[{i}]: {} should be equal to indices.shape[{i}]: {}",
                pd[i],
                ind.shape()[i]
            )));
        }
    }
    let batch: usize = pd[..bd].iter().product();
    let outer: usize = pd[bd..ax].iter().product();
    let n = pd[ax];
    let inner: usize = pd[ax + 1..].iter().product();
    let k: usize = ind.shape()[bd..].iter().product();
    for (flat, &i) in idx.iter().enumerate() {
        if i < 0 || i >= n as i64 {
            return Err(ia(format!(
                "indices{} = {i} is not in [0, {n})",
                index_pos(ind.shape(), flat)
            )));
        }
    }
    let mut out_shape: Vec<usize> = pd[..ax].to_vec();
    out_shape.extend_from_slice(&ind.shape()[bd..]);
    out_shape.extend_from_slice(&pd[ax + 1..]);
    alloc_check(&out_shape, p.dtype())?;
    let t = dispatch_all!(p.data(), |v| {
        let mut out = Vec::with_capacity(batch * outer * k * inner);
        for b in 0..batch {
            for o in 0..outer {
                for j in 0..k {
                    let i = idx.get(b * k + j).copied().unwrap_or(0) as usize;
                    let start = ((b * outer + o) * n + i) * inner;
                    if let Some(s) = v.get(start..start + inner) {
                        out.extend_from_slice(s);
                    }
                }
            }
        }
        Tensor::new(out_shape, to_data(out))
    })?;
    Ok(vec![t])
}

/// `GatherV2(params, indices, axis; batch_dims)`.
pub static GATHER_V2: OpDef =
    OpDef { name: "GatherV2", class: OpClass::Opaque, infer: gather_infer, kernel: gather_kernel, grad: Some(crate::grad::array::gather_v2_grad) };

// ---------------------------------------------------------------- OneHot

fn onehot_axis(a: i64, rank: usize) -> TfResult<usize> {
    if a == -1 {
        return Ok(rank);
    }
    if a < 0 || a as usize > rank {
        return Err(ia(format!(
            "Expected axis to be -1 or between [0, {}).  But received: {a}",
            rank + 1
        )));
    }
    Ok(a as usize)
}

fn onehot_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "OneHot";
    arity(OP, inputs.len(), 4)?;
    check_index_dtype(OP, inputs, 0, "TI")?;
    let d = super::common::same_dtype(OP, inputs, &[2, 3])?;
    for (i, name) in [(2, "on_value"), (3, "off_value")] {
        let s = &input(OP, inputs, i)?.ty.shape;
        if s.rank().is_some_and(|r| r != 0) {
            return Err(ia(format!("{name} must be a scalar, but got: {}", static_dims_str(s))));
        }
    }
    let depth = const_int(input(OP, inputs, 1)?);
    if let Some(dp) = depth {
        if dp < 0 {
            return Err(ia(format!("depth must be non-negative, got: {dp}")));
        }
    }
    let shape = match &input(OP, inputs, 0)?.ty.shape.dims {
        Some(dims) => {
            let ax = onehot_axis(attrs.int_or("axis", -1), dims.len())?;
            let mut out = dims.clone();
            out.insert(ax, depth.map(|d| d as usize));
            StaticShape::partial(out)
        }
        None => StaticShape::unknown_rank(),
    };
    one(d, shape)
}

fn onehot_typed<T: Elem>(idx: &[i64], ishape: &[usize], depth: usize, ax: usize, on: T, off: T) -> TfResult<Tensor> {
    let mut out_shape = ishape.to_vec();
    out_shape.insert(ax, depth);
    let n = alloc_check(&out_shape, T::DTYPE)?;
    let outer: usize = ishape[..ax].iter().product();
    let inner: usize = ishape[ax..].iter().product();
    let mut v = vec![off; n];
    for o in 0..outer {
        for i in 0..inner {
            let k = idx.get(o * inner + i).copied().unwrap_or(-1);
            if k >= 0 && (k as usize) < depth {
                if let Some(slot) = v.get_mut((o * depth + k as usize) * inner + i) {
                    *slot = on;
                }
            }
        }
    }
    Tensor::new(out_shape, to_data(v))
}

fn onehot_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "OneHot";
    let ind = tin(OP, inputs, 0)?;
    let idx = int_values(OP, ind, "indices")?;
    let depth = int_values(OP, tin(OP, inputs, 1)?, "depth")?.first().copied().unwrap_or(0);
    if depth < 0 {
        return Err(ia(format!("depth must be non-negative, got: {depth}")));
    }
    let (on, off) = (tin(OP, inputs, 2)?, tin(OP, inputs, 3)?);
    for (t, name) in [(on, "on_value"), (off, "off_value")] {
        if t.rank() != 0 {
            return Err(ia(format!("{name} must be a scalar, but got: {}", dims_str(t.shape()))));
        }
    }
    let ax = onehot_axis(attrs.int_or("axis", -1), ind.rank())?;
    let depth = depth as usize;
    let s = ind.shape();
    let t = match (on.data(), off.data()) {
        (Data::F32(a), Data::F32(b)) => onehot_typed(&idx, s, depth, ax, a[0], b[0])?,
        (Data::F64(a), Data::F64(b)) => onehot_typed(&idx, s, depth, ax, a[0], b[0])?,
        (Data::I32(a), Data::I32(b)) => onehot_typed(&idx, s, depth, ax, a[0], b[0])?,
        (Data::I64(a), Data::I64(b)) => onehot_typed(&idx, s, depth, ax, a[0], b[0])?,
        (Data::Bool(a), Data::Bool(b)) => onehot_typed(&idx, s, depth, ax, a[0], b[0])?,
        _ => return Err(dtype_mismatch(OP, 3, on.dtype(), off.dtype())),
    };
    Ok(vec![t])
}

/// `OneHot(indices, depth, on_value, off_value; axis=-1)`.
pub static ONE_HOT: OpDef = OpDef { name: "OneHot", class: OpClass::Opaque, infer: onehot_infer, kernel: onehot_kernel, grad: None };

#[cfg(test)]
mod walk_tests {
    use super::*;
    use proptest::prelude::*;

    /// The element-by-element gather the fast path must agree with.
    fn naive<T: Copy>(v: &[T], shape: &[usize], plan: &SlicePlan) -> Vec<T> {
        let st = strides_of(shape);
        let sizes: Vec<usize> = plan.dims.iter().map(|d| d.2.unwrap_or(0)).collect();
        let n: usize = sizes.iter().product();
        let mut out = Vec::new();
        for flat in 0..n {
            let mut rem = flat;
            let mut off = 0i64;
            for d in (0..sizes.len()).rev() {
                let i = rem % sizes[d];
                rem /= sizes[d];
                let (b, s, _) = plan.dims[d];
                off += (b + s * i as i64) * st[d] as i64;
            }
            out.push(v[off as usize]);
        }
        out
    }

    #[test]
    fn leading_index_is_one_run() {
        let plan = plan_strided_slice(&[Some(100), Some(32), Some(256)], &[7], &[8], &[1], SliceMasks { shrink: 1, ..Default::default() })
            .unwrap();
        let w = Walk::of(&[100, 32, 256], &plan).unwrap();
        assert_eq!(w, Walk { base: 7 * 32 * 256, dims: vec![(1, 32 * 256)] });
    }

    fn spec() -> impl Strategy<Value = (Vec<usize>, Vec<(i64, i64, i64)>, (i64, i64, i64, i64, i64))> {
        prop::collection::vec(0usize..5, 0..5).prop_flat_map(|shape| {
            let k = shape.len() + 1;
            (
                Just(shape),
                prop::collection::vec((-6i64..7, -6i64..7, prop_oneof![-3i64..0, 1i64..4]), 0..k + 1),
                (0i64..64, 0i64..64, 0i64..8, 0i64..64, 0i64..64),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn fast_gather_matches_naive((shape, bes, m) in spec()) {
            let dims: Vec<Option<usize>> = shape.iter().map(|&d| Some(d)).collect();
            let b: Vec<i64> = bes.iter().map(|x| x.0).collect();
            let e: Vec<i64> = bes.iter().map(|x| x.1).collect();
            let s: Vec<i64> = bes.iter().map(|x| x.2).collect();
            // At most one ellipsis bit, as the Python slicing produces.
            let ell = if m.2 >= 4 { 0 } else { 1 << (m.2 % (bes.len().max(1) as i64)) };
            let masks = SliceMasks { begin: m.0, end: m.1, ellipsis: ell, new_axis: m.3, shrink: m.4 };
            if let Ok(plan) = plan_strided_slice(&dims, &b, &e, &s, masks) {
                let n: usize = shape.iter().product();
                let v: Vec<i32> = (0..n as i32).collect();
                let fast = gather_plan(&v, &shape, &plan);
                let want = naive(&v, &shape, &plan);
                prop_assert_eq!(&fast, &want);
                let out: usize = plan.final_shape.iter().map(|d| d.unwrap_or(0)).product();
                prop_assert_eq!(fast.len(), out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::{run1, Attr};
    use crate::tensor::{Data, Tensor};

    fn r24() -> Tensor {
        Tensor::new(vec![2, 3, 4], Data::I32((0..24).collect())).unwrap()
    }

    fn ss(x: &Tensor, b: Vec<i32>, e: Vec<i32>, s: Vec<i32>, masks: [i64; 5]) -> Result<Tensor, crate::TfError> {
        let a = attrs![
            ("begin_mask", Attr::Int(masks[0])),
            ("end_mask", Attr::Int(masks[1])),
            ("ellipsis_mask", Attr::Int(masks[2])),
            ("new_axis_mask", Attr::Int(masks[3])),
            ("shrink_axis_mask", Attr::Int(masks[4]))
        ];
        run1("StridedSlice", &[x, &Tensor::vec_i32(b), &Tensor::vec_i32(e), &Tensor::vec_i32(s)], &a)
    }

    #[test]
    fn strided_slices_like_tf() {
        // x[:, 1:, ::2]  → [[[4,6],[8,10]],[[16,18],[20,22]]]
        let r = ss(&r24(), vec![0, 1, 0], vec![0, 0, 0], vec![1, 1, 2], [0b101, 0b111, 0, 0, 0]).unwrap();
        assert_eq!(r.shape(), &[2, 2, 2]);
        assert_eq!(r.data(), &Data::I32(vec![4, 6, 8, 10, 16, 18, 20, 22]));
        // x[..., -1] → [[3,7,11],[15,19,23]]
        let r = ss(&r24(), vec![0, -1], vec![0, 0], vec![1, 1], [0, 0, 1, 0, 2]).unwrap();
        assert_eq!(r.shape(), &[2, 3]);
        assert_eq!(r.data(), &Data::I32(vec![3, 7, 11, 15, 19, 23]));
        // x[1, ::-1, 0] → [20, 16, 12]
        let r = ss(&r24(), vec![1, 0, 0], vec![2, 0, 1], vec![1, -1, 1], [0b010, 0b010, 0, 0, 0b101]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![20, 16, 12]));
        // x[0, :, newaxis, 1] has shape (3, 1)
        let r = ss(&r24(), vec![0, 0, 0, 1], vec![1, 0, 0, 2], vec![1, 1, 1, 1], [0b0010, 0b0010, 0, 0b0100, 0b1001])
            .unwrap();
        assert_eq!(r.shape(), &[3, 1]);
        assert_eq!(r.data(), &Data::I32(vec![1, 5, 9]));
        // range(10)[::-2] → [9,7,5,3,1]; out-of-range begin clamps
        let t = Tensor::vec_i32((0..10).collect());
        let r = ss(&t, vec![0], vec![0], vec![-2], [1, 1, 0, 0, 0]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![9, 7, 5, 3, 1]));
        let r = ss(&t, vec![-30], vec![30], vec![3], [0, 0, 0, 0, 0]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![0, 3, 6, 9]));
        let e = ss(&Tensor::vec_i32(vec![0, 1, 2]), vec![7], vec![8], vec![1], [0, 0, 0, 0, 1]).unwrap_err();
        assert!(e.message.starts_with("slice index 7 of dimension 0 out of bounds."));
    }

    #[test]
    fn gather_and_one_hot() {
        let v = Tensor::vec_i32(vec![10, 20, 30, 40]);
        let r = run1("GatherV2", &[&v, &Tensor::vec_i32(vec![3, 0, 0]), &Tensor::scalar_i32(0)], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![40, 10, 10]));
        let p = Tensor::vec_i32(vec![1, 2, 3]);
        let e = run1("GatherV2", &[&p, &Tensor::vec_i32(vec![0, -1]), &Tensor::scalar_i32(0)], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("indices[1] = -1 is not in [0, 3)"), "{}", e.message);
        let m = Tensor::new(vec![2, 3], Data::I32(vec![1, 2, 3, 4, 5, 6])).unwrap();
        let r = run1(
            "GatherV2",
            &[&m, &Tensor::new(vec![2, 1], Data::I32(vec![0, 2])).unwrap(), &Tensor::scalar_i32(1)],
            &attrs![("batch_dims", Attr::Int(1))],
        )
        .unwrap();
        assert_eq!(r.data(), &Data::I32(vec![1, 6]));
        let r = run1(
            "OneHot",
            &[&Tensor::vec_i32(vec![0, 1, -1, 5]), &Tensor::scalar_i32(3), &Tensor::scalar_i32(1), &Tensor::scalar_i32(0)],
            &attrs![("axis", Attr::Int(0))],
        )
        .unwrap();
        assert_eq!(r.shape(), &[3, 4]);
        assert_eq!(r.data(), &Data::I32(vec![1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]));
    }
}
