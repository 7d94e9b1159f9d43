//! While/If graphs: compiled results equal the reference executor's.

mod common;
use common::*;
use tfjit_tensor::{DType, Tensor};

#[test]
fn scalar_while_loop_is_one_native_function() {
    let g = lcg_graph();
    let opt = tfjit_optimize::optimize(&g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let report = c.report();
    assert!(report.contains("one native function"), "{report}");
    for n in [0i64, 1, 5, 1000] {
        let args = [Tensor::scalar_i64(n)];
        assert_eq!(compiled(&c, &args).unwrap(), reference(&g, &args).unwrap());
    }
    let t = std::time::Instant::now();
    let r = compiled(&c, &[Tensor::scalar_i64(1_000_000)]).unwrap();
    eprintln!("1M iterations: {:?} -> {:?}", t.elapsed(), r);
    let _ = DType::Int64;
}

use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphBuilder, ValueType};
use tfjit_tensor::{attrs, Data, StaticShape, TensorType, TfErrorKind};

/// `while i < n: acc = acc // d; i += 1` with `d` an argument: division by
/// zero inside the native loop raises the reference's error, node included.
fn div_loop(shape: StaticShape) -> FuncGraph {
    let s = ValueType::Tensor(TensorType::new(DType::Int32, shape));
    let mut c = GraphBuilder::new("cond");
    let i = c.add_placeholder("i", known(DType::Int32, &[]));
    let _a = c.add_placeholder("acc", s.clone());
    let _d = c.add_placeholder("d", s.clone());
    let three = c.add_const("Less/y", Tensor::scalar_i32(3));
    let lt = op1(&mut c, "Less", "Less", &[i, three], attrs![]);
    let cond = Arc::new(c.finish(&[lt]).unwrap());
    let mut w = GraphBuilder::new("body");
    let i = w.add_placeholder("i", known(DType::Int32, &[]));
    let a = w.add_placeholder("acc", s.clone());
    let d = w.add_placeholder("d", s.clone());
    let q = op1(&mut w, "floordiv", "FloorDiv", &[a, d], attrs![]);
    let one = w.add_const("add/y", Tensor::scalar_i32(1));
    let i2 = op1(&mut w, "add", "AddV2", &[i, one], attrs![]);
    let body = Arc::new(w.finish(&[i2, q, d]).unwrap());
    let mut b = GraphBuilder::new("f");
    let a = b.add_placeholder("acc", s.clone());
    let d = b.add_placeholder("d", s);
    let i0 = b.add_const("Const", Tensor::scalar_i32(0));
    let mut funcs = IndexMap::new();
    funcs.insert("cond", cond);
    funcs.insert("body", body);
    let outs = b.add_func_op("while", "StatelessWhile", &[i0, a, d], attrs![], funcs).unwrap();
    b.finish(&[outs[1]]).unwrap()
}

#[test]
fn errors_inside_loops_match_the_reference() {
    for (shape, n) in [(StaticShape::known(&[3]), 3), (StaticShape::partial(vec![None]), 3), (StaticShape::known(&[99]), 99)] {
        let g = div_loop(shape.clone());
        let opt = tfjit_optimize::optimize(&g).unwrap();
        let c = tfjit_codegen::compile(&opt).unwrap();
        let rep = |v: [i32; 3]| Tensor::new(vec![n], Data::I32(v.iter().cycle().take(n).copied().collect())).unwrap();
        let a = rep([100, -7, 9]);
        let ok = rep([2, 2, -2]);
        assert_eq!(compiled(&c, &[a.clone(), ok.clone()]).unwrap(), reference(&g, &[a.clone(), ok]).unwrap());
        let bad = rep([2, 0, 1]);
        let want = reference(&g, &[a.clone(), bad.clone()]).unwrap_err();
        let got = compiled(&c, &[a, bad]).unwrap_err();
        assert_eq!(want.kind, TfErrorKind::InvalidArgument);
        assert_eq!((got.kind, got.message), (want.kind, want.message), "{shape:?}\n{}", c.report());
    }
}

#[test]
fn scalar_if_is_native_and_matches() {
    let g = {
        let sc = known(DType::Float32, &[]);
        let mut t = GraphBuilder::new("then");
        let x = t.add_placeholder("x", sc.clone());
        let two = t.add_const("mul/y", Tensor::scalar_f32(2.0));
        let m = op1(&mut t, "mul", "Mul", &[x, two], attrs![]);
        let then_f = Arc::new(t.finish(&[m]).unwrap());
        let mut e = GraphBuilder::new("else");
        let x = e.add_placeholder("x", sc.clone());
        let n = op1(&mut e, "Neg", "Neg", &[x], attrs![]);
        let else_f = Arc::new(e.finish(&[n]).unwrap());
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", sc);
        let zero = b.add_const("Greater/y", Tensor::scalar_f32(0.0));
        let p = op1(&mut b, "Greater", "Greater", &[x, zero], attrs![]);
        let mut funcs = IndexMap::new();
        funcs.insert("then_branch", then_f);
        funcs.insert("else_branch", else_f);
        let y = b.add_func_op("cond", "StatelessIf", &[p, x], attrs![], funcs).unwrap()[0];
        b.finish(&[y]).unwrap()
    };
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    assert!(c.report().contains("one native function"), "{}", c.report());
    for v in [1.5f32, -2.0, 0.0, f32::NAN] {
        let args = [Tensor::scalar_f32(v)];
        let (w, r) = (reference(&g, &args).unwrap(), compiled(&c, &args).unwrap());
        assert_eq!(format!("{w:?}"), format!("{r:?}"));
    }
}

/// Indices into a tensor are checked: a bad Gather index inside a compiled
/// function is the reference's InvalidArgumentError, never a crash.
#[test]
fn bad_gather_index_is_invalid_argument() {
    let mut b = GraphBuilder::new("f");
    let p = b.add_placeholder("params", known(DType::Float32, &[4]));
    let i = b.add_placeholder("i", known(DType::Int32, &[2]));
    let axis = b.add_const("axis", Tensor::scalar_i32(0));
    let g1 = op1(&mut b, "GatherV2", "GatherV2", &[p, i, axis], attrs![("batch_dims", tfjit_tensor::Attr::Int(0))]);
    let two = b.add_const("c", Tensor::scalar_f32(2.0));
    let m = op1(&mut b, "mul", "Mul", &[g1, two], attrs![]);
    let g = b.finish(&[m]).unwrap();
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    let params = Tensor::new(vec![4], Data::F32(vec![1., 2., 3., 4.])).unwrap();
    for idx in [vec![0, 3], vec![1, 4], vec![-1, 0]] {
        let i = Tensor::new(vec![2], Data::I32(idx)).unwrap();
        let want = reference(&g, &[params.clone(), i.clone()]);
        let got = compiled(&c, &[params.clone(), i]);
        assert_eq!(format!("{want:?}"), format!("{got:?}"));
    }
}
