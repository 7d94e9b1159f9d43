//! The float32 `Tanh`/`Exp`/`Sigmoid`/`Log`/`Sin`/`Cos` reference kernels against
//! TensorFlow 2.21, bit for bit: `tfmath_golden.txt` (regenerate with
//! `tfmath_golden_gen.py`) holds TF's outputs for a 1003-element tensor
//! (the last 3 elements on Eigen's scalar path) and a 5-element one (all
//! scalar), covering specials, denormals and ranges where libm and Eigen's
//! polynomials differ.

use tfjit_tensor::op::{run1, Attrs};
use tfjit_tensor::{Data, Tensor};

fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn reference_kernels_match_tf_bit_for_bit() {
    let text = include_str!("tfmath_golden.txt");
    let mut lines = text.lines().peekable();
    let mut cases = 0;
    while let Some(head) = lines.next() {
        let mut parts = head.split_whitespace();
        let (Some(func), Some(n)) = (parts.next(), parts.next()) else { continue };
        let n: usize = n.parse().unwrap();
        let mut xs = Vec::with_capacity(n);
        let mut want = Vec::with_capacity(n);
        for _ in 0..n {
            let l = lines.next().unwrap();
            let mut w = l.split_whitespace().map(|h| f32::from_bits(u32::from_str_radix(h, 16).unwrap()));
            xs.push(w.next().unwrap());
            want.push(w.next().unwrap());
        }
        let op = match func {
            "tanh" => "Tanh",
            "exp" => "Exp",
            "sigmoid" => "Sigmoid",
            "log" => "Log",
            "sin" => "Sin",
            "cos" => "Cos",
            other => panic!("unknown function {other}"),
        };
        let t = Tensor::new(vec![n], Data::F32(xs.clone())).unwrap();
        let got = run1(op, &[&t], &Attrs::new()).unwrap();
        let Data::F32(got) = got.data() else { panic!("not float32") };
        let bad: Vec<String> = (0..n)
            .filter(|&i| !same(got[i], want[i]))
            .map(|i| format!("#{i} x={:e} got {:e} want {:e}", xs[i], got[i], want[i]))
            .collect();
        assert!(bad.is_empty(), "{op} on {n} elements: {} differ: {:?}", bad.len(), &bad[..bad.len().min(5)]);
        cases += 1;
    }
    assert_eq!(cases, 12);
}
