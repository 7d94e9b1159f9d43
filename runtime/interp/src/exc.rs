//! Python exceptions: the builtin exception classes (Python's and TF's),
//! and [`Exc`], the error type of every fallible interpreter operation.

use crate::value::{Class, Instance, Str, Value};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tfjit_tensor::{TfError, TfErrorKind};

/// One traceback entry: `File "x.py", line N, in f`.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub file: Str,
    pub line: u32,
    pub func: Str,
}

/// A raised Python exception: the exception instance and where it went.
#[derive(Clone)]
pub struct Exc {
    /// An `Instance` of a subclass of `BaseException`.
    pub value: Value,
    /// Innermost frame last, as Python prints them.
    pub traceback: Vec<Frame>,
}

pub type PyResult<T> = Result<T, Exc>;

/// The builtin exception hierarchy: (name, base). Order matters: bases first.
/// TF's error classes live here too (`tf.errors.*` re-exports them).
const HIERARCHY: &[(&str, Option<&str>)] = &[
    ("BaseException", None),
    ("Exception", Some("BaseException")),
    ("ArithmeticError", Some("Exception")),
    ("ZeroDivisionError", Some("ArithmeticError")),
    ("OverflowError", Some("ArithmeticError")),
    ("AssertionError", Some("Exception")),
    ("AttributeError", Some("Exception")),
    ("LookupError", Some("Exception")),
    ("IndexError", Some("LookupError")),
    ("KeyError", Some("LookupError")),
    ("NameError", Some("Exception")),
    ("UnboundLocalError", Some("NameError")),
    ("RuntimeError", Some("Exception")),
    ("NotImplementedError", Some("RuntimeError")),
    ("RecursionError", Some("RuntimeError")),
    ("StopIteration", Some("Exception")),
    ("TypeError", Some("Exception")),
    ("ValueError", Some("Exception")),
    ("MemoryError", Some("Exception")),
    ("SyntaxError", Some("Exception")),
    // TensorFlow (tf.errors and autograph)
    ("OpError", Some("Exception")),
    ("InvalidArgumentError", Some("OpError")),
    ("ResourceExhaustedError", Some("OpError")),
    ("OutOfRangeError", Some("OpError")),
    ("UnimplementedError", Some("OpError")),
    ("FailedPreconditionError", Some("OpError")),
    ("NotFoundError", Some("OpError")),
    ("InternalError", Some("OpError")),
    ("OperatorNotAllowedInGraphError", Some("TypeError")),
    ("InaccessibleTensorError", Some("ValueError")),
    ("StagingError", Some("Exception")),
];

thread_local! {
    static CLASSES: RefCell<HashMap<&'static str, Rc<Class>>> = RefCell::new(HashMap::new());
}

/// The builtin exception class named `name` (`ValueError`, `InvalidArgumentError`…).
pub fn builtin_exc_class(name: &str) -> Option<Rc<Class>> {
    CLASSES.with(|c| {
        let mut map = c.borrow_mut();
        if map.is_empty() {
            for (n, base) in HIERARCHY {
                let base = base.map(|b| map[b].clone());
                map.insert(
                    n,
                    Rc::new(Class { name: (*n).into(), base, attrs: RefCell::new(IndexMap::new()), native: None }),
                );
            }
        }
        map.get(name).cloned()
    })
}

/// Names of all builtin exception classes (for populating builtins / `tf.errors`).
pub fn builtin_exc_names() -> impl Iterator<Item = &'static str> {
    HIERARCHY.iter().map(|(n, _)| *n)
}

impl Exc {
    /// Raise builtin exception `class` with one message argument.
    pub fn new(class: &str, msg: impl Into<String>) -> Exc {
        let class = builtin_exc_class(class)
            .or_else(|| builtin_exc_class("RuntimeError"))
            .expect("builtin exception classes exist");
        Exc::from_class(class, vec![Value::Str(msg.into().into())])
    }
    /// An exception instance of `class` with `args`.
    pub fn from_class(class: Rc<Class>, args: Vec<Value>) -> Exc {
        let mut dict = IndexMap::new();
        dict.insert(Str::from("args"), Value::tuple(args));
        Exc { value: Value::Instance(Rc::new(Instance { class, dict: RefCell::new(dict) })), traceback: vec![] }
    }
    pub fn type_error(msg: impl Into<String>) -> Exc {
        Exc::new("TypeError", msg)
    }
    pub fn value_error(msg: impl Into<String>) -> Exc {
        Exc::new("ValueError", msg)
    }
    pub fn index_error(msg: impl Into<String>) -> Exc {
        Exc::new("IndexError", msg)
    }
    pub fn attribute_error(msg: impl Into<String>) -> Exc {
        Exc::new("AttributeError", msg)
    }
    pub fn not_implemented(msg: impl Into<String>) -> Exc {
        Exc::new("NotImplementedError", msg)
    }
    pub fn runtime_error(msg: impl Into<String>) -> Exc {
        Exc::new("RuntimeError", msg)
    }
    /// The exception's class.
    pub fn class(&self) -> Option<Rc<Class>> {
        match &self.value {
            Value::Instance(i) => Some(i.class.clone()),
            _ => None,
        }
    }
    /// `isinstance(exc, <builtin class name>)`.
    pub fn is(&self, class: &str) -> bool {
        self.class().is_some_and(|c| c.is_subclass_named(class))
    }
}

impl From<TfError> for Exc {
    fn from(e: TfError) -> Exc {
        let class = match e.kind {
            TfErrorKind::InvalidArgument => "InvalidArgumentError",
            TfErrorKind::ResourceExhausted => "ResourceExhaustedError",
            TfErrorKind::OutOfRange => "OutOfRangeError",
            TfErrorKind::Unimplemented => "UnimplementedError",
            TfErrorKind::Value => "ValueError",
            TfErrorKind::Type => "TypeError",
            TfErrorKind::Index => "IndexError",
            TfErrorKind::NotImplemented => "NotImplementedError",
        };
        Exc::new(class, e.message)
    }
}
