//! Generated float32 `Tanh`/`Exp`/`Sigmoid`/`Log`/`Sin`/`Cos` (inline f32x4 code, the
//! AVX-512/AVX2 block library, threads, TF's scalar tail) against the
//! reference kernels, bit for bit, at sizes below and above the former
//! fast-math threshold (65,536 elements) and the thread split, with and
//! without a tail (`n % 8 != 0`) and with a broadcast row (bias-add).

mod common;
use common::*;
use tfjit_graph::{FuncGraph, GraphBuilder};
use tfjit_tensor::{attrs, DType, Tensor};

const OPS: &[&str] = &["Tanh", "Exp", "Sigmoid", "Log", "Sin", "Cos"];

/// Deterministic values over [-30, 30] plus specials.
fn values(n: usize) -> Vec<f32> {
    let mut s = 0x9e37_79b9u32;
    (0..n)
        .map(|i| match i % 97 {
            5 => f32::NAN,
            11 => f32::INFINITY,
            13 => -0.0,
            17 => 1e-40,
            19 => 95.0,
            _ => {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 8) as f32 / (1u32 << 24) as f32 * 60.0 - 30.0
            }
        })
        .collect()
}

/// `op(x * y + 0.5) * x`: the op inside a fused chain; `y` broadcasts
/// when its shape is a row.
fn graph(op: &str, xs: &[usize], ys: &[usize]) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, xs));
    let y = b.add_placeholder("y", known(DType::Float32, ys));
    let h = b.add_const("h", Tensor::scalar_f32(0.5));
    let m = op1(&mut b, "m", "Mul", &[x, y], attrs![]);
    let a = op1(&mut b, "a", "AddV2", &[m, h], attrs![]);
    let t = op1(&mut b, "t", op, &[a], attrs![]);
    let r = op1(&mut b, "r", "Mul", &[t, x], attrs![]);
    b.finish(&[r, t]).unwrap()
}

fn check(op: &str, xs: &[usize], ys: &[usize]) {
    let g = graph(op, xs, ys);
    let nx: usize = xs.iter().product();
    let ny: usize = ys.iter().product();
    let x = f32s(xs, values(nx));
    let y = f32s(ys, values(ny + 3)[3..].iter().map(|v| v * 0.25).collect());
    let want = reference(&g, &[x.clone(), y.clone()]).unwrap();
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    let got = compiled(&c, &[x, y]).unwrap();
    if let Some((k, i, n, a, b)) = first_bit_difference(&want, &got) {
        panic!("{op} {xs:?}x{ys:?} output {k} element {i}/{n}: reference {a:e} compiled {b:e}\n{}", c.report());
    }
}

#[test]
fn elementwise_sizes_bit_identical() {
    for op in OPS {
        for n in [1usize, 7, 8, 17, 1000, 4099, 65_536, 65_539, 200_005] {
            check(op, &[n], &[n]);
        }
    }
}

#[test]
fn broadcast_rows_bit_identical() {
    for op in OPS {
        for (m, k) in [(3usize, 5usize), (32, 256), (257, 3), (1025, 259)] {
            check(op, &[m, k], &[k]);
            check(op, &[m, k], &[m, 1]);
        }
    }
}

/// Outputs of 32 MiB and more are written through block buffers with
/// streaming stores; the values must not change.
#[test]
fn streamed_outputs_bit_identical() {
    let n = (8 << 20) + 3;
    check("Tanh", &[n], &[n]);
    check("Exp", &[n], &[1]);
}
