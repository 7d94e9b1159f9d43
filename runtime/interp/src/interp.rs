//! SCAFFOLD — owned by the interpreter work; replace freely, but keep the
//! public API below (the `tf/` layer and the CLI use it).

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::value::{HashKey, Module, Value};
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

/// A function defined in the program (`def`/`lambda`): code, defaults, closure.
pub struct Function {
    pub name: crate::value::Str,
}

/// The interpreter: globals, call stack, stdout buffer, loaded modules.
pub struct Interp {
    pub options: RunOptions,
}

/// Run the program in `source` (file name `path`) with `sys.argv = argv`.
/// Prints an uncaught exception's traceback to stderr; returns the exit code.
pub fn run_main(_path: &str, _source: &str, _argv: Vec<String>, _options: RunOptions) -> i32 {
    unimplemented!("scaffold")
}

impl Interp {
    /// Call any callable with `args`.
    pub fn call(&mut self, _f: &Value, _args: Args) -> PyResult<Value> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `repr(v)`
    pub fn repr(&mut self, _v: &Value) -> PyResult<String> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `str(v)`
    pub fn str(&mut self, _v: &Value) -> PyResult<String> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `format(v, spec)` with Python's format-spec mini-language.
    pub fn format_value(&mut self, _v: &Value, _spec: &str) -> PyResult<String> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `getattr(v, name)`
    pub fn get_attr(&mut self, _v: &Value, _name: &str) -> PyResult<Value> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// Iterate `v` to the end (`list(v)`).
    pub fn iterate(&mut self, _v: &Value) -> PyResult<Vec<Value>> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `bool(v)`
    pub fn truthy(&mut self, _v: &Value) -> PyResult<bool> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `hash(v)` as a dict key; TypeError "unhashable type: ..." if unhashable.
    pub fn hash_key(&mut self, _v: &Value) -> PyResult<HashKey> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// `a == b` as a Python bool (for containers, `in`, dict lookups).
    pub fn eq(&mut self, _a: &Value, _b: &Value) -> PyResult<bool> {
        Err(Exc::not_implemented("scaffold"))
    }
    /// Write to the program's stdout (buffered; ordered with `print`).
    pub fn write_stdout(&mut self, _s: &str) {}
    /// Write to stderr (flushes stdout first so interleaving is preserved).
    pub fn write_stderr(&mut self, _s: &str) {}
    /// Execute Python source as a module named `name` (used for the parts
    /// of the TF API written in Python, e.g. `tf.Module`).
    pub fn exec_module_source(&mut self, _name: &str, _source: &str) -> PyResult<Rc<Module>> {
        Err(Exc::not_implemented("scaffold"))
    }
}
