//! The op registry: every [`OpDef`](crate::op::OpDef) tfjit has, grouped by family.

use crate::op::OpDef;

/// Every op definition. `op::lookup` indexes this by name.
pub static ALL: &[&OpDef] = &[];
