//! `tf.Variable`: ResourceVariable semantics — a shared mutable cell holding
//! an eager tensor, with shape- and dtype-checked assignment.

use crate::args::Args;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::{convert, convert_tv, Mode};
use crate::tf::dtypes::opt_dtype;
use crate::tf::shape::{as_shape, shape_value};
use crate::tf::tensor::{
    common_attr, tensor_format, tensor_iter, tensor_to_float, tensor_to_index, tensor_to_int, tensor_truthy,
    tv_binary, tv_compare, tv_unary,
};
use crate::tf::util::{bool_arg, method, tvv};
use crate::value::{BinOp, CmpOp, HashKey, Object, UnaryOp, Value};
use std::any::Any;
use crate::tf::trace::{TraceCtx, VarCreation, TV};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use tfjit_graph::VarId;
use tfjit_tensor::{attrs, Attr, StaticShape, Tensor, TensorType};

fn uninitialized(cell: &VarCell) -> Exc {
    Exc::new(
        "FailedPreconditionError",
        format!("Could not find variable {}. This could mean that the variable has been deleted or was never initialized.", cell.name.trim_end_matches(":0")),
    )
}

/// TF's message for `tf.Variable(...)` on a trace that may not create variables.
pub const SINGLETON_MSG: &str = "tf.function only supports singleton tf.Variables created on the first call. Make sure the tf.Variable is only created once or created outside tf.function. See https://www.tensorflow.org/guide/function#creating_tfvariables for more information.";

/// The state shared by a variable and the `UnreadVariable`s its assigns return.
pub struct VarCell {
    /// The id graphs use to refer to this variable (captured by reference).
    pub id: VarId,
    /// Current value (meaningless while `initialized` is false).
    pub value: RefCell<Tensor>,
    /// False for a variable created in a trace whose initial value the
    /// graph computes; the first call's graph initializes it.
    pub initialized: Cell<bool>,
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

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    static REGISTRY: RefCell<HashMap<u64, Weak<VarCell>>> = RefCell::new(HashMap::new());
}

/// A new variable cell, registered so graphs can find it by id.
pub fn new_cell(value: Tensor, initialized: bool, name: String, trainable: bool, shape: StaticShape) -> Rc<VarCell> {
    let id = NEXT_ID.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    });
    let cell = Rc::new(VarCell {
        id: VarId(id),
        value: RefCell::new(value),
        initialized: Cell::new(initialized),
        name,
        trainable,
        shape,
    });
    REGISTRY.with(|r| r.borrow_mut().insert(id, Rc::downgrade(&cell)));
    cell
}

/// The variable with id `id`, if it is still alive.
pub fn lookup_cell(id: VarId) -> Option<Rc<VarCell>> {
    REGISTRY.with(|r| r.borrow().get(&id.0).and_then(|w| w.upgrade()))
}

impl VarCell {
    /// The static type graphs see through the variable's handle.
    pub fn tensor_type(&self) -> TensorType {
        TensorType::new(self.value.borrow().dtype(), self.shape.clone())
    }
    pub fn dtype(&self) -> tfjit_tensor::DType {
        self.value.borrow().dtype()
    }
    /// The variable's handle in the current trace.
    pub fn handle(&self, ctx: &TraceCtx) -> PyResult<tfjit_graph::Output> {
        // In a branch or loop body: the enclosing graph's handle, captured
        // (so the If/While op takes the variable as a resource input).
        if let Some(parent) = crate::tf::cflow::subgraph::parent_of(ctx.graph.id()) {
            let outer = self.handle(&parent)?;
            let ty = tfjit_graph::ValueType::Resource(self.tensor_type());
            return ctx.graph.with_builder(|b| b.capture_symbolic("resource", outer, ty));
        }
        let ty = self.tensor_type();
        let id = self.id;
        ctx.graph.with_builder(|b| b.capture_variable("resource", id, ty))
    }
}

impl Variable {
    /// Reads the variable: eagerly its value; inside a trace a
    /// `ReadVariableOp` on its captured handle.
    pub fn read_tv(&self) -> PyResult<TV> {
        let v = self.read_unrecorded()?;
        if crate::tf::tape::any_active() {
            return Ok(crate::tf::tape::record_read(&self.cell, v));
        }
        Ok(v)
    }

    /// [`Self::read_tv`] without telling the gradient tapes.
    fn read_unrecorded(&self) -> PyResult<TV> {
        match crate::tf::trace::current() {
            None => {
                if !self.cell.initialized.get() {
                    return Err(uninitialized(&self.cell));
                }
                Ok(TV::E(self.value()))
            }
            Some(ctx) => {
                let h = self.cell.handle(&ctx)?;
                let d = self.cell.dtype();
                let o = ctx.graph.with_builder(|b| b.add_op("ReadVariableOp", "ReadVariableOp", &[h], attrs![("dtype", Attr::Type(d))]))??;
                let o = o.into_iter().next().ok_or_else(|| Exc::runtime_error("ReadVariableOp has no output"))?;
                Ok(TV::S(crate::tf::trace::Sym::new(&ctx.graph, o)))
            }
        }
    }

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
    let ctx = crate::tf::trace::current();
    if let Some(ctx) = &ctx {
        match ctx.creation {
            VarCreation::Allowed => {}
            VarCreation::SingletonError => return Err(Exc::value_error(SINGLETON_MSG)),
            VarCreation::NonFirstCallError => {
                return Err(Exc::value_error("Creating variables on a non-first call to a function decorated with tf.function."))
            }
        }
    }
    let dtype = opt_dtype(&dtype, interp)?;
    let init_tv = convert_tv(&init, dtype, Mode::Convert)?;
    // A value known without running the graph is lifted out of the trace
    // (TF's init_scope); otherwise the graph initializes the variable.
    let (t, graph_init) = match init_tv.const_value() {
        Some(t) => (t, None),
        None => (crate::tf::convert::cast_tensor(&Tensor::scalar_i64(0), init_tv.dtype()), Some(init_tv.clone())),
    };
    let trainable = match &trainable {
        None | Some(Value::None) => true,
        Some(v) => interp.truthy(v)?,
    };
    let name = match name.or(pname) {
        None | Some(Value::None) => "Variable".to_string(),
        Some(Value::Str(s)) => s.to_string(),
        Some(v) => return Err(Exc::type_error(format!("name must be a string, got {}", v.type_name()))),
    };
    let init_shape = init_tv.shape();
    let declared = match &shape {
        None | Some(Value::None) => init_shape,
        Some(s) => {
            let s = as_shape(s)?;
            if !s.is_compatible_with(&init_shape) {
                return Err(Exc::value_error(format!(
                    "The initial value's shape ({}) is not compatible with the explicitly supplied `shape` argument ({}).",
                    init_shape, s
                )));
            }
            s
        }
    };
    let cell = new_cell(t, graph_init.is_none(), format!("{name}:0"), trainable, declared);
    if let Some(ctx) = &ctx {
        ctx.created.borrow_mut().push(cell.clone());
        if let Some(init) = graph_init {
            let h = cell.handle(ctx)?;
            let v = crate::tf::trace::to_graph(ctx, &init, "initial_value")?;
            ctx.graph.with_builder(|b| b.add_op("AssignVariableOp", "AssignVariableOp", &[h, v], attrs![("dtype", Attr::Type(init.dtype()))]))??;
            ctx.unlifted_init.set(true);
        }
    }
    Ok(Value::object(Variable { cell, unread: false }))
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
    if let Some(ctx) = crate::tf::trace::current() {
        return graph_assign(&ctx, &cell, kind, &value.unwrap_or(Value::None), read_value, interp);
    }
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
            tfjit_tensor::op::run1(name, &[&cur, &v], &attrs![("T", Attr::Type(cur.dtype()))])?
        }
    };
    *cell.value.borrow_mut() = new;
    cell.initialized.set(true);
    if bool_arg(&read_value, true, interp)? {
        Ok(Value::object(Variable { cell, unread: true }))
    } else {
        Ok(Value::None)
    }
}

/// `assign*` inside a trace: an `Assign*VariableOp` on the captured handle.
fn graph_assign(ctx: &TraceCtx, cell: &Rc<VarCell>, kind: AssignKind, value: &Value, read_value: Option<Value>, interp: &mut Interp) -> PyResult<Value> {
    let d = cell.dtype();
    let v = convert_tv(value, Some(d), Mode::Convert)?;
    let (op, hint) = match kind {
        AssignKind::Assign => ("AssignVariableOp", "AssignVariableOp"),
        AssignKind::Add => ("AssignAddVariableOp", "AssignAddVariableOp"),
        AssignKind::Sub => ("AssignSubVariableOp", "AssignSubVariableOp"),
    };
    if kind == AssignKind::Assign && !cell.shape.is_compatible_with(&v.shape()) {
        return Err(Exc::value_error(format!(
            "Cannot assign value to variable ' {}': Shape mismatch.The variable shape {}, and the assigned value shape {} are incompatible.",
            cell.name,
            cell.shape,
            v.shape()
        )));
    }
    let h = cell.handle(ctx)?;
    let vo = crate::tf::trace::to_graph(ctx, &v, &format!("{hint}/value"))?;
    ctx.graph.with_builder(|b| b.add_op(hint, op, &[h, vo], attrs![("dtype", Attr::Type(d))]))??;
    if bool_arg(&read_value, true, interp)? {
        Ok(Value::object(Variable { cell: cell.clone(), unread: true }))
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
            "read_value" | "value" | "__tf_tensor__" => method(name, this, move |_i, this, _args| {
                let var = this.downcast::<Variable>().ok_or_else(|| Exc::type_error("not a variable"))?;
                Ok(tvv(var.read_tv()?))
            }),
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
        tv_binary(&self.read_tv()?, op, other, reflected)
    }
    fn unary_op(&self, _this: &Value, op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_unary(&self.read_tv()?, op)
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_compare(&self.read_tv()?, op, other, reflected)
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        tensor_truthy(&self.value())
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(tvv(crate::tf::slicing::slice_tensor(&self.read_tv()?, key, interp)?)))
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
