//! A vectorized float32 math library for generated code: `exp`, `tanh`,
//! `sigmoid` over a buffer, in place, with the widest SIMD the CPU has
//! (AVX-512, else AVX2+FMA, detected once at run time; a portable loop
//! otherwise). Cranelift only emits 128-bit vectors on x86, so kernels
//! compute transcendentals a block at a time through these functions.
//!
//! The polynomials are the ones `vmath.rs` emits inline (Cephes `exp`,
//! Eigen's — TF's — rational `tanh`), so every path gives the same values
//! within rounding of a fused multiply-add.

/// `exp` (Cephes' degree-7 polynomial after `n ln 2` reduction): within
/// ~1 ulp; `+inf` above 88.72, 0 below -88.37 (TF flushes denormals);
/// NaN stays NaN.
#[inline(always)]
pub fn exp_p(x: f32) -> f32 {
    const MAGIC: f32 = 12_583_039.0;
    let xc = x.clamp(-88.376_26, 88.376_26);
    let xc = if x.is_nan() { x } else { xc };
    let ym = xc.mul_add(std::f32::consts::LOG2_E, MAGIC);
    let n = ym - MAGIC;
    let t = n.mul_add(-0.693_359_4, xc);
    let t = n.mul_add(2.121_944_4e-4, t);
    let z = t * t;
    let mut y = 1.987_569_2e-4f32;
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1] {
        y = y.mul_add(t, c);
    }
    let y = y.mul_add(z, t) + 1.0;
    let r = y * f32::from_bits(ym.to_bits() << 23);
    if x > 88.722_84 {
        f32::INFINITY
    } else if x < -88.376_26 {
        0.0
    } else {
        r
    }
}

/// `tanh` (Cephes' `tanhf`): an odd polynomial below |x| = 0.625,
/// `1 - 2 / (exp(2|x|) + 1)` with the sign of `x` above; within 2 ulp.
#[inline(always)]
pub fn tanh_p(x: f32) -> f32 {
    let ax = x.abs();
    let z = x * x;
    let mut p = -5.704_988_7e-3f32;
    for c in [2.063_908_9e-2, -5.373_971_6e-2, 1.333_144_2e-1, -3.333_328_2e-1] {
        p = p.mul_add(z, c);
    }
    let small = (p * z).mul_add(x, x);
    let e = exp_p(ax + ax);
    let big = 1.0 - 2.0 / (e + 1.0);
    let big = f32::from_bits(big.to_bits() | (x.to_bits() & 0x8000_0000));
    if ax < 0.625 {
        small
    } else {
        big
    }
}

/// `sigmoid` as the reference computes it: `1 / (1 + exp(-x))` for
/// `x >= 0`, `exp(x) / (1 + exp(x))` below.
#[inline(always)]
pub fn sigmoid_p(x: f32) -> f32 {
    let e = exp_p(-x.abs());
    let d = 1.0 + e;
    if x >= 0.0 {
        1.0 / d
    } else {
        e / d
    }
}

/// In-place `exp` of `n` floats, returning their sum (16 lane partial
/// sums, then a tree).
#[inline(always)]
fn exp_sum_body(s: &mut [f32]) -> f32 {
    let mut acc = [0f32; 16];
    let mut chunks = s.chunks_exact_mut(16);
    for c in &mut chunks {
        for l in 0..16 {
            c[l] = exp_p(c[l]);
            acc[l] += c[l];
        }
    }
    let mut tail = 0f32;
    for v in chunks.into_remainder() {
        *v = exp_p(*v);
        tail += *v;
    }
    let mut w = 16;
    while w > 1 {
        w /= 2;
        for l in 0..w {
            acc[l] += acc[l + w];
        }
    }
    acc[0] + tail
}

/// `dst[i] = exp(src[i] - shift)` (16 lanes), returning the sum.
#[inline(always)]
fn exp_shift_sum_body(src: &[f32], dst: &mut [f32], shift: f32) -> f32 {
    let mut acc = [0f32; 16];
    let n = src.len().min(dst.len());
    let full = n / 16 * 16;
    for (sc, dc) in src[..full].chunks_exact(16).zip(dst[..full].chunks_exact_mut(16)) {
        for l in 0..16 {
            let e = exp_p(sc[l] - shift);
            dc[l] = e;
            acc[l] += e;
        }
    }
    let mut tail = 0f32;
    for k in full..n {
        let e = exp_p(src[k] - shift);
        dst[k] = e;
        tail += e;
    }
    let mut w = 16;
    while w > 1 {
        w /= 2;
        for l in 0..w {
            acc[l] += acc[l + w];
        }
    }
    acc[0] + tail
}

/// `(src, dst, len, shift) -> sum`: `dst = exp(src - shift)`.
pub type ExpShiftSumFn = unsafe extern "C" fn(*const f32, *mut f32, i64, f32) -> f32;

/// A block function: `(buffer, len)`, in place.
pub type BlockFn = unsafe extern "C" fn(*mut f32, i64);
/// In-place `exp` of a row returning its sum.
pub type ExpSumFn = unsafe extern "C" fn(*mut f32, i64) -> f32;

macro_rules! variants {
    ($feat:literal, $m:ident) => {
        mod $m {
            use super::*;
            #[target_feature(enable = $feat)]
            pub unsafe extern "C" fn exp(p: *mut f32, n: i64) {
                // SAFETY: the caller passes a buffer of `n` floats.
                let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
                for v in s {
                    *v = exp_p(*v);
                }
            }
            #[target_feature(enable = $feat)]
            pub unsafe extern "C" fn tanh(p: *mut f32, n: i64) {
                // SAFETY: as above.
                let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
                for v in s {
                    *v = tanh_p(*v);
                }
            }
            #[target_feature(enable = $feat)]
            pub unsafe extern "C" fn sigmoid(p: *mut f32, n: i64) {
                // SAFETY: as above.
                let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
                for v in s {
                    *v = sigmoid_p(*v);
                }
            }
            #[target_feature(enable = $feat)]
            pub unsafe extern "C" fn exp_shift_sum(src: *const f32, dst: *mut f32, n: i64, shift: f32) -> f32 {
                let n = n.max(0) as usize;
                // SAFETY: the caller passes two distinct buffers of `n` floats.
                let (s, d) = unsafe { (std::slice::from_raw_parts(src, n), std::slice::from_raw_parts_mut(dst, n)) };
                exp_shift_sum_body(s, d, shift)
            }
            #[target_feature(enable = $feat)]
            pub unsafe extern "C" fn exp_sum(p: *mut f32, n: i64) -> f32 {
                // SAFETY: as above.
                let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
                exp_sum_body(s)
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
variants!("avx512f,avx512vl,avx2,fma", avx512);
#[cfg(target_arch = "x86_64")]
variants!("avx2,fma", avx2);

mod portable {
    use super::*;
    pub unsafe extern "C" fn exp(p: *mut f32, n: i64) {
        // SAFETY: the caller passes a buffer of `n` floats.
        let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
        for v in s {
            *v = exp_p(*v);
        }
    }
    pub unsafe extern "C" fn tanh(p: *mut f32, n: i64) {
        // SAFETY: as above.
        let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
        for v in s {
            *v = tanh_p(*v);
        }
    }
    pub unsafe extern "C" fn sigmoid(p: *mut f32, n: i64) {
        // SAFETY: as above.
        let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
        for v in s {
            *v = sigmoid_p(*v);
        }
    }
    pub unsafe extern "C" fn exp_shift_sum(src: *const f32, dst: *mut f32, n: i64, shift: f32) -> f32 {
        let n = n.max(0) as usize;
        // SAFETY: the caller passes two distinct buffers of `n` floats.
        let (s, d) = unsafe { (std::slice::from_raw_parts(src, n), std::slice::from_raw_parts_mut(dst, n)) };
        exp_shift_sum_body(s, d, shift)
    }
    pub unsafe extern "C" fn exp_sum(p: *mut f32, n: i64) -> f32 {
        // SAFETY: as above.
        let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
        exp_sum_body(s)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Avx512,
    Avx2,
    Portable,
}

fn level() -> Level {
    static L: std::sync::OnceLock<u8> = std::sync::OnceLock::new();
    let l = *L.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            if std::env::var_os("TFJIT_NO_AVX512").is_none()
                && is_x86_feature_detected!("avx512f")
                && is_x86_feature_detected!("avx512vl")
                && is_x86_feature_detected!("fma")
            {
                return 0;
            }
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                return 1;
            }
        }
        2
    });
    match l {
        0 => Level::Avx512,
        1 => Level::Avx2,
        _ => Level::Portable,
    }
}

/// The SIMD width used, for reports.
pub fn width_name() -> &'static str {
    match level() {
        Level::Avx512 => "AVX-512",
        Level::Avx2 => "AVX2",
        Level::Portable => "scalar",
    }
}

/// The in-place block function for float32 `op` (`Exp`, `Tanh`, `Sigmoid`).
pub fn block_fn(op: &str) -> Option<BlockFn> {
    let l = level();
    macro_rules! pick {
        ($f:ident) => {
            match l {
                #[cfg(target_arch = "x86_64")]
                Level::Avx512 => avx512::$f as BlockFn,
                #[cfg(target_arch = "x86_64")]
                Level::Avx2 => avx2::$f as BlockFn,
                _ => portable::$f as BlockFn,
            }
        };
    }
    Some(match op {
        "Exp" => pick!(exp),
        "Tanh" => pick!(tanh),
        "Sigmoid" => pick!(sigmoid),
        _ => return None,
    })
}

/// `dst = exp(src - shift)` returning the sum.
pub fn exp_shift_sum_fn() -> ExpShiftSumFn {
    match level() {
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => avx512::exp_shift_sum as ExpShiftSumFn,
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => avx2::exp_shift_sum as ExpShiftSumFn,
        _ => portable::exp_shift_sum as ExpShiftSumFn,
    }
}

/// The in-place `exp` returning the sum.
pub fn exp_sum_fn() -> ExpSumFn {
    match level() {
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => avx512::exp_sum as ExpSumFn,
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => avx2::exp_sum as ExpSumFn,
        _ => portable::exp_sum as ExpSumFn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f32, b: f32) -> i64 {
        (a.to_bits() as i32 as i64 - b.to_bits() as i32 as i64).abs()
    }

    #[test]
    fn accuracy_against_libm() {
        let mut worst = (0i64, 0i64, 0i64);
        let mut x = -20.0f32;
        while x < 20.0 {
            worst.0 = worst.0.max(ulps(exp_p(x), x.exp()));
            worst.1 = worst.1.max(ulps(tanh_p(x), x.tanh()));
            worst.2 = worst.2.max(ulps(sigmoid_p(x), tfjit_tensor::ops::elementwise::sigmoid(x)));
            x += 0.000_731;
        }
        assert!(worst.0 <= 1 && worst.1 <= 2 && worst.2 <= 3, "{worst:?}");
        assert!(exp_p(f32::NAN).is_nan() && tanh_p(f32::NAN).is_nan());
        assert_eq!(exp_p(100.0), f32::INFINITY);
        assert_eq!(exp_p(-100.0), 0.0);
        assert_eq!(tanh_p(50.0), 1.0);
        assert_eq!(tanh_p(-50.0), -1.0);
    }

    #[test]
    fn block_functions_agree() {
        let v: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.037).collect();
        for op in ["Exp", "Tanh", "Sigmoid"] {
            let f = block_fn(op).unwrap();
            let mut a = v.clone();
            unsafe { f(a.as_mut_ptr(), a.len() as i64) };
            let mut b = v.clone();
            unsafe { (portable_fn(op))(b.as_mut_ptr(), b.len() as i64) };
            for (x, y) in a.iter().zip(&b) {
                assert!(ulps(*x, *y) <= 1, "{op}: {x} vs {y}");
            }
        }
        let mut a = v.clone();
        let s = unsafe { exp_sum_fn()(a.as_mut_ptr(), a.len() as i64) };
        let want: f64 = v.iter().map(|&x| (x as f64).exp()).sum();
        assert!(((s as f64 - want) / want).abs() < 1e-5);
    }

    fn portable_fn(op: &str) -> BlockFn {
        match op {
            "Exp" => portable::exp,
            "Tanh" => portable::tanh,
            _ => portable::sigmoid,
        }
    }
}
