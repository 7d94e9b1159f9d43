//! TF's `imperative_grad`: from the targets, walk the recorded ops in reverse
//! order, accumulating one gradient per tensor (`AddN` when several paths
//! meet, concatenation for `IndexedSlices`), through only the ops on a path
//! from a source to a target.

use super::builder::FunnelBuilder;
use super::{Key, RecKind, Record};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{to_tensor, tv_of};
use crate::tf::indexed_slices::{IndexedSlices, Slices};
use crate::tf::trace::{self, TV};
use crate::tf::util::tvv;
use crate::value::Value;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use tfjit_tensor::grad::{self, GradCall, Handle};
use tfjit_tensor::{attrs, Attr, Attrs, DType, OpDef, Tensor};

/// A gradient: a dense tensor or `IndexedSlices`.
#[derive(Clone)]
pub enum Grad {
    Dense(TV),
    Slices(Slices),
}

impl Grad {
    /// The dense tensor (densifying slices).
    pub fn dense(&self) -> PyResult<TV> {
        match self {
            Grad::Dense(t) => Ok(t.clone()),
            Grad::Slices(s) => s.densify(),
        }
    }
    /// As a Python value.
    pub fn to_value(self) -> Value {
        match self {
            Grad::Dense(t) => tvv(t),
            Grad::Slices(s) => crate::tf::indexed_slices::slices_value(s),
        }
    }
    /// From a Python value (`None` stays `None`).
    pub fn from_value(v: &Value) -> PyResult<Option<Grad>> {
        if v.is_none() {
            return Ok(None);
        }
        if let Some(s) = v.downcast::<IndexedSlices>() {
            return Ok(Some(Grad::Slices(s.s.clone())));
        }
        match tv_of(v)? {
            Some(t) => Ok(Some(Grad::Dense(t))),
            None => Ok(Some(Grad::Dense(to_tensor(v)?))),
        }
    }
}

fn concat(parts: &[TV]) -> PyResult<TV> {
    let mut ins: Vec<TV> = parts.to_vec();
    ins.push(trace::constant("concat/axis", Tensor::scalar_i32(0))?);
    let refs: Vec<&TV> = ins.iter().collect();
    let d = parts.first().map_or(DType::Float32, |p| p.dtype());
    trace::op1_named(
        "concat",
        "ConcatV2",
        &refs,
        attrs![("T", Attr::Type(d)), ("N", Attr::Int(parts.len() as i64)), ("Tidx", Attr::Type(DType::Int32))],
    )
}

/// Sums the gradients that reached one tensor, as TF's `_aggregate_grads`.
pub fn aggregate(gs: &[Grad]) -> PyResult<Option<Grad>> {
    match gs {
        [] => Ok(None),
        [g] => Ok(Some(g.clone())),
        _ => {
            if gs.iter().any(|g| matches!(g, Grad::Dense(_))) {
                // TF's `AddN`, as a chain of `AddV2` (same summation order).
                let dense: Vec<TV> = gs.iter().map(|g| g.dense()).collect::<PyResult<_>>()?;
                let mut it = dense.into_iter();
                let Some(mut acc) = it.next() else { return Ok(None) };
                for x in it {
                    let d = acc.dtype();
                    acc = trace::op1_named("AddN", "AddV2", &[&acc, &x], attrs![("T", Attr::Type(d))])?;
                }
                return Ok(Some(Grad::Dense(acc)));
            }
            let slices: Vec<&Slices> = gs
                .iter()
                .filter_map(|g| match g {
                    Grad::Slices(s) => Some(s),
                    Grad::Dense(_) => None,
                })
                .collect();
            let Some(first) = slices.first() else { return Ok(None) };
            let mixed = slices.iter().any(|s| s.indices.dtype() != first.indices.dtype());
            let mut idx = Vec::with_capacity(slices.len());
            for s in &slices {
                idx.push(if mixed && s.indices.dtype() != DType::Int64 {
                    trace::op1(
                        "Cast",
                        &[&s.indices],
                        attrs![("SrcT", Attr::Type(s.indices.dtype())), ("DstT", Attr::Type(DType::Int64)), ("Truncate", Attr::Bool(false))],
                    )?
                } else {
                    s.indices.clone()
                });
            }
            let vals: Vec<TV> = slices.iter().map(|s| s.values.clone()).collect();
            Ok(Some(Grad::Slices(Slices { values: concat(&vals)?, indices: concat(&idx)?, dense_shape: first.dense_shape.clone() })))
        }
    }
}

/// The gradient of the recorded ops: `seeds[i]` flows into `targets[i]`;
/// one result per source (`None`: unconnected).
pub fn backprop(
    interp: &mut Interp,
    records: &[Rc<Record>],
    targets: &[Key],
    seeds: Vec<Grad>,
    sources: &[Key],
) -> PyResult<Vec<Option<Grad>>> {
    // Tensors that depend on a source, and the records on such paths.
    let mut dep: HashSet<Key> = sources.iter().copied().collect();
    let mut live = vec![false; records.len()];
    for (i, r) in records.iter().enumerate() {
        if r.in_keys.iter().any(|k| dep.contains(k)) {
            live[i] = true;
            dep.extend(r.out_keys.iter().copied());
        }
    }
    // Of those, the records a target depends on.
    let mut needed: HashSet<Key> = targets.iter().copied().collect();
    let mut used = vec![false; records.len()];
    for (i, r) in records.iter().enumerate().rev() {
        if live[i] && r.out_keys.iter().any(|k| needed.contains(k)) {
            used[i] = true;
            needed.extend(r.in_keys.iter().copied());
        }
    }
    // TF's `ComputeGradient` order: how many used records consume each
    // tensor, how many used outputs each record waits for; records that get
    // ready are queued first-in first-out (TF inserts them at the front of
    // its stack and pops from the back), which fixes the order in which
    // gradients meet (visible in concatenated IndexedSlices).
    let mut producer: HashMap<Key, usize> = HashMap::new();
    let mut usage: HashMap<Key, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if !used[i] {
            continue;
        }
        for k in &r.out_keys {
            producer.insert(*k, i);
        }
        for k in &r.in_keys {
            *usage.entry(*k).or_default() += 1;
        }
    }
    let mut missing = vec![0usize; records.len()];
    for (i, r) in records.iter().enumerate() {
        if used[i] {
            missing[i] = r.out_keys.iter().filter(|k| usage.get(k).copied().unwrap_or(0) > 0).count();
        }
    }
    let mut queue: std::collections::VecDeque<usize> =
        (0..records.len()).rev().filter(|&i| used[i] && missing[i] == 0).collect();
    let mut grads: HashMap<Key, Vec<Grad>> = HashMap::new();
    for (k, s) in targets.iter().zip(seeds) {
        grads.entry(*k).or_default().push(s);
    }
    while let Some(i) = queue.pop_front() {
        let Some(r) = records.get(i) else { continue };
        let mut outs: Vec<Option<Grad>> = Vec::with_capacity(r.out_keys.len());
        for k in &r.out_keys {
            outs.push(take_aggregated(&mut grads, *k)?);
        }
        let ins = if outs.iter().all(|g| g.is_none()) {
            vec![None; r.in_keys.len()]
        } else {
            record_grads(interp, r, &outs)?
        };
        for (k, g) in r.in_keys.iter().zip(ins) {
            if let Some(g) = g {
                if dep.contains(k) {
                    grads.entry(*k).or_default().push(g);
                }
            }
            if let Some(u) = usage.get_mut(k) {
                *u = u.saturating_sub(1);
                if *u == 0 {
                    if let Some(&p) = producer.get(k) {
                        if let Some(m) = missing.get_mut(p) {
                            *m = m.saturating_sub(1);
                            if *m == 0 {
                                queue.push_back(p);
                            }
                        }
                    }
                }
            }
        }
    }
    sources.iter().map(|k| take_aggregated(&mut grads, *k)).collect()
}

/// The aggregated gradient of `k` (kept aggregated for later readers).
fn take_aggregated(grads: &mut HashMap<Key, Vec<Grad>>, k: Key) -> PyResult<Option<Grad>> {
    let Some(list) = grads.get(&k) else { return Ok(None) };
    let g = aggregate(list)?;
    if list.len() > 1 {
        if let Some(g) = &g {
            grads.insert(k, vec![g.clone()]);
        }
    }
    Ok(g)
}

/// The input gradients of one record given its output gradients.
fn record_grads(interp: &mut Interp, r: &Record, outs: &[Option<Grad>]) -> PyResult<Vec<Option<Grad>>> {
    match &r.kind {
        RecKind::Read => Ok(vec![outs.first().cloned().flatten()]),
        RecKind::Op { name, def, attrs } => {
            let Some(def) = def else {
                return Err(Exc::not_implemented(format!("the gradient of {name} is not implemented in tfjit yet")));
            };
            if def.name == "Identity" {
                return Ok(vec![outs.first().cloned().flatten()]);
            }
            if def.name == "GatherV2" {
                if let Some(s) = gather_slices(r, attrs, outs)? {
                    return Ok(vec![Some(Grad::Slices(s)), None, None]);
                }
            }
            op_grads(def, attrs, r, outs)
        }
        RecKind::Custom { grad_fn, n_args, variables } => custom_grads(interp, grad_fn, *n_args, variables, r, outs),
        RecKind::Cflow(cf) => crate::tf::cflow::grad::cflow_grads(interp, cf, r, outs),
    }
}

/// A registered gradient function, built through the funnel.
fn op_grads(def: &'static OpDef, attrs: &Attrs, r: &Record, outs: &[Option<Grad>]) -> PyResult<Vec<Option<Grad>>> {
    let mut b = FunnelBuilder::new();
    let ins: Vec<Handle> = r.inputs.iter().map(|t| b.push(t.clone())).collect();
    let os: Vec<Handle> = r.outputs.iter().map(|t| b.push(t.clone())).collect();
    let mut gs = Vec::with_capacity(outs.len());
    for g in outs {
        gs.push(match g {
            Some(g) => Some(b.push(g.dense()?)),
            None => None,
        });
    }
    let call = GradCall { op: def, attrs, inputs: &ins, outputs: &os, grads: &gs };
    let res = match grad::apply(&mut b, &call) {
        Ok(r) => r,
        Err(e) => return Err(b.fail(e)),
    };
    res.into_iter().map(|h| h.map(|h| b.get(h).map(Grad::Dense)).transpose()).collect()
}

/// TF's `_GatherV2Grad` for `axis == 0`, `batch_dims == 0` and known
/// shapes: `IndexedSlices(reshape(grad), reshape(indices), shape(params))`.
fn gather_slices(r: &Record, attrs: &Attrs, outs: &[Option<Grad>]) -> PyResult<Option<Slices>> {
    let batch_dims = match attrs.get("batch_dims") {
        Some(Attr::Int(b)) => *b,
        _ => 0,
    };
    let (Some(params), Some(indices), Some(axis)) = (r.inputs.first(), r.inputs.get(1), r.inputs.get(2)) else {
        return Ok(None);
    };
    let axis0 = axis.const_value().is_some_and(|a| a.num_elements() == 1 && a.get_i64(0) == 0);
    let (Some(pdims), Some(idims)) = (params.known_dims(), indices.known_dims()) else {
        return Ok(None);
    };
    if batch_dims != 0 || !axis0 || pdims.is_empty() {
        return Ok(None);
    }
    let Some(Some(g)) = outs.first() else { return Ok(None) };
    let g = g.dense()?;
    let n: usize = idims.iter().product();
    let mut vshape: Vec<i64> = vec![n as i64];
    vshape.extend(pdims[1..].iter().map(|&d| d as i64));
    let i32s = |v: &[i64]| Tensor::vec_i32(v.iter().map(|&x| x as i32).collect());
    let vs = trace::constant("concat", i32s(&vshape))?;
    let values = trace::op1_named("Reshape", "Reshape", &[&g, &vs], attrs![("T", Attr::Type(g.dtype()))])?;
    let is = trace::constant("ExpandDims", i32s(&[n as i64]))?;
    let indices = trace::op1_named("Reshape_1", "Reshape", &[indices, &is], attrs![("T", Attr::Type(indices.dtype()))])?;
    let ds: Vec<i64> = pdims.iter().map(|&d| d as i64).collect();
    let dense_shape = trace::constant("Cast", i32s(&ds))?;
    Ok(Some(Slices { values, indices, dense_shape }))
}

/// A `tf.custom_gradient` record: calls the user's `grad_fn`.
fn custom_grads(
    interp: &mut Interp,
    grad_fn: &Value,
    n_args: usize,
    variables: &[Rc<crate::tf::variable::VarCell>],
    r: &Record,
    outs: &[Option<Grad>],
) -> PyResult<Vec<Option<Grad>>> {
    let mut dys = Vec::with_capacity(outs.len());
    for (g, o) in outs.iter().zip(&r.outputs) {
        dys.push(match g {
            Some(g) => tvv(g.dense()?),
            None => tvv(trace::op1("ZerosLike", &[o], attrs![("T", Attr::Type(o.dtype()))])?),
        });
    }
    let flatten = |v: &Value| -> Vec<Value> {
        let mut out = vec![];
        crate::tf::tape::object::flatten_into(v, &mut out);
        out
    };
    let (input_grads, var_grads) = if variables.is_empty() {
        (interp.call(grad_fn, Args::new(dys))?, vec![])
    } else {
        let vars: Vec<Value> = variables
            .iter()
            .map(|c| Value::object(crate::tf::variable::Variable { cell: c.clone(), unread: false }))
            .collect();
        let res = interp.call(grad_fn, Args::with_kw(dys, vec![("variables".into(), Value::list(vars))]))?;
        let parts = interp.iterate(&res)?;
        let [ig, vg] = parts.as_slice() else {
            return Err(Exc::value_error("@custom_gradient grad_fn must return (input_grads, variable_grads) when it uses variables."));
        };
        let vg = flatten(vg);
        if vg.len() != variables.len() {
            return Err(Exc::value_error("Must return gradient for each variable from @custom_gradient grad_fn."));
        }
        (ig.clone(), vg)
    };
    let flat = flatten(&input_grads);
    if flat.len() != n_args {
        return Err(Exc::value_error(format!(
            "custom_gradient function expected to return {n_args} gradients, but returned {} instead.",
            flat.len()
        )));
    }
    flat.iter().chain(var_grads.iter()).map(Grad::from_value).collect()
}
