# Control flow: tf.cond with tuple/dict outputs, nested conds, side effects in the taken branch only.
import sys
import tensorflow as tf

v = tf.Variable(10)


@tf.function
def pick(x, y):
    print("trace pick")
    a, b = tf.cond(x < y, lambda: (x, y), lambda: (y, x))
    d = tf.cond(a > 0, lambda: {"s": a + b, "p": a * b}, lambda: {"s": a - b, "p": -a * b})
    return a, b, d["s"], d["p"]


for p, q in [(7, 2), (-3, 5), (4, 4)]:
    print([int(t) for t in pick(tf.constant(p), tf.constant(q))])


def bump():
    tf.print("bump", output_stream=sys.stdout)
    v.assign_add(5)
    return v.read_value()


def drop():
    tf.print("drop", output_stream=sys.stdout)
    v.assign_sub(3)
    return v.read_value()


@tf.function
def step(flag):
    return tf.cond(flag, bump, drop)


print(step(tf.constant(True)), step(tf.constant(False)), v.numpy())


@tf.function
def nested(x):
    return tf.cond(x > 0, lambda: tf.cond(x > 10, lambda: x * 100, lambda: x * 10), lambda: -x)


print(nested(tf.constant(20)), nested(tf.constant(3)), nested(tf.constant(-2)))
print(tf.cond(tf.constant(False), lambda: tf.constant([1.5]), lambda: tf.constant([2.5])))
