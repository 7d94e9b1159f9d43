# Checks persistent tapes, reuse errors, reset, watched_variables and watch_accessed_variables=False.
import tensorflow as tf

x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * x
    z = y * x
print(tape.gradient(y, x), tape.gradient(z, x), tape.gradient(z, y))
print(tape.gradient([y, z], x))
print(tape.gradient({"a": y, "b": z}, [x, y]))
del tape

with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
print(tape.gradient(y, x))
try:
    tape.gradient(y, x)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    tape.jacobian(y, x)
except RuntimeError as e:
    print("RuntimeError on jacobian")

v = tf.Variable(2.0, name="v")
u = tf.Variable(5.0, name="u")
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(v)
    y = v * u
print(tape.gradient(y, [v, u]))
print([w.name for w in tape.watched_variables()])

with tf.GradientTape() as tape:
    y = v * u + 1.0
print([w.name for w in tape.watched_variables()])
print(tape.gradient(y, [v, u]))

with tf.GradientTape(persistent=True) as tape:
    y = v * v
    tape.reset()
    z = u * u
print(tape.gradient(z, u), tape.gradient(y, v))
print([w.name for w in tape.watched_variables()])

with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
    g = tape.gradient(y, x)
    z = y * 2.0
print(g)
