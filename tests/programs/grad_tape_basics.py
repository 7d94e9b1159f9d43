# Checks GradientTape basics: watch, scalar/non-scalar targets, output_gradients, unconnected gradients, int sources.
import tensorflow as tf

x = tf.constant([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x * x
print(tape.gradient(y, x))

with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(tf.exp(x) * 0.5) + tf.reduce_prod(x)
print([f"{v:.4f}" for v in tape.gradient(y, x).numpy().tolist()])

with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * 2.0
print(tape.gradient(y, x, output_gradients=tf.constant([1.0, 10.0, 100.0])))

a = tf.constant(1.5)
b = tf.constant(2.0)
with tf.GradientTape() as tape:
    tape.watch(a)
    y = a * 3.0
print(tape.gradient(y, b))
with tf.GradientTape() as tape:
    tape.watch(a)
    y = a * 3.0
print(tape.gradient(y, [a, b], unconnected_gradients=tf.UnconnectedGradients.ZERO))
with tf.GradientTape() as tape:
    tape.watch(a)
    y = a * 3.0
print(tape.gradient(y, [a, b], unconnected_gradients="zero"))
print(tf.UnconnectedGradients.ZERO, tf.UnconnectedGradients.NONE)

i = tf.constant(3)
with tf.GradientTape() as tape:
    tape.watch(i)
    y = i * 2
print(tape.gradient(y, i))

m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    tape.watch(m)
    y = tf.matmul(m, m)
    z = tf.reduce_mean(tf.nn.relu(y - 10.0))
print(tape.gradient(z, m))

with tf.GradientTape() as tape:
    tape.watch(m)
    s = tf.nn.sigmoid(m)
    t = tf.tanh(m)
    y = tf.reduce_sum(s * t)
print([f"{v:.5f}" for v in tf.reshape(tape.gradient(y, m), [-1]).numpy().tolist()])

with tf.GradientTape() as tape:
    tape.watch(m)
    y = tf.reduce_sum(tf.transpose(m) * tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    w = tf.reshape(m, [4])[1:3]
    y = y + tf.reduce_sum(w * w)
print(tape.gradient(y, m))

with tf.GradientTape() as tape:
    tape.watch(m)
    parts = tf.split(m, 2, axis=1)
    y = tf.reduce_sum(parts[0] * 2.0) + tf.reduce_sum(tf.concat([parts[1], parts[1]], axis=0))
print(tape.gradient(y, m))
