//! Checks for what AutoGraph cannot convert, and loop directives
//! (`tf.autograph.experimental.set_loop_options(…)` as the first statement
//! of a loop body), as TF's `unsupported_features_checker.py` and
//! `directives.py`.

use rustpython_parser::ast::{Expr, Ranged, Stmt};

use super::build;
use super::control_flow::LoopOptions;
use super::ConvertError;
use crate::walk::{children, Node};

/// The parameters of `set_loop_options`, in order.
const LOOP_OPTION_PARAMS: [&str; 4] = [
    "parallel_iterations",
    "swap_memory",
    "maximum_iterations",
    "shape_invariants",
];

/// Reject what TF's AutoGraph does not convert (generators, loop `else`
/// clauses, mangled names, async code, `match`).
pub fn check_supported(body: &[Stmt]) -> Result<(), ConvertError> {
    fn node(n: Node<'_>) -> Result<(), ConvertError> {
        let fail = |msg: &str| Err(ConvertError::unsupported(msg, n.start()));
        match n {
            Node::Stmt(s) => match s {
                Stmt::For(f) if !f.orelse.is_empty() => {
                    return fail("for/else statement not yet supported")
                }
                Stmt::While(w) if !w.orelse.is_empty() => {
                    return fail("while/else statement not yet supported")
                }
                Stmt::AsyncFunctionDef(_) | Stmt::AsyncFor(_) | Stmt::AsyncWith(_) => {
                    return fail("async functions are not supported")
                }
                Stmt::Match(_) => return fail("match statements are not supported"),
                Stmt::TryStar(_) => return fail("except* is not supported"),
                Stmt::ClassDef(_) => return Ok(()),
                _ => {}
            },
            Node::Expr(e) => match e {
                Expr::Yield(_) | Expr::YieldFrom(_) => return fail("generators are not supported"),
                Expr::Await(_) => return fail("async functions are not supported"),
                Expr::Attribute(a) if a.attr.starts_with("__") && !a.attr.ends_with("__") => {
                    return fail("mangled names are not yet supported")
                }
                _ => {}
            },
        }
        let mut result = Ok(());
        children(n, &mut |c| {
            if result.is_ok() {
                result = node(c);
            }
        });
        result
    }
    for s in body {
        node(Node::Stmt(s))?;
    }
    Ok(())
}

fn directive_call(s: &Stmt) -> Option<&rustpython_parser::ast::ExprCall> {
    let Stmt::Expr(e) = s else { return None };
    let Expr::Call(c) = e.value.as_ref() else {
        return None;
    };
    let name = build::dotted_name(&c.func)?;
    (name == "set_loop_options" || name.ends_with("autograph.experimental.set_loop_options"))
        .then_some(c)
}

/// Remove the loop directives from `body` (including nested functions),
/// recording their options by loop.
pub fn extract_loop_options(
    body: &mut [Stmt],
    out: &mut LoopOptions,
    in_loop: bool,
) -> Result<(), ConvertError> {
    for s in body.iter_mut() {
        if directive_call(s).is_some() {
            let msg = if in_loop {
                "\"set_loop_options\" must be the first statement in the loop block"
            } else {
                "\"set_loop_options\" must be used inside a statement"
            };
            return Err(ConvertError::value_error(msg, s.start()));
        }
        let (loop_start, loop_body) = match s {
            Stmt::While(w) => (Some(w.range.start()), Some(&mut w.body)),
            Stmt::For(f) => (Some(f.range.start()), Some(&mut f.body)),
            _ => (None, None),
        };
        if let (Some(start), Some(loop_body)) = (loop_start, loop_body) {
            if let Some(c) = loop_body.first().and_then(directive_call) {
                let opts = loop_options(c)?;
                out.insert(start, opts);
                loop_body.remove(0);
                if loop_body.is_empty() {
                    loop_body.push(build::pass());
                }
            }
        }
        let is_loop = matches!(s, Stmt::While(_) | Stmt::For(_));
        let is_def = matches!(s, Stmt::FunctionDef(_));
        for b in super::visit::stmt_blocks_mut(s) {
            extract_loop_options(b, out, (in_loop || is_loop) && !is_def)?;
        }
    }
    Ok(())
}

fn loop_options(c: &rustpython_parser::ast::ExprCall) -> Result<Vec<(String, Expr)>, ConvertError> {
    let mut values: Vec<Option<Expr>> = vec![None; LOOP_OPTION_PARAMS.len()];
    if c.args.len() > LOOP_OPTION_PARAMS.len() {
        return Err(ConvertError::type_error(
            format!(
                "set_loop_options() takes from 0 to 4 positional arguments but {} were given",
                c.args.len()
            ),
            c.start(),
        ));
    }
    for (i, a) in c.args.iter().enumerate() {
        values[i] = Some(a.clone());
    }
    for k in &c.keywords {
        let Some(name) = &k.arg else {
            return Err(ConvertError::type_error(
                "set_loop_options() does not accept **kwargs",
                c.start(),
            ));
        };
        let Some(i) = LOOP_OPTION_PARAMS.iter().position(|p| *p == name.as_str()) else {
            return Err(ConvertError::type_error(
                format!(
                    "set_loop_options() got an unexpected keyword argument '{}'",
                    name.as_str()
                ),
                c.start(),
            ));
        };
        if values[i].is_some() {
            return Err(ConvertError::type_error(
                format!(
                    "set_loop_options() got multiple values for argument '{}'",
                    name.as_str()
                ),
                c.start(),
            ));
        }
        values[i] = Some(k.value.clone());
    }
    Ok(LOOP_OPTION_PARAMS
        .iter()
        .zip(values)
        .filter_map(|(p, v)| {
            v.map(|mut v| {
                super::variables::wrap_expr(&mut v);
                (p.to_string(), v)
            })
        })
        .collect())
}
