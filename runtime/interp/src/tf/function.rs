//! `tf.function`: the first call with a new input signature runs the Python
//! body once with symbolic tensors and records a graph (`concrete.rs`);
//! later calls with a matching signature run that graph without running any
//! Python. With `--eager` or `tf.config.run_functions_eagerly(True)` the body
//! runs eagerly on every call.
//!
//! Keys are TF's (`spec.rs`); a method gets one `Function` per instance
//! (so `self` is part of the key); variables may only be created on the
//! first trace, which is then traced again (TF's `_initialize` /
//! `_no_variable_creation_fn`).

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::concrete::{count_body_run, flatten_inputs, trace, Concrete, ConcreteFunction};
use crate::tf::spec::{ParamKind, ParamSpec, Spec};
use crate::tf::trace::VarCreation;
use crate::tf::util::method;
use crate::value::{Builtin, Dict, HashKey, Object, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

thread_local! {
    static RUN_EAGERLY: Cell<bool> = const { Cell::new(false) };
    static RETRACE_WARNINGS: Cell<usize> = const { Cell::new(0) };
}

/// Options given to `tf.function(...)`.
pub struct FnOptions {
    /// `input_signature` as given (a list of `TensorSpec`s) or `None`.
    pub input_signature: Value,
    pub reduce_retracing: bool,
    /// `autograph=True` (the default): trace the AutoGraph-converted function.
    pub autograph: bool,
}

/// The traces of one function (one per instance for methods).
#[derive(Default)]
pub struct FnState {
    pub cache: RefCell<Vec<Rc<Concrete>>>,
    pub tracing_count: Cell<usize>,
    /// The first trace has happened.
    pub initialized: Cell<bool>,
    /// The first trace created variables.
    pub created_vars: Cell<bool>,
    /// Whether each recent call traced (for the retracing warning).
    recent: RefCell<VecDeque<bool>>,
}

/// A `tf.function`-decorated callable.
pub struct Function {
    /// The Python function (`f.python_function`).
    pub func: Value,
    /// The instance a method is bound to.
    pub instance: Option<Value>,
    pub name: String,
    pub opts: Rc<FnOptions>,
    pub state: Rc<FnState>,
    /// Per-instance bound copies (methods).
    bound: RefCell<Vec<(Value, Value)>>,
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
    let [func, sig, autograph, _jit, rr, _impl, _ago, _attrs, relax, _compile, _hints] = args.bind(
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
    if !matches!(sig, Value::None | Value::List(_) | Value::Tuple(_)) {
        return Err(Exc::type_error("input_signature must be either a tuple or a list of tf.TypeSpec objects"));
    }
    let reduce = crate::tf::util::bool_arg(&rr, false, interp)? || crate::tf::util::bool_arg(&relax, false, interp)?;
    let autograph = crate::tf::util::bool_arg(&autograph, true, interp)?;
    let opts = Rc::new(FnOptions { input_signature: sig, reduce_retracing: reduce, autograph });
    match func {
        None | Some(Value::None) => {
            let decorator = move |interp: &mut Interp, args: Args| -> PyResult<Value> {
                let [f] = args.bind("function", ["func"], 1)?;
                wrap(f.unwrap_or(Value::None), opts.clone(), interp)
            };
            Ok(Builtin::value("function", decorator))
        }
        Some(f) => wrap(f, opts, interp),
    }
}

fn wrap(f: Value, opts: Rc<FnOptions>, interp: &mut Interp) -> PyResult<Value> {
    let name = func_name(&f, interp);
    Ok(Value::object(Function {
        func: f,
        instance: None,
        name,
        opts,
        state: Rc::new(FnState::default()),
        bound: RefCell::new(Vec::new()),
    }))
}

/// Whether tf.functions run eagerly (`--eager` or `run_functions_eagerly`).
pub fn run_eagerly(interp: &Interp) -> bool {
    RUN_EAGERLY.with(|c| c.get()) || interp.options.eager
}

/// The parameters of a Python function (without `self` for methods).
struct Param {
    name: String,
    kind: ParamKind,
    default: Option<Value>,
}

fn params_of(f: &Value, skip_self: bool) -> Option<Vec<Param>> {
    let Value::Function(func) = f else { return None };
    let names = func.param_names();
    let nd = func.defaults.len();
    let first_default = names.len().saturating_sub(nd);
    let mut out = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if skip_self && i == 0 {
            continue;
        }
        let default = if i >= first_default { func.defaults.get(i - first_default).cloned() } else { None };
        out.push(Param { name: n.to_string(), kind: ParamKind::PositionalOrKeyword, default });
    }
    if let Some(v) = &func.code.params.vararg {
        out.push(Param { name: v.to_string(), kind: ParamKind::VarPositional, default: None });
    }
    for (i, n) in func.kwonly_names().iter().enumerate() {
        let default = func.kw_defaults.get(i).cloned().flatten();
        out.push(Param { name: n.to_string(), kind: ParamKind::KeywordOnly, default });
    }
    if let Some(k) = &func.code.params.kwarg {
        out.push(Param { name: k.to_string(), kind: ParamKind::VarKeyword, default: None });
    }
    Some(out)
}

fn bind_error(msg: &str) -> Exc {
    Exc::type_error(format!("Binding inputs to tf.function failed due to `{msg}`."))
}

/// Binds a call's arguments to the parameters, as Python would (defaults
/// filled in, `*args` as a tuple, `**kwargs` as a dict).
fn bind_params(params: &[Param], mut args: Args) -> PyResult<Vec<Value>> {
    let mut vals: Vec<Option<Value>> = vec![None; params.len()];
    let npos = params.iter().filter(|p| p.kind == ParamKind::PositionalOrKeyword).count();
    let mut extra = Vec::new();
    for (i, v) in std::mem::take(&mut args.pos).into_iter().enumerate() {
        if i < npos {
            vals[i] = Some(v);
        } else {
            extra.push(v);
        }
    }
    let var_pos = params.iter().position(|p| p.kind == ParamKind::VarPositional);
    match var_pos {
        Some(i) => vals[i] = Some(Value::tuple(extra)),
        None if !extra.is_empty() => return Err(bind_error("too many positional arguments")),
        None => {}
    }
    let var_kw = params.iter().position(|p| p.kind == ParamKind::VarKeyword);
    let mut kw_dict = Dict::default();
    for (k, v) in args.kw {
        match params.iter().position(|p| *p.name == *k && matches!(p.kind, ParamKind::PositionalOrKeyword | ParamKind::KeywordOnly)) {
            Some(i) => {
                if vals[i].is_some() {
                    return Err(bind_error(&format!("multiple values for argument '{k}'")));
                }
                vals[i] = Some(v);
            }
            None if var_kw.is_some() => kw_dict.insert(HashKey::Str(k.clone()), Value::Str(k.clone()), v),
            None => return Err(bind_error(&format!("got an unexpected keyword argument '{k}'"))),
        }
    }
    if let Some(i) = var_kw {
        vals[i] = Some(Value::Dict(Rc::new(RefCell::new(kw_dict))));
    }
    params
        .iter()
        .zip(vals)
        .map(|(p, v)| match v.or_else(|| p.default.clone()) {
            Some(v) => Ok(v),
            None => Err(bind_error(&format!("missing a required argument: '{}'", p.name))),
        })
        .collect()
}

/// Positional-only binding for callables without a Python signature.
fn generic_params(args: &Args) -> PyResult<Vec<Param>> {
    if !args.kw.is_empty() {
        return Err(Exc::not_implemented("keyword arguments to a tf.function of a non-Python callable are not supported by tfjit"));
    }
    Ok((0..args.pos.len()).map(|i| Param { name: format!("args_{i}"), kind: ParamKind::PositionalOrKeyword, default: None }).collect())
}

impl Function {
    /// What a trace runs: the AutoGraph-converted function (`autograph=True`)
    /// or the Python function itself.
    fn traced_function(&self, interp: &mut Interp) -> PyResult<Value> {
        if !self.opts.autograph {
            return Ok(self.func.clone());
        }
        match &self.func {
            Value::Function(f) if !f.code.unit.file.starts_with('<') => {
                Ok(crate::tf::autograph::convert::convert_function(f, true, interp)?.unwrap_or_else(|| self.func.clone()))
            }
            _ => Ok(self.func.clone()),
        }
    }

    fn params(&self, args: &Args) -> PyResult<Vec<Param>> {
        match params_of(&self.func, self.instance.is_some()) {
            Some(p) => Ok(p),
            None => generic_params(args),
        }
    }

    /// With an `input_signature`: the specs, and the call's arguments
    /// converted to tensors of those dtypes (TF's `TypeError` otherwise).
    fn signature_specs(&self, interp: &mut Interp) -> PyResult<Option<Vec<Value>>> {
        match &self.opts.input_signature {
            Value::List(l) => Ok(Some(l.borrow().clone())),
            Value::Tuple(t) => Ok(Some(t.to_vec())),
            _ => {
                let _ = interp;
                Ok(None)
            }
        }
    }

    /// Binds and computes the parameter specs of a call.
    fn bind_call(&self, args: Args, allow_specs: bool, interp: &mut Interp) -> PyResult<(Vec<ParamSpec>, Vec<Value>)> {
        let params = self.params(&args)?;
        if let Some(specs) = self.signature_specs(interp)? {
            return self.bind_signature(&params, &specs, args, allow_specs, interp);
        }
        let values = bind_params(&params, args)?;
        let mut out = Vec::with_capacity(params.len());
        for (p, v) in params.iter().zip(&values) {
            out.push(ParamSpec { name: p.name.clone(), kind: p.kind, spec: Spec::of(v, allow_specs, interp)? });
        }
        Ok((out, values))
    }

    fn bind_signature(
        &self,
        params: &[Param],
        specs: &[Value],
        args: Args,
        allow_specs: bool,
        interp: &mut Interp,
    ) -> PyResult<(Vec<ParamSpec>, Vec<Value>)> {
        if args.pos.len() > specs.len() {
            return Err(Exc::type_error(format!(
                "Binding inputs to tf.function failed due to `too many positional arguments`. Received {} positional arguments for a signature of {}.",
                args.pos.len(),
                specs.len()
            )));
        }
        let sig_params: Vec<Param> = params
            .iter()
            .filter(|p| p.kind == ParamKind::PositionalOrKeyword)
            .take(specs.len())
            .map(|p| Param { name: p.name.clone(), kind: p.kind, default: None })
            .collect();
        let no_call_args = args.pos.is_empty() && args.kw.is_empty();
        let values: Vec<Value> = if allow_specs && no_call_args {
            specs.to_vec()
        } else {
            bind_params(&sig_params, args)?
        };
        let mut out = Vec::with_capacity(specs.len());
        let mut conv = Vec::with_capacity(specs.len());
        for ((p, v), spec) in sig_params.iter().zip(&values).zip(specs) {
            let Some(s) = spec.downcast::<crate::tf::shape::TensorSpecObj>() else {
                return Err(Exc::not_implemented("tf.function input_signature entries other than tf.TensorSpec are not implemented in tfjit yet"));
            };
            let spec_repr = s.repr(interp)?;
            let pspec = Spec::Tensor { dtype: s.dtype, shape: s.shape.clone(), name: s.name.clone() };
            if allow_specs && no_call_args {
                out.push(ParamSpec { name: p.name.clone(), kind: p.kind, spec: pspec });
                conv.push(v.clone());
                continue;
            }
            let t = match crate::tf::convert::tv_of(v)? {
                Some(t) => Ok(t),
                None => crate::tf::convert::convert(v, Some(s.dtype), crate::tf::convert::Mode::Convert).map(crate::tf::trace::TV::E),
            };
            let ok = match &t {
                Ok(t) => t.dtype() == s.dtype && s.shape.is_compatible_with(&t.shape()) && spec_accepts(&s.shape, &t.shape()),
                Err(_) => false,
            };
            if !ok {
                let got = match &t {
                    Ok(t) => crate::tf::spec::tensor_spec_text(t.dtype(), &t.shape(), None),
                    Err(_) => interp.repr(v)?,
                };
                return Err(Exc::type_error(format!("Binding inputs to tf.function failed due to `Can not cast {got} to {spec_repr}`.")));
            }
            out.push(ParamSpec { name: p.name.clone(), kind: p.kind, spec: pspec });
            conv.push(t.map(crate::tf::util::tvv)?);
        }
        Ok((out, conv))
    }

    /// Finds or makes the trace for a call; returns it and, for a first call
    /// whose graph initializes variables, the graph to run this time.
    fn concrete_for(&self, params: &[ParamSpec], values: &[Value], interp: &mut Interp) -> PyResult<(Rc<Concrete>, Option<Rc<Concrete>>)> {
        let st = &self.state;
        {
            let cache = st.cache.borrow();
            let hit = cache.iter().find(|c| {
                c.params.len() == params.len() && c.params.iter().zip(params).all(|(a, b)| a.spec.accepts(&b.spec))
            });
            if let Some(c) = hit {
                let c = c.clone();
                drop(cache);
                self.note_call(false, interp);
                return Ok((c, None));
            }
        }
        let mut params = params.to_vec();
        if self.opts.reduce_retracing {
            let cache = st.cache.borrow();
            for c in cache.iter() {
                let same = c.params.len() == params.len() && c.params.iter().zip(&params).all(|(a, b)| a.spec.same_kind(&b.spec));
                if same {
                    for (p, old) in params.iter_mut().zip(&c.params) {
                        p.spec = p.spec.relax(&old.spec);
                    }
                }
            }
        }
        let first = !st.initialized.get();
        let creation = if first {
            VarCreation::Allowed
        } else if st.created_vars.get() {
            VarCreation::SingletonError
        } else {
            VarCreation::NonFirstCallError
        };
        let traced = self.traced_function(interp)?;
        let r = trace(&traced, self.instance.as_ref(), &self.name, &params, values, creation, interp)?;
        st.initialized.set(true);
        st.tracing_count.set(st.tracing_count.get() + 1);
        let mut run_now = None;
        let concrete = if r.created_vars {
            st.created_vars.set(true);
            // Trace again, now without creating variables; that graph serves
            // every later call. The first graph initializes variables whose
            // initial value it computes, so this call runs it.
            let r2 = trace(&traced, self.instance.as_ref(), &self.name, &params, values, VarCreation::SingletonError, interp)?;
            st.tracing_count.set(st.tracing_count.get() + 1);
            if r.unlifted_init {
                run_now = Some(r.concrete.clone());
            }
            r2.concrete
        } else {
            r.concrete
        };
        st.cache.borrow_mut().push(concrete.clone());
        self.note_call(true, interp);
        Ok((concrete, run_now))
    }

    /// TF's warning when most recent calls retraced.
    fn note_call(&self, traced: bool, interp: &mut Interp) {
        let mut recent = self.state.recent.borrow_mut();
        recent.push_back(traced);
        if recent.len() > 10 {
            recent.pop_front();
        }
        if !traced || self.state.tracing_count.get() < 5 {
            return;
        }
        let n = recent.iter().filter(|&&t| t).count();
        if n < 5 || RETRACE_WARNINGS.with(|w| w.get()) >= 5 {
            return;
        }
        RETRACE_WARNINGS.with(|w| w.set(w.get() + 1));
        let total = recent.len();
        drop(recent);
        let text = format!(
            "WARNING:tensorflow:{n} out of the last {total} calls to <function {} at 0x{:x}> triggered tf.function retracing. Tracing is expensive and the excessive number of tracings could be due to (1) creating @tf.function repeatedly in a loop, (2) passing tensors with different shapes, (3) passing Python objects instead of tensors. For (1), please define your @tf.function outside of the loop. For (2), @tf.function has reduce_retracing=True option that can avoid unnecessary retracing. For (3), please refer to https://www.tensorflow.org/guide/function#controlling_retracing and https://www.tensorflow.org/api_docs/python/tf/function for  more details.\n",
            self.name,
            Rc::as_ptr(&self.state) as usize
        );
        interp.write_stderr(&text);
    }

    /// Runs the Python body directly (eager mode, or inside another trace).
    fn call_python(&self, args: Args, interp: &mut Interp) -> PyResult<Value> {
        let mut args = args;
        if self.opts.input_signature.is_none() {
        } else {
            let params = self.params(&args)?;
            if let Some(specs) = self.signature_specs(interp)? {
                let (_, conv) = self.bind_signature(&params, &specs, args, false, interp)?;
                args = Args::new(conv);
            }
        }
        if let Some(inst) = &self.instance {
            args.pos.insert(0, inst.clone());
        }
        count_body_run();
        let out = interp.call(&self.func, args)?;
        outputs_to_tensors(&out)
    }

    fn get_concrete_function(&self, args: Args, interp: &mut Interp) -> PyResult<Value> {
        let (params, values) = self.bind_call(args, true, interp)?;
        let (c, _) = self.concrete_for(&params, &values, interp)?;
        let literal_args = params
            .iter()
            .zip(&values)
            .map(|(p, v)| match p.spec {
                Spec::Tensor { .. } => None,
                _ => Some(v.clone()),
            })
            .collect();
        Ok(Value::object(ConcreteFunction { c, literal_args }))
    }

    fn pretty_signatures(&self, interp: &mut Interp) -> PyResult<String> {
        if !self.opts.input_signature.is_none() && self.state.cache.borrow().is_empty() {
            self.get_concrete_function(Args::default(), interp)?;
        }
        let cache = self.state.cache.borrow().clone();
        let mut parts = Vec::with_capacity(cache.len());
        for c in &cache {
            parts.push(c.pretty(interp)?);
        }
        Ok(parts.join("\n\n"))
    }
}

/// Whether a spec shape (maybe with None) accepts a value's shape.
fn spec_accepts(spec: &tfjit_tensor::StaticShape, got: &tfjit_tensor::StaticShape) -> bool {
    match (&spec.dims, &got.dims) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.is_none() || x == y),
    }
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
        if run_eagerly(interp) {
            return self.call_python(args, interp).map(Some);
        }
        if crate::tf::trace::tracing() {
            // A call from another trace: trace (or reuse) this function and
            // put its ops into the caller's graph.
            let (params, values) = self.bind_call(args, false, interp)?;
            let (c, run_now) = self.concrete_for(&params, &values, interp)?;
            let target = run_now.unwrap_or(c);
            let mut flat = Vec::new();
            for (p, v) in target.params.iter().zip(&values) {
                crate::tf::concrete::flatten_tvs(&p.spec, v, &mut flat)?;
            }
            return crate::tf::concrete::inline_call(&target, &flat).map(Some);
        }
        let (params, values) = self.bind_call(args, false, interp)?;
        let (c, run_now) = self.concrete_for(&params, &values, interp)?;
        let target = run_now.unwrap_or(c);
        let mut flat = Vec::new();
        for (p, v) in target.params.iter().zip(&values) {
            flatten_inputs(&p.spec, v, &mut flat)?;
        }
        target.run(flat, interp).map(Some)
    }
    fn descriptor_get(&self, _this: &Value, instance: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if self.instance.is_some() {
            return Ok(None);
        }
        if let Some((_, f)) = self.bound.borrow().iter().find(|(i, _)| i.is(instance)) {
            return Ok(Some(f.clone()));
        }
        let f = Value::object(Function {
            func: self.func.clone(),
            instance: Some(instance.clone()),
            name: self.name.clone(),
            opts: self.opts.clone(),
            state: Rc::new(FnState::default()),
            bound: RefCell::new(Vec::new()),
        });
        self.bound.borrow_mut().push((instance.clone(), f.clone()));
        Ok(Some(f))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(match name {
            "python_function" => self.func.clone(),
            "input_signature" => match &self.opts.input_signature {
                Value::List(l) => Value::tuple(l.borrow().clone()),
                other => other.clone(),
            },
            "__name__" => Value::str(&self.name),
            "experimental_get_tracing_count" => method(name, this, |_i, this, args| {
                args.bind("experimental_get_tracing_count", [], 0)?;
                let f = this.downcast::<Function>().ok_or_else(|| Exc::type_error("not a tf.function"))?;
                Ok(Value::Int(f.state.tracing_count.get() as i64))
            }),
            "get_concrete_function" => method(name, this, |interp, this, args| {
                let f = this.downcast::<Function>().ok_or_else(|| Exc::type_error("not a tf.function"))?;
                f.get_concrete_function(args, interp)
            }),
            "pretty_printed_concrete_signatures" => method(name, this, |interp, this, args| {
                args.bind("pretty_printed_concrete_signatures", ["verbose"], 0)?;
                let f = this.downcast::<Function>().ok_or_else(|| Exc::type_error("not a tf.function"))?;
                Ok(Value::str(&f.pretty_signatures(interp)?))
            }),
            "experimental_get_compiler_ir" => {
                return Err(Exc::not_implemented("tf.function.experimental_get_compiler_ir is not implemented in tfjit"))
            }
            _ => return Ok(None),
        }))
    }
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
        Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
            let t = crate::tf::convert::convert(v, None, crate::tf::convert::Mode::Convert)?;
            crate::tf::util::tvv(crate::tf::trace::constant("Const", t)?)
        }
        _ => {
            if v.downcast::<crate::tf::variable::Variable>().is_some() {
                match crate::tf::convert::tv_of(v)? {
                    Some(t) => crate::tf::util::tvv(t),
                    None => v.clone(),
                }
            } else {
                v.clone()
            }
        }
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
    Ok(Value::Bool(run_eagerly(interp)))
}
