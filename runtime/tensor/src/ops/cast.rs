//! `Cast(x; SrcT, DstT, Truncate)`: dtype conversion with TF's C++ semantics
//! (float→int truncates toward zero; NaN and out-of-range give the minimum
//! integer, as x86's conversion does; int narrowing wraps; →bool is `!= 0`).

use crate::dtype::DType;
use crate::error::TfResult;
use crate::op::{Attrs, AttrsExt, InputInfo, OpClass, OpDef};
use crate::shape::TensorType;
use crate::tensor::{Data, Tensor};

use super::common::{arity, input, tin};
use super::elem::Elem;

fn f_to_i32(x: f64) -> i32 {
    if x.is_nan() || !(-2147483648.0..2147483648.0).contains(&x) {
        i32::MIN
    } else {
        x as i32
    }
}

fn f_to_i64(x: f64) -> i64 {
    if x.is_nan() || !(-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Converts a typed buffer to `dst`.
fn convert<T: Elem>(v: &[T], dst: DType, to_f32: fn(T) -> f32, to_i64: fn(T) -> i64, is_float: bool) -> Data {
    match dst {
        DType::Float32 => Data::F32(v.iter().map(|&x| to_f32(x)).collect()),
        DType::Float64 => Data::F64(v.iter().map(|&x| x.to_f64()).collect()),
        DType::Int32 => Data::I32(
            v.iter().map(|&x| if is_float { f_to_i32(x.to_f64()) } else { to_i64(x) as i32 }).collect(),
        ),
        DType::Int64 => {
            Data::I64(v.iter().map(|&x| if is_float { f_to_i64(x.to_f64()) } else { to_i64(x) }).collect())
        }
        DType::Bool => Data::Bool(v.iter().map(|&x| x != T::default()).collect()),
    }
}

/// Casts `t` to `dst` (shared by other ops, e.g. Mean's helpers).
pub fn cast_tensor(t: &Tensor, dst: DType) -> TfResult<Tensor> {
    if t.dtype() == dst {
        return Ok(t.clone());
    }
    let data = match t.data() {
        Data::F32(v) => convert(v, dst, |x| x, |x| x as i64, true),
        Data::F64(v) => convert(v, dst, |x| x as f32, |x| x as i64, true),
        Data::I32(v) => convert(v, dst, |x| x as f32, |x| x as i64, false),
        Data::I64(v) => convert(v, dst, |x| x as f32, |x| x, false),
        Data::Bool(v) => convert(v, dst, |x| x as u8 as f32, |x| x as i64, false),
    };
    Tensor::new(t.shape().to_vec(), data)
}

fn infer(inputs: &[InputInfo], attrs: &Attrs) -> TfResult<Vec<TensorType>> {
    arity("Cast", inputs.len(), 1)?;
    let dst = attrs.get_type("DstT")?;
    Ok(vec![TensorType::new(dst, input("Cast", inputs, 0)?.ty.shape.clone())])
}

fn kernel(inputs: &[&Tensor], attrs: &Attrs) -> TfResult<Vec<Tensor>> {
    let x = tin("Cast", inputs, 0)?;
    Ok(vec![cast_tensor(x, attrs.get_type("DstT")?)?])
}

/// `Cast`.
pub static CAST: OpDef = OpDef { name: "Cast", class: OpClass::Elementwise, infer, kernel, grad: Some(crate::grad::math::cast_grad) };


#[cfg(test)]
mod tests {
    use super::*;
    use crate::attrs;
    use crate::op::{run1, Attr};

    #[test]
    fn cast_like_tf() {
        // TF: Cast([1.7,-1.7,3e9,nan], int32) = [1,-1,-2147483648,-2147483648]
        let x = Tensor::new(vec![4], Data::F32(vec![1.7, -1.7, 3e9, f32::NAN])).unwrap();
        let r = run1("Cast", &[&x], &attrs![("DstT", Attr::Type(DType::Int32))]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![1, -1, i32::MIN, i32::MIN]));
        let b = run1("Cast", &[&x], &attrs![("DstT", Attr::Type(DType::Bool))]).unwrap();
        assert_eq!(b.data(), &Data::Bool(vec![true, true, true, true]));
        let i = Tensor::vec_i64(vec![1 << 33, 3]);
        let r = run1("Cast", &[&i], &attrs![("DstT", Attr::Type(DType::Int32))]).unwrap();
        assert_eq!(r.data(), &Data::I32(vec![0, 3]));
    }
}
