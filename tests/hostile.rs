//! Malformed and hostile programs (`tests/hostile/NAME.py`): `tfjit run`
//! must never crash on them, must exit 1, and must end with the outcome in
//! `NAME.expect`: the class of the exception CPython + TensorFlow raise
//! (from `tests/hostile/regen_expect.sh`), or `unsupported` for programs
//! outside the subset, which are rejected before anything runs.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{last_exception_class, parallel_map, python_files, run_with_timeout, tfjit_bin, workers, Outcome};

/// Per-program time limit.
const TIMEOUT: Duration = Duration::from_secs(20);

fn hostile_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// Why `outcome` does not meet `expected`, if it does not.
fn judge(name: &str, expected: &str, outcome: &Outcome) -> Option<String> {
    if outcome.timed_out || outcome.crashed() {
        return Some(format!("{} (crash or hang)\n{}", outcome.describe(), outcome.stderr_tail(6)));
    }
    if outcome.code != Some(1) {
        return Some(format!("{}, expected exit code 1\n{}", outcome.describe(), outcome.stderr_tail(4)));
    }
    if expected == "unsupported" {
        let prefix = format!("{name}.py:");
        let listed = outcome.stderr.lines().any(|l| l.starts_with(&prefix) && l.ends_with("is not supported"));
        if !listed {
            return Some(format!("expected `{name}.py:LINE:COL: … is not supported`\n{}", outcome.stderr_tail(4)));
        }
        if !outcome.stdout.is_empty() {
            return Some(format!("the program ran (stdout: {:?})", outcome.stdout));
        }
        return None;
    }
    match last_exception_class(&outcome.stderr) {
        Some(class) if class == expected => None,
        got => Some(format!(
            "expected {expected}, last exception line gives {}\n{}",
            got.as_deref().unwrap_or("nothing"),
            outcome.stderr_tail(4)
        )),
    }
}

#[test]
fn hostile_programs_fail_cleanly() {
    let dir = hostile_dir();
    let programs = python_files(&dir);
    assert!(programs.len() >= 55, "expected at least 55 hostile programs, found {}", programs.len());
    let bin = tfjit_bin();
    let results = parallel_map(&programs, workers(), |prog| {
        let name = prog.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let expected = match std::fs::read_to_string(prog.with_extension("expect")) {
            Ok(e) => e.trim().to_string(),
            Err(_) => return (name, Some("missing .expect file".to_string())),
        };
        let file = format!("{name}.py");
        let outcome = run_with_timeout(&bin, &["run", &file], &dir, TIMEOUT);
        let verdict = judge(&name, &expected, &outcome);
        (name, verdict)
    });
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(name, v)| v.as_ref().map(|why| format!("FAIL {name}: {why}")))
        .collect();
    println!("{} passed, {} failed", results.len() - failures.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} hostile programs failed:\n\n{}", failures.len(), results.len(), failures.join("\n\n"));
}

#[test]
fn the_exception_line_rule() {
    let tb = "Traceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n    1/0\nZeroDivisionError: division by zero\n";
    assert_eq!(last_exception_class(tb).as_deref(), Some("ZeroDivisionError"));
    let tf = "tensorflow.python.framework.errors_impl.InvalidArgumentError: {{function_node x}} Matrix size-incompatible: In[0]: [2,3] [Op:MatMul] name: \n";
    assert_eq!(last_exception_class(tf).as_deref(), Some("InvalidArgumentError"));
    assert_eq!(last_exception_class("StopIteration\n").as_deref(), Some("StopIteration"));
    assert_eq!(last_exception_class("  File \"x.py\", line 1\n    x = = 1\n        ^\nSyntaxError: invalid syntax\n").as_deref(), Some("SyntaxError"));
    assert_eq!(last_exception_class("thread 'main' panicked at src/x.rs:1:1:\nindex out of bounds: the len is 0\n"), None);
}

#[test]
fn judge_flags_crashes_and_wrong_outcomes() {
    let outcome = |code: Option<i32>, signal: Option<i32>, stderr: &str| Outcome {
        code,
        signal,
        timed_out: false,
        stdout: String::new(),
        stderr: stderr.to_string(),
    };
    assert!(judge("p", "ZeroDivisionError", &outcome(Some(1), None, "ZeroDivisionError: division by zero\n")).is_none());
    assert!(judge("p", "TypeError", &outcome(Some(1), None, "ZeroDivisionError: division by zero\n")).is_some());
    assert!(judge("p", "ZeroDivisionError", &outcome(Some(101), None, "thread 'main' panicked at x\n")).is_some());
    assert!(judge("p", "ZeroDivisionError", &outcome(None, Some(11), "")).is_some());
    assert!(judge("p", "ZeroDivisionError", &outcome(Some(0), None, "ZeroDivisionError: x\n")).is_some());
    assert!(judge("p", "unsupported", &outcome(Some(1), None, "p.py:1:1: `import os` is not supported\n")).is_none());
    assert!(judge("p", "unsupported", &outcome(Some(1), None, "NameError: os\n")).is_some());
}
