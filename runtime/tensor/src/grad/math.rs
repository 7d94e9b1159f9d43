//! Gradients of arithmetic, unary math, reductions, matrix products, Cast,
//! SelectV2 and ClipByValue — TF's `math_grad.py` (and `clip_ops.py`).

use super::build::*;
use super::{GradBuilder, GradCall, Handle};
use crate::attrs;
use crate::error::TfResult;
use crate::op::{Attr, AttrsExt};

type B<'a> = &'a mut dyn GradBuilder;
/// One gradient per input.
pub type Grads = TfResult<Vec<Option<Handle>>>;

fn xyg(c: &GradCall) -> TfResult<(Handle, Handle, Handle)> {
    Ok((c.input(0)?, c.input(1)?, c.grad(0)?))
}

fn reduced(b: B, x: Handle, y: Handle, gx: Handle, gy: Handle) -> Grads {
    let (gx, gy) = reduce_gradient_args(b, x, y, Some(gx), Some(gy))?;
    Ok(vec![gx, gy])
}

// ---------------------------------------------------------------- binary

/// `AddV2`: `(g, g)`, each summed to its operand's shape.
pub fn add_v2(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    reduced(b, x, y, g, g)
}

/// `Sub`: `(g, -g)`.
pub fn sub_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let ng = neg(b, g)?;
    reduced(b, x, y, g, ng)
}

/// `Mul`: `(g * y, x * g)`.
pub fn mul_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let gx = mul(b, g, y)?;
    let gy = mul(b, x, g)?;
    reduced(b, x, y, gx, gy)
}

/// `RealDiv`: `(g / y, g * ((-x / y) / y))`.
pub fn real_div_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let gx = div(b, g, y)?;
    let nx = neg(b, x)?;
    let q = div(b, nx, y)?;
    let q = div(b, q, y)?;
    let gy = mul(b, g, q)?;
    reduced(b, x, y, gx, gy)
}

/// `FloorMod`: `(g, g * -floor_div(x, y))`.
pub fn floor_mod_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let f = op1(b, "FloorDiv", &[x, y], attrs![])?;
    let nf = neg(b, f)?;
    let gy = mul(b, g, nf)?;
    reduced(b, x, y, g, gy)
}

/// `Pow`: `(g * y * x^(y-1), g * z * log(x))` with `log(x)` taken as 0 where `x <= 0`.
pub fn pow_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let z = c.output(0)?;
    let dt = b.ty(x).dtype;
    let one = scalar(b, dt, 1.0);
    let ym1 = sub(b, y, one)?;
    let p = op1(b, "Pow", &[x, ym1], attrs![])?;
    let gy_ = mul(b, g, y)?;
    let gx = mul(b, gy_, p)?;
    let zero = scalar(b, dt, 0.0);
    let mask = op1(b, "Greater", &[x, zero], attrs![])?;
    let ones = ones_like(b, x)?;
    let safe = select(b, mask, x, ones)?;
    let l = un(b, "Log", safe)?;
    let zeros = zeros_like(b, x)?;
    let log_x = select(b, mask, l, zeros)?;
    let gz = mul(b, g, z)?;
    let gy = mul(b, gz, log_x)?;
    reduced(b, x, y, gx, gy)
}

fn max_min(b: B, c: &GradCall, selector: &str) -> Grads {
    let (x, y, g) = xyg(c)?;
    let zeros = zeros_like(b, g)?;
    let m = op1(b, selector, &[x, y], attrs![])?;
    let gx = select(b, m, g, zeros)?;
    let gy = select(b, m, zeros, g)?;
    reduced(b, x, y, gx, gy)
}
/// `Maximum`: the gradient goes to `x` where `x >= y`, else to `y`.
pub fn maximum_grad(b: B, c: &GradCall) -> Grads {
    max_min(b, c, "GreaterEqual")
}
/// `Minimum`: the gradient goes to `x` where `x <= y`, else to `y`.
pub fn minimum_grad(b: B, c: &GradCall) -> Grads {
    max_min(b, c, "LessEqual")
}

/// `SquaredDifference`: `(2 * g * (x - y), -that)`.
pub fn squared_difference_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let two = scalar_like(b, g, 2.0);
    let g2 = mul(b, two, g)?;
    let d = sub(b, x, y)?;
    let gx = mul(b, g2, d)?;
    let gy = neg(b, gx)?;
    reduced(b, x, y, gx, gy)
}

// ---------------------------------------------------------------- unary

fn xg(c: &GradCall) -> TfResult<(Handle, Handle)> {
    Ok((c.input(0)?, c.grad(0)?))
}
fn yg(c: &GradCall) -> TfResult<(Handle, Handle)> {
    Ok((c.output(0)?, c.grad(0)?))
}

/// `Neg`: `-g`.
pub fn neg_grad(b: B, c: &GradCall) -> Grads {
    let (_, g) = xg(c)?;
    Ok(vec![Some(neg(b, g)?)])
}
/// `Abs`: `g * sign(x)`.
pub fn abs_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let s = un(b, "Sign", x)?;
    Ok(vec![Some(mul(b, g, s)?)])
}
/// `Square`: `g * (x * 2)`.
pub fn square_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let two = scalar_like(b, x, 2.0);
    let x2 = mul(b, x, two)?;
    Ok(vec![Some(mul(b, g, x2)?)])
}
/// `Sign`: zeros.
pub fn sign_grad(b: B, c: &GradCall) -> Grads {
    let x = c.input(0)?;
    Ok(vec![Some(zeros_like(b, x)?)])
}
/// `Sqrt`: `SqrtGrad(y, g)`.
pub fn sqrt_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(op1(b, "SqrtGrad", &[y, g], attrs![])?)])
}
/// `Rsqrt`: `RsqrtGrad(y, g)`.
pub fn rsqrt_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(op1(b, "RsqrtGrad", &[y, g], attrs![])?)])
}
/// `Exp`: `g * y`.
pub fn exp_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(mul(b, g, y)?)])
}
/// `Log`: `g * reciprocal(x)`.
pub fn log_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let r = un(b, "Reciprocal", x)?;
    Ok(vec![Some(mul(b, g, r)?)])
}
/// `Log1p`: `g * reciprocal(1 + x)`.
pub fn log1p_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let one = scalar_like(b, x, 1.0);
    let s = add(b, one, x)?;
    let r = un(b, "Reciprocal", s)?;
    Ok(vec![Some(mul(b, g, r)?)])
}
/// `Sin`: `g * cos(x)`.
pub fn sin_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let cs = un(b, "Cos", x)?;
    Ok(vec![Some(mul(b, g, cs)?)])
}
/// `Cos`: `-g * sin(x)`.
pub fn cos_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let ng = neg(b, g)?;
    let s = un(b, "Sin", x)?;
    Ok(vec![Some(mul(b, ng, s)?)])
}
/// `Tanh`: `TanhGrad(y, g)`.
pub fn tanh_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(op1(b, "TanhGrad", &[y, g], attrs![])?)])
}
/// `Sigmoid`: `SigmoidGrad(y, g)`.
pub fn sigmoid_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(op1(b, "SigmoidGrad", &[y, g], attrs![])?)])
}
/// `Reciprocal`: `ReciprocalGrad(y, g)`.
pub fn reciprocal_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = yg(c)?;
    Ok(vec![Some(op1(b, "ReciprocalGrad", &[y, g], attrs![])?)])
}

// ---------------------------------------------------------------- second order (the *Grad ops)

fn abg(c: &GradCall) -> TfResult<(Handle, Handle, Handle)> {
    Ok((c.input(0)?, c.input(1)?, c.grad(0)?))
}

/// `SqrtGrad(a, b)` with `y = 0.5 * b / a`: `(-(g / a) * y, 0.5 * (g / a))`.
pub fn sqrt_grad_grad(b: B, c: &GradCall) -> Grads {
    let (a, _, g) = abg(c)?;
    let y = c.output(0)?;
    let ga = div(b, g, a)?;
    let nga = neg(b, ga)?;
    let da = mul(b, nga, y)?;
    let half = scalar_like(b, g, 0.5);
    let db = mul(b, half, ga)?;
    Ok(vec![Some(da), Some(db)])
}
/// `RsqrtGrad(a, b)`: `(-1.5 * g * b * a², RsqrtGrad(a, g))`.
pub fn rsqrt_grad_grad(b: B, c: &GradCall) -> Grads {
    let (a, bb, g) = abg(c)?;
    let k = scalar_like(b, g, -1.5);
    let t = mul(b, k, g)?;
    let t = mul(b, t, bb)?;
    let a2 = un(b, "Square", a)?;
    let da = mul(b, t, a2)?;
    let db = op1(b, "RsqrtGrad", &[a, g], attrs![])?;
    Ok(vec![Some(da), Some(db)])
}
/// `TanhGrad(a, b)`: `(g * -2 * b * a, TanhGrad(a, g))`.
pub fn tanh_grad_grad(b: B, c: &GradCall) -> Grads {
    let (a, bb, g) = abg(c)?;
    let k = scalar_like(b, g, -2.0);
    let t = mul(b, g, k)?;
    let t = mul(b, t, bb)?;
    let da = mul(b, t, a)?;
    let db = op1(b, "TanhGrad", &[a, g], attrs![])?;
    Ok(vec![Some(da), Some(db)])
}
/// `SigmoidGrad(a, b)`: `(g*b - 2*(g*b)*a, SigmoidGrad(a, g))`.
pub fn sigmoid_grad_grad(b: B, c: &GradCall) -> Grads {
    let (a, bb, g) = abg(c)?;
    let gb = mul(b, g, bb)?;
    let two = scalar_like(b, g, 2.0);
    let t = mul(b, two, gb)?;
    let t = mul(b, t, a)?;
    let da = sub(b, gb, t)?;
    let db = op1(b, "SigmoidGrad", &[a, g], attrs![])?;
    Ok(vec![Some(da), Some(db)])
}
/// `ReciprocalGrad(a, b)`: `(g * -2 * b * a, ReciprocalGrad(a, g))`.
pub fn reciprocal_grad_grad(b: B, c: &GradCall) -> Grads {
    let (a, bb, g) = abg(c)?;
    let k = scalar_like(b, g, -2.0);
    let t = mul(b, g, k)?;
    let t = mul(b, t, bb)?;
    let da = mul(b, t, a)?;
    let db = op1(b, "ReciprocalGrad", &[a, g], attrs![])?;
    Ok(vec![Some(da), Some(db)])
}

// ---------------------------------------------------------------- reductions

/// `g` reshaped to the kept-dims shape of the reduction (unless `keep_dims`).
fn grad_kept(b: B, c: &GradCall, g: Handle) -> TfResult<Handle> {
    if c.attrs.bool_or("keep_dims", false) {
        return Ok(g);
    }
    let rs = reduced_shape(b, c.input(0)?, c.input(1)?)?;
    reshape(b, g, rs)
}

fn sum_part(b: B, c: &GradCall) -> TfResult<Handle> {
    let x = c.input(0)?;
    let g = grad_kept(b, c, c.grad(0)?)?;
    let s = shape(b, x)?;
    op1(b, "BroadcastTo", &[g, s], attrs![])
}

/// `Sum`: `g` broadcast back to the input shape.
pub fn sum_grad(b: B, c: &GradCall) -> Grads {
    Ok(vec![Some(sum_part(b, c)?), None])
}

/// `Mean`: Sum's gradient divided by the number of reduced elements.
pub fn mean_grad(b: B, c: &GradCall) -> Grads {
    let sg = sum_part(b, c)?;
    let (x, y) = (c.input(0)?, c.output(0)?);
    let dt = b.ty(sg).dtype;
    let factor = match (known(b, x), known(b, y)) {
        (Some(xs), Some(ys)) => {
            let f = xs.iter().product::<usize>() / ys.iter().product::<usize>().max(1);
            scalar(b, dt, f as f64)
        }
        _ => {
            let (sx, sy) = (size(b, x)?, size(b, y)?);
            let one = int(b, 1);
            let m = op1(b, "Maximum", &[sy, one], attrs![])?;
            let f = op1(b, "FloorDiv", &[sx, m], attrs![])?;
            cast(b, f, dt)?
        }
    };
    Ok(vec![Some(div(b, sg, factor)?), None])
}

/// `Max`/`Min`: the gradient is shared equally among the selected elements.
pub fn min_max_grad(b: B, c: &GradCall) -> Grads {
    let (x, axes) = (c.input(0)?, c.input(1)?);
    let y = grad_kept(b, c, c.output(0)?)?;
    let g = grad_kept(b, c, c.grad(0)?)?;
    let dt = b.ty(g).dtype;
    let eq = op1(b, "Equal", &[y, x], attrs![])?;
    let ind = cast(b, eq, dt)?;
    let kept = if c.attrs.bool_or("keep_dims", false) { shape(b, y)? } else { reduced_shape(b, x, axes)? };
    let ns = sum(b, ind, axes, false)?;
    let num = reshape(b, ns, kept)?;
    let q = div(b, ind, num)?;
    Ok(vec![Some(mul(b, q, g)?), None])
}

/// `Prod`: products of all other entries, as two exclusive cumulative
/// products (safe with zeros). Needs the input rank and axes statically.
pub fn prod_grad(b: B, c: &GradCall) -> Grads {
    let (x, axes) = (c.input(0)?, c.input(1)?);
    let (Some(d), Some(ax)) = (dims(b, x), int_value(b, axes)) else {
        return Err(unsupported("Prod with an unknown input rank or reduction axes"));
    };
    let r = d.len();
    let g = grad_kept(b, c, c.grad(0)?)?;
    let s = shape(b, x)?;
    let g = op1(b, "BroadcastTo", &[g, s], attrs![])?;
    let mut reduced: Vec<i64> = Vec::new();
    for a in ax {
        let i = crate::ops::common::norm_axis(a, r).ok_or_else(|| unsupported("Prod with an out-of-range axis"))?;
        reduced.push(i as i64);
    }
    let other: Vec<i64> = (0..r as i64).filter(|i| !reduced.contains(i)).collect();
    let perm: Vec<i64> = reduced.iter().chain(other.iter()).copied().collect();
    let pick = |idx: &[i64]| -> Option<usize> { idx.iter().map(|&i| d[i as usize]).product::<Option<usize>>() };
    let pshape = match (pick(&reduced), pick(&other)) {
        (Some(p), Some(q)) => ints(b, &[p as i64, q as i64]),
        _ => {
            let gi = ints(b, &reduced);
            let go = ints(b, &other);
            let z = int(b, 0);
            let sr = op1(b, "GatherV2", &[s, gi, z], attrs![("batch_dims", Attr::Int(0))])?;
            let so = op1(b, "GatherV2", &[s, go, z], attrs![("batch_dims", Attr::Int(0))])?;
            let pr = op1(b, "Prod", &[sr, z], attrs![("keep_dims", Attr::Bool(false))])?;
            let po = op1(b, "Prod", &[so, z], attrs![("keep_dims", Attr::Bool(false))])?;
            op1(b, "Pack", &[pr, po], attrs![("N", Attr::Int(2)), ("axis", Attr::Int(0))])?
        }
    };
    let ph = ints(b, &perm);
    let permuted = transpose(b, x, ph)?;
    let permuted_shape = shape(b, permuted)?;
    let reshaped = reshape(b, permuted, pshape)?;
    let z = int(b, 0);
    let left =
        op1(b, "Cumprod", &[reshaped, z], attrs![("exclusive", Attr::Bool(true)), ("reverse", Attr::Bool(false))])?;
    let right =
        op1(b, "Cumprod", &[reshaped, z], attrs![("exclusive", Attr::Bool(true)), ("reverse", Attr::Bool(true))])?;
    let lr = mul(b, left, right)?;
    let yy = reshape(b, lr, permuted_shape)?;
    let inv = ints(b, &invert_perm(&perm));
    let yt = transpose(b, yy, inv)?;
    let out = mul(b, g, yt)?;
    Ok(vec![Some(reshape(b, out, s)?), None])
}

/// `Cumsum`: a cumulative sum of `g` in the opposite direction.
pub fn cumsum_grad(b: B, c: &GradCall) -> Grads {
    let (axis, g) = (c.input(1)?, c.grad(0)?);
    let ex = c.attrs.bool_or("exclusive", false);
    let rev = c.attrs.bool_or("reverse", false);
    let r = op1(b, "Cumsum", &[g, axis], attrs![("exclusive", Attr::Bool(ex)), ("reverse", Attr::Bool(!rev))])?;
    Ok(vec![Some(r), None])
}

/// `Cumprod`: `div_no_nan(cumsum(cumprod(x) * g, reversed), x)`.
pub fn cumprod_grad(b: B, c: &GradCall) -> Grads {
    let (x, axis, g) = (c.input(0)?, c.input(1)?, c.grad(0)?);
    let ex = c.attrs.bool_or("exclusive", false);
    let rev = c.attrs.bool_or("reverse", false);
    let p = op1(b, "Cumprod", &[x, axis], attrs![("exclusive", Attr::Bool(ex)), ("reverse", Attr::Bool(rev))])?;
    let pg = mul(b, p, g)?;
    let out = op1(b, "Cumsum", &[pg, axis], attrs![("exclusive", Attr::Bool(ex)), ("reverse", Attr::Bool(!rev))])?;
    let zero = scalar_like(b, x, 0.0);
    let is0 = op1(b, "Equal", &[x, zero], attrs![])?;
    let ones = ones_like(b, x)?;
    let safe = select(b, is0, ones, x)?;
    let q = div(b, out, safe)?;
    let zeros = zeros_like(b, q)?;
    Ok(vec![Some(select(b, is0, zeros, q)?), None])
}

// ---------------------------------------------------------------- matrix products

/// `MatMul` with `transpose_a`/`transpose_b`.
pub fn mat_mul_grad(b: B, c: &GradCall) -> Grads {
    let (a, bm, g) = xyg(c)?;
    let ta = c.attrs.bool_or("transpose_a", false);
    let tb = c.attrs.bool_or("transpose_b", false);
    let mm = |b: B, x, y, p, q| {
        op1(b, "MatMul", &[x, y], attrs![("transpose_a", Attr::Bool(p)), ("transpose_b", Attr::Bool(q))])
    };
    let (ga, gb) = match (ta, tb) {
        (false, false) => (mm(b, g, bm, false, true)?, mm(b, a, g, true, false)?),
        (false, true) => (mm(b, g, bm, false, false)?, mm(b, g, a, true, false)?),
        (true, false) => (mm(b, bm, g, false, true)?, mm(b, a, g, false, false)?),
        (true, true) => (mm(b, bm, g, true, true)?, mm(b, g, a, true, true)?),
    };
    Ok(vec![Some(ga), Some(gb)])
}

/// `BatchMatMulV2` with `adj_x`/`adj_y`; broadcast batch dims are summed.
pub fn batch_mat_mul_grad(b: B, c: &GradCall) -> Grads {
    let (x, y, g) = xyg(c)?;
    let ax = c.attrs.bool_or("adj_x", false);
    let ay = c.attrs.bool_or("adj_y", false);
    let (gx, gy) = match (ax, ay) {
        (false, false) => (matmul(b, g, y, false, true)?, matmul(b, x, g, true, false)?),
        (false, true) => (matmul(b, g, y, false, false)?, matmul(b, g, x, true, false)?),
        (true, false) => (matmul(b, y, g, false, true)?, matmul(b, x, g, false, false)?),
        (true, true) => (matmul(b, y, g, true, true)?, matmul(b, g, x, true, true)?),
    };
    let (xd, yd) = (dims(b, x), dims(b, y));
    let may_batch = xd.as_ref().is_none_or(|d| d.len() > 2) || yd.as_ref().is_none_or(|d| d.len() > 2);
    let batch_match = match (&xd, &yd) {
        (Some(p), Some(q)) if p.len() >= 2 && q.len() >= 2 => {
            let (pb, qb) = (&p[..p.len() - 2], &q[..q.len() - 2]);
            pb.iter().all(|d| d.is_some()) && qb.iter().all(|d| d.is_some()) && pb == qb
        }
        _ => false,
    };
    if !may_batch || batch_match {
        return Ok(vec![Some(gx), Some(gy)]);
    }
    let sx = shape(b, x)?;
    let sy = shape(b, y)?;
    let bx = batch_part(b, x, sx)?;
    let by = batch_part(b, y, sy)?;
    let (rx, ry) = op2(b, "BroadcastGradientArgs", &[bx, by], attrs![])?;
    let s = sum(b, gx, rx, false)?;
    let gx = reshape(b, s, sx)?;
    let s = sum(b, gy, ry, false)?;
    let gy = reshape(b, s, sy)?;
    Ok(vec![Some(gx), Some(gy)])
}

/// `shape(x)[:-2]`.
fn batch_part(b: B, x: Handle, sx: Handle) -> TfResult<Handle> {
    if let Some(v) = int_value(b, sx) {
        return Ok(ints(b, &v[..v.len().saturating_sub(2)]));
    }
    let (bg, en, st) = (ints(b, &[0]), ints(b, &[-2]), ints(b, &[1]));
    let _ = x;
    op1(b, "StridedSlice", &[sx, bg, en, st], attrs![])
}

// ---------------------------------------------------------------- Cast, SelectV2, ClipByValue

/// `Cast`: float→float casts pass the gradient back (cast to the source
/// type); anything involving integers or bool has none.
pub fn cast_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = xg(c)?;
    let (src, dst) = (b.ty(x).dtype, b.ty(g).dtype);
    if src.is_float() && dst.is_float() {
        Ok(vec![Some(cast(b, g, src)?)])
    } else {
        Ok(vec![None])
    }
}

/// `SelectV2(c, x, y)`: the gradient flows to the selected side, summed to
/// each side's shape.
pub fn select_v2_grad(b: B, c: &GradCall) -> Grads {
    let (cond, x, y, g) = (c.input(0)?, c.input(1)?, c.input(2)?, c.grad(0)?);
    let z = c.output(0)?;
    let zeros = scalar_like(b, g, 0.0);
    let gx = select(b, cond, g, zeros)?;
    let gy = select(b, cond, zeros, g)?;
    let (gx, _) = reduce_gradient_args(b, x, z, Some(gx), None)?;
    let (gy, _) = reduce_gradient_args(b, y, z, Some(gy), None)?;
    Ok(vec![None, gx, gy])
}

/// `ClipByValue(x, lo, hi)`: the gradient goes to `x` inside the range and
/// to the bound that clipped it outside.
pub fn clip_by_value_grad(b: B, c: &GradCall) -> Grads {
    let (x, lo, hi, g) = (c.input(0)?, c.input(1)?, c.input(2)?, c.grad(0)?);
    let zeros = zeros_like(b, g)?;
    let xy = op1(b, "Less", &[x, lo], attrs![])?;
    let xz = op1(b, "Greater", &[x, hi], attrs![])?;
    let out = op1(b, "LogicalOr", &[xy, xz], attrs![])?;
    let gx = select(b, out, zeros, g)?;
    let gy = select(b, xy, g, zeros)?;
    let gz = select(b, xz, g, zeros)?;
    let gy = sum_to_shape_of(b, gy, lo)?;
    let gz = sum_to_shape_of(b, gz, hi)?;
    Ok(vec![Some(gx), Some(gy), Some(gz)])
}
