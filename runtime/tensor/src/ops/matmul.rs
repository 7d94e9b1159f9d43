//! Matrix products: MatMul (transpose_a/b), BatchMatMulV2 (adj_x/adj_y,
//! broadcast batch dims) and Einsum (general index-loop implementation).

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{Data, Tensor};

use super::broadcast::{broadcast_shapes, broadcast_static, broadcast_strides, for_each_offset};
use super::common::{
    alloc_check, arity, check_allowed, dims_str, dtype_mismatch, input, make, one, same_dtype, static_dims_str,
    strides_of, tin, typed, Allowed,
};
use super::elem::Num;

fn ia(msg: String) -> TfError {
    TfError::invalid_argument(msg)
}

const MATMUL_TYPES: Allowed = Allowed {
    types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64],
    text: "bfloat16, half, float, double, int32, int64, uint8, uint16, uint32, uint64, complex64, complex128",
};

/// Where a matrix's elements are: element (i, k) is at `off + i*rs + k*cs`
/// (so transposes are just strides).
type Strides = (usize, usize, usize);

/// Reference `c[m,n] = sum_k a[m,k] b[k,n]` into a zeroed `c` (`m*n`
/// elements, row-major): for each output element one fused multiply-add per
/// `k` in order. Used for integers and as the ground truth in tests.
#[allow(clippy::too_many_arguments)]
fn gemm_reference<T: Num>(a: &[T], (a_off, ars, acs): Strides, b: &[T], (b_off, brs, bcs): Strides, m: usize, k: usize, n: usize, c: &mut [T]) {
    for i in 0..m {
        for p in 0..k {
            let av = a.get(a_off + i * ars + p * acs).copied().unwrap_or_else(T::zero);
            let row = i * n;
            // Contiguous rows of `b` (no transpose): the same sums, vectorized.
            let b_row = b.get(b_off + p * brs..).and_then(|r| r.get(..n));
            if let (1, Some(b_row), Some(c_row)) = (bcs, b_row, c.get_mut(row..row + n)) {
                for (cv, &bv) in c_row.iter_mut().zip(b_row) {
                    *cv = av.mul_add(bv, *cv);
                }
                continue;
            }
            for j in 0..n {
                let bv = b.get(b_off + p * brs + j * bcs).copied().unwrap_or_else(T::zero);
                if let Some(c) = c.get_mut(row + j) {
                    *c = av.mul_add(bv, *c);
                }
            }
        }
    }
}

/// True if every element a strided `rows`×`cols` matrix addresses lies in
/// `0..len` (checked arithmetic: overflow counts as out of bounds).
fn strided_in_bounds(len: usize, (off, rs, cs): Strides, rows: usize, cols: usize) -> bool {
    let last = (rows.saturating_sub(1))
        .checked_mul(rs)
        .and_then(|x| cols.saturating_sub(1).checked_mul(cs).and_then(|y| x.checked_add(y)))
        .and_then(|x| x.checked_add(off));
    matches!(last, Some(l) if l < len) && isize::try_from(rs.max(cs)).is_ok()
}

/// True if `a` (`m`×`k`) and `b` (`k`×`n`) are inside their buffers with
/// the given strides, and the strides and `n` fit the GEMMs' `isize`.
#[allow(clippy::too_many_arguments)]
fn operands_fit(a_len: usize, sa: Strides, b_len: usize, sb: Strides, m: usize, k: usize, n: usize) -> bool {
    strided_in_bounds(a_len, sa, m, k) && strided_in_bounds(b_len, sb, k, n) && isize::try_from(n).is_ok()
}

/// Element types with a GEMM: `f32`/`f64` through the `gemm` crate
/// (packed, runtime-selected AVX-512/AVX2+FMA micro-kernels; large
/// products split across the cores, see [`split_plan`]), integers
/// through [`gemm_reference`] (wrapping arithmetic, as TF).
trait GemmScalar: Num {
    /// `c = a·b` with `a` `m`×`k` and `b` `k`×`n` given by strides; `c` is
    /// row-major, `m*n` elements, zeroed.
    #[allow(clippy::too_many_arguments)]
    fn gemm_into(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, c: &mut [Self]) {
        gemm_reference(a, sa, b, sb, m, k, n, c)
    }

    /// Appends `a·b` (`m`×`n`, row-major) to `out`. By default through a
    /// zeroed block and [`GemmScalar::gemm_into`]; float GEMMs write the
    /// new elements directly (no zero-fill pass over the output).
    #[allow(clippy::too_many_arguments)]
    fn gemm_append(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, out: &mut Vec<Self>) {
        let start = out.len();
        out.resize(start + m * n, Self::zero());
        if let Some(c) = out.get_mut(start..) {
            Self::gemm_into(a, sa, b, sb, m, k, n, c);
        }
    }

    /// Appends the products `a·b` at each pair of operand offsets in
    /// `offsets` (the strides' offsets replaced), one `m`×`n` block each,
    /// in order. By default one after another.
    #[allow(clippy::too_many_arguments)]
    fn gemm_batch(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, offsets: &[(usize, usize)], out: &mut Vec<Self>) {
        for &(oa, ob) in offsets {
            Self::gemm_append(a, (oa, sa.1, sa.2), b, (ob, sb.1, sb.2), m, k, n, out);
        }
    }
}

impl GemmScalar for i32 {}
impl GemmScalar for i64 {}

/// Products with fewer multiply-adds than this run on one thread (below it,
/// spawning a thread costs more than it saves; measured on 2 cores).
const PARALLEL_MIN_MACS: usize = 1 << 20;
/// Each thread gets at least this many columns (or rows) of the output.
const PARALLEL_MIN_SPAN: usize = 64;

/// Right operands up to this size (bytes of float32) stay in each core's
/// L2 between calls; see [`split_plan`].
const SMALL_B_BYTES: usize = 1 << 20;
/// Each thread's rows when a short product with a small right operand is
/// split by rows (a multiple of the GEMM kernels' 16-row panels).
const PARALLEL_MIN_ROWS_SMALL_B: usize = 16;

/// How a product is divided among threads.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Split {
    /// One thread.
    None,
    /// This many blocks of output columns: each thread packs its part of
    /// `b` and all of `a` (`a` is usually the smaller operand).
    Cols(usize),
    /// This many blocks of output rows: each thread packs its part of `a`
    /// and all of `b`.
    Rows(usize),
}

/// How to divide an `m`×`k`·`k`×`n` product: one thread for small products,
/// else up to one block per core, by columns when there are enough (each
/// thread then packs only its share of `b`, the larger operand in the
/// workloads: 256×1024·1024×1024 ran at ~240 GFLOP/s on 2 cores against
/// ~130 with `matrixmultiply`'s own threading), else by rows. Either way
/// every output element's sum runs in the same order as on one thread, so
/// results do not depend on the split.
fn split_plan(m: usize, k: usize, n: usize) -> Split {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |c| c.get()));
    let macs = m.saturating_mul(k).saturating_mul(n);
    if macs < PARALLEL_MIN_MACS || cores < 2 {
        return Split::None;
    }
    let by_work = macs / (PARALLEL_MIN_MACS / 2);
    let cols = cores.min(n / PARALLEL_MIN_SPAN).min(by_work);
    let rows = cores.min(m / PARALLEL_MIN_SPAN).min(by_work);
    // A right operand that stays in every core's L2 (a loop's weights) with
    // a short left one (a recurrent state just written by this thread):
    // split the rows, so each helper reads only its rows of `a` from the
    // caller's cache (an RNN step's 32×256·256×256: 17 against 21.5 µs).
    let short_rows = cores.min(m / PARALLEL_MIN_ROWS_SMALL_B).min(by_work);
    if k.saturating_mul(n).saturating_mul(4) <= SMALL_B_BYTES && m <= PARALLEL_MIN_SPAN * cores && short_rows >= 2 {
        return Split::Rows(short_rows);
    }
    if cols >= 2 {
        Split::Cols(cols)
    } else if rows >= 2 {
        Split::Rows(rows)
    } else {
        Split::None
    }
}

/// Whether a batch of products with one right operand and left operands
/// stacked row-major one after another is one tall product, bit for bit:
/// each product already runs on `gemm` (at least [`EXACT_MAX_MACS`]), and
/// with `k` ≤ [`ONE_K_BLOCK`] `gemm` sums every output element in one pass
/// over `k` whatever the number of rows (`tall_products_equal_stacked_ones`).
/// The tall product packs the right operand once instead of per product
/// (an RNN's hoisted 100×32×256·256×256: ~1.2 against 1.46 ms).
fn stacks_into_one(sa: Strides, m: usize, k: usize, n: usize, offsets: &[(usize, usize)]) -> bool {
    let Some(&(a0, b0)) = offsets.first() else { return false };
    let stacked = offsets.iter().enumerate().all(|(i, &(oa, ob))| ob == b0 && Some(oa) == i.checked_mul(m * k).and_then(|d| d.checked_add(a0)));
    stacked && sa.1 == k && sa.2 == 1 && k <= ONE_K_BLOCK && m.saturating_mul(k).saturating_mul(n) >= EXACT_MAX_MACS
}
/// The largest `k` `gemm` sums in one block for every shape (its f32
/// kernels' `k` blocks are at least this long).
const ONE_K_BLOCK: usize = 256;

/// Blocks of whole products for a batch of `len` products on `threads`
/// threads: two per thread for balance (whole products pack nothing
/// twice), at most one per product.
fn blocks_for_batch(len: usize, threads: usize) -> usize {
    len.min(threads * 2).max(1)
}

/// The output pointer, shared by the threads of one product, each writing
/// its own disjoint block.
#[derive(Clone, Copy)]
struct OutPtr<T>(*mut T);
// SAFETY: only used inside `crate::pool::run_blocks` (which returns after
// every block has run) for blocks of the output that do not overlap (see
// `gemm_float!`); `T` is a plain float.
unsafe impl<T: Send> Send for OutPtr<T> {}
// SAFETY: as for `Send`: the threads sharing it write disjoint blocks.
unsafe impl<T: Send> Sync for OutPtr<T> {}
impl<T> OutPtr<T> {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    fn get(self) -> *mut T {
        self.0
    }
}

/// The blocks `(start, len)` of `0..total` for `parts` threads.
fn spans(total: usize, parts: usize) -> impl Iterator<Item = (usize, usize)> {
    let per = total.div_ceil(parts.max(1)).max(1);
    (0..total).step_by(per).map(move |s| (s, per.min(total - s)))
}

/// Products with fewer multiply-adds than this sum in TF's order: float32
/// through `small_gemm::sgemm_tf` (one fused multiply-add per `k` in order,
/// two runs over the halves of `k` from 385 to 768; `matrixmultiply` beyond),
/// float64 through `matrixmultiply` (one run per `k` block of 256) — the
/// orders the conformance corpus's small products print TF's values with.
/// `gemm` sums small products with a transposed right operand (and
/// matrix-vector products) as dot products in another order; from this size
/// on its AVX-512 kernels are 1.5–3× faster and the order is no longer TF's
/// anyway (every GEMM blocks `k`).
const EXACT_MAX_MACS: usize = 1 << 20;

/// The float GEMMs on a raw output pointer.
trait GemmRaw: Sized {
    /// `c[0..m*n] = a·b` through the tuned GEMMs, split over the pool.
    ///
    /// # Safety
    /// `operands_fit(..)` holds for `a` and `b`, `c` is valid for writes of
    /// `m*n` elements, and `m`, `n`, `k` are non-zero.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_raw(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, c: *mut Self) {
        Self::gemm_split(a, sa, b, sb, m, k, n, c, split_plan(m, k, n))
    }

    /// [`GemmRaw::gemm_raw`] divided among threads as `split` says.
    ///
    /// # Safety
    /// As for [`GemmRaw::gemm_raw`].
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_split(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, c: *mut Self, split: Split);

    /// Rows `rows.0 .. rows.0 + rows.1`, columns `cols.0 .. cols.0 + cols.1`
    /// of the `m`×`n` product into the same block of `c` (row stride `n`),
    /// on this thread. Whether it goes through `matrixmultiply` or `gemm`
    /// depends on the whole product's size, so every block sums in the
    /// order the whole product does.
    ///
    /// # Safety
    /// As for [`GemmRaw::gemm_raw`]; the block lies inside the product, and
    /// no other thread writes it concurrently.
    #[allow(clippy::too_many_arguments)]
    unsafe fn gemm_block(a: &[Self], sa: Strides, b: &[Self], sb: Strides, m: usize, k: usize, n: usize, c: *mut Self, rows: (usize, usize), cols: (usize, usize));
}

/// The blocks `(rows, cols)` (each a `(start, len)`) `split` divides an
/// `m`×`n` output into.
///
/// One block per thread: every block packs its own copy of the other
/// operand, so more blocks cost packing (a training step's five
/// 256×1024·1024×1024-class products: 10.2 ms per step with one block per
/// thread against 10.3–11.2 with two); a helper that is busy elsewhere
/// delays the call by at most its block, since the caller runs a block no
/// helper has started.
fn split_blocks(m: usize, n: usize, split: Split) -> Vec<((usize, usize), (usize, usize))> {
    match split {
        Split::None => vec![((0, m), (0, n))],
        Split::Cols(p) => spans(n, p).map(|c| ((0, m), c)).collect(),
        Split::Rows(p) => spans(m, p).map(|r| (r, (0, n))).collect(),
    }
}

/// A float32 product `a·b` of two matrices (either transposed) computed
/// block by block into a caller's buffer, each block exactly as `MatMul`
/// computes it (same GEMM, same order): the compiled executor runs a fused
/// elementwise epilogue on each block on the thread that computed it,
/// while the block is still in that core's cache.
pub struct F32Product<'a> {
    a: &'a [f32],
    sa: Strides,
    b: &'a [f32],
    sb: Strides,
    m: usize,
    k: usize,
    n: usize,
}

impl<'a> F32Product<'a> {
    /// `a·b` (`ta`/`tb`: transposed), or `None` unless both are float32
    /// matrices with matching inner dimensions and the product is not empty.
    pub fn new(a: &'a Tensor, b: &'a Tensor, ta: bool, tb: bool) -> Option<F32Product<'a>> {
        let (Data::F32(av), Data::F32(bv)) = (a.data(), b.data()) else { return None };
        let (&[a0, a1], &[b0, b1]) = (a.shape(), b.shape()) else { return None };
        let (m, k) = if ta { (a1, a0) } else { (a0, a1) };
        let (kb, n) = if tb { (b1, b0) } else { (b0, b1) };
        let sa = if ta { (0, 1, a1) } else { (0, a1, 1) };
        let sb = if tb { (0, 1, b1) } else { (0, b1, 1) };
        // (Shapes TF computes as dot products are not blocked GEMMs.)
        let ok = k == kb && m > 0 && n > 0 && k > 0 && operands_fit(av.len(), sa, bv.len(), sb, m, k, n) && !tf_dot_lanes(m, ta, tb);
        ok.then_some(F32Product { a: av, sa, b: bv, sb, m, k, n })
    }

    /// The output's `(rows, columns)`.
    pub fn dims(&self) -> (usize, usize) {
        (self.m, self.n)
    }

    /// The blocks `(rows, cols)` (each a `(start, len)`) `MatMul` divides
    /// this product into among the pool's threads (one for a small product).
    pub fn blocks(&self) -> Vec<((usize, usize), (usize, usize))> {
        split_blocks(self.m, self.n, split_plan(self.m, self.k, self.n))
    }

    /// Computes one block (from [`F32Product::blocks`]) into `c`, a
    /// row-major `m`×`n` buffer.
    ///
    /// # Safety
    /// `c` is valid for writes of `m*n` floats, and no other thread writes
    /// this block of it concurrently.
    pub unsafe fn run_block(&self, block: ((usize, usize), (usize, usize)), c: *mut f32) {
        let ((r0, rn), (c0, cn)) = block;
        if r0.saturating_add(rn) <= self.m && c0.saturating_add(cn) <= self.n && rn > 0 && cn > 0 {
            // SAFETY: operands checked in `new`, the block lies inside the
            // product, `c` holds it (caller).
            unsafe { f32::gemm_block(self.a, self.sa, self.b, self.sb, self.m, self.k, self.n, c, block.0, block.1) }
        }
    }
}

/// Implements [`GemmScalar`] for a float type through `gemm::gemm`, or
/// `$small` (a `matrixmultiply` routine) below [`EXACT_MAX_MACS`].
macro_rules! gemm_float {
    ($t:ty, $small:path) => {
        impl GemmScalar for $t {
            fn gemm_into(a: &[$t], sa: Strides, b: &[$t], sb: Strides, m: usize, k: usize, n: usize, c: &mut [$t]) {
                if m == 0 || n == 0 || k == 0 {
                    return; // `c` is already the (empty or all-zero) result
                }
                let fits = operands_fit(a.len(), sa, b.len(), sb, m, k, n)
                    && m.checked_mul(n).is_some_and(|mn| mn <= c.len());
                if !fits {
                    // Unreachable for kernel-built strides; stay safe anyway.
                    return gemm_reference(a, sa, b, sb, m, k, n, c);
                }
                // SAFETY: operands checked above; `c` holds `m*n` elements.
                unsafe { <$t as GemmRaw>::gemm_raw(a, sa, b, sb, m, k, n, c.as_mut_ptr()) }
            }

            fn gemm_append(a: &[$t], sa: Strides, b: &[$t], sb: Strides, m: usize, k: usize, n: usize, out: &mut Vec<$t>) {
                let start = out.len();
                let Some(mn) = m.checked_mul(n) else {
                    return; // unreachable: the output's size was checked by `alloc_check`
                };
                if k == 0 || mn == 0 || !operands_fit(a.len(), sa, b.len(), sb, m, k, n) {
                    out.resize(start + mn, 0.0);
                    if let Some(c) = out.get_mut(start..) {
                        Self::gemm_into(a, sa, b, sb, m, k, n, c);
                    }
                    return;
                }
                out.reserve(mn);
                // SAFETY: operands checked above; `reserve` made room for
                // `mn` elements after `start`. Both GEMMs (beta = 0 /
                // `read_dst` false) write every element of the `m`×`n` block
                // without reading it, so all `mn` are initialized before
                // `set_len`.
                unsafe {
                    <$t as GemmRaw>::gemm_raw(a, sa, b, sb, m, k, n, out.as_mut_ptr().add(start));
                    out.set_len(start + mn);
                }
            }

            fn gemm_batch(a: &[$t], sa: Strides, b: &[$t], sb: Strides, m: usize, k: usize, n: usize, offsets: &[(usize, usize)], out: &mut Vec<$t>) {
                let start = out.len();
                let mn = m.saturating_mul(n);
                let total = mn.saturating_mul(offsets.len());
                let fits = k > 0
                    && mn > 0
                    && offsets.iter().all(|&(oa, ob)| operands_fit(a.len(), (oa, sa.1, sa.2), b.len(), (ob, sb.1, sb.2), m, k, n));
                let macs = total.saturating_mul(k);
                if !fits || offsets.len() < 2 || macs < PARALLEL_MIN_MACS || crate::pool::threads() < 2 {
                    for &(oa, ob) in offsets {
                        Self::gemm_append(a, (oa, sa.1, sa.2), b, (ob, sb.1, sb.2), m, k, n, out);
                    }
                    return;
                }
                if stacks_into_one(sa, m, k, n, offsets) {
                    // One tall product: the same bits (see `stacks_into_one`).
                    let (oa, ob) = offsets[0];
                    return Self::gemm_append(a, (oa, sa.1, sa.2), b, (ob, sb.1, sb.2), m * offsets.len(), k, n, out);
                }
                // Whole products per pool block, each on one thread: one
                // hand-off per call instead of one per product (an RNN's
                // hoisted input projection: 100 products of 32×256·256×256).
                // Results equal the products' one by one: a product's value
                // does not depend on its split (`splits_do_not_change_results`).
                out.reserve(total);
                let dst = OutPtr(out.as_mut_ptr());
                let parts = blocks_for_batch(offsets.len(), crate::pool::threads());
                let per = offsets.len().div_ceil(parts);
                crate::pool::run_blocks(parts, &|p| {
                    for (i, &(oa, ob)) in offsets.iter().enumerate().skip(p * per).take(per) {
                        // SAFETY: operands checked above for every offset;
                        // `reserve` made room for `total` elements after
                        // `start`, and product `i` writes only its own
                        // `m*n` block of them (blocks are disjoint).
                        unsafe {
                            <$t as GemmRaw>::gemm_split(a, (oa, sa.1, sa.2), b, (ob, sb.1, sb.2), m, k, n, dst.get().add(start + i * mn), Split::None);
                        }
                    }
                });
                // SAFETY: every product wrote its whole block (`gemm` with
                // beta = 0 and `matrixmultiply` with beta = 0 write each
                // element without reading it), so all `total` are initialized.
                unsafe { out.set_len(start + total) };
            }
        }

        impl GemmRaw for $t {
            unsafe fn gemm_split(a: &[$t], sa: Strides, b: &[$t], sb: Strides, m: usize, k: usize, n: usize, c: *mut $t, split: Split) {
                let out = OutPtr(c);
                let blocks = split_blocks(m, n, split);
                if let [(r, c)] = blocks[..] {
                    return Self::gemm_block(a, sa, b, sb, m, k, n, out.get(), r, c);
                }
                // The calling thread and the pool's helpers take blocks until
                // none are left (see `crate::pool`).
                crate::pool::run_blocks(blocks.len(), &|i| {
                    if let Some(&(r, c)) = blocks.get(i) {
                        // SAFETY: disjoint blocks of the product (caller's
                        // contract for `c`).
                        unsafe { Self::gemm_block(a, sa, b, sb, m, k, n, out.get(), r, c) };
                    }
                });
            }

            unsafe fn gemm_block(a: &[$t], sa: Strides, b: &[$t], sb: Strides, m: usize, k: usize, n: usize, c: *mut $t, (i0, rows): (usize, usize), (j0, cols): (usize, usize)) {
                // SAFETY: every element `gemm` reads is inside `a` (rows
                // `i0..i0+rows` ⊆ `0..m`) or `b` (columns `j0..j0+cols` ⊆
                // `0..n`): checked by the caller (the offsets of the last row
                // and column are in bounds, strides fit in `isize`). It writes
                // exactly elements `(i, j)` of this block at `i*n + j` < `m*n`,
                // inside `c`, which no other thread writes concurrently. With
                // `read_dst` false, `c` is only written, never read.
                unsafe {
                    if m.saturating_mul(k).saturating_mul(n) < EXACT_MAX_MACS {
                        return $small(
                            rows,
                            k,
                            cols,
                            1.0,
                            a.as_ptr().add(sa.0 + i0 * sa.1),
                            sa.1 as isize,
                            sa.2 as isize,
                            b.as_ptr().add(sb.0 + j0 * sb.2),
                            sb.1 as isize,
                            sb.2 as isize,
                            0.0,
                            c.add(i0 * n + j0),
                            n as isize,
                            1,
                        );
                    }
                    gemm::gemm(
                        rows,
                        cols,
                        k,
                        c.add(i0 * n + j0),
                        1,
                        n as isize,
                        false,
                        a.as_ptr().add(sa.0 + i0 * sa.1),
                        sa.2 as isize,
                        sa.1 as isize,
                        b.as_ptr().add(sb.0 + j0 * sb.2),
                        sb.2 as isize,
                        sb.1 as isize,
                        0.0,
                        1.0,
                        false,
                        false,
                        false,
                        gemm::Parallelism::None,
                    )
                }
            }
        }
    };
}
gemm_float!(f32, super::small_gemm::sgemm_tf);
gemm_float!(f64, matrixmultiply::dgemm);

/// Appends `a·b` (`m`×`n`, row-major) to `out`.
#[allow(clippy::too_many_arguments)]
fn gemm<T: GemmScalar>(a: &[T], sa: Strides, b: &[T], sb: Strides, m: usize, k: usize, n: usize, out: &mut Vec<T>) {
    T::gemm_append(a, sa, b, sb, m, k, n, out);
}

fn matmul_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("MatMul", inputs.len(), 2)?;
    let d = same_dtype("MatMul", inputs, &[0, 1])?;
    check_allowed("MatMul", d, &MATMUL_TYPES)?;
    let (a, b) = (&input("MatMul", inputs, 0)?.ty.shape, &input("MatMul", inputs, 1)?.ty.shape);
    for (i, s) in [(0, a), (1, b)] {
        if s.rank().is_some_and(|r| r != 2) {
            return Err(ia(format!("In[{i}] ndims must be >= 2")));
        }
    }
    let (ta, tb) = (attrs.bool_or("transpose_a", false), attrs.bool_or("transpose_b", false));
    let dim = |s: &StaticShape, i: usize| s.dims.as_ref().and_then(|d| d.get(i).copied().flatten());
    let (m, ka) = if ta { (dim(a, 1), dim(a, 0)) } else { (dim(a, 0), dim(a, 1)) };
    let (kb, n) = if tb { (dim(b, 1), dim(b, 0)) } else { (dim(b, 0), dim(b, 1)) };
    if let (Some(x), Some(y)) = (ka, kb) {
        if x != y {
            return Err(ia(format!(
                "Matrix size-incompatible: In[0]: {}, In[1]: {}",
                static_dims_str(a),
                static_dims_str(b)
            ))
            .with_graph_message(format!("Dimensions must be equal, but are {x} and {y}")));
        }
    }
    one(d, StaticShape::partial(vec![m, n]))
}

fn matmul_typed<T: GemmScalar>(a: &Tensor, b: &Tensor, ta: bool, tb: bool) -> TfResult<Tensor> {
    let (av, bv) = (typed::<T>(a)?, typed::<T>(b)?);
    let (ad, bd) = (a.shape(), b.shape());
    let (m, k) = if ta { (ad[1], ad[0]) } else { (ad[0], ad[1]) };
    let n = if tb { bd[0] } else { bd[1] };
    let a_str = if ta { (0, 1, ad[1]) } else { (0, ad[1], 1) };
    let b_str = if tb { (0, 1, bd[1]) } else { (0, bd[1], 1) };
    alloc_check(&[m, n], T::DTYPE)?;
    let mut out = Vec::new();
    gemm(av, a_str, bv, b_str, m, k, n, &mut out);
    make(vec![m, n], out)
}

fn matmul_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let (a, b) = (tin("MatMul", inputs, 0)?, tin("MatMul", inputs, 1)?);
    let (ta, tb) = (attrs.bool_or("transpose_a", false), attrs.bool_or("transpose_b", false));
    for (i, t) in [(0, a), (1, b)] {
        if t.rank() != 2 {
            return Err(ia(format!("In[{i}] ndims must be >= 2")));
        }
    }
    let ka = if ta { a.shape()[0] } else { a.shape()[1] };
    let kb = if tb { b.shape()[1] } else { b.shape()[0] };
    if ka != kb {
        return Err(ia(format!(
            "Matrix size-incompatible: In[0]: {}, In[1]: {}",
            dims_str(a.shape()),
            dims_str(b.shape())
        )));
    }
    let r = match (a.dtype(), b.dtype()) {
        (DType::Float32, DType::Float32) if tf_dot_lanes(a.shape()[0], ta, tb) => matmul_dot_lanes(a, b)?,
        (DType::Float32, DType::Float32) => matmul_typed::<f32>(a, b, ta, tb)?,
        (DType::Float64, DType::Float64) => matmul_typed::<f64>(a, b, ta, tb)?,
        (DType::Int32, DType::Int32) => matmul_typed::<i32>(a, b, ta, tb)?,
        (DType::Int64, DType::Int64) => matmul_typed::<i64>(a, b, ta, tb)?,
        (x, y) if x != y => return Err(dtype_mismatch("MatMul", 1, x, y)),
        (x, _) => return Err(check_allowed("MatMul", x, &MATMUL_TYPES).err().unwrap_or_else(|| ia("MatMul".into()))),
    };
    Ok(vec![r])
}

/// Whether TF computes a float32 `MatMul` of `m` rows as dot products
/// with 16 partial sums (`matmul_dot_lanes`) rather than with a GEMM's
/// one running sum per element: `a · bᵀ` with 2 ≤ `m` < 16 (measured
/// against TF 2.21 for `k` from 2 to 1000 and `n` up to 4000; `m` = 1 and
/// `BatchMatMulV2` with `adj_y` use other orders).
pub fn tf_dot_lanes(m: usize, ta: bool, tb: bool) -> bool {
    tb && !ta && (2..16).contains(&m)
}

/// Lanes of TF's dot-product form (one AVX-512 vector of partial sums).
const DOT_LANES: usize = 16;

/// `a · bᵀ` (`a` `m`×`k`, `b` `n`×`k`, float32) as TF computes it for
/// [`tf_dot_lanes`] shapes: each element a dot product with partial sum
/// `k % 16` taking `a[i,k]·b[j,k]` by fused multiply-add, then the 16
/// partial sums added pairwise (lanes `l` and `l + 8`, then `+ 4`, `+ 2`,
/// `+ 1`).
fn matmul_dot_lanes(a: &Tensor, b: &Tensor) -> TfResult<Tensor> {
    let (av, bv) = (typed::<f32>(a)?, typed::<f32>(b)?);
    let (m, k, n) = (a.shape()[0], a.shape()[1], b.shape()[0]);
    alloc_check(&[m, n], DType::Float32)?;
    let mut out = Vec::with_capacity(m * n);
    for i in 0..m {
        let row = &av[i * k..(i + 1) * k];
        for j in 0..n {
            out.push(dot_lanes(row, &bv[j * k..(j + 1) * k]));
        }
    }
    make(vec![m, n], out)
}

/// One element of [`matmul_dot_lanes`].
fn dot_lanes(x: &[f32], y: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("fma") {
        // SAFETY: the CPU has FMA (checked above).
        return unsafe { dot_lanes_fma(x, y) };
    }
    dot_lanes_generic(x, y)
}

/// [`dot_lanes`] compiled with FMA instructions (the loop vectorizes).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "fma,avx2")]
unsafe fn dot_lanes_fma(x: &[f32], y: &[f32]) -> f32 {
    dot_lanes_generic(x, y)
}

#[inline(always)]
fn dot_lanes_generic(x: &[f32], y: &[f32]) -> f32 {
    let mut acc = [0f32; DOT_LANES];
    let mut xs = x.chunks_exact(DOT_LANES);
    let mut ys = y.chunks_exact(DOT_LANES);
    for (xc, yc) in (&mut xs).zip(&mut ys) {
        for l in 0..DOT_LANES {
            acc[l] = xc[l].mul_add(yc[l], acc[l]);
        }
    }
    for (l, (&p, &q)) in xs.remainder().iter().zip(ys.remainder()).enumerate() {
        acc[l] = p.mul_add(q, acc[l]);
    }
    let mut w = DOT_LANES / 2;
    while w > 0 {
        for l in 0..w {
            acc[l] += acc[l + w];
        }
        w /= 2;
    }
    acc[0]
}

/// `MatMul(a, b; transpose_a, transpose_b)`.
pub static MAT_MUL: OpDef = OpDef { name: "MatMul", class: OpClass::Opaque, infer: matmul_infer, kernel: matmul_kernel, grad: Some(crate::grad::math::mat_mul_grad) };

// ---------------------------------------------------------------- BatchMatMulV2

fn bmm_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "BatchMatMulV2";
    arity(OP, inputs.len(), 2)?;
    let d = same_dtype(OP, inputs, &[0, 1])?;
    check_allowed(OP, d, &MATMUL_TYPES)?;
    let (a, b) = (&input(OP, inputs, 0)?.ty.shape, &input(OP, inputs, 1)?.ty.shape);
    let (Some(ad), Some(bd)) = (&a.dims, &b.dims) else {
        return one(d, StaticShape::unknown_rank());
    };
    for (i, s) in [(0, ad), (1, bd)] {
        if s.len() < 2 {
            return Err(ia(format!("In[{i}] ndims must be >= 2: {}", s.len())));
        }
    }
    let (adj_x, adj_y) = (attrs.bool_or("adj_x", false), attrs.bool_or("adj_y", false));
    let (ra, rb) = (ad.len(), bd.len());
    let (m, ka) = if adj_x { (ad[ra - 1], ad[ra - 2]) } else { (ad[ra - 2], ad[ra - 1]) };
    let (kb, n) = if adj_y { (bd[rb - 1], bd[rb - 2]) } else { (bd[rb - 2], bd[rb - 1]) };
    if let (Some(x), Some(y)) = (ka, kb) {
        if x != y {
            return Err(ia(format!(
                "Matrix size-incompatible: In[0]: {}, In[1]: {} {} {}",
                static_dims_str(a),
                static_dims_str(b),
                adj_x as i32,
                adj_y as i32
            ))
            .with_graph_message(format!("Dimensions must be equal, but are {x} and {y}")));
        }
    }
    let batch = broadcast_static(
        &StaticShape::partial(ad[..ra - 2].to_vec()),
        &StaticShape::partial(bd[..rb - 2].to_vec()),
    )
    .map_err(|_| {
        ia(format!(
            "In[0] and In[1] must have compatible batch dimensions: {} vs. {}",
            static_dims_str(a),
            static_dims_str(b)
        ))
    })?;
    let mut out = batch.dims.unwrap_or_default();
    out.push(m);
    out.push(n);
    one(d, StaticShape::partial(out))
}

fn bmm_typed<T: GemmScalar>(a: &Tensor, b: &Tensor, adj_x: bool, adj_y: bool) -> TfResult<Tensor> {
    let (av, bv) = (typed::<T>(a)?, typed::<T>(b)?);
    let (ad, bd) = (a.shape(), b.shape());
    let (ra, rb) = (ad.len(), bd.len());
    let (m, k) = if adj_x { (ad[ra - 1], ad[ra - 2]) } else { (ad[ra - 2], ad[ra - 1]) };
    let n = if adj_y { bd[rb - 2] } else { bd[rb - 1] };
    let (a_batch, b_batch) = (&ad[..ra - 2], &bd[..rb - 2]);
    let batch = broadcast_shapes(a_batch, b_batch).ok_or_else(|| {
        ia(format!(
            "In[0] and In[1] must have compatible batch dimensions: {} vs. {}",
            dims_str(ad),
            dims_str(bd)
        ))
    })?;
    let mut out_shape = batch.clone();
    out_shape.push(m);
    out_shape.push(n);
    alloc_check(&out_shape, T::DTYPE)?;
    let a_mat = ad[ra - 2] * ad[ra - 1];
    let b_mat = bd[rb - 2] * bd[rb - 1];
    let sa: Vec<usize> = broadcast_strides(a_batch, &batch).iter().map(|s| s * a_mat).collect();
    let sb: Vec<usize> = broadcast_strides(b_batch, &batch).iter().map(|s| s * b_mat).collect();
    let a_str = |off| if adj_x { (off, 1, ad[ra - 1]) } else { (off, ad[ra - 1], 1) };
    let b_str = |off| if adj_y { (off, 1, bd[rb - 1]) } else { (off, bd[rb - 1], 1) };
    let mut out = Vec::with_capacity(out_shape.iter().product());
    let mut offsets = Vec::new();
    if batch.iter().all(|&d| d > 0) {
        for_each_offset(&batch, [&sa, &sb], |[oa, ob]| offsets.push((oa, ob)));
    }
    T::gemm_batch(av, a_str(0), bv, b_str(0), m, k, n, &offsets, &mut out);
    make(out_shape, out)
}

fn bmm_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "BatchMatMulV2";
    let (a, b) = (tin(OP, inputs, 0)?, tin(OP, inputs, 1)?);
    let (adj_x, adj_y) = (attrs.bool_or("adj_x", false), attrs.bool_or("adj_y", false));
    for (i, t) in [(0, a), (1, b)] {
        if t.rank() < 2 {
            return Err(ia(format!("In[{i}] ndims must be >= 2: {}", t.rank())));
        }
    }
    let (ad, bd) = (a.shape(), b.shape());
    let ka = if adj_x { ad[ad.len() - 2] } else { ad[ad.len() - 1] };
    let kb = if adj_y { bd[bd.len() - 1] } else { bd[bd.len() - 2] };
    if broadcast_shapes(&ad[..ad.len() - 2], &bd[..bd.len() - 2]).is_none() {
        return Err(ia(format!(
            "In[0] and In[1] must have compatible batch dimensions: {} vs. {}",
            dims_str(ad),
            dims_str(bd)
        )));
    }
    if ka != kb {
        return Err(ia(format!(
            "Matrix size-incompatible: In[0]: {}, In[1]: {} {} {}",
            dims_str(ad),
            dims_str(bd),
            adj_x as i32,
            adj_y as i32
        )));
    }
    let r = match (a.dtype(), b.dtype()) {
        (DType::Float32, DType::Float32) => bmm_typed::<f32>(a, b, adj_x, adj_y)?,
        (DType::Float64, DType::Float64) => bmm_typed::<f64>(a, b, adj_x, adj_y)?,
        (DType::Int32, DType::Int32) => bmm_typed::<i32>(a, b, adj_x, adj_y)?,
        (DType::Int64, DType::Int64) => bmm_typed::<i64>(a, b, adj_x, adj_y)?,
        (x, y) if x != y => return Err(dtype_mismatch(OP, 1, x, y)),
        (x, _) => return Err(check_allowed(OP, x, &MATMUL_TYPES).err().unwrap_or_else(|| ia(OP.into()))),
    };
    Ok(vec![r])
}

/// `BatchMatMulV2(x, y; adj_x, adj_y)`.
pub static BATCH_MAT_MUL_V2: OpDef =
    OpDef { name: "BatchMatMulV2", class: OpClass::Opaque, infer: bmm_infer, kernel: bmm_kernel, grad: Some(crate::grad::math::batch_mat_mul_grad) };

// ---------------------------------------------------------------- Einsum

/// A parsed einsum equation. Labels are chars; the ellipsis becomes labels
/// `'0'..'9'`-like placeholders numbered from the right (`\u{1}`…).
#[derive(Debug)]
struct Equation {
    inputs: Vec<Vec<char>>,
    output: Vec<char>,
}

/// The placeholder label for the `j`-th ellipsis dim counted from the right.
fn ell_label(j: usize) -> char {
    char::from_u32(0xE000 + j as u32).unwrap_or('\u{E000}')
}

/// Splits one operand's subscripts into labels, expanding `...` to `n_ell`
/// placeholders. Returns the labels and whether an ellipsis was present.
fn expand_term(term: &str, n_ell: usize) -> (Vec<char>, bool) {
    let mut labels = Vec::new();
    let mut has = false;
    let mut rest = term;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("...") {
            has = true;
            for j in (0..n_ell).rev() {
                labels.push(ell_label(j));
            }
            rest = r;
        } else {
            let mut ch = rest.chars();
            if let Some(c) = ch.next() {
                if !c.is_whitespace() {
                    labels.push(c);
                }
            }
            rest = ch.as_str();
        }
    }
    (labels, has)
}

fn parse_equation(eq: &str, ranks: &[usize]) -> TfResult<Equation> {
    let (lhs, rhs) = match eq.split_once("->") {
        Some((l, r)) => (l, Some(r)),
        None => (eq, None),
    };
    let terms: Vec<&str> = lhs.split(',').collect();
    if terms.len() != ranks.len() {
        return Err(ia(format!("Expected {} inputs but got: {}", terms.len(), ranks.len())));
    }
    let mut inputs = Vec::new();
    let mut max_ell = 0usize;
    for (i, (t, &r)) in terms.iter().zip(ranks).enumerate() {
        let named = expand_term(t, 0).0.len();
        let has = t.contains("...");
        let n_ell = if has { r.saturating_sub(named) } else { 0 };
        if (!has && named != r) || (has && named > r) {
            return Err(ia(format!("Expected input {i} to have rank {named} but got: {r}")));
        }
        for c in expand_term(t, 0).0 {
            if !c.is_ascii_alphabetic() {
                return Err(ia(format!("Invalid character '{c}' in equation: {eq}")));
            }
        }
        max_ell = max_ell.max(n_ell);
        inputs.push(expand_term(t, n_ell).0);
    }
    let output = match rhs {
        Some(r) => {
            let (labels, has) = expand_term(r, max_ell);
            if !has && max_ell > 0 {
                // Ellipsis dims not in the output are summed (TF requires them to be present
                // unless broadcast to 1; we sum them).
            }
            for c in &labels {
                if !inputs.iter().any(|i| i.contains(c)) {
                    return Err(ia(format!(
                        "Output subscript contains a label ({c}) that does not appear in any input."
                    )));
                }
            }
            labels
        }
        None => {
            let mut out: Vec<char> = (0..max_ell).rev().map(ell_label).collect();
            let mut named: Vec<char> = Vec::new();
            for inp in &inputs {
                for &c in inp {
                    if c.is_ascii_alphabetic() && !named.contains(&c) {
                        let count: usize = inputs.iter().map(|i| i.iter().filter(|&&x| x == c).count()).sum();
                        if count == 1 {
                            named.push(c);
                        }
                    }
                }
            }
            named.sort_unstable();
            out.extend(named);
            out
        }
    };
    Ok(Equation { inputs, output })
}

/// Label sizes: every occurrence must agree (ellipsis dims broadcast).
fn label_sizes(eq: &Equation, shapes: &[Vec<usize>]) -> TfResult<Vec<(char, usize)>> {
    let mut sizes: Vec<(char, usize)> = Vec::new();
    for (labels, shape) in eq.inputs.iter().zip(shapes) {
        for (ax, (&c, &d)) in labels.iter().zip(shape).enumerate() {
            match sizes.iter_mut().find(|(l, _)| *l == c) {
                None => sizes.push((c, d)),
                Some((_, s)) => {
                    if *s != d {
                        let is_ell = !c.is_ascii_alphabetic();
                        if is_ell && (*s == 1 || d == 1) {
                            *s = (*s).max(d);
                        } else {
                            return Err(ia(format!(
                                "Expected dimension {s} at axis {ax} of the input shaped {} but got dimension {d}",
                                dims_str(shape)
                            )));
                        }
                    }
                }
            }
        }
    }
    Ok(sizes)
}

fn einsum_infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    let eq = match attrs.get("equation") {
        Some(crate::op::Attr::Str(s)) => s.clone(),
        _ => return Err(ia("Einsum requires attr 'equation'".into())),
    };
    if inputs.is_empty() {
        return Err(ia("Einsum expects at least 1 input".into()));
    }
    let idxs: Vec<usize> = (0..inputs.len()).collect();
    let d = same_dtype("Einsum", inputs, &idxs)?;
    check_allowed("Einsum", d, &MATMUL_TYPES)?;
    let shapes: Option<Vec<Vec<usize>>> = inputs.iter().map(|i| i.ty.shape.as_known()).collect();
    let Some(shapes) = shapes else {
        return one(d, StaticShape::unknown_rank());
    };
    let ranks: Vec<usize> = shapes.iter().map(|s| s.len()).collect();
    let eq = parse_equation(&eq, &ranks)?;
    let sizes = label_sizes(&eq, &shapes)?;
    let out: Vec<usize> =
        eq.output.iter().map(|c| sizes.iter().find(|(l, _)| l == c).map_or(1, |x| x.1)).collect();
    one(d, StaticShape::known(&out))
}

fn einsum_typed<T: Num>(eq: &Equation, ts: &[&Tensor], sizes: &[(char, usize)]) -> TfResult<Tensor> {
    let bufs: Vec<&[T]> = ts.iter().map(|t| typed::<T>(t)).collect::<TfResult<_>>()?;
    // All labels: output labels first, then contracted ones.
    let mut order: Vec<char> = eq.output.clone();
    for (c, _) in sizes {
        if !order.contains(c) {
            order.push(*c);
        }
    }
    let dims: Vec<usize> = order.iter().map(|c| sizes.iter().find(|(l, _)| l == c).map_or(1, |x| x.1)).collect();
    let out_shape: Vec<usize> = dims[..eq.output.len()].to_vec();
    let n_out = alloc_check(&out_shape, T::DTYPE)?;
    let n_sum: usize = dims[eq.output.len()..].iter().product();
    // Per input: stride of each label in `order` (summed for repeated labels, 0 if absent or broadcast).
    let strides: Vec<Vec<usize>> = eq
        .inputs
        .iter()
        .zip(ts)
        .map(|(labels, t)| {
            let st = strides_of(t.shape());
            order
                .iter()
                .map(|c| {
                    labels
                        .iter()
                        .zip(&st)
                        .zip(t.shape())
                        .filter(|((l, _), &d)| *l == c && d != 1)
                        .map(|((_, &s), _)| s)
                        .sum()
                })
                .collect()
        })
        .collect();
    let mut out = vec![T::zero(); n_out];
    if n_out == 0 || n_sum == 0 {
        return make(out_shape, out);
    }
    let r = dims.len();
    let mut idx = vec![0usize; r];
    let mut offs = vec![0usize; ts.len()];
    let mut flat_out = 0usize;
    let n_out_labels = eq.output.len();
    let mut counter = 0usize;
    loop {
        let mut p = T::one();
        for (k, buf) in bufs.iter().enumerate() {
            p = p.mul(buf.get(offs[k]).copied().unwrap_or_else(T::zero));
        }
        if let Some(o) = out.get_mut(flat_out) {
            *o = o.add(p);
        }
        // Advance: contracted labels are innermost so each output element's
        // sum runs in order.
        counter += 1;
        let mut d = r;
        loop {
            if d == 0 {
                return make(out_shape, out);
            }
            d -= 1;
            idx[d] += 1;
            for (k, s) in strides.iter().enumerate() {
                offs[k] += s[d];
            }
            if idx[d] < dims[d] {
                break;
            }
            for (k, s) in strides.iter().enumerate() {
                offs[k] -= s[d] * dims[d];
            }
            idx[d] = 0;
        }
        if d < n_out_labels || n_out_labels == 0 {
            flat_out = counter / n_sum;
        }
    }
}

fn einsum_kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let eq = match attrs.get("equation") {
        Some(crate::op::Attr::Str(s)) => s.clone(),
        _ => return Err(ia("Einsum requires attr 'equation'".into())),
    };
    let shapes: Vec<Vec<usize>> = inputs.iter().map(|t| t.shape().to_vec()).collect();
    let ranks: Vec<usize> = shapes.iter().map(|s| s.len()).collect();
    let eq = parse_equation(&eq, &ranks)?;
    let sizes = label_sizes(&eq, &shapes)?;
    let first = tin("Einsum", inputs, 0)?;
    for (i, t) in inputs.iter().enumerate() {
        if t.dtype() != first.dtype() {
            return Err(dtype_mismatch("Einsum", i, first.dtype(), t.dtype()));
        }
    }
    let r = match first.data() {
        Data::F32(_) => einsum_typed::<f32>(&eq, inputs, &sizes)?,
        Data::F64(_) => einsum_typed::<f64>(&eq, inputs, &sizes)?,
        Data::I32(_) => einsum_typed::<i32>(&eq, inputs, &sizes)?,
        Data::I64(_) => einsum_typed::<i64>(&eq, inputs, &sizes)?,
        Data::Bool(_) => return Err(check_allowed("Einsum", DType::Bool, &MATMUL_TYPES).err().unwrap_or_else(|| ia("Einsum".into()))),
    };
    Ok(vec![r])
}

/// `Einsum(inputs...; equation, N)`.
pub static EINSUM: OpDef = OpDef { name: "Einsum", class: OpClass::Opaque, infer: einsum_infer, kernel: einsum_kernel, grad: Some(crate::grad::linalg::einsum_grad) };

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::{run1, Attr};
    use crate::tensor::{Data, Tensor};

    fn m(shape: Vec<usize>, v: Vec<f32>) -> Tensor {
        Tensor::new(shape, Data::F32(v)).unwrap()
    }

    #[test]
    fn matmul_and_errors() {
        let a = m(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let b = m(vec![3, 2], vec![1., 0., 0., 1., 1., 1.]);
        let r = run1("MatMul", &[&a, &b], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![4., 5., 10., 11.]));
        let r = run1("MatMul", &[&a, &a], &attrs![("transpose_b", Attr::Bool(true))]).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![14., 32., 32., 77.]));
        let e = run1("MatMul", &[&a, &a], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("Matrix size-incompatible: In[0]: [2,3], In[1]: [2,3]"));
        let x = m(vec![2, 1, 2, 3], (0..12).map(|v| v as f32).collect());
        let r = run1("BatchMatMulV2", &[&x, &b], &attrs![]).unwrap();
        assert_eq!(r.shape(), &[2, 1, 2, 2]);
        assert_eq!(r.data(), &Data::F32(vec![2., 3., 8., 9., 14., 15., 20., 21.]));
    }

    /// Deterministic values in [-1, 1).
    fn vals(n: usize, seed: u32) -> Vec<f32> {
        (0..n).map(|i| ((i as u32).wrapping_mul(2654435761).wrapping_add(seed) % 2000) as f32 / 1000.0 - 1.0).collect()
    }

    /// The tuned float GEMM agrees with the reference loop within float
    /// rounding, for every transpose combination, empty dims, and `k`
    /// larger than the GEMM's blocking, and products split across threads.
    #[test]
    fn tuned_gemm_matches_reference() {
        use super::{gemm_reference, GemmScalar};
        for &(m, k, n) in &[(1, 1, 1), (2, 3, 4), (0, 5, 3), (4, 0, 3), (3, 5, 0), (17, 33, 9), (64, 300, 65), (130, 700, 40), (257, 256, 161), (300, 520, 90)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let (a, b) = (vals(m * k, 1), vals(k * n, 7));
                let sa = if ta { (0, 1, m) } else { (0, k, 1) };
                let sb = if tb { (0, 1, k) } else { (0, n, 1) };
                let mut want = vec![0f32; m * n];
                gemm_reference(&a, sa, &b, sb, m, k, n, &mut want);
                let mut got = vec![0f32; m * n];
                f32::gemm_into(&a, sa, &b, sb, m, k, n, &mut got);
                // Appending writes every element itself (no zero-fill): the
                // spare capacity holds NaN garbage from an earlier use.
                let mut appended = vec![f32::NAN; 3 + m * n];
                appended.truncate(3);
                f32::gemm_append(&a, sa, &b, sb, m, k, n, &mut appended);
                assert_eq!(appended.len(), 3 + m * n);
                assert!(appended[3..].iter().zip(&got).all(|(x, y)| x.to_bits() == y.to_bits()), "{m}x{k}x{n}: append differs");
                for (g, w) in got.iter().zip(&want) {
                    assert!((g - w).abs() <= 1e-5 * (k as f32).max(1.0), "{m}x{k}x{n} ta={ta} tb={tb}: {g} vs {w}");
                }
                // Small products (all of the conformance corpus's) sum in the
                // same order with the same fused multiply-adds: bitwise equal.
                #[cfg(target_arch = "x86_64")]
                if k <= 256 && m * k * n < super::EXACT_MAX_MACS && std::is_x86_feature_detected!("fma") {
                    assert_eq!(got, want, "{m}x{k}x{n} ta={ta} tb={tb} not bitwise equal");
                }
                let (a64, b64): (Vec<f64>, Vec<f64>) = (a.iter().map(|&x| x as f64).collect(), b.iter().map(|&x| x as f64).collect());
                let mut want = vec![0f64; m * n];
                gemm_reference(&a64, sa, &b64, sb, m, k, n, &mut want);
                let mut got = vec![0f64; m * n];
                f64::gemm_into(&a64, sa, &b64, sb, m, k, n, &mut got);
                for (g, w) in got.iter().zip(&want) {
                    assert!((g - w).abs() <= 1e-12 * (k as f64).max(1.0), "f64 {m}x{k}x{n}: {g} vs {w}");
                }
            }
        }
    }

    /// Products split across threads by rows or by columns equal the
    /// product on one thread bit for bit (each output element's sum runs in
    /// the same order), so the split can follow the shape and the machine.
    #[test]
    fn splits_do_not_change_results() {
        use super::{GemmRaw, Split};
        for &(m, k, n) in &[(32, 256, 256), (64, 300, 130), (256, 512, 256), (40, 1024, 96)] {
            let (a, b) = (vals(m * k, 3), vals(k * n, 11));
            let (sa, sb) = ((0, k, 1), (0, n, 1));
            let run = |split| {
                let mut c = vec![f32::NAN; m * n];
                // SAFETY: the strides describe `a` and `b` exactly; `c` holds `m*n`.
                unsafe { f32::gemm_split(&a, sa, &b, sb, m, k, n, c.as_mut_ptr(), split) };
                c.iter().map(|x| x.to_bits()).collect::<Vec<u32>>()
            };
            let one = run(Split::None);
            for split in [Split::Rows(2), Split::Rows(3), Split::Cols(2), Split::Cols(4)] {
                assert!(one == run(split), "{m}x{k}x{n}: {split:?} differs from one thread");
            }
        }
    }

    /// Rows of a tall product equal the same rows computed as a shorter
    /// product, bit for bit, for `k` up to `ONE_K_BLOCK` on the `gemm`
    /// path: what lets a batch with one right operand run as one product.
    #[test]
    fn tall_products_equal_stacked_ones() {
        use super::{GemmRaw, Split, EXACT_MAX_MACS, ONE_K_BLOCK};
        for &(m, k, n) in &[(32, 256, 256), (16, 256, 300), (64, 100, 200), (40, 64, 512), (128, 129, 64), (24, 255, 333)] {
            assert!(m * k * n >= EXACT_MAX_MACS && k <= ONE_K_BLOCK);
            let (a, b) = (vals(m * k * 7, 5), vals(k * n, 13));
            let mut tall = vec![f32::NAN; 7 * m * n];
            // SAFETY: strides describe `a` (7m×k) and `b` exactly.
            unsafe { f32::gemm_split(&a, (0, k, 1), &b, (0, n, 1), 7 * m, k, n, tall.as_mut_ptr(), Split::None) };
            for i in 0..7 {
                let mut one = vec![f32::NAN; m * n];
                // SAFETY: rows `i*m..(i+1)*m` of `a`.
                unsafe { f32::gemm_split(&a, (i * m * k, k, 1), &b, (0, n, 1), m, k, n, one.as_mut_ptr(), Split::None) };
                let same = one.iter().zip(&tall[i * m * n..]).all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "{m}x{k}x{n}: product {i} differs from its rows of the tall one");
            }
        }
    }

    /// Batched products with transposes and broadcast batch dims through the
    /// tuned GEMM equal per-matrix MatMuls.
    #[test]
    fn batch_matmul_uses_strided_gemm() {
        let x = m(vec![3, 1, 5, 4], vals(60, 3));
        let y = m(vec![2, 6, 5], vals(60, 5));
        let r = run1("BatchMatMulV2", &[&x, &y], &attrs![("adj_x", Attr::Bool(true)), ("adj_y", Attr::Bool(true))]).unwrap();
        assert_eq!(r.shape(), &[3, 2, 4, 6]);
        let Data::F32(out) = r.data() else { panic!("dtype") };
        let (Data::F32(xv), Data::F32(yv)) = (x.data(), y.data()) else { panic!("dtype") };
        for bi in 0..3 {
            for bj in 0..2 {
                let xa = m(vec![5, 4], xv[bi * 20..bi * 20 + 20].to_vec());
                let yb = m(vec![6, 5], yv[bj * 30..bj * 30 + 30].to_vec());
                let one = run1("MatMul", &[&xa, &yb], &attrs![("transpose_a", Attr::Bool(true)), ("transpose_b", Attr::Bool(true))]).unwrap();
                let Data::F32(ov) = one.data() else { panic!("dtype") };
                let base = (bi * 2 + bj) * 24;
                assert_eq!(&out[base..base + 24], &ov[..]);
            }
        }
        let i = Tensor::new(vec![2, 2], Data::I32(vec![i32::MAX, 1, 2, 3])).unwrap();
        let r = run1("MatMul", &[&i, &i], &attrs![]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![i32::MAX.wrapping_mul(i32::MAX).wrapping_add(2), i32::MAX.wrapping_add(3), i32::MAX.wrapping_mul(2).wrapping_add(6), 11]));
    }

    #[test]
    fn einsum_equations() {
        let a = m(vec![2, 3], vec![1., 2., 3., 4., 5., 6.]);
        let b = m(vec![3, 2], vec![1., 0., 0., 1., 1., 1.]);
        let eq = |s: &str| attrs![("equation", Attr::Str(s.to_string()))];
        let r = run1("Einsum", &[&a, &b], &eq("ij,jk->ik")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![4., 5., 10., 11.]));
        let r = run1("Einsum", &[&a], &eq("ij->ji")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![1., 4., 2., 5., 3., 6.]));
        let r = run1("Einsum", &[&a], &eq("ij->")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![21.]));
        let r = run1("Einsum", &[&a], &eq("ij->j")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![5., 7., 9.]));
        let v = m(vec![2], vec![1., 2.]);
        let r = run1("Einsum", &[&v, &v], &eq("i,j->ij")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![1., 2., 2., 4.]));
        let r = run1("Einsum", &[&a, &b], &eq("ij,jk")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![4., 5., 10., 11.]));
        let x = m(vec![2, 2, 3], (0..12).map(|v| v as f32).collect());
        let r = run1("Einsum", &[&x, &b], &eq("bij,jk->bik")).unwrap();
        assert_eq!(r.data(), &Data::F32(vec![2., 3., 8., 9., 14., 15., 20., 21.]));
        let r = run1("Einsum", &[&x, &b], &eq("...j,jk->...k")).unwrap();
        assert_eq!(r.shape(), &[2, 2, 2]);
        let e = run1("Einsum", &[&a, &a], &eq("ij,jk->ik")).unwrap_err();
        assert!(e.message.starts_with("Expected dimension 3 at axis 0 of the input shaped [2,3] but got dimension 2"), "{}", e.message);
    }
}
