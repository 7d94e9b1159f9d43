# Checks tf.function decorator and call forms on functions and methods (results only, no trace-time prints).
import tensorflow as tf


@tf.function
def add(a, b):
    return a + b


@tf.function(reduce_retracing=True)
def scale(x, k=2.0):
    return x * k


def plain(x):
    return tf.reduce_sum(x)


wrapped = tf.function(plain)
sig = tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])(plain)


class Model(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable(2.0)

    @tf.function
    def __call__(self, x):
        return self.w * x

    @tf.function(jit_compile=True)
    def bump(self):
        self.w.assign_add(1.0)
        return self.w.read_value()


print(add(tf.constant(1), tf.constant(2)), add(1.5, 2.5))
print(scale(tf.constant([1.0, 2.0])), scale(tf.constant(1.0), k=3.0))
print(wrapped(tf.constant([1, 2, 3])), sig(tf.constant([1.0, 2.5])))
print(wrapped.python_function is plain, add.python_function(1, 2))
m = Model()
print(m(tf.constant(3.0)), m.bump(), m(tf.constant(3.0)))
tf.config.run_functions_eagerly(True)
print(add(tf.constant(10), 5))
tf.config.run_functions_eagerly(False)
print(callable(add), add(tf.constant([1.0]), tf.constant([2.0])))
