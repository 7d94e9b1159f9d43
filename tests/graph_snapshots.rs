//! Snapshot tests of `tfjit graph` (the traced graph's text form) for the
//! functions of `tests/graph/*.py`, and a check that `--format dot` output
//! is accepted by Graphviz's `dot`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{run_with_timeout, tfjit_bin};

fn graph(args: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph");
    let mut full = vec!["graph"];
    full.extend_from_slice(args);
    let o = run_with_timeout(&tfjit_bin(), &full, &dir, Duration::from_secs(60));
    assert_eq!(o.code, Some(0), "tfjit {} failed: {}", full.join(" "), o.stderr_tail(5));
    o.stdout
}

#[test]
fn affine_text() {
    insta::assert_snapshot!(graph(&["basic.py", "affine", "--signature", "float32[None,3],float32[3,2]"]));
}

#[test]
fn plain_function_two_signatures_text() {
    insta::assert_snapshot!(graph(&["basic.py", "arith", "--signature", "float32[2,3],float32[3]", "--signature", "float32[None,3],float32[]"]));
}

#[test]
fn stateful_text() {
    insta::assert_snapshot!(graph(&["basic.py", "stateful", "--signature", "float32[3]"]));
}

#[test]
fn input_signature_text() {
    insta::assert_snapshot!(graph(&["basic.py", "shapes"]));
}

#[test]
fn method_on_fresh_instance_text() {
    insta::assert_snapshot!(graph(&["basic.py", "Scaler.__call__", "--signature", "float32[2]"]));
}

#[test]
fn json_is_valid_enough() {
    let j = graph(&["basic.py", "affine", "--signature", "float32[2,3],float32[3,2]", "--format", "json"]);
    assert!(j.trim_start().starts_with('{') && j.trim_end().ends_with('}'), "{j}");
    assert!(j.contains("\"MatMul\""));
}

#[test]
fn errors_are_reported_not_panics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/graph");
    let bin = tfjit_bin();
    for args in [
        vec!["graph", "basic.py", "missing", "--signature", "float32[]"],
        vec!["graph", "basic.py", "affine"],
        vec!["graph", "basic.py", "affine", "--signature", "float32[2,3],float32[4,2]"],
        vec!["graph", "basic.py", "affine", "--signature", "float32[2"],
    ] {
        let o = run_with_timeout(&bin, &args, &dir, Duration::from_secs(60));
        assert!(!o.crashed(), "{args:?} crashed: {}", o.stderr_tail(5));
        assert_ne!(o.code, Some(0), "{args:?} should fail");
        assert!(o.stderr.contains("tfjit graph"), "{args:?}: {}", o.stderr);
    }
}

#[test]
fn dot_output_is_accepted_by_graphviz() {
    let have_dot = Command::new("dot").arg("-V").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !have_dot {
        eprintln!("skipped: graphviz `dot` is not installed (apt-get install graphviz)");
        return;
    }
    for (f, sig) in [("affine", "float32[None,3],float32[3,2]"), ("stateful", "float32[3]"), ("Scaler.__call__", "float32[2]")] {
        let text = graph(&["basic.py", f, "--signature", sig, "--format", "dot"]);
        let mut child = Command::new("dot")
            .arg("-Tsvg")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("dot starts");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            stdin.write_all(text.as_bytes()).expect("write dot input");
        }
        let out = child.wait_with_output().expect("dot runs");
        assert!(out.status.success(), "dot rejected the graph of {f}:\n{}\n{text}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

/// Top-level ops of an optimized graph that do work (not inputs, constants,
/// or the Identity wrapping outputs).
fn kernels(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("  %"))
        .filter_map(|l| l.split(" = ").nth(1))
        .map(|rhs| rhs.split('(').next().unwrap_or("").to_string())
        .filter(|op| !matches!(op.as_str(), "Placeholder" | "Const" | "Identity" | "NoOp"))
        .collect()
}

#[test]
fn optimizer_fuses_the_elementwise_chain_into_one_kernel() {
    let text = graph(&["fusion.py", "gelu_chain", "--signature", "float32[None]", "--stage", "optimized"]);
    assert_eq!(kernels(&text), vec!["FusedElementwise".to_string()], "{text}");
    insta::assert_snapshot!("optimized_gelu_chain", text);
}

#[test]
fn optimizer_leaves_softmax_in_at_most_two_kernels() {
    let text = graph(&["fusion.py", "softmax_reduce", "--signature", "float32[4,8]", "--stage", "optimized"]);
    let k = kernels(&text);
    assert!(!k.is_empty() && k.len() <= 2, "{k:?}\n{text}");
    insta::assert_snapshot!("optimized_softmax_reduce", text);
}

#[test]
fn compiled_stage_reports_the_kernels() {
    let text = graph(&["fusion.py", "gelu_chain", "--signature", "float32[None]", "--stage", "compiled"]);
    assert!(text.contains("FusedElementwise"), "{text}");
}

#[test]
fn optimizer_hoists_the_loop_invariant_input_projection() {
    let count = |f: &str, op: &str| {
        let text = graph(&["fusion.py", f, "--signature", "float32[5,4,3]", "--stage", "optimized"]);
        text.lines().filter(|l| l.contains(&format!("= {op}("))).count()
    };
    // One batched product before the loop, one product left in the body.
    assert_eq!((count("rnn", "BatchMatMulV2"), count("rnn", "MatMul")), (1, 1));
    assert_eq!((count("rnn_partial", "BatchMatMulV2"), count("rnn_partial", "MatMul")), (0, 2));
}
