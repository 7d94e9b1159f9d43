# Checks gradients w.r.t. nested lists, tuples and dicts of tensors and variables, and list targets.
import tensorflow as tf

p = {"w": tf.Variable([[1.0], [2.0]]), "b": tf.Variable([0.5]), "extra": [tf.Variable(1.0), (tf.Variable(3.0),)]}
x = tf.constant([[1.0, 1.0], [2.0, 0.0]])
with tf.GradientTape() as tape:
    out = tf.matmul(x, p["w"]) + p["b"]
    loss = tf.reduce_sum(out) * p["extra"][0]
g = tape.gradient(loss, p)
print(list(g.keys()))
print(g["w"])
print(g["b"])
print(g["extra"][0], g["extra"][1][0])
print(type(g["extra"]).__name__, type(g["extra"][1]).__name__)

a = tf.constant(1.0)
b = tf.constant(2.0)
with tf.GradientTape() as tape:
    tape.watch([a, (b,)])
    ys = (a * b, [a + b, a * a])
print(tape.gradient(ys, (a, b)))

with tf.GradientTape() as tape:
    tape.watch({"k": a})
    y = a * 5.0
print(tape.gradient(y, {"k": a, "n": [b]}))
