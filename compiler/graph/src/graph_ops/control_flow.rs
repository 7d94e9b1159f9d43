//! `If`/`StatelessIf` and `While`/`StatelessWhile`, running their nested function graphs.

use super::*;

use crate::execute::{execute, execute_owned};
use tfjit_tensor::{StaticShape, Tensor, TensorType, TfError, TfResult};

fn func<'a>(cx: &'a InferCtx, name: &str) -> TfResult<&'a Arc<FuncGraph>> {
    cx.funcs
        .get(name)
        .ok_or_else(|| TfError::value(format!("{} needs a function attribute '{name}'", cx.op)))
}

fn node_func<'a>(node: &'a Node, name: &str) -> TfResult<&'a Arc<FuncGraph>> {
    node.funcs.get(name).ok_or_else(|| {
        internal(format!(
            "{} has no function attribute '{name}'",
            node.op.name()
        ))
    })
}

/// Number of arguments a function graph takes (inputs, then symbolic captures).
pub fn func_arity(f: &FuncGraph) -> usize {
    f.inputs().len() + f.symbolic_captures().count()
}

/// The types of a function graph's arguments, in call order.
pub fn func_arg_types(f: &FuncGraph) -> Vec<ValueType> {
    let mut v: Vec<ValueType> = f
        .inputs()
        .iter()
        .map(|&ix| f.node(ix).outputs[0].clone())
        .collect();
    v.extend(
        f.symbolic_captures()
            .map(|(ix, _)| f.node(ix).outputs[0].clone()),
    );
    v
}

/// The types of a function graph's outputs.
pub fn func_output_types(f: &FuncGraph) -> Vec<ValueType> {
    f.outputs()
        .iter()
        .map(|&o| f.value_type(o).clone())
        .collect()
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
        (ValueType::List(w), ValueType::List(g)) => w.dtype == g.dtype,
        _ => false,
    }
}

/// The most specific shape compatible with both (TF's `most_specific_compatible_shape`).
pub fn relax_shape(a: &StaticShape, b: &StaticShape) -> StaticShape {
    match (&a.dims, &b.dims) {
        (Some(x), Some(y)) if x.len() == y.len() => StaticShape::partial(
            x.iter()
                .zip(y)
                .map(|(p, q)| if p == q { *p } else { None })
                .collect(),
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
            (ValueType::List(p), ValueType::List(q)) if p.dtype == q.dtype => {
                Ok(ValueType::List(TensorType::new(p.dtype, relax_shape(&p.shape, &q.shape))))
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
    let branch = if truthy(cond) {
        "then_branch"
    } else {
        "else_branch"
    };
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
    let c_ok =
        matches!(c.as_slice(), [ValueType::Tensor(t)] if t.shape.rank().is_none_or(|r| r == 0));
    if !c_ok {
        return Err(TfError::value(format!(
            "{}: cond must return one scalar tensor",
            cx.op
        )));
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
    // The loop variables have the types of the body's arguments (their
    // shape invariants), which may be less specific than the inputs'.
    Ok(func_arg_types(body))
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
        vars = execute_owned(&body, vars, cx.rt)?;
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

/// `Assert(condition; message)`: fails with `InvalidArgumentError`
/// ("assertion failed: [message]") when `condition` is false. (TF passes
/// the message as string inputs; here it is an attribute.)
pub static ASSERT: GraphOpDef = GraphOpDef {
    name: "Assert",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::None,
    global_effect: true,
    infer: |cx| {
        tensor_type(cx, 0)?;
        Ok(vec![])
    },
    run: |cx, xs| {
        let c = tensor_in("Assert", xs, 0)?;
        if truthy(c) {
            return Ok(vec![]);
        }
        let msg = str_attr(&cx.node.attrs, "message", "");
        Err(TfError::invalid_argument(format!("assertion failed: [{msg}]")))
    },
};
