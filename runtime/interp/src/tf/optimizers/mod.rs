//! `tf.keras`: only `tf.keras.optimizers` for now (the optimizers are Python,
//! `optimizers.py`, run once when tensorflow is imported; the helpers they
//! need from Rust are installed on its `_tfjit_opt` class). Everything else
//! of Keras raises NotImplementedError.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert, Mode};
use crate::tf::dtypes::opt_dtype;
use crate::tf::unsupported::Unsupported;
use crate::tf::util::tv;
use crate::tf::variable::Variable;
use crate::value::{Builtin, Module, Value};
use std::rc::Rc;
use tfjit_tensor::{Data, DType, Tensor};

/// The Python source of the optimizers.
pub const SOURCE: &str = include_str!("optimizers.py");

/// The optimizer classes `tf.keras.optimizers` exports.
const CLASSES: &[&str] = &["Optimizer", "SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"];

/// Parts of Keras not built yet.
const KERAS_UNSUPPORTED: &[&str] = &[
    "layers", "models", "Model", "Sequential", "Input", "losses", "metrics", "activations", "initializers",
    "callbacks", "backend", "utils", "regularizers", "constraints", "datasets", "mixed_precision", "applications",
    "preprocessing", "saving", "ops", "random", "export", "dtensor", "quantizers", "visualization", "wrappers",
    "tree", "config", "distribution", "Layer", "Variable",
];

const OPTIMIZERS_UNSUPPORTED: &[&str] =
    &["schedules", "legacy", "AdamW", "Adafactor", "Lamb", "Lion", "LossScaleOptimizer", "get", "serialize", "deserialize"];

/// `_tfjit_opt.var_id(v)`: a stable key for a `tf.Variable`.
fn var_id(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [v] = args.bind("var_id", ["variable"], 1)?;
    let v = v.unwrap_or(Value::None);
    match v.downcast::<Variable>() {
        Some(var) => Ok(Value::Int(var.cell.id.0 as i64)),
        None => Err(Exc::type_error(format!(
            "optimizers in tfjit update tf.Variable objects, got {}",
            v.type_name()
        ))),
    }
}

/// `_tfjit_opt.eager_scalar(value, dtype)`: an eager scalar tensor, even in a trace.
fn eager_scalar(interp: &mut Interp, args: Args) -> PyResult<Value> {
    let [v, d] = args.bind("eager_scalar", ["value", "dtype"], 2)?;
    let d = opt_dtype(&d, interp)?;
    Ok(tv(convert(&v.unwrap_or(Value::None), d, Mode::Convert)?))
}

/// `_tfjit_opt.eager_full_like(variable, value)`: an eager tensor with the
/// variable's shape and dtype filled with `value` (a slot's initial value,
/// computed outside any trace so the slot variable is lifted out of it).
fn eager_full_like(_i: &mut Interp, args: Args) -> PyResult<Value> {
    let [v, x] = args.bind("eager_full_like", ["variable", "value"], 2)?;
    let v = v.unwrap_or(Value::None);
    let var = v.downcast::<Variable>().ok_or_else(|| Exc::type_error("slot variables are made for tf.Variable objects"))?;
    let dims = var
        .cell
        .shape
        .as_known()
        .ok_or_else(|| Exc::not_implemented("optimizer slots for variables of unknown shape are not implemented in tfjit yet"))?;
    let x = crate::tf::util::float_of(&x.unwrap_or(Value::None), "value")?;
    let n: usize = dims.iter().product();
    let data = match var.cell.dtype() {
        DType::Float32 => Data::F32(vec![x as f32; n]),
        DType::Float64 => Data::F64(vec![x; n]),
        DType::Int32 => Data::I32(vec![x as i32; n]),
        DType::Int64 => Data::I64(vec![x as i64; n]),
        DType::Bool => Data::Bool(vec![x != 0.0; n]),
    };
    Ok(tv(Tensor::new(dims, data)?))
}

/// Builds `tf.keras` (with `tf` the tensorflow module being built).
pub fn make_keras(interp: &mut Interp, tf: &Rc<Module>) -> PyResult<Value> {
    let m = interp.exec_module_source("tensorflow.keras.optimizers", SOURCE)?;
    m.set("tf", Value::Module(tf.clone()));
    match m.attrs.borrow().get("_tfjit_opt").cloned() {
        Some(Value::Class(h)) => {
            let mut a = h.attrs.borrow_mut();
            a.insert("var_id".into(), Builtin::value("var_id", var_id));
            a.insert("eager_scalar".into(), Builtin::value("eager_scalar", eager_scalar));
            a.insert("eager_full_like".into(), Builtin::value("eager_full_like", eager_full_like));
        }
        _ => return Err(Exc::runtime_error("optimizers source did not define _tfjit_opt")),
    }
    let opts = Module::new("keras.optimizers");
    for c in CLASSES {
        let v = m.attrs.borrow().get(*c).cloned().ok_or_else(|| Exc::runtime_error(format!("optimizers source lacks {c}")))?;
        opts.set(c, v);
    }
    for n in OPTIMIZERS_UNSUPPORTED {
        opts.set(n, Unsupported::value(&format!("tf.keras.optimizers.{n}")));
    }
    let keras = Module::new("keras");
    for n in KERAS_UNSUPPORTED {
        keras.set(n, Unsupported::value(&format!("tf.keras.{n}")));
    }
    keras.set("optimizers", Value::Module(opts));
    Ok(Value::Module(keras))
}
