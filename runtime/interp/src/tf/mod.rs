//! The `tensorflow` module as the program sees it.
//!
//! Files: `tensor.rs` (EagerTensor and tensor behaviour shared with
//! variables), `convert.rs` (Python values → tensors), `dtypes.rs`,
//! `shape.rs` (TensorShape, TensorSpec), `ndarray.rs` (what `.numpy()`
//! returns), `variable.rs`, `slicing.rs` (`x[...]` → StridedSlice),
//! `ops_math.rs` / `ops_array.rs` (the `tf.*` functions), `print.rs`
//! (`tf.print`), `function.rs` (`tf.function`), `module.rs` + `prelude.py`
//! (`tf.Module`), `errors.rs` (`tf.errors`), `tape/` (`tf.GradientTape`,
//! `tf.custom_gradient`), `indexed_slices.rs` (`tf.IndexedSlices`),
//! `optimizers/` (`tf.keras.optimizers`, Python), `unsupported.rs`
//! (features not there yet), `util.rs` (helpers).

pub mod autograph;
pub mod cflow;
pub mod concrete;
pub mod convert;
pub mod data;
pub mod dtypes;
pub mod errors;
pub mod function;
pub mod indexed_slices;
pub mod module;
pub mod ndarray;
pub mod ops_array;
pub mod ops_math;
pub mod optimizers;
pub mod print;
pub mod shape;
pub mod slicing;
pub mod spec;
pub mod symbolic;
pub mod tape;
pub mod tensor;
pub mod trace;
pub mod unsupported;
pub mod util;
pub mod variable;

use crate::exc::PyResult;
use crate::interp::Interp;
use crate::value::{Builtin, Module, Value};
use std::rc::Rc;
use tfjit_tensor::DType;
use unsupported::Unsupported;
use util::native_class;

const DTYPES: &[(&str, DType)] = &[
    ("float32", DType::Float32),
    ("float64", DType::Float64),
    ("double", DType::Float64),
    ("int32", DType::Int32),
    ("int64", DType::Int64),
    ("bool", DType::Bool),
];

const UNSUPPORTED_DTYPES: &[&str] = &[
    "float16", "half", "bfloat16", "int8", "int16", "uint8", "uint16", "uint32", "uint64", "complex64",
    "complex128", "string", "qint8", "quint8", "qint32", "resource", "variant",
];

/// Parts of TF's API that tfjit does not have yet (any use raises NotImplementedError).
const UNSUPPORTED: &[&str] = &[
    "init_scope", "device", "py_function", "random", "nest",
    "debugging", "saved_model", "train", "summary", "distribute", "image", "strings", "sparse", "ragged",
    "signal", "io", "experimental", "compat", "vectorized_map", "map_fn", "scan", "foldl", "foldr",
    "numpy_function", "name_scope", "control_dependencies", "group", "no_op", "Graph",
    "RaggedTensor", "SparseTensor", "gradients", "hessians", "recompute_grad", "lookup", "feature_column",
    "estimator", "lite", "quantization", "queue", "sets", "audio", "bitwise", "tpu", "xla", "mlir",
    "test", "sysconfig", "version", "saved_model", "get_logger", "ensure_shape", "assert_equal",
    "function_eagerly", "TypeSpec", "OptionalSpec", "DeviceSpec", "Operation", "random_uniform_initializer",
    "random_normal_initializer", "constant_initializer", "zeros_initializer", "ones_initializer",
    "searchsorted", "sort", "argsort", "unique", "boolean_mask", "scatter_nd", "gather_nd", "pad",
    "tensor_scatter_nd_update", "meshgrid", "histogram_fixed_width", "sequence_mask", "roll",
];

fn add_dtypes(m: &Rc<Module>) {
    for (n, d) in DTYPES {
        m.set(n, dtypes::dtype_value(*d));
    }
    for n in UNSUPPORTED_DTYPES {
        m.set(n, Unsupported::value(&format!("tf.{n}")));
    }
    m.set("as_dtype", Builtin::value("as_dtype", dtypes::as_dtype_fn));
    m.set("DType", dtypes::dtype_class());
}

/// Makes every function of `m` honour `name=`: inside a trace, the ops it
/// creates are named after it (`tf.add(x, y, name="total")`).
fn name_kwarg_wrappers(m: &Rc<Module>) {
    let entries: Vec<(crate::value::Str, Value)> = m.attrs.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    for (k, v) in entries {
        let Value::Builtin(b) = v else { continue };
        let inner = b.clone();
        m.set(&k, Builtin::value(&b.name, move |interp, mut args| {
            let name = match args.take_kw("name") {
                Some(Value::Str(s)) => Some(s.to_string()),
                _ => None,
            };
            trace::with_op_name(name, || (inner.func)(interp, args))
        }));
    }
}

/// Build the `tensorflow` module (called on `import tensorflow as tf`).
pub fn make_module(interp: &mut Interp) -> PyResult<Value> {
    let tf = Module::new("tensorflow");
    for n in UNSUPPORTED {
        tf.set(n, Unsupported::value(&format!("tf.{n}")));
    }
    add_dtypes(&tf);
    let dt = Module::new("tensorflow.dtypes");
    add_dtypes(&dt);
    tf.set("dtypes", Value::Module(dt));
    tf.set("newaxis", Value::None);

    let math = Module::new("tensorflow.math");
    let nn = Module::new("tensorflow.nn");
    let linalg = Module::new("tensorflow.linalg");
    ops_math::register(&tf, &math, &nn, &linalg);
    ops_array::register(&tf, &linalg);
    for m in [&tf, &math, &nn, &linalg] {
        name_kwarg_wrappers(m);
    }
    tf.set("math", Value::Module(math));
    tf.set("nn", Value::Module(nn));
    tf.set("linalg", Value::Module(linalg));
    tf.set("errors", Value::Module(errors::make_errors_module()));
    tf.set("data", data::make_module());
    cflow::register(&tf);
    tf.set("autograph", autograph::make_tf_autograph_module());

    tf.set("Tensor", native_class("Tensor", "Tensor", None));
    tf.set("Variable", native_class("Variable", "Variable", Some(Box::new(variable::variable_ctor))));
    tf.set("TensorShape", native_class("TensorShape", "TensorShape", Some(Box::new(shape::tensor_shape_ctor))));
    tf.set("TensorSpec", native_class("TensorSpec", "TensorSpec", Some(Box::new(shape::tensor_spec_ctor))));

    tf.set("GradientTape", native_class("GradientTape", "GradientTape", Some(Box::new(tape::object::gradient_tape_ctor))));
    tf.set("UnconnectedGradients", tape::object::unconnected_gradients_value());
    tf.set("custom_gradient", Builtin::value("custom_gradient", tape::custom::custom_gradient));
    tf.set(
        "IndexedSlices",
        native_class("IndexedSlices", "IndexedSlices", Some(Box::new(indexed_slices::indexed_slices_ctor))),
    );
    tf.set("print", Builtin::value("print", print::tf_print));
    tf.set("function", Builtin::value("function", function::tf_function));
    tf.set("executing_eagerly", Builtin::value("executing_eagerly", |_i, args| {
        args.bind("executing_eagerly", [], 0)?;
        Ok(Value::Bool(!trace::tracing()))
    }));
    let config = Module::new("tensorflow.config");
    config.set("run_functions_eagerly", Builtin::value("run_functions_eagerly", function::run_functions_eagerly));
    config.set("functions_run_eagerly", Builtin::value("functions_run_eagerly", function::functions_run_eagerly));
    config.set("experimental", Unsupported::value("tf.config.experimental"));
    tf.set("config", Value::Module(config));

    match optimizers::make_keras(interp, &tf) {
        Ok(k) => tf.set("keras", k),
        Err(e) if e.is("NotImplementedError") => tf.set("keras", Unsupported::value("tf.keras")),
        Err(e) => return Err(e),
    }
    match module::make_module_class(interp) {
        Ok(c) => tf.set("Module", c),
        // The interpreter cannot run Python source yet: keep the rest usable.
        Err(e) if e.is("NotImplementedError") => tf.set("Module", Unsupported::value("tf.Module")),
        Err(e) => return Err(e),
    }
    Ok(Value::Module(tf))
}
