//! Comparisons (Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual),
//! logical ops (LogicalAnd, LogicalOr, LogicalNot) and SelectV2 — all with
//! NumPy broadcasting; bool results.

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::{Attrs, InputInfo, OpClass, OpDef};
use crate::shape::TensorType;
use crate::tensor::{Data, Tensor};

use super::broadcast::{broadcast_or_err, broadcast_shapes, broadcast_static, map2, map3};
use super::common::{
    alloc_check, arity, check_allowed, dims_str, dtype_mismatch, input, make, one, same_dtype, tin, Allowed,
    REAL,
};
use super::elem::Elem;

/// A comparison.
pub trait Compare {
    const NAME: &'static str;
    const ALLOWED: Allowed;
    fn cmp<T: PartialOrd>(a: T, b: T) -> bool;
}

fn compare_infer<O: Compare>(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    arity(O::NAME, inputs.len(), 2)?;
    let d = same_dtype(O::NAME, inputs, &[0, 1])?;
    check_allowed(O::NAME, d, &O::ALLOWED)?;
    let s = broadcast_static(&input(O::NAME, inputs, 0)?.ty.shape, &input(O::NAME, inputs, 1)?.ty.shape)?;
    one(DType::Bool, s)
}

fn cmp_typed<O: Compare, T: Elem>(a: &Tensor, b: &Tensor, x: &[T], y: &[T]) -> TfResult<Tensor> {
    let out = broadcast_or_err(a.shape(), b.shape())?;
    alloc_check(&out, DType::Bool)?;
    make(out.clone(), map2(x, a.shape(), y, b.shape(), &out, O::cmp::<T>))
}

fn compare_kernel<O: Compare>(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    let a = tin(O::NAME, inputs, 0)?;
    let b = tin(O::NAME, inputs, 1)?;
    let r = match (a.data(), b.data()) {
        (Data::F32(x), Data::F32(y)) => cmp_typed::<O, f32>(a, b, x, y)?,
        (Data::F64(x), Data::F64(y)) => cmp_typed::<O, f64>(a, b, x, y)?,
        (Data::I32(x), Data::I32(y)) => cmp_typed::<O, i32>(a, b, x, y)?,
        (Data::I64(x), Data::I64(y)) => cmp_typed::<O, i64>(a, b, x, y)?,
        (Data::Bool(x), Data::Bool(y)) => cmp_typed::<O, bool>(a, b, x, y)?,
        _ => return Err(dtype_mismatch(O::NAME, 1, a.dtype(), b.dtype())),
    };
    Ok(vec![r])
}

const EQ_TYPES: Allowed = Allowed {
    types: &[DType::Float32, DType::Float64, DType::Int32, DType::Int64, DType::Bool],
    text: "",
};
/// Less & co.
const CMP_TYPES: Allowed = Allowed {
    types: REAL.types,
    text: "float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64",
};

macro_rules! compare {
    ($ty:ident, $def:ident, $name:literal, $allowed:expr, |$a:ident, $b:ident| $e:expr) => {
        #[doc = concat!("TF's `", $name, "`.")]
        pub struct $ty;
        impl Compare for $ty {
            const NAME: &'static str = $name;
            const ALLOWED: Allowed = $allowed;
            fn cmp<T: PartialOrd>($a: T, $b: T) -> bool {
                $e
            }
        }
        #[doc = concat!("The `", $name, "` op definition.")]
        pub static $def: OpDef = OpDef {
            name: $name,
            class: OpClass::Elementwise,
            infer: compare_infer::<$ty>,
            kernel: compare_kernel::<$ty>,
            grad: None,
        };
    };
}

compare!(Equal, EQUAL, "Equal", EQ_TYPES, |a, b| a == b);
compare!(NotEqual, NOT_EQUAL, "NotEqual", EQ_TYPES, |a, b| a != b);
compare!(Less, LESS, "Less", CMP_TYPES, |a, b| a < b);
compare!(LessEqual, LESS_EQUAL, "LessEqual", CMP_TYPES, |a, b| a <= b);
compare!(Greater, GREATER, "Greater", CMP_TYPES, |a, b| a > b);
compare!(GreaterEqual, GREATER_EQUAL, "GreaterEqual", CMP_TYPES, |a, b| a >= b);

// ---------------------------------------------------------------- logical

fn require_bool(op: &str, inputs: &[InputInfo], n: usize) -> TfResult<()> {
    arity(op, inputs.len(), n)?;
    for (i, inp) in inputs.iter().enumerate() {
        if inp.ty.dtype != DType::Bool {
            return Err(dtype_mismatch(op, i, DType::Bool, inp.ty.dtype));
        }
    }
    Ok(())
}

fn logical_infer(op: &str, inputs: &[InputInfo]) -> TfResult<Vec<TensorType>> {
    require_bool(op, inputs, 2)?;
    let s = broadcast_static(&input(op, inputs, 0)?.ty.shape, &input(op, inputs, 1)?.ty.shape)?;
    one(DType::Bool, s)
}

fn logical_kernel(op: &str, inputs: &[&Tensor], f: fn(bool, bool) -> bool) -> TfResult<Vec<Tensor>> {
    let a = tin(op, inputs, 0)?;
    let b = tin(op, inputs, 1)?;
    match (a.data(), b.data()) {
        (Data::Bool(x), Data::Bool(y)) => {
            let out = broadcast_or_err(a.shape(), b.shape())?;
            alloc_check(&out, DType::Bool)?;
            Ok(vec![make(out.clone(), map2(x, a.shape(), y, b.shape(), &out, f))?])
        }
        (Data::Bool(_), _) => Err(dtype_mismatch(op, 1, DType::Bool, b.dtype())),
        _ => Err(dtype_mismatch(op, 0, DType::Bool, a.dtype())),
    }
}

/// `LogicalAnd(x, y)`.
pub static LOGICAL_AND: OpDef = OpDef {
    name: "LogicalAnd",
    class: OpClass::Elementwise,
    infer: |i, _| logical_infer("LogicalAnd", i),
    kernel: |i, _| logical_kernel("LogicalAnd", i, |a, b| a && b),
    grad: None,
};

/// `LogicalOr(x, y)`.
pub static LOGICAL_OR: OpDef = OpDef {
    name: "LogicalOr",
    class: OpClass::Elementwise,
    infer: |i, _| logical_infer("LogicalOr", i),
    kernel: |i, _| logical_kernel("LogicalOr", i, |a, b| a || b),
    grad: None,
};

/// `LogicalNot(x)`.
pub static LOGICAL_NOT: OpDef = OpDef {
    name: "LogicalNot",
    class: OpClass::Elementwise,
    infer: |i, _| {
        require_bool("LogicalNot", i, 1)?;
        one(DType::Bool, input("LogicalNot", i, 0)?.ty.shape.clone())
    },
    kernel: |i, _| {
        let a = tin("LogicalNot", i, 0)?;
        match a.data() {
            Data::Bool(x) => Ok(vec![make(a.shape().to_vec(), x.iter().map(|&b| !b).collect())?]),
            _ => Err(dtype_mismatch("LogicalNot", 0, DType::Bool, a.dtype())),
        }
    },
    grad: None,
};

// ---------------------------------------------------------------- select

fn select_infer(inputs: &[InputInfo], _: &Attrs) -> TfResult<Vec<TensorType>> {
    const OP: &str = "SelectV2";
    arity(OP, inputs.len(), 3)?;
    let c = input(OP, inputs, 0)?;
    if c.ty.dtype != DType::Bool {
        return Err(dtype_mismatch(OP, 0, DType::Bool, c.ty.dtype));
    }
    let d = same_dtype(OP, inputs, &[1, 2])?;
    let (t, e) = (&input(OP, inputs, 1)?.ty.shape, &input(OP, inputs, 2)?.ty.shape);
    let err = || {
        TfError::invalid_argument(format!(
            "condition {}, then {}, and else {} must be broadcastable",
            super::common::static_dims_str(&c.ty.shape),
            super::common::static_dims_str(t),
            super::common::static_dims_str(e)
        ))
    };
    let te = broadcast_static(t, e).map_err(|_| err())?;
    let s = broadcast_static(&c.ty.shape, &te).map_err(|_| err())?;
    one(d, s)
}

fn select_typed<T: Elem>(c: &Tensor, cv: &[bool], t: &Tensor, tv: &[T], e: &Tensor, ev: &[T]) -> TfResult<Tensor> {
    let err = || {
        TfError::invalid_argument(format!(
            "condition {}, then {}, and else {} must be broadcastable",
            dims_str(c.shape()),
            dims_str(t.shape()),
            dims_str(e.shape())
        ))
    };
    let te = broadcast_shapes(t.shape(), e.shape()).ok_or_else(err)?;
    let out = broadcast_shapes(c.shape(), &te).ok_or_else(err)?;
    alloc_check(&out, T::DTYPE)?;
    let v = map3((cv, c.shape()), (tv, t.shape()), (ev, e.shape()), &out, |k, x, y| if k { x } else { y });
    make(out, v)
}

fn select_kernel(inputs: &[&Tensor], _: &Attrs) -> TfResult<Vec<Tensor>> {
    const OP: &str = "SelectV2";
    let (c, t, e) = (tin(OP, inputs, 0)?, tin(OP, inputs, 1)?, tin(OP, inputs, 2)?);
    let Data::Bool(cv) = c.data() else {
        return Err(dtype_mismatch(OP, 0, DType::Bool, c.dtype()));
    };
    let r = match (t.data(), e.data()) {
        (Data::F32(x), Data::F32(y)) => select_typed(c, cv, t, x, e, y)?,
        (Data::F64(x), Data::F64(y)) => select_typed(c, cv, t, x, e, y)?,
        (Data::I32(x), Data::I32(y)) => select_typed(c, cv, t, x, e, y)?,
        (Data::I64(x), Data::I64(y)) => select_typed(c, cv, t, x, e, y)?,
        (Data::Bool(x), Data::Bool(y)) => select_typed(c, cv, t, x, e, y)?,
        _ => return Err(dtype_mismatch(OP, 2, t.dtype(), e.dtype())),
    };
    Ok(vec![r])
}

/// `SelectV2(condition, t, e)`: `where` with broadcasting of all three.
pub static SELECT_V2: OpDef =
    OpDef { name: "SelectV2", class: OpClass::Elementwise, infer: select_infer, kernel: select_kernel, grad: Some(crate::grad::math::select_v2_grad) };

#[cfg(test)]
mod tests {
    use crate::attrs;
    use crate::op::run1;
    use crate::tensor::{Data, Tensor};

    #[test]
    fn compare_and_select() {
        let x = Tensor::new(vec![3], Data::F32(vec![-1., 0., 2.])).unwrap();
        let z = Tensor::scalar_f32(0.0);
        let g = run1("Greater", &[&x, &z], &attrs![]).unwrap();
        assert_eq!(g.data(), &Data::Bool(vec![false, false, true]));
        let n = run1("Neg", &[&x], &attrs![]).unwrap();
        let w = run1("SelectV2", &[&g, &x, &n], &attrs![]).unwrap();
        assert_eq!(w.data(), &Data::F32(vec![1., -0., 2.]));
        let b = Tensor::new(vec![2], Data::Bool(vec![true, false])).unwrap();
        let e = run1("SelectV2", &[&b, &x, &x], &attrs![]).unwrap_err();
        assert!(e.message.starts_with("condition [2], then [3], and else [3] must be broadcastable"));
        let i = Tensor::scalar_i32(1);
        assert!(run1("LogicalAnd", &[&i, &i], &attrs![]).unwrap_err().message.starts_with(
            "cannot compute LogicalAnd as input #0(zero-based) was expected to be a bool tensor but is a int32 tensor"
        ));
    }
}
