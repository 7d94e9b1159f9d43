//! AutoGraph at run time (SPEC §3 "AutoGraph"): the `ag__` module that
//! converted code calls (the contract is documented in
//! `tfjit_autograph::convert`), running converted functions (`convert.rs`),
//! the control-flow operators (`operators.rs`), the logical operators and
//! `converted_call` with TF's overloads of Python builtins (`calls.rs`), and
//! the `tf.autograph` module (`to_code`, `experimental.set_loop_options`).

pub mod calls;
pub mod convert;
pub mod operators;
pub mod values;

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::value::{Builtin, Module, Value};
use std::rc::Rc;
use values::{ConversionOptions, FunctionScope, Undefined, UndefinedReturnValue};

thread_local! {
    static AG: Value = make_ag_module();
}

/// The `ag__` module.
pub fn ag_module() -> Value {
    AG.with(|m| m.clone())
}

/// The message of an exception (`str(e)`).
pub fn exc_message(e: &Exc) -> String {
    if let Value::Instance(i) = &e.value {
        if let Some(Value::Tuple(args)) = i.dict.borrow().get("args") {
            if let Some(Value::Str(s)) = args.first() {
                return s.to_string();
            }
        }
    }
    String::new()
}

/// The class name of an exception.
pub fn exc_type_name(e: &Exc) -> String {
    e.class().map(|c| c.name.to_string()).unwrap_or_else(|| "Exception".into())
}

fn make_ag_module() -> Value {
    let m = Module::new("ag__");
    m.set("FunctionScope", Builtin::value("FunctionScope", |_i, args| {
        let [name, _scope, _opts] = args.bind("FunctionScope", ["function_name", "scope_name", "options"], 1)?;
        let name = match name {
            Some(Value::Str(s)) => s.to_string(),
            _ => String::new(),
        };
        Ok(Value::object(FunctionScope { name }))
    }));
    m.set("ConversionOptions", Builtin::value("ConversionOptions", |_i, args| {
        let ur = args.kw.iter().any(|(k, v)| &**k == "user_requested" && matches!(v, Value::Bool(true)));
        Ok(Value::object(ConversionOptions { user_requested: ur }))
    }));
    m.set("STD", Value::object(ConversionOptions { user_requested: false }));
    m.set("UndefinedReturnValue", Builtin::value("UndefinedReturnValue", |_i, _args| Ok(Value::object(UndefinedReturnValue))));
    m.set("Undefined", Builtin::value("Undefined", |_i, args| {
        let [name] = args.bind("Undefined", ["symbol_name"], 1)?;
        let name = match name {
            Some(Value::Str(s)) => s.to_string(),
            _ => String::new(),
        };
        Ok(Value::object(Undefined { name }))
    }));
    m.set("ld", Builtin::value("ld", |_i, args| {
        let [v] = args.bind("ld", ["v"], 1)?;
        let v = v.unwrap_or(Value::None);
        if values::is_undefined(&v) {
            return Err(values::read_error(&v));
        }
        Ok(v)
    }));
    m.set("ldu", Builtin::value("ldu", |interp, args| {
        let [thunk, name] = args.bind("ldu", ["load_v", "name"], 2)?;
        match interp.call(&thunk.unwrap_or(Value::None), Args::default()) {
            Ok(v) => Ok(v),
            Err(e) if e.is("KeyError") || e.is("AttributeError") || e.is("NameError") => {
                let name = match name {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => String::new(),
                };
                Ok(Value::object(Undefined { name }))
            }
            Err(e) => Err(e),
        }
    }));
    m.set("autograph_artifact", Builtin::value("autograph_artifact", |_i, args| {
        let [f, _opts] = args.bind("autograph_artifact", ["entity", "extras"], 1)?;
        let f = f.unwrap_or(Value::None);
        calls::mark_artifact(&f);
        Ok(f)
    }));
    m.set("converted_call", Builtin::value("converted_call", calls::converted_call));
    m.set("if_stmt", Builtin::value("if_stmt", operators::if_stmt));
    m.set("while_stmt", Builtin::value("while_stmt", operators::while_stmt));
    m.set("for_stmt", Builtin::value("for_stmt", operators::for_stmt));
    m.set("if_exp", Builtin::value("if_exp", calls::if_exp));
    m.set("and_", Builtin::value("and_", calls::and_));
    m.set("or_", Builtin::value("or_", calls::or_));
    m.set("not_", Builtin::value("not_", calls::not_));
    Value::Module(m)
}

/// `tf.autograph.to_code(entity, recursive=True, experimental_optional_features=None)`.
fn to_code(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [f, _rec, _feat] = args.bind("to_code", ["entity", "recursive", "experimental_optional_features"], 1)?;
    let f = f.unwrap_or(Value::None);
    let func = match &f {
        Value::Function(func) => func.clone(),
        Value::BoundMethod(b) => match &b.1 {
            Value::Function(func) => func.clone(),
            _ => return Err(Exc::type_error("to_code expects a Python function")),
        },
        other => {
            if let Some(tf) = other.downcast::<crate::tf::function::Function>() {
                match &tf.func {
                    Value::Function(func) => func.clone(),
                    _ => return Err(Exc::type_error("to_code expects a Python function")),
                }
            } else {
                return Err(Exc::type_error(format!("to_code expects a Python function, got {}", other.type_name())));
            }
        }
    };
    let _ = interp;
    Ok(Value::str(&convert::source_code(&func)?))
}

/// `f` as a function traced with AutoGraph (TF converts `tf.data`
/// functions, `tf.function`s…): program functions and methods are
/// converted; lambdas, builtins and other callables are returned as they are.
pub fn for_tracing(f: &Value, interp: &mut Interp) -> PyResult<Value> {
    match f {
        Value::Function(func) if func.code.kind == crate::interp::code::CodeKind::Function && !func.code.unit.file.starts_with('<') => {
            Ok(convert::convert_function(func, false, interp)?.unwrap_or_else(|| f.clone()))
        }
        Value::BoundMethod(b) => match &b.1 {
            Value::Function(func) if func.code.kind == crate::interp::code::CodeKind::Function && !func.code.unit.file.starts_with('<') => {
                Ok(match convert::convert_function(func, false, interp)? {
                    Some(c) => Value::BoundMethod(Rc::new((b.0.clone(), c))),
                    None => f.clone(),
                })
            }
            _ => Ok(f.clone()),
        },
        _ => Ok(f.clone()),
    }
}

/// The `tf.autograph` module.
pub fn make_tf_autograph_module() -> Value {
    let m = Module::new("tensorflow.autograph");
    m.set("to_code", Builtin::value("to_code", to_code));
    let exp = Module::new("tensorflow.autograph.experimental");
    exp.set("set_loop_options", Builtin::value("set_loop_options", |_i, _args| Ok(Value::None)));
    exp.set("do_not_convert", Builtin::value("do_not_convert", |_i, args| {
        let [f] = args.bind("do_not_convert", ["func"], 0)?;
        match f {
            Some(f) if !f.is_none() => {
                calls::mark_artifact(&f);
                Ok(f)
            }
            _ => Ok(Builtin::value("do_not_convert", |_i, args| {
                let [f] = args.bind("do_not_convert", ["func"], 1)?;
                let f = f.unwrap_or(Value::None);
                calls::mark_artifact(&f);
                Ok(f)
            })),
        }
    }));
    m.set("experimental", Value::Module(exp));
    let _ = Rc::new(());
    Value::Module(m)
}
