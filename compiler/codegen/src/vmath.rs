//! Vector (f32x4) code for elementwise ops, shared by every SIMD kernel:
//! exact IEEE arithmetic, TF's NaN rules for `Maximum`/`Minimum`, and
//! polynomial `Tanh`/`Exp`/`Sigmoid` for the fast-math path (per-lane
//! calls of the reference functions otherwise).

use crate::body::BodyOp;
use crate::elemops::{self, ErrSink};
use crate::jit::lanes_cast;
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;
use std::collections::HashMap;
use tfjit_tensor::{DType, TfResult};

/// An error sink for kernels: a failing check returns 1 (the caller then
/// runs the reference path, which reports the exact error).
pub struct NoErr(pub bool);
impl ErrSink for NoErr {
    fn fail_if(&mut self, b: &mut FunctionBuilder, cond: Value, _msg: &'static str) {
        let fail = b.create_block();
        let cont = b.create_block();
        b.ins().brif(cond, fail, &[], cont, &[]);
        b.switch_to_block(fail);
        b.seal_block(fail);
        let one = b.ins().iconst(types::I32, 1);
        b.ins().return_(&[one]);
        b.switch_to_block(cont);
        b.seal_block(cont);
        self.0 = true;
    }
}

/// The vector type of every SIMD kernel.
pub const V: types::Type = types::F32X4;

thread_local! {
    /// Vector constants hoisted into the kernel's entry block, by bits
    /// (set while one kernel is being built).
    pub static HOISTED: std::cell::RefCell<HashMap<u32, Value>> = std::cell::RefCell::new(HashMap::new());
}

/// Constants every vector kernel may use, materialized once before the loop.
/// Whether polynomial constants are hoisted too (register pressure decides).
pub const HOIST_POLY: bool = false;
pub const POLY_CONSTS: &[f32] = &[
    7.905_311, -7.905_311, 0.0004, -2.760_768_5e-16, 2.000_187_9e-13, -8.604_671_5e-11, 5.122_297e-8,
    1.485_722_4e-5, 6.372_619_3e-4, 4.893_524_6e-3, 1.198_258_4e-6, 1.185_347_1e-4, 2.268_434_6e-3,
    4.893_525e-3, 88.376_26, -88.376_26, std::f32::consts::LOG2_E, 0.5, 0.693_359_4, -2.121_944_4e-4,
    1.987_569_2e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1, 1.0,
    88.722_84, f32::INFINITY, 0.0,
];

pub fn vconst(b: &mut FunctionBuilder, c: f32) -> Value {
    if let Some(v) = HOISTED.with(|h| h.borrow().get(&c.to_bits()).copied()) {
        return v;
    }
    let s = b.ins().f32const(c);
    b.ins().splat(V, s)
}

/// Forgets hoisted constants (before building a kernel that hoists none).
pub fn reset_hoisted() {
    HOISTED.with(|h| h.borrow_mut().clear());
}

/// Materializes `consts` as vectors in the current block for [`vconst`].
pub fn hoist(b: &mut FunctionBuilder, consts: impl IntoIterator<Item = f32>) {
    for c in consts {
        let v = vconst(b, c);
        HOISTED.with(|h| h.borrow_mut().insert(c.to_bits(), v));
    }
}

/// `min(c, x)` as one `minps` (a NaN `x` passes through).
pub fn vmin_c(b: &mut FunctionBuilder, c: Value, x: Value) -> Value {
    let lt = b.ins().fcmp(FloatCC::LessThan, c, x);
    let lt = mask_f(b, lt);
    b.ins().bitselect(lt, c, x)
}

/// `max(c, x)` as one `maxps` (a NaN `x` passes through).
pub fn vmax_c(b: &mut FunctionBuilder, c: Value, x: Value) -> Value {
    let lt = b.ins().fcmp(FloatCC::LessThan, x, c);
    let lt = mask_f(b, lt);
    b.ins().bitselect(lt, c, x)
}

/// `x` clamped to `[lo, hi]` (NaN stays NaN): one `minps` and one `maxps`.
pub fn vclamp(b: &mut FunctionBuilder, x: Value, lo: f32, hi: f32) -> Value {
    let hv = vconst(b, hi);
    let x = vmin_c(b, hv, x);
    let lv = vconst(b, lo);
    vmax_c(b, lv, x)
}

/// Reinterprets a lane mask as f32x4.
pub fn mask_f(b: &mut FunctionBuilder, m: Value) -> Value {
    b.ins().bitcast(V, lanes_cast(), m)
}

/// `x * y + c`, fused (polynomial evaluation in the fast-math path only).
pub fn madd(b: &mut FunctionBuilder, x: Value, y: Value, c: f32) -> Value {
    let c = vconst(b, c);
    b.ins().fma(x, y, c)
}

/// `tanh` of f32x4, as `mathlib::tanh_p` (Cephes' `tanhf`): an odd
/// polynomial below |x| = 0.625, `1 - 2 / (exp(2|x|) + 1)` with the sign
/// of `x` above (within 2 ulp; NaN stays NaN).
pub fn vtanh(b: &mut FunctionBuilder, x: Value) -> Value {
    let ax = b.ins().fabs(x);
    let z = b.ins().fmul(x, x);
    let mut p = vconst(b, -5.704_988_7e-3);
    for c in [2.063_908_9e-2, -5.373_971_6e-2, 1.333_144_2e-1, -3.333_328_2e-1] {
        p = madd(b, p, z, c);
    }
    let pz = b.ins().fmul(p, z);
    let small = b.ins().fma(pz, x, x);
    let a2 = b.ins().fadd(ax, ax);
    let e = vexp(b, a2);
    let one = vconst(b, 1.0);
    let e1 = b.ins().fadd(e, one);
    let two = vconst(b, 2.0);
    let q = b.ins().fdiv(two, e1);
    let big = b.ins().fsub(one, q);
    let signmask = vconst(b, -0.0);
    let sign = b.ins().band(x, signmask);
    let big = b.ins().bor(big, sign);
    let lim = vconst(b, 0.625);
    let is_small = b.ins().fcmp(FloatCC::LessThan, ax, lim);
    let is_small = mask_f(b, is_small);
    b.ins().bitselect(is_small, small, big)
}

/// `sigmoid` of f32x4, as `mathlib::sigmoid_p` (the reference's two
/// branches: `1 / (1 + e)` for `x >= 0`, `e / (1 + e)` below, with
/// `e = exp(-|x|)`).
pub fn vsigmoid(b: &mut FunctionBuilder, x: Value) -> Value {
    let ax = b.ins().fabs(x);
    let na = b.ins().fneg(ax);
    let e = vexp(b, na);
    let one = vconst(b, 1.0);
    let d = b.ins().fadd(one, e);
    let pos = b.ins().fdiv(one, d);
    let neg = b.ins().fdiv(e, d);
    let zero = vconst(b, 0.0);
    let ge = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, zero);
    let ge = mask_f(b, ge);
    b.ins().bitselect(ge, pos, neg)
}

/// `1.5 * 2^23 + 127`: adding it rounds to an integer `n` held in the low
/// mantissa bits as `n + 127`, ready to shift into an exponent.
const EXP_MAGIC: f32 = 12_583_039.0;

/// `exp` of f32x4 (Cephes' polynomial, within ~1 ulp): `x` is split as
/// `n ln2 + t` with `n = round(x log2 e)`; `exp(t)` by a degree-7
/// polynomial; `2^n` built in the exponent bits. Above 88.72 gives +inf,
/// below -88.37 gives 0 (as TF, which flushes denormals); NaN stays NaN.
pub fn vexp(b: &mut FunctionBuilder, x: Value) -> Value {
    let xc = vclamp(b, x, -88.376_26, 88.376_26);
    let l2e = vconst(b, std::f32::consts::LOG2_E);
    let ym = madd(b, xc, l2e, EXP_MAGIC);
    let magic = vconst(b, EXP_MAGIC);
    let n = b.ins().fsub(ym, magic);
    let c1 = vconst(b, -0.693_359_4);
    let t = b.ins().fma(n, c1, xc);
    let c2 = vconst(b, 2.121_944_4e-4);
    let t = b.ins().fma(n, c2, t);
    let z = b.ins().fmul(t, t);
    let mut y = vconst(b, 1.987_569_2e-4);
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1] {
        y = madd(b, y, t, c);
    }
    let y = b.ins().fma(y, z, t);
    let one = vconst(b, 1.0);
    let y = b.ins().fadd(y, one);
    let bits = b.ins().bitcast(types::I32X4, lanes_cast(), ym);
    let bits = b.ins().ishl_imm_u(bits, 23);
    let pow2 = b.ins().bitcast(V, lanes_cast(), bits);
    let r = b.ins().fmul(y, pow2);
    let big = vconst(b, 88.722_84);
    let over = b.ins().fcmp(FloatCC::LessThan, big, x);
    let inf = vconst(b, f32::INFINITY);
    let over = mask_f(b, over);
    let r = b.ins().bitselect(over, inf, r);
    let small = vconst(b, -88.376_26);
    let under = b.ins().fcmp(FloatCC::LessThan, x, small);
    let zero = vconst(b, 0.0);
    let under = mask_f(b, under);
    b.ins().bitselect(under, zero, r)
}

/// One vector step of `op` on f32x4 values, or per-lane scalar code.
pub fn vemit(b: &mut FunctionBuilder, op: &BodyOp, args: &[Value], fast: bool, errs: &mut NoErr) -> TfResult<Value> {
    let x = args[0];
    let y = args.get(1).copied();
    let r = match (op.op, y) {
        ("Identity", _) => x,
        ("AddV2", Some(y)) => b.ins().fadd(x, y),
        ("Sub", Some(y)) => b.ins().fsub(x, y),
        ("Mul", Some(y)) => b.ins().fmul(x, y),
        ("RealDiv", Some(y)) => b.ins().fdiv(x, y),
        ("SquaredDifference", Some(y)) => {
            let d = b.ins().fsub(x, y);
            b.ins().fmul(d, d)
        }
        ("Maximum" | "Minimum", Some(y)) => {
            let cc = if op.op == "Maximum" { FloatCC::GreaterThan } else { FloatCC::LessThan };
            let pick = b.ins().fcmp(cc, y, x);
            let pick = mask_f(b, pick);
            let r = b.ins().bitselect(pick, y, x);
            let yn = b.ins().fcmp(FloatCC::Unordered, y, y);
            let yn = mask_f(b, yn);
            let r = b.ins().bitselect(yn, y, r);
            let xn = b.ins().fcmp(FloatCC::Unordered, x, x);
            let xn = mask_f(b, xn);
            b.ins().bitselect(xn, x, r)
        }
        ("Neg", _) => b.ins().fneg(x),
        ("Abs", _) => b.ins().fabs(x),
        ("Square", _) => b.ins().fmul(x, x),
        ("Sqrt", _) => b.ins().sqrt(x),
        ("Rsqrt", _) => {
            let s = b.ins().sqrt(x);
            let one = vconst(b, 1.0);
            b.ins().fdiv(one, s)
        }
        ("Reciprocal", _) => {
            let one = vconst(b, 1.0);
            b.ins().fdiv(one, x)
        }
        ("Floor", _) => b.ins().floor(x),
        ("Ceil", _) => b.ins().ceil(x),
        ("Round", _) => b.ins().nearest(x),
        ("Relu", _) => {
            let zero = vconst(b, 0.0);
            let keep = b.ins().fcmp(FloatCC::UnorderedOrGreaterThan, x, zero);
            let keep = mask_f(b, keep);
            b.ins().bitselect(keep, x, zero)
        }
        ("Tanh", _) if fast => vtanh(b, x),
        ("Exp", _) if fast => vexp(b, x),
        ("Sigmoid", _) if fast => vsigmoid(b, x),
        _ => {
            // Per lane, with the exact scalar code.
            let mut acc = x;
            for lane in 0..4u8 {
                let lanes: Vec<(DType, Value)> =
                    args.iter().map(|&a| (DType::Float32, b.ins().extractlane(a, lane))).collect();
                let r = elemops::emit(b, op.op, &op.attrs, &lanes, op.out, errs)?;
                acc = b.ins().insertlane(acc, r, lane);
            }
            acc
        }
    };
    Ok(r)
}

