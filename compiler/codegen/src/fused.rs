//! `FusedElementwise` kernels: the fused body compiled into one native loop
//! over the output elements — 128-bit SIMD (`f32x4`) when every value of
//! the body is float32, a scalar loop otherwise — with each input either
//! contiguous (same shape as the output), a splatted scalar, one value
//! per row (broadcast along the last axis, the softmax case), or one row
//! shared by all rows (broadcast along the leading axes, the bias-add
//! case: element `i` reads `i % K`). The last two run row by row, with
//! the layouts and per-row strides of the row kernels ([`crate::rows`]). Large
//! tensors are split across cores. Variants are compiled on first use per
//! input layout and cached.
//!
//! Float32 bodies of at least [`VM_MIN`] elements per call run on the
//! block VM instead (`blockvm`: one AVX-512/AVX2 pass per op over
//! L1-resident block buffers, the same IEEE operations), which needs no
//! code generation and uses four times wider vectors than Cranelift's.
//!
//! Inputs the kernel was not built for (other broadcasts, shapes that
//! disagree between members, an element error such as integer division by
//! zero) go back to the reference path, which gives TF's exact result or
//! error.
//!
//! Float32 `Tanh`/`Exp`/`Sigmoid`/`Log` are computed inline (f32x4) or a
//! block at a time by the vector math library (`mathlib`), both with the
//! reference functions' exact operations (TF's Eigen packet path,
//! `tfjit_tensor::ops::tfmath`), so results are bit-identical at every
//! size. TF computes the last `n % 8` elements of `Exp`/`Log`/`Sigmoid`
//! with libm instead; those few elements are recomputed by a scalar
//! "tail" variant of the kernel that calls the same libm helpers as the
//! reference kernels.

use crate::body::{broadcast, data_ptr, data_ptr_mut, padded_eq, zeros, ElemBody, OutRef, Src};
use crate::elemops;
use crate::jit::{cl_err, cl_type, helper_sig, input_at, mem, Code, Jit};
use crate::rows::{Layout as L, Mode};
use cranelift_codegen::ir::{StackSlot, StackSlotData, StackSlotKind};
use cranelift_frontend::{FunctionBuilder, Variable};
use crate::vmath::{hoist, vconst, vemit, NoErr, HOISTED, HOIST_POLY, POLY_CONSTS, V};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, InstBuilder, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tfjit_graph::{FuncGraph, Node, RtValue};
use tfjit_tensor::ops::tfmath;
use tfjit_tensor::{DType, Tensor, TfResult};

/// Elements per block of the blocked (math library) kernels.
const BLOCK: usize = 512;
/// f32x4 steps per iteration of a blocked kernel's phase loops (fewer
/// loop and address instructions per element; `BLOCK` is a multiple).
const UNROLL: usize = 4;
/// Elements per iteration of a blocked kernel's phase loops; blocks
/// (the last one of a range may be short) are whole multiples.
const STEP: usize = 4 * UNROLL;
/// Element count from which a kernel is split across threads.
const PARALLEL_MIN: usize = 1 << 17;
/// Output size from which float32 kernels write through a block buffer
/// with streaming stores (`mathlib::stream_fn`): far beyond the caches, a
/// result cannot stay cached for its consumer, and skipping the
/// read-for-ownership of each destination line saves a third of the
/// memory traffic (measured 8.5 against 10.7 ms for 16M floats on 2 cores).
const STREAM_MIN_BYTES: usize = 32 << 20;


type KernelFn = unsafe extern "C" fn(i64, *const *const u8, *const *mut u8) -> i32;

struct Variant {
    _code: Arc<Code>,
    f: KernelFn,
}

/// A compiled `FusedElementwise` kernel.
pub struct FusedKernel {
    body: Arc<FuncGraph>,
    in_types: Vec<DType>,
    /// Values: inputs, constants, op results (indices into `vals`).
    vals: Vec<(Src, DType)>,
    ops: Vec<crate::body::BodyOp>,
    outs: Vec<usize>,
    all_f32: bool,
    /// Compiled variants by (input modes, scalar tail, streaming stores).
    variants: Mutex<HashMap<(Vec<Mode>, bool, bool), Arc<Variant>>>,
    names: Vec<&'static str>,
    /// Block-VM programs (`blockvm`) by input modes (`None`: the body has
    /// ops the VM lacks).
    vm: Mutex<HashMap<Vec<Mode>, Option<Arc<crate::blockvm::Program>>>>,
    /// Large output buffers returned earlier, reused once the program has
    /// dropped them (saves a fresh allocation and its page faults per call).
    pool: Mutex<Vec<Tensor>>,
}

/// Elements per kernel call (a row in rows mode) from which float32
/// bodies run on the block VM (`blockvm`, AVX-512/AVX2 passes) instead of
/// the generated f32x4 code: below it, the VM's per-call and per-pass
/// overheads outweigh its wider vectors.
const VM_MIN: usize = 2048;

/// Outputs of at least this many bytes go through the buffer pool.
const POOL_MIN_BYTES: usize = 1 << 20;
/// Buffers kept per kernel.
const POOL_MAX: usize = 4;

impl std::fmt::Debug for FusedKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FusedKernel({})", self.describe())
    }
}

/// Prepares the kernel of a `FusedElementwise` node (variants compile on
/// first use), or says why it runs with the reference executor.
pub fn compile(node: &Node) -> Result<FusedKernel, String> {
    if node.op.name() != "FusedElementwise" {
        return Err("not a FusedElementwise".into());
    }
    let body = node.funcs.get("body").cloned().ok_or("no body")?;
    let eb = ElemBody::parse(&body, false)?;
    let outs = eb
        .outs
        .iter()
        .map(|o| match o {
            OutRef::Elem(k) => Ok(*k),
            OutRef::Reduced => Err("a reduction output".to_string()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(FusedKernel {
        body,
        in_types: eb.in_types,
        vals: eb.vals,
        ops: eb.ops,
        outs,
        all_f32: eb.all_f32,
        variants: Mutex::new(HashMap::new()),
        vm: Mutex::new(HashMap::new()),
        names: eb.names,
        pool: Mutex::new(Vec::new()),
    })
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

    /// The compiled kernel for input `modes`; `tail`: the scalar variant
    /// computing TF's last `n % 8` elements (libm for the position-dependent
    /// ops, see `mathfns::position_dependent`); `stream`: whole blocks
    /// written with streaming stores (float32 bodies only).
    fn variant(&self, modes: &[Mode], tail: bool, stream: bool) -> Option<Arc<Variant>> {
        let key = (modes.to_vec(), tail, stream && self.all_f32 && !tail);
        let mut cache = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&key) {
            return Some(v.clone());
        }
        let v = Arc::new(self.build(modes, key.1, key.2).ok()?);
        cache.insert(key, v.clone());
        Some(v)
    }

    /// The block-VM program for input `modes`, if the body has VM code.
    fn vm_program(&self, modes: &[Mode]) -> Option<Arc<crate::blockvm::Program>> {
        let mut cache = self.vm.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(modes.to_vec())
            .or_insert_with(|| {
                let splat: Vec<bool> = modes.iter().map(|m| *m == Mode::Splat).collect();
                crate::blockvm::Program::new(&self.vals, &self.ops, &self.outs, &splat).map(Arc::new)
            })
            .clone()
    }

    fn build(&self, modes: &[Mode], tail: bool, stream: bool) -> TfResult<Variant> {
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
            if self.all_f32 && !tail && (stream || self.ops.iter().any(|o| crate::mathlib::block_fn(o.op).is_some())) {
                HOISTED.with(|h| h.borrow_mut().clear());
                self.emit_blocked(b, i, n, &in_ptrs, &out_ptrs, &splat_s, stream, &mut errs)?;
            }
            if self.all_f32 && !tail {
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
                        Src::Input(k) => input_at(b, splat_v[k], in_ptrs[k], off, V),
                        Src::Const(f, _) => vconst(b, f as f32),
                        Src::Op(j) => {
                            let op = &self.ops[j];
                            let args: Vec<Value> = op.ins.iter().map(|&a| vals[a]).collect();
                            vemit(b, op, &args, true, &mut errs)?
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
            // Scalar loop (the leftovers, or everything).
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
                            input_at(b, None, in_ptrs[k], off, cl_type(*d))
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
                        match crate::mathfns::tail_addr(op.op) {
                            Some(addr) if tail && crate::mathfns::position_dependent(op.op, op.out) => {
                                elemops::call_helper(b, addr, &[args[0].1], types::F32)
                            }
                            _ => elemops::emit(b, op.op, &op.attrs, &args, op.out, &mut errs)?,
                        }
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

    /// Blocks of up to [`BLOCK`] elements (whole [`STEP`]s, so a row
    /// shorter than a block, as in a bias-add kernel run row by row, takes
    /// this path too), in phases split at each
    /// transcendental op: a phase is an f32x4 loop over the block (values
    /// crossing phases go through stack buffers); between phases the
    /// vectorized math library (`mathlib`, AVX-512/AVX2) transforms a
    /// buffer in place. With `stream`, outputs go to block buffers that
    /// are copied out with streaming stores after the last phase. Advances
    /// `i` past the last block (fewer than [`STEP`] elements remain).
    #[allow(clippy::too_many_arguments)]
    fn emit_blocked(
        &self,
        b: &mut FunctionBuilder,
        i: Variable,
        n: Value,
        in_ptrs: &[Value],
        out_ptrs: &[Value],
        splat_s: &[Option<Value>],
        stream: bool,
        errs: &mut NoErr,
    ) -> TfResult<()> {
        let nv = self.vals.len();
        // Phase in which each value is available, and block ops.
        let mut avail = vec![0usize; nv];
        let mut block_of: Vec<Option<crate::mathlib::BlockFn>> = vec![None; nv];
        for (v, (src, _)) in self.vals.iter().enumerate() {
            if let Src::Op(j) = *src {
                let op = &self.ops[j];
                let p = op.ins.iter().map(|&a| avail[a]).max().unwrap_or(0);
                match crate::mathlib::block_fn(op.op) {
                    Some(f) => {
                        block_of[v] = Some(f);
                        avail[v] = p + 1;
                    }
                    None => avail[v] = p,
                }
            }
        }
        let last = avail.iter().copied().max().unwrap_or(0);
        let is_op = |v: usize| matches!(self.vals[v].0, Src::Op(_));
        // Values stored to a buffer: block results, block inputs (into
        // the block op's buffer), and op values used in a later phase.
        let mut slot: Vec<Option<StackSlot>> = vec![None; nv];
        let mut later_use = vec![false; nv];
        for (v, (src, _)) in self.vals.iter().enumerate() {
            if let Src::Op(j) = *src {
                let here = if block_of[v].is_some() { usize::MAX } else { avail[v] };
                for &a in &self.ops[j].ins {
                    if is_op(a) && block_of[v].is_none() && avail[a] < here {
                        later_use[a] = true;
                    }
                }
            }
        }
        let bytes = (BLOCK * 4) as u32;
        for v in 0..nv {
            if block_of[v].is_some() || (later_use[v] && block_of[v].is_none()) {
                slot[v] = Some(b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, bytes, 4)));
            }
        }
        let out_slot: Vec<StackSlot> = if stream {
            self.outs
                .iter()
                .map(|_| b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, bytes, 6)))
                .collect()
        } else {
            Vec::new()
        };
        let ptr_ty = types::I64;
        // The body's constants, materialized once before the loop.
        hoist(
            b,
            self.vals.iter().filter_map(|(src, _)| match src {
                Src::Const(f, _) => Some(*f as f32),
                _ => None,
            }),
        );
        let splat_v: Vec<Option<Value>> = splat_s.iter().map(|s| s.map(|s| b.ins().splat(V, s))).collect();
        let head = b.create_block();
        let body = b.create_block();
        let done = b.create_block();
        b.ins().jump(head, &[]);
        b.switch_to_block(head);
        let iv = b.use_var(i);
        let rem = b.ins().isub(n, iv);
        let more = b.ins().icmp_imm_s(IntCC::SignedGreaterThanOrEqual, rem, STEP as i64);
        b.ins().brif(more, body, &[], done, &[]);
        b.switch_to_block(body);
        let base = b.use_var(i);
        let base_off = b.ins().ishl_imm_u(base, 2);
        // This block's length: `BLOCK`, or the whole `STEP`s left (a short
        // row, or the end of the range).
        let rem = b.ins().isub(n, base);
        let full = b.ins().iconst(types::I64, BLOCK as i64);
        let m = b.ins().smin(rem, full);
        let m = b.ins().band_imm_s(m, -(STEP as i64));
        for phase in 0..=last {
            let k = b.declare_var(types::I64);
            let z = b.ins().iconst(types::I64, 0);
            b.def_var(k, z);
            let lh = b.create_block();
            let lb = b.create_block();
            let ld = b.create_block();
            b.ins().jump(lh, &[]);
            b.switch_to_block(lh);
            let kv = b.use_var(k);
            let more = b.ins().icmp(IntCC::SignedLessThan, kv, m);
            b.ins().brif(more, lb, &[], ld, &[]);
            b.switch_to_block(lb);
            for u in 0..UNROLL {
                let kv = b.use_var(k);
                let koff = b.ins().ishl_imm_u(kv, 2);
                let koff = b.ins().iadd_imm_s(koff, 16 * u as i64);
                let goff = b.ins().iadd(base_off, koff);
                let mut vals: Vec<Option<Value>> = vec![None; nv];
                // Inputs, constants and this phase's ops, in order.
                for v in 0..nv {
                    let val = match self.vals[v].0 {
                        Src::Input(kk) => input_at(b, splat_v[kk], in_ptrs[kk], goff, V),
                        Src::Const(f, _) => vconst(b, f as f32),
                        Src::Op(j) => {
                            let from_slot = if block_of[v].is_some() {
                                if avail[v] > phase {
                                    continue;
                                }
                                true
                            } else if avail[v] > phase {
                                continue;
                            } else if avail[v] < phase {
                                if !later_use[v] {
                                    continue;
                                }
                                true
                            } else {
                                false
                            };
                            if from_slot {
                                let sl = slot[v].ok_or_else(|| cl_err("blocked kernel: no buffer"))?;
                                let a = b.ins().stack_addr(ptr_ty, sl, 0);
                                let a = b.ins().iadd(a, koff);
                                b.ins().load(V, mem(), a, 0)
                            } else {
                                let op = &self.ops[j];
                                let mut args = Vec::with_capacity(op.ins.len());
                                for &a in &op.ins {
                                    match vals[a] {
                                        Some(x) => args.push(x),
                                        None => return Err(cl_err("blocked kernel: missing value")),
                                    }
                                }
                                vemit(b, op, &args, true, errs)?
                            }
                        }
                    };
                    vals[v] = Some(val);
            }
            // Stores: crossing values, block inputs, outputs.
            for v in 0..nv {
                if let (Some(sl), Some(x)) = (slot[v], vals[v]) {
                    if later_use[v] && block_of[v].is_none() && avail[v] == phase && is_op(v) {
                        let a = b.ins().stack_addr(ptr_ty, sl, 0);
                        let a = b.ins().iadd(a, koff);
                        b.ins().store(mem(), x, a, 0);
                    }
                }
                if let (Some(sl), Src::Op(j)) = (slot[v], self.vals[v].0) {
                    if block_of[v].is_some() && avail[v] == phase + 1 {
                        let inp = self.ops[j].ins[0];
                        if let Some(x) = vals[inp] {
                            let a = b.ins().stack_addr(ptr_ty, sl, 0);
                            let a = b.ins().iadd(a, koff);
                            b.ins().store(mem(), x, a, 0);
                        }
                    }
                }
            }
            for (kk, &o) in self.outs.iter().enumerate() {
                let here = if is_op(o) { avail[o] == phase } else { phase == 0 };
                if here {
                    if let Some(x) = vals[o] {
                        let a = match out_slot.get(kk) {
                            Some(&sl) => {
                                let a = b.ins().stack_addr(ptr_ty, sl, 0);
                                b.ins().iadd(a, koff)
                            }
                            None => b.ins().iadd(out_ptrs[kk], goff),
                        };
                        b.ins().store(mem(), x, a, 0);
                    }
                }
            }
            }
            let kv = b.use_var(k);
            let k4 = b.ins().iadd_imm_s(kv, 4 * UNROLL as i64);
            b.def_var(k, k4);
            b.ins().jump(lh, &[]);
            b.switch_to_block(ld);
            // The math library on this phase's block inputs.
            for v in 0..nv {
                if let (Some(f), Some(sl)) = (block_of[v], slot[v]) {
                    if avail[v] == phase + 1 {
                        let a = b.ins().stack_addr(ptr_ty, sl, 0);
                        let sig = helper_sig(b, &[ptr_ty, types::I64], &[]);
                        let sigref = b.import_signature(sig);
                        let callee = b.ins().iconst(types::I64, f as usize as i64);
                        b.ins().call_indirect(sigref, callee, &[a, m]);
                    }
                }
            }
        }
        // The block's outputs, streamed out.
        for (kk, &sl) in out_slot.iter().enumerate() {
            let src = b.ins().stack_addr(ptr_ty, sl, 0);
            let dst = b.ins().iadd(out_ptrs[kk], base_off);
            let sig = helper_sig(b, &[ptr_ty, ptr_ty, types::I64], &[]);
            let sigref = b.import_signature(sig);
            let callee = b.ins().iconst(types::I64, crate::mathlib::stream_fn() as usize as i64);
            b.ins().call_indirect(sigref, callee, &[dst, src, m]);
        }
        let iv = b.use_var(i);
        let next = b.ins().iadd(iv, m);
        b.def_var(i, next);
        b.ins().jump(head, &[]);
        b.switch_to_block(done);
        Ok(())
    }

    /// Runs the kernel; `None` when the inputs need the reference path.
    pub fn run(&self, ins: &[RtValue]) -> Option<TfResult<Vec<RtValue>>> {
        let ts: Vec<&Tensor> = ins.iter().map(|v| v.as_tensor()).collect::<Option<_>>()?;
        let views: Vec<InView> = ts.iter().map(|t| InView::of(t)).collect();
        let call = match self.prepare(&views, None)? {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        let rc = call.run_all();
        call.finish(rc)
    }

    /// Prepares a call on inputs `ins`: output buffers, layouts and the
    /// kernel variant (the block VM's for runs of at least [`VM_MIN`]
    /// elements per kernel call: `seg`, else a row or the whole tensor).
    /// `None` when the inputs need the reference path.
    pub(crate) fn prepare(&self, ins: &[InView], seg: Option<usize>) -> Option<TfResult<Call<'_>>> {
        if ins.len() != self.in_types.len() {
            return None;
        }
        for (t, d) in ins.iter().zip(&self.in_types) {
            if t.dtype != *d {
                return None;
            }
        }
        // The output shape, and every member's shape, by broadcasting.
        let mut shapes: Vec<Vec<usize>> = Vec::with_capacity(self.vals.len());
        for (src, _) in &self.vals {
            let s = match *src {
                Src::Input(k) => ins[k].shape.to_vec(),
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
        // One value per row: [..., M, 1]; one row shared by all: [1, ..., K].
        let row_shape: Vec<usize> = {
            let mut s = out_shape.clone();
            if let Some(l) = s.last_mut() {
                *l = 1;
            }
            s
        };
        let col_shape: Vec<usize> = {
            let mut s = vec![1; out_shape.len()];
            if let Some(l) = s.last_mut() {
                *l = last;
            }
            s
        };
        let mut layout = Vec::with_capacity(ins.len());
        for t in ins {
            let s = t.shape;
            let l = if s.iter().product::<usize>() == 1 {
                L::Scalar
            } else if padded_eq(s, &out_shape) {
                L::Full
            } else if padded_eq(s, &row_shape) {
                L::PerRow
            } else if padded_eq(s, &col_shape) {
                L::PerCol
            } else {
                return None;
            };
            layout.push(l);
        }
        let rows_mode = layout.iter().any(|l| matches!(l, L::PerRow | L::PerCol));
        let modes: Vec<Mode> = layout.iter().map(|l| l.mode()).collect();
        // TF's scalar tail: the last `total % 8` elements of a
        // position-dependent op are recomputed below, which needs the op's
        // elements to be the output's elements.
        let tail_from = tfmath::tail_start(total);
        let mut needs_tail = false;
        for (v, (src, _)) in self.vals.iter().enumerate() {
            if let Src::Op(j) = *src {
                if crate::mathfns::position_dependent(self.ops[j].op, self.ops[j].out) {
                    let n_v: usize = shapes[v].iter().product();
                    if n_v % tfmath::PACKET == 0 && tail_from == total {
                        continue;
                    }
                    if !padded_eq(&shapes[v], &out_shape) {
                        return None;
                    }
                    needs_tail |= tail_from < total;
                }
            }
        }
        let stream = self.all_f32 && total * 4 >= STREAM_MIN_BYTES;
        let per_call = seg.unwrap_or(if rows_mode { last } else { total });
        let vm = if self.all_f32 && per_call >= VM_MIN && crate::blockvm::available() {
            self.vm_program(&modes)
        } else {
            None
        };
        let var = if vm.is_some() { None } else { Some(self.variant(&modes, false, stream)?) };
        let tail_var = if needs_tail { Some(self.variant(&modes, true, false)?) } else { None };
        let pooling = total * self.vals[self.outs[0]].1.size() >= POOL_MIN_BYTES;
        let mut outs: Vec<Tensor> = Vec::with_capacity(self.outs.len());
        for &o in &self.outs {
            let d = self.vals[o].1;
            let reused = if pooling {
                let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
                let hit = pool.iter_mut().position(|t| t.dtype() == d && t.num_elements() == total && t.data_mut().is_some());
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
        Some(Ok(Call {
            kernel: self,
            layout,
            modes,
            in_base: ins.iter().map(|t| t.addr).collect(),
            in_size: ins.iter().map(|t| t.dtype.size()).collect(),
            out_size: self.outs.iter().map(|&o| self.vals[o].1.size()).collect(),
            out_base,
            outs,
            out_shape,
            total,
            last,
            rows_mode,
            stream,
            pooling,
            vm,
            var,
            tail_var,
            tail_from,
        }))
    }

    /// Keeps output buffer `t` for a later call (its buffer is reused once
    /// nothing else holds it), dropping the oldest beyond [`POOL_MAX`].
    fn give_back(&self, t: Tensor) {
        let mut pool = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if pool.len() >= POOL_MAX {
            pool.remove(0);
        }
        pool.push(t);
    }

    /// The fused body (for reports).
    pub fn body(&self) -> &FuncGraph {
        &self.body
    }
}

/// One input of a kernel call: its shape, element type and the address of
/// its first element (the caller keeps the buffer alive and unchanged, and
/// holding `shape`'s element count, for the call).
#[derive(Clone, Copy, Debug)]
pub(crate) struct InView<'a> {
    pub(crate) shape: &'a [usize],
    pub(crate) dtype: DType,
    pub(crate) addr: usize,
}

impl<'a> InView<'a> {
    pub(crate) fn of(t: &'a Tensor) -> InView<'a> {
        InView { shape: t.shape(), dtype: t.dtype(), addr: data_ptr(t.data()) as usize }
    }
}

/// A prepared kernel call: its output buffers and how each input is read.
/// Ranges of it run on any thread ([`Call::run_rect`]); [`Call::finish`]
/// returns the outputs.
pub(crate) struct Call<'k> {
    kernel: &'k FusedKernel,
    layout: Vec<L>,
    modes: Vec<Mode>,
    in_base: Vec<usize>,
    in_size: Vec<usize>,
    out_base: Vec<usize>,
    out_size: Vec<usize>,
    outs: Vec<Tensor>,
    out_shape: Vec<usize>,
    total: usize,
    /// The length of the last axis: a row.
    last: usize,
    rows_mode: bool,
    stream: bool,
    pooling: bool,
    vm: Option<Arc<crate::blockvm::Program>>,
    var: Option<Arc<Variant>>,
    tail_var: Option<Arc<Variant>>,
    tail_from: usize,
}

impl Call<'_> {
    /// The output's shape.
    pub(crate) fn out_shape(&self) -> &[usize] {
        &self.out_shape
    }

    /// One call of the main kernel: `n` elements at `ip`/`op`.
    fn call(&self, n: usize, ip: &[usize], op: &[usize], scratch: &mut Vec<f32>) -> i32 {
        match (&self.vm, &self.var) {
            (Some(p), _) => {
                let ins: Vec<*const f32> = ip.iter().map(|&a| a as *const f32).collect();
                let outs: Vec<*mut f32> = op.iter().map(|&a| a as *mut f32).collect();
                // SAFETY: as for the generated kernel below (float32
                // buffers; outputs are fresh tensors).
                unsafe { p.run(n, &ins, &outs, self.stream, scratch) };
                0
            }
            // SAFETY: every pointer addresses `n` elements (or one,
            // splatted) inside buffers checked by `prepare`'s caller.
            (None, Some(v)) => unsafe { (v.f)(n as i64, ip.as_ptr() as *const *const u8, op.as_ptr() as *const *mut u8) },
            (None, None) => 1,
        }
    }

    /// Whether every input is whole or one value (no per-row inputs): the
    /// output is then one range of elements.
    pub(crate) fn elementwise_range(&self) -> bool {
        !self.rows_mode
    }

    /// Whether [`Call::finish`] recomputes TF's scalar tail.
    pub(crate) fn has_tail(&self) -> bool {
        self.tail_var.is_some()
    }

    /// Whether every value of the body is float32 (no element errors).
    pub(crate) fn all_f32(&self) -> bool {
        self.kernel.all_f32
    }

    /// Output 0 as a tensor of the output's shape (sharing its buffer).
    pub(crate) fn output_tensor(&self) -> Option<Tensor> {
        self.outs.first()?.reshaped(self.out_shape.clone()).ok()
    }

    /// Elements `from .. from + n` of a kernel without per-row inputs,
    /// written to `outs` (addresses of `n` elements each) instead of the
    /// call's outputs; nonzero on an element error.
    pub(crate) fn run_elems_into(&self, from: usize, n: usize, outs: &[usize]) -> i32 {
        if n == 0 || self.rows_mode || from + n > self.total || outs.len() != self.out_base.len() {
            return i32::from(n != 0);
        }
        let ip: Vec<usize> = (0..self.in_base.len())
            .map(|k| self.in_base[k] + if self.layout[k] == L::Full { from * self.in_size[k] } else { 0 })
            .collect();
        let rc = self.call(n, &ip, outs, &mut Vec::new());
        if self.stream {
            crate::mathlib::store_fence();
        }
        rc
    }

    /// Returns the output buffers to the kernel's pool without results.
    pub(crate) fn recycle(self) {
        if self.pooling {
            self.outs.into_iter().for_each(|t| self.kernel.give_back(t));
        }
    }

    /// Runs the elements of rows `rows.0 .. rows.0 + rows.1`, columns
    /// `cols.0 .. cols.0 + cols.1` of the output seen as rows of its last
    /// axis (the whole output: rows `(0, total / last)`, columns
    /// `(0, last)`); nonzero on an element error. Rectangles that do not
    /// overlap may run concurrently.
    pub(crate) fn run_rect(&self, rows: (usize, usize), cols: (usize, usize)) -> i32 {
        let last = self.last.max(1);
        if cols.1 == 0 || rows.0 + rows.1 > self.total / last || cols.0 + cols.1 > last {
            return i32::from(cols.1 != 0 && rows.1 != 0);
        }
        let mut ip = vec![0usize; self.in_base.len()];
        let mut op = vec![0usize; self.out_base.len()];
        let mut scratch = Vec::new();
        // Whole rows of a kernel without per-row inputs are one range.
        let (rows, cols) = if !self.rows_mode && cols == (0, last) { ((0, 1), (rows.0 * last, rows.1 * last)) } else { (rows, cols) };
        for r in rows.0..rows.0 + rows.1 {
            for (k, &base) in self.in_base.iter().enumerate() {
                let col = if self.modes[k] == Mode::Contig { cols.0 } else { 0 };
                ip[k] = base + (r * self.layout[k].row_stride(last) + col) * self.in_size[k];
            }
            for (k, &base) in self.out_base.iter().enumerate() {
                op[k] = base + (r * last + cols.0) * self.out_size[k];
            }
            // Every pointer addresses `cols.1` elements (or one, splatted;
            // a shared row is the whole input) inside the buffers.
            let rc = self.call(cols.1, &ip, &op, &mut scratch);
            if rc != 0 {
                return rc;
            }
        }
        if self.stream {
            // Streaming stores are ordered before the range is handed back.
            crate::mathlib::store_fence();
        }
        0
    }

    /// Runs the whole output, split across the pool for large tensors.
    fn run_all(&self) -> i32 {
        let last = self.last.max(1);
        let rows = self.total / last;
        let threads = if self.total >= PARALLEL_MIN { tfjit_tensor::pool::threads() } else { 1 };
        if threads <= 1 {
            return self.run_rect((0, rows), (0, last));
        }
        // Row blocks when rows are the unit; else element ranges (as one
        // long row) aligned to 16 elements so SIMD bodies stay whole.
        let rc = std::sync::atomic::AtomicI32::new(0);
        if self.rows_mode && rows >= threads {
            let per = rows.div_ceil(threads);
            tfjit_tensor::pool::run_blocks(threads, &|t| {
                let from = (t * per).min(rows);
                let n = per.min(rows - from);
                let r = self.run_rect((from, n), (0, last));
                if r != 0 {
                    rc.store(r, std::sync::atomic::Ordering::Relaxed);
                }
            });
        } else if !self.rows_mode {
            let per = self.total.div_ceil(threads).div_ceil(16) * 16;
            tfjit_tensor::pool::run_blocks(threads, &|t| {
                let from = (t * per).min(self.total);
                let n = per.min(self.total - from);
                let r = self.run_elems(from, n);
                if r != 0 {
                    rc.store(r, std::sync::atomic::Ordering::Relaxed);
                }
            });
        } else {
            return self.run_rect((0, rows), (0, last));
        }
        rc.into_inner()
    }

    /// Elements `from .. from + n` of a kernel without per-row inputs, into
    /// the call's outputs.
    fn run_elems(&self, from: usize, n: usize) -> i32 {
        let op: Vec<usize> = (0..self.out_base.len()).map(|k| self.out_base[k] + from * self.out_size[k]).collect();
        self.run_elems_into(from, n, &op)
    }

    /// Recomputes TF's scalar tail (if any) and returns the outputs; `None`
    /// if a range failed (`rc` nonzero): the reference path then gives the
    /// exact error.
    pub(crate) fn finish(self, rc: i32) -> Option<TfResult<Vec<RtValue>>> {
        let (total, tail_from) = (self.total, self.tail_from);
        // The scalar tail, row segment by row segment.
        let row_len = if self.rows_mode { self.last.max(1) } else { total.max(1) };
        let mut rc = rc;
        if let Some(tv) = self.tail_var.as_ref().filter(|_| rc == 0) {
            let mut e = tail_from;
            while e < total && rc == 0 {
                let (r, a) = (e / row_len, e % row_len);
                let cnt = (row_len - a).min(total - e);
                let ip: Vec<usize> = (0..self.in_base.len())
                    .map(|k| {
                        let col = if self.modes[k] == Mode::Contig { a } else { 0 };
                        self.in_base[k] + (r * self.layout[k].row_stride(row_len) + col) * self.in_size[k]
                    })
                    .collect();
                let op: Vec<usize> = (0..self.out_base.len()).map(|k| self.out_base[k] + e * self.out_size[k]).collect();
                // SAFETY: elements [e, e + cnt) lie in row `r`, inside every
                // buffer (as for the row calls above).
                rc = unsafe { (tv.f)(cnt as i64, ip.as_ptr() as *const *const u8, op.as_ptr() as *const *mut u8) };
                e += cnt;
            }
        }
        if rc != 0 {
            return None;
        }
        let mut res = Vec::with_capacity(self.outs.len());
        for t in self.outs {
            if self.pooling {
                self.kernel.give_back(t.clone());
            }
            // A fresh identity for the program's tensor (tapes key on it).
            match t.reshaped(self.out_shape.clone()) {
                Ok(t) => res.push(RtValue::Tensor(t)),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(res))
    }
}
