//! `return` lowered to a single exit, as TF's `return_statements.py`:
//!
//! 1. conditional returns are made explicit: after `if c: …; return x`, the
//!    rest of the block moves into the `else` (and vice versa), so both
//!    branches of a tensor `if` produce the return value;
//! 2. every `return v` becomes
//!    `try: do_return = True; retval_ = v` / `except: do_return = False; raise`,
//!    statements after a possible return are guarded by `if not do_return:`,
//!    loops containing a return get `not do_return` in their test (extra test
//!    for `for`), and the function scope ends with
//!    `return fscope.ret(retval_, do_return)` after initializing
//!    `do_return = False`, `retval_ = ag__.UndefinedReturnValue()`.
//!
//! Runs after the function-scope wrapping: a function body is
//! `[docstring,] with ag__.FunctionScope(…) as fscope: …`.

use rustpython_parser::ast::{self, Expr, Stmt};

use super::blocks::{BlockBuilder, Branch};
use super::break_continue::ExtraTests;
use super::build;
use super::names::Namer;

/// Lower the returns of a function definition (and of the functions nested
/// in it).
pub fn lower_returns(
    def: &mut ast::StmtFunctionDef,
    namer: &mut Namer,
    extra_tests: &mut ExtraTests,
) {
    def.body = explicit_conditional_returns(std::mem::take(&mut def.body)).0;
    let mut t = Returns {
        namer,
        extra_tests,
        blocks: Vec::new(),
        funcs: Vec::new(),
    };
    t.function(def);
}

/// Step 1: returns `(block, definitely_returns)`.
fn explicit_conditional_returns(stmts: Vec<Stmt>) -> (Vec<Stmt>, bool) {
    let mut bb = BlockBuilder::default();
    let mut definitely = false;
    for s in stmts {
        match s {
            Stmt::Return(_) => {
                definitely = true;
                bb.push(vec![s]);
            }
            Stmt::If(mut i) => {
                let (body, body_returns) =
                    explicit_conditional_returns(std::mem::take(&mut i.body));
                let (orelse, orelse_returns) =
                    explicit_conditional_returns(std::mem::take(&mut i.orelse));
                i.body = body;
                i.orelse = orelse;
                if body_returns && orelse_returns {
                    definitely = true;
                }
                if body_returns {
                    bb.push_capturing(Stmt::If(i), Branch::Orelse);
                } else if orelse_returns {
                    bb.push_capturing(Stmt::If(i), Branch::Body);
                } else {
                    bb.push(vec![Stmt::If(i)]);
                }
            }
            Stmt::With(mut w) => {
                let (body, returns) = explicit_conditional_returns(std::mem::take(&mut w.body));
                w.body = body;
                if returns {
                    definitely = true;
                }
                bb.push(vec![Stmt::With(w)]);
            }
            Stmt::FunctionDef(mut f) => {
                f.body = explicit_conditional_returns(std::mem::take(&mut f.body)).0;
                bb.push(vec![Stmt::FunctionDef(f)]);
            }
            Stmt::ClassDef(_) => bb.push(vec![s]),
            mut other => {
                for b in super::visit::stmt_blocks_mut(&mut other) {
                    *b = explicit_conditional_returns(std::mem::take(b)).0;
                }
                bb.push(vec![other]);
            }
        }
    }
    (bb.finish(), definitely)
}

#[derive(Default)]
struct Block {
    is_function: bool,
    return_used: bool,
    guard_next: bool,
    guard_now: bool,
}

struct Func {
    do_return: String,
    retval: String,
}

struct Returns<'a> {
    namer: &'a mut Namer,
    extra_tests: &'a mut ExtraTests,
    blocks: Vec<Block>,
    funcs: Vec<Func>,
}

impl Returns<'_> {
    fn function(&mut self, def: &mut ast::StmtFunctionDef) {
        let do_return = self.namer.new_symbol("do_return");
        let retval = self.namer.new_symbol("retval_");
        self.funcs.push(Func {
            do_return: do_return.clone(),
            retval: retval.clone(),
        });
        self.blocks.push(Block {
            is_function: true,
            ..Default::default()
        });
        def.body = self.block(std::mem::take(&mut def.body));
        let used = self.blocks.pop().map(|b| b.return_used).unwrap_or(false);
        self.funcs.pop();
        if !used {
            return;
        }
        // The function converter wrapped the body in a `with` statement.
        if let Some(Stmt::With(w)) = def.body.last_mut() {
            let scope = w
                .items
                .first()
                .and_then(|i| i.optional_vars.as_deref())
                .and_then(build::dotted_name)
                .unwrap_or_else(|| "fscope".to_string());
            let mut body = vec![
                build::assign_name(&do_return, build::bool_(false)),
                build::assign_name(
                    &retval,
                    build::call(build::dotted("ag__.UndefinedReturnValue"), Vec::new()),
                ),
            ];
            body.extend(std::mem::take(&mut w.body));
            body.push(build::return_(build::call(
                build::attr(build::name(&scope), "ret"),
                vec![build::name(&retval), build::name(&do_return)],
            )));
            w.body = body;
        } else {
            def.body.push(build::return_(build::name(&retval)));
        }
    }

    fn current(&self) -> Option<&Func> {
        self.funcs.last()
    }

    fn not_do_return(&self) -> Expr {
        let var = self
            .current()
            .map(|f| f.do_return.clone())
            .unwrap_or_default();
        build::not(build::name(&var))
    }

    fn block(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        self.blocks.push(Block::default());
        let mut bb = BlockBuilder::default();
        for s in stmts {
            let unit = self.stmt(s);
            let Some(block) = self.blocks.last_mut() else {
                bb.push(unit);
                continue;
            };
            if !block.return_used {
                bb.push(unit);
                continue;
            }
            let wrap = block.guard_now;
            block.guard_now = block.guard_next;
            block.guard_next = false;
            if wrap {
                bb.push_capturing(
                    build::if_(self.not_do_return(), unit, Vec::new()),
                    Branch::Body,
                );
            } else {
                bb.push(unit);
            }
        }
        self.blocks.pop();
        bb.finish()
    }

    fn enclosing_return_used(&self) -> bool {
        self.blocks.last().map(|b| b.return_used).unwrap_or(false)
    }

    fn stmt(&mut self, s: Stmt) -> Vec<Stmt> {
        match s {
            Stmt::Return(r) => {
                for b in self.blocks.iter_mut().rev() {
                    b.return_used = true;
                    b.guard_next = true;
                    if b.is_function {
                        break;
                    }
                }
                let Some(f) = self.current() else {
                    return vec![Stmt::Return(r)];
                };
                let value = r.value.map(|v| *v).unwrap_or_else(build::none);
                let mut set = build::assign_name(&f.retval, value);
                if let Stmt::Assign(a) = &mut set {
                    a.range = r.range;
                }
                vec![build::try_except_all(
                    vec![build::assign_name(&f.do_return, build::bool_(true)), set],
                    vec![
                        build::assign_name(&f.do_return, build::bool_(false)),
                        build::reraise(),
                    ],
                )]
            }
            Stmt::While(mut w) => {
                w.body = self.block(std::mem::take(&mut w.body));
                if self.enclosing_return_used() {
                    let test = std::mem::replace(&mut w.test, Box::new(build::none()));
                    w.test = Box::new(build::and(self.not_do_return(), *test));
                }
                w.orelse = self.block(std::mem::take(&mut w.orelse));
                vec![Stmt::While(w)]
            }
            Stmt::For(mut f) => {
                f.body = self.block(std::mem::take(&mut f.body));
                if self.enclosing_return_used() {
                    let key = f.range.start();
                    let test = match self.extra_tests.remove(&key) {
                        Some(extra) => build::and(self.not_do_return(), extra),
                        None => self.not_do_return(),
                    };
                    self.extra_tests.insert(key, test);
                }
                f.orelse = self.block(std::mem::take(&mut f.orelse));
                vec![Stmt::For(f)]
            }
            Stmt::FunctionDef(mut f) => {
                self.function(&mut f);
                vec![Stmt::FunctionDef(f)]
            }
            Stmt::ClassDef(_) => vec![s],
            mut other => {
                for b in super::visit::stmt_blocks_mut(&mut other) {
                    *b = self.block(std::mem::take(b));
                }
                vec![other]
            }
        }
    }
}
