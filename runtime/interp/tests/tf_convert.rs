//! Python value → tensor conversion rules (TF's dtype inference and errors).

use tfjit_interp::tf::convert::{convert, matching, Mode};
use tfjit_interp::tf::slicing::SliceSpec;
use tfjit_interp::Value;
use tfjit_tensor::{Data, DType};

fn ok<T>(r: Result<T, tfjit_interp::Exc>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected exception: {}", msg(&e)),
    }
}

fn err<T>(r: Result<T, tfjit_interp::Exc>) -> tfjit_interp::Exc {
    match r {
        Ok(_) => panic!("expected an exception"),
        Err(e) => e,
    }
}

fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

fn msg(e: &tfjit_interp::Exc) -> String {
    match &e.value {
        Value::Instance(i) => match i.dict.borrow().get("args") {
            Some(Value::Tuple(t)) => match t.first() {
                Some(Value::Str(s)) => s.to_string(),
                _ => String::new(),
            },
            _ => String::new(),
        },
        _ => String::new(),
    }
}

#[test]
fn scalars_infer_tf_default_dtypes() {
    assert_eq!(ok(convert(&Value::Int(3), None, Mode::Convert)).dtype(), DType::Int32);
    assert_eq!(ok(convert(&Value::Float(2.5), None, Mode::Convert)).dtype(), DType::Float32);
    assert_eq!(ok(convert(&Value::Bool(true), None, Mode::Convert)).dtype(), DType::Bool);
    assert_eq!(ok(convert(&Value::Int(1 << 40), None, Mode::Convert)).dtype(), DType::Int64);
}

#[test]
fn nested_lists_have_shape_and_mixed_numbers_are_float32() {
    let v = list(vec![list(vec![Value::Int(1), Value::Float(2.5)]), list(vec![Value::Int(3), Value::Int(4)])]);
    let t = ok(convert(&v, None, Mode::Convert));
    assert_eq!(t.shape(), &[2, 2]);
    assert_eq!(t.dtype(), DType::Float32);
    assert_eq!(t.data(), &Data::F32(vec![1.0, 2.5, 3.0, 4.0]));
    let b = list(vec![Value::Int(1), Value::Bool(true)]);
    assert_eq!(ok(convert(&b, None, Mode::Convert)).dtype(), DType::Int32);
}

#[test]
fn empty_lists_are_float32() {
    let t = ok(convert(&list(vec![]), None, Mode::Convert));
    assert_eq!((t.shape(), t.dtype()), (&[0usize][..], DType::Float32));
    let t = ok(convert(&list(vec![list(vec![]), list(vec![])]), None, Mode::Convert));
    assert_eq!(t.shape(), &[2, 0]);
}

#[test]
fn ragged_input_is_a_value_error() {
    let v = list(vec![list(vec![Value::Int(1)]), list(vec![Value::Int(2), Value::Int(3)])]);
    let e = err(convert(&v, None, Mode::Convert));
    assert!(e.is("ValueError"));
    assert_eq!(msg(&e), "Can't convert non-rectangular Python sequence to Tensor.");
    let v = list(vec![Value::Int(1), list(vec![Value::Int(2)])]);
    assert!(err(convert(&v, None, Mode::Convert)).is("ValueError"));
}

#[test]
fn explicit_dtype_rules() {
    let t = ok(convert(&Value::Int(7), Some(DType::Float32), Mode::Constant));
    assert_eq!(t.data(), &Data::F32(vec![7.0]));
    let t = ok(convert(&Value::Bool(true), Some(DType::Int32), Mode::Constant));
    assert_eq!(t.data(), &Data::I32(vec![1]));
    let e = err(convert(&Value::Float(1.5), Some(DType::Int32), Mode::Constant));
    assert!(e.is("TypeError"));
    assert_eq!(msg(&e), "Cannot convert 1.5 to EagerTensor of dtype int32");
    let e = err(convert(&list(vec![Value::Float(1.5), Value::Int(2)]), Some(DType::Int32), Mode::Constant));
    assert_eq!(msg(&e), "Cannot convert [1.5, 2] to EagerTensor of dtype int32");
    let e = err(convert(&Value::Int(1), Some(DType::Bool), Mode::Constant));
    assert_eq!(msg(&e), "Cannot convert 1 to EagerTensor of dtype bool");
}

#[test]
fn none_and_out_of_range() {
    let e = err(convert(&Value::None, None, Mode::Convert));
    assert_eq!(msg(&e), "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to a Tensor.");
    let e = err(convert(&list(vec![Value::Float(1.0), Value::None]), None, Mode::Convert));
    assert_eq!(msg(&e), "Can't convert Python sequence with mixed types to Tensor.");
    assert!(err(convert(&Value::Float(1e40), None, Mode::Convert)).is("ValueError"));
}

#[test]
fn matching_takes_the_first_values_dtype() {
    let ts = ok(matching(&[&Value::Float(1.5), &Value::Int(2)]));
    assert_eq!((ts[0].dtype(), ts[1].dtype()), (DType::Float32, DType::Float32));
    let e = err(matching(&[&Value::Int(1), &Value::Float(2.5)]));
    assert!(e.is("TypeError"));
}

#[test]
fn slice_spec_default_is_empty() {
    assert_eq!(SliceSpec::default().begin.len(), 0);
}
