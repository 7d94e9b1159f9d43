//! The gradient functions must also work when building a graph, where static
//! shapes may be partly or wholly unknown and only constants have known
//! values. A builder that hides static information (while still computing
//! eagerly underneath) must give the same gradients as the eager builder —
//! exercising the `Shape` / `BroadcastGradientArgs` / dynamic
//! `reduced_shape` paths.

use std::collections::HashSet;
use tfjit_tensor::grad::{apply, gradient_of_op, EagerGradBuilder, GradBuilder, GradCall, Handle};
use tfjit_tensor::op::{lookup, run, Attr, Attrs};
use tfjit_tensor::{attrs, Data, StaticShape, Tensor, TensorType, TfErrorKind, TfResult};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Hide {
    /// Ranks known, every dim unknown; integer inputs are constants.
    Dims,
    /// Ranks unknown; integer inputs are constants.
    Rank,
    /// Ranks known, dims unknown, and integer inputs not constant either.
    Values,
}

struct Hidden {
    inner: EagerGradBuilder,
    consts: HashSet<u32>,
    hide: Hide,
}

impl GradBuilder for Hidden {
    fn op(&mut self, name: &str, inputs: &[Handle], attrs: Attrs) -> TfResult<Vec<Handle>> {
        self.inner.op(name, inputs, attrs)
    }
    fn constant(&mut self, t: Tensor) -> Handle {
        let h = self.inner.constant(t);
        self.consts.insert(h.0);
        h
    }
    fn ty(&self, h: Handle) -> TensorType {
        let t = self.inner.ty(h);
        if self.consts.contains(&h.0) {
            return t;
        }
        let shape = match (self.hide, t.shape.rank()) {
            (Hide::Rank, _) | (_, None) => StaticShape::unknown_rank(),
            (_, Some(r)) => StaticShape::partial(vec![None; r]),
        };
        TensorType::new(t.dtype, shape)
    }
    fn value(&self, h: Handle) -> Option<Tensor> {
        if self.consts.contains(&h.0) {
            self.inner.value(h)
        } else {
            None
        }
    }
}

fn f64s(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::new(shape.to_vec(), Data::F64((0..n).map(|i| ((i * 7 + 3) % 11) as f64 / 4.0 - 1.2).collect())).unwrap()
}
fn pos(shape: &[usize]) -> Tensor {
    let n: usize = shape.iter().product();
    Tensor::new(shape.to_vec(), Data::F64((0..n).map(|i| 0.5 + ((i * 5 + 1) % 7) as f64 / 4.0).collect())).unwrap()
}
fn iv(v: &[i32]) -> Tensor {
    Tensor::vec_i32(v.to_vec())
}

fn cases() -> Vec<(&'static str, Attrs, Vec<Tensor>)> {
    let keep = |k| attrs![("keep_dims", Attr::Bool(k))];
    let masks = attrs![
        ("begin_mask", Attr::Int(1)),
        ("end_mask", Attr::Int(0)),
        ("ellipsis_mask", Attr::Int(0)),
        ("new_axis_mask", Attr::Int(0)),
        ("shrink_axis_mask", Attr::Int(2))
    ];
    vec![
        ("AddV2", attrs![], vec![f64s(&[2, 3]), f64s(&[3])]),
        ("Sub", attrs![], vec![f64s(&[2, 1]), f64s(&[1, 3])]),
        ("Mul", attrs![], vec![f64s(&[]), f64s(&[2, 3])]),
        ("RealDiv", attrs![], vec![f64s(&[2, 3]), pos(&[2, 1])]),
        ("Pow", attrs![], vec![pos(&[2, 3]), f64s(&[3])]),
        ("Maximum", attrs![], vec![f64s(&[2, 3]), pos(&[3])]),
        ("SquaredDifference", attrs![], vec![f64s(&[3, 1]), f64s(&[2, 1, 4])]),
        (
            "SelectV2",
            attrs![],
            vec![Tensor::new(vec![3], Data::Bool(vec![true, false, true])).unwrap(), f64s(&[2, 3]), f64s(&[1])],
        ),
        ("ClipByValue", attrs![], vec![f64s(&[2, 3]), Tensor::scalar_f64(-0.3), Tensor::scalar_f64(0.4)]),
        ("Sum", keep(false), vec![f64s(&[2, 3, 4]), iv(&[0, 2])]),
        ("Sum", keep(true), vec![f64s(&[2, 3]), Tensor::scalar_i32(-1)]),
        ("Mean", keep(false), vec![f64s(&[2, 3, 4]), iv(&[1])]),
        ("Max", keep(false), vec![f64s(&[3, 4]), iv(&[1])]),
        ("Min", keep(true), vec![f64s(&[3, 4]), iv(&[0])]),
        ("Prod", keep(false), vec![pos(&[2, 3]), iv(&[1])]),
        (
            "Cumsum",
            attrs![("exclusive", Attr::Bool(false)), ("reverse", Attr::Bool(true))],
            vec![f64s(&[2, 3]), Tensor::scalar_i32(1)],
        ),
        (
            "MatMul",
            attrs![("transpose_a", Attr::Bool(true)), ("transpose_b", Attr::Bool(false))],
            vec![f64s(&[3, 2]), f64s(&[3, 4])],
        ),
        (
            "BatchMatMulV2",
            attrs![("adj_x", Attr::Bool(false)), ("adj_y", Attr::Bool(true))],
            vec![f64s(&[2, 1, 2, 3]), f64s(&[3, 4, 3])],
        ),
        (
            "Einsum",
            attrs![("equation", Attr::Str("ij,jk->ik".into())), ("N", Attr::Int(2))],
            vec![f64s(&[2, 3]), f64s(&[3, 2])],
        ),
        ("Softmax", attrs![], vec![f64s(&[2, 3])]),
        ("LogSoftmax", attrs![], vec![f64s(&[2, 3])]),
        ("Relu", attrs![], vec![f64s(&[2, 3])]),
        ("Sigmoid", attrs![], vec![f64s(&[2, 3])]),
        ("Reshape", attrs![], vec![f64s(&[2, 3]), iv(&[3, 2])]),
        ("ExpandDims", attrs![], vec![f64s(&[2, 3]), Tensor::scalar_i32(1)]),
        ("Squeeze", attrs![], vec![f64s(&[2, 1, 3])]),
        ("Transpose", attrs![], vec![f64s(&[2, 3, 4]), iv(&[2, 0, 1])]),
        ("Tile", attrs![], vec![f64s(&[2, 3]), iv(&[2, 1])]),
        ("BroadcastTo", attrs![], vec![f64s(&[3, 1]), iv(&[2, 3, 4])]),
        ("ConcatV2", attrs![("N", Attr::Int(2))], vec![f64s(&[2, 3]), f64s(&[2, 2]), Tensor::scalar_i32(-1)]),
        ("Pack", attrs![("N", Attr::Int(2)), ("axis", Attr::Int(1))], vec![f64s(&[2, 3]), f64s(&[2, 3])]),
        ("Unpack", attrs![("num", Attr::Int(3)), ("axis", Attr::Int(1))], vec![f64s(&[2, 3])]),
        ("SplitV", attrs![("num_split", Attr::Int(2))], vec![f64s(&[2, 5]), iv(&[2, 3]), Tensor::scalar_i32(1)]),
        ("StridedSlice", masks, vec![f64s(&[4, 5]), iv(&[1, 2]), iv(&[3, 3]), iv(&[1, 1])]),
        ("GatherV2", attrs![("batch_dims", Attr::Int(0))], vec![f64s(&[3, 4]), iv(&[2, 0, 2]), Tensor::scalar_i32(1)]),
        ("Fill", attrs![], vec![iv(&[2, 3]), Tensor::scalar_f64(1.5)]),
        (
            "MatrixSolve",
            attrs![("adjoint", Attr::Bool(false))],
            vec![Tensor::new(vec![2, 2], Data::F64(vec![3.0, 0.5, -0.2, 2.0])).unwrap(), f64s(&[2, 3])],
        ),
    ]
}

/// Gradients whose graph form needs statically known ranks or axis values.
fn may_need_static(op: &str, hide: Hide) -> bool {
    match hide {
        Hide::Dims => false,
        Hide::Rank => matches!(op, "Prod" | "ConcatV2" | "GatherV2" | "Einsum"),
        Hide::Values => matches!(op, "Prod" | "ConcatV2" | "GatherV2"),
    }
}

#[test]
fn symbolic_gradients_match_eager() {
    for (op, at, inputs) in cases() {
        let def = lookup(op).unwrap();
        let refs: Vec<&Tensor> = inputs.iter().collect();
        let outs = run(op, &refs, &at).unwrap();
        let ws: Vec<Option<Tensor>> = outs.iter().map(|o| Some(f64s(o.shape()))).collect();
        let eager = gradient_of_op(def, &at, &inputs, &outs, &ws).unwrap_or_else(|e| panic!("{op}: {e}"));
        for hide in [Hide::Dims, Hide::Rank, Hide::Values] {
            let mut b = Hidden { inner: EagerGradBuilder::new(), consts: HashSet::new(), hide };
            let ins: Vec<Handle> = inputs
                .iter()
                .map(|t| {
                    if t.dtype().is_int() && hide != Hide::Values {
                        b.constant(t.clone())
                    } else {
                        b.inner.push(t.clone())
                    }
                })
                .collect();
            let os: Vec<Handle> = outs.iter().map(|t| b.inner.push(t.clone())).collect();
            let gs: Vec<Option<Handle>> = ws.iter().map(|w| w.as_ref().map(|t| b.inner.push(t.clone()))).collect();
            let call = GradCall { op: def, attrs: &at, inputs: &ins, outputs: &os, grads: &gs };
            let res = match apply(&mut b, &call) {
                Ok(r) => r,
                Err(e) if e.kind == TfErrorKind::NotImplemented && may_need_static(op, hide) => {
                    eprintln!("{op} ({hide:?}): {}", e.message);
                    continue;
                }
                Err(e) => panic!("{op} ({hide:?}): {e}"),
            };
            assert_eq!(res.len(), eager.len());
            for (i, (s, e)) in res.iter().zip(&eager).enumerate() {
                match (s, e) {
                    (None, None) => {}
                    (Some(s), Some(e)) => {
                        let s = b.inner.get(*s).unwrap();
                        assert_eq!(s.shape(), e.shape(), "{op} ({hide:?}): grad {i} shape");
                        for j in 0..e.num_elements() {
                            assert!((s.get_f64(j) - e.get_f64(j)).abs() <= 1e-12, "{op} ({hide:?}): grad {i}[{j}]");
                        }
                    }
                    _ => panic!("{op} ({hide:?}): grad {i} presence differs"),
                }
            }
        }
    }
}
