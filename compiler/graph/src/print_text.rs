//! The text form of a graph (`tfjit graph --format text`), one line per op
//! in creation order. The format is documented in `docs/graph-json.md`
//! (section "Text format"):
//!
//! ```text
//! func f(%0, %1) -> (%4) {
//!   %0 = Placeholder() {dtype=float32} : float32[?,3]  # x
//!   %1 = Placeholder() {dtype=float32} : float32[3]  # y
//!   %2 = AddV2(%0, %1) : float32[?,3]  # add
//!   %3 = Identity(%2) : float32[?,3]  # Identity
//! }
//! ```

use crate::attr_text::{attr_text, quoted};
use crate::graph::{CaptureKind, FuncGraph};
use crate::node::Output;
use std::fmt::Write;

/// The whole graph as text, nested function graphs indented under their op.
pub fn to_text(g: &FuncGraph) -> String {
    let mut out = String::new();
    write_graph(&mut out, g, "", "");
    out
}

fn refs(g: &FuncGraph) -> impl Fn(Output) -> String + '_ {
    let pos = g.creation_positions();
    move |o: Output| {
        let p = pos.get(o.node.index()).copied().unwrap_or(usize::MAX);
        if o.index == 0 {
            format!("%{p}")
        } else {
            format!("%{p}:{}", o.index)
        }
    }
}

fn write_graph(out: &mut String, g: &FuncGraph, indent: &str, label: &str) {
    let r = refs(g);
    let node_ref = |ix| r(g.output(ix, 0));
    let args: Vec<String> = g.inputs().iter().map(|&ix| node_ref(ix)).collect();
    let outs: Vec<String> = g.outputs().iter().map(|&o| r(o)).collect();
    let _ = writeln!(
        out,
        "{indent}{label}func {}({}) -> ({}) {{",
        g.name(),
        args.join(", "),
        outs.join(", ")
    );
    let inner = format!("{indent}  ");
    if !g.captures().is_empty() {
        let caps: Vec<String> = g
            .captures()
            .iter()
            .map(|c| {
                let what = match &c.kind {
                    CaptureKind::Tensor(t) => format!(
                        "tensor {}",
                        crate::value::tensor_type_text(&t.tensor_type())
                    ),
                    CaptureKind::Variable(v) => format!("variable {}", v.0),
                    CaptureKind::Symbolic(o) => format!("outer {}:{}", o.node.index(), o.index),
                };
                format!("{} <- {what}", node_ref(c.placeholder))
            })
            .collect();
        let _ = writeln!(out, "{inner}captures: {}", caps.join(", "));
    }
    for &ix in g.operations() {
        let node = g.node(ix);
        let mut ins: Vec<String> = g.op_inputs(ix).into_iter().map(&r).collect();
        ins.extend(
            g.control_inputs(ix)
                .into_iter()
                .map(|c| format!("^{}", node_ref(c))),
        );
        let mut attrs: Vec<String> = node
            .attrs
            .iter()
            .filter(|(k, _)| !k.starts_with('_'))
            .map(|(k, v)| format!("{k}={}", attr_text(v)))
            .collect();
        attrs.extend(node.funcs.iter().map(|(k, f)| format!("{k}=@{}", f.name())));
        let attrs = if attrs.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", attrs.join(", "))
        };
        let types = match node.outputs.as_slice() {
            [one] => one.to_string(),
            many => format!(
                "({})",
                many.iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let _ = writeln!(
            out,
            "{inner}{} = {}({}){attrs} : {types}  # {}",
            node_ref(ix),
            node.op.name(),
            ins.join(", "),
            name_comment(&node.name)
        );
        for (k, f) in &node.funcs {
            write_graph(out, f, &format!("{inner}  "), &format!("{k}: "));
        }
    }
    if !g.control_outputs().is_empty() {
        let cs: Vec<String> = g.control_outputs().iter().map(|&ix| node_ref(ix)).collect();
        let _ = writeln!(out, "{inner}control_outputs: {}", cs.join(", "));
    }
    let _ = writeln!(out, "{indent}}}");
}

/// Op names are shown bare unless they contain spaces or quotes.
fn name_comment(name: &str) -> String {
    if name
        .chars()
        .any(|c| c.is_whitespace() || c == '"' || c.is_control())
    {
        quoted(name)
    } else {
        name.to_string()
    }
}
