//! `tf.Variable`: ResourceVariable semantics — a shared mutable cell holding
//! an eager tensor, with shape- and dtype-checked assignment.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert, Mode};
use crate::tf::dtypes::opt_dtype;
use crate::tf::shape::{as_shape, shape_value};
use crate::tf::tensor::{
    common_attr, tensor_binary, tensor_compare, tensor_format, tensor_iter, tensor_to_float, tensor_to_index,
    tensor_to_int, tensor_truthy, tensor_unary,
};
use crate::tf::util::{bool_arg, method, op1, tv};
use crate::value::{BinOp, CmpOp, HashKey, Object, UnaryOp, Value};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use tfjit_tensor::{attrs, Attr, StaticShape, Tensor};

/// The state shared by a variable and the `UnreadVariable`s its assigns return.
pub struct VarCell {
    pub value: RefCell<Tensor>,
    /// `w:0`
    pub name: String,
    pub trainable: bool,
    /// The declared shape (`shape=` may leave dims unknown).
    pub shape: StaticShape,
}

/// A `ResourceVariable` (or the `UnreadVariable` view an assign returns).
pub struct Variable {
    pub cell: Rc<VarCell>,
    /// True for the value returned by `assign*` (prints as `UnreadVariable`).
    pub unread: bool,
}

impl Variable {
    /// The current value.
    pub fn value(&self) -> Tensor {
        self.cell.value.borrow().clone()
    }
    fn shown_name(&self) -> &str {
        if self.unread {
            "UnreadVariable"
        } else {
            &self.cell.name
        }
    }
}

/// `tf.Variable(initial_value, trainable=None, validate_shape=True,
/// caching_device=None, name=None, variable_def=None, dtype=None,
/// import_scope=None, constraint=None, synchronization=…, aggregation=…, shape=None)`.
pub fn variable_ctor(interp: &mut Interp, mut args: Args) -> PyResult<Value> {
    let name = args.take_kw("name");
    let [init, trainable, _validate, _caching, pname, _vdef, dtype, _scope, constraint, _sync, _agg, shape, _lift] = args.bind(
        "Variable",
        [
            "initial_value",
            "trainable",
            "validate_shape",
            "caching_device",
            "name",
            "variable_def",
            "dtype",
            "import_scope",
            "constraint",
            "synchronization",
            "aggregation",
            "shape",
            "experimental_enable_variable_lifting",
        ],
        0,
    )?;
    let init = match init {
        None | Some(Value::None) => return Err(Exc::value_error("initial_value must be specified.")),
        Some(v) => v,
    };
    if let Some(c) = &constraint {
        if !c.is_none() {
            return Err(Exc::not_implemented("tf.Variable(constraint=...) is not implemented in tfjit yet"));
        }
    }
    // A callable initial value is called (`tf.Variable(lambda: ...)`).
    let init = match &init {
        Value::Function(_) | Value::BoundMethod(_) | Value::Builtin(_) => interp.call(&init, Args::new(vec![]))?,
        _ => init,
    };
    let dtype = opt_dtype(&dtype, interp)?;
    let t = convert(&init, dtype, Mode::Convert)?;
    let trainable = match &trainable {
        None | Some(Value::None) => true,
        Some(v) => interp.truthy(v)?,
    };
    let name = match name.or(pname) {
        None | Some(Value::None) => "Variable".to_string(),
        Some(Value::Str(s)) => s.to_string(),
        Some(v) => return Err(Exc::type_error(format!("name must be a string, got {}", v.type_name()))),
    };
    let declared = match &shape {
        None | Some(Value::None) => StaticShape::known(t.shape()),
        Some(s) => {
            let s = as_shape(s)?;
            if !s.is_compatible_with(&StaticShape::known(t.shape())) {
                return Err(Exc::value_error(format!(
                    "The initial value's shape ({}) is not compatible with the explicitly supplied `shape` argument ({}).",
                    StaticShape::known(t.shape()),
                    s
                )));
            }
            s
        }
    };
    Ok(Value::object(Variable {
        cell: Rc::new(VarCell { value: RefCell::new(t), name: format!("{name}:0"), trainable, shape: declared }),
        unread: false,
    }))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AssignKind {
    Assign,
    Add,
    Sub,
}

fn do_assign(this: &Value, kind: AssignKind, args: Args, interp: &mut Interp) -> PyResult<Value> {
    let fname = match kind {
        AssignKind::Assign => "assign",
        AssignKind::Add => "assign_add",
        AssignKind::Sub => "assign_sub",
    };
    let [value, _locking, _name, read_value] =
        args.bind(fname, ["value", "use_locking", "name", "read_value"], 1)?;
    let var = this.downcast::<Variable>().ok_or_else(|| Exc::type_error("not a variable"))?;
    let cell = var.cell.clone();
    let cur = cell.value.borrow().clone();
    let v = convert(&value.unwrap_or(Value::None), Some(cur.dtype()), Mode::Convert)?;
    let new = match kind {
        AssignKind::Assign => {
            if !cell.shape.is_compatible_with(&StaticShape::known(v.shape())) {
                return Err(Exc::value_error(format!(
                    "Cannot assign value to variable ' {}': Shape mismatch.The variable shape {}, and the assigned value shape {} are incompatible.",
                    cell.name,
                    cell.shape,
                    StaticShape::known(v.shape())
                )));
            }
            v
        }
        AssignKind::Add | AssignKind::Sub => {
            if cur.shape() != v.shape() {
                let op = if kind == AssignKind::Add { "AssignAddVariableOp" } else { "AssignSubVariableOp" };
                let dims = |s: &[usize]| s.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(",");
                return Err(Exc::new(
                    "InvalidArgumentError",
                    format!(
                        "{{{{function_node __wrapped__{op}_device_{}}}}} Cannot update variable with shape [{}] using a Tensor with shape [{}], shapes must be equal. [Op:{op}] name: ",
                        crate::tf::tensor::CPU_DEVICE,
                        dims(cur.shape()),
                        dims(v.shape())
                    ),
                ));
            }
            let name = if kind == AssignKind::Add { "AddV2" } else { "Sub" };
            op1(name, &[&cur, &v], attrs![("T", Attr::Type(cur.dtype()))])?
        }
    };
    *cell.value.borrow_mut() = new;
    if bool_arg(&read_value, true, interp)? {
        Ok(Value::object(Variable { cell, unread: true }))
    } else {
        Ok(Value::None)
    }
}

impl Object for Variable {
    fn type_name(&self) -> &'static str {
        "ResourceVariable"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        matches!(native, "Variable" | "ResourceVariable")
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(tfjit_tensor::format::variable_repr(self.shown_name(), &self.value()))
    }
    fn format(&self, spec: &str, interp: &mut Interp) -> PyResult<Option<String>> {
        if spec.is_empty() {
            return Ok(Some(self.repr(interp)?));
        }
        tensor_format(&self.value(), spec, interp)
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let t = self.value();
        if let Some(v) = common_attr(&t, this, name) {
            return Ok(Some(v));
        }
        let read = |this: &Value| -> PyResult<Tensor> {
            this.downcast::<Variable>().map(|v| v.value()).ok_or_else(|| Exc::type_error("not a variable"))
        };
        Ok(Some(match name {
            "name" => Value::str(self.shown_name()),
            "shape" => shape_value(self.cell.shape.clone()),
            "get_shape" => {
                let s = self.cell.shape.clone();
                method(name, this, move |_i, _t, args| {
                    args.bind("get_shape", [], 0)?;
                    Ok(shape_value(s.clone()))
                })
            }
            "trainable" => Value::Bool(self.cell.trainable),
            "read_value" | "value" | "__tf_tensor__" => method(name, this, move |_i, this, _args| Ok(tv(read(this)?))),
            "assign" => method(name, this, |i, this, args| do_assign(this, AssignKind::Assign, args, i)),
            "assign_add" => method(name, this, |i, this, args| do_assign(this, AssignKind::Add, args, i)),
            "assign_sub" => method(name, this, |i, this, args| do_assign(this, AssignKind::Sub, args, i)),
            "initial_value" => {
                return Err(Exc::runtime_error("This property is not supported when eager execution is enabled."))
            }
            "constraint" => Value::None,
            "handle" | "graph" | "op" => {
                return Err(Exc::not_implemented(format!("Variable.{name} is not implemented in tfjit yet")))
            }
            _ => return Ok(None),
        }))
    }
    fn binary_op(&self, _this: &Value, op: BinOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tensor_binary(&self.value(), op, other, reflected)
    }
    fn unary_op(&self, _this: &Value, op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tensor_unary(&self.value(), op)
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tensor_compare(&self.value(), op, other, reflected)
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        tensor_truthy(&self.value())
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(tv(crate::tf::slicing::slice_tensor(&self.value(), key, interp)?)))
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tensor_iter(&self.value())
    }
    fn hash(&self, interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Err(Exc::type_error(format!(
            "Variable is unhashable. Instead, use variable.ref() as the key. (Variable: {})",
            self.repr(interp)?
        )))
    }
    fn to_float(&self, _interp: &mut Interp) -> PyResult<Option<f64>> {
        tensor_to_float(&self.value())
    }
    fn to_int(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        tensor_to_int(&self.value())
    }
    fn to_index(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        tensor_to_index(&self.value())
    }
}
