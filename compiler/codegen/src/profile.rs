//! `TFJIT_PROFILE=1`: wall time per scheduled step of step-by-step runs,
//! summed per node (nested `While`/`If` bodies included), printed to stderr
//! by [`report`] when the program ends. A tool for finding where a
//! compiled function spends its time; off (one relaxed load per step)
//! unless the variable is set.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Whether profiling is on (`TFJIT_PROFILE` set and not `0`).
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("TFJIT_PROFILE").is_some_and(|v| v != "0"))
}

/// Per (function, node, op): calls and total time.
type Table = HashMap<(String, String, String), (u64, Duration)>;

fn table() -> &'static Mutex<Table> {
    static T: OnceLock<Mutex<Table>> = OnceLock::new();
    T.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Adds one run of `node` (an `op`) in function `func` that took `d`.
pub fn record(func: &str, node: &str, op: &str, d: Duration) {
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    let e = t
        .entry((func.to_string(), node.to_string(), op.to_string()))
        .or_default();
    e.0 += 1;
    e.1 += d;
}

/// Prints the table, most expensive first (nothing when profiling is off).
pub fn report() {
    if !enabled() {
        return;
    }
    let t = table().lock().unwrap_or_else(|e| e.into_inner());
    let mut rows: Vec<_> = t.iter().collect();
    rows.sort_by(|a, b| b.1 .1.cmp(&a.1 .1));
    eprintln!(
        "{:>10} {:>8} {:>9}  function / node (op)",
        "total ms", "calls", "µs/call"
    );
    for ((func, node, op), (n, d)) in rows {
        let ms = d.as_secs_f64() * 1e3;
        eprintln!(
            "{ms:>10.3} {n:>8} {:>9.2}  {func} / {node} ({op})",
            ms * 1e3 / *n as f64
        );
    }
}
