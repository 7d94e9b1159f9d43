//! A text report of what was compiled, for `tfjit graph --stage compiled`.

use crate::exec::{CompiledFunction, Exec};
use std::fmt::Write;

impl CompiledFunction {
    /// What was compiled: the native function or, op by op, the kernels
    /// (with the ops each fused) and what runs its reference kernel.
    pub fn report(&self) -> String {
        let mut s = String::new();
        self.write_report(&mut s, 0);
        s
    }

    fn write_report(&self, s: &mut String, depth: usize) {
        let pad = "  ".repeat(depth);
        let g = &*self.graph;
        if let Some(n) = &self.native {
            let _ = writeln!(
                s,
                "{pad}func {}: one native function (values in registers; ops: {})",
                g.name(),
                n.ops.join(", ")
            );
            return;
        }
        let _ = writeln!(s, "{pad}func {}: compiled step by step", g.name());
        if let Some(r) = &self.native_reject {
            let _ = writeln!(s, "{pad}  (not one native function: {r})");
        }
        for (si, cs) in self.steps.iter().enumerate() {
            if cs.group >= 2 {
                let names: Vec<&str> = self.steps[si..].iter().take(cs.group as usize).filter(|m| !m.fed).map(|m| g.node(m.step.node).name.as_str()).collect();
                let _ = writeln!(s, "{pad}  concurrently, one per core: {}", names.join(", "));
            }
            let node = g.node(cs.step.node);
            let op = node.op.name();
            match &cs.exec {
                Exec::Ref { why } => {
                    if !matches!(op, "Placeholder" | "Const" | "Identity" | "NoOp") {
                        let _ = writeln!(s, "{pad}  {} = {op}: reference kernel ({why})", node.name);
                    }
                }
                Exec::Fused(k) => {
                    let _ = writeln!(s, "{pad}  {} = {op}: native kernel {}", node.name, k.describe());
                }
                Exec::Rows { k, pre } => {
                    let absorbed: Vec<String> = pre
                        .iter()
                        .flatten()
                        .map(|(n, p)| format!("{} ({})", g.node(*n).name, if p.softmax.log { "LogSoftmax" } else { "Softmax" }))
                        .collect();
                    let extra = if absorbed.is_empty() {
                        String::new()
                    } else {
                        format!("; per-row prologue: {}", absorbed.join(", "))
                    };
                    let _ = writeln!(s, "{pad}  {} = {op}: native row kernel {}{extra}", node.name, k.describe());
                }
                Exec::Softmax(k) => {
                    let _ = writeln!(s, "{pad}  {} = {op}: native kernel {}", node.name, k.describe());
                }
                Exec::Identity => {}
                Exec::StridedSlice(_) => {
                    let _ = writeln!(s, "{pad}  {} = {op}: reference kernel (masks parsed once, contiguous runs copied)", node.name);
                }
                Exec::Update { kernel, .. } => {
                    let k = &g.node(*kernel).name;
                    let _ = writeln!(s, "{pad}  {} = {op}: in place, with the values of {k} computed a chunk at a time", node.name);
                }
                Exec::Absorbed if op == "FusedElementwise" => {
                    let _ = writeln!(s, "{pad}  {} = {op}: computed inside the variable update that consumes it", node.name);
                }
                Exec::Absorbed if op == "StridedSlice" => {
                    let _ = writeln!(s, "{pad}  {} = {op}: read in place by its consumer's kernel", node.name);
                }
                Exec::Absorbed if op == "MatMul" => {
                    let _ = writeln!(s, "{pad}  {} = {op}: computed inside its consumer's step (block by block with its kernel where it can)", node.name);
                }
                Exec::Absorbed => {
                    let _ = writeln!(s, "{pad}  {} = {op}: computed per row inside its consumer", node.name);
                }
                Exec::Epilogue(e) => {
                    let mm = &g.node(e.matmul).name;
                    let _ = writeln!(s, "{pad}  {} = {op}: native kernel {}, the epilogue of {mm} (per product block, on the thread computing it)", node.name, e.kernel.describe());
                }
                Exec::Native(n) => {
                    let _ = writeln!(
                        s,
                        "{pad}  {} = {op}: native function with its bodies inlined (ops: {})",
                        node.name,
                        n.ops.join(", ")
                    );
                }
                Exec::While { cond, body } => {
                    let _ = writeln!(s, "{pad}  {} = {op}: compiled cond and body", node.name);
                    cond.write_report(s, depth + 2);
                    body.write_report(s, depth + 2);
                }
                Exec::If { then_, else_ } => {
                    let _ = writeln!(s, "{pad}  {} = {op}: compiled branches", node.name);
                    then_.write_report(s, depth + 2);
                    else_.write_report(s, depth + 2);
                }
            }
        }
    }
}
