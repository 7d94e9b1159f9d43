//! Finite-difference checks of every op gradient in float64 (issue 5,
//! acceptance 2). For random shapes and values in each op's smooth domain,
//! the analytic gradient of `L = Σ_k sum(w_k * op(x)_k)` (random `w_k`) from
//! `gradient_of_op` must match central differences of `L`.
//!
//! A registry test makes sure every op either has a gradient covered here or
//! is explicitly listed as not differentiable.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tfjit_tensor::grad::gradient_of_op;
use tfjit_tensor::op::{lookup, run, Attr, Attrs};
use tfjit_tensor::{attrs, DType, Data, Tensor};

// ---------------------------------------------------------------- helpers

/// A small deterministic generator (xorshift), seeded by proptest.
struct Rng(u64);
impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }
    fn coin(&mut self) -> bool {
        self.unit() < 0.5
    }
}

fn numel(s: &[usize]) -> usize {
    s.iter().product()
}
fn t64(shape: &[usize], v: Vec<f64>) -> Tensor {
    Tensor::new(shape.to_vec(), Data::F64(v)).unwrap()
}
/// Uniform values in `[lo, hi)`.
fn uni(r: &mut Rng, shape: &[usize], lo: f64, hi: f64) -> Tensor {
    t64(shape, (0..numel(shape)).map(|_| r.range(lo, hi)).collect())
}
/// Magnitudes in `[lo, hi)` with random signs (away from zero).
fn away(r: &mut Rng, shape: &[usize], lo: f64, hi: f64) -> Tensor {
    t64(shape, (0..numel(shape)).map(|_| r.range(lo, hi) * if r.coin() { 1.0 } else { -1.0 }).collect())
}
fn vals(t: &Tensor) -> Vec<f64> {
    (0..t.num_elements()).map(|i| t.get_f64(i)).collect()
}
fn i32v(v: &[i64]) -> Tensor {
    Tensor::vec_i32(v.iter().map(|&x| x as i32).collect())
}
fn i32s(x: i64) -> Tensor {
    Tensor::scalar_i32(x as i32)
}

/// `Σ_k sum(w_k * out_k)` over the float outputs.
fn loss(op: &str, attrs: &Attrs, inputs: &[Tensor], ws: &[Option<Tensor>]) -> f64 {
    let refs: Vec<&Tensor> = inputs.iter().collect();
    let outs = run(op, &refs, attrs).expect("forward run");
    let mut l = 0.0;
    for (o, w) in outs.iter().zip(ws) {
        if let Some(w) = w {
            for i in 0..o.num_elements() {
                l += o.get_f64(i) * w.get_f64(i);
            }
        }
    }
    l
}

/// Checks the analytic gradient of `op` against central differences.
fn check(op: &str, attrs: Attrs, inputs: Vec<Tensor>, r: &mut Rng) -> Result<(), TestCaseError> {
    let def = lookup(op).expect("registered op");
    let refs: Vec<&Tensor> = inputs.iter().collect();
    let outs = run(op, &refs, &attrs).map_err(|e| TestCaseError::fail(format!("{op} forward: {e}")))?;
    let ws: Vec<Option<Tensor>> =
        outs.iter().map(|o| o.dtype().is_float().then(|| uni(r, o.shape(), -1.0, 1.0))).collect();
    let grads = gradient_of_op(def, &attrs, &inputs, &outs, &ws)
        .map_err(|e| TestCaseError::fail(format!("{op} gradient: {e}")))?;
    prop_assert_eq!(grads.len(), inputs.len(), "{}: one gradient per input", op);
    for (i, x) in inputs.iter().enumerate() {
        if x.dtype() != DType::Float64 {
            prop_assert!(grads[i].is_none(), "{}: non-float input {} must get None", op, i);
            continue;
        }
        let g = grads[i].as_ref().ok_or_else(|| TestCaseError::fail(format!("{op}: no gradient for input {i}")))?;
        prop_assert_eq!(g.shape(), x.shape(), "{}: gradient {} shape", op, i);
        prop_assert_eq!(g.dtype(), DType::Float64);
        let base = vals(x);
        for j in 0..base.len() {
            let h = 1e-6 * base[j].abs().max(1.0);
            let mut plus = inputs.clone();
            let mut v = base.clone();
            v[j] = base[j] + h;
            plus[i] = t64(x.shape(), v.clone());
            let mut minus = inputs.clone();
            v[j] = base[j] - h;
            minus[i] = t64(x.shape(), v);
            let fd = (loss(op, &attrs, &plus, &ws) - loss(op, &attrs, &minus, &ws)) / (2.0 * h);
            let an = g.get_f64(j);
            prop_assert!(
                (an - fd).abs() <= 1e-5 * (1.0 + fd.abs()),
                "{op}: d/d input{i}[{j}]: analytic {an} vs finite difference {fd} (inputs {:?})",
                inputs.iter().map(|t| t.shape().to_vec()).collect::<Vec<_>>()
            );
        }
    }
    Ok(())
}

/// A shape of rank `lo..=hi` with dims 1..=3.
fn shape_in(lo: usize, hi: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=3, lo..=hi)
}
fn shape() -> impl Strategy<Value = Vec<usize>> {
    shape_in(0, 3)
}

/// Two shapes that broadcast together (some dims set to 1, some leading dims dropped).
fn broadcastable() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    shape()
        .prop_flat_map(|out| {
            let r = out.len();
            (Just(out), prop::collection::vec(any::<bool>(), r), prop::collection::vec(any::<bool>(), r), 0..=r, 0..=r)
        })
        .prop_map(|(out, ma, mb, da, db)| {
            let a: Vec<usize> = out.iter().zip(&ma).map(|(&d, &m)| if m { 1 } else { d }).skip(da).collect();
            let b: Vec<usize> = out.iter().zip(&mb).map(|(&d, &m)| if m { 1 } else { d }).skip(db).collect();
            (a, b)
        })
}

fn cfg() -> ProptestConfig {
    ProptestConfig { cases: 48, ..ProptestConfig::default() }
}

/// Minimum |x - y| over the broadcast pairs.
fn min_gap(x: &Tensor, y: &Tensor) -> f64 {
    let d = run("Sub", &[x, y], &attrs![]).unwrap().remove(0);
    vals(&d).iter().fold(f64::INFINITY, |m, v| m.min(v.abs()))
}

// ---------------------------------------------------------------- binary elementwise

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn binary_smooth((a, b) in broadcastable(), seed in any::<u64>(), which in 0usize..4) {
        let r = &mut Rng::new(seed);
        let op = ["AddV2", "Sub", "Mul", "SquaredDifference"][which];
        let (x, y) = (uni(r, &a, -2.0, 2.0), uni(r, &b, -2.0, 2.0));
        check(op, attrs![], vec![x, y], r)?;
    }

    #[test]
    fn real_div((a, b) in broadcastable(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let (x, y) = (uni(r, &a, -2.0, 2.0), away(r, &b, 0.5, 2.0));
        check("RealDiv", attrs![], vec![x, y], r)?;
    }

    #[test]
    fn floor_mod((a, b) in broadcastable(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let (x, y) = (uni(r, &a, -3.0, 3.0), away(r, &b, 0.5, 2.0));
        let q = run("RealDiv", &[&x, &y], &attrs![]).unwrap().remove(0);
        prop_assume!(vals(&q).iter().all(|v| (v - v.round()).abs() > 1e-3));
        check("FloorMod", attrs![], vec![x, y], r)?;
    }

    #[test]
    fn pow((a, b) in broadcastable(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let (x, y) = (uni(r, &a, 0.5, 2.0), uni(r, &b, -2.0, 2.0));
        check("Pow", attrs![], vec![x, y], r)?;
    }

    #[test]
    fn maximum_minimum((a, b) in broadcastable(), seed in any::<u64>(), max in any::<bool>()) {
        let r = &mut Rng::new(seed);
        let (x, y) = (uni(r, &a, -2.0, 2.0), uni(r, &b, -2.0, 2.0));
        prop_assume!(min_gap(&x, &y) > 1e-3);
        check(if max { "Maximum" } else { "Minimum" }, attrs![], vec![x, y], r)?;
    }

    #[test]
    fn select_v2(((a, b), c) in (broadcastable(), shape()), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        // The condition broadcasts with a trailing part of the result shape.
        let out = tfjit_tensor::ops::broadcast::broadcast_shapes(&a, &b).unwrap();
        let k = c.len().min(out.len());
        let cs: Vec<usize> = out[out.len() - k..].iter().zip(&c).map(|(&d, &m)| if m % 2 == 0 { 1 } else { d }).collect();
        let cond = Tensor::new(cs.clone(), Data::Bool((0..numel(&cs)).map(|_| r.coin()).collect())).unwrap();
        let (x, y) = (uni(r, &a, -2.0, 2.0), uni(r, &b, -2.0, 2.0));
        check("SelectV2", attrs![], vec![cond, x, y], r)?;
    }
}

// ---------------------------------------------------------------- unary elementwise

/// (op, domain): `true` = magnitudes in [lo, hi) with random sign.
const UNARY: &[(&str, f64, f64, bool)] = &[
    ("Neg", -2.0, 2.0, false),
    ("Abs", 0.1, 2.0, true),
    ("Square", -2.0, 2.0, false),
    ("Sign", 0.1, 2.0, true),
    ("Sqrt", 0.5, 3.0, false),
    ("Rsqrt", 0.5, 3.0, false),
    ("Exp", -2.0, 2.0, false),
    ("Log", 0.5, 3.0, false),
    ("Log1p", -0.5, 2.0, false),
    ("Sin", -3.0, 3.0, false),
    ("Cos", -3.0, 3.0, false),
    ("Tanh", -2.0, 2.0, false),
    ("Sigmoid", -3.0, 3.0, false),
    ("Reciprocal", 0.5, 2.0, true),
    ("Relu", 0.1, 2.0, true),
    ("Elu", 0.1, 2.0, true),
    ("Softplus", -3.0, 3.0, false),
    ("Identity", -2.0, 2.0, false),
];

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn unary(s in shape(), seed in any::<u64>(), k in 0..UNARY.len()) {
        let r = &mut Rng::new(seed);
        let (op, lo, hi, signed) = UNARY[k];
        let x = if signed { away(r, &s, lo, hi) } else { uni(r, &s, lo, hi) };
        check(op, attrs![], vec![x], r)?;
    }

    #[test]
    fn softmax(s in shape_in(1, 3), seed in any::<u64>(), log in any::<bool>()) {
        let r = &mut Rng::new(seed);
        check(if log { "LogSoftmax" } else { "Softmax" }, attrs![], vec![uni(r, &s, -2.0, 2.0)], r)?;
    }

    #[test]
    fn cast_f64(s in shape(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        check("Cast", attrs![("DstT", Attr::Type(DType::Float64))], vec![uni(r, &s, -2.0, 2.0)], r)?;
    }

    #[test]
    fn clip_by_value(s in shape(), seed in any::<u64>(), tensor_bounds in any::<bool>()) {
        let r = &mut Rng::new(seed);
        let x = uni(r, &s, -1.0, 1.0);
        let (lo, hi) = if tensor_bounds {
            (uni(r, &s, -0.6, -0.2), uni(r, &s, 0.2, 0.6))
        } else {
            (t64(&[], vec![-0.4]), t64(&[], vec![0.4]))
        };
        prop_assume!(min_gap(&x, &lo) > 1e-3 && min_gap(&x, &hi) > 1e-3);
        check("ClipByValue", attrs![], vec![x, lo, hi], r)?;
    }

    /// The fused gradient ops, differentiated themselves (second order).
    #[test]
    fn grad_ops(s in shape(), seed in any::<u64>(), k in 0usize..7) {
        let r = &mut Rng::new(seed);
        let (op, a, b) = match k {
            0 => ("ReluGrad", uni(r, &s, -1.0, 1.0), away(r, &s, 0.1, 1.0)),
            1 => ("EluGrad", uni(r, &s, -1.0, 1.0), away(r, &s, 0.1, 0.9)),
            2 => ("SigmoidGrad", uni(r, &s, 0.1, 0.9), uni(r, &s, -1.0, 1.0)),
            3 => ("TanhGrad", uni(r, &s, -0.9, 0.9), uni(r, &s, -1.0, 1.0)),
            4 => ("SqrtGrad", uni(r, &s, 0.5, 2.0), uni(r, &s, -1.0, 1.0)),
            5 => ("RsqrtGrad", uni(r, &s, 0.5, 2.0), uni(r, &s, -1.0, 1.0)),
            _ => ("ReciprocalGrad", away(r, &s, 0.5, 2.0), uni(r, &s, -1.0, 1.0)),
        };
        check(op, attrs![], vec![a, b], r)?;
    }
}

// ---------------------------------------------------------------- reductions and scans

fn axes_of(rank: usize, mask: &[bool], neg: bool) -> Vec<i64> {
    (0..rank)
        .filter(|&i| mask.get(i).copied().unwrap_or(false))
        .map(|i| if neg { i as i64 - rank as i64 } else { i as i64 })
        .collect()
}

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn reductions(s in shape(), mask in prop::collection::vec(any::<bool>(), 3), neg in any::<bool>(),
                  keep in any::<bool>(), scalar_axis in any::<bool>(), seed in any::<u64>(), k in 0usize..5) {
        let r = &mut Rng::new(seed);
        let op = ["Sum", "Mean", "Max", "Min", "Prod"][k];
        let axes = axes_of(s.len(), &mask, neg);
        let ax = if scalar_axis && axes.len() == 1 { i32s(axes[0]) } else { i32v(&axes) };
        let x = uni(r, &s, -2.0, 2.0);
        if op == "Max" || op == "Min" {
            let v = vals(&x);
            let mut sorted = v.clone();
            sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
            prop_assume!(sorted.windows(2).all(|w| w[1] - w[0] > 1e-3));
        }
        check(op, attrs![("keep_dims", Attr::Bool(keep))], vec![x, ax], r)?;
    }

    #[test]
    fn scans(s in shape_in(1, 3), axis in 0usize..3, ex in any::<bool>(), rev in any::<bool>(), seed in any::<u64>(), prod in any::<bool>()) {
        let r = &mut Rng::new(seed);
        let a = (axis % s.len()) as i64;
        let x = if prod { away(r, &s, 0.5, 2.0) } else { uni(r, &s, -2.0, 2.0) };
        let at = attrs![("exclusive", Attr::Bool(ex)), ("reverse", Attr::Bool(rev))];
        check(if prod { "Cumprod" } else { "Cumsum" }, at, vec![x, i32s(a)], r)?;
    }
}

// ---------------------------------------------------------------- matrix products

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn mat_mul(m in 1usize..4, k in 1usize..4, n in 1usize..4, ta in any::<bool>(), tb in any::<bool>(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let a = uni(r, &if ta { [k, m] } else { [m, k] }, -2.0, 2.0);
        let b = uni(r, &if tb { [n, k] } else { [k, n] }, -2.0, 2.0);
        check("MatMul", attrs![("transpose_a", Attr::Bool(ta)), ("transpose_b", Attr::Bool(tb))], vec![a, b], r)?;
    }

    #[test]
    fn batch_mat_mul((ba, bb) in broadcastable(), m in 1usize..3, k in 1usize..3, n in 1usize..3,
                     ax in any::<bool>(), ay in any::<bool>(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let mut sa = ba.clone();
        sa.extend(if ax { [k, m] } else { [m, k] });
        let mut sb = bb.clone();
        sb.extend(if ay { [n, k] } else { [k, n] });
        let (a, b) = (uni(r, &sa, -2.0, 2.0), uni(r, &sb, -2.0, 2.0));
        check("BatchMatMulV2", attrs![("adj_x", Attr::Bool(ax)), ("adj_y", Attr::Bool(ay))], vec![a, b], r)?;
    }

    #[test]
    fn einsum(k in 0usize..9, seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let (eq, shapes): (&str, Vec<Vec<usize>>) = match k {
            0 => ("ij,jk->ik", vec![vec![2, 3], vec![3, 2]]),
            1 => ("bij,bjk->bik", vec![vec![2, 2, 3], vec![2, 3, 1]]),
            2 => ("ij->ji", vec![vec![2, 3]]),
            3 => ("ij->i", vec![vec![2, 3]]),
            4 => ("i,i->", vec![vec![3], vec![3]]),
            5 => ("ij,j->i", vec![vec![2, 3], vec![3]]),
            6 => ("...ij,...jk->...ik", vec![vec![2, 1, 2, 3], vec![3, 3, 2]]),
            7 => ("ijk->ki", vec![vec![2, 3, 2]]),
            _ => ("ij,kj->ikj", vec![vec![2, 3], vec![2, 3]]),
        };
        let ins: Vec<Tensor> = shapes.iter().map(|s| uni(r, s, -2.0, 2.0)).collect();
        let n = ins.len() as i64;
        check("Einsum", attrs![("equation", Attr::Str(eq.to_string())), ("N", Attr::Int(n))], ins, r)?;
    }

    #[test]
    fn matrix_solve(n in 1usize..4, kk in 1usize..3, batch in 0usize..3, adj in any::<bool>(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let mut sa = if batch > 0 { vec![batch] } else { vec![] };
        let mut sb = sa.clone();
        sa.extend([n, n]);
        sb.extend([n, kk]);
        // Diagonally dominant, hence well conditioned.
        let mut a = vals(&uni(r, &sa, -0.5, 0.5));
        for bi in 0..batch.max(1) {
            for i in 0..n {
                a[bi * n * n + i * n + i] += n as f64 + 1.0;
            }
        }
        let (a, b) = (t64(&sa, a), uni(r, &sb, -2.0, 2.0));
        check("MatrixSolve", attrs![("adjoint", Attr::Bool(adj))], vec![a, b], r)?;
    }
}

// ---------------------------------------------------------------- shapes and indexing

proptest! {
    #![proptest_config(cfg())]

    #[test]
    fn reshape_like(s in shape(), seed in any::<u64>(), k in 0usize..4) {
        let r = &mut Rng::new(seed);
        let x = uni(r, &s, -2.0, 2.0);
        let n = numel(&s) as i64;
        match k {
            0 => check("Reshape", attrs![], vec![x, i32v(&[-1])], r)?,
            1 => check("Reshape", attrs![], vec![x, i32v(&[1, n])], r)?,
            2 => {
                let a = r.below(s.len() + 1) as i64;
                check("ExpandDims", attrs![], vec![x, i32s(a)], r)?
            }
            _ => {
                let mut s1 = s.clone();
                s1.insert(r.below(s.len() + 1), 1);
                let x1 = uni(r, &s1, -2.0, 2.0);
                check("Squeeze", attrs![], vec![x1], r)?
            }
        }
    }

    #[test]
    fn transpose(s in shape(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let mut perm: Vec<i64> = (0..s.len() as i64).collect();
        for i in (1..perm.len()).rev() {
            let j = r.below(i + 1);
            perm.swap(i, j);
        }
        check("Transpose", attrs![], vec![uni(r, &s, -2.0, 2.0), i32v(&perm)], r)?;
    }

    #[test]
    fn tile_broadcast((a, out) in broadcastable().prop_map(|(a, b)| {
            let o = tfjit_tensor::ops::broadcast::broadcast_shapes(&a, &b).unwrap(); (a, o)
        }), mult in prop::collection::vec(1i64..3, 3), seed in any::<u64>(), tile in any::<bool>()) {
        let r = &mut Rng::new(seed);
        let x = uni(r, &a, -2.0, 2.0);
        if tile {
            let m: Vec<i64> = (0..a.len()).map(|i| mult[i]).collect();
            check("Tile", attrs![], vec![x, i32v(&m)], r)?;
        } else {
            let o: Vec<i64> = out.iter().map(|&d| d as i64).collect();
            check("BroadcastTo", attrs![], vec![x, i32v(&o)], r)?;
        }
    }

    #[test]
    fn concat_pack(s in shape_in(1, 3), n in 1usize..4, axis in 0usize..4, neg in any::<bool>(), seed in any::<u64>(), pack in any::<bool>()) {
        let r = &mut Rng::new(seed);
        if pack {
            let ins: Vec<Tensor> = (0..n).map(|_| uni(r, &s, -2.0, 2.0)).collect();
            let a = (axis % (s.len() + 1)) as i64;
            check("Pack", attrs![("N", Attr::Int(n as i64)), ("axis", Attr::Int(a))], ins, r)?;
        } else {
            let a = axis % s.len();
            let mut ins: Vec<Tensor> = (0..n).map(|_| {
                let mut si = s.clone();
                si[a] = 1 + r.below(3);
                uni(r, &si, -2.0, 2.0)
            }).collect();
            let av = if neg { a as i64 - s.len() as i64 } else { a as i64 };
            ins.push(i32s(av));
            check("ConcatV2", attrs![("N", Attr::Int(n as i64))], ins, r)?;
        }
    }

    #[test]
    fn unpack_split(s in shape_in(1, 3), axis in 0usize..3, seed in any::<u64>(), k in 0usize..3) {
        let r = &mut Rng::new(seed);
        let a = axis % s.len();
        match k {
            0 => {
                let x = uni(r, &s, -2.0, 2.0);
                check("Unpack", attrs![("num", Attr::Int(s[a] as i64)), ("axis", Attr::Int(a as i64))], vec![x], r)?
            }
            1 => {
                let mut s2 = s.clone();
                s2[a] *= 2;
                let x = uni(r, &s2, -2.0, 2.0);
                check("Split", attrs![("num_split", Attr::Int(2))], vec![i32s(a as i64), x], r)?
            }
            _ => {
                let mut s3 = s.clone();
                s3[a] += 2;
                let x = uni(r, &s3, -2.0, 2.0);
                let sizes = i32v(&[1, -1, 1]);
                check("SplitV", attrs![("num_split", Attr::Int(3))], vec![x, sizes, i32s(a as i64)], r)?
            }
        }
    }

    #[test]
    fn strided_slice(s in shape_in(1, 3), seed in any::<u64>(), masks in prop::collection::vec(0i64..8, 5)) {
        let r = &mut Rng::new(seed);
        let n = s.len();
        let mut b = Vec::new();
        let mut e = Vec::new();
        let mut st = Vec::new();
        for &d in &s {
            let d = d as i64;
            let stride = if r.coin() { 1 } else if r.coin() { 2 } else { -1 };
            b.push(r.below(d as usize) as i64 - if r.coin() { d } else { 0 });
            e.push(if stride > 0 { d } else { -d - 1 });
            st.push(stride);
        }
        // No ellipsis/new-axis here (they are exercised by the forward op tests);
        // shrink only dims with stride 1.
        let shrink = (0..n).filter(|&i| masks[4] >> i & 1 == 1 && st[i] == 1).fold(0, |m, i| m | 1 << i);
        let at = attrs![
            ("begin_mask", Attr::Int(masks[0] & ((1 << n) - 1))),
            ("end_mask", Attr::Int(masks[1] & ((1 << n) - 1))),
            ("ellipsis_mask", Attr::Int(0)),
            ("new_axis_mask", Attr::Int(0)),
            ("shrink_axis_mask", Attr::Int(shrink))
        ];
        let x = uni(r, &s, -2.0, 2.0);
        check("StridedSlice", at, vec![x, i32v(&b), i32v(&e), i32v(&st)], r)?;
    }

    #[test]
    fn gather(s in shape_in(1, 3), ind in shape_in(0, 2), axis in 0usize..3, seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let a = axis % s.len();
        let idx: Vec<i32> = (0..numel(&ind)).map(|_| r.below(s[a]) as i32).collect();
        let it = Tensor::new(ind.clone(), Data::I32(idx)).unwrap();
        let x = uni(r, &s, -2.0, 2.0);
        check("GatherV2", attrs![("batch_dims", Attr::Int(0))], vec![x, it, i32s(a as i64)], r)?;
    }

    #[test]
    fn segment_sum_and_slice_grad(s in shape_in(1, 3), seed in any::<u64>(), ss in any::<bool>()) {
        let r = &mut Rng::new(seed);
        if ss {
            // StridedSliceGrad: differentiable in dy.
            let dims: Vec<i64> = s.iter().map(|&d| d as i64 + 1).collect();
            let n = s.len();
            let b = i32v(&vec![1; n]);
            let e = i32v(&dims);
            let st = i32v(&vec![1; n]);
            let dy = uni(r, &s, -2.0, 2.0);
            check("StridedSliceGrad", attrs![], vec![i32v(&dims), b, e, st, dy], r)?;
        } else {
            let ids: Vec<i32> = (0..s[0]).map(|_| r.below(4) as i32 - 1).collect();
            let x = uni(r, &s, -2.0, 2.0);
            check("UnsortedSegmentSum", attrs![], vec![x, Tensor::vec_i32(ids), i32s(3)], r)?;
        }
    }

    #[test]
    fn fill(s in shape(), seed in any::<u64>()) {
        let r = &mut Rng::new(seed);
        let d: Vec<i64> = s.iter().map(|&v| v as i64).collect();
        check("Fill", attrs![], vec![i32v(&d), uni(r, &[], -2.0, 2.0)], r)?;
    }
}

// ---------------------------------------------------------------- registry coverage

/// Ops TF marks `NotDifferentiable` or registers no/`None` gradient for.
const NOT_DIFFERENTIABLE: &[&str] = &[
    "FloorDiv",
    "Floor",
    "Ceil",
    "Round",
    "Equal",
    "NotEqual",
    "Less",
    "LessEqual",
    "Greater",
    "GreaterEqual",
    "LogicalAnd",
    "LogicalOr",
    "LogicalNot",
    "Any",
    "All",
    "ArgMax",
    "ArgMin",
    "Range",
    "LinSpace",
    "ZerosLike",
    "OnesLike",
    "Shape",
    "Size",
    "Rank",
    "OneHot",
    "BroadcastGradientArgs",
];

/// Ops whose gradient the property tests above check.
const FD_CHECKED: &[&str] = &[
    "AddV2",
    "Sub",
    "Mul",
    "SquaredDifference",
    "RealDiv",
    "FloorMod",
    "Pow",
    "Maximum",
    "Minimum",
    "SelectV2",
    "Neg",
    "Abs",
    "Square",
    "Sign",
    "Sqrt",
    "Rsqrt",
    "Exp",
    "Log",
    "Log1p",
    "Sin",
    "Cos",
    "Tanh",
    "Sigmoid",
    "Reciprocal",
    "Relu",
    "Elu",
    "Softplus",
    "Identity",
    "Softmax",
    "LogSoftmax",
    "Cast",
    "ClipByValue",
    "ReluGrad",
    "EluGrad",
    "SigmoidGrad",
    "TanhGrad",
    "SqrtGrad",
    "RsqrtGrad",
    "ReciprocalGrad",
    "Sum",
    "Mean",
    "Max",
    "Min",
    "Prod",
    "Cumsum",
    "Cumprod",
    "MatMul",
    "BatchMatMulV2",
    "Einsum",
    "MatrixSolve",
    "Reshape",
    "ExpandDims",
    "Squeeze",
    "Transpose",
    "Tile",
    "BroadcastTo",
    "Pack",
    "ConcatV2",
    "Unpack",
    "Split",
    "SplitV",
    "StridedSlice",
    "GatherV2",
    "StridedSliceGrad",
    "UnsortedSegmentSum",
    "Fill",
];

#[test]
fn every_op_has_a_gradient_decision() {
    for def in tfjit_tensor::ops::ALL {
        let listed = NOT_DIFFERENTIABLE.contains(&def.name);
        match def.grad {
            Some(_) => {
                assert!(!listed, "{} has a gradient but is listed as not differentiable", def.name);
                assert!(
                    FD_CHECKED.contains(&def.name),
                    "{} has a gradient without a finite-difference check",
                    def.name
                );
            }
            None => assert!(listed, "{} has no gradient and is not listed as not differentiable", def.name),
        }
    }
}

#[test]
fn not_differentiable_and_integer_inputs_give_none() {
    let x = Tensor::vec_i32(vec![1, 2]);
    let def = lookup("Cast").unwrap();
    let at = attrs![("DstT", Attr::Type(DType::Float32))];
    let y = run("Cast", &[&x], &at).unwrap();
    let g = gradient_of_op(
        def,
        &at,
        std::slice::from_ref(&x),
        &y,
        &[Some(Tensor::new(vec![2], Data::F32(vec![1., 1.])).unwrap())],
    )
    .unwrap();
    assert!(g[0].is_none());
    let f = Tensor::new(vec![2], Data::F32(vec![1., 2.])).unwrap();
    let def = lookup("Greater").unwrap();
    let y = run("Greater", &[&f, &f], &attrs![]).unwrap();
    let g = gradient_of_op(def, &attrs![], &[f.clone(), f.clone()], &y, &[None]).unwrap();
    assert!(g.iter().all(|g| g.is_none()));
    // No gradient flowing in: None for every input.
    let def = lookup("Mul").unwrap();
    let y = run("Mul", &[&f, &f], &attrs![]).unwrap();
    let g = gradient_of_op(def, &attrs![], &[f.clone(), f.clone()], &y, &[None]).unwrap();
    assert!(g.iter().all(|g| g.is_none()));
}

#[test]
fn missing_output_gradients_are_zeros() {
    // Unpack with a gradient for only one output: the others count as zeros.
    let x = Tensor::new(vec![3, 2], Data::F64(vec![1., 2., 3., 4., 5., 6.])).unwrap();
    let at = attrs![("num", Attr::Int(3)), ("axis", Attr::Int(0))];
    let y = run("Unpack", &[&x], &at).unwrap();
    let g1 = Tensor::new(vec![2], Data::F64(vec![7., 8.])).unwrap();
    let g = gradient_of_op(lookup("Unpack").unwrap(), &at, &[x], &y, &[None, Some(g1), None]).unwrap();
    assert_eq!(g[0].as_ref().unwrap().data(), &Data::F64(vec![0., 0., 7., 8., 0., 0.]));
}
