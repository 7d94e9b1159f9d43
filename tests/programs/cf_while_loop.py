# Control flow: tf.while_loop with tuples, lists, maximum_iterations and shape_invariants.
import tensorflow as tf


@tf.function
def gcd(a, b):
    print("trace gcd")
    return tf.while_loop(lambda a, b: b != 0, lambda a, b: (b, a % b), (a, b))


print([int(t) for t in gcd(tf.constant(48), tf.constant(18))])
print([int(t) for t in gcd(tf.constant(17), tf.constant(5))])


@tf.function
def capped(n, cap):
    return tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i * i), [0, 0], maximum_iterations=cap)


print([int(t) for t in capped(tf.constant(10), 3)], [int(t) for t in capped(tf.constant(2), 3)])


@tf.function
def grow(n):
    acc0 = tf.zeros([0], tf.float32)
    _, acc = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, tf.concat([a, [tf.cast(i, tf.float32) / 2.0]], 0)),
                           [tf.constant(0), acc0], shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
    return acc


print(grow(tf.constant(4)))
print(grow(tf.constant(0)))
r = tf.while_loop(lambda x: x < 100, lambda x: [x * 3], [tf.constant(2)])
print(r)
