//! Running AutoGraph-converted functions: the source of a program function
//! is found again (its file is re-parsed, the `def` found by offset),
//! converted with `tfjit_autograph::convert::convert_def`, compiled in the
//! scope of a factory `def __ag_factory(ag__, <free variables>)` so that
//! `ag__` and the original closure variables are cells, and turned into a
//! function value that shares the original's globals, closure cells,
//! defaults and class cell. Generated statements keep the user's source
//! ranges, so errors point at the user's lines. Compiled code is cached per
//! function body.

use crate::exc::{Exc, PyResult};
use crate::interp::code::{self, Code, CodeKind};
use crate::interp::{Function, Interp};
use crate::value::{Str, Value};
use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::{TextRange, TextSize};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

thread_local! {
    /// Parsed source files, by unit.
    static PARSED: RefCell<HashMap<usize, Rc<Vec<Stmt>>>> = RefCell::new(HashMap::new());
    /// Converted code by (original code, user_requested); `None`: not convertible.
    static CONVERTED: RefCell<HashMap<(usize, bool), Option<Rc<Code>>>> = RefCell::new(HashMap::new());
}

fn parsed(unit: &Rc<code::Unit>) -> PyResult<Rc<Vec<Stmt>>> {
    let key = Rc::as_ptr(unit) as usize;
    if let Some(p) = PARSED.with(|p| p.borrow().get(&key).cloned()) {
        return Ok(p);
    }
    use rustpython_parser::Parse;
    let suite = ast::Suite::parse(&unit.source, &unit.file)
        .map_err(|e| Exc::new("SyntaxError", format!("{} ({})", e.error, unit.file)))?;
    let p = Rc::new(suite);
    PARSED.with(|m| m.borrow_mut().insert(key, p.clone()));
    Ok(p)
}

/// The `def` starting at byte `offset`, anywhere in `body`.
fn find_def(body: &[Stmt], offset: u32) -> Option<&ast::StmtFunctionDef> {
    for s in body {
        if let Stmt::FunctionDef(d) = s {
            if d.range.start().to_u32() == offset {
                return Some(d);
            }
        }
        let found = match s {
            Stmt::FunctionDef(d) => find_def(&d.body, offset),
            Stmt::ClassDef(c) => find_def(&c.body, offset),
            Stmt::If(x) => find_def(&x.body, offset).or_else(|| find_def(&x.orelse, offset)),
            Stmt::For(x) => find_def(&x.body, offset).or_else(|| find_def(&x.orelse, offset)),
            Stmt::While(x) => find_def(&x.body, offset).or_else(|| find_def(&x.orelse, offset)),
            Stmt::With(x) => find_def(&x.body, offset),
            Stmt::Try(x) => find_def(&x.body, offset)
                .or_else(|| {
                    x.handlers.iter().find_map(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        find_def(&h.body, offset)
                    })
                })
                .or_else(|| find_def(&x.orelse, offset))
                .or_else(|| find_def(&x.finalbody, offset)),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

fn name_expr(id: &str) -> Expr {
    Expr::Name(ast::ExprName { range: TextRange::default(), id: ast::Identifier::new(id), ctx: ast::ExprContext::Load })
}

/// Gives every nested function, lambda and comprehension a distinct start
/// offset (the interpreter finds their code by it); generated ones get
/// offsets past the end of the source.
struct Renumber {
    seen: HashSet<(u32, u8)>,
    next: u32,
}

impl Renumber {
    fn fresh(&mut self, start: TextSize, kind: CodeKind) -> Option<TextRange> {
        let k = (start.to_u32(), kind as u8);
        if start.to_u32() != 0 && self.seen.insert(k) {
            return None;
        }
        loop {
            let s = self.next;
            self.next += 1;
            if self.seen.insert((s, kind as u8)) {
                return Some(TextRange::new(TextSize::from(s), TextSize::from(s)));
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        let kind = match e {
            Expr::Lambda(_) => Some(CodeKind::Lambda),
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::GeneratorExp(_) => Some(CodeKind::Comprehension),
            _ => None,
        };
        if let Some(kind) = kind {
            if let Some(r) = self.fresh(e.range().start(), kind) {
                match e {
                    Expr::Lambda(x) => x.range = r,
                    Expr::ListComp(x) => x.range = r,
                    Expr::SetComp(x) => x.range = r,
                    Expr::DictComp(x) => x.range = r,
                    Expr::GeneratorExp(x) => x.range = r,
                    _ => {}
                }
            }
        }
    }

    fn stmts(&mut self, body: &mut [Stmt]) {
        for s in body {
            if let Stmt::FunctionDef(d) = s {
                if let Some(r) = self.fresh(d.range.start(), CodeKind::Function) {
                    d.range = r;
                }
            }
            tfjit_autograph::convert::visit::stmt_exprs_mut(s, &mut |e| {
                tfjit_autograph::convert::visit::rewrite_expr_post(e, &mut |x| self.expr(x))
            });
            for block in tfjit_autograph::convert::visit::stmt_blocks_mut(s) {
                self.stmts(block);
            }
        }
    }
}

/// Compiles the converted code of `f` (cached).
fn converted_code(f: &Rc<Function>, user_requested: bool, interp: &mut Interp) -> PyResult<Option<Rc<Code>>> {
    let key = (Rc::as_ptr(&f.code) as usize, user_requested);
    if let Some(c) = CONVERTED.with(|m| m.borrow().get(&key).cloned()) {
        return Ok(c);
    }
    let r = compile(f, user_requested, interp);
    let c = match r {
        Ok(c) => Some(c),
        Err(e) if e.is("ValueError") || e.is("TypeError") => return Err(e),
        Err(e) => {
            let msg = crate::tf::autograph::exc_message(&e);
            interp.write_stderr(&format!(
                "WARNING:tensorflow:AutoGraph could not transform <function {}> and will run it as-is.\nCause: {msg}\n",
                f.qualname
            ));
            None
        }
    };
    CONVERTED.with(|m| m.borrow_mut().insert(key, c.clone()));
    Ok(c)
}

fn compile(f: &Rc<Function>, user_requested: bool, interp: &mut Interp) -> PyResult<Rc<Code>> {
    let unit = f.code.unit.clone();
    let body = parsed(&unit)?;
    let def = find_def(&body, f.code.offset)
        .ok_or_else(|| Exc::not_implemented(format!("the source of {} was not found", f.qualname)))?;
    let globals: BTreeSet<String> = tfjit_autograph::walk::bound_names(&body).into_iter().collect();
    let opts = tfjit_autograph::convert::ConvertOptions { user_requested };
    let mut conv = tfjit_autograph::convert::convert_def(def, &globals, &opts)
        .map_err(|e| Exc::new(if e.kind == "ValueError" || e.kind == "TypeError" { e.kind } else { "NotImplementedError" }, e.message))?;
    // Run under the original name (tracebacks say `in f`, as TF's do).
    conv.name = def.name.clone();
    let def_offset = conv.range.start().to_u32();
    let mut renumber = Renumber { seen: HashSet::new(), next: unit.source.len() as u32 + 16 };
    renumber.seen.insert((def_offset, CodeKind::Function as u8));
    renumber.stmts(&mut conv.body);
    for d in conv.decorator_list.iter_mut() {
        tfjit_autograph::convert::visit::rewrite_expr_post(d, &mut |x| renumber.expr(x));
    }
    conv.decorator_list.clear();
    let fname = conv.name.to_string();
    // def __ag_factory(ag__, <freevars>): <conv>; return <name>
    let mut params = vec![Str::from("ag__")];
    params.extend(f.code.freevars().iter().cloned());
    let arg = |n: &str| ast::ArgWithDefault {
        range: Default::default(),
        def: ast::Arg { range: Default::default(), arg: ast::Identifier::new(n), annotation: None, type_comment: None },
        default: None,
    };
    let factory_range = renumber.fresh(TextSize::from(0), CodeKind::Function).unwrap_or_default();
    let factory = ast::StmtFunctionDef {
        range: factory_range,
        name: ast::Identifier::new("__ag_factory"),
        args: Box::new(ast::Arguments {
            range: Default::default(),
            posonlyargs: vec![],
            args: params.iter().map(|p| arg(p)).collect(),
            vararg: None,
            kwonlyargs: vec![],
            kwarg: None,
        }),
        body: vec![
            Stmt::FunctionDef(conv),
            Stmt::Return(ast::StmtReturn { range: Default::default(), value: Some(Box::new(name_expr(&fname))) }),
        ],
        decorator_list: vec![],
        returns: None,
        type_comment: None,
        type_params: vec![],
    };
    let module = code::prepare(&unit.file, &unit.source, vec![Stmt::FunctionDef(factory)]).map_err(|m| Exc::new("SyntaxError", m))?;
    interp.source_units.push(module.unit.clone());
    module
        .unit
        .code(def_offset, CodeKind::Function)
        .cloned()
        .ok_or_else(|| Exc::runtime_error("internal: converted code not found"))
}

/// The converted version of program function `f`, sharing its globals,
/// closure cells and defaults; `None` if it cannot be converted (it then
/// runs as it is, as TF does after its warning).
pub fn convert_function(f: &Rc<Function>, user_requested: bool, interp: &mut Interp) -> PyResult<Option<Value>> {
    if f.code.kind != CodeKind::Function || f.code.is_generator {
        return Ok(None);
    }
    let Some(code) = converted_code(f, user_requested, interp)? else {
        return Ok(None);
    };
    let ag = crate::tf::autograph::ag_module();
    let orig_free = f.code.freevars();
    let closure = code
        .freevars()
        .iter()
        .map(|n| {
            if &**n == "ag__" {
                return Rc::new(RefCell::new(Some(ag.clone())));
            }
            match orig_free.iter().position(|x| x == n) {
                Some(i) => f.closure.get(i).cloned().unwrap_or_else(|| Rc::new(RefCell::new(None))),
                None => Rc::new(RefCell::new(None)),
            }
        })
        .collect();
    Ok(Some(Value::Function(Rc::new(Function {
        name: f.name.clone(),
        qualname: f.qualname.clone(),
        code,
        defaults: f.defaults.clone(),
        kw_defaults: f.kw_defaults.clone(),
        closure,
        globals: f.globals.clone(),
        class_cell: f.class_cell.clone(),
        attrs: RefCell::new(f.attrs.borrow().clone()),
    }))))
}

/// The converted code of `f` as readable Python (`tf.autograph.to_code`).
pub fn source_code(f: &Rc<Function>) -> PyResult<String> {
    let unit = f.code.unit.clone();
    let body = parsed(&unit)?;
    let def = find_def(&body, f.code.offset)
        .ok_or_else(|| Exc::not_implemented(format!("the source of {} was not found", f.qualname)))?;
    let globals: BTreeSet<String> = tfjit_autograph::walk::bound_names(&body).into_iter().collect();
    let conv = tfjit_autograph::convert::convert_def(def, &globals, &tfjit_autograph::convert::ConvertOptions { user_requested: true })
        .map_err(|e| Exc::new(if e.kind == "ValueError" || e.kind == "TypeError" { e.kind } else { "NotImplementedError" }, e.message))?;
    let mut code = tfjit_autograph::unparse::unparse_stmt(&Stmt::FunctionDef(conv));
    if !code.ends_with('\n') {
        code.push('\n');
    }
    Ok(code)
}
