//! While/If graphs: compiled results equal the reference executor's.

mod common;
use common::*;
use tfjit_tensor::{DType, Tensor};

#[test]
fn scalar_while_loop_is_one_native_function() {
    let g = lcg_graph();
    let opt = tfjit_optimize::optimize(&g).unwrap();
    let c = tfjit_codegen::compile(&opt).unwrap();
    let report = c.report();
    assert!(report.contains("one native function"), "{report}");
    for n in [0i64, 1, 5, 1000] {
        let args = [Tensor::scalar_i64(n)];
        assert_eq!(compiled(&c, &args).unwrap(), reference(&g, &args).unwrap());
    }
    let t = std::time::Instant::now();
    let r = compiled(&c, &[Tensor::scalar_i64(1_000_000)]).unwrap();
    eprintln!("1M iterations: {:?} -> {:?}", t.elapsed(), r);
    let _ = DType::Int64;
}
