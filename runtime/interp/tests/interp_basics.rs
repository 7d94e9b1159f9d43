//! Unit tests of the interpreter through its public API, with captured output.

use tfjit_interp::{Interp, RunOptions};

fn run(src: &str) -> (i32, String, String) {
    let mut it = Interp::new_capturing(RunOptions::default());
    let code = it.run_file("t.py", src);
    let (o, e) = it.take_output();
    (code, o, e)
}

#[test]
fn prints_core_values() {
    let (code, out, _) = run("print(1, 2.5, 'a', [1, (2,)], {'k': None}, {3, 1}, set(), True)\n");
    assert_eq!(code, 0);
    assert_eq!(out, "1 2.5 a [1, (2,)] {'k': None} {1, 3} set() True\n");
}

#[test]
fn uncaught_exception_prints_traceback_and_exits_1() {
    let (code, out, err) = run("print('before')\ndef f():\n    raise ValueError('bad')\nf()\n");
    assert_eq!(code, 1);
    assert_eq!(out, "before\n");
    assert_eq!(
        err,
        "Traceback (most recent call last):\n  File \"t.py\", line 4, in <module>\n    f()\n  File \"t.py\", line 3, in f\n    raise ValueError('bad')\nValueError: bad\n"
    );
}

#[test]
fn closures_and_nonlocal() {
    let (_, out, _) = run("def mk():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\ni = mk()\ni()\nprint(i())\n");
    assert_eq!(out, "2\n");
}

#[test]
fn unbound_local_message() {
    let (_, out, _) = run("def f():\n    try:\n        print(x)\n    except UnboundLocalError as e:\n        print(e)\n    x = 1\nf()\n");
    assert_eq!(out, "cannot access local variable 'x' where it is not associated with a value\n");
}

#[test]
fn recursion_error_is_catchable() {
    let (code, out, _) = run("def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RecursionError as e:\n    print(type(e).__name__, e)\n");
    assert_eq!(code, 0);
    assert_eq!(out, "RecursionError maximum recursion depth exceeded\n");
}

#[test]
fn huge_allocations_raise_memory_error() {
    let (code, out, _) = run("try:\n    'x' * 10**12\nexcept MemoryError:\n    print('mem')\ntry:\n    [0] * 10**12\nexcept MemoryError:\n    print('mem2')\n");
    assert_eq!(code, 0);
    assert_eq!(out, "mem\nmem2\n");
}

#[test]
fn ints_are_arbitrary_precision() {
    let (_, out, _) = run("print(2**63, -2**63 - 1, (2**64) // 3, hash(2**70))\ntry:\n    str(10**5000)\nexcept ValueError as e:\n    print(e)\n");
    assert_eq!(
        out,
        "9223372036854775808 -9223372036854775809 6148914691236517205 512\n\
         Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit\n"
    );
}

#[test]
fn deeply_nested_repr_is_a_recursion_error() {
    let (_, out, _) = run("x = []\nfor i in range(5000):\n    x = [x]\ntry:\n    repr(x)\nexcept RecursionError as e:\n    print(e)\n");
    assert_eq!(out, "maximum recursion depth exceeded while getting the repr of an object\n");
}

#[test]
fn float_rounding_and_format() {
    let (_, out, _) = run("print(round(2.675, 2), round(2.5), f'{1/3:.3f}', '%5.1f|' % 2.25, '{:>4}'.format('a'))\n");
    assert_eq!(out, "2.67 2 0.333   2.2|    a\n");
}

#[test]
fn generator_functions_are_not_supported() {
    let (code, _, err) = run("def g():\n    yield 1\nlist(g())\n");
    assert_eq!(code, 1);
    assert!(err.contains("NotImplementedError: generator functions (yield) are not supported"), "{err}");
}

#[test]
fn exec_module_source_defines_classes() {
    let mut it = Interp::new_capturing(RunOptions::default());
    let m = it.exec_module_source("helper", "class Base:\n    def hi(self):\n        return 'hi'\n").ok().expect("module runs");
    let base = m.attrs.borrow().get("Base").cloned().expect("Base defined");
    let inst = it.call(&base, tfjit_interp::Args::default()).ok().expect("instantiates");
    let hi = it.get_attr(&inst, "hi").ok().expect("method");
    let r = it.call(&hi, tfjit_interp::Args::default()).ok().expect("call");
    assert_eq!(it.str(&r).ok().as_deref(), Some("hi"));
    assert_eq!(it.repr(&base).ok().as_deref(), Some("<class 'helper.Base'>"));
}

#[test]
fn syntax_error_is_reported_not_panicking() {
    let (code, _, err) = run("def f(:\n");
    assert_eq!(code, 1);
    assert!(err.starts_with("SyntaxError"), "{err}");
}
