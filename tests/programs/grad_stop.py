# Checks tf.stop_gradient, tape.stop_recording and ops outside the tape context.
import tensorflow as tf

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * tf.stop_gradient(x)
print(tape.gradient(y, x))

with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
    with tape.stop_recording():
        z = y * 10.0
    w = y + z
print(tape.gradient(w, x))
try:
    with tape.stop_recording():
        pass
except Exception as e:
    print(type(e).__name__)

v = tf.Variable(4.0)
with tf.GradientTape() as tape:
    y = tf.stop_gradient(v * 2.0) * v
print(tape.gradient(y, v))


@tf.function
def f(x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.stop_gradient(x * x)
        with tape.stop_recording():
            k = y * 3.0
        z = y + k
    return tape.gradient(z, x)


print(f(tf.constant(2.0)))
