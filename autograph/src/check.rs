//! The subset check: every construct outside SPEC §2, as a [`Diagnostic`]
//! printed `file:line:col: <construct> is not supported`.
//!
//! The language is sandboxed by construction: besides the syntax outside the
//! subset, the check rejects the imports, builtins and module attributes that
//! would reach files, processes or the interpreter itself (`import os`,
//! `open`, `eval`, `__import__`, `tf.io`, `time.sleep`, …).

use std::collections::{HashMap, HashSet};

use rustpython_parser::ast::{self, Constant, Expr, ExprContext, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use crate::source::{Location, SourceMap};
use crate::walk::{self, Node};

/// Modules a program may import (`import tensorflow as tf`, `import math`,
/// `import sys`, `import time`).
pub const ALLOWED_MODULES: &[&str] = &["tensorflow", "math", "sys", "time"];

/// Builtins that evaluate code, reach outside the sandbox or inspect the
/// interpreter; rejected unless the program binds the name itself.
pub const FORBIDDEN_BUILTINS: &[&str] = &[
    "open", "eval", "exec", "compile", "__import__", "input", "breakpoint", "exit", "quit", "help",
    "globals", "locals", "vars", "dir", "memoryview", "bytearray", "bytes", "aiter", "anext",
    "__build_class__", "__builtins__", "__loader__", "__spec__", "copyright", "credits", "license",
];

/// Attributes that expose an interpreter's internals.
pub const FORBIDDEN_ATTRIBUTES: &[&str] =
    &["__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__", "__import__", "__loader__", "__spec__"];

/// Parts of the `tensorflow` module that read or write files, run external
/// code or processes; the subset has none of them.
pub const FORBIDDEN_TF_ATTRIBUTES: &[&str] = &[
    "io", "gfile", "saved_model", "summary", "py_function", "numpy_function", "compat", "profiler",
    "distribute", "lite", "sysconfig", "load_op_library", "load_library", "debugging",
];

/// `sys` attributes that expose the interpreter or the process.
pub const FORBIDDEN_SYS_ATTRIBUTES: &[&str] = &[
    "modules", "path", "meta_path", "path_hooks", "_getframe", "settrace", "setprofile", "stdin",
    "executable", "exc_info", "addaudithook", "call_tracing",
];

/// The `time` functions of the subset (SPEC: `time.perf_counter()`).
pub const ALLOWED_TIME_ATTRIBUTES: &[&str] = &["perf_counter", "perf_counter_ns", "time", "time_ns", "monotonic", "monotonic_ns"];

/// One construct outside the subset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file name.
    pub path: String,
    /// Where the construct starts (1-based).
    pub location: Location,
    /// What it is, e.g. `` `yield` `` or `` `import os` ``.
    pub construct: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {} is not supported", self.path, self.location, self.construct)
    }
}

/// List every construct of `body` (parsed from `source`, read from `path`)
/// that lies outside the supported subset, in source order.
/// Runs on a large stack like [`crate::parse`].
pub fn check(path: &str, source: &str, body: &[Stmt]) -> Vec<Diagnostic> {
    crate::parse::with_large_stack(|| check_here(path, source, body))
}

fn check_here(path: &str, source: &str, body: &[Stmt]) -> Vec<Diagnostic> {
    let mut c = Checker {
        path,
        map: SourceMap::new(source),
        bound: all_bound_names(body),
        modules: HashMap::new(),
        found: Vec::new(),
    };
    for (alias, module) in module_aliases(body) {
        c.modules.insert(alias, module);
    }
    for stmt in body {
        c.stmt(stmt);
    }
    let mut found = c.found;
    found.sort_by_key(|d| d.location);
    found.dedup();
    found
}

struct Checker<'a> {
    path: &'a str,
    map: SourceMap,
    /// Every name the program binds anywhere (shadows builtins).
    bound: HashSet<String>,
    /// Names bound by `import`, to the module they name.
    modules: HashMap<String, String>,
    found: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn report(&mut self, at: TextSize, construct: impl Into<String>) {
        self.found.push(Diagnostic {
            path: self.path.to_string(),
            location: self.map.location_of(at),
            construct: construct.into(),
        });
    }

    fn children(&mut self, node: Node<'_>) {
        walk::children(node, &mut |child| match child {
            Node::Stmt(s) => self.stmt(s),
            Node::Expr(e) => self.expr(e),
        });
    }

    fn stmt(&mut self, stmt: &Stmt) {
        let at = stmt.start();
        match stmt {
            Stmt::FunctionDef(f) => {
                if !f.type_params.is_empty() {
                    self.report(at, "type parameters");
                }
                self.signature(&f.args, at);
            }
            Stmt::AsyncFunctionDef(f) => {
                self.report(at, "`async def`");
                self.signature(&f.args, at);
            }
            Stmt::ClassDef(c) => {
                if !c.type_params.is_empty() {
                    self.report(at, "type parameters");
                }
                if c.bases.len() > 1 {
                    self.report(c.bases[1].start(), "multiple inheritance");
                }
                for b in &c.bases {
                    if let Expr::Starred(s) = b {
                        self.report(s.start(), "starred base class");
                    }
                }
                for k in &c.keywords {
                    match &k.arg {
                        Some(name) => self.report(k.range.start(), format!("class keyword `{name}=`")),
                        None => self.report(k.range.start(), "`**` in a class definition"),
                    }
                }
            }
            Stmt::AsyncFor(_) => self.report(at, "`async for`"),
            Stmt::AsyncWith(_) => self.report(at, "`async with`"),
            Stmt::Match(_) => self.report(at, "`match` statement"),
            Stmt::TryStar(_) => self.report(at, "`try`/`except*`"),
            Stmt::TypeAlias(_) => self.report(at, "`type` alias statement"),
            Stmt::Import(i) => {
                for alias in &i.names {
                    if !ALLOWED_MODULES.contains(&alias.name.as_str()) {
                        self.report(at, format!("`import {}`", alias.name));
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let dots = ".".repeat(i.level.map(|l| l.to_u32() as usize).unwrap_or(0));
                let module = i.module.as_ref().map(|m| m.to_string()).unwrap_or_default();
                self.report(at, format!("`from {dots}{module} import …`"));
            }
            _ => {}
        }
        self.children(Node::Stmt(stmt));
    }

    /// Parameter forms outside the subset. (Parameter and return
    /// annotations are allowed: the interpreter ignores them.)
    fn signature(&mut self, args: &ast::Arguments, def_at: TextSize) {
        if let Some(first) = args.posonlyargs.first() {
            let at = first.def.range.start();
            self.report(if at == TextSize::default() { def_at } else { at }, "positional-only parameters (`/`)");
        }
    }

    fn expr(&mut self, expr: &Expr) {
        let at = expr.start();
        match expr {
            Expr::NamedExpr(_) => self.report(at, "assignment expression `:=`"),
            Expr::Await(_) => self.report(at, "`await`"),
            Expr::Yield(_) => self.report(at, "`yield`"),
            Expr::YieldFrom(_) => self.report(at, "`yield from`"),
            Expr::Constant(c) => match &c.value {
                Constant::Bytes(_) => self.report(at, "bytes literal"),
                Constant::Complex { .. } => self.report(at, "complex literal"),
                _ => {}
            },
            Expr::Lambda(l) => self.signature(&l.args, at),
            Expr::ListComp(e) => self.comprehensions(&e.generators),
            Expr::SetComp(e) => self.comprehensions(&e.generators),
            Expr::DictComp(e) => self.comprehensions(&e.generators),
            Expr::GeneratorExp(e) => self.comprehensions(&e.generators),
            Expr::Call(c) => {
                // `f(*args)` is fine: skip the Starred node itself.
                self.expr(&c.func);
                for a in &c.args {
                    match a {
                        Expr::Starred(s) => self.expr(&s.value),
                        _ => self.expr(a),
                    }
                }
                for k in &c.keywords {
                    self.expr(&k.value);
                }
                return;
            }
            Expr::Name(n) => {
                let name = n.id.as_str();
                if FORBIDDEN_BUILTINS.contains(&name) && !self.bound.contains(name) {
                    self.report(at, format!("builtin `{name}`"));
                }
            }
            Expr::Attribute(a) => self.attribute(a),
            _ => {}
        }
        self.children(Node::Expr(expr));
    }

    fn attribute(&mut self, a: &ast::ExprAttribute) {
        let attr = a.attr.as_str();
        let at = a.range.start();
        if FORBIDDEN_ATTRIBUTES.contains(&attr) {
            self.report(at, format!("attribute `{attr}`"));
            return;
        }
        let Expr::Name(base) = a.value.as_ref() else { return };
        let Some(module) = self.modules.get(base.id.as_str()).cloned() else { return };
        let forbidden = match module.as_str() {
            "tensorflow" => FORBIDDEN_TF_ATTRIBUTES.contains(&attr),
            "sys" => FORBIDDEN_SYS_ATTRIBUTES.contains(&attr),
            "time" => !ALLOWED_TIME_ATTRIBUTES.contains(&attr),
            _ => false,
        };
        if forbidden {
            let shown = if module == "tensorflow" { base.id.as_str() } else { module.as_str() };
            self.report(at, format!("`{shown}.{attr}`"));
        }
    }

    fn comprehensions(&mut self, gens: &[ast::Comprehension]) {
        for g in gens {
            if g.is_async {
                self.report(g.target.start(), "`async` comprehension");
            }
        }
    }
}

/// Names bound by `import` statements anywhere in the program, mapped to
/// the top-level module they refer to.
fn module_aliases(body: &[Stmt]) -> Vec<(String, String)> {
    fn go(node: Node<'_>, out: &mut Vec<(String, String)>) {
        if let Node::Stmt(Stmt::Import(i)) = node {
            for alias in &i.names {
                let top = alias.name.split('.').next().unwrap_or_default().to_string();
                let bound = alias.asname.as_ref().map(|n| n.to_string()).unwrap_or_else(|| top.clone());
                out.push((bound, top));
            }
        }
        walk::children(node, &mut |c| go(c, out));
    }
    let mut out = Vec::new();
    for s in body {
        go(Node::Stmt(s), &mut out);
    }
    out
}

/// Every name bound anywhere in the program, in any scope: assignment and
/// loop targets, parameters, `def`/`class` names, imports, `except … as`.
fn all_bound_names(body: &[Stmt]) -> HashSet<String> {
    fn go(node: Node<'_>, out: &mut HashSet<String>) {
        match node {
            Node::Stmt(Stmt::FunctionDef(f)) => {
                out.insert(f.name.to_string());
                params(&f.args, out);
            }
            Node::Stmt(Stmt::AsyncFunctionDef(f)) => {
                out.insert(f.name.to_string());
                params(&f.args, out);
            }
            Node::Stmt(Stmt::ClassDef(c)) => {
                out.insert(c.name.to_string());
            }
            Node::Stmt(Stmt::Global(g)) => out.extend(g.names.iter().map(|n| n.to_string())),
            Node::Stmt(Stmt::Nonlocal(n)) => out.extend(n.names.iter().map(|n| n.to_string())),
            Node::Stmt(s @ (Stmt::Import(_) | Stmt::ImportFrom(_) | Stmt::Try(_) | Stmt::TryStar(_))) => {
                out.extend(walk::bound_names(std::slice::from_ref(s)));
            }
            Node::Expr(Expr::Name(n)) if n.ctx != ExprContext::Load => {
                out.insert(n.id.to_string());
            }
            Node::Expr(Expr::Lambda(l)) => params(&l.args, out),
            _ => {}
        }
        walk::children(node, &mut |c| go(c, out));
    }
    fn params(args: &ast::Arguments, out: &mut HashSet<String>) {
        out.extend(walk::parameters(args).into_iter().map(|a| a.arg.to_string()));
    }
    let mut out = HashSet::new();
    for s in body {
        go(Node::Stmt(s), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diags(src: &str) -> Vec<String> {
        let m = crate::parse("t.py", src).expect("parses");
        check("t.py", src, &m.body).iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn the_subset_is_clean() {
        let src = "import tensorflow as tf\nimport math, sys, time\n\
                   class A(object):\n    def __init__(self, x=1, *a, k, **kw):\n        self.x = x\n\
                   def f(a, b):\n    global g\n    g = lambda y: y + 1\n    return [i for i in range(3) if i], {k: v for k, v in {}.items()}\n\
                   t0 = time.perf_counter()\nprint(*[1, 2], sep=sys.argv[0])\nx, (y, z) = 1, (2, 3)\n\
                   with tf.GradientTape() as tape:\n    pass\ntry:\n    pass\nexcept ValueError as e:\n    raise\n";
        assert_eq!(diags(src), Vec::<String>::new());
    }

    #[test]
    fn lists_each_construct_with_its_location() {
        let src = "import os\ndef g():\n    yield 1\nasync def h():\n    await h()\nmatch 1:\n    case 1:\n        pass\n";
        assert_eq!(
            diags(src),
            vec![
                "t.py:1:1: `import os` is not supported",
                "t.py:3:5: `yield` is not supported",
                "t.py:4:1: `async def` is not supported",
                "t.py:5:5: `await` is not supported",
                "t.py:6:1: `match` statement is not supported",
            ]
        );
    }

    #[test]
    fn sandbox_escapes_are_rejected() {
        let d = diags("import tensorflow as t\nopen('f')\neval('1')\nt.io.read_file('x')\nimport time\ntime.sleep(1)\n");
        assert_eq!(d.len(), 4, "{d:?}");
        assert!(d[0].contains("builtin `open`"));
        assert!(d[2].contains("`t.io`"));
        assert!(d[3].contains("`time.sleep`"));
    }

    #[test]
    fn a_program_may_shadow_a_builtin_name() {
        assert_eq!(diags("def open(x):\n    return x\nopen(1)\n"), Vec::<String>::new());
    }

    #[test]
    fn other_constructs() {
        let d = diags("if (n := 3):\n    pass\nclass C(A, B, metaclass=M):\n    pass\ndef f(a: int, /) -> int:\n    pass\nfrom math import sqrt\nz = b'x'\n");
        let text = d.join("\n");
        for needle in [":=", "multiple inheritance", "class keyword `metaclass=`", "positional-only",
                       "`from math import …`", "bytes literal"] {
            assert!(text.contains(needle), "missing {needle}: {text}");
        }
        assert!(!text.contains("annotation"), "{text}");
    }

    #[test]
    fn unpacking_and_annotations_are_in_the_subset() {
        let src = "a, *b = [1, 2, 3]\n[c, *d], e = [1, 2], 3\nfor f, *g in [(1, 2)]:\n    pass\n\
                   xs = [*b, *d]\nt = (*xs, 1)\ns = {*xs}\nm = {**{'k': 1}, 'j': 2}\n\
                   x: int = 3\ny: float\ndef h(p: int, *q: int, r: str = 'r', **kw: float) -> list:\n    z: int = p\n    return [z]\n\
                   l = lambda u: u\n";
        assert_eq!(diags(src), Vec::<String>::new());
    }
}
