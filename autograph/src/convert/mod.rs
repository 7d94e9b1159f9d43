//! AutoGraph: source-to-source conversion of a Python function into code
//! whose control flow calls runtime operators in a module named `ag__`, as
//! TF's `tensorflow/python/autograph` does (SPEC §3 "AutoGraph").
//!
//! [`convert_function`] / [`convert_def`] return the converted `def` (named
//! `tf__<name>`); [`to_code`] prints it like `tf.autograph.to_code`.
//!
//! # Passes (in TF's order where it matters)
//!
//! 1. `directives.rs`: reject what AutoGraph cannot convert; take
//!    `set_loop_options(…)` directives out of loop bodies.
//! 2. `variables.rs`: `x` → `ag__.ld(x)`, `del x` → `x = ag__.Undefined('x')`.
//! 3. `functions.rs`: calls → `ag__.converted_call`, function bodies inside
//!    `with ag__.FunctionScope(…) as fscope:`.
//! 4. `logical.rs`: conditional expressions → `ag__.if_exp`.
//! 5. `break_continue.rs`: `break`, `continue` → flags and guards.
//! 6. `return_.rs`: `return` → `do_return`/`retval_` and a single exit.
//! 7. `control_flow.rs` (with `analysis.rs`: liveness and reaching
//!    definitions): `if`/`while`/`for` → `ag__.if_stmt`/`while_stmt`/`for_stmt`.
//! 8. `logical.rs`: `and`/`or`/`not`, chained comparisons → `ag__.and_`, …
//!
//! The converted top-level `def` keeps its parameters but its default
//! values print as `None` (as TF's): bind calls with the *original*
//! function's defaults. Its decorators are dropped.
//!
//! Only the function (and functions and lambdas nested in it) is rewritten;
//! class bodies nested in it are left as they are. Generated statements keep
//! the source range of the statement they replace (the `ag__.if_stmt(…)`
//! call carries the range of its `if`), so errors raised by the operators
//! point at the user's line: run the converted AST directly rather than
//! re-parsing the printed code.
//!
//! # The `ag__` operator contract
//!
//! The converted code calls exactly these names of `ag__`. "Tensor" below
//! means a symbolic (graph) tensor while tracing, or a tensor in general
//! where noted; everything else is "a Python value".
//!
//! **Function boilerplate**
//! - `ag__.FunctionScope(function_name: str, scope_name: str, options)` — a
//!   context manager wrapping each converted function body; `__enter__`
//!   returns the scope object bound to `fscope` (`fscope_1`, … in nested
//!   functions). `options` is `ag__.ConversionOptions(recursive=True,
//!   user_requested=True, optional_features=(), internal_convert_user_code=True)`
//!   for the function the user asked to convert and `ag__.STD` for nested
//!   ones. While a `user_requested` scope is active AutoGraph is enabled for
//!   `converted_call`.
//! - `fscope.ret(retval, do_return) -> value` — the function's return value:
//!   `retval`, where an `ag__.UndefinedReturnValue` becomes `None`.
//! - `ag__.UndefinedReturnValue()` — the initial `retval_`; a distinct
//!   placeholder meaning "no return executed yet". If it reaches a tensor
//!   loop's state, `for_stmt`/`while_stmt` raise TF's `NotImplementedError`
//!   ("a return statement cannot be placed inside this TensorFlow loop; this
//!   may happen if a return statement depends on a static Python condition
//!   such as a hyperparameter"), and a tensor `if` whose branches disagree on
//!   returning raises TF's `ValueError` ("… else branch must also have a
//!   return statement").
//! - `ag__.ConversionOptions(**kw)`, `ag__.STD` — option values (opaque to
//!   the converted code).
//! - `ag__.autograph_artifact(f) -> f` — marks a nested function/lambda as
//!   already converted (so `converted_call` calls it directly).
//!
//! **Variables**
//! - `ag__.Undefined(name: str)` — placeholder for a symbol with no value
//!   yet (assigned before a statement that may define it). Tensor control
//!   flow treats an `Undefined` loop variable as "defined by the body"
//!   (TF 2.21 auto-initializes it when the body assigns it before reading)
//!   and raises TF's errors otherwise (e.g. "'y' must also be initialized in
//!   the else branch").
//! - `ag__.ld(v) -> v` — load: returns `v`, but reading an `Undefined` raises
//!   `UnboundLocalError("local variable 'x' referenced before assignment")`.
//! - `ag__.ldu(thunk, name: str)` — load of a composite symbol (`self.x`,
//!   `a[0]`): `thunk()`, or `ag__.Undefined(name)` if it raises `KeyError`,
//!   `AttributeError` or `NameError`.
//!
//! **Calls**
//! - `ag__.converted_call(f, args: tuple, kwargs: dict | None, fscope)` —
//!   calls `f(*args, **kwargs)`; if `f` is a user Python function (or
//!   method, or lambda) not marked `autograph_artifact` and AutoGraph is
//!   enabled, converts it first (recursively, with `ag__.STD`, cached per
//!   function) and calls the converted function; built-ins, `tf.*` and
//!   native callables are called as they are.
//!
//! **Control flow** (each dispatches on its condition/iterable at run time;
//! the state functions are how staged control flow reads and writes the
//! carried variables: `get_state() -> tuple` returns their current values
//! in `symbol_names` order, `set_state(values: tuple)` assigns them)
//! - `ag__.if_stmt(cond, body, orelse, get_state, set_state, symbol_names:
//!   tuple[str], nouts: int) -> None` — Python `cond`: `body()` if truthy
//!   else `orelse()` (plain Python semantics, no state functions called).
//!   Tensor `cond`: builds a `cond` (`StatelessIf`/`If`) op, tracing `body`
//!   and `orelse` each as a branch graph starting from the state before the
//!   statement; the first `nouts` symbols are the outputs (the others are
//!   inputs only); verifies each output is defined and has matching
//!   structure/dtype in both branches (TF's messages), then `set_state` with
//!   the op's outputs.
//! - `ag__.while_stmt(test, body, get_state, set_state, symbol_names, opts:
//!   dict) -> None` — evaluates `test()` once; a Python bool: runs the loop
//!   as Python (`while test(): body()`, raising TF's error if the test later
//!   becomes a tensor); a tensor: builds a `while_loop`
//!   (`StatelessWhile`/`While`) op whose loop variables are the state
//!   (`test` traced as the cond graph, `body` as the body graph), checking
//!   each variable keeps its dtype and shape (relaxed only by
//!   `opts['shape_invariants']`), honouring `opts['maximum_iterations']`.
//! - `ag__.for_stmt(iter_, extra_test, body, get_state, set_state,
//!   symbol_names, opts: dict) -> None` — `body(item)` per item of `iter_`
//!   while `extra_test()` (or `None`: no extra test) holds. Python iterable:
//!   a Python loop. Tensor: iterates its first dimension with a
//!   `while_loop` (a `tf.range` tensor iterates its values). Dataset: a
//!   dataset reduce over the state. `opts['iterate_names']` is the source
//!   text of the loop target (for error messages); `opts` may also hold the
//!   `set_loop_options` keys `parallel_iterations`, `swap_memory`,
//!   `maximum_iterations`, `shape_invariants`.
//!
//! **Expressions**
//! - `ag__.if_exp(cond, if_true, if_false, expr_repr: str)` — Python `cond`:
//!   `if_true()` or `if_false()`; tensor: a `cond` op over the two thunks.
//! - `ag__.and_(a, b)`, `ag__.or_(a, b)` — `a`, `b` are thunks. Python value
//!   from `a()`: Python short-circuit semantics (`b()` evaluated only if
//!   needed, the operand value returned). Tensor: `tf.logical_and` /
//!   `tf.logical_or` of `a()` and `b()` (staged as a `cond` when tracing so
//!   `b` runs only when needed).
//! - `ag__.not_(a)` — Python `not a`, or `tf.logical_not(a)` for a tensor.

pub mod analysis;
pub mod blocks;
pub mod break_continue;
pub mod build;
pub mod control_flow;
pub mod directives;
pub mod functions;
pub mod logical;
pub mod names;
pub mod return_;
pub mod variables;
pub mod visit;

use std::collections::BTreeSet;
use std::fmt;

use rustpython_parser::ast::{self, Stmt};
use rustpython_parser::text_size::TextSize;

use crate::parse::Module;
use crate::source::Location;

/// Why a function could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    /// The Python exception class TF raises for it (`ValueError`,
    /// `TypeError`, `UnsupportedLanguageElementError`, `NameError` when
    /// the function does not exist) or `InternalError` for a converter bug.
    pub kind: &'static str,
    /// The message, as TF words it where TF has one.
    pub message: String,
    /// Where in the source (byte offset), if known.
    pub offset: Option<TextSize>,
}

impl ConvertError {
    fn new(kind: &'static str, message: impl Into<String>, offset: Option<TextSize>) -> Self {
        ConvertError {
            kind,
            message: message.into(),
            offset,
        }
    }

    /// A construct AutoGraph does not convert.
    pub fn unsupported(message: impl Into<String>, at: TextSize) -> Self {
        Self::new("UnsupportedLanguageElementError", message, Some(at))
    }

    /// A misused directive.
    pub fn value_error(message: impl Into<String>, at: TextSize) -> Self {
        Self::new("ValueError", message, Some(at))
    }

    /// Bad directive arguments.
    pub fn type_error(message: impl Into<String>, at: TextSize) -> Self {
        Self::new("TypeError", message, Some(at))
    }

    /// A converter bug (never expected).
    pub fn internal(message: impl Into<String>, at: TextSize) -> Self {
        Self::new("InternalError", message, Some(at))
    }

    /// The 1-based location of the error in `module`, if known.
    pub fn location(&self, module: &Module) -> Option<Location> {
        self.offset.map(|o| module.source.location_of(o))
    }
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for ConvertError {}

/// Conversion settings.
#[derive(Clone, Debug)]
pub struct ConvertOptions {
    /// The user asked for this conversion (`tf.function`, `to_code`): the
    /// top-level scope gets `ag__.ConversionOptions(… user_requested=True …)`;
    /// otherwise (`converted_call`) `ag__.STD`.
    pub user_requested: bool,
}

impl Default for ConvertOptions {
    fn default() -> Self {
        ConvertOptions {
            user_requested: true,
        }
    }
}

/// A converted function.
#[derive(Clone, Debug)]
pub struct ConvertedFunction {
    /// The name it was looked up by (`f`, `Model.call`).
    pub qualified_name: String,
    /// The converted definition, named `tf__<name>`.
    pub def: ast::StmtFunctionDef,
}

impl ConvertedFunction {
    /// Readable Python source of the converted function.
    pub fn code(&self) -> String {
        crate::unparse::unparse_stmt(&Stmt::FunctionDef(self.def.clone()))
    }
}

/// Find a function definition by name: `f` at module level, `C.m` (a
/// method of a module-level class), or a longer dotted path through classes
/// and functions (`outer.inner`).
pub fn find_function<'a>(body: &'a [Stmt], path: &str) -> Option<&'a ast::StmtFunctionDef> {
    let mut parts = path.split('.').peekable();
    let mut stmts = body;
    while let Some(part) = parts.next() {
        let last = parts.peek().is_none();
        let mut next: Option<&'a [Stmt]> = None;
        // The last definition of a name wins, as at run time.
        for s in stmts.iter().rev() {
            match s {
                Stmt::FunctionDef(f) if f.name.as_str() == part => {
                    if last {
                        return Some(f);
                    }
                    next = Some(&f.body);
                    break;
                }
                Stmt::ClassDef(c) if c.name.as_str() == part && !last => {
                    next = Some(&c.body);
                    break;
                }
                _ => {}
            }
        }
        stmts = next?;
    }
    None
}

/// Convert function `func_name` of `module` (see [`find_function`]) the way
/// `tf.function` / `tf.autograph.to_code` would.
pub fn convert_function(
    module: &Module,
    func_name: &str,
) -> Result<ConvertedFunction, ConvertError> {
    let def = find_function(&module.body, func_name).ok_or_else(|| {
        ConvertError::new(
            "NameError",
            format!("no function named '{func_name}' in {}", module.path),
            None,
        )
    })?;
    let globals: BTreeSet<String> = crate::walk::bound_names(&module.body).into_iter().collect();
    let converted = convert_def(def, &globals, &ConvertOptions::default())?;
    Ok(ConvertedFunction {
        qualified_name: func_name.to_string(),
        def: converted,
    })
}

/// The converted code of function `func_name` of `module`, as readable
/// Python (like `tf.autograph.to_code`).
pub fn to_code(module: &Module, func_name: &str) -> Result<String, ConvertError> {
    convert_function(module, func_name).map(|c| c.code())
}

/// Convert one function definition. `module_names` are the names bound at
/// module level (generated names avoid them). Runs on a large stack, so
/// deeply nested code is safe.
pub fn convert_def(
    def: &ast::StmtFunctionDef,
    module_names: &BTreeSet<String>,
    options: &ConvertOptions,
) -> Result<ast::StmtFunctionDef, ConvertError> {
    crate::parse::with_large_stack(|| convert_def_here(def, module_names, options))
}

fn convert_def_here(
    def: &ast::StmtFunctionDef,
    module_names: &BTreeSet<String>,
    options: &ConvertOptions,
) -> Result<ast::StmtFunctionDef, ConvertError> {
    directives::check_supported(std::slice::from_ref(&Stmt::FunctionDef(def.clone())))?;
    let mut reserved = module_names.clone();
    names::referenced_names(
        std::slice::from_ref(&Stmt::FunctionDef(def.clone())),
        &mut reserved,
    );
    let mut namer = names::Namer::new(reserved);
    let mut def = def.clone();

    let mut loop_options = control_flow::LoopOptions::new();
    directives::extract_loop_options(&mut def.body, &mut loop_options, false)?;
    def.body = variables::wrap_loads(std::mem::take(&mut def.body));
    functions::convert_calls_and_scopes(&mut def, &mut namer, options.user_requested);
    logical::convert_conditional_expressions(&mut def.body);
    let mut extra_tests = break_continue::ExtraTests::new();
    def.body =
        break_continue::lower_breaks(std::mem::take(&mut def.body), &mut namer, &mut extra_tests);
    def.body = break_continue::lower_continues(std::mem::take(&mut def.body), &mut namer);
    return_::lower_returns(&mut def, &mut namer, &mut extra_tests);
    let mut def = control_flow::convert_function(&def, &mut namer, &extra_tests, &loop_options)?;
    logical::convert_logical_expressions(&mut def.body);
    def.name = ast::Identifier::new(format!("tf__{}", def.name.as_str()));
    // As TF: the converted function's defaults print as `None`; the runtime
    // gives it the original function's default values.
    for a in def
        .args
        .posonlyargs
        .iter_mut()
        .chain(def.args.args.iter_mut())
        .chain(def.args.kwonlyargs.iter_mut())
    {
        if a.default.is_some() {
            a.default = Some(Box::new(build::none()));
        }
    }
    Ok(def)
}
