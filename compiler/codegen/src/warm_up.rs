//! Warm-up: a tiny graph optimized, compiled and run on a background
//! thread as soon as a program imports `tensorflow`, so the one-time set-up
//! of the optimizer and the JIT (egg's rule set, Cranelift's target ISA,
//! the first page-in of their code) overlaps the program's own start
//! instead of adding ~1 ms to its first `tf.function` call (trace_latency's
//! first call: ~2.8 against ~3.6 ms). A program that never calls a
//! `tf.function` only spends that millisecond on an otherwise idle core.

use std::sync::Once;
use tfjit_graph::{GraphBuilder, MemRuntime, RtValue, ValueType};
use tfjit_tensor::{attrs, DType, Tensor, TensorType, TfResult};

/// Starts the warm-up thread (once per process).
pub fn in_background() {
    static STARTED: Once = Once::new();
    STARTED.call_once(|| {
        // A thread that fails to start only means no warm-up.
        let _ = std::thread::Builder::new().name("tfjit-warm-up".into()).spawn(|| {
            let _ = std::panic::catch_unwind(run);
        });
    });
}

/// `tanh(x * 2) - x` on a float32[4], through the optimizer, the compiler
/// and one call.
fn run() -> TfResult<()> {
    let mut b = GraphBuilder::new("warm_up");
    let x = b.add_placeholder("x", ValueType::Tensor(TensorType::known(DType::Float32, &[4])));
    let two = b.add_const("two", Tensor::scalar_f32(2.0));
    let y = b.add_op("mul", "Mul", &[x, two], attrs![])?[0];
    let t = b.add_op("tanh", "Tanh", &[y], attrs![])?[0];
    let z = b.add_op("sub", "Sub", &[t, x], attrs![])?[0];
    let g = b.finish(&[z])?;
    let opt = tfjit_optimize::optimize(&g)?;
    let c = crate::compile(&opt)?;
    let arg = Tensor::new(vec![4], tfjit_tensor::Data::F32(vec![0.1, -0.2, 0.3, -0.4]))?;
    c.run(&[RtValue::Tensor(arg)], &mut MemRuntime::default())?;
    Ok(())
}
