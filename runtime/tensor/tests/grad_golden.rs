//! Cross-checks gradients against TensorFlow 2.21: `grad_golden.txt` holds
//! float32 gradients of single ops computed by `tf.GradientTape`
//! (regenerate with `grad_golden_gen.py`). Each must match tfjit's
//! `gradient_of_op` — bit for bit where TF's formula is reproduced exactly,
//! and within float32 rounding otherwise.

use tfjit_tensor::grad::gradient_of_op;
use tfjit_tensor::op::{lookup, run, Attr, Attrs};
use tfjit_tensor::{DType, Data, Tensor};

struct Case {
    /// `false` for a forward check of a gradient building-block op.
    is_grad: bool,
    outs: Vec<Tensor>,
    name: String,
    op: String,
    attrs: Attrs,
    inputs: Vec<Tensor>,
    w: Tensor,
    grads: Vec<Option<Tensor>>,
}

fn dims(s: &str) -> Vec<usize> {
    let s = s.trim_start_matches('[').trim_end_matches(']');
    if s.is_empty() {
        vec![]
    } else {
        s.split(',').map(|d| d.parse().unwrap()).collect()
    }
}

fn tensor(dtype: &str, shape: Vec<usize>, vals: &[&str]) -> Tensor {
    let data = match dtype {
        "f32" => Data::F32(vals.iter().map(|v| v.parse::<f64>().unwrap() as f32).collect()),
        "f64" => Data::F64(vals.iter().map(|v| v.parse().unwrap()).collect()),
        "i32" => Data::I32(vals.iter().map(|v| v.parse().unwrap()).collect()),
        "bool" => Data::Bool(vals.iter().map(|v| *v == "1").collect()),
        other => panic!("dtype {other}"),
    };
    Tensor::new(shape, data).unwrap()
}

fn parse() -> Vec<Case> {
    let text = include_str!("grad_golden.txt");
    let mut cases = Vec::new();
    let mut cur: Option<Case> = None;
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        match parts.first().copied() {
            Some(kind @ ("case" | "fwd")) => {
                cur = Some(Case {
                    is_grad: kind == "case",
                    outs: vec![],
                    name: format!("case {} {}", parts[1], parts[2]),
                    op: parts[2].to_string(),
                    attrs: Attrs::new(),
                    inputs: vec![],
                    w: Tensor::scalar_f32(0.0),
                    grads: vec![],
                })
            }
            Some("attr") => {
                let c = cur.as_mut().unwrap();
                let key: &'static str = Box::leak(parts[1].to_string().into_boxed_str());
                let v = match parts[2] {
                    "b" => Attr::Bool(parts[3] == "1"),
                    "i" => Attr::Int(parts[3].parse().unwrap()),
                    "s" => Attr::Str(parts[3].to_string()),
                    "t" => Attr::Type(DType::from_name(parts[3]).unwrap()),
                    other => panic!("attr kind {other}"),
                };
                c.attrs.insert(key, v);
            }
            Some("in") => {
                let c = cur.as_mut().unwrap();
                c.inputs.push(tensor(parts[1], dims(parts[2]), &parts[3..]));
            }
            Some("w") => {
                let c = cur.as_mut().unwrap();
                let dt = c.inputs.iter().find(|t| t.dtype().is_float()).map_or(DType::Float32, |t| t.dtype());
                let dt = if c.op == "Cast" { DType::Float64 } else { dt };
                c.w = tensor(if dt == DType::Float64 { "f64" } else { "f32" }, dims(parts[1]), &parts[2..]);
            }
            Some("grad") => {
                let c = cur.as_mut().unwrap();
                let i: usize = parts[1].parse().unwrap();
                let g = if parts[2] == "none" {
                    None
                } else {
                    let dt = if c.inputs[i].dtype() == DType::Float64 { "f64" } else { "f32" };
                    Some(tensor(dt, dims(parts[2]), &parts[3..]))
                };
                c.grads.push(g);
            }
            Some("out") => {
                let c = cur.as_mut().unwrap();
                c.outs.push(tensor(parts[1], dims(parts[2]), &parts[3..]));
            }
            Some("end") => cases.push(cur.take().unwrap()),
            _ => {}
        }
    }
    cases
}

#[test]
fn gradients_match_tensorflow() {
    let cases = parse();
    assert!(cases.len() > 60);
    let (mut exact, mut total) = (0usize, 0usize);
    let mut failures = Vec::new();
    for c in cases.iter().filter(|c| c.is_grad) {
        let def = lookup(&c.op).unwrap_or_else(|| panic!("{}: unknown op", c.name));
        let refs: Vec<&Tensor> = c.inputs.iter().collect();
        let outs = run(&c.op, &refs, &c.attrs).unwrap_or_else(|e| panic!("{}: forward: {e}", c.name));
        let got = gradient_of_op(def, &c.attrs, &c.inputs, &outs, &[Some(c.w.clone())])
            .unwrap_or_else(|e| panic!("{}: gradient: {e}", c.name));
        for (i, want) in c.grads.iter().enumerate() {
            match (want, &got[i]) {
                (None, None) => {}
                (Some(w), Some(g)) => {
                    assert_eq!(w.shape(), g.shape(), "{}: grad {i} shape", c.name);
                    for j in 0..w.num_elements() {
                        total += 1;
                        let (a, b) = (w.get_f64(j), g.get_f64(j));
                        if a.to_bits() == b.to_bits() {
                            exact += 1;
                        } else if std::env::var("GRAD_GOLDEN_VERBOSE").is_ok() {
                            eprintln!("inexact {}: grad {i}[{j}]: TF {a:e} vs tfjit {b:e}", c.name);
                        } else if (a - b).abs() > 2e-6 * (1.0 + a.abs()) {
                            failures.push(format!("{}: grad {i}[{j}]: TF {a} vs tfjit {b}", c.name));
                        }
                    }
                }
                (w, g) => {
                    failures.push(format!("{}: grad {i}: TF {:?} vs tfjit {:?}", c.name, w.is_some(), g.is_some()))
                }
            }
        }
    }
    eprintln!("gradient goldens: {exact}/{total} elements bit-identical to TF");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gradient_ops_match_tensorflow_bit_for_bit() {
    let cases: Vec<Case> = parse().into_iter().filter(|c| !c.is_grad).collect();
    assert!(cases.len() >= 18);
    for c in &cases {
        let refs: Vec<&Tensor> = c.inputs.iter().collect();
        let outs = run(&c.op, &refs, &c.attrs).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(outs.len(), c.outs.len(), "{}", c.name);
        for (k, (got, want)) in outs.iter().zip(&c.outs).enumerate() {
            assert_eq!(got.shape(), want.shape(), "{}: output {k} shape", c.name);
            assert_eq!(got.dtype(), want.dtype(), "{}: output {k} dtype", c.name);
            for j in 0..got.num_elements() {
                assert_eq!(
                    got.get_f64(j).to_bits(),
                    want.get_f64(j).to_bits(),
                    "{}: output {k}[{j}]: {} vs TF {}",
                    c.name,
                    got.get_f64(j),
                    want.get_f64(j)
                );
            }
        }
    }
}
