# Regenerates tfmath_golden.txt: float32 tanh/exp/sigmoid/log/sin/cos as TF 2.21
# computes them, bit for bit, for a tensor of 1003 elements (the last 3 on
# Eigen's scalar path) and one of 5 special values (all scalar).
#   TF_CPP_MIN_LOG_LEVEL=3 /work/tf-venv/bin/python tfmath_golden_gen.py > tfmath_golden.txt
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(7)
parts = [
    rng.uniform(-12, 12, 361), rng.uniform(-1, 1, 150), rng.uniform(-110, 110, 150), rng.uniform(-4e4, 4e4, 40),
    np.exp(rng.uniform(-80, 80, 150)) * rng.choice([-1, 1], 150),
    rng.integers(0, 2**32, 120, dtype=np.uint64).astype(np.uint32).view(np.float32),
    np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-40, -1e-40, 1e-45, 1.17549435e-38, 88.72, 88.723, 88.73,
              -87.0, -88.0, -103.9, -104.0, -104.1, 16.6355324, 16.64, 7.90738964, 7.9, 8.02, 1.0, -1.0, 0.5,
              2.0, 1e-20, -1e-20, 3e38, -3e38, 1e-30, 0.7071067], np.float32),
]
x = np.concatenate([p.astype(np.float32) for p in parts[::-1]])
assert x.size == 1003
fns = [("tanh", tf.math.tanh), ("exp", tf.math.exp), ("sigmoid", tf.math.sigmoid), ("log", tf.math.log),
       ("sin", tf.math.sin), ("cos", tf.math.cos)]
for name, f in fns:
    for xs in (x, x[:12:2].copy()[:5]):
        y = f(tf.constant(xs)).numpy()
        print(name, xs.size)
        for a, b in zip(xs.view(np.uint32), y.view(np.uint32)):
            print(f"{a:08x} {b:08x}")
