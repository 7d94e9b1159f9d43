//! Mutable traversal helpers shared by the converters: the expressions a
//! statement holds directly, the statement blocks nested in it, and a
//! post-order rewrite of expression trees.

use rustpython_parser::ast::{self, Expr, Stmt};

fn signature_exprs_mut(args: &mut ast::Arguments, f: &mut dyn FnMut(&mut Expr)) {
    for a in args
        .posonlyargs
        .iter_mut()
        .chain(args.args.iter_mut())
        .chain(args.kwonlyargs.iter_mut())
    {
        if let Some(d) = &mut a.default {
            f(d);
        }
    }
}

/// Call `f` on every expression held directly by `stmt` — not on the
/// statements of its nested blocks. For a `def` these are its decorators and
/// defaults; class definitions are opaque (nothing is visited).
pub fn stmt_exprs_mut(stmt: &mut Stmt, f: &mut dyn FnMut(&mut Expr)) {
    match stmt {
        Stmt::FunctionDef(s) => {
            s.decorator_list.iter_mut().for_each(&mut *f);
            signature_exprs_mut(&mut s.args, f);
        }
        Stmt::AsyncFunctionDef(s) => {
            s.decorator_list.iter_mut().for_each(&mut *f);
            signature_exprs_mut(&mut s.args, f);
        }
        Stmt::ClassDef(_) => {}
        Stmt::Return(s) => {
            if let Some(v) = &mut s.value {
                f(v);
            }
        }
        Stmt::Delete(s) => s.targets.iter_mut().for_each(f),
        Stmt::Assign(s) => {
            s.targets.iter_mut().for_each(&mut *f);
            f(&mut s.value);
        }
        Stmt::TypeAlias(_) => {}
        Stmt::AugAssign(s) => {
            f(&mut s.target);
            f(&mut s.value);
        }
        Stmt::AnnAssign(s) => {
            f(&mut s.target);
            if let Some(v) = &mut s.value {
                f(v);
            }
        }
        Stmt::For(s) => {
            f(&mut s.target);
            f(&mut s.iter);
        }
        Stmt::AsyncFor(s) => {
            f(&mut s.target);
            f(&mut s.iter);
        }
        Stmt::While(s) => f(&mut s.test),
        Stmt::If(s) => f(&mut s.test),
        Stmt::With(s) => {
            for item in &mut s.items {
                f(&mut item.context_expr);
                if let Some(v) = &mut item.optional_vars {
                    f(v);
                }
            }
        }
        Stmt::AsyncWith(s) => {
            for item in &mut s.items {
                f(&mut item.context_expr);
                if let Some(v) = &mut item.optional_vars {
                    f(v);
                }
            }
        }
        Stmt::Match(s) => f(&mut s.subject),
        Stmt::Raise(s) => {
            if let Some(e) = &mut s.exc {
                f(e);
            }
            if let Some(c) = &mut s.cause {
                f(c);
            }
        }
        Stmt::Try(_) | Stmt::TryStar(_) => {}
        Stmt::Assert(s) => {
            f(&mut s.test);
            if let Some(m) = &mut s.msg {
                f(m);
            }
        }
        Stmt::Expr(s) => f(&mut s.value),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_) => {}
    }
}

/// The statement blocks nested directly in `stmt`: bodies and `else`
/// blocks of compound statements, exception handlers, and the body of a
/// nested function. Class bodies are opaque and not returned.
pub fn stmt_blocks_mut(stmt: &mut Stmt) -> Vec<&mut Vec<Stmt>> {
    match stmt {
        Stmt::FunctionDef(s) => vec![&mut s.body],
        Stmt::AsyncFunctionDef(s) => vec![&mut s.body],
        Stmt::For(s) => vec![&mut s.body, &mut s.orelse],
        Stmt::AsyncFor(s) => vec![&mut s.body, &mut s.orelse],
        Stmt::While(s) => vec![&mut s.body, &mut s.orelse],
        Stmt::If(s) => vec![&mut s.body, &mut s.orelse],
        Stmt::With(s) => vec![&mut s.body],
        Stmt::AsyncWith(s) => vec![&mut s.body],
        Stmt::Try(s) => {
            let mut v = vec![&mut s.body];
            for h in &mut s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&mut h.body);
            }
            v.push(&mut s.orelse);
            v.push(&mut s.finalbody);
            v
        }
        Stmt::TryStar(s) => {
            let mut v = vec![&mut s.body];
            for h in &mut s.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&mut h.body);
            }
            v.push(&mut s.orelse);
            v.push(&mut s.finalbody);
            v
        }
        _ => Vec::new(),
    }
}

/// Call `f` on each direct child expression of `e`.
pub fn expr_children_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match e {
        Expr::BoolOp(b) => b.values.iter_mut().for_each(f),
        Expr::NamedExpr(n) => {
            f(&mut n.target);
            f(&mut n.value);
        }
        Expr::BinOp(b) => {
            f(&mut b.left);
            f(&mut b.right);
        }
        Expr::UnaryOp(u) => f(&mut u.operand),
        Expr::Lambda(l) => {
            signature_exprs_mut(&mut l.args, f);
            f(&mut l.body);
        }
        Expr::IfExp(i) => {
            f(&mut i.test);
            f(&mut i.body);
            f(&mut i.orelse);
        }
        Expr::Dict(d) => {
            for (k, v) in d.keys.iter_mut().zip(d.values.iter_mut()) {
                if let Some(k) = k {
                    f(k);
                }
                f(v);
            }
        }
        Expr::Set(s) => s.elts.iter_mut().for_each(f),
        Expr::ListComp(c) => {
            f(&mut c.elt);
            comprehension_mut(&mut c.generators, f);
        }
        Expr::SetComp(c) => {
            f(&mut c.elt);
            comprehension_mut(&mut c.generators, f);
        }
        Expr::DictComp(c) => {
            f(&mut c.key);
            f(&mut c.value);
            comprehension_mut(&mut c.generators, f);
        }
        Expr::GeneratorExp(c) => {
            f(&mut c.elt);
            comprehension_mut(&mut c.generators, f);
        }
        Expr::Await(a) => f(&mut a.value),
        Expr::Yield(y) => {
            if let Some(v) = &mut y.value {
                f(v);
            }
        }
        Expr::YieldFrom(y) => f(&mut y.value),
        Expr::Compare(c) => {
            f(&mut c.left);
            c.comparators.iter_mut().for_each(f);
        }
        Expr::Call(c) => {
            f(&mut c.func);
            c.args.iter_mut().for_each(&mut *f);
            for k in &mut c.keywords {
                f(&mut k.value);
            }
        }
        Expr::FormattedValue(v) => {
            f(&mut v.value);
            if let Some(s) = &mut v.format_spec {
                f(s);
            }
        }
        Expr::JoinedStr(j) => j.values.iter_mut().for_each(f),
        Expr::Constant(_) | Expr::Name(_) => {}
        Expr::Attribute(a) => f(&mut a.value),
        Expr::Subscript(s) => {
            f(&mut s.value);
            f(&mut s.slice);
        }
        Expr::Starred(s) => f(&mut s.value),
        Expr::List(l) => l.elts.iter_mut().for_each(f),
        Expr::Tuple(t) => t.elts.iter_mut().for_each(f),
        Expr::Slice(s) => {
            for part in [&mut s.lower, &mut s.upper, &mut s.step]
                .into_iter()
                .flatten()
            {
                f(part);
            }
        }
    }
}

fn comprehension_mut(gens: &mut [ast::Comprehension], f: &mut dyn FnMut(&mut Expr)) {
    for g in gens {
        f(&mut g.target);
        f(&mut g.iter);
        g.ifs.iter_mut().for_each(&mut *f);
    }
}

/// Rewrite `e` bottom-up: children first, then `f` on the node itself.
pub fn rewrite_expr_post(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    expr_children_mut(e, &mut |c| rewrite_expr_post(c, f));
    f(e);
}

/// Apply `f` bottom-up to every expression in `stmts`, including nested
/// blocks and nested function bodies (not class bodies).
pub fn rewrite_all_exprs(stmts: &mut [Stmt], f: &mut dyn FnMut(&mut Expr)) {
    for s in stmts {
        stmt_exprs_mut(s, &mut |e| rewrite_expr_post(e, f));
        for block in stmt_blocks_mut(s) {
            rewrite_all_exprs(block, f);
        }
    }
}

/// Replace `*e` by `f(old value)`.
pub fn replace_with(e: &mut Expr, f: impl FnOnce(Expr) -> Expr) {
    let placeholder = Expr::Constant(ast::ExprConstant {
        range: Default::default(),
        value: ast::Constant::None,
        kind: None,
    });
    let old = std::mem::replace(e, placeholder);
    *e = f(old);
}
