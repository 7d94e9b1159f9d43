//! Attribute values as text: TF's style for error messages
//! (`T=DT_FLOAT`) and the readable style of the text printer.

use tfjit_tensor::format::{py_float_repr, tf_print_tensor};
use tfjit_tensor::{Attr, DType};

/// TF's `DT_*` name of a dtype.
pub fn tf_dtype_enum_name(d: DType) -> &'static str {
    match d {
        DType::Float32 => "DT_FLOAT",
        DType::Float64 => "DT_DOUBLE",
        DType::Int32 => "DT_INT32",
        DType::Int64 => "DT_INT64",
        DType::Bool => "DT_BOOL",
    }
}

/// A string with `"`, `\` and control characters escaped, in double quotes.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An attr as TF shows it in `{{node …}} = Op[…]` messages.
pub fn tf_attr_text(a: &Attr) -> String {
    match a {
        Attr::Type(d) => tf_dtype_enum_name(*d).to_string(),
        Attr::Tensor(t) => format!("Tensor<type: {} shape: {:?}>", t.dtype().name(), t.shape()),
        other => attr_text(other),
    }
}

/// An attr in the text printer: `true`, `3`, `0.5`, `"s"`, `float32`,
/// `[1, 2]`, and tensors as `tf.print` shows them (up to 6 per dimension).
pub fn attr_text(a: &Attr) -> String {
    match a {
        Attr::Bool(b) => b.to_string(),
        Attr::Int(i) => i.to_string(),
        Attr::Float(f) => py_float_repr(*f),
        Attr::Str(s) => quoted(s),
        Attr::Type(d) => d.name().to_string(),
        Attr::Ints(v) => format!(
            "[{}]",
            v.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Attr::Tensor(t) => tf_print_tensor(t, 6).replace('\n', " "),
    }
}
