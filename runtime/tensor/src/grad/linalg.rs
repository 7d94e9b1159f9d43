//! Gradients of MatrixSolve and Einsum — TF's `linalg_grad.py`.

use super::build::*;
use super::math::Grads;
use super::{GradBuilder, GradCall, Handle};
use crate::attrs;
use crate::error::TfResult;
use crate::op::{Attr, AttrsExt};

type B<'a> = &'a mut dyn GradBuilder;

/// `MatrixSolve(a, rhs; adjoint)` with solution `c`:
/// `grad_b = solve(a, g, !adjoint)`, `grad_a = -grad_b c^T` (or `-c grad_b^T`).
pub fn matrix_solve_grad(b: B, c: &GradCall) -> Grads {
    let (a, g, x) = (c.input(0)?, c.grad(0)?, c.output(0)?);
    let adj = c.attrs.bool_or("adjoint", false);
    let gb = op1(b, "MatrixSolve", &[a, g], attrs![("adjoint", Attr::Bool(!adj))])?;
    let p = if adj { matmul(b, x, gb, false, true)? } else { matmul(b, gb, x, false, true)? };
    Ok(vec![Some(neg(b, p)?), Some(gb)])
}

fn equation(c: &GradCall) -> TfResult<String> {
    match c.attrs.get("equation") {
        Some(Attr::Str(s)) => Ok(s.chars().filter(|ch| !ch.is_whitespace()).collect()),
        _ => Err(unsupported("Einsum without an equation")),
    }
}

fn einsum(b: B, inputs: &[Handle], eq: String) -> TfResult<Handle> {
    op1(b, "Einsum", inputs, attrs![("equation", Attr::Str(eq)), ("N", Attr::Int(inputs.len() as i64))])
}

/// Labels of `subs` (ellipsis excluded).
fn labels(subs: &str) -> Vec<char> {
    subs.replace("...", "").chars().collect()
}

/// The axis of `label` in an operand of rank `rank` described by `subs`.
fn axis_of(subs: &str, label: char, rank: usize) -> Option<usize> {
    let (pre, post) = match subs.split_once("...") {
        Some((p, q)) => (p, Some(q)),
        None => (subs, None),
    };
    if let Some(i) = pre.chars().position(|ch| ch == label) {
        return Some(i);
    }
    let post = post?;
    let n = post.chars().count();
    post.chars().position(|ch| ch == label).map(|i| rank - n + i)
}

/// TF's `_GetGradReduced`: the gradient w.r.t. an operand some of whose
/// labels were summed away: broadcast `g` over the reduced labels, then
/// einsum back into the operand's layout.
fn grad_reduced(b: B, g: Handle, out_subs: &str, in_subs: &str, x: Handle, reduced: &[char]) -> TfResult<Handle> {
    let r = rank(b, x).ok_or_else(|| unsupported("Einsum with an operand of unknown rank"))?;
    let mut dims_parts = Vec::with_capacity(reduced.len());
    for &l in reduced {
        let ax = axis_of(in_subs, l, r).ok_or_else(|| unsupported("Einsum with a malformed equation"))?;
        dims_parts.push(shape_slice(b, x, ax, ax + 1)?);
    }
    let sg = shape(b, g)?;
    let mut full = dims_parts.clone();
    full.push(sg);
    let target = concat_ints(b, &full)?;
    let ones = ints(b, &vec![1; reduced.len()]);
    let rs = concat_ints(b, &[ones, sg])?;
    let gr = reshape(b, g, rs)?;
    let bg = op1(b, "BroadcastTo", &[gr, target], attrs![])?;
    let red: String = reduced.iter().collect();
    einsum(b, &[bg], format!("{red}{out_subs}->{in_subs}"))
}

/// The gradient w.r.t. one operand of a two-operand einsum (TF's `_GetGradWrt`).
fn grad_wrt(
    b: B,
    g: Handle,
    other: Handle,
    x: Handle,
    in_subs: &str,
    other_subs: &str,
    out_subs: &str,
) -> TfResult<Handle> {
    let keep: Vec<char> = labels(out_subs).into_iter().chain(labels(other_subs)).collect();
    let mut reduced: Vec<char> = Vec::new();
    for l in labels(in_subs) {
        if !keep.contains(&l) && !reduced.contains(&l) {
            reduced.push(l);
        }
    }
    let left: String = {
        let mut s = in_subs.to_string();
        for l in &reduced {
            s = s.replace(*l, "");
        }
        s
    };
    let gr = einsum(b, &[g, other], format!("{out_subs},{other_subs}->{left}"))?;
    if reduced.is_empty() {
        return Ok(gr);
    }
    grad_reduced(b, gr, &left, in_subs, x, &reduced)
}

/// `Einsum` with one or two operands and an explicit `->` output.
pub fn einsum_grad(b: B, c: &GradCall) -> Grads {
    let eq = equation(c)?;
    let (lhs, out) = eq.split_once("->").ok_or_else(|| unsupported("Einsum without an explicit output ('->')"))?;
    let ins: Vec<&str> = lhs.split(',').collect();
    let g = c.grad(0)?;
    for s in ins.iter().chain(std::iter::once(&out)) {
        let l = labels(s);
        if (1..l.len()).any(|i| l[..i].contains(&l[i])) {
            return Err(unsupported("Einsum with a repeated label in one operand"));
        }
    }
    match ins.as_slice() {
        [x_subs] => {
            let x = c.input(0)?;
            let mut reduced: Vec<char> = Vec::new();
            for l in labels(x_subs) {
                if !labels(out).contains(&l) {
                    reduced.push(l);
                }
            }
            if reduced.is_empty() {
                return Ok(vec![Some(einsum(b, &[g], format!("{out}->{x_subs}"))?)]);
            }
            Ok(vec![Some(grad_reduced(b, g, out, x_subs, x, &reduced)?)])
        }
        [x_subs, y_subs] => {
            let (x, y) = (c.input(0)?, c.input(1)?);
            let gx = grad_wrt(b, g, y, x, x_subs, y_subs, out)?;
            let gy = grad_wrt(b, g, x, y, y_subs, x_subs, out)?;
            if !out.contains("...") {
                return Ok(vec![Some(gx), Some(gy)]);
            }
            // Broadcast ellipsis dims: sum each gradient back to its operand's shape.
            let gx = sum_to_shape_of(b, gx, x)?;
            let gy = sum_to_shape_of(b, gy, y)?;
            Ok(vec![Some(gx), Some(gy)])
        }
        _ => Err(unsupported("Einsum with more than two operands")),
    }
}
