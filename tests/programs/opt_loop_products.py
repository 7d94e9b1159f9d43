# Products of a loop-indexed slice inside tf.function loops (the optimizer
# hoists the loop-invariant ones out of the loop as one batched product):
# results must be exactly TF's, whether or not a product is hoisted.
import tensorflow as tf

T, B, D, H = 6, 4, 3, 5


def det(shape, a, scale, dtype=tf.float32):
    n = 1
    for s in shape:
        n *= s
    return tf.cast(tf.reshape(tf.sin(tf.cast(tf.range(n), tf.float32) * a) * scale, shape), dtype)


xs = det([T, B, D], 0.37, 1.0)
W = det([D, H], 0.71, 0.5)
Wt = det([H, D], 0.29, 0.5)
U = det([H, H], 0.53, 0.4)
b = det([H], 0.91, 0.1)


@tf.function
def rnn(xs):
    h = tf.zeros([B, H])
    ta = tf.TensorArray(tf.float32, size=T)
    for t in tf.range(T):
        h = tf.tanh(tf.matmul(xs[t], W) + tf.matmul(h, U) + b)
        ta = ta.write(t, h)
    return ta.stack()


@tf.function
def rnn_while(xs):
    h = tf.zeros([B, H])
    t = tf.constant(0)
    while t < T:
        h = tf.nn.relu(tf.matmul(xs[t], Wt, transpose_b=True) + tf.matmul(h, U))
        t += 1
    return h


@tf.function
def partial(xs):
    # Runs 3 of the 6 slices: nothing to hoist.
    h = tf.zeros([B, H])
    for t in tf.range(3):
        h = h + tf.matmul(xs[t], W)
    return h


@tf.function
def twice(xs, w):
    # Two products of the same slice, one with an argument as weights.
    acc = tf.zeros([B, H])
    for t in tf.range(T):
        acc = acc * 0.5 + tf.matmul(xs[t], w) - tf.matmul(xs[t], W)
    return acc


hs = rnn(xs)
print(hs.shape)
print(hs[0].numpy())
print(hs[T - 1].numpy())
print(rnn_while(xs).numpy())
print(partial(xs).numpy())
print(twice(xs, W * 2.0).numpy())
x64 = tf.cast(xs, tf.float64)


@tf.function
def rnn64(xs):
    h = tf.zeros([B, H], tf.float64)
    for t in tf.range(T):
        h = tf.tanh(tf.matmul(xs[t], tf.cast(W, tf.float64)) + tf.matmul(h, tf.cast(U, tf.float64)))
    return h


print(rnn64(x64).numpy())


# A slice x[t] feeding the kernel that follows a product is read in place;
# an index out of range still fails as the slice does.
H2 = 32
xw = det([T, B, H2], 0.23, 0.5)
U2 = det([H2, H2], 0.41, 0.2)


@tf.function
def steps(xw, n):
    h = tf.zeros([B, H2])
    for t in tf.range(n):
        h = tf.tanh(xw[t] + tf.matmul(h, U2))
    return h


print(steps(xw, tf.constant(T)).numpy()[:, :6])
try:
    steps(xw, tf.constant(T + 1))
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError, out of bounds:", "out of bounds" in str(e))
