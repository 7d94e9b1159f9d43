//! A block "vector VM" for all-float32 `FusedElementwise` bodies: the body
//! runs a block of up to [`BLOCK`] elements at a time, one pass per op over
//! block buffers that stay in L1, each pass a loop LLVM compiles with the
//! widest SIMD the CPU has (AVX-512, else AVX2; see `mathlib`). Cranelift
//! only emits 128-bit vectors on x86, so for large tensors this does the
//! same work in about a quarter of the vector instructions.
//!
//! Every op computes exactly what the generated f32x4 code (`vmath`) and
//! the reference kernels compute: the same IEEE operation per element
//! (no fused multiply-add: Rust never contracts), TF's NaN rules for
//! `Maximum`/`Minimum`/`Relu`, and `tfmath`'s definitions (TF's packet
//! path) for `Tanh`/`Exp`/`Sigmoid`/`Log`. The caller recomputes TF's
//! scalar tail of position-dependent ops as for the generated kernels.

use crate::body::{BodyOp, Src};
use tfjit_tensor::ops::tfmath;
use tfjit_tensor::DType;

/// Elements per block (a multiple of every SIMD width).
pub const BLOCK: usize = 512;

/// The ops the VM runs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Copy,
    Add,
    Sub,
    Mul,
    Div,
    SqDiff,
    Max,
    Min,
    Neg,
    Abs,
    Square,
    Sqrt,
    Rsqrt,
    Recip,
    Floor,
    Ceil,
    Round,
    Relu,
    Tanh,
    Exp,
    Sigmoid,
    Log,
}

fn op_of(name: &str, arity: usize) -> Option<Op> {
    let binary = arity == 2;
    Some(match (name, binary) {
        ("Identity", false) => Op::Copy,
        ("AddV2", true) => Op::Add,
        ("Sub", true) => Op::Sub,
        ("Mul", true) => Op::Mul,
        ("RealDiv", true) => Op::Div,
        ("SquaredDifference", true) => Op::SqDiff,
        ("Maximum", true) => Op::Max,
        ("Minimum", true) => Op::Min,
        ("Neg", false) => Op::Neg,
        ("Abs", false) => Op::Abs,
        ("Square", false) => Op::Square,
        ("Sqrt", false) => Op::Sqrt,
        ("Rsqrt", false) => Op::Rsqrt,
        ("Reciprocal", false) => Op::Recip,
        ("Floor", false) => Op::Floor,
        ("Ceil", false) => Op::Ceil,
        ("Round", false) => Op::Round,
        ("Relu", false) => Op::Relu,
        ("Tanh", false) => Op::Tanh,
        ("Exp", false) => Op::Exp,
        ("Sigmoid", false) => Op::Sigmoid,
        ("Log", false) => Op::Log,
        _ => return None,
    })
}

/// Where an operand lives during a block.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Arg {
    /// A block buffer (op results, splatted inputs, constants).
    Slot(usize),
    /// A contiguous input, read in place.
    Input(usize),
}

#[derive(Clone, Copy, Debug)]
struct Instr {
    op: Op,
    dst: usize,
    a: Arg,
    b: Arg,
}

/// A body compiled for the VM, for one set of input modes.
#[derive(Debug)]
pub struct Program {
    instrs: Vec<Instr>,
    slots: usize,
    /// Slots filled once per call: constants and splatted inputs.
    fills: Vec<(usize, Fill)>,
    outs: Vec<Arg>,
}

#[derive(Clone, Copy, Debug)]
enum Fill {
    Const(f32),
    Input(usize),
}

impl Program {
    /// Compiles `ops` (over `vals`, with `outs`) for inputs that are
    /// contiguous (`splat[k] == false`) or one value (`true`); `None` when
    /// a value is not float32 or an op has no VM code.
    pub fn new(vals: &[(Src, DType)], ops: &[BodyOp], outs: &[usize], splat: &[bool]) -> Option<Program> {
        if vals.iter().any(|(_, d)| *d != DType::Float32) {
            return None;
        }
        // Last use of each value, to reuse buffers.
        let mut last_use = vec![0usize; vals.len()];
        for (v, (src, _)) in vals.iter().enumerate() {
            if let Src::Op(j) = *src {
                for &a in &ops.get(j)?.ins {
                    last_use[a] = last_use[a].max(v);
                }
            }
        }
        for &o in outs {
            last_use[o] = usize::MAX;
        }
        let mut prog = Program { instrs: Vec::new(), slots: 0, fills: Vec::new(), outs: Vec::new() };
        let mut free: Vec<usize> = Vec::new();
        let mut at: Vec<Option<Arg>> = vec![None; vals.len()];
        // Values whose buffer is never freed (filled once per call).
        let mut pinned = vec![false; vals.len()];
        for (v, (src, _)) in vals.iter().enumerate() {
            match *src {
                Src::Input(k) => {
                    if *splat.get(k)? {
                        let s = prog.slots;
                        prog.slots += 1;
                        prog.fills.push((s, Fill::Input(k)));
                        at[v] = Some(Arg::Slot(s));
                        pinned[v] = true;
                    } else {
                        at[v] = Some(Arg::Input(k));
                    }
                }
                Src::Const(f, _) => {
                    let s = prog.slots;
                    prog.slots += 1;
                    prog.fills.push((s, Fill::Const(f as f32)));
                    at[v] = Some(Arg::Slot(s));
                    pinned[v] = true;
                }
                Src::Op(j) => {
                    let o = ops.get(j)?;
                    if o.out != DType::Float32 || o.ins.is_empty() || o.ins.len() > 2 {
                        return None;
                    }
                    let op = op_of(o.op, o.ins.len())?;
                    let a = at[o.ins[0]]?;
                    let b = match o.ins.get(1) {
                        Some(&i) => at[i]?,
                        None => a,
                    };
                    // A fresh or freed buffer, never one of the operands'.
                    let dst = match free.pop() {
                        Some(s) => s,
                        None => {
                            prog.slots += 1;
                            prog.slots - 1
                        }
                    };
                    prog.instrs.push(Instr { op, dst, a, b });
                    at[v] = Some(Arg::Slot(dst));
                    // Operands dying here become free for later ops.
                    for &i in o.ins.iter() {
                        if last_use[i] == v && !pinned[i] {
                            if let Some(Arg::Slot(s)) = at[i] {
                                if !free.contains(&s) {
                                    free.push(s);
                                }
                            }
                        }
                    }
                }
            }
        }
        for &o in outs {
            prog.outs.push(at.get(o).copied().flatten()?);
        }
        Some(prog)
    }

    /// Runs `n` elements: `ins[k]` points at `n` floats (contiguous) or one
    /// (splatted), `outs[k]` at `n` floats; `stream`: outputs written with
    /// streaming stores (the caller fences). `scratch` is reused between
    /// calls.
    ///
    /// # Safety
    /// The pointers must address buffers of those sizes; outputs must not
    /// overlap inputs.
    pub unsafe fn run(&self, n: usize, ins: &[*const f32], outs: &[*mut f32], stream: bool, scratch: &mut Vec<f32>) {
        let need = self.slots * SLOT_STRIDE + 16;
        if scratch.len() < need {
            scratch.resize(need, 0.0);
        }
        // 64-byte aligned slots.
        let base = scratch.as_mut_ptr();
        // SAFETY: `scratch` has 16 spare floats for the alignment.
        let base = unsafe { base.add((16 - (base as usize / 4) % 16) % 16) };
        for &(s, f) in &self.fills {
            // SAFETY: splatted inputs address one float (caller's contract).
            let v = match f {
                Fill::Const(c) => c,
                Fill::Input(k) => unsafe { *ins[k] },
            };
            // SAFETY: slot `s` lies inside `scratch`.
            unsafe { std::slice::from_raw_parts_mut(base.add(s * SLOT_STRIDE), BLOCK) }.fill(v);
        }
        let exec = exec_fn();
        let copy_out: crate::mathlib::StreamFn = if stream { crate::mathlib::stream_fn() } else { copy_plain };
        let contig: Vec<usize> = self.contig_inputs();
        let mut i = 0;
        while i < n {
            let m = (n - i).min(BLOCK);
            // The inputs of a later block, requested now: the hardware
            // prefetcher alone stalls at each block's first pass, as the
            // passes between leave the memory idle.
            let pf = i + PREFETCH_AHEAD;
            if pf < n {
                let len = (n - pf).min(BLOCK);
                for &k in &contig {
                    // SAFETY: elements [pf, pf + len) of input `k` exist.
                    prefetch(unsafe { ins[k].add(pf) }, len);
                }
            }
            let ptr = |a: Arg| -> *const f32 {
                match a {
                    // SAFETY: inside `scratch` / the caller's input buffer.
                    Arg::Slot(s) => unsafe { base.add(s * SLOT_STRIDE) as *const f32 },
                    Arg::Input(k) => unsafe { ins[k].add(i) },
                }
            };
            for ins_ in &self.instrs {
                // SAFETY: every operand addresses `m` floats; `dst` is a
                // slot distinct from the operands.
                unsafe { exec(ins_.op, ptr(ins_.a), ptr(ins_.b), base.add(ins_.dst * SLOT_STRIDE), m) };
            }
            for (k, &o) in self.outs.iter().enumerate() {
                // SAFETY: `outs[k]` addresses `n` floats.
                unsafe { copy_out(outs[k].add(i), ptr(o), m as i64) };
            }
            i += m;
        }
    }
}

/// Floats from one block buffer to the next: a block plus two cache
/// lines, so that buffers are not 4 KiB apart (loads from one and stores
/// to another at the same offset would alias in the store buffer).
const SLOT_STRIDE: usize = BLOCK + 32;

/// Elements ahead of the current block whose inputs are prefetched.
const PREFETCH_AHEAD: usize = 2 * BLOCK;

/// Requests the cache lines of `len` floats at `p`.
#[inline(always)]
fn prefetch(p: *const f32, len: usize) {
    #[cfg(target_arch = "x86_64")]
    {
        let mut off = 0;
        while off < len {
            // SAFETY: a prefetch never faults; `p + off` is in bounds.
            unsafe { std::arch::x86_64::_mm_prefetch(p.add(off) as *const i8, std::arch::x86_64::_MM_HINT_T0) };
            off += 16;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (p, len);
}

impl Program {
    /// The inputs read in place (not splatted).
    fn contig_inputs(&self) -> Vec<usize> {
        let mut v: Vec<usize> = Vec::new();
        for ins in &self.instrs {
            for a in [ins.a, ins.b] {
                if let Arg::Input(k) = a {
                    if !v.contains(&k) {
                        v.push(k);
                    }
                }
            }
        }
        for &a in &self.outs {
            if let Arg::Input(k) = a {
                if !v.contains(&k) {
                    v.push(k);
                }
            }
        }
        v
    }
}

unsafe extern "C" fn copy_plain(dst: *mut f32, src: *const f32, n: i64) {
    // SAFETY: the caller passes two distinct buffers of `n` floats.
    unsafe { std::ptr::copy_nonoverlapping(src, dst, n.max(0) as usize) }
}

type ExecFn = unsafe fn(Op, *const f32, *const f32, *mut f32, usize);

/// TF's `Maximum`/`Minimum` on floats: a NaN operand wins (`x` first), as
/// `vmath`'s vector code and the reference kernel.
#[inline(always)]
fn pick(x: f32, y: f32, max: bool) -> f32 {
    let take_y = if max { y > x } else { y < x };
    let r = if take_y { y } else { x };
    let r = if y.is_nan() { y } else { r };
    if x.is_nan() {
        x
    } else {
        r
    }
}

#[inline(always)]
fn relu(x: f32) -> f32 {
    if x > 0.0 || x.is_nan() {
        x
    } else {
        0.0
    }
}

/// One op over `m` elements (`b` ignored by unary ops).
#[inline(always)]
unsafe fn exec_body(op: Op, a: *const f32, b: *const f32, d: *mut f32, m: usize) {
    // SAFETY: the caller passes buffers of `m` floats, `d` distinct from
    // `a` and `b`.
    let (a, b, d) = unsafe {
        (std::slice::from_raw_parts(a, m), std::slice::from_raw_parts(b, m), std::slice::from_raw_parts_mut(d, m))
    };
    macro_rules! bin {
        (|$x:ident, $y:ident| $e:expr) => {
            for ((o, &$x), &$y) in d.iter_mut().zip(a).zip(b) {
                *o = $e;
            }
        };
    }
    macro_rules! un {
        (|$x:ident| $e:expr) => {
            for (o, &$x) in d.iter_mut().zip(a) {
                *o = $e;
            }
        };
    }
    match op {
        Op::Copy => un!(|x| x),
        Op::Add => bin!(|x, y| x + y),
        Op::Sub => bin!(|x, y| x - y),
        Op::Mul => bin!(|x, y| x * y),
        Op::Div => bin!(|x, y| x / y),
        Op::SqDiff => bin!(|x, y| (x - y) * (x - y)),
        Op::Max => bin!(|x, y| pick(x, y, true)),
        Op::Min => bin!(|x, y| pick(x, y, false)),
        Op::Neg => un!(|x| -x),
        Op::Abs => un!(|x| x.abs()),
        Op::Square => un!(|x| x * x),
        Op::Sqrt => un!(|x| x.sqrt()),
        Op::Rsqrt => un!(|x| 1.0 / x.sqrt()),
        Op::Recip => un!(|x| 1.0 / x),
        Op::Floor => un!(|x| x.floor()),
        Op::Ceil => un!(|x| x.ceil()),
        Op::Round => un!(|x| x.round_ties_even()),
        Op::Relu => un!(|x| relu(x)),
        Op::Tanh => un!(|x| tfmath::tanh(x)),
        Op::Exp => un!(|x| tfmath::exp(x)),
        Op::Sigmoid => un!(|x| tfmath::sigmoid(x)),
        Op::Log => un!(|x| tfmath::log(x)),
    }
}

#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::*;
    #[target_feature(enable = "avx512f,avx512vl,avx2,fma")]
    pub unsafe fn exec(op: Op, a: *const f32, b: *const f32, d: *mut f32, m: usize) {
        // SAFETY: forwarded contract.
        unsafe { exec_body(op, a, b, d, m) }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::*;
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn exec(op: Op, a: *const f32, b: *const f32, d: *mut f32, m: usize) {
        // SAFETY: forwarded contract.
        unsafe { exec_body(op, a, b, d, m) }
    }
}

unsafe fn exec_portable(op: Op, a: *const f32, b: *const f32, d: *mut f32, m: usize) {
    // SAFETY: forwarded contract.
    unsafe { exec_body(op, a, b, d, m) }
}

fn exec_fn() -> ExecFn {
    match crate::mathlib::width_name() {
        #[cfg(target_arch = "x86_64")]
        "AVX-512" => avx512::exec as ExecFn,
        #[cfg(target_arch = "x86_64")]
        "AVX2" => avx2::exec as ExecFn,
        _ => exec_portable as ExecFn,
    }
}

/// Whether the CPU has wide vectors (the VM pays off only then).
pub fn available() -> bool {
    crate::mathlib::width_name() != "scalar"
}
