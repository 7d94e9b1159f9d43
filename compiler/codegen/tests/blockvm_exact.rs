//! The block VM (`blockvm`, large all-float32 fused bodies) against the
//! reference kernels, bit for bit: every op it runs, with contiguous,
//! scalar, shared-row and per-row inputs, NaN/inf/signed-zero operands,
//! and lengths that end in a partial block and a TF scalar tail.

mod common;
use common::*;
use tfjit_graph::{FuncGraph, GraphBuilder};
use tfjit_tensor::{attrs, DType, Tensor};

const UNARY: &[&str] = &[
    "Neg", "Abs", "Square", "Sqrt", "Rsqrt", "Reciprocal", "Floor", "Ceil", "Round", "Relu", "Tanh", "Exp",
    "Sigmoid", "Log",
];
const BINARY: &[&str] = &["AddV2", "Sub", "Mul", "RealDiv", "SquaredDifference", "Maximum", "Minimum"];

/// Deterministic values over [-12, 12] plus specials.
fn values(n: usize, seed: u32) -> Vec<f32> {
    let mut s = 0x9e37_79b9u32 ^ seed;
    (0..n)
        .map(|i| match i % 89 {
            5 => f32::NAN,
            11 => f32::INFINITY,
            12 => f32::NEG_INFINITY,
            13 => -0.0,
            14 => 0.0,
            17 => 1e-40,
            19 => 2.5,
            _ => {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                (s >> 8) as f32 / (1u32 << 24) as f32 * 24.0 - 12.0
            }
        })
        .collect()
}

/// `bin(un(x * 1.5 - 0.25), y) * x`, returning both the chain and `un`.
fn graph(un: &str, bin: &str, xs: &[usize], ys: &[usize]) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, xs));
    let y = b.add_placeholder("y", known(DType::Float32, ys));
    let c = b.add_const("c", Tensor::scalar_f32(1.5));
    let d = b.add_const("d", Tensor::scalar_f32(0.25));
    let m = op1(&mut b, "m", "Mul", &[x, c], attrs![]);
    let s = op1(&mut b, "s", "Sub", &[m, d], attrs![]);
    let u = op1(&mut b, "u", un, &[s], attrs![]);
    let v = op1(&mut b, "v", bin, &[u, y], attrs![]);
    let r = op1(&mut b, "r", "Mul", &[v, x], attrs![]);
    b.finish(&[r, u]).unwrap()
}

fn check(un: &str, bin: &str, xs: &[usize], ys: &[usize]) {
    let g = graph(un, bin, xs, ys);
    let nx: usize = xs.iter().product();
    let ny: usize = ys.iter().product();
    let x = f32s(xs, values(nx, 1));
    let y = f32s(ys, values(ny, 7));
    let want = reference(&g, &[x.clone(), y.clone()]).unwrap();
    let c = tfjit_codegen::compile(&tfjit_optimize::optimize(&g).unwrap()).unwrap();
    let got = compiled(&c, &[x, y]).unwrap();
    if let Some((k, i, n, a, b)) = first_bit_difference(&want, &got) {
        panic!("{un}/{bin} {xs:?}x{ys:?} output {k} element {i}/{n}: reference {a:e} compiled {b:e}\n{}", c.report());
    }
}

#[test]
fn every_op_and_layout_bit_identical() {
    for un in UNARY {
        for bin in BINARY {
            check(un, bin, &[5003], &[5003]);
        }
    }
    for bin in BINARY {
        for (xs, ys) in [
            (vec![5003], vec![]),
            (vec![3, 4099], vec![4099]),
            (vec![3, 4099], vec![3, 1]),
            (vec![2, 3, 2048], vec![1, 1, 2048]),
        ] {
            check("Tanh", bin, &xs, &ys);
            check("Exp", bin, &xs, &ys);
        }
    }
}

/// Large enough to be split across threads and streamed out.
#[test]
fn large_bit_identical() {
    check("Sigmoid", "Mul", &[(8 << 20) + 5], &[(8 << 20) + 5]);
    check("Tanh", "AddV2", &[1 << 18, 33], &[33]);
}
