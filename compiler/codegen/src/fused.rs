//! `FusedElementwise` kernels: the fused body compiled into one native loop
//! over the output elements — 128-bit SIMD (`f32x4`) when every value of
//! the body is float32, a scalar loop otherwise — with each input either
//! contiguous (same shape as the output), a splatted scalar, or one value
//! per row (broadcast along the last axis, the softmax case). Large
//! tensors are split across cores. Variants are compiled on first use per
//! input layout and cached.
//!
//! Inputs the kernel was not built for (other broadcasts, shapes that
//! disagree between members, an element error such as integer division by
//! zero) go back to the reference path, which gives TF's exact result or
//! error.
//!
//! Float32 `Tanh`/`Exp`/`Sigmoid` on at least [`FAST_MATH_MIN`] elements
//! use vectorized polynomial approximations (within a few ulp of the
//! reference functions); smaller tensors call the reference functions, so
//! their results are bit-identical.

use crate::elemops::{self, ErrSink};
use crate::jit::{cl_err, cl_type, lanes_cast, mem, Code, Jit};
use crate::plan::{schedule, Step};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, Value};
use cranelift_frontend::FunctionBuilder;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tfjit_graph::{FuncGraph, Node, OpRef, Output, RtValue, ValueType};
use tfjit_tensor::{Attr, DType, Data, Tensor, TfResult};

/// Element count from which float32 transcendentals use polynomials.
pub const FAST_MATH_MIN: usize = 1 << 16;
/// Element count from which a kernel is split across threads.
const PARALLEL_MIN: usize = 1 << 17;

/// How an input is read by a kernel variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Mode {
    /// One element per output element.
    Contig,
    /// One element for all (loaded once).
    Splat,
}

type KernelFn = unsafe extern "C" fn(i64, *const *const u8, *const *mut u8) -> i32;

struct Variant {
    _code: Arc<Code>,
    f: KernelFn,
}

/// What one body value is.
#[derive(Clone, Copy)]
enum Src {
    Input(usize),
    Const(f64, i64),
    Op(usize),
}

struct BodyOp {
    op: &'static str,
    attrs: tfjit_tensor::Attrs,
    ins: Vec<usize>,
    out: DType,
}

/// A compiled `FusedElementwise` kernel.
pub struct FusedKernel {
    body: Arc<FuncGraph>,
    in_types: Vec<DType>,
    /// Values: inputs, constants, op results (indices into `vals`).
    vals: Vec<(Src, DType)>,
    ops: Vec<BodyOp>,
    outs: Vec<usize>,
    all_f32: bool,
    variants: Mutex<HashMap<(Vec<Mode>, bool), Arc<Variant>>>,
    names: Vec<&'static str>,
    /// Large output buffers returned earlier, reused once the program has
    /// dropped them (saves a fresh allocation and its page faults per call).
    pool: Mutex<Vec<Tensor>>,
}

/// Outputs of at least this many bytes go through the buffer pool.
const POOL_MIN_BYTES: usize = 1 << 20;
/// Buffers kept per kernel.
const POOL_MAX: usize = 4;

impl std::fmt::Debug for FusedKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FusedKernel({})", self.describe())
    }
}

fn tensor_dtype(t: &ValueType) -> Option<DType> {
    t.as_tensor().map(|t| t.dtype)
}

/// Prepares the kernel of a `FusedElementwise` node (variants compile on
/// first use), or says why it runs with the reference executor.
pub fn compile(node: &Node) -> Result<FusedKernel, String> {
    if node.op.name() != "FusedElementwise" {
        return Err("fused reductions run their body with the reference kernels".into());
    }
    let body = node.funcs.get("body").cloned().ok_or("no body")?;
    let g = &*body;
    if !g.captures().is_empty() {
        return Err("the body captures values".into());
    }
    let steps: Vec<Step> = schedule(g).map_err(|e| e.message)?;
    let mut index: HashMap<Output, usize> = HashMap::new();
    let mut vals: Vec<(Src, DType)> = Vec::new();
    let mut in_types = Vec::new();
    for (i, &ix) in g.inputs().iter().enumerate() {
        let d = tensor_dtype(&g.node(ix).outputs[0]).ok_or("non-tensor input")?;
        index.insert(g.output(ix, 0), vals.len());
        vals.push((Src::Input(i), d));
        in_types.push(d);
    }
    let mut ops = Vec::new();
    let mut names = Vec::new();
    for step in &steps {
        let node = g.node(step.node);
        let op = node.op.name();
        if index.contains_key(&g.output(step.node, 0)) {
            continue;
        }
        match op {
            "Const" => {
                let t = match node.attrs.get("value") {
                    Some(Attr::Tensor(t)) if t.num_elements() == 1 => t,
                    _ => return Err("a non-scalar constant in the body".into()),
                };
                index.insert(g.output(step.node, 0), vals.len());
                vals.push((Src::Const(t.get_f64(0), t.get_i64(0)), t.dtype()));
            }
            "NoOp" => {}
            _ => {
                let OpRef::Tensor(_) = node.op else { return Err(format!("{op} in a fused body")) };
                let ins: Vec<usize> = step
                    .inputs
                    .iter()
                    .map(|o| index.get(o).copied().ok_or("unknown input"))
                    .collect::<Result<_, _>>()?;
                let dts: Vec<DType> = ins.iter().map(|&i| vals[i].1).collect();
                let out = node.outputs.first().and_then(tensor_dtype).ok_or("non-tensor output")?;
                if !elemops::supported(op, &dts, out) {
                    return Err(format!("{op} on {dts:?} has no generated code"));
                }
                if op != "Identity" && !names.contains(&op) {
                    names.push(op);
                }
                index.insert(g.output(step.node, 0), vals.len());
                vals.push((Src::Op(ops.len()), out));
                ops.push(BodyOp { op, attrs: node.attrs.clone(), ins, out });
            }
        }
    }
    let outs: Vec<usize> = g
        .outputs()
        .iter()
        .map(|o| index.get(o).copied().ok_or("unknown output"))
        .collect::<Result<_, _>>()?;
    let all_f32 = vals.iter().all(|v| v.1 == DType::Float32);
    Ok(FusedKernel { body: body.clone(), in_types, vals, ops, outs, all_f32, variants: Mutex::new(HashMap::new()), names, pool: Mutex::new(Vec::new()) })
}

struct NoErr(bool);
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

const V: types::Type = types::F32X4;

thread_local! {
    /// Vector constants hoisted into the kernel's entry block, by bits
    /// (set while one kernel is being built).
    static HOISTED: std::cell::RefCell<HashMap<u32, Value>> = std::cell::RefCell::new(HashMap::new());
}

/// Constants every vector kernel may use, materialized once before the loop.
/// Whether polynomial constants are hoisted too (register pressure decides).
const HOIST_POLY: bool = true;
const POLY_CONSTS: &[f32] = &[
    7.905_311, -7.905_311, 0.0004, -2.760_768_5e-16, 2.000_187_9e-13, -8.604_671_5e-11, 5.122_297e-8,
    1.485_722_4e-5, 6.372_619_3e-4, 4.893_524_6e-3, 1.198_258_4e-6, 1.185_347_1e-4, 2.268_434_6e-3,
    4.893_525e-3, 88.376_26, -88.376_26, std::f32::consts::LOG2_E, 0.5, 0.693_359_4, -2.121_944_4e-4,
    1.987_569_2e-4, 1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1, 1.0,
    88.722_84, f32::INFINITY, 0.0,
];

fn vconst(b: &mut FunctionBuilder, c: f32) -> Value {
    if let Some(v) = HOISTED.with(|h| h.borrow().get(&c.to_bits()).copied()) {
        return v;
    }
    let s = b.ins().f32const(c);
    b.ins().splat(V, s)
}

/// Materializes `consts` as vectors in the current block for [`vconst`].
fn hoist(b: &mut FunctionBuilder, consts: impl IntoIterator<Item = f32>) {
    for c in consts {
        let v = vconst(b, c);
        HOISTED.with(|h| h.borrow_mut().insert(c.to_bits(), v));
    }
}

/// `x` clamped to `[lo, hi]` (NaN stays NaN) with compares and blends.
fn vclamp(b: &mut FunctionBuilder, x: Value, lo: f32, hi: f32) -> Value {
    let hv = vconst(b, hi);
    let lv = vconst(b, lo);
    let over = b.ins().fcmp(FloatCC::GreaterThan, x, hv);
    let over = mask_f(b, over);
    let x = b.ins().bitselect(over, hv, x);
    let under = b.ins().fcmp(FloatCC::LessThan, x, lv);
    let under = mask_f(b, under);
    b.ins().bitselect(under, lv, x)
}

fn mask_f(b: &mut FunctionBuilder, m: Value) -> Value {
    b.ins().bitcast(V, lanes_cast(), m)
}

/// `x * y + c`, fused (polynomial evaluation in the fast-math path only).
fn madd(b: &mut FunctionBuilder, x: Value, y: Value, c: f32) -> Value {
    let c = vconst(b, c);
    b.ins().fma(x, y, c)
}

fn vtanh(b: &mut FunctionBuilder, x: Value) -> Value {
    let xc = vclamp(b, x, -7.905_311, 7.905_311);
    let ax = b.ins().fabs(x);
    let tiny_c = vconst(b, 0.0004);
    let tiny = b.ins().fcmp(FloatCC::LessThan, ax, tiny_c);
    let x2 = b.ins().fmul(xc, xc);
    let mut p = vconst(b, -2.760_768_5e-16);
    for c in [2.000_187_9e-13, -8.604_671_5e-11, 5.122_297e-8, 1.485_722_4e-5, 6.372_619_3e-4, 4.893_524_6e-3] {
        p = madd(b, p, x2, c);
    }
    let p = b.ins().fmul(p, xc);
    let mut q = vconst(b, 1.198_258_4e-6);
    for c in [1.185_347_1e-4, 2.268_434_6e-3, 4.893_525e-3] {
        q = madd(b, q, x2, c);
    }
    let r = b.ins().fdiv(p, q);
    let tiny = mask_f(b, tiny);
    b.ins().bitselect(tiny, x, r)
}

fn vexp(b: &mut FunctionBuilder, x: Value) -> Value {
    let xc = vclamp(b, x, -88.376_26, 88.376_26);
    let l2e = vconst(b, std::f32::consts::LOG2_E);
    let fx = madd(b, xc, l2e, 0.5);
    let fx = b.ins().floor(fx);
    let c1 = vconst(b, 0.693_359_4);
    let c2 = vconst(b, -2.121_944_4e-4);
    let t1 = b.ins().fmul(fx, c1);
    let t = b.ins().fsub(xc, t1);
    let t2 = b.ins().fmul(fx, c2);
    let t = b.ins().fsub(t, t2);
    let z = b.ins().fmul(t, t);
    let mut y = vconst(b, 1.987_569_2e-4);
    for c in [1.398_199_9e-3, 8.333_452e-3, 4.166_579_6e-2, 1.666_666_5e-1, 5.000_000_1e-1] {
        y = madd(b, y, t, c);
    }
    let y = b.ins().fmul(y, z);
    let y = b.ins().fadd(y, t);
    let one = vconst(b, 1.0);
    let y = b.ins().fadd(y, one);
    let n = b.ins().fcvt_to_sint_sat(types::I32X4, fx);
    let bias = b.ins().iconst(types::I32, 127);
    let bias = b.ins().splat(types::I32X4, bias);
    let n = b.ins().iadd(n, bias);
    let n = b.ins().ishl_imm_u(n, 23);
    let pow2 = b.ins().bitcast(V, lanes_cast(), n);
    let r = b.ins().fmul(y, pow2);
    let big = vconst(b, 88.722_84);
    let over = b.ins().fcmp(FloatCC::GreaterThan, x, big);
    let inf = vconst(b, f32::INFINITY);
    let over = mask_f(b, over);
    b.ins().bitselect(over, inf, r)
}


/// One vector step of `op` on f32x4 values, or per-lane scalar code.
fn vemit(b: &mut FunctionBuilder, op: &BodyOp, args: &[Value], fast: bool, errs: &mut NoErr) -> TfResult<Value> {
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
        ("Sigmoid", _) if fast => {
            let n = b.ins().fneg(x);
            let e = vexp(b, n);
            let one = vconst(b, 1.0);
            let d = b.ins().fadd(one, e);
            b.ins().fdiv(one, d)
        }
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

impl FusedKernel {
    /// A one-line description: the ops fused and how.
    pub fn describe(&self) -> String {
        format!(
            "[{}] ({} inputs, {} outputs; {})",
            self.names.join(", "),
            self.in_types.len(),
            self.outs.len(),
            if self.all_f32 { "f32x4 SIMD + scalar tail" } else { "scalar loop" }
        )
    }

    fn variant(&self, modes: &[Mode], fast: bool) -> Option<Arc<Variant>> {
        let key = (modes.to_vec(), fast && self.all_f32);
        let mut cache = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&key) {
            return Some(v.clone());
        }
        let v = Arc::new(self.build(modes, key.1).ok()?);
        cache.insert(key, v.clone());
        Some(v)
    }

    fn build(&self, modes: &[Mode], fast: bool) -> TfResult<Variant> {
        let mut jit = Jit::new()?;
        let ptr = jit.ptr();
        let id = jit.define("fused", &[types::I64, ptr, ptr], &[types::I32], |b| {
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            b.seal_block(entry);
            let p = b.block_params(entry).to_vec();
            let (n, insp, outsp) = (p[0], p[1], p[2]);
            let in_ptrs: Vec<Value> =
                (0..self.in_types.len()).map(|k| b.ins().load(ptr, mem(), insp, (k * 8) as i32)).collect();
            let out_ptrs: Vec<Value> =
                (0..self.outs.len()).map(|k| b.ins().load(ptr, mem(), outsp, (k * 8) as i32)).collect();
            let mut errs = NoErr(false);
            // Splatted inputs, loaded once.
            let splat_s: Vec<Option<Value>> = modes
                .iter()
                .zip(&self.in_types)
                .zip(&in_ptrs)
                .map(|((m, d), &p)| (*m == Mode::Splat).then(|| b.ins().load(cl_type(*d), mem(), p, 0)))
                .collect();
            let i = b.declare_var(types::I64);
            let zero = b.ins().iconst(types::I64, 0);
            b.def_var(i, zero);
            if self.all_f32 {
                HOISTED.with(|h| h.borrow_mut().clear());
                let body_consts = self.vals.iter().filter_map(|(src, _)| match src {
                    Src::Const(f, _) => Some(*f as f32),
                    _ => None,
                });
                let all: Vec<f32> = POLY_CONSTS.iter().copied().filter(|_| HOIST_POLY).chain(body_consts).collect();
                hoist(b, all);
                let splat_v: Vec<Option<Value>> = splat_s.iter().map(|s| s.map(|s| b.ins().splat(V, s))).collect();
                let head = b.create_block();
                let body = b.create_block();
                let done = b.create_block();
                b.ins().jump(head, &[]);
                b.switch_to_block(head);
                let iv = b.use_var(i);
                let i4 = b.ins().iadd_imm_s(iv, 4);
                let more = b.ins().icmp(IntCC::SignedLessThanOrEqual, i4, n);
                b.ins().brif(more, body, &[], done, &[]);
                b.switch_to_block(body);
                b.seal_block(body);
                let iv = b.use_var(i);
                let off = b.ins().ishl_imm_u(iv, 2);
                let mut vals: Vec<Value> = Vec::with_capacity(self.vals.len());
                for (src, _) in &self.vals {
                    let v = match *src {
                        Src::Input(k) => match splat_v[k] {
                            Some(s) => s,
                            None => {
                                let a = b.ins().iadd(in_ptrs[k], off);
                                b.ins().load(V, mem(), a, 0)
                            }
                        },
                        Src::Const(f, _) => vconst(b, f as f32),
                        Src::Op(j) => {
                            let op = &self.ops[j];
                            let args: Vec<Value> = op.ins.iter().map(|&a| vals[a]).collect();
                            vemit(b, op, &args, fast, &mut errs)?
                        }
                    };
                    vals.push(v);
                }
                for (k, &o) in self.outs.iter().enumerate() {
                    let a = b.ins().iadd(out_ptrs[k], off);
                    b.ins().store(mem(), vals[o], a, 0);
                }
                b.def_var(i, i4);
                b.ins().jump(head, &[]);
                b.seal_block(head);
                b.switch_to_block(done);
                b.seal_block(done);
            }
            HOISTED.with(|h| h.borrow_mut().clear());
                        // Scalar loop (the tail, or everything).
            let head = b.create_block();
            let body = b.create_block();
            let done = b.create_block();
            b.ins().jump(head, &[]);
            b.switch_to_block(head);
            let iv = b.use_var(i);
            let more = b.ins().icmp(IntCC::SignedLessThan, iv, n);
            b.ins().brif(more, body, &[], done, &[]);
            b.switch_to_block(body);
            b.seal_block(body);
            let iv = b.use_var(i);
            let mut vals: Vec<Value> = Vec::with_capacity(self.vals.len());
            for (src, d) in &self.vals {
                let v = match *src {
                    Src::Input(k) => match splat_s[k] {
                        Some(s) => s,
                        None => {
                            let off = b.ins().imul_imm_s(iv, d.size() as i64);
                            let a = b.ins().iadd(in_ptrs[k], off);
                            b.ins().load(cl_type(*d), mem(), a, 0)
                        }
                    },
                    Src::Const(f, i) => match d {
                        DType::Float32 => b.ins().f32const(f as f32),
                        DType::Float64 => b.ins().f64const(f),
                        other => b.ins().iconst(cl_type(*other), i),
                    },
                    Src::Op(j) => {
                        let op = &self.ops[j];
                        let args: Vec<(DType, Value)> = op.ins.iter().map(|&a| (self.vals[a].1, vals[a])).collect();
                        elemops::emit(b, op.op, &op.attrs, &args, op.out, &mut errs)?
                    }
                };
                vals.push(v);
            }
            for (k, &o) in self.outs.iter().enumerate() {
                let off = b.ins().imul_imm_s(iv, self.vals[o].1.size() as i64);
                let a = b.ins().iadd(out_ptrs[k], off);
                b.ins().store(mem(), vals[o], a, 0);
            }
            let next = b.ins().iadd_imm_s(iv, 1);
            b.def_var(i, next);
            b.ins().jump(head, &[]);
            b.seal_block(head);
            b.switch_to_block(done);
            b.seal_block(done);
            let ok = b.ins().iconst(types::I32, 0);
            b.ins().return_(&[ok]);
            Ok(())
        })?;
        let (code, ptrs) = jit.finish(&[id])?;
        let p = *ptrs.first().ok_or_else(|| cl_err("no kernel"))?;
        // SAFETY: the function defined above has exactly this signature.
        let f: KernelFn = unsafe { std::mem::transmute(p) };
        Ok(Variant { _code: code, f })
    }

    /// Runs the kernel; `None` when the inputs need the reference path.
    pub fn run(&self, ins: &[RtValue]) -> Option<TfResult<Vec<RtValue>>> {
        if ins.len() != self.in_types.len() {
            return None;
        }
        let ts: Vec<&Tensor> = ins.iter().map(|v| v.as_tensor()).collect::<Option<_>>()?;
        for (t, d) in ts.iter().zip(&self.in_types) {
            if t.dtype() != *d {
                return None;
            }
        }
        // The output shape, and every member's shape, by broadcasting.
        let mut shapes: Vec<Vec<usize>> = Vec::with_capacity(self.vals.len());
        for (src, _) in &self.vals {
            let s = match *src {
                Src::Input(k) => ts[k].shape().to_vec(),
                Src::Const(..) => vec![],
                Src::Op(j) => {
                    let parts: Vec<&[usize]> = self.ops[j].ins.iter().map(|&a| shapes[a].as_slice()).collect();
                    broadcast(&parts)?
                }
            };
            shapes.push(s);
        }
        let out_shape = shapes[*self.outs.first()?].clone();
        if self.outs.iter().any(|&o| shapes[o] != out_shape) {
            return None;
        }
        let total: usize = out_shape.iter().product();
        // Layout: whole tensor as one row, or rows of the last axis.
        let last = out_shape.last().copied().unwrap_or(1);
        let row_shape: Vec<usize> = {
            let mut s = out_shape.clone();
            if let Some(l) = s.last_mut() {
                *l = 1;
            }
            s
        };
        #[derive(Clone, Copy, PartialEq)]
        enum L {
            Full,
            Scalar,
            PerRow,
        }
        let mut layout = Vec::with_capacity(ts.len());
        for t in &ts {
            let s = t.shape();
            let l = if t.num_elements() == 1 {
                L::Scalar
            } else if padded_eq(s, &out_shape) {
                L::Full
            } else if padded_eq(s, &row_shape) {
                L::PerRow
            } else {
                return None;
            };
            layout.push(l);
        }
        let rows_mode = layout.contains(&L::PerRow);
        let modes: Vec<Mode> = layout.iter().map(|l| if *l == L::Full { Mode::Contig } else { Mode::Splat }).collect();
        let var = self.variant(&modes, total >= FAST_MATH_MIN)?;
        let pooling = total * self.vals[self.outs[0]].1.size() >= POOL_MIN_BYTES;
        let mut outs: Vec<Tensor> = Vec::with_capacity(self.outs.len());
        for &o in &self.outs {
            let d = self.vals[o].1;
            let reused = if pooling {
                let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
                let hit = pool.iter_mut().position(|t| {
                    t.dtype() == d && t.num_elements() == total && t.data_mut().is_some()
                });
                hit.map(|i| pool.swap_remove(i))
            } else {
                None
            };
            let t = match reused {
                Some(t) => t,
                None => match Tensor::new(vec![total], zeros(d, total)) {
                    Ok(t) => t,
                    Err(e) => return Some(Err(e)),
                },
            };
            outs.push(t);
        }
        let mut out_base: Vec<usize> = Vec::with_capacity(outs.len());
        for t in outs.iter_mut() {
            out_base.push(data_ptr_mut(t.data_mut()?) as usize);
        }
        let in_base: Vec<usize> = ts.iter().map(|t| data_ptr(t.data()) as usize).collect();
        let in_size: Vec<usize> = ts.iter().map(|t| t.dtype().size()).collect();
        let out_size: Vec<usize> = self.outs.iter().map(|&o| self.vals[o].1.size()).collect();
        // Work items: (first element, count); in rows mode, whole rows.
        let (unit, units) = if rows_mode { (last, total / last.max(1)) } else { (1, total) };
        let threads = if total >= PARALLEL_MIN {
            std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
        } else {
            1
        };
        let run_range = |from: usize, to: usize| -> i32 {
            let mut ip = vec![0usize; in_base.len()];
            let mut op = vec![0usize; out_base.len()];
            if rows_mode {
                for r in from..to {
                    for k in 0..in_base.len() {
                        ip[k] = in_base[k]
                            + match layout[k] {
                                L::Full => r * last * in_size[k],
                                L::PerRow => r * in_size[k],
                                L::Scalar => 0,
                            };
                    }
                    for k in 0..out_base.len() {
                        op[k] = out_base[k] + r * last * out_size[k];
                    }
                    // SAFETY: every pointer addresses `last` elements (or
                    // one, splatted) inside buffers checked above.
                    let rc = unsafe { (var.f)(last as i64, ip.as_ptr() as *const *const u8, op.as_ptr() as *const *mut u8) };
                    if rc != 0 {
                        return rc;
                    }
                }
                0
            } else {
                for k in 0..in_base.len() {
                    ip[k] = in_base[k] + if layout[k] == L::Full { from * in_size[k] } else { 0 };
                }
                for k in 0..out_base.len() {
                    op[k] = out_base[k] + from * out_size[k];
                }
                // SAFETY: elements [from, to) of every full buffer exist.
                unsafe { (var.f)((to - from) as i64, ip.as_ptr() as *const *const u8, op.as_ptr() as *const *mut u8) }
            }
        };
        let rc = if threads <= 1 || units < 2 {
            run_range(0, units)
        } else {
            let per = units.div_ceil(threads);
            // Chunks aligned to 16 elements keep SIMD bodies whole.
            let per = if rows_mode { per } else { per.div_ceil(16) * 16 };
            let _ = unit;
            std::thread::scope(|s| {
                let hs: Vec<_> = (0..threads)
                    .map(|t| {
                        let from = (t * per).min(units);
                        let to = ((t + 1) * per).min(units);
                        let f = &run_range;
                        s.spawn(move || if from < to { f(from, to) } else { 0 })
                    })
                    .collect();
                hs.into_iter().map(|h| h.join().unwrap_or(1)).find(|&rc| rc != 0).unwrap_or(0)
            })
        };
        if rc != 0 {
            return None;
        }
        let mut res = Vec::with_capacity(outs.len());
        for t in outs {
            if pooling {
                let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
                if pool.len() >= POOL_MAX {
                    pool.remove(0);
                }
                pool.push(t.clone());
            }
            // A fresh identity for the program's tensor (tapes key on it).
            match t.reshaped(out_shape.clone()) {
                Ok(t) => res.push(RtValue::Tensor(t)),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(res))
    }

    /// The fused body (for reports).
    pub fn body(&self) -> &FuncGraph {
        &self.body
    }
}

/// `a` equals `b` after left-padding `a` with 1s.
fn padded_eq(a: &[usize], b: &[usize]) -> bool {
    a.len() <= b.len() && b[..b.len() - a.len()].iter().all(|&d| d == 1) && a == &b[b.len() - a.len()..]
}

fn broadcast(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; rank];
    for s in shapes {
        let off = rank - s.len();
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[off + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return None;
            }
        }
    }
    Some(out)
}

fn zeros(d: DType, n: usize) -> Data {
    match d {
        DType::Float32 => Data::F32(vec![0.0; n]),
        DType::Float64 => Data::F64(vec![0.0; n]),
        DType::Int32 => Data::I32(vec![0; n]),
        DType::Int64 => Data::I64(vec![0; n]),
        DType::Bool => Data::Bool(vec![false; n]),
    }
}

fn data_ptr(d: &Data) -> *const u8 {
    match d {
        Data::F32(v) => v.as_ptr() as *const u8,
        Data::F64(v) => v.as_ptr() as *const u8,
        Data::I32(v) => v.as_ptr() as *const u8,
        Data::I64(v) => v.as_ptr() as *const u8,
        Data::Bool(v) => v.as_ptr() as *const u8,
    }
}

fn data_ptr_mut(d: &mut Data) -> *mut u8 {
    match d {
        Data::F32(v) => v.as_mut_ptr() as *mut u8,
        Data::F64(v) => v.as_mut_ptr() as *mut u8,
        Data::I32(v) => v.as_mut_ptr() as *mut u8,
        Data::I64(v) => v.as_mut_ptr() as *mut u8,
        Data::Bool(v) => v.as_mut_ptr() as *mut u8,
    }
}
