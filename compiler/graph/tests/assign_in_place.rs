//! `AssignAddVariableOp` / `AssignSubVariableOp` update the variable's
//! buffer in place only when nothing else holds it: values read earlier —
//! kept by the program or still alive in the graph — never change.

mod common;

use common::*;
use tfjit_graph::{execute, GraphBuilder, MemRuntime, RtValue, ValueType};
use tfjit_tensor::{attrs, DType, Data, Tensor, TensorType};

fn addr(t: &Tensor) -> usize {
    match t.data() {
        Data::F32(v) => v.as_ptr() as usize,
        Data::I32(v) => v.as_ptr() as usize,
        _ => 0,
    }
}

/// `v op= d`, optionally returning a read of `v` taken before the update.
fn update_graph(op: &str, d: DType, n: usize, return_read: bool) -> tfjit_graph::FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("d", known(d, &[n]));
    let h = b.capture_variable("v", V, TensorType::known(d, &[n]));
    let outs = if return_read { vec![op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], attrs![])] } else { vec![] };
    b.add_op(op, op, &[h, x], attrs![]).unwrap();
    b.finish(&outs).unwrap()
}

fn f32_vals(n: usize, k: f32) -> Vec<f32> {
    (0..n).map(|i| ((i * 37 % 101) as f32 - 50.0) * k).collect()
}

#[test]
fn sole_owner_updates_in_place_with_the_kernel_result() {
    for n in [5usize, 1000, 1 << 18] {
        for op in ["AssignSubVariableOp", "AssignAddVariableOp"] {
            let g = update_graph(op, DType::Float32, n, false);
            let (old, d) = (f32_vals(n, 0.37), f32_vals(n, 1.0e-3));
            let want: Vec<f32> = old.iter().zip(&d).map(|(a, b)| if op.contains("Sub") { a - b } else { a + b }).collect();
            let mut rt = MemRuntime::default();
            rt.vars.insert(V, f32s(&old, &[n]));
            let (before, id) = (addr(&rt.vars[&V]), rt.vars[&V].id());
            execute(&g, &[RtValue::Tensor(f32s(&d, &[n]))], &mut rt).unwrap();
            let v = &rt.vars[&V];
            assert_eq!(v.data(), &Data::F32(want), "{op} n={n}");
            assert_eq!(addr(v), before, "{op} n={n}: not in place");
            assert_ne!(v.id(), id, "an update is a new value");
        }
    }
}

#[test]
fn values_read_before_never_change() {
    let n = 300;
    let old = f32_vals(n, 0.5);
    let d = f32_vals(n, 0.25);
    // A read still alive as a graph output.
    let g = update_graph("AssignSubVariableOp", DType::Float32, n, true);
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, f32s(&old, &[n]));
    let r = execute(&g, &[RtValue::Tensor(f32s(&d, &[n]))], &mut rt).unwrap();
    assert_eq!(r[0].as_tensor().unwrap().data(), &Data::F32(old.clone()));
    let want: Vec<f32> = old.iter().zip(&d).map(|(a, b)| a - b).collect();
    assert_eq!(rt.vars[&V].data(), &Data::F32(want.clone()));
    // A value the program kept (`keep = v.read_value()`).
    let g = update_graph("AssignSubVariableOp", DType::Float32, n, false);
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, f32s(&old, &[n]));
    let kept = rt.vars[&V].clone();
    execute(&g, &[RtValue::Tensor(f32s(&d, &[n]))], &mut rt).unwrap();
    assert_eq!(kept.data(), &Data::F32(old));
    assert_eq!(rt.vars[&V].data(), &Data::F32(want));
    assert!(!rt.vars[&V].same_buffer(&kept));
}

#[test]
fn integer_updates_wrap_like_the_kernels() {
    let g = update_graph("AssignAddVariableOp", DType::Int32, 3, false);
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, i32s(&[i32::MAX, -5, 7], &[3]));
    execute(&g, &[RtValue::Tensor(i32s(&[1, 5, -9], &[3]))], &mut rt).unwrap();
    assert_eq!(rt.vars[&V].data(), &Data::I32(vec![i32::MIN, 0, -2]));
}

#[test]
fn shape_mismatch_is_tfs_error_and_keeps_the_value() {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("d", ValueType::Tensor(TensorType::new(DType::Float32, tfjit_tensor::StaticShape::unknown_rank())));
    let h = b.capture_variable("v", V, TensorType::known(DType::Float32, &[2]));
    b.add_op("AssignSubVariableOp", "AssignSubVariableOp", &[h, x], attrs![]).unwrap();
    let g = b.finish(&[]).unwrap();
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, f32s(&[1.0, 2.0], &[2]));
    let e = execute(&g, &[RtValue::Tensor(f32s(&[1.0, 2.0, 3.0], &[3]))], &mut rt).unwrap_err();
    assert!(e.message.starts_with("Cannot update variable with shape [2] using a Tensor with shape [3]"), "{}", e.message);
    assert_eq!(rt.vars[&V].data(), &Data::F32(vec![1.0, 2.0]));
}
