//! The body of a fused node, flattened for code generation: its inputs,
//! scalar constants and elementwise ops in schedule order, and (for a
//! `FusedReduction`) the one reduction that closes it. Shared by
//! `fused.rs` (elementwise kernels) and `rows.rs` (row-wise kernels), with
//! the small shape and buffer helpers both drivers use.

use crate::elemops;
use crate::plan::{schedule, Step};
use std::collections::HashMap;
use tfjit_graph::{FuncGraph, OpRef, Output, ValueType};
use tfjit_tensor::op::AttrsExt;
use tfjit_tensor::{Attr, Attrs, DType, Data, Tensor};

/// What one body value is.
#[derive(Clone, Copy, Debug)]
pub enum Src {
    /// The body's `k`-th argument.
    Input(usize),
    /// A scalar constant (as f64 and as i64).
    Const(f64, i64),
    /// The result of `ops[j]`.
    Op(usize),
}

/// One elementwise op of the body.
#[derive(Debug)]
pub struct BodyOp {
    pub op: &'static str,
    pub attrs: Attrs,
    /// Value indices of the op's inputs.
    pub ins: Vec<usize>,
    pub out: DType,
}

/// The reduction kinds with generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedKind {
    Sum,
    Mean,
    Max,
    Min,
}

/// The reduction closing a `FusedReduction` body.
#[derive(Clone, Debug)]
pub struct Reduction {
    pub kind: RedKind,
    /// The value reduced (index into `vals`).
    pub input: usize,
    pub axes: Vec<i64>,
    pub keep_dims: bool,
}

/// What one body output is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OutRef {
    /// An elementwise value (full iteration shape).
    Elem(usize),
    /// The reduction's result.
    Reduced,
}

/// A flattened fused body.
#[derive(Debug)]
pub struct ElemBody {
    pub in_types: Vec<DType>,
    /// Inputs, constants, op results, with their dtypes.
    pub vals: Vec<(Src, DType)>,
    pub ops: Vec<BodyOp>,
    pub outs: Vec<OutRef>,
    /// Op names, for reports.
    pub names: Vec<&'static str>,
    pub all_f32: bool,
    pub reduction: Option<Reduction>,
}

fn tensor_dtype(t: &ValueType) -> Option<DType> {
    t.as_tensor().map(|t| t.dtype)
}

fn red_kind(op: &str) -> Option<RedKind> {
    Some(match op {
        "Sum" => RedKind::Sum,
        "Mean" => RedKind::Mean,
        "Max" => RedKind::Max,
        "Min" => RedKind::Min,
        _ => return None,
    })
}

impl ElemBody {
    /// Flattens `g`; with `allow_reduction`, one `Sum`/`Mean`/`Max`/`Min`
    /// over constant axes may close the body (followed only by `Identity`).
    pub fn parse(g: &FuncGraph, allow_reduction: bool) -> Result<ElemBody, String> {
        if !g.captures().is_empty() {
            return Err("the body captures values".into());
        }
        let steps: Vec<Step> = schedule(g).map_err(|e| e.message)?;
        let mut index: HashMap<Output, usize> = HashMap::new();
        let mut big_consts: HashMap<Output, Tensor> = HashMap::new();
        let mut reduced: Vec<Output> = Vec::new();
        let mut vals: Vec<(Src, DType)> = Vec::new();
        let mut in_types = Vec::new();
        for (i, &ix) in g.inputs().iter().enumerate() {
            let d = tensor_dtype(&g.node(ix).outputs[0]).ok_or("non-tensor input")?;
            index.insert(g.output(ix, 0), vals.len());
            vals.push((Src::Input(i), d));
            in_types.push(d);
        }
        let mut ops = Vec::new();
        let mut names = Vec::new();
        let mut reduction: Option<Reduction> = None;
        for step in &steps {
            let node = g.node(step.node);
            let op = node.op.name();
            let out0 = g.output(step.node, 0);
            if index.contains_key(&out0) {
                continue;
            }
            match op {
                "Const" => {
                    let t = match node.attrs.get("value") {
                        Some(Attr::Tensor(t)) => t,
                        _ => return Err("a constant without value".into()),
                    };
                    if t.num_elements() == 1 && t.rank() == 0 {
                        index.insert(out0, vals.len());
                        vals.push((Src::Const(t.get_f64(0), t.get_i64(0)), t.dtype()));
                    } else {
                        big_consts.insert(out0, t.clone());
                    }
                }
                "NoOp" => {}
                "Identity" if step.inputs.first().is_some_and(|o| reduced.contains(o)) => {
                    reduced.push(out0);
                }
                _ if red_kind(op).is_some() && allow_reduction => {
                    if reduction.is_some() {
                        return Err("two reductions in one body".into());
                    }
                    let (Some(x), Some(a)) = (step.inputs.first(), step.inputs.get(1)) else {
                        return Err(format!("{op} without axes"));
                    };
                    let input = *index.get(x).ok_or("reduction of an unknown value")?;
                    let axes_t = match (index.get(a), big_consts.get(a)) {
                        (Some(&k), _) => match vals[k].0 {
                            Src::Const(_, i) if vals[k].1.is_int() => vec![i],
                            _ => return Err("reduction axes are not constant".into()),
                        },
                        (None, Some(t)) if t.dtype().is_int() && t.rank() <= 1 => {
                            (0..t.num_elements()).map(|i| t.get_i64(i)).collect()
                        }
                        _ => return Err("reduction axes are not constant".into()),
                    };
                    let out = node.outputs.first().and_then(tensor_dtype).ok_or("non-tensor output")?;
                    if vals[input].1 != DType::Float32 || out != DType::Float32 {
                        return Err(format!("{op} on {:?} has no generated code", vals[input].1));
                    }
                    let kind = red_kind(op).ok_or("reduction")?;
                    reduction = Some(Reduction { kind, input, axes: axes_t, keep_dims: node.attrs.bool_or("keep_dims", false) });
                    names.push(op);
                    reduced.push(out0);
                }
                _ => {
                    let OpRef::Tensor(_) = node.op else { return Err(format!("{op} in a fused body")) };
                    let ins: Vec<usize> = step
                        .inputs
                        .iter()
                        .map(|o| index.get(o).copied().ok_or_else(|| format!("{op}: input is not elementwise")))
                        .collect::<Result<_, _>>()?;
                    let dts: Vec<DType> = ins.iter().map(|&i| vals[i].1).collect();
                    let out = node.outputs.first().and_then(tensor_dtype).ok_or("non-tensor output")?;
                    let ok = if elemops::GRAD_OPS.contains(&op) {
                        same_static_shape(g, &step.inputs).is_some_and(|n| elemops::grad_supported(op, &dts, out, n))
                    } else {
                        elemops::supported(op, &dts, out)
                    };
                    if !ok {
                        return Err(format!("{op} on {dts:?} has no generated code"));
                    }
                    if op != "Identity" && !names.contains(&op) {
                        names.push(op);
                    }
                    index.insert(out0, vals.len());
                    vals.push((Src::Op(ops.len()), out));
                    ops.push(BodyOp { op, attrs: node.attrs.clone(), ins, out });
                }
            }
        }
        let outs: Vec<OutRef> = g
            .outputs()
            .iter()
            .map(|o| match index.get(o) {
                Some(&k) => Ok(OutRef::Elem(k)),
                None if reduced.contains(o) => Ok(OutRef::Reduced),
                None => Err("unknown output".to_string()),
            })
            .collect::<Result<_, _>>()?;
        if allow_reduction && reduction.is_none() {
            return Err("no reduction in the body".into());
        }
        // Values the kernel computes (a reduction's axes are not among them).
        let mut used = vec![false; vals.len()];
        for (k, (src, _)) in vals.iter().enumerate() {
            if matches!(src, Src::Input(_)) {
                used[k] = true;
            }
        }
        for op in &ops {
            for &i in &op.ins {
                used[i] = true;
            }
        }
        for (k, u) in used.iter_mut().enumerate() {
            if matches!(vals[k].0, Src::Op(_)) || outs.contains(&OutRef::Elem(k)) || reduction.as_ref().is_some_and(|r| r.input == k) {
                *u = true;
            }
        }
        let all_f32 = vals.iter().zip(&used).all(|(v, &u)| !u || v.1 == DType::Float32);
        Ok(ElemBody { in_types, vals, ops, outs, names, all_f32, reduction })
    }
}

/// The element count of `ins` when all have one fully known static shape
/// (a gradient op's reference kernel rejects inputs of different shapes,
/// so generated code, which would broadcast, may only see equal ones).
fn same_static_shape(g: &FuncGraph, ins: &[Output]) -> Option<usize> {
    let mut shape: Option<Vec<usize>> = None;
    for &o in ins {
        let s = g.value_type(o).as_tensor()?.shape.as_known()?;
        match &shape {
            Some(prev) if *prev != s => return None,
            _ => shape = Some(s),
        }
    }
    shape.map(|s| s.iter().product())
}

/// `a` equals `b` after left-padding `a` with 1s.
pub fn padded_eq(a: &[usize], b: &[usize]) -> bool {
    a.len() <= b.len() && b[..b.len() - a.len()].iter().all(|&d| d == 1) && a == &b[b.len() - a.len()..]
}

/// The broadcast of `shapes`, or `None` if they do not broadcast.
pub fn broadcast(shapes: &[&[usize]]) -> Option<Vec<usize>> {
    let rank = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; rank];
    for s in shapes {
        let off = rank - s.len();
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[off + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return None;
            }
        }
    }
    Some(out)
}

/// A zero-filled buffer.
pub fn zeros(d: DType, n: usize) -> Data {
    match d {
        DType::Float32 => Data::F32(vec![0.0; n]),
        DType::Float64 => Data::F64(vec![0.0; n]),
        DType::Int32 => Data::I32(vec![0; n]),
        DType::Int64 => Data::I64(vec![0; n]),
        DType::Bool => Data::Bool(vec![false; n]),
    }
}

/// The address of a buffer's first element.
pub fn data_ptr(d: &Data) -> *const u8 {
    match d {
        Data::F32(v) => v.as_ptr() as *const u8,
        Data::F64(v) => v.as_ptr() as *const u8,
        Data::I32(v) => v.as_ptr() as *const u8,
        Data::I64(v) => v.as_ptr() as *const u8,
        Data::Bool(v) => v.as_ptr() as *const u8,
    }
}

/// The mutable address of a buffer's first element.
pub fn data_ptr_mut(d: &mut Data) -> *mut u8 {
    match d {
        Data::F32(v) => v.as_mut_ptr() as *mut u8,
        Data::F64(v) => v.as_mut_ptr() as *mut u8,
        Data::I32(v) => v.as_mut_ptr() as *mut u8,
        Data::I64(v) => v.as_mut_ptr() as *mut u8,
        Data::Bool(v) => v.as_mut_ptr() as *mut u8,
    }
}
