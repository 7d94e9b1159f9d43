//! Column kernels (reductions over leading or middle axes) and the fused
//! gradient ops: compiled results against the reference executor, bit for
//! bit (no transcendentals in these bodies), plus TF 2.21's own column sums
//! for inputs where its (Eigen's) summation order matters.

mod common;
use common::*;
use proptest::prelude::*;
use tfjit_graph::{FuncGraph, GraphBuilder, Output, RtValue, ValueType};
use tfjit_tensor::{attrs, Attr, DType, Data, StaticShape, Tensor, TensorType};

/// Compiles `g` (optimized), runs it and the reference executor on
/// `args`, requires identical bits; returns the compile report.
fn check(g: &FuncGraph, args: &[Tensor]) -> Result<String, String> {
    let want = reference(g, args).map_err(|e| format!("reference failed: {e}"))?;
    let opt = tfjit_optimize::optimize(g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let got = compiled(&c, args).map_err(|e| format!("compiled failed: {e}"))?;
    if want.len() != got.len() {
        return Err(format!("{} vs {} outputs", want.len(), got.len()));
    }
    for (k, (w, o)) in want.iter().zip(&got).enumerate() {
        let (wt, ot) = (w.as_tensor().unwrap(), o.as_tensor().unwrap());
        if wt.shape() != ot.shape() {
            return Err(format!("output {k}: shapes {:?} vs {:?}", wt.shape(), ot.shape()));
        }
        if f32_bits(w) != f32_bits(o) {
            let i = f32_bits(w).iter().zip(f32_bits(o)).position(|(a, b)| *a != b).unwrap_or(0);
            return Err(format!("output {k} differs at {i}: {wt:?}\nvs\n{ot:?}\n{}", c.report()));
        }
    }
    Ok(c.report())
}

fn f32s(shape: &[usize], v: Vec<f32>) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F32(v)).unwrap()
}

/// Values of wildly different magnitudes (summation order shows).
fn values(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let m = ((s >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 2.0;
            m * [1.0, 16.0, 0.0625, 256.0, 1.0 / 256.0][(s >> 20) as usize % 5]
        })
        .collect()
}

fn reduce(b: &mut GraphBuilder, op: &str, x: Output, ax: &[i32], keep: bool) -> Output {
    let a = b.add_const("axes", Tensor::new(vec![ax.len()], Data::I32(ax.to_vec())).unwrap());
    op1(b, op, op, &[x, a], attrs![("keep_dims", Attr::Bool(keep))])
}

/// TF's inputs for the golden sums below: `((i * 7919) % 10007 - 5003) *
/// 0.37 * [1, 16, 1/16, 256, 1/256][(3 i) % 5]` over the flat index.
fn golden_input(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    let scale = [1.0f32, 16.0, 0.0625, 256.0, 0.00390625];
    let v = (0..n as i64).map(|i| ((i * 7919) % 10007 - 5003) as f32 * 0.37 * scale[(i * 3 % 5) as usize]).collect();
    f32s(shape, v)
}

/// `tf.reduce_sum` over leading / middle axes as TF 2.21 computes it
/// (bits from TF; a sequential sum gives different ones).
#[test]
fn column_sums_match_tf() {
    let cases: [(&[usize], &[i32], &[u32]); 3] = [
        (&[20, 9], &[0], &[
            0xc8ade81c, 0xc829b8ce, 0x48df515f, 0x47d8f4f4, 0xc8692d32, 0xc900c5a2, 0x491250b6, 0x4889df62, 0xc779a5fe,
        ]),
        (&[3, 17, 12], &[1], &[
            0x48d5cbef, 0x470bbf7b, 0xc8b159c9, 0x46a6edbc, 0xc8eae6c9, 0x489630d3, 0xc80548b7, 0xc8d5a509, 0xc7d6eaed,
            0xc91f8220, 0x48298dc4, 0xc896c0a4, 0x49103811, 0x4782932d, 0xc68135ce, 0x48a3d694, 0xc89622a7, 0x48cc52af,
            0xc7831490, 0x493a477d, 0x4844fed7, 0xc8d64a6e, 0x48706a6d, 0xc8445e29, 0x48f9109c, 0xc8e6c2a7, 0x493b1b98,
            0xc7fa3dcf, 0x46b59525, 0x48b8e705, 0xc91d700e, 0x491a66a0, 0xc892abbd, 0x495bd7e3, 0x48717ad7, 0xc9477ecb,
        ]),
        (&[33, 2, 8], &[0], &[
            0x490c54ff, 0xc8e2b6ab, 0xc601064f, 0x492da98c, 0xc9168b2d, 0x4884f2af, 0x482d9185, 0xc88574ed, 0x48f9ebb2,
            0x46d944c8, 0xc7049bb4, 0xc77e840b, 0xc90370d4, 0x487356b5, 0xc84fed58, 0xc8a6199b,
        ]),
    ];
    for (shape, ax, want) in cases {
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, shape));
        let r = reduce(&mut b, "Sum", x, ax, false);
        let g = b.finish(&[r]).unwrap();
        let args = [golden_input(shape)];
        let rf = reference(&g, &args).unwrap();
        assert_eq!(f32_bits(&rf[0]), want, "reference kernel, {shape:?} over {ax:?}");
        let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
        let got = compiled(&c, &args).unwrap();
        assert_eq!(f32_bits(&got[0]), want, "column kernel, {shape:?} over {ax:?}");
    }
}

/// `reduce(relu_grad(g, x) [* y], leading axes)` with the gradient as a
/// second output: the bias gradient of a dense layer.
fn bias_grad_graph(shape: &[usize], red: &str, nred: usize, grad: &str, yshape: Option<&[usize]>, keep: bool) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let g = b.add_placeholder("g", known(DType::Float32, shape));
    let x = b.add_placeholder("x", known(DType::Float32, shape));
    let mut v = op1(&mut b, "grad", grad, &[g, x], attrs![]);
    if let Some(ys) = yshape {
        let y = b.add_placeholder("y", known(DType::Float32, ys));
        v = op1(&mut b, "m", "Mul", &[v, y], attrs![]);
    }
    let ax: Vec<i32> = (0..nred as i32).collect();
    let r = reduce(&mut b, red, v, &ax, keep);
    let t = op1(&mut b, "t", "Neg", &[v], attrs![]);
    b.finish(&[r, t]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Lone reductions over leading axes of rank-2 and rank-3 tensors.
    #[test]
    fn lone_column_reductions_exact(
        red in prop::sample::select(&["Sum", "Mean", "Max", "Min"][..]),
        d0 in 1usize..70, d1 in 1usize..5, d2 in 1usize..40,
        middle in any::<bool>(), keep in any::<bool>(), seed in any::<u64>(),
    ) {
        let shape = [d1, d0, d2];
        let mut b = GraphBuilder::new("f");
        let x = b.add_placeholder("x", known(DType::Float32, &shape));
        let ax: &[i32] = if middle { &[1] } else { &[0, 1] };
        let r = reduce(&mut b, red, x, ax, keep);
        let g = b.finish(&[r]).unwrap();
        let mut v = values(shape.iter().product(), seed);
        let nv = v.len();
        if seed % 5 == 0 { v[seed as usize % nv] = f32::NAN; }
        let x = f32s(&shape, v);
        check(&g, &[x.clone()]).map_err(TestCaseError::fail)?;
        // The kernel itself handles every such shape (no reference fallback).
        let axes = Tensor::new(vec![ax.len()], Data::I32(ax.to_vec())).unwrap();
        let k = tfjit_codegen::rows::lone_reduction(red, DType::Float32, Some(&axes), keep).unwrap();
        let out = k.run(&[RtValue::Tensor(x.clone()), RtValue::Tensor(axes.clone())], &[]);
        let out = out.ok_or_else(|| TestCaseError::fail("kernel declined"))?.map_err(|e| TestCaseError::fail(e.message))?;
        let want = reference(&g, &[x]).unwrap();
        prop_assert_eq!(f32_bits(&out[0]), f32_bits(&want[0]));
    }

    /// Gradient ops feeding a column reduction, with broadcast factors.
    #[test]
    fn fused_column_reductions_exact(
        red in prop::sample::select(&["Sum", "Mean", "Max"][..]),
        grad in prop::sample::select(&["ReluGrad", "EluGrad", "TanhGrad", "RsqrtGrad", "ReciprocalGrad"][..]),
        rows in 1usize..80, cols in 1usize..50, ykind in 0usize..4, keep in any::<bool>(), seed in any::<u64>(),
    ) {
        let shape = [rows, cols];
        let ys: Option<Vec<usize>> = match ykind {
            0 => None,
            1 => Some(vec![cols]),
            2 => Some(vec![rows, 1]),
            _ => Some(vec![rows, cols]),
        };
        let g = bias_grad_graph(&shape, red, 1, grad, ys.as_deref(), keep);
        let n = rows * cols;
        let mut x = values(n, seed ^ 3);
        if seed % 3 == 0 { x[seed as usize % n] = 0.0; x[(seed as usize / 3) % n] = f32::NAN; }
        let mut args = vec![f32s(&shape, values(n, seed)), f32s(&shape, x)];
        if let Some(ys) = &ys {
            args.push(f32s(ys, values(ys.iter().product(), seed ^ 9)));
        }
        let rep = check(&g, &args).map_err(TestCaseError::fail)?;
        prop_assert!(rep.contains(grad) && rep.contains("native row kernel"), "{}", rep);
    }

    /// Gradient ops in elementwise kernels: the reference kernel's bits,
    /// `SigmoidGrad`/`SqrtGrad` only where the packet formula covers
    /// every element (else they stay reference kernels).
    #[test]
    fn fused_grad_ops_exact(
        grad in prop::sample::select(&["ReluGrad", "EluGrad", "TanhGrad", "SigmoidGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad"][..]),
        rows in 1usize..40, cols in 1usize..70, seed in any::<u64>(),
    ) {
        let shape = [rows, cols];
        let mut b = GraphBuilder::new("f");
        let p = b.add_placeholder("p", known(DType::Float32, &shape));
        let q = b.add_placeholder("q", known(DType::Float32, &shape));
        let h = b.add_const("h", Tensor::scalar_f32(0.75));
        let p2 = op1(&mut b, "p2", "Mul", &[p, h], attrs![]);
        let v = op1(&mut b, "grad", grad, &[p2, q], attrs![]);
        let w = op1(&mut b, "w", "AddV2", &[v, h], attrs![]);
        let g = b.finish(&[w]).unwrap();
        let n = rows * cols;
        let args = [f32s(&shape, values(n, seed)), f32s(&shape, values(n, seed ^ 5))];
        let rep = check(&g, &args).map_err(TestCaseError::fail)?;
        let generated = rep.contains(&format!("native kernel [Mul, {grad}"));
        let packets_only = !matches!(grad, "SigmoidGrad" | "SqrtGrad") || n % 8 == 0;
        prop_assert_eq!(generated, packets_only, "{}", rep);
    }
}

/// Bias gradients of the train_step shape, and large column reductions
/// split across threads (still bit for bit: no transcendentals).
#[test]
fn large_column_reductions_exact() {
    for (shape, nred) in [(&[256usize, 1024][..], 1usize), (&[512, 130][..], 1), (&[3, 700, 67][..], 2), (&[129, 4, 130][..], 1)] {
        for red in ["Sum", "Mean", "Max", "Min"] {
            let g = bias_grad_graph(shape, red, nred, "ReluGrad", None, true);
            let n: usize = shape.iter().product();
            let args = [f32s(shape, values(n, 1)), f32s(shape, values(n, 2))];
            let rep = check(&g, &args).unwrap();
            assert!(rep.contains("ReluGrad"), "{rep}");
        }
    }
}

/// A gradient op whose operands' static shapes are not known equal is
/// not generated (its reference kernel rejects different shapes; the
/// generated code would broadcast): the program gets the reference
/// kernel's error.
#[test]
fn grad_op_shape_mismatch_keeps_reference_error() {
    let mut b = GraphBuilder::new("f");
    let p = b.add_placeholder("p", known(DType::Float32, &[4, 8]));
    let partial = TensorType::new(DType::Float32, StaticShape::partial(vec![Some(4), None]));
    let q = b.add_placeholder("q", ValueType::Tensor(partial));
    let h = b.add_const("h", Tensor::scalar_f32(0.75));
    let p2 = op1(&mut b, "p2", "Mul", &[p, h], attrs![]);
    let v = op1(&mut b, "grad", "ReluGrad", &[p2, q], attrs![]);
    let w = op1(&mut b, "w", "AddV2", &[v, h], attrs![]);
    let g = b.finish(&[w]).unwrap();
    let args = [f32s(&[4, 8], values(32, 1)), f32s(&[4, 1], values(4, 2))];
    let want = reference(&g, &args).unwrap_err();
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    let got = compiled(&c, &args).unwrap_err();
    assert_eq!(want.message.lines().next(), got.message.lines().next());
}
