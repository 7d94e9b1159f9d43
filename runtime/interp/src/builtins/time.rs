//! The `time` module (`perf_counter`, `time`, `monotonic`, `process_time`).

use crate::interp::Interp;
use crate::value::{Builtin, Module, Value};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

thread_local! {
    static START: Instant = Instant::now();
}

fn since_start() -> f64 {
    START.with(|s| s.elapsed().as_secs_f64())
}

/// Build the `time` module.
pub fn make_module(_interp: &mut Interp) -> Value {
    let m = Module::new("time");
    m.set("__name__", Value::str("time"));
    for name in ["perf_counter", "monotonic", "process_time"] {
        m.set(name, Builtin::value(name, |_, _a| Ok(Value::Float(since_start()))));
    }
    m.set("perf_counter_ns", Builtin::value("perf_counter_ns", |_, _a| Ok(Value::Int((since_start() * 1e9) as i64))));
    m.set("time", Builtin::value("time", |_, _a| {
        let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
        Ok(Value::Float(t))
    }));
    m.set("sleep", Builtin::value("sleep", |interp, a: crate::args::Args| {
        let [secs] = a.bind("sleep", ["secs"], 1)?;
        let secs = crate::builtins::types::to_float(interp, &secs.unwrap_or(Value::Int(0)))?;
        if !(secs >= 0.0) {
            return Err(crate::exc::Exc::value_error("sleep length must be non-negative"));
        }
        interp.flush_stdout();
        std::thread::sleep(std::time::Duration::from_secs_f64(secs.min(1e6)));
        Ok(Value::None)
    }));
    Value::Module(m)
}
