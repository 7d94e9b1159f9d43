//! The interpreter: walks the rustpython AST of a checked program.
//!
//! - `code.rs`: scope analysis, run once per source file.
//! - `exec.rs`: statements; `eval.rs`: expressions; `call.rs`: calls and
//!   argument binding; `class.rs`: classes and attribute access;
//!   `operators.rs`: arithmetic and comparisons; `int.rs`: big ints;
//!   `iter.rs`: iteration;
//!   `pyformat.rs`: `repr`/`str`/format-spec/`%`/`str.format`;
//!   `traceback.rs`: uncaught exception reports.

pub mod call;
pub mod class;
pub mod code;
pub mod eval;
pub mod exec;
pub mod int;
pub mod iter;
pub mod operators;
pub mod pyformat;
pub mod traceback;

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{Class, HashKey, Module, Str, Value};
use code::Code;
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

/// Options from the CLI's global flags.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// `--eager`: run tf.functions eagerly.
    pub eager: bool,
    /// `--no-opt`
    pub no_opt: bool,
    /// `--no-jit`
    pub no_jit: bool,
    /// `--device`
    pub device: String,
}

/// A variable cell shared between a scope and the closures that capture it.
pub type Cell = Rc<RefCell<Option<Value>>>;
/// The `__class__` cell of methods (for zero-argument `super()`).
pub type ClassCell = Rc<RefCell<Option<Rc<Class>>>>;

/// A function defined in the program (`def`/`lambda`): code, defaults, closure.
pub struct Function {
    pub name: Str,
    pub qualname: Str,
    /// The compiled scope, which owns the body.
    pub code: Rc<Code>,
    /// Defaults of the last `defaults.len()` positional parameters.
    pub defaults: Vec<Value>,
    /// Defaults of keyword-only parameters (one slot per kw-only param).
    pub kw_defaults: Vec<Option<Value>>,
    /// Cells of the free variables, in `code.freevars()` order.
    pub closure: Vec<Cell>,
    pub globals: Rc<Module>,
    /// Set for functions defined in a class body (and functions nested in them).
    pub class_cell: Option<ClassCell>,
    /// Function attributes (`f.x = 1`, `__doc__`…).
    pub attrs: RefCell<IndexMap<Str, Value>>,
}

impl Function {
    /// Positional parameter names.
    pub fn param_names(&self) -> &[Str] {
        &self.code.params.args
    }
    /// Keyword-only parameter names.
    pub fn kwonly_names(&self) -> &[Str] {
        &self.code.params.kwonly
    }
    pub fn has_varargs(&self) -> bool {
        self.code.params.vararg.is_some()
    }
    pub fn has_varkw(&self) -> bool {
        self.code.params.kwarg.is_some()
    }
    /// The module name the function was defined in.
    pub fn module_name(&self) -> String {
        self.globals.attrs.borrow().get("__name__").map(|v| match v {
            Value::Str(s) => s.to_string(),
            _ => String::new(),
        }).unwrap_or_default()
    }
}

/// An executing scope.
pub struct Frame {
    pub code: Rc<Code>,
    pub fast: Vec<Option<Value>>,
    pub cells: Vec<Cell>,
    pub globals: Rc<Module>,
    /// Class body namespace.
    pub ns: Option<IndexMap<Str, Value>>,
    pub class_cell: Option<ClassCell>,
    /// Byte offset of the statement being executed (for tracebacks).
    pub offset: u32,
}

impl Frame {
    fn new(code: Rc<Code>, globals: Rc<Module>) -> Frame {
        Frame {
            fast: vec![None; code.nfast],
            cells: (0..code.ncellvars).map(|_| Rc::new(RefCell::new(None))).collect(),
            code,
            globals,
            ns: None,
            class_cell: None,
            offset: 0,
        }
    }
}

/// Where program output goes.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    Capture(String),
}

/// The interpreter: globals, call stack, stdout buffer, loaded modules.
pub struct Interp {
    pub options: RunOptions,
    /// The builtins namespace.
    pub builtins: HashMap<Str, Value>,
    /// `sys.argv`
    pub argv: Vec<String>,
    /// `sys.getrecursionlimit()`
    pub recursion_limit: usize,
    modules: HashMap<String, Value>,
    /// Cached type objects of builtin and native types, by name.
    types: RefCell<HashMap<String, Rc<Class>>>,
    out: Sink,
    err_capture: Option<String>,
    depth: usize,
    stack_base: usize,
    stack_budget: usize,
    /// Exceptions currently being handled (innermost last), for bare `raise`.
    handling: Vec<Exc>,
    tf_loading: bool,
    /// Containers being repr'd (for `[...]` on cycles).
    pub(crate) repr_guard: Vec<usize>,
    /// Source files seen (for traceback source lines).
    pub(crate) source_units: Vec<Rc<code::Unit>>,
}

/// Approximate current stack address.
#[inline(always)]
fn stack_addr() -> usize {
    let x = 0u8;
    std::hint::black_box(&x) as *const u8 as usize
}

/// Stack size of the thread `run_main` runs programs on.
const MAIN_STACK: usize = 1 << 30;

/// Run the program in `source` (file name `path`) with `sys.argv = argv`.
/// Prints an uncaught exception's traceback to stderr; returns the exit code.
pub fn run_main(path: &str, source: &str, argv: Vec<String>, options: RunOptions) -> i32 {
    let path = path.to_string();
    let source = source.to_string();
    let run = move |budget: usize| -> i32 {
        let mut interp = Interp::new(options, argv);
        interp.stack_base = stack_addr();
        interp.stack_budget = budget;
        let code = interp.run_file(&path, &source);
        interp.flush_stdout();
        code
    };
    for size in [MAIN_STACK, 256 << 20] {
        let run = run.clone();
        let spawned = std::thread::Builder::new().name("tfjit-main".into()).stack_size(size).spawn(move || run(size - size / 8));
        if let Ok(h) = spawned {
            return match h.join() {
                Ok(code) => code,
                Err(_) => {
                    eprintln!("tfjit: internal error (interpreter panicked)");
                    70
                }
            };
        }
    }
    run(1 << 20)
}

impl Interp {
    /// A fresh interpreter writing to the process's stdout/stderr.
    pub fn new(options: RunOptions, argv: Vec<String>) -> Interp {
        let mut it = Interp {
            options,
            builtins: HashMap::new(),
            argv,
            recursion_limit: 1000,
            modules: HashMap::new(),
            types: RefCell::new(HashMap::new()),
            out: Sink::Stdout(std::io::BufWriter::with_capacity(1 << 16, std::io::stdout())),
            err_capture: None,
            depth: 0,
            stack_base: stack_addr(),
            stack_budget: 1 << 20,
            handling: vec![],
            tf_loading: false,
            repr_guard: vec![],
            source_units: vec![],
        };
        crate::builtins::install(&mut it);
        let _ = int::set_max_str_digits(int::DEFAULT_MAX_STR_DIGITS as i64);
        it
    }

    /// An interpreter whose stdout and stderr are captured (for tests); read
    /// them with [`Interp::take_output`].
    pub fn new_capturing(options: RunOptions) -> Interp {
        let mut it = Interp::new(options, vec!["prog.py".into()]);
        it.out = Sink::Capture(String::new());
        it.err_capture = Some(String::new());
        it
    }

    /// Captured (stdout, stderr) so far.
    pub fn take_output(&mut self) -> (String, String) {
        let o = match &mut self.out {
            Sink::Capture(s) => std::mem::take(s),
            Sink::Stdout(_) => String::new(),
        };
        (o, self.err_capture.as_mut().map(std::mem::take).unwrap_or_default())
    }

    /// Parse, prepare and run a whole file as `__main__`; report an uncaught
    /// exception. Returns the exit code.
    pub fn run_file(&mut self, path: &str, source: &str) -> i32 {
        match self.exec_source("__main__", path, source) {
            Ok(_) => 0,
            Err(e) => {
                self.flush_stdout();
                let text = traceback::format_exception(self, &e);
                self.write_stderr(&text);
                1
            }
        }
    }

    /// Parse and run `source` as module `name` (file name `path`).
    pub fn exec_source(&mut self, name: &str, path: &str, source: &str) -> PyResult<Rc<Module>> {
        use rustpython_parser::Parse;
        let suite = rustpython_parser::ast::Suite::parse(source, path)
            .map_err(|e| Exc::new("SyntaxError", format!("{} ({path})", e.error)))?;
        let code = code::prepare(path, source, suite).map_err(|m| Exc::new("SyntaxError", m))?;
        self.source_units.push(code.unit.clone());
        let module = Module::new(name);
        module.set("__name__", Value::str(name));
        module.set("__file__", Value::str(path));
        if let Some(d) = &code.doc {
            module.set("__doc__", Value::Str(d.clone()));
        } else {
            module.set("__doc__", Value::None);
        }
        let mut frame = Frame::new(code.clone(), module.clone());
        match self.exec_block(&mut frame, &code.body) {
            Ok(_) => Ok(module),
            Err(mut e) => {
                traceback::push_frame(&mut e, &frame);
                Err(e)
            }
        }
    }

    /// Check the Python frame depth and the native stack before a call.
    #[inline]
    pub(crate) fn check_stack(&self) -> PyResult<()> {
        let used = self.stack_base.abs_diff(stack_addr());
        if used > self.stack_budget {
            return Err(Exc::new("RecursionError", "maximum recursion depth exceeded"));
        }
        Ok(())
    }

    pub(crate) fn enter_call(&mut self) -> PyResult<()> {
        // The module frame counts as one, like CPython.
        if self.depth + 1 >= self.recursion_limit {
            return Err(Exc::new("RecursionError", "maximum recursion depth exceeded"));
        }
        self.check_stack()?;
        self.depth += 1;
        Ok(())
    }
    /// Enter one level of a recursive operation on nested containers
    /// (repr, comparison, hashing): it counts against the recursion limit
    /// like a call, as CPython's `Py_EnterRecursiveCall` does. `what` ends
    /// the RecursionError message (" while getting the repr of an object").
    pub(crate) fn enter_nested(&mut self, what: &str) -> PyResult<()> {
        if self.depth + 1 >= self.recursion_limit || self.check_stack().is_err() {
            return Err(Exc::new("RecursionError", format!("maximum recursion depth exceeded{what}")));
        }
        self.depth += 1;
        Ok(())
    }
    pub(crate) fn leave_call(&mut self) {
        self.depth -= 1;
    }

    /// Flush buffered stdout.
    pub fn flush_stdout(&mut self) {
        if let Sink::Stdout(w) = &mut self.out {
            let _ = w.flush();
        }
    }

    /// The type object for a builtin/native type name (`int`, `EagerTensor`…),
    /// created on first use and cached so `type(a) is type(b)` holds.
    pub fn type_object(&self, name: &str) -> Rc<Class> {
        if let Some(c) = self.types.borrow().get(name) {
            return c.clone();
        }
        let native: &'static str = match name {
            "int" => "int",
            "float" => "float",
            "str" => "str",
            "bool" => "bool",
            "list" => "list",
            "tuple" => "tuple",
            "dict" => "dict",
            "set" => "set",
            "NoneType" => "NoneType",
            "function" => "function",
            "object" => "object",
            "type" => "type",
            _ => Box::leak(name.to_string().into_boxed_str()),
        };
        let base = match name {
            "object" => None,
            "bool" => Some(self.type_object("int")),
            _ => Some(self.type_object("object")),
        };
        let c = Rc::new(Class { name: name.into(), base, attrs: RefCell::new(IndexMap::new()), native: Some(native) });
        self.types.borrow_mut().insert(name.to_string(), c.clone());
        c
    }

    /// Register a module value for `import name`.
    pub fn register_module(&mut self, name: &str, m: Value) {
        self.modules.insert(name.to_string(), m);
    }

    /// `import name`: the module value.
    pub fn import_module(&mut self, name: &str) -> PyResult<Value> {
        if let Some(m) = self.modules.get(name) {
            return Ok(m.clone());
        }
        let m = match name {
            "tensorflow" => {
                if self.tf_loading {
                    return Err(Exc::runtime_error("circular import of tensorflow"));
                }
                self.tf_loading = true;
                tfjit_codegen::warm_up::in_background();
                let r = crate::tf::make_module(self);
                self.tf_loading = false;
                r?
            }
            "math" => crate::builtins::math::make_module(self),
            "sys" => crate::builtins::sys::make_module(self),
            "time" => crate::builtins::time::make_module(self),
            _ => {
                if let Some(rest) = name.strip_prefix("tensorflow.") {
                    let mut v = self.import_module("tensorflow")?;
                    for part in rest.split('.') {
                        v = self.get_attr(&v, part).map_err(|_| Exc::not_implemented(format!("module '{name}' is not supported")))?;
                    }
                    return Ok(v);
                }
                return Err(Exc::not_implemented(format!("import of module '{name}' is not supported (available: tensorflow, math, sys, time)")));
            }
        };
        self.modules.insert(name.to_string(), m.clone());
        Ok(m)
    }

    /// Call any callable with `args`.
    pub fn call(&mut self, f: &Value, args: Args) -> PyResult<Value> {
        self.call_value(f, args)
    }
    /// `repr(v)`
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        pyformat::repr(self, v)
    }
    /// `str(v)`
    pub fn str(&mut self, v: &Value) -> PyResult<String> {
        pyformat::str(self, v)
    }
    /// `format(v, spec)` with Python's format-spec mini-language.
    pub fn format_value(&mut self, v: &Value, spec: &str) -> PyResult<String> {
        pyformat::format_value(self, v, spec)
    }
    /// `getattr(v, name)`
    pub fn get_attr(&mut self, v: &Value, name: &str) -> PyResult<Value> {
        class::get_attr(self, v, name)
    }
    /// `setattr(v, name, x)`
    pub fn set_attr(&mut self, v: &Value, name: &str, x: Value) -> PyResult<()> {
        class::set_attr(self, v, name, x)
    }
    /// Iterate `v` to the end (`list(v)`).
    pub fn iterate(&mut self, v: &Value) -> PyResult<Vec<Value>> {
        iter::collect(self, v)
    }
    /// `bool(v)`
    pub fn truthy(&mut self, v: &Value) -> PyResult<bool> {
        operators::truthy(self, v)
    }
    /// `hash(v)` as a dict key; TypeError "unhashable type: ..." if unhashable.
    pub fn hash_key(&mut self, v: &Value) -> PyResult<HashKey> {
        operators::hash_key(self, v)
    }
    /// `a == b` as a Python bool (for containers, `in`, dict lookups).
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        operators::eq(self, a, b)
    }
    /// `isinstance(v, cls)` for one class.
    pub fn isinstance(&mut self, v: &Value, cls: &Rc<Class>) -> bool {
        class::isinstance(self, v, cls)
    }
    /// `type(v)` as a class object.
    pub fn type_of(&self, v: &Value) -> Rc<Class> {
        class::type_of(self, v)
    }
    /// Write to the program's stdout (buffered; ordered with `print`).
    pub fn write_stdout(&mut self, s: &str) {
        match &mut self.out {
            Sink::Stdout(w) => {
                let _ = w.write_all(s.as_bytes());
            }
            Sink::Capture(c) => c.push_str(s),
        }
    }
    /// Write to stderr (flushes stdout first so interleaving is preserved).
    pub fn write_stderr(&mut self, s: &str) {
        self.flush_stdout();
        if let Some(c) = &mut self.err_capture {
            c.push_str(s);
            return;
        }
        let mut e = std::io::stderr().lock();
        let _ = e.write_all(s.as_bytes());
        let _ = e.flush();
    }
    /// Execute Python source as a module named `name` (used for the parts
    /// of the TF API written in Python, e.g. `tf.Module`).
    pub fn exec_module_source(&mut self, name: &str, source: &str) -> PyResult<Rc<Module>> {
        let path = format!("<{name}>");
        self.exec_source(name, &path, source)
    }
}
