//! Elementwise arithmetic with NumPy broadcasting (AddV2, Sub, Mul, RealDiv,
//! FloorDiv, FloorMod, Pow, Maximum, Minimum, SquaredDifference) and unary
//! math (Neg, Abs, Square, Sqrt, Rsqrt, Exp, Log, Log1p, Sin, Cos, Tanh,
//! Sigmoid, Floor, Ceil, Round, Sign, Reciprocal).

use std::cell::Cell;

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, InputInfo, OpClass, OpDef};
use crate::shape::TensorType;
use crate::tensor::{Data, Tensor};

use super::broadcast::{broadcast_or_err, broadcast_static, map2};
use super::common::{arity, check_allowed, input, make, no_kernel, one, same_dtype, tin, Allowed, FLOAT_CPLX, FLOAT_REAL, NUMERIC, REAL, SIGNED};
use super::elem::{Float, Int};

// ---------------------------------------------------------------- binary

/// A numeric binary op, defined once for integers and once for floats.
pub trait Arith {
    const NAME: &'static str;
    const ALLOWED: Allowed;
    /// Whether integer dtypes have a CPU kernel (RealDiv has none).
    const INT_KERNEL: bool = true;
    /// Integer case; `None` signals the op's integer error (see `INT_ERROR`).
    fn int<T: Int>(a: T, b: T) -> Option<T>;
    /// The message raised when `int` returns `None`.
    const INT_ERROR: &'static str = "Integer division by zero";
    fn float<T: Float>(a: T, b: T) -> T;
}

/// Shape/dtype rule of a broadcasting binary op with output dtype `T`.
pub fn binary_infer<O: Arith>(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity(O::NAME, inputs.len(), 2)?;
    let d = same_dtype(O::NAME, inputs, &[0, 1])?;
    check_allowed(O::NAME, d, &O::ALLOWED)?;
    if d.is_int() && !O::INT_KERNEL {
        return Err(no_kernel(O::NAME, d));
    }
    let s = broadcast_static(&input(O::NAME, inputs, 0)?.ty.shape, &input(O::NAME, inputs, 1)?.ty.shape)?;
    one(d, s)
}

fn arith_int<O: Arith, T: Int>(a: &Tensor, b: &Tensor, x: &[T], y: &[T]) -> TfResult<Tensor> {
    let out = broadcast_or_err(a.shape(), b.shape())?;
    super::common::alloc_check(&out, T::DTYPE)?;
    let failed = Cell::new(false);
    let v = map2(x, a.shape(), y, b.shape(), &out, |p, q| {
        O::int(p, q).unwrap_or_else(|| {
            failed.set(true);
            T::zero()
        })
    });
    if failed.get() {
        return Err(TfError::invalid_argument(O::INT_ERROR));
    }
    make(out, v)
}

fn arith_float<O: Arith, T: Float>(a: &Tensor, b: &Tensor, x: &[T], y: &[T]) -> TfResult<Tensor> {
    let out = broadcast_or_err(a.shape(), b.shape())?;
    super::common::alloc_check(&out, T::DTYPE)?;
    make(out.clone(), map2(x, a.shape(), y, b.shape(), &out, O::float::<T>))
}

/// Reference kernel of a numeric binary op.
pub fn binary_kernel<O: Arith>(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let a = tin(O::NAME, inputs, 0)?;
    let b = tin(O::NAME, inputs, 1)?;
    let r = match (a.data(), b.data()) {
        (Data::F32(x), Data::F32(y)) => arith_float::<O, f32>(a, b, x, y)?,
        (Data::F64(x), Data::F64(y)) => arith_float::<O, f64>(a, b, x, y)?,
        (Data::I32(x), Data::I32(y)) if O::INT_KERNEL => arith_int::<O, i32>(a, b, x, y)?,
        (Data::I64(x), Data::I64(y)) if O::INT_KERNEL => arith_int::<O, i64>(a, b, x, y)?,
        _ => {
            return Err(if a.dtype() != b.dtype() {
                super::common::dtype_mismatch(O::NAME, 1, a.dtype(), b.dtype())
            } else {
                no_kernel(O::NAME, a.dtype())
            })
        }
    };
    Ok(vec![r])
}

macro_rules! arith {
    ($ty:ident, $name:literal, $allowed:expr, |$a:ident, $b:ident| int: $int:expr, float: $fl:expr $(, $extra:item)*) => {
        #[doc = concat!("TF's `", $name, "`.")]
        pub struct $ty;
        impl Arith for $ty {
            const NAME: &'static str = $name;
            const ALLOWED: Allowed = $allowed;
            fn int<T: Int>($a: T, $b: T) -> Option<T> {
                $int
            }
            fn float<T: Float>($a: T, $b: T) -> T {
                $fl
            }
            $($extra)*
        }
    };
}

arith!(Add, "AddV2", NUMERIC, |a, b| int: Some(a.add(b)), float: a.add(b));
arith!(Sub, "Sub", NUMERIC, |a, b| int: Some(a.sub(b)), float: a.sub(b));
arith!(Mul, "Mul", NUMERIC, |a, b| int: Some(a.mul(b)), float: a.mul(b));
arith!(RealDiv, "RealDiv", NUMERIC,
    |a, b| int: if b.is_zero() { None } else { Some(a.trunc_div(b)) }, float: a.div(b),
    const INT_KERNEL: bool = false;);
arith!(FloorDiv, "FloorDiv", NUMERIC,
    |a, b| int: if b.is_zero() { None } else { Some(a.floor_div(b)) }, float: a.div(b).floor());
arith!(FloorMod, "FloorMod", REAL,
    |a, b| int: if b.is_zero() { None } else { Some(a.floor_mod(b)) },
    float: {
        let m = a.fmod(b);
        if m != T::zero() && ((b < T::zero()) != (m < T::zero())) { m.add(b) } else { m }
    });
arith!(Pow, "Pow", Allowed {
        types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64],
        text: "bfloat16, float, half, double, int8, int16, int32, int64, complex64, complex128",
    },
    |a, b| int: if b < T::zero() { None } else { Some(a.pow_int(b)) }, float: a.powf(b),
    const INT_ERROR: &'static str = "Integers to negative integer powers are not allowed";);
arith!(Maximum, "Maximum", REAL, |a, b| int: Some(a.max_nan(b)), float: a.max_nan(b));
arith!(Minimum, "Minimum", REAL, |a, b| int: Some(a.min_nan(b)), float: a.min_nan(b));
arith!(SquaredDifference, "SquaredDifference", Allowed {
        types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64],
        text: "bfloat16, half, float, double, int32, int64, complex64, complex128",
    },
    |a, b| int: { let d = a.sub(b); Some(d.mul(d)) }, float: { let d = a.sub(b); d.mul(d) });

macro_rules! binary_def {
    ($def:ident, $ty:ident, $grad:expr) => {
        #[doc = concat!("The `", stringify!($ty), "` op definition.")]
        pub static $def: OpDef = OpDef {
            name: <$ty as Arith>::NAME,
            class: OpClass::Elementwise,
            infer: binary_infer::<$ty>,
            kernel: binary_kernel::<$ty>,
            grad: $grad,
        };
    };
}
binary_def!(ADD_V2, Add, Some(crate::grad::math::add_v2));
binary_def!(SUB, Sub, Some(crate::grad::math::sub_grad));
binary_def!(MUL, Mul, Some(crate::grad::math::mul_grad));
binary_def!(REAL_DIV, RealDiv, Some(crate::grad::math::real_div_grad));
binary_def!(FLOOR_DIV, FloorDiv, None);
binary_def!(FLOOR_MOD, FloorMod, Some(crate::grad::math::floor_mod_grad));
binary_def!(POW, Pow, Some(crate::grad::math::pow_grad));
binary_def!(MAXIMUM, Maximum, Some(crate::grad::math::maximum_grad));
binary_def!(MINIMUM, Minimum, Some(crate::grad::math::minimum_grad));
binary_def!(SQUARED_DIFFERENCE, SquaredDifference, Some(crate::grad::math::squared_difference_grad));

// ---------------------------------------------------------------- unary

/// A unary op, defined for integers (if registered) and floats.
pub trait Unary {
    const NAME: &'static str;
    const ALLOWED: Allowed;
    /// Integer case, or `None` if the op has no integer kernel.
    fn int<T: Int>(_x: T) -> Option<T> {
        None
    }
    /// Whether ints are registered.
    const INT: bool = false;
    fn float<T: Float>(x: T) -> T;
    /// The last `n % 8` elements of a float32 op, which TF computes with
    /// Eigen's scalar functor (libm for `exp`/`log`; see `tfmath`).
    fn float_tail<T: Float>(x: T) -> T {
        Self::float(x)
    }
}

/// Shape/dtype rule of a unary op: same type out.
pub fn unary_infer<O: Unary>(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity(O::NAME, inputs.len(), 1)?;
    let i = input(O::NAME, inputs, 0)?;
    check_allowed(O::NAME, i.ty.dtype, &O::ALLOWED)?;
    if i.ty.dtype.is_int() && !O::INT {
        return Err(no_kernel(O::NAME, i.ty.dtype));
    }
    Ok(vec![i.ty.clone()])
}

fn unary_int<O: Unary, T: Int>(shape: &[usize], x: &[T]) -> TfResult<Tensor> {
    let v: Vec<T> = x.iter().map(|&e| O::int(e).unwrap_or_else(T::zero)).collect();
    make(shape.to_vec(), v)
}

/// Reference kernel of a unary op.
pub fn unary_kernel<O: Unary>(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let a = tin(O::NAME, inputs, 0)?;
    let s = a.shape();
    let r = match a.data() {
        Data::F32(x) => {
            let t = super::tfmath::tail_start(x.len());
            let v: Vec<f32> =
                x.iter().enumerate().map(|(i, &e)| if i < t { O::float(e) } else { O::float_tail(e) }).collect();
            make(s.to_vec(), v)?
        }
        Data::F64(x) => make(s.to_vec(), x.iter().map(|&e| O::float(e)).collect::<Vec<f64>>())?,
        Data::I32(x) if O::INT => unary_int::<O, i32>(s, x)?,
        Data::I64(x) if O::INT => unary_int::<O, i64>(s, x)?,
        _ => return Err(no_kernel(O::NAME, a.dtype())),
    };
    Ok(vec![r])
}

macro_rules! unary {
    ($ty:ident, $def:ident, $name:literal, $allowed:expr, $grad:expr, |$x:ident| float: $fl:expr $(, tail: $tl:expr)? $(, int: $int:expr)?) => {
        #[doc = concat!("TF's `", $name, "`.")]
        pub struct $ty;
        impl Unary for $ty {
            const NAME: &'static str = $name;
            const ALLOWED: Allowed = $allowed;
            fn float<T: Float>($x: T) -> T {
                $fl
            }
            $(
                fn float_tail<T: Float>($x: T) -> T {
                    $tl
                }
            )?
            $(
                const INT: bool = true;
                fn int<T: Int>($x: T) -> Option<T> {
                    Some($int)
                }
            )?
        }
        #[doc = concat!("The `", $name, "` op definition.")]
        pub static $def: OpDef = OpDef {
            name: $name,
            class: OpClass::Elementwise,
            infer: unary_infer::<$ty>,
            kernel: unary_kernel::<$ty>,
            grad: $grad,
        };
    };
}

unary!(Neg, NEG, "Neg", SIGNED, Some(crate::grad::math::neg_grad), |x| float: x.neg(), int: x.neg());
unary!(Abs, ABS, "Abs", Allowed {
        types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64],
        text: "bfloat16, half, float, double, int8, int16, int32, int64",
    }, Some(crate::grad::math::abs_grad), |x| float: x.abs(), int: x.abs());
unary!(Square, SQUARE, "Square", SIGNED, Some(crate::grad::math::square_grad), |x| float: x.mul(x), int: x.mul(x));
unary!(Sign, SIGN, "Sign", SIGNED, Some(crate::grad::math::sign_grad), |x| float: x.sign(), int: x.sign());
unary!(Sqrt, SQRT, "Sqrt", FLOAT_CPLX, Some(crate::grad::math::sqrt_grad), |x| float: x.sqrt());
unary!(Rsqrt, RSQRT, "Rsqrt", FLOAT_CPLX, Some(crate::grad::math::rsqrt_grad), |x| float: T::one().div(x.sqrt()));
unary!(Exp, EXP, "Exp", FLOAT_CPLX, Some(crate::grad::math::exp_grad), |x| float: x.exp(), tail: x.exp_tail());
unary!(Log, LOG, "Log", FLOAT_CPLX, Some(crate::grad::math::log_grad), |x| float: x.ln(), tail: x.ln_tail());
unary!(Log1p, LOG1P, "Log1p", FLOAT_CPLX, Some(crate::grad::math::log1p_grad), |x| float: x.ln_1p());
unary!(Sin, SIN, "Sin", FLOAT_CPLX, Some(crate::grad::math::sin_grad), |x| float: x.sin(), tail: x.sin_tail());
unary!(Cos, COS, "Cos", FLOAT_CPLX, Some(crate::grad::math::cos_grad), |x| float: x.cos(), tail: x.cos_tail());
unary!(Tanh, TANH, "Tanh", FLOAT_CPLX, Some(crate::grad::math::tanh_grad), |x| float: x.tanh());
unary!(Sigmoid, SIGMOID, "Sigmoid", FLOAT_CPLX, Some(crate::grad::math::sigmoid_grad), |x| float: sigmoid(x), tail: x.logistic_tail());
unary!(Floor, FLOOR, "Floor", FLOAT_REAL, None, |x| float: x.floor());
unary!(Ceil, CEIL, "Ceil", FLOAT_REAL, None, |x| float: x.ceil());
unary!(Round, ROUND, "Round", SIGNED, None, |x| float: x.round_even(), int: x);
unary!(Reciprocal, RECIPROCAL, "Reciprocal", SIGNED, Some(crate::grad::math::reciprocal_grad), |x| float: T::one().div(x));

/// The logistic function as TF computes whole packets of it (float32:
/// `tfmath::sigmoid`; float64: stable for large |x|).
pub fn sigmoid<T: Float>(x: T) -> T {
    x.logistic()
}

#[cfg(test)]
mod tests {
    use crate::op::run1;
    use crate::tensor::{Data, Tensor};
    use crate::{attrs, TfErrorKind};

    fn f32s(shape: Vec<usize>, v: Vec<f32>) -> Tensor {
        Tensor::new(shape, Data::F32(v)).unwrap()
    }
    fn i32s(shape: Vec<usize>, v: Vec<i32>) -> Tensor {
        Tensor::new(shape, Data::I32(v)).unwrap()
    }

    #[test]
    fn add_broadcast_and_errors() {
        let a = f32s(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let b = f32s(vec![3], vec![10., 20., 30.]);
        let r = run1("AddV2", &[&a, &b], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![11., 22., 33., 14., 25., 36.]));
        let c = f32s(vec![4], vec![0.; 4]);
        let e = run1("AddV2", &[&a, &c], &attrs![]).unwrap_err();
        assert_eq!(e.kind, TfErrorKind::InvalidArgument);
        assert!(e.message.starts_with("Incompatible shapes: [2,3] vs. [4]"), "{}", e.message);
        let d = i32s(vec![3], vec![1, 2, 3]);
        let e = run1("AddV2", &[&a, &d], &attrs![]).unwrap_err();
        assert!(e.message.starts_with(
            "cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor but is a int32 tensor"
        ));
    }

    #[test]
    fn floor_ops_match_tf() {
        // TF: FloorMod([-7,7,-7,7],[3,-3,-3,3]) = [2,-2,-1,1]; FloorDiv = [-3,-3,2,2]
        let x = i32s(vec![4], vec![-7, 7, -7, 7]);
        let y = i32s(vec![4], vec![3, -3, -3, 3]);
        assert_eq!(run1("FloorMod", &[&x, &y], &attrs![]).unwrap().data(), &Data::I32(vec![2, -2, -1, 1]));
        assert_eq!(run1("FloorDiv", &[&x, &y], &attrs![]).unwrap().data(), &Data::I32(vec![-3, -3, 2, 2]));
        let xf = f32s(vec![4], vec![-7., 7., -7., 7.]);
        let yf = f32s(vec![4], vec![3., -3., -3., 0.]);
        assert_eq!(
            run1("FloorDiv", &[&xf, &yf], &attrs![]).unwrap().data(),
            &Data::F32(vec![-3., -3., 2., f32::INFINITY])
        );
        let z = i32s(vec![4], vec![0, 1, 1, 1]);
        let e = run1("FloorDiv", &[&x, &z], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("Integer division by zero"));
    }

    #[test]
    fn pow_int_negative_errors() {
        let x = i32s(vec![2], vec![2, 3]);
        let y = i32s(vec![2], vec![10, -1]);
        let e = run1("Pow", &[&x, &y], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("Integers to negative integer powers are not allowed"));
    }

    #[test]
    fn unary_dtypes() {
        let x = i32s(vec![2], vec![1, 4]);
        assert!(run1("Sqrt", &[&x], &attrs![]).unwrap_err().message.contains("Value for attr 'T' of int32"));
        assert_eq!(run1("Square", &[&x], &attrs![]).unwrap().data(), &Data::I32(vec![1, 16]));
        let f = f32s(vec![3], vec![0.5, 1.5, 2.5]);
        assert_eq!(run1("Round", &[&f], &attrs![]).unwrap().data(), &Data::F32(vec![0., 2., 2.]));
        let s = run1("Sigmoid", &[&f32s(vec![1], vec![0.0])], &attrs![]).unwrap();
        assert_eq!(s.data(), &Data::F32(vec![0.5]));
    }
}
