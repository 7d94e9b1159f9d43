//! Variable ops: `ReadVariableOp` and the `Assign*VariableOp`s, through the [`Runtime`]'s variable store.

use super::*;

use crate::value::shape_text;
use tfjit_tensor::{Attrs, StaticShape, Tensor, TfError, TfResult};

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

fn assign_update(cx: &mut RunCtx, xs: &[RtValue], op: Option<&str>) -> TfResult<Vec<RtValue>> {
    let name = cx.node.op.name();
    let id = resource_in(name, xs, 0)?;
    let val = tensor_in(name, xs, 1)?;
    let new = match op {
        None => val.clone(),
        Some(op) => {
            let old = cx.rt.read_var(id)?;
            check_same_shape(&old, val)?;
            tfjit_tensor::op::run1(op, &[&old, val], &Attrs::new())?
        }
    };
    cx.rt.assign_var(id, new)?;
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
