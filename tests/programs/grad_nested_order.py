# Checks nested tapes: second and third derivatives, gradients of gradients w.r.t. variables.
import tensorflow as tf

x = tf.constant(2.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        y = x * x * x + tf.sin(x)
    dy = t1.gradient(y, x)
d2y = t2.gradient(dy, x)
print(f"{float(dy):.5f} {float(d2y):.5f}")

with tf.GradientTape() as t3:
    t3.watch(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = x ** 4
        dy = t1.gradient(y, x)
    d2y = t2.gradient(dy, x)
d3y = t3.gradient(d2y, x)
print(dy, d2y, d3y)

w = tf.Variable([1.0, 2.0])
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        loss = tf.reduce_sum(w * w * w)
    g = inner.gradient(loss, w)
    gn = tf.reduce_sum(g * g)
print(g)
print(outer.gradient(gn, w))

with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    with tf.GradientTape() as inner:
        inner.watch(x)
        y = tf.exp(x * 0.5)
    dy = inner.gradient(y, x)
print(f"{float(tape.gradient(dy, x)):.5f}", f"{float(tape.gradient(y, x)):.5f}")
