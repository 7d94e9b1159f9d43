//! `if`, `while` and `for` to functional form, as TF's `control_flow.py`:
//! each statement becomes nested functions (`if_body`/`else_body`,
//! `loop_body`/`loop_test`, state getter/setter) and a call of
//! `ag__.if_stmt` / `ag__.while_stmt` / `ag__.for_stmt`.
//!
//! The variables a statement carries (branch outputs, loop variables) are
//! the symbols bound in it that are live on entry or exit (or declared
//! `nonlocal`), plus composite symbols (`self.x`, `a[0]`) whose roots are
//! live on entry; outputs (live on exit) come first, each group sorted.
//! Simple symbols bound in it with no definition reaching it get an
//! `x = ag__.Undefined('x')` placeholder first.
//!
//! The converter reads the analysed tree by reference and builds a new one,
//! inner statements first (so generated names number from the inside out,
//! as in TF).

use std::collections::{BTreeMap, HashMap};

use rustpython_parser::ast::{self, Expr, Ranged, Stmt};
use rustpython_parser::text_size::{TextRange, TextSize};

use super::analysis::{analyze_function, block_bound, FnAnalysis, Qn, StmtInfo};
use super::break_continue::ExtraTests;
use super::build;
use super::names::Namer;
use super::ConvertError;

/// Loop options from `tf.autograph.experimental.set_loop_options(…)`, by
/// the start offset of the loop.
pub type LoopOptions = HashMap<TextSize, Vec<(String, Expr)>>;

/// Convert the control flow of a function definition and of every function
/// nested in it.
pub fn convert_function(
    def: &ast::StmtFunctionDef,
    namer: &mut Namer,
    extra_tests: &ExtraTests,
    loop_options: &LoopOptions,
) -> Result<ast::StmtFunctionDef, ConvertError> {
    let mut cf = ControlFlow {
        namer,
        extra_tests,
        loop_options,
    };
    cf.function(def)
}

struct ControlFlow<'a> {
    namer: &'a mut Namer,
    extra_tests: &'a ExtraTests,
    loop_options: &'a LoopOptions,
}

/// The variables of one statement.
struct BlockVars {
    /// Carried symbols: outputs first.
    vars: Vec<Qn>,
    /// Simple names needing an `ag__.Undefined` placeholder.
    undefined: Vec<String>,
    /// How many of `vars` are outputs.
    nouts: usize,
}

impl ControlFlow<'_> {
    fn function(
        &mut self,
        def: &ast::StmtFunctionDef,
    ) -> Result<ast::StmtFunctionDef, ConvertError> {
        let analysis = analyze_function(&def.args, &def.body);
        let body = self.block(&def.body, &analysis)?;
        Ok(ast::StmtFunctionDef {
            range: def.range,
            name: def.name.clone(),
            args: def.args.clone(),
            body,
            decorator_list: def.decorator_list.clone(),
            returns: def.returns.clone(),
            type_comment: def.type_comment.clone(),
            type_params: def.type_params.clone(),
        })
    }

    fn block(&mut self, stmts: &[Stmt], fa: &FnAnalysis) -> Result<Vec<Stmt>, ConvertError> {
        let mut out = Vec::with_capacity(stmts.len());
        for s in stmts {
            out.extend(self.stmt(s, fa)?);
        }
        Ok(out)
    }

    fn info<'f>(&self, s: &Stmt, fa: &'f FnAnalysis) -> Result<&'f StmtInfo, ConvertError> {
        fa.info(s).ok_or_else(|| {
            ConvertError::internal("a control flow statement was not analysed", s.start())
        })
    }

    fn stmt(&mut self, s: &Stmt, fa: &FnAnalysis) -> Result<Vec<Stmt>, ConvertError> {
        Ok(match s {
            Stmt::FunctionDef(f) => vec![Stmt::FunctionDef(self.function(f)?)],
            Stmt::If(i) => {
                let body = self.block(&i.body, fa)?;
                let orelse = self.block(&i.orelse, fa)?;
                let mut modified = block_bound(&i.body);
                modified.extend(block_bound(&i.orelse));
                let bv = block_vars(self.info(s, fa)?, modified, fa);
                self.if_stmt(i, body, orelse, bv, fa)
            }
            Stmt::While(w) => {
                let body = self.block(&w.body, fa)?;
                let bv = block_vars(self.info(s, fa)?, block_bound(&w.body), fa);
                self.while_stmt(w, body, bv, fa)
            }
            Stmt::For(f) => {
                let body = self.block(&f.body, fa)?;
                let mut modified = block_bound(&f.body);
                let target_stmt =
                    build::assign(build::to_store((*f.target).clone()), build::none());
                modified.extend(block_bound(std::slice::from_ref(&target_stmt)));
                let bv = block_vars(self.info(s, fa)?, modified, fa);
                self.for_stmt(f, body, bv, fa)
            }
            Stmt::ClassDef(_) => vec![s.clone()],
            other => {
                let mut copy = other.clone();
                let originals = super::analysis::nested_blocks(other);
                let mut converted = Vec::with_capacity(originals.len());
                for b in originals {
                    converted.push(self.block(b, fa)?);
                }
                for (slot, new) in super::visit::stmt_blocks_mut(&mut copy)
                    .into_iter()
                    .zip(converted)
                {
                    *slot = new;
                }
                vec![copy]
            }
        })
    }

    fn declarations(&self, vars: &[Qn], fa: &FnAnalysis) -> Vec<Stmt> {
        let globals: Vec<String> = vars
            .iter()
            .filter(|v| !v.composite && fa.scope.globals.contains(&v.text))
            .map(|v| v.text.clone())
            .collect();
        let nonlocals: Vec<String> = vars
            .iter()
            .filter(|v| !v.composite && !fa.scope.globals.contains(&v.text))
            .map(|v| v.text.clone())
            .collect();
        let mut out = Vec::new();
        if !globals.is_empty() {
            out.push(build::global(&globals));
        }
        if !nonlocals.is_empty() {
            out.push(build::nonlocal(&nonlocals));
        }
        out
    }

    /// `def get_state(): return (…)` and `def set_state(vars_): (…) = vars_`.
    fn state_functions(&mut self, vars: &[Qn], decls: &[Stmt]) -> (String, String, Vec<Stmt>) {
        let getter = self.namer.new_symbol("get_state");
        let setter = self.namer.new_symbol("set_state");
        if vars.is_empty() {
            let defs = vec![
                build::def(&getter, &[], vec![build::return_(build::tuple(Vec::new()))]),
                build::def(&setter, &["block_vars"], vec![build::pass()]),
            ];
            return (getter, setter, defs);
        }
        let loads: Vec<Expr> = vars
            .iter()
            .map(|v| {
                if v.composite {
                    build::call(
                        build::dotted("ag__.ldu"),
                        vec![build::lambda0(v.expr.clone()), build::str_(&v.text)],
                    )
                } else {
                    v.expr.clone()
                }
            })
            .collect();
        let targets: Vec<Expr> = vars
            .iter()
            .map(|v| build::to_store(v.expr.clone()))
            .collect();
        let mut setter_body = decls.to_vec();
        setter_body.push(build::assign(
            build::tuple_store(targets),
            build::name("vars_"),
        ));
        let defs = vec![
            build::def(&getter, &[], vec![build::return_(build::tuple(loads))]),
            build::def(&setter, &["vars_"], setter_body),
        ];
        (getter, setter, defs)
    }

    fn names_tuple(vars: &[Qn]) -> Expr {
        build::tuple(vars.iter().map(|v| build::str_(&v.text)).collect())
    }

    fn undefined_assigns(undefined: &[String]) -> Vec<Stmt> {
        undefined
            .iter()
            .map(|u| {
                build::assign_name(
                    u,
                    build::call(build::dotted("ag__.Undefined"), vec![build::str_(u)]),
                )
            })
            .collect()
    }

    fn with_body(decls: &[Stmt], body: Vec<Stmt>) -> Vec<Stmt> {
        let mut out = decls.to_vec();
        if body.is_empty() {
            out.push(build::pass());
        } else {
            out.extend(body);
        }
        out
    }

    fn operator_call(name: &str, args: Vec<Expr>, range: TextRange) -> Stmt {
        let mut call = build::call(build::dotted(name), args);
        if let Expr::Call(c) = &mut call {
            c.range = range;
        }
        let mut stmt = build::expr_stmt(call);
        if let Stmt::Expr(e) = &mut stmt {
            e.range = range;
        }
        stmt
    }

    fn if_stmt(
        &mut self,
        i: &ast::StmtIf,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        bv: BlockVars,
        fa: &FnAnalysis,
    ) -> Vec<Stmt> {
        let decls = self.declarations(&bv.vars, fa);
        let (getter, setter, mut out) = self.state_functions(&bv.vars, &decls);
        let body_name = self.namer.new_symbol("if_body");
        let else_name = self.namer.new_symbol("else_body");
        out.push(build::def(&body_name, &[], Self::with_body(&decls, body)));
        out.push(build::def(&else_name, &[], Self::with_body(&decls, orelse)));
        out.extend(Self::undefined_assigns(&bv.undefined));
        out.push(Self::operator_call(
            "ag__.if_stmt",
            vec![
                (*i.test).clone(),
                build::name(&body_name),
                build::name(&else_name),
                build::name(&getter),
                build::name(&setter),
                Self::names_tuple(&bv.vars),
                build::int(bv.nouts as i64),
            ],
            i.range,
        ));
        out
    }

    fn loop_opts(&self, start: TextSize, iterate_names: Option<String>) -> Expr {
        let mut keys = Vec::new();
        let mut values = Vec::new();
        if let Some(opts) = self.loop_options.get(&start) {
            for (k, v) in opts {
                keys.push(build::str_(k));
                values.push(v.clone());
            }
        }
        if let Some(names) = iterate_names {
            keys.push(build::str_("iterate_names"));
            values.push(build::str_(&names));
        }
        build::dict(keys, values)
    }

    fn while_stmt(
        &mut self,
        w: &ast::StmtWhile,
        body: Vec<Stmt>,
        bv: BlockVars,
        fa: &FnAnalysis,
    ) -> Vec<Stmt> {
        let decls = self.declarations(&bv.vars, fa);
        let (getter, setter, mut out) = self.state_functions(&bv.vars, &decls);
        let body_name = self.namer.new_symbol("loop_body");
        let test_name = self.namer.new_symbol("loop_test");
        out.push(build::def(&body_name, &[], Self::with_body(&decls, body)));
        out.push(build::def(
            &test_name,
            &[],
            vec![build::return_((*w.test).clone())],
        ));
        out.extend(Self::undefined_assigns(&bv.undefined));
        out.push(Self::operator_call(
            "ag__.while_stmt",
            vec![
                build::name(&test_name),
                build::name(&body_name),
                build::name(&getter),
                build::name(&setter),
                Self::names_tuple(&bv.vars),
                self.loop_opts(w.range.start(), None),
            ],
            w.range,
        ));
        out
    }

    fn for_stmt(
        &mut self,
        f: &ast::StmtFor,
        body: Vec<Stmt>,
        bv: BlockVars,
        fa: &FnAnalysis,
    ) -> Vec<Stmt> {
        let decls = self.declarations(&bv.vars, fa);
        let (getter, setter, mut out) = self.state_functions(&bv.vars, &decls);
        let iterate_names = crate::unparse::unparse_expr(&strip_tuple_ld(&f.target));
        let opts = self.loop_opts(f.range.start(), Some(iterate_names));
        let extra = self.extra_tests.get(&f.range.start()).cloned();
        let extra_fn = extra.map(|test| {
            let name = self.namer.new_symbol("extra_test");
            let mut b = decls.clone();
            b.push(build::return_(test));
            (name, b)
        });
        let itr = self.namer.new_symbol("itr");
        let body_name = self.namer.new_symbol("loop_body");
        let mut loop_body = decls.clone();
        loop_body.push(build::assign(
            build::to_store((*f.target).clone()),
            build::name(&itr),
        ));
        loop_body.extend(body);
        out.push(build::def(&body_name, &[itr.as_str()], loop_body));
        let extra_arg = match extra_fn {
            Some((name, b)) => {
                out.push(build::def(&name, &[], b));
                build::name(&name)
            }
            None => build::none(),
        };
        out.extend(Self::undefined_assigns(&bv.undefined));
        out.push(Self::operator_call(
            "ag__.for_stmt",
            vec![
                (*f.iter).clone(),
                extra_arg,
                build::name(&body_name),
                build::name(&getter),
                build::name(&setter),
                Self::names_tuple(&bv.vars),
                opts,
            ],
            f.range,
        ));
        out
    }
}

/// The target of a `for` as TF prints it in `iterate_names`.
fn strip_tuple_ld(e: &Expr) -> Expr {
    super::logical::without_ld(e.clone())
}

/// TF's `_get_block_vars`.
fn block_vars(info: &StmtInfo, modified: BTreeMap<String, Qn>, fa: &FnAnalysis) -> BlockVars {
    let scope = &fa.scope;
    let mut basic: Vec<Qn> = Vec::new();
    let mut composite: Vec<Qn> = Vec::new();
    let mut undefined: Vec<String> = Vec::new();
    for (text, qn) in modified {
        if qn.composite {
            if qn.support.iter().all(|s| info.live_in.contains(s)) {
                composite.push(qn);
            }
            continue;
        }
        if !info.defined_in.contains(&text)
            && !scope.globals.contains(&text)
            && !scope.nonlocals.contains(&text)
        {
            undefined.push(text.clone());
        }
        if info.live_in.contains(&text)
            || info.live_out.contains(&text)
            || scope.nonlocals.contains(&text)
        {
            basic.push(qn);
        }
    }
    let input_only =
        |q: &Qn| !q.composite && info.live_in.contains(&q.text) && !info.live_out.contains(&q.text);
    let mut vars: Vec<Qn> = basic.into_iter().chain(composite).collect();
    vars.sort_by(|a, b| (input_only(a), &a.text).cmp(&(input_only(b), &b.text)));
    let nouts = vars.iter().filter(|v| !input_only(v)).count();
    BlockVars {
        vars,
        undefined,
        nouts,
    }
}
