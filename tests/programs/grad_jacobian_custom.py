# Checks jacobian, batch_jacobian and tf.custom_gradient (eager), including variables in custom gradients.
import tensorflow as tf

x = tf.constant([1.0, 2.0, 3.0])
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
print(tape.jacobian(y, x))

m = tf.constant([[1.0, 2.0], [3.0, 4.0]])
with tf.GradientTape() as tape:
    tape.watch(m)
    y = tf.matmul(m, m)
j = tape.jacobian(y, m)
print(j.shape)
print(tf.reshape(j, [4, 4]))

v = tf.Variable([1.0, -1.0])
with tf.GradientTape() as tape:
    y = v * 3.0
print(tape.jacobian(y, [v, x]))
with tf.GradientTape() as tape:
    tape.watch(x)
    y = v * 3.0
print(tape.jacobian(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO))

xb = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
with tf.GradientTape() as tape:
    tape.watch(xb)
    yb = xb * xb * tf.constant([1.0, 2.0])
print(tape.batch_jacobian(yb, xb))


@tf.custom_gradient
def clip_grad(x):
    y = tf.identity(x)

    def grad(dy):
        return tf.clip_by_value(dy, -0.5, 0.5)

    return y, grad


with tf.GradientTape() as tape:
    tape.watch(x)
    y = clip_grad(x) * tf.constant([0.1, 1.0, -3.0])
print(tape.gradient(y, x))


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


z = tf.constant([0.0, 10.0])
with tf.GradientTape() as tape:
    tape.watch(z)
    y = tf.reduce_sum(log1pexp(z))
print([f"{t:.5f}" for t in tape.gradient(y, z).numpy().tolist()])

scale = tf.Variable(2.0)


@tf.custom_gradient
def scaled(x):
    def grad(dy, variables=None):
        return dy * scale * 10.0, [tf.reduce_sum(dy * x)]

    return x * scale, grad


with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.reduce_sum(scaled(x))
gx, gs = tape.gradient(y, [x, scale])
print(gx, gs)


@tf.custom_gradient
def two_in(a, b):
    def grad(dy):
        return dy * 100.0, None

    return a * b, grad


a = tf.constant(2.0)
b = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch([a, b])
    y = two_in(a, b)
print(tape.gradient(y, [a, b]))
