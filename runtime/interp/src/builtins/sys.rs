//! The `sys` module.

use super::StdStream;
use crate::args::Args;
use crate::exc::Exc;
use crate::interp::Interp;
use crate::value::{Builtin, Module, Value};

/// Build the `sys` module.
pub fn make_module(interp: &mut Interp) -> Value {
    let m = Module::new("sys");
    m.set("__name__", Value::str("sys"));
    m.set("argv", Value::list(interp.argv.iter().map(|a| Value::str(a)).collect()));
    m.set("stdout", Value::object(StdStream { stderr: false }));
    m.set("stderr", Value::object(StdStream { stderr: true }));
    m.set("maxsize", Value::Int(i64::MAX));
    m.set("version", Value::str("3.11.7 (tfjit)"));
    m.set("version_info", Value::tuple(vec![Value::Int(3), Value::Int(11), Value::Int(7)]));
    m.set("platform", Value::str("linux"));
    m.set("setrecursionlimit", Builtin::value("setrecursionlimit", |interp, a: Args| {
        let [n] = a.bind("setrecursionlimit", ["limit"], 1)?;
        match n {
            Some(Value::Int(n)) if n >= 1 => {
                interp.recursion_limit = n as usize;
                Ok(Value::None)
            }
            Some(Value::Int(_)) => Err(Exc::value_error("recursion limit must be greater or equal than 1")),
            Some(Value::BigInt(_)) => Err(Exc::new("OverflowError", "Python int too large to convert to C int")),
            Some(other) => Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
            None => Ok(Value::None),
        }
    }));
    m.set("getrecursionlimit", Builtin::value("getrecursionlimit", |interp, _a| Ok(Value::Int(interp.recursion_limit as i64))));
    m.set("get_int_max_str_digits", Builtin::value("get_int_max_str_digits", |_, _a| {
        Ok(Value::Int(crate::interp::int::max_str_digits() as i64))
    }));
    m.set("set_int_max_str_digits", Builtin::value("set_int_max_str_digits", |_, a: Args| {
        let [n] = a.bind("set_int_max_str_digits", ["maxdigits"], 1)?;
        match n {
            Some(Value::Int(n)) => crate::interp::int::set_max_str_digits(n)?,
            Some(Value::Bool(b)) => crate::interp::int::set_max_str_digits(b as i64)?,
            Some(Value::BigInt(_)) => return Err(Exc::new("OverflowError", "Python int too large to convert to C ssize_t")),
            Some(other) => return Err(Exc::type_error(format!("'{}' object cannot be interpreted as an integer", other.type_name()))),
            None => {}
        }
        Ok(Value::None)
    }));
    m.set("exit", Builtin::value("exit", |_, _a| Err(Exc::not_implemented("sys.exit() is not supported"))));
    Value::Module(m)
}
