//! The errors CPython's compiler raises before a program runs, which the
//! parser alone does not catch: `return`/`yield` outside a function,
//! `break`/`continue` outside a loop, bad `nonlocal`s, a bare `except:` that
//! is not last, too many statically nested blocks, and expressions nested too
//! deeply to compile (a `RecursionError`, which also keeps every later
//! recursive pass over the AST within a bounded depth).

use std::collections::HashSet;

use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::TextSize;

use crate::walk;

/// CPython 3.11 fails to compile expressions nested deeper than this
/// ("maximum recursion depth exceeded during compilation").
pub const MAX_AST_DEPTH: usize = 2900;
/// CPython's `CO_MAXBLOCKS`: loops, `try` and `with` nested in one function.
pub const MAX_STATIC_BLOCKS: usize = 20;

/// A compile-time error: exception class, message and byte offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxIssue {
    /// `SyntaxError` or `RecursionError`.
    pub kind: &'static str,
    /// CPython's message.
    pub message: String,
    /// Where in the source.
    pub offset: TextSize,
}

fn issue(message: impl Into<String>, offset: TextSize) -> SyntaxIssue {
    SyntaxIssue { kind: "SyntaxError", message: message.into(), offset }
}

/// Check a parsed module (parsed from `source`) for CPython's compile-time
/// errors.
pub fn validate(body: &[Stmt], source: &str) -> Result<(), SyntaxIssue> {
    // Depth first: every other check recurses over the tree.
    for stmt in body {
        check_depth(stmt)?;
    }
    let mut v = Validator { scopes: vec![Scope::module(body)], source };
    v.block(body, Ctx::default())
}

/// How a target is being bound.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TargetMode {
    /// `=`, `for … in`, `with … as`, comprehension targets.
    Assign,
    /// `+=` and friends, and annotated assignment: a single target.
    Augmented,
    /// `del`.
    Delete,
}

/// CPython's name for an expression that cannot be a target.
fn describe(expr: &Expr) -> &'static str {
    match expr {
        Expr::Constant(c) => match c.value {
            ast::Constant::None => "None",
            ast::Constant::Bool(true) => "True",
            ast::Constant::Bool(false) => "False",
            ast::Constant::Ellipsis => "ellipsis",
            _ => "literal",
        },
        Expr::Call(_) => "function call",
        Expr::Compare(_) => "comparison",
        Expr::IfExp(_) => "conditional expression",
        Expr::Lambda(_) => "lambda",
        Expr::NamedExpr(_) => "named expression",
        Expr::Await(_) => "await expression",
        Expr::Yield(_) | Expr::YieldFrom(_) => "yield expression",
        Expr::ListComp(_) => "list comprehension",
        Expr::SetComp(_) => "set comprehension",
        Expr::DictComp(_) => "dict comprehension",
        Expr::GeneratorExp(_) => "generator expression",
        Expr::Dict(_) => "dict literal",
        Expr::Set(_) => "set display",
        Expr::JoinedStr(_) | Expr::FormattedValue(_) => "f-string expression",
        Expr::Tuple(_) => "tuple",
        Expr::List(_) => "list",
        Expr::Starred(_) => "starred",
        _ => "expression",
    }
}

/// Check that `target` can be bound (or deleted) the way `mode` says.
fn check_target(target: &Expr, mode: TargetMode) -> Result<(), SyntaxIssue> {
    let at = target.start();
    match (target, mode) {
        (Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_), _) => Ok(()),
        (Expr::Tuple(_) | Expr::List(_), TargetMode::Augmented) => {
            Err(issue(format!("'{}' is an illegal expression for augmented assignment", describe(target)), at))
        }
        (Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }), _) => {
            let mut starred = 0;
            for e in elts {
                match e {
                    Expr::Starred(s) if mode == TargetMode::Delete => {
                        return Err(issue("cannot delete starred", s.range.start()));
                    }
                    Expr::Starred(s) => {
                        starred += 1;
                        if starred > 1 {
                            return Err(issue("multiple starred expressions in assignment", s.range.start()));
                        }
                        check_target(&s.value, mode)?;
                    }
                    _ => check_target(e, mode)?,
                }
            }
            Ok(())
        }
        (Expr::Starred(_), TargetMode::Delete) => Err(issue("cannot delete starred", at)),
        (Expr::Starred(_), _) => Err(issue("starred assignment target must be in a list or tuple", at)),
        (_, TargetMode::Delete) => Err(issue(format!("cannot delete {}", describe(target)), at)),
        (_, TargetMode::Augmented) => {
            Err(issue(format!("'{}' is an illegal expression for augmented assignment", describe(target)), at))
        }
        (_, TargetMode::Assign) => Err(issue(format!("cannot assign to {}", describe(target)), at)),
    }
}

/// Starred expressions outside a display, a call's arguments or a target
/// list: "can't use starred expression here". `allowed` says whether the
/// parent of `expr` permits one.
fn check_starred(expr: &Expr, allowed: bool) -> Result<(), SyntaxIssue> {
    if let Expr::Starred(s) = expr {
        if !allowed {
            return Err(issue("can't use starred expression here", s.range.start()));
        }
        return check_starred(&s.value, false);
    }
    let children_allowed = matches!(expr, Expr::Tuple(_) | Expr::List(_) | Expr::Set(_));
    let mut result = Ok(());
    match expr {
        Expr::Call(c) => {
            result = check_starred(&c.func, false);
            for a in &c.args {
                result = result.and_then(|()| check_starred(a, true));
            }
            for k in &c.keywords {
                result = result.and_then(|()| check_starred(&k.value, false));
            }
        }
        _ => walk::children(walk::Node::Expr(expr), &mut |child| {
            if let (Ok(()), walk::Node::Expr(e)) = (&result, child) {
                result = check_starred(e, children_allowed);
            }
        }),
    }
    result
}

/// Fails if the tree under `stmt` is deeper than [`MAX_AST_DEPTH`], without
/// ever recursing deeper than that.
fn check_depth(stmt: &Stmt) -> Result<(), SyntaxIssue> {
    fn go(node: walk::Node<'_>, depth: usize) -> Result<(), SyntaxIssue> {
        if depth > MAX_AST_DEPTH {
            return Err(SyntaxIssue {
                kind: "RecursionError",
                message: "maximum recursion depth exceeded during compilation".to_string(),
                offset: node.start(),
            });
        }
        let mut result = Ok(());
        walk::children(node, &mut |child| {
            if result.is_ok() {
                result = go(child, depth + 1);
            }
        });
        result
    }
    go(walk::Node::Stmt(stmt), 1)
}

/// What encloses the statement being checked, within one code object.
#[derive(Clone, Copy, Default)]
struct Ctx {
    in_function: bool,
    in_async: bool,
    in_loop: bool,
    blocks: usize,
}

/// A scope for `nonlocal` resolution: the names it binds and whether it is
/// a function (class scopes are skipped by `nonlocal`).
struct Scope {
    is_function: bool,
    bound: HashSet<String>,
}

impl Scope {
    fn module(body: &[Stmt]) -> Scope {
        Scope { is_function: false, bound: walk::bound_names(body) }
    }
}

struct Validator<'s> {
    scopes: Vec<Scope>,
    source: &'s str,
}

impl Validator<'_> {
    fn block(&mut self, body: &[Stmt], ctx: Ctx) -> Result<(), SyntaxIssue> {
        for stmt in body {
            self.stmt(stmt, ctx)?;
        }
        Ok(())
    }

    fn nested_block(&mut self, body: &[Stmt], ctx: Ctx, start: TextSize, in_loop: bool) -> Result<(), SyntaxIssue> {
        let inner = Ctx { blocks: ctx.blocks + 1, in_loop: in_loop || ctx.in_loop, ..ctx };
        if inner.blocks > MAX_STATIC_BLOCKS {
            return Err(issue("too many statically nested blocks", start));
        }
        self.block(body, inner)
    }

    fn function(&mut self, args: &ast::Arguments, body: &[Stmt], is_async: bool) -> Result<(), SyntaxIssue> {
        let mut bound = walk::bound_names(body);
        for a in walk::parameters(args) {
            bound.insert(a.arg.to_string());
        }
        // Names declared `global` or `nonlocal` here are not local bindings.
        for name in walk::declared_names(body) {
            bound.remove(&name);
        }
        self.scopes.push(Scope { is_function: true, bound });
        let r = self.block(body, Ctx { in_function: true, in_async: is_async, in_loop: false, blocks: 0 });
        self.scopes.pop();
        r
    }

    fn stmt(&mut self, stmt: &Stmt, ctx: Ctx) -> Result<(), SyntaxIssue> {
        let start = stmt.start();
        self.targets(stmt)?;
        match stmt {
            Stmt::FunctionDef(f) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.function(&f.args, &f.body, false)
            }
            Stmt::AsyncFunctionDef(f) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.function(&f.args, &f.body, true)
            }
            Stmt::ClassDef(c) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.scopes.push(Scope { is_function: false, bound: walk::bound_names(&c.body) });
                let r = self.block(&c.body, Ctx::default());
                self.scopes.pop();
                r
            }
            Stmt::Return(_) if !ctx.in_function => Err(issue("'return' outside function", start)),
            Stmt::Break(_) if !ctx.in_loop => Err(issue("'break' outside loop", start)),
            Stmt::Continue(_) if !ctx.in_loop => Err(issue("'continue' not properly in loop", start)),
            Stmt::Nonlocal(n) => {
                if self.scopes.len() <= 1 {
                    return Err(issue("nonlocal declaration not allowed at module level", start));
                }
                for name in &n.names {
                    let found = self.scopes[1..self.scopes.len() - 1]
                        .iter()
                        .rev()
                        .any(|s| s.is_function && s.bound.contains(name.as_str()));
                    if !found {
                        return Err(issue(format!("no binding for nonlocal '{name}' found"), start));
                    }
                }
                Ok(())
            }
            Stmt::For(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.nested_block(&s.body, ctx, start, true)?;
                self.block(&s.orelse, ctx)
            }
            Stmt::AsyncFor(_) | Stmt::AsyncWith(_) if !ctx.in_async => {
                let what = if matches!(stmt, Stmt::AsyncFor(_)) { "for" } else { "with" };
                Err(issue(format!("'async {what}' outside async function"), start))
            }
            Stmt::AsyncFor(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.nested_block(&s.body, ctx, start, true)?;
                self.block(&s.orelse, ctx)
            }
            Stmt::While(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.nested_block(&s.body, ctx, start, true)?;
                self.block(&s.orelse, ctx)
            }
            Stmt::If(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.block(&s.body, ctx)?;
                self.block(&s.orelse, ctx)
            }
            Stmt::With(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.nested_block(&s.body, ctx, start, false)
            }
            Stmt::AsyncWith(s) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                self.nested_block(&s.body, ctx, start, false)
            }
            Stmt::Try(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody, ctx, start),
            Stmt::TryStar(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody, ctx, start),
            Stmt::Match(m) => {
                self.exprs(walk::Node::Stmt(stmt), ctx)?;
                for case in &m.cases {
                    self.block(&case.body, ctx)?;
                }
                Ok(())
            }
            _ => self.exprs(walk::Node::Stmt(stmt), ctx),
        }
    }

    /// The binding targets of `stmt` and the starred expressions in it.
    fn targets(&mut self, stmt: &Stmt) -> Result<(), SyntaxIssue> {
        match stmt {
            Stmt::Assign(a) => {
                for t in &a.targets {
                    check_target(t, TargetMode::Assign)?;
                }
                check_starred(&a.value, false)
            }
            Stmt::AugAssign(a) => {
                check_target(&a.target, TargetMode::Augmented)?;
                check_starred(&a.value, false)
            }
            Stmt::AnnAssign(a) => match a.target.as_ref() {
                Expr::Tuple(_) | Expr::List(_) => {
                    Err(issue("only single target (not tuple) can be annotated", a.target.start()))
                }
                t => check_target(t, TargetMode::Augmented),
            },
            Stmt::Delete(d) => d.targets.iter().try_for_each(|t| check_target(t, TargetMode::Delete)),
            Stmt::For(f) => {
                check_target(&f.target, TargetMode::Assign)?;
                check_starred(&f.iter, false)
            }
            Stmt::AsyncFor(f) => check_target(&f.target, TargetMode::Assign),
            Stmt::With(w) => w.items.iter().try_for_each(|i| match &i.optional_vars {
                Some(v) => check_target(v, TargetMode::Assign),
                None => Ok(()),
            }),
            Stmt::Expr(e) => check_starred(&e.value, false),
            Stmt::Return(r) => r.value.as_deref().map_or(Ok(()), |v| check_starred(v, false)),
            _ => Ok(()),
        }
    }

    fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        ctx: Ctx,
        start: TextSize,
    ) -> Result<(), SyntaxIssue> {
        self.nested_block(body, ctx, start, false)?;
        for (i, h) in handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if h.type_.is_none() && i + 1 < handlers.len() {
                return Err(issue("default 'except:' must be last", h.range.start()));
            }
            if let Some(t) = &h.type_ {
                self.expr(t, ctx)?;
            }
            self.nested_block(&h.body, ctx, h.range.start(), false)?;
        }
        self.block(orelse, ctx)?;
        self.nested_block(finalbody, ctx, start, false)
    }

    /// Whether the source has `(` at byte offset `at`.
    fn parenthesized(&self, at: TextSize) -> bool {
        self.source.as_bytes().get(u32::from(at) as usize) == Some(&b'(')
    }

    /// Check the expressions directly inside `node` (not nested statements).
    fn exprs(&mut self, node: walk::Node<'_>, ctx: Ctx) -> Result<(), SyntaxIssue> {
        let mut result = Ok(());
        walk::children(node, &mut |child| {
            if let (Ok(()), walk::Node::Expr(e)) = (&result, child) {
                result = self.expr(e, ctx);
            }
        });
        result
    }

    fn expr(&mut self, expr: &Expr, ctx: Ctx) -> Result<(), SyntaxIssue> {
        let at = expr.start();
        match expr {
            Expr::Yield(_) | Expr::YieldFrom(_) if !ctx.in_function => {
                return Err(issue("'yield' outside function", at));
            }
            Expr::Await(_) if !ctx.in_function => return Err(issue("'await' outside function", at)),
            Expr::Await(_) if !ctx.in_async => return Err(issue("'await' outside async function", at)),
            Expr::NamedExpr(n) if !matches!(n.target.as_ref(), Expr::Name(_)) => {
                let what = describe(&n.target);
                return Err(issue(format!("cannot use assignment expressions with {what}"), n.target.start()));
            }
            Expr::ListComp(ast::ExprListComp { generators, .. })
            | Expr::SetComp(ast::ExprSetComp { generators, .. })
            | Expr::DictComp(ast::ExprDictComp { generators, .. })
            | Expr::GeneratorExp(ast::ExprGeneratorExp { generators, .. }) => {
                for g in generators {
                    check_target(&g.target, TargetMode::Assign)?;
                    if g.is_async && !ctx.in_async {
                        return Err(issue("asynchronous comprehension outside of an asynchronous function", at));
                    }
                }
            }
            Expr::Call(c) if c.args.len() + c.keywords.len() > 1 => {
                for a in &c.args {
                    if let Expr::GeneratorExp(g) = a {
                        if !self.parenthesized(g.range.start()) {
                            return Err(issue("Generator expression must be parenthesized", g.range.start()));
                        }
                    }
                }
            }
            Expr::Lambda(l) => {
                // Defaults belong to the enclosing scope; the body is a function.
                let mut outer = Ok(());
                walk::children(walk::Node::Expr(expr), &mut |child| {
                    if let (Ok(()), walk::Node::Expr(e)) = (&outer, child) {
                        if !std::ptr::eq(e, l.body.as_ref()) {
                            outer = self.expr(e, ctx);
                        }
                    }
                });
                outer?;
                let bound = walk::parameters(&l.args).iter().map(|a| a.arg.to_string()).collect();
                self.scopes.push(Scope { is_function: true, bound });
                let r = self.expr(&l.body, Ctx { in_function: true, in_async: false, in_loop: false, blocks: 0 });
                self.scopes.pop();
                return r;
            }
            _ => {}
        }
        self.exprs(walk::Node::Expr(expr), ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustpython_parser::Parse;

    fn message(src: &str) -> Option<String> {
        let body = ast::Suite::parse(src, "t.py").expect("parses");
        validate(&body, src).err().map(|e| e.message)
    }

    #[test]
    fn valid_programs_pass() {
        let src = "def f(a, *b, **c):\n    x = 1\n    def g():\n        nonlocal x\n        x += 1\n        return [*b, *c]\n    for i in range(3):\n        if i:\n            break\n        continue\n    a, *rest = b\n    del a, rest[0]\n    return g, print(*b), (y for y in b)\n";
        assert_eq!(message(src), None);
    }

    #[test]
    fn compile_time_errors() {
        for (src, msg) in [
            ("return 1\n", "'return' outside function"),
            ("break\n", "'break' outside loop"),
            ("while x:\n    def f():\n        continue\n", "'continue' not properly in loop"),
            ("nonlocal x\n", "nonlocal declaration not allowed at module level"),
            ("def f():\n    nonlocal x\n", "no binding for nonlocal 'x' found"),
            ("x = yield 1\n", "'yield' outside function"),
            ("def f():\n    await g()\n", "'await' outside async function"),
            ("def f():\n    async with g():\n        pass\n", "'async with' outside async function"),
            ("1 = x\n", "cannot assign to literal"),
            ("f() = 1\n", "cannot assign to function call"),
            ("None = 1\n", "cannot assign to None"),
            ("del f()\n", "cannot delete function call"),
            ("a, b += 1\n", "'tuple' is an illegal expression for augmented assignment"),
            ("*a = b\n", "starred assignment target must be in a list or tuple"),
            ("a, *b, *c = d\n", "multiple starred expressions in assignment"),
            ("x = *a\n", "can't use starred expression here"),
            ("*a\n", "can't use starred expression here"),
            ("f(a for a in b, c)\n", "Generator expression must be parenthesized"),
            ("[x for 1 in y]\n", "cannot assign to literal"),
            ("try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n", "default 'except:' must be last"),
        ] {
            assert_eq!(message(src).as_deref(), Some(msg), "{src}");
        }
    }

    #[test]
    fn too_many_nested_blocks() {
        let mut src = String::new();
        for i in 0..21 {
            src.push_str(&" ".repeat(i));
            src.push_str("for a in b:\n");
        }
        src.push_str(&" ".repeat(21));
        src.push_str("pass\n");
        assert_eq!(message(&src).as_deref(), Some("too many statically nested blocks"));
    }
}
