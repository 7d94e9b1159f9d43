//! Matrix products with a fused elementwise epilogue: a `MatMul` whose only
//! consumer is a `FusedElementwise` kernel (the bias add and activation of
//! a dense layer, an RNN step's `tanh(xw[t] + h @ U + b)`, the learning rate
//! times a weight gradient) runs as one pool job in which each thread
//! computes its block of the product and then, at once, the kernel on the
//! same block, while it is still in that core's cache. The product itself
//! is never handed between threads or read back from memory by a second
//! pass, and the kernel runs on all cores.
//!
//! Results are the same bit for bit: each block of the product is computed
//! as `MatMul` computes it (`tfjit_tensor::ops::matmul::F32Product`) and the
//! kernel computes each element independently of the others (TF's scalar
//! tail of position-dependent ops is recomputed at the end, as usual).
//!
//! The compiled executor (`exec.rs`) moves the product to the kernel's step
//! only for a float32 `MatMul` with static shapes: it cannot fail, so
//! running it later changes nothing observable.

use crate::fused::{FusedKernel, InView};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use tfjit_graph::{FuncGraph, NodeIndex, Output, RtValue};
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::ops::matmul::F32Product;
use tfjit_tensor::{DType, Data, TfResult};

/// A `FusedElementwise` kernel whose input `slot` is the product of a
/// `MatMul` computed inside it.
///
/// Kernel inputs that are one leading-axis slice `x[i]` of a tensor (an
/// RNN step's `xw[t]`) may be read in place (`slices`) instead of being
/// copied by a `StridedSlice` step first. The step's inputs are the
/// kernel's (the product's left operand in `slot`, each sliced tensor `x`
/// in its slot), the product's right operand, then each slice's `begin`,
/// `end` and `strides`.
pub(crate) struct Epilogue {
    pub(crate) kernel: Arc<FusedKernel>,
    /// Which kernel input is the product.
    pub(crate) slot: usize,
    /// The absorbed `MatMul` (for reports and the fallback).
    pub(crate) matmul: NodeIndex,
    /// Kernel inputs read as slices in place: (slot, absorbed `StridedSlice`).
    pub(crate) slices: Vec<(usize, NodeIndex)>,
    ta: bool,
    tb: bool,
}

/// The `StridedSlice` producing input `slot` of `consumer`, if the kernel
/// can read it in place: one index of the leading axis (`x[i]`) of a
/// float32 tensor of static shape, read by nothing else.
pub(crate) fn sliceable(g: &FuncGraph, o: Output, consumer: NodeIndex, slot: usize) -> Option<NodeIndex> {
    let node = g.node(o.node);
    if node.op.name() != "StridedSlice" || o.index != 0 || g.outputs().contains(&o) || g.consumers(o) != [(consumer, slot)] {
        return None;
    }
    let m = tfjit_tensor::ops::index::SliceMasks::from_attrs(&node.attrs);
    if (m.shrink, m.begin, m.end, m.ellipsis, m.new_axis) != (1, 0, 0, 0, 0) {
        return None;
    }
    let ins = g.op_inputs(o.node);
    let [x, begin, end, strides] = ins[..] else { return None };
    let one_int = |o: Output| g.value_type(o).as_tensor().is_some_and(|t| t.dtype.is_int() && t.shape.as_known().is_some_and(|d| d == [1]));
    let x_ok = g.value_type(x).as_tensor().is_some_and(|t| t.dtype == DType::Float32 && t.shape.as_known().is_some_and(|d| !d.is_empty()));
    let unit_stride = g.node(strides.node).attrs.get("value").is_some_and(|v| matches!(v, tfjit_tensor::Attr::Tensor(t) if t.num_elements() == 1 && t.get_i64(0) == 1));
    (x_ok && one_int(begin) && one_int(end) && unit_stride).then_some(o.node)
}

/// The `MatMul` producing input `o` of a fused step, if it can become that
/// kernel's epilogue: float32 matrices of static shapes, its product read
/// by nothing else, not a graph output.
pub(crate) fn absorbable(g: &FuncGraph, o: Output, consumer: NodeIndex) -> Option<NodeIndex> {
    let node = g.node(o.node);
    if node.op.name() != "MatMul" || o.index != 0 || g.outputs().contains(&o) || g.control_outputs().contains(&o.node) {
        return None;
    }
    let cons = g.consumers(o);
    if cons.len() != 1 || cons.iter().any(|&(c, _)| c != consumer) {
        return None;
    }
    let static_f32 = |o: Output| {
        g.value_type(o).as_tensor().is_some_and(|t| t.dtype == DType::Float32 && t.shape.as_known().is_some_and(|d| d.len() == 2))
    };
    let ins = g.op_inputs(o.node);
    (ins.len() == 2 && ins.iter().all(|&i| static_f32(i)) && static_f32(o)).then_some(o.node)
}

impl Epilogue {
    pub(crate) fn new(g: &FuncGraph, kernel: Arc<FusedKernel>, slot: usize, matmul: NodeIndex, slices: Vec<(usize, NodeIndex)>) -> Epilogue {
        let attrs = &g.node(matmul).attrs;
        let (ta, tb) = (attrs.bool_or("transpose_a", false), attrs.bool_or("transpose_b", false));
        Epilogue { kernel, slot, matmul, slices, ta, tb }
    }

    /// How many step inputs follow the kernel's: the right operand, then
    /// three per slice.
    pub(crate) fn extra_inputs(&self) -> usize {
        1 + 3 * self.slices.len()
    }

    /// Runs the product and the kernel on `ins`: the kernel's inputs with
    /// the product's left operand at `slot`, then its right operand. `None`
    /// when these inputs need the plain path (product, then kernel).
    pub(crate) fn run(&self, ins: &[RtValue]) -> Option<TfResult<Vec<RtValue>>> {
        let (rest, extra) = ins.split_at(ins.len().checked_sub(self.extra_inputs())?);
        let b = extra.first()?;
        let a = rest.get(self.slot)?.as_tensor()?;
        let prod = F32Product::new(a, b.as_tensor()?, self.ta, self.tb)?;
        let (m, n) = prod.dims();
        let dims = [m, n];
        let mut buf: Vec<f32> = Vec::new();
        buf.try_reserve_exact(m.checked_mul(n)?).ok()?;
        let dst = buf.as_mut_ptr() as usize;
        let mut views = Vec::with_capacity(rest.len());
        for (i, v) in rest.iter().enumerate() {
            let t = v.as_tensor();
            views.push(if i == self.slot {
                InView { shape: &dims, dtype: DType::Float32, addr: dst }
            } else if let Some(j) = self.slices.iter().position(|&(s, _)| s == i) {
                // `x[i]` in place; an index out of range takes the plain
                // path (the slice then reports it).
                let x = t?;
                let (&d0, inner) = x.shape().split_first()?;
                let begin = extra.get(1 + 3 * j)?.as_tensor()?;
                let i = begin.get_i64(0);
                let i = if i < 0 { i + d0 as i64 } else { i };
                let i = usize::try_from(i).ok().filter(|&i| i < d0 && begin.num_elements() == 1)?;
                let Data::F32(xs) = x.data() else { return None };
                let len: usize = inner.iter().product();
                let part = xs.get(i * len..(i + 1) * len)?;
                InView { shape: inner, dtype: DType::Float32, addr: part.as_ptr() as usize }
            } else {
                InView::of(t?)
            });
        }
        let blocks = prod.blocks();
        // Column blocks cut each row into a kernel call per block: fine for
        // kernels that run row by row anyway (a bias add), not for one that
        // would otherwise run a whole block in one call (a product scaled
        // by the learning rate: 4096 calls instead of 2).
        let per_row = views.iter().enumerate().any(|(i, v)| i != self.slot && v.shape.iter().product::<usize>() != 1 && v.shape != dims);
        let whole_rows = blocks.iter().all(|b| b.1 == (0, n));
        if !per_row && !whole_rows {
            return None;
        }
        let seg = blocks.iter().map(|b| b.1 .1).min();
        let call = match self.kernel.prepare(&views, seg)? {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        if call.out_shape() != dims {
            return None; // the product is broadcast up: plain path
        }
        let rc = AtomicI32::new(0);
        let run = |i: usize| {
            let Some(&blk) = blocks.get(i) else { return };
            // SAFETY: `buf` has room for the `m*n` product; blocks are
            // disjoint; each thread reads back only the block it wrote.
            unsafe { prod.run_block(blk, dst as *mut f32) };
            let r = call.run_rect(blk.0, blk.1);
            if r != 0 {
                rc.store(r, Ordering::Relaxed);
            }
        };
        if blocks.len() == 1 {
            run(0);
        } else {
            tfjit_tensor::pool::run_blocks(blocks.len(), &run);
        }
        // `buf` (the product) stays alive until the kernel's tail has run.
        let out = call.finish(rc.into_inner());
        drop(buf);
        out
    }
}
