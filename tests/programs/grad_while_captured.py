# Checks gradients through While inside tf.function: a loop variable, captured tensors and variables (summed over iterations), zero iterations, a loop that assigns a variable.
import tensorflow as tf

u = tf.Variable(0.5)
v = tf.Variable([2.0, -1.0])


def show(gs):
    return [None if g is None else [round(t, 4) for t in tf.reshape(g, [-1]).numpy().tolist()] for g in gs]


@tf.function
def loop_grad(x, c, n):
    with tf.GradientTape() as tape:
        tape.watch([x, c])
        s = tf.constant(0.0)
        y = x
        i = tf.constant(0)
        while i < n:
            y = y * x + u * c
            s = s + y * v[0]
            i += 1
    return tape.gradient(s, [x, c, u, v], unconnected_gradients=tf.UnconnectedGradients.ZERO)


print("3 iterations:", show(loop_grad(tf.constant(1.5), tf.constant(2.0), tf.constant(3))))
print("0 iterations:", show(loop_grad(tf.constant(1.5), tf.constant(2.0), tf.constant(0))))


@tf.function
def loop_var_only(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.while_loop(lambda y: tf.reduce_sum(y) < 100.0, lambda y: [y * 2.0 + x], [x])
    return y, tape.gradient(y, x)


y, g = loop_var_only(tf.constant([1.0, 3.0]))
print("loop var:", y[0].numpy(), g.numpy())


@tf.function
def assigning_loop(x):
    v.assign([2.0, -1.0])
    with tf.GradientTape() as tape:
        y = x
        for i in tf.range(3):
            v.assign_add([1.0, 0.0])
            y = y * v[0]
    return y, tape.gradient(y, v)


y, g = assigning_loop(tf.constant(1.0))
print("assigning loop:", y.numpy(), g.numpy())
