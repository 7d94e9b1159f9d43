//! Times `optimize` on a ~100-op graph (elementwise chains with constants,
//! duplicates for CSE, reductions, a matmul), per pass and in total.
//!
//! `cargo run --release -p tfjit-optimize --example optimize_timing`

use std::time::Instant;
use tfjit_graph::{FuncGraph, GraphBuilder, Output, ValueType};
use tfjit_optimize::{Fuse, Pass, Prune, Saturate};
use tfjit_tensor::{attrs, Attr, DType, Tensor, TensorType};

fn op(b: &mut GraphBuilder, op: &str, ins: &[Output]) -> Output {
    b.add_op("", op, ins, attrs![]).unwrap()[0]
}

/// About 100 ops: 8 blocks of a GELU-like chain plus folding, CSE and a
/// reduction, joined by a matmul.
fn graph() -> FuncGraph {
    let t = |d: &[usize]| ValueType::Tensor(TensorType::known(DType::Float32, d));
    let mut b = GraphBuilder::new("big");
    let x = b.add_placeholder("x", t(&[64, 64]));
    let w = b.add_placeholder("w", t(&[64, 64]));
    let mut acc = op(&mut b, "MatMul", &[x, w]);
    for i in 0..8 {
        let c = b.add_const("c", Tensor::scalar_f32(0.5 + i as f32));
        let one = b.add_const("one", Tensor::scalar_f32(1.0));
        let two = b.add_const("two", Tensor::scalar_f32(2.0));
        let k = op(&mut b, "AddV2", &[one, two]); // folds
        let a = op(&mut b, "Mul", &[acc, c]);
        let a2 = op(&mut b, "Mul", &[acc, c]); // CSE
        let s = op(&mut b, "AddV2", &[a, a2]);
        let u = op(&mut b, "Tanh", &[s]);
        let v = op(&mut b, "Mul", &[u, one]); // x * 1
        let e = op(&mut b, "Exp", &[v]);
        let d = op(&mut b, "RealDiv", &[e, two]); // / 2 -> * 0.5
        let m = op(&mut b, "Mul", &[d, k]);
        let ax = b.add_const("ax", Tensor::scalar_i32(1));
        let r = b
            .add_op("", "Sum", &[m, ax], attrs![("keep_dims", Attr::Bool(true))])
            .unwrap()[0];
        acc = op(&mut b, "Sub", &[m, r]);
    }
    b.finish(&[acc]).unwrap()
}

/// Prints the minimum and median of `n` runs (the minimum is the best
/// estimate on a busy machine).
fn time(label: &str, n: usize, mut f: impl FnMut()) {
    f();
    let mut v: Vec<f64> = (0..n)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    println!("{label:>10}: min {:8.1} µs, median {:8.1} µs", v[0], v[n / 2]);
}

fn main() {
    let g = graph();
    println!("graph: {} ops", g.len());
    let opt = tfjit_optimize::optimize(&g).unwrap();
    println!("optimized: {} ops", opt.len());
    let n = 200;
    time("prune", n, || {
        let mut h = g.clone();
        Prune.run(&mut h).unwrap();
    });
    time("saturate", n, || {
        let mut h = g.clone();
        Saturate::default().run(&mut h).unwrap();
    });
    let mut sat = g.clone();
    Saturate::default().run(&mut sat).unwrap();
    time("fuse", n, || {
        let mut h = sat.clone();
        Fuse::default().run(&mut h).unwrap();
    });
    time("optimize", n, || {
        tfjit_optimize::optimize(&g).unwrap();
    });
}
