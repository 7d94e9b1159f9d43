//! Graph-level ops: the ops that exist only in graphs or need more than a
//! tensor kernel — argument and constant nodes, variable reads and writes
//! (through the [`Runtime`]), printing, and `If`/`While` with their nested
//! function graphs. Ordinary tensor ops come from `tfjit_tensor::op`.
//!
//! Like `OpDef`, each op is one definition: its shape/type rule, its kernel
//! and its class; plus what it does to variables (for automatic control
//! dependencies).

use crate::execute::{execute, Runtime};
use crate::graph::FuncGraph;
use crate::node::Node;
use crate::value::{shape_text, RtValue, ValueType};
use indexmap::IndexMap;
use std::sync::Arc;
use tfjit_tensor::op::{AttrsExt, OpClass};
use tfjit_tensor::{Attr, Attrs, StaticShape, Tensor, TensorType, TfError, TfResult};

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
];

// ---------------------------------------------------------------- helpers

fn internal(msg: impl Into<String>) -> TfError {
    TfError::invalid_argument(msg)
}

fn arity(cx: &InferCtx, n: usize) -> TfResult<()> {
    if cx.inputs.len() != n {
        return Err(TfError::value(format!(
            "{} expects {n} inputs, got {}",
            cx.op,
            cx.inputs.len()
        )));
    }
    Ok(())
}

fn tensor_in<'a>(op: &str, xs: &'a [RtValue], i: usize) -> TfResult<&'a Tensor> {
    match xs.get(i) {
        Some(RtValue::Tensor(t)) => Ok(t),
        Some(v) => Err(internal(format!("{op}: input {i} must be a tensor, got a {}", v.kind_name()))),
        None => Err(internal(format!("{op}: missing input {i}"))),
    }
}

fn resource_in(op: &str, xs: &[RtValue], i: usize) -> TfResult<crate::VarId> {
    match xs.get(i) {
        Some(RtValue::Resource(id)) => Ok(*id),
        Some(v) => Err(internal(format!("{op}: input {i} must be a resource, got a {}", v.kind_name()))),
        None => Err(internal(format!("{op}: missing input {i}"))),
    }
}

fn str_attr<'a>(attrs: &'a Attrs, name: &str, default: &'a str) -> &'a str {
    match attrs.get(name) {
        Some(Attr::Str(s)) => s,
        _ => default,
    }
}

/// The handle's variable type, for ops taking a resource as input `i`.
fn handle_type<'a>(cx: &'a InferCtx, i: usize) -> TfResult<&'a TensorType> {
    match cx.inputs.get(i) {
        Some(ValueType::Resource(t)) => Ok(t),
        Some(other) => Err(TfError::type_error(format!(
            "Input {i} of '{}' Op has type {} that does not match expected type of resource.",
            cx.op,
            other.dtype_name()
        ))),
        None => Err(TfError::value(format!("{} expects a resource input", cx.op))),
    }
}

fn tensor_type<'a>(cx: &'a InferCtx, i: usize) -> TfResult<&'a TensorType> {
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

fn func<'a>(cx: &'a InferCtx, name: &str) -> TfResult<&'a Arc<FuncGraph>> {
    cx.funcs
        .get(name)
        .ok_or_else(|| TfError::value(format!("{} needs a function attribute '{name}'", cx.op)))
}

fn node_func<'a>(node: &'a Node, name: &str) -> TfResult<&'a Arc<FuncGraph>> {
    node.funcs
        .get(name)
        .ok_or_else(|| internal(format!("{} has no function attribute '{name}'", node.op.name())))
}

/// Number of arguments a function graph takes (inputs, then symbolic captures).
pub fn func_arity(f: &FuncGraph) -> usize {
    f.inputs().len() + f.symbolic_captures().count()
}

/// The types of a function graph's arguments, in call order.
pub fn func_arg_types(f: &FuncGraph) -> Vec<ValueType> {
    let mut v: Vec<ValueType> =
        f.inputs().iter().map(|&ix| f.node(ix).outputs[0].clone()).collect();
    v.extend(f.symbolic_captures().map(|(ix, _)| f.node(ix).outputs[0].clone()));
    v
}

/// The types of a function graph's outputs.
pub fn func_output_types(f: &FuncGraph) -> Vec<ValueType> {
    f.outputs().iter().map(|&o| f.value_type(o).clone()).collect()
}

fn check_args(cx: &InferCtx, f: &FuncGraph, what: &str, args: &[ValueType]) -> TfResult<()> {
    let want = func_arg_types(f);
    if want.len() != args.len() {
        return Err(TfError::value(format!(
            "{}: {what} takes {} arguments but the op passes {}",
            cx.op,
            want.len(),
            args.len()
        )));
    }
    for (i, (w, a)) in want.iter().zip(args).enumerate() {
        if !compatible(w, a) {
            return Err(TfError::type_error(format!(
                "{}: argument {i} of {what} has type {w} but the op passes {a}",
                cx.op
            )));
        }
    }
    Ok(())
}

/// Same kind and dtype, compatible shapes.
fn compatible(want: &ValueType, got: &ValueType) -> bool {
    match (want, got) {
        (ValueType::Tensor(w), ValueType::Tensor(g)) => {
            w.dtype == g.dtype && w.shape.is_compatible_with(&g.shape)
        }
        (ValueType::Resource(w), ValueType::Resource(g)) => w.dtype == g.dtype,
        (ValueType::Str, ValueType::Str) => true,
        _ => false,
    }
}

/// The most specific shape compatible with both (TF's `most_specific_compatible_shape`).
pub fn relax_shape(a: &StaticShape, b: &StaticShape) -> StaticShape {
    match (&a.dims, &b.dims) {
        (Some(x), Some(y)) if x.len() == y.len() => StaticShape::partial(
            x.iter().zip(y).map(|(p, q)| if p == q { *p } else { None }).collect(),
        ),
        _ => StaticShape::unknown_rank(),
    }
}

/// TF's truth value of an `If`/`While` condition: a scalar is true when
/// non-zero; a non-scalar is true when it is non-empty.
fn truthy(t: &Tensor) -> bool {
    if t.rank() == 0 {
        t.scalar_value_f64().is_some_and(|v| v != 0.0)
    } else {
        t.num_elements() > 0
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
    run: |cx, _| Err(internal(format!("You must feed a value for placeholder tensor '{}'", cx.node.name))),
};

/// `Const`: attr `value` (the tensor) and `dtype`.
pub static CONST: GraphOpDef = GraphOpDef {
    name: "Const",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        arity(cx, 0)?;
        let t = cx.attrs.get_tensor("value").map_err(|e| TfError::value(e.message))?;
        Ok(vec![ValueType::Tensor(t.tensor_type())])
    },
    run: |cx, _| Ok(vec![RtValue::Tensor(cx.node.attrs.get_tensor("value")?.clone())]),
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

// ---------------------------------------------------------------- variables

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

// ----------------------------------------------------------------- printing

fn template_parts<'a>(attrs: &'a Attrs) -> (Vec<&'a str>, &'a str) {
    let template = str_attr(attrs, "template", "%s");
    let placeholder = str_attr(attrs, "placeholder", "{}");
    if placeholder.is_empty() {
        return (vec![template], placeholder);
    }
    (template.split(placeholder).collect(), placeholder)
}

/// `StringFormat(inputs…)`: attrs `template` (with `placeholder`, default
/// `{}`, once per input) and `summarize` (elements shown per dimension, -1
/// for all). Each input is shown as `tf.print` shows tensors.
pub static STRING_FORMAT: GraphOpDef = GraphOpDef {
    name: "StringFormat",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        let (parts, _) = template_parts(cx.attrs);
        if parts.len() != cx.inputs.len() + 1 {
            return Err(TfError::value(format!(
                "num placeholders in template and num inputs must match: {} vs. {}",
                parts.len() - 1,
                cx.inputs.len()
            )));
        }
        for i in 0..cx.inputs.len() {
            tensor_type(cx, i)?;
        }
        Ok(vec![ValueType::Str])
    },
    run: |cx, xs| {
        let (parts, _) = template_parts(&cx.node.attrs);
        if parts.len() != xs.len() + 1 {
            return Err(internal(format!(
                "num placeholders in template and num inputs must match: {} vs. {}",
                parts.len() - 1,
                xs.len()
            )));
        }
        let summarize = match cx.node.attrs.get_int("summarize") {
            Ok(n) if n < 0 => usize::MAX,
            Ok(n) => n as usize,
            Err(_) => 3,
        };
        let mut out = String::from(parts[0]);
        for (i, part) in parts[1..].iter().enumerate() {
            let t = tensor_in("StringFormat", xs, i)?;
            out.push_str(&tfjit_tensor::format::tf_print_tensor(t, summarize));
            out.push_str(part);
        }
        Ok(vec![RtValue::Str(out)])
    },
};

/// `PrintV2(string)`: attrs `output_stream` (`stderr` by default, or
/// `stdout`) and `end` (default `"\n"`).
pub static PRINT_V2: GraphOpDef = GraphOpDef {
    name: "PrintV2",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::None,
    global_effect: true,
    infer: |cx| {
        arity(cx, 1)?;
        if cx.inputs[0] != ValueType::Str {
            return Err(TfError::type_error(format!(
                "Input 'input' of 'PrintV2' Op has type {} that does not match expected type of string.",
                cx.inputs[0].dtype_name()
            )));
        }
        let stream = str_attr(cx.attrs, "output_stream", "stderr");
        if !matches!(stream, "stderr" | "stdout") {
            return Err(TfError::value(format!("Unsupported output stream {stream}")));
        }
        Ok(vec![])
    },
    run: |cx, xs| {
        let text = match xs.first() {
            Some(RtValue::Str(s)) => s,
            _ => return Err(internal("PrintV2 expects a string input")),
        };
        let end = str_attr(&cx.node.attrs, "end", "\n");
        let to_stderr = str_attr(&cx.node.attrs, "output_stream", "stderr") != "stdout";
        cx.rt.print(&format!("{text}{end}"), to_stderr);
        Ok(vec![])
    },
};

// ------------------------------------------------------------- control flow

/// `If(cond, args…)`: runs `then_branch` or `else_branch` on `args`. Both
/// branches take the same arguments (inputs then symbolic captures) and
/// return the same number of outputs with equal dtypes; output shapes are
/// the most specific shapes compatible with both.
fn if_infer(cx: &InferCtx) -> TfResult<Vec<ValueType>> {
    if cx.inputs.is_empty() {
        return Err(TfError::value(format!("{} needs a condition input", cx.op)));
    }
    tensor_type(cx, 0)?;
    let then_f = func(cx, "then_branch")?;
    let else_f = func(cx, "else_branch")?;
    check_args(cx, then_f, "then_branch", &cx.inputs[1..])?;
    check_args(cx, else_f, "else_branch", &cx.inputs[1..])?;
    let a = func_output_types(then_f);
    let b = func_output_types(else_f);
    if a.len() != b.len() {
        return Err(TfError::value(format!(
            "true_fn and false_fn must return the same number of outputs: {} vs. {}",
            a.len(),
            b.len()
        )));
    }
    a.iter()
        .zip(&b)
        .enumerate()
        .map(|(i, (x, y))| match (x, y) {
            (ValueType::Tensor(p), ValueType::Tensor(q)) if p.dtype == q.dtype => {
                Ok(ValueType::Tensor(TensorType::new(p.dtype, relax_shape(&p.shape, &q.shape))))
            }
            _ if x == y => Ok(x.clone()),
            _ => Err(TfError::type_error(format!(
                "true_fn and false_fn arguments to tf.cond must have the same number, type, and overall structure of return values. Output {i}: {} vs. {}",
                x.dtype_name(),
                y.dtype_name()
            ))),
        })
        .collect()
}

fn if_run(cx: &mut RunCtx, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let cond = tensor_in(cx.node.op.name(), xs, 0)?;
    let branch = if truthy(cond) { "then_branch" } else { "else_branch" };
    let f = node_func(cx.node, branch)?;
    execute(f, &xs[1..], cx.rt)
}

/// `If` (a branch has stateful ops).
pub static IF: GraphOpDef = GraphOpDef {
    name: "If",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Write,
    global_effect: true,
    infer: if_infer,
    run: if_run,
};

/// `StatelessIf` (pure branches).
pub static STATELESS_IF: GraphOpDef = GraphOpDef {
    name: "StatelessIf",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::Read,
    global_effect: false,
    infer: if_infer,
    run: if_run,
};

/// `While(vars…)`: while `cond(vars)` is true, `vars = body(vars)`. `cond`
/// and `body` take all loop variables (inputs then symbolic captures); the
/// body returns the same number with equal dtypes and shapes compatible
/// with the loop variables' (whose types are the op's output types).
fn while_infer(cx: &InferCtx) -> TfResult<Vec<ValueType>> {
    let cond = func(cx, "cond")?;
    let body = func(cx, "body")?;
    check_args(cx, cond, "cond", cx.inputs)?;
    check_args(cx, body, "body", cx.inputs)?;
    let c = func_output_types(cond);
    let c_ok = matches!(c.as_slice(), [ValueType::Tensor(t)] if t.shape.rank().is_none_or(|r| r == 0));
    if !c_ok {
        return Err(TfError::value(format!("{}: cond must return one scalar tensor", cx.op)));
    }
    let outs = func_output_types(body);
    if outs.len() != cx.inputs.len() {
        return Err(TfError::value(format!(
            "{}: body returns {} values for {} loop variables",
            cx.op,
            outs.len(),
            cx.inputs.len()
        )));
    }
    for (i, (var, out)) in cx.inputs.iter().zip(&outs).enumerate() {
        if !compatible(var, out) {
            return Err(TfError::value(format!(
                "Input tensor {i} enters the loop with type {var}, but has type {out} after one iteration. To allow the shape to vary across iterations, use the `shape_invariants` argument of tf.while_loop to specify a less-specific shape."
            )));
        }
    }
    Ok(cx.inputs.to_vec())
}

fn while_run(cx: &mut RunCtx, xs: &[RtValue]) -> TfResult<Vec<RtValue>> {
    let cond = node_func(cx.node, "cond")?.clone();
    let body = node_func(cx.node, "body")?.clone();
    let mut vars = xs.to_vec();
    loop {
        let c = execute(&cond, &vars, cx.rt)?;
        let go = match c.first() {
            Some(RtValue::Tensor(t)) => truthy(t),
            _ => return Err(internal("While: cond must return a tensor")),
        };
        if !go {
            return Ok(vars);
        }
        vars = execute(&body, &vars, cx.rt)?;
    }
}

/// `While` (the body or cond has stateful ops).
pub static WHILE: GraphOpDef = GraphOpDef {
    name: "While",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::Write,
    global_effect: true,
    infer: while_infer,
    run: while_run,
};

/// `StatelessWhile` (pure cond and body).
pub static STATELESS_WHILE: GraphOpDef = GraphOpDef {
    name: "StatelessWhile",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::Read,
    global_effect: false,
    infer: while_infer,
    run: while_run,
};
