//! The dataset pipeline: one [`Node`] per source or transformation.
//!
//! A node knows its element spec and cardinality and builds element `i`
//! (and, where it can be done with one op per component, the batch of
//! elements `[lo, hi)`) from tensors. The same code runs eagerly (static
//! indices, ops run at once) and inside a trace (a loop index placeholder:
//! ops are added to the graph), so eager iteration, `reduce` and
//! `for x in ds` in a tf.function all compute elements the same way.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::data::func::{element_args, DsFn};
use crate::tf::data::index::{Idx, INFINITE};
use crate::tf::data::structure::Struct;
use crate::tf::trace::{constant, op1, TV};
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, DType, StaticShape, Tensor, TensorType};

/// What is known about a dataset's size before iterating it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Card {
    Finite(i64),
    Infinite,
    /// Finite, but only known when the graph runs (a source with a dynamic
    /// first dimension).
    Dynamic,
}

/// A dataset source or transformation.
pub trait Node {
    /// TF's class name (`_TensorSliceDataset`).
    fn class_name(&self) -> &'static str;
    fn spec(&self) -> Struct<TensorType>;
    fn card(&self) -> Card;
    /// The number of elements ([`INFINITE`] for an infinite dataset).
    fn count(&self) -> PyResult<Idx>;
    /// Element `i` (`0 <= i < count`).
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>>;
    /// Elements `[lo, hi)` stacked along a new first dimension, when one op
    /// per component can compute them; `None` otherwise.
    fn slice(&self, _lo: &Idx, _hi: &Idx, _interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        Ok(None)
    }
}

/// A shared node.
pub type NodeRef = Rc<dyn Node>;

fn int64(v: i64) -> TV {
    TV::E(Tensor::scalar_i64(v))
}

fn pack1(x: &TV) -> PyResult<TV> {
    op1("Pack", &[x], attrs![("T", Attr::Type(DType::Int64)), ("N", Attr::Int(1)), ("axis", Attr::Int(0))])
}

fn vec1(i: &Idx) -> PyResult<TV> {
    match i {
        Idx::S(v) => Ok(TV::E(Tensor::vec_i64(vec![*v]))),
        Idx::D(t) => pack1(t),
    }
}

/// `x[lo:hi]` along the first dimension.
fn slice_rows(x: &TV, lo: &Idx, hi: &Idx) -> PyResult<TV> {
    let b = vec1(lo)?;
    let e = vec1(hi)?;
    let s = TV::E(Tensor::vec_i64(vec![1]));
    op1(
        "StridedSlice",
        &[x, &b, &e, &s],
        attrs![
            ("T", Attr::Type(x.dtype())),
            ("Index", Attr::Type(DType::Int64)),
            ("begin_mask", Attr::Int(0)),
            ("end_mask", Attr::Int(0)),
            ("ellipsis_mask", Attr::Int(0)),
            ("new_axis_mask", Attr::Int(0)),
            ("shrink_axis_mask", Attr::Int(0)),
        ],
    )
}

/// `x[i]` along the first dimension.
fn row(x: &TV, i: &Idx) -> PyResult<TV> {
    let axis = TV::E(Tensor::scalar_i32(0));
    let idx = match i {
        Idx::S(v) => int64(*v),
        Idx::D(t) => t.clone(),
    };
    op1(
        "GatherV2",
        &[x, &idx, &axis],
        attrs![
            ("Tparams", Attr::Type(x.dtype())),
            ("Tindices", Attr::Type(DType::Int64)),
            ("Taxis", Attr::Type(DType::Int32)),
            ("batch_dims", Attr::Int(0))
        ],
    )
}

/// The first dimension of `x` as an `int64` scalar tensor.
fn dim0(x: &TV) -> PyResult<TV> {
    let sh = op1("Shape", &[x], attrs![("T", Attr::Type(x.dtype())), ("out_type", Attr::Type(DType::Int64))])?;
    row(&sh, &Idx::S(0))
}

fn stack(xs: &[TV]) -> PyResult<TV> {
    let refs: Vec<&TV> = xs.iter().collect();
    let d = xs.first().map_or(DType::Float32, |x| x.dtype());
    op1("Pack", &refs, attrs![("T", Attr::Type(d)), ("N", Attr::Int(xs.len() as i64)), ("axis", Attr::Int(0))])
}

fn shape_list(s: &StaticShape) -> String {
    match &s.dims {
        None => "<unknown>".into(),
        Some(d) => format!("[{}]", d.iter().map(|x| x.map_or("?".into(), |v| v.to_string())).collect::<Vec<_>>().join(",")),
    }
}

/// Stacks elements component-wise (TF's batching), with TF's error for
/// components whose shapes differ.
fn stack_elements(elems: &[Struct<TV>], spec: &Struct<TensorType>) -> PyResult<Struct<TV>> {
    let flats: Vec<Vec<TV>> = elems.iter().map(|e| e.flatten()).collect();
    let n = spec.flatten().len();
    let mut out = Vec::with_capacity(n);
    for c in 0..n {
        let comps: Vec<TV> = flats.iter().filter_map(|f| f.get(c).cloned()).collect();
        if let Some(first) = comps.first() {
            for (j, x) in comps.iter().enumerate().skip(1) {
                if let (Some(a), Some(b)) = (first.known_dims(), x.known_dims()) {
                    if a != b {
                        return Err(Exc::new(
                            "InvalidArgumentError",
                            format!(
                                "Cannot batch tensors with different shapes in component {c}. First element had shape {} and element {j} had shape {}.",
                                shape_list(&first.shape()),
                                shape_list(&x.shape())
                            ),
                        ));
                    }
                }
            }
        }
        out.push(stack(&comps)?);
    }
    spec.pack(&out)
}

fn with_dim0(t: &TensorType, d: Option<usize>) -> TensorType {
    let dims = match &t.shape.dims {
        Some(ds) => {
            let mut v = vec![d];
            v.extend(ds.iter().copied());
            StaticShape::partial(v)
        }
        None => StaticShape::unknown_rank(),
    };
    TensorType::new(t.dtype, dims)
}

fn without_dim0(t: &TensorType) -> TensorType {
    let dims = match &t.shape.dims {
        Some(ds) => StaticShape::partial(ds.iter().skip(1).copied().collect()),
        None => StaticShape::unknown_rank(),
    };
    TensorType::new(t.dtype, dims)
}

// ------------------------------------------------------------------ sources

/// `Dataset.from_tensor_slices(x)`.
pub struct Slices {
    pub comps: Struct<TV>,
    /// The common first dimension, if static.
    pub n: Option<i64>,
}

impl Slices {
    /// Checks TF's conditions (rank >= 1, equal first dimensions).
    pub fn new(comps: Struct<TV>) -> PyResult<Slices> {
        let mut n: Option<usize> = None;
        for t in comps.flatten() {
            match t.rank() {
                Some(0) => return Err(Exc::value_error("Unbatching a tensor is only supported for rank >= 1")),
                _ => {
                    if let Some(d) = t.dim(0) {
                        if let Some(m) = n {
                            if m != d {
                                return Err(Exc::value_error(format!("Dimensions {m} and {d} are not compatible")));
                            }
                        }
                        n = Some(d);
                    }
                }
            }
        }
        let all_known = comps.flatten().iter().all(|t| t.dim(0).is_some());
        Ok(Slices { comps, n: if all_known { n.map(|v| v as i64) } else { None } })
    }
}

impl Node for Slices {
    fn class_name(&self) -> &'static str {
        "_TensorSliceDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        match self.comps.types().try_map(&mut |t| Ok(without_dim0(t))) {
            Ok(s) => s,
            Err(_) => Struct::Tuple(vec![]),
        }
    }
    fn card(&self) -> Card {
        self.n.map_or(Card::Dynamic, Card::Finite)
    }
    fn count(&self) -> PyResult<Idx> {
        if let Some(n) = self.n {
            return Ok(Idx::S(n));
        }
        let first = self.comps.flatten().into_iter().next().ok_or_else(|| Exc::value_error("from_tensor_slices of an empty structure"))?;
        Ok(Idx::D(dim0(&first)?))
    }
    fn element(&self, i: &Idx, _interp: &mut Interp) -> PyResult<Struct<TV>> {
        self.comps.try_map(&mut |t| row(t, i))
    }
    fn slice(&self, lo: &Idx, hi: &Idx, _interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        Ok(Some(self.comps.try_map(&mut |t| slice_rows(t, lo, hi))?))
    }
}

/// `Dataset.from_tensors(x)`: one element.
pub struct Tensors {
    pub comps: Struct<TV>,
}

impl Node for Tensors {
    fn class_name(&self) -> &'static str {
        "_TensorDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        self.comps.types()
    }
    fn card(&self) -> Card {
        Card::Finite(1)
    }
    fn count(&self) -> PyResult<Idx> {
        Ok(Idx::S(1))
    }
    fn element(&self, _i: &Idx, _interp: &mut Interp) -> PyResult<Struct<TV>> {
        Ok(self.comps.clone())
    }
    fn slice(&self, lo: &Idx, hi: &Idx, _interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        let zero = TV::E(Tensor::scalar_i32(0));
        Ok(Some(self.comps.try_map(&mut |t| {
            let e = op1("ExpandDims", &[t, &zero], attrs![("T", Attr::Type(t.dtype())), ("Tdim", Attr::Type(DType::Int32))])?;
            if lo.known() == Some(0) && hi.known() == Some(1) {
                return Ok(e);
            }
            slice_rows(&e, lo, hi)
        })?))
    }
}

/// `Dataset.range(start, stop, step)`.
pub struct Range {
    pub start: Idx,
    pub step: Idx,
    pub n: Idx,
    pub dtype: DType,
}

impl Range {
    /// The range with TF's element count (`max(0, ceil((stop - start) / step))`).
    pub fn new(start: Idx, stop: Idx, step: Idx, dtype: DType) -> PyResult<Range> {
        let n = match (&start, &stop, &step) {
            (Idx::S(a), Idx::S(b), Idx::S(s)) => {
                let (a, b, s) = (*a as i128, *b as i128, *s as i128);
                let n = if s > 0 { (b - a + s - 1).div_euclid(s) } else { (a - b + (-s) - 1).div_euclid(-s) };
                Idx::S(n.clamp(0, i64::MAX as i128) as i64)
            }
            _ => {
                // Both step signs: max(0, ceil((stop - start) / step)) = max(0, -((start - stop) // step)).
                let q = start.sub(&stop)?.floordiv(&step)?;
                Idx::S(0).sub(&q)?.max(&Idx::S(0))?
            }
        };
        Ok(Range { start, step, n, dtype })
    }

    fn cast(&self, t: TV) -> PyResult<TV> {
        if self.dtype == DType::Int64 {
            return Ok(t);
        }
        op1("Cast", &[&t], attrs![("SrcT", Attr::Type(DType::Int64)), ("DstT", Attr::Type(self.dtype)), ("Truncate", Attr::Bool(false))])
    }
}

impl Node for Range {
    fn class_name(&self) -> &'static str {
        "_RangeDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        Struct::Leaf(TensorType::new(self.dtype, StaticShape::known(&[])))
    }
    fn card(&self) -> Card {
        match self.n {
            Idx::S(n) => Card::Finite(n),
            Idx::D(_) => Card::Dynamic,
        }
    }
    fn count(&self) -> PyResult<Idx> {
        Ok(self.n.clone())
    }
    fn element(&self, i: &Idx, _interp: &mut Interp) -> PyResult<Struct<TV>> {
        let v = self.start.add(&i.mul(&self.step)?)?;
        let t = match v {
            Idx::S(x) => constant("Const", Tensor::scalar_i64(x))?,
            Idx::D(t) => t,
        };
        Ok(Struct::Leaf(self.cast(t)?))
    }
    fn slice(&self, lo: &Idx, hi: &Idx, _interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        let a = self.start.add(&lo.mul(&self.step)?)?.tv()?;
        let b = self.start.add(&hi.mul(&self.step)?)?.tv()?;
        let s = self.step.tv()?;
        let r = op1("Range", &[&a, &b, &s], attrs![("Tidx", Attr::Type(DType::Int64))])?;
        Ok(Some(Struct::Leaf(self.cast(r)?)))
    }
}

// ---------------------------------------------------------- transformations

/// `ds.map(f)`.
pub struct Map {
    pub inner: NodeRef,
    pub f: Rc<DsFn>,
}

impl Node for Map {
    fn class_name(&self) -> &'static str {
        "_MapDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        self.f.out.clone()
    }
    fn card(&self) -> Card {
        self.inner.card()
    }
    fn count(&self) -> PyResult<Idx> {
        self.inner.count()
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        let e = self.inner.element(i, interp)?;
        self.f.call(&element_args(&e), interp)
    }
}

/// `ds.batch(n, drop_remainder)`.
pub struct Batch {
    pub inner: NodeRef,
    pub size: i64,
    pub drop: bool,
}

/// Batches larger than this of elements that cannot be sliced with one op
/// are not built inside a trace (the graph would hold one copy per element).
const MAX_TRACED_BATCH: i64 = 1024;

impl Node for Batch {
    fn class_name(&self) -> &'static str {
        "_BatchDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        let d = if self.drop { Some(self.size as usize) } else { None };
        match self.inner.spec().try_map(&mut |t| Ok(with_dim0(t, d))) {
            Ok(s) => s,
            Err(_) => Struct::Tuple(vec![]),
        }
    }
    fn card(&self) -> Card {
        match self.inner.card() {
            Card::Finite(n) => Card::Finite(if self.drop { n / self.size } else { (n + self.size - 1) / self.size }),
            c => c,
        }
    }
    fn count(&self) -> PyResult<Idx> {
        if self.inner.card() == Card::Infinite {
            return Ok(Idx::S(INFINITE));
        }
        let n = self.inner.count()?;
        let b = Idx::S(self.size);
        if self.drop {
            n.floordiv(&b)
        } else {
            n.ceildiv(&b)
        }
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        let b = Idx::S(self.size);
        let lo = i.mul(&b)?;
        let infinite = self.inner.card() == Card::Infinite;
        let n = if infinite { None } else { Some(self.inner.count()?) };
        let hi = match &n {
            None => lo.add(&b)?,
            Some(n) => lo.add(&b)?.min(n)?,
        };
        if let Some(s) = self.inner.slice(&lo, &hi, interp)? {
            return Ok(s);
        }
        let spec = self.inner.spec();
        if let (Some(l), Some(h)) = (lo.known(), hi.known()) {
            let mut elems = Vec::new();
            for j in l..h {
                elems.push(self.inner.element(&Idx::S(j), interp)?);
            }
            return stack_elements(&elems, &spec);
        }
        if self.size > MAX_TRACED_BATCH {
            return Err(Exc::not_implemented(format!(
                "batching more than {MAX_TRACED_BATCH} mapped elements inside a tf.function is not implemented in tfjit"
            )));
        }
        // Dynamic batch bounds: build `size` elements at clamped indices,
        // stack them, and keep the first `hi - lo` rows.
        let mut elems = Vec::new();
        for j in 0..self.size {
            let mut k = lo.add(&Idx::S(j))?;
            if let Some(n) = &n {
                k = k.min(&n.sub(&Idx::S(1))?)?;
            }
            elems.push(self.inner.element(&k, interp)?);
        }
        let full = stack_elements(&elems, &spec)?;
        if infinite {
            return Ok(full);
        }
        let len = hi.sub(&lo)?;
        full.try_map(&mut |t| slice_rows(t, &Idx::S(0), &len))
    }
}

/// `ds.take(k)`.
pub struct Take {
    pub inner: NodeRef,
    pub k: i64,
}

impl Node for Take {
    fn class_name(&self) -> &'static str {
        "_TakeDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        self.inner.spec()
    }
    fn card(&self) -> Card {
        if self.k < 0 {
            return self.inner.card();
        }
        match self.inner.card() {
            Card::Finite(n) => Card::Finite(n.min(self.k)),
            Card::Infinite => Card::Finite(self.k),
            Card::Dynamic => Card::Dynamic,
        }
    }
    fn count(&self) -> PyResult<Idx> {
        match self.card() {
            Card::Finite(n) => Ok(Idx::S(n)),
            Card::Infinite => Ok(Idx::S(INFINITE)),
            Card::Dynamic => self.inner.count()?.min(&Idx::S(self.k)),
        }
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        self.inner.element(i, interp)
    }
    fn slice(&self, lo: &Idx, hi: &Idx, interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        self.inner.slice(lo, hi, interp)
    }
}

/// `ds.skip(k)`.
pub struct Skip {
    pub inner: NodeRef,
    pub k: i64,
}

impl Node for Skip {
    fn class_name(&self) -> &'static str {
        "_SkipDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        self.inner.spec()
    }
    fn card(&self) -> Card {
        match self.inner.card() {
            Card::Finite(n) => Card::Finite(if self.k < 0 { 0 } else { (n - self.k).max(0) }),
            Card::Infinite if self.k < 0 => Card::Finite(0),
            c => c,
        }
    }
    fn count(&self) -> PyResult<Idx> {
        match self.card() {
            Card::Finite(n) => Ok(Idx::S(n)),
            Card::Infinite => Ok(Idx::S(INFINITE)),
            Card::Dynamic if self.k < 0 => Ok(Idx::S(0)),
            Card::Dynamic => self.inner.count()?.sub(&Idx::S(self.k))?.max(&Idx::S(0)),
        }
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        self.inner.element(&i.add(&Idx::S(self.k.max(0)))?, interp)
    }
    fn slice(&self, lo: &Idx, hi: &Idx, interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        let k = Idx::S(self.k.max(0));
        self.inner.slice(&lo.add(&k)?, &hi.add(&k)?, interp)
    }
}

/// `ds.repeat(count)`; `times < 0` repeats forever.
pub struct Repeat {
    pub inner: NodeRef,
    pub times: i64,
}

impl Node for Repeat {
    fn class_name(&self) -> &'static str {
        "_RepeatDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        self.inner.spec()
    }
    fn card(&self) -> Card {
        match self.inner.card() {
            Card::Finite(0) => Card::Finite(0),
            Card::Finite(n) if self.times >= 0 => Card::Finite(n.saturating_mul(self.times)),
            Card::Dynamic if self.times >= 0 => Card::Dynamic,
            Card::Finite(_) | Card::Dynamic | Card::Infinite => {
                if self.times == 0 {
                    Card::Finite(0)
                } else {
                    Card::Infinite
                }
            }
        }
    }
    fn count(&self) -> PyResult<Idx> {
        match self.card() {
            Card::Finite(n) => Ok(Idx::S(n)),
            Card::Infinite => Ok(Idx::S(INFINITE)),
            Card::Dynamic => self.inner.count()?.mul(&Idx::S(self.times)),
        }
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        if self.inner.card() == Card::Infinite {
            return self.inner.element(i, interp);
        }
        let n = self.inner.count()?;
        self.inner.element(&i.floormod(&n)?, interp)
    }
}

/// `Dataset.zip(datasets)` (and `enumerate`, a zip with a counter).
pub struct Zip {
    pub children: Struct<NodeRef>,
}

impl Node for Zip {
    fn class_name(&self) -> &'static str {
        "_ZipDataset"
    }
    fn spec(&self) -> Struct<TensorType> {
        fn go(s: &Struct<NodeRef>) -> Struct<TensorType> {
            match s {
                Struct::Leaf(n) => n.spec(),
                Struct::Tuple(xs) => Struct::Tuple(xs.iter().map(go).collect()),
                Struct::Dict(items) => Struct::Dict(items.iter().map(|(k, h, x)| (k.clone(), h.clone(), go(x))).collect()),
            }
        }
        go(&self.children)
    }
    fn card(&self) -> Card {
        let mut out = Card::Infinite;
        for c in self.children.flatten() {
            out = match (out, c.card()) {
                (Card::Infinite, x) | (x, Card::Infinite) => x,
                (Card::Finite(a), Card::Finite(b)) => Card::Finite(a.min(b)),
                _ => Card::Dynamic,
            };
        }
        out
    }
    fn count(&self) -> PyResult<Idx> {
        match self.card() {
            Card::Finite(n) => Ok(Idx::S(n)),
            Card::Infinite => Ok(Idx::S(INFINITE)),
            Card::Dynamic => {
                let mut out: Option<Idx> = None;
                for c in self.children.flatten() {
                    if c.card() == Card::Infinite {
                        continue;
                    }
                    let n = c.count()?;
                    out = Some(match out {
                        None => n,
                        Some(o) => o.min(&n)?,
                    });
                }
                out.ok_or_else(|| Exc::runtime_error("zip of no finite datasets"))
            }
        }
    }
    fn element(&self, i: &Idx, interp: &mut Interp) -> PyResult<Struct<TV>> {
        expand(&self.children, &mut |n| n.element(i, interp))
    }
    fn slice(&self, lo: &Idx, hi: &Idx, interp: &mut Interp) -> PyResult<Option<Struct<TV>>> {
        let mut all = true;
        let s = expand(&self.children, &mut |n| match n.slice(lo, hi, interp)? {
            Some(s) => Ok(s),
            None => {
                all = false;
                Ok(Struct::Tuple(vec![]))
            }
        })?;
        Ok(if all { Some(s) } else { None })
    }
}

/// Replaces each dataset of a structure by a structure it produces.
fn expand(s: &Struct<NodeRef>, f: &mut dyn FnMut(&NodeRef) -> PyResult<Struct<TV>>) -> PyResult<Struct<TV>> {
    Ok(match s {
        Struct::Leaf(n) => f(n)?,
        Struct::Tuple(xs) => Struct::Tuple(xs.iter().map(|x| expand(x, f)).collect::<PyResult<_>>()?),
        Struct::Dict(items) => {
            Struct::Dict(items.iter().map(|(k, h, x)| Ok((k.clone(), h.clone(), expand(x, f)?))).collect::<PyResult<_>>()?)
        }
    })
}
