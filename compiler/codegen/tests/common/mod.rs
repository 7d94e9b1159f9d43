//! Graph builders shared by the codegen tests.
#![allow(dead_code)]

use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{execute, FuncGraph, GraphBuilder, MemRuntime, Output, RtValue, ValueType};
use tfjit_tensor::{attrs, Attrs, DType, Tensor, TensorType, TfResult};

pub fn known(d: DType, dims: &[usize]) -> ValueType {
    ValueType::Tensor(TensorType::known(d, dims))
}

pub fn op1(b: &mut GraphBuilder, name: &str, op: &str, ins: &[Output], a: Attrs) -> Output {
    b.add_op(name, op, ins, a).unwrap()[0]
}

/// `lcg(n)`: the scalar_loop workload as a StatelessWhile over int64 scalars.
pub fn lcg_graph() -> FuncGraph {
    let s = known(DType::Int64, &[]);
    let mut c = GraphBuilder::new("while_cond");
    let _x = c.add_placeholder("x", s.clone());
    let _acc = c.add_placeholder("acc", s.clone());
    let i = c.add_placeholder("i", s.clone());
    let n = c.add_placeholder("n", s.clone());
    let lt = op1(&mut c, "Less", "Less", &[i, n], attrs![]);
    let cond = Arc::new(c.finish(&[lt]).unwrap());
    let mut w = GraphBuilder::new("while_body");
    let x = w.add_placeholder("x", s.clone());
    let acc = w.add_placeholder("acc", s.clone());
    let i = w.add_placeholder("i", s.clone());
    let n = w.add_placeholder("n", s.clone());
    let a = w.add_const("mul/y", Tensor::scalar_i64(1103515245));
    let m = op1(&mut w, "mul", "Mul", &[x, a], attrs![]);
    let c12345 = w.add_const("add/y", Tensor::scalar_i64(12345));
    let ad = op1(&mut w, "add", "AddV2", &[m, c12345], attrs![]);
    let p = w.add_const("FloorMod/y", Tensor::scalar_i64(2147483648));
    let x2 = op1(&mut w, "FloorMod", "FloorMod", &[ad, p], attrs![]);
    let k = w.add_const("FloorMod_1/y", Tensor::scalar_i64(1000));
    let r = op1(&mut w, "FloorMod_1", "FloorMod", &[x2, k], attrs![]);
    let acc2 = op1(&mut w, "add_1", "AddV2", &[acc, r], attrs![]);
    let one = w.add_const("add_2/y", Tensor::scalar_i64(1));
    let i2 = op1(&mut w, "add_2", "AddV2", &[i, one], attrs![]);
    let body = Arc::new(w.finish(&[x2, acc2, i2, n]).unwrap());
    let mut b = GraphBuilder::new("lcg");
    let n = b.add_placeholder("n", s.clone());
    let x0 = b.add_const("Const", Tensor::scalar_i64(12345));
    let acc0 = b.add_const("Const_1", Tensor::scalar_i64(0));
    let i0 = b.add_const("Const_2", Tensor::scalar_i64(0));
    let mut funcs = IndexMap::new();
    funcs.insert("cond", cond);
    funcs.insert("body", body);
    let outs = b.add_func_op("while", "StatelessWhile", &[x0, acc0, i0, n], attrs![], funcs).unwrap();
    b.finish(&[outs[1]]).unwrap()
}

pub fn reference(g: &FuncGraph, args: &[Tensor]) -> TfResult<Vec<RtValue>> {
    let args: Vec<RtValue> = args.iter().cloned().map(RtValue::Tensor).collect();
    execute(g, &args, &mut MemRuntime::default())
}

pub fn compiled(c: &tfjit_codegen::CompiledFunction, args: &[Tensor]) -> TfResult<Vec<RtValue>> {
    let args: Vec<RtValue> = args.iter().cloned().map(RtValue::Tensor).collect();
    c.run(&args, &mut MemRuntime::default())
}

/// A float32 tensor of `shape` holding `v`.
pub fn f32s(shape: &[usize], v: Vec<f32>) -> tfjit_tensor::Tensor {
    Tensor::new(shape.to_vec(), tfjit_tensor::Data::F32(v)).unwrap()
}

/// The bits of a float32 result, every NaN as one pattern (results may
/// differ in NaN payload only).
pub fn f32_bits(v: &RtValue) -> Vec<u32> {
    match v.as_tensor().unwrap().data() {
        tfjit_tensor::Data::F32(p) => p.iter().map(|x| if x.is_nan() { 0x7fc0_0000 } else { x.to_bits() }).collect(),
        other => panic!("not f32: {other:?}"),
    }
}

/// The first element where two runs' float32 outputs differ in their bits:
/// (output, element, element count, want, got).
pub fn first_bit_difference(want: &[RtValue], got: &[RtValue]) -> Option<(usize, usize, usize, f32, f32)> {
    want.iter().zip(got).enumerate().find_map(|(k, (w, g))| {
        let (a, b) = (f32_bits(w), f32_bits(g));
        (0..a.len()).find(|&i| a.get(i) != b.get(i)).map(|i| {
            (k, i, a.len(), f32::from_bits(a[i]), f32::from_bits(b.get(i).copied().unwrap_or(0)))
        })
    })
}
