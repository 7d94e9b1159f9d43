# Datasets inside tf.function: reduce, datasets from traced tensors, iter/next, map capturing tensors, autograph=False.
import tensorflow as tf


@tf.function
def mean_of(x):
    ds = tf.data.Dataset.from_tensor_slices(x)
    print("tracing mean_of:", ds.element_spec)
    s, n = ds.reduce((tf.constant(0.0), tf.constant(0.0)), lambda st, v: (st[0] + v, st[1] + 1.0))
    return s / n


print(mean_of(tf.constant([1.0, 2.0, 6.0])))
dyn = mean_of.get_concrete_function(tf.TensorSpec([None], tf.float32))
print(dyn(tf.constant([1.0, 2.0, 3.0, 4.0])))
print(dyn(tf.constant([10.0])))


@tf.function
def scaled_batches(x, k):
    ds = tf.data.Dataset.from_tensor_slices(x).map(lambda v: v * k).batch(2)
    return ds.reduce(tf.constant(0.0), lambda s, b: s * 10.0 + tf.reduce_sum(b))


print(scaled_batches(tf.constant([1.0, 2.0, 3.0]), tf.constant(2.0)))
sb = scaled_batches.get_concrete_function(tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32))
print(sb(tf.constant([1.0, 1.0, 1.0, 1.0, 1.0]), tf.constant(1.0)))


@tf.function
def first_two(ds):
    it = iter(ds)
    a = next(it)
    b = next(it)
    return a * 10 + b


print(first_two(tf.data.Dataset.range(4, 9)))
print(first_two(tf.data.Dataset.from_tensor_slices([7, 8, 9])))


@tf.function
def ranged(n):
    return tf.data.Dataset.range(1, n + 1).reduce(tf.constant(1, tf.int64), lambda p, x: p * x)


print(ranged(tf.constant(5, tf.int64)))
print(ranged(tf.constant(3, tf.int64)))


@tf.function
def card(x):
    return tf.data.Dataset.from_tensor_slices(x).batch(2).cardinality()


print(card(tf.constant([1, 2, 3])))


@tf.function(autograph=False)
def no_autograph(ds):
    s = tf.constant(0, tf.int64)
    for x in ds:
        s += x
    return s


try:
    no_autograph(tf.data.Dataset.range(3))
except ValueError as e:
    print("trace-time error: ValueError", "AutoGraph" in str(e))
