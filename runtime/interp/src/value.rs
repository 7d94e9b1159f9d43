//! The one value type of the interpreter.
//!
//! Python's own types are variants of [`Value`]; everything TensorFlow adds
//! (tensors, variables, shapes, dtypes, NumPy arrays, iterators…) is a native
//! object behind [`Object`], implemented in `tf/`. When tracing arrives, a
//! symbolic tensor will be one more `Object` — the interpreter does not ask
//! which kind of tensor it holds.

use crate::args::Args;
use crate::exc::PyResult;
use crate::interp::Interp;
use indexmap::IndexMap;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// Interned-ish string used for names and `str` values.
pub type Str = Rc<str>;

/// A Python value.
#[derive(Clone)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    /// An int that does not fit in an `i64` (never holds one that does:
    /// results are normalized by `interp::int::from_big`).
    BigInt(Rc<num_bigint::BigInt>),
    Float(f64),
    Str(Str),
    List(Rc<RefCell<Vec<Value>>>),
    Tuple(Rc<Vec<Value>>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<RefCell<Dict>>),
    /// A `slice(start, stop, step)` object (from `x[a:b:c]`).
    Slice(Rc<[Value; 3]>),
    /// `...`
    Ellipsis,
    /// A function defined in the program (`def` or `lambda`).
    Function(Rc<crate::interp::Function>),
    /// A function implemented in Rust (builtins, `tf.*`, bound native methods).
    Builtin(Rc<Builtin>),
    /// A user function bound to its instance (`obj.method`).
    BoundMethod(Rc<(Value, Value)>),
    /// A class: user-defined, a builtin exception, or a native type object.
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
    /// A native object (tensor, variable, TensorShape, iterator…).
    Object(Rc<dyn Object>),
}

/// A function implemented in Rust. Bound methods of native objects are
/// closures that captured their receiver.
pub struct Builtin {
    pub name: Str,
    pub func: Box<dyn Fn(&mut Interp, Args) -> PyResult<Value>>,
}

impl Builtin {
    pub fn value(name: &str, func: impl Fn(&mut Interp, Args) -> PyResult<Value> + 'static) -> Value {
        Value::Builtin(Rc::new(Builtin { name: name.into(), func: Box::new(func) }))
    }
}

/// A Python class. `native` names the Rust type its instances are, for type
/// objects of builtin and native types (`int`, `EagerTensor`, `tf.Variable`).
pub struct Class {
    pub name: Str,
    pub base: Option<Rc<Class>>,
    pub attrs: RefCell<IndexMap<Str, Value>>,
    pub native: Option<&'static str>,
}

impl Class {
    /// Look an attribute up along the base chain (single inheritance).
    pub fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.attrs.borrow().get(name) {
            return Some(v.clone());
        }
        self.base.as_ref().and_then(|b| b.lookup(name))
    }
    /// `issubclass(self, other)`.
    pub fn is_subclass_of(self: &Rc<Self>, other: &Rc<Class>) -> bool {
        let mut c = Some(self.clone());
        while let Some(k) = c {
            if Rc::ptr_eq(&k, other) {
                return true;
            }
            c = k.base.clone();
        }
        false
    }
    pub fn is_subclass_named(&self, name: &str) -> bool {
        if &*self.name == name {
            return true;
        }
        self.base.as_ref().is_some_and(|b| b.is_subclass_named(name))
    }
}

/// An instance of a user class (exceptions included).
pub struct Instance {
    pub class: Rc<Class>,
    pub dict: RefCell<IndexMap<Str, Value>>,
}

/// A module object: `tf`, `tf.nn`, `math`, `sys`…
pub struct Module {
    pub name: Str,
    pub attrs: RefCell<IndexMap<Str, Value>>,
}

impl Module {
    pub fn new(name: &str) -> Rc<Module> {
        Rc::new(Module { name: name.into(), attrs: RefCell::new(IndexMap::new()) })
    }
    pub fn set(&self, name: &str, v: Value) {
        self.attrs.borrow_mut().insert(name.into(), v);
    }
}

/// A hashable key: Python's hash/eq for the builtin hashable types, identity
/// for objects without `__eq__`, and a user `__hash__` result otherwise.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HashKey {
    None,
    /// bool, int and integral floats share this (`1 == 1.0 == True`).
    Int(i64),
    /// An int outside the `i64` range (also integral floats there).
    BigInt(Rc<num_bigint::BigInt>),
    /// Non-integral float, by bits.
    Float(u64),
    Str(Str),
    Tuple(Vec<HashKey>),
    /// Identity of an object that hashes by id.
    Id(usize),
    /// A user-defined `__hash__` value plus the object's id (equality then
    /// needs `__eq__`, which the interpreter checks).
    Custom(i64, usize),
}

/// An insertion-ordered dict (also the storage of `set`, with `Value::None` values).
#[derive(Default)]
pub struct Dict {
    pub map: IndexMap<HashKey, (Value, Value)>,
}

impl Dict {
    pub fn get(&self, k: &HashKey) -> Option<&Value> {
        self.map.get(k).map(|(_, v)| v)
    }
    pub fn insert(&mut self, hk: HashKey, k: Value, v: Value) {
        self.map.insert(hk, (k, v));
    }
    pub fn get_str(&self, k: &str) -> Option<&Value> {
        self.get(&HashKey::Str(k.into()))
    }
    pub fn len(&self) -> usize {
        self.map.len()
    }
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
    pub fn items(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.map.values().map(|(k, v)| (k, v))
    }
}

/// Binary operators, as the interpreter dispatches them to objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    MatMul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    And,
    Or,
    Xor,
    LShift,
    RShift,
}

impl BinOp {
    /// The operator's symbol, for TypeError messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::MatMul => "@",
            BinOp::TrueDiv => "/",
            BinOp::FloorDiv => "//",
            BinOp::Mod => "%",
            BinOp::Pow => "**",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::LShift => "<<",
            BinOp::RShift => ">>",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Pos,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    /// The operator with swapped operands (`a < b` ⇔ `b > a`).
    pub fn swapped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            o => o,
        }
    }
}

/// A native object. Every method has a default meaning "not supported",
/// which the interpreter turns into Python's `TypeError`/`AttributeError`.
/// `this` is the `Value` wrapping `self`, for methods that return or bind it.
pub trait Object: Any {
    /// Python's `type(x).__name__`: `EagerTensor`, `ResourceVariable`, `TensorShape`…
    fn type_name(&self) -> &'static str;
    fn as_any(&self) -> &dyn Any;
    /// `isinstance(x, T)` for a native type object named `native` (e.g. `"Tensor"`).
    fn is_instance_of(&self, native: &str) -> bool {
        self.type_name() == native
    }
    fn repr(&self, interp: &mut Interp) -> PyResult<String>;
    fn str(&self, interp: &mut Interp) -> PyResult<String> {
        self.repr(interp)
    }
    /// `format(x, spec)` (f-strings). `None`: use `str(x)` for an empty spec, else TypeError.
    fn format(&self, _spec: &str, _interp: &mut Interp) -> PyResult<Option<String>> {
        Ok(None)
    }
    /// Attribute or method. `None` ⇒ AttributeError.
    fn get_attr(&self, _this: &Value, _name: &str, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// Attribute assignment. `false` ⇒ AttributeError.
    fn set_attr(&self, _name: &str, _value: Value, _interp: &mut Interp) -> PyResult<bool> {
        Ok(false)
    }
    /// `this <op> other` (or `other <op> this` when `reflected`). `None` ⇒ NotImplemented.
    fn binary_op(&self, _this: &Value, _op: BinOp, _other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    fn unary_op(&self, _this: &Value, _op: UnaryOp, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// Rich comparison; `None` ⇒ NotImplemented (then identity for ==/!=).
    fn compare(&self, _this: &Value, _op: CmpOp, _other: &Value, _reflected: bool, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// `bool(x)`; default true.
    fn truthy(&self, _interp: &mut Interp) -> PyResult<bool> {
        Ok(true)
    }
    /// `len(x)`; `None` ⇒ TypeError.
    fn len(&self, _interp: &mut Interp) -> PyResult<Option<usize>> {
        Ok(None)
    }
    /// `x[key]`; `None` ⇒ "object is not subscriptable".
    fn get_item(&self, _this: &Value, _key: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// `x[key] = v`; `false` ⇒ "does not support item assignment".
    fn set_item(&self, _key: &Value, _value: Value, _interp: &mut Interp) -> PyResult<bool> {
        Ok(false)
    }
    /// `iter(x)`: an iterator value; `None` ⇒ "object is not iterable".
    fn iter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// For iterator objects: the next item, `None` when exhausted.
    fn next(&self, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Err(crate::exc::Exc::type_error(format!("'{}' object is not an iterator", self.type_name())))
    }
    /// `callable(x)`: whether `call` is supported.
    fn is_callable(&self) -> bool {
        false
    }
    /// `x(*args)`; `None` ⇒ "object is not callable".
    fn call(&self, _this: &Value, _args: Args, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// `hash(x)`: `Ok(None)` hashes by identity; an `Err` is "unhashable type".
    fn hash(&self, _interp: &mut Interp) -> PyResult<Option<HashKey>> {
        Ok(None)
    }
    /// `float(x)`, `int(x)`, `operator.index(x)`; `None` ⇒ TypeError.
    fn to_float(&self, _interp: &mut Interp) -> PyResult<Option<f64>> {
        Ok(None)
    }
    fn to_int(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        Ok(None)
    }
    fn to_index(&self, _interp: &mut Interp) -> PyResult<Option<i64>> {
        Ok(None)
    }
    /// Descriptor `__get__`: when this object is a class attribute read
    /// through `instance` (e.g. a `tf.function` used as a method), the bound
    /// value. `None`: not a descriptor, the object itself is returned.
    fn descriptor_get(&self, _this: &Value, _instance: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    /// `with x:` support.
    fn enter(&self, _this: &Value, _interp: &mut Interp) -> PyResult<Option<Value>> {
        Ok(None)
    }
    fn exit(&self, _interp: &mut Interp) -> PyResult<()> {
        Ok(())
    }
}

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(s.into())
    }
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(RefCell::new(items)))
    }
    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Rc::new(items))
    }
    pub fn object(o: impl Object) -> Value {
        Value::Object(Rc::new(o))
    }
    /// Downcast a native object to its Rust type.
    pub fn downcast<T: Object>(&self) -> Option<&T> {
        match self {
            Value::Object(o) => o.as_any().downcast_ref::<T>(),
            _ => None,
        }
    }
    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
    /// Python's `type(x).__name__` for the core types.
    pub fn type_name(&self) -> String {
        match self {
            Value::None => "NoneType".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) | Value::BigInt(_) => "int".into(),
            Value::Float(_) => "float".into(),
            Value::Str(_) => "str".into(),
            Value::List(_) => "list".into(),
            Value::Tuple(_) => "tuple".into(),
            Value::Dict(_) => "dict".into(),
            Value::Set(_) => "set".into(),
            Value::Slice(_) => "slice".into(),
            Value::Ellipsis => "ellipsis".into(),
            Value::Function(_) => "function".into(),
            Value::Builtin(_) => "builtin_function_or_method".into(),
            Value::BoundMethod(_) => "method".into(),
            Value::Class(_) => "type".into(),
            Value::Instance(i) => i.class.name.to_string(),
            Value::Module(_) => "module".into(),
            Value::Object(o) => o.type_name().into(),
        }
    }
    /// Identity (`is`).
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (Ellipsis, Ellipsis) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (BigInt(a), BigInt(b)) => Rc::ptr_eq(a, b),
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            (Str(a), Str(b)) => Rc::ptr_eq(a, b) || a == b,
            (List(a), List(b)) => Rc::ptr_eq(a, b),
            (Tuple(a), Tuple(b)) => Rc::ptr_eq(a, b) || (a.is_empty() && b.is_empty()),
            (Dict(a), Dict(b)) | (Set(a), Set(b)) => Rc::ptr_eq(a, b),
            (Slice(a), Slice(b)) => Rc::ptr_eq(a, b),
            (Function(a), Function(b)) => Rc::ptr_eq(a, b),
            (Builtin(a), Builtin(b)) => Rc::ptr_eq(a, b),
            (BoundMethod(a), BoundMethod(b)) => Rc::ptr_eq(a, b),
            (Class(a), Class(b)) => Rc::ptr_eq(a, b),
            (Instance(a), Instance(b)) => Rc::ptr_eq(a, b),
            (Module(a), Module(b)) => Rc::ptr_eq(a, b),
            (Object(a), Object(b)) => std::ptr::addr_eq(Rc::as_ptr(a), Rc::as_ptr(b)),
            _ => false,
        }
    }
    /// An id for `id(x)` and identity hashing (address of the shared part).
    pub fn id(&self) -> usize {
        match self {
            Value::List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Tuple(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Dict(r) | Value::Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Slice(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Function(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Builtin(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::BoundMethod(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Class(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Module(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Object(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::BigInt(r) => Rc::as_ptr(r) as *const u8 as usize,
            Value::Str(s) => s.as_ptr() as usize,
            Value::None => 1,
            Value::Ellipsis => 2,
            Value::Bool(b) => 16 + *b as usize,
            Value::Int(i) => (*i as usize).wrapping_mul(2).wrapping_add(1) ,
            Value::Float(f) => f.to_bits() as usize,
        }
    }
}
