//! Differential test: every `tests/programs` program that uses `tf.function`
//! prints the same when its functions are traced and run as graphs (the
//! default) and when they run eagerly (`--eager`, like
//! `tf.config.run_functions_eagerly(True)`), apart from trace-time output.
//!
//! The rule for trace-time output is a convention of the test programs:
//! every line that only exists because a function is traced — a Python
//! `print` inside a `tf.function`, a tracing count, a trace-time error — starts
//! with `trace` (which covers `tracing`). Those lines are removed from both
//! outputs before comparing; everything else must match exactly (both runs
//! use the same reference kernels, so even floats agree).

mod common;

use std::path::Path;
use std::time::Duration;

use common::{parallel_map, python_files, run_with_timeout, tfjit_bin, workers};

const TIMEOUT: Duration = Duration::from_secs(60);

/// The output without trace-time lines.
fn without_trace_lines(s: &str) -> Vec<&str> {
    s.lines().filter(|l| !(l.starts_with("trace") || l.starts_with("tracing"))).collect()
}

#[test]
fn traced_and_eager_runs_print_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs");
    let programs: Vec<_> = python_files(&dir)
        .into_iter()
        .filter(|p| std::fs::read_to_string(p).is_ok_and(|s| s.contains("tf.function")))
        .collect();
    assert!(programs.len() >= 8, "expected at least 8 tf.function programs, found {}", programs.len());
    let bin = tfjit_bin();
    let results = parallel_map(&programs, workers(), |prog| {
        let name = prog.file_name().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let graph = run_with_timeout(&bin, &["run", &name], &dir, TIMEOUT);
        let eager = run_with_timeout(&bin, &["--eager", "run", &name], &dir, TIMEOUT);
        for (mode, o) in [("default", &graph), ("--eager", &eager)] {
            if o.timed_out || o.code != Some(0) {
                return Some(format!("{name} ({mode}): {}: {}", o.describe(), o.stderr_tail(3)));
            }
        }
        let (a, b) = (without_trace_lines(&graph.stdout), without_trace_lines(&eager.stdout));
        if a == b {
            return None;
        }
        let n = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        Some(format!(
            "{name}: line {} differs: traced {:?} vs eager {:?}",
            n + 1,
            a.get(n).copied().unwrap_or("<end>"),
            b.get(n).copied().unwrap_or("<end>")
        ))
    });
    let failures: Vec<String> = results.into_iter().flatten().collect();
    assert!(failures.is_empty(), "{} of {} programs differ:\n{}", failures.len(), programs.len(), failures.join("\n"));
}

#[test]
fn trace_line_rule() {
    let out = "trace f\nresult 1\ntracing count 2\n  trace indented is kept\n";
    assert_eq!(without_trace_lines(out), ["result 1", "  trace indented is kept"]);
}
