# tf.ones of 2^40 int32 elements.
import tensorflow as tf
x = tf.ones([1 << 20, 1 << 20], dtype=tf.int32)
print(x.shape)
