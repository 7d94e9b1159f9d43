//! Python-style reports of uncaught exceptions.

use super::{Frame, Interp};
use crate::exc::{self, Exc};
use crate::value::{Class, Value};
use std::rc::Rc;

/// Record that `e` left `frame` (the traceback grows outwards).
pub fn push_frame(e: &mut Exc, frame: &Frame) {
    let code = &frame.code;
    let line = code.unit.line_of(frame.offset);
    // Keep at most the innermost and outermost MAX/2 entries (deep
    // recursion would otherwise make propagation quadratic).
    const MAX: usize = 256;
    if e.traceback.len() >= MAX {
        e.traceback.remove(MAX / 2);
    }
    e.traceback.insert(0, exc::Frame { file: code.unit.file.clone(), line, func: code.name.clone() });
}

/// The module-qualified name Python prints for an exception class.
pub fn qualified_name(cls: &Rc<Class>) -> String {
    let module = match cls.attrs.borrow().get("__module__") {
        Some(Value::Str(s)) => s.to_string(),
        _ => builtin_module(cls),
    };
    if module == "builtins" || module == "__main__" {
        cls.name.to_string()
    } else {
        format!("{module}.{}", cls.name)
    }
}

/// Module of a builtin exception class (TF's live in TF modules).
pub fn builtin_module(cls: &Rc<Class>) -> String {
    match &*cls.name {
        "StagingError" => "tensorflow.python.autograph.impl.api".into(),
        "OperatorNotAllowedInGraphError" | "InaccessibleTensorError" => "tensorflow.python.framework.errors_impl".into(),
        _ if cls.is_subclass_named("OpError") => "tensorflow.python.framework.errors_impl".into(),
        _ => "builtins".into(),
    }
}

/// The full report: `Traceback (most recent call last):` … `Type: message`.
pub fn format_exception(interp: &mut Interp, e: &Exc) -> String {
    let mut out = String::new();
    if !e.traceback.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
    }
    let mut last: Option<&exc::Frame> = None;
    let mut repeat = 0usize;
    let flush_repeat = |out: &mut String, repeat: usize| {
        if repeat > 3 {
            let n = repeat - 3;
            out.push_str(&format!("  [Previous line repeated {n} more time{}]\n", if n == 1 { "" } else { "s" }));
        }
    };
    for fr in &e.traceback {
        if last == Some(fr) {
            repeat += 1;
            if repeat > 3 {
                continue;
            }
        } else {
            flush_repeat(&mut out, repeat);
            repeat = 1;
            last = Some(fr);
        }
        out.push_str(&format!("  File \"{}\", line {}, in {}\n", fr.file, fr.line, fr.func));
        if let Some(text) = source_line(interp, &fr.file, fr.line) {
            let t = text.trim();
            if !t.is_empty() {
                out.push_str(&format!("    {t}\n"));
            }
        }
    }
    flush_repeat(&mut out, repeat);
    out.push_str(&exception_only(interp, &e.value));
    out.push('\n');
    out
}

/// `Type: message` (or `Type` for an empty message).
pub fn exception_only(interp: &mut Interp, v: &Value) -> String {
    let name = match v {
        Value::Instance(i) => qualified_name(&i.class),
        other => other.type_name(),
    };
    let msg = match interp.str(v) {
        Ok(s) => s,
        Err(_) => "<exception str() failed>".into(),
    };
    if msg.is_empty() {
        name
    } else {
        format!("{name}: {msg}")
    }
}

fn source_line(interp: &mut Interp, file: &str, line: u32) -> Option<String> {
    interp.source_units.iter().find(|u| &*u.file == file).map(|u| u.line_text(line).to_string())
}
