//! Linear algebra: MatrixSolve (Gaussian elimination with partial pivoting,
//! batched over leading dims).

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::common::{alloc_check, arity, check_allowed, input, make, one, same_dtype, tin, typed, Allowed};
use super::elem::Float;

fn ia(msg: &str) -> TfError {
    TfError::invalid_argument(msg)
}

const SOLVE_TYPES: Allowed =
    Allowed { types: &[DType::Float32, DType::Float64], text: "double, float, half, complex64, complex128" };

fn solve_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("MatrixSolve", inputs.len(), 2)?;
    let d = same_dtype("MatrixSolve", inputs, &[0, 1])?;
    check_allowed("MatrixSolve", d, &SOLVE_TYPES)?;
    let (a, b) = (&input("MatrixSolve", inputs, 0)?.ty.shape, &input("MatrixSolve", inputs, 1)?.ty.shape);
    if let (Some(ad), Some(bd)) = (&a.dims, &b.dims) {
        if ad.len() < 2 {
            return Err(ia("Input must have rank >= 2"));
        }
        let (m, n) = (ad[ad.len() - 2], ad[ad.len() - 1]);
        if let (Some(m), Some(n)) = (m, n) {
            if m != n {
                return Err(ia("First input (lhs) must be a square matrix."));
            }
        }
        if bd.len() != ad.len() {
            return Err(ia("Input matrix and rhs are incompatible."));
        }
        if let (Some(x), Some(y)) = (ad[ad.len() - 2], bd[bd.len() - 2]) {
            if x != y {
                return Err(ia("Input matrix and rhs are incompatible."));
            }
        }
        let mut out = bd.clone();
        let r = out.len();
        out[r - 2] = ad[r - 1];
        return one(d, StaticShape::partial(out));
    }
    one(d, b.clone())
}

/// Solves `a x = b` for one system (`a`: n×n, `b`: n×k) in place; `false` if singular.
fn solve_one<T: Float>(a: &mut [T], b: &mut [T], n: usize, k: usize) -> bool {
    for col in 0..n {
        // Partial pivoting: the largest |a[r][col]| for r >= col.
        let mut piv = col;
        let mut best = a[col * n + col].abs();
        for r in col + 1..n {
            let v = a[r * n + col].abs();
            if v > best {
                best = v;
                piv = r;
            }
        }
        if best == T::zero() || best.is_nan() {
            return false;
        }
        if piv != col {
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            for j in 0..k {
                b.swap(col * k + j, piv * k + j);
            }
        }
        let p = a[col * n + col];
        for r in col + 1..n {
            let f = a[r * n + col].div(p);
            if f == T::zero() {
                continue;
            }
            for j in col..n {
                a[r * n + j] = a[r * n + j].sub(f.mul(a[col * n + j]));
            }
            for j in 0..k {
                b[r * k + j] = b[r * k + j].sub(f.mul(b[col * k + j]));
            }
        }
    }
    // Back substitution.
    for col in 0..k {
        for r in (0..n).rev() {
            let mut s = b[r * k + col];
            for j in r + 1..n {
                s = s.sub(a[r * n + j].mul(b[j * k + col]));
            }
            b[r * k + col] = s.div(a[r * n + r]);
        }
    }
    true
}

fn solve_typed<T: Float>(a: &Tensor, b: &Tensor, adjoint: bool) -> TfResult<Tensor> {
    let (av, bv) = (typed::<T>(a)?, typed::<T>(b)?);
    let r = a.rank();
    let n = a.shape()[r - 1];
    let k = b.shape()[r - 1];
    let batch: usize = a.shape()[..r - 2].iter().product();
    alloc_check(b.shape(), T::DTYPE)?;
    let mut out = Vec::with_capacity(bv.len());
    for i in 0..batch {
        let am = av.get(i * n * n..(i + 1) * n * n).ok_or_else(|| ia("matrix buffer too small"))?;
        let mut am: Vec<T> = if adjoint {
            (0..n * n).map(|idx| am[(idx % n) * n + idx / n]).collect()
        } else {
            am.to_vec()
        };
        let mut bm = bv.get(i * n * k..(i + 1) * n * k).ok_or_else(|| ia("rhs buffer too small"))?.to_vec();
        if !solve_one(&mut am, &mut bm, n, k) {
            return Err(ia("Input matrix is not invertible."));
        }
        out.extend(bm);
    }
    make(b.shape().to_vec(), out)
}

fn solve_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let (a, b) = (tin("MatrixSolve", inputs, 0)?, tin("MatrixSolve", inputs, 1)?);
    let adjoint = attrs.bool_or("adjoint", false);
    let (ad, bd) = (a.shape(), b.shape());
    if ad.len() < 2 {
        return Err(ia("Input must have rank >= 2"));
    }
    let r = ad.len();
    if ad[r - 2] != ad[r - 1] {
        return Err(ia("First input (lhs) must be a square matrix."));
    }
    if bd.len() != r || bd[r - 2] != ad[r - 1] || bd[..r - 2] != ad[..r - 2] {
        return Err(ia("Input matrix and rhs are incompatible."));
    }
    let t = match (a.data(), b.data()) {
        (Data::F32(_), Data::F32(_)) => solve_typed::<f32>(a, b, adjoint)?,
        (Data::F64(_), Data::F64(_)) => solve_typed::<f64>(a, b, adjoint)?,
        _ => return Err(check_allowed("MatrixSolve", a.dtype(), &SOLVE_TYPES).err().unwrap_or_else(|| ia("MatrixSolve: dtype mismatch"))),
    };
    Ok(vec![t])
}

/// `MatrixSolve(matrix, rhs; adjoint)`.
pub static MATRIX_SOLVE: OpDef =
    OpDef { name: "MatrixSolve", class: OpClass::Opaque, infer: solve_infer, kernel: solve_kernel, grad: Some(crate::grad::linalg::matrix_solve_grad) };

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::run1;
    use crate::tensor::{Data, Tensor};

    #[test]
    fn solve_and_singular() {
        let a = Tensor::new(vec![2, 2], Data::F32(vec![2.0, 1.0, 1.0, 3.0])).unwrap();
        let b = Tensor::new(vec![2, 1], Data::F32(vec![1.0, 2.0])).unwrap();
        let r = run1("MatrixSolve", &[&a, &b], &attrs![]).unwrap();
        let Data::F32(v) = r.data() else { panic!() };
        assert!((v[0] - 0.2).abs() < 1e-6 && (v[1] - 0.6).abs() < 1e-6);
        let z = Tensor::new(vec![2, 2], Data::F32(vec![0.0; 4])).unwrap();
        let e = run1("MatrixSolve", &[&z, &b], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("Input matrix is not invertible."));
    }
}
