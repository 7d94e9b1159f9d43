//! The JSON form of a graph (`tfjit graph --format json`). Stable: keys in
//! a fixed order, ops in creation order, two-space indentation. The schema
//! is documented in `docs/graph-json.md`.

use crate::attr_text::quoted;
use crate::graph::{CaptureKind, FuncGraph};
use crate::value::ValueType;
use tfjit_tensor::format::py_float_repr;
use tfjit_tensor::{Attr, DType, StaticShape, Tensor};

/// Format version, bumped on incompatible schema changes.
pub const FORMAT_VERSION: u32 = 1;

/// A JSON value (just what the printer needs).
enum J {
    Null,
    Bool(bool),
    /// A number already in JSON syntax.
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

impl J {
    fn write(&self, out: &mut String, indent: usize) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => out.push_str(&json_str(s)),
            J::Arr(items) if items.is_empty() => out.push_str("[]"),
            J::Arr(items)
                if items
                    .iter()
                    .all(|i| matches!(i, J::Num(_) | J::Null | J::Bool(_) | J::Str(_))) =>
            {
                out.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    x.write(out, indent);
                }
                out.push(']');
            }
            J::Arr(items) => {
                out.push_str("[\n");
                for (i, x) in items.iter().enumerate() {
                    push_indent(out, indent + 1);
                    x.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                push_indent(out, indent);
                out.push(']');
            }
            J::Obj(items) if items.is_empty() => out.push_str("{}"),
            J::Obj(items) => {
                out.push_str("{\n");
                for (i, (k, x)) in items.iter().enumerate() {
                    push_indent(out, indent + 1);
                    out.push_str(&json_str(k));
                    out.push_str(": ");
                    x.write(out, indent + 1);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                push_indent(out, indent);
                out.push('}');
            }
        }
    }
}

fn push_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("  ");
    }
}

fn json_str(s: &str) -> String {
    // `quoted` escapes `"`, `\` and control characters the JSON way.
    quoted(s)
}

fn s(x: &str) -> J {
    J::Str(x.to_string())
}

fn int(i: i64) -> J {
    J::Num(i.to_string())
}

/// Floats as numbers; NaN and infinities (not JSON numbers) as strings.
fn float(f: f64) -> J {
    if f.is_finite() {
        J::Num(py_float_repr(f))
    } else {
        J::Str(py_float_repr(f))
    }
}

fn shape(sh: &StaticShape) -> J {
    match &sh.dims {
        None => J::Null,
        Some(d) => J::Arr(
            d.iter()
                .map(|x| x.map_or(J::Null, |v| int(v as i64)))
                .collect(),
        ),
    }
}

fn value_type(t: &ValueType) -> J {
    match t {
        ValueType::Tensor(t) => J::Obj(vec![
            ("dtype", s(t.dtype.name())),
            ("shape", shape(&t.shape)),
        ]),
        ValueType::Resource(h) => J::Obj(vec![
            ("dtype", s("resource")),
            ("shape", J::Arr(vec![])),
            (
                "handle",
                J::Obj(vec![
                    ("dtype", s(h.dtype.name())),
                    ("shape", shape(&h.shape)),
                ]),
            ),
        ]),
        ValueType::Str => J::Obj(vec![("dtype", s("string")), ("shape", J::Arr(vec![]))]),
        ValueType::List(e) => J::Obj(vec![
            ("dtype", s("variant")),
            ("shape", J::Arr(vec![])),
            (
                "element",
                J::Obj(vec![
                    ("dtype", s(e.dtype.name())),
                    ("shape", shape(&e.shape)),
                ]),
            ),
        ]),
    }
}

fn tensor(t: &Tensor) -> J {
    let values = (0..t.num_elements())
        .map(|i| match t.dtype() {
            DType::Float32 | DType::Float64 => float(t.get_f64(i)),
            DType::Bool => J::Bool(t.get_i64(i) != 0),
            DType::Int32 | DType::Int64 => int(t.get_i64(i)),
        })
        .collect();
    J::Obj(vec![
        ("dtype", s(t.dtype().name())),
        (
            "shape",
            J::Arr(t.shape().iter().map(|&d| int(d as i64)).collect()),
        ),
        ("values", J::Arr(values)),
    ])
}

fn attr(a: &Attr) -> J {
    let (tag, v) = match a {
        Attr::Bool(b) => ("bool", J::Bool(*b)),
        Attr::Int(i) => ("int", int(*i)),
        Attr::Float(f) => ("float", float(*f)),
        Attr::Str(x) => ("str", s(x)),
        Attr::Type(d) => ("type", s(d.name())),
        Attr::Ints(v) => ("ints", J::Arr(v.iter().map(|&i| int(i)).collect())),
        Attr::Tensor(t) => ("tensor", tensor(t)),
    };
    J::Obj(vec![(tag, v)])
}

fn graph(g: &FuncGraph) -> J {
    let name_of = |ix| s(&g.node(ix).name);
    let tensor_name = |o| s(&g.tensor_name(o));
    let captures = g
        .captures()
        .iter()
        .map(|c| {
            let mut fields = vec![("node", name_of(c.placeholder))];
            match &c.kind {
                CaptureKind::Tensor(t) => {
                    fields.push(("kind", s("tensor")));
                    fields.push(("value", tensor(t)));
                }
                CaptureKind::Variable(v) => {
                    fields.push(("kind", s("variable")));
                    fields.push(("variable", int(v.0 as i64)));
                }
                CaptureKind::Symbolic(_) => fields.push(("kind", s("outer"))),
            }
            J::Obj(fields)
        })
        .collect();
    let nodes = g
        .operations()
        .iter()
        .map(|&ix| {
            let n = g.node(ix);
            let mut fields = vec![
                ("name", s(&n.name)),
                ("op", s(n.op.name())),
                (
                    "inputs",
                    J::Arr(g.op_inputs(ix).into_iter().map(tensor_name).collect()),
                ),
                (
                    "control_inputs",
                    J::Arr(g.control_inputs(ix).into_iter().map(name_of).collect()),
                ),
                (
                    "attrs",
                    J::Obj(n.attrs.iter().map(|(k, v)| (*k, attr(v))).collect()),
                ),
                (
                    "outputs",
                    J::Arr(n.outputs.iter().map(value_type).collect()),
                ),
            ];
            if !n.funcs.is_empty() {
                fields.push((
                    "functions",
                    J::Obj(n.funcs.iter().map(|(k, f)| (*k, graph(f))).collect()),
                ));
            }
            J::Obj(fields)
        })
        .collect();
    J::Obj(vec![
        ("name", s(g.name())),
        (
            "inputs",
            J::Arr(g.inputs().iter().map(|&ix| name_of(ix)).collect()),
        ),
        ("captures", J::Arr(captures)),
        (
            "outputs",
            J::Arr(g.outputs().iter().map(|&o| tensor_name(o)).collect()),
        ),
        (
            "control_outputs",
            J::Arr(g.control_outputs().iter().map(|&ix| name_of(ix)).collect()),
        ),
        ("nodes", J::Arr(nodes)),
    ])
}

/// The graph as JSON (`{"format": "tfjit-graph", "version": 1, "graph": …}`).
pub fn to_json(g: &FuncGraph) -> String {
    let doc = J::Obj(vec![
        ("format", s("tfjit-graph")),
        ("version", int(FORMAT_VERSION as i64)),
        ("graph", graph(g)),
    ]);
    let mut out = String::new();
    doc.write(&mut out, 0);
    out.push('\n');
    out
}
