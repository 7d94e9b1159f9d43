//! Helpers shared by all op families: TF's error texts, dtype checks, axis
//! normalisation, reading statically known input values, and building
//! output tensors with the allocation check.

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::op::InputInfo;
use crate::shape::{StaticShape, TensorType};
use crate::tensor::{checked_num_elements, Data, Tensor};

use super::elem::Elem;

/// Run `$body` with `$v` bound to the typed buffer of `$data`, whatever its
/// dtype (all five).
#[macro_export]
#[doc(hidden)]
macro_rules! dispatch_all {
    ($data:expr, |$v:ident| $body:expr) => {
        match $data {
            $crate::tensor::Data::F32($v) => $body,
            $crate::tensor::Data::F64($v) => $body,
            $crate::tensor::Data::I32($v) => $body,
            $crate::tensor::Data::I64($v) => $body,
            $crate::tensor::Data::Bool($v) => $body,
        }
    };
}

/// TF's `DataTypeString`: `float`, `double`, `int32`, `int64`, `bool`.
pub fn tf_type_name(d: DType) -> &'static str {
    match d {
        DType::Float32 => "float",
        DType::Float64 => "double",
        other => other.name(),
    }
}

/// `[2,3]` — how TF's kernels print a shape in messages.
pub fn dims_str(dims: &[usize]) -> String {
    let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    format!("[{}]", parts.join(","))
}

/// `[2,?]` for a partial shape, `<unknown>` for unknown rank.
pub fn static_dims_str(s: &StaticShape) -> String {
    match &s.dims {
        None => "<unknown>".to_string(),
        Some(d) => {
            let parts: Vec<String> =
                d.iter().map(|x| x.map_or("?".to_string(), |v| v.to_string())).collect();
            format!("[{}]", parts.join(","))
        }
    }
}

/// The eager dtype-mismatch error:
/// `cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor but is a int32 tensor`.
pub fn dtype_mismatch(op: &str, idx: usize, expected: DType, got: DType) -> TfError {
    TfError::invalid_argument(format!(
        "cannot compute {op} as input #{idx}(zero-based) was expected to be a {} tensor but is a {} tensor",
        tf_type_name(expected),
        tf_type_name(got)
    ))
}

/// All inputs at `idxs` must have the dtype of the first of them; returns it.
pub fn same_dtype(op: &str, inputs: &[InputInfo], idxs: &[usize]) -> TfResult<DType> {
    let first = *idxs.first().ok_or_else(|| TfError::invalid_argument(format!("{op}: no inputs")))?;
    let d = input(op, inputs, first)?.ty.dtype;
    for &i in idxs.iter().skip(1) {
        let di = input(op, inputs, i)?.ty.dtype;
        if di != d {
            return Err(dtype_mismatch(op, i, d, di));
        }
    }
    Ok(d)
}

/// Input `i`, or an error naming the op if too few inputs were passed.
pub fn input<'a, 'b>(op: &str, inputs: &'b [InputInfo<'a>], i: usize) -> TfResult<&'b InputInfo<'a>> {
    inputs.get(i).ok_or_else(|| {
        TfError::invalid_argument(format!("{op} expects at least {} inputs, got {}", i + 1, inputs.len()))
    })
}

/// Eager tensor input `i`.
pub fn tin<'a>(op: &str, inputs: &[&'a Tensor], i: usize) -> TfResult<&'a Tensor> {
    inputs.get(i).copied().ok_or_else(|| {
        TfError::invalid_argument(format!("{op} expects at least {} inputs, got {}", i + 1, inputs.len()))
    })
}

/// Requires an exact input count.
pub fn arity(op: &str, n_got: usize, n: usize) -> TfResult<()> {
    if n_got != n {
        return Err(TfError::invalid_argument(format!("{op} expects {n} inputs, got {n_got}")));
    }
    Ok(())
}

/// A dtype list, with TF's text for it in "not in the list of allowed values".
pub struct Allowed {
    pub types: &'static [DType],
    pub text: &'static str,
}

use DType::{Bool as B, Float32 as F32, Float64 as F64, Int32 as I32, Int64 as I64};

/// Float ops (Sqrt, Exp, Sigmoid, …).
pub const FLOAT_CPLX: Allowed =
    Allowed { types: &[F32, F64], text: "bfloat16, half, float, double, complex64, complex128" };
/// Floor/Ceil/Round-like real float ops.
pub const FLOAT_REAL: Allowed = Allowed { types: &[F32, F64], text: "bfloat16, half, float, double" };
/// nn activations (Elu, Softplus, Softmax).
pub const FLOAT_NN: Allowed = Allowed { types: &[F32, F64], text: "half, bfloat16, float, double" };
/// Arithmetic (AddV2, Sub, Mul, …).
pub const NUMERIC: Allowed = Allowed {
    types: &[F32, F64, I32, I64],
    text: "bfloat16, half, float, double, uint8, uint16, uint32, uint64, int8, int16, int32, int64, complex64, complex128",
};
/// Neg/Abs/Sign-like signed numeric ops.
pub const SIGNED: Allowed = Allowed {
    types: &[F32, F64, I32, I64],
    text: "bfloat16, half, float, double, int8, int16, int32, int64, complex64, complex128",
};
/// Real numbers (Maximum, Minimum, comparisons, FloorDiv…).
pub const REAL: Allowed = Allowed {
    types: &[F32, F64, I32, I64],
    text: "bfloat16, half, float, double, int8, uint8, int16, uint16, int32, uint32, int64, uint64",
};
/// Reductions (Sum, Prod, Mean, Max, Min, Cumsum).
pub const REDUCE: Allowed = Allowed {
    types: &[F32, F64, I32, I64],
    text: "float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, qint16, quint16, uint16, complex128, half, uint32, uint64",
};
/// Every dtype tfjit has.
pub const ANY: Allowed = Allowed { types: &[F32, F64, I32, I64, B], text: "" };

/// Checks attr `T` of `op` against `allowed`, with TF's message.
pub fn check_allowed(op: &str, d: DType, allowed: &Allowed) -> TfResult<()> {
    if allowed.types.contains(&d) {
        return Ok(());
    }
    Err(TfError::invalid_argument(format!(
        "Value for attr 'T' of {} is not in the list of allowed values: {}\n\t; NodeDef: {{{{node {op}}}}}",
        tf_type_name(d),
        allowed.text
    )))
}

/// TF raises NotFoundError when no CPU kernel exists for a dtype; tfjit
/// reports it as InvalidArgument with TF's text.
pub fn no_kernel(op: &str, d: DType) -> TfError {
    TfError::invalid_argument(format!(
        "Could not find device for node: {{{{node {op}}}}} = {op}[T=DT_{}]",
        match d {
            DType::Float32 => "FLOAT".to_string(),
            DType::Float64 => "DOUBLE".to_string(),
            other => other.name().to_uppercase(),
        }
    ))
}

/// Normalises `axis` into `[0, rank)`; `None` if out of range.
pub fn norm_axis(axis: i64, rank: usize) -> Option<usize> {
    let r = rank as i64;
    if axis < -r || axis >= r {
        None
    } else if axis < 0 {
        Some((axis + r) as usize)
    } else {
        Some(axis as usize)
    }
}

/// The statically known integer elements of an input (shape, axes, …).
pub fn const_ints(info: &InputInfo) -> Option<Vec<i64>> {
    let v = info.value?;
    if v.dtype().is_int() {
        Some(v.to_i64_vec())
    } else {
        None
    }
}

/// The statically known scalar integer value of an input.
pub fn const_int(info: &InputInfo) -> Option<i64> {
    let v = const_ints(info)?;
    if v.len() == 1 {
        v.first().copied()
    } else {
        None
    }
}

/// The dtype of an index-like input must be int32 or int64.
pub fn check_index_dtype(op: &str, inputs: &[InputInfo], i: usize, attr: &str) -> TfResult<()> {
    let d = input(op, inputs, i)?.ty.dtype;
    if !d.is_int() {
        return Err(TfError::invalid_argument(format!(
            "Value for attr '{attr}' of {} is not in the list of allowed values: int32, int64\n\t; NodeDef: {{{{node {op}}}}}",
            tf_type_name(d)
        )));
    }
    Ok(())
}

/// One output type.
pub fn one(dtype: DType, shape: StaticShape) -> TfResult<Vec<TensorType>> {
    Ok(vec![TensorType::new(dtype, shape)])
}

/// Builds a tensor from a typed buffer.
pub fn make<T: Elem>(shape: Vec<usize>, v: Vec<T>) -> TfResult<Tensor> {
    Tensor::new(shape, T::into_data(v))
}

/// Allocation check for an output of `shape` (ResourceExhausted if absurd).
pub fn alloc_check(shape: &[usize], d: DType) -> TfResult<usize> {
    checked_num_elements(shape, d)
}

/// Row-major strides of `shape`.
pub fn strides_of(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1usize; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1].saturating_mul(shape[i + 1]);
    }
    s
}

/// The typed buffer of `t` (errors instead of panicking on a mismatch).
pub fn typed<T: Elem>(t: &Tensor) -> TfResult<&[T]> {
    T::slice(t.data()).ok_or_else(|| {
        TfError::invalid_argument(format!(
            "internal: expected a {} tensor, got {}",
            T::DTYPE.name(),
            t.dtype().name()
        ))
    })
}

/// Product of dims (saturating; callers check allocations separately).
pub fn product(dims: &[usize]) -> usize {
    dims.iter().fold(1usize, |a, &d| a.saturating_mul(d))
}

/// A 1-D or scalar int tensor's values, with an error if it is not integer.
pub fn int_values(op: &str, t: &Tensor, what: &str) -> TfResult<Vec<i64>> {
    if !t.dtype().is_int() {
        return Err(TfError::invalid_argument(format!(
            "{op}: {what} must be int32 or int64, got {}",
            tf_type_name(t.dtype())
        )));
    }
    Ok(t.to_i64_vec())
}

/// A data value of the given dtype filled with zeros (`false`).
pub fn zeros_data(d: DType, n: usize) -> Data {
    match d {
        DType::Float32 => Data::F32(vec![0.0; n]),
        DType::Float64 => Data::F64(vec![0.0; n]),
        DType::Int32 => Data::I32(vec![0; n]),
        DType::Int64 => Data::I64(vec![0; n]),
        DType::Bool => Data::Bool(vec![false; n]),
    }
}
