# The bench workloads' functions (elemwise.py, softmax.py), for checking what
# the optimizer fuses: `tfjit graph --stage optimized` must show one fused
# kernel for gelu_chain and at most two kernels for softmax_reduce.
import tensorflow as tf


@tf.function
def gelu_chain(x):
    u = 0.7978845608 * (x + 0.044715 * x * x * x)
    y = 0.5 * x * (1.0 + tf.tanh(u))
    return y * 1.5 - 0.25


@tf.function
def softmax_reduce(x):
    s = tf.nn.softmax(x, axis=-1)
    return tf.reduce_sum(s * x, axis=1)
