//! Graph-level ops: the ops that exist only in graphs or need more than a
//! tensor kernel — argument and constant nodes, variable reads and writes
//! (through the [`Runtime`]), printing, and `If`/`While` with their nested
//! function graphs. Ordinary tensor ops come from `tfjit_tensor::op`.
//!
//! Like `OpDef`, each op is one definition: its shape/type rule, its kernel
//! and its class; plus what it does to variables (for automatic control
//! dependencies).

use crate::execute::Runtime;
use crate::graph::FuncGraph;
use crate::node::Node;
use crate::value::{RtValue, ValueType};
use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_tensor::op::{AttrsExt, OpClass};

mod control_flow;
mod printing;
pub mod tensor_list;
mod variables;

pub use control_flow::{
    func_arg_types, func_arity, func_output_types, relax_shape, ASSERT, IF, STATELESS_IF,
    STATELESS_WHILE, WHILE,
};
pub use tensor_list::{
    EMPTY_TENSOR_LIST, TENSOR_LIST_POP_BACK, TENSOR_LIST_PUSH_BACK, TENSOR_LIST_FROM_TENSOR, TENSOR_LIST_GATHER, TENSOR_LIST_GET_ITEM, TENSOR_LIST_LENGTH,
    TENSOR_LIST_RESERVE, TENSOR_LIST_SET_ITEM, TENSOR_LIST_STACK,
};
pub use printing::{PRINT_V2, STRING_FORMAT};
use tfjit_tensor::{Attr, Attrs, Tensor, TensorType, TfError, TfResult};
pub use variables::{
    ASSIGN_ADD_VARIABLE_OP, ASSIGN_SUB_VARIABLE_OP, ASSIGN_VARIABLE_OP, READ_VARIABLE_OP,
};

/// What an op does to the variables whose handles it takes as inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceEffect {
    /// Takes no handles.
    None,
    /// Only reads them (reads after a write are ordered after it).
    Read,
    /// May write them (ordered after earlier reads and writes).
    Write,
}

/// What shape inference of a graph op sees.
pub struct InferCtx<'a> {
    pub op: &'static str,
    pub inputs: &'a [ValueType],
    /// Each input's value when known statically (a `Const` input).
    pub values: &'a [Option<&'a Tensor>],
    pub attrs: &'a Attrs,
    pub funcs: &'a IndexMap<&'static str, Arc<FuncGraph>>,
}

/// What the kernel of a graph op sees.
pub struct RunCtx<'a> {
    pub node: &'a Node,
    pub rt: &'a mut dyn Runtime,
}

/// Type rule of a graph op: checks the inputs and returns the output types.
/// Errors are trace-time errors (`ValueError`/`TypeError` kinds).
pub type GraphInferFn = fn(&InferCtx) -> TfResult<Vec<ValueType>>;
/// Kernel of a graph op.
pub type GraphRunFn = fn(&mut RunCtx, &[RtValue]) -> TfResult<Vec<RtValue>>;

/// Everything about one graph-level op.
pub struct GraphOpDef {
    pub name: &'static str,
    pub class: OpClass,
    pub resource_effect: ResourceEffect,
    /// Has effects beyond its resource inputs (printing, stateful bodies).
    pub global_effect: bool,
    pub infer: GraphInferFn,
    pub run: GraphRunFn,
}

impl std::fmt::Debug for GraphOpDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GraphOpDef({})", self.name)
    }
}

/// Runs graph op `def` on inputs the caller gives up: ops that return an
/// updated copy of an input (the `TensorList` writes) update it in place
/// when the caller held its only reference. Same results and errors as
/// `(def.run)(cx, &xs)`.
pub fn run_consuming(def: &GraphOpDef, cx: &mut RunCtx, mut xs: Vec<RtValue>) -> TfResult<Vec<RtValue>> {
    match tensor_list::run_owned(cx, &mut xs) {
        Some(r) => r,
        None => (def.run)(cx, &xs),
    }
}

/// The op named `name`, if it is a graph-level op.
pub fn lookup(name: &str) -> Option<&'static GraphOpDef> {
    ALL.iter().copied().find(|d| d.name == name)
}

/// Every graph-level op.
pub static ALL: &[&GraphOpDef] = &[
    &PLACEHOLDER,
    &CONST,
    &NO_OP,
    &READ_VARIABLE_OP,
    &ASSIGN_VARIABLE_OP,
    &ASSIGN_ADD_VARIABLE_OP,
    &ASSIGN_SUB_VARIABLE_OP,
    &STRING_FORMAT,
    &PRINT_V2,
    &IF,
    &STATELESS_IF,
    &WHILE,
    &STATELESS_WHILE,
    &ASSERT,
    &TENSOR_LIST_RESERVE,
    &TENSOR_LIST_FROM_TENSOR,
    &TENSOR_LIST_SET_ITEM,
    &TENSOR_LIST_GET_ITEM,
    &TENSOR_LIST_STACK,
    &TENSOR_LIST_GATHER,
    &TENSOR_LIST_LENGTH,
    &EMPTY_TENSOR_LIST,
    &TENSOR_LIST_PUSH_BACK,
    &TENSOR_LIST_POP_BACK,
];

// ---------------------------------------------------------------- helpers

pub(crate) fn internal(msg: impl Into<String>) -> TfError {
    TfError::invalid_argument(msg)
}

pub(crate) fn arity(cx: &InferCtx, n: usize) -> TfResult<()> {
    if cx.inputs.len() != n {
        return Err(TfError::value(format!(
            "{} expects {n} inputs, got {}",
            cx.op,
            cx.inputs.len()
        )));
    }
    Ok(())
}

pub(crate) fn tensor_in<'a>(op: &str, xs: &'a [RtValue], i: usize) -> TfResult<&'a Tensor> {
    match xs.get(i) {
        Some(RtValue::Tensor(t)) => Ok(t),
        Some(v) => Err(internal(format!(
            "{op}: input {i} must be a tensor, got a {}",
            v.kind_name()
        ))),
        None => Err(internal(format!("{op}: missing input {i}"))),
    }
}

pub(crate) fn resource_in(op: &str, xs: &[RtValue], i: usize) -> TfResult<crate::VarId> {
    match xs.get(i) {
        Some(RtValue::Resource(id)) => Ok(*id),
        Some(v) => Err(internal(format!(
            "{op}: input {i} must be a resource, got a {}",
            v.kind_name()
        ))),
        None => Err(internal(format!("{op}: missing input {i}"))),
    }
}

pub(crate) fn str_attr<'a>(attrs: &'a Attrs, name: &str, default: &'a str) -> &'a str {
    match attrs.get(name) {
        Some(Attr::Str(s)) => s,
        _ => default,
    }
}

/// The handle's variable type, for ops taking a resource as input `i`.
pub(crate) fn handle_type<'a>(cx: &'a InferCtx, i: usize) -> TfResult<&'a TensorType> {
    match cx.inputs.get(i) {
        Some(ValueType::Resource(t)) => Ok(t),
        Some(other) => Err(TfError::type_error(format!(
            "Input {i} of '{}' Op has type {} that does not match expected type of resource.",
            cx.op,
            other.dtype_name()
        ))),
        None => Err(TfError::value(format!(
            "{} expects a resource input",
            cx.op
        ))),
    }
}

pub(crate) fn tensor_type<'a>(cx: &'a InferCtx, i: usize) -> TfResult<&'a TensorType> {
    match cx.inputs.get(i) {
        Some(ValueType::Tensor(t)) => Ok(t),
        Some(other) => Err(TfError::type_error(format!(
            "Input {i} of '{}' Op must be a numeric tensor, got {}",
            cx.op,
            other.dtype_name()
        ))),
        None => Err(TfError::value(format!("{} expects input {i}", cx.op))),
    }
}

// ------------------------------------------------------- args and constants

fn not_inferred(cx: &InferCtx) -> TfResult<Vec<ValueType>> {
    Err(TfError::not_implemented(format!(
        "{} nodes are created with GraphBuilder::add_placeholder / capture_*",
        cx.op
    )))
}

/// `Placeholder`: a function argument or capture; the executor feeds it.
pub static PLACEHOLDER: GraphOpDef = GraphOpDef {
    name: "Placeholder",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: not_inferred,
    run: |cx, _| {
        Err(internal(format!(
            "You must feed a value for placeholder tensor '{}'",
            cx.node.name
        )))
    },
};

/// `Const`: attr `value` (the tensor) and `dtype`.
pub static CONST: GraphOpDef = GraphOpDef {
    name: "Const",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 0)?;
        let t = cx
            .attrs
            .get_tensor("value")
            .map_err(|e| TfError::value(e.message))?;
        Ok(vec![ValueType::Tensor(t.tensor_type())])
    },
    run: |cx, _| {
        Ok(vec![RtValue::Tensor(
            cx.node.attrs.get_tensor("value")?.clone(),
        )])
    },
};

/// `NoOp`: no inputs, no outputs; gathers control dependencies.
pub static NO_OP: GraphOpDef = GraphOpDef {
    name: "NoOp",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 0)?;
        Ok(vec![])
    },
    run: |_, _| Ok(vec![]),
};
