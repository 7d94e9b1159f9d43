//! Compile-time preparation of parsed source: every function, lambda, class
//! body and comprehension becomes a [`Code`] with its scope resolved once
//! (locals, cells, free variables, globals), as CPython's symtable does.
//!
//! Function and lambda bodies are moved out of the tree into their `Code`
//! (held by `Rc`), so a function value owns its body without cloning ASTs.

use crate::value::Str;
use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// One parsed source file (the program, or a module run by `exec_module_source`).
pub struct Unit {
    pub file: Str,
    pub source: Rc<str>,
    line_starts: Vec<u32>,
    /// Every nested code object, by (range start, kind).
    pub codes: OnceCell<HashMap<(u32, u8), Rc<Code>>>,
}

impl Unit {
    fn new(file: &str, source: &str) -> Unit {
        let mut line_starts = vec![0u32];
        for (i, b) in source.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        Unit { file: file.into(), source: source.into(), line_starts, codes: OnceCell::new() }
    }
    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }
    /// The text of a 1-based line (without newline).
    pub fn line_text(&self, line: u32) -> &str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.line_starts.get(i) else { return "" };
        let end = self.line_starts.get(i + 1).map(|&e| e as usize).unwrap_or(self.source.len());
        self.source.get(start as usize..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
    /// The code object registered for a node.
    pub fn code(&self, offset: u32, kind: CodeKind) -> Option<&Rc<Code>> {
        self.codes.get()?.get(&(offset, kind as u8))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Module = 0,
    Function = 1,
    Lambda = 2,
    Class = 3,
    Comprehension = 4,
}

/// How a name is read and written in one scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRes {
    /// A plain local slot.
    Fast(usize),
    /// A cell (captured local or free variable).
    Cell(usize),
    /// Module globals, then builtins.
    Global,
    /// Class body: the class namespace, then globals/builtins.
    ClassNs,
    /// Class body reading a free variable: namespace first, then the cell.
    ClassDeref(usize),
}

/// Parameters of a function or lambda.
#[derive(Default)]
pub struct Params {
    /// Positional(-or-keyword) parameter names, positional-only first.
    pub args: Vec<Str>,
    pub posonly: usize,
    pub vararg: Option<Str>,
    pub kwonly: Vec<Str>,
    pub kwarg: Option<Str>,
    /// Where each parameter lives, in order args, vararg, kwonly, kwarg.
    pub slots: Vec<NameRes>,
}

/// A compiled scope.
pub struct Code {
    pub kind: CodeKind,
    pub name: Str,
    pub qualname: Str,
    pub unit: Rc<Unit>,
    /// Offset of the `def`/`lambda`/`class` (first line, for tracebacks).
    pub offset: u32,
    /// Function/module body (empty for class bodies and comprehensions,
    /// which stay in the tree).
    pub body: Vec<Stmt>,
    /// Lambda body.
    pub lambda_body: Option<Expr>,
    pub params: Params,
    pub names: HashMap<Str, NameRes>,
    /// Resolutions already looked up, by the address of the name's text
    /// (the identifier in the tree, which lives as long as the code): a
    /// pointer hash instead of hashing the string on every access.
    resolved: RefCell<HashMap<usize, (NameRes, Str), BuildHasherDefault<AddrHasher>>>,
    pub nfast: usize,
    /// Names of the cells: cellvars first, then freevars.
    pub cell_names: Vec<Str>,
    pub ncellvars: usize,
    /// Name → cell index, for building closures of nested scopes.
    pub cell_index: HashMap<Str, usize>,
    /// The body contains `yield` (not supported).
    pub is_generator: bool,
    /// The first docstring, if any.
    pub doc: Option<Str>,
}

/// Hasher for addresses: one multiply (addresses are already unique).
#[derive(Default)]
pub struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = ((n as u64) ^ (n as u64 >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

impl Code {
    /// Resolution of `name` (usually the text of a name node of this
    /// scope's tree), memoized by the text's address. The cached name is
    /// compared too, so a transient string at a reused address is safe.
    #[inline]
    pub fn resolve_cached(&self, name: &str) -> NameRes {
        let key = name.as_ptr() as usize;
        if let Some((r, n)) = self.resolved.borrow().get(&key) {
            if **n == *name {
                return *r;
            }
        }
        let r = self.resolve(name);
        self.resolved.borrow_mut().insert(key, (r, name.into()));
        r
    }

    /// Resolution of `name` in this scope.
    #[inline]
    pub fn resolve(&self, name: &str) -> NameRes {
        match self.names.get(name) {
            Some(r) => *r,
            None => match self.kind {
                CodeKind::Class => NameRes::ClassNs,
                _ => NameRes::Global,
            },
        }
    }
    pub fn freevars(&self) -> &[Str] {
        &self.cell_names[self.ncellvars..]
    }
}

// ---------------------------------------------------------------------------
// Pass 1: collect scopes (and move bodies out of the tree).

struct Scope {
    kind: CodeKind,
    name: Str,
    qualname: Str,
    offset: u32,
    parent: Option<usize>,
    bound: indexmap::IndexSet<Str>,
    used: indexmap::IndexSet<Str>,
    globals: indexmap::IndexSet<Str>,
    nonlocals: indexmap::IndexSet<Str>,
    params: Vec<Str>,
    param_info: (usize, usize, Option<Str>, Vec<Str>, Option<Str>),
    cellvars: indexmap::IndexSet<Str>,
    freevars: indexmap::IndexSet<Str>,
    body: Vec<Stmt>,
    lambda_body: Option<Expr>,
    is_generator: bool,
    doc: Option<Str>,
}

struct Collector {
    scopes: Vec<Scope>,
}

fn s(x: &str) -> Str {
    x.into()
}

fn placeholder(range: ast::text_size::TextRange) -> Expr {
    Expr::Constant(ast::ExprConstant { range, value: ast::Constant::None, kind: None })
}

fn docstring(body: &[Stmt]) -> Option<Str> {
    if let Some(Stmt::Expr(e)) = body.first() {
        if let Expr::Constant(c) = &*e.value {
            if let ast::Constant::Str(t) = &c.value {
                return Some(t.as_str().into());
            }
        }
    }
    None
}

impl Collector {
    fn new_scope(&mut self, kind: CodeKind, name: &str, parent: Option<usize>, offset: u32) -> usize {
        let qualname: Str = match parent {
            Some(p) if self.scopes[p].kind != CodeKind::Module => {
                let pq = &self.scopes[p].qualname;
                if matches!(self.scopes[p].kind, CodeKind::Function | CodeKind::Lambda) {
                    format!("{pq}.<locals>.{name}").into()
                } else {
                    format!("{pq}.{name}").into()
                }
            }
            _ => name.into(),
        };
        self.scopes.push(Scope {
            kind,
            name: name.into(),
            qualname,
            offset,
            parent,
            bound: Default::default(),
            used: Default::default(),
            globals: Default::default(),
            nonlocals: Default::default(),
            params: vec![],
            param_info: (0, 0, None, vec![], None),
            cellvars: Default::default(),
            freevars: Default::default(),
            body: vec![],
            lambda_body: None,
            is_generator: false,
            doc: None,
        });
        self.scopes.len() - 1
    }

    fn bind(&mut self, sc: usize, name: &str) {
        self.scopes[sc].bound.insert(s(name));
    }
    fn use_(&mut self, sc: usize, name: &str) {
        self.scopes[sc].used.insert(s(name));
    }

    fn args(&mut self, sc: usize, args: &mut ast::Arguments, new: usize) {
        // defaults are evaluated in the enclosing scope
        for a in args.posonlyargs.iter_mut().chain(args.args.iter_mut()).chain(args.kwonlyargs.iter_mut()) {
            if let Some(d) = &mut a.default {
                self.expr(sc, d);
            }
        }
        let mut params = vec![];
        for a in args.posonlyargs.iter().chain(args.args.iter()) {
            params.push(s(a.def.arg.as_str()));
        }
        let npos = params.len();
        let vararg = args.vararg.as_ref().map(|a| s(a.arg.as_str()));
        if let Some(v) = &vararg {
            params.push(v.clone());
        }
        let kwonly: Vec<Str> = args.kwonlyargs.iter().map(|a| s(a.def.arg.as_str())).collect();
        params.extend(kwonly.iter().cloned());
        let kwarg = args.kwarg.as_ref().map(|a| s(a.arg.as_str()));
        if let Some(k) = &kwarg {
            params.push(k.clone());
        }
        for p in &params {
            self.scopes[new].bound.insert(p.clone());
        }
        self.scopes[new].params = params;
        self.scopes[new].param_info = (npos, args.posonlyargs.len(), vararg, kwonly, kwarg);
    }

    fn body(&mut self, sc: usize, body: &mut [Stmt]) {
        for st in body {
            self.stmt(sc, st);
        }
    }

    fn target(&mut self, sc: usize, t: &mut Expr) {
        match t {
            Expr::Name(n) => self.bind(sc, n.id.as_str()),
            Expr::Tuple(x) => x.elts.iter_mut().for_each(|e| self.target(sc, e)),
            Expr::List(x) => x.elts.iter_mut().for_each(|e| self.target(sc, e)),
            Expr::Starred(x) => self.target(sc, &mut x.value),
            other => self.expr(sc, other),
        }
    }

    fn stmt(&mut self, sc: usize, st: &mut Stmt) {
        match st {
            Stmt::FunctionDef(d) => {
                for e in &mut d.decorator_list {
                    self.expr(sc, e);
                }
                let off = d.range.start().to_u32();
                let new = self.new_scope(CodeKind::Function, d.name.as_str(), Some(sc), off);
                self.args(sc, &mut d.args, new);
                self.bind(sc, d.name.as_str());
                self.body(new, &mut d.body);
                self.scopes[new].doc = docstring(&d.body);
                self.scopes[new].body = std::mem::take(&mut d.body);
            }
            Stmt::AsyncFunctionDef(d) => {
                self.bind(sc, d.name.as_str());
            }
            Stmt::ClassDef(c) => {
                for e in c.decorator_list.iter_mut().chain(c.bases.iter_mut()) {
                    self.expr(sc, e);
                }
                for k in &mut c.keywords {
                    self.expr(sc, &mut k.value);
                }
                self.bind(sc, c.name.as_str());
                let off = c.range.start().to_u32();
                let new = self.new_scope(CodeKind::Class, c.name.as_str(), Some(sc), off);
                self.scopes[new].doc = docstring(&c.body);
                self.body(new, &mut c.body);
            }
            Stmt::Return(r) => {
                if let Some(v) = &mut r.value {
                    self.expr(sc, v)
                }
            }
            Stmt::Delete(d) => {
                for t in &mut d.targets {
                    self.target(sc, t)
                }
            }
            Stmt::Assign(a) => {
                self.expr(sc, &mut a.value);
                for t in &mut a.targets {
                    self.target(sc, t);
                }
            }
            Stmt::AugAssign(a) => {
                self.expr(sc, &mut a.value);
                if let Expr::Name(n) = &*a.target {
                    self.use_(sc, n.id.as_str());
                }
                self.target(sc, &mut a.target);
            }
            Stmt::AnnAssign(a) => {
                // The annotation is never evaluated. A bare `x: T` still
                // makes a simple name local to its scope, as in CPython.
                if let Some(v) = &mut a.value {
                    self.expr(sc, v);
                    self.target(sc, &mut a.target);
                } else if let Expr::Name(n) = a.target.as_ref() {
                    self.bind(sc, n.id.as_str());
                }
            }
            Stmt::For(f) => {
                self.expr(sc, &mut f.iter);
                self.target(sc, &mut f.target);
                self.body(sc, &mut f.body);
                self.body(sc, &mut f.orelse);
            }
            Stmt::While(w) => {
                self.expr(sc, &mut w.test);
                self.body(sc, &mut w.body);
                self.body(sc, &mut w.orelse);
            }
            Stmt::If(i) => {
                self.expr(sc, &mut i.test);
                self.body(sc, &mut i.body);
                self.body(sc, &mut i.orelse);
            }
            Stmt::With(w) => {
                for it in &mut w.items {
                    self.expr(sc, &mut it.context_expr);
                    if let Some(v) = &mut it.optional_vars {
                        self.target(sc, v);
                    }
                }
                self.body(sc, &mut w.body);
            }
            Stmt::Raise(r) => {
                if let Some(e) = &mut r.exc {
                    self.expr(sc, e);
                }
                if let Some(e) = &mut r.cause {
                    self.expr(sc, e);
                }
            }
            Stmt::Try(t) => {
                self.body(sc, &mut t.body);
                for h in &mut t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &mut h.type_ {
                        self.expr(sc, ty);
                    }
                    if let Some(n) = &h.name {
                        self.bind(sc, n.as_str());
                    }
                    self.body(sc, &mut h.body);
                }
                self.body(sc, &mut t.orelse);
                self.body(sc, &mut t.finalbody);
            }
            Stmt::Assert(a) => {
                self.expr(sc, &mut a.test);
                if let Some(m) = &mut a.msg {
                    self.expr(sc, m);
                }
            }
            Stmt::Import(i) => {
                for a in &i.names {
                    let n = a.asname.as_ref().map(|x| x.as_str()).unwrap_or_else(|| a.name.split('.').next().unwrap_or(""));
                    self.bind(sc, n);
                }
            }
            Stmt::ImportFrom(i) => {
                for a in &i.names {
                    let n = a.asname.as_ref().map(|x| x.as_str()).unwrap_or(a.name.as_str());
                    self.bind(sc, n);
                }
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    self.scopes[sc].globals.insert(s(n.as_str()));
                }
            }
            Stmt::Nonlocal(g) => {
                for n in &g.names {
                    self.scopes[sc].nonlocals.insert(s(n.as_str()));
                }
            }
            Stmt::Expr(e) => self.expr(sc, &mut e.value),
            _ => {}
        }
    }

    fn comprehension(&mut self, sc: usize, e: &mut Expr, name: &str) {
        let off = e.range().start().to_u32();
        let new = self.new_scope(CodeKind::Comprehension, name, Some(sc), off);
        let (gens, elts): (&mut Vec<ast::Comprehension>, Vec<&mut Expr>) = match e {
            Expr::ListComp(c) => (&mut c.generators, vec![&mut *c.elt]),
            Expr::SetComp(c) => (&mut c.generators, vec![&mut *c.elt]),
            Expr::GeneratorExp(c) => (&mut c.generators, vec![&mut *c.elt]),
            Expr::DictComp(c) => (&mut c.generators, vec![&mut *c.key, &mut *c.value]),
            _ => return,
        };
        for (i, g) in gens.iter_mut().enumerate() {
            if i == 0 {
                self.expr(sc, &mut g.iter);
            } else {
                self.expr(new, &mut g.iter);
            }
            self.target(new, &mut g.target);
            for c in &mut g.ifs {
                self.expr(new, c);
            }
        }
        for e in elts {
            self.expr(new, e);
        }
    }

    fn expr(&mut self, sc: usize, e: &mut Expr) {
        match e {
            Expr::Name(n) => self.use_(sc, n.id.as_str()),
            Expr::Lambda(l) => {
                let off = l.range.start().to_u32();
                let new = self.new_scope(CodeKind::Lambda, "<lambda>", Some(sc), off);
                self.args(sc, &mut l.args, new);
                self.expr(new, &mut l.body);
                let range = l.body.range();
                self.scopes[new].lambda_body = Some(std::mem::replace(&mut *l.body, placeholder(range)));
            }
            Expr::ListComp(_) => self.comprehension(sc, e, "<listcomp>"),
            Expr::SetComp(_) => self.comprehension(sc, e, "<setcomp>"),
            Expr::DictComp(_) => self.comprehension(sc, e, "<dictcomp>"),
            Expr::GeneratorExp(_) => self.comprehension(sc, e, "<genexpr>"),
            Expr::NamedExpr(n) => {
                self.expr(sc, &mut n.value);
                // In a comprehension, the walrus binds in the enclosing function.
                let mut t = sc;
                while self.scopes[t].kind == CodeKind::Comprehension {
                    match self.scopes[t].parent {
                        Some(p) => t = p,
                        None => break,
                    }
                }
                if let Expr::Name(nm) = &*n.target {
                    self.bind(t, nm.id.as_str());
                    if t != sc {
                        self.scopes[sc].nonlocals.insert(s(nm.id.as_str()));
                    }
                }
            }
            Expr::Yield(y) => {
                self.scopes[sc].is_generator = true;
                if let Some(v) = &mut y.value {
                    self.expr(sc, v);
                }
            }
            Expr::YieldFrom(y) => {
                self.scopes[sc].is_generator = true;
                self.expr(sc, &mut y.value);
            }
            Expr::BoolOp(x) => x.values.iter_mut().for_each(|v| self.expr(sc, v)),
            Expr::BinOp(x) => {
                self.expr(sc, &mut x.left);
                self.expr(sc, &mut x.right);
            }
            Expr::UnaryOp(x) => self.expr(sc, &mut x.operand),
            Expr::IfExp(x) => {
                self.expr(sc, &mut x.test);
                self.expr(sc, &mut x.body);
                self.expr(sc, &mut x.orelse);
            }
            Expr::Dict(x) => {
                for k in x.keys.iter_mut().flatten() {
                    self.expr(sc, k);
                }
                x.values.iter_mut().for_each(|v| self.expr(sc, v));
            }
            Expr::Set(x) => x.elts.iter_mut().for_each(|v| self.expr(sc, v)),
            Expr::List(x) => x.elts.iter_mut().for_each(|v| self.expr(sc, v)),
            Expr::Tuple(x) => x.elts.iter_mut().for_each(|v| self.expr(sc, v)),
            Expr::Await(x) => self.expr(sc, &mut x.value),
            Expr::Compare(x) => {
                self.expr(sc, &mut x.left);
                x.comparators.iter_mut().for_each(|v| self.expr(sc, v));
            }
            Expr::Call(x) => {
                self.expr(sc, &mut x.func);
                x.args.iter_mut().for_each(|v| self.expr(sc, v));
                x.keywords.iter_mut().for_each(|k| self.expr(sc, &mut k.value));
            }
            Expr::FormattedValue(x) => {
                self.expr(sc, &mut x.value);
                if let Some(f) = &mut x.format_spec {
                    self.expr(sc, f);
                }
            }
            Expr::JoinedStr(x) => x.values.iter_mut().for_each(|v| self.expr(sc, v)),
            Expr::Attribute(x) => self.expr(sc, &mut x.value),
            Expr::Subscript(x) => {
                self.expr(sc, &mut x.value);
                self.expr(sc, &mut x.slice);
            }
            Expr::Starred(x) => self.expr(sc, &mut x.value),
            Expr::Slice(x) => {
                for p in [&mut x.lower, &mut x.upper, &mut x.step].into_iter().flatten() {
                    self.expr(sc, p);
                }
            }
            Expr::Constant(_) => {}
        }
    }

    // -----------------------------------------------------------------------
    // Pass 2: resolve free variables to cells.

    fn is_funclike(&self, i: usize) -> bool {
        matches!(self.scopes[i].kind, CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension)
    }
    fn is_local(&self, i: usize, n: &str) -> bool {
        let sc = &self.scopes[i];
        sc.bound.contains(n) && !sc.globals.contains(n) && !sc.nonlocals.contains(n)
    }

    fn resolve(&mut self) {
        for i in 0..self.scopes.len() {
            if self.scopes[i].kind == CodeKind::Module {
                continue;
            }
            // names this scope needs from outside
            let mut wanted: Vec<Str> = vec![];
            {
                let sc = &self.scopes[i];
                for n in sc.used.iter().chain(sc.nonlocals.iter()) {
                    if sc.globals.contains(n) || self.is_local(i, n) {
                        continue;
                    }
                    if sc.kind == CodeKind::Class && sc.bound.contains(n) {
                        continue;
                    }
                    wanted.push(n.clone());
                }
            }
            for n in wanted {
                // walk outwards
                let mut path = vec![i];
                let mut cur = self.scopes[i].parent;
                let mut found = None;
                while let Some(a) = cur {
                    let k = self.scopes[a].kind;
                    if k == CodeKind::Module {
                        break;
                    }
                    if self.scopes[a].globals.contains(&n) {
                        break;
                    }
                    if self.is_funclike(a) && self.is_local(a, &n) {
                        found = Some(a);
                        break;
                    }
                    path.push(a);
                    cur = self.scopes[a].parent;
                }
                if let Some(a) = found {
                    self.scopes[a].cellvars.insert(n.clone());
                    for p in path {
                        self.scopes[p].freevars.insert(n.clone());
                    }
                }
            }
        }
    }
}

/// Prepare a parsed module: resolve scopes and register every code object.
/// Returns the module's own code.
pub fn prepare(file: &str, source: &str, mut suite: Vec<Stmt>) -> Result<Rc<Code>, String> {
    let unit = Rc::new(Unit::new(file, source));
    let mut c = Collector { scopes: vec![] };
    let root = c.new_scope(CodeKind::Module, "<module>", None, 0);
    c.body(root, &mut suite);
    c.scopes[root].body = suite;
    // nonlocal declarations must bind in an enclosing function
    for i in 0..c.scopes.len() {
        for n in c.scopes[i].nonlocals.clone() {
            let mut cur = c.scopes[i].parent;
            let mut ok = false;
            while let Some(a) = cur {
                if c.scopes[a].kind == CodeKind::Module {
                    break;
                }
                if c.is_funclike(a) && c.scopes[a].bound.contains(&n) && !c.scopes[a].globals.contains(&n) {
                    ok = true;
                    break;
                }
                cur = c.scopes[a].parent;
            }
            if !ok && c.scopes[i].kind != CodeKind::Comprehension {
                let line = unit.line_of(c.scopes[i].offset);
                return Err(format!("SyntaxError: no binding for nonlocal '{n}' found (line {line})"));
            }
        }
    }
    c.resolve();
    let mut codes = HashMap::new();
    let mut root_code = None;
    for sc in c.scopes.into_iter() {
        let code = Rc::new(build_code(sc, &unit));
        if code.kind == CodeKind::Module {
            root_code = Some(code);
        } else {
            codes.insert((code.offset, code.kind as u8), code);
        }
    }
    let _ = unit.codes.set(codes);
    root_code.ok_or_else(|| "internal: no module code".to_string())
}

fn build_code(sc: Scope, unit: &Rc<Unit>) -> Code {
    let mut names = HashMap::new();
    let mut cell_names: Vec<Str> = vec![];
    let mut cell_index = HashMap::new();
    let funclike = matches!(sc.kind, CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension);
    for n in &sc.cellvars {
        cell_index.insert(n.clone(), cell_names.len());
        cell_names.push(n.clone());
    }
    let ncellvars = cell_names.len();
    for n in &sc.freevars {
        if !cell_index.contains_key(n) {
            cell_index.insert(n.clone(), cell_names.len());
            cell_names.push(n.clone());
        }
    }
    let mut nfast = 0;
    match sc.kind {
        CodeKind::Module => {}
        CodeKind::Class => {
            for n in &sc.freevars {
                if sc.used.contains(n) && !sc.bound.contains(n) {
                    names.insert(n.clone(), NameRes::ClassDeref(cell_index[n]));
                }
            }
            for n in &sc.globals {
                names.insert(n.clone(), NameRes::Global);
            }
        }
        _ => {
            for n in sc.params.iter().chain(sc.bound.iter()) {
                if names.contains_key(n) || sc.globals.contains(n) || sc.nonlocals.contains(n) {
                    continue;
                }
                if let Some(&ci) = cell_index.get(n) {
                    names.insert(n.clone(), NameRes::Cell(ci));
                } else {
                    names.insert(n.clone(), NameRes::Fast(nfast));
                    nfast += 1;
                }
            }
            for n in &sc.freevars {
                if !names.contains_key(n) {
                    names.insert(n.clone(), NameRes::Cell(cell_index[n]));
                }
            }
            for n in &sc.globals {
                names.insert(n.clone(), NameRes::Global);
            }
        }
    }
    let _ = funclike;
    let (npos, nposonly, vararg, kwonly, kwarg) = sc.param_info;
    let slots = sc.params.iter().map(|p| *names.get(p).unwrap_or(&NameRes::Global)).collect();
    let params = Params { args: sc.params[..npos.min(sc.params.len())].to_vec(), posonly: nposonly, vararg, kwonly, kwarg, slots };
    Code {
        kind: sc.kind,
        name: sc.name,
        qualname: sc.qualname,
        unit: unit.clone(),
        offset: sc.offset,
        body: sc.body,
        lambda_body: sc.lambda_body,
        params,
        names,
        resolved: RefCell::new(HashMap::default()),
        nfast,
        cell_names,
        ncellvars,
        cell_index,
        is_generator: sc.is_generator,
        doc: sc.doc,
    }
}
