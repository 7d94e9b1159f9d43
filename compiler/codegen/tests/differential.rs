//! Differential tests: random shapes and values; every generated op, and
//! fused graphs, give the same results compiled (native functions and
//! fused kernels) as with the reference executor — bit for bit below the
//! fast-math size, within a few ulp above it.

mod common;
use common::*;
use proptest::prelude::*;
use tfjit_graph::{FuncGraph, GraphBuilder, RtValue, ValueType};
use tfjit_tensor::{attrs, Attr, DType, Data, StaticShape, Tensor, TensorType};

const UNARY_F: &[&str] = &[
    "Neg", "Abs", "Square", "Sign", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Sin", "Cos", "Tanh",
    "Sigmoid", "Floor", "Ceil", "Round", "Reciprocal", "Relu",
];
const BINARY_F: &[&str] = &["AddV2", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Maximum", "Minimum", "SquaredDifference", "Pow"];
const BINARY_I: &[&str] = &["AddV2", "Sub", "Mul", "FloorDiv", "FloorMod", "Maximum", "Minimum", "SquaredDifference"];
const CMP: &[&str] = &["Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual"];

fn ty(d: DType, dims: &[Option<usize>]) -> ValueType {
    ValueType::Tensor(TensorType::new(d, StaticShape::partial(dims.to_vec())))
}

/// `op2(op1(x, y) * c, y)`-like chains: `x*y` (or `x+y`) then `op`.
fn chain_graph(d: DType, xs: &[Option<usize>], ys: &[Option<usize>], op: &str, binary: bool) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", ty(d, xs));
    let y = b.add_placeholder("y", ty(d, ys));
    let m = op1(&mut b, "mul", "Mul", &[x, y], attrs![]);
    let r = if binary { op1(&mut b, "op", op, &[m, y], attrs![]) } else { op1(&mut b, "op", op, &[m], attrs![]) };
    let s = op1(&mut b, "sub", "Sub", &[r, x], attrs![]);
    b.finish(&[s, r]).unwrap()
}

fn cmp_graph(d: DType, xs: &[Option<usize>], op: &str) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", ty(d, xs));
    let y = b.add_placeholder("y", ty(d, xs));
    let a = op1(&mut b, "add", "AddV2", &[x, y], attrs![]);
    let c = op1(&mut b, "cmp", op, &[a, y], attrs![]);
    let s = op1(&mut b, "sel", "SelectV2", &[c, x, a], attrs![]);
    let k = op1(&mut b, "cast", "Cast", &[s], attrs![("SrcT", Attr::Type(d)), ("DstT", Attr::Type(DType::Float64))]);
    let n = op1(&mut b, "not", "LogicalNot", &[c], attrs![]);
    b.finish(&[k, n]).unwrap()
}

fn same(a: &[RtValue], b: &[RtValue], ulps: u32) -> Result<(), String> {
    if a.len() != b.len() {
        return Err(format!("{} vs {} outputs", a.len(), b.len()));
    }
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (x.as_tensor().unwrap(), y.as_tensor().unwrap());
        if x.shape() != y.shape() {
            return Err(format!("shapes {:?} vs {:?}", x.shape(), y.shape()));
        }
        let ok = match (x.data(), y.data()) {
            // ulps == 0: bit for bit; otherwise fast math, within 1e-5
            // relative to max(|a|, 1) (polynomial transcendentals).
            (Data::F32(p), Data::F32(q)) => p.iter().zip(q).all(|(a, b)| {
                (a.is_nan() && b.is_nan()) || a == b || (ulps > 0 && (a - b).abs() <= 1e-5 * a.abs().max(1.0))
            }),
            (Data::F64(p), Data::F64(q)) => p.iter().zip(q).all(|(a, b)| (a.is_nan() && b.is_nan()) || a == b || (ulps > 0 && (a - b).abs() <= 1e-6 * a.abs().max(1e-30))),
            (p, q) => p == q,
        };
        if !ok {
            let mut t = format!("values differ:\n{x:?}\n{y:?}");
            t.truncate(2000);
            return Err(t);
        }
    }
    Ok(())
}

fn check(g: &FuncGraph, args: &[Tensor], ulps: u32) -> Result<(), TestCaseError> {
    let want = reference(g, args);
    let opt = tfjit_optimize::optimize(g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let got = compiled(&c, args);
    match (want, got) {
        (Ok(w), Ok(g2)) => same(&w, &g2, ulps).map_err(|e| TestCaseError::fail(format!("{e}\n{}", c.report()))),
        (Err(w), Err(g2)) => {
            prop_assert_eq!(w.kind, g2.kind);
            prop_assert_eq!(w.message, g2.message);
            Ok(())
        }
        (w, g2) => Err(TestCaseError::fail(format!("reference {w:?} vs compiled {g2:?}"))),
    }
}

fn f32s(shape: &[usize], v: Vec<f32>) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F32(v)).unwrap()
}

fn dims_of(shape: &[usize], unknown: bool) -> Vec<Option<usize>> {
    shape.iter().map(|&d| if unknown { None } else { Some(d) }).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn unary_float_ops(op in prop::sample::select(UNARY_F), n in 1usize..40, rows in 1usize..4, unknown in any::<bool>(),
                       seed in prop::collection::vec(-20.0f32..20.0, 160)) {
        let shape = [rows, n];
        let len = rows * n;
        let x = f32s(&shape, seed.iter().cycle().take(len).copied().collect());
        let y = f32s(&shape, seed.iter().rev().cycle().take(len).map(|v| v * 0.1 + 0.05).collect());
        let g = chain_graph(DType::Float32, &dims_of(&shape, unknown), &dims_of(&shape, unknown), op, false);
        check(&g, &[x, y], 0)?;
    }

    #[test]
    fn binary_float_ops_broadcast(op in prop::sample::select(BINARY_F), n in 1usize..24, rows in 1usize..5, kind in 0usize..3,
                                  unknown in any::<bool>(), seed in prop::collection::vec(-9.0f32..9.0, 160)) {
        let xs = [rows, n];
        let ys: Vec<usize> = match kind { 0 => vec![rows, n], 1 => vec![rows, 1], _ => vec![] };
        let x = f32s(&xs, seed.iter().cycle().take(rows * n).copied().collect());
        let ylen: usize = ys.iter().product();
        let y = f32s(&ys, seed.iter().rev().cycle().take(ylen).copied().collect());
        let g = chain_graph(DType::Float32, &dims_of(&xs, unknown), &dims_of(&ys, unknown), op, true);
        check(&g, &[x, y], 0)?;
    }

    #[test]
    fn binary_int_ops_and_errors(op in prop::sample::select(BINARY_I), n in 1usize..20, wide in any::<bool>(), unknown in any::<bool>(),
                                 seed in prop::collection::vec(-50i64..50, 40)) {
        let shape = [n];
        let (d, x, y) = if wide {
            (DType::Int64, Tensor::new(vec![n], Data::I64(seed[..n].to_vec())).unwrap(),
             Tensor::new(vec![n], Data::I64(seed[20..20 + n].iter().map(|v| v / 7).collect())).unwrap())
        } else {
            (DType::Int32, Tensor::new(vec![n], Data::I32(seed[..n].iter().map(|&v| v as i32).collect())).unwrap(),
             Tensor::new(vec![n], Data::I32(seed[20..20 + n].iter().map(|&v| (v / 7) as i32).collect())).unwrap())
        };
        let g = chain_graph(d, &dims_of(&shape, unknown), &dims_of(&shape, unknown), op, true);
        check(&g, &[x, y], 0)?;
    }

    #[test]
    fn compare_select_cast(op in prop::sample::select(CMP), n in 1usize..30, unknown in any::<bool>(),
                           seed in prop::collection::vec(-4i32..4, 60)) {
        let x = f32s(&[n], seed[..n].iter().map(|&v| v as f32 * 0.5).collect());
        let y = f32s(&[n], seed[30..30 + n].iter().map(|&v| v as f32 * 0.5).collect());
        check(&cmp_graph(DType::Float32, &dims_of(&[n], unknown), op), &[x, y], 0)?;
        let xi = Tensor::new(vec![n], Data::I32(seed[..n].to_vec())).unwrap();
        let yi = Tensor::new(vec![n], Data::I32(seed[30..30 + n].to_vec())).unwrap();
        check(&cmp_graph(DType::Int32, &dims_of(&[n], unknown), op), &[xi, yi], 0)?;
    }
}

/// The elemwise workload's GELU chain: small tensors bit for bit, large
/// ones (fast math, threads) within a few ulp.
#[test]
fn gelu_chain_small_and_large() {
    for (n, unknown, ulps) in [(7usize, false, 0u32), (1000, true, 0), (300_001, false, 64)] {
        let mut b = GraphBuilder::new("gelu");
        let x = b.add_placeholder("x", ty(DType::Float32, &dims_of(&[n], unknown)));
        let c = |b: &mut GraphBuilder, v: f32| b.add_const("c", Tensor::scalar_f32(v));
        let k1 = c(&mut b, 0.044715);
        let t = op1(&mut b, "m1", "Mul", &[k1, x], attrs![]);
        let t = op1(&mut b, "m2", "Mul", &[t, x], attrs![]);
        let t = op1(&mut b, "m3", "Mul", &[t, x], attrs![]);
        let t = op1(&mut b, "a1", "AddV2", &[x, t], attrs![]);
        let k2 = c(&mut b, 0.797_884_6);
        let u = op1(&mut b, "m4", "Mul", &[k2, t], attrs![]);
        let th = op1(&mut b, "th", "Tanh", &[u], attrs![]);
        let one = c(&mut b, 1.0);
        let a = op1(&mut b, "a2", "AddV2", &[one, th], attrs![]);
        let half = c(&mut b, 0.5);
        let h = op1(&mut b, "m5", "Mul", &[half, x], attrs![]);
        let y = op1(&mut b, "m6", "Mul", &[h, a], attrs![]);
        let g = b.finish(&[y]).unwrap();
        let v: Vec<f32> = (0..n).map(|i| ((i % 1000) as f32 * 0.01).sin() * 4.0).collect();
        let x = f32s(&[n], v);
        let want = reference(&g, std::slice::from_ref(&x)).unwrap();
        let opt = tfjit_optimize::optimize(&g).unwrap();
        let comp = tfjit_codegen::compile(&opt).unwrap();
        let got = compiled(&comp, &[x]).unwrap();
        same(&want, &got, ulps).unwrap();
        // tanh polynomial: absolute error tiny even where ulps are large near 0.
    }
}

/// Timing probe (run with `--ignored --nocapture` in release).
#[test]
#[ignore]
fn gelu_kernel_timing() {
    let n = 16 * 1024 * 1024;
    let mut b = GraphBuilder::new("gelu");
    let x = b.add_placeholder("x", ty(DType::Float32, &[Some(n)]));
    let k = b.add_const("c", Tensor::scalar_f32(0.5));
    let t = op1(&mut b, "m1", "Mul", &[k, x], attrs![]);
    let op = std::env::var("PROBE_OP").unwrap_or_else(|_| "Tanh".into());
    let t = op1(&mut b, "th", &op, &[t], attrs![]);
    let y = op1(&mut b, "m2", "Mul", &[t, x], attrs![]);
    let g = b.finish(&[y]).unwrap();
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    let x = f32s(&[n], (0..n).map(|i| ((i % 1000) as f32 * 0.01).sin() * 4.0).collect());
    for _ in 0..5 {
        let t0 = std::time::Instant::now();
        let r = compiled(&c, std::slice::from_ref(&x)).unwrap();
        eprintln!("{op}: {:?}", t0.elapsed());
        drop(r);
    }
}

/// The MLP bias-add `relu(x + b)`: `b` is one row shared by all rows
/// (shape [K] or [1, K] against [M, K]). The fused kernel must take it
/// natively (no reference fallback) and match the reference bit for bit,
/// for float32 (SIMD body + scalar tail) and int32 (scalar loop).
#[test]
fn shared_row_bias_relu() {
    for d in [DType::Float32, DType::Int32] {
        for k in [1usize, 2, 3, 4, 5, 7, 8, 13, 1024] {
            for m in [1usize, 3, 6] {
                for (bias_2d, unknown) in [(false, false), (true, false), (false, true)] {
                    let xs = [m, k];
                    let bs: Vec<usize> = if bias_2d { vec![1, k] } else { vec![k] };
                    let mut b = GraphBuilder::new("bias_relu");
                    let x = b.add_placeholder("x", ty(d, &dims_of(&xs, unknown)));
                    let bias = b.add_placeholder("b", ty(d, &dims_of(&bs, unknown)));
                    let a = op1(&mut b, "add", "AddV2", &[x, bias], attrs![]);
                    let r = op1(&mut b, "relu", "Relu", &[a], attrs![]);
                    let g = b.finish(&[r]).unwrap();
                    let xv: Vec<f32> = (0..m * k).map(|i| ((i * 7919 % 211) as f32 - 105.0) * 0.37).collect();
                    let bv: Vec<f32> = (0..k).map(|i| ((i * 104_729 % 97) as f32 - 48.0) * 0.61).collect();
                    let mk = |shape: &[usize], v: &[f32]| match d {
                        DType::Float32 => f32s(shape, v.to_vec()),
                        _ => Tensor::new(shape.to_vec(), Data::I32(v.iter().map(|&f| f as i32).collect())).unwrap(),
                    };
                    let args = [mk(&xs, &xv), mk(&bs, &bv)];
                    let want = reference(&g, &args).unwrap();
                    let opt = tfjit_optimize::optimize(&g).unwrap();
                    let c = tfjit_codegen::compile(&opt).unwrap();
                    let got = compiled(&c, &args).unwrap();
                    same(&want, &got, 0).unwrap_or_else(|e| panic!("{d:?} m={m} k={k} 2d={bias_2d}: {e}"));
                    // The fused kernel itself runs it (no fallback).
                    let fused = opt
                        .operations()
                        .iter()
                        .copied()
                        .find(|&ix| opt.node(ix).op.name() == "FusedElementwise")
                        .unwrap_or_else(|| panic!("no FusedElementwise in {:?}", opt.operations().iter().map(|&ix| opt.node(ix).op.name()).collect::<Vec<_>>()));
                    let kern = tfjit_codegen::fused::compile(opt.node(fused)).unwrap();
                    let ins: Vec<RtValue> = opt
                        .op_inputs(fused)
                        .iter()
                        .map(|o| match opt.node(o.node).name.as_str() {
                            "x" => RtValue::Tensor(args[0].clone()),
                            _ => RtValue::Tensor(args[1].clone()),
                        })
                        .collect();
                    let direct = kern.run(&ins).unwrap_or_else(|| panic!("{d:?} m={m} k={k}: fell back")).unwrap();
                    same(&want, &direct, 0).unwrap_or_else(|e| panic!("{d:?} m={m} k={k} direct: {e}"));
                }
            }
        }
    }
}

/// A product consumed only by a fused kernel runs as that kernel's epilogue
/// (block by block, on the pool): the same bits as the product and kernel
/// run one after the other by the reference executor, for products on one
/// thread, split by rows (a short left operand) and split by columns (a
/// bias per column, and a scalar factor, which takes the plain path), with
/// TF's scalar tail (a size not a multiple of 8) and transposed operands.
#[test]
fn matmul_epilogues() {
    let cases: &[(usize, usize, usize, bool, bool, &str)] = &[
        (5, 7, 3, false, false, "tanh_bias"),
        (32, 256, 256, false, false, "tanh_bias"),
        (33, 256, 255, false, false, "sigmoid_bias"),
        (256, 512, 512, false, false, "relu_bias"),
        (512, 256, 384, true, false, "scale"),
        (96, 300, 200, false, true, "tanh_bias"),
    ];
    for &(m, k, n, ta, tb, kind) in cases {
        let d = DType::Float32;
        let xs = if ta { [k, m] } else { [m, k] };
        let ws = if tb { [n, k] } else { [k, n] };
        let mut b = GraphBuilder::new("dense");
        let x = b.add_placeholder("x", ty(d, &dims_of(&xs, false)));
        let w = b.add_placeholder("w", ty(d, &dims_of(&ws, false)));
        let bias = b.add_placeholder("b", ty(d, &dims_of(&[n], false)));
        let p = op1(&mut b, "mm", "MatMul", &[x, w], attrs![("transpose_a", Attr::Bool(ta)), ("transpose_b", Attr::Bool(tb))]);
        let out = match kind {
            "scale" => {
                let c = b.add_const("lr", Tensor::scalar_f32(0.01));
                op1(&mut b, "mul", "Mul", &[c, p], attrs![])
            }
            _ => {
                let a = op1(&mut b, "add", "AddV2", &[p, bias], attrs![]);
                let act = match kind {
                    "tanh_bias" => "Tanh",
                    "sigmoid_bias" => "Sigmoid",
                    _ => "Relu",
                };
                op1(&mut b, "act", act, &[a], attrs![])
            }
        };
        let g = b.finish(&[out]).unwrap();
        let v = |len: usize, seed: usize| -> Vec<f32> { (0..len).map(|i| ((i * 7919 + seed) % 2003) as f32 / 1001.0 - 1.0).collect() };
        let args = [f32s(&xs, v(m * k, 3)), f32s(&ws, v(k * n, 11)), f32s(&[n], v(n, 5))];
        let want = reference(&g, &args).unwrap();
        let opt = tfjit_optimize::optimize(&g).unwrap();
        let c = tfjit_codegen::compile(&opt).unwrap();
        // (Tiny kernels compile to native functions instead.)
        if kind != "scale" && m * n > 64 {
            assert!(c.report().contains("the epilogue of mm"), "{m}x{k}x{n}: {}", c.report());
        }
        let got = compiled(&c, &args).unwrap();
        same(&want, &got, 0).unwrap_or_else(|e| panic!("{m}x{k}x{n} ta={ta} tb={tb} {kind}: {e}"));
    }
}
