//! `tf.TensorArray`: eagerly a Python list of tensors (TF's
//! `_EagerTensorArray`: `write` mutates and returns the same object, a
//! `read` clears the element when `clear_after_read`), inside a trace a
//! `TensorList` flow (TF's `_GraphTensorArrayV2`: every `write` returns a new
//! TensorArray over a new flow, which is what lets it be a loop variable).

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert_tv, tv_of, Mode};
use crate::tf::dtypes::{dtype_value, opt_dtype};
use crate::tf::shape::{as_shape, shape_value};
use crate::tf::trace::{self, run_op, Sym, TV};
use crate::tf::util::{bool_arg, method, tvv};
use crate::value::{Object, Value};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use tfjit_graph::graph_ops::tensor_list::{merge_shapes, shape_to_tensor};
use tfjit_tensor::{attrs, Attr, DType, StaticShape, Tensor};

/// The elements of an eager TensorArray.
pub struct EagerTa {
    pub elems: Vec<Option<Tensor>>,
    pub previously_read: Vec<usize>,
}

/// Where the elements live.
pub enum TaKind {
    Eager(RefCell<EagerTa>),
    /// The `TensorList` flow (a symbolic `variant` tensor).
    Graph(Sym),
}

/// A `tf.TensorArray`.
pub struct TensorArray {
    pub dtype: DType,
    pub dynamic_size: bool,
    pub clear_after_read: bool,
    pub infer_shape: bool,
    /// The element shape, shared by every TensorArray of the same flow
    /// history (as TF shares `_element_shape`).
    pub element_shape: Rc<RefCell<StaticShape>>,
    pub kind: TaKind,
}

impl TensorArray {
    /// The same array over a new flow.
    pub fn with_flow(&self, flow: Sym) -> TensorArray {
        TensorArray {
            dtype: self.dtype,
            dynamic_size: self.dynamic_size,
            clear_after_read: self.clear_after_read,
            infer_shape: self.infer_shape,
            element_shape: self.element_shape.clone(),
            kind: TaKind::Graph(flow),
        }
    }

    /// The flow of a graph TensorArray.
    pub fn flow(&self) -> Option<&Sym> {
        match &self.kind {
            TaKind::Graph(s) => Some(s),
            TaKind::Eager(_) => None,
        }
    }

    fn elem_shape(&self) -> StaticShape {
        self.element_shape.borrow().clone()
    }

    fn check_element_shape(&self, got: &StaticShape) -> PyResult<()> {
        let cur = self.elem_shape();
        if !cur.is_compatible_with(got) {
            return Err(Exc::value_error(format!("Inconsistent shapes: saw {got} but expected {cur} ")));
        }
        if self.infer_shape {
            if let Some(m) = merge_shapes(&cur, got) {
                *self.element_shape.borrow_mut() = m;
            }
        }
        Ok(())
    }
}

fn index_value(v: &Value) -> PyResult<TV> {
    convert_tv(v, None, Mode::Convert)
}

fn eager_index(v: &Value) -> PyResult<i64> {
    match index_value(v)? {
        TV::E(t) if t.num_elements() == 1 => Ok(t.get_i64(0)),
        TV::E(_) => Err(Exc::value_error("TensorArray index must be a scalar")),
        TV::S(_) => Err(Exc::type_error("a symbolic index cannot be used with an eager TensorArray")),
    }
}

fn out_of_range(msg: String) -> Exc {
    Exc::new("OutOfRangeError", msg)
}

/// The value to write, converted with the array's dtype preferred.
fn write_value(ta: &TensorArray, v: &Value) -> PyResult<TV> {
    if let Some(t) = tv_of(v)? {
        return Ok(t);
    }
    match convert_tv(v, Some(ta.dtype), Mode::Convert) {
        Ok(t) => Ok(t),
        Err(_) => convert_tv(v, None, Mode::Convert),
    }
}

fn dtype_error(ta: DType, got: DType) -> Exc {
    Exc::new(
        "InvalidArgumentError",
        format!("TensorArray dtype is {} but Op is trying to write dtype {} ", ta.name(), got.name()),
    )
}

fn zeros(ta: &TensorArray) -> PyResult<Tensor> {
    let s = ta.elem_shape();
    match s.as_known() {
        Some(d) => Ok(Tensor::zeros(ta.dtype, &d)?),
        None => Err(Exc::value_error(format!(
            "Cannot create zeros for an element of unknown shape {s} of a TensorArray"
        ))),
    }
}

fn stack_eager(ta: &TensorArray, items: Vec<Tensor>) -> PyResult<Tensor> {
    if items.is_empty() {
        let s = ta.elem_shape();
        let mut d = s.as_known().ok_or_else(|| {
            Exc::value_error("Tried to stack elements of an empty list with non-fully-defined element_shape")
        })?;
        d.insert(0, 0);
        return Ok(Tensor::zeros(ta.dtype, &d)?);
    }
    let refs: Vec<&Tensor> = items.iter().collect();
    Ok(tfjit_tensor::op::run1("Pack", &refs, &attrs![("axis", Attr::Int(0))])?)
}

fn graph_op(hint: &str, op: &str, inputs: &[&TV], a: tfjit_tensor::Attrs) -> PyResult<TV> {
    run_op(hint, op, inputs, a)?
        .into_iter()
        .next()
        .ok_or_else(|| Exc::runtime_error(format!("{op} produced no output")))
}

fn shape_tv(s: &StaticShape) -> TV {
    TV::E(shape_to_tensor(s))
}

// ------------------------------------------------------------- operations

fn write(this: &Value, ta: &TensorArray, index: &Value, value: &Value) -> PyResult<Value> {
    let v = write_value(ta, value)?;
    if v.dtype() != ta.dtype {
        return Err(dtype_error(ta.dtype, v.dtype()));
    }
    match &ta.kind {
        TaKind::Eager(cell) => {
            let i = eager_index(index)?;
            let TV::E(t) = v else {
                return Err(Exc::type_error("a symbolic tensor cannot be written to an eager TensorArray"));
            };
            if i < 0 {
                return Err(out_of_range(format!("Writing to negative indices (index {i}) is not allowed.")));
            }
            let mut e = cell.borrow_mut();
            let size = e.elems.len();
            if i as usize >= size {
                if !ta.dynamic_size {
                    return Err(out_of_range(format!(
                        "Tried to write to index {i} but array is not resizeable and size is: {size} "
                    )));
                }
                e.elems.resize(i as usize + 1, None);
            }
            let cur = ta.elem_shape();
            let got = StaticShape::known(t.shape());
            if !cur.is_compatible_with(&got) {
                return Err(Exc::value_error(format!("Incompatible shape for value ({got}), expected ({cur})")));
            }
            if ta.infer_shape {
                if let Some(m) = merge_shapes(&cur, &got) {
                    *ta.element_shape.borrow_mut() = m;
                }
            }
            e.elems[i as usize] = Some(t);
            Ok(this.clone())
        }
        TaKind::Graph(flow) => {
            ta.check_element_shape(&v.shape())?;
            let idx = index_value(index)?;
            let out = graph_op(
                "TensorArrayV2Write/TensorListSetItem",
                "TensorListSetItem",
                &[&TV::S(flow.clone()), &idx, &v],
                attrs![
                    ("element_dtype", Attr::Type(ta.dtype)),
                    ("resize_if_index_out_of_bounds", Attr::Bool(ta.dynamic_size))
                ],
            )?;
            let TV::S(s) = out else { return Err(Exc::runtime_error("TensorListSetItem ran eagerly")) };
            Ok(Value::object(ta.with_flow(s)))
        }
    }
}

fn read(ta: &TensorArray, index: &Value) -> PyResult<Value> {
    match &ta.kind {
        TaKind::Eager(cell) => {
            let i = eager_index(index)?;
            let mut e = cell.borrow_mut();
            if i < 0 {
                return Err(out_of_range(format!("Reading from negative indices (index {i}) is not allowed.")));
            }
            let i = i as usize;
            if i >= e.elems.len() {
                return Err(out_of_range(format!("Tried to read from index {i} but array size is: {} ", e.elems.len())));
            }
            let t = match e.elems[i].clone() {
                Some(t) => t,
                None => {
                    if e.previously_read.contains(&i) {
                        return Err(Exc::new(
                            "InvalidArgumentError",
                            format!("Could not read index {i} twice because it was cleared after a previous read (perhaps try setting clear_after_read = false?)"),
                        ));
                    }
                    zeros(ta)?
                }
            };
            if ta.clear_after_read {
                e.elems[i] = None;
                e.previously_read.push(i);
            }
            Ok(crate::tf::util::tv(t))
        }
        TaKind::Graph(flow) => {
            let idx = index_value(index)?;
            let shape = shape_tv(&ta.elem_shape());
            let t = graph_op(
                "TensorArrayV2Read/TensorListGetItem",
                "TensorListGetItem",
                &[&TV::S(flow.clone()), &idx, &shape],
                attrs![("element_dtype", Attr::Type(ta.dtype))],
            )?;
            Ok(tvv(t))
        }
    }
}

fn stack(ta: &TensorArray) -> PyResult<Value> {
    match &ta.kind {
        TaKind::Eager(cell) => {
            let mut e = cell.borrow_mut();
            let mut items = Vec::with_capacity(e.elems.len());
            for i in 0..e.elems.len() {
                let t = match e.elems[i].clone() {
                    Some(t) => t,
                    None => {
                        let z = zeros(ta)?;
                        e.elems[i] = Some(z.clone());
                        z
                    }
                };
                items.push(t);
            }
            Ok(crate::tf::util::tv(stack_eager(ta, items)?))
        }
        TaKind::Graph(flow) => {
            let shape = shape_tv(&ta.elem_shape());
            let t = graph_op(
                "TensorArrayV2Stack/TensorListStack",
                "TensorListStack",
                &[&TV::S(flow.clone()), &shape],
                attrs![("element_dtype", Attr::Type(ta.dtype)), ("num_elements", Attr::Int(-1))],
            )?;
            Ok(tvv(t))
        }
    }
}

fn gather(ta: &TensorArray, indices: &Value) -> PyResult<Value> {
    match &ta.kind {
        TaKind::Eager(cell) => {
            let idx = match index_value(indices)? {
                TV::E(t) => t.to_i64_vec(),
                TV::S(_) => return Err(Exc::type_error("a symbolic index cannot be used with an eager TensorArray")),
            };
            let mut e = cell.borrow_mut();
            let mut items = Vec::with_capacity(idx.len());
            for i in idx {
                if i < 0 || i as usize >= e.elems.len() {
                    return Err(out_of_range(format!("Tried to read from index {i} but array size is: {} ", e.elems.len())));
                }
                let t = match e.elems[i as usize].clone() {
                    Some(t) => t,
                    None => {
                        let z = zeros(ta)?;
                        e.elems[i as usize] = Some(z.clone());
                        z
                    }
                };
                items.push(t);
            }
            Ok(crate::tf::util::tv(stack_eager(ta, items)?))
        }
        TaKind::Graph(flow) => {
            let idx = index_value(indices)?;
            let shape = shape_tv(&ta.elem_shape());
            let t = graph_op(
                "TensorArrayV2Gather/TensorListGather",
                "TensorListGather",
                &[&TV::S(flow.clone()), &idx, &shape],
                attrs![("element_dtype", Attr::Type(ta.dtype))],
            )?;
            Ok(tvv(t))
        }
    }
}

fn unstack(this: &Value, ta: &TensorArray, value: &Value) -> PyResult<Value> {
    let v = write_value(ta, value)?;
    if v.dtype() != ta.dtype {
        return Err(dtype_error(ta.dtype, v.dtype()));
    }
    let rank = v.known_rank("TensorArray.unstack")?;
    if rank == 0 {
        return Err(Exc::value_error("Shape must be at least rank 1 but is rank 0"));
    }
    match &ta.kind {
        TaKind::Eager(cell) => {
            let TV::E(t) = v else { return Err(Exc::type_error("a symbolic tensor cannot be unstacked into an eager TensorArray")) };
            let n = t.shape()[0];
            let rows = if n == 0 {
                vec![]
            } else {
                tfjit_tensor::op::run("Unpack", &[&t], &attrs![("num", Attr::Int(n as i64)), ("axis", Attr::Int(0))])?
            };
            let mut e = cell.borrow_mut();
            if rows.len() > e.elems.len() && !ta.dynamic_size {
                return Err(Exc::value_error(format!(
                    "Cannot unstack {} tensors into a TensorArray of static size {} ",
                    rows.len(),
                    e.elems.len()
                )));
            }
            if ta.infer_shape {
                let got = StaticShape::known(&t.shape()[1..]);
                if let Some(m) = merge_shapes(&ta.elem_shape(), &got) {
                    *ta.element_shape.borrow_mut() = m;
                }
            }
            e.elems = rows.into_iter().map(Some).collect();
            Ok(this.clone())
        }
        TaKind::Graph(_) => {
            let elem = match v.shape().dims {
                Some(d) => StaticShape::partial(d[1..].to_vec()),
                None => StaticShape::unknown_rank(),
            };
            ta.check_element_shape(&elem)?;
            let shape = shape_tv(&ta.elem_shape());
            let flow = graph_op(
                "TensorArrayUnstack/TensorListFromTensor",
                "TensorListFromTensor",
                &[&v, &shape],
                attrs![("element_dtype", Attr::Type(ta.dtype))],
            )?;
            let TV::S(s) = flow else { return Err(Exc::runtime_error("TensorListFromTensor ran eagerly")) };
            Ok(Value::object(ta.with_flow(s)))
        }
    }
}

fn size(ta: &TensorArray) -> PyResult<Value> {
    match &ta.kind {
        TaKind::Eager(cell) => Ok(crate::tf::util::tv(Tensor::scalar_i32(cell.borrow().elems.len() as i32))),
        TaKind::Graph(flow) => Ok(tvv(graph_op("TensorArrayV2Size/TensorListLength", "TensorListLength", &[&TV::S(flow.clone())], attrs![])?)),
    }
}

/// `tf.TensorArray(dtype, size=None, dynamic_size=None, clear_after_read=None,
/// tensor_array_name=None, handle=None, flow=None, infer_shape=True,
/// element_shape=None, colocate_with_first_write_call=True, name=None)`.
pub fn tensor_array_ctor(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [dtype, size, dynamic, clear, _tan, handle, flow, infer, eshape, _colo, _name] = args.bind(
        "TensorArray",
        [
            "dtype",
            "size",
            "dynamic_size",
            "clear_after_read",
            "tensor_array_name",
            "handle",
            "flow",
            "infer_shape",
            "element_shape",
            "colocate_with_first_write_call",
            "name",
        ],
        1,
    )?;
    let dtype = opt_dtype(&dtype, interp)?.ok_or_else(|| Exc::type_error("TensorArray() missing required argument 'dtype'"))?;
    if !matches!(handle, None | Some(Value::None)) || !matches!(flow, None | Some(Value::None)) {
        return Err(Exc::not_implemented("TensorArray handle= and flow= are not supported by tfjit"));
    }
    let dynamic_size = bool_arg(&dynamic, false, interp)?;
    let clear_after_read = bool_arg(&clear, true, interp)?;
    let infer_shape = bool_arg(&infer, true, interp)?;
    let element_shape = match &eshape {
        None | Some(Value::None) => StaticShape::unknown_rank(),
        Some(v) => as_shape(v)?,
    };
    let size = match size {
        None | Some(Value::None) => {
            return Err(Exc::value_error("Size must be declared for TensorArrays when eager execution is enabled."))
        }
        Some(v) => convert_tv(&v, Some(DType::Int32), Mode::Convert)?,
    };
    let kind = if trace::tracing() {
        let shape = shape_tv(&element_shape);
        let flow = graph_op(
            "TensorArrayV2/TensorListReserve",
            "TensorListReserve",
            &[&shape, &size],
            attrs![("element_dtype", Attr::Type(dtype)), ("shape_type", Attr::Type(DType::Int32))],
        )?;
        let TV::S(s) = flow else { return Err(Exc::runtime_error("TensorListReserve ran eagerly")) };
        TaKind::Graph(s)
    } else {
        let n = match &size {
            TV::E(t) if t.num_elements() == 1 => t.get_i64(0),
            _ => return Err(Exc::value_error("TensorArray size must be a scalar")),
        };
        if n < 0 {
            return Err(Exc::value_error(format!("TensorArray size must be non-negative, got {n}")));
        }
        TaKind::Eager(RefCell::new(EagerTa { elems: vec![None; n as usize], previously_read: vec![] }))
    };
    Ok(Value::object(TensorArray {
        dtype,
        dynamic_size,
        clear_after_read,
        infer_shape,
        element_shape: Rc::new(RefCell::new(element_shape)),
        kind,
    }))
}

fn ta_of(this: &Value) -> PyResult<&TensorArray> {
    this.downcast::<TensorArray>().ok_or_else(|| Exc::type_error("not a TensorArray"))
}

impl Object for TensorArray {
    fn type_name(&self) -> &'static str {
        "TensorArray"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        native == "TensorArray"
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<tensorflow.python.ops.tensor_array_ops.TensorArray object at {:#x}>", self as *const TensorArray as usize))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "dtype" => dtype_value(self.dtype),
            "dynamic_size" => Value::Bool(self.dynamic_size),
            "element_shape" => shape_value(self.elem_shape()),
            "flow" => match &self.kind {
                TaKind::Graph(s) => crate::tf::symbolic::sym_value(s.clone()),
                TaKind::Eager(_) => crate::tf::util::tv(Tensor::scalar_i32(0)),
            },
            "write" => method(name, this, |_i, this, args| {
                let [index, value, _name] = args.bind("write", ["index", "value", "name"], 2)?;
                write(this, ta_of(this)?, &index.unwrap_or(Value::None), &value.unwrap_or(Value::None))
            }),
            "read" => method(name, this, |_i, this, args| {
                let [index, _name] = args.bind("read", ["index", "name"], 1)?;
                read(ta_of(this)?, &index.unwrap_or(Value::None))
            }),
            "stack" => method(name, this, |_i, this, args| {
                args.bind("stack", ["name"], 0)?;
                stack(ta_of(this)?)
            }),
            "gather" => method(name, this, |_i, this, args| {
                let [indices, _name] = args.bind("gather", ["indices", "name"], 1)?;
                gather(ta_of(this)?, &indices.unwrap_or(Value::None))
            }),
            "unstack" => method(name, this, |_i, this, args| {
                let [value, _name] = args.bind("unstack", ["value", "name"], 1)?;
                unstack(this, ta_of(this)?, &value.unwrap_or(Value::None))
            }),
            "size" => method(name, this, |_i, this, args| {
                args.bind("size", ["name"], 0)?;
                size(ta_of(this)?)
            }),
            "identity" | "mark_used" => method(name, this, |_i, this, _args| Ok(this.clone())),
            "close" => method(name, this, |_i, this, _args| {
                if let TaKind::Eager(c) = &ta_of(this)?.kind {
                    c.borrow_mut().elems.clear();
                }
                Ok(Value::None)
            }),
            _ => return Ok(None),
        }))
    }
}
