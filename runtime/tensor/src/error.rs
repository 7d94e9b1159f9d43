//! TF's error kinds, as the tensor layer raises them. The interpreter maps each
//! kind to the Python exception class of the same name.

use std::fmt;

/// Which Python exception a [`TfError`] becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TfErrorKind {
    /// `tf.errors.InvalidArgumentError` (shape mismatch at run time, bad index…)
    InvalidArgument,
    /// `tf.errors.ResourceExhaustedError` (allocation too large)
    ResourceExhausted,
    /// `tf.errors.OutOfRangeError`
    OutOfRange,
    /// `tf.errors.UnimplementedError`
    Unimplemented,
    /// `ValueError` (static shape errors raised in Python by TF)
    Value,
    /// `TypeError` (dtype errors raised in Python by TF)
    Type,
    /// `IndexError`
    Index,
    /// `NotImplementedError`: a capability tfjit does not have yet.
    NotImplemented,
}

impl TfErrorKind {
    /// The Python class name, e.g. `InvalidArgumentError`.
    pub fn class_name(self) -> &'static str {
        match self {
            TfErrorKind::InvalidArgument => "InvalidArgumentError",
            TfErrorKind::ResourceExhausted => "ResourceExhaustedError",
            TfErrorKind::OutOfRange => "OutOfRangeError",
            TfErrorKind::Unimplemented => "UnimplementedError",
            TfErrorKind::Value => "ValueError",
            TfErrorKind::Type => "TypeError",
            TfErrorKind::Index => "IndexError",
            TfErrorKind::NotImplemented => "NotImplementedError",
        }
    }
}

/// An error raised by an op: its kind and TF's message text.
#[derive(Clone, Debug, PartialEq)]
pub struct TfError {
    pub kind: TfErrorKind,
    pub message: String,
    /// TF's text for the same error raised by shape inference at trace time
    /// (graph mode), when it differs from the eager message: MatMul says
    /// "Matrix size-incompatible" eagerly but "Dimensions must be equal" in
    /// a graph. `None`: the message is the same in both modes.
    pub graph_message: Option<String>,
}

pub type TfResult<T> = Result<T, TfError>;

impl TfError {
    pub fn new(kind: TfErrorKind, message: impl Into<String>) -> Self {
        TfError { kind, message: message.into(), graph_message: None }
    }
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(TfErrorKind::InvalidArgument, message)
    }
    pub fn value(message: impl Into<String>) -> Self {
        Self::new(TfErrorKind::Value, message)
    }
    pub fn type_error(message: impl Into<String>) -> Self {
        Self::new(TfErrorKind::Type, message)
    }
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(TfErrorKind::NotImplemented, message)
    }
    /// Sets the graph-mode message (see [`TfError::graph_message`]).
    pub fn with_graph_message(mut self, message: impl Into<String>) -> Self {
        self.graph_message = Some(message.into());
        self
    }
    /// The message as TF words it at trace time.
    pub fn graph_text(&self) -> &str {
        self.graph_message.as_deref().unwrap_or(&self.message)
    }
    pub fn resource_exhausted(message: impl Into<String>) -> Self {
        Self::new(TfErrorKind::ResourceExhausted, message)
    }
}

impl fmt::Display for TfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.class_name(), self.message)
    }
}

impl std::error::Error for TfError {}
