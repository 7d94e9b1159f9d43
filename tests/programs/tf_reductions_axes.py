# Checks reductions over negative/tuple/tensor axes, keepdims, integer means, argmax dtypes and cumsum options.
import tensorflow as tf

x = tf.reshape(tf.range(24), [2, 3, 4])
print(tf.reduce_sum(x, axis=-1))
print(tf.reduce_sum(x, axis=(0, 2)))
print(tf.reduce_sum(x, axis=tf.constant([0, 1])))
print(tf.reduce_max(x, axis=1, keepdims=True).shape)
print(tf.reduce_min(x, keepdims=True))
print(tf.reduce_mean(x, axis=2))
print(tf.reduce_mean(tf.cast(x, tf.float64), axis=2))
print(tf.reduce_prod(tf.constant([[1, 2], [3, 4]]), 0))
print(tf.reduce_any(x > 20, axis=[1, 2]), tf.reduce_all(x >= 0))
print(tf.argmax(x, axis=-1), tf.argmin(x, 2, output_type=tf.int32))
print(tf.math.argmax(tf.constant([[1.0, 9.0], [8.0, 2.0]])))
print(tf.cumsum(tf.constant([1, 2, 3, 4]), exclusive=True))
print(tf.cumsum(tf.constant([1, 2, 3, 4]), reverse=True))
print(tf.cumsum(tf.constant([1.0, 2.0, 3.0]), exclusive=True, reverse=True))
print(tf.cumsum(tf.reshape(tf.range(6), [2, 3]), axis=0))
print(tf.reduce_sum(tf.zeros([2, 0]), axis=1), tf.reduce_max(tf.zeros([0, 2]), axis=1).shape)
print(tf.reduce_sum(5), tf.reduce_mean([1.0, 2.0]))
try:
    tf.reduce_sum(x, axis=3)
except (tf.errors.InvalidArgumentError, ValueError) as e:
    print(type(e).__name__)
