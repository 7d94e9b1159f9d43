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


# An RNN step (the rnn workload): the input projection `xs[t] @ W` is
# hoisted out of the loop as one BatchMatMulV2; `h @ U` stays inside.
W = tf.reshape(tf.range(6, dtype=tf.float32), [3, 2])
U = tf.reshape(tf.range(4, dtype=tf.float32), [2, 2])


@tf.function
def rnn(xs):
    h = tf.zeros([4, 2])
    for t in tf.range(5):
        h = tf.tanh(tf.matmul(xs[t], W) + tf.matmul(h, U))
    return h


@tf.function
def rnn_partial(xs):
    # Runs 2 of xs's 5 slices: hoisting would compute 3 products for nothing.
    h = tf.zeros([4, 2])
    for t in tf.range(2):
        h = tf.tanh(tf.matmul(xs[t], W) + tf.matmul(h, U))
    return h
