//! The eager tensor: an immutable, reference-counted, row-major buffer.

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::shape::TensorType;
use std::sync::Arc;

/// Largest single buffer we allocate; above it TF's `ResourceExhaustedError`.
pub const MAX_TENSOR_BYTES: u128 = 8 << 30;

/// Element storage, one variant per dtype.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    Bool(Vec<bool>),
}

impl Data {
    pub fn dtype(&self) -> DType {
        match self {
            Data::F32(_) => DType::Float32,
            Data::F64(_) => DType::Float64,
            Data::I32(_) => DType::Int32,
            Data::I64(_) => DType::Int64,
            Data::Bool(_) => DType::Bool,
        }
    }
    pub fn len(&self) -> usize {
        match self {
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::I32(v) => v.len(),
            Data::I64(v) => v.len(),
            Data::Bool(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// An eager tensor. Cloning is cheap (the buffer is shared); tensors are
/// never mutated in place — variables swap in a new `Tensor` on assign.
///
/// Each tensor also has an identity (`id`), as TF's eager tensors do: fresh
/// for every new tensor, kept by clones. Gradient tapes key on it. Equality
/// and `Debug` ignore it.
#[derive(Clone)]
pub struct Tensor {
    shape: Vec<usize>,
    data: Arc<Data>,
    id: u64,
}

static NEXT_TENSOR_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_TENSOR_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl PartialEq for Tensor {
    fn eq(&self, other: &Tensor) -> bool {
        self.shape == other.shape && self.data == other.data
    }
}

impl std::fmt::Debug for Tensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tensor").field("shape", &self.shape).field("data", &self.data).finish()
    }
}

/// Number of elements of `shape`, or `ResourceExhaustedError` if a buffer of
/// that many `dtype` elements could not be allocated.
pub fn checked_num_elements(shape: &[usize], dtype: DType) -> TfResult<usize> {
    let mut n: u128 = 1;
    for &d in shape {
        n = n.saturating_mul(d as u128);
    }
    if n.saturating_mul(dtype.size() as u128) > MAX_TENSOR_BYTES {
        let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
        return Err(TfError::resource_exhausted(format!(
            "OOM when allocating tensor with shape[{}] and type {} on /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu",
            dims.join(","),
            match dtype {
                DType::Float32 => "float",
                DType::Float64 => "double",
                other => other.name(),
            }
        )));
    }
    Ok(n as usize)
}

impl Tensor {
    /// Build a tensor; `data.len()` must equal the product of `shape`.
    pub fn new(shape: Vec<usize>, data: Data) -> TfResult<Tensor> {
        let n: usize = shape.iter().product();
        if n != data.len() {
            return Err(TfError::invalid_argument(format!(
                "buffer of {} elements does not fit shape {:?}",
                data.len(),
                shape
            )));
        }
        Ok(Tensor { shape, data: Arc::new(data), id: next_id() })
    }

    /// A tensor of `dtype` filled with zeros (false), with the allocation check.
    pub fn zeros(dtype: DType, shape: &[usize]) -> TfResult<Tensor> {
        let n = checked_num_elements(shape, dtype)?;
        let data = match dtype {
            DType::Float32 => Data::F32(vec![0.0; n]),
            DType::Float64 => Data::F64(vec![0.0; n]),
            DType::Int32 => Data::I32(vec![0; n]),
            DType::Int64 => Data::I64(vec![0; n]),
            DType::Bool => Data::Bool(vec![false; n]),
        };
        Tensor::new(shape.to_vec(), data)
    }

    pub fn scalar_f32(v: f32) -> Tensor {
        Tensor { shape: vec![], data: Arc::new(Data::F32(vec![v])), id: next_id() }
    }
    pub fn scalar_f64(v: f64) -> Tensor {
        Tensor { shape: vec![], data: Arc::new(Data::F64(vec![v])), id: next_id() }
    }
    pub fn scalar_i32(v: i32) -> Tensor {
        Tensor { shape: vec![], data: Arc::new(Data::I32(vec![v])), id: next_id() }
    }
    pub fn scalar_i64(v: i64) -> Tensor {
        Tensor { shape: vec![], data: Arc::new(Data::I64(vec![v])), id: next_id() }
    }
    pub fn scalar_bool(v: bool) -> Tensor {
        Tensor { shape: vec![], data: Arc::new(Data::Bool(vec![v])), id: next_id() }
    }
    /// A 1-D int32 tensor (shapes, axes and perms as TF passes them).
    pub fn vec_i32(v: Vec<i32>) -> Tensor {
        Tensor { shape: vec![v.len()], data: Arc::new(Data::I32(v)), id: next_id() }
    }
    /// A 1-D int64 tensor.
    pub fn vec_i64(v: Vec<i64>) -> Tensor {
        Tensor { shape: vec![v.len()], data: Arc::new(Data::I64(v)), id: next_id() }
    }

    pub fn dtype(&self) -> DType {
        self.data.dtype()
    }
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }
    pub fn rank(&self) -> usize {
        self.shape.len()
    }
    pub fn num_elements(&self) -> usize {
        self.data.len()
    }
    pub fn data(&self) -> &Data {
        &self.data
    }
    pub fn tensor_type(&self) -> TensorType {
        TensorType::known(self.dtype(), &self.shape)
    }

    /// Same buffer, new shape (element counts must agree).
    pub fn reshaped(&self, shape: Vec<usize>) -> TfResult<Tensor> {
        let n: usize = shape.iter().product();
        if n != self.num_elements() {
            return Err(TfError::invalid_argument(format!(
                "Input to reshape is a tensor with {} values, but the requested shape has {}",
                self.num_elements(),
                n
            )));
        }
        Ok(Tensor { shape, data: self.data.clone(), id: next_id() })
    }

    /// Element `i` (flat, row-major) as f64. Panics never: out of range gives NaN.
    pub fn get_f64(&self, i: usize) -> f64 {
        match &*self.data {
            Data::F32(v) => v.get(i).map_or(f64::NAN, |&x| x as f64),
            Data::F64(v) => v.get(i).copied().unwrap_or(f64::NAN),
            Data::I32(v) => v.get(i).map_or(f64::NAN, |&x| x as f64),
            Data::I64(v) => v.get(i).map_or(f64::NAN, |&x| x as f64),
            Data::Bool(v) => v.get(i).map_or(f64::NAN, |&x| x as u8 as f64),
        }
    }

    /// Element `i` as i64 (floats truncate toward zero, as a C cast).
    pub fn get_i64(&self, i: usize) -> i64 {
        match &*self.data {
            Data::F32(v) => v.get(i).map_or(0, |&x| x as i64),
            Data::F64(v) => v.get(i).map_or(0, |&x| x as i64),
            Data::I32(v) => v.get(i).map_or(0, |&x| x as i64),
            Data::I64(v) => v.get(i).copied().unwrap_or(0),
            Data::Bool(v) => v.get(i).map_or(0, |&x| x as i64),
        }
    }

    /// All elements as i64 (for shape/axis/perm/index tensors).
    pub fn to_i64_vec(&self) -> Vec<i64> {
        (0..self.num_elements()).map(|i| self.get_i64(i)).collect()
    }

    /// The scalar value of a 1-element tensor as f64.
    pub fn scalar_value_f64(&self) -> Option<f64> {
        (self.num_elements() == 1).then(|| self.get_f64(0))
    }

    /// The tensor's identity (see [`Tensor`]).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The same value under a fresh identity (no copy): what a variable read
    /// or an aliasing op returns as a new tensor for a gradient tape.
    pub fn renewed(&self) -> Tensor {
        Tensor { shape: self.shape.clone(), data: self.data.clone(), id: next_id() }
    }

    /// Mutable access to the buffer when no other tensor shares it (lets
    /// compiled kernels reuse an output buffer the program has dropped).
    pub fn data_mut(&mut self) -> Option<&mut Data> {
        Arc::get_mut(&mut self.data)
    }

    /// True if both share one buffer (cheap identity test).
    pub fn same_buffer(&self, other: &Tensor) -> bool {
        Arc::ptr_eq(&self.data, &other.data)
    }
}
