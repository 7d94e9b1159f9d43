//! `StringFormat` and `PrintV2` (what `tf.print` becomes).

use super::*;

use tfjit_tensor::TfError;

fn template_parts(attrs: &Attrs) -> (Vec<&str>, &str) {
    let template = str_attr(attrs, "template", "%s");
    let placeholder = str_attr(attrs, "placeholder", "{}");
    if placeholder.is_empty() {
        return (vec![template], placeholder);
    }
    (template.split(placeholder).collect(), placeholder)
}

/// `StringFormat(inputs…)`: attrs `template` (with `placeholder`, default
/// `{}`, once per input) and `summarize` (elements shown per dimension, -1
/// for all). Each input is shown as `tf.print` shows tensors.
pub static STRING_FORMAT: GraphOpDef = GraphOpDef {
    name: "StringFormat",
    class: OpClass::Opaque,
    resource_effect: ResourceEffect::None,
    global_effect: false,
    infer: |cx| {
        let (parts, _) = template_parts(cx.attrs);
        if parts.len() != cx.inputs.len() + 1 {
            return Err(TfError::value(format!(
                "num placeholders in template and num inputs must match: {} vs. {}",
                parts.len() - 1,
                cx.inputs.len()
            )));
        }
        for i in 0..cx.inputs.len() {
            tensor_type(cx, i)?;
        }
        Ok(vec![ValueType::Str])
    },
    run: |cx, xs| {
        let (parts, _) = template_parts(&cx.node.attrs);
        if parts.len() != xs.len() + 1 {
            return Err(internal(format!(
                "num placeholders in template and num inputs must match: {} vs. {}",
                parts.len() - 1,
                xs.len()
            )));
        }
        let summarize = match cx.node.attrs.get_int("summarize") {
            Ok(n) if n < 0 => usize::MAX,
            Ok(n) => n as usize,
            Err(_) => 3,
        };
        let mut out = String::from(parts[0]);
        for (i, part) in parts[1..].iter().enumerate() {
            let t = tensor_in("StringFormat", xs, i)?;
            out.push_str(&tfjit_tensor::format::tf_print_tensor(t, summarize));
            out.push_str(part);
        }
        Ok(vec![RtValue::Str(out)])
    },
};

/// `PrintV2(string)`: attrs `output_stream` (`stderr` by default, or
/// `stdout`) and `end` (default `"\n"`).
pub static PRINT_V2: GraphOpDef = GraphOpDef {
    name: "PrintV2",
    class: OpClass::Stateful,
    resource_effect: ResourceEffect::None,
    global_effect: true,
    infer: |cx| {
        arity(cx, 1)?;
        if cx.inputs[0] != ValueType::Str {
            return Err(TfError::type_error(format!(
                "Input 'input' of 'PrintV2' Op has type {} that does not match expected type of string.",
                cx.inputs[0].dtype_name()
            )));
        }
        let stream = str_attr(cx.attrs, "output_stream", "stderr");
        if !matches!(stream, "stderr" | "stdout") {
            return Err(TfError::value(format!(
                "Unsupported output stream {stream}"
            )));
        }
        Ok(vec![])
    },
    run: |cx, xs| {
        let text = match xs.first() {
            Some(RtValue::Str(s)) => s,
            _ => return Err(internal("PrintV2 expects a string input")),
        };
        let end = str_attr(&cx.node.attrs, "end", "\n");
        let to_stderr = str_attr(&cx.node.attrs, "output_stream", "stderr") != "stdout";
        cx.rt.print(&format!("{text}{end}"), to_stderr);
        Ok(vec![])
    },
};
