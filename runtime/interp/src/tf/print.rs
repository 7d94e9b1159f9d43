//! `tf.print(*inputs, output_stream=sys.stderr, sep=' ', end='\n', summarize=3)`.

use crate::args::Args;
use crate::builtins::StdStream;
use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::tf_tensor_of;
use crate::tf::trace::{TraceCtx, TV};
use crate::value::Value;
use tfjit_tensor::{attrs, Attr};

/// How one input shows: tensors and variables as `tf.print` formats them,
/// Python structures with their tensors formatted inside, other values as
/// their `repr` (top-level strings raw).
fn format_input(v: &Value, summarize: usize, top: bool, interp: &mut Interp, graph: &mut Option<Vec<TV>>) -> PyResult<String> {
    if let Some(g) = graph.as_mut() {
        if let Some(t) = crate::tf::convert::tv_of(v)? {
            g.push(t);
            return Ok(PLACEHOLDER.to_string());
        }
    }
    if let Some(t) = tf_tensor_of(v) {
        return Ok(tfjit_tensor::format::tf_print_tensor(&t, summarize));
    }
    Ok(match v {
        Value::Str(s) if top => s.to_string(),
        Value::List(l) => {
            let items = l.borrow().clone();
            let parts = items.iter().map(|x| format_input(x, summarize, false, interp, graph)).collect::<PyResult<Vec<_>>>()?;
            format!("[{}]", parts.join(", "))
        }
        Value::Tuple(t) => {
            let parts = t.iter().map(|x| format_input(x, summarize, false, interp, graph)).collect::<PyResult<Vec<_>>>()?;
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Value::Dict(d) => {
            // `tf.nest` orders dict entries by sorted key.
            let mut items: Vec<(Value, Value)> = d.borrow().items().map(|(k, v)| (k.clone(), v.clone())).collect();
            sort_keys(&mut items);
            let mut parts = vec![];
            for (k, x) in &items {
                parts.push(format!("{}: {}", interp.repr(k)?, format_input(x, summarize, false, interp, graph)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        _ => interp.repr(v)?,
    })
}

fn sort_keys(items: &mut [(Value, Value)]) {
    let all_str = items.iter().all(|(k, _)| matches!(k, Value::Str(_)));
    let all_num = items.iter().all(|(k, _)| matches!(k, Value::Int(_) | Value::Float(_) | Value::Bool(_)));
    if all_str {
        items.sort_by(|a, b| match (&a.0, &b.0) {
            (Value::Str(x), Value::Str(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
    } else if all_num {
        let key = |v: &Value| match v {
            Value::Int(i) => *i as f64,
            Value::Float(f) => *f,
            Value::Bool(b) => *b as i64 as f64,
            _ => 0.0,
        };
        items.sort_by(|a, b| key(&a.0).partial_cmp(&key(&b.0)).unwrap_or(std::cmp::Ordering::Equal));
    }
}

fn str_kw(v: Option<Value>, default: &str, what: &str) -> PyResult<String> {
    match v {
        None => Ok(default.into()),
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(v) => Err(Exc::type_error(format!("{what} must be a string, got {}", v.type_name()))),
    }
}

/// Stands for a tensor in the template of a traced `tf.print`.
const PLACEHOLDER: &str = "\u{1}{}\u{1}";

/// `tf.print` inside a trace: `StringFormat` of the tensors into the
/// template, then `PrintV2` (run on every call, in program order).
fn graph_print(ctx: &TraceCtx, template: &str, tensors: &[TV], end: &str, summarize: usize, to_stderr: bool) -> PyResult<Value> {
    let mut ins = Vec::with_capacity(tensors.len());
    for t in tensors {
        ins.push(crate::tf::trace::to_graph(ctx, t, "StringFormat/input")?);
    }
    let summarize = if summarize == usize::MAX { -1 } else { summarize as i64 };
    let mut placeholder = "{}".to_string();
    while template.replace(PLACEHOLDER, "").contains(&placeholder) {
        placeholder = format!("{{{placeholder}}}");
    }
    let template = template.replace(PLACEHOLDER, &placeholder);
    let mut types = Vec::with_capacity(tensors.len());
    for t in tensors {
        types.push(t.dtype());
    }
    let fmt_attrs = attrs![
        ("T", Attr::Ints(types.iter().map(|d| d.enum_value() as i64).collect())),
        ("template", Attr::Str(template)),
        ("placeholder", Attr::Str(placeholder)),
        ("summarize", Attr::Int(summarize)),
    ];
    let stream = if to_stderr { "stderr" } else { "stdout" };
    ctx.graph.with_builder(|b| -> PyResult<()> {
        let s = b.add_op("StringFormat", "StringFormat", &ins, fmt_attrs)?;
        let s = s.into_iter().next().ok_or_else(|| Exc::runtime_error("StringFormat has no output"))?;
        b.add_op(
            "PrintV2",
            "PrintV2",
            &[s],
            attrs![("output_stream", Attr::Str(stream.into())), ("end", Attr::Str(end.to_string()))],
        )?;
        Ok(())
    })??;
    Ok(Value::None)
}

/// `tf.print`.
pub fn tf_print(interp: &mut Interp, mut args: Args) -> PyResult<Value> {
    let stream = args.take_kw("output_stream");
    let sep = str_kw(args.take_kw("sep"), " ", "sep")?;
    let end = str_kw(args.take_kw("end"), "\n", "end")?;
    let summarize = match args.take_kw("summarize") {
        None | Some(Value::None) => 3,
        Some(v) => {
            let n = crate::tf::util::index_of(&v, "summarize")?;
            if n < 0 {
                usize::MAX
            } else {
                n as usize
            }
        }
    };
    let _ = args.take_kw("name");
    if let Some((k, _)) = args.kw.first() {
        return Err(Exc::type_error(format!("print() got an unexpected keyword argument '{k}'")));
    }
    let to_stderr = match &stream {
        None => true,
        Some(s) => match s.downcast::<StdStream>() {
            Some(st) => st.stderr,
            None => {
                return Err(Exc::value_error(format!(
                    "Unsupported output stream, logging level, or file.{}. Supported streams are sys.stdout, sys.stderr",
                    interp.repr(s).map(|r| format!(" {r}")).unwrap_or_default()
                )))
            }
        },
    };
    let mut graph: Option<Vec<TV>> = crate::tf::trace::tracing().then(Vec::new);
    let mut parts = vec![];
    for v in &args.pos {
        parts.push(format_input(v, summarize, true, interp, &mut graph)?);
    }
    if let (Some(ctx), Some(tensors)) = (crate::tf::trace::current(), graph) {
        return graph_print(&ctx, &parts.join(&sep), &tensors, &end, summarize, to_stderr);
    }
    let text = format!("{}{}", parts.join(&sep), end);
    if to_stderr {
        interp.write_stderr(&text);
    } else {
        interp.write_stdout(&text);
    }
    Ok(Value::None)
}
