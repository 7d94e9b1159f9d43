# Dataset.reduce: scalar, tuple and dict states, trace-time print once, shape relaxation, variables, dtype errors.
import sys
import tensorflow as tf

ds = tf.data.Dataset.range(1, 6)
print(ds.reduce(tf.constant(0, tf.int64), lambda s, x: s + x))
print(ds.reduce(0, lambda c, _: c + 1))
print(ds.reduce(0.0, lambda c, _: c + 1))


def noisy(s, x):
    print("tracing reduce:", s.dtype, x.shape)
    tf.print("step", s, x, output_stream=sys.stdout)
    return s + x


print(tf.data.Dataset.range(3).reduce(tf.constant(100, tf.int64), noisy))

vals = tf.data.Dataset.from_tensor_slices([2.0, 4.0, 9.0])
total, count = vals.reduce((tf.constant(0.0), 0), lambda st, x: (st[0] + x, st[1] + 1))
print(float(total), int(count))
stats = vals.reduce({"max": tf.constant(-1e9), "min": tf.constant(1e9)},
                    lambda st, x: {"min": tf.minimum(st["min"], x), "max": tf.maximum(st["max"], x)})
print(sorted(stats.keys()), float(stats["min"]), float(stats["max"]))

grown = tf.data.Dataset.range(4).reduce(tf.constant([], tf.int64), lambda s, x: tf.concat([s, [x * x]], 0))
print(grown)

v = tf.Variable(0.0)


def acc(n, x):
    v.assign_add(x)
    return n + 1


print(vals.reduce(0, acc), v.numpy())
batched = tf.data.Dataset.range(10).batch(4)
print(batched.reduce(tf.constant(0, tf.int64), lambda s, b: s + tf.reduce_sum(b)))
pairs = tf.data.Dataset.range(4).map(lambda x: (x, tf.cast(x, tf.float32) / 2.0))
print(pairs.reduce(tf.constant(0.0), lambda s, e: s + e[1]))
try:
    tf.data.Dataset.range(3).reduce(tf.constant(0.0), lambda s, x: x)
except TypeError as e:
    print("TypeError", "must match the initial state" in str(e))
