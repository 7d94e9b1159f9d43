//! Helpers shared by the optimizer tests: graph building and the
//! differential check (run before and after optimizing, compare).
#![allow(dead_code)]

use tfjit_graph::{execute, FuncGraph, GraphBuilder, MemRuntime, Output, RtValue, ValueType};
use tfjit_tensor::{Attrs, DType, Data, StaticShape, Tensor, TensorType};

pub fn known(dtype: DType, dims: &[usize]) -> ValueType {
    ValueType::Tensor(TensorType::known(dtype, dims))
}

pub fn partial(dtype: DType, dims: &[Option<usize>]) -> ValueType {
    ValueType::Tensor(TensorType::new(dtype, StaticShape::partial(dims.to_vec())))
}

pub fn f32s(v: &[f32], shape: &[usize]) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F32(v.to_vec())).unwrap()
}

pub fn i32s(v: &[i32], shape: &[usize]) -> Tensor {
    Tensor::new(shape.to_vec(), Data::I32(v.to_vec())).unwrap()
}

/// `n` floats with varied signs and magnitudes.
pub fn ramp(n: usize, shape: &[usize]) -> Tensor {
    let v: Vec<f32> = (0..n).map(|i| ((i as f32) * 0.37).sin() * 3.0).collect();
    f32s(&v, shape)
}

pub fn op1(b: &mut GraphBuilder, hint: &str, op: &str, ins: &[Output], a: Attrs) -> Output {
    b.add_op(hint, op, ins, a).unwrap()[0]
}

/// Op types in creation order.
pub fn types(g: &FuncGraph) -> Vec<&'static str> {
    g.operations().iter().map(|&ix| g.node(ix).op.name()).collect()
}

pub fn count(g: &FuncGraph, op: &str) -> usize {
    types(g).iter().filter(|t| **t == op).count()
}

/// Two values agree: exactly for ints and bools, for floats within a few
/// ulps (NaN matches NaN); same shape and dtype.
pub fn same_value(a: &RtValue, b: &RtValue) -> Result<(), String> {
    match (a, b) {
        (RtValue::Tensor(x), RtValue::Tensor(y)) => {
            if x.dtype() != y.dtype() || x.shape() != y.shape() {
                return Err(format!("type differs: {:?} vs {:?}", x.tensor_type(), y.tensor_type()));
            }
            let close = |p: f64, q: f64| {
                (p.is_nan() && q.is_nan())
                    || p == q
                    || (p - q).abs() <= 1e-6 * p.abs().max(q.abs()).max(1e-30)
            };
            let ok = match (x.data(), y.data()) {
                (Data::F32(p), Data::F32(q)) => p.iter().zip(q).all(|(p, q)| close(*p as f64, *q as f64)),
                (Data::F64(p), Data::F64(q)) => p.iter().zip(q).all(|(p, q)| close(*p, *q)),
                _ => x == y,
            };
            if ok {
                Ok(())
            } else {
                Err(format!("values differ:\n{x:?}\n{y:?}"))
            }
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{a:?} vs {b:?}")),
    }
}

/// Runs `g` and `optimize(g)` on `args` (each with a fresh copy of `rt`)
/// and checks outputs, prints and variables agree (or both fail alike).
/// Returns the optimized graph.
pub fn check_same(g: &FuncGraph, args: &[Tensor], rt: &MemRuntime) -> FuncGraph {
    let opt = tfjit_optimize::optimize(g).expect("optimize");
    check_pair(g, &opt, args, rt);
    opt
}

pub fn check_pair(g: &FuncGraph, opt: &FuncGraph, args: &[Tensor], rt: &MemRuntime) {
    let args: Vec<RtValue> = args.iter().cloned().map(RtValue::Tensor).collect();
    let (mut r1, mut r2) = (rt.clone(), rt.clone());
    let a = execute(g, &args, &mut r1);
    let b = execute(opt, &args, &mut r2);
    match (&a, &b) {
        (Ok(x), Ok(y)) => {
            assert_eq!(x.len(), y.len());
            for (p, q) in x.iter().zip(y) {
                if let Err(e) = same_value(p, q) {
                    panic!(
                        "{e}\noriginal:\n{}\noptimized:\n{}",
                        tfjit_graph::print_text::to_text(g),
                        tfjit_graph::print_text::to_text(opt)
                    );
                }
            }
        }
        (Err(x), Err(y)) => assert_eq!(x.message, y.message, "errors differ"),
        _ => panic!(
            "one run failed: {a:?} vs {b:?}\noriginal:\n{}\noptimized:\n{}",
            tfjit_graph::print_text::to_text(g),
            tfjit_graph::print_text::to_text(opt)
        ),
    }
    assert_eq!(r1.printed, r2.printed, "prints differ");
    assert_eq!(r1.vars, r2.vars, "variables differ");
}
