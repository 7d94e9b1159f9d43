//! NumPy broadcasting, written once: the result shape (static and concrete)
//! and strided iteration over broadcast operands.

use crate::error::{TfError, TfResult};
use crate::shape::StaticShape;

use super::common::{dims_str, static_dims_str};

/// The broadcast shape of two concrete shapes, or `None` if incompatible.
pub fn broadcast_shapes(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let r = a.len().max(b.len());
    let mut out = vec![0usize; r];
    for i in 0..r {
        let da = if i < r - a.len() { 1 } else { a[i - (r - a.len())] };
        let db = if i < r - b.len() { 1 } else { b[i - (r - b.len())] };
        out[i] = if da == db {
            da
        } else if da == 1 {
            db
        } else if db == 1 {
            da
        } else {
            return None;
        };
    }
    Some(out)
}

/// TF's eager error for incompatible operands: `Incompatible shapes: [2,3] vs. [4]`.
pub fn incompatible(a: &StaticShape, b: &StaticShape) -> TfError {
    TfError::invalid_argument(format!(
        "Incompatible shapes: {} vs. {}",
        static_dims_str(a),
        static_dims_str(b)
    ))
}

/// The broadcast of two partial shapes (TF's `BroadcastBinaryOpOutputShapeFn`):
/// unknown rank gives unknown rank; an unknown dim against 1 is unknown, against
/// a known d > 1 is d.
pub fn broadcast_static(a: &StaticShape, b: &StaticShape) -> TfResult<StaticShape> {
    let (Some(da), Some(db)) = (&a.dims, &b.dims) else {
        return Ok(StaticShape::unknown_rank());
    };
    let r = da.len().max(db.len());
    let mut out = Vec::with_capacity(r);
    for i in 0..r {
        let x = if i < r - da.len() { Some(1) } else { da[i - (r - da.len())] };
        let y = if i < r - db.len() { Some(1) } else { db[i - (r - db.len())] };
        out.push(match (x, y) {
            (Some(p), Some(q)) => {
                if p == q {
                    Some(p)
                } else if p == 1 {
                    Some(q)
                } else if q == 1 {
                    Some(p)
                } else {
                    return Err(incompatible(a, b).with_graph_message(format!(
                        "Dimensions must be equal, but are {p} and {q}"
                    )));
                }
            }
            (Some(1), None) | (None, Some(1)) | (None, None) => None,
            (Some(p), None) | (None, Some(p)) => Some(p),
        });
    }
    Ok(StaticShape::partial(out))
}

/// Concrete broadcast with TF's error.
pub fn broadcast_or_err(a: &[usize], b: &[usize]) -> TfResult<Vec<usize>> {
    broadcast_shapes(a, b).ok_or_else(|| {
        TfError::invalid_argument(format!("Incompatible shapes: {} vs. {}", dims_str(a), dims_str(b)))
    })
}

/// Strides of `shape` (row-major) aligned to `out` (right-aligned), with 0 for
/// broadcast dimensions. `shape` must broadcast to `out`.
pub fn broadcast_strides(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let r = out.len();
    let off = r - shape.len().min(r);
    let mut strides = vec![0usize; r];
    let mut acc = 1usize;
    for i in (0..shape.len().min(r)).rev() {
        let d = shape[i];
        strides[off + i] = if d == 1 && out[off + i] != 1 { 0 } else { acc };
        acc = acc.saturating_mul(d);
    }
    strides
}

/// Merges adjacent output dims where every operand is laid out contiguously
/// across them (so inner loops run long). Returns (dims, per-operand strides).
fn collapse(out: &[usize], strides: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    let mut dims: Vec<usize> = Vec::new();
    let mut ss: Vec<Vec<usize>> = vec![Vec::new(); strides.len()];
    for i in 0..out.len() {
        if out[i] == 1 {
            continue;
        }
        let mergeable = !dims.is_empty()
            && strides.iter().zip(ss.iter()).all(|(s, cur)| {
                let prev = *cur.last().unwrap_or(&0);
                prev == s[i].saturating_mul(out[i])
            });
        if mergeable {
            if let Some(last) = dims.last_mut() {
                *last = last.saturating_mul(out[i]);
            }
            for (k, s) in strides.iter().enumerate() {
                if let Some(l) = ss[k].last_mut() {
                    *l = s[i];
                }
            }
        } else {
            dims.push(out[i]);
            for (k, s) in strides.iter().enumerate() {
                ss[k].push(s[i]);
            }
        }
    }
    (dims, ss)
}

/// Visits every element of `out` in row-major order, calling `f` with the
/// flat offset of the element in each of the operands described by `strides`
/// (from [`broadcast_strides`]). `N` is the operand count.
pub fn for_each_offset<const N: usize>(out: &[usize], strides: [&[usize]; N], mut f: impl FnMut([usize; N])) {
    if out.iter().any(|&d| d == 0) {
        return;
    }
    let sv: Vec<Vec<usize>> = strides.iter().map(|s| s.to_vec()).collect();
    let (dims, ss) = collapse(out, &sv);
    if dims.is_empty() {
        f([0; N]);
        return;
    }
    let r = dims.len();
    let inner = dims[r - 1];
    let inner_s: [usize; N] = std::array::from_fn(|k| ss[k][r - 1]);
    let mut idx = vec![0usize; r - 1];
    let mut base = [0usize; N];
    loop {
        let mut offs = base;
        for _ in 0..inner {
            f(offs);
            for k in 0..N {
                offs[k] += inner_s[k];
            }
        }
        // Advance the odometer over the outer dims.
        let mut d = r - 1;
        loop {
            if d == 0 {
                return;
            }
            d -= 1;
            idx[d] += 1;
            for k in 0..N {
                base[k] += ss[k][d];
            }
            if idx[d] < dims[d] {
                break;
            }
            for k in 0..N {
                base[k] -= ss[k][d] * dims[d];
            }
            idx[d] = 0;
        }
    }
}

/// `f` applied elementwise to `a` (shape `ash`) and `b` (shape `bsh`),
/// broadcast to `out`. Fast paths for equal shapes and scalar operands.
pub fn map2<A: Copy, B: Copy, R>(
    a: &[A],
    ash: &[usize],
    b: &[B],
    bsh: &[usize],
    out: &[usize],
    f: impl Fn(A, B) -> R,
) -> Vec<R> {
    let n: usize = out.iter().product();
    if ash == bsh && a.len() == n && b.len() == n {
        return a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect();
    }
    if b.len() == 1 && a.len() == n {
        let y = b[0];
        return a.iter().map(|&x| f(x, y)).collect();
    }
    if a.len() == 1 && b.len() == n {
        let x = a[0];
        return b.iter().map(|&y| f(x, y)).collect();
    }
    let sa = broadcast_strides(ash, out);
    let sb = broadcast_strides(bsh, out);
    let mut res = Vec::with_capacity(n);
    for_each_offset(out, [&sa, &sb], |[i, j]| {
        if let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
            res.push(f(x, y));
        }
    });
    res
}

/// `f` applied elementwise to three broadcast operands.
#[allow(clippy::too_many_arguments)]
pub fn map3<A: Copy, B: Copy, C: Copy, R>(
    a: (&[A], &[usize]),
    b: (&[B], &[usize]),
    c: (&[C], &[usize]),
    out: &[usize],
    f: impl Fn(A, B, C) -> R,
) -> Vec<R> {
    let n: usize = out.iter().product();
    let sa = broadcast_strides(a.1, out);
    let sb = broadcast_strides(b.1, out);
    let sc = broadcast_strides(c.1, out);
    let mut res = Vec::with_capacity(n);
    for_each_offset(out, [&sa, &sb, &sc], |[i, j, k]| {
        if let (Some(&x), Some(&y), Some(&z)) = (a.0.get(i), b.0.get(j), c.0.get(k)) {
            res.push(f(x, y, z));
        }
    });
    res
}

/// `v` (shape `from`) broadcast to `to` (which must be a broadcast of `from`).
pub fn broadcast_to<T: Copy>(v: &[T], from: &[usize], to: &[usize]) -> Vec<T> {
    let n: usize = to.iter().product();
    if from == to {
        return v.to_vec();
    }
    if v.len() == 1 {
        return vec![v[0]; n];
    }
    let s = broadcast_strides(from, to);
    let mut res = Vec::with_capacity(n);
    for_each_offset(to, [&s], |[i]| {
        if let Some(&x) = v.get(i) {
            res.push(x);
        }
    });
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert_eq!(broadcast_shapes(&[2, 3], &[3]), Some(vec![2, 3]));
        assert_eq!(broadcast_shapes(&[2, 1], &[1, 4]), Some(vec![2, 4]));
        assert_eq!(broadcast_shapes(&[2, 3], &[4]), None);
        assert_eq!(broadcast_shapes(&[0, 1], &[3]), Some(vec![0, 3]));
        let e = broadcast_or_err(&[2, 3], &[4]).unwrap_err();
        assert_eq!(e.message, "Incompatible shapes: [2,3] vs. [4]");
    }

    #[test]
    fn static_shapes() {
        let a = StaticShape::partial(vec![None, Some(3)]);
        let b = StaticShape::known(&[2, 1, 1]);
        assert_eq!(broadcast_static(&a, &b).unwrap(), StaticShape::partial(vec![Some(2), None, Some(3)]));
        let c = StaticShape::partial(vec![None, Some(4)]);
        assert!(broadcast_static(&a, &c).is_err());
    }

    #[test]
    fn map_general() {
        let a = [1, 2, 3, 4, 5, 6];
        let b = [10, 20];
        let r = map2(&a, &[3, 1, 2], &b, &[2, 1], &[3, 2, 2], |x, y| x + y);
        assert_eq!(r, vec![11, 12, 21, 22, 13, 14, 23, 24, 15, 16, 25, 26]);
        let t = broadcast_to(&[1, 2], &[2, 1], &[2, 3]);
        assert_eq!(t, vec![1, 1, 1, 2, 2, 2]);
    }
}
