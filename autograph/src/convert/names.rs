//! Fresh names for generated symbols (TF's `naming.Namer`): `get_state`,
//! `get_state_1`, … never clashing with a name the function or its module
//! uses, nor with a name generated before.

use std::collections::BTreeSet;

use rustpython_parser::ast::{Expr, Stmt};

use crate::walk::{children, Node};

/// Generates fresh symbol names.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    reserved: BTreeSet<String>,
    generated: BTreeSet<String>,
}

impl Namer {
    /// A namer that avoids every name in `reserved`.
    pub fn new(reserved: BTreeSet<String>) -> Self {
        Namer {
            reserved,
            generated: BTreeSet::new(),
        }
    }

    /// A new name derived from `root`: `root`, else `root_1`, `root_2`, …
    /// (a numeric suffix of `root` is the starting counter, as in TF).
    pub fn new_symbol(&mut self, root: &str) -> String {
        let (base, mut n) = match root.rsplit_once('_') {
            Some((b, digits))
                if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) =>
            {
                (b.to_string(), digits.parse::<u64>().unwrap_or(0))
            }
            _ => (root.to_string(), 0),
        };
        let mut candidate = base.clone();
        while self.reserved.contains(&candidate) || self.generated.contains(&candidate) {
            n += 1;
            candidate = format!("{base}_{n}");
        }
        self.generated.insert(candidate.clone());
        candidate
    }
}

/// Every identifier used in `stmts`: names, attribute names, parameters,
/// function/class names, `global`/`nonlocal` names, import aliases.
pub fn referenced_names(stmts: &[Stmt], out: &mut BTreeSet<String>) {
    fn node(n: Node<'_>, out: &mut BTreeSet<String>) {
        match n {
            Node::Stmt(s) => match s {
                Stmt::FunctionDef(f) => {
                    out.insert(f.name.to_string());
                    for a in crate::walk::parameters(&f.args) {
                        out.insert(a.arg.to_string());
                    }
                }
                Stmt::ClassDef(c) => {
                    out.insert(c.name.to_string());
                }
                Stmt::Global(g) => out.extend(g.names.iter().map(|n| n.to_string())),
                Stmt::Nonlocal(g) => out.extend(g.names.iter().map(|n| n.to_string())),
                Stmt::Import(i) => {
                    for a in &i.names {
                        out.insert(a.name.to_string());
                        if let Some(n) = &a.asname {
                            out.insert(n.to_string());
                        }
                    }
                }
                Stmt::ImportFrom(i) => {
                    for a in &i.names {
                        out.insert(a.name.to_string());
                        if let Some(n) = &a.asname {
                            out.insert(n.to_string());
                        }
                    }
                }
                Stmt::Try(t) => {
                    for h in &t.handlers {
                        let rustpython_parser::ast::ExceptHandler::ExceptHandler(h) = h;
                        if let Some(n) = &h.name {
                            out.insert(n.to_string());
                        }
                    }
                }
                _ => {}
            },
            Node::Expr(e) => match e {
                Expr::Name(n) => {
                    out.insert(n.id.to_string());
                }
                Expr::Attribute(a) => {
                    out.insert(a.attr.to_string());
                }
                Expr::Lambda(l) => {
                    for a in crate::walk::parameters(&l.args) {
                        out.insert(a.arg.to_string());
                    }
                }
                Expr::Call(c) => {
                    for k in &c.keywords {
                        if let Some(a) = &k.arg {
                            out.insert(a.to_string());
                        }
                    }
                }
                _ => {}
            },
        }
        children(n, &mut |c| node(c, out));
    }
    for s in stmts {
        node(Node::Stmt(s), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_follows_tf() {
        let mut n = Namer::new(
            ["x".to_string(), "get_state".to_string()]
                .into_iter()
                .collect(),
        );
        assert_eq!(n.new_symbol("get_state"), "get_state_1");
        assert_eq!(n.new_symbol("get_state"), "get_state_2");
        assert_eq!(n.new_symbol("if_body"), "if_body");
        assert_eq!(n.new_symbol("break_"), "break_");
        assert_eq!(n.new_symbol("break_"), "break__1");
        assert_eq!(n.new_symbol("retval_"), "retval_");
        assert_eq!(n.new_symbol("retval_"), "retval__1");
    }
}
