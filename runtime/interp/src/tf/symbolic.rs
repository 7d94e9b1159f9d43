//! Python objects for graphs: `SymbolicTensor` (a `tf.Tensor` of a traced
//! graph), `Operation`, `FuncGraph` (`concrete.graph`) and the `GraphDef`
//! that `graph.as_graph_def()` returns.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::dtypes::dtype_value;
use crate::tf::shape::shape_value;
use crate::tf::tensor::{ref_method, tv_binary, tv_compare, tv_unary};
use crate::tf::trace::{Sym, TraceGraph, TV};
use crate::tf::util::method;
use crate::value::{BinOp, CmpOp, HashKey, Object, UnaryOp, Value};
use std::any::Any;
use std::rc::Rc;
use tfjit_graph::graph_def::{as_graph_def, AttrDef};
use tfjit_graph::{NodeIndex, Output};

/// A symbolic `tf.Tensor` (TF's `SymbolicTensor`).
pub struct SymbolicTensor {
    pub s: Sym,
}

/// Wraps a symbolic tensor as a Python value.
pub fn sym_value(s: Sym) -> Value {
    Value::object(SymbolicTensor { s })
}

fn not_allowed(what: &str) -> Exc {
    Exc::new(
        "OperatorNotAllowedInGraphError",
        format!(
            "{what} is not allowed. You can attempt the following resolutions to the problem: If you are running in Graph mode, use Eager execution mode or decorate this function with @tf.function. If you are using AutoGraph, you can try decorating this function with @tf.function. If that does not work, then you may be using an unsupported feature or your source code may not be visible to AutoGraph. See https://github.com/tensorflow/tensorflow/blob/master/tensorflow/python/autograph/g3doc/reference/limitations.md#access-to-source-code for more information."
        ),
    )
}

impl SymbolicTensor {
    fn tv(&self) -> TV {
        TV::S(self.s.clone())
    }
}

/// `Tensor("add:0", shape=(None, 3), dtype=float32)`.
pub fn sym_str(s: &Sym) -> String {
    format!("Tensor(\"{}\", shape={}, dtype={})", s.name(), s.ty.shape, s.ty.dtype.name())
}

/// `<tf.Tensor 'add:0' shape=(None, 3) dtype=float32>`.
pub fn sym_repr(s: &Sym) -> String {
    format!("<tf.Tensor '{}' shape={} dtype={}>", s.name(), s.ty.shape, s.ty.dtype.name())
}

impl Object for SymbolicTensor {
    fn type_name(&self) -> &'static str {
        "SymbolicTensor"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn is_instance_of(&self, native: &str) -> bool {
        matches!(native, "Tensor" | "SymbolicTensor")
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(sym_repr(&self.s))
    }
    fn str(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(sym_str(&self.s))
    }
    fn format(&self, spec: &str, _interp: &mut Interp) -> PyResult<Option<String>> {
        if spec.is_empty() {
            return Ok(Some(sym_str(&self.s)));
        }
        Err(Exc::type_error("unsupported format string passed to SymbolicTensor.__format__"))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let s = &self.s;
        Ok(Some(match name {
            "shape" => shape_value(s.ty.shape.clone()),
            "get_shape" => {
                let sh = s.ty.shape.clone();
                method(name, this, move |_i, _t, args| {
                    args.bind("get_shape", [], 0)?;
                    Ok(shape_value(sh.clone()))
                })
            }
            "dtype" => dtype_value(s.ty.dtype),
            "ndim" => s.ty.shape.rank().map_or(Value::None, |r| Value::Int(r as i64)),
            "name" => Value::str(&s.name()),
            "op" => op_value(&s.g, s.o.node),
            "graph" => graph_value(&s.g),
            "device" => Value::str(""),
            "value_index" => Value::Int(s.o.index as i64),
            "ref" | "experimental_ref" => ref_method(this),
            "__abs__" => method("__abs__", this, |_i, this, args| {
                args.bind("__abs__", [], 0)?;
                let t = crate::tf::convert::tv_of(this)?.ok_or_else(|| Exc::type_error("not a tensor"))?;
                let d = t.dtype();
                Ok(crate::tf::util::tvv(crate::tf::trace::op1(
                    "Abs",
                    &[&t],
                    tfjit_tensor::attrs![("T", tfjit_tensor::Attr::Type(d))],
                )?))
            }),
            "numpy" => return Err(Exc::attribute_error("'SymbolicTensor' object has no attribute 'numpy'")),
            _ => return Ok(None),
        }))
    }
    fn binary_op(&self, _this: &Value, op: BinOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_binary(&self.tv(), op, other, reflected)
    }
    fn unary_op(&self, _this: &Value, op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_unary(&self.tv(), op)
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        tv_compare(&self.tv(), op, other, reflected)
    }
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        Err(not_allowed("Using a symbolic `tf.Tensor` as a Python `bool`"))
    }
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        if self.s.ty.shape.rank() == Some(0) {
            return Err(Exc::value_error("len requires a non-scalar tensor, got one of shape ()"));
        }
        Err(Exc::type_error(format!(
            "len is not well defined for a symbolic Tensor ({}). Please call `x.shape` rather than `len(x)` for shape information.",
            self.s.name()
        )))
    }
    fn get_item(&self, _this: &Value, key: &Value, interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(Some(crate::tf::util::tvv(crate::tf::slicing::slice_tensor(&self.tv(), key, interp)?)))
    }
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Err(not_allowed("Iterating over a symbolic `tf.Tensor`"))
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Err(Exc::type_error("Tensor is unhashable. Instead, use tensor.ref() as the key."))
    }
    fn to_float(&self, _interp: &mut Interp) -> PyResult<Option<f64>> {
        Err(Exc::type_error("float() argument must be a string or a real number, not 'SymbolicTensor'"))
    }
    fn to_int(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        Err(Exc::type_error("int() argument must be a string, a bytes-like object or a real number, not 'SymbolicTensor'"))
    }
    fn to_index(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        Err(Exc::type_error(format!(
            "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices, got {}",
            sym_repr(&self.s)
        )))
    }
}

/// `tensor.op`: the op that produces a tensor.
pub struct OperationObj {
    pub g: Rc<TraceGraph>,
    pub node: NodeIndex,
}

/// Wraps op `node` of `g`.
pub fn op_value(g: &Rc<TraceGraph>, node: NodeIndex) -> Value {
    Value::object(OperationObj { g: g.clone(), node })
}

fn tensors_of(g: &Rc<TraceGraph>, outs: Vec<Output>) -> Vec<Value> {
    outs.into_iter().map(|o| sym_value(Sym::new(g, o))).collect()
}

impl OperationObj {
    fn name(&self) -> String {
        self.g.with_graph(|g| g.try_node(self.node).map_or_else(String::new, |n| n.name.clone()))
    }
    fn op_type(&self) -> String {
        self.g.with_graph(|g| g.try_node(self.node).map_or_else(String::new, |n| n.op.name().to_string()))
    }
}

impl Object for OperationObj {
    fn type_name(&self) -> &'static str {
        "Operation"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(format!("<tf.Operation '{}' type={}>", self.name(), self.op_type()))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let g = &self.g;
        let node = self.node;
        let present = g.with_graph(|fg| fg.try_node(node).is_some());
        if !present {
            return Ok(None);
        }
        Ok(Some(match name {
            "name" => Value::str(&self.name()),
            "type" => Value::str(&self.op_type()),
            "inputs" => Value::tuple(tensors_of(g, g.with_graph(|fg| fg.op_inputs(node)))),
            "outputs" => Value::list(tensors_of(g, g.with_graph(|fg| fg.op_outputs(node)))),
            "control_inputs" => {
                let cs = g.with_graph(|fg| fg.control_inputs(node));
                Value::list(cs.into_iter().map(|c| op_value(g, c)).collect())
            }
            "graph" => graph_value(g),
            "device" => Value::str(""),
            "node_def" => {
                let gd = g.with_graph(as_graph_def);
                let name = self.name();
                match gd.node.into_iter().find(|n| n.name == name) {
                    Some(n) => node_def_value(n),
                    None => Value::None,
                }
            }
            "get_attr" => {
                let (g, node) = (g.clone(), node);
                method(name, this, move |_i, _t, args| {
                    let [k] = args.bind("get_attr", ["name"], 1)?;
                    let Some(Value::Str(k)) = k else {
                        return Err(Exc::type_error("attribute name must be a string"));
                    };
                    let v = g.with_graph(|fg| fg.try_node(node).and_then(|n| n.attrs.get(&*k).cloned()));
                    match v {
                        Some(a) => Ok(attr_py(&a)),
                        None => Err(Exc::value_error(format!("Operation has no attr named '{k}'."))),
                    }
                })
            }
            _ => return Ok(None),
        }))
    }
    fn compare(&self, _this: &Value, op: CmpOp, other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Ok(None);
        }
        let same = other.downcast::<OperationObj>().is_some_and(|o| Rc::ptr_eq(&o.g, &self.g) && o.node == self.node);
        Ok(Some(Value::Bool(same == (op == CmpOp::Eq))))
    }
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Ok(Some(HashKey::Tuple(vec![HashKey::Id(Rc::as_ptr(&self.g) as usize), HashKey::Int(self.node.index() as i64)])))
    }
}

fn attr_py(a: &tfjit_tensor::Attr) -> Value {
    use tfjit_tensor::Attr;
    match a {
        Attr::Int(i) => Value::Int(*i),
        Attr::Float(f) => Value::Float(*f),
        Attr::Bool(b) => Value::Bool(*b),
        Attr::Str(s) => Value::str(s),
        Attr::Type(d) => dtype_value(*d),
        Attr::Ints(v) => Value::list(v.iter().map(|&i| Value::Int(i)).collect()),
        Attr::Tensor(t) => crate::tf::util::tv(t.clone()),
        #[allow(unreachable_patterns)]
        _ => Value::None,
    }
}

/// `concrete.graph`: a traced function's graph.
pub struct GraphObj {
    pub g: Rc<TraceGraph>,
}

/// Wraps a graph.
pub fn graph_value(g: &Rc<TraceGraph>) -> Value {
    Value::object(GraphObj { g: g.clone() })
}

impl Object for GraphObj {
    fn type_name(&self) -> &'static str {
        "FuncGraph"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        let name = self.g.with_graph(|g| g.name().to_string());
        Ok(format!("FuncGraph(name={name}, id={})", Rc::as_ptr(&self.g) as usize))
    }
    fn get_attr(&self, this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        let g = self.g.clone();
        Ok(Some(match name {
            "name" => Value::str(&g.with_graph(|fg| fg.name().to_string())),
            "get_operations" => method(name, this, move |_i, _t, args| {
                args.bind("get_operations", [], 0)?;
                let ops = g.with_graph(|fg| fg.operations().to_vec());
                Ok(Value::list(ops.into_iter().map(|n| op_value(&g, n)).collect()))
            }),
            "get_operation_by_name" => method(name, this, move |_i, _t, args| {
                let [n] = args.bind("get_operation_by_name", ["name"], 1)?;
                let Some(Value::Str(n)) = n else {
                    return Err(Exc::type_error("Operation names are strings"));
                };
                match g.with_graph(|fg| fg.find(&n)) {
                    Some(ix) => Ok(op_value(&g, ix)),
                    None => Err(Exc::new("KeyError", format!("The name '{n}' refers to an Operation not in the graph."))),
                }
            }),
            "as_graph_def" => method(name, this, move |_i, _t, args| {
                args.bind("as_graph_def", ["from_version", "add_shapes", "use_pybind11_proto"], 0)?;
                let gd = g.with_graph(as_graph_def);
                Ok(Value::object(GraphDefObj { nodes: gd.node }))
            }),
            "inputs" => {
                let ins = g.with_graph(|fg| {
                    let mut v: Vec<Output> = fg.inputs().iter().map(|&ix| fg.output(ix, 0)).collect();
                    v.extend(fg.captures().iter().map(|c| fg.output(c.placeholder, 0)));
                    v
                });
                Value::list(tensors_of(&g, ins))
            }
            "outputs" => Value::list(tensors_of(&g, g.with_graph(|fg| fg.outputs().to_vec()))),
            _ => return Ok(None),
        }))
    }
}

/// `graph.as_graph_def()`: its `node` list.
pub struct GraphDefObj {
    pub nodes: Vec<tfjit_graph::graph_def::NodeDef>,
}

/// One `NodeDef` (`name`, `op`, `input`).
pub struct NodeDefObj {
    pub n: tfjit_graph::graph_def::NodeDef,
}

fn node_def_value(n: tfjit_graph::graph_def::NodeDef) -> Value {
    Value::object(NodeDefObj { n })
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn node_text(n: &tfjit_graph::graph_def::NodeDef, indent: &str) -> String {
    let mut s = String::new();
    s.push_str(&format!("{indent}name: {}\n", quote(&n.name)));
    s.push_str(&format!("{indent}op: {}\n", quote(&n.op)));
    for i in &n.input {
        s.push_str(&format!("{indent}input: {}\n", quote(i)));
    }
    for (k, v) in &n.attr {
        let text = match v {
            AttrDef::Func(f) => format!("func {{ name: {} }}", quote(f)),
            AttrDef::Value(a) => tfjit_graph::attr_text::tf_attr_text(a),
        };
        s.push_str(&format!("{indent}attr {{ key: {} value: {} }}\n", quote(k), text));
    }
    s
}

impl Object for GraphDefObj {
    fn type_name(&self) -> &'static str {
        "GraphDef"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        let mut s = String::new();
        for n in &self.nodes {
            s.push_str("node {\n");
            s.push_str(&node_text(n, "  "));
            s.push_str("}\n");
        }
        Ok(s)
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "node" => Some(Value::list(self.nodes.iter().cloned().map(node_def_value).collect())),
            _ => None,
        })
    }
}

impl Object for NodeDefObj {
    fn type_name(&self) -> &'static str {
        "NodeDef"
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn repr(&self, _interp: &mut Interp) -> PyResult<String> {
        Ok(node_text(&self.n, ""))
    }
    fn get_attr(&self, _this: &Value, name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(match name {
            "name" => Some(Value::str(&self.n.name)),
            "op" => Some(Value::str(&self.n.op)),
            "input" => Some(Value::list(self.n.input.iter().map(|s| Value::str(s)).collect())),
            _ => None,
        })
    }
}
