//! Gradients of activations and softmax — TF's `nn_grad.py`.

use super::build::*;
use super::math::Grads;
use super::{GradBuilder, GradCall};
use crate::attrs;
use crate::op::Attr;

type B<'a> = &'a mut dyn GradBuilder;

/// `Relu`: `ReluGrad(g, y)`.
pub fn relu_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = (c.output(0)?, c.grad(0)?);
    Ok(vec![Some(op1(b, "ReluGrad", &[g, y], attrs![])?)])
}

/// `ReluGrad(dy, x)`: `(ReluGrad(g, x), zeros)`.
pub fn relu_grad_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = (c.input(1)?, c.grad(0)?);
    let d = op1(b, "ReluGrad", &[g, x], attrs![])?;
    Ok(vec![Some(d), Some(zeros_like(b, x)?)])
}

/// `Elu`: `EluGrad(g, y)`.
pub fn elu_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = (c.output(0)?, c.grad(0)?);
    Ok(vec![Some(op1(b, "EluGrad", &[g, y], attrs![])?)])
}

/// `EluGrad(dy, y)`: `(EluGrad(g, y), where(y < 0, g * dy, 0))`.
pub fn elu_grad_grad(b: B, c: &GradCall) -> Grads {
    let (dy, y, g) = (c.input(0)?, c.input(1)?, c.grad(0)?);
    let d0 = op1(b, "EluGrad", &[g, y], attrs![])?;
    let zero = scalar_like(b, y, 0.0);
    let neg = op1(b, "Less", &[y, zero], attrs![])?;
    let gd = mul(b, g, dy)?;
    let zs = zeros_like(b, y)?;
    Ok(vec![Some(d0), Some(select(b, neg, gd, zs)?)])
}

/// `Softplus`: `g * sigmoid(x)`.
pub fn softplus_grad(b: B, c: &GradCall) -> Grads {
    let (x, g) = (c.input(0)?, c.grad(0)?);
    let s = un(b, "Sigmoid", x)?;
    Ok(vec![Some(mul(b, g, s)?)])
}

/// `Softmax`: `(g - sum(g * y, -1, keepdims)) * y`.
pub fn softmax_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = (c.output(0)?, c.grad(0)?);
    let gy = mul(b, g, y)?;
    let m1 = int(b, -1);
    let s = op1(b, "Sum", &[gy, m1], attrs![("keep_dims", Attr::Bool(true))])?;
    let d = sub(b, g, s)?;
    Ok(vec![Some(mul(b, d, y)?)])
}

/// `LogSoftmax`: `g - sum(g, -1, keepdims) * exp(y)`.
pub fn log_softmax_grad(b: B, c: &GradCall) -> Grads {
    let (y, g) = (c.output(0)?, c.grad(0)?);
    let sm = un(b, "Exp", y)?;
    let m1 = int(b, -1);
    let s = op1(b, "Sum", &[g, m1], attrs![("keep_dims", Attr::Bool(true))])?;
    let t = mul(b, s, sm)?;
    Ok(vec![Some(sub(b, g, t)?)])
}
