//! `break` and `continue` lowered to boolean flags, as TF's
//! `break_statements.py` and `continue_statements.py` do, so loop bodies
//! become straight-line code with guards:
//!
//! ```text
//! while test:            break_ = False
//!     a                  while not break_ and test:
//!     if c:                  continue_ = False
//!         break              a
//!     b                      if c:
//!                                break_ = True
//!                                continue_ = True
//!                            if not continue_:
//!                                b
//! ```
//!
//! A `for` loop with a `break` gets the extra test `not break_` (recorded in
//! [`ExtraTests`], keyed by the loop's source offset) and a marker statement
//! `(break_,)` at the start of its body, as TF emits.

use std::collections::HashMap;

use rustpython_parser::ast::{self, Stmt};
use rustpython_parser::text_size::TextSize;

use super::blocks::{BlockBuilder, Branch};
use super::build;
use super::names::Namer;

/// Extra loop tests of `for` loops (`not break_`, `not do_return`), by the
/// start offset of the loop statement.
pub type ExtraTests = HashMap<TextSize, ast::Expr>;

struct BreakState {
    var: String,
    used: bool,
}

/// Lower every `break` in `body` (a function body, including nested
/// functions) to a flag.
pub fn lower_breaks(body: Vec<Stmt>, namer: &mut Namer, extra_tests: &mut ExtraTests) -> Vec<Stmt> {
    let mut t = Breaks { namer, extra_tests };
    t.block(body, None)
}

struct Breaks<'a> {
    namer: &'a mut Namer,
    extra_tests: &'a mut ExtraTests,
}

impl Breaks<'_> {
    fn block(&mut self, stmts: Vec<Stmt>, mut state: Option<&mut BreakState>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            out.extend(self.stmt(s, state.as_deref_mut()));
        }
        out
    }

    fn guard(var: &str, block: Vec<Stmt>) -> Vec<Stmt> {
        if block.is_empty() {
            return block;
        }
        vec![build::if_(build::not(build::name(var)), block, Vec::new())]
    }

    fn stmt(&mut self, s: Stmt, mut state: Option<&mut BreakState>) -> Vec<Stmt> {
        match s {
            Stmt::Break(_) => match state {
                Some(st) => {
                    st.used = true;
                    vec![
                        build::assign_name(&st.var, build::bool_(true)),
                        build::continue_(),
                    ]
                }
                None => vec![s],
            },
            Stmt::While(mut w) => {
                let mut st = BreakState {
                    var: self.namer.new_symbol("break_"),
                    used: false,
                };
                w.body = self.block(std::mem::take(&mut w.body), Some(&mut st));
                // A break in the else clause applies to the enclosing loop.
                w.orelse = self.block(std::mem::take(&mut w.orelse), state.as_deref_mut());
                if !st.used {
                    return vec![Stmt::While(w)];
                }
                w.orelse = Self::guard(&st.var, std::mem::take(&mut w.orelse));
                let test = std::mem::replace(&mut w.test, Box::new(build::none()));
                w.test = Box::new(build::and(build::not(build::name(&st.var)), *test));
                vec![
                    build::assign_name(&st.var, build::bool_(false)),
                    Stmt::While(w),
                ]
            }
            Stmt::For(mut f) => {
                let mut st = BreakState {
                    var: self.namer.new_symbol("break_"),
                    used: false,
                };
                f.body = self.block(std::mem::take(&mut f.body), Some(&mut st));
                f.orelse = self.block(std::mem::take(&mut f.orelse), state.as_deref_mut());
                if !st.used {
                    return vec![Stmt::For(f)];
                }
                f.orelse = Self::guard(&st.var, std::mem::take(&mut f.orelse));
                // Marks the flag as used by the loop, as TF does.
                f.body.insert(
                    0,
                    build::expr_stmt(build::tuple(vec![build::name(&st.var)])),
                );
                self.extra_tests
                    .insert(f.range.start(), build::not(build::name(&st.var)));
                vec![
                    build::assign_name(&st.var, build::bool_(false)),
                    Stmt::For(f),
                ]
            }
            Stmt::FunctionDef(mut f) => {
                f.body = self.block(std::mem::take(&mut f.body), None);
                vec![Stmt::FunctionDef(f)]
            }
            Stmt::ClassDef(_) => vec![s],
            mut other => {
                for b in super::visit::stmt_blocks_mut(&mut other) {
                    let stmts = std::mem::take(b);
                    *b = self.block(stmts, state.as_deref_mut());
                }
                vec![other]
            }
        }
    }
}

struct ContinueState {
    var: String,
    used: bool,
}

#[derive(Default)]
struct BlockState {
    is_loop: bool,
    guard_current: bool,
    guard_next: bool,
}

/// Lower every `continue` in `body` (a function body, including nested
/// functions) to a flag and guards on the statements after it.
pub fn lower_continues(body: Vec<Stmt>, namer: &mut Namer) -> Vec<Stmt> {
    let mut t = Continues {
        namer,
        cont: Vec::new(),
        blocks: Vec::new(),
    };
    t.plain_block(body)
}

struct Continues<'a> {
    namer: &'a mut Namer,
    cont: Vec<ContinueState>,
    blocks: Vec<BlockState>,
}

impl Continues<'_> {
    /// A block outside any guard tracking (a function body).
    fn plain_block(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let saved_cont = std::mem::take(&mut self.cont);
        let saved_blocks = std::mem::take(&mut self.blocks);
        let mut out = Vec::new();
        for s in stmts {
            out.extend(self.stmt(s));
        }
        self.cont = saved_cont;
        self.blocks = saved_blocks;
        out
    }

    fn guarded_block(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let mut bb = BlockBuilder::default();
        for s in stmts {
            let unit = self.stmt(s);
            let used = self.cont.last().map(|c| c.used).unwrap_or(false);
            if !used {
                bb.push(unit);
                continue;
            }
            let Some(block) = self.blocks.last_mut() else {
                bb.push(unit);
                continue;
            };
            let wrap = block.guard_current;
            block.guard_current = block.guard_next;
            block.guard_next = false;
            if wrap {
                let var = self.cont.last().map(|c| c.var.clone()).unwrap_or_default();
                bb.push_capturing(
                    build::if_(build::not(build::name(&var)), unit, Vec::new()),
                    Branch::Body,
                );
            } else {
                bb.push(unit);
            }
        }
        bb.finish()
    }

    fn non_loop_block(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        self.blocks.push(BlockState::default());
        let out = self.guarded_block(stmts);
        self.blocks.pop();
        out
    }

    fn loop_body(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let var = self.namer.new_symbol("continue_");
        self.cont.push(ContinueState { var, used: false });
        self.blocks.push(BlockState {
            is_loop: true,
            ..Default::default()
        });
        let mut out = self.guarded_block(stmts);
        self.blocks.pop();
        if let Some(c) = self.cont.pop() {
            if c.used {
                out.insert(0, build::assign_name(&c.var, build::bool_(false)));
            }
        }
        out
    }

    fn stmt(&mut self, s: Stmt) -> Vec<Stmt> {
        match s {
            Stmt::Continue(_) => {
                let Some(c) = self.cont.last_mut() else {
                    return vec![s];
                };
                c.used = true;
                let var = c.var.clone();
                for b in self.blocks.iter_mut().rev() {
                    b.guard_next = true;
                    if b.is_loop {
                        break;
                    }
                }
                vec![build::assign_name(&var, build::bool_(true))]
            }
            Stmt::While(mut w) => {
                w.body = self.loop_body(std::mem::take(&mut w.body));
                w.orelse = self.non_loop_block(std::mem::take(&mut w.orelse));
                vec![Stmt::While(w)]
            }
            Stmt::For(mut f) => {
                f.body = self.loop_body(std::mem::take(&mut f.body));
                f.orelse = self.non_loop_block(std::mem::take(&mut f.orelse));
                vec![Stmt::For(f)]
            }
            Stmt::If(mut i) => {
                i.body = self.non_loop_block(std::mem::take(&mut i.body));
                i.orelse = self.non_loop_block(std::mem::take(&mut i.orelse));
                vec![Stmt::If(i)]
            }
            Stmt::FunctionDef(mut f) => {
                f.body = self.plain_block(std::mem::take(&mut f.body));
                vec![Stmt::FunctionDef(f)]
            }
            Stmt::ClassDef(_) => vec![s],
            mut other => {
                for b in super::visit::stmt_blocks_mut(&mut other) {
                    let stmts = std::mem::take(b);
                    *b = self.non_loop_block(stmts);
                }
                vec![other]
            }
        }
    }
}
