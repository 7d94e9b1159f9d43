//! Loop-invariant code motion for products of a loop-indexed slice: in a
//! `While` body that counts `i` from 0 to `n` by 1, `MatMul(x[i], w)` with
//! `x` (`[n, …]`) and `w` the same in every iteration becomes `y[i]`, where
//! `y = BatchMatMulV2(x, w)` is computed once before the loop.
//!
//! An RNN's input projection (`tf.matmul(xs[t], W)` in
//! `for t in tf.range(T)`) is the case this is for: the loop then runs one
//! product per step instead of two, and the hoisted products run as one
//! batched call over all the cores.
//!
//! The results are bit for bit the same: `BatchMatMulV2` computes each
//! batch's product with the same GEMM, on the same operands, as the
//! `MatMul` of that slice. The loop must provably run exactly `n` times
//! (its condition is `i < n`, nothing else), so no product is computed that
//! the loop would not have computed; and since every shape involved is
//! static, the batched product cannot fail where the loop would not.

use crate::pass::Pass;
use crate::prune::Prune;
use crate::saturate::const_value;
use std::sync::Arc;
use tfjit_graph::{CaptureKind, FuncGraph, NodeIndex, Output, ValueType};
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::{Attr, Attrs, DType, Tensor, TensorType, TfResult};

/// Hoists loop-invariant products of loop-indexed slices out of `While` loops.
#[derive(Debug, Default, Clone, Copy)]
pub struct HoistSlicedProducts;

impl Pass for HoistSlicedProducts {
    fn name(&self) -> &'static str {
        "hoist"
    }

    fn run(&self, g: &mut FuncGraph) -> TfResult<bool> {
        let whiles: Vec<NodeIndex> = g
            .operations()
            .iter()
            .copied()
            .filter(|&ix| matches!(g.node(ix).op.name(), "While" | "StatelessWhile"))
            .collect();
        let mut changed = false;
        for w in whiles {
            changed |= hoist_from(g, w)?;
        }
        Ok(changed)
    }
}

/// Follows `Identity` ops back to the value they pass on.
fn resolve(g: &FuncGraph, mut o: Output) -> Output {
    while g.node(o.node).op.name() == "Identity" {
        match g.op_inputs(o.node).as_slice() {
            [x] => o = *x,
            _ => break,
        }
    }
    o
}

/// The value of a scalar integer constant.
fn int_scalar(t: &Tensor) -> Option<i64> {
    (matches!(t.dtype(), DType::Int32 | DType::Int64) && t.num_elements() == 1)
        .then(|| t.get_i64(0))
}

/// A loop body or condition with its arguments (inputs, then symbolic
/// captures: the loop variables in order).
struct Func<'a> {
    g: &'a FuncGraph,
    args: Vec<NodeIndex>,
}

impl<'a> Func<'a> {
    fn new(g: &'a FuncGraph) -> Func<'a> {
        let mut args: Vec<NodeIndex> = g.inputs().to_vec();
        args.extend(g.symbolic_captures().map(|(ix, _)| ix));
        Func { g, args }
    }

    /// The loop variable `o` is (after `Identity` ops), if any.
    fn arg_of(&self, o: Output) -> Option<usize> {
        let o = resolve(self.g, o);
        (o.index == 0)
            .then(|| self.args.iter().position(|&a| a == o.node))
            .flatten()
    }
}

/// What is known about one loop: its variables' initial values, which stay
/// the same in every iteration, and its counter.
struct Loop<'a> {
    outer: &'a FuncGraph,
    inits: Vec<Output>,
    body: Func<'a>,
    invariant: Vec<bool>,
}

impl Loop<'_> {
    /// The constant integer `o` (in the body or the condition `f`) always
    /// has: a `Const`, or a loop variable that never changes and starts as one.
    fn int_const(&self, f: &Func, o: Output) -> Option<i64> {
        let o = resolve(f.g, o);
        if let Some(t) = const_value(f.g, o) {
            return int_scalar(t);
        }
        let j = f.arg_of(o)?;
        if !*self.invariant.get(j)? {
            return None;
        }
        int_scalar(const_value(self.outer, *self.inits.get(j)?)?)
    }

    /// The loop variable that starts at 0 and grows by 1 per iteration.
    fn counters(&self) -> Vec<usize> {
        let b = &self.body;
        (0..b.args.len())
            .filter(|&j| {
                let Some(&out) = b.g.outputs().get(j) else { return false };
                let next = resolve(b.g, out);
                let node = b.g.node(next.node);
                if node.op.name() != "AddV2" {
                    return false;
                }
                let ins = b.g.op_inputs(next.node);
                let steps_by_one = |x: Output, s: Output| b.arg_of(x) == Some(j) && self.int_const(b, s) == Some(1);
                let by_one = matches!(ins.as_slice(), [x, s] if steps_by_one(*x, *s) || steps_by_one(*s, *x));
                by_one && self.inits.get(j).and_then(|&o| const_value(self.outer, o)).and_then(int_scalar) == Some(0)
            })
            .collect()
    }
}

/// One product to hoist: the body's `MatMul` and its slice, and the outer
/// values of the sliced tensor and the other operand.
struct Candidate {
    matmul: NodeIndex,
    slice: NodeIndex,
    x: Output,
    w: WSource,
    ty: TensorType,
}

/// Where the loop-invariant operand comes from.
enum WSource {
    /// A loop variable: its outer value.
    Outer(Output),
    /// A constant or captured tensor of the body.
    Tensor(Tensor),
}

/// Hoists the products of While node `w`; true if any.
fn hoist_from(g: &mut FuncGraph, w: NodeIndex) -> TfResult<bool> {
    let (Some(body), Some(cond)) = (
        g.node(w).funcs.get("body").cloned(),
        g.node(w).funcs.get("cond").cloned(),
    ) else {
        return Ok(false);
    };
    let inits = g.op_inputs(w);
    let cands = {
        let b = Func::new(&body);
        if b.args.len() != inits.len() || body.outputs().len() != inits.len() {
            return Ok(false);
        }
        let invariant: Vec<bool> = (0..b.args.len())
            .map(|j| {
                body.outputs()
                    .get(j)
                    .is_some_and(|&o| b.arg_of(o) == Some(j))
            })
            .collect();
        let lp = Loop {
            outer: g,
            inits: inits.clone(),
            body: b,
            invariant,
        };
        let c = Func::new(&cond);
        match trip_count(&lp, &c) {
            Some((counter, n)) => candidates(&lp, counter, n),
            None => Vec::new(),
        }
    };
    if cands.is_empty() {
        return Ok(false);
    }
    let mut body = (*body).clone();
    let mut cond = (*cond).clone();
    // New outer ops go right before the loop, in creation order.
    let mut after = g
        .operations()
        .iter()
        .position(|&ix| ix == w)
        .and_then(|p| p.checked_sub(1))
        .map(|p| g.operations()[p]);
    for c in cands {
        let mm = body.node(c.matmul).clone();
        let wo = match c.w {
            WSource::Outer(o) => o,
            WSource::Tensor(t) => {
                let mut attrs = Attrs::new();
                attrs.insert("dtype", Attr::Type(t.dtype()));
                let ty = ValueType::Tensor(t.tensor_type());
                attrs.insert("value", Attr::Tensor(t));
                let ix = g.add_op("Const", &format!("{}/hoisted_weights", mm.name), attrs, vec![ty], &[], after)?;
                after = Some(ix);
                g.output(ix, 0)
            }
        };
        let mut attrs = Attrs::new();
        attrs.insert("T", Attr::Type(c.ty.dtype));
        attrs.insert("adj_x", Attr::Bool(mm.attrs.bool_or("transpose_a", false)));
        attrs.insert("adj_y", Attr::Bool(mm.attrs.bool_or("transpose_b", false)));
        let y_ty = ValueType::Tensor(c.ty.clone());
        let y = g.add_op("BatchMatMulV2", &format!("{}/hoisted", mm.name), attrs, vec![y_ty.clone()], &[c.x, wo], after)?;
        after = Some(y);
        let y = g.output(y, 0);
        // The batched product enters the loop as one more loop variable,
        // passed on unchanged.
        let slot = g.op_inputs(w).len();
        g.set_input(w, slot, y)?;
        if let Some(n) = g.node_mut(w) {
            n.outputs.push(y_ty.clone());
        }
        let p = body.add_capture(
            &format!("{}/hoisted", mm.name),
            y_ty.clone(),
            CaptureKind::Symbolic(y),
        )?;
        cond.add_capture(
            &format!("{}/hoisted", mm.name),
            y_ty,
            CaptureKind::Symbolic(y),
        )?;
        let mut ins = body.op_inputs(c.slice);
        if let Some(first) = ins.first_mut() {
            *first = p;
        }
        let attrs = body.node(c.slice).attrs.clone();
        let s = body.add_op("StridedSlice", &format!("{}/slice", mm.name), attrs, mm.outputs.clone(), &ins, Some(c.matmul))?;
        body.replace_uses(body.output(c.matmul, 0), body.output(s, 0))?;
        body.push_output(p)?;
    }
    Prune.run(&mut body)?;
    if let Some(n) = g.node_mut(w) {
        n.funcs.insert("body", Arc::new(body));
        n.funcs.insert("cond", Arc::new(cond));
    }
    Ok(true)
}

/// The loop's counter and how many times the loop runs: the condition is
/// `counter < n` (nothing else) for a counter from 0 by 1 and a constant `n`.
fn trip_count(lp: &Loop, cond: &Func) -> Option<(usize, i64)> {
    if cond.args.len() != lp.body.args.len() {
        return None;
    }
    let test = resolve(cond.g, *cond.g.outputs().first()?);
    if cond.g.node(test.node).op.name() != "Less" {
        return None;
    }
    let [i, n] = cond.g.op_inputs(test.node)[..] else {
        return None;
    };
    let counter = cond.arg_of(i)?;
    let n = lp.int_const(cond, n)?;
    (lp.counters().contains(&counter) && n >= 0).then_some((counter, n))
}

/// The body's products `MatMul(x[counter], w)` with `x` of static shape
/// `[n, …]` and `w` loop-invariant.
fn candidates(lp: &Loop, counter: usize, n: i64) -> Vec<Candidate> {
    let b = &lp.body;
    let mut out = Vec::new();
    for &m in b.g.operations() {
        let node = b.g.node(m);
        if node.op.name() != "MatMul" {
            continue;
        }
        let [a, wv] = b.g.op_inputs(m)[..] else {
            continue;
        };
        let Some(c) = sliced_product(lp, counter, n, m, a, wv) else {
            continue;
        };
        out.push(c);
    }
    out
}

fn sliced_product(
    lp: &Loop,
    counter: usize,
    n: i64,
    m: NodeIndex,
    a: Output,
    wv: Output,
) -> Option<Candidate> {
    let b = &lp.body;
    // `a` = StridedSlice(x, [counter], _, [1]) taking one index of axis 0.
    let s = b.g.node(a.node);
    if s.op.name() != "StridedSlice" || a.index != 0 {
        return None;
    }
    let mask = |k: &str| s.attrs.int_or(k, 0);
    if mask("shrink_axis_mask") != 1
        || ["begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask"]
            .iter()
            .any(|k| mask(k) != 0)
    {
        return None;
    }
    let [x, begin, _end, strides] = b.g.op_inputs(a.node)[..] else {
        return None;
    };
    let strides = const_value(b.g, resolve(b.g, strides))?;
    if strides.num_elements() != 1 || strides.get_i64(0) != 1 {
        return None;
    }
    let pack = resolve(b.g, begin);
    if b.g.node(pack.node).op.name() != "Pack" {
        return None;
    }
    let [i] = b.g.op_inputs(pack.node)[..] else {
        return None;
    };
    if b.arg_of(i) != Some(counter) {
        return None;
    }
    let jx = b
        .arg_of(x)
        .filter(|&j| lp.invariant.get(j).copied().unwrap_or(false))?;
    let x_outer = *lp.inits.get(jx)?;
    let x_dims = lp.outer.value_type(x_outer).as_tensor()?.shape.as_known()?;
    if x_dims.len() != 3 || x_dims.first().copied() != usize::try_from(n).ok() {
        return None;
    }
    // TF sums `x[i] · wᵀ` with few rows as dot products, which a batched
    // product does not (see `tf_dot_lanes`): keep those in the loop.
    let attrs = &b.g.node(m).attrs;
    if tfjit_tensor::ops::matmul::tf_dot_lanes(x_dims[1], attrs.bool_or("transpose_a", false), attrs.bool_or("transpose_b", false)) {
        return None;
    }
    let w = match b.arg_of(wv) {
        Some(j) if lp.invariant.get(j).copied().unwrap_or(false) => {
            WSource::Outer(*lp.inits.get(j)?)
        }
        Some(_) => return None,
        None => {
            let wv = resolve(b.g, wv);
            match const_value(b.g, wv) {
                Some(t) => WSource::Tensor(t.clone()),
                None => b.g.captures().iter().find_map(|c| match &c.kind {
                    CaptureKind::Tensor(t) if c.placeholder == wv.node => {
                        Some(WSource::Tensor(t.clone()))
                    }
                    _ => None,
                })?,
            }
        }
    };
    let prod = b.g.node(m).outputs.first()?.as_tensor()?;
    let mut dims = vec![x_dims[0]];
    dims.extend(prod.shape.as_known()?);
    Some(Candidate {
        matmul: m,
        slice: a.node,
        x: x_outer,
        w,
        ty: TensorType::known(prod.dtype, &dims),
    })
}
