//! The cost model used to extract the cheapest equivalent graph: fewer ops
//! first, then fewer memory passes (each tensor input read costs a little),
//! with division and transcendental functions dearer than multiplication.
//! Leaves (graph inputs, constants, attrs) are free.

use crate::language::TfLang;
use egg::{CostFunction, Id, Language};

/// Op count plus memory traffic; see the module docs.
#[derive(Debug, Default, Clone, Copy)]
pub struct TfCost;

/// The cost of one op e-node itself, without its inputs.
pub fn op_cost(node: &TfLang) -> f64 {
    let Some(name) = node.op_name() else {
        return 0.0;
    };
    // One op, plus one read per tensor input (attrs excluded).
    let reads = node.children().len().saturating_sub(1) as f64;
    let extra = match name {
        "RealDiv" | "FloorDiv" | "FloorMod" | "Pow" => 1.0,
        "Exp" | "Log" | "Tanh" | "Sigmoid" | "Sqrt" | "Rsqrt" | "Sin" | "Cos" => 1.0,
        "MatMul" | "BatchMatMulV2" | "Einsum" => 4.0,
        _ => 0.0,
    };
    1.0 + 0.25 * reads + extra
}

impl CostFunction<TfLang> for TfCost {
    type Cost = f64;

    fn cost<C>(&mut self, enode: &TfLang, mut costs: C) -> f64
    where
        C: FnMut(Id) -> f64,
    {
        enode.fold(op_cost(enode), |sum, id| sum + costs(id))
    }
}
