//! One definition per op.
//!
//! An [`OpDef`] is everything tfjit knows about a TensorFlow op: its TF name,
//! its shape/dtype rule (`infer`, which also raises TF's errors for bad
//! inputs), its reference kernel, and its class (which tells the optimizer
//! and backends how to treat it). Eager execution, the graph executor, shape
//! inference while tracing, gradients and lowering all read the same entry —
//! adding an op means adding one `OpDef` in `ops/`, nothing else.

use crate::dtype::DType;
use crate::error::{TfError, TfResult};
use crate::shape::TensorType;
use crate::tensor::Tensor;
use indexmap::IndexMap;
use std::collections::HashMap;
use std::sync::OnceLock;

/// An op attribute value (TF's `AttrValue`).
#[derive(Clone, Debug, PartialEq)]
pub enum Attr {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Type(DType),
    Ints(Vec<i64>),
    /// A tensor-valued attribute (the `value` of `Const`).
    Tensor(Tensor),
}

/// Attributes by name, in insertion order.
pub type Attrs = IndexMap<&'static str, Attr>;

/// Typed accessors with TF-style errors for missing/mistyped attributes.
pub trait AttrsExt {
    fn get_int(&self, name: &str) -> TfResult<i64>;
    fn get_bool(&self, name: &str) -> TfResult<bool>;
    fn get_type(&self, name: &str) -> TfResult<DType>;
    fn get_float(&self, name: &str) -> TfResult<f64>;
    fn get_ints(&self, name: &str) -> TfResult<Vec<i64>>;
    fn get_tensor(&self, name: &str) -> TfResult<&Tensor>;
    fn int_or(&self, name: &str, default: i64) -> i64;
    fn bool_or(&self, name: &str, default: bool) -> bool;
}

fn missing(name: &str) -> TfError {
    TfError::invalid_argument(format!("missing or mistyped attr '{name}'"))
}

impl AttrsExt for Attrs {
    fn get_int(&self, name: &str) -> TfResult<i64> {
        match self.get(name) {
            Some(Attr::Int(v)) => Ok(*v),
            _ => Err(missing(name)),
        }
    }
    fn get_bool(&self, name: &str) -> TfResult<bool> {
        match self.get(name) {
            Some(Attr::Bool(v)) => Ok(*v),
            _ => Err(missing(name)),
        }
    }
    fn get_type(&self, name: &str) -> TfResult<DType> {
        match self.get(name) {
            Some(Attr::Type(v)) => Ok(*v),
            _ => Err(missing(name)),
        }
    }
    fn get_float(&self, name: &str) -> TfResult<f64> {
        match self.get(name) {
            Some(Attr::Float(v)) => Ok(*v),
            Some(Attr::Int(v)) => Ok(*v as f64),
            _ => Err(missing(name)),
        }
    }
    fn get_ints(&self, name: &str) -> TfResult<Vec<i64>> {
        match self.get(name) {
            Some(Attr::Ints(v)) => Ok(v.clone()),
            _ => Err(missing(name)),
        }
    }
    fn get_tensor(&self, name: &str) -> TfResult<&Tensor> {
        match self.get(name) {
            Some(Attr::Tensor(v)) => Ok(v),
            _ => Err(missing(name)),
        }
    }
    fn int_or(&self, name: &str, default: i64) -> i64 {
        self.get_int(name).unwrap_or(default)
    }
    fn bool_or(&self, name: &str, default: bool) -> bool {
        self.get_bool(name).unwrap_or(default)
    }
}

/// What shape inference sees of one input: its type, and its value when it
/// is known statically (an eager tensor, or a `Const` in a graph). Ops whose
/// output shape depends on an input's value (`Reshape`'s shape, `Sum`'s axes)
/// read `value`; with `None` they infer unknown dims.
#[derive(Clone, Debug)]
pub struct InputInfo<'a> {
    pub ty: TensorType,
    pub value: Option<&'a Tensor>,
}

impl<'a> InputInfo<'a> {
    pub fn of(t: &'a Tensor) -> Self {
        InputInfo { ty: t.tensor_type(), value: Some(t) }
    }
}

/// How the optimizer and backends may treat an op.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpClass {
    /// Pure, shape-preserving per element after broadcasting (fusable).
    Elementwise,
    /// Pure reduction over axes (fusable as a kernel epilogue).
    Reduction,
    /// Pure, but neither of the above (MatMul, Reshape, Gather…).
    Opaque,
    /// Has side effects or reads state (variables, printing); never pruned
    /// or reordered past other stateful ops.
    Stateful,
}

/// Shape/dtype rule: checks the inputs (raising TF's errors) and returns the
/// output types. Works on partial shapes.
pub type InferFn = fn(&[InputInfo], &Attrs) -> TfResult<Vec<TensorType>>;

/// Reference kernel: computes the outputs from eager inputs. It may assume
/// `infer` accepted the same inputs, but must still never panic.
pub type KernelFn = fn(&[&Tensor], &Attrs) -> TfResult<Vec<Tensor>>;

/// Everything about one TensorFlow op.
pub struct OpDef {
    /// TF's op name: `AddV2`, `MatMul`, `StridedSlice`…
    pub name: &'static str,
    pub class: OpClass,
    pub infer: InferFn,
    pub kernel: KernelFn,
    /// The gradient function, as TF registers it (`grad::*`); `None` when TF
    /// registers none or marks the op `NotDifferentiable`.
    pub grad: Option<crate::grad::GradFn>,
}

impl std::fmt::Debug for OpDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpDef({})", self.name)
    }
}

fn registry() -> &'static HashMap<&'static str, &'static OpDef> {
    static REGISTRY: OnceLock<HashMap<&'static str, &'static OpDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| crate::ops::ALL.iter().map(|d| (d.name, *d)).collect())
}

/// The definition of the op named `name` (TF's name).
pub fn lookup(name: &str) -> Option<&'static OpDef> {
    registry().get(name).copied()
}

/// Run op `name` eagerly: infer (which validates), then the reference kernel.
pub fn run(name: &str, inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let def = lookup(name)
        .ok_or_else(|| TfError::not_implemented(format!("op {name} is not implemented in tfjit")))?;
    let infos: Vec<InputInfo> = inputs.iter().map(|t| InputInfo::of(t)).collect();
    (def.infer)(&infos, attrs).map_err(|e| eager_error(e, name))?;
    (def.kernel)(inputs, attrs).map_err(|e| eager_error(e, name))
}

/// Appends ` [Op:<Name>]` to the message of a TF runtime error, as TF's eager
/// mode does (tfjit's own NotImplemented and Python-level errors are left alone).
pub fn eager_error(mut e: TfError, name: &str) -> TfError {
    use crate::error::TfErrorKind as K;
    if matches!(e.kind, K::InvalidArgument | K::ResourceExhausted | K::OutOfRange | K::Unimplemented)
        && !e.message.contains(" [Op:")
    {
        e.message = format!("{} [Op:{name}]", e.message);
    }
    e
}

/// Run a single-output op eagerly.
pub fn run1(name: &str, inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Tensor> {
    run(name, inputs, attrs)?
        .into_iter()
        .next()
        .ok_or_else(|| TfError::invalid_argument(format!("op {name} produced no output")))
}

/// Build an `Attrs` map: `attrs![("T", Attr::Type(d)), ("axis", Attr::Int(0))]`.
#[macro_export]
macro_rules! attrs {
    () => { $crate::op::Attrs::new() };
    ($(($k:expr, $v:expr)),+ $(,)?) => {{
        let mut a = $crate::op::Attrs::new();
        $( a.insert($k, $v); )+
        a
    }};
}
