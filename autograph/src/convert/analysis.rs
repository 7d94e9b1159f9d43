//! Static analysis for the control-flow converter, as TF's `pyct` does it:
//!
//! - qualified names ([`Qn`]): `x`, `self.v`, `l[0]`, `a.b[i]` — the symbols
//!   a statement reads and writes (activity analysis);
//! - a statement-level control-flow graph per function (`if`/`while`/`for`,
//!   `break`/`continue`/`return`/`raise`, `try`, `with`);
//! - reaching definitions (which simple names may be defined on entry to a
//!   statement) and which nested function definitions reach it;
//! - liveness (which symbols are live on entry to and exit from a
//!   statement), where the free variables of a nested function that reaches
//!   a statement count as live, as TF's conservative closure rule.
//!
//! Results are computed once per function and looked up per compound
//! statement (`if`/`while`/`for`) by address, so the analysed tree must not
//! move while the results are used: the converter reads it by reference and
//! builds a new tree.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rustpython_parser::ast::{self, Constant, Expr, ExprContext, Stmt};

use super::build;
use crate::walk::{children, Node};

/// A set of symbols (qualified names in their text form).
pub type Names = BTreeSet<String>;

/// The module the converted code calls into; never a user symbol.
pub const AG_MODULE: &str = "ag__";

/// A qualified name: a simple name (`x`) or a composite one (`self.v`,
/// `l[0]`, `x[i]`) rooted at a simple name.
#[derive(Clone, Debug)]
pub struct Qn {
    /// The text form, as TF prints it (`l['k']`, `self.v`).
    pub text: String,
    /// The simple names it depends on (`a[i]` → `a`, `i`).
    pub support: Names,
    /// Whether it is an attribute or subscript rather than a plain name.
    pub composite: bool,
    /// A fresh load expression for it.
    pub expr: Expr,
}

impl Qn {
    fn simple(id: &str) -> Qn {
        Qn {
            text: id.to_string(),
            support: [id.to_string()].into_iter().collect(),
            composite: false,
            expr: build::name(id),
        }
    }
}

/// `ag__.ld(e)` → `e`.
pub fn strip_ld(e: &Expr) -> &Expr {
    if let Expr::Call(c) = e {
        if c.args.len() == 1
            && c.keywords.is_empty()
            && build::dotted_name(&c.func).as_deref() == Some("ag__.ld")
        {
            return &c.args[0];
        }
    }
    e
}

fn literal_text(c: &Constant) -> Option<String> {
    Some(match c {
        Constant::Str(s) => format!("'{s}'"),
        Constant::Int(i) => i.to_string(),
        Constant::Bool(true) => "True".to_string(),
        Constant::Bool(false) => "False".to_string(),
        Constant::None => "None".to_string(),
        Constant::Float(f) => crate::unparse::float_repr(*f),
        _ => return None,
    })
}

/// The qualified name of an expression, if it has one. `ag__.ld(x)` has the
/// name of `x` (the analysis runs after variable loads are wrapped).
pub fn qn_of(e: &Expr) -> Option<Qn> {
    let e = strip_ld(e);
    match e {
        Expr::Name(n) if n.id.as_str() != AG_MODULE => Some(Qn::simple(n.id.as_str())),
        Expr::Attribute(a) => {
            let base = qn_of(&a.value)?;
            Some(Qn {
                text: format!("{}.{}", base.text, a.attr.as_str()),
                support: base.support,
                composite: true,
                expr: build::attr(base.expr, a.attr.as_str()),
            })
        }
        Expr::Subscript(s) => {
            let (text, support, slice) = match s.slice.as_ref() {
                Expr::Tuple(_) | Expr::Slice(_) => return None,
                Expr::Constant(c) => (
                    literal_text(&c.value)?,
                    Names::new(),
                    build::constant(c.value.clone()),
                ),
                other => {
                    let q = qn_of(other)?;
                    (q.text, q.support, q.expr)
                }
            };
            let base = qn_of(&s.value)?;
            let mut all = base.support;
            all.extend(support);
            Some(Qn {
                text: format!("{}[{}]", base.text, text),
                support: all,
                composite: true,
                expr: Expr::Subscript(ast::ExprSubscript {
                    range: Default::default(),
                    value: Box::new(base.expr),
                    slice: Box::new(slice),
                    ctx: ExprContext::Load,
                }),
            })
        }
        _ => None,
    }
}

/// Whether a symbol's text is a simple name.
pub fn is_simple(text: &str) -> bool {
    !text.contains(['.', '['])
}

/// What one statement (or the header of a compound statement) reads and
/// writes.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    /// Symbols read.
    pub reads: Names,
    /// Symbols written (bound).
    pub writes: Names,
    /// Simple names deleted.
    pub dels: Names,
}

impl Effects {
    /// Simple names this statement defines.
    pub fn defs(&self) -> Names {
        self.writes
            .iter()
            .filter(|w| is_simple(w))
            .cloned()
            .collect()
    }
}

/// Record the reads of expression `e` (and the walrus targets it binds).
pub fn expr_effects(e: &Expr, eff: &mut Effects) {
    match e {
        Expr::Name(n) => {
            if n.id.as_str() != AG_MODULE && matches!(n.ctx, ExprContext::Load) {
                eff.reads.insert(n.id.to_string());
            }
        }
        Expr::NamedExpr(n) => {
            expr_effects(&n.value, eff);
            target_effects(&n.target, eff);
        }
        Expr::Lambda(l) => {
            let mut inner = Effects::default();
            expr_effects(&l.body, &mut inner);
            let params: Names = crate::walk::parameters(&l.args)
                .iter()
                .map(|a| a.arg.to_string())
                .collect();
            for r in inner.reads {
                if !params.contains(root_of(&r)) {
                    eff.reads.insert(r);
                }
            }
            for a in l
                .args
                .posonlyargs
                .iter()
                .chain(&l.args.args)
                .chain(&l.args.kwonlyargs)
            {
                if let Some(d) = &a.default {
                    expr_effects(d, eff);
                }
            }
        }
        Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::GeneratorExp(_) => {
            let gens = match e {
                Expr::ListComp(c) => &c.generators,
                Expr::SetComp(c) => &c.generators,
                Expr::DictComp(c) => &c.generators,
                Expr::GeneratorExp(c) => &c.generators,
                _ => return,
            };
            let mut locals = Effects::default();
            for g in gens {
                target_effects(&g.target, &mut locals);
            }
            let mut inner = Effects::default();
            children(Node::Expr(e), &mut |c| {
                if let Node::Expr(c) = c {
                    expr_effects(c, &mut inner);
                }
            });
            for r in inner.reads {
                if !locals.writes.contains(root_of(&r)) {
                    eff.reads.insert(r);
                }
            }
        }
        Expr::Attribute(_) | Expr::Subscript(_) => {
            if matches!(expr_ctx(e), Some(ExprContext::Load)) {
                if let Some(q) = qn_of(e) {
                    eff.reads.insert(q.text);
                }
            }
            children(Node::Expr(e), &mut |c| {
                if let Node::Expr(c) = c {
                    expr_effects(c, eff);
                }
            });
        }
        _ => children(Node::Expr(e), &mut |c| {
            if let Node::Expr(c) = c {
                expr_effects(c, eff);
            }
        }),
    }
}

fn expr_ctx(e: &Expr) -> Option<ExprContext> {
    match e {
        Expr::Attribute(a) => Some(a.ctx),
        Expr::Subscript(s) => Some(s.ctx),
        Expr::Name(n) => Some(n.ctx),
        _ => None,
    }
}

/// The simple name a symbol is rooted at (`self.v` → `self`).
pub fn root_of(text: &str) -> &str {
    let end = text.find(['.', '[']).unwrap_or(text.len());
    &text[..end]
}

/// Record an assignment target: the symbols it binds and what evaluating
/// it reads (`a[i] = …` reads `a` and `i`).
pub fn target_effects(t: &Expr, eff: &mut Effects) {
    match t {
        Expr::Name(n) => {
            eff.writes.insert(n.id.to_string());
        }
        Expr::Attribute(a) => {
            if let Some(q) = qn_of(t) {
                eff.writes.insert(q.text);
            }
            expr_effects(&a.value, eff);
        }
        Expr::Subscript(s) => {
            if let Some(q) = qn_of(t) {
                eff.writes.insert(q.text);
            }
            expr_effects(&s.value, eff);
            expr_effects(&s.slice, eff);
        }
        Expr::Tuple(x) => x.elts.iter().for_each(|e| target_effects(e, eff)),
        Expr::List(x) => x.elts.iter().for_each(|e| target_effects(e, eff)),
        Expr::Starred(s) => target_effects(&s.value, eff),
        other => expr_effects(other, eff),
    }
}

fn signature_effects(args: &ast::Arguments, eff: &mut Effects) {
    for a in args
        .posonlyargs
        .iter()
        .chain(&args.args)
        .chain(&args.kwonlyargs)
    {
        if let Some(d) = &a.default {
            expr_effects(d, eff);
        }
    }
}

/// The effects of a statement's own expressions: a simple statement
/// entirely; for a compound statement only its header (test, iterable,
/// context managers); for a `def`/`class` its decorators, defaults and name.
pub fn stmt_effects(s: &Stmt) -> Effects {
    let mut eff = Effects::default();
    match s {
        Stmt::FunctionDef(f) => {
            f.decorator_list
                .iter()
                .for_each(|d| expr_effects(d, &mut eff));
            signature_effects(&f.args, &mut eff);
            eff.writes.insert(f.name.to_string());
        }
        Stmt::AsyncFunctionDef(f) => {
            f.decorator_list
                .iter()
                .for_each(|d| expr_effects(d, &mut eff));
            signature_effects(&f.args, &mut eff);
            eff.writes.insert(f.name.to_string());
        }
        Stmt::ClassDef(c) => {
            c.decorator_list
                .iter()
                .for_each(|d| expr_effects(d, &mut eff));
            c.bases.iter().for_each(|d| expr_effects(d, &mut eff));
            c.keywords
                .iter()
                .for_each(|k| expr_effects(&k.value, &mut eff));
            eff.writes.insert(c.name.to_string());
        }
        Stmt::Return(r) => {
            if let Some(v) = &r.value {
                expr_effects(v, &mut eff);
            }
        }
        Stmt::Delete(d) => {
            for t in &d.targets {
                match strip_ld(t) {
                    Expr::Name(n) => {
                        eff.reads.insert(n.id.to_string());
                        eff.writes.insert(n.id.to_string());
                        eff.dels.insert(n.id.to_string());
                    }
                    other => target_effects(other, &mut eff),
                }
            }
        }
        Stmt::Assign(a) => {
            expr_effects(&a.value, &mut eff);
            a.targets.iter().for_each(|t| target_effects(t, &mut eff));
        }
        Stmt::AugAssign(a) => {
            expr_effects(&a.value, &mut eff);
            if let Some(q) = qn_of(&a.target) {
                eff.reads.insert(q.text);
            }
            target_effects(&a.target, &mut eff);
        }
        Stmt::AnnAssign(a) => {
            if let Some(v) = &a.value {
                expr_effects(v, &mut eff);
            }
            target_effects(&a.target, &mut eff);
        }
        Stmt::For(f) => expr_effects(&f.iter, &mut eff),
        Stmt::AsyncFor(f) => expr_effects(&f.iter, &mut eff),
        Stmt::While(w) => expr_effects(&w.test, &mut eff),
        Stmt::If(i) => expr_effects(&i.test, &mut eff),
        Stmt::With(w) => with_items_effects(&w.items, &mut eff),
        Stmt::AsyncWith(w) => with_items_effects(&w.items, &mut eff),
        Stmt::Raise(r) => {
            if let Some(e) = &r.exc {
                expr_effects(e, &mut eff);
            }
            if let Some(c) = &r.cause {
                expr_effects(c, &mut eff);
            }
        }
        Stmt::Assert(a) => {
            expr_effects(&a.test, &mut eff);
            if let Some(m) = &a.msg {
                expr_effects(m, &mut eff);
            }
        }
        Stmt::Import(i) => {
            for a in &i.names {
                let bound =
                    a.asname.as_ref().map(|n| n.to_string()).unwrap_or_else(|| {
                        a.name.split('.').next().unwrap_or_default().to_string()
                    });
                eff.writes.insert(bound);
            }
        }
        Stmt::ImportFrom(i) => {
            for a in &i.names {
                eff.writes
                    .insert(a.asname.as_ref().unwrap_or(&a.name).to_string());
            }
        }
        Stmt::Expr(e) => expr_effects(&e.value, &mut eff),
        Stmt::Match(m) => expr_effects(&m.subject, &mut eff),
        Stmt::TypeAlias(_)
        | Stmt::Try(_)
        | Stmt::TryStar(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_) => {}
    }
    eff
}

fn with_items_effects(items: &[ast::WithItem], eff: &mut Effects) {
    for item in items {
        expr_effects(&item.context_expr, eff);
        if let Some(v) = &item.optional_vars {
            target_effects(v, eff);
        }
    }
}

/// The statement blocks nested directly in `s` (not function/class bodies).
pub fn nested_blocks(s: &Stmt) -> Vec<&[Stmt]> {
    match s {
        Stmt::For(f) => vec![&f.body, &f.orelse],
        Stmt::AsyncFor(f) => vec![&f.body, &f.orelse],
        Stmt::While(w) => vec![&w.body, &w.orelse],
        Stmt::If(i) => vec![&i.body, &i.orelse],
        Stmt::With(w) => vec![&w.body],
        Stmt::AsyncWith(w) => vec![&w.body],
        Stmt::Try(t) => {
            let mut v: Vec<&[Stmt]> = vec![&t.body];
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v.push(&t.orelse);
            v.push(&t.finalbody);
            v
        }
        Stmt::TryStar(t) => {
            let mut v: Vec<&[Stmt]> = vec![&t.body];
            for h in &t.handlers {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                v.push(&h.body);
            }
            v.push(&t.orelse);
            v.push(&t.finalbody);
            v
        }
        Stmt::Match(m) => m.cases.iter().map(|c| c.body.as_slice()).collect(),
        _ => Vec::new(),
    }
}

/// The symbols bound in a block (TF's `Scope.bound`): assignment, `for`
/// and `with` targets (simple and composite), deletions, `def`/`class`
/// names, imports, walrus targets and `nonlocal` names — looking into
/// nested compound statements but not into nested functions or classes.
pub fn block_bound(stmts: &[Stmt]) -> BTreeMap<String, Qn> {
    fn targets(t: &Expr, out: &mut BTreeMap<String, Qn>) {
        match t {
            Expr::Tuple(x) => x.elts.iter().for_each(|e| targets(e, out)),
            Expr::List(x) => x.elts.iter().for_each(|e| targets(e, out)),
            Expr::Starred(s) => targets(&s.value, out),
            other => {
                if let Some(q) = qn_of(other) {
                    out.insert(q.text.clone(), q);
                }
            }
        }
    }
    fn walrus(e: &Expr, out: &mut BTreeMap<String, Qn>) {
        match e {
            Expr::Lambda(_) => {}
            Expr::NamedExpr(n) => {
                targets(&n.target, out);
                walrus(&n.value, out);
            }
            _ => children(Node::Expr(e), &mut |c| {
                if let Node::Expr(c) = c {
                    walrus(c, out);
                }
            }),
        }
    }
    fn go(s: &Stmt, out: &mut BTreeMap<String, Qn>) {
        match s {
            Stmt::Assign(a) => a.targets.iter().for_each(|t| targets(t, out)),
            Stmt::AugAssign(a) => targets(&a.target, out),
            Stmt::AnnAssign(a) => targets(&a.target, out),
            Stmt::For(f) => targets(&f.target, out),
            Stmt::AsyncFor(f) => targets(&f.target, out),
            Stmt::Delete(d) => d.targets.iter().for_each(|t| targets(t, out)),
            Stmt::With(w) => {
                for i in &w.items {
                    if let Some(v) = &i.optional_vars {
                        targets(v, out);
                    }
                }
            }
            Stmt::Nonlocal(n) => {
                for id in &n.names {
                    out.insert(id.to_string(), Qn::simple(id.as_str()));
                }
            }
            _ => {}
        }
        for name in stmt_effects_names(s) {
            out.insert(name.clone(), Qn::simple(&name));
        }
        let mut exprs: Vec<&Expr> = Vec::new();
        match s {
            Stmt::FunctionDef(_) | Stmt::AsyncFunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => children(Node::Stmt(s), &mut |c| {
                if let Node::Expr(e) = c {
                    exprs.push(e);
                }
            }),
        }
        for e in exprs {
            walrus(e, out);
        }
        for b in nested_blocks(s) {
            for inner in b {
                go(inner, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    for s in stmts {
        go(s, &mut out);
    }
    out
}

/// Names bound by `def`, `class` and imports.
fn stmt_effects_names(s: &Stmt) -> Vec<String> {
    match s {
        Stmt::FunctionDef(_)
        | Stmt::AsyncFunctionDef(_)
        | Stmt::ClassDef(_)
        | Stmt::Import(_)
        | Stmt::ImportFrom(_) => stmt_effects(s).writes.into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The free variables of a function: symbols its body (and the bodies of
/// functions nested in it) reads but does not bind.
pub fn function_free_reads(args: &ast::Arguments, body: &[Stmt]) -> Names {
    fn collect(stmts: &[Stmt], reads: &mut Names, bound: &mut Names) {
        for s in stmts {
            match s {
                Stmt::FunctionDef(f) => {
                    let eff = stmt_effects(s);
                    reads.extend(eff.reads);
                    bound.extend(eff.writes);
                    reads.extend(function_free_reads(&f.args, &f.body));
                }
                Stmt::ClassDef(c) => {
                    let eff = stmt_effects(s);
                    reads.extend(eff.reads);
                    bound.extend(eff.writes);
                    let mut inner_reads = Names::new();
                    let mut inner_bound = Names::new();
                    collect(&c.body, &mut inner_reads, &mut inner_bound);
                    reads.extend(
                        inner_reads
                            .into_iter()
                            .filter(|r| !inner_bound.contains(root_of(r))),
                    );
                }
                Stmt::Nonlocal(n) => bound.extend(n.names.iter().map(|n| n.to_string())),
                _ => {
                    let eff = stmt_effects(s);
                    reads.extend(eff.reads);
                    bound.extend(eff.writes);
                    if let Stmt::For(f) = s {
                        let mut t = Effects::default();
                        target_effects(&f.target, &mut t);
                        reads.extend(t.reads);
                        bound.extend(t.writes);
                    }
                    if let Stmt::Try(t) = s {
                        for h in &t.handlers {
                            let ast::ExceptHandler::ExceptHandler(h) = h;
                            if let Some(ty) = &h.type_ {
                                let mut e = Effects::default();
                                expr_effects(ty, &mut e);
                                reads.extend(e.reads);
                            }
                            if let Some(n) = &h.name {
                                bound.insert(n.to_string());
                            }
                        }
                    }
                    for b in nested_blocks(s) {
                        collect(b, reads, bound);
                    }
                }
            }
        }
    }
    let mut reads = Names::new();
    let mut bound: Names = crate::walk::parameters(args)
        .iter()
        .map(|a| a.arg.to_string())
        .collect();
    collect(body, &mut reads, &mut bound);
    reads
        .into_iter()
        .filter(|r| !bound.contains(root_of(r)) && !bound.contains(r))
        .collect()
}

/// `global` and `nonlocal` declarations made directly in a function body.
#[derive(Clone, Debug, Default)]
pub struct FnScope {
    /// Names declared `global`.
    pub globals: Names,
    /// Names declared `nonlocal`.
    pub nonlocals: Names,
}

fn fn_scope(body: &[Stmt]) -> FnScope {
    fn go(stmts: &[Stmt], out: &mut FnScope) {
        for s in stmts {
            match s {
                Stmt::Global(g) => out.globals.extend(g.names.iter().map(|n| n.to_string())),
                Stmt::Nonlocal(n) => out.nonlocals.extend(n.names.iter().map(|n| n.to_string())),
                _ => {
                    for b in nested_blocks(s) {
                        go(b, out);
                    }
                }
            }
        }
    }
    let mut out = FnScope::default();
    go(body, &mut out);
    out
}

/// What the analysis knows about one compound statement.
#[derive(Clone, Debug, Default)]
pub struct StmtInfo {
    /// Symbols live on entry (before the test / iterable is evaluated).
    pub live_in: Names,
    /// Symbols live right after the statement.
    pub live_out: Names,
    /// Simple names with at least one definition reaching the statement.
    pub defined_in: Names,
}

/// The analysis of one function body.
#[derive(Debug, Default)]
pub struct FnAnalysis {
    info: HashMap<*const Stmt, StmtInfo>,
    /// The function's `global`/`nonlocal` declarations.
    pub scope: FnScope,
}

impl FnAnalysis {
    /// The facts about compound statement `s` (an `if`, `while`, `for`,
    /// `with` or `try` of the analysed body).
    pub fn info(&self, s: &Stmt) -> Option<&StmtInfo> {
        self.info.get(&(s as *const Stmt))
    }
}

#[derive(Default)]
struct CfgNode {
    eff: Effects,
    /// For a nested `def`: its free variables.
    closure: Option<Names>,
    succ: Vec<usize>,
}

struct LoopCtx {
    head: usize,
    breaks: Vec<usize>,
}

#[derive(Default)]
struct Builder {
    nodes: Vec<CfgNode>,
    try_stack: Vec<usize>,
    loops: Vec<LoopCtx>,
    exit: usize,
    /// Compound statement → (entry node, after node, predecessors outside it).
    compound: HashMap<*const Stmt, (usize, usize, Vec<usize>)>,
}

impl Builder {
    fn node(&mut self, eff: Effects, closure: Option<Names>) -> usize {
        let id = self.nodes.len();
        let mut n = CfgNode {
            eff,
            closure,
            succ: Vec::new(),
        };
        if let Some(&d) = self.try_stack.last() {
            n.succ.push(d);
        }
        self.nodes.push(n);
        id
    }

    fn empty(&mut self) -> usize {
        self.node(Effects::default(), None)
    }

    fn link(&mut self, from: &[usize], to: usize) {
        for &f in from {
            if let Some(n) = self.nodes.get_mut(f) {
                if !n.succ.contains(&to) {
                    n.succ.push(to);
                }
            }
        }
    }

    fn block(&mut self, stmts: &[Stmt], mut preds: Vec<usize>) -> Vec<usize> {
        for s in stmts {
            preds = self.stmt(s, preds);
        }
        preds
    }

    fn stmt(&mut self, s: &Stmt, preds: Vec<usize>) -> Vec<usize> {
        match s {
            Stmt::If(i) => {
                let h = self.node(stmt_effects(s), None);
                self.link(&preds, h);
                let mut exits = self.block(&i.body, vec![h]);
                exits.extend(self.block(&i.orelse, vec![h]));
                let after = self.empty();
                self.link(&exits, after);
                self.compound.insert(s as *const Stmt, (h, after, preds));
                vec![after]
            }
            Stmt::While(w) => {
                let h = self.node(stmt_effects(s), None);
                self.link(&preds, h);
                self.loops.push(LoopCtx {
                    head: h,
                    breaks: Vec::new(),
                });
                let body_exits = self.block(&w.body, vec![h]);
                self.link(&body_exits, h);
                let ctx = self.loops.pop().unwrap_or(LoopCtx {
                    head: h,
                    breaks: Vec::new(),
                });
                let mut exits = self.block(&w.orelse, vec![h]);
                exits.extend(ctx.breaks);
                let after = self.empty();
                self.link(&exits, after);
                self.compound.insert(s as *const Stmt, (h, after, preds));
                vec![after]
            }
            Stmt::For(_) | Stmt::AsyncFor(_) => {
                let (target, body, orelse) = match s {
                    Stmt::For(f) => (&f.target, &f.body, &f.orelse),
                    Stmt::AsyncFor(f) => (&f.target, &f.body, &f.orelse),
                    _ => return preds,
                };
                let it = self.node(stmt_effects(s), None);
                self.link(&preds, it);
                let head = self.empty();
                self.link(&[it], head);
                let mut teff = Effects::default();
                target_effects(target, &mut teff);
                let tgt = self.node(teff, None);
                self.link(&[head], tgt);
                self.loops.push(LoopCtx {
                    head,
                    breaks: Vec::new(),
                });
                let body_exits = self.block(body, vec![tgt]);
                self.link(&body_exits, head);
                let ctx = self.loops.pop().unwrap_or(LoopCtx {
                    head,
                    breaks: Vec::new(),
                });
                let mut exits = self.block(orelse, vec![head]);
                exits.extend(ctx.breaks);
                let after = self.empty();
                self.link(&exits, after);
                self.compound.insert(s as *const Stmt, (it, after, preds));
                vec![after]
            }
            Stmt::Break(_) => {
                let n = self.empty();
                self.link(&preds, n);
                match self.loops.last_mut() {
                    Some(l) => {
                        l.breaks.push(n);
                        Vec::new()
                    }
                    None => vec![n],
                }
            }
            Stmt::Continue(_) => {
                let n = self.empty();
                self.link(&preds, n);
                match self.loops.last().map(|l| l.head) {
                    Some(h) => {
                        self.link(&[n], h);
                        Vec::new()
                    }
                    None => vec![n],
                }
            }
            Stmt::Return(_) => {
                let n = self.node(stmt_effects(s), None);
                self.link(&preds, n);
                let exit = self.exit;
                self.link(&[n], exit);
                Vec::new()
            }
            Stmt::Raise(_) => {
                let n = self.node(stmt_effects(s), None);
                self.link(&preds, n);
                if self.try_stack.is_empty() {
                    let exit = self.exit;
                    self.link(&[n], exit);
                }
                Vec::new()
            }
            Stmt::With(w) => {
                let item = self.node(stmt_effects(s), None);
                self.link(&preds, item);
                let exits = self.block(&w.body, vec![item]);
                let after = self.empty();
                self.link(&exits, after);
                self.compound.insert(s as *const Stmt, (item, after, preds));
                vec![after]
            }
            Stmt::AsyncWith(w) => {
                let item = self.node(stmt_effects(s), None);
                self.link(&preds, item);
                let exits = self.block(&w.body, vec![item]);
                let after = self.empty();
                self.link(&exits, after);
                vec![after]
            }
            Stmt::Try(_) | Stmt::TryStar(_) => {
                let (body, handlers, orelse, finalbody) = match s {
                    Stmt::Try(t) => (&t.body, &t.handlers, &t.orelse, &t.finalbody),
                    Stmt::TryStar(t) => (&t.body, &t.handlers, &t.orelse, &t.finalbody),
                    _ => return preds,
                };
                let entry = self.empty();
                self.link(&preds, entry);
                let dispatch = self.empty();
                self.try_stack.push(dispatch);
                let body_exits = self.block(body, vec![entry]);
                self.try_stack.pop();
                let mut fin_preds = self.block(orelse, body_exits);
                for h in handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    let mut eff = Effects::default();
                    if let Some(t) = &h.type_ {
                        expr_effects(t, &mut eff);
                    }
                    if let Some(n) = &h.name {
                        eff.writes.insert(n.to_string());
                    }
                    let hn = self.node(eff, None);
                    self.link(&[dispatch], hn);
                    fin_preds.extend(self.block(&h.body, vec![hn]));
                }
                if handlers.is_empty() {
                    fin_preds.push(dispatch);
                }
                let fin_exits = self.block(finalbody, fin_preds);
                let after = self.empty();
                self.link(&fin_exits, after);
                self.compound
                    .insert(s as *const Stmt, (entry, after, preds));
                vec![after]
            }
            Stmt::FunctionDef(f) => {
                let closure = function_free_reads(&f.args, &f.body);
                let n = self.node(stmt_effects(s), Some(closure));
                self.link(&preds, n);
                vec![n]
            }
            Stmt::ClassDef(c) => {
                let mut eff = stmt_effects(s);
                let free = function_free_reads(&build::params(&[]), &c.body);
                eff.reads.extend(free);
                let n = self.node(eff, None);
                self.link(&preds, n);
                vec![n]
            }
            Stmt::Match(m) => {
                let h = self.node(stmt_effects(s), None);
                self.link(&preds, h);
                let mut exits = vec![h];
                for case in &m.cases {
                    exits.extend(self.block(&case.body, vec![h]));
                }
                let after = self.empty();
                self.link(&exits, after);
                vec![after]
            }
            _ => {
                let n = self.node(stmt_effects(s), None);
                self.link(&preds, n);
                vec![n]
            }
        }
    }
}

/// Analyse one function (its parameters and body): reaching definitions and
/// liveness for every compound statement in it, not looking into nested
/// functions (analyse those separately).
pub fn analyze_function(args: &ast::Arguments, body: &[Stmt]) -> FnAnalysis {
    let mut b = Builder::default();
    b.exit = b.empty();
    let entry = b.empty();
    let exits = b.block(body, vec![entry]);
    let exit = b.exit;
    b.link(&exits, exit);
    let n = b.nodes.len();
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in b.nodes.iter().enumerate() {
        for &s in &node.succ {
            if let Some(p) = preds.get_mut(s) {
                p.push(i);
            }
        }
    }

    // Reaching definitions (may-defined simple names) and reaching defs.
    let params: Names = crate::walk::parameters(args)
        .iter()
        .map(|a| a.arg.to_string())
        .collect();
    let mut def_in: Vec<Names> = vec![Names::new(); n];
    let mut def_out: Vec<Names> = vec![Names::new(); n];
    let mut fns_in: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let mut fns_out: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    let node_defs: Vec<Names> = b.nodes.iter().map(|n| n.eff.defs()).collect();
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            let mut din = if i == entry {
                params.clone()
            } else {
                Names::new()
            };
            let mut fin = BTreeSet::new();
            for &p in &preds[i] {
                din.extend(def_out[p].iter().cloned());
                fin.extend(fns_out[p].iter().copied());
            }
            let mut dout: Names = din
                .iter()
                .filter(|d| !b.nodes[i].eff.dels.contains(*d))
                .cloned()
                .collect();
            dout.extend(
                node_defs[i]
                    .iter()
                    .filter(|d| !b.nodes[i].eff.dels.contains(*d))
                    .cloned(),
            );
            let mut fout = fin.clone();
            if b.nodes[i].closure.is_some() {
                fout.insert(i);
            }
            if dout != def_out[i] || fout != fns_out[i] {
                changed = true;
            }
            def_in[i] = din;
            fns_in[i] = fin;
            def_out[i] = dout;
            fns_out[i] = fout;
        }
    }

    // Liveness.
    let mut live_in: Vec<Names> = vec![Names::new(); n];
    let mut changed = true;
    while changed {
        changed = false;
        for i in (0..n).rev() {
            let node = &b.nodes[i];
            let mut out = Names::new();
            for &s in &node.succ {
                out.extend(live_in[s].iter().cloned());
            }
            let mut lin: Names = node.eff.reads.clone();
            lin.extend(out.into_iter().filter(|v| !node.eff.writes.contains(v)));
            for &f in &fns_in[i] {
                if let Some(c) = &b.nodes[f].closure {
                    lin.extend(c.iter().cloned());
                }
            }
            if lin != live_in[i] {
                changed = true;
                live_in[i] = lin;
            }
        }
    }

    let mut info = HashMap::new();
    let _ = &def_in;
    for (ptr, (entry_node, after, outside)) in &b.compound {
        // As TF: definitions reaching from the statements before it, not
        // around a loop's back edge.
        let mut defined_in = Names::new();
        for &p in outside {
            defined_in.extend(def_out[p].iter().cloned());
        }
        info.insert(
            *ptr,
            StmtInfo {
                live_in: live_in[*entry_node].clone(),
                live_out: live_in[*after].clone(),
                defined_in,
            },
        );
    }
    FnAnalysis {
        info,
        scope: fn_scope(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn func(src: &str) -> ast::StmtFunctionDef {
        let m = crate::parse("t.py", src).expect("parses");
        match m.body.into_iter().next() {
            Some(Stmt::FunctionDef(f)) => f,
            _ => panic!("not a def"),
        }
    }

    fn set(items: &[&str]) -> Names {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn while_loop_liveness_and_definitions() {
        let f = func("def f(n):\n    i = 0\n    s = 0\n    while i < n:\n        t = i * 2\n        s = s + t\n        i = i + 1\n    return s\n");
        let a = analyze_function(&f.args, &f.body);
        let info = a.info(&f.body[2]).expect("while analysed");
        assert_eq!(info.live_in, set(&["i", "n", "s"]));
        assert_eq!(info.live_out, set(&["s"]));
        assert_eq!(info.defined_in, set(&["i", "n", "s"]));
        assert_eq!(
            block_bound(&[f.body[2].clone()])
                .keys()
                .cloned()
                .collect::<Names>(),
            set(&["i", "s", "t"])
        );
    }

    #[test]
    fn if_branch_outputs_and_undefined_symbols() {
        let f = func("def f(x):\n    if x > 0:\n        y = x\n        tmp = 1\n    else:\n        y = -x\n    return y\n");
        let a = analyze_function(&f.args, &f.body);
        let info = a.info(&f.body[0]).expect("if analysed");
        assert_eq!(info.live_in, set(&["x"]));
        assert_eq!(info.live_out, set(&["y"]));
        assert_eq!(info.defined_in, set(&["x"]));
    }

    #[test]
    fn variables_read_before_written_in_the_body_are_live_into_the_loop() {
        let f = func("def f(v):\n    total = 0\n    for x in v:\n        total = total + x\n        last = x\n    return 1\n");
        let a = analyze_function(&f.args, &f.body);
        let info = a.info(&f.body[1]).expect("for analysed");
        assert!(info.live_in.contains("total"));
        assert!(!info.live_in.contains("x"));
        assert!(!info.live_in.contains("last"));
        assert!(info.live_out.is_empty());
    }

    #[test]
    fn loop_definitions_reach_the_next_iteration() {
        let f = func("def f(n):\n    while n > 0:\n        if n > 1:\n            y = n\n        n -= 1\n    return y\n");
        let a = analyze_function(&f.args, &f.body);
        let Stmt::While(w) = &f.body[0] else { panic!() };
        let inner = a.info(&w.body[0]).expect("if analysed");
        assert!(inner.defined_in.contains("y"), "{:?}", inner.defined_in);
        assert!(inner.live_out.contains("y") && inner.live_out.contains("n"));
        let outer = a.info(&f.body[0]).expect("while analysed");
        assert!(!outer.defined_in.contains("y"));
        assert!(outer.live_in.contains("y"));
    }

    #[test]
    fn closures_keep_their_free_variables_live() {
        let f = func("def f(c):\n    def g():\n        return x\n    x = 1\n    if c:\n        x = 2\n    return g()\n");
        let a = analyze_function(&f.args, &f.body);
        let info = a.info(&f.body[2]).expect("if analysed");
        assert!(info.live_out.contains("x"));
    }

    #[test]
    fn composite_symbols() {
        let f = func("def f(self, l):\n    while self.n > 0:\n        self.v = self.v + 1\n        l[0] = 2\n    return 0\n");
        let bound = block_bound(&[f.body[0].clone()]);
        assert!(bound.contains_key("self.v") && bound.contains_key("l[0]"));
        assert!(bound["l[0]"].composite);
        let a = analyze_function(&f.args, &f.body);
        let info = a.info(&f.body[0]).expect("while analysed");
        assert!(info.live_in.contains("self") && info.live_in.contains("self.v"));
    }
}
