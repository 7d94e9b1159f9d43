//! The source stage of tfjit: parse Python with `rustpython-parser`, check
//! that it stays inside the supported subset (SPEC §2), and — next issue —
//! AutoGraph's conversion of tensor control flow.
//!
//! - [`parse`] (`parse.rs`): source → [`Module`] or a CPython-style
//!   [`SyntaxErrorInfo`] (including CPython's compile-time errors, `syntax.rs`).
//! - [`check`] (`check.rs`): every construct outside the subset, as
//!   [`Diagnostic`]s printed `file:line:col: <construct> is not supported`.
//! - `source.rs`: byte offsets → 1-based `line:col`.
//! - `walk.rs`: a generic walk over the AST used by both.

pub mod check;
pub mod convert;
pub mod parse;
pub mod source;
pub mod syntax;
pub mod unparse;
pub mod walk;

pub use check::{check, Diagnostic};
pub use convert::{convert_function, to_code, ConvertError, ConvertedFunction};
pub use parse::{parse, Module, SyntaxErrorInfo};
pub use rustpython_parser::ast;
pub use source::{Location, SourceMap};
