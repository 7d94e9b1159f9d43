//! Constant folding as an egg [`Analysis`]: every e-class knows its static
//! type, its constant value when all inputs are constants (computed with the
//! reference kernels, so folded values are bit-identical to what the graph
//! would compute), and whether evaluating it can fail at run time.
//!
//! `make` types and folds a new e-node, `merge` keeps the most that is known
//! about a class, `modify` adds the `Const` e-node to a folded class and
//! drops its other nodes.

use crate::language::{Tables, TfLang};
use egg::{Analysis, DidMerge, EGraph, Id, Language};
use tfjit_tensor::op::{lookup, OpClass};
use tfjit_tensor::{DType, InputInfo, Tensor, TensorType};

/// The e-graph of a graph's pure ops.
pub type TfEGraph = EGraph<TfLang, TfAnalysis>;

/// Default largest folded constant, in elements.
pub const DEFAULT_FOLD_LIMIT: usize = 1024;

/// The analysis: the leaf/const/attrs tables and the fold size cap.
#[derive(Debug)]
pub struct TfAnalysis {
    /// What leaves, constants and attrs ids stand for.
    pub tables: Tables,
    /// Largest number of elements a folded constant (and each of its inputs)
    /// may have; bigger results are left to run time.
    pub fold_limit: usize,
}

impl Default for TfAnalysis {
    fn default() -> Self {
        TfAnalysis {
            tables: Tables::default(),
            fold_limit: DEFAULT_FOLD_LIMIT,
        }
    }
}

/// What is known about one e-class.
#[derive(Clone, Debug, Default)]
pub struct ClassData {
    /// The static type (`None` for attrs leaves and untypable nodes).
    pub ty: Option<TensorType>,
    /// The value, when it is a (small) constant.
    pub konst: Option<Tensor>,
    /// Evaluating the class cannot fail at run time (all shapes statically
    /// known, and no op that can raise, such as integer division).
    pub safe: bool,
}

impl ClassData {
    /// The dtype, if typed.
    pub fn dtype(&self) -> Option<DType> {
        self.ty.as_ref().map(|t| t.dtype)
    }
}

fn fully_known(t: &TensorType) -> bool {
    t.shape.is_fully_defined()
}

/// Whether op `name` on inputs of types `ins` giving `out` can never fail
/// at run time (its shape rule already passed on fully known shapes).
fn op_is_safe(name: &str, class: OpClass, ins: &[TensorType], out: &TensorType) -> bool {
    if !fully_known(out) || !ins.iter().all(fully_known) {
        return false;
    }
    let int = ins.iter().any(|t| t.dtype.is_int() || t.dtype.is_bool());
    match class {
        OpClass::Elementwise => !(int
            && matches!(
                name,
                "FloorDiv" | "FloorMod" | "RealDiv" | "Pow" | "TruncateDiv" | "TruncateMod" | "Div"
            )),
        OpClass::Reduction => match name {
            "Sum" | "Max" | "Min" | "Prod" | "Any" | "All" => true,
            "Mean" => !int,
            _ => false,
        },
        OpClass::Opaque => matches!(
            name,
            "Identity"
                | "Reshape"
                | "Transpose"
                | "ExpandDims"
                | "Squeeze"
                | "MatMul"
                | "BatchMatMulV2"
                | "Shape"
                | "Size"
                | "Rank"
                | "BroadcastTo"
                | "Tile"
                | "ConcatV2"
                | "Pack"
        ),
        OpClass::Stateful => false,
    }
}

impl Analysis<TfLang> for TfAnalysis {
    type Data = ClassData;

    fn make(egraph: &mut TfEGraph, enode: &TfLang, _id: Id) -> ClassData {
        let tables = &egraph.analysis.tables;
        match enode {
            TfLang::Attrs(_) => ClassData {
                ty: None,
                konst: None,
                safe: true,
            },
            TfLang::Const(k) => {
                let t = tables.konst(*k).cloned();
                ClassData {
                    ty: t.as_ref().map(|t| t.tensor_type()),
                    konst: t,
                    safe: true,
                }
            }
            TfLang::Leaf(l) => ClassData {
                ty: tables.leaves.get(l.index()).map(|(_, t)| t.clone()),
                konst: None,
                safe: true,
            },
            _ => make_op(egraph, enode),
        }
    }

    fn merge(&mut self, a: &mut ClassData, b: ClassData) -> DidMerge {
        let mut to_a = false;
        let mut to_b = false;
        match (&a.ty, &b.ty) {
            (None, Some(_)) => {
                a.ty = b.ty.clone();
                to_a = true;
            }
            (Some(_), None) => to_b = true,
            _ => {}
        }
        match (&a.konst, &b.konst) {
            (None, Some(_)) => {
                a.konst = b.konst.clone();
                to_a = true;
            }
            (Some(_), None) => to_b = true,
            _ => {}
        }
        if a.safe != b.safe {
            if b.safe {
                a.safe = true;
                to_a = true;
            } else {
                to_b = true;
            }
        }
        DidMerge(to_a, to_b)
    }

    fn modify(egraph: &mut TfEGraph, id: Id) {
        let Some(t) = egraph[id].data.konst.clone() else {
            return;
        };
        let k = egraph.analysis.tables.intern_const(&t);
        let c = egraph.add(TfLang::Const(k));
        egraph.union(id, c);
        // A constant needs no other representation.
        let id = egraph.find(id);
        egraph[id].nodes.retain(|n| n.is_leaf());
    }
}

/// Types an op e-node with its shape rule and folds it when all its inputs
/// are constants.
fn make_op(egraph: &TfEGraph, enode: &TfLang) -> ClassData {
    let unknown = ClassData::default();
    let (Some(name), Some((attrs_id, ins))) = (enode.op_name(), enode.split_op()) else {
        return unknown;
    };
    let Some(def) = lookup(name) else {
        return unknown;
    };
    let attrs = match &egraph[attrs_id].nodes.first() {
        Some(TfLang::Attrs(a)) => match egraph.analysis.tables.attrs_of(*a) {
            Some(a) => a,
            None => return unknown,
        },
        _ => return unknown,
    };
    let datas: Vec<&ClassData> = ins.iter().map(|&c| &egraph[c].data).collect();
    let mut infos = Vec::with_capacity(datas.len());
    for d in &datas {
        match &d.ty {
            Some(ty) => infos.push(InputInfo {
                ty: ty.clone(),
                value: d.konst.as_ref(),
            }),
            None => return unknown,
        }
    }
    let out = match (def.infer)(&infos, attrs) {
        Ok(mut v) if v.len() == 1 => v.remove(0),
        _ => return unknown,
    };
    let in_types: Vec<TensorType> = infos.iter().map(|i| i.ty.clone()).collect();
    let safe = datas.iter().all(|d| d.safe) && op_is_safe(name, def.class, &in_types, &out);
    let limit = egraph.analysis.fold_limit;
    let small_out = out
        .shape
        .as_known()
        .is_some_and(|d| d.iter().try_fold(1usize, |n, &x| n.checked_mul(x)).is_some_and(|n| n <= limit));
    let konst = if def.class != OpClass::Stateful
        && small_out
        && datas
            .iter()
            .all(|d| d.konst.as_ref().is_some_and(|t| t.num_elements() <= limit))
    {
        let ts: Vec<&Tensor> = datas.iter().filter_map(|d| d.konst.as_ref()).collect();
        match (def.kernel)(&ts, attrs) {
            Ok(mut v) if v.len() == 1 && v[0].tensor_type() == out => Some(v.remove(0)),
            _ => None,
        }
    } else {
        None
    };
    ClassData {
        ty: Some(out),
        safe: safe || konst.is_some(),
        konst,
    }
}
