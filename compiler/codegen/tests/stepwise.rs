//! The step-by-step executor's fast paths against the reference executor:
//! small ops compiled alone (`Pack`, scalar arithmetic), `Identity` passed
//! through, `StridedSlice` with parsed masks, and a `While` writing a
//! `TensorList` in place (with an alias of the list still read later).

mod common;
use common::*;
use indexmap::IndexMap;
use proptest::prelude::*;
use std::sync::Arc;
use tfjit_graph::{FuncGraph, GraphBuilder, MemRuntime, RtValue, ValueType};
use tfjit_tensor::{attrs, Attr, DType, Data, StaticShape, Tensor, TensorType};

/// A graph that cannot be one native function (a large input), so each op
/// runs as its own step: `Pack([a, b, a], axis)`, `a + b` and `x[i]`.
fn pack_graph(shape: &[usize], axis: i64) -> FuncGraph {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, &[70, 3]));
    let p = b.add_placeholder("a", known(DType::Int32, shape));
    let q = b.add_placeholder("b", known(DType::Int32, shape));
    let i = b.add_placeholder("i", known(DType::Int32, &[]));
    let pk = op1(&mut b, "pack", "Pack", &[p, q, p], attrs![("axis", Attr::Int(axis)), ("N", Attr::Int(3))]);
    let s = op1(&mut b, "add", "AddV2", &[p, q], attrs![]);
    let st = op1(&mut b, "stack", "Pack", &[i], attrs![("axis", Attr::Int(0)), ("N", Attr::Int(1))]);
    let one = b.add_const("one", Tensor::scalar_i32(1));
    let i1 = op1(&mut b, "add_1", "AddV2", &[i, one], attrs![]);
    let en = op1(&mut b, "stack_1", "Pack", &[i1], attrs![("axis", Attr::Int(0)), ("N", Attr::Int(1))]);
    let str_ = b.add_const("stack_2", Tensor::vec_i32(vec![1]));
    let row = op1(
        &mut b,
        "strided_slice",
        "StridedSlice",
        &[x, st, en, str_],
        attrs![
            ("begin_mask", Attr::Int(0)),
            ("end_mask", Attr::Int(0)),
            ("ellipsis_mask", Attr::Int(0)),
            ("new_axis_mask", Attr::Int(0)),
            ("shrink_axis_mask", Attr::Int(1))
        ],
    );
    let id = op1(&mut b, "Identity", "Identity", &[row], attrs![]);
    b.finish(&[pk, s, id]).unwrap()
}

fn ints(shape: &[usize], seed: i32) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::new(shape.to_vec(), Data::I32((0..n as i32).map(|k| k * 7 + seed).collect())).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn small_ops_match_the_reference(shape in prop::collection::vec(1usize..4, 0..3), axis_pick in 0i64..8, i in -72i32..72) {
        let rank = shape.len() as i64;
        let axis = axis_pick % (2 * rank + 2) - (rank + 1);
        let g = pack_graph(&shape, axis);
        let opt = tfjit_optimize::optimize(&g).unwrap();
        let c = tfjit_codegen::compile(&opt).unwrap();
        let x = Tensor::new(vec![70, 3], Data::F32((0..210).map(|k| k as f32 * 0.5).collect())).unwrap();
        let args = [x, ints(&shape, 1), ints(&shape, -40), Tensor::scalar_i32(i)];
        let want = reference(&g, &args);
        let got = compiled(&c, &args);
        match (want, got) {
            (Ok(w), Ok(o)) => prop_assert_eq!(w, o, "{}", c.report()),
            (Err(w), Err(o)) => prop_assert_eq!((w.kind, w.message), (o.kind, o.message)),
            (w, o) => prop_assert!(false, "reference {:?} vs compiled {:?}", w, o),
        }
        let rep = c.report();
        prop_assert!(rep.contains("pack = Pack: native"), "{}", rep);
    }
}

/// `for i in range(n): ta = ta.write(i, x * i)`, returning the stacked
/// list and the list as it was before the last write (an alias).
fn list_loop() -> FuncGraph {
    let elem = known(DType::Float32, &[4]);
    let list = ValueType::List(TensorType::new(DType::Float32, StaticShape::known(&[4])));
    let s = known(DType::Int32, &[]);
    let mut c = GraphBuilder::new("cond");
    let i = c.add_placeholder("i", s.clone());
    let n = c.add_placeholder("n", s.clone());
    let _l = c.add_placeholder("l", list.clone());
    let _k = c.add_placeholder("k", list.clone());
    let _x = c.add_placeholder("x", elem.clone());
    let lt = op1(&mut c, "Less", "Less", &[i, n], attrs![]);
    let cond = Arc::new(c.finish(&[lt]).unwrap());
    let mut w = GraphBuilder::new("body");
    let i = w.add_placeholder("i", s.clone());
    let n = w.add_placeholder("n", s.clone());
    let l = w.add_placeholder("l", list.clone());
    let _k = w.add_placeholder("k", list);
    let x = w.add_placeholder("x", elem);
    let fi = op1(&mut w, "Cast", "Cast", &[i], attrs![("DstT", Attr::Type(DType::Float32))]);
    let item = op1(&mut w, "mul", "Mul", &[x, fi], attrs![]);
    let l2 = op1(&mut w, "set", "TensorListSetItem", &[l, i, item], attrs![("element_dtype", Attr::Type(DType::Float32))]);
    let one = w.add_const("one", Tensor::scalar_i32(1));
    let i2 = op1(&mut w, "add", "AddV2", &[i, one], attrs![]);
    let body = Arc::new(w.finish(&[i2, n, l2, l, x]).unwrap());
    let mut b = GraphBuilder::new("f");
    let n = b.add_placeholder("n", s);
    let x = b.add_placeholder("x", known(DType::Float32, &[4]));
    let shape = b.add_const("shape", Tensor::vec_i32(vec![4]));
    let len = b.add_const("len", Tensor::scalar_i32(6));
    let l0 = op1(&mut b, "reserve", "TensorListReserve", &[shape, len], attrs![("element_dtype", Attr::Type(DType::Float32))]);
    let i0 = b.add_const("i0", Tensor::scalar_i32(0));
    let mut funcs = IndexMap::new();
    funcs.insert("cond", cond);
    funcs.insert("body", body);
    let outs = b.add_func_op("while", "StatelessWhile", &[i0, n, l0, l0, x], attrs![], funcs).unwrap();
    let es = b.add_const("es", Tensor::vec_i32(vec![4]));
    let stack = |b: &mut GraphBuilder, name: &str, l| {
        op1(b, name, "TensorListStack", &[l, es], attrs![("element_dtype", Attr::Type(DType::Float32)), ("num_elements", Attr::Int(-1))])
    };
    let a = stack(&mut b, "stack", outs[2]);
    let k = stack(&mut b, "stack_1", outs[3]);
    b.finish(&[a, k]).unwrap()
}

#[test]
fn list_written_in_a_loop_matches_the_reference() {
    let g = list_loop();
    let opt = tfjit_optimize::optimize(&g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let x = Tensor::new(vec![4], Data::F32(vec![1.0, -2.0, 0.5, 3.0])).unwrap();
    for n in [0, 1, 4, 6, 7] {
        let args = [Tensor::scalar_i32(n), x.clone()];
        let want = reference(&g, &args);
        let got = compiled(&c, &args);
        match (&want, &got) {
            (Ok(w), Ok(o)) => assert_eq!(w, o, "n={n}"),
            (Err(w), Err(o)) => assert_eq!(w.message, o.message, "n={n}"),
            _ => panic!("n={n}: reference {want:?} vs compiled {got:?}"),
        }
        if n == 4 {
            // The alias is the list before the last write: row 3 unset.
            let k = got.as_ref().unwrap()[1].as_tensor().unwrap().clone();
            assert_eq!(&k.to_i64_vec()[8..16], &[2, -4, 1, 6, 0, 0, 0, 0]);
        }
        if n == 7 {
            assert!(got.as_ref().unwrap_err().message.contains("Trying to modify element 6 in a list with 6 elements."));
        }
    }
    // Borrowed and owned arguments behave alike.
    let args = vec![RtValue::Tensor(Tensor::scalar_i32(5)), RtValue::Tensor(x)];
    let a = c.run(&args, &mut MemRuntime::default()).unwrap();
    let b = c.run_owned(args, &mut MemRuntime::default()).unwrap();
    assert_eq!(a, b);
}
