//! Graphs shared by the tests, built the way tracing builds them.
#![allow(dead_code)]

use crate::common::*;
use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphBuilder, Output, VarId};
use tfjit_tensor::{attrs, Attr, DType, Tensor, TensorType};

fn c32(b: &mut GraphBuilder, v: f32) -> Output {
    b.add_const("Const", Tensor::scalar_f32(v))
}

/// `elemwise.py`'s `gelu_chain(x)`: 11 elementwise ops.
pub fn gelu_chain(n: usize) -> FuncGraph {
    let mut b = GraphBuilder::new("gelu_chain");
    let x = b.add_placeholder("x", known(DType::Float32, &[n]));
    let c = c32(&mut b, 0.044715);
    let m1 = op1(&mut b, "mul", "Mul", &[c, x], attrs![]);
    let m2 = op1(&mut b, "mul_1", "Mul", &[m1, x], attrs![]);
    let m3 = op1(&mut b, "mul_2", "Mul", &[m2, x], attrs![]);
    let a = op1(&mut b, "add", "AddV2", &[x, m3], attrs![]);
    let k = c32(&mut b, 0.797_884_6);
    let u = op1(&mut b, "mul_3", "Mul", &[k, a], attrs![]);
    let h = c32(&mut b, 0.5);
    let hx = op1(&mut b, "mul_4", "Mul", &[h, x], attrs![]);
    let t = op1(&mut b, "Tanh", "Tanh", &[u], attrs![]);
    let one = c32(&mut b, 1.0);
    let a1 = op1(&mut b, "add_1", "AddV2", &[one, t], attrs![]);
    let y = op1(&mut b, "mul_5", "Mul", &[hx, a1], attrs![]);
    let s = c32(&mut b, 1.5);
    let ys = op1(&mut b, "mul_6", "Mul", &[y, s], attrs![]);
    let q = c32(&mut b, 0.25);
    let r = op1(&mut b, "sub", "Sub", &[ys, q], attrs![]);
    b.finish(&[r]).unwrap()
}

/// `softmax.py`'s `softmax_reduce(x)`: `reduce_sum(softmax(x) * x, axis=1)`.
pub fn softmax_reduce(m: usize, k: usize) -> FuncGraph {
    let mut b = GraphBuilder::new("softmax_reduce");
    let x = b.add_placeholder("x", known(DType::Float32, &[m, k]));
    let s = op1(&mut b, "Softmax", "Softmax", &[x], attrs![]);
    let p = op1(&mut b, "mul", "Mul", &[s, x], attrs![]);
    let ax = b.add_const("Sum/reduction_indices", Tensor::scalar_i32(1));
    let r = op1(&mut b, "Sum", "Sum", &[p, ax], attrs![("keep_dims", Attr::Bool(false))]);
    b.finish(&[r]).unwrap()
}

/// Softmax written out: `e = exp(x - max(x)); e / sum(e)` over the last axis.
pub fn manual_softmax(m: usize, k: usize) -> FuncGraph {
    let mut b = GraphBuilder::new("manual_softmax");
    let x = b.add_placeholder("x", known(DType::Float32, &[m, k]));
    let ax = b.add_const("Max/reduction_indices", Tensor::scalar_i32(-1));
    let keep = attrs![("keep_dims", Attr::Bool(true))];
    let mx = op1(&mut b, "Max", "Max", &[x, ax], keep.clone());
    let d = op1(&mut b, "sub", "Sub", &[x, mx], attrs![]);
    let e = op1(&mut b, "Exp", "Exp", &[d], attrs![]);
    let ax2 = b.add_const("Sum/reduction_indices", Tensor::scalar_i32(-1));
    let s = op1(&mut b, "Sum", "Sum", &[e, ax2], keep);
    let y = op1(&mut b, "truediv", "RealDiv", &[e, s], attrs![]);
    b.finish(&[y]).unwrap()
}

pub const V: VarId = VarId(7);

/// Variables and printing around pure ops: `v.assign(x * 2.0);
/// tf.print(x + 1.0); v.assign_add(x * 2.0); return v.read_value() * 1.0`.
pub fn stateful_graph() -> FuncGraph {
    let f32_2 = TensorType::known(DType::Float32, &[2]);
    let mut b = GraphBuilder::new("stateful");
    let x = b.add_placeholder("x", known(DType::Float32, &[2]));
    let h = b.capture_variable("v", V, f32_2);
    let two = c32(&mut b, 2.0);
    let x2 = op1(&mut b, "mul", "Mul", &[x, two], attrs![]);
    let dt = attrs![("dtype", Attr::Type(DType::Float32))];
    b.add_op("AssignVariableOp", "AssignVariableOp", &[h, x2], dt.clone()).unwrap();
    let one = c32(&mut b, 1.0);
    let x1 = op1(&mut b, "add", "AddV2", &[x, one], attrs![]);
    let fmt = op1(
        &mut b,
        "StringFormat",
        "StringFormat",
        &[x1],
        attrs![("template", Attr::Str("{}".into())), ("placeholder", Attr::Str("{}".into())), ("summarize", Attr::Int(3))],
    );
    b.add_op("PrintV2", "PrintV2", &[fmt], attrs![("output_stream", Attr::Str("stdout".into()))]).unwrap();
    let two_b = c32(&mut b, 2.0);
    let x2b = op1(&mut b, "mul_1", "Mul", &[x, two_b], attrs![]);
    b.add_op("AssignAddVariableOp", "AssignAddVariableOp", &[h, x2b], dt.clone()).unwrap();
    let r = op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], dt);
    let one_b = c32(&mut b, 1.0);
    let r1 = op1(&mut b, "mul_2", "Mul", &[r, one_b], attrs![]);
    b.finish(&[r1]).unwrap()
}

/// `StatelessIf` whose branches hold simplifiable ops, and a `StatelessWhile`
/// whose body computes `i + 1 * 1` (int32).
pub fn control_graph() -> FuncGraph {
    let scalar = known(DType::Float32, &[]);
    let iscalar = known(DType::Int32, &[]);
    let mut t = GraphBuilder::new("cond_true_1");
    let tx = t.add_placeholder("x", scalar.clone());
    let one = c32(&mut t, 1.0);
    let tm = op1(&mut t, "mul", "Mul", &[tx, one], attrs![]);
    let te = op1(&mut t, "Exp", "Exp", &[tm], attrs![]);
    let then_f = Arc::new(t.finish(&[te]).unwrap());
    let mut e = GraphBuilder::new("cond_false_1");
    let ex = e.add_placeholder("x", scalar.clone());
    let n1 = op1(&mut e, "Neg", "Neg", &[ex], attrs![]);
    let n2 = op1(&mut e, "Neg_1", "Neg", &[n1], attrs![]);
    let else_f = Arc::new(e.finish(&[n2]).unwrap());
    let mut c = GraphBuilder::new("while_cond_1");
    let ci = c.add_placeholder("i", iscalar.clone());
    let five = c.add_const("Less/y", Tensor::scalar_i32(5));
    let lt = op1(&mut c, "Less", "Less", &[ci, five], attrs![]);
    let cond_f = Arc::new(c.finish(&[lt]).unwrap());
    let mut w = GraphBuilder::new("while_body_1");
    let wi = w.add_placeholder("i", iscalar);
    let one = w.add_const("mul/y", Tensor::scalar_i32(1));
    let wm = op1(&mut w, "mul", "Mul", &[one, one], attrs![]);
    let wa = op1(&mut w, "add", "AddV2", &[wi, wm], attrs![]);
    let body_f = Arc::new(w.finish(&[wa]).unwrap());
    let mut b = GraphBuilder::new("control");
    let x = b.add_placeholder("x", scalar);
    let zero = c32(&mut b, 0.0);
    let p = op1(&mut b, "Greater", "Greater", &[x, zero], attrs![]);
    let mut funcs = IndexMap::new();
    funcs.insert("then_branch", then_f);
    funcs.insert("else_branch", else_f);
    let y = b.add_func_op("cond", "StatelessIf", &[p, x], attrs![], funcs).unwrap()[0];
    let i0 = b.add_const("Const", Tensor::scalar_i32(0));
    let mut funcs = IndexMap::new();
    funcs.insert("cond", cond_f);
    funcs.insert("body", body_f);
    let i = b.add_func_op("while", "StatelessWhile", &[i0], attrs![], funcs).unwrap()[0];
    b.finish(&[y, i]).unwrap()
}
