//! `tfjit graph FILE.py FUNC [--signature SIG]… [--stage …] [--format …]`:
//! runs the program's module-level code (its output discarded), finds FUNC
//! (a module-level function or `Class.method` on a fresh instance), traces
//! it for each signature and prints the graph(s).
//!
//! A signature is one `TensorSpec` per argument, comma-separated:
//! `float32[None,3]`, `int32[]`, `float32[2,2],int32[]`; `?` is accepted for
//! `None` and `[*]` means unknown rank.

use crate::cli::{Format, Stage};
use crate::frontend;
use std::path::Path;
use tfjit_interp::tf::concrete::ConcreteFunction;
use tfjit_interp::{Args, Exc, Interp, RunOptions, Value};
use tfjit_tensor::{DType, StaticShape};

/// One parsed argument spec.
#[derive(Clone, Debug, PartialEq)]
pub struct ArgSpec {
    pub dtype: DType,
    pub shape: StaticShape,
}

fn parse_dtype(s: &str) -> Result<DType, String> {
    Ok(match s {
        "float32" | "float" => DType::Float32,
        "float64" | "double" => DType::Float64,
        "int32" => DType::Int32,
        "int64" => DType::Int64,
        "bool" => DType::Bool,
        other => return Err(format!("unknown dtype '{other}' (expected float32, float64, int32, int64 or bool)")),
    })
}

/// Parses `float32[None,3],int32[]` into argument specs.
pub fn parse_signature(sig: &str) -> Result<Vec<ArgSpec>, String> {
    let mut out = Vec::new();
    let mut rest = sig.trim();
    while !rest.is_empty() {
        let open = rest.find('[').ok_or_else(|| format!("bad signature '{sig}': expected DTYPE[DIMS], e.g. float32[None,3]"))?;
        let close = rest[open..].find(']').map(|i| i + open).ok_or_else(|| format!("bad signature '{sig}': missing ']'"))?;
        let dtype = parse_dtype(rest[..open].trim())?;
        let dims_text = rest[open + 1..close].trim();
        let shape = if dims_text == "*" {
            StaticShape::unknown_rank()
        } else if dims_text.is_empty() {
            StaticShape::known(&[])
        } else {
            let dims = dims_text
                .split(',')
                .map(|d| match d.trim() {
                    "None" | "?" | "none" => Ok(None),
                    n => n.parse::<usize>().map(Some).map_err(|_| format!("bad dimension '{n}' in signature '{sig}'")),
                })
                .collect::<Result<Vec<_>, _>>()?;
            StaticShape::partial(dims)
        };
        out.push(ArgSpec { dtype, shape });
        rest = rest[close + 1..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
            if rest.is_empty() {
                return Err(format!("bad signature '{sig}': trailing ','"));
            }
        } else if !rest.is_empty() {
            return Err(format!("bad signature '{sig}': expected ',' before '{rest}'"));
        }
    }
    Ok(out)
}

fn exc_text(interp: &mut Interp, e: &Exc) -> String {
    let class = e.class().map(|c| c.name.to_string()).unwrap_or_else(|| "Exception".into());
    let msg = interp.str(&e.value).unwrap_or_default();
    format!("{class}: {msg}")
}

/// Finds FUNC: `name` in the module, or `Class.method` on `Class()`.
fn find_function(interp: &mut Interp, module: &Value, func: &str) -> Result<Value, String> {
    let mut parts = func.split('.');
    let first = parts.next().unwrap_or_default();
    let mut v = interp.get_attr(module, first).map_err(|_| format!("no module-level name '{first}' in the program"))?;
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        return Ok(v);
    }
    if matches!(v, Value::Class(_)) {
        v = interp
            .call(&v, Args::new(vec![]))
            .map_err(|e| format!("cannot create a fresh {first}() to trace {func}: {}", exc_text(interp, &e)))?;
    }
    for p in rest {
        v = interp.get_attr(&v, p).map_err(|e| format!("cannot find {func}: {}", exc_text(interp, &e)))?;
    }
    Ok(v)
}

/// Runs the command; returns the exit code.
pub fn run(file: &Path, func: &str, signatures: &[String], stage: Stage, format: Format, options: RunOptions) -> i32 {
    let mut specs = Vec::new();
    for s in signatures {
        match parse_signature(s) {
            Ok(v) => specs.push(v),
            Err(e) => {
                eprintln!("tfjit graph: {e}");
                return 2;
            }
        }
    }
    let path = file.display().to_string();
    let source = match frontend::read_source(file).and_then(|src| frontend::load(&path, &src).map(|_| src)) {
        Ok(s) => s,
        Err(e) => {
            e.report();
            return 1;
        }
    };
    let code = std::sync::Mutex::new(0);
    let out = std::sync::Mutex::new(String::new());
    // The interpreter needs a big stack, like `run`.
    std::thread::scope(|s| {
        let h = std::thread::Builder::new().stack_size(256 << 20).spawn_scoped(s, || {
            let mut options = options;
            options.eager = false;
            match trace_graphs(&path, &source, func, &specs, stage, format, options) {
                Ok(text) => *out.lock().unwrap_or_else(|e| e.into_inner()) = text,
                Err(msg) => {
                    eprintln!("tfjit graph: {msg}");
                    *code.lock().unwrap_or_else(|e| e.into_inner()) = 1;
                }
            }
        });
        match h {
            Ok(h) => {
                if h.join().is_err() {
                    eprintln!("tfjit graph: internal error");
                    *code.lock().unwrap_or_else(|e| e.into_inner()) = 70;
                }
            }
            Err(e) => {
                eprintln!("tfjit graph: cannot start: {e}");
                *code.lock().unwrap_or_else(|e| e.into_inner()) = 70;
            }
        }
    });
    print!("{}", out.into_inner().unwrap_or_else(|e| e.into_inner()));
    code.into_inner().unwrap_or_else(|e| e.into_inner())
}

fn trace_graphs(path: &str, source: &str, func: &str, specs: &[Vec<ArgSpec>], stage: Stage, format: Format, options: RunOptions) -> Result<String, String> {
    let pipeline = tfjit_codegen::Options { no_opt: options.no_opt, no_jit: options.no_jit };
    let mut interp = Interp::new_capturing(options);
    let module = interp.exec_source("__main__", path, source);
    let _ = interp.take_output();
    let module = module.map_err(|e| format!("the program raised {}", exc_text(&mut interp, &e)))?;
    let module = Value::Module(module);
    let f = find_function(&mut interp, &module, func)?;
    let tf = interp.import_module("tensorflow").map_err(|e| exc_text(&mut interp, &e))?;
    let is_tf_function = f.type_name() == "Function";
    let f = if is_tf_function {
        f
    } else {
        let wrap = interp.get_attr(&tf, "function").map_err(|e| exc_text(&mut interp, &e))?;
        interp.call(&wrap, Args::new(vec![f])).map_err(|e| exc_text(&mut interp, &e))?
    };
    let gcf = interp.get_attr(&f, "get_concrete_function").map_err(|e| exc_text(&mut interp, &e))?;
    let spec_cls = interp.get_attr(&tf, "TensorSpec").map_err(|e| exc_text(&mut interp, &e))?;
    let mut calls: Vec<Vec<Value>> = Vec::new();
    for sig in specs {
        let mut args = Vec::new();
        for a in sig {
            let shape = match &a.shape.dims {
                None => Value::None,
                Some(d) => Value::list(d.iter().map(|x| x.map_or(Value::None, |v| Value::Int(v as i64))).collect()),
            };
            let dtype = interp.get_attr(&tf, a.dtype.name()).map_err(|e| exc_text(&mut interp, &e))?;
            let spec = interp.call(&spec_cls, Args::new(vec![shape, dtype])).map_err(|e| exc_text(&mut interp, &e))?;
            args.push(spec);
        }
        calls.push(args);
    }
    if calls.is_empty() {
        // Only functions with an input_signature can be traced without one.
        let sig = interp.get_attr(&f, "input_signature").unwrap_or(Value::None);
        if sig.is_none() {
            return Err(format!("{func} has no input_signature: give one with --signature, e.g. --signature 'float32[None,3]'"));
        }
        calls.push(vec![]);
    }
    let mut texts = Vec::new();
    for args in calls {
        let c = interp.call(&gcf, Args::new(args)).map_err(|e| format!("tracing {func} raised {}", exc_text(&mut interp, &e)))?;
        let _ = interp.take_output();
        let cf = c.downcast::<ConcreteFunction>().ok_or_else(|| "get_concrete_function returned no concrete function".to_string())?;
        let prepared;
        let g: &tfjit_graph::FuncGraph = match stage {
            Stage::Traced => &cf.c.fg,
            Stage::Optimized | Stage::Compiled => {
                prepared = tfjit_codegen::Prepared::new(&cf.c.fg, pipeline);
                if stage == Stage::Compiled {
                    // What was compiled: the kernels, what each fused, what falls back.
                    texts.push(prepared.report());
                    continue;
                }
                &prepared.graph
            }
        };
        texts.push(match format {
            Format::Text => tfjit_graph::print_text::to_text(g),
            Format::Dot => tfjit_graph::print_dot::to_dot(g),
            Format::Json => tfjit_graph::print_json::to_json(g),
        });
    }
    Ok(match format {
        Format::Json if texts.len() > 1 => format!("[\n{}\n]\n", texts.iter().map(|t| t.trim_end()).collect::<Vec<_>>().join(",\n")),
        Format::Text => texts.join("\n"),
        _ => texts.concat(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_parse() {
        let s = parse_signature("float32[None,3],int32[]").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].dtype, DType::Float32);
        assert_eq!(s[0].shape, StaticShape::partial(vec![None, Some(3)]));
        assert_eq!(s[1].shape, StaticShape::known(&[]));
        assert_eq!(parse_signature("bool[*]").unwrap()[0].shape, StaticShape::unknown_rank());
        assert!(parse_signature("float32").is_err());
        assert!(parse_signature("float16[2]").is_err());
        assert!(parse_signature("int32[x]").is_err());
        assert!(parse_signature("int32[2],").is_err());
    }
}
