# tf.gather with an index past the end.
import tensorflow as tf
print(tf.gather(tf.constant([1, 2, 3]), 7))
