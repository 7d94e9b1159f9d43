//! Gradients of shape and indexing ops — TF's `array_grad.py`.

use super::build::*;
use super::math::Grads;
use super::{GradBuilder, GradCall, Handle};
use crate::attrs;
use crate::dtype::DType;
use crate::error::TfResult;
use crate::op::{Attr, AttrsExt};
use crate::ops::common::norm_axis;

type B<'a> = &'a mut dyn GradBuilder;

/// `Identity`: `g`.
pub fn identity_grad(_: B, c: &GradCall) -> Grads {
    Ok(vec![Some(c.grad(0)?)])
}

/// `Reshape`: `g` reshaped to the input's shape (a `-1` wildcard for a single
/// unknown dim, as TF does, else a `Shape` op).
pub fn reshape_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = (c.input(0)?, c.grad(0)?);
    if let Some(d) = dims(b, x) {
        let unknown = d.iter().filter(|v| v.is_none()).count();
        if unknown == 1 && !d.contains(&Some(0)) {
            let s: Vec<i64> = d.iter().map(|v| v.map_or(-1, |n| n as i64)).collect();
            let sh = ints(b, &s);
            return Ok(vec![Some(reshape(b, g, sh)?), None]);
        }
    }
    Ok(vec![Some(reshape_like(b, g, x)?), None])
}

/// `ExpandDims`: `g` reshaped to the input's shape.
pub fn expand_dims_grad(b: B, c: &GradCall) -> Grads {
    Ok(vec![Some(reshape_like(b, c.grad(0)?, c.input(0)?)?), None])
}

/// `Squeeze`: `g` reshaped to the input's shape.
pub fn squeeze_grad(b: B, c: &GradCall) -> Grads {
    Ok(vec![Some(reshape_like(b, c.grad(0)?, c.input(0)?)?)])
}

/// `Transpose`: `g` transposed by the inverse permutation.
pub fn transpose_grad(b: B, c: &GradCall) -> Grads {
    let (p, g) = (c.input(1)?, c.grad(0)?);
    let inv = match int_value(b, p) {
        Some(v) => ints(b, &invert_perm(&v)),
        None => {
            // inverse[perm[i]] = i, as a segment sum of 0..n by perm.
            let p = cast_int32(b, p)?;
            let n = op1(b, "Size", &[p], attrs![("out_type", Attr::Type(DType::Int32))])?;
            let (z, one) = (int(b, 0), int(b, 1));
            let r = op1(b, "Range", &[z, n, one], attrs![])?;
            op1(b, "UnsortedSegmentSum", &[r, p, n], attrs![])?
        }
    };
    Ok(vec![Some(transpose(b, g, inv)?), None])
}

/// `Tile`: `g` reshaped to interleaved `(multiple, dim)` pairs and summed
/// over the multiples.
pub fn tile_grad(b: B, c: &GradCall) -> Grads {
    let (x, m, g) = (c.input(0)?, c.input(1)?, c.grad(0)?);
    if let (Some(d), Some(mv)) = (known(b, x), int_value(b, m)) {
        let mut split = Vec::with_capacity(2 * d.len());
        for (i, &n) in d.iter().enumerate() {
            split.push(mv.get(i).copied().unwrap_or(1));
            split.push(n as i64);
        }
        let axes: Vec<i64> = (0..d.len() as i64).map(|i| 2 * i).collect();
        let ss = ints(b, &split);
        let rg = reshape(b, g, ss)?;
        let ax = ints(b, &axes);
        return Ok(vec![Some(sum(b, rg, ax, false)?), None]);
    }
    let s = shape(b, x)?;
    let m32 = cast_int32(b, m)?;
    let packed = op1(b, "Pack", &[m32, s], attrs![("N", Attr::Int(2)), ("axis", Attr::Int(0))])?;
    let p = ints(b, &[1, 0]);
    let t = transpose(b, packed, p)?;
    let m1 = ints(b, &[-1]);
    let split = reshape(b, t, m1)?;
    let n = op1(b, "Size", &[split], attrs![("out_type", Attr::Type(DType::Int32))])?;
    let (z, two) = (int(b, 0), int(b, 2));
    let axes = op1(b, "Range", &[z, n, two], attrs![])?;
    let rg = reshape(b, g, split)?;
    Ok(vec![Some(sum(b, rg, axes, false)?), None])
}

/// `BroadcastTo`: `g` summed back to the input's shape.
pub fn broadcast_to_grad(b: B, c: &GradCall) -> Grads {
    Ok(vec![Some(sum_to_shape_of(b, c.grad(0)?, c.input(0)?)?), None])
}

/// The non-negative concat/split axis (needs the axis value and the rank).
fn static_axis(b: &dyn GradBuilder, axis: Handle, like: Handle, what: &str) -> TfResult<usize> {
    let a = int_value(b, axis).and_then(|v| v.first().copied());
    let r = rank(b, like);
    match (a, r) {
        (Some(a), Some(r)) => norm_axis(a, r).ok_or_else(|| unsupported(&format!("{what} with an out-of-range axis"))),
        _ => Err(unsupported(&format!("{what} with an unknown axis or rank"))),
    }
}

/// `ConcatV2(values..., axis)`: `g` split back into the sizes of the inputs.
pub fn concat_v2_grad(b: B, c: &GradCall) -> Grads {
    let n = c.inputs.len().saturating_sub(1);
    let g = c.grad(0)?;
    if n == 1 {
        return Ok(vec![Some(g), None]);
    }
    let (axis, first) = (c.input(n)?, c.input(0)?);
    let ax = static_axis(b, axis, first, "ConcatV2")?;
    let mut parts = Vec::with_capacity(n);
    for i in 0..n {
        let xi = c.input(i)?;
        parts.push(shape_slice(b, xi, ax, ax + 1)?);
    }
    let sizes = concat_ints(b, &parts)?;
    let a = int(b, ax as i64);
    let outs = b.op("SplitV", &[g, sizes, a], attrs![("num_split", Attr::Int(n as i64))])?;
    let mut res: Vec<Option<Handle>> = outs.into_iter().map(Some).collect();
    res.push(None);
    Ok(res)
}

/// `Pack`: `g` unstacked along the packing axis.
pub fn pack_grad(b: B, c: &GradCall) -> Grads {
    let n = c.inputs.len();
    let axis = c.attrs.int_or("axis", 0);
    let outs = b.op("Unpack", &[c.grad(0)?], attrs![("num", Attr::Int(n as i64)), ("axis", Attr::Int(axis))])?;
    Ok(outs.into_iter().map(Some).collect())
}

/// `Unpack`: the output gradients stacked along the axis.
pub fn unpack_grad(b: B, c: &GradCall) -> Grads {
    let gs: Vec<Handle> = (0..c.outputs.len()).map(|i| c.grad(i)).collect::<TfResult<_>>()?;
    let axis = c.attrs.int_or("axis", 0);
    let p = op1(b, "Pack", &gs, attrs![("N", Attr::Int(gs.len() as i64)), ("axis", Attr::Int(axis))])?;
    Ok(vec![Some(p)])
}

fn concat_grads(b: B, c: &GradCall, axis: Handle) -> TfResult<Handle> {
    let mut ins: Vec<Handle> = (0..c.outputs.len()).map(|i| c.grad(i)).collect::<TfResult<_>>()?;
    let n = ins.len();
    if n == 1 {
        return ins.pop().ok_or_else(|| unsupported("Split with no outputs"));
    }
    ins.push(axis);
    op1(b, "ConcatV2", &ins, attrs![("N", Attr::Int(n as i64))])
}

/// `Split(axis, value)`: the output gradients concatenated.
pub fn split_grad(b: B, c: &GradCall) -> Grads {
    let axis = c.input(0)?;
    Ok(vec![None, Some(concat_grads(b, c, axis)?)])
}

/// `SplitV(value, sizes, axis)`: the output gradients concatenated.
pub fn split_v_grad(b: B, c: &GradCall) -> Grads {
    let axis = c.input(2)?;
    Ok(vec![Some(concat_grads(b, c, axis)?), None, None])
}

fn slice_attrs(c: &GradCall) -> crate::op::Attrs {
    let mut a = crate::op::Attrs::new();
    for k in ["begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"] {
        a.insert(k, Attr::Int(c.attrs.int_or(k, 0)));
    }
    a
}

/// `StridedSlice`: `StridedSliceGrad` scatters `g` into zeros of the input shape.
pub fn strided_slice_grad(b: B, c: &GradCall) -> Grads {
    let (x, bg, en, st, g) = (c.input(0)?, c.input(1)?, c.input(2)?, c.input(3)?, c.grad(0)?);
    let s = shape(b, x)?;
    let s = if b.ty(bg).dtype == DType::Int64 { cast(b, s, DType::Int64)? } else { s };
    let r = op1(b, "StridedSliceGrad", &[s, bg, en, st, g], slice_attrs(c))?;
    Ok(vec![Some(r), None, None, None])
}

/// `StridedSliceGrad`: the same slice of `g`.
pub fn strided_slice_grad_grad(b: B, c: &GradCall) -> Grads {
    let (bg, en, st, g) = (c.input(1)?, c.input(2)?, c.input(3)?, c.grad(0)?);
    let r = op1(b, "StridedSlice", &[g, bg, en, st], slice_attrs(c))?;
    Ok(vec![None, None, None, None, Some(r)])
}

/// `GatherV2(params, indices, axis)`: the gradient rows summed into the
/// gathered positions with `UnsortedSegmentSum` — the dense form of the
/// `IndexedSlices` TF returns (the tape layer wraps it for printing).
pub fn gather_v2_grad(b: B, c: &GradCall) -> Grads {
    let (p, ind, axis, g) = (c.input(0)?, c.input(1)?, c.input(2)?, c.grad(0)?);
    if c.attrs.int_or("batch_dims", 0) != 0 {
        return Err(unsupported("GatherV2 with batch_dims"));
    }
    let ax = static_axis(b, axis, p, "GatherV2")?;
    let r = rank(b, p).unwrap_or(0);
    let outer = shape_slice(b, p, 0, ax)?;
    let inner = shape_slice(b, p, ax + 1, r)?;
    let m1 = ints(b, &[-1]);
    let vshape = concat_ints(b, &[outer, m1, inner])?;
    let values = reshape(b, g, vshape)?;
    let flat = reshape(b, ind, m1)?;
    let n = shape_slice(b, p, ax, ax + 1)?;
    let scalar_shape = ints(b, &[]);
    let n = reshape(b, n, scalar_shape)?;
    let grad = if ax == 0 {
        op1(b, "UnsortedSegmentSum", &[values, flat, n], attrs![])?
    } else {
        let mut perm: Vec<i64> = vec![ax as i64];
        perm.extend((0..r as i64).filter(|&i| i != ax as i64));
        let ph = ints(b, &perm);
        let vt = transpose(b, values, ph)?;
        let s = op1(b, "UnsortedSegmentSum", &[vt, flat, n], attrs![])?;
        let inv = ints(b, &invert_perm(&perm));
        transpose(b, s, inv)?
    };
    let ps = shape(b, p)?;
    Ok(vec![Some(reshape(b, grad, ps)?), None, None])
}

/// `UnsortedSegmentSum`: `g` gathered at the segment ids (zero for
/// negative ids) — TF's `_GatherDropNegatives`.
pub fn unsorted_segment_sum_grad(b: B, c: &GradCall) -> Grads {
    let (ids, g) = (c.input(1)?, c.grad(0)?);
    let zero = scalar_like(b, ids, 0.0);
    let zl = zeros_like(b, ids)?;
    let clipped = op1(b, "Maximum", &[ids, zl], attrs![])?;
    let z = int(b, 0);
    let gathered = op1(b, "GatherV2", &[g, clipped, z], attrs![("batch_dims", Attr::Int(0))])?;
    let pos = op1(b, "GreaterEqual", &[ids, zero], attrs![])?;
    let (Some(ri), Some(rg)) = (rank(b, ids), rank(b, gathered)) else {
        return Err(unsupported("UnsortedSegmentSum with unknown ranks"));
    };
    let si = shape(b, ids)?;
    let ones = ints(b, &vec![1; rg.saturating_sub(ri)]);
    let bs = concat_ints(b, &[si, ones])?;
    let pos = reshape(b, pos, bs)?;
    let zs = zeros_like(b, gathered)?;
    Ok(vec![Some(select(b, pos, gathered, zs)?), None, None])
}

/// `Fill(dims, value)`: the sum of `g`.
pub fn fill_grad(b: B, c: &GradCall) -> Grads {
    let g = c.grad(0)?;
    let axes = match rank(b, g) {
        Some(r) => ints(b, &(0..r as i64).collect::<Vec<_>>()),
        None => {
            let r = op1(b, "Rank", &[g], attrs![])?;
            let (z, one) = (int(b, 0), int(b, 1));
            op1(b, "Range", &[z, r, one], attrs![])?
        }
    };
    Ok(vec![None, Some(sum(b, g, axes, false)?)])
}
