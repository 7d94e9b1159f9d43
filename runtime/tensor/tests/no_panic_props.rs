//! Every registered op, fed random small inputs and attrs, returns Ok or a
//! TfError — never panics.

use proptest::prelude::*;
use tfjit_tensor::op::{lookup, run, Attr, Attrs};
use tfjit_tensor::{ops, Data, DType, Tensor};

fn tensor() -> impl Strategy<Value = Tensor> {
    (prop::collection::vec(0usize..=3, 0..=3), 0u8..5, -4i64..6).prop_map(|(shape, kind, base)| {
        let n: usize = shape.iter().product();
        let ints: Vec<i64> = (0..n as i64).map(|i| (i * 3 + base) % 7 - 2).collect();
        let data = match kind {
            0 => Data::F32(ints.iter().map(|&v| v as f32 * 0.5).collect()),
            1 => Data::F64(ints.iter().map(|&v| v as f64 * 0.5).collect()),
            2 => Data::I32(ints.iter().map(|&v| v as i32).collect()),
            3 => Data::I64(ints.clone()),
            _ => Data::Bool(ints.iter().map(|&v| v > 0).collect()),
        };
        Tensor::new(shape, data).unwrap()
    })
}

fn attrs() -> impl Strategy<Value = Attrs> {
    (-3i64..4, any::<bool>(), any::<bool>(), 0i64..8, 0i64..8, 0u8..5, 0usize..6).prop_map(
        |(i, b1, b2, m1, m2, dt, eq)| {
            let d = [DType::Float32, DType::Float64, DType::Int32, DType::Int64, DType::Bool][dt as usize];
            let eqs = ["ij,jk->ik", "ij->ji", "i,j->ij", "...j,jk->...k", "ii->i", "ab"];
            let mut a = Attrs::new();
            for k in ["axis", "num", "num_split", "batch_dims"] {
                a.insert(k, Attr::Int(i));
            }
            for k in ["keep_dims", "transpose_a", "adj_x", "exclusive"] {
                a.insert(k, Attr::Bool(b1));
            }
            for k in ["transpose_b", "adj_y", "reverse"] {
                a.insert(k, Attr::Bool(b2));
            }
            for k in ["begin_mask", "ellipsis_mask", "shrink_axis_mask"] {
                a.insert(k, Attr::Int(m1));
            }
            for k in ["end_mask", "new_axis_mask"] {
                a.insert(k, Attr::Int(m2));
            }
            a.insert("squeeze_dims", Attr::Ints(vec![i]));
            for k in ["DstT", "out_type", "output_type"] {
                a.insert(k, Attr::Type(d));
            }
            a.insert("equation", Attr::Str(eqs[eq].to_string()));
            a
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 5000, ..ProptestConfig::default() })]
    #[test]
    fn ops_never_panic(op in 0usize..1000, inputs in prop::collection::vec(tensor(), 0..=4), a in attrs()) {
        let def = ops::ALL[op % ops::ALL.len()];
        prop_assert!(lookup(def.name).is_some());
        let refs: Vec<&Tensor> = inputs.iter().collect();
        let _ = run(def.name, &refs, &a);
    }
}
