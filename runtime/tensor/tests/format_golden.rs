//! Printing goldens generated from real NumPy 2.4 / TensorFlow 2.21 by
//! `format_golden_gen.py` (see its docstring for the record format).

use tfjit_tensor::format::{self, pyfloat};
use tfjit_tensor::{Data, Tensor};

/// One record: its header, input lines and expected outputs.
struct Record {
    header: String,
    inputs: Vec<(String, String)>,
    expected: Vec<(String, String)>,
}

fn parse(text: &str) -> Vec<Record> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut cur: Option<Record> = None;
    while let Some(nl) = rest.find('\n') {
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        if let Some(h) = line.strip_prefix('#') {
            if let Some(r) = cur.take() {
                out.push(r);
            }
            cur = Some(Record {
                header: h.to_string(),
                inputs: vec![],
                expected: vec![],
            });
        } else if let Some(f) = line.strip_prefix('=') {
            let (key, len) = f.rsplit_once(' ').expect("field header");
            let len: usize = len.parse().expect("field length");
            let value = rest[..len].to_string();
            rest = &rest[len + 1..];
            cur.as_mut()
                .expect("record")
                .expected
                .push((key.to_string(), value));
        } else {
            let (key, value) = line.split_once(' ').unwrap_or((line, ""));
            cur.as_mut()
                .expect("record")
                .inputs
                .push((key.to_string(), value.to_string()));
        }
    }
    out.extend(cur);
    out
}

fn input<'a>(r: &'a Record, key: &str) -> &'a str {
    r.inputs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn tensor_of(r: &Record) -> Tensor {
    let shape: Vec<usize> = input(r, "shape")
        .split_whitespace()
        .map(|d| d.parse().unwrap())
        .collect();
    let words = input(r, "data").split_whitespace();
    let data = match input(r, "dtype") {
        "float32" => Data::F32(
            words
                .map(|w| f32::from_bits(u32::from_str_radix(w, 16).unwrap()))
                .collect(),
        ),
        "float64" => Data::F64(
            words
                .map(|w| f64::from_bits(u64::from_str_radix(w, 16).unwrap()))
                .collect(),
        ),
        "int32" => Data::I32(words.map(|w| w.parse().unwrap()).collect()),
        "int64" => Data::I64(words.map(|w| w.parse().unwrap()).collect()),
        "bool" => Data::Bool(words.map(|w| w == "1").collect()),
        other => panic!("dtype {other}"),
    };
    Tensor::new(shape, data).unwrap()
}

/// Python `%`-format of a float with one of the generator's specs.
fn python_spec(x: f64, spec: &str) -> String {
    let alt = spec.contains('#');
    let body = spec.trim_start_matches('%').trim_start_matches('#');
    let (prec, ty) = body.split_at(body.len() - 1);
    let prec: Option<usize> = prec.strip_prefix('.').map(|p| p.parse().unwrap());
    match ty {
        "f" => format::format_fixed(x, prec.unwrap_or(6)),
        "e" => format::format_exp(x, prec.unwrap_or(6)),
        "g" => format::format_general(x, prec.unwrap_or(6), alt),
        _ => panic!("spec {spec}"),
    }
}

fn actual(r: &Record, key: &str) -> String {
    let (kind, arg) = r.header.split_once(' ').unwrap_or((&r.header, ""));
    match kind {
        "array" => {
            let t = tensor_of(r);
            match key {
                "ndarray_str" => format::ndarray_str(&t),
                "ndarray_repr" => format::ndarray_repr(&t),
                "ndarray0d_repr" => format::numpy::array_repr_nd(&t),
                "tensor_str" => format::tensor_str(&t),
                "tensor_repr" => format::tensor_repr(&t),
                "variable_repr" => format::variable_repr("Variable:0", &t),
                "tfprint3" => format::tf_print_tensor(&t, 3),
                "tfprint1" => format::tf_print_tensor(&t, 1),
                "tfprint_all" => format::tf_print_tensor(&t, usize::MAX),
                _ => panic!("key {key}"),
            }
        }
        "float" => {
            let x = f64::from_bits(u64::from_str_radix(arg, 16).unwrap());
            if key == "repr" {
                format::py_float_repr(x)
            } else if let Some(nd) = key.strip_prefix("round.") {
                format::py_round(x, nd.parse().unwrap())
                    .map_or_else(|| "OverflowError".to_string(), format::py_float_repr)
            } else if let Some(p) = key.strip_prefix("n.") {
                format::format_no_type(x, p.parse().unwrap())
            } else {
                python_spec(x, key)
            }
        }
        "f32" => {
            let x = f32::from_bits(u32::from_str_radix(arg, 16).unwrap());
            match key {
                "str" => format::f32_shortest_repr(x),
                "repr" => format!("np.float32({})", pyfloat::f32_shortest_repr(x)),
                _ => panic!("key {key}"),
            }
        }
        "end" => String::new(),
        _ => panic!("record {kind}"),
    }
}

#[test]
fn format_goldens_match_numpy_and_tf() {
    // FORMAT_GOLDEN points at another golden file (e.g. a larger local sweep).
    let path = std::env::var("FORMAT_GOLDEN").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/format_golden.txt").to_string()
    });
    let text = std::fs::read_to_string(&path).expect("golden file");
    let records = parse(&text);
    let mut checked = 0;
    let mut failures = Vec::new();
    for r in &records {
        for (key, want) in &r.expected {
            checked += 1;
            let got = actual(r, key);
            if &got != want {
                failures.push(format!(
                    "[{}] {key}\n--- want\n{want}\n--- got\n{got}\n",
                    r.header
                ));
            }
        }
    }
    assert!(checked > 1000, "only {checked} goldens");
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(25).collect();
        panic!(
            "{} of {checked} goldens differ:\n{}",
            failures.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
