//! Building graphs the way tracing will, and running them.

mod common;

use common::*;
use tfjit_graph::graph_def::as_graph_def;
use tfjit_graph::{execute, GraphBuilder, MemRuntime, RtValue, ValueType};
use tfjit_tensor::format::tensor_str;
use tfjit_tensor::{attrs, Attr, DType, TensorType, TfErrorKind};

fn names(g: &tfjit_graph::FuncGraph) -> Vec<String> {
    g.operations()
        .iter()
        .map(|&ix| g.node(ix).name.clone())
        .collect()
}

fn types(g: &tfjit_graph::FuncGraph) -> Vec<&'static str> {
    g.operations()
        .iter()
        .map(|&ix| g.node(ix).op.name())
        .collect()
}

fn run(
    g: &tfjit_graph::FuncGraph,
    args: Vec<tfjit_tensor::Tensor>,
    rt: &mut MemRuntime,
) -> Vec<String> {
    let args: Vec<RtValue> = args.into_iter().map(RtValue::Tensor).collect();
    execute(g, &args, rt)
        .unwrap()
        .iter()
        .map(|v| tensor_str(v.as_tensor().unwrap()))
        .collect()
}

#[test]
fn names_inputs_outputs_like_tf() {
    let g = total_graph();
    assert_eq!(names(&g), ["x", "y", "total", "mul/y", "mul", "Identity"]);
    let total = g.find("total").unwrap();
    assert_eq!(g.node(total).op.name(), "AddV2");
    let ins: Vec<String> = g
        .op_inputs(total)
        .into_iter()
        .map(|o| g.tensor_name(o))
        .collect();
    assert_eq!(ins, ["x:0", "y:0"]);
    let out = g.op_outputs(total)[0];
    assert_eq!(g.tensor_name(out), "total:0");
    assert_eq!(g.value_type(out).shape().to_string(), "(3,)");
    assert_eq!(g.value_type(out).dtype_name(), "int32");
    assert_eq!(g.inputs().len(), 2);
    assert_eq!(g.tensor_name(g.outputs()[0]), "Identity:0");
    let r = run(
        &g,
        vec![i32s(&[1, 2, 3], &[3]), i32s(&[1, 1, 1], &[3])],
        &mut MemRuntime::default(),
    );
    assert_eq!(r, ["tf.Tensor([ 6  9 12], shape=(3,), dtype=int32)"]);
}

#[test]
fn op_types_and_order() {
    let g = basic_graph();
    let t = types(&g);
    assert_eq!(t.first(), Some(&"Placeholder"));
    assert_eq!(t.last(), Some(&"Identity"));
    for op in ["MatMul", "Mul", "AddV2", "Sub", "RealDiv", "Const"] {
        assert!(t.contains(&op), "{op}");
    }
    assert!(!t.contains(&"NoOp"), "a pure graph has no NoOp");
    let x = f32s(&[1.0, 2.0, 3.0, 4.0], &[2, 2]);
    let r = run(&g, vec![x.clone(), x], &mut MemRuntime::default());
    assert_eq!(
        r,
        ["tf.Tensor(\n[[14.75 20.5 ]\n [30.25 44.  ]], shape=(2, 2), dtype=float32)"]
    );
}

#[test]
fn static_shapes_with_unknown_dims_and_const_values() {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", ty(DType::Float32, &[None, Some(3)]));
    let y = b.add_placeholder("y", known(DType::Float32, &[3]));
    let a = op1(&mut b, "", "AddV2", &[x, y], attrs![]);
    assert_eq!(b.graph().value_type(a).to_string(), "float32[?,3]");
    // Reshape's shape is known statically because it is a Const.
    let shape = b.add_const("Reshape/shape", i32s(&[-1], &[1]));
    let r = op1(&mut b, "Reshape", "Reshape", &[a, shape], attrs![]);
    assert_eq!(b.graph().value_type(r).to_string(), "float32[?]");
    let axis = b.add_const("Sum/reduction_indices", i32s(&[0], &[1]));
    let s = op1(
        &mut b,
        "Sum",
        "Sum",
        &[a, axis],
        attrs![("keep_dims", Attr::Bool(false))],
    );
    assert_eq!(b.graph().value_type(s).to_string(), "float32[3]");
    assert_eq!(b.graph().node(a.node).name, "AddV2");
}

#[test]
fn variables_control_deps_like_tf() {
    let g = writes_graph();
    assert_eq!(
        types(&g),
        [
            "Placeholder",
            "Placeholder",
            "AssignVariableOp",
            "AssignAddVariableOp",
            "Const",
            "AssignSubVariableOp",
            "StringFormat",
            "PrintV2",
            "ReadVariableOp",
            "Identity",
            "Identity",
            "NoOp"
        ]
    );
    let def = as_graph_def(&g);
    let by = |n: &str| def.node.iter().find(|d| d.name == n).unwrap().input.clone();
    assert_eq!(by("AssignVariableOp"), ["AssignVariableOp/resource", "x"]);
    assert_eq!(
        by("AssignAddVariableOp"),
        ["AssignVariableOp/resource", "x", "^AssignVariableOp"]
    );
    assert_eq!(
        by("AssignSubVariableOp"),
        ["AssignVariableOp/resource", "ones", "^AssignAddVariableOp"]
    );
    assert_eq!(by("PrintV2"), ["StringFormat"]);
    assert_eq!(
        by("Read/ReadVariableOp"),
        ["AssignVariableOp/resource", "^AssignSubVariableOp"]
    );
    assert_eq!(by("Identity_1"), ["Identity", "^NoOp"]);
    assert_eq!(
        by("NoOp"),
        [
            "^AssignAddVariableOp",
            "^AssignSubVariableOp",
            "^AssignVariableOp",
            "^PrintV2",
            "^Read/ReadVariableOp"
        ]
    );
    assert_eq!(g.captures().len(), 1);
    assert_eq!(g.control_outputs().len(), 5);

    let mut rt = MemRuntime::default();
    rt.vars.insert(V, f32s(&[1.0, 2.0], &[2]));
    let r = run(&g, vec![f32s(&[5.0, 6.0], &[2])], &mut rt);
    assert_eq!(r, ["tf.Tensor([ 9. 11.], shape=(2,), dtype=float32)"]);
    assert_eq!(
        tensor_str(&rt.vars[&V]),
        "tf.Tensor([ 9. 11.], shape=(2,), dtype=float32)"
    );
    assert_eq!(rt.printed, [("value [5 6]\n".to_string(), false)]);
    // Captured by reference: a later assignment outside is visible.
    rt.vars.insert(V, f32s(&[0.0, 0.0], &[2]));
    let r = run(&g, vec![f32s(&[1.0, 1.0], &[2])], &mut rt);
    assert_eq!(r, ["tf.Tensor([1. 1.], shape=(2,), dtype=float32)"]);
}

#[test]
fn reads_order_after_writes_and_writes_after_reads() {
    let mut b = GraphBuilder::new("f");
    let h = b.capture_variable("v", V, TensorType::known(DType::Float32, &[]));
    let r1 = op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], attrs![]);
    let r2 = op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], attrs![]);
    let one = b.add_const("one", tfjit_tensor::Tensor::scalar_f32(1.0));
    b.add_op(
        "AssignAddVariableOp",
        "AssignAddVariableOp",
        &[h, one],
        attrs![],
    )
    .unwrap();
    let r3 = op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], attrs![]);
    let s = op1(&mut b, "add", "AddV2", &[r1, r3], attrs![]);
    let g = b.finish(&[s]).unwrap();
    let ctrl = |o: tfjit_graph::Output| -> Vec<String> {
        g.control_inputs(o.node)
            .into_iter()
            .map(|c| g.node(c).name.clone())
            .collect()
    };
    assert!(ctrl(r1).is_empty() && ctrl(r2).is_empty());
    let assign = g.find("AssignAddVariableOp").unwrap();
    let ai: Vec<String> = g
        .control_inputs(assign)
        .into_iter()
        .map(|c| g.node(c).name.clone())
        .collect();
    assert_eq!(ai, ["ReadVariableOp", "ReadVariableOp_1"]);
    assert_eq!(ctrl(r3), ["AssignAddVariableOp"]);
    // The unused read is not a control output.
    let co: Vec<&str> = g
        .control_outputs()
        .iter()
        .map(|&c| g.node(c).name.as_str())
        .collect();
    assert_eq!(
        co,
        ["ReadVariableOp", "AssignAddVariableOp", "ReadVariableOp_2"]
    );
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, tfjit_tensor::Tensor::scalar_f32(2.0));
    assert_eq!(
        run(&g, vec![], &mut rt),
        ["tf.Tensor(5.0, shape=(), dtype=float32)"]
    );
}

#[test]
fn prints_run_in_program_order_every_call() {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Int32, &[]));
    for word in ["first", "second", "third"] {
        let f = op1(
            &mut b,
            "StringFormat",
            "StringFormat",
            &[x],
            attrs![("template", Attr::Str(format!("{word} {{}}")))],
        );
        b.add_op(
            "PrintV2",
            "PrintV2",
            &[f],
            attrs![("output_stream", Attr::Str("stdout".into()))],
        )
        .unwrap();
    }
    let one = b.add_const("y", tfjit_tensor::Tensor::scalar_i32(1));
    let a = op1(&mut b, "add", "AddV2", &[x, one], attrs![]);
    let g = b.finish(&[a]).unwrap();
    let prints: Vec<_> = g
        .operations()
        .iter()
        .copied()
        .filter(|&i| g.node(i).op.name() == "PrintV2")
        .collect();
    assert_eq!(g.control_inputs(prints[1]), [prints[0]]);
    assert_eq!(g.control_inputs(prints[2]), [prints[1]]);
    let mut rt = MemRuntime::default();
    run(&g, vec![tfjit_tensor::Tensor::scalar_i32(1)], &mut rt);
    run(&g, vec![tfjit_tensor::Tensor::scalar_i32(5)], &mut rt);
    let texts: Vec<&str> = rt.printed.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        texts,
        [
            "first 1\n",
            "second 1\n",
            "third 1\n",
            "first 5\n",
            "second 5\n",
            "third 5\n"
        ]
    );
    assert!(rt.printed.iter().all(|(_, err)| !err));
}

#[test]
fn captures_small_as_const_big_as_placeholder() {
    let small = i32s(&(0..128).collect::<Vec<_>>(), &[128]);
    let big = i32s(&(0..200).collect::<Vec<_>>(), &[200]);
    let mut b = GraphBuilder::new("cap");
    let x = b.add_placeholder("x", known(DType::Int32, &[]));
    let s = b.capture_tensor("32", &small);
    let s2 = b.capture_tensor("again", &small);
    assert_eq!(s, s2, "the same tensor is captured once");
    let g_ = b.capture_tensor("25", &big);
    assert_eq!(b.graph().node(s.node).op.name(), "Const");
    assert_eq!(b.graph().node(g_.node).op.name(), "Placeholder");
    let a = op1(&mut b, "add", "AddV2", &[x, s], attrs![]);
    let c = op1(&mut b, "add_1", "AddV2", &[x, g_], attrs![]);
    let g = b.finish(&[a, c]).unwrap();
    assert_eq!(g.inputs().len(), 1);
    assert_eq!(g.captures().len(), 1);
    let out = execute(
        &g,
        &[RtValue::Tensor(tfjit_tensor::Tensor::scalar_i32(1))],
        &mut MemRuntime::default(),
    )
    .unwrap();
    assert_eq!(out[0].as_tensor().unwrap().get_i64(127), 127 + 1);
    let t = out[1].as_tensor().unwrap();
    assert_eq!(t.shape(), &[200]);
    assert_eq!(t.get_i64(199), 199 + 1);
}

#[test]
fn trace_time_errors_are_value_and_type_errors() {
    // Static bad reshape: ValueError at trace time, with the node in the message.
    let mut b = GraphBuilder::new("traced");
    let x = b.add_placeholder("x", known(DType::Int32, &[6]));
    let shape = b.add_const("Reshape/shape", i32s(&[4, 2], &[2]));
    let e = b
        .add_op("Reshape", "Reshape", &[x, shape], attrs![])
        .unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Value, "{e}");
    assert!(
        e.message
            .contains("{{node Reshape}} = Reshape(x, Reshape/shape)"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("with input shapes: [6], [2]."),
        "{}",
        e.message
    );
    // MatMul with mismatched static shapes.
    let mut b = GraphBuilder::new("mm");
    let x = b.add_placeholder("x", known(DType::Float32, &[2, 3]));
    let y = b.add_placeholder("y", known(DType::Float32, &[2, 3]));
    let e = b.add_op("MatMul", "MatMul", &[x, y], attrs![]).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Value, "{e}");
    // dtype mismatch: TypeError.
    let mut b = GraphBuilder::new("add");
    let x = b.add_placeholder("x", known(DType::Int32, &[]));
    let y = b.add_placeholder("y", known(DType::Float32, &[]));
    let e = b.add_op("add", "AddV2", &[x, y], attrs![]).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Type, "{e}");
    // Unknown op: NotImplementedError naming it.
    let e = b.add_op("", "NoSuchOp", &[x], attrs![]).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::NotImplemented);
    // A tensor of another graph.
    let other = GraphBuilder::new("other").add_placeholder("z", known(DType::Int32, &[]));
    let e = b.add_op("add", "AddV2", &[x, other], attrs![]).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Value);
    // Assigning a float to an int variable.
    let h = b.capture_variable("v", V, TensorType::known(DType::Int32, &[]));
    let e = b
        .add_op("", "AssignVariableOp", &[h, y], attrs![])
        .unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Type);
}

#[test]
fn run_time_errors_are_invalid_argument_with_node() {
    let mut b = GraphBuilder::new("dynamic");
    let x = b.add_placeholder("x", ty(DType::Int32, &[None]));
    let shape = b.add_const("Reshape/shape", i32s(&[2, 2], &[2]));
    let r = op1(&mut b, "Reshape", "Reshape", &[x, shape], attrs![]);
    assert_eq!(b.graph().value_type(r).to_string(), "int32[2,2]");
    let g = b.finish(&[r]).unwrap();
    let mut rt = MemRuntime::default();
    let ok = run(&g, vec![i32s(&[1, 2, 3, 4], &[4])], &mut rt);
    assert_eq!(
        ok,
        ["tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"]
    );
    let e = execute(&g, &[RtValue::Tensor(i32s(&[1, 2, 3], &[3]))], &mut rt).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::InvalidArgument);
    assert!(
        e.message
            .contains("Input to reshape is a tensor with 3 values"),
        "{}",
        e.message
    );
    assert!(
        e.message.ends_with(
            "\n\t [[{node Reshape}}]]"
                .replace("{node", "{{node")
                .as_str()
        ),
        "{}",
        e.message
    );

    let mut b = GraphBuilder::new("dynamic_mm");
    let x = b.add_placeholder("x", ty(DType::Float32, &[None, None]));
    let y = b.add_placeholder("y", ty(DType::Float32, &[None, None]));
    let m = op1(&mut b, "MatMul", "MatMul", &[x, y], attrs![]);
    let g = b.finish(&[m]).unwrap();
    let a = RtValue::Tensor(f32s(&[1.0; 6], &[2, 3]));
    let e = execute(&g, &[a.clone(), a], &mut rt).unwrap_err();
    assert_eq!(e.kind, TfErrorKind::InvalidArgument);
    assert!(
        e.message.contains("Matrix size-incompatible"),
        "{}",
        e.message
    );
    // Wrong argument count or type is an error, not a panic.
    assert!(execute(&g, &[], &mut rt).is_err());
    let bad = RtValue::Tensor(i32s(&[1], &[1]));
    assert!(execute(&g, &[bad.clone(), bad], &mut rt).is_err());
}

#[test]
fn ops_nothing_depends_on_do_not_run() {
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", ty(DType::Int32, &[None]));
    let shape = b.add_const("Reshape/shape", i32s(&[5, 5], &[2]));
    op1(&mut b, "Reshape", "Reshape", &[x, shape], attrs![]); // would fail at run time
    let g = b.finish(&[x]).unwrap();
    assert_eq!(
        run(&g, vec![i32s(&[1], &[1])], &mut MemRuntime::default()),
        ["tf.Tensor([1], shape=(1,), dtype=int32)"]
    );
}

#[test]
fn control_flow_ops_run_nested_graphs() {
    let g = control_graph();
    let t = types(&g);
    assert!(t.contains(&"StatelessIf") && t.contains(&"StatelessWhile"));
    assert!(!g.is_stateful());
    let mut rt = MemRuntime::default();
    let r = run(&g, vec![tfjit_tensor::Tensor::scalar_f32(3.0)], &mut rt);
    assert_eq!(
        r,
        [
            "tf.Tensor(6.0, shape=(), dtype=float32)",
            "tf.Tensor(5, shape=(), dtype=int32)"
        ]
    );
    let r = run(&g, vec![tfjit_tensor::Tensor::scalar_f32(-2.0)], &mut rt);
    assert_eq!(r[0], "tf.Tensor(2.0, shape=(), dtype=float32)");
    let def = as_graph_def(&g);
    let lib: Vec<&str> = def.library.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        lib,
        [
            "cond_true_1",
            "cond_false_1",
            "while_cond_1",
            "while_body_1"
        ]
    );
}

#[test]
fn stateful_if_is_ordered_and_must_run() {
    // then: v.assign_add(x); else: tf.print("negative")
    let scalar = known(DType::Float32, &[]);
    let vt = TensorType::known(DType::Float32, &[]);
    let mut t = GraphBuilder::new("then");
    let tx = t.add_placeholder("x", scalar.clone());
    let th = t.add_placeholder("resource", ValueType::Resource(vt.clone()));
    t.add_op("", "AssignAddVariableOp", &[th, tx], attrs![])
        .unwrap();
    let then_f = std::sync::Arc::new(t.finish(&[]).unwrap());
    let mut e = GraphBuilder::new("else");
    e.add_placeholder("x", scalar.clone());
    e.add_placeholder("resource", ValueType::Resource(vt.clone()));
    let f = op1(
        &mut e,
        "",
        "StringFormat",
        &[],
        attrs![("template", Attr::Str("negative".into()))],
    );
    e.add_op(
        "",
        "PrintV2",
        &[f],
        attrs![("output_stream", Attr::Str("stdout".into()))],
    )
    .unwrap();
    let else_f = std::sync::Arc::new(e.finish(&[]).unwrap());
    assert!(then_f.is_stateful() && else_f.is_stateful());

    let mut b = GraphBuilder::new("stateful");
    let x = b.add_placeholder("x", scalar);
    let h = b.capture_variable("resource", V, vt);
    let zero = b.add_const("y", tfjit_tensor::Tensor::scalar_f32(0.0));
    let p = op1(&mut b, "Greater", "Greater", &[x, zero], attrs![]);
    let mut funcs = indexmap::IndexMap::new();
    funcs.insert("then_branch", then_f);
    funcs.insert("else_branch", else_f);
    let outs = b
        .add_func_op("cond", "If", &[p, x, h], attrs![], funcs)
        .unwrap();
    assert!(outs.is_empty());
    let r = op1(&mut b, "ReadVariableOp", "ReadVariableOp", &[h], attrs![]);
    let g = b.finish(&[r]).unwrap();
    let iff = g.find("cond").unwrap();
    assert!(g.control_outputs().contains(&iff));
    assert_eq!(g.control_inputs(r.node), [iff]);
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, tfjit_tensor::Tensor::scalar_f32(1.0));
    assert_eq!(
        run(&g, vec![tfjit_tensor::Tensor::scalar_f32(2.0)], &mut rt),
        ["tf.Tensor(3.0, shape=(), dtype=float32)"]
    );
    assert_eq!(
        run(&g, vec![tfjit_tensor::Tensor::scalar_f32(-1.0)], &mut rt),
        ["tf.Tensor(3.0, shape=(), dtype=float32)"]
    );
    assert_eq!(rt.printed, [("negative\n".to_string(), false)]);
}

#[test]
fn if_relaxes_output_shapes_and_checks_branches() {
    let mut t = GraphBuilder::new("t");
    let c = t.add_const("c", f32s(&[1.0, 2.0], &[2]));
    let then_f = std::sync::Arc::new(t.finish(&[c]).unwrap());
    let mut e = GraphBuilder::new("e");
    let c = e.add_const("c", f32s(&[1.0, 2.0, 3.0], &[3]));
    let else_f = std::sync::Arc::new(e.finish(&[c]).unwrap());
    let mut b = GraphBuilder::new("f");
    let p = b.add_placeholder("p", known(DType::Bool, &[]));
    let mut funcs = indexmap::IndexMap::new();
    funcs.insert("then_branch", then_f.clone());
    funcs.insert("else_branch", else_f);
    let o = b
        .add_func_op("cond", "StatelessIf", &[p], attrs![], funcs)
        .unwrap()[0];
    assert_eq!(b.graph().value_type(o).to_string(), "float32[?]");
    let mut funcs = indexmap::IndexMap::new();
    funcs.insert("then_branch", then_f);
    let e = b
        .add_func_op("cond", "StatelessIf", &[p], attrs![], funcs)
        .unwrap_err();
    assert_eq!(e.kind, TfErrorKind::Value);
}
