"""Generates grad_golden.txt: float32 gradients of single ops computed by
TensorFlow's tf.GradientTape, used by grad_golden.rs to cross-check tfjit's
gradient definitions (formulas and float32 rounding).

Run: TF_CPP_MIN_LOG_LEVEL=3 /work/tf-venv/bin/python runtime/tensor/tests/grad_golden_gen.py
"""
import os
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(1234)


def f(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, size=shape).astype(np.float32)


def away(*shape, lo=0.5, hi=2.0):
    m = rng.uniform(lo, hi, size=shape).astype(np.float32)
    s = np.where(rng.uniform(size=shape) < 0.5, -1.0, 1.0).astype(np.float32)
    return m * s


def i32(v):
    return np.array(v, dtype=np.int32)


# (op, [(arg name, value, differentiable)], attrs, list_arg) ; list_arg names a
# list-valued argument collecting the inputs marked "*".
CASES = []


def case(op, args, attrs=None, list_arg=None):
    CASES.append((op, args, attrs or {}, list_arg))


for op in ["AddV2", "Sub", "Mul", "SquaredDifference", "Maximum", "Minimum"]:
    case(op, [("x", f(2, 3), True), ("y", f(3), True)])
    case(op, [("x", f(2, 1), True), ("y", f(1, 4), True)])
case("RealDiv", [("x", f(2, 3), True), ("y", away(2, 1), True)])
case("Pow", [("x", f(2, 3, lo=0.5), True), ("y", f(3), True)])
case("FloorMod", [("x", f(4), True), ("y", away(4), True)])
for op, x in [("Neg", f(5)), ("Abs", away(5)), ("Square", f(5)), ("Sqrt", f(5, lo=0.5)), ("Rsqrt", f(5, lo=0.5)),
              ("Exp", f(5)), ("Log", f(5, lo=0.5)), ("Log1p", f(5, lo=-0.5)), ("Sin", f(5)), ("Cos", f(5)),
              ("Tanh", f(5)), ("Sigmoid", f(5)), ("Reciprocal", away(5)), ("Sign", away(5))]:
    case(op, [("x", x, True)])
# Long enough for Eigen's packet path (8 floats) plus a scalar tail.
for op, x in [("Sqrt", f(37, lo=0.5)), ("Rsqrt", f(37, lo=0.5)), ("Reciprocal", away(37)), ("Sigmoid", f(37)),
              ("Tanh", f(37, lo=-0.5, hi=0.5))]:
    case(op, [("x", x, True)])
for op in ["Relu", "Elu", "Softplus"]:
    case(op, [("features", away(2, 3, lo=0.1), True)])
for op in ["Softmax", "LogSoftmax"]:
    case(op, [("logits", f(2, 4), True)])
for op in ["Sum", "Mean", "Max", "Min", "Prod"]:
    case(op, [("input", f(2, 3, 4), True), ("axis", i32([0, 2]), False)], {"keep_dims": False})
    case(op, [("input", f(3, 4), True), ("axis", i32(1), False)], {"keep_dims": True})
    case(op, [("input", f(8, 5), True), ("axis", i32([0, 1]), False)], {"keep_dims": False})
case("Cumsum", [("x", f(2, 4), True), ("axis", i32(1), False)], {"exclusive": True, "reverse": False})
for ta in [False, True]:
    for tb in [False, True]:
        a = f(3, 2) if ta else f(2, 3)
        b = f(4, 3) if tb else f(3, 4)
        case("MatMul", [("a", a, True), ("b", b, True)], {"transpose_a": ta, "transpose_b": tb})
case("BatchMatMulV2", [("x", f(2, 2, 3), True), ("y", f(3, 2), True)], {"adj_x": False, "adj_y": False})
case("BatchMatMulV2", [("x", f(2, 1, 3, 2), True), ("y", f(3, 2, 3), True)], {"adj_x": True, "adj_y": True})
case("Einsum", [("*", f(2, 3), True), ("*", f(3, 4), True)], {"equation": "ij,jk->ik"}, "inputs")
case("Einsum", [("*", f(2, 3, 4), True)], {"equation": "ijk->ki"}, "inputs")
a = f(3, 3, lo=-0.5, hi=0.5) + 3 * np.eye(3, dtype=np.float32)
case("MatrixSolve", [("matrix", a, True), ("rhs", f(3, 2), True)], {"adjoint": False})
case("MatrixSolve", [("matrix", a, True), ("rhs", f(3, 2), True)], {"adjoint": True})
case("SelectV2", [("condition", np.array([True, False, True]), False), ("t", f(2, 3), True), ("e", f(3), True)])
case("ClipByValue", [("t", f(2, 3), True), ("clip_value_min", np.float32(-0.5), True),
                     ("clip_value_max", np.float32(0.5), True)])
case("Reshape", [("tensor", f(2, 3), True), ("shape", i32([3, 2]), False)])
case("Transpose", [("x", f(2, 3, 4), True), ("perm", i32([2, 0, 1]), False)])
case("Tile", [("input", f(2, 3), True), ("multiples", i32([2, 2]), False)])
case("BroadcastTo", [("input", f(3, 1), True), ("shape", i32([2, 3, 4]), False)])
case("ConcatV2", [("*", f(2, 3), True), ("*", f(2, 2), True), ("axis", i32(1), False)], {}, "values")
case("Pack", [("*", f(2, 3), True), ("*", f(2, 3), True)], {"axis": 1}, "values")
case("GatherV2", [("params", f(4, 3), True), ("indices", i32([2, 0, 2]), False), ("axis", i32(0), False)],
     {"batch_dims": 0})
case("GatherV2", [("params", f(2, 4), True), ("indices", i32([[3, 1], [3, 3]]), False), ("axis", i32(1), False)],
     {"batch_dims": 0})
case("StridedSlice", [("input", f(4, 5), True), ("begin", i32([1, 0]), False), ("end", i32([4, 5]), False),
                      ("strides", i32([2, 2]), False)],
     {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0, "shrink_axis_mask": 0})
case("StridedSlice", [("input", f(3, 4), True), ("begin", i32([1]), False), ("end", i32([2]), False),
                      ("strides", i32([1]), False)],
     {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0, "shrink_axis_mask": 1})
case("Cast", [("x", f(4), True)], {"DstT": tf.float64})


def dtype_name(a):
    return {np.float32: "f32", np.float64: "f64", np.int32: "i32", np.bool_: "bool"}[a.dtype.type]


def fmt_vals(a):
    a = np.asarray(a)
    if a.dtype == np.bool_:
        return " ".join("1" if v else "0" for v in a.reshape(-1))
    if a.dtype.kind == "i":
        return " ".join(str(int(v)) for v in a.reshape(-1))
    return " ".join(repr(float(v)) for v in a.reshape(-1))


def fmt_dims(a):
    return ",".join(str(d) for d in np.shape(a))


def attr_line(k, v):
    if isinstance(v, bool):
        return f"attr {k} b {int(v)}"
    if isinstance(v, int):
        return f"attr {k} i {v}"
    if isinstance(v, str):
        return f"attr {k} s {v}"
    if isinstance(v, tf.dtypes.DType):
        return f"attr {k} t {v.name}"
    raise TypeError(v)


lines = []
for n, (op, args, attrs, list_arg) in enumerate(CASES):
    tensors = [tf.constant(v) for (_, v, _) in args]
    with tf.GradientTape() as tape:
        for t, (_, _, d) in zip(tensors, args):
            if d:
                tape.watch(t)
        kwargs = dict(attrs)
        lst = []
        for t, (name, _, _) in zip(tensors, args):
            if name == "*":
                lst.append(t)
            else:
                kwargs[name] = t
        if list_arg:
            kwargs[list_arg] = lst
        y = getattr(tf.raw_ops, op)(**kwargs)
    w = tf.constant(f(*y.shape).astype(y.dtype.as_numpy_dtype))
    grads = tape.gradient(y, tensors, output_gradients=w)
    lines.append(f"case {n} {op}")
    for k, v in attrs.items():
        lines.append(attr_line(k, v))
    if op == "Einsum":
        lines.append(f"attr N i {len(args)}")
    for (_, v, _) in args:
        a = np.asarray(v)
        lines.append(f"in {dtype_name(a)} [{fmt_dims(a)}] {fmt_vals(a)}")
    lines.append(f"w [{fmt_dims(w)}] {fmt_vals(w.numpy())}")
    for i, g in enumerate(grads):
        if g is None:
            lines.append(f"grad {i} none")
        else:
            g = tf.convert_to_tensor(g).numpy()
            lines.append(f"grad {i} [{fmt_dims(g)}] {fmt_vals(g)}")
    lines.append("end")

# Forward checks of the gradient building-block ops themselves (bit-exact).
FWD = []
for dt in [np.float32, np.float64]:
    y = rng.uniform(0.5, 2.0, size=37).astype(dt)
    t = rng.uniform(-0.9, 0.9, size=37).astype(dt)
    dy = rng.uniform(-1, 1, size=37).astype(dt)
    for op, a in [("SqrtGrad", y), ("RsqrtGrad", y), ("ReciprocalGrad", y), ("SigmoidGrad", t * 0.5 + 0.5),
                  ("TanhGrad", t)]:
        FWD.append((op, [("y", a), ("dy", dy)], {}))
    FWD.append(("ReluGrad", [("gradients", dy), ("features", t)], {}))
    FWD.append(("EluGrad", [("gradients", dy), ("outputs", t)], {}))
FWD.append(("UnsortedSegmentSum", [("data", f(5, 3)), ("segment_ids", i32([2, 0, -1, 2, 1])),
                                   ("num_segments", i32(4))], {}))
FWD.append(("StridedSliceGrad", [("shape", i32([4, 5])), ("begin", i32([1, -1])), ("end", i32([4, -6])),
                                 ("strides", i32([2, -2])), ("dy", f(2, 3))],
            {"begin_mask": 0, "end_mask": 0, "ellipsis_mask": 0, "new_axis_mask": 0, "shrink_axis_mask": 0}))
FWD.append(("BroadcastGradientArgs", [("s0", i32([2, 1, 3])), ("s1", i32([3]))], {}))
FWD.append(("Cumprod", [("x", f(3, 4)), ("axis", i32(1))], {"exclusive": True, "reverse": True}))
for n, (op, args, attrs) in enumerate(FWD):
    res = getattr(tf.raw_ops, op)(**dict(attrs, **{k: tf.constant(v) for k, v in args}))
    res = res if isinstance(res, (list, tuple)) else [res]
    lines.append(f"fwd {n} {op}")
    for k, v in attrs.items():
        lines.append(attr_line(k, v))
    for (_, v) in args:
        a = np.asarray(v)
        lines.append(f"in {dtype_name(a)} [{fmt_dims(a)}] {fmt_vals(a)}")
    for r in res:
        lines.append(f"out {dtype_name(r.numpy())} [{fmt_dims(r)}] {fmt_vals(r.numpy())}")
    lines.append("end")

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "grad_golden.txt")
with open(out, "w") as fh:
    fh.write("\n".join(lines) + "\n")
print(f"wrote {len(CASES)} cases to {out}")
