//! Small float32 products summed in TF's order.
//!
//! TF 2.21 computes a small float32 `MatMul` (the products of the
//! conformance corpus) with one running fused multiply-add per output
//! element over `k` in order when `k` ≤ 384, and as the sum of two such
//! runs over the two halves of `k` (`ceil(k / 2)` first) when
//! 384 < `k` ≤ 768 (measured against TF 2.21 for many shapes and all four
//! transpose combinations; `a · bᵀ` with 2..15 rows is different again, see
//! `matmul::tf_dot_lanes`). `matrixmultiply` sums in blocks of 256, which
//! agrees up to `k` = 256 only; beyond 768 TF's order is not modelled and
//! `matrixmultiply` runs.

/// The longest `k` summed in one run.
const ONE_RUN_MAX_K: usize = 384;
/// The longest `k` summed as two runs.
const TWO_RUNS_MAX_K: usize = 768;

/// `c = a·b` for an `m`×`k` `a` and `k`×`n` `b` given by row and column
/// strides, into `c` (row stride `rsc`, column stride `csc`), in TF's order.
/// The signature is `matrixmultiply::sgemm`'s; `alpha` must be 1 and
/// `beta` 0 (the only way `matmul.rs` calls it).
///
/// # Safety
/// As for `matrixmultiply::sgemm`: every element the strides address is
/// inside its buffer, and `c`'s elements do not overlap `a`'s or `b`'s.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn sgemm_tf(
    m: usize,
    k: usize,
    n: usize,
    alpha: f32,
    a: *const f32,
    rsa: isize,
    csa: isize,
    b: *const f32,
    rsb: isize,
    csb: isize,
    beta: f32,
    c: *mut f32,
    rsc: isize,
    csc: isize,
) {
    if k > TWO_RUNS_MAX_K || alpha != 1.0 || beta != 0.0 {
        // SAFETY: caller's contract.
        return unsafe { matrixmultiply::sgemm(m, k, n, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc) };
    }
    let run = if k <= ONE_RUN_MAX_K { k.max(1) } else { k.div_ceil(2) };
    let mut acc = vec![0f32; n];
    let mut total = vec![0f32; n];
    let mut brow = vec![0f32; n];
    for i in 0..m as isize {
        for (r, start) in (0..k).step_by(run).enumerate() {
            acc.fill(0.0);
            for kk in start..(start + run).min(k) {
                let kk = kk as isize;
                // SAFETY: element (i, kk) of `a` and row kk of `b` are
                // inside their buffers (caller's contract).
                let x = unsafe { *a.offset(i * rsa + kk * csa) };
                if csb == 1 {
                    // SAFETY: row kk of `b`: `n` contiguous elements.
                    let row = unsafe { std::slice::from_raw_parts(b.offset(kk * rsb), n) };
                    axpy(x, row, &mut acc);
                } else {
                    for (j, v) in brow.iter_mut().enumerate() {
                        // SAFETY: element (kk, j) of `b`.
                        *v = unsafe { *b.offset(kk * rsb + j as isize * csb) };
                    }
                    axpy(x, &brow, &mut acc);
                }
            }
            if r == 0 {
                total.copy_from_slice(&acc);
            } else {
                total.iter_mut().zip(&acc).for_each(|(t, &v)| *t += v);
            }
        }
        for (j, &v) in total.iter().enumerate() {
            // SAFETY: element (i, j) of `c` (caller's contract).
            unsafe { *c.offset(i * rsc + j as isize * csc) = v };
        }
    }
}

/// `acc[j] = fma(x, y[j], acc[j])`.
fn axpy(x: f32, y: &[f32], acc: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has FMA (checked above).
        return unsafe { axpy_fma(x, y, acc) };
    }
    axpy_generic(x, y, acc);
}

/// [`axpy`] compiled with FMA instructions (the loop vectorizes).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma,avx2")]
unsafe fn axpy_fma(x: f32, y: &[f32], acc: &mut [f32]) {
    axpy_generic(x, y, acc);
}

#[inline(always)]
fn axpy_generic(x: f32, y: &[f32], acc: &mut [f32]) {
    for (a, &v) in acc.iter_mut().zip(y) {
        *a = x.mul_add(v, *a);
    }
}
