//! Criterion micro-benchmarks (`cargo bench --bench micro`; a couple of
//! minutes; not part of `cargo test`).
//!
//! - `trace/*`: a fresh `tf.function` of 100 elementwise ops (the body of
//!   the `trace_latency` workload) traced and called once through the
//!   interpreter — what a program's first call costs before any compiler
//!   stage; plus the per-call cost of an already-traced function.
//! - `graph/*`: building the same 100-op graph directly with
//!   `tfjit_graph::GraphBuilder`, and running it with the reference executor.
//! - `matmul/*`: the MatMul/BatchMatMulV2 kernels on the shapes of the
//!   `mlp_forward`/`train_step` workloads and a few small ones (throughput
//!   in FLOPs, so criterion reports GFLOP/s as "Gelem/s").
//!
//! Filter like any criterion bench: `cargo bench --bench micro -- matmul`.

use std::rc::Rc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use tfjit_graph::{execute, GraphBuilder, MemRuntime, Output, RtValue, ValueType};
use tfjit_interp::{Args, Exc, Interp, RunOptions, Value};
use tfjit_tensor::{attrs, op::run1, Attr, Attrs, DType, Data, Tensor, TensorType};

/// The `trace_latency` workload's function, and a helper that wraps it in a
/// fresh `tf.function` (so every call traces) and calls it once.
const TRACE_PROGRAM: &str = r#"
import tensorflow as tf

ROUNDS = 20

def deep(y):
    for k in range(ROUNDS):
        y = tf.tanh(y * 1.01 + k * 0.01) - y * 0.1
    return y

x = tf.constant([0.1, -0.2, 0.3, -0.4])

def trace_and_call():
    return tf.function(deep)(x)

traced = tf.function(deep)
traced(x)

def call_traced():
    return traced(x)
"#;

/// Looks up a module-level function of the trace program.
fn global(module: &tfjit_interp::value::Module, name: &str) -> Value {
    module.attrs.borrow().get(name).cloned().unwrap_or_else(|| panic!("trace program defines no {name}"))
}

/// The repr of a raised exception.
fn describe(interp: &mut Interp, e: &Exc) -> String {
    interp.repr(&e.value).unwrap_or_else(|_| "<exception>".into())
}

/// Calls a no-argument Python function; panics with the exception's repr.
fn call(interp: &mut Interp, f: &Value) -> Value {
    match interp.call(f, Args::new(vec![])) {
        Ok(v) => v,
        Err(e) => panic!("{}", describe(interp, &e)),
    }
}

fn bench_trace(c: &mut Criterion) {
    let mut interp = Interp::new_capturing(RunOptions::default());
    let module: Rc<_> = match interp.exec_source("bench_trace", "bench_trace.py", TRACE_PROGRAM) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("trace benchmarks skipped: the trace program failed: {}", describe(&mut interp, &e));
            return;
        }
    };
    let mut g = c.benchmark_group("trace");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    let fresh = global(&module, "trace_and_call");
    g.bench_function("trace_100_ops_and_call", |b| {
        b.iter(|| call(&mut interp, &fresh))
    });
    let traced = global(&module, "call_traced");
    g.bench_function("call_traced_100_ops", |b| {
        b.iter(|| call(&mut interp, &traced))
    });
    g.finish();
}

/// A scalar float32 constant in the graph.
fn cst(b: &mut GraphBuilder, v: f32) -> Output {
    b.add_const("Const", Tensor::scalar_f32(v))
}

/// One binary op's single output.
fn op(b: &mut GraphBuilder, name: &str, ins: &[Output]) -> Output {
    b.add_op(name, name, ins, attrs![]).expect("op")[0]
}

/// The `trace_latency` body as a graph: 20 rounds of
/// `y = tanh(y * 1.01 + k * 0.01) - y * 0.1` on a float32[4].
fn build_deep() -> tfjit_graph::FuncGraph {
    let mut b = GraphBuilder::new("deep");
    let mut y = b.add_placeholder("y", ValueType::Tensor(TensorType::known(DType::Float32, &[4])));
    for k in 0..20 {
        let c1 = cst(&mut b, 1.01);
        let m = op(&mut b, "Mul", &[y, c1]);
        let c2 = cst(&mut b, k as f32 * 0.01);
        let a = op(&mut b, "AddV2", &[m, c2]);
        let t = op(&mut b, "Tanh", &[a]);
        let c3 = cst(&mut b, 0.1);
        let m2 = op(&mut b, "Mul", &[y, c3]);
        y = op(&mut b, "Sub", &[t, m2]);
    }
    b.finish(&[y]).expect("finish")
}

fn bench_graph(c: &mut Criterion) {
    let mut g = c.benchmark_group("graph");
    g.sample_size(30).measurement_time(Duration::from_secs(2));
    g.bench_function("build_100_ops", |b| b.iter(build_deep));
    let graph = build_deep();
    let x = Tensor::new(vec![4], Data::F32(vec![0.1, -0.2, 0.3, -0.4])).expect("x");
    let args = [RtValue::Tensor(x)];
    g.bench_function("execute_100_ops", |b| {
        b.iter(|| execute(&graph, &args, &mut MemRuntime::default()).expect("execute"))
    });
    g.finish();
}

/// Deterministic values in [-0.05, 0.05] like the workloads' `det`.
fn det(n: usize, a: f32) -> Vec<f32> {
    (0..n).map(|i| ((i % 10007) as f32 * a).sin() * 0.05).collect()
}

fn matrix(dtype: DType, shape: &[usize], a: f32) -> Tensor {
    let n = shape.iter().product();
    let v = det(n, a);
    let data = match dtype {
        DType::Float32 => Data::F32(v),
        DType::Float64 => Data::F64(v.iter().map(|&x| x as f64).collect()),
        DType::Int32 => Data::I32(v.iter().map(|&x| (x * 1000.0) as i32).collect()),
        _ => Data::I64(v.iter().map(|&x| (x * 1000.0) as i64).collect()),
    };
    Tensor::new(shape.to_vec(), data).expect("tensor")
}

fn bench_matmul(c: &mut Criterion) {
    let mut g = c.benchmark_group("matmul");
    g.sample_size(10).measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    // (label, dtype, a shape, b shape, transpose_a, transpose_b)
    let cases: &[(&str, DType, [usize; 2], [usize; 2], bool, bool)] = &[
        ("f32_256x1024x1024", DType::Float32, [256, 1024], [1024, 1024], false, false),
        ("f32_256x1024x1024_tb", DType::Float32, [256, 1024], [1024, 1024], false, true),
        ("f32_1024x256x1024_ta", DType::Float32, [256, 1024], [256, 1024], true, false),
        ("f32_256x1024x10", DType::Float32, [256, 1024], [1024, 10], false, false),
        ("f32_64x64x64", DType::Float32, [64, 64], [64, 64], false, false),
        ("f64_256x1024x1024", DType::Float64, [256, 1024], [1024, 1024], false, false),
        ("i32_128x128x128", DType::Int32, [128, 128], [128, 128], false, false),
    ];
    for &(label, dtype, ash, bsh, ta, tb) in cases {
        let (a, b) = (matrix(dtype, &ash, 0.173), matrix(dtype, &bsh, 0.731));
        let (m, k) = if ta { (ash[1], ash[0]) } else { (ash[0], ash[1]) };
        let n = if tb { bsh[0] } else { bsh[1] };
        let at: Attrs = attrs![("transpose_a", Attr::Bool(ta)), ("transpose_b", Attr::Bool(tb))];
        g.throughput(Throughput::Elements((2 * m * k * n) as u64));
        g.bench_with_input(BenchmarkId::new("MatMul", label), &(a, b), |bench, (a, b)| {
            bench.iter(|| run1("MatMul", &[a, b], &at).expect("matmul"))
        });
    }
    let (x, y) = (matrix(DType::Float32, &[32, 64, 64], 0.3), matrix(DType::Float32, &[32, 64, 64], 0.7));
    g.throughput(Throughput::Elements(2 * 32 * 64 * 64 * 64));
    g.bench_function(BenchmarkId::new("BatchMatMulV2", "f32_32x64x64x64"), |bench| {
        bench.iter(|| run1("BatchMatMulV2", &[&x, &y], &attrs![]).expect("bmm"))
    });
    g.finish();
}

criterion_group!(benches, bench_trace, bench_graph, bench_matmul);
criterion_main!(benches);
