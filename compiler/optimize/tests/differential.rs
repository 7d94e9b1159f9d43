//! Differential tests: every graph gives the same results (outputs, prints,
//! variables, errors) before and after `optimize`.

mod common;
mod graphs;

use common::*;
use graphs::*;
use proptest::prelude::*;
use tfjit_graph::{GraphBuilder, MemRuntime};
use tfjit_tensor::{attrs, Attr, DType, Tensor};

#[test]
fn gelu_chain_is_one_fused_node() {
    let g = gelu_chain(64);
    let opt = check_same(&g, &[ramp(64, &[64])], &MemRuntime::default());
    assert_eq!(count(&opt, "FusedElementwise"), 1, "{}", tfjit_graph::print_text::to_text(&opt));
    assert_eq!(types(&opt), ["Placeholder", "FusedElementwise", "Identity"]);
}

#[test]
fn softmax_reduce_is_two_kernels() {
    let g = softmax_reduce(4, 8);
    let opt = check_same(&g, &[ramp(32, &[4, 8])], &MemRuntime::default());
    assert_eq!(types(&opt), ["Placeholder", "Softmax", "FusedReduction", "Identity"]);
}

#[test]
fn manual_softmax_fuses_exp_sum() {
    let g = manual_softmax(3, 5);
    let opt = check_same(&g, &[ramp(15, &[3, 5])], &MemRuntime::default());
    assert_eq!(count(&opt, "FusedReduction"), 1);
    assert_eq!(count(&opt, "Exp"), 0);
    assert_eq!(count(&opt, "Sum"), 0);
}

#[test]
fn stateful_ops_keep_order_and_effects() {
    let g = stateful_graph();
    let mut rt = MemRuntime::default();
    rt.vars.insert(V, f32s(&[0.0, 0.0], &[2]));
    let opt = check_same(&g, &[f32s(&[1.5, -2.0], &[2])], &rt);
    // CSE merged the two `x * 2.0`; `* 1.0` is gone.
    assert_eq!(count(&opt, "Mul"), 1, "{}", tfjit_graph::print_text::to_text(&opt));
    for op in ["AssignVariableOp", "PrintV2", "AssignAddVariableOp", "ReadVariableOp", "NoOp"] {
        assert_eq!(count(&opt, op), 1, "{op}");
    }
    let pos = |op: &str| types(&opt).iter().position(|t| *t == op).unwrap();
    assert!(pos("AssignVariableOp") < pos("PrintV2"));
    assert!(pos("PrintV2") < pos("AssignAddVariableOp"));
    assert!(pos("AssignAddVariableOp") < pos("ReadVariableOp"));
    assert_eq!(opt.control_outputs(), g.control_outputs());
}

#[test]
fn nested_graphs_are_optimized() {
    let g = control_graph();
    for x in [2.0f32, -3.0] {
        let opt = check_same(&g, &[Tensor::scalar_f32(x)], &MemRuntime::default());
        let cond = opt.find("cond").unwrap();
        let then_f = &opt.node(cond).funcs["then_branch"];
        assert_eq!(count(then_f, "Mul"), 0, "x * 1 removed in the branch");
        let else_f = &opt.node(cond).funcs["else_branch"];
        assert_eq!(count(else_f, "Neg"), 0, "-(-x) removed in the branch");
        let w = opt.find("while").unwrap();
        let body = &opt.node(w).funcs["body"];
        assert_eq!(count(body, "Mul"), 0, "1 * 1 folded in the body");
    }
}

#[test]
fn errors_are_preserved() {
    // (x // y) * 0 must still raise for y == 0 (FloorDiv can fail).
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Int32, &[2]));
    let y = b.add_placeholder("y", known(DType::Int32, &[2]));
    let d = op1(&mut b, "floordiv", "FloorDiv", &[x, y], attrs![]);
    let z = b.add_const("zero", Tensor::scalar_i32(0));
    let m = op1(&mut b, "mul", "Mul", &[d, z], attrs![]);
    let g = b.finish(&[m]).unwrap();
    let rt = MemRuntime::default();
    check_same(&g, &[i32s(&[1, 2], &[2]), i32s(&[0, 1], &[2])], &rt);
    check_same(&g, &[i32s(&[1, 2], &[2]), i32s(&[3, 1], &[2])], &rt);
}

#[test]
fn float_signed_zero_and_nan_survive() {
    // x + 0.0, x * 0.0, x - x on floats must stay: -0.0 + 0.0 = 0.0, NaN * 0 = NaN.
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, &[4]));
    let z = b.add_const("zero", Tensor::scalar_f32(0.0));
    let a = op1(&mut b, "add", "AddV2", &[x, z], attrs![]);
    let m = op1(&mut b, "mul", "Mul", &[x, z], attrs![]);
    let s = op1(&mut b, "sub", "Sub", &[x, x], attrs![]);
    let g = b.finish(&[a, m, s]).unwrap();
    let x = f32s(&[-0.0, f32::NAN, f32::INFINITY, 1.0], &[4]);
    let opt = check_same(&g, std::slice::from_ref(&x), &MemRuntime::default());
    let outs = tfjit_graph::execute(&opt, &[tfjit_graph::RtValue::Tensor(x)], &mut MemRuntime::default()).unwrap();
    let first = outs[0].as_tensor().unwrap();
    assert!(matches!(first.data(), tfjit_tensor::Data::F32(v) if v[0].to_bits() == 0), "-0.0 + 0.0 is +0.0");
}

#[test]
fn broadcasting_operand_is_not_dropped() {
    // x: [1], x * ones([3]) has shape [3]: not x.
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", known(DType::Float32, &[1]));
    let ones = b.add_const("ones", f32s(&[1.0, 1.0, 1.0], &[3]));
    let m = op1(&mut b, "mul", "Mul", &[x, ones], attrs![]);
    let g = b.finish(&[m]).unwrap();
    let opt = check_same(&g, &[f32s(&[2.5], &[1])], &MemRuntime::default());
    assert_eq!(count(&opt, "Mul"), 1);
}

#[test]
fn unknown_dims_are_handled() {
    // x: [?], y: [?]: x + y may broadcast at run time; (x + y) * 1 -> x + y.
    let mut b = GraphBuilder::new("f");
    let x = b.add_placeholder("x", partial(DType::Float32, &[None]));
    let y = b.add_placeholder("y", partial(DType::Float32, &[None]));
    let s = op1(&mut b, "add", "AddV2", &[x, y], attrs![]);
    let one = b.add_const("one", Tensor::scalar_f32(1.0));
    let m = op1(&mut b, "mul", "Mul", &[s, one], attrs![]);
    let e = op1(&mut b, "Exp", "Exp", &[m], attrs![]);
    let g = b.finish(&[e]).unwrap();
    let rt = MemRuntime::default();
    check_same(&g, &[f32s(&[1.0, 2.0], &[2]), f32s(&[3.0], &[1])], &rt);
    check_same(&g, &[f32s(&[1.0, 2.0], &[2]), f32s(&[3.0, 4.0, 5.0], &[3])], &rt);
}

// ------------------------------------------------------ random chains

#[derive(Clone, Debug)]
enum Step {
    Unary(&'static str),
    /// A reduction over axis 1 keeping dims ([2, 3] -> [2, 1]).
    Reduce(&'static str),
    /// Binary op with a previous value (index back) or a constant.
    Binary(&'static str, Operand),
}

#[derive(Clone, Debug)]
enum Operand {
    Prev(usize),
    Const(f64),
    Input(usize),
}

fn step(int: bool) -> impl Strategy<Value = Step> {
    let unary: Vec<&'static str> = if int {
        vec!["Neg", "Square", "Identity", "Abs"]
    } else {
        vec!["Neg", "Square", "Exp", "Tanh", "Identity", "Abs", "Sigmoid"]
    };
    let binary: Vec<&'static str> = if int {
        vec!["AddV2", "Sub", "Mul", "Maximum", "Minimum"]
    } else {
        vec!["AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum"]
    };
    let consts = if int {
        vec![0.0, 1.0, 2.0, -1.0, 3.0]
    } else {
        vec![0.0, -0.0, 1.0, 2.0, 0.5, 4.0, 3.0, -1.0]
    };
    let operand = prop_oneof![
        (0usize..4).prop_map(Operand::Prev),
        proptest::sample::select(consts).prop_map(Operand::Const),
        (0usize..2).prop_map(Operand::Input),
    ];
    prop_oneof![
        3 => proptest::sample::select(unary).prop_map(Step::Unary),
        1 => proptest::sample::select(vec!["Sum", "Max", "Min"]).prop_map(Step::Reduce),
        4 => (proptest::sample::select(binary), operand, any::<bool>()).prop_map(|(op, o, _)| Step::Binary(op, o)),
    ]
}

fn chain_graph(steps: &[Step], int: bool, swap: &[bool]) -> tfjit_graph::FuncGraph {
    let dt = if int { DType::Int32 } else { DType::Float32 };
    let mut b = GraphBuilder::new("chain");
    let x = b.add_placeholder("x", known(dt, &[2, 3]));
    let y = b.add_placeholder("y", known(dt, &[3]));
    let mut vals = vec![x];
    let inputs = [x, y];
    for (i, s) in steps.iter().enumerate() {
        let last = *vals.last().unwrap();
        let v = match s {
            Step::Unary(op) => op1(&mut b, "", op, &[last], attrs![]),
            Step::Reduce(op) => {
                let ax = b.add_const("axis", Tensor::scalar_i32(-1));
                op1(&mut b, "", op, &[last, ax], attrs![("keep_dims", Attr::Bool(true))])
            }
            Step::Binary(op, o) => {
                let other = match o {
                    Operand::Prev(k) => vals[vals.len().saturating_sub(1 + k)],
                    Operand::Const(c) => {
                        let t = if int { Tensor::scalar_i32(*c as i32) } else { Tensor::scalar_f32(*c as f32) };
                        b.add_const("Const", t)
                    }
                    Operand::Input(k) => inputs[*k],
                };
                let ins = if swap.get(i).copied().unwrap_or(false) { [other, last] } else { [last, other] };
                op1(&mut b, "", op, &ins, attrs![])
            }
        };
        vals.push(v);
    }
    // Return the last value and one intermediate (materialized output).
    let mid = vals[vals.len() / 2];
    b.finish(&[*vals.last().unwrap(), mid]).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_float_chains(steps in proptest::collection::vec(step(false), 1..12),
                           swap in proptest::collection::vec(any::<bool>(), 12),
                           xs in proptest::collection::vec(-3.0f32..3.0, 6),
                           ys in proptest::collection::vec(-3.0f32..3.0, 3)) {
        let g = chain_graph(&steps, false, &swap);
        let mut xs = xs;
        xs[0] = -0.0;
        check_same(&g, &[f32s(&xs, &[2, 3]), f32s(&ys, &[3])], &MemRuntime::default());
    }

    #[test]
    fn random_int_chains(steps in proptest::collection::vec(step(true), 1..12),
                         swap in proptest::collection::vec(any::<bool>(), 12),
                         xs in proptest::collection::vec(-5i32..5, 6),
                         ys in proptest::collection::vec(-5i32..5, 3)) {
        let g = chain_graph(&steps, true, &swap);
        check_same(&g, &[i32s(&xs, &[2, 3]), i32s(&ys, &[3])], &MemRuntime::default());
    }
}

#[test]
fn reduce_sum_of_product_fuses() {
    let mut b = GraphBuilder::new("dot");
    let x = b.add_placeholder("a", known(DType::Float32, &[3, 4]));
    let y = b.add_placeholder("b", known(DType::Float32, &[3, 4]));
    let m = op1(&mut b, "mul", "Mul", &[x, y], attrs![]);
    let ax = b.add_const("Sum/reduction_indices", tfjit_tensor::Tensor::vec_i32(vec![0, 1]));
    let s = op1(&mut b, "Sum", "Sum", &[m, ax], attrs![("keep_dims", Attr::Bool(false))]);
    let g = b.finish(&[s]).unwrap();
    let opt = check_same(&g, &[ramp(12, &[3, 4]), ramp(12, &[3, 4])], &MemRuntime::default());
    assert_eq!(types(&opt), ["Placeholder", "Placeholder", "FusedReduction", "Identity"]);
}

#[test]
fn signature_is_kept() {
    for g in [gelu_chain(8), softmax_reduce(2, 3), stateful_graph(), control_graph()] {
        let opt = tfjit_optimize::optimize(&g).unwrap();
        assert_eq!(opt.id(), g.id());
        assert_eq!(opt.name(), g.name());
        assert_eq!(opt.inputs(), g.inputs());
        assert_eq!(opt.captures().len(), g.captures().len());
        let types = |h: &tfjit_graph::FuncGraph| -> Vec<String> {
            h.outputs().iter().map(|&o| h.value_type(o).to_string()).collect()
        };
        assert_eq!(types(&opt), types(&g));
        assert_eq!(opt.control_outputs(), g.control_outputs());
        // Optimizing again changes nothing more.
        let again = tfjit_optimize::optimize(&opt).unwrap();
        assert_eq!(
            tfjit_graph::print_text::to_text(&again),
            tfjit_graph::print_text::to_text(&opt)
        );
    }
}
