"""Generate format_golden.txt: printing goldens from real NumPy 2.4 / TensorFlow 2.21.

Run with the reference venv:
    TF_CPP_MIN_LOG_LEVEL=3 /work/tf-venv/bin/python runtime/tensor/tests/format_golden_gen.py

Record format (read by format_golden.rs):
    #array <name>            an array case; input lines follow:
    dtype <float32|float64|int32|int64|bool>
    shape <d0> <d1> ...      (nothing after `shape` for a scalar)
    data <v0> <v1> ...       floats as hex bit patterns, ints decimal, bools 0/1
    #float <hex f64 bits>    a Python-float case
    #f32 <hex f32 bits>      a NumPy float32 scalar case
    =<key> <n>               expected output: the next n bytes, then a newline
"""
import os
import random
import struct
import sys

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "format_golden.txt")
rng = random.Random(20240521)
nrng = np.random.default_rng(20240521)
lines = []


def field(key, text):
    lines.append(f"={key} {len(text.encode())}")
    lines.append(text)


def encode(a):
    flat = a.reshape(-1)
    if a.dtype == np.float32:
        return [format(int(x), "08x") for x in flat.view(np.uint32)]
    if a.dtype == np.float64:
        return [format(int(x), "016x") for x in flat.view(np.uint64)]
    if a.dtype == np.bool_:
        return ["1" if x else "0" for x in flat]
    return [str(int(x)) for x in flat]


def tf_format(t, summarize):
    return tf.strings.format("{}", t, summarize=summarize).numpy().decode()


count = 0


def array_case(name, a, variable=True):
    global count
    count += 1
    a = np.asarray(a)
    lines.append(f"#array {name}")
    lines.append(f"dtype {a.dtype.name}")
    lines.append("shape " + " ".join(str(d) for d in a.shape))
    lines.append("data " + " ".join(encode(a)))
    t = tf.constant(a)
    assert t.dtype.name == a.dtype.name, (t.dtype, a.dtype)
    n = t.numpy()
    field("ndarray_str", str(n))
    field("ndarray_repr", repr(n))
    field("tensor_str", str(t))
    field("tensor_repr", repr(t))
    if variable:
        field("variable_repr", repr(tf.Variable(t)))
    if a.ndim == 0:
        field("ndarray0d_repr", repr(np.asarray(a)))
    field("tfprint3", tf_format(t, 3))
    field("tfprint1", tf_format(t, 1))
    field("tfprint_all", tf_format(t, -1))


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def f64_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


FLOAT_SPECS = ["%.0f", "%.1f", "%.2f", "%.3f", "%.6f", "%.10f", "%.0e", "%.2e", "%.6e",
               "%g", "%.1g", "%.3g", "%.10g", "%.17g", "%#.3g", "%#g"]
NO_TYPE_SPECS = [1, 3, 10]
ROUND_DIGITS = [-2, 0, 1, 2, 3, 320]


def float_case(x):
    lines.append(f"#float {f64_bits(x):016x}")
    field("repr", repr(x))
    for spec in FLOAT_SPECS:
        field(spec, spec % x)
    for p in NO_TYPE_SPECS:
        field(f"n.{p}", format(x, f".{p}"))
    for nd in ROUND_DIGITS:
        try:
            field(f"round.{nd}", repr(round(x, nd)))
        except OverflowError:
            field(f"round.{nd}", "OverflowError")


def f32_case(bits):
    x = np.frombuffer(struct.pack("<I", bits), dtype=np.float32)[0]
    lines.append(f"#f32 {bits:08x}")
    field("str", str(x))
    field("repr", repr(x))


# ---------------------------------------------------------------- floats
SPECIAL = [0.1, 0.2, 0.3, 2.675, 1e-5, 1e-4, 0.0001234, 1e16, 1.5e16, 1e15, 1e22, 5e-324,
           1.7976931348623157e308, 2.2250738585072014e-308, 0.5, 1.5, 2.5, 0.125, 0.375,
           1234.5, 123456789.0, 0.0, -0.0, float("nan"), float("inf"), float("-inf"),
           9.9999, 0.99999999, 9.5, 99.5, 1/3, 2/3, 100.0, -100.0, 1e100, 1.23e-100,
           float(np.float32(0.1)), float(np.float32(1/3)), 999999.9999999, 0.00009999,
           12345678901234567890.0, 0.1 + 0.2, 3.14159265358979, -2.5e-7, 4.35, 0.045, 1.005]
for x in SPECIAL:
    float_case(x)
for _ in range(150):
    e = rng.randint(-30, 30)
    x = rng.uniform(-1, 1) * 10.0 ** e
    if rng.random() < 0.2:
        x = round(x, rng.randint(0, 4))
    float_case(x)
for _ in range(60):
    bits = rng.getrandbits(64)
    x = struct.unpack("<d", struct.pack("<Q", bits))[0]
    float_case(x)

for x in SPECIAL:
    with np.errstate(over="ignore"):
        f32_case(f32_bits(float(np.float32(x))))
for v in [999999.0, 1000000.0, 1000001.0, 9999999.0, 1.5e6, 0.0001, 0.00011, 1e-5, 16777216.0,
          3.4028235e38, 1e-45, 1.17549435e-38, 65504.0, 0.099999994]:
    f32_case(f32_bits(v))
for _ in range(120):
    f32_case(rng.getrandbits(32))
for _ in range(80):
    e = rng.randint(-12, 12)
    f32_case(f32_bits(float(np.float32(rng.uniform(-1, 1) * 10.0 ** e))))

# ---------------------------------------------------------------- arrays
FLOATS = [np.float32, np.float64]
INTS = [np.int32, np.int64]
ALL = FLOATS + INTS + [np.bool_]

nan, inf = float("nan"), float("inf")
FLOAT_SETS = {
    "ints": [1.0, 2.0, 3.0],
    "mixed": [0.1, 1.5, -2.25],
    "neg": [0.5, -1.25, 100.0],
    "thirds": [1 / 3, 2 / 3],
    "big": [123456789.0, 1.0],
    "tiny": [1e-8, 1.0],
    "ratio": [0.001, 1000.0],
    "ratio_edge": [0.5, 500.0],
    "ratio_over": [0.5, 500.5],
    "e6": [1e6, 1.0],
    "e6_below": [999999.0, 1.0],
    "e8": [1e8, 1.0],
    "e8_below": [99999999.0, 2.0],
    "e16": [1e16],
    "small_edge": [0.0001, 0.5],
    "small_below": [0.0000999, 0.5],
    "zeros": [0.0, 0.0],
    "negzero": [-0.0, 0.0, 1.0],
    "special": [nan, inf, -inf, -0.0],
    "nan_only": [nan],
    "nan_inf": [nan, inf],
    "nan_num": [nan, 1.5, 2.0],
    "inf_exp": [inf, 1e-8, 1.0],
    "neg_inf_exp": [-inf, -1e-8, 1.0],
    "carry": [0.999999999, 9.99999999999],
    "carry_exp": [9.9999999999e10, 1.0],
    "longfrac": [3.14159265358979, 2.718281828459045, -1.4142135623730951],
    "alldigits": [0.123456789012, 12345.6789012],
    "huge": [1e300, -1e-300],
    "f32max": [3.4e38, 1.0],
    "halves": [0.5, 1.5, 2.5, 3.5],
    "exact8": [0.12345678, 0.5],
    "exact9": [0.123456785, 0.5],
    "one_exp": [1e-5],
    "neg_exp": [-1e-5, 2e-5, -3e10],
}
for name, vals in FLOAT_SETS.items():
    for dt in FLOATS:
        with np.errstate(over="ignore"):
            a = np.array(vals, dtype=dt)
        array_case(f"{name}_{np.dtype(dt).name}", a)
        if len(vals) >= 2:
            array_case(f"{name}_{np.dtype(dt).name}_col", a.reshape(-1, 1))

# random floats at many magnitudes and shapes
SHAPES = [(5,), (2, 3), (3, 1), (1, 4), (2, 2, 2), (2, 1, 2, 2), (1, 1, 1, 1, 3), (3, 2, 1)]
for dt in FLOATS:
    for scale in [1e-7, 1e-5, 1e-3, 0.1, 1.0, 10.0, 1e3, 1e5, 1e7, 1e9, 1e12, 1e20]:
        for shape in SHAPES[: 3 if scale not in (1.0, 1e3) else len(SHAPES)]:
            a = (nrng.standard_normal(shape) * scale).astype(dt)
            array_case(f"rand_{np.dtype(dt).name}_{scale:g}_{'x'.join(map(str, shape))}", a)
    for digits in [0, 1, 2, 3, 5]:
        a = np.round(nrng.uniform(-50, 50, (3, 4)), digits).astype(dt)
        array_case(f"round{digits}_{np.dtype(dt).name}", a)
    for n in [10, 17, 30, 60, 120]:
        a = nrng.standard_normal(n).astype(dt)
        array_case(f"wrap_{np.dtype(dt).name}_{n}", a)
    a = nrng.standard_normal((4, 30)).astype(dt)
    array_case(f"wide2d_{np.dtype(dt).name}", a)
    a = nrng.standard_normal((2, 3, 12)).astype(dt) * 1e-6
    array_case(f"wide3d_{np.dtype(dt).name}", a)

# integers
for dt in INTS:
    nm = np.dtype(dt).name
    info = np.iinfo(dt)
    array_case(f"small_{nm}", np.array([-3, 10, 200], dtype=dt))
    array_case(f"extremes_{nm}", np.array([info.min, 0, info.max], dtype=dt))
    array_case(f"neg_{nm}", np.array([[-1, -22], [-333, 4]], dtype=dt))
    array_case(f"zero_{nm}", np.zeros((2, 2), dtype=dt))
    for shape in SHAPES:
        a = nrng.integers(-1000, 1000, shape).astype(dt)
        array_case(f"rand_{nm}_{'x'.join(map(str, shape))}", a)
    for n in [25, 80]:
        a = nrng.integers(-10**6, 10**6, n).astype(dt)
        array_case(f"wrap_{nm}_{n}", a)
    a = nrng.integers(0, 10**9, (3, 20)).astype(dt)
    array_case(f"wide2d_{nm}", a)

# bools
for shape in SHAPES + [(30,), (4, 16)]:
    a = nrng.integers(0, 2, shape).astype(np.bool_)
    array_case(f"rand_bool_{'x'.join(map(str, shape))}", a)
array_case("all_false", np.zeros((2, 3), np.bool_))

# empties
for dt in ALL:
    for shape in [(0,), (2, 0), (0, 3), (0, 2, 3), (3, 0, 2), (1, 0)]:
        array_case(f"empty_{np.dtype(dt).name}_{'x'.join(map(str, shape))}", np.zeros(shape, dt))

# scalars
SCALARS = [0.0, -0.0, 1.0, 2.5, 0.1, 1 / 3, 1e10, 1e-5, 1e-4, 1e6, 999999.0, 1e16, 1e15,
           123456789.0, -7.25, nan, inf, -inf, 1e-45, 3.4e38]
for dt in FLOATS:
    for x in SCALARS:
        with np.errstate(over="ignore"):
            array_case(f"scalar_{np.dtype(dt).name}_{x!r}", np.array(x, dtype=dt))
for dt in INTS:
    info = np.iinfo(dt)
    for x in [0, 7, -3, info.min, info.max]:
        array_case(f"scalar_{np.dtype(dt).name}_{x}", np.array(x, dtype=dt))
for x in [True, False]:
    array_case(f"scalar_bool_{x}", np.array(x))
# subnormals (tf.print runs with denormals-are-zero)
array_case("subnormal_f32", np.array([-1e-45, 1e-40, 1.0], np.float32))
array_case("subnormal_f64", np.array([5e-324, 1.23456789012345678e-310, -2.5e-320]))
array_case("subnormal_f64_scalar", np.array(1.2345678901234567e-310))
# negative-sign NaN (x86's default NaN): NumPy prints nan, tf.print -nan
array_case("neg_nan_f32", np.array([0xFFC00000, 0x3FC00000], np.uint32).view(np.float32))
array_case("neg_nan_f64", np.array([0xFFF8000000000000], np.uint64).view(np.float64))
array_case("neg_nan_scalar", np.array(0xFFC00000, np.uint32).view(np.float32))

# summarised (size > 1000)
LARGE = [(1001,), (40, 50), (2, 20, 30), (3, 400), (1, 1001), (1001, 1), (11, 11, 11),
         (2, 2, 2, 130), (7, 150)]
for shape in LARGE:
    n = int(np.prod(shape))
    array_case(f"large_int32_{'x'.join(map(str, shape))}", np.arange(n, dtype=np.int32).reshape(shape), variable=False)
array_case("large_int64", np.arange(-600, 600, dtype=np.int64).reshape(30, 40), variable=False)
array_case("large_f32", np.arange(1200, dtype=np.float32).reshape(2, 20, 30), variable=False)
array_case("large_f64_frac", (np.arange(1500, dtype=np.float64) / 7).reshape(50, 30), variable=False)
array_case("large_f32_rand", nrng.standard_normal(2000).astype(np.float32), variable=False)
array_case("large_f64_mid_nan", np.where(np.arange(1100) == 550, np.nan, np.arange(1100) * 0.5), variable=False)
array_case("large_bool", (np.arange(1200) % 3 == 0).reshape(100, 12), variable=False)
array_case("large_f64_exact1000", np.arange(1000, dtype=np.float64), variable=False)

# every tensor / array the eager conformance programs print
CONFORMANCE = "/work/shared/conformance/eager"
if os.path.isdir(CONFORMANCE):
    import builtins

    real_print, real_tf_print = builtins.print, tf.print

    @tf.autograph.experimental.do_not_convert
    def capture(*args, **kwargs):
        if not tf.executing_eagerly():
            return  # symbolic tensors at trace time
        for x in args:
            if isinstance(x, (tf.Tensor, np.ndarray, np.generic)) and not isinstance(x, (bytes, str)):
                a = np.asarray(x)
                if a.dtype.name in ("float32", "float64", "int32", "int64", "bool"):
                    array_case(f"conformance_{prog}_{count}", a, variable=a.size <= 1000)

    builtins.print, tf.print = capture, capture
    try:
        for prog in sorted(f[:-3] for f in os.listdir(CONFORMANCE) if f.endswith(".py")):
            path = os.path.join(CONFORMANCE, prog + ".py")
            with open(path) as src:
                code = compile(src.read(), path, "exec")
            try:
                exec(code, {"__name__": "__main__"})
            except Exception as e:  # keep what was printed before the error
                sys.stderr.write(f"{prog}: {type(e).__name__}: {e}\n")
    finally:
        builtins.print, tf.print = real_print, real_tf_print

lines.append("#end")
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print(f"wrote {OUT}: {count} array cases", file=sys.stderr)
