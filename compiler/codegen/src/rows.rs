//! Row-wise kernels: a reduction over trailing axes with its elementwise
//! prologue (`FusedReduction`, or a lone `Sum`/`Mean`/`Max`/`Min`; over
//! leading axes the same kernel runs column-wise, see `cols.rs`), and
//! `Softmax`/`LogSoftmax` over the last axis. Each row is one call of a
//! generated f32x4 function; rows are split across cores for large
//! tensors. A softmax whose only consumer is a row kernel runs as that
//! kernel's per-row prologue into a scratch row, so its output never
//! touches memory.
//!
//! Results: `Sum`/`Mean` add in exactly the order of the reference kernel
//! (Eigen's 8-lane packet order), so they are bit-identical whenever the
//! elementwise prologue is (float32 math is TF's own, `tfmath`, on every
//! path); below [`FAST_MATH_MIN`] elements `Max`/`Min` fold sequentially,
//! as the reference does. `Softmax` below [`FAST_MATH_MIN`] elements runs
//! its reference kernel.

use crate::body::{broadcast, data_ptr, data_ptr_mut, padded_eq, BodyOp, ElemBody, OutRef, RedKind, Reduction, Src};
use crate::elemops;
use crate::jit::{cl_err, input_at, mem, Code, Jit};
use crate::vmath::{mask_f, reset_hoisted, vconst, vemit, vmax_c, NoErr, V};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{types, InstBuilder, StackSlotData, StackSlotKind, Value};
use cranelift_frontend::{FunctionBuilder, Variable};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tfjit_graph::{FuncGraph, RtValue};
use tfjit_tensor::{DType, Data, Tensor, TfResult};

/// Element count from which the row and column kernels (`cols.rs`) take
/// their fast variants: `Softmax` natively (below it, its reference kernel)
/// and `Max`/`Min` folded in vector lanes instead of sequentially (see the
/// module doc). Elementwise math does not depend on it: it is TF's own on
/// every path.
pub const FAST_MATH_MIN: usize = 1 << 16;

/// Element count from which rows are split across threads.
const PARALLEL_MIN: usize = 1 << 16;
/// Outputs of at least this many bytes reuse buffers the program dropped.
const POOL_MIN_BYTES: usize = 1 << 20;
const POOL_MAX: usize = 4;

/// One row: `(len, input pointers, elementwise output pointers, reduced out)`.
pub(crate) type RowFn = unsafe extern "C" fn(i64, *const *const u8, *const *mut u8, *mut f32) -> i32;
/// One softmax row: `(len, in, out)`.
type SoftmaxFn = unsafe extern "C" fn(i64, *const f32, *mut f32) -> i32;

/// How a kernel variant reads an input within a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Mode {
    /// One element per element of the row.
    Contig,
    /// One element for the whole row (loaded once).
    Splat,
}

/// How an input is laid out against the iteration space.
/// Also used by the `FusedElementwise` kernels (`fused.rs`), whose rows
/// are the last axis.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Layout {
    /// Same shape as the iteration space.
    Full,
    /// One element.
    Scalar,
    /// One value per row (broadcast along the reduced axes).
    PerRow,
    /// One row, the same for every row (broadcast along the kept axes).
    PerCol,
}

impl Layout {
    /// How a kernel variant reads the input within a row.
    pub(crate) fn mode(self) -> Mode {
        match self {
            Layout::Full | Layout::PerCol => Mode::Contig,
            Layout::Scalar | Layout::PerRow => Mode::Splat,
        }
    }
    /// Elements to advance per row.
    pub(crate) fn row_stride(self, len: usize) -> usize {
        match self {
            Layout::Full => len,
            Layout::PerRow => 1,
            Layout::Scalar | Layout::PerCol => 0,
        }
    }
}

pub(crate) struct Variant<F> {
    pub(crate) _code: Arc<Code>,
    pub(crate) f: F,
}

/// A row-wise reduction kernel.
pub struct RowKernel {
    body: Option<Arc<FuncGraph>>,
    pub(crate) eb: ElemBody,
    pub(crate) red: Reduction,
    variants: Mutex<HashMap<(Vec<Mode>, bool), Arc<Variant<RowFn>>>>,
    /// Column kernels (reductions over leading axes, `cols.rs`).
    pub(crate) col_variants: crate::cols::ColCache,
    pub(crate) pool: Mutex<Vec<Tensor>>,
}

/// A softmax run as a row prologue of a [`RowKernel`] input.
#[derive(Clone)]
pub struct Prologue {
    pub softmax: Arc<SoftmaxKernel>,
}

impl std::fmt::Debug for RowKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RowKernel({})", self.describe())
    }
}

/// The reduction `op` of a lone reduction node, if it has generated code.
pub fn lone_reduction(op: &str, data: DType, axes: Option<&Tensor>, keep_dims: bool) -> Result<RowKernel, String> {
    let kind = match op {
        "Sum" => RedKind::Sum,
        "Mean" => RedKind::Mean,
        "Max" => RedKind::Max,
        "Min" => RedKind::Min,
        _ => return Err("no generated code for this op".into()),
    };
    if data != DType::Float32 {
        return Err(format!("{op} on {data:?} runs its reference kernel"));
    }
    let t = axes.ok_or("reduction axes are not constant")?;
    if !t.dtype().is_int() || t.rank() > 1 {
        return Err("reduction axes are not constant".into());
    }
    let axes: Vec<i64> = (0..t.num_elements()).map(|i| t.get_i64(i)).collect();
    let red = Reduction { kind, input: 0, axes, keep_dims };
    let eb = ElemBody {
        in_types: vec![DType::Float32],
        vals: vec![(Src::Input(0), DType::Float32)],
        ops: vec![],
        outs: vec![OutRef::Reduced],
        names: vec![],
        all_f32: true,
        reduction: Some(red.clone()),
    };
    Ok(RowKernel { body: None, eb, red, variants: Mutex::new(HashMap::new()), col_variants: Default::default(), pool: Mutex::new(Vec::new()) })
}

/// The kernel of a `FusedReduction` node.
pub fn fused_reduction(body: Arc<FuncGraph>) -> Result<RowKernel, String> {
    let eb = ElemBody::parse(&body, true)?;
    if !eb.all_f32 {
        return Err("a fused reduction over non-float32 values runs with the reference kernels".into());
    }
    let red = eb.reduction.clone().ok_or("no reduction")?;
    Ok(RowKernel { body: Some(body), eb, red, variants: Mutex::new(HashMap::new()), col_variants: Default::default(), pool: Mutex::new(Vec::new()) })
}

fn f32_data(t: &Tensor) -> Option<&[f32]> {
    match t.data() {
        Data::F32(v) => Some(v),
        _ => None,
    }
}

/// A fresh or reused f32 buffer of `n` elements.
pub(crate) fn buffer(pool: &Mutex<Vec<Tensor>>, n: usize) -> TfResult<Tensor> {
    if n * 4 >= POOL_MIN_BYTES {
        let mut p = pool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = p.iter_mut().position(|t| t.num_elements() == n && t.data_mut().is_some()) {
            return Ok(p.swap_remove(i));
        }
    }
    Tensor::new(vec![n], Data::F32(vec![0.0; n]))
}

pub(crate) fn give_back(pool: &Mutex<Vec<Tensor>>, t: &Tensor) {
    if t.num_elements() * 4 >= POOL_MIN_BYTES {
        let mut p = pool.lock().unwrap_or_else(|e| e.into_inner());
        if p.len() >= POOL_MAX {
            p.remove(0);
        }
        p.push(t.clone());
    }
}

pub(crate) fn threads_for(total: usize, units: usize) -> usize {
    if total >= PARALLEL_MIN && units >= 2 {
        tfjit_tensor::pool::threads().min(units)
    } else {
        1
    }
}

/// Runs `f(from, to)` over `units` split into `threads` ranges on the
/// pool (`tfjit_tensor::pool`); the first range's non-zero return code wins.
pub(crate) fn split(units: usize, threads: usize, f: impl Fn(usize, usize) -> i32 + Sync) -> i32 {
    if threads <= 1 {
        return f(0, units);
    }
    let per = units.div_ceil(threads);
    let rcs: Vec<std::sync::atomic::AtomicI32> = (0..threads).map(|_| std::sync::atomic::AtomicI32::new(0)).collect();
    tfjit_tensor::pool::run_blocks(threads, &|t| {
        let (from, to) = ((t * per).min(units), ((t + 1) * per).min(units));
        if from < to {
            rcs[t].store(f(from, to), std::sync::atomic::Ordering::Relaxed);
        }
    });
    rcs.into_iter().map(|r| r.into_inner()).find(|&rc| rc != 0).unwrap_or(0)
}

/// The reduced axes as a mask, or `None` if out of range.
pub(crate) fn axes_mask(axes: &[i64], rank: usize) -> Option<Vec<bool>> {
    let mut m = vec![false; rank];
    for &a in axes {
        let a = if a < 0 { a + rank as i64 } else { a };
        if a < 0 || a >= rank as i64 {
            return None;
        }
        m[a as usize] = true;
    }
    Some(m)
}

/// The reduced axes (ignoring size-1 dims) are a trailing block.
fn trailing(dims: &[usize], mask: &[bool]) -> bool {
    let mut seen = false;
    for (&d, &m) in dims.iter().zip(mask) {
        if d == 1 {
            continue;
        }
        if m {
            seen = true;
        } else if seen {
            return false;
        }
    }
    true
}

impl RowKernel {
    /// A one-line description for reports.
    pub fn describe(&self) -> String {
        let mut names: Vec<&str> = self.eb.names.clone();
        if names.is_empty() {
            names.push(match self.red.kind {
                RedKind::Sum => "Sum",
                RedKind::Mean => "Mean",
                RedKind::Max => "Max",
                RedKind::Min => "Min",
            });
        }
        format!(
            "[{}] (row-wise over trailing axes, column-wise over leading ones; {} inputs, {} outputs; f32x4 SIMD, split across cores)",
            names.join(", "),
            self.eb.in_types.len(),
            self.eb.outs.len()
        )
    }

    /// The fused body, if any (for reports).
    pub fn body(&self) -> Option<&FuncGraph> {
        self.body.as_deref()
    }

    fn variant(&self, modes: &[Mode], fast: bool) -> Option<Arc<Variant<RowFn>>> {
        let key = (modes.to_vec(), fast);
        let mut cache = self.variants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&key) {
            return Some(v.clone());
        }
        let v = Arc::new(self.build(modes, fast).ok()?);
        cache.insert(key, v.clone());
        Some(v)
    }

    /// Runs the kernel on `ins` (the node's inputs; a lone reduction's
    /// axes input is ignored: its axes were constant). Inputs with
    /// `pre[k]` set are the logits of a softmax feeding slot `k`.
    /// `None` when the inputs need the reference path.
    pub fn run(&self, ins: &[RtValue], pre: &[Option<Prologue>]) -> Option<TfResult<Vec<RtValue>>> {
        let n_in = self.eb.in_types.len();
        if ins.len() < n_in {
            return None;
        }
        let ts: Vec<&Tensor> = ins[..n_in].iter().map(|v| v.as_tensor()).collect::<Option<_>>()?;
        if ts.iter().any(|t| t.dtype() != DType::Float32) {
            return None;
        }
        let mut shapes: Vec<Vec<usize>> = Vec::with_capacity(self.eb.vals.len());
        for (src, _) in &self.eb.vals {
            let s = match *src {
                Src::Input(k) => ts[k].shape().to_vec(),
                Src::Const(..) => vec![],
                Src::Op(j) => {
                    let parts: Vec<&[usize]> = self.eb.ops[j].ins.iter().map(|&a| shapes[a].as_slice()).collect();
                    broadcast(&parts)?
                }
            };
            shapes.push(s);
        }
        // TF computes the last `n % 8` elements of float32 Exp/Log/Sigmoid/
        // Sin/Cos with libm (see `mathfns::position_dependent`); the
        // reference path does too.
        if crate::mathfns::has_tail(&self.eb.ops, &self.eb.vals, &shapes) {
            return None;
        }
        let dims = shapes[self.red.input].clone();
        for o in &self.eb.outs {
            if let OutRef::Elem(k) = o {
                if shapes[*k] != dims {
                    return None;
                }
            }
        }
        let rank = dims.len();
        let mask = axes_mask(&self.red.axes, rank)?;
        if !mask.iter().any(|&m| m) {
            return None;
        }
        if !trailing(&dims, &mask) {
            if pre.iter().any(|p| p.is_some()) {
                return None;
            }
            return self.run_cols(&ts, &dims, &mask);
        }
        let total: usize = dims.iter().product();
        let len: usize = dims.iter().zip(&mask).filter(|(_, &m)| m).map(|(&d, _)| d).product();
        if len == 0 || total == 0 {
            return None;
        }
        let rows = total / len;
        let row_shape: Vec<usize> = dims.iter().zip(&mask).map(|(&d, &m)| if m { 1 } else { d }).collect();
        let col_shape: Vec<usize> = dims.iter().zip(&mask).map(|(&d, &m)| if m { d } else { 1 }).collect();
        let mut layout = Vec::with_capacity(ts.len());
        for (k, t) in ts.iter().enumerate() {
            let s = t.shape();
            let l = if padded_eq(s, &dims) {
                Layout::Full
            } else if t.num_elements() == 1 {
                Layout::Scalar
            } else if padded_eq(s, &row_shape) {
                Layout::PerRow
            } else if padded_eq(s, &col_shape) {
                Layout::PerCol
            } else {
                return None;
            };
            if pre.get(k).is_some_and(|p| p.is_some()) && l != Layout::Full {
                return None;
            }
            layout.push(l);
        }
        // A softmax prologue is over the last axis: rows must be its rows.
        if pre.iter().any(|p| p.is_some()) && dims.last() != Some(&len) {
            return None;
        }
        let modes: Vec<Mode> = layout.iter().map(|l| l.mode()).collect();
        let fast = total >= FAST_MATH_MIN;
        if !fast && pre.iter().any(|p| p.is_some()) {
            // Small: the reference softmax, bit for bit (the caller materializes it).
            return None;
        }
        let var = self.variant(&modes, fast)?;
        // Outputs.
        let mut elem_outs: Vec<Tensor> = Vec::new();
        for o in &self.eb.outs {
            if let OutRef::Elem(_) = o {
                match buffer(&self.pool, total) {
                    Ok(t) => elem_outs.push(t),
                    Err(e) => return Some(Err(e)),
                }
            }
        }
        let mut red_out = vec![0f32; rows];
        let mut out_base: Vec<usize> = Vec::with_capacity(elem_outs.len());
        for t in elem_outs.iter_mut() {
            out_base.push(data_ptr_mut(t.data_mut()?) as usize);
        }
        let in_base: Vec<usize> = ts.iter().map(|t| data_ptr(t.data()) as usize).collect();
        let red_base = red_out.as_mut_ptr() as usize;
        let pre_fns: Vec<Option<Arc<Variant<SoftmaxFn>>>> = (0..ts.len())
            .map(|k| pre.get(k).and_then(|p| p.as_ref()).map(|p| p.softmax.variant()))
            .map(|v| match v {
                None => Ok(None),
                Some(Some(v)) => Ok(Some(v)),
                Some(None) => Err(()),
            })
            .collect::<Result<_, _>>()
            .ok()?;
        let threads = threads_for(total, rows);
        let run_rows = |from: usize, to: usize| -> i32 {
            let mut ip = vec![0usize; in_base.len()];
            let mut op = vec![0usize; out_base.len()];
            let mut scratch: Vec<Vec<f32>> =
                pre_fns.iter().map(|p| if p.is_some() { vec![0f32; len] } else { Vec::new() }).collect();
            for r in from..to {
                for k in 0..in_base.len() {
                    let at = in_base[k] + r * layout[k].row_stride(len) * 4;
                    ip[k] = match &pre_fns[k] {
                        Some(sm) => {
                            let dst = scratch[k].as_mut_ptr();
                            // SAFETY: `at` addresses a whole row of `len`
                            // f32 (a full input); `dst` holds `len` f32.
                            let rc = unsafe { (sm.f)(len as i64, at as *const f32, dst) };
                            if rc != 0 {
                                return rc;
                            }
                            dst as usize
                        }
                        None => at,
                    };
                }
                for k in 0..out_base.len() {
                    op[k] = out_base[k] + r * len * 4;
                }
                // SAFETY: every pointer addresses `len` elements (or one,
                // splatted) inside buffers whose sizes were checked above;
                // `red_base` holds `rows` f32.
                let rc = unsafe {
                    (var.f)(
                        len as i64,
                        ip.as_ptr() as *const *const u8,
                        op.as_ptr() as *const *mut u8,
                        (red_base as *mut f32).add(r),
                    )
                };
                if rc != 0 {
                    return rc;
                }
            }
            0
        };
        if split(rows, threads, run_rows) != 0 {
            return None;
        }
        self.results(&dims, &mask, row_shape, red_out, elem_outs)
    }

    /// The node's outputs once a kernel has run: the reduction's `red_out`
    /// shaped as TF's result (`kept` — the input shape with reduced axes
    /// as 1 — under `keep_dims`, else `dims` without the axes of `mask`),
    /// and the elementwise outputs (returned to the buffer pool for reuse
    /// once dropped) reshaped to `dims`. `None` if an output is missing.
    pub(crate) fn results(
        &self,
        dims: &[usize],
        mask: &[bool],
        kept: Vec<usize>,
        red_out: Vec<f32>,
        elem_outs: Vec<Tensor>,
    ) -> Option<TfResult<Vec<RtValue>>> {
        let red_shape: Vec<usize> = if self.red.keep_dims {
            kept
        } else {
            dims.iter().zip(mask).filter(|(_, &m)| !m).map(|(&d, _)| d).collect()
        };
        let red_t = match Tensor::new(red_shape, Data::F32(red_out)) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        let mut res = Vec::with_capacity(self.eb.outs.len());
        let mut elem_outs = elem_outs.into_iter();
        for o in &self.eb.outs {
            let t = match o {
                OutRef::Elem(_) => {
                    let t = elem_outs.next()?;
                    give_back(&self.pool, &t);
                    match t.reshaped(dims.to_vec()) {
                        Ok(t) => t,
                        Err(e) => return Some(Err(e)),
                    }
                }
                OutRef::Reduced => red_t.clone(),
            };
            res.push(RtValue::Tensor(t));
        }
        Some(Ok(res))
    }

    fn build(&self, modes: &[Mode], fast: bool) -> TfResult<Variant<RowFn>> {
        let kind = self.red.kind;
        chain_kernel(&self.eb, modes, fast, "rows", |b, cx, n, redp, i| {
            let mut errs = NoErr(false);
            let result = match kind {
                RedKind::Sum | RedKind::Mean => {
                    let r = cx.eigen_sum(b, i, n, &mut errs)?;
                    if kind == RedKind::Mean {
                        let nf = b.ins().fcvt_from_sint(types::F32, n);
                        b.ins().fdiv(r, nf)
                    } else {
                        r
                    }
                }
                RedKind::Max | RedKind::Min => cx.extremum(b, i, n, kind == RedKind::Max, &mut errs)?,
            };
            b.ins().store(mem(), result, redp, 0);
            Ok(())
        })
    }
}

/// Compiles a row or column kernel named `name` over the fused body `eb`
/// (signature [`RowFn`]: element count, input pointers, elementwise output
/// pointers, the reduction's result or accumulators; returns 0): loads the
/// pointers and the splatted inputs, builds the [`Chain`] over them, and
/// lets `body` emit the loop from the count, the fourth parameter and a
/// counter variable set to 0.
pub(crate) fn chain_kernel(
    eb: &ElemBody,
    modes: &[Mode],
    fast: bool,
    name: &str,
    body: impl FnOnce(&mut FunctionBuilder, &Chain, Value, Value, Variable) -> TfResult<()>,
) -> TfResult<Variant<RowFn>> {
    let mut jit = Jit::new()?;
    let ptr = jit.ptr();
    reset_hoisted();
    let id = jit.define(name, &[types::I64, ptr, ptr, ptr], &[types::I32], |b| {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let p = b.block_params(entry).to_vec();
        let (n, insp, outsp, last) = (p[0], p[1], p[2], p[3]);
        let in_ptrs: Vec<Value> = (0..eb.in_types.len()).map(|k| b.ins().load(ptr, mem(), insp, (k * 8) as i32)).collect();
        let n_elem_outs = eb.outs.iter().filter(|o| matches!(o, OutRef::Elem(_))).count();
        let out_ptrs: Vec<Value> = (0..n_elem_outs).map(|k| b.ins().load(ptr, mem(), outsp, (k * 8) as i32)).collect();
        let splat_s: Vec<Option<Value>> = modes
            .iter()
            .zip(&in_ptrs)
            .map(|(m, &p)| (*m == Mode::Splat).then(|| b.ins().load(types::F32, mem(), p, 0)))
            .collect();
        let splat_v: Vec<Option<Value>> = splat_s.iter().map(|s| s.map(|s| b.ins().splat(V, s))).collect();
        let cx = Chain { eb, in_ptrs: &in_ptrs, out_ptrs: &out_ptrs, splat_s: &splat_s, splat_v: &splat_v, fast };
        let i = b.declare_var(types::I64);
        let zero = b.ins().iconst(types::I64, 0);
        b.def_var(i, zero);
        body(b, &cx, n, last, i)?;
        let ok = b.ins().iconst(types::I32, 0);
        b.ins().return_(&[ok]);
        Ok(())
    })?;
    let (code, ptrs) = jit.finish(&[id])?;
    let p = *ptrs.first().ok_or_else(|| cl_err("no kernel"))?;
    // SAFETY: the function defined above has exactly this signature.
    let f: RowFn = unsafe { std::mem::transmute(p) };
    Ok(Variant { _code: code, f })
}

/// The elementwise prologue of a row kernel, emitted at one position.
pub(crate) struct Chain<'a> {
    pub(crate) eb: &'a ElemBody,
    pub(crate) in_ptrs: &'a [Value],
    pub(crate) out_ptrs: &'a [Value],
    pub(crate) splat_s: &'a [Option<Value>],
    pub(crate) splat_v: &'a [Option<Value>],
    pub(crate) fast: bool,
}

impl Chain<'_> {
    /// The reduced value for 4 elements at element index `i` (+`plus`),
    /// storing the elementwise outputs.
    pub(crate) fn vec_at(&self, b: &mut FunctionBuilder, i: Value, plus: i64, errs: &mut NoErr) -> TfResult<Value> {
        let off = b.ins().ishl_imm_u(i, 2);
        let off = b.ins().iadd_imm_s(off, plus * 4);
        let mut vals: Vec<Value> = Vec::with_capacity(self.eb.vals.len());
        for (src, _) in &self.eb.vals {
            let v = match *src {
                Src::Input(k) => input_at(b, self.splat_v[k], self.in_ptrs[k], off, V),
                Src::Const(f, _) => vconst(b, f as f32),
                Src::Op(j) => {
                    let op: &BodyOp = &self.eb.ops[j];
                    let args: Vec<Value> = op.ins.iter().map(|&a| vals[a]).collect();
                    match elemops::vgrad(b, op.op, &args)? {
                        Some(v) => v,
                        None => vemit(b, op, &args, self.fast, errs)?,
                    }
                }
            };
            vals.push(v);
        }
        let mut k = 0;
        for o in &self.eb.outs {
            if let OutRef::Elem(v) = o {
                let a = b.ins().iadd(self.out_ptrs[k], off);
                b.ins().store(mem(), vals[*v], a, 0);
                k += 1;
            }
        }
        let red = self.eb.reduction.as_ref().map_or(0, |r| r.input);
        Ok(vals[red])
    }

    /// The reduced value for the element at index `i` (exact scalar code).
    pub(crate) fn scalar_at(&self, b: &mut FunctionBuilder, i: Value, errs: &mut NoErr) -> TfResult<Value> {
        let off = b.ins().ishl_imm_u(i, 2);
        let mut vals: Vec<Value> = Vec::with_capacity(self.eb.vals.len());
        for (src, d) in &self.eb.vals {
            let v = match *src {
                Src::Input(k) => input_at(b, self.splat_s[k], self.in_ptrs[k], off, types::F32),
                Src::Const(f, _) => b.ins().f32const(f as f32),
                Src::Op(j) => {
                    let op = &self.eb.ops[j];
                    let args: Vec<(DType, Value)> = op.ins.iter().map(|&a| (self.eb.vals[a].1, vals[a])).collect();
                    let _ = d;
                    elemops::emit(b, op.op, &op.attrs, &args, op.out, errs)?
                }
            };
            vals.push(v);
        }
        let mut k = 0;
        for o in &self.eb.outs {
            if let OutRef::Elem(v) = o {
                let a = b.ins().iadd(self.out_ptrs[k], off);
                b.ins().store(mem(), vals[*v], a, 0);
                k += 1;
            }
        }
        let red = self.eb.reduction.as_ref().map_or(0, |r| r.input);
        Ok(vals[red])
    }

    /// The sum of the row in the reference's (Eigen's) order: four 8-lane
    /// packet accumulators over blocks of 32, folded into the first; then
    /// one packet over blocks of 8; a scalar tail; `tail + hsum(packet)`.
    fn eigen_sum(&self, b: &mut FunctionBuilder, i: Variable, n: Value, errs: &mut NoErr) -> TfResult<Value> {
        let zero_v = vconst(b, 0.0);
        let accs: Vec<Variable> = (0..8).map(|_| b.declare_var(V)).collect();
        for &a in &accs {
            b.def_var(a, zero_v);
        }
        // Blocks of 32.
        counted_loop(b, i, n, 32, |b, iv| {
            for (k, &a) in accs.iter().enumerate() {
                let v = self.vec_at(b, iv, 4 * k as i64, errs)?;
                let acc = b.use_var(a);
                let s = b.ins().fadd(acc, v);
                b.def_var(a, s);
            }
            Ok(())
        })?;
        // Fold packets 1..3 into packet 0 (halves: lo = even, hi = odd).
        let mut lo = b.use_var(accs[0]);
        let mut hi = b.use_var(accs[1]);
        for k in 1..4 {
            let l = b.use_var(accs[2 * k]);
            let h = b.use_var(accs[2 * k + 1]);
            lo = b.ins().fadd(lo, l);
            hi = b.ins().fadd(hi, h);
        }
        b.def_var(accs[0], lo);
        b.def_var(accs[1], hi);
        // Blocks of 8.
        counted_loop(b, i, n, 8, |b, iv| {
            for k in 0..2 {
                let v = self.vec_at(b, iv, 4 * k as i64, errs)?;
                let acc = b.use_var(accs[k]);
                let s = b.ins().fadd(acc, v);
                b.def_var(accs[k], s);
            }
            Ok(())
        })?;
        // Scalar tail.
        let tail = b.declare_var(types::F32);
        let z = b.ins().f32const(0.0);
        b.def_var(tail, z);
        counted_loop(b, i, n, 1, |b, iv| {
            let v = self.scalar_at(b, iv, errs)?;
            let t = b.use_var(tail);
            let s = b.ins().fadd(t, v);
            b.def_var(tail, s);
            Ok(())
        })?;
        let lo = b.use_var(accs[0]);
        let hi = b.use_var(accs[1]);
        let h = b.ins().fadd(lo, hi);
        let l: Vec<Value> = (0..4u8).map(|k| b.ins().extractlane(h, k)).collect();
        let s02 = b.ins().fadd(l[0], l[2]);
        let s13 = b.ins().fadd(l[1], l[3]);
        let hs = b.ins().fadd(s02, s13);
        let t = b.use_var(tail);
        Ok(b.ins().fadd(t, hs))
    }

    /// `Max`/`Min` of the row with NaN propagating: sequential (exactly the
    /// reference) below the fast-math size, two vector accumulators above.
    fn extremum(&self, b: &mut FunctionBuilder, i: Variable, n: Value, max: bool, errs: &mut NoErr) -> TfResult<Value> {
        let init = if max { f32::NEG_INFINITY } else { f32::INFINITY };
        let acc = b.declare_var(types::F32);
        let z = b.ins().f32const(init);
        b.def_var(acc, z);
        if self.fast {
            let iv0 = vconst(b, init);
            let vacc: Vec<Variable> = (0..2).map(|_| b.declare_var(V)).collect();
            for &a in &vacc {
                b.def_var(a, iv0);
            }
            counted_loop(b, i, n, 8, |b, iv| {
                for (k, &a) in vacc.iter().enumerate() {
                    let v = self.vec_at(b, iv, 4 * k as i64, errs)?;
                    let c = b.use_var(a);
                    let r = pick_nan(b, c, v, max, V);
                    b.def_var(a, r);
                }
                Ok(())
            })?;
            for &a in &vacc {
                let v = b.use_var(a);
                for lane in 0..4u8 {
                    let x = b.ins().extractlane(v, lane);
                    let c = b.use_var(acc);
                    let r = pick_nan(b, c, x, max, types::F32);
                    b.def_var(acc, r);
                }
            }
        }
        counted_loop(b, i, n, 1, |b, iv| {
            let v = self.scalar_at(b, iv, errs)?;
            let c = b.use_var(acc);
            let r = pick_nan(b, c, v, max, types::F32);
            b.def_var(acc, r);
            Ok(())
        })?;
        Ok(b.use_var(acc))
    }
}

/// `a.max_nan(x)` (or `min_nan`) as the reference computes it, on scalars
/// or f32x4 lanes: a NaN accumulator stays, a NaN `x` wins, else `x` only
/// if strictly better.
pub(crate) fn pick_nan(b: &mut FunctionBuilder, a: Value, x: Value, max: bool, ty: types::Type) -> Value {
    let cc = if max { FloatCC::GreaterThan } else { FloatCC::LessThan };
    let better = b.ins().fcmp(cc, x, a);
    let xn = b.ins().fcmp(FloatCC::Unordered, x, x);
    let an = b.ins().fcmp(FloatCC::Unordered, a, a);
    if ty == V {
        let better = mask_f(b, better);
        let r = b.ins().bitselect(better, x, a);
        let xn = mask_f(b, xn);
        let r = b.ins().bitselect(xn, x, r);
        let an = mask_f(b, an);
        b.ins().bitselect(an, a, r)
    } else {
        let r = b.ins().select(better, x, a);
        let r = b.ins().select(xn, x, r);
        b.ins().select(an, a, r)
    }
}

/// `while i + step <= n { body(i); i += step }` over the variable `i`.
pub(crate) fn counted_loop(
    b: &mut FunctionBuilder,
    i: Variable,
    n: Value,
    step: i64,
    mut body: impl FnMut(&mut FunctionBuilder, Value) -> TfResult<()>,
) -> TfResult<()> {
    let head = b.create_block();
    let blk = b.create_block();
    let done = b.create_block();
    b.ins().jump(head, &[]);
    b.switch_to_block(head);
    let iv = b.use_var(i);
    let next = b.ins().iadd_imm_s(iv, step);
    let more = b.ins().icmp(IntCC::SignedLessThanOrEqual, next, n);
    b.ins().brif(more, blk, &[], done, &[]);
    b.switch_to_block(blk);
    let iv = b.use_var(i);
    body(b, iv)?;
    let iv = b.use_var(i);
    let next = b.ins().iadd_imm_s(iv, step);
    b.def_var(i, next);
    b.ins().jump(head, &[]);
    b.switch_to_block(done);
    Ok(())
}

/// `Softmax`/`LogSoftmax` over the last axis of a float32 tensor of at
/// least [`FAST_MATH_MIN`] elements (smaller ones run the reference kernel).
pub struct SoftmaxKernel {
    pub log: bool,
    code: Mutex<Option<Arc<Variant<SoftmaxFn>>>>,
    pool: Mutex<Vec<Tensor>>,
}

impl SoftmaxKernel {
    /// A kernel for `Softmax` (or `LogSoftmax` with `log`).
    pub fn new(log: bool) -> SoftmaxKernel {
        SoftmaxKernel { log, code: Mutex::new(None), pool: Mutex::new(Vec::new()) }
    }

    /// A one-line description for reports.
    pub fn describe(&self) -> String {
        format!(
            "[{}] (rows of the last axis; f32x4 SIMD, rows across cores; reference kernel below {} elements)",
            if self.log { "LogSoftmax" } else { "Softmax" },
            FAST_MATH_MIN
        )
    }

    fn variant(&self) -> Option<Arc<Variant<SoftmaxFn>>> {
        let mut c = self.code.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = c.as_ref() {
            return Some(v.clone());
        }
        let v = Arc::new(build_softmax(self.log).ok()?);
        *c = Some(v.clone());
        Some(v)
    }

    /// True if [`SoftmaxKernel::run`] handles `x` (else: reference kernel).
    pub fn handles(x: &Tensor) -> bool {
        x.dtype() == DType::Float32 && x.rank() >= 1 && x.num_elements() >= FAST_MATH_MIN
    }

    /// Runs the op; `None` when the input needs the reference kernel.
    pub fn run(&self, ins: &[RtValue]) -> Option<TfResult<Vec<RtValue>>> {
        let x = ins.first()?.as_tensor()?;
        if !Self::handles(x) {
            return None;
        }
        let len = *x.shape().last()?;
        let total = x.num_elements();
        if len == 0 {
            return None;
        }
        let rows = total / len;
        let var = self.variant()?;
        let mut out = match buffer(&self.pool, total) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        };
        let src = f32_data(x)?.as_ptr() as usize;
        let dst = data_ptr_mut(out.data_mut()?) as usize;
        let threads = threads_for(total, rows);
        let rc = split(rows, threads, |from, to| {
            for r in from..to {
                // SAFETY: row `r` of `len` f32 exists in both buffers.
                let rc = unsafe { (var.f)(len as i64, (src as *const f32).add(r * len), (dst as *mut f32).add(r * len)) };
                if rc != 0 {
                    return rc;
                }
            }
            0
        });
        if rc != 0 {
            return None;
        }
        give_back(&self.pool, &out);
        Some(out.reshaped(x.shape().to_vec()).map(|t| vec![RtValue::Tensor(t)]))
    }
}

fn build_softmax(log: bool) -> TfResult<Variant<SoftmaxFn>> {
    let mut jit = Jit::new()?;
    let ptr = jit.ptr();
    reset_hoisted();
    let id = jit.define("softmax", &[types::I64, ptr, ptr], &[types::I32], |b| {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let p = b.block_params(entry).to_vec();
        let (n, src, dst) = (p[0], p[1], p[2]);
        let i = b.declare_var(types::I64);
        let zero = b.ins().iconst(types::I64, 0);
        let addr = |b: &mut FunctionBuilder, base: Value, iv: Value, plus: i64| {
            let off = b.ins().ishl_imm_u(iv, 2);
            let a = b.ins().iadd(base, off);
            b.ins().iadd_imm_s(a, plus * 4)
        };
        // 1. The row maximum: `maxps` lanes plus a NaN flag (a NaN
        //    anywhere makes the maximum NaN, as in the reference).
        b.def_var(i, zero);
        let ninf = vconst(b, f32::NEG_INFINITY);
        // Four accumulators over blocks of 16 (maxps latency), then one.
        let ms: Vec<Variable> = (0..4).map(|_| b.declare_var(V)).collect();
        for &m in &ms {
            b.def_var(m, ninf);
        }
        let nan = b.declare_var(types::I32X4);
        let zi = b.ins().iconst(types::I32, 0);
        let zi = b.ins().splat(types::I32X4, zi);
        b.def_var(nan, zi);
        counted_loop(b, i, n, 16, |b, iv| {
            for (k, &m) in ms.iter().enumerate() {
                let a = addr(b, src, iv, 4 * k as i64);
                let x = b.ins().load(V, mem(), a, 0);
                let c = b.use_var(m);
                let r = vmax_c(b, c, x);
                b.def_var(m, r);
                let u = b.ins().fcmp(FloatCC::Unordered, x, x);
                let acc = b.use_var(nan);
                let acc = b.ins().bor(acc, u);
                b.def_var(nan, acc);
            }
            Ok(())
        })?;
        let m = ms[0];
        counted_loop(b, i, n, 4, |b, iv| {
            let a = addr(b, src, iv, 0);
            let x = b.ins().load(V, mem(), a, 0);
            let c = b.use_var(m);
            let r = vmax_c(b, c, x);
            b.def_var(m, r);
            let u = b.ins().fcmp(FloatCC::Unordered, x, x);
            let acc = b.use_var(nan);
            let acc = b.ins().bor(acc, u);
            b.def_var(nan, acc);
            Ok(())
        })?;
        for &other in &ms[1..] {
            let c = b.use_var(m);
            let o = b.use_var(other);
            let r = vmax_c(b, c, o);
            b.def_var(m, r);
        }
        let mx = b.declare_var(types::F32);
        let s = b.ins().f32const(f32::NEG_INFINITY);
        b.def_var(mx, s);
        let mv = b.use_var(m);
        for lane in 0..4u8 {
            let x = b.ins().extractlane(mv, lane);
            let c = b.use_var(mx);
            let r = pick_nan(b, c, x, true, types::F32);
            b.def_var(mx, r);
        }
        let anynan = {
            let acc = b.use_var(nan);
            b.ins().vany_true(acc)
        };
        let nanv = b.ins().f32const(f32::NAN);
        let c = b.use_var(mx);
        let c = b.ins().select(anynan, nanv, c);
        b.def_var(mx, c);
        counted_loop(b, i, n, 1, |b, iv| {
            let a = addr(b, src, iv, 0);
            let x = b.ins().load(types::F32, mem(), a, 0);
            let c = b.use_var(mx);
            let r = pick_nan(b, c, x, true, types::F32);
            b.def_var(mx, r);
            Ok(())
        })?;
        let mxs = b.use_var(mx);
        let mxv = b.ins().splat(V, mxs);
        // 2. exp(x - max) into the output row and its sum, by the
        //    vectorized math library.
        let f = crate::mathlib::exp_shift_sum_fn();
        let sum = elemops::call_helper(b, f as usize as *const u8, &[src, dst, n, mxs], types::F32);
        // Loop invariants go through memory so they stay out of the loops.
        let inv_slot = b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 4));
        // 3. Normalize.
        b.def_var(i, zero);
        if log {
            let addr_ln = crate::mathfns::unary_addr("Log", false).ok_or_else(|| cl_err("no log helper"))?;
            let lnsum = elemops::call_helper(b, addr_ln, &[sum], types::F32);
            let lv = b.ins().splat(V, lnsum);
            b.ins().stack_store(types::I64, lv, inv_slot, 0);
            counted_loop(b, i, n, 4, |b, iv| {
                let a = addr(b, src, iv, 0);
                let x = b.ins().load(V, mem(), a, 0);
                let lv = b.ins().stack_load(types::I64, V, inv_slot, 0);
                let d = b.ins().fsub(x, mxv);
                let r = b.ins().fsub(d, lv);
                let o = addr(b, dst, iv, 0);
                b.ins().store(mem(), r, o, 0);
                Ok(())
            })?;
            counted_loop(b, i, n, 1, |b, iv| {
                let a = addr(b, src, iv, 0);
                let x = b.ins().load(types::F32, mem(), a, 0);
                let d = b.ins().fsub(x, mxs);
                let r = b.ins().fsub(d, lnsum);
                let o = addr(b, dst, iv, 0);
                b.ins().store(mem(), r, o, 0);
                Ok(())
            })?;
        } else {
            let one = b.ins().f32const(1.0);
            let inv = b.ins().fdiv(one, sum);
            let iv4 = b.ins().splat(V, inv);
            b.ins().stack_store(types::I64, iv4, inv_slot, 0);
            counted_loop(b, i, n, 4, |b, iv| {
                let o = addr(b, dst, iv, 0);
                let e = b.ins().load(V, mem(), o, 0);
                let iv4 = b.ins().stack_load(types::I64, V, inv_slot, 0);
                let r = b.ins().fmul(e, iv4);
                b.ins().store(mem(), r, o, 0);
                Ok(())
            })?;
            counted_loop(b, i, n, 1, |b, iv| {
                let o = addr(b, dst, iv, 0);
                let e = b.ins().load(types::F32, mem(), o, 0);
                let r = b.ins().fmul(e, inv);
                b.ins().store(mem(), r, o, 0);
                Ok(())
            })?;
        }
        let ok = b.ins().iconst(types::I32, 0);
        b.ins().return_(&[ok]);
        Ok(())
    })?;
    let (code, ptrs) = jit.finish(&[id])?;
    let p = *ptrs.first().ok_or_else(|| cl_err("no kernel"))?;
    // SAFETY: the function defined above has exactly this signature.
    let f: SoftmaxFn = unsafe { std::mem::transmute(p) };
    Ok(Variant { _code: code, f })
}
