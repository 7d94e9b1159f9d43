//! Snapshots of optimized graphs in the text format (`cargo insta review`
//! to bless changes).

mod common;
mod graphs;

use graphs::*;
use tfjit_graph::print_text::to_text;

#[test]
fn elementwise_chain_is_one_fused_node() {
    let opt = tfjit_optimize::optimize(&gelu_chain(1024)).unwrap();
    insta::assert_snapshot!(to_text(&opt));
}

#[test]
fn softmax_reduce_is_at_most_two_kernels() {
    let opt = tfjit_optimize::optimize(&softmax_reduce(4096, 1024)).unwrap();
    insta::assert_snapshot!(to_text(&opt));
}

#[test]
fn manual_softmax_graph() {
    let opt = tfjit_optimize::optimize(&manual_softmax(8, 16)).unwrap();
    insta::assert_snapshot!(to_text(&opt));
}

#[test]
fn variables_and_print() {
    let opt = tfjit_optimize::optimize(&graphs::stateful_graph()).unwrap();
    insta::assert_snapshot!(to_text(&opt));
}
