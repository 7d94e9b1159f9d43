//! Constructors for the AST nodes the converters generate (the equivalent of
//! TF's `templates.replace`). Generated nodes carry an empty range unless a
//! converter copies the origin of the statement they replace.

use rustpython_parser::ast::{self, Constant, Expr, ExprContext, Identifier, Stmt};
use rustpython_parser::text_size::TextRange;

fn r() -> TextRange {
    TextRange::default()
}

/// `id` as a load.
pub fn name(id: &str) -> Expr {
    Expr::Name(ast::ExprName {
        range: r(),
        id: Identifier::new(id),
        ctx: ExprContext::Load,
    })
}

/// `id` as an assignment target.
pub fn store(id: &str) -> Expr {
    Expr::Name(ast::ExprName {
        range: r(),
        id: Identifier::new(id),
        ctx: ExprContext::Store,
    })
}

/// `value.attr` (load).
pub fn attr(value: Expr, attr: &str) -> Expr {
    Expr::Attribute(ast::ExprAttribute {
        range: r(),
        value: Box::new(value),
        attr: Identifier::new(attr),
        ctx: ExprContext::Load,
    })
}

/// A dotted name such as `ag__.if_stmt` (load).
pub fn dotted(path: &str) -> Expr {
    let mut parts = path.split('.');
    let mut e = name(parts.next().unwrap_or_default());
    for p in parts {
        e = attr(e, p);
    }
    e
}

/// `func(args…)`.
pub fn call(func: Expr, args: Vec<Expr>) -> Expr {
    call_kw(func, args, Vec::new())
}

/// `func(args…, keywords…)`.
pub fn call_kw(func: Expr, args: Vec<Expr>, keywords: Vec<ast::Keyword>) -> Expr {
    Expr::Call(ast::ExprCall {
        range: r(),
        func: Box::new(func),
        args,
        keywords,
    })
}

/// `name=value` in a call.
pub fn keyword(name: &str, value: Expr) -> ast::Keyword {
    ast::Keyword {
        range: r(),
        arg: Some(Identifier::new(name)),
        value,
    }
}

/// A constant.
pub fn constant(value: Constant) -> Expr {
    Expr::Constant(ast::ExprConstant {
        range: r(),
        value,
        kind: None,
    })
}

/// A string literal.
pub fn str_(s: &str) -> Expr {
    constant(Constant::Str(s.to_string()))
}

/// An integer literal.
pub fn int(i: i64) -> Expr {
    constant(Constant::Int(ast::bigint::BigInt::from(i)))
}

/// `True` / `False`.
pub fn bool_(b: bool) -> Expr {
    constant(Constant::Bool(b))
}

/// `None`.
pub fn none() -> Expr {
    constant(Constant::None)
}

/// A tuple display (load).
pub fn tuple(elts: Vec<Expr>) -> Expr {
    Expr::Tuple(ast::ExprTuple {
        range: r(),
        elts,
        ctx: ExprContext::Load,
    })
}

/// A tuple target (store).
pub fn tuple_store(elts: Vec<Expr>) -> Expr {
    Expr::Tuple(ast::ExprTuple {
        range: r(),
        elts,
        ctx: ExprContext::Store,
    })
}

/// A dict display.
pub fn dict(keys: Vec<Expr>, values: Vec<Expr>) -> Expr {
    Expr::Dict(ast::ExprDict {
        range: r(),
        keys: keys.into_iter().map(Some).collect(),
        values,
    })
}

/// `lambda: body`.
pub fn lambda0(body: Expr) -> Expr {
    Expr::Lambda(ast::ExprLambda {
        range: r(),
        args: Box::new(params(&[])),
        body: Box::new(body),
    })
}

/// `not e` (the Python operator, before the logical converter runs).
pub fn not(e: Expr) -> Expr {
    Expr::UnaryOp(ast::ExprUnaryOp {
        range: r(),
        op: ast::UnaryOp::Not,
        operand: Box::new(e),
    })
}

/// `a and b` (the Python operator, before the logical converter runs).
pub fn and(a: Expr, b: Expr) -> Expr {
    Expr::BoolOp(ast::ExprBoolOp {
        range: r(),
        op: ast::BoolOp::And,
        values: vec![a, b],
    })
}

/// An expression statement.
pub fn expr_stmt(e: Expr) -> Stmt {
    Stmt::Expr(ast::StmtExpr {
        range: r(),
        value: Box::new(e),
    })
}

/// `target = value`.
pub fn assign(target: Expr, value: Expr) -> Stmt {
    Stmt::Assign(ast::StmtAssign {
        range: r(),
        targets: vec![target],
        value: Box::new(value),
        type_comment: None,
    })
}

/// `name = value`.
pub fn assign_name(id: &str, value: Expr) -> Stmt {
    assign(store(id), value)
}

/// A plain parameter list (no defaults).
pub fn params(names: &[&str]) -> ast::Arguments {
    ast::Arguments {
        range: Default::default(),
        posonlyargs: Vec::new(),
        args: names
            .iter()
            .map(|n| ast::ArgWithDefault {
                range: Default::default(),
                def: ast::Arg {
                    range: r(),
                    arg: Identifier::new(*n),
                    annotation: None,
                    type_comment: None,
                },
                default: None,
            })
            .collect(),
        vararg: None,
        kwonlyargs: Vec::new(),
        kwarg: None,
    }
}

/// `def name(params…): body`.
pub fn def(name: &str, param_names: &[&str], body: Vec<Stmt>) -> Stmt {
    Stmt::FunctionDef(ast::StmtFunctionDef {
        range: r(),
        name: Identifier::new(name),
        args: Box::new(params(param_names)),
        body,
        decorator_list: Vec::new(),
        returns: None,
        type_comment: None,
        type_params: Vec::new(),
    })
}

/// `nonlocal names…`.
pub fn nonlocal(names: &[String]) -> Stmt {
    Stmt::Nonlocal(ast::StmtNonlocal {
        range: r(),
        names: names.iter().map(Identifier::new).collect(),
    })
}

/// `global names…`.
pub fn global(names: &[String]) -> Stmt {
    Stmt::Global(ast::StmtGlobal {
        range: r(),
        names: names.iter().map(Identifier::new).collect(),
    })
}

/// `return value`.
pub fn return_(value: Expr) -> Stmt {
    Stmt::Return(ast::StmtReturn {
        range: r(),
        value: Some(Box::new(value)),
    })
}

/// `pass`.
pub fn pass() -> Stmt {
    Stmt::Pass(ast::StmtPass { range: r() })
}

/// `continue`.
pub fn continue_() -> Stmt {
    Stmt::Continue(ast::StmtContinue { range: r() })
}

/// `raise` (re-raise).
pub fn reraise() -> Stmt {
    Stmt::Raise(ast::StmtRaise {
        range: r(),
        exc: None,
        cause: None,
    })
}

/// `if test: body else: orelse`.
pub fn if_(test: Expr, body: Vec<Stmt>, orelse: Vec<Stmt>) -> Stmt {
    Stmt::If(ast::StmtIf {
        range: r(),
        test: Box::new(test),
        body,
        orelse,
    })
}

/// `try: body except: handler_body`.
pub fn try_except_all(body: Vec<Stmt>, handler_body: Vec<Stmt>) -> Stmt {
    Stmt::Try(ast::StmtTry {
        range: r(),
        body,
        handlers: vec![ast::ExceptHandler::ExceptHandler(
            ast::ExceptHandlerExceptHandler {
                range: r(),
                type_: None,
                name: None,
                body: handler_body,
            },
        )],
        orelse: Vec::new(),
        finalbody: Vec::new(),
    })
}

/// `with context as name: body`.
pub fn with_as(context: Expr, as_name: &str, body: Vec<Stmt>) -> Stmt {
    Stmt::With(ast::StmtWith {
        range: r(),
        items: vec![ast::WithItem {
            range: Default::default(),
            context_expr: context,
            optional_vars: Some(Box::new(store(as_name))),
        }],
        body,
        type_comment: None,
    })
}

/// The same expression, with its context switched to a store (for
/// rebuilding an assignment target from a loaded expression).
pub fn to_store(e: Expr) -> Expr {
    set_ctx(e, ExprContext::Store)
}

fn set_ctx(e: Expr, ctx: ExprContext) -> Expr {
    match e {
        Expr::Name(mut n) => {
            n.ctx = ctx;
            Expr::Name(n)
        }
        Expr::Attribute(mut a) => {
            a.ctx = ctx;
            Expr::Attribute(a)
        }
        Expr::Subscript(mut s) => {
            s.ctx = ctx;
            Expr::Subscript(s)
        }
        Expr::Tuple(mut t) => {
            t.elts = t.elts.into_iter().map(|e| set_ctx(e, ctx)).collect();
            t.ctx = ctx;
            Expr::Tuple(t)
        }
        Expr::List(mut l) => {
            l.elts = l.elts.into_iter().map(|e| set_ctx(e, ctx)).collect();
            l.ctx = ctx;
            Expr::List(l)
        }
        Expr::Starred(mut s) => {
            s.value = Box::new(set_ctx(*s.value, ctx));
            s.ctx = ctx;
            Expr::Starred(s)
        }
        other => other,
    }
}

/// The dotted name of `e` if it is a chain of attributes on a name
/// (`tf.autograph.experimental.set_loop_options`).
pub fn dotted_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => dotted_name(&a.value).map(|p| format!("{p}.{}", a.attr.as_str())),
        _ => None,
    }
}
