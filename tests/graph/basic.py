# Functions for the `tfjit graph` snapshot tests.
import sys
import tensorflow as tf

print("module-level output is discarded by tfjit graph")
counter = tf.Variable(0.0)
table = tf.constant([1.0, 2.0, 3.0])


@tf.function
def affine(x, w):
    return tf.matmul(x, w) + 1.0


def arith(x, y):
    z = x * y - x / 2.0
    return tf.reduce_sum(z, axis=1), tf.nn.relu(z)


@tf.function
def stateful(x):
    counter.assign_add(tf.reduce_sum(x))
    tf.print("counter", counter, output_stream=sys.stdout)
    return counter.read_value() * table


@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.int32)])
def shapes(x):
    s = tf.shape(x)
    r = tf.reshape(x, [-1])
    return s, tf.cast(r[1:3], tf.float32), x[:, 0]


class Scaler(tf.Module):
    def __init__(self):
        super().__init__()
        self.k = tf.Variable(3.0)

    @tf.function
    def __call__(self, x):
        return tf.concat([x * self.k, tf.zeros([2])], axis=0)
