//! Scalar code for one element of an elementwise op: the same arithmetic
//! as the reference kernels (wrapping ints, IEEE floats without
//! contraction, TF's NaN rules, the reference's own transcendental
//! functions through helper calls), so results are identical.

use crate::jit::{cl_err, cl_type, helper_sig, lanes_cast};
use crate::mathfns;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, Type, Value};
use cranelift_frontend::FunctionBuilder;
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::{Attrs, DType, TfResult};

/// Where a failing element check goes (a run-time error such as integer
/// division by zero).
pub trait ErrSink {
    /// Emits: if `cond` is non-zero, fail with `msg`.
    fn fail_if(&mut self, b: &mut FunctionBuilder, cond: Value, msg: &'static str);
}

/// The ops this module generates code for, by TF name.
pub const OPS: &[&str] = &[
    "AddV2", "Sub", "Mul", "RealDiv", "FloorDiv", "FloorMod", "Maximum", "Minimum",
    "SquaredDifference", "Pow", "Less", "LessEqual", "Greater", "GreaterEqual", "Equal",
    "NotEqual", "LogicalAnd", "LogicalOr", "LogicalNot", "SelectV2", "Cast", "Neg", "Abs",
    "Square", "Sign", "Sqrt", "Rsqrt", "Exp", "Log", "Log1p", "Sin", "Cos", "Tanh", "Sigmoid",
    "Floor", "Ceil", "Round", "Reciprocal", "Relu", "Identity",
];

/// TF's fused elementwise gradient ops (`runtime/tensor/src/ops/grad_ops.rs`),
/// which [`emit`] also generates code for. They are not in [`OPS`] and
/// [`supported`] says no to them: their reference kernels require equal
/// input shapes (no broadcasting), and `SigmoidGrad`/`SqrtGrad` round their
/// last `n % 8` (f32; `n % 4` for f64) elements differently, so a caller
/// may use them only under the conditions of [`grad_supported`].
pub const GRAD_OPS: &[&str] =
    &["ReluGrad", "EluGrad", "TanhGrad", "SigmoidGrad", "SqrtGrad", "RsqrtGrad", "ReciprocalGrad"];

/// True if [`emit`] reproduces the gradient op `op` on `(ins) -> out` for
/// a tensor of `n` elements whose two inputs the caller knows have the
/// same shape. `SigmoidGrad`/`SqrtGrad` need `n` to be a whole number of
/// Eigen packets (8 floats / 4 doubles): only the packet formula is
/// generated.
pub fn grad_supported(op: &str, ins: &[DType], out: DType, n: usize) -> bool {
    let [a, b] = ins else { return false };
    if a != b || *a != out || !a.is_float() || !GRAD_OPS.contains(&op) {
        return false;
    }
    let lanes = if *a == DType::Float32 { 8 } else { 4 };
    !matches!(op, "SigmoidGrad" | "SqrtGrad") || n % lanes == 0
}

/// True if [`emit`] handles `op` on inputs of `ins` (dtypes) with output `out`.
pub fn supported(op: &str, ins: &[DType], out: DType) -> bool {
    let Some(&d) = ins.first() else { return false };
    let float = d.is_float();
    let int = d.is_int();
    match op {
        "AddV2" | "Sub" | "Mul" | "FloorDiv" | "FloorMod" | "Maximum" | "Minimum"
        | "SquaredDifference" | "Pow" => ins.len() == 2 && ins[1] == d && (float || int) && out == d,
        "RealDiv" => ins.len() == 2 && ins[1] == d && float && out == d,
        "Less" | "LessEqual" | "Greater" | "GreaterEqual" => {
            ins.len() == 2 && ins[1] == d && (float || int) && out == DType::Bool
        }
        "Equal" | "NotEqual" => ins.len() == 2 && ins[1] == d && out == DType::Bool,
        "LogicalAnd" | "LogicalOr" => ins.len() == 2 && d == DType::Bool && ins[1] == d,
        "LogicalNot" => ins.len() == 1 && d == DType::Bool,
        "SelectV2" => ins.len() == 3 && d == DType::Bool && ins[1] == ins[2] && out == ins[1],
        "Cast" => ins.len() == 1,
        "Identity" => ins.len() == 1 && out == d,
        "Neg" | "Abs" | "Square" | "Sign" | "Relu" => ins.len() == 1 && (float || int) && out == d,
        "Round" => ins.len() == 1 && (float || int) && out == d,
        "Sqrt" | "Rsqrt" | "Exp" | "Log" | "Log1p" | "Sin" | "Cos" | "Tanh" | "Sigmoid"
        | "Floor" | "Ceil" | "Reciprocal" => ins.len() == 1 && float && out == d,
        _ => false,
    }
}

fn fconst(b: &mut FunctionBuilder, ty: Type, v: f64) -> Value {
    if ty == types::F32 {
        b.ins().f32const(v as f32)
    } else {
        b.ins().f64const(v)
    }
}

/// Calls the `extern "C"` helper at `addr` with `args`, returning one `ret`.
pub fn call_helper(b: &mut FunctionBuilder, addr: *const u8, args: &[Value], ret: Type) -> Value {
    let params: Vec<Type> = args.iter().map(|&a| b.func.dfg.value_type(a)).collect();
    let sig = helper_sig(b, &params, &[ret]);
    let sigref = b.import_signature(sig);
    let callee = b.ins().iconst(types::I64, addr as i64);
    let call = b.ins().call_indirect(sigref, callee, args);
    b.inst_results(call)[0]
}

/// TF's maximum/minimum: NaN propagates (the first NaN wins), otherwise
/// `b` if it is strictly greater (less), else `a`.
fn fminmax(b: &mut FunctionBuilder, x: Value, y: Value, max: bool) -> Value {
    let cc = if max { FloatCC::GreaterThan } else { FloatCC::LessThan };
    let pick = b.ins().fcmp(cc, y, x);
    let r = b.ins().select(pick, y, x);
    let ynan = b.ins().fcmp(FloatCC::Unordered, y, y);
    let r = b.ins().select(ynan, y, r);
    let xnan = b.ins().fcmp(FloatCC::Unordered, x, x);
    b.ins().select(xnan, x, r)
}

/// Integer floor division / modulo with TF's semantics; `b == 0` fails.
fn int_floor(bd: &mut FunctionBuilder, x: Value, y: Value, ty: Type, modulo: bool, errs: &mut dyn ErrSink) -> Value {
    let zero = bd.ins().iconst(ty, 0);
    let is_zero = bd.ins().icmp(IntCC::Equal, y, zero);
    errs.fail_if(bd, is_zero, "Integer division by zero");
    let minus1 = bd.ins().iconst(ty, -1);
    let one = bd.ins().iconst(ty, 1);
    let is_m1 = bd.ins().icmp(IntCC::Equal, y, minus1);
    // Keep the division itself trap-free (MIN / -1; y == 0 when the check
    // above is only recorded, not branched on).
    let safe = bd.ins().select(is_m1, one, y);
    let safe0 = bd.ins().icmp(IntCC::Equal, safe, zero);
    let safe = bd.ins().select(safe0, one, safe);
    let r = bd.ins().srem(x, safe);
    let r_nz = bd.ins().icmp(IntCC::NotEqual, r, zero);
    let r_neg = bd.ins().icmp(IntCC::SignedLessThan, r, zero);
    let y_neg = bd.ins().icmp(IntCC::SignedLessThan, y, zero);
    let differ = bd.ins().bxor(r_neg, y_neg);
    let adjust = bd.ins().band(r_nz, differ);
    if modulo {
        let ry = bd.ins().iadd(r, y);
        bd.ins().select(adjust, ry, r)
    } else {
        let q = bd.ins().sdiv(x, safe);
        let q = {
            let neg = bd.ins().ineg(x);
            bd.ins().select(is_m1, neg, q)
        };
        let q1 = bd.ins().isub(q, one);
        bd.ins().select(adjust, q1, q)
    }
}

/// Emits one element of `op`. `ins` are the input dtypes and values; the
/// result has dtype `out`. Call only when [`supported`] said yes.
pub fn emit(
    b: &mut FunctionBuilder,
    op: &str,
    attrs: &Attrs,
    ins: &[(DType, Value)],
    out: DType,
    errs: &mut dyn ErrSink,
) -> TfResult<Value> {
    let d = ins.first().map(|p| p.0).ok_or_else(|| cl_err("no inputs"))?;
    let ty = cl_type(d);
    let float = d.is_float();
    let x = ins[0].1;
    let y = ins.get(1).map(|p| p.1);
    let two = |y: Option<Value>| y.ok_or_else(|| cl_err(format!("{op}: missing input")));
    let f64_ = d == DType::Float64;
    Ok(match op {
        "Identity" => x,
        "AddV2" => {
            let y = two(y)?;
            if float { b.ins().fadd(x, y) } else { b.ins().iadd(x, y) }
        }
        "Sub" => {
            let y = two(y)?;
            if float { b.ins().fsub(x, y) } else { b.ins().isub(x, y) }
        }
        "Mul" => {
            let y = two(y)?;
            if float { b.ins().fmul(x, y) } else { b.ins().imul(x, y) }
        }
        "RealDiv" => b.ins().fdiv(x, two(y)?),
        "SquaredDifference" => {
            let y = two(y)?;
            if float {
                let t = b.ins().fsub(x, y);
                b.ins().fmul(t, t)
            } else {
                let t = b.ins().isub(x, y);
                b.ins().imul(t, t)
            }
        }
        "FloorDiv" => {
            let y = two(y)?;
            if float {
                let q = b.ins().fdiv(x, y);
                b.ins().floor(q)
            } else {
                int_floor(b, x, y, ty, false, errs)
            }
        }
        "FloorMod" => {
            let y = two(y)?;
            if float {
                let addr = if f64_ { mathfns::fmod::f64 as *const u8 } else { mathfns::fmod::f32 as *const u8 };
                let m = call_helper(b, addr, &[x, y], ty);
                let zero = fconst(b, ty, 0.0);
                let m_nz = b.ins().fcmp(FloatCC::NotEqual, m, zero);
                let y_neg = b.ins().fcmp(FloatCC::LessThan, y, zero);
                let m_neg = b.ins().fcmp(FloatCC::LessThan, m, zero);
                let differ = b.ins().bxor(y_neg, m_neg);
                let adj = b.ins().band(m_nz, differ);
                let my = b.ins().fadd(m, y);
                b.ins().select(adj, my, m)
            } else {
                int_floor(b, x, y, ty, true, errs)
            }
        }
        "Maximum" | "Minimum" => {
            let y = two(y)?;
            let max = op == "Maximum";
            if float {
                fminmax(b, x, y, max)
            } else {
                let cc = if max { IntCC::SignedGreaterThan } else { IntCC::SignedLessThan };
                let pick = b.ins().icmp(cc, y, x);
                b.ins().select(pick, y, x)
            }
        }
        "Pow" => {
            let y = two(y)?;
            if float {
                let addr = if f64_ { mathfns::powf::f64 as *const u8 } else { mathfns::powf::f32 as *const u8 };
                call_helper(b, addr, &[x, y], ty)
            } else {
                let zero = b.ins().iconst(ty, 0);
                let neg = b.ins().icmp(IntCC::SignedLessThan, y, zero);
                errs.fail_if(b, neg, "Integers to negative integer powers are not allowed");
                let addr = if d == DType::Int64 { mathfns::powi::i64 as *const u8 } else { mathfns::powi::i32 as *const u8 };
                call_helper(b, addr, &[x, y], ty)
            }
        }
        "Less" | "LessEqual" | "Greater" | "GreaterEqual" | "Equal" | "NotEqual" => {
            let y = two(y)?;
            if float {
                let cc = match op {
                    "Less" => FloatCC::LessThan,
                    "LessEqual" => FloatCC::LessThanOrEqual,
                    "Greater" => FloatCC::GreaterThan,
                    "GreaterEqual" => FloatCC::GreaterThanOrEqual,
                    "Equal" => FloatCC::Equal,
                    _ => FloatCC::NotEqual,
                };
                b.ins().fcmp(cc, x, y)
            } else {
                let signed = d != DType::Bool;
                let cc = match (op, signed) {
                    ("Less", true) => IntCC::SignedLessThan,
                    ("LessEqual", true) => IntCC::SignedLessThanOrEqual,
                    ("Greater", true) => IntCC::SignedGreaterThan,
                    ("GreaterEqual", true) => IntCC::SignedGreaterThanOrEqual,
                    ("Less", false) => IntCC::UnsignedLessThan,
                    ("LessEqual", false) => IntCC::UnsignedLessThanOrEqual,
                    ("Greater", false) => IntCC::UnsignedGreaterThan,
                    ("GreaterEqual", false) => IntCC::UnsignedGreaterThanOrEqual,
                    ("Equal", _) => IntCC::Equal,
                    _ => IntCC::NotEqual,
                };
                b.ins().icmp(cc, x, y)
            }
        }
        "LogicalAnd" => b.ins().band(x, two(y)?),
        "LogicalOr" => b.ins().bor(x, two(y)?),
        "LogicalNot" => b.ins().bxor_imm_u(x, 1),
        "SelectV2" => {
            let t = two(y)?;
            let f = ins.get(2).map(|p| p.1).ok_or_else(|| cl_err("SelectV2: missing input"))?;
            b.ins().select(x, t, f)
        }
        "Cast" => {
            let dst = attrs.get_type("DstT")?;
            cast(b, x, d, dst)
        }
        "Neg" => if float { b.ins().fneg(x) } else { b.ins().ineg(x) },
        "Abs" => {
            if float {
                b.ins().fabs(x)
            } else {
                let n = b.ins().ineg(x);
                let zero = b.ins().iconst(ty, 0);
                let neg = b.ins().icmp(IntCC::SignedLessThan, x, zero);
                b.ins().select(neg, n, x)
            }
        }
        "Square" => if float { b.ins().fmul(x, x) } else { b.ins().imul(x, x) },
        "Sign" => {
            if float {
                let zero = fconst(b, ty, 0.0);
                let one = fconst(b, ty, 1.0);
                let m1 = fconst(b, ty, -1.0);
                let nan = b.ins().fcmp(FloatCC::Unordered, x, x);
                let r = b.ins().select(nan, x, zero);
                let lt = b.ins().fcmp(FloatCC::LessThan, x, zero);
                let r = b.ins().select(lt, m1, r);
                let gt = b.ins().fcmp(FloatCC::GreaterThan, x, zero);
                b.ins().select(gt, one, r)
            } else {
                let zero = b.ins().iconst(ty, 0);
                let one = b.ins().iconst(ty, 1);
                let m1 = b.ins().iconst(ty, -1);
                let lt = b.ins().icmp(IntCC::SignedLessThan, x, zero);
                let r = b.ins().select(lt, m1, zero);
                let gt = b.ins().icmp(IntCC::SignedGreaterThan, x, zero);
                b.ins().select(gt, one, r)
            }
        }
        "Relu" => {
            if float {
                let zero = fconst(b, ty, 0.0);
                let keep = b.ins().fcmp(FloatCC::UnorderedOrGreaterThan, x, zero);
                b.ins().select(keep, x, zero)
            } else {
                let zero = b.ins().iconst(ty, 0);
                let keep = b.ins().icmp(IntCC::SignedGreaterThan, x, zero);
                b.ins().select(keep, x, zero)
            }
        }
        "Round" => if float { b.ins().nearest(x) } else { x },
        "Sqrt" => b.ins().sqrt(x),
        "Rsqrt" => {
            let s = b.ins().sqrt(x);
            let one = fconst(b, ty, 1.0);
            b.ins().fdiv(one, s)
        }
        "Reciprocal" => {
            let one = fconst(b, ty, 1.0);
            b.ins().fdiv(one, x)
        }
        "Floor" => b.ins().floor(x),
        "Ceil" => b.ins().ceil(x),
        "Exp" | "Log" | "Log1p" | "Sin" | "Cos" | "Tanh" | "Sigmoid" => {
            let addr = mathfns::unary_addr(op, f64_).ok_or_else(|| cl_err(op))?;
            call_helper(b, addr, &[x], ty)
        }
        "ReluGrad" | "EluGrad" | "TanhGrad" | "SigmoidGrad" | "SqrtGrad" | "RsqrtGrad" | "ReciprocalGrad" => {
            grad(b, op, x, two(y)?, ty)?
        }
        other => return Err(cl_err(format!("no code for {other}"))),
    })
    .map(|v| {
        let _ = out;
        v
    })
}

/// A constant of type `ty` (a float, or a float vector splat).
fn kconst(b: &mut FunctionBuilder, ty: Type, v: f64) -> Value {
    if ty.is_vector() {
        let s = fconst(b, ty.lane_type(), v);
        b.ins().splat(ty, s)
    } else {
        fconst(b, ty, v)
    }
}

/// `cond ? t : f` for a scalar condition or a lane mask.
fn choose(b: &mut FunctionBuilder, ty: Type, cond: Value, t: Value, f: Value) -> Value {
    if ty.is_vector() {
        let m = b.ins().bitcast(ty, lanes_cast(), cond);
        b.ins().bitselect(m, t, f)
    } else {
        b.ins().select(cond, t, f)
    }
}

/// A gradient op on float vectors (f32x4, lane by lane exactly [`emit`]'s
/// result), or `None` for other ops: for SIMD kernels.
pub fn vgrad(b: &mut FunctionBuilder, op: &str, args: &[Value]) -> TfResult<Option<Value>> {
    match (GRAD_OPS.contains(&op), args) {
        (true, &[x, y]) => {
            let ty = b.func.dfg.value_type(x);
            Ok(Some(grad(b, op, x, y, ty)?))
        }
        _ => Ok(None),
    }
}

/// A gradient op on scalars or float vectors of type `ty`, in the
/// reference kernel's (Eigen's packet) evaluation order; see
/// [`grad_supported`].
fn grad(b: &mut FunctionBuilder, op: &str, x: Value, y: Value, ty: Type) -> TfResult<Value> {
    let one = kconst(b, ty, 1.0);
    Ok(match op {
        // g * (x > 0 ? 1 : 0): a NaN or infinite g still gives NaN.
        "ReluGrad" => {
            let zero = kconst(b, ty, 0.0);
            let pos = b.ins().fcmp(FloatCC::GreaterThan, y, zero);
            let m = choose(b, ty, pos, one, zero);
            b.ins().fmul(x, m)
        }
        // y < 0 ? g * (y + 1) : g
        "EluGrad" => {
            let zero = kconst(b, ty, 0.0);
            let neg = b.ins().fcmp(FloatCC::LessThan, y, zero);
            let y1 = b.ins().fadd(y, one);
            let gy = b.ins().fmul(x, y1);
            choose(b, ty, neg, gy, x)
        }
        // dy * (1 - y * y)
        "TanhGrad" => {
            let yy = b.ins().fmul(x, x);
            let d = b.ins().fsub(one, yy);
            b.ins().fmul(y, d)
        }
        // dy * (y * (1 - y))
        "SigmoidGrad" => {
            let d = b.ins().fsub(one, x);
            let t = b.ins().fmul(x, d);
            b.ins().fmul(y, t)
        }
        // dy * (0.5 / y)
        "SqrtGrad" => {
            let half = kconst(b, ty, 0.5);
            let q = b.ins().fdiv(half, x);
            b.ins().fmul(y, q)
        }
        // (-0.5 * (dy * y)) * (y * y)
        "RsqrtGrad" => {
            let mhalf = kconst(b, ty, -0.5);
            let dyy = b.ins().fmul(y, x);
            let l = b.ins().fmul(mhalf, dyy);
            let yy = b.ins().fmul(x, x);
            b.ins().fmul(l, yy)
        }
        // (-y * y) * dy
        "ReciprocalGrad" => {
            let n = b.ins().fneg(x);
            let t = b.ins().fmul(n, x);
            b.ins().fmul(t, y)
        }
        other => return Err(cl_err(format!("no code for {other}"))),
    })
}

/// `Cast` with the reference kernel's semantics.
pub fn cast(b: &mut FunctionBuilder, x: Value, src: DType, dst: DType) -> Value {
    if src == dst {
        return x;
    }
    let sty = cl_type(src);
    let dty = cl_type(dst);
    if dst == DType::Bool {
        return if src.is_float() {
            let zero = fconst(b, sty, 0.0);
            b.ins().fcmp(FloatCC::NotEqual, x, zero)
        } else {
            b.ins().icmp_imm_s(IntCC::NotEqual, x, 0)
        };
    }
    if src.is_float() {
        if dst.is_float() {
            return if dst == DType::Float64 { b.ins().fpromote(dty, x) } else { b.ins().fdemote(dty, x) };
        }
        // float → int: truncate; NaN and out of range give the minimum.
        let (lo, hi, min) = if dst == DType::Int32 {
            (-2147483648.0, 2147483648.0, i32::MIN as i64)
        } else {
            (-9223372036854775808.0, 9223372036854775808.0, i64::MIN)
        };
        let lo = fconst(b, sty, lo);
        let hi = fconst(b, sty, hi);
        let ge = b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, lo);
        let lt = b.ins().fcmp(FloatCC::LessThan, x, hi);
        let ok = b.ins().band(ge, lt);
        let r = b.ins().fcvt_to_sint_sat(dty, x);
        let m = b.ins().iconst(dty, min);
        return b.ins().select(ok, r, m);
    }
    // int or bool source
    let wide = if src == DType::Bool {
        b.ins().uextend(types::I64, x)
    } else if src == DType::Int32 {
        b.ins().sextend(types::I64, x)
    } else {
        x
    };
    match dst {
        DType::Float32 | DType::Float64 => {
            if src == DType::Int32 || src == DType::Bool {
                // i32 → f32 rounds the same from i32 or i64.
                b.ins().fcvt_from_sint(dty, wide)
            } else {
                b.ins().fcvt_from_sint(dty, x)
            }
        }
        DType::Int64 => wide,
        DType::Int32 => {
            if src == DType::Int64 {
                b.ins().ireduce(types::I32, x)
            } else if src == DType::Bool {
                b.ins().uextend(types::I32, x)
            } else {
                x
            }
        }
        DType::Bool => x,
    }
}
