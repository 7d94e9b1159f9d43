//! What flows along graph edges: static types at trace time ([`ValueType`])
//! and values at run time ([`RtValue`]).
//!
//! Besides ordinary tensors, a graph carries variable handles (TF's
//! `dtype=resource` tensors) and scalar strings (`StringFormat` → `PrintV2`).
//! The tensor crate's `DType` knows only numeric dtypes, so the graph wraps it.

use std::fmt;
use tfjit_tensor::{StaticShape, Tensor, TensorType};

/// Identifies a variable captured by reference. The interpreter assigns the
/// ids and maps them back to its variables through [`crate::Runtime`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VarId(pub u64);

/// The static type of one op output.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// A numeric or bool tensor with a (partial) static shape.
    Tensor(TensorType),
    /// A variable handle (`dtype=resource`, shape `()`), with the dtype and
    /// shape of the variable behind it (TF's "handle data").
    Resource(TensorType),
    /// A scalar string.
    Str,
    /// A `TensorList` (TF's `variant` tensor behind a graph `TensorArray`):
    /// the element dtype and the (partial) element shape.
    List(TensorType),
}

impl ValueType {
    /// The tensor type, if this is a plain tensor.
    pub fn as_tensor(&self) -> Option<&TensorType> {
        match self {
            ValueType::Tensor(t) => Some(t),
            _ => None,
        }
    }

    /// TF's dtype name: `float32`, …, `resource`, `string`.
    pub fn dtype_name(&self) -> &'static str {
        match self {
            ValueType::Tensor(t) => t.dtype.name(),
            ValueType::Resource(_) => "resource",
            ValueType::Str => "string",
            ValueType::List(_) => "variant",
        }
    }

    /// The static shape as `tensor.shape` reports it (handles and strings
    /// are scalars).
    pub fn shape(&self) -> StaticShape {
        match self {
            ValueType::Tensor(t) => t.shape.clone(),
            ValueType::Resource(_) | ValueType::Str | ValueType::List(_) => StaticShape::known(&[]),
        }
    }

    /// Whether a run-time value fits this type (dtype equal, shape compatible).
    pub fn admits(&self, v: &RtValue) -> bool {
        match (self, v) {
            // Checked dim by dim (no temporary shape): executors call this
            // for every argument of every call.
            (ValueType::Tensor(t), RtValue::Tensor(x)) => {
                t.dtype == x.dtype()
                    && t.shape.dims.as_ref().is_none_or(|d| {
                        d.len() == x.rank() && d.iter().zip(x.shape()).all(|(w, &g)| w.is_none_or(|w| w == g))
                    })
            }
            (ValueType::Resource(_), RtValue::Resource(_)) => true,
            (ValueType::Str, RtValue::Str(_)) => true,
            (ValueType::List(t), RtValue::List(l)) => t.dtype == l.dtype,
            _ => false,
        }
    }
}

/// `[?,3]`, `[]`, `[*]` (unknown rank).
pub fn shape_text(s: &StaticShape) -> String {
    match &s.dims {
        None => "[*]".to_string(),
        Some(dims) => {
            let parts: Vec<String> = dims
                .iter()
                .map(|d| d.map_or("?".to_string(), |v| v.to_string()))
                .collect();
            format!("[{}]", parts.join(","))
        }
    }
}

/// `float32[?,3]`.
pub fn tensor_type_text(t: &TensorType) -> String {
    format!("{}{}", t.dtype.name(), shape_text(&t.shape))
}

impl fmt::Display for ValueType {
    /// `float32[?,3]`, `resource<float32[2]>`, `string`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Tensor(t) => write!(f, "{}", tensor_type_text(t)),
            ValueType::Resource(t) => write!(f, "resource<{}>", tensor_type_text(t)),
            ValueType::Str => write!(f, "string"),
            ValueType::List(t) => write!(f, "variant<{}>", tensor_type_text(t)),
        }
    }
}

/// A value at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum RtValue {
    Tensor(Tensor),
    /// A variable handle: reads and writes go through [`crate::Runtime`].
    Resource(VarId),
    Str(String),
    /// A `TensorList` value.
    List(std::sync::Arc<TensorList>),
}

/// The value of a `TensorList`: its elements (unset ones are `None` and read
/// as zeros of the element shape), element dtype and element shape.
#[derive(Clone, Debug, PartialEq)]
pub struct TensorList {
    pub dtype: tfjit_tensor::DType,
    /// The element shape as far as it is known (`None` dims unknown).
    pub element_shape: StaticShape,
    pub elems: Vec<Option<Tensor>>,
}

impl RtValue {
    /// The tensor, if this is one.
    pub fn as_tensor(&self) -> Option<&Tensor> {
        match self {
            RtValue::Tensor(t) => Some(t),
            _ => None,
        }
    }

    /// `tensor`, `resource` or `string` (for error messages).
    pub fn kind_name(&self) -> &'static str {
        match self {
            RtValue::Tensor(_) => "tensor",
            RtValue::Resource(_) => "resource",
            RtValue::Str(_) => "string",
            RtValue::List(_) => "variant",
        }
    }
}
