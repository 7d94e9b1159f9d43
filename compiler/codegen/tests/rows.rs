//! Differential tests of the row-wise kernels (`FusedReduction`, lone
//! reductions, `Softmax`/`LogSoftmax`, a softmax absorbed into its
//! consumer): compiled results against the reference executor — bit for
//! bit below the fast-math size, within float rounding above it.

mod common;
use common::*;
use proptest::prelude::*;
use tfjit_graph::{FuncGraph, GraphBuilder, Output, RtValue};
use tfjit_tensor::{attrs, Attr, DType, Data, Tensor};

/// Compares outputs: exactly (`tol == 0`) or within a relative `tol`.
fn same(a: &[RtValue], b: &[RtValue], tol: f32) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{} vs {} outputs", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.as_tensor().unwrap(), y.as_tensor().unwrap());
        if x.shape() != y.shape() {
            return Err(format!("shapes {:?} vs {:?}", x.shape(), y.shape()));
        }
        let ok = match (x.data(), y.data()) {
            (Data::F32(p), Data::F32(q)) => p.iter().zip(q).all(|(a, b)| {
                (a.is_nan() && b.is_nan())
                    || a.to_bits() == b.to_bits()
                    || (tol > 0.0 && (a - b).abs() <= tol * a.abs().max(b.abs()) + 1e-30)
            }),
            (p, q) => p == q,
        };
        if !ok {
            let worst = match (x.data(), y.data()) {
                (Data::F32(p), Data::F32(q)) => p
                    .iter()
                    .zip(q)
                    .enumerate()
                    .map(|(i, (a, b))| ((a - b).abs() / a.abs().max(b.abs()), i, *a, *b))
                    .fold((0f32, 0, 0f32, 0f32), |m, v| if v.0 > m.0 { v } else { m }),
                _ => (0.0, 0, 0.0, 0.0),
            };
            let mut t = format!("values differ (worst relative {worst:?}):\n{x:?}\n{y:?}");
            t.truncate(3000);
            return Err(t);
        }
    }
    Ok(())
}

fn check(g: &FuncGraph, args: &[Tensor], tol: f32) -> Result<String, String> {
    let want = reference(g, args).map_err(|e| format!("reference failed: {e}"))?;
    let opt = tfjit_optimize::optimize(g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let got = compiled(&c, args).map_err(|e| format!("compiled failed: {e}"))?;
    same(&want, &got, tol).map_err(|e| format!("{e}\n{}", c.report()))?;
    Ok(c.report())
}

fn f32s(shape: &[usize], v: Vec<f32>) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F32(v)).unwrap()
}

fn axes(b: &mut GraphBuilder, ax: &[i32]) -> Output {
    b.add_const("axes", Tensor::new(vec![ax.len()], Data::I32(ax.to_vec())).unwrap())
}

fn reduce(b: &mut GraphBuilder, op: &str, x: Output, ax: &[i32], keep: bool) -> Output {
    let a = axes(b, ax);
    op1(b, op, op, &[x, a], attrs![("keep_dims", Attr::Bool(keep))])
}

/// `red(f(x) * y + c, trailing axes)` with `y` full, per-row, per-column or scalar.
fn chain_reduce(shape: &[usize], red: &str, nred: usize, ykind: usize, unary: &str, keep: bool) -> (FuncGraph, Vec<usize>) {
    let rank = shape.len();
    let yshape: Vec<usize> = match ykind {
        0 => shape.to_vec(),
        1 => shape.iter().enumerate().map(|(i, &d)| if i >= rank - nred { 1 } else { d }).collect(),
        2 => shape[rank - nred..].to_vec(),
        _ => vec![],
    };
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, shape));
    let y = b.add_placeholder("y", known(DType::Float32, &yshape));
    let u = op1(&mut b, "u", unary, &[x], attrs![]);
    let m = op1(&mut b, "m", "Mul", &[u, y], attrs![]);
    let c = b.add_const("c", Tensor::scalar_f32(0.25));
    let s = op1(&mut b, "s", "AddV2", &[m, c], attrs![]);
    let ax: Vec<i32> = ((rank - nred) as i32..rank as i32).collect();
    let r = reduce(&mut b, red, s, &ax, keep);
    (b.finish(&[r]).unwrap(), yshape)
}

fn values(n: usize, seed: u64, scale: f32) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0 * scale
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn fused_reductions_small_exact(
        red in prop::sample::select(&["Sum", "Mean", "Max", "Min"][..]),
        unary in prop::sample::select(&["Exp", "Tanh", "Abs", "Neg", "Sigmoid"][..]),
        d0 in 1usize..5, d1 in 1usize..70, d2 in 1usize..3, nred in 1usize..3,
        ykind in 0usize..4, keep in any::<bool>(), seed in any::<u64>(),
    ) {
        let shape = [d0, d2, d1];
        let (g, yshape) = chain_reduce(&shape, red, nred, ykind, unary, keep);
        let n: usize = shape.iter().product();
        let x = f32s(&shape, values(n, seed, 3.0));
        let ny: usize = yshape.iter().product();
        let y = f32s(&yshape, values(ny, seed ^ 7, 2.0));
        let r = check(&g, &[x, y], 0.0).map_err(TestCaseError::fail)?;
        prop_assert!(r.contains("native row kernel"), "{}", r);
    }

    #[test]
    fn lone_reductions_exact(
        red in prop::sample::select(&["Sum", "Mean", "Max", "Min"][..]),
        d0 in 1usize..6, d1 in 1usize..100, last in any::<bool>(), keep in any::<bool>(), seed in any::<u64>(),
    ) {
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, &[d0, d1]));
        let ax: &[i32] = if last { &[-1] } else { &[0, 1] };
        let r = reduce(&mut b, red, x, ax, keep);
        let g = b.finish(&[r]).unwrap();
        let mut v = values(d0 * d1, seed, 10.0);
        let nv = v.len();
        if seed % 5 == 0 { v[seed as usize % nv] = f32::NAN; }
        check(&g, &[f32s(&[d0, d1], v)], 0.0).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn softmax_rows(
        log in any::<bool>(), rows in 1usize..70, len in 1usize..1500, seed in any::<u64>(),
    ) {
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, &[rows, len]));
        let op = if log { "LogSoftmax" } else { "Softmax" };
        let s = op1(&mut b, "sm", op, &[x], attrs![]);
        let g = b.finish(&[s]).unwrap();
        let v = values(rows * len, seed, 8.0);
        // Small tensors: the reference kernel (exact); large: within rounding.
        let tol = if rows * len >= tfjit_codegen::rows::FAST_MATH_MIN { 2e-5 } else { 0.0 };
        check(&g, &[f32s(&[rows, len], v)], tol).map_err(TestCaseError::fail)?;
    }
}

/// The softmax workload's shape of graph: `reduce_sum(softmax(x) * x, 1)`:
/// the softmax runs as the row prologue of the fused reduction.
#[test]
fn softmax_absorbed_into_reduction() {
    for (m, k) in [(3usize, 5usize), (64, 1024), (300, 1001)] {
        let mut b = GraphBuilder::new("softmax_reduce");
        let x = b.add_placeholder("x", known(DType::Float32, &[m, k]));
        let s = op1(&mut b, "Softmax", "Softmax", &[x], attrs![]);
        let p = op1(&mut b, "mul", "Mul", &[s, x], attrs![]);
        // A scalar axis, as `tf.reduce_sum(..., axis=1)` traces it.
        let a = b.add_const("axis", Tensor::new(vec![], Data::I32(vec![1])).unwrap());
        let r = op1(&mut b, "Sum", "Sum", &[p, a], attrs![("keep_dims", Attr::Bool(false))]);
        let g = b.finish(&[r]).unwrap();
        let x = f32s(&[m, k], (0..m * k).map(|i| ((i % 9973) as f32 * 0.37).sin() * 5.0).collect());
        let tol = if m * k >= tfjit_codegen::rows::FAST_MATH_MIN { 1e-5 } else { 0.0 };
        let rep = check(&g, &[x], tol).unwrap();
        assert!(rep.contains("per-row prologue"), "{rep}");
    }
}

/// A hand-written softmax: `Max`, fused `exp(x - max)` + `Sum`, `RealDiv`.
#[test]
fn handwritten_softmax() {
    for (m, k, tol) in [(4usize, 33usize, 0.0f32), (128, 1024, 1e-5)] {
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, &[m, k]));
        let mx = reduce(&mut b, "Max", x, &[-1], true);
        let d = op1(&mut b, "sub", "Sub", &[x, mx], attrs![]);
        let e = op1(&mut b, "exp", "Exp", &[d], attrs![]);
        let s = reduce(&mut b, "Sum", e, &[-1], true);
        let r = op1(&mut b, "div", "RealDiv", &[e, s], attrs![]);
        let g = b.finish(&[r]).unwrap();
        let x = f32s(&[m, k], values(m * k, 11, 6.0));
        let rep = check(&g, &[x], tol).unwrap();
        assert!(rep.contains("native row kernel"), "{rep}");
    }
}

/// Large fused reductions: vector lanes and threads, within rounding.
#[test]
fn large_fused_reductions() {
    for red in ["Sum", "Mean", "Max", "Min"] {
        for ykind in 0..4 {
            let (g, yshape) = chain_reduce(&[257, 515], red, 1, ykind, "Tanh", ykind % 2 == 0);
            let x = f32s(&[257, 515], values(257 * 515, 3, 2.0));
            let y = f32s(&yshape, values(yshape.iter().product(), 5, 2.0));
            check(&g, &[x, y], 2e-5).unwrap();
        }
    }
}

/// Timing probe (run with `--ignored --nocapture` in release).
#[test]
#[ignore]
fn softmax_timing() {
    let (m, k) = (4096usize, 1024usize);
    let mut b = GraphBuilder::new("softmax_reduce");
    let x = b.add_placeholder("x", known(DType::Float32, &[m, k]));
    let s = op1(&mut b, "Softmax", "Softmax", &[x], attrs![]);
    let p = op1(&mut b, "mul", "Mul", &[s, x], attrs![]);
    let r = reduce(&mut b, "Sum", p, &[1], false);
    let g = b.finish(&[r]).unwrap();
    let x = f32s(&[m, k], (0..m * k).map(|i| ((i % 9973) as f32 * 0.37).sin() * 5.0).collect());
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    eprintln!("{}", c.report());
    for _ in 0..10 {
        let t0 = std::time::Instant::now();
        let r = compiled(&c, std::slice::from_ref(&x)).unwrap();
        eprintln!("softmax_reduce: {:?}", t0.elapsed());
        drop(r);
    }
}

/// Large elementwise chains with several transcendentals run in blocks
/// through the math library; values cross phases; an intermediate is an
/// output too. Within rounding of the reference.
#[test]
fn blocked_math_chains() {
    for n in [65_536usize, 300_007] {
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, &[n]));
        let y = b.add_placeholder("y", known(DType::Float32, &[]));
        let h = op1(&mut b, "h", "Mul", &[x, y], attrs![]);
        let e = op1(&mut b, "e", "Exp", &[x], attrs![]);
        let t = op1(&mut b, "t", "Tanh", &[h], attrs![]);
        let s = op1(&mut b, "s", "Sigmoid", &[t], attrs![]);
        let m = op1(&mut b, "m", "Mul", &[e, s], attrs![]);
        let h2 = op1(&mut b, "h2", "Square", &[h], attrs![]);
        let r = op1(&mut b, "r", "AddV2", &[m, h2], attrs![]);
        let neg = op1(&mut b, "neg", "Neg", &[t], attrs![]);
        let g = b.finish(&[r, neg]).unwrap();
        let xv = f32s(&[n], values(n, 9, 12.0));
        let yv = f32s(&[], vec![0.7]);
        let rep = check(&g, &[xv, yv], 2e-6).unwrap();
        assert!(rep.contains("native kernel"), "{rep}");
    }
}
