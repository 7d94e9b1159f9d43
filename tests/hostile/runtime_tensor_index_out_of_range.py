# Indexing past the end of a tensor.
import tensorflow as tf
t = tf.constant([1, 2, 3])
print(t[5])
