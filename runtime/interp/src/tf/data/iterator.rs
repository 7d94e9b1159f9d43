//! Dataset iterators: eager ones (`for x in ds`, `iter`/`next`,
//! `as_numpy_iterator()`), and the one `iter(ds)` returns inside a trace
//! (each `next` adds the ops of the next element to the graph; after 32
//! calls it raises TF's error for `for x in ds` with AutoGraph disabled).

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::data::index::Idx;
use crate::tf::data::node::{Card, NodeRef};
use crate::tf::data::structure::Struct;
use crate::tf::ndarray::NdArray;
use crate::tf::trace::TV;
use crate::tf::util::method;
use crate::value::{Dict, Object, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// An element with NumPy arrays for leaves (`as_numpy_iterator`).
fn numpy_value(s: &Struct<TV>) -> PyResult<Value> {
    Ok(match s {
        Struct::Leaf(t) => match t.eager() {
            Some(t) => Value::object(NdArray::new(t.clone())),
            None => return Err(Exc::runtime_error("`as_numpy_iterator()` needs eager tensors")),
        },
        Struct::Tuple(xs) => Value::tuple(xs.iter().map(numpy_value).collect::<PyResult<_>>()?),
        Struct::Dict(items) => {
            let mut d = Dict::default();
            for (k, h, x) in items {
                d.insert(h.clone(), k.clone(), numpy_value(x)?);
            }
            Value::Dict(Rc::new(RefCell::new(d)))
        }
    })
}

/// An eager iterator over a dataset.
pub struct EagerIter {
    node: NodeRef,
    pos: Cell<i64>,
    /// The element count; negative for an infinite dataset.
    count: i64,
    numpy: bool,
}

impl EagerIter {
    /// Starts iterating `node`; `numpy`: elements as NumPy values.
    pub fn new(node: NodeRef, numpy: bool) -> PyResult<EagerIter> {
        let count = match node.card() {
            Card::Finite(n) => n,
            Card::Infinite => -1,
            Card::Dynamic => match node.count()? {
                Idx::S(n) => n,
                Idx::D(t) => match t.eager() {
                    Some(t) => t.get_i64(0),
                    None => return Err(Exc::runtime_error("a dataset of graph tensors cannot be iterated eagerly")),
                },
            },
        };
        Ok(EagerIter { node, pos: Cell::new(0), count, numpy })
    }

    fn next_value(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        let i = self.pos.get();
        if self.count >= 0 && i >= self.count {
            return Ok(None);
        }
        let e = self.node.element(&Idx::S(i), interp)?;
        self.pos.set(i + 1);
        Ok(Some(if self.numpy { numpy_value(&e)? } else { e.to_value() }))
    }
}

impl Object for EagerIter {
    fn type_name(&self) -> &'static str {
        if self.numpy {
            "NumpyIterator"
        } else {
            "OwnedIterator"
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        let owned = format!("<tensorflow.python.data.ops.iterator_ops.OwnedIterator object at {:#x}>", self as *const EagerIter as usize);
        Ok(if self.numpy { format!("NumpyIterator(iterator={owned})") } else { owned })
    }
    fn iter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn next(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        self.next_value(interp)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "get_next" => Some(method(name, this, |interp, this, args| {
                args.bind("get_next", [], 0)?;
                let it = this.downcast::<EagerIter>().ok_or_else(|| Exc::type_error("not an iterator"))?;
                match it.next_value(interp)? {
                    Some(v) => Ok(v),
                    None => Err(Exc::new("OutOfRangeError", "End of sequence [Op:IteratorGetNext]")),
                }
            })),
            "element_spec" => Some(crate::tf::data::structure::spec_value(&self.node.spec())),
            _ => None,
        })
    }
}

/// TF's threshold of `next` calls in a trace without AutoGraph.
const GET_NEXT_CALL_ERROR_THRESHOLD: usize = 32;

/// The iterator `iter(ds)` gives inside a trace.
pub struct GraphIter {
    node: NodeRef,
    calls: Cell<usize>,
}

impl GraphIter {
    pub fn new(node: NodeRef) -> GraphIter {
        GraphIter { node, calls: Cell::new(0) }
    }
}

impl Object for GraphIter {
    fn type_name(&self) -> &'static str {
        "OwnedIterator"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<tensorflow.python.data.ops.iterator_ops.OwnedIterator object at {:#x}>", self as *const GraphIter as usize))
    }
    fn iter(&self, this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(this.clone()))
    }
    fn next(&self, interp: &mut Interp) -> PyResult<Option<Value>> {
        let k = self.calls.get();
        self.calls.set(k + 1);
        if k + 1 > GET_NEXT_CALL_ERROR_THRESHOLD {
            return Err(Exc::value_error(
                "An unusually high number of `tf.data.Iterator.get_next()` calls was detected. This suggests that the `for elem in dataset: ...` idiom is used within tf.function with AutoGraph disabled. This idiom is only supported when AutoGraph is enabled.",
            ));
        }
        // Past the end, TF's graph fails when it runs; tfjit reads the last
        // element instead (a program that reaches it fails above first).
        let i = match self.node.card() {
            Card::Finite(n) if n > 0 => (k as i64).min(n - 1),
            _ => k as i64,
        };
        Ok(Some(self.node.element(&Idx::S(i), interp)?.to_value()))
    }
}
