//! Float32 transcendentals exactly as TensorFlow 2.21's CPU kernels compute
//! them: the one definition shared by the reference kernels, the generated
//! code's vector math library (`tfjit-codegen`'s `mathlib`) and its inline
//! f32x4 emission (`vmath`), which all reproduce these operation sequences.
//!
//! # What TF computes (established bit for bit against tensorflow-cpu 2.21)
//!
//! TF's `Tanh`, `Exp`, `Sigmoid`, `Log`, `Log1p`, `Expm1` CPU kernels are
//! Eigen tensor expressions (`out.device(d) = in.unaryExpr(functor)`).
//! Compared over ~10^6 inputs (random bit patterns, dense ranges, specials,
//! denormals) and tensor sizes 1, 7, 8, 17, 33, 100 and 10^6:
//!
//! - The wheel's Eigen is built for **AVX without FMA**: packets of 8
//!   floats, and `pmadd(a, b, c)` is `a * b + c` with two roundings. The
//!   FMA variants (and FMA's different `tanh` clamp) disagree on ~9% of
//!   inputs; the no-FMA sequences below agree on all of them.
//! - TF runs kernels with **FTZ and DAZ** set: denormal inputs of an
//!   arithmetic instruction read as ±0 and denormal results become ±0 (a
//!   select passes bits through unchanged). [`ftz`] models this where a
//!   denormal can occur.
//! - Eigen's executor evaluates whole packets from the start of the buffer
//!   (every thread block is a multiple of the packet size) and the **last
//!   `n % 8` elements** one at a time with the scalar functor. For `tanh`
//!   the scalar functor is the same rational function (`EIGEN_FAST_MATH`),
//!   so every element agrees; for `exp`, `log` and the scalar `logistic`
//!   it is glibc's `expf`/`logf` (under DAZ/FTZ), which differs from the
//!   packet path in the last bit on ~15% (exp) and ~10% (log) of inputs.
//!   Hence the `*_tail` functions and [`tail_start`].
//!
//! | function | packet path (elements `< tail_start(n)`) | scalar tail |
//! |---|---|---|
//! | `tanh` | [`tanh`]: Eigen `ptanh_float`, [9/8] rational, clamp ±7.90738964 | same |
//! | `exp` | [`exp`]: Eigen `pexp_float`, Cephes range reduction + degree-6 polynomial | [`exp_tail`]: `expf` |
//! | `sigmoid` | [`sigmoid`]: `scalar_logistic_op<float>::packetOp` (`exp(x/2)^2`, degree-5) | [`sigmoid_tail`]: `expf(min(x, 16.6355324))`, `e / (1 + e)` |
//! | `log` | [`log`]: Eigen `plog_float`, [2/3] rational on `[√½, √2)` | [`log_tail`]: `logf` (positive denormals give `-150 ln 2`, DAZ inside glibc) |
//! | `sin`, `cos` | [`sin`], [`cos`]: Eigen `psincos_float` (no-FMA reduction, Payne-Hanek for huge arguments) | [`sin_tail`], [`cos_tail`]: `sinf`, `cosf` |
//!
//! Every function is branch-free straight-line code over selects, so the
//! loops of the vector library auto-vectorize to the same operations.
//! Constants are Eigen's literals, digit for digit.
#![allow(clippy::excessive_precision)]

/// Floats per Eigen packet in TF's build (AVX, `Packet8f`).
pub const PACKET: usize = 8;

/// The index from which an `n`-element float32 op of TF computes with
/// the scalar functor (the `n % 8` elements after the last whole packet).
#[inline]
pub fn tail_start(n: usize) -> usize {
    n - n % PACKET
}

/// Denormals to zero (keeping the sign), as FTZ/DAZ do.
#[inline(always)]
pub fn ftz(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE {
        f32::from_bits(x.to_bits() & 0x8000_0000)
    } else {
        x
    }
}

/// Eigen's `pmin(a, b)` on AVX (`_mm256_min_ps(b, a)`): `b` if `b < a`,
/// else `a` (a NaN `a` passes through).
#[inline(always)]
pub fn pmin(a: f32, b: f32) -> f32 {
    if b < a {
        b
    } else {
        a
    }
}

/// Eigen's `pmax(a, b)` on AVX: `b` if `b > a`, else `a`.
#[inline(always)]
pub fn pmax(a: f32, b: f32) -> f32 {
    if b > a {
        b
    } else {
        a
    }
}

/// `pmadd` without FMA: a product and a sum, each rounded.
#[inline(always)]
fn madd(a: f32, b: f32, c: f32) -> f32 {
    a * b + c
}

/// `tanh`'s clamp: beyond it the rational function is exactly ±1.
pub const TANH_CLAMP: f32 = 7.907_389_640_808_105_47;
/// `tanh` numerator coefficients (odd; in `x²`, highest first, then `x`).
pub const TANH_ALPHA: [f32; 4] = [1.394_553_628e-8, 2.102_733_560e-5, 3.520_756_727e-3, 1.340_216_100e-1];
/// `tanh` denominator coefficients (even; in `x²`, highest first).
pub const TANH_BETA: [f32; 5] = [8.015_776_984e-7, 3.326_951_409e-4, 2.597_254_514e-2, 4.673_548_340e-1, 1.0];

/// TF's float32 `tanh` (both paths): clamp to ±[`TANH_CLAMP`], then
/// `(x + x³ p(x²)) / q(x²)`, output flushed.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let x = pmax(pmin(x, TANH_CLAMP), -TANH_CLAMP);
    let x2 = x * x;
    let x3 = x2 * x;
    let mut p = TANH_ALPHA[0];
    p = madd(p, x2, TANH_ALPHA[1]);
    p = madd(p, x2, TANH_ALPHA[2]);
    p = madd(p, x2, TANH_ALPHA[3]);
    let mut q = TANH_BETA[0];
    q = madd(q, x2, TANH_BETA[1]);
    q = madd(q, x2, TANH_BETA[2]);
    q = madd(q, x2, TANH_BETA[3]);
    q = madd(q, x2, TANH_BETA[4]);
    let p = madd(x3, p, x);
    ftz(p / q)
}

/// `exp`'s upper clamp of the argument.
pub const EXP_HI: f32 = 88.723;
/// Below this `exp` and `sigmoid` return 0.
pub const EXP_LO: f32 = -104.0;
/// `log2(e)` as Eigen's `cst_cephes_LOG2EF`.
pub const LOG2EF: f32 = 1.442_695_040_888_963_41;
/// `-ln 2` in two parts (Cephes): `C1` exact in a few bits, `C2` the rest.
pub const EXP_C1: f32 = -0.693_359_375;
pub const EXP_C2: f32 = 2.121_944_40e-4;
/// `exp` polynomial coefficients `p2..p6` (of `r²`, `r³`, ...).
pub const EXP_P: [f32; 5] = [
    0.499_999_880_790_710_449_218_75,
    0.166_665_181_517_601_013_183_593_75,
    4.166_965_186_595_916_748_046_875e-2,
    8.368_944_749_236_106_872_558_593_75e-3,
    1.374_496_379_867_196_083_068_847_656_25e-3,
];
/// `1.5 * 2^23 + 127`: adding it to an integer-valued float `m` leaves
/// `m + 127` in the low mantissa bits, ready to shift into an exponent.
pub const EXP_MAGIC: f32 = 12_583_039.0;

/// `2^m` for an integer-valued `m`, clamped to `[-127, 127]` (`2^-127`
/// comes out as 0: such results are flushed anyway).
#[inline(always)]
pub fn pow2_clamped(m: f32) -> f32 {
    let mc = pmax(pmin(m, 127.0), -127.0);
    f32::from_bits((mc + EXP_MAGIC).to_bits() << 23)
}

/// TF's float32 `exp` on the packet path (Eigen `pexp_float`): `m =
/// floor(x log2 e + 1/2)`, `r = x - m ln 2` (two parts), `exp(r)` by a
/// degree-6 polynomial, times `2^m` (the `2^128` case as `2^127 * 2`);
/// denormal results flush to 0, below -104 gives 0, NaN stays NaN.
#[inline(always)]
pub fn exp(x0: f32) -> f32 {
    let x = pmin(x0, EXP_HI);
    let m = madd(x, LOG2EF, 0.5).floor();
    let r = madd(m, EXP_C1, x);
    let r = madd(m, EXP_C2, r);
    let r2 = r * r;
    let pe = madd(r2, EXP_P[4], EXP_P[2]);
    let po = madd(r2, EXP_P[3], EXP_P[1]);
    let pe = madd(r2, pe, EXP_P[0]);
    let pl = r + 1.0;
    let y = madd(r, po, pe);
    let y = madd(r2, y, pl);
    let e = y * pow2_clamped(m);
    let e = if m > 127.0 { e + e } else { e };
    let e = ftz(e);
    if x0 < EXP_LO {
        0.0
    } else {
        e
    }
}

/// TF's float32 `exp` on the scalar tail: glibc's `expf`, output flushed.
#[inline]
pub fn exp_tail(x: f32) -> f32 {
    ftz(x.exp())
}

/// `sigmoid`'s clamp: from here the result is exactly 1.
pub const SIGMOID_HI: f32 = 16.635_532_4;
/// `sigmoid`'s degree-5 polynomial coefficients `p2..p5` for `exp(r)`.
pub const SIGMOID_P: [f32; 4] = [
    0.499_991_416_931_152_343_75,
    0.166_668_772_697_448_730_468_75,
    4.189_866_781_234_741_210_937_5e-2,
    8.334_713_056_683_540_344_238_281_25e-3,
];

/// TF's float32 `sigmoid` on the packet path
/// (`scalar_logistic_op<float>::packetOp`): `e = exp(x/2)^2` with a
/// degree-5 polynomial, then `e / (1 + e)`; 0 below -104.
#[inline(always)]
pub fn sigmoid(x0: f32) -> f32 {
    let x = pmin(x0, SIGMOID_HI) * 0.5;
    let m = madd(x, LOG2EF, 0.5).floor();
    let r = madd(m, EXP_C1, x);
    let r = madd(m, EXP_C2, r);
    let r2 = r * r;
    let pe = madd(r2, SIGMOID_P[2], SIGMOID_P[0]);
    let po = madd(r2, SIGMOID_P[3], SIGMOID_P[1]);
    let pl = r + 1.0;
    let p = madd(r, po, pe);
    let p = madd(r2, p, pl);
    let e = p * pow2_clamped(m);
    let e = ftz(e * e);
    let s = e / (1.0 + e);
    if x0 < EXP_LO {
        0.0
    } else {
        s
    }
}

/// TF's float32 `sigmoid` on the scalar tail: `e = expf(min(x,
/// 16.6355324))` (NaN passes `min`), `e / (1 + e)`.
#[inline]
pub fn sigmoid_tail(x: f32) -> f32 {
    let e = ftz(pmin(x, SIGMOID_HI).exp());
    ftz(e / (1.0 + e))
}

/// `log` numerator coefficients (of `x`, highest first; times `x`).
pub const LOG_ALPHA: [f32; 3] = [0.182_562_963_498_492_54, 1.000_000_019_028_106_3, 1.000_000_019_028_113_6];
/// `log` denominator coefficients (highest first).
pub const LOG_BETA: [f32; 4] = [0.049_616_247_954_120_038, 0.599_232_495_908_235_20, 1.499_999_999_999_992_7, 1.0];
/// `sqrt(1/2)`: mantissas below it are doubled (exponent minus one).
pub const SQRTHF: f32 = 0.707_106_781_186_547_524;

/// TF's float32 `log` on the packet path (Eigen `plog_float`): `x = m 2^e`
/// with `m` in `[√½, √2)`, `log(m)` by a [2/3] rational in `m - 1`, plus
/// `e ln 2`; 0 → -inf, negative or NaN → NaN, +inf → +inf. Denormal
/// inputs read as 0 (DAZ).
#[inline(always)]
pub fn log(x0: f32) -> f32 {
    let x0 = ftz(x0);
    // frexp of a normal float: mantissa in [0.5, 1), unbiased exponent + 1.
    let bits = x0.to_bits();
    let m = f32::from_bits((bits & !0x7f80_0000) | 0x3f00_0000);
    let e = ((bits >> 23) & 0xff) as i32 as f32 - 126.0;
    let small = m < SQRTHF;
    let tmp = if small { m } else { 0.0 };
    let x = m - 1.0;
    let e = e - if small { 1.0 } else { 0.0 };
    let x = x + tmp;
    let p = madd(madd(LOG_ALPHA[0], x, LOG_ALPHA[1]), x, LOG_ALPHA[2]);
    let p = x * p;
    let q = madd(madd(madd(LOG_BETA[0], x, LOG_BETA[1]), x, LOG_BETA[2]), x, LOG_BETA[3]);
    let r = madd(e, std::f32::consts::LN_2, p / q);
    if x0 == 0.0 {
        f32::NEG_INFINITY
    } else if !(x0 >= 0.0) {
        f32::NAN
    } else if x0 == f32::INFINITY {
        f32::INFINITY
    } else {
        r
    }
}

/// TF's float32 `log` on the scalar tail: glibc's `logf`. Under DAZ,
/// glibc's scaling of a positive denormal reads 0, which gives
/// `log(2^-150)`; a negative denormal is NaN by its sign bit.
#[inline]
pub fn log_tail(x: f32) -> f32 {
    if x != 0.0 && x.abs() < f32::MIN_POSITIVE {
        if x > 0.0 {
            f32::from_bits(0xc2cf_f1b4)
        } else {
            f32::NAN
        }
    } else {
        x.ln()
    }
}

/// `2/pi` in 192 bits, each 32-bit window stored at every byte offset
/// (Eigen's table for Payne-Hanek reduction of huge arguments).
const TWO_OVER_PI: [u32; 26] = [
    0x00000028, 0x000028be, 0x0028be60, 0x28be60db, 0xbe60db93, 0x60db9391, 0xdb939105, 0x9391054a, 0x91054a7f,
    0x054a7f09, 0x4a7f09d5, 0x7f09d5f4, 0x09d5f47d, 0xd5f47d4d, 0xf47d4d37, 0x7d4d3770, 0x4d377036, 0x377036d8,
    0x7036d8a5, 0x36d8a566, 0xd8a5664f, 0xa5664f10, 0x664f10e4, 0x4f10e410, 0x10e41000, 0xe4100000,
];

/// Eigen's `trig_reduce_huge`: `x - q pi/2` for a finite `x >= 2^14`
/// (nearest `q`, returned too), in 2.62-bit fixed point.
fn trig_reduce_huge(xf: f32) -> (f32, i32) {
    const PIO2_62: f64 = 3.406_121_580_086_554_5e-19;
    const HALF: u64 = 1 << 61;
    let xi = xf.to_bits();
    let e = (xi >> 23).wrapping_sub(118);
    let xi = ((xi & 0x007f_ffff) | 0x0080_0000) << (e & 0x7);
    let i = (e >> 3) as usize;
    let (t1, t2, t3) = (TWO_OVER_PI[i - 1], TWO_OVER_PI[i + 3], TWO_OVER_PI[i + 7]);
    let p = xi as u64 * t3 as u64;
    let p = (xi as u64 * t2 as u64).wrapping_add(p >> 32);
    let p = ((xi.wrapping_mul(t1) as u64) << 32).wrapping_add(p);
    let q = p.wrapping_add(HALF) >> 62;
    let p = p.wrapping_sub(q << 62);
    ((p as i64 as f64 * PIO2_62) as f32, q as i32)
}

/// TF's float32 `sin` (`SINE`) or `cos` on the packet path (Eigen
/// `psincos_float` without FMA): `y = round(|x| 2/pi)`, `x - y pi/2` in
/// four parts (Payne-Hanek beyond 25966 / 18838), then the sine or
/// cosine polynomial by the quadrant. Denormal inputs read as 0.
#[inline(always)]
pub fn sincos<const SINE: bool>(x0: f32) -> f32 {
    sincos_reduced::<SINE, true>(x0)
}

/// [`sincos`], with the reduction of huge arguments (`HUGE`) or without it
/// (then only right below the thresholds; see [`sincos_slice`]).
#[inline(always)]
fn sincos_reduced<const SINE: bool, const HUGE: bool>(x0: f32) -> f32 {
    let x0 = ftz(x0);
    let ax = x0.abs();
    let y = ax * 0.636_619_746_685_028_076_171_875;
    let y_round = y + 12_582_912.0;
    let mut y_int = y_round.to_bits() as i32;
    let y = y_round - 12_582_912.0;
    let mut x = madd(y, -1.570_312_5, ax);
    x = madd(y, -0.000_483_989_715_576_171_875, x);
    x = madd(y, 1.628_650_352_358_818_054_199_218_75e-7, x);
    x = madd(y, 5.564_431_554_416_771_064_097_702_037_543_058_395_385_742_187_5e-11, x);
    let huge = if SINE { 25_966.0 } else { 18_838.0 };
    if HUGE && ax >= huge && ax.is_finite() {
        (x, y_int) = trig_reduce_huge(ax);
    }
    let sign = if SINE { x0.to_bits() ^ ((y_int as u32) << 30) } else { (y_int.wrapping_add(1) as u32) << 30 };
    let sign = sign & 0x8000_0000;
    let even = y_int & 1 == 0;
    let x2 = x * x;
    let mut c = 2.437_226_612_528_320_401_906_967_163_085_937_5e-5f32;
    c = madd(c, x2, -0.001_388_652_017_340_064_048_767_089_843_75);
    c = madd(c, x2, 0.041_666_619_479_656_219_482_421_875);
    c = madd(c, x2, -0.5);
    c = madd(c, x2, 1.0);
    let mut s = -0.000_195_923_411_408_370_289_846_919_698_462_102_132_907_602_936_029_434_204_101_562_5f32;
    s = madd(s, x2, 0.008_332_687_365_561_685_169_379_479_987_128_434_004_262_089_729_309_082_031_25);
    s = madd(s, x2, -0.166_666_620_398_229_825_550_373_561_782_180_331_647_396_087_646_484_375);
    s = s * x2;
    s = madd(s, x, x);
    let r = if SINE == even { s } else { c };
    ftz(f32::from_bits(r.to_bits() ^ sign))
}

/// [`sincos`] of every element of `x` into `y` (as long as the shorter):
/// the same values, in a loop the compiler vectorizes (arguments beyond the
/// huge-argument thresholds are redone one by one).
pub fn sincos_slice<const SINE: bool>(x: &[f32], y: &mut [f32]) {
    for (o, &a) in y.iter_mut().zip(x) {
        *o = sincos_reduced::<SINE, false>(a);
    }
    let huge = if SINE { 25_966.0 } else { 18_838.0 };
    for (o, &a) in y.iter_mut().zip(x) {
        if ftz(a).abs() >= huge {
            *o = sincos::<SINE>(a);
        }
    }
}

/// TF's float32 `sin` (packet path).
#[inline]
pub fn sin(x: f32) -> f32 {
    sincos::<true>(x)
}

/// TF's float32 `cos` (packet path).
#[inline]
pub fn cos(x: f32) -> f32 {
    sincos::<false>(x)
}

/// TF's float32 `sin` on the scalar tail: glibc's `sinf`, which returns a
/// denormal argument unchanged.
#[inline]
pub fn sin_tail(x: f32) -> f32 {
    if x.abs() < f32::MIN_POSITIVE {
        x
    } else {
        ftz(x.sin())
    }
}

/// TF's float32 `cos` on the scalar tail: glibc's `cosf`.
#[inline]
pub fn cos_tail(x: f32) -> f32 {
    ftz(x.cos())
}

/// Applies `packet` to the elements TF evaluates in whole packets and
/// `tail` to the rest (the last `n % 8`), in place.
pub fn apply(v: &mut [f32], packet: impl Fn(f32) -> f32, tail: impl Fn(f32) -> f32) {
    let t = tail_start(v.len());
    let (head, rest) = v.split_at_mut(t);
    for x in head {
        *x = packet(*x);
    }
    for x in rest {
        *x = tail(*x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials() {
        assert_eq!(tanh(50.0), 1.0);
        assert_eq!(tanh(-50.0), -1.0);
        assert!(tanh(f32::NAN).is_nan());
        assert_eq!(tanh(-1e-40).to_bits(), (-0.0f32).to_bits());
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(100.0), f32::INFINITY);
        assert_eq!(exp(f32::INFINITY), f32::INFINITY);
        assert_eq!(exp(f32::NEG_INFINITY), 0.0);
        assert_eq!(exp(-90.0), 0.0);
        assert!(exp(f32::NAN).is_nan());
        assert!(exp(88.7) > 3.0e38 && exp(88.7).is_finite());
        assert_eq!(sigmoid(20.0), 1.0);
        assert_eq!(sigmoid(-200.0), 0.0);
        assert!(sigmoid(f32::NAN).is_nan() && sigmoid_tail(f32::NAN).is_nan());
        assert_eq!(log(1.0), 0.0);
        assert_eq!(log(0.0), f32::NEG_INFINITY);
        assert_eq!(log(-0.0), f32::NEG_INFINITY);
        assert_eq!(log(1e-40), f32::NEG_INFINITY);
        assert!(log(-1.0).is_nan() && log(f32::NAN).is_nan());
        assert_eq!(log(f32::INFINITY), f32::INFINITY);
        assert_eq!(log_tail(1e-40), -103.972_08);
        assert!(log_tail(-1e-40).is_nan());
        assert_eq!(tail_start(17), 16);
        assert_eq!(tail_start(7), 0);
    }

    /// The slice form gives the scalar form's bits, also for huge, special
    /// and denormal arguments.
    #[test]
    fn sincos_slice_matches() {
        let mut xs: Vec<f32> = (0..4000).map(|i| (i as f32 - 2000.0) * 0.0137).collect();
        xs.extend([0.0, -0.0, 1e-40, -1e-40, 25_965.9, 25_966.0, 18_838.0, 1e30, -3e38, f32::INFINITY, f32::NAN, f32::MAX]);
        xs.extend((0..200).map(|i| f32::from_bits(0x4700_0000 + i * 7919)));
        let mut y = vec![0f32; xs.len()];
        sincos_slice::<true>(&xs, &mut y);
        assert!(xs.iter().zip(&y).all(|(&a, &b)| sin(a).to_bits() == b.to_bits()));
        sincos_slice::<false>(&xs, &mut y);
        assert!(xs.iter().zip(&y).all(|(&a, &b)| cos(a).to_bits() == b.to_bits()));
    }

    /// Values TF 2.21 printed (bits), for inputs where libm differs.
    #[test]
    fn tf_values() {
        // tanh(1.6050617) = 0.9224268 (FMA variant: 0.92242694)
        assert_eq!(tanh(f32::from_bits(0x3fcd_72a9)), 0.922_426_8);
        // exp(0.42893136) = 1.5356157 on the packet path
        assert_eq!(exp(f32::from_bits(0x3edb_9ce4)), 1.535_615_7);
        // exp(25.278706): packet 9.514858e10, libm 9.514859e10
        assert_eq!(exp(f32::from_bits(0x41ca_3aca)), 9.514_858e10);
        assert_eq!(exp_tail(f32::from_bits(0x41ca_3aca)), 9.514_859e10);
        // log(5.2862293e34) = 79.953 on the packet path
        assert_eq!(log(f32::from_bits(0x7922_e4ff)), 79.953);
        // sigmoid(1.6050617) = 0.8327246 on the packet path
        assert_eq!(sigmoid(f32::from_bits(0x3fcd_72a9)), 0.832_724_6);
    }
}
