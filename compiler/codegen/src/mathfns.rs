//! Helpers the generated code calls: the reference kernels' own scalar
//! math (so compiled results are bit-identical to the reference kernels),
//! as `extern "C"` functions called through their addresses.
//!
//! Float32 `Exp`, `Log`, `Sigmoid`, `Sin` and `Cos` have two definitions in TF (see
//! `tfjit_tensor::ops::tfmath`): Eigen's packet path, and libm for the last
//! `n % 8` elements of an op. [`unary_addr`] gives the first,
//! [`tail_addr`] the second; [`position_dependent`] says which ops differ.

use tfjit_tensor::ops::elem::{Float, Int};
use tfjit_tensor::ops::elementwise::sigmoid;

macro_rules! unary_fns {
    ($($name:ident: |$x:ident| $e:expr;)*) => {
        $(
            /// A float helper (f32 and f64 versions).
            pub mod $name {
                use super::*;
                pub extern "C" fn f32($x: f32) -> f32 { $e }
                pub extern "C" fn f64($x: f64) -> f64 { $e }
            }
        )*
    };
}

unary_fns! {
    exp: |x| Float::exp(x);
    log: |x| Float::ln(x);
    log1p: |x| Float::ln_1p(x);
    sin: |x| Float::sin(x);
    cos: |x| Float::cos(x);
    tanh: |x| Float::tanh(x);
    sigm: |x| sigmoid(x);
    exp_tail: |x| Float::exp_tail(x);
    log_tail: |x| Float::ln_tail(x);
    sigm_tail: |x| Float::logistic_tail(x);
    sin_tail: |x| Float::sin_tail(x);
    cos_tail: |x| Float::cos_tail(x);
}

/// Whether `op` on `dtype` computes its last `n % 8` elements differently
/// from the others (TF's scalar tail; float32 only).
pub fn position_dependent(op: &str, dtype: tfjit_tensor::DType) -> bool {
    dtype == tfjit_tensor::DType::Float32 && matches!(op, "Exp" | "Log" | "Sigmoid" | "Sin" | "Cos")
}

/// The float32 helper computing `op` as TF's scalar tail does, for the
/// [`position_dependent`] ops.
pub fn tail_addr(op: &str) -> Option<*const u8> {
    Some(match op {
        "Exp" => exp_tail::f32 as *const u8,
        "Log" => log_tail::f32 as *const u8,
        "Sigmoid" => sigm_tail::f32 as *const u8,
        "Sin" => sin_tail::f32 as *const u8,
        "Cos" => cos_tail::f32 as *const u8,
        _ => return None,
    })
}

/// TF's packet `sin`/`cos` of `n` float32 values at `x` into `y`, in one
/// call: how native code computes a small tensor's `Sin`/`Cos` (a loop the
/// compiler vectorizes, instead of one scalar call per element).
pub mod sincos_block {
    /// # Safety
    /// `x` and `y` address `n` float32 values each (they may not overlap).
    pub unsafe extern "C" fn sin(x: *const f32, y: *mut f32, n: usize) {
        // SAFETY: caller's contract.
        let (x, y) = unsafe { (std::slice::from_raw_parts(x, n), std::slice::from_raw_parts_mut(y, n)) };
        tfjit_tensor::ops::tfmath::sincos_slice::<true>(x, y);
    }
    /// # Safety
    /// As for [`sin`].
    pub unsafe extern "C" fn cos(x: *const f32, y: *mut f32, n: usize) {
        // SAFETY: caller's contract.
        let (x, y) = unsafe { (std::slice::from_raw_parts(x, n), std::slice::from_raw_parts_mut(y, n)) };
        tfjit_tensor::ops::tfmath::sincos_slice::<false>(x, y);
    }
}

/// The [`sincos_block`] helper for a float32 `op`, if it has one.
pub fn block_addr(op: &str) -> Option<*const u8> {
    Some(match op {
        "Sin" => sincos_block::sin as *const u8,
        "Cos" => sincos_block::cos as *const u8,
        _ => return None,
    })
}

/// `powf` for f32 and f64.
pub mod powf {
    use super::*;
    pub extern "C" fn f32(a: f32, b: f32) -> f32 {
        Float::powf(a, b)
    }
    pub extern "C" fn f64(a: f64, b: f64) -> f64 {
        Float::powf(a, b)
    }
}

/// C `fmod` for f32 and f64.
pub mod fmod {
    use super::*;
    pub extern "C" fn f32(a: f32, b: f32) -> f32 {
        Float::fmod(a, b)
    }
    pub extern "C" fn f64(a: f64, b: f64) -> f64 {
        Float::fmod(a, b)
    }
}

/// Integer power by squaring (the exponent was checked non-negative).
pub mod powi {
    use super::*;
    pub extern "C" fn i32(a: i32, b: i32) -> i32 {
        Int::pow_int(a, b)
    }
    pub extern "C" fn i64(a: i64, b: i64) -> i64 {
        Int::pow_int(a, b)
    }
}

/// The address of the helper for `op` on `dtype` (floats only unless noted).
pub fn unary_addr(op: &str, f64_: bool) -> Option<*const u8> {
    macro_rules! pick {
        ($m:ident) => {
            if f64_ {
                $m::f64 as *const u8
            } else {
                $m::f32 as *const u8
            }
        };
    }
    Some(match op {
        "Exp" => pick!(exp),
        "Log" => pick!(log),
        "Log1p" => pick!(log1p),
        "Sin" => pick!(sin),
        "Cos" => pick!(cos),
        "Tanh" => pick!(tanh),
        "Sigmoid" => pick!(sigm),
        _ => return None,
    })
}

/// Scalar code for element `k` of an `n`-element result of `op`: as
/// `elemops::emit`, except that the last `n % 8` elements of a
/// [`position_dependent`] op call the [`tail_addr`] helper, as TF does.
#[allow(clippy::too_many_arguments)]
pub fn emit_elem(
    b: &mut cranelift_frontend::FunctionBuilder,
    op: &str,
    attrs: &tfjit_tensor::Attrs,
    args: &[(tfjit_tensor::DType, cranelift_codegen::ir::Value)],
    out: tfjit_tensor::DType,
    errs: &mut dyn crate::elemops::ErrSink,
    k: usize,
    n: usize,
) -> tfjit_tensor::TfResult<cranelift_codegen::ir::Value> {
    if k >= tfjit_tensor::ops::tfmath::tail_start(n) && position_dependent(op, out) && args.len() == 1 {
        if let Some(addr) = tail_addr(op) {
            return Ok(crate::elemops::call_helper(b, addr, &[args[0].1], cranelift_codegen::ir::types::F32));
        }
    }
    crate::elemops::emit(b, op, attrs, args, out, errs)
}

/// Whether a fused body computes a [`position_dependent`] op over a value
/// whose element count is not a multiple of the packet size, i.e. some of
/// its elements fall on TF's scalar tail (`shapes`: each value's shape).
pub fn has_tail(ops: &[crate::body::BodyOp], vals: &[(crate::body::Src, tfjit_tensor::DType)], shapes: &[Vec<usize>]) -> bool {
    vals.iter().zip(shapes).any(|((src, _), shape)| match *src {
        crate::body::Src::Op(j) => ops.get(j).is_some_and(|o| {
            position_dependent(o.op, o.out)
                && shape.iter().product::<usize>() % tfjit_tensor::ops::tfmath::PACKET != 0
        }),
        _ => false,
    })
}
