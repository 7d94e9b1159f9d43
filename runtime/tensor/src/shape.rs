//! Static (possibly partial) shapes and tensor types, as shape inference and
//! tracing see them. Eager tensors have fully known shapes (`Vec<usize>`).

use crate::dtype::DType;
use std::fmt;

/// A shape with possibly unknown rank (`dims == None`) or unknown dims
/// (`Some(None)` entries), like `tf.TensorShape`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StaticShape {
    pub dims: Option<Vec<Option<usize>>>,
}

impl StaticShape {
    pub fn unknown_rank() -> Self {
        StaticShape { dims: None }
    }
    pub fn known(dims: &[usize]) -> Self {
        StaticShape { dims: Some(dims.iter().map(|&d| Some(d)).collect()) }
    }
    pub fn partial(dims: Vec<Option<usize>>) -> Self {
        StaticShape { dims: Some(dims) }
    }
    pub fn rank(&self) -> Option<usize> {
        self.dims.as_ref().map(|d| d.len())
    }
    /// The concrete dims if every dim is known.
    pub fn as_known(&self) -> Option<Vec<usize>> {
        self.dims.as_ref()?.iter().copied().collect()
    }
    pub fn is_fully_defined(&self) -> bool {
        self.as_known().is_some()
    }
    /// TF's `is_compatible_with`.
    pub fn is_compatible_with(&self, other: &StaticShape) -> bool {
        match (&self.dims, &other.dims) {
            (Some(a), Some(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(x, y)| x.is_none() || y.is_none() || x == y)
            }
            _ => true,
        }
    }
}

impl fmt::Display for StaticShape {
    /// `(2, 3)`, `(None, 3)`, `(5,)`, `()`, `<unknown>` — as `print(t.shape)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.dims {
            None => write!(f, "<unknown>"),
            Some(dims) => {
                let parts: Vec<String> = dims
                    .iter()
                    .map(|d| d.map_or("None".to_string(), |v| v.to_string()))
                    .collect();
                if parts.len() == 1 {
                    write!(f, "({},)", parts[0])
                } else {
                    write!(f, "({})", parts.join(", "))
                }
            }
        }
    }
}

/// What shape inference knows of a tensor: dtype and static shape.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TensorType {
    pub dtype: DType,
    pub shape: StaticShape,
}

impl TensorType {
    pub fn new(dtype: DType, shape: StaticShape) -> Self {
        TensorType { dtype, shape }
    }
    pub fn known(dtype: DType, dims: &[usize]) -> Self {
        TensorType { dtype, shape: StaticShape::known(dims) }
    }
}
