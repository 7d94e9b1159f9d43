//! TF's `graph.as_graph_def()` data: one `NodeDef` per op with its name,
//! type, inputs (`x`, `x:1`, `^ctrl`) and attributes.

use crate::builder::input_ref;
use crate::graph::FuncGraph;
use tfjit_tensor::Attr;

/// One node of a `GraphDef`.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDef {
    pub name: String,
    pub op: String,
    /// Data inputs (`x` for output 0, `x:1`), then control inputs (`^name`,
    /// sorted by name as TF does).
    pub input: Vec<String>,
    /// Attributes, sorted by name; function attributes hold the function's name.
    pub attr: Vec<(String, AttrDef)>,
}

/// An attribute value of a `NodeDef`.
#[derive(Clone, Debug, PartialEq)]
pub enum AttrDef {
    Value(Attr),
    /// A function-valued attribute: the function's name (`then_branch`…).
    Func(String),
}

/// A graph's `GraphDef`: its nodes in creation order, and the nested
/// function graphs (TF's `library`), each by name.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphDef {
    pub node: Vec<NodeDef>,
    pub library: Vec<(String, GraphDef)>,
}

/// `graph.as_graph_def()`.
pub fn as_graph_def(g: &FuncGraph) -> GraphDef {
    let mut library = Vec::new();
    let node = g
        .operations()
        .iter()
        .map(|&ix| {
            let n = g.node(ix);
            let mut input: Vec<String> = g
                .op_inputs(ix)
                .into_iter()
                .map(|o| input_ref(g, o))
                .collect();
            let mut ctrl: Vec<String> = g
                .control_inputs(ix)
                .into_iter()
                .map(|c| format!("^{}", g.node(c).name))
                .collect();
            ctrl.sort();
            input.extend(ctrl);
            let mut attr: Vec<(String, AttrDef)> = n
                .attrs
                .iter()
                .map(|(k, v)| (k.to_string(), AttrDef::Value(v.clone())))
                .collect();
            for (k, f) in &n.funcs {
                attr.push((k.to_string(), AttrDef::Func(f.name().to_string())));
                if !library
                    .iter()
                    .any(|(name, _): &(String, GraphDef)| name == f.name())
                {
                    library.push((f.name().to_string(), as_graph_def(f)));
                }
            }
            attr.sort_by(|a, b| a.0.cmp(&b.0));
            NodeDef {
                name: n.name.clone(),
                op: n.op.name().to_string(),
                input,
                attr,
            }
        })
        .collect();
    GraphDef { node, library }
}
