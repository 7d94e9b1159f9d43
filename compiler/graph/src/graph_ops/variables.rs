//! Variable ops: `ReadVariableOp` and the `Assign*VariableOp`s, through the [`Runtime`]'s variable store.

use super::*;

use crate::value::shape_text;
use tfjit_tensor::{Attrs, Data, StaticShape, Tensor, TfError, TfResult};

/// `ReadVariableOp(resource)`: the variable's current value.
pub static READ_VARIABLE_OP: GraphOpDef = GraphOpDef {
    name: "ReadVariableOp",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Read,
    global_effect: false,
    infer: |cx| {
        arity(cx, 1)?;
        Ok(vec![ValueType::Tensor(handle_type(cx, 0)?.clone())])
    },
    run: |cx, xs| {
        let id = resource_in("ReadVariableOp", xs, 0)?;
        Ok(vec![RtValue::Tensor(cx.rt.read_var(id)?)])
    },
};

fn assign_infer(cx: &InferCtx) -> TfResult<Vec<ValueType>> {
    arity(cx, 2)?;
    let var = handle_type(cx, 0)?;
    let val = tensor_type(cx, 1)?;
    if var.dtype != val.dtype {
        return Err(TfError::type_error(format!(
            "Input 'value' of '{}' Op has type {} that does not match type {} of argument 'resource'.",
            cx.op,
            val.dtype.name(),
            var.dtype.name()
        )));
    }
    if !var.shape.is_compatible_with(&val.shape) {
        return Err(TfError::value(format!(
            "Shapes {} and {} are incompatible",
            var.shape, val.shape
        )));
    }
    Ok(vec![])
}

/// Checks the run-time shape of a new value against the variable's.
fn check_same_shape(old: &Tensor, new: &Tensor) -> TfResult<()> {
    if old.shape() != new.shape() {
        return Err(TfError::invalid_argument(format!(
            "Cannot update variable with shape {} using a Tensor with shape {}, shapes must be equal.",
            shape_text(&StaticShape::known(old.shape())),
            shape_text(&StaticShape::known(new.shape()))
        )));
    }
    Ok(())
}

/// Element count from which an in-place update is split across threads.
const PARALLEL_MIN: usize = 1 << 17;

/// `dst[i] = f(dst[i], src[i])`, split across cores for large buffers.
fn zip_update<T: Copy + Send + Sync>(dst: &mut [T], src: &[T], f: impl Fn(T, T) -> T + Copy + Send + Sync) {
    let threads = if dst.len() >= PARALLEL_MIN { tfjit_tensor::pool::threads() } else { 1 };
    let apply = |d: &mut [T], s: &[T]| {
        for (a, &b) in d.iter_mut().zip(s) {
            *a = f(*a, b);
        }
    };
    if threads <= 1 {
        apply(dst, src);
        return;
    }
    let per = dst.len().div_ceil(threads).div_ceil(16) * 16;
    // Each pool block takes its own chunk (disjoint `&mut` slices).
    let chunks: Vec<std::sync::Mutex<(&mut [T], &[T])>> =
        dst.chunks_mut(per).zip(src.chunks(per)).map(std::sync::Mutex::new).collect();
    tfjit_tensor::pool::run_blocks(chunks.len(), &|i| {
        if let Some(c) = chunks.get(i) {
            let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
            let (d, s) = &mut *c;
            apply(d, s);
        }
    });
}

/// `old op= val` in `old`'s own buffer, when nothing else shares it and
/// the dtypes agree (shapes were checked equal); the same arithmetic as
/// the `AddV2`/`Sub` reference kernels (IEEE floats, wrapping ints).
/// False when the update must allocate (or report an error) instead.
fn update_in_place(old: &mut Tensor, val: &Tensor, op: &str) -> bool {
    if old.dtype() != val.dtype() || old.shape() != val.shape() {
        return false;
    }
    let sub = op == "Sub";
    let Some(d) = old.data_mut() else { return false };
    // One monomorphic loop per dtype and op (vectorized by the compiler).
    match (d, val.data(), sub) {
        (Data::F32(a), Data::F32(b), true) => zip_update(a, b, |x, y| x - y),
        (Data::F32(a), Data::F32(b), false) => zip_update(a, b, |x, y| x + y),
        (Data::F64(a), Data::F64(b), true) => zip_update(a, b, |x, y| x - y),
        (Data::F64(a), Data::F64(b), false) => zip_update(a, b, |x, y| x + y),
        (Data::I32(a), Data::I32(b), true) => zip_update(a, b, i32::wrapping_sub),
        (Data::I32(a), Data::I32(b), false) => zip_update(a, b, i32::wrapping_add),
        (Data::I64(a), Data::I64(b), true) => zip_update(a, b, i64::wrapping_sub),
        (Data::I64(a), Data::I64(b), false) => zip_update(a, b, i64::wrapping_add),
        _ => return false,
    }
    true
}

/// `AssignAdd`/`AssignSub`: like TF, the variable's buffer is updated in
/// place when the variable holds the only reference to it. Any other
/// holder — a `read_value()` the program kept, a `ReadVariableOp` result
/// still alive in the running graph — keeps the buffer shared, and the
/// update then computes a new tensor, so a value once read never changes.
fn assign_op(cx: &mut RunCtx, id: crate::value::VarId, val: &Tensor, op: &str) -> TfResult<()> {
    let mut old = cx.rt.read_var(id)?;
    check_same_shape(&old, val)?;
    if old.dtype() != val.dtype() {
        // The reference kernel reports the mismatch.
        let new = tfjit_tensor::op::run1(op, &[&old, val], &Attrs::new())?;
        return cx.rt.assign_var(id, new);
    }
    // Park `val` in the variable (same dtype and shape as `old`) so `old`
    // is the only reference to its buffer unless someone else holds it.
    cx.rt.assign_var(id, val.clone())?;
    if update_in_place(&mut old, val, op) {
        // A new value, as an assignment gives (tapes key on tensor ids).
        return cx.rt.assign_var(id, old.renewed());
    }
    match tfjit_tensor::op::run1(op, &[&old, val], &Attrs::new()) {
        Ok(new) => cx.rt.assign_var(id, new),
        Err(e) => {
            cx.rt.assign_var(id, old)?;
            Err(e)
        }
    }
}

fn assign_update(cx: &mut RunCtx, xs: &[RtValue], op: Option<&str>) -> TfResult<Vec<RtValue>> {
    let name = cx.node.op.name();
    let id = resource_in(name, xs, 0)?;
    let val = tensor_in(name, xs, 1)?;
    match op {
        None => cx.rt.assign_var(id, val.clone())?,
        Some(op) => assign_op(cx, id, val, op)?,
    }
    Ok(vec![])
}

/// `AssignVariableOp(resource, value)`.
pub static ASSIGN_VARIABLE_OP: GraphOpDef = GraphOpDef {
    name: "AssignVariableOp",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Write,
    global_effect: false,
    infer: assign_infer,
    run: |cx, xs| assign_update(cx, xs, None),
};

/// `AssignAddVariableOp(resource, value)`.
pub static ASSIGN_ADD_VARIABLE_OP: GraphOpDef = GraphOpDef {
    name: "AssignAddVariableOp",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Write,
    global_effect: false,
    infer: assign_infer,
    run: |cx, xs| assign_update(cx, xs, Some("AddV2")),
};

/// `AssignSubVariableOp(resource, value)`.
pub static ASSIGN_SUB_VARIABLE_OP: GraphOpDef = GraphOpDef {
    name: "AssignSubVariableOp",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Write,
    global_effect: false,
    infer: assign_infer,
    run: |cx, xs| assign_update(cx, xs, Some("Sub")),
};
