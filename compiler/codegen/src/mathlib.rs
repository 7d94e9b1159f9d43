//! A vectorized float32 math library for generated code: `exp`, `tanh`,
//! `sigmoid`, `log` over a buffer, in place, with the widest SIMD the CPU
//! has (AVX-512, else AVX2+FMA, detected once at run time; a portable loop
//! otherwise). Cranelift only emits 128-bit vectors on x86, so kernels
//! compute transcendentals a block at a time through these functions.
//!
//! Every element goes through the one definition of TF's float32 math,
//! `tfjit_tensor::ops::tfmath` (the packet path of TF's Eigen kernels),
//! inlined into loops that LLVM vectorizes. Those functions are straight
//! multiplies, adds, divisions and selects (no fused multiply-add, which
//! TF's build does not use either), so the results are bit-identical to
//! the reference kernels and to `vmath`'s inline code at any width.

use tfjit_tensor::ops::tfmath;

/// TF's `exp` (packet path); see `tfmath::exp`.
#[inline(always)]
pub fn exp_p(x: f32) -> f32 {
    tfmath::exp(x)
}

/// TF's `tanh`; see `tfmath::tanh`.
#[inline(always)]
pub fn tanh_p(x: f32) -> f32 {
    tfmath::tanh(x)
}

/// TF's `sigmoid` (packet path); see `tfmath::sigmoid`.
#[inline(always)]
pub fn sigmoid_p(x: f32) -> f32 {
    tfmath::sigmoid(x)
}

/// TF's `log` (packet path); see `tfmath::log`.
#[inline(always)]
pub fn log_p(x: f32) -> f32 {
    tfmath::log(x)
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
            pub unsafe extern "C" fn log(p: *mut f32, n: i64) {
                // SAFETY: as above.
                let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
                for v in s {
                    *v = log_p(*v);
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
    pub unsafe extern "C" fn log(p: *mut f32, n: i64) {
        // SAFETY: as above.
        let s = unsafe { std::slice::from_raw_parts_mut(p, n.max(0) as usize) };
        for v in s {
            *v = log_p(*v);
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

/// The in-place block function for float32 `op` (`Exp`, `Tanh`, `Sigmoid`,
/// `Log`), on the packet path of TF's kernels.
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
        "Log" => pick!(log),
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

/// `(dst, src, n)`: copies `n` floats with non-temporal stores.
pub type StreamFn = unsafe extern "C" fn(*mut f32, *const f32, i64);

/// Copies `n` floats from `src` to `dst` with non-temporal (streaming)
/// stores where `dst` is aligned: a kernel writing an output far larger
/// than the caches saves the read-for-ownership of every destination line
/// (one memory pass in three). Callers fence with [`store_fence`] before
/// the data is read by another thread.
#[cfg(target_arch = "x86_64")]
mod stream {
    use std::arch::x86_64::*;

    #[target_feature(enable = "avx512f")]
    pub unsafe extern "C" fn avx512(dst: *mut f32, src: *const f32, n: i64) {
        let n = n.max(0) as usize;
        let mut i = 0;
        // SAFETY: the caller passes two buffers of `n` floats; the streamed
        // range is 64-byte aligned in `dst`.
        unsafe {
            while i < n && (dst.add(i) as usize) % 64 != 0 {
                *dst.add(i) = *src.add(i);
                i += 1;
            }
            while i + 16 <= n {
                _mm512_stream_ps(dst.add(i), _mm512_loadu_ps(src.add(i)));
                i += 16;
            }
            while i < n {
                *dst.add(i) = *src.add(i);
                i += 1;
            }
        }
    }

    #[target_feature(enable = "avx")]
    pub unsafe extern "C" fn avx(dst: *mut f32, src: *const f32, n: i64) {
        let n = n.max(0) as usize;
        let mut i = 0;
        // SAFETY: as above, 32-byte aligned.
        unsafe {
            while i < n && (dst.add(i) as usize) % 32 != 0 {
                *dst.add(i) = *src.add(i);
                i += 1;
            }
            while i + 8 <= n {
                _mm256_stream_ps(dst.add(i), _mm256_loadu_ps(src.add(i)));
                i += 8;
            }
            while i < n {
                *dst.add(i) = *src.add(i);
                i += 1;
            }
        }
    }
}

/// Plain copy (no streaming stores on this CPU).
unsafe extern "C" fn copy_plain(dst: *mut f32, src: *const f32, n: i64) {
    // SAFETY: the caller passes two distinct buffers of `n` floats.
    unsafe { std::ptr::copy_nonoverlapping(src, dst, n.max(0) as usize) }
}

/// The streaming copy for this CPU.
pub fn stream_fn() -> StreamFn {
    #[cfg(target_arch = "x86_64")]
    {
        match level() {
            Level::Avx512 => return stream::avx512 as StreamFn,
            Level::Avx2 => return stream::avx as StreamFn,
            Level::Portable => {}
        }
    }
    copy_plain as StreamFn
}

/// Orders earlier streaming stores before later stores (`sfence`).
pub fn store_fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `sfence` has no preconditions (SSE is baseline on x86_64).
    unsafe {
        std::arch::x86_64::_mm_sfence()
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: f32, b: f32) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    fn inputs() -> Vec<f32> {
        let mut v: Vec<f32> = (0..4000).map(|i| (i as f32 - 2000.0) * 0.0537).collect();
        let mut s = 0x1234_5678u32;
        for _ in 0..4000 {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            v.push(f32::from_bits(s));
        }
        v.extend([0.0, -0.0, f32::INFINITY, f32::NEG_INFINITY, f32::NAN, 1e-40, -1e-40, 88.72, 88.73, -104.5]);
        v
    }

    /// Every SIMD level computes exactly the scalar definition.
    #[test]
    fn block_functions_are_bit_identical_to_tfmath() {
        let v = inputs();
        let scalar: [(&str, fn(f32) -> f32); 4] =
            [("Exp", tfmath::exp), ("Tanh", tfmath::tanh), ("Sigmoid", tfmath::sigmoid), ("Log", tfmath::log)];
        for (op, f) in scalar {
            let mut fns: Vec<BlockFn> = vec![block_fn(op).unwrap(), portable_fn(op)];
            #[cfg(target_arch = "x86_64")]
            if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
                fns.push(avx2_fn(op));
            }
            for g in fns {
                let mut a = v.clone();
                unsafe { g(a.as_mut_ptr(), a.len() as i64) };
                for (x, y) in v.iter().zip(&a) {
                    assert!(same(f(*x), *y), "{op}({x:e}): {:e} vs {y:e}", f(*x));
                }
            }
        }
        let v: Vec<f32> = (0..1000).map(|i| (i as f32 - 500.0) * 0.037).collect();
        for n in [0usize, 1, 15, 16, 17, 100, 1000] {
            for off in 0..3 {
                let mut d = vec![0f32; n + off];
                unsafe { stream_fn()(d[off..].as_mut_ptr(), v.as_ptr(), n as i64) };
                store_fence();
                assert_eq!(&d[off..], &v[..n]);
            }
        }
        let mut a = v.clone();
        let s = unsafe { exp_sum_fn()(a.as_mut_ptr(), a.len() as i64) };
        let want: f64 = v.iter().map(|&x| (x as f64).exp()).sum();
        assert!(((s as f64 - want) / want).abs() < 1e-5);
        for (x, y) in v.iter().zip(&a) {
            assert!(same(tfmath::exp(*x), *y));
        }
    }

    fn portable_fn(op: &str) -> BlockFn {
        match op {
            "Exp" => portable::exp,
            "Tanh" => portable::tanh,
            "Log" => portable::log,
            _ => portable::sigmoid,
        }
    }

    #[cfg(target_arch = "x86_64")]
    fn avx2_fn(op: &str) -> BlockFn {
        match op {
            "Exp" => avx2::exp,
            "Tanh" => avx2::tanh,
            "Log" => avx2::log,
            _ => avx2::sigmoid,
        }
    }
}
