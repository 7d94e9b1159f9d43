//! Function boilerplate and the call tree, as TF's `functions.py` and
//! `call_trees.py`:
//!
//! - every function body runs inside
//!   `with ag__.FunctionScope('f', 'fscope', options) as fscope:`; the
//!   converted function loses its decorators, nested functions are marked
//!   `@ag__.autograph_artifact` and nested lambdas
//!   `ag__.autograph_artifact(lambda …)` (already converted);
//! - every call `f(a, *b, k=v)` becomes
//!   `ag__.converted_call(f, (a,) + tuple(b), dict(k=v), fscope)`, except
//!   calls of `ag__` operators, of the function scope, and of `print` (TF
//!   leaves built-ins alone unless asked). Calls in the context expressions
//!   of a `with` statement are left as they are, as in TF.

use rustpython_parser::ast::{self, Expr, Operator, Stmt};

use super::analysis::{qn_of, AG_MODULE};
use super::build;
use super::names::Namer;
use super::visit::{rewrite_expr_post, stmt_blocks_mut, stmt_exprs_mut};

/// Convert calls and add function scopes to `def` (the function being
/// converted) and every function nested in it. `user_requested` selects
/// the options of the top-level scope (`ConversionOptions(…)` as for
/// `tf.function` / `to_code`, else `ag__.STD`).
pub fn convert_calls_and_scopes(
    def: &mut ast::StmtFunctionDef,
    namer: &mut Namer,
    user_requested: bool,
) {
    def.decorator_list.clear();
    function(def, namer, None, user_requested);
}

fn options_expr(user_requested: bool) -> Expr {
    if !user_requested {
        return build::dotted("ag__.STD");
    }
    build::call_kw(
        build::dotted("ag__.ConversionOptions"),
        Vec::new(),
        vec![
            build::keyword("recursive", build::bool_(true)),
            build::keyword("user_requested", build::bool_(true)),
            build::keyword("optional_features", build::tuple(Vec::new())),
            build::keyword("internal_convert_user_code", build::bool_(true)),
        ],
    )
}

fn function(
    def: &mut ast::StmtFunctionDef,
    namer: &mut Namer,
    outer_scope: Option<&str>,
    user_requested: bool,
) {
    if let Some(outer) = outer_scope {
        for d in &mut def.decorator_list {
            calls(d, outer);
        }
        for a in def
            .args
            .posonlyargs
            .iter_mut()
            .chain(def.args.args.iter_mut())
            .chain(def.args.kwonlyargs.iter_mut())
        {
            if let Some(d) = &mut a.default {
                calls(d, outer);
            }
        }
        def.decorator_list
            .push(build::dotted("ag__.autograph_artifact"));
    }
    let scope = namer.new_symbol("fscope");
    block(&mut def.body, &scope, namer);

    let mut body = std::mem::take(&mut def.body);
    let docstring = match body.first() {
        Some(Stmt::Expr(e)) if matches!(e.value.as_ref(), Expr::Constant(c) if matches!(c.value, ast::Constant::Str(_))) => {
            Some(body.remove(0))
        }
        _ => None,
    };
    if body.is_empty() {
        body.push(build::pass());
    }
    let options = if outer_scope.is_none() {
        options_expr(user_requested)
    } else {
        build::dotted("ag__.STD")
    };
    let scope_call = build::call(
        build::dotted("ag__.FunctionScope"),
        vec![build::str_(def.name.as_str()), build::str_(&scope), options],
    );
    let mut wrapped: Vec<Stmt> = docstring.into_iter().collect();
    wrapped.push(build::with_as(scope_call, &scope, body));
    def.body = wrapped;
}

fn block(stmts: &mut [Stmt], scope: &str, namer: &mut Namer) {
    for s in stmts {
        match s {
            Stmt::FunctionDef(f) => function(f, namer, Some(scope), false),
            Stmt::ClassDef(_) => {}
            Stmt::With(w) => block(&mut w.body, scope, namer),
            _ => {
                stmt_exprs_mut(s, &mut |e| calls(e, scope));
                for b in stmt_blocks_mut(s) {
                    block(b, scope, namer);
                }
            }
        }
    }
}

/// Convert the calls in `e` (bottom-up) and mark its lambdas.
fn calls(e: &mut Expr, scope: &str) {
    rewrite_expr_post(e, &mut |x| match x {
        Expr::Lambda(_) => super::visit::replace_with(x, |l| {
            build::call(build::dotted("ag__.autograph_artifact"), vec![l])
        }),
        Expr::Call(_) => super::visit::replace_with(x, |c| match c {
            Expr::Call(c) => convert_call(c, scope),
            other => other,
        }),
        _ => {}
    });
}

fn is_exempt(func: &Expr, scope: &str) -> bool {
    if let Some(d) = build::dotted_name(func) {
        if d.starts_with(&format!("{AG_MODULE}.")) || d.starts_with(&format!("{scope}.")) {
            return true;
        }
    }
    let name = qn_of(func).map(|q| q.text).unwrap_or_default();
    matches!(
        name.as_str(),
        "print" | "pdb.set_trace" | "ipdb.set_trace" | "breakpoint"
    )
}

fn convert_call(c: ast::ExprCall, scope: &str) -> Expr {
    if is_exempt(&c.func, scope) {
        return Expr::Call(c);
    }
    let range = c.range;
    // Positional arguments: `f(*a, b, *c, d)` → `tuple(a) + (b,) + tuple(c) + (d,)`.
    let mut parts: Vec<Expr> = Vec::new();
    let mut pending: Vec<Expr> = Vec::new();
    for a in c.args {
        match a {
            Expr::Starred(s) => {
                if !pending.is_empty() {
                    parts.push(build::tuple(std::mem::take(&mut pending)));
                }
                parts.push(build::call(build::name("tuple"), vec![*s.value]));
            }
            other => pending.push(other),
        }
    }
    if !pending.is_empty() {
        parts.push(build::tuple(pending));
    }
    let mut iter = parts.into_iter();
    let args = match iter.next() {
        None => build::tuple(Vec::new()),
        Some(first) => iter.fold(first, |acc, p| {
            Expr::BinOp(ast::ExprBinOp {
                range: Default::default(),
                left: Box::new(acc),
                op: Operator::Add,
                right: Box::new(p),
            })
        }),
    };
    let kwargs = if c.keywords.is_empty() {
        build::none()
    } else {
        build::call_kw(build::name("dict"), Vec::new(), c.keywords)
    };
    let mut out = build::call(
        build::dotted("ag__.converted_call"),
        vec![*c.func, args, kwargs, build::name(scope)],
    );
    if let Expr::Call(oc) = &mut out {
        oc.range = range;
    }
    out
}
