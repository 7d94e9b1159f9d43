# Eager TensorFlow: broadcasting, reductions, variables and a tf.Module.
import tensorflow as tf


class Scale(tf.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = tf.Variable(factor, name="factor")

    def __call__(self, x):
        return x * self.factor


xs = tf.reshape(tf.range(6, dtype=tf.float32), [2, 3])
print(xs + tf.constant([10.0, 20.0, 30.0]))
print(tf.reduce_sum(xs, axis=0), tf.reduce_max(xs))

scale = Scale(2.0)
print(scale(xs))
scale.factor.assign_add(0.5)
print(f"factor is now {float(scale.factor):.2f}")
print([v.name for v in scale.trainable_variables])
