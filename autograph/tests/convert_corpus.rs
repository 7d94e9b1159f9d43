//! Converts every `@tf.function` of the conformance corpus
//! (`../shared/conformance/**/*.py`): each converts (or is refused with a
//! clear `ConvertError`, never an internal error), and the printed code
//! parses back and stays inside the supported subset.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tfjit_autograph::ast::{self, Expr, Stmt};
use tfjit_autograph::convert::{convert_def, ConvertOptions};
use tfjit_autograph::unparse::unparse_stmt;
use tfjit_autograph::{check, parse};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance")
}

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            python_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "py") {
            out.push(p);
        }
    }
}

fn is_tf_function(decorator: &Expr) -> bool {
    let target = match decorator {
        Expr::Call(c) => c.func.as_ref(),
        other => other,
    };
    matches!(target, Expr::Attribute(a) if a.attr.as_str() == "function"
        && matches!(a.value.as_ref(), Expr::Name(n) if n.id.as_str() == "tf"))
}

/// Every function decorated with `@tf.function`, at any depth.
fn tf_functions<'a>(stmts: &'a [Stmt], out: &mut Vec<&'a ast::StmtFunctionDef>) {
    for s in stmts {
        match s {
            Stmt::FunctionDef(f) => {
                if f.decorator_list.iter().any(is_tf_function) {
                    out.push(f);
                }
                tf_functions(&f.body, out);
            }
            Stmt::ClassDef(c) => tf_functions(&c.body, out),
            Stmt::If(i) => {
                tf_functions(&i.body, out);
                tf_functions(&i.orelse, out);
            }
            Stmt::For(f) => tf_functions(&f.body, out),
            Stmt::While(w) => tf_functions(&w.body, out),
            Stmt::With(w) => tf_functions(&w.body, out),
            Stmt::Try(t) => {
                tf_functions(&t.body, out);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    tf_functions(&h.body, out);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn every_tf_function_in_the_corpus_converts_and_round_trips() {
    let dir = corpus_dir();
    let mut files = Vec::new();
    python_files(&dir, &mut files);
    if files.is_empty() {
        eprintln!(
            "conformance corpus not found at {}; skipping",
            dir.display()
        );
        return;
    }
    let mut converted = 0;
    let mut refused = Vec::new();
    for path in &files {
        let src = std::fs::read_to_string(path).expect("readable");
        let name = path.display().to_string();
        let Ok(module) = parse(&name, &src) else {
            continue;
        };
        let globals: BTreeSet<String> = tfjit_autograph::walk::bound_names(&module.body)
            .into_iter()
            .collect();
        let mut defs = Vec::new();
        tf_functions(&module.body, &mut defs);
        for def in defs {
            match convert_def(def, &globals, &ConvertOptions::default()) {
                Ok(new) => {
                    let code = unparse_stmt(&Stmt::FunctionDef(new));
                    let reparsed = parse("converted.py", &code).unwrap_or_else(|e| {
                        panic!(
                            "{name}: {}: converted code does not parse: {e}\n{code}",
                            def.name
                        )
                    });
                    let diags = check("converted.py", &code, &reparsed.body);
                    assert!(
                        diags.is_empty(),
                        "{name}: {}: converted code leaves the subset: {diags:?}\n{code}",
                        def.name
                    );
                    converted += 1;
                }
                Err(e) => {
                    assert_ne!(e.kind, "InternalError", "{name}: {}: {e}", def.name);
                    assert!(!e.message.is_empty());
                    refused.push(format!("{name}: {}: {e}", def.name));
                }
            }
        }
    }
    eprintln!(
        "converted {converted} tf.functions; refused {}: {refused:#?}",
        refused.len()
    );
    assert!(converted > 50, "only {converted} functions converted");
}
