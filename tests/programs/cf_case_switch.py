# Control flow: tf.case and tf.switch_case eagerly and traced, including an out-of-range index.
import tensorflow as tf


def sign(x):
    return tf.case([(x < 0, lambda: tf.constant(-1)), (x > 0, lambda: tf.constant(1))], default=lambda: tf.constant(0))


print(sign(tf.constant(-3)), sign(tf.constant(0)), sign(tf.constant(8)))
traced_sign = tf.function(sign)
print(traced_sign(tf.constant(-3)), traced_sign(tf.constant(0)), traced_sign(tf.constant(8)))


@tf.function
def op(k, a, b):
    print("trace op")
    return tf.switch_case(k, [lambda: a + b, lambda: a - b, lambda: a * b])


for k in [0, 1, 2, 7, -1]:
    print(k, op(tf.constant(k), tf.constant(6), tf.constant(4)))
print(tf.switch_case(tf.constant(5), [lambda: tf.constant(1), lambda: tf.constant(2)]))
