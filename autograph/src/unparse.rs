//! AST → readable Python source, in the style of CPython's `ast.unparse`
//! (which is what `tf.autograph.to_code` prints with): four-space indents, a
//! blank line before every `def`/`class`, tuples parenthesized except as
//! assignment/`for` targets and subscripts, `elif` chains collapsed, strings
//! quoted like `repr`.
//!
//! The output parses back with `rustpython-parser` (tested by round trips).

use rustpython_parser::ast::{self, CmpOp, Constant, Expr, Operator, Stmt, UnaryOp};

/// Python source of a sequence of statements (a module body), ending with a
/// newline.
pub fn unparse_stmts(stmts: &[Stmt]) -> String {
    let mut u = Unparser::default();
    for s in stmts {
        u.stmt(s);
    }
    u.out.push('\n');
    u.out
}

/// Python source of one statement (which may be compound), ending with a
/// newline.
pub fn unparse_stmt(stmt: &Stmt) -> String {
    unparse_stmts(std::slice::from_ref(stmt))
}

/// Python source of an expression, without parentheses around a top-level
/// tuple (`a, b`) — like `ast.unparse` of an expression node.
pub fn unparse_expr(expr: &Expr) -> String {
    let mut u = Unparser::default();
    u.expr(expr, prec::TEST);
    u.out
}

/// Operator precedences, as in CPython's `ast._Precedence`.
mod prec {
    pub const NAMED_EXPR: u8 = 0;
    pub const TUPLE: u8 = 1;
    pub const YIELD: u8 = 2;
    pub const TEST: u8 = 3;
    pub const OR: u8 = 4;
    pub const AND: u8 = 5;
    pub const NOT: u8 = 6;
    pub const CMP: u8 = 7;
    pub const EXPR: u8 = 8;
    pub const BOR: u8 = 8;
    pub const BXOR: u8 = 9;
    pub const BAND: u8 = 10;
    pub const SHIFT: u8 = 11;
    pub const ARITH: u8 = 12;
    pub const TERM: u8 = 13;
    pub const FACTOR: u8 = 14;
    pub const POWER: u8 = 15;
    pub const AWAIT: u8 = 16;
    pub const ATOM: u8 = 17;
}

#[derive(Default)]
struct Unparser {
    out: String,
    indent: usize,
}

impl Unparser {
    fn w(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Start a new line at the current indentation (like `ast._Unparser.fill`).
    fn fill(&mut self, text: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
    }

    fn maybe_newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn block(&mut self, body: &[Stmt]) {
        self.w(":");
        self.indent += 1;
        if body.is_empty() {
            self.fill("pass");
        }
        for s in body {
            self.stmt(s);
        }
        self.indent -= 1;
    }

    /// A body that may start with a docstring.
    fn body_with_docstring(&mut self, body: &[Stmt]) {
        if let Some(Stmt::Expr(e)) = body.first() {
            if let Expr::Constant(ast::ExprConstant {
                value: Constant::Str(doc),
                ..
            }) = e.value.as_ref()
            {
                self.w(":");
                self.indent += 1;
                let text = docstring_literal(doc);
                self.fill(&text);
                for s in &body[1..] {
                    self.stmt(s);
                }
                self.indent -= 1;
                return;
            }
        }
        self.block(body);
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::FunctionDef(f) => self.function_def(
                "def",
                &f.name,
                &f.args,
                &f.body,
                &f.decorator_list,
                f.returns.as_deref(),
            ),
            Stmt::AsyncFunctionDef(f) => self.function_def(
                "async def",
                &f.name,
                &f.args,
                &f.body,
                &f.decorator_list,
                f.returns.as_deref(),
            ),
            Stmt::ClassDef(c) => {
                self.maybe_newline();
                for d in &c.decorator_list {
                    self.fill("@");
                    self.expr(d, prec::TEST);
                }
                self.fill(&format!("class {}", c.name.as_str()));
                if !c.bases.is_empty() || !c.keywords.is_empty() {
                    self.w("(");
                    let mut first = true;
                    for b in &c.bases {
                        self.comma(&mut first);
                        self.expr(b, prec::TEST);
                    }
                    for k in &c.keywords {
                        self.comma(&mut first);
                        self.keyword(k);
                    }
                    self.w(")");
                }
                self.body_with_docstring(&c.body);
            }
            Stmt::Return(r) => {
                self.fill("return");
                if let Some(v) = &r.value {
                    self.w(" ");
                    self.expr(v, prec::TEST);
                }
            }
            Stmt::Delete(d) => {
                self.fill("del ");
                self.items(&d.targets, prec::TEST);
            }
            Stmt::Assign(a) => {
                self.fill("");
                for t in &a.targets {
                    self.expr(t, prec::TUPLE);
                    self.w(" = ");
                }
                self.expr(&a.value, prec::TEST);
            }
            Stmt::TypeAlias(t) => {
                self.fill("type ");
                self.expr(&t.name, prec::TEST);
                self.w(" = ");
                self.expr(&t.value, prec::TEST);
            }
            Stmt::AugAssign(a) => {
                self.fill("");
                self.expr(&a.target, prec::TEST);
                self.w(&format!(" {}= ", binop_str(&a.op)));
                self.expr(&a.value, prec::TEST);
            }
            Stmt::AnnAssign(a) => {
                self.fill("");
                let simple_name = matches!(a.target.as_ref(), Expr::Name(_)) && a.simple;
                if simple_name {
                    self.expr(&a.target, prec::TEST);
                } else {
                    self.w("(");
                    self.expr(&a.target, prec::TEST);
                    self.w(")");
                }
                self.w(": ");
                self.expr(&a.annotation, prec::TEST);
                if let Some(v) = &a.value {
                    self.w(" = ");
                    self.expr(v, prec::TEST);
                }
            }
            Stmt::For(f) => self.for_stmt("for ", &f.target, &f.iter, &f.body, &f.orelse),
            Stmt::AsyncFor(f) => {
                self.for_stmt("async for ", &f.target, &f.iter, &f.body, &f.orelse)
            }
            Stmt::While(w) => {
                self.fill("while ");
                self.expr(&w.test, prec::TEST);
                self.block(&w.body);
                if !w.orelse.is_empty() {
                    self.fill("else");
                    self.block(&w.orelse);
                }
            }
            Stmt::If(i) => {
                self.fill("if ");
                self.expr(&i.test, prec::TEST);
                self.block(&i.body);
                let mut orelse = &i.orelse;
                // Collapse `else: if …` into `elif …`.
                while let [Stmt::If(inner)] = orelse.as_slice() {
                    self.fill("elif ");
                    self.expr(&inner.test, prec::TEST);
                    self.block(&inner.body);
                    orelse = &inner.orelse;
                }
                if !orelse.is_empty() {
                    self.fill("else");
                    self.block(orelse);
                }
            }
            Stmt::With(w) => self.with_stmt("with ", &w.items, &w.body),
            Stmt::AsyncWith(w) => self.with_stmt("async with ", &w.items, &w.body),
            Stmt::Match(_) => {
                // Outside the subset; printed as a comment-free placeholder
                // that still parses.
                self.fill("pass");
            }
            Stmt::Raise(r) => {
                self.fill("raise");
                if let Some(e) = &r.exc {
                    self.w(" ");
                    self.expr(e, prec::TEST);
                }
                if let Some(c) = &r.cause {
                    self.w(" from ");
                    self.expr(c, prec::TEST);
                }
            }
            Stmt::Try(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody, false),
            Stmt::TryStar(t) => self.try_stmt(&t.body, &t.handlers, &t.orelse, &t.finalbody, true),
            Stmt::Assert(a) => {
                self.fill("assert ");
                self.expr(&a.test, prec::TEST);
                if let Some(m) = &a.msg {
                    self.w(", ");
                    self.expr(m, prec::TEST);
                }
            }
            Stmt::Import(i) => {
                self.fill("import ");
                self.aliases(&i.names);
            }
            Stmt::ImportFrom(i) => {
                self.fill("from ");
                let level = i.level.map(|l| l.to_u32()).unwrap_or(0);
                self.w(&".".repeat(level as usize));
                if let Some(m) = &i.module {
                    self.w(m.as_str());
                }
                self.w(" import ");
                self.aliases(&i.names);
            }
            Stmt::Global(g) => {
                let names: Vec<&str> = g.names.iter().map(|n| n.as_str()).collect();
                self.fill(&format!("global {}", names.join(", ")));
            }
            Stmt::Nonlocal(g) => {
                let names: Vec<&str> = g.names.iter().map(|n| n.as_str()).collect();
                self.fill(&format!("nonlocal {}", names.join(", ")));
            }
            Stmt::Expr(e) => {
                self.fill("");
                self.expr(&e.value, prec::YIELD);
            }
            Stmt::Pass(_) => self.fill("pass"),
            Stmt::Break(_) => self.fill("break"),
            Stmt::Continue(_) => self.fill("continue"),
        }
    }

    fn function_def(
        &mut self,
        kw: &str,
        name: &ast::Identifier,
        args: &ast::Arguments,
        body: &[Stmt],
        decorators: &[Expr],
        returns: Option<&Expr>,
    ) {
        self.maybe_newline();
        for d in decorators {
            self.fill("@");
            self.expr(d, prec::TEST);
        }
        self.fill(&format!("{kw} {}(", name.as_str()));
        self.arguments(args);
        self.w(")");
        if let Some(r) = returns {
            self.w(" -> ");
            self.expr(r, prec::TEST);
        }
        self.body_with_docstring(body);
    }

    fn for_stmt(&mut self, kw: &str, target: &Expr, iter: &Expr, body: &[Stmt], orelse: &[Stmt]) {
        self.fill(kw);
        self.expr(target, prec::TUPLE);
        self.w(" in ");
        self.expr(iter, prec::TEST);
        self.block(body);
        if !orelse.is_empty() {
            self.fill("else");
            self.block(orelse);
        }
    }

    fn with_stmt(&mut self, kw: &str, items: &[ast::WithItem], body: &[Stmt]) {
        self.fill(kw);
        let mut first = true;
        for item in items {
            self.comma(&mut first);
            self.expr(&item.context_expr, prec::TEST);
            if let Some(v) = &item.optional_vars {
                self.w(" as ");
                self.expr(v, prec::TEST);
            }
        }
        self.block(body);
    }

    fn try_stmt(
        &mut self,
        body: &[Stmt],
        handlers: &[ast::ExceptHandler],
        orelse: &[Stmt],
        finalbody: &[Stmt],
        star: bool,
    ) {
        self.fill("try");
        self.block(body);
        for h in handlers {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.fill(if star { "except*" } else { "except" });
            if let Some(t) = &h.type_ {
                self.w(" ");
                self.expr(t, prec::TEST);
                if let Some(n) = &h.name {
                    self.w(&format!(" as {}", n.as_str()));
                }
            }
            self.block(&h.body);
        }
        if !orelse.is_empty() {
            self.fill("else");
            self.block(orelse);
        }
        if !finalbody.is_empty() {
            self.fill("finally");
            self.block(finalbody);
        }
    }

    fn aliases(&mut self, names: &[ast::Alias]) {
        let mut first = true;
        for a in names {
            self.comma(&mut first);
            self.w(a.name.as_str());
            if let Some(asname) = &a.asname {
                self.w(&format!(" as {}", asname.as_str()));
            }
        }
    }

    fn comma(&mut self, first: &mut bool) {
        if !std::mem::take(first) {
            self.w(", ");
        }
    }

    fn items(&mut self, es: &[Expr], p: u8) {
        let mut first = true;
        for e in es {
            self.comma(&mut first);
            self.expr(e, p);
        }
    }

    fn arg(&mut self, a: &ast::Arg) {
        self.w(a.arg.as_str());
        if let Some(ann) = &a.annotation {
            self.w(": ");
            self.expr(ann, prec::TEST);
        }
    }

    fn arg_with_default(&mut self, a: &ast::ArgWithDefault) {
        self.arg(&a.def);
        if let Some(d) = &a.default {
            self.w("=");
            self.expr(d, prec::TEST);
        }
    }

    fn arguments(&mut self, args: &ast::Arguments) {
        let mut first = true;
        for a in &args.posonlyargs {
            self.comma(&mut first);
            self.arg_with_default(a);
        }
        if !args.posonlyargs.is_empty() {
            self.w(", /");
        }
        for a in &args.args {
            self.comma(&mut first);
            self.arg_with_default(a);
        }
        if args.vararg.is_some() || !args.kwonlyargs.is_empty() {
            self.comma(&mut first);
            self.w("*");
            if let Some(v) = &args.vararg {
                self.arg(v);
            }
        }
        for a in &args.kwonlyargs {
            self.comma(&mut first);
            self.arg_with_default(a);
        }
        if let Some(k) = &args.kwarg {
            self.comma(&mut first);
            self.w("**");
            self.arg(k);
        }
    }

    fn keyword(&mut self, k: &ast::Keyword) {
        match &k.arg {
            Some(name) => {
                self.w(name.as_str());
                self.w("=");
            }
            None => self.w("**"),
        }
        self.expr(&k.value, prec::TEST);
    }

    fn open(&mut self, cond: bool) {
        if cond {
            self.w("(");
        }
    }

    fn close(&mut self, cond: bool) {
        if cond {
            self.w(")");
        }
    }

    fn expr(&mut self, e: &Expr, p: u8) {
        match e {
            Expr::BoolOp(b) => {
                let (op, my) = match b.op {
                    ast::BoolOp::And => (" and ", prec::AND),
                    ast::BoolOp::Or => (" or ", prec::OR),
                };
                self.open(p > my);
                let mut first = true;
                for v in &b.values {
                    if !std::mem::take(&mut first) {
                        self.w(op);
                    }
                    self.expr(v, my + 1);
                }
                self.close(p > my);
            }
            Expr::NamedExpr(n) => {
                self.open(p > prec::NAMED_EXPR);
                self.expr(&n.target, prec::ATOM);
                self.w(" := ");
                self.expr(&n.value, prec::ATOM);
                self.close(p > prec::NAMED_EXPR);
            }
            Expr::BinOp(b) => {
                let my = binop_prec(&b.op);
                let right_assoc = matches!(b.op, Operator::Pow);
                self.open(p > my);
                let (lp, rp) = if right_assoc {
                    (my + 1, my)
                } else {
                    (my, my + 1)
                };
                self.expr(&b.left, lp);
                self.w(&format!(" {} ", binop_str(&b.op)));
                self.expr(&b.right, rp);
                self.close(p > my);
            }
            Expr::UnaryOp(u) => {
                let (op, my) = match u.op {
                    UnaryOp::Not => ("not ", prec::NOT),
                    UnaryOp::Invert => ("~", prec::FACTOR),
                    UnaryOp::UAdd => ("+", prec::FACTOR),
                    UnaryOp::USub => ("-", prec::FACTOR),
                };
                self.open(p > my);
                self.w(op);
                self.expr(&u.operand, my);
                self.close(p > my);
            }
            Expr::Lambda(l) => {
                self.open(p > prec::TEST);
                self.w("lambda");
                let mut args = String::new();
                std::mem::swap(&mut self.out, &mut args);
                self.arguments(&l.args);
                std::mem::swap(&mut self.out, &mut args);
                if !args.is_empty() {
                    self.w(" ");
                    self.w(&args);
                }
                self.w(": ");
                self.expr(&l.body, prec::TEST);
                self.close(p > prec::TEST);
            }
            Expr::IfExp(i) => {
                self.open(p > prec::TEST);
                self.expr(&i.body, prec::TEST + 1);
                self.w(" if ");
                self.expr(&i.test, prec::TEST + 1);
                self.w(" else ");
                self.expr(&i.orelse, prec::TEST);
                self.close(p > prec::TEST);
            }
            Expr::Dict(d) => {
                self.w("{");
                let mut first = true;
                for (k, v) in d.keys.iter().zip(&d.values) {
                    self.comma(&mut first);
                    match k {
                        Some(k) => {
                            self.expr(k, prec::TEST);
                            self.w(": ");
                            self.expr(v, prec::TEST);
                        }
                        None => {
                            self.w("**");
                            self.expr(v, prec::EXPR);
                        }
                    }
                }
                self.w("}");
            }
            Expr::Set(s) => {
                if s.elts.is_empty() {
                    self.w("{*()}");
                } else {
                    self.w("{");
                    self.items(&s.elts, prec::TEST);
                    self.w("}");
                }
            }
            Expr::ListComp(c) => {
                self.w("[");
                self.expr(&c.elt, prec::TEST);
                self.generators(&c.generators);
                self.w("]");
            }
            Expr::SetComp(c) => {
                self.w("{");
                self.expr(&c.elt, prec::TEST);
                self.generators(&c.generators);
                self.w("}");
            }
            Expr::DictComp(c) => {
                self.w("{");
                self.expr(&c.key, prec::TEST);
                self.w(": ");
                self.expr(&c.value, prec::TEST);
                self.generators(&c.generators);
                self.w("}");
            }
            Expr::GeneratorExp(c) => {
                self.w("(");
                self.expr(&c.elt, prec::TEST);
                self.generators(&c.generators);
                self.w(")");
            }
            Expr::Await(a) => {
                self.open(p > prec::AWAIT);
                self.w("await ");
                self.expr(&a.value, prec::ATOM);
                self.close(p > prec::AWAIT);
            }
            Expr::Yield(y) => {
                self.open(p > prec::YIELD);
                self.w("yield");
                if let Some(v) = &y.value {
                    self.w(" ");
                    self.expr(v, prec::YIELD);
                }
                self.close(p > prec::YIELD);
            }
            Expr::YieldFrom(y) => {
                self.open(p > prec::YIELD);
                self.w("yield from ");
                self.expr(&y.value, prec::YIELD);
                self.close(p > prec::YIELD);
            }
            Expr::Compare(c) => {
                self.open(p > prec::CMP);
                self.expr(&c.left, prec::CMP + 1);
                for (op, right) in c.ops.iter().zip(&c.comparators) {
                    self.w(&format!(" {} ", cmpop_str(op)));
                    self.expr(right, prec::CMP + 1);
                }
                self.close(p > prec::CMP);
            }
            Expr::Call(c) => {
                self.expr(&c.func, prec::ATOM);
                self.w("(");
                let mut first = true;
                if let ([Expr::GeneratorExp(g)], true) = (c.args.as_slice(), c.keywords.is_empty())
                {
                    // A sole generator argument needs no extra parentheses.
                    self.expr(&c.args[0], prec::TEST);
                    let _ = g;
                } else {
                    for a in &c.args {
                        self.comma(&mut first);
                        self.expr(a, prec::TEST);
                    }
                    for k in &c.keywords {
                        self.comma(&mut first);
                        self.keyword(k);
                    }
                }
                self.w(")");
            }
            Expr::FormattedValue(f) => {
                // Only meaningful inside a JoinedStr; print as an f-string.
                let inner = self.fstring_part(e);
                let _ = f;
                self.w(&fstring_literal(&inner));
            }
            Expr::JoinedStr(j) => {
                let mut body = String::new();
                for v in &j.values {
                    body.push_str(&self.fstring_part(v));
                }
                self.w(&fstring_literal(&body));
            }
            Expr::Constant(c) => {
                let text = constant_repr(&c.value);
                // Negative numbers and tuples of them print like atoms.
                self.w(&text);
            }
            Expr::Attribute(a) => {
                self.expr(&a.value, prec::ATOM);
                // `1 .real`: an int literal needs a space before the dot.
                if let Expr::Constant(ast::ExprConstant {
                    value: Constant::Int(_),
                    ..
                }) = a.value.as_ref()
                {
                    self.w(" ");
                }
                self.w(".");
                self.w(a.attr.as_str());
            }
            Expr::Subscript(s) => {
                self.expr(&s.value, prec::ATOM);
                self.w("[");
                match s.slice.as_ref() {
                    Expr::Tuple(t) if !t.elts.is_empty() => {
                        self.items(&t.elts, prec::TEST);
                        if t.elts.len() == 1 {
                            self.w(",");
                        }
                    }
                    other => self.expr(other, prec::TUPLE),
                }
                self.w("]");
            }
            Expr::Starred(s) => {
                self.w("*");
                self.expr(&s.value, prec::EXPR);
            }
            Expr::Name(n) => self.w(n.id.as_str()),
            Expr::List(l) => {
                self.w("[");
                self.items(&l.elts, prec::TEST);
                self.w("]");
            }
            Expr::Tuple(t) => {
                let parens = t.elts.is_empty() || p > prec::TUPLE;
                self.open(parens);
                self.items(&t.elts, prec::TEST);
                if t.elts.len() == 1 {
                    self.w(",");
                }
                self.close(parens);
            }
            Expr::Slice(s) => {
                if let Some(l) = &s.lower {
                    self.expr(l, prec::TEST);
                }
                self.w(":");
                if let Some(u) = &s.upper {
                    self.expr(u, prec::TEST);
                }
                if let Some(st) = &s.step {
                    self.w(":");
                    self.expr(st, prec::TEST);
                }
            }
        }
    }

    fn generators(&mut self, gens: &[ast::Comprehension]) {
        for g in gens {
            self.w(if g.is_async { " async for " } else { " for " });
            self.expr(&g.target, prec::TUPLE);
            self.w(" in ");
            self.expr(&g.iter, prec::TEST + 1);
            for i in &g.ifs {
                self.w(" if ");
                self.expr(i, prec::TEST + 1);
            }
        }
    }

    /// The text of one part of an f-string body (without quotes).
    fn fstring_part(&mut self, e: &Expr) -> String {
        match e {
            Expr::Constant(ast::ExprConstant {
                value: Constant::Str(s),
                ..
            }) => s.replace('{', "{{").replace('}', "}}"),
            Expr::FormattedValue(f) => {
                let mut sub = Unparser::default();
                sub.expr(&f.value, prec::TEST + 1);
                let mut text = sub.out;
                if text.starts_with('{') {
                    text.insert(0, ' ');
                }
                let mut out = format!("{{{text}");
                match f.conversion {
                    ast::ConversionFlag::None => {}
                    ast::ConversionFlag::Str => out.push_str("!s"),
                    ast::ConversionFlag::Ascii => out.push_str("!a"),
                    ast::ConversionFlag::Repr => out.push_str("!r"),
                }
                if let Some(spec) = &f.format_spec {
                    out.push(':');
                    match spec.as_ref() {
                        Expr::JoinedStr(j) => {
                            for v in &j.values {
                                out.push_str(&self.fstring_part(v));
                            }
                        }
                        other => out.push_str(&self.fstring_part(other)),
                    }
                }
                out.push('}');
                out
            }
            Expr::JoinedStr(j) => {
                let mut out = String::new();
                for v in &j.values {
                    out.push_str(&self.fstring_part(v));
                }
                out
            }
            other => {
                let mut sub = Unparser::default();
                sub.expr(other, prec::TEST + 1);
                format!("{{{}}}", sub.out)
            }
        }
    }
}

/// Wrap an f-string body in quotes that do not clash with the string
/// literals inside its replacement fields.
fn fstring_literal(body: &str) -> String {
    let escaped: String = body
        .chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\r' => "\\r".to_string(),
            '\t' => "\\t".to_string(),
            '\\' => "\\\\".to_string(),
            c => c.to_string(),
        })
        .collect();
    if !escaped.contains('\'') {
        format!("f'{escaped}'")
    } else if !escaped.contains('"') {
        format!("f\"{escaped}\"")
    } else if !escaped.contains("'''") && !escaped.ends_with('\'') {
        format!("f'''{escaped}'''")
    } else {
        format!("f\"\"\"{escaped}\"\"\"")
    }
}

fn docstring_literal(doc: &str) -> String {
    let mut body = String::new();
    for c in doc.chars() {
        match c {
            '\\' => body.push_str("\\\\"),
            '\r' => body.push_str("\\r"),
            '\t' => body.push('\t'),
            '\n' => body.push('\n'),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                body.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => body.push(c),
        }
    }
    let body = body.replace("\"\"\"", "\\\"\\\"\\\"");
    let body = if body.ends_with('"') {
        format!("{}\\\"", &body[..body.len() - 1])
    } else {
        body
    };
    format!("\"\"\"{body}\"\"\"")
}

fn binop_prec(op: &Operator) -> u8 {
    match op {
        Operator::BitOr => prec::BOR,
        Operator::BitXor => prec::BXOR,
        Operator::BitAnd => prec::BAND,
        Operator::LShift | Operator::RShift => prec::SHIFT,
        Operator::Add | Operator::Sub => prec::ARITH,
        Operator::Mult | Operator::MatMult | Operator::Div | Operator::Mod | Operator::FloorDiv => {
            prec::TERM
        }
        Operator::Pow => prec::POWER,
    }
}

/// The source text of a binary operator.
pub fn binop_str(op: &Operator) -> &'static str {
    match op {
        Operator::Add => "+",
        Operator::Sub => "-",
        Operator::Mult => "*",
        Operator::MatMult => "@",
        Operator::Div => "/",
        Operator::Mod => "%",
        Operator::Pow => "**",
        Operator::LShift => "<<",
        Operator::RShift => ">>",
        Operator::BitOr => "|",
        Operator::BitXor => "^",
        Operator::BitAnd => "&",
        Operator::FloorDiv => "//",
    }
}

fn cmpop_str(op: &CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "==",
        CmpOp::NotEq => "!=",
        CmpOp::Lt => "<",
        CmpOp::LtE => "<=",
        CmpOp::Gt => ">",
        CmpOp::GtE => ">=",
        CmpOp::Is => "is",
        CmpOp::IsNot => "is not",
        CmpOp::In => "in",
        CmpOp::NotIn => "not in",
    }
}

/// `repr` of a constant, as Python prints it.
pub fn constant_repr(c: &Constant) -> String {
    match c {
        Constant::None => "None".to_string(),
        Constant::Bool(true) => "True".to_string(),
        Constant::Bool(false) => "False".to_string(),
        Constant::Str(s) => str_repr(s),
        Constant::Bytes(b) => bytes_repr(b),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => float_repr(*f),
        Constant::Complex { real, imag } => {
            if *real == 0.0 {
                format!("{}j", float_repr(*imag))
            } else {
                format!("({} + {}j)", float_repr(*real), float_repr(*imag))
            }
        }
        Constant::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(constant_repr).collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Constant::Ellipsis => "...".to_string(),
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = format!("b{quote}");
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(float)`: the shortest round-tripping digits, in scientific
/// notation when the exponent is below -4 or at least 16.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        // What `ast.unparse` prints for an infinite literal.
        return if f > 0.0 {
            "1e309".to_string()
        } else {
            "-1e309".to_string()
        };
    }
    let sci = format!("{f:e}"); // like "1.5e-7" or "-2e16"
    let (mantissa, exp) = match sci.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (sci.clone(), 0),
    };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { "-" } else { "+" };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let point = exp + 1; // digits before the decimal point
    if point <= 0 {
        format!("{sign}0.{}{}", "0".repeat((-point) as usize), digits)
    } else if (point as usize) >= digits.len() {
        format!(
            "{sign}{}{}.0",
            digits,
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(src: &str) -> String {
        let m = crate::parse("t.py", src).expect("parses");
        unparse_stmts(&m.body)
    }

    #[test]
    fn floats_print_like_python() {
        assert_eq!(float_repr(1.0), "1.0");
        assert_eq!(float_repr(0.1), "0.1");
        assert_eq!(float_repr(1e16), "1e+16");
        assert_eq!(float_repr(1.5e-7), "1.5e-07");
        assert_eq!(float_repr(123456.75), "123456.75");
        assert_eq!(float_repr(0.0001), "0.0001");
        assert_eq!(float_repr(-2.5), "-2.5");
    }

    #[test]
    fn statements_and_expressions() {
        let src = "def f(a, b=2, *args, c, **kw):\n    \"\"\"Doc.\"\"\"\n    x, y = (a, b)\n    if x:\n        pass\n    elif y:\n        return (x,)\n    else:\n        z = lambda: -x ** 2\n    for i, j in zip(a, b):\n        print(f'{i:.3f} {j!r}', sep='')\n    return not a and (b or c)\n";
        let out = roundtrip(src);
        assert_eq!(
            out,
            "def f(a, b=2, *args, c, **kw):\n    \"\"\"Doc.\"\"\"\n    x, y = (a, b)\n    if x:\n        pass\n    elif y:\n        return (x,)\n    else:\n        z = lambda: -x ** 2\n    for i, j in zip(a, b):\n        print(f'{i:.3f} {j!r}', sep='')\n    return not a and (b or c)\n"
        );
    }

    #[test]
    fn precedence_keeps_meaning() {
        for src in [
            "x = (a + b) * c\n",
            "x = a - (b - c)\n",
            "x = (a ** b) ** c\n",
            "x = -(a + b)\n",
            "x = (not a) == b\n",
            "x = a[1:2, ::3]\n",
            "x = [(a, b) for a in c if a]\n",
            "x = {**d, 'k': 1}\n",
            "f(*a, k=1, **kw)\n",
        ] {
            let once = roundtrip(src);
            let twice = roundtrip(&once);
            assert_eq!(once, twice, "{src}");
        }
        assert_eq!(roundtrip("x = (a + b) * c\n"), "x = (a + b) * c\n");
        assert_eq!(roundtrip("x = a ** -b\n"), "x = a ** (-b)\n");
    }
}
