# Reducing over an axis that does not exist.
import tensorflow as tf
print(tf.reduce_sum(tf.ones([2, 2]), axis=5))
