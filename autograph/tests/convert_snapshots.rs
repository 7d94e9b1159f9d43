//! Snapshot tests of the AutoGraph conversion (`to_code`), checked against
//! what `tf.autograph.to_code` prints for the same functions in TF 2.21
//! (up to the order of names in `nonlocal` lists and placeholder
//! assignments, which TF takes from Python set iteration order).

use tfjit_autograph::{parse, to_code};

/// Convert `func` of `src`, check the printed code parses back, return it.
fn convert(src: &str, func: &str) -> String {
    let module = parse("prog.py", src).expect("the program parses");
    let code = to_code(&module, func).unwrap_or_else(|e| panic!("converting {func}: {e}"));
    if let Err(e) = parse("converted.py", &code) {
        panic!("converted code does not parse: {e}\n{code}");
    }
    code
}

#[test]
fn if_elif_else() {
    let src = r#"
import tensorflow as tf

@tf.function
def classify(x):
    if x > 0:
        y = x * 2
    elif x < -5:
        y = -x
    else:
        y = tf.constant(0)
    return y
"#;
    insta::assert_snapshot!("if_elif_else", convert(src, "classify"));
}

#[test]
fn while_with_break() {
    let src = r#"
import tensorflow as tf

@tf.function
def while_break(x):
    i = tf.constant(0)
    while i < 100:
        x = x * 2
        i += 1
        if x > 50:
            break
    return x, i
"#;
    insta::assert_snapshot!("while_with_break", convert(src, "while_break"));
}

#[test]
fn for_range_with_continue() {
    let src = r#"
import tensorflow as tf

@tf.function
def sum_odd(n):
    s = 0
    for i in tf.range(n):
        if i % 2 == 0:
            continue
        s += i
    return s
"#;
    insta::assert_snapshot!("for_range_with_continue", convert(src, "sum_odd"));
}

#[test]
fn nested_loops() {
    let src = r#"
import tensorflow as tf

@tf.function
def triangle(n):
    total = tf.constant(0)
    for i in tf.range(n):
        j = tf.constant(0)
        while j < i:
            total += i * j
            j += 1
    return total
"#;
    insta::assert_snapshot!("nested_loops", convert(src, "triangle"));
}

#[test]
fn for_over_dataset() {
    let src = r#"
import tensorflow as tf

ds = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], [3.0, 4.0]))

@tf.function
def dot(dataset):
    total = 0.0
    for a, b in dataset:
        total += a * b
    return total
"#;
    insta::assert_snapshot!("for_over_dataset", convert(src, "dot"));
}

#[test]
fn tensorarray_loop() {
    let src = r#"
import tensorflow as tf

@tf.function
def squares(n):
    ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
    for i in tf.range(n):
        ta = ta.write(i, tf.cast(i, tf.float32) ** 2)
    return ta.stack()
"#;
    insta::assert_snapshot!("tensorarray_loop", convert(src, "squares"));
}

#[test]
fn returns_in_branches_and_loops() {
    let src = r#"
import tensorflow as tf

@tf.function
def sign_of(x):
    if x > 0:
        return tf.constant(1)
    if x < 0:
        return tf.constant(-1)
    return tf.constant(0)

@tf.function
def find(v, target):
    for i in tf.range(tf.size(v)):
        if v[i] == target:
            return i
    return tf.constant(-1)
"#;
    insta::assert_snapshot!("return_in_if", convert(src, "sign_of"));
    insta::assert_snapshot!("return_in_loop", convert(src, "find"));
}

#[test]
fn logical_and_conditional_expressions() {
    let src = r#"
import tensorflow as tf

@tf.function
def logic(a, b, x):
    c = a and b or not a
    d = 0 < x < 5
    return x if c else -x, d
"#;
    insta::assert_snapshot!("logical", convert(src, "logic"));
}

#[test]
fn methods_nested_functions_and_lambdas() {
    let src = r#"
import tensorflow as tf

class Counter(tf.Module):
    def __init__(self):
        self.v = 0

    @tf.function
    def step(self, x):
        """Adds x, x-1, ... 1 to self.v."""
        def dec(a, b=1):
            if a > b:
                a = a - b
            return a
        sq = lambda t: t * t
        while x > 0:
            tf.autograph.experimental.set_loop_options(maximum_iterations=10)
            self.v = self.v + sq(x)
            x = dec(x)
        return self.v
"#;
    insta::assert_snapshot!("method", convert(src, "Counter.step"));
}

#[test]
fn unsupported_constructs_are_errors() {
    let src = "def f(n):\n    while n > 0:\n        n -= 1\n    else:\n        n = 5\n    return n\n\ndef g(n):\n    yield n\n\ndef h(v):\n    for x in v:\n        x = 1\n        tf.autograph.experimental.set_loop_options(maximum_iterations=2)\n";
    let module = parse("prog.py", src).expect("parses");
    let e = to_code(&module, "f").expect_err("while/else");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            "UnsupportedLanguageElementError",
            "while/else statement not yet supported"
        )
    );
    assert_eq!(e.location(&module).map(|l| l.line), Some(2));
    let e = to_code(&module, "g").expect_err("generator");
    assert_eq!(e.message, "generators are not supported");
    let e = to_code(&module, "h").expect_err("directive");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (
            "ValueError",
            "\"set_loop_options\" must be the first statement in the loop block"
        )
    );
    let e = to_code(&module, "nope").expect_err("missing");
    assert_eq!(e.kind, "NameError");
}

#[test]
fn deeply_nested_control_flow_converts() {
    let mut src = String::from("def f(n):\n    s = 0\n");
    for depth in 0..18 {
        let pad = "    ".repeat(depth + 1);
        let stmt = match depth % 3 {
            0 => format!("{pad}while n > {depth}:\n"),
            1 => format!("{pad}for i{depth} in range(n):\n"),
            _ => format!("{pad}if n > {depth} and s < 3:\n"),
        };
        src.push_str(&stmt);
    }
    src.push_str(&format!(
        "{}s += 1\n{}break\n",
        "    ".repeat(19),
        "    ".repeat(19)
    ));
    src.push_str("    return s\n");
    let start = std::time::Instant::now();
    let code = convert(&src, "f");
    assert!(code.contains("ag__.while_stmt") && code.contains("ag__.for_stmt"));
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}
