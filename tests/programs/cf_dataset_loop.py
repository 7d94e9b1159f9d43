# Control flow: for over a tf.data.Dataset inside tf.function with a tensor state and a break.
import tensorflow as tf


@tf.function
def total(ds):
    print("trace total")
    s = tf.constant(0, tf.int64)
    for x in ds:
        s += x
    return s


print(total(tf.data.Dataset.range(6)))


@tf.function
def until(ds, limit):
    s = tf.constant(0, tf.int64)
    for x in ds:
        if s > limit:
            break
        s += x
    return s


print(until(tf.data.Dataset.range(100), tf.constant(20, tf.int64)))
