//! `tf.function` tracing through the interpreter's public API: the Python
//! body runs only when a new trace is needed (counted by
//! `tf::concrete::python_body_runs`), cached calls run the graph.

use tfjit_interp::tf::concrete::python_body_runs;
use tfjit_interp::{Interp, RunOptions};

/// Runs `src`; returns (exit code, stdout, stderr, Python body runs).
fn run_with(src: &str, eager: bool) -> (i32, String, String, u64) {
    let mut it = Interp::new_capturing(RunOptions { eager, ..RunOptions::default() });
    let before = python_body_runs();
    let code = it.run_file("t.py", src);
    let (o, e) = it.take_output();
    (code, o, e, python_body_runs() - before)
}

const CACHED: &str = "\
import sys
import tensorflow as tf
@tf.function
def f(x):
    tf.print('run', x, output_stream=sys.stdout)
    return x * 2
for i in range(5):
    print(int(f(tf.constant(i))))
print(f.experimental_get_tracing_count())
";

#[test]
fn cached_calls_do_not_run_the_python_body() {
    let (code, out, err, runs) = run_with(CACHED, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(runs, 1, "the body runs once, for the only trace");
    assert_eq!(out, "run 0\n0\nrun 1\n2\nrun 2\n4\nrun 3\n6\nrun 4\n8\n1\n");
}

#[test]
fn eager_mode_runs_the_body_every_call() {
    let (code, out, err, runs) = run_with(CACHED, true);
    assert_eq!(code, 0, "{err}");
    assert_eq!(runs, 5);
    assert_eq!(out, "run 0\n0\nrun 1\n2\nrun 2\n4\nrun 3\n6\nrun 4\n8\n0\n");
}

#[test]
fn new_signatures_trace_again() {
    let src = "\
import tensorflow as tf
@tf.function
def f(x, k):
    return x * k
f(tf.constant(1), 2)
f(tf.constant(2), 2)
f(tf.constant(2), 2.0)
f(tf.constant(2), 3)
f(tf.constant(2.0), 3)
f(tf.constant([2.0]), 3)
f(tf.constant([5.0]), 3)
print(f.experimental_get_tracing_count())
";
    let (code, out, err, runs) = run_with(src, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "4\n");
    assert_eq!(runs, 4);
}

#[test]
fn variable_creation_traces_twice_then_caches() {
    let src = "\
import tensorflow as tf
class M:
    def __init__(self):
        self.v = None
    @tf.function
    def __call__(self, x):
        if self.v is None:
            self.v = tf.Variable(x * 2.0)
        return self.v + x
m = M()
print(float(m(tf.constant(1.0))), float(m(tf.constant(5.0))), float(m(tf.constant(6.0))))
";
    let (code, out, err, runs) = run_with(src, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "3.0 7.0 8.0\n");
    assert_eq!(runs, 2, "first trace creates the variable, second trace is cached");
}

#[test]
fn symbolic_tensors_print_like_tf() {
    let src = "\
import tensorflow as tf
@tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
def f(x):
    y = x + 1.0
    print(x)
    print(repr(y), y.op.type, [t.name for t in y.op.inputs], isinstance(y, tf.Tensor))
    try:
        bool(y)
    except TypeError as e:
        print(type(e).__name__)
    return y
f(tf.zeros([2, 3]))
";
    let (code, out, err, _) = run_with(src, false);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "Tensor(\"x:0\", shape=(None, 3), dtype=float32)\n<tf.Tensor 'add:0' shape=(None, 3) dtype=float32> AddV2 ['x:0', 'add/y:0'] True\nOperatorNotAllowedInGraphError\n"
    );
}
