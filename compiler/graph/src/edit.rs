//! In-place editing of a [`FuncGraph`], for optimization passes: add and
//! remove nodes, rewire data inputs, reorder operations. Node indices of
//! untouched nodes stay valid (the graph is a petgraph `StableGraph`).
//!
//! The editing methods keep the bookkeeping (creation order, names, the
//! executor's cached plan) consistent; keeping the graph well typed is the
//! caller's job.

use crate::graph::{Capture, CaptureKind, FuncGraph};
use crate::node::{Edge, Node, OpRef, Output};
use crate::value::ValueType;
use indexmap::IndexMap;
use tfjit_tensor::{Attr, Attrs};
use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeRef, NodeIndexable};
use petgraph::Direction;
use std::sync::OnceLock;
use tfjit_tensor::{TfError, TfResult};

fn internal(msg: impl Into<String>) -> TfError {
    TfError::invalid_argument(msg)
}

impl FuncGraph {
    /// The node at `ix`, mutably (attrs, nested functions). Changing its
    /// output types is the caller's responsibility.
    pub fn node_mut(&mut self, ix: NodeIndex) -> Option<&mut Node> {
        self.plan = OnceLock::new();
        self.g.node_weight_mut(ix)
    }

    /// A name not used by any op of this graph (compared case-insensitively,
    /// as TF does): `hint`, else `hint_1`, `hint_2`, …
    pub fn unused_op_name(&self, hint: &str) -> String {
        let taken = |n: &str| {
            self.by_name.contains_key(n)
                || self.by_name.keys().any(|k| k.eq_ignore_ascii_case(n))
        };
        if !taken(hint) {
            return hint.to_string();
        }
        (1..)
            .map(|i| format!("{hint}_{i}"))
            .find(|n| !taken(n))
            .unwrap_or_else(|| hint.to_string())
    }

    /// Adds `node` with data inputs `inputs` (input `i` fed by `inputs[i]`),
    /// placed in creation order right after `after` (at the end if `None`).
    /// The node's name must be unused.
    pub fn add_node(
        &mut self,
        node: Node,
        inputs: &[Output],
        after: Option<NodeIndex>,
    ) -> TfResult<NodeIndex> {
        if self.by_name.contains_key(&node.name) {
            return Err(internal(format!("duplicate op name {}", node.name)));
        }
        for &o in inputs {
            self.check(o)?;
        }
        let name = node.name.clone();
        let ix = self.g.add_node(node);
        for (inp, o) in inputs.iter().enumerate() {
            self.g.add_edge(o.node, ix, Edge::Data { out: o.index, inp });
        }
        let pos = after
            .and_then(|a| self.order.iter().position(|&x| x == a))
            .map_or(self.order.len(), |p| p + 1);
        self.order.insert(pos, ix);
        self.by_name.insert(name, ix);
        self.plan = OnceLock::new();
        Ok(ix)
    }

    /// Makes input `inp` of `node` read `src` (replacing its current feed).
    pub fn set_input(&mut self, node: NodeIndex, inp: usize, src: Output) -> TfResult<()> {
        self.check(src)?;
        if self.g.node_weight(node).is_none() {
            return Err(internal("set_input: no such node"));
        }
        let old: Vec<_> = self
            .g
            .edges_directed(node, Direction::Incoming)
            .filter(|e| matches!(*e.weight(), Edge::Data { inp: i, .. } if i == inp))
            .map(|e| e.id())
            .collect();
        for e in old {
            self.g.remove_edge(e);
        }
        self.g
            .add_edge(src.node, node, Edge::Data { out: src.index, inp });
        self.plan = OnceLock::new();
        Ok(())
    }

    /// Makes every consumer of `from` (data edges and the graph's outputs)
    /// read `to` instead.
    pub fn replace_uses(&mut self, from: Output, to: Output) -> TfResult<()> {
        self.check(from)?;
        self.check(to)?;
        for (node, inp) in self.consumers(from) {
            self.set_input(node, inp, to)?;
        }
        for o in &mut self.outputs {
            if *o == from {
                *o = to;
            }
        }
        self.plan = OnceLock::new();
        Ok(())
    }

    /// Adds an op `op` (by name) named `name_hint` (made unique), with
    /// `attrs`, output types `outputs` and data inputs `inputs`, right after
    /// `after` in creation order (at the end if `None`).
    pub fn add_op(
        &mut self,
        op: &str,
        name_hint: &str,
        attrs: Attrs,
        outputs: Vec<ValueType>,
        inputs: &[Output],
        after: Option<NodeIndex>,
    ) -> TfResult<NodeIndex> {
        let op_ref = OpRef::lookup(op).ok_or_else(|| internal(format!("no op {op}")))?;
        let node = Node { op: op_ref, name: self.unused_op_name(name_hint), attrs, funcs: IndexMap::new(), outputs };
        self.add_node(node, inputs, after)
    }

    /// Adds a capture: a new `Placeholder` of type `ty` standing for
    /// `kind`, after the existing captures (a symbolic capture becomes the
    /// graph's last argument). Returns the placeholder's output.
    pub fn add_capture(&mut self, name_hint: &str, ty: ValueType, kind: CaptureKind) -> TfResult<Output> {
        let mut attrs = Attrs::new();
        if let ValueType::Tensor(t) = &ty {
            attrs.insert("dtype", Attr::Type(t.dtype));
        }
        attrs.insert("_user_specified_name", Attr::Str(name_hint.to_string()));
        let ix = self.add_op("Placeholder", name_hint, attrs, vec![ty], &[], None)?;
        self.captures.push(Capture { placeholder: ix, kind });
        Ok(self.output(ix, 0))
    }

    /// Appends `o` to the graph's outputs.
    pub fn push_output(&mut self, o: Output) -> TfResult<()> {
        self.check(o)?;
        self.outputs.push(o);
        self.plan = OnceLock::new();
        Ok(())
    }

    /// Adds a control edge: `to` runs after `from`.
    pub fn add_control_edge(&mut self, from: NodeIndex, to: NodeIndex) -> TfResult<()> {
        if self.g.node_weight(from).is_none() || self.g.node_weight(to).is_none() {
            return Err(internal("add_control_edge: no such node"));
        }
        if from != to && !self.control_inputs(to).contains(&from) {
            self.g.add_edge(from, to, Edge::Control);
            self.plan = OnceLock::new();
        }
        Ok(())
    }

    /// True if the node is an argument or capture placeholder, produces a
    /// graph output or is a control output: such nodes are never removed.
    pub fn is_pinned(&self, ix: NodeIndex) -> bool {
        self.inputs.contains(&ix)
            || self.captures.iter().any(|c| c.placeholder == ix)
            || self.outputs.iter().any(|o| o.node == ix)
            || self.control_outputs.contains(&ix)
    }

    /// Removes node `ix` and its edges. Pinned nodes ([`Self::is_pinned`])
    /// cannot be removed.
    pub fn remove_node(&mut self, ix: NodeIndex) -> TfResult<Node> {
        if self.is_pinned(ix) {
            return Err(internal(format!(
                "cannot remove {}: it is an argument, an output or a control output",
                self.g.node_weight(ix).map_or("?", |n| n.name.as_str())
            )));
        }
        let node = self
            .g
            .remove_node(ix)
            .ok_or_else(|| internal("remove_node: no such node"))?;
        self.order.retain(|&x| x != ix);
        self.by_name.shift_remove(&node.name);
        self.plan = OnceLock::new();
        Ok(node)
    }

    /// Replaces the creation order (`get_operations()`, which the executor
    /// uses to break ties and the printers follow). `order` must list every
    /// node exactly once.
    pub fn set_operation_order(&mut self, order: Vec<NodeIndex>) -> TfResult<()> {
        let mut seen = vec![false; self.g.node_bound()];
        for &ix in &order {
            match seen.get_mut(ix.index()) {
                Some(s) if !*s && self.g.node_weight(ix).is_some() => *s = true,
                _ => return Err(internal("set_operation_order: not a permutation")),
            }
        }
        if order.len() != self.g.node_count() {
            return Err(internal("set_operation_order: not a permutation"));
        }
        self.order = order;
        self.plan = OnceLock::new();
        Ok(())
    }
}
