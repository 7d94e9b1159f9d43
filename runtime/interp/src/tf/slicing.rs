//! Python indexing of tensors (`x[1:, ::2, tf.newaxis, ..., -1]`) as TF's
//! `_slice_helper` does it: one `StridedSlice` op with mask attributes.

use crate::exc::{Exc, PyResult};
use crate::interp::Interp;
use crate::tf::convert::tensor_of;
use crate::tf::trace::TV;
use crate::value::Value;
use tfjit_tensor::{attrs, Attr, DType, Tensor};

/// The begin/end/strides vectors and masks of one indexing expression.
#[derive(Debug, Default, PartialEq)]
pub struct SliceSpec {
    pub begin: Vec<i64>,
    pub end: Vec<i64>,
    pub strides: Vec<i64>,
    pub begin_mask: i64,
    pub end_mask: i64,
    pub ellipsis_mask: i64,
    pub new_axis_mask: i64,
    pub shrink_axis_mask: i64,
    /// Whether any index was an int64 tensor (then the index tensors are int64).
    pub int64: bool,
}

fn bad_index(v: &Value, interp: &mut Interp) -> Exc {
    let r = interp.repr(v).unwrap_or_else(|_| v.type_name());
    Exc::type_error(format!(
        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices, got {r}"
    ))
}

thread_local! {
    /// Symbolic index components of the spec being built: (position in
    /// begin/end/strides, which of the three, the scalar tensor).
    static SYM_PARTS: std::cell::RefCell<Vec<(usize, usize, TV)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An index component: a Python int or a scalar integer tensor. A symbolic
/// scalar is recorded (slot `which` of component `pos`) and stands as 0.
fn index_value(v: &Value, spec: &mut SliceSpec, interp: &mut Interp, pos: usize, which: usize) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => match tensor_of(v) {
            Some(t) if t.rank() == 0 && t.dtype().is_int() => {
                if t.dtype() == DType::Int64 {
                    spec.int64 = true;
                }
                Ok(t.get_i64(0))
            }
            Some(_) => Err(bad_index(v, interp)),
            None => match crate::tf::convert::tv_of(v)? {
                Some(t) if t.rank() == Some(0) && t.dtype().is_int() => {
                    if t.dtype() == DType::Int64 {
                        spec.int64 = true;
                    }
                    SYM_PARTS.with(|p| p.borrow_mut().push((pos, which, t)));
                    Ok(0)
                }
                _ => Err(bad_index(v, interp)),
            },
        },
    }
}

/// Build the `StridedSlice` arguments for `key`.
pub fn slice_spec(key: &Value, interp: &mut Interp) -> PyResult<SliceSpec> {
    let items: Vec<Value> = match key {
        Value::Tuple(t) => t.to_vec(),
        k => vec![k.clone()],
    };
    let mut s = SliceSpec::default();
    for (i, item) in items.iter().enumerate() {
        let bit = 1i64 << i;
        match item {
            Value::Slice(sl) => {
                let [a, b, c] = &**sl;
                match a {
                    Value::None => {
                        s.begin.push(0);
                        s.begin_mask |= bit;
                    }
                    v => {
                        let x = index_value(v, &mut s, interp, i, 0)?;
                        s.begin.push(x);
                    }
                }
                match b {
                    Value::None => {
                        s.end.push(0);
                        s.end_mask |= bit;
                    }
                    v => {
                        let x = index_value(v, &mut s, interp, i, 1)?;
                        s.end.push(x);
                    }
                }
                match c {
                    Value::None => s.strides.push(1),
                    v => {
                        let x = index_value(v, &mut s, interp, i, 2)?;
                        s.strides.push(x);
                    }
                }
            }
            Value::Ellipsis => {
                s.begin.push(0);
                s.end.push(0);
                s.strides.push(1);
                s.ellipsis_mask |= bit;
            }
            Value::None => {
                s.begin.push(0);
                s.end.push(0);
                s.strides.push(1);
                s.new_axis_mask |= bit;
            }
            v => {
                let x = index_value(v, &mut s, interp, i, 3)?;
                s.begin.push(x);
                // TF computes `end = begin + 1`; -1 + 1 = 0 works with shrink.
                s.end.push(x + 1);
                s.strides.push(1);
                s.shrink_axis_mask |= bit;
            }
        }
    }
    Ok(s)
}

/// `t[key]` via `StridedSlice`. Symbolic scalar indices make the begin/end/
/// strides vectors `Pack`s (TF's `_slice_helper` stacks them too).
pub fn slice_tensor(t: &TV, key: &Value, interp: &mut Interp) -> PyResult<TV> {
    SYM_PARTS.with(|p| p.borrow_mut().clear());
    let spec = slice_spec(key, interp);
    let parts = SYM_PARTS.with(|p| std::mem::take(&mut *p.borrow_mut()));
    let mut s = spec?;
    if s.begin.iter().chain(&s.end).chain(&s.strides).any(|&x| i32::try_from(x).is_err()) {
        s.int64 = true;
    }
    if s.ellipsis_mask.count_ones() > 1 {
        return Err(crate::exc::Exc::new("InvalidArgumentError", "Multiple ellipses in slice spec not allowed"));
    }
    let index = if s.int64 { DType::Int64 } else { DType::Int32 };
    let mk = |v: &[i64]| {
        if s.int64 {
            Tensor::vec_i64(v.to_vec())
        } else {
            Tensor::vec_i32(v.iter().map(|&x| x as i32).collect())
        }
    };
    let (b, e, st) = if parts.is_empty() {
        (TV::E(mk(&s.begin)), TV::E(mk(&s.end)), TV::E(mk(&s.strides)))
    } else {
        let scalar = |x: i64| TV::E(if s.int64 { Tensor::scalar_i64(x) } else { Tensor::scalar_i32(x as i32) });
        let cast = |t: &TV| crate::tf::tensor::cast(t, index);
        let mut cols: [Vec<TV>; 3] = [
            s.begin.iter().map(|&x| scalar(x)).collect(),
            s.end.iter().map(|&x| scalar(x)).collect(),
            s.strides.iter().map(|&x| scalar(x)).collect(),
        ];
        for (pos, which, t) in &parts {
            let t = cast(t)?;
            if *which == 3 {
                // A plain index: begin = i, end = i + 1.
                let one = scalar(1);
                let end = crate::tf::trace::op1_named("add", "AddV2", &[&t, &one], attrs![("T", Attr::Type(index))])?;
                cols[0][*pos] = t;
                cols[1][*pos] = end;
            } else {
                cols[*which][*pos] = t;
            }
        }
        let pack = |v: &Vec<TV>, hint: &str| -> PyResult<TV> {
            // All Python ints: a constant, as TF's `stack` makes it.
            if v.iter().all(|x| !x.is_symbolic()) {
                let vals: Vec<i64> = v.iter().filter_map(|x| x.eager().map(|t| t.get_i64(0))).collect();
                return crate::tf::trace::constant(hint, mk(&vals));
            }
            let refs: Vec<&TV> = v.iter().collect();
            crate::tf::trace::op1_named(
                hint,
                "Pack",
                &refs,
                attrs![("T", Attr::Type(index)), ("N", Attr::Int(v.len() as i64)), ("axis", Attr::Int(0))],
            )
        };
        (pack(&cols[0], "strided_slice/stack")?, pack(&cols[1], "strided_slice/stack_1")?, pack(&cols[2], "strided_slice/stack_2")?)
    };
    crate::tf::trace::op1_named(
        "strided_slice",
        "StridedSlice",
        &[t, &b, &e, &st],
        attrs![
            ("T", Attr::Type(t.dtype())),
            ("Index", Attr::Type(index)),
            ("begin_mask", Attr::Int(s.begin_mask)),
            ("end_mask", Attr::Int(s.end_mask)),
            ("ellipsis_mask", Attr::Int(s.ellipsis_mask)),
            ("new_axis_mask", Attr::Int(s.new_axis_mask)),
            ("shrink_axis_mask", Attr::Int(s.shrink_axis_mask)),
        ],
    )
}
