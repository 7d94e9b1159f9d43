//! Column kernels: a reduction over a leading (or middle) block of axes —
//! `reduce_sum(g, axis=0)`, a bias gradient — with its elementwise
//! prologue. The input is viewed as `[outer, rows, cols]` (the reduced
//! block in the middle); each call of the generated f32x4 function takes
//! one row segment of contiguous columns and folds it into a row of
//! accumulators, so memory is read once, row after row. Column blocks are
//! split across cores for large inputs.
//!
//! Results are bit-identical to the reference kernel
//! (`tfjit_tensor::ops::reduce::eigen_sum_outer`, which follows TF's Eigen
//! order): a column evaluated by Eigen as part of a whole packet sums rows
//! `j % 4` into four accumulators (when there are at least 16 rows), adds
//! them as `((a0 + a1) + a2) + a3` and then the remaining rows; every other
//! column, and `Max`/`Min`, folds its rows in order. The prologue is the
//! row kernels' (`rows.rs`), with the same fast-math rule.

use crate::body::{data_ptr, data_ptr_mut, padded_eq, OutRef, RedKind};
use crate::rows::FAST_MATH_MIN;
use crate::jit::mem;
use crate::rows::{buffer, chain_kernel, counted_loop, pick_nan, split, Mode, RowKernel, Variant};
use crate::vmath::{NoErr, V};
use cranelift_codegen::ir::{types, InstBuilder, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tfjit_graph::RtValue;
use tfjit_tensor::ops::reduce::outer_block;
use tfjit_tensor::{Tensor, TfResult};

/// One row segment: `(cols, input pointers, elementwise output pointers,
/// accumulators)`; folds the segment's reduced values into `cols`
/// accumulators.
type ColFn = crate::rows::RowFn;

/// Compiled column functions by input modes and fast-math flag.
pub(crate) type ColCache = Mutex<HashMap<(Vec<Mode>, bool), Arc<Variant<ColFn>>>>;

/// Elements from which column blocks are split across threads.
const PARALLEL_MIN: usize = 1 << 16;
/// Eigen's float packet size (AVX): the unit of its output evaluation.
const PACKET: usize = 8;

/// How an input is addressed in the `[outer, rows, cols]` space.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ColLayout {
    /// Same shape as the iteration space.
    Full,
    /// One element.
    Scalar,
    /// The same for every reduced row: `[outer, 1, cols]`.
    PerCol,
    /// One value per row: `[outer, rows, 1]`.
    PerRow,
}

impl ColLayout {
    fn mode(self) -> Mode {
        match self {
            ColLayout::Full | ColLayout::PerCol => Mode::Contig,
            ColLayout::Scalar | ColLayout::PerRow => Mode::Splat,
        }
    }
    /// Element offset of row `j`, column `c` of block `a`.
    fn offset(self, a: usize, j: usize, c: usize, rows: usize, cols: usize) -> usize {
        match self {
            ColLayout::Full => (a * rows + j) * cols + c,
            ColLayout::Scalar => 0,
            ColLayout::PerCol => a * cols + c,
            ColLayout::PerRow => a * rows + j,
        }
    }
}

/// A run of columns of one outer block summed the same way.
#[derive(Clone, Copy, Debug)]
struct Seg {
    a: usize,
    c0: usize,
    c1: usize,
    /// Rows summed into four rotating accumulators (0: all in order).
    unrolled: usize,
}

/// The column runs of `[outer, rows, cols]`: Eigen evaluates output
/// element `o` with packet code when its aligned packet lies inside the
/// output and inside one output row, and uses four accumulators there
/// when `rows >= 16`; split further so no run is wider than `max_w`.
fn segments(outer: usize, rows: usize, cols: usize, four_ok: bool, max_w: usize) -> Vec<Seg> {
    let total = outer * cols;
    let full = total - total % PACKET;
    let unrolled_four = if four_ok && rows >= 16 { rows / 4 * 4 } else { 0 };
    let mut segs = Vec::new();
    for a in 0..outer {
        let mut c = 0;
        while c < cols {
            let kind = |c: usize| {
                let o = a * cols + c;
                let pk = o - o % PACKET;
                if pk < full && pk % cols + PACKET <= cols {
                    unrolled_four
                } else {
                    0
                }
            };
            let u = kind(c);
            let mut e = c + 1;
            while e < cols && e - c < max_w && kind(e) == u {
                e += 1;
            }
            segs.push(Seg { a, c0: c, c1: e, unrolled: u });
            c = e;
        }
    }
    segs
}

impl RowKernel {
    fn col_variant(&self, modes: &[Mode], fast: bool) -> Option<Arc<Variant<ColFn>>> {
        let key = (modes.to_vec(), fast);
        let mut cache = self.col_variants.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = cache.get(&key) {
            return Some(v.clone());
        }
        let v = Arc::new(self.build_col(modes, fast).ok()?);
        cache.insert(key, v.clone());
        Some(v)
    }

    /// Runs a reduction whose reduced axes are not trailing; `None` when
    /// the inputs need the reference path. `dims` is the reduced value's
    /// shape, `mask` the reduced axes.
    pub(crate) fn run_cols(
        &self,
        ts: &[&Tensor],
        dims: &[usize],
        mask: &[bool],
    ) -> Option<TfResult<Vec<RtValue>>> {
        let (outer, rows, cols) = outer_block(dims, mask)?;
        let total: usize = dims.iter().product();
        if total == 0 || rows == 0 {
            return None;
        }
        // Input layouts against [outer, rows, cols].
        let per_col: Vec<usize> = dims.iter().zip(mask).map(|(&d, &m)| if m { 1 } else { d }).collect();
        let mut seen_red = false;
        let per_row: Vec<usize> = dims
            .iter()
            .zip(mask)
            .map(|(&d, &m)| {
                seen_red |= m && d != 1;
                if seen_red && !m {
                    1
                } else {
                    d
                }
            })
            .collect();
        let mut layout = Vec::with_capacity(ts.len());
        for t in ts {
            let s = t.shape();
            let l = if padded_eq(s, dims) {
                ColLayout::Full
            } else if t.num_elements() == 1 {
                ColLayout::Scalar
            } else if padded_eq(s, &per_col) {
                ColLayout::PerCol
            } else if padded_eq(s, &per_row) {
                ColLayout::PerRow
            } else {
                return None;
            };
            layout.push(l);
        }
        let modes: Vec<Mode> = layout.iter().map(|l| l.mode()).collect();
        let fast = total >= FAST_MATH_MIN;
        let var = self.col_variant(&modes, fast)?;
        let sum = matches!(self.red.kind, RedKind::Sum | RedKind::Mean);
        let init = match self.red.kind {
            RedKind::Sum | RedKind::Mean => 0.0,
            RedKind::Max => f32::NEG_INFINITY,
            RedKind::Min => f32::INFINITY,
        };
        // Work: column runs, narrow enough to share among threads.
        let threads = if total >= PARALLEL_MIN {
            std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
        } else {
            1
        };
        let max_w = if threads > 1 { (outer * cols).div_ceil(threads).div_ceil(16) * 16 } else { cols };
        let segs = segments(outer, rows, cols, sum, max_w.clamp(16, 4096));
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
        let mut red_out = vec![0f32; outer * cols];
        let mut out_base: Vec<usize> = Vec::with_capacity(elem_outs.len());
        for t in elem_outs.iter_mut() {
            out_base.push(data_ptr_mut(t.data_mut()?) as usize);
        }
        let in_base: Vec<usize> = ts.iter().map(|t| data_ptr(t.data()) as usize).collect();
        let red_base = red_out.as_mut_ptr() as usize;
        let mean_div = rows as f32;
        let mean = self.red.kind == RedKind::Mean;
        let run = |from: usize, to: usize| -> i32 {
            let mut ip = vec![0usize; in_base.len()];
            let mut op = vec![0usize; out_base.len()];
            let mut acc: Vec<f32> = Vec::new();
            for seg in &segs[from..to] {
                let w = seg.c1 - seg.c0;
                acc.clear();
                acc.resize(4 * w, init);
                let (a, u) = (seg.a, seg.unrolled);
                for j in 0..rows {
                    if u > 0 && j == u {
                        combine(&mut acc, w);
                    }
                    let k = if j < u { j % 4 } else { 0 };
                    for (p, (&base, l)) in ip.iter_mut().zip(in_base.iter().zip(&layout)) {
                        *p = base + l.offset(a, j, seg.c0, rows, cols) * 4;
                    }
                    for (p, &base) in op.iter_mut().zip(&out_base) {
                        *p = base + ((a * rows + j) * cols + seg.c0) * 4;
                    }
                    // SAFETY: every input pointer addresses `w` f32 (or one,
                    // splatted) inside its buffer, whose layout was checked
                    // against the iteration space above; outputs hold
                    // `total` f32; `acc[k * w..]` holds `w` f32.
                    let rc = unsafe {
                        (var.f)(
                            w as i64,
                            ip.as_ptr() as *const *const u8,
                            op.as_ptr() as *const *mut u8,
                            acc.as_mut_ptr().add(k * w),
                        )
                    };
                    if rc != 0 {
                        return rc;
                    }
                }
                if u > 0 && u == rows {
                    combine(&mut acc, w);
                }
                for (c, &v) in acc[..w].iter().enumerate() {
                    let v = if mean { v / mean_div } else { v };
                    // SAFETY: `a * cols + c0 + c` < `outer * cols`, the
                    // length of `red_out`; segments do not overlap.
                    unsafe { *(red_base as *mut f32).add(seg.a * cols + seg.c0 + c) = v };
                }
            }
            0
        };
        if split(segs.len(), threads.min(segs.len()), run) != 0 {
            return None;
        }
        self.results(dims, mask, per_col, red_out, elem_outs)
    }

    /// The row-segment function: for each column `i < n`, the prologue's
    /// value folded into `acc[i]` (`+` for `Sum`/`Mean`, NaN-propagating
    /// max/min otherwise), elementwise outputs stored.
    fn build_col(&self, modes: &[Mode], fast: bool) -> TfResult<Variant<ColFn>> {
        let kind = self.red.kind;
        chain_kernel(&self.eb, modes, fast, "cols", |b, cx, n, accp, i| {
            let mut errs = NoErr(false);
            let fold = |b: &mut cranelift_frontend::FunctionBuilder, acc: Value, x: Value, ty: types::Type| match kind {
                RedKind::Sum | RedKind::Mean => b.ins().fadd(acc, x),
                RedKind::Max => pick_nan(b, acc, x, true, ty),
                RedKind::Min => pick_nan(b, acc, x, false, ty),
            };
            counted_loop(b, i, n, 4, |b, iv| {
                let v = cx.vec_at(b, iv, 0, &mut errs)?;
                let off = b.ins().ishl_imm_u(iv, 2);
                let a = b.ins().iadd(accp, off);
                let acc = b.ins().load(V, mem(), a, 0);
                let r = fold(b, acc, v, V);
                b.ins().store(mem(), r, a, 0);
                Ok(())
            })?;
            counted_loop(b, i, n, 1, |b, iv| {
                let v = cx.scalar_at(b, iv, &mut errs)?;
                let off = b.ins().ishl_imm_u(iv, 2);
                let a = b.ins().iadd(accp, off);
                let acc = b.ins().load(types::F32, mem(), a, 0);
                let r = fold(b, acc, v, types::F32);
                b.ins().store(mem(), r, a, 0);
                Ok(())
            })
        })
    }
}

/// `acc[0..w] = ((acc0 + acc1) + acc2) + acc3` over the four accumulator
/// rows of width `w` (Eigen's combination of its unrolled accumulators).
fn combine(acc: &mut [f32], w: usize) {
    let (first, rest) = acc.split_at_mut(w);
    for k in 0..3 {
        for (s, &x) in first.iter_mut().zip(&rest[k * w..(k + 1) * w]) {
            *s += x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_eigen_packets() {
        // One outer block, 20 columns: two whole packets, then 4 columns in order.
        let s = segments(1, 16, 20, true, 4096);
        let runs: Vec<(usize, usize, usize)> = s.iter().map(|g| (g.c0, g.c1, g.unrolled)).collect();
        assert_eq!(runs, vec![(0, 16, 16), (16, 20, 0)]);
        // Fewer than 16 rows: every column in order.
        let s = segments(1, 15, 20, true, 4096);
        assert!(s.iter().all(|g| g.unrolled == 0));
        // Packets crossing output rows (cols = 12): o in [8, 16) spans rows 0 and 1.
        let s = segments(2, 20, 12, true, 4096);
        let runs: Vec<(usize, usize, usize, usize)> = s.iter().map(|g| (g.a, g.c0, g.c1, g.unrolled)).collect();
        assert_eq!(runs, vec![(0, 0, 8, 20), (0, 8, 12, 0), (1, 0, 4, 0), (1, 4, 12, 20)]);
    }
}
