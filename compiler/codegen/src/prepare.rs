//! The back half of the pipeline for one concrete function: optimize
//! (unless `--no-opt`), then compile (unless `--no-jit`), once; run with
//! whatever succeeded. An optimizer or compiler failure (or panic) is never
//! the user's problem: the function then runs its unoptimized graph with
//! the reference executor.

use crate::exec::{compile_arc, CompiledFunction};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tfjit_graph::{execute, FuncGraph, RtValue, Runtime};
use tfjit_tensor::TfResult;

/// What the pipeline may do (the CLI's `--no-opt` / `--no-jit`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub no_opt: bool,
    pub no_jit: bool,
}

/// A concrete function's graph, prepared to run.
pub struct Prepared {
    original: Arc<FuncGraph>,
    /// The optimized graph (the original with `--no-opt` or if optimizing failed).
    pub graph: Arc<FuncGraph>,
    /// The compiled form (none with `--no-jit` or if compiling failed).
    pub compiled: Option<CompiledFunction>,
    /// Internal failures that forced a fallback (for reports).
    pub notes: Vec<String>,
}

fn guarded<T>(what: &str, notes: &mut Vec<String>, f: impl FnOnce() -> TfResult<T>) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            notes.push(format!("{what} failed: {e}"));
            None
        }
        Err(_) => {
            notes.push(format!("{what} panicked"));
            None
        }
    }
}

impl Prepared {
    /// Optimizes and compiles `graph` as `opts` allow.
    pub fn new(graph: &Arc<FuncGraph>, opts: Options) -> Prepared {
        let mut notes = Vec::new();
        let optimized = if opts.no_opt {
            graph.clone()
        } else {
            guarded("optimize", &mut notes, || tfjit_optimize::optimize(graph))
                .map(Arc::new)
                .unwrap_or_else(|| graph.clone())
        };
        let compiled = if opts.no_jit {
            None
        } else {
            guarded("compile", &mut notes, || compile_arc(optimized.clone()))
        };
        Prepared { original: graph.clone(), graph: optimized, compiled, notes }
    }

    /// Runs the function on `args` (inputs, then symbolic captures).
    pub fn run(&self, args: &[RtValue], rt: &mut dyn Runtime) -> TfResult<Vec<RtValue>> {
        match &self.compiled {
            Some(c) => c.run(args, rt),
            None => execute(&self.graph, args, rt),
        }
    }

    /// The unoptimized graph.
    pub fn original(&self) -> &FuncGraph {
        &self.original
    }

    /// What was compiled (`tfjit graph --stage compiled`).
    pub fn report(&self) -> String {
        let mut s = match &self.compiled {
            Some(c) => c.report(),
            None => format!("func {}: not compiled (runs with the reference executor)\n", self.graph.name()),
        };
        for n in &self.notes {
            s.push_str(&format!("note: {n}\n"));
        }
        s
    }
}
