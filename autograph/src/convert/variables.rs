//! Variable reads through `ag__.ld`, as TF's `variables.py`: every load of
//! a name in the user's code becomes `ag__.ld(name)` (which raises
//! `UnboundLocalError` for an `ag__.Undefined` placeholder); `x += v` becomes
//! `x = ag__.ld(x); x += v`; `del x` becomes `x = ag__.Undefined('x')`.
//!
//! Runs first, on the user's code only, so the names the later converters
//! generate (`do_return`, `break_`, state functions…) are never wrapped.

use rustpython_parser::ast::{self, Expr, ExprContext, Stmt};

use super::analysis::AG_MODULE;
use super::build;
use super::visit::{expr_children_mut, stmt_blocks_mut, stmt_exprs_mut};

/// Wrap the name loads of `body` (recursively, including nested functions;
/// class bodies are left alone).
pub fn wrap_loads(body: Vec<Stmt>) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(body.len());
    for s in body {
        out.extend(stmt(s));
    }
    out
}

/// Wrap the name loads of one expression.
pub fn wrap_expr(e: &mut Expr) {
    match e {
        Expr::Name(n) if matches!(n.ctx, ExprContext::Load) && n.id.as_str() != AG_MODULE => {
            let range = n.range;
            let inner = Expr::Name(n.clone());
            let mut call = build::call(build::dotted("ag__.ld"), vec![inner]);
            if let Expr::Call(c) = &mut call {
                c.range = range;
            }
            *e = call;
        }
        _ => expr_children_mut(e, &mut wrap_expr),
    }
}

fn stmt(mut s: Stmt) -> Vec<Stmt> {
    if matches!(s, Stmt::ClassDef(_)) {
        return vec![s];
    }
    if let Stmt::AugAssign(a) = &mut s {
        let Expr::Name(n) = a.target.as_ref() else {
            wrap_expr(&mut a.target);
            wrap_expr(&mut a.value);
            return vec![s];
        };
        // TF leaves the value of the augmented assignment untouched.
        let id = n.id.to_string();
        let load = build::call(build::dotted("ag__.ld"), vec![build::name(&id)]);
        let mut pre = build::assign_name(&id, load);
        if let Stmt::Assign(p) = &mut pre {
            p.range = a.range;
        }
        return vec![pre, s];
    }
    if let Stmt::Delete(d) = &mut s {
        let range = d.range;
        let mut out = Vec::new();
        let mut remaining = Vec::new();
        for t in std::mem::take(&mut d.targets) {
            match t {
                Expr::Name(n) => {
                    let undefined = build::call(
                        build::dotted("ag__.Undefined"),
                        vec![build::str_(n.id.as_str())],
                    );
                    let mut a = build::assign_name(n.id.as_str(), undefined);
                    if let Stmt::Assign(x) = &mut a {
                        x.range = range;
                    }
                    out.push(a);
                }
                mut other => {
                    wrap_expr(&mut other);
                    remaining.push(other);
                }
            }
        }
        if !remaining.is_empty() {
            out.push(Stmt::Delete(ast::StmtDelete {
                range,
                targets: remaining,
            }));
        }
        return out;
    }
    stmt_exprs_mut(&mut s, &mut wrap_expr);
    for b in stmt_blocks_mut(&mut s) {
        *b = wrap_loads(std::mem::take(b));
    }
    vec![s]
}
