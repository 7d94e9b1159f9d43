//! `tf.IndexedSlices`: the sparse gradient `tf.gather` gives its params, as
//! TF returns it from a tape. Converting it to a tensor (or using it as an
//! op input) densifies it with `UnsortedSegmentSum`, as TF does.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::to_tensor;
use crate::tf::shape::shape_value;
use crate::tf::trace::{self, TV};
use crate::tf::util::tvv;
use crate::value::{Object, Value};
use std::any::Any;
use tfjit_tensor::{attrs, Attr, StaticShape, Tensor};

/// The three tensors of an `IndexedSlices`.
#[derive(Clone)]
pub struct Slices {
    pub values: TV,
    pub indices: TV,
    pub dense_shape: TV,
}

impl Slices {
    /// The dense tensor: `unsorted_segment_sum(values, indices, dense_shape[0])`.
    pub fn densify(&self) -> PyResult<TV> {
        let n = match self.dense_shape.const_value() {
            Some(s) if s.num_elements() > 0 => {
                let first = s.get_i64(0);
                let t = if s.dtype() == tfjit_tensor::DType::Int64 {
                    Tensor::scalar_i64(first)
                } else {
                    Tensor::scalar_i32(first as i32)
                };
                trace::constant("strided_slice", t)?
            }
            _ => {
                let zero = trace::constant("Const", Tensor::scalar_i32(0))?;
                trace::op1_named(
                    "strided_slice",
                    "GatherV2",
                    &[&self.dense_shape, &zero, &zero],
                    attrs![("batch_dims", Attr::Int(0))],
                )?
            }
        };
        trace::op1_named("UnsortedSegmentSum", "UnsortedSegmentSum", &[&self.values, &self.indices, &n], attrs![])
    }

    /// The static dense shape, if known.
    pub fn static_shape(&self) -> StaticShape {
        match self.dense_shape.const_value() {
            Some(s) => StaticShape::known(&s.to_i64_vec().iter().map(|&d| d.max(0) as usize).collect::<Vec<_>>()),
            None => {
                let mut s = self.values.shape();
                if let Some(d) = s.dims.as_mut() {
                    if let Some(first) = d.first_mut() {
                        *first = None;
                    }
                }
                s
            }
        }
    }
}

/// The Python `IndexedSlices` object.
pub struct IndexedSlices {
    pub s: Slices,
}

/// Wraps slices as a Python value.
pub fn slices_value(s: Slices) -> Value {
    Value::object(IndexedSlices { s })
}

/// `tf.IndexedSlices(values, indices, dense_shape=None)`.
pub fn indexed_slices_ctor(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [values, indices, dense_shape] = args.bind("IndexedSlices", ["values", "indices", "dense_shape"], 2)?;
    let values = to_tensor(&values.unwrap_or(Value::None))?;
    let indices = to_tensor(&indices.unwrap_or(Value::None))?;
    let dense_shape = match dense_shape {
        None | Some(Value::None) => {
            return Err(Exc::not_implemented("tf.IndexedSlices without dense_shape is not implemented in tfjit yet"))
        }
        Some(d) => to_tensor(&d)?,
    };
    Ok(slices_value(Slices { values, indices, dense_shape }))
}

impl Object for IndexedSlices {
    fn type_name(&self) -> &'static str {
        "IndexedSlices"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        native == "IndexedSlices"
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<tensorflow.python.framework.indexed_slices.IndexedSlices object at 0x{:x}>", self as *const _ as usize))
    }
    fn str(&self, interp: &mut Interp) -> PyResult<String> {
        let i = interp.str(&tvv(self.s.indices.clone()))?;
        let v = interp.str(&tvv(self.s.values.clone()))?;
        let d = interp.str(&tvv(self.s.dense_shape.clone()))?;
        Ok(format!("IndexedSlices(indices={i}, values={v}, dense_shape={d})"))
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "values" => tvv(self.s.values.clone()),
            "indices" => tvv(self.s.indices.clone()),
            "dense_shape" => tvv(self.s.dense_shape.clone()),
            "dtype" => crate::tf::dtypes::dtype_value(self.s.values.dtype()),
            "shape" => shape_value(self.s.static_shape()),
            _ => return Ok(None),
        }))
    }
}
