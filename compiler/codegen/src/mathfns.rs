//! Helpers the generated code calls: the reference kernels' own scalar
//! math (so compiled results are bit-identical to the reference kernels),
//! as `extern "C"` functions called through their addresses.

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
