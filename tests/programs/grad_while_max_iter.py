# Checks gradients through tf.while_loop with maximum_iterations inside tf.function (stopping by the cond or by the maximum).
import tensorflow as tf


@tf.function
def powered(x, limit, max_iter):
    with tf.GradientTape() as tape:
        tape.watch(x)
        _, y = tf.while_loop(
            lambda i, y: y < limit,
            lambda i, y: [i + 1, y * x],
            [tf.constant(0), x],
            maximum_iterations=max_iter,
        )
    return y, tape.gradient(y, x)


for limit, m in [(100.0, 3), (10.0, 5), (1000.0, 0)]:
    y, g = powered(tf.constant(2.0), tf.constant(limit), tf.constant(m))
    print("limit", limit, "max", m, "->", y.numpy(), g.numpy())


@tf.function
def fixed_count(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.while_loop(lambda a, b: True, lambda a, b: [a * x, b + a], [x, tf.zeros_like(x)], maximum_iterations=4)
        loss = tf.reduce_sum(out[1])
    return loss, tape.gradient(loss, x)


loss, g = fixed_count(tf.constant([0.5, 1.5]))
print("fixed count:", loss.numpy(), g.numpy())
