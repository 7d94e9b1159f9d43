# tf.zeros with a negative dimension.
import tensorflow as tf
print(tf.zeros([2, -3]))
