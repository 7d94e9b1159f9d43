//! Inter-op parallelism for the step-by-step executor: runs of consecutive
//! scheduled steps that are independent matrix products execute at the same
//! time, one product per core, through `tfjit_tensor::pool::run_blocks`.
//!
//! Why: a mid-sized product (the `x_t @ W` and `h @ U` of an RNN step,
//! 32×256·256×256) splits badly across the cores inside the GEMM (each
//! half packs its own copy of an operand, and the pool's hand-off costs a
//! few microseconds per product), while two such independent products on
//! one core each take barely longer than one of them. TensorFlow gets the
//! same effect from its inter-op thread pool.
//!
//! What is grouped: only consecutive steps of the schedule, so the order in
//! which steps *start* stays the executor's order and the first error in
//! schedule order is the one reported; only pure ops (`MatMul`,
//! `BatchMatMulV2` run by their reference kernels: no side effects, no
//! runtime access); only steps with no edge between them (consecutive in a
//! topological order, any dependency would be a direct edge); and only
//! products whose estimated work is in [`MIN_MACS`, `MAX_MACS`]: below it
//! the pool hand-off costs more than it saves, above it the GEMM's own split
//! (one block per core) is efficient and balances better on a busy
//! machine than whole products do.
//!
//! Results are unchanged: inside a block the GEMM's own `run_blocks` runs
//! single-threaded on the calling thread with the same blocks, and the
//! GEMM's sums do not depend on the split (see `tfjit_tensor::ops::matmul`).

use super::{CStep, Exec};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use tfjit_graph::{FuncGraph, OpRef};
use tfjit_tensor::op::AttrsExt;

/// The least estimated multiply-adds of a product worth running beside
/// another (~10 µs on one core): below it the pool hand-off dominates.
pub(crate) const MIN_MACS: usize = 1 << 19;
/// The most estimated multiply-adds of a grouped product. Larger products
/// already split efficiently inside the GEMM (see the module docs).
pub(crate) const MAX_MACS: usize = 1 << 24;

/// Estimated multiply-adds of a `MatMul` / `BatchMatMulV2` step with fully
/// known static input shapes; `None` for other ops or unknown shapes.
pub(crate) fn product_macs(g: &FuncGraph, cs: &CStep) -> Option<usize> {
    let node = g.node(cs.step.node);
    let OpRef::Tensor(_) = node.op else { return None };
    let (ta, tb) = match node.op.name() {
        "MatMul" => ("transpose_a", "transpose_b"),
        "BatchMatMulV2" => ("adj_x", "adj_y"),
        _ => return None,
    };
    let [a, b] = cs.step.inputs.as_slice() else { return None };
    let dims = |o| g.value_type(o).as_tensor().and_then(|t| t.shape.as_known());
    let (a, b) = (dims(*a)?, dims(*b)?);
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let (ar, br) = (a.len(), b.len());
    let (m, k) = if node.attrs.bool_or(ta, false) { (a[ar - 1], a[ar - 2]) } else { (a[ar - 2], a[ar - 1]) };
    let n = if node.attrs.bool_or(tb, false) { b[br - 2] } else { b[br - 1] };
    let batch = |d: &[usize]| d.iter().try_fold(1usize, |acc, &x| acc.checked_mul(x));
    let batch = batch(&a[..ar - 2])?.max(batch(&b[..br - 2])?);
    batch.checked_mul(m)?.checked_mul(k)?.checked_mul(n)
}

/// True if step `cs` may run concurrently with its neighbours.
fn candidate(g: &FuncGraph, cs: &CStep) -> bool {
    !cs.fed
        && matches!(cs.exec, Exec::Ref { .. })
        && product_macs(g, cs).is_some_and(|w| (MIN_MACS..=MAX_MACS).contains(&w))
}

/// Marks each group's first step with the group's span (`CStep::group`):
/// maximal runs of consecutive candidate steps (fed placeholders between
/// them, which run nothing, are skipped) with no edge between any two of
/// them, at most one product per core.
pub(crate) fn mark(g: &FuncGraph, steps: &mut [CStep], cores: usize) {
    let pg = g.petgraph();
    let linked = |a: &CStep, b: &CStep| {
        pg.edges_directed(a.step.node, Direction::Outgoing).any(|e| e.target() == b.step.node)
            || pg.edges_directed(b.step.node, Direction::Outgoing).any(|e| e.target() == a.step.node)
    };
    let mut si = 0;
    while si < steps.len() {
        if !candidate(g, &steps[si]) {
            si += 1;
            continue;
        }
        // `members` are the products; `span` also covers fed steps between.
        let mut members = vec![si];
        let mut span = 1;
        let mut next = si + 1;
        while members.len() < cores {
            while steps.get(next).is_some_and(|cs| cs.fed) {
                next += 1;
            }
            let Some(cs) = steps.get(next) else { break };
            if !candidate(g, cs) || members.iter().any(|&m| linked(&steps[m], cs)) {
                break;
            }
            members.push(next);
            next += 1;
            span = next - si;
        }
        if members.len() >= 2 {
            steps[si].group = span as u32;
        }
        si += span;
    }
}

/// Runs a grouped step: its reference kernel, without runtime access.
pub(crate) fn run_pure(node: &tfjit_graph::Node, ins: &[tfjit_graph::RtValue]) -> tfjit_tensor::TfResult<Vec<tfjit_graph::RtValue>> {
    match node.op {
        OpRef::Tensor(def) => tfjit_graph::execute::run_tensor_op(def, node, ins),
        OpRef::Graph(_) => Err(super::at_node(
            tfjit_tensor::TfError::invalid_argument(format!("{}: not a tensor op", node.op.name())),
            &node.name,
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::{compile, CStep};
    use tfjit_graph::{FuncGraph, GraphBuilder, MemRuntime, RtValue, ValueType};
    use tfjit_tensor::{attrs, Data, DType, Tensor, TensorType};

    fn known(dims: &[usize]) -> ValueType {
        ValueType::Tensor(TensorType::known(DType::Float32, dims))
    }

    fn filled(dims: &[usize], a: f32) -> Tensor {
        let n: usize = dims.iter().product();
        Tensor::new(dims.to_vec(), Data::F32((0..n).map(|k| ((k as f32) * a).sin()).collect())).unwrap()
    }

    /// `tanh(x @ w + h @ u)`: two independent 32×256·256×256 products.
    fn rnn_cell() -> FuncGraph {
        let mut b = GraphBuilder::new("cell");
        let x = b.add_placeholder("x", known(&[32, 256]));
        let w = b.add_placeholder("w", known(&[256, 256]));
        let h = b.add_placeholder("h", known(&[32, 256]));
        let u = b.add_placeholder("u", known(&[256, 256]));
        let p = b.add_op("MatMul", "MatMul", &[x, w], attrs![]).unwrap()[0];
        let q = b.add_op("MatMul_1", "MatMul", &[h, u], attrs![]).unwrap()[0];
        let s = b.add_op("add", "AddV2", &[p, q], attrs![]).unwrap()[0];
        let t = b.add_op("Tanh", "Tanh", &[s], attrs![]).unwrap()[0];
        b.finish(&[t, p]).unwrap()
    }

    fn args() -> Vec<RtValue> {
        [filled(&[32, 256], 0.37), filled(&[256, 256], 0.11), filled(&[32, 256], 0.23), filled(&[256, 256], 0.05)]
            .into_iter()
            .map(RtValue::Tensor)
            .collect()
    }

    #[test]
    fn grouped_products_match_sequential_bitwise() {
        let g = rnn_cell();
        let c = compile(&g).unwrap();
        assert!(c.report().contains("concurrently, one per core: MatMul, MatMul_1") || tfjit_tensor::pool::threads() < 2, "{}", c.report());
        let want = tfjit_graph::execute(&g, &args(), &mut MemRuntime::default()).unwrap();
        for _ in 0..20 {
            let got = c.run(&args(), &mut MemRuntime::default()).unwrap();
            assert_eq!(want, got);
        }
    }

    /// Runs the products of `group` one after another, as without grouping.
    fn sequential(c: &crate::exec::CompiledFunction, group: &[CStep], values: &mut [Option<RtValue>]) -> tfjit_tensor::TfResult<()> {
        for cs in group.iter().filter(|cs| !cs.fed) {
            let ins = c.gather(cs, values)?;
            let outs = c.run_step(cs, ins, &mut MemRuntime::default())?.unwrap_or_default();
            super::super::store(values, cs, c.graph.node(cs.step.node), outs)?;
        }
        Ok(())
    }

    /// With inputs the products reject (shapes the static types did not
    /// promise), the group reports the first failing step's error in
    /// schedule order, exactly as sequential execution does.
    #[test]
    fn grouped_errors_match_sequential() {
        let g = rnn_cell();
        let c = compile(&g).unwrap();
        let Some(start) = c.steps.iter().position(|cs| cs.group >= 2) else {
            assert!(tfjit_tensor::pool::threads() < 2);
            return;
        };
        let group = &c.steps[start..start + c.steps[start].group as usize];
        let members: Vec<&CStep> = group.iter().filter(|cs| !cs.fed).collect();
        assert_eq!(members.len(), 2);
        let bad = RtValue::Tensor(filled(&[3, 5], 0.5));
        // Which member gets a bad left operand: none, the first, the second, both.
        for mask in 0..4u32 {
            let fill = || {
                let mut values: Vec<Option<RtValue>> = vec![None; c.slots.len];
                for (&(ix, slot), v) in c.slots.args.iter().zip(args()) {
                    let _ = ix;
                    if let Some(s) = slot {
                        values[s as usize] = Some(v);
                    }
                }
                for (k, cs) in members.iter().enumerate() {
                    if mask & (1 << k) != 0 {
                        values[cs.ins[0].0 as usize] = Some(bad.clone());
                    }
                }
                values
            };
            let (mut a, mut b) = (fill(), fill());
            let ra = c.run_group(group, &mut a);
            let rb = sequential(&c, group, &mut b);
            match (ra, rb) {
                (Ok(()), Ok(())) => assert_eq!(a, b),
                (Err(x), Err(y)) => assert_eq!((x.kind, x.message), (y.kind, y.message)),
                (x, y) => panic!("grouped {x:?} vs sequential {y:?}"),
            }
        }
    }
}
