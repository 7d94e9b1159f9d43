//! Building blocks shared by the gradient functions: one-line op builders,
//! constants, shapes (constant when statically known, a `Shape` op
//! otherwise), and TF's helpers `_ReduceGradientArgs` and `reduced_shape`.

use super::{GradBuilder, Handle};
use crate::attrs;
use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attr, Attrs};
use crate::ops::common::norm_axis;
use crate::tensor::{Data, Tensor};

type B<'a> = &'a mut dyn GradBuilder;

/// Adds a single-output op.
pub fn op1(b: B, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<Handle> {
    b.op(name, inputs, attrs)?
        .into_iter()
        .next()
        .ok_or_else(|| TfError::invalid_argument(format!("op {name} produced no output")))
}

/// Adds a two-output op.
pub fn op2(b: B, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<(Handle, Handle)> {
    let v = b.op(name, inputs, attrs)?;
    match v.as_slice() {
        [x, y, ..] => Ok((*x, *y)),
        _ => Err(TfError::invalid_argument(format!("op {name} produced fewer than 2 outputs"))),
    }
}

pub fn add(b: B, x: Handle, y: Handle) -> TfResult<Handle> {
    op1(b, "AddV2", &[x, y], attrs![])
}
pub fn sub(b: B, x: Handle, y: Handle) -> TfResult<Handle> {
    op1(b, "Sub", &[x, y], attrs![])
}
pub fn mul(b: B, x: Handle, y: Handle) -> TfResult<Handle> {
    op1(b, "Mul", &[x, y], attrs![])
}
/// `RealDiv`.
pub fn div(b: B, x: Handle, y: Handle) -> TfResult<Handle> {
    op1(b, "RealDiv", &[x, y], attrs![])
}
pub fn neg(b: B, x: Handle) -> TfResult<Handle> {
    op1(b, "Neg", &[x], attrs![])
}
/// A unary op by name.
pub fn un(b: B, name: &str, x: Handle) -> TfResult<Handle> {
    op1(b, name, &[x], attrs![])
}
pub fn zeros_like(b: B, x: Handle) -> TfResult<Handle> {
    op1(b, "ZerosLike", &[x], attrs![])
}
pub fn ones_like(b: B, x: Handle) -> TfResult<Handle> {
    op1(b, "OnesLike", &[x], attrs![])
}
pub fn cast(b: B, x: Handle, to: DType) -> TfResult<Handle> {
    let src = b.ty(x).dtype;
    op1(b, "Cast", &[x], attrs![("SrcT", Attr::Type(src)), ("DstT", Attr::Type(to)), ("Truncate", Attr::Bool(false))])
}
/// `SelectV2(c, x, y)`.
pub fn select(b: B, c: Handle, x: Handle, y: Handle) -> TfResult<Handle> {
    op1(b, "SelectV2", &[c, x, y], attrs![])
}
pub fn reshape(b: B, x: Handle, shape: Handle) -> TfResult<Handle> {
    op1(b, "Reshape", &[x, shape], attrs![])
}
pub fn transpose(b: B, x: Handle, perm: Handle) -> TfResult<Handle> {
    op1(b, "Transpose", &[x, perm], attrs![])
}
/// `Sum(x, axes; keep_dims)`.
pub fn sum(b: B, x: Handle, axes: Handle, keep: bool) -> TfResult<Handle> {
    op1(b, "Sum", &[x, axes], attrs![("keep_dims", Attr::Bool(keep))])
}

/// A scalar constant of `dtype` with value `v`.
pub fn scalar(b: B, dtype: DType, v: f64) -> Handle {
    let t = match dtype {
        DType::Float32 => Tensor::scalar_f32(v as f32),
        DType::Float64 => Tensor::scalar_f64(v),
        DType::Int32 => Tensor::scalar_i32(v as i32),
        DType::Int64 => Tensor::scalar_i64(v as i64),
        DType::Bool => Tensor::scalar_bool(v != 0.0),
    };
    b.constant(t)
}
/// A scalar constant with the dtype of `like`.
pub fn scalar_like(b: B, like: Handle, v: f64) -> Handle {
    let d = b.ty(like).dtype;
    scalar(b, d, v)
}
/// A 1-D int32 constant.
pub fn ints(b: B, v: &[i64]) -> Handle {
    b.constant(Tensor::vec_i32(v.iter().map(|&x| x as i32).collect()))
}
/// A scalar int32 constant.
pub fn int(b: B, v: i64) -> Handle {
    b.constant(Tensor::scalar_i32(v as i32))
}

/// Static dims of `h` (`None` = unknown rank).
pub fn dims(b: &dyn GradBuilder, h: Handle) -> Option<Vec<Option<usize>>> {
    b.ty(h).shape.dims
}
/// Static rank of `h`.
pub fn rank(b: &dyn GradBuilder, h: Handle) -> Option<usize> {
    b.ty(h).shape.rank()
}
/// Fully known static dims of `h`.
pub fn known(b: &dyn GradBuilder, h: Handle) -> Option<Vec<usize>> {
    b.ty(h).shape.as_known()
}
/// The known integer value of `h`.
pub fn int_value(b: &dyn GradBuilder, h: Handle) -> Option<Vec<i64>> {
    let v = b.value(h)?;
    v.dtype().is_int().then(|| v.to_i64_vec())
}

/// The shape of `x` as an int32 vector: a constant when statically known
/// (as `array_ops.shape` folds it), else a `Shape` op.
pub fn shape(b: B, x: Handle) -> TfResult<Handle> {
    match known(b, x) {
        Some(d) => Ok(ints(b, &d.iter().map(|&v| v as i64).collect::<Vec<_>>())),
        None => op1(b, "Shape", &[x], attrs![("out_type", Attr::Type(DType::Int32))]),
    }
}
/// `Reshape(g, shape(x))` — TF's `_ReshapeToInput`.
pub fn reshape_like(b: B, g: Handle, x: Handle) -> TfResult<Handle> {
    let s = shape(b, x)?;
    reshape(b, g, s)
}
/// `Size(x)` as int32 (constant if known).
pub fn size(b: B, x: Handle) -> TfResult<Handle> {
    match known(b, x) {
        Some(d) => Ok(int(b, d.iter().product::<usize>() as i64)),
        None => op1(b, "Size", &[x], attrs![("out_type", Attr::Type(DType::Int32))]),
    }
}
/// Dims `start..end` of `x`'s shape as an int32 vector (constant when known).
pub fn shape_slice(b: B, x: Handle, start: usize, end: usize) -> TfResult<Handle> {
    if let Some(d) = dims(b, x) {
        if let Some(part) = d.get(start..end) {
            if let Some(k) = part.iter().copied().collect::<Option<Vec<usize>>>() {
                return Ok(ints(b, &k.iter().map(|&v| v as i64).collect::<Vec<_>>()));
            }
        }
    }
    let s = shape(b, x)?;
    let (bg, en, st) = (ints(b, &[start as i64]), ints(b, &[end as i64]), ints(b, &[1]));
    op1(b, "StridedSlice", &[s, bg, en, st], attrs![])
}
/// Concatenates 1-D int32 vectors.
pub fn concat_ints(b: B, parts: &[Handle]) -> TfResult<Handle> {
    let vals: Option<Vec<Vec<i64>>> = parts.iter().map(|&p| int_value(b, p)).collect();
    if let Some(v) = vals {
        return Ok(ints(b, &v.concat()));
    }
    let mut ins = parts.to_vec();
    ins.push(int(b, 0));
    op1(b, "ConcatV2", &ins, attrs![("N", Attr::Int(parts.len() as i64))])
}

/// TF's `BroadcastGradientArgs` on concrete shapes: the axes each operand's
/// gradient must be summed over. `None` if incompatible.
pub fn bga_concrete(x: &[i64], y: &[i64]) -> Option<(Vec<i64>, Vec<i64>)> {
    if x == y {
        return Some((vec![], vec![]));
    }
    let r = x.len().max(y.len());
    let (mut rx, mut ry) = (Vec::new(), Vec::new());
    for i in 0..r {
        let xd = if i < r - x.len() { 1 } else { x[i - (r - x.len())] };
        let yd = if i < r - y.len() { 1 } else { y[i - (r - y.len())] };
        if xd != yd && xd != 1 && yd != 1 {
            return None;
        }
        if xd == 1 {
            rx.push(i as i64);
        }
        if yd == 1 {
            ry.push(i as i64);
        }
    }
    Some((rx, ry))
}

/// TF's `_InferGradientReductionAxes`: reduction axes from partial static
/// shapes, or `None` if the decision is data-dependent.
fn infer_reduction_axes(x: &[Option<usize>], y: &[Option<usize>]) -> Option<(Vec<i64>, Vec<i64>)> {
    let r = x.len().max(y.len());
    let (mut xa, mut ya) = (Vec::new(), Vec::new());
    for i in 0..r {
        let xd = if i < r - x.len() { Some(1) } else { x[i - (r - x.len())] };
        let yd = if i < r - y.len() { Some(1) } else { y[i - (r - y.len())] };
        if xd == Some(1) && yd != Some(1) {
            xa.push(i as i64);
        } else if yd == Some(1) && xd != Some(1) {
            ya.push(i as i64);
        } else if xd.is_none() || yd.is_none() {
            return None;
        }
    }
    Some((xa, ya))
}

/// TF's `_ReduceGradientArgs`: sums `gx`/`gy` (shaped like the broadcast
/// result of a binary op on `x`, `y`) back to the shapes of `x` and `y`.
pub fn reduce_gradient_args(
    b: B,
    x: Handle,
    y: Handle,
    gx: Option<Handle>,
    gy: Option<Handle>,
) -> TfResult<(Option<Handle>, Option<Handle>)> {
    if gx.is_none() && gy.is_none() {
        return Ok((None, None));
    }
    let (xd, yd) = (dims(b, x), dims(b, y));
    if let (Some(xd), Some(yd)) = (&xd, &yd) {
        if let Some((xa, ya)) = infer_reduction_axes(xd, yd) {
            let must_x = !xa.is_empty() || xd.len() < yd.len();
            let must_y = !ya.is_empty() || yd.len() < xd.len();
            let gx = match gx {
                Some(g) if must_x => Some(reduce_to(b, g, x, &xa)?),
                other => other,
            };
            let gy = match gy {
                Some(g) if must_y => Some(reduce_to(b, g, y, &ya)?),
                other => other,
            };
            return Ok((gx, gy));
        }
    }
    let sx = shape(b, x)?;
    let sy = shape(b, y)?;
    let (rx, ry) = op2(b, "BroadcastGradientArgs", &[sx, sy], attrs![])?;
    let gx = match gx {
        Some(g) => {
            let s = sum(b, g, rx, true)?;
            Some(reshape(b, s, sx)?)
        }
        None => None,
    };
    let gy = match gy {
        Some(g) => {
            let s = sum(b, g, ry, true)?;
            Some(reshape(b, s, sy)?)
        }
        None => None,
    };
    Ok((gx, gy))
}

fn reduce_to(b: B, g: Handle, x: Handle, axes: &[i64]) -> TfResult<Handle> {
    let a = ints(b, axes);
    let s = sum(b, g, a, true)?;
    reshape_like(b, s, x)
}

/// Sums `g` down to the shape of `x` (for a `g` shaped like a broadcast of
/// `x`), via `BroadcastGradientArgs`. Used where TF reduces against a shape
/// rather than against a second operand.
pub fn sum_to_shape_of(b: B, g: Handle, x: Handle) -> TfResult<Handle> {
    let (gd, xd) = (known(b, g), known(b, x));
    if let (Some(gd), Some(xd)) = (gd, xd) {
        let (gi, xi): (Vec<i64>, Vec<i64>) =
            (gd.iter().map(|&v| v as i64).collect(), xd.iter().map(|&v| v as i64).collect());
        if gi == xi {
            return Ok(g);
        }
        if let Some((_, rx)) = bga_concrete(&gi, &xi) {
            return reduce_to(b, g, x, &rx);
        }
    }
    let sg = shape(b, g)?;
    let sx = shape(b, x)?;
    let (_, rx) = op2(b, "BroadcastGradientArgs", &[sg, sx], attrs![])?;
    let s = sum(b, g, rx, true)?;
    reshape(b, s, sx)
}

/// TF's `math_ops.reduced_shape(shape(x), axes)`: the shape of `x` with the
/// reduced axes set to 1 (a constant when everything is statically known).
pub fn reduced_shape(b: B, x: Handle, axes: Handle) -> TfResult<Handle> {
    if let (Some(d), Some(ax)) = (dims(b, x), int_value(b, axes)) {
        let r = d.len();
        let mut mask = vec![false; r];
        for a in ax {
            let i = norm_axis(a, r)
                .ok_or_else(|| TfError::invalid_argument(format!("reduction axis {a} out of range for rank {r}")))?;
            mask[i] = true;
        }
        let kept: Vec<Option<usize>> = d.iter().zip(&mask).map(|(&v, &m)| if m { Some(1) } else { v }).collect();
        if let Some(k) = kept.iter().copied().collect::<Option<Vec<usize>>>() {
            return Ok(ints(b, &k.iter().map(|&v| v as i64).collect::<Vec<_>>()));
        }
        let m = b.constant(Tensor::new(vec![r], Data::Bool(mask))?);
        let one = ints(b, &vec![1; r]);
        let s = shape(b, x)?;
        return select(b, m, one, s);
    }
    // Fully dynamic: mask[i] = any(i == (axes + rank) % rank).
    let s = shape(b, x)?;
    let r = op1(b, "Size", &[s], attrs![("out_type", Attr::Type(DType::Int32))])?;
    let ax = cast_int32(b, axes)?;
    let m1 = ints(b, &[-1]);
    let ax = reshape(b, ax, m1)?;
    let ax = add(b, ax, r)?;
    let ax = op1(b, "FloorMod", &[ax, r], attrs![])?;
    let (z, one) = (int(b, 0), int(b, 1));
    let range = op1(b, "Range", &[z, r, one], attrs![])?;
    let col = op1(b, "ExpandDims", &[range, one], attrs![])?;
    let row = op1(b, "ExpandDims", &[ax, z], attrs![])?;
    let eq = op1(b, "Equal", &[col, row], attrs![])?;
    let mask = op1(b, "Any", &[eq, one], attrs![("keep_dims", Attr::Bool(false))])?;
    let ones = ones_like(b, s)?;
    select(b, mask, ones, s)
}

/// `x` as int32 (identity if it already is).
pub fn cast_int32(b: B, x: Handle) -> TfResult<Handle> {
    if b.ty(x).dtype == DType::Int32 {
        Ok(x)
    } else {
        cast(b, x, DType::Int32)
    }
}

/// `matmul(x, y, adjoint_a, adjoint_b)` as `math_ops.matmul` emits it:
/// `MatMul` for two known rank-2 operands, `BatchMatMulV2` otherwise.
pub fn matmul(b: B, x: Handle, y: Handle, ta: bool, tb: bool) -> TfResult<Handle> {
    if rank(b, x) == Some(2) && rank(b, y) == Some(2) {
        op1(b, "MatMul", &[x, y], attrs![("transpose_a", Attr::Bool(ta)), ("transpose_b", Attr::Bool(tb))])
    } else {
        op1(b, "BatchMatMulV2", &[x, y], attrs![("adj_x", Attr::Bool(ta)), ("adj_y", Attr::Bool(tb))])
    }
}

/// The inverse of a permutation.
pub fn invert_perm(p: &[i64]) -> Vec<i64> {
    let mut inv = vec![0i64; p.len()];
    for (i, &v) in p.iter().enumerate() {
        if let Some(slot) = inv.get_mut(v.max(0) as usize) {
            *slot = i as i64;
        }
    }
    inv
}

/// An error for a gradient case tfjit does not build yet.
pub fn unsupported(what: &str) -> TfError {
    TfError::not_implemented(format!("gradient of {what} is not implemented in tfjit"))
}
