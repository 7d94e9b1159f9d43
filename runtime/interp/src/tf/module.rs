//! `tf.Module`: the class is Python (`prelude.py`), its attribute walk
//! (`variables`, `trainable_variables`, `submodules`) is native: it reads the
//! instance dicts in TF's order (attribute names sorted, nested lists/tuples
//! in order and dicts by sorted key, then submodules depth-first), yielding
//! each object once.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::variable::Variable;
use crate::value::{Builtin, Instance, Value};
use std::collections::HashSet;
use std::rc::Rc;

/// The Python source of the TF classes written in Python.
pub const PRELUDE: &str = include_str!("prelude.py");

/// TF's `camel_to_snake`: `MyModel` → `my_model`, `MLP` → `mlp`, `HTTPServer` → `http_server`.
pub fn camel_to_snake(s: &str) -> String {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, &ch) in c.iter().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            let prev = c[i - 1];
            let next_lower = c.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase() || prev.is_ascii_digit() || next_lower {
                out.push('_');
            }
        }
        out.extend(ch.to_lowercase());
    }
    out
}

fn is_module(v: &Value) -> bool {
    matches!(v, Value::Instance(i) if i.class.lookup("_TF_MODULE_MARKER").is_some())
}

/// `tf.nest.flatten` of an attribute value: lists/tuples in order, dicts by sorted key.
fn nest_flatten(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::List(l) => {
            for x in l.borrow().iter() {
                nest_flatten(x, out);
            }
        }
        Value::Tuple(t) => {
            for x in t.iter() {
                nest_flatten(x, out);
            }
        }
        Value::Dict(d) => {
            let mut items: Vec<(Value, Value)> = d.borrow().items().map(|(k, v)| (k.clone(), v.clone())).collect();
            items.sort_by(|a, b| match (&a.0, &b.0) {
                (Value::Str(x), Value::Str(y)) => x.cmp(y),
                (Value::Int(x), Value::Int(y)) => x.cmp(y),
                _ => std::cmp::Ordering::Equal,
            });
            for (_, x) in items {
                nest_flatten(&x, out);
            }
        }
        _ => out.push(v.clone()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Variables,
    Trainable,
    NonTrainable,
    Submodules,
}

fn wanted(v: &Value, want: Want) -> bool {
    match want {
        Want::Submodules => is_module(v),
        _ => match v.downcast::<Variable>() {
            None => false,
            Some(var) => match want {
                Want::Trainable => var.cell.trainable,
                Want::NonTrainable => !var.cell.trainable,
                _ => true,
            },
        },
    }
}

fn walk(module: &Rc<Instance>, want: Want, seen: &mut HashSet<usize>, out: &mut Vec<Value>) {
    let mut entries: Vec<(String, Value)> =
        module.dict.borrow().iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut subs = vec![];
    for (_, prop) in entries {
        let mut leaves = vec![];
        nest_flatten(&prop, &mut leaves);
        for leaf in leaves {
            if !seen.insert(leaf.id()) {
                continue;
            }
            if wanted(&leaf, want) {
                out.push(leaf.clone());
            }
            if let Value::Instance(i) = &leaf {
                if is_module(&leaf) {
                    subs.push(i.clone());
                }
            }
        }
    }
    for s in subs {
        walk(&s, want, seen, out);
    }
}

/// `_tfjit.flatten(module, kind)`: the tuple behind `Module.variables` & co.
fn flatten(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [m, kind] = args.bind("flatten", ["module", "kind"], 2)?;
    let Some(Value::Instance(inst)) = m else {
        return Err(Exc::type_error("flatten() expects a tf.Module"));
    };
    let want = match kind {
        Some(Value::Str(s)) => match &*s {
            "variables" => Want::Variables,
            "trainable_variables" => Want::Trainable,
            "non_trainable_variables" => Want::NonTrainable,
            "submodules" => Want::Submodules,
            other => return Err(Exc::value_error(format!("unknown module walk '{other}'"))),
        },
        _ => return Err(Exc::type_error("flatten() kind must be a string")),
    };
    let mut seen = HashSet::new();
    seen.insert(Value::Instance(inst.clone()).id());
    let mut out = vec![];
    walk(&inst, want, &mut seen, &mut out);
    Ok(Value::tuple(out))
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    match c.next() {
        Some(f) if f.is_alphabetic() || f == '_' => c.all(|x| x.is_alphanumeric() || x == '_'),
        _ => false,
    }
}

/// `_tfjit.check_name(name)`: TF's module-name validation.
fn check_name(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [n] = args.bind("check_name", ["name"], 1)?;
    match n {
        Some(Value::Str(s)) if is_identifier(&s) => Ok(Value::None),
        Some(v) => {
            let r = crate::tf::convert::literal_repr(&v);
            Err(Exc::value_error(format!(
                "{r} is not a valid module name. Module names must be valid Python identifiers (e.g. a valid class name)."
            )))
        }
        None => Ok(Value::None),
    }
}

fn camel_to_snake_fn(_interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [n] = args.bind("camel_to_snake", ["value"], 1)?;
    match n {
        Some(Value::Str(s)) => Ok(Value::str(&camel_to_snake(&s))),
        _ => Err(Exc::type_error("camel_to_snake() expects a string")),
    }
}

/// Run the prelude and return its `Module` class, with the native helpers installed.
pub fn make_module_class(interp: &mut Interp) -> PyResult<Value> {
    let m = interp.exec_module_source("tensorflow", PRELUDE)?;
    let helpers = m.attrs.borrow().get("_tfjit").cloned();
    if let Some(Value::Class(h)) = helpers {
        let mut a = h.attrs.borrow_mut();
        a.insert("flatten".into(), Builtin::value("flatten", flatten));
        a.insert("check_name".into(), Builtin::value("check_name", check_name));
        a.insert("camel_to_snake".into(), Builtin::value("camel_to_snake", camel_to_snake_fn));
    } else {
        return Err(Exc::runtime_error("tfjit prelude did not define _tfjit"));
    }
    let module_class = m.attrs.borrow().get("Module").cloned();
    module_class.ok_or_else(|| Exc::runtime_error("tfjit prelude did not define Module"))
}

#[cfg(test)]
mod tests {
    use super::camel_to_snake;

    #[test]
    fn snake_case_like_tf() {
        assert_eq!(camel_to_snake("Model"), "model");
        assert_eq!(camel_to_snake("Module"), "module");
        assert_eq!(camel_to_snake("MyModel"), "my_model");
        assert_eq!(camel_to_snake("MLP"), "mlp");
        assert_eq!(camel_to_snake("HTTPServer"), "http_server");
        assert_eq!(camel_to_snake("Dense2Layer"), "dense2_layer");
    }
}
