//! Assembling a rewritten statement block where a statement may capture the
//! statements after it (TF's `visit_block(after_visit=…)`): guards such as
//! `if not continue_:` and the `if`/`else` a conditional `return` grows take
//! every following statement of the block into one of their branches.

use rustpython_parser::ast::Stmt;

/// Which branch of an `if` receives the statements that follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// The `if` body.
    Body,
    /// The `else` block.
    Orelse,
}

/// A block under construction.
#[derive(Default)]
pub struct BlockBuilder {
    root: Vec<Stmt>,
    open: Vec<(Stmt, Branch)>,
}

impl BlockBuilder {
    fn dest(&mut self) -> &mut Vec<Stmt> {
        match self.open.last_mut() {
            Some((Stmt::If(i), Branch::Body)) => &mut i.body,
            Some((Stmt::If(i), Branch::Orelse)) => &mut i.orelse,
            _ => &mut self.root,
        }
    }

    /// Append statements where the block currently grows.
    pub fn push(&mut self, stmts: Vec<Stmt>) {
        self.dest().extend(stmts);
    }

    /// Append an `if` statement; the statements pushed after it go into its
    /// `branch`. (Anything but an `if` is appended normally.)
    pub fn push_capturing(&mut self, stmt: Stmt, branch: Branch) {
        if matches!(stmt, Stmt::If(_)) {
            self.open.push((stmt, branch));
        } else {
            self.push(vec![stmt]);
        }
    }

    /// The finished block.
    pub fn finish(mut self) -> Vec<Stmt> {
        while let Some((s, _)) = self.open.pop() {
            self.dest().push(s);
        }
        self.root
    }
}
