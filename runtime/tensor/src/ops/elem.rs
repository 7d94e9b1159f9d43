//! Element types: the Rust scalar behind each dtype, and the numeric traits
//! the generic reference kernels are written against.
//!
//! Integer arithmetic wraps (as TF's C++ kernels do on two's complement);
//! float32 math is done in `f32`, transcendentals as TF's Eigen kernels
//! compute them ([`tfmath`](super::tfmath)).

use super::tfmath;
use crate::dtype::DType;
use crate::tensor::Data;
use std::fmt::Debug;

/// A Rust scalar type that is the storage of one dtype.
pub trait Elem: Copy + PartialEq + PartialOrd + Default + Debug + Send + Sync + 'static {
    const DTYPE: DType;
    /// The buffer as a slice of `Self`, if `d` holds this type.
    fn slice(d: &Data) -> Option<&[Self]>;
    /// Wrap a buffer of `Self` as `Data`.
    fn into_data(v: Vec<Self>) -> Data;
    /// Conversion from f64 (floats round, ints truncate like a C cast would
    /// for in-range values; out of range saturates).
    fn from_f64(x: f64) -> Self;
    /// Conversion from i64 (ints wrap, floats round to nearest).
    fn from_i64(x: i64) -> Self;
    fn to_f64(self) -> f64;
}

macro_rules! impl_elem {
    ($t:ty, $dt:ident, $var:ident, $from_f:expr, $from_i:expr, $to_f:expr) => {
        impl Elem for $t {
            const DTYPE: DType = DType::$dt;
            fn slice(d: &Data) -> Option<&[Self]> {
                match d {
                    Data::$var(v) => Some(v),
                    _ => None,
                }
            }
            fn into_data(v: Vec<Self>) -> Data {
                Data::$var(v)
            }
            fn from_f64(x: f64) -> Self {
                ($from_f)(x)
            }
            fn from_i64(x: i64) -> Self {
                ($from_i)(x)
            }
            fn to_f64(self) -> f64 {
                ($to_f)(self)
            }
        }
    };
}

impl_elem!(f32, Float32, F32, |x: f64| x as f32, |x: i64| x as f32, |x: f32| x as f64);
impl_elem!(f64, Float64, F64, |x: f64| x, |x: i64| x as f64, |x: f64| x);
impl_elem!(i32, Int32, I32, |x: f64| x as i32, |x: i64| x as i32, |x: i32| x as f64);
impl_elem!(i64, Int64, I64, |x: f64| x as i64, |x: i64| x, |x: i64| x as f64);
impl_elem!(bool, Bool, Bool, |x: f64| x != 0.0, |x: i64| x != 0, |x: bool| x as u8 as f64);

/// Wrap a typed buffer as `Data` (lets generic code name no type).
pub fn to_data<T: Elem>(v: Vec<T>) -> Data {
    T::into_data(v)
}

/// Numbers: the four numeric dtypes.
pub trait Num: Elem {
    fn zero() -> Self;
    fn one() -> Self;
    /// Smallest value (`-inf` for floats): the identity of `Max`.
    fn lowest() -> Self;
    /// Largest value (`+inf` for floats): the identity of `Min`.
    fn highest() -> Self;
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn abs(self) -> Self;
    /// -1, 0 or 1 (NaN stays NaN, -0.0 gives 0).
    fn sign(self) -> Self;
    fn is_nan(self) -> bool;
    /// `self * a + b`, fused (single rounding) for floats, wrapping for ints.
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Maximum as TF computes it: NaN propagates.
    fn max_nan(self, o: Self) -> Self {
        if self.is_nan() || o.is_nan() {
            if self.is_nan() {
                self
            } else {
                o
            }
        } else if o > self {
            o
        } else {
            self
        }
    }
    /// Minimum as TF computes it: NaN propagates.
    fn min_nan(self, o: Self) -> Self {
        if self.is_nan() || o.is_nan() {
            if self.is_nan() {
                self
            } else {
                o
            }
        } else if o < self {
            o
        } else {
            self
        }
    }
}

macro_rules! impl_num_int {
    ($t:ty) => {
        impl Num for $t {
            fn zero() -> Self {
                0
            }
            fn one() -> Self {
                1
            }
            fn lowest() -> Self {
                <$t>::MIN
            }
            fn highest() -> Self {
                <$t>::MAX
            }
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            fn sub(self, o: Self) -> Self {
                self.wrapping_sub(o)
            }
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            fn neg(self) -> Self {
                self.wrapping_neg()
            }
            fn abs(self) -> Self {
                self.wrapping_abs()
            }
            fn sign(self) -> Self {
                self.signum()
            }
            fn is_nan(self) -> bool {
                false
            }
            fn mul_add(self, a: Self, b: Self) -> Self {
                self.wrapping_mul(a).wrapping_add(b)
            }
        }
    };
}
impl_num_int!(i32);
impl_num_int!(i64);

macro_rules! impl_num_float {
    ($t:ty) => {
        impl Num for $t {
            fn zero() -> Self {
                0.0
            }
            fn one() -> Self {
                1.0
            }
            fn lowest() -> Self {
                <$t>::NEG_INFINITY
            }
            fn highest() -> Self {
                <$t>::INFINITY
            }
            fn add(self, o: Self) -> Self {
                self + o
            }
            fn sub(self, o: Self) -> Self {
                self - o
            }
            fn mul(self, o: Self) -> Self {
                self * o
            }
            fn neg(self) -> Self {
                -self
            }
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            fn sign(self) -> Self {
                if self > 0.0 {
                    1.0
                } else if self < 0.0 {
                    -1.0
                } else {
                    // 0, -0 and NaN are returned unchanged in kind (-0 → 0).
                    if self.is_nan() {
                        self
                    } else {
                        0.0
                    }
                }
            }
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
        }
    };
}
impl_num_float!(f32);
impl_num_float!(f64);

/// Integers: floor division/modulo and integer powers.
pub trait Int: Num {
    fn is_zero(self) -> bool;
    /// Python-style floor division (caller has checked `o != 0`); wraps on MIN / -1.
    fn floor_div(self, o: Self) -> Self;
    /// Python-style modulo (sign of the divisor); MIN % -1 = 0.
    fn floor_mod(self, o: Self) -> Self;
    /// Truncating division (caller has checked `o != 0`).
    fn trunc_div(self, o: Self) -> Self;
    /// `self ** e` by squaring, wrapping; caller has checked `e >= 0`.
    fn pow_int(self, e: Self) -> Self;
    fn to_i64(self) -> i64;
}

macro_rules! impl_int {
    ($t:ty) => {
        impl Int for $t {
            fn is_zero(self) -> bool {
                self == 0
            }
            fn floor_div(self, o: Self) -> Self {
                let q = self.wrapping_div(o);
                let r = self.wrapping_rem(o);
                if r != 0 && ((r < 0) != (o < 0)) {
                    q.wrapping_sub(1)
                } else {
                    q
                }
            }
            fn floor_mod(self, o: Self) -> Self {
                let r = self.wrapping_rem(o);
                if r != 0 && ((r < 0) != (o < 0)) {
                    r.wrapping_add(o)
                } else {
                    r
                }
            }
            fn trunc_div(self, o: Self) -> Self {
                self.wrapping_div(o)
            }
            fn pow_int(self, e: Self) -> Self {
                let mut base = self;
                let mut e = e;
                let mut acc: $t = 1;
                while e > 0 {
                    if e & 1 == 1 {
                        acc = acc.wrapping_mul(base);
                    }
                    e >>= 1;
                    if e > 0 {
                        base = base.wrapping_mul(base);
                    }
                }
                acc
            }
            fn to_i64(self) -> i64 {
                self as i64
            }
        }
    };
}
impl_int!(i32);
impl_int!(i64);

/// Floating point: the transcendental functions, computed in the type's own
/// precision.
pub trait Float: Num {
    fn from_f32(x: f32) -> Self;
    fn nan() -> Self;
    fn div(self, o: Self) -> Self;
    fn sqrt(self) -> Self;
    /// `exp` as TF's kernels compute it for whole packets (float32:
    /// [`tfmath::exp`](super::tfmath::exp); float64: libm).
    fn exp(self) -> Self;
    /// `exp` as TF computes the last `n % 8` elements of an op (float32:
    /// glibc's `expf`; see [`tfmath`](super::tfmath)).
    fn exp_tail(self) -> Self;
    fn exp_m1(self) -> Self;
    /// `log` on the packet path (float32: [`tfmath::log`](super::tfmath::log)).
    fn ln(self) -> Self;
    /// `log` on the scalar tail (float32: glibc's `logf` under DAZ).
    fn ln_tail(self) -> Self;
    fn ln_1p(self) -> Self;
    /// `sin` on the packet path (float32: [`tfmath::sin`](super::tfmath::sin)).
    fn sin(self) -> Self;
    /// `sin` on the scalar tail (float32: glibc's `sinf`).
    fn sin_tail(self) -> Self;
    /// `cos` on the packet path (float32: [`tfmath::cos`](super::tfmath::cos)).
    fn cos(self) -> Self;
    /// `cos` on the scalar tail (float32: glibc's `cosf`).
    fn cos_tail(self) -> Self;
    /// `tanh` (float32: Eigen's rational function on every element).
    fn tanh(self) -> Self;
    /// The logistic function on the packet path (float32:
    /// [`tfmath::sigmoid`](super::tfmath::sigmoid)).
    fn logistic(self) -> Self;
    /// The logistic function on the scalar tail.
    fn logistic_tail(self) -> Self;
    fn floor(self) -> Self;
    fn ceil(self) -> Self;
    fn trunc(self) -> Self;
    fn powf(self, o: Self) -> Self;
    /// C `fmod`: remainder with the sign of `self`.
    fn fmod(self, o: Self) -> Self;
    /// Round half to even (banker's rounding).
    fn round_even(self) -> Self;
    fn is_infinite(self) -> bool;
    /// Machine epsilon.
    fn epsilon() -> Self;
}

macro_rules! impl_float {
    ($t:ty, $($fns:tt)*) => {
        impl Float for $t {
            fn from_f32(x: f32) -> Self {
                x as $t
            }
            fn nan() -> Self {
                <$t>::NAN
            }
            fn div(self, o: Self) -> Self {
                self / o
            }
            fn sqrt(self) -> Self {
                <$t>::sqrt(self)
            }
            fn exp_m1(self) -> Self {
                <$t>::exp_m1(self)
            }
            fn ln_1p(self) -> Self {
                <$t>::ln_1p(self)
            }
            $($fns)*
            fn floor(self) -> Self {
                <$t>::floor(self)
            }
            fn ceil(self) -> Self {
                <$t>::ceil(self)
            }
            fn trunc(self) -> Self {
                <$t>::trunc(self)
            }
            fn powf(self, o: Self) -> Self {
                <$t>::powf(self, o)
            }
            fn fmod(self, o: Self) -> Self {
                self % o
            }
            fn round_even(self) -> Self {
                let r = <$t>::round(self);
                if (self - <$t>::trunc(self)).abs() == 0.5 {
                    // Tie: pick the even neighbour.
                    2.0 * <$t>::round(self / 2.0)
                } else {
                    r
                }
            }
            fn is_infinite(self) -> bool {
                <$t>::is_infinite(self)
            }
            fn epsilon() -> Self {
                <$t>::EPSILON
            }
        }
    };
}
impl_float!(f32,
    fn sin(self) -> Self {
        tfmath::sin(self)
    }
    fn sin_tail(self) -> Self {
        tfmath::sin_tail(self)
    }
    fn cos(self) -> Self {
        tfmath::cos(self)
    }
    fn cos_tail(self) -> Self {
        tfmath::cos_tail(self)
    }
    fn exp(self) -> Self {
        tfmath::exp(self)
    }
    fn exp_tail(self) -> Self {
        tfmath::exp_tail(self)
    }
    fn ln(self) -> Self {
        tfmath::log(self)
    }
    fn ln_tail(self) -> Self {
        tfmath::log_tail(self)
    }
    fn tanh(self) -> Self {
        tfmath::tanh(self)
    }
    fn logistic(self) -> Self {
        tfmath::sigmoid(self)
    }
    fn logistic_tail(self) -> Self {
        tfmath::sigmoid_tail(self)
    }
);
// float64 keeps libm (TF's Packet4d paths are not modelled).
impl_float!(f64,
    fn sin(self) -> Self {
        f64::sin(self)
    }
    fn sin_tail(self) -> Self {
        f64::sin(self)
    }
    fn cos(self) -> Self {
        f64::cos(self)
    }
    fn cos_tail(self) -> Self {
        f64::cos(self)
    }
    fn exp(self) -> Self {
        f64::exp(self)
    }
    fn exp_tail(self) -> Self {
        f64::exp(self)
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn ln_tail(self) -> Self {
        f64::ln(self)
    }
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    fn logistic(self) -> Self {
        // Stable for large |x|.
        if self >= 0.0 {
            1.0 / (1.0 + (-self).exp())
        } else {
            let e = self.exp();
            e / (1.0 + e)
        }
    }
    fn logistic_tail(self) -> Self {
        self.logistic()
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_div_mod_python_semantics() {
        assert_eq!((-7i32).floor_div(3), -3);
        assert_eq!(7i32.floor_div(-3), -3);
        assert_eq!((-7i32).floor_div(-3), 2);
        assert_eq!((-7i32).floor_mod(3), 2);
        assert_eq!(7i32.floor_mod(-3), -2);
        assert_eq!(i32::MIN.floor_div(-1), i32::MIN);
        assert_eq!(i32::MIN.floor_mod(-1), 0);
    }

    #[test]
    fn pow_and_round() {
        assert_eq!(3i64.pow_int(50), 6048575297968530377);
        assert_eq!(0i32.pow_int(0), 1);
        assert_eq!(2i32.pow_int(62), 0);
        let r: Vec<f32> = [0.5f32, 1.5, 2.5, -0.5, -1.5, 2.6].iter().map(|x| x.round_even()).collect();
        assert_eq!(r, vec![0.0, 2.0, 2.0, -0.0, -2.0, 3.0]);
        assert!(r[3].is_sign_negative());
    }
}
