//! Vector (f32x4) code for elementwise ops, shared by every SIMD kernel:
//! exact IEEE arithmetic, TF's NaN rules for `Maximum`/`Minimum`, and
//! `Tanh`/`Exp`/`Sigmoid`/`Log` as the same operation sequences as the
//! reference functions (`tfjit_tensor::ops::tfmath`, TF's Eigen packet
//! path: separate multiplies and adds, no FMA), so results are
//! bit-identical at any tensor size.

use crate::body::BodyOp;
use crate::elemops::{self, ErrSink};
use crate::jit::lanes_cast;
use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;
use std::collections::HashMap;
use tfjit_tensor::ops::tfmath;
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
    tfmath::TANH_CLAMP, -tfmath::TANH_CLAMP, tfmath::TANH_ALPHA[0], tfmath::TANH_ALPHA[1], tfmath::TANH_ALPHA[2],
    tfmath::TANH_ALPHA[3], tfmath::TANH_BETA[0], tfmath::TANH_BETA[1], tfmath::TANH_BETA[2], tfmath::TANH_BETA[3],
    1.0, tfmath::EXP_HI, tfmath::LOG2EF, 0.5, tfmath::EXP_C1, tfmath::EXP_C2, tfmath::EXP_P[0], tfmath::EXP_P[1],
    tfmath::EXP_P[2], tfmath::EXP_P[3], tfmath::EXP_P[4], 127.0, -127.0, tfmath::EXP_MAGIC, f32::MIN_POSITIVE,
    -0.0, 0.0, tfmath::EXP_LO,
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

/// `x * y + c` with two roundings, as TF's Eigen build (AVX without FMA)
/// evaluates its polynomials.
pub fn madd(b: &mut FunctionBuilder, x: Value, y: Value, c: f32) -> Value {
    let m = b.ins().fmul(x, y);
    let c = vconst(b, c);
    b.ins().fadd(m, c)
}

/// `x * y + z` with two roundings (all vector operands).
fn madd_v(b: &mut FunctionBuilder, x: Value, y: Value, z: Value) -> Value {
    let m = b.ins().fmul(x, y);
    b.ins().fadd(m, z)
}

/// `x * k + c` with two roundings (constant `k` and `c`).
fn madd_kc(b: &mut FunctionBuilder, x: Value, k: f32, c: f32) -> Value {
    let kv = vconst(b, k);
    madd(b, x, kv, c)
}

/// Denormals to ±0 (FTZ), as `tfmath::ftz`.
fn vftz(b: &mut FunctionBuilder, x: Value) -> Value {
    let ax = b.ins().fabs(x);
    let tiny = vconst(b, f32::MIN_POSITIVE);
    let is_tiny = b.ins().fcmp(FloatCC::LessThan, ax, tiny);
    let is_tiny = mask_f(b, is_tiny);
    let signmask = vconst(b, -0.0);
    let sign = b.ins().band(x, signmask);
    b.ins().bitselect(is_tiny, sign, x)
}

/// `c` where `cond(x, k)` holds, else `r` (lane masks).
fn vselect_cmp(b: &mut FunctionBuilder, cc: FloatCC, x: Value, k: f32, c: f32, r: Value) -> Value {
    let kv = vconst(b, k);
    let m = b.ins().fcmp(cc, x, kv);
    let m = mask_f(b, m);
    let cv = vconst(b, c);
    b.ins().bitselect(m, cv, r)
}

/// `2^m` for integer-valued `m` clamped to [-127, 127], as
/// `tfmath::pow2_clamped`.
fn vpow2_clamped(b: &mut FunctionBuilder, m: Value) -> Value {
    let mc = vclamp(b, m, -127.0, 127.0);
    let magic = vconst(b, tfmath::EXP_MAGIC);
    let biased = b.ins().fadd(mc, magic);
    let bits = b.ins().bitcast(types::I32X4, lanes_cast(), biased);
    let bits = b.ins().ishl_imm_u(bits, 23);
    b.ins().bitcast(V, lanes_cast(), bits)
}

/// `tanh` of f32x4: exactly `tfmath::tanh` (TF's Eigen `ptanh_float`).
pub fn vtanh(b: &mut FunctionBuilder, x: Value) -> Value {
    let x = vclamp(b, x, -tfmath::TANH_CLAMP, tfmath::TANH_CLAMP);
    let x2 = b.ins().fmul(x, x);
    let x3 = b.ins().fmul(x2, x);
    let a = tfmath::TANH_ALPHA;
    let mut p = vconst(b, a[0]);
    for &c in &a[1..] {
        p = madd(b, p, x2, c);
    }
    let q0 = tfmath::TANH_BETA;
    let mut q = vconst(b, q0[0]);
    for &c in &q0[1..] {
        q = madd(b, q, x2, c);
    }
    let p = madd_v(b, x3, p, x);
    let r = b.ins().fdiv(p, q);
    vftz(b, r)
}

/// Eigen's `exp` range reduction of f32x4 `x`: `m = floor(x·log2(e) + ½)`,
/// `r = x - m·ln 2` in two parts, and `r²`.
fn exp_reduce(b: &mut FunctionBuilder, x: Value) -> (Value, Value, Value) {
    let t = madd_kc(b, x, tfmath::LOG2EF, 0.5);
    let m = b.ins().floor(t);
    let c1 = vconst(b, tfmath::EXP_C1);
    let r = madd_v(b, m, c1, x);
    let c2 = vconst(b, tfmath::EXP_C2);
    let mc2 = b.ins().fmul(m, c2);
    let r = b.ins().fadd(mc2, r);
    let r2 = b.ins().fmul(r, r);
    (m, r, r2)
}

/// `exp` of f32x4: exactly `tfmath::exp` (TF's Eigen `pexp_float`).
pub fn vexp(b: &mut FunctionBuilder, x0: Value) -> Value {
    let hi = vconst(b, tfmath::EXP_HI);
    let x = vmin_c(b, hi, x0);
    let (m, r, r2) = exp_reduce(b, x);
    let p = tfmath::EXP_P;
    let pe = madd_kc(b, r2, p[4], p[2]);
    let po = madd_kc(b, r2, p[3], p[1]);
    let pe = madd(b, r2, pe, p[0]);
    let one = vconst(b, 1.0);
    let pl = b.ins().fadd(r, one);
    let y = madd_v(b, r, po, pe);
    let y = madd_v(b, r2, y, pl);
    let p2 = vpow2_clamped(b, m);
    let e = b.ins().fmul(y, p2);
    let e2 = b.ins().fadd(e, e);
    let k127 = vconst(b, 127.0);
    let big = b.ins().fcmp(FloatCC::LessThan, k127, m);
    let big = mask_f(b, big);
    let e = b.ins().bitselect(big, e2, e);
    let e = vftz(b, e);
    vselect_cmp(b, FloatCC::LessThan, x0, tfmath::EXP_LO, 0.0, e)
}

/// `sigmoid` of f32x4: exactly `tfmath::sigmoid` (TF's
/// `scalar_logistic_op<float>::packetOp`).
pub fn vsigmoid(b: &mut FunctionBuilder, x0: Value) -> Value {
    let hi = vconst(b, tfmath::SIGMOID_HI);
    let x = vmin_c(b, hi, x0);
    let half = vconst(b, 0.5);
    let x = b.ins().fmul(x, half);
    let (m, r, r2) = exp_reduce(b, x);
    let p = tfmath::SIGMOID_P;
    let pe = madd_kc(b, r2, p[2], p[0]);
    let po = madd_kc(b, r2, p[3], p[1]);
    let one = vconst(b, 1.0);
    let pl = b.ins().fadd(r, one);
    let q = madd_v(b, r, po, pe);
    let q = madd_v(b, r2, q, pl);
    let p2 = vpow2_clamped(b, m);
    let e = b.ins().fmul(q, p2);
    let e = b.ins().fmul(e, e);
    let e = vftz(b, e);
    let d = b.ins().fadd(one, e);
    let s = b.ins().fdiv(e, d);
    vselect_cmp(b, FloatCC::LessThan, x0, tfmath::EXP_LO, 0.0, s)
}

/// `log` of f32x4: exactly `tfmath::log` (TF's Eigen `plog_float`).
pub fn vlog(b: &mut FunctionBuilder, x0: Value) -> Value {
    let x0 = vftz(b, x0);
    let bits = b.ins().bitcast(types::I32X4, lanes_cast(), x0);
    let mant_mask = vconst(b, f32::from_bits(!0x7f80_0000u32));
    let m = b.ins().band(x0, mant_mask);
    let half = vconst(b, 0.5);
    let m = b.ins().bor(m, half);
    let ex = b.ins().ushr_imm_u(bits, 23);
    let ff = b.ins().iconst(types::I32, 0xff);
    let ff = b.ins().splat(types::I32X4, ff);
    let ex = b.ins().band(ex, ff);
    let ex = b.ins().fcvt_from_sint(V, ex);
    let k126 = vconst(b, 126.0);
    let e = b.ins().fsub(ex, k126);
    let sqrthf = vconst(b, tfmath::SQRTHF);
    let small = b.ins().fcmp(FloatCC::LessThan, m, sqrthf);
    let small = mask_f(b, small);
    let tmp = b.ins().band(m, small);
    let one = vconst(b, 1.0);
    let x = b.ins().fsub(m, one);
    let dec = b.ins().band(one, small);
    let e = b.ins().fsub(e, dec);
    let x = b.ins().fadd(x, tmp);
    let a = tfmath::LOG_ALPHA;
    let p = vconst(b, a[0]);
    let p = madd(b, p, x, a[1]);
    let p = madd(b, p, x, a[2]);
    let p = b.ins().fmul(x, p);
    let q0 = tfmath::LOG_BETA;
    let mut q = vconst(b, q0[0]);
    for &c in &q0[1..] {
        q = madd(b, q, x, c);
    }
    let pq = b.ins().fdiv(p, q);
    let ln2 = vconst(b, std::f32::consts::LN_2);
    let r = madd_v(b, e, ln2, pq);
    let r = vselect_cmp(b, FloatCC::Equal, x0, f32::INFINITY, f32::INFINITY, r);
    let r = vselect_cmp(b, FloatCC::UnorderedOrLessThan, x0, 0.0, f32::NAN, r);
    vselect_cmp(b, FloatCC::Equal, x0, 0.0, f32::NEG_INFINITY, r)
}

/// One vector step of `op` on f32x4 values, or per-lane scalar code.
pub fn vemit(b: &mut FunctionBuilder, op: &BodyOp, args: &[Value], fast: bool, errs: &mut NoErr) -> TfResult<Value> {
    let _ = fast;
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
        // Exactly the reference functions' operations, so always inline
        // (`fast` no longer changes results).
        ("Tanh", _) => vtanh(b, x),
        ("Exp", _) => vexp(b, x),
        ("Sigmoid", _) => vsigmoid(b, x),
        ("Log", _) => vlog(b, x),
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

