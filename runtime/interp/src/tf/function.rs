//! `tf.function`: for now a wrapper that runs the Python function eagerly on
//! every call (tracing arrives later; its APIs raise NotImplementedError).

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::util::method;
use crate::value::{Builtin, Object, Value};
use std::any::Any;
use std::cell::Cell;

thread_local! {
    static RUN_EAGERLY: Cell<bool> = const { Cell::new(false) };
}

/// A `tf.function`-decorated callable.
pub struct Function {
    /// The Python function (`f.python_function`).
    pub func: Value,
    /// What calls run: `func`, or `func` bound to an instance.
    pub call_target: Value,
    pub input_signature: Value,
    pub name: String,
}

fn func_name(f: &Value, interp: &mut Interp) -> String {
    match interp.get_attr(f, "__name__") {
        Ok(Value::Str(s)) => s.to_string(),
        _ => "function".into(),
    }
}

/// `tf.function(func=None, input_signature=None, autograph=True,
/// jit_compile=None, reduce_retracing=False, …)`.
pub fn tf_function(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [func, sig, _autograph, _jit, _rr, _impl, _ago, _attrs, _relax, _compile, _hints] = args.bind(
        "function",
        [
            "func",
            "input_signature",
            "autograph",
            "jit_compile",
            "reduce_retracing",
            "experimental_implements",
            "experimental_autograph_options",
            "experimental_attributes",
            "experimental_relax_shapes",
            "experimental_compile",
            "experimental_follow_type_hints",
        ],
        0,
    )?;
    let sig = sig.unwrap_or(Value::None);
    match func {
        None | Some(Value::None) => {
            let decorator = move |interp: &mut Interp, args: Args| -> PyResult<Value> {
                let [f] = args.bind("function", ["func"], 1)?;
                wrap(f.unwrap_or(Value::None), sig.clone(), interp)
            };
            Ok(Builtin::value("function", decorator))
        }
        Some(f) => wrap(f, sig, interp),
    }
}

fn wrap(f: Value, sig: Value, interp: &mut Interp) -> PyResult<Value> {
    let name = func_name(&f, interp);
    Ok(Value::object(Function { func: f.clone(), call_target: f, input_signature: sig, name }))
}

fn tracing_only(what: &str) -> Exc {
    Exc::not_implemented(format!("tf.function {what} arrives with tracing (not implemented in tfjit yet)"))
}

impl Object for Function {
    fn type_name(&self) -> &'static str {
        "Function"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        matches!(native, "Function" | "GenericFunction")
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!(
            "<tensorflow.python.eager.polymorphic_function.polymorphic_function.Function object at {:#x}>",
            self as *const Function as usize
        ))
    }
    fn is_callable(&self) -> bool {
        true
    }
    fn call(&self, _this: &Value, args: Args, interp: &mut Interp) -> PyResult<Option<Value>> {
        let args = bind_signature(&self.input_signature, args, interp)?;
        let out = interp.call(&self.call_target, args)?;
        outputs_to_tensors(&out).map(Some)
    }
    fn descriptor_get(&self, _this: &Value, instance: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let target = self.call_target.clone();
        let inst = instance.clone();
        let bound = Builtin::value(&self.name, move |interp, mut args| {
            args.pos.insert(0, inst.clone());
            interp.call(&target, args)
        });
        Ok(Some(Value::object(Function {
            func: self.func.clone(),
            call_target: bound,
            input_signature: self.input_signature.clone(),
            name: self.name.clone(),
        })))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "python_function" => self.func.clone(),
            "input_signature" => self.input_signature.clone(),
            "__name__" => Value::str(&self.name),
            "get_concrete_function" | "experimental_get_tracing_count" | "pretty_printed_concrete_signatures"
            | "experimental_get_compiler_ir" | "function_spec" => {
                let what = name.to_string();
                method(name, this, move |_i, _t, _args| Err(tracing_only(&format!("{what}()"))))
            }
            _ => return Ok(None),
        }))
    }
}

/// With an `input_signature`, check and convert the call's arguments as TF
/// binds them: each positional argument becomes a tensor of its spec's dtype
/// whose shape must be compatible with the spec's; extra arguments and
/// incompatible values are TF's `TypeError`.
fn bind_signature(sig: &Value, mut args: Args, interp: &mut Interp) -> PyResult<Args> {
    let specs: Vec<Value> = match sig {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => t.to_vec(),
        _ => return Ok(args),
    };
    if args.pos.len() > specs.len() {
        return Err(Exc::type_error(format!(
            "Binding inputs to tf.function failed due to `too many positional arguments`. Received {} positional arguments for a signature of {}.",
            args.pos.len(),
            specs.len()
        )));
    }
    for (v, spec) in args.pos.iter_mut().zip(&specs) {
        let Some(spec) = spec.downcast::<crate::tf::shape::TensorSpecObj>() else {
            return Err(Exc::not_implemented("tf.function input_signature entries other than tf.TensorSpec are not implemented in tfjit yet"));
        };
        let t = match crate::tf::convert::tf_tensor_of(v) {
            Some(t) => Ok(t),
            None => crate::tf::convert::convert(v, Some(spec.dtype), crate::tf::convert::Mode::Convert),
        };
        let spec_repr = spec.repr(interp)?;
        let ok = match &t {
            Ok(t) => t.dtype() == spec.dtype && spec.shape.is_compatible_with(&tfjit_tensor::StaticShape::known(t.shape())),
            Err(_) => false,
        };
        if !ok {
            let got = match &t {
                Ok(t) => format!("TensorSpec(shape={}, dtype=tf.{}, name=None)", tfjit_tensor::StaticShape::known(t.shape()), t.dtype().name()),
                Err(_) => interp.repr(v)?,
            };
            return Err(Exc::type_error(format!(
                "Binding inputs to tf.function failed due to `Can not cast {got} to {spec_repr}`."
            )));
        }
        if let Ok(t) = t {
            *v = crate::tf::util::tv(t);
        }
    }
    Ok(args)
}

/// A tf.function's outputs as TF returns them: every leaf of the returned
/// structure (lists, tuples, dicts) converted to a tensor; `None` stays
/// `None`; variables are read; other objects are returned as they are.
pub fn outputs_to_tensors(v: &Value) -> PyResult<Value> {
    Ok(match v {
        Value::None => Value::None,
        Value::List(l) => {
            let items = l.borrow().clone();
            Value::list(items.iter().map(outputs_to_tensors).collect::<PyResult<_>>()?)
        }
        Value::Tuple(t) => Value::tuple(t.iter().map(outputs_to_tensors).collect::<PyResult<_>>()?),
        Value::Dict(d) => {
            let items: Vec<(crate::value::HashKey, Value, Value)> =
                d.borrow().map.iter().map(|(h, (k, x))| (h.clone(), k.clone(), x.clone())).collect();
            let mut out = crate::value::Dict::default();
            for (h, k, x) in items {
                out.insert(h, k, outputs_to_tensors(&x)?);
            }
            Value::Dict(std::rc::Rc::new(std::cell::RefCell::new(out)))
        }
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => crate::tf::util::tv(crate::tf::convert::to_tensor(v)?),
        _ => match crate::tf::convert::tf_tensor_of(v) {
            Some(t) if v.downcast::<crate::tf::variable::Variable>().is_some() => crate::tf::util::tv(t),
            _ => v.clone(),
        },
    })
}

/// `tf.config.run_functions_eagerly(run_eagerly)`.
pub fn run_functions_eagerly(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [b] = args.bind("run_functions_eagerly", ["run_eagerly"], 1)?;
    let b = interp.truthy(&b.unwrap_or(Value::None))?;
    RUN_EAGERLY.with(|c| c.set(b));
    Ok(Value::None)
}

/// `tf.config.functions_run_eagerly()`.
pub fn functions_run_eagerly(interp: &mut Interp, args: Args) -> PyResult<Value> {
    args.bind("functions_run_eagerly", [], 0)?;
    Ok(Value::Bool(RUN_EAGERLY.with(|c| c.get()) || interp.options.eager))
}
