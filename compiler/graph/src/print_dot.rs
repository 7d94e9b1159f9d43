//! Graphviz output (`tfjit graph --format dot`): one box per op labelled
//! with its name, type and output types; solid data edges (labelled
//! `:out` when the source has several outputs, `→in` when the target has
//! several inputs), dashed control edges;
//! nested function graphs as clusters linked by a dotted edge.

use crate::graph::FuncGraph;
use crate::node::Edge;
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use std::fmt::Write;

/// The graph as a Graphviz `digraph`.
pub fn to_dot(g: &FuncGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", id(g.name()));
    let _ = writeln!(out, "  compound=true;");
    let _ = writeln!(
        out,
        "  node [shape=box, fontname=\"monospace\", fontsize=10];"
    );
    let _ = writeln!(out, "  edge [fontname=\"monospace\", fontsize=9];");
    let mut counter = 0usize;
    write_body(&mut out, g, "g0", "  ", &mut counter);
    let _ = writeln!(out, "}}");
    out
}

/// A DOT string literal.
fn esc(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c if c.is_control() => o.push(' '),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

fn id(s: &str) -> String {
    esc(s)
}

fn write_body(out: &mut String, g: &FuncGraph, prefix: &str, indent: &str, counter: &mut usize) {
    let nid = |ix: crate::NodeIndex| format!("{prefix}_n{}", ix.index());
    for &ix in g.operations() {
        let node = g.node(ix);
        let types: Vec<String> = node.outputs.iter().map(|t| t.to_string()).collect();
        let label = format!("{}\n{}\n{}", node.name, node.op.name(), types.join(", "));
        let style = match node.op.name() {
            "Placeholder" => ", style=rounded",
            "Const" => ", style=dotted",
            _ if node.op.is_stateful() => ", style=bold",
            _ => "",
        };
        let _ = writeln!(out, "{indent}{} [label={}{style}];", nid(ix), esc(&label));
    }
    for e in g.petgraph().edge_references() {
        let (s, t) = (nid(e.source()), nid(e.target()));
        match *e.weight() {
            Edge::Data { out: o, inp } => {
                let many_out = g.node(e.source()).outputs.len() > 1;
                let many_in = g.op_inputs(e.target()).len() > 1;
                let text = match (many_out, many_in) {
                    (true, true) => format!(":{o}→{inp}"),
                    (true, false) => format!(":{o}"),
                    (false, true) => format!("→{inp}"),
                    (false, false) => String::new(),
                };
                let label = if text.is_empty() {
                    text
                } else {
                    format!(" [label={}]", esc(&text))
                };
                let _ = writeln!(out, "{indent}{s} -> {t}{label};");
            }
            Edge::Control => {
                let _ = writeln!(out, "{indent}{s} -> {t} [style=dashed];");
            }
        }
    }
    for &ix in g.operations() {
        for (k, f) in &g.node(ix).funcs {
            *counter += 1;
            let sub = format!("g{}", *counter);
            let _ = writeln!(out, "{indent}subgraph cluster_{sub} {{");
            let _ = writeln!(
                out,
                "{indent}  label={};",
                esc(&format!("{}.{k}: {}", g.node(ix).name, f.name()))
            );
            let _ = writeln!(out, "{indent}  style=rounded;");
            write_body(out, f, &sub, &format!("{indent}  "), counter);
            let _ = writeln!(out, "{indent}}}");
            if let Some(&first) = f.operations().first() {
                let _ = writeln!(
                    out,
                    "{indent}{} -> {sub}_n{} [style=dotted, lhead=cluster_{sub}, label={}];",
                    nid(ix),
                    first.index(),
                    esc(k)
                );
            }
        }
    }
}
