//! Helpers shared by the integration tests: small graphs built the way
//! tracing will build them.
#![allow(dead_code)]

use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphBuilder, Output, ValueType, VarId};
use tfjit_tensor::{attrs, Attr, Attrs, DType, StaticShape, Tensor, TensorType};

pub fn ty(dtype: DType, dims: &[Option<usize>]) -> ValueType {
    ValueType::Tensor(TensorType::new(dtype, StaticShape::partial(dims.to_vec())))
}

pub fn known(dtype: DType, dims: &[usize]) -> ValueType {
    ValueType::Tensor(TensorType::known(dtype, dims))
}

pub fn f32s(v: &[f32], shape: &[usize]) -> Tensor {
    Tensor::new(shape.to_vec(), tfjit_tensor::Data::F32(v.to_vec())).unwrap()
}

pub fn i32s(v: &[i32], shape: &[usize]) -> Tensor {
    Tensor::new(shape.to_vec(), tfjit_tensor::Data::I32(v.to_vec())).unwrap()
}

pub fn op1(b: &mut GraphBuilder, hint: &str, op: &str, ins: &[Output], a: Attrs) -> Output {
    b.add_op(hint, op, ins, a).unwrap()[0]
}

/// `f(x, y): s = tf.add(x, y, name="total"); return s * 3` (int32[3]).
pub fn total_graph() -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Int32, &[3]));
    let y = b.add_placeholder("y", known(DType::Int32, &[3]));
    let scope = b.push_name_scope("total");
    b.pop_name_scope();
    let s = op1(&mut b, &format!("{scope}/"), "AddV2", &[x, y], attrs![]);
    b.push_name_scope("mul");
    let three = b.add_const("y", Tensor::scalar_i32(3));
    b.pop_name_scope();
    let m = op1(&mut b, "mul/", "Mul", &[s, three], attrs![]);
    b.finish(&[m]).unwrap()
}

/// `f(x, y): return tf.matmul(x, y) * 2.0 + 1.0 - x / 4.0` (float32[2,2]).
pub fn basic_graph() -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, &[2, 2]));
    let y = b.add_placeholder("y", known(DType::Float32, &[2, 2]));
    let z = op1(
        &mut b,
        "MatMul",
        "MatMul",
        &[x, y],
        attrs![
            ("transpose_a", Attr::Bool(false)),
            ("transpose_b", Attr::Bool(false))
        ],
    );
    let two = b.add_const("mul/y", Tensor::scalar_f32(2.0));
    let m = op1(&mut b, "mul", "Mul", &[z, two], attrs![]);
    let one = b.add_const("add/y", Tensor::scalar_f32(1.0));
    let a = op1(&mut b, "add", "AddV2", &[m, one], attrs![]);
    let four = b.add_const("truediv/y", Tensor::scalar_f32(4.0));
    let d = op1(&mut b, "truediv", "RealDiv", &[x, four], attrs![]);
    let s = op1(&mut b, "sub", "Sub", &[a, d], attrs![]);
    b.finish(&[s]).unwrap()
}

pub const V: VarId = VarId(7);

/// `writes(x): v.assign(x); v.assign_add(x); v.assign_sub(tf.ones([2]));
/// tf.print("value", x); return v.read_value()` with `v` a float32[2] variable.
pub fn writes_graph() -> FuncGraph {
    let mut b = GraphBuilder::new("writes");
    let x = b.add_placeholder("x", known(DType::Float32, &[2]));
    let h = b.capture_variable(
        "AssignVariableOp/resource",
        V,
        TensorType::known(DType::Float32, &[2]),
    );
    b.add_op(
        "AssignVariableOp",
        "AssignVariableOp",
        &[h, x],
        attrs![("dtype", Attr::Type(DType::Float32))],
    )
    .unwrap();
    b.add_op(
        "AssignAddVariableOp",
        "AssignAddVariableOp",
        &[h, x],
        attrs![("dtype", Attr::Type(DType::Float32))],
    )
    .unwrap();
    let ones = b.add_const("ones", f32s(&[1.0, 1.0], &[2]));
    b.add_op(
        "AssignSubVariableOp",
        "AssignSubVariableOp",
        &[h, ones],
        attrs![("dtype", Attr::Type(DType::Float32))],
    )
    .unwrap();
    let fmt = op1(
        &mut b,
        "StringFormat",
        "StringFormat",
        &[x],
        attrs![
            ("template", Attr::Str("value {}".into())),
            ("placeholder", Attr::Str("{}".into())),
            ("summarize", Attr::Int(3))
        ],
    );
    b.add_op(
        "PrintV2",
        "PrintV2",
        &[fmt],
        attrs![
            ("output_stream", Attr::Str("stdout".into())),
            ("end", Attr::Str("\n".into()))
        ],
    )
    .unwrap();
    b.push_name_scope("Read");
    let r = op1(
        &mut b,
        "ReadVariableOp",
        "ReadVariableOp",
        &[h],
        attrs![("dtype", Attr::Type(DType::Float32))],
    );
    b.pop_name_scope();
    let id = op1(&mut b, "Identity", "Identity", &[r], attrs![]);
    b.finish(&[id]).unwrap()
}

/// `cond(x): return x * 2.0 if x > 0 else -x` as a `StatelessIf` with
/// branch graphs, plus `while i < 5: i += 1` as a `StatelessWhile`.
pub fn control_graph() -> FuncGraph {
    let scalar = known(DType::Float32, &[]);
    let iscalar = known(DType::Int32, &[]);
    // branches
    let mut t = GraphBuilder::new("cond_true_1");
    let tx = t.add_placeholder("x", scalar.clone());
    let two = t.add_const("mul/y", Tensor::scalar_f32(2.0));
    let tm = op1(&mut t, "mul", "Mul", &[tx, two], attrs![]);
    let then_f = Arc::new(t.finish(&[tm]).unwrap());
    let mut e = GraphBuilder::new("cond_false_1");
    let ex = e.add_placeholder("x", scalar.clone());
    let en = op1(&mut e, "Neg", "Neg", &[ex], attrs![]);
    let else_f = Arc::new(e.finish(&[en]).unwrap());
    // loop
    let mut c = GraphBuilder::new("while_cond_1");
    let ci = c.add_placeholder("i", iscalar.clone());
    let five = c.add_const("Less/y", Tensor::scalar_i32(5));
    let lt = op1(&mut c, "Less", "Less", &[ci, five], attrs![]);
    let cond_f = Arc::new(c.finish(&[lt]).unwrap());
    let mut w = GraphBuilder::new("while_body_1");
    let wi = w.add_placeholder("i", iscalar.clone());
    let one = w.add_const("add/y", Tensor::scalar_i32(1));
    let wa = op1(&mut w, "add", "AddV2", &[wi, one], attrs![]);
    let body_f = Arc::new(w.finish(&[wa]).unwrap());
    // outer
    let mut b = GraphBuilder::new("pure");
    let x = b.add_placeholder("x", scalar);
    let zero = b.add_const("Greater/y", Tensor::scalar_f32(0.0));
    let p = op1(&mut b, "Greater", "Greater", &[x, zero], attrs![]);
    let mut funcs = IndexMap::new();
    funcs.insert("then_branch", then_f);
    funcs.insert("else_branch", else_f);
    let y = b
        .add_func_op("cond", "StatelessIf", &[p, x], attrs![], funcs)
        .unwrap()[0];
    let i0 = b.add_const("Const", Tensor::scalar_i32(0));
    let mut funcs = IndexMap::new();
    funcs.insert("cond", cond_f);
    funcs.insert("body", body_f);
    let i = b
        .add_func_op(
            "while",
            "StatelessWhile",
            &[i0],
            attrs![("parallel_iterations", Attr::Int(10))],
            funcs,
        )
        .unwrap()[0];
    b.finish(&[y, i]).unwrap()
}
