//! Element indices and counts: a Python int when known at trace time, else
//! an `int64` scalar tensor (inside a traced loop, or for a dataset whose
//! source has a dynamic first dimension). Arithmetic folds static values and
//! builds ops otherwise.

use crate::exc::PyResult;
use crate::tf::trace::{constant, op1, TV};
use tfjit_tensor::{attrs, Attr, DType, Tensor};

/// TF's `tf.data.INFINITE_CARDINALITY`.
pub const INFINITE: i64 = -1;
/// TF's `tf.data.UNKNOWN_CARDINALITY`.
pub const UNKNOWN: i64 = -2;

/// An index or count.
#[derive(Clone)]
pub enum Idx {
    /// Known now.
    S(i64),
    /// An `int64` scalar tensor.
    D(TV),
}

fn bin(op: &str, a: &TV, b: &TV) -> PyResult<TV> {
    op1(op, &[a, b], attrs![("T", Attr::Type(DType::Int64))])
}

impl Idx {
    /// The value as an `int64` scalar tensor (a constant when static).
    pub fn tv(&self) -> PyResult<TV> {
        match self {
            Idx::S(v) => constant("Const", Tensor::scalar_i64(*v)),
            Idx::D(t) => Ok(t.clone()),
        }
    }

    /// The static value, if known.
    pub fn known(&self) -> Option<i64> {
        match self {
            Idx::S(v) => Some(*v),
            Idx::D(_) => None,
        }
    }

    fn fold(&self, o: &Idx, op: &str, f: impl Fn(i64, i64) -> i64) -> PyResult<Idx> {
        match (self, o) {
            (Idx::S(a), Idx::S(b)) => Ok(Idx::S(f(*a, *b))),
            _ => Ok(Idx::D(bin(op, &self.tv()?, &o.tv()?)?)),
        }
    }

    pub fn add(&self, o: &Idx) -> PyResult<Idx> {
        if o.known() == Some(0) {
            return Ok(self.clone());
        }
        self.fold(o, "AddV2", |a, b| a.saturating_add(b))
    }
    pub fn sub(&self, o: &Idx) -> PyResult<Idx> {
        self.fold(o, "Sub", |a, b| a.saturating_sub(b))
    }
    pub fn mul(&self, o: &Idx) -> PyResult<Idx> {
        if o.known() == Some(1) {
            return Ok(self.clone());
        }
        self.fold(o, "Mul", |a, b| a.saturating_mul(b))
    }
    /// Python's `//` (the divisor is never zero here).
    pub fn floordiv(&self, o: &Idx) -> PyResult<Idx> {
        self.fold(o, "FloorDiv", |a, b| if b == 0 { 0 } else { floor_div(a, b) })
    }
    /// Python's `%` (the divisor is never zero here).
    pub fn floormod(&self, o: &Idx) -> PyResult<Idx> {
        self.fold(o, "FloorMod", |a, b| if b == 0 { 0 } else { a - floor_div(a, b) * b })
    }
    pub fn min(&self, o: &Idx) -> PyResult<Idx> {
        self.fold(o, "Minimum", |a, b| a.min(b))
    }
    pub fn max(&self, o: &Idx) -> PyResult<Idx> {
        self.fold(o, "Maximum", |a, b| a.max(b))
    }
    /// `ceil(self / o)` for a positive `o`.
    pub fn ceildiv(&self, o: &Idx) -> PyResult<Idx> {
        self.add(&o.sub(&Idx::S(1))?)?.floordiv(o)
    }
}

/// Python's floor division of `a` by a non-zero `b`.
pub fn floor_div(a: i64, b: i64) -> i64 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}
