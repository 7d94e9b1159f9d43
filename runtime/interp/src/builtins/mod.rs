//! Python builtins and the `math`, `sys`, `time` modules.
//!
//! - `functions.rs`: builtin functions (`print`, `len`, `sorted`…)
//! - `types.rs`: calling builtin type objects (`int(x)`, `list(x)`…)
//! - `methods.rs`: methods of str/list/dict/set/tuple/int/float
//! - `objects.rs`: `range`, dict views, `NotImplemented`
//! - `hash.rs`: CPython's hash functions and set iteration order
//! - `math.rs`, `sys.rs`, `time.rs`: the modules

pub mod functions;
pub mod hash;
pub mod math;
pub mod methods;
pub mod objects;
pub mod sys;
pub mod time;
pub mod types;

use crate::exc::{builtin_exc_class, PyResult};
use crate::interp::Interp;
use crate::value::{Object, Value};
use std::any::Any;

pub use objects::NotImplementedType;

/// `sys.stdout` / `sys.stderr`. `tf.print(..., output_stream=sys.stdout)`
/// recognises these by downcasting.
pub struct StdStream {
    pub stderr: bool,
}

impl Object for StdStream {
    fn type_name(&self) -> &'static str {
        "TextIOWrapper"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(if self.stderr {
            "<_io.TextIOWrapper name='<stderr>' mode='w' encoding='utf-8'>".into()
        } else {
            "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>".into()
        })
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let stderr = self.stderr;
        Ok(match name {
            "write" => Some(crate::value::Builtin::value("write", move |interp, a: crate::args::Args| {
                let [s] = a.bind("write", ["s"], 1)?;
                let s = match s {
                    Some(Value::Str(s)) => s,
                    Some(other) => {
                        return Err(crate::exc::Exc::type_error(format!(
                            "write() argument must be str, not {}",
                            other.type_name()
                        )))
                    }
                    None => "".into(),
                };
                if stderr {
                    interp.write_stderr(&s);
                } else {
                    interp.write_stdout(&s);
                }
                Ok(Value::Int(s.chars().count() as i64))
            })),
            "flush" => Some(crate::value::Builtin::value("flush", move |interp, _a| {
                interp.flush_stdout();
                Ok(Value::None)
            })),
            _ => None,
        })
    }
}

/// Python-level builtin exception names (TF's live under `tf.errors`).
const PY_EXCEPTIONS: &[&str] = &[
    "BaseException",
    "Exception",
    "ArithmeticError",
    "ZeroDivisionError",
    "OverflowError",
    "AssertionError",
    "AttributeError",
    "LookupError",
    "IndexError",
    "KeyError",
    "NameError",
    "UnboundLocalError",
    "RuntimeError",
    "NotImplementedError",
    "RecursionError",
    "StopIteration",
    "TypeError",
    "ValueError",
    "MemoryError",
    "SyntaxError",
];

/// Fill the interpreter's builtins namespace.
pub fn install(interp: &mut Interp) {
    for name in PY_EXCEPTIONS {
        if let Some(c) = builtin_exc_class(name) {
            interp.builtins.insert((*name).into(), Value::Class(c));
        }
    }
    for t in ["int", "float", "str", "bool", "list", "tuple", "dict", "set", "object", "type"] {
        let c = interp.type_object(t);
        interp.builtins.insert(t.into(), Value::Class(c));
    }
    objects::install_object_methods(interp);
    functions::install(interp);
    interp.builtins.insert("NotImplemented".into(), objects::not_implemented());
    interp.builtins.insert("Ellipsis".into(), Value::Ellipsis);
    interp.builtins.insert("__name__".into(), Value::str("builtins"));
}
