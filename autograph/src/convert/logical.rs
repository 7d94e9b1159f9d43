//! Expressions with control flow, as TF's `conditional_expressions.py` and
//! `logical_expressions.py`:
//!
//! - `x if c else y` → `ag__.if_exp(c, lambda: x, lambda: y, 'c')`;
//! - `a and b` → `ag__.and_(lambda: a, lambda: b)`, `a or b` →
//!   `ag__.or_(…)` (several operands nest to the right), `not a` →
//!   `ag__.not_(a)`;
//! - a chained comparison `a < b < c` → `ag__.and_(lambda: a < b,
//!   lambda: b < c)`; a single comparison is unchanged.

use rustpython_parser::ast::{self, BoolOp, Expr, Ranged, Stmt, UnaryOp};

use super::analysis::strip_ld;
use super::build;
use super::visit::{expr_children_mut, replace_with, rewrite_all_exprs};

/// Convert the conditional expressions of `body` (including nested
/// functions). Runs after the call converter, before `and`/`or`/`not`.
pub fn convert_conditional_expressions(body: &mut [Stmt]) {
    rewrite_all_exprs(body, &mut |e| {
        if matches!(e, Expr::IfExp(_)) {
            replace_with(e, |x| match x {
                Expr::IfExp(i) => {
                    let repr = crate::unparse::unparse_expr(&without_ld((*i.test).clone()))
                        .trim()
                        .to_string();
                    let mut call = build::call(
                        build::dotted("ag__.if_exp"),
                        vec![
                            *i.test,
                            build::lambda0(*i.body),
                            build::lambda0(*i.orelse),
                            build::str_(&repr),
                        ],
                    );
                    if let Expr::Call(c) = &mut call {
                        c.range = i.range;
                    }
                    call
                }
                other => other,
            });
        }
    });
}

/// `e` with every `ag__.ld(x)` replaced by `x` (how TF prints the test of a
/// conditional expression: before variable loads are wrapped).
pub fn without_ld(mut e: Expr) -> Expr {
    fn go(e: &mut Expr) {
        expr_children_mut(e, &mut go);
        let stripped = match strip_ld(e) {
            inner if !std::ptr::eq(inner, e) => Some(inner.clone()),
            _ => None,
        };
        if let Some(inner) = stripped {
            *e = inner;
        }
    }
    go(&mut e);
    e
}

/// Convert `and`, `or`, `not` and chained comparisons in `body`
/// (including nested functions).
pub fn convert_logical_expressions(body: &mut [Stmt]) {
    rewrite_all_exprs(body, &mut |e| match e {
        Expr::BoolOp(_) => replace_with(e, |x| match x {
            Expr::BoolOp(b) => bool_op(b),
            other => other,
        }),
        Expr::UnaryOp(u) if matches!(u.op, UnaryOp::Not) => replace_with(e, |x| match x {
            Expr::UnaryOp(u) => {
                let range = u.range;
                with_range(
                    build::call(build::dotted("ag__.not_"), vec![*u.operand]),
                    range,
                )
            }
            other => other,
        }),
        Expr::Compare(c) if c.ops.len() > 1 => replace_with(e, |x| match x {
            Expr::Compare(c) => chained_compare(c),
            other => other,
        }),
        _ => {}
    });
}

fn with_range(mut e: Expr, range: rustpython_parser::text_size::TextRange) -> Expr {
    if let Expr::Call(c) = &mut e {
        c.range = range;
    }
    e
}

fn bool_op(b: ast::ExprBoolOp) -> Expr {
    let func = match b.op {
        BoolOp::And => "ag__.and_",
        BoolOp::Or => "ag__.or_",
    };
    let range = b.range;
    let mut values = b.values;
    let Some(mut right) = values.pop() else {
        return build::none();
    };
    while let Some(left) = values.pop() {
        right = build::call(
            build::dotted(func),
            vec![build::lambda0(left), build::lambda0(right)],
        );
    }
    with_range(right, range)
}

fn chained_compare(c: ast::ExprCompare) -> Expr {
    let range = c.range();
    let mut left = *c.left;
    let mut tree: Option<Expr> = None;
    for (op, right) in c.ops.into_iter().zip(c.comparators) {
        let cmp = Expr::Compare(ast::ExprCompare {
            range: Default::default(),
            left: Box::new(left),
            ops: vec![op],
            comparators: vec![right.clone()],
        });
        tree = Some(match tree {
            None => cmp,
            Some(t) => build::call(
                build::dotted("ag__.and_"),
                vec![build::lambda0(t), build::lambda0(cmp)],
            ),
        });
        left = right;
    }
    with_range(tree.unwrap_or_else(build::none), range)
}
