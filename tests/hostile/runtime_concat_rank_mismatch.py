# Concatenating tensors of different ranks.
import tensorflow as tf
print(tf.concat([tf.ones([2, 2]), tf.ones([2])], axis=0))
