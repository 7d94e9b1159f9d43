//! A generic walk over the AST: the direct children of a statement or an
//! expression, and the names a block binds. Used by the compile-time checks
//! (`syntax.rs`) and the subset check (`check.rs`).

use std::collections::HashSet;

use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

/// A statement or an expression.
#[derive(Clone, Copy, Debug)]
pub enum Node<'a> {
    /// A statement.
    Stmt(&'a Stmt),
    /// An expression.
    Expr(&'a Expr),
}

impl Node<'_> {
    /// Byte offset where the node starts.
    pub fn start(&self) -> TextSize {
        match self {
            Node::Stmt(s) => s.start(),
            Node::Expr(e) => e.start(),
        }
    }
}

/// All parameters of a signature, in order: positional-only, positional,
/// `*args`, keyword-only, `**kwargs`.
pub fn parameters(args: &ast::Arguments) -> Vec<&ast::Arg> {
    let mut out: Vec<&ast::Arg> = Vec::new();
    out.extend(args.posonlyargs.iter().map(|a| &a.def));
    out.extend(args.args.iter().map(|a| &a.def));
    out.extend(args.vararg.as_deref());
    out.extend(args.kwonlyargs.iter().map(|a| &a.def));
    out.extend(args.kwarg.as_deref());
    out
}

/// The default values and annotations of a signature.
fn signature_exprs<'a>(args: &'a ast::Arguments, f: &mut dyn FnMut(Node<'a>)) {
    let with_defaults = args.posonlyargs.iter().chain(&args.args).chain(&args.kwonlyargs);
    for a in with_defaults.clone() {
        if let Some(d) = &a.default {
            f(Node::Expr(d));
        }
    }
    for a in parameters(args) {
        if let Some(ann) = &a.annotation {
            f(Node::Expr(ann));
        }
    }
}

fn comprehensions<'a>(gens: &'a [ast::Comprehension], f: &mut dyn FnMut(Node<'a>)) {
    for g in gens {
        f(Node::Expr(&g.target));
        f(Node::Expr(&g.iter));
        for i in &g.ifs {
            f(Node::Expr(i));
        }
    }
}

fn block<'a>(body: &'a [Stmt], f: &mut dyn FnMut(Node<'a>)) {
    for s in body {
        f(Node::Stmt(s));
    }
}

fn exprs<'a>(es: &'a [Expr], f: &mut dyn FnMut(Node<'a>)) {
    for e in es {
        f(Node::Expr(e));
    }
}

fn handlers<'a>(hs: &'a [ast::ExceptHandler], f: &mut dyn FnMut(Node<'a>)) {
    for h in hs {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        if let Some(t) = &h.type_ {
            f(Node::Expr(t));
        }
        block(&h.body, f);
    }
}

/// Call `f` on each direct child (statement or expression) of `node`, in
/// source order. Match patterns are not visited (only guards and bodies).
pub fn children<'a>(node: Node<'a>, f: &mut dyn FnMut(Node<'a>)) {
    match node {
        Node::Stmt(stmt) => stmt_children(stmt, f),
        Node::Expr(expr) => expr_children(expr, f),
    }
}

fn stmt_children<'a>(stmt: &'a Stmt, f: &mut dyn FnMut(Node<'a>)) {
    match stmt {
        Stmt::FunctionDef(s) => {
            exprs(&s.decorator_list, f);
            signature_exprs(&s.args, f);
            if let Some(r) = &s.returns {
                f(Node::Expr(r));
            }
            block(&s.body, f);
        }
        Stmt::AsyncFunctionDef(s) => {
            exprs(&s.decorator_list, f);
            signature_exprs(&s.args, f);
            if let Some(r) = &s.returns {
                f(Node::Expr(r));
            }
            block(&s.body, f);
        }
        Stmt::ClassDef(s) => {
            exprs(&s.decorator_list, f);
            exprs(&s.bases, f);
            for k in &s.keywords {
                f(Node::Expr(&k.value));
            }
            block(&s.body, f);
        }
        Stmt::Return(s) => {
            if let Some(v) = &s.value {
                f(Node::Expr(v));
            }
        }
        Stmt::Delete(s) => exprs(&s.targets, f),
        Stmt::Assign(s) => {
            exprs(&s.targets, f);
            f(Node::Expr(&s.value));
        }
        Stmt::TypeAlias(s) => {
            f(Node::Expr(&s.name));
            f(Node::Expr(&s.value));
        }
        Stmt::AugAssign(s) => {
            f(Node::Expr(&s.target));
            f(Node::Expr(&s.value));
        }
        Stmt::AnnAssign(s) => {
            f(Node::Expr(&s.target));
            f(Node::Expr(&s.annotation));
            if let Some(v) = &s.value {
                f(Node::Expr(v));
            }
        }
        Stmt::For(s) => {
            f(Node::Expr(&s.target));
            f(Node::Expr(&s.iter));
            block(&s.body, f);
            block(&s.orelse, f);
        }
        Stmt::AsyncFor(s) => {
            f(Node::Expr(&s.target));
            f(Node::Expr(&s.iter));
            block(&s.body, f);
            block(&s.orelse, f);
        }
        Stmt::While(s) => {
            f(Node::Expr(&s.test));
            block(&s.body, f);
            block(&s.orelse, f);
        }
        Stmt::If(s) => {
            f(Node::Expr(&s.test));
            block(&s.body, f);
            block(&s.orelse, f);
        }
        Stmt::With(s) => {
            for item in &s.items {
                f(Node::Expr(&item.context_expr));
                if let Some(v) = &item.optional_vars {
                    f(Node::Expr(v));
                }
            }
            block(&s.body, f);
        }
        Stmt::AsyncWith(s) => {
            for item in &s.items {
                f(Node::Expr(&item.context_expr));
                if let Some(v) = &item.optional_vars {
                    f(Node::Expr(v));
                }
            }
            block(&s.body, f);
        }
        Stmt::Match(s) => {
            f(Node::Expr(&s.subject));
            for case in &s.cases {
                if let Some(g) = &case.guard {
                    f(Node::Expr(g));
                }
                block(&case.body, f);
            }
        }
        Stmt::Raise(s) => {
            if let Some(e) = &s.exc {
                f(Node::Expr(e));
            }
            if let Some(c) = &s.cause {
                f(Node::Expr(c));
            }
        }
        Stmt::Try(s) => {
            block(&s.body, f);
            handlers(&s.handlers, f);
            block(&s.orelse, f);
            block(&s.finalbody, f);
        }
        Stmt::TryStar(s) => {
            block(&s.body, f);
            handlers(&s.handlers, f);
            block(&s.orelse, f);
            block(&s.finalbody, f);
        }
        Stmt::Assert(s) => {
            f(Node::Expr(&s.test));
            if let Some(m) = &s.msg {
                f(Node::Expr(m));
            }
        }
        Stmt::Expr(s) => f(Node::Expr(&s.value)),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_) => {}
    }
}

fn expr_children<'a>(expr: &'a Expr, f: &mut dyn FnMut(Node<'a>)) {
    match expr {
        Expr::BoolOp(e) => exprs(&e.values, f),
        Expr::NamedExpr(e) => {
            f(Node::Expr(&e.target));
            f(Node::Expr(&e.value));
        }
        Expr::BinOp(e) => {
            f(Node::Expr(&e.left));
            f(Node::Expr(&e.right));
        }
        Expr::UnaryOp(e) => f(Node::Expr(&e.operand)),
        Expr::Lambda(e) => {
            signature_exprs(&e.args, f);
            f(Node::Expr(&e.body));
        }
        Expr::IfExp(e) => {
            f(Node::Expr(&e.test));
            f(Node::Expr(&e.body));
            f(Node::Expr(&e.orelse));
        }
        Expr::Dict(e) => {
            for (k, v) in e.keys.iter().zip(&e.values) {
                if let Some(k) = k {
                    f(Node::Expr(k));
                }
                f(Node::Expr(v));
            }
        }
        Expr::Set(e) => exprs(&e.elts, f),
        Expr::ListComp(e) => {
            f(Node::Expr(&e.elt));
            comprehensions(&e.generators, f);
        }
        Expr::SetComp(e) => {
            f(Node::Expr(&e.elt));
            comprehensions(&e.generators, f);
        }
        Expr::DictComp(e) => {
            f(Node::Expr(&e.key));
            f(Node::Expr(&e.value));
            comprehensions(&e.generators, f);
        }
        Expr::GeneratorExp(e) => {
            f(Node::Expr(&e.elt));
            comprehensions(&e.generators, f);
        }
        Expr::Await(e) => f(Node::Expr(&e.value)),
        Expr::Yield(e) => {
            if let Some(v) = &e.value {
                f(Node::Expr(v));
            }
        }
        Expr::YieldFrom(e) => f(Node::Expr(&e.value)),
        Expr::Compare(e) => {
            f(Node::Expr(&e.left));
            exprs(&e.comparators, f);
        }
        Expr::Call(e) => {
            f(Node::Expr(&e.func));
            exprs(&e.args, f);
            for k in &e.keywords {
                f(Node::Expr(&k.value));
            }
        }
        Expr::FormattedValue(e) => {
            f(Node::Expr(&e.value));
            if let Some(s) = &e.format_spec {
                f(Node::Expr(s));
            }
        }
        Expr::JoinedStr(e) => exprs(&e.values, f),
        Expr::Constant(_) | Expr::Name(_) => {}
        Expr::Attribute(e) => f(Node::Expr(&e.value)),
        Expr::Subscript(e) => {
            f(Node::Expr(&e.value));
            f(Node::Expr(&e.slice));
        }
        Expr::Starred(e) => f(Node::Expr(&e.value)),
        Expr::List(e) => exprs(&e.elts, f),
        Expr::Tuple(e) => exprs(&e.elts, f),
        Expr::Slice(e) => {
            for part in [&e.lower, &e.upper, &e.step].into_iter().flatten() {
                f(Node::Expr(part));
            }
        }
    }
}

/// Names bound by an assignment target (`x`, `a, (b, *c)`); attribute and
/// subscript targets bind nothing.
pub fn target_names(target: &Expr, out: &mut HashSet<String>) {
    match target {
        Expr::Name(n) => {
            out.insert(n.id.to_string());
        }
        Expr::Tuple(t) => t.elts.iter().for_each(|e| target_names(e, out)),
        Expr::List(l) => l.elts.iter().for_each(|e| target_names(e, out)),
        Expr::Starred(s) => target_names(&s.value, out),
        _ => {}
    }
}

/// Names bound directly in the scope whose body is `body`: assignments,
/// `for`/`with`/`except` targets, `def`/`class` names, imports and walrus
/// targets — not names bound inside nested functions, lambdas, classes or
/// comprehensions (except walrus targets, which leak out of comprehensions).
pub fn bound_names(body: &[Stmt]) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in body {
        stmt_bindings(s, &mut out);
    }
    out
}

fn stmt_bindings(stmt: &Stmt, out: &mut HashSet<String>) {
    match stmt {
        Stmt::FunctionDef(s) => {
            out.insert(s.name.to_string());
            // Decorators and defaults are evaluated in this scope.
            let mut local = |n: Node<'_>| expr_node_bindings(n, out);
            exprs(&s.decorator_list, &mut local);
            signature_exprs(&s.args, &mut local);
            return;
        }
        Stmt::AsyncFunctionDef(s) => {
            out.insert(s.name.to_string());
            return;
        }
        Stmt::ClassDef(s) => {
            out.insert(s.name.to_string());
            let mut local = |n: Node<'_>| expr_node_bindings(n, out);
            exprs(&s.decorator_list, &mut local);
            exprs(&s.bases, &mut local);
            return;
        }
        Stmt::Assign(s) => s.targets.iter().for_each(|t| target_names(t, out)),
        Stmt::AugAssign(s) => target_names(&s.target, out),
        Stmt::AnnAssign(s) => target_names(&s.target, out),
        Stmt::For(s) => target_names(&s.target, out),
        Stmt::AsyncFor(s) => target_names(&s.target, out),
        Stmt::Delete(s) => s.targets.iter().for_each(|t| target_names(t, out)),
        Stmt::With(s) => {
            for item in &s.items {
                if let Some(v) = &item.optional_vars {
                    target_names(v, out);
                }
            }
        }
        Stmt::AsyncWith(s) => {
            for item in &s.items {
                if let Some(v) = &item.optional_vars {
                    target_names(v, out);
                }
            }
        }
        Stmt::Try(s) => handler_names(&s.handlers, out),
        Stmt::TryStar(s) => handler_names(&s.handlers, out),
        Stmt::Import(s) => {
            for a in &s.names {
                let bound = a.asname.as_ref().map(|n| n.to_string()).unwrap_or_else(|| {
                    a.name.split('.').next().unwrap_or_default().to_string()
                });
                out.insert(bound);
            }
        }
        Stmt::ImportFrom(s) => {
            for a in &s.names {
                out.insert(a.asname.as_ref().unwrap_or(&a.name).to_string());
            }
        }
        _ => {}
    }
    children(Node::Stmt(stmt), &mut |n| match n {
        Node::Stmt(s) => stmt_bindings(s, out),
        Node::Expr(_) => expr_node_bindings(n, out),
    });
}

fn handler_names(hs: &[ast::ExceptHandler], out: &mut HashSet<String>) {
    for h in hs {
        let ast::ExceptHandler::ExceptHandler(h) = h;
        if let Some(n) = &h.name {
            out.insert(n.to_string());
        }
    }
}

/// Walrus targets inside an expression (they bind in the enclosing scope,
/// even from inside a comprehension, but not from inside a lambda).
fn expr_node_bindings(node: Node<'_>, out: &mut HashSet<String>) {
    if let Node::Expr(e) = node {
        match e {
            Expr::Lambda(_) => return,
            Expr::NamedExpr(n) => target_names(&n.target, out),
            _ => {}
        }
        children(node, &mut |c| expr_node_bindings(c, out));
    }
}

/// Names declared `global` or `nonlocal` directly in `body` (not in nested
/// functions or classes).
pub fn declared_names(body: &[Stmt]) -> Vec<String> {
    fn go(stmt: &Stmt, out: &mut Vec<String>) {
        match stmt {
            Stmt::Global(g) => out.extend(g.names.iter().map(|n| n.to_string())),
            Stmt::Nonlocal(n) => out.extend(n.names.iter().map(|n| n.to_string())),
            Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => children(Node::Stmt(stmt), &mut |c| {
                if let Node::Stmt(s) = c {
                    go(s, out);
                }
            }),
        }
    }
    let mut out = Vec::new();
    for s in body {
        go(s, &mut out);
    }
    out
}
