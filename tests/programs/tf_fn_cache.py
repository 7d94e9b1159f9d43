# tf.function trace cache: tensors by dtype/shape, Python values by value, structures by structure.
import tensorflow as tf


@tf.function
def scaled(x, k=2):
    print("trace scaled", x.dtype, x.shape, k)
    return x * k


print(scaled(tf.constant([1, 2])))
print(scaled(tf.constant([3, 4])))
print(scaled(tf.constant([1.5, 2.5])))
print(scaled(tf.constant([1, 2]), 3))
print(scaled(tf.constant([1, 2]), k=3))
print(scaled(tf.constant([1, 2, 3])))
print("tracing count", scaled.experimental_get_tracing_count())


@tf.function
def total(parts, weights):
    print("trace total", len(parts), sorted(weights.keys()))
    acc = tf.constant(0.0)
    for i, p in enumerate(parts):
        acc = acc + tf.reduce_sum(p) * weights["w" + str(i)]
    return acc


w = {"w0": 1.0, "w1": 2.0}
print(total([tf.ones([2]), tf.ones([3])], w))
print(total([tf.zeros([2]), tf.ones([3])], w))
print(total([tf.ones([2]), tf.ones([3])], {"w1": 2.0, "w0": 1.0}))
print(total([tf.ones([2]), tf.ones([3])], {"w0": 1.0, "w1": 5.0}))
print("tracing count", total.experimental_get_tracing_count())


@tf.function
def pick(flag, x):
    print("trace pick", flag)
    if flag:
        return x + 100
    return x - 100


print(pick(True, tf.constant(1)), pick(False, tf.constant(1)), pick(True, tf.constant(2)))
print("tracing count", pick.experimental_get_tracing_count())
