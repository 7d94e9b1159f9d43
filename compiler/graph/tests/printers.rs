//! Snapshots of the text and JSON printers, and Graphviz acceptance of the
//! DOT printer.

mod common;

use common::*;
use tfjit_graph::print_dot::to_dot;
use tfjit_graph::print_json::to_json;
use tfjit_graph::print_text::to_text;
use tfjit_graph::GraphBuilder;
use tfjit_tensor::{attrs, DType};

fn dynamic_graph() -> tfjit_graph::FuncGraph {
    let mut b = GraphBuilder::new("g");
    let a = b.add_placeholder("a", ty(DType::Float32, &[None, Some(3)]));
    let r = op1(&mut b, "Relu", "Relu", &[a], attrs![]);
    let axes = b.add_const("Const", i32s(&[0, 1], &[2]));
    let s = op1(&mut b, "Sum", "Sum", &[r, axes], attrs![]);
    let m = op1(&mut b, "Max", "Max", &[a, axes], attrs![]);
    let out = op1(&mut b, "add", "AddV2", &[s, m], attrs![]);
    let parts = b
        .add_op(
            "unstack",
            "Unpack",
            &[a],
            attrs![
                ("num", tfjit_tensor::Attr::Int(3)),
                ("axis", tfjit_tensor::Attr::Int(1))
            ],
        )
        .unwrap();
    b.finish(&[out, parts[1]]).unwrap()
}

#[test]
fn text_total() {
    insta::assert_snapshot!(to_text(&total_graph()));
}

#[test]
fn text_basic() {
    insta::assert_snapshot!(to_text(&basic_graph()));
}

#[test]
fn text_dynamic_shapes() {
    insta::assert_snapshot!(to_text(&dynamic_graph()));
}

#[test]
fn text_variables_and_print() {
    insta::assert_snapshot!(to_text(&writes_graph()));
}

#[test]
fn text_control_flow_nested() {
    insta::assert_snapshot!(to_text(&control_graph()));
}

#[test]
fn json_variables_and_print() {
    insta::assert_snapshot!(to_json(&writes_graph()));
}

#[test]
fn json_control_flow_nested() {
    insta::assert_snapshot!(to_json(&control_graph()));
}

#[test]
fn json_is_valid_json() {
    let Ok(out) = std::process::Command::new("python3")
        .arg("--version")
        .output()
    else {
        eprintln!("python3 not installed: skipping the JSON parse check");
        return;
    };
    if !out.status.success() {
        return;
    }
    for g in [
        total_graph(),
        writes_graph(),
        control_graph(),
        dynamic_graph(),
    ] {
        let dir = std::env::temp_dir().join(format!("tfjit-graph-json-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{}.json", g.name()));
        std::fs::write(&path, to_json(&g)).unwrap();
        let st = std::process::Command::new("python3")
            .args(["-c", "import json,sys; d=json.load(open(sys.argv[1])); assert d['format']=='tfjit-graph'", path.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(st.success(), "invalid JSON for {}", g.name());
    }
}

#[test]
fn dot_is_accepted_by_graphviz() {
    let has_dot = std::process::Command::new("dot")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_dot {
        eprintln!("graphviz `dot` is not installed (apt-get install graphviz): skipping");
        return;
    }
    for g in [
        total_graph(),
        basic_graph(),
        writes_graph(),
        control_graph(),
        dynamic_graph(),
    ] {
        use std::io::Write;
        let mut child = std::process::Command::new("dot")
            .arg("-Tsvg")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(to_dot(&g).as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "dot rejected {}: {}",
            g.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "dot warned on {}: {}",
            g.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn dot_shape() {
    let d = to_dot(&control_graph());
    assert!(d.starts_with("digraph \"pure\" {"));
    assert!(d.contains("subgraph cluster_g1 {"));
    assert!(d.contains("[style=dotted, lhead=cluster_g1, label=\"then_branch\"]"));
    let w = to_dot(&writes_graph());
    assert!(w.contains("[style=dashed]"), "control edges are dashed");
    if std::env::var("SHOW_DOT").is_ok() {
        println!("{d}\n{w}");
    }
}
