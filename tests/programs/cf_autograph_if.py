# Control flow: AutoGraph if/elif/else on tensors, Python-bool ifs, ternaries and logical operators.
import tensorflow as tf


@tf.function
def bucket(x):
    print("trace bucket")
    if x < 0:
        b = tf.constant(-1)
    elif x < 10:
        b = tf.constant(0)
    elif x < 100:
        b = tf.constant(1)
    else:
        b = tf.constant(2)
    return b


print([int(bucket(tf.constant(v))) for v in [-5, 3, 50, 500]])


@tf.function
def scale(x, double):
    if double:
        x = x * 2.0
    if tf.reduce_max(x) > 5.0:
        x = x - 5.0
    else:
        x = x + 1.0
    return x


print(scale(tf.constant([1.0, 4.0]), True), scale(tf.constant([1.0, 4.0]), False))


@tf.function
def logic(a, b):
    if a > 0 and not b < 0:
        r = a + b
    elif a > 0 or b > 0:
        r = a - b
    else:
        r = a * b
    return r if r > 0 else -r


print(logic(tf.constant(2), tf.constant(3)), logic(tf.constant(2), tf.constant(-3)), logic(tf.constant(-2), tf.constant(-3)))


@tf.function
def early(x):
    if x > 10:
        return x - 10
    if x > 5:
        return x - 5
    return x


print(early(tf.constant(12)), early(tf.constant(7)), early(tf.constant(1)))
