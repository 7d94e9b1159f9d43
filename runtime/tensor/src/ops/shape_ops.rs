//! Shape manipulation and creation: Reshape, Transpose, ExpandDims, Squeeze,
//! ConcatV2, Pack, Unpack, Split, SplitV, Tile, BroadcastTo, Fill, Range,
//! LinSpace, ZerosLike, OnesLike, Shape, Size, Rank, Identity.

use crate::dispatch_all;
use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::broadcast::{broadcast_shapes, broadcast_to, for_each_offset};
use super::common::{
    alloc_check, arity, check_index_dtype, const_int, const_ints, dims_str, dtype_mismatch, input, int_values, make,
    norm_axis, one, product, static_dims_str, strides_of, tin, typed,
};
use super::elem::{to_data, Elem, Float, Num};

fn ia(msg: String) -> TfError {
    TfError::invalid_argument(msg)
}

/// Builds a tensor of the same dtype as the source data.
fn same<T: Elem>(shape: Vec<usize>, v: Vec<T>) -> TfResult<Tensor> {
    Tensor::new(shape, to_data(v))
}

// ---------------------------------------------------------------- Reshape

/// Resolves a requested reshape target against `n` input elements.
pub fn resolve_reshape(n: usize, req: &[i64]) -> TfResult<Vec<usize>> {
    let mut unknown: Option<usize> = None;
    let mut known: usize = 1;
    for (i, &d) in req.iter().enumerate() {
        if d == -1 {
            if let Some(j) = unknown {
                return Err(ia(format!("Only one input size may be -1, not both {j} and {i}")));
            }
            unknown = Some(i);
        } else if d < 0 {
            return Err(ia(format!("Size {i} must be non-negative, not {d}")));
        } else {
            known = known.saturating_mul(d as usize);
        }
    }
    let mut out: Vec<usize> = req.iter().map(|&d| d.max(0) as usize).collect();
    if let Some(j) = unknown {
        if known == 0 {
            if n != 0 {
                return Err(ia(format!(
                    "Input to reshape is a tensor with {n} values, but the requested shape has 0"
                )));
            }
            return Err(ia(
                "Reshape cannot infer the missing input size for an empty tensor unless all specified input sizes are non-zero".into(),
            ));
        }
        if n % known != 0 {
            return Err(ia(format!(
                "Input to reshape is a tensor with {n} values, but the requested shape requires a multiple of {known}"
            )));
        }
        out[j] = n / known;
    } else if known != n {
        return Err(ia(format!(
            "Input to reshape is a tensor with {n} values, but the requested shape has {known}"
        )));
    }
    Ok(out)
}

fn reshape_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Reshape", inputs.len(), 2)?;
    let x = input("Reshape", inputs, 0)?;
    check_index_dtype("Reshape", inputs, 1, "Tshape")?;
    let s = input("Reshape", inputs, 1)?;
    let shape = match const_ints(s) {
        Some(req) => match x.ty.shape.as_known() {
            Some(dims) => StaticShape::known(&resolve_reshape(product(&dims), &req)?),
            None => {
                if req.iter().filter(|&&d| d == -1).count() > 1 {
                    resolve_reshape(0, &req)?;
                }
                StaticShape::partial(req.iter().map(|&d| if d < 0 { None } else { Some(d as usize) }).collect())
            }
        },
        None => match s.ty.shape.dims.as_deref() {
            Some([Some(n)]) => StaticShape::partial(vec![None; *n]),
            _ => StaticShape::unknown_rank(),
        },
    };
    one(x.ty.dtype, shape)
}

fn reshape_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Reshape", inputs, 0)?;
    let s = tin("Reshape", inputs, 1)?;
    if s.rank() > 1 {
        return Err(ia(format!("sizes input must be 1-D, not {}", dims_str(s.shape()))));
    }
    let req = int_values("Reshape", s, "shape")?;
    let dims = resolve_reshape(x.num_elements(), &req)?;
    Ok(vec![x.reshaped(dims)?])
}

/// `Reshape(tensor, shape)`.
pub static RESHAPE: OpDef =
    OpDef { name: "Reshape", class: OpClass::Opaque, infer: reshape_infer, kernel: reshape_kernel, grad: Some(crate::grad::array::reshape_grad) };

// ---------------------------------------------------------------- Transpose

fn check_perm(perm: &[i64], rank: usize) -> TfResult<Vec<usize>> {
    if perm.len() != rank {
        return Err(ia(format!(
            "transpose expects a vector of size {rank}. But input(1) is a vector of size {}",
            perm.len()
        )));
    }
    let mut seen = vec![false; rank];
    let mut out = Vec::with_capacity(rank);
    for &d in perm {
        if d < 0 || d >= rank as i64 {
            return Err(ia(format!("{d} is out of range [0 .. {rank})")));
        }
        seen[d as usize] = true;
        out.push(d as usize);
    }
    if let Some(i) = seen.iter().position(|&b| !b) {
        let p: Vec<String> = perm.iter().map(|d| d.to_string()).collect();
        return Err(ia(format!("{i} is missing from {{{}}}.", p.join(","))));
    }
    Ok(out)
}

fn transpose_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Transpose", inputs.len(), 2)?;
    let x = input("Transpose", inputs, 0)?;
    check_index_dtype("Transpose", inputs, 1, "Tperm")?;
    let p = input("Transpose", inputs, 1)?;
    let shape = match (&x.ty.shape.dims, const_ints(p)) {
        (Some(dims), Some(perm)) => {
            let perm = check_perm(&perm, dims.len())?;
            StaticShape::partial(perm.iter().map(|&i| dims[i]).collect())
        }
        (Some(dims), None) => StaticShape::partial(vec![None; dims.len()]),
        (None, Some(perm)) => StaticShape::partial(vec![None; perm.len()]),
        _ => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

/// `v` (shape `dims`) with its axes permuted by `perm`.
pub fn transpose_vec<T: Copy>(v: &[T], dims: &[usize], perm: &[usize]) -> (Vec<usize>, Vec<T>) {
    let st = strides_of(dims);
    let out: Vec<usize> = perm.iter().map(|&i| dims[i]).collect();
    let ps: Vec<usize> = perm.iter().map(|&i| st[i]).collect();
    let mut res = Vec::with_capacity(v.len());
    for_each_offset(&out, [&ps], |[i]| {
        if let Some(&x) = v.get(i) {
            res.push(x);
        }
    });
    (out, res)
}

/// Transposes a tensor (shared with MatMul/Einsum).
pub fn transpose_tensor(x: &Tensor, perm: &[usize]) -> TfResult<Tensor> {
    dispatch_all!(x.data(), |v| {
        let (s, r) = transpose_vec(v, x.shape(), perm);
        same(s, r)
    })
}

fn transpose_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Transpose", inputs, 0)?;
    let p = int_values("Transpose", tin("Transpose", inputs, 1)?, "perm")?;
    let perm = check_perm(&p, x.rank())?;
    Ok(vec![transpose_tensor(x, &perm)?])
}

/// `Transpose(x, perm)`.
pub static TRANSPOSE: OpDef =
    OpDef { name: "Transpose", class: OpClass::Opaque, infer: transpose_infer, kernel: transpose_kernel, grad: Some(crate::grad::array::transpose_grad) };

// ---------------------------------------------------------------- ExpandDims / Squeeze

fn expand_axis(a: i64, rank: usize) -> TfResult<usize> {
    let r = rank as i64;
    if a < -r - 1 || a > r {
        return Err(ia(format!("Tried to expand dim index {a} for tensor with {rank} dimensions.")));
    }
    Ok(if a < 0 { (a + r + 1) as usize } else { a as usize })
}

fn expand_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("ExpandDims", inputs.len(), 2)?;
    let x = input("ExpandDims", inputs, 0)?;
    check_index_dtype("ExpandDims", inputs, 1, "Tdim")?;
    let shape = match (&x.ty.shape.dims, const_int(input("ExpandDims", inputs, 1)?)) {
        (Some(dims), Some(a)) => {
            let i = expand_axis(a, dims.len())?;
            let mut d = dims.clone();
            d.insert(i, Some(1));
            StaticShape::partial(d)
        }
        (Some(dims), None) => StaticShape::partial(vec![None; dims.len() + 1]),
        _ => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

fn expand_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("ExpandDims", inputs, 0)?;
    let a = int_values("ExpandDims", tin("ExpandDims", inputs, 1)?, "axis")?;
    if a.len() != 1 {
        return Err(ia(format!(
            "'dim' must be a tensor with a single value, but got {} values",
            a.len()
        )));
    }
    let i = expand_axis(a[0], x.rank())?;
    let mut d = x.shape().to_vec();
    d.insert(i, 1);
    Ok(vec![x.reshaped(d)?])
}

/// `ExpandDims(input, axis)`.
pub static EXPAND_DIMS: OpDef =
    OpDef { name: "ExpandDims", class: OpClass::Opaque, infer: expand_infer, kernel: expand_kernel, grad: Some(crate::grad::array::expand_dims_grad) };

fn squeeze_shape(dims: &[Option<usize>], axes: &[i64]) -> TfResult<Option<Vec<Option<usize>>>> {
    let rank = dims.len();
    let mut mask = vec![false; rank];
    for &a in axes {
        let i = norm_axis(a, rank)
            .ok_or_else(|| ia(format!("Tried to squeeze dim index {a} for tensor with {rank} dimensions.")))?;
        match dims[i] {
            Some(1) | None => mask[i] = true,
            Some(d) => {
                return Err(ia(format!("Can not squeeze dim[{i}], expected a dimension of 1, got {d}")))
            }
        }
    }
    if axes.is_empty() {
        if dims.iter().any(|d| d.is_none()) {
            return Ok(None);
        }
        for (m, d) in mask.iter_mut().zip(dims) {
            *m = *d == Some(1);
        }
    }
    Ok(Some(dims.iter().zip(&mask).filter(|(_, &m)| !m).map(|(d, _)| *d).collect()))
}

fn squeeze_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Squeeze", inputs.len(), 1)?;
    let x = input("Squeeze", inputs, 0)?;
    let axes = attrs.get_ints("squeeze_dims").unwrap_or_default();
    let shape = match &x.ty.shape.dims {
        Some(dims) => match squeeze_shape(dims, &axes)? {
            Some(d) => StaticShape::partial(d),
            None => StaticShape::unknown_rank(),
        },
        None => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

fn squeeze_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Squeeze", inputs, 0)?;
    let axes = attrs.get_ints("squeeze_dims").unwrap_or_default();
    let dims: Vec<Option<usize>> = x.shape().iter().map(|&d| Some(d)).collect();
    let out = squeeze_shape(&dims, &axes)?.unwrap_or_default();
    Ok(vec![x.reshaped(out.into_iter().map(|d| d.unwrap_or(1)).collect())?])
}

/// `Squeeze(input; squeeze_dims)`.
pub static SQUEEZE: OpDef =
    OpDef { name: "Squeeze", class: OpClass::Opaque, infer: squeeze_infer, kernel: squeeze_kernel, grad: Some(crate::grad::array::squeeze_grad) };

// ---------------------------------------------------------------- ConcatV2 / Pack / Unpack

fn concat_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "ConcatV2";
    if inputs.len() < 2 {
        return Err(ia(format!("{OP} expects at least 2 inputs, got {}", inputs.len())));
    }
    let n = inputs.len() - 1;
    let idxs: Vec<usize> = (0..n).collect();
    let d = same_dtype_list(OP, inputs, &idxs)?;
    check_index_dtype(OP, inputs, n, "Tidx")?;
    let axis = const_int(input(OP, inputs, n)?);
    // The first input of known rank fixes the rank.
    let Some(rank) = inputs[..n].iter().find_map(|i| i.ty.shape.rank()) else {
        return one(d, StaticShape::unknown_rank());
    };
    if rank == 0 {
        return Err(ia("ConcatOp : Can't concatenate scalars (use tf.stack instead)".into()));
    }
    let Some(a) = axis else {
        return one(d, StaticShape::partial(vec![None; rank]));
    };
    let ax = norm_axis(a, rank).ok_or_else(|| {
        ia(format!(
            "ConcatOp : Expected concatenating dimensions in the range [{}, {}), but got {a}",
            -(rank as i64),
            rank
        ))
    })?;
    let first = inputs[..n].iter().position(|i| i.ty.shape.rank().is_some()).unwrap_or(0);
    let mut out: Vec<Option<usize>> = vec![None; rank];
    let mut cat: Option<usize> = Some(0);
    for (k, inp) in inputs[..n].iter().enumerate() {
        let Some(dims) = &inp.ty.shape.dims else {
            cat = None;
            continue;
        };
        if dims.len() != rank {
            return Err(ia(format!(
                "ConcatOp : Ranks of all input tensors should match: shape[{first}] = {} vs. shape[{k}] = {}",
                static_dims_str(&inputs[first].ty.shape),
                static_dims_str(&inp.ty.shape)
            )));
        }
        for (j, &dj) in dims.iter().enumerate() {
            if j == ax {
                cat = match (cat, dj) {
                    (Some(c), Some(x)) => Some(c + x),
                    _ => None,
                };
            } else if let Some(x) = dj {
                match out[j] {
                    Some(y) if y != x => {
                        return Err(ia(format!(
                            "ConcatOp : Dimension {j} in both shapes must be equal: shape[{first}] = {} vs. shape[{k}] = {}",
                            static_dims_str(&inputs[first].ty.shape),
                            static_dims_str(&inp.ty.shape)
                        )))
                    }
                    _ => out[j] = Some(x),
                }
            }
        }
    }
    out[ax] = cat;
    one(d, StaticShape::partial(out))
}

/// All listed inputs share the first one's dtype (list attr `T`).
fn same_dtype_list(op: &str, inputs: &[InputInfo], idxs: &[usize]) -> TfResult<DType> {
    super::common::same_dtype(op, inputs, idxs)
}

/// Concatenates typed parts (each of shape `outer x len_k x inner`) along the middle.
fn concat_typed<T: Copy>(parts: &[(&[T], usize)], outer: usize, inner: usize, total: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(outer * total * inner);
    for o in 0..outer {
        for &(v, len) in parts {
            let chunk = len * inner;
            if let Some(s) = v.get(o * chunk..(o + 1) * chunk) {
                out.extend_from_slice(s);
            }
        }
    }
    out
}

/// Concatenates tensors along `axis` (checked by the caller: same dtype,
/// same rank, equal other dims).
pub fn concat_tensors(ts: &[&Tensor], axis: usize) -> TfResult<Tensor> {
    let first = ts.first().ok_or_else(|| ia("ConcatOp : Expected at least one input".into()))?;
    let dims = first.shape();
    let outer: usize = dims[..axis].iter().product();
    let inner: usize = dims[axis + 1..].iter().product();
    let total: usize = ts.iter().map(|t| t.shape().get(axis).copied().unwrap_or(0)).sum();
    let mut out_shape = dims.to_vec();
    out_shape[axis] = total;
    alloc_check(&out_shape, first.dtype())?;
    macro_rules! go {
        ($T:ty) => {{
            let mut parts: Vec<(&[$T], usize)> = Vec::with_capacity(ts.len());
            for t in ts {
                parts.push((typed::<$T>(t)?, t.shape().get(axis).copied().unwrap_or(0)));
            }
            same(out_shape, concat_typed(&parts, outer, inner, total))
        }};
    }
    match first.dtype() {
        DType::Float32 => go!(f32),
        DType::Float64 => go!(f64),
        DType::Int32 => go!(i32),
        DType::Int64 => go!(i64),
        DType::Bool => go!(bool),
    }
}

fn concat_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "ConcatV2";
    let n = inputs.len().saturating_sub(1);
    let axis = int_values(OP, tin(OP, inputs, n)?, "axis")?;
    let vals = &inputs[..n];
    let first = vals.first().ok_or_else(|| ia("ConcatOp : Expected at least one input".into()))?;
    let rank = first.rank();
    let a = axis.first().copied().unwrap_or(0);
    if rank == 0 {
        return Err(ia("ConcatOp : Can't concatenate scalars (use tf.stack instead)".into()));
    }
    let ax = norm_axis(a, rank).ok_or_else(|| {
        ia(format!(
            "ConcatOp : Expected concatenating dimensions in the range [{}, {}), but got {a}",
            -(rank as i64),
            rank
        ))
    })?;
    for (k, t) in vals.iter().enumerate() {
        if t.dtype() != first.dtype() {
            return Err(dtype_mismatch(OP, k, first.dtype(), t.dtype()));
        }
        if t.rank() != rank {
            return Err(ia(format!(
                "ConcatOp : Ranks of all input tensors should match: shape[0] = {} vs. shape[{k}] = {}",
                dims_str(first.shape()),
                dims_str(t.shape())
            )));
        }
        for j in 0..rank {
            if j != ax && t.shape()[j] != first.shape()[j] {
                return Err(ia(format!(
                    "ConcatOp : Dimension {j} in both shapes must be equal: shape[0] = {} vs. shape[{k}] = {}",
                    dims_str(first.shape()),
                    dims_str(t.shape())
                )));
            }
        }
    }
    Ok(vec![concat_tensors(vals, ax)?])
}

/// `ConcatV2(values..., axis; N)`.
pub static CONCAT_V2: OpDef =
    OpDef { name: "ConcatV2", class: OpClass::Opaque, infer: concat_infer, kernel: concat_kernel, grad: Some(crate::grad::array::concat_v2_grad) };

fn pack_axis(a: i64, rank: usize) -> TfResult<usize> {
    let r = rank as i64 + 1;
    if a < -r || a >= r {
        return Err(ia(format!("axis = {a} not in [{}, {r})", -r)));
    }
    Ok(if a < 0 { (a + r) as usize } else { a as usize })
}

fn pack_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    if inputs.is_empty() {
        return Err(ia("Pack expects at least 1 input".into()));
    }
    let idxs: Vec<usize> = (0..inputs.len()).collect();
    let d = super::common::same_dtype("Pack", inputs, &idxs)?;
    let mut merged: Option<Vec<Option<usize>>> = None;
    for (k, inp) in inputs.iter().enumerate() {
        let Some(dims) = &inp.ty.shape.dims else { continue };
        match &mut merged {
            None => merged = Some(dims.clone()),
            Some(m) => {
                let bad = m.len() != dims.len()
                    || m.iter().zip(dims).any(|(a, b)| matches!((a, b), (Some(x), Some(y)) if x != y));
                if bad {
                    return Err(ia(format!(
                        "Shapes of all inputs must match: values[0].shape = {} != values[{k}].shape = {}",
                        static_dims_str(&inputs[0].ty.shape),
                        static_dims_str(&inp.ty.shape)
                    )));
                }
                for (a, b) in m.iter_mut().zip(dims) {
                    if a.is_none() {
                        *a = *b;
                    }
                }
            }
        }
    }
    let Some(mut dims) = merged else {
        return one(d, StaticShape::unknown_rank());
    };
    let ax = pack_axis(attrs.int_or("axis", 0), dims.len())?;
    dims.insert(ax, Some(inputs.len()));
    one(d, StaticShape::partial(dims))
}

fn pack_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let first = tin("Pack", inputs, 0)?;
    for (k, t) in inputs.iter().enumerate() {
        if t.shape() != first.shape() {
            return Err(ia(format!(
                "Shapes of all inputs must match: values[0].shape = {} != values[{k}].shape = {}",
                dims_str(first.shape()),
                dims_str(t.shape())
            )));
        }
        if t.dtype() != first.dtype() {
            return Err(dtype_mismatch("Pack", k, first.dtype(), t.dtype()));
        }
    }
    let ax = pack_axis(attrs.int_or("axis", 0), first.rank())?;
    let mut d = first.shape().to_vec();
    d.insert(ax, 1);
    let parts: Vec<Tensor> = inputs.iter().map(|t| t.reshaped(d.clone())).collect::<TfResult<_>>()?;
    let refs: Vec<&Tensor> = parts.iter().collect();
    Ok(vec![concat_tensors(&refs, ax)?])
}

/// `Pack(values...; N, axis)` — `tf.stack`.
pub static PACK: OpDef = OpDef { name: "Pack", class: OpClass::Opaque, infer: pack_infer, kernel: pack_kernel, grad: Some(crate::grad::array::pack_grad) };

fn unpack_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Unpack", inputs.len(), 1)?;
    let x = input("Unpack", inputs, 0)?;
    let a = attrs.int_or("axis", 0);
    let Some(dims) = &x.ty.shape.dims else {
        let num = attrs.get_int("num")?;
        return Ok(vec![TensorType::new(x.ty.dtype, StaticShape::unknown_rank()); num.max(0) as usize]);
    };
    let rank = dims.len();
    let ax = norm_axis(a, rank)
        .ok_or_else(|| ia(format!("axis = {a} not in [{}, {rank})", -(rank as i64))))?;
    let num = match (attrs.get_int("num").ok(), dims[ax]) {
        (Some(n), Some(d)) if n as usize != d => {
            return Err(ia(format!(
                "Input shape axis {ax} must equal {n}, got shape {}",
                static_dims_str(&x.ty.shape)
            )))
        }
        (Some(n), _) => n.max(0) as usize,
        (None, Some(d)) => d,
        (None, None) => return Err(ia("Cannot infer num from shape".into())),
    };
    let mut out = dims.clone();
    out.remove(ax);
    Ok(vec![TensorType::new(x.ty.dtype, StaticShape::partial(out)); num])
}

/// Slices `x` into `sizes` pieces along `axis`.
fn split_tensor(x: &Tensor, axis: usize, sizes: &[usize]) -> TfResult<Vec<Tensor>> {
    let dims = x.shape();
    let outer: usize = dims[..axis].iter().product();
    let inner: usize = dims[axis + 1..].iter().product();
    let n = dims[axis];
    let mut outs = Vec::with_capacity(sizes.len());
    let mut start = 0usize;
    for &len in sizes {
        let mut shape = dims.to_vec();
        shape[axis] = len;
        let t = dispatch_all!(x.data(), |v| {
            let mut out = Vec::with_capacity(outer * len * inner);
            for o in 0..outer {
                let b = (o * n + start) * inner;
                if let Some(s) = v.get(b..b + len * inner) {
                    out.extend_from_slice(s);
                }
            }
            same(shape, out)
        })?;
        outs.push(t);
        start += len;
    }
    Ok(outs)
}

fn unpack_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Unpack", inputs, 0)?;
    let a = attrs.int_or("axis", 0);
    let rank = x.rank();
    let ax = norm_axis(a, rank)
        .ok_or_else(|| ia(format!("axis = {a} not in [{}, {rank})", -(rank as i64))))?;
    let d = x.shape()[ax];
    if let Ok(n) = attrs.get_int("num") {
        if n as usize != d {
            return Err(ia(format!(
                "Input shape axis {ax} must equal {n}, got shape {}",
                dims_str(x.shape())
            )));
        }
    }
    let parts = split_tensor(x, ax, &vec![1; d])?;
    let mut out_shape = x.shape().to_vec();
    out_shape.remove(ax);
    parts.into_iter().map(|p| p.reshaped(out_shape.clone())).collect()
}

/// `Unpack(value; num, axis)` — `tf.unstack`; `num` outputs.
pub static UNPACK: OpDef =
    OpDef { name: "Unpack", class: OpClass::Opaque, infer: unpack_infer, kernel: unpack_kernel, grad: Some(crate::grad::array::unpack_grad) };

// ---------------------------------------------------------------- Split / SplitV

fn split_axis_err(a: i64, rank: usize) -> TfError {
    ia(format!("-input rank(-{rank}) <= split_dim < input rank ({rank}), but got {a}"))
}

fn split_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Split", inputs.len(), 2)?;
    let x = input("Split", inputs, 1)?;
    let num = attrs.get_int("num_split")?.max(0) as usize;
    let shape = match (&x.ty.shape.dims, const_int(input("Split", inputs, 0)?)) {
        (Some(dims), Some(a)) => {
            let ax = norm_axis(a, dims.len()).ok_or_else(|| split_axis_err(a, dims.len()))?;
            let mut out = dims.clone();
            if let Some(d) = dims[ax] {
                if num == 0 || d % num != 0 {
                    return Err(ia(format!(
                        "Number of ways to split should evenly divide the split dimension, but got split_dim {a} (size = {d}) and num_split {num}"
                    )));
                }
                out[ax] = Some(d / num);
            }
            StaticShape::partial(out)
        }
        (Some(dims), None) => StaticShape::partial(vec![None; dims.len()]),
        _ => StaticShape::unknown_rank(),
    };
    Ok(vec![TensorType::new(x.ty.dtype, shape); num])
}

fn split_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Split", inputs, 1)?;
    let a = int_values("Split", tin("Split", inputs, 0)?, "axis")?.first().copied().unwrap_or(0);
    let num = attrs.get_int("num_split")?.max(0) as usize;
    let ax = norm_axis(a, x.rank()).ok_or_else(|| split_axis_err(a, x.rank()))?;
    let d = x.shape()[ax];
    if num == 0 || d % num != 0 {
        return Err(ia(format!(
            "Number of ways to split should evenly divide the split dimension, but got split_dim {a} (size = {d}) and num_split {num}"
        )));
    }
    split_tensor(x, ax, &vec![d / num; num])
}

/// `Split(axis, value; num_split)`.
pub static SPLIT: OpDef = OpDef { name: "Split", class: OpClass::Opaque, infer: split_infer, kernel: split_kernel, grad: Some(crate::grad::array::split_grad) };

/// Resolves SplitV's `size_splits` (one -1 allowed) against `d`.
fn resolve_splits(sizes: &[i64], d: usize) -> TfResult<Vec<usize>> {
    let mut neg: Option<usize> = None;
    let mut sum: i64 = 0;
    for (i, &s) in sizes.iter().enumerate() {
        if s == -1 {
            if neg.is_some() {
                return Err(ia("There can only be one -1 in the input.".into()));
            }
            neg = Some(i);
        } else if s < 0 {
            return Err(ia(format!("Split size at index {i} must be >= 0. Got: {s}")));
        } else {
            sum = sum.saturating_add(s);
        }
    }
    let d64 = d as i64;
    let ok = match neg {
        None => sum == d64,
        Some(_) => sum <= d64,
    };
    if !ok {
        return Err(ia(format!(
            "Determined shape must either match input shape along split_dim exactly if fully specified, or be less than the size of the input along split_dim if not fully specified.  Got: {sum}"
        )));
    }
    Ok(sizes
        .iter()
        .enumerate()
        .map(|(i, &s)| if Some(i) == neg { (d64 - sum) as usize } else { s as usize })
        .collect())
}

fn splitv_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("SplitV", inputs.len(), 3)?;
    let x = input("SplitV", inputs, 0)?;
    check_index_dtype("SplitV", inputs, 1, "Tlen")?;
    let num = attrs.get_int("num_split")?.max(0) as usize;
    let sizes = const_ints(input("SplitV", inputs, 1)?);
    let axis = const_int(input("SplitV", inputs, 2)?);
    match (&x.ty.shape.dims, axis) {
        (Some(dims), Some(a)) => {
            let ax = norm_axis(a, dims.len()).ok_or_else(|| split_axis_err(a, dims.len()))?;
            let mut outs = Vec::with_capacity(num);
            for k in 0..num {
                let mut d = dims.clone();
                d[ax] = match (&sizes, dims[ax]) {
                    (Some(s), Some(n)) => resolve_splits(s, n)?.get(k).copied(),
                    (Some(s), None) => s.get(k).and_then(|&v| (v >= 0).then_some(v as usize)),
                    _ => None,
                };
                outs.push(TensorType::new(x.ty.dtype, StaticShape::partial(d)));
            }
            Ok(outs)
        }
        (Some(dims), None) => {
            Ok(vec![TensorType::new(x.ty.dtype, StaticShape::partial(vec![None; dims.len()])); num])
        }
        _ => Ok(vec![TensorType::new(x.ty.dtype, StaticShape::unknown_rank()); num]),
    }
}

fn splitv_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("SplitV", inputs, 0)?;
    let sizes = int_values("SplitV", tin("SplitV", inputs, 1)?, "size_splits")?;
    let a = int_values("SplitV", tin("SplitV", inputs, 2)?, "axis")?.first().copied().unwrap_or(0);
    let num = attrs.int_or("num_split", sizes.len() as i64);
    if num as usize != sizes.len() {
        return Err(ia(format!(
            "Length of size_splits should be equal to the value of num_split. Got: {} vs. {num}",
            sizes.len()
        )));
    }
    let ax = norm_axis(a, x.rank()).ok_or_else(|| split_axis_err(a, x.rank()))?;
    let s = resolve_splits(&sizes, x.shape()[ax])?;
    split_tensor(x, ax, &s)
}

/// `SplitV(value, size_splits, axis; num_split)`.
pub static SPLIT_V: OpDef =
    OpDef { name: "SplitV", class: OpClass::Opaque, infer: splitv_infer, kernel: splitv_kernel, grad: Some(crate::grad::array::split_v_grad) };

// ---------------------------------------------------------------- Tile / BroadcastTo

fn check_multiples(m: &[i64], rank: usize) -> TfResult<Vec<usize>> {
    if m.len() != rank {
        return Err(ia(format!(
            "Expected multiples argument to be a vector of length {rank} but got length {}",
            m.len()
        )));
    }
    m.iter()
        .enumerate()
        .map(|(i, &k)| {
            if k < 0 {
                Err(ia(format!("Expected multiples[{i}] >= 0, but got {k}")))
            } else {
                Ok(k as usize)
            }
        })
        .collect()
}

fn tile_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Tile", inputs.len(), 2)?;
    let x = input("Tile", inputs, 0)?;
    check_index_dtype("Tile", inputs, 1, "Tmultiples")?;
    let shape = match (&x.ty.shape.dims, const_ints(input("Tile", inputs, 1)?)) {
        (Some(dims), Some(m)) => {
            let m = check_multiples(&m, dims.len())?;
            StaticShape::partial(dims.iter().zip(&m).map(|(d, &k)| d.map(|d| d.saturating_mul(k))).collect())
        }
        (Some(dims), None) => StaticShape::partial(vec![None; dims.len()]),
        (None, Some(m)) => StaticShape::partial(vec![None; m.len()]),
        _ => StaticShape::unknown_rank(),
    };
    one(x.ty.dtype, shape)
}

fn tile_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Tile", inputs, 0)?;
    let m = int_values("Tile", tin("Tile", inputs, 1)?, "multiples")?;
    let m = check_multiples(&m, x.rank())?;
    let dims = x.shape();
    let out: Vec<usize> = dims.iter().zip(&m).map(|(&d, &k)| d.saturating_mul(k)).collect();
    alloc_check(&out, x.dtype())?;
    // Iterate the output as (k_0, d_0, k_1, d_1, …) with stride 0 on the k's.
    let st = strides_of(dims);
    let mut it_dims = Vec::with_capacity(2 * dims.len());
    let mut it_str = Vec::with_capacity(2 * dims.len());
    for i in 0..dims.len() {
        it_dims.push(m[i]);
        it_str.push(0);
        it_dims.push(dims[i]);
        it_str.push(st[i]);
    }
    let t = dispatch_all!(x.data(), |v| {
        let mut res = Vec::with_capacity(product(&out));
        for_each_offset(&it_dims, [&it_str], |[i]| {
            if let Some(&e) = v.get(i) {
                res.push(e);
            }
        });
        same(out, res)
    })?;
    Ok(vec![t])
}

/// `Tile(input, multiples)`.
pub static TILE: OpDef = OpDef { name: "Tile", class: OpClass::Opaque, infer: tile_infer, kernel: tile_kernel, grad: Some(crate::grad::array::tile_grad) };

fn broadcast_to_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("BroadcastTo", inputs.len(), 2)?;
    let x = input("BroadcastTo", inputs, 0)?;
    check_index_dtype("BroadcastTo", inputs, 1, "Tidx")?;
    let s = input("BroadcastTo", inputs, 1)?;
    let shape = match const_ints(s) {
        Some(t) => {
            if let Some(neg) = t.iter().find(|&&d| d < 0) {
                return Err(ia(format!("Dimension {neg} must be >= 0")));
            }
            let target: Vec<usize> = t.iter().map(|&d| d as usize).collect();
            if let Some(dims) = &x.ty.shape.dims {
                let ts = StaticShape::known(&target);
                if dims.len() > target.len() {
                    return Err(ia(format!(
                        "Rank of input ({}) must be no greater than rank of output shape ({}).",
                        dims.len(),
                        target.len()
                    )));
                }
                let off = target.len() - dims.len();
                for (i, d) in dims.iter().enumerate() {
                    if let Some(d) = d {
                        if *d != 1 && *d != target[off + i] {
                            return Err(super::broadcast::incompatible(&x.ty.shape, &ts));
                        }
                    }
                }
            }
            StaticShape::known(&target)
        }
        None => match s.ty.shape.dims.as_deref() {
            Some([Some(n)]) => StaticShape::partial(vec![None; *n]),
            _ => StaticShape::unknown_rank(),
        },
    };
    one(x.ty.dtype, shape)
}

fn broadcast_to_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("BroadcastTo", inputs, 0)?;
    let t = int_values("BroadcastTo", tin("BroadcastTo", inputs, 1)?, "shape")?;
    if let Some(neg) = t.iter().find(|&&d| d < 0) {
        return Err(ia(format!("Dimension {neg} must be >= 0")));
    }
    let target: Vec<usize> = t.iter().map(|&d| d as usize).collect();
    if x.rank() > target.len() {
        return Err(ia(format!(
            "Rank of input ({}) must be no greater than rank of output shape ({}).",
            x.rank(),
            target.len()
        )));
    }
    if broadcast_shapes(x.shape(), &target).as_deref() != Some(&target[..]) {
        return Err(ia(format!("Incompatible shapes: {} vs. {}", dims_str(x.shape()), dims_str(&target))));
    }
    alloc_check(&target, x.dtype())?;
    let r = dispatch_all!(x.data(), |v| same(target.clone(), broadcast_to(v, x.shape(), &target)))?;
    Ok(vec![r])
}

/// `BroadcastTo(input, shape)`.
pub static BROADCAST_TO: OpDef =
    OpDef { name: "BroadcastTo", class: OpClass::Opaque, infer: broadcast_to_infer, kernel: broadcast_to_kernel, grad: Some(crate::grad::array::broadcast_to_grad) };

// ---------------------------------------------------------------- Fill / Range / LinSpace

fn fill_dims(d: &[i64]) -> TfResult<Vec<usize>> {
    d.iter()
        .map(|&x| if x < 0 { Err(ia(format!("Dimension {x} must be >= 0"))) } else { Ok(x as usize) })
        .collect()
}

fn fill_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Fill", inputs.len(), 2)?;
    check_index_dtype("Fill", inputs, 0, "index_type")?;
    let dims = input("Fill", inputs, 0)?;
    let v = input("Fill", inputs, 1)?;
    if let Some(r) = v.ty.shape.rank() {
        if r != 0 {
            return Err(ia(format!("value must represent a scalar, got shape {}", static_dims_str(&v.ty.shape))));
        }
    }
    let shape = match const_ints(dims) {
        Some(d) => {
            let d = fill_dims(&d)?;
            alloc_check(&d, v.ty.dtype)?;
            StaticShape::known(&d)
        }
        None => match dims.ty.shape.dims.as_deref() {
            Some([Some(n)]) => StaticShape::partial(vec![None; *n]),
            _ => StaticShape::unknown_rank(),
        },
    };
    one(v.ty.dtype, shape)
}

/// A tensor of `shape` filled with the (scalar) value of `v`.
pub fn fill_tensor(shape: &[usize], v: &Tensor) -> TfResult<Tensor> {
    let n = alloc_check(shape, v.dtype())?;
    dispatch_all!(v.data(), |x| {
        let e = *x.first().ok_or_else(|| ia("value must be a scalar".into()))?;
        same(shape.to_vec(), vec![e; n])
    })
}

fn fill_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let d = tin("Fill", inputs, 0)?;
    let v = tin("Fill", inputs, 1)?;
    if d.rank() != 1 {
        return Err(ia(format!("dims must be a vector, got shape {}", dims_str(d.shape()))));
    }
    if v.rank() != 0 {
        return Err(ia(format!("value must represent a scalar, got shape {}", dims_str(v.shape()))));
    }
    let dims = fill_dims(&int_values("Fill", d, "dims")?)?;
    Ok(vec![fill_tensor(&dims, v)?])
}

/// `Fill(dims, value)`.
pub static FILL: OpDef = OpDef { name: "Fill", class: OpClass::Opaque, infer: fill_infer, kernel: fill_kernel, grad: Some(crate::grad::array::fill_grad) };

/// Range arithmetic per dtype.
trait RangeElem: Num {
    fn range_size(start: Self, limit: Self, delta: Self) -> f64;
    fn at(start: Self, delta: Self, i: usize) -> Self;
    fn show(self) -> String;
}
impl RangeElem for i32 {
    fn range_size(s: i32, l: i32, d: i32) -> f64 {
        let (s, l, d) = (s as i64, l as i64, d as i64);
        (((l - s).abs() + d.abs() - 1) / d.abs()) as f64
    }
    fn at(s: i32, d: i32, i: usize) -> i32 {
        s.wrapping_add((i as i32).wrapping_mul(d))
    }
    fn show(self) -> String {
        self.to_string()
    }
}
impl RangeElem for i64 {
    fn range_size(s: i64, l: i64, d: i64) -> f64 {
        let (s, l, d) = (s as i128, l as i128, d as i128);
        (((l - s).abs() + d.abs() - 1) / d.abs()) as f64
    }
    fn at(s: i64, d: i64, i: usize) -> i64 {
        s.wrapping_add((i as i64).wrapping_mul(d))
    }
    fn show(self) -> String {
        self.to_string()
    }
}
impl RangeElem for f32 {
    fn range_size(s: f32, l: f32, d: f32) -> f64 {
        ((l - s) / d).abs().ceil() as f64
    }
    fn at(s: f32, d: f32, i: usize) -> f32 {
        s + (i as f32) * d
    }
    fn show(self) -> String {
        format!("{self}")
    }
}
impl RangeElem for f64 {
    fn range_size(s: f64, l: f64, d: f64) -> f64 {
        ((l - s) / d).abs().ceil()
    }
    fn at(s: f64, d: f64, i: usize) -> f64 {
        s + (i as f64) * d
    }
    fn show(self) -> String {
        format!("{self}")
    }
}

fn range_size<T: RangeElem>(s: T, l: T, d: T) -> TfResult<usize> {
    if d == T::zero() {
        return Err(ia(format!("Requires delta != 0: {}", d.show())));
    }
    if d > T::zero() && s > l {
        return Err(ia(format!("Requires start <= limit when delta > 0: {}/{}", s.show(), l.show())));
    }
    if d < T::zero() && s < l {
        return Err(ia(format!("Requires start >= limit when delta < 0: {}/{}", s.show(), l.show())));
    }
    let n = T::range_size(s, l, d);
    if !n.is_finite() || n > (i64::MAX as f64) {
        return Err(ia(format!("Requires ((limit - start) / delta) <= {}", i64::MAX)));
    }
    Ok(n as usize)
}

/// Range's output: its length only (`values == false`, for shape inference) or the values.
fn range_typed<T: RangeElem>(s: &[T], l: &[T], d: &[T], values: bool) -> TfResult<Tensor> {
    let (Some(&s), Some(&l), Some(&d)) = (s.first(), l.first(), d.first()) else {
        return Err(ia("start, limit and delta must be scalars".into()));
    };
    let n = range_size(s, l, d)?;
    alloc_check(&[n], T::DTYPE)?;
    if !values {
        return Ok(Tensor::vec_i64(vec![n as i64]));
    }
    make(vec![n], (0..n).map(|i| T::at(s, d, i)).collect())
}

fn range_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Range", inputs.len(), 3)?;
    let dt = super::common::same_dtype("Range", inputs, &[0, 1, 2])?;
    super::common::check_allowed("Range", dt, &super::common::REAL)?;
    for (i, name) in ["start", "limit", "delta"].iter().enumerate() {
        if let Some(r) = input("Range", inputs, i)?.ty.shape.rank() {
            if r != 0 {
                return Err(ia(format!(
                    "{name} must be a scalar, not shape {}",
                    static_dims_str(&inputs[i].ty.shape)
                )));
            }
        }
    }
    let vals: Option<Vec<&Tensor>> = inputs.iter().map(|i| i.value).collect();
    let shape = match vals {
        Some(v) => {
            let n = range_compute(&v, false)?.get_i64(0);
            StaticShape::known(&[n.max(0) as usize])
        }
        None => StaticShape::partial(vec![None]),
    };
    one(dt, shape)
}

fn range_compute(inputs: &[&Tensor], values: bool) -> TfResult<Tensor> {
    let (s, l, d) = (tin("Range", inputs, 0)?, tin("Range", inputs, 1)?, tin("Range", inputs, 2)?);
    match (s.data(), l.data(), d.data()) {
        (Data::I32(a), Data::I32(b), Data::I32(c)) => range_typed(a, b, c, values),
        (Data::I64(a), Data::I64(b), Data::I64(c)) => range_typed(a, b, c, values),
        (Data::F32(a), Data::F32(b), Data::F32(c)) => range_typed(a, b, c, values),
        (Data::F64(a), Data::F64(b), Data::F64(c)) => range_typed(a, b, c, values),
        _ => Err(dtype_mismatch("Range", 1, s.dtype(), l.dtype())),
    }
}

fn range_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    Ok(vec![range_compute(inputs, true)?])
}

/// `Range(start, limit, delta)`.
pub static RANGE: OpDef = OpDef { name: "Range", class: OpClass::Opaque, infer: range_infer, kernel: range_kernel, grad: None };

fn linspace_typed<T: Float>(s: &[T], e: &[T], num: i64) -> TfResult<Tensor> {
    let (Some(&s), Some(&e)) = (s.first(), e.first()) else {
        return Err(ia("start and stop must be scalars".into()));
    };
    if num <= 0 {
        return Err(ia(format!("Requires num > 0: {num}")));
    }
    let n = num as usize;
    alloc_check(&[n], T::DTYPE)?;
    let mut v = Vec::with_capacity(n);
    if n == 1 {
        v.push(s);
    } else {
        let step = e.sub(s).div(T::from_f64((n - 1) as f64));
        for i in 0..n - 1 {
            v.push(s.add(step.mul(T::from_f64(i as f64))));
        }
        v.push(e);
    }
    make(vec![n], v)
}

fn linspace_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("LinSpace", inputs.len(), 3)?;
    let dt = super::common::same_dtype("LinSpace", inputs, &[0, 1])?;
    super::common::check_allowed("LinSpace", dt, &super::common::FLOAT_REAL)?;
    check_index_dtype("LinSpace", inputs, 2, "Tidx")?;
    let n = const_int(input("LinSpace", inputs, 2)?);
    if let Some(n) = n {
        if n <= 0 {
            return Err(ia(format!("Requires num > 0: {n}")));
        }
    }
    one(dt, StaticShape::partial(vec![n.map(|n| n as usize)]))
}

fn linspace_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let (s, e, n) = (tin("LinSpace", inputs, 0)?, tin("LinSpace", inputs, 1)?, tin("LinSpace", inputs, 2)?);
    let num = int_values("LinSpace", n, "num")?.first().copied().unwrap_or(0);
    let t = match (s.data(), e.data()) {
        (Data::F32(a), Data::F32(b)) => linspace_typed(a, b, num)?,
        (Data::F64(a), Data::F64(b)) => linspace_typed(a, b, num)?,
        _ => return Err(super::common::no_kernel("LinSpace", s.dtype())),
    };
    Ok(vec![t])
}

/// `LinSpace(start, stop, num)`.
pub static LIN_SPACE: OpDef =
    OpDef { name: "LinSpace", class: OpClass::Opaque, infer: linspace_infer, kernel: linspace_kernel, grad: None };

// ---------------------------------------------------------------- *Like, Shape, Size, Rank, Identity

fn same_type_infer(op: &str, inputs: &[InputInfo]) -> TfResult<Vec<TensorType>> {
    arity(op, inputs.len(), 1)?;
    Ok(vec![input(op, inputs, 0)?.ty.clone()])
}

/// `ZerosLike(x)`.
pub static ZEROS_LIKE: OpDef = OpDef {
    name: "ZerosLike",
    class: OpClass::Elementwise,
    infer: |i, _| same_type_infer("ZerosLike", i),
    kernel: |i, _| {
        let x = tin("ZerosLike", i, 0)?;
        Ok(vec![Tensor::zeros(x.dtype(), x.shape())?])
    },
    grad: None,
};

/// `OnesLike(x)`.
pub static ONES_LIKE: OpDef = OpDef {
    name: "OnesLike",
    class: OpClass::Elementwise,
    infer: |i, _| same_type_infer("OnesLike", i),
    kernel: |i, _| {
        let x = tin("OnesLike", i, 0)?;
        let n = x.num_elements();
        let d = match x.dtype() {
            DType::Float32 => Data::F32(vec![1.0; n]),
            DType::Float64 => Data::F64(vec![1.0; n]),
            DType::Int32 => Data::I32(vec![1; n]),
            DType::Int64 => Data::I64(vec![1; n]),
            DType::Bool => Data::Bool(vec![true; n]),
        };
        Ok(vec![Tensor::new(x.shape().to_vec(), d)?])
    },
    grad: None,
};

/// `Identity(input)`.
pub static IDENTITY: OpDef = OpDef {
    name: "Identity",
    class: OpClass::Opaque,
    infer: |i, _| same_type_infer("Identity", i),
    kernel: |i, _| Ok(vec![tin("Identity", i, 0)?.clone()]),
    grad: Some(crate::grad::array::identity_grad),
};

fn out_type(attrs: &Attrs) -> TfResult<DType> {
    let d = attrs.get_type("out_type").unwrap_or(DType::Int32);
    if !d.is_int() {
        return Err(ia(format!(
            "Value for attr 'out_type' of {} is not in the list of allowed values: int32, int64",
            super::common::tf_type_name(d)
        )));
    }
    Ok(d)
}

fn int_tensor(d: DType, shape: Vec<usize>, v: Vec<i64>) -> TfResult<Tensor> {
    if d == DType::Int64 {
        make(shape, v)
    } else {
        make(shape, v.into_iter().map(|x| x as i32).collect::<Vec<i32>>())
    }
}

/// `Shape(input; out_type=int32)`.
pub static SHAPE: OpDef = OpDef {
    name: "Shape",
    class: OpClass::Opaque,
    infer: |i, a| {
        arity("Shape", i.len(), 1)?;
        let r = input("Shape", i, 0)?.ty.shape.rank();
        one(out_type(a)?, StaticShape::partial(vec![r]))
    },
    kernel: |i, a| {
        let x = tin("Shape", i, 0)?;
        let v: Vec<i64> = x.shape().iter().map(|&d| d as i64).collect();
        Ok(vec![int_tensor(out_type(a)?, vec![v.len()], v)?])
    },
    grad: None,
};

/// `Size(input; out_type=int32)`.
pub static SIZE: OpDef = OpDef {
    name: "Size",
    class: OpClass::Opaque,
    infer: |i, a| {
        arity("Size", i.len(), 1)?;
        one(out_type(a)?, StaticShape::known(&[]))
    },
    kernel: |i, a| {
        let x = tin("Size", i, 0)?;
        Ok(vec![int_tensor(out_type(a)?, vec![], vec![x.num_elements() as i64])?])
    },
    grad: None,
};

/// `Rank(input)`: int32 scalar.
pub static RANK: OpDef = OpDef {
    name: "Rank",
    class: OpClass::Opaque,
    infer: |i, _| {
        arity("Rank", i.len(), 1)?;
        one(DType::Int32, StaticShape::known(&[]))
    },
    kernel: |i, _| Ok(vec![Tensor::scalar_i32(tin("Rank", i, 0)?.rank() as i32)]),
    grad: None,
};
