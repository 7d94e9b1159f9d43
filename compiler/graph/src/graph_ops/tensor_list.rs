//! `TensorList*` ops: the storage of a `tf.TensorArray` inside a graph
//! (TF 2's `_GraphTensorArrayV2`). A list is a value of its own
//! ([`RtValue::List`], static type [`ValueType::List`]) that flows through
//! `If`/`While` like a tensor; every op returns a new list.

use super::*;

use crate::value::TensorList;
use tfjit_tensor::{attrs, StaticShape, Tensor, TensorType, TfError, TfResult};

fn list_type<'a>(cx: &'a InferCtx, i: usize) -> TfResult<&'a TensorType> {
    match cx.inputs.get(i) {
        Some(ValueType::List(t)) => Ok(t),
        Some(other) => Err(TfError::type_error(format!(
            "Input {i} of '{}' Op has type {} that does not match expected type of variant.",
            cx.op,
            other.dtype_name()
        ))),
        None => Err(TfError::value(format!("{} expects a list input", cx.op))),
    }
}

fn list_in<'a>(op: &str, xs: &'a [RtValue], i: usize) -> TfResult<&'a TensorList> {
    match xs.get(i) {
        Some(RtValue::List(l)) => Ok(l),
        Some(v) => Err(internal(format!(
            "{op}: input {i} must be a list, got a {}",
            v.kind_name()
        ))),
        None => Err(internal(format!("{op}: missing input {i}"))),
    }
}

/// The element shape an `element_shape` input encodes: `-1` (unknown rank)
/// or a vector with `-1` for unknown dims.
pub fn shape_from_tensor(t: &Tensor) -> StaticShape {
    if t.rank() == 0 {
        return StaticShape::unknown_rank();
    }
    StaticShape::partial(
        t.to_i64_vec()
            .into_iter()
            .map(|d| if d < 0 { None } else { Some(d as usize) })
            .collect(),
    )
}

/// The `element_shape` input for a static shape (TF's `_build_element_shape`).
pub fn shape_to_tensor(s: &StaticShape) -> Tensor {
    match &s.dims {
        None => Tensor::scalar_i32(-1),
        Some(d) => Tensor::vec_i32(d.iter().map(|x| x.map_or(-1, |v| v as i32)).collect()),
    }
}

/// The most specific shape of both (TF's `merge_with`), or `None` if they
/// are incompatible.
pub fn merge_shapes(a: &StaticShape, b: &StaticShape) -> Option<StaticShape> {
    match (&a.dims, &b.dims) {
        (None, _) => Some(b.clone()),
        (_, None) => Some(a.clone()),
        (Some(x), Some(y)) => {
            if x.len() != y.len() {
                return None;
            }
            let mut out = Vec::with_capacity(x.len());
            for (p, q) in x.iter().zip(y) {
                match (p, q) {
                    (Some(p), Some(q)) if p != q => return None,
                    (Some(p), _) => out.push(Some(*p)),
                    (None, q) => out.push(*q),
                }
            }
            Some(StaticShape::partial(out))
        }
    }
}

fn const_shape(cx: &InferCtx, i: usize) -> StaticShape {
    cx.values
        .get(i)
        .copied()
        .flatten()
        .map(shape_from_tensor)
        .unwrap_or_else(StaticShape::unknown_rank)
}

fn scalar_index(op: &str, xs: &[RtValue], i: usize) -> TfResult<i64> {
    let t = tensor_in(op, xs, i)?;
    if t.num_elements() != 1 {
        return Err(TfError::invalid_argument(format!(
            "{op}: index must be a scalar, got shape {:?}",
            t.shape()
        )));
    }
    Ok(t.get_i64(0))
}

/// Zeros of the list's element shape (for unset elements).
fn zeros_of(op: &str, l: &TensorList, hint: &StaticShape) -> TfResult<Tensor> {
    let shape = merge_shapes(&l.element_shape, hint).unwrap_or_else(|| l.element_shape.clone());
    let known = shape.as_known().or_else(|| {
        l.elems
            .iter()
            .flatten()
            .next()
            .map(|t| t.shape().to_vec())
    });
    match known {
        Some(dims) => Tensor::zeros(l.dtype, &dims),
        None => Err(TfError::invalid_argument(format!(
            "{op}: Trying to read an uninitialized tensor but element_shape is not fully defined: {shape} and no list element is set."
        ))),
    }
}

fn elem_or_zeros(op: &str, l: &TensorList, i: usize, hint: &StaticShape) -> TfResult<Tensor> {
    match l.elems.get(i) {
        Some(Some(t)) => Ok(t.clone()),
        _ => zeros_of(op, l, hint),
    }
}

fn list_out(l: TensorList) -> Vec<RtValue> {
    vec![RtValue::List(std::sync::Arc::new(l))]
}

/// `TensorListReserve(element_shape, num_elements; element_dtype)`.
pub static TENSOR_LIST_RESERVE: GraphOpDef = GraphOpDef {
    name: "TensorListReserve",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let d = cx.attrs.get_type("element_dtype")?;
        Ok(vec![ValueType::List(TensorType::new(d, const_shape(cx, 0)))])
    },
    run: |cx, xs| {
        let d = cx.node.attrs.get_type("element_dtype")?;
        let shape = shape_from_tensor(tensor_in("TensorListReserve", xs, 0)?);
        let n = scalar_index("TensorListReserve", xs, 1)?;
        if n < 0 {
            return Err(TfError::invalid_argument(format!(
                "The num_elements to reserve must be a non negative number, but got {n}"
            )));
        }
        Ok(list_out(TensorList { dtype: d, element_shape: shape, elems: vec![None; n as usize] }))
    },
};

/// `TensorListFromTensor(tensor, element_shape)`: a list of the rows of `tensor`.
pub static TENSOR_LIST_FROM_TENSOR: GraphOpDef = GraphOpDef {
    name: "TensorListFromTensor",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let t = tensor_type(cx, 0)?;
        let elem = match &t.shape.dims {
            Some(d) if d.is_empty() => {
                return Err(TfError::value("TensorListFromTensor requires a tensor of rank >= 1"))
            }
            Some(d) => StaticShape::partial(d[1..].to_vec()),
            None => StaticShape::unknown_rank(),
        };
        Ok(vec![ValueType::List(TensorType::new(t.dtype, elem))])
    },
    run: |_cx, xs| {
        let t = tensor_in("TensorListFromTensor", xs, 0)?;
        if t.rank() == 0 {
            return Err(TfError::invalid_argument("Tensor must be at least a vector, but saw shape: []"));
        }
        let n = t.shape()[0];
        let rows = if n == 0 {
            vec![]
        } else {
            tfjit_tensor::op::run("Unpack", &[t], &attrs![("num", Attr::Int(n as i64)), ("axis", Attr::Int(0))])?
        };
        Ok(list_out(TensorList {
            dtype: t.dtype(),
            element_shape: StaticShape::known(&t.shape()[1..]),
            elems: rows.into_iter().map(Some).collect(),
        }))
    },
};

/// `TensorListSetItem(list, index, item; resize_if_index_out_of_bounds)`.
pub static TENSOR_LIST_SET_ITEM: GraphOpDef = GraphOpDef {
    name: "TensorListSetItem",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 3)?;
        let l = list_type(cx, 0)?;
        let item = tensor_type(cx, 2)?;
        if item.dtype != l.dtype {
            return Err(TfError::invalid_argument(format!(
                "Invalid data types; list elements {} but tried to append {}",
                l.dtype.name(),
                item.dtype.name()
            )));
        }
        let merged = merge_shapes(&l.shape, &item.shape).unwrap_or_else(|| l.shape.clone());
        Ok(vec![ValueType::List(TensorType::new(l.dtype, merged))])
    },
    run: |cx, xs| {
        let l = Arc::new(list_in("TensorListSetItem", xs, 0)?.clone());
        set_item(cx, l, xs)
    },
};

/// `TensorListSetItem` on a list the caller may consume: `l` is updated in
/// place when no one else holds it (a loop writing one element per
/// iteration then costs O(1), not a copy of the list).
fn set_item(cx: &RunCtx, mut l: Arc<TensorList>, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let op = "TensorListSetItem";
    let i = scalar_index(op, xs, 1)?;
    let item = tensor_in(op, xs, 2)?;
    if item.dtype() != l.dtype {
        return Err(TfError::invalid_argument(format!(
            "Invalid data types; op elements {} but list elements {}",
            item.dtype().name(),
            l.dtype.name()
        )));
    }
    let shape = StaticShape::known(item.shape());
    let merged = merge_shapes(&l.element_shape, &shape).ok_or_else(|| {
        TfError::invalid_argument(format!(
            "Tried to set a tensor with incompatible shape at a list index. Item element shape: {shape} list shape: {}",
            l.element_shape
        ))
    })?;
    let resize = cx.node.attrs.bool_or("resize_if_index_out_of_bounds", false);
    if i < 0 || (i as usize >= l.elems.len() && !resize) {
        return Err(TfError::invalid_argument(format!(
            "Trying to modify element {i} in a list with {} elements.",
            l.elems.len()
        )));
    }
    let i = i as usize;
    let lm = Arc::make_mut(&mut l);
    if i >= lm.elems.len() {
        lm.elems.resize(i + 1, None);
    }
    lm.elems[i] = Some(item.clone());
    if lm.element_shape != merged {
        lm.element_shape = merged;
    }
    Ok(vec![RtValue::List(l)])
}

/// The list input 0 taken out of owned inputs (no reference count added).
fn take_list(op: &str, xs: &mut [RtValue]) -> TfResult<Arc<TensorList>> {
    list_in(op, xs, 0)?;
    match xs.first_mut().map(|v| std::mem::replace(v, RtValue::Str(String::new()))) {
        Some(RtValue::List(l)) => Ok(l),
        _ => Err(internal(format!("{op}: input 0 must be a list"))),
    }
}

/// Runs a list op on inputs it may consume; list ops that return an updated
/// list (`TensorListSetItem`, `TensorListPushBack`, `TensorListPopBack`)
/// update it in place when the caller held its only reference. `None` for
/// other ops.
pub fn run_owned(cx: &mut RunCtx, xs: &mut [RtValue]) -> Option<TfResult<Vec<RtValue>>> {
    let name = cx.node.op.name();
    let r = match name {
        "TensorListSetItem" => take_list(name, xs).and_then(|l| set_item(cx, l, xs)),
        "TensorListPushBack" => take_list(name, xs).and_then(|l| push_back(l, xs)),
        "TensorListPopBack" => take_list(name, xs).and_then(|l| pop_back(l, xs)),
        _ => return None,
    };
    Some(r)
}

/// `TensorListGetItem(list, index, element_shape; element_dtype)`.
pub static TENSOR_LIST_GET_ITEM: GraphOpDef = GraphOpDef {
    name: "TensorListGetItem",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 3)?;
        let l = list_type(cx, 0)?;
        let hint = const_shape(cx, 2);
        let s = merge_shapes(&l.shape, &hint).unwrap_or_else(|| l.shape.clone());
        Ok(vec![ValueType::Tensor(TensorType::new(l.dtype, s))])
    },
    run: |_cx, xs| {
        let op = "TensorListGetItem";
        let l = list_in(op, xs, 0)?;
        let i = scalar_index(op, xs, 1)?;
        let hint = shape_from_tensor(tensor_in(op, xs, 2)?);
        if i < 0 || i as usize >= l.elems.len() {
            return Err(TfError::invalid_argument(format!(
                "Trying to access element {i} in a list with {} elements.",
                l.elems.len()
            )));
        }
        Ok(vec![RtValue::Tensor(elem_or_zeros(op, l, i as usize, &hint)?)])
    },
};

fn stacked(op: &str, l: &TensorList, items: Vec<Tensor>, hint: &StaticShape) -> TfResult<Tensor> {
    if items.is_empty() {
        let shape = merge_shapes(&l.element_shape, hint).unwrap_or_else(|| l.element_shape.clone());
        let Some(mut dims) = shape.as_known() else {
            return Err(TfError::invalid_argument(format!(
                "{op}: Tried to stack elements of an empty list with non-fully-defined element_shape: {shape}"
            )));
        };
        dims.insert(0, 0);
        return Tensor::zeros(l.dtype, &dims);
    }
    if let Some(t) = concat_rows(&items) {
        return t;
    }
    let refs: Vec<&Tensor> = items.iter().collect();
    tfjit_tensor::op::run1("Pack", &refs, &attrs![("axis", Attr::Int(0))])
}

/// `Pack` along axis 0 of items of one shape and dtype: their buffers
/// appended in order (one copy each). `None` when shapes or dtypes differ;
/// then `Pack` runs for its error.
fn concat_rows(items: &[Tensor]) -> Option<TfResult<Tensor>> {
    use tfjit_tensor::Data;
    let first = items.first()?;
    if items.iter().any(|t| t.shape() != first.shape() || t.dtype() != first.dtype()) {
        return None;
    }
    let mut dims = Vec::with_capacity(first.rank() + 1);
    dims.push(items.len());
    dims.extend_from_slice(first.shape());
    let n = match tfjit_tensor::tensor::checked_num_elements(&dims, first.dtype()) {
        Ok(n) => n,
        Err(e) => return Some(Err(e)),
    };
    macro_rules! cat {
        ($V:ident) => {{
            let parts: Vec<&[_]> = items.iter().filter_map(|t| if let Data::$V(x) = t.data() { Some(x.as_slice()) } else { None }).collect();
            Data::$V(concat_parts(&parts, n))
        }};
    }
    let data = match first.data() {
        Data::F32(_) => cat!(F32),
        Data::F64(_) => cat!(F64),
        Data::I32(_) => cat!(I32),
        Data::I64(_) => cat!(I64),
        Data::Bool(_) => cat!(Bool),
    };
    Some(Tensor::new(dims, data))
}

/// Bytes from which [`concat_parts`] copies on all cores (an RNN's stacked
/// outputs, 3.2 MB: 266 µs on one core).
const PARALLEL_COPY_BYTES: usize = 1 << 20;

/// `parts` appended in order (`n` elements in all), the copies split over
/// the pool for large results.
fn concat_parts<T: Copy + Send + Sync>(parts: &[&[T]], n: usize) -> Vec<T> {
    let threads = tfjit_tensor::pool::threads();
    if n.saturating_mul(std::mem::size_of::<T>()) < PARALLEL_COPY_BYTES || threads < 2 || parts.len() < 2 || parts.iter().map(|p| p.len()).sum::<usize>() != n {
        let mut v = Vec::with_capacity(n);
        for p in parts {
            v.extend_from_slice(p);
        }
        return v;
    }
    let mut v: Vec<T> = Vec::with_capacity(n);
    // Where each part starts in the result.
    let starts: Vec<usize> = parts.iter().scan(0, |at, p| {
        let s = *at;
        *at += p.len();
        Some(s)
    }).collect();
    struct Dst<T>(*mut T);
    // SAFETY: blocks below write disjoint ranges of the buffer, and
    // `run_blocks` returns only after all of them.
    unsafe impl<T: Send> Sync for Dst<T> {}
    let dst = Dst(v.as_mut_ptr());
    let per = parts.len().div_ceil(threads);
    tfjit_tensor::pool::run_blocks(threads, &|b| {
        let dst = &dst;
        for (p, &s) in parts.iter().zip(&starts).skip(b * per).take(per) {
            // SAFETY: part `p` goes to `s..s + p.len()`, inside the `n`
            // reserved elements (the parts' lengths sum to `n`), and the
            // ranges of different parts do not overlap.
            unsafe { std::ptr::copy_nonoverlapping(p.as_ptr(), dst.0.add(s), p.len()) };
        }
    });
    // SAFETY: every element of `0..n` was written by exactly one part.
    unsafe { v.set_len(n) };
    v
}

fn stacked_type(cx: &InferCtx, lead: Option<usize>) -> TfResult<Vec<ValueType>> {
    let l = list_type(cx, 0)?;
    let hint = const_shape(cx, cx.inputs.len() - 1);
    let s = merge_shapes(&l.shape, &hint).unwrap_or_else(|| l.shape.clone());
    let dims = match s.dims {
        Some(d) => {
            let mut v = vec![lead];
            v.extend(d);
            StaticShape::partial(v)
        }
        None => StaticShape::unknown_rank(),
    };
    Ok(vec![ValueType::Tensor(TensorType::new(l.dtype, dims))])
}

/// `TensorListStack(list, element_shape; element_dtype, num_elements)`.
pub static TENSOR_LIST_STACK: GraphOpDef = GraphOpDef {
    name: "TensorListStack",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let n = cx.attrs.int_or("num_elements", -1);
        stacked_type(cx, if n >= 0 { Some(n as usize) } else { None })
    },
    run: |_cx, xs| {
        let op = "TensorListStack";
        let l = list_in(op, xs, 0)?;
        let hint = shape_from_tensor(tensor_in(op, xs, 1)?);
        let items = (0..l.elems.len())
            .map(|i| elem_or_zeros(op, l, i, &hint))
            .collect::<TfResult<Vec<_>>>()?;
        Ok(vec![RtValue::Tensor(stacked(op, l, items, &hint)?)])
    },
};

/// `TensorListGather(list, indices, element_shape; element_dtype)`.
pub static TENSOR_LIST_GATHER: GraphOpDef = GraphOpDef {
    name: "TensorListGather",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 3)?;
        let idx = tensor_type(cx, 1)?;
        let lead = idx.shape.dims.as_ref().and_then(|d| d.first().copied().flatten());
        stacked_type(cx, lead)
    },
    run: |_cx, xs| {
        let op = "TensorListGather";
        let l = list_in(op, xs, 0)?;
        let idx = tensor_in(op, xs, 1)?;
        let hint = shape_from_tensor(tensor_in(op, xs, 2)?);
        let mut items = Vec::new();
        for i in idx.to_i64_vec() {
            if i < 0 || i as usize >= l.elems.len() {
                return Err(TfError::invalid_argument(format!(
                    "Trying to gather element {i} in a list with {} elements.",
                    l.elems.len()
                )));
            }
            items.push(elem_or_zeros(op, l, i as usize, &hint)?);
        }
        Ok(vec![RtValue::Tensor(stacked(op, l, items, &hint)?)])
    },
};

/// `TensorListLength(list)`: the number of elements, an int32 scalar.
pub static TENSOR_LIST_LENGTH: GraphOpDef = GraphOpDef {
    name: "TensorListLength",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 1)?;
        list_type(cx, 0)?;
        Ok(vec![ValueType::Tensor(TensorType::known(tfjit_tensor::DType::Int32, &[]))])
    },
    run: |_cx, xs| {
        let l = list_in("TensorListLength", xs, 0)?;
        Ok(vec![RtValue::Tensor(Tensor::scalar_i32(l.elems.len() as i32))])
    },
};

/// `EmptyTensorList(element_shape, max_num_elements; element_dtype)`: a new
/// empty list (the per-iteration accumulators of a differentiated `While`,
/// as TF's `while_v2` builds them).
pub static EMPTY_TENSOR_LIST: GraphOpDef = GraphOpDef {
    name: "EmptyTensorList",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let d = cx.attrs.get_type("element_dtype")?;
        Ok(vec![ValueType::List(TensorType::new(d, const_shape(cx, 0)))])
    },
    run: |cx, xs| {
        let d = cx.node.attrs.get_type("element_dtype")?;
        let shape = shape_from_tensor(tensor_in("EmptyTensorList", xs, 0)?);
        Ok(list_out(TensorList { dtype: d, element_shape: shape, elems: Vec::new() }))
    },
};

/// `TensorListPushBack(input_handle, tensor; element_dtype)`: the list with
/// `tensor` appended.
pub static TENSOR_LIST_PUSH_BACK: GraphOpDef = GraphOpDef {
    name: "TensorListPushBack",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let l = list_type(cx, 0)?;
        let item = tensor_type(cx, 1)?;
        if item.dtype != l.dtype {
            return Err(TfError::invalid_argument(format!(
                "Invalid data types; list elements {} but tried to append {}",
                l.dtype.name(),
                item.dtype.name()
            )));
        }
        Ok(vec![ValueType::List(l.clone())])
    },
    run: |_cx, xs| {
        let l = Arc::new(list_in("TensorListPushBack", xs, 0)?.clone());
        push_back(l, xs)
    },
};

fn push_back(mut l: Arc<TensorList>, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let op = "TensorListPushBack";
    let item = tensor_in(op, xs, 1)?;
    if item.dtype() != l.dtype {
        return Err(TfError::invalid_argument(format!(
            "Invalid data types; input elements {} but list elements {}",
            item.dtype().name(),
            l.dtype.name()
        )));
    }
    let shape = StaticShape::known(item.shape());
    if merge_shapes(&l.element_shape, &shape).is_none() {
        return Err(TfError::invalid_argument(format!(
            "Tried to append a tensor with incompatible shape to a list. Op element shape: {shape} list shape: {}",
            l.element_shape
        )));
    }
    Arc::make_mut(&mut l).elems.push(Some(item.clone()));
    Ok(vec![RtValue::List(l)])
}

/// `TensorListPopBack(input_handle, element_shape; element_dtype)`: the list
/// without its last element, and that element.
pub static TENSOR_LIST_POP_BACK: GraphOpDef = GraphOpDef {
    name: "TensorListPopBack",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 2)?;
        let l = list_type(cx, 0)?.clone();
        let hint = const_shape(cx, 1);
        let s = merge_shapes(&l.shape, &hint).unwrap_or_else(|| l.shape.clone());
        Ok(vec![ValueType::List(l.clone()), ValueType::Tensor(TensorType::new(l.dtype, s))])
    },
    run: |_cx, xs| {
        let l = Arc::new(list_in("TensorListPopBack", xs, 0)?.clone());
        pop_back(l, xs)
    },
};

fn pop_back(mut l: Arc<TensorList>, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let op = "TensorListPopBack";
    let hint = shape_from_tensor(tensor_in(op, xs, 1)?);
    let Some(last) = l.elems.len().checked_sub(1) else {
        return Err(TfError::invalid_argument("Trying to pop from an empty list."));
    };
    let item = elem_or_zeros(op, &l, last, &hint)?;
    Arc::make_mut(&mut l).elems.truncate(last);
    Ok(vec![RtValue::List(l), RtValue::Tensor(item)])
}
