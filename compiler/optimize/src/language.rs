//! The op language of the e-graph, declared once.
//!
//! Every op e-node takes its attributes as child 0 (an [`TfLang::Attrs`]
//! leaf), so two ops are merged by hash-consing only when their op, attrs
//! and inputs agree. The ops the rewrite rules talk about have their own
//! variants; any other pure op is a generic [`TfLang::Op`]. Constants are
//! leaves keyed by content ([`ConstId`] → [`Tables::consts`]); graph inputs
//! and outputs of opaque or stateful ops are [`TfLang::Leaf`]s, never merged
//! or removed.

use egg::{define_language, Id};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use tfjit_graph::Output;
use tfjit_tensor::{Attr, Attrs, Data, Tensor, TensorType};

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }

        impl FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                s.strip_prefix($prefix)
                    .and_then(|n| n.parse().ok())
                    .map($name)
                    .ok_or(())
            }
        }

        impl $name {
            /// Index into its table.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

key_type!(
    /// A constant tensor: index into [`Tables::consts`]. Printed `#c3`.
    ConstId,
    "#c"
);
key_type!(
    /// An attribute set: index into [`Tables::attrs`]. Printed `#a3`.
    AttrsId,
    "#a"
);
key_type!(
    /// A graph input or opaque output: index into [`Tables::leaves`]. Printed `#l3`.
    LeafId,
    "#l"
);

/// The TF name of a pure tensor op without its own variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpName(pub &'static str);

impl fmt::Display for OpName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl FromStr for OpName {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        tfjit_tensor::op::lookup(s).map(|d| OpName(d.name)).ok_or(())
    }
}

define_language! {
    /// The graph's pure ops, named by their TF op names; child 0 of every op
    /// is its attrs (`(Mul ?attrs ?x ?y)`). `Attrs`, `Const` and `Leaf` are
    /// leaves indexing [`Tables`]; `Op` is any other pure tensor op.
    #[allow(missing_docs)]
    pub enum TfLang {
        "AddV2" = AddV2([Id; 3]),
        "Sub" = Sub([Id; 3]),
        "Mul" = Mul([Id; 3]),
        "RealDiv" = RealDiv([Id; 3]),
        "Maximum" = Maximum([Id; 3]),
        "Minimum" = Minimum([Id; 3]),
        "Neg" = Neg([Id; 2]),
        "Square" = Square([Id; 2]),
        "Exp" = Exp([Id; 2]),
        "Log" = Log([Id; 2]),
        "Identity" = Identity([Id; 2]),
        "Cast" = Cast([Id; 2]),
        "Reshape" = Reshape([Id; 3]),
        "Transpose" = Transpose([Id; 3]),
        "Sum" = Sum([Id; 3]),
        "MatMul" = MatMul([Id; 3]),
        Attrs(AttrsId),
        Const(ConstId),
        Leaf(LeafId),
        Op(OpName, Vec<Id>),
    }
}

impl TfLang {
    /// Builds the e-node of op `name` on `children` (attrs first).
    pub fn op(name: &'static str, children: Vec<Id>) -> TfLang {
        let arr2 = |c: &[Id]| [c[0], c[1]];
        let arr3 = |c: &[Id]| [c[0], c[1], c[2]];
        match (name, children.len()) {
            ("AddV2", 3) => TfLang::AddV2(arr3(&children)),
            ("Sub", 3) => TfLang::Sub(arr3(&children)),
            ("Mul", 3) => TfLang::Mul(arr3(&children)),
            ("RealDiv", 3) => TfLang::RealDiv(arr3(&children)),
            ("Maximum", 3) => TfLang::Maximum(arr3(&children)),
            ("Minimum", 3) => TfLang::Minimum(arr3(&children)),
            ("Neg", 2) => TfLang::Neg(arr2(&children)),
            ("Square", 2) => TfLang::Square(arr2(&children)),
            ("Exp", 2) => TfLang::Exp(arr2(&children)),
            ("Log", 2) => TfLang::Log(arr2(&children)),
            ("Identity", 2) => TfLang::Identity(arr2(&children)),
            ("Cast", 2) => TfLang::Cast(arr2(&children)),
            ("Reshape", 3) => TfLang::Reshape(arr3(&children)),
            ("Transpose", 3) => TfLang::Transpose(arr3(&children)),
            ("Sum", 3) => TfLang::Sum(arr3(&children)),
            ("MatMul", 3) => TfLang::MatMul(arr3(&children)),
            _ => TfLang::Op(OpName(name), children),
        }
    }

    /// The TF op name of an op e-node (`None` for leaves).
    pub fn op_name(&self) -> Option<&'static str> {
        Some(match self {
            TfLang::AddV2(_) => "AddV2",
            TfLang::Sub(_) => "Sub",
            TfLang::Mul(_) => "Mul",
            TfLang::RealDiv(_) => "RealDiv",
            TfLang::Maximum(_) => "Maximum",
            TfLang::Minimum(_) => "Minimum",
            TfLang::Neg(_) => "Neg",
            TfLang::Square(_) => "Square",
            TfLang::Exp(_) => "Exp",
            TfLang::Log(_) => "Log",
            TfLang::Identity(_) => "Identity",
            TfLang::Cast(_) => "Cast",
            TfLang::Reshape(_) => "Reshape",
            TfLang::Transpose(_) => "Transpose",
            TfLang::Sum(_) => "Sum",
            TfLang::MatMul(_) => "MatMul",
            TfLang::Op(n, _) => n.0,
            TfLang::Attrs(_) | TfLang::Const(_) | TfLang::Leaf(_) => return None,
        })
    }

    /// For an op e-node: its attrs child and its tensor inputs.
    pub fn split_op(&self) -> Option<(Id, &[Id])> {
        use egg::Language;
        self.op_name()?;
        let c = self.children();
        c.split_first().map(|(a, rest)| (*a, rest))
    }
}

/// What the e-graph's leaves and attrs stand for. Lives in the analysis so
/// rules and folding can read and extend it.
#[derive(Debug, Default)]
pub struct Tables {
    /// Constant tensors, deduplicated by content (bitwise).
    pub consts: Vec<Tensor>,
    const_index: HashMap<ConstKey, ConstId>,
    /// Attribute sets, deduplicated by their text.
    pub attrs: Vec<Attrs>,
    attrs_index: HashMap<String, AttrsId>,
    /// Each leaf: the graph tensor it stands for and its static type.
    pub leaves: Vec<(Output, TensorType)>,
}

/// A constant's identity: dtype, shape and the bits of every element (so
/// `-0.0` and `0.0`, or two NaNs with different payloads, stay apart).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ConstKey {
    shape: Vec<usize>,
    bits: Vec<u64>,
    dtype: tfjit_tensor::DType,
}

fn const_key(t: &Tensor) -> ConstKey {
    let bits: Vec<u64> = match t.data() {
        Data::F32(v) => v.iter().map(|x| x.to_bits() as u64).collect(),
        Data::F64(v) => v.iter().map(|x| x.to_bits()).collect(),
        Data::I32(v) => v.iter().map(|&x| x as u32 as u64).collect(),
        Data::I64(v) => v.iter().map(|&x| x as u64).collect(),
        Data::Bool(v) => v.iter().map(|&x| x as u64).collect(),
    };
    ConstKey {
        shape: t.shape().to_vec(),
        bits,
        dtype: t.dtype(),
    }
}

fn attrs_key(a: &Attrs) -> String {
    let mut parts: Vec<String> = a.iter().map(|(k, v)| format!("{k}={}", attr_key(v))).collect();
    parts.sort();
    parts.join(";")
}

fn attr_key(a: &Attr) -> String {
    match a {
        Attr::Tensor(t) => format!("tensor{:?}", const_key(t)),
        other => format!("{other:?}"),
    }
}

impl Tables {
    /// The id of constant `t` (interned by content).
    pub fn intern_const(&mut self, t: &Tensor) -> ConstId {
        let key = const_key(t);
        if let Some(&id) = self.const_index.get(&key) {
            return id;
        }
        let id = ConstId(self.consts.len() as u32);
        self.consts.push(t.clone());
        self.const_index.insert(key, id);
        id
    }

    /// The id of attribute set `a` (interned by content).
    pub fn intern_attrs(&mut self, a: &Attrs) -> AttrsId {
        let key = attrs_key(a);
        if let Some(&id) = self.attrs_index.get(&key) {
            return id;
        }
        let id = AttrsId(self.attrs.len() as u32);
        self.attrs.push(a.clone());
        self.attrs_index.insert(key, id);
        id
    }

    /// A new leaf for graph tensor `o` of type `ty`.
    pub fn add_leaf(&mut self, o: Output, ty: TensorType) -> LeafId {
        let id = LeafId(self.leaves.len() as u32);
        self.leaves.push((o, ty));
        id
    }

    /// The constant `id` stands for.
    pub fn konst(&self, id: ConstId) -> Option<&Tensor> {
        self.consts.get(id.index())
    }

    /// The attribute set `id` stands for.
    pub fn attrs_of(&self, id: AttrsId) -> Option<&Attrs> {
        self.attrs.get(id.index())
    }
}
