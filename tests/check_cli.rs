//! Acceptance tests of the CLI's source stage: `tfjit check` lists every
//! construct outside the subset with `file:line:col`, syntax errors print
//! like CPython's, and `tfjit run` runs nothing from a rejected file.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{run_with_timeout, tfjit_bin, Outcome};

const TIMEOUT: Duration = Duration::from_secs(60);

/// Write `text` to a fresh file `name` in a scratch folder; returns the folder.
fn scratch(name: &str, text: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("check_cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    std::fs::write(dir.join(name), text).expect("scratch file");
    dir
}

fn tfjit(dir: &Path, args: &[&str]) -> Outcome {
    let out = run_with_timeout(&tfjit_bin(), args, dir, TIMEOUT);
    assert!(!out.crashed() && !out.timed_out, "tfjit {args:?} crashed: {}\n{}", out.describe(), out.stderr);
    out
}

const FOUR_VIOLATIONS: &str = "\
import tensorflow as tf
import os

def numbers():
    yield 1

async def fetch():
    return 2

match os.name:
    case 'posix':
        print('posix')
";

#[test]
fn check_lists_every_unsupported_construct() {
    let dir = scratch("bad.py", FOUR_VIOLATIONS);
    let out = tfjit(&dir, &["check", "bad.py"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "bad.py:2:1: `import os` is not supported",
            "bad.py:5:5: `yield` is not supported",
            "bad.py:7:1: `async def` is not supported",
            "bad.py:10:1: `match` statement is not supported",
        ],
        "stdout:\n{}",
        out.stdout
    );
}

#[test]
fn check_accepts_a_clean_file() {
    let src = "import tensorflow as tf\nimport sys\n\nclass Model(tf.Module):\n    def __init__(self):\n        super().__init__()\n        self.w = tf.Variable(1.0)\n\n    @tf.function\n    def __call__(self, x):\n        return x * self.w\n\nprint(Model()(tf.constant(2.0)), sys.argv[1:])\n";
    let dir = scratch("good.py", src);
    let out = tfjit(&dir, &["check", "good.py"]);
    assert_eq!(out.code, Some(0), "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn run_rejects_unsupported_files_before_running() {
    let dir = scratch("bad.py", &format!("print('must not run')\n{FOUR_VIOLATIONS}"));
    let out = tfjit(&dir, &["run", "bad.py"]);
    assert_eq!(out.code, Some(1));
    assert_eq!(out.stdout, "", "nothing may run");
    assert_eq!(out.stderr.lines().filter(|l| l.ends_with("is not supported")).count(), 4, "{}", out.stderr);
}

#[test]
fn syntax_errors_print_like_cpython() {
    let dir = scratch("syn.py", "x = 1\nif x > 0\n    print(x)\n");
    for cmd in ["check", "run"] {
        let out = tfjit(&dir, &["--no-opt", cmd, "syn.py"]);
        assert_eq!(out.code, Some(1));
        let lines: Vec<&str> = out.stderr.lines().collect();
        assert_eq!(lines.first(), Some(&"  File \"syn.py\", line 2"), "{}", out.stderr);
        assert!(lines.last().is_some_and(|l| l.starts_with("SyntaxError: ")), "{}", out.stderr);
    }
}

#[test]
fn missing_files_are_reported() {
    let dir = scratch("unused.py", "");
    let out = tfjit(&dir, &["run", "nope.py"]);
    assert_eq!(out.code, Some(1));
    assert!(out.stderr.contains("can't open file 'nope.py'"), "{}", out.stderr);
    assert!(out.stderr.contains("No such file or directory"), "{}", out.stderr);
}

#[test]
fn autograph_and_graph_commands_work() {
    let dir = scratch("f.py", "def f(x):\n    while x > 0:\n        x = x - 1\n    return x\n");
    let out = tfjit(&dir, &["autograph", "f.py", "f"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("def tf__f(x):"), "{}", out.stdout);
    assert!(out.stdout.contains("ag__.while_stmt("), "{}", out.stdout);
    // `graph` traces plain functions too (wrapped in tf.function).
    let out = tfjit(&dir, &["graph", "f.py", "f", "--signature", "float32[]"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("Placeholder"), "{}", out.stdout);
}
