//! The op registry: every [`OpDef`](crate::op::OpDef) tfjit has, grouped by family.

use crate::op::OpDef;

pub mod broadcast;
pub mod cast;
pub mod common;
pub mod compare;
pub mod elem;
pub mod elementwise;
pub mod tfmath;
pub mod grad_ops;
pub mod index;
pub mod linalg;
pub mod matmul;
pub mod nn;
pub mod reduce;
pub mod shape_ops;
pub mod small_gemm;

use compare as c;
use elementwise as e;
use reduce as r;
use shape_ops as s;

/// Every op definition. `op::lookup` indexes this by name.
pub static ALL: &[&OpDef] = &[
    // elementwise binary
    &e::ADD_V2,
    &e::SUB,
    &e::MUL,
    &e::REAL_DIV,
    &e::FLOOR_DIV,
    &e::FLOOR_MOD,
    &e::POW,
    &e::MAXIMUM,
    &e::MINIMUM,
    &e::SQUARED_DIFFERENCE,
    // elementwise unary
    &e::NEG,
    &e::ABS,
    &e::SQUARE,
    &e::SIGN,
    &e::SQRT,
    &e::RSQRT,
    &e::EXP,
    &e::LOG,
    &e::LOG1P,
    &e::SIN,
    &e::COS,
    &e::TANH,
    &e::SIGMOID,
    &e::FLOOR,
    &e::CEIL,
    &e::ROUND,
    &e::RECIPROCAL,
    // comparisons and logic
    &c::EQUAL,
    &c::NOT_EQUAL,
    &c::LESS,
    &c::LESS_EQUAL,
    &c::GREATER,
    &c::GREATER_EQUAL,
    &c::LOGICAL_AND,
    &c::LOGICAL_OR,
    &c::LOGICAL_NOT,
    &c::SELECT_V2,
    &cast::CAST,
    // reductions
    &r::SUM,
    &r::MEAN,
    &r::MAX,
    &r::MIN,
    &r::PROD,
    &r::ANY,
    &r::ALL,
    &r::ARG_MAX,
    &r::ARG_MIN,
    &r::CUMSUM,
    // shapes and creation
    &s::RESHAPE,
    &s::TRANSPOSE,
    &s::EXPAND_DIMS,
    &s::SQUEEZE,
    &s::CONCAT_V2,
    &s::PACK,
    &s::UNPACK,
    &s::SPLIT,
    &s::SPLIT_V,
    &s::TILE,
    &s::BROADCAST_TO,
    &s::FILL,
    &s::RANGE,
    &s::LIN_SPACE,
    &s::ZEROS_LIKE,
    &s::ONES_LIKE,
    &s::IDENTITY,
    &s::SHAPE,
    &s::SIZE,
    &s::RANK,
    // indexing
    &index::STRIDED_SLICE,
    &index::GATHER_V2,
    &index::ONE_HOT,
    // matrix products
    &matmul::MAT_MUL,
    &matmul::BATCH_MAT_MUL_V2,
    &matmul::EINSUM,
    &linalg::MATRIX_SOLVE,
    // nn
    &nn::RELU,
    &nn::SOFTPLUS,
    &nn::ELU,
    &nn::SOFTMAX,
    &nn::LOG_SOFTMAX,
    &nn::CLIP_BY_VALUE,
    // gradient building blocks
    &grad_ops::BROADCAST_GRADIENT_ARGS,
    &grad_ops::RELU_GRAD,
    &grad_ops::ELU_GRAD,
    &grad_ops::SIGMOID_GRAD,
    &grad_ops::TANH_GRAD,
    &grad_ops::SQRT_GRAD,
    &grad_ops::RSQRT_GRAD,
    &grad_ops::RECIPROCAL_GRAD,
    &grad_ops::STRIDED_SLICE_GRAD,
    &grad_ops::UNSORTED_SEGMENT_SUM,
    &grad_ops::CUMPROD,
];
