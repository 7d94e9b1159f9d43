//! Property tests: broadcasting binary ops and reductions against naive
//! reference implementations over random shapes, values and axes.

use proptest::prelude::*;
use tfjit_tensor::op::{run1, Attr};
use tfjit_tensor::{attrs, Data, Tensor};

/// A shape of rank 0..=4 with dims 1..=4.
fn shape() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(1usize..=4, 0..=4)
}

/// Two shapes that broadcast together: derived from one output shape by
/// replacing some dims with 1 and dropping some leading dims.
fn broadcastable() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    shape().prop_flat_map(|out| {
        let r = out.len();
        (Just(out), prop::collection::vec(any::<bool>(), r), prop::collection::vec(any::<bool>(), r), 0..=r, 0..=r)
    })
    .prop_map(|(out, ma, mb, da, db)| {
        let a: Vec<usize> = out.iter().zip(&ma).map(|(&d, &m)| if m { 1 } else { d }).skip(da).collect();
        let b: Vec<usize> = out.iter().zip(&mb).map(|(&d, &m)| if m { 1 } else { d }).skip(db).collect();
        (a, b)
    })
}

fn numel(s: &[usize]) -> usize {
    s.iter().product()
}

fn ints(shape: &[usize], seed: i32) -> Tensor {
    let n = numel(shape);
    Tensor::new(shape.to_vec(), Data::I32((0..n as i32).map(|i| (i * 7 + seed) % 23 - 11).collect())).unwrap()
}

/// Naive broadcast: multi-index of `out` mapped into an operand.
fn naive_index(out_idx: &[usize], shape: &[usize]) -> usize {
    let off = out_idx.len() - shape.len();
    let mut flat = 0;
    for (i, &d) in shape.iter().enumerate() {
        let k = if d == 1 { 0 } else { out_idx[off + i] };
        flat = flat * d + k;
    }
    flat
}

fn unravel(mut flat: usize, shape: &[usize]) -> Vec<usize> {
    let mut idx = vec![0; shape.len()];
    for i in (0..shape.len()).rev() {
        idx[i] = flat % shape[i];
        flat /= shape[i];
    }
    idx
}

fn i32s(t: &Tensor) -> Vec<i32> {
    match t.data() {
        Data::I32(v) => v.clone(),
        other => panic!("expected int32, got {other:?}"),
    }
}

proptest! {
    #[test]
    fn broadcasting_matches_naive((a_shape, b_shape) in broadcastable(), seed in 0i32..100) {
        let a = ints(&a_shape, seed);
        let b = ints(&b_shape, seed + 3);
        let out_rank = a_shape.len().max(b_shape.len());
        let pad = |s: &[usize]| { let mut v = vec![1; out_rank - s.len()]; v.extend_from_slice(s); v };
        let (pa, pb) = (pad(&a_shape), pad(&b_shape));
        let out: Vec<usize> = pa.iter().zip(&pb).map(|(&x, &y)| x.max(y)).collect();
        for (op, f) in [("AddV2", (|x: i32, y: i32| x + y) as fn(i32, i32) -> i32), ("Sub", |x, y| x - y), ("Mul", |x, y| x * y), ("Maximum", |x, y| x.max(y))] {
            let r = run1(op, &[&a, &b], &attrs![]).unwrap();
            prop_assert_eq!(r.shape(), &out[..]);
            let (av, bv, rv) = (i32s(&a), i32s(&b), i32s(&r));
            for (flat, &got) in rv.iter().enumerate() {
                let idx = unravel(flat, &out);
                let want = f(av[naive_index(&idx, &a_shape)], bv[naive_index(&idx, &b_shape)]);
                prop_assert_eq!(got, want);
            }
        }
        let r = run1("Less", &[&a, &b], &attrs![]).unwrap();
        prop_assert_eq!(r.shape(), &out[..]);
    }

    #[test]
    fn incompatible_shapes_error(a_shape in shape(), b_shape in shape()) {
        let a = ints(&a_shape, 1);
        let b = ints(&b_shape, 2);
        let compatible = a_shape.iter().rev().zip(b_shape.iter().rev()).all(|(&x, &y)| x == y || x == 1 || y == 1);
        let r = run1("AddV2", &[&a, &b], &attrs![]);
        prop_assert_eq!(r.is_ok(), compatible);
        if let Err(e) = r {
            prop_assert!(e.message.starts_with("Incompatible shapes: "));
        }
    }

    #[test]
    fn reductions_match_naive(s in shape(), axes_mask in prop::collection::vec(any::<bool>(), 4), keep in any::<bool>(), neg in any::<bool>()) {
        let x = ints(&s, 5);
        let xv = i32s(&x);
        let r = s.len();
        let axes: Vec<i32> = (0..r).filter(|&i| axes_mask[i]).map(|i| if neg { i as i32 - r as i32 } else { i as i32 }).collect();
        let reduced: Vec<bool> = (0..r).map(|i| axes_mask[i]).collect();
        let keep_shape: Vec<usize> = s.iter().zip(&reduced).map(|(&d, &m)| if m { 1 } else { d }).collect();
        let out_shape: Vec<usize> = if keep { keep_shape.clone() } else { s.iter().zip(&reduced).filter(|(_, &m)| !m).map(|(&d, _)| d).collect() };
        let axes_t = Tensor::vec_i32(axes.clone());
        for (op, init, f) in [
            ("Sum", 0i32, (|a: i32, b: i32| a + b) as fn(i32, i32) -> i32),
            ("Prod", 1, |a, b| a.wrapping_mul(b)),
            ("Max", i32::MIN, |a, b| a.max(b)),
            ("Min", i32::MAX, |a, b| a.min(b)),
        ] {
            let t = run1(op, &[&x, &axes_t], &attrs![("keep_dims", Attr::Bool(keep))]).unwrap();
            prop_assert_eq!(t.shape(), &out_shape[..]);
            let mut want = vec![init; numel(&keep_shape)];
            for (flat, &v) in xv.iter().enumerate() {
                let idx = unravel(flat, &s);
                let o = naive_index(&idx.iter().zip(&reduced).map(|(&i, &m)| if m { 0 } else { i }).collect::<Vec<_>>(), &keep_shape);
                want[o] = f(want[o], v);
            }
            prop_assert_eq!(i32s(&t), want);
        }
        // Mean of floats equals Sum / count.
        let xf = Tensor::new(s.clone(), Data::F64(xv.iter().map(|&v| v as f64).collect())).unwrap();
        let m = run1("Mean", &[&xf, &axes_t], &attrs![]).unwrap();
        let sm = run1("Sum", &[&xf, &axes_t], &attrs![]).unwrap();
        let count: usize = s.iter().zip(&reduced).filter(|(_, &m)| m).map(|(&d, _)| d).product();
        if let (Data::F64(mv), Data::F64(sv)) = (m.data(), sm.data()) {
            for (a, b) in mv.iter().zip(sv) {
                prop_assert!((a - b / count as f64).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn transpose_roundtrip(s in shape(), seed in 0u64..1000) {
        let x = ints(&s, 0);
        let r = s.len();
        let mut perm: Vec<i32> = (0..r as i32).collect();
        // A deterministic shuffle from the seed.
        let mut k = seed;
        for i in (1..r).rev() {
            k = k.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            perm.swap(i, (k >> 33) as usize % (i + 1));
        }
        let mut inv = vec![0i32; r];
        for (i, &p) in perm.iter().enumerate() { inv[p as usize] = i as i32; }
        let t = run1("Transpose", &[&x, &Tensor::vec_i32(perm)], &attrs![]).unwrap();
        let back = run1("Transpose", &[&t, &Tensor::vec_i32(inv)], &attrs![]).unwrap();
        prop_assert_eq!(back, x);
    }
}
