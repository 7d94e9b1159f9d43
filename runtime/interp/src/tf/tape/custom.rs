//! `tf.custom_gradient`: `f(*args)` returns `(y, grad_fn)`; tapes record one
//! op from the arguments (and variables `f` read) to `y` whose gradient is
//! `grad_fn`, as TF's `_eager_mode_decorator` does.

use super::object::{flatten_into, pack_like};
use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::to_tensor;
use crate::tf::trace::{self, TV};
use crate::tf::util::tvv;
use crate::tf::variable::Variable;
use crate::value::{Builtin, Value};
use tfjit_tensor::{attrs, Attr};

/// Whether `grad_fn` accepts a `variables=` keyword.
fn accepts_variables(f: &Value) -> bool {
    match f {
        Value::Function(func) => {
            func.has_varkw()
                || func.param_names().iter().any(|n| &**n == "variables")
                || func.kwonly_names().iter().any(|n| &**n == "variables")
        }
        _ => true,
    }
}

fn call_decorated(interp: &mut Interp, f: &Value, args: Args) -> PyResult<Value> {
    let pos = args.pos.clone();
    super::push_var_watcher();
    let r = interp.call(f, args);
    let accessed = super::pop_var_watcher();
    let r = r?;
    let parts = interp.iterate(&r)?;
    let [result, grad_fn] = parts.as_slice() else {
        return Err(Exc::value_error("a @tf.custom_gradient function must return (result, grad_fn)"));
    };
    let mut flat_args = vec![];
    for a in &pos {
        flatten_into(a, &mut flat_args);
    }
    let arg_cells: Vec<_> = flat_args.iter().filter_map(|a| a.downcast::<Variable>().map(|v| v.cell.id)).collect();
    let variables: Vec<_> = accessed.into_iter().filter(|c| !arg_cells.contains(&c.id)).collect();
    if !variables.is_empty() && !accepts_variables(grad_fn) {
        let names: Vec<String> = variables.iter().map(|c| format!("<tf.Variable '{}'>", c.name)).collect();
        return Err(Exc::type_error(format!(
            "@tf.custom_gradient grad_fn must accept keyword argument 'variables', since function uses variables: [{}]",
            names.join(", ")
        )));
    }
    let mut flat_res = vec![];
    flatten_into(result, &mut flat_res);
    let mut outs = Vec::with_capacity(flat_res.len());
    for v in &flat_res {
        let t = to_tensor(v)?;
        let id = super::paused(|| trace::op1("Identity", &[&t], attrs![("T", Attr::Type(t.dtype()))]))?;
        outs.push(match id {
            TV::E(e) => TV::E(e.renewed()),
            s => s,
        });
    }
    let mut inputs = Vec::with_capacity(flat_args.len() + variables.len());
    for a in &flat_args {
        inputs.push(to_tensor(a)?);
    }
    for c in &variables {
        inputs.push(Variable { cell: c.clone(), unread: false }.read_tv()?);
    }
    super::record_custom(grad_fn.clone(), flat_args.len(), variables, inputs, outs.clone());
    let vals: Vec<Value> = outs.into_iter().map(tvv).collect();
    Ok(pack_like(result, &mut vals.into_iter()))
}

/// `tf.custom_gradient(f)`: the decorated function.
pub fn custom_gradient(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [f] = args.bind("custom_gradient", ["f"], 1)?;
    let f = f.unwrap_or(Value::None);
    if f.is_none() {
        return Err(Exc::not_implemented("tf.custom_gradient() without a function is not implemented in tfjit yet"));
    }
    let name = crate::interp::call::func_name(&f);
    Ok(Builtin::value(&name, move |interp, args| call_decorated(interp, &f, args)))
}
