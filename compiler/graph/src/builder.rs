//! [`GraphBuilder`]: records ops into a [`FuncGraph`] while a function is
//! traced — names, static types (each op's `infer` on the inputs' types and
//! constant values), captures and automatic control dependencies.

use crate::control_deps::AutoControlDeps;
use crate::graph::{Capture, CaptureKind, FuncGraph};
use crate::graph_ops::{InferCtx, ResourceEffect};
use crate::naming::Names;
use crate::node::{Edge, Node, OpRef, Output};
use crate::value::{shape_text, ValueType, VarId};
use indexmap::IndexMap;
use petgraph::stable_graph::NodeIndex;
use std::sync::{Arc, OnceLock};
use tfjit_tensor::{Attr, Attrs, InputInfo, Tensor, TensorType, TfError, TfErrorKind, TfResult};

/// Captured eager tensors with at most this many elements become `Const`
/// ops; larger ones become placeholders fed at call time (TF's
/// `_EAGER_CONST_THRESHOLD`).
pub const EAGER_CONST_THRESHOLD: usize = 128;

/// Records a function graph during tracing.
pub struct GraphBuilder {
    graph: FuncGraph,
    names: Names,
    acd: AutoControlDeps,
    tensor_caps: Vec<(Tensor, Output)>,
    var_caps: IndexMap<VarId, Output>,
    sym_caps: IndexMap<Output, Output>,
}

impl GraphBuilder {
    /// An empty graph for function `name`.
    pub fn new(name: &str) -> GraphBuilder {
        GraphBuilder {
            graph: FuncGraph::empty(name),
            names: Names::default(),
            acd: AutoControlDeps::default(),
            tensor_caps: Vec::new(),
            var_caps: IndexMap::new(),
            sym_caps: IndexMap::new(),
        }
    }

    /// The graph so far (for types, names and inspection while tracing).
    pub fn graph(&self) -> &FuncGraph {
        &self.graph
    }

    /// Enters `tf.name_scope(name)`; returns the full unique scope name.
    /// Pass `"<scope>/"` as an op's name hint to name the op exactly `<scope>`.
    pub fn push_name_scope(&mut self, name: &str) -> String {
        self.names.push(name)
    }

    /// Leaves the innermost name scope.
    pub fn pop_name_scope(&mut self) {
        self.names.pop()
    }

    /// A fresh unique name under the current scope (TF's `unique_name`).
    pub fn unique_name(&mut self, hint: &str) -> String {
        self.names.unique(hint)
    }

    /// The static type of `o`.
    pub fn value_type(&self, o: Output) -> TfResult<&ValueType> {
        self.graph.check(o)?;
        Ok(self.graph.value_type(o))
    }

    /// The value of `o` if it is the output of a `Const`.
    pub fn const_value(&self, o: Output) -> Option<&Tensor> {
        let node = self.graph.try_node(o.node)?;
        if o.graph != self.graph.id || node.op.name() != "Const" {
            return None;
        }
        match node.attrs.get("value") {
            Some(Attr::Tensor(t)) => Some(t),
            _ => None,
        }
    }

    fn insert(
        &mut self,
        name: String,
        op: OpRef,
        attrs: Attrs,
        funcs: IndexMap<&'static str, Arc<FuncGraph>>,
        outputs: Vec<ValueType>,
        inputs: &[Output],
    ) -> NodeIndex {
        let ix = self.graph.g.add_node(Node {
            op,
            name: name.clone(),
            attrs,
            funcs,
            outputs,
        });
        for (inp, o) in inputs.iter().enumerate() {
            self.graph
                .g
                .add_edge(o.node, ix, Edge::Data { out: o.index, inp });
        }
        self.graph.order.push(ix);
        self.graph.by_name.insert(name, ix);
        self.graph.plan = OnceLock::new();
        ix
    }

    fn placeholder(&mut self, name: String, ty: ValueType, user_name: &str) -> Output {
        let mut attrs = Attrs::new();
        if let ValueType::Tensor(t) = &ty {
            attrs.insert("dtype", Attr::Type(t.dtype));
        }
        attrs.insert("_user_specified_name", Attr::Str(user_name.to_string()));
        let op = OpRef::lookup("Placeholder").expect("Placeholder is a graph op");
        let ix = self.insert(name, op, attrs, IndexMap::new(), vec![ty], &[]);
        self.graph.output(ix, 0)
    }

    /// A function argument: a `Placeholder` named after the Python argument
    /// (made unique if needed), appended to the graph's inputs.
    pub fn add_placeholder(&mut self, name: &str, ty: ValueType) -> Output {
        let unique = self.names.unique(name);
        let o = self.placeholder(unique, ty, name);
        self.graph.inputs.push(o.node);
        o
    }

    /// A `Const` holding `value`.
    pub fn add_const(&mut self, name_hint: &str, value: Tensor) -> Output {
        let name = self.names.op_name(name_hint, "Const");
        let mut attrs = Attrs::new();
        attrs.insert("dtype", Attr::Type(value.dtype()));
        let ty = ValueType::Tensor(value.tensor_type());
        attrs.insert("value", Attr::Tensor(value));
        let op = OpRef::lookup("Const").expect("Const is a graph op");
        let ix = self.insert(name, op, attrs, IndexMap::new(), vec![ty], &[]);
        self.graph.output(ix, 0)
    }

    /// Captures an outer eager tensor: a `Const` if it has at most
    /// [`EAGER_CONST_THRESHOLD`] elements, else a placeholder fed with it at
    /// call time. Capturing the same tensor (same buffer) again reuses it.
    pub fn capture_tensor(&mut self, name_hint: &str, t: &Tensor) -> Output {
        if let Some((_, o)) = self
            .tensor_caps
            .iter()
            .find(|(c, _)| c.same_buffer(t) && c.shape() == t.shape())
        {
            return *o;
        }
        let o = if t.num_elements() <= EAGER_CONST_THRESHOLD {
            self.add_const(name_hint, t.clone())
        } else {
            let name = self.names.op_name(name_hint, "Placeholder");
            let o = self.placeholder(name, ValueType::Tensor(t.tensor_type()), name_hint);
            self.graph.captures.push(Capture {
                placeholder: o.node,
                kind: CaptureKind::Tensor(t.clone()),
            });
            o
        };
        self.tensor_caps.push((t.clone(), o));
        o
    }

    /// Captures variable `var` (of type `ty`) by reference: a resource
    /// placeholder, one per variable.
    pub fn capture_variable(&mut self, name_hint: &str, var: VarId, ty: TensorType) -> Output {
        if let Some(o) = self.var_caps.get(&var) {
            return *o;
        }
        let name = self.names.op_name(name_hint, "Placeholder");
        let o = self.placeholder(name, ValueType::Resource(ty), name_hint);
        self.graph.captures.push(Capture {
            placeholder: o.node,
            kind: CaptureKind::Variable(var),
        });
        self.var_caps.insert(var, o);
        o
    }

    /// Captures `outer`, a tensor of an enclosing graph of type `ty` (for
    /// branch and body graphs): a placeholder, one per outer tensor, fed
    /// from the call's arguments after the regular inputs.
    pub fn capture_symbolic(&mut self, name_hint: &str, outer: Output, ty: ValueType) -> Output {
        if let Some(o) = self.sym_caps.get(&outer) {
            return *o;
        }
        let name = self.names.op_name(name_hint, "Placeholder");
        let o = self.placeholder(name, ty, name_hint);
        self.graph.captures.push(Capture {
            placeholder: o.node,
            kind: CaptureKind::Symbolic(outer),
        });
        self.sym_caps.insert(outer, o);
        o
    }

    /// Makes the symbolic captures exactly `order` (outer tensor and its
    /// type), in that order: captures missing ones (unused placeholders, as
    /// TF adds to make `If` branches take the same arguments) and reorders
    /// the rest. Captures of other kinds keep their places before them.
    pub fn set_symbolic_captures(&mut self, order: &[(Output, ValueType)]) -> TfResult<()> {
        for (outer, ty) in order {
            self.capture_symbolic("input", *outer, ty.clone());
        }
        let caps = std::mem::take(&mut self.graph.captures);
        let (mut sym, other): (Vec<Capture>, Vec<Capture>) =
            caps.into_iter().partition(|c| matches!(c.kind, CaptureKind::Symbolic(_)));
        if sym.len() != order.len() {
            self.graph.captures = other.into_iter().chain(sym).collect();
            return Err(TfError::invalid_argument(
                "set_symbolic_captures: the graph captures tensors not in the given order",
            ));
        }
        let pos = |c: &Capture| match c.kind {
            CaptureKind::Symbolic(o) => order.iter().position(|(x, _)| *x == o).unwrap_or(usize::MAX),
            _ => usize::MAX,
        };
        sym.sort_by_key(pos);
        self.graph.captures = other.into_iter().chain(sym).collect();
        self.graph.plan = OnceLock::new();
        Ok(())
    }

    /// The placeholder standing for outer tensor `outer`, if captured.
    pub fn symbolic_capture_of(&self, outer: Output) -> Option<Output> {
        self.sym_caps.get(&outer).copied()
    }

    /// Adds op `op_name` (TF's name) on `inputs`. Runs the op's shape rule on
    /// the inputs' static types (and constant values), raising trace-time
    /// errors; names the op from `name_hint` (see [`Names::op_name`]); adds
    /// the control dependencies that keep stateful ops in program order.
    pub fn add_op(
        &mut self,
        name_hint: &str,
        op_name: &str,
        inputs: &[Output],
        attrs: Attrs,
    ) -> TfResult<Vec<Output>> {
        self.add_func_op(name_hint, op_name, inputs, attrs, IndexMap::new())
    }

    /// [`Self::add_op`] for ops with function attributes (`If`, `While`).
    pub fn add_func_op(
        &mut self,
        name_hint: &str,
        op_name: &str,
        inputs: &[Output],
        attrs: Attrs,
        funcs: IndexMap<&'static str, Arc<FuncGraph>>,
    ) -> TfResult<Vec<Output>> {
        let op = OpRef::lookup(op_name).ok_or_else(|| {
            TfError::not_implemented(format!("op {op_name} is not implemented in tfjit"))
        })?;
        for &o in inputs {
            self.graph.check(o)?;
        }
        let types: Vec<ValueType> = inputs
            .iter()
            .map(|&o| self.graph.value_type(o).clone())
            .collect();
        let name = self.names.op_name(name_hint, op_name);
        let outputs = self
            .infer(op, &types, inputs, &attrs, &funcs)
            .map_err(|e| self.trace_error(e, &name, op, inputs, &attrs))?;
        let ix = self.insert(name, op, attrs, funcs, outputs, inputs);
        let handles: Vec<Output> = inputs
            .iter()
            .zip(&types)
            .filter(|(_, t)| matches!(t, ValueType::Resource(_)))
            .map(|(o, _)| *o)
            .collect();
        for dep in self.acd.record(ix, op, &handles) {
            self.graph.g.add_edge(dep, ix, Edge::Control);
        }
        Ok(self.graph.op_outputs(ix))
    }

    fn infer(
        &self,
        op: OpRef,
        types: &[ValueType],
        inputs: &[Output],
        attrs: &Attrs,
        funcs: &IndexMap<&'static str, Arc<FuncGraph>>,
    ) -> TfResult<Vec<ValueType>> {
        let values: Vec<Option<&Tensor>> = inputs.iter().map(|&o| self.const_value(o)).collect();
        match op {
            OpRef::Tensor(def) => {
                let mut infos = Vec::with_capacity(types.len());
                for (i, (t, v)) in types.iter().zip(&values).enumerate() {
                    match t {
                        ValueType::Tensor(ty) => infos.push(InputInfo {
                            ty: ty.clone(),
                            value: *v,
                        }),
                        other => {
                            return Err(TfError::type_error(format!(
                                "Input {i} of '{}' Op has type {} that is not a numeric tensor",
                                def.name,
                                other.dtype_name()
                            )))
                        }
                    }
                }
                let outs = (def.infer)(&infos, attrs)?;
                Ok(outs.into_iter().map(ValueType::Tensor).collect())
            }
            OpRef::Graph(def) => {
                let cx = InferCtx {
                    op: def.name,
                    inputs: types,
                    values: &values,
                    attrs,
                    funcs,
                };
                (def.infer)(&cx)
            }
        }
    }

    /// TF raises shape-rule errors at trace time as `ValueError` (dtype
    /// mismatches as `TypeError`), with the node in the message.
    fn trace_error(
        &self,
        e: TfError,
        name: &str,
        op: OpRef,
        inputs: &[Output],
        attrs: &Attrs,
    ) -> TfError {
        if e.kind != TfErrorKind::InvalidArgument {
            return e;
        }
        if e.message.contains("was expected to be a") {
            return TfError::type_error(graph_dtype_message(&e.message).unwrap_or(e.message));
        }
        let ins: Vec<String> = inputs.iter().map(|&o| input_ref(&self.graph, o)).collect();
        let shapes: Vec<String> = inputs
            .iter()
            .map(|&o| shape_text(&self.graph.value_type(o).shape()))
            .collect();
        let mut attr_parts: Vec<String> = attrs
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::attr_text::tf_attr_text(v)))
            .collect();
        attr_parts.sort();
        let attr_text = if attr_parts.is_empty() {
            String::new()
        } else {
            format!("[{}]", attr_parts.join(", "))
        };
        TfError::value(format!(
            "{} for '{{{{node {name}}}}} = {}{attr_text}({})' with input shapes: {}.",
            e.graph_text().trim_end_matches('.'),
            op.name(),
            ins.join(", "),
            shapes.join(", ")
        ))
    }

    /// Makes `node` run after `dep` (`tf.control_dependencies`).
    pub fn add_control_input(&mut self, node: NodeIndex, dep: NodeIndex) -> TfResult<()> {
        if self.graph.try_node(node).is_none() || self.graph.try_node(dep).is_none() {
            return Err(TfError::value(
                "control dependency on an op of another graph",
            ));
        }
        if node != dep && !self.graph.control_inputs(node).contains(&dep) {
            self.graph.g.add_edge(dep, node, Edge::Control);
            self.graph.plan = OnceLock::new();
        }
        Ok(())
    }

    /// Finishes the graph, as TF does on leaving the function: each output
    /// is returned through an `Identity` (`Identity`, `Identity_1`, …);
    /// if there are stateful ops, a `NoOp` depends on all that must run and
    /// every output `Identity` depends on it. Resource outputs are returned
    /// as they are.
    pub fn finish(mut self, outputs: &[Output]) -> TfResult<FuncGraph> {
        let mut outs = Vec::with_capacity(outputs.len());
        for &o in outputs {
            self.graph.check(o)?;
            if matches!(self.graph.value_type(o), ValueType::Resource(_) | ValueType::List(_)) {
                outs.push(o);
            } else {
                let r = self.add_op("Identity", "Identity", &[o], Attrs::new())?;
                outs.extend(r.first().copied());
            }
        }
        let must_run: Vec<NodeIndex> = self
            .acd
            .stateful_ops()
            .iter()
            .copied()
            .filter(|&ix| {
                let op = self.graph.op(ix);
                let unused_read = op.resource_effect() == ResourceEffect::Read
                    && !op.global_effect()
                    && self
                        .graph
                        .op_outputs(ix)
                        .iter()
                        .all(|&o| self.graph.consumers(o).is_empty());
                !unused_read
            })
            .collect();
        if !must_run.is_empty() {
            let noop = self.add_op("NoOp", "NoOp", &[], Attrs::new())?;
            debug_assert!(noop.is_empty());
            let noop_ix = *self.graph.order.last().expect("NoOp was just added");
            for &ix in &must_run {
                self.add_control_input(noop_ix, ix)?;
            }
            for o in &outs {
                if self.graph.op(o.node).name() == "Identity" {
                    self.add_control_input(o.node, noop_ix)?;
                }
            }
        }
        self.graph.outputs = outs;
        self.graph.control_outputs = must_run;
        self.graph.plan = OnceLock::new();
        Ok(self.graph)
    }
}

/// The graph-mode wording of a kernel's dtype mismatch: "cannot compute
/// AddV2 as input #1(zero-based) was expected to be a int32 tensor but is a
/// float tensor" becomes TF's "Input 'y' of 'AddV2' Op has type float32 that
/// does not match type int32 of argument 'x'."
fn graph_dtype_message(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("cannot compute ")?;
    let (op, rest) = rest.split_once(" as input #")?;
    let (idx, rest) = rest.split_once("(zero-based) was expected to be a ")?;
    let (want, rest) = rest.split_once(" tensor but is a ")?;
    let got = rest.split(" tensor").next()?;
    let idx: usize = idx.parse().ok()?;
    let py = |t: &str| match t {
        "float" => "float32".to_string(),
        "double" => "float64".to_string(),
        other => other.to_string(),
    };
    let names = ["x", "y", "z"];
    let input = names.get(idx).copied().unwrap_or("input");
    let first = if idx == 0 { "y" } else { "x" };
    Some(format!(
        "Input '{input}' of '{op}' Op has type {} that does not match type {} of argument '{first}'.",
        py(got),
        py(want)
    ))
}

/// TF's input reference: `x` for output 0, `x:1` otherwise.
pub(crate) fn input_ref(g: &FuncGraph, o: Output) -> String {
    let name = &g.node(o.node).name;
    if o.index == 0 {
        name.clone()
    } else {
        format!("{name}:{}", o.index)
    }
}
